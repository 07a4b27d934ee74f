//! The liste électorale of one barreau.

use super::circonscription::Circonscription;
use super::cnbf::Cnbf;
use super::collation;
use super::conseil_size::conseil_size;
use super::elector::{Elector, ElectorError, OrdinalFunction, Status};
use super::ordinal_weight::{OrdinalWeightError, ordinal_weight};
use std::collections::HashMap;
use std::fmt;
use time::Date;

/// The liste électorale of one barreau: electors in the order given, indexed by CNBF number.
#[derive(Debug, Clone)]
pub struct Roll {
    barreau: String,
    electors: Vec<Elector>,
    index: HashMap<Cnbf, usize>,
}

/// Counts of a roll, as the décret's thresholds need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct RollCounts {
    /// Avocats inscrits au tableau.
    pub inscrits: u64,
    /// Avocats honoraires.
    pub honoraires: u64,
    /// Avocats omis (on the file, no vote).
    pub omis: u64,
    /// Avocats disposant du droit de vote (inscrits + honoraires; loi art. 15 al. 2).
    pub voters: u64,
    /// Electors of the CNB collège ordinal (bâtonnier and membres du conseil, art. 22).
    pub ordinal_electors: u64,
}

impl RollCounts {
    /// « nombre des avocats inscrits au tableau et des avocats honoraires » (art. 5): above 30,
    /// candidacies to the conseil de l'ordre are binômes.
    pub fn inscrits_and_honoraires(&self) -> u64 {
        self.inscrits + self.honoraires
    }
}

/// One problem found while building a roll. Positions are 1-based indices in the list given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollError {
    /// The same CNBF number twice.
    #[error("numéro CNBF {cnbf} en double : électeurs n° {first} et n° {second}")]
    DuplicateCnbf {
        /// The number.
        cnbf: Cnbf,
        /// First position.
        first: usize,
        /// Second position.
        second: usize,
    },
    /// An elector of another barreau.
    #[error(
        "électeur n° {position} (CNBF {cnbf}) : barreau « {found} », la liste est celle du barreau « {expected} »"
    )]
    WrongBarreau {
        /// Position.
        position: usize,
        /// The elector.
        cnbf: Cnbf,
        /// Barreau of the roll.
        expected: String,
        /// Barreau of the elector.
        found: String,
    },
    /// An inconsistent elector record.
    #[error("électeur n° {position} : {error}")]
    InvalidElector {
        /// Position.
        position: usize,
        /// What is wrong.
        error: ElectorError,
    },
    /// Two avocats recorded as bâtonnier (or vice-bâtonnier) en exercice.
    #[error(
        "fonction « {function} » attribuée deux fois : électeurs n° {first} (CNBF {first_cnbf}) et n° {second} (CNBF {second_cnbf})"
    )]
    FunctionHeldTwice {
        /// The function.
        function: &'static str,
        /// First position.
        first: usize,
        /// Its CNBF.
        first_cnbf: Cnbf,
        /// Second position.
        second: usize,
        /// Its CNBF.
        second_cnbf: Cnbf,
    },
    /// Empty barreau name.
    #[error("nom du barreau vide")]
    EmptyBarreau,
}

/// Every problem found in a roll (all-or-nothing import).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollErrors(pub Vec<RollError>);

impl fmt::Display for RollErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "liste électorale refusée ({} erreur(s))", self.0.len())?;
        for e in &self.0 {
            write!(f, "\n- {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RollErrors {}

/// A roll written as a JSON or TOML file (`barreau` and `[[electors]]`), for tests, examples and
/// tools; the ordre's CSV import is the admin's (`urne-server admin import-roll`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollFile {
    /// The barreau.
    pub barreau: String,
    /// The electors.
    pub electors: Vec<Elector>,
}

impl RollFile {
    /// Builds and checks the [`Roll`].
    pub fn into_roll(self) -> Result<Roll, RollErrors> {
        Roll::new(&self.barreau, self.electors)
    }
}

impl Roll {
    /// Builds the roll of `barreau`, checking every elector; all problems are reported at once.
    pub fn new(barreau: &str, electors: Vec<Elector>) -> Result<Roll, RollErrors> {
        let mut errors = Vec::new();
        if barreau.trim().is_empty() {
            errors.push(RollError::EmptyBarreau);
        }
        let mut index: HashMap<Cnbf, usize> = HashMap::with_capacity(electors.len());
        let mut batonnier: Option<usize> = None;
        let mut vice: Option<usize> = None;
        for (i, e) in electors.iter().enumerate() {
            let position = i + 1;
            if let Some(&first) = index.get(&e.cnbf) {
                errors.push(RollError::DuplicateCnbf {
                    cnbf: e.cnbf.clone(),
                    first: first + 1,
                    second: position,
                });
            } else {
                index.insert(e.cnbf.clone(), i);
            }
            if let Err(error) = e.check() {
                errors.push(RollError::InvalidElector { position, error });
            }
            if !collation::same_name(&e.barreau, barreau) {
                errors.push(RollError::WrongBarreau {
                    position,
                    cnbf: e.cnbf.clone(),
                    expected: barreau.to_string(),
                    found: e.barreau.clone(),
                });
            }
            let slot = match e.function {
                OrdinalFunction::Batonnier => Some(&mut batonnier),
                OrdinalFunction::ViceBatonnier => Some(&mut vice),
                _ => None,
            };
            if let Some(slot) = slot {
                match *slot {
                    Some(first) => errors.push(RollError::FunctionHeldTwice {
                        function: e.function.label(),
                        first: first + 1,
                        first_cnbf: electors[first].cnbf.clone(),
                        second: position,
                        second_cnbf: e.cnbf.clone(),
                    }),
                    None => *slot = Some(i),
                }
            }
        }
        if !errors.is_empty() {
            return Err(RollErrors(errors));
        }
        Ok(Roll {
            barreau: barreau.trim().to_string(),
            electors,
            index,
        })
    }

    /// The barreau.
    pub fn barreau(&self) -> &str {
        &self.barreau
    }

    /// True for the barreau de Paris.
    pub fn is_paris(&self) -> bool {
        self.circonscription() == Circonscription::Paris
    }

    /// CNB circonscription of the barreau.
    pub fn circonscription(&self) -> Circonscription {
        Circonscription::of_barreau(&self.barreau)
    }

    /// Every elector, in the order given.
    pub fn electors(&self) -> &[Elector] {
        &self.electors
    }

    /// The elector with this CNBF number.
    pub fn get(&self, cnbf: &Cnbf) -> Option<&Elector> {
        self.index.get(cnbf).and_then(|&i| self.electors.get(i))
    }

    /// 1-based position of this CNBF number in the roll.
    pub fn position(&self, cnbf: &Cnbf) -> Option<usize> {
        self.index.get(cnbf).map(|&i| i + 1)
    }

    /// Counts by status and right.
    pub fn counts(&self) -> RollCounts {
        let mut c = RollCounts::default();
        for e in &self.electors {
            match e.status {
                Status::Inscrit => c.inscrits += 1,
                Status::Honoraire => c.honoraires += 1,
                Status::Omis => c.omis += 1,
            }
            if e.has_right_to_vote() {
                c.voters += 1;
            }
            if e.is_ordinal_elector() {
                c.ordinal_electors += 1;
            }
        }
        c
    }

    /// Size of the conseil de l'ordre by the décret's table (art. 4); `None` below 8 voters.
    pub fn conseil_size(&self) -> Option<u32> {
        conseil_size(self.counts().voters, self.is_paris())
    }

    /// Avocats disposant du droit de vote « au 1er janvier » of `reference`'s year, as far as the
    /// roll tells: electors with the right to vote now whose inscription date is on or before
    /// `reference`. (The roll does not record when an avocat became honoraire or was omitted, so
    /// an honoraire counts if inscribed by then, and an avocat omitted since is not counted.)
    pub fn voters_on(&self, reference: Date) -> u64 {
        self.electors
            .iter()
            .filter(|e| e.has_right_to_vote() && e.inscription_date <= reference)
            .count() as u64
    }

    /// The electors of the CNB collège ordinal (art. 22).
    pub fn ordinal_electors(&self) -> impl Iterator<Item = &Elector> {
        self.electors.iter().filter(|e| e.is_ordinal_elector())
    }

    /// Voices of each ordinal elector of this barreau (art. 25), from the roll: avocats with the
    /// right to vote on `january_first` divided by the ordinal electors, rounded down; 1 in Paris.
    pub fn ordinal_weight(&self, january_first: Date) -> Result<u64, OrdinalWeightError> {
        ordinal_weight(
            &self.barreau,
            self.circonscription(),
            self.voters_on(january_first),
            self.counts().ordinal_electors,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::elector::Sex;
    use crate::model::elector::tests::avocat;
    use time::macros::date;

    fn roll_of(n: usize) -> Vec<Elector> {
        (1..=n)
            .map(|i| avocat(&format!("{}", 1000 + i), &format!("Nom{i}"), "P", Sex::F))
            .collect()
    }

    #[test]
    fn a_duplicate_cnbf_names_the_number_and_both_positions() {
        let mut v = roll_of(3);
        v[2].cnbf = Cnbf::parse("01001").unwrap();
        let err = Roll::new("Valence", v).unwrap_err();
        assert_eq!(
            err.0,
            vec![RollError::DuplicateCnbf {
                cnbf: Cnbf::parse("1001").unwrap(),
                first: 1,
                second: 3
            }]
        );
        assert_eq!(
            err.to_string(),
            "liste électorale refusée (1 erreur(s))\n- numéro CNBF 1001 en double : électeurs n° 1 et n° 3"
        );
    }

    #[test]
    fn every_error_of_the_roll_is_reported_at_once() {
        let mut v = roll_of(4);
        v[1].barreau = "Lyon".into();
        v[2].nom = String::new();
        v[3].cnbf = v[0].cnbf.clone();
        let err = Roll::new("Valence", v).unwrap_err();
        assert_eq!(err.0.len(), 3, "{err}");
    }

    #[test]
    fn the_barreau_name_is_compared_without_case_or_accents() {
        let mut v = roll_of(1);
        v[0].barreau = "VALENCE".into();
        assert!(Roll::new("Valence", v).is_ok());
    }

    #[test]
    fn two_batonniers_are_refused() {
        let mut v = roll_of(3);
        v[0].function = OrdinalFunction::Batonnier;
        v[2].function = OrdinalFunction::Batonnier;
        let err = Roll::new("Valence", v).unwrap_err();
        assert!(matches!(
            err.0[0],
            RollError::FunctionHeldTwice {
                first: 1,
                second: 3,
                ..
            }
        ));
    }

    #[test]
    fn counts_separate_inscrits_honoraires_and_omis() {
        let mut v = roll_of(6);
        v[0].status = Status::Honoraire;
        v[1].status = Status::Omis;
        v[2].function = OrdinalFunction::Batonnier;
        v[3].function = OrdinalFunction::MembreDuConseil;
        v[4].function = OrdinalFunction::ViceBatonnier;
        let roll = Roll::new("Valence", v).unwrap();
        let c = roll.counts();
        assert_eq!(
            c,
            RollCounts {
                inscrits: 4,
                honoraires: 1,
                omis: 1,
                voters: 5,
                ordinal_electors: 2
            }
        );
        assert_eq!(c.inscrits_and_honoraires(), 5);
    }

    #[test]
    fn lookup_by_cnbf_accepts_any_spelling_of_the_number() {
        let roll = Roll::new("Valence", roll_of(3)).unwrap();
        let key = Cnbf::parse(" 001 002").unwrap();
        assert_eq!(roll.get(&key).unwrap().nom, "Nom2");
        assert_eq!(roll.position(&key), Some(2));
        assert!(roll.get(&Cnbf::parse("9").unwrap()).is_none());
    }

    #[test]
    fn voters_on_first_january_leave_out_later_inscriptions() {
        let mut v = roll_of(3);
        v[2].inscription_date = date!(2026 - 01 - 02);
        v[1].inscription_date = date!(2026 - 01 - 01);
        let roll = Roll::new("Valence", v).unwrap();
        assert_eq!(roll.voters_on(date!(2026 - 01 - 01)), 2);
    }

    #[test]
    fn the_roll_weight_divides_voters_by_ordinal_electors() {
        let mut v = roll_of(40);
        for e in v.iter_mut().take(7) {
            e.function = OrdinalFunction::MembreDuConseil;
        }
        v[0].function = OrdinalFunction::Batonnier;
        let roll = Roll::new("Valence", v).unwrap();
        assert_eq!(roll.ordinal_weight(date!(2026 - 01 - 01)), Ok(40 / 7));
        assert_eq!(roll.conseil_size(), Some(6));
    }

    #[test]
    fn a_roll_without_ordinal_elector_has_no_weight() {
        let roll = Roll::new("Valence", roll_of(10)).unwrap();
        assert!(matches!(
            roll.ordinal_weight(date!(2026 - 01 - 01)),
            Err(OrdinalWeightError::NoOrdinalElector { .. })
        ));
    }
}

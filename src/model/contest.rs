//! Contests (scrutins): what is elected, in which round, for how many seats.

use super::candidacy::{Candidacy, CandidacyKind};
use super::circonscription::Circonscription;
use super::elector::Sex;
use std::fmt;

/// Round of a two-round majority vote (bâtonnier, art. 6; conseil de l'ordre, art. 5). Written
/// `1` or `2` in definition files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Round {
    /// Premier tour.
    First,
    /// Second tour.
    Second,
}

impl TryFrom<u8> for Round {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, String> {
        match v {
            1 => Ok(Round::First),
            2 => Ok(Round::Second),
            _ => Err(format!("tour {v} invalide : 1 ou 2 attendu")),
        }
    }
}

impl From<Round> for u8 {
    fn from(r: Round) -> u8 {
        match r {
            Round::First => 1,
            Round::Second => 2,
        }
    }
}

impl fmt::Display for Round {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Round::First => "premier tour",
            Round::Second => "second tour",
        })
    }
}

/// The figures the bâtonnier communicates to the CNB before 1 March (art. 25), from which the
/// weight of the national circonscription's ordinal electors is computed. When absent, Urne
/// computes them from the roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightBasis {
    /// « nombre d'avocats disposant du droit de vote au 1er janvier de l'année du scrutin ».
    pub voters_on_january_first: u64,
    /// « nombre d'électeurs » of the collège ordinal of the barreau.
    pub ordinal_electors: u64,
}

/// What a contest elects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContestKind {
    /// Bâtonnier (with, where candidacies say so, the vice-bâtonnier), two-round majority (art. 6).
    Batonnier {
        /// Round.
        round: Round,
    },
    /// Members of the conseil de l'ordre (art. 5).
    ConseilDeLOrdre {
        /// Round.
        round: Round,
        /// Candidacies to elect (a binôme counts once and fills two seats of the conseil).
        seats: u32,
    },
    /// One of the two scrutins of the CNB collège ordinal: women's or men's (art. 22).
    CnbOrdinal {
        /// Circonscription.
        circonscription: Circonscription,
        /// Sex of the candidates of this scrutin.
        sex: Sex,
        /// Seats of this scrutin (half the circonscription's ordinal seats).
        seats: u32,
        /// Figures declared under art. 25 (national circonscription only).
        weight_basis: Option<WeightBasis>,
    },
    /// The CNB collège général, list vote (art. 23).
    CnbGeneral {
        /// Circonscription.
        circonscription: Circonscription,
        /// Seats (the length of each list).
        seats: u32,
    },
}

impl ContestKind {
    /// Seats to fill; 1 for the bâtonnier.
    pub fn seats(&self) -> u32 {
        match *self {
            ContestKind::Batonnier { .. } => 1,
            ContestKind::ConseilDeLOrdre { seats, .. }
            | ContestKind::CnbOrdinal { seats, .. }
            | ContestKind::CnbGeneral { seats, .. } => seats,
        }
    }

    /// Round, for the two-round contests.
    pub fn round(&self) -> Option<Round> {
        match *self {
            ContestKind::Batonnier { round } | ContestKind::ConseilDeLOrdre { round, .. } => {
                Some(round)
            }
            _ => None,
        }
    }

    /// CNB contests are open to candidates of every barreau of the circonscription.
    pub fn is_cnb(&self) -> bool {
        matches!(
            self,
            ContestKind::CnbOrdinal { .. } | ContestKind::CnbGeneral { .. }
        )
    }

    /// The candidacy kind the décret prescribes; for the conseil it depends on
    /// `inscrits_and_honoraires` (art. 5: binômes above 30).
    pub fn expected_candidacy(&self, inscrits_and_honoraires: u64) -> CandidacyKind {
        match self {
            ContestKind::Batonnier { .. } => CandidacyKind::Batonnier,
            ContestKind::ConseilDeLOrdre { .. } if inscrits_and_honoraires > 30 => {
                CandidacyKind::Binome
            }
            ContestKind::ConseilDeLOrdre { .. } | ContestKind::CnbOrdinal { .. } => {
                CandidacyKind::Individual
            }
            ContestKind::CnbGeneral { .. } => CandidacyKind::List,
        }
    }

    /// French label, e.g. « CNB collège ordinal, scrutin des femmes, circonscription nationale ».
    pub fn label(&self) -> String {
        match self {
            ContestKind::Batonnier { round } => format!("bâtonnier, {round}"),
            ContestKind::ConseilDeLOrdre { round, .. } => {
                format!("conseil de l'ordre, {round}")
            }
            ContestKind::CnbOrdinal {
                circonscription,
                sex,
                ..
            } => format!(
                "CNB collège ordinal, scrutin des {}s, {circonscription}",
                sex.label()
            ),
            ContestKind::CnbGeneral {
                circonscription, ..
            } => format!("CNB collège général, {circonscription}"),
        }
    }
}

/// One contest of an election, with its candidacies.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "ContestRepr", into = "ContestRepr")]
pub struct Contest {
    /// Identifier, unique in the election (e.g. `"batonnier"`, `"conseil"`).
    pub id: String,
    /// What is elected.
    pub kind: ContestKind,
    /// Candidacies, in ballot order.
    pub candidacies: Vec<Candidacy>,
}

impl Contest {
    /// The candidacy with this identifier.
    pub fn candidacy(&self, id: &str) -> Option<&Candidacy> {
        self.candidacies.iter().find(|c| c.id() == id)
    }
}

/// The flat form of a contest in definition files: `kind` names the contest, the other fields
/// depend on it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum ContestRepr {
    Batonnier {
        id: String,
        round: Round,
        #[serde(default)]
        candidacies: Vec<Candidacy>,
    },
    ConseilDeLOrdre {
        id: String,
        round: Round,
        seats: u32,
        #[serde(default)]
        candidacies: Vec<Candidacy>,
    },
    CnbOrdinal {
        id: String,
        circonscription: Circonscription,
        sex: Sex,
        seats: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight_basis: Option<WeightBasis>,
        #[serde(default)]
        candidacies: Vec<Candidacy>,
    },
    CnbGeneral {
        id: String,
        circonscription: Circonscription,
        seats: u32,
        #[serde(default)]
        candidacies: Vec<Candidacy>,
    },
}

impl From<ContestRepr> for Contest {
    fn from(r: ContestRepr) -> Contest {
        let (id, kind, candidacies) = match r {
            ContestRepr::Batonnier {
                id,
                round,
                candidacies,
            } => (id, ContestKind::Batonnier { round }, candidacies),
            ContestRepr::ConseilDeLOrdre {
                id,
                round,
                seats,
                candidacies,
            } => (
                id,
                ContestKind::ConseilDeLOrdre { round, seats },
                candidacies,
            ),
            ContestRepr::CnbOrdinal {
                id,
                circonscription,
                sex,
                seats,
                weight_basis,
                candidacies,
            } => (
                id,
                ContestKind::CnbOrdinal {
                    circonscription,
                    sex,
                    seats,
                    weight_basis,
                },
                candidacies,
            ),
            ContestRepr::CnbGeneral {
                id,
                circonscription,
                seats,
                candidacies,
            } => (
                id,
                ContestKind::CnbGeneral {
                    circonscription,
                    seats,
                },
                candidacies,
            ),
        };
        Contest {
            id,
            kind,
            candidacies,
        }
    }
}

impl From<Contest> for ContestRepr {
    fn from(c: Contest) -> ContestRepr {
        let Contest {
            id,
            kind,
            candidacies,
        } = c;
        match kind {
            ContestKind::Batonnier { round } => ContestRepr::Batonnier {
                id,
                round,
                candidacies,
            },
            ContestKind::ConseilDeLOrdre { round, seats } => ContestRepr::ConseilDeLOrdre {
                id,
                round,
                seats,
                candidacies,
            },
            ContestKind::CnbOrdinal {
                circonscription,
                sex,
                seats,
                weight_basis,
            } => ContestRepr::CnbOrdinal {
                id,
                circonscription,
                sex,
                seats,
                weight_basis,
                candidacies,
            },
            ContestKind::CnbGeneral {
                circonscription,
                seats,
            } => ContestRepr::CnbGeneral {
                id,
                circonscription,
                seats,
                candidacies,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conseil_contest_reads_from_flat_toml() {
        let c: Contest = toml::from_str(
            "kind = \"conseil_de_l_ordre\"\nid = \"conseil\"\nround = 1\nseats = 2\n",
        )
        .unwrap();
        assert_eq!(
            c.kind,
            ContestKind::ConseilDeLOrdre {
                round: Round::First,
                seats: 2
            }
        );
        assert!(c.candidacies.is_empty());
    }

    #[test]
    fn a_third_round_is_refused_when_read() {
        let err =
            toml::from_str::<Contest>("kind = \"batonnier\"\nid = \"b\"\nround = 3\n").unwrap_err();
        assert!(err.to_string().contains("tour 3 invalide"), "{err}");
    }

    #[test]
    fn an_unknown_field_in_a_contest_is_refused() {
        let err =
            serde_json::from_str::<Contest>(r#"{"kind":"batonnier","id":"b","round":1,"seats":1}"#)
                .unwrap_err();
        assert!(err.to_string().contains("seats"), "{err}");
    }

    #[test]
    fn a_contest_round_trips_through_json() {
        let c = Contest {
            id: "ord-f".into(),
            kind: ContestKind::CnbOrdinal {
                circonscription: Circonscription::Nationale,
                sex: Sex::F,
                seats: 12,
                weight_basis: Some(WeightBasis {
                    voters_on_january_first: 250,
                    ordinal_electors: 19,
                }),
            },
            candidacies: vec![],
        };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Contest>(&json).unwrap(), c);
    }

    #[test]
    fn the_conseil_takes_binomes_above_thirty_inscrits_and_honoraires() {
        let k = ContestKind::ConseilDeLOrdre {
            round: Round::First,
            seats: 2,
        };
        assert_eq!(k.expected_candidacy(30), CandidacyKind::Individual);
        assert_eq!(k.expected_candidacy(31), CandidacyKind::Binome);
    }

    #[test]
    fn labels_name_the_college_the_sex_and_the_circonscription() {
        let k = ContestKind::CnbOrdinal {
            circonscription: Circonscription::Paris,
            sex: Sex::M,
            seats: 8,
            weight_basis: None,
        };
        assert_eq!(
            k.label(),
            "CNB collège ordinal, scrutin des hommes, circonscription de Paris"
        );
    }
}

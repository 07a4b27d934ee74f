//! What the staff sees after a roll import: the counts the décret's thresholds read, the size of
//! the conseil, and each elector's right to vote and CNB ordinal voices, computed with the model's
//! own functions ([`Roll::counts`], [`Roll::conseil_size`], [`Roll::ordinal_weight`],
//! [`Election::voting_rights`]).

use super::circonscription::Circonscription;
use super::cnbf::Cnbf;
use super::contest::{ContestKind, WeightBasis};
use super::election::{Election, VotingRight};
use super::elector::{OrdinalFunction, Status};
use super::ordinal_weight::OrdinalWeightError;
use super::roll::{Roll, RollCounts};
use super::roll_csv::format_date_fr;
use std::fmt::Write as _;
use time::Date;

/// Right to vote of one elector.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ElectorRights {
    /// CNBF number.
    pub cnbf: Cnbf,
    /// « Nom Prénom ».
    pub name: String,
    /// Status.
    pub status: Status,
    /// Current ordinal function.
    pub function: OrdinalFunction,
    /// Votes for the bâtonnier, the conseil and the CNB collège général (inscrit or honoraire).
    pub right_to_vote: bool,
    /// Elector of the CNB collège ordinal (bâtonnier or membre du conseil en exercice, art. 22).
    pub ordinal_elector: bool,
    /// Voices carried by each of the two ordinal ballots (art. 25), when computable.
    pub ordinal_voices: Option<u64>,
    /// With an election: every contest the elector votes in and the weight of the ballot.
    pub contests: Option<Vec<VotingRight>>,
}

/// Summary of a liste électorale.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RollSummary {
    /// Barreau.
    pub barreau: String,
    /// Counts by status and right.
    pub counts: RollCounts,
    /// Size of the conseil de l'ordre (art. 4); `None` below eight voters.
    pub conseil_size: Option<u32>,
    /// Inscrits + honoraires > 30: candidacies to the conseil are binômes (art. 5 II).
    pub binomes: bool,
    /// « le 1er janvier de l'année du scrutin ».
    #[serde(with = "super::dates::date")]
    pub january_first: Date,
    /// Avocats disposant du droit de vote inscribed on or before 1 January (art. 25).
    pub voters_on_january_first: u64,
    /// Voices of each ordinal elector (art. 25), or why they cannot be computed: from the roll,
    /// or from the figures declared in the election's CNB ordinal contest.
    #[serde(skip)]
    pub ordinal_weight: Result<u64, OrdinalWeightError>,
    /// The figures declared to the CNB (art. 25) the weight was computed from, when the election
    /// gives them instead of the roll's.
    pub declared_basis: Option<WeightBasis>,
    /// Every elector, in roll order.
    pub electors: Vec<ElectorRights>,
}

/// Summary of `roll` for an election held in the year of `january_first`.
pub fn summarize(roll: &Roll, january_first: Date) -> RollSummary {
    let counts = roll.counts();
    let ordinal_weight = roll.ordinal_weight(january_first);
    let electors = roll
        .electors()
        .iter()
        .map(|e| ElectorRights {
            cnbf: e.cnbf.clone(),
            name: e.display_name(),
            status: e.status,
            function: e.function,
            right_to_vote: e.has_right_to_vote(),
            ordinal_elector: e.is_ordinal_elector(),
            ordinal_voices: if e.is_ordinal_elector() {
                ordinal_weight.clone().ok()
            } else {
                None
            },
            contests: None,
        })
        .collect();
    RollSummary {
        barreau: roll.barreau().to_string(),
        counts,
        conseil_size: roll.conseil_size(),
        binomes: counts.inscrits_and_honoraires() > 30,
        january_first,
        voters_on_january_first: roll.voters_on(january_first),
        ordinal_weight,
        declared_basis: None,
        electors,
    }
}

/// Summary of `roll` for `election`: as [`summarize`], plus each elector's contests from
/// [`Election::voting_rights`]; the ordinal voices are those of the election's CNB ordinal
/// contest when it has one (declared figures of art. 25 included).
pub fn summarize_for_election(roll: &Roll, election: &Election) -> RollSummary {
    let mut summary = summarize(roll, election.january_first());
    let ordinal_contest = election
        .contests
        .iter()
        .find(|c| matches!(c.kind, ContestKind::CnbOrdinal { .. }));
    if let Some(contest) = ordinal_contest {
        summary.ordinal_weight = election.weight(contest, roll);
        if let ContestKind::CnbOrdinal {
            circonscription: Circonscription::Nationale,
            weight_basis: Some(basis),
            ..
        } = contest.kind
        {
            summary.declared_basis = Some(basis);
        }
        let weight = summary.ordinal_weight.clone().ok();
        for rights in summary.electors.iter_mut().filter(|e| e.ordinal_elector) {
            rights.ordinal_voices = weight;
        }
    }
    for (rights, elector) in summary.electors.iter_mut().zip(roll.electors()) {
        match election.voting_rights(roll, elector) {
            Ok(contests) => {
                rights.contests = Some(contests);
            }
            Err(e) => {
                summary.ordinal_weight = Err(e);
                rights.contests = None;
            }
        }
    }
    summary
}

impl RollSummary {
    /// The summary as French text for the bureau; with `detail`, one line per elector.
    pub fn render(&self, detail: bool) -> String {
        let c = &self.counts;
        let mut out = String::new();
        let _ = writeln!(out, "Liste électorale du barreau {}", self.barreau);
        let _ = writeln!(out, "  inscrits au tableau : {}", c.inscrits);
        let _ = writeln!(out, "  avocats honoraires : {}", c.honoraires);
        let _ = writeln!(out, "  omis du tableau (sans droit de vote) : {}", c.omis);
        let _ = writeln!(
            out,
            "  avocats disposant du droit de vote : {} (inscrits et honoraires)",
            c.voters
        );
        let _ = writeln!(
            out,
            "  inscrits et honoraires : {} ; candidatures au conseil de l'ordre {} (décret art. 5)",
            c.inscrits_and_honoraires(),
            if self.binomes {
                "en binômes (plus de trente)"
            } else {
                "individuelles (trente ou moins)"
            }
        );
        match self.conseil_size {
            Some(n) => {
                let _ = writeln!(out, "  conseil de l'ordre : {n} membres (décret art. 4)");
            }
            None => {
                let _ = writeln!(
                    out,
                    "  conseil de l'ordre : aucun, moins de huit avocats disposant du droit de vote (décret art. 4 et 11)"
                );
            }
        }
        let _ = writeln!(
            out,
            "  électeurs du collège ordinal du CNB : {} (bâtonnier et membres du conseil en exercice, décret art. 22)",
            c.ordinal_electors
        );
        match &self.ordinal_weight {
            Ok(w) if self.barreau_is_paris() => {
                let _ = writeln!(
                    out,
                    "  voix de chaque électeur du collège ordinal : {w} par bulletin (Paris, décret art. 25)"
                );
            }
            Ok(w) if self.declared_basis.is_some() => {
                let (voters, electors) = self
                    .declared_basis
                    .map_or((0, 0), |b| (b.voters_on_january_first, b.ordinal_electors));
                let _ = writeln!(
                    out,
                    "  voix de chaque électeur du collège ordinal : {voters} ÷ {electors} = {w} par \
                     bulletin (chiffres déclarés au Conseil national des barreaux, décret art. 25)"
                );
            }
            Ok(w) => {
                let _ = writeln!(
                    out,
                    "  voix de chaque électeur du collège ordinal : {} ÷ {} = {w} par bulletin \
                     (avocats disposant du droit de vote au {}, arrondi à l'entier inférieur, décret art. 25)",
                    self.voters_on_january_first,
                    c.ordinal_electors,
                    format_date_fr(self.january_first)
                );
            }
            Err(e) => {
                let _ = writeln!(out, "  voix du collège ordinal : {e}");
            }
        }
        let ordinal: Vec<&ElectorRights> =
            self.electors.iter().filter(|e| e.ordinal_elector).collect();
        if !ordinal.is_empty() {
            let _ = writeln!(out, "Électeurs du collège ordinal :");
            for e in ordinal {
                let voices = e
                    .ordinal_voices
                    .map(|v| format!("2 bulletins de {v} voix"))
                    .unwrap_or_else(|| "voix non calculables".into());
                let _ = writeln!(
                    out,
                    "  {} {}, {} : {voices}",
                    e.cnbf,
                    e.name,
                    e.function.label()
                );
            }
        }
        if detail {
            let _ = writeln!(out, "Droit de vote de chaque électeur :");
            for e in &self.electors {
                let right = if e.right_to_vote {
                    "vote"
                } else {
                    "ne vote pas"
                };
                let _ = write!(
                    out,
                    "  {} {} ({}) : {right}",
                    e.cnbf,
                    e.name,
                    e.status.label()
                );
                if let Some(contests) = &e.contests {
                    let list: Vec<String> = contests
                        .iter()
                        .map(|r| {
                            if r.weight == 1 {
                                r.contest.clone()
                            } else {
                                format!("{} ({} voix)", r.contest, r.weight)
                            }
                        })
                        .collect();
                    if !list.is_empty() {
                        let _ = write!(out, " — scrutins : {}", list.join(", "));
                    }
                } else if let Some(v) = e.ordinal_voices {
                    let _ = write!(out, " ; collège ordinal : 2 bulletins de {v} voix");
                }
                let _ = writeln!(out);
            }
        }
        out
    }

    fn barreau_is_paris(&self) -> bool {
        Circonscription::of_barreau(&self.barreau) == Circonscription::Paris
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::elector::tests::avocat;
    use crate::model::elector::{Elector, Sex};
    use crate::model::{DefinitionFormat, RollFile};
    use time::macros::date;

    fn valence() -> (Roll, Election) {
        let rf: RollFile =
            serde_json::from_str(include_str!("../../tests/elections/valence.roll.json")).unwrap();
        let mut v: serde_json::Value = serde_json::from_str(
            &Election::parse(
                include_str!("../../tests/elections/valence.json"),
                DefinitionFormat::Json,
                "valence.json",
            )
            .unwrap()
            .to_json()
            .unwrap(),
        )
        .unwrap();
        v["contests"].as_array_mut().unwrap().extend([
            serde_json::json!({"kind": "cnb_ordinal", "id": "cnb-ord-f", "circonscription": "nationale", "sex": "F", "seats": 1,
                               "weight_basis": {"voters_on_january_first": 250, "ordinal_electors": 19}}),
            serde_json::json!({"kind": "cnb_ordinal", "id": "cnb-ord-m", "circonscription": "nationale", "sex": "M", "seats": 1,
                               "weight_basis": {"voters_on_january_first": 250, "ordinal_electors": 19}}),
        ]);
        (rf.into_roll().unwrap(), serde_json::from_value(v).unwrap())
    }

    #[test]
    fn the_figures_declared_to_the_cnb_replace_the_rolls_for_the_ordinal_voices() {
        let (roll, election) = valence();
        // From the roll: 45 voters / 7 ordinal electors = 6.
        assert_eq!(
            summarize(&roll, date!(2026 - 01 - 01)).ordinal_weight,
            Ok(6)
        );
        // Declared: 250 / 19 = 13.
        let s = summarize_for_election(&roll, &election);
        assert_eq!(s.ordinal_weight, Ok(13));
        let bat = &s.electors[0];
        assert_eq!(bat.ordinal_voices, Some(13));
        let contests: Vec<(&str, u64)> = bat
            .contests
            .as_ref()
            .unwrap()
            .iter()
            .map(|r| (r.contest.as_str(), r.weight))
            .collect();
        assert_eq!(
            contests,
            vec![
                ("batonnier", 1),
                ("conseil", 1),
                ("cnb-ord-f", 13),
                ("cnb-ord-m", 13)
            ]
        );
        let text = s.render(false);
        assert!(
            text.contains(
                "  voix de chaque électeur du collège ordinal : 250 ÷ 19 = 13 par bulletin \
                 (chiffres déclarés au Conseil national des barreaux, décret art. 25)"
            ),
            "{text}"
        );
        // An elector outside the collège ordinal has no ordinal voices.
        assert_eq!(s.electors[10].ordinal_voices, None);
    }

    #[test]
    fn a_small_barreau_without_ordinal_elector_says_why_no_voice_is_computed() {
        let electors: Vec<Elector> = (0..5)
            .map(|i| avocat(&format!("{}", 300 + i), &format!("N{i}"), "P", Sex::F))
            .collect();
        let roll = Roll::new("Valence", electors).unwrap();
        let s = summarize(&roll, date!(2026 - 01 - 01));
        assert_eq!(s.conseil_size, None);
        assert!(!s.binomes);
        let text = s.render(true);
        assert!(
            text.contains("  conseil de l'ordre : aucun, moins de huit avocats disposant du droit de vote (décret art. 4 et 11)\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "  voix du collège ordinal : barreau Valence : aucun électeur du collège ordinal"
            ),
            "{text}"
        );
        assert!(
            text.contains("  300 N0 P (inscrit au tableau) : vote\n"),
            "{text}"
        );
    }
}

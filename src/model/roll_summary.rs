//! What the staff sees after a roll import: the counts the décret's thresholds read, the size of
//! the conseil, and each elector's right to vote and CNB ordinal voices, computed with the model's
//! own functions ([`Roll::counts`], [`Roll::conseil_size`], [`Roll::ordinal_weight`],
//! [`Election::voting_rights`]).

use super::cnbf::Cnbf;
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
    /// Voices of each ordinal elector, computed from the roll (art. 25), or why not.
    #[serde(skip)]
    pub ordinal_weight: Result<u64, OrdinalWeightError>,
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
        electors,
    }
}

/// Summary of `roll` for `election`: as [`summarize`], plus each elector's contests from
/// [`Election::voting_rights`]; the ordinal voices are those of the election's CNB ordinal
/// contest when it has one (declared figures of art. 25 included).
pub fn summarize_for_election(roll: &Roll, election: &Election) -> RollSummary {
    let mut summary = summarize(roll, election.january_first());
    for (rights, elector) in summary.electors.iter_mut().zip(roll.electors()) {
        match election.voting_rights(roll, elector) {
            Ok(contests) => {
                let ordinal = contests.iter().find(|r| {
                    election.contest(&r.contest).is_some_and(|c| {
                        matches!(c.kind, super::contest::ContestKind::CnbOrdinal { .. })
                    })
                });
                if let Some(r) = ordinal {
                    rights.ordinal_voices = Some(r.weight);
                }
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
        super::circonscription::Circonscription::of_barreau(&self.barreau)
            == super::circonscription::Circonscription::Paris
    }
}

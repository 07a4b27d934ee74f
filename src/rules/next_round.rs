//! The second round derived from a first round's result.
//!
//! - Bâtonnier (décret art. 6): « seuls peuvent se présenter au deuxième tour les deux candidats
//!   qui ont obtenu le plus grand nombre de ces suffrages » — the two finalists of the first
//!   round, ties for those places already broken by [`count_batonnier`](super::method_batonnier::count_batonnier).
//! - Conseil de l'ordre (décret art. 5): the seats the first round left, and the candidacies of
//!   the first round that were not elected. (Whether new candidacies may enter the second round
//!   is for the règlement intérieur, art. 5 III; the caller may add them to the returned
//!   contest.)

use serde::{Deserialize, Serialize};

use super::common::{Contestant, RuleError};
use super::method_batonnier::{BatonnierCounts, BatonnierOutcome, BatonnierResult};
use super::method_conseil::{ConseilCounts, ConseilResult};

/// A second-round contest: its seats and the candidacies that may stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondRound {
    /// Seats to fill in the second round.
    pub seats: u32,
    /// Candidacies that may stand, in first-round order.
    pub candidacies: Vec<Contestant>,
}

fn find<'a>(
    candidacies: &'a [super::common::Candidacy],
    id: &str,
) -> Result<&'a super::common::Candidacy, RuleError> {
    candidacies.iter().find(|c| c.id == id).ok_or_else(|| {
        RuleError::invalid(
            "candidacies",
            format!(
                "le résultat cite la candidature « {id} », absente des comptes du premier tour"
            ),
        )
    })
}

/// The bâtonnier's second round, or `None` if the first round elected (or nobody stood).
pub fn batonnier_second_round(
    first: &BatonnierCounts,
    result: &BatonnierResult,
) -> Result<Option<SecondRound>, RuleError> {
    if result.round != 1 || first.round != 1 {
        return Err(RuleError::invalid(
            "round",
            "un second tour ne se déduit que d'un premier tour",
        ));
    }
    match &result.outcome {
        BatonnierOutcome::SecondRound { finalists } => {
            let candidacies = finalists
                .iter()
                .map(|id| find(&first.candidacies, id).map(Contestant::from))
                .collect::<Result<_, _>>()?;
            Ok(Some(SecondRound {
                seats: 1,
                candidacies,
            }))
        }
        BatonnierOutcome::Elected { .. } | BatonnierOutcome::NoCandidate => Ok(None),
    }
}

/// The conseil de l'ordre's second round, or `None` if the first round filled every seat.
pub fn conseil_second_round(
    first: &ConseilCounts,
    result: &ConseilResult,
) -> Result<Option<SecondRound>, RuleError> {
    if result.round != 1 || first.round != 1 {
        return Err(RuleError::invalid(
            "round",
            "un second tour ne se déduit que d'un premier tour",
        ));
    }
    for id in &result.elected {
        find(&first.candidacies, id)?;
    }
    if result.remaining_seats == 0 {
        return Ok(None);
    }
    let candidacies = first
        .candidacies
        .iter()
        .filter(|c| !result.elected.contains(&c.id))
        .map(Contestant::from)
        .collect();
    Ok(Some(SecondRound {
        seats: result.remaining_seats,
        candidacies,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::common::tests::{cand, figures, person};
    use crate::rules::method_batonnier::count_batonnier;
    use crate::rules::method_conseil::count_conseil;

    #[test]
    fn the_batonnier_second_round_opposes_the_two_first() {
        let first = BatonnierCounts {
            round: 1,
            figures: figures(None, 100, 0, 0),
            candidacies: vec![
                cand("A", 20, vec![]),
                cand("B", 45, vec![person("B", "", "1960-01-01")]),
                cand("C", 35, vec![]),
            ],
        };
        let r = count_batonnier(&first).unwrap();
        let second = batonnier_second_round(&first, &r).unwrap().unwrap();
        assert_eq!(second.seats, 1);
        let ids: Vec<_> = second.candidacies.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, vec!["B", "C"]);
        // Persons (and their dates, for the second round's tie-break) carry over.
        assert_eq!(second.candidacies[0].persons.len(), 1);
    }

    #[test]
    fn no_batonnier_second_round_after_an_election_in_the_first() {
        let first = BatonnierCounts {
            round: 1,
            figures: figures(None, 100, 0, 0),
            candidacies: vec![cand("A", 60, vec![]), cand("B", 40, vec![])],
        };
        let r = count_batonnier(&first).unwrap();
        assert_eq!(batonnier_second_round(&first, &r).unwrap(), None);
    }

    #[test]
    fn the_conseil_second_round_fills_the_remaining_seats_with_the_candidacies_not_elected() {
        let first = ConseilCounts {
            round: 1,
            seats: 3,
            binomes: false,
            figures: figures(None, 100, 0, 0),
            candidacies: vec![
                cand("A", 60, vec![]),
                cand("B", 40, vec![]),
                cand("C", 55, vec![]),
                cand("D", 30, vec![]),
            ],
        };
        let r = count_conseil(&first).unwrap();
        let second = conseil_second_round(&first, &r).unwrap().unwrap();
        assert_eq!(second.seats, 1);
        let ids: Vec<_> = second.candidacies.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, vec!["B", "D"]);
    }

    #[test]
    fn a_second_round_cannot_follow_a_second_round() {
        let counts = ConseilCounts {
            round: 2,
            seats: 1,
            binomes: false,
            figures: figures(None, 10, 0, 0),
            candidacies: vec![cand("A", 6, vec![])],
        };
        let r = count_conseil(&counts).unwrap();
        assert_eq!(
            conseil_second_round(&counts, &r).unwrap_err().field,
            "round"
        );
    }

    #[test]
    fn a_result_that_does_not_match_the_counts_is_rejected() {
        let first = BatonnierCounts {
            round: 1,
            figures: figures(None, 100, 0, 0),
            candidacies: vec![
                cand("A", 40, vec![]),
                cand("B", 35, vec![]),
                cand("C", 25, vec![]),
            ],
        };
        let mut r = count_batonnier(&first).unwrap();
        r.outcome = BatonnierOutcome::SecondRound {
            finalists: vec!["A".into(), "Z".into()],
        };
        assert!(batonnier_second_round(&first, &r).is_err());
    }
}

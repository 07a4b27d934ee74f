//! Election of the bâtonnier (with, where presented jointly, the vice-bâtonnier): secret
//! two-round majority vote.
//!
//! Décret n°91-1197, art. 6: « Si aucun des candidats n'a obtenu au premier tour la majorité des
//! suffrages exprimés, seuls peuvent se présenter au deuxième tour les deux candidats qui ont
//! obtenu le plus grand nombre de ces suffrages. En cas d'égalité des voix, le candidat le plus
//! âgé est proclamé élu. »
//!
//! A bâtonnier + vice-bâtonnier ticket is one candidacy (« la désignation du bâtonnier entraîne
//! celle du vice-bâtonnier »); its age is that of the candidate for bâtonnier (`persons[0]`).
//!
//! Urne's documented choice (docs/rules.md): a tie for a place in the second round is broken
//! by the same criterion, the oldest candidate, since it is the only tie-break the décret gives
//! for this election.

use serde::{Deserialize, Serialize};

use super::common::{
    Candidacy, Figures, RuleError, Standing, Status, Summary, Tie, TieBreak, absolute_majority,
    check_ids, check_single_choice_sum, fr, percent, select_top,
};

/// The décret's passage on the second round and its tie.
pub const RULE_SECOND_ROUND: &str = "Décret n°91-1197, art. 6 : « seuls peuvent se présenter au deuxième tour les deux candidats qui ont obtenu le plus grand nombre de ces suffrages. En cas d'égalité des voix, le candidat le plus âgé est proclamé élu. »";
/// The décret's passage on the first round.
pub const RULE_FIRST_ROUND: &str = "Décret n°91-1197, art. 6 : « Si aucun des candidats n'a obtenu au premier tour la majorité des suffrages exprimés, seuls peuvent se présenter au deuxième tour les deux candidats qui ont obtenu le plus grand nombre de ces suffrages. »";
/// Urne's documented application of the age tie-break to the places in the second round.
pub const RULE_RUNOFF_PLACE_TIE: &str = "Décret n°91-1197, art. 6 : « En cas d'égalité des voix, le candidat le plus âgé est proclamé élu. » — appliqué par Urne à l'égalité pour une place au second tour (seul critère de départage prévu pour cette élection ; voir docs/rules.md).";

/// The counts of one round of the bâtonnier election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatonnierCounts {
    /// 1 or 2.
    pub round: u8,
    /// Inscrits, votants, blancs, nuls.
    pub figures: Figures,
    /// The candidacies (individual or bâtonnier + vice-bâtonnier tickets) and their votes.
    pub candidacies: Vec<Candidacy>,
}

/// What the round decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BatonnierOutcome {
    /// This candidacy is elected.
    Elected {
        /// Candidacy id.
        id: String,
    },
    /// No absolute majority in round 1: these (at most two) go to the second round.
    SecondRound {
        /// Candidacy ids, best first.
        finalists: Vec<String>,
    },
    /// No candidacy stood.
    NoCandidate,
}

/// The result of one round, with every figure the procès-verbal prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatonnierResult {
    /// 1 or 2.
    pub round: u8,
    /// Checked ballot figures.
    pub summary: Summary,
    /// Round 1: the votes needed for the absolute majority of suffrages exprimés.
    pub majority: Option<u64>,
    /// Candidacies in order (ties broken), with their outcome.
    pub ranking: Vec<Standing>,
    /// What the round decided.
    pub outcome: BatonnierOutcome,
    /// Ties that decided a place, and how.
    pub ties: Vec<Tie>,
    /// The décret passage applied.
    pub rule: String,
}

/// Counts one round of the bâtonnier election (décret art. 6).
pub fn count_batonnier(counts: &BatonnierCounts) -> Result<BatonnierResult, RuleError> {
    let summary = counts.figures.summarize("figures")?;
    check_ids("candidacies", &counts.candidacies)?;
    check_single_choice_sum("figures", "candidacies", &counts.candidacies, &summary)?;
    for (i, c) in counts.candidacies.iter().enumerate() {
        if c.persons.len() > 2 {
            return Err(RuleError::invalid(
                format!("candidacies[{i}].persons"),
                "une candidature au bâtonnat compte un candidat, ou deux avec le vice-bâtonnier",
            ));
        }
    }
    let cands = &counts.candidacies;
    let all: Vec<usize> = (0..cands.len()).collect();
    let votes = |i: usize| cands[i].votes;
    let votes_figure = |v: u64| format!("{} voix", fr(v));

    match counts.round {
        1 => {
            let majority = absolute_majority(summary.exprimes);
            let winner = all
                .iter()
                .copied()
                .find(|&i| 2 * u128::from(cands[i].votes) > u128::from(summary.exprimes));
            let (order, tie, outcome) = if let Some(w) = winner {
                let (order, _) = select_top(
                    "candidacies",
                    cands,
                    &all,
                    votes,
                    |_| 0,
                    0,
                    TieBreak::OldestCandidate,
                    "",
                    votes_figure,
                    "",
                )?;
                (
                    order,
                    None,
                    BatonnierOutcome::Elected {
                        id: cands[w].id.clone(),
                    },
                )
            } else {
                let (order, tie) = select_top(
                    "candidacies",
                    cands,
                    &all,
                    votes,
                    |_| 0,
                    2,
                    TieBreak::OldestCandidate,
                    "places au second tour",
                    votes_figure,
                    RULE_RUNOFF_PLACE_TIE,
                )?;
                let finalists: Vec<String> =
                    order.iter().take(2).map(|&i| cands[i].id.clone()).collect();
                let outcome = if finalists.is_empty() {
                    BatonnierOutcome::NoCandidate
                } else {
                    BatonnierOutcome::SecondRound { finalists }
                };
                (order, tie, outcome)
            };
            let ranking = order
                .iter()
                .enumerate()
                .map(|(pos, &i)| {
                    let c = &cands[i];
                    let status = match &outcome {
                        BatonnierOutcome::Elected { id } if *id == c.id => Status::Elected,
                        BatonnierOutcome::SecondRound { .. } if pos < 2 => Status::SecondRound,
                        _ => Status::NotElected,
                    };
                    Standing {
                        id: c.id.clone(),
                        label: c.label.clone(),
                        votes: c.votes,
                        percent: percent(c.votes, summary.exprimes),
                        majority: Some(2 * u128::from(c.votes) > u128::from(summary.exprimes)),
                        status,
                    }
                })
                .collect();
            Ok(BatonnierResult {
                round: 1,
                summary,
                majority: Some(majority),
                ranking,
                outcome,
                ties: tie.into_iter().collect(),
                rule: RULE_FIRST_ROUND.to_string(),
            })
        }
        2 => {
            if cands.len() > 2 {
                return Err(RuleError::invalid(
                    "candidacies",
                    format!(
                        "{} candidatures au second tour : seuls les deux candidats arrivés en tête du premier tour peuvent s'y présenter",
                        cands.len()
                    ),
                ));
            }
            let (order, tie) = select_top(
                "candidacies",
                cands,
                &all,
                votes,
                |_| 0,
                1,
                TieBreak::OldestCandidate,
                "élection au second tour",
                votes_figure,
                RULE_SECOND_ROUND,
            )?;
            let outcome = order.first().map_or(BatonnierOutcome::NoCandidate, |&i| {
                BatonnierOutcome::Elected {
                    id: cands[i].id.clone(),
                }
            });
            let ranking = order
                .iter()
                .enumerate()
                .map(|(pos, &i)| Standing {
                    id: cands[i].id.clone(),
                    label: cands[i].label.clone(),
                    votes: cands[i].votes,
                    percent: percent(cands[i].votes, summary.exprimes),
                    majority: None,
                    status: if pos == 0 {
                        Status::Elected
                    } else {
                        Status::NotElected
                    },
                })
                .collect();
            Ok(BatonnierResult {
                round: 2,
                summary,
                majority: None,
                ranking,
                outcome,
                ties: tie.into_iter().collect(),
                rule: RULE_SECOND_ROUND.to_string(),
            })
        }
        other => Err(RuleError::invalid(
            "round",
            format!("tour {other} : le scrutin du bâtonnier a deux tours (1 ou 2)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::common::tests::{cand, figures, person};
    use crate::rules::common::{Criterion, RuleErrorKind};

    fn counts(round: u8, blancs: u64, cands: Vec<Candidacy>) -> BatonnierCounts {
        let sum: u64 = cands.iter().map(|c| c.votes).sum();
        BatonnierCounts {
            round,
            figures: figures(None, sum + blancs, blancs, 0),
            candidacies: cands,
        }
    }

    #[test]
    fn an_absolute_majority_of_exprimes_elects_in_the_first_round() {
        let r = count_batonnier(&counts(
            1,
            59,
            vec![cand("A", 1515, vec![]), cand("B", 817, vec![])],
        ))
        .unwrap();
        assert_eq!(r.summary.exprimes, 2332);
        assert_eq!(r.majority, Some(1167));
        assert_eq!(r.outcome, BatonnierOutcome::Elected { id: "A".into() });
        assert!(r.ties.is_empty());
    }

    #[test]
    fn exactly_half_of_the_exprimes_is_not_a_majority() {
        let r = count_batonnier(&counts(
            1,
            0,
            vec![
                cand("A", 50, vec![]),
                cand("B", 30, vec![]),
                cand("C", 20, vec![]),
            ],
        ))
        .unwrap();
        assert_eq!(
            r.outcome,
            BatonnierOutcome::SecondRound {
                finalists: vec!["A".into(), "B".into()]
            }
        );
        assert_eq!(r.ranking[2].status, Status::NotElected);
    }

    #[test]
    fn blank_ballots_do_not_count_towards_the_majority() {
        // 51 of 100 votants but 51 of 95 exprimés: the blancs are not exprimés.
        let r = count_batonnier(&counts(
            1,
            5,
            vec![cand("A", 48, vec![]), cand("B", 47, vec![])],
        ))
        .unwrap();
        assert_eq!(r.majority, Some(48));
        assert_eq!(r.outcome, BatonnierOutcome::Elected { id: "A".into() });
    }

    #[test]
    fn a_tie_for_the_second_runoff_place_goes_to_the_oldest_candidate() {
        let r = count_batonnier(&counts(
            1,
            0,
            vec![
                cand("A", 40, vec![]),
                cand("B", 30, vec![person("B", "", "1970-01-01")]),
                cand("C", 30, vec![person("C", "", "1965-06-30")]),
            ],
        ))
        .unwrap();
        assert_eq!(
            r.outcome,
            BatonnierOutcome::SecondRound {
                finalists: vec!["A".into(), "C".into()]
            }
        );
        assert_eq!(r.ties.len(), 1);
        assert_eq!(r.ties[0].decided_by, Criterion::Age);
        assert_eq!(r.ties[0].places, 1);
        assert_eq!(r.ties[0].winners, vec!["C".to_string()]);
    }

    #[test]
    fn a_three_way_tie_at_the_top_sends_the_two_oldest_to_the_second_round() {
        let r = count_batonnier(&counts(
            1,
            0,
            vec![
                cand("A", 30, vec![person("A", "", "1980-01-01")]),
                cand("B", 30, vec![person("B", "", "1960-01-01")]),
                cand("C", 30, vec![person("C", "", "1970-01-01")]),
            ],
        ))
        .unwrap();
        assert_eq!(
            r.outcome,
            BatonnierOutcome::SecondRound {
                finalists: vec!["B".into(), "C".into()]
            }
        );
        assert_eq!(r.ties[0].places, 2);
    }

    #[test]
    fn a_second_round_tie_elects_the_oldest_candidate_for_batonnier_not_the_vice() {
        // Ticket A: bâtonnier born 1970, vice born 1950. Candidate B born 1960.
        let r = count_batonnier(&counts(
            2,
            3,
            vec![
                cand(
                    "A",
                    100,
                    vec![
                        person("A", "", "1970-01-01"),
                        person("VA", "", "1950-01-01"),
                    ],
                ),
                cand("B", 100, vec![person("B", "", "1960-01-01")]),
            ],
        ))
        .unwrap();
        assert_eq!(r.outcome, BatonnierOutcome::Elected { id: "B".into() });
        assert_eq!(r.ties[0].rule, RULE_SECOND_ROUND);
        assert_eq!(r.ranking[0].status, Status::Elected);
    }

    #[test]
    fn most_votes_win_the_second_round_without_a_majority() {
        let r = count_batonnier(&counts(
            2,
            214,
            vec![cand("A", 6996, vec![]), cand("B", 4182, vec![])],
        ))
        .unwrap();
        assert_eq!(r.summary.votants, 11392);
        assert_eq!(r.outcome, BatonnierOutcome::Elected { id: "A".into() });
        assert_eq!(r.majority, None);
    }

    #[test]
    fn a_tie_without_birth_dates_names_the_missing_field() {
        let e = count_batonnier(&counts(
            2,
            0,
            vec![
                cand("A", 10, vec![person("A", "", "1970-01-01")]),
                cand("B", 10, vec![person("B", "2000-01-01", "")]),
            ],
        ))
        .unwrap_err();
        assert_eq!(e.kind, RuleErrorKind::MissingTieData);
        assert_eq!(e.field, "candidacies[1].persons[0].birth");
    }

    #[test]
    fn a_tie_without_any_person_names_the_persons_field() {
        let e = count_batonnier(&counts(
            2,
            0,
            vec![cand("A", 10, vec![]), cand("B", 10, vec![])],
        ))
        .unwrap_err();
        assert_eq!(e.field, "candidacies[0].persons[0]");
    }

    #[test]
    fn candidates_born_the_same_day_cannot_be_separated() {
        let e = count_batonnier(&counts(
            2,
            0,
            vec![
                cand("A", 10, vec![person("A", "", "1970-01-01")]),
                cand("B", 10, vec![person("B", "", "1970-01-01")]),
            ],
        ))
        .unwrap_err();
        assert_eq!(e.kind, RuleErrorKind::UnresolvedTie);
    }

    #[test]
    fn votes_that_do_not_add_up_to_the_votants_are_rejected() {
        let mut c = counts(1, 0, vec![cand("A", 10, vec![]), cand("B", 5, vec![])]);
        c.figures.votants = 16;
        assert_eq!(count_batonnier(&c).unwrap_err().field, "figures.votants");
    }

    #[test]
    fn more_votes_than_exprimes_names_the_candidacy() {
        let mut c = counts(1, 0, vec![cand("A", 10, vec![]), cand("B", 5, vec![])]);
        c.figures.votants = 9;
        assert_eq!(
            count_batonnier(&c).unwrap_err().field,
            "candidacies[0].votes"
        );
    }

    #[test]
    fn three_candidacies_in_a_second_round_are_rejected() {
        let c = counts(
            2,
            0,
            vec![
                cand("A", 1, vec![]),
                cand("B", 1, vec![]),
                cand("C", 1, vec![]),
            ],
        );
        assert_eq!(count_batonnier(&c).unwrap_err().field, "candidacies");
    }

    #[test]
    fn a_third_round_does_not_exist() {
        let c = counts(3, 0, vec![cand("A", 1, vec![])]);
        assert_eq!(count_batonnier(&c).unwrap_err().field, "round");
    }

    #[test]
    fn duplicate_ids_are_rejected() {
        let c = counts(1, 0, vec![cand("A", 1, vec![]), cand("A", 2, vec![])]);
        assert_eq!(count_batonnier(&c).unwrap_err().field, "candidacies[1].id");
    }
}

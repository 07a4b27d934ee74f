//! Election of the members of the conseil de l'ordre: individual candidacies (barreaux of at
//! most 30 avocats inscrits and honoraires) or binômes (more than 30); two rounds.
//!
//! Décret n°91-1197, art. 5, I and II: « sont élus au premier tour de scrutin les candidats
//! (binômes) ayant obtenu la majorité absolue des suffrages exprimés. Au second tour de scrutin,
//! l'élection a lieu à la majorité relative. » Ties: oldest inscription au tableau, then oldest
//! age; for a binôme, « le binôme qui comporte le candidat » with the oldest inscription, then
//! « le binôme qui comporte le candidat le plus âgé ».
//!
//! Each elector marks up to `seats` candidacies; the suffrages exprimés are the ballots that are
//! neither blank nor void, so a candidacy has the absolute majority when more than half of those
//! ballots mark it. If more candidacies than seats reach the majority, the seats go to those with
//! the most votes (ties broken as above).

use serde::{Deserialize, Serialize};

use super::common::{
    Candidacy, Figures, RuleError, Standing, Status, Summary, Tie, TieBreak, absolute_majority,
    check_ids, check_multi_choice_sum, fr, percent, select_top,
};

/// Art. 5, I (individual candidacies), tie-break.
pub const RULE_INDIVIDUAL: &str = "Décret n°91-1197, art. 5, I : « sont élus au premier tour de scrutin les candidats ayant obtenu la majorité absolue des suffrages exprimés. Au second tour de scrutin, l'élection a lieu à la majorité relative. Si plusieurs candidats obtiennent le même nombre de voix, l'élection est acquise au candidat dont la date d'inscription à un tableau est la plus ancienne et, à égalité d'ancienneté, au candidat le plus âgé. »";
/// Art. 5, II (binômes), tie-break.
pub const RULE_BINOME: &str = "Décret n°91-1197, art. 5, II : « Sont élus au premier tour de scrutin les binômes de candidats ayant obtenu la majorité absolue des suffrages exprimés. Au second tour de scrutin, l'élection a lieu à la majorité relative. Si plusieurs binômes obtiennent le même nombre de voix, l'élection est acquise au binôme qui comporte le candidat dont la date d'inscription à un tableau est la plus ancienne et, à égalité d'ancienneté, au binôme qui comporte le candidat le plus âgé. »";

/// The counts of one round of the conseil de l'ordre election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConseilCounts {
    /// 1 or 2.
    pub round: u8,
    /// Seats to fill in this round (round 2: the seats round 1 left).
    pub seats: u32,
    /// Whether candidacies are binômes (barreaux of more than 30 inscrits and honoraires).
    pub binomes: bool,
    /// Inscrits, votants, blancs, nuls.
    pub figures: Figures,
    /// The candidacies and their votes.
    pub candidacies: Vec<Candidacy>,
}

/// The result of one round, with every figure the procès-verbal prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConseilResult {
    /// 1 or 2.
    pub round: u8,
    /// Seats to fill in this round.
    pub seats: u32,
    /// Binômes or individual candidacies.
    pub binomes: bool,
    /// Checked ballot figures.
    pub summary: Summary,
    /// Round 1: votes needed for the absolute majority of suffrages exprimés.
    pub majority: Option<u64>,
    /// Candidacies in order (ties broken), with their outcome.
    pub ranking: Vec<Standing>,
    /// Ids of the elected candidacies, in order.
    pub elected: Vec<String>,
    /// Seats left for a second round (round 1) or left unfilled (round 2).
    pub remaining_seats: u32,
    /// Ties that decided a seat, and how.
    pub ties: Vec<Tie>,
    /// The décret passage applied.
    pub rule: String,
}

/// Counts one round of the conseil de l'ordre election (décret art. 5).
pub fn count_conseil(counts: &ConseilCounts) -> Result<ConseilResult, RuleError> {
    if counts.round != 1 && counts.round != 2 {
        return Err(RuleError::invalid(
            "round",
            format!(
                "tour {} : l'élection du conseil de l'ordre a deux tours (1 ou 2)",
                counts.round
            ),
        ));
    }
    if counts.seats == 0 {
        return Err(RuleError::invalid("seats", "aucun siège à pourvoir"));
    }
    let summary = counts.figures.summarize("figures")?;
    let cands = &counts.candidacies;
    check_ids("candidacies", cands)?;
    for (i, c) in cands.iter().enumerate() {
        let ok = if counts.binomes {
            c.persons.is_empty() || c.persons.len() == 2
        } else {
            c.persons.len() <= 1
        };
        if !ok {
            return Err(RuleError::invalid(
                format!("candidacies[{i}].persons"),
                if counts.binomes {
                    "un binôme compte exactement deux candidats"
                } else {
                    "une candidature individuelle compte un seul candidat"
                },
            ));
        }
    }
    check_multi_choice_sum(
        "candidacies",
        cands,
        counts.seats,
        summary.exprimes,
        "suffrages exprimés",
    )?;

    let rule = if counts.binomes {
        RULE_BINOME
    } else {
        RULE_INDIVIDUAL
    };
    let seats = counts.seats as usize;
    let votes = |i: usize| cands[i].votes;
    let has_majority = |i: usize| 2 * u128::from(cands[i].votes) > u128::from(summary.exprimes);

    // Round 1: only candidacies with the absolute majority; round 2: relative majority, but a
    // candidacy nobody voted for has obtained no majority at all (docs/rules.md).
    let eligible: Vec<usize> = (0..cands.len())
        .filter(|&i| {
            if counts.round == 1 {
                has_majority(i)
            } else {
                cands[i].votes > 0
            }
        })
        .collect();
    let stake = if counts.round == 1 {
        "sièges du premier tour : plus de candidatures majoritaires que de sièges"
    } else {
        "derniers sièges du second tour"
    };
    let (mut order, tie) = select_top(
        "candidacies",
        cands,
        &eligible,
        votes,
        |_| 0,
        seats,
        TieBreak::InscriptionThenAge,
        stake,
        |v| format!("{} voix", fr(v)),
        rule,
    )?;
    let n_elected = order.len().min(seats);
    let elected: Vec<String> = order[..n_elected]
        .iter()
        .map(|&i| cands[i].id.clone())
        .collect();

    // The others, by votes, after the eligible ones.
    let mut rest: Vec<usize> = (0..cands.len()).filter(|i| !eligible.contains(i)).collect();
    rest.sort_by(|&a, &b| cands[b].votes.cmp(&cands[a].votes));
    order.extend(rest);

    let ranking = order
        .iter()
        .enumerate()
        .map(|(pos, &i)| Standing {
            id: cands[i].id.clone(),
            label: cands[i].label.clone(),
            votes: cands[i].votes,
            percent: percent(cands[i].votes, summary.exprimes),
            majority: (counts.round == 1).then(|| has_majority(i)),
            status: if pos < n_elected {
                Status::Elected
            } else {
                Status::NotElected
            },
        })
        .collect();

    Ok(ConseilResult {
        round: counts.round,
        seats: counts.seats,
        binomes: counts.binomes,
        majority: (counts.round == 1).then(|| absolute_majority(summary.exprimes)),
        summary,
        ranking,
        remaining_seats: counts.seats - n_elected as u32,
        elected,
        ties: tie.into_iter().collect(),
        rule: rule.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::common::tests::{cand, figures, person};
    use crate::rules::common::{Criterion, RuleErrorKind};

    fn counts(round: u8, seats: u32, exprimes: u64, cands: Vec<Candidacy>) -> ConseilCounts {
        ConseilCounts {
            round,
            seats,
            binomes: cands.iter().any(|c| c.persons.len() == 2),
            figures: figures(Some(exprimes * 2), exprimes + 4, 3, 1),
            candidacies: cands,
        }
    }

    fn binome(id: &str, votes: u64, a: (&str, &str), b: (&str, &str)) -> Candidacy {
        cand(
            id,
            votes,
            vec![person("F", a.0, a.1), person("H", b.0, b.1)],
        )
    }

    #[test]
    fn candidacies_with_the_absolute_majority_are_elected_in_the_first_round() {
        let r = count_conseil(&counts(
            1,
            3,
            100,
            vec![
                cand("A", 80, vec![]),
                cand("B", 51, vec![]),
                cand("C", 50, vec![]),
                cand("D", 40, vec![]),
            ],
        ))
        .unwrap();
        assert_eq!(r.majority, Some(51));
        assert_eq!(r.elected, vec!["A", "B"]);
        assert_eq!(r.remaining_seats, 1);
        assert_eq!(r.ranking[2].majority, Some(false));
        assert_eq!(r.ranking[2].status, Status::NotElected);
    }

    #[test]
    fn when_more_candidacies_than_seats_reach_the_majority_the_best_are_elected() {
        let r = count_conseil(&counts(
            1,
            2,
            100,
            vec![
                cand("A", 55, vec![]),
                cand("B", 80, vec![]),
                cand("C", 65, vec![]),
            ],
        ))
        .unwrap();
        assert_eq!(r.elected, vec!["B", "C"]);
        assert_eq!(r.remaining_seats, 0);
        assert_eq!(r.ranking[2].majority, Some(true));
        assert_eq!(r.ranking[2].status, Status::NotElected);
    }

    #[test]
    fn a_tie_for_the_last_seat_goes_to_the_oldest_inscription() {
        let r = count_conseil(&counts(
            1,
            2,
            100,
            vec![
                cand("A", 90, vec![]),
                cand("B", 55, vec![person("B", "2001-09-01", "1960-01-01")]),
                cand("C", 55, vec![person("C", "1999-01-15", "1975-01-01")]),
            ],
        ))
        .unwrap();
        assert_eq!(r.elected, vec!["A", "C"]);
        assert_eq!(r.ties[0].decided_by, Criterion::Inscription);
        assert_eq!(r.ties[0].rule, RULE_INDIVIDUAL);
        // Birth dates were not needed, so not read.
        assert_eq!(r.ties[0].order[0].birth, None);
    }

    #[test]
    fn at_equal_inscription_a_tie_goes_to_the_oldest_candidate() {
        let r = count_conseil(&counts(
            2,
            1,
            100,
            vec![
                cand("B", 40, vec![person("B", "2001-09-01", "1960-01-01")]),
                cand("C", 40, vec![person("C", "2001-09-01", "1955-01-01")]),
            ],
        ))
        .unwrap();
        assert_eq!(r.elected, vec!["C"]);
        assert_eq!(r.ties[0].decided_by, Criterion::Age);
    }

    #[test]
    fn a_binome_tie_uses_the_member_with_the_oldest_inscription() {
        // X's man was inscribed in 1990; Y's members in 1995 and 1996.
        let r = count_conseil(&counts(
            2,
            1,
            100,
            vec![
                binome(
                    "Y",
                    40,
                    ("1995-01-01", "1950-01-01"),
                    ("1996-01-01", "1950-01-01"),
                ),
                binome(
                    "X",
                    40,
                    ("2010-01-01", "1985-01-01"),
                    ("1990-01-01", "1960-01-01"),
                ),
            ],
        ))
        .unwrap();
        assert!(r.binomes);
        assert_eq!(r.elected, vec!["X"]);
        assert_eq!(r.ties[0].order[0].person.as_deref(), Some("H"));
        assert_eq!(r.rule, RULE_BINOME);
    }

    #[test]
    fn at_equal_inscription_a_binome_tie_goes_to_the_binome_with_the_oldest_member() {
        // Same oldest inscription (1990); Y comprises the oldest person (born 1945), who is not
        // the member with the oldest inscription.
        let r = count_conseil(&counts(
            2,
            1,
            100,
            vec![
                binome(
                    "X",
                    40,
                    ("1990-01-01", "1950-01-01"),
                    ("2000-01-01", "1970-01-01"),
                ),
                binome(
                    "Y",
                    40,
                    ("1990-01-01", "1960-01-01"),
                    ("2005-01-01", "1945-01-01"),
                ),
            ],
        ))
        .unwrap();
        assert_eq!(r.elected, vec!["Y"]);
        assert_eq!(r.ties[0].decided_by, Criterion::Age);
    }

    #[test]
    fn the_second_round_elects_by_relative_majority() {
        let r = count_conseil(&counts(
            2,
            2,
            100,
            vec![
                cand("A", 30, vec![]),
                cand("B", 45, vec![]),
                cand("C", 35, vec![]),
            ],
        ))
        .unwrap();
        assert_eq!(r.elected, vec!["B", "C"]);
        assert_eq!(r.majority, None);
        assert_eq!(r.ranking[0].majority, None);
    }

    #[test]
    fn a_candidacy_without_any_vote_is_not_elected_in_the_second_round() {
        let r = count_conseil(&counts(
            2,
            3,
            100,
            vec![cand("A", 30, vec![]), cand("B", 0, vec![])],
        ))
        .unwrap();
        assert_eq!(r.elected, vec!["A"]);
        assert_eq!(r.remaining_seats, 2);
    }

    #[test]
    fn a_tie_among_candidacies_that_are_all_elected_needs_no_tie_break() {
        let r = count_conseil(&counts(
            2,
            2,
            100,
            vec![cand("A", 30, vec![]), cand("B", 30, vec![])],
        ))
        .unwrap();
        assert_eq!(r.elected.len(), 2);
        assert!(r.ties.is_empty());
    }

    #[test]
    fn a_tie_without_inscription_dates_names_the_missing_field() {
        let e = count_conseil(&counts(
            2,
            1,
            100,
            vec![
                cand("A", 30, vec![person("A", "2000-01-01", "")]),
                cand("B", 30, vec![person("B", "", "")]),
            ],
        ))
        .unwrap_err();
        assert_eq!(e.kind, RuleErrorKind::MissingTieData);
        assert_eq!(e.field, "candidacies[1].persons[0].inscription");
    }

    #[test]
    fn a_binome_of_three_is_rejected() {
        let mut c = counts(1, 1, 10, vec![cand("A", 5, vec![])]);
        c.binomes = true;
        c.candidacies[0].persons = vec![person("a", "", ""); 3];
        assert_eq!(
            count_conseil(&c).unwrap_err().field,
            "candidacies[0].persons"
        );
    }

    #[test]
    fn a_candidacy_with_more_votes_than_exprimes_is_rejected() {
        let c = counts(1, 2, 10, vec![cand("A", 11, vec![])]);
        assert_eq!(count_conseil(&c).unwrap_err().field, "candidacies[0].votes");
    }

    #[test]
    fn more_marks_than_seats_times_exprimes_are_rejected() {
        let c = counts(1, 1, 10, vec![cand("A", 6, vec![]), cand("B", 5, vec![])]);
        assert_eq!(count_conseil(&c).unwrap_err().field, "candidacies");
    }

    proptest::proptest! {
        #[test]
        fn elected_and_remaining_seats_always_make_the_seats(
            votes in proptest::collection::vec(0u64..50, 1..10),
            seats in 1u32..8,
            round in 1u8..3,
        ) {
            // Distinct vote counts: no tie, so no date is needed.
            let mut seen = std::collections::BTreeSet::new();
            proptest::prop_assume!(votes.iter().all(|v| seen.insert(*v)));
            // Each of the 50 ballots marks at most `seats` candidacies.
            proptest::prop_assume!(votes.iter().sum::<u64>() <= u64::from(seats) * 50);
            let cands: Vec<Candidacy> = votes
                .iter()
                .enumerate()
                .map(|(i, &v)| cand(&format!("C{i}"), v, vec![]))
                .collect();
            let r = count_conseil(&counts(round, seats, 50, cands)).unwrap();
            proptest::prop_assert_eq!(r.elected.len() as u32 + r.remaining_seats, seats);
            let elected_min = r.ranking.iter().filter(|s| s.status == Status::Elected).map(|s| s.votes).min();
            let other_max = r.ranking.iter().filter(|s| s.status != Status::Elected).map(|s| s.votes).max();
            if let (Some(e), Some(o)) = (elected_min, other_max) {
                proptest::prop_assert!(e > o);
            }
        }
    }

    #[test]
    fn zero_seats_are_rejected() {
        let c = counts(1, 0, 10, vec![cand("A", 6, vec![])]);
        assert_eq!(count_conseil(&c).unwrap_err().field, "seats");
    }
}

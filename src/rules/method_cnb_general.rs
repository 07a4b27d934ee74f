//! CNB collège général: list vote (no panachage, no preferential vote) in each circonscription,
//! proportional with the remainder at the plus forte moyenne.
//!
//! Décret n°91-1197 (chapitre II, section I), II: « seules les listes ayant obtenu au moins 7 %
//! des suffrages exprimés dans l'une des circonscriptions sont attributaires des sièges dans
//! cette circonscription. Il est attribué à chaque liste autant d'élus que le nombre de suffrages
//! obtenus [...] contient de fois le quotient électoral. Le quotient électoral est égal au nombre
//! total des suffrages obtenus par les différentes listes ayant atteint 7 % divisé par le nombre
//! de sièges à pourvoir. Les sièges non pourvus par application du quotient sont attribués
//! suivant la règle de la plus forte moyenne. A cet effet, le nombre de voix obtenues par chaque
//! liste est divisé par le nombre, augmenté d'une unité, des sièges déjà attribués à la liste. Le
//! premier siège non pourvu est attribué à la liste ayant le plus fort résultat. Il est procédé
//! successivement à la même opération pour chacun des sièges non pourvus. »
//!
//! Ties: « Dans le collège général, en cas d'égalité de voix, le candidat proclamé élu est celui
//! dont la date d'inscription à un tableau est la plus ancienne et, à égalité d'ancienneté, le
//! candidat le plus âgé. » Urne applies it to equal averages, comparing the candidates each tied
//! list would have proclaimed elected (its next candidate in list order) — see docs/rules.md.
//!
//! The 7 % test (`100 × votes ≥ 7 × exprimés`), the quotient seats
//! (`⌊votes × seats / total⌋`) and the averages are exact integer / rational computations.

use serde::{Deserialize, Serialize};

use super::common::{
    Candidacy, Circonscription, Figures, Ratio, RuleError, Status, Summary, Tie, TieBreak,
    check_ids, check_single_choice_sum, min_votes_for_percent, percent, select_top,
};

/// The décret's passages applied.
pub const RULE_GENERAL: &str = "Décret n°91-1197 : « seules les listes ayant obtenu au moins 7 % des suffrages exprimés dans l'une des circonscriptions sont attributaires des sièges dans cette circonscription. » « Le quotient électoral est égal au nombre total des suffrages obtenus par les différentes listes ayant atteint 7 % divisé par le nombre de sièges à pourvoir. » « Les sièges non pourvus par application du quotient sont attribués suivant la règle de la plus forte moyenne. »";
/// The tie-break passage, as Urne applies it to equal averages.
pub const RULE_GENERAL_TIE: &str = "Décret n°91-1197 : « Dans le collège général, en cas d'égalité de voix, le candidat proclamé élu est celui dont la date d'inscription à un tableau est la plus ancienne et, à égalité d'ancienneté, le candidat le plus âgé. » — appliqué aux candidats que chaque liste à égalité de moyenne ferait proclamer élus (voir docs/rules.md).";

/// The threshold, in percent of the suffrages exprimés.
pub const THRESHOLD_PERCENT: u64 = 7;

/// The counts of the collège général in one circonscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneralCounts {
    /// Paris or national.
    pub circonscription: Circonscription,
    /// Seats to fill in this circonscription.
    pub seats: u32,
    /// Inscrits, votants, blancs, nuls.
    pub figures: Figures,
    /// The lists (label = title; persons = candidates in list order) and their votes.
    pub lists: Vec<Candidacy>,
}

/// The 7 % threshold as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threshold {
    /// 7.
    pub percent: u64,
    /// `7 × exprimés / 100`, exact.
    pub exact: Ratio,
    /// The fewest votes that reach it: `⌈7 × exprimés / 100⌉`.
    pub min_votes: u64,
}

/// What one list obtained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListOutcome {
    /// List id.
    pub id: String,
    /// List title.
    pub label: String,
    /// Votes.
    pub votes: u64,
    /// Share of the suffrages exprimés, display only.
    pub percent: String,
    /// Whether the list reached 7 % of the suffrages exprimés.
    pub qualifies: bool,
    /// Seats won by the quotient.
    pub quotient_seats: u32,
    /// Seats won at the plus forte moyenne.
    pub average_seats: u32,
    /// Total seats.
    pub seats: u32,
    /// Names of the elected candidates, in list order (when the counts give the candidates).
    pub elected: Vec<String>,
    /// Elected (at least one seat), not elected, or below the threshold.
    pub status: Status,
}

/// One list's average in one round of the plus forte moyenne.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListAverage {
    /// List id.
    pub id: String,
    /// Seats held before this round.
    pub seats_before: u32,
    /// `votes / (seats_before + 1)`, exact.
    pub average: Ratio,
}

/// One seat attributed at the plus forte moyenne, with every qualifying list's average.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AverageRound {
    /// Number of the seat (1 = first seat of the circonscription).
    pub seat: u32,
    /// Averages of the qualifying lists, in input order.
    pub averages: Vec<ListAverage>,
    /// Id of the list that won the seat.
    pub winner: String,
    /// The tie for this seat, if the highest average was shared.
    pub tie: Option<Tie>,
}

/// The result of the collège général in one circonscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneralResult {
    /// Paris or national.
    pub circonscription: Circonscription,
    /// Seats to fill.
    pub seats: u32,
    /// Checked ballot figures.
    pub summary: Summary,
    /// The 7 % threshold.
    pub threshold: Threshold,
    /// Votes of the lists that reached 7 %.
    pub qualifying_votes: u64,
    /// The quotient électoral (`qualifying_votes / seats`), if any list qualified.
    pub quotient: Option<Ratio>,
    /// Seats attributed by the quotient.
    pub quotient_seats: u32,
    /// Every list, in input order.
    pub lists: Vec<ListOutcome>,
    /// The plus forte moyenne, seat by seat.
    pub rounds: Vec<AverageRound>,
    /// Seats no list could take (no list reached 7 %, or no suffrage).
    pub unallocated: u32,
    /// Every tie, in the order they arose.
    pub ties: Vec<Tie>,
    /// The décret passage applied.
    pub rule: String,
}

/// Counts the collège général in one circonscription.
pub fn count_cnb_general(counts: &GeneralCounts) -> Result<GeneralResult, RuleError> {
    if counts.seats == 0 {
        return Err(RuleError::invalid("seats", "aucun siège à pourvoir"));
    }
    let summary = counts.figures.summarize("figures")?;
    let lists = &counts.lists;
    check_ids("lists", lists)?;
    check_single_choice_sum("figures", "lists", lists, &summary)?;
    for (i, l) in lists.iter().enumerate() {
        if !l.persons.is_empty() && l.persons.len() != counts.seats as usize {
            return Err(RuleError::invalid(
                format!("lists[{i}].persons"),
                format!(
                    "la liste « {} » compte {} candidats pour {} sièges : « chaque liste [...] doit comporter un nombre de candidats correspondant au nombre de sièges à pourvoir »",
                    l.label,
                    l.persons.len(),
                    counts.seats
                ),
            ));
        }
    }

    let exprimes = summary.exprimes;
    let qualifies: Vec<bool> = lists
        .iter()
        .map(|l| {
            exprimes > 0
                && u128::from(l.votes) * 100 >= u128::from(THRESHOLD_PERCENT) * u128::from(exprimes)
        })
        .collect();
    let threshold = Threshold {
        percent: THRESHOLD_PERCENT,
        exact: Ratio::new(THRESHOLD_PERCENT * exprimes, 100),
        min_votes: min_votes_for_percent(THRESHOLD_PERCENT, exprimes),
    };
    let qualifying: Vec<usize> = (0..lists.len()).filter(|&i| qualifies[i]).collect();
    // Cannot overflow: the votes add up to the exprimés (checked above).
    let qualifying_votes: u64 = qualifying.iter().map(|&i| lists[i].votes).sum();

    let mut seats = vec![0u32; lists.len()];
    let mut quotient_seats = vec![0u32; lists.len()];
    let mut rounds = Vec::new();
    let mut ties = Vec::new();
    let quotient =
        (qualifying_votes > 0).then(|| Ratio::new(qualifying_votes, u64::from(counts.seats)));

    if qualifying_votes > 0 {
        for &i in &qualifying {
            // votes / (total / seats) = votes × seats / total, floored; ≤ seats.
            let q = u128::from(lists[i].votes) * u128::from(counts.seats)
                / u128::from(qualifying_votes);
            quotient_seats[i] = u32::try_from(q).unwrap_or(counts.seats);
            seats[i] = quotient_seats[i];
        }
        let mut filled: u32 = seats.iter().sum();
        while filled < counts.seats {
            let seat_no = filled + 1;
            let snapshot = seats.clone();
            let average = |i: usize| Ratio::new(lists[i].votes, u64::from(snapshot[i]) + 1);
            let stake = format!("siège n°{seat_no} (plus forte moyenne)");
            let (order, tie) = select_top(
                "lists",
                lists,
                &qualifying,
                average,
                |i| snapshot[i] as usize,
                1,
                TieBreak::ListCandidate,
                &stake,
                |r: Ratio| format!("moyenne {}", r.exact()),
                RULE_GENERAL_TIE,
            )?;
            let winner = order[0];
            rounds.push(AverageRound {
                seat: seat_no,
                averages: qualifying
                    .iter()
                    .map(|&i| ListAverage {
                        id: lists[i].id.clone(),
                        seats_before: snapshot[i],
                        average: average(i),
                    })
                    .collect(),
                winner: lists[winner].id.clone(),
                tie: tie.clone(),
            });
            ties.extend(tie);
            seats[winner] += 1;
            filled += 1;
        }
    }
    let allocated: u32 = seats.iter().sum();

    let outcomes = lists
        .iter()
        .enumerate()
        .map(|(i, l)| ListOutcome {
            id: l.id.clone(),
            label: l.label.clone(),
            votes: l.votes,
            percent: percent(l.votes, exprimes),
            qualifies: qualifies[i],
            quotient_seats: quotient_seats[i],
            average_seats: seats[i] - quotient_seats[i],
            seats: seats[i],
            elected: l
                .persons
                .iter()
                .take(seats[i] as usize)
                .map(|p| p.name.clone())
                .collect(),
            status: if !qualifies[i] {
                Status::BelowThreshold
            } else if seats[i] > 0 {
                Status::Elected
            } else {
                Status::NotElected
            },
        })
        .collect();

    Ok(GeneralResult {
        circonscription: counts.circonscription,
        seats: counts.seats,
        summary,
        threshold,
        qualifying_votes,
        quotient,
        quotient_seats: quotient_seats.iter().sum(),
        lists: outcomes,
        rounds,
        unallocated: counts.seats - allocated,
        ties,
        rule: RULE_GENERAL.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::common::tests::{cand, figures, person};
    use crate::rules::common::{Criterion, RuleErrorKind};
    use proptest::prelude::*;

    fn counts(seats: u32, blancs: u64, votes: &[u64]) -> GeneralCounts {
        let sum: u64 = votes.iter().sum();
        GeneralCounts {
            circonscription: Circonscription::National,
            seats,
            figures: figures(None, sum + blancs, blancs, 0),
            lists: votes
                .iter()
                .enumerate()
                .map(|(i, &v)| cand(&format!("L{i}"), v, vec![]))
                .collect(),
        }
    }

    fn seats_of(r: &GeneralResult) -> Vec<u32> {
        r.lists.iter().map(|l| l.seats).collect()
    }

    /// D'Hondt by the textbook: each seat to the highest votes / (seats + 1), exact rationals.
    fn dhondt(votes: &[u64], seats: u32) -> Vec<u32> {
        let mut s = vec![0u32; votes.len()];
        for _ in 0..seats {
            let best = (0..votes.len())
                .max_by(|&a, &b| {
                    Ratio::new(votes[a], u64::from(s[a]) + 1)
                        .cmp(&Ratio::new(votes[b], u64::from(s[b]) + 1))
                        .then(b.cmp(&a))
                })
                .unwrap();
            s[best] += 1;
        }
        s
    }

    #[test]
    fn lists_below_seven_percent_take_no_seat() {
        // 1000 exprimés: 70 votes is exactly 7 %, 69 is not.
        let r = count_cnb_general(&counts(10, 0, &[500, 361, 70, 69])).unwrap();
        assert!(r.lists[2].qualifies);
        assert!(!r.lists[3].qualifies);
        assert_eq!(r.lists[3].status, Status::BelowThreshold);
        assert_eq!(r.lists[3].seats, 0);
        assert_eq!(r.threshold.min_votes, 70);
        assert_eq!(r.qualifying_votes, 931);
    }

    #[test]
    fn blank_ballots_do_not_count_in_the_seven_percent() {
        // 70 of 1000 exprimés qualifies even with 100 blancs (70 / 1100 votants < 7 %).
        let r = count_cnb_general(&counts(4, 100, &[930, 70])).unwrap();
        assert!(r.lists[1].qualifies);
    }

    #[test]
    fn seats_are_given_by_the_quotient_then_the_highest_average() {
        // Classic example: 4 lists, 6 seats, 600 qualifying votes: quotient 100.
        let r = count_cnb_general(&counts(6, 0, &[250, 190, 110, 50])).unwrap();
        assert_eq!(r.quotient, Some(Ratio::new(600, 6)));
        assert_eq!(r.quotient_seats, 4);
        assert_eq!(
            r.lists.iter().map(|l| l.quotient_seats).collect::<Vec<_>>(),
            vec![2, 1, 1, 0]
        );
        // Remaining 2 seats: averages 250/3=83.3, 190/2=95, 110/2=55, 50/1=50 → L1; then
        // 83.3, 63.3, 55, 50 → L0.
        assert_eq!(r.rounds.len(), 2);
        assert_eq!(r.rounds[0].winner, "L1");
        assert_eq!(r.rounds[0].seat, 5);
        assert_eq!(r.rounds[0].averages[1].average, Ratio::new(190, 2));
        assert_eq!(r.rounds[1].winner, "L0");
        assert_eq!(seats_of(&r), vec![3, 2, 1, 0]);
        assert_eq!(r.lists[3].status, Status::NotElected);
    }

    #[test]
    fn equal_averages_go_to_the_list_whose_next_candidate_has_the_oldest_inscription() {
        // 600 votes, 2 seats: quotient 300, L0 takes 1 seat (400 / 300), L1 none (200 / 300).
        // Remaining seat: L0 400 / 2 = 200, L1 200 / 1 = 200: equal averages.
        let mut c = counts(2, 0, &[400, 200]);
        c.lists[0].persons = vec![
            person("A1", "1990-01-01", "1960-01-01"),
            person("A2", "2005-01-01", "1950-01-01"),
        ];
        c.lists[1].persons = vec![
            person("B1", "2000-01-01", "1970-01-01"),
            person("B2", "1980-01-01", "1940-01-01"),
        ];
        let r = count_cnb_general(&c).unwrap();
        // L0's next candidate is A2 (2005), L1's is B1 (2000): B1 is proclaimed elected.
        assert_eq!(r.rounds[0].winner, "L1");
        let tie = r.rounds[0].tie.as_ref().unwrap();
        assert_eq!(tie.decided_by, Criterion::Inscription);
        assert_eq!(tie.order[0].person.as_deref(), Some("B1"));
        assert_eq!(r.lists[1].elected, vec!["B1"]);
        assert_eq!(r.ties.len(), 1);
    }

    #[test]
    fn equal_averages_at_equal_inscription_go_to_the_oldest_next_candidate() {
        let mut c = counts(2, 0, &[400, 200]);
        c.lists[0].persons = vec![
            person("A1", "1990-01-01", "1960-01-01"),
            person("A2", "2000-01-01", "1950-01-01"),
        ];
        c.lists[1].persons = vec![
            person("B1", "2000-01-01", "1970-01-01"),
            person("B2", "1980-01-01", "1940-01-01"),
        ];
        let r = count_cnb_general(&c).unwrap();
        assert_eq!(r.rounds[0].winner, "L0");
        assert_eq!(r.ties[0].decided_by, Criterion::Age);
        assert_eq!(r.lists[0].elected, vec!["A1", "A2"]);
    }

    #[test]
    fn a_tie_on_averages_without_candidates_names_the_list_candidate_needed() {
        let c = counts(2, 0, &[400, 200]);
        let e = count_cnb_general(&c).unwrap_err();
        assert_eq!(e.kind, RuleErrorKind::MissingTieData);
        assert_eq!(e.field, "lists[0].persons[1]");
    }

    #[test]
    fn no_seat_is_allocated_without_suffrages_exprimes() {
        let r = count_cnb_general(&counts(3, 5, &[0, 0])).unwrap();
        assert_eq!(r.unallocated, 3);
        assert_eq!(r.quotient, None);
        assert!(r.lists.iter().all(|l| !l.qualifies));
    }

    #[test]
    fn a_list_with_fewer_candidates_than_seats_is_rejected() {
        let mut c = counts(3, 0, &[10, 20]);
        c.lists[1].persons = vec![person("x", "", ""); 2];
        assert_eq!(count_cnb_general(&c).unwrap_err().field, "lists[1].persons");
    }

    #[test]
    fn list_votes_must_add_up_to_the_votants() {
        let mut c = counts(3, 0, &[10, 20]);
        c.figures.votants = 31;
        assert_eq!(count_cnb_general(&c).unwrap_err().field, "figures.votants");
    }

    #[test]
    fn the_quotient_and_averages_match_dhondt_on_a_known_case() {
        let votes = [12_345, 6_789, 4_321, 1_234];
        let r = count_cnb_general(&counts(16, 0, &votes)).unwrap();
        assert_eq!(seats_of(&r), dhondt(&votes, 16));
    }

    /// Votes without ties on averages (ties would need candidates' dates): distinct primes
    /// times large factors make exact equal averages practically impossible, and the strategy
    /// rejects the cases where they happen.
    fn has_average_tie(votes: &[u64], seats: u32) -> bool {
        let mut avgs = Vec::new();
        for &v in votes {
            for k in 1..=u64::from(seats) {
                avgs.push(Ratio::new(v, k));
            }
        }
        avgs.sort();
        avgs.windows(2).any(|w| w[0] == w[1])
    }

    proptest! {
        #[test]
        fn allocated_seats_always_sum_to_the_seats(
            votes in proptest::collection::vec(1u64..1_000_000, 1..8),
            seats in 1u32..60,
        ) {
            prop_assume!(!has_average_tie(&votes, seats));
            let r = count_cnb_general(&counts(seats, 0, &votes)).unwrap();
            prop_assert_eq!(seats_of(&r).iter().sum::<u32>() + r.unallocated, seats);
            prop_assert_eq!(r.unallocated, 0);
        }

        #[test]
        fn quotient_then_highest_average_equals_dhondt_on_qualifying_lists(
            votes in proptest::collection::vec(0u64..1_000_000, 1..8),
            seats in 1u32..60,
        ) {
            prop_assume!(votes.iter().sum::<u64>() > 0);
            let r = count_cnb_general(&counts(seats, 0, &votes));
            let qualifying: Vec<u64> = {
                let e: u64 = votes.iter().sum();
                votes.iter().map(|&v| if v * 100 >= 7 * e { v } else { 0 }).collect()
            };
            prop_assume!(!has_average_tie(
                &qualifying.iter().copied().filter(|&v| v > 0).collect::<Vec<_>>(),
                seats
            ));
            let r = r.unwrap();
            prop_assert_eq!(seats_of(&r), dhondt(&qualifying, seats));
        }

        #[test]
        fn raising_one_lists_votes_never_lowers_its_seats(
            votes in proptest::collection::vec(1u64..100_000, 2..7),
            seats in 1u32..40,
            which in 0usize..7,
            extra in 1u64..50_000,
        ) {
            let which = which % votes.len();
            let mut raised = votes.clone();
            raised[which] += extra;
            let qual = |v: &[u64]| -> Vec<u64> {
                let e: u64 = v.iter().sum();
                v.iter().copied().filter(|&x| x * 100 >= 7 * e).collect()
            };
            prop_assume!(!has_average_tie(&qual(&votes), seats));
            prop_assume!(!has_average_tie(&qual(&raised), seats));
            let before = count_cnb_general(&counts(seats, 0, &votes)).unwrap();
            let after = count_cnb_general(&counts(seats, 0, &raised)).unwrap();
            prop_assert!(after.lists[which].seats >= before.lists[which].seats);
        }
    }
}

//! CNB collège ordinal: in each circonscription, two separate scrutins (women, men), uninominal
//! majoritaire à un tour; each elector marks up to the number of seats of the scrutin; ballots
//! carry weighted voices in the national circonscription (one voice in Paris).
//!
//! Décret n°91-1197 (chapitre II, section I): « Sont élus dans le collège ordinal les candidats
//! ayant obtenu le plus grand nombre de suffrages, dans la limite des postes à pourvoir, pour
//! chacun des sexes, dans chaque circonscription. » and « Dans le collège ordinal, en cas
//! d'égalité de voix entre candidats du même sexe, le candidat proclamé élu est celui dont la
//! date d'inscription à un tableau est la plus ancienne et, à égalité d'ancienneté, le candidat
//! le plus âgé. »
//!
//! The input voices are already weighted (the homomorphic tally sums `weight × ballot`); the
//! weights themselves are computed from the roll by the election model.

use serde::{Deserialize, Serialize};

use super::common::{
    Candidacy, Circonscription, Figures, RuleError, Sexe, Standing, Status, Summary, Tie, TieBreak,
    check_ids, check_multi_choice_sum, fr, percent, select_top,
};

/// The décret's passages applied.
pub const RULE_ORDINAL: &str = "Décret n°91-1197 : « Sont élus dans le collège ordinal les candidats ayant obtenu le plus grand nombre de suffrages, dans la limite des postes à pourvoir, pour chacun des sexes, dans chaque circonscription. » « Dans le collège ordinal, en cas d'égalité de voix entre candidats du même sexe, le candidat proclamé élu est celui dont la date d'inscription à un tableau est la plus ancienne et, à égalité d'ancienneté, le candidat le plus âgé. »";

/// The counts of one scrutin of the collège ordinal (one circonscription, one sex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrdinalCounts {
    /// Paris or national.
    pub circonscription: Circonscription,
    /// Women's or men's scrutin.
    pub sexe: Sexe,
    /// Seats of this scrutin (half of the circonscription's ordinal seats).
    pub seats: u32,
    /// Inscrits, votants, blancs, nuls: counted in ballots (electors).
    pub figures: Figures,
    /// Voices carried by the suffrages exprimés (the sum of the weights of the ballots neither
    /// blank nor void). Equals the exprimés in Paris, where every ballot carries one voice.
    pub voix_exprimees: u64,
    /// The candidates and the (weighted) voices each received.
    pub candidacies: Vec<Candidacy>,
}

/// The result of one scrutin of the collège ordinal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdinalResult {
    /// Paris or national.
    pub circonscription: Circonscription,
    /// Women's or men's scrutin.
    pub sexe: Sexe,
    /// Seats of this scrutin.
    pub seats: u32,
    /// Checked ballot figures (in ballots).
    pub summary: Summary,
    /// Voices carried by the suffrages exprimés.
    pub voix_exprimees: u64,
    /// Candidates in order (ties broken), with their outcome; percentages are of the voix
    /// exprimées.
    pub ranking: Vec<Standing>,
    /// Ids of the elected candidates, in order.
    pub elected: Vec<String>,
    /// Seats left unfilled (fewer candidates with voices than seats).
    pub unfilled: u32,
    /// Ties that decided a seat, and how.
    pub ties: Vec<Tie>,
    /// The décret passage applied.
    pub rule: String,
}

/// Counts one scrutin of the CNB collège ordinal.
pub fn count_cnb_ordinal(counts: &OrdinalCounts) -> Result<OrdinalResult, RuleError> {
    if counts.seats == 0 {
        return Err(RuleError::invalid("seats", "aucun siège à pourvoir"));
    }
    let summary = counts.figures.summarize("figures")?;
    if counts.voix_exprimees < summary.exprimes {
        return Err(RuleError::invalid(
            "voix_exprimees",
            format!(
                "{} voix exprimées pour {} suffrages exprimés : chaque bulletin porte au moins une voix",
                fr(counts.voix_exprimees),
                fr(summary.exprimes)
            ),
        ));
    }
    if summary.exprimes == 0 && counts.voix_exprimees > 0 {
        return Err(RuleError::invalid(
            "voix_exprimees",
            "des voix exprimées sans aucun suffrage exprimé",
        ));
    }
    if counts.circonscription == Circonscription::Paris && counts.voix_exprimees != summary.exprimes
    {
        return Err(RuleError::invalid(
            "voix_exprimees",
            format!(
                "à Paris chaque bulletin porte une voix : {} voix exprimées pour {} suffrages exprimés",
                fr(counts.voix_exprimees),
                fr(summary.exprimes)
            ),
        ));
    }
    let cands = &counts.candidacies;
    check_ids("candidacies", cands)?;
    for (i, c) in cands.iter().enumerate() {
        if c.persons.len() > 1 {
            return Err(RuleError::invalid(
                format!("candidacies[{i}].persons"),
                "le scrutin du collège ordinal est uninominal : un candidat par candidature",
            ));
        }
    }
    check_multi_choice_sum(
        "candidacies",
        cands,
        counts.seats,
        counts.voix_exprimees,
        "voix exprimées",
    )?;

    let seats = counts.seats as usize;
    // A candidate with no voice has obtained no suffrage (docs/rules.md).
    let eligible: Vec<usize> = (0..cands.len()).filter(|&i| cands[i].votes > 0).collect();
    let (mut order, tie) = select_top(
        "candidacies",
        cands,
        &eligible,
        |i| cands[i].votes,
        |_| 0,
        seats,
        TieBreak::InscriptionThenAge,
        "derniers sièges à pourvoir",
        |v| format!("{} voix", fr(v)),
        RULE_ORDINAL,
    )?;
    let n_elected = order.len().min(seats);
    let elected = order[..n_elected]
        .iter()
        .map(|&i| cands[i].id.clone())
        .collect();
    order.extend((0..cands.len()).filter(|&i| cands[i].votes == 0));
    let ranking = order
        .iter()
        .enumerate()
        .map(|(pos, &i)| Standing {
            id: cands[i].id.clone(),
            label: cands[i].label.clone(),
            votes: cands[i].votes,
            percent: percent(cands[i].votes, counts.voix_exprimees),
            majority: None,
            status: if pos < n_elected {
                Status::Elected
            } else {
                Status::NotElected
            },
        })
        .collect();
    Ok(OrdinalResult {
        circonscription: counts.circonscription,
        sexe: counts.sexe,
        seats: counts.seats,
        summary,
        voix_exprimees: counts.voix_exprimees,
        ranking,
        elected,
        unfilled: counts.seats - n_elected as u32,
        ties: tie.into_iter().collect(),
        rule: RULE_ORDINAL.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::common::tests::{cand, figures, person};
    use crate::rules::common::{Criterion, RuleErrorKind};

    fn national(seats: u32, exprimes: u64, voix: u64, cands: Vec<Candidacy>) -> OrdinalCounts {
        OrdinalCounts {
            circonscription: Circonscription::National,
            sexe: Sexe::Femmes,
            seats,
            figures: figures(Some(exprimes + 10), exprimes + 1, 1, 0),
            voix_exprimees: voix,
            candidacies: cands,
        }
    }

    #[test]
    fn the_candidates_with_the_most_weighted_voices_are_elected() {
        let r = count_cnb_ordinal(&national(
            2,
            1000,
            40_000,
            vec![
                cand("A", 12_000, vec![]),
                cand("B", 30_000, vec![]),
                cand("C", 25_000, vec![]),
            ],
        ))
        .unwrap();
        assert_eq!(r.elected, vec!["B", "C"]);
        assert_eq!(r.unfilled, 0);
        assert_eq!(r.ranking[2].status, Status::NotElected);
        assert_eq!(r.ranking[0].percent, "75,00 %");
    }

    #[test]
    fn weighted_voices_beyond_four_billion_are_counted_exactly() {
        let big = 5_000_000_000u64;
        let r = count_cnb_ordinal(&national(
            1,
            3,
            3 * big,
            vec![cand("A", big + 1, vec![]), cand("B", big, vec![])],
        ))
        .unwrap();
        assert_eq!(r.elected, vec!["A"]);
    }

    #[test]
    fn an_ordinal_tie_goes_to_the_oldest_inscription_then_the_oldest_candidate() {
        let r = count_cnb_ordinal(&national(
            1,
            100,
            600,
            vec![
                cand("A", 200, vec![person("A", "1995-01-01", "1960-01-01")]),
                cand("B", 200, vec![person("B", "1995-01-01", "1958-03-03")]),
                cand("C", 200, vec![person("C", "1996-01-01", "1940-01-01")]),
            ],
        ))
        .unwrap();
        assert_eq!(r.elected, vec!["B"]);
        assert_eq!(r.ties[0].decided_by, Criterion::Age);
        // C was separated by inscription, so its birth date was never needed.
        assert_eq!(r.ties[0].order[2].id, "C");
        assert_eq!(r.ties[0].order[2].birth, None);
    }

    #[test]
    fn in_paris_each_ballot_carries_one_voice() {
        let mut c = national(1, 10, 20, vec![cand("A", 10, vec![])]);
        c.circonscription = Circonscription::Paris;
        assert_eq!(count_cnb_ordinal(&c).unwrap_err().field, "voix_exprimees");
        c.voix_exprimees = 10;
        assert_eq!(count_cnb_ordinal(&c).unwrap().elected, vec!["A"]);
    }

    #[test]
    fn fewer_voices_than_exprimes_are_rejected() {
        let c = national(1, 10, 9, vec![cand("A", 9, vec![])]);
        assert_eq!(count_cnb_ordinal(&c).unwrap_err().field, "voix_exprimees");
    }

    #[test]
    fn a_candidate_with_more_voices_than_voix_exprimees_is_rejected() {
        let c = national(1, 10, 30, vec![cand("A", 31, vec![])]);
        let e = count_cnb_ordinal(&c).unwrap_err();
        assert_eq!(e.field, "candidacies[0].votes");
        assert_eq!(e.kind, RuleErrorKind::Invalid);
    }

    #[test]
    fn seats_without_candidates_with_voices_stay_unfilled() {
        let r = count_cnb_ordinal(&national(
            3,
            10,
            30,
            vec![cand("A", 20, vec![]), cand("B", 0, vec![])],
        ))
        .unwrap();
        assert_eq!(r.elected, vec!["A"]);
        assert_eq!(r.unfilled, 2);
    }
}

//! The recensement général of the CNB elections: the bureau of the Conseil national des
//! barreaux adds up the procès-verbaux of every barreau, per circonscription (and, for the
//! collège ordinal, per sex), then applies the counting rule.
//!
//! Décret n°91-1197 (chapitre II): « Les opérations de vote se déroulent dans chaque barreau,
//! chaque électeur votant dans son barreau. » « Le dépouillement a lieu à la clôture du scrutin
//! dans chaque barreau. Les résultats sont consignés dans des procès-verbaux [...]. » « Le
//! recensement général des votes est effectué par le bureau du Conseil national des barreaux. »
//!
//! Each barreau's procès-verbal must give a figure for every candidacy of its scrutin (zero
//! included) and nothing else, and a barreau may appear only once per scrutin: a PV counted
//! twice or a candidacy silently missing would change the result.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::common::{Circonscription, Contestant, Figures, RuleError, Sexe, Summary, fr};
use super::method_cnb_general::{GeneralCounts, GeneralResult, count_cnb_general};
use super::method_cnb_ordinal::{OrdinalCounts, OrdinalResult, count_cnb_ordinal};

/// Which collège is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum College {
    /// Collège ordinal: one scrutin per circonscription and sex, weighted voices.
    Ordinal,
    /// Collège général: one list scrutin per circonscription.
    General,
}

/// One scrutin of the recensement: where, for which sex (ordinal), its seats and candidacies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScrutinDecl {
    /// Paris or national.
    pub circonscription: Circonscription,
    /// Collège ordinal: women's or men's scrutin. Absent for the collège général.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sexe: Option<Sexe>,
    /// Seats of this scrutin.
    pub seats: u32,
    /// The candidacies (ordinal: candidates; général: lists with their candidates).
    pub candidacies: Vec<Contestant>,
}

/// One barreau's procès-verbal for one scrutin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BarreauPv {
    /// Name of the barreau.
    pub barreau: String,
    /// Its circonscription.
    pub circonscription: Circonscription,
    /// Collège ordinal: the scrutin's sex. Absent for the collège général.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sexe: Option<Sexe>,
    /// Inscrits, votants, blancs, nuls of this barreau.
    pub figures: Figures,
    /// Collège ordinal: voices carried by the suffrages exprimés of this barreau.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voix_exprimees: Option<u64>,
    /// Suffrages (voices) per candidacy id.
    pub votes: BTreeMap<String, u64>,
}

/// The recensement's input: the collège, its scrutins, and every barreau's PV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recensement {
    /// Ordinal or général.
    pub college: College,
    /// The scrutins.
    pub scrutins: Vec<ScrutinDecl>,
    /// The barreaux' procès-verbaux.
    pub pvs: Vec<BarreauPv>,
}

/// One barreau's line in the recensement table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarreauLine {
    /// Name of the barreau.
    pub barreau: String,
    /// Index of its PV in the input.
    pub pv: usize,
    /// Its checked figures.
    pub summary: Summary,
    /// Collège ordinal: its voix exprimées.
    pub voix_exprimees: Option<u64>,
    /// Suffrages per candidacy, in the scrutin's candidacy order.
    pub votes: Vec<u64>,
}

/// The rule's result for one scrutin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "college", rename_all = "snake_case")]
pub enum ScrutinOutcome {
    /// Collège ordinal.
    Ordinal(OrdinalResult),
    /// Collège général.
    General(GeneralResult),
}

/// One scrutin's recensement: the barreaux' lines, then the rule applied to their sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScrutinRecensement {
    /// Paris or national.
    pub circonscription: Circonscription,
    /// Collège ordinal: the sex.
    pub sexe: Option<Sexe>,
    /// Candidacy ids and labels, in order (the columns of `barreaux[].votes`).
    pub candidacies: Vec<Contestant>,
    /// Each barreau's figures.
    pub barreaux: Vec<BarreauLine>,
    /// The result on the totals.
    pub outcome: ScrutinOutcome,
}

/// The whole recensement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecensementResult {
    /// Ordinal or général.
    pub college: College,
    /// One entry per scrutin, in input order.
    pub scrutins: Vec<ScrutinRecensement>,
}

fn add(field: &str, a: u64, b: u64) -> Result<u64, RuleError> {
    a.checked_add(b)
        .ok_or_else(|| RuleError::invalid(field, "total supérieur à 2^64"))
}

/// Adds up the barreaux' PVs per scrutin and applies the collège's rule to each total.
pub fn count_recensement(input: &Recensement) -> Result<RecensementResult, RuleError> {
    // Scrutins: well-formed, no duplicate.
    for (k, s) in input.scrutins.iter().enumerate() {
        match (input.college, s.sexe) {
            (College::Ordinal, None) => {
                return Err(RuleError::invalid(
                    format!("scrutins[{k}].sexe"),
                    "le collège ordinal a un scrutin par sexe : « femmes » ou « hommes »",
                ));
            }
            (College::General, Some(_)) => {
                return Err(RuleError::invalid(
                    format!("scrutins[{k}].sexe"),
                    "le collège général vote par liste, sans scrutin par sexe",
                ));
            }
            _ => {}
        }
        if let Some(j) = input.scrutins[..k]
            .iter()
            .position(|o| o.circonscription == s.circonscription && o.sexe == s.sexe)
        {
            return Err(RuleError::invalid(
                format!("scrutins[{k}]"),
                format!("même scrutin que scrutins[{j}]"),
            ));
        }
        for (i, c) in s.candidacies.iter().enumerate() {
            if let Some(j) = s.candidacies[..i].iter().position(|o| o.id == c.id) {
                return Err(RuleError::invalid(
                    format!("scrutins[{k}].candidacies[{i}].id"),
                    format!("identifiant « {} » déjà utilisé par candidacies[{j}]", c.id),
                ));
            }
        }
    }

    let mut lines: Vec<Vec<BarreauLine>> = vec![Vec::new(); input.scrutins.len()];
    for (p, pv) in input.pvs.iter().enumerate() {
        let path = format!("pvs[{p}]");
        let k = input
            .scrutins
            .iter()
            .position(|s| s.circonscription == pv.circonscription && s.sexe == pv.sexe)
            .ok_or_else(|| {
                RuleError::invalid(
                    format!("{path}.circonscription"),
                    format!(
                        "aucun scrutin déclaré pour la {}{}",
                        pv.circonscription.french(),
                        pv.sexe
                            .map(|s| format!(", {}", s.french()))
                            .unwrap_or_default()
                    ),
                )
            })?;
        let decl = &input.scrutins[k];
        if let Some(other) = lines[k].iter().find(|l| l.barreau == pv.barreau) {
            return Err(RuleError::invalid(
                format!("{path}.barreau"),
                format!(
                    "le procès-verbal du barreau « {} » figure déjà (pvs[{}]) pour ce scrutin",
                    pv.barreau, other.pv
                ),
            ));
        }
        let summary = pv
            .figures
            .summarize("figures")
            .map_err(|e| e.prefixed(&path))?;
        for id in pv.votes.keys() {
            if !decl.candidacies.iter().any(|c| &c.id == id) {
                return Err(RuleError::invalid(
                    format!("{path}.votes.{id}"),
                    format!("candidature inconnue dans scrutins[{k}]"),
                ));
            }
        }
        let mut votes = Vec::with_capacity(decl.candidacies.len());
        for c in &decl.candidacies {
            let v = pv.votes.get(&c.id).copied().ok_or_else(|| {
                RuleError::invalid(
                    format!("{path}.votes.{}", c.id),
                    format!(
                        "voix de « {} » absentes du procès-verbal (indiquer 0)",
                        c.label
                    ),
                )
            })?;
            votes.push(v);
        }
        let sum = votes
            .iter()
            .try_fold(0u64, |a, &v| add(&format!("{path}.votes"), a, v))?;
        let cap = match input.college {
            College::General => {
                if pv.voix_exprimees.is_some() {
                    return Err(RuleError::invalid(
                        format!("{path}.voix_exprimees"),
                        "sans objet au collège général (une voix par bulletin)",
                    ));
                }
                if sum != summary.exprimes {
                    return Err(RuleError::invalid(
                        format!("{path}.figures.votants"),
                        format!(
                            "incohérence : somme des voix {} + blancs et nuls {} ≠ {} votants",
                            fr(sum),
                            fr(summary.blancs_et_nuls),
                            fr(summary.votants)
                        ),
                    ));
                }
                summary.exprimes
            }
            College::Ordinal => {
                let voix = pv.voix_exprimees.ok_or_else(|| {
                    RuleError::invalid(
                        format!("{path}.voix_exprimees"),
                        "champ manquant : voix portées par les suffrages exprimés du barreau",
                    )
                })?;
                if voix < summary.exprimes {
                    return Err(RuleError::invalid(
                        format!("{path}.voix_exprimees"),
                        format!(
                            "{} voix exprimées pour {} suffrages exprimés",
                            fr(voix),
                            fr(summary.exprimes)
                        ),
                    ));
                }
                if u128::from(sum) > u128::from(voix) * u128::from(decl.seats) {
                    return Err(RuleError::invalid(
                        format!("{path}.votes"),
                        format!(
                            "{} voix au total, plus que {} sièges × {} voix exprimées",
                            fr(sum),
                            decl.seats,
                            fr(voix)
                        ),
                    ));
                }
                voix
            }
        };
        for (c, &v) in decl.candidacies.iter().zip(&votes) {
            if v > cap {
                return Err(RuleError::invalid(
                    format!("{path}.votes.{}", c.id),
                    format!("{} voix, plus que les {} exprimées", fr(v), fr(cap)),
                ));
            }
        }
        lines[k].push(BarreauLine {
            barreau: pv.barreau.clone(),
            pv: p,
            summary,
            voix_exprimees: pv.voix_exprimees,
            votes,
        });
    }

    let mut scrutins = Vec::with_capacity(input.scrutins.len());
    for (k, (decl, barreaux)) in input.scrutins.iter().zip(lines).enumerate() {
        let prefix = format!("scrutins[{k}]");
        if barreaux.is_empty() {
            return Err(RuleError::invalid(
                prefix,
                "aucun procès-verbal de barreau pour ce scrutin",
            ));
        }
        let f = "pvs";
        let mut inscrits = Some(0u64);
        let mut votants = 0u64;
        let mut separate = Some((0u64, 0u64));
        let mut blancs_et_nuls = 0u64;
        let mut voix = 0u64;
        let mut totals = vec![0u64; decl.candidacies.len()];
        for (l, pv) in barreaux.iter().map(|l| (l, &input.pvs[l.pv])) {
            inscrits = match (inscrits, l.summary.inscrits) {
                (Some(a), Some(b)) => Some(add(f, a, b)?),
                _ => None,
            };
            votants = add(f, votants, l.summary.votants)?;
            blancs_et_nuls = add(f, blancs_et_nuls, l.summary.blancs_et_nuls)?;
            separate = match (separate, pv.figures.blancs, pv.figures.nuls) {
                (Some((b, n)), Some(pb), Some(pn)) => Some((add(f, b, pb)?, add(f, n, pn)?)),
                _ => None,
            };
            voix = add(f, voix, l.voix_exprimees.unwrap_or(0))?;
            for (t, &v) in totals.iter_mut().zip(&l.votes) {
                *t = add(f, *t, v)?;
            }
        }
        let figures = Figures {
            inscrits,
            votants,
            blancs: separate.map(|s| s.0),
            nuls: separate.map(|s| s.1),
            blancs_et_nuls: if separate.is_some() {
                None
            } else {
                Some(blancs_et_nuls)
            },
        };
        let candidacies = decl
            .candidacies
            .iter()
            .zip(&totals)
            .map(|(c, &v)| c.with_votes(v))
            .collect();
        // The rules name `candidacies[i]` (ordinal) or `lists[i]` (général): both are this
        // scrutin's `candidacies[i]`.
        let relocate = |e: RuleError| {
            let field = e
                .field
                .strip_prefix("lists")
                .map(|rest| format!("candidacies{rest}"))
                .unwrap_or_else(|| e.field.clone());
            RuleError { field, ..e }.prefixed(&prefix)
        };
        let outcome = match input.college {
            College::Ordinal => ScrutinOutcome::Ordinal(
                count_cnb_ordinal(&OrdinalCounts {
                    circonscription: decl.circonscription,
                    sexe: decl.sexe.unwrap_or(Sexe::Femmes),
                    seats: decl.seats,
                    figures,
                    voix_exprimees: voix,
                    candidacies,
                })
                .map_err(relocate)?,
            ),
            College::General => ScrutinOutcome::General(
                count_cnb_general(&GeneralCounts {
                    circonscription: decl.circonscription,
                    seats: decl.seats,
                    figures,
                    lists: candidacies,
                })
                .map_err(relocate)?,
            ),
        };
        scrutins.push(ScrutinRecensement {
            circonscription: decl.circonscription,
            sexe: decl.sexe,
            candidacies: decl.candidacies.clone(),
            barreaux,
            outcome,
        });
    }
    Ok(RecensementResult {
        college: input.college,
        scrutins,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::common::tests::{figures, person};
    use crate::rules::common::{Criterion, RuleErrorKind};

    fn contestant(id: &str, persons: Vec<crate::rules::common::Person>) -> Contestant {
        Contestant {
            id: id.into(),
            label: format!("Liste {id}"),
            persons,
        }
    }

    fn pv(barreau: &str, c: Circonscription, blancs: u64, votes: &[(&str, u64)]) -> BarreauPv {
        let sum: u64 = votes.iter().map(|v| v.1).sum();
        BarreauPv {
            barreau: barreau.into(),
            circonscription: c,
            sexe: None,
            figures: figures(Some(sum + blancs + 10), sum + blancs, blancs, 0),
            voix_exprimees: None,
            votes: votes.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        }
    }

    fn general() -> Recensement {
        Recensement {
            college: College::General,
            scrutins: vec![ScrutinDecl {
                circonscription: Circonscription::National,
                sexe: None,
                seats: 4,
                candidacies: vec![contestant("A", vec![]), contestant("B", vec![])],
            }],
            pvs: vec![
                pv(
                    "Lyon",
                    Circonscription::National,
                    2,
                    &[("A", 300), ("B", 100)],
                ),
                pv(
                    "Lille",
                    Circonscription::National,
                    1,
                    &[("A", 100), ("B", 300)],
                ),
                pv(
                    "Nice",
                    Circonscription::National,
                    0,
                    &[("A", 210), ("B", 0)],
                ),
            ],
        }
    }

    #[test]
    fn the_recensement_adds_up_the_barreaux_and_applies_the_rule() {
        let r = count_recensement(&general()).unwrap();
        let s = &r.scrutins[0];
        assert_eq!(s.barreaux.len(), 3);
        let ScrutinOutcome::General(g) = &s.outcome else {
            panic!("général attendu")
        };
        assert_eq!(g.summary.votants, 1013);
        assert_eq!(g.summary.blancs, Some(3));
        assert_eq!(g.summary.inscrits, Some(1043));
        assert_eq!(g.lists[0].votes, 610);
        assert_eq!(g.lists[1].votes, 400);
        // 1010 votes, 4 seats: A 2 and B 1 by the quotient; then A 610/3 > B 400/2.
        assert_eq!(g.lists[0].seats, 3);
        assert_eq!(g.lists[1].seats, 1);
        assert_eq!(s.barreaux[2].votes, vec![210, 0]);
    }

    /// Nice gives A 200 instead of 210: A 600, B 400, 4 seats; quotient 250 gives A 2, B 1,
    /// then A 600/3 = B 400/2 = 200: equal averages for the last seat.
    fn general_with_tie() -> Recensement {
        let mut input = general();
        input.pvs[2].votes.insert("A".into(), 200);
        input.pvs[2].figures.votants -= 10;
        input
    }

    #[test]
    fn a_tie_in_the_recensement_names_the_scrutin_candidacy_field() {
        let e = count_recensement(&general_with_tie()).unwrap_err();
        assert_eq!(e.kind, RuleErrorKind::MissingTieData);
        // A holds 2 seats: its third candidate would be proclaimed elected.
        assert_eq!(e.field, "scrutins[0].candidacies[0].persons[2]");
    }

    #[test]
    fn a_recensement_tie_is_broken_with_the_declared_candidates() {
        let mut input = general_with_tie();
        input.scrutins[0].candidacies[0].persons = (0..4)
            .map(|i| person(&format!("A{i}"), "2000-01-01", "1970-01-01"))
            .collect();
        input.scrutins[0].candidacies[1].persons = (0..4)
            .map(|i| person(&format!("B{i}"), "1990-01-01", "1970-01-01"))
            .collect();
        let r = count_recensement(&input).unwrap();
        let ScrutinOutcome::General(g) = &r.scrutins[0].outcome else {
            panic!()
        };
        assert_eq!(g.ties[0].decided_by, Criterion::Inscription);
        assert_eq!(g.lists[1].seats, 2);
        assert_eq!(g.lists[0].seats, 2);
    }

    #[test]
    fn a_barreau_counted_twice_is_rejected() {
        let mut input = general();
        input.pvs[2].barreau = "Lyon".into();
        assert_eq!(
            count_recensement(&input).unwrap_err().field,
            "pvs[2].barreau"
        );
    }

    #[test]
    fn a_pv_missing_a_candidacy_is_rejected() {
        let mut input = general();
        input.pvs[1].votes.remove("B");
        input.pvs[1].figures.votants -= 300;
        assert_eq!(
            count_recensement(&input).unwrap_err().field,
            "pvs[1].votes.B"
        );
    }

    #[test]
    fn a_pv_with_an_unknown_candidacy_is_rejected() {
        let mut input = general();
        input.pvs[0].votes.insert("Z".into(), 0);
        assert_eq!(
            count_recensement(&input).unwrap_err().field,
            "pvs[0].votes.Z"
        );
    }

    #[test]
    fn a_pv_whose_votes_do_not_add_up_is_rejected() {
        let mut input = general();
        input.pvs[0].figures.votants += 1;
        assert_eq!(
            count_recensement(&input).unwrap_err().field,
            "pvs[0].figures.votants"
        );
    }

    #[test]
    fn a_pv_for_an_undeclared_circonscription_is_rejected() {
        let mut input = general();
        input.pvs[0].circonscription = Circonscription::Paris;
        assert_eq!(
            count_recensement(&input).unwrap_err().field,
            "pvs[0].circonscription"
        );
    }

    #[test]
    fn the_ordinal_recensement_adds_weighted_voices_per_sex() {
        let decl = |sexe| ScrutinDecl {
            circonscription: Circonscription::National,
            sexe: Some(sexe),
            seats: 1,
            candidacies: vec![contestant("X", vec![]), contestant("Y", vec![])],
        };
        let ordinal_pv = |barreau: &str, sexe, weight: u64, x: u64, y: u64| BarreauPv {
            barreau: barreau.into(),
            circonscription: Circonscription::National,
            sexe: Some(sexe),
            figures: figures(Some(x + y + 1), x + y, 0, 0),
            voix_exprimees: Some((x + y) * weight),
            votes: [("X".to_string(), x * weight), ("Y".to_string(), y * weight)].into(),
        };
        let input = Recensement {
            college: College::Ordinal,
            scrutins: vec![decl(Sexe::Femmes), decl(Sexe::Hommes)],
            pvs: vec![
                // A small barreau with a heavy weight outweighs a big one.
                ordinal_pv("Petit", Sexe::Femmes, 40, 3, 0),
                ordinal_pv("Grand", Sexe::Femmes, 2, 10, 20),
                ordinal_pv("Petit", Sexe::Hommes, 40, 0, 3),
                ordinal_pv("Grand", Sexe::Hommes, 2, 20, 10),
            ],
        };
        let r = count_recensement(&input).unwrap();
        let ScrutinOutcome::Ordinal(f) = &r.scrutins[0].outcome else {
            panic!()
        };
        assert_eq!(f.voix_exprimees, 180);
        assert_eq!(f.elected, vec!["X"]);
        let ScrutinOutcome::Ordinal(h) = &r.scrutins[1].outcome else {
            panic!()
        };
        assert_eq!(h.elected, vec!["Y"]);
        assert_eq!(h.summary.votants, 33);
    }

    #[test]
    fn an_ordinal_pv_without_voix_exprimees_is_rejected() {
        let input = Recensement {
            college: College::Ordinal,
            scrutins: vec![ScrutinDecl {
                circonscription: Circonscription::Paris,
                sexe: Some(Sexe::Femmes),
                seats: 1,
                candidacies: vec![contestant("X", vec![])],
            }],
            pvs: vec![BarreauPv {
                sexe: Some(Sexe::Femmes),
                ..pv("Paris", Circonscription::Paris, 0, &[("X", 3)])
            }],
        };
        assert_eq!(
            count_recensement(&input).unwrap_err().field,
            "pvs[0].voix_exprimees"
        );
    }
}

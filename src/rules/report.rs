//! The French text rendering of a result, with every intermediate figure: what
//! `urne-tally count` prints, and the body the procès-verbal and the verifier reuse.
//!
//! Plain text, one table per section, numbers right-aligned with spaces between thousands.

use std::fmt::Write as _;

use super::cnb_seat_split::{Adjustment, SeatSplit};
use super::common::{Standing, Summary, Tie, fr};
use super::counts_file::{ContestResult, Counted};
use super::method_batonnier::{BatonnierOutcome, BatonnierResult};
use super::method_cnb_general::GeneralResult;
use super::method_cnb_ordinal::OrdinalResult;
use super::method_conseil::ConseilResult;
use super::recensement::{College, RecensementResult, ScrutinOutcome};

/// Column alignment.
#[derive(Debug, Clone, Copy)]
enum Align {
    Left,
    Right,
}

/// A plain text table.
fn table(out: &mut String, head: &[(&str, Align)], rows: &[Vec<String>]) {
    let n = head.len();
    let mut width: Vec<usize> = head.iter().map(|h| h.0.chars().count()).collect();
    for r in rows {
        for (w, cell) in width.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |out: &mut String, cells: &[String]| {
        let mut s = String::new();
        for (k, cell) in cells.iter().enumerate().take(n) {
            let pad = width[k].saturating_sub(cell.chars().count());
            if k > 0 {
                s.push_str("  ");
            }
            match head[k].1 {
                Align::Left => {
                    s.push_str(cell);
                    if k + 1 < n {
                        s.push_str(&" ".repeat(pad));
                    }
                }
                Align::Right => {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(cell);
                }
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    let header: Vec<String> = head.iter().map(|h| h.0.to_string()).collect();
    line(out, &header);
    let total: usize = width.iter().sum::<usize>() + 2 * n.saturating_sub(1);
    out.push_str(&"-".repeat(total));
    out.push('\n');
    for r in rows {
        line(out, r);
    }
}

/// Label/value lines, values right-aligned.
fn figures_block(out: &mut String, lines: &[(&str, String)]) {
    let lw = lines.iter().map(|l| l.0.chars().count()).max().unwrap_or(0);
    let vw = lines.iter().map(|l| l.1.chars().count()).max().unwrap_or(0);
    for (label, value) in lines {
        let _ = writeln!(
            out,
            "{label}{}  {}{value}",
            " ".repeat(lw - label.chars().count()),
            " ".repeat(vw - value.chars().count())
        );
    }
}

fn summary_lines(s: &Summary) -> Vec<(&'static str, String)> {
    let mut v = vec![(
        "Inscrits",
        s.inscrits.map_or_else(|| "non renseigné".to_string(), fr),
    )];
    v.push(("Votants", fr(s.votants)));
    if let Some(a) = s.abstentions {
        v.push(("Abstentions", fr(a)));
    }
    match (s.blancs, s.nuls) {
        (Some(b), Some(n)) => {
            v.push(("Bulletins blancs", fr(b)));
            v.push(("Bulletins nuls", fr(n)));
        }
        _ => v.push((
            "Bulletins blancs et nuls (non distingués)",
            fr(s.blancs_et_nuls),
        )),
    }
    v.push(("Suffrages exprimés", fr(s.exprimes)));
    v
}

fn standings(out: &mut String, ranking: &[Standing], with_majority: bool, unit: &str) {
    let mut head = vec![
        ("Candidature", Align::Left),
        (unit, Align::Right),
        ("%", Align::Right),
    ];
    if with_majority {
        head.push(("Majorité absolue", Align::Left));
    }
    head.push(("Résultat", Align::Left));
    let rows: Vec<Vec<String>> = ranking
        .iter()
        .map(|s| {
            let mut r = vec![s.label.clone(), fr(s.votes), s.percent.clone()];
            if with_majority {
                r.push(match s.majority {
                    Some(true) => "atteinte".to_string(),
                    Some(false) => "non atteinte".to_string(),
                    None => String::new(),
                });
            }
            r.push(s.status.french().to_string());
            r
        })
        .collect();
    table(out, &head, &rows);
}

fn ties(out: &mut String, ties: &[Tie]) {
    if ties.is_empty() {
        return;
    }
    out.push_str("\nÉgalités départagées\n");
    for t in ties {
        let names: Vec<String> = t.order.iter().map(|o| format!("« {} »", o.label)).collect();
        let _ = writeln!(
            out,
            "- {} : {} à égalité ({}), {} place(s) ; départagés par : {}.",
            t.stake,
            names.join(", "),
            t.figure,
            t.places,
            t.decided_by.french()
        );
        for o in &t.order {
            let mut d = Vec::new();
            if let Some(p) = &o.person {
                d.push(p.clone());
            }
            if let Some(i) = o.inscription {
                d.push(format!("inscrit(e) au tableau le {}", i.french()));
            }
            if let Some(b) = o.birth {
                d.push(format!("né(e) le {}", b.french()));
            }
            let won = if t.winners.contains(&o.id) {
                "retenu"
            } else {
                "non retenu"
            };
            let _ = writeln!(out, "    « {} » : {} — {won}", o.label, d.join(", "));
        }
        let _ = writeln!(out, "  {}", t.rule);
    }
}

fn label_of<'a>(ranking: &'a [Standing], id: &'a str) -> &'a str {
    ranking
        .iter()
        .find(|s| s.id == id)
        .map_or(id, |s| s.label.as_str())
}

/// Renders a bâtonnier round.
pub fn render_batonnier(out: &mut String, r: &BatonnierResult) {
    let _ = writeln!(
        out,
        "Élection du bâtonnier — {}\n",
        if r.round == 1 {
            "premier tour"
        } else {
            "second tour"
        }
    );
    let mut lines = summary_lines(&r.summary);
    if let Some(m) = r.majority {
        lines.push(("Majorité absolue des suffrages exprimés", fr(m)));
    }
    figures_block(out, &lines);
    out.push('\n');
    standings(out, &r.ranking, r.round == 1, "Voix");
    ties(out, &r.ties);
    out.push('\n');
    match &r.outcome {
        BatonnierOutcome::Elected { id } => {
            let _ = writeln!(
                out,
                "Résultat : « {} » est proclamé(e) élu(e){}.",
                label_of(&r.ranking, id),
                if r.round == 1 {
                    " au premier tour"
                } else {
                    " au second tour"
                }
            );
        }
        BatonnierOutcome::SecondRound { finalists } => {
            let names: Vec<String> = finalists
                .iter()
                .map(|id| format!("« {} »", label_of(&r.ranking, id)))
                .collect();
            let _ = writeln!(
                out,
                "Résultat : aucune candidature n'a obtenu la majorité absolue ; seuls peuvent se présenter au second tour : {}.",
                names.join(" et ")
            );
        }
        BatonnierOutcome::NoCandidate => {
            out.push_str("Résultat : aucune candidature.\n");
        }
    }
    let _ = writeln!(out, "Règle appliquée : {}", r.rule);
}

/// Renders a conseil de l'ordre round.
pub fn render_conseil(out: &mut String, r: &ConseilResult) {
    let _ = writeln!(
        out,
        "Élection des membres du conseil de l'ordre ({}) — {}\n",
        if r.binomes {
            "binômes"
        } else {
            "candidatures individuelles"
        },
        if r.round == 1 {
            "premier tour"
        } else {
            "second tour"
        }
    );
    let mut lines = vec![("Sièges à pourvoir", fr(r.seats))];
    lines.extend(summary_lines(&r.summary));
    if let Some(m) = r.majority {
        lines.push(("Majorité absolue des suffrages exprimés", fr(m)));
    }
    figures_block(out, &lines);
    out.push('\n');
    standings(out, &r.ranking, r.round == 1, "Voix");
    ties(out, &r.ties);
    out.push('\n');
    let names: Vec<String> = r
        .elected
        .iter()
        .map(|id| format!("« {} »", label_of(&r.ranking, id)))
        .collect();
    let _ = writeln!(
        out,
        "Élu(e)s ({}) : {}",
        names.len(),
        if names.is_empty() {
            "aucun".to_string()
        } else {
            names.join(", ")
        }
    );
    if r.remaining_seats > 0 {
        let _ = writeln!(
            out,
            "{} : {}",
            if r.round == 1 {
                "Sièges restant à pourvoir au second tour"
            } else {
                "Sièges non pourvus"
            },
            r.remaining_seats
        );
    }
    let _ = writeln!(out, "Règle appliquée : {}", r.rule);
}

/// Renders a collège ordinal scrutin.
pub fn render_cnb_ordinal(out: &mut String, r: &OrdinalResult) {
    let _ = writeln!(
        out,
        "Conseil national des barreaux — collège ordinal, {}, {}\n",
        r.circonscription.french(),
        r.sexe.french()
    );
    let mut lines = vec![("Sièges à pourvoir", fr(r.seats))];
    lines.extend(summary_lines(&r.summary));
    lines.push(("Voix exprimées (pondérées)", fr(r.voix_exprimees)));
    figures_block(out, &lines);
    out.push('\n');
    standings(out, &r.ranking, false, "Voix");
    ties(out, &r.ties);
    out.push('\n');
    let names: Vec<String> = r
        .elected
        .iter()
        .map(|id| format!("« {} »", label_of(&r.ranking, id)))
        .collect();
    let _ = writeln!(out, "Élu(e)s ({}) : {}", names.len(), names.join(", "));
    if r.unfilled > 0 {
        let _ = writeln!(out, "Sièges non pourvus : {}", r.unfilled);
    }
    let _ = writeln!(out, "Règle appliquée : {}", r.rule);
}

/// Renders a collège général circonscription.
pub fn render_cnb_general(out: &mut String, r: &GeneralResult) {
    let _ = writeln!(
        out,
        "Conseil national des barreaux — collège général, {}\n",
        r.circonscription.french()
    );
    let mut lines = vec![("Sièges à pourvoir", fr(r.seats))];
    lines.extend(summary_lines(&r.summary));
    lines.push((
        "Seuil de 7 % des suffrages exprimés",
        format!(
            "7 % × {} = {} → au moins {} voix",
            fr(r.summary.exprimes),
            r.threshold.exact.french(),
            fr(r.threshold.min_votes)
        ),
    ));
    lines.push((
        "Suffrages des listes ayant atteint 7 %",
        fr(r.qualifying_votes),
    ));
    lines.push((
        "Quotient électoral",
        r.quotient.map_or_else(
            || "sans objet (aucune liste attributaire)".to_string(),
            |q| format!("{} / {} = {}", fr(q.num), r.seats, q.french()),
        ),
    ));
    lines.push(("Sièges attribués au quotient", fr(r.quotient_seats)));
    lines.push((
        "Sièges attribués à la plus forte moyenne",
        fr(r.rounds.len() as u64),
    ));
    figures_block(out, &lines);
    out.push('\n');
    let rows: Vec<Vec<String>> = r
        .lists
        .iter()
        .map(|l| {
            vec![
                l.label.clone(),
                fr(l.votes),
                l.percent.clone(),
                if l.qualifies { "oui" } else { "non" }.to_string(),
                fr(l.quotient_seats),
                fr(l.average_seats),
                fr(l.seats),
            ]
        })
        .collect();
    table(
        out,
        &[
            ("Liste", Align::Left),
            ("Voix", Align::Right),
            ("%", Align::Right),
            ("≥ 7 %", Align::Left),
            ("Quotient", Align::Right),
            ("Moyenne", Align::Right),
            ("Sièges", Align::Right),
        ],
        &rows,
    );
    if !r.rounds.is_empty() {
        out.push_str(
            "\nPlus forte moyenne, siège par siège (voix / (sièges déjà attribués + 1))\n",
        );
        for round in &r.rounds {
            let avgs: Vec<String> = round
                .averages
                .iter()
                .map(|a| {
                    let label = r
                        .lists
                        .iter()
                        .find(|l| l.id == a.id)
                        .map_or(a.id.as_str(), |l| l.label.as_str());
                    format!(
                        "{label} {} / {} = {}",
                        fr(a.average.num),
                        a.average.den,
                        a.average.french()
                    )
                })
                .collect();
            let winner = r
                .lists
                .iter()
                .find(|l| l.id == round.winner)
                .map_or(round.winner.as_str(), |l| l.label.as_str());
            let _ = writeln!(
                out,
                "- siège n°{} : {} → {winner}{}",
                round.seat,
                avgs.join(" ; "),
                if round.tie.is_some() {
                    " (après égalité, voir ci-dessous)"
                } else {
                    ""
                }
            );
        }
    }
    ties(out, &r.ties);
    if r.unallocated > 0 {
        let _ = writeln!(out, "\nSièges non attribués : {}", r.unallocated);
    }
    let elected: Vec<String> = r
        .lists
        .iter()
        .filter(|l| !l.elected.is_empty())
        .map(|l| format!("{} : {}", l.label, l.elected.join(", ")))
        .collect();
    if !elected.is_empty() {
        out.push_str("\nÉlu(e)s\n");
        for e in elected {
            let _ = writeln!(out, "- {e}");
        }
    }
    let _ = writeln!(out, "\nRègle appliquée : {}", r.rule);
}

/// Renders a seat split.
pub fn render_seat_split(out: &mut String, s: &SeatSplit) {
    out.push_str(
        "Conseil national des barreaux — répartition des sièges entre les circonscriptions\n\n",
    );
    figures_block(
        out,
        &[
            ("Sièges du collège", fr(s.seats)),
            ("Avocats, circonscription de Paris", fr(s.paris_avocats)),
            ("Avocats, circonscription nationale", fr(s.national_avocats)),
            (
                "Part proportionnelle de Paris",
                format!(
                    "{} × {} / {} = {}",
                    s.seats,
                    fr(s.paris_avocats),
                    fr(u128::from(s.paris_avocats) + u128::from(s.national_avocats)),
                    s.paris_share.french()
                ),
            ),
            (
                "Part proportionnelle nationale",
                format!(
                    "{} × {} / {} = {}",
                    s.seats,
                    fr(s.national_avocats),
                    fr(u128::from(s.paris_avocats) + u128::from(s.national_avocats)),
                    s.national_share.french()
                ),
            ),
        ],
    );
    out.push('\n');
    let adj = match &s.adjustment {
        Adjustment::None => "parts entières et paires : aucun ajustement".to_string(),
        Adjustment::NonInteger { to } => format!(
            "1° nombres non entiers : partie entière à chacune, le siège restant à la {} (nombre impair)",
            to.french()
        ),
        Adjustment::OddIntegers { from, to } => format!(
            "2° nombres entiers impairs : un siège retiré à la {} et attribué à la {}",
            from.french(),
            to.french()
        ),
    };
    let _ = writeln!(out, "Ajustement : {adj}");
    let _ = writeln!(
        out,
        "Sièges : circonscription de Paris {}, circonscription nationale {}",
        s.paris, s.national
    );
    let _ = writeln!(out, "Règle appliquée : {}", s.rule);
}

/// Renders a recensement général.
pub fn render_recensement(out: &mut String, r: &RecensementResult) {
    let _ = writeln!(
        out,
        "Conseil national des barreaux — recensement général des votes, collège {}\n",
        match r.college {
            College::Ordinal => "ordinal",
            College::General => "général",
        }
    );
    for s in &r.scrutins {
        let _ = writeln!(
            out,
            "== {}{}\n",
            s.circonscription.french(),
            s.sexe
                .map(|x| format!(", {}", x.french()))
                .unwrap_or_default()
        );
        out.push_str("Procès-verbaux des barreaux\n");
        let mut head: Vec<(&str, Align)> = vec![
            ("Barreau", Align::Left),
            ("Votants", Align::Right),
            ("Exprimés", Align::Right),
        ];
        let ordinal = r.college == College::Ordinal;
        if ordinal {
            head.push(("Voix exprimées", Align::Right));
        }
        for c in &s.candidacies {
            head.push((c.label.as_str(), Align::Right));
        }
        let rows: Vec<Vec<String>> = s
            .barreaux
            .iter()
            .map(|b| {
                let mut row = vec![
                    b.barreau.clone(),
                    fr(b.summary.votants),
                    fr(b.summary.exprimes),
                ];
                if ordinal {
                    row.push(fr(b.voix_exprimees.unwrap_or(0)));
                }
                row.extend(b.votes.iter().map(|&v| fr(v)));
                row
            })
            .collect();
        table(out, &head, &rows);
        out.push('\n');
        match &s.outcome {
            ScrutinOutcome::Ordinal(o) => render_cnb_ordinal(out, o),
            ScrutinOutcome::General(g) => render_cnb_general(out, g),
        }
        out.push('\n');
    }
}

/// Renders any result.
pub fn render_result(out: &mut String, r: &ContestResult) {
    match r {
        ContestResult::Batonnier(x) => render_batonnier(out, x),
        ContestResult::Conseil(x) => render_conseil(out, x),
        ContestResult::CnbOrdinal(x) => render_cnb_ordinal(out, x),
        ContestResult::CnbGeneral(x) => render_cnb_general(out, x),
        ContestResult::CnbSeatSplit(x) => render_seat_split(out, x),
        ContestResult::Recensement(x) => render_recensement(out, x),
    }
}

/// Renders a counted file: title, source, then the result.
pub fn render(c: &Counted) -> String {
    let mut out = String::new();
    if let Some(t) = &c.title {
        let _ = writeln!(out, "{t}");
    }
    if let Some(s) = &c.source {
        let _ = writeln!(out, "Source : {s}");
    }
    if c.title.is_some() || c.source.is_some() {
        out.push('\n');
    }
    render_result(&mut out, &c.result);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::counts_file::{Format, parse_counts};

    #[test]
    fn a_batonnier_report_prints_every_figure_and_the_winner() {
        let text = r#"
title = "Essai"
[batonnier]
round = 1
[batonnier.figures]
inscrits = 3000
votants = 2391
blancs_et_nuls = 59
[[batonnier.candidacies]]
id = "A"
label = "Candidat A"
votes = 1515
[[batonnier.candidacies]]
id = "B"
label = "Candidat B"
votes = 817
"#;
        let c = parse_counts(text, Format::Toml).unwrap().count().unwrap();
        let out = render(&c);
        for needle in [
            "Essai",
            "premier tour",
            "Inscrits",
            "3 000",
            "2 391",
            "Abstentions",
            "609",
            "Bulletins blancs et nuls (non distingués)",
            "2 332",
            "Majorité absolue des suffrages exprimés",
            "1 167",
            "64,97 %",
            "« Candidat A » est proclamé(e) élu(e) au premier tour",
            "art. 6",
        ] {
            assert!(out.contains(needle), "« {needle} » absent de :\n{out}");
        }
    }

    #[test]
    fn tables_align_numbers_to_the_right() {
        let mut out = String::new();
        table(
            &mut out,
            &[("a", Align::Left), ("n", Align::Right)],
            &[
                vec!["x".into(), "1".into()],
                vec!["yy".into(), "100".into()],
            ],
        );
        assert_eq!(out, "a     n\n-------\nx     1\nyy  100\n");
    }
}

//! The procès-verbal as French text blocks: what the PDF lays out (`urne-tally result`) and what
//! `urne-tally show --text` prints. Every figure of the PV's JSON that the décret asks for appears
//! here: barreau, election and round, dates, bureau, inscrits, votants (internet, dont
//! procurations, papier), blancs, nuls, exprimés, votes per candidacy, the majority or the
//! quotient and the averages, the outcome and every tie-break (the rules' own report,
//! `rules::report`), incidents and overrides, the election fingerprint and the archive head, the
//! deadlines to contest, the exemplaires and the signature block.

use super::document::{Exemplaire, Pv};
use crate::count::{ChannelFigures, ContestOutcome};
use crate::encoding::Hash32;
use crate::rules::common::fr;
use crate::rules::report::render_result;
use time::{Date, Month, OffsetDateTime, UtcOffset, Weekday};

/// A block of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The document title.
    Title(String),
    /// A line under the title (centred).
    Subtitle(String),
    /// A section heading.
    Heading(String),
    /// A sub-section heading.
    Subheading(String),
    /// Running text (wrapped).
    Paragraph(String),
    /// Label / value lines.
    Fields(Vec<(String, String)>),
    /// A table; `right[k]` right-aligns column `k`.
    Table {
        /// Column headers.
        header: Vec<String>,
        /// Right alignment per column.
        right: Vec<bool>,
        /// Rows.
        rows: Vec<Vec<String>>,
    },
    /// Pre-formatted lines (monospaced), e.g. the rules' report.
    Mono(Vec<String>),
    /// The signature block: (role, name) of each member present.
    Signatures(Vec<(String, String)>),
    /// Start a new page.
    PageBreak,
}

/// Offset of Paris at a UTC instant: +2 from the last Sunday of March 01:00 UTC to the last
/// Sunday of October 01:00 UTC, +1 otherwise (EU rule since 1996).
fn paris_offset(t: OffsetDateTime) -> UtcOffset {
    let last_sunday = |month: Month| -> Option<OffsetDateTime> {
        let mut d = Date::from_calendar_date(t.year(), month, 31).ok()?;
        while d.weekday() != Weekday::Sunday {
            d = d.previous_day()?;
        }
        Some(d.with_hms(1, 0, 0).ok()?.assume_utc())
    };
    let summer = match (last_sunday(Month::March), last_sunday(Month::October)) {
        (Some(a), Some(b)) => t >= a && t < b,
        _ => false,
    };
    UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// « 24/11/2026 à 08 h 00 » (heure de Paris) of a unix time.
pub fn french_time(unix: u64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(i64::try_from(unix).unwrap_or(i64::MAX)) else {
        return format!("{unix} (horodatage invalide)");
    };
    let l = t.to_offset(paris_offset(t));
    format!(
        "{:02}/{:02}/{:04} à {:02} h {:02}",
        l.day(),
        u8::from(l.month()),
        l.year(),
        l.hour(),
        l.minute()
    )
}

/// A hash in groups of 8 hexadecimal characters, easy to read aloud and compare.
pub fn grouped(h: &Hash32) -> String {
    let hex = h.to_hex();
    hex.as_bytes()
        .chunks(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn member_role(m: u32) -> String {
    if m == 0 {
        "Le bâtonnier".into()
    } else {
        format!("Scrutateur n° {m}")
    }
}

fn channel_rows(c: &ContestOutcome) -> Vec<Vec<String>> {
    let i = &c.internet;
    let zero = ChannelFigures {
        votants: 0,
        procurations: 0,
        blancs: 0,
        nuls: 0,
        votes: Default::default(),
    };
    let p = c.paper.as_ref().unwrap_or(&zero);
    let has_paper = c.paper.is_some();
    let ex = |f: &ChannelFigures| f.votants.saturating_sub(f.blancs).saturating_sub(f.nuls);
    let row = |label: &str, a: u64, pa: Option<u64>, b: u64| {
        let mut r = vec![label.to_owned(), fr(a)];
        r.push(pa.map(fr).unwrap_or_default());
        if has_paper {
            r.push(fr(b));
        }
        r.push(fr(u128::from(a) + u128::from(b)));
        r
    };
    let mut ins = vec!["Inscrits".to_owned(), String::new(), String::new()];
    if has_paper {
        ins.push(String::new());
    }
    ins.push(fr(c.inscrits));
    vec![
        ins,
        row("Votants", i.votants, Some(i.procurations), p.votants),
        row("Bulletins blancs", i.blancs, None, p.blancs),
        row("Bulletins nuls", i.nuls, None, p.nuls),
        row("Suffrages exprimés", ex(i), None, ex(p)),
    ]
}

fn votes_table(c: &ContestOutcome) -> Block {
    let has_paper = c.paper.is_some();
    let mut header = vec!["Candidature".to_owned(), "Internet".to_owned()];
    if has_paper {
        header.push("Papier".into());
    }
    header.push("Total".into());
    if c.weight != 1 {
        header.push(format!("Voix (× {})", c.weight));
    }
    let labels: Vec<(String, String)> = c
        .counts
        .batonnier
        .as_ref()
        .map(|b| &b.candidacies)
        .or(c.counts.conseil.as_ref().map(|b| &b.candidacies))
        .or(c.counts.cnb_ordinal.as_ref().map(|b| &b.candidacies))
        .or(c.counts.cnb_general.as_ref().map(|b| &b.lists))
        .map(|v| v.iter().map(|k| (k.id.clone(), k.label.clone())).collect())
        .unwrap_or_default();
    let rows = labels
        .iter()
        .map(|(id, label)| {
            let a = c.internet.votes.get(id).copied().unwrap_or(0);
            let b = c
                .paper
                .as_ref()
                .and_then(|p| p.votes.get(id).copied())
                .unwrap_or(0);
            let total = u128::from(a) + u128::from(b);
            let mut r = vec![label.clone(), fr(a)];
            if has_paper {
                r.push(fr(b));
            }
            r.push(fr(total));
            if c.weight != 1 {
                r.push(fr(total * u128::from(c.weight)));
            }
            r
        })
        .collect();
    let n = header.len();
    Block::Table {
        header,
        right: (0..n).map(|k| k > 0).collect(),
        rows,
    }
}

/// The PV as blocks. With `exemplaire`, the document says which exemplaire it is.
pub fn blocks(pv: &Pv, exemplaire: Option<&Exemplaire>) -> Vec<Block> {
    let r = &pv.result;
    let mut b = vec![
        Block::Title("PROCÈS-VERBAL DES OPÉRATIONS ÉLECTORALES".into()),
        Block::Subtitle(r.barreau.clone()),
        Block::Subtitle(format!(
            "Élection « {} » — {}",
            r.election_id,
            if r.round == 1 {
                "premier tour"
            } else {
                "second tour"
            }
        )),
    ];
    if let Some(e) = exemplaire {
        b.push(Block::Subtitle(format!(
            "Exemplaire n° {} — {}",
            e.number, e.destination
        )));
    }

    b.push(Block::Heading("1. L'élection".into()));
    let scrutins: Vec<String> = r.contests.iter().map(|c| c.label.clone()).collect();
    let mut f = vec![
        ("Barreau".to_owned(), r.barreau.clone()),
        ("Scrutin(s)".to_owned(), scrutins.join(" ; ")),
        ("Ouverture du vote".to_owned(), french_time(r.opening)),
        ("Clôture prévue".to_owned(), french_time(r.closing)),
    ];
    match &r.board.close {
        Some(c) if c.by_decision => f.push((
            "Clôture effective".into(),
            format!(
                "{}, par décision de l'ordre : {}",
                french_time(c.time),
                c.note
            ),
        )),
        Some(c) => f.push((
            "Clôture effective".into(),
            format!("{}, à l'heure prévue", french_time(c.time)),
        )),
        None => f.push(("Clôture effective".into(), "non constatée".into())),
    }
    let stations: Vec<String> = r.paper.iter().map(|p| p.station.clone()).collect();
    f.push((
        "Modes de vote".into(),
        if stations.is_empty() {
            "par voie électronique (Urne), avec un code personnel et confidentiel ; procuration".into()
        } else {
            format!(
                "par voie électronique (Urne), avec un code personnel et confidentiel ; procuration ; sur papier au(x) bureau(x) de vote : {}",
                stations.join(", ")
            )
        },
    ));
    f.push((
        "Électeurs inscrits (codes émis)".into(),
        fr(r.board.credentials),
    ));
    f.push(("Procurations enregistrées".into(), fr(r.board.proxies)));
    f.push(("Codes réémis (perte)".into(), fr(r.board.reissues)));
    f.push(("Bulletins électroniques reçus".into(), fr(r.board.ballots)));
    b.push(Block::Fields(f));

    b.push(Block::Heading("2. Le bureau".into()));
    let mut f = Vec::new();
    for m in &pv.bureau.members {
        let mut state = Vec::new();
        state.push(if pv.bureau.present.contains(&m.member) {
            "présent"
        } else {
            "absent"
        });
        if pv.bureau.decrypted_by.contains(&m.member) {
            state.push("a déchiffré");
        }
        f.push((
            member_role(m.member),
            format!("{} ({})", m.name, state.join(", ")),
        ));
    }
    f.push((
        "Seuil de déchiffrement".into(),
        format!(
            "le bâtonnier et {} scrutateur(s) sur {}",
            pv.bureau.threshold,
            pv.bureau.members.len().saturating_sub(1)
        ),
    ));
    b.push(Block::Fields(f));
    b.push(Block::Paragraph(
        "Le dépouillement a eu lieu à la clôture du scrutin (décret, art. 28). Les bulletins électroniques ont été additionnés sous forme chiffrée ; seul leur total a été déchiffré, conjointement par le bâtonnier et les scrutateurs indiqués, chacun avec sa part de la clé de l'élection. Aucun bulletin individuel n'a été déchiffré.".into(),
    ));

    b.push(Block::Heading("3. Résultats".into()));
    for c in &r.contests {
        b.push(Block::Subheading(format!("3.{} {}", c.index + 1, c.label)));
        let mut header = vec![
            "Chiffres".to_owned(),
            "Internet".to_owned(),
            "dont procuration".to_owned(),
        ];
        if c.paper.is_some() {
            header.push("Papier".into());
        }
        header.push("Total".into());
        let n = header.len();
        b.push(Block::Table {
            header,
            right: (0..n).map(|k| k > 0).collect(),
            rows: channel_rows(c),
        });
        if c.weight != 1 {
            b.push(Block::Paragraph(format!(
                "Chaque bulletin de ce scrutin porte {} voix (décret, art. 25) : les suffrages ci-dessous sont comptés en bulletins, puis en voix.",
                fr(c.weight)
            )));
        }
        b.push(votes_table(c));
        let mut report = String::new();
        render_result(&mut report, &c.result);
        b.push(Block::Mono(report.lines().map(str::to_owned).collect()));
    }

    b.push(Block::Heading("4. Incidents et dérogations".into()));
    let mut any = false;
    if let Some(c) = r.board.close.as_ref().filter(|c| c.by_decision) {
        any = true;
        b.push(Block::Paragraph(format!(
            "Clôture anticipée du vote par décision de l'ordre, le {} : {}",
            french_time(c.time),
            c.note
        )));
    }
    for i in &r.declarations.incidents {
        any = true;
        b.push(Block::Paragraph(format!(
            "{}{} : {}",
            i.kind.french(),
            i.date
                .map(|d| format!(" ({})", d.french()))
                .unwrap_or_default(),
            i.text
        )));
    }
    if !any {
        b.push(Block::Paragraph("Aucun incident n'a été consigné.".into()));
    }

    b.push(Block::Heading("5. Vérification".into()));
    let mut f = vec![
        (
            "Empreinte de l'élection".to_owned(),
            grouped(&pv.fingerprint),
        ),
        (
            "Dépouillement chiffré".to_owned(),
            format!(
                "événement n° {} : {}",
                pv.archive.tally_height,
                grouped(&pv.archive.tally_event)
            ),
        ),
        (
            "Tête de l'archive (résultat)".to_owned(),
            format!(
                "événement n° {} : {}",
                pv.archive.result_height,
                grouped(&pv.archive.result_event)
            ),
        ),
    ];
    if let Ok(h) = pv.hash() {
        f.push(("Empreinte du procès-verbal".into(), grouped(&h)));
    }
    b.push(Block::Fields(f));
    b.push(Block::Paragraph(
        "Toute personne peut vérifier, à partir de l'archive de l'urne et du fichier pv.json, que chaque bulletin compté a été déposé une seule fois par un électeur inscrit, que le total déchiffré est exact et que les résultats ci-dessus en découlent selon le décret : « urne-verify archive.urne --pv pv.json ». Les empreintes ci-dessus doivent être identiques à celles que ce programme affiche.".into(),
    ));

    b.push(Block::Heading("6. Voies de recours".into()));
    for d in &pv.deadlines {
        b.push(Block::Paragraph(format!(
            "Peut déférer l'élection à {} : {}, dans le délai de {} jours {}. {}",
            d.court, d.who, d.days, d.from, d.rule
        )));
    }

    b.push(Block::Heading("7. Exemplaires et signatures".into()));
    for e in &pv.exemplaires {
        b.push(Block::Paragraph(format!(
            "Exemplaire n° {} : {}.",
            e.number, e.destination
        )));
    }
    b.push(Block::Paragraph(format!(
        "Fait à {}, le {}, en double exemplaire.",
        pv.place,
        pv.date.french()
    )));
    let sigs = pv
        .bureau
        .present
        .iter()
        .map(|&m| (member_role(m), pv.member_name(m)))
        .collect();
    b.push(Block::Signatures(sigs));
    b
}

/// The PV as plain text (one exemplaire, no layout).
pub fn text(pv: &Pv) -> String {
    let mut out = String::new();
    for block in blocks(pv, None) {
        match block {
            Block::Title(t) | Block::Subtitle(t) => {
                out.push_str(&t);
                out.push('\n');
            }
            Block::Heading(t) | Block::Subheading(t) => {
                out.push('\n');
                out.push_str(&t);
                out.push('\n');
            }
            Block::Paragraph(t) => {
                out.push_str(&t);
                out.push('\n');
            }
            Block::Fields(f) => {
                for (k, v) in f {
                    out.push_str(&format!("{k} : {v}\n"));
                }
            }
            Block::Table { header, rows, .. } => {
                out.push_str(&header.join(" | "));
                out.push('\n');
                for r in rows {
                    out.push_str(&r.join(" | "));
                    out.push('\n');
                }
            }
            Block::Mono(lines) => {
                for l in lines {
                    out.push_str(&l);
                    out.push('\n');
                }
            }
            Block::Signatures(s) => {
                for (role, name) in s {
                    out.push_str(&format!("{role} : {name} — signature :\n"));
                }
            }
            Block::PageBreak => out.push('\n'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_time_follows_summer_and_winter_time() {
        // 2026-11-24 07:00 UTC is 08:00 in Paris (winter); 2026-06-01 07:00 UTC is 09:00.
        assert_eq!(french_time(1_795_503_600), "24/11/2026 à 08 h 00");
        assert_eq!(french_time(1_780_297_200), "01/06/2026 à 09 h 00");
    }
}

//! The text rendering of a [`Report`], in French or English: a verdict line, one line per check
//! with its count, the failure with its exact place, the fingerprints to compare with the
//! procès-verbal, the board-derived figures and the decrypted counts.

use super::report::{CheckId, Failure, Lang, Report, Status, Verdict};
use crate::rules::common::fr as thousands;
use std::fmt::Write as _;

fn unit(id: CheckId, lang: Lang) -> &'static str {
    let (fr, en) = match id {
        CheckId::Archive => ("octets lus", "bytes read"),
        CheckId::Chain => ("événements", "events"),
        CheckId::Genesis => ("scrutins", "contests"),
        CheckId::Seal | CheckId::Close | CheckId::SignedHead => ("", ""),
        CheckId::Dkg => ("membres du bureau", "bureau members"),
        CheckId::Credentials => ("identifiants", "credentials"),
        CheckId::Proxies => ("procurations", "proxies"),
        CheckId::Ballots => ("bulletins vérifiés", "ballots verified"),
        CheckId::Tally => ("bulletins additionnés", "ballots added up"),
        CheckId::Decryptions => (
            "déchiffrements partiels vérifiés",
            "partial decryptions verified",
        ),
        CheckId::Combination => ("sommes déchiffrées", "sums decrypted"),
        CheckId::Result => ("scrutins recalculés", "contests recomputed"),
        CheckId::PvSignatures => ("signatures", "signatures"),
        CheckId::Pv => ("signatures vérifiées", "signatures verified"),
        CheckId::Receipts => ("récépissés vérifiés", "receipts verified"),
    };
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// `unit` agreed with `n`: French singular below 2, English singular at 1.
fn agree(unit: &str, n: u64, lang: Lang) -> String {
    let singular = match lang {
        Lang::Fr => n < 2,
        Lang::En => n == 1,
    };
    if !singular {
        return unit.to_string();
    }
    unit.split(' ')
        .map(|w| match w {
            "proxies" => "proxy",
            w => w.strip_suffix('s').unwrap_or(w),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn status_tag(s: Status, lang: Lang) -> &'static str {
    match (s, lang) {
        (Status::Passed, _) => "[ ok ]",
        (Status::Failed, Lang::Fr) => "[ÉCHEC]",
        (Status::Failed, Lang::En) => "[FAIL]",
        (Status::Interrupted, Lang::Fr) => "[ -- ]",
        (Status::Interrupted, Lang::En) => "[ -- ]",
        (Status::NotApplicable, _) => "[ .. ]",
    }
}

fn number(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Fr => thousands(n),
        Lang::En => {
            let s = thousands(n);
            s.replace(' ', ",")
        }
    }
}

/// The colon and the semicolon of `lang` (French puts a space before them).
fn punctuation(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::Fr => (" : ", " ; "),
        Lang::En => (": ", "; "),
    }
}

fn failure_block(out: &mut String, f: &Failure, lang: Lang) {
    let (c, _) = punctuation(lang);
    let l = |fr: &'static str, en: &'static str| if lang == Lang::Fr { fr } else { en };
    let _ = writeln!(
        out,
        "{}{c}{}",
        l("Contrôle en échec", "Failed check"),
        f.check.label(lang)
    );
    let _ = writeln!(out, "  {}{c}{}", l("Règle", "Rule"), f.code);
    let mut place = Vec::new();
    match (f.height, f.event) {
        (Some(h), Some(k)) => place.push(format!(
            "{} {} ({k})",
            l("événement", "event"),
            number(h, lang)
        )),
        (Some(h), None) => place.push(format!("{} {}", l("événement", "event"), number(h, lang))),
        (None, Some(k)) => place.push(k.to_string()),
        (None, None) => {}
    }
    if let Some(o) = f.offset {
        place.push(format!("{} {}", l("octet", "byte"), number(o, lang)));
    }
    if let Some(contest) = f.contest {
        place.push(format!("{} {contest}", l("scrutin", "contest")));
    }
    if let Some(o) = f.option {
        place.push(format!("{} {o}", l("choix", "option")));
    }
    if let Some(m) = f.member {
        place.push(if m == 0 {
            l("bâtonnier", "bâtonnier").to_string()
        } else {
            format!("{} {m}", l("scrutateur", "scrutateur"))
        });
    }
    if !place.is_empty() {
        let _ = writeln!(out, "  {}{c}{}", l("Lieu", "Place"), place.join(", "));
    }
    if let Some(t) = &f.tracker {
        let _ = writeln!(out, "  {}{c}{t}", l("Suivi du bulletin", "Ballot tracker"));
    }
    if let Some(cred) = &f.credential {
        let _ = writeln!(out, "  {}{c}{cred}", l("Identifiant", "Credential"));
    }
    let _ = writeln!(out, "  {}", f.message.get(lang));
    if let Some(e) = &f.expected {
        let _ = writeln!(out, "  {}{c}{e}", l("Attendu", "Expected"));
    }
    if let Some(e) = &f.found {
        let _ = writeln!(out, "  {}{c}{e}", l("Trouvé", "Found"));
    }
}

/// See [`Report::render`].
pub(crate) fn render(r: &Report, lang: Lang, source: &str) -> String {
    let (c, sc) = punctuation(lang);
    let l = |fr: &'static str, en: &'static str| if lang == Lang::Fr { fr } else { en };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {source}",
        l("Vérification de l'archive", "Verification of the archive")
    );
    let verdict = match r.verdict {
        Verdict::Valid => l(
            "VALIDE : tous les contrôles applicables sont satisfaits.",
            "VALID: every applicable check holds.",
        ),
        Verdict::Invalid => l(
            "INVALIDE : un contrôle a échoué (détail ci-dessous).",
            "INVALID: a check failed (details below).",
        ),
        Verdict::Error => l(
            "VÉRIFICATION IMPOSSIBLE : l'archive n'a pas pu être lue.",
            "COULD NOT VERIFY: the archive could not be read.",
        ),
    };
    let _ = writeln!(out, "{}{c}{verdict}", l("Résultat", "Outcome"));
    let _ = writeln!(
        out,
        "{}{c}{}",
        l("Étape de l'élection", "Election stage"),
        r.stage.text(lang)
    );
    if let Some(e) = &r.error {
        let _ = writeln!(out, "\n{}", e.get(lang));
    }

    let _ = writeln!(out, "\n{}", l("Contrôles", "Checks"));
    let width = r
        .checks
        .iter()
        .map(|c| c.id.label(lang).chars().count())
        .max()
        .unwrap_or(0);
    for c in &r.checks {
        let label = c.id.label(lang);
        let pad = " ".repeat(width - label.chars().count());
        let count = match c.count {
            Some(n) if !unit(c.id, lang).is_empty() => {
                format!("{} {}", number(n, lang), agree(unit(c.id, lang), n, lang))
            }
            _ => String::new(),
        };
        let mut line = format!("{} {label}{pad}  {count}", status_tag(c.status, lang));
        if let Some(n) = &c.note {
            if !count.is_empty() {
                line.push_str(sc);
            }
            line.push_str(n.get(lang));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "{}",
        l(
            "  ([ ok ] vérifié, [ÉCHEC] en échec, [ -- ] interrompu par un échec antérieur, [ .. ] sans objet)",
            "  ([ ok ] verified, [FAIL] failed, [ -- ] interrupted by an earlier failure, [ .. ] not applicable)"
        )
    );

    if let Some(f) = &r.failure {
        out.push('\n');
        failure_block(&mut out, f, lang);
    }

    let fp = &r.fingerprints;
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(h) = fp.election {
        rows.push((
            l("Empreinte de l'élection", "Election fingerprint"),
            h.to_hex(),
        ));
    }
    if let (Some(h), Some(head)) = (fp.head_height, fp.head) {
        rows.push((
            l("Tête de l'archive", "Archive head"),
            format!("{} {}, {head}", l("hauteur", "height"), number(h, lang)),
        ));
    }
    if let Some(h) = fp.credential_root {
        rows.push((l("Racine des identifiants", "Credential root"), h.to_hex()));
    }
    if let Some(k) = &fp.election_key {
        rows.push((l("Clé de l'élection", "Election key"), k.clone()));
    }
    if let Some(h) = fp.server_build {
        rows.push((l("Version du serveur", "Server build"), h.to_hex()));
    }
    if let Some(h) = fp.tally_event {
        rows.push((l("Dépouillement chiffré", "Encrypted tally"), h.to_hex()));
    }
    if let Some(h) = fp.result_event {
        rows.push((l("Événement de résultat", "Result event"), h.to_hex()));
    }
    if let Some(h) = fp.pv_hash {
        rows.push((
            l("Empreinte du procès-verbal", "Procès-verbal hash"),
            h.to_hex(),
        ));
    }
    if !rows.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            l(
                "Empreintes à comparer avec le procès-verbal",
                "Fingerprints to compare with the procès-verbal"
            )
        );
        let w = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        for (k, v) in rows {
            let _ = writeln!(out, "  {k}{}  {v}", " ".repeat(w - k.chars().count()));
        }
    }

    if !r.figures.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            l(
                "Chiffres tirés de l'urne, par scrutin",
                "Figures from the ballot box, per contest"
            )
        );
        for f in &r.figures {
            let n = |x: u64| number(x, lang);
            let _ = match lang {
                Lang::Fr => writeln!(
                    out,
                    "  scrutin {} : {} inscrits ({} voix), {} votants en ligne ({} voix) dont {} par procuration",
                    f.contest,
                    n(f.inscrits),
                    n(f.inscrits_weight),
                    n(f.votants),
                    n(f.votants_weight),
                    n(f.proxy_votants),
                ),
                Lang::En => writeln!(
                    out,
                    "  contest {}: {} registered ({} voices), {} online voters ({} voices), {} of them by proxy",
                    f.contest,
                    n(f.inscrits),
                    n(f.inscrits_weight),
                    n(f.votants),
                    n(f.votants_weight),
                    n(f.proxy_votants),
                ),
            };
        }
    }
    if !r.counts.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            l(
                "Décomptes déchiffrés (voix), par scrutin",
                "Decrypted counts (voices), per contest"
            )
        );
        for k in &r.counts {
            let opts: Vec<String> = k
                .options
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{} {i}{c}{}", l("choix", "option"), number(*v, lang)))
                .collect();
            let _ = writeln!(
                out,
                "  {} {}{c}{}{sc}{}{c}{}",
                l("scrutin", "contest"),
                k.contest,
                opts.join(", "),
                l("blancs", "blank"),
                number(k.blank, lang)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_agree_with_their_count_in_each_language() {
        assert_eq!(agree("bulletins vérifiés", 1, Lang::Fr), "bulletin vérifié");
        assert_eq!(agree("bulletins vérifiés", 0, Lang::Fr), "bulletin vérifié");
        assert_eq!(
            agree("bulletins vérifiés", 2, Lang::Fr),
            "bulletins vérifiés"
        );
        assert_eq!(agree("ballots verified", 0, Lang::En), "ballots verified");
        assert_eq!(agree("ballots verified", 1, Lang::En), "ballot verified");
        assert_eq!(agree("proxies", 1, Lang::En), "proxy");
        assert_eq!(agree("membres du bureau", 1, Lang::Fr), "membre du bureau");
    }

    #[test]
    fn numbers_are_grouped_by_thousands_as_each_language_writes_them() {
        assert_eq!(number(12_345, Lang::Fr), "12 345");
        assert_eq!(number(12_345, Lang::En), "12,345");
        assert_eq!(number(999, Lang::En), "999");
    }
}

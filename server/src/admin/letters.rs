//! The letters that carry the personal confidential codes (décret art. 28: « quinze jours au
//! moins avant la date du scrutin, l'ordre porte à la connaissance de chacun de ses membres
//! disposant du droit de vote les modalités pratiques du scrutin et lui adresse un code personnel
//! et confidentiel »): one A4 page per elector, in French, and the same text for the e-mail.
//!
//! Layout (millimetres from the top-left corner), for a sheet folded in three into a DL window
//! envelope (110 × 220 mm, window 45 × 100 mm at 20 mm from the right and 15 mm from the bottom,
//! the French standard): the **address block** at 110 mm from the left and 50 mm from the top,
//! 80 × 35 mm (six lines at most), so that it shows in the window; fold marks at 99 and 198 mm.
//! The **code** is in the lower two thirds, inside the folded sheet, never in the window.

use urne_pdf::{Align, Document, Page, Style};

use crate::error::{Error, Result};
use crate::frtime;

/// What every letter of an election says.
#[derive(Debug, Clone)]
pub struct LetterContext {
    /// Barreau.
    pub barreau: String,
    /// « Élection du bâtonnier (premier tour) et des membres du conseil de l'ordre ».
    pub election_label: String,
    /// The voting page: `{vote_url}/elections/{id}`.
    pub url: String,
    /// Opening (unix seconds).
    pub opening: u64,
    /// Closing (unix seconds).
    pub closing: u64,
    /// Date of the letter (unix seconds).
    pub date: u64,
    /// A scrutin à blanc.
    pub is_test: bool,
    /// The ordre's own practical information.
    pub modalites: String,
    /// Whether procurations are possible (always, art. 26), with the period if limited.
    pub proxies: String,
}

/// One elector's letter.
#[derive(Debug)]
pub struct Letter {
    /// CNBF number.
    pub cnbf: String,
    /// « Maître Hélène Arnaud ».
    pub addressee: String,
    /// The postal address lines (may be empty: the letter is then handed over).
    pub address: Vec<String>,
    /// E-mail, if any.
    pub email: Option<String>,
    /// The code, printed in groups (`V7A2-QN04-…`); zeroized on drop.
    pub code: zeroize::Zeroizing<String>,
    /// The scrutins the elector votes in, one line each (with the voices when more than one).
    pub contests: Vec<String>,
    /// A reissued code (the old one is revoked).
    pub reissue: bool,
}

/// The subject of the e-mail.
pub fn subject(ctx: &LetterContext) -> String {
    format!(
        "{}Barreau de {} — {} : votre code personnel et confidentiel",
        if ctx.is_test {
            "[SCRUTIN À BLANC] "
        } else {
            ""
        },
        ctx.barreau,
        ctx.election_label
    )
}

fn intro(l: &Letter) -> String {
    if l.reissue {
        "À votre demande, l'ordre vous adresse un nouveau code personnel et confidentiel pour le \
         vote par voie électronique. Votre précédent code est révoqué : il ne permet plus de voter."
            .to_owned()
    } else {
        "En application de l'article 28 du décret n° 91-1197 du 27 novembre 1991, l'ordre porte à \
         votre connaissance les modalités pratiques du scrutin et vous adresse votre code \
         personnel et confidentiel pour le vote par voie électronique."
            .to_owned()
    }
}

fn dates(ctx: &LetterContext) -> String {
    format!(
        "Le vote est ouvert du {} au {} (heure de Paris).",
        frtime::date_time(ctx.opening),
        frtime::date_time(ctx.closing)
    )
}

/// The « modalités pratiques », in order.
fn modalites(ctx: &LetterContext) -> Vec<String> {
    let mut v = vec![
        format!(
            "Rendez-vous à l'adresse {} depuis un ordinateur, une tablette ou un téléphone, \
             pendant la période du vote.",
            ctx.url
        ),
        "Saisissez votre numéro CNBF et le code ci-dessus (les tirets sont facultatifs). Votre \
         code ne quitte pas votre appareil : il n'est jamais transmis au serveur, et l'ordre \
         n'en garde aucune copie."
            .to_owned(),
        "Votre bulletin est chiffré dans votre navigateur avant d'être déposé dans l'urne : \
         personne, ni l'ordre ni le serveur, ne peut connaître votre choix. Le vote blanc est \
         possible. Le vote est définitif : un second bulletin n'est pas accepté."
            .to_owned(),
        "Après le vote, conservez le récépissé signé proposé au téléchargement : il permet de \
         vérifier que votre bulletin figure dans l'urne publiée."
            .to_owned(),
        format!(
            "Vous pouvez voter par procuration (décret art. 26) : chaque mandataire ne peut \
             disposer de plus d'une procuration. {}",
            ctx.proxies
        ),
        "Code perdu ou divulgué : contactez l'ordre ; un nouveau code vous sera adressé et \
         l'ancien sera révoqué."
            .to_owned(),
    ];
    if !ctx.modalites.trim().is_empty() {
        v.push(ctx.modalites.trim().to_owned());
    }
    v
}

/// The letter as plain text (the e-mail's body).
pub fn text(ctx: &LetterContext, l: &Letter) -> zeroize::Zeroizing<String> {
    let mut s = String::new();
    if ctx.is_test {
        s.push_str("SCRUTIN À BLANC — ESSAI SANS VALEUR\n\n");
    }
    s.push_str(&format!("{},\n\n{}\n\n", l.addressee, intro(l)));
    s.push_str(&format!("Votre numéro CNBF : {}\n", l.cnbf));
    s.push_str(&format!(
        "Votre code personnel et confidentiel : {}\n\n",
        l.code.as_str()
    ));
    s.push_str(&format!(
        "{}\nAdresse du vote : {}\n\n",
        dates(ctx),
        ctx.url
    ));
    if !l.contests.is_empty() {
        s.push_str("Vous votez pour :\n");
        for c in &l.contests {
            s.push_str(&format!("- {c}\n"));
        }
        s.push('\n');
    }
    s.push_str("Modalités pratiques :\n");
    for (k, m) in modalites(ctx).iter().enumerate() {
        s.push_str(&format!("{}. {m}\n", k + 1));
    }
    s.push_str(&format!(
        "\nCe code est personnel et confidentiel : ne le communiquez à personne, pas même à \
         l'ordre ou à votre mandataire.\n\nL'ordre des avocats du barreau de {}\n",
        ctx.barreau
    ));
    zeroize::Zeroizing::new(s)
}

const LEFT: f32 = 20.0;
const RIGHT: f32 = 190.0;
const BOTTOM: f32 = 285.0;

fn page_of(doc: &Document, ctx: &LetterContext, l: &Letter) -> Page {
    let mut p = doc.page();
    let f = p.fonts().clone();
    if ctx.is_test {
        p.text(
            105.0,
            12.0,
            11.0,
            Style::Bold,
            Align::Center,
            "SCRUTIN À BLANC — ESSAI SANS VALEUR",
        );
    }
    // Sender.
    p.text(
        LEFT,
        22.0,
        11.0,
        Style::Bold,
        Align::Left,
        "ORDRE DES AVOCATS",
    );
    p.text(
        LEFT,
        27.0,
        10.0,
        Style::Regular,
        Align::Left,
        &f.fit(
            Style::Regular,
            10.0,
            80.0,
            &format!("Barreau de {}", ctx.barreau),
        ),
    );
    p.text(
        LEFT,
        32.0,
        9.0,
        Style::Regular,
        Align::Left,
        "Élections ordinales — vote par voie électronique",
    );
    // Fold marks (A4 in three: 99 and 198 mm).
    p.dashed_line(4.0, 99.0, 10.0, 99.0, 0.4);
    p.dashed_line(4.0, 198.0, 10.0, 198.0, 0.4);
    // Address block, window of a DL envelope.
    let mut y = 54.0;
    p.text(
        110.0,
        y,
        10.0,
        Style::Bold,
        Align::Left,
        &f.fit(Style::Bold, 10.0, 80.0, &l.addressee),
    );
    for line in l.address.iter().filter(|s| !s.trim().is_empty()).take(5) {
        y += 4.8;
        p.text(
            110.0,
            y,
            10.0,
            Style::Regular,
            Align::Left,
            &f.fit(Style::Regular, 10.0, 80.0, line.trim()),
        );
    }
    // Date, subject, CNBF.
    p.text(
        RIGHT,
        96.0,
        10.0,
        Style::Regular,
        Align::Right,
        &format!("Le {}", frtime::date(ctx.date)),
    );
    let mut y = p.paragraph(
        LEFT,
        106.0,
        RIGHT - LEFT,
        10.5,
        Style::Bold,
        5.0,
        &format!(
            "Objet : {} — {}",
            ctx.election_label,
            if l.reissue {
                "nouveau code personnel et confidentiel"
            } else {
                "votre code personnel et confidentiel"
            }
        ),
    );
    p.text(
        LEFT,
        y,
        10.0,
        Style::Regular,
        Align::Left,
        &format!("Numéro CNBF : {}", l.cnbf),
    );
    y += 9.0;
    p.text(LEFT, y, 10.0, Style::Regular, Align::Left, "Maître,");
    y += 6.0;
    y = p.paragraph(LEFT, y, RIGHT - LEFT, 10.0, Style::Regular, 4.8, &intro(l));
    // The code, framed.
    y += 2.0;
    let top = y;
    p.rect(LEFT, top, RIGHT - LEFT, 25.0, 0.8);
    p.text(
        LEFT + 5.0,
        top + 7.0,
        10.0,
        Style::Regular,
        Align::Left,
        &format!("Votre numéro CNBF : {}", l.cnbf),
    );
    p.text(
        LEFT + 5.0,
        top + 13.0,
        10.0,
        Style::Regular,
        Align::Left,
        "Votre code personnel et confidentiel :",
    );
    p.text(
        105.0,
        top + 21.0,
        17.0,
        Style::Bold,
        Align::Center,
        l.code.as_str(),
    );
    y = top + 32.0;
    y = p.paragraph(LEFT, y, RIGHT - LEFT, 10.0, Style::Bold, 4.8, &dates(ctx));
    y = p.paragraph(
        LEFT,
        y,
        RIGHT - LEFT,
        10.0,
        Style::Regular,
        4.8,
        &format!("Adresse du vote : {}", ctx.url),
    );
    if !l.contests.is_empty() {
        y += 1.5;
        y = p.paragraph(
            LEFT,
            y,
            RIGHT - LEFT,
            10.0,
            Style::Regular,
            4.8,
            &format!("Vous votez pour : {}.", l.contests.join(" ; ")),
        );
    }
    y += 3.0;
    p.text(
        LEFT,
        y,
        10.0,
        Style::Bold,
        Align::Left,
        "Modalités pratiques",
    );
    y += 5.0;
    let closing_note = "Ce code est personnel et confidentiel : ne le communiquez à personne, \
                        pas même à l'ordre ou à votre mandataire.";
    let reserve = 16.0;
    'outer: for (k, m) in modalites(ctx).iter().enumerate() {
        let lines = f.wrap(Style::Regular, 8.5, RIGHT - LEFT - 6.0, m);
        for (j, line) in lines.iter().enumerate() {
            if y > BOTTOM - reserve {
                p.text(LEFT + 6.0, y, 8.5, Style::Regular, Align::Left, "[…]");
                y += 3.9;
                break 'outer;
            }
            if j == 0 {
                p.text(
                    LEFT,
                    y,
                    8.5,
                    Style::Regular,
                    Align::Left,
                    &format!("{}.", k + 1),
                );
            }
            p.text(LEFT + 6.0, y, 8.5, Style::Regular, Align::Left, line);
            y += 3.9;
        }
        y += 0.8;
    }
    y = y.max(BOTTOM - reserve + 2.0);
    y = p.paragraph(LEFT, y, RIGHT - LEFT, 9.0, Style::Bold, 4.3, closing_note);
    p.text(
        RIGHT,
        y + 2.0,
        9.0,
        Style::Regular,
        Align::Right,
        &f.fit(
            Style::Regular,
            9.0,
            RIGHT - LEFT,
            &format!("L'ordre des avocats du barreau de {}", ctx.barreau),
        ),
    );
    p
}

/// The PDF of `letters`, one A4 page each, in order.
pub fn render(ctx: &LetterContext, letters: &[Letter]) -> Result<Vec<u8>> {
    let title = format!(
        "{}Codes personnels et confidentiels — barreau de {}",
        if ctx.is_test {
            "[Scrutin à blanc] "
        } else {
            ""
        },
        ctx.barreau
    );
    let mut doc = Document::new(&title, frtime::paris(ctx.date).date()).map_err(Error::internal)?;
    for l in letters {
        let page = page_of(&doc, ctx, l);
        doc.add(page).map_err(Error::internal)?;
    }
    doc.finish().map_err(Error::internal)
}

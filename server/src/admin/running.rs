//! Running the vote (issue 5 §8): the vote opens and closes by itself at the sealed times
//! ([`crate::close::spawn_scheduler`]); the ordre may close it earlier by decision, with the
//! reason ([`close`], bâtonnier only: a `Close` event with reason 2 and the note, signed by the
//! ordre key), set the alert banner of the voting pages ([`set_alert`]), lift an elector's login
//! lockout ([`unlock_elector`]), record incidents for the PV ([`record_incident`]), follow the
//! **turnout** — numbers of ballots only, never a partial result: the ballots are encrypted and
//! only their sum is ever decrypted, after the close ([`turnout`]) — and print the **émargement**
//! (who voted, CSV and PDF) for the bureau and for a paper polling station, so that nobody votes
//! twice ([`emargement`]).

use std::collections::HashMap;

use sqlx::Row;
use urne::board::CloseReason;
use urne::model::Cnbf;
use urne_pdf::{Align, Document, Style};

use super::{Admin, Done, Permission, settings};
use crate::chain::now;
use crate::db::{i, u};
use crate::error::{Error, Result};
use crate::setup::{self, parse_rights};

/// Sets (`Some`) or removes (`None`) the alert banner of the voting pages.
pub async fn set_alert(admin: &Admin, election: &str, alert: Option<&str>) -> Result<()> {
    admin
        .require(Permission::Prepare, Some(election), "vote.alerte")
        .await?;
    let r = async {
        let before: Option<String> = sqlx::query("SELECT alert FROM elections WHERE id = $1")
            .bind(election)
            .fetch_optional(admin.db.read())
            .await?
            .ok_or_else(|| Error::NotFound(format!("élection « {election} » inconnue")))?
            .try_get("alert")?;
        setup::set_alert(&admin.db, election, alert).await?;
        let after = alert.map(str::trim).filter(|a| !a.is_empty());
        Ok(Done::new(
            (),
            match after {
                Some(a) => format!("bandeau d'alerte : « {a} »"),
                None => "bandeau d'alerte retiré".into(),
            },
        )
        .change(before, after.map(str::to_owned)))
    }
    .await;
    admin.audited(Some(election), "vote.alerte", r).await
}

/// Closes the vote now by decision of the ordre (incident), with the reason, then appends the
/// encrypted tally.
pub async fn close(admin: &Admin, election: &str, reason: &str) -> Result<crate::close::Closed> {
    admin
        .require(Permission::Approve, Some(election), "vote.cloture")
        .await?;
    let r = async {
        let closed = crate::close::close_election(
            &admin.db,
            &admin.keys,
            &admin.elections,
            election,
            CloseReason::Decision,
            reason.trim(),
        )
        .await?;
        Ok(Done::new(
            closed,
            format!(
                "vote clos par décision de l'ordre (événement Close, hauteur {}) ; motif : {}",
                closed.close,
                reason.trim()
            ),
        ))
    }
    .await;
    admin.audited(Some(election), "vote.cloture", r).await
}

/// Lifts an elector's login lockout.
pub async fn unlock_elector(admin: &Admin, election: &str, cnbf: &Cnbf) -> Result<()> {
    admin
        .require(Permission::Prepare, Some(election), "vote.deverrouillage")
        .await?;
    let r = async {
        setup::unlock_elector(&admin.db, election, cnbf).await?;
        Ok(Done::new(
            (),
            format!("verrouillage de connexion levé pour CNBF {cnbf}"),
        ))
    }
    .await;
    admin
        .audited(Some(election), "vote.deverrouillage", r)
        .await
}

/// Records an incident to carry to the PV (`urne-incidents-1` export).
pub async fn record_incident(admin: &Admin, election: &str, text: &str) -> Result<()> {
    admin
        .require(Permission::Prepare, Some(election), "incident")
        .await?;
    let r = async {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::Refused("incident : le texte est vide".into()));
        }
        setup::definition(&admin.db, election).await?;
        sqlx::query(
            "INSERT INTO incidents (election_id, kind, at, text, recorded_by) \
             VALUES ($1, 'autre', $2, $3, $4)",
        )
        .bind(election)
        .bind(i(now()))
        .bind(text)
        .bind(admin.actor.describe())
        .execute(admin.db.write())
        .await?;
        Ok(Done::new((), format!("incident consigné : {text}")))
    }
    .await;
    admin.audited(Some(election), "incident", r).await
}

/// The turnout of one contest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContestTurnout {
    /// Contest id.
    pub contest: String,
    /// Label.
    pub label: String,
    /// Credentials with a right in it (electors, D2 « inscrits »).
    pub inscrits: u64,
    /// Ballots cast in it.
    pub votants: u64,
}

/// The turnout: numbers of ballots, never their content.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Turnout {
    /// When (unix seconds).
    pub at: u64,
    /// « à venir », « ouvert », « clos ».
    pub state: String,
    /// Ballots in the box.
    pub ballots: u64,
    /// Electors marked as having voted (émargement), in person or by proxy.
    pub electors_voted: u64,
    /// Electors with a right.
    pub electors: u64,
    /// Procurations registered (not cancelled).
    pub proxies: u64,
    /// … used by the mandataire (proxy credential on the board).
    pub proxies_activated: u64,
    /// Ballots cast by proxy.
    pub proxy_votes: u64,
    /// Per contest.
    pub contests: Vec<ContestTurnout>,
}

/// The turnout of `election` now.
pub async fn turnout(admin: &Admin, election: &str) -> Result<Turnout> {
    let def = setup::definition(&admin.db, election).await?;
    let row =
        sqlx::query("SELECT head_height, opening, closing, closed_at FROM elections WHERE id = $1")
            .bind(election)
            .fetch_one(admin.db.read())
            .await?;
    let state = crate::web::api::VoteState::of(
        row.try_get::<Option<i64>, _>("head_height")?.is_some(),
        u(row.try_get("opening")?),
        u(row.try_get("closing")?),
        row.try_get::<Option<i64>, _>("closed_at")?.is_some(),
        now(),
    );
    let mut inscrits: HashMap<u32, u64> = HashMap::new();
    let mut votants: HashMap<u32, u64> = HashMap::new();
    let mut ballots = 0u64;
    let mut proxy_votes = 0u64;
    let creds = sqlx::query(
        "SELECT rights, is_proxy, revoked_height, voted_height FROM credentials \
         WHERE election_id = $1",
    )
    .bind(election)
    .fetch_all(admin.db.read())
    .await?;
    for c in &creds {
        let rights = parse_rights(&c.try_get::<String, _>("rights")?)?;
        let is_proxy = c.try_get::<i64, _>("is_proxy")? != 0;
        let revoked = c.try_get::<Option<i64>, _>("revoked_height")?.is_some();
        let voted = c.try_get::<Option<i64>, _>("voted_height")?.is_some();
        // An elector counts once: the credential in force (not revoked) — or the one that voted.
        if !revoked || voted {
            for r in &rights {
                *inscrits.entry(r.contest).or_default() += 1;
            }
        }
        if voted {
            ballots += 1;
            if is_proxy {
                proxy_votes += 1;
            }
            for r in &rights {
                *votants.entry(r.contest).or_default() += 1;
            }
        }
    }
    let e = sqlx::query(
        "SELECT SUM(CASE WHEN rights <> '[]' THEN 1 ELSE 0 END) AS n, \
         SUM(CASE WHEN voted_at IS NOT NULL THEN 1 ELSE 0 END) AS v \
         FROM electors WHERE election_id = $1",
    )
    .bind(election)
    .fetch_one(admin.db.read())
    .await?;
    let p = sqlx::query(
        "SELECT SUM(CASE WHEN cancelled_at IS NULL THEN 1 ELSE 0 END) AS n, \
         SUM(CASE WHEN cancelled_at IS NULL AND proxy_credential IS NOT NULL THEN 1 ELSE 0 END) \
         AS a FROM procurations WHERE election_id = $1",
    )
    .bind(election)
    .fetch_one(admin.db.read())
    .await?;
    let n = |v: Option<i64>| u(v.unwrap_or(0));
    Ok(Turnout {
        at: now(),
        state: state.label().to_owned(),
        ballots,
        electors_voted: n(e.try_get("v")?),
        electors: n(e.try_get("n")?),
        proxies: n(p.try_get("n")?),
        proxies_activated: n(p.try_get("a")?),
        proxy_votes,
        contests: def
            .contests
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let k = u32::try_from(k).unwrap_or(u32::MAX);
                ContestTurnout {
                    contest: c.id.clone(),
                    label: c.kind.label(),
                    inscrits: inscrits.get(&k).copied().unwrap_or(0),
                    votants: votants.get(&k).copied().unwrap_or(0),
                }
            })
            .collect(),
    })
}

/// One line of the émargement.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EmargementLine {
    /// CNBF.
    pub cnbf: String,
    /// « Nom Prénom ».
    pub name: String,
    /// Voted (unix seconds), in person or by proxy.
    pub voted_at: Option<u64>,
    /// Voted by the mandataire.
    pub by_proxy: bool,
    /// The mandataire, when the elector gave a procuration (CNBF and name).
    pub mandataire: Option<(String, String)>,
    /// The procuration was used by the mandataire (the elector no longer votes himself).
    pub proxy_activated: bool,
    /// The mandant this elector votes for, if mandataire (CNBF and name).
    pub mandant: Option<(String, String)>,
}

impl EmargementLine {
    /// May still vote on paper (has not voted, has not given a procuration already used).
    pub fn may_vote(&self) -> bool {
        self.voted_at.is_none() && !self.proxy_activated
    }

    /// What the bureau reads.
    pub fn status(&self) -> String {
        match (self.voted_at, self.by_proxy, &self.mandataire) {
            (Some(t), true, Some((c, n))) => format!(
                "a voté par procuration (Me {n}, CNBF {c}) le {}",
                crate::frtime::date_time(t)
            ),
            (Some(t), _, _) => format!("a voté par internet le {}", crate::frtime::date_time(t)),
            (None, _, Some((c, n))) if self.proxy_activated => {
                format!("procuration utilisée par Me {n} (CNBF {c}) : ne vote plus")
            }
            (None, _, Some((c, n))) => format!("procuration à Me {n} (CNBF {c})"),
            (None, _, None) => String::new(),
        }
    }
}

/// The émargement of `election`, electors with a right, by name.
pub async fn emargement_lines(admin: &Admin, election: &str) -> Result<Vec<EmargementLine>> {
    let rows = sqlx::query(
        "SELECT e.cnbf, e.display_name, e.voted_at, e.voted_by_proxy, \
         p.mandataire, m.display_name AS mandataire_name, p.proxy_credential, \
         q.mandant, n.display_name AS mandant_name \
         FROM electors e \
         LEFT JOIN procurations p ON p.election_id = e.election_id AND p.mandant = e.cnbf \
              AND p.cancelled_at IS NULL \
         LEFT JOIN electors m ON m.election_id = e.election_id AND m.cnbf = p.mandataire \
         LEFT JOIN procurations q ON q.election_id = e.election_id AND q.mandataire = e.cnbf \
              AND q.cancelled_at IS NULL \
         LEFT JOIN electors n ON n.election_id = e.election_id AND n.cnbf = q.mandant \
         WHERE e.election_id = $1 AND e.rights <> '[]'",
    )
    .bind(election)
    .fetch_all(admin.db.read())
    .await?;
    let mut lines: Vec<(String, EmargementLine)> = rows
        .iter()
        .map(|r| {
            let name: String = r.try_get("display_name")?;
            let mandataire = match r.try_get::<Option<String>, _>("mandataire")? {
                Some(c) => Some((
                    c,
                    r.try_get::<Option<String>, _>("mandataire_name")?
                        .unwrap_or_default(),
                )),
                None => None,
            };
            let mandant = match r.try_get::<Option<String>, _>("mandant")? {
                Some(c) => Some((
                    c,
                    r.try_get::<Option<String>, _>("mandant_name")?
                        .unwrap_or_default(),
                )),
                None => None,
            };
            Ok((
                urne::model::collation::fold(&name),
                EmargementLine {
                    cnbf: r.try_get("cnbf")?,
                    name,
                    voted_at: r.try_get::<Option<i64>, _>("voted_at")?.map(u),
                    by_proxy: r.try_get::<i64, _>("voted_by_proxy")? != 0,
                    mandataire,
                    proxy_activated: r
                        .try_get::<Option<Vec<u8>>, _>("proxy_credential")?
                        .is_some(),
                    mandant,
                },
            ))
        })
        .collect::<Result<_>>()?;
    lines.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cnbf.cmp(&b.1.cnbf)));
    Ok(lines.into_iter().map(|(_, l)| l).collect())
}

/// The émargement as CSV (UTF-8 with BOM, `;`).
pub fn emargement_csv(lines: &[EmargementLine]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let e = |e: csv::Error| Error::internal(e);
    w.write_record([
        "numéro CNBF",
        "nom et prénom",
        "a voté",
        "date et heure du vote",
        "mode",
        "procuration donnée à",
        "mandataire de",
        "peut voter au bureau papier",
        "émargement",
    ])
    .map_err(e)?;
    for l in lines {
        w.write_record([
            l.cnbf.clone(),
            l.name.clone(),
            if l.voted_at.is_some() { "oui" } else { "non" }.to_owned(),
            l.voted_at.map(crate::frtime::date_time).unwrap_or_default(),
            match (l.voted_at, l.by_proxy) {
                (Some(_), true) => "procuration",
                (Some(_), false) => "internet",
                (None, _) => "",
            }
            .to_owned(),
            l.mandataire
                .as_ref()
                .map(|(c, n)| format!("{n} (CNBF {c})"))
                .unwrap_or_default(),
            l.mandant
                .as_ref()
                .map(|(c, n)| format!("{n} (CNBF {c})"))
                .unwrap_or_default(),
            if l.may_vote() { "oui" } else { "non" }.to_owned(),
            String::new(),
        ])
        .map_err(e)?;
    }
    w.into_inner().map_err(|e| Error::internal(e.to_string()))
}

/// The émargement as a PDF: A4, one line per elector, a signature column for a paper polling
/// station, « ne peut plus voter » where the elector voted online or through a mandataire.
pub fn emargement_pdf(
    barreau: &str,
    label: &str,
    is_test: bool,
    lines: &[EmargementLine],
) -> Result<Vec<u8>> {
    const PER_PAGE: usize = 28;
    let mut doc = Document::new(
        &format!("Liste d'émargement — barreau de {barreau}"),
        crate::frtime::paris(now()).date(),
    )
    .map_err(Error::internal)?;
    let pages = lines.len().div_ceil(PER_PAGE).max(1);
    let voted = lines.iter().filter(|l| l.voted_at.is_some()).count();
    let at = crate::frtime::date_time(now());
    for (k, chunk) in lines
        .chunks(PER_PAGE)
        .chain(std::iter::once(&[][..]).take(usize::from(lines.is_empty())))
        .enumerate()
    {
        let mut p = doc.page();
        let f = p.fonts().clone();
        if is_test {
            p.text(
                105.0,
                10.0,
                10.0,
                Style::Bold,
                Align::Center,
                "SCRUTIN À BLANC — ESSAI",
            );
        }
        p.text(
            15.0,
            17.0,
            12.0,
            Style::Bold,
            Align::Left,
            "Liste d'émargement",
        );
        p.text(
            15.0,
            23.0,
            9.5,
            Style::Regular,
            Align::Left,
            &f.fit(
                Style::Regular,
                9.5,
                180.0,
                &format!("Barreau de {barreau} — {label}"),
            ),
        );
        p.text(
            15.0,
            28.0,
            8.5,
            Style::Regular,
            Align::Left,
            &format!(
                "Arrêtée le {at} : {voted} électeur(s) ayant voté sur {}",
                lines.len()
            ),
        );
        p.text(
            195.0,
            17.0,
            9.0,
            Style::Regular,
            Align::Right,
            &format!("page {}/{pages}", k + 1),
        );
        let cols = [15.0, 33.0, 88.0, 155.0, 195.0];
        let mut y = 34.0;
        p.line(15.0, y, 195.0, y, 0.6);
        for (x, h) in cols.iter().zip([
            "CNBF",
            "Nom et prénom",
            "Vote électronique / procuration",
            "Émargement",
        ]) {
            p.text(x + 1.0, y + 4.5, 8.5, Style::Bold, Align::Left, h);
        }
        y += 6.5;
        p.line(15.0, y, 195.0, y, 0.6);
        for l in chunk {
            let row_h = 8.6;
            p.text(
                cols[0] + 1.0,
                y + 5.5,
                8.5,
                Style::Regular,
                Align::Left,
                &l.cnbf,
            );
            p.text(
                cols[1] + 1.0,
                y + 5.5,
                8.5,
                Style::Regular,
                Align::Left,
                &f.fit(Style::Regular, 8.5, cols[2] - cols[1] - 2.0, &l.name),
            );
            let status = l.status();
            let status_lines = f.wrap(Style::Regular, 7.0, cols[3] - cols[2] - 2.0, &status);
            for (j, s) in status_lines.iter().take(2).enumerate() {
                p.text(
                    cols[2] + 1.0,
                    y + 3.6 + 3.2 * j as f32,
                    7.0,
                    Style::Regular,
                    Align::Left,
                    s,
                );
            }
            if !l.may_vote() {
                p.text(
                    cols[3] + 1.0,
                    y + 5.5,
                    8.0,
                    Style::Bold,
                    Align::Left,
                    "ne peut plus voter",
                );
            }
            y += row_h;
            p.line(15.0, y, 195.0, y, 0.3);
        }
        for x in cols {
            p.line(x, 34.0, x, y, 0.3);
        }
        doc.add(p).map_err(Error::internal)?;
    }
    doc.finish().map_err(Error::internal)
}

/// The émargement export, audited (it lists who voted).
pub async fn emargement(admin: &Admin, election: &str, pdf: bool) -> Result<Vec<u8>> {
    admin
        .require(Permission::Prepare, Some(election), "emargement.export")
        .await?;
    let r = async {
        let lines = emargement_lines(admin, election).await?;
        let def = setup::definition(&admin.db, election).await?;
        let s = settings::get(&admin.db, election).await?;
        let n = lines.len();
        let bytes = if pdf {
            let label = super::codes::election_label(&def);
            let barreau = def.barreau.clone();
            tokio::task::spawn_blocking(move || emargement_pdf(&barreau, &label, s.is_test, &lines))
                .await
                .map_err(Error::internal)??
        } else {
            emargement_csv(&lines)?
        };
        Ok(Done::new(
            bytes,
            format!(
                "liste d'émargement exportée ({}, {n} électeur(s))",
                if pdf { "PDF" } else { "CSV" }
            ),
        ))
    }
    .await;
    admin.audited(Some(election), "emargement.export", r).await
}

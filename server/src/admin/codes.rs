//! Codes (issue 5 §5; décret art. 28): issuance with the letters (PDF) and, optionally, the
//! e-mails; the 15-day rule; the reissue of a lost code.
//!
//! - **Issuance** ([`issue`]) calls the set-up's [`setup::issue_codes`] (one code per elector with
//!   a right; the server keeps only the credential public key and the login token's hash), builds
//!   the letters at once and drops the codes: they exist only in the returned PDF and in the
//!   e-mails. The issuance date is recorded (`elections.codes_issued_at`).
//! - **The 15-day rule** (« quinze jours au moins avant la date du scrutin, l'ordre […] lui adresse
//!   un code personnel et confidentiel »): counted in calendar days, Paris time, from the date of
//!   issuance to the date of the opening. A genesis whose opening comes sooner is refused
//!   ([`check_notice`], called when the genesis is built and when it is sealed) unless the
//!   bâtonnier records a dérogation with its written reason ([`override_15_days`]): it goes to
//!   the audit log and to the incidents the PV prints (`super::declarations`).
//! - **Reissue** ([`reissue`]) of a lost code: before the seal, the elector's credential is simply
//!   replaced; after it, a `CredentialReissue` event signed by the ordre key revokes the old
//!   credential on the ballot box and creates the new one with the same rights (docs/protocol.md
//!   §CredentialReissue). Refused for an elector who has voted (a vote is final) or whose
//!   credential a procuration revoked.

use sqlx::Row;
use urne::board::{CredentialReissue, Payload, PublicKey};
use urne::crypto::code::VoterCode;
use urne::crypto::credential::Credential;
use urne::model::{Cnbf, Election};
use zeroize::Zeroizing;

use super::letters::{Letter, LetterContext};
use super::mail::{MailReport, Outgoing};
use super::settings::{self, EarlyOpening};
use super::{Admin, Done, Permission, definition};
use crate::chain::{self, now};
use crate::db::{Db, i, u};
use crate::error::{Error, Result};
use crate::setup::{self, StoredRight, parse_rights};

/// The notice the décret requires, in days.
pub const NOTICE_DAYS: i64 = 15;

/// The calendar days (Paris) from the date of `issued` to the date of `opening`.
pub fn notice_days(issued: u64, opening: u64) -> i64 {
    let a = crate::frtime::paris(issued).date();
    let b = crate::frtime::paris(opening).date();
    (b - a).whole_days()
}

/// The 15-day rule for an election whose codes were issued.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Notice {
    /// Issuance (unix seconds).
    pub issued: u64,
    /// Opening (unix seconds).
    pub opening: u64,
    /// Calendar days between them.
    pub days: i64,
    /// At least 15.
    pub respected: bool,
    /// The dérogation, if decided.
    pub early_opening: Option<EarlyOpening>,
}

impl Notice {
    /// The refusal when the rule is not respected (and no dérogation).
    pub fn refusal(&self) -> String {
        let earliest = crate::frtime::paris(self.issued).date() + time::Duration::days(NOTICE_DAYS);
        format!(
            "délai de quinze jours non respecté : les codes ont été émis le {} et le vote ouvre \
             le {}, soit {} jour(s) plus tard ; le décret (art. 28) veut que l'ordre adresse le \
             code « quinze jours au moins avant la date du scrutin ». Reportez l'ouverture au {} \
             au plus tôt, ou faites décider par le bâtonnier une dérogation motivée, qui sera \
             consignée au procès-verbal.",
            crate::frtime::date(self.issued),
            crate::frtime::date(self.opening),
            self.days,
            french_date(earliest)
        )
    }
}

fn french_date(d: time::Date) -> String {
    let noon = d
        .with_hms(12, 0, 0)
        .map(|t| t.assume_utc().unix_timestamp())
        .unwrap_or(0);
    crate::frtime::date(u64::try_from(noon).unwrap_or(0))
}

/// The rule as it stands, `None` before issuance.
pub async fn notice(db: &Db, election: &str) -> Result<Option<Notice>> {
    let row = sqlx::query("SELECT codes_issued_at, opening FROM elections WHERE id = $1")
        .bind(election)
        .fetch_optional(db.read())
        .await?
        .ok_or_else(|| Error::NotFound(format!("élection « {election} » inconnue")))?;
    let Some(issued) = row.try_get::<Option<i64>, _>("codes_issued_at")?.map(u) else {
        return Ok(None);
    };
    let opening = u(row.try_get("opening")?);
    let days = notice_days(issued, opening);
    Ok(Some(Notice {
        issued,
        opening,
        days,
        respected: days >= NOTICE_DAYS,
        early_opening: settings::get(db, election).await?.early_opening,
    }))
}

/// Refuses a genesis whose opening is less than 15 days after the issuance, unless a dérogation
/// was recorded.
pub async fn check_notice(db: &Db, election: &str) -> Result<()> {
    if let Some(n) = notice(db, election).await?
        && !n.respected
        && n.early_opening.is_none()
    {
        return Err(Error::Refused(n.refusal()));
    }
    Ok(())
}

/// The bâtonnier's dérogation to the 15-day rule, with its written reason (before the seal).
pub async fn override_15_days(admin: &Admin, election: &str, reason: &str) -> Result<()> {
    admin
        .require(
            Permission::Approve,
            Some(election),
            "derogation.quinze_jours",
        )
        .await?;
    let r = async {
        setup::ensure_unsealed(&admin.db, election).await?;
        let reason = reason.trim();
        if reason.chars().count() < 10 {
            return Err(Error::Refused(
                "la dérogation au délai de quinze jours doit être motivée par écrit (10 \
                 caractères au moins)"
                    .into(),
            ));
        }
        let n = notice(&admin.db, election).await?.ok_or_else(|| {
            Error::Refused("les codes n'ont pas encore été émis : aucun délai à déroger".into())
        })?;
        let e = EarlyOpening {
            reason: reason.to_owned(),
            by: admin.actor.describe(),
            at: now(),
        };
        settings::set_early_opening(&admin.db, election, &e).await?;
        Ok(Done::new(
            (),
            format!(
                "dérogation au délai de quinze jours décidée par {} : codes émis le {}, ouverture \
                 le {} ({} jour(s)) ; motif : {reason}",
                e.by,
                crate::frtime::date(n.issued),
                crate::frtime::date(n.opening),
                n.days
            ),
        ))
    }
    .await;
    admin
        .audited(Some(election), "derogation.quinze_jours", r)
        .await
}

/// How to send the codes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Delivery {
    /// Also e-mail each elector who has an address (with the server's mail settings).
    pub email: bool,
}

/// What an issuance (or a reissue) produced. The PDF holds the codes: print it, then delete it.
#[derive(Debug)]
pub struct Issued {
    /// The letters, one A4 page per elector.
    pub pdf: Vec<u8>,
    /// Codes issued.
    pub count: usize,
    /// The e-mails, if asked.
    pub mail: Option<MailReport>,
    /// Electors without e-mail address (letter only).
    pub without_email: usize,
    /// The 15-day rule as it stands (a warning when not respected).
    pub notice: Option<Notice>,
}

/// « élection du bâtonnier et des membres du conseil de l'ordre (premier tour) ».
pub fn election_label(def: &Election) -> String {
    use urne::model::ContestKind as K;
    let mut parts: Vec<String> = Vec::new();
    let mut round = None;
    for c in &def.contests {
        let p = match c.kind {
            K::Batonnier { round: r } => {
                round = Some(r);
                "du bâtonnier".to_owned()
            }
            K::ConseilDeLOrdre { round: r, .. } => {
                round = Some(r);
                "des membres du conseil de l'ordre".to_owned()
            }
            K::CnbOrdinal { .. } | K::CnbGeneral { .. } => {
                "des membres du Conseil national des barreaux".to_owned()
            }
        };
        if !parts.contains(&p) {
            parts.push(p);
        }
    }
    let joined = match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        n => format!("{} et {}", parts[..n - 1].join(", "), parts[n - 1]),
    };
    match round {
        Some(r) => format!("élection {joined} ({r})"),
        None => format!("élection {joined}"),
    }
}

fn contest_lines(def: &Election, rights: &[StoredRight]) -> Vec<String> {
    rights
        .iter()
        .filter_map(|r| {
            def.contests.get(r.contest as usize).map(|c| {
                if r.weight > 1 {
                    format!("{} (bulletin de {} voix)", c.kind.label(), r.weight)
                } else {
                    c.kind.label()
                }
            })
        })
        .collect()
}

async fn letter_context(admin: &Admin, election: &str, def: &Election) -> Result<LetterContext> {
    let s = settings::get(&admin.db, election).await?;
    let base = if s.vote_url.is_empty() {
        admin.config.public_url.trim_end_matches('/').to_owned()
    } else {
        s.vote_url.clone()
    };
    let opening = u64::try_from(def.opening.unix_timestamp()).unwrap_or(0);
    let closing = u64::try_from(def.closing.unix_timestamp()).unwrap_or(0);
    let proxies = match (s.proxies_from, s.proxies_until) {
        (None, None) => "Adressez à l'ordre le formulaire de procuration signé.".to_owned(),
        (Some(f), None) => format!(
            "Les procurations sont reçues par l'ordre à partir du {}.",
            crate::frtime::date_time(f)
        ),
        (None, Some(t)) => format!(
            "Les procurations sont reçues par l'ordre jusqu'au {}.",
            crate::frtime::date_time(t)
        ),
        (Some(f), Some(t)) => format!(
            "Les procurations sont reçues par l'ordre du {} au {}.",
            crate::frtime::date_time(f),
            crate::frtime::date_time(t)
        ),
    };
    Ok(LetterContext {
        barreau: def.barreau.clone(),
        election_label: election_label(def),
        url: format!("{base}/elections/{election}"),
        opening,
        closing,
        date: now(),
        is_test: s.is_test,
        modalites: s.modalites,
        proxies,
    })
}

struct Addressee {
    addressee: String,
    address: Vec<String>,
    email: Option<String>,
    sort: String,
}

fn addressee(roll: &urne::model::Roll, cnbf: &Cnbf, fallback: &str) -> Addressee {
    match roll.get(cnbf) {
        Some(e) => Addressee {
            addressee: format!("Maître {} {}", e.prenom.trim(), e.nom.trim()),
            address: e
                .postal_address
                .as_deref()
                .unwrap_or("")
                .lines()
                .map(str::to_owned)
                .collect(),
            email: e.email.clone().filter(|m| !m.trim().is_empty()),
            sort: urne::model::collation::fold(&format!("{} {}", e.nom, e.prenom)),
        },
        None => Addressee {
            addressee: format!("Maître {fallback}"),
            address: vec![],
            email: None,
            sort: fallback.to_lowercase(),
        },
    }
}

async fn rights_of(
    db: &Db,
    election: &str,
) -> Result<std::collections::HashMap<String, Vec<StoredRight>>> {
    let rows = sqlx::query("SELECT cnbf, rights FROM electors WHERE election_id = $1")
        .bind(election)
        .fetch_all(db.read())
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>("cnbf")?,
                parse_rights(&r.try_get::<String, _>("rights")?)?,
            ))
        })
        .collect()
}

async fn deliver(
    admin: &Admin,
    ctx: LetterContext,
    letters: Vec<Letter>,
    delivery: Delivery,
) -> Result<(Vec<u8>, Option<MailReport>, usize)> {
    let without_email = letters.iter().filter(|l| l.email.is_none()).count();
    let outgoing: Vec<Outgoing> = if delivery.email {
        letters
            .iter()
            .filter_map(|l| {
                l.email.as_ref().map(|to| Outgoing {
                    cnbf: l.cnbf.clone(),
                    to: to.clone(),
                    subject: super::letters::subject(&ctx),
                    body: super::letters::text(&ctx, l),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let mail = if delivery.email {
        let config = admin.config.mail.as_ref().ok_or_else(|| {
            Error::Refused(
                "l'envoi par courriel n'est pas configuré (--smtp-url ou --mail-dry-run, et \
                 --mail-from)"
                    .into(),
            )
        })?;
        Some(super::mail::send_all(config, outgoing).await?)
    } else {
        None
    };
    // 35 000 pages of PDF are CPU work: off the async threads.
    let pdf = tokio::task::spawn_blocking(move || super::letters::render(&ctx, &letters))
        .await
        .map_err(Error::internal)??;
    Ok((pdf, mail, without_email))
}

/// Issues the codes of every elector with a right (replacing an earlier issuance, before the
/// seal), and returns the letters. The codes are nowhere else.
pub async fn issue(admin: &Admin, election: &str, delivery: Delivery) -> Result<Issued> {
    admin
        .require(Permission::Prepare, Some(election), "codes.emission")
        .await?;
    let r = async {
        setup::ensure_unsealed(&admin.db, election).await?;
        if delivery.email && admin.config.mail.is_none() {
            return Err(Error::Refused(
                "l'envoi par courriel n'est pas configuré (--smtp-url ou --mail-dry-run, et \
                 --mail-from)"
                    .into(),
            ));
        }
        let pending = sqlx::query("SELECT 1 AS x FROM pending_rolls WHERE election_id = $1")
            .bind(election)
            .fetch_optional(admin.db.read())
            .await?;
        if pending.is_some() {
            return Err(Error::Refused(
                "une nouvelle liste électorale attend confirmation : confirmez-la ou abandonnez-la \
                 avant d'émettre les codes"
                    .into(),
            ));
        }
        let def = setup::definition(&admin.db, election).await?;
        let roll = setup::roll(&admin.db, election).await?;
        let before = definition::codes_issued_at(&admin.db, election).await?;
        let codes = setup::issue_codes(&admin.db, election).await?;
        let rights = rights_of(&admin.db, election).await?;
        let ctx = letter_context(admin, election, &def).await?;
        let mut letters: Vec<(String, Letter)> = codes
            .into_iter()
            .map(|c| {
                let a = addressee(&roll, &c.cnbf, &c.display_name);
                let cnbf = c.cnbf.to_string();
                let contests = contest_lines(&def, rights.get(&cnbf).map_or(&[][..], |v| v));
                (
                    a.sort,
                    Letter {
                        cnbf,
                        addressee: a.addressee,
                        address: a.address,
                        email: a.email,
                        code: Zeroizing::new(c.code.to_printed()),
                        contests,
                        reissue: false,
                    },
                )
            })
            .collect();
        letters.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cnbf.cmp(&b.1.cnbf)));
        let letters: Vec<Letter> = letters.into_iter().map(|(_, l)| l).collect();
        let count = letters.len();
        let (pdf, mail, without_email) = deliver(admin, ctx, letters, delivery).await?;
        let n = notice(&admin.db, election).await?;
        let mut summary = format!(
            "codes émis pour {count} électeur(s) : lettres PDF ({count} page(s)){}",
            match &mail {
                Some(m) => format!(
                    ", courriels {} envoyé(s), {} refusé(s){}",
                    m.sent,
                    m.failed.len(),
                    m.dry_run
                        .as_deref()
                        .map(|d| format!(" (essai à blanc dans {d})"))
                        .unwrap_or_default()
                ),
                None => String::new(),
            }
        );
        if let Some(n) = &n
            && !n.respected
        {
            summary.push_str(&format!(
                " ; attention : le vote ouvre {} jour(s) après l'émission (quinze au moins, décret \
                 art. 28)",
                n.days
            ));
        }
        Ok(Done::new(
            Issued {
                pdf,
                count,
                mail,
                without_email,
                notice: n,
            },
            summary,
        )
        .change(
            before.map(|t| format!("codes émis le {}", crate::frtime::date_time(t))),
            Some(format!("codes émis le {}", crate::frtime::date_time(now()))),
        ))
    }
    .await;
    admin.audited(Some(election), "codes.emission", r).await
}

/// Issues a new code to elector `cnbf` (lost or disclosed code), revoking the old one.
pub async fn reissue(
    admin: &Admin,
    election: &str,
    cnbf: &Cnbf,
    delivery: Delivery,
) -> Result<Issued> {
    admin
        .require(Permission::Prepare, Some(election), "codes.reemission")
        .await?;
    let r = async {
        let def = setup::definition(&admin.db, election).await?;
        let roll = setup::roll(&admin.db, election).await?;
        let row = sqlx::query(
            "SELECT display_name, rights, credential, voted_at FROM electors \
             WHERE election_id = $1 AND cnbf = $2",
        )
        .bind(election)
        .bind(cnbf.as_str())
        .fetch_optional(admin.db.read())
        .await?
        .ok_or_else(|| Error::Refused(format!("CNBF {cnbf} absent de la liste électorale")))?;
        let old: Option<Vec<u8>> = row.try_get("credential")?;
        let old = old.ok_or_else(|| {
            Error::Refused(format!(
                "CNBF {cnbf} : aucun code n'a été émis pour cet électeur (pas de droit de vote, ou \
                 codes non encore émis)"
            ))
        })?;
        let old = PublicKey(chain::hash32(&old, "identifiant")?.0);
        if row.try_get::<Option<i64>, _>("voted_at")?.is_some() {
            return Err(Error::Refused(format!(
                "CNBF {cnbf} : cet électeur a déjà voté ; le vote est définitif, aucun nouveau code \
                 n'est émis"
            )));
        }
        let rights = parse_rights(&row.try_get::<String, _>("rights")?)?;
        let display: String = row.try_get("display_name")?;
        let campaign = def.campaign_id.clone();
        let code = VoterCode::generate(&mut rand::rng());
        let (code, cred) = tokio::task::spawn_blocking(move || {
            Credential::derive(&code, &campaign).map(|c| (code, c))
        })
        .await
        .map_err(Error::internal)?
        .map_err(Error::internal)?;
        let new = PublicKey(cred.public_key().0);
        let token = cred.login_token().server_hash();
        let t = now();
        let sealed = admin.elections.sealed(&admin.db, election).await?;
        let height = match sealed {
            None => {
                setup::ensure_unsealed(&admin.db, election).await?;
                let mut tx = admin.db.write().begin().await?;
                sqlx::query(
                    "UPDATE electors SET credential = $1, token_hash = $2, code_issued_at = $3, \
                     code_reissues = code_reissues + 1, failed_logins = 0, locked_until = NULL \
                     WHERE election_id = $4 AND cnbf = $5",
                )
                .bind(new.0.as_slice())
                .bind(token.0.as_slice())
                .bind(i(t))
                .bind(election)
                .bind(cnbf.as_str())
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE elections SET genesis = NULL WHERE id = $1")
                    .bind(election)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                None
            }
            Some(sealed) => {
                let mut tx = admin.db.write().begin().await?;
                let mut head = chain::lock_head(&mut tx, &admin.db, election).await?;
                if head.closed_at.is_some() || t >= head.closing {
                    return Err(Error::Refused(
                        "le vote est clos : aucun nouveau code n'est émis".into(),
                    ));
                }
                let state = sqlx::query(
                    "SELECT revoked_height, voted_height FROM credentials \
                     WHERE election_id = $1 AND public_key = $2",
                )
                .bind(election)
                .bind(old.0.as_slice())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| Error::internal("identifiant absent de l'urne"))?;
                if state.try_get::<Option<i64>, _>("voted_height")?.is_some() {
                    return Err(Error::Refused(format!(
                        "CNBF {cnbf} : cet électeur a déjà voté ; le vote est définitif, aucun \
                         nouveau code n'est émis"
                    )));
                }
                if state.try_get::<Option<i64>, _>("revoked_height")?.is_some() {
                    return Err(Error::Refused(format!(
                        "CNBF {cnbf} : l'identifiant de cet électeur est révoqué (procuration \
                         activée par son mandataire) : il ne vote plus lui-même"
                    )));
                }
                let payload = CredentialReissue::sign(&sealed.fingerprint, old, new, &admin.keys.ordre);
                let stored = chain::append(
                    &mut tx,
                    election,
                    &mut head.chain,
                    Payload::CredentialReissue(payload),
                )
                .await?;
                sqlx::query(
                    "UPDATE credentials SET revoked_height = $1 WHERE election_id = $2 \
                     AND public_key = $3",
                )
                .bind(i(stored.height))
                .bind(election)
                .bind(old.0.as_slice())
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO credentials (election_id, public_key, rights, is_proxy) \
                     VALUES ($1, $2, $3, 0)",
                )
                .bind(election)
                .bind(new.0.as_slice())
                .bind(setup::rights_json(&rights)?)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE electors SET credential = $1, token_hash = $2, code_issued_at = $3, \
                     code_reissues = code_reissues + 1, failed_logins = 0, locked_until = NULL \
                     WHERE election_id = $4 AND cnbf = $5",
                )
                .bind(new.0.as_slice())
                .bind(token.0.as_slice())
                .bind(i(t))
                .bind(election)
                .bind(cnbf.as_str())
                .execute(&mut *tx)
                .await?;
                // Whoever logged in with the old code is logged out.
                sqlx::query("DELETE FROM sessions WHERE election_id = $1 AND cnbf = $2")
                    .bind(election)
                    .bind(cnbf.as_str())
                    .execute(&mut *tx)
                    .await?;
                chain::set_head(&mut tx, election, &head.chain, &admin.keys.server).await?;
                tx.commit().await?;
                Some(stored.height)
            }
        };
        let a = addressee(&roll, cnbf, &display);
        let letter = Letter {
            cnbf: cnbf.to_string(),
            addressee: a.addressee,
            address: a.address,
            email: a.email,
            code: Zeroizing::new(code.to_printed()),
            contests: contest_lines(&def, &rights),
            reissue: true,
        };
        drop(code);
        let ctx = letter_context(admin, election, &def).await?;
        let (pdf, mail, without_email) = deliver(admin, ctx, vec![letter], delivery).await?;
        Ok(Done::new(
            Issued {
                pdf,
                count: 1,
                mail,
                without_email,
                notice: None,
            },
            match height {
                Some(h) => format!(
                    "nouveau code émis pour CNBF {cnbf} ; ancien identifiant révoqué dans l'urne \
                     (événement CredentialReissue, hauteur {h})"
                ),
                None => format!(
                    "nouveau code émis pour CNBF {cnbf} avant le scellement (l'ancien ne vaut plus)"
                ),
            },
        )
        .change(Some(format!("identifiant {old}")), Some(format!("identifiant {new}"))))
    }
    .await;
    admin.audited(Some(election), "codes.reemission", r).await
}

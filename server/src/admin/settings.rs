//! What the administration keeps about an election beside its definition (table
//! `election_admin`): whether it is a test election (scrutin à blanc), the voting address and the
//! « modalités pratiques » printed on the letters (art. 28), the place of the PV, the period in
//! which procurations are registered, and the override of the 15-day rule.

use sqlx::Row;

use super::{Admin, Done, Permission};
use crate::db::{Db, i, u};
use crate::error::{Error, Result};

/// The settings of one election.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Settings {
    /// Election id.
    pub election: String,
    /// A scrutin à blanc: may be discarded at any time, printed « SCRUTIN À BLANC ».
    pub is_test: bool,
    /// For a test election, the election it rehearses.
    pub test_of: Option<String>,
    /// Where electors vote (the server's public URL); the letters print
    /// `{vote_url}/elections/{id}`.
    pub vote_url: String,
    /// The ordre's own practical information (contact, paper polling station…), printed on the
    /// letters after Urne's.
    pub modalites: String,
    /// Where the PV is drawn up (« Fait à … »).
    pub place: String,
    /// Procurations are registered from (unix seconds; `None`: any time before).
    pub proxies_from: Option<u64>,
    /// … until (exclusive; `None`: until the close of the vote).
    pub proxies_until: Option<u64>,
    /// The override of the 15-day rule, if decided.
    pub early_opening: Option<EarlyOpening>,
}

/// The recorded decision to open the vote less than 15 days after the codes were sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EarlyOpening {
    /// The written reason.
    pub reason: String,
    /// Who decided (« Me X (bâtonnier) »).
    pub by: String,
    /// When (unix seconds).
    pub at: u64,
}

/// Creates the settings row of a new election.
pub(crate) async fn create(
    conn: &mut sqlx::AnyConnection,
    election: &str,
    vote_url: &str,
    test_of: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO election_admin (election_id, is_test, test_of, vote_url) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(election)
    .bind(i64::from(test_of.is_some()))
    .bind(test_of)
    .bind(vote_url.trim_end_matches('/'))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The settings of `election`.
pub async fn get(db: &Db, election: &str) -> Result<Settings> {
    let row = sqlx::query(
        "SELECT is_test, test_of, vote_url, modalites, place, proxies_from, proxies_until, \
         early_opening_reason, early_opening_by, early_opening_at \
         FROM election_admin WHERE election_id = $1",
    )
    .bind(election)
    .fetch_optional(db.read())
    .await?;
    let Some(r) = row else {
        // An election created by the set-up API alone (tests, demo): default settings.
        let exists = sqlx::query("SELECT 1 AS x FROM elections WHERE id = $1")
            .bind(election)
            .fetch_optional(db.read())
            .await?;
        if exists.is_none() {
            return Err(Error::NotFound(format!("élection « {election} » inconnue")));
        }
        return Ok(Settings {
            election: election.to_owned(),
            is_test: false,
            test_of: None,
            vote_url: String::new(),
            modalites: String::new(),
            place: String::new(),
            proxies_from: None,
            proxies_until: None,
            early_opening: None,
        });
    };
    let early = match (
        r.try_get::<Option<String>, _>("early_opening_reason")?,
        r.try_get::<Option<String>, _>("early_opening_by")?,
        r.try_get::<Option<i64>, _>("early_opening_at")?,
    ) {
        (Some(reason), Some(by), Some(at)) => Some(EarlyOpening {
            reason,
            by,
            at: u(at),
        }),
        _ => None,
    };
    Ok(Settings {
        election: election.to_owned(),
        is_test: r.try_get::<i64, _>("is_test")? != 0,
        test_of: r.try_get("test_of")?,
        vote_url: r.try_get("vote_url")?,
        modalites: r.try_get("modalites")?,
        place: r.try_get("place")?,
        proxies_from: r.try_get::<Option<i64>, _>("proxies_from")?.map(u),
        proxies_until: r.try_get::<Option<i64>, _>("proxies_until")?.map(u),
        early_opening: early,
    })
}

async fn ensure_row(db: &Db, election: &str) -> Result<()> {
    let s = get(db, election).await?;
    let exists = sqlx::query("SELECT 1 AS x FROM election_admin WHERE election_id = $1")
        .bind(election)
        .fetch_optional(db.read())
        .await?;
    if exists.is_none() {
        let mut conn = db.write().acquire().await?;
        create(&mut conn, election, &s.vote_url, None).await?;
    }
    Ok(())
}

/// A change of settings; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    /// New voting address.
    pub vote_url: Option<String>,
    /// New practical information.
    pub modalites: Option<String>,
    /// New place of the PV.
    pub place: Option<String>,
    /// New start of the procuration period (`Some(None)` removes it).
    pub proxies_from: Option<Option<u64>>,
    /// New end of the procuration period (`Some(None)` removes it).
    pub proxies_until: Option<Option<u64>>,
}

fn describe(s: &Settings) -> String {
    let t = |v: Option<u64>| v.map_or_else(|| "—".to_owned(), crate::frtime::date_time);
    format!(
        "adresse du vote : {} ; lieu : {} ; procurations du {} au {} ; modalités : {} caractère(s)",
        s.vote_url,
        s.place,
        t(s.proxies_from),
        t(s.proxies_until),
        s.modalites.chars().count()
    )
}

/// Changes the settings. They describe how the vote is organised, not the election itself, so
/// they remain changeable after the seal except the voting address once the codes are out.
pub async fn change(admin: &Admin, election: &str, c: &SettingsChange) -> Result<Settings> {
    admin
        .require(Permission::Prepare, Some(election), "election.parametres")
        .await?;
    let r = async {
        ensure_row(&admin.db, election).await?;
        let before = get(&admin.db, election).await?;
        if let Some(url) = &c.vote_url {
            let url = url.trim().trim_end_matches('/');
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(Error::Refused(format!(
                    "adresse du vote « {url} » : une adresse http:// ou https:// est attendue"
                )));
            }
            sqlx::query("UPDATE election_admin SET vote_url = $1 WHERE election_id = $2")
                .bind(url)
                .bind(election)
                .execute(admin.db.write())
                .await?;
        }
        if let Some(m) = &c.modalites {
            sqlx::query("UPDATE election_admin SET modalites = $1 WHERE election_id = $2")
                .bind(m.trim())
                .bind(election)
                .execute(admin.db.write())
                .await?;
        }
        if let Some(p) = &c.place {
            sqlx::query("UPDATE election_admin SET place = $1 WHERE election_id = $2")
                .bind(p.trim())
                .bind(election)
                .execute(admin.db.write())
                .await?;
        }
        let from = c.proxies_from.unwrap_or(before.proxies_from);
        let until = c.proxies_until.unwrap_or(before.proxies_until);
        if let (Some(f), Some(t)) = (from, until)
            && f >= t
        {
            return Err(Error::Refused(
                "période des procurations : la fin doit suivre le début".into(),
            ));
        }
        sqlx::query(
            "UPDATE election_admin SET proxies_from = $1, proxies_until = $2 WHERE election_id = $3",
        )
        .bind(from.map(i))
        .bind(until.map(i))
        .bind(election)
        .execute(admin.db.write())
        .await?;
        let after = get(&admin.db, election).await?;
        Ok(Done::new(after.clone(), "paramètres de l'élection modifiés")
            .change(Some(describe(&before)), Some(describe(&after))))
    }
    .await;
    admin
        .audited(Some(election), "election.parametres", r)
        .await
}

/// Records the override of the 15-day rule (by the caller, [`super::codes::override_15_days`]).
pub(crate) async fn set_early_opening(db: &Db, election: &str, e: &EarlyOpening) -> Result<()> {
    ensure_row(db, election).await?;
    sqlx::query(
        "UPDATE election_admin SET early_opening_reason = $1, early_opening_by = $2, \
         early_opening_at = $3 WHERE election_id = $4",
    )
    .bind(&e.reason)
    .bind(&e.by)
    .bind(i(e.at))
    .bind(election)
    .execute(db.write())
    .await?;
    Ok(())
}

//! Procurations (issue 5 §6; décret art. 26: « Les électeurs peuvent voter par procuration.
//! Chaque mandataire ne peut disposer de plus d'une procuration. »).
//!
//! The ordre registers a procuration from the signed form (mandant, mandataire, the form's
//! reference): [`register`] checks the period the ordre set (`settings.proxies_from/until`; by
//! default until the close of the vote) and the set-up's rules
//! ([`setup::register_procuration`]: one procuration per mandataire, the mandant has not voted,
//! nobody party to two procurations). Nothing is published yet: the names stay on the identity
//! side.
//!
//! The board event comes when the **mandataire** uses it (the server's elector pages,
//! `web::vote::activate_proxy`): his browser derives the proxy credential from his own credential
//! and the mandant's, endorses it with his credential, and the server, finding this registered
//! procuration, authorises it with the ordre key and appends `ProxyCredential` (DESIGN §3): the
//! mandant's credential is revoked, the proxy credential gets its rights, and anyone can check on
//! the public board that no credential endorsed two proxies — without learning any name.
//! [`cancel`] is possible until then.

use sqlx::Row;
use urne::model::Cnbf;

use super::{Admin, Done, Permission, settings};
use crate::chain::now;
use crate::db::u;
use crate::error::{Error, Result};
use crate::setup;

/// A procuration as listed for the staff.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Procuration {
    /// Mandant's CNBF.
    pub mandant: String,
    /// Mandant's name.
    pub mandant_name: String,
    /// Mandataire's CNBF.
    pub mandataire: String,
    /// Mandataire's name.
    pub mandataire_name: String,
    /// Reference of the signed form.
    pub reference: String,
    /// Registered (unix seconds).
    pub registered_at: u64,
    /// Cancelled (unix seconds).
    pub cancelled_at: Option<u64>,
    /// Used by the mandataire (the proxy credential is on the board).
    pub activated: bool,
    /// The mandataire voted for the mandant (unix seconds).
    pub voted_at: Option<u64>,
}

impl Procuration {
    /// « en attente », « activée », « utilisée », « annulée ».
    pub fn state(&self) -> &'static str {
        if self.cancelled_at.is_some() {
            "annulée"
        } else if self.voted_at.is_some() {
            "vote exprimé"
        } else if self.activated {
            "activée par le mandataire"
        } else {
            "enregistrée"
        }
    }
}

/// Refuses a registration outside the period.
async fn check_period(admin: &Admin, election: &str) -> Result<()> {
    let s = settings::get(&admin.db, election).await?;
    let row = sqlx::query("SELECT closing, closed_at FROM elections WHERE id = $1")
        .bind(election)
        .fetch_one(admin.db.read())
        .await?;
    let closing = u(row.try_get("closing")?);
    let t = now();
    if row.try_get::<Option<i64>, _>("closed_at")?.is_some() || t >= closing {
        return Err(Error::Refused(
            "procuration refusée : le vote est clos".into(),
        ));
    }
    if let Some(from) = s.proxies_from
        && t < from
    {
        return Err(Error::Refused(format!(
            "procuration refusée : les procurations sont reçues à partir du {} (heure de Paris)",
            crate::frtime::date_time(from)
        )));
    }
    if let Some(until) = s.proxies_until
        && t >= until
    {
        return Err(Error::Refused(format!(
            "procuration refusée : les procurations étaient reçues jusqu'au {} (heure de Paris)",
            crate::frtime::date_time(until)
        )));
    }
    Ok(())
}

/// Registers the procuration of `mandant` to `mandataire` (signed form `reference`).
pub async fn register(
    admin: &Admin,
    election: &str,
    mandant: &Cnbf,
    mandataire: &Cnbf,
    reference: &str,
) -> Result<()> {
    admin
        .require(
            Permission::Prepare,
            Some(election),
            "procuration.enregistrement",
        )
        .await?;
    let r = async {
        check_period(admin, election).await?;
        setup::register_procuration(&admin.db, election, mandant, mandataire, reference).await?;
        Ok(Done::new(
            (),
            format!(
                "procuration de CNBF {mandant} à CNBF {mandataire} enregistrée (formulaire {})",
                reference.trim()
            ),
        )
        .change(
            None,
            Some(format!(
                "mandant {mandant} ; mandataire {mandataire} ; formulaire {}",
                reference.trim()
            )),
        ))
    }
    .await;
    admin
        .audited(Some(election), "procuration.enregistrement", r)
        .await
}

/// Cancels the procuration given by `mandant`, before the mandataire uses it.
pub async fn cancel(admin: &Admin, election: &str, mandant: &Cnbf) -> Result<()> {
    admin
        .require(
            Permission::Prepare,
            Some(election),
            "procuration.annulation",
        )
        .await?;
    let r = async {
        let mandataire = setup::cancel_procuration(&admin.db, election, mandant).await?;
        Ok(Done::new(
            (),
            format!("procuration de CNBF {mandant} à CNBF {mandataire} annulée"),
        )
        .change(
            Some(format!("mandant {mandant} ; mandataire {mandataire}")),
            None,
        ))
    }
    .await;
    admin
        .audited(Some(election), "procuration.annulation", r)
        .await
}

/// Every procuration of the election (cancelled ones too), by registration.
pub async fn list(admin: &Admin, election: &str) -> Result<Vec<Procuration>> {
    let rows = sqlx::query(
        "SELECT p.mandant, p.mandataire, p.reference, p.registered_at, p.cancelled_at, \
         p.proxy_credential, p.voted_at, a.display_name AS mandant_name, \
         b.display_name AS mandataire_name FROM procurations p \
         LEFT JOIN electors a ON a.election_id = p.election_id AND a.cnbf = p.mandant \
         LEFT JOIN electors b ON b.election_id = p.election_id AND b.cnbf = p.mandataire \
         WHERE p.election_id = $1 ORDER BY p.registered_at, p.mandant",
    )
    .bind(election)
    .fetch_all(admin.db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Procuration {
                mandant: r.try_get("mandant")?,
                mandant_name: r
                    .try_get::<Option<String>, _>("mandant_name")?
                    .unwrap_or_default(),
                mandataire: r.try_get("mandataire")?,
                mandataire_name: r
                    .try_get::<Option<String>, _>("mandataire_name")?
                    .unwrap_or_default(),
                reference: r.try_get("reference")?,
                registered_at: u(r.try_get("registered_at")?),
                cancelled_at: r.try_get::<Option<i64>, _>("cancelled_at")?.map(u),
                activated: r
                    .try_get::<Option<Vec<u8>>, _>("proxy_credential")?
                    .is_some(),
                voted_at: r.try_get::<Option<i64>, _>("voted_at")?.map(u),
            })
        })
        .collect()
}

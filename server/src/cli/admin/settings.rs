//! `urne-server admin settings ELECTION [--vote-url URL] [--modalites FILE] [--place P]
//! [--proxies-from T] [--proxies-until T]`: how the vote is organised (not sealed). Times are
//! RFC 3339 (`2026-11-20T18:00:00+01:00`); `none` removes a limit.

use std::path::PathBuf;

use clap::Args;

use super::Common;
use crate::admin::settings::{self, SettingsChange};
use crate::error::{Error, Result};

/// `settings`.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// L'élection.
    pub election: String,
    /// Adresse du vote imprimée sur les courriers.
    #[arg(long)]
    pub vote_url: Option<String>,
    /// Fichier texte des modalités pratiques propres à l'ordre (imprimées sur les courriers).
    #[arg(long)]
    pub modalites: Option<PathBuf>,
    /// Lieu du procès-verbal (« Fait à … »).
    #[arg(long)]
    pub place: Option<String>,
    /// Procurations reçues à partir de (RFC 3339, ou « none »).
    #[arg(long)]
    pub proxies_from: Option<String>,
    /// Procurations reçues jusqu'à (RFC 3339, ou « none » : jusqu'à la clôture).
    #[arg(long)]
    pub proxies_until: Option<String>,
}

fn instant(v: &Option<String>, what: &str) -> Result<Option<Option<u64>>> {
    match v.as_deref() {
        None => Ok(None),
        Some("none") | Some("") => Ok(Some(None)),
        Some(s) => {
            let t = urne::model::dates::parse_instant(s)
                .map_err(|e| Error::Refused(format!("{what} : {e}")))?;
            Ok(Some(Some(u64::try_from(t.unix_timestamp()).unwrap_or(0))))
        }
    }
}

impl SettingsArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let modalites = match &self.modalites {
            Some(p) => Some(String::from_utf8_lossy(&super::read(p)?).into_owned()),
            None => None,
        };
        let change = SettingsChange {
            vote_url: self.vote_url.clone(),
            modalites,
            place: self.place.clone(),
            proxies_from: instant(&self.proxies_from, "--proxies-from")?,
            proxies_until: instant(&self.proxies_until, "--proxies-until")?,
        };
        let admin = c.admin().await?;
        let s = settings::change(&admin, &self.election, &change).await?;
        c.print(
            &format!("Paramètres de « {} » enregistrés.", self.election),
            &s,
        )
    }
}

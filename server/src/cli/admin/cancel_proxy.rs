//! `urne-server admin cancel-proxy ELECTION MANDANT`: cancels a procuration the mandataire has
//! not used yet.

use clap::Args;

use super::Common;
use crate::admin::proxies;
use crate::error::{Error, Result};

/// `cancel-proxy`.
#[derive(Debug, Args)]
pub struct CancelProxyArgs {
    /// L'élection.
    pub election: String,
    /// Numéro CNBF du mandant.
    pub mandant: String,
}

impl CancelProxyArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let mandant = urne::model::Cnbf::parse(&self.mandant)
            .map_err(|e| Error::Refused(format!("mandant : {e}")))?;
        let admin = c.admin().await?;
        proxies::cancel(&admin, &self.election, &mandant).await?;
        c.print(
            &format!("Procuration de CNBF {mandant} annulée."),
            &serde_json::json!({ "mandant": mandant.to_string(), "cancelled": true }),
        )
    }
}

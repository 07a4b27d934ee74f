//! `urne-server admin unlock ELECTION CNBF`: lifts an elector's login lockout.

use clap::Args;

use super::Common;
use crate::admin::running;
use crate::error::{Error, Result};

/// `unlock`.
#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// L'élection.
    pub election: String,
    /// Le numéro CNBF.
    pub cnbf: String,
}

impl UnlockArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let cnbf = urne::model::Cnbf::parse(&self.cnbf)
            .map_err(|e| Error::Refused(format!("CNBF : {e}")))?;
        let admin = c.admin().await?;
        running::unlock_elector(&admin, &self.election, &cnbf).await?;
        c.print(
            &format!("CNBF {cnbf} peut de nouveau se connecter."),
            &serde_json::json!({ "cnbf": cnbf.to_string() }),
        )
    }
}

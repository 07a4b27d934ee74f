//! `urne-server admin incident ELECTION TEXT`: records an incident for the PV.

use clap::Args;

use super::Common;
use crate::admin::running;
use crate::error::Result;

/// `incident`.
#[derive(Debug, Args)]
pub struct IncidentArgs {
    /// L'élection.
    pub election: String,
    /// Ce qui s'est passé et ce qui a été décidé.
    pub text: String,
}

impl IncidentArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        running::record_incident(&admin, &self.election, &self.text).await?;
        c.print(
            "Incident consigné.",
            &serde_json::json!({ "incident": self.text }),
        )
    }
}

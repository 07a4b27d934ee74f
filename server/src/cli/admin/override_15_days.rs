//! `urne-server admin override-15-days ELECTION --reason TEXT`: the bâtonnier's dérogation to
//! the 15-day rule (décret art. 28), with its written reason: audited, and printed in the PV
//! (`export-declarations`).

use clap::Args;

use super::Common;
use crate::admin::codes;
use crate::error::Result;

/// `override-15-days`.
#[derive(Debug, Args)]
pub struct Override15DaysArgs {
    /// L'élection.
    pub election: String,
    /// Le motif écrit de la dérogation.
    #[arg(long)]
    pub reason: String,
}

impl Override15DaysArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        codes::override_15_days(&admin, &self.election, &self.reason).await?;
        c.print(
            "Dérogation au délai de quinze jours enregistrée ; elle figurera au procès-verbal.",
            &serde_json::json!({ "election": self.election, "override": true }),
        )
    }
}

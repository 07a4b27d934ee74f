//! `urne-server admin confirm-roll ELECTION [--abandon]`: applies (or drops) the re-imported
//! liste électorale waiting for confirmation.

use clap::Args;

use super::Common;
use crate::admin::roll;
use crate::error::Result;

/// `confirm-roll`.
#[derive(Debug, Args)]
pub struct ConfirmRollArgs {
    /// L'élection.
    pub election: String,
    /// Abandonner la nouvelle liste au lieu de la confirmer.
    #[arg(long)]
    pub abandon: bool,
}

impl ConfirmRollArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        if self.abandon {
            roll::abandon(&admin, &self.election).await?;
            return c.print(
                "Nouvelle liste abandonnée ; la liste en vigueur n'a pas changé.",
                &serde_json::json!({ "abandoned": true }),
            );
        }
        let i = roll::confirm(&admin, &self.election).await?;
        c.print(
            &format!(
                "{}\nListe « {} » en vigueur : {} avocat(s), {} avec un droit de vote.",
                i.summary,
                i.file_name,
                i.electors,
                i.with_rights.unwrap_or(0)
            ),
            &i,
        )
    }
}

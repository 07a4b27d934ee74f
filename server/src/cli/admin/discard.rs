//! `urne-server admin discard ELECTION --yes`: deletes a scrutin à blanc (at any time) or an
//! unsealed election (bâtonnier). A sealed ballot box is never deleted.

use clap::Args;

use super::Common;
use crate::admin::definition;
use crate::error::{Error, Result};

/// `discard`.
#[derive(Debug, Args)]
pub struct DiscardArgs {
    /// L'élection.
    pub election: String,
    /// Confirmer la suppression définitive.
    #[arg(long)]
    pub yes: bool,
}

impl DiscardArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        if !self.yes {
            return Err(Error::Refused(
                "suppression définitive : confirmez avec --yes".into(),
            ));
        }
        let admin = c.admin().await?;
        definition::discard(&admin, &self.election).await?;
        c.print(
            &format!("« {} » supprimée.", self.election),
            &serde_json::json!({ "election": self.election, "discarded": true }),
        )
    }
}

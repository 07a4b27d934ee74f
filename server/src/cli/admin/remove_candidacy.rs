//! `urne-server admin remove-candidacy ELECTION --contest C --id ID`.

use clap::Args;

use super::Common;
use crate::admin::candidacies;
use crate::error::Result;

/// `remove-candidacy`.
#[derive(Debug, Args)]
pub struct RemoveCandidacyArgs {
    /// L'élection.
    pub election: String,
    /// Le scrutin.
    #[arg(long)]
    pub contest: String,
    /// La candidature.
    #[arg(long)]
    pub id: String,
}

impl RemoveCandidacyArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        candidacies::remove(&admin, &self.election, &self.contest, &self.id).await?;
        c.print(
            &format!(
                "Scrutin « {} » : candidature « {} » retirée.",
                self.contest, self.id
            ),
            &serde_json::json!({ "contest": self.contest, "removed": self.id }),
        )
    }
}

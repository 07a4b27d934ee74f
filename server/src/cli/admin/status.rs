//! `urne-server admin status ELECTION`: where the preparation stands, step by step; with
//! `--roll`, the summary of the liste électorale (right to vote, ordinal voices), `--detail`
//! with one line per elector.

use clap::Args;

use super::Common;
use crate::admin::{definition, roll};
use crate::error::Result;

/// `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// L'élection.
    pub election: String,
    /// Afficher aussi le résumé de la liste électorale.
    #[arg(long)]
    pub roll: bool,
    /// Avec --roll : une ligne par électeur (droit de vote, scrutins, voix).
    #[arg(long)]
    pub detail: bool,
}

impl StatusArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let o = definition::overview(&admin.db, &self.election).await?;
        let mut text = format!(
            "{} « {} » — barreau de {} — vote {}\n",
            if o.is_test {
                "Scrutin à blanc"
            } else {
                "Élection"
            },
            o.id,
            o.barreau,
            o.state
        );
        for s in &o.steps {
            text.push_str(&format!(
                "  [{}] {} : {}\n",
                if s.done { "x" } else { " " },
                s.label,
                s.detail
            ));
        }
        if self.roll {
            text.push('\n');
            text.push_str(&roll::summary(&admin, &self.election, self.detail).await?);
        }
        c.print(&text, &o)
    }
}

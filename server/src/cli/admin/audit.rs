//! `urne-server admin audit [--election ELECTION] -o JOURNAL.csv`: the audit log as CSV (or on
//! stdout without `-o`).

use std::path::PathBuf;

use clap::Args;

use super::Common;
use crate::admin::audit;
use crate::error::Result;

/// `audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Seulement les entrées de cette élection.
    #[arg(long)]
    pub election: Option<String>,
    /// Le fichier CSV à écrire (sinon la sortie standard).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
}

impl AuditArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let lines = audit::list(&admin.db, self.election.as_deref()).await?;
        if c.json {
            return c.print("", &lines);
        }
        let csv = audit::to_csv(&lines)?;
        audit::record(
            &admin.db,
            &audit::Entry {
                actor: &admin.actor,
                election: self.election.as_deref(),
                action: "audit.export",
                outcome: audit::Outcome::Done,
                summary: &format!("journal exporté en CSV ({} entrée(s))", lines.len()),
                before: None,
                after: None,
            },
        )
        .await?;
        match &self.out {
            Some(p) => {
                super::write(p, &csv, false)?;
                println!(
                    "Journal écrit : {} ({} entrée(s)).",
                    p.display(),
                    lines.len()
                );
            }
            None => {
                use std::io::Write;
                std::io::stdout()
                    .write_all(&csv)
                    .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
            }
        }
        Ok(())
    }
}

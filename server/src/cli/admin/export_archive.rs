//! `urne-server admin export-archive ELECTION -o A.urne`: the ballot box as an archive file
//! (plan D3 step 2); before the seal, the genesis alone (for `urne-tally sign-genesis`).

use std::path::PathBuf;

use clap::Args;

use super::Common;
use crate::admin::publish;
use crate::error::{Error, Result};

/// `export-archive`.
#[derive(Debug, Args)]
pub struct ExportArchiveArgs {
    /// L'élection.
    pub election: String,
    /// Le fichier .urne à écrire.
    #[arg(short, long)]
    pub out: PathBuf,
}

impl ExportArchiveArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let f = std::fs::File::create(&self.out).map_err(|e| {
            Error::Internal(format!(
                "{} : écriture impossible : {e}",
                self.out.display()
            ))
        })?;
        let mut w = std::io::BufWriter::new(f);
        let n = publish::export_archive_audited(&admin, &self.election, &mut w).await?;
        std::io::Write::flush(&mut w)
            .map_err(|e| Error::Internal(format!("{} : {e}", self.out.display())))?;
        c.print(
            &format!(
                "Archive écrite : {} ({n} événement(s)).",
                self.out.display()
            ),
            &serde_json::json!({ "archive": self.out.display().to_string(), "events": n }),
        )
    }
}

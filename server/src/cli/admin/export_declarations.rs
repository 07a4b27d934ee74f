//! `urne-server admin export-declarations ELECTION -o DIR`: `incidents.json`
//! (`urne-incidents-1`: the 15-day dérogation, the incidents recorded) and `candidatures.json`
//! (`urne-candidatures-1`: names and dates of the candidates), for `urne-tally result
//! --incidents … --candidates …`.

use std::path::PathBuf;

use clap::Args;

use super::Common;
use crate::admin::declarations;
use crate::error::Result;

/// `export-declarations`.
#[derive(Debug, Args)]
pub struct ExportDeclarationsArgs {
    /// L'élection.
    pub election: String,
    /// Le dossier où écrire les deux fichiers.
    #[arg(short, long)]
    pub out: PathBuf,
}

impl ExportDeclarationsArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let files = declarations::export(&admin.db, &self.election, &self.out).await?;
        c.print(
            &format!("Écrit : {}", files.join(", ")),
            &serde_json::json!({ "files": files }),
        )
    }
}

//! `urne-server admin import-candidacies ELECTION FILE.csv`: every candidacy of the election
//! (`docs/candidacies-csv.md`), checked against the décret with the liste électorale;
//! all-or-nothing, each refusal on the line of the person concerned.

use std::path::PathBuf;

use clap::Args;

use super::{Common, file_name};
use crate::admin::candidacies;
use crate::error::Result;

/// `import-candidacies`.
#[derive(Debug, Args)]
pub struct ImportCandidaciesArgs {
    /// L'élection.
    pub election: String,
    /// Le fichier CSV des candidatures.
    pub file: PathBuf,
}

impl ImportCandidaciesArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let bytes = super::read(&self.file)?;
        let admin = c.admin().await?;
        let listing =
            candidacies::import(&admin, &self.election, &file_name(&self.file), &bytes).await?;
        c.print(&listing, &serde_json::json!({ "candidacies": listing }))
    }
}

//! `urne-server admin update ELECTION FILE`: replaces the definition of an unsealed election
//! (same election id); refused once sealed, and for the contests once the codes are issued.

use std::path::PathBuf;

use clap::Args;

use super::Common;
use crate::admin::definition;
use crate::error::{Error, Result};

/// `update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// L'élection.
    pub election: String,
    /// Le nouveau fichier de définition.
    pub file: PathBuf,
}

impl UpdateArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let def = urne::model::Election::from_path(&self.file)
            .map_err(|e| Error::Refused(e.to_string()))?;
        let admin = c.admin().await?;
        definition::update(&admin, &self.election, &def).await?;
        c.print(
            &format!("Définition de « {} » remplacée.", self.election),
            &serde_json::json!({ "election": self.election }),
        )
    }
}

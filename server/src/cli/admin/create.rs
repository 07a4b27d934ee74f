//! `urne-server admin create FILE`: an election from its definition file (JSON or TOML,
//! `docs/model.md`), checked by the model.

use std::path::PathBuf;

use clap::Args;

use super::Common;
use crate::admin::definition;
use crate::error::{Error, Result};

/// `create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Le fichier de définition (.json ou .toml).
    pub file: PathBuf,
    /// L'adresse du vote imprimée sur les courriers (par défaut --public-url).
    #[arg(long)]
    pub vote_url: Option<String>,
}

impl CreateArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let def = urne::model::Election::from_path(&self.file)
            .map_err(|e| Error::Refused(e.to_string()))?;
        let admin = c.admin().await?;
        definition::create(&admin, &def, self.vote_url.as_deref()).await?;
        c.print(
            &format!(
                "Élection « {} » créée (barreau de {}, {} scrutin(s)).",
                def.election_id,
                def.barreau,
                def.contests.len()
            ),
            &serde_json::json!({ "election": def.election_id }),
        )
    }
}

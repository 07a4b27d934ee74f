//! `urne-server admin ceremony ELECTION [--export DIR] [--import DIR] [--keys FILE]`: the key
//! ceremony. Without option: who has published what. `--export DIR` writes the ceremony file and
//! every message received (the folder `urne-tally keygen step --dir` works in); `--import DIR`
//! brings the members' messages back into the relay (and records the transcript once complete);
//! `--keys cles-bureau.json` records the outcome of a ceremony run entirely offline.

use std::path::PathBuf;

use clap::Args;

use super::Common;
use crate::admin::ceremony;
use crate::error::{Error, Result};

/// `ceremony`.
#[derive(Debug, Args)]
pub struct CeremonyArgs {
    /// L'élection.
    pub election: String,
    /// Écrire ceremonie.json et les messages reçus dans ce dossier.
    #[arg(long)]
    pub export: Option<PathBuf>,
    /// Lire les messages des membres du bureau depuis ce dossier.
    #[arg(long)]
    pub import: Option<PathBuf>,
    /// Enregistrer le fichier cles-bureau.json d'une cérémonie faite hors ligne.
    #[arg(long)]
    pub keys: Option<PathBuf>,
}

impl CeremonyArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        if let Some(dir) = &self.import {
            ceremony::import_folder(&admin, &self.election, dir).await?;
        }
        if let Some(k) = &self.keys {
            let file: urne::ceremony::BureauKeysFile = serde_json::from_slice(&super::read(k)?)
                .map_err(|e| Error::Refused(format!("{} : {e}", k.display())))?;
            ceremony::import_keys(&admin, &self.election, &file).await?;
        }
        let mut written = Vec::new();
        if let Some(dir) = &self.export {
            written = ceremony::export_folder(&admin, &self.election, dir).await?;
        }
        let s = ceremony::status(&admin.db, &self.election).await?;
        let recorded = ceremony::recorded(&admin.db, &self.election).await?;
        let relay = ceremony::relay_url(&admin.config.public_url, &s.ceremony);
        let mut text = format!(
            "Cérémonie {} : {} message(s) reçu(s).\nAdresse du relais (urne-tally keygen step \
             --relay) : {relay}\n",
            &s.ceremony[..16],
            s.messages.len()
        );
        if s.complete || recorded {
            text.push_str("Cérémonie terminée : clés du bureau enregistrées.\n");
            if let Some(k) = &s.election_key {
                text.push_str(&format!("Clé de l'élection : {k}\n"));
            }
        } else {
            for w in &s.waiting_for {
                text.push_str(&format!("  en attente — {w}\n"));
            }
        }
        if let Some(dir) = &self.export {
            text.push_str(&format!(
                "{} fichier(s) écrit(s) dans {}.\n",
                written.len(),
                dir.display()
            ));
        }
        c.print(
            &text,
            &serde_json::json!({
                "status": s,
                "recorded": recorded,
                "relay": relay,
                "written": written,
            }),
        )
    }
}

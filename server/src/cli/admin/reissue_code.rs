//! `urne-server admin reissue-code ELECTION CNBF -o COURRIER.pdf [--email]`: a new code for an
//! elector who lost his (the old credential is revoked: after the seal by a `CredentialReissue`
//! event signed by the ordre key). Refused for an elector who has voted.

use std::path::PathBuf;

use clap::Args;

use super::Common;
use crate::admin::codes::{self, Delivery};
use crate::error::{Error, Result};

/// `reissue-code`.
#[derive(Debug, Args)]
pub struct ReissueCodeArgs {
    /// L'élection.
    pub election: String,
    /// Le numéro CNBF de l'électeur.
    pub cnbf: String,
    /// Le fichier PDF du courrier à écrire.
    #[arg(short, long)]
    pub out: PathBuf,
    /// Envoyer aussi le courriel.
    #[arg(long)]
    pub email: bool,
}

impl ReissueCodeArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let cnbf = urne::model::Cnbf::parse(&self.cnbf)
            .map_err(|e| Error::Refused(format!("CNBF : {e}")))?;
        let admin = c.admin().await?;
        let issued = codes::reissue(
            &admin,
            &self.election,
            &cnbf,
            Delivery { email: self.email },
        )
        .await?;
        super::write(&self.out, &issued.pdf, true)?;
        c.print(
            &format!(
                "Nouveau code émis pour CNBF {cnbf} ; l'ancien est révoqué. Courrier : {}.",
                self.out.display()
            ),
            &serde_json::json!({ "cnbf": cnbf.to_string(), "letter": self.out.display().to_string(), "mail": issued.mail }),
        )
    }
}

//! `urne-server admin publish ELECTION --archive extended.urne --pv pv.json` (plan D3 step 6):
//! checks that the archive the bureau extended extends the server's chain, verifies it end to
//! end with the PV (`urne::verify`), appends the partial decryptions, the result and one PV
//! signature per member who signed, and signs the new head.

use std::path::PathBuf;

use clap::Args;

use super::{Common, with_spinner};
use crate::admin::publish;
use crate::error::{Error, Result};

/// `publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// L'élection.
    pub election: String,
    /// L'archive complétée par « urne-tally result ».
    #[arg(long)]
    pub archive: PathBuf,
    /// Le procès-verbal signé (pv.json).
    #[arg(long)]
    pub pv: PathBuf,
}

impl PublishArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let text = String::from_utf8_lossy(&super::read(&self.pv)?).into_owned();
        let pv = urne::pv::Pv::from_json(&text)
            .map_err(|e| Error::Refused(format!("{} : {e}", self.pv.display())))?;
        let admin = c.admin().await?;
        let p = with_spinner(
            "vérification de l'archive complétée et du procès-verbal",
            publish::publish(&admin, &self.election, &self.archive, &pv),
        )
        .await?;
        c.print(
            &format!(
                "Résultat publié : {} déchiffrement(s) partiel(s), résultat (hauteur {}), {} \
                 signature(s) du procès-verbal. Tête de l'urne : {}.",
                p.partial_decryptions, p.result_height, p.pv_signatures, p.head
            ),
            &p,
        )
    }
}

//! `urne-server admin seal ELECTION --seal sceau.json`: seals the election with the
//! bâtonnier's seal file (`urne-tally sign-genesis`, format `urne-sceau-1`). After it nothing of
//! the election can change.

use std::path::PathBuf;

use clap::Args;

use super::Common;
use crate::admin::sealing;
use crate::error::Result;

/// `seal`.
#[derive(Debug, Args)]
pub struct SealArgs {
    /// L'élection.
    pub election: String,
    /// Le fichier du sceau remis par le bâtonnier.
    #[arg(long)]
    pub seal: PathBuf,
}

impl SealArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let text = String::from_utf8_lossy(&super::read(&self.seal)?).into_owned();
        let s = sealing::parse_seal(&text)?;
        let admin = c.admin().await?;
        let fp = sealing::seal(&admin, &self.election, &s).await?;
        c.print(
            &format!(
                "Élection « {} » scellée. Empreinte : {}",
                self.election,
                sealing::grouped(&fp)
            ),
            &serde_json::json!({ "election": self.election, "fingerprint": fp }),
        )
    }
}

//! `urne-server admin build-genesis ELECTION`: builds the genesis after the last checks (the
//! décret with the roll, candidacies in every contest, the 15-day rule, the key ceremony) and
//! prints the election fingerprint for the bâtonnier to check and sign (`export-archive` gives
//! the genesis file for `urne-tally sign-genesis`).

use clap::Args;

use super::Common;
use crate::admin::sealing;
use crate::error::{Error, Result};

/// `build-genesis`.
#[derive(Debug, Args)]
pub struct BuildGenesisArgs {
    /// L'élection.
    pub election: String,
}

impl BuildGenesisArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let build = crate::keys::server_build_hash()
            .map_err(|e| Error::Internal(format!("empreinte du programme : {e}")))?;
        let b = sealing::build(&admin, &self.election, build).await?;
        c.print(
            &format!(
                "Genèse construite : {} identifiant(s) de vote.\nEmpreinte de l'élection, à \
                 faire vérifier et signer par le bâtonnier :\n  {}\n  ({})",
                b.credentials,
                b.grouped,
                b.fingerprint.to_hex()
            ),
            &b,
        )
    }
}

//! `urne-server admin test-election ELECTION [--bureau FILE]`: a scrutin à blanc rehearsing the
//! election (same definition and roll, other ids and codes), to be discarded afterwards.
//! `--bureau` (JSON, the `bureau` of a definition) gives the test its own bureau keys: a bureau
//! member's key file serves one ceremony only.

use std::path::PathBuf;

use clap::Args;

use super::Common;
use crate::admin::definition;
use crate::error::{Error, Result};

/// `test-election`.
#[derive(Debug, Args)]
pub struct TestElectionArgs {
    /// L'élection à répéter.
    pub election: String,
    /// Le bureau du scrutin à blanc (JSON : batonnier, scrutateurs, threshold).
    #[arg(long)]
    pub bureau: Option<PathBuf>,
}

impl TestElectionArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let bureau = match &self.bureau {
            Some(p) => Some(
                serde_json::from_slice::<urne::model::Bureau>(&super::read(p)?)
                    .map_err(|e| Error::Refused(format!("{} : {e}", p.display())))?,
            ),
            None => None,
        };
        let admin = c.admin().await?;
        let id = definition::create_test(&admin, &self.election, bureau).await?;
        c.print(
            &format!(
                "Scrutin à blanc « {id} » créé à partir de « {} ».",
                self.election
            ),
            &serde_json::json!({ "election": id }),
        )
    }
}

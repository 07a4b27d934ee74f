//! `urne-server admin close ELECTION --reason TEXT`: closes the vote now by decision of the
//! ordre (bâtonnier): a `Close` event with reason 2 and the note, signed by the ordre key, then
//! the encrypted tally.

use clap::Args;

use super::Common;
use crate::admin::running;
use crate::error::Result;

/// `close`.
#[derive(Debug, Args)]
pub struct CloseArgs {
    /// L'élection.
    pub election: String,
    /// Le motif de la clôture anticipée.
    #[arg(long)]
    pub reason: String,
}

impl CloseArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let closed = running::close(&admin, &self.election, &self.reason).await?;
        c.print(
            &format!(
                "Vote clos (hauteur {}) ; dépouillement chiffré publié (hauteur {}).",
                closed.close, closed.tally
            ),
            &serde_json::json!({ "close": closed.close, "tally": closed.tally }),
        )
    }
}

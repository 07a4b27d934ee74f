//! `urne-server admin turnout ELECTION`: the numbers of ballots, per contest — never a partial
//! result (the ballots are encrypted; only their sum is decrypted, after the close).

use clap::Args;

use super::Common;
use crate::admin::running;
use crate::error::Result;

/// `turnout`.
#[derive(Debug, Args)]
pub struct TurnoutArgs {
    /// L'élection.
    pub election: String,
}

impl TurnoutArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let t = running::turnout(&admin, &self.election).await?;
        let mut text = format!(
            "Vote {} — {} bulletin(s) dans l'urne ({} par procuration) ; {} électeur(s) émargé(s) \
             sur {}.\n",
            t.state, t.ballots, t.proxy_votes, t.electors_voted, t.electors
        );
        for k in &t.contests {
            text.push_str(&format!(
                "  {} : {} bulletin(s) pour {} électeur(s)\n",
                k.label, k.votants, k.inscrits
            ));
        }
        c.print(&text, &t)
    }
}

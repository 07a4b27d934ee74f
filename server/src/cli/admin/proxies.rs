//! `urne-server admin proxies ELECTION`: the procurations and their state.

use clap::Args;

use super::Common;
use crate::admin::proxies;
use crate::error::Result;

/// `proxies`.
#[derive(Debug, Args)]
pub struct ProxiesArgs {
    /// L'élection.
    pub election: String,
}

impl ProxiesArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let list = proxies::list(&admin, &self.election).await?;
        let text: Vec<String> = list
            .iter()
            .map(|p| {
                format!(
                    "{} ({}) → {} ({}) — formulaire {} — {}",
                    p.mandant_name,
                    p.mandant,
                    p.mandataire_name,
                    p.mandataire,
                    p.reference,
                    p.state()
                )
            })
            .collect();
        c.print(&text.join("\n"), &list)
    }
}

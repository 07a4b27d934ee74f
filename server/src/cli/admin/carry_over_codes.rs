//! `urne-server admin carry-over-codes ROUND2 --from ROUND1`: the second round (décret art. 5
//! and 6) keeps the codes the electors received for the first (art. 28): their credentials are
//! registered for ROUND2 from ROUND1, without any new code or letter (`admin::carry_over`).
//! Procurations are not carried over: register them again on ROUND2.

use clap::Args;

use super::Common;
use crate::admin::carry_over;
use crate::error::Result;

/// `carry-over-codes`.
#[derive(Debug, Args)]
pub struct CarryOverCodesArgs {
    /// L'élection du second tour (créée avec la définition de urne-tally next-round).
    pub election: String,
    /// L'élection du premier tour, dont les codes sont repris.
    #[arg(long)]
    pub from: String,
}

impl CarryOverCodesArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let done = carry_over::carry_over(&admin, &self.election, &self.from).await?;
        c.print(
            &format!(
                "Codes du premier tour « {} » repris pour {} électeur(s) (dont {} code(s) réémis \
                 au premier tour) : aucun courrier à envoyer. Les procurations du premier tour ne \
                 sont pas reprises : enregistrez à nouveau celles données pour le second tour.",
                done.from, done.count, done.reissued
            ),
            &serde_json::to_value(&done).map_err(crate::error::Error::internal)?,
        )
    }
}

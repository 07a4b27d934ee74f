//! `urne-server admin emargement ELECTION -o FILE.pdf|FILE.csv`: the émargement list (who voted,
//! online or by proxy), for the bureau and for a paper polling station (a signature column;
//! « ne peut plus voter » for those who voted).

use std::path::PathBuf;

use clap::Args;

use super::{Common, with_spinner};
use crate::admin::running;
use crate::error::Result;

/// `emargement`.
#[derive(Debug, Args)]
pub struct EmargementArgs {
    /// L'élection.
    pub election: String,
    /// Le fichier à écrire : .pdf ou .csv.
    #[arg(short, long)]
    pub out: PathBuf,
}

impl EmargementArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let pdf = self
            .out
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        let admin = c.admin().await?;
        let bytes = with_spinner(
            "liste d'émargement",
            running::emargement(&admin, &self.election, pdf),
        )
        .await?;
        super::write(&self.out, &bytes, true)?;
        c.print(
            &format!("Liste d'émargement écrite : {}.", self.out.display()),
            &serde_json::json!({ "file": self.out.display().to_string() }),
        )
    }
}

//! `urne-server admin import-roll ELECTION FILE.csv [--yes]`: the liste électorale
//! (`docs/roll-csv.md`). The first import is applied; a re-import prints the differences with
//! the roll in force and waits for `confirm-roll` (or applies at once with `--yes`). A refused
//! file prints every error with its line and column and changes nothing.

use std::path::PathBuf;

use clap::Args;

use super::{Common, file_name, with_spinner};
use crate::admin::roll;
use crate::error::Result;

/// `import-roll`.
#[derive(Debug, Args)]
pub struct ImportRollArgs {
    /// L'élection.
    pub election: String,
    /// Le fichier CSV de la liste électorale.
    pub file: PathBuf,
    /// Remplacer la liste en vigueur sans attendre « confirm-roll » (après avoir lu les
    /// différences affichées).
    #[arg(long)]
    pub yes: bool,
}

impl ImportRollArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let bytes = super::read(&self.file)?;
        let admin = c.admin().await?;
        let name = file_name(&self.file);
        let i = with_spinner(
            "lecture et vérification de la liste électorale",
            roll::import(&admin, &self.election, &name, &bytes, self.yes),
        )
        .await?;
        let mut text = String::new();
        if let Some(d) = &i.differences {
            text.push_str(d);
            text.push('\n');
        }
        text.push_str(&i.summary);
        text.push('\n');
        if i.applied {
            text.push_str(&format!(
                "Liste « {name} » chargée ({}) : {} avocat(s), {} avec un droit de vote.",
                i.format,
                i.electors,
                i.with_rights.unwrap_or(0)
            ));
        } else {
            text.push_str(&format!(
                "Liste « {name} » lue ({}) mais PAS ENCORE APPLIQUÉE : vérifiez les différences \
                 ci-dessus, puis « urne-server admin confirm-roll {} ».",
                i.format, self.election
            ));
        }
        c.print(&text, &i)
    }
}

//! `urne-server admin alert ELECTION [TEXT | --clear]`: the alert banner of the voting pages
//! (incident, maintenance).

use clap::Args;

use super::Common;
use crate::admin::running;
use crate::error::{Error, Result};

/// `alert`.
#[derive(Debug, Args)]
pub struct AlertArgs {
    /// L'élection.
    pub election: String,
    /// Le message à afficher.
    pub text: Option<String>,
    /// Retirer le bandeau.
    #[arg(long)]
    pub clear: bool,
}

impl AlertArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let text = match (&self.text, self.clear) {
            (Some(t), false) => Some(t.as_str()),
            (None, true) => None,
            _ => {
                return Err(Error::Refused(
                    "donnez le message, ou --clear pour retirer le bandeau".into(),
                ));
            }
        };
        let admin = c.admin().await?;
        running::set_alert(&admin, &self.election, text).await?;
        c.print(
            if text.is_some() {
                "Bandeau d'alerte affiché."
            } else {
                "Bandeau d'alerte retiré."
            },
            &serde_json::json!({ "alert": text }),
        )
    }
}

//! `urne-server admin issue-codes ELECTION -o COURRIERS.pdf [--email]`: one personal
//! confidential code per elector with a right, the letters (one A4 page each, for a window
//! envelope) written to `-o` (mode 0600: print it, then delete it), and with `--email` one
//! e-mail per elector who has an address (`--smtp-url`, or `--mail-dry-run DIR` to write them to
//! a folder instead). The server keeps no code. Warns when the vote opens less than fifteen days
//! later (décret art. 28).

use std::path::PathBuf;

use clap::Args;

use super::{Common, with_spinner};
use crate::admin::codes::{self, Delivery};
use crate::error::Result;

/// `issue-codes`.
#[derive(Debug, Args)]
pub struct IssueCodesArgs {
    /// L'élection.
    pub election: String,
    /// Le fichier PDF des courriers à écrire.
    #[arg(short, long)]
    pub out: PathBuf,
    /// Envoyer aussi les courriels (avec --smtp-url ou --mail-dry-run, et --mail-from).
    #[arg(long)]
    pub email: bool,
}

impl IssueCodesArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let issued = with_spinner(
            "émission des codes (dérivation argon2id de chaque identifiant de vote)",
            codes::issue(&admin, &self.election, Delivery { email: self.email }),
        )
        .await?;
        super::write(&self.out, &issued.pdf, true)?;
        let mut text = format!(
            "{} code(s) émis ; courriers : {} ({} page(s)) — à imprimer puis supprimer.",
            issued.count,
            self.out.display(),
            issued.count
        );
        if let Some(m) = &issued.mail {
            text.push_str(&format!(
                "\nCourriels : {} envoyé(s){}, {} refusé(s) ; {} électeur(s) sans adresse.",
                m.sent,
                m.dry_run
                    .as_deref()
                    .map(|d| format!(" (essai : écrits dans {d})"))
                    .unwrap_or_default(),
                m.failed.len(),
                issued.without_email
            ));
            for (cnbf, why) in &m.failed {
                text.push_str(&format!("\n  CNBF {cnbf} : {why}"));
            }
        }
        if let Some(n) = &issued.notice
            && !n.respected
        {
            text.push_str(&format!("\nAttention : {}", n.refusal()));
        }
        c.print(
            &text,
            &serde_json::json!({
                "count": issued.count,
                "letters": self.out.display().to_string(),
                "mail": issued.mail,
                "without_email": issued.without_email,
                "notice": issued.notice,
            }),
        )
    }
}

//! `urne-server admin register-proxy ELECTION MANDANT MANDATAIRE --form REF`: a procuration
//! (décret art. 26), from the signed form; refused when the mandataire already holds one, when
//! the mandant has voted, or outside the period of the settings.

use clap::Args;

use super::Common;
use crate::admin::proxies;
use crate::error::{Error, Result};

/// `register-proxy`.
#[derive(Debug, Args)]
pub struct RegisterProxyArgs {
    /// L'élection.
    pub election: String,
    /// Numéro CNBF du mandant.
    pub mandant: String,
    /// Numéro CNBF du mandataire.
    pub mandataire: String,
    /// Référence du formulaire de procuration signé.
    #[arg(long)]
    pub form: String,
}

impl RegisterProxyArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let p = |s: &str, who: &str| {
            urne::model::Cnbf::parse(s).map_err(|e| Error::Refused(format!("{who} : {e}")))
        };
        let mandant = p(&self.mandant, "mandant")?;
        let mandataire = p(&self.mandataire, "mandataire")?;
        let admin = c.admin().await?;
        proxies::register(&admin, &self.election, &mandant, &mandataire, &self.form).await?;
        c.print(
            &format!("Procuration de CNBF {mandant} à CNBF {mandataire} enregistrée."),
            &serde_json::json!({ "mandant": mandant.to_string(), "mandataire": mandataire.to_string() }),
        )
    }
}

//! `urne-server admin create-user LOGIN --name NAME --role secretariat|batonnier`: a staff
//! account. The password is typed twice (hidden), or read from the first line of stdin with
//! `--password-stdin` (scripts).

use std::io::BufRead;

use clap::Args;
use zeroize::Zeroizing;

use super::Common;
use crate::admin::{Role, accounts};
use crate::error::{Error, Result};

/// `create-user`.
#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// Identifiant de connexion.
    pub login: String,
    /// Nom (« Me Claire Martin »).
    #[arg(long)]
    pub name: String,
    /// Rôle : « secretariat » (préparer) ou « batonnier » (approuver et sceller).
    #[arg(long)]
    pub role: String,
    /// Lire le mot de passe sur la première ligne de l'entrée standard.
    #[arg(long)]
    pub password_stdin: bool,
}

impl CreateUserArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let role = Role::parse(&self.role)?;
        let password = if self.password_stdin {
            let mut line = Zeroizing::new(String::new());
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| Error::Internal(format!("entrée standard : {e}")))?;
            Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned())
        } else {
            let a = Zeroizing::new(
                rpassword::prompt_password(format!("Mot de passe de {} : ", self.login))
                    .map_err(|e| Error::Internal(format!("saisie du mot de passe : {e}")))?,
            );
            let b = Zeroizing::new(
                rpassword::prompt_password("Confirmez le mot de passe : ")
                    .map_err(|e| Error::Internal(format!("saisie du mot de passe : {e}")))?,
            );
            if *a != *b {
                return Err(Error::Refused("les deux saisies diffèrent".into()));
            }
            a
        };
        let admin = c.admin().await?;
        accounts::create_user(&admin, &self.login, &self.name, role, &password).await?;
        c.print(
            &format!(
                "Compte « {} » créé : {} ({}).",
                self.login,
                self.name,
                role.label()
            ),
            &serde_json::json!({ "login": self.login, "role": role.code() }),
        )
    }
}

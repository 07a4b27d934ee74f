//! `urne-server admin users`: the staff accounts.

use clap::Args;

use super::Common;
use crate::admin::accounts;
use crate::error::Result;

/// `users`.
#[derive(Debug, Args)]
pub struct UsersArgs {}

impl UsersArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let users = accounts::list_users(&admin.db).await?;
        let text: Vec<String> = users
            .iter()
            .map(|u| {
                format!(
                    "{} — {} ({}){}",
                    u.login,
                    u.name,
                    u.role.label(),
                    if u.disabled { ", désactivé" } else { "" }
                )
            })
            .collect();
        c.print(&text.join("\n"), &users)
    }
}

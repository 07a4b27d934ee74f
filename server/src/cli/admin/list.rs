//! `urne-server admin list`: the elections of the server.

use clap::Args;

use super::Common;
use crate::admin::definition;
use crate::error::Result;

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {}

impl ListArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let list = definition::list(&admin.db).await?;
        let text: Vec<String> = list
            .iter()
            .map(|(id, barreau, test, state)| {
                format!(
                    "{id} — barreau de {barreau} — {state}{}",
                    if *test { " (scrutin à blanc)" } else { "" }
                )
            })
            .collect();
        let json: Vec<serde_json::Value> = list
            .iter()
            .map(|(id, barreau, test, state)| {
                serde_json::json!({"id": id, "barreau": barreau, "test": test, "state": state})
            })
            .collect();
        c.print(&text.join("\n"), &json)
    }
}

//! `urne-server admin add-candidacy ELECTION --contest C --id ID CNBF… [--title T]`: one
//! candidacy, of the kind the contest requires (bâtonnier ticket: the candidate then the
//! vice-bâtonnier; binôme: both members in alphabetical order; list: in list order, with
//! `--title`), checked against the décret.

use clap::Args;

use super::Common;
use crate::admin::candidacies;
use crate::error::Result;

/// `add-candidacy`.
#[derive(Debug, Args)]
pub struct AddCandidacyArgs {
    /// L'élection.
    pub election: String,
    /// Le scrutin (identifiant de la définition : batonnier, conseil…).
    #[arg(long)]
    pub contest: String,
    /// L'identifiant de la candidature (T1, B2, L1…).
    #[arg(long)]
    pub id: String,
    /// Le titre de la liste (collège général du CNB).
    #[arg(long)]
    pub title: Option<String>,
    /// Les numéros CNBF des candidats.
    #[arg(required = true)]
    pub persons: Vec<String>,
}

impl AddCandidacyArgs {
    pub(super) async fn run(&self, c: &Common) -> Result<()> {
        let admin = c.admin().await?;
        let cand = match candidacies::from_fields(
            &admin,
            &self.election,
            &self.contest,
            &self.id,
            &self.persons,
            self.title.as_deref(),
        )
        .await
        {
            Ok(k) => k,
            Err(e) => {
                return admin
                    .audited::<()>(Some(&self.election), "candidatures.ajout", Err(e))
                    .await;
            }
        };
        candidacies::add(&admin, &self.election, &self.contest, cand).await?;
        c.print(
            &format!(
                "Scrutin « {} » : candidature « {} » enregistrée.",
                self.contest, self.id
            ),
            &serde_json::json!({ "contest": self.contest, "candidacy": self.id }),
        )
    }
}

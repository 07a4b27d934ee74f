//! # Election administration (issue 5)
//!
//! What the ordre's staff do to prepare and run an election, as functions that the admin pages
//! ([`crate::web::admin`]) and the `urne-server admin …` commands ([`crate::cli::admin`]) both
//! call, so that a page and a script go through the same checks, refusals and audit:
//!
//! | Module | Step | Décret / spec |
//! |---|---|---|
//! | [`accounts`] | staff accounts (argon2id), roles secrétariat / bâtonnier, login lockout | — |
//! | [`audit`] | every action, done or refused: who, when, what, before → after; CSV export | — |
//! | [`definition`] | the election: from a file or the pages, checked by the model; test elections | art. 4–9, 20–26 |
//! | [`roll`] | the liste électorale: import, differences, confirmation | loi art. 15, décret art. 3 |
//! | [`candidacies`] | entry and import of candidacies, the décret's checks | art. 5, 6, 8, 9, 22, 23, 26 |
//! | [`codes`] | codes, letters (PDF) and e-mails, the 15-day rule, reissue of a lost code | art. 28 |
//! | [`carry_over`] | the second round keeps the first round's codes | art. 5, 6, 28 |
//! | [`proxies`] | procurations: one per mandataire, period, cancellation | art. 26 |
//! | [`ceremony`] | the relay of the bureau's key ceremony | docs/protocol.md §4 |
//! | [`sealing`] | genesis, fingerprint, the bâtonnier's seal | protocol §Genesis, §Seal |
//! | [`running`] | alert banner, manual close, turnout, émargement | art. 28 |
//! | [`publish`] | archive export, publication of the count (plan D3 step 6) | protocol §Checking a chain |
//!
//! Every function takes an [`Admin`]: the database, the keys and **who acts** ([`Actor`]).
//! Permissions are checked first ([`Admin::require`]); then the action runs; then its outcome —
//! done (« fait ») or refused (« refusé », with the exact message shown) — goes to the audit log
//! ([`Admin::audited`]). After the seal nothing of the election can change: every attempt is
//! refused by the set-up functions and the refusal is logged like any other.

pub mod accounts;
pub mod audit;
pub mod candidacies;
pub mod carry_over;
pub mod ceremony;
pub mod codes;
pub mod declarations;
pub mod definition;
pub mod letters;
pub mod mail;
pub mod proxies;
pub mod publish;
pub mod roll;
pub mod running;
pub mod sealing;
pub mod settings;

use std::sync::Arc;

use crate::db::Db;
use crate::election::Elections;
use crate::error::{Error, Result};
use crate::keys::ServerKeys;

pub use accounts::Role;
pub use mail::MailConfig;

/// Who performs an admin action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Login of the staff account, or `console` for the command line without `--as`.
    pub login: String,
    /// Name, for the audit log and the PV (« Me Claire Martin »).
    pub name: String,
    /// Role.
    pub role: Role,
}

impl Actor {
    /// The command line run by someone with access to the server's database and keys: every
    /// right (whoever can run it can also read the database). `who` is the operating-system user.
    pub fn console(who: &str) -> Actor {
        Actor {
            login: "console".into(),
            name: format!("console ({who})"),
            role: Role::Console,
        }
    }

    /// « Me X (bâtonnier) », for messages.
    pub fn describe(&self) -> String {
        format!("{} ({})", self.name, self.role.label())
    }
}

/// What an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Prepare the election: definition, roll, candidacies, codes, proxies, ceremony relay,
    /// alert, exports. Secrétariat and bâtonnier.
    Prepare,
    /// Approve: seal, override the 15-day rule, close by decision, publish the count, discard a
    /// real election, manage staff accounts. Bâtonnier only.
    Approve,
}

/// The settings of the administration that do not belong to one election.
#[derive(Debug, Clone, Default)]
pub struct AdminConfig {
    /// E-mail sending of the letters (SMTP or a dry-run folder), if configured.
    pub mail: Option<MailConfig>,
    /// The address electors vote at (`https://vote.barreau.example`), the default of a new
    /// election's `vote_url`.
    pub public_url: String,
}

/// The context of an admin action: database, keys, sealed-election cache, configuration and who
/// acts.
#[derive(Debug, Clone)]
pub struct Admin {
    /// The database.
    pub db: Db,
    /// The server and ordre keys.
    pub keys: Arc<ServerKeys>,
    /// The sealed elections (shared with the web layer when there is one).
    pub elections: Elections,
    /// Configuration.
    pub config: Arc<AdminConfig>,
    /// Who acts.
    pub actor: Actor,
}

/// An action done, with what the audit log records about it.
#[derive(Debug)]
pub struct Done<T> {
    /// What the action returns.
    pub value: T,
    /// One line, French: what was done.
    pub summary: String,
    /// The state before (text or JSON), when it changed something that had a value.
    pub before: Option<String>,
    /// The state after.
    pub after: Option<String>,
}

impl<T> Done<T> {
    /// An action with only a summary.
    pub fn new(value: T, summary: impl Into<String>) -> Self {
        Done {
            value,
            summary: summary.into(),
            before: None,
            after: None,
        }
    }

    /// With the states before and after.
    pub fn change(mut self, before: Option<String>, after: Option<String>) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}

impl Admin {
    /// Refuses (and logs the refusal of) an action the actor's role does not allow.
    pub async fn require(
        &self,
        permission: Permission,
        election: Option<&str>,
        action: &str,
    ) -> Result<()> {
        if self.actor.role.allows(permission) {
            return Ok(());
        }
        let e = Error::Forbidden(format!(
            "action réservée au bâtonnier : {} ne peut pas {}",
            self.actor.describe(),
            audit::action_label(action)
        ));
        self.audited::<()>(election, action, Err(e)).await
    }

    /// Records the outcome of `action` in the audit log and returns it. A refusal is recorded
    /// with its message (what the staff saw); an internal error as « erreur » without details.
    pub async fn audited<T>(
        &self,
        election: Option<&str>,
        action: &str,
        outcome: Result<Done<T>>,
    ) -> Result<T> {
        match outcome {
            Ok(done) => {
                audit::record(
                    &self.db,
                    &audit::Entry {
                        actor: &self.actor,
                        election,
                        action,
                        outcome: audit::Outcome::Done,
                        summary: &done.summary,
                        before: done.before.as_deref(),
                        after: done.after.as_deref(),
                    },
                )
                .await?;
                Ok(done.value)
            }
            Err(e) => {
                let (outcome, summary) = match &e {
                    Error::Internal(_) => (audit::Outcome::Error, "erreur interne".to_owned()),
                    other => (audit::Outcome::Refused, other.to_string()),
                };
                if let Err(log) = audit::record(
                    &self.db,
                    &audit::Entry {
                        actor: &self.actor,
                        election,
                        action,
                        outcome,
                        summary: &summary,
                        before: None,
                        after: None,
                    },
                )
                .await
                {
                    tracing::error!(error = %log, "journal d'audit");
                }
                Err(e)
            }
        }
    }
}

//! `urne-server admin …`: the election administration from the command line, one file per
//! subcommand, for scripts (the demo and the scenario tests of issue 8) and for the staff on the
//! server. Every subcommand works directly on the server's database and key files (the same
//! `--data`, `--database-url`, `--server-key`, `--ordre-key` as `serve`; it may run while the
//! server runs) and goes through the same functions, checks and audit log as the admin pages
//! ([`crate::admin`]).
//!
//! Who acts: `--as LOGIN` names a staff account (its role applies); without it the actor is the
//! console (every right: whoever runs it holds the database and the keys), recorded with the
//! operating-system user.
//!
//! Exit code: 0 done, 1 refused (a rule, a permission, a wrong input), 2 could not run.
//! `--json` prints a machine-readable answer on stdout.

mod add_candidacy;
mod alert;
mod audit;
mod build_genesis;
mod cancel_proxy;
mod carry_over_codes;
mod ceremony;
mod close;
mod confirm_roll;
mod create;
mod create_user;
mod discard;
mod emargement;
mod export_archive;
mod export_declarations;
mod import_candidacies;
mod import_roll;
mod incident;
mod issue_codes;
mod list;
mod override_15_days;
mod proxies;
mod publish;
mod register_proxy;
mod reissue_code;
mod remove_candidacy;
mod seal;
mod settings;
mod status;
mod test_election;
mod turnout;
mod unlock;
mod update;
mod users;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use zeroize::Zeroizing;

use crate::admin::mail::{MailConfig, MailTransport};
use crate::admin::{Actor, Admin, AdminConfig, accounts};
use crate::db::Db;
use crate::election::Elections;
use crate::error::{Error, Result};
use crate::keys::ServerKeys;

/// `urne-server admin`.
#[derive(Debug, Args)]
pub struct AdminArgs {
    /// Where the server's database and keys are.
    #[command(flatten)]
    pub common: Common,
    /// What to do.
    #[command(subcommand)]
    pub command: AdminCommand,
}

/// The options every admin subcommand shares.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Data directory of the server (SQLite database and key files by default).
    #[arg(long, env = "URNE_DATA", default_value = "urne-data", global = true)]
    pub data: PathBuf,
    /// Database URL (`sqlite://FILE` or `postgres://…`); default: `urne.sqlite3` in the data
    /// directory.
    #[arg(long, env = "URNE_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Server key file (default: `server.key` in the data directory).
    #[arg(long, env = "URNE_SERVER_KEY", global = true)]
    pub server_key: Option<PathBuf>,
    /// Ordre key file (default: `ordre.key` in the data directory).
    #[arg(long, env = "URNE_ORDRE_KEY", global = true)]
    pub ordre_key: Option<PathBuf>,
    /// The address electors vote at (printed on the letters of a new election).
    #[arg(long, env = "URNE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Act as this staff account (its role applies); default: the console.
    #[arg(long = "as", env = "URNE_ADMIN", global = true)]
    pub as_user: Option<String>,
    /// SMTP server for the e-mails of the codes, with the account: `smtps://USER:PASS@HOST`
    /// (TLS) or `smtp://USER:PASS@HOST:587?tls=required` (STARTTLS). Prefer the environment.
    #[arg(long, env = "URNE_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,
    /// Sender of the e-mails (« Ordre des avocats <elections@barreau.example> »).
    #[arg(long, env = "URNE_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Write the e-mails to this folder instead of sending them (dry run).
    #[arg(long, env = "URNE_MAIL_DRY_RUN", global = true)]
    pub mail_dry_run: Option<PathBuf>,
    /// Answer in JSON on stdout (for a program).
    #[arg(long, global = true)]
    pub json: bool,
}

impl Common {
    fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("urne.sqlite3").display()))
    }

    /// The mail settings, if any.
    pub fn mail(&self) -> Result<Option<MailConfig>> {
        let transport = match (&self.mail_dry_run, &self.smtp_url) {
            (Some(dir), _) => MailTransport::DryRun(dir.clone()),
            (None, Some(url)) => MailTransport::Smtp(Zeroizing::new(url.clone())),
            (None, None) => return Ok(None),
        };
        let from = self.mail_from.clone().ok_or_else(|| {
            Error::BadRequest(
                "--mail-from : l'expéditeur des courriels est nécessaire avec --smtp-url ou \
                 --mail-dry-run"
                    .into(),
            )
        })?;
        Ok(Some(MailConfig { from, transport }))
    }

    /// Connects to the database, loads the keys and resolves who acts.
    pub async fn admin(&self) -> Result<Admin> {
        std::fs::create_dir_all(&self.data).map_err(|e| {
            Error::Internal(format!("dossier de données {} : {e}", self.data.display()))
        })?;
        let db = Db::connect(&self.database_url())
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        let keys = ServerKeys::load_or_create(
            &self
                .server_key
                .clone()
                .unwrap_or_else(|| self.data.join("server.key")),
            &self
                .ordre_key
                .clone()
                .unwrap_or_else(|| self.data.join("ordre.key")),
        )
        .map_err(|e| Error::Internal(e.to_string()))?;
        let actor = match &self.as_user {
            Some(login) => accounts::actor(&db, login).await?.ok_or_else(|| {
                Error::Refused(format!(
                    "--as {login} : aucun compte actif de ce nom (urne-server admin users)"
                ))
            })?,
            None => Actor::console(
                &std::env::var("USER")
                    .or_else(|_| std::env::var("USERNAME"))
                    .unwrap_or_else(|_| "?".into()),
            ),
        };
        Ok(Admin {
            db,
            keys: Arc::new(keys),
            elections: Elections::default(),
            config: Arc::new(AdminConfig {
                mail: self.mail()?,
                public_url: self
                    .public_url
                    .clone()
                    .unwrap_or_else(|| "http://127.0.0.1:8080".into()),
            }),
            actor,
        })
    }

    /// Prints `value` as JSON when `--json`, otherwise `text`.
    pub fn print(&self, text: &str, value: &impl serde::Serialize) -> Result<()> {
        if self.json {
            let s = serde_json::to_string_pretty(value).map_err(Error::internal)?;
            println!("{s}");
        } else if !text.is_empty() {
            println!("{}", text.trim_end());
        }
        Ok(())
    }
}

/// The admin subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Créer un compte d'administration (secrétariat ou bâtonnier).
    CreateUser(create_user::CreateUserArgs),
    /// Lister les comptes d'administration.
    Users(users::UsersArgs),
    /// Lister les élections.
    List(list::ListArgs),
    /// Créer une élection à partir d'un fichier de définition (JSON ou TOML).
    Create(create::CreateArgs),
    /// Remplacer la définition d'une élection non scellée.
    Update(update::UpdateArgs),
    /// Modifier les paramètres d'une élection (adresse du vote, modalités, lieu, procurations).
    Settings(settings::SettingsArgs),
    /// Où en est la préparation d'une élection.
    Status(status::StatusArgs),
    /// Créer un scrutin à blanc (essai) reprenant une élection.
    TestElection(test_election::TestElectionArgs),
    /// Supprimer un scrutin à blanc, ou une élection non scellée.
    Discard(discard::DiscardArgs),
    /// Importer la liste électorale (CSV).
    ImportRoll(import_roll::ImportRollArgs),
    /// Confirmer (ou abandonner) une nouvelle liste électorale en attente.
    ConfirmRoll(confirm_roll::ConfirmRollArgs),
    /// Importer toutes les candidatures (CSV).
    ImportCandidacies(import_candidacies::ImportCandidaciesArgs),
    /// Enregistrer une candidature.
    AddCandidacy(add_candidacy::AddCandidacyArgs),
    /// Retirer une candidature.
    RemoveCandidacy(remove_candidacy::RemoveCandidacyArgs),
    /// Émettre les codes personnels et confidentiels et produire les courriers (PDF).
    IssueCodes(issue_codes::IssueCodesArgs),
    /// Émettre un nouveau code à un électeur (code perdu) ; l'ancien est révoqué.
    ReissueCode(reissue_code::ReissueCodeArgs),
    /// Second tour : reprendre les codes du premier tour (aucun nouveau code ni courrier).
    CarryOverCodes(carry_over_codes::CarryOverCodesArgs),
    /// Déroger au délai de quinze jours (bâtonnier), avec un motif écrit.
    Override15Days(override_15_days::Override15DaysArgs),
    /// Enregistrer une procuration.
    RegisterProxy(register_proxy::RegisterProxyArgs),
    /// Annuler une procuration pas encore utilisée.
    CancelProxy(cancel_proxy::CancelProxyArgs),
    /// Lister les procurations.
    Proxies(proxies::ProxiesArgs),
    /// Cérémonie des clés : état, dossier commun, clés du bureau.
    Ceremony(ceremony::CeremonyArgs),
    /// Construire la genèse et afficher l'empreinte à faire signer par le bâtonnier.
    BuildGenesis(build_genesis::BuildGenesisArgs),
    /// Sceller l'élection avec le sceau du bâtonnier (urne-tally sign-genesis).
    Seal(seal::SealArgs),
    /// Exporter l'archive de l'urne (avant le scellement : la genèse seule).
    ExportArchive(export_archive::ExportArchiveArgs),
    /// Afficher ou retirer le bandeau d'alerte des pages de vote.
    Alert(alert::AlertArgs),
    /// Clore le vote par décision de l'ordre (bâtonnier), avec le motif.
    Close(close::CloseArgs),
    /// Consigner un incident (repris au procès-verbal).
    Incident(incident::IncidentArgs),
    /// Lever le verrouillage de connexion d'un électeur.
    Unlock(unlock::UnlockArgs),
    /// Participation : nombre de bulletins (jamais de résultat partiel).
    Turnout(turnout::TurnoutArgs),
    /// Exporter la liste d'émargement (PDF ou CSV selon l'extension).
    Emargement(emargement::EmargementArgs),
    /// Exporter les incidents et les noms des candidats pour le procès-verbal.
    ExportDeclarations(export_declarations::ExportDeclarationsArgs),
    /// Publier le dépouillement : archive complétée par le bureau et procès-verbal signé.
    Publish(publish::PublishArgs),
    /// Exporter le journal d'audit (CSV).
    Audit(audit::AuditArgs),
}

impl AdminArgs {
    /// Runs the subcommand.
    pub async fn run(&self) -> Result<()> {
        let c = &self.common;
        match &self.command {
            AdminCommand::CreateUser(a) => a.run(c).await,
            AdminCommand::Users(a) => a.run(c).await,
            AdminCommand::List(a) => a.run(c).await,
            AdminCommand::Create(a) => a.run(c).await,
            AdminCommand::Update(a) => a.run(c).await,
            AdminCommand::Settings(a) => a.run(c).await,
            AdminCommand::Status(a) => a.run(c).await,
            AdminCommand::TestElection(a) => a.run(c).await,
            AdminCommand::Discard(a) => a.run(c).await,
            AdminCommand::ImportRoll(a) => a.run(c).await,
            AdminCommand::ConfirmRoll(a) => a.run(c).await,
            AdminCommand::ImportCandidacies(a) => a.run(c).await,
            AdminCommand::AddCandidacy(a) => a.run(c).await,
            AdminCommand::RemoveCandidacy(a) => a.run(c).await,
            AdminCommand::IssueCodes(a) => a.run(c).await,
            AdminCommand::ReissueCode(a) => a.run(c).await,
            AdminCommand::CarryOverCodes(a) => a.run(c).await,
            AdminCommand::Override15Days(a) => a.run(c).await,
            AdminCommand::RegisterProxy(a) => a.run(c).await,
            AdminCommand::CancelProxy(a) => a.run(c).await,
            AdminCommand::Proxies(a) => a.run(c).await,
            AdminCommand::Ceremony(a) => a.run(c).await,
            AdminCommand::BuildGenesis(a) => a.run(c).await,
            AdminCommand::Seal(a) => a.run(c).await,
            AdminCommand::ExportArchive(a) => a.run(c).await,
            AdminCommand::Alert(a) => a.run(c).await,
            AdminCommand::Close(a) => a.run(c).await,
            AdminCommand::Incident(a) => a.run(c).await,
            AdminCommand::Unlock(a) => a.run(c).await,
            AdminCommand::Turnout(a) => a.run(c).await,
            AdminCommand::Emargement(a) => a.run(c).await,
            AdminCommand::ExportDeclarations(a) => a.run(c).await,
            AdminCommand::Publish(a) => a.run(c).await,
            AdminCommand::Audit(a) => a.run(c).await,
        }
    }
}

/// The exit code of an admin error: 1 refused, 2 could not run.
pub fn exit_code(e: &Error) -> ExitCode {
    match e {
        Error::Internal(_) => ExitCode::from(2),
        _ => ExitCode::from(1),
    }
}

/// Reads a file given on the command line.
pub fn read(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| Error::Internal(format!("{} : lecture impossible : {e}", path.display())))
}

/// Writes a file given on the command line (mode 0600 when it holds codes).
pub fn write(path: &std::path::Path, bytes: &[u8], private: bool) -> Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = o
        .open(path)
        .map_err(|e| Error::Internal(format!("{} : écriture impossible : {e}", path.display())))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::Internal(format!("{} : écriture impossible : {e}", path.display())))
}

/// A spinner on stderr while `fut` runs, only on a terminal.
pub async fn with_spinner<T>(message: &str, fut: impl std::future::Future<Output = T>) -> T {
    if !std::io::stderr().is_terminal() {
        return fut.await;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let r = fut.await;
    bar.finish_and_clear();
    r
}

/// The file name of a path, for messages.
pub fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

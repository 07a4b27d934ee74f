//! `urne-server serve`: flags and environment variables (`URNE_*`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::server::ServeConfig;
use crate::web::{RateLimit, WebConfig};

/// `urne-server serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on. Plain HTTP: on loopback by default; put a TLS reverse proxy in
    /// front for anything else (docs/server.md).
    #[arg(long, env = "URNE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Data directory (SQLite database and key files by default).
    #[arg(long, env = "URNE_DATA", default_value = "urne-data")]
    pub data: PathBuf,
    /// Database URL: `sqlite://FILE` or `postgres://USER@HOST/DB`. Default: SQLite file
    /// `urne.sqlite3` in the data directory.
    #[arg(long, env = "URNE_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Server signing key file (heads and receipts); created (mode 0600) if absent. Default:
    /// `server.key` in the data directory.
    #[arg(long, env = "URNE_SERVER_KEY")]
    pub server_key: Option<PathBuf>,
    /// Ordre signing key file (proxies, close); created (mode 0600) if absent. Default:
    /// `ordre.key` in the data directory.
    #[arg(long, env = "URNE_ORDRE_KEY")]
    pub ordre_key: Option<PathBuf>,
    /// The URL electors use, e.g. `https://vote.barreau.example`. With https, cookies are
    /// `Secure` and HSTS is sent.
    #[arg(long, env = "URNE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Trust `X-Forwarded-For` / `Forwarded` for the client IP (only behind a reverse proxy that
    /// sets them).
    #[arg(long, env = "URNE_TRUST_FORWARDED")]
    pub trust_forwarded: bool,
    /// Per-IP burst of login attempts and receipt checks (0 disables the per-IP limit).
    #[arg(long, env = "URNE_IP_BURST", default_value_t = 30)]
    pub ip_burst: u32,
    /// Seconds to regain one request of the per-IP burst.
    #[arg(long, env = "URNE_IP_PERIOD", default_value_t = 2)]
    pub ip_period: u64,
    /// Consecutive wrong codes before a CNBF number is locked.
    #[arg(long, env = "URNE_MAX_LOGIN_FAILURES", default_value_t = 5)]
    pub max_login_failures: u32,
    /// SMTP server for the e-mails of the codes sent from the admin pages, with the account:
    /// `smtps://USER:PASS@HOST` (TLS) or `smtp://USER:PASS@HOST:587?tls=required` (STARTTLS).
    #[arg(long, env = "URNE_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of those e-mails (« Ordre des avocats <elections@barreau.example> »).
    #[arg(long, env = "URNE_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Write those e-mails to this folder instead of sending them (dry run).
    #[arg(long, env = "URNE_MAIL_DRY_RUN")]
    pub mail_dry_run: Option<PathBuf>,
    /// Minutes a locked CNBF number stays locked (an admin may lift it earlier).
    #[arg(long, env = "URNE_LOCKOUT_MINUTES", default_value_t = 15)]
    pub lockout_minutes: u64,
}

impl ServeArgs {
    /// The server's configuration.
    pub fn config(&self) -> ServeConfig {
        let database_url = self
            .database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("urne.sqlite3").display()));
        let public_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen));
        ServeConfig {
            listen: self.listen,
            database_url,
            server_key: self
                .server_key
                .clone()
                .unwrap_or_else(|| self.data.join("server.key")),
            ordre_key: self
                .ordre_key
                .clone()
                .unwrap_or_else(|| self.data.join("ordre.key")),
            web: WebConfig {
                public_url,
                trust_forwarded: self.trust_forwarded,
                ip_rate_limit: (self.ip_burst > 0).then(|| RateLimit {
                    period: Duration::from_secs(self.ip_period.max(1)),
                    burst: self.ip_burst,
                }),
                max_login_failures: self.max_login_failures,
                lockout: Duration::from_secs(self.lockout_minutes * 60),
                mail: self.mail(),
                ..WebConfig::default()
            },
            close_every: Duration::from_secs(5),
        }
    }

    /// The e-mail settings of the admin, when a transport and a sender are given.
    fn mail(&self) -> Option<crate::admin::MailConfig> {
        use crate::admin::mail::MailTransport;
        let transport = match (&self.mail_dry_run, &self.smtp_url) {
            (Some(dir), _) => MailTransport::DryRun(dir.clone()),
            (None, Some(url)) => MailTransport::Smtp(zeroize::Zeroizing::new(url.clone())),
            (None, None) => return None,
        };
        self.mail_from
            .clone()
            .map(|from| crate::admin::MailConfig { from, transport })
    }

    /// Refuses inconsistent options.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.mail().is_none() && (self.smtp_url.is_some() || self.mail_dry_run.is_some()) {
            anyhow::bail!(
                "--mail-from : l'expéditeur des courriels est nécessaire avec --smtp-url ou \
                 --mail-dry-run"
            );
        }
        Ok(())
    }

    /// Runs the server until SIGINT/SIGTERM.
    pub async fn run(&self) -> anyhow::Result<()> {
        self.check()?;
        create_data_dir(&self.data)?;
        let running = crate::server::start(self.config(), true).await?;
        println!("Urne écoute sur http://{}", running.addr);
        running.wait().await?;
        Ok(())
    }
}

/// Creates the data directory if absent, owner-only: the database holds the émargement and the
/// login tokens' hashes.
pub fn create_data_dir(data: &std::path::Path) -> anyhow::Result<()> {
    if !data.exists() {
        std::fs::create_dir_all(data)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(data, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

//! E-mailing the letters (issue 5 §5 b) with lettre: SMTP over TLS (rustls, the Mozilla roots
//! compiled in: `smtps://` for implicit TLS on 465, `smtp://…?tls=required` for STARTTLS on 587),
//! or a **dry run** that writes each message, exactly as it would be sent, to a folder
//! (`{cnbf}.eml`, mode 0600: they contain codes). The SMTP URL carries the account and password
//! (`smtps://user:password@host`); give it by the environment (`URNE_SMTP_URL`) rather than on
//! the command line, and it is never logged.

use std::path::{Path, PathBuf};

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Refuses an SMTP URL that would let the codes travel in clear: `smtps://` (implicit TLS) or
/// `smtp://…?tls=required` (STARTTLS, refused by lettre if the server does not offer it) only;
/// a plain `smtp://` or `tls=opportunistic` falls back to clear text (docs/threat-model.md).
pub fn require_tls(url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("smtps://") {
        return Ok(());
    }
    let query = lower.split_once('?').map(|(_, q)| q).unwrap_or("");
    if lower.starts_with("smtp://") && query.split('&').any(|kv| kv == "tls=required") {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "serveur de courriel {} : les codes ne partent que chiffrés ; utiliser smtps://… ou          smtp://…?tls=required",
        crate::db::redact_url(url)
    )))
}

/// Where the messages go.
#[derive(Clone)]
pub enum MailTransport {
    /// An SMTP server (URL with credentials; never printed).
    Smtp(Zeroizing<String>),
    /// A folder: one `.eml` file per message, nothing sent.
    DryRun(PathBuf),
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailTransport::Smtp(url) => {
                write!(f, "Smtp({})", crate::db::redact_url(url))
            }
            MailTransport::DryRun(p) => write!(f, "DryRun({})", p.display()),
        }
    }
}

/// The e-mail settings.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// The sender (« Ordre des avocats <elections@barreau.example> »).
    pub from: String,
    /// Where to.
    pub transport: MailTransport,
}

/// One message to send.
#[derive(Debug)]
pub struct Outgoing {
    /// CNBF number (the dry-run file name).
    pub cnbf: String,
    /// Address.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body (zeroized on drop: it holds the code).
    pub body: Zeroizing<String>,
}

/// What the sending did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct MailReport {
    /// Messages sent (or written, in a dry run).
    pub sent: usize,
    /// Messages refused (address unusable, server error): CNBF and reason.
    pub failed: Vec<(String, String)>,
    /// The dry-run folder, if it was one.
    pub dry_run: Option<String>,
}

fn message(from: &Mailbox, m: &Outgoing) -> std::result::Result<Message, String> {
    let to: Mailbox =
        m.to.parse()
            .map_err(|e| format!("adresse « {} » inutilisable : {e}", m.to))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.to_string())
        .map_err(|e| format!("message impossible à composer : {e}"))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Sends (or writes) every message; one failure does not stop the others.
pub async fn send_all(config: &MailConfig, messages: Vec<Outgoing>) -> Result<MailReport> {
    let from: Mailbox = config.from.parse().map_err(|e| {
        Error::Refused(format!(
            "expéditeur des courriels « {} » inutilisable : {e}",
            config.from
        ))
    })?;
    let mut report = MailReport::default();
    match &config.transport {
        MailTransport::DryRun(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::Refused(format!(
                    "dossier {} : création impossible : {e}",
                    dir.display()
                ))
            })?;
            report.dry_run = Some(dir.display().to_string());
            for m in messages {
                match message(&from, &m) {
                    Ok(msg) => {
                        let bytes = Zeroizing::new(msg.formatted());
                        let path = dir.join(format!("{}.eml", m.cnbf));
                        write_private(&path, &bytes).map_err(|e| {
                            Error::Refused(format!(
                                "{} : écriture impossible : {e}",
                                path.display()
                            ))
                        })?;
                        report.sent += 1;
                    }
                    Err(why) => report.failed.push((m.cnbf.clone(), why)),
                }
            }
        }
        MailTransport::Smtp(url) => {
            require_tls(url)?;
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|e| Error::Refused(format!("serveur de courriel : {e}")))?
                .build();
            for m in messages {
                let r = match message(&from, &m) {
                    Ok(msg) => transport
                        .send(msg)
                        .await
                        .map(|_| ())
                        .map_err(|e| format!("envoi refusé : {e}")),
                    Err(why) => Err(why),
                };
                match r {
                    Ok(()) => report.sent += 1,
                    Err(why) => {
                        tracing::warn!(reason = %why, "courriel non envoyé");
                        report.failed.push((m.cnbf.clone(), why));
                    }
                }
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn only_smtp_urls_that_force_tls_are_accepted_and_the_password_is_not_echoed() {
        require_tls("smtps://ordre:secret@mail.example").unwrap();
        require_tls("smtp://ordre:secret@mail.example:587?tls=required").unwrap();
        for clear in [
            "smtp://ordre:secret@mail.example:25",
            "smtp://ordre:secret@mail.example:587?tls=opportunistic",
            "smtp://mail.example?tls=none",
        ] {
            let Err(Error::Refused(why)) = require_tls(clear) else {
                panic!("{clear} accepted");
            };
            assert!(why.contains("chiffrés"), "{why}");
            assert!(!why.contains("secret"), "{why}");
        }
    }
}

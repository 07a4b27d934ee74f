//! The relay of the bureau's key ceremony (issue 5 §7; docs/protocol.md §4; `urne::ceremony`).
//!
//! The bâtonnier and the scrutateurs run `urne-tally keygen` on their own computers; the server
//! only carries their messages. What it holds is public: the ceremony file (the election's
//! barreau, campaign, election and bureau — [`Ceremony::of_election`]) and the members' signed
//! messages ([`DkgMessage`]: the bâtonnier's key, the transport keys, the dealings whose shares
//! are encrypted to each recipient's transport key, the complaints). Every message is checked
//! before it is kept ([`CeremonyBoard::add`]: the ceremony id, the member's ed25519 signature,
//! the step, the body's encoding; one message per member and step, a different second one is a
//! conflict), so the relay can neither inject nor alter anything. When every message is in, the
//! transcript is assembled, verified and recorded ([`setup::record_dkg`]): the genesis can then be
//! built.
//!
//! Two ways to carry the messages, with the same files (docs/api-ceremony.md):
//! - **HTTP** (`web::admin::ceremony`, docs/api-ceremony.md §5): `GET /ceremonies/{id}` (the
//!   ceremony file), `GET|POST /ceremonies/{id}/messages`, `GET /ceremonies/{id}/keys` (the
//!   outcome, `cles-bureau.json`), `POST /elections/{id}/seal`;
//! - **a folder** (offline, a USB stick): [`export_folder`] writes `ceremonie.json` and every
//!   message under its `urne-tally` file name; [`import_folder`] reads the members' messages (and
//!   `cles-bureau.json` if there) back.

use std::path::Path;

use sqlx::Row;
use urne::ceremony::{
    BureauKeysFile, Ceremony, CeremonyBoard, CeremonyError, DkgMessage, KEYS_FORMAT,
};
use urne::crypto::dkg::DkgTranscript;
use urne::encoding::unhex;

use super::{Actor, Admin, Done, Permission, Role, audit};
use crate::chain::now;
use crate::db::{Db, i};
use crate::error::{Error, Result};
use crate::setup;

/// The file name of the ceremony in a folder (as `urne-tally keygen` reads it).
pub const CEREMONY_FILE: &str = "ceremonie.json";
/// The file name of the outcome.
pub const KEYS_FILE: &str = "cles-bureau.json";

fn refused(e: CeremonyError) -> Error {
    match e {
        CeremonyError::Format(m) => Error::BadRequest(m),
        other => Error::Refused(other.to_string()),
    }
}

/// The relay's address for ceremony `id` (hex) on a server reached at `public_url`: what the
/// bureau's members give `urne-tally keygen step --relay` (docs/api-ceremony.md §5).
pub fn relay_url(public_url: &str, id: &str) -> String {
    format!("{}/ceremonies/{id}", public_url.trim_end_matches('/'))
}

/// The ceremony of the election (its definition's barreau, campaign, election and bureau).
pub async fn ceremony(db: &Db, election: &str) -> Result<Ceremony> {
    let def = setup::definition(db, election).await?;
    let c = Ceremony::of_election(&def);
    c.params().map_err(refused)?;
    Ok(c)
}

/// The messages received for the current ceremony, checked again.
pub async fn board(db: &Db, election: &str) -> Result<CeremonyBoard> {
    let c = ceremony(db, election).await?;
    let id = c.id();
    let mut board = CeremonyBoard::new(c).map_err(refused)?;
    let rows = sqlx::query(
        "SELECT message FROM ceremony_messages WHERE election_id = $1 AND ceremony = $2 \
         ORDER BY received_at, step, member",
    )
    .bind(election)
    .bind(id.0.as_slice())
    .fetch_all(db.read())
    .await?;
    for r in rows {
        let m = DkgMessage::from_json(&r.try_get::<String, _>("message")?).map_err(refused)?;
        board.add(m).map_err(refused)?;
    }
    Ok(board)
}

/// The state of the ceremony, for the relay's clients and the admin page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    /// Ceremony id (hex).
    pub ceremony: String,
    /// Every message received.
    pub messages: Vec<DkgMessage>,
    /// Who is awaited, per step (French lines).
    pub waiting_for: Vec<String>,
    /// Every message is in and the transcript was recorded.
    pub complete: bool,
    /// The election key once complete (hex).
    pub election_key: Option<String>,
}

/// The status of the ceremony of `election`.
pub async fn status(db: &Db, election: &str) -> Result<Status> {
    let b = board(db, election).await?;
    let mut waiting = Vec::new();
    for step in [
        urne::ceremony::Step::BatonnierKey,
        urne::ceremony::Step::TransportKey,
        urne::ceremony::Step::Dealing,
        urne::ceremony::Step::Complaints,
    ] {
        for m in b.missing(step) {
            waiting.push(format!("{} : {}", step.french(), b.ceremony().describe(m)));
        }
    }
    let keys = match b.transcript() {
        Some(t) => BureauKeysFile::new(&t).ok(),
        None => None,
    };
    Ok(Status {
        ceremony: b.ceremony().id().to_hex(),
        messages: b.messages().cloned().collect(),
        waiting_for: waiting,
        complete: keys.is_some(),
        election_key: keys.map(|k| k.election_key),
    })
}

fn bureau_actor(c: &Ceremony, member: u32) -> Actor {
    Actor {
        login: format!("bureau-{member}"),
        name: c.describe(member),
        role: Role::Bureau,
    }
}

/// What became of a relayed message (docs/api-ceremony.md §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// Checked and stored (HTTP 201): its folder file name.
    Stored {
        /// `2-dealing-3.json`…
        file: String,
    },
    /// The same message was already stored (HTTP 200).
    AlreadyStored {
        /// Its file name.
        file: String,
    },
    /// Refused, with the HTTP status the relay answers (400 malformed or another ceremony, 403
    /// bad signature or step not allowed, 409 conflict or ceremony closed) and the message.
    Rejected {
        /// HTTP status.
        status: u16,
        /// French message.
        message: String,
    },
}

/// The election whose current ceremony is `id`, if any.
pub async fn election_of_ceremony(db: &Db, id: &urne::encoding::Hash32) -> Result<Option<String>> {
    let rows = sqlx::query("SELECT id, definition FROM elections")
        .fetch_all(db.read())
        .await?;
    for r in rows {
        let def: urne::model::Election =
            serde_json::from_str(&r.try_get::<String, _>("definition")?)
                .map_err(Error::internal)?;
        if Ceremony::of_election(&def).id() == *id {
            return Ok(Some(r.try_get("id")?));
        }
    }
    Ok(None)
}

fn rejected(status: u16, e: impl std::fmt::Display) -> Posted {
    Posted::Rejected {
        status,
        message: e.to_string(),
    }
}

/// Receives one member's message: checked, kept, and when it completes the ceremony the
/// transcript is verified and recorded. The same message twice is accepted once; the ceremony is
/// closed once the genesis is built.
pub async fn post(db: &Db, election: &str, m: DkgMessage) -> Result<Posted> {
    let c = ceremony(db, election).await?;
    let actor = bureau_actor(&c, m.member);
    let step = m.step;
    let file = m.file_name();
    let r = async {
        let row = sqlx::query("SELECT genesis, head_height FROM elections WHERE id = $1")
            .bind(election)
            .fetch_one(db.read())
            .await?;
        if row.try_get::<Option<i64>, _>("head_height")?.is_some() {
            return Ok(rejected(
                409,
                format!("l'élection « {election} » est scellée : elle ne peut plus être modifiée"),
            ));
        }
        if row.try_get::<Option<Vec<u8>>, _>("genesis")?.is_some() {
            return Ok(rejected(
                409,
                "la cérémonie des clés est close : la genèse de l'élection est construite",
            ));
        }
        let id = c.id();
        if m.ceremony != id {
            return Ok(rejected(
                400,
                CeremonyError::Refused(format!(
                    "message pour une autre cérémonie ({}…) que celle-ci ({}…)",
                    &m.ceremony.to_hex()[..16],
                    &id.to_hex()[..16]
                )),
            ));
        }
        let mut b = board(db, election).await?;
        let before = b.get(step, m.member).cloned();
        if let Err(e) = b.add(m.clone()) {
            return Ok(match e {
                CeremonyError::Format(_) | CeremonyError::Crypto(_) => rejected(400, e),
                CeremonyError::Conflict { .. } => rejected(409, e),
                other => rejected(403, other),
            });
        }
        if before.is_some() {
            return Ok(Posted::AlreadyStored { file: file.clone() });
        }
        sqlx::query(
            "INSERT INTO ceremony_messages (election_id, ceremony, step, member, message, \
             received_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(election)
        .bind(id.0.as_slice())
        .bind(step.name())
        .bind(i64::from(m.member))
        .bind(m.to_json())
        .bind(i(now()))
        .execute(db.write())
        .await?;
        // Another message of the same member and step may have arrived meanwhile: the stored one
        // wins, and a different one is a conflict.
        let stored = sqlx::query(
            "SELECT message FROM ceremony_messages WHERE election_id = $1 AND ceremony = $2 \
             AND step = $3 AND member = $4",
        )
        .bind(election)
        .bind(id.0.as_slice())
        .bind(step.name())
        .bind(i64::from(m.member))
        .fetch_one(db.read())
        .await?;
        let stored =
            DkgMessage::from_json(&stored.try_get::<String, _>("message")?).map_err(refused)?;
        if stored.body != m.body {
            return Ok(rejected(
                409,
                CeremonyError::Conflict {
                    member: c.describe(m.member),
                    step: step.french(),
                },
            ));
        }
        if let Some(t) = b.transcript() {
            setup::record_dkg(db, election, &t).await?;
        }
        Ok(Posted::Stored { file: file.clone() })
    }
    .await;
    let outcome = r.map(|p| {
        let summary = match &p {
            Posted::Stored { file } => format!(
                "message « {} » du {} relayé ({file})",
                step.french(),
                c.describe(m.member)
            ),
            Posted::AlreadyStored { file } => format!(
                "message « {} » du {} déjà relayé ({file})",
                step.french(),
                c.describe(m.member)
            ),
            Posted::Rejected { message, .. } => message.clone(),
        };
        (p, summary)
    });
    let admin_like = audit_only(db, actor);
    admin_like
        .audited(Some(election), "ceremonie.message", outcome)
        .await
}

/// An [`Admin`] good only for recording in the audit log (the bureau members act through the
/// relay, authenticated by their signatures, not by a staff account).
fn audit_only(db: &Db, actor: Actor) -> AuditOnly<'_> {
    AuditOnly { db, actor }
}

struct AuditOnly<'a> {
    db: &'a Db,
    actor: Actor,
}

impl AuditOnly<'_> {
    async fn audited(
        &self,
        election: Option<&str>,
        action: &str,
        outcome: Result<(Posted, String)>,
    ) -> Result<Posted> {
        let (o, summary) = match &outcome {
            Ok((Posted::Rejected { .. }, s)) => (audit::Outcome::Refused, s.clone()),
            Ok((_, s)) => (audit::Outcome::Done, s.clone()),
            Err(Error::Internal(_)) => (audit::Outcome::Error, "erreur interne".to_owned()),
            Err(e) => (audit::Outcome::Refused, e.to_string()),
        };
        audit::record(
            self.db,
            &audit::Entry {
                actor: &self.actor,
                election,
                action,
                outcome: o,
                summary: &summary,
                before: None,
                after: None,
            },
        )
        .await?;
        outcome.map(|(p, _)| p)
    }
}

/// Records the outcome file `cles-bureau.json` of a ceremony run entirely offline: it must be
/// this election's ceremony (same id), and its transcript must verify and match the bureau.
pub async fn import_keys(admin: &Admin, election: &str, file: &BureauKeysFile) -> Result<String> {
    admin
        .require(Permission::Prepare, Some(election), "ceremonie.cles")
        .await?;
    let r = async {
        setup::ensure_unsealed(&admin.db, election).await?;
        if file.format != KEYS_FORMAT {
            return Err(Error::Refused(format!(
                "{KEYS_FILE} : format « {} » (« {KEYS_FORMAT} » attendu)",
                file.format
            )));
        }
        let c = ceremony(&admin.db, election).await?;
        if file.ceremony != c.id() {
            return Err(Error::Refused(format!(
                "{KEYS_FILE} : cérémonie {}… et non celle de cette élection ({}…) : le bureau ou \
                 l'élection ont changé depuis",
                &file.ceremony.to_hex()[..16],
                &c.id().to_hex()[..16]
            )));
        }
        let bytes = unhex(&file.transcript)
            .map_err(|e| Error::Refused(format!("{KEYS_FILE} : transcription : {e}")))?;
        let t = DkgTranscript::decode(&bytes)
            .map_err(|e| Error::Refused(format!("{KEYS_FILE} : transcription illisible : {e}")))?;
        let keys = setup::record_dkg(&admin.db, election, &t).await?;
        let key = urne::encoding::hex(&keys.election_key().encode());
        if key != file.election_key {
            return Err(Error::Refused(format!(
                "{KEYS_FILE} : la clé de l'élection annoncée n'est pas celle de la transcription"
            )));
        }
        Ok(Done::new(
            key.clone(),
            format!("clés du bureau enregistrées : clé de l'élection {key}"),
        ))
    }
    .await;
    admin.audited(Some(election), "ceremonie.cles", r).await
}

/// Writes the ceremony file and every message received into `dir` (for `urne-tally keygen step
/// --dir`), and `cles-bureau.json` once complete. Returns the files written.
pub async fn export_folder(admin: &Admin, election: &str, dir: &Path) -> Result<Vec<String>> {
    let b = board(&admin.db, election).await?;
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::Refused(format!("{} : création impossible : {e}", dir.display())))?;
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text).map_err(|e| {
            Error::Refused(format!(
                "{} : écriture impossible : {e}",
                dir.join(name).display()
            ))
        })
    };
    let mut out = vec![CEREMONY_FILE.to_owned()];
    write(CEREMONY_FILE, &b.ceremony().to_json())?;
    for m in b.messages() {
        write(&m.file_name(), &m.to_json())?;
        out.push(m.file_name());
    }
    if let Some(t) = b.transcript() {
        let k = BureauKeysFile::new(&t).map_err(refused)?;
        let text = serde_json::to_string_pretty(&k).map_err(Error::internal)? + "\n";
        write(KEYS_FILE, &text)?;
        out.push(KEYS_FILE.to_owned());
    }
    Ok(out)
}

/// Reads the members' messages from `dir` (files `N-step-M.json` as `urne-tally keygen` writes
/// them) into the relay, in name order. Returns the status after.
pub async fn import_folder(admin: &Admin, election: &str, dir: &Path) -> Result<Status> {
    admin
        .require(Permission::Prepare, Some(election), "ceremonie.message")
        .await?;
    let mut names: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::Refused(format!("{} : lecture impossible : {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                let b = n.as_bytes();
                b.len() > 2 && b[0].is_ascii_digit() && b[1] == b'-' && n.ends_with(".json")
            })
        })
        .collect();
    names.sort();
    for p in names {
        let text = std::fs::read_to_string(&p)
            .map_err(|e| Error::Refused(format!("{} : lecture impossible : {e}", p.display())))?;
        let m = DkgMessage::from_json(&text)
            .map_err(|e| Error::Refused(format!("{} : {e}", p.display())))?;
        post(&admin.db, election, m).await.map_err(|e| match e {
            Error::Internal(x) => Error::Internal(x),
            other => Error::Refused(format!("{} : {other}", p.display())),
        })?;
    }
    status(&admin.db, election).await
}

/// Records the transcript as the audit sees it (used by tests and the page).
pub async fn recorded(db: &Db, election: &str) -> Result<bool> {
    let row = sqlx::query("SELECT dkg_transcript FROM elections WHERE id = $1")
        .bind(election)
        .fetch_optional(db.read())
        .await?
        .ok_or_else(|| Error::NotFound(format!("élection « {election} » inconnue")))?;
    Ok(row
        .try_get::<Option<Vec<u8>>, _>("dkg_transcript")?
        .is_some())
}

/// The outcome file, once the ceremony is complete.
pub async fn keys_file(db: &Db, election: &str) -> Result<BureauKeysFile> {
    let b = board(db, election).await?;
    if let Some(t) = b.transcript() {
        return BureauKeysFile::new(&t).map_err(refused);
    }
    // A ceremony recorded from a keys file (offline) has no messages here.
    let row = sqlx::query("SELECT dkg_transcript FROM elections WHERE id = $1")
        .bind(election)
        .fetch_one(db.read())
        .await?;
    let t: Option<Vec<u8>> = row.try_get("dkg_transcript")?;
    let t = t.ok_or_else(|| Error::NotFound("la cérémonie des clés n'est pas terminée".into()))?;
    let t = DkgTranscript::decode(&t).map_err(Error::internal)?;
    BureauKeysFile::new(&t).map_err(refused)
}

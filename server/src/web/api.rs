//! The public JSON endpoints (docs/api.md) and the archive download. Everything here is public:
//! the board shows credentials' trackers, heights and times, never a name.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use urne::archive::{ArchiveWriter, MEDIA_TYPE};
use urne::board::{Event, Payload, Receipt};
use urne::crypto::ballot::Ballot;
use urne::encoding::hex;

use super::AppState;
use crate::chain::{self, hash32, latest_head, now};
use crate::db::{i, u};
use crate::election::contest_shapes;
use crate::error::{Error, Result};
use crate::frtime;

/// Where an election is, as the home page and the API say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteState {
    /// Not sealed yet.
    Preparation,
    /// Sealed, before the opening.
    AVenir,
    /// Open.
    Ouvert,
    /// Closed (closing time reached or closed by the ordre).
    Clos,
}

impl VoteState {
    /// From the stored figures.
    pub fn of(sealed: bool, opening: u64, closing: u64, closed: bool, now: u64) -> Self {
        if !sealed {
            VoteState::Preparation
        } else if closed || now >= closing {
            VoteState::Clos
        } else if now < opening {
            VoteState::AVenir
        } else {
            VoteState::Ouvert
        }
    }

    /// French label (« à venir », « ouvert », « clos »).
    pub fn label(self) -> &'static str {
        match self {
            VoteState::Preparation => "en préparation",
            VoteState::AVenir => "à venir",
            VoteState::Ouvert => "ouvert",
            VoteState::Clos => "clos",
        }
    }
}

/// An election in the list.
#[derive(Debug, Clone, Serialize)]
pub struct ElectionSummary {
    /// Identifier.
    pub id: String,
    /// Barreau.
    pub barreau: String,
    /// Contest labels.
    pub contests: Vec<String>,
    /// State.
    pub state: VoteState,
    /// Opening, unix seconds.
    pub opening: u64,
    /// Closing, unix seconds.
    pub closing: u64,
    /// Alert banner set by the ordre.
    pub alert: Option<String>,
    /// Fingerprint (hex), once sealed.
    pub fingerprint: Option<String>,
}

impl ElectionSummary {
    /// French state label.
    pub fn state_label(&self) -> &'static str {
        self.state.label()
    }
    /// CSS class of the state (the state is also written out: never told by colour alone).
    pub fn state_class(&self) -> &'static str {
        match self.state {
            VoteState::Preparation => "preparation",
            VoteState::AVenir => "a-venir",
            VoteState::Ouvert => "ouvert",
            VoteState::Clos => "clos",
        }
    }
    /// Opening in French.
    pub fn opening_fr(&self) -> String {
        frtime::date_time(self.opening)
    }
    /// Closing in French.
    pub fn closing_fr(&self) -> String {
        frtime::date_time(self.closing)
    }
    /// Opening, ISO.
    pub fn opening_iso(&self) -> String {
        frtime::iso(self.opening)
    }
    /// Closing, ISO.
    pub fn closing_iso(&self) -> String {
        frtime::iso(self.closing)
    }
    /// Whether the vote is open.
    pub fn is_open(&self) -> bool {
        self.state == VoteState::Ouvert
    }
}

fn summary(row: &sqlx::any::AnyRow) -> Result<ElectionSummary> {
    let def: urne::model::Election =
        serde_json::from_str(&row.try_get::<String, _>("definition")?).map_err(Error::internal)?;
    let opening = u(row.try_get("opening")?);
    let closing = u(row.try_get("closing")?);
    let sealed = row.try_get::<Option<i64>, _>("head_height")?.is_some();
    let closed = row.try_get::<Option<i64>, _>("closed_at")?.is_some();
    let fingerprint: Option<Vec<u8>> = row.try_get("fingerprint")?;
    Ok(ElectionSummary {
        id: row.try_get("id")?,
        barreau: def.barreau.clone(),
        contests: def.contests.iter().map(|c| c.kind.label()).collect(),
        state: VoteState::of(sealed, opening, closing, closed, now()),
        opening,
        closing,
        alert: row.try_get("alert")?,
        fingerprint: fingerprint.map(|f| hex(&f)),
    })
}

const SUMMARY_COLUMNS: &str =
    "id, definition, opening, closing, alert, head_height, closed_at, fingerprint";

/// Every election, by opening time.
pub async fn list(state: &AppState) -> Result<Vec<ElectionSummary>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} FROM elections ORDER BY opening, id"
    )))
    .fetch_all(state.db.read())
    .await?;
    rows.iter().map(summary).collect()
}

/// One election.
pub async fn one(state: &AppState, id: &str) -> Result<ElectionSummary> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} FROM elections WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(state.db.read())
    .await?
    .ok_or_else(|| Error::NotFound(format!("Élection « {id} » inconnue.")))?;
    summary(&row)
}

/// `GET /api/health`.
pub async fn health(State(state): State<AppState>) -> Result<Response> {
    sqlx::query("SELECT 1 AS ok")
        .fetch_one(state.db.read())
        .await?;
    Ok(
        Json(serde_json::json!({ "status": "ok", "database": "ok", "time": now() }))
            .into_response(),
    )
}

/// `GET /api/elections`.
pub async fn elections(State(state): State<AppState>) -> Result<Response> {
    Ok(Json(list(&state).await?).into_response())
}

/// `GET /api/elections/{id}`: the definition sealed in the genesis, the fingerprint, the key and
/// the contests' shapes.
pub async fn election(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response> {
    let s = one(&state, &id).await?;
    let sealed = state.elections.sealed(&state.db, &id).await?;
    let body = match sealed {
        Some(e) => {
            let definition: serde_json::Value =
                serde_json::from_slice(&e.genesis.definition).map_err(Error::internal)?;
            let shapes = contest_shapes(&e.definition)?;
            let contests: Vec<serde_json::Value> = e
                .definition
                .contests
                .iter()
                .zip(shapes)
                .enumerate()
                .map(|(k, (c, sh))| {
                    serde_json::json!({
                        "index": k, "id": c.id, "label": c.kind.label(),
                        "options": sh.options, "max": sh.max,
                    })
                })
                .collect();
            serde_json::json!({
                "id": id,
                "state": s.state,
                "opening": s.opening,
                "closing": s.closing,
                "alert": s.alert,
                "fingerprint": e.fingerprint,
                "campaign_id": e.genesis.campaign_id,
                "election_key": e.election_key_hex(),
                "server_public_key": e.genesis.server_public_key,
                "ordre_public_key": e.genesis.ordre_public_key,
                "credentials": e.genesis.credentials.len(),
                "contests": contests,
                "definition": definition,
            })
        }
        None => serde_json::json!({
            "id": id, "state": s.state, "opening": s.opening, "closing": s.closing,
            "alert": s.alert, "fingerprint": null,
        }),
    };
    Ok(Json(body).into_response())
}

/// `?from=H&limit=N`.
#[derive(Debug, Deserialize)]
pub struct Page {
    /// First height (inclusive).
    #[serde(default)]
    pub from: u64,
    /// At most this many (≤ 1000; 100 by default).
    pub limit: Option<u64>,
}

/// `GET /api/elections/{id}/board`: the ballots on the chain, by height.
pub async fn board(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(page): Query<Page>,
) -> Result<Response> {
    let sealed = state.elections.get(&state.db, &id).await?;
    let limit = page.limit.unwrap_or(100).clamp(1, 1000);
    let rows = sqlx::query(
        "SELECT height, tracker, received_at FROM ballots WHERE election_id = $1 \
         AND height >= $2 ORDER BY height LIMIT $3",
    )
    .bind(&id)
    .bind(i(page.from))
    .bind(i(limit + 1))
    .fetch_all(state.db.read())
    .await?;
    let mut ballots = Vec::with_capacity(rows.len());
    for r in rows.iter().take(limit as usize) {
        ballots.push(serde_json::json!({
            "height": u(r.try_get("height")?),
            "tracker": hex(&r.try_get::<Vec<u8>, _>("tracker")?),
            "received_at": u(r.try_get("received_at")?),
        }));
    }
    let next = if rows.len() as u64 > limit {
        rows.last()
            .map(|r| r.try_get::<i64, _>("height").map(u))
            .transpose()?
    } else {
        None
    };
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM ballots WHERE election_id = $1")
        .bind(&id)
        .fetch_one(state.db.read())
        .await?
        .try_get("n")?;
    Ok(Json(serde_json::json!({
        "fingerprint": sealed.fingerprint,
        "total": total,
        "ballots": ballots,
        "next": next,
    }))
    .into_response())
}

/// `GET /api/elections/{id}/head`: the latest signed head.
pub async fn head(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response> {
    let h = latest_head(&state.db, &id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("Élection « {id} » inconnue ou non scellée.")))?;
    Ok(Json(h).into_response())
}

/// `POST /api/elections/{id}/receipts/check`: checks a receipt file against the chain
/// (docs/protocol.md §Receipt: signature, event hash at the height, ballot tracker and time).
pub async fn check_receipt(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: String,
) -> Result<Response> {
    let sealed = state.elections.get(&state.db, &id).await?;
    let receipt = Receipt::from_json(&body).map_err(|e| Error::BadRequest(e.to_string()))?;
    let mut problems: Vec<String> = Vec::new();
    let signature = receipt.verify(&sealed.genesis.server_public_key).is_ok();
    if !signature {
        problems.push("la signature du serveur ne vérifie pas".into());
    }
    if receipt.fingerprint != sealed.fingerprint {
        problems.push("le récépissé est celui d'une autre élection".into());
    }
    let row = sqlx::query("SELECT bytes, hash FROM events WHERE election_id = $1 AND height = $2")
        .bind(&id)
        .bind(i(receipt.height))
        .fetch_optional(state.db.read())
        .await?;
    let mut in_chain = false;
    match row {
        None => problems.push(format!("aucun événement à la hauteur {}", receipt.height)),
        Some(r) => {
            let hash = hash32(&r.try_get::<Vec<u8>, _>("hash")?, "événement")?;
            if hash != receipt.event {
                problems.push("l'événement à cette hauteur a une autre empreinte".into());
            }
            let event =
                Event::decode(&r.try_get::<Vec<u8>, _>("bytes")?).map_err(Error::internal)?;
            match event.payload {
                Payload::Ballot(b) => {
                    let tracker = Ballot::decode(&b.ballot).map(|x| x.tracker()).ok();
                    if tracker != Some(receipt.tracker) {
                        problems.push("le bulletin à cette hauteur a un autre traceur".into());
                    }
                    if b.received_at != receipt.received_at {
                        problems.push("l'heure de réception diffère".into());
                    }
                    in_chain = hash == receipt.event && tracker == Some(receipt.tracker);
                }
                _ => problems.push("l'événement à cette hauteur n'est pas un bulletin".into()),
            }
        }
    }
    Ok(Json(serde_json::json!({
        "valid": problems.is_empty(),
        "signature": signature,
        "in_chain": in_chain,
        "problems": problems,
    }))
    .into_response())
}

/// A `Write` whose bytes the streaming task takes after each page of events.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Shared {
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut b| std::mem::take(&mut *b))
            .unwrap_or_default()
    }
}

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("tampon empoisonné"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Events read from the database per page while streaming.
const ARCHIVE_PAGE: i64 = 500;

/// `GET /elections/{id}/archive`: the whole chain as an archive file (docs/protocol.md §Archive
/// file), streamed: the events up to the latest signed head are read page by page and written
/// with [`ArchiveWriter`], then that signed head, so the file is consistent even while ballots
/// keep arriving.
pub async fn archive(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response> {
    let Some(head) = chain::latest_head(&state.db, &id).await? else {
        // Before the seal: the genesis alone, once built, for the bâtonnier to check and sign
        // (`urne-tally sign-genesis`, docs/api-ceremony.md §4).
        let bytes = crate::admin::sealing::genesis_archive(&state.db, &id)
            .await
            .map_err(|e| match e {
                Error::Internal(x) => Error::Internal(x),
                _ => Error::NotFound(format!("Élection « {id} » inconnue ou non scellée.")),
            })?;
        let mut r = bytes.into_response();
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{id}-genese.urne\""))
        {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        return Ok(r);
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let db = state.db.clone();
    let election = id.clone();
    tokio::spawn(async move {
        let buf = Shared::default();
        let result: Result<(), String> = async {
            let mut w = ArchiveWriter::new(buf.clone()).map_err(|e| e.to_string())?;
            let mut from: i64 = 0;
            let last = i(head.height);
            while from <= last {
                let rows = sqlx::query(
                    "SELECT bytes FROM events WHERE election_id = $1 AND height >= $2 \
                     AND height <= $3 ORDER BY height LIMIT $4",
                )
                .bind(&election)
                .bind(from)
                .bind(last)
                .bind(ARCHIVE_PAGE)
                .fetch_all(db.read())
                .await
                .map_err(|e| e.to_string())?;
                if rows.is_empty() {
                    return Err("événements manquants".into());
                }
                for r in &rows {
                    let bytes: Vec<u8> = r.try_get("bytes").map_err(|e| e.to_string())?;
                    w.write_event(&bytes).map_err(|e| e.to_string())?;
                }
                from += rows.len() as i64;
                if tx.send(Ok(buf.take())).await.is_err() {
                    return Ok(());
                }
            }
            w.finish(Some(&head)).map_err(|e| e.to_string())?;
            let _ = tx.send(Ok(buf.take())).await;
            Ok(())
        }
        .await;
        if let Err(e) = result {
            tracing::error!(election = %election, error = %e, "archive interrompue");
            let _ = tx.send(Err(std::io::Error::other(e))).await;
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut r = Body::from_stream(stream).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{id}.urne\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

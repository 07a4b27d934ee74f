//! The key ceremony relay (public, for `urne-tally`) and the admin pages of the ceremony, the
//! genesis and the seal.
//!
//! The relay implements docs/api-ceremony.md §5 exactly (no staff session: what matters is the
//! bureau members' signatures; errors are `{"error": "…"}` in French):
//!
//! | Method and path | Request | Response |
//! |---|---|---|
//! | `GET /ceremonies/{ceremony_id}` | — | 200 the ceremony file (`urne-ceremony-1`); 404 unknown |
//! | `GET /ceremonies/{ceremony_id}/messages` | — | 200 `{"messages": [urne-dkg-message-1…]}` in step then member order |
//! | `POST /ceremonies/{ceremony_id}/messages` | one message | 201 `{"file"}` stored; 200 same message already stored; 400 malformed or another ceremony; 403 bad signature or step not allowed; 409 another message of this member for this step, or the ceremony is closed (genesis built) |
//! | `GET /ceremonies/{ceremony_id}/keys` | — | 200 `cles-bureau.json` once complete; 404 before |
//! | `POST /elections/{id}/seal` | the seal file (`urne-sceau-1`) | 201 the `Seal` event appended; 400 malformed; 403 signature, fingerprint or 15-day rule refused; 409 already sealed |

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use urne::ceremony::{BureauKeysFile, DkgMessage};
use urne::encoding::Hash32;

use super::{
    Chrome, CsrfOnly, Outcome, Staff, check_multipart, page, read_multipart, render, respond,
};
use crate::admin::ceremony::{self, Posted};
use crate::admin::{definition, sealing};
use crate::error::Error;
use crate::web::AppState;

pub(super) fn relay_routes() -> Router<AppState> {
    Router::new()
        .route("/ceremonies/{ceremony}", get(ceremony_file))
        .route(
            "/ceremonies/{ceremony}/messages",
            get(messages).post(post_message),
        )
        .route("/ceremonies/{ceremony}/keys", get(keys))
        .route("/elections/{id}/seal", post(relay_seal))
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/elections/{id}/ceremonie", get(ceremony_page))
        .route("/admin/elections/{id}/ceremonie/cles", post(import_keys))
        .route("/admin/elections/{id}/scellement", get(seal_page))
        .route("/admin/elections/{id}/genese", post(build))
        .route("/admin/elections/{id}/sceller", post(seal))
}

/// A relay answer: `{"error": message}` with the status.
fn relay_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": message.into() }))).into_response()
}

/// The relay's statuses for an error of the admin functions.
fn relay_failure(e: Error) -> Response {
    let status = match &e {
        Error::BadRequest(_) => StatusCode::BAD_REQUEST,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Forbidden(_) | Error::Unauthorized(_) => StatusCode::FORBIDDEN,
        Error::Refused(_) | Error::TooManyAttempts(_) => StatusCode::FORBIDDEN,
        Error::Internal(cause) => {
            tracing::error!(%cause, "relais de la cérémonie");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    relay_error(status, e.public_message())
}

/// The election of a ceremony id, or the relay's 404 (boxed: a response is large).
async fn election_of(state: &AppState, id: &str) -> std::result::Result<String, Box<Response>> {
    let cid = Hash32::from_hex(id).map_err(|e| {
        Box::new(relay_error(
            StatusCode::NOT_FOUND,
            format!("cérémonie « {id} » inconnue ({e})"),
        ))
    })?;
    match ceremony::election_of_ceremony(&state.db, &cid).await {
        Ok(Some(e)) => Ok(e),
        Ok(None) => Err(Box::new(relay_error(
            StatusCode::NOT_FOUND,
            format!("cérémonie {}… inconnue de ce serveur", &cid.to_hex()[..16]),
        ))),
        Err(e) => Err(Box::new(relay_failure(e))),
    }
}

async fn ceremony_file(State(state): State<AppState>, Path(cid): Path<String>) -> Response {
    let election = match election_of(&state, &cid).await {
        Ok(e) => e,
        Err(r) => return *r,
    };
    match ceremony::ceremony(&state.db, &election).await {
        Ok(c) => Json(c).into_response(),
        Err(e) => relay_failure(e),
    }
}

async fn messages(State(state): State<AppState>, Path(cid): Path<String>) -> Response {
    let election = match election_of(&state, &cid).await {
        Ok(e) => e,
        Err(r) => return *r,
    };
    match ceremony::board(&state.db, &election).await {
        Ok(b) => Json(serde_json::json!({
            "messages": b.messages().cloned().collect::<Vec<DkgMessage>>()
        }))
        .into_response(),
        Err(e) => relay_failure(e),
    }
}

async fn post_message(
    State(state): State<AppState>,
    Path(cid): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let election = match election_of(&state, &cid).await {
        Ok(e) => e,
        Err(r) => return *r,
    };
    let Ok(text) = std::str::from_utf8(&body) else {
        return relay_error(StatusCode::BAD_REQUEST, "message : UTF-8 attendu");
    };
    let m = match DkgMessage::from_json(text) {
        Ok(m) => m,
        Err(e) => return relay_error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    match ceremony::post(&state.db, &election, m).await {
        Ok(Posted::Stored { file }) => (
            StatusCode::CREATED,
            Json(serde_json::json!({ "file": file })),
        )
            .into_response(),
        Ok(Posted::AlreadyStored { file }) => {
            (StatusCode::OK, Json(serde_json::json!({ "file": file }))).into_response()
        }
        Ok(Posted::Rejected { status, message }) => relay_error(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            message,
        ),
        Err(e) => relay_failure(e),
    }
}

async fn keys(State(state): State<AppState>, Path(cid): Path<String>) -> Response {
    let election = match election_of(&state, &cid).await {
        Ok(e) => e,
        Err(r) => return *r,
    };
    match ceremony::keys_file(&state.db, &election).await {
        Ok(k) => Json(k).into_response(),
        Err(e) => relay_failure(e),
    }
}

async fn relay_seal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let s = match sealing::parse_seal(&String::from_utf8_lossy(&body)) {
        Ok(s) => s,
        Err(e) => return relay_error(StatusCode::BAD_REQUEST, e.public_message()),
    };
    match sealing::is_sealed(&state.db, &id).await {
        Ok(true) => {
            return relay_error(
                StatusCode::CONFLICT,
                format!("l'élection « {id} » est déjà scellée"),
            );
        }
        Ok(false) => {}
        Err(e) => return relay_failure(e),
    }
    match sealing::seal_by_relay(&state.db, &state.keys, &id, &s).await {
        Ok(fp) => (
            StatusCode::CREATED,
            Json(serde_json::json!({ "fingerprint": fp, "height": 1 })),
        )
            .into_response(),
        Err(e) => relay_failure(e),
    }
}

#[derive(Template)]
#[template(path = "admin/ceremony.html")]
struct CeremonyPage {
    c: Chrome,
    id: String,
    sealed: bool,
    threshold: u32,
    status: ceremony::Status,
    recorded: bool,
    /// What the members give `urne-tally keygen step --relay`.
    relay_url: String,
}

async fn ceremony_page(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async {
        let status = ceremony::status(&staff.admin.db, &id).await?;
        if staff.json {
            return Ok(Json(&status).into_response());
        }
        let o = definition::overview(&staff.admin.db, &id).await?;
        Ok(render(
            &CeremonyPage {
                c: staff.chrome(Some(&id)),
                id: id.clone(),
                sealed: o.sealed,
                threshold: o.definition.bureau.threshold,
                recorded: ceremony::recorded(&staff.admin.db, &id).await?,
                relay_url: ceremony::relay_url(&staff.admin.config.public_url, &status.ceremony),
                status,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

async fn import_keys(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    mp: Multipart,
) -> Response {
    let r = async {
        let form = read_multipart(mp).await?;
        check_multipart(&staff, &state, &form)?;
        let f = form
            .get("fichier")
            .filter(|f| !f.bytes.is_empty())
            .ok_or_else(|| Error::Refused("aucun fichier".into()))?;
        let file: BureauKeysFile = serde_json::from_slice(&f.bytes)
            .map_err(|e| Error::Refused(format!("{} : {e}", ceremony::KEYS_FILE)))?;
        let key = ceremony::import_keys(&staff.admin, &id, &file).await?;
        Ok(Outcome::new(
            "Clés du bureau enregistrées",
            format!("La clé de l'élection est {key}."),
            format!("/admin/elections/{id}/scellement"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

#[derive(Template)]
#[template(path = "admin/seal.html")]
struct SealPage {
    c: Chrome,
    id: String,
    sealed: bool,
    fingerprint: String,
    fingerprint_hex: String,
}

async fn seal_page(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async {
        let o = definition::overview(&staff.admin.db, &id).await?;
        let fp = o.fingerprint.clone().unwrap_or_default();
        let grouped = urne::encoding::Hash32::from_hex(&fp)
            .map(|h| sealing::grouped(&h))
            .unwrap_or_default();
        if staff.json {
            return Ok(Json(serde_json::json!({
                "sealed": o.sealed, "fingerprint": o.fingerprint,
            }))
            .into_response());
        }
        Ok(render(
            &SealPage {
                c: staff.chrome(Some(&id)),
                id: id.clone(),
                sealed: o.sealed,
                fingerprint: grouped,
                fingerprint_hex: fp,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

async fn build(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<CsrfOnly>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        let build = crate::keys::server_build_hash().map_err(Error::internal)?;
        let b = sealing::build(&staff.admin, &id, build).await?;
        Ok(Outcome::new(
            "Genèse construite",
            format!(
                "La genèse est construite ({} identifiant(s) de vote). Empreinte à faire \
                 vérifier et signer par le bâtonnier : {}",
                b.credentials, b.grouped
            ),
            format!("/admin/elections/{id}/scellement"),
        )
        .data(serde_json::to_value(&b).unwrap_or_default()))
    }
    .await;
    respond(&staff, Some(&id), r)
}

async fn seal(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    mp: Multipart,
) -> Response {
    let r = async {
        let form = read_multipart(mp).await?;
        check_multipart(&staff, &state, &form)?;
        let f = form
            .get("fichier")
            .filter(|f| !f.bytes.is_empty())
            .ok_or_else(|| Error::Refused("aucun fichier du sceau".into()))?;
        let s = sealing::parse_seal(&f.text())?;
        let fp = sealing::seal(&staff.admin, &id, &s).await?;
        Ok(Outcome::new(
            "Élection scellée",
            format!(
                "L'élection est scellée (empreinte {}). Le vote ouvrira à l'heure prévue.",
                sealing::grouped(&fp)
            ),
            format!("/admin/elections/{id}"),
        )
        .data(serde_json::json!({ "fingerprint": fp })))
    }
    .await;
    respond(&staff, Some(&id), r)
}

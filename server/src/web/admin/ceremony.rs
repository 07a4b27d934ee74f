//! The key ceremony relay (public, for `urne-tally`) and the admin pages of the ceremony, the
//! genesis and the seal.
//!
//! Relay (JSON, no staff session: what matters is the bureau members' signatures):
//!
//! | Method and path | Body | Answer |
//! |---|---|---|
//! | `GET /api/elections/{id}/ceremonie` | — | the ceremony file (`urne-ceremony-1`, `ceremonie.json`) |
//! | `GET /api/elections/{id}/ceremonie/messages` | — | `{"ceremony", "messages": [urne-dkg-message-1…], "waiting_for", "complete", "election_key"}` |
//! | `POST /api/elections/{id}/ceremonie/messages` | one `urne-dkg-message-1` | the same status; 422 with the reason if refused (bad signature, other ceremony, conflicting second message, sealed election) |
//! | `GET /api/elections/{id}/ceremonie/cles` | — | `cles-bureau.json` (`urne-bureau-keys-1`) once complete, 404 before |

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use urne::ceremony::{BureauKeysFile, DkgMessage};

use super::{
    Chrome, CsrfOnly, Outcome, Staff, check_multipart, page, read_multipart, render, respond,
};
use crate::admin::{ceremony, definition, sealing};
use crate::error::{Error, Result};
use crate::web::AppState;

pub(super) fn relay_routes() -> Router<AppState> {
    Router::new()
        .route("/api/elections/{id}/ceremonie", get(ceremony_file))
        .route(
            "/api/elections/{id}/ceremonie/messages",
            get(messages).post(post_message),
        )
        .route("/api/elections/{id}/ceremonie/cles", get(keys))
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/elections/{id}/ceremonie", get(ceremony_page))
        .route("/admin/elections/{id}/ceremonie/cles", post(import_keys))
        .route("/admin/elections/{id}/scellement", get(seal_page))
        .route("/admin/elections/{id}/genese", post(build))
        .route("/admin/elections/{id}/sceller", post(seal))
}

async fn ceremony_file(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response> {
    Ok(Json(ceremony::ceremony(&state.db, &id).await?).into_response())
}

async fn messages(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response> {
    Ok(Json(ceremony::status(&state.db, &id).await?).into_response())
}

async fn post_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| Error::BadRequest("message : UTF-8 attendu".into()))?;
    let m = DkgMessage::from_json(text).map_err(|e| Error::BadRequest(e.to_string()))?;
    Ok(Json(ceremony::post(&state.db, &id, m).await?).into_response())
}

async fn keys(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response> {
    Ok(Json(ceremony::keys_file(&state.db, &id).await?).into_response())
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

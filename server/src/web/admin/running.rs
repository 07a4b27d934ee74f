//! Admin pages of the vote: turnout (numbers only), alert banner, manual close, incidents,
//! elector unlock, émargement.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use urne::model::Cnbf;

use super::{Chrome, Outcome, Staff, download, page, render, respond};
use crate::admin::definition;
use crate::admin::running::{self, Turnout};
use crate::error::{Error, Result};
use crate::web::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/elections/{id}/vote", get(vote_page))
        .route("/admin/elections/{id}/participation.json", get(turnout))
        .route("/admin/elections/{id}/alerte", post(alert))
        .route("/admin/elections/{id}/cloture", post(close))
        .route("/admin/elections/{id}/incidents", post(incident))
        .route("/admin/elections/{id}/deverrouiller", post(unlock))
        .route("/admin/elections/{id}/emargement.csv", get(emargement_csv))
        .route("/admin/elections/{id}/emargement.pdf", get(emargement_pdf))
}

#[derive(Template)]
#[template(path = "admin/vote.html")]
struct VotePage {
    c: Chrome,
    id: String,
    t: Turnout,
    at: String,
    opening: String,
    closing: String,
    alert: String,
    sealed: bool,
}

async fn vote_page(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async {
        let t = running::turnout(&staff.admin, &id).await?;
        if staff.json {
            return Ok(Json(&t).into_response());
        }
        let o = definition::overview(&staff.admin.db, &id).await?;
        let opening = u64::try_from(o.definition.opening.unix_timestamp()).unwrap_or(0);
        let closing = u64::try_from(o.definition.closing.unix_timestamp()).unwrap_or(0);
        Ok(render(
            &VotePage {
                c: staff.chrome(Some(&id)),
                id: id.clone(),
                at: crate::frtime::date_time(t.at),
                t,
                opening: crate::frtime::date_time(opening),
                closing: crate::frtime::date_time(closing),
                alert: o.alert.clone().unwrap_or_default(),
                sealed: o.sealed,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

async fn turnout(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async { Ok(Json(running::turnout(&staff.admin, &id).await?).into_response()) }.await;
    page(&staff, Some(&id), r)
}

#[derive(Debug, Deserialize)]
struct TextForm {
    csrf: String,
    alert: Option<String>,
    reason: Option<String>,
    text: Option<String>,
    cnbf: Option<String>,
    confirm: Option<String>,
}

async fn alert(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<TextForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        running::set_alert(&staff.admin, &id, f.alert.as_deref()).await?;
        Ok(Outcome::new(
            "Bandeau d'alerte",
            if f.alert.as_deref().is_some_and(|a| !a.trim().is_empty()) {
                "Le bandeau d'alerte est affiché sur les pages de vote."
            } else {
                "Le bandeau d'alerte est retiré."
            },
            format!("/admin/elections/{id}/vote"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

async fn close(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<TextForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        if f.confirm.as_deref() != Some("oui") {
            return Err(Error::Refused(
                "cochez la case de confirmation pour clore le vote".into(),
            ));
        }
        let closed = running::close(&staff.admin, &id, f.reason.as_deref().unwrap_or("")).await?;
        Ok(Outcome::new(
            "Vote clos",
            format!(
                "Le vote est clos par décision de l'ordre (hauteur {}) ; le dépouillement chiffré \
                 est publié (hauteur {}). Le bureau peut déchiffrer.",
                closed.close, closed.tally
            ),
            format!("/admin/elections/{id}/vote"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

async fn incident(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<TextForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        running::record_incident(&staff.admin, &id, f.text.as_deref().unwrap_or("")).await?;
        Ok(Outcome::new(
            "Incident consigné",
            "L'incident est consigné ; il figurera au procès-verbal.",
            format!("/admin/elections/{id}/vote"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

async fn unlock(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<TextForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        let cnbf: Cnbf = Cnbf::parse(f.cnbf.as_deref().unwrap_or(""))
            .map_err(|e| Error::Refused(e.to_string()))?;
        running::unlock_elector(&staff.admin, &id, &cnbf).await?;
        Ok(Outcome::new(
            "Verrouillage levé",
            format!("CNBF {cnbf} peut de nouveau se connecter."),
            format!("/admin/elections/{id}/vote"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

async fn emargement(staff: &Staff, id: &str, pdf: bool) -> Result<Response> {
    let bytes = running::emargement(&staff.admin, id, pdf).await?;
    Ok(if pdf {
        download(bytes, "application/pdf", &format!("emargement-{id}.pdf"))
    } else {
        download(
            bytes,
            "text/csv; charset=utf-8",
            &format!("emargement-{id}.csv"),
        )
    })
}

async fn emargement_csv(staff: Staff, Path(id): Path<String>) -> Response {
    let r = emargement(&staff, &id, false).await;
    page(&staff, Some(&id), r)
}

async fn emargement_pdf(staff: Staff, Path(id): Path<String>) -> Response {
    let r = emargement(&staff, &id, true).await;
    page(&staff, Some(&id), r)
}

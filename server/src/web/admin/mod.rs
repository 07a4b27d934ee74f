//! The admin pages (issue 5): askama templates of `templates/admin/`, French, on the elector
//! pages' base layout and under the same Content-Security-Policy and headers (no script at
//! all: plain forms, confirmations by a checkbox). Every page and action calls the functions of
//! [`crate::admin`], which check the rights, refuse with the exact message and write the audit
//! log.
//!
//! - **Login** (`/admin/connexion`): rate-limited per IP like the electors' login, one generic
//!   message, a lockout per account ([`crate::admin::accounts::login`]); a pre-session cookie
//!   `urne_admin_pre` carries the login form's CSRF token; the session cookie `urne_admin` is
//!   `HttpOnly; SameSite=Strict; Path=/` (and `Secure` behind https), a fresh random value at each
//!   login of which the database keeps only the SHA-256.
//! - **CSRF**: every form carries `csrf` = HMAC(cookie key, « admin » ‖ session value), checked in
//!   constant time on every POST.
//! - **JSON**: a client sending `Accept: application/json` gets JSON instead of pages
//!   (`{"message": …}` or the data; errors as the public API's `{"erreur", "message"}`), with
//!   the same cookies and CSRF tokens: the login answer gives the session's `csrf`.
//!
//! Routes are listed in [`routes`]; docs/admin-guide.md describes them for the staff.

mod ceremony;
mod election;
mod prepare;
mod running;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Multipart, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::AppState;
use super::session::{self, check_csrf, cookie, csrf_token, set_cookie};
use crate::admin::accounts::{self, Lockout, Role};
use crate::admin::{Actor, Admin, AdminConfig, audit};
use crate::error::{Error, Result};

/// The staff session cookie.
pub const SESSION_COOKIE: &str = "urne_admin";
/// The pre-session cookie of the login form.
pub const PRE_COOKIE: &str = "urne_admin_pre";
/// Lifetime of a staff session.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(4 * 3600);

/// The routes of the administration that are rate-limited per IP (the login).
pub fn sensitive_routes() -> Router<AppState> {
    Router::new().route("/admin/connexion", post(login))
}

/// Every other route of the administration.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/connexion", get(login_page))
        .route("/admin/deconnexion", post(logout))
        .route("/admin", get(home))
        .route("/admin/comptes", get(users).post(create_user))
        .route("/admin/comptes/{login}/deverrouiller", post(unlock_user))
        .route("/admin/comptes/{login}/desactiver", post(disable_user))
        .route("/admin/comptes/{login}/reactiver", post(enable_user))
        .route("/admin/journal", get(audit_page))
        .route("/admin/journal.csv", get(audit_csv))
        .merge(election::routes())
        .merge(prepare::routes())
        .merge(ceremony::routes())
        .merge(running::routes())
}

/// The public routes of the key ceremony relay (no staff session: each message is signed by a
/// bureau member's key).
pub fn relay_routes() -> Router<AppState> {
    ceremony::relay_routes()
}

/// Whether the client wants JSON.
pub(crate) fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// What every admin page shows around its content.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// « Me X (bâtonnier) ».
    pub staff: Option<String>,
    /// The session's CSRF token.
    pub csrf: String,
    /// The election of the page, for the steps' menu.
    pub election: Option<String>,
}

/// A logged-in staff member, as handlers receive it.
#[derive(Debug, Clone)]
pub struct Staff {
    /// The admin context (database, keys, actor).
    pub admin: Admin,
    /// The session cookie value.
    pub session: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// JSON wanted.
    pub json: bool,
}

impl Staff {
    /// The page chrome.
    pub fn chrome(&self, election: Option<&str>) -> Chrome {
        Chrome {
            staff: Some(self.admin.actor.describe()),
            csrf: self.csrf.clone(),
            election: election.map(str::to_owned),
        }
    }

    /// Checks a form's CSRF token.
    pub fn check(&self, state: &AppState, token: &str) -> Result<()> {
        check_csrf(state, "admin", &self.session, token)
    }
}

/// The admin context of `actor` from the web state.
pub fn admin_of(state: &AppState, actor: Actor) -> Admin {
    Admin {
        db: state.db.clone(),
        keys: state.keys.clone(),
        elections: state.elections.clone(),
        config: Arc::new(AdminConfig {
            mail: state.config.mail.clone(),
            public_url: state.config.public_url.clone(),
        }),
        actor,
    }
}

/// Not logged in: a page redirects to the login form, JSON gets 401.
#[derive(Debug)]
pub struct NotLoggedIn {
    json: bool,
}

impl IntoResponse for NotLoggedIn {
    fn into_response(self) -> Response {
        if self.json {
            Error::Unauthorized("Connexion d'administration nécessaire.".into()).into_response()
        } else {
            Redirect::to("/admin/connexion").into_response()
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> std::result::Result<Self, Self::Rejection> {
        let json = wants_json(&parts.headers);
        let Some(value) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(NotLoggedIn { json }.into_response());
        };
        match accounts::session_actor(&state.db, &value).await {
            Ok(Some(actor)) => Ok(Staff {
                admin: admin_of(state, actor),
                csrf: csrf_token(state, "admin", &value),
                session: value,
                json,
            }),
            Ok(None) => Err(NotLoggedIn { json }.into_response()),
            Err(e) => Err(error_response(e, json)),
        }
    }
}

pub(crate) fn render(t: &impl Template, status: StatusCode) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "gabarit d'administration");
            (StatusCode::INTERNAL_SERVER_ERROR, "erreur interne").into_response()
        }
    }
}

/// A button of the result page (a POST form with the CSRF token).
#[derive(Debug, Clone)]
pub struct FormButton {
    /// Target.
    pub action: String,
    /// Label.
    pub label: String,
    /// Secondary style.
    pub secondary: bool,
}

#[derive(Template)]
#[template(path = "admin/result.html")]
struct ResultPage {
    c: Chrome,
    title: String,
    ok: bool,
    message: String,
    message_first: String,
    message_rest: Vec<String>,
    details: String,
    forms: Vec<FormButton>,
    back: (String, String),
}

/// What an action answers.
#[derive(Debug)]
pub struct Outcome {
    /// Page title.
    pub title: String,
    /// The message.
    pub message: String,
    /// Details (a report), shown preformatted.
    pub details: String,
    /// Buttons (confirm…).
    pub forms: Vec<FormButton>,
    /// Where to go back.
    pub back: String,
    /// JSON data for machines.
    pub data: serde_json::Value,
}

impl Outcome {
    /// An outcome with a message, returning to `back`.
    pub fn new(title: &str, message: impl Into<String>, back: impl Into<String>) -> Self {
        Outcome {
            title: title.to_owned(),
            message: message.into(),
            details: String::new(),
            forms: vec![],
            back: back.into(),
            data: serde_json::Value::Null,
        }
    }

    /// With a report.
    pub fn details(mut self, d: impl Into<String>) -> Self {
        self.details = d.into();
        self
    }

    /// With JSON data.
    pub fn data(mut self, v: serde_json::Value) -> Self {
        self.data = v;
        self
    }

    /// With a button.
    pub fn button(mut self, action: String, label: &str, secondary: bool) -> Self {
        self.forms.push(FormButton {
            action,
            label: label.to_owned(),
            secondary,
        });
        self
    }
}

/// The answer of an action: the result page, or JSON.
pub fn respond(staff: &Staff, election: Option<&str>, r: Result<Outcome>) -> Response {
    match r {
        Ok(o) => {
            if staff.json {
                let mut body = serde_json::json!({ "message": o.message });
                if !o.details.is_empty() {
                    body["details"] = serde_json::Value::String(o.details.clone());
                }
                if !o.data.is_null() {
                    body["data"] = o.data;
                }
                return axum::Json(body).into_response();
            }
            render(
                &ResultPage {
                    c: staff.chrome(election),
                    title: o.title,
                    ok: true,
                    message: o.message,
                    message_first: String::new(),
                    message_rest: vec![],
                    details: o.details,
                    forms: o.forms,
                    back: (o.back, "Retour".into()),
                },
                StatusCode::OK,
            )
        }
        Err(e) => {
            if staff.json {
                return e.into_response();
            }
            error_page(&staff.chrome(election), e, election)
        }
    }
}

fn error_page(chrome: &Chrome, e: Error, election: Option<&str>) -> Response {
    if let Error::Internal(cause) = &e {
        tracing::error!(%cause, "erreur interne");
    }
    let status = e.status();
    let msg = e.public_message();
    let mut lines = msg.lines().map(|l| l.trim_start_matches("- ").to_owned());
    let first = lines.next().unwrap_or_default();
    let rest: Vec<String> = lines.filter(|l| !l.trim().is_empty()).collect();
    let back = match election {
        Some(id) => format!("/admin/elections/{id}"),
        None => "/admin".into(),
    };
    render(
        &ResultPage {
            c: chrome.clone(),
            title: "Action refusée".into(),
            ok: false,
            message: msg.clone(),
            message_first: first,
            message_rest: rest,
            details: String::new(),
            forms: vec![],
            back: (back, "Retour".into()),
        },
        status,
    )
}

/// An error as an answer to a client without a session context.
pub(crate) fn error_response(e: Error, json: bool) -> Response {
    if json {
        e.into_response()
    } else {
        error_page(&Chrome::default(), e, None)
    }
}

/// A page, or the error page.
pub fn page(staff: &Staff, election: Option<&str>, r: Result<Response>) -> Response {
    r.unwrap_or_else(|e| {
        if staff.json {
            e.into_response()
        } else {
            error_page(&staff.chrome(election), e, election)
        }
    })
}

/// A file download.
pub fn download(bytes: Vec<u8>, media: &'static str, name: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// An uploaded file or a text field of a multipart form.
#[derive(Debug, Default)]
pub struct Upload {
    /// File name (empty for a text field).
    pub file_name: String,
    /// Bytes.
    pub bytes: Vec<u8>,
}

impl Upload {
    /// As text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Reads every field of a multipart form.
pub async fn read_multipart(mut mp: Multipart) -> Result<HashMap<String, Upload>> {
    let mut out = HashMap::new();
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| Error::BadRequest(format!("formulaire illisible : {e}")))?
    {
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().unwrap_or("").to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| Error::BadRequest(format!("formulaire illisible : {e}")))?;
        out.insert(
            name,
            Upload {
                file_name,
                bytes: bytes.to_vec(),
            },
        );
    }
    Ok(out)
}

/// The CSRF token of a multipart form, checked.
pub fn check_multipart(
    staff: &Staff,
    state: &AppState,
    form: &HashMap<String, Upload>,
) -> Result<()> {
    let token = form.get("csrf").map(Upload::text).unwrap_or_default();
    staff.check(state, &token)
}

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    c: Chrome,
    csrf: String,
    error: Option<String>,
}

/// `GET /admin/connexion`.
pub async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (pre, fresh) = match cookie(&headers, PRE_COOKIE) {
        Some(v) if v.len() == 64 => (v, false),
        _ => (session::random_value(), true),
    };
    let csrf = csrf_token(&state, "admin-pre", &pre);
    let mut r = if wants_json(&headers) {
        axum::Json(serde_json::json!({ "csrf": csrf })).into_response()
    } else {
        render(
            &LoginPage {
                c: Chrome::default(),
                csrf,
                error: None,
            },
            StatusCode::OK,
        )
    };
    if fresh {
        r.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&state, PRE_COOKIE, &pre, None),
        );
    }
    r
}

/// The login form.
#[derive(Deserialize)]
pub struct LoginForm {
    /// Login.
    pub login: String,
    /// Password.
    pub password: String,
    /// CSRF token of the login page.
    pub csrf: String,
}

impl std::fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginForm(<secret>)")
    }
}

/// `POST /admin/connexion`.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LoginForm>,
) -> Response {
    let json = wants_json(&headers);
    let password = zeroize::Zeroizing::new(form.password);
    let pre = cookie(&headers, PRE_COOKIE).unwrap_or_default();
    if let Err(e) = check_csrf(&state, "admin-pre", &pre, &form.csrf) {
        return error_response(e, json);
    }
    let rule = Lockout {
        max_failures: state.config.max_login_failures,
        duration: state.config.lockout,
    };
    match accounts::login(&state.db, form.login.trim(), &password, rule).await {
        Ok(actor) => {
            let value =
                match accounts::create_session(&state.db, &actor.login, SESSION_LIFETIME).await {
                    Ok(v) => v,
                    Err(e) => return error_response(e, json),
                };
            let mut r = if json {
                axum::Json(serde_json::json!({
                    "csrf": csrf_token(&state, "admin", &value),
                    "login": actor.login,
                    "role": actor.role.code(),
                }))
                .into_response()
            } else {
                Redirect::to("/admin").into_response()
            };
            r.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    &state,
                    SESSION_COOKIE,
                    &value,
                    Some(SESSION_LIFETIME.as_secs()),
                ),
            );
            r
        }
        Err(e) if json => e.into_response(),
        Err(e) => {
            let status = e.status();
            render(
                &LoginPage {
                    c: Chrome::default(),
                    csrf: form.csrf,
                    error: Some(e.public_message()),
                },
                status,
            )
        }
    }
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    /// The token.
    pub csrf: String,
}

/// `POST /admin/deconnexion`.
pub async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    axum::Form(f): axum::Form<CsrfOnly>,
) -> Response {
    if let Err(e) = staff.check(&state, &f.csrf) {
        return error_response(e, staff.json);
    }
    if let Err(e) = accounts::end_session(&state.db, &staff.session).await {
        return error_response(e, staff.json);
    }
    let mut r = Redirect::to("/admin/connexion").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    r
}

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    c: Chrome,
    elections: Vec<(String, String, bool, String)>,
}

/// `GET /admin`.
pub async fn home(staff: Staff) -> Response {
    let r = async {
        let elections = crate::admin::definition::list(&staff.admin.db).await?;
        if staff.json {
            let list: Vec<serde_json::Value> = elections
                .iter()
                .map(|(id, barreau, test, state)| {
                    serde_json::json!({"id": id, "barreau": barreau, "test": test, "state": state})
                })
                .collect();
            return Ok(axum::Json(list).into_response());
        }
        Ok(render(
            &HomePage {
                c: staff.chrome(None),
                elections,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&staff, None, r)
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<accounts::StaffUser>,
}

/// `GET /admin/comptes`.
pub async fn users(staff: Staff) -> Response {
    let r = async {
        let users = accounts::list_users(&staff.admin.db).await?;
        if staff.json {
            return Ok(axum::Json(users).into_response());
        }
        Ok(render(
            &UsersPage {
                c: staff.chrome(None),
                users,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&staff, None, r)
}

/// The account creation form.
#[derive(Deserialize)]
pub struct NewUser {
    csrf: String,
    login: String,
    name: String,
    role: String,
    password: String,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

/// `POST /admin/comptes`.
pub async fn create_user(
    State(state): State<AppState>,
    staff: Staff,
    axum::Form(f): axum::Form<NewUser>,
) -> Response {
    let password = zeroize::Zeroizing::new(f.password);
    let r = async {
        staff.check(&state, &f.csrf)?;
        let role = Role::parse(&f.role)?;
        accounts::create_user(&staff.admin, f.login.trim(), &f.name, role, &password).await?;
        Ok(Outcome::new(
            "Compte créé",
            format!(
                "Le compte « {} » ({}) est créé.",
                f.login.trim(),
                role.label()
            ),
            "/admin/comptes",
        ))
    }
    .await;
    respond(&staff, None, r)
}

async fn account_action(
    state: &AppState,
    staff: &Staff,
    login: &str,
    csrf: &str,
    what: &str,
) -> Result<Outcome> {
    staff.check(state, csrf)?;
    match what {
        "unlock" => accounts::unlock_user(&staff.admin, login).await?,
        "disable" => accounts::set_disabled(&staff.admin, login, true).await?,
        _ => accounts::set_disabled(&staff.admin, login, false).await?,
    }
    Ok(Outcome::new(
        "Compte modifié",
        format!("Le compte « {login} » est modifié."),
        "/admin/comptes",
    ))
}

/// `POST /admin/comptes/{login}/deverrouiller`.
pub async fn unlock_user(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Path(login): axum::extract::Path<String>,
    axum::Form(f): axum::Form<CsrfOnly>,
) -> Response {
    let r = account_action(&state, &staff, &login, &f.csrf, "unlock").await;
    respond(&staff, None, r)
}

/// `POST /admin/comptes/{login}/desactiver`.
pub async fn disable_user(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Path(login): axum::extract::Path<String>,
    axum::Form(f): axum::Form<CsrfOnly>,
) -> Response {
    let r = account_action(&state, &staff, &login, &f.csrf, "disable").await;
    respond(&staff, None, r)
}

/// `POST /admin/comptes/{login}/reactiver`.
pub async fn enable_user(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Path(login): axum::extract::Path<String>,
    axum::Form(f): axum::Form<CsrfOnly>,
) -> Response {
    let r = account_action(&state, &staff, &login, &f.csrf, "enable").await;
    respond(&staff, None, r)
}

/// `?election=ID`.
#[derive(Debug, Deserialize)]
pub struct ElectionQuery {
    /// Only this election's entries.
    pub election: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    c: Chrome,
    election: Option<String>,
    lines: Vec<audit::LogLine>,
}

/// `GET /admin/journal[?election=ID]`.
pub async fn audit_page(staff: Staff, Query(q): Query<ElectionQuery>) -> Response {
    let r = async {
        let mut lines = audit::list(&staff.admin.db, q.election.as_deref()).await?;
        if staff.json {
            return Ok(axum::Json(lines).into_response());
        }
        lines.reverse();
        Ok(render(
            &AuditPage {
                c: staff.chrome(q.election.as_deref()),
                election: q.election.clone(),
                lines,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&staff, None, r)
}

/// `GET /admin/journal.csv[?election=ID]`.
pub async fn audit_csv(staff: Staff, Query(q): Query<ElectionQuery>) -> Response {
    let r = async {
        let lines = audit::list(&staff.admin.db, q.election.as_deref()).await?;
        let csv = audit::to_csv(&lines)?;
        audit::record(
            &staff.admin.db,
            &audit::Entry {
                actor: &staff.admin.actor,
                election: q.election.as_deref(),
                action: "audit.export",
                outcome: audit::Outcome::Done,
                summary: &format!("journal exporté en CSV ({} entrée(s))", lines.len()),
                before: None,
                after: None,
            },
        )
        .await?;
        Ok(download(
            csv,
            "text/csv; charset=utf-8",
            "journal-audit.csv",
        ))
    }
    .await;
    page(&staff, None, r)
}

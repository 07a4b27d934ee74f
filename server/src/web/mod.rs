//! The HTTP side: one [`AppState`], routes by resource, the protections of issue 4 §5.
//!
//! - [`pages`]: the elector's pages (home, login, ballot, receipt), askama templates in
//!   `templates/`;
//! - [`vote`]: the elector's JSON actions (login, proxy activation, ballot deposit, receipt
//!   download);
//! - [`api`]: the public JSON endpoints and the archive (docs/api.md);
//! - [`assets`]: the booth (wasm + JS), the page scripts and the style sheet, embedded in the
//!   binary;
//! - [`session`]: cookies, sessions and CSRF tokens.
//!
//! Protections applied to every response: a strict Content-Security-Policy (no inline script,
//! no external resource; `'wasm-unsafe-eval'` only to compile the booth), `X-Frame-Options:
//! DENY`, `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, HSTS when the public
//! URL is https; request bodies are limited and requests time out; login and the receipt check
//! are rate-limited per IP (tower_governor) and login per CNBF number (lockout, see
//! [`vote::login`]).

pub mod admin;
pub mod api;
pub mod assets;
pub mod pages;
pub mod session;
pub mod vote;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::routing::{get, post};
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::{PeerIpKeyExtractor, SmartIpKeyExtractor};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use zeroize::Zeroizing;

use crate::ballots::Appender;
use crate::db::Db;
use crate::election::Elections;
use crate::keys::ServerKeys;

/// A rate limit: `burst` requests at once, then one every `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Replenishment period of one request.
    pub period: Duration,
    /// Requests allowed at once.
    pub burst: u32,
}

/// What the web layer needs to know.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The URL electors use (`https://…` behind a TLS reverse proxy): makes cookies `Secure` and
    /// turns HSTS on when https.
    pub public_url: String,
    /// Take the client IP from `X-Forwarded-For` / `Forwarded` (only behind a trusted reverse
    /// proxy that sets them).
    pub trust_forwarded: bool,
    /// Per-IP limit of login attempts and receipt checks; `None`: none (benchmarks).
    pub ip_rate_limit: Option<RateLimit>,
    /// Consecutive wrong codes after which a CNBF number is locked.
    pub max_login_failures: u32,
    /// How long a lockout lasts (an admin may lift it earlier, [`crate::setup::unlock_elector`]).
    pub lockout: Duration,
    /// Lifetime of an elector session.
    pub session_lifetime: Duration,
    /// Time limit of a request.
    pub request_timeout: Duration,
    /// E-mail of the codes' letters by the admin (issue 5), if configured.
    pub mail: Option<crate::admin::MailConfig>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: "http://127.0.0.1:8080".into(),
            trust_forwarded: false,
            ip_rate_limit: Some(RateLimit {
                period: Duration::from_secs(2),
                burst: 30,
            }),
            max_login_failures: 5,
            lockout: Duration::from_secs(15 * 60),
            session_lifetime: Duration::from_secs(60 * 60),
            request_timeout: Duration::from_secs(30),
            mail: None,
        }
    }
}

impl WebConfig {
    /// Whether the public URL is https.
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The state shared by every handler.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// What [`AppState`] holds.
pub struct Inner {
    /// The database.
    pub db: Db,
    /// The server and ordre keys.
    pub keys: Arc<ServerKeys>,
    /// Sealed elections.
    pub elections: Elections,
    /// The ballot appender.
    pub appender: Appender,
    /// Configuration.
    pub config: WebConfig,
    /// Candidates' names of sealed elections (the roll cannot change after the seal).
    pub(crate) names: pages::NameCache,
    cookie_key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Builds the state and starts the ballot appender.
    pub fn new(db: Db, keys: Arc<ServerKeys>, elections: Elections, config: WebConfig) -> Self {
        let appender = Appender::start(db.clone(), keys.clone());
        let cookie_key = keys.cookie_key();
        AppState(Arc::new(Inner {
            db,
            keys,
            elections,
            appender,
            config,
            names: pages::NameCache::default(),
            cookie_key,
        }))
    }

    pub(crate) fn cookie_key(&self) -> &[u8; 32] {
        &self.0.cookie_key
    }
}

/// The Content-Security-Policy of every response: nothing external, no inline script or style,
/// scripts only from this origin (`'wasm-unsafe-eval'` lets them compile the booth's wasm).
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

fn static_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

fn limited<K>(router: Router<AppState>, limit: RateLimit, key: K) -> Router<AppState>
where
    K: tower_governor::key_extractor::KeyExtractor + Send + Sync + 'static,
    K::Key: Send + Sync + 'static,
{
    let mut builder = GovernorConfigBuilder::default().key_extractor(key);
    builder.period(limit.period).burst_size(limit.burst.max(1));
    match builder.finish() {
        Some(config) => router.layer(GovernorLayer::new(config).error_handler(|_| {
            let body = serde_json::json!({
                "erreur": "trop_de_tentatives",
                "message": "Trop de demandes depuis votre connexion : patientez une minute avant \
                            de réessayer.",
            });
            let mut r = axum::response::IntoResponse::into_response((
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(body),
            ));
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            r
        })),
        None => router,
    }
}

/// The application's routes with every protection layer.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    // Routes limited per IP: login and the receipt check (what a guesser would hammer).
    let mut sensitive = Router::new()
        .route("/elections/{id}/connexion", post(vote::login))
        .route(
            "/api/elections/{id}/receipts/check",
            post(api::check_receipt),
        )
        .merge(admin::sensitive_routes());
    if let Some(limit) = config.ip_rate_limit {
        sensitive = if config.trust_forwarded {
            limited(sensitive, limit, SmartIpKeyExtractor)
        } else {
            limited(sensitive, limit, PeerIpKeyExtractor)
        };
    }
    let ballots = Router::new()
        .route("/elections/{id}/bulletins", post(vote::submit_ballot))
        // A ballot of the largest contests is some hundred kilobytes.
        .layer(DefaultBodyLimit::max(2 * 1024 * 1024));
    let app = Router::new()
        .route("/", get(pages::home))
        .route("/elections/{id}", get(pages::election))
        .route("/elections/{id}/connexion", get(pages::login))
        .route("/elections/{id}/deconnexion", post(vote::logout))
        .route("/elections/{id}/vote", get(pages::ballot))
        .route("/elections/{id}/procuration", post(vote::activate_proxy))
        .route("/elections/{id}/recepisse", get(pages::receipt))
        .route(
            "/elections/{id}/recepisse.json",
            get(vote::download_receipt),
        )
        .route("/elections/{id}/archive", get(api::archive))
        .route("/api/health", get(api::health))
        .route("/api/elections", get(api::elections))
        .route("/api/elections/{id}", get(api::election))
        .route("/api/elections/{id}/board", get(api::board))
        .route("/api/elections/{id}/head", get(api::head))
        .route("/api/elections/{id}/archive", get(api::archive))
        .route("/static/{file}", get(assets::serve))
        .merge(admin::relay_routes())
        .merge(sensitive)
        .layer(DefaultBodyLimit::max(64 * 1024))
        .merge(ballots)
        // Staff uploads: a liste électorale of 35 000 lines is some 6 MB.
        .merge(admin::routes().layer(DefaultBodyLimit::max(32 * 1024 * 1024)))
        .fallback(pages::not_found)
        .with_state(state);
    let mut app = app
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(static_header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(static_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(static_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(static_header(header::REFERRER_POLICY, "no-referrer"))
        .layer(static_header(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(static_header(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ))
        .layer(static_header(header::CACHE_CONTROL, "no-store"));
    if config.https() {
        app = app.layer(static_header(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ));
    }
    app
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

//! Test support (feature `test-support`), shared by the server's own tests and the end-to-end
//! crate `tests/e2e`: [`spawn_app`] starts a real server on a free loopback port with a fresh,
//! migrated database — a SQLite file in a temporary directory, or a uniquely named PostgreSQL
//! database created on `URNE_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`)
//! and dropped afterwards — so that the same tests run on both backends. [`Voter`] drives the
//! elector's pages over HTTP as the browser does, and makes ballots with the core exactly as the
//! booth does; [`admin`] has the staff's browser, the bureau's in-process key ceremony and the
//! letters read back with `pdftotext`.
//!
//! Every helper fails the test that calls it (a panic with the server's answer) rather than
//! returning an error: a step that does not go through is the test's failure, and the lints that
//! forbid `unwrap`/`expect`/`panic` in the server's input-handling code are lifted here only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod admin;

use std::path::PathBuf;
use std::time::Duration;

use crate::fixture::{self, FixtureOptions, OpenElection};
use crate::server::{Running, ServeConfig};
use crate::web::{RateLimit, WebConfig};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Connection;
use urne::crypto::ballot::{Ballot, ContestChoice, ContestShape, ElectionParams};
use urne::crypto::credential::Credential;
use urne::crypto::elgamal::ElectionKey;
use urne::encoding::{Hash32, hex, unhex};

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

fn random_suffix() -> String {
    let mut b = [0u8; 6];
    rand::fill(&mut b);
    hex(&b)
}

pub fn postgres_base() -> String {
    std::env::var("URNE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn with_database(base: &str, db: &str) -> String {
    match base.rfind('/') {
        Some(i) if i > "postgres://".len() => format!("{}/{db}", &base[..i]),
        _ => format!("{base}/{db}"),
    }
}

/// A server under test.
#[derive(Debug)]
pub struct TestApp {
    pub base: String,
    pub running: Option<Running>,
    pub dir: PathBuf,
    pub backend: Backend,
    pub database_url: String,
    pg_database: Option<String>,
}

/// Options of [`spawn_app_with`].
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    pub ip_rate_limit: Option<RateLimit>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, AppOptions::default()).await
}

pub async fn spawn_app_with(backend: Backend, options: AppOptions) -> TestApp {
    let suffix = random_suffix();
    let dir = std::env::temp_dir().join(format!("urne-test-{suffix}"));
    std::fs::create_dir_all(&dir).unwrap();
    let (database_url, pg_database) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", dir.join("urne.sqlite3").display()),
            None,
        ),
        Backend::Postgres => {
            let name = format!("urne_test_{suffix}");
            let base = postgres_base();
            let mut conn = sqlx::postgres::PgConnection::connect(&base)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL injoignable sur {base} : {e}"));
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
            (with_database(&base, &name), Some(name))
        }
    };
    let running = start(&dir, &database_url, &options).await;
    TestApp {
        base: format!("http://{}", running.addr),
        running: Some(running),
        dir,
        backend,
        database_url,
        pg_database,
    }
}

async fn start(dir: &std::path::Path, database_url: &str, options: &AppOptions) -> Running {
    let config = ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.to_owned(),
        server_key: dir.join("server.key"),
        ordre_key: dir.join("ordre.key"),
        web: WebConfig {
            public_url: "http://127.0.0.1".into(),
            ip_rate_limit: options.ip_rate_limit,
            ..WebConfig::default()
        },
        close_every: Duration::from_millis(500),
    };
    crate::server::start(config, false).await.unwrap()
}

impl TestApp {
    /// A server run by another process (the `urne-server` binary) at `base`, for the helpers
    /// that only speak HTTP.
    pub fn external(base: &str) -> TestApp {
        TestApp {
            base: base.trim_end_matches('/').to_owned(),
            running: None,
            dir: PathBuf::new(),
            backend: Backend::Sqlite,
            database_url: String::new(),
            pg_database: None,
        }
    }

    pub fn running(&self) -> &Running {
        self.running.as_ref().unwrap()
    }
    pub fn state(&self) -> &crate::web::AppState {
        &self.running().state
    }
    pub fn db(&self) -> &crate::db::Db {
        &self.state().db
    }
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A second server process on the same database and key files (several instances on one
    /// PostgreSQL).
    pub async fn second_instance(&self) -> Running {
        start(&self.dir, &self.database_url, &AppOptions::default()).await
    }

    /// An election built with the fixture on this server's database and keys.
    pub async fn election(&self, options: FixtureOptions) -> OpenElection {
        fixture::open_election(self.db(), &self.state().keys, &options)
            .await
            .unwrap()
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.unwrap();
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(name) = self.pg_database.take() {
            // Drop may run inside the test's runtime: use a thread with its own.
            let base = postgres_base();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(mut c) = sqlx::postgres::PgConnection::connect(&base).await {
                        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut c)
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

pub use crate::load::unescape_html;

/// The `data-config` JSON of a page.
pub fn page_config(html: &str) -> Value {
    crate::load::page_config(html).expect("data-config")
}

/// The session's CSRF token in a page: the `data-config` of the ballot page, or the logout form.
pub fn csrf_of(html: &str) -> String {
    if html.contains("data-config=\"") {
        return page_config(html)["csrf"].as_str().unwrap().to_owned();
    }
    crate::load::form_csrf(html).expect("csrf")
}

/// `name=value` of a `Set-Cookie` header of `name`.
pub fn set_cookie(resp: &reqwest::Response, name: &str) -> Option<String> {
    crate::load::cookie_of(resp, name)
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// An elector's browser: the session cookie and the CSRF token of the ballot page.
#[derive(Debug, Clone)]
pub struct Voter {
    pub client: reqwest::Client,
    pub base: String,
    pub election: String,
    pub cookie: String,
    pub csrf: String,
}

/// The login page's pre-session cookie and CSRF token.
pub async fn login_page(app: &TestApp, election: &str) -> (String, String) {
    let c = client();
    let r = c
        .get(app.url(&format!("/elections/{election}/connexion")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let pre = set_cookie(&r, "urne_pre").expect("pre-session cookie");
    let html = r.text().await.unwrap();
    let cfg = page_config(&html);
    (pre, cfg["csrf"].as_str().unwrap().to_owned())
}

/// Posts a login with `token`; returns the response.
pub async fn post_login(
    app: &TestApp,
    election: &str,
    cnbf: &str,
    token: &str,
) -> reqwest::Response {
    let (pre, csrf) = login_page(app, election).await;
    client()
        .post(app.url(&format!("/elections/{election}/connexion")))
        .header(reqwest::header::COOKIE, pre)
        .json(&serde_json::json!({ "cnbf": cnbf, "token": token, "csrf": csrf }))
        .send()
        .await
        .unwrap()
}

impl Voter {
    /// Logs in as the booth does: the token derived from the credential, never the code.
    pub async fn login(
        app: &TestApp,
        election: &str,
        cnbf: &str,
        credential: &Credential,
    ) -> Voter {
        let token = hex(&credential.login_token().0);
        let r = post_login(app, election, cnbf, &token).await;
        assert_eq!(r.status(), StatusCode::OK, "connexion refusée");
        let cookie = set_cookie(&r, "urne_session").expect("session cookie");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["redirect"], format!("/elections/{election}/vote"));
        let mut v = Voter {
            client: client(),
            base: app.base.clone(),
            election: election.to_owned(),
            cookie,
            csrf: String::new(),
        };
        let html = v.get_ok("/vote").await;
        v.csrf = csrf_of(&html);
        v
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}/elections/{}{path}", self.base, self.election))
            .header(reqwest::header::COOKIE, &self.cookie)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_ok(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.text().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .client
            .post(format!("{}/elections/{}{path}", self.base, self.election))
            .header(reqwest::header::COOKIE, &self.cookie)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Deposits a ballot (hex).
    pub async fn submit(&self, ballot: &str, procuration: bool) -> (StatusCode, Value) {
        self.post(
            "/bulletins",
            serde_json::json!({ "ballot": ballot, "procuration": procuration, "csrf": self.csrf }),
        )
        .await
    }
}

/// What the booth gets from the ballot page and the public API: fingerprint, election key, and
/// the shapes of the credential's contests.
#[derive(Debug, Clone)]
pub struct BoothParams {
    pub fingerprint: Hash32,
    pub key: ElectionKey,
    pub shapes: Vec<(u32, ContestShape)>,
}

pub async fn booth_params(app: &TestApp, election: &str) -> BoothParams {
    let v: Value = client()
        .get(app.url(&format!("/api/elections/{election}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fingerprint = Hash32::from_hex(v["fingerprint"].as_str().unwrap()).unwrap();
    let key = ElectionKey::decode(&unhex(v["election_key"].as_str().unwrap()).unwrap()).unwrap();
    let shapes = v["contests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["index"].as_u64().unwrap() as u32,
                ContestShape {
                    options: c["options"].as_u64().unwrap() as u32,
                    max: c["max"].as_u64().unwrap() as u32,
                },
            )
        })
        .collect();
    BoothParams {
        fingerprint,
        key,
        shapes,
    }
}

/// A ballot for `contests` with `selected` (aligned; empty = blank), made exactly as the booth
/// makes it (`Ballot::prepare` over the credential's contests).
pub fn make_ballot(
    p: &BoothParams,
    credential: &Credential,
    contests: &[u32],
    selected: &[Vec<u32>],
) -> String {
    let shapes = contests
        .iter()
        .map(|c| *p.shapes.iter().find(|(i, _)| i == c).unwrap())
        .collect();
    let params = ElectionParams::with_contests(p.fingerprint, p.key, shapes).unwrap();
    let choices: Vec<ContestChoice> = contests
        .iter()
        .zip(selected)
        .map(|(c, s)| ContestChoice {
            contest: *c,
            selected: s.clone(),
        })
        .collect();
    let b = Ballot::prepare(&params, credential, &choices, &mut rand::rng()).unwrap();
    hex(&b.encode())
}

/// The first option of each contest.
pub fn first_choices(contests: &[u32]) -> Vec<Vec<u32>> {
    contests.iter().map(|_| vec![0]).collect()
}

/// Small election options for tests.
pub fn options(id: &str) -> FixtureOptions {
    FixtureOptions {
        election_id: id.to_owned(),
        electors: 20,
        // Credentials without the argon2 cost; the tests of the login path issue real codes.
        real_codes: false,
        ..FixtureOptions::default()
    }
}

/// The public board.
pub async fn board(app: &TestApp, election: &str) -> Value {
    client()
        .get(app.url(&format!("/api/elections/{election}/board?limit=1000")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Downloads the archive.
pub async fn archive(app: &TestApp, election: &str) -> Vec<u8> {
    let r = client()
        .get(app.url(&format!("/elections/{election}/archive")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()[reqwest::header::CONTENT_TYPE],
        "application/vnd.urne.archive"
    );
    r.bytes().await.unwrap().to_vec()
}

/// The executable of the workspace binary `name` (`urne-tally`, `urne-verify`) as the README's
/// test command builds it: `cargo test --workspace --locked --no-run`, a no-op check under that
/// command (CI), a build of the workspace's tests otherwise. Cargo gives `CARGO_BIN_EXE_*` for a
/// test's own package only; a binary found lying in `target/` could be stale; and
/// `cargo build -p NAME` would resolve other features and rebuild the core. Asked once per test
/// process.
pub fn workspace_binary(name: &str) -> PathBuf {
    static ARTIFACTS: std::sync::OnceLock<Vec<(String, PathBuf)>> = std::sync::OnceLock::new();
    let artifacts = ARTIFACTS.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut cargo = std::process::Command::new(env!("CARGO"));
        cargo
            .args([
                "test",
                "--workspace",
                "--locked",
                "--no-run",
                "--quiet",
                "--message-format=json-render-diagnostics",
            ])
            .current_dir(&root);
        // Not the variables cargo sets for this test process: a build script that watches one
        // (ring's watches CARGO_MANIFEST_DIR) would be rerun, and every test binary depending on
        // it — this one included, while it runs — rebuilt.
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy();
            if k.starts_with("CARGO_MANIFEST")
                || k.starts_with("CARGO_PKG_")
                || k.starts_with("CARGO_CRATE_")
                || k.starts_with("CARGO_BIN_")
                || k == "CARGO_TARGET_TMPDIR"
                || k == "CARGO_PRIMARY_PACKAGE"
                || k == "OUT_DIR"
            {
                cargo.env_remove(k.as_ref());
            }
        }
        let out = cargo.output().unwrap();
        assert!(
            out.status.success(),
            "cargo test --workspace --no-run: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|m| {
                m["reason"] == "compiler-artifact"
                    && m["target"]["kind"][0] == "bin"
                    // Not a binary's unit-test harness, which cargo also builds.
                    && m["profile"]["test"] == false
            })
            .filter_map(|m| {
                let exe = PathBuf::from(m["executable"].as_str()?);
                Some((m["target"]["name"].as_str()?.to_owned(), exe))
            })
            .collect()
    });
    artifacts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, exe)| exe.clone())
        .unwrap_or_else(|| panic!("cargo did not report the {name} executable"))
}

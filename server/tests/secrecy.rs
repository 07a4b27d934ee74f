//! No plaintext choice, code or login token is stored in the database or printed in the logs
//! during a full vote (issue 4, "Must show"). The server logs at TRACE level into a buffer (every
//! crate: axum, hyper, sqlx statements…); the database is read whole — the SQLite file and its
//! WAL byte for byte, every PostgreSQL row as text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::{Arc, Mutex, OnceLock};

use common::{Backend, Voter, board, booth_params, make_ballot, options, spawn_app};
use reqwest::StatusCode;
use urne::encoding::hex;
use urne_server::fixture::FixtureOptions;

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logs() -> &'static Logs {
    static LOGS: OnceLock<Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs::default();
        let writer = logs.clone();
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        logs
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

async fn database_bytes(app: &common::TestApp) -> Vec<u8> {
    match app.backend {
        Backend::Sqlite => {
            let mut all = Vec::new();
            for suffix in ["", "-wal", "-shm"] {
                let p = app.dir.join(format!("urne.sqlite3{suffix}"));
                if let Ok(b) = std::fs::read(p) {
                    all.extend(b);
                }
            }
            assert!(all.len() > 4096, "the database file was read");
            all
        }
        Backend::Postgres => {
            let mut all = Vec::new();
            for table in [
                "elections",
                "rolls",
                "electors",
                "procurations",
                "credentials",
                "events",
                "ballots",
                "heads",
                "sessions",
            ] {
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT CAST(t AS TEXT) FROM {table} t"
                )))
                .fetch_all(app.db().read())
                .await
                .unwrap();
                for r in rows {
                    all.extend(r.into_bytes());
                    all.push(b'\n');
                }
            }
            all
        }
    }
}

async fn no_plaintext_choice_code_or_login_token_reaches_the_database_or_the_logs(
    backend: Backend,
) {
    let logs = logs();
    let app = spawn_app(backend).await;
    let e = app
        .election(FixtureOptions {
            real_codes: true,
            ..options(&format!("secret-{}", matches!(backend, Backend::Postgres)))
        })
        .await;
    let el = &e.electors[9];
    let code = el.code.as_ref().unwrap();
    let v = Voter::login(&app, &e.id, el.cnbf.as_str(), &el.credential).await;
    let p = booth_params(&app, &e.id).await;
    let selections = vec![vec![2], vec![1, 3]];
    let ballot = make_ballot(&p, &el.credential, &el.contests, &selections);
    let (status, _) = v.submit(&ballot, false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(board(&app, &e.id).await["total"], 1);
    let _ = v.get_ok("/recepisse").await;

    let token = el.credential.login_token().0;
    let secret = el.credential.secret_bytes();
    let printed = code.to_printed();
    let normalized = String::from_utf8(code.normalized().to_vec()).unwrap();
    let secrets: Vec<(&str, Vec<u8>)> = vec![
        ("code imprimé", printed.clone().into_bytes()),
        ("code normalisé", normalized.clone().into_bytes()),
        ("code en minuscules", normalized.to_lowercase().into_bytes()),
        ("jeton (hex)", hex(&token).into_bytes()),
        ("jeton (octets)", token.to_vec()),
        ("clé du justificatif (hex)", hex(&secret[..32]).into_bytes()),
        ("clé du justificatif (octets)", secret[..32].to_vec()),
        (
            "choix en clair",
            serde_json::to_string(&selections).unwrap().into_bytes(),
        ),
        ("choix en clair (booth)", b"\"selections\"".to_vec()),
    ];
    let db = database_bytes(&app).await;
    let log = logs.0.lock().unwrap().clone();
    assert!(contains(&log, b"bulletin accept"), "the logs were captured");
    for (what, s) in &secrets {
        assert!(
            !contains(&db, s),
            "{what} trouvé dans la base ({backend:?})"
        );
        assert!(
            !contains(&log, s),
            "{what} trouvé dans les journaux ({backend:?})"
        );
    }
    // The ballot itself is not logged either (it is on the board, not in the logs).
    assert!(!contains(&log, ballot.as_bytes()));
    // What the server does store: the credential public key and the hash of the token.
    let stored_hash = el.credential.login_token().server_hash();
    match backend {
        Backend::Sqlite => assert!(contains(&db, &stored_hash.0)),
        Backend::Postgres => assert!(contains(&db, hex(&stored_hash.0).as_bytes())),
    }
    app.stop().await;
}

on_both_backends!(no_plaintext_choice_code_or_login_token_reaches_the_database_or_the_logs);

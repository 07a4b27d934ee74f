//! The link to PostgreSQL (docs/deployment.md, « PostgreSQL »): with `sslmode=require` the
//! server's connections are encrypted (sqlx with rustls and ring), and with `sslmode=verify-full`
//! a database whose certificate this client does not trust is refused at start-up, with the
//! (redacted) URL. This machine's PostgreSQL has `ssl = on` with Debian's self-signed certificate:
//! trusted by nobody, which is exactly what `verify-full` must refuse. The same server on a
//! remote host without a certificate check is warned about (`db::postgres_tls_warning`, unit
//! tests in server/src/db.rs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Backend, spawn_app};
use urne_server::db::Db;

fn with_param(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_sslmode_require_the_link_to_postgresql_is_encrypted_and_verify_full_refuses_an_untrusted_certificate()
 {
    // A fresh, migrated database of its own.
    let app = spawn_app(Backend::Postgres).await;
    let db = Db::connect(&with_param(&app.database_url, "sslmode=require"))
        .await
        .unwrap();
    let ssl: i64 = sqlx::query_scalar(
        "SELECT CAST(CASE WHEN ssl THEN 1 ELSE 0 END AS BIGINT) FROM pg_stat_ssl \
         WHERE pid = pg_backend_pid()",
    )
    .fetch_one(db.write())
    .await
    .unwrap();
    assert_eq!(
        ssl, 1,
        "connexion en clair malgré sslmode=require (PostgreSQL de cette machine : ssl = on)"
    );
    // What the server stores goes through that link: the migrations ran over it.
    let elections: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM elections")
        .fetch_one(db.read())
        .await
        .unwrap();
    assert_eq!(elections, 0);

    let url = with_param(&app.database_url, "sslmode=verify-full");
    let e = match Db::connect(&url).await {
        Ok(_) => panic!("certificat autosigné accepté avec sslmode=verify-full"),
        Err(e) => e.to_string(),
    };
    assert!(
        e.contains("connexion à la base de données impossible")
            && e.contains("sslmode=verify-full")
            && e.contains("certificate"),
        "{e}"
    );
    app.stop().await;
}

//! The database: SQLite (a file in the data directory, the default) or PostgreSQL (by URL), with
//! the migrations of `migrations/sqlite` and `migrations/postgres` applied at start-up
//! (issue 4 §1, plan D5).
//!
//! # Why `sqlx::Any` rather than one implementation per backend
//!
//! Every query of the server is written once, with `$N` placeholders, and runs through
//! `sqlx::Any` on both backends. The alternative — a trait with a SQLite and a PostgreSQL
//! implementation, each using the compile-time checked `query!` macros — would double every
//! query and every place a rule of the ballot box is enforced in SQL, and the macros need a live
//! database or offline data at build time (and the `macros` feature builds the drivers twice).
//! The rules that decide who may vote are exactly where two copies could drift apart, so one code
//! path is worth more here than compile-time checking; the integration tests run the same suite
//! on both backends to catch what the compiler does not. The constraints of `Any` shape the
//! schema: integers are `INTEGER`/`BIGINT` and read as `i64`, booleans are 0/1 integers, times
//! unix seconds, JSON and identifiers `TEXT`, bytes `BLOB`/`BYTEA` (see
//! `../shared/notes/dependencies.md`). The one backend-specific piece of SQL is the row lock of
//! the chain head ([`Db::for_update`]).
//!
//! # Writers
//!
//! SQLite allows one writer at a time; a transaction that reads and then writes can fail with
//! `SQLITE_BUSY` if another connection wrote in between. The server therefore keeps, for SQLite,
//! a **single write connection** (every writing transaction of the process goes through it, in
//! turn) beside a pool of read connections (WAL mode, so readers never block the writer). On
//! PostgreSQL both are the same pool, and several server processes may share the database: the
//! head row lock serialises appends to a chain across processes, and the unique constraints on
//! `(election, height)` and `(election, credential)` are the last line of defence.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, AssertSqlSafe, Executor, SqlSafeStr};

/// Which database engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (bundled), one file.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// The migrations, embedded so that the binary is self-contained.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "admin",
        include_str!("../../migrations/sqlite/0002_admin.sql"),
    ),
    (
        3,
        "code reissues",
        include_str!("../../migrations/sqlite/0003_code_reissues.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "admin",
        include_str!("../../migrations/postgres/0002_admin.sql"),
    ),
    (
        3,
        "code reissues",
        include_str!("../../migrations/postgres/0003_code_reissues.sql"),
    ),
];

/// A database error, with what the server was doing.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Could not connect.
    #[error("connexion à la base de données impossible ({what}) : {source}")]
    Connect {
        /// URL without credentials.
        what: String,
        /// The cause.
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("migration de la base de données impossible : {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The URL names an engine Urne does not support.
    #[error("base de données non prise en charge : « {0} » (sqlite: ou postgres: attendu)")]
    Unsupported(String),
}

/// The connection pools.
#[derive(Debug, Clone)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
}

/// A URL with its password hidden, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Why a PostgreSQL `url` leaves the link to the database unprotected, if it does: a host that
/// is not this machine, without `sslmode=verify-full` or `verify-ca`. sqlx's default (`prefer`)
/// and `require` encrypt without checking whom they talk to, and `prefer` silently falls back
/// to clear text; the link carries the login tokens' hashes and the émargement
/// (docs/deployment.md, « PostgreSQL »).
pub fn postgres_tls_warning(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (authority, query) = match rest.split_once('?') {
        Some((a, q)) => (a, q),
        None => (rest, ""),
    };
    let authority = authority.split('/').next().unwrap_or_default();
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    };
    let host = match hostport.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => hostport.split(':').next().unwrap_or_default(),
    };
    let host = if host.is_empty() {
        // `postgres:///db?host=/run/postgresql`: a Unix socket, or libpq's local default.
        param("host").unwrap_or_default()
    } else {
        host
    };
    let local = host.is_empty()
        || host.starts_with('/')
        || host.starts_with("%2F")
        || host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let mode = param("sslmode").unwrap_or("prefer");
    if local || mode == "verify-full" || mode == "verify-ca" {
        return None;
    }
    Some(format!(
        "la connexion à PostgreSQL sur « {host} » (sslmode={mode}) ne vérifie pas le certificat \
         du serveur de base de données : ajoutez ?sslmode=verify-full&sslrootcert=AC.pem à \
         l'URL (docs/deployment.md)"
    ))
}

impl Db {
    /// Connects to `url` (`sqlite://PATH` — the file is created if absent — or
    /// `postgres://…`), then applies the migrations.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(DbError::Unsupported(redact_url(url)));
        };
        let connect_err = |source| DbError::Connect {
            what: redact_url(url),
            source,
        };
        let db = match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
                let options = AnyConnectOptions::from_str(&url).map_err(connect_err)?;
                let write = sqlite_pool(1)
                    .connect_with(options.clone())
                    .await
                    .map_err(connect_err)?;
                let read = sqlite_pool(4)
                    .connect_with(options)
                    .await
                    .map_err(connect_err)?;
                Db {
                    read,
                    write,
                    backend,
                }
            }
            Backend::Postgres => {
                if let Some(w) = postgres_tls_warning(url) {
                    tracing::warn!("{w}");
                }
                let options = AnyConnectOptions::from_str(url).map_err(connect_err)?;
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await
                    .map_err(connect_err)?;
                Db {
                    read: pool.clone(),
                    write: pool,
                    backend,
                }
            }
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), DbError> {
        let list = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        let migrations = list
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    (*description).into(),
                    MigrationType::Simple,
                    AssertSqlSafe(*sql).into_sql_str(),
                    false,
                )
            })
            .collect();
        Migrator::with_migrations(migrations)
            .run(&self.write)
            .await?;
        Ok(())
    }

    /// The engine.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for reads (several connections).
    pub fn read(&self) -> &AnyPool {
        &self.read
    }

    /// The pool for writing transactions (one connection on SQLite).
    pub fn write(&self) -> &AnyPool {
        &self.write
    }

    /// What to add to the `SELECT` of the chain head row so that it stays locked until the end
    /// of the transaction: `FOR UPDATE` on PostgreSQL; nothing on SQLite, whose single write
    /// connection already serialises the writers of the process.
    pub fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// Closes the pools (waits for the connections to be returned).
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        // WAL: readers do not block the writer; synchronous=FULL: a committed transaction
        // survives a power cut, so no receipt is given for a ballot that could be lost.
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                )
                .await?;
                Ok(())
            })
        })
}

/// Converts a stored integer to `u64` (heights, times: never negative in the database).
pub(crate) fn u(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Converts a `u64` to the stored integer (heights and unix times fit in `i64`).
pub(crate) fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_a_database_url_is_hidden_in_messages() {
        assert_eq!(
            redact_url("postgres://urne:s3cret@db.example:5432/urne"),
            "postgres://urne:***@db.example:5432/urne"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact_url("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }

    #[test]
    fn a_remote_postgresql_without_certificate_check_is_warned_about_and_a_local_one_is_not() {
        for remote in [
            "postgres://urne:pw@db.barreau.fr/urne",
            "postgres://urne@10.0.0.5:5432/urne?sslmode=require",
            "postgresql://urne@[2001:db8::5]/urne?sslmode=prefer",
            "postgres://urne@db.barreau.fr/urne?application_name=x&sslmode=disable",
        ] {
            let w = postgres_tls_warning(remote).unwrap_or_else(|| panic!("{remote}"));
            assert!(w.contains("sslmode=verify-full"), "{w}");
            assert!(!w.contains("pw"), "{w}");
        }
        for fine in [
            "postgres://postgres@127.0.0.1:5432/test",
            "postgres://postgres@localhost/test",
            "postgres://postgres@[::1]/test",
            "postgres:///urne?host=/run/postgresql",
            "postgres://urne@db.barreau.fr/urne?sslmode=verify-full&sslrootcert=/etc/urne/ac.pem",
            "postgres://urne@db.barreau.fr/urne?sslrootcert=/etc/urne/ac.pem&sslmode=verify-ca",
        ] {
            assert_eq!(postgres_tls_warning(fine), None, "{fine}");
        }
    }
}

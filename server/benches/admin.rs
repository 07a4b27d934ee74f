//! The administration's heavy steps, through the server's own path (`urne_server::admin`), on a
//! realistic 35 000-line liste électorale of the barreau de Paris (the generator of
//! `tests/support/roll_gen.rs`): the import (CSV decoding, the model's checks, the election's
//! décret checks, the summary, the rights of every elector and their storage in the database),
//! the re-import (differences, pending confirmation) and its confirmation, on SQLite and — when
//! `URNE_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`) answers — on
//! PostgreSQL; then the PDF of 35 000 letters and of the émargement list. Issue 5 requires the
//! import under 10 s. Prints wall times and rates.
//!
//! `cargo bench -p urne-server --bench admin`

#[path = "../../tests/support/roll_gen.rs"]
mod roll_gen;

use std::sync::Arc;
use std::time::Instant;

use sqlx::Connection;
use urne::model::{
    Bureau, BureauMember, Circonscription, Contest, ContestKind, Election, PublicKeyBytes, Round,
    Sex,
};
use urne_server::admin::letters::{Letter, LetterContext};
use urne_server::admin::running::EmargementLine;
use urne_server::admin::{Actor, Admin, AdminConfig, definition, roll};
use urne_server::db::Db;
use urne_server::election::Elections;
use urne_server::keys::ServerKeys;

const LINES: usize = 35_000;

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    eprintln!("{what} : {e}");
    std::process::exit(2)
}

fn paris(id: &str) -> Election {
    let key = |b: u8| {
        PublicKeyBytes(
            ed25519_dalek::SigningKey::from_bytes(&[b; 32])
                .verifying_key()
                .to_bytes(),
        )
    };
    let t = |s: &str| urne::model::dates::parse_instant(s).unwrap_or_else(|e| fail("date", e));
    let ordinal = |id: &str, sex| Contest {
        id: id.into(),
        kind: ContestKind::CnbOrdinal {
            circonscription: Circonscription::Paris,
            sex,
            seats: 6,
            weight_basis: None,
        },
        candidacies: vec![],
    };
    Election {
        barreau: "Paris".into(),
        campaign_id: format!("{id}-campagne"),
        election_id: id.into(),
        opening: t("2026-11-24T08:00:00+01:00"),
        closing: t("2026-11-24T20:00:00+01:00"),
        bureau: Bureau {
            batonnier: BureauMember {
                name: "Me Bâtonnier".into(),
                public_key: key(1),
            },
            scrutateurs: (2..=4)
                .map(|b| BureauMember {
                    name: format!("Me Scrutateur {b}"),
                    public_key: key(b),
                })
                .collect(),
            threshold: 2,
        },
        contests: vec![
            Contest {
                id: "batonnier".into(),
                kind: ContestKind::Batonnier {
                    round: Round::First,
                },
                candidacies: vec![],
            },
            Contest {
                id: "conseil".into(),
                kind: ContestKind::ConseilDeLOrdre {
                    round: Round::First,
                    seats: 7,
                },
                candidacies: vec![],
            },
            ordinal("cnb-ord-f", Sex::F),
            ordinal("cnb-ord-m", Sex::M),
            Contest {
                id: "cnb-gen".into(),
                kind: ContestKind::CnbGeneral {
                    circonscription: Circonscription::Paris,
                    seats: 12,
                },
                candidacies: vec![],
            },
        ],
        external_candidates: vec![],
        candidate_records: vec![],
    }
}

async fn admin(url: &str, dir: &std::path::Path) -> Admin {
    let db = Db::connect(url).await.unwrap_or_else(|e| fail("base", e));
    let keys = ServerKeys::load_or_create(&dir.join("server.key"), &dir.join("ordre.key"))
        .unwrap_or_else(|e| fail("clés", e));
    Admin {
        db,
        keys: Arc::new(keys),
        elections: Elections::default(),
        config: Arc::new(AdminConfig {
            mail: None,
            public_url: "https://vote.barreau.example".into(),
        }),
        actor: Actor::console("bench"),
    }
}

async fn run(label: &str, url: &str, dir: &std::path::Path, csv: &str, changed: &str) {
    let a = admin(url, dir).await;
    let id = format!("paris-{label}");
    definition::create(&a, &paris(&id), None)
        .await
        .unwrap_or_else(|e| fail("élection", e));
    let t = Instant::now();
    let first = roll::import(&a, &id, "paris.csv", csv.as_bytes(), false)
        .await
        .unwrap_or_else(|e| fail("import", e));
    let import = t.elapsed();
    assert!(first.applied);
    let t = Instant::now();
    let second = roll::import(&a, &id, "paris-2.csv", changed.as_bytes(), false)
        .await
        .unwrap_or_else(|e| fail("réimport", e));
    let reimport = t.elapsed();
    assert!(!second.applied);
    let t = Instant::now();
    roll::confirm(&a, &id)
        .await
        .unwrap_or_else(|e| fail("confirmation", e));
    let confirm = t.elapsed();
    println!(
        "admin/{label}: import of {LINES} lines (CSV, model and décret checks, summary, rights, \
         storage): {:.2} s = {:.0} lines/s; re-import with differences: {:.2} s; confirmation: \
         {:.2} s (limit of issue 5 for the import: 10 s); {} with a right",
        import.as_secs_f64(),
        LINES as f64 / import.as_secs_f64(),
        reimport.as_secs_f64(),
        confirm.as_secs_f64(),
        first.with_rights.unwrap_or(0)
    );
    a.db.close().await;
}

async fn postgres_url() -> Option<(String, String)> {
    let base = std::env::var("URNE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let mut conn = sqlx::postgres::PgConnection::connect(&base).await.ok()?;
    let mut b = [0u8; 6];
    rand::fill(&mut b);
    let name = format!("urne_bench_{}", urne::encoding::hex(&b));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .ok()?;
    let url = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => format!("{}/{name}", &base[..i]),
        _ => format!("{base}/{name}"),
    };
    Some((url, name))
}

fn letters_and_emargement(pages: usize) {
    let ctx = LetterContext {
        barreau: "Paris".into(),
        election_label: "élection du bâtonnier et des membres du conseil de l'ordre (premier tour)"
            .into(),
        url: "https://vote.barreau.example/elections/paris-2026-t1".into(),
        opening: 1_795_503_600,
        closing: 1_795_546_800,
        date: 1_794_000_000,
        is_test: false,
        modalites: "Renseignements : 01 44 32 48 48.".into(),
        proxies: "Adressez à l'ordre le formulaire de procuration signé.".into(),
    };
    let letters: Vec<Letter> = (0..pages)
        .map(|k| Letter {
            cnbf: format!("{}", 100_000 + k),
            addressee: format!("Maître Prénom{k} Nom{k}"),
            address: vec![
                format!("Cabinet Nom{k}"),
                format!("{}, boulevard Saint-Germain", k % 300 + 1),
                "75006 Paris".into(),
            ],
            email: None,
            code: zeroize::Zeroizing::new("V7A2-QN04-P3EK-3VV1-MDJ3-JG2Y".into()),
            contests: vec![
                "bâtonnier, premier tour".into(),
                "conseil de l'ordre, premier tour".into(),
            ],
            reissue: false,
        })
        .collect();
    let t = Instant::now();
    let pdf = urne_server::admin::letters::render(&ctx, &letters)
        .unwrap_or_else(|e| fail("courriers", e));
    let d = t.elapsed();
    println!(
        "admin/letters: {pages} A4 pages in {:.2} s = {:.0} pages/s, {:.1} MB",
        d.as_secs_f64(),
        pages as f64 / d.as_secs_f64(),
        pdf.len() as f64 / 1e6
    );
    let lines: Vec<EmargementLine> = (0..pages)
        .map(|k| EmargementLine {
            cnbf: format!("{}", 100_000 + k),
            name: format!("Nom{k} Prénom{k}"),
            voted_at: (k % 3 == 0).then_some(1_795_510_000),
            by_proxy: false,
            mandataire: None,
            proxy_activated: false,
            mandant: None,
        })
        .collect();
    let t = Instant::now();
    let pdf = urne_server::admin::running::emargement_pdf("Paris", "élection", false, &lines)
        .unwrap_or_else(|e| fail("émargement", e));
    let d = t.elapsed();
    println!(
        "admin/emargement: {pages} lines ({} pages) in {:.2} s, {:.1} MB",
        pages.div_ceil(28),
        d.as_secs_f64(),
        pdf.len() as f64 / 1e6
    );
}

fn main() {
    // `URNE_BENCH_PAGES` letters (default: one per line of the roll); `URNE_BENCH_ONLY=pdf` skips
    // the imports.
    let pages = std::env::var("URNE_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LINES);
    if std::env::var("URNE_BENCH_ONLY").as_deref() == Ok("pdf") {
        letters_and_emargement(pages);
        return;
    }
    let (csv, _) = roll_gen::paris_roll(LINES);
    // The re-import: every tenth elector's e-mail changed, the last hundred gone.
    let changed: String = {
        let mut out = String::with_capacity(csv.len());
        for (k, line) in csv.split_inclusive('\n').enumerate() {
            if k > 0 && k % 10 == 0 {
                out.push_str(&line.replacen("@", ".nouveau@", 1));
            } else {
                out.push_str(line);
            }
        }
        out
    };
    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| fail("tokio", e));
    rt.block_on(async {
        let mut b = [0u8; 6];
        rand::fill(&mut b);
        let dir = std::env::temp_dir().join(format!("urne-bench-{}", urne::encoding::hex(&b)));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| fail("dossier", e));
        let url = format!("sqlite://{}", dir.join("urne.sqlite3").display());
        run("sqlite", &url, &dir, &csv, &changed).await;
        match postgres_url().await {
            Some((url, name)) => {
                run("postgres", &url, &dir, &csv, &changed).await;
                if let Ok(mut c) = sqlx::postgres::PgConnection::connect(
                    &std::env::var("URNE_TEST_POSTGRES_URL")
                        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into()),
                )
                .await
                {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut c)
                    .await;
                }
            }
            None => println!("admin/postgres: PostgreSQL injoignable, mesure non faite"),
        }
        let _ = std::fs::remove_dir_all(&dir);
    });
    letters_and_emargement(pages);
}

//! Ballots accepted per second over HTTP on loopback (issue 4, "Must show"): a real server on
//! SQLite (a file in a temporary directory, `synchronous = FULL`), a bâtonnier election with 5
//! candidacies, electors simulated by `urne_server::load` (login, ballot page, ballot made with
//! the core exactly as the booth makes it) made ready beforehand; then
//!
//! 1. **throughput**: `URNE_BENCH_CLIENTS` (default 64) concurrent clients deposit
//!    `URNE_BENCH_BALLOTS` (default 3000) ballots as fast as the server accepts them (closed
//!    loop);
//! 2. **latency at a fixed rate**: `URNE_BENCH_RATE` (default 200) ballots per second for
//!    `URNE_BENCH_SECONDS` (default 10) seconds, open loop (each ballot sent at its scheduled
//!    time, whatever the previous ones did).
//!
//! Prints ballots/s and the p50/p99 latency of each phase. Run:
//! `cargo bench -p urne-server --bench ballots` (docs/benchmarks.md). `urne-load` measures the
//! same against a separate `urne-server serve` process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use urne::encoding::hex;
use urne_server::fixture::{Contests, FixtureOptions};
use urne_server::load::{
    Attempt, ElectorKey, LoadClient, Pace, Progress, Readiness, Ready, Report, Voted, drive,
    ready_all,
};
use urne_server::server::ServeConfig;
use urne_server::web::WebConfig;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run());
}

/// Deposits `ready` ballots at `pace`.
async fn deposits(client: &LoadClient, ready: Vec<Ready>, pace: Pace) -> (Vec<Attempt>, Duration) {
    let c = client.clone();
    drive(ready, pace, Arc::new(Progress::default()), move |r| {
        let c = c.clone();
        async move {
            let t = Instant::now();
            let result = c.deposit(&r.session, &r.ballot).await.map(Voted::Now);
            let d = t.elapsed();
            Attempt {
                result,
                deposit: Some(d),
                total: d,
            }
        }
    })
    .await
}

async fn run() {
    let ballots = env("URNE_BENCH_BALLOTS", 3000);
    let clients = env("URNE_BENCH_CLIENTS", 64);
    let rate = env("URNE_BENCH_RATE", 200);
    let seconds = env("URNE_BENCH_SECONDS", 10);
    let electors = ballots + rate * seconds;
    let mut b = [0u8; 6];
    rand::fill(&mut b);
    let dir = std::env::temp_dir().join(format!("urne-bench-{}", hex(&b)));
    std::fs::create_dir_all(&dir).unwrap();
    let config = ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: format!("sqlite://{}", dir.join("urne.sqlite3").display()),
        server_key: dir.join("server.key"),
        ordre_key: dir.join("ordre.key"),
        web: WebConfig {
            ip_rate_limit: None,
            ..WebConfig::default()
        },
        close_every: Duration::from_secs(5),
    };
    let running = urne_server::server::start(config, false).await.unwrap();
    let base = format!("http://{}", running.addr);
    println!(
        "setting up: {electors} electors, 1-of-5 bâtonnier ballots, SQLite in {}",
        dir.display()
    );
    let t = Instant::now();
    let e = urne_server::fixture::open_election(
        &running.state.db,
        &running.state.keys,
        &FixtureOptions {
            election_id: "bench".into(),
            electors,
            contests: Contests::Batonnier { candidates: 5 },
            real_codes: false,
            ..FixtureOptions::default()
        },
    )
    .await
    .unwrap();
    println!("  election sealed in {:.1} s", t.elapsed().as_secs_f64());

    // Every elector logs in over HTTP (token only), opens the ballot page, and the booth makes
    // its ballot from that page's parameters.
    let client = LoadClient::new(&base, "bench", clients * 2).unwrap();
    let keys: Vec<(usize, ElectorKey)> = e
        .electors
        .iter()
        .map(|el| ElectorKey {
            cnbf: el.cnbf.to_string(),
            credential: el.credential.clone(),
        })
        .enumerate()
        .collect();
    let (prepared, wall) = ready_all(&client, keys, Pace::Closed { clients: 16 }).await;
    let login = Report::new(
        "  connexion, page du bulletin et bulletin préparé (16 clients)",
        "électeurs prêts",
        &prepared,
        wall,
    );
    println!("{login}");
    assert_eq!(login.failed(), 0, "{login}");
    let mut ready: Vec<Ready> = prepared
        .into_iter()
        .filter_map(|a| match a.result {
            Ok(Readiness::Ballot(r)) => Some(r),
            _ => None,
        })
        .collect();
    let second = ready.split_off(ballots.min(ready.len()));

    // Phase 1: throughput with many concurrent clients.
    let (attempts, wall) = deposits(&client, ready, Pace::Closed { clients }).await;
    println!(
        "{}",
        Report::new(
            format!("débit ({clients} clients concurrents)"),
            "bulletins",
            &attempts,
            wall
        )
    );

    // Phase 2: a fixed rate, open loop.
    let (attempts, wall) = deposits(&client, second, Pace::Open { rate: rate as f64 }).await;
    println!(
        "{}",
        Report::new(
            format!("rythme fixe ({rate} bulletins/s offerts)"),
            "bulletins",
            &attempts,
            wall
        )
    );
    let total: serde_json::Value =
        reqwest::get(format!("{base}/api/elections/bench/board?limit=1"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    println!("board: {} ballots", total["total"]);
    running.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

//! Ballots accepted per second over HTTP on loopback (issue 4, "Must show"): a real server on
//! SQLite (a file in a temporary directory, `synchronous = FULL`), a bâtonnier election with 5
//! candidacies (1-of-5 ballots made with the core exactly as the booth makes them), electors
//! logged in over HTTP beforehand; then
//!
//! 1. **throughput**: `URNE_BENCH_CLIENTS` (default 64) concurrent clients deposit
//!    `URNE_BENCH_BALLOTS` (default 3000) ballots as fast as the server accepts them;
//! 2. **latency at a fixed rate**: `URNE_BENCH_RATE` (default 200) ballots per second for
//!    `URNE_BENCH_SECONDS` (default 10) seconds, open loop (each ballot sent at its scheduled
//!    time, whatever the previous ones did).
//!
//! Prints ballots/s and the p50/p99 latency of each phase. Run:
//! `cargo bench -p urne-server --bench ballots` (docs/benchmarks.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use urne::crypto::ballot::{Ballot, ContestChoice, ContestShape, ElectionParams};
use urne::crypto::elgamal::ElectionKey;
use urne::encoding::{hex, unhex};
use urne_server::fixture::{Contests, FixtureOptions};
use urne_server::server::ServeConfig;
use urne_server::web::WebConfig;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Ready {
    cookie: String,
    csrf: String,
    ballot: String,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

async fn submit(client: &reqwest::Client, url: &str, r: &Ready) -> (bool, Duration) {
    let t = Instant::now();
    let resp = client
        .post(url)
        .header(reqwest::header::COOKIE, &r.cookie)
        .json(&serde_json::json!({"ballot": r.ballot, "procuration": false, "csrf": r.csrf}))
        .send()
        .await;
    let ok = match resp {
        Ok(resp) => {
            let ok = resp.status().is_success();
            let _ = resp.bytes().await;
            ok
        }
        Err(_) => false,
    };
    (ok, t.elapsed())
}

fn report(name: &str, accepted: usize, failed: usize, wall: Duration, mut lat: Vec<Duration>) {
    lat.sort();
    println!(
        "{name}: {accepted} accepted, {failed} refused/failed in {:.2} s -> {:.0} ballots/s; \
         latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        wall.as_secs_f64(),
        accepted as f64 / wall.as_secs_f64(),
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run());
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

    // Ballots made as the booth makes them, from the public parameters.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients * 2)
        .build()
        .unwrap();
    let info: serde_json::Value = client
        .get(format!("{base}/api/elections/bench"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = ElectionKey::decode(&unhex(info["election_key"].as_str().unwrap()).unwrap()).unwrap();
    let params = ElectionParams::with_contests(
        e.fingerprint,
        key,
        vec![(0, ContestShape { options: 5, max: 1 })],
    )
    .unwrap();
    let t = Instant::now();
    let made: Vec<String> = e
        .electors
        .par_iter()
        .enumerate()
        .map(|(k, el)| {
            let choice = ContestChoice {
                contest: 0,
                selected: if k % 6 == 5 {
                    vec![]
                } else {
                    vec![(k % 5) as u32]
                },
            };
            hex(
                &Ballot::prepare(&params, &el.credential, &[choice], &mut rand::rng())
                    .unwrap()
                    .encode(),
            )
        })
        .collect();
    println!(
        "  {} ballots prepared in {:.1} s",
        made.len(),
        t.elapsed().as_secs_f64()
    );

    // Every elector logs in over HTTP (token only) and loads the ballot page for its CSRF token.
    let t = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(16));
    let mut tasks = Vec::new();
    for (el, ballot) in e.electors.iter().zip(made) {
        let client = client.clone();
        let base = base.clone();
        let cnbf = el.cnbf.to_string();
        let token = hex(&el.credential.login_token().0);
        let sem = sem.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await.unwrap();
            let r = client
                .get(format!("{base}/elections/bench/connexion"))
                .send()
                .await
                .unwrap();
            let pre = cookie(&r, "urne_pre");
            let html = r.text().await.unwrap();
            let csrf = config_value(&html, "csrf");
            let r = client
                .post(format!("{base}/elections/bench/connexion"))
                .header(reqwest::header::COOKIE, pre)
                .json(&serde_json::json!({"cnbf": cnbf, "token": token, "csrf": csrf}))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "login {}", r.status());
            let session = cookie(&r, "urne_session");
            let html = client
                .get(format!("{base}/elections/bench/vote"))
                .header(reqwest::header::COOKIE, &session)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            Ready {
                csrf: config_value(&html, "csrf"),
                cookie: session,
                ballot,
            }
        }));
    }
    let mut ready = Vec::with_capacity(tasks.len());
    for t in tasks {
        ready.push(t.await.unwrap());
    }
    println!(
        "  {} electors logged in in {:.1} s",
        ready.len(),
        t.elapsed().as_secs_f64()
    );
    let url = format!("{base}/elections/bench/bulletins");
    let second = ready.split_off(ballots.min(ready.len()));

    // Phase 1: throughput with many concurrent clients.
    let queue = Arc::new(std::sync::Mutex::new(ready));
    let t = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let queue = queue.clone();
        let client = client.clone();
        let url = url.clone();
        workers.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let next = queue.lock().unwrap().pop();
                let Some(r) = next else { break };
                out.push(submit(&client, &url, &r).await);
            }
            out
        }));
    }
    let mut results = Vec::new();
    for w in workers {
        results.extend(w.await.unwrap());
    }
    let wall = t.elapsed();
    let accepted = results.iter().filter(|r| r.0).count();
    report(
        &format!("throughput ({clients} concurrent clients)"),
        accepted,
        results.len() - accepted,
        wall,
        results.iter().map(|r| r.1).collect(),
    );

    // Phase 2: a fixed rate, open loop.
    let period = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (k, r) in second.into_iter().enumerate() {
        let due = start + period * k as u32;
        let client = client.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(due.into()).await;
            submit(&client, &url, &r).await
        }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    let wall = start.elapsed();
    let accepted = results.iter().filter(|r| r.0).count();
    report(
        &format!("fixed rate ({rate} ballots/s offered)"),
        accepted,
        results.len() - accepted,
        wall,
        results.iter().map(|r| r.1).collect(),
    );
    let total: serde_json::Value = client
        .get(format!("{base}/api/elections/bench/board?limit=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    println!("board: {} ballots", total["total"]);
    running.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

fn cookie(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .unwrap_or_default()
}

fn config_value(html: &str, key: &str) -> String {
    let start = html.find("data-config=\"").unwrap() + "data-config=\"".len();
    let end = start + html[start..].find('"').unwrap();
    let raw = html[start..end]
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#39;", "'");
    let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
    v[key].as_str().unwrap().to_owned()
}

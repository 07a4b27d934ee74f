//! Several instances (issue 8 §5): two `urne-server serve` processes on one PostgreSQL database
//! under a concurrent load split across both keep one chain — each appender locks the
//! election's head row (server/src/chain.rs), the unique keys refuse whatever would slip
//! through. After the load: every elector got a receipt, both processes sign the same head, and
//! the archive verifies whole with every receipt (urne::verify, what urne-verify runs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod process;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::Backend;
use process::{ServerProcess, archive, election_for_processes, verify_with_receipts};
use urne_server::load::{ElectorKey, LoadClient, Pace, Progress, Report, Voted, drive};

const ELECTION: &str = "instances";
const ELECTORS: usize = 240;
const CLIENTS: usize = 8;

async fn load(client: LoadClient, electors: Vec<(usize, ElectorKey)>) -> Vec<Voted> {
    let c = client.clone();
    let (attempts, wall) = drive(
        electors,
        Pace::Closed { clients: CLIENTS },
        Arc::new(Progress::default()),
        move |(k, e)| {
            let c = c.clone();
            async move { c.vote(&e, k).await }
        },
    )
    .await;
    eprintln!("{}", Report::new("instance", "bulletins", &attempts, wall));
    attempts
        .into_iter()
        .map(|a| a.result.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_on_one_postgresql_keep_one_valid_chain() {
    let (app, electors) = election_for_processes(Backend::Postgres, ELECTION, ELECTORS).await;
    let a = ServerProcess::start(&app, "serve-a").await;
    let b = ServerProcess::start(&app, "serve-b").await;
    let (mut to_a, mut to_b) = (Vec::new(), Vec::new());
    for (k, key) in electors.into_iter().enumerate() {
        if k % 2 == 0 {
            to_a.push((k, key));
        } else {
            to_b.push((k, key));
        }
    }
    let ca = LoadClient::new(&a.base, ELECTION, CLIENTS).unwrap();
    let cb = LoadClient::new(&b.base, ELECTION, CLIENTS).unwrap();
    let (va, vb) = tokio::join!(load(ca, to_a), load(cb, to_b));
    let receipts: Vec<_> = va.iter().chain(&vb).map(|v| *v.receipt()).collect();
    assert!(va.iter().chain(&vb).all(|v| matches!(v, Voted::Now(_))));
    let heights: BTreeSet<u64> = receipts.iter().map(|r| r.height).collect();
    assert_eq!(heights.len(), ELECTORS, "two ballots at one height: a fork");

    // Both instances sign the same head (no fork) and serve the same chain.
    let head = |base: &str| {
        let url = format!("{base}/api/elections/{ELECTION}/head");
        async move {
            reqwest::get(url)
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let (ha, hb) = (head(&a.base).await, head(&b.base).await);
    assert_eq!(ha["height"], hb["height"]);
    assert_eq!(ha["head"], hb["head"]);
    assert_eq!(ha["height"].as_u64(), heights.last().copied());
    let from_a = archive(&a.base, ELECTION).await;
    assert_eq!(from_a, archive(&b.base, ELECTION).await);
    let verified = verify_with_receipts(&from_a, receipts);
    assert_eq!(verified.board.ballots, ELECTORS as u64);
}

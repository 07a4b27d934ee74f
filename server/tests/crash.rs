//! Crash test (issue 8 §5), SQLite and PostgreSQL: the real `urne-server serve` process is
//! killed with SIGKILL in the middle of a load of simulated electors (`urne_server::load`), twice,
//! and restarted on the same database. A receipt is only given once the transaction is durable
//! (server/src/ballots.rs), so after the restarts: every receipt obtained is valid and its ballot
//! is in the archive, the archive verifies whole (urne::verify, what urne-verify runs), every
//! elector voted exactly once — an elector whose answer was lost in the crash finds the receipt
//! of the ballot that was counted, and a second ballot is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod process;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::Backend;
use process::{ServerProcess, archive, election_for_processes, verify_with_receipts};
use urne::board::Receipt;
use urne_server::load::{
    Attempt, Booth, ElectorKey, LoadClient, LoadError, Pace, Progress, Voted, drive, make_ballot,
};

const ELECTION: &str = "crash";
const ELECTORS: usize = 240;
const CLIENTS: usize = 16;
/// Receipts to wait for in each round before the kill.
const BEFORE_KILL: usize = 25;

/// Every elector of `todo` visits the server (closed loop); the attempts with the electors'
/// indices.
async fn visits(
    client: &LoadClient,
    todo: Vec<(usize, ElectorKey)>,
    progress: Arc<Progress>,
) -> Vec<(usize, Attempt)> {
    let indices: Vec<usize> = todo.iter().map(|(k, _)| *k).collect();
    let c = client.clone();
    let (attempts, _) = drive(
        todo,
        Pace::Closed { clients: CLIENTS },
        progress,
        move |(k, e)| {
            let c = c.clone();
            async move { c.vote(&e, k).await }
        },
    )
    .await;
    indices.into_iter().zip(attempts).collect()
}

/// Records a visit's receipt: an elector that already had one must find the same one again.
fn record(receipts: &mut BTreeMap<usize, Receipt>, k: usize, v: &Voted) {
    if let Some(earlier) = receipts.insert(k, *v.receipt()) {
        assert_eq!(&earlier, v.receipt(), "elector {k}: another receipt");
    }
}

async fn a_server_killed_during_a_load_loses_no_receipted_ballot(backend: Backend) {
    let (app, electors) = election_for_processes(backend, ELECTION, ELECTORS).await;
    let mut receipts: BTreeMap<usize, Receipt> = BTreeMap::new();
    let mut cut = 0;
    let mut recovered = 0;

    for round in 0..2 {
        let server = ServerProcess::start(&app, &format!("serve-{round}")).await;
        let client = LoadClient::new(&server.base, ELECTION, CLIENTS).unwrap();
        let todo: Vec<(usize, ElectorKey)> = electors
            .iter()
            .cloned()
            .enumerate()
            .filter(|(k, _)| !receipts.contains_key(k))
            .collect();
        let progress = Arc::new(Progress::default());
        let load = {
            let (client, progress) = (client.clone(), progress.clone());
            tokio::spawn(async move { visits(&client, todo, progress).await })
        };
        let t = Instant::now();
        while progress.ok.load(Ordering::Relaxed) < BEFORE_KILL {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "round {round}: no receipts: {progress:?}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // SIGKILL with CLIENTS visits in flight.
        server.kill();
        let attempts = load.await.unwrap();
        let mut failed = 0;
        for (k, a) in &attempts {
            match &a.result {
                Ok(v) => {
                    if matches!(v, Voted::Earlier(_)) {
                        recovered += 1;
                    }
                    record(&mut receipts, *k, v);
                }
                Err(LoadError::Transport { .. }) => failed += 1,
                Err(e) => panic!("round {round}, elector {k}: {e}"),
            }
        }
        assert!(failed > 0, "round {round}: the kill cut no visit");
        assert!(
            receipts.len() < ELECTORS,
            "round {round}: the load ended before the kill"
        );
        cut += failed;
    }

    // Restart; every elector comes back, those with a receipt too.
    let server = ServerProcess::start(&app, "serve-final").await;
    let client = LoadClient::new(&server.base, ELECTION, CLIENTS).unwrap();
    let all: Vec<(usize, ElectorKey)> = electors.iter().cloned().enumerate().collect();
    let attempts = visits(&client, all, Arc::new(Progress::default())).await;
    let before = receipts.clone();
    for (k, a) in &attempts {
        let v = a
            .result
            .as_ref()
            .unwrap_or_else(|e| panic!("after restart, elector {k}: {e}"));
        if before.contains_key(k) {
            // Already voted: the ballot page sends to the receipt page, with the same receipt.
            assert!(matches!(v, Voted::Earlier(_)), "elector {k} voted twice");
        } else if matches!(v, Voted::Earlier(_)) {
            // Its ballot was committed but the answer was lost in the kill.
            recovered += 1;
        }
        record(&mut receipts, *k, v);
    }
    assert_eq!(receipts.len(), ELECTORS);

    // A second ballot from an elector who voted is refused by the ballot box itself.
    let info = client.election_info().await.unwrap();
    let booth = Booth {
        fingerprint: info.fingerprint,
        key: info.key,
        contests: info.shapes.clone(),
    };
    for k in [0, ELECTORS / 2, ELECTORS - 1] {
        let mut session = client.login(&electors[k]).await.unwrap();
        assert_eq!(&client.receipt(&mut session).await.unwrap(), &receipts[&k]);
        let ballot = make_ballot(&booth, &electors[k].credential, k + 1).unwrap();
        let err = client.deposit(&session, &ballot).await.unwrap_err();
        assert!(err.is_already_voted(), "elector {k}: {err}");
    }

    // The archive: one valid chain holding every receipted ballot, one ballot per elector.
    let bytes = archive(&server.base, ELECTION).await;
    let heights: BTreeSet<u64> = receipts.values().map(|r| r.height).collect();
    assert_eq!(heights.len(), ELECTORS, "two receipts for one height");
    let verified = verify_with_receipts(&bytes, receipts.into_values().collect());
    assert_eq!(verified.board.ballots, ELECTORS as u64);
    eprintln!(
        "{backend:?}: 2 kills, {cut} visits without an answer (cut in flight or refused while \
         down), {recovered} receipts recovered from the receipt page, {ELECTORS} ballots in a \
         valid archive"
    );
    server.kill();
}

on_both_backends!(a_server_killed_during_a_load_loses_no_receipted_ballot);

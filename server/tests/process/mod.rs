//! The real `urne-server serve` binary as a child process, for the crash and several-instances
//! tests (issue 8 §5): started on a test app's database and data directory (its key files), its
//! address read from the line it prints, killed with SIGKILL (`Child::kill` on Unix) to simulate
//! a crash.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use urne::board::Receipt;
use urne::verify::{CheckId, Options, Verdict, VerifiedElection, verify};

use crate::common::{Backend, TestApp, spawn_app};
use urne_server::fixture::{Contests, FixtureOptions};
use urne_server::load::ElectorKey;

/// A sealed, open bâtonnier election `id` of `electors` electors (credentials registered without
/// the argon2 cost) in a fresh `backend` database, built in-process; the in-process server is then
/// stopped, so that the processes of [`ServerProcess::start`] serve it. The electors' keys, in
/// roll order, as the load generator takes them.
pub async fn election_for_processes(
    backend: Backend,
    id: &str,
    electors: usize,
) -> (TestApp, Vec<ElectorKey>) {
    let mut app = spawn_app(backend).await;
    let e = app
        .election(FixtureOptions {
            election_id: id.into(),
            electors,
            contests: Contests::Batonnier { candidates: 4 },
            real_codes: false,
            ..FixtureOptions::default()
        })
        .await;
    app.running.take().unwrap().stop().await.unwrap();
    let keys = e
        .electors
        .iter()
        .map(|el| ElectorKey {
            cnbf: el.cnbf.to_string(),
            credential: el.credential.clone(),
        })
        .collect();
    (app, keys)
}

/// A running `urne-server serve` process.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl ServerProcess {
    /// Starts `urne-server serve` on `app`'s database and data directory, on a free port, without
    /// the per-IP limit (every simulated elector comes from 127.0.0.1). `name` names its log file
    /// in the data directory.
    pub async fn start(app: &TestApp, name: &str) -> ServerProcess {
        let log = std::fs::File::create(app.dir.join(format!("{name}.log"))).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_urne-server"))
            .arg("serve")
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--data")
            .arg(&app.dir)
            .arg("--database-url")
            .arg(&app.database_url)
            .arg("--ip-burst")
            .arg("0")
            .env("URNE_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        // `serve` prints « Urne écoute sur http://ADDR » once it listens; a read on a blocking
        // thread, bounded so that a server that never starts fails the test instead of hanging.
        let line = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            tokio::task::spawn_blocking(move || {
                let mut reader = BufReader::new(stdout);
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                // Keep draining stdout so that the server never blocks on a full pipe.
                std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
                line
            }),
        )
        .await
        .expect("urne-server serve n'a pas démarré en 30 s")
        .unwrap();
        let addr = line
            .trim()
            .strip_prefix("Urne écoute sur ")
            .unwrap_or_else(|| {
                let log = std::fs::read_to_string(app.dir.join(format!("{name}.log")));
                panic!("urne-server serve : « {line} », journal : {log:?}")
            })
            .to_owned();
        ServerProcess { child, base: addr }
    }

    /// SIGKILL: no shutdown, no flush, requests in flight cut.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Downloads the archive of `election` from `base`.
pub async fn archive(base: &str, election: &str) -> Vec<u8> {
    let r = reqwest::get(format!("{base}/elections/{election}/archive"))
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    r.bytes().await.unwrap().to_vec()
}

/// Verifies `archive` with `receipts` (urne::verify, what urne-verify runs): the chain is valid
/// whole and every receipt's ballot is in it.
pub fn verify_with_receipts(archive: &[u8], receipts: Vec<Receipt>) -> VerifiedElection {
    let n = receipts.len() as u64;
    let v = verify(
        archive,
        &Options {
            receipts,
            ..Options::default()
        },
        &mut |_| {},
    );
    assert_eq!(v.report.verdict, Verdict::Valid, "{:?}", v.report.failure);
    let c = v.report.check(CheckId::Receipts).expect("receipts check");
    assert_eq!(c.count, Some(n), "receipts found in the archive");
    v.election.expect("verified election")
}

//! Issue 8, item 3: an elector votes in a real browser. Headless Chromium, driven by
//! `tests/browser/vote.mjs` (playwright-core, axe-core), logs in on the real server with a real
//! code, votes through the real pages and the committed wasm booth, votes by proxy, downloads
//! both signed receipts, and finds no serious or critical accessibility violation on any elector
//! page; then the archive of the closed vote, with those receipts, passes the real `urne-verify`
//! (docs/protocol.md §5–§6, décret art. 15 for the proxy).
//!
//! Needs node, Chromium and `npm ci --prefix tests/browser`: without them the test is skipped
//! on a developer's machine and fails under `CI=true`, saying what to install.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Backend, archive, board, options, spawn_app};
use serde_json::Value;
use urne::board::{CloseReason, Receipt};
use urne_server::fixture::FixtureOptions;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Chromium's path, or what is missing to run the browser test.
fn prerequisites(root: &Path) -> Result<PathBuf, String> {
    let mut missing = vec![];
    if in_path("node").is_none() {
        missing.push("node (apt-get install nodejs)");
    }
    let chromium = in_path("chromium");
    if chromium.is_none() {
        missing.push("Chromium (apt-get install chromium chromium-driver)");
    }
    let modules = root.join("tests/browser/node_modules");
    if !modules.join("playwright-core").is_dir() || !modules.join("axe-core").is_dir() {
        missing.push("playwright-core and axe-core (npm ci --prefix tests/browser)");
    }
    chromium
        .filter(|_| missing.is_empty())
        .ok_or_else(|| missing.join(", "))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_elector_votes_in_chromium_with_the_wasm_booth_and_the_downloaded_receipts_verify() {
    let root = workspace_root();
    let chromium = match prerequisites(&root) {
        Ok(path) => path,
        Err(missing) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("the browser test needs {missing}; .ci/run installs them")
        }
        Err(missing) => {
            println!("SKIPPED: the browser test needs {missing}");
            return;
        }
    };

    // Both contests, real codes, and elector 5 holding elector 4's proxy.
    let app = spawn_app(Backend::Sqlite).await;
    let e = app
        .election(FixtureOptions {
            real_codes: true,
            procurations: vec![(4, 5)],
            ..options("navigateur")
        })
        .await;
    let code = |k: usize| e.electors[k].code.as_ref().unwrap().to_printed();
    let out = app.dir.join("navigateur");
    let script = root.join("tests/browser/vote.mjs");
    let args = [
        ("--url", app.base.clone()),
        ("--election", e.id.clone()),
        ("--cnbf", e.electors[5].cnbf.as_str().to_owned()),
        ("--code", code(5)),
        ("--wrong-code", code(6)),
        ("--mandant-cnbf", e.electors[4].cnbf.as_str().to_owned()),
        ("--mandant-code", code(4)),
        ("--out", out.display().to_string()),
        ("--chromium", chromium.display().to_string()),
    ];
    let run = tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new("node");
        cmd.arg(script);
        for (k, v) in args {
            cmd.arg(k).arg(v);
        }
        cmd.output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    println!("{stdout}");
    assert!(
        run.status.success(),
        "vote.mjs failed ({}):\n{stdout}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );

    // The trackers the pages showed are those of the downloaded receipts, which the server
    // signed, and the board lists them.
    let result: Value =
        serde_json::from_slice(&std::fs::read(out.join("result.json")).unwrap()).unwrap();
    let mut receipts = vec![];
    for who in ["own", "proxy"] {
        let path = PathBuf::from(result["receipts"][who].as_str().unwrap());
        let receipt = Receipt::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(receipt.fingerprint, e.fingerprint, "{who}");
        assert_eq!(
            result["trackers"][who].as_str().unwrap(),
            receipt.tracker.to_hex(),
            "{who}: the tracker on the page is not the receipt's"
        );
        receipts.push((path, receipt));
    }
    let b = board(&app, &e.id).await;
    assert_eq!(b["total"], 2, "{b}");
    for (_, r) in &receipts {
        assert!(
            b["ballots"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["tracker"] == r.tracker.to_hex() && x["height"] == r.height),
            "{b}"
        );
    }

    // Close, export the archive, and run the observers' verifier on it with both receipts.
    let s = app.state();
    urne_server::close::close_election(
        &s.db,
        &s.keys,
        &s.elections,
        &e.id,
        CloseReason::Decision,
        "fin du test dans le navigateur",
    )
    .await
    .unwrap();
    let archive_path = app.dir.join("navigateur.urne");
    std::fs::write(&archive_path, archive(&app, &e.id).await).unwrap();
    let verify = urne_server::testkit::workspace_binary("urne-verify");
    let v = Command::new(&verify)
        .arg(&archive_path)
        .args(["--receipt".as_ref(), receipts[0].0.as_os_str()])
        .args(["--receipt".as_ref(), receipts[1].0.as_os_str()])
        .arg("--json")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&v.stdout).unwrap_or(Value::Null);
    assert_eq!(
        v.status.code(),
        Some(0),
        "urne-verify: {report}\n{}",
        String::from_utf8_lossy(&v.stderr)
    );
    assert_eq!(report["verdict"], "valid", "{report}");
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "receipts")
        .unwrap();
    assert_eq!(check["status"], "passed", "{check}");
    assert_eq!(check["count"], 2, "{check}");
    println!(
        "urne-verify {}: {} (stage {}, {} events), receipts {}",
        archive_path.display(),
        report["verdict"],
        report["stage"],
        report["events"],
        check["count"]
    );
    app.stop().await;
}

//! The pages' contract with the real booth: the committed `booth/dist/urne_booth.wasm` through
//! `booth/js/booth.js`, run under node with exactly what the pages' scripts give it (the
//! `data-config` of the login and ballot pages), derives the login token from a code issued by
//! the server, makes the ballot, and — for a mandataire — the proxy credential and its
//! endorsement; the server accepts them. (The browser itself is exercised by issue 8's test.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{Backend, board, options, page_config, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};
use urne_server::fixture::FixtureOptions;

const SCRIPT: &str = r#"
import { readFileSync } from "node:fs";
const root = process.argv[2];
const { loadBooth } = await import(root + "/booth/js/booth.js");
const booth = await loadBooth(readFileSync(new URL(root + "/booth/dist/urne_booth.wasm")));
const req = JSON.parse(readFileSync(0, "utf8"));
let out;
try {
  if (req.op === "login") {
    out = booth.deriveCredential(req.code, req.cfg.campaign);
  } else if (req.op === "ballot") {
    let secret = req.secret;
    if (req.cfg.procuration) secret = booth.deriveProxyCredential(secret, req.cfg.mandant).secret;
    out = booth.makeBallot({ election: req.cfg.fingerprint, election_key: req.cfg.election_key,
                             contests: req.cfg.contests, selections: req.selections, secret });
  } else if (req.op === "endorse") {
    out = booth.endorseProxy({ election: req.cfg.fingerprint, secret: req.secret, mandant: req.cfg.mandant });
  }
} catch (e) {
  out = { error: String(e.message || e) };
}
process.stdout.write(JSON.stringify(out));
"#;

fn node(dir: &std::path::Path, request: Value) -> Value {
    let script = dir.join("booth-page.mjs");
    std::fs::write(&script, SCRIPT).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut child = Command::new("node")
        .arg(&script)
        .arg(format!("file://{}", root.canonicalize().unwrap().display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn the_booth_fed_with_the_pages_configuration_logs_in_votes_and_votes_by_proxy(
    backend: Backend,
) {
    if Command::new("node").arg("--version").output().is_err() {
        println!("SKIPPED: node is not installed; the wasm booth was not exercised");
        return;
    }
    let app = spawn_app(backend).await;
    let e = app
        .election(FixtureOptions {
            real_codes: true,
            procurations: vec![(4, 5)],
            ..options("booth")
        })
        .await;
    let el = &e.electors[5];
    let code = el.code.as_ref().unwrap().to_printed();
    let c = common::client();

    // Login page → booth → login.
    let r = c
        .get(app.url(&format!("/elections/{}/connexion", e.id)))
        .send()
        .await
        .unwrap();
    let pre = common::set_cookie(&r, "urne_pre").unwrap();
    let cfg = page_config(&r.text().await.unwrap());
    // A mistyped code is caught by the booth, before anything is sent.
    let first = if code.starts_with('A') { "B" } else { "A" };
    let typo = format!("{first}{}", &code[1..]);
    let typo = node(&app.dir, json!({"op": "login", "code": typo, "cfg": cfg}));
    assert!(typo["error"].is_string(), "{typo}");
    let cred = node(
        &app.dir,
        json!({"op": "login", "code": code.to_lowercase(), "cfg": cfg}),
    );
    assert_eq!(
        cred["public_key"],
        urne::encoding::hex(&el.credential.public_key().0)
    );
    let r = c
        .post(app.url(cfg["endpoint"].as_str().unwrap()))
        .header(reqwest::header::COOKIE, pre)
        .json(&json!({"cnbf": el.cnbf.as_str(), "token": cred["login_token"], "csrf": cfg["csrf"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let session = common::set_cookie(&r, "urne_session").unwrap();
    let get = |path: String| {
        let c = c.clone();
        let session = session.clone();
        async move {
            c.get(path)
                .header(reqwest::header::COOKIE, session)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let post = |path: String, body: Value| {
        let c = c.clone();
        let session = session.clone();
        async move {
            let r = c
                .post(path)
                .header(reqwest::header::COOKIE, session)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };

    // Ballot page → booth → deposit.
    let cfg = page_config(&get(app.url(&format!("/elections/{}/vote", e.id))).await);
    let b = node(
        &app.dir,
        json!({"op": "ballot", "cfg": cfg, "secret": cred["secret"], "selections": [[0], [1, 2]]}),
    );
    let (status, body) = post(
        app.url(cfg["submit"].as_str().unwrap()),
        json!({"ballot": b["ballot"], "procuration": false, "csrf": cfg["csrf"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["receipt"]["tracker"], b["tracker"]);

    // The proxy: endorsement by the booth, activation, the proxy ballot.
    let cfg = page_config(&get(app.url(&format!("/elections/{}/vote?procuration=1", e.id))).await);
    assert_eq!(cfg["procuration"], true);
    let endorsed = node(
        &app.dir,
        json!({"op": "endorse", "cfg": cfg, "secret": cred["secret"]}),
    );
    let (status, body) = post(
        app.url(cfg["activate"].as_str().unwrap()),
        json!({"proxy": endorsed["proxy"], "endorsement": endorsed["endorsement"], "csrf": cfg["csrf"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let b = node(
        &app.dir,
        json!({"op": "ballot", "cfg": cfg, "secret": cred["secret"], "selections": [[], []]}),
    );
    let (status, body) = post(
        app.url(cfg["submit"].as_str().unwrap()),
        json!({"ballot": b["ballot"], "procuration": true, "csrf": cfg["csrf"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(board(&app, &e.id).await["total"], 2);
    app.stop().await;
}

on_both_backends!(the_booth_fed_with_the_pages_configuration_logs_in_votes_and_votes_by_proxy);

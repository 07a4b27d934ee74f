//! Runs the committed booth (booth/dist/urne_booth.wasm through booth/js/booth.js) under node,
//! makes ballots there and verifies them here with the native core.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use std::path::Path;
use std::process::Command;
use urne::board::{ProxyCredential, PublicKey, SignatureBytes};
use urne::crypto::ballot::{Ballot, ContestShape, ElectionParams};
use urne::crypto::code::VoterCode;
use urne::crypto::credential::Credential;
use urne::crypto::dkg::{DkgParams, run_ceremony};
use urne::encoding::{hex, tagged_hash};

#[derive(serde::Deserialize)]
struct NodeOut {
    public_key: String,
    login_token: String,
    ballots: Vec<(String, String)>,
    millis: Vec<f64>,
    credential_millis: f64,
    bad_code_error: String,
    too_many_error: String,
    proxy: ProxyOut,
}

#[derive(serde::Deserialize)]
struct ProxyOut {
    public_key: String,
    login_token: String,
    mandant: String,
    proxy: String,
    mandataire: String,
    endorsement: String,
    ballot: String,
    self_error: String,
}

#[test]
fn ballots_made_by_the_wasm_booth_under_node_verify_in_rust() {
    if Command::new("node").arg("--version").output().is_err() {
        println!("SKIPPED: node is not installed; the wasm booth was not exercised");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut rng = <chacha20::ChaCha20Rng as rand_core::SeedableRng>::from_seed([21; 32]);
    let dkg = DkgParams::new(tagged_hash("URNE-V1-test-ceremony", &[]), 3, 2).unwrap();
    let (transcript, _, _) = run_ceremony(&dkg, &mut rng).unwrap();
    let key = transcript.verify().unwrap().election_key();
    let fingerprint = tagged_hash("URNE-V1-test-election", &[b"node"]);
    // Three contests; the elector has rights in contests 0 and 2 only.
    let shapes = vec![
        ContestShape { options: 5, max: 1 },
        ContestShape { options: 3, max: 2 },
        ContestShape {
            options: 30,
            max: 12,
        },
    ];
    let params = ElectionParams::new(fingerprint, key, shapes.clone()).unwrap();
    let mine = [0u32, 2];
    let code = VoterCode::generate(&mut rng);
    let mandant = Credential::derive(&VoterCode::generate(&mut rng), "campagne-2026").unwrap();
    let script = format!(
        r#"
import {{ readFileSync }} from "node:fs";
import {{ loadBooth }} from "{loader}";
const booth = await loadBooth(readFileSync("{wasm}"));
let t = performance.now();
const cred = booth.deriveCredential("{code}", "campagne-2026");
const credential_millis = performance.now() - t;
const base = {{ election: "{fp}", election_key: "{key}", contests: {contests}, secret: cred.secret }};
const ballots = [], millis = [];
for (const selections of [[[2], [0,1,2,3,4,5,6,7,8,9,10,11]], [[], []], [[4], [29]]]) {{
  t = performance.now();
  const b = booth.makeBallot({{ ...base, selections }});
  millis.push(performance.now() - t);
  ballots.push([b.ballot, b.tracker]);
}}
let bad_code_error = "", too_many_error = "";
try {{ booth.deriveCredential("{code}X", "c"); }} catch (e) {{ bad_code_error = e.message; }}
try {{ booth.makeBallot({{ ...base, selections: [[0, 1], []] }}); }} catch (e) {{ too_many_error = e.message; }}
const p = booth.deriveProxyCredential(cred.secret, "{mandant}");
const e = booth.endorseProxy({{ election: "{fp}", secret: cred.secret, mandant: "{mandant}" }});
const pb = booth.makeBallot({{ ...base, secret: p.secret, selections: [[], [7]] }});
let self_error = "";
try {{ booth.endorseProxy({{ election: "{fp}", secret: cred.secret, mandant: cred.public_key }}); }} catch (x) {{ self_error = x.message; }}
const proxy = {{ public_key: p.public_key, login_token: p.login_token, mandant: e.mandant, proxy: e.proxy, mandataire: e.mandataire, endorsement: e.endorsement, ballot: pb.ballot, self_error }};
console.log(JSON.stringify({{ public_key: cred.public_key, login_token: cred.login_token, ballots, millis, credential_millis, bad_code_error, too_many_error, proxy }}));
"#,
        loader = root.join("js/booth.js").display(),
        wasm = root.join("dist/urne_booth.wasm").display(),
        code = code.to_printed().to_lowercase(),
        mandant = hex(&mandant.public_key().0),
        fp = fingerprint.to_hex(),
        key = hex(&key.encode()),
        contests = serde_json::to_string(
            &mine
                .iter()
                .map(|&c| {
                    let s = shapes[c as usize];
                    serde_json::json!({"contest": c, "options": s.options, "max": s.max})
                })
                .collect::<Vec<_>>()
        )
        .unwrap(),
    );
    let dir = std::env::temp_dir().join(format!("urne-booth-node-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("run.mjs");
    std::fs::write(&file, script).unwrap();
    let out = Command::new("node").arg(&file).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "node: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res: NodeOut = serde_json::from_slice(&out.stdout).unwrap();

    // Same credential as the native derivation.
    let native = Credential::derive(&code, "campagne-2026").unwrap();
    assert_eq!(res.public_key, hex(&native.public_key().0));
    assert_eq!(res.login_token, hex(&native.login_token().0));
    for (bytes, tracker) in &res.ballots {
        let ballot = Ballot::decode(&urne::encoding::unhex(bytes).unwrap()).unwrap();
        ballot.verify(&params, &mine).unwrap();
        assert_eq!(ballot.contest_indices(), mine);
        assert!(ballot.verify(&params, &[0, 1, 2]).is_err());
        assert_eq!(ballot.credential(), native.public_key());
        assert_eq!(&ballot.tracker().to_hex(), tracker);
    }
    assert!(
        res.bad_code_error.contains("caractères"),
        "{}",
        res.bad_code_error
    );
    assert!(
        res.too_many_error.contains("au plus"),
        "{}",
        res.too_many_error
    );
    // The proxy flow: the wasm derives the same proxy credential as the core, its endorsement
    // verifies as the board checks it, and the proxy credential's ballot verifies.
    let p = &res.proxy;
    let proxy = native.proxy_for(&mandant.public_key());
    assert_eq!(p.public_key, hex(&proxy.public_key().0));
    assert_eq!(p.login_token, hex(&proxy.login_token().0));
    assert_eq!(p.proxy, p.public_key);
    assert_eq!(p.mandant, hex(&mandant.public_key().0));
    assert_eq!(p.mandataire, res.public_key);
    let key_of = |h: &str| PublicKey::from_hex(h).unwrap();
    let message =
        ProxyCredential::endorsement_message(&fingerprint, &key_of(&p.mandant), &key_of(&p.proxy));
    let sig = SignatureBytes(
        urne::encoding::unhex(&p.endorsement)
            .unwrap()
            .try_into()
            .unwrap(),
    );
    assert!(key_of(&p.mandataire).verifies(&message, &sig));
    let other = tagged_hash("URNE-V1-test-election", &[b"other"]);
    let elsewhere =
        ProxyCredential::endorsement_message(&other, &key_of(&p.mandant), &key_of(&p.proxy));
    assert!(!key_of(&p.mandataire).verifies(&elsewhere, &sig));
    let pb = Ballot::decode(&urne::encoding::unhex(&p.ballot).unwrap()).unwrap();
    pb.verify(&params, &mine).unwrap();
    assert_eq!(pb.credential(), proxy.public_key());
    assert!(p.self_error.contains("même électeur"), "{}", p.self_error);
    println!(
        "wasm under node: credential (argon2id) {:.0} ms; ballot 1-of-5 + 12-of-30: {:?} ms",
        res.credential_millis, res.millis
    );
}

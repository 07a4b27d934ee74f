//! `urne-server demo` as the ordre's staff runs it: the real binary on a fresh data directory
//! and a free port; electors log in over HTTP with the codes it printed and vote (the mandataire
//! for himself and by proxy); the staff account it printed opens the admin pages; then **every
//! command it printed** runs, in order, through `sh` exactly as printed (close, exports, the
//! bureau's decryptions, result, signatures, publication, verification with the PV and with a
//! downloaded receipt), each must exit 0, and the procès-verbal's figures must be those of the
//! ballots cast. A second start on the same data directory finds the demonstration again.
//!
//! `urne-tally` and `urne-verify`: cargo gives an integration test only its own package's
//! binaries, so the demo prints a `cargo build -p urne-tally -p urne-verify` line for its
//! target directory and puts that directory first in `PATH`. This test checks that line word by
//! word and, when the README's test command has already built both tools in that directory
//! ([`common::workspace_binary`]), uses them instead of running it: the line builds them with
//! their own feature set, a second build of most of the tree (≈ 5 min of CI on two cores) for
//! nothing the test would learn. Elsewhere (another layout of the target directory) it runs the
//! line like the others.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_common;
mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{TestApp, Voter, booth_params, make_ballot};
use reqwest::StatusCode;
use serde_json::Value;
use urne::board::{ProxyCredential, PublicKey};
use urne::crypto::code::VoterCode;
use urne::crypto::credential::{Credential, CredentialPublicKey};
use urne::encoding::{hex, unhex};

const ELECTION: &str = "demo-2026-t1";

/// A running `urne-server demo` and what it printed.
struct Demo {
    child: Child,
    text: String,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the demo and reads its output up to the last printed command.
fn start(data: &Path, port: u16, stderr: &Path) -> Demo {
    let mut child = Command::new(env!("CARGO_BIN_EXE_urne-server"))
        .args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--data"])
        .arg(data)
        .env_remove("URNE_DATA")
        .env_remove("URNE_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(stderr).unwrap())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut text = String::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                let end = line.contains("--receipt");
                text.push_str(&line);
                text.push('\n');
                if end {
                    break;
                }
            }
            Err(_) => panic!(
                "urne-server demo n'a pas tout affiché :\n{text}\nstderr : {}",
                std::fs::read_to_string(stderr).unwrap_or_default()
            ),
        }
    }
    Demo { child, text }
}

/// What the output says.
#[derive(Debug)]
struct Printed {
    url: String,
    /// (CNBF, code, name), the mandataire last.
    electors: Vec<(String, String, String)>,
    mandant: String,
    staff: (String, String),
    /// The lines indented by exactly four spaces, in order.
    commands: Vec<String>,
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> &'a str {
    let a = s
        .find(open)
        .unwrap_or_else(|| panic!("« {open} » absent de : {s}"))
        + open.len();
    let b = a + s[a..].find(close).unwrap();
    &s[a..b]
}

fn parse(text: &str) -> Printed {
    let url = text
        .lines()
        .find_map(|l| l.strip_prefix("Page de vote : "))
        .expect("page de vote")
        .trim()
        .to_owned();
    let mut electors = Vec::new();
    let mut mandant = String::new();
    let mut section = false;
    for l in text.lines() {
        if l.starts_with("Électeurs") {
            section = true;
            continue;
        }
        if section && !l.starts_with("  ") {
            break;
        }
        if section {
            let mut w = l.split_whitespace();
            let cnbf = w.next().unwrap().to_owned();
            let code = w.next().unwrap().to_owned();
            let rest: Vec<&str> = w.collect();
            let rest = rest.join(" ");
            let name = rest.split("<-").next().unwrap().trim().to_owned();
            if rest.contains("mandataire") {
                mandant = between(&rest, "(CNBF ", ")").to_owned();
            }
            electors.push((cnbf, code, name));
        }
    }
    let admin = text
        .lines()
        .find(|l| l.starts_with("Administration : "))
        .expect("ligne de l'administration");
    let staff = (
        between(admin, "identifiant « ", " »").to_owned(),
        between(admin, "mot de passe « ", " »").to_owned(),
    );
    let commands = text
        .lines()
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|c| !c.starts_with(' '))
        .map(str::to_owned)
        .collect();
    Printed {
        url,
        electors,
        mandant,
        staff,
        commands,
    }
}

/// Runs one printed command with `sh`, after the printed `export` lines before it.
fn run(exports: &[String], command: &str, log: &mut String) -> (String, String) {
    let script = format!("{}\n{command}", exports.join("\n"));
    let out = Command::new("sh")
        .args(["-c", &script])
        .env_remove("URNE_DATA")
        .env_remove("URNE_PASSPHRASE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    log.push_str(&format!("$ {command}\n{stdout}{stderr}"));
    assert!(
        out.status.success(),
        "commande affichée en échec ({}) :\n{command}\nstdout : {stdout}\nstderr : {stderr}",
        out.status
    );
    (stdout, stderr)
}

fn credential(code: &str, campaign: &str) -> Credential {
    Credential::derive(&VoterCode::parse(code).unwrap(), campaign).unwrap()
}

/// The ballots: bâtonnier choice, conseil choices (binômes B1..B4, three seats).
const OWN: [(&[u32], &[u32]); 4] = [
    (&[0], &[0, 1]),
    (&[1], &[0, 2]),
    (&[], &[0]),
    (&[0], &[1, 2, 3]),
];
const BY_PROXY: (&[u32], &[u32]) = (&[2], &[0, 1]);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_the_demo_prints_works_and_the_count_is_that_of_the_ballots_cast() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("demo-{}", {
        let mut b = [0u8; 6];
        rand::fill(&mut b);
        hex(&b)
    }));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("donnees");
    let port = free_port();
    let demo = start(&data, port, &dir.join("stderr-1.txt"));
    let p = parse(&demo.text);
    assert_eq!(
        p.url,
        format!("http://127.0.0.1:{port}/elections/{ELECTION}/connexion")
    );
    assert_eq!(p.electors.len(), 4, "{}", demo.text);
    assert!(!p.mandant.is_empty(), "{}", demo.text);
    assert!(demo.text.contains("50 électeurs"), "{}", demo.text);
    let base = p.url.split("/elections/").next().unwrap().to_owned();
    let app = TestApp::external(&base);

    // The codes file has every elector, the shown ones with the codes printed.
    let csv = std::fs::read_to_string(data.join("demo-codes.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("cnbf,code"));
    let codes: Vec<(&str, &str)> = lines.map(|l| l.split_once(',').unwrap()).collect();
    assert_eq!(codes.len(), 50);
    for (cnbf, code, _) in &p.electors {
        assert!(
            codes.contains(&(cnbf.as_str(), code.as_str())),
            "{cnbf} {code}"
        );
    }
    let keys: Vec<_> = std::fs::read_dir(data.join("bureau")).unwrap().collect();
    assert_eq!(keys.len(), 4);

    // The electors vote with the printed codes, as the booth does.
    let info: Value = common::client()
        .get(app.url(&format!("/api/elections/{ELECTION}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["state"], "ouvert");
    let campaign = info["campaign_id"].as_str().unwrap().to_owned();
    let booth = booth_params(&app, ELECTION).await;
    let contests: Vec<u32> = booth.shapes.iter().map(|(i, _)| *i).collect();
    assert_eq!(contests, [0, 1]);
    let mut receipt = None;
    let mut mandataire = None;
    for ((cnbf, code, _), (b, c)) in p.electors.iter().zip(OWN) {
        let cred = credential(code, &campaign);
        let v = Voter::login(&app, ELECTION, cnbf, &cred).await;
        let ballot = make_ballot(&booth, &cred, &contests, &[b.to_vec(), c.to_vec()]);
        let (status, body) = v.submit(&ballot, false).await;
        assert_eq!(status, StatusCode::OK, "{cnbf} : {body}");
        if receipt.is_none() {
            let r = v.get("/recepisse.json").await;
            assert_eq!(r.status(), StatusCode::OK);
            receipt = Some(r.bytes().await.unwrap());
        }
        mandataire = Some((v, cred));
    }
    // The last one shown is the mandataire: he votes by proxy too.
    let (v, cred) = mandataire.unwrap();
    let page = v.get_ok("/vote?procuration=1").await;
    assert!(page.contains("au titre de la procuration"), "{page}");
    let mandant_pk: [u8; 32] = unhex(common::page_config(&page)["mandant"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let mandant_pk = CredentialPublicKey(mandant_pk);
    let proxy = cred.proxy_for(&mandant_pk);
    let proxy_pk = PublicKey(proxy.public_key().0);
    let msg = ProxyCredential::endorsement_message(
        &booth.fingerprint,
        &PublicKey(mandant_pk.0),
        &proxy_pk,
    );
    let (status, body) = v
        .post(
            "/procuration",
            serde_json::json!({"proxy": proxy_pk.to_hex(), "endorsement": hex(&cred.sign(&msg.0)), "csrf": v.csrf}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ballot = make_ballot(
        &booth,
        &proxy,
        &contests,
        &[BY_PROXY.0.to_vec(), BY_PROXY.1.to_vec()],
    );
    let (status, body) = v.submit(&ballot, true).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The printed staff account opens the admin pages, which list the demo election.
    let staff = admin_common::StaffClient::login(&app, &p.staff.0, &p.staff.1).await;
    let r = staff.get("/admin").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains(ELECTION));

    // Every printed command, in order; the receipt saved where the text says.
    let last = p.commands.last().unwrap();
    let receipt_path = unquote(last.split("--receipt ").nth(1).unwrap().trim());
    std::fs::write(&receipt_path, receipt.unwrap()).unwrap();
    let mut exports = Vec::new();
    let mut log = String::new();
    let mut outputs = Vec::new();
    for c in &p.commands {
        if c.starts_with("export ") {
            exports.push(c.clone());
            continue;
        }
        if c.starts_with("cargo ") && tools_already_built(c, &p.commands) {
            log.push_str(&format!(
                "$ {c}\n(urne-tally et urne-verify déjà construits)\n"
            ));
            outputs.push((c.clone(), (String::new(), String::new())));
            continue;
        }
        outputs.push((c.clone(), run(&exports, c, &mut log)));
    }
    std::fs::write(dir.join("commandes.txt"), &log).unwrap();
    // The whole procedure was printed, in this order.
    let steps: Vec<String> = outputs
        .iter()
        .map(|(c, _)| {
            let w: Vec<&str> = c.split_whitespace().collect();
            match w[0] {
                "urne-server" => w[4].to_owned(),
                "urne-tally" => format!("tally {}", w[1]),
                other => other.to_owned(),
            }
        })
        .collect();
    assert_eq!(
        steps,
        [
            "cargo",
            "close",
            "export-archive",
            "export-declarations",
            "tally decrypt",
            "tally decrypt",
            "tally decrypt",
            "tally result",
            "tally sign",
            "tally sign",
            "tally sign",
            "tally show",
            "publish",
            "export-archive",
            "urne-verify",
            "urne-verify",
        ],
        "{log}"
    );
    for (c, (stdout, _)) in outputs.iter().filter(|(c, _)| c.starts_with("urne-verify")) {
        assert!(stdout.contains("VALIDE"), "{c}\n{stdout}");
    }
    let (_, (with_pv, _)) = &outputs[outputs.len() - 2];
    assert!(with_pv.contains("aucun récépissé fourni"), "{with_pv}");
    let (_, (with_receipt, _)) = outputs.last().unwrap();
    assert!(
        with_receipt
            .lines()
            .any(|l| l.starts_with("[ ok ] Récépissés fournis")),
        "{with_receipt}"
    );

    // The procès-verbal's figures are those of the ballots cast.
    let pv_path = unquote(between(&log, "urne-tally show --pv ", "\n"));
    let pv: Value = serde_json::from_str(&std::fs::read_to_string(pv_path).unwrap()).unwrap();
    let result = &pv["result"];
    assert_eq!(result["board"]["ballots"], 5, "{result}");
    assert_eq!(result["board"]["proxies"], 1);
    let ballots: Vec<(&'static [u32], &'static [u32])> =
        OWN.iter().copied().chain([BY_PROXY]).collect();
    for (k, ids) in [(0, ["T1", "T2", "T3", ""]), (1, ["B1", "B2", "B3", "B4"])] {
        let c = &result["contests"][k]["internet"];
        assert_eq!(result["contests"][k]["inscrits"], 50);
        assert_eq!(c["votants"], 5, "{c}");
        assert_eq!(c["procurations"], 1, "{c}");
        let chosen = |b: &(&'static [u32], &'static [u32])| if k == 0 { b.0 } else { b.1 };
        let blank = ballots.iter().filter(|b| chosen(b).is_empty()).count();
        assert_eq!(c["blancs"], blank as u64, "{c}");
        for (o, id) in ids.iter().enumerate().filter(|(_, id)| !id.is_empty()) {
            let n = ballots
                .iter()
                .filter(|b| chosen(b).contains(&(o as u32)))
                .count();
            assert_eq!(c["votes"][id], n as u64, "{id} : {c}");
        }
    }
    drop(demo);

    // A second start on the same data directory finds the same demonstration again.
    let again = start(&data, free_port(), &dir.join("stderr-2.txt"));
    let q = parse(&again.text);
    assert!(
        again.text.contains("Démonstration reprise"),
        "{}",
        again.text
    );
    assert!(again.text.contains("Le vote est clos"), "{}", again.text);
    assert_eq!(q.electors, p.electors);
    assert_eq!(q.staff, p.staff);
    assert_eq!(
        std::fs::read_to_string(data.join("demo-codes.csv")).unwrap(),
        csv
    );
    drop(again);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The printed build line is exactly `cargo build --manifest-path WORKSPACE/Cargo.toml [--target-dir
/// DIR] -p urne-tally -p urne-verify` for this workspace, and the printed `PATH` starts with the
/// directory where the README's test command put both tools (then the line has nothing to
/// build that the test needs; see the module documentation).
fn tools_already_built(line: &str, commands: &[String]) -> bool {
    let w: Vec<String> = line.split_whitespace().map(unquote).collect();
    assert_eq!(&w[..2], ["cargo", "build"], "{line}");
    assert!(
        !w.contains(&"--release".to_owned()),
        "build de debug attendu : {line}"
    );
    let at = w.iter().position(|x| x == "--manifest-path").expect(line);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    assert_eq!(
        std::fs::canonicalize(&w[at + 1]).unwrap(),
        std::fs::canonicalize(manifest).unwrap(),
        "{line}"
    );
    assert_eq!(
        w[w.len() - 4..],
        ["-p", "urne-tally", "-p", "urne-verify"],
        "{line}"
    );
    let path = commands
        .iter()
        .find_map(|e| e.strip_prefix("export PATH="))
        .expect("export PATH affiché");
    let bin_dir = std::fs::canonicalize(unquote(path.split(':').next().unwrap())).unwrap();
    ["urne-tally", "urne-verify"].iter().all(|t| {
        let exe = common::workspace_binary(t);
        exe.parent().and_then(|d| std::fs::canonicalize(d).ok()) == Some(bin_dir.clone())
    })
}

/// A printed shell word without its single quotes.
fn unquote(w: &str) -> String {
    w.strip_prefix('\'')
        .and_then(|w| w.strip_suffix('\''))
        .unwrap_or(w)
        .replace("'\\''", "'")
}

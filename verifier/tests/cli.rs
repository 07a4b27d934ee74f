//! `urne-verify` as an observer runs it: on the committed election vector
//! (tests/vectors/verify/), with and without the PV and a receipt, in French, English and JSON,
//! and its exit status (0 valid, 1 invalid, 2 could not run).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/verify");

fn vector(name: &str) -> PathBuf {
    PathBuf::from(DIR).join(name)
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_urne-verify"))
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("urne-verify-cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn a_valid_archive_with_its_pv_and_receipt_exits_zero_with_a_french_report() {
    let (a, pv, r) = (
        vector("election.urne"),
        vector("pv.json"),
        vector("recepisse.json"),
    );
    let o = run(&[
        a.as_os_str(),
        "--pv".as_ref(),
        pv.as_os_str(),
        "--receipt".as_ref(),
        r.as_os_str(),
    ]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("Résultat : VALIDE"), "{out}");
    assert!(out.contains("6 bulletins vérifiés"), "{out}");
    assert!(out.contains("Empreinte de l'élection"), "{out}");
    assert!(
        out.contains("signé par : bâtonnier, scrutateur 1, scrutateur 2, scrutateur 3"),
        "{out}"
    );
    assert!(out.contains("1 récépissé vérifié"), "{out}");
    // Not a terminal: no progress bar on standard error.
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_report_is_in_english_on_request() {
    let a = vector("election.urne");
    let o = run(&[a.as_os_str(), "--lang".as_ref(), "en".as_ref()]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("Outcome: VALID"), "{out}");
    assert!(out.contains("6 ballots verified"), "{out}");
    assert!(out.contains("no procès-verbal given (--pv)"), "{out}");
}

#[test]
fn the_json_report_is_the_committed_one() {
    let (a, pv, r) = (
        vector("election.urne"),
        vector("pv.json"),
        vector("recepisse.json"),
    );
    let o = run(&[
        a.as_os_str(),
        "--pv".as_ref(),
        pv.as_os_str(),
        "--receipt".as_ref(),
        r.as_os_str(),
        "--json".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(vector("report.json")).unwrap()).unwrap();
    assert_eq!(got, want);
}

#[test]
fn an_altered_archive_exits_one_and_names_the_place() {
    let mut bytes = std::fs::read(vector("election.urne")).unwrap();
    // A byte in the middle of the file: some ballot's event.
    let i = bytes.len() / 2;
    bytes[i] ^= 0x01;
    let path = scratch("altered.urne");
    std::fs::write(&path, &bytes).unwrap();
    let o = run(&[path.as_os_str()]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("INVALIDE"), "{out}");
    assert!(out.contains("Contrôle en échec"), "{out}");
    assert!(out.contains("Lieu : événement"), "{out}");
    let o = run(&[path.as_os_str(), "--json".as_ref()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "invalid");
    assert!(v["failure"]["height"].is_u64(), "{v}");
}

#[test]
fn a_pv_that_does_not_match_exits_one() {
    let text_pv = std::fs::read_to_string(vector("pv.json")).unwrap();
    let altered = text_pv.replacen("\"place\": \"Exemple\"", "\"place\": \"Ailleurs\"", 1);
    assert_ne!(altered, text_pv);
    let path = scratch("altered-pv.json");
    std::fs::write(&path, altered).unwrap();
    let a = vector("election.urne");
    let o = run(&[a.as_os_str(), "--pv".as_ref(), path.as_os_str()]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("pv.signature"), "{out}");
}

#[test]
fn a_missing_or_unreadable_file_exits_two() {
    let o = run(&["/nonexistent/election.urne".as_ref()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ouverture impossible"), "{err}");
    let a = vector("election.urne");
    let o = run(&[
        a.as_os_str(),
        "--receipt".as_ref(),
        "/nonexistent/r.json".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let garbage = scratch("garbage-pv.json");
    std::fs::write(&garbage, "{ pas du json").unwrap();
    let o = run(&[
        a.as_os_str(),
        "--pv".as_ref(),
        garbage.as_os_str(),
        "--lang".as_ref(),
        "en".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a valid procès-verbal file"), "{err}");
}

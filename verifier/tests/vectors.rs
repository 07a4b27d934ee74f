//! Known-answer vector of the verifier (tests/vectors/verify/): the standard test election of
//! `urne::verify::testkit` (deterministic keys and randomness) as an archive, its PV, a receipt
//! and the expected `urne-verify --json` report, regenerated and compared byte for byte. An
//! independent verifier can be checked against these files. `URNE_REGENERATE_VECTORS=1` rewrites
//! them after an intended change of a format.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use urne::board::Receipt;
use urne::pv::Pv;
use urne::verify::testkit::{Fixture, Spec};
use urne::verify::{Options, Verdict, verify};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/verify");

fn files() -> Vec<(&'static str, Vec<u8>)> {
    let mut f = Fixture::new(Spec::default());
    let s = f.scenario();
    let events = f.chain(&s.payloads);
    let archive = f.archive(&events, true);
    let receipt = f.receipt(&events, 7).unwrap();
    let options = Options {
        pv: Some(s.pv.clone()),
        receipts: vec![receipt],
        ..Options::default()
    };
    let report = verify(archive.as_slice(), &options, &mut |_| {}).report;
    assert_eq!(report.verdict, Verdict::Valid);
    let mut json = serde_json::to_string_pretty(&report).unwrap();
    json.push('\n');
    let mut receipt_json = receipt.to_json();
    receipt_json.push('\n');
    vec![
        ("election.urne", archive),
        ("pv.json", s.pv.to_json().into_bytes()),
        ("recepisse.json", receipt_json.into_bytes()),
        ("report.json", json.into_bytes()),
    ]
}

#[test]
fn the_committed_election_vector_is_regenerated_byte_for_byte() {
    let files = files();
    if std::env::var_os("URNE_REGENERATE_VECTORS").is_some() {
        std::fs::create_dir_all(DIR).unwrap();
        for (name, bytes) in &files {
            std::fs::write(format!("{DIR}/{name}"), bytes).unwrap();
        }
    }
    for (name, bytes) in &files {
        let committed = std::fs::read(format!("{DIR}/{name}"))
            .unwrap_or_else(|e| panic!("{DIR}/{name}: {e} (URNE_REGENERATE_VECTORS=1 writes it)"));
        assert!(
            committed == *bytes,
            "{name} differs from the committed vector: a format changed \
             (URNE_REGENERATE_VECTORS=1 cargo test -p urne-verify --test vectors rewrites it)"
        );
    }
}

#[test]
fn the_committed_election_vector_verifies_with_its_pv_and_receipt() {
    let archive = std::fs::read(format!("{DIR}/election.urne")).unwrap();
    let pv = Pv::from_json(&std::fs::read_to_string(format!("{DIR}/pv.json")).unwrap()).unwrap();
    let receipt =
        Receipt::from_json(&std::fs::read_to_string(format!("{DIR}/recepisse.json")).unwrap())
            .unwrap();
    let options = Options {
        pv: Some(pv),
        receipts: vec![receipt],
        ..Options::default()
    };
    let r = verify(archive.as_slice(), &options, &mut |_| {}).report;
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", r.failure);
    // Every byte of the archive matters: a flipped byte anywhere is refused.
    for i in (0..archive.len()).step_by(97) {
        let mut bad = archive.clone();
        bad[i] ^= 0x10;
        let r = verify(bad.as_slice(), &Options::default(), &mut |_| {}).report;
        assert_eq!(r.verdict, Verdict::Invalid, "byte {i} flipped was accepted");
    }
}

//! Known-answer vectors of the ballot box (tests/vectors/board/): a small archive regenerated
//! from fixed seeds and compared byte for byte with the committed file. Run with
//! `URNE_REGENERATE_VECTORS=1` to rewrite the files after an intended change of the format.

use super::*;
use crate::board::testkit::{Fixture, key, test_verifier};
use crate::board::{Event, Receipt, SignedHead, event_hash};
use crate::encoding::tagged_hash;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/board");

struct Vectors {
    archive: Vec<u8>,
    description: String,
    receipt: String,
}

fn generate() -> Vectors {
    let f = Fixture::new();
    let (events, bytes) = f.full_chain();
    let mut w = ArchiveWriter::new(Vec::new()).unwrap();
    for b in &bytes {
        w.write_event(b).unwrap();
    }
    let n = bytes.len() as u64;
    let head = SignedHead::sign(f.fp, n - 1, event_hash(&bytes[bytes.len() - 1]), &f.server);
    let archive = w.finish(Some(&head)).unwrap();

    // The receipt of the first ballot (height 4).
    let ballot = &events[4];
    let crate::board::Payload::Ballot(b) = &ballot.payload else {
        panic!("height 4 is a ballot");
    };
    let tracker = tagged_hash("URNE-V1-tracker", &[&b.ballot]);
    let receipt = Receipt::sign(f.fp, 4, ballot.hash(), tracker, b.received_at, &f.server);

    let seeds = serde_json::json!({
        "rule": "SigningKey::from_bytes(tagged_hash(\"URNE-V1-test-key\", [UTF-8 label]))",
        "labels": ["bâtonnier", "scrutateur 1", "scrutateur 2", "scrutateur 3", "ordre", "serveur",
                   "électeur 0", "électeur 1", "électeur 2", "électeur 3", "électeur 4", "électeur 5",
                   "procuration 0", "électeur 2 bis"],
        "public_keys": {
            "bâtonnier": crate::board::PublicKey::of(&key("bâtonnier")).to_hex(),
            "ordre": crate::board::PublicKey::of(&key("ordre")).to_hex(),
            "serveur": crate::board::PublicKey::of(&key("serveur")).to_hex(),
        },
    });
    let description = serde_json::json!({
        "description": "Small Urne archive: every event kind. Ballots, DKG transcript, tally and partial decryptions are opaque filler bytes (the board does not interpret them); see docs/protocol.md.",
        "file": "small.urne",
        "file_sha256": crate::encoding::hex(&sha256(&archive)),
        "fingerprint": f.fp.to_hex(),
        "credential_root": f.genesis.credential_root.to_hex(),
        "seeds": seeds,
        "events": events.iter().zip(&bytes).map(|(e, b): (&Event, &Vec<u8>)| serde_json::json!({
            "height": e.height,
            "kind": e.kind().name(),
            "code": e.kind().code(),
            "length": b.len(),
            "hash": event_hash(b).to_hex(),
        })).collect::<Vec<_>>(),
        "signed_head": head,
    });
    Vectors {
        archive,
        description: format!("{}\n", serde_json::to_string_pretty(&description).unwrap()),
        receipt: format!("{}\n", receipt.to_json()),
    }
}

fn sha256(b: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b).into()
}

#[test]
fn the_small_archive_vector_is_regenerated_byte_for_byte() {
    let v = generate();
    let files = [
        ("small.urne", v.archive.clone()),
        ("small.json", v.description.clone().into_bytes()),
        ("small-receipt.json", v.receipt.clone().into_bytes()),
    ];
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
            "{name} differs from the committed vector: the format changed"
        );
    }
}

#[test]
fn the_committed_archive_vector_checks_and_its_receipt_verifies() {
    let file = std::fs::read(format!("{DIR}/small.urne")).unwrap();
    let s = check_archive(file.as_slice(), &mut test_verifier, |_| {}).unwrap();
    let receipt =
        Receipt::from_json(&std::fs::read_to_string(format!("{DIR}/small-receipt.json")).unwrap())
            .unwrap();
    let f = Fixture::new();
    receipt
        .verify(&crate::board::PublicKey::of(&f.server))
        .unwrap();
    assert_eq!(receipt.fingerprint, s.chain.fingerprint);
    let e = ArchiveReader::new(file.as_slice())
        .unwrap()
        .nth(receipt.height as usize)
        .unwrap()
        .unwrap();
    assert_eq!(event_hash(&e.bytes), receipt.event);
}

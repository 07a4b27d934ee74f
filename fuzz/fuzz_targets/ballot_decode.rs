//! The ballot decoder (docs/protocol.md §5.4) on arbitrary bytes: it must never panic, and what it
//! accepts must re-encode to exactly the same bytes (one encoding per ballot).
#![no_main]

use libfuzzer_sys::fuzz_target;
use urne::crypto::ballot::Ballot;

fuzz_target!(|data: &[u8]| {
    if let Ok(ballot) = Ballot::decode(data) {
        assert_eq!(ballot.encode(), data, "a decoded ballot re-encodes to its input");
        let _ = ballot.tracker();
    }
});

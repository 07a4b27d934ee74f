//! The archive reader and chain checker (docs/protocol.md §Archive file, §Checking a chain) on
//! arbitrary bytes: they must refuse or accept, never panic or allocate without bound. Ballots are
//! refused by the verifier here (the ballot decoder has its own target), so every other event kind
//! and every record of the file format is exercised.
#![no_main]

use libfuzzer_sys::fuzz_target;
use urne::archive::check_archive;
use urne::board::BallotToVerify;

fuzz_target!(|data: &[u8]| {
    let mut refuse = |_: &BallotToVerify<'_>| -> Result<(), String> { Err("fuzz".into()) };
    let _ = check_archive(data, &mut refuse, |_| {});
});

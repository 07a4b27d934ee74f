//! The ballot-box event decoder (docs/protocol.md §Event) on arbitrary bytes: never panics, and an
//! accepted event re-encodes to its input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use urne::board::Event;

fuzz_target!(|data: &[u8]| {
    if let Ok(event) = Event::decode(data) {
        assert_eq!(event.encode(), data, "a decoded event re-encodes to its input");
    }
});

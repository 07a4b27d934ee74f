//! The counts file of `urne-tally count` (docs/counts-file.md), TOML and JSON, parsed and counted:
//! any input gives a result or an error naming the field, never a panic or an overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use urne::rules::counts_file::{Format, parse_counts};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [Format::Toml, Format::Json] {
        if let Ok(file) = parse_counts(text, format) {
            let _ = file.count();
        }
    }
});

//! The liste électorale CSV import (docs/roll-csv.md) on arbitrary bytes (UTF-8 or Windows-1252,
//! any separator): it returns the roll or every error, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use urne::model::import_roll;

fuzz_target!(|data: &[u8]| {
    let _ = import_roll(data, "Fuzz");
});

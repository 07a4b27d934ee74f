//! Import rate of the liste électorale CSV: a realistic 35 000-line roll of the barreau de Paris,
//! in Windows-1252 with `;` (what Excel writes) and in UTF-8, decoded, parsed, checked and built
//! into the model's `Roll`. Issue 5 requires under 10 s; prints lines per second.
//!
//! `cargo bench --bench roll_import`

#[path = "../tests/support/roll_gen.rs"]
mod roll_gen;

use std::time::{Duration, Instant};
use urne::model::import_roll;

const LINES: usize = 35_000;
const RUNS: usize = 7;

/// CPU time of this thread (Linux `/proc/thread-self/schedstat`, nanoseconds on a CPU): the
/// machine is shared, so wall time alone over-states the cost under load.
fn thread_cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn measure(label: &str, bytes: &[u8]) -> Duration {
    let mut times = Vec::with_capacity(RUNS);
    let mut cpu_times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let cpu_start = thread_cpu_time();
        let start = Instant::now();
        let result = import_roll(std::hint::black_box(bytes), "Paris");
        let elapsed = start.elapsed();
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_time()) {
            cpu_times.push(b.saturating_sub(a));
        }
        match result {
            Ok(imp) => assert_eq!(imp.roll.electors().len(), LINES),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        times.push(elapsed);
    }
    times.sort();
    cpu_times.sort();
    let median = times[RUNS / 2];
    let rate = LINES as f64 / median.as_secs_f64();
    println!(
        "roll_import/{label}: {LINES} lines, {} bytes: wall median {:.1} ms (min {:.1} ms, max {:.1} ms) over {RUNS} runs = {:.0} lines/s",
        bytes.len(),
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3,
        rate
    );
    if let Some(cpu) = cpu_times.get(cpu_times.len() / 2) {
        println!(
            "roll_import/{label}: CPU time median {:.1} ms = {:.0} lines per CPU-second",
            cpu.as_secs_f64() * 1e3,
            LINES as f64 / cpu.as_secs_f64()
        );
    }
    median
}

fn main() {
    let (text, _) = roll_gen::paris_roll(LINES);
    let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable, "the generated names fit in Windows-1252");
    let slowest = [
        measure("windows-1252-semicolon", &cp1252),
        measure("utf-8-semicolon", text.as_bytes()),
    ]
    .into_iter()
    .max()
    .unwrap_or_default();
    println!(
        "roll_import: slowest median {:.1} ms for {LINES} lines (limit of issue 5: 10 s)",
        slowest.as_secs_f64() * 1e3
    );
}

//! Benchmark of the end-to-end verification (issue 7): `cargo bench -p urne-verify --bench verify`.
//!
//! Builds once, with the core's test kit, a complete election of `URNE_BENCH_BALLOTS` (default
//! 100 000) ballots of one 1-of-5 contest (bâtonnier + 3 scrutateurs, t = 2; every 11th ballot
//! blank, the five candidacies with unequal shares), closed, tallied, decrypted, counted, with its PV signed — and caches the archive and
//! the PV under `target/tmp/` (generation takes minutes; delete the files to rebuild them). Then
//! it verifies the archive and the PV in a fresh child process and prints the wall time, the
//! CPU time, the rate and the child's peak memory (max RSS, from /proc). Figures are recorded
//! in docs/benchmarks.md. The target: ≤ 30 s on this 2-core machine.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use urne::crypto::credential::Credential;
use urne::pv::Pv;
use urne::verify::testkit::{CLOSING, Fixture, OPENING, Selections, Spec};
use urne::verify::{Options, Verdict, verify};

type Res<T> = Result<T, Box<dyn Error>>;

/// Bumped when the test kit's election changes, so that a stale cache is not measured.
const CACHE_VERSION: u32 = 2;

fn paths(n: usize) -> (PathBuf, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    (
        dir.join(format!("bench-verify-{n}-v{CACHE_VERSION}.urne")),
        dir.join(format!("bench-verify-{n}-v{CACHE_VERSION}.pv.json")),
    )
}

fn generate(n: usize, archive: &Path, pv_path: &Path) -> Res<()> {
    let t = Instant::now();
    let mut f = Fixture::new(Spec {
        electors: n,
        batonnier_candidacies: 5,
        conseil: None,
        seed: 11,
    });
    println!(
        "  élection de {n} électeurs préparée en {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let span = CLOSING - OPENING - 1;
    let votes: Vec<(Credential, Selections, u64)> = f
        .electors
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // Unequal shares (1, 3, 5, 7, 9 in 25), so that no tie needs the candidates' dates.
            let option = match i % 25 {
                0 => 0,
                1..=3 => 1,
                4..=8 => 2,
                9..=15 => 3,
                _ => 4,
            };
            let selected = if i % 11 == 0 { vec![] } else { vec![option] };
            (
                c.clone(),
                vec![(0, selected)],
                OPENING + (i as u64 * 7) % span,
            )
        })
        .collect();
    let mut payloads = vec![f.seal()];
    payloads.extend(f.ballots(&votes));
    println!(
        "  {n} bulletins chiffrés et prouvés en {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let (payloads, pv) = f.count(payloads, &[0, 2, 3]);
    let events = f.chain(&payloads);
    std::fs::write(archive, f.archive(&events, true))?;
    std::fs::write(pv_path, pv.to_json())?;
    println!(
        "  dépouillement, résultat, PV et archive en {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Peak resident memory of this process, in KiB (Linux).
fn max_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user + system) of this process, in seconds (Linux, from /proc/self/stat).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(ticks as f64 / 100.0)
}

/// The child: verify and print one line of figures.
fn child(archive: &Path, pv_path: &Path) -> Res<()> {
    let pv = Pv::from_json(&std::fs::read_to_string(pv_path)?)?;
    let options = Options {
        pv: Some(pv),
        ..Options::default()
    };
    let file = std::fs::File::open(archive)?;
    let t = Instant::now();
    // When the genesis (every credential key) is checked and the first ballot comes.
    let mut genesis = 0.0;
    let v = verify(file, &options, &mut |p| {
        if p.events == 1 {
            genesis = t.elapsed().as_secs_f64();
        }
    });
    let wall = t.elapsed().as_secs_f64();
    let ballots = v
        .report
        .check(urne::verify::CheckId::Ballots)
        .and_then(|c| c.count)
        .unwrap_or(0);
    println!(
        "RESULT verdict={:?} wall={wall:.2} genesis={genesis:.2} cpu={:.2} ballots={ballots} bytes={} rss_kib={}",
        v.report.verdict,
        cpu_seconds().unwrap_or(0.0),
        v.report.bytes,
        max_rss_kib().unwrap_or(0)
    );
    if v.report.verdict != Verdict::Valid {
        println!("{}", v.report.render(urne::verify::Lang::Fr, "bench"));
    }
    Ok(())
}

/// The machine's load average over the last minute (other processes share the cores).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

fn measure(archive: &Path, pv: &Path) -> Res<String> {
    let out = Command::new(std::env::current_exe()?)
        .env("URNE_BENCH_CHILD", "1")
        .arg(archive)
        .arg(pv)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    Ok(text)
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    if std::env::var_os("URNE_BENCH_CHILD").is_some() {
        return child(Path::new(&args[1]), Path::new(&args[2]));
    }
    let n: usize = std::env::var("URNE_BENCH_BALLOTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    println!(
        "urne-verify — banc d'essai de la vérification de bout en bout, {n} bulletins 1 parmi 5, {cores} cœurs"
    );
    let (archive, pv) = paths(n);
    if !archive.exists() || !pv.exists() {
        println!(
            "génération de l'archive (une fois, mise en cache dans {}) :",
            archive.display()
        );
        generate(n, &archive, &pv)?;
    } else {
        println!("archive en cache : {}", archive.display());
    }
    let text = measure(&archive, &pv)?;
    let line = text
        .lines()
        .find(|l| l.starts_with("RESULT"))
        .ok_or_else(|| format!("pas de mesure : {text}"))?;
    let field = |k: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{k}=")))
            .unwrap_or("?")
            .to_owned()
    };
    if field("verdict") != "Valid" {
        return Err(format!("l'archive du banc d'essai n'est pas valide :\n{text}").into());
    }
    let wall: f64 = field("wall").parse().unwrap_or(f64::NAN);
    let bytes: f64 = field("bytes").parse().unwrap_or(f64::NAN);
    let rss: f64 = field("rss_kib").parse().unwrap_or(f64::NAN);
    println!(
        "vérification complète (chaîne, {} bulletins, dépouillement, déchiffrements, résultat, PV) :",
        field("ballots")
    );
    println!("  durée            {wall:>8.2} s (objectif ≤ 30 s)");
    println!(
        "  dont genèse      {:>8} s (décodage et contrôle des {n} clés d'identifiants)",
        field("genesis")
    );
    println!("  temps processeur {:>8} s", field("cpu"));
    println!("  charge (1 min)   {:>8}", load());
    println!(
        "  débit            {:>8.0} bulletins/s, {:.0} Mo/s",
        n as f64 / wall,
        bytes / wall / 1e6
    );
    println!("  archive          {:>8.1} Mo", bytes / 1e6);
    println!(
        "  mémoire max      {:>8.1} Mo (RSS du processus de vérification)",
        rss / 1024.0
    );
    Ok(())
}

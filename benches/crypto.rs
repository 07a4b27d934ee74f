//! Benchmark of the cryptographic core: `cargo bench -p urne --bench crypto`.
//!
//! Prints, per ballot shape (1-of-2, 1-of-5, 7-of-20, 12-of-30), the time per ballot to
//! encrypt+prove and to verify (decode + signature + proofs, batched), on one core and on all
//! cores, the time to verify one ballot alone, the time to tally and decrypt 100 000 ballots
//! (bâtonnier + 3 scrutateurs, t = 2), and the time of the committed wasm booth
//! (booth/dist/urne_booth.wasm, through booth/js/booth.js) to encrypt and prove a 12-of-30 ballot
//! under node. Figures are recorded in docs/benchmarks.md.
//! `URNE_BENCH_BALLOTS` sets the number of ballots per shape (default 256).

use chacha20::ChaCha20Rng;
use rand_core::SeedableRng;
use rayon::prelude::*;
use std::error::Error;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use urne::crypto::ballot::{Ballot, ContestChoice, ContestShape, ElectionParams, verify_ballots};
use urne::crypto::credential::Credential;
use urne::crypto::decryption::{ContestCounts, PartialDecryption, decrypt_tally};
use urne::crypto::dkg::{DkgParams, run_ceremony};
use urne::crypto::elgamal::ElectionKey;
use urne::crypto::tally::tally;
use urne::encoding::{Hash32, hex, tagged_hash};

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// CPU time of the whole process (all its threads: Linux `/proc/self/task/*/schedstat`, ns on a
/// CPU). The machine is shared with other work, so wall time alone over-states the cost under
/// load; on one core, CPU time is what the ballot costs.
fn cpu_now() -> Option<Duration> {
    let mut ns = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let text = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        ns += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(ns))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// Wall time and CPU time of `f`.
#[derive(Clone, Copy)]
struct Timing {
    wall: Duration,
    cpu: Option<Duration>,
}

impl Timing {
    fn per(&self, n: usize) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0 / n as f64;
        match self.cpu {
            Some(c) => format!("{:>7.3} ({:.3})", ms(self.wall), ms(c)),
            None => format!("{:>7.3} (?)", ms(self.wall)),
        }
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Timing) {
    let c = cpu_now();
    let t = Instant::now();
    let v = f();
    let wall = t.elapsed();
    let cpu = c.zip(cpu_now()).map(|(a, b)| b.saturating_sub(a));
    (v, Timing { wall, cpu })
}

/// Runs `f` three times and keeps the run with the median wall time.
fn median3(mut f: impl FnMut() -> Res<Timing>) -> Res<Timing> {
    let mut runs = [f()?, f()?, f()?];
    runs.sort_by_key(|t| t.wall);
    Ok(runs[1])
}

fn main() -> Res<()> {
    let n: usize = std::env::var("URNE_BENCH_BALLOTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let all = rayon::ThreadPoolBuilder::new().num_threads(cores).build()?;
    let mut rng = ChaCha20Rng::from_seed([42; 32]);
    let dkg = DkgParams::new(tagged_hash("URNE-V1-bench", &[]), 3, 2)?;
    let (transcript, bat, shares) = run_ceremony(&dkg, &mut rng)?;
    let keys = transcript.verify()?;
    let key = keys.election_key();
    let creds: Vec<Credential> = (0..n.max(1000))
        .map(|i| {
            let mut s = [0u8; 64];
            s[..8].copy_from_slice(&(i as u64).to_le_bytes());
            Credential::from_secret_bytes(&s)
        })
        .collect();
    println!(
        "urne — banc d'essai cryptographique, {n} bulletins par forme, {cores} cœurs, charge de la machine {}",
        load_average()
    );
    let code = urne::crypto::code::VoterCode::generate(&mut rng);
    let (cred, kdf) = timed(|| {
        (0..10)
            .map(|_| Credential::derive(&code, "campagne"))
            .collect::<Result<Vec<_>, _>>()
    });
    cred?;
    println!(
        "dérivation d'un justificatif (argon2id) : {} ms (CPU) ; 35 000 électeurs sur {cores} cœurs ≈ {:.0} s",
        kdf.per(10),
        kdf.wall.as_secs_f64() / 10.0 * 35_000.0 / cores as f64
    );
    println!(
        "ms par bulletin, temps réel (temps CPU) ; 1c = un cœur, tous = {cores} cœurs ; vérification = décodage + signature + preuves, groupée ; seul = un bulletin vérifié isolément"
    );
    println!(
        "{:<10} {:>18} {:>18} {:>18} {:>18} {:>9} {:>8}",
        "forme", "chiffr. 1c", "chiffr. tous", "vérif. 1c", "vérif. tous", "vérif. seul", "octets"
    );
    let fp = tagged_hash("URNE-V1-bench-election", &[]);
    for (options, max) in [(2u32, 1u32), (5, 1), (20, 7), (30, 12)] {
        let params = ElectionParams::new(fp, key, vec![ContestShape { options, max }])?;
        let sel = vec![ContestChoice {
            contest: 0,
            selected: (0..max).collect(),
        }];
        let make = |i: usize| -> Res<Ballot> {
            let mut rng = ChaCha20Rng::seed_from_u64(i as u64);
            Ok(Ballot::prepare(&params, &creds[i], &sel, &mut rng)?)
        };
        // The first ballot builds the key's fixed-base tables (once per election).
        make(0)?;
        let (ballots, enc1) = timed(|| one.install(|| (0..n).map(make).collect::<Res<Vec<_>>>()));
        let ballots = ballots?;
        let (again, enc_all) =
            timed(|| all.install(|| (0..n).into_par_iter().map(make).collect::<Res<Vec<_>>>()));
        again?;
        let bytes: Vec<Vec<u8>> = ballots.iter().map(Ballot::encode).collect();
        let verify = || -> Res<()> {
            let decoded = bytes
                .par_iter()
                .map(|b| Ballot::decode(b))
                .collect::<Result<Vec<_>, _>>()?;
            let items: Vec<(&Ballot, &[u32])> = decoded.iter().map(|b| (b, &[0u32][..])).collect();
            verify_ballots(&items, &params)?;
            Ok(())
        };
        let ver1 = median3(|| {
            let (r, t) = timed(|| one.install(verify));
            r.map(|()| t)
        })?;
        let ver_all = median3(|| {
            let (r, t) = timed(|| all.install(verify));
            r.map(|()| t)
        })?;
        // One ballot verified alone, as the server does on receipt.
        let alone_n = n.min(64);
        let (r, alone) = timed(|| -> Res<()> {
            for b in bytes.iter().take(alone_n) {
                Ballot::decode(b)?.verify(&params, &[0])?;
            }
            Ok(())
        });
        r?;
        println!(
            "{:<10} {:>18} {:>18} {:>18} {:>18} {:>9.3} {:>8}",
            format!("{max} sur {options}"),
            enc1.per(n),
            enc_all.per(n),
            ver1.per(n),
            ver_all.per(n),
            alone.wall.as_secs_f64() * 1000.0 / alone_n as f64,
            bytes[0].len(),
        );
    }

    // Tally + decryption of 100 000 ballots (1-of-5 and 7-of-20 contests): 1 000 distinct ballots,
    // each counted 100 times, weights 1 to 4 (summing is the same work as for distinct ballots).
    let params = ElectionParams::new(
        fp,
        key,
        vec![
            ContestShape { options: 5, max: 1 },
            ContestShape {
                options: 20,
                max: 7,
            },
        ],
    )?;
    let distinct: Vec<Ballot> = all.install(|| {
        (0..1000usize)
            .into_par_iter()
            .map(|i| {
                let mut rng = ChaCha20Rng::seed_from_u64(i as u64);
                let sel = vec![
                    ContestChoice {
                        contest: 0,
                        selected: vec![(i % 5) as u32],
                    },
                    ContestChoice {
                        contest: 1,
                        selected: (0..(i % 8) as u32).collect(),
                    },
                ];
                Ballot::prepare(&params, &creds[i], &sel, &mut rng)
            })
            .collect::<Result<Vec<_>, _>>()
    })?;
    let weights: Vec<[(u32, u64); 2]> = (1..=4u64).map(|w| [(0, w), (1, w)]).collect();
    let refs: Vec<(&Ballot, &[(u32, u64)])> = (0..100_000usize)
        .map(|i| (&distinct[i % 1000], &weights[i % 4][..]))
        .collect();
    for (label, pool) in [("1 cœur", &one), ("tous", &all)] {
        let (t, sum_time) = timed(|| pool.install(|| tally(&params, &refs)));
        let t = t?;
        let cts = t.ciphertexts();
        let (counts, dec_time) = timed(|| -> Res<Vec<ContestCounts>> {
            let mut rng = ChaCha20Rng::from_seed([7; 32]);
            let partials = vec![
                PartialDecryption::create(&fp, &bat, &cts, &mut rng),
                PartialDecryption::create(&fp, &shares[0], &cts, &mut rng),
                PartialDecryption::create(&fp, &shares[2], &cts, &mut rng),
            ];
            Ok(decrypt_tally(&fp, &keys, &t, &partials)?)
        });
        let counts = counts?;
        let secs = |t: &Timing| {
            format!(
                "{:.3} s (CPU {})",
                t.wall.as_secs_f64(),
                t.cpu
                    .map_or("?".to_owned(), |c| format!("{:.3} s", c.as_secs_f64()))
            )
        };
        println!(
            "dépouillement de 100 000 bulletins ({label}) : somme {}, déchiffrement (3 déchiffrements partiels prouvés, combinaison, logarithmes) {}, total {:.3} s (scrutin 0 : poids total {}, {} voix pour le choix 0, {} blancs)",
            secs(&sum_time),
            secs(&dec_time),
            (sum_time.wall + dec_time.wall).as_secs_f64(),
            t.contests[0].total_weight,
            counts[0].options[0],
            counts[1].blank,
        );
    }
    wasm_under_node(&fp, &key, &creds[0])?;
    println!("charge de la machine à la fin : {}", load_average());
    Ok(())
}

/// Runs the committed booth under node: 20 ballots 12-of-30 (after one warm-up), each timed.
fn wasm_under_node(fp: &Hash32, key: &ElectionKey, cred: &Credential) -> Res<()> {
    if Command::new("node").arg("--version").output().is_err() {
        println!("wasm sous node : node absent, mesure non faite");
        return Ok(());
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = format!(
        r#"
import {{ readFileSync }} from "node:fs";
import {{ loadBooth }} from "{loader}";
const booth = await loadBooth(readFileSync("{wasm}"));
const req = {{ election: "{fp}", election_key: "{key}", contests: [{{ contest: 0, options: 30, max: 12 }}],
  selections: [[0,1,2,3,4,5,6,7,8,9,10,11]], secret: "{secret}" }};
booth.makeBallot(req);
const millis = [], cpu = [];
for (let i = 0; i < 20; i++) {{
  const t = performance.now(), c = process.cpuUsage();
  booth.makeBallot(req);
  millis.push(performance.now() - t);
  const d = process.cpuUsage(c);
  cpu.push((d.user + d.system) / 1000);
}}
console.log(JSON.stringify({{ millis, cpu }}));
"#,
        loader = root.join("booth/js/booth.js").display(),
        wasm = root.join("booth/dist/urne_booth.wasm").display(),
        fp = fp.to_hex(),
        key = hex(&key.encode()),
        secret = hex(cred.secret_bytes().as_ref()),
    );
    let file = std::env::temp_dir().join(format!("urne-bench-wasm-{}.mjs", std::process::id()));
    std::fs::write(&file, script)?;
    let out = Command::new("node").arg(&file).output();
    let _ = std::fs::remove_file(&file);
    let out = out?;
    if !out.status.success() {
        return Err(format!("node : {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    #[derive(serde::Deserialize)]
    struct Out {
        millis: Vec<f64>,
        cpu: Vec<f64>,
    }
    let Out {
        mut millis,
        mut cpu,
    } = serde_json::from_slice(&out.stdout)?;
    millis.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let mean = millis.iter().sum::<f64>() / millis.len() as f64;
    println!(
        "wasm sous node, chiffrement + preuves d'un bulletin 12 sur 30 : moyenne {mean:.1} ms, médiane {:.1} ms (CPU {:.1} ms), min {:.1} ms, max {:.1} ms ({} bulletins)",
        millis[millis.len() / 2],
        cpu[cpu.len() / 2],
        millis[0],
        millis[millis.len() - 1],
        millis.len()
    );
    Ok(())
}

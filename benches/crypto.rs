//! Benchmark of the cryptographic core: `cargo bench -p urne --bench crypto`.
//!
//! Prints, per ballot shape (1-of-2, 1-of-5, 7-of-20, 12-of-30), the time per ballot to
//! encrypt+prove and to verify (decode + signature + proofs, batched), on one core and on all
//! cores, the time to verify one ballot alone, and the time to tally and decrypt 100 000 ballots
//! (bâtonnier + 3 scrutateurs, t = 2). Figures are recorded in docs/benchmarks.md.
//! `URNE_BENCH_BALLOTS` sets the number of ballots per shape (default 256).

use chacha20::ChaCha20Rng;
use rand_core::SeedableRng;
use rayon::prelude::*;
use std::error::Error;
use std::time::{Duration, Instant};
use urne::crypto::ballot::{Ballot, ContestChoice, ContestShape, ElectionParams, verify_ballots};
use urne::crypto::credential::Credential;
use urne::crypto::decryption::{ContestCounts, PartialDecryption, decrypt_tally};
use urne::crypto::dkg::{DkgParams, run_ceremony};
use urne::crypto::tally::tally;
use urne::encoding::tagged_hash;

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

fn ms(d: Duration, n: usize) -> String {
    format!("{:>9.3} ms", d.as_secs_f64() * 1000.0 / n as f64)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
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
    println!("urne — banc d'essai cryptographique, {n} bulletins par forme, {cores} cœurs");
    let code = urne::crypto::code::VoterCode::generate(&mut rng);
    let (cred, kdf) = timed(|| {
        (0..10)
            .map(|_| Credential::derive(&code, "campagne"))
            .collect::<Result<Vec<_>, _>>()
    });
    cred?;
    println!(
        "dérivation d'un justificatif (argon2id) : {} ; 35 000 électeurs sur {cores} cœurs ≈ {:.0} s",
        ms(kdf, 10),
        kdf.as_secs_f64() / 10.0 * 35_000.0 / cores as f64
    );
    println!(
        "{:<10} {:>12} {:>12} {:>12} {:>12} {:>12} {:>8}",
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
        let (r, ver1) = timed(|| one.install(verify));
        r?;
        let (r, ver_all) = timed(|| all.install(verify));
        r?;
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
            "{:<10} {} {} {} {} {} {:>8}",
            format!("{max} sur {options}"),
            ms(enc1, n),
            ms(enc_all, n),
            ms(ver1, n),
            ms(ver_all, n),
            ms(alone, alone_n),
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
        println!(
            "dépouillement de 100 000 bulletins ({label}) : somme {:.3} s, déchiffrement {:.3} s, total {:.3} s (poids total {}, {} voix pour l'option 0)",
            sum_time.as_secs_f64(),
            dec_time.as_secs_f64(),
            (sum_time + dec_time).as_secs_f64(),
            t.contests[0].total_weight,
            counts[0].options[0],
        );
    }
    Ok(())
}

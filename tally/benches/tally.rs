//! The count of 100 000 ballots (issue 6: "Tally (sum + decryption + rule + PV) of 100 000 ballots
//! in under 10 s on this machine"): `cargo bench -p urne-tally --bench tally`.
//!
//! Setup (not timed): a bureau of the bâtonnier + 3 scrutateurs (t = 2), an election with one
//! bâtonnier contest of five candidacies (1 of 5) and 100 000 credentials; 2 000 distinct ballots
//! are prepared and each is counted 50 times (the homomorphic sum costs the same for any ballot).
//! Timed, in order, as `urne-tally result` does them: the weighted encrypted tally of the 100 000
//! ballots (all cores), the partial decryptions of the bâtonnier and two scrutateurs with their
//! proofs, their verification and combination with the discrete logarithms, the counting rule and
//! the result JSON (`urne::count::compute`), the PV (`urne::pv`) with its hash and the two-exemplaire
//! PDF. The whole-archive verification that `decrypt` and `result` run first is `urne-verify`'s
//! benchmark (issue 7), not repeated here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chacha20::ChaCha20Rng;
use rand_core::SeedableRng;
use std::collections::BTreeSet;
use std::time::Instant;
use urne::board::{Bureau, Genesis, PublicKey};
use urne::count::{BoardFigures, ContestBoard, Declarations, InternetCounts, compute};
use urne::crypto::ballot::{Ballot, ContestChoice, ContestShape, ElectionParams};
use urne::crypto::credential::Credential;
use urne::crypto::decryption::{PartialDecryption, decrypt_tally};
use urne::crypto::dkg::{DkgParams, run_ceremony};
use urne::crypto::tally::tally;
use urne::encoding::{Hash32, tagged_hash};
use urne::model::{DefinitionFormat, Election};
use urne::pv::{Pv, PvArchive};
use urne::rules::common::Day;

const BALLOTS: usize = 100_000;
const DISTINCT: usize = 2_000;

fn main() {
    let mut rng = ChaCha20Rng::from_seed([7; 32]);
    let dkg = DkgParams::new(tagged_hash("URNE-V1-bench-ceremony", &[]), 3, 2).unwrap();
    let (transcript, bat, shares) = run_ceremony(&dkg, &mut rng).unwrap();
    let keys = transcript.verify().unwrap();
    let members: Vec<ed25519_dalek::SigningKey> = (0..4u8)
        .map(|i| ed25519_dalek::SigningKey::from_bytes(&[i + 1; 32]))
        .collect();
    let pk = |i: usize| urne::encoding::hex(&PublicKey::of(&members[i]).0);
    let json = format!(
        r#"{{"barreau":"Barreau de Banc d'Essai","campaign_id":"bench","election_id":"bench-t1",
        "opening":"2026-11-24T07:00:00Z","closing":"2026-11-24T17:00:00Z",
        "bureau":{{"batonnier":{{"name":"Me B","public_key":"{}"}},
          "scrutateurs":[{{"name":"Me S1","public_key":"{}"}},{{"name":"Me S2","public_key":"{}"}},{{"name":"Me S3","public_key":"{}"}}],
          "threshold":2}},
        "contests":[{{"kind":"batonnier","id":"batonnier","round":1,"candidacies":[
          {{"kind":"batonnier","id":"T1","batonnier":"1"}},{{"kind":"batonnier","id":"T2","batonnier":"2"}},
          {{"kind":"batonnier","id":"T3","batonnier":"3"}},{{"kind":"batonnier","id":"T4","batonnier":"4"}},
          {{"kind":"batonnier","id":"T5","batonnier":"5"}}]}}]}}"#,
        pk(0),
        pk(1),
        pk(2),
        pk(3)
    );
    let election = Election::parse(&json, DefinitionFormat::Json, "bench").unwrap();
    let fp = tagged_hash("URNE-V1-bench-election", &[]);
    let params = ElectionParams::new(
        fp,
        keys.election_key(),
        vec![ContestShape { options: 5, max: 1 }],
    )
    .unwrap();
    let t = Instant::now();
    let mut distinct = Vec::with_capacity(DISTINCT);
    let mut expected = [0u64; 6];
    for i in 0..DISTINCT {
        let mut secret = [0u8; 64];
        secret[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let cred = Credential::from_secret_bytes(&secret);
        // Options 0 to 3 with shares 40/30/20/10 % (no tie for the second round), a blank every
        // thirteenth ballot, option 4 never chosen.
        const SHARE: [u32; 10] = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3];
        let selected = if i % 13 == 12 {
            vec![]
        } else {
            vec![SHARE[i % 10]]
        };
        expected[selected.first().map_or(5, |&o| o as usize)] += (BALLOTS / DISTINCT) as u64;
        let b = Ballot::prepare(
            &params,
            &cred,
            &[ContestChoice {
                contest: 0,
                selected,
            }],
            &mut rng,
        )
        .unwrap();
        distinct.push(b);
    }
    eprintln!(
        "setup: {} distinct ballots prepared in {:.1} s",
        DISTINCT,
        t.elapsed().as_secs_f64()
    );
    let rights: Vec<(u32, u64)> = vec![(0, 1)];
    let with: Vec<(&Ballot, &[(u32, u64)])> = (0..BALLOTS)
        .map(|i| (&distinct[i % DISTINCT], rights.as_slice()))
        .collect();
    let genesis = Genesis {
        protocol_version: 1,
        campaign_id: "bench".into(),
        election_id: "bench-t1".into(),
        round: 1,
        definition: vec![],
        credentials: vec![],
        credential_root: Hash32::default(),
        bureau: Bureau {
            batonnier: PublicKey::of(&members[0]),
            scrutateurs: members[1..].iter().map(PublicKey::of).collect(),
            threshold: 2,
            dkg_transcript: transcript.encode(),
        },
        election_public_key: keys.election_key().encode().try_into().unwrap(),
        ordre_public_key: PublicKey::of(&members[0]),
        server_public_key: PublicKey::of(&members[0]),
        opening: 1_795_503_600,
        closing: 1_795_539_600,
        server_build: Hash32::default(),
    };
    let board = BoardFigures {
        credentials: BALLOTS as u64,
        ballots: BALLOTS as u64,
        proxies: 0,
        reissues: 0,
        contests: vec![ContestBoard {
            contest: 0,
            inscrits: BALLOTS as u64,
            ballots: BALLOTS as u64,
            weight: BALLOTS as u64,
            proxy_ballots: 0,
            weights: BTreeSet::from([1]),
        }],
        close: None,
    };

    let start = Instant::now();
    let encrypted = tally(&params, &with).unwrap();
    let t_sum = start.elapsed();

    let t1 = Instant::now();
    let cts = encrypted.ciphertexts();
    let partials = vec![
        PartialDecryption::create(&fp, &bat, &cts, &mut rng),
        PartialDecryption::create(&fp, &shares[0], &cts, &mut rng),
        PartialDecryption::create(&fp, &shares[2], &cts, &mut rng),
    ];
    let counts = decrypt_tally(&fp, &keys, &encrypted, &partials).unwrap();
    let t_dec = t1.elapsed();

    let t2 = Instant::now();
    let internet: Vec<InternetCounts> = counts
        .into_iter()
        .map(|c| InternetCounts {
            contest: c.contest,
            ballots: c.ballots,
            weight: c.total_weight,
            options: c.options,
            blank: c.blank,
        })
        .collect();
    assert_eq!(internet[0].options, expected[..5].to_vec());
    assert_eq!(internet[0].blank, expected[5]);
    let result = compute(
        fp,
        &genesis,
        &election,
        &board,
        &internet,
        vec![],
        Declarations::default(),
    )
    .unwrap();
    let json = result.to_canonical_json().unwrap();
    let t_rule = t2.elapsed();

    let t3 = Instant::now();
    let pv = Pv::draw_up(
        result,
        &election,
        &genesis.bureau,
        PvArchive {
            tally_height: BALLOTS as u64 + 3,
            tally_event: Hash32([1; 32]),
            result_height: BALLOTS as u64 + 7,
            result_event: Hash32([2; 32]),
        },
        vec![0, 1, 3],
        vec![0, 1, 2, 3],
        "Paris".into(),
        Day::parse("2026-11-24").unwrap(),
    )
    .unwrap();
    let pv_json = pv.to_json();
    let pv_hash = pv.hash().unwrap();
    let pdf = urne_tally::pdf::pv_pdf(&pv).unwrap();
    let t_pv = t3.elapsed();
    let total = start.elapsed();

    println!("tally of {BALLOTS} ballots (1 of 5, bâtonnier + 2 of 3 scrutateurs):");
    println!(
        "  sum (encrypted tally)          {:>8.3} s",
        t_sum.as_secs_f64()
    );
    println!(
        "  partial decryptions + combine  {:>8.3} s",
        t_dec.as_secs_f64()
    );
    println!(
        "  rule + result JSON             {:>8.3} s  ({} bytes)",
        t_rule.as_secs_f64(),
        json.len()
    );
    println!(
        "  PV (JSON, hash, PDF)           {:>8.3} s  ({} + {} bytes, hash {})",
        t_pv.as_secs_f64(),
        pv_json.len(),
        pdf.len(),
        &pv_hash.to_hex()[..16]
    );
    println!(
        "  total                          {:>8.3} s  ({:.0} ballots/s)",
        total.as_secs_f64(),
        BALLOTS as f64 / total.as_secs_f64()
    );
    println!(
        "  cores available: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
}

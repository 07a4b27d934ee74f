//! The CNB recensement over three barreaux' procès-verbaux, each drawn up and signed with the core
//! (`urne::count`, `urne::pv`), then one forged: `urne-tally recensement` adds up the valid ones
//! and refuses a PV whose signature is forged or whose figures changed after signing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use ed25519_dalek::SigningKey;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::{PASS, run, s};
use urne::board::{Bureau, Genesis, PublicKey, SignatureBytes, canonical_json};
use urne::count::{BoardFigures, ContestBoard, Declarations, InternetCounts, compute};
use urne::encoding::{Hash32, tagged_hash};
use urne::model::{DefinitionFormat, Election};
use urne::pv::{Pv, PvArchive};
use urne::rules::common::Day;

fn key(barreau: &str, m: u32) -> SigningKey {
    SigningKey::from_bytes(
        &tagged_hash("URNE-V1-test-key", &[barreau.as_bytes(), &m.to_le_bytes()]).0,
    )
}

fn definition(barreau: &str, keys: &[SigningKey]) -> Election {
    let pk = |i: usize| urne::encoding::hex(&PublicKey::of(&keys[i]).0);
    let json = format!(
        r#"{{"barreau":"{barreau}","campaign_id":"cnb-2026","election_id":"cnb-2026-{barreau}",
        "opening":"2026-11-24T07:00:00Z","closing":"2026-11-24T17:00:00Z",
        "bureau":{{"batonnier":{{"name":"Me B. {barreau}","public_key":"{}"}},
          "scrutateurs":[{{"name":"Me S. {barreau}","public_key":"{}"}}],"threshold":1}},
        "contests":[
          {{"kind":"cnb_ordinal","id":"ord-f","circonscription":"nationale","sex":"F","seats":2,"candidacies":[
            {{"kind":"individual","id":"F1","candidate":"51111"}},
            {{"kind":"individual","id":"F2","candidate":"52222"}},
            {{"kind":"individual","id":"F3","candidate":"53333"}}]}},
          {{"kind":"cnb_general","id":"general","circonscription":"nationale","seats":4,"candidacies":[
            {{"kind":"list","id":"L1","title":"Liste A","candidates":["61111","61112","61113","61114"]}},
            {{"kind":"list","id":"L2","title":"Liste B","candidates":["62111","62112","62113","62114"]}},
            {{"kind":"list","id":"L3","title":"Liste C","candidates":["63111","63112","63113","63114"]}}]}}]}}"#,
        pk(0),
        pk(1)
    );
    Election::parse(&json, DefinitionFormat::Json, "test").unwrap()
}

/// A signed PV of `barreau`: ordinal votes (ballots) per candidate with `weight` voices per ballot,
/// general votes per list, blanks of each.
fn pv(
    barreau: &str,
    weight: u64,
    ordinal: [u64; 3],
    ord_blank: u64,
    general: [u64; 3],
    gen_blank: u64,
) -> Pv {
    let keys = vec![key(barreau, 0), key(barreau, 1)];
    let election = definition(barreau, &keys);
    let ord_ballots = 10u64.max(ordinal.iter().sum::<u64>() / 2 + ord_blank);
    let gen_ballots: u64 = general.iter().sum::<u64>() + gen_blank;
    let genesis = Genesis {
        protocol_version: 1,
        campaign_id: election.campaign_id.clone(),
        election_id: election.election_id.clone(),
        round: 1,
        definition: canonical_json(&election).unwrap(),
        credentials: vec![],
        credential_root: Hash32::default(),
        bureau: Bureau {
            batonnier: PublicKey::of(&keys[0]),
            scrutateurs: vec![PublicKey::of(&keys[1])],
            threshold: 1,
            dkg_transcript: vec![1],
        },
        election_public_key: [0; 32],
        ordre_public_key: PublicKey::of(&keys[0]),
        server_public_key: PublicKey::of(&keys[1]),
        opening: 1_795_503_600,
        closing: 1_795_539_600,
        server_build: Hash32::default(),
    };
    let fp = tagged_hash("URNE-V1-test-election", &[barreau.as_bytes()]);
    let board = BoardFigures {
        credentials: 100,
        ballots: gen_ballots.max(ord_ballots),
        proxies: 0,
        reissues: 0,
        contests: vec![
            ContestBoard {
                contest: 0,
                inscrits: 20,
                ballots: ord_ballots,
                weight: ord_ballots * weight,
                proxy_ballots: 0,
                weights: BTreeSet::from([weight]),
            },
            ContestBoard {
                contest: 1,
                inscrits: 100,
                ballots: gen_ballots,
                weight: gen_ballots,
                proxy_ballots: 0,
                weights: BTreeSet::from([1]),
            },
        ],
        close: None,
    };
    let internet = vec![
        InternetCounts {
            contest: 0,
            ballots: ord_ballots,
            weight: ord_ballots * weight,
            options: ordinal.iter().map(|v| v * weight).collect(),
            blank: ord_blank * weight,
        },
        InternetCounts {
            contest: 1,
            ballots: gen_ballots,
            weight: gen_ballots,
            options: general.to_vec(),
            blank: gen_blank,
        },
    ];
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
    let mut pv = Pv::draw_up(
        result,
        &election,
        &genesis.bureau,
        PvArchive {
            tally_height: 5,
            tally_event: Hash32([5; 32]),
            result_height: 8,
            result_event: Hash32([8; 32]),
        },
        vec![0, 1],
        vec![0, 1],
        barreau.to_owned(),
        Day::parse("2026-11-24").unwrap(),
    )
    .unwrap();
    for k in &keys {
        pv.sign(k).unwrap();
    }
    assert!(pv.signature_status().unwrap().complete);
    pv
}

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("urne-recensement")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(d: &Path, name: &str, pv: &Pv) -> PathBuf {
    let p = d.join(name);
    std::fs::write(&p, pv.to_json()).unwrap();
    p
}

fn three() -> Vec<Pv> {
    vec![
        pv("Lyon", 3, [6, 4, 2], 1, [50, 30, 5], 5),
        pv("Valence", 1, [3, 5, 1], 0, [20, 25, 3], 2),
        pv("Grenoble", 2, [2, 3, 6], 2, [30, 10, 2], 1),
    ]
}

#[test]
fn the_recensement_of_three_barreaux_adds_their_pvs_and_allocates_the_seats() {
    let d = dir("valide");
    let files: Vec<PathBuf> = three()
        .iter()
        .enumerate()
        .map(|(i, p)| write(&d, &format!("pv-{i}.json"), p))
        .collect();
    let mut args = vec!["recensement", "--out-dir", s(&d), "--json"];
    args.extend(files.iter().map(|f| s(f)));
    let r = run(&args, PASS);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let n: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("recensement.json")).unwrap())
            .unwrap();
    assert_eq!(n["barreaux"].as_array().unwrap().len(), 3);
    // Collège général: L1 100, L2 65, L3 10 (5,71 % < 7 %) of 175 exprimés; 4 seats.
    let general = &n["general"]["scrutins"][0];
    let lines = general["barreaux"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    let lists = general["outcome"]["lists"].as_array().unwrap();
    let seats: Vec<(String, u64, bool)> = lists
        .iter()
        .map(|l| {
            (
                l["id"].as_str().unwrap().to_owned(),
                l["votes"].as_u64().unwrap(),
                l["qualifies"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seats,
        vec![
            ("L1".to_owned(), 100, true),
            ("L2".to_owned(), 65, true),
            ("L3".to_owned(), 10, false)
        ]
    );
    let total: u64 = lists.iter().map(|l| l["seats"].as_u64().unwrap()).sum();
    assert_eq!(total, 4);
    // Collège ordinal, voices: F1 6·3 + 3 + 2·2 = 25, F2 12 + 5 + 6 = 23, F3 6 + 1 + 12 = 19.
    let ord = &n["ordinal"]["scrutins"][0]["outcome"];
    let elected: Vec<&str> = ord["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(elected, vec!["F1", "F2"]);
    let pdf = std::process::Command::new("pdftotext")
        .args([s(&d.join("recensement.pdf")), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&pdf.stdout);
    assert!(text.contains("RECENSEMENT GÉNÉRAL DES VOTES"), "{text}");
    assert!(
        text.contains("Grenoble") && text.contains("Liste A"),
        "{text}"
    );
}

#[test]
fn a_pv_with_a_forged_signature_is_refused_and_nothing_is_counted() {
    let d = dir("contrefait");
    let mut pvs = three();
    // Valence's scrutateur "signs" with a key that is not theirs: the signature bytes of another
    // key over the right message.
    let fp = pvs[1].fingerprint;
    let h = pvs[1].hash().unwrap();
    let forger = key("faussaire", 1);
    let forged = urne::board::sign(&forger, &urne::board::PvSignature::message(&fp, &h));
    pvs[1].signatures[1].signature = SignatureBytes(forged.0);
    let files: Vec<PathBuf> = pvs
        .iter()
        .enumerate()
        .map(|(i, p)| write(&d, &format!("pv-{i}.json"), p))
        .collect();
    let mut args = vec!["recensement", "--out-dir", s(&d)];
    args.extend(files.iter().map(|f| s(f)));
    let r = run(&args, PASS);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("pv-1.json : procès-verbal du barreau « Valence » refusé : signature invalide du scrutateur 1"),
        "{}",
        r.stderr
    );
    assert!(!d.join("recensement.json").exists());
}

#[test]
fn a_pv_changed_after_its_signature_is_refused() {
    let d = dir("modifie");
    let mut pvs = three();
    if let Some(g) = pvs[2].result.contests[1].counts.cnb_general.as_mut() {
        g.lists[2].votes += 40;
    }
    let files: Vec<PathBuf> = pvs
        .iter()
        .enumerate()
        .map(|(i, p)| write(&d, &format!("pv-{i}.json"), p))
        .collect();
    let mut args = vec!["recensement", "--out-dir", s(&d)];
    args.extend(files.iter().map(|f| s(f)));
    let r = run(&args, PASS);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("« Grenoble » refusé"), "{}", r.stderr);
}

#[test]
fn the_recensement_checks_the_batonnier_keys_the_cnb_holds() {
    let d = dir("cles");
    let files: Vec<PathBuf> = three()
        .iter()
        .enumerate()
        .map(|(i, p)| write(&d, &format!("pv-{i}.json"), p))
        .collect();
    let bureaux = d.join("bureaux.json");
    let mut known = serde_json::Map::new();
    for b in ["Lyon", "Valence"] {
        known.insert(b.into(), PublicKey::of(&key(b, 0)).to_hex().into());
    }
    known.insert(
        "Grenoble".into(),
        PublicKey::of(&key("Lyon", 0)).to_hex().into(),
    );
    std::fs::write(&bureaux, serde_json::Value::Object(known).to_string()).unwrap();
    let mut args = vec!["recensement", "--out-dir", s(&d), "--bureaux", s(&bureaux)];
    args.extend(files.iter().map(|f| s(f)));
    let r = run(&args, PASS);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("« Grenoble » n'est pas signé par le bâtonnier connu du CNB"),
        "{}",
        r.stderr
    );
}

//! A whole election built in-process with the core, the bureau's side run through the
//! `urne-tally` binary: key files and key ceremony (file mode), the seal, ballots made with
//! `crypto::ballot`, a proxy, the close and the encrypted tally, all written as board events to an
//! archive with `archive::ArchiveWriter`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};
use std::process::Command;
use urne::archive::ArchiveWriter;
use urne::board::{
    BallotCast, Bureau, Close, CloseReason, CredentialEntry, EncryptedTally as TallyEvent, Event,
    Genesis, Payload, ProxyCredential, PublicKey, Right, Seal, SignatureBytes, SignedHead,
    canonical_json, event_hash,
};
use urne::crypto::ballot::{Ballot, ContestChoice, ElectionParams};
use urne::crypto::credential::Credential;
use urne::crypto::elgamal::ElectionKey;
use urne::crypto::tally::tally;
use urne::encoding::{Hash32, tagged_hash, unhex};
use urne::model::{DefinitionFormat, Election};

pub const PASS: &str = "phrase secrète du bureau";
/// Electors on the list: those of [`VOTES`] vote online, ten others may vote on paper.
pub const INSCRITS: usize = 22;
pub const OPENING: u64 = 1_795_503_600; // 24/11/2026 08:00, Paris
pub const CLOSING: u64 = 1_795_539_600; // 24/11/2026 18:00, Paris
pub const NAMES: [&str; 4] = [
    "Me Hélène Bâtonnière",
    "Me Paul Premier",
    "Me Zoé Deuxième",
    "Me Éric Troisième",
];

/// The ballots cast: (bâtonnier choice, conseil choices); `None` / empty = blank. The last one is
/// cast by proxy.
pub const VOTES: [(Option<u32>, &[u32]); 12] = [
    (Some(0), &[0, 1]),
    (Some(0), &[0, 1]),
    (Some(0), &[0, 2]),
    (Some(0), &[0]),
    (Some(0), &[1, 2]),
    (Some(0), &[]),
    (Some(1), &[0, 1]),
    (Some(1), &[0, 3]),
    (Some(1), &[1]),
    (Some(2), &[0, 1]),
    (None, &[2, 3]),
    (None, &[0, 1]),
];

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_urne-tally"))
}

/// Output of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `urne-tally args…` with the passphrase `pass` in the environment.
pub fn run(args: &[&str], pass: &str) -> Run {
    let out = Command::new(bin())
        .args(args)
        .env("URNE_PASSPHRASE", pass)
        .output()
        .expect("urne-tally runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn ok(args: &[&str]) -> Run {
    let r = run(args, PASS);
    assert_eq!(
        r.code, 0,
        "urne-tally {args:?}\nstdout: {}\nstderr: {}",
        r.stdout, r.stderr
    );
    r
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn key(label: &str) -> SigningKey {
    SigningKey::from_bytes(&tagged_hash("URNE-V1-test-key", &[label.as_bytes()]).0)
}

fn credential(i: usize) -> Credential {
    let mut secret = [0u8; 64];
    secret[..32]
        .copy_from_slice(&tagged_hash("URNE-V1-test-voter", &[&(i as u64).to_le_bytes()]).0);
    Credential::from_secret_bytes(&secret)
}

fn signing(c: &Credential) -> SigningKey {
    let b = c.secret_bytes();
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&b[..32]);
    SigningKey::from_bytes(&seed)
}

/// The built election.
#[derive(Debug)]
pub struct Fixture {
    pub dir: PathBuf,
    /// Key files: bâtonnier, scrutateurs 1..3.
    pub keys: Vec<PathBuf>,
    pub archive: PathBuf,
    pub election: Election,
    pub fingerprint: Hash32,
    /// Partial files of the bâtonnier and the three scrutateurs.
    pub partials: Vec<PathBuf>,
}

fn definition(pks: &[String]) -> Election {
    let json = format!(
        r#"{{"barreau":"Barreau de Valence","campaign_id":"valence-2026","election_id":"valence-2026-t1",
        "opening":"2026-11-24T07:00:00Z","closing":"2026-11-24T17:00:00Z",
        "bureau":{{"batonnier":{{"name":"{}","public_key":"{}"}},
          "scrutateurs":[{{"name":"{}","public_key":"{}"}},{{"name":"{}","public_key":"{}"}},{{"name":"{}","public_key":"{}"}}],
          "threshold":2}},
        "contests":[
          {{"kind":"batonnier","id":"batonnier","round":1,"candidacies":[
            {{"kind":"batonnier","id":"T1","batonnier":"11111","vice_batonnier":"11112"}},
            {{"kind":"batonnier","id":"T2","batonnier":"22222"}},
            {{"kind":"batonnier","id":"T3","batonnier":"33333"}}]}},
          {{"kind":"conseil_de_l_ordre","id":"conseil","round":1,"seats":2,"candidacies":[
            {{"kind":"individual","id":"C1","candidate":"41111"}},
            {{"kind":"individual","id":"C2","candidate":"42222"}},
            {{"kind":"individual","id":"C3","candidate":"43333"}},
            {{"kind":"individual","id":"C4","candidate":"44444"}}]}}]}}"#,
        NAMES[0], pks[0], NAMES[1], pks[1], NAMES[2], pks[2], NAMES[3], pks[3]
    );
    Election::parse(&json, DefinitionFormat::Json, "test").unwrap()
}

fn write_archive(path: &Path, events: &[Vec<u8>], head: Option<&SignedHead>) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = ArchiveWriter::new(f).unwrap();
    for e in events {
        w.write_event(e).unwrap();
    }
    w.finish(head).unwrap();
}

struct Chain {
    events: Vec<Vec<u8>>,
}

impl Chain {
    fn push(&mut self, payload: Payload) {
        let parent = self
            .events
            .last()
            .map(|e| event_hash(e))
            .unwrap_or_default();
        let e = Event {
            height: self.events.len() as u64,
            parent,
            payload,
        };
        self.events.push(e.encode());
    }
}

/// Builds the fixture in `dir` (created empty).
pub fn build(dir: &Path) -> Fixture {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    // 1. Each member creates a key file.
    let mut keys = Vec::new();
    let mut pks = Vec::new();
    for (i, name) in NAMES.iter().enumerate() {
        let k = dir.join(format!("membre{i}.urnekey"));
        let r = ok(&["keygen", "init", "--key", s(&k), "--name", name, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        pks.push(v["public_key"].as_str().unwrap().to_owned());
        keys.push(k);
    }
    // 2. The ordre writes the definition and the ceremony file.
    let election = definition(&pks);
    let cdir = dir.join("ceremonie");
    std::fs::create_dir_all(&cdir).unwrap();
    std::fs::write(
        cdir.join("ceremonie.json"),
        urne::ceremony::Ceremony::of_election(&election).to_json(),
    )
    .unwrap();
    // 3. The ceremony, in file mode: each member runs `keygen step` until it is over.
    let mut done = [false; 4];
    for _round in 0..4 {
        for (i, k) in keys.iter().enumerate() {
            if done[i] {
                continue;
            }
            let r = ok(&["keygen", "step", "--key", s(k), "--dir", s(&cdir), "--json"]);
            let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
            done[i] = v["done"].as_bool().unwrap();
        }
    }
    assert!(done.iter().all(|d| *d), "the ceremony ends in four rounds");
    let out: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cdir.join("cles-bureau.json")).unwrap())
            .unwrap();
    let transcript = unhex(out["transcript"].as_str().unwrap()).unwrap();
    let election_key: [u8; 32] = unhex(out["election_key"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();

    // 4. The ordre builds the genesis.
    let ordre = key("ordre");
    let server = key("server");
    let creds: Vec<Credential> = (0..INSCRITS).map(credential).collect();
    let rights = vec![
        Right {
            contest: 0,
            weight: 1,
        },
        Right {
            contest: 1,
            weight: 1,
        },
    ];
    let entries: Vec<CredentialEntry> = creds
        .iter()
        .map(|c| CredentialEntry {
            public_key: PublicKey(c.public_key().0),
            rights: rights.clone(),
        })
        .collect();
    let pk = |i: usize| PublicKey::from_hex(&pks[i]).unwrap();
    let mut genesis = Genesis {
        protocol_version: 1,
        campaign_id: election.campaign_id.clone(),
        election_id: election.election_id.clone(),
        round: 1,
        definition: canonical_json(&election).unwrap(),
        credentials: vec![],
        credential_root: Hash32::default(),
        bureau: Bureau {
            batonnier: pk(0),
            scrutateurs: vec![pk(1), pk(2), pk(3)],
            threshold: 2,
            dkg_transcript: transcript,
        },
        election_public_key: election_key,
        ordre_public_key: PublicKey::of(&ordre),
        server_public_key: PublicKey::of(&server),
        opening: OPENING,
        closing: CLOSING,
        server_build: tagged_hash("URNE-V1-test-build", &[]),
    };
    genesis.set_credentials(entries).unwrap();
    let mut chain = Chain { events: vec![] };
    chain.push(Payload::Genesis(Box::new(genesis)));
    let fp = event_hash(&chain.events[0]);
    let genesis_file = dir.join("genese.urne");
    write_archive(&genesis_file, &chain.events, None);

    // 5. The bâtonnier seals it.
    let seal_file = dir.join("sceau.json");
    ok(&[
        "sign-genesis",
        "--genesis",
        s(&genesis_file),
        "--key",
        s(&keys[0]),
        "--fingerprint",
        &fp.to_hex(),
        "--out",
        s(&seal_file),
        "--yes",
        "--json",
    ]);
    let seal: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&seal_file).unwrap()).unwrap();
    let sig: [u8; 64] = unhex(seal["signature"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    chain.push(Payload::Seal(Seal {
        signature: SignatureBytes(sig),
    }));

    // 6. A proxy: voter 11 (mandant) gives a procuration to voter 0 (mandataire).
    let mandant = PublicKey(creds[11].public_key().0);
    let proxy_cred = creds[0].proxy_for(&creds[11].public_key());
    let proxy_pk = PublicKey(proxy_cred.public_key().0);
    let endorsement = ProxyCredential::endorse(&fp, &mandant, &proxy_pk, &signing(&creds[0]));
    chain.push(Payload::ProxyCredential(ProxyCredential::authorise(
        &fp,
        mandant,
        proxy_pk,
        PublicKey(creds[0].public_key().0),
        endorsement,
        &ordre,
    )));

    // 7. The ballots.
    let shapes = urne_tally::verified::contest_shapes(&election).unwrap();
    let key = ElectionKey::decode(&election_key).unwrap();
    let params = ElectionParams::new(fp, key, shapes).unwrap();
    let mut rng = <chacha20::ChaCha20Rng as rand_core::SeedableRng>::from_seed([42; 32]);
    let mut ballots = Vec::new();
    for (i, (b, c)) in VOTES.iter().enumerate() {
        let cred = if i == 11 { &proxy_cred } else { &creds[i] };
        let choices = vec![
            ContestChoice {
                contest: 0,
                selected: b.iter().copied().collect(),
            },
            ContestChoice {
                contest: 1,
                selected: c.to_vec(),
            },
        ];
        let ballot = Ballot::prepare(&params, cred, &choices, &mut rng).unwrap();
        chain.push(Payload::Ballot(BallotCast {
            credential: PublicKey(cred.public_key().0),
            received_at: OPENING + 60 * (i as u64 + 1),
            ballot: ballot.encode(),
        }));
        ballots.push(ballot);
    }
    // 8. The close and the encrypted tally.
    chain.push(Payload::Close(Close::sign(
        &fp,
        CLOSING,
        CloseReason::ClosingTime,
        "",
        &ordre,
    )));
    let w: Vec<(u32, u64)> = vec![(0, 1), (1, 1)];
    let with: Vec<(&Ballot, &[(u32, u64)])> = ballots.iter().map(|b| (b, w.as_slice())).collect();
    let t = tally(&params, &with).unwrap();
    chain.push(Payload::EncryptedTally(TallyEvent { tally: t.encode() }));
    let last = chain.events.last().unwrap();
    let head = SignedHead::sign(fp, chain.events.len() as u64 - 1, event_hash(last), &server);
    let archive = dir.join("urne.urne");
    write_archive(&archive, &chain.events, Some(&head));

    // 9. Every member decrypts.
    let mut partials = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let p = dir.join(format!("dechiffrement-{i}.json"));
        ok(&[
            "decrypt",
            "--archive",
            s(&archive),
            "--key",
            s(k),
            "--out",
            s(&p),
        ]);
        partials.push(p);
    }
    Fixture {
        dir: dir.to_path_buf(),
        keys,
        archive,
        election,
        fingerprint: fp,
        partials,
    }
}

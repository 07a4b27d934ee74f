//! Known-answer vectors of the cryptographic core (tests/vectors/*.json, docs/protocol.md
//! §Test vectors). Every value is regenerated from fixed seeds (ChaCha20 RNG) and compared with
//! the committed files; the committed ballots, transcripts and partial decryptions are also
//! decoded and verified. `URNE_REGENERATE_VECTORS=1 cargo test -p urne --test crypto_vectors` rewrites the files
//! after an intended change of the protocol.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use chacha20::ChaCha20Rng;
use rand_core::SeedableRng;
use serde_json::{Value, json};
use std::path::PathBuf;
use urne::board::{ProxyCredential, PublicKey, SignatureBytes};
use urne::crypto::ballot::{Ballot, ContestChoice, ContestShape, ElectionParams};
use urne::crypto::code::VoterCode;
use urne::crypto::credential::{
    ARGON2_M_KIB, ARGON2_OUT, ARGON2_P, ARGON2_T, Credential, CredentialPublicKey, campaign_salt,
};
use urne::crypto::decryption::{ContestCounts, PartialDecryption, decrypt_tally};
use urne::crypto::dkg::{BureauKeys, DkgParams, DkgTranscript, run_ceremony};
use urne::crypto::tally::{EncryptedTally, tally};
use urne::encoding::{Hash32, hex, tagged_hash, unhex};

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name)
}

fn check(name: &str, value: &Value) {
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    let p = path(name);
    if std::env::var_os("URNE_REGENERATE_VECTORS").is_some() {
        std::fs::write(&p, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("{}: {e} (URNE_REGENERATE_VECTORS=1 to create)", p.display()));
    assert!(
        committed == text,
        "{} differs from the regenerated vectors",
        p.display()
    );
}

fn rng(label: &str) -> ChaCha20Rng {
    ChaCha20Rng::from_seed(tagged_hash("URNE-V1-test-vector-seed", &[label.as_bytes()]).0)
}

const CAMPAIGN: &str = "ordre-exemple-2026-batonnier";

fn credentials() -> Vec<(VoterCode, Credential)> {
    let mut r = rng("codes");
    (0..3)
        .map(|_| {
            let code = VoterCode::generate(&mut r);
            let cred = Credential::derive(&code, CAMPAIGN).unwrap();
            (code, cred)
        })
        .collect()
}

#[test]
fn codes_give_the_committed_credentials() {
    let items: Vec<Value> = credentials()
        .iter()
        .map(|(code, cred)| {
            json!({
                "code": code.to_printed(),
                "public_key": hex(&cred.public_key().0),
                "login_token": hex(&cred.login_token().0),
                "login_token_hash": cred.login_token().server_hash().to_hex(),
            })
        })
        .collect();
    // The second elector is the mandataire of the first (docs/protocol.md §3.1).
    let creds = credentials();
    let (mandant, mandataire) = (creds[0].1.public_key(), &creds[1].1);
    let proxy = mandataire.proxy_for(&mandant);
    let fingerprint = election_fingerprint();
    let message = ProxyCredential::endorsement_message(
        &fingerprint,
        &PublicKey(mandant.0),
        &PublicKey(proxy.public_key().0),
    );
    let endorsement = mandataire.sign(&message.0);
    assert!(PublicKey(mandataire.public_key().0).verifies(&message, &SignatureBytes(endorsement)));
    check(
        "credentials.json",
        &json!({
            "description": "VoterCode::generate with ChaCha20Rng(seed = H(URNE-V1-test-vector-seed, \"codes\")), then Credential::derive; the proxy credential of the second elector for the first, endorsed for the election of ballots.json",
            "campaign": CAMPAIGN,
            "salt": campaign_salt(CAMPAIGN).to_hex(),
            "argon2id": { "m_kib": ARGON2_M_KIB, "t": ARGON2_T, "p": ARGON2_P, "out": ARGON2_OUT, "version": "0x13" },
            "credentials": items,
            "proxy": {
                "mandant": hex(&mandant.0),
                "mandataire": hex(&mandataire.public_key().0),
                "public_key": hex(&proxy.public_key().0),
                "login_token": hex(&proxy.login_token().0),
                "election": fingerprint.to_hex(),
                "endorsement": hex(&endorsement),
            },
        }),
    );
}

/// A ballot of the vectors: what the elector chose, the credential's rights, the ballot.
struct Cast {
    choices: Vec<ContestChoice>,
    rights: Vec<(u32, u64)>,
    ballot: Ballot,
}

impl Cast {
    fn contests(&self) -> Vec<u32> {
        self.rights.iter().map(|(c, _)| *c).collect()
    }
}

struct Election {
    transcript: DkgTranscript,
    keys: BureauKeys,
    params: ElectionParams,
    ballots: Vec<Cast>,
}

fn choice(contest: u32, selected: &[u32]) -> ContestChoice {
    ContestChoice {
        contest,
        selected: selected.to_vec(),
    }
}

fn election_fingerprint() -> Hash32 {
    tagged_hash("URNE-V1-test-election", &[b"vectors"])
}

fn election() -> (Election, Vec<urne::crypto::dkg::TrusteeSecret>) {
    let mut r = rng("dkg");
    let dkg = DkgParams::new(tagged_hash("URNE-V1-test-ceremony", &[b"vectors"]), 3, 2).unwrap();
    let (transcript, bat, mut shares) = run_ceremony(&dkg, &mut r).unwrap();
    let keys = transcript.verify().unwrap();
    let params = ElectionParams::new(
        election_fingerprint(),
        keys.election_key(),
        vec![
            ContestShape { options: 2, max: 1 },
            ContestShape { options: 5, max: 3 },
        ],
    )
    .unwrap();
    let creds = credentials();
    let mut r = rng("ballots");
    // 1: rights in both contests (weight 1), a choice in each; 2: both contests (weight 3),
    // blank in contest 0; 3: rights in contest 1 only (weight 2), blank.
    let votes = [
        (
            vec![choice(0, &[1]), choice(1, &[0, 2, 4])],
            vec![(0, 1), (1, 1)],
        ),
        (
            vec![choice(0, &[]), choice(1, &[1, 3])],
            vec![(0, 3), (1, 3)],
        ),
        (vec![choice(1, &[])], vec![(1, 2)]),
    ];
    let ballots = votes
        .into_iter()
        .zip(&creds)
        .map(|((choices, rights), (_, cred))| {
            let ballot = Ballot::prepare(&params, cred, &choices, &mut r).unwrap();
            Cast {
                choices,
                rights,
                ballot,
            }
        })
        .collect();
    shares.insert(0, bat);
    (
        Election {
            transcript,
            keys,
            params,
            ballots,
        },
        shares,
    )
}

fn rights_json(rights: &[(u32, u64)]) -> Value {
    rights
        .iter()
        .map(|(c, w)| json!({"contest": c, "weight": w}))
        .collect()
}

fn counts_json(counts: &[ContestCounts]) -> Value {
    serde_json::to_value(counts).unwrap()
}

#[test]
fn the_dkg_ballots_and_decryption_match_the_committed_vectors() {
    let (e, secrets) = election();
    check(
        "dkg.json",
        &json!({
            "description": "run_ceremony(n = 3, t = 2) with ChaCha20Rng(seed = H(URNE-V1-test-vector-seed, \"dkg\"))",
            "transcript": hex(&e.transcript.encode()),
            "bureau_keys": hex(&e.keys.encode()),
            "election_key": hex(&e.keys.election_key().encode()),
        }),
    );
    let ballots: Vec<Value> = e
        .ballots
        .iter()
        .map(|c| {
            json!({
                "rights": rights_json(&c.rights),
                "choices": c.choices.iter().map(|ch| json!({"contest": ch.contest, "selected": ch.selected})).collect::<Vec<_>>(),
                "ballot": hex(&c.ballot.encode()),
                "tracker": c.ballot.tracker().to_hex(),
            })
        })
        .collect();
    for c in &e.ballots {
        c.ballot.verify(&e.params, &c.contests()).unwrap();
    }
    check(
        "ballots.json",
        &json!({
            "description": "Ballot::prepare for the credentials of credentials.json, in order, one ChaCha20Rng(seed = H(URNE-V1-test-vector-seed, \"ballots\")) for all; the third credential has rights in contest 1 only",
            "election": e.params.fingerprint.to_hex(),
            "election_key": hex(&e.params.key.encode()),
            "contests": e.params.contests().iter().map(|(i, c)| json!({"contest": i, "options": c.options, "max": c.max})).collect::<Vec<_>>(),
            "ballots": ballots,
        }),
    );
    let refs: Vec<(&Ballot, &[(u32, u64)])> = e
        .ballots
        .iter()
        .map(|c| (&c.ballot, c.rights.as_slice()))
        .collect();
    let t = tally(&e.params, &refs).unwrap();
    let cts = t.ciphertexts();
    let mut r = rng("decryption");
    // Bâtonnier, scrutateurs 1 and 3.
    let partials: Vec<PartialDecryption> = [0usize, 1, 3]
        .iter()
        .map(|&i| PartialDecryption::create(&e.params.fingerprint, &secrets[i], &cts, &mut r))
        .collect();
    let counts = decrypt_tally(&e.params.fingerprint, &e.keys, &t, &partials).unwrap();
    let expected = vec![
        ContestCounts {
            contest: 0,
            ballots: 2,
            total_weight: 4,
            options: vec![0, 1],
            blank: 3,
        },
        ContestCounts {
            contest: 1,
            ballots: 3,
            total_weight: 6,
            options: vec![1, 3, 1, 3, 1],
            blank: 2,
        },
    ];
    assert_eq!(counts, expected);
    check(
        "decryption.json",
        &json!({
            "description": "weighted tally of ballots.json (each ballot with its credential's rights), partial decryptions of the bâtonnier and scrutateurs 1 and 3 with ChaCha20Rng(seed = H(URNE-V1-test-vector-seed, \"decryption\"))",
            "tally": hex(&t.encode()),
            "partial_decryptions": partials.iter().map(|p| hex(&p.encode())).collect::<Vec<_>>(),
            "counts": counts_json(&counts),
        }),
    );
}

fn field<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("champ {k} absent"))
}

#[test]
fn the_committed_vectors_decode_and_verify_on_their_own() {
    let read = |n: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(path(n)).unwrap()).unwrap()
    };
    let c = read("credentials.json");
    let campaign = field(&c, "campaign");
    let derived: Vec<Credential> = c["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let cred =
                Credential::derive(&VoterCode::parse(field(item, "code")).unwrap(), campaign)
                    .unwrap();
            assert_eq!(hex(&cred.public_key().0), field(item, "public_key"));
            cred
        })
        .collect();
    let p = &c["proxy"];
    let key = |k: &str| PublicKey::from_hex(field(p, k)).unwrap();
    let proxy = derived[1].proxy_for(&CredentialPublicKey(key("mandant").0));
    assert_eq!(hex(&proxy.public_key().0), field(p, "public_key"));
    let message = ProxyCredential::endorsement_message(
        &Hash32::from_hex(field(p, "election")).unwrap(),
        &key("mandant"),
        &key("public_key"),
    );
    let sig = SignatureBytes(unhex(field(p, "endorsement")).unwrap().try_into().unwrap());
    assert!(key("mandataire").verifies(&message, &sig));
    let dkg = read("dkg.json");
    let transcript = DkgTranscript::decode(&unhex(field(&dkg, "transcript")).unwrap()).unwrap();
    let keys = transcript.verify().unwrap();
    assert_eq!(hex(&keys.encode()), field(&dkg, "bureau_keys"));
    let b = read("ballots.json");
    let contests = b["contests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["contest"].as_u64().unwrap() as u32,
                ContestShape {
                    options: c["options"].as_u64().unwrap() as u32,
                    max: c["max"].as_u64().unwrap() as u32,
                },
            )
        })
        .collect();
    let params = ElectionParams::with_contests(
        Hash32::from_hex(field(&b, "election")).unwrap(),
        keys.election_key(),
        contests,
    )
    .unwrap();
    let mut cast = Vec::new();
    for item in b["ballots"].as_array().unwrap() {
        let ballot = Ballot::decode(&unhex(field(item, "ballot")).unwrap()).unwrap();
        let rights: Vec<(u32, u64)> = item["rights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["contest"].as_u64().unwrap() as u32,
                    r["weight"].as_u64().unwrap(),
                )
            })
            .collect();
        let contests: Vec<u32> = rights.iter().map(|(c, _)| *c).collect();
        ballot.verify(&params, &contests).unwrap();
        // The same ballot is refused for a credential with other rights.
        let other: Vec<u32> = if contests == [1] { vec![0, 1] } else { vec![1] };
        assert!(ballot.verify(&params, &other).is_err());
        assert_eq!(ballot.tracker().to_hex(), field(item, "tracker"));
        cast.push((ballot, rights));
    }
    let d = read("decryption.json");
    let t = EncryptedTally::decode(&unhex(field(&d, "tally")).unwrap()).unwrap();
    let pairs: Vec<(&Ballot, &[(u32, u64)])> =
        cast.iter().map(|(b, r)| (b, r.as_slice())).collect();
    assert_eq!(tally(&params, &pairs).unwrap(), t);
    let partials: Vec<PartialDecryption> = d["partial_decryptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| PartialDecryption::decode(&unhex(p.as_str().unwrap()).unwrap()).unwrap())
        .collect();
    let counts = decrypt_tally(&params.fingerprint, &keys, &t, &partials).unwrap();
    assert_eq!(serde_json::to_value(&counts).unwrap(), d["counts"]);
}

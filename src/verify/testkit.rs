//! A complete, valid election built in-process with the core, for the verifier's tamper corpus
//! and the end-to-end tests (enabled by the `test-support` feature, and in the core's own tests).
//!
//! Everything is real: a bureau key ceremony with [`crate::crypto::dkg`] (bâtonnier + 3
//! scrutateurs, `t = 2`), a genesis with credentials and rights sealed by the bâtonnier, a proxy
//! and a reissued code, ballots made with [`crate::crypto::ballot`], the ordre's close, the
//! encrypted tally, partial decryptions with their proofs, the result, PV signatures and the
//! server's signed head. Keys and randomness are deterministic (fixed labels and a seeded
//! ChaCha20), so an archive is reproducible byte for byte.
//!
//! Events are kept as [`Payload`]s: a test alters one, re-signs what the alteration would
//! otherwise break ([`Fixture::resign_ballot`], [`Fixture::sign_close`]…), and rebuilds the chain
//! with [`Fixture::chain`] (heights and parents recomputed), so that the alteration reaches the
//! check it targets instead of failing earlier at the hash chain.

use crate::archive::ArchiveWriter;
use crate::board::ChainChecker;
use crate::board::{
    BallotCast, Bureau, Close, CloseReason, CredentialEntry, CredentialReissue, EncryptedTally,
    Event, Genesis, PROTOCOL_VERSION, PartialDecryption, Payload, ProxyCredential, PublicKey,
    PvSignature, Receipt, ResultEvent, Right, Seal, SignatureBytes, SignedHead, canonical_json,
    event_hash,
};
use crate::count::{BoardFigures, BoardFiguresBuilder, Declarations, ElectionResult, compute};
use crate::crypto::ballot::{Ballot, ContestChoice, ElectionParams};
use crate::crypto::credential::Credential;
use crate::crypto::decryption::PartialDecryption as CryptoPartial;
use crate::crypto::dkg::{BureauKeys, TrusteeSecret, run_ceremony};
use crate::crypto::domain;
use crate::crypto::tally::{EncryptedTally as CryptoTally, TallyAccumulator};
use crate::encoding::{Hash32, tagged_hash};
use crate::model::Election;
use crate::pv::{Pv, PvArchive};
use crate::rules::common::Day;
use chacha20::ChaCha20Rng;
use ed25519_dalek::SigningKey;
use rand_core::SeedableRng;
use std::collections::HashMap;

/// Opening of the fixture election: 2026-11-24 07:00:00 UTC.
pub const OPENING: u64 = 1_795_503_600;
/// Closing: ten hours later.
pub const CLOSING: u64 = OPENING + 10 * 3600;

/// The deterministic ed25519 key of `label`.
pub fn key(label: &str) -> SigningKey {
    SigningKey::from_bytes(&tagged_hash("URNE-V1-test-key", &[label.as_bytes()]).0)
}

/// The deterministic voting credential of `label`.
pub fn credential(label: &str) -> Credential {
    let mut secret = [0u8; 64];
    secret[..32].copy_from_slice(&key(label).to_bytes());
    secret[32..].copy_from_slice(&tagged_hash("URNE-V1-test-token", &[label.as_bytes()]).0);
    Credential::from_secret_bytes(&secret)
}

/// The board key of a credential.
pub fn board_key(c: &Credential) -> PublicKey {
    PublicKey(c.public_key().0)
}

/// What the fixture election looks like.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Electors of the genesis (each with a right in every contest, weight 1).
    pub electors: usize,
    /// Candidacies of the bâtonnier contest (1 of them).
    pub batonnier_candidacies: usize,
    /// Candidacies and seats of the conseil contest; `None`: no conseil contest.
    pub conseil: Option<(usize, u32)>,
    /// Seed of the randomness (ballots, key ceremony, proofs).
    pub seed: u8,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            electors: 8,
            batonnier_candidacies: 3,
            conseil: Some((4, 2)),
            seed: 7,
        }
    }
}

/// The election definition (a [`model::Election`](crate::model::Election)) of `spec`, with the
/// bureau's keys.
pub fn definition(spec: &Spec, batonnier: &PublicKey, scrutateurs: &[PublicKey]) -> Election {
    let ticket = |i: usize| serde_json::json!({"kind": "batonnier", "id": format!("T{}", i + 1), "batonnier": format!("{}", 41000 + i)});
    let mut contests = vec![serde_json::json!({
        "kind": "batonnier",
        "id": "batonnier",
        "round": 1,
        "candidacies": (0..spec.batonnier_candidacies).map(ticket).collect::<Vec<_>>(),
    })];
    if let Some((n, seats)) = spec.conseil {
        contests.push(serde_json::json!({
            "kind": "conseil_de_l_ordre",
            "id": "conseil",
            "round": 1,
            "seats": seats,
            "candidacies": (0..n).map(|i| serde_json::json!({"kind": "individual", "id": format!("C{}", i + 1), "candidate": format!("{}", 42000 + i)})).collect::<Vec<_>>(),
        }));
    }
    let names = [
        "Sophie Chabert",
        "Pierre Delmas",
        "Julien Fabre",
        "Léa Castel",
    ];
    let value = serde_json::json!({
        "barreau": "Exemple",
        "campaign_id": "exemple-2026",
        "election_id": "exemple-2026-t1",
        "opening": "2026-11-24T07:00:00Z",
        "closing": "2026-11-24T17:00:00Z",
        "bureau": {
            "batonnier": {"name": "Hélène Arnaud", "public_key": batonnier.to_hex()},
            "scrutateurs": scrutateurs.iter().enumerate().map(|(i, k)| serde_json::json!({
                "name": names[i % names.len()], "public_key": k.to_hex()
            })).collect::<Vec<_>>(),
            "threshold": 2
        },
        "contests": contests,
    });
    // The literal above is a valid definition by construction.
    serde_json::from_value(value).unwrap_or_else(|e| unreachable!("fixture definition: {e}"))
}

/// A whole election and the keys that made it.
#[derive(Debug)]
pub struct Fixture {
    /// What it was built from.
    pub spec: Spec,
    /// The bâtonnier's ed25519 key (seal, PV).
    pub batonnier: SigningKey,
    /// The scrutateurs' ed25519 keys (PV).
    pub scrutateurs: Vec<SigningKey>,
    /// The ordre's key (proxies, reissues, close).
    pub ordre: SigningKey,
    /// The server's key (heads, receipts).
    pub server: SigningKey,
    /// The electors of the genesis.
    pub electors: Vec<Credential>,
    /// The definition.
    pub definition: Election,
    /// The genesis.
    pub genesis: Genesis,
    /// Its fingerprint.
    pub fp: Hash32,
    /// The bureau keys of the ceremony.
    pub keys: BureauKeys,
    /// The bâtonnier's decryption key.
    pub batonnier_secret: TrusteeSecret,
    /// The scrutateurs' key shares (scrutateur `i` at `i - 1`).
    pub shares: Vec<TrusteeSecret>,
    /// The ballot parameters.
    pub params: ElectionParams,
    rng: ChaCha20Rng,
}

impl Fixture {
    /// The election of `spec`, with the genesis as built.
    pub fn new(spec: Spec) -> Self {
        Self::with_genesis(spec, |_| {})
    }

    /// The election of `spec`, with `alter` applied to the genesis before it is sealed (to build
    /// a genesis the bâtonnier did seal but that breaks a rule of the verifier).
    pub fn with_genesis(spec: Spec, alter: impl FnOnce(&mut Genesis)) -> Self {
        let mut rng = ChaCha20Rng::from_seed([spec.seed; 32]);
        let batonnier = key("bâtonnier");
        let scrutateurs: Vec<SigningKey> =
            (1..=3).map(|i| key(&format!("scrutateur {i}"))).collect();
        let ordre = key("ordre");
        let server = key("serveur");
        let electors: Vec<Credential> = (0..spec.electors)
            .map(|i| credential(&format!("électeur {i}")))
            .collect();
        let bat_pk = PublicKey::of(&batonnier);
        let scr_pk: Vec<PublicKey> = scrutateurs.iter().map(PublicKey::of).collect();
        let definition = definition(&spec, &bat_pk, &scr_pk);
        // The ceremony of the definition's bureau, as `urne-tally keygen` runs it.
        let dkg = crate::ceremony::Ceremony::of_election(&definition)
            .params()
            .unwrap_or_else(|e| unreachable!("fixture ceremony parameters: {e}"));
        let (transcript, batonnier_secret, shares) =
            run_ceremony(&dkg, &mut rng).unwrap_or_else(|e| unreachable!("fixture ceremony: {e}"));
        let keys = transcript
            .verify()
            .unwrap_or_else(|e| unreachable!("fixture transcript: {e}"));
        let contests = definition.contests.len() as u32;
        let mut genesis = Genesis {
            protocol_version: PROTOCOL_VERSION,
            campaign_id: definition.campaign_id.clone(),
            election_id: definition.election_id.clone(),
            round: 1,
            definition: canonical_json(&definition)
                .unwrap_or_else(|e| unreachable!("fixture definition JSON: {e}")),
            credentials: vec![],
            credential_root: Hash32::default(),
            bureau: Bureau {
                batonnier: bat_pk,
                scrutateurs: scr_pk,
                threshold: 2,
                dkg_transcript: transcript.encode(),
            },
            election_public_key: keys.election_key().0.compress().to_bytes(),
            ordre_public_key: PublicKey::of(&ordre),
            server_public_key: PublicKey::of(&server),
            opening: OPENING,
            closing: CLOSING,
            server_build: tagged_hash("URNE-V1-test-build", &[]),
        };
        let entries = electors
            .iter()
            .map(|c| CredentialEntry {
                public_key: board_key(c),
                rights: (0..contests)
                    .map(|contest| Right { contest, weight: 1 })
                    .collect(),
            })
            .collect();
        if let Err(e) = genesis.set_credentials(entries) {
            unreachable!("fixture credentials: {e}");
        }
        alter(&mut genesis);
        let fp = Event {
            height: 0,
            parent: Hash32::default(),
            payload: Payload::Genesis(Box::new(genesis.clone())),
        }
        .hash();
        let shapes = super::contest_shapes(&definition)
            .unwrap_or_else(|(i, e)| unreachable!("fixture contest {i}: {e}"));
        let params = ElectionParams::new(fp, keys.election_key(), shapes)
            .unwrap_or_else(|e| unreachable!("fixture parameters: {e}"));
        Fixture {
            spec,
            batonnier,
            scrutateurs,
            ordre,
            server,
            electors,
            definition,
            genesis,
            fp,
            keys,
            batonnier_secret,
            shares,
            params,
            rng,
        }
    }

    /// The genesis event.
    pub fn genesis_event(&self) -> Event {
        Event {
            height: 0,
            parent: Hash32::default(),
            payload: Payload::Genesis(Box::new(self.genesis.clone())),
        }
    }

    /// The key of bureau member `member` (0 = bâtonnier).
    pub fn member_key(&self, member: u32) -> &SigningKey {
        match member {
            0 => &self.batonnier,
            i => &self.scrutateurs[(i as usize - 1).min(self.scrutateurs.len() - 1)],
        }
    }

    /// The bâtonnier's seal.
    pub fn seal(&self) -> Payload {
        Payload::Seal(Seal::sign(&self.fp, &self.batonnier))
    }

    /// A proxy: `mandant` gives a procuration to `mandataire`, who endorses the fresh credential
    /// `proxy`; the ordre authorises it.
    pub fn proxy(
        &self,
        mandant: &PublicKey,
        proxy: &Credential,
        mandataire: &Credential,
    ) -> Payload {
        let proxy = board_key(proxy);
        let message = ProxyCredential::endorsement_message(&self.fp, mandant, &proxy);
        let endorsement = SignatureBytes(mandataire.sign(&message.0));
        Payload::ProxyCredential(ProxyCredential::authorise(
            &self.fp,
            *mandant,
            proxy,
            board_key(mandataire),
            endorsement,
            &self.ordre,
        ))
    }

    /// The ordre reissues `old`'s code as `new`.
    pub fn reissue(&self, old: &PublicKey, new: &Credential) -> Payload {
        Payload::CredentialReissue(CredentialReissue::sign(
            &self.fp,
            *old,
            board_key(new),
            &self.ordre,
        ))
    }

    /// A ballot of `voter`: per contest it has a right in, in contest order, the selected
    /// options (empty: blank), received at `received_at`.
    pub fn ballot(
        &mut self,
        voter: &Credential,
        selections: &[(u32, Vec<u32>)],
        received_at: u64,
    ) -> Payload {
        let choices: Vec<ContestChoice> = selections
            .iter()
            .map(|(contest, selected)| ContestChoice {
                contest: *contest,
                selected: selected.clone(),
            })
            .collect();
        let ballot = Ballot::prepare(&self.params, voter, &choices, &mut self.rng)
            .unwrap_or_else(|e| unreachable!("fixture ballot: {e}"));
        Payload::Ballot(BallotCast {
            credential: board_key(voter),
            received_at,
            ballot: ballot.encode(),
        })
    }

    /// Many ballots at once, on all cores (for benchmarks and large tests): each
    /// `(voter, selections, received_at)` as [`Fixture::ballot`], with its own randomness
    /// derived from the spec's seed and its position, so the result is reproducible.
    pub fn ballots(&self, votes: &[(Credential, Selections, u64)]) -> Vec<Payload> {
        let one =
            |(i, (voter, selections, received_at)): (usize, &(Credential, Selections, u64))| {
                let seed = tagged_hash(
                    "URNE-V1-test-ballot-rng",
                    &[&[self.spec.seed], &(i as u64).to_le_bytes()],
                );
                let mut rng = ChaCha20Rng::from_seed(seed.0);
                let choices: Vec<ContestChoice> = selections
                    .iter()
                    .map(|(contest, selected)| ContestChoice {
                        contest: *contest,
                        selected: selected.clone(),
                    })
                    .collect();
                let ballot = Ballot::prepare(&self.params, voter, &choices, &mut rng)
                    .unwrap_or_else(|e| unreachable!("fixture ballot: {e}"));
                Payload::Ballot(BallotCast {
                    credential: board_key(voter),
                    received_at: *received_at,
                    ballot: ballot.encode(),
                })
            };
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            votes.par_iter().enumerate().map(one).collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            votes.iter().enumerate().map(one).collect()
        }
    }

    /// Re-signs ballot bytes with `voter` after an alteration (the signature is the last 64
    /// bytes, over the tagged hash of the rest).
    pub fn resign_ballot(bytes: &mut [u8], voter: &Credential) {
        let n = bytes.len() - 64;
        let message = tagged_hash(domain::BALLOT_SIGNATURE, &[&bytes[..n]]);
        let signature = voter.sign(&message.0);
        bytes[n..].copy_from_slice(&signature);
    }

    /// The ordre's close at `time`.
    pub fn close(&self, time: u64) -> Payload {
        Payload::Close(self.sign_close(time, CloseReason::ClosingTime, ""))
    }

    /// A close signed by the ordre.
    pub fn sign_close(&self, time: u64, reason: CloseReason, note: &str) -> Close {
        Close::sign(&self.fp, time, reason, note, &self.ordre)
    }

    /// The encrypted tally of the ballots among `payloads`, weighted by their credentials' rights
    /// (proxies and reissues inherit them), as the server computes it.
    pub fn tally_of(&self, payloads: &[Payload]) -> CryptoTally {
        let mut rights: HashMap<PublicKey, Vec<Right>> = self
            .genesis
            .credentials
            .iter()
            .map(|c| (c.public_key, c.rights.clone()))
            .collect();
        let mut acc = TallyAccumulator::new(&self.params);
        for p in payloads {
            match p {
                Payload::ProxyCredential(x) => {
                    let r = rights.get(&x.mandant).cloned().unwrap_or_default();
                    rights.insert(x.proxy, r);
                }
                Payload::CredentialReissue(x) => {
                    let r = rights.get(&x.old).cloned().unwrap_or_default();
                    rights.insert(x.new, r);
                }
                Payload::Ballot(b) => {
                    let weights: Vec<(u32, u64)> = rights
                        .get(&b.credential)
                        .map(|r| r.iter().map(|r| (r.contest, r.weight)).collect())
                        .unwrap_or_default();
                    if let Ok(ballot) = Ballot::decode(&b.ballot) {
                        let _ = acc.add(&ballot, &weights);
                    }
                }
                _ => {}
            }
        }
        acc.finish()
    }

    /// The figures of the ballot box (plan D2) after `payloads`, as a chain checker sees them.
    pub fn board_figures(&self, payloads: &[Payload]) -> BoardFigures {
        let mut checker = ChainChecker::new();
        let mut figures = BoardFiguresBuilder::new();
        for bytes in self.chain(payloads) {
            match checker.push_deferring_ballots(&bytes) {
                Ok(e) => figures.observe(&e),
                Err(e) => unreachable!("fixture chain: {e}"),
            }
        }
        figures
            .finish()
            .unwrap_or_else(|| unreachable!("fixture chain without genesis"))
    }

    /// The result of the counting rules over the decrypted `partials` of `tally`, with the
    /// figures of the ballot box after `payloads`.
    pub fn result_of(
        &self,
        payloads: &[Payload],
        tally: &CryptoTally,
        partials: &[CryptoPartial],
    ) -> ElectionResult {
        let counts =
            crate::crypto::decryption::decrypt_tally(&self.fp, &self.keys, tally, partials)
                .unwrap_or_else(|e| unreachable!("fixture decryption: {e}"));
        let internet: Vec<crate::count::InternetCounts> = counts
            .into_iter()
            .map(|c| crate::count::InternetCounts {
                contest: c.contest,
                ballots: c.ballots,
                weight: c.total_weight,
                options: c.options,
                blank: c.blank,
            })
            .collect();
        compute(
            self.fp,
            &self.genesis,
            &self.definition,
            &self.board_figures(payloads),
            &internet,
            vec![],
            Declarations::default(),
        )
        .unwrap_or_else(|e| unreachable!("fixture result: {e}"))
    }

    /// The PV of `result`, drawn up with the archive events of `payloads` (the tally and the
    /// result), decrypted by `decrypted_by`, every member present, signed by `signers`.
    pub fn pv(
        &self,
        payloads: &[Payload],
        result: ElectionResult,
        decrypted_by: Vec<u32>,
        signers: &[u32],
    ) -> Pv {
        let events = self.chain(payloads);
        let find = |kind: crate::board::EventKind| {
            events
                .iter()
                .enumerate()
                .find(|(_, b)| Event::decode(b).is_ok_and(|e| e.kind() == kind))
                .map(|(h, b)| (h as u64, event_hash(b)))
                .unwrap_or_default()
        };
        let (tally_height, tally_event) = find(crate::board::EventKind::EncryptedTally);
        let (result_height, result_event) = find(crate::board::EventKind::Result);
        let date = Day::parse("2026-11-24").unwrap_or_else(|e| unreachable!("fixture date: {e}"));
        let mut pv = Pv::draw_up(
            result,
            &self.definition,
            &self.genesis.bureau,
            PvArchive {
                tally_height,
                tally_event,
                result_height,
                result_event,
            },
            decrypted_by,
            (0..=self.scrutateurs.len() as u32).collect(),
            "Exemple".into(),
            date,
        )
        .unwrap_or_else(|e| unreachable!("fixture PV: {e}"));
        for &m in signers {
            if let Err(e) = pv.sign(self.member_key(m)) {
                unreachable!("fixture PV signature: {e}");
            }
        }
        pv
    }

    /// The `EncryptedTally` event of a tally.
    pub fn tally_event(tally: &CryptoTally) -> Payload {
        Payload::EncryptedTally(EncryptedTally {
            tally: tally.encode(),
        })
    }

    /// Member `member`'s partial decryption of `tally`, with its proofs.
    pub fn partial(&mut self, member: u32, tally: &CryptoTally) -> CryptoPartial {
        let secret = match member {
            0 => &self.batonnier_secret,
            i => &self.shares[i as usize - 1],
        };
        CryptoPartial::create(&self.fp, secret, &tally.ciphertexts(), &mut self.rng)
    }

    /// A partial decryption of `tally` with any trustee key (to forge one).
    pub fn partial_by(&mut self, secret: &TrusteeSecret, tally: &CryptoTally) -> CryptoPartial {
        CryptoPartial::create(&self.fp, secret, &tally.ciphertexts(), &mut self.rng)
    }

    /// The `PartialDecryption` event of a partial decryption.
    pub fn partial_event(p: &CryptoPartial) -> Payload {
        Payload::PartialDecryption(PartialDecryption {
            member: p.trustee.index(),
            share: p.encode(),
        })
    }

    /// The `Result` event.
    pub fn result_event(json: Vec<u8>) -> Payload {
        Payload::Result(ResultEvent { json })
    }

    /// Member `member`'s signature of the PV of hash `pv_hash`.
    pub fn pv_signature(&self, member: u32, pv_hash: Hash32) -> Payload {
        Payload::PvSignature(PvSignature::sign(
            &self.fp,
            member,
            pv_hash,
            self.member_key(member),
        ))
    }

    /// Chains `payloads` after the genesis (heights and parents computed, no rule checked).
    pub fn chain(&self, payloads: &[Payload]) -> Vec<Vec<u8>> {
        let mut out = vec![self.genesis_event().encode()];
        for (i, payload) in payloads.iter().enumerate() {
            let e = Event {
                height: i as u64 + 1,
                parent: event_hash(&out[i]),
                payload: payload.clone(),
            };
            out.push(e.encode());
        }
        out
    }

    /// The archive file of encoded events, with the server's signed head if `head`.
    pub fn archive(&self, events: &[Vec<u8>], head: bool) -> Vec<u8> {
        let mut w = ArchiveWriter::new(Vec::new())
            .unwrap_or_else(|e| unreachable!("archive into memory: {e}"));
        for e in events {
            // Heights are positions by construction of `chain`.
            if let Err(err) = w.write_event(e) {
                unreachable!("fixture archive: {err}");
            }
        }
        let signed = match events.last() {
            Some(last) if head => Some(SignedHead::sign(
                self.fp,
                events.len() as u64 - 1,
                event_hash(last),
                &self.server,
            )),
            _ => None,
        };
        w.finish(signed.as_ref())
            .unwrap_or_else(|e| unreachable!("fixture archive end: {e}"))
    }

    /// The server's receipt of the ballot event at `height` of `events`.
    pub fn receipt(&self, events: &[Vec<u8>], height: u64) -> Option<Receipt> {
        let bytes = events.get(height as usize)?;
        let Payload::Ballot(b) = Event::decode(bytes).ok()?.payload else {
            return None;
        };
        Some(Receipt::sign(
            self.fp,
            height,
            event_hash(bytes),
            tagged_hash(domain::TRACKER, &[&b.ballot]),
            b.received_at,
            &self.server,
        ))
    }
}

/// Per contest, the selected options.
pub type Selections = Vec<(u32, Vec<u32>)>;

/// Heights of the standard scenario's events, for tests that alter one.
pub mod at {
    /// The seal.
    pub const SEAL: usize = 1;
    /// The proxy (elector 0 → mandataire elector 1).
    pub const PROXY: usize = 2;
    /// The reissue of elector 2's code.
    pub const REISSUE: usize = 3;
    /// The first ballot (elector 1, the mandataire, for themself).
    pub const FIRST_BALLOT: usize = 4;
    /// The ballot cast with the proxy credential.
    pub const PROXY_BALLOT: usize = 5;
    /// The ballot of the reissued credential.
    pub const REISSUED_BALLOT: usize = 6;
    /// The last ballot.
    pub const LAST_BALLOT: usize = 9;
    /// The close.
    pub const CLOSE: usize = 10;
    /// The encrypted tally.
    pub const TALLY: usize = 11;
    /// The bâtonnier's partial decryption.
    pub const BATONNIER_DECRYPTION: usize = 12;
    /// Scrutateur 2's partial decryption.
    pub const SCRUTATEUR_DECRYPTION: usize = 13;
    /// The result.
    pub const RESULT: usize = 15;
    /// The first PV signature.
    pub const FIRST_PV_SIGNATURE: usize = 16;
}

/// The vote of the standard scenario, before the close.
#[derive(Debug, Clone)]
pub struct Cast {
    /// Payloads of heights 1, 2, … (index `h - 1` is height `h`).
    pub payloads: Vec<Payload>,
    /// The proxy credential (held by elector 1 for elector 0).
    pub proxy: Credential,
    /// Elector 2's reissued credential.
    pub reissued: Credential,
}

/// The standard scenario: its payloads (heights 1…, the genesis apart) and the credentials that
/// voted.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Payloads of heights 1, 2, … (index `h - 1` is height `h`).
    pub payloads: Vec<Payload>,
    /// The proxy credential (held by elector 1 for elector 0).
    pub proxy: Credential,
    /// Elector 2's reissued credential.
    pub reissued: Credential,
    /// The procès-verbal, signed by the four members.
    pub pv: Pv,
    /// Its hash, which the board's PV signatures sign.
    pub pv_hash: Hash32,
}

impl Scenario {
    /// The payload at `height`.
    pub fn at(&self, height: usize) -> &Payload {
        &self.payloads[height - 1]
    }
    /// The payload at `height`, to alter.
    pub fn at_mut(&mut self, height: usize) -> &mut Payload {
        &mut self.payloads[height - 1]
    }
}

impl Fixture {
    /// Closes the vote after `payloads` (the seal, proxies, reissues and ballots) and counts it
    /// as an honest server and bureau would: the close at the closing time, the encrypted tally
    /// of the ballots, the partial decryptions of `decrypting` (bâtonnier first), the result of
    /// the counting rules, the PV signed by every member, and the members' PV signatures on the
    /// board. Returns all the payloads and the PV.
    pub fn count(&mut self, mut payloads: Vec<Payload>, decrypting: &[u32]) -> (Vec<Payload>, Pv) {
        payloads.push(self.close(CLOSING));
        let tally = self.tally_of(&payloads);
        payloads.push(Self::tally_event(&tally));
        let partials: Vec<CryptoPartial> = decrypting
            .iter()
            .map(|&m| self.partial(m, &tally))
            .collect();
        payloads.extend(partials.iter().map(Self::partial_event));
        let result = self.result_of(&payloads, &tally, &partials);
        let json = result
            .to_canonical_json()
            .unwrap_or_else(|e| unreachable!("fixture result JSON: {e}"));
        payloads.push(Self::result_event(json));
        let members: Vec<u32> = (0..=self.scrutateurs.len() as u32).collect();
        let pv = self.pv(&payloads, result, decrypting.to_vec(), &members);
        let pv_hash = pv
            .hash()
            .unwrap_or_else(|e| unreachable!("fixture PV hash: {e}"));
        for &member in &members {
            payloads.push(self.pv_signature(member, pv_hash));
        }
        (payloads, pv)
    }

    /// The vote of the standard election, before the close: the seal; a proxy (elector 0 →
    /// elector 1); elector 2's code reissued; six ballots (elector 1 for themself, the proxy,
    /// the reissued credential, electors 3, 4 (blank) and 5); electors 6 and 7 abstain.
    pub fn cast(&mut self) -> Cast {
        let proxy = credential("procuration 0");
        let reissued = credential("électeur 2 bis");
        let e = |i: usize| board_key(&self.electors[i]);
        let conseil = self.spec.conseil.is_some();
        let sel = |b: Vec<u32>, c: Vec<u32>| {
            let mut v = vec![(0, b)];
            if conseil {
                v.push((1, c));
            }
            v
        };
        let mut payloads = vec![
            self.seal(),
            self.proxy(&e(0), &proxy, &self.electors[1]),
            self.reissue(&e(2), &reissued),
        ];
        let voters: Vec<(Credential, Selections, u64)> = vec![
            (
                self.electors[1].clone(),
                sel(vec![0], vec![0, 1]),
                OPENING + 60,
            ),
            (proxy.clone(), sel(vec![1], vec![2]), OPENING + 120),
            (reissued.clone(), sel(vec![0], vec![1, 3]), OPENING + 3600),
            (
                self.electors[3].clone(),
                sel(vec![2], vec![0, 3]),
                OPENING + 3700,
            ),
            (
                self.electors[4].clone(),
                sel(vec![], vec![]),
                OPENING + 7200,
            ),
            (self.electors[5].clone(), sel(vec![0], vec![1]), CLOSING - 1),
        ];
        for (voter, s, t) in &voters {
            let b = self.ballot(voter, s, *t);
            payloads.push(b);
        }
        Cast {
            payloads,
            proxy,
            reissued,
        }
    }

    /// The standard valid election: [`Fixture::cast`], then [`Fixture::count`] with the
    /// bâtonnier and scrutateurs 2 and 3 decrypting, the PV signed by the four members.
    pub fn scenario(&mut self) -> Scenario {
        let Cast {
            payloads,
            proxy,
            reissued,
        } = self.cast();
        let (payloads, pv) = self.count(payloads, &[0, 2, 3]);
        let pv_hash = pv
            .hash()
            .unwrap_or_else(|e| unreachable!("fixture PV hash: {e}"));
        Scenario {
            payloads,
            proxy,
            reissued,
            pv,
            pv_hash,
        }
    }
}

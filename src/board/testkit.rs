//! Deterministic keys and a small election for the tests and the known-answer vectors. Keys come
//! from fixed seeds (`SigningKey::from_bytes(tagged_hash("URNE-V1-test-key", [label]))`), so every
//! signature (ed25519 is deterministic) and every byte of the vectors is reproducible.
//!
//! The cryptographic objects the board stores as opaque bytes (ballots, DKG transcript, tally,
//! partial decryptions) are fixed filler bytes here: the board never interprets them, and the
//! test ballot verifier checks that each ballot is exactly the filler of its credential.

use super::*;
use crate::encoding::{Hash32, tagged_hash};
use ed25519_dalek::SigningKey;

/// The deterministic key of `label`.
pub(crate) fn key(label: &str) -> SigningKey {
    SigningKey::from_bytes(&tagged_hash("URNE-V1-test-key", &[label.as_bytes()]).0)
}

/// The filler ballot bytes of a credential.
pub(crate) fn filler_ballot(credential: &PublicKey) -> Vec<u8> {
    let mut b = b"ballot:".to_vec();
    b.extend_from_slice(&tagged_hash("URNE-V1-test-ballot", &[&credential.0]).0);
    b
}

/// The test ballot verifier: a ballot must be its credential's filler, with rights.
pub(crate) fn test_verifier(b: &BallotToVerify<'_>) -> Result<(), String> {
    if b.rights.is_empty() {
        return Err("aucun droit".into());
    }
    if b.ballot != filler_ballot(&b.credential).as_slice() {
        return Err("bulletin différent du bulletin de test de cet identifiant".into());
    }
    Ok(())
}

/// Opening of the test election (2026-09-21 06:13:20 UTC); closing 8 hours later.
pub(crate) const OPENING: u64 = 1_790_000_000;
pub(crate) const CLOSING: u64 = OPENING + 8 * 3600;

/// A small election: a bâtonnier, three scrutateurs (t = 2), six electors.
#[derive(Debug)]
pub(crate) struct Fixture {
    pub batonnier: SigningKey,
    pub scrutateurs: Vec<SigningKey>,
    pub ordre: SigningKey,
    pub server: SigningKey,
    pub voters: Vec<SigningKey>,
    pub genesis: Genesis,
    pub fp: Hash32,
}

impl Fixture {
    pub fn new() -> Self {
        let batonnier = key("bâtonnier");
        let scrutateurs: Vec<SigningKey> =
            (1..=3).map(|i| key(&format!("scrutateur {i}"))).collect();
        let ordre = key("ordre");
        let server = key("serveur");
        let voters: Vec<SigningKey> = (0..6).map(|i| key(&format!("électeur {i}"))).collect();
        let definition = canonical_json(&serde_json::json!({
            "barreau": "Exemple",
            "election_id": "exemple-2026-t1",
            "contests": [
                {"name": "Bâtonnier", "options": 3, "max": 1},
                {"name": "Conseil de l'ordre", "options": 10, "max": 6}
            ]
        }))
        .unwrap_or_default();
        let mut genesis = Genesis {
            protocol_version: PROTOCOL_VERSION,
            campaign_id: "exemple-2026".into(),
            election_id: "exemple-2026-t1".into(),
            round: 1,
            definition,
            credentials: vec![],
            credential_root: Hash32::default(),
            bureau: Bureau {
                batonnier: PublicKey::of(&batonnier),
                scrutateurs: scrutateurs.iter().map(PublicKey::of).collect(),
                threshold: 2,
                dkg_transcript: b"dkg-transcript (opaque to the board)".to_vec(),
            },
            election_public_key: tagged_hash("URNE-V1-test-election-key", &[]).0,
            ordre_public_key: PublicKey::of(&ordre),
            server_public_key: PublicKey::of(&server),
            opening: OPENING,
            closing: CLOSING,
            server_build: tagged_hash("URNE-V1-test-build", &[]),
        };
        let entries = voters
            .iter()
            .enumerate()
            .map(|(i, v)| CredentialEntry {
                public_key: PublicKey::of(v),
                rights: if i == 5 {
                    vec![Right {
                        contest: 1,
                        weight: 3,
                    }]
                } else {
                    vec![
                        Right {
                            contest: 0,
                            weight: 1,
                        },
                        Right {
                            contest: 1,
                            weight: 1,
                        },
                    ]
                },
            })
            .collect();
        // The fixture's list is valid by construction.
        let _ = genesis.set_credentials(entries);
        let fp = Fixture::event0(&genesis).hash();
        Fixture {
            batonnier,
            scrutateurs,
            ordre,
            server,
            voters,
            genesis,
            fp,
        }
    }

    fn event0(genesis: &Genesis) -> Event {
        Event {
            height: 0,
            parent: Hash32::default(),
            payload: Payload::Genesis(Box::new(genesis.clone())),
        }
    }

    pub fn genesis_event(&self) -> Event {
        Fixture::event0(&self.genesis)
    }

    pub fn pk(&self, voter: usize) -> PublicKey {
        PublicKey::of(&self.voters[voter])
    }

    pub fn seal(&self) -> Payload {
        Payload::Seal(Seal::sign(&self.fp, &self.batonnier))
    }

    /// A proxy: `mandant` (a public key) → new credential `proxy`, endorsed by `mandataire`.
    pub fn proxy(
        &self,
        mandant: PublicKey,
        proxy: &SigningKey,
        mandataire: &SigningKey,
    ) -> Payload {
        let proxy = PublicKey::of(proxy);
        let endorsement = ProxyCredential::endorse(&self.fp, &mandant, &proxy, mandataire);
        Payload::ProxyCredential(ProxyCredential::authorise(
            &self.fp,
            mandant,
            proxy,
            PublicKey::of(mandataire),
            endorsement,
            &self.ordre,
        ))
    }

    pub fn reissue(&self, old: PublicKey, new: &SigningKey) -> Payload {
        Payload::CredentialReissue(CredentialReissue::sign(
            &self.fp,
            old,
            PublicKey::of(new),
            &self.ordre,
        ))
    }

    pub fn ballot(&self, credential: PublicKey, received_at: u64) -> Payload {
        Payload::Ballot(BallotCast {
            credential,
            received_at,
            ballot: filler_ballot(&credential),
        })
    }

    pub fn close(&self, time: u64) -> Payload {
        Payload::Close(Close::sign(
            &self.fp,
            time,
            CloseReason::ClosingTime,
            "",
            &self.ordre,
        ))
    }

    pub fn tally(&self) -> Payload {
        Payload::EncryptedTally(EncryptedTally {
            tally: b"encrypted tally (opaque to the board)".to_vec(),
        })
    }

    pub fn decryption(&self, member: u32) -> Payload {
        Payload::PartialDecryption(PartialDecryption {
            member,
            share: format!("partial decryption {member} (opaque to the board)").into_bytes(),
        })
    }

    pub fn result(&self) -> Payload {
        Payload::Result(ResultEvent {
            json: canonical_json(&serde_json::json!({"contests": [[2, 1, 0], [3, 3, 1]]}))
                .unwrap_or_default(),
        })
    }

    pub fn pv_hash(&self) -> Hash32 {
        tagged_hash("URNE-V1-test-pv", &[])
    }

    pub fn pv(&self, member: u32) -> Payload {
        let key = if member == 0 {
            &self.batonnier
        } else {
            &self.scrutateurs[member as usize - 1]
        };
        Payload::PvSignature(PvSignature::sign(&self.fp, member, self.pv_hash(), key))
    }

    /// A complete election, every kind of event: genesis, seal, a proxy (voter 0 → voter 1),
    /// a reissue (voter 2), five ballots, the close, the tally, three partial decryptions, the
    /// result and three PV signatures.
    pub fn full_payloads(&self) -> Vec<Payload> {
        let proxy = key("procuration 0");
        let reissued = key("électeur 2 bis");
        vec![
            self.seal(),
            self.proxy(self.pk(0), &proxy, &self.voters[1]),
            self.reissue(self.pk(2), &reissued),
            self.ballot(self.pk(1), OPENING + 60),
            self.ballot(PublicKey::of(&proxy), OPENING + 120),
            self.ballot(PublicKey::of(&reissued), OPENING + 3600),
            self.ballot(self.pk(3), OPENING + 3601),
            self.ballot(self.pk(5), CLOSING - 1),
            self.close(CLOSING),
            self.tally(),
            self.decryption(0),
            self.decryption(2),
            self.decryption(3),
            self.result(),
            self.pv(0),
            self.pv(1),
            self.pv(3),
        ]
    }

    /// The full election through a [`BallotBox`]: the events and their bytes.
    pub fn full_chain(&self) -> (Vec<Event>, Vec<Vec<u8>>) {
        let Ok((mut bb, g)) = BallotBox::new(self.genesis.clone()) else {
            return (vec![], vec![]);
        };
        let mut bytes = vec![g.bytes];
        for p in self.full_payloads() {
            match bb.append(p, &mut test_verifier) {
                Ok(a) => bytes.push(a.bytes),
                Err(e) => {
                    // Tests compare against the expected chain, so a failure here surfaces there.
                    eprintln!("fixture: {e}");
                    break;
                }
            }
        }
        let events = bytes.iter().filter_map(|b| Event::decode(b).ok()).collect();
        (events, bytes)
    }

    /// Chains `payloads` after the genesis with correct heights and parents but no rule checked:
    /// how a dishonest server would build a chain.
    pub fn raw_chain(&self, payloads: Vec<Payload>) -> Vec<Vec<u8>> {
        raw_chain_from(self.genesis_event(), payloads)
    }
}

/// Chains `payloads` after `genesis` without checking any rule.
pub(crate) fn raw_chain_from(genesis: Event, payloads: Vec<Payload>) -> Vec<Vec<u8>> {
    let mut out = vec![genesis.encode()];
    for (i, payload) in payloads.into_iter().enumerate() {
        let e = Event {
            height: i as u64 + 1,
            parent: event_hash(&out[i]),
            payload,
        };
        out.push(e.encode());
    }
    out
}

/// Checks a whole chain with the test verifier.
pub(crate) fn check_all(chain: &[Vec<u8>]) -> Result<ChainSummary, ChainError> {
    let mut c = ChainChecker::new();
    for b in chain {
        c.push(b, &mut test_verifier)?;
    }
    c.finish()
}

//! The streaming chain checker: replays a chain event by event, in constant memory per ballot,
//! and enforces every rule of the ballot box that does not need the cryptography of ballots and
//! decryptions (docs/protocol.md §Ballot box events, "Checking a chain"). Used by `urne-verify`
//! and `urne-tally`, and by the server's [`super::BallotBox`] before it appends.

use super::check_error::ChainError;
use super::close::CloseReason;
use super::event::{Event, event_hash};
use super::genesis::{Genesis, Right};
use super::head::SignedHead;
use super::keys::PublicKey;
use super::kind::EventKind;
use super::payload::Payload;
use super::proxy::ProxyCredential;
use super::reissue::CredentialReissue;
use super::seal::Seal;
use crate::encoding::Hash32;
use std::collections::{BTreeMap, HashMap};

/// Where the chain is in the life of the election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// No event yet.
    Empty,
    /// The genesis, waiting for the bâtonnier's seal.
    Unsealed,
    /// Sealed: proxies, reissues and ballots.
    Open,
    /// Closed: waiting for the encrypted tally.
    Closed,
    /// The encrypted tally is in: partial decryptions.
    Tallied,
    /// The result is in: PV signatures.
    Resulted,
}

/// How a credential came to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialOrigin {
    /// In the genesis's credential list.
    Genesis,
    /// Created by a `ProxyCredential` event at this height.
    Proxy {
        /// Height of the event.
        height: u64,
    },
    /// Created by a `CredentialReissue` event at this height.
    Reissue {
        /// Height of the event.
        height: u64,
    },
}

#[derive(Debug, Clone)]
struct CredentialState {
    rights: Vec<Right>,
    origin: CredentialOrigin,
    /// A proxy credential, or a reissue of one: never a mandant or a mandataire.
    is_proxy: bool,
    revoked_at: Option<u64>,
    voted_at: Option<u64>,
    /// Height of the proxy this elector endorsed as mandataire (kept across reissues).
    endorsed_at: Option<u64>,
}

/// A ballot, with what a ballot verifier needs to check it: the cryptographic checks (the
/// ballot's canonical bytes decode, its credential is `credential`, its election is
/// `fingerprint`, its contests are those of `rights`, its proofs and signature hold).
#[derive(Debug, Clone, Copy)]
pub struct BallotToVerify<'a> {
    /// The election fingerprint.
    pub fingerprint: Hash32,
    /// Height of the ballot's event.
    pub height: u64,
    /// The credential the event names.
    pub credential: PublicKey,
    /// Its rights (contests and voices), as registered.
    pub rights: &'a [Right],
    /// Server reception time.
    pub received_at: u64,
    /// The ballot's canonical bytes.
    pub ballot: &'a [u8],
}

/// Checks what the chain checker cannot: the cryptography of a ballot. The lead plugs in
/// `crate::crypto`'s ballot verification; closures `FnMut(&BallotToVerify) -> Result<(), String>`
/// implement it.
pub trait BallotVerifier {
    /// `Ok` if the ballot is valid, or why not (French, for the report).
    fn verify_ballot(&mut self, ballot: &BallotToVerify<'_>) -> Result<(), String>;
}

impl<F: FnMut(&BallotToVerify<'_>) -> Result<(), String>> BallotVerifier for F {
    fn verify_ballot(&mut self, ballot: &BallotToVerify<'_>) -> Result<(), String> {
        self(ballot)
    }
}

/// An event that passed the chain rules.
#[derive(Debug, Clone)]
pub struct CheckedEvent {
    /// Its height.
    pub height: u64,
    /// Its hash.
    pub hash: Hash32,
    /// The decoded event.
    pub event: Event,
    /// For a ballot: its credential's rights (what the tally weighs it with); empty otherwise.
    pub rights: Vec<Right>,
}

impl CheckedEvent {
    /// For a ballot, what a ballot verifier checks.
    pub fn ballot(&self, fingerprint: Hash32) -> Option<BallotToVerify<'_>> {
        match &self.event.payload {
            Payload::Ballot(b) => Some(BallotToVerify {
                fingerprint,
                height: self.height,
                credential: b.credential,
                rights: &self.rights,
                received_at: b.received_at,
                ballot: &b.ballot,
            }),
            _ => None,
        }
    }
}

/// What a checked chain contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSummary {
    /// The election fingerprint (hash of the genesis event).
    pub fingerprint: Hash32,
    /// Height of the last event.
    pub height: u64,
    /// Hash of the last event.
    pub head: Hash32,
    /// Where the election is.
    pub phase: Phase,
    /// Credentials of the genesis.
    pub genesis_credentials: u64,
    /// Proxies registered.
    pub proxies: u64,
    /// Codes reissued.
    pub reissues: u64,
    /// Ballots cast.
    pub ballots: u64,
    /// Partial decryptions.
    pub decryptions: u64,
    /// PV signatures.
    pub pv_signatures: u64,
}

/// Replays a chain. Feed it each encoded event in order with [`ChainChecker::push`] (or
/// [`ChainChecker::push_deferring_ballots`]), then call [`ChainChecker::finish`]. An event that
/// fails leaves the checker as it was before that event.
#[derive(Debug, Clone)]
pub struct ChainChecker {
    next_height: u64,
    prev: Hash32,
    fingerprint: Hash32,
    genesis: Option<Box<Genesis>>,
    phase: Phase,
    credentials: HashMap<PublicKey, CredentialState>,
    last_ballot_time: u64,
    close_at: Option<u64>,
    tally_at: Option<u64>,
    decryptions: BTreeMap<u32, u64>,
    result_at: Option<u64>,
    pv_signatures: BTreeMap<u32, u64>,
    pv_hash: Option<Hash32>,
    proxies: u64,
    reissues: u64,
    ballots: u64,
}

impl Default for ChainChecker {
    fn default() -> Self {
        Self::new()
    }
}

/// What an event does to the credentials once every rule passed.
enum Effect {
    Genesis(Box<Genesis>, Hash32),
    Seal,
    Proxy(ProxyCredential),
    Reissue(CredentialReissue),
    Ballot { credential: PublicKey, time: u64 },
    Close,
    Tally,
    Decryption(u32),
    Result,
    Pv(u32, Hash32),
}

impl ChainChecker {
    /// A checker waiting for the genesis.
    pub fn new() -> Self {
        ChainChecker {
            next_height: 0,
            prev: Hash32::default(),
            fingerprint: Hash32::default(),
            genesis: None,
            phase: Phase::Empty,
            credentials: HashMap::new(),
            last_ballot_time: 0,
            close_at: None,
            tally_at: None,
            decryptions: BTreeMap::new(),
            result_at: None,
            pv_signatures: BTreeMap::new(),
            pv_hash: None,
            proxies: 0,
            reissues: 0,
            ballots: 0,
        }
    }

    /// The election fingerprint, once the genesis is checked.
    pub fn fingerprint(&self) -> Option<Hash32> {
        self.genesis.as_ref().map(|_| self.fingerprint)
    }

    /// The genesis, once checked.
    pub fn genesis(&self) -> Option<&Genesis> {
        self.genesis.as_deref()
    }

    /// The phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Height and hash of the last event checked.
    pub fn head(&self) -> Option<(u64, Hash32)> {
        self.next_height.checked_sub(1).map(|h| (h, self.prev))
    }

    /// Height the next event must have.
    pub fn next_height(&self) -> u64 {
        self.next_height
    }

    /// The rights of a credential that may vote now (registered, not revoked, not yet voted).
    pub fn can_vote(&self, credential: &PublicKey) -> Option<&[Right]> {
        self.credentials
            .get(credential)
            .filter(|c| c.revoked_at.is_none() && c.voted_at.is_none())
            .map(|c| c.rights.as_slice())
    }

    /// How a credential came to exist, if it exists.
    pub fn credential_origin(&self, credential: &PublicKey) -> Option<CredentialOrigin> {
        self.credentials.get(credential).map(|c| c.origin)
    }

    /// Checks the next event and verifies its ballot, if any, with `verifier`.
    pub fn push(
        &mut self,
        bytes: &[u8],
        verifier: &mut impl BallotVerifier,
    ) -> Result<CheckedEvent, ChainError> {
        self.push_inner(bytes, Some(verifier))
    }

    /// Checks the next event against every chain rule but leaves the cryptographic check of a
    /// ballot to the caller, who **must** verify [`CheckedEvent::ballot`] (e.g. in parallel
    /// batches) before trusting the chain.
    pub fn push_deferring_ballots(&mut self, bytes: &[u8]) -> Result<CheckedEvent, ChainError> {
        self.push_inner::<fn(&BallotToVerify<'_>) -> Result<(), String>>(bytes, None)
    }

    fn push_inner<V: BallotVerifier>(
        &mut self,
        bytes: &[u8],
        verifier: Option<&mut V>,
    ) -> Result<CheckedEvent, ChainError> {
        let height = self.next_height;
        let event = Event::decode(bytes).map_err(|error| ChainError::Decode { height, error })?;
        if event.height != height {
            return Err(ChainError::Height {
                height,
                found: event.height,
            });
        }
        if event.parent != self.prev {
            return Err(ChainError::Parent {
                height,
                expected: self.prev,
                found: event.parent,
            });
        }
        let hash = event_hash(bytes);
        let (effect, rights) = self.rules(&event, hash)?;
        if let (Some(v), Payload::Ballot(b)) = (verifier, &event.payload) {
            let to_verify = BallotToVerify {
                fingerprint: self.fingerprint,
                height,
                credential: b.credential,
                rights: &rights,
                received_at: b.received_at,
                ballot: &b.ballot,
            };
            v.verify_ballot(&to_verify)
                .map_err(|reason| ChainError::BallotRejected {
                    height,
                    credential: b.credential,
                    reason,
                })?;
        }
        self.apply(effect, height);
        self.next_height += 1;
        self.prev = hash;
        Ok(CheckedEvent {
            height,
            hash,
            event,
            rights,
        })
    }

    /// Checks the rules of `event` without changing anything; returns what it does and, for a
    /// ballot, the credential's rights.
    fn rules(&self, event: &Event, hash: Hash32) -> Result<(Effect, Vec<Right>), ChainError> {
        let height = event.height;
        let kind = event.kind();
        let Some(genesis) = self.genesis.as_deref() else {
            return match &event.payload {
                Payload::Genesis(g) => Ok((Effect::Genesis(g.clone(), hash), vec![])),
                _ => Err(ChainError::NotGenesis { found: kind }),
            };
        };
        if self.phase == Phase::Unsealed {
            let Payload::Seal(seal) = &event.payload else {
                return Err(ChainError::SealMissing { found: kind });
            };
            if !genesis
                .bureau
                .batonnier
                .verifies(&Seal::message(&self.fingerprint), &seal.signature)
            {
                return Err(ChainError::SealInvalid);
            }
            return Ok((Effect::Seal, vec![]));
        }
        let fp = &self.fingerprint;
        let ordre = &genesis.ordre_public_key;
        let effect = match &event.payload {
            Payload::Genesis(_) => return Err(ChainError::GenesisAgain { height }),
            Payload::Seal(_) => return Err(ChainError::SealAgain { height }),
            Payload::ProxyCredential(p) => {
                self.open_for(height, kind)?;
                if !ordre.verifies(&p.authorisation_message(fp), &p.authorisation) {
                    return Err(ChainError::OrdreSignatureInvalid { height, kind });
                }
                let endorsed = ProxyCredential::endorsement_message(fp, &p.mandant, &p.proxy);
                if !p.mandataire.verifies(&endorsed, &p.endorsement) {
                    return Err(ChainError::EndorsementInvalid {
                        height,
                        mandataire: p.mandataire,
                    });
                }
                if p.mandant == p.mandataire {
                    return Err(ChainError::SelfProxy {
                        height,
                        credential: p.mandant,
                    });
                }
                let mandant = self.live(height, kind, "mandant", &p.mandant)?;
                if mandant.is_proxy {
                    return Err(ChainError::ProxyOfProxy {
                        height,
                        role: "mandant",
                        credential: p.mandant,
                    });
                }
                if let Some(voted_at) = mandant.voted_at {
                    return Err(ChainError::MandantHasVoted {
                        height,
                        mandant: p.mandant,
                        voted_at,
                    });
                }
                let mandataire = self.live(height, kind, "mandataire", &p.mandataire)?;
                if mandataire.is_proxy {
                    return Err(ChainError::ProxyOfProxy {
                        height,
                        role: "mandataire",
                        credential: p.mandataire,
                    });
                }
                if let Some(first) = mandataire.endorsed_at {
                    return Err(ChainError::SecondProxy {
                        height,
                        mandataire: p.mandataire,
                        first,
                    });
                }
                self.fresh(height, kind, &p.proxy)?;
                Effect::Proxy(*p)
            }
            Payload::CredentialReissue(r) => {
                self.open_for(height, kind)?;
                if !ordre.verifies(
                    &CredentialReissue::message(fp, &r.old, &r.new),
                    &r.signature,
                ) {
                    return Err(ChainError::OrdreSignatureInvalid { height, kind });
                }
                let old = self.live(height, kind, "remplacé", &r.old)?;
                if let Some(voted_at) = old.voted_at {
                    return Err(ChainError::ReissueAfterVote {
                        height,
                        credential: r.old,
                        voted_at,
                    });
                }
                self.fresh(height, kind, &r.new)?;
                Effect::Reissue(*r)
            }
            Payload::Ballot(b) => {
                self.open_for(height, kind)?;
                let c = self.live(height, kind, "électeur", &b.credential)?;
                if let Some(first) = c.voted_at {
                    return Err(ChainError::SecondBallot {
                        height,
                        credential: b.credential,
                        first,
                    });
                }
                if b.received_at < genesis.opening {
                    return Err(ChainError::BallotBeforeOpening {
                        height,
                        received_at: b.received_at,
                        opening: genesis.opening,
                    });
                }
                if b.received_at >= genesis.closing {
                    return Err(ChainError::BallotAfterClosingTime {
                        height,
                        received_at: b.received_at,
                        closing: genesis.closing,
                    });
                }
                return Ok((
                    Effect::Ballot {
                        credential: b.credential,
                        time: b.received_at,
                    },
                    c.rights.clone(),
                ));
            }
            Payload::Close(c) => {
                if let Some(first) = self.close_at {
                    return Err(ChainError::CloseAgain { height, first });
                }
                if !ordre.verifies(&c.message(fp), &c.signature) {
                    return Err(ChainError::OrdreSignatureInvalid { height, kind });
                }
                if c.reason == CloseReason::ClosingTime && c.time < genesis.closing {
                    return Err(ChainError::CloseTooEarly {
                        height,
                        time: c.time,
                        closing: genesis.closing,
                    });
                }
                if c.time < self.last_ballot_time {
                    return Err(ChainError::CloseBeforeBallot {
                        height,
                        time: c.time,
                        last_ballot: self.last_ballot_time,
                    });
                }
                Effect::Close
            }
            Payload::EncryptedTally(_) => match self.phase {
                Phase::Closed => Effect::Tally,
                Phase::Tallied | Phase::Resulted => {
                    return Err(ChainError::TallyAgain {
                        height,
                        first: self.tally_at.unwrap_or_default(),
                    });
                }
                _ => return Err(ChainError::CountBeforeClose { height, kind }),
            },
            Payload::PartialDecryption(d) => match self.phase {
                Phase::Tallied => {
                    self.member(height, kind, d.member)?;
                    if let Some(&first) = self.decryptions.get(&d.member) {
                        return Err(ChainError::DecryptionAgain {
                            height,
                            member: d.member,
                            first,
                        });
                    }
                    Effect::Decryption(d.member)
                }
                Phase::Closed => {
                    return Err(ChainError::OutOfOrder {
                        height,
                        kind,
                        expected: "EncryptedTally",
                    });
                }
                Phase::Resulted => {
                    return Err(ChainError::OutOfOrder {
                        height,
                        kind,
                        expected: "PvSignature",
                    });
                }
                _ => return Err(ChainError::CountBeforeClose { height, kind }),
            },
            Payload::Result(_) => match self.phase {
                Phase::Tallied => {
                    let batonnier = self.decryptions.contains_key(&0);
                    let scrutateurs = self.decryptions.keys().filter(|&&m| m > 0).count() as u32;
                    let threshold = genesis.bureau.threshold;
                    if !batonnier || scrutateurs < threshold {
                        return Err(ChainError::NotEnoughDecryptions {
                            height,
                            batonnier,
                            scrutateurs,
                            threshold,
                        });
                    }
                    Effect::Result
                }
                Phase::Closed => {
                    return Err(ChainError::OutOfOrder {
                        height,
                        kind,
                        expected: "EncryptedTally",
                    });
                }
                Phase::Resulted => {
                    return Err(ChainError::ResultAgain {
                        height,
                        first: self.result_at.unwrap_or_default(),
                    });
                }
                _ => return Err(ChainError::CountBeforeClose { height, kind }),
            },
            Payload::PvSignature(s) => match self.phase {
                Phase::Resulted => {
                    let expected = self.member(height, kind, s.member)?;
                    if s.public_key != expected {
                        return Err(ChainError::PvKeyMismatch {
                            height,
                            member: s.member,
                            expected,
                            found: s.public_key,
                        });
                    }
                    if let Some(&first) = self.pv_signatures.get(&s.member) {
                        return Err(ChainError::PvSignatureAgain {
                            height,
                            member: s.member,
                            first,
                        });
                    }
                    if let Some(expected) = self.pv_hash
                        && expected != s.pv_hash
                    {
                        return Err(ChainError::PvHashMismatch {
                            height,
                            member: s.member,
                            expected,
                            found: s.pv_hash,
                        });
                    }
                    if !expected.verifies(
                        &super::pv_signature::PvSignature::message(fp, &s.pv_hash),
                        &s.signature,
                    ) {
                        return Err(ChainError::PvSignatureInvalid {
                            height,
                            member: s.member,
                        });
                    }
                    Effect::Pv(s.member, s.pv_hash)
                }
                Phase::Closed | Phase::Tallied => {
                    return Err(ChainError::OutOfOrder {
                        height,
                        kind,
                        expected: "Result",
                    });
                }
                _ => return Err(ChainError::CountBeforeClose { height, kind }),
            },
        };
        Ok((effect, vec![]))
    }

    /// Proxies, reissues and ballots only while the vote is open.
    fn open_for(&self, height: u64, kind: EventKind) -> Result<(), ChainError> {
        match self.close_at {
            Some(closed_at) => Err(ChainError::AfterClose {
                height,
                kind,
                closed_at,
            }),
            None => Ok(()),
        }
    }

    /// A registered credential that is not revoked.
    fn live(
        &self,
        height: u64,
        kind: EventKind,
        role: &'static str,
        credential: &PublicKey,
    ) -> Result<&CredentialState, ChainError> {
        let c = self
            .credentials
            .get(credential)
            .ok_or(ChainError::UnknownCredential {
                height,
                kind,
                role,
                credential: *credential,
            })?;
        if let Some(revoked_at) = c.revoked_at {
            return Err(ChainError::RevokedCredential {
                height,
                kind,
                role,
                credential: *credential,
                revoked_at,
            });
        }
        Ok(c)
    }

    /// A credential that does not exist yet.
    fn fresh(
        &self,
        height: u64,
        kind: EventKind,
        credential: &PublicKey,
    ) -> Result<(), ChainError> {
        if self.credentials.contains_key(credential) {
            return Err(ChainError::CredentialExists {
                height,
                kind,
                credential: *credential,
            });
        }
        Ok(())
    }

    /// The key of a bureau member.
    fn member(&self, height: u64, kind: EventKind, member: u32) -> Result<PublicKey, ChainError> {
        let bureau = self.genesis.as_deref().map(|g| &g.bureau);
        bureau
            .and_then(|b| b.member(member))
            .ok_or(ChainError::UnknownMember {
                height,
                kind,
                member,
                members: bureau.map(|b| b.len()).unwrap_or(0),
            })
    }

    fn apply(&mut self, effect: Effect, height: u64) {
        match effect {
            Effect::Genesis(g, hash) => {
                self.credentials = g
                    .credentials
                    .iter()
                    .map(|c| {
                        (
                            c.public_key,
                            CredentialState {
                                rights: c.rights.clone(),
                                origin: CredentialOrigin::Genesis,
                                is_proxy: false,
                                revoked_at: None,
                                voted_at: None,
                                endorsed_at: None,
                            },
                        )
                    })
                    .collect();
                self.fingerprint = hash;
                self.genesis = Some(g);
                self.phase = Phase::Unsealed;
            }
            Effect::Seal => self.phase = Phase::Open,
            Effect::Proxy(p) => {
                let mut rights = vec![];
                if let Some(m) = self.credentials.get_mut(&p.mandant) {
                    m.revoked_at = Some(height);
                    rights = m.rights.clone();
                }
                if let Some(d) = self.credentials.get_mut(&p.mandataire) {
                    d.endorsed_at = Some(height);
                }
                self.credentials.insert(
                    p.proxy,
                    CredentialState {
                        rights,
                        origin: CredentialOrigin::Proxy { height },
                        is_proxy: true,
                        revoked_at: None,
                        voted_at: None,
                        endorsed_at: None,
                    },
                );
                self.proxies += 1;
            }
            Effect::Reissue(r) => {
                if let Some(old) = self.credentials.get_mut(&r.old) {
                    old.revoked_at = Some(height);
                    let new = CredentialState {
                        rights: old.rights.clone(),
                        origin: CredentialOrigin::Reissue { height },
                        is_proxy: old.is_proxy,
                        revoked_at: None,
                        voted_at: None,
                        // One procuration per mandataire, whatever codes the mandataire held.
                        endorsed_at: old.endorsed_at,
                    };
                    self.credentials.insert(r.new, new);
                }
                self.reissues += 1;
            }
            Effect::Ballot { credential, time } => {
                if let Some(c) = self.credentials.get_mut(&credential) {
                    c.voted_at = Some(height);
                }
                self.last_ballot_time = self.last_ballot_time.max(time);
                self.ballots += 1;
            }
            Effect::Close => {
                self.close_at = Some(height);
                self.phase = Phase::Closed;
            }
            Effect::Tally => {
                self.tally_at = Some(height);
                self.phase = Phase::Tallied;
            }
            Effect::Decryption(member) => {
                self.decryptions.insert(member, height);
            }
            Effect::Result => {
                self.result_at = Some(height);
                self.phase = Phase::Resulted;
            }
            Effect::Pv(member, pv_hash) => {
                self.pv_signatures.insert(member, height);
                self.pv_hash = Some(pv_hash);
            }
        }
    }

    /// Checks a signed head against the last event checked and the server key of the genesis.
    pub fn check_head(&self, head: &SignedHead) -> Result<(), ChainError> {
        let Some(genesis) = self.genesis.as_deref() else {
            return Err(ChainError::Empty);
        };
        if head.fingerprint != self.fingerprint {
            return Err(ChainError::HeadFingerprint {
                expected: self.fingerprint,
                found: head.fingerprint,
            });
        }
        let height = self.next_height - 1;
        if head.height != height || head.head != self.prev {
            return Err(ChainError::HeadMismatch {
                height,
                head: self.prev,
                found_height: head.height,
                found_head: head.head,
            });
        }
        head.verify(&genesis.server_public_key)
            .map_err(|_| ChainError::HeadSignatureInvalid { height })
    }

    /// The end of the chain: it must at least hold the genesis and the seal.
    pub fn finish(&self) -> Result<ChainSummary, ChainError> {
        let Some(genesis) = self.genesis.as_deref() else {
            return Err(ChainError::Empty);
        };
        if self.phase == Phase::Unsealed {
            return Err(ChainError::Unsealed);
        }
        Ok(ChainSummary {
            fingerprint: self.fingerprint,
            height: self.next_height - 1,
            head: self.prev,
            phase: self.phase,
            genesis_credentials: genesis.credentials.len() as u64,
            proxies: self.proxies,
            reissues: self.reissues,
            ballots: self.ballots,
            decryptions: self.decryptions.len() as u64,
            pv_signatures: self.pv_signatures.len() as u64,
        })
    }
}

#[cfg(test)]
mod tests;

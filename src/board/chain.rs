//! The chain builder: what the server needs to append events with the right height and parent
//! (docs/protocol.md §Ballot box events, "Event"). It keeps only the head, so a server whose
//! chain lives in a database resumes it from the last stored event; the rules of the ballot box
//! are enforced by [`super::BallotBox`] (in memory) or by the server's own checks.

use super::event::{Event, event_hash};
use super::genesis::Genesis;
use super::head::SignedHead;
use super::payload::Payload;
use crate::encoding::Hash32;
use ed25519_dalek::SigningKey;

/// An event that cannot be appended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppendError {
    /// The genesis breaks a rule.
    #[error("Genesis invalide : {0}")]
    Genesis(String),
    /// Wrong height.
    #[error("hauteur {found}, {expected} attendue")]
    Height {
        /// The next height.
        expected: u64,
        /// The event's.
        found: u64,
    },
    /// Wrong parent.
    #[error("parent {found}, {expected} attendu")]
    Parent {
        /// The head.
        expected: Hash32,
        /// The event's.
        found: Hash32,
    },
    /// A second genesis.
    #[error("un seul Genesis est admis")]
    GenesisAgain,
}

/// An event appended: its height, hash and canonical bytes (what the server stores and the
/// archive holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// Height.
    pub height: u64,
    /// Event hash.
    pub hash: Hash32,
    /// Canonical encoding.
    pub bytes: Vec<u8>,
}

/// The head of a chain: fingerprint, last height, last hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chain {
    fingerprint: Hash32,
    height: u64,
    head: Hash32,
}

impl Chain {
    /// Starts a chain with its genesis (height 0, parent all zero), after checking every rule of
    /// the genesis. The genesis event's hash is the election fingerprint.
    pub fn start(genesis: Genesis) -> Result<(Chain, Appended), AppendError> {
        genesis.validate().map_err(AppendError::Genesis)?;
        let event = Event {
            height: 0,
            parent: Hash32::default(),
            payload: Payload::Genesis(Box::new(genesis)),
        };
        let bytes = event.encode();
        let hash = event_hash(&bytes);
        Ok((
            Chain {
                fingerprint: hash,
                height: 0,
                head: hash,
            },
            Appended {
                height: 0,
                hash,
                bytes,
            },
        ))
    }

    /// Resumes a chain from its stored head.
    pub fn resume(fingerprint: Hash32, height: u64, head: Hash32) -> Self {
        Chain {
            fingerprint,
            height,
            head,
        }
    }

    /// The election fingerprint.
    pub fn fingerprint(&self) -> Hash32 {
        self.fingerprint
    }

    /// Height of the last event.
    pub fn height(&self) -> u64 {
        self.height
    }

    /// Hash of the last event.
    pub fn head(&self) -> Hash32 {
        self.head
    }

    /// The next event carrying `payload` (not yet appended).
    pub fn next(&self, payload: Payload) -> Event {
        Event {
            height: self.height + 1,
            parent: self.head,
            payload,
        }
    }

    /// Appends `event` if it follows the head.
    pub fn append(&mut self, event: &Event) -> Result<Appended, AppendError> {
        if matches!(event.payload, Payload::Genesis(_)) {
            return Err(AppendError::GenesisAgain);
        }
        if event.height != self.height + 1 {
            return Err(AppendError::Height {
                expected: self.height + 1,
                found: event.height,
            });
        }
        if event.parent != self.head {
            return Err(AppendError::Parent {
                expected: self.head,
                found: event.parent,
            });
        }
        let bytes = event.encode();
        let hash = event_hash(&bytes);
        self.height = event.height;
        self.head = hash;
        Ok(Appended {
            height: event.height,
            hash,
            bytes,
        })
    }

    /// The server's signed head of the chain as it is now.
    pub fn sign_head(&self, server: &SigningKey) -> SignedHead {
        SignedHead::sign(self.fingerprint, self.height, self.head, server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::keys::PublicKey;
    use crate::board::seal::Seal;
    use crate::board::testkit::Fixture;

    #[test]
    fn the_genesis_hash_is_the_fingerprint_and_events_follow_the_head() {
        let f = Fixture::new();
        let (mut chain, g) = Chain::start(f.genesis.clone()).unwrap();
        assert_eq!(chain.fingerprint(), g.hash);
        assert_eq!(g.hash, f.genesis_event().hash());
        let seal = chain.next(Payload::Seal(Seal::sign(&g.hash, &f.batonnier)));
        assert_eq!((seal.height, seal.parent), (1, g.hash));
        let a = chain.append(&seal).unwrap();
        assert_eq!((chain.height(), chain.head()), (1, a.hash));
        let head = chain.sign_head(&f.server);
        head.verify(&PublicKey::of(&f.server)).unwrap();
        assert_eq!((head.height, head.head), (1, a.hash));
    }

    #[test]
    fn an_event_with_a_wrong_height_or_parent_or_a_second_genesis_is_not_appended() {
        let f = Fixture::new();
        let (mut chain, g) = Chain::start(f.genesis.clone()).unwrap();
        let mut e = chain.next(Payload::Seal(Seal::sign(&g.hash, &f.batonnier)));
        e.height = 2;
        assert_eq!(
            chain.append(&e),
            Err(AppendError::Height {
                expected: 1,
                found: 2
            })
        );
        e.height = 1;
        e.parent = Hash32([9; 32]);
        assert!(matches!(chain.append(&e), Err(AppendError::Parent { .. })));
        let g2 = chain.next(Payload::Genesis(Box::new(f.genesis.clone())));
        assert_eq!(chain.append(&g2), Err(AppendError::GenesisAgain));
        assert_eq!(chain.height(), 0);
    }

    #[test]
    fn an_invalid_genesis_does_not_start_a_chain() {
        let mut g = Fixture::new().genesis;
        g.bureau.threshold = 0;
        assert!(matches!(Chain::start(g), Err(AppendError::Genesis(m)) if m.contains("threshold")));
    }

    #[test]
    fn a_resumed_chain_continues_where_it_stopped() {
        let f = Fixture::new();
        let (chain, _) = Chain::start(f.genesis.clone()).unwrap();
        let again = Chain::resume(chain.fingerprint(), chain.height(), chain.head());
        assert_eq!(again, chain);
    }
}

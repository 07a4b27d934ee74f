//! The ballot box: a chain that checks every rule before it appends (docs/protocol.md §Ballot box
//! events). What a single server process, the tests and the known-answer vectors use; a server
//! on a shared database applies the same rules in its transactions and uses [`super::Chain`].

use super::chain::Appended;
use super::check_error::ChainError;
use super::checker::{BallotVerifier, ChainChecker, CheckedEvent};
use super::event::Event;
use super::genesis::Genesis;
use super::head::SignedHead;
use super::payload::Payload;
use crate::encoding::Hash32;
use ed25519_dalek::SigningKey;

/// A checked, growing chain.
#[derive(Debug, Clone)]
pub struct BallotBox {
    checker: ChainChecker,
}

impl BallotBox {
    /// A ballot box with its genesis (height 0).
    pub fn new(genesis: Genesis) -> Result<(Self, Appended), ChainError> {
        let mut b = BallotBox {
            checker: ChainChecker::new(),
        };
        let event = Event {
            height: 0,
            parent: Hash32::default(),
            payload: Payload::Genesis(Box::new(genesis)),
        };
        let appended = b.push(&event.encode(), &mut refuse_ballots)?;
        Ok((b, appended))
    }

    /// Rebuilds a ballot box from stored events (in order), checking them all.
    pub fn replay<'a>(
        events: impl IntoIterator<Item = &'a [u8]>,
        verifier: &mut impl BallotVerifier,
    ) -> Result<Self, ChainError> {
        let mut b = BallotBox {
            checker: ChainChecker::new(),
        };
        for bytes in events {
            b.checker.push(bytes, verifier)?;
        }
        b.checker.finish()?;
        Ok(b)
    }

    /// Appends the next event carrying `payload` if it keeps every rule; a ballot is checked by
    /// `verifier` first. Nothing changes on error.
    pub fn append(
        &mut self,
        payload: Payload,
        verifier: &mut impl BallotVerifier,
    ) -> Result<Appended, ChainError> {
        let (height, parent) = match self.checker.head() {
            Some((h, hash)) => (h + 1, hash),
            None => (0, Hash32::default()),
        };
        let event = Event {
            height,
            parent,
            payload,
        };
        self.push(&event.encode(), verifier)
    }

    fn push(
        &mut self,
        bytes: &[u8],
        verifier: &mut impl BallotVerifier,
    ) -> Result<Appended, ChainError> {
        let CheckedEvent { height, hash, .. } = self.checker.push(bytes, verifier)?;
        Ok(Appended {
            height,
            hash,
            bytes: bytes.to_vec(),
        })
    }

    /// The election fingerprint.
    pub fn fingerprint(&self) -> Hash32 {
        self.checker.fingerprint().unwrap_or_default()
    }

    /// Height and hash of the last event.
    pub fn head(&self) -> (u64, Hash32) {
        self.checker.head().unwrap_or_default()
    }

    /// The state of the credentials, phase and genesis.
    pub fn checker(&self) -> &ChainChecker {
        &self.checker
    }

    /// The server's signed head of the ballot box as it is now.
    pub fn sign_head(&self, server: &SigningKey) -> SignedHead {
        let (height, head) = self.head();
        SignedHead::sign(self.fingerprint(), height, head, server)
    }
}

/// The genesis carries no ballot.
fn refuse_ballots(b: &super::checker::BallotToVerify<'_>) -> Result<(), String> {
    Err(format!("bulletin inattendu à la hauteur {}", b.height))
}

//! The ballot box: an append-only chain of typed, hash-chained events (docs/protocol.md §Ballot box
//! events, DESIGN §5).
//!
//! Every event is `{height, parent, kind, payload}` in the canonical encoding
//! ([`crate::encoding`]); its hash is `tagged_hash("URNE-V1-event", [encoding])`. Height 0 is the
//! [`Genesis`], whose hash is the **election fingerprint**; every later event names the hash of
//! the one before it. The server appends ([`Chain`], [`BallotBox`]); the verifier and the tally
//! replay the chain with [`ChainChecker`], which enforces every rule that does not need the
//! cryptography of ballots and decryptions, and hands each ballot to a caller-supplied
//! [`BallotVerifier`] for the rest.
//!
//! Payloads that carry a cryptographic object (a ballot, the encrypted tally, a partial decryption,
//! the DKG transcript) store that object's canonical bytes as produced by `crate::crypto`; this
//! module never interprets them.

mod ballot;
mod ballot_box;
mod canonical_json;
mod chain;
mod check_error;
mod checker;
mod close;
mod encrypted_tally;
mod event;
mod genesis;
mod head;
mod keys;
mod kind;
mod partial_decryption;
mod payload;
mod proxy;
mod pv_signature;
mod receipt;
mod reissue;
mod result;
mod seal;

#[cfg(test)]
pub(crate) mod testkit;

pub use ballot::BallotCast;
pub use ballot_box::BallotBox;
pub use canonical_json::{
    CanonicalJsonError, canonical_json, canonical_json_value, check_canonical_json,
};
pub use chain::{AppendError, Chain};
pub use check_error::ChainError;
pub use checker::{
    BallotToVerify, BallotVerifier, ChainChecker, ChainSummary, CheckedEvent, CredentialOrigin,
    Phase,
};
pub use close::{Close, CloseReason};
pub use encrypted_tally::EncryptedTally;
pub use event::{Event, event_hash};
pub use genesis::{Bureau, CredentialEntry, Genesis, PROTOCOL_VERSION, Right, credential_root};
pub use head::{SIGNED_HEAD_LEN, SignedHead};
pub use keys::{PublicKey, SignatureBytes, sign, signed_message};
pub use kind::EventKind;
pub use partial_decryption::PartialDecryption;
pub use payload::Payload;
pub use proxy::ProxyCredential;
pub use pv_signature::PvSignature;
pub use receipt::{RECEIPT_FORMAT, Receipt, ReceiptError};
pub use reissue::CredentialReissue;
pub use result::ResultEvent;
pub use seal::Seal;

/// Domain separators of the ballot box (docs/protocol.md §Ballot box events). Every hash and every
/// signed message of this module starts with one of these, and every signed message also binds
/// the election fingerprint, so that no signature can be replayed for another purpose or
/// another election.
pub mod domain {
    /// Hash of an event: `tagged_hash(EVENT, [event encoding])`.
    pub const EVENT: &str = "URNE-V1-event";
    /// Root hash of the credential list of the genesis.
    pub const CREDENTIALS: &str = "URNE-V1-credentials";
    /// The bâtonnier's seal of the election fingerprint.
    pub const SEAL: &str = "URNE-V1-seal";
    /// The mandataire's endorsement of a proxy credential.
    pub const PROXY_ENDORSEMENT: &str = "URNE-V1-proxy-endorsement";
    /// The ordre's authorisation of a proxy.
    pub const PROXY_AUTHORISATION: &str = "URNE-V1-proxy-authorisation";
    /// The ordre's reissue of a lost code.
    pub const REISSUE: &str = "URNE-V1-reissue";
    /// The ordre's close of the vote.
    pub const CLOSE: &str = "URNE-V1-close";
    /// The server's signed chain head.
    pub const HEAD: &str = "URNE-V1-head";
    /// The server's receipt of a ballot.
    pub const RECEIPT: &str = "URNE-V1-receipt";
    /// A bureau member's signature of the procès-verbal.
    pub const PV: &str = "URNE-V1-pv";
}

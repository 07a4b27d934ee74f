//! The cryptographic core (docs/protocol.md §3–§8).
//!
//! - [`code`]: the elector's personal confidential code (generation, normalisation, check character);
//! - [`credential`]: argon2id derivation of the ed25519 voting credential and the login token;
//! - [`group`]: canonical encodings of Ristretto255 points and scalars, Fiat–Shamir challenges;
//! - [`elgamal`]: exponential ElGamal ciphertexts under the election key;
//! - [`proof_bit`], [`proof_range`]: the 0/1 proof per option and per blank, and the proof that a
//!   contest is either blank or has 1 to `max` selections;
//! - [`ballot`]: the encrypted, proven and signed ballot and its tracker;
//! - [`proof_dlog`], [`proof_dleq`]: Schnorr and Chaum–Pedersen proofs;
//! - [`dkg`]: the bureau's key generation (bâtonnier key + t-of-n scrutateurs' threshold key);
//! - [`tally`]: the weighted homomorphic sum `Σ wᵢ·Cᵢ` per contest (options and blank);
//! - [`decryption`]: partial decryptions, their verification and combination;
//! - [`dlog`]: the discrete logarithm of the decrypted counts (baby-step giant-step, bounded per
//!   contest by its total weight).
//!
//! Randomness is always a parameter (`&mut impl CryptoRng`): the core never reads OS randomness,
//! so it builds for `wasm32-unknown-unknown` and tests are deterministic with seeded generators.

pub mod ballot;
pub mod batch;
pub mod code;
pub mod credential;
pub mod decryption;
pub mod dkg;
pub mod dlog;
pub mod elgamal;
pub mod group;
mod or_proof;
pub mod proof_bit;
pub mod proof_dleq;
pub mod proof_dlog;
pub mod proof_range;
pub mod tally;

pub use group::{Point, Scalar};

/// Errors of the cryptographic core, in French for the bureau and the elector (the message names
/// the field or the participant at fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// A value could not be decoded.
    #[error(transparent)]
    Decode(#[from] crate::encoding::DecodeError),
    /// A proof, signature or consistency check failed; the string names what failed.
    #[error("vérification échouée : {0}")]
    Invalid(String),
    /// The caller asked for something impossible (e.g. more selections than allowed).
    #[error("demande invalide : {0}")]
    Usage(String),
}

impl CryptoError {
    pub(crate) fn invalid(what: impl Into<String>) -> Self {
        CryptoError::Invalid(what.into())
    }
    pub(crate) fn usage(what: impl Into<String>) -> Self {
        CryptoError::Usage(what.into())
    }
}

/// Domain separators (docs/protocol.md §Domain separators). Every hash, transcript and signature
/// of Urne starts with one of these, so that no value can be reused for another purpose.
pub mod domain {
    /// Argon2id salt derived from the election campaign id.
    pub const CREDENTIAL_SALT: &str = "URNE-V1-credential-salt";
    /// Credential signing-key seed from the argon2id output.
    pub const CREDENTIAL_KEY: &str = "URNE-V1-credential-key";
    /// Login token from the argon2id output.
    pub const LOGIN_TOKEN: &str = "URNE-V1-login-token";
    /// What the server stores: the hash of the login token.
    pub const LOGIN_TOKEN_HASH: &str = "URNE-V1-login-token-hash";
    /// Seed of a proxy credential, from the mandataire's credential and the mandant's public key.
    pub const PROXY_CREDENTIAL: &str = "URNE-V1-proxy-credential";
    /// Merlin transcript of the proofs inside a ballot.
    pub const BALLOT: &[u8] = b"URNE-V1-ballot";
    /// Message signed by the credential over the ballot content.
    pub const BALLOT_SIGNATURE: &str = "URNE-V1-ballot-signature";
    /// Ballot tracker: hash of the full canonical ballot bytes.
    pub const TRACKER: &str = "URNE-V1-tracker";
    /// Seed of the batch-verification weights.
    pub const BATCH: &str = "URNE-V1-batch";
    /// Merlin transcript of DKG proofs of knowledge.
    pub const DKG: &[u8] = b"URNE-V1-dkg";
    /// Pad of an encrypted DKG share.
    pub const DKG_SHARE: &str = "URNE-V1-dkg-share";
    /// Merlin transcript of partial-decryption proofs.
    pub const DECRYPT: &[u8] = b"URNE-V1-decrypt";
    /// Merlin transcript of DKG complaint proofs (revealed shared keys).
    pub const DKG_COMPLAINT: &[u8] = b"URNE-V1-dkg-complaint";
}

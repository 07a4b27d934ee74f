//! The seal: the bâtonnier's signature of the election fingerprint, so that anyone can check the
//! bâtonnier approved exactly this genesis (docs/protocol.md §Ballot box events, "Seal").

use super::domain;
use super::keys::{SignatureBytes, sign, signed_message};
use crate::encoding::{DecodeError, Hash32, Reader, Writer};
use ed25519_dalek::SigningKey;

/// The seal payload (height 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seal {
    /// The bâtonnier's signature of `tagged_hash("URNE-V1-seal", [fingerprint])`.
    pub signature: SignatureBytes,
}

impl Seal {
    /// The signed message.
    pub fn message(fingerprint: &Hash32) -> Hash32 {
        signed_message(domain::SEAL, fingerprint, &[])
    }

    /// The bâtonnier seals the election of `fingerprint`.
    pub fn sign(fingerprint: &Hash32, batonnier: &SigningKey) -> Self {
        Seal {
            signature: sign(batonnier, &Self::message(fingerprint)),
        }
    }

    /// The canonical encoding: the 64-byte signature.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.fixed(&self.signature.0);
        w.into_bytes()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let signature = SignatureBytes::read(&mut r, "seal.signature")?;
        r.finish("seal")?;
        Ok(Seal { signature })
    }
}

//! A bureau member's signature of the procès-verbal (art. 28: the PV is « signé par le bâtonnier
//! et les scrutateurs »; docs/protocol.md §Ballot box events, "PvSignature").

use super::domain;
use super::keys::{PublicKey, SignatureBytes, sign, signed_message};
use crate::encoding::{DecodeError, Hash32, Reader, Writer};
use ed25519_dalek::SigningKey;

/// The PV signature payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PvSignature {
    /// The bureau member: 0 = the bâtonnier, `i ≥ 1` = the genesis's `scrutateurs[i - 1]`.
    pub member: u32,
    /// The member's key (must equal the genesis's key of that member).
    pub public_key: PublicKey,
    /// The hash of the procès-verbal document (defined by the PV module).
    pub pv_hash: Hash32,
    /// Signature of `tagged_hash("URNE-V1-pv", [fingerprint, pv_hash])`.
    pub signature: SignatureBytes,
}

impl PvSignature {
    /// What a member signs.
    pub fn message(fingerprint: &Hash32, pv_hash: &Hash32) -> Hash32 {
        signed_message(domain::PV, fingerprint, &[&pv_hash.0])
    }

    /// Member `member` signs the PV of hash `pv_hash`.
    pub fn sign(fingerprint: &Hash32, member: u32, pv_hash: Hash32, key: &SigningKey) -> Self {
        PvSignature {
            member,
            public_key: PublicKey::of(key),
            pv_hash,
            signature: sign(key, &Self::message(fingerprint, &pv_hash)),
        }
    }

    /// The canonical encoding: member, key, PV hash, signature.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u32(self.member)
            .fixed(&self.public_key.0)
            .fixed(&self.pv_hash.0)
            .fixed(&self.signature.0);
        w.into_bytes()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let p = PvSignature {
            member: r.u32("pv_signature.member")?,
            public_key: PublicKey::read(&mut r, "pv_signature.public_key")?,
            pv_hash: Hash32(r.fixed("pv_signature.pv_hash")?),
            signature: SignatureBytes::read(&mut r, "pv_signature.signature")?,
        };
        r.finish("pv_signature")?;
        Ok(p)
    }
}

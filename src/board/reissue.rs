//! A credential reissue: an elector lost the code, the ordre sends a new one (docs/protocol.md
//! §Ballot box events, "CredentialReissue"). The old credential is revoked; the new one has the
//! same rights. A credential that has voted is never reissued: a vote is final.

use super::domain;
use super::keys::{PublicKey, SignatureBytes, sign, signed_message};
use crate::encoding::{DecodeError, Hash32, Reader, Writer};
use ed25519_dalek::SigningKey;

/// The reissue payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialReissue {
    /// The credential revoked.
    pub old: PublicKey,
    /// The credential that replaces it.
    pub new: PublicKey,
    /// The ordre's signature of `tagged_hash("URNE-V1-reissue", [fingerprint, old, new])`.
    pub signature: SignatureBytes,
}

impl CredentialReissue {
    /// What the ordre signs.
    pub fn message(fingerprint: &Hash32, old: &PublicKey, new: &PublicKey) -> Hash32 {
        signed_message(domain::REISSUE, fingerprint, &[&old.0, &new.0])
    }

    /// The ordre reissues `old` as `new`.
    pub fn sign(fingerprint: &Hash32, old: PublicKey, new: PublicKey, ordre: &SigningKey) -> Self {
        CredentialReissue {
            old,
            new,
            signature: sign(ordre, &Self::message(fingerprint, &old, &new)),
        }
    }

    /// The canonical encoding: old key, new key, signature.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.fixed(&self.old.0)
            .fixed(&self.new.0)
            .fixed(&self.signature.0);
        w.into_bytes()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let p = CredentialReissue {
            old: PublicKey::read(&mut r, "reissue.old")?,
            new: PublicKey::read(&mut r, "reissue.new")?,
            signature: SignatureBytes::read(&mut r, "reissue.signature")?,
        };
        r.finish("reissue")?;
        Ok(p)
    }
}

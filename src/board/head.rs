//! The server's signed chain head (docs/protocol.md §Receipts and signed heads).

use super::domain;
use super::keys::{PublicKey, SignatureBytes, sign, signed_message};
use crate::encoding::{DecodeError, Hash32, Reader, Writer};
use ed25519_dalek::SigningKey;

/// The server's statement "the chain of election `fingerprint` has, at `height`, the event of
/// hash `head`". Published at every receipt and at the end of the archive; two signed heads of
/// one height with different hashes prove the server forked the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedHead {
    /// The election fingerprint.
    pub fingerprint: Hash32,
    /// Height of the last event.
    pub height: u64,
    /// Hash of the last event.
    pub head: Hash32,
    /// The server's signature of `tagged_hash("URNE-V1-head", [fingerprint, height (u64 LE), head])`.
    pub signature: SignatureBytes,
}

/// Length of the binary encoding: 32 + 8 + 32 + 64.
pub const SIGNED_HEAD_LEN: usize = 136;

impl SignedHead {
    /// The signed message.
    pub fn message(fingerprint: &Hash32, height: u64, head: &Hash32) -> Hash32 {
        signed_message(domain::HEAD, fingerprint, &[&height.to_le_bytes(), &head.0])
    }

    /// The server signs a head.
    pub fn sign(fingerprint: Hash32, height: u64, head: Hash32, server: &SigningKey) -> Self {
        SignedHead {
            fingerprint,
            height,
            head,
            signature: sign(server, &Self::message(&fingerprint, height, &head)),
        }
    }

    /// Checks the signature against the server key (from the genesis).
    pub fn verify(&self, server: &PublicKey) -> Result<(), String> {
        if server.verifies(
            &Self::message(&self.fingerprint, self.height, &self.head),
            &self.signature,
        ) {
            Ok(())
        } else {
            Err(format!(
                "signature du serveur invalide sur la tête de hauteur {}",
                self.height
            ))
        }
    }

    /// The canonical encoding: fingerprint, height, head, signature (136 bytes).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.fixed(&self.fingerprint.0)
            .u64(self.height)
            .fixed(&self.head.0)
            .fixed(&self.signature.0);
        w.into_bytes()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let h = SignedHead {
            fingerprint: Hash32(r.fixed("head.fingerprint")?),
            height: r.u64("head.height")?,
            head: Hash32(r.fixed("head.head")?),
            signature: SignatureBytes::read(&mut r, "head.signature")?,
        };
        r.finish("head")?;
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::testkit::key;

    #[test]
    fn a_signed_head_verifies_and_any_altered_field_does_not() {
        let k = key("server");
        let pk = PublicKey::of(&k);
        let h = SignedHead::sign(Hash32([1; 32]), 5, Hash32([2; 32]), &k);
        h.verify(&pk).unwrap();
        assert_eq!(SignedHead::decode(&h.encode()).unwrap(), h);
        assert_eq!(h.encode().len(), SIGNED_HEAD_LEN);
        let mut a = h;
        a.fingerprint.0[3] ^= 1;
        assert!(a.verify(&pk).is_err());
        let mut a = h;
        a.height += 1;
        assert!(a.verify(&pk).is_err());
        let mut a = h;
        a.head.0[0] ^= 1;
        assert!(a.verify(&pk).is_err());
        let mut a = h;
        a.signature.0[10] ^= 1;
        assert!(a.verify(&pk).is_err());
        assert!(h.verify(&PublicKey::of(&key("other"))).is_err());
    }

    #[test]
    fn a_signed_head_round_trips_through_json() {
        let h = SignedHead::sign(Hash32([1; 32]), 5, Hash32([2; 32]), &key("server"));
        let json = serde_json::to_string(&h).unwrap();
        assert!(json.contains(&"01".repeat(32)), "{json}");
        assert_eq!(serde_json::from_str::<SignedHead>(&json).unwrap(), h);
    }
}

//! Ed25519 public keys and signatures as they appear in events, and the domain-separated messages
//! every signature of the ballot box is over (docs/protocol.md §Ballot box events, "Signatures").

use crate::encoding::{DecodeError, Hash32, Reader, hex, tagged_hash, unhex};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

/// An ed25519 public key (32 bytes, RFC 8032 encoding).
///
/// Decoding accepts only canonical encodings of points that are not of small order: a key that
/// decodes is a key `verify_strict` can check against, and it has exactly one byte form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey(pub [u8; 32]);

impl PublicKey {
    /// The public key of a signing key.
    pub fn of(key: &SigningKey) -> Self {
        PublicKey(key.verifying_key().to_bytes())
    }

    /// The dalek verifying key, if these bytes are a canonical encoding of a point of large order.
    pub fn verifying_key(&self) -> Result<VerifyingKey, String> {
        let vk = VerifyingKey::from_bytes(&self.0)
            .map_err(|_| "clé publique ed25519 invalide (point non décompressable)".to_owned())?;
        if !is_canonical_encoding(&self.0) {
            return Err("clé publique ed25519 non canonique".to_owned());
        }
        if vk.is_weak() {
            return Err("clé publique ed25519 faible (point d'ordre faible)".to_owned());
        }
        Ok(vk)
    }

    /// Reads a key and checks it (see [`PublicKey::verifying_key`]); errors name `field`.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        let start = r.position();
        let key = PublicKey(r.fixed(field)?);
        key.verifying_key().map_err(|reason| DecodeError {
            field: field.to_owned(),
            offset: start,
            reason,
        })?;
        Ok(key)
    }

    /// `verify_strict` of `signature` over the 32-byte `message`.
    pub fn verifies(&self, message: &Hash32, signature: &SignatureBytes) -> bool {
        match self.verifying_key() {
            Ok(vk) => vk
                .verify_strict(&message.0, &Signature::from_bytes(&signature.0))
                .is_ok(),
            Err(_) => false,
        }
    }

    /// Lower-case hexadecimal, 64 characters.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Parses 64 hexadecimal characters (the key is not checked: see [`PublicKey::verifying_key`]).
    pub fn from_hex(s: &str) -> Result<Self, String> {
        let bytes = unhex(s)?;
        let n = bytes.len();
        Ok(PublicKey(bytes.try_into().map_err(|_| {
            format!("clé publique : 32 octets attendus, {n} reçus")
        })?))
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Whether the encoding of a point that decompresses is the one its compression gives back,
/// decided on the bytes (no field inversion: the genesis holds one key per elector, and the
/// verifier reads every one). An encoding is `y` (255 bits, little-endian) and the sign of `x`
/// (top bit). Compression writes `y mod p` (`p = 2^255 − 19`) and the sign of `x`, which is 0
/// when `x = 0`; so the encoding is canonical iff `y < p`, and the sign bit is clear when
/// `x = 0`, i.e. when `y = ±1`.
fn is_canonical_encoding(bytes: &[u8; 32]) -> bool {
    let sign = bytes[31] >> 7;
    let mut y = *bytes;
    y[31] &= 0x7f;
    // y ≥ p: the top byte 0x7f, thirty 0xff, and the low byte at least 0xed.
    let at_least_p = y[31] == 0x7f && y[1..31].iter().all(|&b| b == 0xff) && y[0] >= 0xed;
    let mut one = [0u8; 32];
    one[0] = 1;
    let mut minus_one = [0xffu8; 32];
    minus_one[0] = 0xec;
    minus_one[31] = 0x7f;
    let x_is_zero = y == one || y == minus_one;
    !(at_least_p || (sign == 1 && x_is_zero))
}

/// An ed25519 signature (64 bytes, `R ‖ S`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SignatureBytes(pub [u8; 64]);

impl SignatureBytes {
    /// Reads 64 bytes. Their validity is decided by `verify_strict` when the signature is checked.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        Ok(SignatureBytes(r.fixed(field)?))
    }

    /// Lower-case hexadecimal, 128 characters.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }
}

impl std::fmt::Debug for SignatureBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignatureBytes({})", self.to_hex())
    }
}

impl serde::Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PublicKey::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for SignatureBytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for SignatureBytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let bytes = unhex(&s).map_err(serde::de::Error::custom)?;
        let n = bytes.len();
        let arr: [u8; 64] = bytes.try_into().map_err(|_| {
            serde::de::Error::custom(format!("signature : 64 octets attendus, {n} reçus"))
        })?;
        Ok(SignatureBytes(arr))
    }
}

/// The message signed for `purpose` (one of [`super::domain`]):
/// `tagged_hash(purpose, [fingerprint, parts…])`.
pub fn signed_message(purpose: &str, fingerprint: &Hash32, parts: &[&[u8]]) -> Hash32 {
    let mut all: Vec<&[u8]> = Vec::with_capacity(parts.len() + 1);
    all.push(&fingerprint.0);
    all.extend_from_slice(parts);
    tagged_hash(purpose, &all)
}

/// Signs the 32-byte `message` (as built by [`signed_message`]).
pub fn sign(key: &SigningKey, message: &Hash32) -> SignatureBytes {
    SignatureBytes(key.sign(&message.0).to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::testkit::key;
    use crate::encoding::Writer;

    #[test]
    fn a_signature_verifies_only_for_its_message_and_key() {
        let k = key("a");
        let other = key("b");
        let fp = Hash32([1; 32]);
        let m = signed_message("URNE-V1-seal", &fp, &[]);
        let sig = sign(&k, &m);
        assert!(PublicKey::of(&k).verifies(&m, &sig));
        assert!(!PublicKey::of(&other).verifies(&m, &sig));
        let m2 = signed_message("URNE-V1-close", &fp, &[]);
        assert!(!PublicKey::of(&k).verifies(&m2, &sig));
        let m3 = signed_message("URNE-V1-seal", &Hash32([2; 32]), &[]);
        assert!(!PublicKey::of(&k).verifies(&m3, &sig));
    }

    #[test]
    fn the_byte_canonicity_check_agrees_with_recompression() {
        let same = |bytes: [u8; 32]| {
            if let Ok(vk) = VerifyingKey::from_bytes(&bytes) {
                assert_eq!(
                    is_canonical_encoding(&bytes),
                    vk.to_edwards().compress().to_bytes() == bytes,
                    "{}",
                    hex(&bytes)
                );
            }
        };
        // Every encoding near p, near 0, ±1, with either sign bit.
        for sign in [0u8, 0x80] {
            for low in 0u8..=255 {
                let mut near_p = [0xffu8; 32];
                near_p[31] = 0x7f | sign;
                near_p[0] = low;
                same(near_p);
                let mut small = [0u8; 32];
                small[0] = low;
                small[31] = sign;
                same(small);
            }
        }
        // And many pseudo-random ones.
        for i in 0u32..20_000 {
            same(tagged_hash("URNE-V1-test-canonical", &[&i.to_le_bytes()]).0);
        }
    }

    #[test]
    fn a_small_order_key_is_refused_at_decoding() {
        // The identity point (y = 1) has order 1.
        let mut id = [0u8; 32];
        id[0] = 1;
        let mut w = Writer::new();
        w.fixed(&id);
        let err = PublicKey::read(&mut Reader::new(w.as_bytes()), "k").unwrap_err();
        assert!(err.reason.contains("faible"), "{err}");
    }

    #[test]
    fn a_non_canonical_key_encoding_is_refused_at_decoding() {
        // y = p + δ (little-endian: 0xed + δ, 0xff × 30, 0x7f) encodes the same y as δ; the
        // canonicity check comes before the small-order one, so such a key is named non-canonical.
        let mut found = false;
        for delta in 0u8..19 {
            let mut bytes = [0xffu8; 32];
            bytes[31] = 0x7f;
            bytes[0] = 0xed + delta;
            if VerifyingKey::from_bytes(&bytes).is_ok() {
                let err = PublicKey::read(&mut Reader::new(&bytes), "k").unwrap_err();
                assert!(err.reason.contains("non canonique"), "{err}");
                found = true;
            }
        }
        assert!(found, "no decompressable non-canonical encoding found");
        let k = PublicKey::of(&key("a")).0;
        assert!(PublicKey::read(&mut Reader::new(&k), "k").is_ok());
    }

    #[test]
    fn bytes_that_are_not_a_point_are_refused_at_decoding() {
        let mut bad = None;
        for b in 2u8..=255 {
            let bytes = [b; 32];
            if VerifyingKey::from_bytes(&bytes).is_err() {
                bad = Some(bytes);
                break;
            }
        }
        let bytes = bad.unwrap();
        let err = PublicKey::read(&mut Reader::new(&bytes), "genesis.ordre").unwrap_err();
        assert_eq!(err.field, "genesis.ordre");
        assert!(err.reason.contains("décompressable"), "{err}");
    }
}

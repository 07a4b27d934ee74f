//! Ristretto255 points and scalars: canonical encodings and Fiat–Shamir challenges
//! (docs/protocol.md §Group).
//!
//! A point is the 32-byte Ristretto255 encoding (RFC 9496), which is canonical by construction:
//! decoding refuses any string that is not the unique encoding of a group element. A scalar is
//! 32 bytes little-endian and must be fully reduced modulo the group order ℓ.

use crate::encoding::{DecodeError, Reader, Writer};
use curve25519_dalek::ristretto::CompressedRistretto;
pub use curve25519_dalek::ristretto::RistrettoPoint as Point;
pub use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use rand_core::CryptoRng;

/// The standard generator `G` of Ristretto255.
pub const G: Point = curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;

/// Appends a point (32 bytes).
pub fn write_point(w: &mut Writer, p: &Point) {
    w.fixed(p.compress().as_bytes());
}

/// Appends a scalar (32 bytes, canonical).
pub fn write_scalar(w: &mut Writer, s: &Scalar) {
    w.fixed(s.as_bytes());
}

/// Reads a point, refusing non-canonical or invalid encodings.
pub fn read_point(r: &mut Reader<'_>, field: &str) -> Result<Point, DecodeError> {
    let start = r.position();
    let bytes: [u8; 32] = r.fixed(field)?;
    CompressedRistretto(bytes)
        .decompress()
        .ok_or_else(|| DecodeError {
            field: field.to_owned(),
            offset: start,
            reason: "point Ristretto255 invalide ou non canonique".to_owned(),
        })
}

/// Reads a point that must not be the identity (public keys).
pub fn read_public_key(r: &mut Reader<'_>, field: &str) -> Result<Point, DecodeError> {
    let start = r.position();
    let p = read_point(r, field)?;
    if p.is_identity() {
        return Err(DecodeError {
            field: field.to_owned(),
            offset: start,
            reason: "clé publique égale à l'élément neutre".to_owned(),
        });
    }
    Ok(p)
}

/// Reads a scalar, refusing values not reduced modulo ℓ.
pub fn read_scalar(r: &mut Reader<'_>, field: &str) -> Result<Scalar, DecodeError> {
    let start = r.position();
    let bytes: [u8; 32] = r.fixed(field)?;
    Option::<Scalar>::from(Scalar::from_canonical_bytes(bytes)).ok_or_else(|| DecodeError {
        field: field.to_owned(),
        offset: start,
        reason: "scalaire non canonique (≥ ℓ)".to_owned(),
    })
}

/// A point together with its canonical encoding, so that proofs are hashed from the received bytes
/// without re-encoding (compressing a Ristretto point costs an inverse square root).
#[derive(Clone, Copy, Debug)]
pub struct Encoded {
    /// The point.
    pub point: Point,
    /// Its 32-byte encoding.
    pub bytes: [u8; 32],
}

impl PartialEq for Encoded {
    fn eq(&self, o: &Self) -> bool {
        self.bytes == o.bytes
    }
}
impl Eq for Encoded {}

impl Encoded {
    /// Encodes `point`.
    pub fn new(point: Point) -> Self {
        Encoded {
            point,
            bytes: point.compress().to_bytes(),
        }
    }
    /// Reads and validates a point.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        let start = r.position();
        let bytes: [u8; 32] = r.fixed(field)?;
        let point = CompressedRistretto(bytes)
            .decompress()
            .ok_or_else(|| DecodeError {
                field: field.to_owned(),
                offset: start,
                reason: "point Ristretto255 invalide ou non canonique".to_owned(),
            })?;
        Ok(Encoded { point, bytes })
    }
    /// Appends the 32 bytes.
    pub fn write(&self, w: &mut Writer) {
        w.fixed(&self.bytes);
    }
}

/// A uniformly random scalar from the caller's generator.
pub fn random_scalar<R: CryptoRng + ?Sized>(rng: &mut R) -> Scalar {
    Scalar::random(rng)
}

/// Merlin transcript helpers: every value is appended with a label, challenges are 64 bytes
/// reduced modulo ℓ.
pub(crate) trait TranscriptExt {
    fn point(&mut self, label: &'static [u8], p: &Point);
    fn compressed(&mut self, label: &'static [u8], p: &[u8; 32]);
    fn u32(&mut self, label: &'static [u8], v: u32);
    fn challenge(&mut self, label: &'static [u8]) -> Scalar;
}

impl TranscriptExt for merlin::Transcript {
    fn point(&mut self, label: &'static [u8], p: &Point) {
        self.append_message(label, p.compress().as_bytes());
    }
    fn compressed(&mut self, label: &'static [u8], p: &[u8; 32]) {
        self.append_message(label, p);
    }
    fn u32(&mut self, label: &'static [u8], v: u32) {
        self.append_message(label, &v.to_le_bytes());
    }
    fn challenge(&mut self, label: &'static [u8]) -> Scalar {
        let mut buf = [0u8; 64];
        self.challenge_bytes(label, &mut buf);
        Scalar::from_bytes_mod_order_wide(&buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_round_trips_and_a_non_canonical_encoding_is_refused() {
        let p = G * Scalar::from(7u64);
        let mut w = Writer::new();
        write_point(&mut w, &p);
        assert_eq!(read_point(&mut Reader::new(w.as_bytes()), "p").unwrap(), p);
        // 2^255 - 1 is not a field element encoding: refused.
        let bad = [0xffu8; 32];
        let err = read_point(&mut Reader::new(&bad), "ballot.alpha").unwrap_err();
        assert_eq!(err.field, "ballot.alpha");
    }

    #[test]
    fn an_unreduced_scalar_is_refused() {
        // ℓ itself is not canonical.
        let l = Scalar::ZERO - Scalar::ONE;
        let mut bytes = *l.as_bytes();
        bytes[0] += 1;
        let err = read_scalar(&mut Reader::new(&bytes), "proof.z").unwrap_err();
        assert!(err.reason.contains("non canonique"), "{err}");
        assert_eq!(read_scalar(&mut Reader::new(l.as_bytes()), "z").unwrap(), l);
    }

    #[test]
    fn the_identity_is_refused_as_a_public_key() {
        let id = [0u8; 32];
        assert!(read_point(&mut Reader::new(&id), "p").is_ok());
        assert!(read_public_key(&mut Reader::new(&id), "key").is_err());
    }
}

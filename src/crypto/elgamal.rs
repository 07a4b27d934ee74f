//! Exponential ElGamal on Ristretto255 (docs/protocol.md §ElGamal).
//!
//! `Enc_Y(m; r) = (α, β) = (r·G, r·Y + m·G)`. Ciphertexts add homomorphically, so the sum of the
//! ballots encrypts the count, and `w·C` encrypts `w·m` (weighted tally).

use super::group::{G, Point, Scalar, read_point, read_public_key, write_point};
use crate::encoding::{DecodeError, Reader, Writer};
use curve25519_dalek::ristretto::RistrettoBasepointTable;
use std::ops::{Add, Mul};

/// The election public key `Y` (bâtonnier key + scrutateurs' threshold key, see [`super::dkg`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ElectionKey(pub Point);

impl ElectionKey {
    /// Appends the 32-byte encoding.
    pub fn write(&self, w: &mut Writer) {
        write_point(w, &self.0);
    }
    /// Reads a key, refusing the identity.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        read_public_key(r, field).map(ElectionKey)
    }
    /// Canonical encoding (32 bytes).
    pub fn encode(&self) -> Vec<u8> {
        self.0.compress().to_bytes().to_vec()
    }
    /// Strict decoding of [`Self::encode`].
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let k = Self::read(&mut r, "election_key")?;
        r.finish("election_key")?;
        Ok(k)
    }
}

/// Precomputed tables for fast fixed-base multiplication by `G` and `Y` (encryption and proofs).
pub struct EncryptionTables {
    /// The key.
    pub key: ElectionKey,
    pub(crate) y_table: RistrettoBasepointTable,
}

impl std::fmt::Debug for EncryptionTables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptionTables")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl EncryptionTables {
    /// Builds the table of `Y`.
    pub fn new(key: ElectionKey) -> Self {
        EncryptionTables {
            key,
            y_table: RistrettoBasepointTable::create(&key.0),
        }
    }
    /// `s·G`.
    pub fn g(&self, s: &Scalar) -> Point {
        Point::mul_base(s)
    }
    /// `s·Y`.
    pub fn y(&self, s: &Scalar) -> Point {
        &self.y_table * s
    }
    /// `Enc_Y(m; r)`.
    pub fn encrypt(&self, m: u64, r: &Scalar) -> Ciphertext {
        Ciphertext {
            alpha: self.g(r),
            beta: self.y(r) + self.g(&Scalar::from(m)),
        }
    }
}

/// An ElGamal ciphertext `(α, β)`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Ciphertext {
    /// `r·G`.
    pub alpha: Point,
    /// `r·Y + m·G`.
    pub beta: Point,
}

impl Ciphertext {
    /// The encryption of 0 with randomness 0 (neutral element of the sum).
    pub fn zero() -> Self {
        Ciphertext {
            alpha: Point::default(),
            beta: Point::default(),
        }
    }
    /// Appends 64 bytes: α then β.
    pub fn write(&self, w: &mut Writer) {
        write_point(w, &self.alpha);
        write_point(w, &self.beta);
    }
    /// Reads 64 bytes; `field` prefixes the field names (`….alpha`, `….beta`).
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        Ok(Ciphertext {
            alpha: read_point(r, &format!("{field}.alpha"))?,
            beta: read_point(r, &format!("{field}.beta"))?,
        })
    }
    /// Canonical encoding (64 bytes).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.write(&mut w);
        w.into_bytes()
    }
    /// Strict decoding of [`Self::encode`].
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let c = Self::read(&mut r, "ciphertext")?;
        r.finish("ciphertext")?;
        Ok(c)
    }
    /// `β − D` where `D = x·α` is the decryption share of the whole key: `m·G`.
    pub fn unblind(&self, d: &Point) -> Point {
        self.beta - d
    }
}

impl Add for Ciphertext {
    type Output = Ciphertext;
    fn add(self, o: Ciphertext) -> Ciphertext {
        Ciphertext {
            alpha: self.alpha + o.alpha,
            beta: self.beta + o.beta,
        }
    }
}

impl Mul<&Scalar> for &Ciphertext {
    type Output = Ciphertext;
    fn mul(self, s: &Scalar) -> Ciphertext {
        Ciphertext {
            alpha: self.alpha * s,
            beta: self.beta * s,
        }
    }
}

/// `m·G`, the plaintext point of `m`.
pub fn plaintext_point(m: u64) -> Point {
    G * Scalar::from(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn ciphertexts_add_and_scale_homomorphically() {
        let mut rng = ChaCha20Rng::from_seed([9; 32]);
        let x = Scalar::random(&mut rng);
        let t = EncryptionTables::new(ElectionKey(Point::mul_base(&x)));
        let c1 = t.encrypt(1, &Scalar::random(&mut rng));
        let c2 = t.encrypt(2, &Scalar::random(&mut rng));
        let sum = &(c1 + c2) * &Scalar::from(5u64);
        assert_eq!(sum.unblind(&(sum.alpha * x)), plaintext_point(15));
        assert_eq!(Ciphertext::decode(&sum.encode()).unwrap(), sum);
    }
}

//! Schnorr proof of knowledge of a discrete logarithm (docs/protocol.md §Schnorr proof).
//!
//! Statement: the prover knows `x` with `X = x·G`. Proof `(c, s)`: `k` random, `R = k·G`,
//! `c = challenge(transcript ‖ X ‖ R)`, `s = k + c·x`. Verification: `R' = s·G − c·X` and
//! `c = challenge(transcript ‖ X ‖ R')`. Used for the bâtonnier's key, the DKG transport keys and
//! the DKG constant-term commitments, each on a transcript naming the ceremony and the participant.

use super::CryptoError;
use super::group::{G, Point, Scalar, TranscriptExt, read_scalar, write_scalar};
use crate::encoding::{DecodeError, Reader, Writer};
use curve25519_dalek::traits::VartimeMultiscalarMul;
use merlin::Transcript;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

/// A Schnorr proof (64 bytes: `c`, `s`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DlogProof {
    /// Challenge.
    pub c: Scalar,
    /// Response.
    pub s: Scalar,
}

impl DlogProof {
    /// Proves knowledge of `x` for `X = x·G`.
    pub fn prove<R: CryptoRng + ?Sized>(
        transcript: &mut Transcript,
        x: &Scalar,
        public: &Point,
        rng: &mut R,
    ) -> Self {
        let k = Zeroizing::new(Scalar::random(rng));
        transcript.point(b"X", public);
        transcript.point(b"R", &Point::mul_base(&k));
        let c = transcript.challenge(b"c");
        DlogProof { c, s: *k + c * x }
    }

    /// Verifies the proof for `X`.
    pub fn verify(&self, transcript: &mut Transcript, public: &Point) -> Result<(), CryptoError> {
        let r = Point::vartime_multiscalar_mul([self.s, -self.c], [G, *public]);
        transcript.point(b"X", public);
        transcript.point(b"R", &r);
        if transcript.challenge(b"c") == self.c {
            Ok(())
        } else {
            Err(CryptoError::invalid("preuve de connaissance (Schnorr)"))
        }
    }

    /// Appends 64 bytes.
    pub fn write(&self, w: &mut Writer) {
        write_scalar(w, &self.c);
        write_scalar(w, &self.s);
    }

    /// Reads 64 bytes.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        Ok(DlogProof {
            c: read_scalar(r, &format!("{field}.c"))?,
            s: read_scalar(r, &format!("{field}.s"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn a_schnorr_proof_verifies_only_on_its_own_transcript_and_key() {
        let mut rng = ChaCha20Rng::from_seed([1; 32]);
        let x = Scalar::random(&mut rng);
        let public = Point::mul_base(&x);
        let p = DlogProof::prove(&mut Transcript::new(b"a"), &x, &public, &mut rng);
        p.verify(&mut Transcript::new(b"a"), &public).unwrap();
        assert!(p.verify(&mut Transcript::new(b"b"), &public).is_err());
        assert!(p.verify(&mut Transcript::new(b"a"), &(public + G)).is_err());
        let mut bad = p;
        bad.s += Scalar::ONE;
        assert!(bad.verify(&mut Transcript::new(b"a"), &public).is_err());
    }
}

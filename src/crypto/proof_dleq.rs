//! Chaum–Pedersen proof of equality of discrete logarithms (docs/protocol.md §Chaum–Pedersen).
//!
//! Statement: the prover knows `x` with `X = x·G` and `D = x·A` (a partial decryption `D` of a
//! ciphertext with first component `A` under the trustee's key `X`; or a DKG shared key). Proof
//! `(c, s)`: `k` random, `R₁ = k·G`, `R₂ = k·A`, `c = challenge(transcript ‖ X ‖ A ‖ D ‖ R₁ ‖ R₂)`,
//! `s = k + c·x`. Verification recomputes `R₁ = s·G − c·X`, `R₂ = s·A − c·D` and the challenge.

use super::CryptoError;
use super::group::{G, Point, Scalar, TranscriptExt, read_scalar, write_scalar};
use crate::encoding::{DecodeError, Reader, Writer};
use curve25519_dalek::traits::VartimeMultiscalarMul;
use merlin::Transcript;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

/// A Chaum–Pedersen proof (64 bytes: `c`, `s`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DleqProof {
    /// Challenge.
    pub c: Scalar,
    /// Response.
    pub s: Scalar,
}

impl DleqProof {
    /// Proves `log_G X = log_A D = x`.
    pub fn prove<R: CryptoRng + ?Sized>(
        transcript: &mut Transcript,
        x: &Scalar,
        public: &Point,
        base: &Point,
        d: &Point,
        rng: &mut R,
    ) -> Self {
        let k = Zeroizing::new(Scalar::random(rng));
        let r1 = Point::mul_base(&k);
        let r2 = base * *k;
        let c = Self::challenge(transcript, public, base, d, &r1, &r2);
        DleqProof { c, s: *k + c * x }
    }

    fn challenge(
        t: &mut Transcript,
        public: &Point,
        base: &Point,
        d: &Point,
        r1: &Point,
        r2: &Point,
    ) -> Scalar {
        t.point(b"X", public);
        t.point(b"A", base);
        t.point(b"D", d);
        t.point(b"R1", r1);
        t.point(b"R2", r2);
        t.challenge(b"c")
    }

    /// Verifies the proof.
    pub fn verify(
        &self,
        transcript: &mut Transcript,
        public: &Point,
        base: &Point,
        d: &Point,
    ) -> Result<(), CryptoError> {
        let r1 = Point::vartime_multiscalar_mul([self.s, -self.c], [G, *public]);
        let r2 = Point::vartime_multiscalar_mul([self.s, -self.c], [*base, *d]);
        if Self::challenge(transcript, public, base, d, &r1, &r2) == self.c {
            Ok(())
        } else {
            Err(CryptoError::invalid(
                "preuve d'égalité de logarithmes (Chaum–Pedersen)",
            ))
        }
    }

    /// Appends 64 bytes.
    pub fn write(&self, w: &mut Writer) {
        write_scalar(w, &self.c);
        write_scalar(w, &self.s);
    }

    /// Reads 64 bytes.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        Ok(DleqProof {
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
    fn a_chaum_pedersen_proof_fails_for_a_wrong_share() {
        let mut rng = ChaCha20Rng::from_seed([1; 32]);
        let x = Scalar::random(&mut rng);
        let a = Point::random(&mut rng);
        let (public, d) = (Point::mul_base(&x), a * x);
        let p = DleqProof::prove(&mut Transcript::new(b"t"), &x, &public, &a, &d, &mut rng);
        p.verify(&mut Transcript::new(b"t"), &public, &a, &d)
            .unwrap();
        assert!(
            p.verify(&mut Transcript::new(b"t"), &public, &a, &(d + G))
                .is_err()
        );
        assert!(
            p.verify(&mut Transcript::new(b"u"), &public, &a, &d)
                .is_err()
        );
    }
}

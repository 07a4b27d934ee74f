//! The 0/1 proof attached to each encrypted option and to the blank of every contest
//! (docs/protocol.md §5.3): the ciphertext encrypts 0 or 1. A two-branch
//! [disjunctive proof](super::or_proof) whose transcript is the contest transcript (election
//! fingerprint, election key, credential, contest index and shape, all ciphertexts including the
//! blank) followed by the option index (or the blank label).
//!
//! Encoding (224 bytes): `a₀ b₀ a₁ b₁` (points), `c₀`, `z₀ z₁` (scalars).

use super::CryptoError;
use super::batch::BatchVerifier;
use super::elgamal::{Ciphertext, EncryptionTables};
use super::group::Scalar;
use super::or_proof::{Coefficients, OrProof};
use crate::encoding::{DecodeError, Reader, Writer};
use merlin::Transcript;
use rand_core::CryptoRng;

/// Encoded size of a [`BitProof`].
pub const BIT_PROOF_LEN: usize = 4 * 32 + 3 * 32;

/// Proof that a ciphertext encrypts 0 or 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BitProof(pub(crate) OrProof);

impl BitProof {
    /// Proves that `Enc(bit; r)` encrypts `bit`.
    pub fn prove<R: CryptoRng + ?Sized>(
        transcript: &mut Transcript,
        tables: &EncryptionTables,
        bit: bool,
        r: &Scalar,
        rng: &mut R,
    ) -> Self {
        BitProof(OrProof::prove(
            transcript,
            tables,
            usize::from(bit),
            r,
            2,
            rng,
        ))
    }

    /// Checks the challenges and adds the equations about `ct` to `batch` (checked by
    /// `batch.verify`).
    pub fn verify(
        &self,
        transcript: &mut Transcript,
        ct: &Ciphertext,
        batch: &mut BatchVerifier,
    ) -> Result<(), CryptoError> {
        let k = self.verify_deferred(transcript, batch)?;
        batch.push(k.alpha, ct.alpha);
        batch.push(k.beta, ct.beta);
        Ok(())
    }

    /// As [`Self::verify`], but leaves the ciphertext's terms to the caller, who adds them with
    /// the returned coefficients (once per ciphertext for all the proofs about it).
    pub(crate) fn verify_deferred(
        &self,
        transcript: &mut Transcript,
        batch: &mut BatchVerifier,
    ) -> Result<Coefficients, CryptoError> {
        self.0
            .verify(transcript, 2, 0, batch)
            .ok_or_else(|| CryptoError::invalid("preuve 0/1 mal formée"))
    }

    /// Appends the 224 bytes.
    pub fn write(&self, w: &mut Writer) {
        self.0.write(w);
    }

    /// Reads 224 bytes; field names are prefixed with `field`.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        OrProof::read(r, field, 2).map(BitProof)
    }
}

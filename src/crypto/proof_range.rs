//! The proof that a contest has between 0 and `max` selections (docs/protocol.md §Range proof):
//! the sum of the option ciphertexts encrypts some `n ∈ {0, …, max}`. A `(max+1)`-branch
//! [disjunctive proof](super::or_proof) over the summed ciphertext, on the contest transcript
//! followed by the label `range`. Blank is `n = 0`, explicit.
//!
//! Encoding: `(a_j, b_j)` for `j = 0..=max`, then `c_j` for `j = 0..max`, then `z_j` for
//! `j = 0..=max` (`max` is the contest's, written before the proof).

use super::CryptoError;
use super::batch::BatchVerifier;
use super::elgamal::{Ciphertext, EncryptionTables};
use super::group::Scalar;
use super::or_proof::OrProof;
use crate::encoding::{DecodeError, Reader, Writer};
use merlin::Transcript;
use rand_core::CryptoRng;

/// Proof that a ciphertext encrypts a number in `[0, max]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeProof(pub(crate) OrProof);

impl RangeProof {
    /// Proves that `Enc(n; r)` encrypts `n ≤ max`; refuses `n > max` (such a proof cannot exist).
    pub fn prove<R: CryptoRng + ?Sized>(
        transcript: &mut Transcript,
        tables: &EncryptionTables,
        n: u32,
        max: u32,
        r: &Scalar,
        rng: &mut R,
    ) -> Result<Self, CryptoError> {
        if n > max {
            return Err(CryptoError::usage(format!(
                "{n} choix sélectionnés, {max} au plus"
            )));
        }
        Ok(RangeProof(OrProof::prove(
            transcript,
            tables,
            n as usize,
            r,
            max as usize + 1,
            rng,
        )))
    }

    /// Checks the challenges and adds the equations to `batch`.
    pub fn verify(
        &self,
        transcript: &mut Transcript,
        sum: &Ciphertext,
        max: u32,
        batch: &mut BatchVerifier,
    ) -> Result<(), CryptoError> {
        if self.0.verify(transcript, sum, max as usize + 1, batch) {
            Ok(())
        } else {
            Err(CryptoError::invalid("preuve d'intervalle mal formée"))
        }
    }

    /// Appends the proof.
    pub fn write(&self, w: &mut Writer) {
        self.0.write(w);
    }

    /// Reads a proof for `max`.
    pub fn read(r: &mut Reader<'_>, field: &str, max: u32) -> Result<Self, DecodeError> {
        OrProof::read(r, field, max as usize + 1).map(RangeProof)
    }
}

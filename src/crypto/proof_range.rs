//! The proof that a contest's ciphertexts make a valid vote (docs/protocol.md §5.3): with `m` the
//! contest's `max`, `b` the blank bit and `k` the number of selected options,
//! `m·b + k ∈ [1, m]`. Every term is separately proven to be a bit, so this holds exactly when the
//! ballot is either blank with no option selected (`b = 1, k = 0`) or not blank with 1 to `m`
//! options (`b = 0, 1 ≤ k ≤ m`).
//!
//! It is an `m`-branch [disjunctive proof](super::or_proof) that
//! `m·blank + Σ options − (0, G)` encrypts a value in `[0, m − 1]` (randomness
//! `m·r_blank + Σ r_o`), on the contest transcript followed by the label `range`. For `m = 1` it
//! is a single Chaum–Pedersen proof that the ciphertext encrypts 0.
//!
//! Encoding: `(a_j, b_j)` for `j = 0..m`, then `c_j` for `j = 0..m−1`, then `z_j` for `j = 0..m`
//! (`m` is the contest's, written before the proof).

use super::CryptoError;
use super::batch::BatchVerifier;
use super::elgamal::{Ciphertext, EncryptionTables};
use super::group::Scalar;
use super::or_proof::{Coefficients, OrProof};
use crate::encoding::{DecodeError, Reader, Writer};
use merlin::Transcript;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

/// Proof that `m·blank + Σ options` is in `[1, m]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeProof(pub(crate) OrProof);

/// What the prover knows about a contest: the blank bit, the number of selected options, and the
/// randomness of the blank and of the options' sum.
#[derive(Clone, Copy)]
#[allow(missing_debug_implementations)] // holds the vote and its randomness: never printed
pub struct RangeWitness<'a> {
    /// Whether the blank ciphertext encrypts 1.
    pub blank: bool,
    /// Number of options encrypting 1.
    pub selections: u32,
    /// Randomness of the blank ciphertext.
    pub r_blank: &'a Scalar,
    /// Sum of the randomness of the option ciphertexts.
    pub r_options: &'a Scalar,
}

impl RangeProof {
    /// Proves the statement for a contest with `max = m`. Refuses, with the French reason, what has
    /// no proof: blank together with a selection, neither blank nor a selection, more than `m`
    /// selections.
    pub fn prove<R: CryptoRng + ?Sized>(
        transcript: &mut Transcript,
        tables: &EncryptionTables,
        witness: RangeWitness<'_>,
        max: u32,
        rng: &mut R,
    ) -> Result<Self, CryptoError> {
        let n = witness.selections;
        if max == 0 {
            return Err(CryptoError::usage("scrutin sans choix possible (max = 0)"));
        }
        if witness.blank && n > 0 {
            return Err(CryptoError::usage(format!(
                "vote blanc et {n} choix sélectionnés à la fois"
            )));
        }
        if !witness.blank && n == 0 {
            return Err(CryptoError::usage("ni vote blanc ni choix sélectionné"));
        }
        if n > max {
            return Err(CryptoError::usage(format!(
                "{n} choix sélectionnés, {max} au plus"
            )));
        }
        // value = m·b + k − 1 ∈ [0, m − 1]; randomness m·r_blank + Σ r_o.
        let value = if witness.blank { max - 1 } else { n - 1 };
        let r = Zeroizing::new(Scalar::from(max) * witness.r_blank + witness.r_options);
        Ok(RangeProof(OrProof::prove(
            transcript,
            tables,
            value as usize,
            &r,
            max as usize,
            rng,
        )))
    }

    /// Checks the challenges and adds the equations to `batch`; `blank` is the contest's blank
    /// ciphertext, `options` the sum of its option ciphertexts.
    pub fn verify(
        &self,
        transcript: &mut Transcript,
        blank: &Ciphertext,
        options: &Ciphertext,
        max: u32,
        batch: &mut BatchVerifier,
    ) -> Result<(), CryptoError> {
        let k = self.verify_deferred(transcript, max, batch)?;
        let m = Scalar::from(max);
        batch.push(k.alpha * m, blank.alpha);
        batch.push(k.beta * m, blank.beta);
        batch.push(k.alpha, options.alpha);
        batch.push(k.beta, options.beta);
        Ok(())
    }

    /// As [`Self::verify`], but leaves the ciphertexts' terms to the caller: with the returned
    /// coefficients `(a, b)`, it adds `m·a·α_b + m·b·β_b` for the blank and `a·α_o + b·β_o` for every
    /// option (the `− (0, G)` is already in the batch).
    pub(crate) fn verify_deferred(
        &self,
        transcript: &mut Transcript,
        max: u32,
        batch: &mut BatchVerifier,
    ) -> Result<Coefficients, CryptoError> {
        if max == 0 {
            return Err(CryptoError::invalid("preuve d'intervalle mal formée"));
        }
        self.0
            .verify(transcript, max as usize, 1, batch)
            .ok_or_else(|| CryptoError::invalid("preuve d'intervalle mal formée"))
    }

    /// Appends the proof.
    pub fn write(&self, w: &mut Writer) {
        self.0.write(w);
    }

    /// Reads a proof for a contest with `max` (`max` branches).
    pub fn read(r: &mut Reader<'_>, field: &str, max: u32) -> Result<Self, DecodeError> {
        OrProof::read(r, field, max as usize).map(RangeProof)
    }
}

//! The disjunctive Chaum–Pedersen proof shared by [`super::proof_bit`] and
//! [`super::proof_range`] (docs/protocol.md §Disjunctive proof).
//!
//! Statement: `(α, β)` encrypts some `m ∈ {0, …, K−1}` under `Y`, i.e. for some `m` there is `r`
//! with `α = r·G` and `β − m·G = r·Y`. One Chaum–Pedersen branch per value `j`, all but the true one
//! simulated (Cramer–Damgård–Schoenmakers), challenges summing to the Fiat–Shamir challenge.
//!
//! Prover, for the true `m`: `w` random, `aₘ = w·G`, `bₘ = w·Y`; for each `j ≠ m`: `cⱼ, zⱼ` random,
//! `aⱼ = zⱼ·G − cⱼ·α`, `bⱼ = zⱼ·Y − cⱼ·(β − j·G)` (computed as `(zⱼ − cⱼr)·G` and
//! `(zⱼ − cⱼr)·Y + cⱼ(j − m)·G` with fixed-base tables). `c = challenge(transcript ‖ a₀ b₀ … )`,
//! `cₘ = c − Σ_{j≠m} cⱼ`, `zₘ = w + cₘ·r`.
//!
//! Verifier: `c_{K−1} = c − Σ_{j<K−1} cⱼ` and, for every `j`, `zⱼ·G = aⱼ + cⱼ·α` and
//! `zⱼ·Y = bⱼ + cⱼ·(β − j·G)`.
//!
//! The verifier does not need the statement's ciphertext `(α, β)` itself: it returns the
//! coefficients with which `α` and `β` enter the batch, so that a caller whose statement is a
//! combination of ciphertexts (the range proof is about `m·blank + Σ options − (0, G)`) adds each
//! ciphertext once, with the sum of its coefficients over all the proofs that use it. The
//! constant `− shift·(0, G)` of such a statement is folded into the `G` term.

use super::batch::BatchVerifier;
use super::elgamal::EncryptionTables;
use super::group::{Encoded, Scalar, TranscriptExt, read_scalar, write_scalar};
use crate::encoding::{DecodeError, Reader, Writer};
use merlin::Transcript;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

/// How the statement's ciphertext `(α, β)` enters the batch: `alpha·α + beta·β`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Coefficients {
    pub alpha: Scalar,
    pub beta: Scalar,
}

/// A proof that a ciphertext encrypts one of `0..K`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OrProof {
    /// `(aⱼ, bⱼ)` for `j = 0..K`.
    pub commitments: Vec<(Encoded, Encoded)>,
    /// `cⱼ` for `j = 0..K−1` (the last one is implied).
    pub challenges: Vec<Scalar>,
    /// `zⱼ` for `j = 0..K`.
    pub responses: Vec<Scalar>,
}

impl OrProof {
    pub fn prove<R: CryptoRng + ?Sized>(
        transcript: &mut Transcript,
        tables: &EncryptionTables,
        m: usize,
        r: &Scalar,
        k: usize,
        rng: &mut R,
    ) -> Self {
        let mut c = vec![Scalar::ZERO; k];
        let mut z = vec![Scalar::ZERO; k];
        let mut commitments = Vec::with_capacity(k);
        let w = Zeroizing::new(Scalar::random(rng));
        let m_s = Scalar::from(m as u64);
        for j in 0..k {
            if j == m {
                commitments.push((Encoded::new(tables.g(&w)), Encoded::new(tables.y(&w))));
            } else {
                c[j] = Scalar::random(rng);
                z[j] = Scalar::random(rng);
                let s = Zeroizing::new(z[j] - c[j] * r);
                let dj = Scalar::from(j as u64) - m_s;
                commitments.push((
                    Encoded::new(tables.g(&s)),
                    Encoded::new(tables.y(&s) + tables.g(&(c[j] * dj))),
                ));
            }
        }
        for (a, b) in &commitments {
            transcript.compressed(b"a", &a.bytes);
            transcript.compressed(b"b", &b.bytes);
        }
        let total = transcript.challenge(b"c");
        let others: Scalar = c.iter().sum();
        c[m] = total - others;
        z[m] = *w + c[m] * r;
        c.truncate(k - 1);
        OrProof {
            commitments,
            challenges: c,
            responses: z,
        }
    }

    /// Checks the shape, derives the challenge and adds the branch equations to `batch`, except
    /// the terms in the statement's ciphertext `(α, β) − shift·(0, G)`: the caller adds
    /// `alpha·α + beta·β` with the returned coefficients. `None` if the proof is malformed.
    pub fn verify(
        &self,
        transcript: &mut Transcript,
        k: usize,
        shift: u64,
        batch: &mut BatchVerifier,
    ) -> Option<Coefficients> {
        if self.commitments.len() != k
            || self.responses.len() != k
            || self.challenges.len() + 1 != k
        {
            return None;
        }
        for (a, b) in &self.commitments {
            transcript.compressed(b"a", &a.bytes);
            transcript.compressed(b"b", &b.bytes);
        }
        let total = transcript.challenge(b"c");
        let last = total - self.challenges.iter().sum::<Scalar>();
        let mut alpha_coef = Scalar::ZERO;
        let mut beta_coef = Scalar::ZERO;
        for j in 0..k {
            let cj = self.challenges.get(j).copied().unwrap_or(last);
            let zj = self.responses[j];
            let (a, b) = &self.commitments[j];
            let r1 = batch.weight();
            let r2 = batch.weight();
            // r1·(zⱼG − aⱼ − cⱼα) + r2·(zⱼY − bⱼ − cⱼβ + cⱼ·(j + shift)·G) = 0 (the statement's
            // ciphertext is (α, β − shift·G)).
            batch.add_g(r1 * zj + r2 * cj * Scalar::from(j as u64 + shift));
            batch.add_y(r2 * zj);
            batch.push(-r1, a.point);
            batch.push(-r2, b.point);
            alpha_coef -= r1 * cj;
            beta_coef -= r2 * cj;
        }
        Some(Coefficients {
            alpha: alpha_coef,
            beta: beta_coef,
        })
    }

    pub fn write(&self, w: &mut Writer) {
        for (a, b) in &self.commitments {
            a.write(w);
            b.write(w);
        }
        for c in &self.challenges {
            write_scalar(w, c);
        }
        for z in &self.responses {
            write_scalar(w, z);
        }
    }

    /// Reads a proof with `k` branches (the count is known from the contest, not encoded).
    pub fn read(r: &mut Reader<'_>, field: &str, k: usize) -> Result<Self, DecodeError> {
        let mut commitments = Vec::with_capacity(k);
        for j in 0..k {
            let a = Encoded::read(r, &format!("{field}.a[{j}]"))?;
            let b = Encoded::read(r, &format!("{field}.b[{j}]"))?;
            commitments.push((a, b));
        }
        let mut challenges = Vec::with_capacity(k.saturating_sub(1));
        for j in 0..k.saturating_sub(1) {
            challenges.push(read_scalar(r, &format!("{field}.c[{j}]"))?);
        }
        let mut responses = Vec::with_capacity(k);
        for j in 0..k {
            responses.push(read_scalar(r, &format!("{field}.z[{j}]"))?);
        }
        Ok(OrProof {
            commitments,
            challenges,
            responses,
        })
    }
}

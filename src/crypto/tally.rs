//! The weighted homomorphic tally (docs/protocol.md §Tally).
//!
//! For every contest and option, `T = Σᵢ wᵢ·Cᵢ` over the counted ballots, `wᵢ` the public weight of
//! the ballot's credential (1 except in the CNB collège ordinal, national circonscription).
//! Ballots are first summed per distinct weight (point additions only), then the per-weight sums
//! are combined with one multiscalar multiplication: `T = Σ_w w·S_w`. Anyone can recompute it from
//! the board.

use super::CryptoError;
use super::ballot::{Ballot, ElectionParams};
use super::elgamal::Ciphertext;
use super::group::{Point, Scalar};
use crate::encoding::{DecodeError, Reader, Writer};
use curve25519_dalek::traits::VartimeMultiscalarMul;
use std::collections::BTreeMap;

/// The encrypted tally: per contest, per option, `Σ wᵢ·Cᵢ`; plus the total weight (the bound of
/// every count).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedTally {
    /// Ciphertexts, `contests[c][o]`.
    pub contests: Vec<Vec<Ciphertext>>,
    /// Number of ballots counted.
    pub ballots: u64,
    /// `Σ wᵢ`.
    pub total_weight: u64,
}

impl EncryptedTally {
    /// All ciphertexts in contest then option order (the order of partial decryptions).
    pub fn ciphertexts(&self) -> Vec<Ciphertext> {
        self.contests.iter().flatten().copied().collect()
    }

    /// Canonical encoding: ballots (u64), total weight (u64), contests (sequence of sequences of
    /// ciphertexts).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u64(self.ballots);
        w.u64(self.total_weight);
        w.len(self.contests.len());
        for c in &self.contests {
            w.len(c.len());
            for ct in c {
                ct.write(&mut w);
            }
        }
        w.into_bytes()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let ballots = r.u64("tally.ballots")?;
        let total_weight = r.u64("tally.total_weight")?;
        let n = r.len("tally.contests")?;
        let mut contests = Vec::new();
        for c in 0..n {
            let f = format!("tally.contests[{c}]");
            let m = r.len(&f)?;
            let mut v = Vec::new();
            for o in 0..m {
                v.push(Ciphertext::read(&mut r, &format!("{f}[{o}]"))?);
            }
            contests.push(v);
        }
        r.finish("tally")?;
        Ok(EncryptedTally {
            contests,
            ballots,
            total_weight,
        })
    }
}

/// Sums ballots incrementally, bucketed by weight.
#[derive(Debug, Clone)]
pub struct TallyAccumulator {
    shape: Vec<usize>,
    buckets: BTreeMap<u64, Vec<Ciphertext>>,
    ballots: u64,
    total_weight: u64,
}

impl TallyAccumulator {
    /// An empty tally for the election's contests.
    pub fn new(params: &ElectionParams) -> Self {
        TallyAccumulator {
            shape: params.contests.iter().map(|c| c.options as usize).collect(),
            buckets: BTreeMap::new(),
            ballots: 0,
            total_weight: 0,
        }
    }

    /// Adds a ballot (already verified) with its credential's weight.
    pub fn add(&mut self, ballot: &Ballot, weight: u64) -> Result<(), CryptoError> {
        let contests = ballot.contests();
        if contests.len() != self.shape.len()
            || contests
                .iter()
                .zip(&self.shape)
                .any(|(c, n)| c.choices().len() != *n)
        {
            return Err(CryptoError::invalid(
                "bulletin d'une autre forme que l'élection",
            ));
        }
        if weight == 0 {
            return Err(CryptoError::usage("poids nul"));
        }
        self.total_weight = self
            .total_weight
            .checked_add(weight)
            .ok_or_else(|| CryptoError::usage("poids total hors limites"))?;
        self.ballots += 1;
        let total: usize = self.shape.iter().sum();
        let bucket = self
            .buckets
            .entry(weight)
            .or_insert_with(|| vec![Ciphertext::zero(); total]);
        for (acc, ch) in bucket
            .iter_mut()
            .zip(contests.iter().flat_map(|c| c.choices()))
        {
            *acc = *acc + ch.ciphertext();
        }
        Ok(())
    }

    /// Merges another accumulator (parallel tallies of parts of the board).
    pub fn merge(&mut self, other: TallyAccumulator) -> Result<(), CryptoError> {
        if other.shape != self.shape {
            return Err(CryptoError::usage(
                "dépouillements partiels de formes différentes",
            ));
        }
        self.ballots += other.ballots;
        self.total_weight = self
            .total_weight
            .checked_add(other.total_weight)
            .ok_or_else(|| CryptoError::usage("poids total hors limites"))?;
        for (w, sums) in other.buckets {
            match self.buckets.get_mut(&w) {
                Some(mine) => {
                    for (a, b) in mine.iter_mut().zip(sums) {
                        *a = *a + b;
                    }
                }
                None => {
                    self.buckets.insert(w, sums);
                }
            }
        }
        Ok(())
    }

    /// `Σ_w w·S_w` for every option.
    pub fn finish(&self) -> EncryptedTally {
        let total: usize = self.shape.iter().sum();
        let weights: Vec<Scalar> = self.buckets.keys().map(|w| Scalar::from(*w)).collect();
        let flat: Vec<Ciphertext> = (0..total)
            .map(|k| Ciphertext {
                alpha: Point::vartime_multiscalar_mul(
                    &weights,
                    self.buckets.values().map(|b| b[k].alpha),
                ),
                beta: Point::vartime_multiscalar_mul(
                    &weights,
                    self.buckets.values().map(|b| b[k].beta),
                ),
            })
            .collect();
        let mut it = flat.into_iter();
        let contests = self
            .shape
            .iter()
            .map(|n| it.by_ref().take(*n).collect())
            .collect();
        EncryptedTally {
            contests,
            ballots: self.ballots,
            total_weight: self.total_weight,
        }
    }
}

/// Tallies `(ballot, weight)` pairs (on all cores with the `parallel` feature).
pub fn tally(
    params: &ElectionParams,
    ballots: &[(&Ballot, u64)],
) -> Result<EncryptedTally, CryptoError> {
    let part = |chunk: &[(&Ballot, u64)]| -> Result<TallyAccumulator, CryptoError> {
        let mut acc = TallyAccumulator::new(params);
        for (b, w) in chunk {
            acc.add(b, *w)?;
        }
        Ok(acc)
    };
    #[cfg(feature = "parallel")]
    let parts: Vec<TallyAccumulator> = {
        use rayon::prelude::*;
        ballots
            .par_chunks(4096)
            .map(part)
            .collect::<Result<_, _>>()?
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<TallyAccumulator> = ballots.chunks(4096).map(part).collect::<Result<_, _>>()?;
    let mut acc = TallyAccumulator::new(params);
    for p in parts {
        acc.merge(p)?;
    }
    Ok(acc.finish())
}

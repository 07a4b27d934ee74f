//! Batch verification (docs/protocol.md §Batch verification).
//!
//! Every proof of Urne is verified as a set of linear equations `Σ sᵢ·Pᵢ = 0` in the group. Instead
//! of checking each with its own scalar multiplications, the verifier multiplies each equation by
//! a 128-bit weight and checks the single sum with one variable-time multiscalar multiplication.
//! If any equation fails, the sum vanishes only with probability ≤ 2⁻¹²⁸ over the weights.
//!
//! The weights are not drawn from an RNG: they are SHA-512 outputs over a seed that is itself a
//! hash of everything being verified (the ballot's tracker, the batch of trackers), so that a
//! verification is reproducible and pure, and a prover cannot know them before fixing its proof.

use super::group::{G, Point, Scalar};
use crate::encoding::Hash32;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use sha2::{Digest, Sha512};

/// Accumulates weighted equations `Σ sᵢ·Pᵢ = 0`.
#[derive(Debug, Clone)]
pub struct BatchVerifier {
    g: Scalar,
    y: Scalar,
    scalars: Vec<Scalar>,
    points: Vec<Point>,
    seed: [u8; 32],
    counter: u64,
    pool: Vec<Scalar>,
}

impl BatchVerifier {
    /// A verifier whose weights are derived from `seed`.
    pub fn new(seed: Hash32) -> Self {
        BatchVerifier {
            g: Scalar::ZERO,
            y: Scalar::ZERO,
            scalars: Vec::new(),
            points: Vec::new(),
            seed: seed.0,
            counter: 0,
            pool: Vec::new(),
        }
    }

    /// The next 128-bit weight.
    pub fn weight(&mut self) -> Scalar {
        if let Some(w) = self.pool.pop() {
            return w;
        }
        let mut h = Sha512::new();
        h.update(b"URNE-V1-batch-weights");
        h.update(self.seed);
        h.update(self.counter.to_le_bytes());
        self.counter += 1;
        let out = h.finalize();
        for chunk in out.chunks(16) {
            let mut b = [0u8; 32];
            b[..16].copy_from_slice(chunk);
            self.pool.push(Scalar::from_bytes_mod_order(b));
        }
        self.pool.pop().unwrap_or(Scalar::ONE)
    }

    /// Adds `s·G` to the sum.
    pub fn add_g(&mut self, s: Scalar) {
        self.g += s;
    }
    /// Adds `s·Y` (the election key) to the sum.
    pub fn add_y(&mut self, s: Scalar) {
        self.y += s;
    }
    /// Adds `s·P` to the sum.
    pub fn push(&mut self, s: Scalar, p: Point) {
        self.scalars.push(s);
        self.points.push(p);
    }
    /// Moves another verifier's terms into this one (combining several ballots in one check).
    pub fn absorb(&mut self, other: BatchVerifier) {
        self.g += other.g;
        self.y += other.y;
        self.scalars.extend(other.scalars);
        self.points.extend(other.points);
    }
    /// Number of points in the multiscalar multiplication.
    pub fn len(&self) -> usize {
        self.points.len() + 2
    }
    /// Whether no term was added.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Checks that the weighted sum is the identity; `y` is the point the `add_y` terms multiply.
    pub fn verify(&self, y: &Point) -> bool {
        let scalars = [self.g, self.y]
            .into_iter()
            .chain(self.scalars.iter().copied());
        let points = [G, *y].into_iter().chain(self.points.iter().copied());
        Point::vartime_multiscalar_mul(scalars, points).is_identity()
    }
}

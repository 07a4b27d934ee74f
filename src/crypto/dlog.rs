//! Discrete logarithm of a decrypted count by baby-step giant-step (docs/protocol.md §Counts).
//!
//! A decrypted tally entry is `m·G` with `0 ≤ m ≤ W`, the total weight of the ballots. With
//! `s = ⌈√(W+1)⌉`, the table holds `j·G` for `0 ≤ j < s`; the search subtracts `s·G` at most `s`
//! times. Cost `O(√W)` point operations: about 320 for 100 000 ballots.

use super::group::{G, Point, Scalar};
use std::collections::HashMap;

/// The baby-step table for counts up to `max`.
#[derive(Debug, Clone)]
pub struct DlogTable {
    max: u64,
    step: u64,
    baby: HashMap<[u8; 32], u64>,
}

impl DlogTable {
    /// Builds the table for `0 ≤ m ≤ max`.
    pub fn new(max: u64) -> Self {
        let mut step = max.saturating_add(1).isqrt().max(1);
        while step.saturating_mul(step) < max.saturating_add(1) {
            step += 1;
        }
        let mut baby = HashMap::with_capacity(step as usize);
        let mut p = Point::default();
        for j in 0..step {
            baby.insert(p.compress().to_bytes(), j);
            p += G;
        }
        DlogTable { max, step, baby }
    }

    /// The `m ≤ max` with `m·G = point`, or `None` if there is none.
    pub fn solve(&self, point: &Point) -> Option<u64> {
        self.solve_at_most(point, self.max)
    }

    /// The `m ≤ min(bound, max)` with `m·G = point`, or `None`: the search stops after the giant
    /// steps that `bound` needs (a contest's counts are bounded by its own total weight).
    pub fn solve_at_most(&self, point: &Point, bound: u64) -> Option<u64> {
        let bound = bound.min(self.max);
        let giant = G * Scalar::from(self.step);
        let mut q = *point;
        for i in 0..=bound / self.step {
            if let Some(j) = self.baby.get(&q.compress().to_bytes()) {
                let m = i * self.step + j;
                return (m <= bound).then_some(m);
            }
            q -= giant;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bounds_are_found_and_values_beyond_the_maximum_are_not() {
        let t = DlogTable::new(1000);
        for m in [0u64, 1, 31, 32, 999, 1000] {
            assert_eq!(t.solve(&(G * Scalar::from(m))), Some(m));
        }
        assert_eq!(t.solve(&(G * Scalar::from(1001u64))), None);
        assert_eq!(t.solve(&(G * Scalar::from(5_000_000u64))), None);
        assert_eq!(t.solve_at_most(&(G * Scalar::from(40u64)), 40), Some(40));
        assert_eq!(t.solve_at_most(&(G * Scalar::from(41u64)), 40), None);
        assert_eq!(
            t.solve_at_most(&(G * Scalar::from(1000u64)), 5000),
            Some(1000)
        );
    }

    proptest! {
        #[test]
        fn any_count_up_to_the_maximum_is_recovered(max in 0u64..20_000, m in 0u64..20_000) {
            let t = DlogTable::new(max);
            let expected = (m <= max).then_some(m);
            prop_assert_eq!(t.solve(&(G * Scalar::from(m))), expected);
            let bound = max / 3;
            prop_assert_eq!(t.solve_at_most(&(G * Scalar::from(m)), bound), (m <= bound).then_some(m));
        }
    }
}

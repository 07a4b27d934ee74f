//! The weighted homomorphic tally (docs/protocol.md §6).
//!
//! Per contest, for every option and for the blank, `T = Σᵢ wᵢ·Cᵢ` over the ballots that carry
//! the contest, `wᵢ` the public weight of the ballot's credential in that contest (genesis
//! `rights`: 1, except in the CNB collège ordinal of the national circonscription). The weight is
//! per contest because the décret gives voices per scrutin. Ballots are first summed per distinct
//! weight (point additions only), then the per-weight sums are combined with one multiscalar
//! multiplication: `T = Σ_w w·S_w`. Anyone can recompute it from the board.

use super::CryptoError;
use super::ballot::{Ballot, ContestBallot, ElectionParams, MAX_OPTIONS, contest_list};
use super::elgamal::Ciphertext;
use super::group::{Point, Scalar};
use crate::encoding::{DecodeError, Reader, Writer};
use curve25519_dalek::traits::VartimeMultiscalarMul;
use std::collections::BTreeMap;

/// The encrypted tally of one contest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContestTally {
    /// Contest index.
    pub contest: u32,
    /// Number of ballots that carry the contest.
    pub ballots: u64,
    /// `Σ wᵢ` over those ballots: the bound of every count of the contest.
    pub total_weight: u64,
    /// `Σ wᵢ·Cᵢ` per option, in option order.
    pub options: Vec<Ciphertext>,
    /// `Σ wᵢ·Bᵢ` of the blank ciphertexts.
    pub blank: Ciphertext,
}

/// The encrypted tally: every contest of the election, by increasing contest index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedTally {
    /// Per contest.
    pub contests: Vec<ContestTally>,
}

impl EncryptedTally {
    /// All ciphertexts in the order of partial decryptions (docs/protocol.md §7): contest by
    /// contest, its options then its blank.
    pub fn ciphertexts(&self) -> Vec<Ciphertext> {
        self.contests
            .iter()
            .flat_map(|c| c.options.iter().copied().chain(std::iter::once(c.blank)))
            .collect()
    }

    /// The tally of contest `contest`.
    pub fn contest(&self, contest: u32) -> Option<&ContestTally> {
        self.contests
            .binary_search_by_key(&contest, |c| c.contest)
            .ok()
            .map(|i| &self.contests[i])
    }

    /// Canonical encoding (docs/protocol.md §6): `seq` of contests, each `u32 contest ‖
    /// u64 ballots ‖ u64 total_weight ‖ seq(α ‖ β) options ‖ α ‖ β blank`.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.len(self.contests.len());
        for c in &self.contests {
            w.u32(c.contest);
            w.u64(c.ballots);
            w.u64(c.total_weight);
            w.len(c.options.len());
            for ct in &c.options {
                ct.write(&mut w);
            }
            c.blank.write(&mut w);
        }
        w.into_bytes()
    }

    /// Strict decoding: at least one contest, contest indices strictly increasing, 1 to
    /// `MAX_OPTIONS` options, `ballots ≤ total_weight` and both zero or neither (every weight is
    /// at least 1), canonical points, no trailing byte.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let at = r.position();
        let n = r.len("tally.contests")?;
        if n == 0 {
            return Err(DecodeError {
                field: "tally.contests".into(),
                offset: at,
                reason: "un dépouillement porte au moins un scrutin".into(),
            });
        }
        let mut contests: Vec<ContestTally> = Vec::new();
        for i in 0..n {
            let f = format!("tally.contests[{i}]");
            let at = r.position();
            let contest = r.u32(&format!("{f}.contest"))?;
            if let Some(prev) = contests.last()
                && prev.contest >= contest
            {
                return Err(DecodeError {
                    field: format!("{f}.contest"),
                    offset: at,
                    reason: format!(
                        "scrutin {contest} après le scrutin {} : indices non strictement croissants",
                        prev.contest
                    ),
                });
            }
            let ballots = r.u64(&format!("{f}.ballots"))?;
            let at = r.position();
            let total_weight = r.u64(&format!("{f}.total_weight"))?;
            if ballots > total_weight || (ballots == 0) != (total_weight == 0) {
                return Err(DecodeError {
                    field: format!("{f}.total_weight"),
                    offset: at,
                    reason: format!(
                        "poids total {total_weight} impossible pour {ballots} bulletins (chaque poids vaut au moins 1)"
                    ),
                });
            }
            let at = r.position();
            let m = r.len(&format!("{f}.options"))?;
            if m == 0 || m > MAX_OPTIONS as usize {
                return Err(DecodeError {
                    field: format!("{f}.options"),
                    offset: at,
                    reason: format!("{m} choix (1 à {MAX_OPTIONS})"),
                });
            }
            let mut options = Vec::with_capacity(m);
            for o in 0..m {
                options.push(Ciphertext::read(&mut r, &format!("{f}.options[{o}]"))?);
            }
            let blank = Ciphertext::read(&mut r, &format!("{f}.blank"))?;
            contests.push(ContestTally {
                contest,
                ballots,
                total_weight,
                options,
                blank,
            });
        }
        r.finish("tally")?;
        Ok(EncryptedTally { contests })
    }
}

/// One contest being summed.
#[derive(Debug, Clone)]
struct ContestSum {
    contest: u32,
    options: usize,
    /// Per weight: the options' sums, then the blank's.
    buckets: BTreeMap<u64, Vec<Ciphertext>>,
    ballots: u64,
    total_weight: u64,
}

/// Sums ballots incrementally, per contest and bucketed by weight.
#[derive(Debug, Clone)]
pub struct TallyAccumulator {
    contests: Vec<ContestSum>,
}

impl TallyAccumulator {
    /// An empty tally of every contest of `params`.
    pub fn new(params: &ElectionParams) -> Self {
        TallyAccumulator {
            contests: params
                .contests()
                .iter()
                .map(|(c, s)| ContestSum {
                    contest: *c,
                    options: s.options as usize,
                    buckets: BTreeMap::new(),
                    ballots: 0,
                    total_weight: 0,
                })
                .collect(),
        }
    }

    /// Adds a ballot (already verified) with its credential's rights: `(contest, weight)` for
    /// each contest of the credential, increasing. The ballot must carry exactly these contests;
    /// on any error nothing is added.
    pub fn add(&mut self, ballot: &Ballot, rights: &[(u32, u64)]) -> Result<(), CryptoError> {
        let carried = ballot.contests();
        if carried.len() != rights.len()
            || carried
                .iter()
                .zip(rights)
                .any(|(c, (r, _))| c.contest() != *r)
        {
            return Err(CryptoError::invalid(format!(
                "le bulletin porte les scrutins {}, le justificatif a des droits dans les scrutins {}",
                contest_list(carried.iter().map(ContestBallot::contest)),
                contest_list(rights.iter().map(|(c, _)| *c))
            )));
        }
        // Check everything first, so that a refused ballot leaves the tally untouched.
        let mut targets = Vec::with_capacity(rights.len());
        for (cb, &(contest, weight)) in carried.iter().zip(rights) {
            let k = self
                .contests
                .binary_search_by_key(&contest, |c| c.contest)
                .map_err(|_| {
                    CryptoError::invalid(format!("scrutin {contest} inconnu du dépouillement"))
                })?;
            let sum = &self.contests[k];
            if cb.choices().len() != sum.options {
                return Err(CryptoError::invalid(format!(
                    "scrutin {contest} : {} choix dans le bulletin, {} dans l'élection",
                    cb.choices().len(),
                    sum.options
                )));
            }
            if weight == 0 {
                return Err(CryptoError::usage(format!("scrutin {contest} : poids nul")));
            }
            let total = sum.total_weight.checked_add(weight).ok_or_else(|| {
                CryptoError::usage(format!("scrutin {contest} : poids total hors limites"))
            })?;
            targets.push((k, weight, total));
        }
        for (cb, (k, weight, total)) in carried.iter().zip(targets) {
            let sum = &mut self.contests[k];
            sum.total_weight = total;
            sum.ballots += 1;
            let n = sum.options + 1;
            let bucket = sum
                .buckets
                .entry(weight)
                .or_insert_with(|| vec![Ciphertext::zero(); n]);
            let cts = cb
                .choices()
                .iter()
                .map(|c| c.ciphertext())
                .chain(std::iter::once(cb.blank().ciphertext()));
            for (acc, ct) in bucket.iter_mut().zip(cts) {
                *acc = *acc + ct;
            }
        }
        Ok(())
    }

    /// Merges another accumulator of the same contests (parallel tallies of parts of the board).
    pub fn merge(&mut self, other: TallyAccumulator) -> Result<(), CryptoError> {
        if other.contests.len() != self.contests.len()
            || other
                .contests
                .iter()
                .zip(&self.contests)
                .any(|(a, b)| a.contest != b.contest || a.options != b.options)
        {
            return Err(CryptoError::usage(
                "dépouillements partiels de scrutins différents",
            ));
        }
        for (mine, theirs) in self.contests.iter_mut().zip(other.contests) {
            mine.ballots += theirs.ballots;
            mine.total_weight = mine
                .total_weight
                .checked_add(theirs.total_weight)
                .ok_or_else(|| {
                    CryptoError::usage(format!(
                        "scrutin {} : poids total hors limites",
                        mine.contest
                    ))
                })?;
            for (w, sums) in theirs.buckets {
                match mine.buckets.get_mut(&w) {
                    Some(acc) => {
                        for (a, b) in acc.iter_mut().zip(sums) {
                            *a = *a + b;
                        }
                    }
                    None => {
                        mine.buckets.insert(w, sums);
                    }
                }
            }
        }
        Ok(())
    }

    /// `Σ_w w·S_w` for every option and blank of every contest.
    pub fn finish(&self) -> EncryptedTally {
        let contests = self
            .contests
            .iter()
            .map(|c| {
                let weights: Vec<Scalar> = c.buckets.keys().map(|w| Scalar::from(*w)).collect();
                let mut all: Vec<Ciphertext> = (0..=c.options)
                    .map(|k| Ciphertext {
                        alpha: Point::vartime_multiscalar_mul(
                            &weights,
                            c.buckets.values().map(|b| b[k].alpha),
                        ),
                        beta: Point::vartime_multiscalar_mul(
                            &weights,
                            c.buckets.values().map(|b| b[k].beta),
                        ),
                    })
                    .collect();
                let blank = all.pop().unwrap_or_else(Ciphertext::zero);
                ContestTally {
                    contest: c.contest,
                    ballots: c.ballots,
                    total_weight: c.total_weight,
                    options: all,
                    blank,
                }
            })
            .collect();
        EncryptedTally { contests }
    }
}

/// A ballot to tally with its credential's rights `(contest, weight)`.
pub type BallotWithWeights<'a> = (&'a Ballot, &'a [(u32, u64)]);

/// Tallies ballots with their rights (on all cores with the `parallel` feature). An error names
/// the ballot by its index in `ballots`.
pub fn tally(
    params: &ElectionParams,
    ballots: &[BallotWithWeights<'_>],
) -> Result<EncryptedTally, CryptoError> {
    const CHUNK: usize = 4096;
    let part = |(n, chunk): (usize, &[BallotWithWeights<'_>])| {
        let mut acc = TallyAccumulator::new(params);
        for (i, (b, rights)) in chunk.iter().enumerate() {
            acc.add(b, rights)
                .map_err(|e| CryptoError::invalid(format!("bulletin n°{} : {e}", n * CHUNK + i)))?;
        }
        Ok::<_, CryptoError>(acc)
    };
    #[cfg(feature = "parallel")]
    let parts: Vec<TallyAccumulator> = {
        use rayon::prelude::*;
        ballots
            .par_chunks(CHUNK)
            .enumerate()
            .map(part)
            .collect::<Result<_, _>>()?
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<TallyAccumulator> = ballots
        .chunks(CHUNK)
        .enumerate()
        .map(part)
        .collect::<Result<_, _>>()?;
    let mut acc = TallyAccumulator::new(params);
    for p in parts {
        acc.merge(p)?;
    }
    Ok(acc.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::ballot::tests::{choices, credential, setup};
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn each_contest_is_summed_over_the_ballots_that_carry_it_with_its_own_weights() {
        let (params, x) = setup(&[(2, 1), (3, 2)], 1);
        let mut rng = ChaCha20Rng::from_seed([2; 32]);
        let b0 = Ballot::prepare(
            &params,
            &credential(1),
            &choices(&[(0, &[1]), (1, &[0, 2])]),
            &mut rng,
        )
        .unwrap();
        let b1 = Ballot::prepare(&params, &credential(2), &choices(&[(1, &[])]), &mut rng).unwrap();
        let b2 = Ballot::prepare(&params, &credential(3), &choices(&[(0, &[])]), &mut rng).unwrap();
        let r0 = [(0, 1), (1, 5)];
        let r1 = [(1, 2)];
        let r2 = [(0, 3)];
        let t = tally(&params, &[(&b0, &r0), (&b1, &r1), (&b2, &r2)]).unwrap();
        let dec = |c: &Ciphertext| {
            let m = c.unblind(&(c.alpha * x));
            (0..=20u64).find(|v| crate::crypto::elgamal::plaintext_point(*v) == m)
        };
        let c0 = t.contest(0).unwrap();
        assert_eq!((c0.ballots, c0.total_weight), (2, 4));
        assert_eq!(
            c0.options.iter().map(dec).collect::<Vec<_>>(),
            vec![Some(0), Some(1)]
        );
        assert_eq!(dec(&c0.blank), Some(3));
        let c1 = t.contest(1).unwrap();
        assert_eq!((c1.ballots, c1.total_weight), (2, 7));
        assert_eq!(
            c1.options.iter().map(dec).collect::<Vec<_>>(),
            vec![Some(5), Some(0), Some(5)]
        );
        assert_eq!(dec(&c1.blank), Some(2));
        assert_eq!(t.ciphertexts().len(), 2 + 1 + 3 + 1);
        assert_eq!(EncryptedTally::decode(&t.encode()).unwrap(), t);
        // Incremental and merged accumulation give the same tally.
        let mut a = TallyAccumulator::new(&params);
        a.add(&b0, &r0).unwrap();
        let mut b = TallyAccumulator::new(&params);
        b.add(&b1, &r1).unwrap();
        b.add(&b2, &r2).unwrap();
        a.merge(b).unwrap();
        assert_eq!(a.finish(), t);
    }

    #[test]
    fn a_ballot_with_other_contests_than_its_rights_or_a_zero_weight_is_not_added() {
        let (params, _) = setup(&[(2, 1), (3, 2)], 1);
        let mut rng = ChaCha20Rng::from_seed([2; 32]);
        let b = Ballot::prepare(&params, &credential(1), &choices(&[(0, &[1])]), &mut rng).unwrap();
        let mut acc = TallyAccumulator::new(&params);
        let before = acc.finish();
        let err = acc.add(&b, &[(0, 1), (1, 1)]).unwrap_err();
        assert!(err.to_string().contains("porte les scrutins 0,"), "{err}");
        assert!(acc.add(&b, &[(1, 1)]).is_err());
        let err = acc.add(&b, &[(0, 0)]).unwrap_err();
        assert!(err.to_string().contains("poids nul"), "{err}");
        assert_eq!(acc.finish(), before);
        let err = tally(&params, &[(&b, &[(0, 1)]), (&b, &[(1, 1)])]).unwrap_err();
        assert!(err.to_string().contains("bulletin n°1"), "{err}");
        // A contest the tally does not have.
        let (one, _) = setup(&[(3, 2)], 1);
        let b = Ballot::prepare(&params, &credential(1), &choices(&[(1, &[1])]), &mut rng).unwrap();
        let err = TallyAccumulator::new(&one).add(&b, &[(1, 1)]).unwrap_err();
        assert!(err.to_string().contains("scrutin 1 inconnu"), "{err}");
    }

    #[test]
    fn an_empty_contest_has_a_zero_tally_and_decoding_is_strict() {
        let (params, _) = setup(&[(2, 1), (3, 2)], 1);
        let t = TallyAccumulator::new(&params).finish();
        assert!(t.contests.iter().all(|c| c.ballots == 0
            && c.options.iter().all(|o| *o == Ciphertext::zero())
            && c.blank == Ciphertext::zero()));
        let bytes = t.encode();
        assert_eq!(EncryptedTally::decode(&bytes).unwrap(), t);
        // Contest indices: count (4) then contests[0].contest; contests[1].contest follows
        // 4 + 8 + 8 + 4 + 2·64 + 64 bytes later.
        let second = 4 + 4 + 8 + 8 + 4 + 3 * 64;
        let mut bad = bytes.clone();
        bad[second..second + 4].copy_from_slice(&0u32.to_le_bytes());
        assert_eq!(
            EncryptedTally::decode(&bad).unwrap_err().field,
            "tally.contests[1].contest"
        );
        let mut bad = bytes.clone();
        bad[8..16].copy_from_slice(&1u64.to_le_bytes()); // 1 ballot, total weight 0
        assert_eq!(
            EncryptedTally::decode(&bad).unwrap_err().field,
            "tally.contests[0].total_weight"
        );
        let mut bad = bytes.clone();
        bad[24..28].copy_from_slice(&0u32.to_le_bytes());
        assert_eq!(
            EncryptedTally::decode(&bad).unwrap_err().field,
            "tally.contests[0].options"
        );
        let mut bad = bytes.clone();
        bad[28 + 64 + 64] ^= 0xff; // first byte of contests[0].blank.alpha
        assert_eq!(
            EncryptedTally::decode(&bad).unwrap_err().field,
            "tally.contests[0].blank.alpha"
        );
        assert_eq!(
            EncryptedTally::decode(&0u32.to_le_bytes())
                .unwrap_err()
                .field,
            "tally.contests"
        );
        let mut long = bytes;
        long.push(0);
        assert_eq!(EncryptedTally::decode(&long).unwrap_err().field, "tally");
    }
}

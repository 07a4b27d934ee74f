//! Partial decryptions and their combination (docs/protocol.md §Decryption).
//!
//! For every tally ciphertext `(A, B)` (in [`EncryptedTally::ciphertexts`] order), a trustee with
//! key `x` publishes `D = x·A` and a Chaum–Pedersen proof that `log_G X = log_A D`, on the
//! transcript `URNE-V1-decrypt ‖ election fingerprint ‖ trustee ‖ index ‖ A ‖ B`. The plaintext
//! point is `B − D_b − Σ_{i∈S} λ_i·D_i` with the bâtonnier's `D_b` and the scrutateurs of a set
//! `S` of at least `t`, `λ_i = Π_{j∈S, j≠i} j/(j−i)` (Lagrange at 0). Without the bâtonnier, or
//! with fewer than `t` scrutateurs, combination is refused (and would give a wrong point anyway).

use super::CryptoError;
use super::dkg::{BureauKeys, Trustee, TrusteeSecret};
use super::dlog::DlogTable;
use super::domain;
use super::elgamal::Ciphertext;
use super::group::{Point, Scalar, TranscriptExt, read_point, write_point};
use super::proof_dleq::DleqProof;
use super::tally::EncryptedTally;
use crate::encoding::{DecodeError, Hash32, Reader, Writer};
use curve25519_dalek::traits::VartimeMultiscalarMul;
use merlin::Transcript;
use rand_core::CryptoRng;

/// One trustee's decryption shares of the tally, with proofs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialDecryption {
    /// Who decrypted.
    pub trustee: Trustee,
    /// `(D_k, proof_k)` for every tally ciphertext `k`.
    pub shares: Vec<(Point, DleqProof)>,
}

fn transcript(fingerprint: &Hash32, trustee: Trustee, k: usize, ct: &Ciphertext) -> Transcript {
    let mut t = Transcript::new(domain::DECRYPT);
    t.append_message(b"election", &fingerprint.0);
    t.u32(b"trustee", trustee.index());
    t.u32(b"index", k as u32);
    t.point(b"alpha", &ct.alpha);
    t.point(b"beta", &ct.beta);
    t
}

impl PartialDecryption {
    /// Decrypts every ciphertext with `secret` and proves it.
    pub fn create<R: CryptoRng + ?Sized>(
        fingerprint: &Hash32,
        secret: &TrusteeSecret,
        ciphertexts: &[Ciphertext],
        rng: &mut R,
    ) -> Self {
        let public = secret.public();
        let shares = ciphertexts
            .iter()
            .enumerate()
            .map(|(k, ct)| {
                let d = ct.alpha * secret.scalar();
                let mut t = transcript(fingerprint, secret.trustee(), k, ct);
                let proof = DleqProof::prove(&mut t, secret.scalar(), &public, &ct.alpha, &d, rng);
                (d, proof)
            })
            .collect();
        PartialDecryption {
            trustee: secret.trustee(),
            shares,
        }
    }

    /// Checks every proof against the trustee's public key in `keys`.
    pub fn verify(
        &self,
        fingerprint: &Hash32,
        keys: &BureauKeys,
        ciphertexts: &[Ciphertext],
    ) -> Result<(), CryptoError> {
        let public = keys
            .public_key(self.trustee)
            .ok_or_else(|| CryptoError::invalid(format!("{} inconnu du bureau", self.trustee)))?;
        if self.shares.len() != ciphertexts.len() {
            return Err(CryptoError::invalid(format!(
                "déchiffrement partiel du {} : {} parts pour {} chiffrés",
                self.trustee,
                self.shares.len(),
                ciphertexts.len()
            )));
        }
        for (k, ((d, proof), ct)) in self.shares.iter().zip(ciphertexts).enumerate() {
            let mut t = transcript(fingerprint, self.trustee, k, ct);
            proof.verify(&mut t, &public, &ct.alpha, d).map_err(|e| {
                CryptoError::invalid(format!(
                    "déchiffrement partiel du {}, chiffré {k} : {e}",
                    self.trustee
                ))
            })?;
        }
        Ok(())
    }

    /// Canonical encoding: trustee index (u32, 0 = bâtonnier), count (u32), then `D_k ‖ c_k ‖ s_k`.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u32(self.trustee.index());
        w.len(self.shares.len());
        for (d, p) in &self.shares {
            write_point(&mut w, d);
            p.write(&mut w);
        }
        w.into_bytes()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let trustee = Trustee::from_index(r.u32("partial_decryption.trustee")?);
        let n = r.len("partial_decryption.shares")?;
        let mut shares = Vec::new();
        for k in 0..n {
            let d = read_point(&mut r, &format!("partial_decryption.shares[{k}].d"))?;
            let p = DleqProof::read(&mut r, &format!("partial_decryption.shares[{k}].proof"))?;
            shares.push((d, p));
        }
        r.finish("partial_decryption")?;
        Ok(PartialDecryption { trustee, shares })
    }
}

/// Lagrange coefficients at 0 for the scrutateur indices `set` (distinct, non-zero).
fn lagrange(set: &[u32]) -> Vec<Scalar> {
    set.iter()
        .map(|&i| {
            let (mut num, mut den) = (Scalar::ONE, Scalar::ONE);
            for &j in set.iter().filter(|&&j| j != i) {
                num *= Scalar::from(j);
                den *= Scalar::from(j) - Scalar::from(i);
            }
            num * den.invert()
        })
        .collect()
}

/// Verifies the partial decryptions and combines them into the plaintext points `m_k·G`. Needs the
/// bâtonnier's and at least `t` scrutateurs' partial decryptions.
pub fn combine(
    fingerprint: &Hash32,
    keys: &BureauKeys,
    ciphertexts: &[Ciphertext],
    partials: &[PartialDecryption],
) -> Result<Vec<Point>, CryptoError> {
    let mut batonnier = None;
    let mut scrutateurs: Vec<&PartialDecryption> = Vec::new();
    for p in partials {
        p.verify(fingerprint, keys, ciphertexts)?;
        match p.trustee {
            Trustee::Batonnier if batonnier.is_none() => batonnier = Some(p),
            Trustee::Scrutateur(i) if scrutateurs.iter().all(|q| q.trustee.index() != i) => {
                scrutateurs.push(p)
            }
            t => {
                return Err(CryptoError::invalid(format!(
                    "deux déchiffrements partiels du {t}"
                )));
            }
        }
    }
    let batonnier = batonnier.ok_or_else(|| {
        CryptoError::invalid("le déchiffrement partiel du bâtonnier est indispensable")
    })?;
    if scrutateurs.len() < keys.threshold as usize {
        return Err(CryptoError::invalid(format!(
            "{} déchiffrements partiels de scrutateurs, {} requis",
            scrutateurs.len(),
            keys.threshold
        )));
    }
    let set: Vec<u32> = scrutateurs.iter().map(|p| p.trustee.index()).collect();
    let lambdas = lagrange(&set);
    Ok(ciphertexts
        .iter()
        .enumerate()
        .map(|(k, ct)| {
            let threshold_part =
                Point::vartime_multiscalar_mul(&lambdas, scrutateurs.iter().map(|p| p.shares[k].0));
            ct.beta - batonnier.shares[k].0 - threshold_part
        })
        .collect())
}

/// The decrypted counts of one contest (weighted: a ballot of weight `w` counts `w`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContestCounts {
    /// Contest index.
    pub contest: u32,
    /// Ballots that carry the contest (from the tally).
    pub ballots: u64,
    /// Their total weight (from the tally), the bound of every count.
    pub total_weight: u64,
    /// Voices per option, in option order.
    pub options: Vec<u64>,
    /// Blank voices.
    pub blank: u64,
}

/// Decrypts a tally (docs/protocol.md §7.3): combination of the partial decryptions, then the
/// discrete logarithm of every count, searched in `[0, total weight of its contest]`. A count with
/// no logarithm in range is an error naming the contest and the option (never a number).
pub fn decrypt_tally(
    fingerprint: &Hash32,
    keys: &BureauKeys,
    tally: &EncryptedTally,
    partials: &[PartialDecryption],
) -> Result<Vec<ContestCounts>, CryptoError> {
    let points = combine(fingerprint, keys, &tally.ciphertexts(), partials)?;
    let widest = tally
        .contests
        .iter()
        .map(|c| c.total_weight)
        .max()
        .unwrap_or(0);
    let table = DlogTable::new(widest);
    let mut it = points.iter();
    let mut out = Vec::with_capacity(tally.contests.len());
    for c in &tally.contests {
        let mut solve = |what: String| {
            let p = it.next().ok_or_else(|| {
                CryptoError::invalid(format!("scrutin {} : chiffré manquant", c.contest))
            })?;
            table.solve_at_most(p, c.total_weight).ok_or_else(|| {
                CryptoError::invalid(format!(
                    "scrutin {}, {what} : le résultat dépasse le poids total {} du scrutin",
                    c.contest, c.total_weight
                ))
            })
        };
        let options = (0..c.options.len())
            .map(|o| solve(format!("choix {o}")))
            .collect::<Result<Vec<u64>, _>>()?;
        let blank = solve("blancs".to_owned())?;
        out.push(ContestCounts {
            contest: c.contest,
            ballots: c.ballots,
            total_weight: c.total_weight,
            options,
            blank,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::ballot::tests::{choices, credential};
    use crate::crypto::ballot::{Ballot, ContestChoice, ContestShape, ElectionParams};
    use crate::crypto::dkg::{DkgParams, run_ceremony};
    use crate::crypto::tally::tally;
    use crate::encoding::tagged_hash;
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    struct Setup {
        fp: Hash32,
        keys: BureauKeys,
        bat: TrusteeSecret,
        shares: Vec<TrusteeSecret>,
        tally: EncryptedTally,
    }

    /// Bâtonnier + 3 scrutateurs, t = 2; ballots with per-contest weights, some carrying only one
    /// of the two contests, some blank; expected counts.
    fn setup() -> (Setup, Vec<ContestCounts>) {
        let mut rng = ChaCha20Rng::from_seed([11; 32]);
        let dkg = DkgParams::new(tagged_hash("URNE-V1-test-ceremony", &[]), 3, 2).unwrap();
        let (transcript, bat, shares) = run_ceremony(&dkg, &mut rng).unwrap();
        let keys = transcript.verify().unwrap();
        let fp = tagged_hash("URNE-V1-test-election", &[b"decrypt"]);
        let params = ElectionParams::new(
            fp,
            keys.election_key(),
            vec![
                ContestShape { options: 3, max: 1 },
                ContestShape { options: 4, max: 2 },
            ],
        )
        .unwrap();
        type Vote = (Vec<ContestChoice>, Vec<(u32, u64)>);
        let votes: Vec<Vote> = vec![
            (choices(&[(0, &[0]), (1, &[1, 2])]), vec![(0, 1), (1, 1)]),
            (choices(&[(0, &[2]), (1, &[])]), vec![(0, 7), (1, 7)]),
            (choices(&[(0, &[]), (1, &[3])]), vec![(0, 1), (1, 1)]),
            (choices(&[(1, &[1, 3])]), vec![(1, 3)]),
            (choices(&[(0, &[])]), vec![(0, 2)]),
        ];
        let mut expected: Vec<ContestCounts> = params
            .contests()
            .iter()
            .map(|(c, s)| ContestCounts {
                contest: *c,
                ballots: 0,
                total_weight: 0,
                options: vec![0; s.options as usize],
                blank: 0,
            })
            .collect();
        let ballots: Vec<Ballot> = votes
            .iter()
            .enumerate()
            .map(|(i, (sel, rights))| {
                for (ch, (c, w)) in sel.iter().zip(rights) {
                    let e = &mut expected[*c as usize];
                    e.ballots += 1;
                    e.total_weight += w;
                    if ch.selected.is_empty() {
                        e.blank += w;
                    }
                    for o in &ch.selected {
                        e.options[*o as usize] += w;
                    }
                }
                Ballot::prepare(&params, &credential(i as u8), sel, &mut rng).unwrap()
            })
            .collect();
        let refs: Vec<(&Ballot, &[(u32, u64)])> = ballots
            .iter()
            .zip(&votes)
            .map(|(b, (_, r))| (b, r.as_slice()))
            .collect();
        let tally = tally(&params, &refs).unwrap();
        assert_eq!(tally.contests[0].total_weight, 11);
        assert_eq!(tally.contests[1].total_weight, 12);
        assert_eq!(EncryptedTally::decode(&tally.encode()).unwrap(), tally);
        (
            Setup {
                fp,
                keys,
                bat,
                shares,
                tally,
            },
            expected,
        )
    }

    #[test]
    fn the_batonnier_and_any_two_of_three_scrutateurs_decrypt_the_weighted_tally() {
        let (s, expected) = setup();
        let mut rng = ChaCha20Rng::from_seed([12; 32]);
        let cts = s.tally.ciphertexts();
        let bat = PartialDecryption::create(&s.fp, &s.bat, &cts, &mut rng);
        let scr: Vec<PartialDecryption> = s
            .shares
            .iter()
            .map(|x| PartialDecryption::create(&s.fp, x, &cts, &mut rng))
            .collect();
        for pair in [[0usize, 1], [0, 2], [1, 2]] {
            let partials = vec![bat.clone(), scr[pair[0]].clone(), scr[pair[1]].clone()];
            assert_eq!(
                decrypt_tally(&s.fp, &s.keys, &s.tally, &partials).unwrap(),
                expected
            );
        }
        let all = vec![bat.clone(), scr[0].clone(), scr[1].clone(), scr[2].clone()];
        assert_eq!(
            decrypt_tally(&s.fp, &s.keys, &s.tally, &all).unwrap(),
            expected
        );
        for p in std::iter::once(&bat).chain(&scr) {
            assert_eq!(&PartialDecryption::decode(&p.encode()).unwrap(), p);
        }
    }

    #[test]
    fn decryption_fails_with_one_scrutateur_or_without_the_batonnier() {
        let (s, _) = setup();
        let mut rng = ChaCha20Rng::from_seed([13; 32]);
        let cts = s.tally.ciphertexts();
        let bat = PartialDecryption::create(&s.fp, &s.bat, &cts, &mut rng);
        let scr: Vec<PartialDecryption> = s
            .shares
            .iter()
            .map(|x| PartialDecryption::create(&s.fp, x, &cts, &mut rng))
            .collect();
        for one in &scr {
            let err =
                decrypt_tally(&s.fp, &s.keys, &s.tally, &[bat.clone(), one.clone()]).unwrap_err();
            assert!(err.to_string().contains("requis"), "{err}");
        }
        let err = decrypt_tally(&s.fp, &s.keys, &s.tally, &scr).unwrap_err();
        assert!(err.to_string().contains("bâtonnier"), "{err}");
        // And the arithmetic itself gives nothing without the bâtonnier's share: using the three
        // scrutateurs' combination alone does not reveal the counts.
        let lambdas = lagrange(&[1, 2, 3]);
        let table = DlogTable::new(12);
        let revealed = cts.iter().enumerate().filter(|(k, ct)| {
            let part = Point::vartime_multiscalar_mul(&lambdas, scr.iter().map(|p| p.shares[*k].0));
            table.solve(&(ct.beta - part)).is_some()
        });
        assert_eq!(revealed.count(), 0);
    }

    #[test]
    fn an_altered_partial_decryption_is_rejected() {
        let (s, _) = setup();
        let mut rng = ChaCha20Rng::from_seed([14; 32]);
        let cts = s.tally.ciphertexts();
        let p = PartialDecryption::create(&s.fp, &s.shares[0], &cts, &mut rng);
        p.verify(&s.fp, &s.keys, &cts).unwrap();
        let bytes = p.encode();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x04;
            if let Ok(d) = PartialDecryption::decode(&bad) {
                assert!(
                    d.verify(&s.fp, &s.keys, &cts).is_err(),
                    "octet {i} altéré accepté"
                );
            }
        }
        // Bound to the election: the same shares do not verify under another fingerprint.
        let other = tagged_hash("URNE-V1-test-election", &[b"other"]);
        assert!(p.verify(&other, &s.keys, &cts).is_err());
        // Claimed by another trustee: rejected.
        let stolen = PartialDecryption {
            trustee: Trustee::Scrutateur(2),
            ..p
        };
        assert!(stolen.verify(&s.fp, &s.keys, &cts).is_err());
    }

    #[test]
    fn every_count_is_bounded_by_the_total_weight_of_its_own_contest() {
        let (mut s, _) = setup();
        let mut rng = ChaCha20Rng::from_seed([15; 32]);
        // Claim that contest 0 had total weight 6 (its option 2 has 7 voices).
        s.tally.contests[0].total_weight = 6;
        let cts = s.tally.ciphertexts();
        let partials: Vec<PartialDecryption> = std::iter::once(&s.bat)
            .chain(&s.shares[..2])
            .map(|x| PartialDecryption::create(&s.fp, x, &cts, &mut rng))
            .collect();
        let err = decrypt_tally(&s.fp, &s.keys, &s.tally, &partials).unwrap_err();
        assert!(
            err.to_string()
                .contains("scrutin 0, choix 2 : le résultat dépasse le poids total 6 du scrutin"),
            "{err}"
        );
    }
}

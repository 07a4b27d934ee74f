//! Naming the proof that fails in a ballot the batch refused (issue 7: "the exact place … contest,
//! option"). The fast path checks a whole group of ballots with one multiscalar multiplication,
//! which says only that *some* equation fails; this re-reads the failing ballot's bytes by
//! docs/protocol.md §5.4, rebuilds each proof's transcript (§5.2) and checks every 0/1 proof and
//! range proof alone, in ballot order. It runs only on a ballot already refused, so it never
//! decides validity, only the place reported.

use crate::crypto::ballot::ElectionParams;
use crate::crypto::batch::BatchVerifier;
use crate::crypto::domain;
use crate::crypto::elgamal::Ciphertext;
use crate::crypto::group::TranscriptExt;
use crate::crypto::proof_bit::BitProof;
use crate::crypto::proof_range::RangeProof;
use crate::encoding::{Hash32, Reader, tagged_hash};
use merlin::Transcript;

/// Which proof of a contest fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Culprit {
    /// The 0/1 proof of an option.
    Option(u32),
    /// The 0/1 proof of the blank.
    Blank,
    /// The range proof (`m·blank + Σ options ∈ [1, m]`).
    Range,
    /// Every proof of the contest: they share the contest's transcript, which binds all its
    /// ciphertexts, so a ciphertext (or the contest's header) was altered.
    Contest,
}

struct Choice {
    ct: Ciphertext,
    alpha: [u8; 32],
    beta: [u8; 32],
    proof: BitProof,
}

fn read_choice(r: &mut Reader<'_>, bytes: &[u8]) -> Option<Choice> {
    let at = r.position();
    let ct = Ciphertext::read(r, "choice").ok()?;
    let alpha: [u8; 32] = bytes.get(at..at + 32)?.try_into().ok()?;
    let beta: [u8; 32] = bytes.get(at + 32..at + 64)?.try_into().ok()?;
    let proof = BitProof::read(r, "choice.proof").ok()?;
    Some(Choice {
        ct,
        alpha,
        beta,
        proof,
    })
}

/// A proof holds alone: its equations, weighted, sum to the identity.
fn holds(params: &ElectionParams, check: impl FnOnce(&mut BatchVerifier) -> bool) -> bool {
    let mut batch = BatchVerifier::new(tagged_hash(domain::BATCH, &[b"diagnose"]));
    check(&mut batch) && batch.verify(&params.key.0)
}

/// The first contest and proof of `bytes` that fails, if the bytes parse as a ballot.
pub(crate) fn first_bad_proof(params: &ElectionParams, bytes: &[u8]) -> Option<(u32, Culprit)> {
    let mut r = Reader::new(bytes);
    r.u8("version").ok()?;
    let election = Hash32(r.fixed("election").ok()?);
    let credential: [u8; 32] = r.fixed("credential").ok()?;
    let key = params.key.0.compress().to_bytes();
    let n = r.len("contests").ok()?;
    for _ in 0..n {
        let contest = r.u32("contest").ok()?;
        let options = r.u32("options").ok()?;
        let max = r.u32("max").ok()?;
        let choices = (0..options)
            .map(|_| read_choice(&mut r, bytes))
            .collect::<Option<Vec<Choice>>>()?;
        let blank = read_choice(&mut r, bytes)?;
        let range = RangeProof::read(&mut r, "range", max).ok()?;
        let mut base = Transcript::new(domain::BALLOT);
        base.append_message(b"election", &election.0);
        base.compressed(b"election-key", &key);
        base.compressed(b"credential", &credential);
        base.u32(b"contest", contest);
        base.u32(b"options", options);
        base.u32(b"max", max);
        for c in &choices {
            base.compressed(b"alpha", &c.alpha);
            base.compressed(b"beta", &c.beta);
        }
        base.compressed(b"blank-alpha", &blank.alpha);
        base.compressed(b"blank-beta", &blank.beta);
        let mut failing = Vec::new();
        for (j, c) in choices.iter().enumerate() {
            let mut t = base.clone();
            t.u32(b"option", j as u32);
            if !holds(params, |b| c.proof.verify(&mut t, &c.ct, b).is_ok()) {
                failing.push(Culprit::Option(j as u32));
            }
        }
        let mut t = base.clone();
        t.u32(b"blank", options);
        if !holds(params, |b| blank.proof.verify(&mut t, &blank.ct, b).is_ok()) {
            failing.push(Culprit::Blank);
        }
        let sum = choices.iter().fold(Ciphertext::zero(), |acc, c| acc + c.ct);
        let mut t = base;
        t.u32(b"range", max);
        if !holds(params, |b| {
            range.verify(&mut t, &blank.ct, &sum, max, b).is_ok()
        }) {
            failing.push(Culprit::Range);
        }
        match failing.len() {
            0 => {}
            n if n == choices.len() + 2 => return Some((contest, Culprit::Contest)),
            _ => return Some((contest, failing[0])),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::Payload;
    use crate::verify::testkit::{Fixture, OPENING, Spec};

    fn ballot() -> (Fixture, Vec<u8>) {
        let mut f = Fixture::new(Spec::default());
        let voter = f.electors[3].clone();
        let Payload::Ballot(b) = f.ballot(&voter, &[(0, vec![1]), (1, vec![0, 3])], OPENING + 1)
        else {
            unreachable!()
        };
        (f, b.ballot)
    }

    /// Start of contest 1 in the bytes: header (69), contest 0 with 3 options, max 1.
    const CONTEST_1: usize = 69 + 12 + 4 * 288 + 3 * 32;

    #[test]
    fn a_valid_ballot_has_no_failing_proof() {
        let (f, bytes) = ballot();
        assert_eq!(first_bad_proof(&f.params, &bytes), None);
    }

    #[test]
    fn an_altered_response_names_its_option_the_blank_or_the_range() {
        let (f, bytes) = ballot();
        // Last response of a 0/1 proof: α β a₀ b₀ a₁ b₁ c₀ z₀ z₁.
        for (at, culprit) in [
            (CONTEST_1 + 12 + 2 * 288 + 64 + 6 * 32, Culprit::Option(2)),
            (CONTEST_1 + 12 + 4 * 288 + 64 + 6 * 32, Culprit::Blank),
            (bytes.len() - 64 - 32, Culprit::Range),
        ] {
            let mut bad = bytes.clone();
            bad[at] ^= 1;
            assert_eq!(
                first_bad_proof(&f.params, &bad),
                Some((1, culprit)),
                "byte {at}"
            );
        }
    }

    #[test]
    fn an_altered_ciphertext_fails_every_proof_of_its_contest() {
        let (f, bytes) = ballot();
        // β of option 1 of contest 1, replaced by another group element (α of option 0).
        let mut bad = bytes.clone();
        let alpha0 = CONTEST_1 + 12;
        let beta1 = CONTEST_1 + 12 + 288 + 32;
        let a: Vec<u8> = bad[alpha0..alpha0 + 32].to_vec();
        bad[beta1..beta1 + 32].copy_from_slice(&a);
        assert_eq!(
            first_bad_proof(&f.params, &bad),
            Some((1, Culprit::Contest))
        );
    }
}

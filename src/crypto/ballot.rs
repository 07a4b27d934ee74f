//! The encrypted, proven and signed ballot (docs/protocol.md §Ballot).
//!
//! For every contest of the election, in order: one exponential-ElGamal ciphertext per option
//! with a [`BitProof`] (0 or 1), and a [`RangeProof`] that the number of selections is in
//! `[0, max]` (blank = 0 selections, explicit). All proofs of a contest share a merlin transcript
//! bound to the election fingerprint, the election key, the credential, the contest index and
//! shape, and every ciphertext of the contest; the whole ballot is then signed by the credential.
//! Replaying a ballot under another credential or election breaks both the signature and the
//! proofs. The tracker is `H(URNE-V1-tracker, canonical ballot bytes)`.

use super::CryptoError;
use super::batch::BatchVerifier;
use super::credential::{Credential, CredentialPublicKey};
use super::domain;
use super::elgamal::{Ciphertext, ElectionKey, EncryptionTables};
use super::group::{Encoded, Scalar, TranscriptExt};
use super::proof_bit::BitProof;
use super::proof_range::RangeProof;
use crate::encoding::{DecodeError, Hash32, Reader, Writer, tagged_hash};
use merlin::Transcript;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

/// Version byte of the ballot encoding.
pub const BALLOT_VERSION: u8 = 1;
/// Most options a contest may have (bounds decoding).
pub const MAX_OPTIONS: u32 = 4096;

/// The shape of a contest: number of options (candidacies or lists) and the most an elector may
/// select.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContestShape {
    /// Number of options.
    pub options: u32,
    /// Largest number of selections (≥ 1; 0 selections is the blank vote).
    pub max: u32,
}

/// What a ballot is checked against: the election fingerprint, the election key and the contests.
#[derive(Clone, Debug)]
pub struct ElectionParams {
    /// Hash of the genesis event.
    pub fingerprint: Hash32,
    /// The election key.
    pub key: ElectionKey,
    /// The contests, in ballot order.
    pub contests: Vec<ContestShape>,
    key_bytes: [u8; 32],
}

impl ElectionParams {
    /// Checks the shapes (`1 ≤ max ≤ options ≤ MAX_OPTIONS`).
    pub fn new(
        fingerprint: Hash32,
        key: ElectionKey,
        contests: Vec<ContestShape>,
    ) -> Result<Self, CryptoError> {
        for (i, s) in contests.iter().enumerate() {
            if s.options == 0 || s.options > MAX_OPTIONS || s.max == 0 || s.max > s.options {
                return Err(CryptoError::usage(format!(
                    "scrutin {i} : {} choix, {} au plus — forme invalide",
                    s.options, s.max
                )));
            }
        }
        Ok(ElectionParams {
            fingerprint,
            key,
            contests,
            key_bytes: key.0.compress().to_bytes(),
        })
    }
}

/// One encrypted option and its 0/1 proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedChoice {
    alpha: Encoded,
    beta: Encoded,
    proof: BitProof,
}

impl EncryptedChoice {
    /// The ciphertext.
    pub fn ciphertext(&self) -> Ciphertext {
        Ciphertext {
            alpha: self.alpha.point,
            beta: self.beta.point,
        }
    }
}

/// The part of a ballot for one contest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContestBallot {
    max: u32,
    choices: Vec<EncryptedChoice>,
    range: RangeProof,
}

impl ContestBallot {
    /// The encrypted options, in option order.
    pub fn choices(&self) -> &[EncryptedChoice] {
        &self.choices
    }
    /// The ciphertexts, in option order.
    pub fn ciphertexts(&self) -> Vec<Ciphertext> {
        self.choices
            .iter()
            .map(EncryptedChoice::ciphertext)
            .collect()
    }
    /// The contest's `max` as written in the ballot.
    pub fn max(&self) -> u32 {
        self.max
    }
    fn sum(&self) -> Ciphertext {
        self.choices
            .iter()
            .fold(Ciphertext::zero(), |acc, c| acc + c.ciphertext())
    }
}

/// An elector's ballot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballot {
    election: Hash32,
    credential: CredentialPublicKey,
    contests: Vec<ContestBallot>,
    signature: [u8; 64],
}

fn contest_transcript(
    params: &ElectionParams,
    credential: &CredentialPublicKey,
    index: u32,
    options: u32,
    max: u32,
    choices: impl Iterator<Item = (Encoded, Encoded)>,
) -> Transcript {
    let mut t = Transcript::new(domain::BALLOT);
    t.append_message(b"election", &params.fingerprint.0);
    t.compressed(b"election-key", &params.key_bytes);
    t.compressed(b"credential", &credential.0);
    t.u32(b"contest", index);
    t.u32(b"options", options);
    t.u32(b"max", max);
    for (a, b) in choices {
        t.compressed(b"alpha", &a.bytes);
        t.compressed(b"beta", &b.bytes);
    }
    t
}

impl Ballot {
    /// Encrypts, proves and signs `selections` (per contest, the indices of the selected options;
    /// an empty list is a blank vote). Refuses an unknown or repeated option and more than `max`
    /// selections.
    pub fn prepare<R: CryptoRng + ?Sized>(
        params: &ElectionParams,
        tables: &EncryptionTables,
        credential: &Credential,
        selections: &[Vec<u32>],
        rng: &mut R,
    ) -> Result<Self, CryptoError> {
        if tables.key != params.key {
            return Err(CryptoError::usage("tables d'un autre clé d'élection"));
        }
        if selections.len() != params.contests.len() {
            return Err(CryptoError::usage(format!(
                "{} scrutins attendus, {} reçus",
                params.contests.len(),
                selections.len()
            )));
        }
        let pk = credential.public_key();
        let mut contests = Vec::with_capacity(selections.len());
        for (ci, (shape, selected)) in params.contests.iter().zip(selections).enumerate() {
            let mut bits = vec![false; shape.options as usize];
            for &o in selected {
                match bits.get_mut(o as usize) {
                    Some(b) if !*b => *b = true,
                    Some(_) => {
                        return Err(CryptoError::usage(format!(
                            "scrutin {ci} : choix {o} sélectionné deux fois"
                        )));
                    }
                    None => {
                        return Err(CryptoError::usage(format!(
                            "scrutin {ci} : choix {o} inexistant ({} choix)",
                            shape.options
                        )));
                    }
                }
            }
            let n = selected.len() as u32;
            if n > shape.max {
                return Err(CryptoError::usage(format!(
                    "scrutin {ci} : {n} choix sélectionnés, {} au plus",
                    shape.max
                )));
            }
            let rs: Vec<Zeroizing<Scalar>> = bits
                .iter()
                .map(|_| Zeroizing::new(Scalar::random(rng)))
                .collect();
            let cts: Vec<(Encoded, Encoded)> = bits
                .iter()
                .zip(&rs)
                .map(|(b, r)| {
                    let c = tables.encrypt(u64::from(*b), r);
                    (Encoded::new(c.alpha), Encoded::new(c.beta))
                })
                .collect();
            let base = contest_transcript(
                params,
                &pk,
                ci as u32,
                shape.options,
                shape.max,
                cts.iter().copied(),
            );
            let mut choices = Vec::with_capacity(bits.len());
            for (j, ((b, r), (alpha, beta))) in bits.iter().zip(&rs).zip(cts).enumerate() {
                let mut t = base.clone();
                t.u32(b"option", j as u32);
                let proof = BitProof::prove(&mut t, tables, *b, r, rng);
                choices.push(EncryptedChoice { alpha, beta, proof });
            }
            let r_sum = Zeroizing::new(rs.iter().map(|r| **r).sum::<Scalar>());
            let mut t = base;
            t.u32(b"range", shape.max);
            let range = RangeProof::prove(&mut t, tables, n, shape.max, &r_sum, rng)?;
            contests.push(ContestBallot {
                max: shape.max,
                choices,
                range,
            });
        }
        let mut ballot = Ballot {
            election: params.fingerprint,
            credential: pk,
            contests,
            signature: [0; 64],
        };
        let unsigned = ballot.unsigned_bytes();
        ballot.signature = credential.sign(&signed_message(&unsigned).0);
        Ok(ballot)
    }

    /// The election fingerprint the ballot claims.
    pub fn election(&self) -> Hash32 {
        self.election
    }
    /// The credential that signed the ballot.
    pub fn credential(&self) -> CredentialPublicKey {
        self.credential
    }
    /// The contests, in order.
    pub fn contests(&self) -> &[ContestBallot] {
        &self.contests
    }
    /// The credential's signature.
    pub fn signature(&self) -> [u8; 64] {
        self.signature
    }
    /// The tracker: `H(URNE-V1-tracker, canonical bytes)`.
    pub fn tracker(&self) -> Hash32 {
        tagged_hash(domain::TRACKER, &[&self.encode()])
    }

    fn write_unsigned(&self, w: &mut Writer) {
        w.u8(BALLOT_VERSION);
        w.fixed(&self.election.0);
        self.credential.write(w);
        w.len(self.contests.len());
        for c in &self.contests {
            w.u32(c.choices.len() as u32);
            w.u32(c.max);
            for ch in &c.choices {
                ch.alpha.write(w);
                ch.beta.write(w);
                ch.proof.write(w);
            }
            c.range.write(w);
        }
    }

    fn unsigned_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.write_unsigned(&mut w);
        w.into_bytes()
    }

    /// The canonical encoding (docs/protocol.md §Ballot encoding).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.write_unsigned(&mut w);
        w.fixed(&self.signature);
        w.into_bytes()
    }

    /// Strict decoding: every point valid and canonical, every scalar reduced, no trailing byte.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let start = r.position();
        let version = r.u8("ballot.version")?;
        if version != BALLOT_VERSION {
            return Err(DecodeError {
                field: "ballot.version".into(),
                offset: start,
                reason: format!("version {version} inconnue"),
            });
        }
        let election = Hash32(r.fixed("ballot.election")?);
        let credential = CredentialPublicKey::read(&mut r, "ballot.credential")?;
        let n = r.len("ballot.contests")?;
        let mut contests = Vec::new();
        for ci in 0..n {
            let f = format!("ballot.contests[{ci}]");
            let at = r.position();
            let options = r.u32(&format!("{f}.options"))?;
            let max = r.u32(&format!("{f}.max"))?;
            if options == 0 || options > MAX_OPTIONS || max == 0 || max > options {
                return Err(DecodeError {
                    field: format!("{f}.options"),
                    offset: at,
                    reason: format!("forme invalide : {options} choix, {max} au plus"),
                });
            }
            let mut choices = Vec::new();
            for j in 0..options {
                let g = format!("{f}.choices[{j}]");
                let alpha = Encoded::read(&mut r, &format!("{g}.alpha"))?;
                let beta = Encoded::read(&mut r, &format!("{g}.beta"))?;
                let proof = BitProof::read(&mut r, &format!("{g}.proof"))?;
                choices.push(EncryptedChoice { alpha, beta, proof });
            }
            let range = RangeProof::read(&mut r, &format!("{f}.range_proof"), max)?;
            contests.push(ContestBallot {
                max,
                choices,
                range,
            });
        }
        let signature = r.fixed("ballot.signature")?;
        r.finish("ballot")?;
        Ok(Ballot {
            election,
            credential,
            contests,
            signature,
        })
    }

    /// Verifies the ballot alone (checks in the order of docs/protocol.md §Ballot verification).
    pub fn verify(&self, params: &ElectionParams) -> Result<(), CryptoError> {
        let bytes = self.encode();
        let seed = tagged_hash(domain::BATCH, &[&tagged_hash(domain::TRACKER, &[&bytes]).0]);
        let batch = self.check(params, &bytes, seed)?;
        if batch.verify(&params.key.0) {
            Ok(())
        } else {
            Err(CryptoError::invalid(
                "preuves à divulgation nulle du bulletin",
            ))
        }
    }

    /// Checks everything but the group equations, which are added to a batch seeded by `seed`.
    fn check(
        &self,
        params: &ElectionParams,
        bytes: &[u8],
        seed: Hash32,
    ) -> Result<BatchVerifier, CryptoError> {
        if self.election != params.fingerprint {
            return Err(CryptoError::invalid(format!(
                "bulletin d'une autre élection ({})",
                self.election
            )));
        }
        if self.contests.len() != params.contests.len() {
            return Err(CryptoError::invalid(format!(
                "{} scrutins dans le bulletin, {} dans l'élection",
                self.contests.len(),
                params.contests.len()
            )));
        }
        let unsigned = &bytes[..bytes.len() - 64];
        self.credential
            .verify(&signed_message(unsigned).0, &self.signature)?;
        let mut batch = BatchVerifier::new(seed);
        for (ci, (c, shape)) in self.contests.iter().zip(&params.contests).enumerate() {
            if c.choices.len() as u32 != shape.options || c.max != shape.max {
                return Err(CryptoError::invalid(format!(
                    "scrutin {ci} : forme du bulletin différente de l'élection"
                )));
            }
            let base = contest_transcript(
                params,
                &self.credential,
                ci as u32,
                shape.options,
                shape.max,
                c.choices.iter().map(|ch| (ch.alpha, ch.beta)),
            );
            for (j, ch) in c.choices.iter().enumerate() {
                let mut t = base.clone();
                t.u32(b"option", j as u32);
                ch.proof
                    .verify(&mut t, &ch.ciphertext(), &mut batch)
                    .map_err(|e| CryptoError::invalid(format!("scrutin {ci}, choix {j} : {e}")))?;
            }
            let mut t = base;
            t.u32(b"range", shape.max);
            c.range
                .verify(&mut t, &c.sum(), shape.max, &mut batch)
                .map_err(|e| CryptoError::invalid(format!("scrutin {ci} : {e}")))?;
        }
        Ok(batch)
    }
}

/// The message the credential signs: `H(URNE-V1-ballot-signature, unsigned ballot bytes)`.
fn signed_message(unsigned: &[u8]) -> Hash32 {
    tagged_hash(domain::BALLOT_SIGNATURE, &[unsigned])
}

/// A ballot that failed batch verification: its index in the input and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bulletin n°{index} : {error}")]
pub struct BallotRejected {
    /// Index in the verified slice.
    pub index: usize,
    /// The reason.
    pub error: CryptoError,
}

/// Ballots per multiscalar multiplication in [`verify_ballots`].
pub const BATCH_SIZE: usize = 32;

/// Verifies many ballots: groups of [`BATCH_SIZE`] share one multiscalar multiplication (weights
/// seeded by the hash of all the group's trackers); a failing group is re-checked ballot by ballot
/// to name the culprit. Groups run on all cores with the `parallel` feature.
pub fn verify_ballots(ballots: &[Ballot], params: &ElectionParams) -> Result<(), BallotRejected> {
    let groups: Vec<(usize, &[Ballot])> = ballots
        .chunks(BATCH_SIZE)
        .enumerate()
        .map(|(i, c)| (i * BATCH_SIZE, c))
        .collect();
    let check = |(offset, group): &(usize, &[Ballot])| verify_group(*offset, group, params);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        groups
            .par_iter()
            .map(check)
            .collect::<Result<Vec<()>, _>>()?;
    }
    #[cfg(not(feature = "parallel"))]
    {
        groups.iter().map(check).collect::<Result<Vec<()>, _>>()?;
    }
    Ok(())
}

fn verify_group(
    offset: usize,
    group: &[Ballot],
    params: &ElectionParams,
) -> Result<(), BallotRejected> {
    let encoded: Vec<Vec<u8>> = group.iter().map(Ballot::encode).collect();
    let trackers: Vec<Hash32> = encoded
        .iter()
        .map(|b| tagged_hash(domain::TRACKER, &[b]))
        .collect();
    let all: Vec<&[u8]> = trackers.iter().map(|t| &t.0[..]).collect();
    let group_seed = tagged_hash(domain::BATCH, &all);
    let mut batch: Option<BatchVerifier> = None;
    for (i, (b, bytes)) in group.iter().zip(&encoded).enumerate() {
        let seed = tagged_hash(domain::BATCH, &[&group_seed.0, &trackers[i].0]);
        let one = b
            .check(params, bytes, seed)
            .map_err(|error| BallotRejected {
                index: offset + i,
                error,
            })?;
        match batch.as_mut() {
            Some(acc) => acc.absorb(one),
            None => batch = Some(one),
        }
    }
    if batch.is_none_or(|b| b.verify(&params.key.0)) {
        return Ok(());
    }
    for (i, b) in group.iter().enumerate() {
        b.verify(params).map_err(|error| BallotRejected {
            index: offset + i,
            error,
        })?;
    }
    // The batch failed but every ballot passes alone: only possible with negligible probability.
    Err(BallotRejected {
        index: offset,
        error: CryptoError::invalid("vérification groupée"),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::crypto::code::VoterCode;
    use crate::crypto::group::Point;
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    pub(crate) fn setup(
        shapes: &[(u32, u32)],
        seed: u8,
    ) -> (ElectionParams, EncryptionTables, Scalar) {
        let mut rng = ChaCha20Rng::from_seed([seed; 32]);
        let x = Scalar::random(&mut rng);
        let key = ElectionKey(Point::mul_base(&x));
        let params = ElectionParams::new(
            tagged_hash("URNE-V1-test-election", &[&[seed]]),
            key,
            shapes
                .iter()
                .map(|&(options, max)| ContestShape { options, max })
                .collect(),
        )
        .unwrap();
        (params, EncryptionTables::new(key), x)
    }

    pub(crate) fn credential(seed: u8) -> Credential {
        let mut rng = ChaCha20Rng::from_seed([seed; 32]);
        let secret: [u8; 64] = std::array::from_fn(|_| {
            let mut b = [0u8; 1];
            rand_core::Rng::fill_bytes(&mut rng, &mut b);
            b[0]
        });
        Credential::from_secret_bytes(&secret)
    }

    fn resign(b: &mut Ballot, cred: &Credential) {
        b.signature = cred.sign(&signed_message(&b.unsigned_bytes()).0);
    }

    #[test]
    fn valid_and_blank_ballots_verify_and_round_trip() {
        let (params, tables, _) = setup(&[(5, 1), (4, 3)], 1);
        let cred = credential(2);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        for sel in [
            vec![vec![2], vec![0, 3]],
            vec![vec![], vec![]],
            vec![vec![4], vec![0, 1, 2]],
        ] {
            let b = Ballot::prepare(&params, &tables, &cred, &sel, &mut rng).unwrap();
            b.verify(&params).unwrap();
            let bytes = b.encode();
            let back = Ballot::decode(&bytes).unwrap();
            assert_eq!(back, b);
            assert_eq!(back.tracker(), b.tracker());
            back.verify(&params).unwrap();
        }
    }

    #[test]
    fn max_plus_one_selections_cannot_be_proven() {
        let (params, tables, x) = setup(&[(5, 2)], 1);
        let cred = credential(2);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let err = Ballot::prepare(&params, &tables, &cred, &[vec![0, 1, 2]], &mut rng).unwrap_err();
        assert!(matches!(err, CryptoError::Usage(_)), "{err}");
        // Nor at the level of the range proof itself.
        let r = Scalar::random(&mut rng);
        let mut t = Transcript::new(b"test");
        assert!(RangeProof::prove(&mut t, &tables, 3, 2, &r, &mut rng).is_err());
        let _ = x;
        // Duplicates and unknown options are refused too.
        assert!(Ballot::prepare(&params, &tables, &cred, &[vec![1, 1]], &mut rng).is_err());
        assert!(Ballot::prepare(&params, &tables, &cred, &[vec![5]], &mut rng).is_err());
    }

    #[test]
    fn a_ballot_replayed_under_another_credential_is_rejected() {
        let (params, tables, _) = setup(&[(5, 1)], 1);
        let (alice, mallory) = (credential(2), credential(3));
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let b = Ballot::prepare(&params, &tables, &alice, &[vec![1]], &mut rng).unwrap();
        let mut stolen = b.clone();
        stolen.credential = mallory.public_key();
        // Without re-signing the signature fails; re-signed by Mallory, the proofs fail.
        assert!(stolen.verify(&params).is_err());
        resign(&mut stolen, &mallory);
        let err = stolen.verify(&params).unwrap_err();
        assert!(err.to_string().contains("preuves"), "{err}");
    }

    #[test]
    fn a_ballot_replayed_in_another_election_is_rejected() {
        let (params, tables, _) = setup(&[(5, 1)], 1);
        let alice = credential(2);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let b = Ballot::prepare(&params, &tables, &alice, &[vec![1]], &mut rng).unwrap();
        // Another election with the same key and shape.
        let other = ElectionParams::new(
            tagged_hash("URNE-V1-test-election", &[b"other"]),
            params.key,
            params.contests.clone(),
        )
        .unwrap();
        assert!(b.verify(&other).is_err());
        // Even rewritten and re-signed by the same elector, the proofs are bound to the first one.
        let mut moved = b.clone();
        moved.election = other.fingerprint;
        resign(&mut moved, &alice);
        let err = moved.verify(&other).unwrap_err();
        assert!(err.to_string().contains("preuves"), "{err}");
    }

    #[test]
    fn altering_any_single_byte_of_a_ballot_is_rejected() {
        let (params, tables, _) = setup(&[(2, 1), (3, 2)], 4);
        let alice = credential(5);
        let mut rng = ChaCha20Rng::from_seed([6; 32]);
        let b =
            Ballot::prepare(&params, &tables, &alice, &[vec![0], vec![1, 2]], &mut rng).unwrap();
        let bytes = b.encode();
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x80] {
                let mut bad = bytes.clone();
                bad[i] ^= flip;
                if let Ok(decoded) = Ballot::decode(&bad) {
                    assert!(
                        decoded.verify(&params).is_err(),
                        "octet {i} altéré ({flip:#x}) accepté"
                    );
                }
            }
        }
        // Truncation and trailing bytes are refused by the decoder, naming the field.
        let err = Ballot::decode(&bytes[..bytes.len() - 1]).unwrap_err();
        assert_eq!(err.field, "ballot.signature");
        let mut long = bytes.clone();
        long.push(0);
        assert_eq!(Ballot::decode(&long).unwrap_err().field, "ballot");
    }

    #[test]
    fn a_proof_is_rejected_when_its_challenge_is_shifted_between_branches() {
        // Moving weight between c₀ and c₁ keeps the sum but breaks the branch equations.
        let (params, tables, _) = setup(&[(3, 1)], 7);
        let alice = credential(8);
        let mut rng = ChaCha20Rng::from_seed([9; 32]);
        let mut b = Ballot::prepare(&params, &tables, &alice, &[vec![2]], &mut rng).unwrap();
        b.contests[0].choices[1].proof.0.challenges[0] += Scalar::ONE;
        resign(&mut b, &alice);
        assert!(b.verify(&params).is_err());
    }

    #[test]
    fn batch_verification_names_the_bad_ballot() {
        let (params, tables, _) = setup(&[(5, 1)], 1);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let mut ballots: Vec<Ballot> = (0..40u8)
            .map(|i| {
                Ballot::prepare(
                    &params,
                    &tables,
                    &credential(i),
                    &[vec![u32::from(i % 5)]],
                    &mut rng,
                )
                .unwrap()
            })
            .collect();
        verify_ballots(&ballots, &params).unwrap();
        let c = credential(37);
        ballots[37].contests[0].choices[0].proof.0.responses[1] += Scalar::ONE;
        resign(&mut ballots[37], &c);
        assert_eq!(verify_ballots(&ballots, &params).unwrap_err().index, 37);
    }

    #[test]
    fn a_ballot_made_from_a_code_is_signed_by_the_derived_credential() {
        let (params, tables, _) = setup(&[(2, 1)], 1);
        let code = VoterCode::generate(&mut ChaCha20Rng::from_seed([1; 32]));
        let cred = Credential::derive(&code, "campagne").unwrap();
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let b = Ballot::prepare(&params, &tables, &cred, &[vec![1]], &mut rng).unwrap();
        assert_eq!(b.credential(), cred.public_key());
        b.verify(&params).unwrap();
    }
}

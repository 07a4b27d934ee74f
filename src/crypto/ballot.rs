//! The encrypted, proven and signed ballot (docs/protocol.md §5, decision D1 of the plan).
//!
//! A ballot carries exactly the contests its credential has rights in (the genesis `rights`),
//! each tagged with its contest index, in strictly increasing order. For every contest: one
//! exponential-ElGamal ciphertext per option with a [`BitProof`] (0 or 1), an explicit **blank**
//! ciphertext with its own [`BitProof`] (1 iff no option is selected), and a [`RangeProof`] that
//! `max·blank + Σ options ∈ [1, max]` — so the ballot is either blank with no option, or not blank
//! with 1 to `max` options. The blank is counted like an option, which is how the procès-verbal
//! gets its « blancs » for multi-choice contests.
//!
//! All proofs of a contest share a merlin transcript bound to the election fingerprint, the
//! election key, the credential, the contest index and shape, and every ciphertext of the contest
//! (the blank included); the whole ballot is then signed by the credential. Replaying a ballot
//! under another credential or election breaks both the signature and the proofs. The tracker is
//! `H(URNE-V1-tracker, canonical ballot bytes)`.

use super::CryptoError;
use super::batch::BatchVerifier;
use super::credential::{Credential, CredentialPublicKey, verify_with};
use super::domain;
use super::elgamal::{Ciphertext, ElectionKey, EncryptionTables};
use super::group::{Encoded, Scalar, TranscriptExt};
use super::proof_bit::BitProof;
use super::proof_range::{RangeProof, RangeWitness};
use crate::encoding::{DecodeError, Hash32, Reader, Writer, tagged_hash};
use ed25519_dalek::VerifyingKey;
use merlin::Transcript;
use rand_core::CryptoRng;
use std::sync::{Arc, OnceLock};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

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
    /// Largest number of selections (≥ 1; the blank vote is explicit, not "0 selections").
    pub max: u32,
}

impl ContestShape {
    fn check(&self, contest: u32) -> Result<(), CryptoError> {
        if self.options == 0
            || self.options > MAX_OPTIONS
            || self.max == 0
            || self.max > self.options
        {
            return Err(CryptoError::usage(format!(
                "scrutin {contest} : {} choix, {} au plus — forme invalide",
                self.options, self.max
            )));
        }
        Ok(())
    }
}

/// What a ballot is made and checked against: the election fingerprint, the election key and
/// the shapes of the election's contests, by contest index (docs/protocol.md §5.1).
#[derive(Clone, Debug)]
pub struct ElectionParams {
    /// Hash of the genesis event.
    pub fingerprint: Hash32,
    /// The election key.
    pub key: ElectionKey,
    contests: Vec<(u32, ContestShape)>,
    key_bytes: [u8; 32],
    /// Fixed-base tables of the key, built on first encryption (verification does not need them).
    tables: Arc<OnceLock<EncryptionTables>>,
}

impl ElectionParams {
    /// The parameters of an election whose contests are `contests`, contest `i` at index `i` (the
    /// order of the election definition). Checks the shapes (`1 ≤ max ≤ options ≤ MAX_OPTIONS`).
    pub fn new(
        fingerprint: Hash32,
        key: ElectionKey,
        contests: Vec<ContestShape>,
    ) -> Result<Self, CryptoError> {
        let indexed = contests
            .into_iter()
            .enumerate()
            .map(|(i, s)| (i as u32, s))
            .collect();
        Self::with_contests(fingerprint, key, indexed)
    }

    /// The parameters for some contests of an election, given with their contest indices
    /// (strictly increasing) — what the voting booth knows: the contests of one credential.
    pub fn with_contests(
        fingerprint: Hash32,
        key: ElectionKey,
        contests: Vec<(u32, ContestShape)>,
    ) -> Result<Self, CryptoError> {
        if contests.is_empty() {
            return Err(CryptoError::usage("aucun scrutin"));
        }
        for (i, (c, s)) in contests.iter().enumerate() {
            s.check(*c)?;
            if i > 0 && contests[i - 1].0 >= *c {
                return Err(CryptoError::usage(format!(
                    "scrutin {c} après le scrutin {} : indices non strictement croissants",
                    contests[i - 1].0
                )));
            }
        }
        Ok(ElectionParams {
            fingerprint,
            key,
            contests,
            key_bytes: key.0.compress().to_bytes(),
            tables: Arc::new(OnceLock::new()),
        })
    }

    /// The contests and their shapes, by increasing contest index.
    pub fn contests(&self) -> &[(u32, ContestShape)] {
        &self.contests
    }

    /// The shape of contest `contest`, if the parameters have it.
    pub fn shape(&self, contest: u32) -> Option<ContestShape> {
        self.contests
            .binary_search_by_key(&contest, |(c, _)| *c)
            .ok()
            .map(|i| self.contests[i].1)
    }

    /// Fixed-base tables of `G` and the election key (built once, on first use).
    pub fn tables(&self) -> &EncryptionTables {
        self.tables.get_or_init(|| EncryptionTables::new(self.key))
    }
}

/// The elector's choice in one contest: the selected options (empty = blank vote). Zeroized on
/// drop and never printed: it is the secret of the vote.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct ContestChoice {
    /// Contest index (in the election definition).
    pub contest: u32,
    /// Indices of the selected options; empty for a blank vote.
    pub selected: Vec<u32>,
}

impl std::fmt::Debug for ContestChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContestChoice")
            .field("contest", &self.contest)
            .field("selected", &"<secret>")
            .finish()
    }
}

/// One encrypted option (or the blank) and its 0/1 proof.
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

    fn write(&self, w: &mut Writer) {
        self.alpha.write(w);
        self.beta.write(w);
        self.proof.write(w);
    }

    fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        let alpha = Encoded::read(r, &format!("{field}.alpha"))?;
        let beta = Encoded::read(r, &format!("{field}.beta"))?;
        let proof = BitProof::read(r, &format!("{field}.proof"))?;
        Ok(EncryptedChoice { alpha, beta, proof })
    }
}

/// The part of a ballot for one contest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContestBallot {
    contest: u32,
    max: u32,
    choices: Vec<EncryptedChoice>,
    blank: EncryptedChoice,
    range: RangeProof,
}

impl ContestBallot {
    /// The contest index.
    pub fn contest(&self) -> u32 {
        self.contest
    }
    /// The number of options as written in the ballot.
    pub fn options(&self) -> u32 {
        self.choices.len() as u32
    }
    /// The contest's `max` as written in the ballot.
    pub fn max(&self) -> u32 {
        self.max
    }
    /// The encrypted options, in option order.
    pub fn choices(&self) -> &[EncryptedChoice] {
        &self.choices
    }
    /// The encrypted blank (1 iff no option is selected).
    pub fn blank(&self) -> &EncryptedChoice {
        &self.blank
    }
    /// The option ciphertexts, in option order.
    pub fn ciphertexts(&self) -> Vec<Ciphertext> {
        self.choices
            .iter()
            .map(EncryptedChoice::ciphertext)
            .collect()
    }
}

/// An elector's ballot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballot {
    election: Hash32,
    credential: CredentialPublicKey,
    /// `credential` decompressed (at decoding or from the signing key).
    credential_key: VerifyingKey,
    contests: Vec<ContestBallot>,
    signature: [u8; 64],
}

/// The shape of a contest as it enters its transcript.
struct TranscriptHead<'a> {
    params: &'a ElectionParams,
    credential: &'a CredentialPublicKey,
    contest: u32,
    options: u32,
    max: u32,
}

/// `T_c` of docs/protocol.md §5.2.
fn contest_transcript(
    head: &TranscriptHead<'_>,
    choices: impl Iterator<Item = (Encoded, Encoded)>,
    blank: (Encoded, Encoded),
) -> Transcript {
    let mut t = Transcript::new(domain::BALLOT);
    t.append_message(b"election", &head.params.fingerprint.0);
    t.compressed(b"election-key", &head.params.key_bytes);
    t.compressed(b"credential", &head.credential.0);
    t.u32(b"contest", head.contest);
    t.u32(b"options", head.options);
    t.u32(b"max", head.max);
    for (a, b) in choices {
        t.compressed(b"alpha", &a.bytes);
        t.compressed(b"beta", &b.bytes);
    }
    t.compressed(b"blank-alpha", &blank.0.bytes);
    t.compressed(b"blank-beta", &blank.1.bytes);
    t
}

/// `0, 2, 5` (or `aucun`), for error messages.
pub(crate) fn contest_list(contests: impl IntoIterator<Item = u32>) -> String {
    let v: Vec<String> = contests.into_iter().map(|c| c.to_string()).collect();
    if v.is_empty() {
        "aucun".to_owned()
    } else {
        v.join(", ")
    }
}

/// Encrypts and proves one contest.
fn prepare_contest<R: CryptoRng + ?Sized>(
    params: &ElectionParams,
    credential: &CredentialPublicKey,
    choice: &ContestChoice,
    shape: ContestShape,
    rng: &mut R,
) -> Result<ContestBallot, CryptoError> {
    let ci = choice.contest;
    let tables = params.tables();
    let mut bits = Zeroizing::new(vec![false; shape.options as usize]);
    for &o in &choice.selected {
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
    let n = choice.selected.len() as u32;
    if n > shape.max {
        return Err(CryptoError::usage(format!(
            "scrutin {ci} : {n} choix sélectionnés, {} au plus",
            shape.max
        )));
    }
    let is_blank = n == 0;
    let rs: Vec<Zeroizing<Scalar>> = bits
        .iter()
        .map(|_| Zeroizing::new(Scalar::random(rng)))
        .collect();
    let r_blank = Zeroizing::new(Scalar::random(rng));
    let encrypt = |bit: bool, r: &Scalar| {
        let c = tables.encrypt(u64::from(bit), r);
        (Encoded::new(c.alpha), Encoded::new(c.beta))
    };
    let cts: Vec<(Encoded, Encoded)> = bits.iter().zip(&rs).map(|(b, r)| encrypt(*b, r)).collect();
    let blank_ct = encrypt(is_blank, &r_blank);
    let head = TranscriptHead {
        params,
        credential,
        contest: ci,
        options: shape.options,
        max: shape.max,
    };
    let base = contest_transcript(&head, cts.iter().copied(), blank_ct);
    let mut choices = Vec::with_capacity(bits.len());
    for (j, ((b, r), (alpha, beta))) in bits.iter().zip(&rs).zip(cts).enumerate() {
        let mut t = base.clone();
        t.u32(b"option", j as u32);
        let proof = BitProof::prove(&mut t, tables, *b, r, rng);
        choices.push(EncryptedChoice { alpha, beta, proof });
    }
    let mut t = base.clone();
    t.u32(b"blank", shape.options);
    let blank = EncryptedChoice {
        alpha: blank_ct.0,
        beta: blank_ct.1,
        proof: BitProof::prove(&mut t, tables, is_blank, &r_blank, rng),
    };
    let r_options = Zeroizing::new(rs.iter().map(|r| **r).sum::<Scalar>());
    let mut t = base;
    t.u32(b"range", shape.max);
    let witness = RangeWitness {
        blank: is_blank,
        selections: n,
        r_blank: &r_blank,
        r_options: &r_options,
    };
    let range = RangeProof::prove(&mut t, tables, witness, shape.max, rng)
        .map_err(|e| CryptoError::usage(format!("scrutin {ci} : {e}")))?;
    Ok(ContestBallot {
        contest: ci,
        max: shape.max,
        choices,
        blank,
        range,
    })
}

impl Ballot {
    /// Encrypts, proves and signs `choices`: one per contest of the credential, by strictly
    /// increasing contest index (an empty `selected` is a blank vote). Refuses an unknown contest,
    /// an unknown or repeated option and more than `max` selections.
    pub fn prepare<R: CryptoRng + ?Sized>(
        params: &ElectionParams,
        credential: &Credential,
        choices: &[ContestChoice],
        rng: &mut R,
    ) -> Result<Self, CryptoError> {
        if choices.is_empty() {
            return Err(CryptoError::usage("un bulletin porte au moins un scrutin"));
        }
        let pk = credential.public_key();
        let mut contests = Vec::with_capacity(choices.len());
        for (i, choice) in choices.iter().enumerate() {
            if i > 0 && choices[i - 1].contest >= choice.contest {
                return Err(CryptoError::usage(format!(
                    "scrutin {} après le scrutin {} : les scrutins vont par indice strictement croissant",
                    choice.contest,
                    choices[i - 1].contest
                )));
            }
            let shape = params.shape(choice.contest).ok_or_else(|| {
                CryptoError::usage(format!("scrutin {} inconnu de l'élection", choice.contest))
            })?;
            contests.push(prepare_contest(params, &pk, choice, shape, rng)?);
        }
        let mut ballot = Ballot {
            election: params.fingerprint,
            credential: pk,
            credential_key: credential.verifying_key(),
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
    /// The contests, by increasing contest index.
    pub fn contests(&self) -> &[ContestBallot] {
        &self.contests
    }
    /// The contest indices the ballot carries.
    pub fn contest_indices(&self) -> Vec<u32> {
        self.contests.iter().map(ContestBallot::contest).collect()
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
            w.u32(c.contest);
            w.u32(c.choices.len() as u32);
            w.u32(c.max);
            for ch in &c.choices {
                ch.write(w);
            }
            c.blank.write(w);
            c.range.write(w);
        }
    }

    fn unsigned_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.write_unsigned(&mut w);
        w.into_bytes()
    }

    /// The canonical encoding (docs/protocol.md §5.4).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.write_unsigned(&mut w);
        w.fixed(&self.signature);
        w.into_bytes()
    }

    /// Strict decoding (docs/protocol.md §5.4): at least one contest, contest indices strictly
    /// increasing, shapes within bounds, every point valid and canonical, every scalar reduced,
    /// no trailing byte. Errors name the field and its byte offset.
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
        let (credential, credential_key) =
            CredentialPublicKey::read_verifying(&mut r, "ballot.credential")?;
        let at = r.position();
        let n = r.len("ballot.contests")?;
        if n == 0 {
            return Err(DecodeError {
                field: "ballot.contests".into(),
                offset: at,
                reason: "un bulletin porte au moins un scrutin".into(),
            });
        }
        let mut contests: Vec<ContestBallot> = Vec::new();
        for ci in 0..n {
            let f = format!("ballot.contests[{ci}]");
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
                choices.push(EncryptedChoice::read(&mut r, &format!("{f}.choices[{j}]"))?);
            }
            let blank = EncryptedChoice::read(&mut r, &format!("{f}.blank"))?;
            let range = RangeProof::read(&mut r, &format!("{f}.range_proof"), max)?;
            contests.push(ContestBallot {
                contest,
                max,
                choices,
                blank,
                range,
            });
        }
        let signature = r.fixed("ballot.signature")?;
        r.finish("ballot")?;
        Ok(Ballot {
            election,
            credential,
            credential_key,
            contests,
            signature,
        })
    }

    /// Verifies the ballot alone, in the order of docs/protocol.md §5.5. `contests` are the
    /// contest indices of the credential's rights (increasing): the ballot must carry exactly
    /// those.
    pub fn verify(&self, params: &ElectionParams, contests: &[u32]) -> Result<(), CryptoError> {
        let bytes = self.encode();
        let seed = tagged_hash(domain::BATCH, &[&tagged_hash(domain::TRACKER, &[&bytes]).0]);
        let batch = self.check(params, contests, &bytes, seed)?;
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
        rights: &[u32],
        bytes: &[u8],
        seed: Hash32,
    ) -> Result<BatchVerifier, CryptoError> {
        if self.election != params.fingerprint {
            return Err(CryptoError::invalid(format!(
                "bulletin d'une autre élection ({})",
                self.election
            )));
        }
        if self.contests.len() != rights.len()
            || self
                .contests
                .iter()
                .zip(rights)
                .any(|(c, r)| c.contest != *r)
        {
            return Err(CryptoError::invalid(format!(
                "le bulletin porte les scrutins {}, le justificatif a des droits dans les scrutins {}",
                contest_list(self.contests.iter().map(ContestBallot::contest)),
                contest_list(rights.iter().copied())
            )));
        }
        let mut shapes = Vec::with_capacity(self.contests.len());
        for c in &self.contests {
            let shape = params.shape(c.contest).ok_or_else(|| {
                CryptoError::invalid(format!("scrutin {} inconnu de l'élection", c.contest))
            })?;
            if c.options() != shape.options || c.max != shape.max {
                return Err(CryptoError::invalid(format!(
                    "scrutin {} : {} choix et {} au plus dans le bulletin, {} et {} dans l'élection",
                    c.contest,
                    c.options(),
                    c.max,
                    shape.options,
                    shape.max
                )));
            }
            shapes.push(shape);
        }
        let unsigned = bytes
            .get(..bytes.len().saturating_sub(64))
            .unwrap_or_default();
        verify_with(
            &self.credential_key,
            &signed_message(unsigned).0,
            &self.signature,
        )?;
        let mut batch = BatchVerifier::new(seed);
        for (c, shape) in self.contests.iter().zip(shapes) {
            let ci = c.contest;
            let head = TranscriptHead {
                params,
                credential: &self.credential,
                contest: ci,
                options: shape.options,
                max: shape.max,
            };
            let base = contest_transcript(
                &head,
                c.choices.iter().map(|ch| (ch.alpha, ch.beta)),
                (c.blank.alpha, c.blank.beta),
            );
            // Every ciphertext enters the batch once, with the sum of its coefficients in its
            // 0/1 proof and in the range proof (docs/protocol.md §5.6).
            let mut coefficients = Vec::with_capacity(c.choices.len());
            for (j, ch) in c.choices.iter().enumerate() {
                let mut t = base.clone();
                t.u32(b"option", j as u32);
                let k = ch
                    .proof
                    .verify_deferred(&mut t, &mut batch)
                    .map_err(|e| CryptoError::invalid(format!("scrutin {ci}, choix {j} : {e}")))?;
                coefficients.push(k);
            }
            let mut t = base.clone();
            t.u32(b"blank", shape.options);
            let kb = c
                .blank
                .proof
                .verify_deferred(&mut t, &mut batch)
                .map_err(|e| CryptoError::invalid(format!("scrutin {ci}, blanc : {e}")))?;
            let mut t = base;
            t.u32(b"range", shape.max);
            let kr = c
                .range
                .verify_deferred(&mut t, shape.max, &mut batch)
                .map_err(|e| CryptoError::invalid(format!("scrutin {ci} : {e}")))?;
            let m = Scalar::from(shape.max);
            batch.push(kb.alpha + m * kr.alpha, c.blank.alpha.point);
            batch.push(kb.beta + m * kr.beta, c.blank.beta.point);
            for (ch, k) in c.choices.iter().zip(coefficients) {
                batch.push(k.alpha + kr.alpha, ch.alpha.point);
                batch.push(k.beta + kr.beta, ch.beta.point);
            }
        }
        Ok(batch)
    }
}

/// The message the credential signs: `H(URNE-V1-ballot-signature, unsigned ballot bytes)`.
fn signed_message(unsigned: &[u8]) -> Hash32 {
    tagged_hash(domain::BALLOT_SIGNATURE, &[unsigned])
}

/// A ballot that failed verification: its index in the input and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bulletin n°{index} : {error}")]
pub struct BallotRejected {
    /// Index in the verified slice.
    pub index: usize,
    /// The reason.
    pub error: CryptoError,
}

/// Ballots per multiscalar multiplication in [`verify_ballots`].
pub const BATCH_SIZE: usize = 64;

/// A ballot to verify with the contest indices of its credential's rights.
pub type BallotWithRights<'a> = (&'a Ballot, &'a [u32]);

/// Verifies many ballots, each against the contests of its credential; the first failure (lowest
/// index) is returned. See [`invalid_ballots`].
pub fn verify_ballots(
    ballots: &[BallotWithRights<'_>],
    params: &ElectionParams,
) -> Result<(), BallotRejected> {
    match invalid_ballots(ballots, params).into_iter().next() {
        Some(r) => Err(r),
        None => Ok(()),
    }
}

/// Verifies many ballots and lists every failure, by increasing index. Groups of [`BATCH_SIZE`]
/// share one multiscalar multiplication (weights seeded by the hash of all the group's trackers);
/// a failing group is re-checked ballot by ballot to name the culprits. Groups run on all cores
/// with the `parallel` feature.
pub fn invalid_ballots(
    ballots: &[BallotWithRights<'_>],
    params: &ElectionParams,
) -> Vec<BallotRejected> {
    let groups: Vec<(usize, &[BallotWithRights<'_>])> = ballots
        .chunks(BATCH_SIZE)
        .enumerate()
        .map(|(i, c)| (i * BATCH_SIZE, c))
        .collect();
    let check =
        |(offset, group): &(usize, &[BallotWithRights<'_>])| verify_group(*offset, group, params);
    #[cfg(feature = "parallel")]
    let failures: Vec<Vec<BallotRejected>> = {
        use rayon::prelude::*;
        groups.par_iter().map(check).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let failures: Vec<Vec<BallotRejected>> = groups.iter().map(check).collect();
    failures.into_iter().flatten().collect()
}

fn verify_group(
    offset: usize,
    group: &[BallotWithRights<'_>],
    params: &ElectionParams,
) -> Vec<BallotRejected> {
    let encoded: Vec<Vec<u8>> = group.iter().map(|(b, _)| b.encode()).collect();
    let trackers: Vec<Hash32> = encoded
        .iter()
        .map(|b| tagged_hash(domain::TRACKER, &[b]))
        .collect();
    let all: Vec<&[u8]> = trackers.iter().map(|t| &t.0[..]).collect();
    let group_seed = tagged_hash(domain::BATCH, &all);
    let mut failures = Vec::new();
    let mut batched = Vec::new();
    let mut batch: Option<BatchVerifier> = None;
    for (i, ((b, rights), bytes)) in group.iter().zip(&encoded).enumerate() {
        let seed = tagged_hash(domain::BATCH, &[&group_seed.0, &trackers[i].0]);
        match b.check(params, rights, bytes, seed) {
            Ok(one) => {
                batched.push(i);
                match batch.as_mut() {
                    Some(acc) => acc.absorb(one),
                    None => batch = Some(one),
                }
            }
            Err(error) => failures.push(BallotRejected {
                index: offset + i,
                error,
            }),
        }
    }
    if !batch.is_none_or(|b| b.verify(&params.key.0)) {
        // Some equation failed: find which ballots, one by one.
        for i in batched {
            let (b, rights) = group[i];
            if let Err(error) = b.verify(params, rights) {
                failures.push(BallotRejected {
                    index: offset + i,
                    error,
                });
            }
        }
        failures.sort_by_key(|f| f.index);
    }
    failures
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::crypto::code::VoterCode;
    use crate::crypto::group::Point;
    use crate::crypto::or_proof::OrProof;
    use crate::crypto::proof_bit::BIT_PROOF_LEN;
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    pub(crate) fn setup(shapes: &[(u32, u32)], seed: u8) -> (ElectionParams, Scalar) {
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
        (params, x)
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

    /// `[(contest, [selected…])…]` as choices.
    pub(crate) fn choices(v: &[(u32, &[u32])]) -> Vec<ContestChoice> {
        v.iter()
            .map(|(contest, selected)| ContestChoice {
                contest: *contest,
                selected: selected.to_vec(),
            })
            .collect()
    }

    fn resign(b: &mut Ballot, cred: &Credential) {
        b.signature = cred.sign(&signed_message(&b.unsigned_bytes()).0);
    }

    /// A one-contest ballot built by a dishonest prover: arbitrary option bits and blank bit
    /// (each with an honest 0/1 proof), and a range proof run on branch `claimed` whatever the
    /// ciphertext really encrypts.
    fn forged(
        params: &ElectionParams,
        cred: &Credential,
        contest: u32,
        bits: &[bool],
        blank: bool,
        claimed: usize,
        rng: &mut ChaCha20Rng,
    ) -> Ballot {
        let shape = params.shape(contest).unwrap();
        let tables = params.tables();
        let pk = cred.public_key();
        let rs: Vec<Scalar> = bits.iter().map(|_| Scalar::random(rng)).collect();
        let rb = Scalar::random(rng);
        let enc = |bit: bool, r: &Scalar| {
            let c = tables.encrypt(u64::from(bit), r);
            (Encoded::new(c.alpha), Encoded::new(c.beta))
        };
        let cts: Vec<_> = bits.iter().zip(&rs).map(|(b, r)| enc(*b, r)).collect();
        let bct = enc(blank, &rb);
        let head = TranscriptHead {
            params,
            credential: &pk,
            contest,
            options: shape.options,
            max: shape.max,
        };
        let base = contest_transcript(&head, cts.iter().copied(), bct);
        let choices = bits
            .iter()
            .zip(&rs)
            .zip(&cts)
            .enumerate()
            .map(|(j, ((b, r), (alpha, beta)))| {
                let mut t = base.clone();
                t.u32(b"option", j as u32);
                EncryptedChoice {
                    alpha: *alpha,
                    beta: *beta,
                    proof: BitProof::prove(&mut t, tables, *b, r, rng),
                }
            })
            .collect();
        let mut t = base.clone();
        t.u32(b"blank", shape.options);
        let blank_choice = EncryptedChoice {
            alpha: bct.0,
            beta: bct.1,
            proof: BitProof::prove(&mut t, tables, blank, &rb, rng),
        };
        let r = Scalar::from(shape.max) * rb + rs.iter().sum::<Scalar>();
        let mut t = base;
        t.u32(b"range", shape.max);
        let range = RangeProof(OrProof::prove(
            &mut t,
            tables,
            claimed,
            &r,
            shape.max as usize,
            rng,
        ));
        let mut b = Ballot {
            election: params.fingerprint,
            credential: pk,
            credential_key: cred.verifying_key(),
            contests: vec![ContestBallot {
                contest,
                max: shape.max,
                choices,
                blank: blank_choice,
                range,
            }],
            signature: [0; 64],
        };
        resign(&mut b, cred);
        b
    }

    #[test]
    fn valid_and_blank_ballots_verify_and_round_trip() {
        let (params, _) = setup(&[(5, 1), (4, 3)], 1);
        let cred = credential(2);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        for sel in [
            choices(&[(0, &[2]), (1, &[0, 3])]),
            choices(&[(0, &[]), (1, &[])]),
            choices(&[(0, &[4]), (1, &[0, 1, 2])]),
            choices(&[(0, &[]), (1, &[2])]),
        ] {
            let b = Ballot::prepare(&params, &cred, &sel, &mut rng).unwrap();
            b.verify(&params, &[0, 1]).unwrap();
            assert_eq!(b.contest_indices(), vec![0, 1]);
            let bytes = b.encode();
            let back = Ballot::decode(&bytes).unwrap();
            assert_eq!(back, b);
            assert_eq!(back.tracker(), b.tracker());
            back.verify(&params, &[0, 1]).unwrap();
        }
    }

    #[test]
    fn the_blank_ciphertext_encrypts_one_exactly_when_nothing_is_selected() {
        let (params, x) = setup(&[(4, 2)], 1);
        let cred = credential(2);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let decrypt = |c: Ciphertext| {
            let m = c.unblind(&(c.alpha * x));
            (0..=1u64).find(|v| crate::crypto::elgamal::plaintext_point(*v) == m)
        };
        for (sel, blank) in [(&[][..], 1), (&[1][..], 0), (&[0, 3][..], 0)] {
            let b = Ballot::prepare(&params, &cred, &choices(&[(0, sel)]), &mut rng).unwrap();
            let c = &b.contests()[0];
            assert_eq!(c.contest(), 0);
            assert_eq!(decrypt(c.blank().ciphertext()), Some(blank));
            let bits: Vec<Option<u64>> = c.ciphertexts().into_iter().map(decrypt).collect();
            let expected: Vec<Option<u64>> = (0..4u32)
                .map(|o| Some(u64::from(sel.contains(&o))))
                .collect();
            assert_eq!(bits, expected);
        }
    }

    #[test]
    fn a_ballot_carries_exactly_the_contests_of_its_credential() {
        let (params, _) = setup(&[(2, 1), (3, 2), (4, 1)], 1);
        let cred = credential(2);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let b =
            Ballot::prepare(&params, &cred, &choices(&[(0, &[1]), (2, &[])]), &mut rng).unwrap();
        b.verify(&params, &[0, 2]).unwrap();
        for rights in [&[0, 1, 2][..], &[0], &[2], &[1], &[0, 1], &[]] {
            let err = b.verify(&params, rights).unwrap_err();
            assert!(
                err.to_string()
                    .contains("le bulletin porte les scrutins 0, 2, le justificatif a des droits"),
                "{err}"
            );
        }
        let err = b.verify(&params, &[0, 1]).unwrap_err();
        assert!(err.to_string().ends_with("dans les scrutins 0, 1"), "{err}");
        // Prepare refuses an unknown contest, an unordered or repeated list, an empty ballot.
        for bad in [
            choices(&[(3, &[0])]),
            choices(&[(2, &[0]), (0, &[1])]),
            choices(&[(0, &[0]), (0, &[1])]),
            vec![],
        ] {
            let err = Ballot::prepare(&params, &cred, &bad, &mut rng).unwrap_err();
            assert!(matches!(err, CryptoError::Usage(_)), "{err}");
        }
        // A ballot for a contest the verifier's election does not have is refused by name.
        let (small, _) = setup(&[(2, 1)], 1);
        let err = b.verify(&small, &[0, 2]).unwrap_err();
        assert!(
            err.to_string().contains("scrutin 2 inconnu de l'élection"),
            "{err}"
        );
        // And a contest of another shape than the election's.
        let (other_shape, _) = setup(&[(2, 1), (3, 2), (5, 1)], 1);
        let err = b.verify(&other_shape, &[0, 2]).unwrap_err();
        assert!(
            err.to_string()
                .contains("scrutin 2 : 4 choix et 1 au plus dans le bulletin, 5 et 1"),
            "{err}"
        );
    }

    #[test]
    fn the_booth_parameters_with_only_the_credentials_contests_make_the_same_ballots() {
        let (full, _) = setup(&[(2, 1), (3, 2), (4, 1)], 1);
        let booth = ElectionParams::with_contests(
            full.fingerprint,
            full.key,
            vec![
                (1, ContestShape { options: 3, max: 2 }),
                (2, ContestShape { options: 4, max: 1 }),
            ],
        )
        .unwrap();
        let cred = credential(2);
        let sel = choices(&[(1, &[0, 2]), (2, &[3])]);
        let a = Ballot::prepare(&full, &cred, &sel, &mut ChaCha20Rng::from_seed([4; 32])).unwrap();
        let b = Ballot::prepare(&booth, &cred, &sel, &mut ChaCha20Rng::from_seed([4; 32])).unwrap();
        assert_eq!(a, b);
        b.verify(&full, &[1, 2]).unwrap();
        assert!(
            ElectionParams::with_contests(
                full.fingerprint,
                full.key,
                vec![
                    (2, ContestShape { options: 3, max: 2 }),
                    (1, ContestShape { options: 4, max: 1 }),
                ],
            )
            .is_err()
        );
    }

    #[test]
    fn max_plus_one_selections_cannot_be_proven() {
        let (params, _) = setup(&[(5, 2)], 1);
        let cred = credential(2);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let err =
            Ballot::prepare(&params, &cred, &choices(&[(0, &[0, 1, 2])]), &mut rng).unwrap_err();
        assert!(matches!(err, CryptoError::Usage(_)), "{err}");
        assert!(err.to_string().contains("3 choix sélectionnés, 2 au plus"));
        // Nor at the level of the range proof itself.
        let r = Scalar::random(&mut rng);
        let witness = RangeWitness {
            blank: false,
            selections: 3,
            r_blank: &r,
            r_options: &r,
        };
        let mut t = Transcript::new(b"test");
        assert!(RangeProof::prove(&mut t, params.tables(), witness, 2, &mut rng).is_err());
        // A dishonest prover who encrypts three 1s and runs the range proof on any branch is
        // caught by the verifier; the same forger with an honest count passes (the test can fail).
        let bits = [true, true, true, false, false];
        for claimed in 0..2 {
            let b = forged(&params, &cred, 0, &bits, false, claimed, &mut rng);
            let err = b.verify(&params, &[0]).unwrap_err();
            assert!(err.to_string().contains("preuves"), "{err}");
        }
        let honest = forged(
            &params,
            &cred,
            0,
            &[true, true, false, false, false],
            false,
            1,
            &mut rng,
        );
        honest.verify(&params, &[0]).unwrap();
        // Duplicates and unknown options are refused too.
        assert!(Ballot::prepare(&params, &cred, &choices(&[(0, &[1, 1])]), &mut rng).is_err());
        assert!(Ballot::prepare(&params, &cred, &choices(&[(0, &[5])]), &mut rng).is_err());
    }

    #[test]
    fn blank_together_with_a_selection_cannot_be_proven() {
        let (params, _) = setup(&[(4, 1), (4, 3)], 1);
        let cred = credential(2);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let r = Scalar::random(&mut rng);
        let witness = |blank, selections| RangeWitness {
            blank,
            selections,
            r_blank: &r,
            r_options: &r,
        };
        let mut t = Transcript::new(b"test");
        let err =
            RangeProof::prove(&mut t, params.tables(), witness(true, 1), 3, &mut rng).unwrap_err();
        assert!(err.to_string().contains("vote blanc et 1 choix"), "{err}");
        // Neither blank nor any selection has no proof either.
        let err =
            RangeProof::prove(&mut t, params.tables(), witness(false, 0), 3, &mut rng).unwrap_err();
        assert!(err.to_string().contains("ni vote blanc ni choix"), "{err}");
        for contest in [0u32, 1] {
            let max = params.shape(contest).unwrap().max as usize;
            // Blank and one selection: m·1 + 1 = m + 1 is out of [1, m] whatever branch is claimed.
            for claimed in 0..max {
                let b = forged(
                    &params,
                    &cred,
                    contest,
                    &[false, true, false, false],
                    true,
                    claimed,
                    &mut rng,
                );
                assert!(
                    b.verify(&params, &[contest]).is_err(),
                    "{contest} {claimed}"
                );
            }
            // Not blank and nothing selected: 0 is out of [1, m].
            for claimed in 0..max {
                let b = forged(
                    &params,
                    &cred,
                    contest,
                    &[false; 4],
                    false,
                    claimed,
                    &mut rng,
                );
                assert!(
                    b.verify(&params, &[contest]).is_err(),
                    "{contest} {claimed}"
                );
            }
            // The honest blank passes through the same forger.
            let b = forged(
                &params,
                &cred,
                contest,
                &[false; 4],
                true,
                max - 1,
                &mut rng,
            );
            b.verify(&params, &[contest]).unwrap();
        }
    }

    #[test]
    fn a_ballot_replayed_under_another_credential_is_rejected() {
        let (params, _) = setup(&[(5, 1)], 1);
        let (alice, mallory) = (credential(2), credential(3));
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let b = Ballot::prepare(&params, &alice, &choices(&[(0, &[1])]), &mut rng).unwrap();
        let mut stolen = b.clone();
        stolen.credential = mallory.public_key();
        stolen.credential_key = mallory.verifying_key();
        // Without re-signing the signature fails; re-signed by Mallory, the proofs fail.
        let err = stolen.verify(&params, &[0]).unwrap_err();
        assert!(err.to_string().contains("signature"), "{err}");
        resign(&mut stolen, &mallory);
        let err = stolen.verify(&params, &[0]).unwrap_err();
        assert!(err.to_string().contains("preuves"), "{err}");
    }

    #[test]
    fn a_ballot_replayed_in_another_election_is_rejected() {
        let (params, _) = setup(&[(5, 1)], 1);
        let alice = credential(2);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let b = Ballot::prepare(&params, &alice, &choices(&[(0, &[1])]), &mut rng).unwrap();
        // Another election with the same key and shape.
        let other = ElectionParams::with_contests(
            tagged_hash("URNE-V1-test-election", &[b"other"]),
            params.key,
            params.contests().to_vec(),
        )
        .unwrap();
        let err = b.verify(&other, &[0]).unwrap_err();
        assert!(err.to_string().contains("autre élection"), "{err}");
        // Even rewritten and re-signed by the same elector, the proofs are bound to the first one.
        let mut moved = b.clone();
        moved.election = other.fingerprint;
        resign(&mut moved, &alice);
        let err = moved.verify(&other, &[0]).unwrap_err();
        assert!(err.to_string().contains("preuves"), "{err}");
    }

    #[test]
    fn a_contest_moved_to_another_index_or_given_another_blank_is_rejected() {
        // Three contests of the same shape, so that only the transcript tells them apart.
        let (params, _) = setup(&[(3, 2), (3, 2), (3, 2)], 1);
        let alice = credential(2);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let b = Ballot::prepare(&params, &alice, &choices(&[(0, &[1, 2])]), &mut rng).unwrap();
        let mut moved = b.clone();
        moved.contests[0].contest = 1;
        resign(&mut moved, &alice);
        let err = moved.verify(&params, &[1]).unwrap_err();
        assert!(err.to_string().contains("preuves"), "{err}");
        // Swapping the blank parts of two ballots of the same elector (each blank ciphertext with
        // its valid 0/1 proof) breaks the proofs of both.
        let blank = Ballot::prepare(&params, &alice, &choices(&[(0, &[])]), &mut rng).unwrap();
        let (mut x, mut y) = (b.clone(), blank.clone());
        std::mem::swap(&mut x.contests[0].blank, &mut y.contests[0].blank);
        resign(&mut x, &alice);
        resign(&mut y, &alice);
        assert!(x.verify(&params, &[0]).is_err());
        assert!(y.verify(&params, &[0]).is_err());
    }

    #[test]
    fn altering_any_single_byte_of_a_ballot_is_rejected() {
        // The credential has rights in contests 0 and 2 of three; contest 2 is blank.
        let (params, _) = setup(&[(2, 1), (3, 3), (3, 2)], 4);
        let alice = credential(5);
        let mut rng = ChaCha20Rng::from_seed([6; 32]);
        let b =
            Ballot::prepare(&params, &alice, &choices(&[(0, &[0]), (2, &[])]), &mut rng).unwrap();
        b.verify(&params, &[0, 2]).unwrap();
        let bytes = b.encode();
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x80] {
                let mut bad = bytes.clone();
                bad[i] ^= flip;
                if let Ok(decoded) = Ballot::decode(&bad) {
                    assert!(
                        decoded.verify(&params, &[0, 2]).is_err(),
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
    fn decoding_refuses_unordered_contests_and_an_empty_ballot_naming_the_field() {
        let (params, _) = setup(&[(2, 1), (3, 3), (3, 2)], 4);
        let alice = credential(5);
        let mut rng = ChaCha20Rng::from_seed([6; 32]);
        let b =
            Ballot::prepare(&params, &alice, &choices(&[(0, &[0]), (2, &[])]), &mut rng).unwrap();
        let mut bytes = b.encode();
        // version ‖ election ‖ credential ‖ count, then contests[0].contest.
        let at = 1 + 32 + 32 + 4;
        bytes[at..at + 4].copy_from_slice(&2u32.to_le_bytes());
        let err = Ballot::decode(&bytes).unwrap_err();
        assert_eq!(err.field, "ballot.contests[1].contest");
        assert!(err.reason.contains("strictement croissants"), "{err}");
        let mut empty = b.encode()[..at].to_vec();
        empty[at - 4..].copy_from_slice(&0u32.to_le_bytes());
        empty.extend_from_slice(&[0; 64]);
        let err = Ballot::decode(&empty).unwrap_err();
        assert_eq!(err.field, "ballot.contests");
        let mut bad_blank = b.encode();
        let blank_at = at + 12 + 2 * (64 + BIT_PROOF_LEN);
        bad_blank[blank_at..blank_at + 32].copy_from_slice(&[0xff; 32]);
        let err = Ballot::decode(&bad_blank).unwrap_err();
        assert_eq!(err.field, "ballot.contests[0].blank.alpha");
    }

    #[test]
    fn a_proof_is_rejected_when_its_challenge_is_shifted_between_branches() {
        // Moving weight between c₀ and c₁ keeps the sum but breaks the branch equations.
        let (params, _) = setup(&[(3, 2)], 7);
        let alice = credential(8);
        let mut rng = ChaCha20Rng::from_seed([9; 32]);
        let b = Ballot::prepare(&params, &alice, &choices(&[(0, &[2])]), &mut rng).unwrap();
        let mut x = b.clone();
        x.contests[0].choices[1].proof.0.challenges[0] += Scalar::ONE;
        resign(&mut x, &alice);
        assert!(x.verify(&params, &[0]).is_err());
        let mut y = b.clone();
        y.contests[0].blank.proof.0.challenges[0] += Scalar::ONE;
        resign(&mut y, &alice);
        assert!(y.verify(&params, &[0]).is_err());
        let mut z = b;
        z.contests[0].range.0.challenges[0] += Scalar::ONE;
        resign(&mut z, &alice);
        assert!(z.verify(&params, &[0]).is_err());
    }

    #[test]
    fn batch_verification_names_every_bad_ballot() {
        let (params, _) = setup(&[(5, 1), (2, 1)], 1);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let mut ballots: Vec<Ballot> = (0..70u8)
            .map(|i| {
                let sel = choices(&[(0, &[u32::from(i % 5)][..i as usize % 2])]);
                Ballot::prepare(&params, &credential(i), &sel, &mut rng).unwrap()
            })
            .collect();
        let rights: Vec<Vec<u32>> = (0..70).map(|_| vec![0]).collect();
        let items = |b: &[Ballot], r: &[Vec<u32>]| -> Vec<(Ballot, Vec<u32>)> {
            b.iter().cloned().zip(r.iter().cloned()).collect()
        };
        let owned = items(&ballots, &rights);
        let refs: Vec<BallotWithRights<'_>> =
            owned.iter().map(|(b, r)| (b, r.as_slice())).collect();
        verify_ballots(&refs, &params).unwrap();
        let c = credential(37);
        ballots[37].contests[0].choices[0].proof.0.responses[1] += Scalar::ONE;
        resign(&mut ballots[37], &c);
        let c = credential(66);
        ballots[66].contests[0].blank.proof.0.responses[0] += Scalar::ONE;
        resign(&mut ballots[66], &c);
        let mut rights = rights;
        rights[3] = vec![0, 1];
        let owned = items(&ballots, &rights);
        let refs: Vec<BallotWithRights<'_>> =
            owned.iter().map(|(b, r)| (b, r.as_slice())).collect();
        assert_eq!(verify_ballots(&refs, &params).unwrap_err().index, 3);
        let bad: Vec<usize> = invalid_ballots(&refs, &params)
            .iter()
            .map(|r| r.index)
            .collect();
        assert_eq!(bad, vec![3, 37, 66]);
    }

    #[test]
    fn a_ballot_made_from_a_code_is_signed_by_the_derived_credential() {
        let (params, _) = setup(&[(2, 1)], 1);
        let code = VoterCode::generate(&mut ChaCha20Rng::from_seed([1; 32]));
        let cred = Credential::derive(&code, "campagne").unwrap();
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let b = Ballot::prepare(&params, &cred, &choices(&[(0, &[1])]), &mut rng).unwrap();
        assert_eq!(b.credential(), cred.public_key());
        b.verify(&params, &[0]).unwrap();
    }

    #[test]
    fn a_choice_is_not_printed() {
        let c = ContestChoice {
            contest: 3,
            selected: vec![12345],
        };
        let dbg = format!("{c:?}");
        assert!(dbg.contains("<secret>") && !dbg.contains("12345"), "{dbg}");
    }
}

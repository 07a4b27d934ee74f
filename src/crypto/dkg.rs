//! The bureau's key generation (docs/protocol.md §Key generation).
//!
//! Election key `Y = Y_b + Y_s`: `Y_b = x_b·G` belongs to the bâtonnier alone; `Y_s` is shared
//! among the `n` scrutateurs so that any `t` of them can use it (joint-Feldman DKG, Pedersen
//! 1991 / Gennaro et al. 1999). Decrypting therefore needs the bâtonnier **and** `t` scrutateurs.
//!
//! Rounds, every message public except the shares, which travel encrypted:
//! 1. the bâtonnier publishes [`BatonnierKey`] (`Y_b` + Schnorr proof); each scrutateur `i`
//!    publishes a [`TransportKey`] `T_i` (+ Schnorr proof) used only to receive shares;
//! 2. each scrutateur `j` draws `f_j(z) = a_{j,0} + … + a_{j,t−1} z^{t−1}` and publishes a
//!    [`Dealing`]: Feldman commitments `C_{j,k} = a_{j,k}·G`, a Schnorr proof for `C_{j,0}`, and
//!    `f_j(i)` encrypted to every `T_i` (`E = e·G`, `f_j(i) + H(URNE-V1-dkg-share, …, e·T_i)`);
//! 3. a scrutateur whose share does not satisfy `f_j(i)·G = Σ_k i^k·C_{j,k}` publishes a
//!    [`Complaint`]: the shared key `K = x_{T_i}·E` with a Chaum–Pedersen proof, so anyone can
//!    decrypt and check the share; an upheld complaint disqualifies the dealer.
//!
//! [`DkgTranscript::verify`] replays all of it and gives the [`BureauKeys`] sealed in the genesis
//! event: `Y_s = Σ_{j∈Q} C_{j,0}` over qualified dealers `Q`, and each scrutateur's verification
//! key `S_i = Σ_{j∈Q} Σ_k i^k·C_{j,k}` (= `s_i·G` for its share `s_i = Σ_{j∈Q} f_j(i)`).

use super::CryptoError;
use super::domain;
use super::elgamal::ElectionKey;
use super::group::{
    Point, Scalar, TranscriptExt, read_point, read_public_key, read_scalar, write_point,
    write_scalar,
};
use super::proof_dleq::DleqProof;
use super::proof_dlog::DlogProof;
use crate::encoding::{DecodeError, Hash32, Reader, Writer};
use curve25519_dalek::traits::{Identity, VartimeMultiscalarMul};
use merlin::Transcript;
use rand_core::CryptoRng;
use sha2::{Digest, Sha512};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Largest number of scrutateurs.
pub const MAX_SCRUTATEURS: u32 = 64;

/// The ceremony: what every DKG proof is bound to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DkgParams {
    /// Identifies the ceremony (hash of the election definition being prepared; the election
    /// fingerprint cannot be used since the genesis event contains the key).
    pub ceremony: Hash32,
    /// Number of scrutateurs `n`.
    pub scrutateurs: u32,
    /// Scrutateurs needed to decrypt, `t`.
    pub threshold: u32,
}

impl DkgParams {
    /// Checks `1 ≤ t ≤ n ≤ MAX_SCRUTATEURS`.
    pub fn new(ceremony: Hash32, scrutateurs: u32, threshold: u32) -> Result<Self, CryptoError> {
        if threshold == 0 || threshold > scrutateurs || scrutateurs > MAX_SCRUTATEURS {
            return Err(CryptoError::usage(format!(
                "seuil {threshold} sur {scrutateurs} scrutateurs impossible"
            )));
        }
        Ok(DkgParams {
            ceremony,
            scrutateurs,
            threshold,
        })
    }

    fn transcript(&self, purpose: &'static [u8], participant: u32) -> Transcript {
        let mut t = Transcript::new(domain::DKG);
        t.append_message(b"ceremony", &self.ceremony.0);
        t.u32(b"n", self.scrutateurs);
        t.u32(b"t", self.threshold);
        t.append_message(b"purpose", purpose);
        t.u32(b"participant", participant);
        t
    }

    fn write(&self, w: &mut Writer) {
        w.fixed(&self.ceremony.0);
        w.u32(self.scrutateurs);
        w.u32(self.threshold);
    }

    fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        let ceremony = Hash32(r.fixed(&format!("{field}.ceremony"))?);
        let at = r.position();
        let n = r.u32(&format!("{field}.scrutateurs"))?;
        let t = r.u32(&format!("{field}.threshold"))?;
        DkgParams::new(ceremony, n, t).map_err(|e| DecodeError {
            field: format!("{field}.threshold"),
            offset: at,
            reason: e.to_string(),
        })
    }
}

/// Who holds a decryption key: the bâtonnier (index 0 in encodings) or scrutateur `i ≥ 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Trustee {
    /// The bâtonnier.
    Batonnier,
    /// Scrutateur `i` (1-based).
    Scrutateur(u32),
}

impl Trustee {
    /// 0 for the bâtonnier, `i` for scrutateur `i`.
    pub fn index(&self) -> u32 {
        match self {
            Trustee::Batonnier => 0,
            Trustee::Scrutateur(i) => *i,
        }
    }
    /// Inverse of [`Self::index`].
    pub fn from_index(i: u32) -> Self {
        if i == 0 {
            Trustee::Batonnier
        } else {
            Trustee::Scrutateur(i)
        }
    }
}

impl std::fmt::Display for Trustee {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Trustee::Batonnier => f.write_str("bâtonnier"),
            Trustee::Scrutateur(i) => write!(f, "scrutateur {i}"),
        }
    }
}

/// A trustee's decryption key (the bâtonnier's `x_b` or a scrutateur's share `s_i`). Zeroized on
/// drop; `Debug` is redacted.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TrusteeSecret {
    #[zeroize(skip)]
    trustee: Trustee,
    x: Scalar,
}

impl std::fmt::Debug for TrusteeSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TrusteeSecret({}, <secret>)", self.trustee)
    }
}

impl TrusteeSecret {
    /// Whose key it is.
    pub fn trustee(&self) -> Trustee {
        self.trustee
    }
    /// The public key `x·G`.
    pub fn public(&self) -> Point {
        Point::mul_base(&self.x)
    }
    pub(crate) fn scalar(&self) -> &Scalar {
        &self.x
    }
    /// Secret bytes: trustee index (u32 LE) ‖ scalar, for the trustee's own encrypted storage.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut w = Writer::new();
        w.u32(self.trustee.index());
        write_scalar(&mut w, &self.x);
        Zeroizing::new(w.into_bytes())
    }
    /// Inverse of [`Self::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let trustee = Trustee::from_index(r.u32("trustee_secret.trustee")?);
        let x = read_scalar(&mut r, "trustee_secret.scalar")?;
        r.finish("trustee_secret")?;
        Ok(TrusteeSecret { trustee, x })
    }
}

/// A scrutateur's transport secret (receives the encrypted shares). Zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TransportSecret {
    #[zeroize(skip)]
    index: u32,
    x: Scalar,
}

impl std::fmt::Debug for TransportSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TransportSecret({}, <secret>)", self.index)
    }
}

/// Round 1, bâtonnier: `Y_b` and a proof of knowledge of `x_b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatonnierKey {
    /// `Y_b`.
    pub public: Point,
    /// Schnorr proof (purpose `batonnier`, participant 0).
    pub proof: DlogProof,
}

/// Round 1, scrutateur `index`: the transport key and a proof of knowledge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransportKey {
    /// Scrutateur index (1-based).
    pub index: u32,
    /// `T_i`.
    pub public: Point,
    /// Schnorr proof (purpose `transport`, participant `index`).
    pub proof: DlogProof,
}

/// A share encrypted to a recipient's transport key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncryptedShare {
    /// `E = e·G`.
    pub ephemeral: Point,
    /// `f_j(i) + pad` mod ℓ.
    pub masked: Scalar,
}

/// Round 2, scrutateur `dealer`: Feldman commitments, proof for the constant term, encrypted
/// shares for scrutateurs `1..=n` in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dealing {
    /// Dealer index (1-based).
    pub dealer: u32,
    /// `C_{j,0} … C_{j,t−1}`.
    pub commitments: Vec<Point>,
    /// Schnorr proof for `C_{j,0}` (purpose `dealing`, participant `dealer`).
    pub proof: DlogProof,
    /// `shares[i−1]` is for scrutateur `i`.
    pub shares: Vec<EncryptedShare>,
}

/// Round 3: scrutateur `recipient` shows that `dealer` sent a bad share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Complaint {
    /// Accused dealer.
    pub dealer: u32,
    /// Complaining recipient.
    pub recipient: u32,
    /// `K = x_{T_recipient}·E`.
    pub shared: Point,
    /// Chaum–Pedersen proof `log_G T = log_E K` (purpose `complaint`).
    pub proof: DleqProof,
}

fn share_pad(params: &DkgParams, dealer: u32, recipient: u32, e: &Point, k: &Point) -> Scalar {
    let mut h = Sha512::new();
    h.update(domain::DKG_SHARE.as_bytes());
    h.update(params.ceremony.0);
    h.update(dealer.to_le_bytes());
    h.update(recipient.to_le_bytes());
    h.update(e.compress().as_bytes());
    h.update(k.compress().as_bytes());
    let mut wide = [0u8; 64];
    wide.copy_from_slice(&h.finalize());
    let s = Scalar::from_bytes_mod_order_wide(&wide);
    wide.zeroize();
    s
}

/// `Σ_k i^k·C_k`, the public image of `f(i)`.
fn eval_commitments(commitments: &[Point], i: u32) -> Point {
    let x = Scalar::from(i);
    let mut pow = Scalar::ONE;
    let mut powers = Vec::with_capacity(commitments.len());
    for _ in commitments {
        powers.push(pow);
        pow *= x;
    }
    Point::vartime_multiscalar_mul(powers, commitments.iter())
}

/// Round 1 for the bâtonnier.
pub fn batonnier_keygen<R: CryptoRng + ?Sized>(
    params: &DkgParams,
    rng: &mut R,
) -> (TrusteeSecret, BatonnierKey) {
    let x = Scalar::random(rng);
    let public = Point::mul_base(&x);
    let proof = DlogProof::prove(&mut params.transcript(b"batonnier", 0), &x, &public, rng);
    (
        TrusteeSecret {
            trustee: Trustee::Batonnier,
            x,
        },
        BatonnierKey { public, proof },
    )
}

/// Round 1 for scrutateur `index` (1-based).
pub fn transport_keygen<R: CryptoRng + ?Sized>(
    params: &DkgParams,
    index: u32,
    rng: &mut R,
) -> Result<(TransportSecret, TransportKey), CryptoError> {
    if index == 0 || index > params.scrutateurs {
        return Err(CryptoError::usage(format!("scrutateur {index} inexistant")));
    }
    let x = Scalar::random(rng);
    let public = Point::mul_base(&x);
    let proof = DlogProof::prove(
        &mut params.transcript(b"transport", index),
        &x,
        &public,
        rng,
    );
    Ok((
        TransportSecret { index, x },
        TransportKey {
            index,
            public,
            proof,
        },
    ))
}

fn check_transport_keys(params: &DkgParams, keys: &[TransportKey]) -> Result<(), CryptoError> {
    if keys.len() != params.scrutateurs as usize {
        return Err(CryptoError::invalid(format!(
            "{} clés de transport pour {} scrutateurs",
            keys.len(),
            params.scrutateurs
        )));
    }
    for (i, k) in keys.iter().enumerate() {
        if k.index != i as u32 + 1 {
            return Err(CryptoError::invalid(format!(
                "clé de transport n°{} attribuée au scrutateur {}",
                i + 1,
                k.index
            )));
        }
        k.proof
            .verify(&mut params.transcript(b"transport", k.index), &k.public)
            .map_err(|e| {
                CryptoError::invalid(format!("clé de transport du scrutateur {} : {e}", k.index))
            })?;
    }
    Ok(())
}

/// Round 2 for scrutateur `dealer`: draws the polynomial, commits, encrypts the shares. The
/// polynomial is erased when this returns.
pub fn deal<R: CryptoRng + ?Sized>(
    params: &DkgParams,
    dealer: u32,
    transport_keys: &[TransportKey],
    rng: &mut R,
) -> Result<Dealing, CryptoError> {
    if dealer == 0 || dealer > params.scrutateurs {
        return Err(CryptoError::usage(format!(
            "scrutateur {dealer} inexistant"
        )));
    }
    check_transport_keys(params, transport_keys)?;
    let coefficients: Zeroizing<Vec<Scalar>> =
        Zeroizing::new((0..params.threshold).map(|_| Scalar::random(rng)).collect());
    let commitments: Vec<Point> = coefficients.iter().map(Point::mul_base).collect();
    let proof = DlogProof::prove(
        &mut params.transcript(b"dealing", dealer),
        &coefficients[0],
        &commitments[0],
        rng,
    );
    let mut shares = Vec::with_capacity(transport_keys.len());
    for k in transport_keys {
        let x = Scalar::from(k.index);
        let share = Zeroizing::new(
            coefficients
                .iter()
                .rev()
                .fold(Scalar::ZERO, |acc, a| acc * x + a),
        );
        let e = Zeroizing::new(Scalar::random(rng));
        let ephemeral = Point::mul_base(&e);
        let shared = k.public * *e;
        let masked = *share + share_pad(params, dealer, k.index, &ephemeral, &shared);
        shares.push(EncryptedShare { ephemeral, masked });
    }
    Ok(Dealing {
        dealer,
        commitments,
        proof,
        shares,
    })
}

/// Round 3, for the recipient: decrypts its share of `dealing` and checks it against the
/// commitments. A bad share gives the [`Complaint`] to publish.
pub fn open_share<R: CryptoRng + ?Sized>(
    params: &DkgParams,
    me: &TransportSecret,
    dealing: &Dealing,
    rng: &mut R,
) -> Result<Zeroizing<Scalar>, Box<Complaint>> {
    if let Some(share) = decrypt_share(params, me, dealing) {
        return Ok(share);
    }
    let i = me.index;
    // A missing share is proven with the identity as ephemeral key and shared key.
    let (base, shared) = match dealing.shares.get(i as usize - 1) {
        Some(enc) => (enc.ephemeral, enc.ephemeral * me.x),
        None => (Point::identity(), Point::identity()),
    };
    let proof = DleqProof::prove(
        &mut complaint_transcript(params, dealing.dealer, i),
        &me.x,
        &Point::mul_base(&me.x),
        &base,
        &shared,
        rng,
    );
    Err(Box::new(Complaint {
        dealer: dealing.dealer,
        recipient: i,
        shared,
        proof,
    }))
}

/// The recipient's share of `dealing` if it is present and matches the commitments.
fn decrypt_share(
    params: &DkgParams,
    me: &TransportSecret,
    dealing: &Dealing,
) -> Option<Zeroizing<Scalar>> {
    let i = me.index;
    let enc = dealing.shares.get((i as usize).checked_sub(1)?)?;
    let shared = enc.ephemeral * me.x;
    let share =
        Zeroizing::new(enc.masked - share_pad(params, dealing.dealer, i, &enc.ephemeral, &shared));
    (dealing.commitments.len() == params.threshold as usize
        && Point::mul_base(&share) == eval_commitments(&dealing.commitments, i))
    .then_some(share)
}

fn complaint_transcript(params: &DkgParams, dealer: u32, recipient: u32) -> Transcript {
    let mut t = Transcript::new(domain::DKG_COMPLAINT);
    t.append_message(b"ceremony", &params.ceremony.0);
    t.u32(b"dealer", dealer);
    t.u32(b"recipient", recipient);
    t
}

/// The keys sealed in the genesis event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BureauKeys {
    /// Scrutateurs needed, `t`.
    pub threshold: u32,
    /// The bâtonnier's key `Y_b`.
    pub batonnier: Point,
    /// The scrutateurs' joint key `Y_s`.
    pub threshold_key: Point,
    /// Verification keys `S_1 … S_n`.
    pub scrutateurs: Vec<Point>,
}

impl BureauKeys {
    /// The election key `Y = Y_b + Y_s`.
    pub fn election_key(&self) -> ElectionKey {
        ElectionKey(self.batonnier + self.threshold_key)
    }

    /// The public key of a trustee, if it exists.
    pub fn public_key(&self, trustee: Trustee) -> Option<Point> {
        match trustee {
            Trustee::Batonnier => Some(self.batonnier),
            Trustee::Scrutateur(i) => self.scrutateurs.get((i as usize).checked_sub(1)?).copied(),
        }
    }

    /// Canonical encoding: `t` (u32), `Y_b`, `Y_s`, `n` (u32), `S_1 … S_n`.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.write(&mut w);
        w.into_bytes()
    }

    /// Appends the encoding.
    pub fn write(&self, w: &mut Writer) {
        w.u32(self.threshold);
        write_point(w, &self.batonnier);
        write_point(w, &self.threshold_key);
        w.len(self.scrutateurs.len());
        for s in &self.scrutateurs {
            write_point(w, s);
        }
    }

    /// Reads the encoding.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        let at = r.position();
        let threshold = r.u32(&format!("{field}.threshold"))?;
        let batonnier = read_public_key(r, &format!("{field}.batonnier"))?;
        let threshold_key = read_public_key(r, &format!("{field}.threshold_key"))?;
        let n = r.len(&format!("{field}.scrutateurs"))?;
        if threshold == 0 || threshold as usize > n || n > MAX_SCRUTATEURS as usize {
            return Err(DecodeError {
                field: format!("{field}.threshold"),
                offset: at,
                reason: format!("seuil {threshold} sur {n} scrutateurs impossible"),
            });
        }
        let scrutateurs = (0..n)
            .map(|i| read_public_key(r, &format!("{field}.scrutateurs[{i}]")))
            .collect::<Result<_, _>>()?;
        Ok(BureauKeys {
            threshold,
            batonnier,
            threshold_key,
            scrutateurs,
        })
    }

    /// Strict decoding of [`Self::encode`].
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let k = Self::read(&mut r, "bureau_keys")?;
        r.finish("bureau_keys")?;
        Ok(k)
    }
}

/// Every public message of a ceremony, as published on the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkgTranscript {
    /// The ceremony.
    pub params: DkgParams,
    /// Round 1, bâtonnier.
    pub batonnier: BatonnierKey,
    /// Round 1, scrutateurs `1..=n` in order.
    pub transport_keys: Vec<TransportKey>,
    /// Round 2, in dealer order (a scrutateur may be missing: it is then not qualified).
    pub dealings: Vec<Dealing>,
    /// Round 3.
    pub complaints: Vec<Complaint>,
}

impl DkgTranscript {
    /// Replays the ceremony: checks every proof, rules on every complaint and returns the bureau
    /// keys. Fails if a proof is wrong or fewer than `t` dealers are qualified.
    pub fn verify(&self) -> Result<BureauKeys, CryptoError> {
        self.rule().map(|(keys, _)| keys)
    }

    /// The bureau keys and the indices (in `dealings`) of the qualified dealings.
    fn rule(&self) -> Result<(BureauKeys, Vec<usize>), CryptoError> {
        let p = &self.params;
        self.batonnier
            .proof
            .verify(&mut p.transcript(b"batonnier", 0), &self.batonnier.public)
            .map_err(|e| CryptoError::invalid(format!("clé du bâtonnier : {e}")))?;
        check_transport_keys(p, &self.transport_keys)?;
        let mut seen = vec![false; p.scrutateurs as usize + 1];
        for d in &self.dealings {
            if d.dealer == 0 || d.dealer > p.scrutateurs || seen[d.dealer as usize] {
                return Err(CryptoError::invalid(format!(
                    "distribution du scrutateur {} inattendue ou en double",
                    d.dealer
                )));
            }
            seen[d.dealer as usize] = true;
            if d.commitments.len() != p.threshold as usize {
                return Err(CryptoError::invalid(format!(
                    "distribution du scrutateur {} : {} engagements, {} attendus",
                    d.dealer,
                    d.commitments.len(),
                    p.threshold
                )));
            }
            d.proof
                .verify(&mut p.transcript(b"dealing", d.dealer), &d.commitments[0])
                .map_err(|e| {
                    CryptoError::invalid(format!("distribution du scrutateur {} : {e}", d.dealer))
                })?;
        }
        let mut disqualified = vec![false; p.scrutateurs as usize + 1];
        for c in &self.complaints {
            let dealing = self
                .dealings
                .iter()
                .find(|d| d.dealer == c.dealer)
                .ok_or_else(|| {
                    CryptoError::invalid(format!(
                        "plainte contre le scrutateur {} sans distribution",
                        c.dealer
                    ))
                })?;
            let key = self
                .transport_keys
                .get((c.recipient as usize).wrapping_sub(1))
                .ok_or_else(|| {
                    CryptoError::invalid(format!(
                        "plainte du scrutateur {} inexistant",
                        c.recipient
                    ))
                })?;
            let enc = dealing.shares.get(c.recipient as usize - 1);
            // A complaint is public evidence: anyone can recompute the share from `K`.
            let base = enc.map_or(Point::identity(), |e| e.ephemeral);
            c.proof
                .verify(
                    &mut complaint_transcript(p, c.dealer, c.recipient),
                    &key.public,
                    &base,
                    &c.shared,
                )
                .map_err(|e| {
                    CryptoError::invalid(format!("plainte du scrutateur {} : {e}", c.recipient))
                })?;
            let upheld = match enc {
                None => true,
                Some(enc) => {
                    let share =
                        enc.masked - share_pad(p, c.dealer, c.recipient, &enc.ephemeral, &c.shared);
                    Point::mul_base(&share) != eval_commitments(&dealing.commitments, c.recipient)
                }
            };
            if upheld {
                disqualified[c.dealer as usize] = true;
            }
        }
        let qualified_idx: Vec<usize> = self
            .dealings
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                !disqualified[d.dealer as usize] && d.shares.len() == p.scrutateurs as usize
            })
            .map(|(i, _)| i)
            .collect();
        let qualified: Vec<&Dealing> = qualified_idx.iter().map(|&i| &self.dealings[i]).collect();
        if qualified.len() < p.threshold as usize {
            return Err(CryptoError::invalid(format!(
                "{} distributions valides, {} requises",
                qualified.len(),
                p.threshold
            )));
        }
        let threshold_key: Point = qualified.iter().map(|d| d.commitments[0]).sum();
        let scrutateurs = (1..=p.scrutateurs)
            .map(|i| {
                qualified
                    .iter()
                    .map(|d| eval_commitments(&d.commitments, i))
                    .sum()
            })
            .collect();
        let keys = BureauKeys {
            threshold: p.threshold,
            batonnier: self.batonnier.public,
            threshold_key,
            scrutateurs,
        };
        Ok((keys, qualified_idx))
    }

    /// Round 3 for scrutateur `me`: sums its shares from the qualified dealers and checks the result
    /// against its verification key.
    pub fn key_share(&self, me: &TransportSecret) -> Result<TrusteeSecret, CryptoError> {
        let (keys, qualified) = self.rule()?;
        let mut s = Zeroizing::new(Scalar::ZERO);
        for d in qualified.iter().map(|&i| &self.dealings[i]) {
            let share = decrypt_share(&self.params, me, d).ok_or_else(|| {
                CryptoError::invalid(format!(
                    "part du scrutateur {} invalide pour le scrutateur {} : publier la plainte",
                    d.dealer, me.index
                ))
            })?;
            *s += *share;
        }
        let secret = TrusteeSecret {
            trustee: Trustee::Scrutateur(me.index),
            x: *s,
        };
        if keys.public_key(secret.trustee) != Some(secret.public()) {
            return Err(CryptoError::invalid(
                "part de clé incohérente avec la clé de vérification",
            ));
        }
        Ok(secret)
    }
}

/// Canonical encodings of the ceremony messages (docs/protocol.md §Key generation encodings).
macro_rules! codec {
    ($t:ty, $name:literal) => {
        impl $t {
            /// Canonical encoding.
            pub fn encode(&self) -> Vec<u8> {
                let mut w = Writer::new();
                self.write(&mut w);
                w.into_bytes()
            }
            /// Strict decoding of the canonical encoding.
            pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
                let mut r = Reader::new(bytes);
                let v = Self::read(&mut r, $name)?;
                r.finish($name)?;
                Ok(v)
            }
        }
    };
}

impl BatonnierKey {
    /// `Y_b`, proof.
    pub fn write(&self, w: &mut Writer) {
        write_point(w, &self.public);
        self.proof.write(w);
    }
    /// Reads the encoding.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        Ok(BatonnierKey {
            public: read_public_key(r, &format!("{field}.public"))?,
            proof: DlogProof::read(r, &format!("{field}.proof"))?,
        })
    }
}
codec!(BatonnierKey, "batonnier_key");

impl TransportKey {
    /// index (u32), `T_i`, proof.
    pub fn write(&self, w: &mut Writer) {
        w.u32(self.index);
        write_point(w, &self.public);
        self.proof.write(w);
    }
    /// Reads the encoding.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        Ok(TransportKey {
            index: r.u32(&format!("{field}.index"))?,
            public: read_public_key(r, &format!("{field}.public"))?,
            proof: DlogProof::read(r, &format!("{field}.proof"))?,
        })
    }
}
codec!(TransportKey, "transport_key");

impl Dealing {
    /// dealer (u32), commitments (sequence of points), proof, shares (sequence of `E`, masked).
    pub fn write(&self, w: &mut Writer) {
        w.u32(self.dealer);
        w.len(self.commitments.len());
        for c in &self.commitments {
            write_point(w, c);
        }
        self.proof.write(w);
        w.len(self.shares.len());
        for s in &self.shares {
            write_point(w, &s.ephemeral);
            write_scalar(w, &s.masked);
        }
    }
    /// Reads the encoding.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        let dealer = r.u32(&format!("{field}.dealer"))?;
        let n = r.len(&format!("{field}.commitments"))?;
        let mut commitments = Vec::new();
        for k in 0..n.min(MAX_SCRUTATEURS as usize + 1) {
            commitments.push(read_point(r, &format!("{field}.commitments[{k}]"))?);
        }
        if n > MAX_SCRUTATEURS as usize {
            return Err(r.error(&format!("{field}.commitments"), "trop d'engagements"));
        }
        let proof = DlogProof::read(r, &format!("{field}.proof"))?;
        let n = r.len(&format!("{field}.shares"))?;
        if n > MAX_SCRUTATEURS as usize {
            return Err(r.error(&format!("{field}.shares"), "trop de parts"));
        }
        let mut shares = Vec::new();
        for i in 0..n {
            shares.push(EncryptedShare {
                ephemeral: read_point(r, &format!("{field}.shares[{i}].ephemeral"))?,
                masked: read_scalar(r, &format!("{field}.shares[{i}].masked"))?,
            });
        }
        Ok(Dealing {
            dealer,
            commitments,
            proof,
            shares,
        })
    }
}
codec!(Dealing, "dealing");

impl Complaint {
    /// dealer (u32), recipient (u32), `K`, proof.
    pub fn write(&self, w: &mut Writer) {
        w.u32(self.dealer);
        w.u32(self.recipient);
        write_point(w, &self.shared);
        self.proof.write(w);
    }
    /// Reads the encoding.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        Ok(Complaint {
            dealer: r.u32(&format!("{field}.dealer"))?,
            recipient: r.u32(&format!("{field}.recipient"))?,
            shared: read_point(r, &format!("{field}.shared"))?,
            proof: DleqProof::read(r, &format!("{field}.proof"))?,
        })
    }
}
codec!(Complaint, "complaint");

impl DkgTranscript {
    /// params (ceremony, n, t), bâtonnier key, sequences of transport keys, dealings, complaints.
    pub fn write(&self, w: &mut Writer) {
        self.params.write(w);
        self.batonnier.write(w);
        w.len(self.transport_keys.len());
        for k in &self.transport_keys {
            k.write(w);
        }
        w.len(self.dealings.len());
        for d in &self.dealings {
            d.write(w);
        }
        w.len(self.complaints.len());
        for c in &self.complaints {
            c.write(w);
        }
    }
    /// Reads the encoding.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        let params = DkgParams::read(r, &format!("{field}.params"))?;
        let batonnier = BatonnierKey::read(r, &format!("{field}.batonnier"))?;
        let seq = |r: &mut Reader<'_>, name: &str| -> Result<usize, DecodeError> {
            let n = r.len(&format!("{field}.{name}"))?;
            if n > (MAX_SCRUTATEURS * MAX_SCRUTATEURS) as usize {
                return Err(r.error(&format!("{field}.{name}"), "trop d'éléments"));
            }
            Ok(n)
        };
        let n = seq(r, "transport_keys")?;
        let transport_keys = (0..n)
            .map(|i| TransportKey::read(r, &format!("{field}.transport_keys[{i}]")))
            .collect::<Result<_, _>>()?;
        let n = seq(r, "dealings")?;
        let dealings = (0..n)
            .map(|i| Dealing::read(r, &format!("{field}.dealings[{i}]")))
            .collect::<Result<_, _>>()?;
        let n = seq(r, "complaints")?;
        let complaints = (0..n)
            .map(|i| Complaint::read(r, &format!("{field}.complaints[{i}]")))
            .collect::<Result<_, _>>()?;
        Ok(DkgTranscript {
            params,
            batonnier,
            transport_keys,
            dealings,
            complaints,
        })
    }
}
codec!(DkgTranscript, "dkg_transcript");

/// Runs a whole ceremony in one process, for tests, vectors and benchmarks: returns the transcript,
/// the bâtonnier's key and the scrutateurs' shares (1..=n).
pub fn run_ceremony<R: CryptoRng + ?Sized>(
    params: &DkgParams,
    rng: &mut R,
) -> Result<(DkgTranscript, TrusteeSecret, Vec<TrusteeSecret>), CryptoError> {
    let (bat_secret, batonnier) = batonnier_keygen(params, rng);
    let mut transport = Vec::new();
    let mut transport_keys = Vec::new();
    for i in 1..=params.scrutateurs {
        let (s, k) = transport_keygen(params, i, rng)?;
        transport.push(s);
        transport_keys.push(k);
    }
    let dealings = (1..=params.scrutateurs)
        .map(|j| deal(params, j, &transport_keys, rng))
        .collect::<Result<Vec<_>, _>>()?;
    let mut complaints = Vec::new();
    for me in &transport {
        for d in &dealings {
            if let Err(c) = open_share(params, me, d, rng) {
                complaints.push(*c);
            }
        }
    }
    let transcript = DkgTranscript {
        params: *params,
        batonnier,
        transport_keys,
        dealings,
        complaints,
    };
    let shares = transport
        .iter()
        .map(|me| transcript.key_share(me))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((transcript, bat_secret, shares))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::tagged_hash;
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn params() -> DkgParams {
        DkgParams::new(tagged_hash("URNE-V1-test-ceremony", &[]), 3, 2).unwrap()
    }

    #[test]
    fn a_ceremony_gives_shares_matching_the_bureau_keys() {
        let mut rng = ChaCha20Rng::from_seed([1; 32]);
        let (transcript, bat, shares) = run_ceremony(&params(), &mut rng).unwrap();
        let keys = transcript.verify().unwrap();
        assert!(transcript.complaints.is_empty());
        assert_eq!(keys.batonnier, bat.public());
        for s in &shares {
            assert_eq!(keys.public_key(s.trustee()), Some(s.public()));
        }
        assert_eq!(
            DkgTranscript::decode(&transcript.encode()).unwrap(),
            transcript
        );
        assert_eq!(BureauKeys::decode(&keys.encode()).unwrap(), keys);
        assert!(format!("{bat:?}").contains("<secret>"));
    }

    #[test]
    fn a_dealer_sending_a_bad_share_is_disqualified_by_a_public_complaint() {
        let p = params();
        let mut rng = ChaCha20Rng::from_seed([2; 32]);
        let (_, batonnier) = batonnier_keygen(&p, &mut rng);
        let (mut transport, mut keys) = (Vec::new(), Vec::new());
        for i in 1..=3 {
            let (s, k) = transport_keygen(&p, i, &mut rng).unwrap();
            transport.push(s);
            keys.push(k);
        }
        let mut dealings: Vec<Dealing> = (1..=3)
            .map(|j| deal(&p, j, &keys, &mut rng).unwrap())
            .collect();
        dealings[1].shares[2].masked += Scalar::ONE; // dealer 2 cheats scrutateur 3
        let complaint = open_share(&p, &transport[2], &dealings[1], &mut rng).unwrap_err();
        assert_eq!((complaint.dealer, complaint.recipient), (2, 3));
        assert!(open_share(&p, &transport[0], &dealings[1], &mut rng).is_ok());
        let t = DkgTranscript {
            params: p,
            batonnier,
            transport_keys: keys,
            dealings: dealings.clone(),
            complaints: vec![*complaint],
        };
        let bureau = t.verify().unwrap();
        assert_eq!(
            bureau.threshold_key,
            dealings[0].commitments[0] + dealings[2].commitments[0]
        );
        for me in &transport {
            let s = t.key_share(me).unwrap();
            assert_eq!(bureau.public_key(s.trustee()), Some(s.public()));
        }
        // A false complaint against an honest dealer is overruled.
        let mut forged = *complaint;
        forged.dealer = 1;
        let t2 = DkgTranscript {
            complaints: vec![forged],
            ..t.clone()
        };
        assert!(
            t2.verify().is_err(),
            "a complaint with a proof for another dealer is refused"
        );
    }

    #[test]
    fn an_altered_transcript_is_rejected() {
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        let (t, _, _) = run_ceremony(&params(), &mut rng).unwrap();
        let mut bad = t.clone();
        bad.dealings[0].commitments[0] += Point::mul_base(&Scalar::ONE);
        assert!(bad.verify().is_err());
        let mut bad = t.clone();
        bad.batonnier.public += Point::mul_base(&Scalar::ONE);
        assert!(bad.verify().is_err());
        let mut bad = t.clone();
        bad.transport_keys[1].proof.s += Scalar::ONE;
        assert!(bad.verify().is_err());
        let mut bad = t;
        bad.params.ceremony = tagged_hash("URNE-V1-test-ceremony", &[b"other"]);
        assert!(bad.verify().is_err());
    }
}

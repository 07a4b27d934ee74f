//! The voter's ballot client: the ballot-making half of the urne core, compiled to
//! `wasm32-unknown-unknown` and driven by `booth/js/booth.js` (docs/protocol.md §Booth).
//!
//! Four operations, each taking a JSON request and giving a JSON answer:
//! - [`credential`]: code + campaign id → credential public key, login token, credential secret;
//! - [`proxy_credential`]: the mandataire's credential secret + the mandant's credential public key
//!   → the proxy credential (public key, login token, secret), deterministic (décret art. 26);
//! - [`proxy_endorsement`]: election fingerprint + the mandataire's credential secret + the
//!   mandant's public key → the proxy credential's public key and the mandataire's endorsement
//!   signature of the `ProxyCredential` event;
//! - [`ballot`]: election fingerprint, election key, the elector's contests (index and shape),
//!   selections, credential secret and a 32-byte seed (from `crypto.getRandomValues`) → canonical
//!   ballot bytes, tracker.
//!
//! The wasm exports are `extern "C"` functions over linear memory: the page allocates a buffer
//! with `urne_alloc`, writes the request, calls the operation (0 = success, 1 = error), and reads
//! the answer (or the French error message) at `urne_result_ptr` / `urne_result_len`.
//! No import, no network, no clock: all randomness is the seed passed by the page.
// Exporting functions over linear memory needs `#[unsafe(no_mangle)]` and raw pointers: the
// browser has no other ABI to call into wasm without a generated binding layer (wasm-bindgen),
// which we avoid to keep the booth small and auditable. The unsafe surface is the exports below
// (`run` and the buffer functions); everything else is safe Rust.
#![allow(unsafe_code)]

use chacha20::ChaCha20Rng;
use rand_core::SeedableRng;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use urne::board::{ProxyCredential, PublicKey};
use urne::crypto::ballot::{Ballot, ContestChoice, ContestShape, ElectionParams};
use urne::crypto::code::VoterCode;
use urne::crypto::credential::{Credential, CredentialPublicKey};
use urne::crypto::elgamal::ElectionKey;
use urne::encoding::{Hash32, hex, unhex};
use zeroize::{Zeroize, Zeroizing};

/// Request of [`credential`].
#[derive(Deserialize)]
#[allow(missing_debug_implementations)] // holds the code: never printed
pub struct CredentialRequest {
    /// The code as typed.
    pub code: String,
    /// The election campaign id (argon2id salt).
    pub campaign: String,
}

impl Drop for CredentialRequest {
    fn drop(&mut self) {
        self.code.zeroize();
    }
}

/// Answer of [`credential`].
#[derive(Serialize, Deserialize, Debug)]
pub struct CredentialAnswer {
    /// Credential public key, hex.
    pub public_key: String,
    /// Login token, hex (sent to the server at login).
    pub login_token: String,
    /// Credential secret (signing key seed ‖ login token), hex: kept by the page until the vote.
    pub secret: String,
}

/// Request of [`ballot`].
#[derive(Deserialize)]
#[allow(missing_debug_implementations)] // holds the credential secret: never printed
pub struct BallotRequest {
    /// Election fingerprint, hex.
    pub election: String,
    /// Election key, hex.
    pub election_key: String,
    /// The contests the credential has rights in, by increasing index:
    /// `{"contest": i, "options": n, "max": m}`.
    pub contests: Vec<ContestJson>,
    /// Aligned with `contests`: the selected option indices (empty = blank).
    pub selections: Vec<Vec<u32>>,
    /// Credential secret from [`credential`], hex.
    pub secret: String,
    /// 32 random bytes from `crypto.getRandomValues`, hex.
    pub seed: String,
}

impl Drop for BallotRequest {
    fn drop(&mut self) {
        self.secret.zeroize();
        self.seed.zeroize();
        for s in &mut self.selections {
            s.zeroize();
        }
    }
}

/// A contest of the elector in JSON: its index in the election and its shape.
#[derive(Deserialize, Serialize, Clone, Copy, Debug)]
pub struct ContestJson {
    /// Contest index (in the election definition).
    pub contest: u32,
    /// Number of options.
    pub options: u32,
    /// Most selections.
    pub max: u32,
}

/// Answer of [`ballot`].
#[derive(Serialize, Deserialize, Debug)]
pub struct BallotAnswer {
    /// Canonical ballot bytes, hex (what the page posts).
    pub ballot: String,
    /// Ballot tracker, hex (shown to the elector).
    pub tracker: String,
}

fn fixed<const N: usize>(field: &str, s: &str) -> Result<Zeroizing<[u8; N]>, String> {
    let v = Zeroizing::new(unhex(s).map_err(|e| format!("{field} : {e}"))?);
    let mut out = Zeroizing::new([0u8; N]);
    if v.len() != N {
        return Err(format!("{field} : {N} octets attendus, {} reçus", v.len()));
    }
    out.copy_from_slice(&v);
    Ok(out)
}

/// Request of [`proxy_credential`].
#[derive(Deserialize)]
#[allow(missing_debug_implementations)] // holds the credential secret: never printed
pub struct ProxyCredentialRequest {
    /// The mandataire's credential secret from [`credential`], hex.
    pub secret: String,
    /// The mandant's credential public key, hex.
    pub mandant: String,
}

impl Drop for ProxyCredentialRequest {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

/// Request of [`proxy_endorsement`].
#[derive(Deserialize)]
#[allow(missing_debug_implementations)] // holds the credential secret: never printed
pub struct ProxyEndorsementRequest {
    /// Election fingerprint, hex.
    pub election: String,
    /// The mandataire's credential secret from [`credential`], hex.
    pub secret: String,
    /// The mandant's credential public key, hex.
    pub mandant: String,
}

impl Drop for ProxyEndorsementRequest {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

/// Answer of [`proxy_endorsement`]: what the page sends to the server for the `ProxyCredential`
/// event (the ordre adds its authorisation).
#[derive(Serialize, Deserialize, Debug)]
pub struct ProxyEndorsementAnswer {
    /// The mandant's credential public key, hex.
    pub mandant: String,
    /// The proxy credential's public key, hex.
    pub proxy: String,
    /// The mandataire's own credential public key, hex.
    pub mandataire: String,
    /// The mandataire's signature of
    /// `H("URNE-V1-proxy-endorsement", [fingerprint, mandant, proxy])`, hex.
    pub endorsement: String,
}

fn credential_answer(cred: &Credential) -> Result<String, String> {
    let answer = CredentialAnswer {
        public_key: hex(&cred.public_key().0),
        login_token: hex(&cred.login_token().0),
        secret: hex(cred.secret_bytes().as_ref()),
    };
    serde_json::to_string(&answer).map_err(|e| e.to_string())
}

/// The mandataire's credential and the mandant's key, checked (they must differ: the board refuses
/// a mandataire who would be their own mandant).
fn proxy_parties(secret: &str, mandant: &str) -> Result<(Credential, CredentialPublicKey), String> {
    let secret = fixed::<64>("secret", secret)?;
    let mandataire = Credential::from_secret_bytes(&secret);
    let mandant = CredentialPublicKey::from_bytes(*fixed::<32>("mandant", mandant)?)
        .map_err(|e| format!("mandant : {e}"))?;
    if mandant == mandataire.public_key() {
        return Err("le mandant et le mandataire sont le même électeur".to_owned());
    }
    Ok((mandataire, mandant))
}

/// Derives the proxy credential of a mandataire for a mandant (docs/protocol.md §3.1).
pub fn proxy_credential(request: &[u8]) -> Result<String, String> {
    let req: ProxyCredentialRequest =
        serde_json::from_slice(request).map_err(|e| format!("requête invalide : {e}"))?;
    let (mandataire, mandant) = proxy_parties(&req.secret, &req.mandant)?;
    credential_answer(&mandataire.proxy_for(&mandant))
}

/// Derives the proxy credential and signs the mandataire's endorsement of it
/// (docs/protocol.md §8, Part II "ProxyCredential").
pub fn proxy_endorsement(request: &[u8]) -> Result<String, String> {
    let req: ProxyEndorsementRequest =
        serde_json::from_slice(request).map_err(|e| format!("requête invalide : {e}"))?;
    let election = Hash32::from_hex(&req.election).map_err(|e| format!("election : {e}"))?;
    let (mandataire, mandant) = proxy_parties(&req.secret, &req.mandant)?;
    let proxy = mandataire.proxy_for(&mandant).public_key();
    let message =
        ProxyCredential::endorsement_message(&election, &PublicKey(mandant.0), &PublicKey(proxy.0));
    let answer = ProxyEndorsementAnswer {
        mandant: hex(&mandant.0),
        proxy: hex(&proxy.0),
        mandataire: hex(&mandataire.public_key().0),
        endorsement: hex(&mandataire.sign(&message.0)),
    };
    serde_json::to_string(&answer).map_err(|e| e.to_string())
}

/// Derives the credential from a typed code.
pub fn credential(request: &[u8]) -> Result<String, String> {
    let req: CredentialRequest =
        serde_json::from_slice(request).map_err(|e| format!("requête invalide : {e}"))?;
    let code = VoterCode::parse(&req.code).map_err(|e| e.to_string())?;
    let cred = Credential::derive(&code, &req.campaign).map_err(|e| e.to_string())?;
    credential_answer(&cred)
}

/// Encrypts, proves and signs a ballot.
pub fn ballot(request: &[u8]) -> Result<String, String> {
    let req: BallotRequest =
        serde_json::from_slice(request).map_err(|e| format!("requête invalide : {e}"))?;
    let election = Hash32::from_hex(&req.election).map_err(|e| format!("election : {e}"))?;
    let key_bytes = fixed::<32>("election_key", &req.election_key)?;
    let key = ElectionKey::decode(key_bytes.as_ref()).map_err(|e| e.to_string())?;
    let shapes = req
        .contests
        .iter()
        .map(|c| {
            (
                c.contest,
                ContestShape {
                    options: c.options,
                    max: c.max,
                },
            )
        })
        .collect();
    let params = ElectionParams::with_contests(election, key, shapes).map_err(|e| e.to_string())?;
    if req.selections.len() != req.contests.len() {
        return Err(format!(
            "{} scrutins, {} listes de choix : une liste par scrutin",
            req.contests.len(),
            req.selections.len()
        ));
    }
    let choices: Vec<ContestChoice> = req
        .contests
        .iter()
        .zip(&req.selections)
        .map(|(c, s)| ContestChoice {
            contest: c.contest,
            selected: s.clone(),
        })
        .collect();
    let secret = fixed::<64>("secret", &req.secret)?;
    let credential = Credential::from_secret_bytes(&secret);
    let seed = fixed::<32>("seed", &req.seed)?;
    let mut rng = ChaCha20Rng::from_seed(*seed);
    let ballot =
        Ballot::prepare(&params, &credential, &choices, &mut rng).map_err(|e| e.to_string())?;
    let answer = BallotAnswer {
        ballot: hex(&ballot.encode()),
        tracker: ballot.tracker().to_hex(),
    };
    serde_json::to_string(&answer).map_err(|e| e.to_string())
}

static RESULT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

fn set_result(bytes: Vec<u8>) {
    let mut r = RESULT.lock().unwrap_or_else(|p| p.into_inner());
    r.zeroize();
    *r = bytes;
}

fn run(op: fn(&[u8]) -> Result<String, String>, ptr: *mut u8, len: usize) -> u32 {
    // SAFETY: the page passes a buffer it obtained from `urne_alloc(len)` and filled.
    let input = unsafe { std::slice::from_raw_parts(ptr, len) };
    let (status, out) = match op(input) {
        Ok(s) => (0, s),
        Err(e) => (1, e),
    };
    set_result(out.into_bytes());
    status
}

/// Allocates `len` bytes for a request.
#[unsafe(no_mangle)]
pub extern "C" fn urne_alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len.max(1));
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Frees (after zeroing) a buffer from [`urne_alloc`].
///
/// # Safety
/// `ptr` must come from `urne_alloc(len)` and not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn urne_free(ptr: *mut u8, len: usize) {
    // SAFETY: per the contract, `ptr` was allocated with capacity `len.max(1)`.
    let mut v = unsafe { Vec::from_raw_parts(ptr, len, len.max(1)) };
    v.zeroize();
}

/// Runs [`credential`] on the request at `ptr..ptr+len`; 0 on success.
///
/// # Safety
/// `ptr..ptr+len` must be a buffer from [`urne_alloc`], initialised by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn urne_credential(ptr: *mut u8, len: usize) -> u32 {
    run(credential, ptr, len)
}

/// Runs [`ballot`] on the request at `ptr..ptr+len`; 0 on success.
///
/// # Safety
/// `ptr..ptr+len` must be a buffer from [`urne_alloc`], initialised by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn urne_ballot(ptr: *mut u8, len: usize) -> u32 {
    run(ballot, ptr, len)
}

/// Runs [`proxy_credential`] on the request at `ptr..ptr+len`; 0 on success.
///
/// # Safety
/// `ptr..ptr+len` must be a buffer from [`urne_alloc`], initialised by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn urne_proxy_credential(ptr: *mut u8, len: usize) -> u32 {
    run(proxy_credential, ptr, len)
}

/// Runs [`proxy_endorsement`] on the request at `ptr..ptr+len`; 0 on success.
///
/// # Safety
/// `ptr..ptr+len` must be a buffer from [`urne_alloc`], initialised by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn urne_proxy_endorsement(ptr: *mut u8, len: usize) -> u32 {
    run(proxy_endorsement, ptr, len)
}

/// Address of the last answer.
#[unsafe(no_mangle)]
pub extern "C" fn urne_result_ptr() -> *const u8 {
    RESULT.lock().map_or(std::ptr::null(), |r| r.as_ptr())
}

/// Length of the last answer.
#[unsafe(no_mangle)]
pub extern "C" fn urne_result_len() -> usize {
    RESULT.lock().map_or(0, |r| r.len())
}

/// Zeroes and drops the last answer (it may hold the credential secret).
#[unsafe(no_mangle)]
pub extern "C" fn urne_clear_result() {
    set_result(Vec::new());
}

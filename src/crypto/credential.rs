//! The voting credential and the login token, derived from the code in the browser
//! (docs/protocol.md §Credentials).
//!
//! `seed = argon2id(password = normalised code, salt = H(URNE-V1-credential-salt, campaign id))`,
//! 64 bytes; the ed25519 credential key is `H(URNE-V1-credential-key, seed)` and the login token
//! `H(URNE-V1-login-token, seed)`. The server keeps only `H(URNE-V1-login-token-hash, token)` and
//! the credential public key. The salt is the election *campaign* id, so the same code serves both
//! rounds; every proof and signature is nevertheless bound to one election by its fingerprint.
//!
//! A **proxy credential** (procuration, décret art. 26; docs/protocol.md §3.1) is derived in the
//! mandataire's browser from the mandataire's credential and the mandant's public key, so the
//! mandataire can re-derive it at any time without storing anything:
//! `proxy seed = H(URNE-V1-proxy-credential, [mandataire signing-key seed, mandant public key])`,
//! then the credential is derived from that seed exactly as from the argon2id output of a code.

use super::CryptoError;
use super::code::VoterCode;
use super::domain;
use crate::encoding::{DecodeError, Hash32, Reader, Writer, tagged_hash};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// argon2id memory cost in KiB (docs/protocol.md §Credentials explains the choice).
pub const ARGON2_M_KIB: u32 = 8 * 1024;
/// argon2id number of passes.
pub const ARGON2_T: u32 = 2;
/// argon2id lanes (1: the wasm booth is single-threaded).
pub const ARGON2_P: u32 = 1;
/// argon2id output length in bytes.
pub const ARGON2_OUT: usize = 64;

/// The argon2id salt of a campaign: `H(URNE-V1-credential-salt, campaign id)`.
pub fn campaign_salt(campaign_id: &str) -> Hash32 {
    tagged_hash(domain::CREDENTIAL_SALT, &[campaign_id.as_bytes()])
}

/// An elector's credential public key (ed25519), as shown on the public board.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialPublicKey(pub [u8; 32]);

impl std::fmt::Debug for CredentialPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CredentialPublicKey({})", crate::encoding::hex(&self.0))
    }
}

impl CredentialPublicKey {
    /// Validates 32 bytes: a canonical encoding of an ed25519 point that is not of small order.
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, String> {
        verifying_key(&bytes).map(|_| CredentialPublicKey(bytes))
    }

    /// Reads and validates a key, also returning its decompressed form (a ballot's signature is
    /// then checked without decompressing the key again).
    pub(crate) fn read_verifying(
        r: &mut Reader<'_>,
        field: &str,
    ) -> Result<(Self, VerifyingKey), DecodeError> {
        let start = r.position();
        let bytes: [u8; 32] = r.fixed(field)?;
        let vk = verifying_key(&bytes).map_err(|reason| DecodeError {
            field: field.to_owned(),
            offset: start,
            reason,
        })?;
        Ok((CredentialPublicKey(bytes), vk))
    }

    /// Reads and validates a key from a canonical encoding.
    pub fn read(r: &mut Reader<'_>, field: &str) -> Result<Self, DecodeError> {
        let start = r.position();
        let bytes: [u8; 32] = r.fixed(field)?;
        Self::from_bytes(bytes).map_err(|reason| DecodeError {
            field: field.to_owned(),
            offset: start,
            reason,
        })
    }

    /// Appends the 32 bytes.
    pub fn write(&self, w: &mut Writer) {
        w.fixed(&self.0);
    }

    /// Canonical encoding (32 bytes).
    pub fn encode(&self) -> Vec<u8> {
        self.0.to_vec()
    }

    /// Strict decoding of [`Self::encode`].
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let k = Self::read(&mut r, "credential")?;
        r.finish("credential")?;
        Ok(k)
    }

    /// Verifies an ed25519 signature with `verify_strict` (canonical `s`, no small-order `R`).
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> Result<(), CryptoError> {
        let vk = VerifyingKey::from_bytes(&self.0)
            .map_err(|_| CryptoError::invalid("clé publique du justificatif"))?;
        vk.verify_strict(message, &Signature::from_bytes(signature))
            .map_err(|_| CryptoError::invalid("signature du justificatif"))
    }
}

/// The decompressed key of 32 bytes that are a canonical encoding of an ed25519 point of large
/// order (docs/protocol.md §3).
fn verifying_key(bytes: &[u8; 32]) -> Result<VerifyingKey, String> {
    // Canonical iff y < p = 2^255 − 19 (the sign bit is free: the only points with x = 0 are of
    // small order, refused below). Checked on the bytes, which spares re-compressing the point.
    let mut y = *bytes;
    y[31] &= 0x7f;
    if y[31] == 0x7f && y[1..31].iter().all(|b| *b == 0xff) && y[0] >= 0xed {
        return Err("clé publique ed25519 non canonique".to_owned());
    }
    let vk =
        VerifyingKey::from_bytes(bytes).map_err(|_| "clé publique ed25519 invalide".to_owned())?;
    if vk.is_weak() {
        return Err("clé publique ed25519 d'ordre faible".to_owned());
    }
    Ok(vk)
}

/// `verify_strict` of `signature` over `message` with an already decompressed key.
pub(crate) fn verify_with(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8; 64],
) -> Result<(), CryptoError> {
    key.verify_strict(message, &Signature::from_bytes(signature))
        .map_err(|_| CryptoError::invalid("signature du justificatif"))
}

/// The login token (32 bytes) the browser sends instead of the code. Zeroized on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct LoginToken(pub [u8; 32]);

impl std::fmt::Debug for LoginToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginToken(<secret>)")
    }
}

impl LoginToken {
    /// What the server stores and compares: `H(URNE-V1-login-token-hash, token)`.
    pub fn server_hash(&self) -> Hash32 {
        tagged_hash(domain::LOGIN_TOKEN_HASH, &[&self.0])
    }
}

/// An elector's credential: the ed25519 signing key and the login token. Zeroized on drop.
#[derive(Clone, ZeroizeOnDrop)]
pub struct Credential {
    signing: SigningKey,
    login_token: LoginToken,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl Credential {
    /// Derives the credential of `code` for the campaign `campaign_id` (argon2id, then tagged hashes).
    pub fn derive(code: &VoterCode, campaign_id: &str) -> Result<Self, CryptoError> {
        let params = argon2::Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, Some(ARGON2_OUT))
            .map_err(|e| CryptoError::usage(format!("paramètres argon2id : {e}")))?;
        let kdf = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let salt = campaign_salt(campaign_id);
        let mut seed = Zeroizing::new([0u8; ARGON2_OUT]);
        kdf.hash_password_into(&code.normalized(), &salt.0, seed.as_mut())
            .map_err(|e| CryptoError::usage(format!("argon2id : {e}")))?;
        Ok(Self::from_seed(seed.as_ref()))
    }

    /// The proxy credential this credential (the mandataire's) holds for `mandant`
    /// (docs/protocol.md §3.1): deterministic, different for every mandant and mandataire, and
    /// computable only with the mandataire's secret.
    pub fn proxy_for(&self, mandant: &CredentialPublicKey) -> Credential {
        let own = Zeroizing::new(self.signing.to_bytes());
        let seed =
            Zeroizing::new(tagged_hash(domain::PROXY_CREDENTIAL, &[own.as_ref(), &mandant.0]).0);
        Self::from_seed(seed.as_ref())
    }

    fn from_seed(seed: &[u8]) -> Self {
        let key = Zeroizing::new(tagged_hash(domain::CREDENTIAL_KEY, &[seed]).0);
        let token = tagged_hash(domain::LOGIN_TOKEN, &[seed]).0;
        Credential {
            signing: SigningKey::from_bytes(&key),
            login_token: LoginToken(token),
        }
    }

    /// Rebuilds a credential from its secret bytes (signing key seed ‖ login token), as kept by the
    /// voting page between login and vote.
    pub fn from_secret_bytes(bytes: &[u8; 64]) -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&bytes[..32]);
        let mut token = [0u8; 32];
        token.copy_from_slice(&bytes[32..]);
        Credential {
            signing: SigningKey::from_bytes(&key),
            login_token: LoginToken(token),
        }
    }

    /// The secret bytes (signing key seed ‖ login token).
    pub fn secret_bytes(&self) -> Zeroizing<[u8; 64]> {
        let mut out = Zeroizing::new([0u8; 64]);
        out[..32].copy_from_slice(&self.signing.to_bytes());
        out[32..].copy_from_slice(&self.login_token.0);
        out
    }

    /// The decompressed public key.
    pub(crate) fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The public key registered on the board.
    pub fn public_key(&self) -> CredentialPublicKey {
        CredentialPublicKey(self.signing.verifying_key().to_bytes())
    }

    /// The login token.
    pub fn login_token(&self) -> &LoginToken {
        &self.login_token
    }

    /// Signs `message` (ed25519, deterministic).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn the_same_code_gives_the_same_credential_in_both_rounds_of_a_campaign_only() {
        let code = VoterCode::generate(&mut ChaCha20Rng::from_seed([5; 32]));
        let a = Credential::derive(&code, "paris-2026-batonnier").unwrap();
        let b = Credential::derive(&code, "paris-2026-batonnier").unwrap();
        let c = Credential::derive(&code, "paris-2026-conseil").unwrap();
        assert_eq!(a.public_key(), b.public_key());
        assert_eq!(a.login_token(), b.login_token());
        assert_ne!(a.public_key(), c.public_key());
        assert_ne!(a.login_token().server_hash(), c.login_token().server_hash());
    }

    #[test]
    fn a_signature_verifies_and_an_altered_one_does_not() {
        let code = VoterCode::generate(&mut ChaCha20Rng::from_seed([6; 32]));
        let cred = Credential::derive(&code, "x").unwrap();
        let sig = cred.sign(b"message");
        cred.public_key().verify(b"message", &sig).unwrap();
        assert!(cred.public_key().verify(b"messagf", &sig).is_err());
        let mut bad = sig;
        bad[40] ^= 1;
        assert!(cred.public_key().verify(b"message", &bad).is_err());
        let back = Credential::from_secret_bytes(&cred.secret_bytes());
        assert_eq!(back.public_key(), cred.public_key());
    }

    #[test]
    fn invalid_or_weak_public_keys_are_refused() {
        // The identity (small order) and a non-canonical y (2^255 - 1 ≥ p).
        let mut id = [0u8; 32];
        id[0] = 1;
        assert!(CredentialPublicKey::from_bytes(id).is_err());
        let mut noncanon = [0xffu8; 32];
        noncanon[31] = 0x7f;
        assert!(CredentialPublicKey::from_bytes(noncanon).is_err());
        let err = CredentialPublicKey::decode(&id).unwrap_err();
        assert_eq!(err.field, "credential");
        let real = Credential::from_secret_bytes(&[3; 64]).public_key();
        assert!(CredentialPublicKey::from_bytes(real.0).is_ok());
        // Every y in [p, 2^255) is refused as non-canonical, before any decompression.
        for low in 0xedu8..=0xff {
            let mut b = [0xffu8; 32];
            b[31] = 0x7f;
            b[0] = low;
            let err = CredentialPublicKey::from_bytes(b).unwrap_err();
            assert!(err.contains("non canonique"), "{low:#x}: {err}");
        }
    }

    #[test]
    fn a_proxy_credential_is_rederived_identically_and_belongs_to_one_mandataire_and_mandant() {
        let code = |s| VoterCode::generate(&mut ChaCha20Rng::from_seed([s; 32]));
        let mandataire = Credential::derive(&code(8), "c").unwrap();
        let other = Credential::derive(&code(9), "c").unwrap();
        let mandant = Credential::derive(&code(10), "c").unwrap().public_key();
        let mandant2 = Credential::derive(&code(11), "c").unwrap().public_key();
        let proxy = mandataire.proxy_for(&mandant);
        // Re-derived from a fresh login (the same code) gives the same credential.
        let again = Credential::derive(&code(8), "c")
            .unwrap()
            .proxy_for(&mandant);
        assert_eq!(proxy.public_key(), again.public_key());
        assert_eq!(proxy.login_token(), again.login_token());
        // And from the secret the voting page keeps.
        let from_page =
            Credential::from_secret_bytes(&mandataire.secret_bytes()).proxy_for(&mandant);
        assert_eq!(proxy.public_key(), from_page.public_key());
        let keys = [
            proxy.public_key(),
            mandataire.proxy_for(&mandant2).public_key(),
            other.proxy_for(&mandant).public_key(),
            mandataire.public_key(),
            mandant,
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // The proxy credential signs like any credential.
        let sig = proxy.sign(b"m");
        proxy.public_key().verify(b"m", &sig).unwrap();
        CredentialPublicKey::from_bytes(proxy.public_key().0).unwrap();
    }

    #[test]
    fn debug_output_hides_secrets() {
        let code = VoterCode::generate(&mut ChaCha20Rng::from_seed([7; 32]));
        let cred = Credential::derive(&code, "x").unwrap();
        let dbg = format!("{cred:?} {:?}", cred.login_token());
        assert!(!dbg.contains(&crate::encoding::hex(&cred.login_token().0)));
        assert!(dbg.contains("<secret>"));
    }
}

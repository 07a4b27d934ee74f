//! A bureau member's key file (docs/bureau-guide.md, "Le fichier de clé"): the member's ed25519
//! signing key (seal of the election, signature of the procès-verbal, of the key-ceremony messages
//! and of paper-count records) and the member's secrets of the key ceremony (docs/protocol.md §4):
//! the bâtonnier's key `x_b`, or a scrutateur's transport seed and, once the ceremony is over,
//! the scrutateur's key share `sᵢ`.
//!
//! The secrets are never written in clear: the file holds them encrypted with XChaCha20-Poly1305
//! under a key derived from the member's passphrase by argon2id (v1.3, 64 MiB, 3 passes, 1 lane,
//! a random 16-byte salt per file). The public part of the file (format, name, public key, stage of
//! the ceremony, KDF parameters) is authenticated as associated data: a file whose header was
//! edited does not open. A wrong passphrase and an altered file give the same French error,
//! [`KeystoreError::WrongPassphrase`], since the AEAD cannot tell them apart.
//!
//! Secret plaintext encoding (canonical encoding of `crate::encoding`):
//!
//! ```text
//! u8   version = 1
//! [32] ed25519 seed (RFC 8032 secret key)
//! u8   ceremony stage: 0 none, 1 bâtonnier, 2 scrutateur
//!   1: [32] ceremony id ‖ [32] bâtonnier seed ‖ bytes TrusteeSecret (index 0 ‖ x_b)
//!   2: [32] ceremony id ‖ u32 index ‖ [32] transport seed ‖ bool has-share ‖ [bytes TrusteeSecret]
//! ```
//!
//! The round-1 secrets are derived from a stored seed (`URNE-V1-keystore-transport`, bound to the
//! ceremony id and the member), so that the same seed always gives the same bâtonnier key or
//! transport key and the same proof: a step of the ceremony run twice publishes the same message
//! twice, never two different ones. The transport secret itself is not stored.

use crate::board::PublicKey;
use crate::crypto::dkg::{BatonnierKey, DkgParams, TrusteeSecret, batonnier_keygen};
use crate::encoding::{DecodeError, Hash32, Reader, Writer, hex, tagged_hash, unhex};
use chacha20::ChaCha20Rng;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use ed25519_dalek::SigningKey;
use rand_core::{CryptoRng, SeedableRng};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// `format` of a key file.
pub const KEY_FILE_FORMAT: &str = "urne-key-1";
/// The only KDF of [`KEY_FILE_FORMAT`].
pub const KDF_ALGORITHM: &str = "argon2id";
/// The only AEAD of [`KEY_FILE_FORMAT`].
pub const CIPHER: &str = "xchacha20poly1305";
/// Shortest passphrase accepted for a new key file.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// Domain of the transport-key generator seeded from the stored transport seed.
const TRANSPORT_RNG: &str = "URNE-V1-keystore-transport";
/// Domain of the per-message generators derived from the transport seed (dealing, complaints).
const MEMBER_RNG: &str = "URNE-V1-keystore-member-rng";

/// Why a key file could not be created, read or opened. Messages are French: the bureau reads them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeystoreError {
    /// The passphrase does not open the file (or the file was altered).
    #[error(
        "phrase secrète incorrecte : le fichier de clé ne s'ouvre pas avec cette phrase (ou il a été modifié)"
    )]
    WrongPassphrase,
    /// A new passphrase is too short.
    #[error("phrase secrète trop courte : {MIN_PASSPHRASE_CHARS} caractères au moins ({0} reçus)")]
    WeakPassphrase(usize),
    /// The file is not a key file of this version, or a field is malformed.
    #[error("fichier de clé invalide : {0}")]
    Format(String),
    /// The decrypted secrets do not decode (a file written by another program).
    #[error("fichier de clé invalide : secrets illisibles ({0})")]
    Secrets(#[from] DecodeError),
    /// The operation does not fit the stage of the ceremony the key is at.
    #[error("{0}")]
    Stage(String),
}

/// argon2id parameters of a key file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// What new key files use: 64 MiB, 3 passes, 1 lane (≈ 0.2 s on this machine). A key file is
    /// opened a handful of times by its owner, so the KDF can afford to be slow for an attacker.
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };

    /// Cheap parameters for tests (8 MiB, 1 pass): still argon2id, only faster.
    pub const FOR_TESTS: KdfParams = KdfParams {
        m_kib: 8 * 1024,
        t: 1,
        p: 1,
    };

    fn check(&self) -> Result<(), KeystoreError> {
        // Refuse parameters too weak to protect a secret or so large they are surely corrupt.
        if self.m_kib < 8 * 1024 || self.m_kib > 4 * 1024 * 1024 || self.t == 0 || self.t > 64 {
            return Err(KeystoreError::Format(format!(
                "paramètres argon2id hors limites (m = {} Kio, t = {}, p = {})",
                self.m_kib, self.t, self.p
            )));
        }
        if self.p == 0 || self.p > 16 {
            return Err(KeystoreError::Format(format!(
                "paramètres argon2id hors limites (p = {})",
                self.p
            )));
        }
        Ok(())
    }
}

/// The key-derivation block of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kdf {
    /// [`KDF_ALGORITHM`].
    pub algorithm: String,
    /// argon2 version (19 = 0x13).
    pub version: u32,
    /// Cost parameters.
    #[serde(flatten)]
    pub params: KdfParams,
    /// 16 random bytes, hexadecimal.
    pub salt: String,
}

/// Where the member is in the key ceremony (public, in the file header, so that `urne-tally`
/// can say what to do next without asking for the passphrase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Only the signing key: the member has not joined a ceremony yet.
    Identity,
    /// The bâtonnier has generated the bâtonnier key.
    Batonnier,
    /// A scrutateur has its transport seed; the key share is not computed yet.
    Transport,
    /// A scrutateur holds its checked key share.
    Share,
}

/// The key file as written on disk (JSON). The secrets are in `ciphertext`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    /// [`KEY_FILE_FORMAT`].
    pub format: String,
    /// The member's name, as they typed it (for messages; the bureau's names come from the
    /// election definition).
    pub name: String,
    /// The member's ed25519 public key (what the ordre enters in the election's bureau).
    pub public_key: PublicKey,
    /// Stage of the key ceremony.
    pub stage: Stage,
    /// The ceremony joined, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceremony: Option<Hash32>,
    /// Member index in the ceremony (0 = bâtonnier, `i` = scrutateur `i`), if joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<u32>,
    /// Passphrase derivation.
    pub kdf: Kdf,
    /// [`CIPHER`].
    pub cipher: String,
    /// 24 random bytes, hexadecimal.
    pub nonce: String,
    /// The encrypted secrets and their 16-byte tag, hexadecimal.
    pub ciphertext: String,
}

/// The ceremony secrets of a member.
#[derive(Clone)]
pub enum DkgSecret {
    /// Not in a ceremony.
    None,
    /// The bâtonnier's key of a ceremony.
    Batonnier {
        /// The ceremony.
        ceremony: Hash32,
        /// Seed the bâtonnier key and its proof are derived from.
        seed: Zeroizing<[u8; 32]>,
        /// `x_b`.
        secret: TrusteeSecret,
    },
    /// Scrutateur `index` of a ceremony.
    Scrutateur {
        /// The ceremony.
        ceremony: Hash32,
        /// 1-based index.
        index: u32,
        /// Seed of the transport secret and of the member's ceremony randomness.
        seed: Zeroizing<[u8; 32]>,
        /// The key share, once the ceremony is over.
        share: Option<TrusteeSecret>,
    },
}

impl std::fmt::Debug for DkgSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DkgSecret::None => f.write_str("DkgSecret::None"),
            DkgSecret::Batonnier { ceremony, .. } => {
                write!(f, "DkgSecret::Batonnier({ceremony}, <secret>)")
            }
            DkgSecret::Scrutateur {
                ceremony,
                index,
                share,
                ..
            } => write!(
                f,
                "DkgSecret::Scrutateur({ceremony}, {index}, <secret>, share: {})",
                share.is_some()
            ),
        }
    }
}

/// A bureau member's opened key: the signing key and the ceremony secrets. Everything secret is
/// zeroized on drop (ed25519-dalek's `SigningKey` zeroizes itself); `Debug` shows no secret.
#[derive(Clone)]
pub struct MemberKey {
    name: String,
    signing: SigningKey,
    dkg: DkgSecret,
}

impl std::fmt::Debug for MemberKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MemberKey({}, {}, <secret>, {:?})",
            self.name,
            self.public_key(),
            self.dkg
        )
    }
}

impl MemberKey {
    /// A new member key: a fresh ed25519 signing key, no ceremony yet.
    pub fn generate<R: CryptoRng + ?Sized>(name: &str, rng: &mut R) -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut());
        MemberKey {
            name: name.trim().to_owned(),
            signing: SigningKey::from_bytes(&seed),
            dkg: DkgSecret::None,
        }
    }

    /// The same member (name and signing key, so the same public key in the bureau) for another
    /// key ceremony: the second round of an election has its own ceremony (its id covers the
    /// election id, docs/protocol.md §4) with the same bureau, and this file keeps round 1's
    /// share, still needed to decrypt and sign round 1 (docs/bureau-guide.md § Le second tour).
    pub fn for_new_ceremony(&self) -> Self {
        MemberKey {
            name: self.name.clone(),
            signing: self.signing.clone(),
            dkg: DkgSecret::None,
        }
    }

    /// The member's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The ed25519 signing key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// Its public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::of(&self.signing)
    }

    /// The ceremony secrets.
    pub fn dkg(&self) -> &DkgSecret {
        &self.dkg
    }

    /// The public stage matching the secrets.
    pub fn stage(&self) -> Stage {
        match &self.dkg {
            DkgSecret::None => Stage::Identity,
            DkgSecret::Batonnier { .. } => Stage::Batonnier,
            DkgSecret::Scrutateur { share: None, .. } => Stage::Transport,
            DkgSecret::Scrutateur { share: Some(_), .. } => Stage::Share,
        }
    }

    /// The ceremony joined and the member index in it.
    pub fn ceremony(&self) -> Option<(Hash32, u32)> {
        match &self.dkg {
            DkgSecret::None => None,
            DkgSecret::Batonnier { ceremony, .. } => Some((*ceremony, 0)),
            DkgSecret::Scrutateur {
                ceremony, index, ..
            } => Some((*ceremony, *index)),
        }
    }

    /// Joins the ceremony of `params` as the bâtonnier: draws a fresh seed, derives the bâtonnier
    /// key from it and returns the bâtonnier's round-1 message. Refused if the key is already in a
    /// ceremony (one key file per ceremony: a second bâtonnier key would silently replace the
    /// first).
    pub fn join_as_batonnier<R: CryptoRng + ?Sized>(
        &mut self,
        params: &DkgParams,
        rng: &mut R,
    ) -> Result<BatonnierKey, KeystoreError> {
        self.not_in_ceremony()?;
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut());
        let (secret, public) =
            batonnier_keygen(params, &mut transport_rng(&seed, &params.ceremony.0, 0));
        self.dkg = DkgSecret::Batonnier {
            ceremony: params.ceremony,
            seed,
            secret,
        };
        Ok(public)
    }

    /// The bâtonnier's round-1 message again (the same bytes every time: it is derived from the
    /// stored seed).
    pub fn batonnier_message(&self, params: &DkgParams) -> Result<BatonnierKey, KeystoreError> {
        match &self.dkg {
            DkgSecret::Batonnier {
                ceremony,
                seed,
                secret,
            } if *ceremony == params.ceremony => {
                let (s, public) =
                    batonnier_keygen(params, &mut transport_rng(seed, &ceremony.0, 0));
                if s.public() != secret.public() {
                    return Err(KeystoreError::Format(
                        "la clé du bâtonnier ne se déduit plus de sa graine".into(),
                    ));
                }
                Ok(public)
            }
            _ => Err(KeystoreError::Stage(
                "ce fichier de clé n'est pas celui du bâtonnier de cette cérémonie".into(),
            )),
        }
    }

    /// Joins `ceremony` as scrutateur `index` with a fresh transport seed.
    pub fn join_as_scrutateur<R: CryptoRng + ?Sized>(
        &mut self,
        ceremony: Hash32,
        index: u32,
        rng: &mut R,
    ) -> Result<(), KeystoreError> {
        self.not_in_ceremony()?;
        if index == 0 {
            return Err(KeystoreError::Stage("scrutateur 0 inexistant".into()));
        }
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut());
        self.dkg = DkgSecret::Scrutateur {
            ceremony,
            index,
            seed,
            share: None,
        };
        Ok(())
    }

    /// Stores the scrutateur's checked key share at the end of the ceremony (idempotent for the
    /// same share; a different share is refused).
    pub fn set_share(&mut self, share: TrusteeSecret) -> Result<(), KeystoreError> {
        match &mut self.dkg {
            DkgSecret::Scrutateur {
                index, share: slot, ..
            } => {
                if share.trustee() != crate::crypto::dkg::Trustee::Scrutateur(*index) {
                    return Err(KeystoreError::Stage(format!(
                        "part du {} pour le scrutateur {index}",
                        share.trustee()
                    )));
                }
                if let Some(old) = slot
                    && old.public() != share.public()
                {
                    return Err(KeystoreError::Stage(
                        "ce fichier de clé contient déjà une autre part de clé".into(),
                    ));
                }
                *slot = Some(share);
                Ok(())
            }
            _ => Err(KeystoreError::Stage(
                "seul un scrutateur reçoit une part de clé".into(),
            )),
        }
    }

    /// The decryption key of this member (bâtonnier key or scrutateur share), once the ceremony
    /// is over.
    pub fn trustee_secret(&self) -> Result<&TrusteeSecret, KeystoreError> {
        match &self.dkg {
            DkgSecret::Batonnier { secret, .. } => Ok(secret),
            DkgSecret::Scrutateur {
                share: Some(s), ..
            } => Ok(s),
            DkgSecret::Scrutateur { share: None, .. } => Err(KeystoreError::Stage(
                "la cérémonie des clés n'est pas terminée pour ce scrutateur : lancer « urne-tally keygen step » jusqu'à la fin".into(),
            )),
            DkgSecret::None => Err(KeystoreError::Stage(
                "ce fichier de clé n'a participé à aucune cérémonie des clés".into(),
            )),
        }
    }

    /// A generator for the transport key of this scrutateur: always the same for the same seed and
    /// ceremony (the ceremony id binds the bureau and the threshold).
    pub fn transport_rng(&self) -> Result<ChaCha20Rng, KeystoreError> {
        match &self.dkg {
            DkgSecret::Scrutateur {
                seed,
                index,
                ceremony,
                ..
            } => Ok(transport_rng(seed, &ceremony.0, *index)),
            _ => Err(KeystoreError::Stage(
                "seul un scrutateur a une clé de transport".into(),
            )),
        }
    }

    /// A generator for one ceremony message of this scrutateur (`purpose` and `context` name the
    /// message and everything it depends on): the same inputs give the same message, different
    /// inputs independent randomness.
    pub fn message_rng(&self, purpose: &str, context: &[u8]) -> Result<ChaCha20Rng, KeystoreError> {
        match &self.dkg {
            DkgSecret::Scrutateur { seed, .. } => {
                let h = Zeroizing::new(
                    tagged_hash(MEMBER_RNG, &[seed.as_ref(), purpose.as_bytes(), context]).0,
                );
                Ok(ChaCha20Rng::from_seed(*h))
            }
            _ => Err(KeystoreError::Stage(
                "seul un scrutateur publie des distributions et des plaintes".into(),
            )),
        }
    }

    fn not_in_ceremony(&self) -> Result<(), KeystoreError> {
        match self.ceremony() {
            None => Ok(()),
            Some((c, m)) => Err(KeystoreError::Stage(format!(
                "ce fichier de clé participe déjà à la cérémonie {} (membre {m}) : créer un nouveau fichier de clé pour une autre élection",
                &c.to_hex()[..16]
            ))),
        }
    }

    fn encode_secrets(&self) -> Zeroizing<Vec<u8>> {
        let mut w = Writer::new();
        w.u8(1).fixed(self.signing.as_bytes());
        match &self.dkg {
            DkgSecret::None => {
                w.u8(0);
            }
            DkgSecret::Batonnier {
                ceremony,
                seed,
                secret,
            } => {
                w.u8(1)
                    .fixed(&ceremony.0)
                    .fixed(seed.as_ref())
                    .bytes(&secret.to_bytes());
            }
            DkgSecret::Scrutateur {
                ceremony,
                index,
                seed,
                share,
            } => {
                w.u8(2)
                    .fixed(&ceremony.0)
                    .u32(*index)
                    .fixed(seed.as_ref())
                    .bool(share.is_some());
                if let Some(s) = share {
                    w.bytes(&s.to_bytes());
                }
            }
        }
        Zeroizing::new(w.into_bytes())
    }

    fn decode_secrets(name: &str, bytes: &[u8]) -> Result<Self, KeystoreError> {
        let mut r = Reader::new(bytes);
        let at = r.position();
        let version = r.u8("key.version")?;
        if version != 1 {
            return Err(DecodeError {
                field: "key.version".into(),
                offset: at,
                reason: format!("version {version} inconnue"),
            }
            .into());
        }
        let seed = Zeroizing::new(r.fixed::<32>("key.signing_key")?);
        let signing = SigningKey::from_bytes(&seed);
        let at = r.position();
        let dkg = match r.u8("key.dkg")? {
            0 => DkgSecret::None,
            1 => {
                let ceremony = Hash32(r.fixed("key.dkg.ceremony")?);
                let seed = Zeroizing::new(r.fixed::<32>("key.dkg.seed")?);
                let secret = TrusteeSecret::from_bytes(r.bytes("key.dkg.secret")?)?;
                DkgSecret::Batonnier {
                    ceremony,
                    seed,
                    secret,
                }
            }
            2 => {
                let ceremony = Hash32(r.fixed("key.dkg.ceremony")?);
                let index = r.u32("key.dkg.index")?;
                let seed = Zeroizing::new(r.fixed::<32>("key.dkg.seed")?);
                let share = if r.bool("key.dkg.has_share")? {
                    Some(TrusteeSecret::from_bytes(r.bytes("key.dkg.share")?)?)
                } else {
                    None
                };
                DkgSecret::Scrutateur {
                    ceremony,
                    index,
                    seed,
                    share,
                }
            }
            other => {
                return Err(DecodeError {
                    field: "key.dkg".into(),
                    offset: at,
                    reason: format!("étape {other} inconnue"),
                }
                .into());
            }
        };
        r.finish("key")?;
        Ok(MemberKey {
            name: name.to_owned(),
            signing,
            dkg,
        })
    }

    /// Encrypts the key under `passphrase` into a key file (fresh salt and nonce from `rng`).
    pub fn seal<R: CryptoRng + ?Sized>(
        &self,
        passphrase: &str,
        params: KdfParams,
        rng: &mut R,
    ) -> Result<KeyFile, KeystoreError> {
        let chars = passphrase.chars().count();
        if chars < MIN_PASSPHRASE_CHARS {
            return Err(KeystoreError::WeakPassphrase(chars));
        }
        params.check()?;
        let mut salt = [0u8; 16];
        rng.fill_bytes(&mut salt);
        let mut nonce = [0u8; 24];
        rng.fill_bytes(&mut nonce);
        let (ceremony, member) = match self.ceremony() {
            Some((c, m)) => (Some(c), Some(m)),
            None => (None, None),
        };
        let mut file = KeyFile {
            format: KEY_FILE_FORMAT.into(),
            name: self.name.clone(),
            public_key: self.public_key(),
            stage: self.stage(),
            ceremony,
            member,
            kdf: Kdf {
                algorithm: KDF_ALGORITHM.into(),
                version: 0x13,
                params,
                salt: hex(&salt),
            },
            cipher: CIPHER.into(),
            nonce: hex(&nonce),
            ciphertext: String::new(),
        };
        let key = derive_key(passphrase, &salt, params)?;
        let aad = file.associated_data()?;
        let secrets = self.encode_secrets();
        let ct = XChaCha20Poly1305::new(&Key::from(*key))
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: secrets.as_slice(),
                    aad: &aad,
                },
            )
            .map_err(|_| KeystoreError::Format("chiffrement impossible".into()))?;
        file.ciphertext = hex(&ct);
        Ok(file)
    }
}

fn transport_rng(seed: &[u8; 32], ceremony: &[u8], index: u32) -> ChaCha20Rng {
    let h = Zeroizing::new(tagged_hash(TRANSPORT_RNG, &[seed, ceremony, &index.to_le_bytes()]).0);
    ChaCha20Rng::from_seed(*h)
}

fn derive_key(
    passphrase: &str,
    salt: &[u8],
    params: KdfParams,
) -> Result<Zeroizing<[u8; 32]>, KeystoreError> {
    let p = argon2::Params::new(params.m_kib, params.t, params.p, Some(32))
        .map_err(|e| KeystoreError::Format(format!("paramètres argon2id : {e}")))?;
    let kdf = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p);
    let mut out = Zeroizing::new([0u8; 32]);
    kdf.hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| KeystoreError::Format(format!("argon2id : {e}")))?;
    Ok(out)
}

impl KeyFile {
    /// Parses a key file's JSON; errors name the field.
    pub fn from_json(text: &str) -> Result<Self, KeystoreError> {
        let file: KeyFile = serde_json::from_str(text).map_err(|e| {
            KeystoreError::Format(format!("{e} (ce fichier est-il un fichier de clé Urne ?)"))
        })?;
        if file.format != KEY_FILE_FORMAT {
            return Err(KeystoreError::Format(format!(
                "format « {} » (« {KEY_FILE_FORMAT} » attendu)",
                file.format
            )));
        }
        if file.kdf.algorithm != KDF_ALGORITHM || file.kdf.version != 0x13 {
            return Err(KeystoreError::Format(format!(
                "dérivation « {} » version {} (argon2id version 19 attendue)",
                file.kdf.algorithm, file.kdf.version
            )));
        }
        if file.cipher != CIPHER {
            return Err(KeystoreError::Format(format!(
                "chiffrement « {} » (« {CIPHER} » attendu)",
                file.cipher
            )));
        }
        file.kdf.params.check()?;
        Ok(file)
    }

    /// The JSON written on disk (pretty, ends with a newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// What the AEAD authenticates: the canonical JSON of the file without `nonce` and
    /// `ciphertext`.
    fn associated_data(&self) -> Result<Vec<u8>, KeystoreError> {
        let mut v = serde_json::to_value(self).map_err(|e| KeystoreError::Format(e.to_string()))?;
        if let Some(o) = v.as_object_mut() {
            o.remove("nonce");
            o.remove("ciphertext");
        }
        crate::board::canonical_json_value(&v).map_err(|e| KeystoreError::Format(e.to_string()))
    }

    /// Decrypts the key with `passphrase`. A wrong passphrase, or any change to the file, gives
    /// [`KeystoreError::WrongPassphrase`].
    pub fn open(&self, passphrase: &str) -> Result<MemberKey, KeystoreError> {
        let salt =
            unhex(&self.kdf.salt).map_err(|e| KeystoreError::Format(format!("kdf.salt : {e}")))?;
        if salt.len() < 16 {
            return Err(KeystoreError::Format(
                "kdf.salt : 16 octets au moins".into(),
            ));
        }
        let nonce: [u8; 24] = unhex(&self.nonce)
            .map_err(|e| KeystoreError::Format(format!("nonce : {e}")))?
            .try_into()
            .map_err(|_| KeystoreError::Format("nonce : 24 octets attendus".into()))?;
        let ct = unhex(&self.ciphertext)
            .map_err(|e| KeystoreError::Format(format!("ciphertext : {e}")))?;
        let key = derive_key(passphrase, &salt, self.kdf.params)?;
        let aad = self.associated_data()?;
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(&Key::from(*key))
                .decrypt(
                    &XNonce::from(nonce),
                    Payload {
                        msg: &ct,
                        aad: &aad,
                    },
                )
                .map_err(|_| KeystoreError::WrongPassphrase)?,
        );
        let key = MemberKey::decode_secrets(&self.name, &plain)?;
        // The header is authenticated, but check it states what the secrets are: a file written
        // by another program must not mislead the next step of the ceremony.
        if key.public_key() != self.public_key
            || key.stage() != self.stage
            || key.ceremony().map(|c| c.0) != self.ceremony
            || key.ceremony().map(|c| c.1) != self.member
        {
            return Err(KeystoreError::Format(
                "l'en-tête ne correspond pas aux secrets chiffrés".into(),
            ));
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::dkg::transport_keygen;

    const PASS: &str = "cheval correct agrafe";

    fn rng(n: u8) -> ChaCha20Rng {
        ChaCha20Rng::from_seed([n; 32])
    }

    fn params() -> DkgParams {
        DkgParams::new(tagged_hash("URNE-V1-test-ceremony", &[]), 3, 2).unwrap()
    }

    #[test]
    fn a_sealed_key_opens_with_its_passphrase_and_keeps_every_secret() {
        let mut r = rng(1);
        let mut k = MemberKey::generate("Me Bâtonnier", &mut r);
        let public = k.join_as_batonnier(&params(), &mut r).unwrap();
        let file = k.seal(PASS, KdfParams::FOR_TESTS, &mut r).unwrap();
        let text = file.to_json();
        assert!(!text.contains(&hex(k.signing_key().as_bytes())));
        let back = KeyFile::from_json(&text).unwrap().open(PASS).unwrap();
        assert_eq!(back.public_key(), k.public_key());
        assert_eq!(back.stage(), Stage::Batonnier);
        assert_eq!(back.trustee_secret().unwrap().public(), public.public);
        assert_eq!(back.name(), "Me Bâtonnier");
        assert_eq!(back.batonnier_message(&params()).unwrap(), public);
        assert!(format!("{back:?}").contains("<secret>"));
    }

    #[test]
    fn a_wrong_passphrase_gives_a_clear_french_error() {
        let mut r = rng(2);
        let k = MemberKey::generate("Me Scrutatrice", &mut r);
        let file = k.seal(PASS, KdfParams::FOR_TESTS, &mut r).unwrap();
        let e = file.open("cheval correct agrafé").unwrap_err();
        assert_eq!(e, KeystoreError::WrongPassphrase);
        assert!(
            e.to_string().starts_with("phrase secrète incorrecte"),
            "{e}"
        );
    }

    #[test]
    fn an_edited_header_makes_the_file_refuse_to_open() {
        let mut r = rng(3);
        let k = MemberKey::generate("Me A", &mut r);
        let mut file = k.seal(PASS, KdfParams::FOR_TESTS, &mut r).unwrap();
        file.stage = Stage::Share;
        assert_eq!(file.open(PASS).unwrap_err(), KeystoreError::WrongPassphrase);
        let mut file = k.seal(PASS, KdfParams::FOR_TESTS, &mut r).unwrap();
        file.name = "Me B".into();
        assert_eq!(file.open(PASS).unwrap_err(), KeystoreError::WrongPassphrase);
    }

    #[test]
    fn a_short_passphrase_is_refused_when_creating_a_key_file() {
        let mut r = rng(4);
        let k = MemberKey::generate("Me A", &mut r);
        assert_eq!(
            k.seal("court", KdfParams::FOR_TESTS, &mut r).unwrap_err(),
            KeystoreError::WeakPassphrase(5)
        );
    }

    #[test]
    fn the_transport_key_is_the_same_each_time_it_is_rederived() {
        let mut r = rng(5);
        let p = params();
        let mut k = MemberKey::generate("Me S2", &mut r);
        k.join_as_scrutateur(p.ceremony, 2, &mut r).unwrap();
        let (_, t1) = transport_keygen(&p, 2, &mut k.transport_rng().unwrap()).unwrap();
        let file = k.seal(PASS, KdfParams::FOR_TESTS, &mut r).unwrap();
        let k2 = file.open(PASS).unwrap();
        let (_, t2) = transport_keygen(&p, 2, &mut k2.transport_rng().unwrap()).unwrap();
        assert_eq!(t1, t2);
        assert_eq!(k2.stage(), Stage::Transport);
        assert!(k2.trustee_secret().is_err());
    }

    #[test]
    fn a_key_file_joins_one_ceremony_only() {
        let mut r = rng(6);
        let mut k = MemberKey::generate("Me S1", &mut r);
        k.join_as_scrutateur(params().ceremony, 1, &mut r).unwrap();
        let e = k
            .join_as_scrutateur(tagged_hash("URNE-V1-test-ceremony", &[b"2"]), 1, &mut r)
            .unwrap_err();
        assert!(e.to_string().contains("participe déjà"), "{e}");
    }

    #[test]
    fn a_key_for_a_new_ceremony_keeps_the_member_and_drops_the_previous_ceremony() {
        let mut r = rng(7);
        let mut k = MemberKey::generate("Me S1", &mut r);
        k.join_as_scrutateur(params().ceremony, 1, &mut r).unwrap();
        let mut next = k.for_new_ceremony();
        assert_eq!(next.public_key(), k.public_key());
        assert_eq!(next.name(), "Me S1");
        assert_eq!(next.stage(), Stage::Identity);
        assert_eq!(next.ceremony(), None);
        let round2 = tagged_hash("URNE-V1-test-ceremony", &[b"tour 2"]);
        next.join_as_scrutateur(round2, 1, &mut r).unwrap();
        assert_eq!(next.ceremony(), Some((round2, 1)));
        assert_eq!(
            k.ceremony(),
            Some((params().ceremony, 1)),
            "round 1's file is untouched"
        );
    }

    #[test]
    fn a_file_of_another_format_is_named_as_such() {
        let e = KeyFile::from_json("{\"format\":\"x\"}").unwrap_err();
        assert!(matches!(e, KeystoreError::Format(_)), "{e}");
        let e = KeyFile::from_json("pas du json").unwrap_err();
        assert!(e.to_string().contains("fichier de clé Urne"), "{e}");
    }
}

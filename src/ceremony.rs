//! The key ceremony as the bureau runs it (docs/bureau-guide.md, docs/api-ceremony.md): what the
//! ceremony is bound to, the signed messages the members exchange (through a folder or through the
//! server's relay), and the check that a genesis holds the key of that ceremony.
//!
//! The cryptography is `crate::crypto::dkg` (docs/protocol.md §4). This module adds what a real
//! ceremony between people needs:
//!
//! - **the ceremony id** `tagged_hash("URNE-V1-ceremony", [canonical JSON of the ceremony])`, where
//!   the ceremony is the barreau, campaign, election and bureau (names, ed25519 keys, threshold)
//!   of the election definition. Every DKG proof is bound to it (`DkgParams::ceremony`), so a
//!   ceremony's messages cannot be replayed into another election or another bureau, and the
//!   genesis can be checked against it ([`check_genesis`]). Candidacies are left out on purpose: a
//!   candidacy registered after the ceremony does not force a new ceremony; the genesis seals it;
//! - **signed messages** ([`DkgMessage`]): each round's public message, signed with the member's
//!   ed25519 key under `URNE-V1-dkg-message`. The relay (or whoever copies the folder) cannot
//!   inject or alter a message: only the bureau's keys sign them;
//! - **the collected board** ([`CeremonyBoard`]): all messages checked, at most one per member and
//!   step, and the transcript assembled once every message is there.

use crate::board::{Genesis, PublicKey, SignatureBytes, canonical_json, sign, signed_message};
use crate::crypto::CryptoError;
use crate::crypto::dkg::{
    BatonnierKey, BureauKeys, Complaint, Dealing, DkgParams, DkgTranscript, TransportKey,
};
use crate::encoding::{DecodeError, Hash32, Reader, Writer, hex, tagged_hash, unhex};
use crate::model::{Bureau, Election};
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `format` of a ceremony file.
pub const CEREMONY_FORMAT: &str = "urne-ceremony-1";
/// `format` of a ceremony message.
pub const MESSAGE_FORMAT: &str = "urne-dkg-message-1";
/// `format` of the ceremony's outcome file.
pub const KEYS_FORMAT: &str = "urne-bureau-keys-1";
/// Domain of the ceremony id.
pub const CEREMONY_DOMAIN: &str = "URNE-V1-ceremony";
/// Domain of a member's signature of a ceremony message.
pub const MESSAGE_DOMAIN: &str = "URNE-V1-dkg-message";

/// Why a ceremony file or message is refused (French: the bureau reads it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CeremonyError {
    /// A file or message is malformed.
    #[error("{0}")]
    Format(String),
    /// A message is not signed by the bureau member it names, or names another ceremony.
    #[error("{0}")]
    Refused(String),
    /// Two different messages of one member for one step.
    #[error(
        "deux messages différents du {member} pour l'étape « {step} » : la cérémonie doit être recommencée"
    )]
    Conflict {
        /// Who (« bâtonnier », « scrutateur 2 »).
        member: String,
        /// The step.
        step: &'static str,
    },
    /// The cryptography refuses a message or the transcript.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// A genesis does not hold this ceremony's key.
    #[error("acte de naissance de l'élection : {0}")]
    Genesis(String),
}

impl From<DecodeError> for CeremonyError {
    fn from(e: DecodeError) -> Self {
        CeremonyError::Format(e.to_string())
    }
}

/// What a ceremony is bound to: the election (barreau, campaign, election id) and its bureau.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ceremony {
    /// [`CEREMONY_FORMAT`].
    pub format: String,
    /// The barreau.
    pub barreau: String,
    /// Campaign id (shared by both rounds).
    pub campaign_id: String,
    /// Election (round) id.
    pub election_id: String,
    /// The bureau, as in the election definition.
    pub bureau: Bureau,
}

fn who(member: u32) -> String {
    if member == 0 {
        "bâtonnier".to_owned()
    } else {
        format!("scrutateur {member}")
    }
}

impl Ceremony {
    /// The ceremony of an election definition.
    pub fn of_election(e: &Election) -> Self {
        Ceremony {
            format: CEREMONY_FORMAT.into(),
            barreau: e.barreau.clone(),
            campaign_id: e.campaign_id.clone(),
            election_id: e.election_id.clone(),
            bureau: e.bureau.clone(),
        }
    }

    /// Reads a ceremony file (JSON); errors name the field.
    pub fn from_json(text: &str) -> Result<Self, CeremonyError> {
        let c: Ceremony = serde_json::from_str(text)
            .map_err(|e| CeremonyError::Format(format!("fichier de cérémonie : {e}")))?;
        if c.format != CEREMONY_FORMAT {
            return Err(CeremonyError::Format(format!(
                "fichier de cérémonie : format « {} » (« {CEREMONY_FORMAT} » attendu)",
                c.format
            )));
        }
        c.params()?;
        Ok(c)
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// `tagged_hash("URNE-V1-ceremony", [canonical JSON])`.
    pub fn id(&self) -> Hash32 {
        let json = canonical_json(self).unwrap_or_default();
        tagged_hash(CEREMONY_DOMAIN, &[&json])
    }

    /// The DKG parameters: this ceremony's id, `n` scrutateurs, threshold `t`.
    pub fn params(&self) -> Result<DkgParams, CeremonyError> {
        let n = u32::try_from(self.bureau.scrutateurs.len())
            .map_err(|_| CeremonyError::Format("trop de scrutateurs".into()))?;
        let mut keys = vec![self.bureau.batonnier.public_key];
        for (i, s) in self.bureau.scrutateurs.iter().enumerate() {
            if keys.contains(&s.public_key) {
                return Err(CeremonyError::Format(format!(
                    "bureau : la clé du scrutateur {} est déjà celle d'un autre membre",
                    i + 1
                )));
            }
            keys.push(s.public_key);
        }
        for (m, k) in keys.iter().enumerate() {
            PublicKey(k.0).verifying_key().map_err(|e| {
                CeremonyError::Format(format!("bureau : clé du {} : {e}", who(m as u32)))
            })?;
        }
        Ok(DkgParams::new(self.id(), n, self.bureau.threshold)?)
    }

    /// The ed25519 key of member `m` (0 = bâtonnier).
    pub fn member_key(&self, m: u32) -> Option<PublicKey> {
        if m == 0 {
            return Some(PublicKey(self.bureau.batonnier.public_key.0));
        }
        self.bureau
            .scrutateurs
            .get((m as usize).checked_sub(1)?)
            .map(|s| PublicKey(s.public_key.0))
    }

    /// The name of member `m`.
    pub fn member_name(&self, m: u32) -> Option<&str> {
        if m == 0 {
            return Some(&self.bureau.batonnier.name);
        }
        self.bureau
            .scrutateurs
            .get((m as usize).checked_sub(1)?)
            .map(|s| s.name.as_str())
    }

    /// The member index of the holder of `key`, if they are in the bureau.
    pub fn member_of(&self, key: &PublicKey) -> Option<u32> {
        (0..=self.bureau.scrutateurs.len() as u32).find(|&m| self.member_key(m) == Some(*key))
    }

    /// « bâtonnier (Me X) », « scrutateur 2 (Me Y) ».
    pub fn describe(&self, m: u32) -> String {
        match self.member_name(m) {
            Some(n) => format!("{} ({n})", who(m)),
            None => who(m),
        }
    }
}

/// The rounds of the ceremony (docs/protocol.md §4.3), as message steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Round 1, bâtonnier: `BatonnierKey`.
    BatonnierKey,
    /// Round 1, scrutateur: `TransportKey`.
    TransportKey,
    /// Round 2, scrutateur: `Dealing`.
    Dealing,
    /// Round 3, scrutateur: its complaints (possibly none), encoded as a sequence of `Complaint`.
    Complaints,
}

impl Step {
    /// The name in the signed message and in file names.
    pub fn name(&self) -> &'static str {
        match self {
            Step::BatonnierKey => "batonnier_key",
            Step::TransportKey => "transport_key",
            Step::Dealing => "dealing",
            Step::Complaints => "complaints",
        }
    }

    /// French name for messages.
    pub fn french(&self) -> &'static str {
        match self {
            Step::BatonnierKey => "clé du bâtonnier",
            Step::TransportKey => "clé de transport",
            Step::Dealing => "distribution des parts",
            Step::Complaints => "vérification des parts",
        }
    }
}

/// One member's message of one step, signed with the member's ed25519 key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DkgMessage {
    /// [`MESSAGE_FORMAT`].
    pub format: String,
    /// The ceremony id.
    pub ceremony: Hash32,
    /// 0 = bâtonnier, `i` = scrutateur `i`.
    pub member: u32,
    /// The step.
    pub step: Step,
    /// The canonical bytes of the step's message (`crate::crypto::dkg` encodings), hexadecimal.
    pub body: String,
    /// ed25519 over `tagged_hash("URNE-V1-dkg-message", [ceremony, u32 member, step name, body])`.
    pub signature: SignatureBytes,
}

impl DkgMessage {
    fn message(ceremony: &Hash32, member: u32, step: Step, body: &[u8]) -> Hash32 {
        signed_message(
            MESSAGE_DOMAIN,
            ceremony,
            &[&member.to_le_bytes(), step.name().as_bytes(), body],
        )
    }

    /// Member `member` signs the body of `step`.
    pub fn sign(ceremony: Hash32, member: u32, step: Step, body: &[u8], key: &SigningKey) -> Self {
        DkgMessage {
            format: MESSAGE_FORMAT.into(),
            ceremony,
            member,
            step,
            body: hex(body),
            signature: sign(key, &Self::message(&ceremony, member, step, body)),
        }
    }

    /// The body bytes.
    pub fn body_bytes(&self) -> Result<Vec<u8>, CeremonyError> {
        unhex(&self.body).map_err(|e| CeremonyError::Format(format!("message : body : {e}")))
    }

    /// Checks the format, the ceremony, that the step fits the member and the signature.
    pub fn verify(&self, ceremony: &Ceremony) -> Result<(), CeremonyError> {
        if self.format != MESSAGE_FORMAT {
            return Err(CeremonyError::Format(format!(
                "message : format « {} » (« {MESSAGE_FORMAT} » attendu)",
                self.format
            )));
        }
        if self.ceremony != ceremony.id() {
            return Err(CeremonyError::Refused(format!(
                "message du {} pour une autre cérémonie ({}…)",
                who(self.member),
                &self.ceremony.to_hex()[..16]
            )));
        }
        let key = ceremony.member_key(self.member).ok_or_else(|| {
            CeremonyError::Refused(format!(
                "message d'un membre {} inconnu du bureau",
                self.member
            ))
        })?;
        let fits = match self.step {
            Step::BatonnierKey => self.member == 0,
            _ => self.member > 0,
        };
        if !fits {
            return Err(CeremonyError::Refused(format!(
                "étape « {} » publiée par le {} : étape réservée au {}",
                self.step.french(),
                who(self.member),
                if self.member == 0 {
                    "scrutateurs"
                } else {
                    "bâtonnier"
                }
            )));
        }
        let body = self.body_bytes()?;
        if !key.verifies(
            &Self::message(&self.ceremony, self.member, self.step, &body),
            &self.signature,
        ) {
            return Err(CeremonyError::Refused(format!(
                "signature invalide du message « {} » attribué au {}",
                self.step.french(),
                ceremony.describe(self.member)
            )));
        }
        Ok(())
    }

    /// The file name of this message in a ceremony folder.
    pub fn file_name(&self) -> String {
        let round = match self.step {
            Step::BatonnierKey | Step::TransportKey => 1,
            Step::Dealing => 2,
            Step::Complaints => 3,
        };
        format!("{round}-{}-{}.json", self.step.name(), self.member)
    }

    /// Parses a message (JSON).
    pub fn from_json(text: &str) -> Result<Self, CeremonyError> {
        serde_json::from_str(text).map_err(|e| CeremonyError::Format(format!("message : {e}")))
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Encoding of a list of complaints (the body of a [`Step::Complaints`] message).
pub fn encode_complaints(complaints: &[Complaint]) -> Vec<u8> {
    let mut w = Writer::new();
    w.len(complaints.len());
    for c in complaints {
        c.write(&mut w);
    }
    w.into_bytes()
}

/// Strict decoding of [`encode_complaints`].
pub fn decode_complaints(bytes: &[u8]) -> Result<Vec<Complaint>, DecodeError> {
    let mut r = Reader::new(bytes);
    let n = r.len("complaints")?;
    if n > crate::crypto::dkg::MAX_SCRUTATEURS as usize {
        return Err(r.error("complaints", "trop de plaintes"));
    }
    let v = (0..n)
        .map(|i| Complaint::read(&mut r, &format!("complaints[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    r.finish("complaints")?;
    Ok(v)
}

/// Every checked message of a ceremony, one per member and step.
#[derive(Debug, Clone)]
pub struct CeremonyBoard {
    ceremony: Ceremony,
    params: DkgParams,
    messages: BTreeMap<(Step, u32), DkgMessage>,
}

impl CeremonyBoard {
    /// An empty board for `ceremony`.
    pub fn new(ceremony: Ceremony) -> Result<Self, CeremonyError> {
        let params = ceremony.params()?;
        Ok(CeremonyBoard {
            ceremony,
            params,
            messages: BTreeMap::new(),
        })
    }

    /// The ceremony.
    pub fn ceremony(&self) -> &Ceremony {
        &self.ceremony
    }

    /// Its DKG parameters.
    pub fn params(&self) -> &DkgParams {
        &self.params
    }

    /// Adds a message after checking it and its body. The same message twice is accepted once;
    /// two different messages of one member for one step are a [`CeremonyError::Conflict`].
    pub fn add(&mut self, m: DkgMessage) -> Result<(), CeremonyError> {
        m.verify(&self.ceremony)?;
        let body = m.body_bytes()?;
        let p = &self.params;
        let refuse = |what: String| CeremonyError::Refused(what);
        match m.step {
            Step::BatonnierKey => {
                BatonnierKey::decode(&body)?;
            }
            Step::TransportKey => {
                let k = TransportKey::decode(&body)?;
                if k.index != m.member {
                    return Err(refuse(format!(
                        "clé de transport du scrutateur {} publiée par le scrutateur {}",
                        k.index, m.member
                    )));
                }
            }
            Step::Dealing => {
                let d = Dealing::decode(&body)?;
                if d.dealer != m.member {
                    return Err(refuse(format!(
                        "distribution du scrutateur {} publiée par le scrutateur {}",
                        d.dealer, m.member
                    )));
                }
            }
            Step::Complaints => {
                for c in decode_complaints(&body)? {
                    if c.recipient != m.member {
                        return Err(refuse(format!(
                            "plainte au nom du scrutateur {} publiée par le scrutateur {}",
                            c.recipient, m.member
                        )));
                    }
                }
            }
        }
        if m.member > p.scrutateurs {
            return Err(refuse(format!("scrutateur {} inexistant", m.member)));
        }
        match self.messages.get(&(m.step, m.member)) {
            Some(old) if old.body == m.body => Ok(()),
            Some(_) => Err(CeremonyError::Conflict {
                member: self.ceremony.describe(m.member),
                step: m.step.french(),
            }),
            None => {
                self.messages.insert((m.step, m.member), m);
                Ok(())
            }
        }
    }

    /// The message of `member` for `step`, if published.
    pub fn get(&self, step: Step, member: u32) -> Option<&DkgMessage> {
        self.messages.get(&(step, member))
    }

    /// Every message, in step then member order.
    pub fn messages(&self) -> impl Iterator<Item = &DkgMessage> {
        self.messages.values()
    }

    fn body(&self, step: Step, member: u32) -> Option<Vec<u8>> {
        self.get(step, member).and_then(|m| unhex(&m.body).ok())
    }

    /// The members who have not published `step` yet.
    pub fn missing(&self, step: Step) -> Vec<u32> {
        let members: Vec<u32> = match step {
            Step::BatonnierKey => vec![0],
            _ => (1..=self.params.scrutateurs).collect(),
        };
        members
            .into_iter()
            .filter(|&m| self.get(step, m).is_none())
            .collect()
    }

    /// The bâtonnier's key, once published.
    pub fn batonnier_key(&self) -> Option<BatonnierKey> {
        self.body(Step::BatonnierKey, 0)
            .and_then(|b| BatonnierKey::decode(&b).ok())
    }

    /// All transport keys, once every scrutateur has published theirs.
    pub fn transport_keys(&self) -> Option<Vec<TransportKey>> {
        (1..=self.params.scrutateurs)
            .map(|i| {
                self.body(Step::TransportKey, i)
                    .and_then(|b| TransportKey::decode(&b).ok())
            })
            .collect()
    }

    /// All dealings, once every scrutateur has published theirs.
    pub fn dealings(&self) -> Option<Vec<Dealing>> {
        (1..=self.params.scrutateurs)
            .map(|i| {
                self.body(Step::Dealing, i)
                    .and_then(|b| Dealing::decode(&b).ok())
            })
            .collect()
    }

    /// The full transcript, once every message of every step is published.
    pub fn transcript(&self) -> Option<DkgTranscript> {
        let batonnier = self.batonnier_key()?;
        let transport_keys = self.transport_keys()?;
        let dealings = self.dealings()?;
        let mut complaints = Vec::new();
        for i in 1..=self.params.scrutateurs {
            complaints.extend(decode_complaints(&self.body(Step::Complaints, i)?).ok()?);
        }
        Some(DkgTranscript {
            params: self.params,
            batonnier,
            transport_keys,
            dealings,
            complaints,
        })
    }

    /// A French summary of what is published and who is missing.
    pub fn status(&self) -> String {
        let mut out = String::new();
        for step in [
            Step::BatonnierKey,
            Step::TransportKey,
            Step::Dealing,
            Step::Complaints,
        ] {
            let missing = self.missing(step);
            if missing.is_empty() {
                out.push_str(&format!("  ✓ {} : complet\n", step.french()));
            } else {
                let names: Vec<String> =
                    missing.iter().map(|&m| self.ceremony.describe(m)).collect();
                out.push_str(&format!(
                    "  … {} : en attente de {}\n",
                    step.french(),
                    names.join(", ")
                ));
            }
        }
        out
    }
}

/// What the ceremony produced, for the ordre to build the genesis (file `cles-bureau.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BureauKeysFile {
    /// [`KEYS_FORMAT`].
    pub format: String,
    /// The ceremony id.
    pub ceremony: Hash32,
    /// The DKG transcript's canonical bytes (genesis `bureau.dkg_transcript`), hexadecimal.
    pub transcript: String,
    /// The election key (genesis `election_public_key`), hexadecimal.
    pub election_key: String,
}

impl BureauKeysFile {
    /// The outcome of a verified transcript.
    pub fn new(transcript: &DkgTranscript) -> Result<Self, CeremonyError> {
        let keys = transcript.verify()?;
        Ok(BureauKeysFile {
            format: KEYS_FORMAT.into(),
            ceremony: transcript.params.ceremony,
            transcript: hex(&transcript.encode()),
            election_key: hex(&keys.election_key().encode()),
        })
    }
}

/// Checks that a genesis holds the key of its election's ceremony: the definition parses, its
/// bureau is the genesis's bureau, the DKG transcript decodes, is bound to the ceremony of the
/// definition, verifies, and gives the genesis's election key. Returns the definition and the
/// bureau's decryption keys.
pub fn check_genesis(genesis: &Genesis) -> Result<(Election, BureauKeys), CeremonyError> {
    let g = |m: String| CeremonyError::Genesis(m);
    let election: Election = serde_json::from_slice(&genesis.definition)
        .map_err(|e| g(format!("définition illisible : {e}")))?;
    if election.campaign_id != genesis.campaign_id || election.election_id != genesis.election_id {
        return Err(g(
            "la définition ne nomme pas la campagne et l'élection de l'acte".into(),
        ));
    }
    let b = &election.bureau;
    if PublicKey(b.batonnier.public_key.0) != genesis.bureau.batonnier
        || b.scrutateurs.len() != genesis.bureau.scrutateurs.len()
        || b.scrutateurs
            .iter()
            .zip(&genesis.bureau.scrutateurs)
            .any(|(d, k)| PublicKey(d.public_key.0) != *k)
        || b.threshold != genesis.bureau.threshold
    {
        return Err(g(
            "le bureau de l'acte diffère du bureau de la définition de l'élection".into(),
        ));
    }
    let ceremony = Ceremony::of_election(&election);
    let transcript = DkgTranscript::decode(&genesis.bureau.dkg_transcript)
        .map_err(|e| g(format!("transcription de la cérémonie illisible : {e}")))?;
    let params = ceremony.params()?;
    if transcript.params != params {
        return Err(g(format!(
            "la cérémonie des clés ({}…, {} sur {}) n'est pas celle de ce bureau ({}…, {} sur {})",
            &transcript.params.ceremony.to_hex()[..16],
            transcript.params.threshold,
            transcript.params.scrutateurs,
            &params.ceremony.to_hex()[..16],
            params.threshold,
            params.scrutateurs
        )));
    }
    let keys = transcript
        .verify()
        .map_err(|e| g(format!("cérémonie des clés : {e}")))?;
    if keys.election_key().encode() != genesis.election_public_key {
        return Err(g(
            "la clé de l'élection n'est pas celle que donne la cérémonie des clés".into(),
        ));
    }
    Ok((election, keys))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::dkg::{batonnier_keygen, deal, open_share, transport_keygen};
    use crate::model::{BureauMember, PublicKeyBytes};
    use chacha20::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn keys() -> Vec<SigningKey> {
        (0..4u8)
            .map(|i| SigningKey::from_bytes(&[i + 1; 32]))
            .collect()
    }

    fn ceremony(keys: &[SigningKey]) -> Ceremony {
        let m = |i: usize, name: &str| BureauMember {
            name: name.into(),
            public_key: PublicKeyBytes(keys[i].verifying_key().to_bytes()),
        };
        Ceremony {
            format: CEREMONY_FORMAT.into(),
            barreau: "Barreau de Test".into(),
            campaign_id: "c".into(),
            election_id: "e".into(),
            bureau: Bureau {
                batonnier: m(0, "Me B"),
                scrutateurs: vec![m(1, "Me S1"), m(2, "Me S2"), m(3, "Me S3")],
                threshold: 2,
            },
        }
    }

    #[test]
    fn a_full_ceremony_through_signed_messages_gives_a_verified_transcript() {
        let k = keys();
        let c = ceremony(&k);
        let mut board = CeremonyBoard::new(c.clone()).unwrap();
        let p = *board.params();
        let mut rng = ChaCha20Rng::from_seed([7; 32]);
        let (_, bk) = batonnier_keygen(&p, &mut rng);
        board
            .add(DkgMessage::sign(
                p.ceremony,
                0,
                Step::BatonnierKey,
                &bk.encode(),
                &k[0],
            ))
            .unwrap();
        let mut transport = vec![];
        for i in 1..=3u32 {
            let (s, t) = transport_keygen(&p, i, &mut rng).unwrap();
            transport.push(s);
            board
                .add(DkgMessage::sign(
                    p.ceremony,
                    i,
                    Step::TransportKey,
                    &t.encode(),
                    &k[i as usize],
                ))
                .unwrap();
        }
        assert_eq!(board.missing(Step::Dealing), vec![1, 2, 3]);
        let tk = board.transport_keys().unwrap();
        for i in 1..=3u32 {
            let d = deal(&p, i, &tk, &mut rng).unwrap();
            board
                .add(DkgMessage::sign(
                    p.ceremony,
                    i,
                    Step::Dealing,
                    &d.encode(),
                    &k[i as usize],
                ))
                .unwrap();
        }
        let dealings = board.dealings().unwrap();
        for (i, me) in transport.iter().enumerate() {
            let complaints: Vec<Complaint> = dealings
                .iter()
                .filter_map(|d| open_share(&p, me, d, &mut rng).err().map(|c| *c))
                .collect();
            let m = i as u32 + 1;
            board
                .add(DkgMessage::sign(
                    p.ceremony,
                    m,
                    Step::Complaints,
                    &encode_complaints(&complaints),
                    &k[m as usize],
                ))
                .unwrap();
        }
        let t = board.transcript().unwrap();
        t.verify().unwrap();
        assert!(board.status().contains("complet"));
    }

    #[test]
    fn a_message_signed_by_another_member_or_for_another_ceremony_is_refused() {
        let k = keys();
        let c = ceremony(&k);
        let mut board = CeremonyBoard::new(c.clone()).unwrap();
        let p = *board.params();
        let mut rng = ChaCha20Rng::from_seed([8; 32]);
        let (_, bk) = batonnier_keygen(&p, &mut rng);
        let forged = DkgMessage::sign(p.ceremony, 0, Step::BatonnierKey, &bk.encode(), &k[1]);
        let e = board.add(forged).unwrap_err();
        assert!(e.to_string().contains("signature invalide"), "{e}");
        let other = tagged_hash("URNE-V1-test", &[]);
        let e = board
            .add(DkgMessage::sign(
                other,
                0,
                Step::BatonnierKey,
                &bk.encode(),
                &k[0],
            ))
            .unwrap_err();
        assert!(e.to_string().contains("autre cérémonie"), "{e}");
        let e = board
            .add(DkgMessage::sign(
                p.ceremony,
                1,
                Step::BatonnierKey,
                &bk.encode(),
                &k[1],
            ))
            .unwrap_err();
        assert!(e.to_string().contains("réservée au bâtonnier"), "{e}");
    }

    #[test]
    fn two_different_messages_of_one_member_for_one_step_are_a_conflict() {
        let k = keys();
        let mut board = CeremonyBoard::new(ceremony(&k)).unwrap();
        let p = *board.params();
        let mut rng = ChaCha20Rng::from_seed([9; 32]);
        let (_, a) = transport_keygen(&p, 1, &mut rng).unwrap();
        let (_, b) = transport_keygen(&p, 1, &mut rng).unwrap();
        let ma = DkgMessage::sign(p.ceremony, 1, Step::TransportKey, &a.encode(), &k[1]);
        board.add(ma.clone()).unwrap();
        board.add(ma).unwrap();
        let e = board
            .add(DkgMessage::sign(
                p.ceremony,
                1,
                Step::TransportKey,
                &b.encode(),
                &k[1],
            ))
            .unwrap_err();
        assert!(matches!(e, CeremonyError::Conflict { .. }), "{e}");
        assert!(e.to_string().contains("scrutateur 1 (Me S1)"), "{e}");
    }

    #[test]
    fn the_ceremony_id_changes_with_the_bureau() {
        let k = keys();
        let c = ceremony(&k);
        let mut c2 = c.clone();
        c2.bureau.threshold = 3;
        assert_ne!(c.id(), c2.id());
        assert_eq!(c.id(), Ceremony::from_json(&c.to_json()).unwrap().id());
    }
}

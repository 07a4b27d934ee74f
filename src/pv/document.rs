//! The procès-verbal document (see [`super`]).

use super::signature::{MemberSignature, member_label};
use crate::board::{Bureau, PublicKey, PvSignature, canonical_json, canonical_json_value};
use crate::count::ElectionResult;
use crate::encoding::{Hash32, tagged_hash};
use crate::model::{ContestKind, Election};
use crate::rules::common::Day;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

/// `format` of a PV.
pub const PV_FORMAT: &str = "urne-pv-1";
/// Domain of the PV hash.
pub const PV_DOCUMENT_DOMAIN: &str = "URNE-V1-pv-document";

/// Why a PV cannot be built, signed or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PvError {
    /// Malformed or inconsistent document.
    #[error("procès-verbal : {0}")]
    Invalid(String),
    /// The key is not that of a bureau member.
    #[error("procès-verbal : {0}")]
    NotMember(String),
}

/// A bureau member as the PV names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PvMember {
    /// 0 = bâtonnier, `i` = scrutateur `i`.
    pub member: u32,
    /// Name (election definition).
    pub name: String,
    /// ed25519 key (genesis).
    pub public_key: PublicKey,
}

/// The bureau of the count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PvBureau {
    /// The bâtonnier (member 0) then the scrutateurs in order.
    pub members: Vec<PvMember>,
    /// Scrutateurs needed to decrypt besides the bâtonnier.
    pub threshold: u32,
    /// Members present at the count: they all sign the PV. The bâtonnier is always present.
    pub present: Vec<u32>,
    /// Members whose partial decryptions were combined.
    pub decrypted_by: Vec<u32>,
}

/// Where the result sits in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PvArchive {
    /// Height of the `EncryptedTally` event.
    pub tally_height: u64,
    /// Its hash.
    pub tally_event: Hash32,
    /// Height of the `Result` event (the head of the archive the bureau produced).
    pub result_height: u64,
    /// Its hash.
    pub result_event: Hash32,
}

/// A deadline to contest the election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// Who may contest (« les avocats disposant du droit de vote »).
    pub who: String,
    /// Days.
    pub days: u32,
    /// From when, as the phrase after « dans le délai de N jours » (« qui suivent les élections »).
    pub from: String,
    /// Before which court.
    pub court: String,
    /// The décret passage, quoted.
    pub rule: String,
}

/// An exemplaire of the PV and where it goes (art. 28).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemplaire {
    /// 1 or 2.
    pub number: u8,
    /// Its destination.
    pub destination: String,
}

/// The procès-verbal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pv {
    /// [`PV_FORMAT`].
    pub format: String,
    /// The election fingerprint.
    pub fingerprint: Hash32,
    /// Where the PV is drawn up (« Fait à … »).
    pub place: String,
    /// When (« le … »).
    pub date: Day,
    /// The bureau.
    pub bureau: PvBureau,
    /// The archive's events of the count.
    pub archive: PvArchive,
    /// The result: exactly the JSON of the `Result` event.
    pub result: ElectionResult,
    /// The deadlines to contest.
    pub deadlines: Vec<Deadline>,
    /// The two exemplaires.
    pub exemplaires: Vec<Exemplaire>,
    /// The members' signatures (not covered by the hash).
    #[serde(default)]
    pub signatures: Vec<MemberSignature>,
}

/// Who has signed a PV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureStatus {
    /// Members present whose valid signature is on the PV.
    pub signed: Vec<u32>,
    /// Members present who have not signed.
    pub missing: Vec<u32>,
    /// Signatures refused, with why.
    pub invalid: Vec<(u32, String)>,
    /// Every member present has signed and no signature is refused.
    pub complete: bool,
}

const ART_12_ELECTEURS: &str = "Décret n°91-1197, art. 12 : « Les avocats disposant du droit de vote peuvent déférer les élections à la cour d'appel dans le délai de huit jours qui suivent ces élections. »";
const ART_12_PG: &str = "Décret n°91-1197, art. 12 : « Le procureur général peut déférer les élections à la cour d'appel dans le délai de quinze jours à partir de la notification qui lui a été faite par le bâtonnier du procès-verbal des élections. »";
const CNB_AVOCATS: &str = "Décret n°91-1197 (chapitre II) : « Tout avocat peut déférer l'élection des membres du Conseil national des barreaux à la cour d'appel de Paris dans le délai de huit jours à compter de la proclamation des résultats. »";
const CNB_PG: &str = "Décret n°91-1197 (chapitre II) : « Le procureur général peut déférer les élections à la cour d'appel de Paris dans le délai de quinze jours de la proclamation des résultats. »";

/// The deadlines the PV states, by the kind of its contests: art. 12 for the ordre's elections
/// (bâtonnier, conseil), the CNB's own passages for the CNB contests.
pub fn deadlines(election: &Election) -> Vec<Deadline> {
    let ordre = election.contests.iter().any(|c| {
        matches!(
            c.kind,
            ContestKind::Batonnier { .. } | ContestKind::ConseilDeLOrdre { .. }
        )
    });
    let cnb = election.contests.iter().any(|c| c.kind.is_cnb());
    let mut v = Vec::new();
    if ordre {
        v.push(Deadline {
            who: "les avocats disposant du droit de vote".into(),
            days: 8,
            from: "qui suivent les élections (la clôture du scrutin)".into(),
            court: "la cour d'appel".into(),
            rule: ART_12_ELECTEURS.into(),
        });
        v.push(Deadline {
            who: "le procureur général".into(),
            days: 15,
            from: "à partir de la notification que lui fait le bâtonnier du présent procès-verbal"
                .into(),
            court: "la cour d'appel".into(),
            rule: ART_12_PG.into(),
        });
    }
    if cnb {
        v.push(Deadline {
            who: "tout avocat (élection des membres du Conseil national des barreaux)".into(),
            days: 8,
            from: "à compter de la proclamation des résultats".into(),
            court: "la cour d'appel de Paris".into(),
            rule: CNB_AVOCATS.into(),
        });
        v.push(Deadline {
            who: "le procureur général (élection des membres du Conseil national des barreaux)"
                .into(),
            days: 15,
            from: "de la proclamation des résultats".into(),
            court: "la cour d'appel de Paris".into(),
            rule: CNB_PG.into(),
        });
    }
    v
}

/// The two exemplaires (art. 28): n° 1 to the président du Conseil national des barreaux for a
/// CNB election (for an election of the ordre only, to the procureur général, to whom art. 12
/// has the bâtonnier notify the PV); n° 2 kept with the sealed ballots.
pub fn exemplaires(election: &Election) -> Vec<Exemplaire> {
    let cnb = election.contests.iter().any(|c| c.kind.is_cnb());
    vec![
        Exemplaire {
            number: 1,
            destination: if cnb {
                "transmis sans délai au président du Conseil national des barreaux par lettre recommandée avec demande d'avis de réception (décret, art. 28)".into()
            } else {
                "notifié par le bâtonnier au procureur général près la cour d'appel (décret, art. 12)".into()
            },
        },
        Exemplaire {
            number: 2,
            destination: "conservé avec les bulletins de vote placés dans une enveloppe scellée par le bâtonnier (décret, art. 28) ; pour le vote électronique, avec l'archive de l'urne".into(),
        },
    ]
}

impl Pv {
    /// Draws up the PV of `result`.
    ///
    /// `election` is the genesis's definition (names of the bureau), `bureau` the genesis's
    /// bureau (keys), `present` the members present at the count (the bâtonnier and every member
    /// who decrypted must be among them).
    #[allow(clippy::too_many_arguments)]
    pub fn draw_up(
        result: ElectionResult,
        election: &Election,
        bureau: &Bureau,
        archive: PvArchive,
        decrypted_by: Vec<u32>,
        present: Vec<u32>,
        place: String,
        date: Day,
    ) -> Result<Pv, PvError> {
        let mut members = vec![PvMember {
            member: 0,
            name: election.bureau.batonnier.name.clone(),
            public_key: bureau.batonnier,
        }];
        for (i, (s, k)) in election
            .bureau
            .scrutateurs
            .iter()
            .zip(&bureau.scrutateurs)
            .enumerate()
        {
            members.push(PvMember {
                member: i as u32 + 1,
                name: s.name.clone(),
                public_key: *k,
            });
        }
        let mut present = present;
        present.sort_unstable();
        present.dedup();
        if !present.contains(&0) {
            return Err(PvError::Invalid(
                "le bâtonnier préside le bureau et signe le procès-verbal : il est présent".into(),
            ));
        }
        for m in &present {
            if *m as usize >= members.len() {
                return Err(PvError::Invalid(format!(
                    "membre présent {m} inconnu (le bureau compte {} membres)",
                    members.len()
                )));
            }
        }
        for m in &decrypted_by {
            if !present.contains(m) {
                return Err(PvError::Invalid(format!(
                    "{} a déchiffré mais n'est pas déclaré présent",
                    member_label(*m)
                )));
            }
        }
        if place.trim().is_empty() {
            return Err(PvError::Invalid("lieu (« Fait à … ») vide".into()));
        }
        Ok(Pv {
            format: PV_FORMAT.into(),
            fingerprint: result.fingerprint,
            place,
            date,
            bureau: PvBureau {
                members,
                threshold: bureau.threshold,
                present,
                decrypted_by,
            },
            archive,
            result,
            deadlines: deadlines(election),
            exemplaires: exemplaires(election),
            signatures: vec![],
        })
    }

    /// Parses a PV (JSON); errors name the field.
    pub fn from_json(text: &str) -> Result<Self, PvError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let pv: Pv = serde_path_to_error::deserialize(de)
            .map_err(|e| PvError::Invalid(format!("{} : {}", e.path(), e.inner())))?;
        if pv.format != PV_FORMAT {
            return Err(PvError::Invalid(format!(
                "format « {} » (« {PV_FORMAT} » attendu)",
                pv.format
            )));
        }
        if pv.result.fingerprint != pv.fingerprint {
            return Err(PvError::Invalid(
                "l'empreinte du résultat n'est pas celle du procès-verbal".into(),
            ));
        }
        Ok(pv)
    }

    /// Pretty JSON (what `pv.json` holds).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The canonical JSON of the PV without its signatures: what `pv_hash` is over.
    pub fn document_bytes(&self) -> Result<Vec<u8>, PvError> {
        let mut v = serde_json::to_value(self).map_err(|e| PvError::Invalid(e.to_string()))?;
        if let Some(o) = v.as_object_mut() {
            o.remove("signatures");
        }
        canonical_json_value(&v).map_err(|e| PvError::Invalid(e.to_string()))
    }

    /// `tagged_hash("URNE-V1-pv-document", [canonical JSON without signatures])`.
    pub fn hash(&self) -> Result<Hash32, PvError> {
        Ok(tagged_hash(PV_DOCUMENT_DOMAIN, &[&self.document_bytes()?]))
    }

    /// The canonical JSON of the result inside the PV: must equal the `Result` event's JSON.
    pub fn result_bytes(&self) -> Result<Vec<u8>, PvError> {
        canonical_json(&self.result).map_err(|e| PvError::Invalid(e.to_string()))
    }

    /// The member of the bureau holding `key`.
    pub fn member_of(&self, key: &PublicKey) -> Option<&PvMember> {
        self.bureau.members.iter().find(|m| &m.public_key == key)
    }

    /// The bureau keys as the board holds them.
    fn board_bureau(&self) -> Bureau {
        Bureau {
            batonnier: self
                .bureau
                .members
                .first()
                .map(|m| m.public_key)
                .unwrap_or(PublicKey([0; 32])),
            scrutateurs: self
                .bureau
                .members
                .iter()
                .skip(1)
                .map(|m| m.public_key)
                .collect(),
            threshold: self.bureau.threshold,
            dkg_transcript: vec![],
        }
    }

    /// The holder of `key` signs the PV (replacing an earlier signature of theirs). Refused if
    /// the key is not a bureau member's.
    pub fn sign(&mut self, key: &SigningKey) -> Result<u32, PvError> {
        let pk = PublicKey::of(key);
        let member = self.member_of(&pk).map(|m| m.member).ok_or_else(|| {
            PvError::NotMember(format!(
                "la clé {}… n'est celle d'aucun membre du bureau de cette élection",
                &pk.to_hex()[..16]
            ))
        })?;
        let board = PvSignature::sign(&self.fingerprint, member, self.hash()?, key);
        self.signatures.retain(|s| s.member != member);
        self.signatures.push(MemberSignature {
            member,
            public_key: board.public_key,
            signature: board.signature,
        });
        self.signatures.sort_by_key(|s| s.member);
        Ok(member)
    }

    /// Checks every signature and says who is missing.
    pub fn signature_status(&self) -> Result<SignatureStatus, PvError> {
        let message = PvSignature::message(&self.fingerprint, &self.hash()?);
        let bureau = self.board_bureau();
        let mut signed = Vec::new();
        let mut invalid = Vec::new();
        for (k, s) in self.signatures.iter().enumerate() {
            if self.signatures[..k].iter().any(|o| o.member == s.member) {
                invalid.push((s.member, "deuxième signature du même membre".to_owned()));
                continue;
            }
            match s.verify(&bureau, &message) {
                Ok(()) => signed.push(s.member),
                Err(e) => invalid.push((s.member, e)),
            }
        }
        let missing: Vec<u32> = self
            .bureau
            .present
            .iter()
            .copied()
            .filter(|m| !signed.contains(m))
            .collect();
        let complete = missing.is_empty() && invalid.is_empty();
        Ok(SignatureStatus {
            signed,
            missing,
            invalid,
            complete,
        })
    }

    /// The `PvSignature` events to append to the board (valid signatures only).
    pub fn board_signatures(&self) -> Result<Vec<PvSignature>, PvError> {
        let h = self.hash()?;
        let status = self.signature_status()?;
        Ok(self
            .signatures
            .iter()
            .filter(|s| status.signed.contains(&s.member))
            .map(|s| PvSignature {
                member: s.member,
                public_key: s.public_key,
                pv_hash: h,
                signature: s.signature,
            })
            .collect())
    }

    /// The name of member `m`.
    pub fn member_name(&self, m: u32) -> String {
        self.bureau
            .members
            .iter()
            .find(|x| x.member == m)
            .map_or_else(|| format!("membre {m}"), |x| x.name.clone())
    }
}

//! Paper-ballot records: the counts of a polling station where electors voted on paper (the
//! émargement list keeps them from voting twice), signed by the bureau members who counted them,
//! merged into the procès-verbal by `urne-tally result --paper` (docs/bureau-guide.md, "Le vote
//! papier").
//!
//! A record is JSON (`format` = [`PAPER_FORMAT`]). Its hash is
//! `tagged_hash("URNE-V1-paper-record", [canonical JSON of the record without "signatures"])`, and
//! each signature is ed25519 by a bureau member over
//! `tagged_hash("URNE-V1-paper", [fingerprint, record hash])`, the same construction as every
//! signature of the ballot box (docs/protocol.md §Signatures). A record needs at least one valid
//! signature of a member of the election's bureau; the procès-verbal that includes it is then
//! signed by the whole bureau.

use super::signature::MemberSignature;
use crate::board::{Bureau, canonical_json_value, signed_message};
use crate::encoding::{Hash32, tagged_hash};
use crate::model::{ContestKind, Election};
use crate::rules::common::fr;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `format` of a paper record.
pub const PAPER_FORMAT: &str = "urne-papier-1";
/// Domain of the record hash.
pub const PAPER_RECORD_DOMAIN: &str = "URNE-V1-paper-record";
/// Domain of a member's signature of a record.
pub const PAPER_DOMAIN: &str = "URNE-V1-paper";

/// One contest's paper counts at a polling station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperContest {
    /// The contest id (election definition).
    pub contest: String,
    /// Electors who voted on paper (ballots in the urn).
    pub votants: u64,
    /// Of which, ballots cast by a mandataire for a mandant.
    #[serde(default)]
    pub procurations: u64,
    /// Blank ballots.
    pub blancs: u64,
    /// Void ballots.
    pub nuls: u64,
    /// Suffrages per candidacy id, every candidacy of the contest (zero included).
    pub votes: BTreeMap<String, u64>,
}

/// A polling station's paper counts, signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperRecord {
    /// [`PAPER_FORMAT`].
    pub format: String,
    /// The election fingerprint.
    pub fingerprint: Hash32,
    /// The polling station (« bureau de vote du palais de justice »).
    pub station: String,
    /// Counts, one entry per contest voted there.
    pub contests: Vec<PaperContest>,
    /// Signatures of bureau members.
    #[serde(default)]
    pub signatures: Vec<MemberSignature>,
}

/// A refused paper record: which record, which field, why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("procès-verbal papier « {station} » : {field} : {message}")]
pub struct PaperError {
    /// The station named by the record.
    pub station: String,
    /// Field path, e.g. `contests[0].votes.T2`.
    pub field: String,
    /// French explanation.
    pub message: String,
}

impl PaperRecord {
    fn err(&self, field: impl Into<String>, message: impl Into<String>) -> PaperError {
        PaperError {
            station: self.station.clone(),
            field: field.into(),
            message: message.into(),
        }
    }

    /// The record hash (without signatures).
    pub fn hash(&self) -> Hash32 {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.remove("signatures");
        }
        let json = canonical_json_value(&v).unwrap_or_default();
        tagged_hash(PAPER_RECORD_DOMAIN, &[&json])
    }

    /// What a member signs.
    pub fn message(&self) -> Hash32 {
        signed_message(PAPER_DOMAIN, &self.fingerprint, &[&self.hash().0])
    }

    /// Member `member` signs (replacing an earlier signature of the same member).
    pub fn sign(&mut self, member: u32, key: &SigningKey) {
        let sig = MemberSignature::sign(member, key, &self.message());
        self.signatures.retain(|s| s.member != member);
        self.signatures.push(sig);
        self.signatures.sort_by_key(|s| s.member);
    }

    /// Parses a record (JSON); errors name the field.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let r: PaperRecord = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if r.format != PAPER_FORMAT {
            return Err(format!(
                "format « {} » (« {PAPER_FORMAT} » attendu)",
                r.format
            ));
        }
        Ok(r)
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Checks the counts against the election (every contest known once, every candidacy given,
    /// figures consistent), without the signatures.
    pub fn check_counts(&self, election: &Election) -> Result<(), PaperError> {
        if self.station.trim().is_empty() {
            return Err(self.err("station", "nom du bureau de vote vide"));
        }
        if self.contests.is_empty() {
            return Err(self.err("contests", "aucun scrutin"));
        }
        for (k, c) in self.contests.iter().enumerate() {
            let path = format!("contests[{k}]");
            if let Some(j) = self.contests[..k]
                .iter()
                .position(|o| o.contest == c.contest)
            {
                return Err(self.err(
                    format!("{path}.contest"),
                    format!("scrutin « {} » déjà compté (contests[{j}])", c.contest),
                ));
            }
            let def = election.contest(&c.contest).ok_or_else(|| {
                self.err(
                    format!("{path}.contest"),
                    format!("scrutin « {} » inconnu de l'élection", c.contest),
                )
            })?;
            for id in c.votes.keys() {
                if def.candidacy(id).is_none() {
                    return Err(self.err(
                        format!("{path}.votes.{id}"),
                        format!("candidature « {id} » inconnue du scrutin"),
                    ));
                }
            }
            for cand in &def.candidacies {
                if !c.votes.contains_key(cand.id()) {
                    return Err(self.err(
                        format!("{path}.votes.{}", cand.id()),
                        "voix manquantes (indiquer 0 si la candidature n'a obtenu aucune voix)",
                    ));
                }
            }
            let bn = c.blancs.saturating_add(c.nuls);
            let exprimes = c.votants.checked_sub(bn).ok_or_else(|| {
                self.err(
                    format!("{path}.votants"),
                    format!(
                        "{} bulletins blancs et nuls pour {} votants",
                        fr(bn),
                        fr(c.votants)
                    ),
                )
            })?;
            if c.procurations > c.votants {
                return Err(self.err(
                    format!("{path}.procurations"),
                    format!(
                        "{} votes par procuration pour {} votants",
                        fr(c.procurations),
                        fr(c.votants)
                    ),
                ));
            }
            let sum: u128 = c.votes.values().map(|&v| u128::from(v)).sum();
            for (id, &v) in &c.votes {
                if v > exprimes {
                    return Err(self.err(
                        format!("{path}.votes.{id}"),
                        format!(
                            "{} voix, plus que les {} suffrages exprimés",
                            fr(v),
                            fr(exprimes)
                        ),
                    ));
                }
            }
            let single = matches!(
                def.kind,
                ContestKind::Batonnier { .. } | ContestKind::CnbGeneral { .. }
            );
            if single && sum != u128::from(exprimes) {
                return Err(self.err(
                    format!("{path}.votes"),
                    format!(
                        "somme des voix {} ≠ {} suffrages exprimés (votants − blancs − nuls)",
                        fr(sum),
                        fr(exprimes)
                    ),
                ));
            }
            let max = u128::from(exprimes) * u128::from(def.kind.seats());
            if !single && sum > max {
                return Err(self.err(
                    format!("{path}.votes"),
                    format!(
                        "{} voix au total, plus que {} sièges × {} suffrages exprimés",
                        fr(sum),
                        def.kind.seats(),
                        fr(exprimes)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Checks the record: the fingerprint, the counts, and that it carries at least one
    /// signature, every signature by a member of `bureau` and valid.
    pub fn verify(
        &self,
        fingerprint: &Hash32,
        bureau: &Bureau,
        election: &Election,
    ) -> Result<(), PaperError> {
        if self.format != PAPER_FORMAT {
            return Err(self.err("format", format!("« {PAPER_FORMAT} » attendu")));
        }
        if &self.fingerprint != fingerprint {
            return Err(self.err(
                "fingerprint",
                format!(
                    "empreinte {}… d'une autre élection ({}… attendue)",
                    &self.fingerprint.to_hex()[..16],
                    &fingerprint.to_hex()[..16]
                ),
            ));
        }
        self.check_counts(election)?;
        if self.signatures.is_empty() {
            return Err(self.err(
                "signatures",
                "aucune signature : le procès-verbal papier doit être signé par un membre du bureau au moins (« urne-tally paper sign »)",
            ));
        }
        let message = self.message();
        for (k, s) in self.signatures.iter().enumerate() {
            if self.signatures[..k].iter().any(|o| o.member == s.member) {
                return Err(self.err(
                    format!("signatures[{k}]"),
                    format!("deux signatures du membre {}", s.member),
                ));
            }
            s.verify(bureau, &message)
                .map_err(|m| self.err(format!("signatures[{k}]"), m))?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::pv::signature::tests::{bureau, election, keys};

    pub(crate) fn record(fp: Hash32) -> PaperRecord {
        PaperRecord {
            format: PAPER_FORMAT.into(),
            fingerprint: fp,
            station: "Palais de justice".into(),
            contests: vec![PaperContest {
                contest: "batonnier".into(),
                votants: 10,
                procurations: 1,
                blancs: 1,
                nuls: 1,
                votes: [("T1".to_string(), 5), ("T2".to_string(), 3)]
                    .into_iter()
                    .collect(),
            }],
            signatures: vec![],
        }
    }

    #[test]
    fn a_signed_paper_record_verifies_and_a_changed_figure_does_not() {
        let k = keys();
        let fp = Hash32([3; 32]);
        let mut r = record(fp);
        let e = r.verify(&fp, &bureau(&k), &election(&k)).unwrap_err();
        assert!(e.message.contains("aucune signature"), "{e}");
        r.sign(1, &k[1]);
        r.verify(&fp, &bureau(&k), &election(&k)).unwrap();
        let mut bad = r.clone();
        bad.contests[0].votes.insert("T1".into(), 4);
        bad.contests[0].nuls = 2;
        let e = bad.verify(&fp, &bureau(&k), &election(&k)).unwrap_err();
        assert!(e.message.contains("signature invalide"), "{e}");
        let e = r
            .verify(&Hash32([4; 32]), &bureau(&k), &election(&k))
            .unwrap_err();
        assert_eq!(e.field, "fingerprint");
    }

    #[test]
    fn inconsistent_paper_counts_are_refused_naming_the_field() {
        let k = keys();
        let fp = Hash32([3; 32]);
        let mut r = record(fp);
        r.contests[0].votes.insert("T2".into(), 4);
        let e = r.check_counts(&election(&k)).unwrap_err();
        assert_eq!(e.field, "contests[0].votes");
        let mut r = record(fp);
        r.contests[0].votes.remove("T2");
        let e = r.check_counts(&election(&k)).unwrap_err();
        assert_eq!(e.field, "contests[0].votes.T2");
        let mut r = record(fp);
        r.contests[0].contest = "inconnu".into();
        assert_eq!(
            r.check_counts(&election(&k)).unwrap_err().field,
            "contests[0].contest"
        );
    }
}

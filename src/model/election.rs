//! An election: one barreau, one round, its contests, its bureau and its times.
//!
//! Read from a definition file (JSON or TOML, unknown fields refused) by `urne-server admin
//! create`; checked against the décret by [`Election::validate`](super::validation).

use super::candidacy::Candidacy;
use super::circonscription::Circonscription;
use super::cnbf::Cnbf;
use super::contest::{Contest, ContestKind};
use super::dates;
use super::elector::Elector;
use super::ordinal_weight::{OrdinalWeightError, ordinal_weight};
use super::roll::Roll;
use crate::crypto::ballot::ContestShape;
use crate::encoding;
use std::fmt;
use std::path::Path;
use time::macros::offset;
use time::{Date, Duration, OffsetDateTime};

/// A 32-byte public key written as 64 hexadecimal characters. The cryptographic core turns it into
/// its own key type (and checks it is a valid point); the model only checks the length.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKeyBytes(pub [u8; 32]);

impl PublicKeyBytes {
    /// Parses 64 hexadecimal characters.
    pub fn from_hex(s: &str) -> Result<Self, String> {
        let bytes = encoding::unhex(s.trim())?;
        let len = bytes.len();
        let arr: [u8; 32] = bytes.try_into().map_err(|_| {
            format!(
                "clé publique : 32 octets (64 caractères hexadécimaux) attendus, {len} octets reçus"
            )
        })?;
        Ok(PublicKeyBytes(arr))
    }

    /// Lower-case hexadecimal.
    pub fn to_hex(&self) -> String {
        encoding::hex(&self.0)
    }
}

impl fmt::Debug for PublicKeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKeyBytes({})", self.to_hex())
    }
}

impl serde::Serialize for PublicKeyBytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for PublicKeyBytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PublicKeyBytes::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// A member of the bureau: the bâtonnier or a scrutateur.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BureauMember {
    /// Name as printed on the procès-verbal.
    pub name: String,
    /// Public key of the member (signature of the PV, key share).
    pub public_key: PublicKeyBytes,
}

/// The bureau de vote: the bâtonnier, whose key share is mandatory, and the scrutateurs, of whom
/// `threshold` are needed to decrypt (DESIGN §3).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bureau {
    /// The bâtonnier, chargé « de l'organisation des opérations électorales et du dépouillement »
    /// (art. 24) and signatory of the PV (art. 28).
    pub batonnier: BureauMember,
    /// The scrutateurs.
    pub scrutateurs: Vec<BureauMember>,
    /// Number `t` of scrutateurs' shares needed, `1 ≤ t ≤ scrutateurs.len()`.
    pub threshold: u32,
}

/// One election of a barreau: one round of one or more contests held together.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Election {
    /// The barreau holding the vote.
    pub barreau: String,
    /// Campaign identifier, shared by both rounds (salt of the electors' code derivation, DESIGN §3).
    pub campaign_id: String,
    /// Identifier of this election (this round).
    pub election_id: String,
    /// Opening of the vote (UTC).
    #[serde(with = "dates::instant")]
    pub opening: OffsetDateTime,
    /// Closing of the vote (UTC).
    #[serde(with = "dates::instant")]
    pub closing: OffsetDateTime,
    /// The bureau.
    pub bureau: Bureau,
    /// The contests, in ballot order.
    pub contests: Vec<Contest>,
    /// CNB contests only: candidates from other barreaux of the circonscription, who are not on
    /// this barreau's roll (art. 26: candidacies are declared to the CNB, one for the whole
    /// circonscription).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_candidates: Vec<Elector>,
    /// The tableau entries of this barreau's candidates, frozen into the genesis when the server
    /// builds it ([`Election::with_candidate_records`]): names, sex, dates of birth, of
    /// inscription and of serment, without e-mail or postal address. The décret's tie-breaks (art.
    /// 6: « le candidat le plus âgé » ; art. 5, 22, 23: oldest inscription, then age) are decided on
    /// these dates, so anyone can recompute them from the sealed definition alone. Empty in
    /// definition files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidate_records: Vec<Elector>,
}

/// A definition file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} : {message}")]
pub struct DefinitionError {
    /// The file (or `"<entrée>"`).
    pub file: String,
    /// What is wrong, with line and column when the parser gives them.
    pub message: String,
}

/// Format of a definition file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionFormat {
    /// JSON.
    Json,
    /// TOML.
    Toml,
}

/// One right to vote of an elector: in which contest, with how many voices.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VotingRight {
    /// The contest identifier.
    pub contest: String,
    /// Voices carried by the ballot (1, except the CNB collège ordinal of the national
    /// circonscription, art. 25).
    pub weight: u64,
}

impl Election {
    /// Parses a definition in the given format; errors name `file` and the line.
    pub fn parse(
        text: &str,
        format: DefinitionFormat,
        file: &str,
    ) -> Result<Self, DefinitionError> {
        let result = match format {
            DefinitionFormat::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
            DefinitionFormat::Toml => toml::from_str(text).map_err(|e| e.to_string()),
        };
        result.map_err(|message| DefinitionError {
            file: file.to_string(),
            message: message.trim_end().to_string(),
        })
    }

    /// Reads a definition file, `.json` or `.toml` by extension.
    pub fn from_path(path: &Path) -> Result<Self, DefinitionError> {
        let file = path.display().to_string();
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => DefinitionFormat::Json,
            Some(e) if e.eq_ignore_ascii_case("toml") => DefinitionFormat::Toml,
            _ => {
                return Err(DefinitionError {
                    file,
                    message: "extension .json ou .toml attendue".into(),
                });
            }
        };
        let text = std::fs::read_to_string(path).map_err(|e| DefinitionError {
            file: file.clone(),
            message: format!("lecture impossible : {e}"),
        })?;
        Election::parse(&text, format, &file)
    }

    /// JSON form (pretty-printed).
    pub fn to_json(&self) -> Result<String, String> {
        serde_json::to_string_pretty(self).map_err(|e| e.to_string())
    }

    /// TOML form.
    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string(self).map_err(|e| e.to_string())
    }

    /// Year of the scrutin: the calendar year of the opening in metropolitan France (UTC+1 around
    /// the new year, so exact there; elections do not open on New Year's Eve).
    pub fn year(&self) -> i32 {
        self.opening_date_in_france().year()
    }

    /// « le 1er janvier de l'année du scrutin » (art. 9, 23, 25).
    pub fn january_first(&self) -> Date {
        let d = self.opening_date_in_france();
        // Going back (ordinal − 1) days from a date stays in its year: never saturates.
        d.saturating_sub(Duration::days(i64::from(d.ordinal()) - 1))
    }

    fn opening_date_in_france(&self) -> Date {
        self.opening.to_offset(offset!(+1)).date()
    }

    /// The contest with this identifier.
    pub fn contest(&self, id: &str) -> Option<&Contest> {
        self.contests.iter().find(|c| c.id == id)
    }

    /// The external candidate with this CNBF number.
    pub fn external_candidate(&self, cnbf: &Cnbf) -> Option<&Elector> {
        self.external_candidates.iter().find(|e| &e.cnbf == cnbf)
    }

    /// The sealed tableau entry of a candidate: from [`Election::candidate_records`] (this
    /// barreau's candidates) or [`Election::external_candidates`] (CNB candidates of other
    /// barreaux).
    pub fn candidate_record(&self, cnbf: &Cnbf) -> Option<&Elector> {
        self.candidate_records
            .iter()
            .find(|e| &e.cnbf == cnbf)
            .or_else(|| self.external_candidate(cnbf))
    }

    /// This definition with [`Election::candidate_records`] filled from `roll`: every person of
    /// every candidacy who is on the roll, once, in CNBF order, without e-mail or postal address
    /// (the genesis is public). What the server seals.
    pub fn with_candidate_records(&self, roll: &Roll) -> Election {
        let mut records: Vec<Elector> = self
            .candidacies()
            .flat_map(|(_, c)| c.persons())
            .filter(|n| self.external_candidate(n).is_none())
            .filter_map(|n| roll.get(n))
            .map(|e| Elector {
                email: None,
                postal_address: None,
                ..e.clone()
            })
            .collect();
        records.sort_by(|a, b| a.cnbf.as_str().cmp(b.cnbf.as_str()));
        records.dedup_by(|a, b| a.cnbf == b.cnbf);
        Election {
            candidate_records: records,
            ..self.clone()
        }
    }

    /// Voices of each ballot of `contest` (art. 25 for the CNB collège ordinal of the national
    /// circonscription: the declared [`WeightBasis`](super::contest::WeightBasis) if given,
    /// otherwise the roll's figures on 1 January; 1 in Paris and for every other contest).
    pub fn weight(&self, contest: &Contest, roll: &Roll) -> Result<u64, OrdinalWeightError> {
        match contest.kind {
            ContestKind::CnbOrdinal {
                circonscription,
                weight_basis,
                ..
            } => match (circonscription, weight_basis) {
                (Circonscription::Nationale, Some(b)) => ordinal_weight(
                    roll.barreau(),
                    circonscription,
                    b.voters_on_january_first,
                    b.ordinal_electors,
                ),
                _ => ordinal_weight(
                    roll.barreau(),
                    circonscription,
                    roll.voters_on(self.january_first()),
                    roll.counts().ordinal_electors,
                ),
            },
            _ => Ok(1),
        }
    }

    /// The contests `elector` may vote in, with the weight of each ballot:
    ///
    /// - bâtonnier, conseil de l'ordre, CNB collège général: every avocat disposant du droit de
    ///   vote (inscrit or honoraire; loi art. 15 al. 2, décret art. 3 and 23);
    /// - CNB collège ordinal: the bâtonnier and the membres du conseil de l'ordre en exercice
    ///   (art. 22), both scrutins (women's and men's) « chaque électeur disposant du même nombre de
    ///   voix pour chacun de ces deux scrutins », weighted by art. 25.
    ///
    /// Used to issue one credential per elector and right.
    pub fn voting_rights(
        &self,
        roll: &Roll,
        elector: &Elector,
    ) -> Result<Vec<VotingRight>, OrdinalWeightError> {
        let mut rights = Vec::new();
        for contest in &self.contests {
            let entitled = match contest.kind {
                ContestKind::CnbOrdinal { .. } => elector.is_ordinal_elector(),
                _ => elector.has_right_to_vote(),
            };
            if entitled {
                rights.push(VotingRight {
                    contest: contest.id.clone(),
                    weight: self.weight(contest, roll)?,
                });
            }
        }
        Ok(rights)
    }

    /// The ballot shape of every contest, in ballot order (docs/protocol.md §5.1): one option per
    /// candidacy (a ticket, a binôme or a list counts once) and at most as many selections as seats
    /// to fill (1 for the bâtonnier, art. 6, and for the list vote of the CNB collège général,
    /// art. 23, « sans panachage »), never more than the options. The one rule the booth, the
    /// server, `urne-tally` and `urne-verify` share. `Err((index, why))` for a contest without
    /// candidacy or without seat.
    pub fn ballot_shapes(&self) -> Result<Vec<ContestShape>, (usize, String)> {
        self.contests
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let options = u32::try_from(c.candidacies.len()).unwrap_or(u32::MAX);
                if options == 0 {
                    return Err((i, format!("scrutin « {} » sans candidature", c.id)));
                }
                let max = match c.kind {
                    ContestKind::Batonnier { .. } | ContestKind::CnbGeneral { .. } => 1,
                    ContestKind::ConseilDeLOrdre { seats, .. }
                    | ContestKind::CnbOrdinal { seats, .. } => seats.min(options),
                };
                if max == 0 {
                    return Err((i, format!("scrutin « {} » sans siège à pourvoir", c.id)));
                }
                Ok(ContestShape { options, max })
            })
            .collect()
    }

    /// Every candidacy with its contest.
    pub fn candidacies(&self) -> impl Iterator<Item = (&Contest, &Candidacy)> {
        self.contests
            .iter()
            .flat_map(|c| c.candidacies.iter().map(move |k| (c, k)))
    }
}

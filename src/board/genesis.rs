//! The genesis event: the election, frozen (docs/protocol.md §Ballot box events, "Genesis";
//! DESIGN §3 "Sealing"). Its event hash is the election fingerprint.

use super::canonical_json::check_canonical_json;
use super::domain;
use super::keys::PublicKey;
use crate::encoding::{DecodeError, Hash32, Reader, Writer, tagged_hash};

/// Version of the protocol this code implements; the genesis states it and a different version
/// is refused.
pub const PROTOCOL_VERSION: u16 = 1;

/// A right to vote of a credential: in which contest (index in the election definition's
/// contests, ballot order), with how many voices.
///
/// The weight is per contest because the décret gives voices per scrutin: one everywhere, except
/// the CNB collège ordinal of the national circonscription (art. 25, `floor(avocats / ordinal
/// electors)`), where the elector's two ballots carry the same number of voices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Right {
    /// Index of the contest.
    pub contest: u32,
    /// Voices carried (≥ 1).
    pub weight: u64,
}

/// One credential of the credential list: an elector's voting key and rights. Names never appear
/// on the board: the link from CNBF number to credential stays in the server's émargement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialEntry {
    /// The credential's ed25519 public key (derived from the elector's code in the browser).
    pub public_key: PublicKey,
    /// The contests it may vote in, strictly increasing by contest index, at least one.
    pub rights: Vec<Right>,
}

/// The bureau de vote's keys (art. 28: the bâtonnier and the scrutateurs sign the PV).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bureau {
    /// The bâtonnier's ed25519 key: seals the election, signs the PV. Member index 0.
    pub batonnier: PublicKey,
    /// The scrutateurs' ed25519 keys. Member index `i + 1` for `scrutateurs[i]`.
    pub scrutateurs: Vec<PublicKey>,
    /// Number `t` of scrutateurs' partial decryptions needed besides the bâtonnier's,
    /// `1 ≤ t ≤ scrutateurs.len()`.
    pub threshold: u32,
    /// The distributed key generation transcript: canonical bytes of `crate::crypto`'s DKG
    /// transcript, not interpreted here.
    pub dkg_transcript: Vec<u8>,
}

impl Bureau {
    /// The key of bureau member `index` (0 = bâtonnier, `i ≥ 1` = `scrutateurs[i - 1]`).
    pub fn member(&self, index: u32) -> Option<PublicKey> {
        match index {
            0 => Some(self.batonnier),
            i => self.scrutateurs.get(i as usize - 1).copied(),
        }
    }

    /// Number of members (bâtonnier included).
    pub fn len(&self) -> usize {
        1 + self.scrutateurs.len()
    }

    /// Never true: the bâtonnier is always a member.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// The genesis payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Genesis {
    /// [`PROTOCOL_VERSION`].
    pub protocol_version: u16,
    /// Campaign id, shared by both rounds: the salt of the credential derivation.
    pub campaign_id: String,
    /// This election's (round's) id.
    pub election_id: String,
    /// 1 or 2.
    pub round: u8,
    /// The election definition (`crate::model::Election`) as canonical JSON
    /// ([`super::canonical_json`]).
    pub definition: Vec<u8>,
    /// The credential list, strictly increasing by public key (so no key twice).
    pub credentials: Vec<CredentialEntry>,
    /// [`credential_root`] of `credentials`.
    pub credential_root: Hash32,
    /// The bureau.
    pub bureau: Bureau,
    /// The election (encryption) public key: a compressed Ristretto255 point, checked by
    /// `crate::crypto` against the DKG transcript.
    pub election_public_key: [u8; 32],
    /// The ordre's ed25519 key: signs proxies, reissues and the close.
    pub ordre_public_key: PublicKey,
    /// The server's ed25519 key: signs heads and receipts.
    pub server_public_key: PublicKey,
    /// Opening of the vote, unix seconds (UTC).
    pub opening: u64,
    /// Closing of the vote, unix seconds (UTC); a ballot must be received before it.
    pub closing: u64,
    /// SHA-256 of the server build that runs the vote.
    pub server_build: Hash32,
}

/// `tagged_hash("URNE-V1-credentials", [encoding of the credential sequence])`: the root hash of
/// the credential list (what the ordre and the bureau compare with the printed list).
pub fn credential_root(credentials: &[CredentialEntry]) -> Hash32 {
    let mut w = Writer::new();
    write_credentials(&mut w, credentials);
    tagged_hash(domain::CREDENTIALS, &[w.as_bytes()])
}

fn write_credentials(w: &mut Writer, credentials: &[CredentialEntry]) {
    w.len(credentials.len());
    for c in credentials {
        w.fixed(&c.public_key.0);
        w.len(c.rights.len());
        for r in &c.rights {
            w.u32(r.contest).u64(r.weight);
        }
    }
}

impl Genesis {
    /// Sorts `credentials` by public key, refuses a key twice or an invalid rights list, and
    /// stores them with their root.
    pub fn set_credentials(&mut self, mut credentials: Vec<CredentialEntry>) -> Result<(), String> {
        credentials.sort_by_key(|c| c.public_key);
        check_credentials(&credentials)
            .map_err(|(i, what)| format!("credentials[{i}] : {what}"))?;
        self.credential_root = credential_root(&credentials);
        self.credentials = credentials;
        Ok(())
    }

    /// Checks every rule [`Genesis::decode`] enforces; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        // One implementation of the rules: decode our own encoding.
        Genesis::decode(&self.encode())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The canonical encoding (docs/protocol.md §Ballot box events, "Genesis").
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u16(self.protocol_version)
            .str(&self.campaign_id)
            .str(&self.election_id)
            .u8(self.round)
            .bytes(&self.definition);
        write_credentials(&mut w, &self.credentials);
        w.fixed(&self.credential_root.0);
        w.fixed(&self.bureau.batonnier.0);
        w.len(self.bureau.scrutateurs.len());
        for s in &self.bureau.scrutateurs {
            w.fixed(&s.0);
        }
        w.u32(self.bureau.threshold)
            .bytes(&self.bureau.dkg_transcript)
            .fixed(&self.election_public_key)
            .fixed(&self.ordre_public_key.0)
            .fixed(&self.server_public_key.0)
            .u64(self.opening)
            .u64(self.closing)
            .fixed(&self.server_build.0);
        w.into_bytes()
    }

    /// Strict decoding of a genesis payload: every field canonical and every rule of the genesis
    /// checked (version, round, canonical JSON definition, sorted credential list without
    /// duplicates and its root, rights, bureau threshold and distinct keys, opening before
    /// closing). Errors name the field (`genesis.…`) and the offset within the payload.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let err = |field: &str, offset: usize, reason: String| DecodeError {
            field: field.to_owned(),
            offset,
            reason,
        };

        let at = r.position();
        let protocol_version = r.u16("genesis.protocol_version")?;
        if protocol_version != PROTOCOL_VERSION {
            return Err(err(
                "genesis.protocol_version",
                at,
                format!("version {protocol_version} inconnue ({PROTOCOL_VERSION} attendue)"),
            ));
        }
        let at = r.position();
        let campaign_id = r.str("genesis.campaign_id")?.to_owned();
        if campaign_id.is_empty() {
            return Err(err("genesis.campaign_id", at, "identifiant vide".into()));
        }
        let at = r.position();
        let election_id = r.str("genesis.election_id")?.to_owned();
        if election_id.is_empty() {
            return Err(err("genesis.election_id", at, "identifiant vide".into()));
        }
        let at = r.position();
        let round = r.u8("genesis.round")?;
        if !(1..=2).contains(&round) {
            return Err(err(
                "genesis.round",
                at,
                format!("tour {round} (1 ou 2 attendu)"),
            ));
        }
        let at = r.position();
        let definition = r.bytes("genesis.definition")?.to_vec();
        check_canonical_json(&definition)
            .map_err(|e| err("genesis.definition", at, e.to_string()))?;

        let list_start = r.position();
        let n = r.len("genesis.credentials")?;
        let mut credentials = Vec::with_capacity(n.min(1 << 16));
        let mut entry_offsets = Vec::with_capacity(n.min(1 << 16));
        for i in 0..n {
            entry_offsets.push(r.position());
            let public_key =
                PublicKey::read(&mut r, &format!("genesis.credentials[{i}].public_key"))?;
            let m = r.len(&format!("genesis.credentials[{i}].rights"))?;
            let mut rights = Vec::with_capacity(m.min(64));
            for j in 0..m {
                let contest = r.u32(&format!("genesis.credentials[{i}].rights[{j}].contest"))?;
                let weight = r.u64(&format!("genesis.credentials[{i}].rights[{j}].weight"))?;
                rights.push(Right { contest, weight });
            }
            credentials.push(CredentialEntry { public_key, rights });
        }
        let list_end = r.position();
        if let Err((i, what)) = check_credentials(&credentials) {
            return Err(err(
                &format!("genesis.credentials[{i}]"),
                entry_offsets.get(i).copied().unwrap_or(list_start),
                what,
            ));
        }
        let at = r.position();
        let credential_root = Hash32(r.fixed("genesis.credential_root")?);
        let computed = tagged_hash(domain::CREDENTIALS, &[&bytes[list_start..list_end]]);
        if credential_root != computed {
            return Err(err(
                "genesis.credential_root",
                at,
                format!("racine {credential_root} différente de la liste ({computed})"),
            ));
        }

        let batonnier = PublicKey::read(&mut r, "genesis.bureau.batonnier")?;
        let n = r.len("genesis.bureau.scrutateurs")?;
        let mut scrutateurs = Vec::with_capacity(n.min(64));
        let mut keys = vec![batonnier];
        for i in 0..n {
            let at = r.position();
            let field = format!("genesis.bureau.scrutateurs[{i}]");
            let k = PublicKey::read(&mut r, &field)?;
            if keys.contains(&k) {
                return Err(err(&field, at, "clé déjà présente dans le bureau".into()));
            }
            keys.push(k);
            scrutateurs.push(k);
        }
        let at = r.position();
        let threshold = r.u32("genesis.bureau.threshold")?;
        if threshold == 0 || threshold as usize > scrutateurs.len() {
            return Err(err(
                "genesis.bureau.threshold",
                at,
                format!(
                    "seuil {threshold} hors de [1, {}] (nombre de scrutateurs)",
                    scrutateurs.len()
                ),
            ));
        }
        let dkg_transcript = r.bytes("genesis.bureau.dkg_transcript")?.to_vec();
        let election_public_key = r.fixed("genesis.election_public_key")?;
        let ordre_public_key = PublicKey::read(&mut r, "genesis.ordre_public_key")?;
        let server_public_key = PublicKey::read(&mut r, "genesis.server_public_key")?;
        let opening = r.u64("genesis.opening")?;
        let at = r.position();
        let closing = r.u64("genesis.closing")?;
        if closing <= opening {
            return Err(err(
                "genesis.closing",
                at,
                format!("clôture {closing} non postérieure à l'ouverture {opening}"),
            ));
        }
        let server_build = Hash32(r.fixed("genesis.server_build")?);
        r.finish("genesis")?;
        Ok(Genesis {
            protocol_version,
            campaign_id,
            election_id,
            round,
            definition,
            credentials,
            credential_root,
            bureau: Bureau {
                batonnier,
                scrutateurs,
                threshold,
                dkg_transcript,
            },
            election_public_key,
            ordre_public_key,
            server_public_key,
            opening,
            closing,
            server_build,
        })
    }

    /// Total voices of each contest index that appears in the credential list (what the
    /// discrete logarithm of the tally is bounded by).
    pub fn total_weights(&self) -> std::collections::BTreeMap<u32, u64> {
        let mut out = std::collections::BTreeMap::new();
        for c in &self.credentials {
            for r in &c.rights {
                let t = out.entry(r.contest).or_insert(0u64);
                // check_credentials guarantees that no total overflows.
                *t = t.saturating_add(r.weight);
            }
        }
        out
    }
}

/// The rules of the credential list; on failure, the index of the offending entry and why.
fn check_credentials(credentials: &[CredentialEntry]) -> Result<(), (usize, String)> {
    let mut totals: std::collections::BTreeMap<u32, u64> = std::collections::BTreeMap::new();
    for (i, c) in credentials.iter().enumerate() {
        if i > 0 {
            let prev = &credentials[i - 1].public_key;
            if *prev == c.public_key {
                return Err((i, format!("clé {} en double", c.public_key)));
            }
            if *prev > c.public_key {
                return Err((i, "liste non triée par clé publique".into()));
            }
        }
        if c.rights.is_empty() {
            return Err((i, "aucun droit de vote".into()));
        }
        for (j, r) in c.rights.iter().enumerate() {
            if j > 0 && c.rights[j - 1].contest >= r.contest {
                return Err((
                    i,
                    format!("rights[{j}] : scrutins non strictement croissants"),
                ));
            }
            if r.weight == 0 {
                return Err((i, format!("rights[{j}] : poids nul")));
            }
            let t = totals.entry(r.contest).or_insert(0);
            *t = t.checked_add(r.weight).ok_or_else(|| {
                (
                    i,
                    format!(
                        "rights[{j}] : total des voix du scrutin {} hors limite",
                        r.contest
                    ),
                )
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::testkit::{Fixture, key};

    fn genesis() -> Genesis {
        Fixture::new().genesis
    }

    fn decode_err(g: &Genesis) -> DecodeError {
        Genesis::decode(&g.encode()).unwrap_err()
    }

    #[test]
    fn a_valid_genesis_round_trips() {
        let g = genesis();
        assert_eq!(Genesis::decode(&g.encode()).unwrap(), g);
        g.validate().unwrap();
    }

    #[test]
    fn an_unknown_protocol_version_is_refused() {
        let mut g = genesis();
        g.protocol_version = 2;
        assert_eq!(decode_err(&g).field, "genesis.protocol_version");
    }

    #[test]
    fn a_round_other_than_one_or_two_is_refused() {
        let mut g = genesis();
        g.round = 3;
        assert_eq!(decode_err(&g).field, "genesis.round");
    }

    #[test]
    fn empty_identifiers_are_refused() {
        let mut g = genesis();
        g.campaign_id.clear();
        assert_eq!(decode_err(&g).field, "genesis.campaign_id");
        let mut g = genesis();
        g.election_id.clear();
        assert_eq!(decode_err(&g).field, "genesis.election_id");
    }

    #[test]
    fn a_definition_that_is_not_canonical_json_is_refused() {
        let mut g = genesis();
        g.definition = br#"{"b":1, "a":2}"#.to_vec();
        let e = decode_err(&g);
        assert_eq!(e.field, "genesis.definition");
        assert!(e.reason.contains("non canonique"), "{e}");
    }

    #[test]
    fn a_credential_twice_is_refused() {
        let mut g = genesis();
        let first = g.credentials[0].clone();
        let mut list = g.credentials.clone();
        list.push(first);
        assert!(
            g.set_credentials(list.clone())
                .unwrap_err()
                .contains("en double")
        );
        list.sort_by_key(|c| c.public_key);
        g.credentials = list.clone();
        g.credential_root = credential_root(&list);
        let e = decode_err(&g);
        assert_eq!(e.field, "genesis.credentials[1]");
        assert!(e.reason.contains("en double"), "{e}");
    }

    #[test]
    fn an_unsorted_credential_list_is_refused() {
        let mut g = genesis();
        g.credentials.swap(0, 1);
        g.credential_root = credential_root(&g.credentials);
        let e = decode_err(&g);
        assert!(e.reason.contains("non triée"), "{e}");
    }

    #[test]
    fn a_credential_root_that_does_not_match_the_list_is_refused() {
        let mut g = genesis();
        g.credential_root.0[0] ^= 1;
        assert_eq!(decode_err(&g).field, "genesis.credential_root");
        let mut g = genesis();
        g.credentials[0].rights[0].weight += 1;
        assert_eq!(decode_err(&g).field, "genesis.credential_root");
    }

    #[test]
    fn a_credential_without_rights_or_with_a_zero_weight_or_unsorted_contests_is_refused() {
        let mut g = genesis();
        let mut list = g.credentials.clone();
        list[0].rights.clear();
        assert!(g.set_credentials(list).unwrap_err().contains("aucun droit"));
        let mut list = g.credentials.clone();
        list[0].rights[0].weight = 0;
        assert!(g.set_credentials(list).unwrap_err().contains("poids nul"));
        let mut list = g.credentials.clone();
        list[0].rights = vec![
            Right {
                contest: 1,
                weight: 1,
            },
            Right {
                contest: 1,
                weight: 1,
            },
        ];
        assert!(g.set_credentials(list).unwrap_err().contains("croissants"));
    }

    #[test]
    fn contest_totals_that_overflow_are_refused() {
        let mut g = genesis();
        let mut list = g.credentials.clone();
        list[0].rights = vec![Right {
            contest: 0,
            weight: u64::MAX,
        }];
        assert!(g.set_credentials(list).unwrap_err().contains("hors limite"));
    }

    #[test]
    fn a_threshold_outside_one_to_the_number_of_scrutateurs_is_refused() {
        let mut g = genesis();
        g.bureau.threshold = 0;
        assert_eq!(decode_err(&g).field, "genesis.bureau.threshold");
        g.bureau.threshold = g.bureau.scrutateurs.len() as u32 + 1;
        assert_eq!(decode_err(&g).field, "genesis.bureau.threshold");
    }

    #[test]
    fn a_bureau_key_twice_is_refused() {
        let mut g = genesis();
        g.bureau.scrutateurs[1] = g.bureau.batonnier;
        assert_eq!(decode_err(&g).field, "genesis.bureau.scrutateurs[1]");
    }

    #[test]
    fn closing_before_opening_is_refused() {
        let mut g = genesis();
        g.closing = g.opening;
        assert_eq!(decode_err(&g).field, "genesis.closing");
    }

    #[test]
    fn an_invalid_ordre_key_is_refused_with_its_field() {
        let mut g = genesis();
        g.ordre_public_key = PublicKey([0; 32]);
        // y = 0 decompresses to a point of order 4.
        assert_eq!(decode_err(&g).field, "genesis.ordre_public_key");
    }

    #[test]
    fn trailing_bytes_after_the_genesis_are_refused() {
        let mut b = genesis().encode();
        b.push(0);
        assert_eq!(Genesis::decode(&b).unwrap_err().field, "genesis");
    }

    #[test]
    fn set_credentials_sorts_by_public_key() {
        let mut g = genesis();
        let mut list = g.credentials.clone();
        list.reverse();
        list.push(CredentialEntry {
            public_key: PublicKey::of(&key("late")),
            rights: vec![Right {
                contest: 0,
                weight: 1,
            }],
        });
        g.set_credentials(list).unwrap();
        assert!(
            g.credentials
                .windows(2)
                .all(|w| w[0].public_key < w[1].public_key)
        );
        g.validate().unwrap();
    }
}

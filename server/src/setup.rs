//! Election set-up, as functions (issue 4; the admin pages and CLI of issue 5 and the demo of
//! issue 8 wrap them). The steps, in order:
//!
//! 1. [`create_election`] from a [`model::Election`] definition;
//! 2. [`load_roll`]: the liste électorale ([`model::Roll`], e.g. from [`model::import_roll`]),
//!    checked with the definition by [`Election::validate`], each elector's rights computed by
//!    [`Election::voting_rights`];
//! 3. [`issue_codes`]: one personal confidential code per elector with a right; the server keeps
//!    only the credential public key and the hash of the login token (DESIGN §3: "the code never
//!    leaves the browser"), the codes are returned once to the caller and never stored;
//! 4. [`record_dkg`]: the bureau's key ceremony transcript (docs/protocol.md §4), verified;
//! 5. [`build_genesis`]: the genesis event (docs/protocol.md §Genesis), whose hash — the election
//!    fingerprint — the bâtonnier signs;
//! 6. [`seal`]: with the bâtonnier's signature, appends Genesis and Seal: the election is then
//!    frozen and the vote opens at its opening time.
//!
//! Around the vote: [`register_procuration`] (art. 26), [`unlock_elector`] (lift a login
//! lockout), [`set_alert`] (the banner of the home page).
//!
//! [`model::Election`]: urne::model::Election
//! [`model::Roll`]: urne::model::Roll
//! [`model::import_roll`]: urne::model::import_roll

use rayon::prelude::*;
use sqlx::Row;
use urne::board::{
    Bureau, CredentialEntry, Genesis, PROTOCOL_VERSION, Payload, PublicKey, Right, Seal,
    SignatureBytes, canonical_json,
};
use urne::crypto::code::VoterCode;
use urne::crypto::credential::{Credential, CredentialPublicKey};
use urne::crypto::dkg::{BureauKeys, DkgTranscript};
use urne::encoding::Hash32;
use urne::model::{Cnbf, Election, Roll, RollFile};

use crate::chain::{self, now};
use crate::db::{Db, i, u};
use crate::error::{Error, Result};
use crate::keys::ServerKeys;

/// One right of an elector as stored (contest index in the definition, voices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredRight {
    /// Index of the contest in the definition (ballot order).
    pub contest: u32,
    /// Voices of the ballot in that contest.
    pub weight: u64,
}

impl From<StoredRight> for Right {
    fn from(r: StoredRight) -> Right {
        Right {
            contest: r.contest,
            weight: r.weight,
        }
    }
}

pub(crate) fn rights_json(rights: &[StoredRight]) -> Result<String> {
    serde_json::to_string(rights).map_err(Error::internal)
}

pub(crate) fn parse_rights(text: &str) -> Result<Vec<StoredRight>> {
    serde_json::from_str(text).map_err(|e| Error::internal(format!("droits illisibles : {e}")))
}

/// What [`load_roll`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollLoaded {
    /// Electors on the roll.
    pub electors: usize,
    /// Of whom with at least one right in this election.
    pub with_rights: usize,
}

/// A code issued to an elector: print or mail it, then drop it (it zeroizes on drop). The server
/// keeps no copy.
#[derive(Debug)]
pub struct IssuedCode {
    /// The elector.
    pub cnbf: Cnbf,
    /// « Prénom Nom » (print « Me » before it), for the letter.
    pub display_name: String,
    /// The personal confidential code.
    pub code: VoterCode,
}

/// The genesis built for the bâtonnier to seal.
#[derive(Debug, Clone)]
pub struct PreparedGenesis {
    /// The genesis payload.
    pub genesis: Genesis,
    /// Its event hash: the election fingerprint, which the bâtonnier signs
    /// (`tagged_hash("URNE-V1-seal", [fingerprint])`, [`Seal::message`]).
    pub fingerprint: Hash32,
}

fn unix(t: time::OffsetDateTime) -> Result<u64> {
    u64::try_from(t.unix_timestamp())
        .map_err(|_| Error::BadRequest(format!("date {t} antérieure à 1970")))
}

/// Step 1: creates an election from its definition (checked for what does not need the roll).
/// The election's identifier is `definition.election_id`.
pub async fn create_election(db: &Db, definition: &Election) -> Result<()> {
    definition
        .validate_structure()
        .map_err(|e| Error::Refused(e.to_string()))?;
    let json = definition_json(definition)?;
    let opening = unix(definition.opening)?;
    let closing = unix(definition.closing)?;
    let exists = sqlx::query("SELECT 1 AS x FROM elections WHERE id = $1")
        .bind(&definition.election_id)
        .fetch_optional(db.read())
        .await?;
    if exists.is_some() {
        return Err(Error::Refused(format!(
            "l'élection « {} » existe déjà",
            definition.election_id
        )));
    }
    sqlx::query(
        "INSERT INTO elections (id, campaign_id, definition, opening, closing, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&definition.election_id)
    .bind(&definition.campaign_id)
    .bind(json)
    .bind(i(opening))
    .bind(i(closing))
    .bind(i(now()))
    .execute(db.write())
    .await?;
    tracing::info!(election = %definition.election_id, "élection créée");
    Ok(())
}

/// The definition as canonical JSON (what the genesis seals).
fn definition_json(definition: &Election) -> Result<String> {
    let bytes = canonical_json(definition).map_err(Error::internal)?;
    String::from_utf8(bytes).map_err(Error::internal)
}

/// The stored definition of an election.
pub async fn definition(db: &Db, election: &str) -> Result<Election> {
    let row = sqlx::query("SELECT definition FROM elections WHERE id = $1")
        .bind(election)
        .fetch_optional(db.read())
        .await?
        .ok_or_else(|| Error::NotFound(format!("élection « {election} » inconnue")))?;
    let text: String = row.try_get("definition")?;
    serde_json::from_str(&text).map_err(|e| Error::internal(format!("définition illisible : {e}")))
}

/// The stored roll of an election.
pub async fn roll(db: &Db, election: &str) -> Result<Roll> {
    let row = sqlx::query("SELECT roll FROM rolls WHERE election_id = $1")
        .bind(election)
        .fetch_optional(db.read())
        .await?
        .ok_or_else(|| {
            Error::Refused(format!(
                "aucune liste électorale chargée pour l'élection « {election} »"
            ))
        })?;
    let text: String = row.try_get("roll")?;
    let file: RollFile = serde_json::from_str(&text)
        .map_err(|e| Error::internal(format!("liste électorale illisible : {e}")))?;
    file.into_roll().map_err(Error::internal)
}

/// Refuses any change to a sealed election (DESIGN §3 « Sealing »).
pub(crate) async fn ensure_unsealed(db: &Db, election: &str) -> Result<()> {
    let row = sqlx::query("SELECT head_height FROM elections WHERE id = $1")
        .bind(election)
        .fetch_optional(db.read())
        .await?
        .ok_or_else(|| Error::NotFound(format!("élection « {election} » inconnue")))?;
    if row.try_get::<Option<i64>, _>("head_height")?.is_some() {
        return Err(Error::Refused(format!(
            "l'élection « {election} » est scellée : elle ne peut plus être modifiée"
        )));
    }
    Ok(())
}

/// Step 2: loads (or replaces, before the codes are issued) the liste électorale. The election
/// is checked against the décret with it ([`Election::validate`]: every error listed); each
/// elector's rights come from [`Election::voting_rights`].
pub async fn load_roll(db: &Db, election: &str, roll: &Roll) -> Result<RollLoaded> {
    ensure_unsealed(db, election).await?;
    let def = definition(db, election).await?;
    def.validate(roll)
        .map_err(|e| Error::Refused(e.to_string()))?;
    let issued = sqlx::query("SELECT codes_issued_at FROM elections WHERE id = $1")
        .bind(election)
        .fetch_one(db.read())
        .await?;
    if issued
        .try_get::<Option<i64>, _>("codes_issued_at")?
        .is_some()
    {
        return Err(Error::Refused(
            "les codes ont déjà été émis : la liste électorale ne peut plus être remplacée".into(),
        ));
    }
    let mut rows = Vec::with_capacity(roll.electors().len());
    let mut with_rights = 0;
    for e in roll.electors() {
        let rights = def
            .voting_rights(roll, e)
            .map_err(|err| Error::Refused(format!("CNBF {} : {err}", e.cnbf)))?;
        let stored: Vec<StoredRight> = rights
            .iter()
            .map(|r| {
                let contest = def
                    .contests
                    .iter()
                    .position(|c| c.id == r.contest)
                    .ok_or_else(|| Error::internal(format!("scrutin {} inconnu", r.contest)))?;
                Ok(StoredRight {
                    contest: u32::try_from(contest).map_err(Error::internal)?,
                    weight: r.weight,
                })
            })
            .collect::<Result<_>>()?;
        if !stored.is_empty() {
            with_rights += 1;
        }
        rows.push((
            e.cnbf.to_string(),
            format!("{} {}", e.prenom.trim(), e.nom.trim()),
            rights_json(&stored)?,
        ));
    }
    let file = RollFile {
        barreau: roll.barreau().to_owned(),
        electors: roll.electors().to_vec(),
    };
    let json = serde_json::to_string(&file).map_err(Error::internal)?;
    let mut tx = db.write().begin().await?;
    sqlx::query("DELETE FROM electors WHERE election_id = $1")
        .bind(election)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM rolls WHERE election_id = $1")
        .bind(election)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO rolls (election_id, roll, loaded_at) VALUES ($1, $2, $3)")
        .bind(election)
        .bind(json)
        .bind(i(now()))
        .execute(&mut *tx)
        .await?;
    for (cnbf, name, rights) in rows {
        sqlx::query(
            "INSERT INTO electors (election_id, cnbf, display_name, rights) VALUES ($1, $2, $3, $4)",
        )
        .bind(election)
        .bind(cnbf)
        .bind(name)
        .bind(rights)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    tracing::info!(
        election,
        electors = roll.electors().len(),
        with_rights,
        "liste électorale chargée"
    );
    Ok(RollLoaded {
        electors: roll.electors().len(),
        with_rights,
    })
}

/// One credential to register: the elector, the credential public key and the hash of the login
/// token (`LoginToken::server_hash`).
#[derive(Debug, Clone)]
pub struct CredentialRegistration {
    /// The elector.
    pub cnbf: Cnbf,
    /// The credential's public key.
    pub public_key: CredentialPublicKey,
    /// `H("URNE-V1-login-token-hash", token)`.
    pub token_hash: Hash32,
}

/// Registers credentials for electors of the roll (what [`issue_codes`] does after deriving
/// them; tests and benchmarks that make credentials without codes call it directly). Each elector
/// must have a right in this election.
pub async fn register_credentials(
    db: &Db,
    election: &str,
    credentials: &[CredentialRegistration],
) -> Result<()> {
    ensure_unsealed(db, election).await?;
    let at = now();
    let mut tx = db.write().begin().await?;
    for c in credentials {
        let done = sqlx::query(
            "UPDATE electors SET credential = $1, token_hash = $2, code_issued_at = $3, \
             code_reissues = 0 WHERE election_id = $4 AND cnbf = $5 AND rights <> '[]'",
        )
        .bind(c.public_key.0.as_slice())
        .bind(c.token_hash.0.as_slice())
        .bind(i(at))
        .bind(election)
        .bind(c.cnbf.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(Error::Refused(format!(
                "CNBF {} : absent de la liste électorale ou sans droit de vote dans cette élection",
                c.cnbf
            )));
        }
    }
    sqlx::query("UPDATE elections SET codes_issued_at = $1, genesis = NULL WHERE id = $2")
        .bind(i(at))
        .bind(election)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Step 3: issues one code per elector with a right (replacing any earlier issuance, before the
/// seal). Codes are generated from the operating system's CSPRNG; the argon2id derivations
/// (docs/protocol.md §3, ≈ 14 ms each) run in parallel on every core. Returns the codes in roll
/// order — the only copy: the server stores the credential public key and the login token's
/// hash.
pub async fn issue_codes(db: &Db, election: &str) -> Result<Vec<IssuedCode>> {
    ensure_unsealed(db, election).await?;
    let campaign: String = sqlx::query("SELECT campaign_id FROM elections WHERE id = $1")
        .bind(election)
        .fetch_one(db.read())
        .await?
        .try_get("campaign_id")?;
    let rows = sqlx::query(
        "SELECT cnbf, display_name FROM electors WHERE election_id = $1 AND rights <> '[]'",
    )
    .bind(election)
    .fetch_all(db.read())
    .await?;
    let mut electors = Vec::with_capacity(rows.len());
    for r in rows {
        let cnbf: String = r.try_get("cnbf")?;
        let cnbf = Cnbf::parse(&cnbf).map_err(Error::internal)?;
        electors.push((cnbf, r.try_get::<String, _>("display_name")?));
    }
    if electors.is_empty() {
        return Err(Error::Refused(
            "aucun électeur avec un droit de vote : chargez d'abord la liste électorale".into(),
        ));
    }
    let issued = tokio::task::spawn_blocking(move || derive_all(electors, &campaign))
        .await
        .map_err(Error::internal)??;
    let registrations: Vec<CredentialRegistration> = issued
        .iter()
        .map(|(code, cred)| CredentialRegistration {
            cnbf: code.cnbf.clone(),
            public_key: cred.public_key(),
            token_hash: cred.login_token().server_hash(),
        })
        .collect();
    register_credentials(db, election, &registrations).await?;
    tracing::info!(election, codes = issued.len(), "codes émis");
    Ok(issued.into_iter().map(|(c, _)| c).collect())
}

fn derive_all(
    electors: Vec<(Cnbf, String)>,
    campaign: &str,
) -> Result<Vec<(IssuedCode, Credential)>> {
    electors
        .into_par_iter()
        .map(|(cnbf, display_name)| {
            let code = VoterCode::generate(&mut rand::rng());
            let cred = Credential::derive(&code, campaign).map_err(Error::internal)?;
            Ok((
                IssuedCode {
                    cnbf,
                    display_name,
                    code,
                },
                cred,
            ))
        })
        .collect()
}

/// Step 4: records the bureau's key ceremony. The transcript must verify
/// ([`DkgTranscript::verify`]) and match the definition's bureau (as many scrutateurs, the same
/// threshold). Returns the bureau keys (the election key is `keys.election_key()`).
pub async fn record_dkg(db: &Db, election: &str, transcript: &DkgTranscript) -> Result<BureauKeys> {
    ensure_unsealed(db, election).await?;
    let def = definition(db, election).await?;
    let keys = transcript
        .verify()
        .map_err(|e| Error::Refused(format!("cérémonie des clés refusée : {e}")))?;
    let n = def.bureau.scrutateurs.len();
    if transcript.params.scrutateurs as usize != n
        || transcript.params.threshold != def.bureau.threshold
    {
        return Err(Error::Refused(format!(
            "cérémonie des clés pour {} scrutateurs (seuil {}), le bureau en compte {n} (seuil {})",
            transcript.params.scrutateurs, transcript.params.threshold, def.bureau.threshold
        )));
    }
    sqlx::query("UPDATE elections SET dkg_transcript = $1, genesis = NULL WHERE id = $2")
        .bind(transcript.encode())
        .bind(election)
        .execute(db.write())
        .await?;
    Ok(keys)
}

fn board_key(bytes: [u8; 32], what: &str) -> Result<PublicKey> {
    let k = PublicKey(bytes);
    k.verifying_key()
        .map_err(|e| Error::Refused(format!("{what} : {e}")))?;
    Ok(k)
}

/// Step 5: builds the genesis (docs/protocol.md §Genesis): the definition as canonical JSON, the
/// credential list with each credential's rights, the bureau's signing keys (from the
/// definition), threshold and DKG transcript, the election key, the ordre and server keys, the
/// times and `server_build` (SHA-256 of the running binary, [`crate::keys::server_build_hash`]).
/// It is stored until [`seal`]; building it again replaces it.
pub async fn build_genesis(
    db: &Db,
    election: &str,
    keys: &ServerKeys,
    server_build: Hash32,
) -> Result<PreparedGenesis> {
    ensure_unsealed(db, election).await?;
    // The candidates' tableau entries are sealed with the definition, so that the tie-breaks of
    // the count can be recomputed from the archive alone.
    let def = definition(db, election)
        .await?
        .with_candidate_records(&roll(db, election).await?);
    let row = sqlx::query("SELECT dkg_transcript, codes_issued_at FROM elections WHERE id = $1")
        .bind(election)
        .fetch_one(db.read())
        .await?;
    let transcript: Option<Vec<u8>> = row.try_get("dkg_transcript")?;
    let transcript = transcript.ok_or_else(|| {
        Error::Refused("la cérémonie des clés du bureau n'a pas été enregistrée".into())
    })?;
    if row.try_get::<Option<i64>, _>("codes_issued_at")?.is_none() {
        return Err(Error::Refused("les codes n'ont pas été émis".into()));
    }
    let dkg = DkgTranscript::decode(&transcript).map_err(Error::internal)?;
    let bureau_keys = dkg.verify().map_err(Error::internal)?;
    let missing: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM electors WHERE election_id = $1 AND rights <> '[]' \
         AND credential IS NULL",
    )
    .bind(election)
    .fetch_one(db.read())
    .await?
    .try_get("n")?;
    if missing > 0 {
        return Err(Error::Refused(format!(
            "{missing} électeur(s) avec un droit de vote n'ont pas de code"
        )));
    }
    let rows = sqlx::query(
        "SELECT credential, rights FROM electors WHERE election_id = $1 AND credential IS NOT NULL",
    )
    .bind(election)
    .fetch_all(db.read())
    .await?;
    let mut credentials = Vec::with_capacity(rows.len());
    for r in rows {
        let pk: Vec<u8> = r.try_get("credential")?;
        let rights = parse_rights(&r.try_get::<String, _>("rights")?)?;
        credentials.push(CredentialEntry {
            public_key: PublicKey(chain::hash32(&pk, "identifiant")?.0),
            rights: rights.into_iter().map(Right::from).collect(),
        });
    }
    let mut genesis = Genesis {
        protocol_version: PROTOCOL_VERSION,
        campaign_id: def.campaign_id.clone(),
        election_id: def.election_id.clone(),
        round: round_of(&def),
        definition: definition_json(&def)?.into_bytes(),
        credentials: vec![],
        credential_root: Hash32::default(),
        bureau: Bureau {
            batonnier: board_key(def.bureau.batonnier.public_key.0, "clé du bâtonnier")?,
            scrutateurs: def
                .bureau
                .scrutateurs
                .iter()
                .map(|s| board_key(s.public_key.0, &format!("clé de {}", s.name)))
                .collect::<Result<_>>()?,
            threshold: def.bureau.threshold,
            dkg_transcript: transcript,
        },
        election_public_key: bureau_keys.election_key().0.compress().to_bytes(),
        ordre_public_key: keys.ordre_public(),
        server_public_key: keys.server_public(),
        opening: unix(def.opening)?,
        closing: unix(def.closing)?,
        server_build,
    };
    genesis
        .set_credentials(credentials)
        .map_err(|e| Error::Refused(format!("liste des identifiants : {e}")))?;
    genesis
        .validate()
        .map_err(|e| Error::Refused(format!("genèse invalide : {e}")))?;
    let fingerprint = genesis_fingerprint(&genesis);
    sqlx::query("UPDATE elections SET genesis = $1 WHERE id = $2")
        .bind(genesis.encode())
        .bind(election)
        .execute(db.write())
        .await?;
    Ok(PreparedGenesis {
        genesis,
        fingerprint,
    })
}

fn genesis_fingerprint(genesis: &Genesis) -> Hash32 {
    urne::board::Event {
        height: 0,
        parent: Hash32::default(),
        payload: Payload::Genesis(Box::new(genesis.clone())),
    }
    .hash()
}

/// The round of an election: that of its two-round contests (1 when it has none).
fn round_of(def: &Election) -> u8 {
    def.contests
        .iter()
        .find_map(|c| c.kind.round())
        .map_or(1, u8::from)
}

/// Step 6: the bâtonnier's signature of the fingerprint seals the election: Genesis (height 0)
/// and Seal (height 1) are appended, the credentials of the genesis become the ballot box's.
/// Refused if the signature does not verify with the bâtonnier's key of the genesis.
pub async fn seal(
    db: &Db,
    election: &str,
    keys: &ServerKeys,
    signature: SignatureBytes,
) -> Result<Hash32> {
    ensure_unsealed(db, election).await?;
    let row = sqlx::query("SELECT genesis FROM elections WHERE id = $1")
        .bind(election)
        .fetch_one(db.read())
        .await?;
    let bytes: Option<Vec<u8>> = row.try_get("genesis")?;
    let bytes = bytes.ok_or_else(|| Error::Refused("la genèse n'a pas été construite".into()))?;
    let genesis = Genesis::decode(&bytes).map_err(Error::internal)?;
    let fingerprint = genesis_fingerprint(&genesis);
    if !genesis
        .bureau
        .batonnier
        .verifies(&Seal::message(&fingerprint), &signature)
    {
        return Err(Error::Refused(
            "la signature du sceau ne vérifie pas avec la clé du bâtonnier".into(),
        ));
    }
    let credentials = genesis.credentials.clone();
    let (mut chain, g) = urne::board::Chain::start(genesis).map_err(Error::internal)?;
    let mut tx = db.write().begin().await?;
    // The head row is locked and re-checked inside the transaction: two concurrent seals cannot
    // both start a chain.
    let sealed = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT head_height FROM elections WHERE id = $1{}",
        db.for_update()
    )))
    .bind(election)
    .fetch_one(&mut *tx)
    .await?;
    if sealed.try_get::<Option<i64>, _>("head_height")?.is_some() {
        return Err(Error::Refused(format!(
            "l'élection « {election} » est déjà scellée"
        )));
    }
    let g = chain::Stored {
        height: g.height,
        hash: g.hash,
        bytes: g.bytes,
    };
    chain::store_event(
        &mut tx,
        election,
        &g,
        urne::board::EventKind::Genesis.code(),
    )
    .await?;
    chain::append(
        &mut tx,
        election,
        &mut chain,
        Payload::Seal(Seal { signature }),
    )
    .await?;
    for c in &credentials {
        let rights: Vec<StoredRight> = c
            .rights
            .iter()
            .map(|r| StoredRight {
                contest: r.contest,
                weight: r.weight,
            })
            .collect();
        sqlx::query(
            "INSERT INTO credentials (election_id, public_key, rights, is_proxy) \
             VALUES ($1, $2, $3, 0)",
        )
        .bind(election)
        .bind(c.public_key.0.as_slice())
        .bind(rights_json(&rights)?)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE elections SET fingerprint = $1 WHERE id = $2")
        .bind(fingerprint.0.as_slice())
        .bind(election)
        .execute(&mut *tx)
        .await?;
    chain::set_head(&mut tx, election, &chain, &keys.server).await?;
    tx.commit().await?;
    tracing::info!(election, %fingerprint, "élection scellée");
    Ok(fingerprint)
}

/// Registers a procuration (art. 26: « Les électeurs peuvent voter par procuration. Chaque
/// mandataire ne peut disposer de plus d'une procuration »): both are electors of the roll with a
/// credential, distinct, the mandant has not voted, the mandataire holds no other procuration,
/// neither is already party to another one (a mandant no longer votes, so cannot be a mandataire;
/// a mandataire keeps his own vote and cannot also give his). `reference` names the signed form.
/// Each refusal has its own message. (The admin, `crate::admin::proxies`, adds the period and the
/// audit.) A procuration registered again after a cancellation reuses the mandant's row.
pub async fn register_procuration(
    db: &Db,
    election: &str,
    mandant: &Cnbf,
    mandataire: &Cnbf,
    reference: &str,
) -> Result<()> {
    if mandant == mandataire {
        return Err(Error::Refused(
            "le mandant et le mandataire doivent être deux électeurs différents".into(),
        ));
    }
    if reference.trim().is_empty() {
        return Err(Error::Refused(
            "la référence du formulaire de procuration signé est vide".into(),
        ));
    }
    let mut tx = db.write().begin().await?;
    for (who, cnbf) in [("mandant", mandant), ("mandataire", mandataire)] {
        let row = sqlx::query(
            "SELECT credential, voted_at FROM electors WHERE election_id = $1 AND cnbf = $2",
        )
        .bind(election)
        .bind(cnbf.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            Error::Refused(format!("{who} CNBF {cnbf} absent de la liste électorale"))
        })?;
        if row.try_get::<Option<Vec<u8>>, _>("credential")?.is_none() {
            return Err(Error::Refused(format!(
                "{who} CNBF {cnbf} sans code de vote dans cette élection (pas de droit de vote, \
                 ou codes non encore émis)"
            )));
        }
        if who == "mandant" && row.try_get::<Option<i64>, _>("voted_at")?.is_some() {
            return Err(Error::Refused(format!(
                "le mandant CNBF {cnbf} a déjà voté : la procuration est sans objet"
            )));
        }
    }
    let active = |cnbf: &Cnbf, column: &'static str| {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT mandant, mandataire FROM procurations WHERE election_id = $1 \
             AND cancelled_at IS NULL AND {column} = $2"
        )))
        .bind(election.to_owned())
        .bind(cnbf.as_str().to_owned())
    };
    if let Some(r) = active(mandataire, "mandataire")
        .fetch_optional(&mut *tx)
        .await?
    {
        return Err(Error::Refused(format!(
            "le mandataire CNBF {mandataire} dispose déjà d'une procuration (celle de CNBF {}) : \
             « Chaque mandataire ne peut disposer de plus d'une procuration » (décret art. 26)",
            r.try_get::<String, _>("mandant")?
        )));
    }
    if let Some(r) = active(mandant, "mandant").fetch_optional(&mut *tx).await? {
        return Err(Error::Refused(format!(
            "le mandant CNBF {mandant} a déjà donné procuration à CNBF {} : annulez-la d'abord",
            r.try_get::<String, _>("mandataire")?
        )));
    }
    if let Some(r) = active(mandataire, "mandant")
        .fetch_optional(&mut *tx)
        .await?
    {
        return Err(Error::Refused(format!(
            "le mandataire CNBF {mandataire} a lui-même donné procuration à CNBF {} : il ne vote \
             plus et ne peut pas être mandataire",
            r.try_get::<String, _>("mandataire")?
        )));
    }
    if let Some(r) = active(mandant, "mandataire")
        .fetch_optional(&mut *tx)
        .await?
    {
        return Err(Error::Refused(format!(
            "le mandant CNBF {mandant} est déjà mandataire de CNBF {} : il ne peut pas donner \
             procuration à son tour",
            r.try_get::<String, _>("mandant")?
        )));
    }
    let cancelled =
        sqlx::query("SELECT 1 AS x FROM procurations WHERE election_id = $1 AND mandant = $2")
            .bind(election)
            .bind(mandant.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    if cancelled.is_some() {
        sqlx::query(
            "UPDATE procurations SET mandataire = $1, reference = $2, registered_at = $3, \
             cancelled_at = NULL, proxy_credential = NULL, activated_height = NULL, \
             voted_at = NULL WHERE election_id = $4 AND mandant = $5",
        )
        .bind(mandataire.as_str())
        .bind(reference.trim())
        .bind(i(now()))
        .bind(election)
        .bind(mandant.as_str())
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query(
            "INSERT INTO procurations (election_id, mandant, mandataire, reference, registered_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(election)
        .bind(mandant.as_str())
        .bind(mandataire.as_str())
        .bind(reference.trim())
        .bind(i(now()))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    tracing::info!(election, "procuration enregistrée");
    Ok(())
}

/// Cancels the procuration given by `mandant`, before it is used: once the mandataire has
/// activated it, the `ProxyCredential` event has revoked the mandant's credential on the ballot
/// box and nothing can undo it. Returns the mandataire.
pub async fn cancel_procuration(db: &Db, election: &str, mandant: &Cnbf) -> Result<String> {
    let mut tx = db.write().begin().await?;
    let row = sqlx::query(
        "SELECT mandataire, proxy_credential FROM procurations WHERE election_id = $1 \
         AND mandant = $2 AND cancelled_at IS NULL",
    )
    .bind(election)
    .bind(mandant.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        Error::Refused(format!(
            "aucune procuration en cours donnée par CNBF {mandant}"
        ))
    })?;
    if row
        .try_get::<Option<Vec<u8>>, _>("proxy_credential")?
        .is_some()
    {
        return Err(Error::Refused(format!(
            "la procuration de CNBF {mandant} a déjà été utilisée par son mandataire (identifiant \
             de procuration inscrit dans l'urne) : elle ne peut plus être annulée"
        )));
    }
    let mandataire: String = row.try_get("mandataire")?;
    sqlx::query(
        "UPDATE procurations SET cancelled_at = $1 WHERE election_id = $2 AND mandant = $3",
    )
    .bind(i(now()))
    .bind(election)
    .bind(mandant.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(mandataire)
}

/// Lifts the login lockout of an elector (after too many wrong codes) and resets the count.
pub async fn unlock_elector(db: &Db, election: &str, cnbf: &Cnbf) -> Result<()> {
    let done = sqlx::query(
        "UPDATE electors SET failed_logins = 0, locked_until = NULL \
         WHERE election_id = $1 AND cnbf = $2",
    )
    .bind(election)
    .bind(cnbf.as_str())
    .execute(db.write())
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound(format!(
            "CNBF {cnbf} absent de la liste électorale"
        )));
    }
    tracing::info!(election, "verrouillage de connexion levé");
    Ok(())
}

/// The login state of an elector: failed attempts and lockout end (unix seconds), for the admin.
pub async fn login_state(db: &Db, election: &str, cnbf: &Cnbf) -> Result<(u64, Option<u64>)> {
    let row = sqlx::query(
        "SELECT failed_logins, locked_until FROM electors WHERE election_id = $1 AND cnbf = $2",
    )
    .bind(election)
    .bind(cnbf.as_str())
    .fetch_optional(db.read())
    .await?
    .ok_or_else(|| Error::NotFound(format!("CNBF {cnbf} absent de la liste électorale")))?;
    Ok((
        u(row.try_get("failed_logins")?),
        row.try_get::<Option<i64>, _>("locked_until")?.map(u),
    ))
}

/// Sets (or, with `None`, removes) the alert banner of an election (incident, maintenance).
pub async fn set_alert(db: &Db, election: &str, alert: Option<&str>) -> Result<()> {
    let alert = alert.map(str::trim).filter(|a| !a.is_empty());
    let done = sqlx::query("UPDATE elections SET alert = $1 WHERE id = $2")
        .bind(alert)
        .bind(election)
        .execute(db.write())
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound(format!("élection « {election} » inconnue")));
    }
    Ok(())
}

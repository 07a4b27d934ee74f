//! The genesis and the seal (issue 5 §7; docs/protocol.md §Genesis, §Seal).
//!
//! 1. [`build`]: after the model's last checks (the election with its roll, a candidacy in every
//!    contest, the 15-day rule), the set-up's [`setup::build_genesis`] freezes the definition,
//!    the candidacies, the credential list and its root, the bureau's keys and the DKG
//!    transcript, the election key, the ordre and server keys, the times and the SHA-256 of the
//!    server binary. The genesis is checked against its key ceremony
//!    ([`urne::ceremony::check_genesis`], what `urne-tally sign-genesis` checks too). Its hash is
//!    the **election fingerprint**, shown in groups for the bâtonnier to compare.
//! 2. [`genesis_archive`]: the genesis as an archive file (`.urne` whose only event is the
//!    genesis, `urne-server admin export-archive` before the seal), what `urne-tally
//!    sign-genesis --genesis` reads; it writes the seal file `{"format":"urne-sceau-1",
//!    "fingerprint", "signature"}`.
//! 3. [`seal`]: the bâtonnier's signature of the fingerprint is verified and Genesis and Seal are
//!    appended ([`setup::seal`]). From then on every change of the election is refused.

use sqlx::Row;
use urne::archive::ArchiveWriter;
use urne::board::{Event, Genesis, Payload, SignatureBytes};
use urne::encoding::Hash32;

use super::{Admin, Done, Permission, codes};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::setup;

/// `format` of the bâtonnier's seal file (`urne-tally sign-genesis`).
pub const SEAL_FORMAT: &str = "urne-sceau-1";

/// The seal file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealFile {
    /// [`SEAL_FORMAT`].
    pub format: String,
    /// The fingerprint sealed.
    pub fingerprint: Hash32,
    /// The bâtonnier's signature of `tagged_hash("URNE-V1-seal", [fingerprint])`.
    pub signature: SignatureBytes,
}

/// The fingerprint in groups of eight hexadecimal characters, to read aloud.
pub fn grouped(h: &Hash32) -> String {
    urne::pv::render::grouped(h)
}

fn fingerprint_of(g: &Genesis) -> Hash32 {
    Event {
        height: 0,
        parent: Hash32::default(),
        payload: Payload::Genesis(Box::new(g.clone())),
    }
    .hash()
}

/// What was built.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Built {
    /// The fingerprint.
    pub fingerprint: Hash32,
    /// In groups.
    pub grouped: String,
    /// Credentials sealed.
    pub credentials: usize,
}

/// Builds (or rebuilds) the genesis. `server_build` is the SHA-256 of the server binary
/// ([`crate::keys::server_build_hash`]).
pub async fn build(admin: &Admin, election: &str, server_build: Hash32) -> Result<Built> {
    admin
        .require(Permission::Prepare, Some(election), "genese.construction")
        .await?;
    let r = async {
        setup::ensure_unsealed(&admin.db, election).await?;
        let def = setup::definition(&admin.db, election).await?;
        let roll = setup::roll(&admin.db, election).await?;
        def.validate(&roll)
            .map_err(|e| Error::Refused(e.to_string()))?;
        crate::election::contest_shapes(&def)?;
        codes::check_notice(&admin.db, election).await?;
        let prepared = setup::build_genesis(&admin.db, election, &admin.keys, server_build).await?;
        if let Err(e) = urne::ceremony::check_genesis(&prepared.genesis) {
            sqlx::query("UPDATE elections SET genesis = NULL WHERE id = $1")
                .bind(election)
                .execute(admin.db.write())
                .await?;
            return Err(Error::Refused(format!(
                "genèse refusée : {e} (refaire la cérémonie des clés avec le bureau actuel)"
            )));
        }
        let b = Built {
            fingerprint: prepared.fingerprint,
            grouped: grouped(&prepared.fingerprint),
            credentials: prepared.genesis.credentials.len(),
        };
        Ok(Done::new(
            b.clone(),
            format!(
                "genèse construite : {} identifiant(s) de vote ; empreinte {}",
                b.credentials, b.grouped
            ),
        )
        .change(None, Some(prepared.fingerprint.to_hex())))
    }
    .await;
    admin
        .audited(Some(election), "genese.construction", r)
        .await
}

/// The built (or sealed) genesis and its fingerprint.
pub async fn genesis(db: &Db, election: &str) -> Result<(Genesis, Hash32)> {
    let row = sqlx::query("SELECT genesis FROM elections WHERE id = $1")
        .bind(election)
        .fetch_optional(db.read())
        .await?
        .ok_or_else(|| Error::NotFound(format!("élection « {election} » inconnue")))?;
    if let Some(bytes) = row.try_get::<Option<Vec<u8>>, _>("genesis")? {
        let g = Genesis::decode(&bytes).map_err(Error::internal)?;
        let fp = fingerprint_of(&g);
        return Ok((g, fp));
    }
    let row = sqlx::query("SELECT bytes FROM events WHERE election_id = $1 AND height = 0")
        .bind(election)
        .fetch_optional(db.read())
        .await?
        .ok_or_else(|| {
            Error::Refused(
                "la genèse n'a pas été construite (urne-server admin build-genesis)".into(),
            )
        })?;
    let bytes: Vec<u8> = row.try_get("bytes")?;
    let event = Event::decode(&bytes).map_err(Error::internal)?;
    match event.payload {
        Payload::Genesis(g) => Ok((*g, urne::board::event_hash(&bytes))),
        _ => Err(Error::internal("l'événement 0 n'est pas une genèse")),
    }
}

/// The archive file of the unsealed genesis: one event, no signed head.
pub async fn genesis_archive(db: &Db, election: &str) -> Result<Vec<u8>> {
    let (g, _) = genesis(db, election).await?;
    let bytes = Event {
        height: 0,
        parent: Hash32::default(),
        payload: Payload::Genesis(Box::new(g)),
    }
    .encode();
    let mut w = ArchiveWriter::new(Vec::new()).map_err(Error::internal)?;
    w.write_event(&bytes).map_err(Error::internal)?;
    w.finish(None).map_err(Error::internal)
}

/// Reads a seal file.
pub fn parse_seal(text: &str) -> Result<SealFile> {
    let s: SealFile = serde_json::from_str(text)
        .map_err(|e| Error::Refused(format!("fichier du sceau illisible : {e}")))?;
    if s.format != SEAL_FORMAT {
        return Err(Error::Refused(format!(
            "fichier du sceau : format « {} » (« {SEAL_FORMAT} » attendu)",
            s.format
        )));
    }
    Ok(s)
}

/// Seals the election with the bâtonnier's seal: the fingerprint must be that of the genesis
/// built, and the signature verify with the bâtonnier's key.
pub async fn seal(admin: &Admin, election: &str, seal: &SealFile) -> Result<Hash32> {
    admin
        .require(Permission::Approve, Some(election), "scellement")
        .await?;
    seal_checked(admin, election, seal).await
}

/// [`seal`] once the right to seal is established (a staff bâtonnier, the console, or the
/// bâtonnier's own signature through the relay).
async fn seal_checked(admin: &Admin, election: &str, seal: &SealFile) -> Result<Hash32> {
    let r = async {
        setup::ensure_unsealed(&admin.db, election).await?;
        let (_, fp) = genesis(&admin.db, election).await?;
        if seal.fingerprint != fp {
            return Err(Error::Refused(format!(
                "le sceau porte sur l'empreinte {} et non sur celle de la genèse construite ({}) : \
                 la genèse a été reconstruite depuis, faites-la signer à nouveau",
                grouped(&seal.fingerprint),
                grouped(&fp)
            )));
        }
        codes::check_notice(&admin.db, election).await?;
        let fp = setup::seal(&admin.db, election, &admin.keys, seal.signature).await?;
        Ok(Done::new(
            fp,
            format!(
                "élection scellée par le bâtonnier : empreinte {}",
                grouped(&fp)
            ),
        )
        .change(None, Some(fp.to_hex())))
    }
    .await;
    admin.audited(Some(election), "scellement", r).await
}

/// Whether `election` is sealed.
pub async fn is_sealed(db: &Db, election: &str) -> Result<bool> {
    let row = sqlx::query("SELECT head_height FROM elections WHERE id = $1")
        .bind(election)
        .fetch_optional(db.read())
        .await?
        .ok_or_else(|| Error::NotFound(format!("élection « {election} » inconnue")))?;
    Ok(row.try_get::<Option<i64>, _>("head_height")?.is_some())
}

/// The seal received by the relay (`POST /elections/{id}/seal`, docs/api-ceremony.md §5): the
/// bâtonnier's signature is the approval, so no staff account is needed; the same checks as
/// [`seal`], audited as the bâtonnier's act.
pub async fn seal_by_relay(
    db: &Db,
    keys: &std::sync::Arc<crate::keys::ServerKeys>,
    election: &str,
    seal_file: &SealFile,
) -> Result<Hash32> {
    let def = setup::definition(db, election).await?;
    let admin = Admin {
        db: db.clone(),
        keys: keys.clone(),
        elections: crate::election::Elections::default(),
        config: std::sync::Arc::default(),
        actor: super::Actor {
            login: "bureau-0".into(),
            name: format!("bâtonnier ({})", def.bureau.batonnier.name),
            role: super::Role::Bureau,
        },
    };
    seal_checked(&admin, election, seal_file).await
}

//! What the server knows of a sealed election, read once from its genesis event and cached: it
//! cannot change after the seal (DESIGN §3 "Sealing"). The state of the vote (closed or not) is
//! not here: it is read from the database, where another server process may have changed it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sqlx::Row;
use urne::board::{Event, Genesis, Payload, event_hash};
use urne::crypto::ballot::{ContestShape, ElectionParams};
use urne::crypto::elgamal::ElectionKey;
use urne::encoding::Hash32;
use urne::model::Election;

use crate::db::Db;
use crate::error::{Error, Result};

/// A sealed election.
#[derive(Debug)]
pub struct SealedElection {
    /// Identifier.
    pub id: String,
    /// The fingerprint (hash of the genesis event).
    pub fingerprint: Hash32,
    /// The genesis.
    pub genesis: Genesis,
    /// The definition sealed in the genesis.
    pub definition: Election,
    /// What ballots are checked against.
    pub params: ElectionParams,
}

/// The shape of every contest of a definition, in ballot order: the core's
/// [`Election::ballot_shapes`], the rule the booth, `urne-tally` and `urne-verify` share.
pub fn contest_shapes(definition: &Election) -> Result<Vec<ContestShape>> {
    definition
        .ballot_shapes()
        .map_err(|(_, why)| Error::Refused(why))
}

impl SealedElection {
    /// Builds it from the genesis event's bytes.
    pub fn from_genesis_event(id: &str, bytes: &[u8]) -> Result<Self> {
        let event = Event::decode(bytes).map_err(Error::internal)?;
        let Payload::Genesis(genesis) = event.payload else {
            return Err(Error::internal("l'événement 0 n'est pas une genèse"));
        };
        let fingerprint = event_hash(bytes);
        let definition: Election = serde_json::from_slice(&genesis.definition)
            .map_err(|e| Error::internal(format!("définition scellée illisible : {e}")))?;
        let key = ElectionKey::decode(&genesis.election_public_key).map_err(Error::internal)?;
        let params = ElectionParams::new(fingerprint, key, contest_shapes(&definition)?)
            .map_err(Error::internal)?;
        Ok(SealedElection {
            id: id.to_owned(),
            fingerprint,
            genesis: *genesis,
            definition,
            params,
        })
    }

    /// The election key, hexadecimal (for the booth).
    pub fn election_key_hex(&self) -> String {
        urne::encoding::hex(&self.genesis.election_public_key)
    }
}

/// The cache of sealed elections.
#[derive(Debug, Default, Clone)]
pub struct Elections {
    sealed: Arc<RwLock<HashMap<String, Arc<SealedElection>>>>,
}

impl Elections {
    /// The sealed election `id`, from the cache or the database; `None` if it is not sealed yet.
    pub async fn sealed(&self, db: &Db, id: &str) -> Result<Option<Arc<SealedElection>>> {
        if let Some(e) = self.sealed.read().ok().and_then(|m| m.get(id).cloned()) {
            return Ok(Some(e));
        }
        let row = sqlx::query("SELECT bytes FROM events WHERE election_id = $1 AND height = 0")
            .bind(id)
            .fetch_optional(db.read())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let bytes: Vec<u8> = row.try_get("bytes")?;
        let e = Arc::new(SealedElection::from_genesis_event(id, &bytes)?);
        if let Ok(mut m) = self.sealed.write() {
            m.insert(id.to_owned(), e.clone());
        }
        Ok(Some(e))
    }

    /// Drops `id` from the cache (a discarded test election whose id may be used again).
    pub fn forget(&self, id: &str) {
        if let Ok(mut m) = self.sealed.write() {
            m.remove(id);
        }
    }

    /// Like [`Elections::sealed`], but an election that is not sealed is an error.
    pub async fn get(&self, db: &Db, id: &str) -> Result<Arc<SealedElection>> {
        self.sealed(db, id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("élection « {id} » inconnue ou non scellée")))
    }
}

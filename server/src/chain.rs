//! Appending events to an election's chain inside a database transaction (docs/protocol.md
//! §Ballot box events; plan D5). Every writer — the seal, the ballot appender, proxies, the close
//! and the tally — locks the election's head row first ([`lock_head`]), appends at head + 1 with
//! [`urne::board::Chain`], stores the event and moves the head, so that there is one linear chain
//! whatever the number of server processes. The unique key `(election, height)` of `events`
//! backs this up: a second writer that somehow skipped the lock fails to commit.

use sqlx::{AnyConnection, Row};
use urne::board::{Chain, Event, Payload, SignedHead};
use urne::encoding::Hash32;

use crate::db::{Db, i, u};
use crate::error::{Error, Result};

/// The head row of an election, read under lock.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub chain: Chain,
    pub opening: u64,
    pub closing: u64,
    pub closed_at: Option<u64>,
    pub tallied_at: Option<u64>,
}

pub(crate) fn hash32(bytes: &[u8], what: &str) -> Result<Hash32> {
    <[u8; 32]>::try_from(bytes)
        .map(Hash32)
        .map_err(|_| Error::internal(format!("{what} : 32 octets attendus")))
}

/// Locks and reads the head of a sealed election (the row stays locked until the end of the
/// transaction on PostgreSQL; on SQLite the single write connection already excludes every
/// other writer).
pub(crate) async fn lock_head(conn: &mut AnyConnection, db: &Db, election: &str) -> Result<Head> {
    let sql = format!(
        "SELECT head_height, head_hash, fingerprint, opening, closing, closed_at, tallied_at \
         FROM elections WHERE id = $1{}",
        db.for_update()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(election)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound(format!("élection « {election} » inconnue")))?;
    let height: Option<i64> = row.try_get("head_height")?;
    let hash: Option<Vec<u8>> = row.try_get("head_hash")?;
    let fingerprint: Option<Vec<u8>> = row.try_get("fingerprint")?;
    let (Some(height), Some(hash), Some(fingerprint)) = (height, hash, fingerprint) else {
        return Err(Error::Refused(format!(
            "l'élection « {election} » n'est pas encore scellée"
        )));
    };
    Ok(Head {
        chain: Chain::resume(
            hash32(&fingerprint, "empreinte")?,
            u(height),
            hash32(&hash, "tête")?,
        ),
        opening: u(row.try_get("opening")?),
        closing: u(row.try_get("closing")?),
        closed_at: row.try_get::<Option<i64>, _>("closed_at")?.map(u),
        tallied_at: row.try_get::<Option<i64>, _>("tallied_at")?.map(u),
    })
}

/// An event appended to the chain: height, hash, canonical bytes.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub height: u64,
    pub hash: Hash32,
    pub bytes: Vec<u8>,
}

/// Appends the event carrying `payload` after the head and stores it.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    election: &str,
    chain: &mut Chain,
    payload: Payload,
) -> Result<Stored> {
    let kind = payload.kind().code();
    let event: Event = chain.next(payload);
    let a = chain.append(&event).map_err(Error::internal)?;
    let stored = Stored {
        height: a.height,
        hash: a.hash,
        bytes: a.bytes,
    };
    store_event(conn, election, &stored, kind).await?;
    Ok(stored)
}

/// Stores an appended event.
pub(crate) async fn store_event(
    conn: &mut AnyConnection,
    election: &str,
    a: &Stored,
    kind: u8,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO events (election_id, height, kind, bytes, hash) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(election)
    .bind(i(a.height))
    .bind(i64::from(kind))
    .bind(a.bytes.as_slice())
    .bind(a.hash.0.as_slice())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves the head row to the chain's head and stores the server's signed head of it.
pub(crate) async fn set_head(
    conn: &mut AnyConnection,
    election: &str,
    chain: &Chain,
    server: &ed25519_dalek::SigningKey,
) -> Result<SignedHead> {
    sqlx::query("UPDATE elections SET head_height = $1, head_hash = $2 WHERE id = $3")
        .bind(i(chain.height()))
        .bind(chain.head().0.as_slice())
        .bind(election)
        .execute(&mut *conn)
        .await?;
    let head = chain.sign_head(server);
    sqlx::query("INSERT INTO heads (election_id, height, hash, signature) VALUES ($1, $2, $3, $4)")
        .bind(election)
        .bind(i(head.height))
        .bind(head.head.0.as_slice())
        .bind(head.signature.0.as_slice())
        .execute(&mut *conn)
        .await?;
    Ok(head)
}

/// The latest signed head of an election.
pub async fn latest_head(db: &Db, election: &str) -> Result<Option<SignedHead>> {
    let row = sqlx::query(
        "SELECT h.height, h.hash, h.signature, e.fingerprint FROM heads h \
         JOIN elections e ON e.id = h.election_id \
         WHERE h.election_id = $1 ORDER BY h.height DESC LIMIT 1",
    )
    .bind(election)
    .fetch_optional(db.read())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let sig: Vec<u8> = row.try_get("signature")?;
    Ok(Some(SignedHead {
        fingerprint: hash32(&row.try_get::<Vec<u8>, _>("fingerprint")?, "empreinte")?,
        height: u(row.try_get("height")?),
        head: hash32(&row.try_get::<Vec<u8>, _>("hash")?, "tête")?,
        signature: urne::board::SignatureBytes(
            <[u8; 64]>::try_from(sig.as_slice())
                .map_err(|_| Error::internal("signature de tête : 64 octets attendus"))?,
        ),
    }))
}

/// The current unix time in seconds.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

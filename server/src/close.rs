//! The close of the vote and the encrypted tally (plan D3 step 1; docs/protocol.md §Close,
//! §EncryptedTally).
//!
//! At the closing time the scheduler ([`spawn_scheduler`]) appends a `Close` signed with the
//! ordre key (reason 1); the ordre may close earlier by decision with a reason ([`close_election`],
//! reason 2, for the admin of issue 5). Right after the close the server appends the
//! `EncryptedTally`: the weighted homomorphic sum of the ballots, recomputed from the ballot
//! events of the chain — exactly what anyone can recompute from the archive. If the process stops
//! between the two, the scheduler appends the missing tally at the next start.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;
use urne::board::{Close, CloseReason, EncryptedTally, Event, Payload};
use urne::crypto::ballot::Ballot;
use urne::crypto::tally::TallyAccumulator;

use crate::chain::{self, now};
use crate::db::{Db, i};
use crate::election::Elections;
use crate::error::{Error, Result};
use crate::keys::ServerKeys;
use crate::setup::parse_rights;

/// Heights of the events appended by a close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed {
    /// Height of the `Close`.
    pub close: u64,
    /// Height of the `EncryptedTally`.
    pub tally: u64,
}

/// Closes the vote of `election` now, for `reason` (`ClosingTime` is refused before the closing
/// time; `Decision` needs a non-blank `note`), then appends the encrypted tally.
pub async fn close_election(
    db: &Db,
    keys: &ServerKeys,
    elections: &Elections,
    election: &str,
    reason: CloseReason,
    note: &str,
) -> Result<Closed> {
    if reason == CloseReason::Decision && note.trim().is_empty() {
        return Err(Error::Refused(
            "une clôture par décision de l'ordre doit en indiquer le motif".into(),
        ));
    }
    let sealed = elections.get(db, election).await?;
    let time = now();
    let mut tx = db.write().begin().await?;
    let mut head = chain::lock_head(&mut tx, db, election).await?;
    if head.closed_at.is_some() {
        return Err(Error::Refused(format!(
            "le vote de « {election} » est déjà clos"
        )));
    }
    if reason == CloseReason::ClosingTime && time < head.closing {
        return Err(Error::Refused(format!(
            "l'heure de clôture ({}) n'est pas atteinte",
            crate::frtime::date_time(head.closing)
        )));
    }
    let close = Close::sign(&sealed.fingerprint, time, reason, note, &keys.ordre);
    let stored = chain::append(&mut tx, election, &mut head.chain, Payload::Close(close)).await?;
    sqlx::query("UPDATE elections SET closed_at = $1 WHERE id = $2")
        .bind(i(time))
        .bind(election)
        .execute(&mut *tx)
        .await?;
    chain::set_head(&mut tx, election, &head.chain, &keys.server).await?;
    tx.commit().await?;
    tracing::info!(election, height = stored.height, ?reason, "vote clos");
    let tally = append_tally(db, keys, elections, election).await?;
    Ok(Closed {
        close: stored.height,
        tally,
    })
}

/// Appends the encrypted tally after the close, recomputed from the ballot events. Refused
/// before the close or when the tally is already there.
pub async fn append_tally(
    db: &Db,
    keys: &ServerKeys,
    elections: &Elections,
    election: &str,
) -> Result<u64> {
    let sealed = elections.get(db, election).await?;
    let weights: HashMap<Vec<u8>, Vec<(u32, u64)>> =
        sqlx::query("SELECT public_key, rights FROM credentials WHERE election_id = $1")
            .bind(election)
            .fetch_all(db.read())
            .await?
            .into_iter()
            .map(|r| {
                let pk: Vec<u8> = r.try_get("public_key")?;
                let rights = parse_rights(&r.try_get::<String, _>("rights")?)?;
                Ok((pk, rights.iter().map(|r| (r.contest, r.weight)).collect()))
            })
            .collect::<Result<_>>()?;
    let rows = sqlx::query(
        "SELECT bytes FROM events WHERE election_id = $1 AND kind = $2 ORDER BY height",
    )
    .bind(election)
    .bind(i64::from(urne::board::EventKind::Ballot.code()))
    .fetch_all(db.read())
    .await?;
    let mut acc = TallyAccumulator::new(&sealed.params);
    for r in rows {
        let bytes: Vec<u8> = r.try_get("bytes")?;
        let event = Event::decode(&bytes).map_err(Error::internal)?;
        let Payload::Ballot(cast) = event.payload else {
            return Err(Error::internal("événement de bulletin d'un autre type"));
        };
        let ballot = Ballot::decode(&cast.ballot).map_err(Error::internal)?;
        let rights = weights.get(cast.credential.0.as_slice()).ok_or_else(|| {
            Error::internal(format!(
                "bulletin de l'identifiant inconnu {}",
                cast.credential
            ))
        })?;
        acc.add(&ballot, rights).map_err(Error::internal)?;
    }
    let tally = acc.finish();
    let mut tx = db.write().begin().await?;
    let mut head = chain::lock_head(&mut tx, db, election).await?;
    if head.closed_at.is_none() {
        return Err(Error::Refused(format!(
            "le vote de « {election} » n'est pas clos : pas de dépouillement"
        )));
    }
    if head.tallied_at.is_some() {
        return Err(Error::Refused(format!(
            "le dépouillement chiffré de « {election} » est déjà publié"
        )));
    }
    let stored = chain::append(
        &mut tx,
        election,
        &mut head.chain,
        Payload::EncryptedTally(EncryptedTally {
            tally: tally.encode(),
        }),
    )
    .await?;
    sqlx::query("UPDATE elections SET tallied_at = $1 WHERE id = $2")
        .bind(i(now()))
        .bind(election)
        .execute(&mut *tx)
        .await?;
    chain::set_head(&mut tx, election, &head.chain, &keys.server).await?;
    tx.commit().await?;
    tracing::info!(
        election,
        height = stored.height,
        "dépouillement chiffré publié"
    );
    Ok(stored.height)
}

/// One pass of the scheduler: closes the elections whose closing time has passed and appends
/// any missing tally.
pub async fn close_due(db: &Db, keys: &ServerKeys, elections: &Elections) -> Result<()> {
    let t = now();
    let due = sqlx::query(
        "SELECT id, closed_at FROM elections WHERE head_height IS NOT NULL \
         AND ((closed_at IS NULL AND closing <= $1) OR (closed_at IS NOT NULL AND tallied_at IS NULL))",
    )
    .bind(i(t))
    .fetch_all(db.read())
    .await?;
    for r in due {
        let id: String = r.try_get("id")?;
        let closed: Option<i64> = r.try_get("closed_at")?;
        let result = if closed.is_none() {
            close_election(db, keys, elections, &id, CloseReason::ClosingTime, "")
                .await
                .map(|_| ())
        } else {
            append_tally(db, keys, elections, &id).await.map(|_| ())
        };
        match result {
            Ok(()) => {}
            // Another server process got there first.
            Err(Error::Refused(why)) => tracing::debug!(election = %id, %why, "clôture déjà faite"),
            Err(e) => tracing::error!(election = %id, error = %e, "clôture impossible"),
        }
    }
    Ok(())
}

/// Runs [`close_due`] every `every`.
pub fn spawn_scheduler(
    db: Db,
    keys: Arc<ServerKeys>,
    elections: Elections,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = close_due(&db, &keys, &elections).await {
                tracing::error!(error = %e, "planificateur de clôture");
            }
        }
    })
}

//! Ballot acceptance (issue 4 §3, plan D5).
//!
//! 1. [`verify_ballot`], outside any lock and on a blocking thread: the ballot's bytes decode
//!    strictly, name the expected credential and this election, fit the credential's contests,
//!    and their proofs and signature hold (docs/protocol.md §5.5). A refusal says which check
//!    failed.
//! 2. [`Appender::submit`]: one task per server process (the **appender**) takes the verified
//!    ballots waiting at that moment and commits them in **one transaction** (group commit): for
//!    each election it locks the head row, then for each ballot checks the voting window and that
//!    the credential is registered, not revoked and has not voted, appends the `Ballot` event at
//!    head + 1, records the ballot on the public board, marks the credential as used and the
//!    elector's émargement, and finally moves and signs the head. Only after the commit — durable:
//!    SQLite `synchronous = FULL`, PostgreSQL's default `synchronous_commit` — does any ballot of
//!    the batch get its signed receipt. A ballot refused by a rule changes nothing and gets its
//!    reason; if the transaction itself fails, each ballot of the batch is retried alone, so one
//!    ballot cannot make others fail.
//!
//! Exactly one ballot per credential: within a process the appender is the only writer of the
//! chain; across processes (PostgreSQL) the head row lock serialises the appenders, and the
//! unique keys `ballots (election, credential)` and `events (election, height)` refuse whatever
//! would slip through.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use sqlx::Row;
use tokio::sync::{mpsc, oneshot};
use urne::board::{BallotCast, Payload, PublicKey, Receipt, SignedHead};
use urne::crypto::ballot::Ballot;
use urne::encoding::Hash32;

use crate::chain::{self, Head, now};
use crate::db::{Db, i};
use crate::election::SealedElection;
use crate::error::{Error, Result};
use crate::frtime;
use crate::keys::ServerKeys;
use crate::setup::{StoredRight, parse_rights};

/// Largest number of ballots committed in one transaction.
pub const MAX_BATCH: usize = 512;

/// A credential as the ballot box knows it.
#[derive(Debug, Clone)]
pub struct CredentialState {
    /// Its rights: contests and voices.
    pub rights: Vec<StoredRight>,
    /// Created by a procuration.
    pub is_proxy: bool,
    /// Revoked at this height.
    pub revoked: bool,
    /// Voted at this height.
    pub voted_height: Option<u64>,
}

/// Reads a credential of the ballot box.
pub async fn credential_state(
    db: &Db,
    election: &str,
    credential: &PublicKey,
) -> Result<Option<CredentialState>> {
    let row = sqlx::query(
        "SELECT rights, is_proxy, revoked_height, voted_height FROM credentials \
         WHERE election_id = $1 AND public_key = $2",
    )
    .bind(election)
    .bind(credential.0.as_slice())
    .fetch_optional(db.read())
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(CredentialState {
        rights: parse_rights(&row.try_get::<String, _>("rights")?)?,
        is_proxy: row.try_get::<i64, _>("is_proxy")? != 0,
        revoked: row.try_get::<Option<i64>, _>("revoked_height")?.is_some(),
        voted_height: row
            .try_get::<Option<i64>, _>("voted_height")?
            .map(crate::db::u),
    }))
}

/// The message of a refused second ballot.
pub fn already_voted() -> Error {
    Error::Refused(
        "Un bulletin a déjà été déposé avec cet identifiant de vote : le vote est définitif, un \
         second bulletin n'est pas accepté."
            .into(),
    )
}

/// Checks a ballot cryptographically (docs/protocol.md §5.5) for `credential` with `rights`, and
/// returns its tracker. CPU-bound: call it from a blocking thread.
pub fn verify_ballot(
    election: &SealedElection,
    bytes: &[u8],
    credential: &PublicKey,
    rights: &[StoredRight],
) -> Result<Hash32> {
    if rights.is_empty() {
        return Err(Error::Refused(
            "Cet identifiant n'a de droit de vote dans aucun scrutin de cette élection.".into(),
        ));
    }
    let ballot = Ballot::decode(bytes)
        .map_err(|e| Error::Refused(format!("Bulletin refusé : bulletin illisible ({e}).")))?;
    if ballot.credential().0 != credential.0 {
        return Err(Error::Refused(
            "Bulletin refusé : il est signé par un autre identifiant de vote que le vôtre.".into(),
        ));
    }
    if ballot.election() != election.fingerprint {
        return Err(Error::Refused(
            "Bulletin refusé : il a été préparé pour une autre élection.".into(),
        ));
    }
    let contests: Vec<u32> = rights.iter().map(|r| r.contest).collect();
    ballot
        .verify(&election.params, &contests)
        .map_err(|e| Error::Refused(format!("Bulletin refusé : {e}.")))?;
    Ok(ballot.tracker())
}

/// A ballot accepted: its signed receipt and the signed head of the batch it was committed in.
#[derive(Debug, Clone)]
pub struct Accepted {
    /// The receipt.
    pub receipt: Receipt,
    /// The server's signed head after the commit.
    pub head: SignedHead,
}

struct Pending {
    election: Arc<SealedElection>,
    credential: PublicKey,
    ballot: Vec<u8>,
    tracker: Hash32,
    reply: oneshot::Sender<Result<Accepted>>,
}

/// The handle of the appender task.
#[derive(Debug, Clone)]
pub struct Appender {
    tx: mpsc::Sender<Pending>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("election", &self.election.id)
            .field("tracker", &self.tracker)
            .finish_non_exhaustive()
    }
}

impl Appender {
    /// Starts the appender task.
    pub fn start(db: Db, keys: Arc<ServerKeys>) -> Appender {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(db, keys, rx));
        Appender { tx }
    }

    /// Submits a verified ballot; resolves once it is committed (or refused).
    pub async fn submit(
        &self,
        election: Arc<SealedElection>,
        credential: PublicKey,
        ballot: Vec<u8>,
        tracker: Hash32,
    ) -> Result<Accepted> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Pending {
                election,
                credential,
                ballot,
                tracker,
                reply,
            })
            .await
            .map_err(|_| Error::internal("l'urne est arrêtée"))?;
        rx.await
            .map_err(|_| Error::internal("l'urne s'est arrêtée pendant le dépôt"))?
    }
}

async fn run(db: Db, keys: Arc<ServerKeys>, mut rx: mpsc::Receiver<Pending>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        process(&db, &keys, batch).await;
    }
}

async fn process(db: &Db, keys: &ServerKeys, batch: Vec<Pending>) {
    let size = batch.len();
    match commit(db, keys, &batch).await {
        Ok(results) => {
            tracing::debug!(size, "lot de bulletins validé");
            for (p, r) in batch.into_iter().zip(results) {
                let _ = p.reply.send(r);
            }
        }
        Err(e) if size > 1 => {
            tracing::warn!(error = %e, size, "lot refusé par la base : bulletins repris un par un");
            for p in batch {
                let r = match commit(db, keys, std::slice::from_ref(&p)).await {
                    Ok(mut r) => r.pop().unwrap_or_else(|| Err(Error::internal("lot vide"))),
                    Err(e) => Err(e),
                };
                let _ = p.reply.send(r);
            }
        }
        Err(e) => {
            if let Some(p) = batch.into_iter().next() {
                let _ = p.reply.send(Err(e));
            }
        }
    }
}

/// Why the vote does not accept a ballot at `now`, if it does not.
pub(crate) fn window_error(head: &Head, now: u64) -> Option<Error> {
    if now < head.opening {
        return Some(Error::Refused(format!(
            "Le vote n'est pas encore ouvert : il ouvrira le {}.",
            frtime::date_time(head.opening)
        )));
    }
    if let Some(at) = head.closed_at {
        return Some(Error::Refused(format!(
            "Le vote est clos depuis le {} : aucun bulletin ne peut plus être déposé.",
            frtime::date_time(at)
        )));
    }
    if now >= head.closing {
        return Some(Error::Refused(format!(
            "Le vote est clos depuis le {} : aucun bulletin ne peut plus être déposé.",
            frtime::date_time(head.closing)
        )));
    }
    None
}

/// One transaction for the whole batch. `Err` means the transaction failed (nothing committed);
/// otherwise one result per ballot.
async fn commit(db: &Db, keys: &ServerKeys, batch: &[Pending]) -> Result<Vec<Result<Accepted>>> {
    let now = now();
    let mut results: Vec<Option<Result<Accepted>>> = (0..batch.len()).map(|_| None).collect();
    let mut by_election: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, p) in batch.iter().enumerate() {
        by_election
            .entry(p.election.id.as_str())
            .or_default()
            .push(k);
    }
    let mut tx = db.write().begin().await?;
    // (index, height, event hash) of the accepted ballots, and the signed head of each election.
    let mut accepted: Vec<(usize, u64, Hash32)> = Vec::new();
    let mut heads: BTreeMap<&str, SignedHead> = BTreeMap::new();
    for (election, indices) in by_election {
        let mut head = match chain::lock_head(&mut tx, db, election).await {
            Ok(h) => h,
            Err(Error::Internal(e)) => return Err(Error::Internal(e)),
            Err(e) => {
                let msg = e.to_string();
                for k in indices {
                    results[k] = Some(Err(Error::Refused(msg.clone())));
                }
                continue;
            }
        };
        let mut seen: HashSet<PublicKey> = HashSet::new();
        let before = accepted.len();
        for k in indices {
            let p = &batch[k];
            if let Some(e) = window_error(&head, now) {
                results[k] = Some(Err(e));
                continue;
            }
            let row = sqlx::query(
                "SELECT is_proxy, revoked_height, voted_height FROM credentials \
                 WHERE election_id = $1 AND public_key = $2",
            )
            .bind(election)
            .bind(p.credential.0.as_slice())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                results[k] = Some(Err(Error::Refused(
                    "Bulletin refusé : identifiant de vote inconnu dans cette élection.".into(),
                )));
                continue;
            };
            if row.try_get::<Option<i64>, _>("revoked_height")?.is_some() {
                results[k] = Some(Err(Error::Refused(
                    "Bulletin refusé : cet identifiant de vote a été révoqué (procuration ou \
                     nouveau code)."
                        .into(),
                )));
                continue;
            }
            if row.try_get::<Option<i64>, _>("voted_height")?.is_some()
                || !seen.insert(p.credential)
            {
                results[k] = Some(Err(already_voted()));
                continue;
            }
            let is_proxy = row.try_get::<i64, _>("is_proxy")? != 0;
            let stored = chain::append(
                &mut tx,
                election,
                &mut head.chain,
                Payload::Ballot(BallotCast {
                    credential: p.credential,
                    received_at: now,
                    ballot: p.ballot.clone(),
                }),
            )
            .await?;
            sqlx::query(
                "INSERT INTO ballots (election_id, height, credential, tracker, received_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(election)
            .bind(i(stored.height))
            .bind(p.credential.0.as_slice())
            .bind(p.tracker.0.as_slice())
            .bind(i(now))
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE credentials SET voted_height = $1 \
                 WHERE election_id = $2 AND public_key = $3 AND voted_height IS NULL",
            )
            .bind(i(stored.height))
            .bind(election)
            .bind(p.credential.0.as_slice())
            .execute(&mut *tx)
            .await?;
            mark_emargement(&mut tx, election, &p.credential, is_proxy, now).await?;
            accepted.push((k, stored.height, stored.hash));
        }
        if accepted.len() > before {
            let signed = chain::set_head(&mut tx, election, &head.chain, &keys.server).await?;
            heads.insert(election, signed);
        }
    }
    tx.commit().await?;
    for (k, height, hash) in accepted {
        let p = &batch[k];
        let Some(head) = heads.get(p.election.id.as_str()) else {
            continue;
        };
        let receipt = Receipt::sign(
            p.election.fingerprint,
            height,
            hash,
            p.tracker,
            now,
            &keys.server,
        );
        results[k] = Some(Ok(Accepted {
            receipt,
            head: *head,
        }));
    }
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::internal("bulletin sans résultat"))))
        .collect())
}

/// The émargement (identity side): the elector whose credential voted, or, for a proxy
/// credential, the mandant (who voted through the mandataire) and the procuration.
async fn mark_emargement(
    tx: &mut sqlx::AnyConnection,
    election: &str,
    credential: &PublicKey,
    is_proxy: bool,
    now: u64,
) -> Result<()> {
    if is_proxy {
        sqlx::query(
            "UPDATE electors SET voted_at = $1, voted_by_proxy = 1 WHERE election_id = $2 AND \
             cnbf = (SELECT mandant FROM procurations WHERE election_id = $2 \
                     AND proxy_credential = $3)",
        )
        .bind(i(now))
        .bind(election)
        .bind(credential.0.as_slice())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE procurations SET voted_at = $1 WHERE election_id = $2 AND proxy_credential = $3",
        )
        .bind(i(now))
        .bind(election)
        .bind(credential.0.as_slice())
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query("UPDATE electors SET voted_at = $1 WHERE election_id = $2 AND credential = $3")
            .bind(i(now))
            .bind(election)
            .bind(credential.0.as_slice())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

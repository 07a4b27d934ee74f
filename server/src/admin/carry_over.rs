//! The second round's codes (décret art. 5 and 6: « scrutin […] à deux tours »): the electors keep
//! the personal confidential code the ordre sent them for the first round (art. 28).
//!
//! The second round is a new election on the server (`urne-tally next-round` writes its
//! definition: same barreau, same campaign id, new election id, dates and key ceremony). A
//! credential is derived from the code with the campaign id as salt (docs/protocol.md §3), so the
//! same code gives the same credential in both rounds: [`carry_over`] registers, for the electors
//! of the round-2 roll, the credential public key and login-token hash the server holds for them in
//! round 1 — no new code, no letter. An elector whose code was reissued in round 1 carries the
//! current one (`electors.credential` is the live credential, the revoked one is only on round 1's
//! board).
//!
//! Refused unless both elections have the same barreau and campaign, round 1's codes were issued
//! and round 2's roll has exactly the electors with a right of round 1.
//!
//! **Procurations do not carry over.** The décret only says « Les électeurs peuvent voter par
//! procuration » (art. 26, art. 5 III leaving the modalities to the règlement intérieur): nothing
//! extends a procuration to the next round, and on the ballot box a proxy credential is endorsed
//! for round 1's fingerprint only (docs/protocol.md §ProxyCredential). A mandant of round 1 gets
//! his own credential back in round 2; a procuration for round 2 is registered again on round 2.
//!
//! The fifteen days of art. 28 are counted from the letters of round 1: the round-2 election
//! records round 1's issuance date as its own.

use std::collections::BTreeMap;

use sqlx::Row;

use super::{Admin, Done, Permission};
use crate::db::i;
use crate::error::{Error, Result};
use crate::setup;

/// The audit action.
pub const ACTION: &str = "codes.report";

/// What [`carry_over`] did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CarriedOver {
    /// The round-1 election.
    pub from: String,
    /// Electors whose credential was carried over.
    pub count: usize,
    /// Of whom with a code reissued during round 1 (their current code is the valid one).
    pub reissued: usize,
    /// Round 1's issuance (unix seconds), now round 2's for the fifteen-day rule.
    pub issued: u64,
}

struct Stored {
    credential: Option<Vec<u8>>,
    token_hash: Option<Vec<u8>>,
    code_issued_at: Option<i64>,
    code_reissues: i64,
}

async fn electors(admin: &Admin, election: &str) -> Result<BTreeMap<String, Stored>> {
    let rows = sqlx::query(
        "SELECT cnbf, credential, token_hash, code_issued_at, code_reissues FROM electors \
         WHERE election_id = $1 AND rights <> '[]'",
    )
    .bind(election)
    .fetch_all(admin.db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>("cnbf")?,
                Stored {
                    credential: r.try_get("credential")?,
                    token_hash: r.try_get("token_hash")?,
                    code_issued_at: r.try_get("code_issued_at")?,
                    code_reissues: r.try_get("code_reissues")?,
                },
            ))
        })
        .collect()
}

/// At most ten CNBF, for a refusal.
fn listed<'a>(cnbfs: impl Iterator<Item = &'a String>) -> String {
    let all: Vec<&String> = cnbfs.collect();
    let shown: Vec<&str> = all.iter().take(10).map(|s| s.as_str()).collect();
    if all.len() > shown.len() {
        format!(
            "{} (et {} autre(s))",
            shown.join(", "),
            all.len() - shown.len()
        )
    } else {
        shown.join(", ")
    }
}

/// Registers for `election` (round 2, not sealed) the credentials of round 1 `from` (décret art. 5
/// and 6; see the module documentation for the checks).
pub async fn carry_over(admin: &Admin, election: &str, from: &str) -> Result<CarriedOver> {
    admin
        .require(Permission::Prepare, Some(election), ACTION)
        .await?;
    let r = async {
        setup::ensure_unsealed(&admin.db, election).await?;
        if election == from {
            return Err(Error::Refused(format!(
                "« {from} » est l'élection elle-même : indiquez l'élection du premier tour"
            )));
        }
        let second = setup::definition(&admin.db, election).await?;
        let first = setup::definition(&admin.db, from)
            .await
            .map_err(|e| match e {
                Error::NotFound(_) => Error::Refused(format!(
                    "élection du premier tour « {from} » inconnue sur ce serveur"
                )),
                other => other,
            })?;
        if first.campaign_id != second.campaign_id {
            return Err(Error::Refused(format!(
                "campagne différente : « {from} » est de la campagne « {} », « {election} » de la \
                 campagne « {} » ; les codes ne valent que dans leur campagne (ils en dérivent). \
                 Le second tour reprend la campagne du premier (urne-tally next-round).",
                first.campaign_id, second.campaign_id
            )));
        }
        if first.barreau != second.barreau {
            return Err(Error::Refused(format!(
                "barreau différent : « {from} » est une élection du {}, « {election} » du {}",
                first.barreau, second.barreau
            )));
        }
        let pending = sqlx::query("SELECT 1 AS x FROM pending_rolls WHERE election_id = $1")
            .bind(election)
            .fetch_optional(admin.db.read())
            .await?;
        if pending.is_some() {
            return Err(Error::Refused(
                "une nouvelle liste électorale attend confirmation : confirmez-la ou abandonnez-la \
                 avant de reprendre les codes"
                    .into(),
            ));
        }
        let issued = super::definition::codes_issued_at(&admin.db, from)
            .await?
            .ok_or_else(|| {
                Error::Refused(format!(
                    "les codes du premier tour « {from} » n'ont pas été émis : rien à reprendre"
                ))
            })?;
        let before = super::definition::codes_issued_at(&admin.db, election).await?;
        let old = electors(admin, from).await?;
        let new = electors(admin, election).await?;
        if new.is_empty() {
            return Err(Error::Refused(format!(
                "aucun électeur avec un droit de vote dans « {election} » : chargez d'abord la \
                 liste électorale (la même qu'au premier tour)"
            )));
        }
        let missing: Vec<&String> = new.keys().filter(|c| !old.contains_key(*c)).collect();
        if !missing.is_empty() {
            return Err(Error::Refused(format!(
                "liste électorale différente : {} électeur(s) du second tour sans droit de vote \
                 au premier tour « {from} » (CNBF {}) ; le second tour se tient sur la liste du \
                 premier",
                missing.len(),
                listed(missing.into_iter())
            )));
        }
        let dropped: Vec<&String> = old.keys().filter(|c| !new.contains_key(*c)).collect();
        if !dropped.is_empty() {
            return Err(Error::Refused(format!(
                "liste électorale différente : {} électeur(s) du premier tour « {from} » absent(s) \
                 du second tour ou sans droit de vote (CNBF {}) ; le second tour se tient sur la \
                 liste du premier",
                dropped.len(),
                listed(dropped.into_iter())
            )));
        }
        let without: Vec<&String> = old
            .iter()
            .filter(|(_, s)| s.credential.is_none() || s.token_hash.is_none())
            .map(|(c, _)| c)
            .collect();
        if !without.is_empty() {
            return Err(Error::Refused(format!(
                "{} électeur(s) sans code au premier tour « {from} » (CNBF {})",
                without.len(),
                listed(without.into_iter())
            )));
        }
        let mut reissued = 0;
        let mut tx = admin.db.write().begin().await?;
        for (cnbf, s) in &old {
            // Counted by the reissue itself (`electors.code_reissues`), not guessed from the
            // times: a reissue can fall in the same second as the issuance.
            if s.code_reissues > 0 {
                reissued += 1;
            }
            sqlx::query(
                "UPDATE electors SET credential = $1, token_hash = $2, code_issued_at = $3, \
                 code_reissues = $4, failed_logins = 0, locked_until = NULL \
                 WHERE election_id = $5 AND cnbf = $6",
            )
            .bind(s.credential.as_deref())
            .bind(s.token_hash.as_deref())
            .bind(s.code_issued_at)
            .bind(s.code_reissues)
            .bind(election)
            .bind(cnbf)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE elections SET codes_issued_at = $1, genesis = NULL WHERE id = $2")
            .bind(i(issued))
            .bind(election)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let count = old.len();
        Ok(Done::new(
            CarriedOver {
                from: from.to_owned(),
                count,
                reissued,
                issued,
            },
            format!(
                "codes du premier tour « {from} » repris pour {count} électeur(s) (dont {reissued} \
                 code(s) réémis au premier tour) ; aucun nouveau code ni courrier ; les \
                 procurations du premier tour ne sont pas reprises"
            ),
        )
        .change(
            before.map(|t| format!("codes émis le {}", crate::frtime::date_time(t))),
            Some(format!(
                "codes du premier tour « {from} », émis le {}",
                crate::frtime::date_time(issued)
            )),
        ))
    }
    .await;
    admin.audited(Some(election), ACTION, r).await
}

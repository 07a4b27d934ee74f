//! The archive export and the publication of the count (plan D3 steps 2 and 6).
//!
//! - [`export_archive`] writes the ballot box as an archive file (`A.urne`, docs/protocol.md
//!   §Archive file): every event and the server's latest signed head; before the seal, the
//!   archive of the genesis alone (what `urne-tally sign-genesis` reads).
//! - [`publish`] takes the archive the bureau extended offline (`urne-tally result`: the
//!   `PartialDecryption` events and the `Result` event after the server's `EncryptedTally`) and
//!   the signed PV (`pv.json`), and:
//!   1. checks that the extended archive **extends the server's chain**: its first events are,
//!      byte for byte, the events the server holds, and what follows is only partial
//!      decryptions and the result;
//!   2. verifies it end to end with the core's [`urne::verify::verify`] with the PV (every ballot,
//!      the tally, the partial decryptions' proofs, the combination, the result recomputed by the
//!      counting rules, the PV's figures and the signatures of every member present);
//!   3. appends those events, then one `PvSignature` event per member who signed the PV, and signs
//!      the new head. The public archive is then complete: `urne-verify final.urne --pv pv.json`.

use std::io::{BufReader, Write};
use std::path::Path;

use sqlx::Row;
use urne::archive::{ArchiveReader, ArchiveWriter};
use urne::board::{Event, EventKind, Payload};
use urne::pv::Pv;

use super::{Admin, Done, Permission, sealing};
use crate::chain;
use crate::db::{Db, i, u};
use crate::error::{Error, Result};

/// Rows read per query when streaming the events.
const PAGE: i64 = 1000;

/// Writes the archive of `election` to `out`; returns the number of events.
pub async fn export_archive(db: &Db, election: &str, out: &mut impl Write) -> Result<u64> {
    let head = chain::latest_head(db, election).await?;
    let Some(head) = head else {
        let bytes = sealing::genesis_archive(db, election).await?;
        out.write_all(&bytes).map_err(Error::internal)?;
        return Ok(1);
    };
    let mut w = ArchiveWriter::new(out).map_err(Error::internal)?;
    let mut from = 0i64;
    let last = i(head.height);
    while from <= last {
        let rows = sqlx::query(
            "SELECT bytes FROM events WHERE election_id = $1 AND height >= $2 AND height <= $3 \
             ORDER BY height LIMIT $4",
        )
        .bind(election)
        .bind(from)
        .bind(last)
        .bind(PAGE)
        .fetch_all(db.read())
        .await?;
        if rows.is_empty() {
            return Err(Error::internal("événements manquants dans l'urne"));
        }
        for r in &rows {
            let bytes: Vec<u8> = r.try_get("bytes")?;
            w.write_event(&bytes).map_err(Error::internal)?;
        }
        from += rows.len() as i64;
    }
    w.finish(Some(&head)).map_err(Error::internal)?;
    Ok(head.height + 1)
}

/// The export, audited.
pub async fn export_archive_audited(
    admin: &Admin,
    election: &str,
    out: &mut impl Write,
) -> Result<u64> {
    admin
        .require(Permission::Prepare, Some(election), "archive.export")
        .await?;
    let r = async {
        let n = export_archive(&admin.db, election, out).await?;
        Ok(Done::new(n, format!("archive exportée ({n} événement(s))")))
    }
    .await;
    admin.audited(Some(election), "archive.export", r).await
}

/// What the publication appended.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Published {
    /// Partial decryptions appended.
    pub partial_decryptions: usize,
    /// Height of the `Result` event.
    pub result_height: u64,
    /// PV signatures appended.
    pub pv_signatures: usize,
    /// The new head height.
    pub head: u64,
}

async fn stored_event(db: &Db, election: &str, height: u64) -> Result<Vec<u8>> {
    let row = sqlx::query("SELECT bytes FROM events WHERE election_id = $1 AND height = $2")
        .bind(election)
        .bind(i(height))
        .fetch_one(db.read())
        .await?;
    Ok(row.try_get("bytes")?)
}

/// Publishes the count: see the module documentation.
pub async fn publish(admin: &Admin, election: &str, archive: &Path, pv: &Pv) -> Result<Published> {
    admin
        .require(Permission::Approve, Some(election), "resultat.publication")
        .await?;
    let r = async {
        let name = archive.display().to_string();
        let row = sqlx::query(
            "SELECT head_height, tallied_at FROM elections WHERE id = $1",
        )
        .bind(election)
        .fetch_optional(admin.db.read())
        .await?
        .ok_or_else(|| Error::NotFound(format!("élection « {election} » inconnue")))?;
        let ours = row
            .try_get::<Option<i64>, _>("head_height")?
            .map(u)
            .ok_or_else(|| Error::Refused(format!("l'élection « {election} » n'est pas scellée")))?;
        if row.try_get::<Option<i64>, _>("tallied_at")?.is_none() {
            return Err(Error::Refused(
                "le vote n'est pas clos et dépouillé : rien à publier".into(),
            ));
        }
        let has_result = sqlx::query(
            "SELECT 1 AS x FROM events WHERE election_id = $1 AND kind = $2",
        )
        .bind(election)
        .bind(i64::from(EventKind::Result.code()))
        .fetch_optional(admin.db.read())
        .await?;
        if has_result.is_some() {
            return Err(Error::Refused("le résultat est déjà publié".into()));
        }
        // 1. The extended archive extends the server's chain.
        let f = std::fs::File::open(archive)
            .map_err(|e| Error::Refused(format!("{name} : ouverture impossible : {e}")))?;
        let reader = ArchiveReader::new(BufReader::new(f))
            .map_err(|e| Error::Refused(format!("{name} : {e}")))?;
        let mut extras: Vec<Vec<u8>> = Vec::new();
        let mut height = 0u64;
        for ev in reader {
            let ev = ev.map_err(|e| Error::Refused(format!("{name} : {e}")))?;
            if height <= ours {
                let mine = stored_event(&admin.db, election, height).await?;
                if mine != ev.bytes {
                    return Err(Error::Refused(format!(
                        "{name} : l'archive complétée ne prolonge pas l'urne du serveur : \
                         l'événement de hauteur {height} diffère"
                    )));
                }
            } else {
                let e = Event::decode(&ev.bytes)
                    .map_err(|e| Error::Refused(format!("{name} : hauteur {height} : {e}")))?;
                match e.payload.kind() {
                    EventKind::PartialDecryption | EventKind::Result => extras.push(ev.bytes),
                    other => {
                        return Err(Error::Refused(format!(
                            "{name} : hauteur {height} : événement {other:?} inattendu (seuls \
                             les déchiffrements partiels et le résultat sont ajoutés par le \
                             bureau)"
                        )));
                    }
                }
            }
            height += 1;
        }
        if height <= ours {
            return Err(Error::Refused(format!(
                "{name} : l'archive s'arrête à la hauteur {} alors que l'urne du serveur va \
                 jusqu'à {ours}",
                height.saturating_sub(1)
            )));
        }
        let results = extras
            .iter()
            .filter(|b| matches!(Event::decode(b).map(|e| e.payload.kind()), Ok(EventKind::Result)))
            .count();
        if results != 1 {
            return Err(Error::Refused(format!(
                "{name} : l'archive ne contient pas le résultat du dépouillement (urne-tally result)"
            )));
        }
        // 2. End-to-end verification with the PV.
        let path = archive.to_owned();
        let options = urne::verify::Options {
            pv: Some(pv.clone()),
            ..urne::verify::Options::default()
        };
        let report = tokio::task::spawn_blocking(move || {
            let f = std::fs::File::open(&path).map_err(|e| e.to_string())?;
            Ok::<_, String>(urne::verify::verify(BufReader::new(f), &options, &mut |_| {}))
        })
        .await
        .map_err(Error::internal)?
        .map_err(|e| Error::Refused(format!("{name} : {e}")))?;
        if !report.report.is_valid() {
            let why = report
                .report
                .failure
                .as_ref()
                .map(|f| f.message.fr.clone())
                .or_else(|| report.report.error.as_ref().map(|t| t.fr.clone()))
                .unwrap_or_default();
            return Err(Error::Refused(format!(
                "{name} : la vérification de l'archive complétée et du procès-verbal échoue : {why}"
            )));
        }
        let signatures = pv
            .board_signatures()
            .map_err(|e| Error::Refused(format!("procès-verbal : {e}")))?;
        // 3. Append.
        let mut tx = admin.db.write().begin().await?;
        let mut head = chain::lock_head(&mut tx, &admin.db, election).await?;
        if head.chain.height() != ours {
            return Err(Error::Refused(
                "l'urne a changé pendant la publication : recommencez".into(),
            ));
        }
        let mut partials = 0;
        let mut result_height = 0;
        for bytes in &extras {
            let e = Event::decode(bytes).map_err(Error::internal)?;
            let kind = e.payload.kind();
            let stored = chain::append(&mut tx, election, &mut head.chain, e.payload).await?;
            if stored.bytes != *bytes {
                return Err(Error::Refused(format!(
                    "{name} : hauteur {} : l'événement ne se raccorde pas à l'urne",
                    stored.height
                )));
            }
            match kind {
                EventKind::Result => result_height = stored.height,
                _ => partials += 1,
            }
        }
        for s in &signatures {
            chain::append(&mut tx, election, &mut head.chain, Payload::PvSignature(*s)).await?;
        }
        chain::set_head(&mut tx, election, &head.chain, &admin.keys.server).await?;
        tx.commit().await?;
        let p = Published {
            partial_decryptions: partials,
            result_height,
            pv_signatures: signatures.len(),
            head: head.chain.height(),
        };
        Ok(Done::new(
            p.clone(),
            format!(
                "résultat publié : {partials} déchiffrement(s) partiel(s), résultat à la hauteur \
                 {result_height}, {} signature(s) du procès-verbal ; tête {}",
                p.pv_signatures, p.head
            ),
        ))
    }
    .await;
    admin
        .audited(Some(election), "resultat.publication", r)
        .await
}

//! The liste électorale (issue 5 §3): a CSV file (`docs/roll-csv.md`) read by the core's
//! [`import_roll`] — UTF-8 or Windows-1252, `;` or `,`, all-or-nothing, every error by line and
//! column, duplicates refused — then checked with the election ([`Election::validate`]), and
//! summarised ([`summarize_for_election`]: right to vote, conseil size, CNB ordinal voices).
//!
//! The first import is applied at once. A **re-import** is compared with the roll in force
//! ([`diff`]) and kept as pending until the staff confirm it ([`confirm`]): nothing changes before
//! they have seen the differences. The roll can no longer be replaced once the codes are issued
//! (each code is bound to the elector's rights), nor after the seal.
//!
//! [`Election::validate`]: urne::model::Election::validate

use sqlx::Row;
use urne::model::{RollFile, diff, import_roll, summarize_for_election};

use super::{Admin, Done, Permission, definition};
use crate::chain::now;
use crate::db::i;
use crate::error::{Error, Result};
use crate::setup;

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Imported {
    /// The file's name.
    pub file_name: String,
    /// How it was read (« encodage UTF-8, séparateur point-virgule (;) »).
    pub format: String,
    /// Electors read.
    pub electors: usize,
    /// The summary: counts, conseil size, ordinal voices (French text).
    pub summary: String,
    /// For a re-import: the differences with the roll in force (French text).
    pub differences: Option<String>,
    /// Applied (`true`), or pending confirmation (a re-import).
    pub applied: bool,
    /// Electors with a right in this election (once applied).
    pub with_rights: Option<usize>,
}

async fn refuse_if_codes(admin: &Admin, election: &str) -> Result<()> {
    setup::ensure_unsealed(&admin.db, election).await?;
    if definition::codes_issued_at(&admin.db, election)
        .await?
        .is_some()
    {
        return Err(Error::Refused(
            "les codes ont déjà été émis : la liste électorale ne peut plus être remplacée".into(),
        ));
    }
    Ok(())
}

/// Reads and checks the CSV `bytes` (file `file_name`) as the liste électorale of `election`.
/// With no roll loaded yet it is applied; otherwise it waits for [`confirm`] unless `apply` is
/// set (the command line's `--yes`, after printing the differences).
pub async fn import(
    admin: &Admin,
    election: &str,
    file_name: &str,
    bytes: &[u8],
    apply: bool,
) -> Result<Imported> {
    admin
        .require(Permission::Prepare, Some(election), "liste.import")
        .await?;
    let r = async {
        refuse_if_codes(admin, election).await?;
        let def = setup::definition(&admin.db, election).await?;
        let barreau = def.barreau.clone();
        let data = bytes.to_vec();
        // Parsing 35 000 lines is CPU work: off the async threads.
        let read = tokio::task::spawn_blocking(move || import_roll(&data, &barreau))
            .await
            .map_err(Error::internal)?;
        let import = read.map_err(|errors| Error::Refused(format!("{file_name} : {errors}")))?;
        def.validate(&import.roll).map_err(|e| {
            Error::Refused(format!(
                "{file_name} : la liste est lisible, mais l'élection ne serait plus conforme au \
                 décret avec elle :\n{e}"
            ))
        })?;
        let summary = summarize_for_election(&import.roll, &def).render(false);
        let old = definition::roll_if_loaded(&admin.db, election).await?;
        let differences = old.as_ref().map(|o| diff(o, &import.roll).to_string());
        let electors = import.roll.electors().len();
        let format = import.format.to_string();
        if old.is_none() || apply {
            let loaded = setup::load_roll(&admin.db, election, &import.roll).await?;
            sqlx::query("DELETE FROM pending_rolls WHERE election_id = $1")
                .bind(election)
                .execute(admin.db.write())
                .await?;
            let summary_line = format!(
                "liste électorale « {file_name} » chargée : {electors} avocat(s), {} avec un droit \
                 de vote ({format})",
                loaded.with_rights
            );
            return Ok(Done::new(
                Imported {
                    file_name: file_name.to_owned(),
                    format,
                    electors,
                    summary: summary.clone(),
                    differences: differences.clone(),
                    applied: true,
                    with_rights: Some(loaded.with_rights),
                },
                summary_line,
            )
            .change(
                old.as_ref()
                    .map(|o| format!("{} avocat(s)", o.electors().len())),
                Some(differences.unwrap_or(summary)),
            ));
        }
        let file = RollFile {
            barreau: import.roll.barreau().to_owned(),
            electors: import.roll.electors().to_vec(),
        };
        let json = serde_json::to_string(&file).map_err(Error::internal)?;
        let report = differences.clone().unwrap_or_default();
        let mut tx = admin.db.write().begin().await?;
        sqlx::query("DELETE FROM pending_rolls WHERE election_id = $1")
            .bind(election)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO pending_rolls (election_id, roll, file_name, report, uploaded_by, \
             uploaded_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(election)
        .bind(json)
        .bind(file_name)
        .bind(&report)
        .bind(admin.actor.describe())
        .bind(i(now()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Done::new(
            Imported {
                file_name: file_name.to_owned(),
                format,
                electors,
                summary,
                differences,
                applied: false,
                with_rights: None,
            },
            format!(
                "nouvelle liste électorale « {file_name} » lue ({electors} avocat(s)) : en \
                 attente de confirmation"
            ),
        )
        .change(None, Some(report)))
    }
    .await;
    admin.audited(Some(election), "liste.import", r).await
}

/// The re-import waiting for confirmation: file name, differences, who and when.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Pending {
    /// File name.
    pub file_name: String,
    /// The differences (French).
    pub report: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When (unix seconds).
    pub uploaded_at: u64,
}

/// The pending re-import of `election`, if any.
pub async fn pending(admin: &Admin, election: &str) -> Result<Option<Pending>> {
    let row = sqlx::query(
        "SELECT file_name, report, uploaded_by, uploaded_at FROM pending_rolls \
         WHERE election_id = $1",
    )
    .bind(election)
    .fetch_optional(admin.db.read())
    .await?;
    row.map(|r| {
        Ok(Pending {
            file_name: r.try_get("file_name")?,
            report: r.try_get("report")?,
            uploaded_by: r.try_get("uploaded_by")?,
            uploaded_at: crate::db::u(r.try_get("uploaded_at")?),
        })
    })
    .transpose()
}

/// Applies the pending re-import.
pub async fn confirm(admin: &Admin, election: &str) -> Result<Imported> {
    admin
        .require(Permission::Prepare, Some(election), "liste.confirmation")
        .await?;
    let r = async {
        refuse_if_codes(admin, election).await?;
        let row = sqlx::query(
            "SELECT roll, file_name, report FROM pending_rolls WHERE election_id = $1",
        )
        .bind(election)
        .fetch_optional(admin.db.read())
        .await?
        .ok_or_else(|| {
            Error::Refused("aucune liste électorale n'attend de confirmation".into())
        })?;
        let file: RollFile = serde_json::from_str(&row.try_get::<String, _>("roll")?)
            .map_err(Error::internal)?;
        let file_name: String = row.try_get("file_name")?;
        let report: String = row.try_get("report")?;
        let roll = file.into_roll().map_err(Error::internal)?;
        let def = setup::definition(&admin.db, election).await?;
        let before = definition::roll_if_loaded(&admin.db, election)
            .await?
            .map(|o| format!("{} avocat(s)", o.electors().len()));
        let loaded = setup::load_roll(&admin.db, election, &roll).await?;
        sqlx::query("DELETE FROM pending_rolls WHERE election_id = $1")
            .bind(election)
            .execute(admin.db.write())
            .await?;
        let summary = summarize_for_election(&roll, &def).render(false);
        Ok(Done::new(
            Imported {
                file_name: file_name.clone(),
                format: String::new(),
                electors: roll.electors().len(),
                summary,
                differences: Some(report.clone()),
                applied: true,
                with_rights: Some(loaded.with_rights),
            },
            format!(
                "liste électorale « {file_name} » confirmée : {} avocat(s), {} avec un droit de vote",
                roll.electors().len(),
                loaded.with_rights
            ),
        )
        .change(before, Some(report)))
    }
    .await;
    admin.audited(Some(election), "liste.confirmation", r).await
}

/// Drops the pending re-import.
pub async fn abandon(admin: &Admin, election: &str) -> Result<()> {
    admin
        .require(Permission::Prepare, Some(election), "liste.abandon")
        .await?;
    let r = async {
        let done = sqlx::query("DELETE FROM pending_rolls WHERE election_id = $1")
            .bind(election)
            .execute(admin.db.write())
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::Refused(
                "aucune liste électorale n'attend de confirmation".into(),
            ));
        }
        Ok(Done::new((), "import de la liste électorale abandonné"))
    }
    .await;
    admin.audited(Some(election), "liste.abandon", r).await
}

/// The summary of the roll in force (with each elector's rights when `detail`).
pub async fn summary(admin: &Admin, election: &str, detail: bool) -> Result<String> {
    let def = setup::definition(&admin.db, election).await?;
    let roll = setup::roll(&admin.db, election).await?;
    Ok(summarize_for_election(&roll, &def).render(detail))
}

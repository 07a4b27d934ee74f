//! `urne-tally paper`: the bureau records the paper counts of a polling station, signed, for
//! `urne-tally result --paper` (docs/bureau-guide.md, « Le vote papier »; `urne::pv::paper`).
//!
//! - `paper new --genesis A --station NOM --counts F --key K --out papier.json`: reads the counts
//!   the bureau made at the station (TOML or JSON, below), checks them against the election
//!   (every contest and candidacy, figures consistent) and signs the record;
//! - `paper sign --record papier.json --genesis A --key K`: another member countersigns.
//!
//! Counts file:
//!
//! ```toml
//! [[contests]]
//! contest = "batonnier"
//! votants = 40
//! procurations = 2       # optional
//! blancs = 1
//! nuls = 2
//! votes = { T1 = 20, T2 = 17 }
//! ```

use crate::error::{TallyResult, cannot, refused};
use crate::io::{open_key, print_json, read_text, write_atomic};
use crate::sign_genesis::read_genesis;
use clap::{Args, Subcommand};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use urne::ceremony::check_genesis;
use urne::pv::paper::{PAPER_FORMAT, PaperContest, PaperRecord};

/// Arguments of `urne-tally paper`.
#[derive(Debug, Args)]
pub struct PaperArgs {
    #[command(subcommand)]
    pub command: PaperCommand,
}

/// The two steps.
#[derive(Debug, Subcommand)]
pub enum PaperCommand {
    /// Enregistrer et signer les comptes d'un bureau de vote papier.
    New(NewArgs),
    /// Contresigner un procès-verbal papier déjà enregistré.
    Sign(SignArgs),
}

/// `paper new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// L'acte de naissance de l'élection (ou son archive).
    #[arg(long)]
    pub genesis: PathBuf,
    /// Le nom du bureau de vote (« Palais de justice, salle des pas perdus »).
    #[arg(long)]
    pub station: String,
    /// Le fichier des comptes du bureau de vote (TOML ou JSON).
    #[arg(long)]
    pub counts: PathBuf,
    /// Votre fichier de clé (membre du bureau).
    #[arg(long)]
    pub key: PathBuf,
    /// Le procès-verbal papier signé à écrire.
    #[arg(long, default_value = "papier.json")]
    pub out: PathBuf,
    /// Écrire la réponse en JSON.
    #[arg(long)]
    pub json: bool,
}

/// `paper sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Le procès-verbal papier à contresigner (modifié sur place).
    #[arg(long)]
    pub record: PathBuf,
    /// L'acte de naissance de l'élection (ou son archive).
    #[arg(long)]
    pub genesis: PathBuf,
    /// Votre fichier de clé.
    #[arg(long)]
    pub key: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountsInput {
    contests: Vec<PaperContest>,
}

fn read_counts(path: &Path) -> TallyResult<Vec<PaperContest>> {
    let text = read_text(path)?;
    let toml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let c: CountsInput = if toml {
        toml::from_str(&text).map_err(|e| cannot(format!("{} : {e}", path.display())))?
    } else {
        serde_json::from_str(&text).map_err(|e| cannot(format!("{} : {e}", path.display())))?
    };
    Ok(c.contests)
}

/// Runs `paper`.
pub fn run(a: &PaperArgs) -> TallyResult<()> {
    match &a.command {
        PaperCommand::New(n) => {
            let (genesis, fp) = read_genesis(&n.genesis)?;
            let (election, _) = check_genesis(&genesis).map_err(|e| refused(e.to_string()))?;
            let mut record = PaperRecord {
                format: PAPER_FORMAT.into(),
                fingerprint: fp,
                station: n.station.trim().to_owned(),
                contests: read_counts(&n.counts)?,
                signatures: vec![],
            };
            record
                .check_counts(&election)
                .map_err(|e| cannot(format!("{} : {e}", n.counts.display())))?;
            let (_, key, _) = open_key(&n.key)?;
            let member = (0..genesis.bureau.len() as u32)
                .find(|&m| genesis.bureau.member(m) == Some(key.public_key()))
                .ok_or_else(|| refused("votre clé n'est celle d'aucun membre du bureau"))?;
            record.sign(member, key.signing_key());
            record
                .verify(&fp, &genesis.bureau, &election)
                .map_err(|e| refused(e.to_string()))?;
            write_atomic(&n.out, record.to_json().as_bytes())?;
            if n.json {
                return print_json(&serde_json::json!({
                    "record": n.out.display().to_string(),
                    "hash": record.hash(),
                }));
            }
            println!(
                "Procès-verbal papier du bureau « {} » enregistré et signé : {}",
                record.station,
                n.out.display()
            );
            Ok(())
        }
        PaperCommand::Sign(sa) => {
            let (genesis, fp) = read_genesis(&sa.genesis)?;
            let (election, _) = check_genesis(&genesis).map_err(|e| refused(e.to_string()))?;
            let mut record = PaperRecord::from_json(&read_text(&sa.record)?)
                .map_err(|e| cannot(format!("{} : {e}", sa.record.display())))?;
            record
                .verify(&fp, &genesis.bureau, &election)
                .map_err(|e| refused(format!("{} : {e}", sa.record.display())))?;
            let (_, key, _) = open_key(&sa.key)?;
            let member = (0..genesis.bureau.len() as u32)
                .find(|&m| genesis.bureau.member(m) == Some(key.public_key()))
                .ok_or_else(|| refused("votre clé n'est celle d'aucun membre du bureau"))?;
            record.sign(member, key.signing_key());
            write_atomic(&sa.record, record.to_json().as_bytes())?;
            println!(
                "Procès-verbal papier « {} » contresigné ({} signature(s)).",
                record.station,
                record.signatures.len()
            );
            Ok(())
        }
    }
}

//! `urne-tally sign --pv PV --key K`: a bureau member signs the procès-verbal (décret art. 28:
//! « signés par le bâtonnier et les scrutateurs »; plan D3 step 5).
//!
//! The signature is ed25519 over `tagged_hash("URNE-V1-pv", [fingerprint, pv_hash])` (the
//! `board::PvSignature` message), `pv_hash` being the hash of the PV's canonical JSON without its
//! signatures: every member signs the same document, whatever the order of the signatures. The
//! command shows the PV's essentials first, then adds the signature to `pv.json` in place.

use crate::error::{TallyResult, cannot, refused};
use crate::io::{open_key, print_json, read_text, write_atomic};
use clap::Args;
use std::path::PathBuf;
use urne::pv::Pv;
use urne::pv::render::grouped;

/// Arguments of `urne-tally sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Le procès-verbal (pv.json) à signer.
    #[arg(long)]
    pub pv: PathBuf,
    /// Votre fichier de clé.
    #[arg(long)]
    pub key: PathBuf,
    /// Écrire la réponse en JSON (pour un programme).
    #[arg(long)]
    pub json: bool,
}

/// Reads a PV file; errors name the file.
pub fn read_pv(path: &std::path::Path) -> TallyResult<Pv> {
    Pv::from_json(&read_text(path)?).map_err(|e| cannot(format!("{} : {e}", path.display())))
}

/// Runs `sign`.
pub fn run(a: &SignArgs) -> TallyResult<()> {
    let mut pv = read_pv(&a.pv)?;
    let (_, key, _) = open_key(&a.key)?;
    let member = pv
        .sign(key.signing_key())
        .map_err(|e| refused(format!("{} : {e}", a.pv.display())))?;
    if !pv.bureau.present.contains(&member) {
        return Err(refused(format!(
            "{} n'est pas déclaré présent au dépouillement : le procès-verbal ne prévoit pas sa signature",
            pv.member_name(member)
        )));
    }
    write_atomic(&a.pv, pv.to_json().as_bytes())?;
    let status = pv.signature_status().map_err(|e| cannot(e.to_string()))?;
    if a.json {
        return print_json(&serde_json::json!({
            "member": member,
            "complete": status.complete,
            "missing": status.missing,
        }));
    }
    println!(
        "Procès-verbal signé par {} (empreinte {}).",
        pv.member_name(member),
        grouped(&pv.hash().map_err(|e| cannot(e.to_string()))?)
    );
    if status.complete {
        println!("Le procès-verbal est complet : tous les membres présents l'ont signé.");
    } else {
        let names: Vec<String> = status.missing.iter().map(|&m| pv.member_name(m)).collect();
        println!("Signatures attendues : {}", names.join(", "));
    }
    Ok(())
}

//! `urne-tally show --pv PV`: who has signed the procès-verbal and who is missing. The PV is
//! complete when the bâtonnier and every scrutateur present at the count have signed and no
//! signature is refused. Exit code 0 when complete, 1 otherwise (a missing or invalid signature).

use crate::error::{TallyResult, cannot, refused};
use crate::io::print_json;
use crate::sign::read_pv;
use clap::Args;
use std::path::PathBuf;
use urne::pv::render::{grouped, text};

/// Arguments of `urne-tally show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Le procès-verbal (pv.json).
    #[arg(long)]
    pub pv: PathBuf,
    /// Afficher aussi le texte complet du procès-verbal.
    #[arg(long)]
    pub text: bool,
    /// Écrire l'état des signatures en JSON (pour un programme).
    #[arg(long)]
    pub json: bool,
}

/// Runs `show`.
pub fn run(a: &ShowArgs) -> TallyResult<()> {
    let pv = read_pv(&a.pv)?;
    let status = pv.signature_status().map_err(|e| cannot(e.to_string()))?;
    let hash = pv.hash().map_err(|e| cannot(e.to_string()))?;
    if a.json {
        print_json(&serde_json::json!({
            "pv_hash": hash,
            "fingerprint": pv.fingerprint,
            "signed": status.signed,
            "missing": status.missing,
            "invalid": status.invalid.iter().map(|(m, why)| serde_json::json!({"member": m, "reason": why})).collect::<Vec<_>>(),
            "complete": status.complete,
        }))?;
    } else {
        if a.text {
            println!("{}", text(&pv));
        }
        println!(
            "Procès-verbal : {} — {}",
            pv.result.barreau, pv.result.election_id
        );
        println!("Empreinte de l'élection : {}", grouped(&pv.fingerprint));
        println!("Empreinte du procès-verbal : {}", grouped(&hash));
        for m in &pv.bureau.present {
            let state = if status.signed.contains(m) {
                "a signé".to_owned()
            } else if let Some((_, why)) = status.invalid.iter().find(|(x, _)| x == m) {
                format!("SIGNATURE REFUSÉE : {why}")
            } else {
                "n'a pas encore signé".to_owned()
            };
            println!("  {} : {state}", pv.member_name(*m));
        }
        for (m, why) in status
            .invalid
            .iter()
            .filter(|(m, _)| !pv.bureau.present.contains(m))
        {
            println!("  membre {m} : SIGNATURE REFUSÉE : {why}");
        }
        println!(
            "{}",
            if status.complete {
                "Le procès-verbal est complet."
            } else {
                "Le procès-verbal n'est pas complet."
            }
        );
    }
    if status.complete {
        Ok(())
    } else if !status.invalid.is_empty() {
        Err(refused("une signature du procès-verbal est refusée"))
    } else {
        Err(refused(format!(
            "signatures manquantes : {}",
            status
                .missing
                .iter()
                .map(|&m| pv.member_name(m))
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }
}

//! `urne-tally next-round`: the definition of the second round from the signed procès-verbal of
//! the first (docs/bureau-guide.md, « Le second tour »; `urne::rules::next_round`).
//!
//! - bâtonnier (décret art. 6): « seuls peuvent se présenter au deuxième tour les deux candidats
//!   qui ont obtenu le plus grand nombre de ces suffrages » — the two finalists of round 1;
//! - conseil de l'ordre (art. 5): the seats round 1 left, with the candidacies not elected.
//!
//! Contests decided in round 1 (and the one-round CNB contests) are not carried over. The new
//! definition keeps the barreau, the campaign (the electors' codes stay valid) and the bureau; it
//! gets its own election id and dates, and a new key ceremony (the ceremony id covers the election
//! id). The PV must be complete (signed by every member present).

use crate::error::{TallyResult, cannot, refused};
use crate::io::{print_json, write_atomic};
use crate::sign::read_pv;
use crate::sign_genesis::read_genesis;
use clap::Args;
use std::path::PathBuf;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use urne::ceremony::check_genesis;
use urne::model::{Contest, ContestKind, Round};
use urne::rules::counts_file::ContestResult;
use urne::rules::next_round::{batonnier_second_round, conseil_second_round};

/// Arguments of `urne-tally next-round`.
#[derive(Debug, Args)]
pub struct NextRoundArgs {
    /// Le procès-verbal signé du premier tour (pv.json).
    #[arg(long)]
    pub pv: PathBuf,
    /// L'archive du premier tour (pour sa définition).
    #[arg(long)]
    pub archive: PathBuf,
    /// L'identifiant de l'élection du second tour.
    #[arg(long)]
    pub election_id: String,
    /// L'ouverture du second tour (AAAA-MM-JJTHH:MM:SSZ, en UTC).
    #[arg(long)]
    pub opening: String,
    /// La clôture du second tour (AAAA-MM-JJTHH:MM:SSZ, en UTC).
    #[arg(long)]
    pub closing: String,
    /// La définition du second tour à écrire (JSON), à remettre à l'ordre.
    #[arg(long, default_value = "second-tour.json")]
    pub out: PathBuf,
    /// Écrire la réponse en JSON.
    #[arg(long)]
    pub json: bool,
}

fn instant(s: &str, what: &str) -> TallyResult<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).map_err(|e| {
        cannot(format!(
            "{what} : date « {s} » invalide (AAAA-MM-JJTHH:MM:SSZ) : {e}"
        ))
    })
}

/// Runs `next-round`.
pub fn run(a: &NextRoundArgs) -> TallyResult<()> {
    let pv = read_pv(&a.pv)?;
    let status = pv.signature_status().map_err(|e| cannot(e.to_string()))?;
    if !status.complete {
        return Err(refused(format!(
            "{} : procès-verbal incomplet (signatures manquantes ou refusées) : le second tour se déduit d'un procès-verbal signé",
            a.pv.display()
        )));
    }
    let (genesis, fp) = read_genesis(&a.archive)?;
    if fp != pv.fingerprint {
        return Err(refused(format!(
            "{} n'est pas l'archive de l'élection de ce procès-verbal",
            a.archive.display()
        )));
    }
    let (first, _) = check_genesis(&genesis).map_err(|e| refused(e.to_string()))?;
    let mut contests = Vec::new();
    for (c, def) in pv.result.contests.iter().zip(&first.contests) {
        let pick = |ids: &[String]| {
            def.candidacies
                .iter()
                .filter(|k| ids.iter().any(|i| i == k.id()))
                .cloned()
                .collect::<Vec<_>>()
        };
        match (&c.result, &c.counts.batonnier, &c.counts.conseil, def.kind) {
            (ContestResult::Batonnier(r), Some(counts), _, ContestKind::Batonnier { .. }) => {
                if let Some(s) = batonnier_second_round(counts, r)
                    .map_err(|e| refused(format!("{} : {e}", c.id)))?
                {
                    let ids: Vec<String> = s.candidacies.iter().map(|k| k.id.clone()).collect();
                    contests.push(Contest {
                        id: def.id.clone(),
                        kind: ContestKind::Batonnier {
                            round: Round::Second,
                        },
                        candidacies: pick(&ids),
                    });
                }
            }
            (ContestResult::Conseil(r), _, Some(counts), ContestKind::ConseilDeLOrdre { .. }) => {
                if let Some(s) = conseil_second_round(counts, r)
                    .map_err(|e| refused(format!("{} : {e}", c.id)))?
                {
                    let ids: Vec<String> = s.candidacies.iter().map(|k| k.id.clone()).collect();
                    contests.push(Contest {
                        id: def.id.clone(),
                        kind: ContestKind::ConseilDeLOrdre {
                            round: Round::Second,
                            seats: s.seats,
                        },
                        candidacies: pick(&ids),
                    });
                }
            }
            _ => {}
        }
    }
    if contests.is_empty() {
        return Err(refused(
            "aucun second tour : le premier tour a pourvu tous les sièges",
        ));
    }
    let mut second = first.clone();
    second.election_id = a.election_id.trim().to_owned();
    second.opening = instant(&a.opening, "--opening")?;
    second.closing = instant(&a.closing, "--closing")?;
    if second.closing <= second.opening {
        return Err(cannot("--closing : la clôture doit suivre l'ouverture"));
    }
    if second.election_id.is_empty() || second.election_id == first.election_id {
        return Err(cannot(
            "--election-id : un identifiant nouveau est requis pour le second tour",
        ));
    }
    second.contests = contests;
    let json = second.to_json().map_err(cannot)?;
    write_atomic(&a.out, format!("{json}\n").as_bytes())?;
    if a.json {
        return print_json(&serde_json::json!({
            "definition": a.out.display().to_string(),
            "contests": second.contests.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        }));
    }
    println!("Définition du second tour écrite : {}", a.out.display());
    for c in &second.contests {
        let ids: Vec<&str> = c.candidacies.iter().map(|k| k.id()).collect();
        println!(
            "  {} — {} siège(s) : {}",
            c.kind.label(),
            c.kind.seats(),
            ids.join(", ")
        );
    }
    println!("Une nouvelle cérémonie des clés est nécessaire pour ce tour (urne-tally keygen).");
    Ok(())
}

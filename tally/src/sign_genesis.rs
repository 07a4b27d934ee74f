//! `urne-tally sign-genesis`: the bâtonnier checks the election the ordre prepared and seals it
//! (docs/bureau-guide.md, « Sceller l'élection »; docs/protocol.md §Seal).
//!
//! Input: the genesis as the server exports it — an archive file (`.urne`) whose first event is
//! the genesis (`urne-server admin export-archive` before sealing gives exactly that; a later
//! archive works too: only its first event is read). The command checks the genesis (strict
//! decoding, definition, bureau, key ceremony and election key, `ceremony::check_genesis`), checks
//! that the key file is the bâtonnier's of this bureau and that the bâtonnier's key of the ceremony
//! is in the election key, shows what is being sealed, asks for confirmation, and writes the seal
//! file `{"format":"urne-sceau-1","fingerprint","signature"}` — the signature of
//! `tagged_hash("URNE-V1-seal", [fingerprint])` (`board::Seal`), which the server appends as the
//! event at height 1.
//!
//! With `--server URL --election ID` instead of `--genesis`, the genesis is fetched from the
//! voting server (`GET /elections/{id}/archive`) and the seal, once written, is posted to it
//! (`POST /elections/{id}/seal`, docs/api-ceremony.md §5): nothing to carry. The server is not
//! trusted for what is sealed: the same checks run, and `--fingerprint` (the fingerprint the
//! ordre announced, on the « Scellement » page) should be given.

use crate::error::{TallyResult, cannot, refused};
use crate::io::{open_key, print_json, write_atomic};
use crate::relay::Server;
use clap::{ArgGroup, Args};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;
use urne::archive::ArchiveReader;
use urne::board::{Event, Genesis, Payload, Seal, SignatureBytes, event_hash};
use urne::ceremony::check_genesis;
use urne::encoding::Hash32;
use urne::keystore::DkgSecret;
use urne::pv::render::{french_time, grouped};
use urne::rules::common::fr;

/// `format` of a seal file.
pub const SEAL_FORMAT: &str = "urne-sceau-1";

/// The seal file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealFile {
    /// [`SEAL_FORMAT`].
    pub format: String,
    /// The election fingerprint sealed.
    pub fingerprint: Hash32,
    /// The bâtonnier's signature (`board::Seal`).
    pub signature: SignatureBytes,
}

/// Arguments of `urne-tally sign-genesis`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("acte").required(true).args(["genesis", "server"])))]
pub struct SignGenesisArgs {
    /// L'acte de naissance de l'élection exporté par l'ordre (fichier « .urne » dont le premier
    /// événement est la genèse).
    #[arg(long)]
    pub genesis: Option<PathBuf>,
    /// Ou bien : l'adresse du serveur de vote (https://…), qui fournit l'acte et reçoit le
    /// sceau (avec --election).
    #[arg(long, requires = "election")]
    pub server: Option<String>,
    /// L'élection à sceller sur ce serveur (avec --server).
    #[arg(long, requires = "server")]
    pub election: Option<String>,
    /// Votre fichier de clé de bâtonnier.
    #[arg(long)]
    pub key: PathBuf,
    /// L'empreinte annoncée par l'ordre (64 caractères hexadécimaux) : si elle est donnée, elle
    /// doit être celle de l'acte.
    #[arg(long)]
    pub fingerprint: Option<String>,
    /// Le fichier du sceau à écrire (à remettre à l'ordre).
    #[arg(long, default_value = "sceau.json")]
    pub out: PathBuf,
    /// Ne pas demander de confirmation (l'acte a été vérifié autrement).
    #[arg(long)]
    pub yes: bool,
    /// Écrire le résumé et le sceau en JSON (pour un programme).
    #[arg(long)]
    pub json: bool,
}

/// Reads the genesis (first event) of an archive file: its payload and the fingerprint.
pub fn read_genesis(path: &std::path::Path) -> TallyResult<(Genesis, Hash32)> {
    let f = std::fs::File::open(path)
        .map_err(|e| cannot(format!("{} : ouverture impossible : {e}", path.display())))?;
    genesis_of(BufReader::new(f), &path.display().to_string())
}

/// The genesis (first event) of the archive read from `r`; `what` names it in errors.
fn genesis_of(r: impl BufRead, what: &str) -> TallyResult<(Genesis, Hash32)> {
    let mut r = ArchiveReader::new(r).map_err(|e| refused(format!("{what} : {e}")))?;
    let first = r
        .next()
        .ok_or_else(|| refused(format!("{what} : archive vide")))?
        .map_err(|e| refused(format!("{what} : {e}")))?;
    let event = Event::decode(&first.bytes)
        .map_err(|e| refused(format!("{what} : genèse illisible : {e}")))?;
    match event.payload {
        Payload::Genesis(g) if event.height == 0 => Ok((*g, event_hash(&first.bytes))),
        _ => Err(refused(format!(
            "{what} : le premier événement n'est pas une genèse"
        ))),
    }
}

/// Runs `sign-genesis`.
pub fn run(a: &SignGenesisArgs) -> TallyResult<()> {
    let server = match (&a.server, &a.election) {
        (Some(url), Some(id)) => Some((Server::new(url)?, id.as_str())),
        _ => None,
    };
    let (genesis, fp, what) = match (&a.genesis, &server) {
        (Some(path), _) => {
            let (g, fp) = read_genesis(path)?;
            (g, fp, path.display().to_string())
        }
        (None, Some((s, id))) => {
            let what = format!("genèse de « {id} » reçue du serveur");
            let (g, fp) = genesis_of(&s.archive(id)?[..], &what)?;
            if g.election_id != *id {
                return Err(refused(format!(
                    "{what} : c'est la genèse de l'élection « {} » : ne pas sceller",
                    g.election_id
                )));
            }
            (g, fp, what)
        }
        (None, None) => return Err(cannot("indiquer --genesis, ou --server et --election")),
    };
    let (election, keys) = check_genesis(&genesis).map_err(|e| refused(format!("{what} : {e}")))?;
    if let Some(expected) = &a.fingerprint {
        let expected = Hash32::from_hex(expected.trim())
            .map_err(|e| cannot(format!("--fingerprint : {e}")))?;
        if expected != fp {
            return Err(refused(format!(
                "l'empreinte de l'acte ({}) n'est pas celle annoncée ({}) : ne pas sceller",
                grouped(&fp),
                grouped(&expected)
            )));
        }
    }
    let (_, key, _) = open_key(&a.key)?;
    if key.public_key() != genesis.bureau.batonnier {
        return Err(refused(format!(
            "ce fichier de clé ({}) n'est pas celui du bâtonnier de cette élection ({})",
            key.name(),
            election.bureau.batonnier.name
        )));
    }
    match key.dkg() {
        DkgSecret::Batonnier { secret, .. } if secret.public() == keys.batonnier => {}
        _ => {
            return Err(refused(
                "la clé de l'élection ne contient pas la clé du bâtonnier de ce fichier de clé : ne pas sceller",
            ));
        }
    }

    let mut summary = String::new();
    let mut line = |s: String| {
        summary.push_str(&s);
        summary.push('\n');
    };
    line(format!("Barreau : {}", election.barreau));
    line(format!(
        "Élection : {} ({}, campagne {})",
        genesis.election_id,
        if genesis.round == 1 {
            "premier tour"
        } else {
            "second tour"
        },
        genesis.campaign_id
    ));
    line(format!(
        "Ouverture du vote : {}",
        french_time(genesis.opening)
    ));
    line(format!(
        "Clôture du vote : {}",
        french_time(genesis.closing)
    ));
    line(format!(
        "Électeurs (identifiants de vote) : {}",
        fr(genesis.credentials.len() as u64)
    ));
    for (i, c) in election.contests.iter().enumerate() {
        let rights = genesis
            .credentials
            .iter()
            .filter(|cr| cr.rights.iter().any(|r| r.contest as usize == i))
            .count();
        line(format!(
            "Scrutin {} : {} — {} siège(s), {} électeur(s)",
            i + 1,
            c.kind.label(),
            c.kind.seats(),
            fr(rights as u64)
        ));
        for k in &c.candidacies {
            let persons: Vec<String> = k.persons().iter().map(|n| format!("CNBF {n}")).collect();
            let title = match k {
                urne::model::Candidacy::List { title, .. } => format!("liste « {title} », "),
                _ => String::new(),
            };
            line(format!(
                "    candidature {} : {title}{}",
                k.id(),
                persons.join(", ")
            ));
        }
    }
    line(format!("Bâtonnier : {}", election.bureau.batonnier.name));
    for (i, s) in election.bureau.scrutateurs.iter().enumerate() {
        line(format!("Scrutateur {} : {}", i + 1, s.name));
    }
    line(format!(
        "Déchiffrement : le bâtonnier et {} scrutateur(s) sur {}",
        election.bureau.threshold,
        election.bureau.scrutateurs.len()
    ));
    line(format!(
        "Programme du serveur (SHA-256) : {}",
        grouped(&genesis.server_build)
    ));
    line(format!("EMPREINTE DE L'ÉLECTION : {}", grouped(&fp)));

    if !a.json {
        println!("Vous allez sceller cette élection :\n");
        print!("{summary}");
        println!();
    }
    if !a.yes {
        if !std::io::stdin().is_terminal() {
            return Err(cannot(
                "confirmation requise : lancer la commande dans un terminal, ou ajouter --yes après vérification",
            ));
        }
        print!("Tapez OUI pour sceller l'élection : ");
        std::io::stdout().flush().ok();
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| cannot(e.to_string()))?;
        if answer.trim() != "OUI" {
            return Err(refused("scellement abandonné : rien n'a été signé"));
        }
    }
    let seal = Seal::sign(&fp, key.signing_key());
    let file = SealFile {
        format: SEAL_FORMAT.into(),
        fingerprint: fp,
        signature: seal.signature,
    };
    let text = serde_json::to_string_pretty(&file).map_err(|e| cannot(e.to_string()))?;
    write_atomic(&a.out, format!("{text}\n").as_bytes())?;
    // The file first: if the server does not answer, the seal is not lost and can be handed over.
    if let Some((s, id)) = &server {
        s.seal(id, &text)?;
    }
    if a.json {
        return print_json(&serde_json::json!({
            "fingerprint": fp,
            "seal": a.out.display().to_string(),
            "sealed_on_server": server.is_some(),
            "summary": summary,
        }));
    }
    if server.is_some() {
        println!(
            "Sceau écrit : {} ; le serveur l'a enregistré : l'élection est scellée.",
            a.out.display()
        );
    } else {
        println!("Sceau écrit : {} (à remettre à l'ordre).", a.out.display());
    }
    Ok(())
}

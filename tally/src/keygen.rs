//! `urne-tally keygen`: a bureau member's side of the key ceremony (docs/bureau-guide.md, « La
//! cérémonie des clés »; docs/protocol.md §4; docs/api-ceremony.md for the folder and relay
//! formats).
//!
//! - `keygen init --key K --name NAME`: creates the member's key file (ed25519 signing key,
//!   encrypted under a passphrase) and prints the public key to give to the ordre;
//! - `keygen step --key K --dir D`: does every step of the ceremony this member can do now with
//!   the public files of the folder `D` (the ordre's `ceremonie.json` and the other members'
//!   messages), writes this member's messages into `D`, and says what it is waiting for. Run it
//!   again after each exchange of files until it says the ceremony is over; then `D` holds
//!   `cles-bureau.json`, what the ordre needs to build the election's genesis;
//! - `keygen step --key K --relay URL`: the same with the server as relay (docs/api-ceremony.md
//!   §5, [`crate::relay`]): the messages are read from and posted to
//!   `https://…/ceremonies/{id}`; once the ceremony is over the server has recorded the outcome
//!   itself, and the program checks that the server's election key is the one it computed;
//! - `keygen status --dir D` or `--relay URL`: who has published what.
//!
//! The folder mode is fully offline: the folder can be carried on a USB stick between the
//! members' laptops. Either way the secrets never leave the key file: the scrutateurs' shares
//! travel encrypted to each recipient's transport key, and every message is signed with its
//! author's key and checked by every member.

use crate::error::{TallyResult, cannot, refused};
use crate::io::{open_key, passphrase, print_json, read_text, save_key, write_atomic};
use crate::relay::{Posted, Relay};
use clap::{ArgGroup, Args, Subcommand};
use serde::Serialize;
use std::path::{Path, PathBuf};
use urne::ceremony::{
    BureauKeysFile, Ceremony, CeremonyBoard, DkgMessage, Step, encode_complaints,
};
use urne::crypto::dkg::{Complaint, deal, open_share, transport_keygen};
use urne::encoding::tagged_hash;
use urne::keystore::{MemberKey, Stage};

/// Name of the ordre's ceremony file in a ceremony folder.
pub const CEREMONY_FILE: &str = "ceremonie.json";
/// Name of the outcome file.
pub const KEYS_FILE: &str = "cles-bureau.json";

/// Arguments of `urne-tally keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    #[command(subcommand)]
    pub command: KeygenCommand,
}

/// The steps of `keygen`.
#[derive(Debug, Subcommand)]
pub enum KeygenCommand {
    /// Créer votre fichier de clé personnel (une seule fois, avant la cérémonie) et afficher la
    /// clé publique à communiquer à l'ordre.
    Init(InitArgs),
    /// Faire votre part de la cérémonie des clés avec les fichiers du dossier commun (--dir) ou
    /// par le relais du serveur (--relay) ; à relancer jusqu'à « cérémonie terminée ».
    Step(StepArgs),
    /// Afficher où en est la cérémonie : qui a publié quoi, qui est attendu.
    Status(StatusArgs),
}

/// `keygen init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Le fichier de clé à créer (par exemple « batonnier.urnekey »).
    #[arg(long)]
    pub key: PathBuf,
    /// Votre nom, tel qu'il figurera au bureau (« Me Claire Martin »).
    #[arg(long, required_unless_present = "from", conflicts_with = "from")]
    pub name: Option<String>,
    /// Votre fichier de clé d'une élection précédente (le premier tour) : le nouveau fichier
    /// garde votre nom et votre clé publique, donc le même bureau, pour une nouvelle cérémonie
    /// (le second tour) ; il est protégé par la même phrase secrète. L'ancien fichier reste
    /// nécessaire pour le premier tour.
    #[arg(long)]
    pub from: Option<PathBuf>,
    /// Écrire la réponse en JSON (pour un programme).
    #[arg(long)]
    pub json: bool,
}

/// Where the ceremony's public files are: `--dir` or `--relay`, exactly one.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("lieu").required(true).args(["dir", "relay"])))]
pub struct Place {
    /// Le dossier de la cérémonie (il contient « ceremonie.json » remis par l'ordre).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// L'adresse du relais, affichée sur la page « Cérémonie des clés » du serveur :
    /// https://…/ceremonies/IDENTIFIANT.
    #[arg(long)]
    pub relay: Option<String>,
}

/// `keygen step`.
#[derive(Debug, Args)]
pub struct StepArgs {
    /// Votre fichier de clé.
    #[arg(long)]
    pub key: PathBuf,
    #[command(flatten)]
    pub place: Place,
    /// Écrire la réponse en JSON (pour un programme).
    #[arg(long)]
    pub json: bool,
}

/// `keygen status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub place: Place,
}

/// The ceremony's public files: a folder (offline) or the server's relay.
#[derive(Debug)]
pub enum Exchange {
    /// A folder holding `ceremonie.json` and the messages as files.
    Folder(PathBuf),
    /// The server's relay of one ceremony.
    Relay(Relay),
}

impl Exchange {
    /// The exchange the options name.
    pub fn of(place: &Place) -> TallyResult<Exchange> {
        match (&place.dir, &place.relay) {
            (Some(d), None) => Ok(Exchange::Folder(d.clone())),
            (None, Some(u)) => Ok(Exchange::Relay(Relay::new(u)?)),
            _ => Err(cannot("indiquer soit --dir, soit --relay")),
        }
    }

    /// The ceremony and every message, each checked.
    pub fn load_board(&self) -> TallyResult<CeremonyBoard> {
        match self {
            Exchange::Folder(dir) => load_board(dir),
            Exchange::Relay(r) => r.board(),
        }
    }

    /// What holds the messages, in a sentence (« le dossier », « le relais »).
    fn noun(&self) -> &'static str {
        match self {
            Exchange::Folder(_) => "le dossier",
            Exchange::Relay(_) => "le relais",
        }
    }

    /// Publishes one of this member's messages (already accepted by `board`); returns where.
    fn publish(&self, m: &DkgMessage) -> TallyResult<String> {
        let name = m.file_name();
        match self {
            Exchange::Folder(dir) => {
                let path = dir.join(&name);
                write_atomic(&path, m.to_json().as_bytes())?;
                Ok(path.display().to_string())
            }
            Exchange::Relay(r) => {
                let how = match r.post(m)? {
                    Posted::Stored => "",
                    Posted::AlreadyThere => " (déjà reçu)",
                };
                Ok(format!("{name} → {}{how}", r.url()))
            }
        }
    }

    /// Where the outcome goes once the ceremony is over, for the member's message.
    fn outcome(&self, out: &BureauKeysFile) -> TallyResult<String> {
        match self {
            Exchange::Folder(dir) => {
                let path = dir.join(KEYS_FILE);
                write_atomic(
                    &path,
                    format!(
                        "{}\n",
                        serde_json::to_string_pretty(out).map_err(|e| cannot(e.to_string()))?
                    )
                    .as_bytes(),
                )?;
                Ok(format!(
                    "Le fichier {} est à remettre à l'ordre pour préparer l'élection.",
                    path.display()
                ))
            }
            Exchange::Relay(r) => {
                // The server records the transcript when the last message reaches it: it must
                // hold the very outcome this member computed from the messages it checked.
                let server = r.keys()?;
                if server != *out {
                    return Err(refused(format!(
                        "{}/keys : le serveur a enregistré une autre issue de la cérémonie (clé \
                         de l'élection {}…) que celle calculée ici ({}…) : prévenez l'ordre et les \
                         autres membres du bureau",
                        r.url(),
                        server.election_key.chars().take(16).collect::<String>(),
                        &out.election_key[..16.min(out.election_key.len())]
                    )));
                }
                Ok(format!(
                    "Le serveur a enregistré la même clé de l'élection ({}) : l'ordre peut \
                     construire la genèse.",
                    r.url()
                ))
            }
        }
    }
}

/// What `keygen step` did, for `--json`.
#[derive(Debug, Serialize)]
pub struct StepReport {
    /// 0 = bâtonnier, `i` = scrutateur `i`.
    pub member: u32,
    /// This run's messages, by file name (`2-dealing-3.json`): written into the folder or posted
    /// to the relay.
    pub published: Vec<String>,
    /// Whether the ceremony is over for this member.
    pub done: bool,
    /// The election key, once the ceremony is over (hexadecimal).
    pub election_key: Option<String>,
    /// What the member waits for.
    pub waiting_for: Vec<String>,
}

/// Runs `keygen`.
pub fn run(args: &KeygenArgs) -> TallyResult<()> {
    match &args.command {
        KeygenCommand::Init(a) => init(a),
        KeygenCommand::Step(a) => {
            let r = step(&a.key, &Exchange::of(&a.place)?, !a.json)?;
            if a.json { print_json(&r) } else { Ok(()) }
        }
        KeygenCommand::Status(a) => {
            let board = Exchange::of(&a.place)?.load_board()?;
            println!(
                "Cérémonie {} — {}",
                &board.ceremony().id().to_hex()[..16],
                board.ceremony().barreau
            );
            print!("{}", board.status());
            Ok(())
        }
    }
}

fn init(a: &InitArgs) -> TallyResult<()> {
    if a.key.exists() {
        return Err(cannot(format!(
            "{} existe déjà : un fichier de clé n'est jamais écrasé (choisir un autre nom)",
            a.key.display()
        )));
    }
    let (key, pass) = match (&a.from, &a.name) {
        (Some(from), _) => {
            let (_, old, pass) = open_key(from)?;
            (old.for_new_ceremony(), pass)
        }
        (None, Some(name)) if !name.trim().is_empty() => {
            let pass = passphrase(
                "Choisissez une phrase secrète (12 caractères au moins) pour protéger votre clé",
                true,
            )?;
            (MemberKey::generate(name, &mut rand::rng()), pass)
        }
        (None, _) => return Err(cannot("--name : le nom est vide")),
    };
    save_key(&a.key, &key, &pass)?;
    if a.json {
        return print_json(&serde_json::json!({
            "key_file": a.key.display().to_string(),
            "name": key.name(),
            "public_key": key.public_key().to_hex(),
        }));
    }
    println!("Fichier de clé créé : {}", a.key.display());
    println!("Clé publique de {} à communiquer à l'ordre :", key.name());
    println!("  {}", key.public_key().to_hex());
    println!(
        "Gardez ce fichier et sa phrase secrète : sans eux, vous ne pourrez ni déchiffrer ni signer."
    );
    Ok(())
}

/// Reads the ceremony file and every message of a ceremony folder.
pub fn load_board(dir: &Path) -> TallyResult<CeremonyBoard> {
    let cpath = dir.join(CEREMONY_FILE);
    let ceremony = Ceremony::from_json(&read_text(&cpath)?)
        .map_err(|e| cannot(format!("{} : {e}", cpath.display())))?;
    let mut board =
        CeremonyBoard::new(ceremony).map_err(|e| cannot(format!("{} : {e}", cpath.display())))?;
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| cannot(format!("{} : lecture impossible : {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.len() > 2
                    && n.as_bytes()[0].is_ascii_digit()
                    && n.as_bytes()[1] == b'-'
                    && n.ends_with(".json")
            })
        })
        .collect();
    names.sort();
    for p in names {
        let m = DkgMessage::from_json(&read_text(&p)?)
            .map_err(|e| refused(format!("{} : {e}", p.display())))?;
        board
            .add(m)
            .map_err(|e| refused(format!("{} : {e}", p.display())))?;
    }
    Ok(board)
}

/// Adds this member's message to `board` (the same checks as everybody's), then publishes it.
fn publish(
    exchange: &Exchange,
    board: &mut CeremonyBoard,
    m: DkgMessage,
    out: &mut Vec<(String, String)>,
) -> TallyResult<()> {
    let name = m.file_name();
    board
        .add(m.clone())
        .map_err(|e| refused(format!("{name} : {e}")))?;
    let place = exchange.publish(&m)?;
    out.push((name, place));
    Ok(())
}

/// One run of `keygen step`: everything this member can do now.
pub fn step(key_path: &Path, exchange: &Exchange, verbose: bool) -> TallyResult<StepReport> {
    let mut board = exchange.load_board()?;
    let (_, mut key, pass) = open_key(key_path)?;
    let ceremony = board.ceremony().clone();
    let cid = ceremony.id();
    let params = *board.params();
    let member = ceremony.member_of(&key.public_key()).ok_or_else(|| {
        refused(format!(
            "la clé de {} ({}…) ne figure pas dans le bureau de cette cérémonie ({}) : vérifier avec l'ordre la clé publique enregistrée",
            key.name(),
            &key.public_key().to_hex()[..16],
            ceremony.barreau
        ))
    })?;
    if let Some((c, m)) = key.ceremony()
        && (c != cid || m != member)
    {
        return Err(refused(format!(
            "ce fichier de clé participe à une autre cérémonie ({}…, membre {m}) que celle {} ({}…)",
            &c.to_hex()[..16],
            match exchange {
                Exchange::Folder(_) => "du dossier",
                Exchange::Relay(_) => "du relais",
            },
            &cid.to_hex()[..16]
        )));
    }
    let who = ceremony.describe(member);
    let mut published = Vec::new();
    let signing = key.signing_key().clone();
    let sign = |step: Step, body: &[u8]| DkgMessage::sign(cid, member, step, body, &signing);

    if member == 0 {
        // The bâtonnier: one message, then the final check.
        if key.stage() == Stage::Identity {
            key.join_as_batonnier(&params, &mut rand::rng())?;
            // The key first: a published key whose secret was lost would be worthless.
            save_key(key_path, &key, &pass)?;
        }
        let bk = key.batonnier_message(&params)?;
        match board.get(Step::BatonnierKey, 0) {
            Some(m) if m.body_bytes().ok() == Some(bk.encode()) => {}
            Some(_) => {
                return Err(refused(format!(
                    "{} contient une clé du bâtonnier qui n'est pas celle de ce fichier de clé",
                    exchange.noun()
                )));
            }
            None => publish(
                exchange,
                &mut board,
                sign(Step::BatonnierKey, &bk.encode()),
                &mut published,
            )?,
        }
    } else {
        if key.stage() == Stage::Identity {
            key.join_as_scrutateur(cid, member, &mut rand::rng())?;
            save_key(key_path, &key, &pass)?;
        }
        let (transport, tk) = transport_keygen(&params, member, &mut key.transport_rng()?)
            .map_err(|e| refused(e.to_string()))?;
        match board.get(Step::TransportKey, member) {
            Some(m) if m.body_bytes().ok() == Some(tk.encode()) => {}
            Some(_) => {
                return Err(refused(format!(
                    "{} contient une clé de transport du {who} qui n'est pas celle de ce fichier de clé",
                    exchange.noun()
                )));
            }
            None => publish(
                exchange,
                &mut board,
                sign(Step::TransportKey, &tk.encode()),
                &mut published,
            )?,
        }
        if let Some(keys) = board.transport_keys()
            && board.get(Step::Dealing, member).is_none()
        {
            let context: Vec<u8> = keys.iter().flat_map(|k| k.encode()).collect();
            let mut rng = key.message_rng(
                "dealing",
                &tagged_hash("URNE-V1-keygen-context", &[&context]).0,
            )?;
            let d = deal(&params, member, &keys, &mut rng).map_err(|e| refused(e.to_string()))?;
            publish(
                exchange,
                &mut board,
                sign(Step::Dealing, &d.encode()),
                &mut published,
            )?;
        }
        if let Some(dealings) = board.dealings()
            && board.get(Step::Complaints, member).is_none()
        {
            let context: Vec<u8> = dealings.iter().flat_map(|d| d.encode()).collect();
            let mut rng = key.message_rng(
                "complaints",
                &tagged_hash("URNE-V1-keygen-context", &[&context]).0,
            )?;
            let complaints: Vec<Complaint> = dealings
                .iter()
                .filter_map(|d| {
                    open_share(&params, &transport, d, &mut rng)
                        .err()
                        .map(|c| *c)
                })
                .collect();
            for c in &complaints {
                eprintln!(
                    "Attention : la part reçue du scrutateur {} est invalide ; une plainte publique est publiée (ce scrutateur sera écarté).",
                    c.dealer
                );
            }
            publish(
                exchange,
                &mut board,
                sign(Step::Complaints, &encode_complaints(&complaints)),
                &mut published,
            )?;
        }
        if let Some(t) = board.transcript()
            && key.stage() == Stage::Transport
        {
            let share = t
                .key_share(&transport)
                .map_err(|e| refused(format!("cérémonie des clés : {e}")))?;
            key.set_share(share)?;
            save_key(key_path, &key, &pass)?;
        }
    }

    let say = |t: String| {
        if verbose {
            println!("{t}");
        }
    };
    for (_, place) in &published {
        say(format!("Publié : {place}"));
    }
    let mut waiting = Vec::new();
    for s in [
        Step::BatonnierKey,
        Step::TransportKey,
        Step::Dealing,
        Step::Complaints,
    ] {
        for m in board.missing(s) {
            waiting.push(format!("{} : {}", s.french(), ceremony.describe(m)));
        }
    }
    let transcript = board.transcript();
    let mut election_key = None;
    let done = match &transcript {
        Some(t) => {
            let out =
                BureauKeysFile::new(t).map_err(|e| refused(format!("cérémonie des clés : {e}")))?;
            let next = exchange.outcome(&out)?;
            let ek = out.election_key.clone();
            say(format!("Cérémonie terminée pour le {who}."));
            say("Clé de l'élection (à comparer à voix haute entre les membres du bureau) :".into());
            say(format!("  {}", grouped_hex(&ek)));
            say(next);
            election_key = Some(ek);
            true
        }
        None => {
            say(format!("Étape faite pour le {who}. En attente :"));
            for w in &waiting {
                say(format!("  - {w}"));
            }
            say(match exchange {
                Exchange::Folder(_) => {
                    "Relancez « urne-tally keygen step » quand le dossier aura reçu ces fichiers."
                        .into()
                }
                Exchange::Relay(_) => "Relancez la même commande quand ces membres auront fait \
                                       leur étape (le relais garde les messages)."
                    .into(),
            });
            false
        }
    };
    Ok(StepReport {
        member,
        published: published.into_iter().map(|(name, _)| name).collect(),
        done,
        election_key,
        waiting_for: waiting,
    })
}

fn grouped_hex(h: &str) -> String {
    h.as_bytes()
        .chunks(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

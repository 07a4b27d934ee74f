//! # `urne-server demo` (issue 8): a demonstration barreau, voting open, on the normal server
//!
//! One command starts the normal server ([`crate::server::start`], the path of `urne-server
//! serve`) on its data directory and, in it, a complete election built by [`crate::fixture`]
//! through the real set-up API: a roll of `N` avocats (50 by default), a bâtonnier election whose
//! first ticket has a vice-bâtonnier and a conseil de l'ordre election (binômes above thirty
//! electors, décret art. 5), real personal codes (art. 28), one procuration (art. 26), the
//! bureau's key ceremony (docs/protocol.md §4) and the bâtonnier's seal. Then it prints, in
//! French for the ordre's staff, what to do next — every line of it a command that works as
//! printed (`server/tests/demo.rs` runs them all).
//!
//! What it leaves in the data directory `DATA`:
//!
//! - `DATA/bureau/*.urnekey`: the bureau members' key files, in the format `urne-tally keygen`
//!   writes (src/keystore.rs), sealed under a demonstration passphrase printed on screen;
//! - `DATA/demo-codes.csv`: every elector's code (`cnbf,code`, the code as printed on the
//!   letters), the only copy of the codes: the server keeps only what recognises them. The load
//!   generator (`urne-load --codes`) reads it;
//! - `DATA/demo.json` ([`DemoState`]): what the demo prints again when started a second time;
//! - `DATA/depouillement/`: where the printed commands write the archive, the partial
//!   decryptions and the procès-verbal.
//!
//! **A second start on the same `DATA` reuses the demonstration** (nothing is created twice, the
//! codes are read back from the CSV since they cannot be derived again). A data directory holding
//! any other election, or half a demonstration (a crash during its creation), is refused with a
//! message that says what to do: the demo never writes into a real server's data.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use urne::crypto::code::VoterCode;
use urne::keystore::{KdfParams, MemberKey};
use urne::model::Cnbf;

use crate::admin::{Actor, Admin, AdminConfig, Role, accounts};
use crate::db::Db;
use crate::fixture::{self, BUREAU_NAMES, Contests, FixtureOptions};
use crate::keys::ServerKeys;

/// The demonstration election.
pub const ELECTION_ID: &str = "demo-2026-t1";
/// Its barreau.
pub const BARREAU: &str = "Démonstration";
/// `format` of [`DemoState`].
pub const STATE_FORMAT: &str = "urne-demo-1";
/// [`DemoState`] in the data directory.
pub const STATE_FILE: &str = "demo.json";
/// The codes (`cnbf,code`), for the electors of the demo and the load generator.
pub const CODES_FILE: &str = "demo-codes.csv";
/// The bureau's key files.
pub const BUREAU_DIR: &str = "bureau";
/// Where the printed commands write the count.
pub const COUNT_DIR: &str = "depouillement";
/// The staff account of the demo.
pub const STAFF_LOGIN: &str = "demo";
/// Default size of the roll.
pub const DEFAULT_ELECTORS: usize = 50;
/// Largest roll: each code costs one argon2id derivation (≈ 14 ms on one core).
pub const MAX_ELECTORS: usize = 50_000;
/// The vote stays open this long unless closed by the printed command (reason « décision »).
const OPEN_FOR_SECONDS: i64 = 30 * 24 * 3600;
/// Electors shown on screen besides the mandataire.
const SHOWN: usize = 3;
/// The key files, in bureau order (bâtonnier, scrutateurs 1 to 3).
const KEY_FILES: [&str; 4] = [
    "batonnier.urnekey",
    "scrutateur-1.urnekey",
    "scrutateur-2.urnekey",
    "scrutateur-3.urnekey",
];

/// What the demo remembers between two starts (`DATA/demo.json`, owner-only: it holds the
/// demonstration passwords).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoState {
    /// [`STATE_FORMAT`].
    pub format: String,
    /// The election.
    pub election: String,
    /// Electors on the roll.
    pub electors: usize,
    /// CNBF numbers of the electors shown on screen.
    pub shown: Vec<String>,
    /// The mandant of the procuration.
    pub mandant: String,
    /// The mandataire (shown on screen too).
    pub mandataire: String,
    /// Login of the staff account.
    pub staff_login: String,
    /// Its password (demonstration only).
    pub staff_password: String,
    /// Passphrase of every key file of the bureau (demonstration only: each member has their
    /// own in a real election).
    pub passphrase: String,
}

/// An elector shown on screen.
#[derive(Debug, Clone)]
pub struct ShownElector {
    /// CNBF number.
    pub cnbf: String,
    /// The code, as on the letter.
    pub code: String,
    /// « Prénom Nom ».
    pub name: String,
}

/// The demonstration, created or found again.
#[derive(Debug)]
pub struct Demo {
    /// The data directory (absolute).
    pub data: PathBuf,
    /// What was remembered.
    pub state: DemoState,
    /// The shown electors, then the mandataire.
    pub shown: Vec<ShownElector>,
    /// « Prénom Nom » of the mandant.
    pub mandant_name: String,
    /// Found again rather than created.
    pub reused: bool,
    /// The vote is closed already.
    pub closed: bool,
}

impl Demo {
    /// `DATA/bureau/FILE` of member `m` (0 = bâtonnier).
    pub fn key_file(&self, m: usize) -> PathBuf {
        self.data.join(BUREAU_DIR).join(KEY_FILES[m])
    }
    /// `DATA/depouillement/NAME`.
    pub fn count_file(&self, name: &str) -> PathBuf {
        self.data.join(COUNT_DIR).join(name)
    }
}

/// Creates the demonstration in `data` (absolute, existing) on `db`, or finds it again.
/// `electors`: the roll size asked for (`None`: the default, or the existing demo's).
pub async fn prepare(
    db: &Db,
    keys: &ServerKeys,
    data: &Path,
    electors: Option<usize>,
) -> anyhow::Result<Demo> {
    let state_path = data.join(STATE_FILE);
    let ids: Vec<String> = sqlx::query("SELECT id FROM elections ORDER BY id")
        .fetch_all(db.read())
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    if ids.iter().any(|id| id != ELECTION_ID) {
        bail!(
            "le dossier de données {} contient d'autres élections ({}) : la démonstration \
             s'installe dans un dossier à elle (--data AUTRE_DOSSIER)",
            data.display(),
            ids.join(", ")
        );
    }
    if state_path.exists() {
        let demo = reuse(db, data, &state_path).await?;
        if let Some(n) = electors
            && n != demo.state.electors
        {
            eprintln!(
                "Attention : la démonstration existante ({} électeurs) est reprise ; --electors {n} \
                 est ignoré (supprimer {} pour en créer une nouvelle).",
                demo.state.electors,
                data.display()
            );
        }
        return Ok(demo);
    }
    let leftovers: Vec<String> = [CODES_FILE, BUREAU_DIR]
        .iter()
        .filter(|f| data.join(f).exists())
        .map(|f| (*f).to_owned())
        .chain(ids)
        .collect();
    if !leftovers.is_empty() {
        bail!(
            "le dossier {} contient une démonstration inachevée ({}) sans {STATE_FILE} : \
             supprimer ce dossier et relancer « urne-server demo »",
            data.display(),
            leftovers.join(", ")
        );
    }
    create(db, keys, data, electors.unwrap_or(DEFAULT_ELECTORS)).await
}

/// A readable random secret: `demo-` and 16 hexadecimal digits (64 bits).
fn demo_secret() -> String {
    let mut b = [0u8; 8];
    rand::fill(&mut b);
    format!("demo-{}", urne::encoding::hex(&b))
}

async fn create(db: &Db, keys: &ServerKeys, data: &Path, n: usize) -> anyhow::Result<Demo> {
    if !(16..=MAX_ELECTORS).contains(&n) {
        bail!("--electors {n} : entre 16 et {MAX_ELECTORS} électeurs");
    }
    // The last two electors make the procuration; three others are shown. The candidates are
    // electors 8 to 19 (fixture::roll), who vote too.
    let (mandant, mandataire) = (n - 2, n - 1);
    let shown: Vec<usize> = (n - 2 - SHOWN..n - 2).collect();
    let options = FixtureOptions {
        election_id: ELECTION_ID.into(),
        barreau: BARREAU.into(),
        electors: n,
        contests: Contests::BatonnierAndConseil,
        opening_in: -60,
        closing_in: OPEN_FOR_SECONDS,
        real_codes: true,
        procurations: vec![(mandant, mandataire)],
    };
    let mut members: Vec<MemberKey> = BUREAU_NAMES
        .iter()
        .map(|name| MemberKey::generate(&format!("Me {name}"), &mut rand::rng()))
        .collect();
    eprintln!(
        "Création de la démonstration : {n} électeurs, codes, cérémonie des clés, scellement…"
    );
    let election = fixture::open_election_with_key_files(db, keys, &options, &mut members)
        .await
        .context("création de l'élection de démonstration")?;

    // The codes first: they exist nowhere else.
    let mut csv = String::from("cnbf,code\n");
    for e in &election.electors {
        let code = e
            .code
            .as_ref()
            .context("électeur sans code dans l'élection de démonstration")?;
        let _ = writeln!(csv, "{},{}", e.cnbf, code.to_printed());
    }
    crate::cli::admin::write(&data.join(CODES_FILE), csv.as_bytes(), true)?;

    let passphrase = demo_secret();
    let bureau = data.join(BUREAU_DIR);
    std::fs::create_dir_all(&bureau)
        .with_context(|| format!("{} : création impossible", bureau.display()))?;
    for (m, file) in members.iter().zip(KEY_FILES) {
        // The parameters `urne-tally` uses for a new key file.
        let sealed = m.seal(&passphrase, KdfParams::DEFAULT, &mut rand::rng())?;
        crate::cli::admin::write(&bureau.join(file), sealed.to_json().as_bytes(), true)?;
    }
    std::fs::create_dir_all(data.join(COUNT_DIR))
        .with_context(|| format!("{} : création impossible", data.join(COUNT_DIR).display()))?;

    let staff_password = demo_secret();
    let admin = Admin {
        db: db.clone(),
        keys: std::sync::Arc::new(keys.clone()),
        elections: Default::default(),
        config: std::sync::Arc::new(AdminConfig::default()),
        actor: Actor::console("urne-server demo"),
    };
    accounts::create_user(
        &admin,
        STAFF_LOGIN,
        "Compte de démonstration",
        Role::Batonnier,
        &staff_password,
    )
    .await?;

    let cnbf = |k: usize| election.electors[k].cnbf.to_string();
    let state = DemoState {
        format: STATE_FORMAT.into(),
        election: ELECTION_ID.into(),
        electors: n,
        shown: shown.iter().map(|&k| cnbf(k)).collect(),
        mandant: cnbf(mandant),
        mandataire: cnbf(mandataire),
        staff_login: STAFF_LOGIN.into(),
        staff_password,
        passphrase,
    };
    let json = serde_json::to_string_pretty(&state)? + "\n";
    // Last: its presence means the demonstration is complete.
    crate::cli::admin::write(&data.join(STATE_FILE), json.as_bytes(), true)?;
    let elector = |k: usize| {
        let e = &election.electors[k];
        ShownElector {
            cnbf: e.cnbf.to_string(),
            code: e
                .code
                .as_ref()
                .map(VoterCode::to_printed)
                .unwrap_or_default(),
            name: e.name.clone(),
        }
    };
    Ok(Demo {
        data: data.to_owned(),
        shown: shown
            .iter()
            .chain([&mandataire])
            .map(|&k| elector(k))
            .collect(),
        mandant_name: election.electors[mandant].name.clone(),
        state,
        reused: false,
        closed: false,
    })
}

async fn reuse(db: &Db, data: &Path, state_path: &Path) -> anyhow::Result<Demo> {
    let text = std::fs::read_to_string(state_path)
        .with_context(|| format!("{} : lecture impossible", state_path.display()))?;
    let state: DemoState = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} : fichier de démonstration illisible",
            state_path.display()
        )
    })?;
    if state.format != STATE_FORMAT || state.election != ELECTION_ID {
        bail!(
            "{} : format « {} », élection « {} » (« {STATE_FORMAT} », « {ELECTION_ID} » attendus)",
            state_path.display(),
            state.format,
            state.election
        );
    }
    let row = sqlx::query("SELECT closed_at FROM elections WHERE id = $1")
        .bind(ELECTION_ID)
        .fetch_optional(db.read())
        .await?
        .with_context(|| {
            format!(
                "{} existe mais la base ne contient pas l'élection « {ELECTION_ID} » (autre \
                 --database-url ?) : supprimer {} et relancer",
                state_path.display(),
                data.display()
            )
        })?;
    let closed = row.try_get::<Option<i64>, _>("closed_at")?.is_some();
    let codes = read_codes(&data.join(CODES_FILE))?;
    let roll = crate::setup::roll(db, ELECTION_ID).await?;
    let name = |cnbf: &str| -> anyhow::Result<String> {
        let c =
            Cnbf::parse(cnbf).map_err(|e| anyhow::anyhow!("{STATE_FILE} : CNBF {cnbf} : {e}"))?;
        let e = roll
            .get(&c)
            .with_context(|| format!("{STATE_FILE} : CNBF {cnbf} absent de la liste électorale"))?;
        Ok(format!("{} {}", e.prenom, e.nom))
    };
    let mut shown = Vec::new();
    for cnbf in state.shown.iter().chain([&state.mandataire]) {
        let code = codes
            .iter()
            .find(|(c, _)| c == cnbf)
            .map(|(_, code)| code.clone())
            .with_context(|| format!("{CODES_FILE} : pas de code pour le CNBF {cnbf}"))?;
        shown.push(ShownElector {
            cnbf: cnbf.clone(),
            code,
            name: name(cnbf)?,
        });
    }
    Ok(Demo {
        data: data.to_owned(),
        mandant_name: name(&state.mandant)?,
        shown,
        state,
        reused: true,
        closed,
    })
}

/// Reads a codes file (`cnbf,code` header, one elector per line); errors name the line.
pub fn read_codes(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{} : lecture impossible", path.display()))?;
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "cnbf,code")) => {}
        _ => bail!(
            "{} : ligne 1 : en-tête « cnbf,code » attendu",
            path.display()
        ),
    }
    let mut out = Vec::new();
    for (i, line) in lines.filter(|(_, l)| !l.trim().is_empty()) {
        let (cnbf, code) = line.split_once(',').with_context(|| {
            format!(
                "{} : ligne {} : « cnbf,code » attendu",
                path.display(),
                i + 1
            )
        })?;
        VoterCode::parse(code).map_err(|e| {
            anyhow::anyhow!("{} : ligne {}, colonne code : {e}", path.display(), i + 1)
        })?;
        out.push((cnbf.trim().to_owned(), code.trim().to_owned()));
    }
    Ok(out)
}

/// Where `urne-tally` and `urne-verify` are: next to this `urne-server` (a cargo target
/// directory, or an installation of the three programs).
#[derive(Debug, Clone)]
pub struct Tools {
    /// The directory of the programs, put first in `PATH` by the printed commands.
    pub bin_dir: PathBuf,
    /// In a cargo target directory, the command that builds the two others (a no-op when they
    /// are up to date): `cargo run -p urne-server` builds only the server.
    pub build: Option<String>,
}

impl Tools {
    /// The programs next to the running executable.
    pub fn locate() -> anyhow::Result<Tools> {
        let exe = std::env::current_exe().context("chemin de urne-server introuvable")?;
        let bin_dir = exe
            .parent()
            .context("chemin de urne-server sans dossier")?
            .to_owned();
        // CARGO_MANIFEST_DIR is server/ at build time; the workspace is its parent.
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(Path::to_owned);
        let profile = bin_dir.file_name().and_then(|n| n.to_str());
        let build = match (profile, &workspace, bin_dir.parent()) {
            (Some(p @ ("debug" | "release")), Some(ws), Some(target))
                if ws.join("Cargo.toml").is_file() =>
            {
                let mut c = String::from("cargo build");
                if p == "release" {
                    c.push_str(" --release");
                }
                let _ = write!(c, " --manifest-path {}", sh(ws.join("Cargo.toml")));
                if target != ws.join("target") {
                    let _ = write!(c, " --target-dir {}", sh(target));
                }
                c.push_str(" -p urne-tally -p urne-verify");
                Some(c)
            }
            _ => None,
        };
        Ok(Tools { bin_dir, build })
    }
}

/// A shell word: as is when it is plain, otherwise in single quotes.
pub fn sh(p: impl AsRef<std::ffi::OsStr>) -> String {
    let s = p.as_ref().to_string_lossy();
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-=:+,@%".contains(c));
    if plain {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// How the printed `urne-server admin` commands reach the same database and keys.
#[derive(Debug, Clone, Default)]
pub struct AdminTarget {
    /// `--data`.
    pub data: PathBuf,
    /// `--database-url`, when not the default.
    pub database_url: Option<String>,
    /// `--server-key`, when not the default.
    pub server_key: Option<PathBuf>,
    /// `--ordre-key`, when not the default.
    pub ordre_key: Option<PathBuf>,
}

impl AdminTarget {
    fn command(&self) -> String {
        let mut c = format!("urne-server admin --data {}", sh(&self.data));
        if let Some(u) = &self.database_url {
            let _ = write!(c, " --database-url {}", sh(u));
        }
        if let Some(k) = &self.server_key {
            let _ = write!(c, " --server-key {}", sh(k));
        }
        if let Some(k) = &self.ordre_key {
            let _ = write!(c, " --ordre-key {}", sh(k));
        }
        c
    }
}

/// The text printed on start: the vote page, electors and codes, the staff login, then the
/// commands of the count in the order of docs/admin-guide.md §9 and docs/bureau-guide.md §4–6.
/// Commands are the lines indented by exactly four spaces (the test runs exactly those).
pub fn render(demo: &Demo, url: &str, tools: &Tools, admin: &AdminTarget) -> String {
    let e = &demo.state.election;
    let mut o = String::new();
    let mut line = |s: &str| {
        o.push_str(s);
        o.push('\n');
    };
    line("");
    line("=== Urne : démonstration (données fictives, aucune valeur réelle) ===");
    if demo.reused {
        line(&format!(
            "Démonstration reprise depuis {} (créée lors d'un lancement précédent).",
            demo.data.display()
        ));
    }
    line(&format!(
        "Barreau « {BARREAU} », {} électeurs : élection du bâtonnier (ticket T1 avec un \
         vice-bâtonnier) et du conseil de l'ordre ({}).",
        demo.state.electors,
        if demo.state.electors > 30 {
            "binômes, art. 5"
        } else {
            "candidatures individuelles : trente électeurs ou moins, art. 5"
        }
    ));
    if demo.closed {
        line("Le vote est clos : reprendre les commandes ci-dessous après l'étape 1.");
    } else {
        line("Le vote est ouvert.");
    }
    line("");
    line(&format!("Page de vote : {url}/elections/{e}/connexion"));
    line("Électeurs (numéro CNBF, code personnel et confidentiel, nom) :");
    let last = demo.shown.len().saturating_sub(1);
    for (i, s) in demo.shown.iter().enumerate() {
        let note = if i == last {
            format!(
                "   <- mandataire : vote pour lui-même, puis au titre de la procuration de Me {} \
                 (CNBF {})",
                demo.mandant_name, demo.state.mandant
            )
        } else {
            String::new()
        };
        line(&format!("  {}  {}  {}{note}", s.cnbf, s.code, s.name));
    }
    line(&format!(
        "Tous les codes : {} (cnbf,code).",
        demo.data.join(CODES_FILE).display()
    ));
    line("");
    line(&format!(
        "Administration : {url}/admin/connexion  identifiant « {} », mot de passe « {} » \
         (démo, rôle bâtonnier)",
        demo.state.staff_login, demo.state.staff_password
    ));
    line(&format!(
        "Bureau (démo) : fichiers de clé dans {} ; phrase secrète de démonstration, commune aux \
         quatre membres : {}",
        demo.data.join(BUREAU_DIR).display(),
        demo.state.passphrase
    ));
    line("");
    line("Ensuite, dans un autre terminal (ce serveur continue de tourner ; Ctrl-C l'arrête,");
    line("la même commande le relance sur la même démonstration) :");
    line(
        "  0. Les programmes du bureau et de l'observateur, et la phrase secrète (démo seulement :",
    );
    line("     en vrai, chaque membre tape la sienne quand urne-tally la demande) :");
    if let Some(b) = &tools.build {
        line(&format!("    {b}"));
    }
    line(&format!("    export PATH={}:\"$PATH\"", sh(&tools.bin_dir)));
    line(&format!(
        "    export URNE_PASSPHRASE={}",
        sh(&demo.state.passphrase)
    ));
    let a = admin.command();
    let f = |name: &str| sh(demo.count_file(name));
    let key = |m: usize| sh(demo.key_file(m));
    let archive = f("urne.urne");
    line("  1. Clore le vote (décision de l'ordre ; sinon il se clôt à l'heure prévue) :");
    line(&format!(
        "    {a} close {e} --reason {}",
        sh("Fin de la démonstration")
    ));
    line("  2. Exporter l'archive de l'urne et les pièces du procès-verbal :");
    line(&format!("    {a} export-archive {e} -o {archive}"));
    line(&format!(
        "    {a} export-declarations {e} -o {}",
        sh(demo.data.join(COUNT_DIR))
    ));
    line("  3. Déchiffrements partiels : le bâtonnier et deux scrutateurs (le seuil) ;");
    line("     le scrutateur 3 est absent :");
    for m in 0..3 {
        line(&format!(
            "    urne-tally decrypt --archive {archive} --key {} --out {}",
            key(m),
            f(&format!("dechiffrement-{m}.json"))
        ));
    }
    line("  4. Résultat et procès-verbal (pv.json, pv.pdf, archive-resultat.urne) :");
    line(&format!(
        "    urne-tally result --archive {archive} --partials {} {} {} --candidates {} \
         --incidents {} --place {} --absent 3 --out-dir {}",
        f("dechiffrement-0.json"),
        f("dechiffrement-1.json"),
        f("dechiffrement-2.json"),
        f("candidatures.json"),
        f("incidents.json"),
        sh(BARREAU),
        sh(demo.data.join(COUNT_DIR))
    ));
    line("  5. Chaque membre présent signe le procès-verbal ; show dit qui a signé :");
    for m in 0..3 {
        line(&format!(
            "    urne-tally sign --pv {} --key {}",
            f("pv.json"),
            key(m)
        ));
    }
    line(&format!("    urne-tally show --pv {}", f("pv.json")));
    line("  6. Publier le résultat et exporter l'archive complète :");
    line(&format!(
        "    {a} publish {e} --archive {} --pv {}",
        f("archive-resultat.urne"),
        f("pv.json")
    ));
    line(&format!(
        "    {a} export-archive {e} -o {}",
        f("final.urne")
    ));
    line("  7. Vérifier (ce que fait tout observateur), avec le procès-verbal, puis avec le");
    line(&format!(
        "     récépissé qu'un électeur a téléchargé après son vote, enregistré sous {} :",
        demo.count_file("recepisse.json").display()
    ));
    line(&format!(
        "    urne-verify {} --pv {}",
        f("final.urne"),
        f("pv.json")
    ));
    line(&format!(
        "    urne-verify {} --pv {} --receipt {}",
        f("final.urne"),
        f("pv.json"),
        f("recepisse.json")
    ));
    line("");
    o
}

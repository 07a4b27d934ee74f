//! # urne-e2e — the harness of the end-to-end scenarios (issue 8)
//!
//! Each scenario goes through what the ordre, the bureau and the electors really use:
//!
//! 1. **the server over HTTP** ([`Scenario`]: a fresh `urne-server` on SQLite, or PostgreSQL with
//!    `URNE_TEST_POSTGRES_URL`, started by [`urne_server::testkit::spawn_app`]); the ordre's staff
//!    (a secrétariat and a bâtonnier account) post the definition file, the roll CSV, the
//!    candidacies CSV, issue the codes — read back from the letters' PDF with `pdftotext` — or
//!    carry round 1's over, relay the key ceremony (or take its outcome), build the genesis, upload the seal,
//!    register procurations, close the vote and export the archive;
//! 2. **`urne-tally`** for the bureau ([`Bureau`]: one key file per member, `keygen init`, the
//!    key ceremony with `keygen step` and the seal with `sign-genesis` — by files for first
//!    rounds, through the server (`--relay`, `--server`) for second rounds —, `decrypt`,
//!    `result`, `sign`, `next-round`);
//! 3. electors vote over HTTP with the booth's code path ([`Scenario::cast`]: the code of the
//!    letter → credential → login token; the ballot page's contests; `Ballot::prepare`; the proxy
//!    credential for a mandataire);
//! 4. **`urne-verify`** on the published archive, with the PV and receipts ([`verify`]).
//!
//! The binaries are built once per test run in the test's own target directory ([`tools`]), or
//! taken from `URNE_TALLY_BIN` / `URNE_VERIFY_BIN`.
//!
//! Nothing here is specific to a kind of election: a scenario gives any definition, roll,
//! candidacies, bureau size and threshold, votes as (elector, choices per contest of his ballot),
//! procurations; weights come from the roll (CNB ordinal college) through the server's rights.
//!
//! Every helper fails the calling test with the tool's or the server's own message when a step
//! does not go through: a step that fails is the scenario's failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use reqwest::StatusCode;
use serde_json::Value;
use urne::crypto::code::VoterCode;
use urne::crypto::credential::{Credential, CredentialPublicKey};
use urne::encoding::{Hash32, hex};
use urne::model::{Bureau as BureauDefinition, BureauMember, Election, PublicKeyBytes};
use urne::pv::Pv;

pub use urne_server::testkit::admin::{StaffClient, codes_of_letters, create_user, pdf_text};
pub use urne_server::testkit::{
    self, Backend, BoothParams, TestApp, Voter, booth_params, make_ballot, spawn_app,
};

/// The passphrase of every test key file (`URNE_PASSPHRASE`).
pub const PASSPHRASE: &str = "phrase secrète du membre du bureau";
const SECRETARIAT: (&str, &str) = ("secretariat", "secrétariat de l'ordre — essai e2e");
const BATONNIER: (&str, &str) = ("batonnier", "bâtonnier de l'ordre — essai e2e");

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of the repository (`tests/rolls/…`, `tests/e2e/data/…`).
pub fn sample(path: &str) -> Vec<u8> {
    let p = repo().join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{} : {e}", p.display()))
}

// ---------------------------------------------------------------------------------------------
// The binaries
// ---------------------------------------------------------------------------------------------

/// Where `urne-tally` and `urne-verify` are.
#[derive(Debug)]
pub struct Tools {
    /// `urne-tally`.
    pub tally: PathBuf,
    /// `urne-verify`.
    pub verify: PathBuf,
}

/// The binaries, as the README's test command builds them
/// ([`urne_server::testkit::workspace_binary`]), unless `URNE_TALLY_BIN` and `URNE_VERIFY_BIN`
/// name them.
pub fn tools() -> &'static Tools {
    static T: OnceLock<Tools> = OnceLock::new();
    T.get_or_init(|| {
        if let (Some(tally), Some(verify)) = (
            std::env::var_os("URNE_TALLY_BIN"),
            std::env::var_os("URNE_VERIFY_BIN"),
        ) {
            return Tools {
                tally: tally.into(),
                verify: verify.into(),
            };
        }
        Tools {
            tally: testkit::workspace_binary("urne-tally"),
            verify: testkit::workspace_binary("urne-verify"),
        }
    })
}

/// One run of a binary.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// The standard output as JSON (`--json`).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("sortie JSON illisible ({e}) : {}", self.stdout))
    }
}

fn run(bin: &Path, args: &[&OsStr]) -> Run {
    let out = Command::new(bin)
        .args(args)
        .env("URNE_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap_or_else(|e| panic!("{} : {e}", bin.display()));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn os<S: AsRef<OsStr> + ?Sized>(s: &S) -> &OsStr {
    s.as_ref()
}

/// `urne-tally ARGS…` (the passphrase in the environment).
pub fn tally(args: &[&OsStr]) -> Run {
    run(&tools().tally, args)
}

/// `urne-tally ARGS…` from an async test: on a blocking thread, so that the in-process server
/// keeps answering the program (the key ceremony's relay).
pub async fn tally_async(args: Vec<std::ffi::OsString>) -> Run {
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        tally(&refs)
    })
    .await
    .unwrap()
}

/// `urne-tally ARGS…`, which must succeed.
pub fn tally_ok(args: &[&OsStr]) -> Run {
    let r = tally(args);
    assert_eq!(
        r.code, 0,
        "urne-tally {args:?}\nstdout : {}\nstderr : {}",
        r.stdout, r.stderr
    );
    r
}

/// `urne-verify ARCHIVE [--pv PV] [--receipt R]… --json`.
pub fn verify(archive: &Path, pv: Option<&Path>, receipts: &[PathBuf]) -> Run {
    let mut args: Vec<&OsStr> = vec![archive.as_os_str(), os("--json")];
    if let Some(p) = pv {
        args.extend([os("--pv"), p.as_os_str()]);
    }
    for r in receipts {
        args.extend([os("--receipt"), r.as_os_str()]);
    }
    run(&tools().verify, &args)
}

// ---------------------------------------------------------------------------------------------
// The bureau
// ---------------------------------------------------------------------------------------------

/// The bureau (décret art. 28 and the règlement: the bâtonnier and the scrutateurs), each member
/// with his own `urne-tally` key file.
#[derive(Debug)]
pub struct Bureau {
    /// Where the key files and the members' outputs are.
    pub dir: PathBuf,
    /// « Me … », member 0 the bâtonnier.
    pub names: Vec<String>,
    /// Key files as `keygen init` made them (before any ceremony), in member order. A key file
    /// records the one ceremony it took part in, while a second round keeps the bureau (same
    /// signing keys, `urne-tally next-round`) with a new ceremony: each election gets its own
    /// file from `keygen init --from` ([`Bureau::key`]), as docs/bureau-guide.md says.
    pub keys: Vec<PathBuf>,
    /// Signing public keys (hex), in member order.
    pub public_keys: Vec<String>,
    /// Scrutateurs needed to decrypt (besides the bâtonnier).
    pub threshold: u32,
}

impl Bureau {
    /// The bâtonnier `names[0]` and the scrutateurs `names[1..]`, threshold `threshold`: each runs
    /// `urne-tally keygen init`.
    pub fn new(dir: &Path, names: &[&str], threshold: u32) -> Bureau {
        std::fs::create_dir_all(dir).unwrap();
        let mut keys = Vec::new();
        let mut public_keys = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let k = dir.join(format!("membre-{i}.urnekey"));
            let r = tally_ok(&[
                os("keygen"),
                os("init"),
                os("--key"),
                k.as_os_str(),
                os("--name"),
                os(name),
                os("--json"),
            ]);
            public_keys.push(r.json()["public_key"].as_str().unwrap().to_owned());
            keys.push(k);
        }
        Bureau {
            dir: dir.to_path_buf(),
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            keys,
            public_keys,
            threshold,
        }
    }

    /// Member `m`'s key file for `election`, made at the first use by `urne-tally keygen init
    /// --from` his initial file: the same name and public key, for this election's ceremony.
    pub fn key(&self, election: &str, m: usize) -> PathBuf {
        let p = self.dir.join(format!("membre-{m}-{election}.urnekey"));
        if !p.exists() {
            let r = tally_ok(&[
                os("keygen"),
                os("init"),
                os("--key"),
                p.as_os_str(),
                os("--from"),
                self.keys[m].as_os_str(),
                os("--json"),
            ]);
            assert_eq!(r.json()["public_key"], self.public_keys[m].as_str());
        }
        p
    }

    /// As the definition names it.
    pub fn definition(&self) -> BureauDefinition {
        let m = |i: usize| BureauMember {
            name: self.names[i].clone(),
            public_key: PublicKeyBytes(
                urne::board::PublicKey::from_hex(&self.public_keys[i])
                    .unwrap()
                    .0,
            ),
        };
        BureauDefinition {
            batonnier: m(0),
            scrutateurs: (1..self.keys.len()).map(m).collect(),
            threshold: self.threshold,
        }
    }

    /// Every member runs `urne-tally keygen step --key K PLACE_OPTION PLACE --json` in turn
    /// until it says the ceremony is over for all (bâtonnier key and transport keys, dealings,
    /// complaints, outcome: four passes; five allowed). Returns the election key each member's
    /// last step printed, in member order.
    async fn steps_until_done(
        &self,
        election: &str,
        place_option: &str,
        place: std::ffi::OsString,
    ) -> Vec<String> {
        let keys: Vec<PathBuf> = (0..self.keys.len())
            .map(|m| self.key(election, m))
            .collect();
        let mut election_keys: Vec<Option<String>> = vec![None; keys.len()];
        for _ in 0..5 {
            for (i, k) in keys.iter().enumerate() {
                if election_keys[i].is_some() {
                    continue;
                }
                let r = tally_async(vec![
                    "keygen".into(),
                    "step".into(),
                    "--key".into(),
                    k.into(),
                    place_option.into(),
                    place.clone(),
                    "--json".into(),
                ])
                .await;
                assert_eq!(
                    r.code, 0,
                    "keygen step {place_option}\n{}\n{}",
                    r.stdout, r.stderr
                );
                let j = r.json();
                if j["done"].as_bool().unwrap() {
                    election_keys[i] = Some(j["election_key"].as_str().unwrap().to_owned());
                }
            }
        }
        election_keys
            .into_iter()
            .map(|k| k.expect("la cérémonie ne s'achève pas"))
            .collect()
    }

    /// The key ceremony in file mode: the ordre hands over the ceremony file (`GET
    /// /ceremonies/{id}`), every member runs `urne-tally keygen step --dir` in the shared folder
    /// until it is over, and the ordre uploads `cles-bureau.json`. Returns the election key (hex).
    pub async fn ceremony(&self, s: &Scenario, election: &str) -> String {
        let id = s.ceremony_id(election).await;
        let text = testkit::client()
            .get(s.app.url(&format!("/ceremonies/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let dir = self.dir.join(format!("ceremonie-{election}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ceremonie.json"), text).unwrap();
        self.steps_until_done(election, "--dir", dir.clone().into())
            .await;
        let keys = std::fs::read(dir.join("cles-bureau.json")).unwrap();
        let (st, v) = s
            .secretariat
            .post_upload(
                &format!("/admin/elections/{election}/ceremonie/cles"),
                &[("fichier", "cles-bureau.json", &keys)],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        let out: Value = serde_json::from_slice(&keys).unwrap();
        out["election_key"].as_str().unwrap().to_owned()
    }

    /// The key ceremony through the server's relay (docs/api-ceremony.md §5): every member runs
    /// `urne-tally keygen step --relay URL` with the address of the « Cérémonie des clés » page
    /// until it is over; the server records the outcome itself (nothing to upload) and each
    /// member's last step checks that the server's election key is his. Returns the election key
    /// (hex).
    pub async fn ceremony_by_relay(&self, s: &Scenario, election: &str) -> String {
        let id = s.ceremony_id(election).await;
        let page = s
            .secretariat
            .get(&format!("/admin/elections/{election}/ceremonie"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(&format!("/ceremonies/{id}</code>")),
            "l'adresse du relais sur la page : {page}"
        );
        let relay = s.app.url(&format!("/ceremonies/{id}"));
        let election_keys = self
            .steps_until_done(election, "--relay", relay.into())
            .await;
        let status = s.ceremony_status(election).await;
        assert_eq!(status["complete"], true, "{status}");
        let key = status["election_key"].as_str().unwrap().to_owned();
        assert!(
            election_keys.iter().all(|k| *k == key),
            "{election_keys:?} / {key}"
        );
        key
    }

    /// The bâtonnier checks the genesis file and signs its fingerprint (`urne-tally
    /// sign-genesis`); returns the seal file.
    pub fn sign_genesis(&self, election: &str, genesis: &Path, fingerprint: &Hash32) -> PathBuf {
        let out = genesis.with_file_name("sceau.json");
        tally_ok(&[
            os("sign-genesis"),
            os("--genesis"),
            genesis.as_os_str(),
            os("--key"),
            self.key(election, 0).as_os_str(),
            os("--fingerprint"),
            os(&fingerprint.to_hex()),
            os("--out"),
            out.as_os_str(),
            os("--yes"),
            os("--json"),
        ]);
        out
    }

    /// The bâtonnier seals through the server (`urne-tally sign-genesis --server URL --election
    /// ID --fingerprint F`): the genesis fetched, checked and signed, the seal posted; the
    /// server's « Scellement » page then says sealed.
    /// A fingerprint other than the announced one is refused first: nothing signed, nothing sent.
    pub async fn sign_genesis_on_server(&self, s: &Scenario, election: &str, fingerprint: &Hash32) {
        let out = s.folder(election).join("sceau.json");
        let run = |fp: String| {
            tally_async(vec![
                "sign-genesis".into(),
                "--server".into(),
                s.app.url("").into(),
                "--election".into(),
                election.into(),
                "--key".into(),
                self.key(election, 0).into(),
                "--fingerprint".into(),
                fp.into(),
                "--out".into(),
                out.clone().into(),
                "--yes".into(),
                "--json".into(),
            ])
        };
        let r = run("00".repeat(32)).await;
        assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("n'est pas celle annoncée"),
            "{}",
            r.stderr
        );
        assert!(!out.exists());
        assert!(
            !urne_server::admin::sealing::is_sealed(s.app.db(), election)
                .await
                .unwrap()
        );
        let r = run(fingerprint.to_hex()).await;
        assert_eq!(
            r.code, 0,
            "sign-genesis --server\n{}\n{}",
            r.stdout, r.stderr
        );
        assert_eq!(r.json()["sealed_on_server"], true, "{}", r.stdout);
        assert!(
            urne_server::admin::sealing::is_sealed(s.app.db(), election)
                .await
                .unwrap(),
            "l'élection n'est pas scellée"
        );
    }

    /// Members `members` decrypt the closed archive (`urne-tally decrypt`); their partial files.
    pub fn decrypt(&self, election: &str, archive: &Path, members: &[usize]) -> Vec<PathBuf> {
        members
            .iter()
            .map(|m| {
                let p = archive.with_file_name(format!("dechiffrement-{m}.json"));
                tally_ok(&[
                    os("decrypt"),
                    os("--archive"),
                    archive.as_os_str(),
                    os("--key"),
                    self.key(election, *m).as_os_str(),
                    os("--out"),
                    p.as_os_str(),
                ]);
                p
            })
            .collect()
    }

    /// Members `members` sign the PV (`urne-tally sign`).
    pub fn sign(&self, election: &str, pv: &Path, members: &[usize]) {
        for m in members {
            tally_ok(&[
                os("sign"),
                os("--pv"),
                pv.as_os_str(),
                os("--key"),
                self.key(election, *m).as_os_str(),
                os("--json"),
            ]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The ordre and the server
// ---------------------------------------------------------------------------------------------

/// A server under test with the ordre's two staff accounts logged in, and a work folder.
#[derive(Debug)]
pub struct Scenario {
    /// The server.
    pub app: TestApp,
    /// The secrétariat (prepares).
    pub secretariat: StaffClient,
    /// The bâtonnier (approves: dérogation, seal, close, publication).
    pub batonnier: StaffClient,
    /// The work folder (removed with the server's).
    pub dir: PathBuf,
}

/// How an election's electors get their codes.
#[derive(Debug, Clone)]
pub enum Codes {
    /// Issued by this election, read back from the letters.
    Issue,
    /// Round 2: those of the round-1 election named (`carry-over-codes`), with its codes.
    CarryOver {
        /// The round-1 election.
        from: String,
        /// `CNBF → code` of round 1's letters.
        codes: BTreeMap<String, String>,
    },
}

/// What an election needs to be prepared.
#[derive(Debug, Clone)]
pub struct Preparation<'a> {
    /// The definition (its bureau is [`Bureau::definition`]).
    pub definition: &'a Election,
    /// The liste électorale (CSV as the ordre exports it).
    pub roll_csv: &'a [u8],
    /// The candidacies CSV, when the definition does not list them.
    pub candidacies_csv: Option<&'a [u8]>,
    /// Codes issued, or carried over from round 1.
    pub codes: Codes,
    /// How the bureau runs the key ceremony.
    pub ceremony: CeremonyBy,
}

/// How the bureau's members exchange the key ceremony's messages and the seal with the ordre
/// (docs/api-ceremony.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CeremonyBy {
    /// Files: a shared folder (`keygen step --dir`), the outcome uploaded by the ordre; the
    /// genesis file exported by the ordre, the seal file uploaded by the bâtonnier.
    Folder,
    /// The server: its relay (`keygen step --relay`) and its seal endpoint (`sign-genesis
    /// --server`).
    Relay,
}

/// A sealed, open election.
#[derive(Debug, Clone)]
pub struct Open {
    /// The election id.
    pub id: String,
    /// The definition as stored by the server (with the candidates' records).
    pub definition: Election,
    /// `CNBF → code` (from the letters, or round 1's).
    pub codes: BTreeMap<String, String>,
    /// The fingerprint.
    pub fingerprint: Hash32,
}

impl Open {
    /// The credential the booth derives from `cnbf`'s code.
    pub fn credential(&self, cnbf: &str) -> Credential {
        let code = self
            .codes
            .get(cnbf)
            .unwrap_or_else(|| panic!("pas de code pour CNBF {cnbf}"));
        Credential::derive(
            &VoterCode::parse(code).unwrap(),
            &self.definition.campaign_id,
        )
        .unwrap()
    }
}

/// One ballot: the elector (or, with `proxy`, the mandataire voting for his mandant) and his
/// choices, one list per contest of his ballot in ballot order (option indexes in the contest's
/// candidacy order; empty = blank).
#[derive(Debug, Clone)]
pub struct Cast {
    /// CNBF of who votes.
    pub cnbf: String,
    /// Choices per contest of the ballot.
    pub choices: Vec<Vec<u32>>,
    /// Cast with the procuration the elector holds (the mandant's ballot).
    pub proxy: bool,
}

impl Cast {
    /// `cnbf` votes `choices`.
    pub fn new(cnbf: &str, choices: Vec<Vec<u32>>) -> Cast {
        Cast {
            cnbf: cnbf.to_owned(),
            choices,
            proxy: false,
        }
    }

    /// Mandataire `cnbf` votes `choices` for his mandant.
    pub fn by_proxy(cnbf: &str, choices: Vec<Vec<u32>>) -> Cast {
        Cast {
            proxy: true,
            ..Cast::new(cnbf, choices)
        }
    }
}

/// The bureau's count of an election, published.
#[derive(Debug)]
pub struct Counted {
    /// The signed PV.
    pub pv: Pv,
    /// Its file.
    pub pv_file: PathBuf,
    /// The closed archive the bureau counted.
    pub closed_archive: PathBuf,
    /// The published archive (the server's signed head).
    pub archive: PathBuf,
}

/// Logs in as the booth does (the token derived from the credential, never the code) and opens
/// the ballot page — the mandant's with `proxy`: a mandataire who already voted for himself is
/// sent from his own ballot page to his receipt.
async fn login(app: &TestApp, election: &str, cnbf: &str, cred: &Credential, proxy: bool) -> Voter {
    if !proxy {
        return Voter::login(app, election, cnbf, cred).await;
    }
    let r = testkit::post_login(app, election, cnbf, &hex(&cred.login_token().0)).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "connexion de CNBF {cnbf} refusée"
    );
    let cookie = testkit::set_cookie(&r, "urne_session").expect("cookie de session");
    let mut v = Voter {
        client: testkit::client(),
        base: app.base.clone(),
        election: election.to_owned(),
        cookie,
        csrf: String::new(),
    };
    v.csrf = testkit::csrf_of(&v.get_ok("/vote?procuration=1").await);
    v
}

/// « 2026-12-02T08:00:00Z » of `t`.
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

impl Scenario {
    /// A fresh server on `backend`, the secrétariat and bâtonnier accounts logged in.
    pub async fn start(backend: Backend) -> Scenario {
        let app = spawn_app(backend).await;
        create_user(&app, SECRETARIAT.0, "secretariat", SECRETARIAT.1).await;
        create_user(&app, BATONNIER.0, "batonnier", BATONNIER.1).await;
        let secretariat = StaffClient::login(&app, SECRETARIAT.0, SECRETARIAT.1).await;
        let batonnier = StaffClient::login(&app, BATONNIER.0, BATONNIER.1).await;
        let dir = app.dir.join("e2e");
        std::fs::create_dir_all(&dir).unwrap();
        Scenario {
            app,
            secretariat,
            batonnier,
            dir,
        }
    }

    /// A folder of the work folder.
    pub fn folder(&self, name: &str) -> PathBuf {
        let d = self.dir.join(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// `POST` as the secrétariat, which must succeed; the JSON answer.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Value {
        let (s, v) = self.secretariat.post_form(path, fields).await;
        assert_eq!(s, StatusCode::OK, "POST {path} : {v}");
        v
    }

    /// `POST` as the bâtonnier, which must succeed; the JSON answer.
    pub async fn approve(&self, path: &str, fields: &[(&str, &str)]) -> Value {
        let (s, v) = self.batonnier.post_form(path, fields).await;
        assert_eq!(s, StatusCode::OK, "POST {path} : {v}");
        v
    }

    /// Uploads as `who`, which must succeed.
    async fn upload(&self, who: &StaffClient, path: &str, file: &str, bytes: &[u8]) -> Value {
        let (s, v) = who.post_upload(path, &[("fichier", file, bytes)]).await;
        assert_eq!(s, StatusCode::OK, "POST {path} ({file}) : {v}");
        v
    }

    /// The definition file (`POST /admin/elections`).
    pub async fn create(&self, def: &Election) {
        let v = self
            .upload(
                &self.secretariat,
                "/admin/elections",
                "definition.json",
                def.to_json().unwrap().as_bytes(),
            )
            .await;
        assert_eq!(v["data"]["election"], def.election_id.as_str(), "{v}");
    }

    /// The liste électorale (`POST …/liste`), applied; returns the answer (`data.electors`,
    /// `data.with_rights`).
    pub async fn import_roll(&self, id: &str, csv: &[u8]) -> Value {
        let v = self
            .upload(
                &self.secretariat,
                &format!("/admin/elections/{id}/liste"),
                "liste.csv",
                csv,
            )
            .await;
        assert_eq!(v["data"]["applied"], true, "{v}");
        v
    }

    /// The candidacies (`POST …/candidatures/import`).
    pub async fn import_candidacies(&self, id: &str, csv: &[u8]) {
        self.upload(
            &self.secretariat,
            &format!("/admin/elections/{id}/candidatures/import"),
            "candidatures.csv",
            csv,
        )
        .await;
    }

    /// Issues the codes (`POST …/codes`); `CNBF → code` read from the letters' PDF.
    pub async fn issue_codes(&self, id: &str) -> BTreeMap<String, String> {
        let v = self
            .post(&format!("/admin/elections/{id}/codes"), &[])
            .await;
        let pdf = urne::encoding::unhex(v["pdf_hex"].as_str().unwrap()).unwrap();
        let letters = codes_of_letters(&pdf_text(&pdf));
        assert_eq!(
            letters.len() as u64,
            v["count"].as_u64().unwrap(),
            "une page par code"
        );
        letters.into_iter().collect()
    }

    /// Round 2 keeps round 1's codes (`POST …/codes/reprendre`); the answer's data.
    pub async fn carry_over_codes(&self, id: &str, from: &str) -> Value {
        let v = self
            .post(
                &format!("/admin/elections/{id}/codes/reprendre"),
                &[("from", from)],
            )
            .await;
        v["data"].clone()
    }

    /// The bâtonnier's dérogation to the fifteen days (art. 28), when the vote opens sooner.
    pub async fn derogation_if_needed(&self, id: &str) {
        let (_, n) = self
            .secretariat
            .get_json(&format!("/admin/elections/{id}/codes"))
            .await;
        if n["notice"]["respected"] == false && n["notice"]["early_opening"].is_null() {
            self.approve(
                &format!("/admin/elections/{id}/codes/derogation"),
                &[(
                    "reason",
                    "scénario de bout en bout : vote ouvert le jour même",
                )],
            )
            .await;
        }
    }

    /// Builds the genesis (`POST …/genese`); its fingerprint.
    pub async fn build_genesis(&self, id: &str) -> Hash32 {
        let v = self
            .post(&format!("/admin/elections/{id}/genese"), &[])
            .await;
        Hash32::from_hex(v["data"]["fingerprint"].as_str().unwrap()).unwrap()
    }

    /// The archive as the staff export it (`GET …/archive.urne`: the genesis alone before the
    /// seal), written to `path`.
    pub async fn export_archive(&self, id: &str, path: &Path) {
        let r = self
            .secretariat
            .get(&format!("/admin/elections/{id}/archive.urne"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        std::fs::write(path, r.bytes().await.unwrap()).unwrap();
    }

    /// The id of `election`'s key ceremony, from the « Cérémonie des clés » page.
    pub async fn ceremony_id(&self, election: &str) -> String {
        self.ceremony_status(election).await["ceremony"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The « Cérémonie des clés » page as JSON (`ceremony` id, `complete`, `election_key`…).
    pub async fn ceremony_status(&self, election: &str) -> Value {
        let (st, status) = self
            .secretariat
            .get_json(&format!("/admin/elections/{election}/ceremonie"))
            .await;
        assert_eq!(st, StatusCode::OK, "{status}");
        status
    }

    /// Uploads the bâtonnier's seal (`POST …/sceller`).
    pub async fn seal(&self, id: &str, seal_file: &Path) {
        let bytes = std::fs::read(seal_file).unwrap();
        self.upload(
            &self.batonnier,
            &format!("/admin/elections/{id}/sceller"),
            "sceau.json",
            &bytes,
        )
        .await;
    }

    /// The whole preparation up to the open vote: definition, roll, candidacies, codes, the
    /// dérogation when needed, the key ceremony, genesis, `sign-genesis` and seal (by files or
    /// through the server, as `p.ceremony` says).
    pub async fn prepare(&self, p: &Preparation<'_>, bureau: &Bureau) -> Open {
        let id = p.definition.election_id.clone();
        self.create(p.definition).await;
        self.import_roll(&id, p.roll_csv).await;
        if let Some(c) = p.candidacies_csv {
            self.import_candidacies(&id, c).await;
        }
        let codes = match &p.codes {
            Codes::Issue => self.issue_codes(&id).await,
            Codes::CarryOver { from, codes } => {
                let d = self.carry_over_codes(&id, from).await;
                assert_eq!(d["count"].as_u64().unwrap() as usize, codes.len(), "{d}");
                codes.clone()
            }
        };
        self.derogation_if_needed(&id).await;
        match p.ceremony {
            CeremonyBy::Folder => bureau.ceremony(self, &id).await,
            CeremonyBy::Relay => bureau.ceremony_by_relay(self, &id).await,
        };
        let fingerprint = self.build_genesis(&id).await;
        match p.ceremony {
            CeremonyBy::Folder => {
                let genesis = self.folder(&id).join("genese.urne");
                self.export_archive(&id, &genesis).await;
                let seal = bureau.sign_genesis(&id, &genesis, &fingerprint);
                self.seal(&id, &seal).await;
            }
            CeremonyBy::Relay => {
                bureau.sign_genesis_on_server(self, &id, &fingerprint).await;
            }
        }
        let definition = urne_server::setup::definition(self.app.db(), &id)
            .await
            .unwrap();
        Open {
            id,
            definition,
            codes,
            fingerprint,
        }
    }

    /// The second round on this server (décret art. 5 and 6): `definition` from `urne-tally
    /// next-round`, the same roll, round 1's codes carried over (`carry-over-codes`).
    pub async fn prepare_second_round(
        &self,
        definition: &Election,
        roll_csv: &[u8],
        first: &Open,
        bureau: &Bureau,
    ) -> Open {
        self.prepare(
            &Preparation {
                definition,
                roll_csv,
                candidacies_csv: None,
                codes: Codes::CarryOver {
                    from: first.id.clone(),
                    codes: first.codes.clone(),
                },
                ceremony: CeremonyBy::Relay,
            },
            bureau,
        )
        .await
    }

    /// Registers a procuration (art. 26).
    pub async fn register_proxy(&self, id: &str, mandant: &str, mandataire: &str) {
        self.post(
            &format!("/admin/elections/{id}/procurations"),
            &[
                ("mandant", mandant),
                ("mandataire", mandataire),
                (
                    "reference",
                    &format!("formulaire de procuration de CNBF {mandant}"),
                ),
            ],
        )
        .await;
    }

    /// One ballot, as the browser and the booth do it: login with the token derived from the
    /// letter's code, the ballot page's contests (the mandant's with `proxy`, after the proxy
    /// credential is activated), `Ballot::prepare`, deposit. Returns the receipt file written in
    /// the election's folder.
    pub async fn cast(&self, open: &Open, cast: &Cast) -> PathBuf {
        let cred = open.credential(&cast.cnbf);
        let v = login(&self.app, &open.id, &cast.cnbf, &cred, cast.proxy).await;
        let p = booth_params(&self.app, &open.id).await;
        let page = if cast.proxy {
            "/vote?procuration=1"
        } else {
            "/vote"
        };
        let config = testkit::page_config(&v.get_ok(page).await);
        let contests: Vec<u32> = config["contests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["contest"].as_u64().unwrap() as u32)
            .collect();
        assert_eq!(
            contests.len(),
            cast.choices.len(),
            "CNBF {} : {} scrutin(s) au bulletin, {} choix donnés",
            cast.cnbf,
            contests.len(),
            cast.choices.len()
        );
        let (ballot_cred, proxy) = if cast.proxy {
            let mandant = CredentialPublicKey(
                Hash32::from_hex(config["mandant"].as_str().unwrap())
                    .unwrap()
                    .0,
            );
            let proxy = cred.proxy_for(&mandant);
            if config["proxy_active"] != true {
                let proxy_pk = urne::board::PublicKey(proxy.public_key().0);
                let msg = urne::board::ProxyCredential::endorsement_message(
                    &p.fingerprint,
                    &urne::board::PublicKey(mandant.0),
                    &proxy_pk,
                );
                let (s, body) = v
                    .post(
                        "/procuration",
                        serde_json::json!({
                            "proxy": proxy_pk.to_hex(),
                            "endorsement": hex(&cred.sign(&msg.0)),
                            "csrf": v.csrf,
                        }),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "procuration de {} : {body}", cast.cnbf);
            }
            (proxy, true)
        } else {
            (cred, false)
        };
        let ballot = make_ballot(&p, &ballot_cred, &contests, &cast.choices);
        let (s, body) = v.submit(&ballot, proxy).await;
        assert_eq!(s, StatusCode::OK, "bulletin de CNBF {} : {body}", cast.cnbf);
        let dir = self.folder(&format!("{}/recepisses", open.id));
        let path = dir.join(format!(
            "{}{}.json",
            cast.cnbf,
            if proxy { "-procuration" } else { "" }
        ));
        std::fs::write(&path, body["receipt"].to_string()).unwrap();
        path
    }

    /// Every ballot of `casts`, in order; their receipts.
    pub async fn cast_all(&self, open: &Open, casts: &[Cast]) -> Vec<PathBuf> {
        let mut out = Vec::with_capacity(casts.len());
        for c in casts {
            out.push(self.cast(open, c).await);
        }
        out
    }

    /// The bâtonnier closes the vote by decision of the ordre (`POST …/cloture`).
    pub async fn close(&self, id: &str) {
        self.approve(
            &format!("/admin/elections/{id}/cloture"),
            &[
                ("reason", "fin du scénario de bout en bout"),
                ("confirm", "oui"),
            ],
        )
        .await;
    }

    /// The count: the closed archive and the declarations exported, `urne-tally decrypt` by
    /// `decrypting` members, `result`, `sign` by every member, publication by the bâtonnier, and
    /// the published archive downloaded (`GET /elections/{id}/archive`).
    pub async fn count(
        &self,
        id: &str,
        bureau: &Bureau,
        decrypting: &[usize],
        place: &str,
    ) -> Counted {
        let dir = self.folder(&format!("{id}/depouillement"));
        let closed = dir.join("archive-close.urne");
        self.export_archive(id, &closed).await;
        let incidents = dir.join("incidents.json");
        let candidates = dir.join("candidatures.json");
        for (path, file) in [
            (&incidents, "incidents.json"),
            (&candidates, "candidatures.json"),
        ] {
            let r = self
                .secretariat
                .get(&format!("/admin/elections/{id}/{file}"))
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{file}");
            std::fs::write(path, r.bytes().await.unwrap()).unwrap();
        }
        let partials = bureau.decrypt(id, &closed, decrypting);
        let out = dir.join("resultat");
        let mut args: Vec<&OsStr> = vec![
            os("result"),
            os("--archive"),
            closed.as_os_str(),
            os("--candidates"),
            candidates.as_os_str(),
            os("--incidents"),
            incidents.as_os_str(),
            os("--place"),
            os(place),
            os("--out-dir"),
            out.as_os_str(),
            os("--json"),
            os("--partials"),
        ];
        args.extend(partials.iter().map(|p| p.as_os_str()));
        let report = tally_ok(&args).json();
        let pv_file = PathBuf::from(report["pv"].as_str().unwrap());
        let extended = PathBuf::from(report["archive"].as_str().unwrap());
        let all: Vec<usize> = (0..bureau.keys.len()).collect();
        bureau.sign(id, &pv_file, &all);
        let pv = Pv::from_json(&std::fs::read_to_string(&pv_file).unwrap()).unwrap();
        let admin = testkit::admin::as_user(&self.app, BATONNIER.0).await;
        urne_server::admin::publish::publish(&admin, id, &extended, &pv)
            .await
            .unwrap();
        let archive = dir.join("archive-publiee.urne");
        std::fs::write(&archive, testkit::archive(&self.app, id).await).unwrap();
        Counted {
            pv,
            pv_file,
            closed_archive: closed,
            archive,
        }
    }

    /// `urne-tally next-round`: the definition of round 2 (`new_id`, the vote from now minus a
    /// minute to `hours` hours later) from round 1's signed PV.
    pub fn next_round(&self, round1: &Counted, new_id: &str, hours: i64) -> Election {
        let now = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap();
        let out = self.folder(new_id).join("second-tour.json");
        tally_ok(&[
            os("next-round"),
            os("--pv"),
            round1.pv_file.as_os_str(),
            os("--archive"),
            round1.archive.as_os_str(),
            os("--election-id"),
            os(new_id),
            os("--opening"),
            os(&rfc3339(now - time::Duration::minutes(1))),
            os("--closing"),
            os(&rfc3339(now + time::Duration::hours(hours))),
            os("--out"),
            out.as_os_str(),
            os("--json"),
        ]);
        Election::parse(
            &std::fs::read_to_string(&out).unwrap(),
            urne::model::DefinitionFormat::Json,
            "second-tour.json",
        )
        .unwrap()
    }

    /// Stops the server.
    pub async fn stop(self) {
        self.app.stop().await;
    }
}

/// A definition for the scenarios: `barreau`, the campaign `{id}-campagne`, `bureau`, `contests`
/// (TOML or JSON values as the definition file has them), the vote open from a minute ago for
/// `hours` hours.
pub fn definition(
    barreau: &str,
    id: &str,
    bureau: &Bureau,
    contests: Value,
    hours: i64,
) -> Election {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap();
    let v = serde_json::json!({
        "barreau": barreau,
        "campaign_id": format!("{id}-campagne"),
        "election_id": id,
        "opening": rfc3339(now - time::Duration::minutes(1)),
        "closing": rfc3339(now + time::Duration::hours(hours)),
        "bureau": serde_json::to_value(bureau.definition()).unwrap(),
        "contests": contests,
    });
    Election::parse(
        &v.to_string(),
        urne::model::DefinitionFormat::Json,
        "definition.json",
    )
    .unwrap()
}

/// Per option and blank counts of one contest from `casts` (the contest at position `k` of each
/// ballot), as the PV must show them for the internet votes.
pub fn tally_of(casts: &[Cast], k: usize, options: usize) -> (Vec<u64>, u64) {
    let mut votes = vec![0u64; options];
    let mut blank = 0;
    for c in casts {
        let s = &c.choices[k];
        if s.is_empty() {
            blank += 1;
        }
        for o in s {
            votes[*o as usize] += 1;
        }
    }
    (votes, blank)
}

// ---------------------------------------------------------------------------------------------
// Definition files, several barreaux and the recensement général (CNB)
// ---------------------------------------------------------------------------------------------

/// A definition file of the repository (`tests/e2e/data/…`, TOML or JSON) as a scenario runs it,
/// with its bureau: the file's contests, candidacies and external candidates (CNB: candidates of
/// other barreaux of the circonscription, art. 26) as written; its bureau's names and threshold
/// given to [`Bureau::new`] in `dir`, whose keys (`urne-tally keygen init`) replace the file's
/// placeholder keys; the vote open from a minute ago for `hours` hours, as [`definition`].
pub fn definition_file(path: &str, dir: &Path, hours: i64) -> (Election, Bureau) {
    let file = repo().join(path);
    let mut def = Election::from_path(&file).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<String> = std::iter::once(def.bureau.batonnier.name.clone())
        .chain(def.bureau.scrutateurs.iter().map(|m| m.name.clone()))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let bureau = Bureau::new(dir, &names, def.bureau.threshold);
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap();
    def.bureau = bureau.definition();
    def.opening = now - time::Duration::minutes(1);
    def.closing = now + time::Duration::hours(hours);
    (def, bureau)
}

/// Writes the bâtonnier keys the CNB holds for each barreau (`urne-tally recensement --bureaux`:
/// `{"barreau": "clé hexadécimale"}`), from each barreau's bureau.
pub fn bureaux_file(path: &Path, barreaux: &[(&str, &Bureau)]) {
    let keys: serde_json::Map<String, Value> = barreaux
        .iter()
        .map(|(name, b)| ((*name).to_owned(), Value::from(b.public_keys[0].clone())))
        .collect();
    std::fs::write(path, Value::Object(keys).to_string()).unwrap();
}

/// The CNB bureau's recensement général (`urne-tally recensement PV… --bureaux FILE --out-dir
/// DIR --json`) over the barreaux' signed PVs; not asserted, so that a refusal can be tested. On
/// success `DIR/recensement.json` holds the national PV.
pub fn recensement(pvs: &[&Path], bureaux: &Path, out_dir: &Path) -> Run {
    let mut args: Vec<&OsStr> = vec![
        os("recensement"),
        os("--bureaux"),
        bureaux.as_os_str(),
        os("--out-dir"),
        out_dir.as_os_str(),
        os("--json"),
    ];
    args.extend(pvs.iter().map(|p| p.as_os_str()));
    tally(&args)
}

/// Copies `archive` to `out` with its genesis changed by `alter` and every other event byte for
/// byte (a dishonest server rewriting the sealed election): what the bâtonnier's seal and the hash
/// chain must expose.
pub fn with_altered_genesis(
    archive: &Path,
    out: &Path,
    alter: impl FnOnce(&mut urne::board::Genesis),
) {
    use urne::archive::{ArchiveReader, ArchiveWriter};
    use urne::board::{Event, Payload};
    let mut reader = ArchiveReader::new(std::fs::File::open(archive).unwrap()).unwrap();
    let mut events: Vec<Vec<u8>> = reader.by_ref().map(|e| e.unwrap().bytes).collect();
    let head = reader.signed_head().cloned();
    let mut genesis = Event::decode(&events[0]).unwrap();
    match &mut genesis.payload {
        Payload::Genesis(g) => alter(g),
        other => panic!("l'événement 0 n'est pas la genèse : {other:?}"),
    }
    events[0] = genesis.encode();
    let mut w = ArchiveWriter::new(std::fs::File::create(out).unwrap()).unwrap();
    for e in &events {
        w.write_event(e).unwrap();
    }
    w.finish(head.as_ref()).unwrap();
}

/// One barreau's part of a CNB election (the CNB's elections are held in every barreau, décret
/// art. 20–25), as the data files under `tests/e2e/data/{college}/` give it.
#[derive(Debug, Clone, Copy)]
pub struct BarreauElection<'a> {
    /// The barreau, as its PV names it.
    pub name: &'a str,
    /// `tests/e2e/data/{college}/{slug}.toml` (definition) and `.csv` (roll).
    pub college: &'a str,
    /// See `college`.
    pub slug: &'a str,
    /// The shared candidacies file.
    pub candidacies: &'a str,
    /// Its server's database.
    pub backend: Backend,
    /// Procurations (mandant, mandataire), registered after the seal.
    pub proxies: &'a [(&'a str, &'a str)],
    /// The bureau members who decrypt (0 the bâtonnier).
    pub decrypters: &'a [usize],
}

/// A barreau's vote run to its published, signed PV.
#[derive(Debug)]
pub struct BarreauVote {
    /// The PV and archives.
    pub counted: Counted,
    /// The electors' receipts.
    pub receipts: Vec<PathBuf>,
    /// Its bureau.
    pub bureau: Bureau,
    /// The ballots cast.
    pub casts: Vec<Cast>,
    /// The barreau's server, kept running: its work folder holds the files above.
    pub server: Scenario,
}

impl BarreauElection<'_> {
    /// On a fresh server: definition, roll, candidacies and codes, the seal, the procurations;
    /// `check` sees the open election (who got a code), `casts` says who votes what; then the
    /// close, the bureau's count and the publication.
    pub async fn run(
        &self,
        check: impl FnOnce(&Open),
        casts: impl FnOnce(&Open) -> Vec<Cast>,
    ) -> BarreauVote {
        let s = Scenario::start(self.backend).await;
        let data = format!("tests/e2e/data/{}/{}", self.college, self.slug);
        let (def, bureau) = definition_file(&format!("{data}.toml"), &s.folder("bureau"), 8);
        let open = s
            .prepare(
                &Preparation {
                    definition: &def,
                    roll_csv: &sample(&format!("{data}.csv")),
                    candidacies_csv: Some(&sample(self.candidacies)),
                    codes: Codes::Issue,
                    ceremony: CeremonyBy::Folder,
                },
                &bureau,
            )
            .await;
        check(&open);
        for (mandant, mandataire) in self.proxies {
            s.register_proxy(&open.id, mandant, mandataire).await;
        }
        let casts = casts(&open);
        let receipts = s.cast_all(&open, &casts).await;
        s.close(&open.id).await;
        let counted = s.count(&open.id, &bureau, self.decrypters, self.name).await;
        BarreauVote {
            counted,
            receipts,
            bureau,
            casts,
            server: s,
        }
    }
}

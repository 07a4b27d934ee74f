//! Load generation (issue 8 §4): simulated electors casting real ballots over HTTP.
//!
//! A simulated elector does exactly what an elector's browser and booth do (docs/api.md,
//! docs/protocol.md §3 and §5): it opens the login page (pre-session cookie and CSRF token),
//! logs in with the login token derived from its credential (never the code), opens the ballot
//! page and reads its `data-config` (fingerprint, election key, its contests and their shapes),
//! makes a real ballot with the core ([`urne::crypto::ballot::Ballot::prepare`]), deposits it and
//! keeps the server's signed receipt. An elector who already voted is redirected from the
//! ballot page to the receipt page, as in a browser: it then downloads `recepisse.json`, which is
//! how an elector whose answer was lost (a server killed between the commit and the answer)
//! gets the receipt of the ballot that was counted.
//!
//! [`drive`] runs many of those jobs either in a **closed loop** (C clients, each starting the
//! next job when its previous one ends: the server's maximal throughput) or in an **open loop**
//! (a job started every 1/R s whatever the previous ones did: latency at a fixed offered rate),
//! and [`Report`] gives ballots/s, p50/p99/max latency and the errors by kind. Used by
//! `urne-load` (the throughput target, docs/benchmarks.md), the `ballots` bench and the crash and
//! several-instances tests.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::Value;
use urne::board::Receipt;
use urne::crypto::ballot::{Ballot, ContestChoice, ContestShape, ElectionParams};
use urne::crypto::code::VoterCode;
use urne::crypto::credential::Credential;
use urne::crypto::elgamal::ElectionKey;
use urne::encoding::{Hash32, hex, unhex};

/// The step of an elector's visit that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// `GET /api/elections/{id}`.
    Election,
    /// `GET /elections/{id}/connexion`.
    LoginPage,
    /// `POST /elections/{id}/connexion`.
    Login,
    /// `GET /elections/{id}/vote`.
    BallotPage,
    /// Making the ballot in the booth.
    Booth,
    /// `POST /elections/{id}/bulletins`.
    Deposit,
    /// `GET /elections/{id}/recepisse[.json]`.
    Receipt,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Step::Election => "paramètres de l'élection",
            Step::LoginPage => "page de connexion",
            Step::Login => "connexion",
            Step::BallotPage => "page du bulletin",
            Step::Booth => "préparation du bulletin",
            Step::Deposit => "dépôt",
            Step::Receipt => "récépissé",
        })
    }
}

/// Why a simulated elector did not get its receipt.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// No HTTP answer: connection refused or reset, timeout (a server down, killed, overloaded).
    #[error("{step} : pas de réponse du serveur ({source})")]
    Transport {
        /// The step.
        step: Step,
        /// The client's error.
        source: reqwest::Error,
    },
    /// An HTTP answer other than the expected one; `code` is the API's `erreur` field.
    #[error("{step} : HTTP {status} {code} : {message}")]
    Status {
        /// The step.
        step: Step,
        /// The HTTP status.
        status: u16,
        /// `erreur` of the JSON error body (docs/api.md), or empty.
        code: String,
        /// `message` of the JSON error body, or the start of the body.
        message: String,
    },
    /// An answer that is not what the page or the API documents.
    #[error("{step} : réponse inattendue : {what}")]
    Protocol {
        /// The step.
        step: Step,
        /// What is wrong.
        what: String,
    },
}

impl LoadError {
    /// The kind, for counting errors: the step and the HTTP status and API code, or
    /// « pas de réponse ».
    pub fn kind(&self) -> String {
        match self {
            LoadError::Transport { step, .. } => format!("{step} : pas de réponse"),
            LoadError::Status {
                step, status, code, ..
            } => format!("{step} : HTTP {status} {code}"),
            LoadError::Protocol { step, .. } => format!("{step} : réponse inattendue"),
        }
    }

    /// A refusal of the ballot box because this credential already voted (docs/api.md,
    /// `POST /elections/{id}/bulletins`, 422).
    pub fn is_already_voted(&self) -> bool {
        matches!(self, LoadError::Status { step: Step::Deposit, status: 422, message, .. }
            if message.contains("déjà été déposé"))
    }

    fn protocol(step: Step, what: impl Into<String>) -> Self {
        LoadError::Protocol {
            step,
            what: what.into(),
        }
    }
}

/// What an elector holds: a CNBF number and the credential the booth derives from the code.
#[derive(Clone)]
pub struct ElectorKey {
    /// CNBF number, as typed on the login page.
    pub cnbf: String,
    /// The credential.
    pub credential: Credential,
}

impl std::fmt::Debug for ElectorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ElectorKey")
            .field("cnbf", &self.cnbf)
            .finish_non_exhaustive()
    }
}

/// A line of a codes file: CNBF number and code as printed on the letter.
#[derive(Debug)]
pub struct CodeLine {
    /// CNBF number.
    pub cnbf: String,
    /// The code.
    pub code: VoterCode,
}

/// Reads a codes file (docs/benchmarks.md; written by `urne-server demo` as
/// `DATA/demo-codes.csv`): UTF-8, comma-separated, header `cnbf,code`, one elector per line, the
/// code as printed on the letters. Errors name the file, the line and the field.
pub fn read_codes(path: &Path) -> Result<Vec<CodeLine>, String> {
    let file = path.display();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("{file} : lecture impossible : {e}"))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{file}, ligne 1 : en-tête illisible : {e}"))?
        .clone();
    if headers.len() != 2 || &headers[0] != "cnbf" || &headers[1] != "code" {
        return Err(format!(
            "{file}, ligne 1 : en-tête « cnbf,code » attendu, trouvé « {} »",
            headers.iter().collect::<Vec<_>>().join(",")
        ));
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            format!("{file}, ligne {line} : ligne illisible : {e}")
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let (Some(cnbf), Some(code)) = (record.get(0), record.get(1)) else {
            return Err(format!(
                "{file}, ligne {line} : deux champs attendus (cnbf,code)"
            ));
        };
        if cnbf.is_empty() {
            return Err(format!("{file}, ligne {line}, champ cnbf : vide"));
        }
        let code = VoterCode::parse(code)
            .map_err(|e| format!("{file}, ligne {line}, champ code : {e}"))?;
        out.push(CodeLine {
            cnbf: cnbf.to_owned(),
            code,
        });
    }
    if out.is_empty() {
        return Err(format!("{file} : aucun électeur"));
    }
    Ok(out)
}

/// The public parameters of a sealed election (`GET /api/elections/{id}`): what the booth
/// encrypts against.
#[derive(Debug, Clone)]
pub struct ElectionInfo {
    /// Election identifier.
    pub id: String,
    /// The campaign identifier, which salts the derivation of credentials from codes
    /// (docs/protocol.md §3).
    pub campaign_id: String,
    /// The election fingerprint.
    pub fingerprint: Hash32,
    /// The election key.
    pub key: ElectionKey,
    /// The ballot shape of every contest, by index.
    pub shapes: Vec<(u32, ContestShape)>,
}

/// What the ballot page gives the booth for this elector.
#[derive(Debug, Clone)]
pub struct Booth {
    /// The election fingerprint.
    pub fingerprint: Hash32,
    /// The election key.
    pub key: ElectionKey,
    /// The elector's contests and their shapes.
    pub contests: Vec<(u32, ContestShape)>,
}

/// A logged-in elector: the session cookie and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    /// `urne_session=…`.
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
}

/// What the ballot page showed.
#[derive(Debug, Clone)]
pub enum BallotPage {
    /// The ballot: the booth's parameters (boxed: the election key is large).
    Open(Box<Booth>),
    /// A redirect to the receipt page: this elector already voted.
    Voted,
}

/// An elector's receipt, and whether its ballot was deposited by this visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voted {
    /// The ballot deposited by this visit was accepted.
    Now(Receipt),
    /// The elector had already voted: the receipt downloaded from the receipt page.
    Earlier(Receipt),
}

/// How a successful job counts in a [`Report`].
pub trait Outcome {
    /// Counted in [`Report::accepted`] (a new ballot, or one ready); otherwise in
    /// [`Report::earlier`] (the elector had already voted).
    fn is_new(&self) -> bool;
}

impl Outcome for Voted {
    fn is_new(&self) -> bool {
        matches!(self, Voted::Now(_))
    }
}

impl Outcome for Readiness {
    fn is_new(&self) -> bool {
        matches!(self, Readiness::Ballot(_))
    }
}

impl Voted {
    /// The receipt.
    pub fn receipt(&self) -> &Receipt {
        match self {
            Voted::Now(r) | Voted::Earlier(r) => r,
        }
    }
}

/// One simulated visit (or part of one): its result and how long it took.
#[derive(Debug)]
pub struct Attempt<V = Voted> {
    /// The receipt (or the ready ballot), or why there is none.
    pub result: Result<V, LoadError>,
    /// Latency of the deposit request alone (`POST /bulletins`), when one was sent.
    pub deposit: Option<Duration>,
    /// The whole visit.
    pub total: Duration,
}

/// An HTTP client for one server and one election, as many electors' browsers.
#[derive(Debug, Clone)]
pub struct LoadClient {
    http: reqwest::Client,
    base: String,
    election: String,
}

fn transport(step: Step) -> impl FnOnce(reqwest::Error) -> LoadError {
    move |source| LoadError::Transport { step, source }
}

/// `name=value` of the response's `Set-Cookie` of `name`.
pub fn cookie_of(resp: &reqwest::Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    resp.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&prefix))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// Decodes the HTML entities the templates write (askama escapes `"`, `&`, `'`, `<`, `>`).
pub fn unescape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let c = match entity {
            "quot" => Some('"'),
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `data-config` JSON of a page (docs/api.md: page configuration is never an inline
/// script), if it has one.
pub fn page_config(html: &str) -> Option<Value> {
    const ATTR: &str = "data-config=\"";
    let start = html.find(ATTR)? + ATTR.len();
    let end = start + html[start..].find('"')?;
    serde_json::from_str(&unescape_html(&html[start..end])).ok()
}

/// The value of the hidden `csrf` field of a form (the logout form of the receipt page).
pub fn form_csrf(html: &str) -> Option<String> {
    const FIELD: &str = "name=\"csrf\" value=\"";
    let start = html.find(FIELD)? + FIELD.len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].to_owned())
}

/// `(index, shape)` of each contest of a JSON list (the public election's `index`, the ballot
/// page's `contest`).
fn contest_shapes(
    contests: &[Value],
    index: &str,
    step: Step,
) -> Result<Vec<(u32, ContestShape)>, LoadError> {
    contests
        .iter()
        .map(|c| {
            Ok((
                u32_field(c, index, step)?,
                ContestShape {
                    options: u32_field(c, "options", step)?,
                    max: u32_field(c, "max", step)?,
                },
            ))
        })
        .collect()
}

fn str_field<'a>(v: &'a Value, field: &str, step: Step) -> Result<&'a str, LoadError> {
    v[field]
        .as_str()
        .ok_or_else(|| LoadError::protocol(step, format!("champ « {field} » absent")))
}

fn u32_field(v: &Value, field: &str, step: Step) -> Result<u32, LoadError> {
    v[field]
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| LoadError::protocol(step, format!("champ « {field} » absent ou invalide")))
}

fn fingerprint_field(v: &Value, step: Step) -> Result<Hash32, LoadError> {
    Hash32::from_hex(str_field(v, "fingerprint", step)?)
        .map_err(|e| LoadError::protocol(step, format!("champ « fingerprint » : {e}")))
}

fn key_field(v: &Value, step: Step) -> Result<ElectionKey, LoadError> {
    let bytes = unhex(str_field(v, "election_key", step)?)
        .map_err(|e| LoadError::protocol(step, format!("champ « election_key » : {e}")))?;
    ElectionKey::decode(&bytes)
        .map_err(|e| LoadError::protocol(step, format!("champ « election_key » : {e}")))
}

/// Turns a non-success answer into [`LoadError::Status`] with the API's error fields.
async fn expect_status(
    resp: reqwest::Response,
    step: Step,
    expected: StatusCode,
) -> Result<reqwest::Response, LoadError> {
    if resp.status() == expected {
        return Ok(resp);
    }
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap_or_default();
    let (code, message) = match serde_json::from_str::<Value>(&body) {
        Ok(v) => (
            v["erreur"].as_str().unwrap_or_default().to_owned(),
            v["message"].as_str().unwrap_or_default().to_owned(),
        ),
        Err(_) => (String::new(), body.chars().take(200).collect()),
    };
    Err(LoadError::Status {
        step,
        status,
        code,
        message,
    })
}

impl LoadClient {
    /// A client of the server at `base` (`http://host:port`) for election `election`, keeping
    /// up to `connections` idle connections (one per concurrent client). Redirects are not
    /// followed: the ballot page's redirect to the receipt page says the elector has voted.
    pub fn new(base: &str, election: &str, connections: usize) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(connections.max(1))
            // The server answers within 30 s or times the request out (docs/api.md §Limits).
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| format!("client HTTP : {e}"))?;
        Ok(LoadClient {
            http,
            base: base.trim_end_matches('/').to_owned(),
            election: election.to_owned(),
        })
    }

    /// The election identifier.
    pub fn election(&self) -> &str {
        &self.election
    }

    fn url(&self, path: &str) -> String {
        format!("{}/elections/{}{path}", self.base, self.election)
    }

    /// The public parameters of the election (`GET /api/elections/{id}`).
    pub async fn election_info(&self) -> Result<ElectionInfo, LoadError> {
        let step = Step::Election;
        let resp = self
            .http
            .get(format!("{}/api/elections/{}", self.base, self.election))
            .send()
            .await
            .map_err(transport(step))?;
        let v: Value = expect_status(resp, step, StatusCode::OK)
            .await?
            .json()
            .await
            .map_err(transport(step))?;
        let contests = v["contests"].as_array().ok_or_else(|| {
            LoadError::protocol(
                step,
                "champ « contests » absent : l'élection est-elle scellée ?",
            )
        })?;
        let shapes = contest_shapes(contests, "index", step)?;
        Ok(ElectionInfo {
            id: self.election.clone(),
            campaign_id: str_field(&v, "campaign_id", step)?.to_owned(),
            fingerprint: fingerprint_field(&v, step)?,
            key: key_field(&v, step)?,
            shapes,
        })
    }

    /// Logs in as the booth does: login page (pre-session cookie and CSRF token), then the
    /// login token derived from the credential.
    pub async fn login(&self, elector: &ElectorKey) -> Result<Session, LoadError> {
        let step = Step::LoginPage;
        let resp = self
            .http
            .get(self.url("/connexion"))
            .send()
            .await
            .map_err(transport(step))?;
        let resp = expect_status(resp, step, StatusCode::OK).await?;
        let pre = cookie_of(&resp, "urne_pre")
            .ok_or_else(|| LoadError::protocol(step, "pas de cookie de pré-session"))?;
        let html = resp.text().await.map_err(transport(step))?;
        let config =
            page_config(&html).ok_or_else(|| LoadError::protocol(step, "pas de data-config"))?;
        let csrf = str_field(&config, "csrf", step)?.to_owned();
        let step = Step::Login;
        let token = hex(&elector.credential.login_token().0);
        let resp = self
            .http
            .post(self.url("/connexion"))
            .header(COOKIE, pre)
            .json(&serde_json::json!({ "cnbf": elector.cnbf, "token": token, "csrf": csrf }))
            .send()
            .await
            .map_err(transport(step))?;
        let resp = expect_status(resp, step, StatusCode::OK).await?;
        let cookie = cookie_of(&resp, "urne_session")
            .ok_or_else(|| LoadError::protocol(step, "pas de cookie de session"))?;
        Ok(Session {
            cookie,
            csrf: String::new(),
        })
    }

    async fn get_page(
        &self,
        session: &Session,
        path: &str,
        step: Step,
    ) -> Result<reqwest::Response, LoadError> {
        self.http
            .get(self.url(path))
            .header(COOKIE, &session.cookie)
            .send()
            .await
            .map_err(transport(step))
    }

    /// Opens the ballot page; sets the session's CSRF token from it.
    pub async fn ballot_page(&self, session: &mut Session) -> Result<BallotPage, LoadError> {
        let step = Step::BallotPage;
        let resp = self.get_page(session, "/vote", step).await?;
        if resp.status().is_redirection() {
            let to = resp
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if to.contains("/recepisse") {
                return Ok(BallotPage::Voted);
            }
            return Err(LoadError::protocol(
                step,
                format!("redirection vers « {to} »"),
            ));
        }
        let html = expect_status(resp, step, StatusCode::OK)
            .await?
            .text()
            .await
            .map_err(transport(step))?;
        let config = page_config(&html).ok_or_else(|| {
            LoadError::protocol(step, "pas de data-config (vote fermé ou aucun scrutin ?)")
        })?;
        session.csrf = str_field(&config, "csrf", step)?.to_owned();
        let contests = config["contests"]
            .as_array()
            .ok_or_else(|| LoadError::protocol(step, "champ « contests » absent"))?;
        let contests = contest_shapes(contests, "contest", step)?;
        Ok(BallotPage::Open(Box::new(Booth {
            fingerprint: fingerprint_field(&config, step)?,
            key: key_field(&config, step)?,
            contests,
        })))
    }

    /// Deposits a ballot (hex of its canonical bytes); the signed receipt once it is durable.
    pub async fn deposit(&self, session: &Session, ballot: &str) -> Result<Receipt, LoadError> {
        let step = Step::Deposit;
        let resp = self
            .http
            .post(self.url("/bulletins"))
            .header(COOKIE, &session.cookie)
            .json(&serde_json::json!({ "ballot": ballot, "procuration": false, "csrf": session.csrf }))
            .send()
            .await
            .map_err(transport(step))?;
        let v: Value = expect_status(resp, step, StatusCode::OK)
            .await?
            .json()
            .await
            .map_err(transport(step))?;
        let receipt = v
            .get("receipt")
            .ok_or_else(|| LoadError::protocol(step, "champ « receipt » absent"))?;
        Receipt::from_json(&receipt.to_string())
            .map_err(|e| LoadError::protocol(step, format!("récépissé illisible : {e}")))
    }

    /// The session's signed receipt (`recepisse.json`), and the CSRF token of the receipt page
    /// (so that the session can still post, e.g. a second ballot the server must refuse).
    pub async fn receipt(&self, session: &mut Session) -> Result<Receipt, LoadError> {
        let step = Step::Receipt;
        let html = expect_status(
            self.get_page(session, "/recepisse", step).await?,
            step,
            StatusCode::OK,
        )
        .await?
        .text()
        .await
        .map_err(transport(step))?;
        if let Some(csrf) = form_csrf(&html) {
            session.csrf = csrf;
        }
        let text = expect_status(
            self.get_page(session, "/recepisse.json", step).await?,
            step,
            StatusCode::OK,
        )
        .await?
        .text()
        .await
        .map_err(transport(step))?;
        Receipt::from_json(&text)
            .map_err(|e| LoadError::protocol(step, format!("récépissé illisible : {e}")))
    }

    /// A whole visit: [`LoadClient::ready`] then the deposit; or, for an elector who already
    /// voted, the receipt page. `variant` picks the choices ([`choices`]).
    pub async fn vote(&self, elector: &ElectorKey, variant: usize) -> Attempt {
        let start = Instant::now();
        let mut deposit = None;
        let result = self.vote_inner(elector, variant, &mut deposit).await;
        Attempt {
            result,
            deposit,
            total: start.elapsed(),
        }
    }

    async fn vote_inner(
        &self,
        elector: &ElectorKey,
        variant: usize,
        deposit: &mut Option<Duration>,
    ) -> Result<Voted, LoadError> {
        let ready = match self.ready(elector, variant).await? {
            Readiness::Voted(r) => return Ok(Voted::Earlier(r)),
            Readiness::Ballot(ready) => ready,
        };
        let t = Instant::now();
        let r = self.deposit(&ready.session, &ready.ballot).await;
        *deposit = Some(t.elapsed());
        Ok(Voted::Now(r?))
    }

    /// Everything before the deposit: login, ballot page, the ballot made by the booth (on a
    /// blocking thread: it is the elector's CPU, not the server's); or the receipt of an elector
    /// who already voted.
    pub async fn ready(
        &self,
        elector: &ElectorKey,
        variant: usize,
    ) -> Result<Readiness, LoadError> {
        let mut session = self.login(elector).await?;
        let booth = match self.ballot_page(&mut session).await? {
            BallotPage::Voted => return Ok(Readiness::Voted(self.receipt(&mut session).await?)),
            BallotPage::Open(b) => b,
        };
        let credential = elector.credential.clone();
        let ballot = tokio::task::spawn_blocking(move || make_ballot(&booth, &credential, variant))
            .await
            .map_err(|e| LoadError::protocol(Step::Booth, e.to_string()))??;
        Ok(Readiness::Ballot(Ready { session, ballot }))
    }
}

/// A logged-in elector with its ballot made, ready to deposit it.
#[derive(Debug, Clone)]
pub struct Ready {
    /// The session.
    pub session: Session,
    /// The ballot (hex of its canonical bytes).
    pub ballot: String,
}

/// What [`LoadClient::ready`] found.
#[derive(Debug, Clone)]
pub enum Readiness {
    /// Ready to deposit.
    Ballot(Ready),
    /// Already voted: the receipt page's receipt.
    Voted(Receipt),
}

/// The choices of variant `variant`: in each contest, one option (`variant` modulo the number of
/// options, shifted per contest), and a blank vote one time in seven — an arbitrary but
/// reproducible spread of the votes.
pub fn choices(contests: &[(u32, ContestShape)], variant: usize) -> Vec<ContestChoice> {
    contests
        .iter()
        .map(|(contest, shape)| ContestChoice {
            contest: *contest,
            selected: if variant % 7 == 6 || shape.options == 0 {
                vec![]
            } else {
                let options = shape.options as usize;
                vec![((variant + *contest as usize) % options) as u32]
            },
        })
        .collect()
}

/// Makes the ballot of `credential` for the booth's contests, as the booth does
/// (docs/protocol.md §5): hex of its canonical bytes.
pub fn make_ballot(
    booth: &Booth,
    credential: &Credential,
    variant: usize,
) -> Result<String, LoadError> {
    let params =
        ElectionParams::with_contests(booth.fingerprint, booth.key, booth.contests.clone())
            .map_err(|e| LoadError::protocol(Step::Booth, e.to_string()))?;
    let ballot = Ballot::prepare(
        &params,
        credential,
        &choices(&booth.contests, variant),
        &mut rand::rng(),
    )
    .map_err(|e| LoadError::protocol(Step::Booth, e.to_string()))?;
    Ok(hex(&ballot.encode()))
}

/// How jobs are started.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// `clients` concurrent clients, each starting its next job when the previous one ends.
    Closed {
        /// Concurrent clients.
        clients: usize,
    },
    /// One job every `1/rate` s, whatever the previous ones did.
    Open {
        /// Jobs per second offered.
        rate: f64,
    },
}

/// Jobs finished so far, readable while [`drive`] runs (the crash test kills the server once
/// some receipts were received).
#[derive(Debug, Default)]
pub struct Progress {
    /// Jobs that ended with a receipt.
    pub ok: AtomicUsize,
    /// Jobs that ended with an error.
    pub failed: AtomicUsize,
}

/// The first phase of a load: each elector `(variant, key)` logs in, opens the ballot page and has
/// its ballot made, at `pace`; nothing is deposited yet.
pub async fn ready_all(
    client: &LoadClient,
    electors: Vec<(usize, ElectorKey)>,
    pace: Pace,
) -> (Vec<Attempt<Readiness>>, Duration) {
    let c = client.clone();
    drive(
        electors,
        pace,
        Arc::new(Progress::default()),
        move |(k, e)| {
            let c = c.clone();
            async move {
                let t = Instant::now();
                let result = c.ready(&e, k).await;
                Attempt {
                    result,
                    deposit: None,
                    total: t.elapsed(),
                }
            }
        },
    )
    .await
}

/// Runs `job` on every item at `pace`; the attempts in the items' order, and the wall time.
pub async fn drive<T, V, F, Fut>(
    items: Vec<T>,
    pace: Pace,
    progress: Arc<Progress>,
    job: F,
) -> (Vec<Attempt<V>>, Duration)
where
    T: Send + 'static,
    V: Send + 'static,
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Attempt<V>> + Send + 'static,
{
    let n = items.len();
    let job = Arc::new(job);
    let record = move |progress: &Progress, a: &Attempt<V>| {
        let counter = if a.result.is_ok() {
            &progress.ok
        } else {
            &progress.failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    };
    let start = Instant::now();
    let mut slots: Vec<Option<Attempt<V>>> = (0..n).map(|_| None).collect();
    match pace {
        Pace::Closed { clients } => {
            let queue = Arc::new(std::sync::Mutex::new(
                items.into_iter().enumerate().rev().collect::<Vec<_>>(),
            ));
            let mut workers = tokio::task::JoinSet::new();
            for _ in 0..clients.max(1) {
                let queue = queue.clone();
                let job = job.clone();
                let progress = progress.clone();
                workers.spawn(async move {
                    let mut out = Vec::new();
                    loop {
                        // A poisoned lock only means another worker panicked: its items stay
                        // in the queue for this one.
                        let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop();
                        let Some((k, item)) = next else { break };
                        let a = job(item).await;
                        record(&progress, &a);
                        out.push((k, a));
                    }
                    out
                });
            }
            while let Some(done) = workers.join_next().await {
                if let Ok(out) = done {
                    for (k, a) in out {
                        slots[k] = Some(a);
                    }
                }
            }
        }
        Pace::Open { rate } => {
            let period = Duration::from_secs_f64(1.0 / rate.max(f64::MIN_POSITIVE));
            let mut tasks = tokio::task::JoinSet::new();
            for (k, item) in items.into_iter().enumerate() {
                let due = start + period.mul_f64(k as f64);
                let job = job.clone();
                let progress = progress.clone();
                tasks.spawn(async move {
                    tokio::time::sleep_until(due.into()).await;
                    let a = job(item).await;
                    record(&progress, &a);
                    (k, a)
                });
            }
            while let Some(done) = tasks.join_next().await {
                if let Ok((k, a)) = done {
                    slots[k] = Some(a);
                }
            }
        }
    }
    let wall = start.elapsed();
    // A job whose task panicked has no attempt; it is reported as such rather than dropped.
    let attempts = slots
        .into_iter()
        .map(|s| {
            s.unwrap_or_else(|| Attempt {
                result: Err(LoadError::protocol(Step::Deposit, "tâche interrompue")),
                deposit: None,
                total: Duration::ZERO,
            })
        })
        .collect();
    (attempts, wall)
}

/// The figures of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// What was measured (« dépôt, 64 clients »…).
    pub name: String,
    /// What [`Report::per_second`] counts (« bulletins », « électeurs prêts »).
    pub unit: String,
    /// Jobs run.
    pub attempted: usize,
    /// Ballots accepted by this run (new receipts), or electors made ready.
    pub accepted: usize,
    /// Electors who had already voted (receipt downloaded).
    pub earlier: usize,
    /// Wall time, seconds.
    pub seconds: f64,
    /// [`Report::accepted`] per second of wall time (ballots/s).
    pub per_second: f64,
    /// Latency percentiles of the deposit requests (or of the whole jobs when none deposited),
    /// milliseconds.
    pub p50_ms: f64,
    /// 99th percentile, milliseconds.
    pub p99_ms: f64,
    /// Largest latency, milliseconds.
    pub max_ms: f64,
    /// Errors by kind ([`LoadError::kind`]).
    pub errors: BTreeMap<String, usize>,
}

/// The `p`-quantile (nearest rank) of sorted latencies.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

impl Report {
    /// The figures of `attempts` run in `wall`.
    pub fn new<V: Outcome>(
        name: impl Into<String>,
        unit: impl Into<String>,
        attempts: &[Attempt<V>],
        wall: Duration,
    ) -> Self {
        let mut latencies: Vec<Duration> = attempts.iter().filter_map(|a| a.deposit).collect();
        if latencies.is_empty() {
            latencies = attempts.iter().map(|a| a.total).collect();
        }
        latencies.sort();
        let mut errors = BTreeMap::new();
        let (mut accepted, mut earlier) = (0, 0);
        for a in attempts {
            match &a.result {
                Ok(v) if v.is_new() => accepted += 1,
                Ok(_) => earlier += 1,
                Err(e) => *errors.entry(e.kind()).or_insert(0) += 1,
            }
        }
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let seconds = wall.as_secs_f64();
        Report {
            name: name.into(),
            unit: unit.into(),
            attempted: attempts.len(),
            accepted,
            earlier,
            seconds,
            per_second: if seconds > 0.0 {
                accepted as f64 / seconds
            } else {
                0.0
            },
            p50_ms: ms(percentile(&latencies, 0.50)),
            p99_ms: ms(percentile(&latencies, 0.99)),
            max_ms: ms(latencies.last().copied().unwrap_or_default()),
            errors,
        }
    }

    /// Jobs that ended with an error.
    pub fn failed(&self) -> usize {
        self.errors.values().sum()
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} : {} {}, {} refusés ou échoués en {:.2} s -> {:.0} {}/s ; \
             latence p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            self.name,
            self.accepted,
            self.unit,
            self.failed(),
            self.seconds,
            self.per_second,
            self.unit,
            self.p50_ms,
            self.p99_ms,
            self.max_ms
        )?;
        if self.earlier > 0 {
            write!(f, " ; {} avaient déjà voté", self.earlier)?;
        }
        for (kind, n) in &self.errors {
            write!(f, "\n  {n} × {kind}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn a_codes_file_with_a_bad_code_names_its_line_and_field() {
        let dir = std::env::temp_dir().join(format!("urne-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("codes.csv");
        let good = VoterCode::generate(&mut rand::rng()).to_printed();
        std::fs::write(&path, format!("cnbf,code\n70001,{good}\n70002,ABCD-EFGH\n")).unwrap();
        let e = read_codes(&path).unwrap_err();
        assert!(e.contains("ligne 3, champ code"), "{e}");
        std::fs::write(&path, format!("cnbf,code\n70001,{good}\n")).unwrap();
        let codes = read_codes(&path).unwrap();
        assert_eq!(codes.len(), 1);
        assert_eq!(codes[0].code.to_printed(), good);
        std::fs::write(&path, "numero,code\n").unwrap();
        assert!(read_codes(&path).unwrap_err().contains("ligne 1"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn percentiles_are_nearest_rank_and_empty_is_zero() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&d, 0.5), Duration::from_millis(51));
        assert_eq!(percentile(&d, 0.99), Duration::from_millis(99));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }

    #[test]
    fn choices_stay_within_each_contest_and_include_blank_votes() {
        let shapes = [
            (0, ContestShape { options: 3, max: 1 }),
            (1, ContestShape { options: 4, max: 2 }),
        ];
        let mut blank = 0;
        for v in 0..50 {
            for c in choices(&shapes, v) {
                let options = shapes[c.contest as usize].1.options;
                assert!(c.selected.iter().all(|&s| s < options));
                blank += usize::from(c.selected.is_empty());
            }
        }
        assert!(blank > 0);
    }

    #[test]
    fn page_config_reads_the_escaped_data_config_attribute() {
        let html = r#"<main data-config="{&#34;csrf&#34;:&#34;a&amp;b&#34;}"></main>"#;
        assert_eq!(page_config(html).unwrap()["csrf"], "a&b");
        assert!(page_config("<main></main>").is_none());
    }
}

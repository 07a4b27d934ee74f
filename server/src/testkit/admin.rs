//! The staff's side (feature `test-support`): a staff member's browser over HTTP (login, forms
//! and uploads with the CSRF token, JSON answers), the bureau's members running the key ceremony
//! through the server's relay exactly as `urne-tally keygen` does (signed messages, transport keys,
//! encrypted shares), and the letters' text through `pdftotext`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::admin::{Actor, Admin};
use ed25519_dalek::SigningKey;
use reqwest::StatusCode;
use serde_json::Value;
use urne::ceremony::{Ceremony, DkgMessage, Step, encode_complaints};
use urne::crypto::dkg::{
    Complaint, TransportSecret, TrusteeSecret, batonnier_keygen, deal, open_share, transport_keygen,
};
use urne::model::{Bureau, BureauMember, PublicKeyBytes};

use super::{Backend, TestApp, client, set_cookie};

/// The console's admin context on the test server (what `urne-server admin` without `--as`
/// uses).
pub fn console(app: &TestApp) -> Admin {
    crate::web::admin::admin_of(app.state(), Actor::console("test"))
}

/// The admin context of a staff account.
pub async fn as_user(app: &TestApp, login: &str) -> Admin {
    let actor = crate::admin::accounts::actor(app.db(), login)
        .await
        .unwrap()
        .expect("compte");
    crate::web::admin::admin_of(app.state(), actor)
}

/// Creates a staff account with `password`.
pub async fn create_user(app: &TestApp, login: &str, role: &str, password: &str) {
    crate::admin::accounts::create_user(
        &console(app),
        login,
        &format!("Me {login}"),
        crate::admin::Role::parse(role).unwrap(),
        password,
    )
    .await
    .unwrap();
}

/// A staff member's browser.
#[derive(Debug, Clone)]
pub struct StaffClient {
    pub client: reqwest::Client,
    pub base: String,
    pub cookie: String,
    pub csrf: String,
}

/// The login page's pre-session cookie and CSRF token (JSON).
pub async fn login_page(app: &TestApp) -> (String, String) {
    let r = client()
        .get(app.url("/admin/connexion"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let pre = set_cookie(&r, "urne_admin_pre").expect("pre-session cookie");
    let v: Value = r.json().await.unwrap();
    (pre, v["csrf"].as_str().unwrap().to_owned())
}

/// Posts the login form; returns the response.
pub async fn post_login(app: &TestApp, login: &str, password: &str) -> reqwest::Response {
    let (pre, csrf) = login_page(app).await;
    client()
        .post(app.url("/admin/connexion"))
        .header(reqwest::header::COOKIE, pre)
        .header("accept", "application/json")
        .form(&[("login", login), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .unwrap()
}

/// A multipart body: `(field, file name, bytes)`; text fields have an empty file name.
pub fn multipart(fields: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let mut b = [0u8; 12];
    rand::fill(&mut b);
    let boundary = format!("urne{}", urne::encoding::hex(&b));
    let mut body = Vec::new();
    for (name, file, bytes) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        if file.is_empty() {
            body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            );
        } else {
            body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl StaffClient {
    /// Logs in (JSON answers).
    pub async fn login(app: &TestApp, login: &str, password: &str) -> StaffClient {
        let r = post_login(app, login, password).await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "connexion d'administration refusée"
        );
        let cookie = set_cookie(&r, "urne_admin").expect("cookie de session");
        let v: Value = r.json().await.unwrap();
        StaffClient {
            client: client(),
            base: app.base.clone(),
            cookie,
            csrf: v["csrf"].as_str().unwrap().to_owned(),
        }
    }

    /// `GET` with JSON answer.
    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, &self.cookie)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    /// `GET` of a page or a file.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, &self.cookie)
            .send()
            .await
            .unwrap()
    }

    /// `POST` of a form (the CSRF token added), JSON answer.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, Value) {
        let mut f: Vec<(&str, &str)> = fields.to_vec();
        f.push(("csrf", &self.csrf));
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, &self.cookie)
            .header("accept", "application/json")
            .form(&f)
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    /// `POST` of a form, the page answered (HTML).
    pub async fn post_form_html(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let mut f: Vec<(&str, &str)> = fields.to_vec();
        f.push(("csrf", &self.csrf));
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, &self.cookie)
            .form(&f)
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.text().await.unwrap())
    }

    /// `POST` of a multipart form (the CSRF token added), JSON answer.
    pub async fn post_upload(
        &self,
        path: &str,
        fields: &[(&str, &str, &[u8])],
    ) -> (StatusCode, Value) {
        let mut f: Vec<(&str, &str, &[u8])> = fields.to_vec();
        f.push(("csrf", "", self.csrf.as_bytes()));
        let (ct, body) = multipart(&f);
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, &self.cookie)
            .header("accept", "application/json")
            .header(reqwest::header::CONTENT_TYPE, ct)
            .body(body)
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }
}

/// The bureau: the bâtonnier (member 0) and the scrutateurs, with their signing keys and, after
/// the ceremony, their decryption secrets.
pub struct TestBureau {
    pub names: Vec<String>,
    pub keys: Vec<SigningKey>,
    pub threshold: u32,
    pub batonnier_secret: Option<TrusteeSecret>,
    pub transport: Vec<TransportSecret>,
    pub shares: Vec<TrusteeSecret>,
}

impl std::fmt::Debug for TestBureau {
    // The secrets stay out of test output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestBureau")
            .field("names", &self.names)
            .field("threshold", &self.threshold)
            .field("shares", &self.shares.len())
            .finish_non_exhaustive()
    }
}

impl TestBureau {
    /// The bâtonnier and `n` scrutateurs, threshold `t`, fresh keys.
    pub fn new(n: usize, t: u32) -> TestBureau {
        let mut names = vec!["Me Anne Aubert".to_owned()];
        let mut keys = vec![SigningKey::generate(&mut rand::rng())];
        for i in 1..=n {
            names.push(format!("Me Scrutateur {i}"));
            keys.push(SigningKey::generate(&mut rand::rng()));
        }
        TestBureau {
            names,
            keys,
            threshold: t,
            batonnier_secret: None,
            transport: vec![],
            shares: vec![],
        }
    }

    /// As the definition names it.
    pub fn definition(&self) -> Bureau {
        let m = |i: usize| BureauMember {
            name: self.names[i].clone(),
            public_key: PublicKeyBytes(self.keys[i].verifying_key().to_bytes()),
        };
        Bureau {
            batonnier: m(0),
            scrutateurs: (1..self.keys.len()).map(m).collect(),
            threshold: self.threshold,
        }
    }

    /// Runs the key ceremony through the server's relay (`/ceremonies/{id}…`,
    /// docs/api-ceremony.md §5), each member doing what `urne-tally keygen step` does. Returns the
    /// relay's status of the ceremony afterwards.
    pub async fn ceremony(&mut self, app: &TestApp, election: &str) -> Value {
        let c = client();
        // The ordre hands the ceremony file over; the members then use the relay.
        let id = crate::admin::ceremony::ceremony(app.db(), election)
            .await
            .unwrap()
            .id();
        let base = app.url(&format!("/ceremonies/{}", id.to_hex()));
        let text = c.get(&base).send().await.unwrap().text().await.unwrap();
        let ceremony = Ceremony::from_json(&text).unwrap();
        assert_eq!(ceremony.id(), id);
        let params = ceremony.params().unwrap();
        let cid = ceremony.id();
        let post = |m: DkgMessage| {
            let c = c.clone();
            let url = format!("{base}/messages");
            async move {
                let r = c
                    .post(url)
                    .header("content-type", "application/json")
                    .body(m.to_json())
                    .send()
                    .await
                    .unwrap();
                let s = r.status();
                let v: Value = r.json().await.unwrap();
                assert_eq!(s, StatusCode::CREATED, "{v}");
                v
            }
        };
        let mut rng = rand::rng();
        // A new ceremony (a second round's) starts from fresh transport keys.
        self.transport.clear();
        self.shares.clear();
        let (bs, bk) = batonnier_keygen(&params, &mut rng);
        self.batonnier_secret = Some(bs);
        post(DkgMessage::sign(
            cid,
            0,
            Step::BatonnierKey,
            &bk.encode(),
            &self.keys[0],
        ))
        .await;
        let n = self.keys.len() as u32 - 1;
        let mut tks = Vec::new();
        for i in 1..=n {
            let (s, tk) = transport_keygen(&params, i, &mut rng).unwrap();
            self.transport.push(s);
            post(DkgMessage::sign(
                cid,
                i,
                Step::TransportKey,
                &tk.encode(),
                &self.keys[i as usize],
            ))
            .await;
            tks.push(tk);
        }
        let mut dealings = Vec::new();
        for i in 1..=n {
            let d = deal(&params, i, &tks, &mut rng).unwrap();
            post(DkgMessage::sign(
                cid,
                i,
                Step::Dealing,
                &d.encode(),
                &self.keys[i as usize],
            ))
            .await;
            dealings.push(d);
        }
        let mut last = Value::Null;
        for i in 1..=n {
            let me = &self.transport[i as usize - 1];
            let complaints: Vec<Complaint> = dealings
                .iter()
                .filter_map(|d| open_share(&params, me, d, &mut rng).err().map(|c| *c))
                .collect();
            last = post(DkgMessage::sign(
                cid,
                i,
                Step::Complaints,
                &encode_complaints(&complaints),
                &self.keys[i as usize],
            ))
            .await;
        }
        // Each scrutateur's share, from the transcript the relay published.
        let keys: Value = c
            .get(format!("{base}/keys"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let t = urne::crypto::dkg::DkgTranscript::decode(
            &urne::encoding::unhex(keys["transcript"].as_str().unwrap()).unwrap(),
        )
        .unwrap();
        self.shares = self
            .transport
            .iter()
            .map(|s| t.key_share(s).unwrap())
            .collect();
        let _ = last;
        serde_json::to_value(
            crate::admin::ceremony::status(app.db(), election)
                .await
                .unwrap(),
        )
        .unwrap()
    }
}

/// The text of a PDF by `pdftotext -layout`; pages separated by form feeds.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("urne-pdf-{}", {
        let mut b = [0u8; 6];
        rand::fill(&mut b);
        urne::encoding::hex(&b)
    }));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (paquet poppler-utils)");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "pdftotext : {:?}", out.status);
    String::from_utf8(out.stdout).unwrap()
}

/// `(CNBF, code)` of every letter of a letters' PDF text, in page order.
pub fn codes_of_letters(text: &str) -> Vec<(String, String)> {
    let alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    text.split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(|page| {
            let cnbf = page
                .split("Votre numéro CNBF : ")
                .nth(1)
                .map(|s| {
                    s.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                })
                .expect("numéro CNBF dans le courrier");
            let code = page
                .split_whitespace()
                .find(|w| {
                    w.len() == 29
                        && w.split('-').count() == 6
                        && w.split('-')
                            .all(|g| g.len() == 4 && g.chars().all(|c| alphabet.contains(c)))
                })
                .expect("code dans le courrier")
                .to_owned();
            (cnbf, code)
        })
        .collect()
}

/// Whether `needle` appears anywhere in the database (SQLite: the files; PostgreSQL: every row
/// of every table as text).
pub async fn database_contains(app: &TestApp, needle: &str) -> bool {
    match app.backend {
        Backend::Sqlite => {
            let mut all = Vec::new();
            for suffix in ["", "-wal", "-shm"] {
                if let Ok(b) = std::fs::read(app.dir.join(format!("urne.sqlite3{suffix}"))) {
                    all.extend(b);
                }
            }
            let n = needle.as_bytes();
            all.windows(n.len()).any(|w| w == n)
        }
        Backend::Postgres => {
            for table in [
                "elections",
                "rolls",
                "electors",
                "procurations",
                "credentials",
                "events",
                "ballots",
                "heads",
                "sessions",
                "admin_users",
                "admin_sessions",
                "audit_log",
                "election_admin",
                "pending_rolls",
                "ceremony_messages",
                "incidents",
            ] {
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT CAST(t AS TEXT) FROM {table} t"
                )))
                .fetch_all(app.db().read())
                .await
                .unwrap();
                if rows.iter().any(|r| r.contains(needle)) {
                    return true;
                }
            }
            false
        }
    }
}

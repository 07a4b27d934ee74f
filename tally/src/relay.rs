//! The HTTP client of the server's ceremony relay (docs/api-ceremony.md §5), for `urne-tally
//! keygen step --relay` and `keygen status --relay`, and of its seal endpoint, for `urne-tally
//! sign-genesis --server` ([`Server`]).
//!
//! A relay is a shared folder behind HTTP: the program reads the ceremony file and the messages,
//! does every step it can, and posts its new messages. Nothing the server sends is trusted: the
//! ceremony file must have the id of the address the ordre gave (the id is a hash of the file, so
//! the server cannot substitute another barreau, election, bureau or threshold), and every message
//! is checked again here (`CeremonyBoard::add`: author's signature, ceremony, step). The server can
//! withhold messages, never forge one. Secrets never travel: the shares are encrypted to each
//! recipient's transport key before they are posted.

use crate::error::{TallyError, TallyResult, cannot, refused};
use std::time::Duration;
use urne::ceremony::{BureauKeysFile, Ceremony, CeremonyBoard, DkgMessage};
use urne::encoding::Hash32;

/// How long one request may take before the program gives up (the relay answers at once; a
/// longer wait is a network problem to report, not to hide).
const TIMEOUT: Duration = Duration::from_secs(60);

/// The relay of one ceremony: `https://server/ceremonies/{id}`.
#[derive(Debug)]
pub struct Relay {
    /// The address as given, without a trailing slash.
    url: String,
    /// The ceremony id the address names.
    id: Hash32,
    client: reqwest::blocking::Client,
}

/// What the relay answered to a posted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// 201: stored.
    Stored,
    /// 200: the same message was already there.
    AlreadyThere,
}

/// Parses the address of a ceremony's relay: `http(s)://host[:port][/prefix]/ceremonies/{64
/// hex}` (the address on the server's « Cérémonie des clés » page), with an optional trailing
/// slash. Returns the address without the slash and the ceremony id.
pub fn parse_url(url: &str) -> TallyResult<(String, Hash32)> {
    let trimmed = url.trim().trim_end_matches('/');
    let bad = |why: &str| {
        cannot(format!(
            "--relay « {url} » : {why} ; l'adresse attendue est celle de la page « Cérémonie des \
             clés » du serveur : https://…/ceremonies/IDENTIFIANT (64 caractères hexadécimaux)"
        ))
    };
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| bad("l'adresse doit commencer par https://"))?;
    let (before, id) = rest
        .rsplit_once("/ceremonies/")
        .ok_or_else(|| bad("« /ceremonies/ » manque"))?;
    if before.is_empty() || before.starts_with('/') {
        return Err(bad("le nom du serveur manque"));
    }
    let id = Hash32::from_hex(id).map_err(|e| bad(&format!("identifiant de cérémonie : {e}")))?;
    Ok((trimmed.to_owned(), id))
}

/// Whether `url` (already parsed) names this machine: plain http is then only local traffic.
fn is_loopback(url: &str) -> bool {
    let host = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let host = host.split('/').next().unwrap_or_default();
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The `{"error": "…"}` of a relay answer, or the body itself.
fn relay_message(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
        .unwrap_or_else(|| body.chars().take(300).collect())
}

/// The HTTP client for `url`, with a warning on stderr for plain http to another machine:
/// integrity does not rest on TLS (ids and fingerprints pin what is fetched, every message and
/// seal is signed, the shares are encrypted), but the traffic should not be readable or
/// alterable by whoever sits on the network.
fn client(url: &str) -> TallyResult<reqwest::blocking::Client> {
    if url.starts_with("http://") && !is_loopback(url) {
        eprintln!(
            "Attention : {url} n'est pas chiffrée (http://) ; les messages restent signés, mais \
             préférez l'adresse en https:// du serveur."
        );
    }
    reqwest::blocking::Client::builder()
        .timeout(TIMEOUT)
        .user_agent(concat!("urne-tally/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| cannot(format!("client HTTP : {e}")))
}

/// Sends `req` to `url`; the error says the server could not be reached.
fn send(
    req: reqwest::blocking::RequestBuilder,
    url: &str,
) -> TallyResult<reqwest::blocking::Response> {
    req.send()
        .map_err(|e| cannot(format!("{url} : le serveur ne répond pas : {e}")))
}

/// `POST url` with a JSON body: the status and the answer's text.
fn post_json(
    client: &reqwest::blocking::Client,
    url: &str,
    body: String,
) -> TallyResult<(u16, String)> {
    let r = send(
        client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body),
        url,
    )?;
    let status = r.status().as_u16();
    Ok((status, r.text().unwrap_or_default()))
}

/// The error for a posted `what` the server did not take: its refusals (400 malformed, 403
/// signature or rule, 409 conflict or closed) with its words, anything else as a failure to run.
fn not_taken(url: &str, what: &str, status: u16, body: &str) -> TallyError {
    match status {
        400 | 403 | 409 => refused(format!(
            "{url} : {what} refusé par le serveur : {}",
            relay_message(body)
        )),
        _ => cannot(format!(
            "{url} : {what} : le serveur répond {status} : {}",
            relay_message(body)
        )),
    }
}

/// The voting server, for the bâtonnier's seal (`sign-genesis --server`): the genesis it
/// exports (`GET /elections/{id}/archive`) and the seal it takes (`POST /elections/{id}/seal`,
/// docs/api-ceremony.md §4 and §5).
#[derive(Debug)]
pub struct Server {
    /// `https://host[/prefix]`, without a trailing slash.
    url: String,
    client: reqwest::blocking::Client,
}

impl Server {
    /// The server at `url` (`https://vote.barreau.fr`, as in the letters to the electors).
    pub fn new(url: &str) -> TallyResult<Server> {
        let url = url.trim().trim_end_matches('/').to_owned();
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.split("://").nth(1).is_none_or(|h| h.is_empty())
        {
            return Err(cannot(format!(
                "--server « {url} » : l'adresse du serveur de vote est attendue, par exemple \
                 https://vote.barreau-exemple.fr"
            )));
        }
        let client = client(&url)?;
        Ok(Server { url, client })
    }

    /// The archive of `election` as the server exports it (before the seal: the genesis alone).
    pub fn archive(&self, election: &str) -> TallyResult<Vec<u8>> {
        let url = format!("{}/elections/{election}/archive", self.url);
        let r = send(self.client.get(&url), &url)?;
        let status = r.status().as_u16();
        if status != 200 {
            let body = r.text().unwrap_or_default();
            return Err(cannot(format!(
                "{url} : le serveur répond {status} : {}",
                relay_message(&body)
            )));
        }
        r.bytes()
            .map(|b| b.to_vec())
            .map_err(|e| cannot(format!("{url} : réponse illisible : {e}")))
    }

    /// Posts the seal file (JSON); the server's refusals come back with its words.
    pub fn seal(&self, election: &str, seal_json: &str) -> TallyResult<()> {
        let url = format!("{}/elections/{election}/seal", self.url);
        match post_json(&self.client, &url, seal_json.to_owned())? {
            (201, _) => Ok(()),
            (status, body) => Err(not_taken(&url, "sceau", status, &body)),
        }
    }
}

impl Relay {
    /// The relay at `url` (see [`parse_url`]).
    pub fn new(url: &str) -> TallyResult<Relay> {
        let (url, id) = parse_url(url)?;
        let client = client(&url)?;
        Ok(Relay { url, id, client })
    }

    /// The address of the relay.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `GET path`: the status and the body, or why the server could not be reached.
    fn get(&self, path: &str) -> TallyResult<(u16, String)> {
        let url = format!("{}{path}", self.url);
        let r = send(self.client.get(&url), &url)?;
        let status = r.status().as_u16();
        let body = r
            .text()
            .map_err(|e| cannot(format!("{url} : réponse illisible : {e}")))?;
        Ok((status, body))
    }

    /// A 200 answer's body; anything else is an error naming the address.
    fn get_ok(&self, path: &str) -> TallyResult<String> {
        let (status, body) = self.get(path)?;
        match status {
            200 => Ok(body),
            404 => Err(cannot(format!(
                "{}{path} : {} (vérifier l'adresse remise par l'ordre)",
                self.url,
                relay_message(&body)
            ))),
            _ => Err(cannot(format!(
                "{}{path} : le serveur répond {status} : {}",
                self.url,
                relay_message(&body)
            ))),
        }
    }

    /// The ceremony file, checked against the id of the address.
    pub fn ceremony(&self) -> TallyResult<Ceremony> {
        let body = self.get_ok("")?;
        let c = Ceremony::from_json(&body).map_err(|e| {
            refused(format!(
                "{} : fichier de cérémonie invalide : {e}",
                self.url
            ))
        })?;
        if c.id() != self.id {
            return Err(refused(format!(
                "{} : le serveur a envoyé la cérémonie {}… au lieu de {}… : ce n'est pas la \
                 cérémonie de cette adresse, ne continuez pas et prévenez l'ordre",
                self.url,
                &c.id().to_hex()[..16],
                &self.id.to_hex()[..16]
            )));
        }
        Ok(c)
    }

    /// The ceremony with every message the relay holds, each checked again.
    pub fn board(&self) -> TallyResult<CeremonyBoard> {
        let ceremony = self.ceremony()?;
        let mut board =
            CeremonyBoard::new(ceremony).map_err(|e| refused(format!("{} : {e}", self.url)))?;
        let body = self.get_ok("/messages")?;
        let where_ = format!("{}/messages", self.url);
        let v: serde_json::Value = serde_json::from_str(&body)
            .map_err(|e| refused(format!("{where_} : réponse illisible : {e}")))?;
        let list = v
            .get("messages")
            .and_then(|m| m.as_array())
            .ok_or_else(|| refused(format!("{where_} : champ « messages » absent")))?;
        for (n, m) in list.iter().enumerate() {
            let m = DkgMessage::from_json(&m.to_string())
                .map_err(|e| refused(format!("{where_} : message n° {} : {e}", n + 1)))?;
            let name = m.file_name();
            board
                .add(m)
                .map_err(|e| refused(format!("{where_} : {name} : {e}")))?;
        }
        Ok(board)
    }

    /// Posts one message. The relay's refusals (400 malformed, 403 signature or step, 409 a
    /// different message already there or the ceremony closed) come back with its words.
    pub fn post(&self, m: &DkgMessage) -> TallyResult<Posted> {
        let url = format!("{}/messages", self.url);
        match post_json(&self.client, &url, m.to_json())? {
            (201, _) => Ok(Posted::Stored),
            (200, _) => Ok(Posted::AlreadyThere),
            (status, body) => Err(not_taken(&url, &m.file_name(), status, &body)),
        }
    }

    /// The outcome the server recorded (`cles-bureau.json`), once the ceremony is complete.
    pub fn keys(&self) -> TallyResult<BureauKeysFile> {
        let body = self.get_ok("/keys")?;
        serde_json::from_str(&body).map_err(|e| refused(format!("{}/keys : {e}", self.url)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn the_address_of_the_ceremony_page_gives_the_server_and_the_id() {
        let (url, id) = parse_url(&format!("https://urne.barreau.fr/ceremonies/{ID}/")).unwrap();
        assert_eq!(url, format!("https://urne.barreau.fr/ceremonies/{ID}"));
        assert_eq!(id.to_hex(), ID);
        let (url, _) = parse_url(&format!("http://127.0.0.1:8080/urne/ceremonies/{ID}")).unwrap();
        assert_eq!(url, format!("http://127.0.0.1:8080/urne/ceremonies/{ID}"));
    }

    #[test]
    fn an_address_without_scheme_host_or_full_id_is_refused_with_the_expected_form() {
        for bad in [
            format!("urne.barreau.fr/ceremonies/{ID}"),
            format!("https:///ceremonies/{ID}"),
            "https://urne.barreau.fr/ceremonies/0011".to_owned(),
            format!("https://urne.barreau.fr/elections/{ID}"),
        ] {
            let e = parse_url(&bad).unwrap_err().to_string();
            assert!(e.contains("https://…/ceremonies/IDENTIFIANT"), "{bad}: {e}");
            assert!(e.contains(&bad), "{bad}: {e}");
        }
    }

    #[test]
    fn only_local_addresses_count_as_loopback() {
        assert!(is_loopback("http://127.0.0.1:3000/ceremonies/x"));
        assert!(is_loopback("http://localhost/ceremonies/x"));
        assert!(is_loopback("http://[::1]:3000/ceremonies/x"));
        assert!(!is_loopback("http://urne.barreau.fr/ceremonies/x"));
        assert!(!is_loopback("http://10.0.0.2:3000/ceremonies/x"));
    }

    #[test]
    fn a_relay_error_is_reported_in_its_own_words() {
        assert_eq!(
            relay_message(r#"{"error":"signature invalide"}"#),
            "signature invalide"
        );
        assert_eq!(relay_message("Bad Gateway"), "Bad Gateway");
    }
}

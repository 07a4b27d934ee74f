//! Cookies, elector sessions and CSRF tokens (issue 4 §5).
//!
//! - Before login, the browser gets a random **pre-session** cookie (`urne_pre`); the login form
//!   carries `HMAC(cookie key, "pre" ‖ value)` as its CSRF token.
//! - A successful login creates a session: a fresh random identifier in the `urne_session`
//!   cookie (a new one at every login, so a planted cookie is worthless), of which the database
//!   keeps only the SHA-256; its CSRF token is `HMAC(cookie key, "session" ‖ identifier)`.
//! - Cookies are `HttpOnly; SameSite=Strict; Path=/`, and `Secure` when the public URL is https.
//! - Tokens are compared in constant time. The cookie key is derived from the server key
//!   ([`crate::keys::ServerKeys::cookie_key`]) so every instance shares it.

use axum::http::{HeaderMap, HeaderValue, header};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use sqlx::Row;
use subtle::ConstantTimeEq;
use urne::encoding::{hex, unhex};

use super::AppState;
use crate::chain::now;
use crate::db::{i, u};
use crate::error::{Error, Result};

/// Name of the pre-session cookie.
pub const PRE_COOKIE: &str = "urne_pre";
/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "urne_session";

/// The value of cookie `name`, if the request has it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// A `Set-Cookie` header value.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if state.config.https() {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A fresh random cookie value (32 bytes, hexadecimal).
pub fn random_value() -> String {
    let mut b = [0u8; 32];
    rand::fill(&mut b);
    hex(&b)
}

/// The CSRF token of a cookie value.
pub fn csrf_token(state: &AppState, purpose: &str, value: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(state.cookie_key()) else {
        return String::new();
    };
    mac.update(purpose.as_bytes());
    mac.update(&[0]);
    mac.update(value.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Checks a CSRF token in constant time.
pub fn check_csrf(state: &AppState, purpose: &str, value: &str, token: &str) -> Result<()> {
    let expected = csrf_token(state, purpose, value);
    if !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(token.as_bytes())) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "Jeton de sécurité invalide ou expiré : rechargez la page puis recommencez.".into(),
        ))
    }
}

fn id_hash(value: &str) -> Vec<u8> {
    Sha256::digest(value.as_bytes()).to_vec()
}

/// A logged-in elector.
#[derive(Debug, Clone)]
pub struct Session {
    /// The cookie value (never logged).
    pub value: String,
    /// The election.
    pub election: String,
    /// The elector.
    pub cnbf: String,
}

impl Session {
    /// The CSRF token of this session's forms.
    pub fn csrf(&self, state: &AppState) -> String {
        csrf_token(state, "session", &self.value)
    }

    /// Checks a CSRF token of this session.
    pub fn check_csrf(&self, state: &AppState, token: &str) -> Result<()> {
        check_csrf(state, "session", &self.value, token)
    }
}

/// Creates a session for `cnbf` and returns its cookie value.
pub async fn create(state: &AppState, election: &str, cnbf: &str) -> Result<String> {
    let value = random_value();
    let t = now();
    sqlx::query(
        "INSERT INTO sessions (id_hash, election_id, cnbf, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id_hash(&value))
    .bind(election)
    .bind(cnbf)
    .bind(i(t))
    .bind(i(t + state.config.session_lifetime.as_secs()))
    .execute(state.db.write())
    .await?;
    // Expired sessions go now and then (not on every login).
    if t.is_multiple_of(16) {
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(i(t))
            .execute(state.db.write())
            .await?;
    }
    Ok(value)
}

/// The session of the request for `election`, if any and not expired.
pub async fn current(
    state: &AppState,
    headers: &HeaderMap,
    election: &str,
) -> Result<Option<Session>> {
    let Some(value) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    if value.len() != 64 || unhex(&value).is_err() {
        return Ok(None);
    }
    let row = sqlx::query("SELECT election_id, cnbf, expires_at FROM sessions WHERE id_hash = $1")
        .bind(id_hash(&value))
        .fetch_optional(state.db.read())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let e: String = row.try_get("election_id")?;
    if e != election || u(row.try_get("expires_at")?) <= now() {
        return Ok(None);
    }
    Ok(Some(Session {
        value,
        election: e,
        cnbf: row.try_get("cnbf")?,
    }))
}

/// Ends a session.
pub async fn destroy(state: &AppState, session: &Session) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash(&session.value))
        .execute(state.db.write())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_found_among_several() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; urne_session=abc ; b=2"),
        );
        assert_eq!(cookie(&h, "urne_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "urne_pre"), None);
    }
}

//! The elector's actions, called by the pages' scripts (JSON): login, logout, activation of a
//! proxy credential, deposit of a ballot, download of the receipt.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::Row;
use subtle::ConstantTimeEq;
use urne::board::{Payload, ProxyCredential, PublicKey, Receipt, SignatureBytes};
use urne::crypto::credential::LoginToken;
use urne::encoding::{Hash32, unhex};
use urne::model::Cnbf;
use zeroize::Zeroizing;

use super::AppState;
use super::session::{self, PRE_COOKIE, SESSION_COOKIE, Session};
use crate::ballots::{self, already_voted};
use crate::chain::{self, hash32, now};
use crate::db::{i, u};
use crate::election::SealedElection;
use crate::error::{Error, Result};
use crate::frtime;
use crate::setup::{StoredRight, parse_rights, rights_json};

/// The one message of a failed login: it never says whether the CNBF number or the code was
/// wrong, nor whether the number is on the roll.
pub const LOGIN_FAILED: &str = "Numéro CNBF ou code personnel incorrect. Vérifiez votre saisie \
    (le code figure sur le courrier de l'ordre).";

/// An elector as the pages need them (identity side).
#[derive(Debug, Clone)]
pub struct ElectorView {
    /// CNBF number.
    pub cnbf: String,
    /// « Prénom Nom ».
    pub display_name: String,
    /// Rights in this election.
    pub rights: Vec<StoredRight>,
    /// Own credential.
    pub credential: Option<PublicKey>,
    /// Émargement.
    pub voted_at: Option<u64>,
    /// Voted through a mandataire.
    pub voted_by_proxy: bool,
    /// The procuration this elector holds as mandataire, if any.
    pub procuration: Option<ProcurationView>,
}

/// A procuration held by the logged-in mandataire.
#[derive(Debug, Clone)]
pub struct ProcurationView {
    /// The mandant's name.
    pub mandant_name: String,
    /// The mandant's (original) credential.
    pub mandant_credential: PublicKey,
    /// The mandant's rights.
    pub mandant_rights: Vec<StoredRight>,
    /// The proxy credential, once activated.
    pub proxy_credential: Option<PublicKey>,
    /// When the mandataire voted for the mandant.
    pub voted_at: Option<u64>,
    /// The mandant voted in person before the procuration was used.
    pub mandant_voted: bool,
}

fn key(bytes: Option<Vec<u8>>) -> Result<Option<PublicKey>> {
    bytes
        .map(|b| hash32(&b, "identifiant").map(|h| PublicKey(h.0)))
        .transpose()
}

/// Reads an elector and the procuration held as mandataire.
pub async fn elector(state: &AppState, election: &str, cnbf: &str) -> Result<Option<ElectorView>> {
    let row = sqlx::query(
        "SELECT display_name, rights, credential, voted_at, voted_by_proxy FROM electors \
         WHERE election_id = $1 AND cnbf = $2",
    )
    .bind(election)
    .bind(cnbf)
    .fetch_optional(state.db.read())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let proc = sqlx::query(
        "SELECT p.proxy_credential, p.voted_at, e.display_name, e.credential, e.rights, \
         e.voted_at AS mandant_voted, e.voted_by_proxy AS mandant_by_proxy \
         FROM procurations p JOIN electors e ON e.election_id = p.election_id AND e.cnbf = p.mandant \
         WHERE p.election_id = $1 AND p.mandataire = $2 AND p.cancelled_at IS NULL",
    )
    .bind(election)
    .bind(cnbf)
    .fetch_optional(state.db.read())
    .await?;
    let procuration = match proc {
        Some(p) => match key(p.try_get("credential")?)? {
            Some(mandant_credential) => Some(ProcurationView {
                mandant_name: p.try_get("display_name")?,
                mandant_credential,
                mandant_rights: parse_rights(&p.try_get::<String, _>("rights")?)?,
                proxy_credential: key(p.try_get("proxy_credential")?)?,
                voted_at: p.try_get::<Option<i64>, _>("voted_at")?.map(u),
                mandant_voted: p.try_get::<Option<i64>, _>("mandant_voted")?.is_some()
                    && p.try_get::<i64, _>("mandant_by_proxy")? == 0,
            }),
            None => None,
        },
        None => None,
    };
    Ok(Some(ElectorView {
        cnbf: cnbf.to_owned(),
        display_name: row.try_get("display_name")?,
        rights: parse_rights(&row.try_get::<String, _>("rights")?)?,
        credential: key(row.try_get("credential")?)?,
        voted_at: row.try_get::<Option<i64>, _>("voted_at")?.map(u),
        voted_by_proxy: row.try_get::<i64, _>("voted_by_proxy")? != 0,
        procuration,
    }))
}

/// The session of the request, or 401.
pub async fn require_session(
    state: &AppState,
    headers: &HeaderMap,
    election: &str,
) -> Result<Session> {
    session::current(state, headers, election)
        .await?
        .ok_or_else(|| {
            Error::Unauthorized("Votre session a expiré : reconnectez-vous pour voter.".into())
        })
}

/// `POST /elections/{id}/connexion`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// CNBF number as typed.
    pub cnbf: String,
    /// The login token derived by the booth (hex), never the code.
    pub token: String,
    /// CSRF token of the login page.
    pub csrf: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginRequest(<secret>)")
    }
}

/// Login: the browser has derived the login token from the code (DESIGN §3); the server compares
/// `H(token)` with the stored hash in constant time. Wrong attempts are counted per CNBF number;
/// after [`super::WebConfig::max_login_failures`] the number is locked for
/// [`super::WebConfig::lockout`] (an admin may lift it). Every failure gets [`LOGIN_FAILED`].
pub async fn login(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> Result<Response> {
    let pre = session::cookie(&headers, PRE_COOKIE).unwrap_or_default();
    session::check_csrf(&state, "pre", &pre, &req.csrf)?;
    state.elections.get(&state.db, &id).await?;
    let token = Zeroizing::new(req.token);
    let fail = || Error::Unauthorized(LOGIN_FAILED.into());
    let Ok(cnbf) = Cnbf::parse(&req.cnbf) else {
        return Err(fail());
    };
    let row = sqlx::query(
        "SELECT token_hash, failed_logins, locked_until FROM electors \
         WHERE election_id = $1 AND cnbf = $2 AND token_hash IS NOT NULL",
    )
    .bind(&id)
    .bind(cnbf.as_str())
    .fetch_optional(state.db.read())
    .await?;
    let Some(row) = row else {
        tracing::info!(election = %id, "connexion refusée (numéro inconnu)");
        return Err(fail());
    };
    let t = now();
    if let Some(until) = row.try_get::<Option<i64>, _>("locked_until")?.map(u)
        && until > t
    {
        return Err(Error::TooManyAttempts(format!(
            "Trop de tentatives infructueuses : la connexion avec ce numéro CNBF est suspendue \
             jusqu'à {}. Si vous avez perdu votre code, contactez l'ordre.",
            frtime::hour(until)
        )));
    }
    let stored: Vec<u8> = row.try_get("token_hash")?;
    let presented = Zeroizing::new(unhex(&token).unwrap_or_default());
    let ok = match <[u8; 32]>::try_from(presented.as_slice()) {
        Ok(bytes) => {
            let h = LoginToken(bytes).server_hash();
            bool::from(h.0.as_slice().ct_eq(stored.as_slice()))
        }
        Err(_) => false,
    };
    if !ok {
        let max = i64::from(state.config.max_login_failures.max(1));
        let until = i(t + state.config.lockout.as_secs());
        sqlx::query(
            "UPDATE electors SET failed_logins = failed_logins + 1, \
             locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END \
             WHERE election_id = $3 AND cnbf = $4",
        )
        .bind(max)
        .bind(until)
        .bind(&id)
        .bind(cnbf.as_str())
        .execute(state.db.write())
        .await?;
        tracing::info!(election = %id, "connexion refusée (code incorrect)");
        return Err(fail());
    }
    if row.try_get::<i64, _>("failed_logins")? != 0 {
        sqlx::query(
            "UPDATE electors SET failed_logins = 0, locked_until = NULL \
             WHERE election_id = $1 AND cnbf = $2",
        )
        .bind(&id)
        .bind(cnbf.as_str())
        .execute(state.db.write())
        .await?;
    }
    let value = session::create(&state, &id, cnbf.as_str()).await?;
    tracing::info!(election = %id, "électeur connecté");
    let mut r =
        Json(serde_json::json!({ "redirect": format!("/elections/{id}/vote") })).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(
            &state,
            SESSION_COOKIE,
            &value,
            Some(state.config.session_lifetime.as_secs()),
        ),
    );
    Ok(r)
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    /// The token.
    pub csrf: String,
}

/// `POST /elections/{id}/deconnexion` (form).
pub async fn logout(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Result<Response> {
    if let Some(s) = session::current(&state, &headers, &id).await? {
        s.check_csrf(&state, &form.csrf)?;
        session::destroy(&state, &s).await?;
    }
    let mut r = Redirect::to("/").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    Ok(r)
}

/// `POST /elections/{id}/procuration`: the mandataire's browser has derived the proxy
/// credential and endorsed it with the mandataire's credential (plan D5).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivateProxy {
    /// The proxy credential public key (hex).
    pub proxy: String,
    /// The mandataire's endorsement (hex signature).
    pub endorsement: String,
    /// CSRF token of the session.
    pub csrf: String,
}

/// Authorises the proxy credential with the ordre key and appends `ProxyCredential`
/// (docs/protocol.md §ProxyCredential): the mandant's credential is revoked, the proxy
/// credential gets the mandant's rights.
pub async fn activate_proxy(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(req): Json<ActivateProxy>,
) -> Result<Response> {
    let s = require_session(&state, &headers, &id).await?;
    s.check_csrf(&state, &req.csrf)?;
    let sealed = state.elections.get(&state.db, &id).await?;
    let me = elector(&state, &id, &s.cnbf)
        .await?
        .ok_or_else(|| Error::Forbidden("électeur inconnu".into()))?;
    let mandataire = me
        .credential
        .ok_or_else(|| Error::Forbidden("vous n'avez pas de code de vote".into()))?;
    let p = me.procuration.ok_or_else(|| {
        Error::Refused(
            "Aucune procuration n'est enregistrée à votre nom pour cette élection.".into(),
        )
    })?;
    let proxy = PublicKey::from_hex(&req.proxy).map_err(Error::BadRequest)?;
    proxy
        .verifying_key()
        .map_err(|e| Error::BadRequest(format!("identifiant de procuration : {e}")))?;
    if let Some(existing) = p.proxy_credential {
        return if existing == proxy {
            Ok(Json(serde_json::json!({ "proxy": proxy.to_hex() })).into_response())
        } else {
            Err(Error::Refused(
                "Cette procuration est déjà activée avec un autre identifiant.".into(),
            ))
        };
    }
    let sig = unhex(&req.endorsement).map_err(Error::BadRequest)?;
    let endorsement = SignatureBytes(
        <[u8; 64]>::try_from(sig.as_slice())
            .map_err(|_| Error::BadRequest("endossement : 64 octets attendus".into()))?,
    );
    let message =
        ProxyCredential::endorsement_message(&sealed.fingerprint, &p.mandant_credential, &proxy);
    if !mandataire.verifies(&message, &endorsement) {
        return Err(Error::Refused(
            "Procuration refusée : la signature de votre identifiant sur l'identifiant de \
             procuration ne vérifie pas."
                .into(),
        ));
    }
    let payload = ProxyCredential::authorise(
        &sealed.fingerprint,
        p.mandant_credential,
        proxy,
        mandataire,
        endorsement,
        &state.keys.ordre,
    );
    let height = append_proxy(&state, &id, &s.cnbf, payload, &p.mandant_rights).await?;
    tracing::info!(election = %id, height, "procuration activée");
    Ok(Json(serde_json::json!({ "proxy": proxy.to_hex(), "height": height })).into_response())
}

async fn append_proxy(
    state: &AppState,
    election: &str,
    mandataire_cnbf: &str,
    payload: ProxyCredential,
    rights: &[StoredRight],
) -> Result<u64> {
    let db = &state.db;
    let mut tx = db.write().begin().await?;
    let mut head = chain::lock_head(&mut tx, db, election).await?;
    let t = now();
    if head.closed_at.is_some() || t >= head.closing {
        return Err(Error::Refused(
            "Le vote est clos : la procuration ne peut plus être utilisée.".into(),
        ));
    }
    let state_of = |pk: PublicKey| {
        sqlx::query(
            "SELECT is_proxy, revoked_height, voted_height FROM credentials \
             WHERE election_id = $1 AND public_key = $2",
        )
        .bind(election.to_owned())
        .bind(pk.0.to_vec())
    };
    let mandant = state_of(payload.mandant).fetch_optional(&mut *tx).await?;
    let Some(mandant) = mandant else {
        return Err(Error::Refused("identifiant du mandant inconnu".into()));
    };
    if mandant.try_get::<Option<i64>, _>("voted_height")?.is_some() {
        return Err(Error::Refused(
            "Votre mandant a déjà voté : la procuration ne peut plus être utilisée.".into(),
        ));
    }
    if mandant
        .try_get::<Option<i64>, _>("revoked_height")?
        .is_some()
        || mandant.try_get::<i64, _>("is_proxy")? != 0
    {
        return Err(Error::Refused("identifiant du mandant révoqué".into()));
    }
    let m = state_of(payload.mandataire)
        .fetch_optional(&mut *tx)
        .await?;
    match m {
        Some(m)
            if m.try_get::<Option<i64>, _>("revoked_height")?.is_none()
                && m.try_get::<i64, _>("is_proxy")? == 0 => {}
        _ => {
            return Err(Error::Refused(
                "identifiant du mandataire inutilisable".into(),
            ));
        }
    }
    if state_of(payload.proxy)
        .fetch_optional(&mut *tx)
        .await?
        .is_some()
    {
        return Err(Error::Refused(
            "identifiant de procuration déjà enregistré".into(),
        ));
    }
    let stored = chain::append(
        &mut tx,
        election,
        &mut head.chain,
        Payload::ProxyCredential(payload),
    )
    .await?;
    sqlx::query(
        "INSERT INTO credentials (election_id, public_key, rights, is_proxy) VALUES ($1, $2, $3, 1)",
    )
    .bind(election)
    .bind(payload.proxy.0.as_slice())
    .bind(rights_json(rights)?)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE credentials SET revoked_height = $1 WHERE election_id = $2 AND public_key = $3",
    )
    .bind(i(stored.height))
    .bind(election)
    .bind(payload.mandant.0.as_slice())
    .execute(&mut *tx)
    .await?;
    let done = sqlx::query(
        "UPDATE procurations SET proxy_credential = $1, activated_height = $2 \
         WHERE election_id = $3 AND mandataire = $4 AND cancelled_at IS NULL \
         AND proxy_credential IS NULL",
    )
    .bind(payload.proxy.0.as_slice())
    .bind(i(stored.height))
    .bind(election)
    .bind(mandataire_cnbf)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(Error::Refused("procuration déjà activée".into()));
    }
    chain::set_head(&mut tx, election, &head.chain, &state.keys.server).await?;
    tx.commit().await?;
    Ok(stored.height)
}

/// `POST /elections/{id}/bulletins`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitBallot {
    /// The ballot's canonical bytes (hex), encrypted and signed by the booth.
    pub ballot: String,
    /// Cast with the proxy credential (« au titre de la procuration »).
    #[serde(default)]
    pub procuration: bool,
    /// CSRF token of the session.
    pub csrf: String,
}

impl std::fmt::Debug for SubmitBallot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubmitBallot")
            .field("procuration", &self.procuration)
            .finish_non_exhaustive()
    }
}

/// The credential the session votes with: its own, or the proxy credential.
async fn voting_credential(
    state: &AppState,
    election: &str,
    cnbf: &str,
    procuration: bool,
) -> Result<PublicKey> {
    let me = elector(state, election, cnbf)
        .await?
        .ok_or_else(|| Error::Forbidden("électeur inconnu".into()))?;
    if procuration {
        let p = me.procuration.ok_or_else(|| {
            Error::Refused("Aucune procuration n'est enregistrée à votre nom.".into())
        })?;
        p.proxy_credential
            .ok_or_else(|| Error::Refused("La procuration n'est pas encore activée.".into()))
    } else {
        me.credential.ok_or_else(|| {
            Error::Forbidden("Vous n'avez pas de droit de vote dans cette élection.".into())
        })
    }
}

/// Deposits a ballot: verified outside any lock, then committed by the appender
/// ([`crate::ballots`]); answers with the signed receipt.
pub async fn submit_ballot(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(req): Json<SubmitBallot>,
) -> Result<Response> {
    let s = require_session(&state, &headers, &id).await?;
    s.check_csrf(&state, &req.csrf)?;
    let sealed = state.elections.get(&state.db, &id).await?;
    let credential = voting_credential(&state, &id, &s.cnbf, req.procuration).await?;
    let cred = ballots::credential_state(&state.db, &id, &credential)
        .await?
        .ok_or_else(|| Error::Refused("identifiant de vote inconnu du registre".into()))?;
    if cred.voted_height.is_some() {
        return Err(already_voted());
    }
    let bytes = unhex(req.ballot.trim())
        .map_err(|e| Error::Refused(format!("Bulletin refusé : bulletin illisible ({e}).")))?;
    let verified = {
        let sealed = sealed.clone();
        let bytes = bytes.clone();
        tokio::task::spawn_blocking(move || {
            ballots::verify_ballot(&sealed, &bytes, &credential, &cred.rights)
        })
        .await
        .map_err(Error::internal)?
    };
    let tracker = match verified {
        Ok(t) => t,
        Err(e) => {
            tracing::info!(election = %id, reason = %e, "bulletin refusé");
            return Err(e);
        }
    };
    let accepted = state
        .appender
        .submit(sealed.clone(), credential, bytes, tracker)
        .await;
    let accepted = match accepted {
        Ok(a) => a,
        Err(e) => {
            tracing::info!(election = %id, reason = %e, "bulletin refusé");
            return Err(e);
        }
    };
    tracing::info!(election = %id, height = accepted.receipt.height, "bulletin accepté");
    let receipt: serde_json::Value =
        serde_json::from_str(&accepted.receipt.to_json()).map_err(Error::internal)?;
    let confirm = if req.procuration {
        format!("/elections/{id}/recepisse?procuration=1")
    } else {
        format!("/elections/{id}/recepisse")
    };
    Ok(Json(serde_json::json!({
        "receipt": receipt,
        "head": accepted.head,
        "confirmation": confirm,
    }))
    .into_response())
}

/// The receipt of `credential`'s ballot (re-signed: ed25519 is deterministic, so it is the same
/// receipt as the one given at the deposit).
pub async fn receipt_of(
    state: &AppState,
    sealed: &Arc<SealedElection>,
    credential: &PublicKey,
) -> Result<Option<Receipt>> {
    let row = sqlx::query(
        "SELECT b.height, b.tracker, b.received_at, ev.hash FROM ballots b \
         JOIN events ev ON ev.election_id = b.election_id AND ev.height = b.height \
         WHERE b.election_id = $1 AND b.credential = $2",
    )
    .bind(&sealed.id)
    .bind(credential.0.as_slice())
    .fetch_optional(state.db.read())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let tracker: Hash32 = hash32(&row.try_get::<Vec<u8>, _>("tracker")?, "traceur")?;
    let event = hash32(&row.try_get::<Vec<u8>, _>("hash")?, "événement")?;
    Ok(Some(Receipt::sign(
        sealed.fingerprint,
        u(row.try_get("height")?),
        event,
        tracker,
        u(row.try_get("received_at")?),
        &state.keys.server,
    )))
}

/// `?procuration=1`.
#[derive(Debug, Default, Deserialize)]
pub struct ProxyQuery {
    /// For the ballot cast with the proxy credential.
    #[serde(default)]
    pub procuration: Option<u8>,
}

impl ProxyQuery {
    /// Whether the proxy ballot is meant.
    pub fn proxy(&self) -> bool {
        self.procuration == Some(1)
    }
}

/// `GET /elections/{id}/recepisse.json`: the signed receipt file (`recepisse.json`,
/// docs/protocol.md §Receipt).
pub async fn download_receipt(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<ProxyQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let s = require_session(&state, &headers, &id).await?;
    let sealed = state.elections.get(&state.db, &id).await?;
    let credential = voting_credential(&state, &id, &s.cnbf, q.proxy()).await?;
    let receipt = receipt_of(&state, &sealed, &credential)
        .await?
        .ok_or_else(|| {
            Error::NotFound("Aucun bulletin n'a été déposé avec cet identifiant.".into())
        })?;
    let name = if q.proxy() {
        format!("recepisse-{id}-procuration.json")
    } else {
        format!("recepisse-{id}.json")
    };
    let mut r = receipt.to_json().into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

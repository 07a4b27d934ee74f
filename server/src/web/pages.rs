//! The elector's pages (issue 4 §2): askama templates of `templates/`, French, for phones and
//! desktops, accessible (labels, fieldsets and legends, a logical focus order, status messages in
//! live regions, states written out and not told by colour alone), no external resource and no
//! inline script (the page configuration is a `data-config` attribute read by the page's
//! script).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use urne::board::PublicKey;
use urne::model::{Candidacy, Cnbf, ContestKind, Election};

use super::AppState;
use super::api::{self, ElectionSummary, VoteState};
use super::session::{self, PRE_COOKIE};
use super::vote::{self, ProxyQuery};
use crate::election::contest_shapes;
use crate::error::{Error, Result};
use crate::frtime;
use crate::setup::StoredRight;

fn render(t: &impl Template, status: StatusCode) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "gabarit");
            (StatusCode::INTERNAL_SERVER_ERROR, "erreur interne").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    title: String,
    message: String,
    link: Option<(String, String)>,
    logout: Option<(String, String)>,
}

/// A page saying `message`.
pub fn message(
    status: StatusCode,
    title: &str,
    message: &str,
    link: Option<(String, String)>,
) -> Response {
    render(
        &MessagePage {
            title: title.to_owned(),
            message: message.to_owned(),
            link,
            logout: None,
        },
        status,
    )
}

/// A page saying `message` to a logged-in elector (with the logout form).
fn session_message(
    state: &AppState,
    s: &session::Session,
    title: &str,
    message: &str,
    link: Option<(String, String)>,
) -> Response {
    render(
        &MessagePage {
            title: title.to_owned(),
            message: message.to_owned(),
            link,
            logout: Some((
                format!("/elections/{}/deconnexion", s.election),
                s.csrf(state),
            )),
        },
        StatusCode::OK,
    )
}

/// An error as a page.
fn error_page(e: Error) -> Response {
    if let Error::Internal(cause) = &e {
        tracing::error!(%cause, "erreur interne");
    }
    let title = match e.status() {
        StatusCode::NOT_FOUND => "Page introuvable",
        StatusCode::UNAUTHORIZED => "Connexion nécessaire",
        StatusCode::FORBIDDEN => "Accès refusé",
        _ => "Le service ne peut pas répondre",
    };
    message(
        e.status(),
        title,
        &e.public_message(),
        Some(("/".into(), "Retour à l'accueil".into())),
    )
}

fn page(r: Result<Response>) -> Response {
    r.unwrap_or_else(error_page)
}

/// The fallback: 404.
pub async fn not_found(uri: Uri) -> Response {
    tracing::debug!(path = %uri.path(), "page introuvable");
    error_page(Error::NotFound("La page demandée n'existe pas.".into()))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    elections: Vec<ElectionSummary>,
}

/// `GET /`: the elections, their state, times and alert banner.
pub async fn home(State(state): State<AppState>) -> Response {
    page(
        async {
            Ok(render(
                &HomePage {
                    elections: api::list(&state).await?,
                },
                StatusCode::OK,
            ))
        }
        .await,
    )
}

#[derive(Template)]
#[template(path = "election.html")]
struct ElectionPage {
    e: ElectionSummary,
}

/// `GET /elections/{id}`.
pub async fn election(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    page(
        async {
            Ok(render(
                &ElectionPage {
                    e: api::one(&state, &id).await?,
                },
                StatusCode::OK,
            ))
        }
        .await,
    )
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    e: ElectionSummary,
    config: String,
}

/// `GET /elections/{id}/connexion`: CNBF number and code; the page's script derives the login
/// token and the credential with the booth and sends only the token.
pub async fn login(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    page(
        async {
            let e = api::one(&state, &id).await?;
            let Some(sealed) = state.elections.sealed(&state.db, &id).await? else {
                return Ok(message(
                    StatusCode::OK,
                    "Vote en préparation",
                    "Cette élection n'est pas encore ouverte au vote.",
                    Some(("/".into(), "Retour à l'accueil".into())),
                ));
            };
            if session::current(&state, &headers, &id).await?.is_some() {
                return Ok(Redirect::to(&format!("/elections/{id}/vote")).into_response());
            }
            let (pre, fresh) = match session::cookie(&headers, PRE_COOKIE) {
                Some(v) if v.len() == 64 => (v, false),
                _ => (session::random_value(), true),
            };
            let config = serde_json::json!({
                "election": id,
                "campaign": sealed.genesis.campaign_id,
                "csrf": session::csrf_token(&state, "pre", &pre),
                "endpoint": format!("/elections/{id}/connexion"),
            })
            .to_string();
            let mut r = render(&LoginPage { e, config }, StatusCode::OK);
            if fresh {
                r.headers_mut().append(
                    header::SET_COOKIE,
                    session::set_cookie(&state, PRE_COOKIE, &pre, None),
                );
            }
            Ok(r)
        }
        .await,
    )
}

/// One option of a contest on the ballot.
#[derive(Debug, Clone)]
pub struct OptionView {
    /// Option index (the candidacy's position in the contest).
    pub index: usize,
    /// What the elector reads.
    pub label: String,
    /// More (vice-bâtonnier, list members…).
    pub detail: Option<String>,
}

/// One contest on the ballot.
#[derive(Debug, Clone)]
pub struct ContestView {
    /// Contest index in the definition.
    pub index: u32,
    /// Heading.
    pub title: String,
    /// « Choisissez … ».
    pub instruction: String,
    /// Most selections.
    pub max: u32,
    /// `radio` for one choice, `checkbox` for several.
    pub input_type: &'static str,
    /// The voices of this elector's ballot, when more than one (CNB collège ordinal, art. 25).
    pub weight_note: Option<String>,
    /// The options.
    pub options: Vec<OptionView>,
}

fn maitre(names: &HashMap<String, String>, cnbf: &Cnbf) -> String {
    format!(
        "Me {}",
        names
            .get(cnbf.as_str())
            .cloned()
            .unwrap_or_else(|| format!("CNBF {cnbf}"))
    )
}

/// Candidates' names per sealed election.
pub(crate) type NameCache =
    std::sync::RwLock<HashMap<String, std::sync::Arc<HashMap<String, String>>>>;

/// The names of the candidates: « Prénom Nom » from the roll and the external candidates, read
/// once per sealed election.
async fn candidate_names(
    state: &AppState,
    def: &Election,
) -> Result<std::sync::Arc<HashMap<String, String>>> {
    if let Some(n) = state
        .names
        .read()
        .ok()
        .and_then(|m| m.get(&def.election_id).cloned())
    {
        return Ok(n);
    }
    let mut names = HashMap::new();
    for e in &def.external_candidates {
        names.insert(e.cnbf.to_string(), format!("{} {}", e.prenom, e.nom));
    }
    if let Ok(roll) = crate::setup::roll(&state.db, &def.election_id).await {
        for (_, c) in def.candidacies() {
            for p in c.persons() {
                if let Some(e) = roll.get(p) {
                    names.insert(p.to_string(), format!("{} {}", e.prenom, e.nom));
                }
            }
        }
    }
    let names = std::sync::Arc::new(names);
    if let Ok(mut m) = state.names.write() {
        m.insert(def.election_id.clone(), names.clone());
    }
    Ok(names)
}

/// The contests of the ballot of a credential with `rights`, in ballot order.
pub async fn contest_views(
    state: &AppState,
    def: &Election,
    rights: &[StoredRight],
) -> Result<Vec<ContestView>> {
    let names = candidate_names(state, def).await?;
    let shapes = contest_shapes(def)?;
    let mut out = Vec::new();
    for r in rights {
        let k = r.contest as usize;
        let (Some(c), Some(shape)) = (def.contests.get(k), shapes.get(k)) else {
            return Err(Error::internal(format!(
                "scrutin {k} absent de la définition"
            )));
        };
        let max = shape.max;
        let (title, instruction) = match c.kind {
            ContestKind::Batonnier { round } => (
                format!("Élection du bâtonnier ({round})"),
                "Choisissez une candidature, ou votez blanc.".to_owned(),
            ),
            ContestKind::ConseilDeLOrdre { round, .. } => (
                format!("Élection des membres du conseil de l'ordre ({round})"),
                if max == 1 {
                    "Choisissez au plus 1 candidature, ou votez blanc.".to_owned()
                } else {
                    format!("Choisissez au plus {max} candidatures, ou votez blanc.")
                },
            ),
            ContestKind::CnbOrdinal { .. } => (
                format!("Conseil national des barreaux — {}", c.kind.label()),
                if max == 1 {
                    "Choisissez au plus 1 candidat, ou votez blanc.".to_owned()
                } else {
                    format!("Choisissez au plus {max} candidats, ou votez blanc.")
                },
            ),
            ContestKind::CnbGeneral { .. } => (
                format!("Conseil national des barreaux — {}", c.kind.label()),
                "Choisissez une liste, sans la modifier, ou votez blanc.".to_owned(),
            ),
        };
        let options = c
            .candidacies
            .iter()
            .enumerate()
            .map(|(index, cand)| {
                let (label, detail) = match cand {
                    Candidacy::Batonnier {
                        batonnier,
                        vice_batonnier,
                        ..
                    } => match vice_batonnier {
                        Some(v) => (
                            format!("{} et {}", maitre(&names, batonnier), maitre(&names, v)),
                            Some(format!(
                                "{}, candidat(e) au bâtonnat ; {}, candidat(e) à la vice-bâtonnerie",
                                maitre(&names, batonnier),
                                maitre(&names, v)
                            )),
                        ),
                        None => (maitre(&names, batonnier), None),
                    },
                    Candidacy::Binome { members, .. } => (
                        format!("{} et {}", maitre(&names, &members[0]), maitre(&names, &members[1])),
                        Some("binôme".to_owned()),
                    ),
                    Candidacy::Individual { candidate, .. } => (maitre(&names, candidate), None),
                    Candidacy::List {
                        title, candidates, ..
                    } => (
                        format!("Liste « {title} »"),
                        Some(
                            candidates
                                .iter()
                                .map(|p| maitre(&names, p))
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    ),
                };
                OptionView {
                    index,
                    label,
                    detail,
                }
            })
            .collect();
        out.push(ContestView {
            index: r.contest,
            title,
            instruction,
            max,
            input_type: if max == 1 { "radio" } else { "checkbox" },
            weight_note: (r.weight > 1).then(|| {
                format!(
                    "Votre bulletin compte pour {} voix dans ce scrutin (décret art. 25).",
                    r.weight
                )
            }),
            options,
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "ballot.html")]
struct BallotPage {
    id: String,
    barreau: String,
    closing: String,
    alert: Option<String>,
    mandant: Option<String>,
    contests: Vec<ContestView>,
    config: String,
    csrf: String,
}

/// `GET /elections/{id}/vote[?procuration=1]`: the ballot of every contest the credential may
/// vote in; after a vote, the "vous avez voté" page instead.
pub async fn ballot(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<ProxyQuery>,
    headers: HeaderMap,
) -> Response {
    page(async {
        let Some(s) = session::current(&state, &headers, &id).await? else {
            return Ok(Redirect::to(&format!("/elections/{id}/connexion")).into_response());
        };
        let sealed = state.elections.get(&state.db, &id).await?;
        let summary = api::one(&state, &id).await?;
        let me = vote::elector(&state, &id, &s.cnbf)
            .await?
            .ok_or_else(|| Error::Forbidden("électeur inconnu".into()))?;
        let (rights, mandant, credential, mandant_key) = if q.proxy() {
            let p = me.procuration.clone().ok_or_else(|| {
                Error::NotFound("Aucune procuration n'est enregistrée à votre nom.".into())
            })?;
            if p.mandant_voted {
                return Ok(session_message(
                    &state,
                    &s,
                    "Procuration sans objet",
                    &format!(
                        "Me {} a voté personnellement : la procuration ne peut plus être utilisée.",
                        p.mandant_name
                    ),
                    Some((format!("/elections/{id}/vote"), "Retour".into())),
                ));
            }
            (
                p.mandant_rights.clone(),
                Some(p.mandant_name.clone()),
                p.proxy_credential,
                Some(p.mandant_credential),
            )
        } else {
            (me.rights.clone(), None, me.credential, None)
        };
        let cred_state = match credential {
            Some(c) => crate::ballots::credential_state(&state.db, &id, &c).await?,
            None => None,
        };
        if !q.proxy() && cred_state.as_ref().is_some_and(|c| c.revoked && c.voted_height.is_none()) {
            return Ok(session_message(
                &state,
                &s,
                "Procuration donnée",
                if me.voted_by_proxy {
                    "Votre mandataire a déjà voté pour vous au titre de votre procuration."
                } else {
                    "Vous avez donné procuration : seul votre mandataire peut voter pour vous."
                },
                None,
            ));
        }
        if cred_state.as_ref().is_some_and(|c| c.voted_height.is_some()) {
            let to = if q.proxy() {
                format!("/elections/{id}/recepisse?procuration=1")
            } else {
                format!("/elections/{id}/recepisse")
            };
            return Ok(Redirect::to(&to).into_response());
        }
        if !q.proxy() && me.voted_by_proxy {
            return Ok(session_message(
                &state,
                &s,
                "Vote déjà exprimé",
                "Votre mandataire a déjà voté pour vous au titre de votre procuration.",
                None,
            ));
        }
        match summary.state {
            VoteState::Ouvert => {}
            VoteState::AVenir => {
                return Ok(session_message(
                    &state,
                    &s,
                    "Vote à venir",
                    &format!(
                        "Le vote n'est pas encore ouvert : il ouvrira le {} (heure de Paris).",
                        summary.opening_fr()
                    ),
                    Some(("/".into(), "Retour à l'accueil".into())),
                ));
            }
            _ => {
                return Ok(session_message(
                    &state,
                    &s,
                    "Vote clos",
                    "Le vote est clos : aucun bulletin ne peut plus être déposé.",
                    Some(("/".into(), "Retour à l'accueil".into())),
                ));
            }
        }
        if rights.is_empty() {
            return Ok(session_message(
                &state,
                &s,
                "Aucun scrutin",
                "Vous n'avez de droit de vote dans aucun scrutin de cette élection.",
                None,
            ));
        }
        let contests = contest_views(&state, &sealed.definition, &rights).await?;
        let shapes = contest_shapes(&sealed.definition)?;
        let booth_contests: Vec<serde_json::Value> = rights
            .iter()
            .filter_map(|r| {
                shapes.get(r.contest as usize).map(|s| {
                    serde_json::json!({"contest": r.contest, "options": s.options, "max": s.max})
                })
            })
            .collect();
        let csrf = s.csrf(&state);
        let config = serde_json::json!({
            "election": id,
            "fingerprint": sealed.fingerprint,
            "election_key": sealed.election_key_hex(),
            "campaign": sealed.genesis.campaign_id,
            "contests": booth_contests,
            "csrf": csrf,
            "submit": format!("/elections/{id}/bulletins"),
            "procuration": q.proxy(),
            "mandant": mandant_key.map(|k: PublicKey| k.to_hex()),
            "proxy_active": credential.is_some(),
            "activate": format!("/elections/{id}/procuration"),
            "own_credential": me.credential.map(|k| k.to_hex()),
        })
        .to_string();
        Ok(render(
            &BallotPage {
                id: id.clone(),
                barreau: sealed.definition.barreau.clone(),
                closing: summary.closing_fr(),
                alert: summary.alert.clone(),
                mandant,
                contests,
                config,
                csrf,
            },
            StatusCode::OK,
        ))
    }
    .await)
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    id: String,
    mandant: Option<String>,
    date: String,
    hour: String,
    tracker: String,
    height: u64,
    download: String,
    proxy_link: Option<(String, String)>,
    back_link: Option<String>,
    csrf: String,
    keep_secret: &'static str,
}

/// `GET /elections/{id}/recepisse[?procuration=1]`: « vous avez voté le … à … », the tracker
/// and the signed receipt to download.
pub async fn receipt(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<ProxyQuery>,
    headers: HeaderMap,
) -> Response {
    page(
        async {
            let Some(s) = session::current(&state, &headers, &id).await? else {
                return Ok(Redirect::to(&format!("/elections/{id}/connexion")).into_response());
            };
            let sealed = state.elections.get(&state.db, &id).await?;
            let me = vote::elector(&state, &id, &s.cnbf)
                .await?
                .ok_or_else(|| Error::Forbidden("électeur inconnu".into()))?;
            let (credential, mandant) = if q.proxy() {
                let p = me
                    .procuration
                    .clone()
                    .ok_or_else(|| Error::NotFound("Aucune procuration.".into()))?;
                (p.proxy_credential, Some(p.mandant_name))
            } else {
                (me.credential, None)
            };
            let receipt = match credential {
                Some(c) => vote::receipt_of(&state, &sealed, &c).await?,
                None => None,
            };
            let Some(receipt) = receipt else {
                return Ok(Redirect::to(&if q.proxy() {
                    format!("/elections/{id}/vote?procuration=1")
                } else {
                    format!("/elections/{id}/vote")
                })
                .into_response());
            };
            let proxy_link = match (&me.procuration, q.proxy()) {
                (Some(p), false) if p.voted_at.is_none() && !p.mandant_voted => Some((
                    p.mandant_name.clone(),
                    format!("/elections/{id}/vote?procuration=1"),
                )),
                _ => None,
            };
            let keep_secret = if proxy_link.is_some() { "1" } else { "0" };
            Ok(render(
                &ReceiptPage {
                    id: id.clone(),
                    mandant,
                    date: frtime::date(receipt.received_at),
                    hour: frtime::hour(receipt.received_at),
                    tracker: receipt.tracker.to_hex(),
                    height: receipt.height,
                    download: if q.proxy() {
                        format!("/elections/{id}/recepisse.json?procuration=1")
                    } else {
                        format!("/elections/{id}/recepisse.json")
                    },
                    back_link: q.proxy().then(|| format!("/elections/{id}/recepisse")),
                    proxy_link,
                    csrf: s.csrf(&state),
                    keep_secret,
                },
                StatusCode::OK,
            ))
        }
        .await,
    )
}

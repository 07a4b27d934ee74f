//! Admin pages of the preparation: liste électorale, candidacies, codes, procurations.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use urne::model::{Candidacy, CandidacyKind, Cnbf};

use super::{
    Chrome, CsrfOnly, Outcome, Staff, check_multipart, download, page, read_multipart, render,
    respond,
};
use crate::admin::codes::{self, Delivery, Issued};
use crate::admin::{candidacies, carry_over, definition, proxies, roll, settings};
use crate::error::{Error, Result};
use crate::setup;
use crate::web::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/elections/{id}/liste",
            get(roll_page).post(roll_upload),
        )
        .route("/admin/elections/{id}/liste/confirmer", post(roll_confirm))
        .route("/admin/elections/{id}/liste/abandonner", post(roll_abandon))
        .route(
            "/admin/elections/{id}/candidatures",
            get(candidacies_page).post(candidacy_add),
        )
        .route(
            "/admin/elections/{id}/candidatures/retirer",
            post(candidacy_remove),
        )
        .route(
            "/admin/elections/{id}/candidatures/import",
            post(candidacies_import),
        )
        .route(
            "/admin/elections/{id}/codes",
            get(codes_page).post(codes_issue),
        )
        .route("/admin/elections/{id}/codes/reemettre", post(codes_reissue))
        .route(
            "/admin/elections/{id}/codes/reprendre",
            post(codes_carry_over),
        )
        .route(
            "/admin/elections/{id}/codes/derogation",
            post(codes_override),
        )
        .route(
            "/admin/elections/{id}/procurations",
            get(proxies_page).post(proxy_register),
        )
        .route(
            "/admin/elections/{id}/procurations/annuler",
            post(proxy_cancel),
        )
}

fn sealed_or_codes(o: &definition::Overview) -> (bool, bool) {
    (o.sealed, o.steps.get(3).is_some_and(|s| s.done))
}

#[derive(Template)]
#[template(path = "admin/roll.html")]
struct RollPage {
    c: Chrome,
    id: String,
    summary: Option<String>,
    pending: Option<roll::Pending>,
    locked: bool,
}

async fn roll_page(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async {
        let o = definition::overview(&staff.admin.db, &id).await?;
        let (sealed, codes) = sealed_or_codes(&o);
        let summary = match definition::roll_if_loaded(&staff.admin.db, &id).await? {
            Some(_) => Some(roll::summary(&staff.admin, &id, staff.json).await?),
            None => None,
        };
        let pending = roll::pending(&staff.admin, &id).await?;
        if staff.json {
            return Ok(axum::Json(serde_json::json!({
                "summary": summary, "pending": pending, "locked": sealed || codes,
            }))
            .into_response());
        }
        Ok(render(
            &RollPage {
                c: staff.chrome(Some(&id)),
                id: id.clone(),
                summary,
                pending,
                locked: sealed || codes,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

async fn roll_upload(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    mp: Multipart,
) -> Response {
    let r = async {
        let form = read_multipart(mp).await?;
        check_multipart(&staff, &state, &form)?;
        let f = form
            .get("fichier")
            .filter(|f| !f.bytes.is_empty())
            .ok_or_else(|| Error::Refused("aucun fichier CSV".into()))?;
        let name = if f.file_name.is_empty() {
            "liste.csv".to_owned()
        } else {
            f.file_name.clone()
        };
        let apply = form.get("appliquer").is_some_and(|v| v.text() == "oui");
        let imported = roll::import(&staff.admin, &id, &name, &f.bytes, apply).await?;
        let data = serde_json::to_value(&imported).unwrap_or_default();
        if imported.applied {
            Ok(Outcome::new(
                "Liste électorale chargée",
                format!(
                    "La liste « {name} » est chargée : {} avocat(s), {} avec un droit de vote \
                     ({}).",
                    imported.electors,
                    imported.with_rights.unwrap_or(0),
                    imported.format
                ),
                format!("/admin/elections/{id}/liste"),
            )
            .details(
                imported
                    .differences
                    .clone()
                    .map(|d| format!("{d}\n\n{}", imported.summary))
                    .unwrap_or(imported.summary.clone()),
            )
            .data(data))
        } else {
            Ok(Outcome::new(
                "Nouvelle liste à confirmer",
                format!(
                    "La liste « {name} » est lisible ({} avocat(s), {}). Vérifiez les différences \
                     avec la liste en vigueur, puis confirmez.",
                    imported.electors, imported.format
                ),
                format!("/admin/elections/{id}/liste"),
            )
            .details(format!(
                "{}\n\n{}",
                imported.differences.clone().unwrap_or_default(),
                imported.summary
            ))
            .button(
                format!("/admin/elections/{id}/liste/confirmer"),
                "Confirmer et remplacer la liste",
                false,
            )
            .button(
                format!("/admin/elections/{id}/liste/abandonner"),
                "Abandonner",
                true,
            )
            .data(data))
        }
    }
    .await;
    respond(&staff, Some(&id), r)
}

async fn roll_confirm(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<CsrfOnly>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        let i = roll::confirm(&staff.admin, &id).await?;
        Ok(Outcome::new(
            "Liste électorale remplacée",
            format!(
                "La liste « {} » est en vigueur : {} avocat(s), {} avec un droit de vote.",
                i.file_name,
                i.electors,
                i.with_rights.unwrap_or(0)
            ),
            format!("/admin/elections/{id}/liste"),
        )
        .details(i.summary.clone())
        .data(serde_json::to_value(&i).unwrap_or_default()))
    }
    .await;
    respond(&staff, Some(&id), r)
}

async fn roll_abandon(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<CsrfOnly>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        roll::abandon(&staff.admin, &id).await?;
        Ok(Outcome::new(
            "Import abandonné",
            "La nouvelle liste est abandonnée ; la liste en vigueur n'a pas changé.",
            format!("/admin/elections/{id}/liste"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

/// One contest on the candidacies page.
#[derive(Debug)]
struct ContestView {
    id: String,
    label: String,
    expected: String,
    persons_help: String,
    is_list: bool,
    candidacies: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin/candidacies.html")]
struct CandidaciesPage {
    c: Chrome,
    id: String,
    sealed: bool,
    contests: Vec<ContestView>,
}

fn persons(def: &urne::model::Election, roll: Option<&urne::model::Roll>, c: &Candidacy) -> String {
    let name = |p: &Cnbf| {
        roll.and_then(|r| r.get(p))
            .or_else(|| def.external_candidate(p))
            .map(|e| format!("Me {} {} ({p})", e.prenom, e.nom))
            .unwrap_or_else(|| format!("CNBF {p}"))
    };
    match c {
        Candidacy::List {
            title, candidates, ..
        } => format!(
            "liste « {title} » : {}",
            candidates.iter().map(name).collect::<Vec<_>>().join(", ")
        ),
        Candidacy::Batonnier {
            batonnier,
            vice_batonnier,
            ..
        } => match vice_batonnier {
            Some(v) => format!("{} ; vice-bâtonnier : {}", name(batonnier), name(v)),
            None => name(batonnier),
        },
        other => other
            .persons()
            .into_iter()
            .map(name)
            .collect::<Vec<_>>()
            .join(" et "),
    }
}

async fn candidacies_page(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async {
        let def = setup::definition(&staff.admin.db, &id).await?;
        if staff.json {
            return Ok(axum::Json(&def.contests).into_response());
        }
        let o = definition::overview(&staff.admin.db, &id).await?;
        let roll = definition::roll_if_loaded(&staff.admin.db, &id).await?;
        let ih = roll.as_ref().map_or(0, |r| {
            let k = r.counts();
            k.inscrits + k.honoraires
        });
        let contests = def
            .contests
            .iter()
            .map(|k| {
                let kind = k.kind.expected_candidacy(ih);
                let (expected, help) = match kind {
                    CandidacyKind::Batonnier => (
                        "candidature au bâtonnat, avec ou sans vice-bâtonnier (art. 6)",
                        "Numéros CNBF : le candidat au bâtonnat, puis, s'il y a lieu, le \
                         vice-bâtonnier (séparés par une virgule)",
                    ),
                    CandidacyKind::Binome => (
                        "binôme d'une femme et d'un homme, par ordre alphabétique (art. 5 II)",
                        "Numéros CNBF des deux candidats, dans l'ordre alphabétique de leurs noms",
                    ),
                    CandidacyKind::Individual => {
                        ("candidature individuelle", "Numéro CNBF du candidat")
                    }
                    CandidacyKind::List => (
                        "liste alternant les sexes, autant de candidats que de sièges (art. 23)",
                        "Numéros CNBF des candidats dans l'ordre de la liste",
                    ),
                };
                ContestView {
                    id: k.id.clone(),
                    label: k.kind.label(),
                    expected: expected.into(),
                    persons_help: help.into(),
                    is_list: kind == CandidacyKind::List,
                    candidacies: k
                        .candidacies
                        .iter()
                        .map(|c| (c.id().to_owned(), persons(&def, roll.as_ref(), c)))
                        .collect(),
                }
            })
            .collect();
        Ok(render(
            &CandidaciesPage {
                c: staff.chrome(Some(&id)),
                id: id.clone(),
                sealed: o.sealed,
                contests,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

#[derive(Debug, Deserialize)]
struct CandidacyForm {
    csrf: String,
    contest: String,
    candidacy: String,
    persons: String,
    title: Option<String>,
}

async fn candidacy_add(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<CandidacyForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        let persons: Vec<String> = f
            .persons
            .split([',', ';', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .collect();
        let c = candidacies::from_fields(
            &staff.admin,
            &id,
            &f.contest,
            &f.candidacy,
            &persons,
            f.title.as_deref(),
        )
        .await;
        let c = match c {
            Ok(c) => c,
            Err(e) => {
                // The form's own refusals are audited like the model's.
                return Err(staff
                    .admin
                    .audited::<()>(Some(&id), "candidatures.ajout", Err(e))
                    .await
                    .err()
                    .unwrap_or_else(|| Error::internal("refus perdu")));
            }
        };
        candidacies::add(&staff.admin, &id, &f.contest, c).await?;
        Ok(Outcome::new(
            "Candidature enregistrée",
            format!(
                "Scrutin « {} » : la candidature « {} » est enregistrée.",
                f.contest,
                f.candidacy.trim()
            ),
            format!("/admin/elections/{id}/candidatures"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

#[derive(Debug, Deserialize)]
struct RemoveForm {
    csrf: String,
    contest: String,
    candidacy: String,
}

async fn candidacy_remove(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<RemoveForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        candidacies::remove(&staff.admin, &id, &f.contest, &f.candidacy).await?;
        Ok(Outcome::new(
            "Candidature retirée",
            format!(
                "Scrutin « {} » : la candidature « {} » est retirée.",
                f.contest, f.candidacy
            ),
            format!("/admin/elections/{id}/candidatures"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

async fn candidacies_import(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    mp: Multipart,
) -> Response {
    let r = async {
        let form = read_multipart(mp).await?;
        check_multipart(&staff, &state, &form)?;
        let f = form
            .get("fichier")
            .filter(|f| !f.bytes.is_empty())
            .ok_or_else(|| Error::Refused("aucun fichier CSV".into()))?;
        let name = if f.file_name.is_empty() {
            "candidatures.csv"
        } else {
            f.file_name.as_str()
        };
        let listing = candidacies::import(&staff.admin, &id, name, &f.bytes).await?;
        Ok(Outcome::new(
            "Candidatures importées",
            format!("Les candidatures de « {name} » sont enregistrées."),
            format!("/admin/elections/{id}/candidatures"),
        )
        .details(listing))
    }
    .await;
    respond(&staff, Some(&id), r)
}

#[derive(Template)]
#[template(path = "admin/codes.html")]
struct CodesPage {
    c: Chrome,
    id: String,
    sealed: bool,
    mail: bool,
    notice: String,
    override_needed: Option<String>,
}

async fn codes_page(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async {
        let o = definition::overview(&staff.admin.db, &id).await?;
        let n = codes::notice(&staff.admin.db, &id).await?;
        if staff.json {
            return Ok(axum::Json(serde_json::json!({ "notice": n })).into_response());
        }
        let (notice, override_needed) = match &n {
            None => ("Les codes n'ont pas encore été émis.".to_owned(), None),
            Some(n) if n.respected => (
                format!(
                    "Codes émis le {} ; le vote ouvre le {}, {} jours plus tard : le délai de \
                     quinze jours est respecté.",
                    crate::frtime::date_time(n.issued),
                    crate::frtime::date_time(n.opening),
                    n.days
                ),
                None,
            ),
            Some(n) => match &n.early_opening {
                Some(e) => (
                    format!(
                        "Codes émis le {} ; le vote ouvre {} jour(s) plus tard. Dérogation décidée \
                         le {} par {} : {}",
                        crate::frtime::date_time(n.issued),
                        n.days,
                        crate::frtime::date_time(e.at),
                        e.by,
                        e.reason
                    ),
                    None,
                ),
                None => (n.refusal(), Some(n.refusal())),
            },
        };
        Ok(render(
            &CodesPage {
                c: staff.chrome(Some(&id)),
                id: id.clone(),
                sealed: o.sealed,
                mail: staff.admin.config.mail.is_some(),
                notice,
                override_needed,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

/// Most electors whose codes the page issues: 14 ms of argon2id each on two cores and a page of
/// PDF each must fit in the request time limit; beyond, the command line.
const PAGE_ISSUANCE_LIMIT: i64 = 2000;

#[derive(Debug, Deserialize)]
struct IssueForm {
    csrf: String,
    email: Option<String>,
    cnbf: Option<String>,
}

fn letters_response(staff: &Staff, issued: Issued, name: &str) -> Response {
    if staff.json {
        // The letters' PDF in hexadecimal: a script saves it as the browser would.
        return axum::Json(serde_json::json!({
            "count": issued.count,
            "without_email": issued.without_email,
            "mail": issued.mail,
            "notice": issued.notice,
            "pdf_hex": urne::encoding::hex(&issued.pdf),
        }))
        .into_response();
    }
    download(issued.pdf, "application/pdf", name)
}

async fn codes_issue(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<IssueForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        let delivery = Delivery {
            email: f.email.is_some(),
        };
        let electors: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM electors WHERE election_id = $1 AND rights <> '[]'",
        )
        .bind(&id)
        .fetch_one(staff.admin.db.read())
        .await?;
        if electors > PAGE_ISSUANCE_LIMIT {
            let e = crate::error::Error::Refused(format!(
                "{electors} électeurs : pour plus de {PAGE_ISSUANCE_LIMIT} électeurs, émettez les \
                 codes avec la commande « urne-server admin issue-codes {id} -o courriers.pdf » \
                 sur le serveur (la page attendrait plus longtemps que le délai d'une requête)"
            ));
            return Err(staff
                .admin
                .audited::<()>(Some(&id), "codes.emission", Err(e))
                .await
                .err()
                .unwrap_or_else(|| Error::internal("refus perdu")));
        }
        // The issuance runs to its end even if the browser gives up waiting: the codes and their
        // audit entry stay consistent (the letters would then be re-issued).
        let admin = staff.admin.clone();
        let election = id.clone();
        let issued = tokio::spawn(async move { codes::issue(&admin, &election, delivery).await })
            .await
            .map_err(Error::internal)??;
        Ok(letters_response(
            &staff,
            issued,
            &format!("courriers-codes-{id}.pdf"),
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

async fn codes_reissue(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<IssueForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        let cnbf = Cnbf::parse(f.cnbf.as_deref().unwrap_or(""))
            .map_err(|e| Error::Refused(e.to_string()))?;
        let issued = codes::reissue(
            &staff.admin,
            &id,
            &cnbf,
            Delivery {
                email: f.email.is_some(),
            },
        )
        .await?;
        Ok(letters_response(
            &staff,
            issued,
            &format!("nouveau-code-{cnbf}.pdf"),
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

#[derive(Debug, Deserialize)]
struct CarryOverForm {
    csrf: String,
    /// The round-1 election.
    from: String,
}

/// The second round keeps the first round's codes (`admin::carry_over`): no letter.
async fn codes_carry_over(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<CarryOverForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        let done = carry_over::carry_over(&staff.admin, &id, f.from.trim()).await?;
        Ok(Outcome::new(
            "Codes du premier tour repris",
            format!(
                "Les {} électeur(s) votent au second tour avec le code reçu pour le premier tour \
                 « {} » : aucun courrier n'est à envoyer. Les procurations du premier tour ne \
                 valent pas pour le second : enregistrez à nouveau celles qui sont données pour \
                 ce tour.",
                done.count, done.from
            ),
            format!("/admin/elections/{id}/codes"),
        )
        .data(serde_json::to_value(&done).map_err(Error::internal)?))
    }
    .await;
    respond(&staff, Some(&id), r)
}

#[derive(Debug, Deserialize)]
struct OverrideForm {
    csrf: String,
    reason: String,
}

async fn codes_override(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<OverrideForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        codes::override_15_days(&staff.admin, &id, &f.reason).await?;
        Ok(Outcome::new(
            "Dérogation enregistrée",
            "La dérogation au délai de quinze jours est enregistrée ; elle figurera au \
             procès-verbal.",
            format!("/admin/elections/{id}/codes"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

#[derive(Template)]
#[template(path = "admin/proxies.html")]
struct ProxiesPage {
    c: Chrome,
    id: String,
    period: String,
    list: Vec<proxies::Procuration>,
}

async fn proxies_page(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async {
        let list = proxies::list(&staff.admin, &id).await?;
        if staff.json {
            return Ok(axum::Json(&list).into_response());
        }
        let s = settings::get(&staff.admin.db, &id).await?;
        let period = match (s.proxies_from, s.proxies_until) {
            (None, None) => "Les procurations sont reçues jusqu'à la clôture du vote.".to_owned(),
            (Some(f), None) => format!(
                "Les procurations sont reçues à partir du {} et jusqu'à la clôture du vote.",
                crate::frtime::date_time(f)
            ),
            (None, Some(t)) => format!(
                "Les procurations sont reçues jusqu'au {}.",
                crate::frtime::date_time(t)
            ),
            (Some(f), Some(t)) => format!(
                "Les procurations sont reçues du {} au {}.",
                crate::frtime::date_time(f),
                crate::frtime::date_time(t)
            ),
        };
        Ok(render(
            &ProxiesPage {
                c: staff.chrome(Some(&id)),
                id: id.clone(),
                period,
                list,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

#[derive(Debug, Deserialize)]
struct ProxyForm {
    csrf: String,
    mandant: String,
    mandataire: Option<String>,
    reference: Option<String>,
}

fn cnbf(s: &str, who: &str) -> Result<Cnbf> {
    Cnbf::parse(s).map_err(|e| Error::Refused(format!("{who} : {e}")))
}

async fn proxy_register(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<ProxyForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        let mandant = cnbf(&f.mandant, "mandant")?;
        let mandataire = cnbf(f.mandataire.as_deref().unwrap_or(""), "mandataire")?;
        proxies::register(
            &staff.admin,
            &id,
            &mandant,
            &mandataire,
            f.reference.as_deref().unwrap_or(""),
        )
        .await?;
        Ok(Outcome::new(
            "Procuration enregistrée",
            format!("La procuration de CNBF {mandant} à CNBF {mandataire} est enregistrée."),
            format!("/admin/elections/{id}/procurations"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

async fn proxy_cancel(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<ProxyForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        let mandant = cnbf(&f.mandant, "mandant")?;
        proxies::cancel(&staff.admin, &id, &mandant).await?;
        Ok(Outcome::new(
            "Procuration annulée",
            format!("La procuration de CNBF {mandant} est annulée."),
            format!("/admin/elections/{id}/procurations"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

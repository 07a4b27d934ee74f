//! Admin pages of one election: creation (form or definition file), overview, definition and
//! settings changes, test elections, discarding, and the exports for the bureau.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};
use urne::model::{
    Bureau, BureauMember, Circonscription, Contest, ContestKind, Election, PublicKeyBytes, Round,
    Sex,
};

use super::{
    Chrome, CsrfOnly, Outcome, Staff, Upload, check_multipart, download, page, read_multipart,
    render, respond,
};
use crate::admin::settings::{self, SettingsChange};
use crate::admin::{declarations, definition, publish};
use crate::error::{Error, Result};
use crate::web::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/elections/nouvelle", get(new_page))
        .route("/admin/elections", post(create))
        .route("/admin/elections/{id}", get(overview))
        .route("/admin/elections/{id}/definition", post(update))
        .route("/admin/elections/{id}/parametres", post(change_settings))
        .route("/admin/elections/{id}/essai", post(test_election))
        .route("/admin/elections/{id}/supprimer", post(discard))
        .route("/admin/elections/{id}/archive.urne", get(archive))
        .route("/admin/elections/{id}/incidents.json", get(incidents))
        .route("/admin/elections/{id}/candidatures.json", get(candidates))
}

/// A `datetime-local` value (`2026-11-24T08:00`, Paris legal time) as an instant. The Paris
/// offset is +1 or +2; the one that gives back the same local time is taken (at the autumn
/// change, the earlier instant).
pub(crate) fn paris_local(s: &str, field: &str) -> Result<OffsetDateTime> {
    let s = s.trim();
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let fmt_s = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let local = PrimitiveDateTime::parse(s, fmt)
        .or_else(|_| PrimitiveDateTime::parse(s, fmt_s))
        .map_err(|_| {
            Error::Refused(format!(
                "{field} : date et heure « {s} » illisibles (AAAA-MM-JJTHH:MM attendu)"
            ))
        })?;
    for h in [2i8, 1] {
        let off = UtcOffset::from_hms(h, 0, 0).map_err(Error::internal)?;
        let t = local.assume_offset(off);
        if crate::frtime::paris_offset(t) == off {
            return Ok(t.to_offset(UtcOffset::UTC));
        }
    }
    Ok(local.assume_offset(UtcOffset::from_hms(1, 0, 0).map_err(Error::internal)?))
}

/// An instant as a `datetime-local` value in Paris time.
pub(crate) fn to_paris_local(unix: u64) -> String {
    let t = crate::frtime::paris(unix);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[derive(Template)]
#[template(path = "admin/new.html")]
struct NewPage {
    c: Chrome,
    public_url: String,
}

async fn new_page(State(state): State<AppState>, staff: Staff) -> Response {
    render(
        &NewPage {
            c: staff.chrome(None),
            public_url: state.config.public_url.clone(),
        },
        StatusCode::OK,
    )
}

fn text(form: &std::collections::HashMap<String, Upload>, k: &str) -> String {
    form.get(k)
        .map(Upload::text)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn number(form: &std::collections::HashMap<String, Upload>, k: &str, what: &str) -> Result<u32> {
    let s = text(form, k);
    s.parse()
        .map_err(|_| Error::Refused(format!("{what} : nombre « {s} » illisible")))
}

/// The definition described by the creation form's fields.
fn from_form(form: &std::collections::HashMap<String, Upload>) -> Result<Election> {
    let key = |s: &str, who: &str| {
        PublicKeyBytes::from_hex(s).map_err(|e| Error::Refused(format!("clé de {who} : {e}")))
    };
    let mut scrutateurs = Vec::new();
    for (k, line) in text(form, "scrutateurs").lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (name, k_hex) = line.rsplit_once(';').ok_or_else(|| {
            Error::Refused(format!(
                "scrutateurs, ligne {} : « nom ; clé publique » attendu",
                k + 1
            ))
        })?;
        scrutateurs.push(BureauMember {
            name: name.trim().to_owned(),
            public_key: key(k_hex, name.trim())?,
        });
    }
    let round = Round::try_from(u8::try_from(number(form, "round", "tour")?).unwrap_or(0))
        .map_err(Error::Refused)?;
    let mut contests = Vec::new();
    let on = |k: &str| !text(form, k).is_empty();
    if on("c_batonnier") {
        contests.push(Contest {
            id: "batonnier".into(),
            kind: ContestKind::Batonnier { round },
            candidacies: vec![],
        });
    }
    if on("c_conseil") {
        contests.push(Contest {
            id: "conseil".into(),
            kind: ContestKind::ConseilDeLOrdre {
                round,
                seats: number(form, "conseil_seats", "sièges du conseil")?,
            },
            candidacies: vec![],
        });
    }
    if on("c_cnb") {
        let circonscription = if text(form, "circonscription") == "paris" {
            Circonscription::Paris
        } else {
            Circonscription::Nationale
        };
        let seats = number(form, "ordinal_seats", "sièges du collège ordinal")?;
        for (id, sex) in [("cnb-ord-f", Sex::F), ("cnb-ord-m", Sex::M)] {
            contests.push(Contest {
                id: id.into(),
                kind: ContestKind::CnbOrdinal {
                    circonscription,
                    sex,
                    seats,
                    weight_basis: None,
                },
                candidacies: vec![],
            });
        }
        contests.push(Contest {
            id: "cnb-gen".into(),
            kind: ContestKind::CnbGeneral {
                circonscription,
                seats: number(form, "general_seats", "sièges du collège général")?,
            },
            candidacies: vec![],
        });
    }
    let def = Election {
        barreau: text(form, "barreau"),
        campaign_id: text(form, "campaign_id"),
        election_id: text(form, "election_id"),
        opening: paris_local(&text(form, "opening"), "ouverture")?,
        closing: paris_local(&text(form, "closing"), "clôture")?,
        bureau: Bureau {
            batonnier: BureauMember {
                name: text(form, "batonnier_name"),
                public_key: key(&text(form, "batonnier_key"), "bâtonnier")?,
            },
            scrutateurs,
            threshold: number(form, "threshold", "seuil")?,
        },
        contests,
        external_candidates: vec![],
        candidate_records: vec![],
    };
    Ok(def)
}

async fn create(State(state): State<AppState>, staff: Staff, mp: Multipart) -> Response {
    let r = async {
        let form = read_multipart(mp).await?;
        check_multipart(&staff, &state, &form)?;
        let file = form.get("fichier").filter(|f| !f.bytes.is_empty());
        let def = match file {
            Some(f) => definition::parse(&f.text(), &f.file_name)?,
            None => from_form(&form)?,
        };
        let url = text(&form, "vote_url");
        let url = (!url.is_empty()).then_some(url);
        definition::create(&staff.admin, &def, url.as_deref()).await?;
        let id = def.election_id.clone();
        Ok(Outcome::new(
            "Élection créée",
            format!("L'élection « {id} » est créée. Importez maintenant la liste électorale."),
            format!("/admin/elections/{id}"),
        )
        .data(serde_json::json!({ "election": id })))
    }
    .await;
    respond(&staff, None, r)
}

#[derive(Template)]
#[template(path = "admin/election.html")]
struct OverviewPage {
    c: Chrome,
    o: definition::Overview,
    s: settings::Settings,
    contests: Vec<String>,
    proxies_from: String,
    proxies_until: String,
}

async fn overview(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async {
        let o = definition::overview(&staff.admin.db, &id).await?;
        if staff.json {
            return Ok(axum::Json(&o).into_response());
        }
        let s = settings::get(&staff.admin.db, &id).await?;
        let contests = o
            .definition
            .contests
            .iter()
            .map(|c| {
                format!(
                    "« {} » : {} — {} siège(s), {} candidature(s)",
                    c.id,
                    c.kind.label(),
                    c.kind.seats(),
                    c.candidacies.len()
                )
            })
            .collect();
        Ok(render(
            &OverviewPage {
                c: staff.chrome(Some(&id)),
                proxies_from: s.proxies_from.map(to_paris_local).unwrap_or_default(),
                proxies_until: s.proxies_until.map(to_paris_local).unwrap_or_default(),
                o,
                s,
                contests,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

async fn update(
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
            .ok_or_else(|| Error::Refused("aucun fichier de définition".into()))?;
        let def = definition::parse(&f.text(), &f.file_name)?;
        definition::update(&staff.admin, &id, &def).await?;
        Ok(Outcome::new(
            "Définition modifiée",
            "La définition de l'élection est remplacée.",
            format!("/admin/elections/{id}"),
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

#[derive(Debug, Deserialize)]
struct SettingsForm {
    csrf: String,
    vote_url: Option<String>,
    modalites: Option<String>,
    place: Option<String>,
    proxies_from: Option<String>,
    proxies_until: Option<String>,
}

fn optional_time(v: &Option<String>, what: &str) -> Result<Option<Option<u64>>> {
    match v.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(s) => {
            let t = paris_local(s, what)?;
            Ok(Some(Some(u64::try_from(t.unix_timestamp()).unwrap_or(0))))
        }
    }
}

async fn change_settings(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<SettingsForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        let change = SettingsChange {
            vote_url: f.vote_url.clone().filter(|s| !s.trim().is_empty()),
            modalites: f.modalites.clone(),
            place: f.place.clone(),
            proxies_from: optional_time(&f.proxies_from, "début des procurations")?,
            proxies_until: optional_time(&f.proxies_until, "fin des procurations")?,
        };
        let s = settings::change(&staff.admin, &id, &change).await?;
        Ok(Outcome::new(
            "Paramètres enregistrés",
            "Les paramètres de l'élection sont enregistrés.",
            format!("/admin/elections/{id}"),
        )
        .data(serde_json::to_value(&s).unwrap_or_default()))
    }
    .await;
    respond(&staff, Some(&id), r)
}

async fn test_election(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<CsrfOnly>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        let test = definition::create_test(&staff.admin, &id, None).await?;
        Ok(Outcome::new(
            "Scrutin à blanc créé",
            format!(
                "Le scrutin à blanc « {test} » reprend la définition et la liste de « {id} ». \
                 Déroulez-le comme l'élection, puis supprimez-le."
            ),
            format!("/admin/elections/{test}"),
        )
        .data(serde_json::json!({ "election": test })))
    }
    .await;
    respond(&staff, Some(&id), r)
}

#[derive(Debug, Deserialize)]
struct DiscardForm {
    csrf: String,
    confirm: Option<String>,
}

async fn discard(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<DiscardForm>,
) -> Response {
    let r = async {
        staff.check(&state, &f.csrf)?;
        if f.confirm.as_deref() != Some("oui") {
            return Err(Error::Refused(
                "cochez la case de confirmation pour supprimer l'élection".into(),
            ));
        }
        definition::discard(&staff.admin, &id).await?;
        Ok(Outcome::new(
            "Élection supprimée",
            format!("« {id} » est supprimée."),
            "/admin",
        ))
    }
    .await;
    respond(&staff, Some(&id), r)
}

async fn archive(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async {
        let mut out = Vec::new();
        publish::export_archive_audited(&staff.admin, &id, &mut out).await?;
        Ok(download(
            out,
            urne::archive::MEDIA_TYPE,
            &format!("{id}.urne"),
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

async fn incidents(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async {
        let f = declarations::incidents(&staff.admin.db, &id).await?;
        let text = serde_json::to_string_pretty(&f).map_err(Error::internal)? + "\n";
        Ok(download(
            text.into_bytes(),
            "application/json",
            "incidents.json",
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

async fn candidates(staff: Staff, Path(id): Path<String>) -> Response {
    let r = async {
        let f = declarations::candidates(&staff.admin.db, &id).await?;
        let text = serde_json::to_string_pretty(&f).map_err(Error::internal)? + "\n";
        Ok(download(
            text.into_bytes(),
            "application/json",
            "candidatures.json",
        ))
    }
    .await;
    page(&staff, Some(&id), r)
}

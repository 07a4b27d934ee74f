//! What the server gives the bureau for the procès-verbal besides the archive (plan D3 step 4:
//! `urne-tally result --incidents … --candidates …`):
//!
//! - **`incidents.json`** (`{"format": "urne-incidents-1", "incidents": [{kind, date, text}]}`,
//!   `urne::count::Incident`): the dérogation to the 15-day rule when the vote opened less than
//!   fifteen days after the codes were issued (`kind = "derogation15_jours"`, with the dates, who
//!   decided and the written reason), and every incident the staff recorded (`kind = "autre"`).
//!   The PV prints them in « Incidents et dérogations ».
//! - **`candidatures.json`** (`{"format": "urne-candidatures-1", "contests": [{contest,
//!   candidacies: [{id, label, persons: [{name, inscription, birth}]}]}]}`,
//!   `urne::count::DeclaredContest`): the candidates' names and the dates the décret's
//!   tie-breaks use (inscription au tableau, birth), from the liste électorale — the genesis holds
//!   only CNBF numbers.
//!
//! `urne-server admin export-declarations ELECTION -o DIR` writes both.

use sqlx::Row;
use urne::count::{DeclaredCandidacy, DeclaredContest, Incident, IncidentKind};
use urne::model::{Candidacy, Cnbf, Election, Elector, Roll};
use urne::rules::common::{Day, Person};

use super::{codes, settings};
use crate::db::{Db, u};
use crate::error::{Error, Result};
use crate::setup;

/// `format` of the incidents file (read by `urne-tally result --incidents`).
pub const INCIDENTS_FORMAT: &str = "urne-incidents-1";
/// `format` of the candidates file (read by `urne-tally result --candidates`).
pub const CANDIDATES_FORMAT: &str = "urne-candidatures-1";

/// The incidents file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentsFile {
    /// [`INCIDENTS_FORMAT`].
    pub format: String,
    /// The incidents and overrides.
    pub incidents: Vec<Incident>,
}

/// The candidates file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidatesFile {
    /// [`CANDIDATES_FORMAT`].
    pub format: String,
    /// Per contest.
    pub contests: Vec<DeclaredContest>,
}

fn day(unix: u64) -> Day {
    Day(crate::frtime::paris(unix).date())
}

/// The incidents and overrides of `election`.
pub async fn incidents(db: &Db, election: &str) -> Result<IncidentsFile> {
    let mut out = Vec::new();
    if let Some(n) = codes::notice(db, election).await?
        && !n.respected
    {
        let s = settings::get(db, election).await?;
        let decided = match &s.early_opening {
            Some(e) => format!(
                "Dérogation décidée le {} par {} ; motif : {}",
                crate::frtime::date_time(e.at),
                e.by,
                e.reason
            ),
            None => "Aucune dérogation n'a été décidée.".into(),
        };
        out.push(Incident {
            kind: IncidentKind::Derogation15Jours,
            date: s.early_opening.as_ref().map(|e| day(e.at)),
            text: format!(
                "Les codes personnels et confidentiels ont été émis le {} et le vote a ouvert le \
                 {}, soit {} jour(s) plus tard, au lieu des quinze jours au moins de l'article 28 \
                 du décret. {decided}",
                crate::frtime::date_time(n.issued),
                crate::frtime::date_time(n.opening),
                n.days
            ),
        });
    }
    let rows = sqlx::query(
        "SELECT at, text, recorded_by FROM incidents WHERE election_id = $1 ORDER BY at, id",
    )
    .bind(election)
    .fetch_all(db.read())
    .await?;
    for r in rows {
        let at = u(r.try_get("at")?);
        out.push(Incident {
            kind: IncidentKind::Autre,
            date: Some(day(at)),
            text: format!(
                "{} (consigné le {} par {})",
                r.try_get::<String, _>("text")?,
                crate::frtime::date_time(at),
                r.try_get::<String, _>("recorded_by")?
            ),
        });
    }
    Ok(IncidentsFile {
        format: INCIDENTS_FORMAT.into(),
        incidents: out,
    })
}

fn person_of<'a>(def: &'a Election, roll: &'a Roll, c: &Cnbf) -> Option<&'a Elector> {
    roll.get(c).or_else(|| def.external_candidate(c))
}

fn maitre(def: &Election, roll: &Roll, c: &Cnbf) -> String {
    match person_of(def, roll, c) {
        Some(e) => format!("Me {} {}", e.prenom.trim(), e.nom.trim()),
        None => format!("CNBF {c}"),
    }
}

/// The candidates' names and dates of `election`.
pub async fn candidates(db: &Db, election: &str) -> Result<CandidatesFile> {
    let def = setup::definition(db, election).await?;
    let roll = setup::roll(db, election).await?;
    let mut contests = Vec::new();
    for c in &def.contests {
        let mut list = Vec::new();
        for k in &c.candidacies {
            let persons: Vec<Person> = k
                .persons()
                .into_iter()
                .map(|p| match person_of(&def, &roll, p) {
                    Some(e) => Person {
                        name: format!("{} {}", e.prenom.trim(), e.nom.trim()),
                        inscription: Some(Day(e.inscription_date)),
                        birth: Some(Day(e.birth_date)),
                    },
                    None => Person {
                        name: format!("CNBF {p}"),
                        inscription: None,
                        birth: None,
                    },
                })
                .collect();
            let label = match k {
                Candidacy::List { title, .. } => format!("Liste « {title} »"),
                Candidacy::Batonnier {
                    batonnier,
                    vice_batonnier: Some(v),
                    ..
                } => format!(
                    "{} (vice-bâtonnier : {})",
                    maitre(&def, &roll, batonnier),
                    maitre(&def, &roll, v)
                ),
                other => other
                    .persons()
                    .iter()
                    .map(|p| maitre(&def, &roll, p))
                    .collect::<Vec<_>>()
                    .join(" et "),
            };
            list.push(DeclaredCandidacy {
                id: k.id().to_owned(),
                label,
                persons,
            });
        }
        contests.push(DeclaredContest {
            contest: c.id.clone(),
            candidacies: list,
        });
    }
    Ok(CandidatesFile {
        format: CANDIDATES_FORMAT.into(),
        contests,
    })
}

/// Writes `incidents.json` and `candidatures.json` into `dir`; returns their paths.
pub async fn export(db: &Db, election: &str, dir: &std::path::Path) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::Refused(format!("{} : création impossible : {e}", dir.display())))?;
    let i = incidents(db, election).await?;
    let c = candidates(db, election).await?;
    let mut out = Vec::new();
    for (name, text) in [
        (
            "incidents.json",
            serde_json::to_string_pretty(&i).map_err(Error::internal)?,
        ),
        (
            "candidatures.json",
            serde_json::to_string_pretty(&c).map_err(Error::internal)?,
        ),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, text + "\n")
            .map_err(|e| Error::Refused(format!("{} : écriture impossible : {e}", p.display())))?;
        out.push(p.display().to_string());
    }
    Ok(out)
}

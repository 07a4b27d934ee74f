//! Candidacies (issue 5 §4): one at a time from the admin pages or `urne-server admin
//! add-candidacy`, or all at once from a CSV file (`docs/candidacies-csv.md`, the core's
//! [`import_candidacies`]). Either way the election with the new candidacies must pass the
//! model's [`Election::validate`] with the liste électorale — binômes of one woman and one man in
//! alphabetical order (art. 5 II), individual candidacies up to thirty inscrits and honoraires
//! (art. 5 I), bâtonnier tickets (art. 6), eligibility (art. 8, 9), re-eligibility (art. 5, 6), CNB
//! ordinal qualities and sex (art. 22), lists of the right length alternating sexes with a title
//! (art. 23, 26), nobody in two candidacies, lists or colleges (art. 26) — and every breach is
//! refused with the model's message, which quotes the rule and names the person.

use urne::model::{Candidacy, Cnbf, Election, import_candidacies};

use super::{Admin, Done, Permission, definition};
use crate::error::{Error, Result};
use crate::setup;

async fn roll_for_candidacies(admin: &Admin, election: &str) -> Result<urne::model::Roll> {
    setup::ensure_unsealed(&admin.db, election).await?;
    definition::roll_if_loaded(&admin.db, election)
        .await?
        .ok_or_else(|| {
            Error::Refused(
                "chargez d'abord la liste électorale : l'éligibilité des candidats se vérifie \
                 sur elle"
                    .into(),
            )
        })
}

/// The model's refusal of a definition, as the staff read it.
fn refusal(errors: &urne::model::ValidationErrors) -> Error {
    let mut s = format!("candidature refusée ({} erreur(s))", errors.0.len());
    for e in &errors.0 {
        s.push_str("\n- ");
        s.push_str(&e.to_string());
    }
    Error::Refused(s)
}

fn describe(c: &Candidacy) -> String {
    let persons: Vec<String> = c.persons().iter().map(|p| format!("CNBF {p}")).collect();
    format!(
        "{} « {} » : {}",
        c.kind().label(),
        c.id(),
        persons.join(", ")
    )
}

/// Adds `candidacy` at the end of contest `contest` (ballot order = order of registration).
pub async fn add(admin: &Admin, election: &str, contest: &str, candidacy: Candidacy) -> Result<()> {
    admin
        .require(Permission::Prepare, Some(election), "candidatures.ajout")
        .await?;
    let r = async {
        let roll = roll_for_candidacies(admin, election).await?;
        let mut def = setup::definition(&admin.db, election).await?;
        let c = def
            .contests
            .iter_mut()
            .find(|c| c.id == contest)
            .ok_or_else(|| Error::Refused(format!("scrutin « {contest} » inconnu")))?;
        let what = describe(&candidacy);
        c.candidacies.push(candidacy);
        def.validate(&roll).map_err(|e| refusal(&e))?;
        definition::replace(&admin.db, election, &def).await?;
        Ok(
            Done::new((), format!("scrutin « {contest} » : {what} enregistrée"))
                .change(None, Some(what)),
        )
    }
    .await;
    admin.audited(Some(election), "candidatures.ajout", r).await
}

/// Removes candidacy `id` of contest `contest`.
pub async fn remove(admin: &Admin, election: &str, contest: &str, id: &str) -> Result<()> {
    admin
        .require(Permission::Prepare, Some(election), "candidatures.retrait")
        .await?;
    let r = async {
        setup::ensure_unsealed(&admin.db, election).await?;
        let mut def = setup::definition(&admin.db, election).await?;
        let c = def
            .contests
            .iter_mut()
            .find(|c| c.id == contest)
            .ok_or_else(|| Error::Refused(format!("scrutin « {contest} » inconnu")))?;
        let pos = c
            .candidacies
            .iter()
            .position(|k| k.id() == id)
            .ok_or_else(|| {
                Error::Refused(format!(
                    "scrutin « {contest} » : candidature « {id} » inconnue"
                ))
            })?;
        let removed = c.candidacies.remove(pos);
        definition::replace(&admin.db, election, &def).await?;
        Ok(Done::new(
            (),
            format!("scrutin « {contest} » : candidature « {id} » retirée"),
        )
        .change(Some(describe(&removed)), None))
    }
    .await;
    admin
        .audited(Some(election), "candidatures.retrait", r)
        .await
}

/// Replaces every candidacy of the election by those of the CSV file (`docs/candidacies-csv.md`
/// §2: all-or-nothing, every refusal on the line of the person concerned). Returns the French
/// list of the candidacies read.
pub async fn import(
    admin: &Admin,
    election: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<String> {
    admin
        .require(Permission::Prepare, Some(election), "candidatures.import")
        .await?;
    let r = async {
        let roll = roll_for_candidacies(admin, election).await?;
        let def = setup::definition(&admin.db, election).await?;
        let imported = import_candidacies(bytes, &def, &roll)
            .map_err(|errors| Error::Refused(format!("{file_name} : {errors}")))?;
        let before = count(&def);
        definition::replace(&admin.db, election, &imported.election).await?;
        let listing = imported.to_string();
        Ok(Done::new(
            listing.clone(),
            format!(
                "candidatures importées de « {file_name} » : {} candidature(s) ({})",
                imported.candidacies, imported.format
            ),
        )
        .change(Some(before), Some(listing)))
    }
    .await;
    admin
        .audited(Some(election), "candidatures.import", r)
        .await
}

fn count(def: &Election) -> String {
    def.contests
        .iter()
        .map(|c| format!("{} : {} candidature(s)", c.id, c.candidacies.len()))
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// Builds a candidacy from the fields of the entry form (or the command line): `persons` are CNBF
/// numbers — bâtonnier then vice-bâtonnier for a ticket, the two members of a binôme in the order
/// of the documents, the list in list order — and `title` the list's. The kind is the one the
/// contest requires (art. 5, 6, 22, 23), so the staff never choose it wrongly.
pub async fn from_fields(
    admin: &Admin,
    election: &str,
    contest: &str,
    id: &str,
    persons: &[String],
    title: Option<&str>,
) -> Result<Candidacy> {
    let def = setup::definition(&admin.db, election).await?;
    let c = def
        .contest(contest)
        .ok_or_else(|| Error::Refused(format!("scrutin « {contest} » inconnu")))?;
    let roll = definition::roll_if_loaded(&admin.db, election).await?;
    let inscrits_and_honoraires = roll.as_ref().map_or(0, |r| {
        let k = r.counts();
        k.inscrits + k.honoraires
    });
    let id = id.trim();
    if id.is_empty() {
        return Err(Error::Refused(
            "identifiant de la candidature vide (par exemple « T1 », « B3 », « L2 »)".into(),
        ));
    }
    let mut cnbf = Vec::new();
    for (k, p) in persons.iter().filter(|p| !p.trim().is_empty()).enumerate() {
        cnbf.push(
            Cnbf::parse(p).map_err(|e| Error::Refused(format!("personne n° {} : {e}", k + 1)))?,
        );
    }
    use urne::model::CandidacyKind as K;
    let kind = c.kind.expected_candidacy(inscrits_and_honoraires as u64);
    let count = |n: std::ops::RangeInclusive<usize>, what: &str| {
        if n.contains(&cnbf.len()) {
            Ok(())
        } else {
            Err(Error::Refused(format!(
                "{what} : {} numéro(s) CNBF donné(s)",
                cnbf.len()
            )))
        }
    };
    Ok(match kind {
        K::Individual => {
            count(1..=1, "une candidature individuelle compte un candidat")?;
            Candidacy::Individual {
                id: id.into(),
                candidate: cnbf.remove(0),
            }
        }
        K::Binome => {
            count(2..=2, "un binôme compte deux candidats (décret art. 5 II)")?;
            let b = cnbf.remove(1);
            let a = cnbf.remove(0);
            Candidacy::Binome {
                id: id.into(),
                members: [a, b],
            }
        }
        K::Batonnier => {
            count(
                1..=2,
                "une candidature au bâtonnat compte le candidat et, s'il y a lieu, le \
                 vice-bâtonnier (décret art. 6)",
            )?;
            let vice = (cnbf.len() == 2).then(|| cnbf.remove(1));
            Candidacy::Batonnier {
                id: id.into(),
                batonnier: cnbf.remove(0),
                vice_batonnier: vice,
            }
        }
        K::List => {
            if cnbf.is_empty() {
                return Err(Error::Refused(
                    "une liste compte au moins un candidat".into(),
                ));
            }
            Candidacy::List {
                id: id.into(),
                title: title.unwrap_or("").trim().to_owned(),
                candidates: cnbf,
            }
        }
    })
}

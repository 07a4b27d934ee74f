//! The audit log (issue 5 §1): every admin action — done, refused or failed — with who, when,
//! what, and the state before and after, append-only in the `audit_log` table, exportable as CSV
//! (`urne-server admin audit`, the admin page « Journal »). Staff logins are in it too. Codes,
//! passwords and tokens never are: the functions that handle them write a summary without them.

use sqlx::Row;

use super::Actor;
use crate::chain::now;
use crate::db::{Db, i, u};
use crate::error::Result;

/// How an action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Done,
    /// Refused by a rule (the message is the summary).
    Refused,
    /// Failed on an internal error.
    Error,
}

impl Outcome {
    /// The stored word (French, as exported).
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Done => "fait",
            Outcome::Refused => "refusé",
            Outcome::Error => "erreur",
        }
    }
}

/// One entry to record.
#[derive(Debug)]
pub struct Entry<'a> {
    /// Who.
    pub actor: &'a Actor,
    /// The election concerned, if any.
    pub election: Option<&'a str>,
    /// The action's code (`liste.import`, `codes.emission`, …, see [`action_label`]).
    pub action: &'a str,
    /// How it ended.
    pub outcome: Outcome,
    /// What was done, or the refusal's message.
    pub summary: &'a str,
    /// State before.
    pub before: Option<&'a str>,
    /// State after.
    pub after: Option<&'a str>,
}

/// French description of an action code, for messages (« créer une élection »).
pub fn action_label(action: &str) -> &'static str {
    match action {
        "connexion" => "se connecter",
        "compte.creation" => "créer un compte",
        "compte.mot_de_passe" => "changer un mot de passe",
        "compte.desactivation" => "désactiver un compte",
        "compte.deverrouillage" => "déverrouiller un compte",
        "election.creation" => "créer une élection",
        "election.modification" => "modifier la définition de l'élection",
        "election.parametres" => "modifier les paramètres de l'élection",
        "election.essai" => "créer un scrutin à blanc",
        "election.suppression" => "supprimer l'élection",
        "liste.import" => "importer la liste électorale",
        "liste.confirmation" => "confirmer la liste électorale",
        "liste.abandon" => "abandonner l'import de la liste électorale",
        "candidatures.ajout" => "enregistrer une candidature",
        "candidatures.retrait" => "retirer une candidature",
        "candidatures.import" => "importer les candidatures",
        "codes.emission" => "émettre les codes",
        "codes.reemission" => "émettre un nouveau code",
        "codes.report" => "reprendre les codes du premier tour",
        "procuration.enregistrement" => "enregistrer une procuration",
        "procuration.annulation" => "annuler une procuration",
        "ceremonie.message" => "relayer un message de la cérémonie des clés",
        "ceremonie.cles" => "enregistrer les clés du bureau",
        "genese.construction" => "construire la genèse",
        "derogation.quinze_jours" => "déroger au délai de quinze jours",
        "scellement" => "sceller l'élection",
        "vote.alerte" => "modifier le bandeau d'alerte",
        "vote.cloture" => "clore le vote",
        "vote.deverrouillage" => "lever le verrouillage d'un électeur",
        "incident" => "consigner un incident",
        "emargement.export" => "exporter la liste d'émargement",
        "archive.export" => "exporter l'archive",
        "resultat.publication" => "publier le résultat",
        "audit.export" => "exporter le journal",
        _ => "faire cette action",
    }
}

/// Appends one entry.
pub async fn record(db: &Db, e: &Entry<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, role, election_id, action, outcome, summary, before, \
         after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(i(now()))
    .bind(format!("{} ({})", e.actor.login, e.actor.name))
    .bind(e.actor.role.code())
    .bind(e.election)
    .bind(e.action)
    .bind(e.outcome.code())
    .bind(e.summary)
    .bind(e.before)
    .bind(e.after)
    .execute(db.write())
    .await?;
    Ok(())
}

/// One entry as read back.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogLine {
    /// Sequence number.
    pub id: i64,
    /// Unix seconds.
    pub at: u64,
    /// « login (name) ».
    pub actor: String,
    /// Role code.
    pub role: String,
    /// Election.
    pub election: Option<String>,
    /// Action code.
    pub action: String,
    /// `fait`, `refusé`, `erreur`.
    pub outcome: String,
    /// What was done or why it was refused.
    pub summary: String,
    /// Before.
    pub before: Option<String>,
    /// After.
    pub after: Option<String>,
}

impl LogLine {
    /// The time, French (Paris).
    pub fn at_fr(&self) -> String {
        crate::frtime::date_time(self.at)
    }

    /// The action in words.
    pub fn action_fr(&self) -> &'static str {
        action_label(&self.action)
    }
}

/// The log, oldest first; only `election`'s entries when given.
pub async fn list(db: &Db, election: Option<&str>) -> Result<Vec<LogLine>> {
    let rows = match election {
        Some(e) => {
            sqlx::query(
                "SELECT id, at, actor, role, election_id, action, outcome, summary, before, \
                 after FROM audit_log WHERE election_id = $1 ORDER BY id",
            )
            .bind(e)
            .fetch_all(db.read())
            .await?
        }
        None => {
            sqlx::query(
                "SELECT id, at, actor, role, election_id, action, outcome, summary, before, \
                 after FROM audit_log ORDER BY id",
            )
            .fetch_all(db.read())
            .await?
        }
    };
    rows.iter()
        .map(|r| {
            Ok(LogLine {
                id: r.try_get("id")?,
                at: u(r.try_get("at")?),
                actor: r.try_get("actor")?,
                role: r.try_get("role")?,
                election: r.try_get("election_id")?,
                action: r.try_get("action")?,
                outcome: r.try_get("outcome")?,
                summary: r.try_get("summary")?,
                before: r.try_get("before")?,
                after: r.try_get("after")?,
            })
        })
        .collect()
}

/// The log as CSV (UTF-8 with BOM so that a French spreadsheet reads the accents, `;`), one line
/// per entry: `n°;date;heure (Paris, ISO 8601);acteur;rôle;élection;action;code action;résultat;
/// résumé;avant;après`.
pub fn to_csv(lines: &[LogLine]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let csv_err = |e: csv::Error| crate::error::Error::internal(e);
    w.write_record([
        "n°",
        "date",
        "horodatage",
        "acteur",
        "rôle",
        "élection",
        "action",
        "code action",
        "résultat",
        "résumé",
        "avant",
        "après",
    ])
    .map_err(csv_err)?;
    for l in lines {
        w.write_record([
            l.id.to_string(),
            l.at_fr(),
            crate::frtime::iso(l.at),
            l.actor.clone(),
            l.role.clone(),
            l.election.clone().unwrap_or_default(),
            l.action_fr().to_owned(),
            l.action.clone(),
            l.outcome.clone(),
            l.summary.clone(),
            l.before.clone().unwrap_or_default(),
            l.after.clone().unwrap_or_default(),
        ])
        .map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| crate::error::Error::internal(e.to_string()))
}

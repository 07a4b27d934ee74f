//! The election definition (issue 5 §2): created from a definition file (`urne-server admin
//! create FILE`, JSON or TOML, `docs/model.md`) or from the admin pages, checked by the model
//! ([`Election::validate_structure`], and [`Election::validate`] once a roll is loaded), changed
//! only before the seal; test elections (scrutins à blanc) and their discarding; the state of
//! the preparation.

use sqlx::Row;
use urne::board::canonical_json;
use urne::model::{Bureau, Election};

use super::{Admin, Done, Permission, settings};
use crate::chain::now;
use crate::db::{Db, i, u};
use crate::error::{Error, Result};
use crate::setup;

/// The definition as stored (canonical JSON, what the genesis seals).
fn json_of(def: &Election) -> Result<String> {
    let bytes = canonical_json(def).map_err(Error::internal)?;
    String::from_utf8(bytes).map_err(Error::internal)
}

fn short(def: &Election) -> String {
    let contests: Vec<String> = def
        .contests
        .iter()
        .map(|c| format!("{} ({} candidature(s))", c.id, c.candidacies.len()))
        .collect();
    format!(
        "barreau {} ; élection {} (campagne {}) ; vote du {} au {} ; bureau : {} + {} scrutateur(s), \
         seuil {} ; scrutins : {}",
        def.barreau,
        def.election_id,
        def.campaign_id,
        urne::model::dates::format_instant(def.opening).unwrap_or_default(),
        urne::model::dates::format_instant(def.closing).unwrap_or_default(),
        def.bureau.batonnier.name,
        def.bureau.scrutateurs.len(),
        def.bureau.threshold,
        contests.join(", ")
    )
}

/// Creates an election from its definition (checked by the model: every error listed). The
/// letters will send electors to `vote_url` (default: the server's public URL).
pub async fn create(admin: &Admin, def: &Election, vote_url: Option<&str>) -> Result<()> {
    let id = def.election_id.clone();
    admin
        .require(Permission::Prepare, Some(&id), "election.creation")
        .await?;
    let r = async {
        create_inner(admin, def, vote_url, None).await?;
        Ok(Done::new((), format!("élection « {id} » créée")).change(None, Some(short(def))))
    }
    .await;
    admin.audited(Some(&id), "election.creation", r).await
}

async fn create_inner(
    admin: &Admin,
    def: &Election,
    vote_url: Option<&str>,
    test_of: Option<&str>,
) -> Result<()> {
    let url = vote_url
        .map(str::to_owned)
        .unwrap_or_else(|| admin.config.public_url.clone());
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Error::Refused(format!(
            "adresse du vote « {url} » : une adresse http:// ou https:// est attendue"
        )));
    }
    setup::create_election(&admin.db, def).await?;
    let mut conn = admin.db.write().acquire().await?;
    settings::create(&mut conn, &def.election_id, &url, test_of).await?;
    Ok(())
}

/// Reads a definition file's text (JSON, or TOML when `name` ends in `.toml`); errors name the
/// file and the line.
pub fn parse(text: &str, name: &str) -> Result<Election> {
    let format = if name.to_ascii_lowercase().ends_with(".toml") {
        urne::model::DefinitionFormat::Toml
    } else {
        urne::model::DefinitionFormat::Json
    };
    Election::parse(text, format, name).map_err(|e| Error::Refused(e.to_string()))
}

/// Whether codes were issued.
pub(crate) async fn codes_issued_at(db: &Db, election: &str) -> Result<Option<u64>> {
    let row = sqlx::query("SELECT codes_issued_at FROM elections WHERE id = $1")
        .bind(election)
        .fetch_optional(db.read())
        .await?
        .ok_or_else(|| Error::NotFound(format!("élection « {election} » inconnue")))?;
    Ok(row.try_get::<Option<i64>, _>("codes_issued_at")?.map(u))
}

/// Whether a roll is loaded (and then the roll).
pub(crate) async fn roll_if_loaded(db: &Db, election: &str) -> Result<Option<urne::model::Roll>> {
    let row = sqlx::query("SELECT 1 AS x FROM rolls WHERE election_id = $1")
        .bind(election)
        .fetch_optional(db.read())
        .await?;
    match row {
        Some(_) => Ok(Some(setup::roll(db, election).await?)),
        None => Ok(None),
    }
}

/// Replaces the definition of an unsealed election by `new` (same election id), after the
/// model's checks (with the roll when loaded). Once the codes are issued the contests (and so
/// every elector's rights) and the campaign (the salt of the codes) may no longer change; a new
/// bureau voids the key ceremony. Any change voids a genesis already built. Returns the text of
/// the definition before, for the audit.
pub(crate) async fn replace(db: &Db, election: &str, new: &Election) -> Result<String> {
    setup::ensure_unsealed(db, election).await?;
    let old = setup::definition(db, election).await?;
    if new.election_id != old.election_id {
        return Err(Error::Refused(format!(
            "l'identifiant de l'élection ne change pas (« {} » attendu, « {} » reçu)",
            old.election_id, new.election_id
        )));
    }
    new.validate_structure()
        .map_err(|e| Error::Refused(e.to_string()))?;
    if let Some(roll) = roll_if_loaded(db, election).await? {
        new.validate(&roll)
            .map_err(|e| Error::Refused(e.to_string()))?;
    }
    if codes_issued_at(db, election).await?.is_some() {
        if new.campaign_id != old.campaign_id {
            return Err(Error::Refused(
                "les codes ont été émis : l'identifiant de campagne (sel des codes) ne peut plus \
                 changer"
                    .into(),
            ));
        }
        let shape = |d: &Election| {
            d.contests
                .iter()
                .map(|c| (c.id.clone(), c.kind))
                .collect::<Vec<_>>()
        };
        if shape(new) != shape(&old) {
            return Err(Error::Refused(
                "les codes ont été émis : les scrutins (et donc les droits de vote de chaque \
                 électeur) ne peuvent plus changer"
                    .into(),
            ));
        }
    }
    let bureau_changed = new.bureau != old.bureau
        || new.barreau != old.barreau
        || new.campaign_id != old.campaign_id;
    let json = json_of(new)?;
    let opening = u64::try_from(new.opening.unix_timestamp()).unwrap_or(0);
    let closing = u64::try_from(new.closing.unix_timestamp()).unwrap_or(0);
    let sql = if bureau_changed {
        "UPDATE elections SET definition = $1, campaign_id = $2, opening = $3, closing = $4, \
         genesis = NULL, dkg_transcript = NULL WHERE id = $5"
    } else {
        "UPDATE elections SET definition = $1, campaign_id = $2, opening = $3, closing = $4, \
         genesis = NULL WHERE id = $5"
    };
    sqlx::query(sql)
        .bind(json)
        .bind(&new.campaign_id)
        .bind(i(opening))
        .bind(i(closing))
        .bind(election)
        .execute(db.write())
        .await?;
    Ok(short(&old))
}

/// Replaces the definition (the admin page's edit, `urne-server admin update FILE`).
pub async fn update(admin: &Admin, election: &str, new: &Election) -> Result<()> {
    admin
        .require(Permission::Prepare, Some(election), "election.modification")
        .await?;
    let r = async {
        let before = replace(&admin.db, election, new).await?;
        Ok(Done::new((), "définition de l'élection modifiée")
            .change(Some(before), Some(short(new))))
    }
    .await;
    admin
        .audited(Some(election), "election.modification", r)
        .await
}

/// Creates a test election (scrutin à blanc) rehearsing `election`: the same definition and
/// liste électorale, under the ids `{election}-essai-N`, N never used before (campaign
/// `{campaign}-essai-N`, so its
/// codes are not those of the real vote), marked as a test everywhere (letters, alert banner of
/// the voting pages), to be discarded afterwards. `bureau` replaces the bureau (the bureau
/// members rehearse with separate key files: a key file serves one ceremony only).
pub async fn create_test(admin: &Admin, election: &str, bureau: Option<Bureau>) -> Result<String> {
    admin
        .require(Permission::Prepare, Some(election), "election.essai")
        .await?;
    let r = async {
        let s = settings::get(&admin.db, election).await?;
        if s.is_test {
            return Err(Error::Refused(format!(
                "« {election} » est déjà un scrutin à blanc"
            )));
        }
        let mut def = setup::definition(&admin.db, election).await?;
        // An id never used before, not even by a discarded test election (the audit log keeps
        // them): a server process may still hold a discarded sealed election in its cache.
        let mut n = 1;
        let id = loop {
            let id = format!("{}-essai-{n}", def.election_id);
            let exists = sqlx::query("SELECT 1 AS x FROM elections WHERE id = $1")
                .bind(&id)
                .fetch_optional(admin.db.read())
                .await?;
            let used = sqlx::query("SELECT 1 AS x FROM audit_log WHERE election_id = $1 LIMIT 1")
                .bind(&id)
                .fetch_optional(admin.db.read())
                .await?;
            if exists.is_none() && used.is_none() {
                break id;
            }
            n += 1;
        };
        def.election_id = id.clone();
        def.campaign_id = format!("{}-essai-{n}", def.campaign_id);
        if let Some(b) = bureau {
            def.bureau = b;
        }
        let url = if s.vote_url.is_empty() {
            None
        } else {
            Some(s.vote_url.as_str())
        };
        create_inner(admin, &def, url, Some(election)).await?;
        sqlx::query("UPDATE election_admin SET modalites = $1, place = $2 WHERE election_id = $3")
            .bind(&s.modalites)
            .bind(&s.place)
            .bind(&id)
            .execute(admin.db.write())
            .await?;
        setup::set_alert(
            &admin.db,
            &id,
            Some(
                "Scrutin à blanc : ce vote est un essai de l'ordre et n'a aucune valeur. \
                 Aucun résultat ne sera proclamé.",
            ),
        )
        .await?;
        if let Some(roll) = roll_if_loaded(&admin.db, election).await? {
            setup::load_roll(&admin.db, &id, &roll).await?;
        }
        Ok(Done::new(
            id.clone(),
            format!("scrutin à blanc « {id} » créé à partir de « {election} »"),
        ))
    }
    .await;
    admin.audited(Some(election), "election.essai", r).await
}

/// Deletes an election and everything of it. A test election may be discarded at any time; a
/// real election only before its seal, by a bâtonnier (a sealed ballot box is never deleted).
pub async fn discard(admin: &Admin, election: &str) -> Result<()> {
    let r = async {
        let s = settings::get(&admin.db, election).await?;
        if !s.is_test {
            if !admin.actor.role.allows(Permission::Approve) {
                return Err(Error::Forbidden(format!(
                    "action réservée au bâtonnier : {} ne peut pas supprimer une élection",
                    admin.actor.describe()
                )));
            }
            setup::ensure_unsealed(&admin.db, election).await?;
        }
        let mut tx = admin.db.write().begin().await?;
        for table in [
            "sessions",
            "heads",
            "ballots",
            "events",
            "credentials",
            "procurations",
            "electors",
            "rolls",
            "pending_rolls",
            "ceremony_messages",
            "incidents",
            "election_admin",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE election_id = $1"
            )))
            .bind(election)
            .execute(&mut *tx)
            .await?;
        }
        let done = sqlx::query("DELETE FROM elections WHERE id = $1")
            .bind(election)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        admin.elections.forget(election);
        Ok(Done::new(
            (),
            format!(
                "{} « {election} » supprimé ({} élection)",
                if s.is_test {
                    "scrutin à blanc"
                } else {
                    "projet d'élection"
                },
                done.rows_affected()
            ),
        ))
    }
    .await;
    admin
        .audited(Some(election), "election.suppression", r)
        .await
}

/// One step of the preparation, as the overview page and `urne-server admin status` show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Step {
    /// What.
    pub label: &'static str,
    /// Done.
    pub done: bool,
    /// Details.
    pub detail: String,
}

/// Where an election stands.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Overview {
    /// Id.
    pub id: String,
    /// Barreau.
    pub barreau: String,
    /// A scrutin à blanc.
    pub is_test: bool,
    /// The definition.
    pub definition: Election,
    /// The steps of the preparation, in order.
    pub steps: Vec<Step>,
    /// Sealed.
    pub sealed: bool,
    /// Fingerprint once the genesis is built or sealed (hex).
    pub fingerprint: Option<String>,
    /// « en préparation », « à venir », « ouvert », « clos ».
    pub state: String,
    /// The alert banner.
    pub alert: Option<String>,
}

/// The overview of `election`.
pub async fn overview(db: &Db, election: &str) -> Result<Overview> {
    let def = setup::definition(db, election).await?;
    let s = settings::get(db, election).await?;
    let row = sqlx::query(
        "SELECT codes_issued_at, dkg_transcript, genesis, fingerprint, head_height, opening, \
         closing, closed_at, tallied_at, alert FROM elections WHERE id = $1",
    )
    .bind(election)
    .fetch_one(db.read())
    .await?;
    let electors = sqlx::query(
        "SELECT COUNT(*) AS n, SUM(CASE WHEN rights <> '[]' THEN 1 ELSE 0 END) AS v, \
         SUM(CASE WHEN credential IS NOT NULL THEN 1 ELSE 0 END) AS c \
         FROM electors WHERE election_id = $1",
    )
    .bind(election)
    .fetch_one(db.read())
    .await?;
    let n: i64 = electors.try_get("n")?;
    let voters: Option<i64> = electors.try_get("v")?;
    let creds: Option<i64> = electors.try_get("c")?;
    let roll = roll_if_loaded(db, election).await?.is_some();
    let pending = sqlx::query("SELECT 1 AS x FROM pending_rolls WHERE election_id = $1")
        .bind(election)
        .fetch_optional(db.read())
        .await?
        .is_some();
    let codes = row.try_get::<Option<i64>, _>("codes_issued_at")?.map(u);
    let dkg = row
        .try_get::<Option<Vec<u8>>, _>("dkg_transcript")?
        .is_some();
    let genesis: Option<Vec<u8>> = row.try_get("genesis")?;
    let sealed = row.try_get::<Option<i64>, _>("head_height")?.is_some();
    let fp: Option<Vec<u8>> = row.try_get("fingerprint")?;
    let built_fp = match (&fp, &genesis) {
        (Some(f), _) => Some(urne::encoding::hex(f)),
        (None, Some(g)) => urne::board::Genesis::decode(g).ok().map(|g| {
            urne::board::Event {
                height: 0,
                parent: urne::encoding::Hash32::default(),
                payload: urne::board::Payload::Genesis(Box::new(g)),
            }
            .hash()
            .to_hex()
        }),
        _ => None,
    };
    let candidacies: usize = def.contests.iter().map(|c| c.candidacies.len()).sum();
    let empty: Vec<&str> = def
        .contests
        .iter()
        .filter(|c| c.candidacies.is_empty())
        .map(|c| c.id.as_str())
        .collect();
    let opening = u(row.try_get("opening")?);
    let closing = u(row.try_get("closing")?);
    let closed = row.try_get::<Option<i64>, _>("closed_at")?.is_some();
    let state = crate::web::api::VoteState::of(sealed, opening, closing, closed, now());
    let steps = vec![
        Step {
            label: "Définition de l'élection",
            done: true,
            detail: format!(
                "{} scrutin(s) ; vote du {} au {}",
                def.contests.len(),
                crate::frtime::date_time(opening),
                crate::frtime::date_time(closing)
            ),
        },
        Step {
            label: "Liste électorale",
            done: roll,
            detail: if roll {
                format!(
                    "{n} avocat(s), dont {} avec un droit de vote dans cette élection{}",
                    voters.unwrap_or(0),
                    if pending {
                        " ; un nouvel import attend confirmation"
                    } else {
                        ""
                    }
                )
            } else if pending {
                "import en attente de confirmation".into()
            } else {
                "à importer".into()
            },
        },
        Step {
            label: "Candidatures",
            done: candidacies > 0 && empty.is_empty(),
            detail: if empty.is_empty() {
                format!("{candidacies} candidature(s)")
            } else {
                format!(
                    "{candidacies} candidature(s) ; sans candidature : {}",
                    empty.join(", ")
                )
            },
        },
        Step {
            label: "Codes personnels et confidentiels",
            done: codes.is_some(),
            detail: match codes {
                Some(t) => format!(
                    "émis le {} pour {} électeur(s)",
                    crate::frtime::date_time(t),
                    creds.unwrap_or(0)
                ),
                None => "à émettre".into(),
            },
        },
        Step {
            label: "Cérémonie des clés du bureau",
            done: dkg,
            detail: if dkg {
                "clé de l'élection enregistrée".into()
            } else {
                "à faire par le bâtonnier et les scrutateurs (urne-tally keygen)".into()
            },
        },
        Step {
            label: "Genèse (acte de naissance de l'élection)",
            done: genesis.is_some() || sealed,
            detail: built_fp
                .as_deref()
                .map(|f| format!("empreinte {f}"))
                .unwrap_or_else(|| "à construire".into()),
        },
        Step {
            label: "Scellement par le bâtonnier",
            done: sealed,
            detail: if sealed {
                "scellée : plus rien ne peut changer".into()
            } else {
                "à sceller (urne-tally sign-genesis)".into()
            },
        },
    ];
    Ok(Overview {
        id: election.to_owned(),
        barreau: def.barreau.clone(),
        is_test: s.is_test,
        definition: def,
        steps,
        sealed,
        fingerprint: built_fp,
        state: state.label().to_owned(),
        alert: row.try_get("alert")?,
    })
}

/// Every election, id and barreau, with whether it is a test.
pub async fn list(db: &Db) -> Result<Vec<(String, String, bool, String)>> {
    let rows = sqlx::query(
        "SELECT e.id, e.definition, e.head_height, e.opening, e.closing, e.closed_at, \
         COALESCE(a.is_test, 0) AS is_test FROM elections e \
         LEFT JOIN election_admin a ON a.election_id = e.id ORDER BY e.opening, e.id",
    )
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            let def: Election = serde_json::from_str(&r.try_get::<String, _>("definition")?)
                .map_err(Error::internal)?;
            let state = crate::web::api::VoteState::of(
                r.try_get::<Option<i64>, _>("head_height")?.is_some(),
                u(r.try_get("opening")?),
                u(r.try_get("closing")?),
                r.try_get::<Option<i64>, _>("closed_at")?.is_some(),
                now(),
            );
            Ok((
                r.try_get("id")?,
                def.barreau,
                r.try_get::<i64, _>("is_test")? != 0,
                state.label().to_owned(),
            ))
        })
        .collect()
}

//! The admin's own protections and tools, on SQLite and PostgreSQL: the liste électorale's
//! import (every error by line and column, the re-import's differences and confirmation), the
//! staff login (generic message, lockout, CSRF, cookies, per-IP limit, roles), the key ceremony
//! relay's refusals (docs/api-ceremony.md §5), the test election (scrutin à blanc) and the
//! command line's exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_common;
mod common;

use std::time::Duration;

use admin_common::{
    StaffClient, TestBureau, as_user, console, create_user, database_contains, pdf_text,
    post_login, sample, valence, valence_election,
};
use common::{AppOptions, Backend, client, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use urne::ceremony::{DkgMessage, Step};
use urne::crypto::dkg::batonnier_keygen;
use urne_server::admin::codes::{self, Delivery};
use urne_server::admin::{audit, ceremony, definition, roll};
use urne_server::web::RateLimit;

fn err<T: std::fmt::Debug>(r: urne_server::Result<T>) -> String {
    r.expect_err("refus attendu").to_string()
}

async fn a_roll_is_all_or_nothing_and_a_reimport_waits_for_confirmation_of_its_differences(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = console(&app);
    let bureau = TestBureau::new(1, 1);
    // The sample file of every error: each by line and column, nothing imported.
    let mut gap = valence("gap-2026", &bureau, 30 * 86400, 31 * 86400);
    gap.barreau = "Gap".into();
    definition::create(&admin, &gap, None).await.unwrap();
    let expected = String::from_utf8(sample("tests/rolls/erreurs.expected.txt")).unwrap();
    assert_eq!(
        err(roll::import(
            &admin,
            "gap-2026",
            "erreurs.csv",
            &sample("tests/rolls/erreurs.csv"),
            false
        )
        .await),
        format!("erreurs.csv : {}", expected.trim_end())
    );
    let o = definition::overview(app.db(), "gap-2026").await.unwrap();
    assert!(!o.steps[1].done, "rien n'a été importé");

    // Valence: the first import applies.
    let def = valence("valence-liste", &bureau, 30 * 86400, 31 * 86400);
    let id = def.election_id.clone();
    definition::create(&admin, &def, None).await.unwrap();
    let csv = String::from_utf8(sample("tests/rolls/valence-utf-8-virgule.csv")).unwrap();
    let first = roll::import(&admin, &id, "v1.csv", csv.as_bytes(), false)
        .await
        .unwrap();
    assert!(first.applied);
    assert!(
        first
            .summary
            .contains("voix de chaque électeur du collège ordinal : 45 ÷ 7 = 6 par bulletin"),
        "{}",
        first.summary
    );
    // A re-import: one elector omitted from the tableau, one gone, one new.
    let changed = csv
        .replace(
            "40999,Vidal,Inès,F,1987-01-20,2012-01-10,2012-01-04,Valence,inscrit,",
            "40999,Vidal,Inès,F,1987-01-20,2012-01-10,2012-01-04,Valence,omis,",
        )
        .lines()
        .filter(|l| !l.starts_with("41036,"))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n77777,Petit,Lou,F,1990-01-01,2015-01-01,2015-01-01,Valence,inscrit,,,,,\n";
    assert_ne!(changed, csv);
    let second = roll::import(&admin, &id, "v2.csv", changed.as_bytes(), false)
        .await
        .unwrap();
    assert!(!second.applied, "une nouvelle liste attend la confirmation");
    let diff = second.differences.clone().unwrap();
    for line in [
        "1 ajout(s), 1 retrait(s), 1 modification(s), 43 électeur(s) inchangé(s)",
        "+ 77777 Petit Lou (inscrit au tableau)",
        "- 41036 Thomas Tom (inscrit au tableau)",
        "~ 40999 Vidal Inès",
        "statut : « inscrit » → « omis »",
    ] {
        assert!(diff.contains(line), "« {line} » absent :\n{diff}");
    }
    // Nothing changed before the confirmation; the codes wait too.
    let r = urne_server::setup::roll(app.db(), &id).await.unwrap();
    assert!(r.get(&urne::model::Cnbf::parse("41036").unwrap()).is_some());
    assert_eq!(
        err(codes::issue(&admin, &id, Delivery::default()).await),
        "une nouvelle liste électorale attend confirmation : confirmez-la ou abandonnez-la avant \
         d'émettre les codes"
    );
    let done = roll::confirm(&admin, &id).await.unwrap();
    assert_eq!(done.electors, 45);
    assert_eq!(done.with_rights, Some(44), "l'omis ne vote pas");
    assert_eq!(
        err(roll::confirm(&admin, &id).await),
        "aucune liste électorale n'attend de confirmation"
    );
    assert_eq!(
        err(roll::abandon(&admin, &id).await),
        "aucune liste électorale n'attend de confirmation"
    );
    // Once the codes are out the roll no longer changes.
    codes::issue(&admin, &id, Delivery::default())
        .await
        .unwrap();
    assert_eq!(
        err(roll::import(&admin, &id, "v3.csv", csv.as_bytes(), true).await),
        "les codes ont déjà été émis : la liste électorale ne peut plus être remplacée"
    );
    let log = audit::list(app.db(), Some(&id)).await.unwrap();
    let roll_actions: Vec<(&str, &str)> = log
        .iter()
        .filter(|l| l.action.starts_with("liste."))
        .map(|l| (l.action.as_str(), l.outcome.as_str()))
        .collect();
    assert_eq!(
        roll_actions,
        vec![
            ("liste.import", "fait"),
            ("liste.import", "fait"),
            ("liste.confirmation", "fait"),
            ("liste.confirmation", "refusé"),
            ("liste.abandon", "refusé"),
            ("liste.import", "refusé"),
        ]
    );
    app.stop().await;
}

async fn the_staff_login_has_the_protections_of_the_electors_login(backend: Backend) {
    let app = spawn_app(backend).await;
    create_user(&app, "sec", "secretariat", "mot de passe du secrétariat").await;
    // Without a session: the pages send to the login form, JSON gets 401.
    let r = client().get(app.url("/admin")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/admin/connexion");
    let r = client()
        .get(app.url("/admin"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // The login page: CSP and headers of the elector pages.
    let r = client()
        .get(app.url("/admin/connexion"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-security-policy"],
        urne_server::web::CSP
    );
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"fr\">") && html.contains("<label for=\"password\">"));
    // Wrong password, unknown login: one message.
    for (login, pass) in [("sec", "mauvais mot de passe"), ("personne", "peu importe")] {
        let r = post_login(&app, login, pass).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["message"], "Identifiant ou mot de passe incorrect.");
    }
    // A forged CSRF token of the login form.
    let (pre, _) = admin_common::login_page(&app).await;
    let r = client()
        .post(app.url("/admin/connexion"))
        .header(reqwest::header::COOKIE, pre)
        .header("accept", "application/json")
        .form(&[
            ("login", "sec"),
            ("password", "mot de passe du secrétariat"),
            ("csrf", "00"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Five wrong passwords in a row lock the account, even for the right password.
    for _ in 0..4 {
        assert_eq!(
            post_login(&app, "sec", "encore faux").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = post_login(&app, "sec", "mot de passe du secrétariat").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Trop de tentatives infructueuses : ce compte est verrouillé jusqu'à "),
        "{v}"
    );
    urne_server::admin::accounts::unlock_user(&console(&app), "sec")
        .await
        .unwrap();
    let r = post_login(&app, "sec", "mot de passe du secrétariat").await;
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("urne_admin="))
        .unwrap();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("urne_admin=");
    assert!(
        !database_contains(&app, value).await,
        "seule l'empreinte de la session est gardée"
    );
    assert!(!database_contains(&app, "mot de passe du secrétariat").await);
    // A form without the session's CSRF token is refused.
    let sec = StaffClient::login(&app, "sec", "mot de passe du secrétariat").await;
    let r = sec
        .client
        .post(app.url("/admin/comptes"))
        .header(reqwest::header::COOKIE, &sec.cookie)
        .header("accept", "application/json")
        .form(&[
            ("login", "x"),
            ("name", "x"),
            ("role", "secretariat"),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "champ csrf manquant"
    );
    // Logging out ends the session.
    let (s, _) = sec.post_form("/admin/deconnexion", &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = sec.get_json("/admin").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let sec = StaffClient::login(&app, "sec", "mot de passe du secrétariat").await;
    let mut forged = sec.clone();
    forged.csrf = "0".repeat(64);
    let (s, v) = forged
        .post_form(
            "/admin/comptes",
            &[
                ("login", "autre"),
                ("name", "Me Autre"),
                ("role", "secretariat"),
                ("password", "un mot de passe long"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        v["message"],
        "Jeton de sécurité invalide ou expiré : rechargez la page puis recommencez."
    );
    // The secrétariat creates no account; the bâtonnier does.
    let (s, v) = sec
        .post_form(
            "/admin/comptes",
            &[
                ("login", "autre"),
                ("name", "Me Autre"),
                ("role", "secretariat"),
                ("password", "un mot de passe long"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        v["message"],
        "action réservée au bâtonnier : Me sec (secrétariat) ne peut pas créer un compte"
    );
    assert_eq!(
        err(urne_server::admin::accounts::create_user(
            &console(&app),
            "court",
            "Me Court",
            urne_server::admin::Role::Secretariat,
            "court"
        )
        .await),
        "mot de passe trop court : 12 caractères au moins"
    );
    // Logins are in the audit log, never the password.
    let log = audit::list(app.db(), None).await.unwrap();
    assert!(log.iter().any(|l| l.action == "connexion"
        && l.outcome == "refusé"
        && l.summary == "mot de passe incorrect"));
    assert!(
        log.iter()
            .any(|l| l.action == "connexion" && l.outcome == "fait")
    );
    app.stop().await;

    // The login is limited per IP like the electors'.
    let app = spawn_app_with(
        backend,
        AppOptions {
            ip_rate_limit: Some(RateLimit {
                period: Duration::from_secs(60),
                burst: 3,
            }),
        },
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(post_login(&app, "personne", "rien").await.status());
    }
    assert_eq!(statuses[..3], [StatusCode::UNAUTHORIZED; 3]);
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS);
    app.stop().await;
}

async fn the_ceremony_relay_refuses_forged_conflicting_and_late_messages(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = console(&app);
    let bureau = TestBureau::new(2, 1);
    let def = valence("relais", &bureau, 30 * 86400, 31 * 86400);
    definition::create(&admin, &def, None).await.unwrap();
    let c = ceremony::ceremony(app.db(), "relais").await.unwrap();
    let cid = c.id();
    let base = app.url(&format!("/ceremonies/{}", cid.to_hex()));
    let post = |m: DkgMessage| {
        let url = format!("{base}/messages");
        async move {
            let r = client()
                .post(url)
                .header("content-type", "application/json")
                .body(m.to_json())
                .send()
                .await
                .unwrap();
            let s = r.status();
            (s, r.json::<serde_json::Value>().await.unwrap())
        }
    };
    let params = c.params().unwrap();
    let (_, bk) = batonnier_keygen(&params, &mut rand::rng());
    // Signed by a scrutateur's key: 403.
    let (s, v) = post(DkgMessage::sign(
        cid,
        0,
        Step::BatonnierKey,
        &bk.encode(),
        &bureau.keys[1],
    ))
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        v["error"],
        "signature invalide du message « clé du bâtonnier » attribué au bâtonnier (Me Anne Aubert)"
    );
    // A step the member may not publish: 403.
    let (s, v) = post(DkgMessage::sign(
        cid,
        1,
        Step::BatonnierKey,
        &bk.encode(),
        &bureau.keys[1],
    ))
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        v["error"],
        "étape « clé du bâtonnier » publiée par le scrutateur 1 : étape réservée au bâtonnier"
    );
    // Another ceremony: 400.
    let other = urne::encoding::tagged_hash("URNE-V1-test", &[b"autre"]);
    let (s, v) = post(DkgMessage::sign(
        other,
        0,
        Step::BatonnierKey,
        &bk.encode(),
        &bureau.keys[0],
    ))
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        v["error"],
        format!(
            "message pour une autre cérémonie ({}…) que celle-ci ({}…)",
            &other.to_hex()[..16],
            &cid.to_hex()[..16]
        )
    );
    // Malformed: 400.
    let r = client()
        .post(format!("{base}/messages"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Accepted (201), the same again (200), a different one (409).
    let good = DkgMessage::sign(cid, 0, Step::BatonnierKey, &bk.encode(), &bureau.keys[0]);
    let (s, v) = post(good.clone()).await;
    assert_eq!(
        (s, v["file"].as_str()),
        (StatusCode::CREATED, Some("1-batonnier_key-0.json"))
    );
    let (s, _) = post(good.clone()).await;
    assert_eq!(s, StatusCode::OK);
    let (_, bk2) = batonnier_keygen(&params, &mut rand::rng());
    let (s, v) = post(DkgMessage::sign(
        cid,
        0,
        Step::BatonnierKey,
        &bk2.encode(),
        &bureau.keys[0],
    ))
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(
        v["error"],
        "deux messages différents du bâtonnier (Me Anne Aubert) pour l'étape « clé du bâtonnier » : \
         la cérémonie doit être recommencée"
    );
    let v: serde_json::Value = client()
        .get(format!("{base}/messages"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["messages"].as_array().unwrap().len(), 1);
    assert_eq!(v["messages"][0], serde_json::to_value(&good).unwrap());
    let r = client().get(format!("{base}/keys")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A new bureau is a new ceremony: the old id is unknown.
    let mut changed = def.clone();
    changed.bureau = TestBureau::new(2, 1).definition();
    definition::update(&admin, "relais", &changed)
        .await
        .unwrap();
    let r = client().get(base.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A keys file of another ceremony is refused.
    let file = urne::ceremony::BureauKeysFile {
        format: urne::ceremony::KEYS_FORMAT.into(),
        ceremony: cid,
        transcript: String::new(),
        election_key: String::new(),
    };
    let now_id = ceremony::ceremony(app.db(), "relais").await.unwrap().id();
    assert_eq!(
        err(ceremony::import_keys(&admin, "relais", &file).await),
        format!(
            "cles-bureau.json : cérémonie {}… et non celle de cette élection ({}…) : le bureau ou \
             l'élection ont changé depuis",
            &cid.to_hex()[..16],
            &now_id.to_hex()[..16]
        )
    );
    // The seal through the relay: a malformed file, a wrong signature, then the real one.
    let e = valence_election(&app, "relais-sceau", 3600, 7200, false).await;
    let url = app.url("/elections/relais-sceau/seal");
    let r = client().post(&url).body("{}").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let forged = urne::board::Seal::sign(&e.fingerprint, &e.bureau.keys[1]);
    let body = |sig: urne::board::SignatureBytes| {
        serde_json::json!({"format": "urne-sceau-1", "fingerprint": e.fingerprint, "signature": sig})
            .to_string()
    };
    let r = client()
        .post(&url)
        .body(body(forged.signature))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        v["error"],
        "la signature du sceau ne vérifie pas avec la clé du bâtonnier"
    );
    let good = urne::board::Seal::sign(&e.fingerprint, &e.bureau.keys[0]);
    let r = client()
        .post(&url)
        .body(body(good.signature))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = client()
        .post(&url)
        .body(body(good.signature))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    app.stop().await;
}

async fn a_test_election_rehearses_the_vote_and_is_discarded(backend: Backend) {
    let app = spawn_app(backend).await;
    create_user(&app, "sec", "secretariat", "mot de passe du secrétariat").await;
    let sec = as_user(&app, "sec").await;
    let admin = console(&app);
    let real = valence_election(&app, "reelle", 20 * 86400, 21 * 86400, false).await;
    let test = definition::create_test(&sec, &real.id, None).await.unwrap();
    assert_eq!(test, "reelle-essai-1");
    let o = definition::overview(app.db(), &test).await.unwrap();
    assert!(o.is_test);
    assert!(o.steps[1].done, "la liste est reprise");
    assert_eq!(
        o.alert.as_deref(),
        Some(
            "Scrutin à blanc : ce vote est un essai de l'ordre et n'a aucune valeur. Aucun \
             résultat ne sera proclamé."
        )
    );
    // Its letters say so; its codes are not the real ones.
    let issued = codes::issue(&sec, &test, Delivery::default())
        .await
        .unwrap();
    let text = pdf_text(&issued.pdf);
    assert!(
        text.contains("SCRUTIN À BLANC — ESSAI SANS VALEUR"),
        "{text}"
    );
    let test_codes = admin_common::codes_of_letters(&text);
    assert!(test_codes.iter().all(|c| !real.letters.contains(c)));
    // The secrétariat discards a test election, never a real one.
    assert_eq!(
        err(definition::discard(&sec, &real.id).await),
        "action réservée au bâtonnier : Me sec (secrétariat) ne peut pas supprimer une élection"
    );
    definition::discard(&sec, &test).await.unwrap();
    assert_eq!(
        err(definition::overview(app.db(), &test).await),
        format!("élection « {test} » inconnue")
    );
    // The audit log keeps it; the real election is untouched.
    let log = audit::list(app.db(), Some(&test)).await.unwrap();
    assert!(
        log.iter()
            .any(|l| l.action == "election.suppression" && l.outcome == "fait")
    );
    assert!(
        definition::overview(app.db(), &real.id)
            .await
            .unwrap()
            .steps[3]
            .done
    );
    // A second test election takes a number never used before (a server may still cache the
    // discarded one); the bâtonnier may discard an unsealed real election.
    let again = definition::create_test(&admin, &real.id, None)
        .await
        .unwrap();
    assert_eq!(again, "reelle-essai-2");
    definition::discard(&admin, &real.id).await.unwrap();
    app.stop().await;
}

async fn the_command_line_answers_with_exit_codes_and_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_urne-server"));
        cmd.arg("admin")
            .args(args)
            .arg("--data")
            .arg(&app.dir)
            .arg("--database-url")
            .arg(&app.database_url)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(s) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, out, _) = run(
        &[
            "create-user",
            "sec",
            "--name",
            "Me Sec",
            "--role",
            "secretariat",
            "--password-stdin",
            "--json",
        ],
        Some("mot de passe du secrétariat\n"),
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["role"],
        "secretariat"
    );
    // A definition the décret refuses with the roll.
    let invalid = admin_common::repo().join("tests/elections/valence-invalid.toml");
    let (code, _, err) = run(&["create", invalid.to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");
    let roll_csv = admin_common::repo().join("tests/rolls/valence-utf-8-virgule.csv");
    let (code, _, err) = run(
        &["import-roll", "valence-2026-t1", roll_csv.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        err.starts_with(
            "urne-server : valence-utf-8-virgule.csv : la liste est lisible, mais l'élection ne \
             serait plus conforme au décret avec elle :\nélection refusée ("
        ),
        "{err}"
    );
    // A refused roll: exit 1, every error listed.
    let errors = admin_common::repo().join("tests/rolls/erreurs.csv");
    let (code, _, err) = run(
        &["import-roll", "valence-2026-t1", errors.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("fichier refusé, rien n'a été importé"),
        "{err}"
    );
    // Unknown account, unknown election.
    let (code, _, err) = run(&["--as", "personne", "status", "valence-2026-t1"], None);
    assert_eq!(code, 1);
    assert_eq!(
        err.trim_end(),
        "urne-server : --as personne : aucun compte actif de ce nom (urne-server admin users)"
    );
    let (code, _, err) = run(&["status", "inconnue"], None);
    assert_eq!(code, 1);
    assert_eq!(
        err.trim_end(),
        "urne-server : élection « inconnue » inconnue"
    );
    // A permission of the role: the secrétariat closes nothing.
    let (code, _, err) = run(
        &[
            "--as",
            "sec",
            "close",
            "valence-2026-t1",
            "--reason",
            "essai",
        ],
        None,
    );
    assert_eq!(code, 1);
    assert_eq!(
        err.trim_end(),
        "urne-server : action réservée au bâtonnier : Me Sec (secrétariat) ne peut pas clore le vote"
    );
    // JSON answers; the letters file is private.
    let (code, out, err) = run(&["status", "valence-2026-t1", "--json"], None);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["id"], "valence-2026-t1");
    let bureau = TestBureau::new(1, 1);
    let def = valence("cli", &bureau, 20 * 86400, 21 * 86400);
    let path = app.dir.join("cli.json");
    std::fs::write(&path, def.to_json().unwrap()).unwrap();
    assert_eq!(run(&["create", path.to_str().unwrap()], None).0, 0);
    let (code, out, err) = run(
        &["import-roll", "cli", roll_csv.to_str().unwrap(), "--json"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["with_rights"],
        45
    );
    let letters = app.dir.join("courriers.pdf");
    let (code, out, err) = run(
        &[
            "issue-codes",
            "cli",
            "-o",
            letters.to_str().unwrap(),
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["count"],
        45
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&letters).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // E-mails in a dry run: one message per elector with an address.
    let mails = app.dir.join("courriels");
    let (code, out, err) = run(
        &[
            "reissue-code",
            "cli",
            "40074",
            "-o",
            app.dir.join("un.pdf").to_str().unwrap(),
            "--email",
            "--mail-from",
            "Ordre des avocats <elections@valence.example>",
            "--mail-dry-run",
            mails.to_str().unwrap(),
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["mail"]["sent"],
        1
    );
    let eml = std::fs::read_to_string(mails.join("40074.eml")).unwrap();
    assert!(eml.contains("To: avocat40074@valence.example"), "{eml}");
    assert!(
        eml.contains("From: \"Ordre des avocats\" <elections@valence.example>")
            || eml.contains("From: Ordre des avocats <elections@valence.example>"),
        "{eml}"
    );
    let audit_csv = app.dir.join("journal.csv");
    let (code, _, err) = run(
        &[
            "audit",
            "--election",
            "cli",
            "-o",
            audit_csv.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let journal = std::fs::read_to_string(&audit_csv).unwrap();
    assert!(journal.starts_with("\u{feff}n°;date;horodatage;acteur;rôle;élection;action;code action;résultat;résumé;avant;après"));
    assert!(
        journal.contains(";émettre les codes;codes.emission;fait;codes émis pour 45 électeur(s)"),
        "{journal}"
    );
    app.stop().await;
}

async fn every_admin_page_renders_in_french_under_the_same_protections(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = valence_election(&app, "pages", -3600, 8 * 3600, true).await;
    create_user(&app, "bat", "batonnier", "mot de passe du bâtonnier").await;
    let bat = StaffClient::login(&app, "bat", "mot de passe du bâtonnier").await;
    let id = e.id.as_str();
    for (path, heading) in [
        ("/admin".to_owned(), "<h1>Élections</h1>"),
        (
            "/admin/comptes".to_owned(),
            "<h1>Comptes d'administration</h1>",
        ),
        ("/admin/journal".to_owned(), "<h1>Journal d'audit</h1>"),
        (
            "/admin/elections/nouvelle".to_owned(),
            "<h1>Préparer une élection</h1>",
        ),
        (format!("/admin/elections/{id}"), "<h1>Élection pages</h1>"),
        (
            format!("/admin/elections/{id}/liste"),
            "<h1>Liste électorale</h1>",
        ),
        (
            format!("/admin/elections/{id}/candidatures"),
            "<h1>Candidatures</h1>",
        ),
        (
            format!("/admin/elections/{id}/codes"),
            "<h1>Codes personnels et confidentiels</h1>",
        ),
        (
            format!("/admin/elections/{id}/procurations"),
            "<h1>Procurations</h1>",
        ),
        (
            format!("/admin/elections/{id}/ceremonie"),
            "<h1>Cérémonie des clés du bureau</h1>",
        ),
        (
            format!("/admin/elections/{id}/scellement"),
            "<h1>Genèse et scellement</h1>",
        ),
        (
            format!("/admin/elections/{id}/vote"),
            "<h1>Déroulement du vote</h1>",
        ),
    ] {
        let r = bat.get(&path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(
            r.headers()["content-security-policy"],
            urne_server::web::CSP,
            "{path}"
        );
        let html = r.text().await.unwrap();
        assert!(html.contains(heading), "{path} : {html}");
        assert!(html.contains("<html lang=\"fr\">"), "{path}");
        assert!(
            !html.contains("<script"),
            "{path} : aucune page d'administration n'a de script"
        );
        assert!(html.contains("href=\"/static/admin.css\""), "{path}");
    }
    let r = bat.get("/static/admin.css").await;
    assert_eq!(r.status(), StatusCode::OK);
    // A done action and a refusal, as pages.
    let (s, html) = bat
        .post_form_html(
            &format!("/admin/elections/{id}/alerte"),
            &[("alert", "Maintenance à 12 h")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let html = common::unescape_html(&html);
    assert!(
        html.contains("Le bandeau d'alerte est affiché sur les pages de vote."),
        "{html}"
    );
    let (s, html) = bat
        .post_form_html(
            &format!("/admin/elections/{id}/procurations"),
            &[
                ("mandant", "40444"),
                ("mandataire", "40444"),
                ("reference", "f"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let html = common::unescape_html(&html);
    assert!(html.contains("<h1>Action refusée</h1>"), "{html}");
    assert!(
        html.contains("le mandant et le mandataire doivent être deux électeurs différents"),
        "{html}"
    );
    // The downloads.
    let r = bat.get(&format!("/admin/journal.csv?election={id}")).await;
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let r = bat
        .get(&format!("/admin/elections/{id}/emargement.pdf"))
        .await;
    assert_eq!(r.headers()["content-type"], "application/pdf");
    app.stop().await;
}

on_both_backends!(
    every_admin_page_renders_in_french_under_the_same_protections,
    a_roll_is_all_or_nothing_and_a_reimport_waits_for_confirmation_of_its_differences,
    the_staff_login_has_the_protections_of_the_electors_login,
    the_ceremony_relay_refuses_forged_conflicting_and_late_messages,
    a_test_election_rehearses_the_vote_and_is_discarded,
    the_command_line_answers_with_exit_codes_and_json,
);

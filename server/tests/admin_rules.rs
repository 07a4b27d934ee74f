//! The admin's refusals of the rules of the vote, each with its exact message, on SQLite and
//! PostgreSQL: the 15-day rule (décret art. 28), the procurations (art. 26: one per mandataire,
//! not after the mandant voted, only within the period), nothing of a sealed election changes,
//! the reissue of a lost code, the close by decision of the ordre.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_common;
mod common;

use admin_common::{
    StaffClient, as_user, console, create_user, pdf_text, sample, valence_election,
};
use common::{Backend, Voter, booth_params, make_ballot, post_login, spawn_app};
use reqwest::StatusCode;
use urne::board::{CloseReason, Event, Payload};
use urne::model::Cnbf;
use urne_server::admin::codes::{self, Delivery};
use urne_server::admin::settings::{self, SettingsChange};
use urne_server::admin::{
    audit, candidacies, ceremony, definition, proxies, roll, running, sealing,
};
use urne_server::chain::now;
use urne_server::frtime;

fn c(s: &str) -> Cnbf {
    Cnbf::parse(s).unwrap()
}

fn err<T: std::fmt::Debug>(r: urne_server::Result<T>) -> String {
    r.expect_err("refus attendu").to_string()
}

async fn the_fifteen_day_rule_refuses_an_early_opening_unless_the_batonnier_decides_a_derogation(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = console(&app);
    create_user(&app, "sec", "secretariat", "mot de passe du secrétariat").await;
    create_user(&app, "bat", "batonnier", "mot de passe du bâtonnier").await;
    let sec = as_user(&app, "sec").await;
    let bat = as_user(&app, "bat").await;
    // The vote opens in ten days: the codes go out today.
    let opening_in = 10 * 86400;
    let mut bureau = admin_common::TestBureau::new(2, 1);
    let def = admin_common::valence("quinze-jours", &bureau, opening_in, opening_in + 36000);
    let id = def.election_id.clone();
    definition::create(&admin, &def, None).await.unwrap();
    roll::import(
        &admin,
        &id,
        "valence.csv",
        &sample("tests/rolls/valence-utf-8-virgule.csv"),
        false,
    )
    .await
    .unwrap();
    candidacies::import(
        &admin,
        &id,
        "c.csv",
        &sample("tests/candidacies/valence.csv"),
    )
    .await
    .unwrap();
    // No dérogation to decide before the codes.
    assert_eq!(
        err(codes::override_15_days(&bat, &id, "motif suffisamment long").await),
        "les codes n'ont pas encore été émis : aucun délai à déroger"
    );
    let issued = codes::issue(&sec, &id, Delivery::default()).await.unwrap();
    let t = now();
    let opening = u64::try_from(def.opening.unix_timestamp()).unwrap();
    let expected = format!(
        "délai de quinze jours non respecté : les codes ont été émis le {} et le vote ouvre le {}, \
         soit 10 jour(s) plus tard ; le décret (art. 28) veut que l'ordre adresse le code « quinze \
         jours au moins avant la date du scrutin ». Reportez l'ouverture au {} au plus tôt, ou \
         faites décider par le bâtonnier une dérogation motivée, qui sera consignée au \
         procès-verbal.",
        frtime::date(t),
        frtime::date(opening),
        frtime::date(t + 15 * 86400)
    );
    assert_eq!(issued.notice.as_ref().unwrap().refusal(), expected);
    bureau.ceremony(&app, &id).await;
    let build = urne::encoding::tagged_hash("URNE-V1-test-build", &[]);
    assert_eq!(err(sealing::build(&sec, &id, build).await), expected);
    // The secrétariat may not decide; a dérogation needs a written reason.
    assert_eq!(
        err(codes::override_15_days(&sec, &id, "élection partielle urgente").await),
        "action réservée au bâtonnier : Me sec (secrétariat) ne peut pas déroger au délai de \
         quinze jours"
    );
    assert_eq!(
        err(codes::override_15_days(&bat, &id, "urgent").await),
        "la dérogation au délai de quinze jours doit être motivée par écrit (10 caractères au \
         moins)"
    );
    codes::override_15_days(&bat, &id, "élection partielle urgente après une démission")
        .await
        .unwrap();
    let built = sealing::build(&sec, &id, build).await.unwrap();
    // The dérogation goes to the PV's incidents.
    let inc = urne_server::admin::declarations::incidents(app.db(), &id)
        .await
        .unwrap();
    assert_eq!(inc.incidents.len(), 1);
    assert_eq!(
        inc.incidents[0].kind,
        urne::count::IncidentKind::Derogation15Jours
    );
    let text = &inc.incidents[0].text;
    assert!(
        text.starts_with(&format!(
            "Les codes personnels et confidentiels ont été émis le {}",
            frtime::date(t)
        )) && text.contains("soit 10 jour(s) plus tard")
            && text.contains(
                "par Me bat (bâtonnier) ; motif : élection partielle urgente après une démission"
            ),
        "{text}"
    );
    let s = urne::board::Seal::sign(&built.fingerprint, &bureau.keys[0]);
    sealing::seal(
        &bat,
        &id,
        &sealing::SealFile {
            format: sealing::SEAL_FORMAT.into(),
            fingerprint: built.fingerprint,
            signature: s.signature,
        },
    )
    .await
    .unwrap();
    // Sixteen days ahead: no dérogation needed, no incident.
    let ok = valence_election(&app, "seize-jours", 16 * 86400, 16 * 86400 + 3600, false).await;
    let n = codes::notice(app.db(), &ok.id).await.unwrap().unwrap();
    assert!(n.respected && n.days == 16, "{n:?}");
    let inc = urne_server::admin::declarations::incidents(app.db(), &ok.id)
        .await
        .unwrap();
    assert!(inc.incidents.is_empty());
    // Each refusal is in the audit log.
    let log = audit::list(app.db(), Some(&id)).await.unwrap();
    for (action, summary) in [
        ("genese.construction", expected.as_str()),
        (
            "derogation.quinze_jours",
            "la dérogation au délai de quinze jours doit être motivée par écrit (10 caractères au \
             moins)",
        ),
    ] {
        assert!(
            log.iter()
                .any(|l| l.action == action && l.outcome == "refusé" && l.summary == summary),
            "{action} : {log:#?}"
        );
    }
    app.stop().await;
}

async fn one_procuration_per_mandataire_and_the_other_rules_of_procurations(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = valence_election(&app, "procurations", -3600, 8 * 3600, true).await;
    let admin = console(&app);
    let id = e.id.as_str();
    let reg = |m: &'static str, d: &'static str| {
        let admin = admin.clone();
        async move { proxies::register(&admin, id, &c(m), &c(d), "formulaire 12").await }
    };
    reg("40333", "40370").await.unwrap();
    for (m, d, expected) in [
        (
            "40407",
            "40370",
            "le mandataire CNBF 40370 dispose déjà d'une procuration (celle de CNBF 40333) : \
             « Chaque mandataire ne peut disposer de plus d'une procuration » (décret art. 26)",
        ),
        (
            "40333",
            "40444",
            "le mandant CNBF 40333 a déjà donné procuration à CNBF 40370 : annulez-la d'abord",
        ),
        (
            "40444",
            "40333",
            "le mandataire CNBF 40333 a lui-même donné procuration à CNBF 40370 : il ne vote plus \
             et ne peut pas être mandataire",
        ),
        (
            "40370",
            "40444",
            "le mandant CNBF 40370 est déjà mandataire de CNBF 40333 : il ne peut pas donner \
             procuration à son tour",
        ),
        (
            "40444",
            "40444",
            "le mandant et le mandataire doivent être deux électeurs différents",
        ),
        (
            "99999",
            "40444",
            "mandant CNBF 99999 absent de la liste électorale",
        ),
    ] {
        assert_eq!(err(reg(m, d).await), expected, "{m} → {d}");
    }
    assert_eq!(
        err(proxies::register(&admin, id, &c("40444"), &c("40481"), "  ").await),
        "la référence du formulaire de procuration signé est vide"
    );
    // A mandant who has voted gives no procuration.
    let cred = e.credential("40037");
    let v = Voter::login(&app, id, "40037", &cred).await;
    let p = booth_params(&app, id).await;
    let b = make_ballot(&p, &cred, &[0, 1], &[vec![0], vec![0]]);
    assert_eq!(v.submit(&b, false).await.0, StatusCode::OK);
    assert_eq!(
        err(reg("40037", "40481").await),
        "le mandant CNBF 40037 a déjà voté : la procuration est sans objet"
    );
    // The period the ordre set.
    let until = now() - 60;
    settings::change(
        &admin,
        id,
        &SettingsChange {
            proxies_until: Some(Some(until)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        err(reg("40444", "40481").await),
        format!(
            "procuration refusée : les procurations étaient reçues jusqu'au {} (heure de Paris)",
            frtime::date_time(until)
        )
    );
    let from = now() + 3600;
    settings::change(
        &admin,
        id,
        &SettingsChange {
            proxies_from: Some(Some(from)),
            proxies_until: Some(None),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        err(reg("40444", "40481").await),
        format!(
            "procuration refusée : les procurations sont reçues à partir du {} (heure de Paris)",
            frtime::date_time(from)
        )
    );
    settings::change(
        &admin,
        id,
        &SettingsChange {
            proxies_from: Some(None),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Cancelled before use, then given to someone else.
    proxies::cancel(&admin, id, &c("40333")).await.unwrap();
    assert_eq!(
        err(proxies::cancel(&admin, id, &c("40333")).await),
        "aucune procuration en cours donnée par CNBF 40333"
    );
    reg("40333", "40481").await.unwrap();
    let list = proxies::list(&admin, id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].mandataire, "40481");
    assert_eq!(list[0].state(), "enregistrée");
    // After the close, no more procurations.
    running::close(&admin, id, "fin de l'essai").await.unwrap();
    assert_eq!(
        err(reg("40444", "40555").await),
        "procuration refusée : le vote est clos"
    );
    let refused = audit::list(app.db(), Some(id))
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.action == "procuration.enregistrement" && l.outcome == "refusé")
        .count();
    assert_eq!(refused, 11);
    app.stop().await;
}

async fn nothing_of_a_sealed_election_can_change_and_every_attempt_is_refused_and_logged(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let e = valence_election(&app, "scellee", 3600, 8 * 3600, true).await;
    let admin = console(&app);
    let id = e.id.as_str();
    let sealed = format!("l'élection « {id} » est scellée : elle ne peut plus être modifiée");
    let csv = sample("tests/rolls/valence-utf-8-virgule.csv");
    let cands = sample("tests/candidacies/valence.csv");
    let mut def = e.definition.clone();
    def.closing += time::Duration::hours(1);
    let build = urne::encoding::tagged_hash("URNE-V1-test-build", &[]);
    let seal = sealing::SealFile {
        format: sealing::SEAL_FORMAT.into(),
        fingerprint: e.fingerprint,
        signature: urne::board::Seal::sign(&e.fingerprint, &e.bureau.keys[0]).signature,
    };
    let attempts: Vec<(&str, String)> = vec![
        (
            "liste.import",
            err(roll::import(&admin, id, "v.csv", &csv, true).await),
        ),
        ("liste.confirmation", err(roll::confirm(&admin, id).await)),
        (
            "candidatures.ajout",
            err(candidacies::add(
                &admin,
                id,
                "batonnier",
                urne::model::Candidacy::Batonnier {
                    id: "T3".into(),
                    batonnier: c("41295"),
                    vice_batonnier: None,
                },
            )
            .await),
        ),
        (
            "candidatures.retrait",
            err(candidacies::remove(&admin, id, "batonnier", "T2").await),
        ),
        (
            "candidatures.import",
            err(candidacies::import(&admin, id, "c.csv", &cands).await),
        ),
        (
            "election.modification",
            err(definition::update(&admin, id, &def).await),
        ),
        (
            "codes.emission",
            err(codes::issue(&admin, id, Delivery::default()).await),
        ),
        (
            "derogation.quinze_jours",
            err(codes::override_15_days(&admin, id, "motif suffisamment long").await),
        ),
        (
            "genese.construction",
            err(sealing::build(&admin, id, build).await),
        ),
        ("scellement", err(sealing::seal(&admin, id, &seal).await)),
        (
            "election.suppression",
            err(definition::discard(&admin, id).await),
        ),
    ];
    for (action, message) in &attempts {
        assert_eq!(message, &sealed, "{action}");
    }
    // The relay takes no ceremony message any more.
    let board = ceremony::board(app.db(), id).await.unwrap();
    let m = board.messages().next().unwrap().clone();
    assert_eq!(
        ceremony::post(app.db(), id, m).await.unwrap(),
        ceremony::Posted::Rejected {
            status: 409,
            message: sealed.clone()
        }
    );
    // Over HTTP too.
    create_user(&app, "sec", "secretariat", "mot de passe du secrétariat").await;
    let sec = StaffClient::login(&app, "sec", "mot de passe du secrétariat").await;
    let (s, v) = sec
        .post_upload(
            &format!("/admin/elections/{id}/liste"),
            &[("fichier", "v.csv", &csv)],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["message"], sealed);
    let log = audit::list(app.db(), Some(id)).await.unwrap();
    for (action, _) in &attempts {
        assert!(
            log.iter()
                .any(|l| &l.action == action && l.outcome == "refusé" && l.summary == sealed),
            "{action} absent du journal"
        );
    }
    assert!(
        log.iter().any(|l| l.action == "ceremonie.message"
            && l.outcome == "refusé"
            && l.summary == sealed)
    );
    // The sealed definition is the one of the genesis: the stored one, with the candidates'
    // tableau entries from the roll.
    let roll = urne_server::setup::roll(app.db(), id).await.unwrap();
    let stored = urne_server::setup::definition(app.db(), id)
        .await
        .unwrap()
        .with_candidate_records(&roll);
    assert!(!stored.candidate_records.is_empty());
    let (genesis, _) = sealing::genesis(app.db(), id).await.unwrap();
    let sealed_def: urne::model::Election = serde_json::from_slice(&genesis.definition).unwrap();
    assert_eq!(stored, sealed_def);
    app.stop().await;
}

async fn a_lost_code_is_reissued_the_old_one_is_revoked_and_a_voter_gets_none(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = valence_election(&app, "code-perdu", -3600, 8 * 3600, true).await;
    let admin = console(&app);
    let id = e.id.as_str();
    let old = e.credential("40074");
    let issued = codes::reissue(&admin, id, &c("40074"), Delivery::default())
        .await
        .unwrap();
    let text = pdf_text(&issued.pdf);
    assert!(
        text.contains("nouveau code personnel et confidentiel"),
        "{text}"
    );
    assert!(text.contains("Votre précédent code est révoqué"), "{text}");
    let letters = admin_common::codes_of_letters(&text);
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].0, "40074");
    // The old code no longer logs in; the new one votes.
    let r = post_login(
        &app,
        id,
        "40074",
        &urne::encoding::hex(&old.login_token().0),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let new = urne::crypto::credential::Credential::derive(
        &urne::crypto::code::VoterCode::parse(&letters[0].1).unwrap(),
        &e.definition.campaign_id,
    )
    .unwrap();
    let v = Voter::login(&app, id, "40074", &new).await;
    let p = booth_params(&app, id).await;
    let b = make_ballot(&p, &old, &[0, 1], &[vec![0], vec![1]]);
    let (s, body) = v.submit(&b, false).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let b = make_ballot(&p, &new, &[0, 1], &[vec![0], vec![1]]);
    assert_eq!(v.submit(&b, false).await.0, StatusCode::OK);
    // A voter gets no new code; an unknown number neither.
    assert_eq!(
        err(codes::reissue(&admin, id, &c("40074"), Delivery::default()).await),
        "CNBF 40074 : cet électeur a déjà voté ; le vote est définitif, aucun nouveau code n'est \
         émis"
    );
    assert_eq!(
        err(codes::reissue(&admin, id, &c("99999"), Delivery::default()).await),
        "CNBF 99999 absent de la liste électorale"
    );
    // The reissue is a signed event of the ballot box, and the archive verifies.
    let archive = common::archive(&app, id).await;
    let kinds: Vec<u8> = urne::archive::ArchiveReader::new(&archive[..])
        .unwrap()
        .map(|ev| Event::decode(&ev.unwrap().bytes).unwrap().kind().code())
        .collect();
    assert!(kinds.contains(&urne::board::EventKind::CredentialReissue.code()));
    let report = urne::verify::verify(&archive[..], &Default::default(), &mut |_| {});
    assert!(
        report.report.is_valid(),
        "{}",
        report.report.render(urne::verify::Lang::Fr, "a.urne")
    );
    // Before the seal, a reissue just replaces the credential (and voids the built genesis).
    let draft = valence_election(&app, "code-perdu-avant", 20 * 86400, 21 * 86400, false).await;
    codes::reissue(&admin, &draft.id, &c("40111"), Delivery::default())
        .await
        .unwrap();
    let o = definition::overview(app.db(), &draft.id).await.unwrap();
    assert!(o.fingerprint.is_none(), "la genèse est à reconstruire");
    // So does a new issuance of every code.
    let build = urne::encoding::tagged_hash("URNE-V1-test-build", &[]);
    sealing::build(&admin, &draft.id, build).await.unwrap();
    codes::issue(&admin, &draft.id, Delivery::default())
        .await
        .unwrap();
    let o = definition::overview(app.db(), &draft.id).await.unwrap();
    assert!(
        o.fingerprint.is_none(),
        "la genèse des anciens codes ne peut être scellée"
    );
    app.stop().await;
}

async fn the_vote_is_closed_by_decision_of_the_batonnier_with_its_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = valence_election(&app, "cloture", -3600, 8 * 3600, true).await;
    let id = e.id.as_str();
    create_user(&app, "sec", "secretariat", "mot de passe du secrétariat").await;
    create_user(&app, "bat", "batonnier", "mot de passe du bâtonnier").await;
    let sec = as_user(&app, "sec").await;
    let bat = as_user(&app, "bat").await;
    assert_eq!(
        err(running::close(&sec, id, "panne").await),
        "action réservée au bâtonnier : Me sec (secrétariat) ne peut pas clore le vote"
    );
    assert_eq!(
        err(running::close(&bat, id, "  ").await),
        "une clôture par décision de l'ordre doit en indiquer le motif"
    );
    running::set_alert(&sec, id, Some("Incident technique : le vote est suspendu."))
        .await
        .unwrap();
    let home = common::client()
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Incident technique : le vote est suspendu."));
    running::close(&bat, id, "panne du centre de données")
        .await
        .unwrap();
    assert_eq!(
        err(running::close(&bat, id, "encore").await),
        format!("le vote de « {id} » est déjà clos")
    );
    let archive = common::archive(&app, id).await;
    let close = urne::archive::ArchiveReader::new(&archive[..])
        .unwrap()
        .find_map(
            |ev| match Event::decode(&ev.unwrap().bytes).unwrap().payload {
                Payload::Close(c) => Some(c),
                _ => None,
            },
        )
        .unwrap();
    assert_eq!(close.reason, CloseReason::Decision);
    assert_eq!(close.note, "panne du centre de données");
    let t = running::turnout(&sec, id).await.unwrap();
    assert_eq!(t.state, "clos");
    // An elector can no longer vote.
    let cred = e.credential("40111");
    let v = Voter::login(&app, id, "40111", &cred).await;
    let p = booth_params(&app, id).await;
    let b = make_ballot(&p, &cred, &[0, 1], &[vec![0], vec![1]]);
    assert_eq!(
        v.submit(&b, false).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.stop().await;
}

on_both_backends!(
    the_fifteen_day_rule_refuses_an_early_opening_unless_the_batonnier_decides_a_derogation,
    one_procuration_per_mandataire_and_the_other_rules_of_procurations,
    nothing_of_a_sealed_election_can_change_and_every_attempt_is_refused_and_logged,
    a_lost_code_is_reissued_the_old_one_is_revoked_and_a_voter_gets_none,
    the_vote_is_closed_by_decision_of_the_batonnier_with_its_reason,
);

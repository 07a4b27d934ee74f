//! The election set-up API's refusals, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Backend, options, post_login, spawn_app, spawn_app_with};
use ed25519_dalek::SigningKey;
use reqwest::StatusCode;
use urne::board::Seal;
use urne::encoding::hex;
use urne_server::fixture::{self, FixtureOptions};
use urne_server::setup;
use urne_server::web::RateLimit;

async fn a_seal_not_signed_by_the_batonnier_is_refused_and_a_sealed_election_cannot_change(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let db = app.db();
    let keys = &app.state().keys;
    let p = fixture::prepare_election(db, keys, &options("scellement"))
        .await
        .unwrap();
    let id = p.election.id.as_str();
    // Not sealed yet: the login page says so.
    let r = common::client()
        .get(app.url(&format!("/elections/{id}/connexion")))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("pas encore ouverte"));
    let intruder = SigningKey::from_bytes(&[9; 32]);
    let forged = Seal::sign(&p.genesis.fingerprint, &intruder);
    let e = setup::seal(db, id, keys, forged.signature)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("clé du bâtonnier"), "{e}");
    let good = Seal::sign(&p.genesis.fingerprint, &p.election.batonnier_key);
    let fp = setup::seal(db, id, keys, good.signature).await.unwrap();
    assert_eq!(fp, p.genesis.fingerprint);
    let again = setup::seal(db, id, keys, good.signature).await.unwrap_err();
    assert!(again.to_string().contains("scellée"), "{again}");
    let roll = fixture::roll("Exemple", 20).unwrap();
    let e = setup::load_roll(db, id, &roll).await.unwrap_err();
    assert!(e.to_string().contains("ne peut plus être modifiée"), "{e}");
    let e = setup::issue_codes(db, id).await.unwrap_err();
    assert!(e.to_string().contains("ne peut plus être modifiée"), "{e}");
    app.stop().await;
}

async fn an_election_twice_or_a_roll_that_breaks_the_decret_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = app.election(options("doublon")).await;
    let err = setup::create_election(app.db(), &e.definition)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("existe déjà"), "{err}");
    // A roll of another barreau is refused by the décret's checks.
    let mut def = e.definition.clone();
    def.election_id = "autre-barreau".into();
    setup::create_election(app.db(), &def).await.unwrap();
    let roll = fixture::roll("Ailleurs", 20).unwrap();
    let err = setup::load_roll(app.db(), "autre-barreau", &roll)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("élection refusée"), "{err}");
    app.stop().await;
}

async fn a_mandataire_holds_at_most_one_procuration(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = app
        .election(FixtureOptions {
            procurations: vec![(16, 17)],
            ..options("une-procuration")
        })
        .await;
    let db = app.db();
    let c = |k: usize| e.electors[k].cnbf.clone();
    let err = setup::register_procuration(db, &e.id, &c(18), &c(17), "f2")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("art. 26"), "{err}");
    let err = setup::register_procuration(db, &e.id, &c(15), &c(15), "f3")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("deux électeurs différents"),
        "{err}"
    );
    setup::register_procuration(db, &e.id, &c(14), &c(13), "f4")
        .await
        .unwrap();
    app.stop().await;
}

async fn logins_beyond_the_per_ip_burst_are_refused(backend: Backend) {
    let app = spawn_app_with(
        backend,
        common::AppOptions {
            ip_rate_limit: Some(RateLimit {
                period: std::time::Duration::from_secs(60),
                burst: 3,
            }),
        },
    )
    .await;
    let e = app.election(options("limite-ip")).await;
    let wrong = hex(&[1u8; 32]);
    let mut statuses = Vec::new();
    for k in 0..5 {
        let r = post_login(&app, &e.id, e.electors[k].cnbf.as_str(), &wrong).await;
        statuses.push(r.status());
    }
    assert_eq!(&statuses[..3], &[StatusCode::UNAUTHORIZED; 3]);
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS);
    app.stop().await;
}

on_both_backends!(
    a_seal_not_signed_by_the_batonnier_is_refused_and_a_sealed_election_cannot_change,
    an_election_twice_or_a_roll_that_breaks_the_decret_is_refused,
    a_mandataire_holds_at_most_one_procuration,
    logins_beyond_the_per_ip_burst_are_refused,
);

//! The elector's path over real HTTP against a real database, on SQLite and on PostgreSQL
//! (issue 4, "Must show").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{
    Backend, Voter, archive, board, booth_params, first_choices, make_ballot, options, post_login,
    spawn_app,
};
use reqwest::StatusCode;
use urne::board::{BallotToVerify, CloseReason, Phase, ProxyCredential, PublicKey, Receipt};
use urne::crypto::ballot::Ballot;
use urne::encoding::{hex, unhex};
use urne_server::fixture::FixtureOptions;

/// Checks a downloaded archive end to end: chain rules, every ballot's proofs and signature.
fn check_archive(bytes: &[u8], app_params: &common::BoothParams) -> urne::archive::ArchiveSummary {
    let params = urne::crypto::ballot::ElectionParams::with_contests(
        app_params.fingerprint,
        app_params.key,
        app_params.shapes.clone(),
    )
    .unwrap();
    let mut verifier = |b: &BallotToVerify<'_>| -> Result<(), String> {
        let ballot = Ballot::decode(b.ballot).map_err(|e| e.to_string())?;
        let contests: Vec<u32> = b.rights.iter().map(|r| r.contest).collect();
        ballot.verify(&params, &contests).map_err(|e| e.to_string())
    };
    let summary = urne::archive::check_archive(bytes, &mut verifier, |_| {}).unwrap();
    // And the observers' verifier, which also binds the key ceremony to the definition's bureau.
    let outcome = urne::verify::verify(bytes, &urne::verify::Options::default(), &mut |_| {});
    assert_eq!(
        outcome.report.verdict,
        urne::verify::Verdict::Valid,
        "{:?}",
        outcome.report.failure
    );
    summary
}

async fn a_full_vote_gives_a_receipt_that_the_board_and_the_archive_confirm(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = app
        .election(FixtureOptions {
            real_codes: true,
            ..options("vote-complet")
        })
        .await;
    assert!(e.electors.iter().all(|x| x.code.is_some()));
    let elector = &e.electors[9];
    let v = Voter::login(&app, &e.id, elector.cnbf.as_str(), &elector.credential).await;
    let page = v.get_ok("/vote").await;
    assert!(page.contains("Vote blanc"), "{page}");
    assert!(page.contains("Choisissez au plus 2 candidatures"), "{page}");
    assert!(page.contains("vice-bâtonnerie"), "{page}");
    let p = booth_params(&app, &e.id).await;
    let ballot = make_ballot(
        &p,
        &elector.credential,
        &elector.contests,
        &[vec![1], vec![0, 3]],
    );
    let (status, body) = v.submit(&ballot, false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let receipt = Receipt::from_json(&body["receipt"].to_string()).unwrap();
    let server_key: PublicKey = serde_json::from_value(
        client_json(&app, &format!("/api/elections/{}", e.id)).await["server_public_key"].clone(),
    )
    .unwrap();
    receipt.verify(&server_key).unwrap();
    assert_eq!(receipt.fingerprint, e.fingerprint);
    let tracker = Ballot::decode(&unhex(&ballot).unwrap()).unwrap().tracker();
    assert_eq!(receipt.tracker, tracker);
    assert_eq!(
        body["confirmation"],
        format!("/elections/{}/recepisse", e.id)
    );

    // The public board lists the tracker at the receipt's height; the signed head covers it.
    let b = board(&app, &e.id).await;
    assert_eq!(b["total"], 1);
    assert_eq!(b["ballots"][0]["tracker"], tracker.to_hex());
    assert_eq!(b["ballots"][0]["height"], receipt.height);
    let head: urne::board::SignedHead =
        serde_json::from_value(client_json(&app, &format!("/api/elections/{}/head", e.id)).await)
            .unwrap();
    head.verify(&server_key).unwrap();
    assert!(head.height >= receipt.height);

    // The receipt check endpoint confirms it; an altered receipt is refused.
    let check = common::client()
        .post(app.url(&format!("/api/elections/{}/receipts/check", e.id)))
        .body(receipt.to_json())
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(check["valid"], true, "{check}");
    let mut bad = receipt;
    bad.received_at += 1;
    let check = common::client()
        .post(app.url(&format!("/api/elections/{}/receipts/check", e.id)))
        .body(bad.to_json())
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(check["valid"], false, "{check}");

    // After voting: the ballot page sends to « vous avez voté le … à … », no second ballot.
    let r = v.get("/vote").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/elections/{}/recepisse", e.id)
    );
    let done = v.get_ok("/recepisse").await;
    assert!(done.contains("Vous avez voté le"), "{done}");
    assert!(done.contains(&tracker.to_hex()), "{done}");
    let file = v.get("/recepisse.json").await;
    assert_eq!(file.status(), StatusCode::OK);
    assert!(
        file.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert_eq!(
        Receipt::from_json(&file.text().await.unwrap()).unwrap(),
        receipt
    );

    // The émargement is marked.
    let voted: Option<i64> =
        sqlx::query_scalar("SELECT voted_at FROM electors WHERE election_id = $1 AND cnbf = $2")
            .bind(&e.id)
            .bind(elector.cnbf.as_str())
            .fetch_one(app.db().read())
            .await
            .unwrap();
    assert!(voted.is_some());

    // The archive is complete and verifies, ballots included.
    let bytes = archive(&app, &e.id).await;
    let summary = check_archive(&bytes, &p);
    assert_eq!(summary.chain.ballots, 1);
    assert_eq!(summary.chain.phase, Phase::Open);
    assert_eq!(summary.signed_head.unwrap().height, summary.chain.height);
    app.stop().await;
}

async fn client_json(app: &common::TestApp, path: &str) -> serde_json::Value {
    common::client()
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn a_second_ballot_of_the_same_elector_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = app.election(options("double-vote")).await;
    let el = &e.electors[10];
    let v = Voter::login(&app, &e.id, el.cnbf.as_str(), &el.credential).await;
    let p = booth_params(&app, &e.id).await;
    let first = make_ballot(
        &p,
        &el.credential,
        &el.contests,
        &first_choices(&el.contests),
    );
    assert_eq!(v.submit(&first, false).await.0, StatusCode::OK);
    let second = make_ballot(&p, &el.credential, &el.contests, &[vec![], vec![]]);
    let (status, body) = v.submit(&second, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("déjà été déposé"),
        "{body}"
    );
    // The very same ballot again is refused too.
    assert_eq!(
        v.submit(&first, false).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(board(&app, &e.id).await["total"], 1);
    app.stop().await;
}

async fn of_a_hundred_concurrent_ballots_of_one_credential_exactly_one_is_accepted(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let e = app.election(options("concurrence")).await;
    let el = &e.electors[11];
    let v = Voter::login(&app, &e.id, el.cnbf.as_str(), &el.credential).await;
    let p = booth_params(&app, &e.id).await;
    let ballots: Vec<String> = (0..100)
        .map(|k| {
            make_ballot(
                &p,
                &el.credential,
                &el.contests,
                &[vec![k % 3], vec![k % 4]],
            )
        })
        .collect();
    let mut tasks = Vec::new();
    for b in ballots {
        let v = v.clone();
        tasks.push(tokio::spawn(async move { v.submit(&b, false).await }));
    }
    let mut accepted = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::OK => accepted += 1,
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert!(body["message"].as_str().unwrap().contains("déjà"), "{body}")
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(board(&app, &e.id).await["total"], 1);
    let bytes = archive(&app, &e.id).await;
    assert_eq!(check_archive(&bytes, &p).chain.ballots, 1);
    app.stop().await;
}

async fn two_server_processes_on_one_database_keep_one_chain_and_one_ballot_per_credential(
    backend: Backend,
) {
    if backend == Backend::Sqlite {
        // Several processes share a database only on PostgreSQL (docs/server.md).
        return;
    }
    let app = spawn_app(backend).await;
    let e = app.election(options("deux-instances")).await;
    let other = app.second_instance().await;
    let other_base = format!("http://{}", other.addr);
    let p = booth_params(&app, &e.id).await;
    let mut tasks = Vec::new();
    for (k, el) in e.electors.iter().enumerate().take(12) {
        let v = Voter::login(&app, &e.id, el.cnbf.as_str(), &el.credential).await;
        for instance in 0..2 {
            let mut v = v.clone();
            if instance == 1 {
                v.base = other_base.clone();
            }
            let b = make_ballot(
                &p,
                &el.credential,
                &el.contests,
                &[vec![(k % 3) as u32], vec![]],
            );
            tasks.push(tokio::spawn(async move { v.submit(&b, false).await.0 }));
        }
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap() == StatusCode::OK {
            ok += 1;
        }
    }
    assert_eq!(ok, 12, "one ballot per credential across both instances");
    let bytes = archive(&app, &e.id).await;
    assert_eq!(check_archive(&bytes, &p).chain.ballots, 12);
    other.stop().await.unwrap();
    app.stop().await;
}

async fn a_ballot_before_the_opening_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = app
        .election(FixtureOptions {
            opening_in: 3600,
            closing_in: 7200,
            ..options("avant-ouverture")
        })
        .await;
    let el = &e.electors[12];
    let v = Voter::login(&app, &e.id, el.cnbf.as_str(), &el.credential).await;
    let page = v.get_ok("/vote").await;
    assert!(page.contains("pas encore ouvert"), "{page}");
    let p = booth_params(&app, &e.id).await;
    let b = make_ballot(
        &p,
        &el.credential,
        &el.contests,
        &first_choices(&el.contests),
    );
    let (status, body) = v.submit(&b, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("pas encore ouvert"),
        "{body}"
    );
    assert_eq!(board(&app, &e.id).await["total"], 0);
    app.stop().await;
}

async fn a_ballot_after_the_closing_is_refused_and_the_close_and_tally_are_appended(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let e = app
        .election(FixtureOptions {
            opening_in: -3600,
            closing_in: 6,
            ..options("apres-cloture")
        })
        .await;
    let p = booth_params(&app, &e.id).await;
    let early = &e.electors[13];
    let v = Voter::login(&app, &e.id, early.cnbf.as_str(), &early.credential).await;
    let b = make_ballot(
        &p,
        &early.credential,
        &early.contests,
        &first_choices(&early.contests),
    );
    assert_eq!(v.submit(&b, false).await.0, StatusCode::OK);
    let late = &e.electors[14];
    let v = Voter::login(&app, &e.id, late.cnbf.as_str(), &late.credential).await;
    let b = make_ballot(
        &p,
        &late.credential,
        &late.contests,
        &first_choices(&late.contests),
    );
    let closing = e.definition.closing.unix_timestamp();
    let wait = closing - time::OffsetDateTime::now_utc().unix_timestamp() + 1;
    tokio::time::sleep(std::time::Duration::from_secs(wait.max(0) as u64)).await;
    let (status, body) = v.submit(&b, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["message"].as_str().unwrap().contains("clos"), "{body}");
    // The scheduler appends Close and EncryptedTally.
    let mut phase = Phase::Open;
    for _ in 0..20 {
        let bytes = archive(&app, &e.id).await;
        phase = check_archive(&bytes, &p).chain.phase;
        if phase == Phase::Tallied {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    assert_eq!(phase, Phase::Tallied);
    assert_eq!(board(&app, &e.id).await["total"], 1);
    app.stop().await;
}

async fn a_manual_close_stops_the_vote_and_publishes_the_tally(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = app.election(options("cloture-manuelle")).await;
    let s = app.state();
    let closed = urne_server::close::close_election(
        &s.db,
        &s.keys,
        &s.elections,
        &e.id,
        CloseReason::Decision,
        "incident technique constaté par le bureau",
    )
    .await
    .unwrap();
    assert_eq!(closed.tally, closed.close + 1);
    let again = urne_server::close::close_election(
        &s.db,
        &s.keys,
        &s.elections,
        &e.id,
        CloseReason::Decision,
        "encore",
    )
    .await
    .unwrap_err();
    assert!(again.to_string().contains("déjà clos"), "{again}");
    let el = &e.electors[15];
    let v = Voter::login(&app, &e.id, el.cnbf.as_str(), &el.credential).await;
    let p = booth_params(&app, &e.id).await;
    let b = make_ballot(
        &p,
        &el.credential,
        &el.contests,
        &first_choices(&el.contests),
    );
    let (status, body) = v.submit(&b, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().contains("clos"), "{body}");
    let bytes = archive(&app, &e.id).await;
    assert_eq!(check_archive(&bytes, &p).chain.phase, Phase::Tallied);
    app.stop().await;
}

async fn a_ballot_with_an_altered_proof_or_signature_is_refused_with_its_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = app.election(options("bulletin-altere")).await;
    let el = &e.electors[16];
    let v = Voter::login(&app, &e.id, el.cnbf.as_str(), &el.credential).await;
    let p = booth_params(&app, &e.id).await;
    let good = unhex(&make_ballot(
        &p,
        &el.credential,
        &el.contests,
        &first_choices(&el.contests),
    ))
    .unwrap();

    // A proof scalar altered, and the ballot re-signed by its own credential: the signature
    // holds, the proof does not.
    let mut b = Ballot::decode(&good).unwrap().encode();
    // version 1 + election 32 + credential 32 + count 4 + contest 4 + options 4 + max 4, then
    // the first option's α ‖ β ‖ proof: alter the proof's last response scalar.
    let first_proof_end = 1 + 32 + 32 + 4 + 12 + 64 + 224;
    b[first_proof_end - 32] ^= 0x01;
    let unsigned = &b[..b.len() - 64];
    let msg = urne::encoding::tagged_hash("URNE-V1-ballot-signature", &[unsigned]);
    let sig = el.credential.sign(&msg.0);
    let n = b.len();
    b[n - 64..].copy_from_slice(&sig);
    let (status, body) = v.submit(&hex(&b), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let m = body["message"].as_str().unwrap();
    assert!(m.starts_with("Bulletin refusé"), "{m}");
    assert!(m.contains("preuve") || m.contains("choix 0"), "{m}");

    // The signature altered.
    let mut b = good.clone();
    let n = b.len();
    b[n - 1] ^= 0x40;
    let (status, body) = v.submit(&hex(&b), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("signature du justificatif"),
        "{body}"
    );

    // Truncated bytes: the decoding error names the field.
    let (status, body) = v.submit(&hex(&good[..good.len() - 10]), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"].as_str().unwrap().contains("illisible"),
        "{body}"
    );

    // Another elector's ballot under this session.
    let other = &e.electors[17];
    let theirs = make_ballot(
        &p,
        &other.credential,
        &other.contests,
        &first_choices(&other.contests),
    );
    let (status, body) = v.submit(&theirs, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("autre identifiant"),
        "{body}"
    );

    // Nothing changed: the board is empty and the good ballot is still accepted.
    assert_eq!(board(&app, &e.id).await["total"], 0);
    assert_eq!(v.submit(&hex(&good), false).await.0, StatusCode::OK);
    app.stop().await;
}

async fn a_mandataire_casts_two_ballots_and_a_third_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = app
        .election(FixtureOptions {
            procurations: vec![(18, 19)],
            ..options("procuration")
        })
        .await;
    let (mandant, mandataire) = (&e.electors[18], &e.electors[19]);
    let v = Voter::login(
        &app,
        &e.id,
        mandataire.cnbf.as_str(),
        &mandataire.credential,
    )
    .await;
    let p = booth_params(&app, &e.id).await;
    let own = make_ballot(
        &p,
        &mandataire.credential,
        &mandataire.contests,
        &first_choices(&mandataire.contests),
    );
    assert_eq!(v.submit(&own, false).await.0, StatusCode::OK);
    let done = v.get_ok("/recepisse").await;
    assert!(
        done.contains("Voter au titre de la procuration de Me"),
        "{done}"
    );

    // The proxy ballot page carries the mandant's credential for the booth.
    let page = v.get_ok("/vote?procuration=1").await;
    assert!(page.contains("au titre de la procuration"), "{page}");
    let cfg = common::page_config(&page);
    let mandant_pk =
        urne::crypto::credential::CredentialPublicKey(mandant.credential.public_key().0);
    assert_eq!(cfg["mandant"], hex(&mandant_pk.0));
    assert_eq!(cfg["proxy_active"], false);

    // Before activation, a proxy ballot is refused.
    let proxy = mandataire.credential.proxy_for(&mandant_pk);
    let early = make_ballot(
        &p,
        &proxy,
        &mandant.contests,
        &first_choices(&mandant.contests),
    );
    assert_eq!(
        v.submit(&early, true).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Activation: the booth's endorsement by the mandataire's credential.
    let proxy_pk = PublicKey(proxy.public_key().0);
    let msg =
        ProxyCredential::endorsement_message(&e.fingerprint, &PublicKey(mandant_pk.0), &proxy_pk);
    let endorsement = hex(&mandataire.credential.sign(&msg.0));
    // A forged endorsement is refused.
    let forged = hex(&mandant.credential.sign(&msg.0));
    let (status, body) = v
        .post(
            "/procuration",
            serde_json::json!({"proxy": proxy_pk.to_hex(), "endorsement": forged, "csrf": v.csrf}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = v
        .post("/procuration", serde_json::json!({"proxy": proxy_pk.to_hex(), "endorsement": endorsement, "csrf": v.csrf}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let second = make_ballot(&p, &proxy, &mandant.contests, &[vec![2], vec![1]]);
    let (status, body) = v.submit(&second, true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["confirmation"],
        format!("/elections/{}/recepisse?procuration=1", e.id)
    );
    let page = v.get_ok("/recepisse?procuration=1").await;
    assert!(page.contains("pour le compte de Me"), "{page}");

    // A third ballot, by either credential, is refused.
    let third = make_ballot(&p, &proxy, &mandant.contests, &[vec![], vec![]]);
    let (status, body) = v.submit(&third, true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().contains("déjà"), "{body}");
    let again = make_ballot(
        &p,
        &mandataire.credential,
        &mandataire.contests,
        &[vec![], vec![]],
    );
    assert_eq!(
        v.submit(&again, false).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The mandant's own credential is revoked on the board.
    let m = Voter::login(&app, &e.id, mandant.cnbf.as_str(), &mandant.credential).await;
    let theirs = make_ballot(
        &p,
        &mandant.credential,
        &mandant.contests,
        &first_choices(&mandant.contests),
    );
    let (status, body) = m.submit(&theirs, false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"].as_str().unwrap().contains("déjà")
            || body["message"].as_str().unwrap().contains("révoqué"),
        "{body}"
    );

    let bytes = archive(&app, &e.id).await;
    let s = check_archive(&bytes, &p);
    assert_eq!((s.chain.ballots, s.chain.proxies), (2, 1));
    app.stop().await;
}

async fn a_wrong_code_gets_the_generic_error_and_is_counted_until_the_lockout(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = app
        .election(FixtureOptions {
            real_codes: true,
            ..options("mauvais-code")
        })
        .await;
    let el = &e.electors[8];
    let wrong = hex(&[7u8; 32]);
    let r = post_login(&app, &e.id, el.cnbf.as_str(), &wrong).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["message"], urne_server::web::vote::LOGIN_FAILED);
    let (failed, locked) = urne_server::setup::login_state(app.db(), &e.id, &el.cnbf)
        .await
        .unwrap();
    assert_eq!((failed, locked), (1, None));
    // An unknown CNBF number gets exactly the same answer.
    let r = post_login(&app, &e.id, "99999999", &wrong).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["message"],
        body["message"]
    );
    // A missing CSRF token is refused before anything is counted.
    let r = common::client()
        .post(app.url(&format!("/elections/{}/connexion", e.id)))
        .json(&serde_json::json!({"cnbf": el.cnbf.as_str(), "token": wrong, "csrf": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for _ in 0..4 {
        post_login(&app, &e.id, el.cnbf.as_str(), &wrong).await;
    }
    let (failed, locked) = urne_server::setup::login_state(app.db(), &e.id, &el.cnbf)
        .await
        .unwrap();
    assert_eq!(failed, 5);
    assert!(locked.is_some());
    // Locked: even the right token is refused, with the lockout message.
    let right = hex(&el.credential.login_token().0);
    let r = post_login(&app, &e.id, el.cnbf.as_str(), &right).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.json::<serde_json::Value>().await.unwrap()["message"]
            .as_str()
            .unwrap()
            .contains("Trop de tentatives")
    );
    // The admin lifts the lockout.
    urne_server::setup::unlock_elector(app.db(), &e.id, &el.cnbf)
        .await
        .unwrap();
    let r = post_login(&app, &e.id, el.cnbf.as_str(), &right).await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

async fn pages_and_static_files_carry_the_security_headers_and_media_types(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = app.election(options("entetes")).await;
    let c = common::client();
    let home = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let h = home.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    let html = home.text().await.unwrap();
    assert!(html.contains("ouvert") && html.contains(&e.id), "{html}");
    assert!(!html.contains("<script>"), "no inline script");
    let wasm = c
        .get(app.url("/static/urne_booth.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(&wasm.bytes().await.unwrap()[..4], b"\0asm");
    let js = c.get(app.url("/static/booth.js")).send().await.unwrap();
    assert!(
        js.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    // Cookies: HttpOnly, SameSite=Strict.
    let login = c
        .get(app.url(&format!("/elections/{}/connexion", e.id)))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let html = login.text().await.unwrap();
    assert!(
        html.contains("<label for=\"cnbf\">Numéro CNBF</label>"),
        "{html}"
    );
    // An oversized body is refused.
    // Just above the 64 KiB limit: small enough to be written whole before the server answers.
    let big = "x".repeat(80 * 1024);
    let r = c
        .post(app.url(&format!("/elections/{}/connexion", e.id)))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let health = c.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    app.stop().await;
}

on_both_backends!(
    a_full_vote_gives_a_receipt_that_the_board_and_the_archive_confirm,
    a_second_ballot_of_the_same_elector_is_refused,
    of_a_hundred_concurrent_ballots_of_one_credential_exactly_one_is_accepted,
    two_server_processes_on_one_database_keep_one_chain_and_one_ballot_per_credential,
    a_ballot_before_the_opening_is_refused,
    a_ballot_after_the_closing_is_refused_and_the_close_and_tally_are_appended,
    a_manual_close_stops_the_vote_and_publishes_the_tally,
    a_ballot_with_an_altered_proof_or_signature_is_refused_with_its_reason,
    a_mandataire_casts_two_ballots_and_a_third_is_refused,
    a_wrong_code_gets_the_generic_error_and_is_counted_until_the_lockout,
    pages_and_static_files_carry_the_security_headers_and_media_types,
);

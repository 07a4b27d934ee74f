//! The second round keeps the first round's codes (`urne_server::admin::carry_over`, décret
//! art. 5, 6 and 28), on SQLite and PostgreSQL: round 1 sealed with its letters, a code reissued
//! during round 1 and a procuration used; round 2 created with the same campaign, its credentials
//! carried over (by the admin endpoint), sealed; electors log in to round 2 with the code of their
//! round-1 letter, the reissued elector with his new code only, the mandant of round 1 votes
//! himself. A round 2 of another campaign, another roll, or before round 1's codes is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_common;
mod common;

use admin_common::{
    StaffClient, codes_of_letters, console, create_user, pdf_text, sample, valence_election,
};
use common::{Backend, Voter, booth_params, make_ballot, post_login, spawn_app};
use reqwest::StatusCode;
use urne::crypto::code::VoterCode;
use urne::crypto::credential::Credential;
use urne::encoding::hex;
use urne::model::{ContestKind, Election, Round};
use urne_server::admin::{carry_over, codes, definition, proxies, roll, sealing};

const PASSWORD: &str = "secrétariat de l'ordre 2026";

/// Round 2 of `first` as `urne-tally next-round` writes it: same barreau, campaign and bureau,
/// new id, both contests in their second round.
fn second_round(first: &Election, id: &str) -> Election {
    let mut e = first.clone();
    e.election_id = id.to_owned();
    for c in &mut e.contests {
        match &mut c.kind {
            ContestKind::Batonnier { round } | ContestKind::ConseilDeLOrdre { round, .. } => {
                *round = Round::Second;
            }
            _ => {}
        }
    }
    e
}

fn credential(code: &str, campaign: &str) -> Credential {
    Credential::derive(&VoterCode::parse(code).unwrap(), campaign).unwrap()
}

async fn electors_keep_their_round_one_codes_in_round_two_and_procurations_do_not_carry_over(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = console(&app);
    let mut first = valence_election(&app, "valence-t1", -3600, 8 * 3600, true).await;
    let campaign = first.definition.campaign_id.clone();

    // During round 1: 40074 loses his code (reissued after the seal); 40333 gives a procuration to
    // 40370, who uses it.
    let cnbf = urne::model::Cnbf::parse("40074").unwrap();
    let re = codes::reissue(&admin, "valence-t1", &cnbf, codes::Delivery::default())
        .await
        .unwrap();
    let new_code = codes_of_letters(&pdf_text(&re.pdf))[0].1.clone();
    proxies::register(
        &admin,
        "valence-t1",
        &urne::model::Cnbf::parse("40333").unwrap(),
        &urne::model::Cnbf::parse("40370").unwrap(),
        "formulaire n° 2026-001",
    )
    .await
    .unwrap();
    let p1 = booth_params(&app, "valence-t1").await;
    let mandataire = first.credential("40370");
    let v = Voter::login(&app, "valence-t1", "40370", &mandataire).await;
    let mandant_pk =
        urne::crypto::credential::CredentialPublicKey(first.credential("40333").public_key().0);
    let proxy = mandataire.proxy_for(&mandant_pk);
    let proxy_pk = urne::board::PublicKey(proxy.public_key().0);
    let msg = urne::board::ProxyCredential::endorsement_message(
        &p1.fingerprint,
        &urne::board::PublicKey(mandant_pk.0),
        &proxy_pk,
    );
    let (s, body) = v
        .post(
            "/procuration",
            serde_json::json!({
                "proxy": proxy_pk.to_hex(),
                "endorsement": hex(&mandataire.sign(&msg.0)),
                "csrf": v.csrf,
            }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let b = make_ballot(&p1, &proxy, &[0, 1], &[vec![0], vec![0]]);
    assert_eq!(v.submit(&b, true).await.0, StatusCode::OK);

    // Round 2: the stored round-1 definition (with the candidates' records), second round.
    let stored = urne_server::setup::definition(app.db(), "valence-t1")
        .await
        .unwrap();
    let def2 = second_round(&stored, "valence-t2");
    definition::create(&admin, &def2, None).await.unwrap();
    let roll_csv = sample("tests/rolls/valence-utf-8-virgule.csv");
    roll::import(&admin, "valence-t2", "valence.csv", &roll_csv, false)
        .await
        .unwrap();

    // Through the admin endpoint, as the page's form posts it.
    create_user(&app, "secretariat", "secretariat", PASSWORD).await;
    let sec = StaffClient::login(&app, "secretariat", PASSWORD).await;
    let (s, v) = sec
        .post_form(
            "/admin/elections/valence-t2/codes/reprendre",
            &[("from", "valence-t1")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["count"], 45, "{v}");
    assert_eq!(v["data"]["reissued"], 1, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("aucun courrier n'est à envoyer"),
        "{v}"
    );
    // No procuration in round 2.
    assert!(
        proxies::list(&admin, "valence-t2")
            .await
            .unwrap()
            .is_empty()
    );

    // Round 2's ceremony, genesis and seal (same bureau); the fifteen days count from round 1's
    // letters, the same day here: the dérogation.
    codes::override_15_days(&admin, "valence-t2", "second tour d'essai le jour même")
        .await
        .unwrap();
    first.bureau.ceremony(&app, "valence-t2").await;
    let build = urne::encoding::tagged_hash("URNE-V1-test-build", &[]);
    let built = sealing::build(&admin, "valence-t2", build).await.unwrap();
    assert_eq!(built.credentials, 45);
    let seal = urne::board::Seal::sign(&built.fingerprint, &first.bureau.keys[0]);
    sealing::seal(
        &admin,
        "valence-t2",
        &sealing::SealFile {
            format: sealing::SEAL_FORMAT.into(),
            fingerprint: built.fingerprint,
            signature: seal.signature,
        },
    )
    .await
    .unwrap();

    // Electors log in to round 2 with their round-1 letters' codes and vote.
    let p2 = booth_params(&app, "valence-t2").await;
    assert_ne!(p2.fingerprint, p1.fingerprint);
    for cnbf in ["40037", "40111", "40370"] {
        let cred = first.credential(cnbf);
        let v = Voter::login(&app, "valence-t2", cnbf, &cred).await;
        let b = make_ballot(&p2, &cred, &[0, 1], &[vec![1], vec![1]]);
        let (s, body) = v.submit(&b, false).await;
        assert_eq!(s, StatusCode::OK, "{cnbf} : {body}");
    }
    // The mandant of round 1 votes himself in round 2.
    let cred = first.credential("40333");
    let v = Voter::login(&app, "valence-t2", "40333", &cred).await;
    let b = make_ballot(&p2, &cred, &[0, 1], &[vec![0], vec![]]);
    assert_eq!(v.submit(&b, false).await.0, StatusCode::OK);
    // The reissued elector: the new code only.
    let old = first.credential("40074");
    let r = post_login(&app, "valence-t2", "40074", &hex(&old.login_token().0)).await;
    assert_ne!(r.status(), StatusCode::OK, "l'ancien code ne vaut plus");
    let cred = credential(&new_code, &campaign);
    let v = Voter::login(&app, "valence-t2", "40074", &cred).await;
    let b = make_ballot(&p2, &cred, &[0, 1], &[vec![0], vec![2]]);
    assert_eq!(v.submit(&b, false).await.0, StatusCode::OK);

    // Round 2 is sealed: nothing more to carry over; the refusal is in the audit log.
    let e = carry_over::carry_over(&admin, "valence-t2", "valence-t1")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("est scellée"), "{e}");
    let (_, log) = sec.get_json("/admin/journal?election=valence-t2").await;
    let actions: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["action"].as_str().unwrap().to_owned(),
                l["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        actions.contains(&("codes.report".into(), "fait".into())),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("codes.report".into(), "refusé".into())),
        "{actions:?}"
    );
    app.stop().await;
}

async fn a_round_two_of_another_campaign_or_roll_or_before_the_codes_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = console(&app);
    let first = valence_election(&app, "valence-t1", 20 * 86400, 21 * 86400, false).await;
    let roll_csv = sample("tests/rolls/valence-utf-8-virgule.csv");

    // Another campaign: the codes would not derive the same credentials.
    let mut other = second_round(&first.definition, "autre-t2");
    other.campaign_id = "autre-campagne".into();
    definition::create(&admin, &other, None).await.unwrap();
    roll::import(&admin, "autre-t2", "valence.csv", &roll_csv, false)
        .await
        .unwrap();
    let e = carry_over::carry_over(&admin, "autre-t2", "valence-t1")
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "campagne différente : « valence-t1 » est de la campagne « valence-t1-campagne », \
         « autre-t2 » de la campagne « autre-campagne » ; les codes ne valent que dans leur \
         campagne (ils en dérivent). Le second tour reprend la campagne du premier \
         (urne-tally next-round)."
    );

    // Another roll: one elector fewer.
    let def2 = second_round(&first.definition, "valence-t2");
    definition::create(&admin, &def2, None).await.unwrap();
    // The roll's last record (an address on two lines) is Me Weber's, CNBF 2876.
    let text = String::from_utf8(roll_csv.clone()).unwrap();
    let fewer = &text[..text.find("\n2876,").unwrap() + 1];
    let dropped = "2876";
    roll::import(&admin, "valence-t2", "valence.csv", fewer.as_bytes(), false)
        .await
        .unwrap();
    let e = carry_over::carry_over(&admin, "valence-t2", "valence-t1")
        .await
        .unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "liste électorale différente : 1 électeur(s) du premier tour « valence-t1 » absent(s) \
             du second tour ou sans droit de vote (CNBF {dropped})"
        )),
        "{e}"
    );

    // An unknown round 1, and the election itself.
    let e = carry_over::carry_over(&admin, "valence-t2", "inconnue")
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "élection du premier tour « inconnue » inconnue sur ce serveur"
    );
    let e = carry_over::carry_over(&admin, "valence-t2", "valence-t2")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("est l'élection elle-même"), "{e}");

    // A round 1 whose codes were not issued.
    let mut bare = first.definition.clone();
    bare.election_id = "sans-codes-t1".into();
    definition::create(&admin, &bare, None).await.unwrap();
    roll::import(&admin, "sans-codes-t1", "valence.csv", &roll_csv, false)
        .await
        .unwrap();
    let mut def3 = second_round(&bare, "sans-codes-t2");
    def3.election_id = "sans-codes-t2".into();
    definition::create(&admin, &def3, None).await.unwrap();
    roll::import(&admin, "sans-codes-t2", "valence.csv", &roll_csv, false)
        .await
        .unwrap();
    let e = carry_over::carry_over(&admin, "sans-codes-t2", "sans-codes-t1")
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "les codes du premier tour « sans-codes-t1 » n'ont pas été émis : rien à reprendre"
    );
    app.stop().await;
}

on_both_backends!(
    electors_keep_their_round_one_codes_in_round_two_and_procurations_do_not_carry_over,
    a_round_two_of_another_campaign_or_roll_or_before_the_codes_is_refused,
);

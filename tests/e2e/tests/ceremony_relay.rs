//! The key ceremony through the server's relay (`urne-tally keygen step|status --relay`,
//! docs/api-ceremony.md §5) when something is wrong, on SQLite and PostgreSQL: an unknown
//! ceremony and an unreachable server cannot run (exit 2); a member who publishes, with another
//! key file of his, a message different from the one the relay holds is refused before anything
//! is posted (exit 1) and changes nothing; a step run twice publishes nothing new; what only the
//! server refuses (a forged signature, another ceremony's message, a malformed seal) comes back
//! from the commands' HTTP client as a refusal in the server's words; then the
//! ceremony ends normally and the server records the keys. `sign-genesis --server` before any
//! genesis cannot run and names the address. The successful ceremony and seal through the server
//! are those of every second round of the scenarios (batonnier.rs, conseil.rs), where a wrong
//! `--fingerprint` is refused first (`Bureau::sign_genesis_on_server`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::ffi::OsString;
use std::path::Path;

use urne::encoding::Hash32;
use urne_e2e::{Backend, Bureau, Run, Scenario, definition, tally_async, tally_ok};
use urne_tally::error::TallyError;
use urne_tally::relay::{Posted, Relay, Server};

const ELECTION: &str = "valence-relais";

async fn step(key: &Path, relay: &str) -> Run {
    tally_async(vec![
        "keygen".into(),
        "step".into(),
        "--key".into(),
        key.into(),
        "--relay".into(),
        relay.into(),
        "--json".into(),
    ])
    .await
}

async fn status(relay: &str) -> Run {
    tally_async(vec![
        "keygen".into(),
        "status".into(),
        "--relay".into(),
        relay.into(),
    ])
    .await
}

async fn the_relay_refuses_a_second_different_message_of_a_member_and_the_ceremony_still_ends(
    backend: Backend,
) {
    let s = Scenario::start(backend).await;
    let bureau = Bureau::new(
        &s.folder("bureau"),
        &["Me Anne Aubert", "Me Paul Barbier", "Me Marie Durand"],
        1,
    );
    let def = definition(
        "Valence",
        ELECTION,
        &bureau,
        serde_json::json!([{ "kind": "batonnier", "id": "batonnier", "round": 1, "candidacies": [] }]),
        8,
    );
    s.create(&def).await;
    let id = s.ceremony_id(ELECTION).await;
    let relay = s.app.url(&format!("/ceremonies/{id}"));

    // An id this server does not know, a server that does not answer, a malformed address, both
    // places at once: the command cannot run, and says which address.
    let unknown = s.app.url(&format!("/ceremonies/{}", "ab".repeat(32)));
    let r = status(&unknown).await;
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&unknown) && r.stderr.contains("inconnue"),
        "{}",
        r.stderr
    );
    let nobody = format!("http://127.0.0.1:9/ceremonies/{id}");
    let r = status(&nobody).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("ne répond pas"), "{}", r.stderr);
    let r = status(&format!("{relay}/messages")).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("https://…/ceremonies/IDENTIFIANT"),
        "{}",
        r.stderr
    );
    let r = tally_async(vec![
        "keygen".into(),
        "status".into(),
        "--relay".into(),
        relay.clone().into(),
        "--dir".into(),
        OsString::from(s.folder("x")),
    ])
    .await;
    assert_eq!(r.code, 2, "--dir et --relay ensemble : {}", r.stderr);

    // Scrutateur 1 publishes his transport key; run again, nothing new.
    let k1 = bureau.key(ELECTION, 1);
    let r = step(&k1, &relay).await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.json()["published"],
        serde_json::json!(["1-transport_key-1.json"])
    );
    assert_eq!(r.json()["done"], false);
    let r = step(&k1, &relay).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["published"], serde_json::json!([]));

    // What the server itself refuses, sent by the client the commands use (`urne_tally::relay`),
    // since the commands check before they post and never send it: a forged signature (403), a
    // message of another ceremony (400), a malformed seal (400). Each comes back as a refusal
    // (exit 1) in the server's own words; the same message again is taken as already there; the
    // relay holds what it held.
    let (held_before, again, forged, elsewhere, seal, held_after) = {
        let relay = relay.clone();
        let server = s.app.url("");
        tokio::task::spawn_blocking(move || {
            let client = Relay::new(&relay).unwrap();
            let held = |c: &Relay| -> Vec<String> {
                c.board()
                    .unwrap()
                    .messages()
                    .map(|m| m.file_name())
                    .collect()
            };
            let held_before = held(&client);
            let m = client
                .board()
                .unwrap()
                .messages()
                .find(|m| m.member == 1)
                .unwrap()
                .clone();
            let again = client.post(&m).unwrap();
            let mut forged = m.clone();
            forged.signature.0[0] ^= 1;
            let forged = client.post(&forged).unwrap_err();
            let mut elsewhere = m;
            elsewhere.ceremony = Hash32([7; 32]);
            let elsewhere = client.post(&elsewhere).unwrap_err();
            let seal = Server::new(&server)
                .unwrap()
                .seal(ELECTION, "{}")
                .unwrap_err();
            (held_before, again, forged, elsewhere, seal, held(&client))
        })
        .await
        .unwrap()
    };
    assert_eq!(held_before, ["1-transport_key-1.json"]);
    assert_eq!(again, Posted::AlreadyThere);
    for (e, words) in [
        (&forged, "signature invalide"),
        (&elsewhere, "pour une autre cérémonie"),
    ] {
        assert!(matches!(e, TallyError::Refused(_)), "{e:?}");
        let e = e.to_string();
        assert!(
            e.contains(&format!(
                "{relay}/messages : 1-transport_key-1.json refusé par le serveur"
            )) && e.contains(words),
            "{e}"
        );
    }
    assert!(matches!(seal, TallyError::Refused(_)), "{seal:?}");
    let seal = seal.to_string();
    assert!(
        seal.contains(&format!(
            "/elections/{ELECTION}/seal : sceau refusé par le serveur"
        )),
        "{seal}"
    );
    assert_eq!(held_after, held_before);

    // The same member with another key file for this election (same signing key, another
    // ceremony seed, hence another transport key): refused before anything is posted (the relay
    // would refuse it too, 409), the relay keeps the first message.
    let other = bureau.dir.join("membre-1-autre.urnekey");
    tally_ok(&[
        "keygen".as_ref(),
        "init".as_ref(),
        "--key".as_ref(),
        other.as_os_str(),
        "--from".as_ref(),
        bureau.keys[1].as_os_str(),
    ]);
    let r = step(&other, &relay).await;
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("le relais contient une clé de transport du scrutateur 1")
            && r.stderr.contains("n'est pas celle de ce fichier de clé"),
        "{}",
        r.stderr
    );
    let r = status(&relay).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("clé de transport : en attente de scrutateur 2 (Me Marie Durand)\n"),
        "{}",
        r.stdout
    );

    // The ceremony ends with the members' own files; the server recorded the keys.
    let key = bureau.ceremony_by_relay(&s, ELECTION).await;
    assert_eq!(key.len(), 64);
    let r = status(&relay).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("en attente"), "{}", r.stdout);

    // No genesis yet (no roll, no codes): `sign-genesis --server` has nothing to seal and says
    // where it looked; `--server` without `--election` is a usage error.
    let key = bureau.key(ELECTION, 0);
    let r = tally_async(vec![
        "sign-genesis".into(),
        "--server".into(),
        s.app.url("").into(),
        "--election".into(),
        ELECTION.into(),
        "--key".into(),
        key.clone().into(),
        "--yes".into(),
    ])
    .await;
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!("/elections/{ELECTION}/archive")),
        "{}",
        r.stderr
    );
    let r = tally_async(vec![
        "sign-genesis".into(),
        "--server".into(),
        s.app.url("").into(),
        "--key".into(),
        key.into(),
    ])
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_the_relay_refuses_a_second_different_message_of_a_member_and_the_ceremony_still_ends()
 {
    the_relay_refuses_a_second_different_message_of_a_member_and_the_ceremony_still_ends(
        Backend::Sqlite,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_the_relay_refuses_a_second_different_message_of_a_member_and_the_ceremony_still_ends()
 {
    the_relay_refuses_a_second_different_message_of_a_member_and_the_ceremony_still_ends(
        Backend::Postgres,
    )
    .await
}

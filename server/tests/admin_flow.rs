//! The whole administration of an election over the admin HTTP endpoints, on SQLite and
//! PostgreSQL: from an empty database to a sealed, open election (definition file, liste
//! électorale, candidacies, codes and their letters, the 15-day dérogation, the key ceremony
//! through the relay, genesis and seal, a procuration), electors voting with the codes read from
//! the letters' PDF by `pdftotext`, then the close, the bureau's count done offline as
//! `urne-tally` does it, `urne-server admin publish` and the end-to-end verification of the
//! final archive with the PV.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_common;
mod common;

use std::io::BufReader;

use admin_common::{
    StaffClient, TestBureau, codes_of_letters, create_user, pdf_text, sample, valence,
};
use common::{Backend, Voter, booth_params, make_ballot, spawn_app};
use reqwest::StatusCode;
use urne::archive::{ArchiveReader, ArchiveWriter};
use urne::board::{
    Chain, ChainChecker, Event, PartialDecryption as PartialEvent, Payload, ProxyCredential,
    PublicKey, ResultEvent, Seal,
};
use urne::count::{BoardFiguresBuilder, Declarations, InternetCounts, compute};
use urne::crypto::code::VoterCode;
use urne::crypto::credential::{Credential, CredentialPublicKey};
use urne::crypto::decryption::{PartialDecryption, decrypt_tally};
use urne::crypto::tally::EncryptedTally;
use urne::encoding::{Hash32, hex, unhex};
use urne::pv::{Pv, PvArchive};
use urne::rules::common::Day;

const SECRETARIAT_PASSWORD: &str = "secrétariat de l'ordre 2026";
const BATONNIER_PASSWORD: &str = "bâtonnier de Valence 2026";

fn credential(code: &str, campaign: &str) -> Credential {
    Credential::derive(&VoterCode::parse(code).unwrap(), campaign).unwrap()
}

async fn from_an_empty_database_to_an_open_election_where_electors_vote_with_the_codes_of_their_letters(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    create_user(&app, "secretariat", "secretariat", SECRETARIAT_PASSWORD).await;
    create_user(&app, "batonnier", "batonnier", BATONNIER_PASSWORD).await;
    let sec = StaffClient::login(&app, "secretariat", SECRETARIAT_PASSWORD).await;
    let bat = StaffClient::login(&app, "batonnier", BATONNIER_PASSWORD).await;

    // The definition file.
    let mut bureau = TestBureau::new(3, 2);
    let def = valence("valence-2026-t1", &bureau, -3600, 8 * 3600);
    let id = def.election_id.clone();
    let (s, v) = sec
        .post_upload(
            "/admin/elections",
            &[("fichier", "valence.json", def.to_json().unwrap().as_bytes())],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["election"], id);

    // The liste électorale (UTF-8, commas), applied at the first import.
    let (s, v) = sec
        .post_upload(
            &format!("/admin/elections/{id}/liste"),
            &[(
                "fichier",
                "valence.csv",
                &sample("tests/rolls/valence-utf-8-virgule.csv"),
            )],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["applied"], true);
    assert_eq!(v["data"]["electors"], 45);
    assert_eq!(v["data"]["with_rights"], 45);
    assert!(
        v["details"]
            .as_str()
            .unwrap()
            .contains("avocats disposant du droit de vote : 45"),
        "{v}"
    );

    // The candidacies, checked against the décret with the roll.
    let (s, v) = sec
        .post_upload(
            &format!("/admin/elections/{id}/candidatures/import"),
            &[(
                "fichier",
                "candidatures.csv",
                &sample("tests/candidacies/valence.csv"),
            )],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, contests) = sec
        .get_json(&format!("/admin/elections/{id}/candidatures"))
        .await;
    assert_eq!(contests[0]["candidacies"].as_array().unwrap().len(), 2);
    assert_eq!(contests[1]["candidacies"].as_array().unwrap().len(), 3);

    // The codes and their letters: one page per elector, read back by pdftotext.
    let (s, v) = sec
        .post_form(&format!("/admin/elections/{id}/codes"), &[])
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["count"], 45);
    let pdf = unhex(v["pdf_hex"].as_str().unwrap()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    let letters = codes_of_letters(&text);
    assert_eq!(letters.len(), 45, "une page par électeur");
    let first = text
        .split('\u{c}')
        .find(|p| p.contains("Numéro CNBF : 40037"))
        .unwrap();
    for expected in [
        "ORDRE DES AVOCATS",
        "Barreau de Valence",
        "Maître Anne Aubert",
        "Numéro CNBF : 40037",
        "Votre code personnel et confidentiel",
        "article 28 du décret",
        "Le vote est ouvert du",
        "(heure de Paris)",
        "Modalités pratiques",
        "http://127.0.0.1/elections/valence-2026-t1",
        "Objet : élection du bâtonnier et des membres du conseil de l'ordre",
        "Code perdu ou divulgué : contactez l'ordre",
    ] {
        assert!(first.contains(expected), "« {expected} » absent :\n{first}");
    }
    // The address block of a window envelope.
    let barbier = text
        .split('\u{c}')
        .find(|p| p.contains("Numéro CNBF : 40074"))
        .unwrap();
    assert!(barbier.contains("11, rue Madier de Montjau"), "{barbier}");
    assert!(barbier.contains("26000 Valence"), "{barbier}");
    // No code in the database.
    for (_, code) in letters.iter().take(5) {
        assert!(!admin_common::database_contains(&app, &code.replace('-', "")).await);
        assert!(!admin_common::database_contains(&app, code).await);
    }

    // The vote opened an hour ago: less than fifteen days after the codes.
    let (s, v) = sec
        .post_form(&format!("/admin/elections/{id}/genese"), &[])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let today = urne_server::frtime::date(urne_server::chain::now());
    assert!(
        v["message"].as_str().unwrap().starts_with(&format!(
            "délai de quinze jours non respecté : les codes ont été émis le {today} et le vote \
             ouvre le "
        )),
        "{v}"
    );
    // Only the bâtonnier may decide the dérogation.
    let (s, v) = sec
        .post_form(
            &format!("/admin/elections/{id}/codes/derogation"),
            &[("reason", "élection partielle urgente après démission")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(
        v["message"],
        "action réservée au bâtonnier : Me secretariat (secrétariat) ne peut pas déroger au délai \
         de quinze jours"
    );
    let (s, v) = bat
        .post_form(
            &format!("/admin/elections/{id}/codes/derogation"),
            &[("reason", "élection partielle urgente après démission")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The key ceremony through the relay; the genesis can then be built.
    let (s, v) = sec
        .post_form(&format!("/admin/elections/{id}/genese"), &[])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["message"],
        "la cérémonie des clés du bureau n'a pas été enregistrée"
    );
    let status = bureau.ceremony(&app, &id).await;
    assert_eq!(status["complete"], true, "{status}");
    let (s, v) = sec
        .post_form(&format!("/admin/elections/{id}/genese"), &[])
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["credentials"], 45);
    let fp = Hash32::from_hex(v["data"]["fingerprint"].as_str().unwrap()).unwrap();

    // The genesis as urne-tally sign-genesis reads it: an archive of one event.
    let r = sec
        .get(&format!("/admin/elections/{id}/archive.urne"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut reader = ArchiveReader::new(&bytes[..]).unwrap();
    let g = reader.next().unwrap().unwrap();
    assert!(reader.next().is_none());
    assert_eq!(urne::board::event_hash(&g.bytes), fp);
    let Payload::Genesis(genesis) = Event::decode(&g.bytes).unwrap().payload else {
        panic!("genèse attendue")
    };
    urne::ceremony::check_genesis(&genesis).unwrap();

    // The bâtonnier's seal.
    let seal = Seal::sign(&fp, &bureau.keys[0]);
    let seal_file = serde_json::json!({
        "format": "urne-sceau-1", "fingerprint": fp, "signature": seal.signature,
    })
    .to_string();
    let (s, v) = sec
        .post_upload(
            &format!("/admin/elections/{id}/sceller"),
            &[("fichier", "sceau.json", seal_file.as_bytes())],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = bat
        .post_upload(
            &format!("/admin/elections/{id}/sceller"),
            &[("fichier", "sceau.json", seal_file.as_bytes())],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // A procuration: 40333 (Faure Julie) gives hers to 40370 (Fontaine Arthur).
    let (s, v) = sec
        .post_form(
            &format!("/admin/elections/{id}/procurations"),
            &[
                ("mandant", "40333"),
                ("mandataire", "40370"),
                ("reference", "formulaire n° 2026-001"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Electors vote with the codes of their letters.
    let code_of = |cnbf: &str| {
        letters
            .iter()
            .find(|(c, _)| c == cnbf)
            .map(|(_, k)| k.clone())
            .unwrap()
    };
    let campaign = def.campaign_id.clone();
    let p = booth_params(&app, &id).await;
    for (cnbf, choice) in [("40037", 0u32), ("40074", 1), ("40111", 0)] {
        let cred = credential(&code_of(cnbf), &campaign);
        let v = Voter::login(&app, &id, cnbf, &cred).await;
        let ballot = make_ballot(&p, &cred, &[0, 1], &[vec![choice], vec![0]]);
        let (s, body) = v.submit(&ballot, false).await;
        assert_eq!(s, StatusCode::OK, "{cnbf} : {body}");
    }
    // The mandataire votes for himself, then for his mandant with the proxy credential.
    let mandataire = credential(&code_of("40370"), &campaign);
    let mandant = credential(&code_of("40333"), &campaign);
    let v = Voter::login(&app, &id, "40370", &mandataire).await;
    let own = make_ballot(&p, &mandataire, &[0, 1], &[vec![1], vec![2]]);
    assert_eq!(v.submit(&own, false).await.0, StatusCode::OK);
    let mandant_pk = CredentialPublicKey(mandant.public_key().0);
    let proxy = mandataire.proxy_for(&mandant_pk);
    let proxy_pk = PublicKey(proxy.public_key().0);
    let msg = ProxyCredential::endorsement_message(&fp, &PublicKey(mandant_pk.0), &proxy_pk);
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
    let for_mandant = make_ballot(&p, &proxy, &[0, 1], &[vec![0], vec![]]);
    let (s, body) = v.submit(&for_mandant, true).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    // The procuration, now used, can no longer be cancelled.
    let (s, v) = sec
        .post_form(
            &format!("/admin/elections/{id}/procurations/annuler"),
            &[("mandant", "40333")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        v["message"],
        "la procuration de CNBF 40333 a déjà été utilisée par son mandataire (identifiant de \
         procuration inscrit dans l'urne) : elle ne peut plus être annulée"
    );

    // Turnout: numbers only.
    let (s, t) = sec.get_json(&format!("/admin/elections/{id}/vote")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(t["ballots"], 5, "{t}");
    assert_eq!(t["proxy_votes"], 1);
    assert_eq!(t["electors_voted"], 5);
    assert_eq!(t["proxies_activated"], 1);
    assert_eq!(t["contests"][0]["votants"], 5);
    // The émargement shows who voted, and how.
    let r = sec
        .get(&format!("/admin/elections/{id}/emargement.csv"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    let faure = csv.lines().find(|l| l.starts_with("40333;")).unwrap();
    assert!(
        faure.contains(";oui;") && faure.contains(";procuration;"),
        "{faure}"
    );
    assert!(faure.ends_with(";non;"), "{faure}");
    let r = sec
        .get(&format!("/admin/elections/{id}/emargement.pdf"))
        .await;
    let em = pdf_text(&r.bytes().await.unwrap());
    assert!(em.contains("Liste d'émargement"), "{em}");
    assert!(em.contains("ne peut plus voter"), "{em}");

    // The close by decision of the ordre (bâtonnier), with its reason.
    let (s, v) = bat
        .post_form(
            &format!("/admin/elections/{id}/cloture"),
            &[("reason", "fin de l'essai"), ("confirm", "oui")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The bureau counts offline (what urne-tally decrypt and result do).
    let r = sec
        .get(&format!("/admin/elections/{id}/archive.urne"))
        .await;
    let archive = r.bytes().await.unwrap().to_vec();
    let (_, decl) = sec
        .get_json(&format!("/admin/elections/{id}/incidents.json"))
        .await;
    assert_eq!(decl["format"], "urne-incidents-1");
    assert_eq!(decl["incidents"][0]["kind"], "derogation15_jours");
    assert!(
        decl["incidents"][0]["text"]
            .as_str()
            .unwrap()
            .contains("motif : élection partielle urgente après démission"),
        "{decl}"
    );
    let r = sec
        .get(&format!("/admin/elections/{id}/candidatures.json"))
        .await;
    let candidates: serde_json::Value = r.json().await.unwrap();
    assert_eq!(candidates["format"], "urne-candidatures-1");
    let (extended, pv) = count_offline(&mut bureau, &archive, &decl, &candidates);
    let dir = app.dir.join("bureau");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("archive-resultat.urne"), &extended).unwrap();
    std::fs::write(dir.join("pv.json"), pv.to_json()).unwrap();

    // Publication by the command line (D3 step 6), then the public archive verifies with the PV.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_urne-server"))
        .args(["admin", "publish", &id, "--json", "--as", "batonnier"])
        .arg("--archive")
        .arg(dir.join("archive-resultat.urne"))
        .arg("--pv")
        .arg(dir.join("pv.json"))
        .arg("--data")
        .arg(&app.dir)
        .arg("--database-url")
        .arg(&app.database_url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "publish : {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let published: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(published["partial_decryptions"], 3);
    assert_eq!(published["pv_signatures"], 4);
    let final_archive = common::archive(&app, &id).await;
    let report = urne::verify::verify(
        &final_archive[..],
        &urne::verify::Options {
            pv: Some(pv),
            ..Default::default()
        },
        &mut |_| {},
    );
    assert!(
        report.report.is_valid(),
        "{}",
        report.report.render(urne::verify::Lang::Fr, "final.urne")
    );

    // Every step is in the audit log, refusals included.
    let (_, log) = sec.get_json(&format!("/admin/journal?election={id}")).await;
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
    for (a, o) in [
        ("election.creation", "fait"),
        ("liste.import", "fait"),
        ("candidatures.import", "fait"),
        ("codes.emission", "fait"),
        ("genese.construction", "refusé"),
        ("derogation.quinze_jours", "refusé"),
        ("derogation.quinze_jours", "fait"),
        ("ceremonie.message", "fait"),
        ("genese.construction", "fait"),
        ("scellement", "refusé"),
        ("scellement", "fait"),
        ("procuration.enregistrement", "fait"),
        ("procuration.annulation", "refusé"),
        ("vote.cloture", "fait"),
        ("resultat.publication", "fait"),
    ] {
        assert!(
            actions.contains(&(a.to_owned(), o.to_owned())),
            "{a} {o} absent du journal : {actions:?}"
        );
    }
    app.stop().await;
}

/// The bureau's count of the closed archive: the bâtonnier's and two scrutateurs' partial
/// decryptions, the counting rules with the server's declarations, the extended archive (no
/// signed head) and the PV signed by the four members.
fn count_offline(
    bureau: &mut TestBureau,
    archive: &[u8],
    incidents: &serde_json::Value,
    candidates: &serde_json::Value,
) -> (Vec<u8>, Pv) {
    let events: Vec<Vec<u8>> = ArchiveReader::new(BufReader::new(archive))
        .unwrap()
        .map(|e| e.unwrap().bytes)
        .collect();
    let first = Event::decode(&events[0]).unwrap();
    let fp = urne::board::event_hash(&events[0]);
    let Payload::Genesis(genesis) = first.payload else {
        panic!("genèse")
    };
    let (definition, keys) = urne::ceremony::check_genesis(&genesis).unwrap();
    let mut checker = ChainChecker::new();
    let mut figures = BoardFiguresBuilder::new();
    let mut tally = None;
    let mut tally_at = (0, Hash32::default());
    for (h, b) in events.iter().enumerate() {
        figures.observe(&checker.push_deferring_ballots(b).unwrap());
        let e = Event::decode(b).unwrap();
        if let Payload::EncryptedTally(t) = e.payload {
            tally = Some(EncryptedTally::decode(&t.tally).unwrap());
            tally_at = (h as u64, urne::board::event_hash(b));
        }
    }
    let tally = tally.expect("dépouillement chiffré");
    let mut rng = rand::rng();
    let partials: Vec<PartialDecryption> = [
        bureau.batonnier_secret.as_ref().unwrap(),
        &bureau.shares[0],
        &bureau.shares[1],
    ]
    .iter()
    .map(|s| PartialDecryption::create(&fp, s, &tally.ciphertexts(), &mut rng))
    .collect();
    let counts = decrypt_tally(&fp, &keys, &tally, &partials).unwrap();
    let internet: Vec<InternetCounts> = counts
        .into_iter()
        .map(|c| InternetCounts {
            contest: c.contest,
            ballots: c.ballots,
            weight: c.total_weight,
            options: c.options,
            blank: c.blank,
        })
        .collect();
    // Valence: the bâtonnier ticket T1 gets the votes 0 of four ballots (three in person, one by
    // proxy) and T2 one.
    assert_eq!(internet[0].options, vec![3, 2]);
    let declarations = Declarations {
        candidates: serde_json::from_value(candidates["contests"].clone()).unwrap(),
        incidents: serde_json::from_value(incidents["incidents"].clone()).unwrap(),
    };
    let result = compute(
        fp,
        &genesis,
        &definition,
        &figures.finish().unwrap(),
        &internet,
        vec![],
        declarations,
    )
    .unwrap();
    let last = Event::decode(events.last().unwrap()).unwrap();
    let mut chain = Chain::resume(
        fp,
        last.height,
        urne::board::event_hash(events.last().unwrap()),
    );
    let mut extended = events.clone();
    for p in &partials {
        let e = chain.next(Payload::PartialDecryption(PartialEvent {
            member: p.trustee.index(),
            share: p.encode(),
        }));
        extended.push(chain.append(&e).unwrap().bytes);
    }
    let e = chain.next(Payload::Result(ResultEvent {
        json: result.to_canonical_json().unwrap(),
    }));
    let r = chain.append(&e).unwrap();
    let result_at = (r.height, r.hash);
    extended.push(r.bytes);
    let mut w = ArchiveWriter::new(Vec::new()).unwrap();
    for b in &extended {
        w.write_event(b).unwrap();
    }
    let bytes = w.finish(None).unwrap();
    let mut pv = Pv::draw_up(
        result,
        &definition,
        &genesis.bureau,
        PvArchive {
            tally_height: tally_at.0,
            tally_event: tally_at.1,
            result_height: result_at.0,
            result_event: result_at.1,
        },
        vec![0, 1, 2],
        vec![0, 1, 2, 3],
        "Valence".into(),
        Day::parse("2026-11-24").unwrap(),
    )
    .unwrap();
    let incident = &pv.result.declarations.incidents[0];
    assert_eq!(incident.kind, urne::count::IncidentKind::Derogation15Jours);
    for k in &bureau.keys {
        pv.sign(k).unwrap();
    }
    (bytes, pv)
}

on_both_backends!(
    from_an_empty_database_to_an_open_election_where_electors_vote_with_the_codes_of_their_letters
);

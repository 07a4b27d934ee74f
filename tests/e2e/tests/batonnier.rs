//! Scenario: the election of the bâtonnier in two rounds (décret art. 6), through the real server
//! over HTTP, `urne-tally` and `urne-verify`, on SQLite and PostgreSQL.
//!
//! Barreau of Valence (45 electors, the sample roll), three candidacies, one of them a joint
//! ticket with a vice-bâtonnier (art. 6: « la désignation du bâtonnier entraîne celle du
//! vice-bâtonnier »). Round 1: 30 ballots, one by procuration, two blank; nobody has the absolute
//! majority of the 28 suffrages exprimés → the PV is signed and verified, and names the two
//! finalists. `urne-tally next-round` writes round 2; the ordre creates it, carries the codes
//! over, the electors vote again with the codes of their round-1 letters; round 2 ends in a tie
//! and « le candidat le plus âgé est proclamé élu » — listed second, so that the order of the
//! candidacies cannot be what decides. A tampered PV is rejected by `urne-verify`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use urne::model::{ContestKind, Round};
use urne::rules::counts_file::ContestResult;
use urne::rules::method_batonnier::BatonnierOutcome;
use urne_e2e::{
    Backend, Bureau, Cast, CeremonyBy, Codes, Counted, Preparation, Scenario, definition, sample,
    tally_of, verify,
};

const ROLL: &str = "tests/rolls/valence-utf-8-virgule.csv";
/// T1 Laurent (born 1978), T2 Bonnet (born 1963) with Mercier as vice-bâtonnier, T3 Étienne.
const CANDIDACIES: &str = "tests/e2e/data/batonnier-candidatures.csv";
const MANDANT: &str = "40333";
const MANDATAIRE: &str = "40370";

/// The electors in CNBF order but the mandant of round 1 (who votes through his mandataire).
fn voters(s: &[String]) -> Vec<String> {
    s.iter().filter(|c| *c != MANDANT).cloned().collect()
}

/// Round 1: T1 11, T2 12 (one by procuration), T3 5, blank 2.
fn round_one(electors: &[String]) -> Vec<Cast> {
    let mut casts = Vec::new();
    let plan: Vec<Vec<u32>> = std::iter::repeat_n(vec![0], 11)
        .chain(std::iter::repeat_n(vec![1], 11))
        .chain(std::iter::repeat_n(vec![2], 5))
        .chain(std::iter::repeat_n(vec![], 2))
        .collect();
    for (cnbf, choice) in electors.iter().zip(plan) {
        casts.push(Cast::new(cnbf, vec![choice]));
    }
    casts.push(Cast::by_proxy(MANDATAIRE, vec![vec![1]]));
    casts
}

/// Round 2 (T1 = option 0, T2 = option 1): 12 each, blank 2; the mandant of round 1 votes
/// himself (his procuration does not carry over).
fn round_two(electors: &[String]) -> Vec<Cast> {
    let mut who: Vec<String> = vec![MANDANT.to_owned()];
    who.extend(electors.iter().rev().take(25).cloned());
    let plan: Vec<Vec<u32>> = std::iter::repeat_n(vec![0], 12)
        .chain(std::iter::repeat_n(vec![1], 12))
        .chain(std::iter::repeat_n(vec![], 2))
        .collect();
    who.iter()
        .zip(plan)
        .map(|(c, p)| Cast::new(c, vec![p]))
        .collect()
}

fn batonnier_result(c: &Counted) -> urne::rules::method_batonnier::BatonnierResult {
    match &c.pv.result.contests[0].result {
        ContestResult::Batonnier(r) => r.clone(),
        other => panic!("résultat de bâtonnier attendu : {other:?}"),
    }
}

/// The PV's internet figures equal what the ballots cast imply.
fn assert_figures(c: &Counted, casts: &[Cast], ids: &[&str], proxies: u64) {
    let contest = &c.pv.result.contests[0];
    let (votes, blank) = tally_of(casts, 0, ids.len());
    assert_eq!(contest.inscrits, 45);
    assert_eq!(contest.internet.votants, casts.len() as u64);
    assert_eq!(contest.internet.procurations, proxies);
    assert_eq!(contest.internet.blancs, blank);
    assert_eq!(contest.internet.nuls, 0);
    for (id, n) in ids.iter().zip(&votes) {
        assert_eq!(contest.internet.votes[*id], *n, "voix de {id}");
    }
    let r = batonnier_result(c);
    assert_eq!(r.summary.votants, casts.len() as u64);
    assert_eq!(r.summary.exprimes, casts.len() as u64 - blank);
    assert_eq!(r.summary.abstentions, Some(45 - casts.len() as u64));
}

/// `urne-verify` accepts the published archive with its PV and receipts, and rejects the PV
/// once a figure is changed.
fn assert_verified(c: &Counted, receipts: &[std::path::PathBuf], tampered_id: &str) {
    let r = verify(&c.archive, Some(&c.pv_file), receipts);
    assert_eq!(r.code, 0, "urne-verify : {}\n{}", r.stdout, r.stderr);
    assert_eq!(r.json()["verdict"], "valid", "{}", r.stdout);
    let mut pv: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&c.pv_file).unwrap()).unwrap();
    let n = &mut pv["result"]["contests"][0]["internet"]["votes"][tampered_id];
    *n = serde_json::json!(n.as_u64().unwrap() + 1);
    let bad = c.pv_file.with_file_name("pv-falsifie.json");
    std::fs::write(&bad, pv.to_string()).unwrap();
    let r = verify(&c.archive, Some(&bad), &[]);
    assert_eq!(
        r.code, 1,
        "PV falsifié accepté : {}\n{}",
        r.stdout, r.stderr
    );
}

async fn the_batonnier_is_elected_in_round_two_by_age_after_a_round_one_without_majority(
    backend: Backend,
) {
    let s = Scenario::start(backend).await;
    let bureau = Bureau::new(
        &s.folder("bureau"),
        &[
            "Me Anne Aubert",
            "Me Paul Barbier",
            "Me Marie Durand",
            "Me Hugo Caron",
        ],
        2,
    );
    let roll = sample(ROLL);

    // Round 1.
    let def1 = definition(
        "Valence",
        "valence-batonnier-t1",
        &bureau,
        serde_json::json!([{ "kind": "batonnier", "id": "batonnier", "round": 1, "candidacies": [] }]),
        8,
    );
    let t1 = s
        .prepare(
            &Preparation {
                definition: &def1,
                roll_csv: &roll,
                candidacies_csv: Some(&sample(CANDIDACIES)),
                codes: Codes::Issue,
                ceremony: CeremonyBy::Folder,
            },
            &bureau,
        )
        .await;
    assert_eq!(t1.codes.len(), 45, "un code par électeur");
    s.register_proxy(&t1.id, MANDANT, MANDATAIRE).await;
    let electors: Vec<String> = t1.codes.keys().cloned().collect();
    let casts1 = round_one(&voters(&electors));
    let receipts1 = s.cast_all(&t1, &casts1).await;
    s.close(&t1.id).await;
    let c1 = s.count(&t1.id, &bureau, &[0, 1, 3], "Valence").await;
    assert_figures(&c1, &casts1, &["T1", "T2", "T3"], 1);
    let r1 = batonnier_result(&c1);
    assert_eq!(r1.summary.exprimes, 28);
    assert_eq!(
        r1.majority,
        Some(15),
        "majorité absolue de 28 suffrages exprimés"
    );
    assert_eq!(
        r1.outcome,
        BatonnierOutcome::SecondRound {
            finalists: vec!["T2".into(), "T1".into()]
        }
    );
    assert_eq!(c1.pv.bureau.decrypted_by, vec![0, 1, 3]);
    assert!(c1.pv.signature_status().unwrap().complete);
    assert_verified(&c1, &receipts1[..3], "T3");

    // Round 2: the definition from the signed PV, the codes carried over.
    let def2 = s.next_round(&c1, "valence-batonnier-t2", 8);
    assert_eq!(def2.campaign_id, def1.campaign_id);
    assert_eq!(def2.contests.len(), 1);
    assert_eq!(
        def2.contests[0].kind,
        ContestKind::Batonnier {
            round: Round::Second
        }
    );
    let ids: Vec<&str> = def2.contests[0]
        .candidacies
        .iter()
        .map(|c| c.id())
        .collect();
    assert_eq!(ids, ["T1", "T2"], "les deux candidats arrivés en tête");
    let t2 = s.prepare_second_round(&def2, &roll, &t1, &bureau).await;
    assert_ne!(t2.fingerprint, t1.fingerprint);
    let casts2 = round_two(&electors);
    let receipts2 = s.cast_all(&t2, &casts2).await;
    s.close(&t2.id).await;
    let c2 = s.count(&t2.id, &bureau, &[0, 2, 3], "Valence").await;
    assert_figures(&c2, &casts2, &["T1", "T2"], 0);
    let r2 = batonnier_result(&c2);
    assert_eq!(r2.round, 2);
    assert_eq!(r2.majority, None, "pas de majorité absolue au second tour");
    // 12 against 12: Me Bonnet (born 1963) is older than Me Laurent (born 1978).
    assert_eq!(r2.outcome, BatonnierOutcome::Elected { id: "T2".into() });
    assert_eq!(r2.ties.len(), 1, "{:?}", r2.ties);
    assert_eq!(r2.ties[0].winners, vec!["T2".to_owned()]);
    let text = urne::pv::render::text(&c2.pv);
    assert!(
        text.contains("Mercier"),
        "le vice-bâtonnier du ticket : {text}"
    );
    assert_verified(&c2, &receipts2[..2], "T1");
    // A receipt of round 1 is not a ballot of round 2.
    let r = verify(&c2.archive, Some(&c2.pv_file), &receipts1[..1]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_the_batonnier_is_elected_in_round_two_by_age_after_a_round_one_without_majority()
{
    the_batonnier_is_elected_in_round_two_by_age_after_a_round_one_without_majority(Backend::Sqlite)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_the_batonnier_is_elected_in_round_two_by_age_after_a_round_one_without_majority()
 {
    the_batonnier_is_elected_in_round_two_by_age_after_a_round_one_without_majority(
        Backend::Postgres,
    )
    .await
}

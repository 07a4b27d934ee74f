//! Scenario: the conseil de l'ordre in two rounds with binômes (décret art. 5 II: more than
//! thirty avocats, « les candidatures […] sont présentées en binômes composés d'un homme et d'une
//! femme »), through the real server over HTTP, `urne-tally` and `urne-verify`, on SQLite and
//! PostgreSQL.
//!
//! Barreau of Valence (45 electors), three seats, five binômes. Round 1 (« Sont élus au premier
//! tour de scrutin les binômes de candidats ayant obtenu la majorité absolue des suffrages
//! exprimés »): 30 ballots, two blank, 28 exprimés, majority 15 — only B1 (16) is elected.
//! `urne-tally next-round` writes round 2 for the two remaining seats with the four binômes not
//! elected; the codes are carried over; round 2 (« l'élection a lieu à la majorité relative »)
//! elects B2 and, for the last seat, B4 against B3 at equal votes: « l'élection est acquise au
//! binôme qui comporte le candidat dont la date d'inscription à un tableau est la plus ancienne »
//! (Me Gauthier, 1997) — B4 listed after B3, so the order cannot be what decides.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use urne::model::{ContestKind, Round};
use urne::rules::counts_file::ContestResult;
use urne::rules::method_conseil::ConseilResult;
use urne_e2e::{
    Backend, Bureau, Cast, CeremonyBy, Codes, Counted, Preparation, Scenario, definition, sample,
    tally_of, verify,
};

const ROLL: &str = "tests/rolls/valence-utf-8-virgule.csv";
const CANDIDACIES: &str = "tests/e2e/data/conseil-candidatures.csv";

/// `(ballots, choices)` groups, in order over the electors.
fn casts(electors: &[String], plan: &[(usize, &[u32])]) -> Vec<Cast> {
    let choices: Vec<Vec<u32>> = plan
        .iter()
        .flat_map(|(n, c)| std::iter::repeat_n(c.to_vec(), *n))
        .collect();
    assert!(choices.len() <= electors.len());
    electors
        .iter()
        .zip(choices)
        .map(|(e, c)| Cast::new(e, vec![c]))
        .collect()
}

fn conseil_result(c: &Counted) -> ConseilResult {
    match &c.pv.result.contests[0].result {
        ContestResult::Conseil(r) => r.clone(),
        other => panic!("résultat du conseil attendu : {other:?}"),
    }
}

/// The PV's figures equal what the ballots cast imply.
fn assert_figures(c: &Counted, casts: &[Cast], ids: &[&str]) {
    let contest = &c.pv.result.contests[0];
    let (votes, blank) = tally_of(casts, 0, ids.len());
    assert_eq!(contest.inscrits, 45);
    assert_eq!(contest.internet.votants, casts.len() as u64);
    assert_eq!(contest.internet.blancs, blank);
    for (id, n) in ids.iter().zip(&votes) {
        assert_eq!(contest.internet.votes[*id], *n, "voix de {id}");
    }
    let r = conseil_result(c);
    assert!(r.binomes);
    assert_eq!(r.summary.votants, casts.len() as u64);
    assert_eq!(r.summary.exprimes, casts.len() as u64 - blank);
}

fn assert_verified(c: &Counted, receipts: &[std::path::PathBuf]) {
    let r = verify(&c.archive, Some(&c.pv_file), receipts);
    assert_eq!(r.code, 0, "urne-verify : {}\n{}", r.stdout, r.stderr);
    assert_eq!(r.json()["verdict"], "valid", "{}", r.stdout);
    // The PV of a different election's archive is refused.
    let r = verify(&c.closed_archive, Some(&c.pv_file), &[]);
    assert_eq!(r.code, 1, "PV sans le résultat de l'archive : {}", r.stdout);
}

async fn round_one_fills_one_seat_by_absolute_majority_and_round_two_the_others_by_relative_majority(
    backend: Backend,
) {
    let s = Scenario::start(backend).await;
    let bureau = Bureau::new(
        &s.folder("bureau"),
        &["Me Anne Aubert", "Me Paul Barbier", "Me Marie Durand"],
        1,
    );
    let roll = sample(ROLL);
    let def1 = definition(
        "Valence",
        "valence-conseil-t1",
        &bureau,
        serde_json::json!([{
            "kind": "conseil_de_l_ordre", "id": "conseil", "round": 1, "seats": 3,
            "candidacies": []
        }]),
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
    let electors: Vec<String> = t1.codes.keys().cloned().collect();
    // B1 16, B2 14, B3 14, B4 13, B5 9; 28 exprimés.
    let casts1 = casts(
        &electors,
        &[
            (10, &[0, 1, 2]),
            (6, &[0, 3]),
            (4, &[1, 4]),
            (1, &[4]),
            (4, &[2, 3, 4]),
            (3, &[3]),
            (2, &[]),
        ],
    );
    let receipts1 = s.cast_all(&t1, &casts1).await;
    s.close(&t1.id).await;
    let c1 = s.count(&t1.id, &bureau, &[0, 2], "Valence").await;
    assert_figures(&c1, &casts1, &["B1", "B2", "B3", "B4", "B5"]);
    let r1 = conseil_result(&c1);
    assert_eq!(r1.seats, 3);
    assert_eq!(r1.summary.exprimes, 28);
    assert_eq!(r1.majority, Some(15));
    assert_eq!(
        r1.elected,
        vec!["B1".to_owned()],
        "seul B1 a la majorité absolue"
    );
    assert_verified(&c1, &receipts1[..2]);

    // Round 2: the two seats left, the binômes not elected.
    let def2 = s.next_round(&c1, "valence-conseil-t2", 8);
    assert_eq!(
        def2.contests[0].kind,
        ContestKind::ConseilDeLOrdre {
            round: Round::Second,
            seats: 2
        }
    );
    let ids: Vec<&str> = def2.contests[0]
        .candidacies
        .iter()
        .map(|c| c.id())
        .collect();
    assert_eq!(ids, ["B2", "B3", "B4", "B5"]);
    let t2 = s.prepare_second_round(&def2, &roll, &t1, &bureau).await;
    // Options: B2 0, B3 1, B4 2, B5 3. B2 18, B3 12, B4 12, B5 5; one blank.
    let mut later: Vec<String> = electors.clone();
    later.reverse();
    let casts2 = casts(
        &later,
        &[
            (10, &[0, 1]),
            (8, &[0, 2]),
            (4, &[2]),
            (3, &[3]),
            (2, &[1, 3]),
            (1, &[]),
        ],
    );
    let receipts2 = s.cast_all(&t2, &casts2).await;
    s.close(&t2.id).await;
    let c2 = s.count(&t2.id, &bureau, &[0, 1], "Valence").await;
    assert_figures(&c2, &casts2, &["B2", "B3", "B4", "B5"]);
    let r2 = conseil_result(&c2);
    assert_eq!(r2.round, 2);
    assert_eq!(r2.seats, 2);
    assert_eq!(r2.majority, None);
    assert_eq!(r2.elected, vec!["B2".to_owned(), "B4".to_owned()]);
    assert_eq!(r2.ties.len(), 1, "{:?}", r2.ties);
    assert_eq!(r2.ties[0].winners, vec!["B4".to_owned()]);
    assert_verified(&c2, &receipts2[..2]);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_round_one_fills_one_seat_by_absolute_majority_and_round_two_the_others_by_relative_majority()
 {
    round_one_fills_one_seat_by_absolute_majority_and_round_two_the_others_by_relative_majority(
        Backend::Sqlite,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_round_one_fills_one_seat_by_absolute_majority_and_round_two_the_others_by_relative_majority()
 {
    round_one_fills_one_seat_by_absolute_majority_and_round_two_the_others_by_relative_majority(
        Backend::Postgres,
    )
    .await
}

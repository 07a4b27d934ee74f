//! Scenario: the CNB collège général of the national circonscription in three barreaux, through
//! the real servers over HTTP, `urne-tally` (count, PV, recensement général) and `urne-verify`.
//!
//! Décret n°91-1197, chapitre II: the collège général is « composé […] des avocats disposant du
//! droit de vote » (art. 23), « au scrutin de liste proportionnel avec attribution du reste à la
//! plus forte moyenne », « sans panachage ni vote préférentiel » (art. 26); « Les opérations de
//! vote se déroulent dans chaque barreau » and « Le recensement général des votes est effectué
//! par le bureau du Conseil national des barreaux »; « seules les listes ayant obtenu au moins 7 %
//! des suffrages exprimés dans l'une des circonscriptions sont attributaires des sièges », « Le
//! quotient électoral est égal au nombre total des suffrages obtenus par les différentes listes
//! ayant atteint 7 % divisé par le nombre de sièges à pourvoir », then « la règle de la plus forte
//! moyenne ».
//!
//! Annecy (14 voters; SQLite, one procuration), Chambéry (12; PostgreSQL) and Albertville (12;
//! SQLite), each with its own server and bureau, vote on the same three lists
//! (tests/e2e/data/cnb-general/). 30 votants, 4 blank, 26 exprimés: L1 13, L2 12, L3 1. L3 has
//! 14,3 % of Albertville's exprimés but 3,8 % of the circonscription's: only the recensement's
//! figure counts, and L3 takes no seat. Quotient 25 / 4 = 6,25: L1 2 seats, L2 1; the last seat at
//! the highest average, L1 13 / 3 = 4,33 against L2 12 / 2 = 6: L2. A PV changed after its
//! signature is refused by `urne-verify` and by the recensement; a national PV whose figure was
//! changed is exposed by recomputing it from the signed PVs (nothing signs `recensement.json`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use urne::rules::counts_file::ContestResult;
use urne::rules::recensement::{RecensementResult, ScrutinOutcome};
use urne_e2e::{
    Backend, BarreauElection, BarreauVote, Bureau, Cast, bureaux_file, recensement, tally_of,
    verify,
};

const CANDIDACIES: &str = "tests/e2e/data/cnb-general/candidatures.csv";
const LISTS: [&str; 3] = ["L1", "L2", "L3"];

/// One barreau's vote.
struct Barreau {
    name: &'static str,
    slug: &'static str,
    backend: Backend,
    /// Electors with the right to vote (inscrits and honoraires): each gets a code.
    voters: usize,
    /// (mandant, mandataire).
    proxy: Option<(&'static str, &'static str)>,
    /// Ballots per list L1, L2, L3, then blank.
    plan: [usize; 4],
}

const ANNECY: Barreau = Barreau {
    name: "Annecy",
    slug: "annecy",
    backend: Backend::Sqlite,
    voters: 14,
    // The mandant is the last elector of the roll (CNBF order), the mandataire the first.
    proxy: Some(("43014", "43001")),
    plan: [6, 4, 0, 2],
};

const CHAMBERY: Barreau = Barreau {
    name: "Chambéry",
    slug: "chambery",
    backend: Backend::Postgres,
    voters: 12,
    proxy: None,
    plan: [4, 5, 0, 1],
};

const ALBERTVILLE: Barreau = Barreau {
    name: "Albertville",
    slug: "albertville",
    backend: Backend::Sqlite,
    voters: 12,
    proxy: None,
    plan: [3, 3, 1, 1],
};

impl Barreau {
    fn votants(&self) -> usize {
        self.plan.iter().sum()
    }

    /// The ballots of `plan`, over the electors in CNBF order; the mandant's ballot is the last
    /// choice of the plan, cast first by his mandataire (who then votes for himself).
    fn casts(&self, electors: &[String]) -> Vec<Cast> {
        let mut choices: Vec<Vec<u32>> = Vec::new();
        for (list, n) in self.plan.iter().enumerate() {
            let choice = if list < 3 { vec![list as u32] } else { vec![] };
            choices.extend(std::iter::repeat_n(choice, *n));
        }
        let direct: Vec<&String> = electors
            .iter()
            .filter(|e| self.proxy.is_none_or(|(mandant, _)| e.as_str() != mandant))
            .collect();
        let last = choices.pop().unwrap();
        let mut casts = match self.proxy {
            Some((_, mandataire)) => vec![Cast::by_proxy(mandataire, vec![last])],
            None => vec![Cast::new(direct[choices.len()], vec![last])],
        };
        for (e, c) in direct.iter().zip(choices) {
            casts.push(Cast::new(e, vec![c]));
        }
        assert_eq!(casts.len(), self.votants());
        casts
    }
}

type Voted = BarreauVote;

async fn vote(b: &Barreau) -> Voted {
    let proxies: Vec<(&str, &str)> = b.proxy.into_iter().collect();
    BarreauElection {
        name: b.name,
        college: "cnb-general",
        slug: b.slug,
        candidacies: CANDIDACIES,
        backend: b.backend,
        proxies: &proxies,
        decrypters: &[0, 2],
    }
    .run(
        // Inscrits and honoraires vote (loi art. 15, décret art. 23), the omis does not.
        |open| assert_eq!(open.codes.len(), b.voters, "{}", b.name),
        |open| b.casts(&open.codes.keys().cloned().collect::<Vec<_>>()),
    )
    .await
}

/// Every figure of the barreau's PV against the ballots cast.
fn assert_pv(b: &Barreau, v: &Voted) {
    let pv = &v.counted.pv;
    let proxies = u64::from(b.proxy.is_some());
    assert_eq!(pv.result.barreau, b.name);
    assert_eq!(pv.result.board.credentials, b.voters as u64);
    assert_eq!(pv.result.board.ballots, b.votants() as u64);
    assert_eq!(pv.result.board.proxies, proxies);
    assert!(pv.signature_status().unwrap().complete);
    assert_eq!(pv.result.contests.len(), 1);
    let c = &pv.result.contests[0];
    let (votes, blank) = tally_of(&v.casts, 0, 3);
    assert_eq!(
        votes,
        b.plan[..3].iter().map(|n| *n as u64).collect::<Vec<_>>()
    );
    assert_eq!(blank, b.plan[3] as u64);
    assert_eq!(c.inscrits, b.voters as u64, "{}", b.name);
    assert_eq!(c.weight, 1, "{} : une voix par bulletin", b.name);
    assert_eq!(c.internet.votants, b.votants() as u64, "{}", b.name);
    assert_eq!(c.internet.procurations, proxies, "{}", b.name);
    assert_eq!(c.internet.blancs, blank, "{}", b.name);
    assert_eq!(c.internet.nuls, 0, "{}", b.name);
    for (id, n) in LISTS.iter().zip(&votes) {
        assert_eq!(c.internet.votes[*id], *n, "{} : {id}", b.name);
    }
    let g = c.counts.cnb_general.as_ref().unwrap();
    assert_eq!(g.seats, 4);
    assert_eq!(g.figures.inscrits, Some(b.voters as u64), "{}", b.name);
    assert_eq!(g.figures.votants, b.votants() as u64, "{}", b.name);
    assert_eq!(g.figures.blancs, Some(blank), "{}", b.name);
    assert_eq!(g.figures.nuls, Some(0), "{}", b.name);
    let lists: Vec<(&str, u64)> = g.lists.iter().map(|l| (l.id.as_str(), l.votes)).collect();
    assert_eq!(
        lists,
        LISTS
            .iter()
            .copied()
            .zip(votes.iter().copied())
            .collect::<Vec<_>>()
    );
    match &c.result {
        ContestResult::CnbGeneral(r) => {
            assert_eq!(r.summary.exprimes, b.votants() as u64 - blank, "{}", b.name)
        }
        other => panic!(
            "{} : résultat du collège général attendu : {other:?}",
            b.name
        ),
    }
}

fn read_recensement(out: &Path) -> (String, RecensementResult) {
    let text = std::fs::read_to_string(out.join("recensement.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(v["ordinal"].is_null(), "{v}");
    (text, serde_json::from_value(v["general"].clone()).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_general_college_of_three_barreaux_is_allocated_by_the_recensement_on_the_circonscription_s_totals()
 {
    let barreaux = [&ANNECY, &CHAMBERY, &ALBERTVILLE];
    let mut voted = Vec::new();
    for b in barreaux {
        let v = vote(b).await;
        assert_pv(b, &v);
        let r = verify(&v.counted.archive, Some(&v.counted.pv_file), &v.receipts);
        assert_eq!(
            r.code, 0,
            "urne-verify {} : {}\n{}",
            b.name, r.stdout, r.stderr
        );
        assert_eq!(r.json()["verdict"], "valid", "{}", r.stdout);
        voted.push(v);
    }
    // Albertville alone would give L3 a seat-bearing share: 1 of its 7 exprimés.
    match &voted[2].counted.pv.result.contests[0].result {
        ContestResult::CnbGeneral(r) => {
            assert_eq!(r.summary.exprimes, 7);
            assert!(r.lists.iter().any(|l| l.id == "L3" && l.qualifies));
        }
        other => panic!("{other:?}"),
    }

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-cnb-general");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bureaux = dir.join("bureaux.json");
    let named: Vec<(&str, &Bureau)> = barreaux
        .iter()
        .zip(&voted)
        .map(|(b, v)| (b.name, &v.bureau))
        .collect();
    bureaux_file(&bureaux, &named);
    let pvs: Vec<&Path> = voted.iter().map(|v| v.counted.pv_file.as_path()).collect();
    let out = dir.join("recensement");
    let r = recensement(&pvs, &bureaux, &out);
    assert_eq!(
        r.code, 0,
        "urne-tally recensement : {}\n{}",
        r.stdout, r.stderr
    );
    assert_eq!(r.json()["barreaux"], 3, "{}", r.stdout);
    let (text, general) = read_recensement(&out);
    assert_eq!(general.scrutins.len(), 1);
    let s = &general.scrutins[0];
    // Each barreau's line is its PV's figures.
    let lines: Vec<(&str, u64, u64, Vec<u64>)> = s
        .barreaux
        .iter()
        .map(|l| {
            (
                l.barreau.as_str(),
                l.summary.votants,
                l.summary.exprimes,
                l.votes.clone(),
            )
        })
        .collect();
    let expected: Vec<(&str, u64, u64, Vec<u64>)> = barreaux
        .iter()
        .zip(&voted)
        .map(|(b, v)| {
            let (votes, blank) = tally_of(&v.casts, 0, 3);
            (
                b.name,
                b.votants() as u64,
                b.votants() as u64 - blank,
                votes,
            )
        })
        .collect();
    assert_eq!(lines, expected);
    let r = match &s.outcome {
        ScrutinOutcome::General(r) => r,
        other => panic!("résultat du collège général attendu : {other:?}"),
    };
    // The circonscription: 30 votants, 4 blank, 26 exprimés; L1 13, L2 12, L3 1.
    assert_eq!(r.summary.inscrits, Some(14 + 12 + 12));
    assert_eq!(r.summary.votants, 30);
    assert_eq!(r.summary.blancs, Some(4));
    assert_eq!(r.summary.exprimes, 26);
    // 7 % of 26 is 1,82: a list needs 2 suffrages.
    assert_eq!(r.threshold.percent, 7);
    assert_eq!(r.threshold.min_votes, 2);
    assert_eq!(r.qualifying_votes, 25);
    assert_eq!(
        r.quotient.map(|q| (q.num, q.den)),
        Some((25, 4)),
        "quotient électoral 25 / 4"
    );
    let seats: Vec<(&str, u64, bool, u32, u32, u32)> = r
        .lists
        .iter()
        .map(|l| {
            (
                l.id.as_str(),
                l.votes,
                l.qualifies,
                l.quotient_seats,
                l.average_seats,
                l.seats,
            )
        })
        .collect();
    assert_eq!(
        seats,
        [
            ("L1", 13, true, 2, 0, 2),
            ("L2", 12, true, 1, 1, 2),
            ("L3", 1, false, 0, 0, 0)
        ]
    );
    assert_eq!(r.rounds.len(), 1, "un siège à la plus forte moyenne");
    assert_eq!(r.rounds[0].winner, "L2");
    assert_eq!(r.unallocated, 0);
    // The elected are the heads of the lists, in list order (candidatures.csv: L1 43005 Fontaine
    // of Annecy, 44006 Perrin of Chambéry; L2 44008 Renaud of Chambéry, 43007 Gauthier of Annecy).
    let elected: Vec<(&str, Vec<String>)> = r
        .lists
        .iter()
        .map(|l| (l.id.as_str(), l.elected.clone()))
        .collect();
    let heads = |a: &str, b: &str| vec![a.to_owned(), b.to_owned()];
    assert_eq!(
        elected,
        [
            ("L1", heads("Me Sophie Fontaine", "Me Paul Perrin")),
            ("L2", heads("Me Lucas Renaud", "Me Agnès Gauthier")),
            ("L3", vec![])
        ]
    );

    // The national PV is recomputed identically from the same signed PVs: a national PV whose
    // figure was changed (L3 1 → 3, above the 7 % threshold) differs from it. `urne-verify`
    // reads an election's archive and PV, not the recensement, and nothing signs
    // recensement.json: recomputing it with `urne-tally recensement` is its check.
    let again = dir.join("recensement-recalcule");
    let r2 = recensement(&pvs, &bureaux, &again);
    assert_eq!(r2.code, 0, "{}", r2.stderr);
    let (text2, _) = read_recensement(&again);
    assert_eq!(text2, text, "le recensement est reproductible");
    let mut changed: serde_json::Value = serde_json::from_str(&text).unwrap();
    changed["general"]["scrutins"][0]["barreaux"][2]["votes"][2] = 3.into();
    assert_ne!(
        serde_json::to_string_pretty(&changed).unwrap() + "\n",
        text2,
        "un chiffre modifié se voit au recalcul"
    );

    // A barreau PV whose list votes were changed after its signature (Chambéry's L3 0 → 5):
    // refused by urne-verify against its archive, and by the recensement, which counts nothing.
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&voted[1].counted.pv_file).unwrap()).unwrap();
    v["result"]["contests"][0]["counts"]["cnb_general"]["lists"][2]["votes"] = 5.into();
    v["result"]["contests"][0]["internet"]["votes"]["L3"] = 5.into();
    let forged = dir.join("pv-chambery-modifie.json");
    std::fs::write(&forged, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let r = verify(&voted[1].counted.archive, Some(&forged), &[]);
    assert_eq!(r.code, 1, "PV modifié : {}\n{}", r.stdout, r.stderr);
    assert_eq!(r.json()["verdict"], "invalid", "{}", r.stdout);
    let refused = dir.join("refus");
    let r = recensement(&[pvs[0], &forged, pvs[2]], &bureaux, &refused);
    assert_eq!(r.code, 1, "recensement : {}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("pv-chambery-modifie.json") && r.stderr.contains("« Chambéry » refusé"),
        "{}",
        r.stderr
    );
    assert!(!refused.join("recensement.json").exists());

    // A PV signed by a bureau the CNB does not know for that barreau (Albertville's PV presented
    // under the keys list where Albertville has Annecy's bâtonnier) is refused.
    let wrong = dir.join("bureaux-faux.json");
    bureaux_file(
        &wrong,
        &[
            ("Annecy", named[0].1),
            ("Chambéry", named[1].1),
            ("Albertville", named[0].1),
        ],
    );
    let r = recensement(&pvs, &wrong, &refused);
    assert_eq!(r.code, 1, "recensement : {}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("« Albertville » n'est pas signé par le bâtonnier connu du CNB"),
        "{}",
        r.stderr
    );
    for v in voted {
        v.server.stop().await;
    }
}

//! Scenario: the CNB collège ordinal of the national circonscription in two barreaux, through the
//! real servers over HTTP, `urne-tally` (count, PV, recensement général) and `urne-verify`.
//!
//! Décret n°91-1197, chapitre II: the electors are « le ou les bâtonniers et les membres du ou des
//! conseils de l'ordre » (art. 22); « deux scrutins distincts sont organisés aux fins d'élection
//! des candidats de chaque sexe, chaque électeur disposant du même nombre de voix pour chacun de
//! ces deux scrutins »; each elector has « deux bulletins de vote portant le nombre de voix dont il
//! dispose », `floor(avocats disposant du droit de vote / électeurs)` (art. 25); « Les électeurs
//! peuvent voter par procuration. Chaque mandataire ne peut disposer de plus d'une procuration. »
//! (art. 26); « Les opérations de vote se déroulent dans chaque barreau » and « Le recensement
//! général des votes est effectué par le bureau du Conseil national des barreaux »; « Sont élus
//! dans le collège ordinal les candidats ayant obtenu le plus grand nombre de suffrages […] pour
//! chacun des sexes, dans chaque circonscription. »
//!
//! - Valence (tests/e2e/data/cnb-ordinal/valence.*): 30 avocats with the right to vote, 7 ordinal
//!   electors → 4 voices per ballot; its own server (SQLite) and bureau. Two procurations: the
//!   proxy ballot carries the mandant's credential's rights, i.e. his 4 voices in each scrutin.
//! - Privas (privas.*): 17 avocats, 7 ordinal electors → 2 voices per ballot; its own server
//!   (PostgreSQL) and bureau; one procuration.
//!
//! Each barreau's PV gives ballots and weighted voices; the recensement adds the voices: in the
//! men's scrutin M1 22, M2 16, M3 14 elects M1 and M2, whereas the ballots alone (M1 8, M3 6,
//! M2 4) would have elected M3 — the weights decide. Then the tampering: a weight changed in a PV
//! or in the sealed credential list is refused by `urne-verify`, a PV whose voices were changed
//! after its signature by `urne-tally recensement`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use urne::rules::common::Sexe;
use urne::rules::counts_file::ContestResult;
use urne::rules::recensement::{RecensementResult, ScrutinOutcome};
use urne_e2e::{
    Backend, BarreauElection, BarreauVote, Cast, bureaux_file, recensement, tally_of, verify,
    with_altered_genesis,
};

const CANDIDACIES: &str = "tests/e2e/data/cnb-ordinal/candidatures.csv";
/// Candidacies of each scrutin, in ballot order (option 0, 1, 2).
const WOMEN: [&str; 3] = ["F1", "F2", "F3"];
const MEN: [&str; 3] = ["M1", "M2", "M3"];

/// One barreau's vote.
struct Barreau {
    name: &'static str,
    slug: &'static str,
    backend: Backend,
    /// The ordinal electors (bâtonnier and membres du conseil en exercice), who alone get a code.
    ordinal_electors: [&'static str; 7],
    /// Voices per ballot, art. 25.
    weight: u64,
    /// (mandant, mandataire).
    proxies: &'static [(&'static str, &'static str)],
    /// Ballots: who votes (the mandataire for a proxy ballot), women's and men's choices.
    ballots: &'static [(&'static str, bool, &'static [u32], &'static [u32])],
}

const VALENCE: Barreau = Barreau {
    name: "Valence",
    slug: "valence",
    backend: Backend::Sqlite,
    ordinal_electors: [
        "41001", "41002", "41003", "41004", "41005", "41006", "41007",
    ],
    // 28 inscrits + 2 honoraires (the omis does not count) / 7 = 4.28… → 4.
    weight: 4,
    proxies: &[("41006", "41001"), ("41007", "41002")],
    // 41005 abstains. F1 3, F2 2, F3 3, 1 blank; M1 3, M2 4, M3 1, 1 blank.
    // The mandataires vote for their mandants first, then for themselves.
    ballots: &[
        ("41001", true, &[2], &[1, 0]),
        ("41002", true, &[], &[0]),
        ("41001", false, &[0, 2], &[1]),
        ("41002", false, &[0], &[1, 2]),
        ("41003", false, &[1, 2], &[1, 0]),
        ("41004", false, &[0, 1], &[]),
    ],
};

const PRIVAS: Barreau = Barreau {
    name: "Privas",
    slug: "privas",
    backend: Backend::Postgres,
    ordinal_electors: [
        "42001", "42002", "42003", "42004", "42005", "42006", "42007",
    ],
    // 16 inscrits + 1 honoraire / 7 = 2.43… → 2.
    weight: 2,
    proxies: &[("42007", "42003")],
    // F1 1, F2 5, F3 2, 1 blank; M1 5, M2 0, M3 5.
    ballots: &[
        ("42003", true, &[1], &[2, 0]),
        ("42001", false, &[1], &[0, 2]),
        ("42002", false, &[1, 0], &[2]),
        ("42003", false, &[1], &[0, 2]),
        ("42004", false, &[2], &[2]),
        ("42005", false, &[1, 2], &[0]),
        ("42006", false, &[], &[0]),
    ],
};

impl Barreau {
    fn casts(&self) -> Vec<Cast> {
        self.ballots
            .iter()
            .map(|(cnbf, proxy, f, m)| {
                let choices = vec![f.to_vec(), m.to_vec()];
                if *proxy {
                    Cast::by_proxy(cnbf, choices)
                } else {
                    Cast::new(cnbf, choices)
                }
            })
            .collect()
    }
}

type Voted = BarreauVote;

async fn vote(b: &Barreau) -> Voted {
    BarreauElection {
        name: b.name,
        college: "cnb-ordinal",
        slug: b.slug,
        candidacies: CANDIDACIES,
        backend: b.backend,
        proxies: b.proxies,
        decrypters: &[0, 1],
    }
    .run(
        // Only the ordinal electors vote (art. 22): not the vice-bâtonnier, the other avocats,
        // the honoraires or the omis of the roll.
        |open| {
            let coded: Vec<&str> = open.codes.keys().map(String::as_str).collect();
            assert_eq!(coded, b.ordinal_electors, "{}", b.name);
        },
        |_| b.casts(),
    )
    .await
}

/// Every figure of the barreau's PV against the ballots cast: ballots and voices of each scrutin.
fn assert_pv(b: &Barreau, v: &Voted) {
    let pv = &v.counted.pv;
    assert_eq!(pv.result.barreau, b.name);
    assert_eq!(pv.result.board.credentials, 7);
    assert_eq!(pv.result.board.proxies, b.proxies.len() as u64);
    assert_eq!(pv.result.board.ballots, v.casts.len() as u64);
    assert!(pv.signature_status().unwrap().complete);
    for (k, (ids, sexe)) in [(WOMEN, Sexe::Femmes), (MEN, Sexe::Hommes)]
        .into_iter()
        .enumerate()
    {
        let c = &pv.result.contests[k];
        let what = format!("{}, {}", b.name, c.id);
        let (marks, blank) = tally_of(&v.casts, k, 3);
        let votants = v.casts.len() as u64;
        // Ballots, as the internet channel counts them.
        assert_eq!(c.inscrits, 7, "{what}");
        assert_eq!(c.weight, b.weight, "{what} : voix par bulletin");
        assert_eq!(c.internet.votants, votants, "{what}");
        assert_eq!(c.internet.procurations, b.proxies.len() as u64, "{what}");
        assert_eq!(c.internet.blancs, blank, "{what}");
        assert_eq!(c.internet.nuls, 0, "{what}");
        for (id, n) in ids.iter().zip(&marks) {
            assert_eq!(c.internet.votes[*id], *n, "{what} : bulletins de {id}");
        }
        assert!(c.paper.is_none(), "{what}");
        // Voices: every ballot, proxy ballots included, carries the barreau's weight.
        let o = c.counts.cnb_ordinal.as_ref().unwrap();
        assert_eq!(o.sexe, sexe, "{what}");
        assert_eq!(o.seats, 2, "{what}");
        assert_eq!(o.figures.inscrits, Some(7), "{what}");
        assert_eq!(o.figures.votants, votants, "{what}");
        assert_eq!(o.figures.blancs, Some(blank), "{what}");
        assert_eq!(o.figures.nuls, Some(0), "{what}");
        assert_eq!(o.voix_exprimees, (votants - blank) * b.weight, "{what}");
        let voices: Vec<(String, u64)> = o
            .candidacies
            .iter()
            .map(|k| (k.id.clone(), k.votes))
            .collect();
        let expected: Vec<(String, u64)> = ids
            .iter()
            .zip(&marks)
            .map(|(id, n)| ((*id).to_owned(), n * b.weight))
            .collect();
        assert_eq!(voices, expected, "{what} : voix");
        match &c.result {
            ContestResult::CnbOrdinal(r) => {
                assert_eq!(r.summary.exprimes, votants - blank, "{what}");
                assert_eq!(r.voix_exprimees, o.voix_exprimees, "{what}");
            }
            other => panic!("{what} : résultat du collège ordinal attendu : {other:?}"),
        }
    }
}

fn assert_verified(v: &Voted) {
    let r = verify(&v.counted.archive, Some(&v.counted.pv_file), &v.receipts);
    assert_eq!(r.code, 0, "urne-verify : {}\n{}", r.stdout, r.stderr);
    assert_eq!(r.json()["verdict"], "valid", "{}", r.stdout);
}

/// Writes `pv` with `alter` applied to its JSON.
fn altered_pv(pv: &Path, out: &Path, alter: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(pv).unwrap()).unwrap();
    alter(&mut v);
    std::fs::write(out, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    out.to_path_buf()
}

/// `(candidacy, voices)` and the elected of the recensement's scrutin of `sexe`.
fn national(r: &RecensementResult, sexe: Sexe) -> (Vec<(String, u64)>, Vec<String>, u64) {
    let s = r
        .scrutins
        .iter()
        .find(|s| s.sexe == Some(sexe))
        .unwrap_or_else(|| panic!("pas de scrutin {sexe:?} au recensement"));
    assert_eq!(
        s.barreaux.len(),
        2,
        "{sexe:?} : un procès-verbal par barreau"
    );
    match &s.outcome {
        ScrutinOutcome::Ordinal(o) => {
            let mut voices: Vec<(String, u64)> =
                o.ranking.iter().map(|k| (k.id.clone(), k.votes)).collect();
            voices.sort();
            (voices, o.elected.clone(), o.voix_exprimees)
        }
        other => panic!("{sexe:?} : résultat du collège ordinal attendu : {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ordinal_college_counts_weighted_voices_per_barreau_and_the_recensement_elects_by_their_sum()
 {
    let valence = vote(&VALENCE).await;
    let privas = vote(&PRIVAS).await;
    for (b, v) in [(&VALENCE, &valence), (&PRIVAS, &privas)] {
        assert_pv(b, v);
        assert_verified(v);
    }

    // The recensement général by the CNB bureau, with the bâtonnier keys it holds.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-cnb-ordinal");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bureaux = dir.join("bureaux.json");
    bureaux_file(
        &bureaux,
        &[("Valence", &valence.bureau), ("Privas", &privas.bureau)],
    );
    let out = dir.join("recensement");
    let pvs = [
        valence.counted.pv_file.as_path(),
        privas.counted.pv_file.as_path(),
    ];
    let r = recensement(&pvs, &bureaux, &out);
    assert_eq!(
        r.code, 0,
        "urne-tally recensement : {}\n{}",
        r.stdout, r.stderr
    );
    let national_pv: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("recensement.json")).unwrap())
            .unwrap();
    assert!(national_pv["general"].is_null(), "{national_pv}");
    let ordinal: RecensementResult =
        serde_json::from_value(national_pv["ordinal"].clone()).unwrap();
    // The national totals are the sums of the barreaux' voices, each barreau's ballots times its
    // weight: women F1 3·4 + 1·2 = 14, F2 2·4 + 5·2 = 18, F3 3·4 + 2·2 = 16.
    let mut sums: BTreeMap<String, u64> = BTreeMap::new();
    for (b, v) in [(&VALENCE, &valence), (&PRIVAS, &privas)] {
        for (k, ids) in [WOMEN, MEN].iter().enumerate() {
            let (marks, _) = tally_of(&v.casts, k, 3);
            for (id, n) in ids.iter().zip(marks) {
                *sums.entry((*id).to_owned()).or_default() += n * b.weight;
            }
        }
    }
    let (women, elected_f, voix_f) = national(&ordinal, Sexe::Femmes);
    let expect = |ids: [&str; 3]| -> Vec<(String, u64)> {
        ids.iter().map(|id| ((*id).to_owned(), sums[*id])).collect()
    };
    assert_eq!(women, expect(WOMEN));
    assert_eq!(
        women,
        [("F1", 14), ("F2", 18), ("F3", 16)].map(|(i, n)| (i.to_owned(), n))
    );
    assert_eq!(voix_f, 5 * 4 + 6 * 2, "voix exprimées des femmes");
    assert_eq!(elected_f, ["F2", "F3"]);
    // Men: M1 3·4 + 5·2 = 22, M2 4·4 = 16, M3 1·4 + 5·2 = 14: M2 is elected with 4 ballots
    // against M3's 6, because Valence's ballots carry 4 voices and Privas's 2.
    let (men, elected_m, voix_m) = national(&ordinal, Sexe::Hommes);
    assert_eq!(men, expect(MEN));
    assert_eq!(
        men,
        [("M1", 22), ("M2", 16), ("M3", 14)].map(|(i, n)| (i.to_owned(), n))
    );
    assert_eq!(voix_m, 5 * 4 + 7 * 2, "voix exprimées des hommes");
    assert_eq!(elected_m, ["M1", "M2"]);
    let (ballots_m, _) = tally_of(&valence.casts, 1, 3);
    let (ballots_m2, _) = tally_of(&privas.casts, 1, 3);
    assert!(
        ballots_m[2] + ballots_m2[2] > ballots_m[1] + ballots_m2[1],
        "M3 a plus de bulletins que M2"
    );

    // Tampering. A weight changed in Privas's PV (2 → 3 voices per ballot, and the voices with
    // it): its hash no longer is the one its bureau signed, nor its result the archive's.
    let forged = altered_pv(
        &privas.counted.pv_file,
        &dir.join("pv-privas-poids.json"),
        |v| {
            let c = &mut v["result"]["contests"][1];
            c["weight"] = 3.into();
            let o = &mut c["counts"]["cnb_ordinal"];
            o["voix_exprimees"] = (7 * 3).into();
            for k in o["candidacies"].as_array_mut().unwrap() {
                let n = k["votes"].as_u64().unwrap();
                k["votes"] = (n / 2 * 3).into();
            }
        },
    );
    let r = verify(&privas.counted.archive, Some(&forged), &[]);
    assert_eq!(
        r.code, 1,
        "PV au poids modifié : {}\n{}",
        r.stdout, r.stderr
    );
    assert_eq!(r.json()["verdict"], "invalid", "{}", r.stdout);
    let refused = dir.join("refus");
    let r = recensement(&[pvs[0], &forged], &bureaux, &refused);
    assert_eq!(r.code, 1, "recensement : {}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("pv-privas-poids.json") && r.stderr.contains("« Privas » refusé"),
        "{}",
        r.stderr
    );
    assert!(!refused.join("recensement.json").exists());

    // Voices moved in Valence's PV after its signature (M3 4 → 12, so that M3 would beat M2):
    // refused by the recensement, naming the file and the barreau; nothing is counted.
    let moved = altered_pv(
        &valence.counted.pv_file,
        &dir.join("pv-valence-voix.json"),
        |v| {
            let o = &mut v["result"]["contests"][1]["counts"]["cnb_ordinal"];
            o["candidacies"][2]["votes"] = 12.into();
        },
    );
    let r = recensement(&[&moved, pvs[1]], &bureaux, &refused);
    assert_eq!(r.code, 1, "recensement : {}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("pv-valence-voix.json") && r.stderr.contains("« Valence » refusé"),
        "{}",
        r.stderr
    );
    assert!(!refused.join("recensement.json").exists());

    // A weight changed in Valence's sealed credential list (one elector given 40 voices instead
    // of 4 in both scrutins, the credential root recomputed as a dishonest server would): the
    // genesis is no longer the one the bâtonnier sealed.
    let heavier = dir.join("archive-valence-poids.urne");
    with_altered_genesis(&valence.counted.archive, &heavier, |g| {
        let mut credentials = g.credentials.clone();
        for right in &mut credentials[0].rights {
            assert_eq!(right.weight, 4, "poids scellé");
            right.weight = 40;
        }
        g.set_credentials(credentials).unwrap();
    });
    let r = verify(&heavier, Some(&valence.counted.pv_file), &[]);
    assert_eq!(
        r.code, 1,
        "genèse au poids modifié : {}\n{}",
        r.stdout, r.stderr
    );
    assert_eq!(r.json()["verdict"], "invalid", "{}", r.stdout);
    valence.server.stop().await;
    privas.server.stop().await;
}

//! End to end: a bureau of the bâtonnier and three scrutateurs (t = 2) runs the key ceremony with
//! `urne-tally keygen` in file mode, the bâtonnier seals the genesis, twelve ballots are cast (one
//! by proxy), the vote is closed and tallied, every member decrypts; then `result`, `sign` and
//! `show` are run and their outputs checked against the ballots cast.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::PathBuf;
use std::sync::OnceLock;
use support::{Fixture, INSCRITS, PASS, VOTES, build, ok, run, s};
use urne::pv::Pv;

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| build(&PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("urne-tally-e2e")))
}

fn out_dir(name: &str) -> PathBuf {
    let d = fixture().dir.join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn result(name: &str, members: &[usize]) -> (support::Run, PathBuf) {
    let f = fixture();
    let out = out_dir(name);
    let mut args = vec![
        "result".to_owned(),
        "--archive".into(),
        s(&f.archive).into(),
        "--place".into(),
        "Valence".into(),
        "--date".into(),
        "2026-11-24".into(),
        "--out-dir".into(),
        s(&out).into(),
        "--partials".into(),
    ];
    for m in members {
        args.push(s(&f.partials[*m]).into());
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    (run(&refs, PASS), out)
}

/// Expected internet counts from the ballots cast: (votes per option, blanks) per contest.
fn expected() -> [(Vec<u64>, u64); 2] {
    let mut bat = (vec![0u64; 3], 0u64);
    let mut con = (vec![0u64; 4], 0u64);
    for (b, c) in VOTES {
        match b {
            Some(o) => bat.0[o as usize] += 1,
            None => bat.1 += 1,
        }
        if c.is_empty() {
            con.1 += 1;
        }
        for o in c {
            con.0[*o as usize] += 1;
        }
    }
    [bat, con]
}

#[test]
fn decryption_with_the_batonnier_and_two_scrutateurs_gives_the_ballots_cast() {
    let (r, out) = result("bat-1-3", &[0, 1, 3]);
    assert_eq!(r.code, 0, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    let pv = Pv::from_json(&std::fs::read_to_string(out.join("pv.json")).unwrap()).unwrap();
    let exp = expected();
    for (k, c) in pv.result.contests.iter().enumerate() {
        let ids: Vec<String> = fixture().election.contests[k]
            .candidacies
            .iter()
            .map(|c| c.id().to_owned())
            .collect();
        let got: Vec<u64> = ids.iter().map(|id| c.internet.votes[id]).collect();
        assert_eq!(got, exp[k].0, "contest {k}");
        assert_eq!(c.internet.blancs, exp[k].1, "contest {k} blancs");
        assert_eq!(c.internet.votants, VOTES.len() as u64);
        assert_eq!(c.internet.procurations, 1);
        assert_eq!(c.internet.nuls, 0);
        assert_eq!(c.inscrits, INSCRITS as u64);
    }
    assert_eq!(pv.bureau.decrypted_by, vec![0, 1, 3]);
    assert_eq!(pv.result.board.proxies, 1);
    // The bâtonnier: T1 has 6 of 10 suffrages exprimés, elected in round 1.
    let text = urne::pv::render::text(&pv);
    assert!(
        text.contains("est proclamé(e) élu(e) au premier tour"),
        "{text}"
    );
    // The conseil: C1 (8) and C2 (7) have the absolute majority of 11 exprimés.
    match &pv.result.contests[1].result {
        urne::rules::counts_file::ContestResult::Conseil(r) => {
            assert_eq!(r.elected, vec!["C1".to_owned(), "C2".to_owned()]);
            assert_eq!(r.summary.exprimes, 11);
            assert_eq!(r.majority, Some(6));
        }
        other => panic!("{other:?}"),
    }
    // The extended archive verifies, and its Result event is recomputed byte for byte.
    let v = urne_tally::verified::verify_archive(&out.join("archive-resultat.urne")).unwrap();
    assert_eq!(v.phase, urne::board::Phase::Resulted);
    assert_eq!(v.partials.len(), 3);
    let counts = urne::crypto::decryption::decrypt_tally(
        &v.fingerprint,
        &v.keys,
        v.tally.as_ref().unwrap(),
        &v.partials,
    )
    .unwrap();
    let internet: Vec<urne::count::InternetCounts> = counts
        .into_iter()
        .map(|c| urne::count::InternetCounts {
            contest: c.contest,
            ballots: c.ballots,
            weight: c.total_weight,
            options: c.options,
            blank: c.blank,
        })
        .collect();
    let json = v.result_json.as_ref().unwrap();
    urne::count::check_result(
        json,
        v.fingerprint,
        &v.genesis,
        &v.election,
        &v.board,
        &internet,
    )
    .unwrap();
    assert_eq!(&pv.result_bytes().unwrap(), json);
    assert_eq!(pv.archive.result_event, v.head.1);
}

#[test]
fn decryption_with_the_batonnier_and_one_scrutateur_is_refused_naming_who_is_missing() {
    let (r, out) = result("bat-1", &[0, 1]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("2 déchiffrement(s) de scrutateurs requis, 1 fourni(s) ; il en manque 1 parmi : le scrutateur 2 (Me Zoé Deuxième), le scrutateur 3 (Me Éric Troisième)"),
        "{}",
        r.stderr
    );
    assert!(!out.join("pv.json").exists());
}

#[test]
fn decryption_without_the_batonnier_is_refused() {
    let (r, _) = result("sans-batonnier", &[1, 2, 3]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("le déchiffrement du bâtonnier (Me Hélène Bâtonnière) est indispensable"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_wrong_passphrase_is_refused_with_a_clear_message() {
    let f = fixture();
    let out = out_dir("mauvaise-phrase");
    let p = out.join("d.json");
    let r = run(
        &[
            "decrypt",
            "--archive",
            s(&f.archive),
            "--key",
            s(&f.keys[1]),
            "--out",
            s(&p),
        ],
        "ce n'est pas la bonne phrase",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "phrase secrète incorrecte : le fichier de clé ne s'ouvre pas avec cette phrase"
        ),
        "{}",
        r.stderr
    );
    assert!(!p.exists());
}

#[test]
fn the_pv_pdf_text_contains_the_figures() {
    let (r, out) = result("pdf", &[0, 2, 3]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = out.join("pv.pdf");
    let txt = std::process::Command::new("pdftotext")
        .args(["-layout", s(&pdf), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(txt.status.success());
    let text = String::from_utf8_lossy(&txt.stdout);
    for needle in [
        "PROCÈS-VERBAL DES OPÉRATIONS ÉLECTORALES",
        "Barreau de Valence",
        "Exemplaire n° 1",
        "Exemplaire n° 2",
        "conservé avec les bulletins de vote",
        "Me Hélène Bâtonnière",
        "Me Éric Troisième",
        "Inscrits",
        "Votants",
        "Bulletins blancs",
        "Bulletins nuls",
        "Suffrages exprimés",
        "Majorité absolue des suffrages exprimés",
        "huit jours",
        "quinze jours",
        "24/11/2026 à 08 h 00",
        "Empreinte de l'élection",
    ] {
        assert!(
            text.contains(needle),
            "« {needle} » missing from the PDF:\n{text}"
        );
    }
    let pv = Pv::from_json(&std::fs::read_to_string(out.join("pv.json")).unwrap()).unwrap();
    let fp = urne::pv::render::grouped(&pv.fingerprint);
    assert!(text.contains(&fp[..17]), "fingerprint {fp}");
    // The figures of the bâtonnier table: 12 votants, 2 blancs, 10 exprimés, T1 6, T2 3, T3 1.
    let lines: Vec<&str> = text.lines().collect();
    let row = |label: &str| -> Vec<String> {
        lines
            .iter()
            .find(|l| l.trim_start().starts_with(label))
            .map(|l| l.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default()
    };
    assert!(
        row("Votants").contains(&"12".to_owned()),
        "{:?}",
        row("Votants")
    );
    assert!(row("Suffrages exprimés").contains(&"10".to_owned()));
    let t1 = lines
        .iter()
        .find(|l| l.contains("T1 (CNBF 11111 et CNBF 11112)"))
        .unwrap();
    assert!(t1.split_whitespace().any(|w| w == "6"), "{t1}");
}

#[test]
fn the_pv_is_complete_once_every_member_present_has_signed() {
    let f = fixture();
    let (r, out) = result("signatures", &[0, 1, 2]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pv = out.join("pv.json");
    let show = run(&["show", "--pv", s(&pv)], PASS);
    assert_eq!(show.code, 1);
    assert!(
        show.stdout
            .contains("Me Hélène Bâtonnière : n'a pas encore signé"),
        "{}",
        show.stdout
    );
    for k in &f.keys[..3] {
        ok(&["sign", "--pv", s(&pv), "--key", s(k)]);
    }
    let show = run(&["show", "--pv", s(&pv), "--json"], PASS);
    assert_eq!(show.code, 1, "{}", show.stdout);
    let v: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(v["missing"], serde_json::json!([3]));
    ok(&["sign", "--pv", s(&pv), "--key", s(&f.keys[3])]);
    let show = ok(&["show", "--pv", s(&pv)]);
    assert!(
        show.stdout.contains("Le procès-verbal est complet."),
        "{}",
        show.stdout
    );
    // The signatures are board PvSignature events over the same PV hash.
    let doc = Pv::from_json(&std::fs::read_to_string(&pv).unwrap()).unwrap();
    let sigs = doc.board_signatures().unwrap();
    assert_eq!(sigs.len(), 4);
    assert!(sigs.iter().all(|s| s.pv_hash == doc.hash().unwrap()));
    // A changed figure breaks every signature.
    let mut forged = doc.clone();
    forged.result.contests[0].internet.blancs += 1;
    let st = forged.signature_status().unwrap();
    assert_eq!(st.invalid.len(), 4);
    assert!(!st.complete);
}

#[test]
fn paper_counts_are_merged_and_a_round_without_majority_gives_the_second_round() {
    let f = fixture();
    let out = out_dir("papier");
    // A polling station: 10 paper ballots for the bâtonnier (T2 7, T3 3), 10 blank for the conseil.
    let counts = out.join("comptes.toml");
    std::fs::write(
        &counts,
        "[[contests]]\ncontest = \"batonnier\"\nvotants = 10\nprocurations = 1\nblancs = 0\nnuls = 0\nvotes = { T1 = 0, T2 = 7, T3 = 3 }\n\n[[contests]]\ncontest = \"conseil\"\nvotants = 10\nblancs = 9\nnuls = 1\nvotes = { C1 = 0, C2 = 0, C3 = 0, C4 = 0 }\n",
    )
    .unwrap();
    let record = out.join("papier.json");
    ok(&[
        "paper",
        "new",
        "--genesis",
        s(&f.archive),
        "--station",
        "Palais de justice",
        "--counts",
        s(&counts),
        "--key",
        s(&f.keys[1]),
        "--out",
        s(&record),
    ]);
    ok(&[
        "paper",
        "sign",
        "--record",
        s(&record),
        "--genesis",
        s(&f.archive),
        "--key",
        s(&f.keys[2]),
    ]);
    let r = run(
        &[
            "result",
            "--archive",
            s(&f.archive),
            "--place",
            "Valence",
            "--date",
            "2026-11-24",
            "--out-dir",
            s(&out),
            "--paper",
            s(&record),
            "--partials",
            s(&f.partials[0]),
            s(&f.partials[1]),
            s(&f.partials[2]),
        ],
        PASS,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pvp = out.join("pv.json");
    let pv = Pv::from_json(&std::fs::read_to_string(&pvp).unwrap()).unwrap();
    let b = pv.result.contests[0].counts.batonnier.as_ref().unwrap();
    assert_eq!(b.figures.votants, 22);
    assert_eq!(b.figures.blancs, Some(2));
    let votes: Vec<u64> = b.candidacies.iter().map(|c| c.votes).collect();
    assert_eq!(votes, vec![6, 10, 4]);
    assert_eq!(
        pv.result.contests[0].paper.as_ref().unwrap().procurations,
        1
    );
    assert_eq!(pv.result.paper.len(), 1);
    // T2 has 10 of 20 suffrages exprimés: no absolute majority, T2 and T1 go to round 2.
    let text = urne::pv::render::text(&pv);
    assert!(
        text.contains("seuls peuvent se présenter au second tour"),
        "{text}"
    );
    assert!(text.contains("Palais de justice"), "{text}");
    let next = out.join("tour2.json");
    let args = [
        "next-round",
        "--pv",
        s(&pvp),
        "--archive",
        s(&f.archive),
        "--election-id",
        "valence-2026-t2",
        "--opening",
        "2026-12-01T07:00:00Z",
        "--closing",
        "2026-12-01T17:00:00Z",
        "--out",
        s(&next),
    ];
    let r = run(&args, PASS);
    assert_eq!(
        r.code, 1,
        "an unsigned PV gives no second round: {}",
        r.stderr
    );
    assert!(r.stderr.contains("procès-verbal incomplet"), "{}", r.stderr);
    for k in &f.keys {
        ok(&["sign", "--pv", s(&pvp), "--key", s(k)]);
    }
    ok(&args);
    let second = urne::model::Election::from_path(&next).unwrap();
    assert_eq!(
        second.contests.len(),
        1,
        "the conseil was filled in round 1"
    );
    let c = &second.contests[0];
    assert_eq!(
        c.kind,
        urne::model::ContestKind::Batonnier {
            round: urne::model::Round::Second
        }
    );
    let ids: Vec<&str> = c.candidacies.iter().map(|k| k.id()).collect();
    assert_eq!(ids, vec!["T1", "T2"]);
    assert_eq!(second.campaign_id, f.election.campaign_id);
    // The whole-archive verifier accepts the extended archive with this signed PV.
    let doc = Pv::from_json(&std::fs::read_to_string(&pvp).unwrap()).unwrap();
    let file = std::fs::File::open(out.join("archive-resultat.urne")).unwrap();
    let v = urne::verify::verify(
        std::io::BufReader::new(file),
        &urne::verify::Options {
            pv: Some(doc),
            ..Default::default()
        },
        &mut |_| {},
    );
    assert!(
        v.report.is_valid(),
        "{}",
        v.report.render(urne::verify::Lang::Fr, "archive")
    );
}

#[test]
fn a_key_outside_the_bureau_takes_no_part_in_the_ceremony() {
    let f = fixture();
    let out = out_dir("intrus");
    let k = out.join("intrus.urnekey");
    ok(&["keygen", "init", "--key", s(&k), "--name", "Me Intrus"]);
    let cdir = f.dir.join("ceremonie");
    let before = std::fs::read_dir(&cdir).unwrap().count();
    let r = run(&["keygen", "step", "--key", s(&k), "--dir", s(&cdir)], PASS);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("ne figure pas dans le bureau de cette cérémonie"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_dir(&cdir).unwrap().count(), before);
    let st = ok(&["keygen", "status", "--dir", s(&cdir)]);
    assert!(
        st.stdout.contains("distribution des parts : complet"),
        "{}",
        st.stdout
    );
    // A key file is never overwritten.
    let r = run(
        &["keygen", "init", "--key", s(&k), "--name", "Me Intrus"],
        PASS,
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("n'est jamais écrasé"), "{}", r.stderr);
}

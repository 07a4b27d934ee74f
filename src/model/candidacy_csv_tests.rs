//! Unit tests of the candidacies CSV import, on the Valence example election (45 inscrits and
//! honoraires: binômes) extended with the CNB contests of the national circonscription.

use super::*;
use crate::model::{RollFile, dates};

fn roll() -> Roll {
    let rf: RollFile =
        serde_json::from_str(include_str!("../../tests/elections/valence.roll.json")).unwrap();
    rf.into_roll().unwrap()
}

fn election() -> Election {
    let mut e = Election::parse(
        include_str!("../../tests/elections/valence.json"),
        crate::model::DefinitionFormat::Json,
        "valence.json",
    )
    .unwrap();
    let cnb: Election = {
        let mut v: serde_json::Value = serde_json::to_value(&e).unwrap();
        v["contests"].as_array_mut().unwrap().extend([
            serde_json::json!({"kind": "cnb_ordinal", "id": "cnb-ord-f", "circonscription": "nationale", "sex": "F", "seats": 1}),
            serde_json::json!({"kind": "cnb_ordinal", "id": "cnb-ord-m", "circonscription": "nationale", "sex": "M", "seats": 1}),
            serde_json::json!({"kind": "cnb_general", "id": "cnb-gen", "circonscription": "nationale", "seats": 2}),
        ]);
        serde_json::from_value(v).unwrap()
    };
    e.contests = cnb.contests;
    assert_eq!(dates::format_date(e.january_first()), "2026-01-01");
    e
}

const HEAD: &str = "scrutin;candidature;type;rôle;rang;titre;numéro CNBF;nom;prénom";

const VALID: &[&str] = &[
    "batonnier;T1;bâtonnier;bâtonnier;;;40111;Bonnet;Camille",
    "batonnier;T1;bâtonnier;vice-bâtonnier;;;40740;Mercier;Adam",
    "batonnier;T2;bâtonnier;;;;40666;Laurent;Victor",
    "conseil;B1;binôme;;1;;40333;Faure;Julie",
    "conseil;B1;binôme;;2;;40370;Fontaine;Arthur",
    "cnb-ord-f;O1;individuelle;;;;40185;Castel;Léa",
    "cnb-ord-m;O2;individuelle;;;;40074;Barbier;Paul",
    "cnb-gen;L1;liste;;2;;41332;Charpentier;Maxime",
    "cnb-gen;L1;liste;;1;Ensemble pour le barreau;41295;Fournier;Élise",
];

fn file(lines: &[&str]) -> String {
    let mut s = HEAD.to_string();
    for l in lines {
        s.push('\n');
        s.push_str(l);
    }
    s.push('\n');
    s
}

fn errors(lines: &[&str]) -> Vec<String> {
    import_candidacies(file(lines).as_bytes(), &election(), &roll())
        .unwrap_err()
        .errors
        .iter()
        .map(|e| e.to_string())
        .collect()
}

fn c(s: &str) -> Cnbf {
    Cnbf::parse(s).unwrap()
}

#[test]
fn every_kind_of_candidacy_is_read_and_validated() {
    let imp = import_candidacies(file(VALID).as_bytes(), &election(), &roll()).unwrap();
    assert_eq!(imp.candidacies, 6);
    let e = &imp.election;
    assert_eq!(
        e.contest("batonnier").unwrap().candidacies,
        vec![
            Candidacy::Batonnier {
                id: "T1".into(),
                batonnier: c("40111"),
                vice_batonnier: Some(c("40740"))
            },
            Candidacy::Batonnier {
                id: "T2".into(),
                batonnier: c("40666"),
                vice_batonnier: None
            },
        ]
    );
    assert_eq!(
        e.contest("conseil").unwrap().candidacies,
        vec![Candidacy::Binome {
            id: "B1".into(),
            members: [c("40333"), c("40370")]
        }]
    );
    assert_eq!(
        e.contest("cnb-ord-f").unwrap().candidacies,
        vec![Candidacy::Individual {
            id: "O1".into(),
            candidate: c("40185")
        }]
    );
    // Ordered by rank, not by line; the title given on one line only.
    assert_eq!(
        e.contest("cnb-gen").unwrap().candidacies,
        vec![Candidacy::List {
            id: "L1".into(),
            title: "Ensemble pour le barreau".into(),
            candidates: vec![c("41295"), c("41332")]
        }]
    );
    assert_eq!(e.validate(&roll()), Ok(()));
    let text = imp.to_string();
    assert!(
        text.contains("\n  T1 : bâtonnier CNBF 40111, vice-bâtonnier CNBF 40740"),
        "{text}"
    );
    assert!(
        text.contains("\n  L1 « Ensemble pour le barreau » : CNBF 41295, 41332"),
        "{text}"
    );
}

#[test]
fn values_that_cannot_be_read_are_all_reported_on_their_lines() {
    assert_eq!(
        errors(&[
            "bâtonnat;T1;bâtonnier;;;;40111;;",
            "batonnier;T2;ticket;doyen;;;40666;;",
            "conseil;B1;trinôme;;x;;40333;;",
            "conseil;;binôme;;;;P12;;",
        ]),
        vec![
            "ligne 2, colonne « scrutin » : scrutin « bâtonnat » inconnu ; scrutins de l'élection : « batonnier », « conseil », « cnb-ord-f », « cnb-ord-m », « cnb-gen »",
            "ligne 3, colonne « rôle » : rôle « doyen » inconnu (bâtonnier ou vice-bâtonnier attendu)",
            "ligne 4, colonne « type » : type « trinôme » inconnu (individuelle, binôme, bâtonnier ou liste attendu)",
            "ligne 4, colonne « rang » : rang « x » invalide (entier à partir de 1 attendu)",
            "ligne 5, colonne « candidature » : valeur obligatoire manquante",
            "ligne 5, colonne « numéro CNBF » : « P12 » ressemble à un numéro de toque, pas à un numéro CNBF (chiffres uniquement)",
        ]
    );
}

#[test]
fn the_shape_of_each_candidacy_is_checked_before_the_decret() {
    assert_eq!(
        errors(&[
            "conseil;B1;binôme;;;;40333;;",
            "conseil;B1;binôme;;;;40370;;",
            "conseil;B1;binôme;;;;40407;;",
            "batonnier;T1;bâtonnier;bâtonnier;;;40111;;",
            "batonnier;T1;bâtonnier;bâtonnier;;;40666;;",
            "batonnier;T2;bâtonnier;;;;40148;;",
            "batonnier;T2;bâtonnier;vice-bâtonnier;;;40740;;",
            "cnb-gen;L1;liste;;1;A;41295;;",
            "cnb-gen;L1;liste;;1;B;41332;;",
            "cnb-ord-f;O1;individuelle;bâtonnier;;Titre;40185;;",
        ]),
        vec![
            "ligne 2, colonne « candidature » : binôme « B1 » : 3 personne(s), 2 attendue(s)",
            "ligne 6, colonne « rôle » : candidature au bâtonnat « T1 » : un second « bâtonnier », le premier est ligne 5",
            "ligne 7, colonne « rôle » : candidature au bâtonnat « T2 » de plusieurs personnes : rôle (bâtonnier ou vice-bâtonnier) obligatoire sur chaque ligne",
            "ligne 9, colonne « rang » : liste « L1 » : rangs 1, 1 ; 1 à 2 attendus, chacun une fois (ou aucun rang : ordre des lignes)",
            "ligne 10, colonne « titre » : liste « L1 » : titre « B » alors que la ligne 9 indique « A »",
            "ligne 11, colonne « rôle » : rôle sans objet : seule une candidature au bâtonnat distingue bâtonnier et vice-bâtonnier",
            "ligne 11, colonne « titre » : titre sans objet : seule une liste (collège général du CNB) a un titre",
        ]
    );
}

#[test]
fn lines_of_one_candidacy_with_two_types_and_a_ticket_without_batonnier_are_refused() {
    assert_eq!(
        errors(&[
            "conseil;B1;binôme;;;;40333;;",
            "conseil;B1;individuelle;;;;40370;;",
            "batonnier;T1;bâtonnier;vice-bâtonnier;;;40740;;",
        ]),
        vec![
            "ligne 3, colonne « type » : candidature « B1 » : type « candidature individuelle » alors que la ligne 2 indique « binôme »",
            "ligne 4, colonne « rôle » : candidature au bâtonnat « T1 » sans candidat bâtonnier (seulement un vice-bâtonnier)",
        ]
    );
}

#[test]
fn a_name_that_does_not_match_the_number_is_refused() {
    let mut lines = VALID.to_vec();
    lines[2] = "batonnier;T2;bâtonnier;;;;40666;Laurens;Victor";
    lines[5] = "cnb-ord-f;O1;individuelle;;;;40185;CASTEL;lea";
    assert_eq!(
        errors(&lines),
        vec![
            "ligne 4, colonne « nom » : le CNBF 40666 est celui de Laurent Victor, pas de « Laurens Victor » : numéro ou nom erroné ?"
        ]
    );
}

#[test]
fn the_decrets_refusals_are_mapped_to_the_lines_of_the_persons() {
    let lines = [
        "batonnier;T1;bâtonnier;;;;40111;;",
        // Not in alphabetical order (Fontaine before Faure).
        "conseil;B1;binôme;;;;40370;;",
        "conseil;B1;binôme;;;;40333;;",
        // Two women.
        "conseil;B2;binôme;;;;40407;;",
        "conseil;B2;binôme;;;;40481;;",
        // Sworn in 2023: not more than four years on 1 January 2026.
        "conseil;B3;binôme;;;;40296;;",
        "conseil;B3;binôme;;;;71904;;",
        // Unknown number.
        "cnb-ord-f;O1;individuelle;;;;99999;;",
        // Also in the general college.
        "cnb-ord-m;O2;individuelle;;;;40074;;",
        "cnb-gen;L1;liste;;;Liste;40074;;",
        "cnb-gen;L1;liste;;;;41332;;",
    ];
    assert_eq!(
        errors(&lines),
        vec![
            "ligne 3 : scrutin « conseil », binôme « B1 » : Fontaine Arthur (CNBF 40370) est placé avant Faure Julie (CNBF 40333), contrairement à l'ordre alphabétique (nom puis prénom, sans distinction de casse ni d'accents) ; les noms sont « classés par ordre alphabétique sur tous les documents relatifs à l'élection » (décret art. 5 II) (voir aussi ligne 4)",
            "ligne 5 : scrutin « conseil », binôme « B2 » : Girard Chloé (CNBF 40407) et Joly Sarah (CNBF 40481) sont tous deux de sexe féminin ; les binômes sont « composés d'un homme et d'une femme » (décret art. 5 II) (voir aussi ligne 6)",
            "ligne 8 : scrutin « conseil », candidature « B3 » : Zeller Chloé (CNBF 71904) a prêté serment le 2023-01-09 ; dans les barreaux de plus de seize avocats disposant du droit de vote (ici 45), ne peuvent être élus que les avocats « qui ont prêté serment depuis plus de quatre ans au 1er janvier de l'année au cours de laquelle a lieu l'élection », soit avant le 2022-01-01 (décret art. 9)",
            "ligne 9 : scrutin « cnb-ord-f », candidature « O1 » : CNBF 99999 absent de la liste électorale et des candidats d'autres barreaux",
            "ligne 11 : Barbier Paul (CNBF 40074) est candidat au collège ordinal (scrutin « cnb-ord-m ») et au collège général (scrutin « cnb-gen ») ; « Nul ne peut être candidat […] dans deux collèges » (décret art. 26) (voir aussi ligne 10)",
            "ligne 12 : scrutin « cnb-gen », liste « L1 » (Liste) : Charpentier Maxime (CNBF 41332), en position 2, est du même sexe que le candidat qui le précède ; la liste doit être « composée alternativement d'un candidat de chaque sexe » (décret art. 23)",
        ]
    );
}

#[test]
fn one_person_in_two_candidacies_of_a_contest_names_both_lines() {
    let errs = errors(&[
        "batonnier;T1;bâtonnier;bâtonnier;;;40111;;",
        "batonnier;T1;bâtonnier;vice-bâtonnier;;;40740;;",
        "batonnier;T2;bâtonnier;;;;40740;;",
    ]);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("ligne 4 : scrutin « batonnier » : Mercier Adam (CNBF 40740) figure dans les candidatures « T1 » et « T2 »"), "{errs:?}");
    assert!(errs[0].ends_with(" (voir aussi ligne 3)"), "{errs:?}");
}

#[test]
fn a_candidacy_of_the_wrong_kind_for_the_contest_is_refused_by_the_model() {
    let errs = errors(&["conseil;C1;individuelle;;;;40333;;"]);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("ligne 2 : scrutin « conseil », candidature « C1 » : candidature individuelle reçue, binôme attendue"),
        "{errs:?}"
    );
}

#[test]
fn a_file_with_only_the_header_is_refused() {
    assert_eq!(
        errors(&[]),
        vec!["ligne 2 : aucune candidature : le fichier ne contient que la ligne d'en-tête"]
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = import_candidacies(&bytes, &election(), &roll());
        }

        #[test]
        fn arbitrary_rows_never_panic(body in "[0-9a-zT;ôâ\\-\\n]{0,200}") {
            let text = format!("{HEAD}\n{body}");
            let _ = import_candidacies(text.as_bytes(), &election(), &roll());
        }
    }
}

//! The roll CSV import on the committed sample files of `tests/rolls/` and on a generated
//! 35 000-line roll (correctness only; the timing is `benches/roll_import.rs`).

// A test crate: its helpers may unwrap (clippy only exempts `#[test]` functions themselves).
#![allow(clippy::unwrap_used)]

#[path = "support/roll_gen.rs"]
mod roll_gen;

use std::path::{Path, PathBuf};
use time::macros::date;
use urne::model::{
    Election, Roll, RollFile, Separator, TextEncoding, diff, export_roll, import_roll, summarize,
    summarize_for_election,
};

fn path(dir: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir)
        .join(file)
}

fn read(dir: &str, file: &str) -> Vec<u8> {
    std::fs::read(path(dir, file)).unwrap()
}

fn roll_file(file: &str) -> Roll {
    let text = std::fs::read_to_string(path("elections", file)).unwrap();
    let rf: RollFile = if file.ends_with(".json") {
        serde_json::from_str(&text).unwrap()
    } else {
        toml::from_str(&text).unwrap()
    };
    rf.into_roll().unwrap()
}

/// The electors without e-mail and postal address (the example roll files have none).
fn without_contact(roll: &Roll) -> Vec<urne::model::Elector> {
    roll.electors()
        .iter()
        .cloned()
        .map(|mut e| {
            e.email = None;
            e.postal_address = None;
            e
        })
        .collect()
}

#[test]
fn the_small_barreau_in_windows_1252_with_semicolons_gives_the_example_roll() {
    let bytes = read("rolls", "digne-windows-1252-point-virgule.csv");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the sample is not UTF-8"
    );
    let imp = import_roll(&bytes, "Digne-les-Bains").unwrap();
    assert_eq!(imp.format.encoding, TextEncoding::Windows1252);
    assert_eq!(imp.format.separator, Separator::Semicolon);
    assert_eq!(
        without_contact(&imp.roll),
        roll_file("digne.roll.toml").electors()
    );
    let first = &imp.roll.electors()[0];
    assert_eq!(first.prenom, "Hélène");
    assert_eq!(
        first.postal_address.as_deref(),
        Some("Cabinet Arnaud\n12, place du Général de Gaulle\n04000 Digne-les-Bains")
    );
    // Every elector takes three physical lines (the quoted address).
    assert_eq!(imp.lines, (0..14).map(|i| 2 + 3 * i).collect::<Vec<_>>());
}

#[test]
fn the_binome_barreau_in_utf8_with_commas_gives_the_example_roll_with_or_without_bom() {
    let bytes = read("rolls", "valence-utf-8-virgule.csv");
    let imp = import_roll(&bytes, "Valence").unwrap();
    assert_eq!(imp.format.encoding, TextEncoding::Utf8);
    assert_eq!(imp.format.separator, Separator::Comma);
    assert_eq!(
        without_contact(&imp.roll),
        roll_file("valence.roll.json").electors()
    );
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend_from_slice(&bytes);
    let again = import_roll(&with_bom, "Valence").unwrap();
    assert_eq!(again.format.encoding, TextEncoding::Utf8Bom);
    assert_eq!(again.roll.electors(), imp.roll.electors());
}

#[test]
fn the_file_with_many_errors_is_refused_with_exactly_the_expected_list() {
    let err = import_roll(&read("rolls", "erreurs.csv"), "Gap").unwrap_err();
    let expected = std::fs::read_to_string(path("rolls", "erreurs.expected.txt")).unwrap();
    assert_eq!(format!("{err}\n"), expected);
}

#[test]
fn the_summary_gives_counts_conseil_size_and_ordinal_voices() {
    let imp = import_roll(&read("rolls", "valence-utf-8-virgule.csv"), "Valence").unwrap();
    let s = summarize(&imp.roll, date!(2026 - 01 - 01));
    assert_eq!(
        (s.counts.inscrits, s.counts.honoraires, s.counts.voters),
        (43, 2, 45)
    );
    assert_eq!(s.conseil_size, Some(6));
    assert!(s.binomes);
    // Bâtonnier and six membres du conseil; 45 voters inscribed by 1 January: 45 / 7 = 6.
    assert_eq!(s.counts.ordinal_electors, 7);
    assert_eq!(s.ordinal_weight, Ok(6));
    let bat = &s.electors[0];
    assert!(bat.right_to_vote && bat.ordinal_elector);
    assert_eq!(bat.ordinal_voices, Some(6));
    let text = s.render(false);
    assert!(
        text.contains("  voix de chaque électeur du collège ordinal : 45 ÷ 7 = 6 par bulletin"),
        "{text}"
    );
    assert!(
        text.contains("  40037 Aubert Anne, bâtonnier : 2 bulletins de 6 voix"),
        "{text}"
    );
}

#[test]
fn the_summary_for_an_election_lists_each_electors_contests() {
    let imp = import_roll(&read("rolls", "valence-utf-8-virgule.csv"), "Valence").unwrap();
    let election = Election::from_path(&path("elections", "valence.json")).unwrap();
    let s = summarize_for_election(&imp.roll, &election);
    for e in &s.electors {
        let contests: Vec<&str> = e
            .contests
            .as_ref()
            .unwrap()
            .iter()
            .map(|r| r.contest.as_str())
            .collect();
        assert_eq!(contests, vec!["batonnier", "conseil"], "{}", e.cnbf);
    }
    assert!(s.render(true).contains(
        "  2210 Vernet Georges (avocat honoraire) : vote — scrutins : batonnier, conseil\n"
    ));
}

#[test]
fn re_importing_a_modified_export_shows_the_differences() {
    let old = import_roll(
        &read("rolls", "digne-windows-1252-point-virgule.csv"),
        "Digne-les-Bains",
    )
    .unwrap()
    .roll;
    let exported = export_roll(&old).unwrap();
    let modified = exported
        .replace(";Fabre;Julien;M;", ";Fabre;Julien;H;")
        .replace(
            ";Hugon;Marc;M;17/03/1987;03/11/2014;29/10/2014;Digne-les-Bains;inscrit;",
            ";Hugon;Marc;M;17/03/1987;03/11/2014;29/10/2014;Digne-les-Bains;omis;",
        )
        + "77777;Petit;Lou;F;01/01/1998;05/01/2025;02/01/2025;Digne-les-Bains;inscrit;;;;;\r\n";
    let new = import_roll(modified.as_bytes(), "Digne-les-Bains")
        .unwrap()
        .roll;
    let d = diff(&old, &new);
    assert_eq!(d.added.len(), 1);
    assert_eq!(d.changed.len(), 1);
    let text = d.to_string();
    assert!(
        text.contains("  + 77777 Petit Lou (inscrit au tableau)\n"),
        "{text}"
    );
    assert!(
        text.contains("  ~ 44120 Hugon Marc\n      statut : « inscrit » → « omis »\n"),
        "{text}"
    );
    // Writing the sex « H » instead of « M » is no change.
    assert!(!text.contains("Fabre"), "{text}");
}

#[test]
fn a_generated_roll_of_35000_lines_imports_with_the_right_counts() {
    let (text, expected) = roll_gen::paris_roll(35_000);
    let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    let imp = import_roll(&cp1252, "Paris").unwrap();
    assert_eq!(imp.format.encoding, TextEncoding::Windows1252);
    assert_eq!(imp.roll.electors().len(), 35_000);
    let counts = imp.roll.counts();
    assert_eq!(
        (
            counts.inscrits,
            counts.honoraires,
            counts.omis,
            counts.ordinal_electors
        ),
        (
            expected.inscrits,
            expected.honoraires,
            expected.omis,
            expected.ordinal_electors
        )
    );
    assert_eq!(imp.roll.conseil_size(), Some(42));
    // Each elector spans three physical lines (quoted three-line address).
    assert_eq!(imp.lines.last(), Some(&(2 + 3 * 34_999)));
    // Decoded from Windows-1252: the accents are intact.
    assert!(imp.roll.electors().iter().any(|e| e.nom == "Lœwenbruck"));
    let s = summarize(&imp.roll, date!(2026 - 01 - 01));
    assert_eq!(s.ordinal_weight, Ok(1), "Paris: one voice");
}

#[test]
fn the_candidacies_file_of_the_example_election_gives_its_candidacies_back() {
    let reference = Election::from_path(&path("elections", "valence.json")).unwrap();
    let mut empty = reference.clone();
    for c in &mut empty.contests {
        c.candidacies.clear();
    }
    let roll = import_roll(&read("rolls", "valence-utf-8-virgule.csv"), "Valence")
        .unwrap()
        .roll;
    let imp = urne::model::import_candidacies(&read("candidacies", "valence.csv"), &empty, &roll)
        .unwrap();
    assert_eq!(imp.election, reference);
    assert_eq!(imp.candidacies, 5);
}

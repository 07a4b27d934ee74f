//! The example definition files of `tests/elections/` load and validate (or are refused with the
//! décret's reasons).

// A test crate: its helpers may unwrap (clippy only exempts `#[test]` functions themselves).
#![allow(clippy::unwrap_used)]

use std::path::Path;
use urne::model::{Election, Roll, RollFile, ValidationError};

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/elections"))
}

fn roll(file: &str) -> Roll {
    let path = dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let rf: RollFile = if file.ends_with(".json") {
        serde_json::from_str(&text).unwrap()
    } else {
        toml::from_str(&text).unwrap()
    };
    rf.into_roll().unwrap()
}

#[test]
fn the_small_barreau_election_is_valid_with_individual_candidacies() {
    let e = Election::from_path(&dir().join("digne.toml")).unwrap();
    let r = roll("digne.roll.toml");
    let counts = r.counts();
    assert_eq!(
        (counts.inscrits, counts.honoraires, counts.voters),
        (12, 2, 14)
    );
    assert_eq!(r.conseil_size(), Some(3));
    assert_eq!(e.validate(&r), Ok(()));
    assert_eq!(e.contests.len(), 2);
    // Every one of the 14 voters votes in both contests, with one voice.
    for elector in r.electors() {
        let rights = e.voting_rights(&r, elector).unwrap();
        assert_eq!(rights.len(), 2);
        assert!(rights.iter().all(|right| right.weight == 1));
    }
}

#[test]
fn the_binome_election_is_valid() {
    let e = Election::from_path(&dir().join("valence.json")).unwrap();
    let r = roll("valence.roll.json");
    assert_eq!(r.counts().inscrits_and_honoraires(), 45);
    assert_eq!(r.conseil_size(), Some(6));
    assert_eq!(e.validate(&r), Ok(()));
    // The opening was given at +01:00 and is stored in UTC.
    assert_eq!(e.opening.offset(), time::UtcOffset::UTC);
    assert_eq!(e.opening.hour(), 7);
}

#[test]
fn a_definition_survives_a_round_trip_through_toml_and_json() {
    let e = Election::from_path(&dir().join("digne.toml")).unwrap();
    let toml_text = e.to_toml().unwrap();
    let json_text = e.to_json().unwrap();
    use urne::model::DefinitionFormat::{Json, Toml};
    assert_eq!(Election::parse(&toml_text, Toml, "x.toml").unwrap(), e);
    assert_eq!(Election::parse(&json_text, Json, "x.json").unwrap(), e);
}

#[test]
fn the_invalid_election_is_refused_with_every_reason() {
    let e = Election::from_path(&dir().join("valence-invalid.toml")).unwrap();
    let r = roll("valence.roll.json");
    let errors = e.validate(&r).unwrap_err().0;
    let kinds: Vec<&str> = errors
        .iter()
        .map(|e| match e {
            ValidationError::BatonnierNotReeligible { .. } => "bâtonnier non rééligible",
            ValidationError::BinomeNotAlphabetical { .. } => "binôme hors ordre",
            ValidationError::BinomeNotMixed { .. } => "binôme non mixte",
            ValidationError::ConseilMemberNotReeligible { .. } => "membre non rééligible",
            ValidationError::OathTooRecent { .. } => "serment trop récent",
            ValidationError::WrongCandidacyKind { .. } => "individuelle au lieu de binôme",
            other => panic!("unexpected error: {other}"),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "bâtonnier non rééligible",
            "individuelle au lieu de binôme",
            "binôme hors ordre",
            "binôme non mixte",
            "membre non rééligible",
            "serment trop récent",
        ],
        "{errors:#?}"
    );
    let text = urne::model::ValidationErrors(errors).to_string();
    assert!(text.starts_with("élection refusée (6 erreur(s))"), "{text}");
    assert!(
        text.contains("Zeller Chloé (CNBF 71904) a prêté serment le 2023-01-09"),
        "{text}"
    );
}

#[test]
fn an_unknown_field_in_a_definition_is_refused_with_the_file_and_line() {
    let text = "barreau = \"X\"\ncampagne = \"y\"\n";
    let err = Election::parse(text, urne::model::DefinitionFormat::Toml, "def.toml").unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("def.toml : "), "{msg}");
    assert!(msg.contains("campagne") && msg.contains("line 2"), "{msg}");
}

#[test]
fn a_short_public_key_is_refused_when_read() {
    let text = std::fs::read_to_string(dir().join("valence.json"))
        .unwrap()
        .replace(
            "5d4e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c",
            "5d4e",
        );
    let err = Election::parse(&text, urne::model::DefinitionFormat::Json, "v.json").unwrap_err();
    assert!(err.to_string().contains("32 octets"), "{err}");
}

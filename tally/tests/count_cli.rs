//! `urne-tally count` end to end: the real binary on the counts files of `tests/counts/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn counts(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/counts")
        .join(name)
}

fn run(args: &[&str], file: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_urne-tally"))
        .arg("count")
        .arg(counts(file))
        .args(args)
        .output()
        .expect("run urne-tally")
}

fn ok_text(file: &str) -> String {
    let out = run(&[], file);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{file}: {stderr}\n{stdout}");
    stdout
}

fn ok_json(file: &str) -> serde_json::Value {
    let out = run(&["--json"], file);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_contains(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "« {n} » absent de :\n{text}");
    }
}

/// Runs a malformed file: exit code 2, nothing on stdout, and an error naming file and field.
fn input_error(file: &str, field: &str) -> String {
    let out = run(&[], file);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
    assert!(out.stdout.is_empty());
    assert_contains(&stderr, &[file.rsplit('/').next().unwrap(), field]);
    stderr
}

#[test]
fn paris_2023_second_round_elects_the_ticket_with_6996_votes() {
    let text = ok_text("paris-batonnier-2023-tour2.toml");
    assert_contains(
        &text,
        &[
            "second tour",
            "34 984",
            "11 392",
            "214",
            "11 178",
            "6 996",
            "62,59 %",
            "4 182",
            "« Ticket A » est proclamé(e) élu(e) au second tour",
        ],
    );
    let json = ok_json("paris-batonnier-2023-tour2.toml");
    assert_eq!(json["result"]["kind"], "batonnier");
    assert_eq!(json["result"]["summary"]["exprimes"], 11178);
    assert_eq!(json["result"]["outcome"]["outcome"], "elected");
    assert_eq!(json["result"]["outcome"]["id"], "A");
}

#[test]
fn marseille_2024_is_won_in_the_first_round_by_absolute_majority() {
    let text = ok_text("marseille-batonnier-2024-tour1.toml");
    assert_contains(
        &text,
        &[
            "premier tour",
            "2 391",
            "Bulletins blancs et nuls (non distingués)",
            "2 332",
            "1 167",
            "atteinte",
            "« Candidat A » est proclamé(e) élu(e) au premier tour",
        ],
    );
    let json = ok_json("marseille-batonnier-2024-tour1.toml");
    assert_eq!(json["result"]["majority"], 1167);
    assert_eq!(json["result"]["outcome"]["id"], "A");
}

#[test]
fn paris_2015_conseil_second_round_elects_the_fourteen_first() {
    let json = ok_json("paris-conseil-2015-tour2.toml");
    let elected = json["result"]["elected"].as_array().unwrap();
    assert_eq!(elected.len(), 14);
    assert_eq!(elected[13], "C14");
    assert_eq!(json["result"]["summary"]["exprimes"], 10854);
    assert_eq!(json["result"]["remaining_seats"], 0);
}

#[test]
fn a_tie_for_the_second_round_place_is_reported_with_the_ages() {
    let text = ok_text("batonnier-tour1-egalite.toml");
    assert_contains(
        &text,
        &[
            "Égalités départagées",
            "places au second tour",
            "candidat le plus âgé",
            "né(e) le 14/03/1966",
            "seuls peuvent se présenter au second tour : « Me Arnaud » et « Me Chevalier »",
        ],
    );
}

#[test]
fn a_binome_tie_is_broken_by_the_oldest_inscription_of_its_members() {
    let text = ok_text("conseil-binomes-tour1.toml");
    assert_contains(
        &text,
        &[
            "binômes",
            "Me Girard, inscrit(e) au tableau le 14/12/1998 — retenu",
            "art. 5, II",
        ],
    );
    let json = ok_json("conseil-binomes-tour1.toml");
    assert_eq!(json["result"]["elected"][5], "B7");
    assert_eq!(json["result"]["ties"][0]["decided_by"], "inscription");
}

#[test]
fn the_ordinal_scrutin_elects_by_weighted_voices() {
    let text = ok_text("cnb-ordinal-national-femmes.toml");
    assert_contains(
        &text,
        &[
            "Voix exprimées (pondérées)  45 000",
            "Me Mercier, inscrit(e)",
        ],
    );
    let json = ok_json("cnb-ordinal-national-femmes.toml");
    assert_eq!(
        json["result"]["elected"],
        serde_json::json!(["F1", "F2", "F4"])
    );
}

#[test]
fn the_general_college_prints_threshold_quotient_and_averages() {
    let text = ok_text("cnb-general-national.json");
    assert_contains(
        &text,
        &[
            "7 % × 26 800 = 1 876 → au moins 1 876 voix",
            "24 500 / 24 = 1 020,83",
            "siège n°23",
            "Liste Trois 4 900 / 5 = 980",
            "→ Liste Trois",
            "siège n°24",
        ],
    );
    let json = ok_json("cnb-general-national.json");
    let seats: Vec<u64> = json["result"]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["seats"].as_u64().unwrap())
        .collect();
    assert_eq!(seats, vec![9, 7, 5, 3, 0, 0]);
    assert_eq!(
        json["result"]["rounds"][0]["averages"][2]["average"]["num"],
        4900
    );
    assert_eq!(
        json["result"]["rounds"][0]["averages"][2]["average"]["den"],
        5
    );
}

#[test]
fn the_seat_split_applies_the_first_adjustment() {
    let text = ok_text("cnb-seat-split.toml");
    assert_contains(
        &text,
        &[
            "40 × 32 000 / 75 000 = 17,06",
            "1° nombres non entiers",
            "circonscription de Paris 18, circonscription nationale 22",
        ],
    );
}

#[test]
fn the_recensement_adds_up_the_barreaux() {
    let text = ok_text("recensement-general.toml");
    assert_contains(
        &text,
        &["Lyon", "Bordeaux", "Rennes", "2 515", "2 400 / 6 = 400"],
    );
    let json = ok_json("recensement-general.toml");
    let lists = &json["result"]["scrutins"][0]["outcome"]["lists"];
    assert_eq!(lists[0]["seats"], 4);
    assert_eq!(lists[1]["seats"], 2);
    assert_eq!(lists[2]["qualifies"], false);
}

#[test]
fn negative_votes_are_an_input_error_naming_the_field() {
    let e = input_error(
        "invalid/votes-negatifs.toml",
        "batonnier.candidacies[1].votes",
    );
    assert_contains(&e, &["-2", "votes-negatifs.toml:15"]);
}

#[test]
fn votes_above_the_exprimes_are_an_input_error() {
    input_error(
        "invalid/voix-superieures-aux-votants.toml",
        "batonnier.candidacies[0].votes",
    );
}

#[test]
fn votes_that_do_not_add_up_are_an_input_error_naming_votants() {
    let e = input_error(
        "invalid/somme-incoherente.toml",
        "batonnier.figures.votants",
    );
    assert_contains(&e, &["101"]);
}

#[test]
fn more_votants_than_inscrits_is_an_input_error() {
    input_error(
        "invalid/votants-superieurs-aux-inscrits.toml",
        "batonnier.figures.votants",
    );
}

#[test]
fn duplicate_ids_are_an_input_error() {
    input_error(
        "invalid/identifiants-en-double.toml",
        "conseil.candidacies[1].id",
    );
}

#[test]
fn an_unknown_candidacy_in_a_pv_is_an_input_error() {
    input_error(
        "invalid/candidature-inconnue.toml",
        "recensement.pvs[0].votes.X",
    );
}

#[test]
fn a_date_missing_for_a_tie_is_an_input_error_naming_it() {
    let e = input_error(
        "invalid/date-manquante-pour-egalite.toml",
        "conseil.candidacies[1].persons[0].inscription",
    );
    assert_contains(&e, &["égalité"]);
}

#[test]
fn an_unknown_field_is_an_input_error() {
    let e = input_error("invalid/champ-inconnu.json", "cnb_seat_split.arrondi");
    assert_contains(&e, &["champ inconnu"]);
}

#[test]
fn truncated_json_is_an_input_error() {
    let out = run(&[], "invalid/json-invalide.json");
    assert_eq!(out.status.code(), Some(2));
    assert_contains(
        &String::from_utf8(out.stderr).unwrap(),
        &["json-invalide.json", "incomplet"],
    );
}

#[test]
fn a_missing_file_is_an_input_error() {
    let out = run(&[], "absent.toml");
    assert_eq!(out.status.code(), Some(2));
    assert_contains(&String::from_utf8(out.stderr).unwrap(), &["absent.toml"]);
}

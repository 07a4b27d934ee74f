//! Unit tests of the roll CSV import (sample files are in `tests/rolls/`, see `tests/roll_csv.rs`).

use super::*;
use time::macros::date;

const HEAD: &str = "numéro CNBF;nom;prénom;sexe;date de naissance;date d'inscription au tableau;\
                    date de serment;barreau;statut;fonction ordinale;e-mail;adresse postale";

fn file(lines: &[&str]) -> String {
    let mut s = HEAD.to_string();
    for l in lines {
        s.push('\n');
        s.push_str(l);
    }
    s.push('\n');
    s
}

const ANNE: &str =
    "101;Abel;Anne;F;14/03/1975;10/01/2001;05/01/2001;Valence;inscrit;;anne@abel.fr;1 rue A";
const PAUL: &str = "102;Bardin;Paul;M;1968-07-02;1995-02-01;1995-01-20;Valence;honoraire;;;";

fn errors(text: &str) -> Vec<String> {
    import_roll(text.as_bytes(), "Valence")
        .unwrap_err()
        .errors
        .iter()
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn a_valid_file_gives_the_roll_its_lines_and_its_format() {
    let imp = import_roll(file(&[ANNE, PAUL]).as_bytes(), "Valence").unwrap();
    assert_eq!(imp.roll.electors().len(), 2);
    assert_eq!(imp.lines, vec![2, 3]);
    assert_eq!(imp.format.encoding, super::csv_input::TextEncoding::Utf8);
    assert_eq!(imp.format.separator, super::csv_input::Separator::Semicolon);
    let anne = &imp.roll.electors()[0];
    assert_eq!(anne.birth_date, date!(1975 - 03 - 14));
    assert_eq!(anne.email.as_deref(), Some("anne@abel.fr"));
    assert_eq!(anne.postal_address.as_deref(), Some("1 rue A"));
    let paul = &imp.roll.electors()[1];
    assert_eq!(paul.status, Status::Honoraire);
    assert_eq!(paul.inscription_date, date!(1995 - 02 - 01));
    assert_eq!(paul.email, None);
    assert_eq!(paul.postal_address, None);
}

#[test]
fn french_and_iso_dates_are_read_and_impossible_dates_refused_with_a_reason() {
    assert_eq!(parse_date("05/03/1975"), Ok(date!(1975 - 03 - 05)));
    assert_eq!(parse_date("5/3/1975"), Ok(date!(1975 - 03 - 05)));
    assert_eq!(parse_date("1975-03-05"), Ok(date!(1975 - 03 - 05)));
    assert_eq!(parse_date("05/03/1975 00:00:00"), Ok(date!(1975 - 03 - 05)));
    assert_eq!(parse_date("1975-03-05T00:00:00"), Ok(date!(1975 - 03 - 05)));
    assert_eq!(
        parse_date("31/04/1980"),
        Err("le 31/04/1980 n'existe pas".to_string())
    );
    assert_eq!(parse_date("29/02/2000"), Ok(date!(2000 - 02 - 29)));
    assert_eq!(
        parse_date("05/03/75"),
        Err("l'année doit être écrite sur quatre chiffres (JJ/MM/AAAA)".to_string())
    );
    assert_eq!(
        parse_date("05/13/1975"),
        Err("mois 13 inexistant".to_string())
    );
    assert_eq!(
        parse_date("01/01/1800"),
        Err("année 1800 invraisemblable (1900 à 2099)".to_string())
    );
    for bad in [
        "",
        "1975",
        "05.03.1975",
        "1975-3-5",
        "a/b/c",
        "05/03/1975/1",
        "+5/03/1975",
    ] {
        assert!(parse_date(bad).is_err(), "{bad}");
    }
}

#[test]
fn sex_status_and_function_accept_the_usual_spellings() {
    assert_eq!(parse_sex("H"), Some(Sex::M));
    assert_eq!(parse_sex("Mme"), Some(Sex::F));
    assert_eq!(parse_sex("féminin"), Some(Sex::F));
    assert_eq!(parse_sex("X"), None);
    assert_eq!(parse_status("Avocat honoraire"), Some(Status::Honoraire));
    assert_eq!(parse_status("OMISE"), Some(Status::Omis));
    assert_eq!(parse_function(""), Some(OrdinalFunction::Aucune));
    assert_eq!(
        parse_function("Bâtonnier"),
        Some(OrdinalFunction::Batonnier)
    );
    assert_eq!(
        parse_function("vice-bâtonnière"),
        Some(OrdinalFunction::ViceBatonnier)
    );
    assert_eq!(
        parse_function("Membre du conseil de l'ordre"),
        Some(OrdinalFunction::MembreDuConseil)
    );
    assert_eq!(
        parse_former_function("Ancienne bâtonnière"),
        Some(FormerFunction::AncienBatonnier)
    );
    assert_eq!(
        parse_former_function("ancien membre du conseil"),
        Some(FormerFunction::AncienMembreDuConseil)
    );
    assert_eq!(
        parse_former_function("ancien membre d'une commission des conseils juridiques"),
        Some(FormerFunction::AncienMembreCommissionConseilsJuridiques)
    );
    assert_eq!(parse_former_function("ancien président"), None);
}

#[test]
fn every_error_of_every_line_is_reported_with_its_line_column_and_value() {
    let text = file(&[
        "P0123;;Anne;X;31/02/1975;10/01/2001;05/01/01;Valence;radié;doyen;;",
        ANNE,
    ]);
    assert_eq!(
        errors(&text),
        vec![
            "ligne 2, colonne « numéro CNBF » : « P0123 » ressemble à un numéro de toque, pas à un numéro CNBF (chiffres uniquement)",
            "ligne 2, colonne « nom » : valeur obligatoire manquante",
            "ligne 2, colonne « sexe » : sexe « X » inconnu (F ou M attendu ; H, femme, homme, Mme, M. acceptés)",
            "ligne 2, colonne « date de naissance » : date « 31/02/1975 » invalide : le 31/02/1975 n'existe pas",
            "ligne 2, colonne « date de serment » : date « 05/01/01 » invalide : l'année doit être écrite sur quatre chiffres (JJ/MM/AAAA)",
            "ligne 2, colonne « statut » : statut « radié » inconnu (inscrit, honoraire ou omis attendu)",
            "ligne 2, colonne « fonction ordinale » : fonction ordinale « doyen » inconnue (vide, aucune, bâtonnier, vice-bâtonnier ou membre du conseil attendu)",
        ]
    );
}

#[test]
fn a_duplicate_cnbf_names_both_lines_even_with_leading_zeros() {
    let dup = ANNE.replacen("101;Abel", "0101;Abeille", 1);
    assert_eq!(
        errors(&file(&[ANNE, PAUL, &dup])),
        vec!["ligne 4, colonne « numéro CNBF » : numéro CNBF 101 en double : déjà présent ligne 2"]
    );
}

#[test]
fn a_duplicate_is_found_even_when_one_of_the_lines_has_another_error() {
    let dup = "101;Abel;Anne;F;xx;10/01/2001;05/01/2001;Valence;inscrit;;;";
    assert_eq!(
        errors(&file(&[ANNE, dup])),
        vec![
            "ligne 3, colonne « numéro CNBF » : numéro CNBF 101 en double : déjà présent ligne 2",
            "ligne 3, colonne « date de naissance » : date « xx » invalide : JJ/MM/AAAA ou AAAA-MM-JJ attendu",
        ]
    );
}

#[test]
fn the_models_own_checks_are_mapped_back_to_lines_and_columns() {
    let lyon = "103;Chollet;Léa;F;01/01/1980;01/01/2005;01/01/2005;Lyon;inscrit;;;";
    let early = "104;Dumas;Marc;M;01/01/1980;01/01/1979;01/01/2005;Valence;inscrit;;;";
    let honoraire_bat =
        "105;Enard;Luc;M;01/01/1950;01/01/1975;01/01/1975;Valence;honoraire;bâtonnier;;";
    let bad_mail = "106;Faure;Eve;F;01/01/1980;01/01/2005;01/01/2005;Valence;inscrit;;eve.faure;";
    let bat1 = "107;Gras;Ida;F;01/01/1960;01/01/1985;01/01/1985;Valence;inscrit;bâtonnier;;";
    let bat2 = "108;Henry;Jo;M;01/01/1960;01/01/1985;01/01/1985;Valence;inscrit;Bâtonnier;;";
    assert_eq!(
        errors(&file(&[lyon, early, honoraire_bat, bad_mail, bat1, bat2])),
        vec![
            "ligne 2, colonne « barreau » : barreau « Lyon », la liste importée est celle du barreau « Valence »",
            "ligne 3, colonne « date d'inscription au tableau » : CNBF 104 : date d'inscription 1979-01-01 antérieure à la date de naissance 1980-01-01",
            "ligne 4, colonne « fonction ordinale » : CNBF 105 : la fonction « bâtonnier » est réservée à un avocat inscrit au tableau (décret art. 8), statut « avocat honoraire »",
            "ligne 5, colonne « e-mail » : CNBF 106 : adresse électronique « eve.faure » invalide",
            // The honoraire of line 4 is recorded as bâtonnier too: the model counts him.
            "ligne 6, colonne « fonction ordinale » : fonction « bâtonnier » déjà attribuée ligne 4 (CNBF 105) : un seul titulaire en exercice",
            "ligne 7, colonne « fonction ordinale » : fonction « bâtonnier » déjà attribuée ligne 4 (CNBF 105) : un seul titulaire en exercice",
        ]
    );
}

#[test]
fn a_missing_and_an_unknown_column_are_both_listed_on_line_one() {
    let text = HEAD.replace("date de serment", "date de sermen") + "\n" + ANNE + "\n";
    assert_eq!(
        errors(&text),
        vec![
            "ligne 1 : colonne(s) obligatoire(s) absente(s) de l'en-tête : « date de serment »",
            "ligne 1 : colonne « date de sermen » inconnue ; vouliez-vous dire « date de serment » ?",
        ]
    );
}

#[test]
fn header_names_are_matched_without_case_or_accents_and_in_any_order() {
    let text = "PRENOM,Nom,N° CNBF,Sexe,Date de Naissance,Date d'inscription,DATE DE SERMENT,\
                Barreau,Statut,Fonction,Courriel,Adresse,Mandats successifs\n\
                Anne,Abel,101,F,14/03/1975,10/01/2001,05/01/2001,Valence,inscrit,membre du conseil,,,2\n";
    let imp = import_roll(text.as_bytes(), "Valence").unwrap();
    let e = &imp.roll.electors()[0];
    assert_eq!((e.nom.as_str(), e.prenom.as_str()), ("Abel", "Anne"));
    assert_eq!(e.function, OrdinalFunction::MembreDuConseil);
    assert_eq!(e.successive_mandates, Some(2));
    assert_eq!(imp.format.separator, super::csv_input::Separator::Comma);
}

#[test]
fn a_quoted_field_may_hold_the_separator_a_quote_and_line_breaks() {
    let text = HEAD.to_string()
        + "\n101;\"Abel; dit \"\"Jo\"\"\";Anne;F;14/03/1975;10/01/2001;05/01/2001;Valence;inscrit;;;\"Cabinet Abel\r\n12, rue de la Paix\r\n26000 Valence\"\r\n"
        + PAUL
        + "\n";
    let imp = import_roll(text.as_bytes(), "Valence").unwrap();
    let e = &imp.roll.electors()[0];
    assert_eq!(e.nom, "Abel; dit \"Jo\"");
    assert_eq!(
        e.postal_address.as_deref(),
        Some("Cabinet Abel\n12, rue de la Paix\n26000 Valence")
    );
    // Paul's line is line 5 of the file: the address took lines 2 to 4.
    assert_eq!(imp.lines, vec![2, 5]);
}

#[test]
fn postcode_and_town_columns_are_appended_to_the_address() {
    let text = HEAD.to_string()
        + ";code postal;ville\n"
        + "101;Abel;Anne;F;14/03/1975;10/01/2001;05/01/2001;Valence;inscrit;;;12 rue A;26000;Valence\n";
    let imp = import_roll(text.as_bytes(), "Valence").unwrap();
    assert_eq!(
        imp.roll.electors()[0].postal_address.as_deref(),
        Some("12 rue A\n26000 Valence")
    );
}

#[test]
fn former_functions_are_split_on_bars_and_an_unknown_one_is_named() {
    let text = HEAD.to_string()
        + ";anciennes fonctions\n"
        + "101;Abel;Anne;F;14/03/1975;10/01/2001;05/01/2001;Valence;inscrit;;;;ancien bâtonnier | ancien membre du conseil\n"
        + "102;Bardin;Paul;M;14/03/1975;10/01/2001;05/01/2001;Valence;inscrit;;;;ancien doyen\n";
    assert_eq!(
        errors(&text),
        vec![
            "ligne 3, colonne « anciennes fonctions » : ancienne fonction « ancien doyen » inconnue (ancien bâtonnier, ancien vice-bâtonnier, ancien membre du conseil, ancien membre d'une commission des conseils juridiques ; séparées par « | »)"
        ]
    );
}

#[test]
fn a_header_without_any_elector_is_refused() {
    assert_eq!(
        errors(&file(&[])),
        vec!["ligne 2 : aucun électeur : le fichier ne contient que la ligne d'en-tête"]
    );
}

#[test]
fn an_empty_barreau_name_is_refused() {
    let err = import_roll(file(&[ANNE]).as_bytes(), " ").unwrap_err();
    assert!(
        err.errors
            .iter()
            .any(|e| e.kind == RollCsvError::EmptyBarreau && e.line.is_none())
    );
}

#[test]
fn blank_lines_and_separator_only_lines_are_skipped() {
    let text = file(&["", ";;;;;;;;;;;", ANNE, "  "]);
    let imp = import_roll(text.as_bytes(), "Valence").unwrap();
    assert_eq!(imp.lines, vec![4]);
}

#[test]
fn an_unclosed_quote_stops_the_import_at_its_line() {
    let text = file(&[
        ANNE,
        "102;\"Bardin;Paul;M;1968-07-02;1995-02-01;1995-01-20;Valence;honoraire;;;",
        PAUL,
    ]);
    assert_eq!(
        errors(&text),
        vec![
            "ligne 3 : guillemet ouvert sur cette ligne et jamais fermé : la suite du fichier serait lue comme un seul champ"
        ]
    );
}

#[test]
fn the_whole_error_list_reads_as_one_french_report() {
    let err = import_roll(file(&["101;Abel"]).as_bytes(), "Valence").unwrap_err();
    assert_eq!(
        err.to_string(),
        "fichier refusé, rien n'a été importé : 1 erreur(s) (encodage UTF-8, séparateur point-virgule (;))\n\
         - ligne 2 : 2 champ(s) au lieu de 12 (autant que de colonnes dans l'en-tête) : séparateur en trop ou manquant, ou champ contenant le séparateur sans guillemets ?"
    );
}

#[test]
fn an_exported_roll_imports_back_to_the_same_roll() {
    let mut text = HEAD.to_string() + ";anciennes fonctions;mandats successifs\n";
    text += "101;Abel;Anne;F;14/03/1975;10/01/2001;05/01/2001;Valence;inscrit;membre du conseil;a@b.fr;\"1 rue A\n26000 Valence\";ancien vice-bâtonnier|ancien membre d'une commission des conseils juridiques;2\n";
    text += &(PAUL.to_string() + ";;\n");
    let first = import_roll(text.as_bytes(), "Valence").unwrap().roll;
    let exported = export_roll(&first).unwrap();
    let second = import_roll(exported.as_bytes(), "Valence").unwrap().roll;
    assert_eq!(first.electors(), second.electors());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = import_roll(&bytes, "Valence");
        }

        #[test]
        fn arbitrary_lines_under_a_valid_header_never_panic_and_errors_have_lines(
            body in "[0-9A-Za-zé;,\"\\n\\r /-]{0,300}"
        ) {
            let text = format!("{HEAD}\n{body}");
            if let Err(e) = import_roll(text.as_bytes(), "Valence") {
                prop_assert!(!e.errors.is_empty());
                prop_assert!(e.errors.iter().all(|e| e.line.is_some()));
            }
        }

        #[test]
        fn any_real_date_survives_both_written_forms(days in 0i64..73_000) {
            let d = date!(1900 - 01 - 01) + time::Duration::days(days);
            prop_assert_eq!(parse_date(&format_date_fr(d)), Ok(d));
            prop_assert_eq!(parse_date(&crate::model::dates::format_date(d)), Ok(d));
        }
    }
}

//! Alphabetical order of names, as the décret requires for binômes (art. 5 II: « dont les noms
//! sont classés par ordre alphabétique sur tous les documents relatifs à l'élection »).
//!
//! The décret does not define the collation; Urne uses the order of a French directory, made
//! precise so that anyone can recompute it by hand:
//!
//! 1. each name is *folded*: letters are lower-cased, accents and cedillas removed
//!    (`É → e`, `ç → c`, `ÿ → y`…), ligatures spelled out (`œ → oe`, `æ → ae`, `ß → ss`), and
//!    everything that is not a letter or a digit (spaces, hyphens, apostrophes, dots) is dropped:
//!    `« de La Tour-d'Auvergne »` folds to `delatourdauvergne`;
//! 2. two persons compare by folded **nom**, then by folded **prénom**, comparing the folded
//!    strings character by character (`a < b < … < z`; digits before letters);
//! 3. persons whose folded nom and prénom are equal are *equivalent*: either order is alphabetical.
//!
//! Characters outside Latin-1 and Latin Extended-A keep their lower-case form and compare by code
//! point after the letters `a`–`z`, which only matters for names that no French roll contains today.

use std::cmp::Ordering;

/// Folds one name for comparison (see the module documentation).
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if let Some(s) = fold_char(c) {
            out.push_str(s);
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Compares two persons by folded nom, then folded prénom.
pub fn compare_names(nom_a: &str, prenom_a: &str, nom_b: &str, prenom_b: &str) -> Ordering {
    fold(nom_a)
        .cmp(&fold(nom_b))
        .then_with(|| fold(prenom_a).cmp(&fold(prenom_b)))
}

/// True when two barreau names designate the same barreau (folded equality:
/// `"Hauts-de-Seine"` = `"HAUTS DE SEINE"`).
pub fn same_name(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'a'..='z' | '0'..='9' => return ascii(c),
        'A'..='Z' => return ascii(c.to_ascii_lowercase()),
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' | 'à' | 'á' | 'â' | 'ã' | 'ä' | 'å'
        | 'ā' | 'ă' | 'ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' | 'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'Ď' | 'Đ' | 'ď' | 'đ' | 'Ð' | 'ð' => "d",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' | 'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ'
        | 'ė' | 'ę' | 'ě' => "e",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' | 'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'Ĥ' | 'Ħ' | 'ĥ' | 'ħ' => "h",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' | 'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī'
        | 'ĭ' | 'į' | 'ı' => "i",
        'Ĳ' | 'ĳ' => "ij",
        'Ĵ' | 'ĵ' => "j",
        'Ķ' | 'ķ' => "k",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' | 'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' | 'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' | 'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø'
        | 'ō' | 'ŏ' | 'ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ŕ' | 'Ŗ' | 'Ř' | 'ŕ' | 'ŗ' | 'ř' => "r",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'ś' | 'ŝ' | 'ş' | 'š' => "s",
        'ß' => "ss",
        'Ţ' | 'Ť' | 'Ŧ' | 'ţ' | 'ť' | 'ŧ' => "t",
        'Þ' | 'þ' => "th",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' | 'ù' | 'ú' | 'û' | 'ü' | 'ũ'
        | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'Ŵ' | 'ŵ' => "w",
        'Ý' | 'Ÿ' | 'Ŷ' | 'ý' | 'ÿ' | 'ŷ' => "y",
        'Ź' | 'Ż' | 'Ž' | 'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

fn ascii(c: char) -> Option<&'static str> {
    const TABLE: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
    let i = TABLE.find(c)?;
    TABLE.get(i..i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_case_accents_and_punctuation() {
        assert_eq!(fold("de La Tour-d'Auvergne"), "delatourdauvergne");
        assert_eq!(fold("ÉLOÏSE"), "eloise");
        assert_eq!(fold("Lætitia Cœur"), "laetitiacoeur");
        assert_eq!(fold("Çağlar"), "caglar");
    }

    #[test]
    fn an_accented_name_sorts_with_its_unaccented_letter() {
        // Byte order would put "Émile" after "Zola"; French order does not.
        assert_eq!(compare_names("Émile", "", "Zola", ""), Ordering::Less);
        assert_eq!(
            compare_names("Écoffier", "", "Ebner", ""),
            Ordering::Greater
        );
    }

    #[test]
    fn case_does_not_matter() {
        assert_eq!(
            compare_names("DUPONT", "Anne", "dupont", "anne"),
            Ordering::Equal
        );
    }

    #[test]
    fn spaces_and_particles_are_ignored_so_de_la_tour_sorts_as_delatour() {
        assert_eq!(
            compare_names("De La Tour", "", "Delaporte", ""),
            Ordering::Greater
        );
        assert_eq!(compare_names("D'Arc", "", "Dabadie", ""), Ordering::Greater);
    }

    #[test]
    fn the_prenom_breaks_a_tie_on_the_nom() {
        assert_eq!(
            compare_names("Martin", "Zoé", "Martin", "Adrien"),
            Ordering::Greater
        );
        assert_eq!(
            compare_names("Martin", "Élodie", "Martin", "Fabrice"),
            Ordering::Less
        );
    }

    #[test]
    fn barreau_names_match_regardless_of_case_accents_and_hyphens() {
        assert!(same_name("Hauts-de-Seine", "HAUTS DE SEINE"));
        assert!(same_name("Évry", "evry"));
        assert!(!same_name("Paris", "Pontoise"));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,20}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }

        #[test]
        fn the_name_order_is_antisymmetric(a in "[A-Za-zÀ-ÿ' -]{0,12}", b in "[A-Za-zÀ-ÿ' -]{0,12}") {
            prop_assert_eq!(compare_names(&a, "", &b, ""), compare_names(&b, "", &a, "").reverse());
        }

        #[test]
        fn case_never_changes_the_order(a in "[a-zà-ÿ]{1,12}", b in "[a-zà-ÿ]{1,12}") {
            prop_assert_eq!(
                compare_names(&a.to_uppercase(), "", &b, ""),
                compare_names(&a, "", &b, "")
            );
        }
    }
}

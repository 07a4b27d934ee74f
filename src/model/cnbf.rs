//! The CNBF number: how an avocat is identified in the roll and how an elector logs in.
//!
//! The bar's e-services guide (`espace-pro-essentiels`) only says « Login = Votre n° de CNBF »: it
//! gives no format. The CNBF number is the avocat's number at the Caisse nationale des barreaux
//! français, a plain decimal integer (5 or 6 digits today). Urne therefore accepts a string of
//! ASCII digits, tolerates the spaces people type or spreadsheets insert (`"12 345"`), and stores
//! the canonical form: the digits without leading zeros, so that `"012345"` and `"12345"` are the
//! same elector. A Paris *toque* (`"P0123"`, `"C1234"`…) is a different identifier and is refused
//! with a message saying so.

use std::fmt;

/// Most significant digits accepted (after leading zeros): far above today's numbers, low enough
/// to catch a pasted phone number or IBAN fragment.
pub const MAX_DIGITS: usize = 8;

/// A validated, normalised CNBF number (decimal digits, no leading zero, at most
/// [`MAX_DIGITS`] digits).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cnbf(String);

/// Why a string is not a CNBF number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CnbfError {
    /// Nothing but spaces.
    #[error("numéro CNBF vide")]
    Empty,
    /// A letter followed by digits: a Paris toque, not a CNBF number.
    #[error("« {0} » ressemble à un numéro de toque, pas à un numéro CNBF (chiffres uniquement)")]
    Toque(String),
    /// Any other non-digit character.
    #[error("numéro CNBF « {input} » invalide : caractère « {character} » (chiffres uniquement)")]
    NotADigit {
        /// The string as given.
        input: String,
        /// The first offending character.
        character: char,
    },
    /// Only zeros.
    #[error("numéro CNBF « {0} » invalide : zéro n'est pas un numéro")]
    Zero(String),
    /// More than [`MAX_DIGITS`] significant digits.
    #[error("numéro CNBF « {input} » invalide : {digits} chiffres, au plus {max} attendus", max = MAX_DIGITS)]
    TooLong {
        /// The string as given.
        input: String,
        /// Number of significant digits found.
        digits: usize,
    },
}

impl Cnbf {
    /// Parses and normalises a CNBF number (see the module documentation for the format).
    pub fn parse(input: &str) -> Result<Self, CnbfError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
            .collect();
        if compact.is_empty() {
            return Err(CnbfError::Empty);
        }
        if let Some(first) = compact.chars().next()
            && first.is_ascii_alphabetic()
            && compact.len() > 1
            && compact[first.len_utf8()..]
                .chars()
                .all(|c| c.is_ascii_digit())
        {
            return Err(CnbfError::Toque(input.trim().to_string()));
        }
        if let Some(bad) = compact.chars().find(|c| !c.is_ascii_digit()) {
            return Err(CnbfError::NotADigit {
                input: input.to_string(),
                character: bad,
            });
        }
        let significant = compact.trim_start_matches('0');
        if significant.is_empty() {
            return Err(CnbfError::Zero(input.to_string()));
        }
        if significant.len() > MAX_DIGITS {
            return Err(CnbfError::TooLong {
                input: input.to_string(),
                digits: significant.len(),
            });
        }
        Ok(Cnbf(significant.to_string()))
    }

    /// The canonical form (digits, no leading zero).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Cnbf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Cnbf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cnbf({})", self.0)
    }
}

impl std::str::FromStr for Cnbf {
    type Err = CnbfError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cnbf::parse(s)
    }
}

impl serde::Serialize for Cnbf {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Cnbf {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Cnbf;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("un numéro CNBF (chaîne de chiffres)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Cnbf, E> {
                Cnbf::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Cnbf, E> {
                Cnbf::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Cnbf, E> {
                Cnbf::parse(&v.to_string()).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_number_is_kept_as_is() {
        assert_eq!(Cnbf::parse("12345").unwrap().as_str(), "12345");
    }

    #[test]
    fn spaces_and_leading_zeros_are_normalised_away() {
        assert_eq!(
            Cnbf::parse(" 012 345 ").unwrap(),
            Cnbf::parse("12345").unwrap()
        );
        assert_eq!(Cnbf::parse("12\u{a0}345").unwrap().as_str(), "12345");
    }

    #[test]
    fn a_toque_number_is_refused_as_a_toque() {
        assert_eq!(
            Cnbf::parse("P0123").unwrap_err().to_string(),
            "« P0123 » ressemble à un numéro de toque, pas à un numéro CNBF (chiffres uniquement)"
        );
    }

    #[test]
    fn a_letter_inside_the_number_is_refused_and_named() {
        let err = Cnbf::parse("12a45").unwrap_err();
        assert_eq!(
            err,
            CnbfError::NotADigit {
                input: "12a45".into(),
                character: 'a'
            }
        );
    }

    #[test]
    fn an_empty_or_zero_number_is_refused() {
        assert_eq!(Cnbf::parse("  ").unwrap_err(), CnbfError::Empty);
        assert_eq!(
            Cnbf::parse("000").unwrap_err(),
            CnbfError::Zero("000".into())
        );
    }

    #[test]
    fn nine_significant_digits_are_too_many_but_eight_are_fine() {
        assert!(Cnbf::parse("12345678").is_ok());
        assert_eq!(
            Cnbf::parse("123456789").unwrap_err(),
            CnbfError::TooLong {
                input: "123456789".into(),
                digits: 9
            }
        );
        assert!(Cnbf::parse("0012345678").is_ok());
    }

    #[test]
    fn serde_accepts_a_string_or_an_integer_and_writes_a_string() {
        let a: Cnbf = serde_json::from_str("\"012345\"").unwrap();
        let b: Cnbf = serde_json::from_str("12345").unwrap();
        assert_eq!(a, b);
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"12345\"");
        assert!(serde_json::from_str::<Cnbf>("\"P12\"").is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn normalisation_is_idempotent_and_ignores_leading_zeros(n in 1u64..100_000_000, zeros in 0usize..4) {
            let written = format!("{}{n}", "0".repeat(zeros));
            let parsed = Cnbf::parse(&written).unwrap();
            prop_assert_eq!(parsed.as_str(), n.to_string());
            prop_assert_eq!(Cnbf::parse(parsed.as_str()).unwrap(), parsed);
        }

        #[test]
        fn any_string_with_a_letter_is_refused(s in "[0-9]{0,4}[A-Za-z][0-9A-Za-z]{0,4}") {
            prop_assert!(Cnbf::parse(&s).is_err());
        }
    }
}

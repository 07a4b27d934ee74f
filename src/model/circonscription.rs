//! The two CNB circonscriptions (décret art. 20): « l'une nationale, à l'exception du barreau de
//! Paris, l'autre correspondant à ce barreau ».

use super::collation;
use std::fmt;

/// A CNB circonscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Circonscription {
    /// The barreau de Paris.
    Paris,
    /// Every other barreau.
    Nationale,
}

impl Circonscription {
    /// The circonscription of a barreau, by name (`"Paris"`, case- and accent-insensitive).
    pub fn of_barreau(barreau: &str) -> Self {
        if collation::same_name(barreau, "Paris") {
            Circonscription::Paris
        } else {
            Circonscription::Nationale
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Circonscription::Paris => "circonscription de Paris",
            Circonscription::Nationale => "circonscription nationale",
        }
    }
}

impl fmt::Display for Circonscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_in_any_case_is_the_paris_circonscription_and_the_rest_is_national() {
        assert_eq!(Circonscription::of_barreau("PARIS"), Circonscription::Paris);
        assert_eq!(
            Circonscription::of_barreau("paris "),
            Circonscription::Paris
        );
        assert_eq!(
            Circonscription::of_barreau("Hauts-de-Seine"),
            Circonscription::Nationale
        );
    }
}

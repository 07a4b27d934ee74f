//! An avocat on the liste électorale, with everything the décret's rules read.

use super::cnbf::Cnbf;
use super::dates;
use std::collections::BTreeSet;
use std::fmt;
use time::Date;

/// Sex as recorded on the tableau: binômes (art. 5 II), CNB collège ordinal scrutins (art. 22) and
/// collège général lists (art. 23) depend on it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Sex {
    /// Femme.
    F,
    /// Homme.
    M,
}

impl Sex {
    /// `"femme"` / `"homme"`.
    pub fn label(self) -> &'static str {
        match self {
            Sex::F => "femme",
            Sex::M => "homme",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Standing of the avocat in the barreau.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Inscrit au tableau: votes, may be elected.
    Inscrit,
    /// Avocat honoraire: votes (loi n°71-1130 art. 15 al. 2: the conseil is elected « par tous les
    /// avocats inscrits au tableau de ce barreau et par les avocats honoraires dudit barreau »),
    /// counts for the 30 threshold (décret art. 5), may not be elected (art. 8: « qu'un avocat
    /// inscrit au tableau »).
    Honoraire,
    /// Omis du tableau: kept on the imported roll for reference, neither votes nor counts.
    Omis,
}

impl Status {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Status::Inscrit => "inscrit au tableau",
            Status::Honoraire => "avocat honoraire",
            Status::Omis => "omis du tableau",
        }
    }
}

/// The ordinal function the avocat exercises now.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum OrdinalFunction {
    /// No ordinal function.
    #[default]
    Aucune,
    /// Bâtonnier en exercice: elector of the CNB collège ordinal (art. 22).
    Batonnier,
    /// Vice-bâtonnier en exercice: sits in the conseil « avec voix consultative » and the function
    /// is « incompatibles avec celles de membre du conseil de l'ordre » (art. 6), so not an
    /// elector of the collège ordinal (art. 22 names « bâtonniers et membres des conseils »).
    ViceBatonnier,
    /// Membre du conseil de l'ordre en exercice: elector of the CNB collège ordinal (art. 22).
    MembreDuConseil,
}

impl OrdinalFunction {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            OrdinalFunction::Aucune => "aucune",
            OrdinalFunction::Batonnier => "bâtonnier",
            OrdinalFunction::ViceBatonnier => "vice-bâtonnier",
            OrdinalFunction::MembreDuConseil => "membre du conseil de l'ordre",
        }
    }
}

/// A function held in the past: the qualities that make an avocat eligible in the CNB collège
/// ordinal (art. 22) and the « anciens bâtonniers » exception of art. 5.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FormerFunction {
    /// Ancien bâtonnier.
    AncienBatonnier,
    /// Ancien vice-bâtonnier.
    AncienViceBatonnier,
    /// Ancien membre du conseil de l'ordre.
    AncienMembreDuConseil,
    /// Président or membre of the former commissions nationale et régionales des conseils
    /// juridiques (art. 22).
    AncienMembreCommissionConseilsJuridiques,
}

impl FormerFunction {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            FormerFunction::AncienBatonnier => "ancien bâtonnier",
            FormerFunction::AncienViceBatonnier => "ancien vice-bâtonnier",
            FormerFunction::AncienMembreDuConseil => "ancien membre du conseil de l'ordre",
            FormerFunction::AncienMembreCommissionConseilsJuridiques => {
                "ancien membre d'une commission des conseils juridiques"
            }
        }
    }
}

/// One avocat of the liste électorale (or, for the CNB, a candidate from another barreau).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elector {
    /// CNBF number: identity in the roll and login of the elector.
    pub cnbf: Cnbf,
    /// Nom de famille (as on the tableau).
    pub nom: String,
    /// Prénom(s).
    pub prenom: String,
    /// Sex.
    pub sex: Sex,
    /// Date of birth (tie-break « le candidat le plus âgé », art. 5 and 6 and the CNB tie-breaks).
    #[serde(with = "dates::date")]
    pub birth_date: Date,
    /// Date of (first) inscription à un tableau (tie-break « date d'inscription à un tableau la plus
    /// ancienne »; CNB collège général eligibility, art. 23).
    #[serde(with = "dates::date")]
    pub inscription_date: Date,
    /// Date of the prestation de serment (eligibility in barreaux of more than 16 voters, art. 9).
    #[serde(with = "dates::date")]
    pub oath_date: Date,
    /// Barreau of the avocat.
    pub barreau: String,
    /// Inscrit, honoraire or omis.
    pub status: Status,
    /// Ordinal function exercised now.
    #[serde(default)]
    pub function: OrdinalFunction,
    /// Functions held in the past.
    #[serde(default)]
    pub former_functions: BTreeSet<FormerFunction>,
    /// Number of successive mandates, the current one included, in the current function
    /// (bâtonnier or membre du conseil); `None` when the roll does not say. Used by the
    /// re-eligibility limits of art. 5 and 6.
    #[serde(default)]
    pub successive_mandates: Option<u8>,
    /// E-mail (optional: codes can go by post).
    #[serde(default)]
    pub email: Option<String>,
    /// Postal address for the letter, lines separated by `\n` (optional).
    #[serde(default)]
    pub postal_address: Option<String>,
}

/// An elector record that contradicts itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElectorError {
    /// A required text field is empty.
    #[error("CNBF {cnbf} : le champ « {field} » est vide")]
    EmptyField {
        /// The elector.
        cnbf: Cnbf,
        /// `nom`, `prenom` or `barreau`.
        field: &'static str,
    },
    /// A date before the birth date.
    #[error("CNBF {cnbf} : {field} {date} antérieure à la date de naissance {birth}")]
    DateBeforeBirth {
        /// The elector.
        cnbf: Cnbf,
        /// Which date.
        field: &'static str,
        /// Its value.
        date: String,
        /// The birth date.
        birth: String,
    },
    /// A current ordinal function held by someone who is not inscrit au tableau (art. 8: only an
    /// avocat inscrit au tableau can be elected to it).
    #[error(
        "CNBF {cnbf} : la fonction « {function} » est réservée à un avocat inscrit au tableau \
         (décret art. 8), statut « {status} »"
    )]
    FunctionWithoutInscription {
        /// The elector.
        cnbf: Cnbf,
        /// The function.
        function: &'static str,
        /// The status.
        status: &'static str,
    },
    /// An e-mail address without `@`.
    #[error("CNBF {cnbf} : adresse électronique « {email} » invalide")]
    InvalidEmail {
        /// The elector.
        cnbf: Cnbf,
        /// The address.
        email: String,
    },
    /// Zero successive mandates given explicitly.
    #[error("CNBF {cnbf} : nombre de mandats successifs 0 alors qu'une fonction est indiquée")]
    ZeroMandates {
        /// The elector.
        cnbf: Cnbf,
    },
}

impl Elector {
    /// « Nom Prénom » for messages.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.nom.trim(), self.prenom.trim())
    }

    /// Right to vote in the elections of the barreau and in the CNB collège général: avocats
    /// inscrits au tableau and avocats honoraires (loi n°71-1130 art. 15 al. 2; décret art. 3, 23).
    pub fn has_right_to_vote(&self) -> bool {
        matches!(self.status, Status::Inscrit | Status::Honoraire)
    }

    /// Inscrit au tableau (art. 8: the only avocats who may be elected).
    pub fn is_inscrit(&self) -> bool {
        self.status == Status::Inscrit
    }

    /// Elector of the CNB collège ordinal: « du ou des bâtonniers et des membres du ou des
    /// conseils de l'ordre exerçant leurs fonctions » (art. 22).
    pub fn is_ordinal_elector(&self) -> bool {
        self.is_inscrit()
            && matches!(
                self.function,
                OrdinalFunction::Batonnier | OrdinalFunction::MembreDuConseil
            )
    }

    /// Holds a quality that makes one eligible in the CNB collège ordinal (art. 22): bâtonnier,
    /// vice-bâtonnier, membre du conseil, now or formerly, or former member of a commission des
    /// conseils juridiques. Whether the avocat is « exerçant la profession » is [`is_inscrit`](Self::is_inscrit).
    pub fn has_ordinal_quality(&self) -> bool {
        self.function != OrdinalFunction::Aucune || !self.former_functions.is_empty()
    }

    /// Checks the record's internal consistency (not eligibility: that depends on the contest).
    pub fn check(&self) -> Result<(), ElectorError> {
        for (field, value) in [
            ("nom", &self.nom),
            ("prenom", &self.prenom),
            ("barreau", &self.barreau),
        ] {
            if value.trim().is_empty() {
                return Err(ElectorError::EmptyField {
                    cnbf: self.cnbf.clone(),
                    field,
                });
            }
        }
        for (field, date) in [
            ("date d'inscription", self.inscription_date),
            ("date de serment", self.oath_date),
        ] {
            if date <= self.birth_date {
                return Err(ElectorError::DateBeforeBirth {
                    cnbf: self.cnbf.clone(),
                    field,
                    date: dates::format_date(date),
                    birth: dates::format_date(self.birth_date),
                });
            }
        }
        if self.function != OrdinalFunction::Aucune && !self.is_inscrit() {
            return Err(ElectorError::FunctionWithoutInscription {
                cnbf: self.cnbf.clone(),
                function: self.function.label(),
                status: self.status.label(),
            });
        }
        if let Some(email) = &self.email {
            let e = email.trim();
            let ok = e.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && !domain.is_empty() && !e.contains(char::is_whitespace)
            });
            if !ok {
                return Err(ElectorError::InvalidEmail {
                    cnbf: self.cnbf.clone(),
                    email: email.clone(),
                });
            }
        }
        if self.successive_mandates == Some(0) && self.function != OrdinalFunction::Aucune {
            return Err(ElectorError::ZeroMandates {
                cnbf: self.cnbf.clone(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::date;

    /// A valid inscrit for tests: born 1970, sworn and inscribed 2000.
    pub(crate) fn avocat(cnbf: &str, nom: &str, prenom: &str, sex: Sex) -> Elector {
        Elector {
            cnbf: Cnbf::parse(cnbf).unwrap(),
            nom: nom.into(),
            prenom: prenom.into(),
            sex,
            birth_date: date!(1970 - 01 - 01),
            inscription_date: date!(2000 - 01 - 10),
            oath_date: date!(2000 - 01 - 05),
            barreau: "Valence".into(),
            status: Status::Inscrit,
            function: OrdinalFunction::Aucune,
            former_functions: BTreeSet::new(),
            successive_mandates: None,
            email: None,
            postal_address: None,
        }
    }

    #[test]
    fn inscrits_and_honoraires_vote_but_omis_do_not() {
        let mut e = avocat("1", "A", "B", Sex::F);
        assert!(e.has_right_to_vote());
        e.status = Status::Honoraire;
        assert!(e.has_right_to_vote());
        assert!(!e.is_inscrit());
        e.status = Status::Omis;
        assert!(!e.has_right_to_vote());
    }

    #[test]
    fn the_batonnier_and_conseil_members_are_ordinal_electors_but_not_the_vice_batonnier() {
        let mut e = avocat("1", "A", "B", Sex::F);
        assert!(!e.is_ordinal_elector());
        e.function = OrdinalFunction::Batonnier;
        assert!(e.is_ordinal_elector());
        e.function = OrdinalFunction::MembreDuConseil;
        assert!(e.is_ordinal_elector());
        e.function = OrdinalFunction::ViceBatonnier;
        assert!(!e.is_ordinal_elector());
    }

    #[test]
    fn a_former_function_gives_the_ordinal_quality() {
        let mut e = avocat("1", "A", "B", Sex::F);
        assert!(!e.has_ordinal_quality());
        e.former_functions
            .insert(FormerFunction::AncienViceBatonnier);
        assert!(e.has_ordinal_quality());
    }

    #[test]
    fn an_honoraire_cannot_hold_a_current_function() {
        let mut e = avocat("42", "A", "B", Sex::F);
        e.status = Status::Honoraire;
        e.function = OrdinalFunction::MembreDuConseil;
        assert_eq!(
            e.check().unwrap_err().to_string(),
            "CNBF 42 : la fonction « membre du conseil de l'ordre » est réservée à un avocat \
             inscrit au tableau (décret art. 8), statut « avocat honoraire »"
        );
    }

    #[test]
    fn an_oath_before_birth_is_refused() {
        let mut e = avocat("42", "A", "B", Sex::F);
        e.oath_date = date!(1960 - 01 - 01);
        assert_eq!(
            e.check().unwrap_err().to_string(),
            "CNBF 42 : date de serment 1960-01-01 antérieure à la date de naissance 1970-01-01"
        );
    }

    #[test]
    fn an_empty_nom_is_refused() {
        let mut e = avocat("42", " ", "B", Sex::F);
        assert_eq!(
            e.check().unwrap_err(),
            ElectorError::EmptyField {
                cnbf: e.cnbf.clone(),
                field: "nom"
            }
        );
        e.nom = "A".into();
        assert!(e.check().is_ok());
    }

    #[test]
    fn an_email_without_at_sign_is_refused() {
        let mut e = avocat("42", "A", "B", Sex::F);
        e.email = Some("a.b.avocat.fr".into());
        assert!(matches!(e.check(), Err(ElectorError::InvalidEmail { .. })));
        e.email = Some("a.b@avocat.fr".into());
        assert!(e.check().is_ok());
    }

    #[test]
    fn zero_successive_mandates_with_a_function_is_refused() {
        let mut e = avocat("42", "A", "B", Sex::F);
        e.function = OrdinalFunction::MembreDuConseil;
        e.successive_mandates = Some(0);
        assert!(matches!(e.check(), Err(ElectorError::ZeroMandates { .. })));
    }

    #[test]
    fn an_elector_round_trips_through_json_with_iso_dates() {
        let e = avocat("12345", "Dupont", "Anne", Sex::F);
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains("\"birth_date\":\"1970-01-01\""), "{json}");
        let back: Elector = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
    }
}

//! Candidacies. Every person is referenced by CNBF number and resolved against the roll (or, for
//! the CNB, the election's list of candidates from other barreaux).

use super::cnbf::Cnbf;

/// One candidacy of a contest. Which kind a contest takes is fixed by the décret (see
/// [`ContestKind::expected_candidacy`](super::contest::ContestKind::expected_candidacy)).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Candidacy {
    /// One candidate: conseil de l'ordre where inscrits + honoraires ≤ 30 (art. 5 I), CNB collège
    /// ordinal (art. 26: « individuelles pour le collège ordinal »).
    Individual {
        /// Identifier, unique in the contest (e.g. `"C3"`).
        id: String,
        /// The candidate.
        candidate: Cnbf,
    },
    /// A binôme « composés d'un homme et d'une femme dont les noms sont classés par ordre
    /// alphabétique » (art. 5 II). `members` is in the order of the documents.
    Binome {
        /// Identifier, unique in the contest.
        id: String,
        /// The two candidates, in alphabetical order (see [`collation`](super::collation)).
        members: [Cnbf; 2],
    },
    /// A candidate to the bâtonnat, optionally with a vice-bâtonnier « présentée conjointement »
    /// (art. 6).
    Batonnier {
        /// Identifier, unique in the contest.
        id: String,
        /// The candidate bâtonnier.
        batonnier: Cnbf,
        /// The vice-bâtonnier of the joint candidacy, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vice_batonnier: Option<Cnbf>,
    },
    /// A list of the CNB collège général (art. 23, 26): a title and the candidates in order.
    List {
        /// Identifier, unique in the contest.
        id: String,
        /// « chaque liste comporte mention de son titre » (art. 26).
        title: String,
        /// The candidates in list order, alternating sexes (art. 23).
        candidates: Vec<Cnbf>,
    },
}

/// The kind of a candidacy, for messages and for the expected kind of a contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidacyKind {
    /// [`Candidacy::Individual`].
    Individual,
    /// [`Candidacy::Binome`].
    Binome,
    /// [`Candidacy::Batonnier`].
    Batonnier,
    /// [`Candidacy::List`].
    List,
}

impl CandidacyKind {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            CandidacyKind::Individual => "candidature individuelle",
            CandidacyKind::Binome => "binôme",
            CandidacyKind::Batonnier => "candidature au bâtonnat",
            CandidacyKind::List => "liste",
        }
    }
}

impl Candidacy {
    /// The identifier.
    pub fn id(&self) -> &str {
        match self {
            Candidacy::Individual { id, .. }
            | Candidacy::Binome { id, .. }
            | Candidacy::Batonnier { id, .. }
            | Candidacy::List { id, .. } => id,
        }
    }

    /// The kind.
    pub fn kind(&self) -> CandidacyKind {
        match self {
            Candidacy::Individual { .. } => CandidacyKind::Individual,
            Candidacy::Binome { .. } => CandidacyKind::Binome,
            Candidacy::Batonnier { .. } => CandidacyKind::Batonnier,
            Candidacy::List { .. } => CandidacyKind::List,
        }
    }

    /// Every person of the candidacy, in order (bâtonnier before vice-bâtonnier).
    pub fn persons(&self) -> Vec<&Cnbf> {
        match self {
            Candidacy::Individual { candidate, .. } => vec![candidate],
            Candidacy::Binome { members, .. } => members.iter().collect(),
            Candidacy::Batonnier {
                batonnier,
                vice_batonnier,
                ..
            } => std::iter::once(batonnier)
                .chain(vice_batonnier.as_ref())
                .collect(),
            Candidacy::List { candidates, .. } => candidates.iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cnbf {
        Cnbf::parse(s).unwrap()
    }

    #[test]
    fn a_binome_reads_from_toml_with_its_two_members_in_order() {
        let cand: Candidacy =
            toml::from_str("kind = \"binome\"\nid = \"B1\"\nmembers = [\"12\", \"34\"]\n").unwrap();
        assert_eq!(
            cand,
            Candidacy::Binome {
                id: "B1".into(),
                members: [c("12"), c("34")]
            }
        );
        assert_eq!(cand.persons(), vec![&c("12"), &c("34")]);
    }

    #[test]
    fn a_binome_of_three_is_refused_when_read() {
        let err = toml::from_str::<Candidacy>(
            "kind = \"binome\"\nid = \"B1\"\nmembers = [\"12\", \"34\", \"56\"]\n",
        );
        assert!(err.is_err());
    }

    #[test]
    fn an_unknown_field_in_a_candidacy_is_refused() {
        let err = serde_json::from_str::<Candidacy>(
            r#"{"kind":"individual","id":"C1","candidate":"12","slogan":"x"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("slogan"), "{err}");
    }

    #[test]
    fn a_batonnier_ticket_lists_the_vice_batonnier_after_the_batonnier() {
        let cand: Candidacy = serde_json::from_str(
            r#"{"kind":"batonnier","id":"T1","batonnier":"12","vice_batonnier":"34"}"#,
        )
        .unwrap();
        assert_eq!(cand.persons(), vec![&c("12"), &c("34")]);
        assert_eq!(cand.kind(), CandidacyKind::Batonnier);
        let alone: Candidacy =
            serde_json::from_str(r#"{"kind":"batonnier","id":"T2","batonnier":"12"}"#).unwrap();
        assert_eq!(alone.persons().len(), 1);
    }
}

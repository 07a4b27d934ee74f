//! Import of the candidacies of an election from a CSV file, one row per person of a candidacy
//! (format in `docs/candidacies-csv.md`).
//!
//! Rows are grouped by (`scrutin`, `candidature`) into the model's [`Candidacy`] values, which
//! replace the candidacies of every contest of the election; the result is checked with
//! [`Election::validate`] against the liste électorale, and each breach of the décret is mapped
//! back to the line of the person (or of the candidacy) it is about. All-or-nothing, like the roll
//! import, and [`import_candidacies`] never panics.

use super::candidacy::{Candidacy, CandidacyKind};
use super::cnbf::{Cnbf, CnbfError};
use super::collation;
use super::csv_input::{
    self, ColumnSpec, CsvFormat, FormatError, ImportErrors, LineError, Row, fold_header, shown,
};
use super::election::Election;
use super::roll::Roll;
use super::validation::ValidationError;
use std::collections::HashMap;
use std::fmt;

mod col {
    pub const SCRUTIN: usize = 0;
    pub const CANDIDATURE: usize = 1;
    pub const TYPE: usize = 2;
    pub const ROLE: usize = 3;
    pub const RANG: usize = 4;
    pub const TITRE: usize = 5;
    pub const CNBF: usize = 6;
    pub const NOM: usize = 7;
    pub const PRENOM: usize = 8;
}

const fn column(
    name: &'static str,
    aliases: &'static [&'static str],
    required: bool,
) -> ColumnSpec {
    ColumnSpec {
        name,
        aliases,
        required,
        multiline: false,
    }
}

/// The columns of the candidacies CSV.
pub(crate) const COLUMNS: [ColumnSpec; 9] = [
    column("scrutin", &["scrutin"], true),
    column("candidature", &["candidature", "idcandidature"], true),
    column("type", &["type", "typedecandidature"], true),
    column("rôle", &["role"], false),
    column("rang", &["rang", "position", "ordre"], false),
    column("titre", &["titre", "titredelaliste"], false),
    column(
        "numéro CNBF",
        &["numerocnbf", "cnbf", "ncnbf", "nocnbf", "numcnbf"],
        true,
    ),
    column("nom", &["nom"], false),
    column("prénom", &["prenom", "prenoms"], false),
];

fn name(column: usize) -> Option<&'static str> {
    COLUMNS.get(column).map(|c| c.name)
}

/// Role of a person in a bâtonnier + vice-bâtonnier ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Batonnier,
    ViceBatonnier,
}

/// What is wrong with one line (or field) of a candidacies file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CandidacyCsvError {
    /// The file's shape.
    #[error("{0}")]
    Format(#[from] FormatError),
    /// No candidacy after the header.
    #[error("aucune candidature : le fichier ne contient que la ligne d'en-tête")]
    NoCandidacy,
    /// A required value is empty.
    #[error("valeur obligatoire manquante")]
    Missing,
    /// An invalid CNBF number.
    #[error("{0}")]
    Cnbf(CnbfError),
    /// A contest the election does not have.
    #[error("scrutin « {value} » inconnu ; scrutins de l'élection : {known}")]
    UnknownContest {
        /// The value.
        value: String,
        /// The election's contest identifiers.
        known: String,
    },
    /// An unknown candidacy type.
    #[error("type « {0} » inconnu (individuelle, binôme, bâtonnier ou liste attendu)")]
    UnknownType(String),
    /// An unknown role.
    #[error("rôle « {0} » inconnu (bâtonnier ou vice-bâtonnier attendu)")]
    UnknownRole(String),
    /// A rank that is not a positive integer.
    #[error("rang « {0} » invalide (entier à partir de 1 attendu)")]
    BadRank(String),
    /// Rows of one candidacy with different types.
    #[error(
        "candidature « {candidacy} » : type « {found} » alors que la ligne {first_line} indique « {first} »"
    )]
    TypeDisagrees {
        /// The candidacy.
        candidacy: String,
        /// Type on the first line.
        first: &'static str,
        /// That line.
        first_line: usize,
        /// Type on this line.
        found: &'static str,
    },
    /// Rows of one list with different titles.
    #[error(
        "liste « {candidacy} » : titre « {found} » alors que la ligne {first_line} indique « {first} »"
    )]
    TitleDisagrees {
        /// The candidacy.
        candidacy: String,
        /// Title on the first line giving one.
        first: String,
        /// That line.
        first_line: usize,
        /// Title on this line.
        found: String,
    },
    /// A title on a candidacy that is not a list.
    #[error("titre sans objet : seule une liste (collège général du CNB) a un titre")]
    TitleNotExpected,
    /// A role on a candidacy that is not a bâtonnier ticket.
    #[error(
        "rôle sans objet : seule une candidature au bâtonnat distingue bâtonnier et vice-bâtonnier"
    )]
    RoleNotExpected,
    /// A ticket row without role, when the ticket has several rows.
    #[error(
        "candidature au bâtonnat « {candidacy} » de plusieurs personnes : rôle (bâtonnier ou vice-bâtonnier) obligatoire sur chaque ligne"
    )]
    RoleMissing {
        /// The candidacy.
        candidacy: String,
    },
    /// Two persons with the same role in one ticket.
    #[error(
        "candidature au bâtonnat « {candidacy} » : un second « {role} », le premier est ligne {first_line}"
    )]
    RoleTwice {
        /// The candidacy.
        candidacy: String,
        /// The role.
        role: &'static str,
        /// The first line with it.
        first_line: usize,
    },
    /// A ticket without bâtonnier.
    #[error(
        "candidature au bâtonnat « {candidacy} » sans candidat bâtonnier (seulement un vice-bâtonnier)"
    )]
    NoBatonnier {
        /// The candidacy.
        candidacy: String,
    },
    /// A candidacy with the wrong number of persons for its type.
    #[error("{kind} « {candidacy} » : {found} personne(s), {expected} attendue(s)")]
    PersonCount {
        /// The type.
        kind: &'static str,
        /// The candidacy.
        candidacy: String,
        /// Persons expected.
        expected: &'static str,
        /// Persons found.
        found: usize,
    },
    /// Ranks that are not 1, 2, … n.
    #[error(
        "{kind} « {candidacy} » : rangs {found} ; 1 à {count} attendus, chacun une fois (ou aucun rang : ordre des lignes)"
    )]
    BadRanks {
        /// The type.
        kind: &'static str,
        /// The candidacy.
        candidacy: String,
        /// Ranks found, in line order (`-` for none).
        found: String,
        /// Persons.
        count: usize,
    },
    /// The name written does not match the person of that CNBF number.
    #[error("le CNBF {cnbf} est celui de {on_roll}, pas de « {written} » : numéro ou nom erroné ?")]
    NameMismatch {
        /// The number.
        cnbf: Cnbf,
        /// « Nom Prénom » on the roll (or among the external candidates).
        on_roll: String,
        /// What the line says.
        written: String,
    },
    /// A breach of the décret found by the model's validation.
    #[error("{error}{}", see_also(.other_lines))]
    Rule {
        /// The model's error.
        error: ValidationError,
        /// Other lines it involves.
        other_lines: Vec<usize>,
    },
}

fn see_also(lines: &[usize]) -> String {
    match lines {
        [] => String::new(),
        [l] => format!(" (voir aussi ligne {l})"),
        _ => format!(
            " (voir aussi lignes {})",
            lines
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// One error of a candidacies import.
pub type CandidacyImportError = LineError<CandidacyCsvError>;

/// Every error of a refused candidacies import.
pub type CandidacyImportErrors = ImportErrors<CandidacyCsvError>;

/// A successful candidacies import.
#[derive(Debug, Clone)]
pub struct CandidacyImport {
    /// The election with the imported candidacies (checked with [`Election::validate`]).
    pub election: Election,
    /// How the file was read.
    pub format: CsvFormat,
    /// Number of candidacies read.
    pub candidacies: usize,
}

/// One person of a candidacy, as read.
#[derive(Debug)]
struct Entry {
    line: usize,
    role: Option<Role>,
    rank: Option<u32>,
    cnbf: Cnbf,
    written_name: Option<(String, String)>,
}

/// The rows of one candidacy.
#[derive(Debug)]
struct Group {
    contest: usize,
    id: String,
    kind: CandidacyKind,
    first_line: usize,
    title: Option<(String, usize)>,
    entries: Vec<Entry>,
    broken: bool,
}

fn kind_label(kind: CandidacyKind) -> &'static str {
    kind.label()
}

fn parse_kind(v: &str) -> Option<CandidacyKind> {
    match fold_header(v).as_str() {
        "individuelle" | "individuel" | "individual" => Some(CandidacyKind::Individual),
        "binome" => Some(CandidacyKind::Binome),
        "batonnier" | "batonnat" | "ticket" | "batonnieretvicebatonnier" => {
            Some(CandidacyKind::Batonnier)
        }
        "liste" | "list" => Some(CandidacyKind::List),
        _ => None,
    }
}

fn parse_role(v: &str) -> Option<Option<Role>> {
    match fold_header(v).as_str() {
        "" => Some(None),
        "batonnier" | "batonniere" => Some(Some(Role::Batonnier)),
        "vicebatonnier" | "vicebatonniere" => Some(Some(Role::ViceBatonnier)),
        _ => None,
    }
}

/// Reads the candidacies of `election` from the bytes of a CSV file and checks them against the
/// décret with `roll`. Never panics.
pub fn import_candidacies(
    bytes: &[u8],
    election: &Election,
    roll: &Roll,
) -> Result<CandidacyImport, CandidacyImportErrors> {
    let table = match csv_input::read_table(bytes, &COLUMNS) {
        Ok(t) => t,
        Err(unreadable) => {
            return Err(ImportErrors {
                format: unreadable.format,
                errors: unreadable
                    .errors
                    .into_iter()
                    .map(|e| LineError {
                        line: e.line,
                        column: e.column,
                        kind: CandidacyCsvError::Format(e.kind),
                    })
                    .collect(),
            });
        }
    };
    let format = table.format;
    let mut errors: Vec<CandidacyImportError> = table
        .row_errors
        .into_iter()
        .map(|e| LineError {
            line: e.line,
            column: e.column,
            kind: CandidacyCsvError::Format(e.kind),
        })
        .collect();
    if table.rows.is_empty() && errors.is_empty() {
        errors.push(LineError {
            line: Some(table.header_line + 1),
            column: None,
            kind: CandidacyCsvError::NoCandidacy,
        });
    }

    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<(usize, String), usize> = HashMap::new();
    for row in &table.rows {
        read_row(row, election, &mut groups, &mut by_key, &mut errors);
    }

    // Build the candidacies of every group read without error.
    let mut per_contest: Vec<Vec<Candidacy>> = vec![Vec::new(); election.contests.len()];
    let mut count = 0;
    for g in &mut groups {
        if g.broken {
            continue;
        }
        if let Some(c) = build(g, &mut errors)
            && let Some(list) = per_contest.get_mut(g.contest)
        {
            list.push(c);
            count += 1;
        }
    }
    let mut updated = election.clone();
    for (contest, candidacies) in updated.contests.iter_mut().zip(per_contest) {
        contest.candidacies = candidacies;
    }

    // Names written next to the numbers.
    for g in groups.iter().filter(|g| !g.broken) {
        let Some(contest) = updated.contests.get(g.contest) else {
            continue;
        };
        for e in &g.entries {
            let Some((nom, prenom)) = &e.written_name else {
                continue;
            };
            if let Some(person) = updated.resolve(roll, contest, &e.cnbf) {
                let nom_ok = nom.is_empty() || collation::same_name(nom, &person.nom);
                let prenom_ok = prenom.is_empty() || collation::same_name(prenom, &person.prenom);
                if !(nom_ok && prenom_ok) {
                    errors.push(LineError {
                        line: Some(e.line),
                        column: name(if nom_ok { col::PRENOM } else { col::NOM }),
                        kind: CandidacyCsvError::NameMismatch {
                            cnbf: e.cnbf.clone(),
                            on_roll: person.display_name(),
                            written: format!("{nom} {prenom}").trim().to_string(),
                        },
                    });
                }
            }
        }
    }

    if let Err(validation) = updated.validate(roll) {
        let locator = Locator {
            election: &updated,
            groups: &groups,
        };
        for error in validation.0 {
            let (line, other_lines) = locator.locate(&error);
            errors.push(LineError {
                line,
                column: None,
                kind: CandidacyCsvError::Rule { error, other_lines },
            });
        }
    }

    if errors.is_empty() {
        Ok(CandidacyImport {
            election: updated,
            format,
            candidacies: count,
        })
    } else {
        let column_rank = |c: Option<&'static str>| {
            c.and_then(|c| COLUMNS.iter().position(|s| s.name == c))
                .map_or(0, |p| p + 1)
        };
        // Stable: the model's errors keep their order within a line.
        errors.sort_by_key(|e| (e.line, column_rank(e.column)));
        Err(ImportErrors {
            format: Some(format),
            errors,
        })
    }
}

/// Reads one row into its group; pushes every error.
fn read_row(
    row: &Row,
    election: &Election,
    groups: &mut Vec<Group>,
    by_key: &mut HashMap<(usize, String), usize>,
    errors: &mut Vec<CandidacyImportError>,
) {
    let mut fail = |column: usize, kind: CandidacyCsvError| {
        errors.push(LineError {
            line: Some(row.line),
            column: name(column),
            kind,
        });
    };
    let text = |column: usize, fail: &mut dyn FnMut(usize, CandidacyCsvError)| match row
        .field(&COLUMNS, column)
    {
        Ok(v) => Some(v.to_string()),
        Err(e) => {
            fail(column, CandidacyCsvError::Format(e));
            None
        }
    };
    let needed = |column: usize, fail: &mut dyn FnMut(usize, CandidacyCsvError)| {
        let v = text(column, fail)?;
        if v.is_empty() {
            fail(column, CandidacyCsvError::Missing);
            None
        } else {
            Some(v)
        }
    };
    let contest = needed(col::SCRUTIN, &mut fail).and_then(|v| {
        let found = election
            .contests
            .iter()
            .position(|c| c.id == v)
            .or_else(|| {
                election
                    .contests
                    .iter()
                    .position(|c| collation::same_name(&c.id, &v))
            });
        if found.is_none() {
            let known: Vec<String> = election
                .contests
                .iter()
                .map(|c| format!("« {} »", c.id))
                .collect();
            fail(
                col::SCRUTIN,
                CandidacyCsvError::UnknownContest {
                    value: shown(&v),
                    known: known.join(", "),
                },
            );
        }
        found
    });
    let id = needed(col::CANDIDATURE, &mut fail);
    let kind = needed(col::TYPE, &mut fail).and_then(|v| {
        parse_kind(&v).or_else(|| {
            fail(col::TYPE, CandidacyCsvError::UnknownType(shown(&v)));
            None
        })
    });
    let role = text(col::ROLE, &mut fail).and_then(|v| {
        parse_role(&v).or_else(|| {
            fail(col::ROLE, CandidacyCsvError::UnknownRole(shown(&v)));
            None
        })
    });
    let rank = text(col::RANG, &mut fail).and_then(|v| {
        if v.is_empty() {
            return Some(None);
        }
        match v.parse::<u32>() {
            Ok(n) if n >= 1 => Some(Some(n)),
            _ => {
                fail(col::RANG, CandidacyCsvError::BadRank(shown(&v)));
                None
            }
        }
    });
    let title = text(col::TITRE, &mut fail);
    let cnbf = needed(col::CNBF, &mut fail).and_then(|v| match Cnbf::parse(&v) {
        Ok(c) => Some(c),
        Err(e) => {
            fail(col::CNBF, CandidacyCsvError::Cnbf(e));
            None
        }
    });
    let nom = text(col::NOM, &mut fail).unwrap_or_default();
    let prenom = text(col::PRENOM, &mut fail).unwrap_or_default();

    if let (Some(kind), Some(Some(role))) = (kind, role)
        && kind != CandidacyKind::Batonnier
    {
        let _ = role;
        fail(col::ROLE, CandidacyCsvError::RoleNotExpected);
    }
    if let (Some(kind), Some(t)) = (kind, &title)
        && kind != CandidacyKind::List
        && !t.is_empty()
    {
        fail(col::TITRE, CandidacyCsvError::TitleNotExpected);
    }

    let (Some(contest), Some(id), Some(kind)) = (contest, id, kind) else {
        return;
    };
    let index = *by_key.entry((contest, id.clone())).or_insert_with(|| {
        groups.push(Group {
            contest,
            id: id.clone(),
            kind,
            first_line: row.line,
            title: None,
            entries: Vec::new(),
            broken: false,
        });
        groups.len() - 1
    });
    let Some(group) = groups.get_mut(index) else {
        return;
    };
    if group.kind != kind {
        fail(
            col::TYPE,
            CandidacyCsvError::TypeDisagrees {
                candidacy: id.clone(),
                first: kind_label(group.kind),
                first_line: group.first_line,
                found: kind_label(kind),
            },
        );
    }
    if let Some(t) = title.filter(|t| !t.is_empty()) {
        match &group.title {
            Some((first, first_line)) if first != &t => fail(
                col::TITRE,
                CandidacyCsvError::TitleDisagrees {
                    candidacy: id.clone(),
                    first: first.clone(),
                    first_line: *first_line,
                    found: t,
                },
            ),
            Some(_) => {}
            None => group.title = Some((t, row.line)),
        }
    }
    // A row whose person cannot be read leaves its candidacy incomplete: it is not built (its
    // shape and the décret's checks would report on the wrong persons).
    match (cnbf, role, rank) {
        (Some(cnbf), Some(role), Some(rank)) => group.entries.push(Entry {
            line: row.line,
            role,
            rank,
            cnbf,
            written_name: (!nom.is_empty() || !prenom.is_empty()).then_some((nom, prenom)),
        }),
        _ => group.broken = true,
    }
}

/// Turns a group into a candidacy; pushes the errors of its shape.
fn build(g: &mut Group, errors: &mut Vec<CandidacyImportError>) -> Option<Candidacy> {
    let at = |line: usize, column: usize, kind: CandidacyCsvError| LineError {
        line: Some(line),
        column: name(column),
        kind,
    };
    let label = kind_label(g.kind);
    let count = |expected: &'static str, g: &Group| {
        at(
            g.first_line,
            col::CANDIDATURE,
            CandidacyCsvError::PersonCount {
                kind: label,
                candidacy: g.id.clone(),
                expected,
                found: g.entries.len(),
            },
        )
    };
    match g.kind {
        CandidacyKind::Individual => match g.entries.as_slice() {
            [e] => Some(Candidacy::Individual {
                id: g.id.clone(),
                candidate: e.cnbf.clone(),
            }),
            _ => {
                errors.push(count("1", g));
                None
            }
        },
        CandidacyKind::Binome => {
            if g.entries.len() != 2 {
                errors.push(count("2", g));
                return None;
            }
            order_by_rank(g, errors)?;
            match g.entries.as_slice() {
                [a, b] => Some(Candidacy::Binome {
                    id: g.id.clone(),
                    members: [a.cnbf.clone(), b.cnbf.clone()],
                }),
                _ => None,
            }
        }
        CandidacyKind::List => {
            order_by_rank(g, errors)?;
            Some(Candidacy::List {
                id: g.id.clone(),
                title: g.title.as_ref().map(|(t, _)| t.clone()).unwrap_or_default(),
                candidates: g.entries.iter().map(|e| e.cnbf.clone()).collect(),
            })
        }
        CandidacyKind::Batonnier => {
            if g.entries.is_empty() || g.entries.len() > 2 {
                errors.push(count("1 ou 2", g));
                return None;
            }
            if let [single] = g.entries.as_slice()
                && single.role.is_none()
            {
                return Some(Candidacy::Batonnier {
                    id: g.id.clone(),
                    batonnier: single.cnbf.clone(),
                    vice_batonnier: None,
                });
            }
            let mut batonnier: Option<&Entry> = None;
            let mut vice: Option<&Entry> = None;
            let mut good = true;
            for e in &g.entries {
                let (slot, role) = match e.role {
                    None => {
                        errors.push(at(
                            e.line,
                            col::ROLE,
                            CandidacyCsvError::RoleMissing {
                                candidacy: g.id.clone(),
                            },
                        ));
                        good = false;
                        continue;
                    }
                    Some(Role::Batonnier) => (&mut batonnier, "bâtonnier"),
                    Some(Role::ViceBatonnier) => (&mut vice, "vice-bâtonnier"),
                };
                match slot {
                    Some(first) => {
                        errors.push(at(
                            e.line,
                            col::ROLE,
                            CandidacyCsvError::RoleTwice {
                                candidacy: g.id.clone(),
                                role,
                                first_line: first.line,
                            },
                        ));
                        good = false;
                    }
                    None => *slot = Some(e),
                }
            }
            if !good {
                return None;
            }
            match batonnier {
                Some(b) => Some(Candidacy::Batonnier {
                    id: g.id.clone(),
                    batonnier: b.cnbf.clone(),
                    vice_batonnier: vice.map(|v| v.cnbf.clone()),
                }),
                None => {
                    errors.push(at(
                        g.first_line,
                        col::ROLE,
                        CandidacyCsvError::NoBatonnier {
                            candidacy: g.id.clone(),
                        },
                    ));
                    None
                }
            }
        }
    }
}

/// Orders a binôme's or list's entries by rank when ranks are given (all or none, 1…n once each).
fn order_by_rank(g: &mut Group, errors: &mut Vec<CandidacyImportError>) -> Option<()> {
    if g.entries.iter().all(|e| e.rank.is_none()) {
        return Some(());
    }
    let n = g.entries.len();
    let mut seen = vec![false; n];
    let valid = g.entries.iter().all(|e| {
        e.rank
            .and_then(|r| usize::try_from(r).ok())
            .and_then(|r| r.checked_sub(1))
            .and_then(|i| seen.get_mut(i))
            .is_some_and(|s| !std::mem::replace(s, true))
    });
    if !valid {
        let found: Vec<String> = g
            .entries
            .iter()
            .map(|e| e.rank.map_or_else(|| "-".to_string(), |r| r.to_string()))
            .collect();
        errors.push(LineError {
            line: Some(g.first_line),
            column: name(col::RANG),
            kind: CandidacyCsvError::BadRanks {
                kind: kind_label(g.kind),
                candidacy: g.id.clone(),
                found: found.join(", "),
                count: n,
            },
        });
        return None;
    }
    g.entries.sort_by_key(|e| e.rank);
    Some(())
}

/// Finds the lines a validation error is about.
struct Locator<'a> {
    election: &'a Election,
    groups: &'a [Group],
}

impl Locator<'_> {
    fn contest_index(&self, contest: &str) -> Option<usize> {
        self.election.contests.iter().position(|c| c.id == contest)
    }

    fn group(&self, contest: &str, candidacy: &str) -> Option<&Group> {
        let ci = self.contest_index(contest)?;
        self.groups
            .iter()
            .find(|g| g.contest == ci && g.id == candidacy && !g.broken)
    }

    /// Line of `cnbf` in the candidacy, else the candidacy's first line.
    fn line(&self, contest: &str, candidacy: &str, cnbf: Option<&Cnbf>) -> Option<usize> {
        let g = self.group(contest, candidacy)?;
        cnbf.and_then(|c| g.entries.iter().find(|e| &e.cnbf == c))
            .map_or(Some(g.first_line), |e| Some(e.line))
    }

    /// Line of `cnbf` anywhere in the contest.
    fn line_in_contest(&self, contest: &str, cnbf: &Cnbf) -> Option<usize> {
        let ci = self.contest_index(contest)?;
        self.groups
            .iter()
            .filter(|g| g.contest == ci && !g.broken)
            .flat_map(|g| g.entries.iter())
            .find(|e| &e.cnbf == cnbf)
            .map(|e| e.line)
    }

    fn first_line_of_contest(&self, contest: &str) -> Option<usize> {
        let ci = self.contest_index(contest)?;
        self.groups
            .iter()
            .filter(|g| g.contest == ci)
            .map(|g| g.first_line)
            .min()
    }

    /// (`contest/candidacy` as the model writes it) → its group.
    fn line_of_path(&self, path: &str, cnbf: &Cnbf) -> Option<usize> {
        self.election.contests.iter().find_map(|c| {
            let candidacy = path.strip_prefix(c.id.as_str())?.strip_prefix('/')?;
            self.line(&c.id, candidacy, Some(cnbf))
        })
    }

    /// The main line and the other lines of an error.
    fn locate(&self, e: &ValidationError) -> (Option<usize>, Vec<usize>) {
        use ValidationError as V;
        let one = |l: Option<usize>| (l, Vec::new());
        match e {
            V::DuplicateCandidacyId { contest, id } => one(self.line(contest, id, None)),
            V::WrongCandidacyKind {
                contest, candidacy, ..
            }
            | V::ListWithoutTitle { contest, candidacy }
            | V::ListLengthNotSeats {
                contest, candidacy, ..
            } => one(self.line(contest, candidacy, None)),
            V::PersonTwiceInCandidacy {
                contest,
                candidacy,
                cnbf,
            }
            | V::CandidateNotFound {
                contest,
                candidacy,
                cnbf,
                ..
            } => one(self.line(contest, candidacy, Some(cnbf))),
            V::ListNotAlternating {
                contest,
                candidacy,
                person,
                ..
            }
            | V::CandidateOutsideCirconscription {
                contest,
                candidacy,
                person,
                ..
            }
            | V::NotInscrit {
                contest,
                candidacy,
                person,
                ..
            }
            | V::OathTooRecent {
                contest,
                candidacy,
                person,
                ..
            }
            | V::ConseilMemberNotReeligible {
                contest,
                candidacy,
                person,
                ..
            }
            | V::BatonnierNotReeligible {
                contest,
                candidacy,
                person,
                ..
            }
            | V::BatonnierTooManyMandates {
                contest,
                candidacy,
                person,
                ..
            }
            | V::ViceBatonnierNotReeligible {
                contest,
                candidacy,
                person,
            }
            | V::NoOrdinalQuality {
                contest,
                candidacy,
                person,
            }
            | V::OrdinalWrongSex {
                contest,
                candidacy,
                person,
                ..
            }
            | V::NotInscritOnJanuaryFirst {
                contest,
                candidacy,
                person,
                ..
            } => one(self.line(contest, candidacy, Some(&person.cnbf))),
            V::BinomeNotMixed {
                contest,
                candidacy,
                first,
                second,
                ..
            }
            | V::BinomeNotAlphabetical {
                contest,
                candidacy,
                first,
                second,
            } => {
                let a = self.line(contest, candidacy, Some(&first.cnbf));
                let b = self.line(contest, candidacy, Some(&second.cnbf));
                (a, b.filter(|b| Some(*b) != a).into_iter().collect())
            }
            V::CandidateInTwoCandidacies {
                contest,
                person,
                first,
                second,
            } => {
                let main = self.line(contest, second, Some(&person.cnbf));
                let other = self.line(contest, first, Some(&person.cnbf));
                (main, other.into_iter().collect())
            }
            V::CandidateOnTwoLists {
                person,
                first,
                second,
            } => {
                let main = self.line_of_path(second, &person.cnbf);
                let other = self.line_of_path(first, &person.cnbf);
                (main, other.into_iter().collect())
            }
            V::CandidateInTwoColleges {
                person,
                ordinal,
                general,
            } => {
                let main = self.line_in_contest(general, &person.cnbf);
                let other = self.line_in_contest(ordinal, &person.cnbf);
                (main, other.into_iter().collect())
            }
            V::BatonnierRunoffTooManyCandidacies { contest, .. } => {
                one(self.first_line_of_contest(contest))
            }
            // About the election definition or the roll, not a line of this file.
            _ => one(None),
        }
    }
}

impl fmt::Display for CandidacyImport {
    /// The candidacies read, by contest, in French.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} candidature(s) lue(s) ({})",
            self.candidacies, self.format
        )?;
        for contest in &self.election.contests {
            write!(
                f,
                "\nscrutin « {} » ({}) : {} candidature(s)",
                contest.id,
                contest.kind.label(),
                contest.candidacies.len()
            )?;
            for c in &contest.candidacies {
                let persons: Vec<String> = c.persons().iter().map(|p| p.to_string()).collect();
                match c {
                    Candidacy::List { title, .. } => write!(
                        f,
                        "\n  {} « {title} » : CNBF {}",
                        c.id(),
                        persons.join(", ")
                    )?,
                    Candidacy::Batonnier {
                        batonnier,
                        vice_batonnier: Some(v),
                        ..
                    } => write!(
                        f,
                        "\n  {} : bâtonnier CNBF {batonnier}, vice-bâtonnier CNBF {v}",
                        c.id()
                    )?,
                    _ => write!(f, "\n  {} : CNBF {}", c.id(), persons.join(", "))?,
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "candidacy_csv_tests.rs"]
mod tests;

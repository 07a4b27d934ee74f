//! Import of the liste électorale from the ordre's CSV file (`urne-server admin import-roll`, the
//! admin upload page, the fuzz target), and export in the same format.
//!
//! The format is documented in `docs/roll-csv.md`. The import is all-or-nothing: every line is
//! read, every error is collected with its line and column, duplicates are refused (both lines
//! named), then the model's [`Roll::new`] checks the whole roll and its errors are mapped back to
//! lines. The result is either the [`Roll`] or the complete list of errors; nothing partial.
//! [`import_roll`] never panics, whatever the bytes.

use super::cnbf::{Cnbf, CnbfError};
use super::csv_input::{
    self, ColumnSpec, CsvFormat, FormatError, ImportErrors, LineError, Row, fold_header, shown,
};
use super::elector::{Elector, ElectorError, FormerFunction, OrdinalFunction, Sex, Status};
use super::roll::{Roll, RollError};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use time::{Date, Month};

/// Columns, in the documented order.
mod col {
    pub const CNBF: usize = 0;
    pub const NOM: usize = 1;
    pub const PRENOM: usize = 2;
    pub const SEXE: usize = 3;
    pub const NAISSANCE: usize = 4;
    pub const INSCRIPTION: usize = 5;
    pub const SERMENT: usize = 6;
    pub const BARREAU: usize = 7;
    pub const STATUT: usize = 8;
    pub const FONCTION: usize = 9;
    pub const EMAIL: usize = 10;
    pub const ADRESSE: usize = 11;
    pub const ANCIENNES: usize = 12;
    pub const MANDATS: usize = 13;
    pub const CODE_POSTAL: usize = 14;
    pub const VILLE: usize = 15;
}

const fn required(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        name,
        aliases,
        required: true,
        multiline: false,
    }
}

const fn optional(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        name,
        aliases,
        required: false,
        multiline: false,
    }
}

/// The columns of the roll CSV: the twelve of the ordre's export are required (values may be
/// empty where the documentation says so), the last four are optional.
pub(crate) const COLUMNS: [ColumnSpec; 16] = [
    required(
        "numéro CNBF",
        &["numerocnbf", "cnbf", "ncnbf", "nocnbf", "numcnbf"],
    ),
    required("nom", &["nom", "nomdefamille", "nomdusage"]),
    required("prénom", &["prenom", "prenoms"]),
    required("sexe", &["sexe", "civilite"]),
    required(
        "date de naissance",
        &["datedenaissance", "datenaissance", "naissance"],
    ),
    required(
        "date d'inscription au tableau",
        &[
            "datedinscriptionautableau",
            "dateinscriptionautableau",
            "datedinscription",
            "dateinscription",
            "inscriptionautableau",
        ],
    ),
    required(
        "date de serment",
        &[
            "datedeserment",
            "dateserment",
            "datedeprestationdeserment",
            "dateprestationdeserment",
            "serment",
        ],
    ),
    required("barreau", &["barreau"]),
    required("statut", &["statut"]),
    required("fonction ordinale", &["fonctionordinale", "fonction"]),
    required(
        "e-mail",
        &[
            "email",
            "courriel",
            "mail",
            "adresseelectronique",
            "adressemail",
            "adresseemail",
        ],
    ),
    ColumnSpec {
        name: "adresse postale",
        aliases: &["adressepostale", "adresse"],
        required: true,
        multiline: true,
    },
    optional(
        "anciennes fonctions",
        &["anciennesfonctions", "fonctionsanterieures"],
    ),
    optional(
        "mandats successifs",
        &["mandatssuccessifs", "nombredemandatssuccessifs"],
    ),
    optional("code postal", &["codepostal", "cp"]),
    optional("ville", &["ville", "commune", "localite"]),
];

fn name(column: usize) -> Option<&'static str> {
    COLUMNS.get(column).map(|c| c.name)
}

/// What is wrong with one line (or one field) of a roll file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollCsvError {
    /// The file's shape.
    #[error("{0}")]
    Format(#[from] FormatError),
    /// No elector after the header.
    #[error("aucun électeur : le fichier ne contient que la ligne d'en-tête")]
    NoElector,
    /// A required value is empty.
    #[error("valeur obligatoire manquante")]
    Missing,
    /// An invalid CNBF number.
    #[error("{0}")]
    Cnbf(CnbfError),
    /// A date that cannot be read.
    #[error("date « {value} » invalide : {reason}")]
    Date {
        /// The value.
        value: String,
        /// Why.
        reason: String,
    },
    /// An unknown sex.
    #[error("sexe « {0} » inconnu (F ou M attendu ; H, femme, homme, Mme, M. acceptés)")]
    Sex(String),
    /// An unknown status.
    #[error("statut « {0} » inconnu (inscrit, honoraire ou omis attendu)")]
    Status(String),
    /// An unknown ordinal function.
    #[error(
        "fonction ordinale « {0} » inconnue (vide, aucune, bâtonnier, vice-bâtonnier ou membre \
         du conseil attendu)"
    )]
    Function(String),
    /// An unknown former function.
    #[error(
        "ancienne fonction « {0} » inconnue (ancien bâtonnier, ancien vice-bâtonnier, ancien \
         membre du conseil, ancien membre d'une commission des conseils juridiques ; séparées par \
         « | »)"
    )]
    FormerFunction(String),
    /// Successive mandates not a small integer.
    #[error("nombre de mandats successifs « {0} » invalide (entier de 1 à 99 attendu, ou vide)")]
    Mandates(String),
    /// The same CNBF number on two lines.
    #[error("numéro CNBF {cnbf} en double : déjà présent ligne {first_line}")]
    Duplicate {
        /// The number.
        cnbf: Cnbf,
        /// The line where it first appears.
        first_line: usize,
    },
    /// An inconsistent record (the model's check).
    #[error("{0}")]
    Elector(ElectorError),
    /// An elector of another barreau.
    #[error("barreau « {found} », la liste importée est celle du barreau « {expected} »")]
    WrongBarreau {
        /// The barreau imported.
        expected: String,
        /// The line's barreau.
        found: String,
    },
    /// Two bâtonniers or vice-bâtonniers en exercice.
    #[error(
        "fonction « {function} » déjà attribuée ligne {first_line} (CNBF {first_cnbf}) : un seul \
         titulaire en exercice"
    )]
    FunctionHeldTwice {
        /// The function.
        function: &'static str,
        /// The line of the first holder.
        first_line: usize,
        /// The first holder.
        first_cnbf: Cnbf,
    },
    /// The barreau given to the import is empty.
    #[error("nom du barreau de la liste à importer vide")]
    EmptyBarreau,
}

/// One error of a roll import.
pub type RollImportError = LineError<RollCsvError>;

/// Every error of a refused roll import.
pub type RollImportErrors = ImportErrors<RollCsvError>;

/// A successful roll import.
#[derive(Debug, Clone)]
pub struct RollImport {
    /// The liste électorale, checked by the model.
    pub roll: Roll,
    /// How the file was read (say it to the staff: a wrong guess shows as garbled accents).
    pub format: CsvFormat,
    /// Physical line of each elector, in roll order.
    pub lines: Vec<usize>,
}

/// Reads the liste électorale of `barreau` from the bytes of a CSV file. Never panics: any input
/// gives either the roll or every error found.
pub fn import_roll(bytes: &[u8], barreau: &str) -> Result<RollImport, RollImportErrors> {
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
                        kind: RollCsvError::Format(e.kind),
                    })
                    .collect(),
            });
        }
    };
    let format = table.format;
    let mut errors: Vec<RollImportError> = table
        .row_errors
        .into_iter()
        .map(|e| LineError {
            line: e.line,
            column: e.column,
            kind: RollCsvError::Format(e.kind),
        })
        .collect();
    if barreau.trim().is_empty() {
        errors.push(LineError {
            line: None,
            column: None,
            kind: RollCsvError::EmptyBarreau,
        });
    }
    if table.rows.is_empty() && errors.is_empty() {
        errors.push(LineError {
            line: Some(table.header_line + 1),
            column: None,
            kind: RollCsvError::NoElector,
        });
    }

    let mut electors = Vec::with_capacity(table.rows.len());
    let mut lines = Vec::with_capacity(table.rows.len());
    let mut first_line: HashMap<Cnbf, usize> = HashMap::with_capacity(table.rows.len());
    for row in &table.rows {
        let (cnbf, elector) = parse_row(row, &table.present, &mut errors);
        let mut duplicate = false;
        if let Some(cnbf) = cnbf {
            if let Some(&first) = first_line.get(&cnbf) {
                duplicate = true;
                errors.push(LineError {
                    line: Some(row.line),
                    column: name(col::CNBF),
                    kind: RollCsvError::Duplicate {
                        cnbf,
                        first_line: first,
                    },
                });
            } else {
                first_line.insert(cnbf, row.line);
            }
        }
        if let Some(e) = elector
            && !duplicate
        {
            electors.push(e);
            lines.push(row.line);
        }
    }

    // The model's checks, on every line that could be read (so that they are reported too).
    let roll = match Roll::new(barreau, electors) {
        Ok(roll) => Some(roll),
        Err(roll_errors) => {
            for e in roll_errors.0 {
                errors.push(locate_roll_error(e, &lines));
            }
            None
        }
    };
    match roll {
        Some(roll) if errors.is_empty() => Ok(RollImport {
            roll,
            format,
            lines,
        }),
        _ => {
            sort_errors(&mut errors);
            Err(ImportErrors {
                format: Some(format),
                errors,
            })
        }
    }
}

/// Sorts errors by line (errors without line first), then column order.
fn sort_errors(errors: &mut [RollImportError]) {
    let column_rank = |c: Option<&'static str>| {
        c.and_then(|c| COLUMNS.iter().position(|s| s.name == c))
            .map_or(0, |p| p + 1)
    };
    errors.sort_by_key(|e| (e.line, column_rank(e.column)));
}

fn line_at(lines: &[usize], position: usize) -> Option<usize> {
    position.checked_sub(1).and_then(|i| lines.get(i)).copied()
}

/// Maps one of [`Roll::new`]'s errors (positions in the list) to the file's lines and columns.
fn locate_roll_error(e: RollError, lines: &[usize]) -> RollImportError {
    match e {
        RollError::DuplicateCnbf {
            cnbf,
            first,
            second,
        } => LineError {
            line: line_at(lines, second),
            column: name(col::CNBF),
            kind: RollCsvError::Duplicate {
                cnbf,
                first_line: line_at(lines, first).unwrap_or(0),
            },
        },
        RollError::WrongBarreau {
            position,
            expected,
            found,
            ..
        } => LineError {
            line: line_at(lines, position),
            column: name(col::BARREAU),
            kind: RollCsvError::WrongBarreau { expected, found },
        },
        RollError::InvalidElector { position, error } => {
            let column = match &error {
                ElectorError::EmptyField { field, .. } => match *field {
                    "nom" => name(col::NOM),
                    "prenom" => name(col::PRENOM),
                    _ => name(col::BARREAU),
                },
                ElectorError::DateBeforeBirth { field, .. } => {
                    if field.contains("inscription") {
                        name(col::INSCRIPTION)
                    } else {
                        name(col::SERMENT)
                    }
                }
                ElectorError::FunctionWithoutInscription { .. } => name(col::FONCTION),
                ElectorError::InvalidEmail { .. } => name(col::EMAIL),
                ElectorError::ZeroMandates { .. } => name(col::MANDATS),
            };
            LineError {
                line: line_at(lines, position),
                column,
                kind: RollCsvError::Elector(error),
            }
        }
        RollError::FunctionHeldTwice {
            function,
            first,
            first_cnbf,
            second,
            ..
        } => LineError {
            line: line_at(lines, second),
            column: name(col::FONCTION),
            kind: RollCsvError::FunctionHeldTwice {
                function,
                first_line: line_at(lines, first).unwrap_or(0),
                first_cnbf,
            },
        },
        RollError::EmptyBarreau => LineError {
            line: None,
            column: None,
            kind: RollCsvError::EmptyBarreau,
        },
    }
}

/// Reads one row: its CNBF number if valid (for duplicate detection) and the elector if every
/// field is valid. Every error is pushed.
fn parse_row(
    row: &Row,
    present: &[bool],
    errors: &mut Vec<RollImportError>,
) -> (Option<Cnbf>, Option<Elector>) {
    let mut ok = true;
    let mut fail = |column: usize, kind: RollCsvError| {
        ok = false;
        errors.push(LineError {
            line: Some(row.line),
            column: name(column),
            kind,
        });
    };
    let text = |column: usize, fail: &mut dyn FnMut(usize, RollCsvError)| -> Option<String> {
        match row.field(&COLUMNS, column) {
            Ok(v) => Some(v.to_string()),
            Err(e) => {
                fail(column, RollCsvError::Format(e));
                None
            }
        }
    };
    let needed = |column: usize, fail: &mut dyn FnMut(usize, RollCsvError)| {
        let v = text(column, fail)?;
        if v.is_empty() {
            fail(column, RollCsvError::Missing);
            None
        } else {
            Some(v)
        }
    };

    let cnbf = needed(col::CNBF, &mut fail).and_then(|v| match Cnbf::parse(&v) {
        Ok(c) => Some(c),
        Err(e) => {
            fail(col::CNBF, RollCsvError::Cnbf(e));
            None
        }
    });
    let nom = needed(col::NOM, &mut fail);
    let prenom = needed(col::PRENOM, &mut fail);
    let sex = needed(col::SEXE, &mut fail).and_then(|v| {
        parse_sex(&v).or_else(|| {
            fail(col::SEXE, RollCsvError::Sex(shown(&v)));
            None
        })
    });
    let date = |column: usize, fail: &mut dyn FnMut(usize, RollCsvError)| {
        needed(column, fail).and_then(|v| match parse_date(&v) {
            Ok(d) => Some(d),
            Err(reason) => {
                fail(
                    column,
                    RollCsvError::Date {
                        value: shown(&v),
                        reason,
                    },
                );
                None
            }
        })
    };
    let birth_date = date(col::NAISSANCE, &mut fail);
    let inscription_date = date(col::INSCRIPTION, &mut fail);
    let oath_date = date(col::SERMENT, &mut fail);
    let barreau = needed(col::BARREAU, &mut fail);
    let status = needed(col::STATUT, &mut fail).and_then(|v| {
        parse_status(&v).or_else(|| {
            fail(col::STATUT, RollCsvError::Status(shown(&v)));
            None
        })
    });
    let function = text(col::FONCTION, &mut fail).and_then(|v| {
        parse_function(&v).or_else(|| {
            fail(col::FONCTION, RollCsvError::Function(shown(&v)));
            None
        })
    });
    let email = text(col::EMAIL, &mut fail).map(|v| (!v.is_empty()).then_some(v));
    let mut address = text(col::ADRESSE, &mut fail);
    let postcode = text(col::CODE_POSTAL, &mut fail);
    let town = text(col::VILLE, &mut fail);
    if let (Some(a), Some(p), Some(t)) = (address.as_mut(), postcode, town) {
        let last = format!("{p} {t}");
        let last = last.trim();
        if !last.is_empty() {
            if !a.is_empty() {
                a.push('\n');
            }
            a.push_str(last);
        }
    }
    let postal_address = address.map(|a| {
        let lines: Vec<&str> = a
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        (!lines.is_empty()).then(|| lines.join("\n"))
    });
    let former_functions = if present.get(col::ANCIENNES).copied().unwrap_or(false) {
        text(col::ANCIENNES, &mut fail).and_then(|v| {
            let mut set = BTreeSet::new();
            let mut good = true;
            for part in v
                .split(['|', '/', '+', ';', ','])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                match parse_former_function(part) {
                    Some(f) => {
                        set.insert(f);
                    }
                    None => {
                        good = false;
                        fail(col::ANCIENNES, RollCsvError::FormerFunction(shown(part)));
                    }
                }
            }
            good.then_some(set)
        })
    } else {
        Some(BTreeSet::new())
    };
    let successive_mandates = text(col::MANDATS, &mut fail).and_then(|v| {
        if v.is_empty() {
            return Some(None);
        }
        match v.parse::<u8>() {
            Ok(n) if n <= 99 => Some(Some(n)),
            _ => {
                fail(col::MANDATS, RollCsvError::Mandates(shown(&v)));
                None
            }
        }
    });

    let elector = match (
        cnbf.clone(),
        nom,
        prenom,
        sex,
        birth_date,
        inscription_date,
        oath_date,
        barreau,
    ) {
        (
            Some(cnbf),
            Some(nom),
            Some(prenom),
            Some(sex),
            Some(birth_date),
            Some(inscription_date),
            Some(oath_date),
            Some(barreau),
        ) => match (
            status,
            function,
            former_functions,
            successive_mandates,
            email,
            postal_address,
        ) {
            (
                Some(status),
                Some(function),
                Some(former_functions),
                Some(successive_mandates),
                Some(email),
                Some(postal_address),
            ) => Some(Elector {
                cnbf,
                nom,
                prenom,
                sex,
                birth_date,
                inscription_date,
                oath_date,
                barreau,
                status,
                function,
                former_functions,
                successive_mandates,
                email,
                postal_address,
            }),
            _ => None,
        },
        _ => None,
    };
    (cnbf, if ok { elector } else { None })
}

fn parse_sex(v: &str) -> Option<Sex> {
    match fold_header(v).as_str() {
        "f" | "femme" | "feminin" | "mme" | "madame" => Some(Sex::F),
        "m" | "h" | "homme" | "masculin" | "monsieur" => Some(Sex::M),
        _ => None,
    }
}

fn parse_status(v: &str) -> Option<Status> {
    match fold_header(v).as_str() {
        "inscrit" | "inscrite" | "inscritautableau" | "inscriteautableau" => Some(Status::Inscrit),
        "honoraire" | "avocathonoraire" => Some(Status::Honoraire),
        "omis" | "omise" | "omisdutableau" | "omisedutableau" => Some(Status::Omis),
        _ => None,
    }
}

fn parse_function(v: &str) -> Option<OrdinalFunction> {
    match fold_header(v).as_str() {
        "" | "aucune" | "neant" => Some(OrdinalFunction::Aucune),
        "batonnier" | "batonniere" | "batonnierenexercice" => Some(OrdinalFunction::Batonnier),
        "vicebatonnier" | "vicebatonniere" => Some(OrdinalFunction::ViceBatonnier),
        "membreduconseil" | "membreduconseildelordre" | "membreconseil" => {
            Some(OrdinalFunction::MembreDuConseil)
        }
        _ => None,
    }
}

fn parse_former_function(v: &str) -> Option<FormerFunction> {
    let folded = fold_header(v);
    // The label (« ancien bâtonnier »…), its feminine form, and the commission's short form.
    let feminine = |s: &str| s.replacen("ancien", "ancienne", 1);
    [
        FormerFunction::AncienBatonnier,
        FormerFunction::AncienViceBatonnier,
        FormerFunction::AncienMembreDuConseil,
        FormerFunction::AncienMembreCommissionConseilsJuridiques,
    ]
    .into_iter()
    .find(|f| {
        let label = fold_header(f.label());
        folded == label
            || folded == feminine(&label)
            || folded
                == label
                    .replace("batonnier", "batonniere")
                    .replacen("ancien", "ancienne", 1)
            || (*f == FormerFunction::AncienMembreDuConseil && folded == "ancienmembreduconseil")
            || (*f == FormerFunction::AncienMembreCommissionConseilsJuridiques
                && folded == "commissiondesconseilsjuridiques")
    })
}

/// Parses a date written `JJ/MM/AAAA` (day and month may have one digit) or `AAAA-MM-JJ`,
/// optionally followed by a midnight time as spreadsheets add (` 00:00`, ` 00:00:00`,
/// `T00:00:00`). Years outside 1900–2099 are refused as implausible on a roll.
pub fn parse_date(value: &str) -> Result<Date, String> {
    let v = value.trim();
    let v = strip_midnight(v);
    let expected = "JJ/MM/AAAA ou AAAA-MM-JJ attendu";
    let numbers = |parts: &[&str]| -> Option<Vec<u32>> {
        parts
            .iter()
            .map(|p| {
                if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    None
                } else {
                    p.parse::<u32>().ok()
                }
            })
            .collect()
    };
    let (year, month, day, year_digits) = if v.contains('/') {
        let parts: Vec<&str> = v.split('/').collect();
        let [d, m, y] = parts.as_slice() else {
            return Err(expected.into());
        };
        if d.len() > 2 || m.len() > 2 {
            return Err(expected.into());
        }
        let Some(n) = numbers(&[d, m, y]) else {
            return Err(expected.into());
        };
        match n.as_slice() {
            [d, m, yy] => (*yy, *m, *d, y.len()),
            _ => return Err(expected.into()),
        }
    } else if v.contains('-') {
        let parts: Vec<&str> = v.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(expected.into());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(expected.into());
        }
        let Some(n) = numbers(&[y, m, d]) else {
            return Err(expected.into());
        };
        match n.as_slice() {
            [yy, m, d] => (*yy, *m, *d, 4),
            _ => return Err(expected.into()),
        }
    } else {
        return Err(expected.into());
    };
    if year_digits != 4 {
        return Err("l'année doit être écrite sur quatre chiffres (JJ/MM/AAAA)".into());
    }
    if !(1900..=2099).contains(&year) {
        return Err(format!("année {year} invraisemblable (1900 à 2099)"));
    }
    let month_value = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| format!("mois {month} inexistant"))?;
    let day_value = u8::try_from(day).map_err(|_| format!("jour {day} inexistant"))?;
    let year_value = i32::try_from(year).map_err(|_| expected.to_string())?;
    Date::from_calendar_date(year_value, month_value, day_value)
        .map_err(|_| format!("le {day:02}/{month:02}/{year} n'existe pas"))
}

fn strip_midnight(v: &str) -> &str {
    for suffix in [" 00:00:00", " 00:00", "T00:00:00", "T00:00"] {
        if let Some(rest) = v.strip_suffix(suffix) {
            return rest.trim_end();
        }
    }
    v
}

/// `JJ/MM/AAAA`.
pub fn format_date_fr(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// The header line of [`export_roll`].
pub const HEADER: &str = "numéro CNBF;nom;prénom;sexe;date de naissance;date d'inscription au \
                          tableau;date de serment;barreau;statut;fonction ordinale;e-mail;adresse \
                          postale;anciennes fonctions;mandats successifs";

/// Writes a roll in the documented format (UTF-8, `;`, French dates, CRLF line ends), the one
/// [`import_roll`] reads back to the same roll.
pub fn export_roll(roll: &Roll) -> Result<String, String> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header: Vec<&str> = COLUMNS.iter().take(14).map(|c| c.name).collect();
    writer.write_record(&header).map_err(|e| e.to_string())?;
    for e in roll.electors() {
        let former: Vec<&str> = e.former_functions.iter().map(|f| f.label()).collect();
        let record = [
            e.cnbf.to_string(),
            e.nom.clone(),
            e.prenom.clone(),
            match e.sex {
                Sex::F => "F".to_string(),
                Sex::M => "M".to_string(),
            },
            format_date_fr(e.birth_date),
            format_date_fr(e.inscription_date),
            format_date_fr(e.oath_date),
            e.barreau.clone(),
            status_word(e.status).to_string(),
            match e.function {
                OrdinalFunction::Aucune => String::new(),
                f => f.label().to_string(),
            },
            e.email.clone().unwrap_or_default(),
            e.postal_address.clone().unwrap_or_default(),
            former.join(" | "),
            e.successive_mandates
                .map(|n| n.to_string())
                .unwrap_or_default(),
        ];
        writer.write_record(&record).map_err(|e| e.to_string())?;
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// The word of the `statut` column.
pub fn status_word(s: Status) -> &'static str {
    match s {
        Status::Inscrit => "inscrit",
        Status::Honoraire => "honoraire",
        Status::Omis => "omis",
    }
}

impl fmt::Display for RollImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "liste électorale du barreau {} lue : {} électeur(s) ({})",
            self.roll.barreau(),
            self.roll.electors().len(),
            self.format
        )
    }
}

#[cfg(test)]
#[path = "roll_csv_tests.rs"]
mod tests;

//! Reading a CSV file prepared by the ordre's staff (liste électorale, candidacies): the parts both
//! imports share.
//!
//! - **Encoding**: a UTF-8 byte order mark is removed; a file that is valid UTF-8 is read as UTF-8,
//!   anything else as Windows-1252 (what Excel writes under « CSV (séparateur : point-virgule) » on
//!   a French Windows). Which one was used is reported ([`TextEncoding`]). UTF-16 is refused.
//! - **Separator**: `;` or `,`, whichever occurs more often outside quotes in the header line
//!   (`;` on a tie).
//! - **Quotes**: RFC 4180 (the `csv` crate): a field in double quotes may contain the separator,
//!   line breaks and `""` for a quote. A quote opened and never closed is refused with its line
//!   instead of swallowing the rest of the file.
//! - **Header**: names are matched without case, accents, spaces or punctuation
//!   (`« Date de naissance »` = `« DATE_DE_NAISSANCE »`), against each column's accepted names.
//!   Missing required columns, unknown columns (with the closest known name) and columns given
//!   twice are all reported.
//! - **Lines**: every row keeps its physical line in the file (1-based, the header is line 1 when
//!   it is the first line), so a field with an embedded line break shifts the following lines as
//!   a text editor shows them. Rows whose fields are all empty are skipped.

use super::collation;
use std::fmt;

/// Character encoding of an imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TextEncoding {
    /// UTF-8 without byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark (removed).
    Utf8Bom,
    /// Windows-1252 (the file was not valid UTF-8).
    Windows1252,
}

impl TextEncoding {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 avec BOM",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Field separator of an imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Separator {
    /// `;` (French spreadsheets).
    Semicolon,
    /// `,`.
    Comma,
}

impl Separator {
    /// The byte.
    pub fn byte(self) -> u8 {
        match self {
            Separator::Semicolon => b';',
            Separator::Comma => b',',
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Separator::Semicolon => "point-virgule (;)",
            Separator::Comma => "virgule (,)",
        }
    }
}

impl fmt::Display for Separator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How a file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CsvFormat {
    /// Encoding detected.
    pub encoding: TextEncoding,
    /// Separator detected.
    pub separator: Separator,
}

impl fmt::Display for CsvFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "encodage {}, séparateur {}",
            self.encoding.label(),
            self.separator.label()
        )
    }
}

/// A problem with the shape of the file rather than with a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// No header line.
    #[error("fichier vide : la ligne d'en-tête manque")]
    Empty,
    /// A UTF-16 byte order mark.
    #[error(
        "fichier en UTF-16 : enregistrez-le en UTF-8 ou en « CSV (séparateur : point-virgule) »"
    )]
    Utf16,
    /// A UTF-8 byte order mark followed by bytes that are not UTF-8.
    #[error(
        "le fichier commence par la marque UTF-8 (BOM) mais contient un octet 0x{byte:02X} \
         invalide en UTF-8 : encodage incohérent"
    )]
    InvalidUtf8AfterBom {
        /// The first invalid byte.
        byte: u8,
    },
    /// Neither `;` nor `,` in the header line.
    #[error("séparateur introuvable : ni « ; » ni « , » dans la ligne d'en-tête")]
    NoSeparator,
    /// A quote opened and never closed.
    #[error(
        "guillemet ouvert sur cette ligne et jamais fermé : la suite du fichier serait lue comme \
         un seul champ"
    )]
    UnclosedQuote,
    /// Required columns absent from the header.
    #[error("colonne(s) obligatoire(s) absente(s) de l'en-tête : {}", quote_list(.0))]
    MissingColumns(Vec<&'static str>),
    /// A header name that is no known column.
    #[error("colonne « {header} » inconnue{}", suggestion.map(|s| format!(" ; vouliez-vous dire « {s} » ?")).unwrap_or_default())]
    UnknownColumn {
        /// The name as written.
        header: String,
        /// The closest known column, if close enough.
        suggestion: Option<&'static str>,
    },
    /// Two header names for one column.
    #[error(
        "colonne « {column} » présente deux fois : « {first} » (position {first_position}) et « {second} » (position {second_position})"
    )]
    DuplicateColumn {
        /// The column.
        column: &'static str,
        /// First name as written.
        first: String,
        /// Its 1-based position in the header.
        first_position: usize,
        /// Second name as written.
        second: String,
        /// Its 1-based position.
        second_position: usize,
    },
    /// A row with another number of fields than the header.
    #[error(
        "{found} champ(s) au lieu de {expected} (autant que de colonnes dans l'en-tête) : \
         séparateur en trop ou manquant, ou champ contenant le séparateur sans guillemets ?"
    )]
    FieldCount {
        /// Fields found.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// A control character in a field.
    #[error("caractère de contrôle U+{:04X} interdit", u32::from(*.0))]
    ControlCharacter(char),
    /// A line break in a single-line field.
    #[error("retour à la ligne interdit dans ce champ")]
    LineBreak,
    /// Any other error of the CSV reader.
    #[error("lecture CSV impossible : {0}")]
    Unreadable(String),
}

fn quote_list(names: &[&'static str]) -> String {
    names
        .iter()
        .map(|n| format!("« {n} »"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One error of an import, located in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError<K> {
    /// Physical line in the file (1-based, header = line 1); `None` when the error is not about
    /// one line (e.g. the election definition the candidacies are checked against).
    pub line: Option<usize>,
    /// Column (its documented name), when the error is about one field.
    pub column: Option<&'static str>,
    /// What is wrong.
    pub kind: K,
}

impl<K: fmt::Display> fmt::Display for LineError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "ligne {l}, colonne « {c} » : {}", self.kind),
            (Some(l), None) => write!(f, "ligne {l} : {}", self.kind),
            (None, Some(c)) => write!(f, "colonne « {c} » : {}", self.kind),
            (None, None) => write!(f, "{}", self.kind),
        }
    }
}

/// Every error of a refused import (all-or-nothing: nothing was imported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportErrors<K> {
    /// How the file was read, when that was determined.
    pub format: Option<CsvFormat>,
    /// The errors, by line, then column order.
    pub errors: Vec<LineError<K>>,
}

impl<K: fmt::Display> fmt::Display for ImportErrors<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "fichier refusé, rien n'a été importé : {} erreur(s)",
            self.errors.len()
        )?;
        if let Some(format) = &self.format {
            write!(f, " ({format})")?;
        }
        for e in &self.errors {
            write!(f, "\n- {e}")?;
        }
        Ok(())
    }
}

impl<K: fmt::Display + fmt::Debug> std::error::Error for ImportErrors<K> {}

/// One column of an import format.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ColumnSpec {
    /// Documented name.
    pub name: &'static str,
    /// Accepted names, folded (see [`fold_header`]); the documented name's folded form first.
    pub aliases: &'static [&'static str],
    /// The header must have it.
    pub required: bool,
    /// Line breaks allowed (postal address).
    pub multiline: bool,
}

/// A header name folded for matching: lower case, no accents, letters and digits only.
pub(crate) fn fold_header(name: &str) -> String {
    collation::fold(name)
}

/// Decodes the bytes of a file (see the module documentation).
pub(crate) fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), LineError<FormatError>> {
    let at_line_1 = |kind| LineError {
        line: Some(1),
        column: None,
        kind,
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(at_line_1(FormatError::Utf16));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_string(), TextEncoding::Utf8Bom)),
            Err(e) => {
                let at = e.valid_up_to();
                let line = 1 + rest.iter().take(at).filter(|&&b| b == b'\n').count();
                Err(LineError {
                    line: Some(line),
                    column: None,
                    kind: FormatError::InvalidUtf8AfterBom {
                        byte: rest.get(at).copied().unwrap_or(0),
                    },
                })
            }
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), TextEncoding::Utf8)),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), TextEncoding::Windows1252))
        }
    }
}

/// The separator of the header line: the first line that is not blank, outside quotes.
pub(crate) fn detect_separator(text: &str) -> Result<Separator, FormatError> {
    let header = text
        .split('\n')
        .find(|l| !l.trim().is_empty())
        .ok_or(FormatError::Empty)?;
    let (mut semicolons, mut commas, mut quoted) = (0usize, 0usize, false);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semicolons += 1,
            ',' if !quoted => commas += 1,
            _ => {}
        }
    }
    if semicolons == 0 && commas == 0 {
        Err(FormatError::NoSeparator)
    } else if semicolons >= commas {
        Ok(Separator::Semicolon)
    } else {
        Ok(Separator::Comma)
    }
}

/// The line of a quote opened and never closed, following the reader's rules (a quote opens a
/// field only at its start; `""` inside quotes is a quote).
pub(crate) fn unclosed_quote(text: &str, separator: Separator) -> Option<usize> {
    let sep = separator.byte();
    let (mut line, mut opened_at) = (1usize, 0usize);
    let mut at_field_start = true;
    let mut in_quotes = false;
    let mut bytes = text.bytes().peekable();
    while let Some(b) = bytes.next() {
        if in_quotes {
            if b == b'"' {
                if bytes.peek() == Some(&b'"') {
                    bytes.next();
                } else {
                    in_quotes = false;
                }
            } else if b == b'\n' {
                line += 1;
            }
            continue;
        }
        match b {
            b'"' if at_field_start => {
                in_quotes = true;
                opened_at = line;
                at_field_start = false;
            }
            b'\n' => {
                line += 1;
                at_field_start = true;
            }
            b'\r' => at_field_start = true,
            _ if b == sep => at_field_start = true,
            _ => at_field_start = false,
        }
    }
    in_quotes.then_some(opened_at)
}

/// A data row: its line and its fields in the order of the format's columns (empty for an
/// optional column absent from the header).
#[derive(Debug)]
pub(crate) struct Row {
    pub line: usize,
    fields: Vec<String>,
}

impl Row {
    /// The trimmed field of column `index` of the format, checked for control characters and (for
    /// single-line columns) line breaks. Line breaks are returned as `\n`.
    pub fn field(&self, specs: &[ColumnSpec], index: usize) -> Result<&str, FormatError> {
        let value = self.fields.get(index).map(|s| s.trim()).unwrap_or("");
        let multiline = specs.get(index).is_some_and(|s| s.multiline);
        for c in value.chars() {
            if c == '\n' || c == '\r' {
                if !multiline {
                    return Err(FormatError::LineBreak);
                }
            } else if c.is_control() {
                return Err(FormatError::ControlCharacter(c));
            }
        }
        Ok(value)
    }
}

/// A file read into rows, before any value is interpreted.
#[derive(Debug)]
pub(crate) struct Table {
    pub format: CsvFormat,
    /// Line of the header.
    pub header_line: usize,
    /// For each column of the format, whether the header has it.
    pub present: Vec<bool>,
    pub rows: Vec<Row>,
    /// Rows refused for their shape (wrong number of fields).
    pub row_errors: Vec<LineError<FormatError>>,
}

/// A file that cannot be read at all (no usable header).
#[derive(Debug)]
pub(crate) struct Unreadable {
    pub format: Option<CsvFormat>,
    pub errors: Vec<LineError<FormatError>>,
}

/// Physical line numbers of record starts. The `csv` crate's own line count skips the line breaks
/// inside quoted fields, so lines are counted from the records' byte offsets, in one pass since
/// records come in order (and the position given is before the empty lines the reader skips).
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_of(&mut self, record: &csv::StringRecord) -> usize {
        let Some(mut target) = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
        else {
            return self.line;
        };
        // The position is taken before the reader skips empty lines.
        while matches!(self.text.get(target), Some(b'\r' | b'\n')) {
            target += 1;
        }
        if target > self.offset {
            let end = target.min(self.text.len());
            let start = self.offset.min(end);
            self.line += self
                .text
                .get(start..end)
                .map_or(0, |s| s.iter().filter(|&&b| b == b'\n').count());
            self.offset = end;
        }
        self.line
    }
}

/// Decodes, detects the separator, matches the header against `specs` and splits the rows.
pub(crate) fn read_table(bytes: &[u8], specs: &[ColumnSpec]) -> Result<Table, Unreadable> {
    let (text, encoding) = decode(bytes).map_err(|e| Unreadable {
        format: None,
        errors: vec![e],
    })?;
    let separator = detect_separator(&text).map_err(|kind| Unreadable {
        format: None,
        errors: vec![LineError {
            line: Some(1),
            column: None,
            kind,
        }],
    })?;
    let format = CsvFormat {
        encoding,
        separator,
    };
    let fail = |line: Option<usize>, kind: FormatError| Unreadable {
        format: Some(format),
        errors: vec![LineError {
            line,
            column: None,
            kind,
        }],
    };
    if let Some(line) = unclosed_quote(&text, separator) {
        return Err(fail(Some(line), FormatError::UnclosedQuote));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator.byte())
        .from_reader(text.as_bytes());
    let mut lines = LineCounter {
        text: text.as_bytes(),
        offset: 0,
        line: 1,
    };
    let mut records = reader.records();
    let header = loop {
        match records.next() {
            None => return Err(fail(Some(1), FormatError::Empty)),
            Some(Err(e)) => return Err(fail(None, FormatError::Unreadable(e.to_string()))),
            Some(Ok(r)) if r.iter().all(|f| f.trim().is_empty()) => continue,
            Some(Ok(r)) => break r,
        }
    };
    let header_line = lines.line_of(&header);
    let mapping = match_header(&header, specs).map_err(|kinds| Unreadable {
        format: Some(format),
        errors: kinds
            .into_iter()
            .map(|kind| LineError {
                line: Some(header_line),
                column: None,
                kind,
            })
            .collect(),
    })?;
    let mut present = vec![false; specs.len()];
    for &spec_index in mapping.iter() {
        if let Some(p) = present.get_mut(spec_index) {
            *p = true;
        }
    }
    let expected = header.len();
    let mut rows = Vec::new();
    let mut row_errors = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().and_then(|p| usize::try_from(p.line()).ok());
                row_errors.push(LineError {
                    line,
                    column: None,
                    kind: FormatError::Unreadable(e.to_string()),
                });
                break;
            }
        };
        let line = lines.line_of(&record);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != expected {
            row_errors.push(LineError {
                line: Some(line),
                column: None,
                kind: FormatError::FieldCount {
                    found: record.len(),
                    expected,
                },
            });
            continue;
        }
        let mut fields = vec![String::new(); specs.len()];
        for (value, &spec_index) in record.iter().zip(mapping.iter()) {
            if let Some(slot) = fields.get_mut(spec_index) {
                *slot = value.replace("\r\n", "\n");
            }
        }
        rows.push(Row { line, fields });
    }
    Ok(Table {
        format,
        header_line,
        present,
        rows,
        row_errors,
    })
}

/// For each header field, the index of its column in `specs`; or every header problem.
fn match_header(
    header: &csv::StringRecord,
    specs: &[ColumnSpec],
) -> Result<Vec<usize>, Vec<FormatError>> {
    let mut errors = Vec::new();
    let mut mapping = Vec::with_capacity(header.len());
    let mut seen: Vec<Option<usize>> = vec![None; specs.len()];
    for (position, name) in header.iter().enumerate() {
        let folded = fold_header(name);
        let found = specs
            .iter()
            .position(|s| s.aliases.iter().any(|a| *a == folded));
        match found {
            Some(i) => {
                if let (Some(slot), Some(spec)) = (seen.get_mut(i), specs.get(i)) {
                    if let Some(first) = *slot {
                        errors.push(FormatError::DuplicateColumn {
                            column: spec.name,
                            first: header.get(first).unwrap_or("").trim().to_string(),
                            first_position: first + 1,
                            second: name.trim().to_string(),
                            second_position: position + 1,
                        });
                    } else {
                        *slot = Some(position);
                    }
                }
                mapping.push(i);
            }
            None => {
                errors.push(FormatError::UnknownColumn {
                    header: name.trim().to_string(),
                    suggestion: closest(&folded, specs),
                });
                mapping.push(usize::MAX);
            }
        }
    }
    let missing: Vec<&'static str> = specs
        .iter()
        .zip(&seen)
        .filter(|(s, seen)| s.required && seen.is_none())
        .map(|(s, _)| s.name)
        .collect();
    if !missing.is_empty() {
        errors.insert(0, FormatError::MissingColumns(missing));
    }
    if errors.is_empty() {
        Ok(mapping)
    } else {
        Err(errors)
    }
}

/// The known column whose accepted name is nearest to `folded` (edit distance at most a third of
/// its length, at least 2).
fn closest(folded: &str, specs: &[ColumnSpec]) -> Option<&'static str> {
    if folded.is_empty() {
        return None;
    }
    let mut best: Option<(usize, &'static str)> = None;
    for spec in specs {
        for alias in spec.aliases {
            let d = edit_distance(folded, alias);
            let limit = (alias.chars().count() / 3).max(2);
            if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, spec.name));
            }
        }
    }
    best.map(|(_, name)| name)
}

/// Levenshtein distance (header names are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let deletion = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insertion = current.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = current.get_mut(j + 1) {
                *slot = substitution.min(deletion).min(insertion);
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

/// A value shown in an error message: at most 60 characters, control characters escaped.
pub(crate) fn shown(value: &str) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == 60 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ColumnSpec] = &[
        ColumnSpec {
            name: "nom",
            aliases: &["nom"],
            required: true,
            multiline: false,
        },
        ColumnSpec {
            name: "date de naissance",
            aliases: &["datedenaissance", "naissance"],
            required: true,
            multiline: false,
        },
        ColumnSpec {
            name: "adresse postale",
            aliases: &["adressepostale"],
            required: false,
            multiline: true,
        },
    ];

    #[test]
    fn valid_utf8_is_read_as_utf8_and_anything_else_as_windows_1252() {
        assert_eq!(
            decode("é".as_bytes()).unwrap(),
            ("é".to_string(), TextEncoding::Utf8)
        );
        assert_eq!(
            decode(&[0xE9, b'a']).unwrap(),
            ("éa".to_string(), TextEncoding::Windows1252)
        );
        // 0x9C is « œ » in Windows-1252 (not in ISO-8859-1).
        assert_eq!(decode(&[0x9C]).unwrap().0, "œ");
    }

    #[test]
    fn a_utf8_byte_order_mark_is_removed_and_reported() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("nom".as_bytes());
        assert_eq!(
            decode(&bytes).unwrap(),
            ("nom".to_string(), TextEncoding::Utf8Bom)
        );
    }

    #[test]
    fn a_byte_order_mark_followed_by_windows_1252_is_refused_with_its_line() {
        let bytes = [0xEF, 0xBB, 0xBF, b'a', b'\n', b'b', 0xE9];
        let err = decode(&bytes).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert_eq!(err.kind, FormatError::InvalidUtf8AfterBom { byte: 0xE9 });
    }

    #[test]
    fn utf16_is_refused() {
        assert_eq!(
            decode(&[0xFF, 0xFE, b'n', 0]).unwrap_err().kind,
            FormatError::Utf16
        );
    }

    #[test]
    fn the_separator_is_the_most_frequent_of_semicolon_and_comma_outside_quotes() {
        assert_eq!(detect_separator("a;b;c\n1,2"), Ok(Separator::Semicolon));
        assert_eq!(detect_separator("a,b,\"c;d;e\""), Ok(Separator::Comma));
        assert_eq!(detect_separator("\n\na,b"), Ok(Separator::Comma));
        assert_eq!(detect_separator("nom"), Err(FormatError::NoSeparator));
        assert_eq!(detect_separator(" \n"), Err(FormatError::Empty));
    }

    #[test]
    fn an_unclosed_quote_is_found_with_the_line_where_it_opens() {
        assert_eq!(
            unclosed_quote("a;b\n1;\"x\n2;3\n", Separator::Semicolon),
            Some(2)
        );
        assert_eq!(
            unclosed_quote("a;b\n1;\"x\"\"y\n\"\n2;3\n", Separator::Semicolon),
            None
        );
        // A quote inside an unquoted field is a plain character.
        assert_eq!(
            unclosed_quote("a;b\n1;Jean \"Jo\n", Separator::Semicolon),
            None
        );
    }

    #[test]
    fn header_names_match_without_case_accents_or_punctuation() {
        let table = read_table("NOM;Date_de_Naissance\nA;1\n".as_bytes(), SPECS).unwrap();
        assert_eq!(table.present, vec![true, true, false]);
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].field(SPECS, 1), Ok("1"));
        assert_eq!(table.rows[0].field(SPECS, 2), Ok(""));
    }

    #[test]
    fn a_header_typo_names_the_missing_column_and_suggests_the_right_name() {
        let err = read_table("nom;date de naisance\n".as_bytes(), SPECS).unwrap_err();
        let messages: Vec<String> = err.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            messages,
            vec![
                "ligne 1 : colonne(s) obligatoire(s) absente(s) de l'en-tête : « date de naissance »",
                "ligne 1 : colonne « date de naisance » inconnue ; vouliez-vous dire « date de naissance » ?",
            ]
        );
    }

    #[test]
    fn a_column_given_twice_is_refused_with_both_positions() {
        let err = read_table("nom;naissance;Date de naissance\n".as_bytes(), SPECS).unwrap_err();
        assert_eq!(
            err.errors[0].kind,
            FormatError::DuplicateColumn {
                column: "date de naissance",
                first: "naissance".into(),
                first_position: 2,
                second: "Date de naissance".into(),
                second_position: 3
            }
        );
    }

    #[test]
    fn lines_are_physical_lines_even_after_a_quoted_line_break() {
        let text = "nom;naissance;adresse postale\nA;1;\"rue X\r\n75001 Paris\"\n\nB;2;\n";
        let table = read_table(text.as_bytes(), SPECS).unwrap();
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 5]);
        assert_eq!(table.rows[0].field(SPECS, 2), Ok("rue X\n75001 Paris"));
    }

    #[test]
    fn a_row_with_the_wrong_number_of_fields_is_refused_and_the_others_kept() {
        let table = read_table("nom;naissance\nA;1;x\nB;2\n".as_bytes(), SPECS).unwrap();
        assert_eq!(table.rows.len(), 1);
        assert_eq!(
            table.row_errors[0].to_string(),
            "ligne 2 : 3 champ(s) au lieu de 2 (autant que de colonnes dans l'en-tête) : \
             séparateur en trop ou manquant, ou champ contenant le séparateur sans guillemets ?"
        );
    }

    #[test]
    fn a_line_break_is_refused_outside_the_address_and_control_characters_everywhere() {
        let text = "nom;naissance;adresse postale\n\"A\nB\";1;\"x\ty\"\n";
        let table = read_table(text.as_bytes(), SPECS).unwrap();
        assert_eq!(table.rows[0].field(SPECS, 0), Err(FormatError::LineBreak));
        assert_eq!(
            table.rows[0].field(SPECS, 2),
            Err(FormatError::ControlCharacter('\t'))
        );
    }

    #[test]
    fn an_empty_file_or_a_blank_one_has_no_header() {
        assert!(read_table(b"", SPECS).is_err());
        assert!(read_table(b"\n\n", SPECS).is_err());
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("naisance", "naissance"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("chat", "chien"), 3);
    }
}

//! The counts file read by `urne-tally count`: one contest's counts, in TOML or JSON, as
//! documented in `docs/counts-file.md`.
//!
//! The file holds an optional `title` and `source`, and exactly one table naming the contest
//! kind (`batonnier`, `conseil`, `cnb_ordinal`, `cnb_general`, `cnb_seat_split`, `recensement`)
//! whose content is the input of the matching rule. Reading is strict: unknown fields, negative
//! numbers, wrong types and missing fields are errors naming the field path
//! (`batonnier.candidacies[2].votes`) and, when known, the line. The rule then checks the
//! figures' consistency, with the same paths.
//!
//! Tie-break dates are optional and required only when a tie actually needs them: this lets
//! anyone check a published result without knowing every candidate's birth date, and the error
//! names the exact date a tie needs.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::cnb_seat_split::{SeatSplit, SeatSplitInput, split_cnb_seats};
use super::common::RuleError;
use super::method_batonnier::{BatonnierCounts, BatonnierResult, count_batonnier};
use super::method_cnb_general::{GeneralCounts, GeneralResult, count_cnb_general};
use super::method_cnb_ordinal::{OrdinalCounts, OrdinalResult, count_cnb_ordinal};
use super::method_conseil::{ConseilCounts, ConseilResult, count_conseil};
use super::recensement::{Recensement, RecensementResult, count_recensement};

/// A counts file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountsFile {
    /// Title printed at the top of the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where the figures come from (a PV, a publication).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Bâtonnier, one round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batonnier: Option<BatonnierCounts>,
    /// Conseil de l'ordre, one round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conseil: Option<ConseilCounts>,
    /// CNB collège ordinal, one scrutin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cnb_ordinal: Option<OrdinalCounts>,
    /// CNB collège général, one circonscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cnb_general: Option<GeneralCounts>,
    /// CNB seat split between the circonscriptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cnb_seat_split: Option<SeatSplitInput>,
    /// CNB recensement général.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recensement: Option<Recensement>,
}

/// The result of counting a file's contest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ContestResult {
    /// Bâtonnier.
    Batonnier(BatonnierResult),
    /// Conseil de l'ordre.
    Conseil(ConseilResult),
    /// CNB collège ordinal.
    CnbOrdinal(OrdinalResult),
    /// CNB collège général.
    CnbGeneral(GeneralResult),
    /// CNB seat split.
    CnbSeatSplit(SeatSplit),
    /// CNB recensement général.
    Recensement(RecensementResult),
}

/// A counted file: its title and source, and the result (what `--json` prints).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    /// The file's title.
    pub title: Option<String>,
    /// The file's source.
    pub source: Option<String>,
    /// The result.
    pub result: ContestResult,
}

/// The syntax of a counts file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl Format {
    /// By extension (`.toml`, `.json`), else by content (a JSON document starts with `{`).
    pub fn guess(path: &Path, text: &str) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            Some(e) if e.eq_ignore_ascii_case("toml") => Format::Toml,
            _ if text.trim_start().starts_with('{') => Format::Json,
            _ => Format::Toml,
        }
    }
}

/// An error in a counts file: which file, which field, which line, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct CountsError {
    /// The file, when read from disk.
    pub file: Option<String>,
    /// Path of the field, e.g. `batonnier.candidacies[2].votes`.
    pub field: Option<String>,
    /// Line in the file, when the parser knows it.
    pub line: Option<usize>,
    /// French explanation.
    pub message: String,
}

impl fmt::Display for CountsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
            write!(f, " : ")?;
        } else if let Some(line) = self.line {
            write!(f, "ligne {line} : ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field} : ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl CountsError {
    fn with_file(mut self, file: &Path) -> Self {
        self.file = Some(file.display().to_string());
        self
    }
}

impl From<RuleError> for CountsError {
    fn from(e: RuleError) -> Self {
        CountsError {
            file: None,
            field: Some(e.field),
            line: None,
            message: e.message,
        }
    }
}

/// Puts serde's usual messages into French, keeping field names as they are.
fn french_serde_message(msg: &str) -> String {
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("champ obligatoire manquant : {rest}");
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        return format!("champ inconnu : {rest}")
            .replace(", expected one of ", " ; champs admis : ")
            .replace(", expected ", " ; champ admis : ");
    }
    if let Some(rest) = msg.strip_prefix("duplicate field ") {
        return format!("champ en double : {rest}");
    }
    if msg.starts_with("invalid value: integer `-") {
        let value = msg.split('`').nth(1).unwrap_or_default();
        return format!("valeur {value} invalide : un nombre entier positif ou nul est attendu");
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        return format!("valeur invalide : {rest}");
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        return format!("type invalide : {rest}");
    }
    if msg.starts_with("EOF while parsing") {
        return "fin du fichier inattendue : document JSON incomplet".to_string();
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        return format!("valeur inconnue : {rest}")
            .replace(", expected one of ", " ; valeurs admises : ");
    }
    msg.to_string()
}

fn path_string(path: &serde_path_to_error::Path) -> Option<String> {
    // serde_path_to_error writes `?` for a segment it could not name (a syntax error).
    let s = path.to_string();
    let s = s.trim_end_matches(".?").trim_end_matches('?');
    (s != "." && !s.is_empty()).then(|| s.to_string())
}

/// Parses a counts file's text.
pub fn parse_counts(text: &str, format: Format) -> Result<CountsFile, CountsError> {
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let file: CountsFile = serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let field = path_string(e.path());
                let inner = e.into_inner();
                CountsError {
                    file: None,
                    field,
                    line: Some(inner.line()).filter(|&l| l > 0),
                    message: french_serde_message(&inner.to_string()),
                }
            })?;
            de.end().map_err(|e| CountsError {
                file: None,
                field: None,
                line: Some(e.line()),
                message: "contenu après la fin du document JSON".to_string(),
            })?;
            Ok(file)
        }
        Format::Toml => {
            let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, None, &e))?;
            serde_path_to_error::deserialize(de).map_err(|e| {
                let field = path_string(e.path());
                toml_error(text, field, e.inner())
            })
        }
    }
}

fn toml_error(text: &str, field: Option<String>, e: &toml::de::Error) -> CountsError {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    CountsError {
        file: None,
        field,
        line,
        message: french_serde_message(e.message()),
    }
}

/// Reads and parses a counts file from disk; errors name the file.
pub fn read_counts_file(path: &Path) -> Result<CountsFile, CountsError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CountsError {
            file: None,
            field: None,
            line: None,
            message: format!("lecture impossible : {e}"),
        }
        .with_file(path)
    })?;
    parse_counts(&text, Format::guess(path, &text)).map_err(|e| e.with_file(path))
}

impl CountsFile {
    /// Applies the contest's rule. Errors name the field under the contest's table
    /// (`batonnier.figures.votants`).
    pub fn count(&self) -> Result<Counted, CountsError> {
        let mut present = Vec::new();
        let mut result = None;
        macro_rules! kind {
            ($field:ident, $name:literal, $rule:ident, $variant:ident) => {
                if let Some(c) = &self.$field {
                    present.push($name);
                    if result.is_none() {
                        result = Some(
                            $rule(c)
                                .map(ContestResult::$variant)
                                .map_err(|e| CountsError::from(e.prefixed($name))),
                        );
                    }
                }
            };
        }
        kind!(batonnier, "batonnier", count_batonnier, Batonnier);
        kind!(conseil, "conseil", count_conseil, Conseil);
        kind!(cnb_ordinal, "cnb_ordinal", count_cnb_ordinal, CnbOrdinal);
        kind!(cnb_general, "cnb_general", count_cnb_general, CnbGeneral);
        kind!(
            cnb_seat_split,
            "cnb_seat_split",
            split_cnb_seats,
            CnbSeatSplit
        );
        kind!(recensement, "recensement", count_recensement, Recensement);
        if present.len() > 1 {
            return Err(CountsError {
                file: None,
                field: Some(present[1].to_string()),
                line: None,
                message: format!(
                    "un fichier de comptes décrit un seul scrutin ; trouvé : {}",
                    present.join(", ")
                ),
            });
        }
        let result = result.ok_or_else(|| CountsError {
            file: None,
            field: None,
            line: None,
            message: "aucun scrutin : ajouter une table batonnier, conseil, cnb_ordinal, cnb_general, cnb_seat_split ou recensement".to_string(),
        })??;
        Ok(Counted {
            title: self.title.clone(),
            source: self.source.clone(),
            result,
        })
    }
}

/// Reads a counts file and counts it: what `urne-tally count` does before printing.
pub fn count_file(path: &Path) -> Result<Counted, CountsError> {
    read_counts_file(path)?
        .count()
        .map_err(|e| e.with_file(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::method_batonnier::BatonnierOutcome;

    const PARIS: &str = r#"
title = "Test"
[batonnier]
round = 2
[batonnier.figures]
votants = 11392
blancs = 214
nuls = 0
[[batonnier.candidacies]]
id = "A"
label = "Candidat A"
votes = 6996
[[batonnier.candidacies]]
id = "B"
label = "Candidat B"
votes = 4182
"#;

    fn err(text: &str) -> CountsError {
        match parse_counts(text, Format::Toml) {
            Err(e) => e,
            Ok(f) => f.count().unwrap_err(),
        }
    }

    #[test]
    fn a_toml_counts_file_is_read_and_counted() {
        let c = parse_counts(PARIS, Format::Toml).unwrap().count().unwrap();
        let ContestResult::Batonnier(r) = c.result else {
            panic!()
        };
        assert_eq!(r.outcome, BatonnierOutcome::Elected { id: "A".into() });
    }

    #[test]
    fn the_same_counts_in_json_give_the_same_result() {
        let file = parse_counts(PARIS, Format::Toml).unwrap();
        let json = serde_json::to_string(&file).unwrap();
        let back = parse_counts(&json, Format::Json).unwrap();
        assert_eq!(back, file);
        assert_eq!(back.count().unwrap(), file.count().unwrap());
    }

    #[test]
    fn a_negative_number_names_the_field_and_line() {
        let e = err(&PARIS.replace("votes = 4182", "votes = -4182"));
        assert_eq!(e.field.as_deref(), Some("batonnier.candidacies[1].votes"));
        assert_eq!(e.line, Some(16));
        assert!(e.message.contains("-4182"), "{}", e.message);
    }

    #[test]
    fn an_unknown_field_is_rejected() {
        let e = err(&PARIS.replace("nuls = 0", "nuls = 0\nexprimes = 3"));
        assert_eq!(e.field.as_deref(), Some("batonnier.figures.exprimes"));
        assert!(e.message.contains("champ inconnu"), "{}", e.message);
        assert!(e.message.contains("exprimes"), "{}", e.message);
    }

    #[test]
    fn a_missing_field_is_named() {
        let e = err(&PARIS.replace("votants = 11392\n", ""));
        assert_eq!(e.field.as_deref(), Some("batonnier.figures"));
        assert!(e.message.contains("votants"), "{}", e.message);
    }

    #[test]
    fn inconsistent_votants_name_the_field_under_the_contest() {
        let e = err(&PARIS.replace("votants = 11392", "votants = 11393"));
        assert_eq!(e.field.as_deref(), Some("batonnier.figures.votants"));
    }

    #[test]
    fn two_contests_in_one_file_are_rejected() {
        let text = format!(
            "{PARIS}\n[cnb_seat_split]\nseats = 40\nparis_avocats = 1\nnational_avocats = 1\n"
        );
        let e = err(&text);
        assert_eq!(e.field.as_deref(), Some("cnb_seat_split"));
    }

    #[test]
    fn a_file_without_contest_is_rejected() {
        let e = err("title = \"rien\"\n");
        assert!(e.message.contains("aucun scrutin"));
    }

    #[test]
    fn json_errors_name_the_field_and_line() {
        let text = "{\n  \"cnb_seat_split\": {\n    \"seats\": \"quarante\"\n  }\n}";
        let e = parse_counts(text, Format::Json).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("cnb_seat_split.seats"));
        assert_eq!(e.line, Some(3));
        assert!(e.message.starts_with("type invalide"), "{}", e.message);
    }

    #[test]
    fn every_example_result_reads_back_from_its_json() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/counts");
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                continue;
            }
            let counted = count_file(&path).unwrap();
            let json = serde_json::to_string(&counted).unwrap();
            let back: Counted = serde_json::from_str(&json).unwrap();
            assert_eq!(back, counted, "{}", path.display());
            n += 1;
        }
        assert!(n >= 9);
    }

    #[test]
    fn the_format_is_guessed_from_the_extension_then_the_content() {
        assert_eq!(Format::guess(Path::new("a.json"), ""), Format::Json);
        assert_eq!(Format::guess(Path::new("a.TOML"), "{"), Format::Toml);
        assert_eq!(Format::guess(Path::new("a"), "  {"), Format::Json);
        assert_eq!(Format::guess(Path::new("a"), "x = 1"), Format::Toml);
    }
}

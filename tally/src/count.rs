//! `urne-tally count FILE [--json]`: computes a result from a counts file (docs/counts-file.md)
//! and prints the French table with every intermediate figure, or the result as JSON.
//!
//! This is how a bureau checks its paper counts and how anyone checks a published result.

use std::io::Write;
use std::path::PathBuf;

use urne::rules::counts_file::{CountsError, count_file};
use urne::rules::report::render;

/// Exit code for a malformed or inconsistent counts file.
pub const EXIT_INPUT_ERROR: u8 = 2;
/// Exit code when the output cannot be written.
pub const EXIT_OUTPUT_ERROR: u8 = 1;

/// Arguments of `urne-tally count`.
#[derive(Debug, Clone, clap::Args)]
pub struct CountArgs {
    /// The counts file (TOML or JSON, see docs/counts-file.md).
    pub file: PathBuf,
    /// Print the result as JSON instead of the French table.
    #[arg(long)]
    pub json: bool,
}

/// Why `count` failed.
#[derive(Debug, thiserror::Error)]
pub enum CountError {
    /// The counts file is malformed or inconsistent (exit code 2).
    #[error("{0}")]
    Input(#[from] CountsError),
    /// The result could not be written (exit code 1).
    #[error("écriture du résultat impossible : {0}")]
    Output(String),
}

impl CountError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CountError::Input(_) => EXIT_INPUT_ERROR,
            CountError::Output(_) => EXIT_OUTPUT_ERROR,
        }
    }
}

/// Counts `args.file` and writes the report (or JSON) to `out`.
pub fn run_count(args: &CountArgs, out: &mut impl Write) -> Result<(), CountError> {
    let counted = count_file(&args.file)?;
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&counted)
            .map_err(|e| CountError::Output(e.to_string()))?;
        s.push('\n');
        s
    } else {
        render(&counted)
    };
    out.write_all(text.as_bytes())
        .map_err(|e| CountError::Output(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_an_input_error_naming_the_file() {
        let args = CountArgs {
            file: PathBuf::from("/nonexistent/comptes.toml"),
            json: false,
        };
        let e = run_count(&args, &mut Vec::new()).unwrap_err();
        assert_eq!(e.exit_code(), EXIT_INPUT_ERROR);
        assert!(e.to_string().contains("/nonexistent/comptes.toml"));
    }
}

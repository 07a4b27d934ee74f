//! urne-verify: the observers' offline verifier (issue 7; docs/observer-guide.md).
//!
//! `urne-verify ARCHIVE [--pv PV.json] [--receipt R.json]… [--json] [--lang fr|en]` runs
//! [`urne::verify::verify`] over the archive in one streaming pass and prints its report. Exit
//! status: 0 valid, 1 invalid, 2 could not run. The progress bar (on standard error) is drawn
//! only on a terminal. Depends on the core library alone.

mod cli;

pub use cli::{Cli, LangArg};

use indicatif::{ProgressBar, ProgressStyle};
use std::fs::File;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use urne::board::Receipt;
use urne::pv::Pv;
use urne::verify::{Lang, Options, Progress, Report, Verdict, verify};

/// Exit status of a valid election.
pub const EXIT_VALID: u8 = 0;
/// Exit status of an invalid election.
pub const EXIT_INVALID: u8 = 1;
/// Exit status when the verification could not run.
pub const EXIT_ERROR: u8 = 2;

/// What could not be read before verifying.
#[derive(Debug)]
pub struct InputError {
    /// French message.
    pub fr: String,
    /// English message.
    pub en: String,
}

fn read_receipt(path: &Path) -> Result<Receipt, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError {
        fr: format!("{} : lecture impossible : {e}", path.display()),
        en: format!("{}: cannot read: {e}", path.display()),
    })?;
    Receipt::from_json(&text).map_err(|e| InputError {
        fr: format!("{} : {e}", path.display()),
        en: format!("{}: not a valid receipt file: {e}", path.display()),
    })
}

fn read_pv(path: &Path) -> Result<Pv, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError {
        fr: format!("{} : lecture impossible : {e}", path.display()),
        en: format!("{}: cannot read: {e}", path.display()),
    })?;
    Pv::from_json(&text).map_err(|e| InputError {
        fr: format!("{} : {e}", path.display()),
        en: format!("{}: not a valid procès-verbal file: {e}", path.display()),
    })
}

/// Reads the side files and verifies the archive, drawing progress through `progress`.
pub fn check(cli: &Cli, progress: &mut dyn FnMut(&Progress)) -> Result<Report, InputError> {
    let pv = cli.pv.as_deref().map(read_pv).transpose()?;
    let receipts = cli
        .receipts
        .iter()
        .map(|p| read_receipt(p))
        .collect::<Result<Vec<_>, _>>()?;
    let file = File::open(&cli.archive).map_err(|e| InputError {
        fr: format!("{} : ouverture impossible : {e}", cli.archive.display()),
        en: format!("{}: cannot open: {e}", cli.archive.display()),
    })?;
    let options = Options {
        pv,
        receipts,
        ..Options::default()
    };
    Ok(verify(file, &options, progress).report)
}

fn lang(cli: &Cli) -> Lang {
    match cli.lang {
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    }
}

fn bar(cli: &Cli) -> Option<ProgressBar> {
    if cli.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let len = std::fs::metadata(&cli.archive).map(|m| m.len()).ok()?;
    let bar = ProgressBar::new(len);
    let template = match cli.lang {
        LangArg::Fr => {
            "{bar:40} {percent:>3} % {binary_bytes}/{binary_total_bytes} {msg} ({eta} restantes)"
        }
        LangArg::En => {
            "{bar:40} {percent:>3}% {binary_bytes}/{binary_total_bytes} {msg} ({eta} left)"
        }
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    Some(bar)
}

/// The whole program: verify, print the report, return the exit status.
pub fn run(cli: &Cli) -> ExitCode {
    let bar = bar(cli);
    let english = cli.lang == LangArg::En;
    let mut last = 0u64;
    let mut on_progress = |p: &Progress| {
        if let Some(b) = &bar
            && (p.events >= last + 256 || p.events < last)
        {
            last = p.events;
            b.set_position(p.bytes);
            b.set_message(if english {
                format!("{} events, {} ballots verified", p.events, p.ballots)
            } else {
                format!("{} événements, {} bulletins vérifiés", p.events, p.ballots)
            });
        }
    };
    let outcome = check(cli, &mut on_progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let report = match outcome {
        Ok(r) => r,
        Err(e) => {
            eprintln!("urne-verify : {}", if english { &e.en } else { &e.fr });
            return ExitCode::from(EXIT_ERROR);
        }
    };
    if cli.json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("urne-verify : {e}");
                return ExitCode::from(EXIT_ERROR);
            }
        }
    } else {
        print!(
            "{}",
            report.render(lang(cli), &cli.archive.display().to_string())
        );
    }
    ExitCode::from(match report.verdict {
        Verdict::Valid => EXIT_VALID,
        Verdict::Invalid => EXIT_INVALID,
        Verdict::Error => EXIT_ERROR,
    })
}

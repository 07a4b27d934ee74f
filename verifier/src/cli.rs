//! The command line.

use std::path::PathBuf;

/// Language of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    /// Français.
    Fr,
    /// English.
    En,
}

/// Vérifie une élection Urne de bout en bout, hors ligne, à partir de son archive seule.
///
/// Checks an Urne election end to end, offline, from its archive alone: the hash chain, the
/// bâtonnier's seal, the bureau's key, the credentials, the proxies, every ballot's signature
/// and proofs, the encrypted tally, the partial decryptions, the result; with --pv, the
/// procès-verbal and its signatures; with --receipt, that an elector's ballot is in the box.
///
/// Exit status: 0 valid, 1 invalid, 2 could not run (file missing or unreadable).
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "urne-verify", version, about, long_about)]
pub struct Cli {
    /// The archive of the election (`.urne` file, as downloaded from the ordre's server).
    pub archive: PathBuf,
    /// The procès-verbal (`pv.json`) to check against the archive.
    #[arg(long, value_name = "PV.json")]
    pub pv: Option<PathBuf>,
    /// An elector's receipt (`recepisse.json`) whose ballot must be in the archive; repeatable.
    #[arg(long = "receipt", value_name = "R.json")]
    pub receipts: Vec<PathBuf>,
    /// Print the report as JSON (for programs) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Language of the text report.
    #[arg(long, value_enum, default_value = "fr")]
    pub lang: LangArg,
    /// No progress bar, even on a terminal.
    #[arg(long)]
    pub quiet: bool,
}

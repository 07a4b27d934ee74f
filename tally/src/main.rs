//! urne-tally: the bureau's program (bâtonnier and scrutateurs).
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use urne_tally::count::{CountArgs, run_count};

/// The bureau's program.
#[derive(Debug, Parser)]
#[command(name = "urne-tally", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compute a result from a counts file (TOML or JSON) and print it with every figure.
    Count(CountArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Count(args) => match run_count(&args, &mut std::io::stdout().lock()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("urne-tally count : erreur : {e}");
                ExitCode::from(e.exit_code())
            }
        },
    }
}

use std::process::ExitCode;

use clap::Parser;

/// The bureau's program.
#[derive(Debug, Parser)]
#[command(name = "urne-tally", version, about)]
struct Cli {}

fn main() -> ExitCode {
    let _cli = Cli::parse();
    ExitCode::SUCCESS
}

use std::process::ExitCode;

use clap::Parser;

/// Urne offline verifier.
#[derive(Debug, Parser)]
#[command(name = "urne-verify", version, about)]
struct Cli {}

fn main() -> ExitCode {
    let _cli = Cli::parse();
    ExitCode::SUCCESS
}

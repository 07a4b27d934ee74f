use std::process::ExitCode;

use clap::Parser;

/// Urne voting server.
#[derive(Debug, Parser)]
#[command(name = "urne-server", version, about)]
struct Cli {}

fn main() -> ExitCode {
    let _cli = Cli::parse();
    ExitCode::SUCCESS
}

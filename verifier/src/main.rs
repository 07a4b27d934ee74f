//! urne-verify: the observers' offline verifier (see the library for everything it does).
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    urne_verify::run(&urne_verify::Cli::parse())
}

//! urne-server: the voting server. Thin: everything is in the library.
use std::process::ExitCode;

use clap::Parser;
use urne_server::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs on stderr, so that `--json` answers on stdout stay clean; the admin commands only
    // warn by default (their answer is what they print).
    let default = match cli.command {
        Command::Serve(_) => "info",
        Command::Admin(_) => "warn",
        // The demo's answer is its printed text too.
        Command::Demo(_) => "warn",
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("URNE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default)),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("urne-server : démarrage impossible : {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => match args.run().await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("urne-server : {e:#}");
                    ExitCode::from(2)
                }
            },
            Command::Demo(args) => match args.run().await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("urne-server : {e:#}");
                    ExitCode::from(2)
                }
            },
            Command::Admin(args) => match args.run().await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("urne-server : {e}");
                    urne_server::cli::admin::exit_code(&e)
                }
            },
        }
    })
}

//! The command line: one file per subcommand.

pub mod admin;
pub mod demo;
pub mod serve;

use clap::{Parser, Subcommand};

/// Urne voting server.
#[derive(Debug, Parser)]
#[command(name = "urne-server", version, about = "Serveur de vote Urne")]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the elector pages, the ballot box and the public board.
    Serve(serve::ServeArgs),
    /// Administer the elections: accounts, definition, roll, candidacies, codes, proxies, key
    /// ceremony, seal, vote, publication (issue 5).
    Admin(admin::AdminArgs),
    /// Start the server with a demonstration barreau, voting open, and print the codes of a few
    /// electors and the commands of the count (issue 8).
    Demo(demo::DemoArgs),
}

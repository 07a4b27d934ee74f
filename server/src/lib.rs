//! # urne-server — the voting server (issue 4)
//!
//! What electors and the public touch: the elector's pages from login to receipt, the ballot box
//! as a hash chain in a database (SQLite or PostgreSQL), the public board and archive. The
//! election set-up is a Rust API ([`setup`]) that the admin pages and CLI (issue 5) and the demo
//! (issue 8) wrap.
//!
//! - [`config`], [`cli`]: `urne-server serve` and its configuration;
//! - [`db`]: the database and its migrations (and why `sqlx::Any`);
//! - [`keys`]: the server and ordre signing keys;
//! - [`setup`]: creating, preparing and sealing an election;
//! - [`election`]: a sealed election's fixed parameters;
//! - [`ballots`]: ballot verification and the group-commit appender;
//! - [`close`]: the close of the vote and the encrypted tally;
//! - [`web`]: routes, pages, the public JSON API, the protections;
//! - [`admin`]: election administration (issue 5): staff accounts and audit, roll, candidacies,
//!   codes and letters, proxies, key ceremony relay, sealing, running the vote, publication;
//! - [`fixture`]: a complete sealed, open election built in-process, for tests and the demo;
//! - `testkit` (feature `test-support`): the test harness shared by the server's tests and the
//!   end-to-end crate (a server over HTTP on SQLite or PostgreSQL, electors, staff, bureau).

pub mod admin;
pub mod ballots;
pub mod chain;
pub mod cli;
pub mod close;
pub mod db;
pub mod election;
pub mod error;
pub mod fixture;
pub mod frtime;
pub mod keys;
pub mod server;
pub mod setup;
#[cfg(feature = "test-support")]
pub mod testkit;
pub mod web;

pub use error::{Error, Result};

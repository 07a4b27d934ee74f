//! # urne — the core library
//!
//! One implementation of everything that decides an election, shared by `urne-server`,
//! `urne-tally`, `urne-verify` and, compiled to wasm, by the voter's browser (`booth/`):
//!
//! - [`archive`]: the archive file, streamed;
//! - [`ceremony`]: the bureau's key ceremony between people: its id, signed messages, genesis check;
//! - [`board`]: the ballot box as hash-chained typed events, signed heads and receipts;
//! - [`crypto`]: codes, credentials, encrypted ballots and their proofs, the bureau's key, tally and decryption;
//! - [`encoding`]: the canonical binary encoding of everything hashed or signed;
//! - [`model`]: electors, candidacies, contests and the décret's validation rules;
//! - [`count`]: from the decrypted counts, the board's figures and the paper counts to the
//!   election's result (the `Result` event);
//! - [`pv`]: the procès-verbal: what it states, its hash, its signatures, paper-count records;
//! - [`keystore`]: a bureau member's key file, encrypted under a passphrase;
//! - [`rules`]: the counting rules of décret n°91-1197, one file each, from counts to a
//!   result that keeps every figure the procès-verbal prints;
//! - [`verify`]: the end-to-end verification of an election from its archive alone.
#![forbid(unsafe_code)]

pub mod archive;
pub mod board;
pub mod ceremony;
pub mod count;
pub mod crypto;
pub mod encoding;
#[cfg(feature = "keystore")]
pub mod keystore;
pub mod model;
pub mod pv;
pub mod rules;
pub mod verify;

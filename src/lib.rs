//! # urne — the core library
//!
//! One implementation of everything that decides an election, shared by `urne-server`,
//! `urne-tally`, `urne-verify` and, compiled to wasm, by the voter's browser (`booth/`):
//!
//! - [`archive`]: the archive file, streamed;
//! - [`board`]: the ballot box as hash-chained typed events, signed heads and receipts;
//! - [`crypto`]: codes, credentials, encrypted ballots and their proofs, the bureau's key, tally and decryption;
//! - [`encoding`]: the canonical binary encoding of everything hashed or signed;
//! - [`model`]: electors, candidacies, contests and the décret's validation rules;
//! - [`rules`]: the counting rules of décret n°91-1197, one file each, from counts to a
//!   result that keeps every figure the procès-verbal prints;
//! - [`verify`]: the end-to-end verification of an election from its archive alone.
#![forbid(unsafe_code)]

pub mod archive;
pub mod board;
pub mod crypto;
pub mod encoding;
pub mod model;
pub mod rules;
pub mod verify;

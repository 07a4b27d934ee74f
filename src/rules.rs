//! The counting rules of décret n°91-1197, one file each.
//!
//! Every rule is a pure function from counts to a result that keeps every figure the
//! procès-verbal prints: inscrits, votants, blancs, nuls, exprimés, the majority threshold, the
//! quotient, the averages seat by seat, and each tie with the décret passage that broke it.
//! Counts are `u64`, compared in `u128`; no floating point decides anything.
//!
//! - [`method_batonnier`]: bâtonnier (and vice-bâtonnier ticket), two rounds;
//! - [`method_conseil`]: conseil de l'ordre, individual candidacies or binômes, two rounds;
//! - [`method_cnb_ordinal`]: CNB collège ordinal, one scrutin per sex, weighted voices;
//! - [`method_cnb_general`]: CNB collège général, lists, 7 %, quotient, plus forte moyenne;
//! - [`cnb_seat_split`]: seats between the Paris and national circonscriptions;
//! - [`next_round`]: the second round derived from a first round;
//! - [`recensement`]: the CNB recensement général over the barreaux' procès-verbaux;
//! - [`counts_file`]: the counts file (TOML or JSON) read by `urne-tally count`;
//! - [`report`]: the French text rendering of a result.

pub mod cnb_seat_split;
pub mod common;
pub mod counts_file;
pub mod method_batonnier;
pub mod method_cnb_general;
pub mod method_cnb_ordinal;
pub mod method_conseil;
pub mod next_round;
pub mod recensement;
pub mod report;

//! End-to-end verification of an election from its archive alone (docs/protocol.md §Verifying an
//! election; issue 7). Used by `urne-verify` and by `urne-tally decrypt` and `result`, which
//! verify the whole archive before they decrypt or count.
//!
//! [`verify`] reads an archive (any `Read`) once, in order, with flat memory: each event is
//! checked by the [`ChainChecker`](crate::board::ChainChecker) (hash chain, encoding, every rule
//! of the ballot box: seal, proxies, one ballot per credential, close, counting events), and the
//! cryptography is checked on top of it: the election definition and the bureau's key generation
//! against the genesis, the credentials' weights, every ballot (in parallel batches on all
//! cores, a bounded chunk at a time, each batch added to the tally where it is verified), the
//! encrypted tally against the recomputed one, every partial decryption's proofs, and the
//! combination. The outcome is a [`Report`] — every check with its status and count, the
//! fingerprints to compare with the procès-verbal, the first failure with its exact place — and,
//! when valid, the [`VerifiedElection`] the bureau's programs go on from.

// A failure is built at most once per verification: the size of `Result<_, Failure>` does not
// matter, and boxing it everywhere would only obscure the code.
#![allow(clippy::result_large_err)]

mod ballots;
mod diagnose;
mod election;
mod errors;
mod pv_check;
mod report;
mod run;
mod text;

#[cfg(any(test, feature = "test-support"))]
pub mod testkit;

pub use election::{ElectionContext, contest_shapes};
pub use errors::{archive_failure, chain_failure};
pub use report::{
    Check, CheckId, ContestCounts, ContestFigures, Failure, Fingerprints, Lang, Report, Stage,
    Status, Text, Verdict,
};
pub use run::{
    DEFAULT_CHUNK, Options, Progress, Verification, VerifiedElection, check_partial, verify,
};

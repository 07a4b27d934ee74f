//! urne-tally: the bureau's program (bâtonnier and scrutateurs).
//!
//! - [`count`]: `urne-tally count FILE [--json]`, a result from a counts file.

pub mod count;

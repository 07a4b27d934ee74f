//! urne-tally: the bureau's program (bâtonnier and scrutateurs), docs/bureau-guide.md.
//!
//! One file per subcommand:
//! - [`keygen`]: the member's key file and side of the key ceremony;
//! - [`sign_genesis`]: the bâtonnier seals the election;
//! - [`decrypt`]: a member's partial decryption of the tally;
//! - [`result`]: combination, count, extended archive, procès-verbal (JSON and PDF);
//! - [`sign`], [`show`]: signatures of the procès-verbal;
//! - [`paper`]: a polling station's signed paper counts;
//! - [`next_round`]: the second round's definition from a first round's PV;
//! - [`recensement`]: the CNB bureau's recensement général over the barreaux' PVs;
//! - [`count`]: a result from a counts file;
//! - [`relay`]: the HTTP client of the server's ceremony relay, for [`keygen`].
//!
//! Every subcommand returns a [`error::TallyError`] whose exit code is 1 when something is
//! refused (a check failed) and 2 when the command could not run.

pub mod count;
pub mod decrypt;
pub mod error;
pub mod io;
pub mod keygen;
pub mod next_round;
pub mod paper;
pub mod pdf;
pub mod recensement;
pub mod relay;
pub mod result;
pub mod show;
pub mod sign;
pub mod sign_genesis;
pub mod verified;

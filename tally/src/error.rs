//! The error of every subcommand, with its exit code (0 ok, 1 refused, 2 could not run).

use std::process::ExitCode;

/// Why a subcommand stopped. The message is French: the bureau reads it.
#[derive(Debug, thiserror::Error)]
pub enum TallyError {
    /// A check failed or the operation is refused (exit code 1): an archive that does not verify,
    /// a wrong passphrase, missing partial decryptions, a forged signature…
    #[error("{0}")]
    Refused(String),
    /// The command could not run (exit code 2): a missing or malformed file, a bad argument, an
    /// input/output error.
    #[error("{0}")]
    CannotRun(String),
}

impl TallyError {
    /// The process exit code.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            TallyError::Refused(_) => ExitCode::from(1),
            TallyError::CannotRun(_) => ExitCode::from(2),
        }
    }
}

/// A refusal.
pub fn refused(m: impl Into<String>) -> TallyError {
    TallyError::Refused(m.into())
}

/// A failure to run.
pub fn cannot(m: impl Into<String>) -> TallyError {
    TallyError::CannotRun(m.into())
}

impl From<urne::keystore::KeystoreError> for TallyError {
    fn from(e: urne::keystore::KeystoreError) -> Self {
        use urne::keystore::KeystoreError as K;
        match e {
            K::WrongPassphrase | K::Stage(_) => TallyError::Refused(e.to_string()),
            K::WeakPassphrase(_) | K::Format(_) | K::Secrets(_) => {
                TallyError::CannotRun(e.to_string())
            }
        }
    }
}

/// Result of a subcommand.
pub type TallyResult<T> = Result<T, TallyError>;

//! Errors of reading, writing and checking an archive: each names the event height (when there
//! is one) and the byte offset in the file.

use crate::board::ChainError;
use crate::encoding::DecodeError;

/// An archive that cannot be read, written or trusted.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// Reading or writing failed.
    #[error("octet {offset} : erreur d'entrée-sortie : {source}")]
    Io {
        /// Offset where it failed.
        offset: u64,
        /// The error.
        source: std::io::Error,
    },
    /// Not an Urne archive.
    #[error("ce fichier n'est pas une archive Urne (signature initiale absente)")]
    BadMagic,
    /// A layout version this code does not read.
    #[error(
        "version d'archive {version} non prise en charge (version {} attendue)",
        super::FORMAT_VERSION
    )]
    UnsupportedVersion {
        /// The version in the file.
        version: u32,
    },
    /// The file ends too early.
    #[error("archive tronquée à l'octet {offset} : {what} manquant (événement {height})")]
    Truncated {
        /// Height of the event being read, or the next one.
        height: u64,
        /// End of the file.
        offset: u64,
        /// What was being read.
        what: &'static str,
    },
    /// An unknown record tag.
    #[error(
        "octet {offset} : enregistrement de type {tag:#04x} inconnu (après {events} événements)"
    )]
    UnknownRecord {
        /// The tag.
        tag: u8,
        /// Its offset.
        offset: u64,
        /// Events read before it.
        events: u64,
    },
    /// An event length above [`super::MAX_EVENT_LEN`].
    #[error("octet {offset} : événement {height} de {len} octets, au-delà du maximum")]
    EventTooLong {
        /// Height of the event.
        height: u64,
        /// Offset of its length.
        offset: u64,
        /// The length.
        len: u64,
    },
    /// An event after the signed head.
    #[error("octet {offset} : événement {height} après la tête signée")]
    EventAfterHead {
        /// Height of the event.
        height: u64,
        /// Its offset.
        offset: u64,
    },
    /// A second signed head.
    #[error("octet {offset} : seconde tête signée")]
    HeadAgain {
        /// Its offset.
        offset: u64,
    },
    /// A signed head that does not decode.
    #[error("octet {offset} : tête signée illisible : {error}")]
    Head {
        /// Its offset.
        offset: u64,
        /// Why.
        error: DecodeError,
    },
    /// The end record states another number of events than the file holds.
    #[error(
        "octet {offset} : la marque de fin annonce {stated} événements, l'archive en contient {actual}"
    )]
    CountMismatch {
        /// Offset of the end record.
        offset: u64,
        /// Number stated.
        stated: u64,
        /// Number read.
        actual: u64,
    },
    /// Bytes after the end record.
    #[error("octet {offset} : données après la marque de fin")]
    TrailingBytes {
        /// Offset of the first extra byte.
        offset: u64,
    },
    /// An event breaks a rule of the ballot box.
    #[error("octet {offset} : {error}")]
    Chain {
        /// Offset of the event's record.
        offset: u64,
        /// The rule broken (it names the height).
        error: ChainError,
    },
    /// The writer was given something that would make a wrong archive.
    #[error("écriture de l'archive : {0}")]
    Misuse(String),
}

impl ArchiveError {
    /// The height of the event concerned, when there is one.
    pub fn height(&self) -> Option<u64> {
        match self {
            ArchiveError::Truncated { height, .. }
            | ArchiveError::EventTooLong { height, .. }
            | ArchiveError::EventAfterHead { height, .. } => Some(*height),
            ArchiveError::Chain { error, .. } => error.height(),
            _ => None,
        }
    }

    /// The byte offset in the file, when there is one.
    pub fn offset(&self) -> Option<u64> {
        match self {
            ArchiveError::Io { offset, .. }
            | ArchiveError::Truncated { offset, .. }
            | ArchiveError::UnknownRecord { offset, .. }
            | ArchiveError::EventTooLong { offset, .. }
            | ArchiveError::EventAfterHead { offset, .. }
            | ArchiveError::HeadAgain { offset }
            | ArchiveError::Head { offset, .. }
            | ArchiveError::CountMismatch { offset, .. }
            | ArchiveError::TrailingBytes { offset }
            | ArchiveError::Chain { offset, .. } => Some(*offset),
            ArchiveError::BadMagic
            | ArchiveError::UnsupportedVersion { .. }
            | ArchiveError::Misuse(_) => None,
        }
    }
}

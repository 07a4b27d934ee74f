//! The archive file: the whole ballot box as one streamable file, written and read incrementally
//! in constant memory (docs/protocol.md §Archive file). `urne-server` streams it at
//! `GET /elections/{id}/archive`; `urne-tally` and `urne-verify` read it and nothing else.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! header   magic  89 55 52 4E 45 0D 0A 1A   ("\x89URNE\r\n\x1a")
//!          version u32 = 1
//! records  'E' (0x45)  u32 length, then that many bytes: one encoded event, heights 0, 1, 2, …
//!          'H' (0x48)  136 bytes: the server's signed head of the last event (optional, once)
//!          'Z' (0x5A)  u64 number of events: the end; nothing may follow
//! ```
//!
//! Extension `.urne`, media type `application/vnd.urne.archive`.

mod check;
mod error;
mod reader;
mod writer;

#[cfg(test)]
mod vectors;

pub use check::{ArchiveSummary, check_archive};
pub use error::ArchiveError;
pub use reader::{ArchiveReader, ArchivedEvent};
pub use writer::{ArchiveWriter, end_record, event_record, head_record, header};

/// The first 8 bytes of an archive. The non-ASCII first byte and the CR LF / SUB bytes (as in
/// PNG) make a text-mode transfer or a wrong file type fail at once.
pub const MAGIC: [u8; 8] = *b"\x89URNE\r\n\x1a";
/// Version of the archive layout.
pub const FORMAT_VERSION: u32 = 1;
/// Length of the header (magic + version).
pub const HEADER_LEN: usize = 12;
/// File extension, without the dot.
pub const EXTENSION: &str = "urne";
/// Media type of the download.
pub const MEDIA_TYPE: &str = "application/vnd.urne.archive";
/// Longest event accepted: a payload of [`crate::encoding::MAX_LEN`] plus the event's own fields
/// (height 8, parent 32, kind 1, payload length 4).
pub const MAX_EVENT_LEN: usize = crate::encoding::MAX_LEN + 45;

/// Record tag of an event.
pub const TAG_EVENT: u8 = b'E';
/// Record tag of the signed head.
pub const TAG_HEAD: u8 = b'H';
/// Record tag of the end.
pub const TAG_END: u8 = b'Z';

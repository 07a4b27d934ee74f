//! Writing an archive incrementally (docs/protocol.md §Archive file).
//!
//! [`ArchiveWriter`] wraps any `Write`; the record functions ([`header`], [`event_record`],
//! [`head_record`], [`end_record`]) give the same bytes piece by piece, for a server that streams
//! the archive as an asynchronous body.

use super::error::ArchiveError;
use super::{FORMAT_VERSION, MAGIC, MAX_EVENT_LEN, TAG_END, TAG_EVENT, TAG_HEAD};
use crate::board::{SignedHead, event_hash};
use std::io::Write;

/// The 12-byte header.
pub fn header() -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out
}

/// The record of one encoded event: `'E'`, u32 length, the bytes.
pub fn event_record(event: &[u8]) -> Result<Vec<u8>, ArchiveError> {
    if event.is_empty() || event.len() > MAX_EVENT_LEN {
        return Err(ArchiveError::Misuse(format!(
            "événement de {} octets (entre 1 et {MAX_EVENT_LEN})",
            event.len()
        )));
    }
    let mut out = Vec::with_capacity(5 + event.len());
    out.push(TAG_EVENT);
    out.extend_from_slice(&(event.len() as u32).to_le_bytes());
    out.extend_from_slice(event);
    Ok(out)
}

/// The record of the signed head: `'H'`, 136 bytes.
pub fn head_record(head: &SignedHead) -> Vec<u8> {
    let mut out = vec![TAG_HEAD];
    out.extend_from_slice(&head.encode());
    out
}

/// The end record: `'Z'`, u64 number of events.
pub fn end_record(events: u64) -> Vec<u8> {
    let mut out = vec![TAG_END];
    out.extend_from_slice(&events.to_le_bytes());
    out
}

/// Writes an archive event by event. It refuses what would make a wrong file: an event whose
/// height is not its position, a signed head that is not of the last event.
#[derive(Debug)]
pub struct ArchiveWriter<W: Write> {
    w: W,
    offset: u64,
    count: u64,
    last: Vec<u8>,
}

impl<W: Write> ArchiveWriter<W> {
    /// Starts an archive: writes the header.
    pub fn new(mut w: W) -> Result<Self, ArchiveError> {
        w.write_all(&header())
            .map_err(|source| ArchiveError::Io { offset: 0, source })?;
        Ok(ArchiveWriter {
            w,
            offset: super::HEADER_LEN as u64,
            count: 0,
            last: Vec::new(),
        })
    }

    /// Appends one encoded event; its height (first 8 bytes) must be its position.
    pub fn write_event(&mut self, event: &[u8]) -> Result<(), ArchiveError> {
        let height = event
            .get(..8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_le_bytes);
        if height != Some(self.count) {
            return Err(ArchiveError::Misuse(format!(
                "événement de hauteur {height:?} à la position {}",
                self.count
            )));
        }
        let record = event_record(event)?;
        self.write(&record)?;
        self.count += 1;
        self.last.clear();
        self.last.extend_from_slice(event);
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), ArchiveError> {
        self.w.write_all(bytes).map_err(|source| ArchiveError::Io {
            offset: self.offset,
            source,
        })?;
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// Events written so far.
    pub fn events(&self) -> u64 {
        self.count
    }

    /// Ends the archive, with the server's signed head of the last event if given, and returns
    /// the inner writer (flushed).
    pub fn finish(mut self, head: Option<&SignedHead>) -> Result<W, ArchiveError> {
        if let Some(h) = head {
            let last = self.count.checked_sub(1);
            if last != Some(h.height) || h.head != event_hash(&self.last) {
                return Err(ArchiveError::Misuse(format!(
                    "tête signée de hauteur {} qui n'est pas celle du dernier événement ({last:?})",
                    h.height
                )));
            }
            self.write(&head_record(h))?;
        }
        self.write(&end_record(self.count))?;
        let offset = self.offset;
        self.w
            .flush()
            .map_err(|source| ArchiveError::Io { offset, source })?;
        Ok(self.w)
    }
}

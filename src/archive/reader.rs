//! Reading an archive incrementally (docs/protocol.md §Archive file): one event in memory at a
//! time, whatever the size of the file.

use super::error::ArchiveError;
use super::{FORMAT_VERSION, MAGIC, MAX_EVENT_LEN, TAG_END, TAG_EVENT, TAG_HEAD};
use crate::board::SignedHead;
use std::io::{BufReader, ErrorKind, Read};

/// One event read from an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedEvent {
    /// Its position, which its encoded height must equal.
    pub height: u64,
    /// Offset of its record in the file.
    pub offset: u64,
    /// The encoded event.
    pub bytes: Vec<u8>,
}

/// Iterates over the events of an archive; after the last one,
/// [`ArchiveReader::signed_head`] gives the signed head, if the file has one. Iteration stops at
/// the first error.
#[derive(Debug)]
pub struct ArchiveReader<R: Read> {
    r: BufReader<R>,
    offset: u64,
    count: u64,
    head: Option<SignedHead>,
    finished: bool,
    stopped: bool,
}

impl<R: Read> ArchiveReader<R> {
    /// Reads and checks the header.
    pub fn new(r: R) -> Result<Self, ArchiveError> {
        let mut reader = ArchiveReader {
            r: BufReader::with_capacity(1 << 16, r),
            offset: 0,
            count: 0,
            head: None,
            finished: false,
            stopped: false,
        };
        let mut magic = [0u8; 8];
        match reader.fill(&mut magic) {
            Ok(true) if magic == MAGIC => {}
            Ok(_) => return Err(ArchiveError::BadMagic),
            Err(e) => return Err(e),
        }
        let mut v = [0u8; 4];
        if !reader.fill(&mut v)? {
            return Err(ArchiveError::BadMagic);
        }
        let version = u32::from_le_bytes(v);
        if version != FORMAT_VERSION {
            return Err(ArchiveError::UnsupportedVersion { version });
        }
        Ok(reader)
    }

    /// The signed head of the file, once every event has been read.
    pub fn signed_head(&self) -> Option<&SignedHead> {
        self.head.as_ref()
    }

    /// Events read so far.
    pub fn events(&self) -> u64 {
        self.count
    }

    /// Bytes read so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether the end record has been read (the file is complete).
    pub fn is_complete(&self) -> bool {
        self.finished
    }

    /// Fills `buf`; `Ok(false)` if the file ended before.
    fn fill(&mut self, buf: &mut [u8]) -> Result<bool, ArchiveError> {
        let mut done = 0;
        while done < buf.len() {
            match self.r.read(&mut buf[done..]) {
                Ok(0) => {
                    self.offset += done as u64;
                    return Ok(false);
                }
                Ok(n) => done += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(ArchiveError::Io {
                        offset: self.offset + done as u64,
                        source,
                    });
                }
            }
        }
        self.offset += done as u64;
        Ok(true)
    }

    fn truncated(&self, what: &'static str) -> ArchiveError {
        ArchiveError::Truncated {
            height: self.count,
            offset: self.offset,
            what,
        }
    }

    fn next_record(&mut self) -> Result<Option<ArchivedEvent>, ArchiveError> {
        loop {
            let record = self.offset;
            let mut tag = [0u8; 1];
            if !self.fill(&mut tag)? {
                return Err(self.truncated("enregistrement suivant ou marque de fin"));
            }
            match tag[0] {
                TAG_EVENT => {
                    if self.head.is_some() {
                        return Err(ArchiveError::EventAfterHead {
                            height: self.count,
                            offset: record,
                        });
                    }
                    let mut len = [0u8; 4];
                    let len_at = self.offset;
                    if !self.fill(&mut len)? {
                        return Err(self.truncated("longueur de l'événement"));
                    }
                    let len = u32::from_le_bytes(len) as u64;
                    if len > MAX_EVENT_LEN as u64 {
                        return Err(ArchiveError::EventTooLong {
                            height: self.count,
                            offset: len_at,
                            len,
                        });
                    }
                    // Grows as bytes arrive: a corrupted length cannot make us allocate 16 MiB
                    // for a file that does not hold them.
                    let mut bytes = Vec::new();
                    let got =
                        (&mut self.r)
                            .take(len)
                            .read_to_end(&mut bytes)
                            .map_err(|source| ArchiveError::Io {
                                offset: self.offset,
                                source,
                            })?;
                    self.offset += got as u64;
                    if (got as u64) < len {
                        return Err(self.truncated("contenu de l'événement"));
                    }
                    let height = self.count;
                    self.count += 1;
                    return Ok(Some(ArchivedEvent {
                        height,
                        offset: record,
                        bytes,
                    }));
                }
                TAG_HEAD => {
                    if self.head.is_some() {
                        return Err(ArchiveError::HeadAgain { offset: record });
                    }
                    let mut b = [0u8; crate::board::SIGNED_HEAD_LEN];
                    if !self.fill(&mut b)? {
                        return Err(self.truncated("tête signée"));
                    }
                    let head = SignedHead::decode(&b).map_err(|error| ArchiveError::Head {
                        offset: record,
                        error,
                    })?;
                    self.head = Some(head);
                }
                TAG_END => {
                    let mut n = [0u8; 8];
                    if !self.fill(&mut n)? {
                        return Err(self.truncated("marque de fin"));
                    }
                    let stated = u64::from_le_bytes(n);
                    if stated != self.count {
                        return Err(ArchiveError::CountMismatch {
                            offset: record,
                            stated,
                            actual: self.count,
                        });
                    }
                    let mut extra = [0u8; 1];
                    let at = self.offset;
                    if self.fill(&mut extra)? {
                        return Err(ArchiveError::TrailingBytes { offset: at });
                    }
                    self.finished = true;
                    return Ok(None);
                }
                tag => {
                    return Err(ArchiveError::UnknownRecord {
                        tag,
                        offset: record,
                        events: self.count,
                    });
                }
            }
        }
    }
}

impl<R: Read> Iterator for ArchiveReader<R> {
    type Item = Result<ArchivedEvent, ArchiveError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished || self.stopped {
            return None;
        }
        match self.next_record() {
            Ok(Some(e)) => Some(Ok(e)),
            Ok(None) => None,
            Err(e) => {
                // Stop after an error: what follows cannot be trusted.
                self.stopped = true;
                Some(Err(e))
            }
        }
    }
}

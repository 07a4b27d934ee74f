//! Reading and checking an archive in one pass (docs/protocol.md §Archive file, "Reading").

use super::error::ArchiveError;
use super::reader::ArchiveReader;
use crate::board::{BallotVerifier, ChainChecker, ChainSummary, CheckedEvent, SignedHead};
use std::io::Read;

/// What a checked archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveSummary {
    /// The chain.
    pub chain: ChainSummary,
    /// The server's signed head of the last event, if the file has one (checked).
    pub signed_head: Option<SignedHead>,
    /// Size of the file.
    pub bytes: u64,
}

/// Reads `input` to its end, checks every event with [`ChainChecker`] (ballots with `verifier`),
/// hands each checked event to `on_event` (to tally, report progress…), and checks the signed
/// head against the last event and the server key. Memory stays flat: one event at a time.
pub fn check_archive<R: Read>(
    input: R,
    verifier: &mut impl BallotVerifier,
    mut on_event: impl FnMut(&CheckedEvent),
) -> Result<ArchiveSummary, ArchiveError> {
    let mut reader = ArchiveReader::new(input)?;
    let mut checker = ChainChecker::new();
    for item in reader.by_ref() {
        let e = item?;
        let checked = checker
            .push(&e.bytes, verifier)
            .map_err(|error| ArchiveError::Chain {
                offset: e.offset,
                error,
            })?;
        on_event(&checked);
    }
    let end = reader.offset();
    let chain = checker
        .finish()
        .map_err(|error| ArchiveError::Chain { offset: end, error })?;
    let signed_head = reader.signed_head().copied();
    if let Some(h) = &signed_head {
        checker
            .check_head(h)
            .map_err(|error| ArchiveError::Chain { offset: end, error })?;
    }
    Ok(ArchiveSummary {
        chain,
        signed_head,
        bytes: end,
    })
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;
    use crate::board::testkit::{Fixture, test_verifier};
    use crate::board::{ChainError, Phase, event_hash};

    fn archive(with_head: bool) -> (Vec<u8>, Fixture) {
        let f = Fixture::new();
        let (_, bytes) = f.full_chain();
        let mut w = ArchiveWriter::new(Vec::new()).unwrap();
        for b in &bytes {
            w.write_event(b).unwrap();
        }
        let last = bytes.last().unwrap();
        let head = SignedHead::sign(f.fp, bytes.len() as u64 - 1, event_hash(last), &f.server);
        let out = w.finish(with_head.then_some(&head)).unwrap();
        (out, f)
    }

    fn check(bytes: &[u8]) -> Result<ArchiveSummary, ArchiveError> {
        check_archive(bytes, &mut test_verifier, |_| {})
    }

    #[test]
    fn a_written_archive_reads_back_event_by_event_and_checks() {
        let (file, f) = archive(true);
        assert_eq!(&file[..8], b"\x89URNE\r\n\x1a");
        let (_, events) = f.full_chain();
        let mut r = ArchiveReader::new(file.as_slice()).unwrap();
        let read: Vec<ArchivedEvent> = r.by_ref().map(|e| e.unwrap()).collect();
        assert!(r.is_complete());
        assert_eq!(read.len(), events.len());
        for (i, (a, b)) in read.iter().zip(&events).enumerate() {
            assert_eq!((a.height, &a.bytes), (i as u64, b));
        }
        assert_eq!(read[0].offset, HEADER_LEN as u64);
        let mut seen = 0;
        let s = check_archive(file.as_slice(), &mut test_verifier, |_| seen += 1).unwrap();
        assert_eq!(seen, events.len());
        assert_eq!(s.chain.phase, Phase::Resulted);
        assert_eq!(s.chain.ballots, 5);
        assert_eq!(s.chain.fingerprint, f.fp);
        assert_eq!(s.bytes, file.len() as u64);
        assert!(s.signed_head.is_some());
    }

    #[test]
    fn an_archive_without_a_signed_head_is_read_and_says_so() {
        let (file, _) = archive(false);
        assert_eq!(check(&file).unwrap().signed_head, None);
    }

    #[test]
    fn an_archive_cut_anywhere_is_refused_with_the_height_and_offset() {
        let (file, _) = archive(true);
        for cut in 0..file.len() {
            let err = check(&file[..cut]).unwrap_err();
            match &err {
                ArchiveError::BadMagic => assert!(cut < HEADER_LEN, "cut {cut}"),
                ArchiveError::Truncated { offset, .. } => {
                    assert_eq!(*offset, cut as u64, "cut {cut}: {err}");
                    assert!(err.height().is_some());
                }
                other => panic!("cut at {cut}: unexpected {other}"),
            }
        }
    }

    #[test]
    fn an_archive_altered_at_any_byte_is_refused() {
        let (file, _) = archive(true);
        for i in 0..file.len() {
            let mut bad = file.clone();
            bad[i] ^= 0x01;
            assert!(check(&bad).is_err(), "flipping byte {i} was not detected");
        }
    }

    #[test]
    fn an_altered_event_is_named_by_height_and_record_offset() {
        let (file, _) = archive(true);
        let mut r = ArchiveReader::new(file.as_slice()).unwrap();
        let e5 = r.nth(5).unwrap().unwrap();
        let mut bad = file.clone();
        // The last byte of a ballot's opaque bytes.
        let at = e5.offset as usize + 5 + e5.bytes.len() - 1;
        bad[at] ^= 0x80;
        let err = check(&bad).unwrap_err();
        assert_eq!(err.height(), Some(5), "{err}");
        assert_eq!(err.offset(), Some(e5.offset), "{err}");
        assert!(matches!(
            err,
            ArchiveError::Chain {
                error: ChainError::BallotRejected { height: 5, .. },
                ..
            }
        ));
        assert!(err.to_string().contains("événement 5"), "{err}");
    }

    #[test]
    fn bytes_after_the_end_and_unknown_records_are_refused() {
        let (mut file, _) = archive(false);
        file.push(0);
        assert!(matches!(
            check(&file),
            Err(ArchiveError::TrailingBytes { .. })
        ));
        let (file, _) = archive(false);
        let mut bad = file[..HEADER_LEN].to_vec();
        bad.push(b'Q');
        assert!(matches!(
            check(&bad),
            Err(ArchiveError::UnknownRecord {
                tag: b'Q',
                offset: 12,
                events: 0
            })
        ));
    }

    #[test]
    fn an_end_record_with_a_wrong_count_is_refused() {
        let (mut file, _) = archive(false);
        let n = file.len();
        file[n - 8] += 1;
        assert!(matches!(
            check(&file),
            Err(ArchiveError::CountMismatch { .. })
        ));
    }

    #[test]
    fn another_version_or_another_file_type_is_refused() {
        let (mut file, _) = archive(false);
        file[8] = 2;
        assert!(matches!(
            check(&file),
            Err(ArchiveError::UnsupportedVersion { version: 2 })
        ));
        assert!(matches!(
            check(b"{\"json\": true}"),
            Err(ArchiveError::BadMagic)
        ));
    }

    #[test]
    fn a_huge_event_length_is_refused_before_reading_it() {
        let mut file = header();
        file.push(TAG_EVENT);
        file.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            check(&file),
            Err(ArchiveError::EventTooLong {
                height: 0,
                offset: 13,
                ..
            })
        ));
    }

    #[test]
    fn a_signed_head_of_another_event_is_refused() {
        let (file, f) = archive(false);
        let (_, bytes) = f.full_chain();
        let n = bytes.len();
        // A head of the previous event, appended by hand before the end record.
        let head = SignedHead::sign(f.fp, n as u64 - 2, event_hash(&bytes[n - 2]), &f.server);
        let mut bad = file[..file.len() - 9].to_vec();
        bad.extend_from_slice(&head_record(&head));
        bad.extend_from_slice(&end_record(n as u64));
        let err = check(&bad).unwrap_err();
        assert!(
            matches!(
                err,
                ArchiveError::Chain {
                    error: ChainError::HeadMismatch { .. },
                    ..
                }
            ),
            "{err}"
        );
        // And a head signed by another key.
        let head = SignedHead::sign(f.fp, n as u64 - 1, event_hash(&bytes[n - 1]), &f.ordre);
        let mut bad = file[..file.len() - 9].to_vec();
        bad.extend_from_slice(&head_record(&head));
        bad.extend_from_slice(&end_record(n as u64));
        let err = check(&bad).unwrap_err();
        assert!(
            matches!(
                err,
                ArchiveError::Chain {
                    error: ChainError::HeadSignatureInvalid { .. },
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn an_event_after_the_signed_head_or_a_second_head_is_refused() {
        let (file, f) = archive(true);
        let (_, bytes) = f.full_chain();
        let body = &file[..file.len() - 9];
        let mut bad = body.to_vec();
        bad.extend_from_slice(&event_record(&bytes[1]).unwrap());
        assert!(matches!(
            check(&bad),
            Err(ArchiveError::EventAfterHead { .. })
        ));
        let mut bad = body.to_vec();
        bad.extend_from_slice(&body[body.len() - 137..]);
        assert!(matches!(check(&bad), Err(ArchiveError::HeadAgain { .. })));
    }

    #[test]
    fn the_writer_refuses_an_event_out_of_position_or_a_head_of_another_event() {
        let f = Fixture::new();
        let (_, bytes) = f.full_chain();
        let mut w = ArchiveWriter::new(Vec::new()).unwrap();
        assert!(matches!(
            w.write_event(&bytes[1]),
            Err(ArchiveError::Misuse(_))
        ));
        w.write_event(&bytes[0]).unwrap();
        w.write_event(&bytes[1]).unwrap();
        assert_eq!(w.events(), 2);
        let head = SignedHead::sign(f.fp, 1, event_hash(&bytes[0]), &f.server);
        assert!(matches!(
            w.finish(Some(&head)),
            Err(ArchiveError::Misuse(_))
        ));
    }

    #[test]
    fn reading_stops_after_the_first_error() {
        let (file, _) = archive(true);
        let mut r = ArchiveReader::new(&file[..100]).unwrap();
        assert!(r.next().unwrap().is_err());
        assert!(r.next().is_none());
        assert!(!r.is_complete());
    }
}

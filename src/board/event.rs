//! An event of the chain and its hash (docs/protocol.md §Ballot box events, "Event").

use super::domain;
use super::kind::EventKind;
use super::payload::Payload;
use crate::encoding::{DecodeError, Hash32, Reader, Writer, tagged_hash};

/// One event: `{height, parent, kind, payload}`.
///
/// Encoding: `height` (u64), `parent` (32 bytes), `kind` (u8, [`EventKind::code`]), `payload`
/// (u32 length, then the payload's canonical encoding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Position in the chain; the genesis is height 0.
    pub height: u64,
    /// Hash of the event at `height - 1`; all zero for the genesis.
    pub parent: Hash32,
    /// The typed payload (its variant gives the kind).
    pub payload: Payload,
}

/// The hash of an encoded event: `tagged_hash("URNE-V1-event", [encoding])`.
pub fn event_hash(encoded: &[u8]) -> Hash32 {
    tagged_hash(domain::EVENT, &[encoded])
}

impl Event {
    /// The kind.
    pub fn kind(&self) -> EventKind {
        self.payload.kind()
    }

    /// The canonical encoding.
    pub fn encode(&self) -> Vec<u8> {
        let payload = self.payload.encode();
        let mut w = Writer::new();
        w.u64(self.height)
            .fixed(&self.parent.0)
            .u8(self.kind().code())
            .bytes(&payload);
        w.into_bytes()
    }

    /// The event hash (of [`Event::encode`]).
    pub fn hash(&self) -> Hash32 {
        event_hash(&self.encode())
    }

    /// Strict decoding: a known kind, a payload that decodes exactly by the rules of its kind,
    /// nothing after it. Errors name the field; offsets count from the start of the event.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let height = r.u64("event.height")?;
        let parent = Hash32(r.fixed("event.parent")?);
        let at = r.position();
        let code = r.u8("event.kind")?;
        let kind = EventKind::from_code(code).ok_or_else(|| DecodeError {
            field: "event.kind".into(),
            offset: at,
            reason: format!("type d'événement {code} inconnu"),
        })?;
        let payload_bytes = r.bytes("event.payload")?;
        let payload_start = r.position() - payload_bytes.len();
        r.finish("event")?;
        let payload = Payload::decode(kind, payload_bytes).map_err(|mut e| {
            e.offset += payload_start;
            e
        })?;
        Ok(Event {
            height,
            parent,
            payload,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::testkit::Fixture;

    #[test]
    fn every_kind_of_event_round_trips_and_re_encodes_to_the_same_bytes() {
        let f = Fixture::new();
        let (events, _) = f.full_chain();
        let mut kinds = std::collections::BTreeSet::new();
        for e in &events {
            let bytes = e.encode();
            let back = Event::decode(&bytes).unwrap();
            assert_eq!(&back, e);
            assert_eq!(back.encode(), bytes);
            kinds.insert(e.kind());
        }
        assert_eq!(
            kinds.len(),
            EventKind::ALL.len(),
            "the fixture covers every kind"
        );
    }

    #[test]
    fn an_unknown_kind_is_refused() {
        let f = Fixture::new();
        let mut bytes = f.genesis_event().encode();
        bytes[40] = 0;
        let e = Event::decode(&bytes).unwrap_err();
        assert_eq!((e.field.as_str(), e.offset), ("event.kind", 40));
        bytes[40] = 11;
        assert_eq!(Event::decode(&bytes).unwrap_err().field, "event.kind");
    }

    #[test]
    fn a_payload_of_another_kind_is_refused() {
        let f = Fixture::new();
        let mut bytes = f.genesis_event().encode();
        bytes[40] = EventKind::Seal.code();
        let e = Event::decode(&bytes).unwrap_err();
        assert_eq!(e.field, "seal");
        assert!(e.reason.contains("superflus"), "{e}");
    }

    #[test]
    fn trailing_bytes_after_an_event_are_refused() {
        let f = Fixture::new();
        let mut bytes = f.genesis_event().encode();
        bytes.push(0);
        assert_eq!(Event::decode(&bytes).unwrap_err().field, "event");
    }

    #[test]
    fn payload_errors_give_offsets_from_the_start_of_the_event() {
        let f = Fixture::new();
        let mut g = f.genesis.clone();
        g.round = 7;
        let e = Event {
            height: 0,
            parent: Hash32::default(),
            payload: Payload::Genesis(Box::new(g.clone())),
        };
        let bytes = e.encode();
        let err = Event::decode(&bytes).unwrap_err();
        assert_eq!(err.field, "genesis.round");
        // 8 (height) + 32 (parent) + 1 (kind) + 4 (length) + 2 (version) + 4 + campaign + 4 + id.
        let expected = 47 + 4 + g.campaign_id.len() + 4 + g.election_id.len();
        assert_eq!(err.offset, expected);
        assert_eq!(bytes[expected], 7);
    }

    #[test]
    fn a_truncated_event_is_refused_with_its_field() {
        let f = Fixture::new();
        let bytes = f.genesis_event().encode();
        let e = Event::decode(&bytes[..20]).unwrap_err();
        assert_eq!(e.field, "event.parent");
        let e = Event::decode(&bytes[..bytes.len() - 1]).unwrap_err();
        assert_eq!(e.field, "event.payload");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::board::testkit::Fixture;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Canonicity: whatever bytes decode as an event re-encode to exactly those bytes, so an
        /// event has one encoding and one hash; and no input makes the decoder panic.
        #[test]
        fn any_bytes_that_decode_re_encode_identically(
            which in 0usize..18,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            cut in proptest::option::of(any::<prop::sample::Index>()),
        ) {
            let f = Fixture::new();
            let (_, bytes) = f.full_chain();
            let mut b = bytes[which].clone();
            for (i, v) in edits {
                let at = i.index(b.len());
                b[at] = v;
            }
            if let Some(c) = cut {
                b.truncate(c.index(b.len() + 1));
            }
            if let Ok(e) = Event::decode(&b) {
                prop_assert_eq!(e.encode(), b);
            }
        }
    }
}

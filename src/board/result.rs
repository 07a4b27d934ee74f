//! The result (docs/protocol.md §Ballot box events, "Result").

use super::canonical_json::check_canonical_json;
use crate::encoding::{DecodeError, Reader, Writer};

/// The result payload: the result (counts, seats, every figure the PV prints) as canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultEvent {
    /// Canonical JSON bytes ([`super::canonical_json`]).
    pub json: Vec<u8>,
}

impl ResultEvent {
    /// The canonical encoding: length-prefixed bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.bytes(&self.json);
        w.into_bytes()
    }

    /// Strict decoding: the bytes must be canonical JSON.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let at = r.position();
        let json = r.bytes("result.json")?.to_vec();
        check_canonical_json(&json).map_err(|e| DecodeError {
            field: "result.json".into(),
            offset: at,
            reason: e.to_string(),
        })?;
        r.finish("result")?;
        Ok(ResultEvent { json })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_that_is_not_canonical_json_is_refused() {
        let r = ResultEvent {
            json: br#"{"a": 1}"#.to_vec(),
        };
        let e = ResultEvent::decode(&r.encode()).unwrap_err();
        assert_eq!(e.field, "result.json");
        let r = ResultEvent {
            json: br#"{"a":1.5}"#.to_vec(),
        };
        assert!(
            ResultEvent::decode(&r.encode())
                .unwrap_err()
                .reason
                .contains("non entier")
        );
        let r = ResultEvent {
            json: br#"{"a":1}"#.to_vec(),
        };
        assert_eq!(ResultEvent::decode(&r.encode()).unwrap(), r);
    }
}

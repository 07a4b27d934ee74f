//! A ballot cast (docs/protocol.md §Ballot box events, "Ballot").

use super::keys::PublicKey;
use crate::encoding::{DecodeError, Reader, Writer};

/// The ballot payload: the credential that cast it, when the server received it, and the
/// ballot's canonical bytes as produced by `crate::crypto` (which carry the same credential, the
/// election fingerprint, the encrypted choices with their proofs and the credential's signature;
/// the ballot verifier checks them and that the credential inside equals [`BallotCast::credential`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotCast {
    /// The credential that signed the ballot.
    pub credential: PublicKey,
    /// Server reception time, unix seconds (UTC).
    pub received_at: u64,
    /// The ballot's canonical bytes (non-empty).
    pub ballot: Vec<u8>,
}

impl BallotCast {
    /// The canonical encoding: credential, reception time, length-prefixed ballot bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.fixed(&self.credential.0)
            .u64(self.received_at)
            .bytes(&self.ballot);
        w.into_bytes()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let credential = PublicKey::read(&mut r, "ballot.credential")?;
        let received_at = r.u64("ballot.received_at")?;
        let at = r.position();
        let ballot = r.bytes("ballot.ballot")?.to_vec();
        if ballot.is_empty() {
            return Err(DecodeError {
                field: "ballot.ballot".into(),
                offset: at,
                reason: "bulletin vide".into(),
            });
        }
        r.finish("ballot")?;
        Ok(BallotCast {
            credential,
            received_at,
            ballot,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::testkit::key;

    #[test]
    fn an_empty_ballot_is_refused() {
        let b = BallotCast {
            credential: PublicKey::of(&key("v")),
            received_at: 1,
            ballot: vec![],
        };
        let e = BallotCast::decode(&b.encode()).unwrap_err();
        assert_eq!((e.field.as_str(), e.offset), ("ballot.ballot", 40));
    }
}

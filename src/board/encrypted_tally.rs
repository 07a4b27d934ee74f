//! The encrypted tally (docs/protocol.md §Ballot box events, "EncryptedTally").

use crate::encoding::{DecodeError, Reader, Writer};

/// The weighted homomorphic sum `Σ wᵢ·Cᵢ` of the ballots, per contest and option: the canonical
/// bytes of `crate::crypto`'s encrypted tally, which anyone recomputes from the ballots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedTally {
    /// The tally's canonical bytes (non-empty).
    pub tally: Vec<u8>,
}

impl EncryptedTally {
    /// The canonical encoding: length-prefixed bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.bytes(&self.tally);
        w.into_bytes()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let tally = r.bytes("encrypted_tally.tally")?.to_vec();
        if tally.is_empty() {
            return Err(r.error("encrypted_tally.tally", "dépouillement chiffré vide"));
        }
        r.finish("encrypted_tally")?;
        Ok(EncryptedTally { tally })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_tally_is_refused() {
        let t = EncryptedTally { tally: vec![] };
        assert_eq!(
            EncryptedTally::decode(&t.encode()).unwrap_err().field,
            "encrypted_tally.tally"
        );
        let t = EncryptedTally { tally: vec![1] };
        assert_eq!(EncryptedTally::decode(&t.encode()).unwrap(), t);
    }
}

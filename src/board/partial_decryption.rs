//! One bureau member's partial decryption of the tally (docs/protocol.md §Ballot box events,
//! "PartialDecryption").

use crate::encoding::{DecodeError, Reader, Writer};

/// The partial decryption payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialDecryption {
    /// The bureau member: 0 = the bâtonnier, `i ≥ 1` = the genesis's `scrutateurs[i - 1]`.
    pub member: u32,
    /// The canonical bytes of `crate::crypto`'s partial decryption (shares and Chaum–Pedersen
    /// proofs), non-empty.
    pub share: Vec<u8>,
}

impl PartialDecryption {
    /// The canonical encoding: member index, length-prefixed bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u32(self.member).bytes(&self.share);
        w.into_bytes()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let member = r.u32("partial_decryption.member")?;
        let share = r.bytes("partial_decryption.share")?.to_vec();
        if share.is_empty() {
            return Err(r.error("partial_decryption.share", "déchiffrement partiel vide"));
        }
        r.finish("partial_decryption")?;
        Ok(PartialDecryption { member, share })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_partial_decryption_is_refused() {
        let d = PartialDecryption {
            member: 1,
            share: vec![],
        };
        assert_eq!(
            PartialDecryption::decode(&d.encode()).unwrap_err().field,
            "partial_decryption.share"
        );
    }
}

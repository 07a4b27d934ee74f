//! The close of the vote, signed by the ordre (docs/protocol.md §Ballot box events, "Close").
//! After it, no ballot and no credential change: only the count.

use super::domain;
use super::keys::{SignatureBytes, sign, signed_message};
use crate::encoding::{DecodeError, Hash32, Reader, Writer};
use ed25519_dalek::SigningKey;

/// Why the vote closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The closing time of the genesis was reached (code 1). The close time is at or after it.
    ClosingTime = 1,
    /// The ordre closed the vote by decision, e.g. after an incident (code 2); the note says why
    /// and must not be empty.
    Decision = 2,
}

impl CloseReason {
    fn from_code(c: u8) -> Option<Self> {
        match c {
            1 => Some(CloseReason::ClosingTime),
            2 => Some(CloseReason::Decision),
            _ => None,
        }
    }
}

/// The close payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    /// Time of the close, unix seconds (UTC).
    pub time: u64,
    /// Why.
    pub reason: CloseReason,
    /// A free text (French), empty or the reason of a decision.
    pub note: String,
    /// The ordre's signature of `tagged_hash("URNE-V1-close", [fingerprint, time (u64 LE),
    /// reason (u8), note (UTF-8)])`.
    pub signature: SignatureBytes,
}

impl Close {
    /// What the ordre signs.
    pub fn message(&self, fingerprint: &Hash32) -> Hash32 {
        signed_message(
            domain::CLOSE,
            fingerprint,
            &[
                &self.time.to_le_bytes(),
                &[self.reason as u8],
                self.note.as_bytes(),
            ],
        )
    }

    /// The ordre closes the vote.
    pub fn sign(
        fingerprint: &Hash32,
        time: u64,
        reason: CloseReason,
        note: &str,
        ordre: &SigningKey,
    ) -> Self {
        let mut c = Close {
            time,
            reason,
            note: note.to_owned(),
            signature: SignatureBytes([0; 64]),
        };
        c.signature = sign(ordre, &c.message(fingerprint));
        c
    }

    /// The canonical encoding: time, reason code, note, signature.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u64(self.time)
            .u8(self.reason as u8)
            .str(&self.note)
            .fixed(&self.signature.0);
        w.into_bytes()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let time = r.u64("close.time")?;
        let at = r.position();
        let code = r.u8("close.reason")?;
        let reason = CloseReason::from_code(code).ok_or_else(|| DecodeError {
            field: "close.reason".into(),
            offset: at,
            reason: format!("motif {code} inconnu (1 ou 2 attendu)"),
        })?;
        let at = r.position();
        let note = r.str("close.note")?.to_owned();
        if reason == CloseReason::Decision && note.trim().is_empty() {
            return Err(DecodeError {
                field: "close.note".into(),
                offset: at,
                reason: "une clôture par décision doit en donner le motif".into(),
            });
        }
        let signature = SignatureBytes::read(&mut r, "close.signature")?;
        r.finish("close")?;
        Ok(Close {
            time,
            reason,
            note,
            signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::testkit::key;

    #[test]
    fn a_close_round_trips_and_an_unknown_reason_is_refused() {
        let c = Close::sign(
            &Hash32([1; 32]),
            10,
            CloseReason::ClosingTime,
            "",
            &key("ordre"),
        );
        assert_eq!(Close::decode(&c.encode()).unwrap(), c);
        let mut b = c.encode();
        b[8] = 3;
        let e = Close::decode(&b).unwrap_err();
        assert_eq!((e.field.as_str(), e.offset), ("close.reason", 8));
    }

    #[test]
    fn a_close_by_decision_must_state_its_reason() {
        let c = Close::sign(
            &Hash32([1; 32]),
            10,
            CloseReason::Decision,
            " ",
            &key("ordre"),
        );
        assert_eq!(Close::decode(&c.encode()).unwrap_err().field, "close.note");
        let c = Close::sign(
            &Hash32([1; 32]),
            10,
            CloseReason::Decision,
            "panne",
            &key("ordre"),
        );
        assert_eq!(Close::decode(&c.encode()).unwrap(), c);
    }
}

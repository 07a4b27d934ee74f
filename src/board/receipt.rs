//! The receipt the voter downloads (docs/protocol.md §Receipts and signed heads).

use super::domain;
use super::keys::{PublicKey, SignatureBytes, sign, signed_message};
use crate::encoding::Hash32;
use ed25519_dalek::SigningKey;

/// Value of the `format` field of a receipt file.
pub const RECEIPT_FORMAT: &str = "urne-recepisse-1";

/// A receipt that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// Not a receipt file.
    #[error("récépissé illisible : {0}")]
    Json(String),
    /// The signature does not verify with the server key.
    #[error("la signature du serveur sur le récépissé (hauteur {height}) est invalide")]
    BadSignature {
        /// The receipt's height.
        height: u64,
    },
}

/// The server's signed statement that the ballot of tracker `tracker`, received at
/// `received_at`, is the event of hash `event` at `height` of the chain of election
/// `fingerprint`. JSON form (what the voter downloads): the fields below, hashes and signature in
/// lower-case hexadecimal, plus `"format": "urne-recepisse-1"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// The election fingerprint.
    pub fingerprint: Hash32,
    /// Height of the ballot's event.
    pub height: u64,
    /// Hash of the ballot's event.
    pub event: Hash32,
    /// The ballot tracker (computed by `crate::crypto` from the ballot's canonical bytes).
    pub tracker: Hash32,
    /// Server reception time, unix seconds (UTC), as in the event.
    pub received_at: u64,
    /// The server's signature of `tagged_hash("URNE-V1-receipt", [fingerprint, height (u64 LE),
    /// event, tracker, received_at (u64 LE)])`.
    pub signature: SignatureBytes,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptFile {
    format: String,
    fingerprint: Hash32,
    height: u64,
    event: Hash32,
    tracker: Hash32,
    received_at: u64,
    signature: SignatureBytes,
}

impl Receipt {
    /// The signed message.
    pub fn message(
        fingerprint: &Hash32,
        height: u64,
        event: &Hash32,
        tracker: &Hash32,
        received_at: u64,
    ) -> Hash32 {
        signed_message(
            domain::RECEIPT,
            fingerprint,
            &[
                &height.to_le_bytes(),
                &event.0,
                &tracker.0,
                &received_at.to_le_bytes(),
            ],
        )
    }

    /// The server signs a receipt.
    pub fn sign(
        fingerprint: Hash32,
        height: u64,
        event: Hash32,
        tracker: Hash32,
        received_at: u64,
        server: &SigningKey,
    ) -> Self {
        Receipt {
            fingerprint,
            height,
            event,
            tracker,
            received_at,
            signature: sign(
                server,
                &Self::message(&fingerprint, height, &event, &tracker, received_at),
            ),
        }
    }

    /// Checks the server's signature.
    pub fn verify(&self, server: &PublicKey) -> Result<(), ReceiptError> {
        let m = Self::message(
            &self.fingerprint,
            self.height,
            &self.event,
            &self.tracker,
            self.received_at,
        );
        if server.verifies(&m, &self.signature) {
            Ok(())
        } else {
            Err(ReceiptError::BadSignature {
                height: self.height,
            })
        }
    }

    /// The receipt file (pretty JSON).
    pub fn to_json(&self) -> String {
        let file = ReceiptFile {
            format: RECEIPT_FORMAT.to_owned(),
            fingerprint: self.fingerprint,
            height: self.height,
            event: self.event,
            tracker: self.tracker,
            received_at: self.received_at,
            signature: self.signature,
        };
        // Serialising plain strings and integers cannot fail.
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// Reads a receipt file (the signature is not checked: see [`Receipt::verify`]).
    pub fn from_json(text: &str) -> Result<Self, ReceiptError> {
        let file: ReceiptFile =
            serde_json::from_str(text).map_err(|e| ReceiptError::Json(e.to_string()))?;
        if file.format != RECEIPT_FORMAT {
            return Err(ReceiptError::Json(format!(
                "format « {} » inconnu (« {RECEIPT_FORMAT} » attendu)",
                file.format
            )));
        }
        Ok(Receipt {
            fingerprint: file.fingerprint,
            height: file.height,
            event: file.event,
            tracker: file.tracker,
            received_at: file.received_at,
            signature: file.signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::testkit::key;

    fn receipt() -> Receipt {
        Receipt::sign(
            Hash32([1; 32]),
            7,
            Hash32([2; 32]),
            Hash32([3; 32]),
            1_700_000_000,
            &key("server"),
        )
    }

    #[test]
    fn a_receipt_round_trips_through_its_json_file_and_verifies() {
        let r = receipt();
        let json = r.to_json();
        assert!(json.contains("\"format\": \"urne-recepisse-1\""), "{json}");
        assert!(json.contains(&"03".repeat(32)), "{json}");
        let back = Receipt::from_json(&json).unwrap();
        assert_eq!(back, r);
        back.verify(&PublicKey::of(&key("server"))).unwrap();
    }

    #[test]
    fn altering_any_field_of_a_receipt_breaks_its_signature() {
        let pk = PublicKey::of(&key("server"));
        let r = receipt();
        let alterations: [fn(&mut Receipt); 6] = [
            |r| r.fingerprint.0[0] ^= 1,
            |r| r.height += 1,
            |r| r.event.0[31] ^= 1,
            |r| r.tracker.0[5] ^= 1,
            |r| r.received_at -= 1,
            |r| r.signature.0[63] ^= 1,
        ];
        for alter in alterations {
            let mut a = r;
            alter(&mut a);
            assert_eq!(
                a.verify(&pk),
                Err(ReceiptError::BadSignature { height: a.height })
            );
        }
        assert!(r.verify(&PublicKey::of(&key("other"))).is_err());
    }

    #[test]
    fn a_receipt_file_with_another_format_or_an_unknown_field_is_refused() {
        let json = receipt().to_json();
        let other = json.replace("urne-recepisse-1", "urne-recepisse-2");
        assert!(
            matches!(Receipt::from_json(&other), Err(ReceiptError::Json(m)) if m.contains("inconnu"))
        );
        let extra = json.replacen('{', "{\"x\": 1,", 1);
        assert!(Receipt::from_json(&extra).is_err());
        let short = json.replace(&"03".repeat(32), "03");
        assert!(Receipt::from_json(&short).is_err());
    }
}

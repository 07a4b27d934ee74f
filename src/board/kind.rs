//! The kinds of events and their one-byte codes (docs/protocol.md §Ballot box events).

/// The kind of an event, encoded as one byte. Code 0 is never used, so that a run of zero bytes
/// is never mistaken for an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// Height 0: the election, frozen. Its hash is the election fingerprint.
    Genesis = 1,
    /// Height 1: the bâtonnier's signature of the fingerprint.
    Seal = 2,
    /// A proxy (procuration): the mandant's credential revoked, a proxy credential created.
    ProxyCredential = 3,
    /// A lost code reissued: the old credential revoked, a new one with the same rights.
    CredentialReissue = 4,
    /// An encrypted, signed ballot and its reception time.
    Ballot = 5,
    /// The close of the vote, signed by the ordre.
    Close = 6,
    /// The weighted homomorphic sum of the ballots.
    EncryptedTally = 7,
    /// One bureau member's partial decryption of the tally.
    PartialDecryption = 8,
    /// The result, as canonical JSON.
    Result = 9,
    /// One bureau member's signature of the procès-verbal.
    PvSignature = 10,
}

impl EventKind {
    /// Every kind, in code order.
    pub const ALL: [EventKind; 10] = [
        EventKind::Genesis,
        EventKind::Seal,
        EventKind::ProxyCredential,
        EventKind::CredentialReissue,
        EventKind::Ballot,
        EventKind::Close,
        EventKind::EncryptedTally,
        EventKind::PartialDecryption,
        EventKind::Result,
        EventKind::PvSignature,
    ];

    /// The byte code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The kind of a byte code, if any.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The name used in docs/protocol.md and in error messages.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Genesis => "Genesis",
            EventKind::Seal => "Seal",
            EventKind::ProxyCredential => "ProxyCredential",
            EventKind::CredentialReissue => "CredentialReissue",
            EventKind::Ballot => "Ballot",
            EventKind::Close => "Close",
            EventKind::EncryptedTally => "EncryptedTally",
            EventKind::PartialDecryption => "PartialDecryption",
            EventKind::Result => "Result",
            EventKind::PvSignature => "PvSignature",
        }
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_code_and_zero_is_no_kind() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::from_code(k.code()), Some(k));
        }
        assert_eq!(EventKind::from_code(0), None);
        assert_eq!(EventKind::from_code(11), None);
        assert_eq!(EventKind::from_code(255), None);
    }
}

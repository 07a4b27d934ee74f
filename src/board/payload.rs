//! The typed payload of an event, one variant per [`EventKind`].

use super::ballot::BallotCast;
use super::close::Close;
use super::encrypted_tally::EncryptedTally;
use super::genesis::Genesis;
use super::kind::EventKind;
use super::partial_decryption::PartialDecryption;
use super::proxy::ProxyCredential;
use super::pv_signature::PvSignature;
use super::reissue::CredentialReissue;
use super::result::ResultEvent;
use super::seal::Seal;
use crate::encoding::DecodeError;

/// An event's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// See [`Genesis`].
    Genesis(Box<Genesis>),
    /// See [`Seal`].
    Seal(Seal),
    /// See [`ProxyCredential`].
    ProxyCredential(ProxyCredential),
    /// See [`CredentialReissue`].
    CredentialReissue(CredentialReissue),
    /// See [`BallotCast`].
    Ballot(BallotCast),
    /// See [`Close`].
    Close(Close),
    /// See [`EncryptedTally`].
    EncryptedTally(EncryptedTally),
    /// See [`PartialDecryption`].
    PartialDecryption(PartialDecryption),
    /// See [`ResultEvent`].
    Result(ResultEvent),
    /// See [`PvSignature`].
    PvSignature(PvSignature),
}

impl Payload {
    /// The kind of event this payload makes.
    pub fn kind(&self) -> EventKind {
        match self {
            Payload::Genesis(_) => EventKind::Genesis,
            Payload::Seal(_) => EventKind::Seal,
            Payload::ProxyCredential(_) => EventKind::ProxyCredential,
            Payload::CredentialReissue(_) => EventKind::CredentialReissue,
            Payload::Ballot(_) => EventKind::Ballot,
            Payload::Close(_) => EventKind::Close,
            Payload::EncryptedTally(_) => EventKind::EncryptedTally,
            Payload::PartialDecryption(_) => EventKind::PartialDecryption,
            Payload::Result(_) => EventKind::Result,
            Payload::PvSignature(_) => EventKind::PvSignature,
        }
    }

    /// The payload's canonical encoding.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Payload::Genesis(p) => p.encode(),
            Payload::Seal(p) => p.encode(),
            Payload::ProxyCredential(p) => p.encode(),
            Payload::CredentialReissue(p) => p.encode(),
            Payload::Ballot(p) => p.encode(),
            Payload::Close(p) => p.encode(),
            Payload::EncryptedTally(p) => p.encode(),
            Payload::PartialDecryption(p) => p.encode(),
            Payload::Result(p) => p.encode(),
            Payload::PvSignature(p) => p.encode(),
        }
    }

    /// Strict decoding of a payload of `kind`; offsets in errors are relative to `bytes`.
    pub fn decode(kind: EventKind, bytes: &[u8]) -> Result<Self, DecodeError> {
        Ok(match kind {
            EventKind::Genesis => Payload::Genesis(Box::new(Genesis::decode(bytes)?)),
            EventKind::Seal => Payload::Seal(Seal::decode(bytes)?),
            EventKind::ProxyCredential => Payload::ProxyCredential(ProxyCredential::decode(bytes)?),
            EventKind::CredentialReissue => {
                Payload::CredentialReissue(CredentialReissue::decode(bytes)?)
            }
            EventKind::Ballot => Payload::Ballot(BallotCast::decode(bytes)?),
            EventKind::Close => Payload::Close(Close::decode(bytes)?),
            EventKind::EncryptedTally => Payload::EncryptedTally(EncryptedTally::decode(bytes)?),
            EventKind::PartialDecryption => {
                Payload::PartialDecryption(PartialDecryption::decode(bytes)?)
            }
            EventKind::Result => Payload::Result(ResultEvent::decode(bytes)?),
            EventKind::PvSignature => Payload::PvSignature(PvSignature::decode(bytes)?),
        })
    }
}

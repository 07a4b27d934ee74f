//! Every rule of the archive and of the chain as a report [`Failure`]: which check it belongs to,
//! a stable code, the place (height, credential, member), and the message in French (the core's
//! own message) and English.

use super::report::{CheckId, Failure, Text};
use crate::archive::ArchiveError;
use crate::board::{ChainError, EventKind};

/// The check a counting event belongs to.
fn count_check(kind: EventKind) -> CheckId {
    match kind {
        EventKind::EncryptedTally => CheckId::Tally,
        EventKind::PartialDecryption => CheckId::Decryptions,
        EventKind::Result => CheckId::Result,
        EventKind::PvSignature => CheckId::PvSignatures,
        EventKind::Ballot => CheckId::Ballots,
        EventKind::Close => CheckId::Close,
        EventKind::Genesis => CheckId::Genesis,
        EventKind::Seal => CheckId::Seal,
        EventKind::ProxyCredential | EventKind::CredentialReissue => CheckId::Proxies,
    }
}

/// A broken chain rule as a failure; `offset` is the byte offset of the event's record.
pub fn chain_failure(error: &ChainError, offset: Option<u64>) -> Failure {
    use ChainError as E;
    let fr = error.to_string();
    let (check, code, en): (CheckId, &'static str, String) = match error {
        E::Decode { height, error } => (
            if *height == 0 {
                CheckId::Genesis
            } else {
                CheckId::Chain
            },
            if *height == 0 {
                "genesis.decode"
            } else {
                "event.decode"
            },
            format!(
                "event {height}: invalid encoding: field {} (byte {} of the event): {}",
                error.field, error.offset, error.reason
            ),
        ),
        E::Height { height, found } => (
            CheckId::Chain,
            "chain.height",
            format!(
                "event {height}: states height {found}, {height} expected (an event dropped, duplicated or moved)"
            ),
        ),
        E::Parent {
            height,
            expected,
            found,
        } => (
            CheckId::Chain,
            "chain.parent",
            format!("event {height}: parent {found}, {expected} expected (the chain is broken)"),
        ),
        E::NotGenesis { found } => (
            CheckId::Genesis,
            "genesis.missing",
            format!("event 0: {found} found, Genesis expected"),
        ),
        E::GenesisAgain { height } => (
            CheckId::Genesis,
            "genesis.again",
            format!("event {height}: only one Genesis is allowed, at height 0"),
        ),
        E::SealMissing { found } => (
            CheckId::Seal,
            "seal.missing",
            format!("event 1: {found} found, Seal (the bâtonnier's seal) expected"),
        ),
        E::SealAgain { height } => (
            CheckId::Seal,
            "seal.again",
            format!("event {height}: only one Seal is allowed, at height 1"),
        ),
        E::SealInvalid => (
            CheckId::Seal,
            "seal.invalid",
            "event 1: the bâtonnier's signature of the election fingerprint is invalid (the genesis was altered, or the seal)".into(),
        ),
        E::OrdreSignatureInvalid { height, kind } => (
            count_check(*kind),
            match kind {
                EventKind::ProxyCredential => "proxy.authorisation",
                EventKind::CredentialReissue => "reissue.signature",
                _ => "close.signature",
            },
            format!("event {height} ({kind}): the ordre's signature is invalid"),
        ),
        E::EndorsementInvalid { height, mandataire } => (
            CheckId::Proxies,
            "proxy.endorsement",
            format!(
                "event {height} (ProxyCredential): the endorsement by the mandataire's credential {mandataire} is invalid"
            ),
        ),
        E::UnknownCredential {
            height,
            kind,
            role,
            credential,
        } => (
            count_check(*kind),
            if *kind == EventKind::Ballot {
                "ballot.unknown_credential"
            } else {
                "proxy.unknown_credential"
            },
            format!("event {height} ({kind}): unknown {} credential {credential}", role_en(role)),
        ),
        E::RevokedCredential {
            height,
            kind,
            role,
            credential,
            revoked_at,
        } => (
            count_check(*kind),
            if *kind == EventKind::Ballot {
                "ballot.revoked_credential"
            } else {
                "proxy.revoked_credential"
            },
            format!(
                "event {height} ({kind}): {} credential {credential} was revoked at height {revoked_at}",
                role_en(role)
            ),
        ),
        E::CredentialExists {
            height,
            kind,
            credential,
        } => (
            CheckId::Proxies,
            "proxy.credential_exists",
            format!("event {height} ({kind}): the new credential {credential} already exists"),
        ),
        E::SecondProxy {
            height,
            mandataire,
            first,
        } => (
            CheckId::Proxies,
            "proxy.second",
            format!(
                "event {height}: the mandataire {mandataire} already holds a proxy (height {first}); art. 26 allows one"
            ),
        ),
        E::MandantHasVoted {
            height,
            mandant,
            voted_at,
        } => (
            CheckId::Proxies,
            "proxy.mandant_voted",
            format!("event {height}: the mandant {mandant} already voted (height {voted_at})"),
        ),
        E::ProxyOfProxy {
            height,
            role,
            credential,
        } => (
            CheckId::Proxies,
            "proxy.of_proxy",
            format!(
                "event {height}: the {} credential {credential} is itself a proxy credential",
                role_en(role)
            ),
        ),
        E::SelfProxy { height, credential } => (
            CheckId::Proxies,
            "proxy.self",
            format!("event {height}: mandant and mandataire are the same credential {credential}"),
        ),
        E::ReissueAfterVote {
            height,
            credential,
            voted_at,
        } => (
            CheckId::Proxies,
            "reissue.after_vote",
            format!(
                "event {height}: credential {credential} voted (height {voted_at}) and cannot be replaced"
            ),
        ),
        E::SecondBallot {
            height,
            credential,
            first,
        } => (
            CheckId::Ballots,
            "ballot.second",
            format!("event {height}: credential {credential} already voted (height {first})"),
        ),
        E::BallotBeforeOpening {
            height,
            received_at,
            opening,
        } => (
            CheckId::Ballots,
            "ballot.before_opening",
            format!("event {height}: ballot received at {received_at}, before the opening ({opening})"),
        ),
        E::BallotAfterClosingTime {
            height,
            received_at,
            closing,
        } => (
            CheckId::Ballots,
            "ballot.after_closing_time",
            format!(
                "event {height}: ballot received at {received_at}, after the closing time ({closing})"
            ),
        ),
        E::BallotRejected {
            height,
            credential,
            reason,
        } => (
            CheckId::Ballots,
            "ballot.rejected",
            format!("event {height}: ballot of credential {credential} refused: {reason}"),
        ),
        E::AfterClose {
            height,
            kind,
            closed_at,
        } => (
            count_check(*kind),
            if *kind == EventKind::Ballot {
                "ballot.after_close"
            } else {
                "proxy.after_close"
            },
            format!("event {height} ({kind}): after the close (height {closed_at})"),
        ),
        E::CloseAgain { height, first } => (
            CheckId::Close,
            "close.again",
            format!("event {height}: the vote is already closed (height {first})"),
        ),
        E::CloseTooEarly {
            height,
            time,
            closing,
        } => (
            CheckId::Close,
            "close.too_early",
            format!(
                "event {height}: close at the closing time dated {time}, before the closing time {closing}"
            ),
        ),
        E::CloseBeforeBallot {
            height,
            time,
            last_ballot,
        } => (
            CheckId::Close,
            "close.before_ballot",
            format!("event {height}: close dated {time}, before a ballot was received ({last_ballot})"),
        ),
        E::CountBeforeClose { height, kind } => (
            count_check(*kind),
            "count.before_close",
            format!("event {height} ({kind}): the vote is not closed"),
        ),
        E::OutOfOrder {
            height,
            kind,
            expected,
        } => (
            count_check(*kind),
            "count.out_of_order",
            format!("event {height} ({kind}): out of order, {expected} expected"),
        ),
        E::TallyAgain { height, first } => (
            CheckId::Tally,
            "tally.again",
            format!("event {height}: the encrypted tally is already at height {first}"),
        ),
        E::UnknownMember {
            height,
            kind,
            member,
            members,
        } => (
            count_check(*kind),
            if *kind == EventKind::PartialDecryption {
                "decryption.unknown_member"
            } else {
                "pv_signature.unknown_member"
            },
            format!(
                "event {height} ({kind}): bureau member {member} unknown ({members} members)"
            ),
        ),
        E::DecryptionAgain {
            height,
            member,
            first,
        } => (
            CheckId::Decryptions,
            "decryption.again",
            format!("event {height}: member {member} already decrypted (height {first})"),
        ),
        E::NotEnoughDecryptions {
            height,
            batonnier,
            scrutateurs,
            threshold,
        } => (
            CheckId::Decryptions,
            "decryption.not_enough",
            format!(
                "event {height}: result without the required decryptions (bâtonnier: {}, scrutateurs: {scrutateurs}, threshold: {threshold})",
                if *batonnier { "yes" } else { "no" }
            ),
        ),
        E::ResultAgain { height, first } => (
            CheckId::Result,
            "result.again",
            format!("event {height}: the result is already at height {first}"),
        ),
        E::PvKeyMismatch {
            height,
            member,
            expected,
            found,
        } => (
            CheckId::PvSignatures,
            "pv_signature.key",
            format!("event {height}: key {found} for member {member}, {expected} expected"),
        ),
        E::PvSignatureInvalid { height, member } => (
            CheckId::PvSignatures,
            "pv_signature.invalid",
            format!("event {height}: member {member}'s signature of the procès-verbal is invalid"),
        ),
        E::PvSignatureAgain {
            height,
            member,
            first,
        } => (
            CheckId::PvSignatures,
            "pv_signature.again",
            format!("event {height}: member {member} already signed the procès-verbal (height {first})"),
        ),
        E::PvHashMismatch {
            height,
            member,
            expected,
            found,
        } => (
            CheckId::PvSignatures,
            "pv_signature.pv_hash",
            format!(
                "event {height}: member {member} signs procès-verbal {found}, {expected} expected"
            ),
        ),
        E::Empty => (
            CheckId::Chain,
            "chain.empty",
            "empty chain: Genesis expected".into(),
        ),
        E::Unsealed => (
            CheckId::Seal,
            "seal.missing",
            "the chain ends after the Genesis, without the bâtonnier's seal".into(),
        ),
        E::HeadMismatch {
            height,
            head,
            found_height,
            found_head,
        } => (
            CheckId::SignedHead,
            "head.mismatch",
            format!(
                "signed head (height {found_height}, {found_head}) differs from the end of the chain (height {height}, {head})"
            ),
        ),
        E::HeadFingerprint { expected, found } => (
            CheckId::SignedHead,
            "head.fingerprint",
            format!("signed head for election {found}, {expected} expected"),
        ),
        E::HeadSignatureInvalid { height } => (
            CheckId::SignedHead,
            "head.signature",
            format!("signed head of height {height}: the server's signature is invalid"),
        ),
    };
    let mut f = Failure::new(check, code, Text::new(fr, en));
    f.height = error.height();
    f.offset = offset;
    match error {
        E::Height { height, found } => {
            f.expected = Some(height.to_string());
            f.found = Some(found.to_string());
        }
        E::Parent {
            expected, found, ..
        } => {
            f.expected = Some(expected.to_hex());
            f.found = Some(found.to_hex());
        }
        E::EndorsementInvalid { mandataire, .. } | E::SecondProxy { mandataire, .. } => {
            f.credential = Some(*mandataire);
        }
        E::UnknownCredential {
            credential, kind, ..
        }
        | E::RevokedCredential {
            credential, kind, ..
        }
        | E::CredentialExists {
            credential, kind, ..
        } => {
            f.credential = Some(*credential);
            f.event = Some(kind.name());
        }
        E::MandantHasVoted { mandant, .. } => f.credential = Some(*mandant),
        E::ProxyOfProxy { credential, .. }
        | E::SelfProxy { credential, .. }
        | E::ReissueAfterVote { credential, .. }
        | E::SecondBallot { credential, .. }
        | E::BallotRejected { credential, .. } => f.credential = Some(*credential),
        E::OrdreSignatureInvalid { kind, .. }
        | E::AfterClose { kind, .. }
        | E::CountBeforeClose { kind, .. }
        | E::OutOfOrder { kind, .. } => f.event = Some(kind.name()),
        E::UnknownMember { member, kind, .. } => {
            f.member = Some(*member);
            f.event = Some(kind.name());
        }
        E::DecryptionAgain { member, .. }
        | E::PvSignatureInvalid { member, .. }
        | E::PvSignatureAgain { member, .. } => f.member = Some(*member),
        E::PvKeyMismatch {
            member,
            expected,
            found,
            ..
        } => {
            f.member = Some(*member);
            f.expected = Some(expected.to_hex());
            f.found = Some(found.to_hex());
        }
        E::PvHashMismatch {
            member,
            expected,
            found,
            ..
        } => {
            f.member = Some(*member);
            f.expected = Some(expected.to_hex());
            f.found = Some(found.to_hex());
        }
        E::BallotAfterClosingTime {
            received_at,
            closing,
            ..
        } => {
            f.expected = Some(format!("< {closing}"));
            f.found = Some(received_at.to_string());
        }
        E::BallotBeforeOpening {
            received_at,
            opening,
            ..
        } => {
            f.expected = Some(format!("≥ {opening}"));
            f.found = Some(received_at.to_string());
        }
        E::NotEnoughDecryptions {
            batonnier,
            scrutateurs,
            threshold,
            ..
        } => {
            f.expected = Some(format!("bâtonnier + {threshold} scrutateurs"));
            f.found = Some(format!(
                "{}{scrutateurs} scrutateurs",
                if *batonnier { "bâtonnier + " } else { "" }
            ));
        }
        E::HeadMismatch {
            height,
            head,
            found_height,
            found_head,
        } => {
            f.expected = Some(format!("{height} {head}"));
            f.found = Some(format!("{found_height} {found_head}"));
        }
        _ => {}
    }
    if let Some(0) = f.height {
        f.event = Some(EventKind::Genesis.name());
    }
    f
}

fn role_en(role: &str) -> &str {
    match role {
        "électeur" => "elector",
        "remplacé" => "replaced",
        other => other,
    }
}

/// An archive that cannot be trusted as a failure, or `Err` with the reason if it could not be
/// read at all (an input/output error: the verification did not run).
pub fn archive_failure(error: &ArchiveError) -> Result<Failure, Text> {
    use ArchiveError as A;
    let fr = error.to_string();
    let (code, en) = match error {
        A::Io { offset, source } => {
            return Err(Text::new(
                fr,
                format!("byte {offset}: input/output error: {source}"),
            ));
        }
        A::Chain { offset, error } => return Ok(chain_failure(error, Some(*offset))),
        A::BadMagic => (
            "archive.magic",
            "this file is not an Urne archive (initial signature missing)".to_string(),
        ),
        A::UnsupportedVersion { version } => (
            "archive.version",
            format!(
                "archive version {version} not supported (version {} expected)",
                crate::archive::FORMAT_VERSION
            ),
        ),
        A::Truncated {
            height,
            offset,
            what,
        } => (
            "archive.truncated",
            format!("archive truncated at byte {offset}: {what} missing (event {height})"),
        ),
        A::UnknownRecord {
            tag,
            offset,
            events,
        } => (
            "archive.record",
            format!("byte {offset}: unknown record type {tag:#04x} (after {events} events)"),
        ),
        A::EventTooLong {
            height,
            offset,
            len,
        } => (
            "archive.event_too_long",
            format!("byte {offset}: event {height} of {len} bytes, above the maximum"),
        ),
        A::EventAfterHead { height, offset } => (
            "archive.event_after_head",
            format!("byte {offset}: event {height} after the signed head"),
        ),
        A::HeadAgain { offset } => (
            "archive.head_again",
            format!("byte {offset}: second signed head"),
        ),
        A::Head { offset, error } => (
            "archive.head_decode",
            format!("byte {offset}: unreadable signed head: {error}"),
        ),
        A::CountMismatch {
            offset,
            stated,
            actual,
        } => (
            "archive.count",
            format!(
                "byte {offset}: the end record states {stated} events, the archive holds {actual}"
            ),
        ),
        A::TrailingBytes { offset } => (
            "archive.trailing",
            format!("byte {offset}: data after the end record"),
        ),
        A::Misuse(m) => ("archive.misuse", format!("archive writing: {m}")),
    };
    let mut f = Failure::new(CheckId::Archive, code, Text::new(fr, en));
    f.height = error.height();
    f.offset = error.offset();
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::PublicKey;

    fn pk() -> PublicKey {
        crate::verify::testkit::board_key(&crate::verify::testkit::credential("x"))
    }

    #[test]
    fn a_rule_broken_by_a_ballot_is_a_ballots_failure_and_by_a_proxy_a_proxies_failure() {
        let revoked = |kind| ChainError::RevokedCredential {
            height: 9,
            kind,
            role: "électeur",
            credential: pk(),
            revoked_at: 2,
        };
        let f = chain_failure(&revoked(EventKind::Ballot), Some(100));
        assert_eq!(
            (f.check, f.code, f.height, f.offset),
            (
                CheckId::Ballots,
                "ballot.revoked_credential",
                Some(9),
                Some(100)
            )
        );
        assert_eq!(f.credential, Some(pk()));
        assert!(
            f.message.en.contains("elector credential"),
            "{}",
            f.message.en
        );
        let f = chain_failure(&revoked(EventKind::ProxyCredential), None);
        assert_eq!(
            (f.check, f.code),
            (CheckId::Proxies, "proxy.revoked_credential")
        );
        let f = chain_failure(
            &ChainError::OrdreSignatureInvalid {
                height: 5,
                kind: EventKind::Close,
            },
            None,
        );
        assert_eq!((f.check, f.code), (CheckId::Close, "close.signature"));
        let f = chain_failure(&ChainError::SealInvalid, None);
        assert_eq!(
            (f.check, f.code, f.height),
            (CheckId::Seal, "seal.invalid", Some(1))
        );
    }

    #[test]
    fn an_input_output_error_is_not_a_verdict_on_the_election() {
        let e = ArchiveError::Io {
            offset: 7,
            source: std::io::Error::other("disque"),
        };
        let t = archive_failure(&e).unwrap_err();
        assert!(t.fr.contains("octet 7"), "{}", t.fr);
        let f = archive_failure(&ArchiveError::BadMagic).unwrap();
        assert_eq!((f.check, f.code), (CheckId::Archive, "archive.magic"));
    }
}

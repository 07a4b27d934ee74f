//! One test per rule of the chain: the honest chain passes, and each alteration is refused with
//! its own error at the right height.

use super::*;
use crate::board::close::Close;
use crate::board::testkit::{
    CLOSING, Fixture, OPENING, check_all, key, raw_chain_from, test_verifier,
};
use crate::board::{BallotBox, Bureau, PvSignature};

fn fixture() -> Fixture {
    Fixture::new()
}

/// Genesis, seal, then `payloads`, no rule checked while building.
fn chain(f: &Fixture, payloads: Vec<Payload>) -> Vec<Vec<u8>> {
    let mut all = vec![f.seal()];
    all.extend(payloads);
    f.raw_chain(all)
}

fn err(chain: &[Vec<u8>]) -> ChainError {
    check_all(chain).unwrap_err()
}

/// The events of the voting phase up to the close, for the counting tests.
fn closed(f: &Fixture) -> Vec<Payload> {
    vec![
        f.ballot(f.pk(1), OPENING + 1),
        f.ballot(f.pk(3), OPENING + 2),
        f.close(CLOSING),
    ]
}

#[test]
fn the_honest_full_chain_passes_every_rule() {
    let f = fixture();
    let (_, bytes) = f.full_chain();
    assert_eq!(bytes.len(), 18);
    let s = check_all(&bytes).unwrap();
    assert_eq!(s.fingerprint, f.fp);
    assert_eq!(s.height, 17);
    assert_eq!(s.phase, Phase::Resulted);
    assert_eq!(
        (
            s.genesis_credentials,
            s.proxies,
            s.reissues,
            s.ballots,
            s.decryptions,
            s.pv_signatures
        ),
        (6, 1, 1, 5, 3, 3)
    );
}

#[test]
fn a_chain_open_for_voting_is_valid_so_far() {
    let f = fixture();
    let c = chain(&f, vec![f.ballot(f.pk(0), OPENING)]);
    let s = check_all(&c).unwrap();
    assert_eq!((s.phase, s.ballots), (Phase::Open, 1));
}

#[test]
fn flipping_any_bit_of_any_event_is_detected_by_the_chain_or_the_signed_head() {
    let f = fixture();
    let (_, bytes) = f.full_chain();
    let n = bytes.len();
    let head = SignedHead::sign(f.fp, n as u64 - 1, event_hash(&bytes[n - 1]), &f.server);
    for (i, event) in bytes.iter().enumerate() {
        for j in 0..event.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = bytes.clone();
                bad[i][j] ^= bit;
                let mut c = ChainChecker::new();
                let mut result = Ok(());
                for b in &bad {
                    if let Err(e) = c.push(b, &mut test_verifier) {
                        result = Err(e);
                        break;
                    }
                }
                if result.is_ok() {
                    result = c.check_head(&head);
                }
                let e = result.expect_err(&format!("event {i} byte {j} bit {bit:#x} undetected"));
                // Detected at the altered event, or at the next one (its parent), or by the head.
                let h = e.height().unwrap_or(u64::MAX);
                assert!(
                    h == i as u64
                        || h == i as u64 + 1
                        || matches!(e, ChainError::HeadMismatch { .. }),
                    "event {i} byte {j}: detected at {h}: {e}"
                );
            }
        }
    }
}

#[test]
fn an_empty_chain_or_a_chain_without_the_seal_is_incomplete() {
    let f = fixture();
    assert_eq!(check_all(&[]), Err(ChainError::Empty));
    let only_genesis = vec![f.genesis_event().encode()];
    assert_eq!(check_all(&only_genesis), Err(ChainError::Unsealed));
}

#[test]
fn a_chain_that_does_not_start_with_the_genesis_is_refused() {
    let f = fixture();
    let c = chain(&f, vec![]);
    // Drop the genesis: the seal comes first, at height 1.
    assert_eq!(
        err(&c[1..]),
        ChainError::Height {
            height: 0,
            found: 1
        }
    );
    // A seal at height 0 with a zero parent.
    let forged = Event {
        height: 0,
        parent: Hash32::default(),
        payload: f.seal(),
    };
    assert_eq!(
        err(&[forged.encode()]),
        ChainError::NotGenesis {
            found: EventKind::Seal
        }
    );
}

#[test]
fn a_genesis_with_a_non_zero_parent_is_refused() {
    let f = fixture();
    let mut g = f.genesis_event();
    g.parent = Hash32([1; 32]);
    assert!(matches!(
        err(&[g.encode()]),
        ChainError::Parent { height: 0, .. }
    ));
}

#[test]
fn an_altered_genesis_breaks_the_batonnier_seal() {
    let f = fixture();
    let mut g = f.genesis.clone();
    g.closing += 3600;
    let altered = Event {
        height: 0,
        parent: Hash32::default(),
        payload: Payload::Genesis(Box::new(g)),
    };
    // Even re-chained correctly after the altered genesis, the seal is of the old fingerprint.
    let c = raw_chain_from(altered, vec![f.seal(), f.ballot(f.pk(0), OPENING)]);
    assert_eq!(err(&c), ChainError::SealInvalid);
}

#[test]
fn a_missing_or_second_seal_or_genesis_is_refused() {
    let f = fixture();
    let c = f.raw_chain(vec![f.ballot(f.pk(0), OPENING)]);
    assert_eq!(
        err(&c),
        ChainError::SealMissing {
            found: EventKind::Ballot
        }
    );
    let c = chain(&f, vec![f.seal()]);
    assert_eq!(err(&c), ChainError::SealAgain { height: 2 });
    let c = chain(&f, vec![Payload::Genesis(Box::new(f.genesis.clone()))]);
    assert_eq!(err(&c), ChainError::GenesisAgain { height: 2 });
}

#[test]
fn a_seal_by_someone_else_than_the_batonnier_is_refused() {
    let f = fixture();
    let c = f.raw_chain(vec![Payload::Seal(Seal::sign(&f.fp, &f.ordre))]);
    assert_eq!(err(&c), ChainError::SealInvalid);
}

#[test]
fn events_reordered_are_refused_at_the_first_out_of_place_height() {
    let f = fixture();
    let (_, mut bytes) = f.full_chain();
    bytes.swap(5, 6);
    assert_eq!(
        err(&bytes),
        ChainError::Height {
            height: 5,
            found: 6
        }
    );
}

#[test]
fn a_ballot_dropped_breaks_the_chain() {
    let f = fixture();
    let (_, mut bytes) = f.full_chain();
    bytes.remove(5);
    assert_eq!(
        err(&bytes),
        ChainError::Height {
            height: 5,
            found: 6
        }
    );
}

#[test]
fn a_ballot_dropped_and_the_heights_renumbered_breaks_the_parent_link() {
    let f = fixture();
    let (events, bytes) = f.full_chain();
    let mut forged: Vec<Vec<u8>> = bytes[..5].to_vec();
    let mut e6 = events[6].clone();
    e6.height = 5;
    forged.push(e6.encode());
    assert!(matches!(err(&forged), ChainError::Parent { height: 5, .. }));
}

#[test]
fn a_ballot_duplicated_in_place_is_refused() {
    let f = fixture();
    let (_, mut bytes) = f.full_chain();
    let dup = bytes[5].clone();
    bytes.insert(6, dup);
    assert_eq!(
        err(&bytes),
        ChainError::Height {
            height: 6,
            found: 5
        }
    );
}

#[test]
fn a_second_ballot_of_one_credential_is_refused() {
    let f = fixture();
    let c = chain(
        &f,
        vec![
            f.ballot(f.pk(0), OPENING + 1),
            f.ballot(f.pk(0), OPENING + 2),
        ],
    );
    assert_eq!(
        err(&c),
        ChainError::SecondBallot {
            height: 3,
            credential: f.pk(0),
            first: 2
        }
    );
}

#[test]
fn a_ballot_of_an_unregistered_credential_is_refused() {
    let f = fixture();
    let stranger = PublicKey::of(&key("inconnu"));
    let c = chain(&f, vec![f.ballot(stranger, OPENING)]);
    assert!(matches!(
        err(&c),
        ChainError::UnknownCredential {
            height: 2,
            role: "électeur",
            ..
        }
    ));
}

#[test]
fn a_ballot_outside_the_voting_window_is_refused() {
    let f = fixture();
    let c = chain(&f, vec![f.ballot(f.pk(0), OPENING - 1)]);
    assert!(matches!(
        err(&c),
        ChainError::BallotBeforeOpening { height: 2, .. }
    ));
    let c = chain(&f, vec![f.ballot(f.pk(0), CLOSING)]);
    assert!(matches!(
        err(&c),
        ChainError::BallotAfterClosingTime { height: 2, .. }
    ));
    let c = chain(
        &f,
        vec![f.ballot(f.pk(0), OPENING), f.ballot(f.pk(1), CLOSING - 1)],
    );
    check_all(&c).unwrap();
}

#[test]
fn a_ballot_cast_after_the_close_is_refused() {
    let f = fixture();
    let c = chain(
        &f,
        vec![
            f.ballot(f.pk(0), OPENING),
            Payload::Close(Close::sign(
                &f.fp,
                OPENING + 10,
                CloseReason::Decision,
                "incident",
                &f.ordre,
            )),
            f.ballot(f.pk(1), OPENING + 20),
        ],
    );
    assert_eq!(
        err(&c),
        ChainError::AfterClose {
            height: 4,
            kind: EventKind::Ballot,
            closed_at: 3
        }
    );
}

#[test]
fn a_ballot_the_verifier_refuses_is_refused_with_its_reason() {
    let f = fixture();
    let mut bad = f.ballot(f.pk(0), OPENING);
    if let Payload::Ballot(b) = &mut bad {
        b.ballot[0] ^= 1;
    }
    let c = chain(&f, vec![bad]);
    match err(&c) {
        ChainError::BallotRejected { height, reason, .. } => {
            assert_eq!(height, 2);
            assert!(reason.contains("différent"), "{reason}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn the_verifier_receives_the_ballot_with_its_rights_and_a_refusal_changes_nothing() {
    let f = fixture();
    let c = chain(&f, vec![f.ballot(f.pk(5), OPENING)]);
    let mut checker = ChainChecker::new();
    checker.push(&c[0], &mut test_verifier).unwrap();
    checker.push(&c[1], &mut test_verifier).unwrap();
    let mut seen = None;
    let mut refuse = |b: &BallotToVerify<'_>| {
        seen = Some((b.height, b.credential, b.rights.to_vec(), b.fingerprint));
        Err("preuve invalide".to_owned())
    };
    assert!(checker.push(&c[2], &mut refuse).is_err());
    assert_eq!(
        seen,
        Some((
            2,
            f.pk(5),
            vec![Right {
                contest: 1,
                weight: 3
            }],
            f.fp
        ))
    );
    // The refusal left the credential unused and the head where it was.
    assert!(checker.can_vote(&f.pk(5)).is_some());
    assert_eq!(checker.next_height(), 2);
    let ok = checker.push(&c[2], &mut test_verifier).unwrap();
    assert_eq!(
        ok.rights,
        vec![Right {
            contest: 1,
            weight: 3
        }]
    );
}

#[test]
fn deferred_ballots_are_handed_to_the_caller() {
    let f = fixture();
    let c = chain(&f, vec![f.ballot(f.pk(2), OPENING)]);
    let mut checker = ChainChecker::new();
    let mut ballots = 0;
    for b in &c {
        let e = checker.push_deferring_ballots(b).unwrap();
        if let Some(ballot) = e.ballot(checker.fingerprint().unwrap()) {
            test_verifier(&ballot).unwrap();
            ballots += 1;
        }
    }
    assert_eq!(ballots, 1);
}

#[test]
fn a_proxy_revokes_the_mandant_and_its_credential_votes_with_the_mandant_rights() {
    let f = fixture();
    let p = key("procuration");
    let c = chain(
        &f,
        vec![
            f.proxy(f.pk(5), &p, &f.voters[1]),
            f.ballot(PublicKey::of(&p), OPENING),
            f.ballot(f.pk(1), OPENING + 1),
        ],
    );
    let mut checker = ChainChecker::new();
    let mut rights = vec![];
    for b in &c {
        rights = checker.push(b, &mut test_verifier).unwrap().rights;
    }
    assert_eq!(
        rights,
        vec![
            Right {
                contest: 0,
                weight: 1
            },
            Right {
                contest: 1,
                weight: 1
            }
        ]
    );
    assert_eq!(
        checker.credential_origin(&PublicKey::of(&p)),
        Some(CredentialOrigin::Proxy { height: 2 })
    );
    assert!(checker.can_vote(&f.pk(5)).is_none());
}

#[test]
fn a_revoked_mandant_casts_nothing_afterwards() {
    let f = fixture();
    let c = chain(
        &f,
        vec![
            f.proxy(f.pk(0), &key("procuration"), &f.voters[1]),
            f.ballot(f.pk(0), OPENING),
        ],
    );
    assert_eq!(
        err(&c),
        ChainError::RevokedCredential {
            height: 3,
            kind: EventKind::Ballot,
            role: "électeur",
            credential: f.pk(0),
            revoked_at: 2
        }
    );
}

#[test]
fn a_second_proxy_for_one_mandataire_is_refused() {
    let f = fixture();
    let c = chain(
        &f,
        vec![
            f.proxy(f.pk(0), &key("procuration a"), &f.voters[1]),
            f.proxy(f.pk(2), &key("procuration b"), &f.voters[1]),
        ],
    );
    assert_eq!(
        err(&c),
        ChainError::SecondProxy {
            height: 3,
            mandataire: f.pk(1),
            first: 2
        }
    );
}

#[test]
fn a_mandataire_whose_code_was_reissued_still_holds_only_one_proxy() {
    let f = fixture();
    let again = key("électeur 1 bis");
    let c = chain(
        &f,
        vec![
            f.proxy(f.pk(0), &key("procuration a"), &f.voters[1]),
            f.reissue(f.pk(1), &again),
            f.proxy(f.pk(2), &key("procuration b"), &again),
        ],
    );
    assert!(matches!(
        err(&c),
        ChainError::SecondProxy {
            height: 4,
            first: 2,
            ..
        }
    ));
}

#[test]
fn a_proxy_not_authorised_by_the_ordre_is_refused() {
    let f = fixture();
    let mut p = f.proxy(f.pk(0), &key("procuration"), &f.voters[1]);
    if let Payload::ProxyCredential(p) = &mut p {
        p.authorisation = crate::board::sign(&f.server, &p.authorisation_message(&f.fp));
    }
    assert_eq!(
        err(&chain(&f, vec![p])),
        ChainError::OrdreSignatureInvalid {
            height: 2,
            kind: EventKind::ProxyCredential
        }
    );
}

#[test]
fn a_proxy_not_endorsed_by_the_mandataire_credential_is_refused() {
    let f = fixture();
    // Endorsed by voter 3 but naming voter 1 as mandataire (the ordre signs what it is given).
    let proxy = PublicKey::of(&key("procuration"));
    let endorsement = ProxyCredential::endorse(&f.fp, &f.pk(0), &proxy, &f.voters[3]);
    let p = Payload::ProxyCredential(ProxyCredential::authorise(
        &f.fp,
        f.pk(0),
        proxy,
        f.pk(1),
        endorsement,
        &f.ordre,
    ));
    assert_eq!(
        err(&chain(&f, vec![p])),
        ChainError::EndorsementInvalid {
            height: 2,
            mandataire: f.pk(1)
        }
    );
}

#[test]
fn a_proxy_with_an_unknown_or_revoked_mandant_or_mandataire_is_refused() {
    let f = fixture();
    let stranger = key("inconnu");
    let c = chain(
        &f,
        vec![f.proxy(PublicKey::of(&stranger), &key("p"), &f.voters[1])],
    );
    assert!(matches!(
        err(&c),
        ChainError::UnknownCredential {
            role: "mandant",
            ..
        }
    ));
    let c = chain(&f, vec![f.proxy(f.pk(0), &key("p"), &stranger)]);
    assert!(matches!(
        err(&c),
        ChainError::UnknownCredential {
            role: "mandataire",
            ..
        }
    ));
    let c = chain(
        &f,
        vec![
            f.reissue(f.pk(1), &key("électeur 1 bis")),
            f.proxy(f.pk(0), &key("p"), &f.voters[1]),
        ],
    );
    assert!(matches!(
        err(&c),
        ChainError::RevokedCredential {
            role: "mandataire",
            revoked_at: 2,
            ..
        }
    ));
    let c = chain(
        &f,
        vec![
            f.reissue(f.pk(0), &key("électeur 0 bis")),
            f.proxy(f.pk(0), &key("p"), &f.voters[1]),
        ],
    );
    assert!(matches!(
        err(&c),
        ChainError::RevokedCredential {
            role: "mandant",
            revoked_at: 2,
            ..
        }
    ));
}

#[test]
fn a_proxy_for_a_mandant_who_voted_is_refused() {
    let f = fixture();
    let c = chain(
        &f,
        vec![
            f.ballot(f.pk(0), OPENING),
            f.proxy(f.pk(0), &key("p"), &f.voters[1]),
        ],
    );
    assert_eq!(
        err(&c),
        ChainError::MandantHasVoted {
            height: 3,
            mandant: f.pk(0),
            voted_at: 2
        }
    );
}

#[test]
fn a_proxy_to_oneself_or_through_a_proxy_credential_is_refused() {
    let f = fixture();
    let c = chain(&f, vec![f.proxy(f.pk(0), &key("p"), &f.voters[0])]);
    assert_eq!(
        err(&c),
        ChainError::SelfProxy {
            height: 2,
            credential: f.pk(0)
        }
    );
    let p = key("p");
    let c = chain(
        &f,
        vec![
            f.proxy(f.pk(0), &p, &f.voters[1]),
            f.proxy(f.pk(2), &key("q"), &p),
        ],
    );
    assert!(matches!(
        err(&c),
        ChainError::ProxyOfProxy {
            role: "mandataire",
            height: 3,
            ..
        }
    ));
    let c = chain(
        &f,
        vec![
            f.proxy(f.pk(0), &p, &f.voters[1]),
            f.proxy(PublicKey::of(&p), &key("q"), &f.voters[2]),
        ],
    );
    assert!(matches!(
        err(&c),
        ChainError::ProxyOfProxy {
            role: "mandant",
            height: 3,
            ..
        }
    ));
}

#[test]
fn a_new_credential_that_already_exists_is_refused() {
    let f = fixture();
    let c = chain(&f, vec![f.proxy(f.pk(0), &f.voters[3], &f.voters[1])]);
    assert!(matches!(
        err(&c),
        ChainError::CredentialExists {
            kind: EventKind::ProxyCredential,
            ..
        }
    ));
    let c = chain(&f, vec![f.reissue(f.pk(0), &f.voters[3])]);
    assert!(matches!(
        err(&c),
        ChainError::CredentialExists {
            kind: EventKind::CredentialReissue,
            ..
        }
    ));
}

#[test]
fn a_reissued_credential_replaces_the_old_one_which_casts_nothing_afterwards() {
    let f = fixture();
    let new = key("électeur 4 bis");
    let c = chain(
        &f,
        vec![
            f.reissue(f.pk(4), &new),
            f.ballot(PublicKey::of(&new), OPENING),
        ],
    );
    check_all(&c).unwrap();
    let c = chain(
        &f,
        vec![f.reissue(f.pk(4), &new), f.ballot(f.pk(4), OPENING)],
    );
    assert!(matches!(
        err(&c),
        ChainError::RevokedCredential {
            height: 3,
            revoked_at: 2,
            ..
        }
    ));
}

#[test]
fn a_credential_that_voted_is_not_reissued() {
    let f = fixture();
    let c = chain(
        &f,
        vec![
            f.ballot(f.pk(4), OPENING),
            f.reissue(f.pk(4), &key("électeur 4 bis")),
        ],
    );
    assert_eq!(
        err(&c),
        ChainError::ReissueAfterVote {
            height: 3,
            credential: f.pk(4),
            voted_at: 2
        }
    );
}

#[test]
fn a_reissue_not_signed_by_the_ordre_is_refused() {
    let f = fixture();
    let r = Payload::CredentialReissue(CredentialReissue::sign(
        &f.fp,
        f.pk(4),
        PublicKey::of(&key("x")),
        &f.batonnier,
    ));
    assert_eq!(
        err(&chain(&f, vec![r])),
        ChainError::OrdreSignatureInvalid {
            height: 2,
            kind: EventKind::CredentialReissue
        }
    );
}

#[test]
fn no_proxy_or_reissue_after_the_close() {
    let f = fixture();
    let c = chain(&f, vec![f.close(CLOSING), f.reissue(f.pk(4), &key("x"))]);
    assert!(matches!(
        err(&c),
        ChainError::AfterClose {
            kind: EventKind::CredentialReissue,
            closed_at: 2,
            ..
        }
    ));
    let c = chain(
        &f,
        vec![f.close(CLOSING), f.proxy(f.pk(0), &key("p"), &f.voters[1])],
    );
    assert!(matches!(
        err(&c),
        ChainError::AfterClose {
            kind: EventKind::ProxyCredential,
            ..
        }
    ));
}

#[test]
fn a_close_must_be_signed_by_the_ordre_once_and_not_before_its_time() {
    let f = fixture();
    let forged = Payload::Close(Close::sign(
        &f.fp,
        CLOSING,
        CloseReason::ClosingTime,
        "",
        &f.server,
    ));
    assert_eq!(
        err(&chain(&f, vec![forged])),
        ChainError::OrdreSignatureInvalid {
            height: 2,
            kind: EventKind::Close
        }
    );
    let c = chain(&f, vec![f.close(CLOSING - 1)]);
    assert!(matches!(
        err(&c),
        ChainError::CloseTooEarly { height: 2, .. }
    ));
    let c = chain(&f, vec![f.close(CLOSING), f.close(CLOSING + 1)]);
    assert_eq!(
        err(&c),
        ChainError::CloseAgain {
            height: 3,
            first: 2
        }
    );
    let early = Payload::Close(Close::sign(
        &f.fp,
        OPENING + 5,
        CloseReason::Decision,
        "panne",
        &f.ordre,
    ));
    let c = chain(&f, vec![f.ballot(f.pk(0), OPENING + 10), early]);
    assert!(matches!(
        err(&c),
        ChainError::CloseBeforeBallot { height: 3, .. }
    ));
}

#[test]
fn counting_events_before_the_close_are_refused() {
    let f = fixture();
    for p in [f.tally(), f.decryption(0), f.result(), f.pv(0)] {
        let kind = p.kind();
        assert_eq!(
            err(&chain(&f, vec![p])),
            ChainError::CountBeforeClose { height: 2, kind }
        );
    }
}

#[test]
fn counting_events_out_of_order_are_refused() {
    let f = fixture();
    let mut base = closed(&f);
    base.push(f.decryption(0));
    assert!(matches!(
        err(&chain(&f, base)),
        ChainError::OutOfOrder {
            height: 5,
            kind: EventKind::PartialDecryption,
            expected: "EncryptedTally"
        }
    ));
    let mut base = closed(&f);
    base.push(f.result());
    assert!(matches!(
        err(&chain(&f, base)),
        ChainError::OutOfOrder {
            kind: EventKind::Result,
            expected: "EncryptedTally",
            ..
        }
    ));
    let mut base = closed(&f);
    base.extend([f.tally(), f.pv(0)]);
    assert!(matches!(
        err(&chain(&f, base)),
        ChainError::OutOfOrder {
            kind: EventKind::PvSignature,
            expected: "Result",
            ..
        }
    ));
    let mut base = closed(&f);
    base.extend([
        f.tally(),
        f.decryption(0),
        f.decryption(1),
        f.decryption(2),
        f.result(),
        f.decryption(3),
    ]);
    assert!(matches!(
        err(&chain(&f, base)),
        ChainError::OutOfOrder {
            height: 10,
            kind: EventKind::PartialDecryption,
            expected: "PvSignature"
        }
    ));
}

#[test]
fn a_second_tally_or_result_is_refused() {
    let f = fixture();
    let mut base = closed(&f);
    base.extend([f.tally(), f.tally()]);
    assert_eq!(
        err(&chain(&f, base)),
        ChainError::TallyAgain {
            height: 6,
            first: 5
        }
    );
    let mut base = closed(&f);
    base.extend([
        f.tally(),
        f.decryption(0),
        f.decryption(1),
        f.decryption(2),
        f.result(),
        f.result(),
    ]);
    assert_eq!(
        err(&chain(&f, base)),
        ChainError::ResultAgain {
            height: 10,
            first: 9
        }
    );
}

#[test]
fn a_partial_decryption_by_a_non_member_or_twice_is_refused() {
    let f = fixture();
    let mut base = closed(&f);
    base.extend([f.tally(), f.decryption(4)]);
    assert_eq!(
        err(&chain(&f, base)),
        ChainError::UnknownMember {
            height: 6,
            kind: EventKind::PartialDecryption,
            member: 4,
            members: 4
        }
    );
    let mut base = closed(&f);
    base.extend([f.tally(), f.decryption(1), f.decryption(1)]);
    assert_eq!(
        err(&chain(&f, base)),
        ChainError::DecryptionAgain {
            height: 7,
            member: 1,
            first: 6
        }
    );
}

#[test]
fn a_result_needs_the_batonnier_and_the_threshold_of_scrutateurs() {
    let f = fixture();
    // Bâtonnier + 1 scrutateur, t = 2.
    let mut base = closed(&f);
    base.extend([f.tally(), f.decryption(0), f.decryption(1), f.result()]);
    assert_eq!(
        err(&chain(&f, base)),
        ChainError::NotEnoughDecryptions {
            height: 8,
            batonnier: true,
            scrutateurs: 1,
            threshold: 2
        }
    );
    // All three scrutateurs without the bâtonnier.
    let mut base = closed(&f);
    base.extend([
        f.tally(),
        f.decryption(1),
        f.decryption(2),
        f.decryption(3),
        f.result(),
    ]);
    assert_eq!(
        err(&chain(&f, base)),
        ChainError::NotEnoughDecryptions {
            height: 9,
            batonnier: false,
            scrutateurs: 3,
            threshold: 2
        }
    );
    // Bâtonnier + any 2.
    for pair in [[1, 2], [1, 3], [2, 3]] {
        let mut base = closed(&f);
        base.extend([
            f.tally(),
            f.decryption(0),
            f.decryption(pair[0]),
            f.decryption(pair[1]),
            f.result(),
        ]);
        assert_eq!(check_all(&chain(&f, base)).unwrap().phase, Phase::Resulted);
    }
}

fn resulted(f: &Fixture) -> Vec<Payload> {
    let mut base = closed(f);
    base.extend([
        f.tally(),
        f.decryption(0),
        f.decryption(1),
        f.decryption(2),
        f.result(),
    ]);
    base
}

#[test]
fn a_pv_signature_must_be_by_the_member_key_valid_once_and_of_one_pv() {
    let f = fixture();
    // Key of scrutateur 2 claimed for member 1.
    let mut base = resulted(&f);
    let mut s = PvSignature::sign(&f.fp, 1, f.pv_hash(), &f.scrutateurs[1]);
    base.push(Payload::PvSignature(s));
    assert!(matches!(
        err(&chain(&f, base)),
        ChainError::PvKeyMismatch {
            height: 10,
            member: 1,
            ..
        }
    ));
    // Right key, wrong signature.
    let mut base = resulted(&f);
    s = PvSignature::sign(&f.fp, 1, f.pv_hash(), &f.scrutateurs[0]);
    s.signature.0[0] ^= 1;
    base.push(Payload::PvSignature(s));
    assert_eq!(
        err(&chain(&f, base)),
        ChainError::PvSignatureInvalid {
            height: 10,
            member: 1
        }
    );
    // Twice.
    let mut base = resulted(&f);
    base.extend([f.pv(0), f.pv(0)]);
    assert_eq!(
        err(&chain(&f, base)),
        ChainError::PvSignatureAgain {
            height: 11,
            member: 0,
            first: 10
        }
    );
    // Two different PVs.
    let mut base = resulted(&f);
    base.push(f.pv(0));
    base.push(Payload::PvSignature(PvSignature::sign(
        &f.fp,
        2,
        Hash32([7; 32]),
        &f.scrutateurs[1],
    )));
    assert!(matches!(
        err(&chain(&f, base)),
        ChainError::PvHashMismatch {
            height: 11,
            member: 2,
            ..
        }
    ));
    // Unknown member.
    let mut base = resulted(&f);
    base.push(Payload::PvSignature(PvSignature::sign(
        &f.fp,
        9,
        f.pv_hash(),
        &f.ordre,
    )));
    assert!(matches!(
        err(&chain(&f, base)),
        ChainError::UnknownMember {
            member: 9,
            kind: EventKind::PvSignature,
            ..
        }
    ));
}

#[test]
fn nothing_but_counting_events_after_the_close() {
    let f = fixture();
    let mut base = resulted(&f);
    base.push(f.ballot(f.pk(4), OPENING + 3));
    assert!(matches!(
        err(&chain(&f, base)),
        ChainError::AfterClose {
            kind: EventKind::Ballot,
            ..
        }
    ));
}

#[test]
fn a_signed_head_must_name_the_last_event_of_this_election_and_be_signed_by_the_server() {
    let f = fixture();
    let c = chain(&f, closed(&f));
    let mut checker = ChainChecker::new();
    for b in &c {
        checker.push(b, &mut test_verifier).unwrap();
    }
    let (h, hash) = checker.head().unwrap();
    checker
        .check_head(&SignedHead::sign(f.fp, h, hash, &f.server))
        .unwrap();
    assert!(matches!(
        checker.check_head(&SignedHead::sign(f.fp, h - 1, hash, &f.server)),
        Err(ChainError::HeadMismatch { .. })
    ));
    assert!(matches!(
        checker.check_head(&SignedHead::sign(Hash32([1; 32]), h, hash, &f.server)),
        Err(ChainError::HeadFingerprint { .. })
    ));
    assert_eq!(
        checker.check_head(&SignedHead::sign(f.fp, h, hash, &f.ordre)),
        Err(ChainError::HeadSignatureInvalid { height: h })
    );
}

#[test]
fn a_ballot_box_refuses_an_invalid_event_and_stays_usable() {
    let f = fixture();
    let (mut bb, g) = BallotBox::new(f.genesis.clone()).unwrap();
    assert_eq!(g.hash, f.fp);
    bb.append(f.seal(), &mut test_verifier).unwrap();
    let a = bb
        .append(f.ballot(f.pk(0), OPENING), &mut test_verifier)
        .unwrap();
    let e = bb
        .append(f.ballot(f.pk(0), OPENING + 1), &mut test_verifier)
        .unwrap_err();
    assert!(matches!(e, ChainError::SecondBallot { height: 3, .. }));
    assert_eq!(bb.head(), (2, a.hash));
    let b = bb
        .append(f.ballot(f.pk(1), OPENING + 1), &mut test_verifier)
        .unwrap();
    assert_eq!((b.height, bb.head()), (3, (3, b.hash)));
    bb.sign_head(&f.server)
        .verify(&f.genesis.server_public_key)
        .unwrap();
    // Replaying what was stored gives the same box.
    let (_, all) = f.full_chain();
    let replayed = BallotBox::replay(all.iter().map(|b| b.as_slice()), &mut test_verifier).unwrap();
    assert_eq!(replayed.head().0, 17);
}

#[test]
fn a_genesis_whose_bureau_is_unknown_to_the_result_rules_still_counts_members_from_zero() {
    let b = Bureau {
        batonnier: PublicKey::of(&key("b")),
        scrutateurs: vec![PublicKey::of(&key("s1")), PublicKey::of(&key("s2"))],
        threshold: 1,
        dkg_transcript: vec![1],
    };
    assert_eq!(b.member(0), Some(PublicKey::of(&key("b"))));
    assert_eq!(b.member(2), Some(PublicKey::of(&key("s2"))));
    assert_eq!(b.member(3), None);
    assert_eq!(b.len(), 3);
}

#[test]
fn every_error_names_its_height_in_its_message() {
    let f = fixture();
    let c = chain(
        &f,
        vec![f.ballot(f.pk(0), OPENING), f.ballot(f.pk(0), OPENING)],
    );
    let e = err(&c);
    assert!(e.to_string().starts_with("événement 3 "), "{e}");
    assert_eq!(e.height(), Some(3));
}

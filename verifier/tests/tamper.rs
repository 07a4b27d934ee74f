//! The tamper corpus (issue 7): a valid election built in-process with the core (genesis with
//! credentials and rights, seal, proxy, reissue, ballots, close, encrypted tally, partial
//! decryptions from a real key ceremony, the result of the counting rules, the signed PV), which
//! the verifier accepts untouched, and alterations of the archive, of the PV and of receipts —
//! each refused by the check it targets with its own rule code and message. Where an alteration
//! would otherwise break a signature or the hash chain first, the test re-signs or re-chains
//! (as a dishonest server holding those keys would), so that the alteration reaches its check.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use urne::board::{
    BallotCast, CloseReason, Payload, PublicKey, Receipt, ResultEvent, SignedHead,
    canonical_json_value, event_hash,
};
use urne::crypto::ballot::Ballot;
use urne::crypto::dkg::TrusteeSecret;
use urne::crypto::{Point, Scalar};
use urne::pv::Pv;
use urne::verify::testkit::{CLOSING, Fixture, OPENING, Scenario, Spec, at, board_key, credential};
use urne::verify::{CheckId, Failure, Lang, Options, Report, Status, Verdict, verify};

fn build() -> (Fixture, Scenario) {
    let mut f = Fixture::new(Spec::default());
    let s = f.scenario();
    (f, s)
}

fn verify_bytes(archive: &[u8], options: &Options) -> Report {
    verify(archive, options, &mut |_| {}).report
}

fn verify_payloads(f: &Fixture, payloads: &[Payload], options: &Options) -> Report {
    let events = f.chain(payloads);
    verify_bytes(&f.archive(&events, true), options)
}

fn with_pv(pv: Pv) -> Options {
    Options {
        pv: Some(pv),
        ..Options::default()
    }
}

/// The report refuses the archive at `check` with rule `code`; returns the failure.
fn refused(r: &Report, check: CheckId, code: &str) -> Failure {
    assert_eq!(
        r.verdict,
        Verdict::Invalid,
        "{}",
        r.render(Lang::Fr, "test")
    );
    let f = r.failure.clone().unwrap();
    assert_eq!(
        (f.check, f.code),
        (check, code),
        "{}",
        r.render(Lang::Fr, "test")
    );
    assert_eq!(r.check(check).unwrap().status, Status::Failed);
    assert!(!f.message.fr.is_empty() && !f.message.en.is_empty());
    // The text report names the rule and the place.
    let text = r.render(Lang::Fr, "test");
    assert!(text.contains(code), "{text}");
    if let Some(h) = f.height {
        assert!(text.contains(&format!("événement {h}")), "{text}");
    }
    f
}

fn ballot_at(s: &mut Scenario, height: usize) -> &mut BallotCast {
    match s.at_mut(height) {
        Payload::Ballot(b) => b,
        other => panic!("height {height}: {other:?} is not a ballot"),
    }
}

/// `(contest, start, options, max)` of each contest of ballot bytes (docs/protocol.md §5.4).
fn contests(bytes: &[u8]) -> Vec<(u32, usize, usize, usize)> {
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let n = u32_at(65) as usize;
    let mut at = 69;
    let mut out = Vec::new();
    for _ in 0..n {
        let (c, options, max) = (u32_at(at), u32_at(at + 4) as usize, u32_at(at + 8) as usize);
        out.push((c, at, options, max));
        // Header, options and blank (α ‖ β ‖ 0/1 proof each), range proof of `max` branches.
        at += 12 + (options + 1) * 288 + (4 * max - 1) * 32;
    }
    assert_eq!(at, bytes.len() - 64, "ballot layout");
    out
}

/// The credential of a scenario ballot, to re-sign it.
fn voter_of(
    f: &Fixture,
    s: &Scenario,
    credential: &PublicKey,
) -> urne::crypto::credential::Credential {
    f.electors
        .iter()
        .chain([&s.proxy, &s.reissued])
        .find(|c| board_key(c) == *credential)
        .cloned()
        .unwrap()
}

fn flip_and_resign(f: &Fixture, s: &mut Scenario, height: usize, offset: usize, mask: u8) {
    let cred = ballot_at(s, height).credential;
    let voter = voter_of(f, s, &cred);
    let b = ballot_at(s, height);
    b.ballot[offset] ^= mask;
    Fixture::resign_ballot(&mut b.ballot, &voter);
}

// ---------------------------------------------------------------------------------------------
// The untouched election.

#[test]
fn the_untouched_archive_with_its_pv_and_receipts_is_valid() {
    let (f, s) = build();
    let events = f.chain(&s.payloads);
    let receipts = (at::FIRST_BALLOT..=at::LAST_BALLOT)
        .map(|h| f.receipt(&events, h as u64).unwrap())
        .collect();
    let options = Options {
        pv: Some(s.pv.clone()),
        receipts,
        ..Options::default()
    };
    let v = verify(f.archive(&events, true).as_slice(), &options, &mut |_| {});
    let r = &v.report;
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.render(Lang::Fr, "test"));
    for id in CheckId::ALL {
        assert_eq!(r.check(id).unwrap().status, Status::Passed, "{id:?}");
    }
    let count = |id| r.check(id).unwrap().count;
    assert_eq!(count(CheckId::Chain), Some(20));
    assert_eq!(count(CheckId::Credentials), Some(8));
    assert_eq!(count(CheckId::Proxies), Some(1));
    assert_eq!(count(CheckId::Ballots), Some(6));
    assert_eq!(count(CheckId::Decryptions), Some(3));
    assert_eq!(count(CheckId::Pv), Some(4));
    assert_eq!(count(CheckId::Receipts), Some(6));
    assert_eq!(r.fingerprints.election, Some(f.fp));
    assert_eq!(r.fingerprints.pv_hash, Some(s.pv_hash));
    // The decrypted counts are the ballots cast (fixture: T1 ×3, T2, T3, one blank).
    assert_eq!(r.counts[0].options, vec![3, 1, 1]);
    assert_eq!(r.counts[0].blank, 1);
    assert_eq!(r.figures[0].proxy_votants, 1);
    // The verified election is handed over, with the recomputed result.
    let e = v.election.unwrap();
    assert_eq!(e.result.unwrap(), s.pv.result);
    let text = r.render(Lang::Fr, "test");
    assert!(text.contains("6 bulletins vérifiés"), "{text}");
    assert!(r.render(Lang::En, "test").contains("6 ballots verified"));
}

#[test]
fn an_archive_downloaded_during_the_vote_is_valid_so_far() {
    let (f, s) = build();
    let r = verify_payloads(&f, &s.payloads[..at::LAST_BALLOT], &Options::default());
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.render(Lang::Fr, "test"));
    assert_eq!(r.check(CheckId::Ballots).unwrap().status, Status::Passed);
    assert_eq!(r.check(CheckId::Ballots).unwrap().count, Some(6));
    assert_eq!(
        r.check(CheckId::Tally).unwrap().status,
        Status::NotApplicable
    );
}

// ---------------------------------------------------------------------------------------------
// The archive file and the hash chain.

#[test]
fn a_truncated_archive_is_refused() {
    let (f, s) = build();
    let file = f.archive(&f.chain(&s.payloads), true);
    let r = verify_bytes(&file[..file.len() / 2], &Options::default());
    refused(&r, CheckId::Archive, "archive.truncated");
}

#[test]
fn events_swapped_in_the_file_are_refused_by_their_height() {
    let (f, s) = build();
    let mut events = f.chain(&s.payloads);
    events.swap(7, 8);
    // Written by hand: the archive writer itself refuses an event out of position.
    let mut file = urne::archive::header();
    for e in &events {
        file.extend(urne::archive::event_record(e).unwrap());
    }
    file.extend(urne::archive::end_record(events.len() as u64));
    let fl = refused(
        &verify_bytes(&file, &Options::default()),
        CheckId::Chain,
        "chain.height",
    );
    assert_eq!(fl.height, Some(7));
}

#[test]
fn events_swapped_and_renumbered_are_refused_by_their_parent() {
    let (f, s) = build();
    let mut events = f.chain(&s.payloads);
    events.swap(7, 8);
    for (h, e) in events.iter_mut().enumerate() {
        e[..8].copy_from_slice(&(h as u64).to_le_bytes());
    }
    let fl = refused(
        &verify_bytes(&f.archive(&events, false), &Options::default()),
        CheckId::Chain,
        "chain.parent",
    );
    assert_eq!(fl.height, Some(7));
}

#[test]
fn a_signed_head_not_signed_by_the_server_is_refused() {
    let (f, s) = build();
    let events = f.chain(&s.payloads);
    let file = f.archive(&events, false);
    let last = events.last().unwrap();
    let head = SignedHead::sign(f.fp, events.len() as u64 - 1, event_hash(last), &f.ordre);
    let mut bad = file[..file.len() - 9].to_vec();
    bad.extend(urne::archive::head_record(&head));
    bad.extend(urne::archive::end_record(events.len() as u64));
    refused(
        &verify_bytes(&bad, &Options::default()),
        CheckId::SignedHead,
        "head.signature",
    );
}

// ---------------------------------------------------------------------------------------------
// The genesis, the seal, the key ceremony, the credentials.

#[test]
fn an_altered_genesis_is_refused_by_the_batonnier_seal() {
    let (mut f, s) = build();
    f.genesis.server_build.0[0] ^= 1;
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Seal,
        "seal.invalid",
    );
    assert_eq!(fl.height, Some(1));
}

#[test]
fn a_sealed_genesis_that_contradicts_its_definition_is_refused() {
    let mut f = Fixture::with_genesis(Spec::default(), |g| g.opening -= 60);
    let cast = f.cast().payloads;
    let fl = refused(
        &verify_payloads(&f, &cast, &Options::default()),
        CheckId::Genesis,
        "genesis.inconsistent",
    );
    assert!(fl.message.en.contains("opening"), "{fl:?}");
}

#[test]
fn an_altered_key_ceremony_transcript_is_refused() {
    // The bâtonnier's Schnorr proof: ceremony (32) n (4) t (4) Y_b (32) c (32), then s.
    let mut f = Fixture::with_genesis(Spec::default(), |g| g.bureau.dkg_transcript[104] ^= 1);
    let s = f.scenario();
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Dkg,
        "dkg.transcript",
    );
    assert!(fl.message.fr.contains("bâtonnier"), "{fl:?}");
}

#[test]
fn a_key_ceremony_of_another_election_is_refused() {
    // The transcript's ceremony id (its first 32 bytes) is not this definition's.
    let mut f = Fixture::with_genesis(Spec::default(), |g| g.bureau.dkg_transcript[0] ^= 1);
    let s = f.cast();
    refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Dkg,
        "dkg.ceremony",
    );
}

#[test]
fn an_election_key_other_than_the_ceremony_s_is_refused() {
    let other = Point::mul_base(&Scalar::from(5u64)).compress().to_bytes();
    let mut f = Fixture::with_genesis(Spec::default(), |g| g.election_public_key = other);
    let s = f.scenario();
    refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Dkg,
        "dkg.election_key",
    );
}

#[test]
fn a_wrong_weight_in_an_unweighted_contest_is_refused() {
    let mut f = Fixture::with_genesis(Spec::default(), |g| {
        let mut list = g.credentials.clone();
        list[3].rights[0].weight = 2;
        g.set_credentials(list).unwrap();
    });
    // Refused at the genesis: the ballots need not be counted.
    let s = f.cast();
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Credentials,
        "credentials.weight",
    );
    assert_eq!(fl.contest, Some(0));
    assert_eq!(
        (fl.expected.as_deref(), fl.found.as_deref()),
        (Some("1"), Some("2"))
    );
}

#[test]
fn a_right_in_a_contest_the_election_does_not_have_is_refused() {
    let mut f = Fixture::with_genesis(Spec::default(), |g| {
        let mut list = g.credentials.clone();
        list[6].rights.push(urne::board::Right {
            contest: 2,
            weight: 1,
        });
        g.set_credentials(list).unwrap();
    });
    // Refused at the genesis: the ballots need not be counted.
    let s = f.cast();
    refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Credentials,
        "credentials.contest",
    );
}

// ---------------------------------------------------------------------------------------------
// Proxies.

#[test]
fn a_second_proxy_for_one_mandataire_is_refused() {
    let (mut f, mut s) = build();
    let second = credential("procuration 6");
    let mandant = board_key(&f.electors[6]);
    let p = f.proxy(&mandant, &second, &f.electors[1].clone());
    s.payloads.insert(at::REISSUE, p);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Proxies,
        "proxy.second",
    );
    assert_eq!(fl.height, Some(at::REISSUE as u64 + 1));
    assert_eq!(fl.credential, Some(board_key(&f.electors[1])));
    let _ = &mut f;
}

#[test]
fn a_proxy_with_a_forged_endorsement_is_refused() {
    let (f, mut s) = build();
    let Payload::ProxyCredential(p) = s.at(at::PROXY).clone() else {
        panic!()
    };
    // Endorsed by elector 7 instead of the mandataire, then authorised by the ordre: the
    // endorsement is what fails.
    let Payload::ProxyCredential(forged) = f.proxy(&p.mandant, &s.proxy, &f.electors[7]) else {
        panic!()
    };
    *s.at_mut(at::PROXY) = Payload::ProxyCredential(urne::board::ProxyCredential::authorise(
        &f.fp,
        p.mandant,
        p.proxy,
        p.mandataire,
        forged.endorsement,
        &f.ordre,
    ));
    refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Proxies,
        "proxy.endorsement",
    );
}

#[test]
fn a_proxy_not_authorised_by_the_ordre_is_refused() {
    let (f, mut s) = build();
    let Payload::ProxyCredential(p) = s.at_mut(at::PROXY) else {
        panic!()
    };
    p.authorisation.0[10] ^= 1;
    refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Proxies,
        "proxy.authorisation",
    );
}

#[test]
fn a_revoked_credential_voting_is_refused() {
    let (mut f, mut s) = build();
    // Elector 0 gave a procuration: their own credential is revoked.
    let voter = f.electors[0].clone();
    let b = f.ballot(&voter, &[(0, vec![1]), (1, vec![0])], OPENING + 9000);
    s.payloads.insert(at::LAST_BALLOT, b);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Ballots,
        "ballot.revoked_credential",
    );
    assert_eq!(fl.credential, Some(board_key(&voter)));
}

// ---------------------------------------------------------------------------------------------
// Ballots.

#[test]
fn a_ballot_duplicated_is_refused() {
    let (f, mut s) = build();
    let copy = s.at(7).clone();
    s.payloads.insert(7, copy);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Ballots,
        "ballot.second",
    );
    assert_eq!(fl.height, Some(8));
}

#[test]
fn a_ballot_cast_after_the_close_is_refused() {
    let (mut f, mut s) = build();
    let voter = f.electors[6].clone();
    let b = f.ballot(&voter, &[(0, vec![1]), (1, vec![0])], CLOSING - 2);
    s.payloads.insert(at::CLOSE, b);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Ballots,
        "ballot.after_close",
    );
    assert_eq!(fl.height, Some(at::CLOSE as u64 + 1));
}

#[test]
fn a_ballot_received_after_the_closing_time_is_refused() {
    let (f, mut s) = build();
    // The reception time is the server's, not signed by the elector.
    ballot_at(&mut s, at::LAST_BALLOT).received_at = CLOSING;
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Ballots,
        "ballot.after_closing_time",
    );
    assert_eq!(fl.found.as_deref(), Some(CLOSING.to_string().as_str()));
}

#[test]
fn a_byte_changed_in_a_ballot_signature_is_refused() {
    let (f, mut s) = build();
    let b = ballot_at(&mut s, 7);
    let n = b.ballot.len();
    b.ballot[n - 10] ^= 0x20;
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Ballots,
        "ballot.signature",
    );
    assert_eq!(fl.height, Some(7));
    assert!(fl.tracker.is_some());
}

#[test]
fn a_byte_changed_in_a_ciphertext_is_refused_by_the_contest_s_proofs() {
    let (f, mut s) = build();
    let bytes = ballot_at(&mut s, 7).ballot.clone();
    let (_, start, _, _) = contests(&bytes)[1];
    // α of option 2 of contest 1: find a byte change that still decodes to a group element.
    let alpha = start + 12 + 2 * 288;
    let (offset, mask) = (alpha + 1..alpha + 32)
        .flat_map(|o| (0..8).map(move |b| (o, 1u8 << b)))
        .find(|&(o, m)| {
            let mut c = bytes.clone();
            c[o] ^= m;
            Ballot::decode(&c).is_ok()
        })
        .unwrap();
    flip_and_resign(&f, &mut s, 7, offset, mask);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Ballots,
        "ballot.proof",
    );
    assert_eq!((fl.height, fl.contest, fl.option), (Some(7), Some(1), None));
    assert!(
        fl.message.fr.contains("chiffré du scrutin a été altéré"),
        "{fl:?}"
    );
}

#[test]
fn a_byte_changed_in_an_option_proof_is_refused_naming_the_option() {
    let (f, mut s) = build();
    let bytes = ballot_at(&mut s, 7).ballot.clone();
    let (_, start, _, _) = contests(&bytes)[1];
    // The last response scalar of option 2's 0/1 proof (α ‖ β ‖ a₀ b₀ a₁ b₁ c₀ z₀ z₁).
    let z1 = start + 12 + 2 * 288 + 64 + 6 * 32;
    flip_and_resign(&f, &mut s, 7, z1, 1);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Ballots,
        "ballot.proof",
    );
    assert_eq!((fl.contest, fl.option), (Some(1), Some(2)));
    assert!(fl.message.en.contains("option 2"), "{fl:?}");
}

#[test]
fn a_byte_changed_in_a_blank_proof_is_refused() {
    let (f, mut s) = build();
    let bytes = ballot_at(&mut s, 7).ballot.clone();
    let (_, start, options, _) = contests(&bytes)[0];
    let z1 = start + 12 + options * 288 + 64 + 6 * 32;
    flip_and_resign(&f, &mut s, 7, z1, 1);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Ballots,
        "ballot.proof",
    );
    assert_eq!((fl.contest, fl.option), (Some(0), None));
    assert!(fl.message.fr.contains("blanc"), "{fl:?}");
}

#[test]
fn a_byte_changed_in_a_range_proof_is_refused() {
    let (f, mut s) = build();
    let n = ballot_at(&mut s, 7).ballot.len();
    // The last response of contest 1's range proof ends where the signature starts.
    flip_and_resign(&f, &mut s, 7, n - 64 - 32, 1);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Ballots,
        "ballot.proof",
    );
    assert_eq!((fl.contest, fl.option), (Some(1), None));
    assert!(fl.message.en.contains("number of selections"), "{fl:?}");
}

#[test]
fn a_ballot_without_every_contest_of_the_credential_is_refused() {
    let (mut f, mut s) = build();
    let voter = f.electors[3].clone();
    let b = f.ballot(&voter, &[(0, vec![2])], OPENING + 3700);
    *s.at_mut(7) = b;
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Ballots,
        "ballot.rights",
    );
    assert_eq!(
        (fl.expected.as_deref(), fl.found.as_deref()),
        (Some("0, 1"), Some("0"))
    );
}

#[test]
fn a_ballot_of_another_election_is_refused() {
    let (f, mut s) = build();
    let mut other = Fixture::new(Spec {
        seed: 9,
        ..Spec::default()
    });
    assert_ne!(other.fp, f.fp);
    let voter = other.electors[3].clone();
    let b = other.ballot(&voter, &[(0, vec![2]), (1, vec![0])], OPENING + 3700);
    *s.at_mut(7) = b;
    refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Ballots,
        "ballot.election",
    );
}

#[test]
fn a_ballot_dropped_by_the_server_is_refused_by_the_tally() {
    let (f, mut s) = build();
    s.payloads.remove(7 - 1);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Tally,
        "tally.ballots",
    );
    assert_eq!(
        (fl.expected.as_deref(), fl.found.as_deref()),
        (Some("5"), Some("6"))
    );
}

// ---------------------------------------------------------------------------------------------
// The close and the count.

#[test]
fn a_close_not_signed_by_the_ordre_is_refused() {
    let (f, mut s) = build();
    let mut close = f.sign_close(CLOSING, CloseReason::ClosingTime, "");
    close.signature.0[3] ^= 1;
    *s.at_mut(at::CLOSE) = Payload::Close(close);
    refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Close,
        "close.signature",
    );
}

#[test]
fn an_encrypted_tally_with_a_ciphertext_changed_is_refused() {
    let (f, mut s) = build();
    let mut tally = f.tally_of(&s.payloads);
    tally.contests[1].options.swap(0, 2);
    *s.at_mut(at::TALLY) = Fixture::tally_event(&tally);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Tally,
        "tally.mismatch",
    );
    assert_eq!((fl.contest, fl.option), (Some(1), Some(0)));
}

#[test]
fn a_partial_decryption_by_a_non_member_is_refused() {
    let (f, mut s) = build();
    let Payload::PartialDecryption(d) = s.at_mut(at::SCRUTATEUR_DECRYPTION) else {
        panic!()
    };
    d.member = 9;
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Decryptions,
        "decryption.unknown_member",
    );
    assert_eq!(fl.member, Some(9));
}

#[test]
fn a_partial_decryption_with_a_key_outside_the_bureau_is_refused() {
    let (mut f, mut s) = build();
    let tally = f.tally_of(&s.payloads);
    // A secret of someone who is not scrutateur 1, presented as scrutateur 1's.
    let mut bytes = 1u32.to_le_bytes().to_vec();
    bytes.extend_from_slice(Scalar::from(424_242u64).as_bytes());
    let intruder = TrusteeSecret::from_bytes(&bytes).unwrap();
    let p = f.partial_by(&intruder, &tally);
    *s.at_mut(at::SCRUTATEUR_DECRYPTION) = Fixture::partial_event(&p);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Decryptions,
        "decryption.proof",
    );
    assert_eq!(
        (fl.member, fl.contest, fl.option),
        (Some(1), Some(0), Some(0))
    );
    let _ = &mut f;
}

#[test]
fn a_byte_changed_in_a_decryption_proof_is_refused_naming_the_option() {
    let (f, mut s) = build();
    let Payload::PartialDecryption(d) = s.at_mut(at::BATONNIER_DECRYPTION) else {
        panic!()
    };
    // Share k = 5 (contest 1, option 1): trustee (4) count (4), then D ‖ c ‖ s per share.
    d.share[8 + 5 * 96 + 64] ^= 1;
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Decryptions,
        "decryption.proof",
    );
    assert_eq!(
        (fl.member, fl.contest, fl.option),
        (Some(0), Some(1), Some(1))
    );
}

#[test]
fn a_result_without_the_threshold_of_scrutateurs_is_refused() {
    let (f, mut s) = build();
    s.payloads.remove(at::SCRUTATEUR_DECRYPTION - 1);
    refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Decryptions,
        "decryption.not_enough",
    );
}

#[test]
fn a_result_event_with_a_changed_figure_is_refused() {
    let (f, mut s) = build();
    let Payload::Result(r) = s.at_mut(at::RESULT) else {
        panic!()
    };
    let mut v: serde_json::Value = serde_json::from_slice(&r.json).unwrap();
    v["contests"][0]["internet"]["votes"]["T2"] = serde_json::json!(2);
    *r = ResultEvent {
        json: canonical_json_value(&v).unwrap(),
    };
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::Result,
        "result.mismatch",
    );
    assert!(
        fl.message.fr.contains("$.contests[0].internet.votes.T2"),
        "{fl:?}"
    );
}

#[test]
fn a_pv_signature_on_the_board_that_does_not_verify_is_refused() {
    let (f, mut s) = build();
    let Payload::PvSignature(p) = s.at_mut(at::FIRST_PV_SIGNATURE) else {
        panic!()
    };
    p.signature.0[0] ^= 1;
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &Options::default()),
        CheckId::PvSignatures,
        "pv_signature.invalid",
    );
    assert_eq!(fl.member, Some(0));
}

// ---------------------------------------------------------------------------------------------
// The procès-verbal.

fn resigned(f: &Fixture, mut pv: Pv) -> Pv {
    pv.signatures.clear();
    for m in 0..4 {
        pv.sign(f.member_key(m)).unwrap();
    }
    pv
}

#[test]
fn a_pv_with_a_changed_figure_is_refused() {
    let (f, s) = build();
    let mut pv = s.pv.clone();
    pv.result.contests[0].internet.votes.insert("T2".into(), 2);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &with_pv(resigned(&f, pv))),
        CheckId::Pv,
        "pv.result",
    );
    assert!(
        fl.message
            .fr
            .contains("$.result.contests[0].internet.votes.T2"),
        "{fl:?}"
    );
}

#[test]
fn a_pv_with_a_changed_seat_is_refused() {
    let (f, s) = build();
    let mut pv = s.pv.clone();
    // The conseil's second seat, left to the second round, handed to C1 (2 votes of 5).
    let mut v = serde_json::to_value(&pv.result).unwrap();
    let r = &mut v["contests"][1]["result"];
    assert_eq!(r["ranking"][1]["id"], "C1");
    r["ranking"][1]["status"] = serde_json::json!("elected");
    r["elected"] = serde_json::json!(["C2", "C1"]);
    r["remaining_seats"] = serde_json::json!(0);
    pv.result = serde_json::from_value(v).unwrap();
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &with_pv(resigned(&f, pv))),
        CheckId::Pv,
        "pv.result",
    );
    assert!(
        fl.message
            .fr
            .contains("$.result.contests[1].result.elected"),
        "{fl:?}"
    );
}

#[test]
fn a_pv_missing_a_signature_is_refused() {
    let (f, s) = build();
    let mut pv = s.pv.clone();
    pv.signatures.retain(|x| x.member != 2);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &with_pv(pv)),
        CheckId::Pv,
        "pv.signature_missing",
    );
    assert_eq!(fl.member, Some(2));
}

#[test]
fn a_pv_with_a_forged_signature_is_refused() {
    let (f, s) = build();
    let mut pv = s.pv.clone();
    pv.signatures[1].signature.0[5] ^= 1;
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &with_pv(pv)),
        CheckId::Pv,
        "pv.signature",
    );
    assert_eq!(fl.member, Some(1));
}

#[test]
fn a_pv_that_names_other_decrypting_members_is_refused() {
    let (f, s) = build();
    let mut pv = s.pv.clone();
    pv.bureau.decrypted_by = vec![0, 1, 2];
    refused(
        &verify_payloads(&f, &s.payloads, &with_pv(resigned(&f, pv))),
        CheckId::Pv,
        "pv.decrypted_by",
    );
}

#[test]
fn a_pv_other_than_the_one_signed_on_the_board_is_refused() {
    let (f, s) = build();
    let mut pv = s.pv.clone();
    pv.place = "Ailleurs".into();
    refused(
        &verify_payloads(&f, &s.payloads, &with_pv(resigned(&f, pv))),
        CheckId::Pv,
        "pv.hash",
    );
}

#[test]
fn a_pv_of_another_bureau_is_refused() {
    let (f, s) = build();
    let mut pv = s.pv.clone();
    pv.bureau.members[3].public_key = PublicKey::of(&f.ordre);
    let fl = refused(
        &verify_payloads(&f, &s.payloads, &with_pv(pv)),
        CheckId::Pv,
        "pv.bureau",
    );
    assert_eq!(fl.member, Some(3));
}

// ---------------------------------------------------------------------------------------------
// Receipts.

#[test]
fn a_receipt_of_a_ballot_the_server_dropped_is_refused() {
    let (mut f, s) = build();
    let events = f.chain(&s.payloads);
    let receipt = f.receipt(&events, 7).unwrap();
    // The server drops elector 3's ballot and counts the others, consistently.
    let mut cast: Vec<Payload> = s.payloads[..at::LAST_BALLOT].to_vec();
    cast.remove(7 - 1);
    let (payloads, _) = f.count(cast, &[0, 2, 3]);
    let options = Options {
        receipts: vec![receipt],
        ..Options::default()
    };
    let fl = refused(
        &verify_payloads(&f, &payloads, &options),
        CheckId::Receipts,
        "receipt.dropped",
    );
    assert_eq!((fl.height, fl.tracker), (Some(7), Some(receipt.tracker)));
    // Everything else checks: only the receipt proves the server wrong.
    let r = verify_payloads(&f, &payloads, &Options::default());
    assert_eq!(r.verdict, Verdict::Valid);
}

#[test]
fn a_receipt_not_signed_by_the_server_is_refused() {
    let (f, s) = build();
    let events = f.chain(&s.payloads);
    let mut receipt: Receipt = f.receipt(&events, 5).unwrap();
    receipt.signature.0[9] ^= 1;
    let options = Options {
        receipts: vec![receipt],
        ..Options::default()
    };
    refused(
        &verify_payloads(&f, &s.payloads, &options),
        CheckId::Receipts,
        "receipt.signature",
    );
}

#[test]
fn the_first_failure_is_reported_whatever_the_chunk_of_ballots_in_flight() {
    let (f, mut s) = build();
    let n = ballot_at(&mut s, 5).ballot.len();
    flip_and_resign(&f, &mut s, 5, n - 64 - 32, 1);
    let copy = s.at(7).clone();
    s.payloads.insert(7, copy);
    for chunk in [1, 2, 4, 64] {
        let options = Options {
            chunk,
            ..Options::default()
        };
        let fl = refused(
            &verify_payloads(&f, &s.payloads, &options),
            CheckId::Ballots,
            "ballot.proof",
        );
        assert_eq!(fl.height, Some(5), "chunk {chunk}");
    }
}

//! The whole-archive verification that `decrypt` and `result` run before they decrypt or count
//! (issue 6: "verifies the whole archive first").
//!
//! The end-to-end verifier of the core, `urne::verify` (issue 7), is the reference; until it
//! builds against the revised ballot format (plan D1) this module runs the same checks the bureau
//! needs, in one streaming pass: the hash chain and every rule of the ballot box
//! (`board::ChainChecker`), the signed head, the genesis against its key ceremony
//! (`ceremony::check_genesis`: definition, bureau, DKG transcript, election key), every ballot's
//! proofs and signature (batched on all cores, `crypto::ballot::verify_ballots`), the encrypted
//! tally recomputed from the ballots and compared byte for byte with the `EncryptedTally` event,
//! and every partial decryption already on the chain (`crypto::decryption`).

use crate::error::{TallyResult, cannot, refused};
use std::io::BufReader;
use std::path::Path;
use urne::archive::ArchiveReader;
use urne::board::{ChainChecker, Genesis, Payload, Phase};
use urne::ceremony::check_genesis;
use urne::count::{BoardFigures, BoardFiguresBuilder};
use urne::crypto::ballot::{Ballot, ContestShape, ElectionParams, verify_ballots};
use urne::crypto::decryption::PartialDecryption;
use urne::crypto::dkg::BureauKeys;
use urne::crypto::tally::{EncryptedTally, TallyAccumulator};
use urne::encoding::Hash32;
use urne::model::{ContestKind, Election};

/// Ballots verified together.
const CHUNK: usize = 2048;

/// What a verified archive gives the count.
#[derive(Debug)]
pub struct Verified {
    /// The genesis.
    pub genesis: Genesis,
    /// The fingerprint.
    pub fingerprint: Hash32,
    /// The election definition.
    pub election: Election,
    /// The bureau's decryption keys.
    pub keys: BureauKeys,
    /// Board-derived figures.
    pub board: BoardFigures,
    /// The tally, recomputed and equal to the `EncryptedTally` event.
    pub tally: Option<EncryptedTally>,
    /// Height and hash of the `EncryptedTally` event.
    pub tally_event: Option<(u64, Hash32)>,
    /// Partial decryptions already on the chain.
    pub partials: Vec<PartialDecryption>,
    /// The `Result` event's JSON, if any.
    pub result_json: Option<Vec<u8>>,
    /// Height and hash of the last event.
    pub head: (u64, Hash32),
    /// The phase of the chain.
    pub phase: Phase,
    /// Ballots verified.
    pub ballots: u64,
}

/// The ballot shape of each contest: one option per candidacy, at most as many selections as
/// seats (1 for the bâtonnier and for a list vote), never more than the options — the shapes the
/// booth encrypts and the verifier checks (docs/protocol.md §5).
pub fn contest_shapes(definition: &Election) -> TallyResult<Vec<ContestShape>> {
    definition
        .contests
        .iter()
        .map(|c| {
            let options = u32::try_from(c.candidacies.len()).unwrap_or(u32::MAX);
            let max = match c.kind {
                ContestKind::Batonnier { .. } | ContestKind::CnbGeneral { .. } => 1,
                ContestKind::ConseilDeLOrdre { seats, .. }
                | ContestKind::CnbOrdinal { seats, .. } => seats.min(options),
            };
            if options == 0 || max == 0 {
                return Err(refused(format!(
                    "scrutin « {} » sans candidature ou sans siège",
                    c.id
                )));
            }
            Ok(ContestShape { options, max })
        })
        .collect()
}

struct Pending {
    height: u64,
    ballot: Ballot,
    contests: Vec<u32>,
    rights: Vec<(u32, u64)>,
}

fn flush(
    pending: &mut Vec<Pending>,
    params: &ElectionParams,
    acc: &mut TallyAccumulator,
) -> TallyResult<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let refs: Vec<(&Ballot, &[u32])> = pending
        .iter()
        .map(|p| (&p.ballot, p.contests.as_slice()))
        .collect();
    if let Err(r) = verify_ballots(&refs, params) {
        let h = pending.get(r.index).map_or(0, |p| p.height);
        return Err(refused(format!(
            "archive refusée : bulletin de l'événement {h} : {}",
            r.error
        )));
    }
    for p in pending.drain(..) {
        acc.add(&p.ballot, &p.rights).map_err(|e| {
            refused(format!(
                "archive refusée : bulletin de l'événement {} : {e}",
                p.height
            ))
        })?;
    }
    Ok(())
}

/// Verifies the archive at `path`, showing a progress bar on a terminal.
pub fn verify_archive(path: &Path) -> TallyResult<Verified> {
    let file = std::fs::File::open(path)
        .map_err(|e| cannot(format!("{} : ouverture impossible : {e}", path.display())))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = crate::io::progress(len, "Vérification de l'archive");
    let name = path.display().to_string();
    let refuse = |m: String| refused(format!("{name} : archive refusée : {m}"));
    let mut reader =
        ArchiveReader::new(BufReader::new(file)).map_err(|e| refuse(e.to_string()))?;
    let mut checker = ChainChecker::new();
    let mut figures = BoardFiguresBuilder::new();
    let mut ctx: Option<(Genesis, Hash32, Election, BureauKeys, ElectionParams)> = None;
    let mut acc: Option<TallyAccumulator> = None;
    let mut pending: Vec<Pending> = Vec::new();
    let mut tally = None;
    let mut tally_event = None;
    let mut partials = Vec::new();
    let mut result_json = None;
    let mut ballots = 0u64;
    for item in reader.by_ref() {
        let e = item.map_err(|e| refuse(e.to_string()))?;
        bar.set_position(e.offset);
        let checked = checker
            .push_deferring_ballots(&e.bytes)
            .map_err(|err| refuse(format!("{err} (octet {})", e.offset)))?;
        figures.observe(&checked);
        match &checked.event.payload {
            Payload::Genesis(g) => {
                let (election, keys) = check_genesis(g).map_err(|e| refuse(e.to_string()))?;
                let shapes = contest_shapes(&election)?;
                let params = ElectionParams::new(checked.hash, keys.election_key(), shapes)
                    .map_err(|e| refuse(format!("genèse : {e}")))?;
                acc = Some(TallyAccumulator::new(&params));
                ctx = Some(((**g).clone(), checked.hash, election, keys, params));
            }
            Payload::Ballot(b) => {
                let ballot = Ballot::decode(&b.ballot).map_err(|err| {
                    refuse(format!("bulletin de l'événement {} illisible : {err}", checked.height))
                })?;
                ballots += 1;
                pending.push(Pending {
                    height: checked.height,
                    ballot,
                    contests: checked.rights.iter().map(|r| r.contest).collect(),
                    rights: checked.rights.iter().map(|r| (r.contest, r.weight)).collect(),
                });
                if pending.len() >= CHUNK
                    && let (Some((.., params)), Some(acc)) = (ctx.as_ref(), acc.as_mut())
                {
                    flush(&mut pending, params, acc)?;
                }
            }
            Payload::EncryptedTally(t) => {
                let (Some((.., params)), Some(a)) = (ctx.as_ref(), acc.as_mut()) else {
                    return Err(refuse("dépouillement sans genèse".into()));
                };
                flush(&mut pending, params, a)?;
                let recomputed = a.finish();
                if recomputed.encode() != t.tally {
                    return Err(refuse(format!(
                        "le dépouillement chiffré de l'événement {} n'est pas la somme des bulletins de l'urne",
                        checked.height
                    )));
                }
                tally = Some(recomputed);
                tally_event = Some((checked.height, checked.hash));
            }
            Payload::PartialDecryption(d) => {
                let (Some((_, fp, _, keys, _)), Some(t)) = (ctx.as_ref(), tally.as_ref()) else {
                    return Err(refuse("déchiffrement partiel sans dépouillement".into()));
                };
                let p = PartialDecryption::decode(&d.share).map_err(|err| {
                    refuse(format!("déchiffrement partiel de l'événement {} illisible : {err}", checked.height))
                })?;
                if p.trustee.index() != d.member {
                    return Err(refuse(format!(
                        "événement {} : déchiffrement partiel du {} publié pour le membre {}",
                        checked.height, p.trustee, d.member
                    )));
                }
                p.verify(fp, keys, &t.ciphertexts()).map_err(|err| {
                    refuse(format!("événement {} : {err}", checked.height))
                })?;
                partials.push(p);
            }
            Payload::Result(r) => result_json = Some(r.json.clone()),
            _ => {}
        }
    }
    if let (Some((.., params)), Some(a)) = (ctx.as_ref(), acc.as_mut()) {
        flush(&mut pending, params, a)?;
    }
    bar.finish_and_clear();
    let summary = checker.finish().map_err(|e| refuse(e.to_string()))?;
    if let Some(h) = reader.signed_head() {
        checker.check_head(h).map_err(|e| refuse(e.to_string()))?;
    }
    let (genesis, fingerprint, election, keys, _) =
        ctx.ok_or_else(|| refuse("archive sans genèse".into()))?;
    let board = figures
        .finish()
        .ok_or_else(|| refuse("archive sans genèse".into()))?;
    Ok(Verified {
        genesis,
        fingerprint,
        election,
        keys,
        board,
        tally,
        tally_event,
        partials,
        result_json,
        head: (summary.height, summary.head),
        phase: summary.phase,
        ballots,
    })
}

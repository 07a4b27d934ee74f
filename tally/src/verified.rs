//! The whole-archive verification that `decrypt` and `result` run before they decrypt or count
//! (issue 6: "verifies the whole archive first, the same checks as `urne-verify`").
//!
//! It is the core's end-to-end verifier, `urne::verify::verify` (issue 7), in one streaming pass:
//! hash chain and every rule of the ballot box, signed head, genesis and key ceremony, every
//! ballot's proofs and signature (in parallel batches), the encrypted tally recomputed, every
//! partial decryption on the chain, and a result already there recomputed byte for byte. On top
//! of it, `urne-tally` checks that the genesis holds the key of its election's ceremony
//! (`ceremony::check_genesis`: the DKG transcript is bound to the ceremony id of the definition's
//! bureau, which `keygen` used). A failure is refused with the verifier's French message and
//! place.

use crate::error::{TallyResult, cannot, refused};
use std::io::BufReader;
use std::path::Path;
use urne::board::{Genesis, Phase};
use urne::ceremony::check_genesis;
use urne::count::BoardFigures;
use urne::crypto::ballot::ContestShape;
use urne::crypto::decryption::PartialDecryption;
use urne::crypto::dkg::BureauKeys;
use urne::crypto::tally::EncryptedTally;
use urne::encoding::Hash32;
use urne::model::Election;
use urne::verify::{Lang, Options, Stage, Verdict, verify};

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

/// The ballot shape of each contest (the verifier's, `urne::verify::contest_shapes`).
pub fn contest_shapes(definition: &Election) -> TallyResult<Vec<ContestShape>> {
    urne::verify::contest_shapes(definition)
        .map_err(|(i, m)| refused(format!("scrutin n°{} : {m}", i + 1)))
}

/// Verifies the archive at `path`, showing a progress bar on a terminal.
pub fn verify_archive(path: &Path) -> TallyResult<Verified> {
    let file = std::fs::File::open(path)
        .map_err(|e| cannot(format!("{} : ouverture impossible : {e}", path.display())))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = crate::io::progress(len, "Vérification de l'archive");
    let outcome = verify(BufReader::new(file), &Options::default(), &mut |p| {
        bar.set_position(p.bytes)
    });
    bar.finish_and_clear();
    let name = path.display().to_string();
    let report = &outcome.report;
    let Some(v) = outcome.election else {
        let why = match (&report.failure, &report.error) {
            (Some(f), _) => {
                let mut m = f.message.get(Lang::Fr).to_owned();
                if let Some(h) = f.height {
                    m.push_str(&format!(" (événement {h})"));
                }
                if let (Some(e), Some(found)) = (&f.expected, &f.found) {
                    m.push_str(&format!(" ; attendu {e}, trouvé {found}"));
                }
                m
            }
            (None, Some(e)) => e.get(Lang::Fr).to_owned(),
            (None, None) => "vérification incomplète".to_owned(),
        };
        return Err(match report.verdict {
            Verdict::Error => cannot(format!("{name} : vérification impossible : {why}")),
            _ => refused(format!("{name} : archive refusée : {why}")),
        });
    };
    let (election, keys) =
        check_genesis(&v.genesis).map_err(|e| refused(format!("{name} : {e}")))?;
    let phase = match v.stage {
        Stage::Tallied => Phase::Tallied,
        Stage::Resulted => Phase::Resulted,
        Stage::Closed => Phase::Closed,
        Stage::Open => Phase::Open,
        Stage::Unsealed => Phase::Unsealed,
        Stage::Unknown => Phase::Empty,
    };
    Ok(Verified {
        ballots: v.board.ballots,
        genesis: v.genesis,
        fingerprint: v.fingerprint,
        election,
        keys,
        board: v.board,
        tally: v.tally,
        tally_event: v.tally_event,
        partials: v.partials,
        result_json: v.result_json,
        head: v.head,
        phase,
    })
}

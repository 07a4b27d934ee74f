//! The streaming pass: one reading of the archive, one event in memory at a time plus a bounded
//! chunk of ballots waiting for their parallel check (docs/protocol.md §Verifying an election).

use super::ballots::{PendingBallot, verify_chunk};
use super::election::{ElectionContext, check_genesis};
use super::errors::{archive_failure, chain_failure};
use super::pv_check::{ArchiveFacts, check_pv};
use super::report::{
    CheckId, ContestCounts, ContestFigures, Failure, Fingerprints, Report, Stage, Status, Text,
    Verdict,
};
use crate::archive::ArchiveReader;
use crate::board::{ChainChecker, CheckedEvent, EventKind, Genesis, Payload, Receipt, SignedHead};
use crate::count::{
    BoardFigures, BoardFiguresBuilder, CountError, ElectionResult, InternetCounts, check_result,
};
use crate::crypto::decryption::{PartialDecryption, decrypt_tally};
use crate::crypto::dkg::BureauKeys;
use crate::crypto::domain;
use crate::crypto::tally::{EncryptedTally, TallyAccumulator};
use crate::encoding::{Hash32, tagged_hash};
use crate::pv::Pv;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::sync::Arc;

/// Ballots checked together on all cores. 2 048 ballots of a few kilobytes: a few megabytes,
/// whatever the size of the archive.
pub const DEFAULT_CHUNK: usize = 2048;

/// Chunks of ballots verified at once: two, so that the pool starts the next chunk while the
/// last groups of the previous one finish.
const IN_FLIGHT: usize = 2;

/// What to verify besides the archive.
#[derive(Debug, Clone)]
pub struct Options {
    /// The procès-verbal to check against the archive (`--pv`).
    pub pv: Option<Pv>,
    /// Receipts (`recepisse.json`) whose ballots must be in the archive.
    pub receipts: Vec<Receipt>,
    /// Ballots per parallel chunk (memory bound; at least one).
    pub chunk: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pv: None,
            receipts: Vec::new(),
            chunk: DEFAULT_CHUNK,
        }
    }
}

/// How far the reading is, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Events read.
    pub events: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Ballots cryptographically verified.
    pub ballots: u64,
}

/// A verified election, for the programs that go on from it (`urne-tally decrypt` and
/// `result`): only given when every check holds.
#[derive(Debug, Clone)]
pub struct VerifiedElection {
    /// The genesis.
    pub genesis: Genesis,
    /// The election fingerprint.
    pub fingerprint: Hash32,
    /// The definition, the ballot parameters and the bureau's keys.
    pub context: ElectionContext,
    /// Height and hash of the last event.
    pub head: (u64, Hash32),
    /// How far the election went.
    pub stage: Stage,
    /// The board-derived figures (D2), what `count::compute` takes.
    pub board: BoardFigures,
    /// The encrypted tally, recomputed and equal to the `EncryptedTally` event, if there is one.
    pub tally: Option<EncryptedTally>,
    /// The verified partial decryptions of the chain, in chain order.
    pub partials: Vec<PartialDecryption>,
    /// The decrypted counts, once the result is in.
    pub counts: Vec<InternetCounts>,
    /// Height and hash of the `EncryptedTally` event, if there is one.
    pub tally_event: Option<(u64, Hash32)>,
    /// Height and hash of the `Result` event, if there is one.
    pub result_event: Option<(u64, Hash32)>,
    /// The result, recomputed and equal to the `Result` event, if there is one.
    pub result: Option<ElectionResult>,
    /// The `Result` event's canonical JSON, if there is one.
    pub result_json: Option<Vec<u8>>,
    /// The PV hash the chain's PV signatures sign, if any.
    pub pv_hash: Option<Hash32>,
}

/// The outcome of [`verify`]: the report, and the verified election when it is valid.
#[derive(Debug, Clone)]
pub struct Verification {
    /// The report.
    pub report: Report,
    /// The verified election (only when the report is valid).
    pub election: Option<VerifiedElection>,
}

/// What the archive showed at a receipt's height.
#[derive(Debug, Clone)]
struct Seen {
    hash: Hash32,
    kind: EventKind,
    tracker: Option<Hash32>,
    received_at: Option<u64>,
}

/// A chunk of ballots being verified on the thread pool.
struct Inflight {
    ballots: u64,
    #[cfg(feature = "parallel")]
    result: std::sync::mpsc::Receiver<Result<TallyAccumulator, Failure>>,
    #[cfg(not(feature = "parallel"))]
    result: Result<TallyAccumulator, Failure>,
}

impl Inflight {
    fn start(ctx: Arc<ElectionContext>, chunk: Vec<PendingBallot>) -> Self {
        let ballots = chunk.len() as u64;
        #[cfg(feature = "parallel")]
        {
            let (tx, rx) = std::sync::mpsc::channel();
            rayon::spawn(move || {
                // The receiver waits for this result unless the verification already stopped.
                let _ = tx.send(verify_chunk(&ctx, &chunk));
            });
            Inflight {
                ballots,
                result: rx,
            }
        }
        #[cfg(not(feature = "parallel"))]
        {
            Inflight {
                ballots,
                result: verify_chunk(&ctx, &chunk),
            }
        }
    }

    /// The number of ballots and their partial tally (or the first failure).
    fn finish(self) -> (u64, Result<TallyAccumulator, Failure>) {
        #[cfg(feature = "parallel")]
        let result = self.result.recv().unwrap_or_else(|_| {
            Err(Failure::new(
                CheckId::Ballots,
                "ballot.worker",
                Text::new(
                    "la vérification d'un lot de bulletins s'est interrompue",
                    "the verification of a chunk of ballots stopped",
                ),
            ))
        });
        #[cfg(not(feature = "parallel"))]
        let result = self.result;
        (self.ballots, result)
    }
}

enum Stop {
    Failure(Box<Failure>),
    Error(Text),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Self {
        Stop::Failure(Box::new(f))
    }
}

struct Run<'o> {
    options: &'o Options,
    checker: ChainChecker,
    ctx: Option<Arc<ElectionContext>>,
    inflight: std::collections::VecDeque<Inflight>,
    counts: BTreeMap<CheckId, u64>,
    notes: BTreeMap<CheckId, Text>,
    done: BTreeSet<CheckId>,
    pending: Vec<PendingBallot>,
    acc: Option<TallyAccumulator>,
    inscrits_weight: Vec<u64>,
    board: BoardFiguresBuilder,
    reissues: u64,
    tally: Option<EncryptedTally>,
    tally_event: Option<(u64, Hash32)>,
    partials: Vec<PartialDecryption>,
    internet: Vec<InternetCounts>,
    result_event: Option<(u64, Hash32)>,
    result: Option<ElectionResult>,
    result_json: Option<Vec<u8>>,
    pv_hash: Option<Hash32>,
    fingerprints: Fingerprints,
    seen: BTreeMap<u64, Seen>,
    progress: Progress,
}

fn count_failure(
    check: CheckId,
    code: &'static str,
    height: u64,
    fr: String,
    en: String,
) -> Failure {
    Failure::new(check, code, Text::new(fr, en)).at(height)
}

impl<'o> Run<'o> {
    fn new(options: &'o Options) -> Self {
        Run {
            options,
            checker: ChainChecker::new(),
            ctx: None,
            inflight: std::collections::VecDeque::new(),
            counts: BTreeMap::new(),
            notes: BTreeMap::new(),
            done: BTreeSet::new(),
            pending: Vec::new(),
            acc: None,
            inscrits_weight: Vec::new(),
            board: BoardFiguresBuilder::new(),
            reissues: 0,
            tally: None,
            tally_event: None,
            partials: Vec::new(),
            internet: Vec::new(),
            result_event: None,
            result: None,
            result_json: None,
            pv_hash: None,
            fingerprints: Fingerprints::default(),
            seen: BTreeMap::new(),
            progress: Progress::default(),
        }
    }

    fn add(&mut self, check: CheckId, n: u64) {
        *self.counts.entry(check).or_insert(0) += n;
    }

    fn stream<R: Read>(
        &mut self,
        input: R,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Option<SignedHead>, Stop> {
        let archive = |e: &crate::archive::ArchiveError| match archive_failure(e) {
            Ok(f) => Stop::Failure(Box::new(f)),
            Err(t) => Stop::Error(t),
        };
        let mut reader = ArchiveReader::new(input).map_err(|e| archive(&e))?;
        while let Some(item) = reader.next() {
            let step = item.map_err(|e| archive(&e)).and_then(|e| {
                let checked = self
                    .checker
                    .push_deferring_ballots(&e.bytes)
                    .map_err(|err| chain_failure(&err, Some(e.offset)))?;
                self.progress.events += 1;
                self.progress.bytes = reader.offset();
                self.on_event(checked, e.offset)
            });
            if let Err(stop) = step {
                // The ballots read before this event come before it: their failure is the first.
                self.flush(true)?;
                return Err(stop);
            }
            progress(&self.progress);
        }
        self.progress.bytes = reader.offset();
        self.flush(true)?;
        let end = reader.offset();
        self.checker
            .finish()
            .map_err(|err| chain_failure(&err, Some(end)))?;
        self.counts.insert(CheckId::Archive, end);
        self.done.insert(CheckId::Archive);
        self.done.insert(CheckId::Chain);
        let head = reader.signed_head().copied();
        if let Some(h) = &head {
            self.checker
                .check_head(h)
                .map_err(|err| chain_failure(&err, Some(end)))?;
            self.done.insert(CheckId::SignedHead);
        }
        progress(&self.progress);
        Ok(head)
    }

    fn on_event(&mut self, checked: CheckedEvent, offset: u64) -> Result<(), Stop> {
        let height = checked.height;
        self.add(CheckId::Chain, 1);
        if self.options.receipts.iter().any(|r| r.height == height) {
            let (tracker, received_at) = match &checked.event.payload {
                Payload::Ballot(b) => (
                    Some(tagged_hash(domain::TRACKER, &[&b.ballot])),
                    Some(b.received_at),
                ),
                _ => (None, None),
            };
            self.seen.insert(
                height,
                Seen {
                    hash: checked.hash,
                    kind: checked.event.kind(),
                    tracker,
                    received_at,
                },
            );
        }
        self.board.observe(&checked);
        let hash = checked.hash;
        let rights = checked.rights;
        match checked.event.payload {
            Payload::Genesis(g) => {
                let (ctx, figures) = check_genesis(&g, hash)?;
                self.fingerprints.election = Some(hash);
                self.fingerprints.credential_root = Some(g.credential_root);
                self.fingerprints.server_build = Some(g.server_build);
                self.fingerprints.election_key = Some(crate::encoding::hex(&g.election_public_key));
                self.counts
                    .insert(CheckId::Genesis, ctx.definition.contests.len() as u64);
                self.notes.insert(
                    CheckId::Dkg,
                    Text::new(
                        format!(
                            "bâtonnier et {} scrutateurs, seuil {}",
                            g.bureau.scrutateurs.len(),
                            g.bureau.threshold
                        ),
                        format!(
                            "bâtonnier and {} scrutateurs, threshold {}",
                            g.bureau.scrutateurs.len(),
                            g.bureau.threshold
                        ),
                    ),
                );
                self.counts
                    .insert(CheckId::Credentials, g.credentials.len() as u64);
                self.acc = Some(TallyAccumulator::new(&ctx.params));
                self.inscrits_weight = figures.iter().map(|f| f.inscrits_weight).collect();
                self.ctx = Some(Arc::new(ctx));
                for c in [CheckId::Genesis, CheckId::Dkg, CheckId::Credentials] {
                    self.done.insert(c);
                }
            }
            Payload::Seal(_) => {
                self.done.insert(CheckId::Seal);
            }
            Payload::ProxyCredential(_) => self.add(CheckId::Proxies, 1),
            Payload::CredentialReissue(_) => self.reissues += 1,
            Payload::Ballot(b) => {
                self.pending.push(PendingBallot {
                    height,
                    offset,
                    credential: b.credential,
                    rights,
                    bytes: b.ballot,
                });
                if self.pending.len() >= self.options.chunk.max(1) {
                    self.flush(false)?;
                }
            }
            Payload::Close(c) => {
                self.flush(true)?;
                self.done.insert(CheckId::Proxies);
                self.done.insert(CheckId::Ballots);
                self.done.insert(CheckId::Close);
                self.notes.insert(
                    CheckId::Close,
                    match c.reason {
                        crate::board::CloseReason::ClosingTime => Text::new(
                            format!("à l'heure prévue (hauteur {height})"),
                            format!("at the closing time (height {height})"),
                        ),
                        crate::board::CloseReason::Decision => Text::new(
                            format!("sur décision de l'ordre (hauteur {height}) : {}", c.note),
                            format!("by decision of the ordre (height {height}): {}", c.note),
                        ),
                    },
                );
            }
            Payload::EncryptedTally(t) => {
                self.flush(true)?;
                self.on_tally(&t.tally, hash, height)?;
            }
            Payload::PartialDecryption(d) => self.on_partial(d.member, &d.share, height)?,
            Payload::Result(r) => self.on_result(r.json, hash, height)?,
            Payload::PvSignature(s) => {
                self.add(CheckId::PvSignatures, 1);
                self.pv_hash = Some(s.pv_hash);
                self.fingerprints.pv_hash = Some(s.pv_hash);
            }
        }
        Ok(())
    }

    /// Sends the pending ballots to be verified on the pool. At most [`IN_FLIGHT`] chunks are
    /// verified at once (the oldest is taken in first), so that reading the next chunk overlaps
    /// their verification and the pool never waits for the reader; with `wait`, takes every
    /// chunk in, so that every ballot read so far is verified and tallied.
    fn flush(&mut self, wait: bool) -> Result<(), Stop> {
        while self.inflight.len() >= IN_FLIGHT {
            self.join_oldest()?;
        }
        if !self.pending.is_empty()
            && let Some(ctx) = self.ctx.clone()
        {
            let chunk = std::mem::take(&mut self.pending);
            self.inflight.push_back(Inflight::start(ctx, chunk));
        }
        if wait {
            self.join()?;
        }
        Ok(())
    }

    /// Takes in every chunk being verified, oldest first; on a failure, still waits for the
    /// others (whose results are then moot) so that no verification outlives this one.
    fn join(&mut self) -> Result<(), Stop> {
        let mut first = Ok(());
        while !self.inflight.is_empty() {
            if let Err(stop) = self.join_oldest()
                && first.is_ok()
            {
                first = Err(stop);
            }
        }
        first
    }

    /// Takes in the oldest chunk being verified.
    fn join_oldest(&mut self) -> Result<(), Stop> {
        let Some(job) = self.inflight.pop_front() else {
            return Ok(());
        };
        let (n, part) = job.finish();
        let part = part?;
        if let Some(acc) = self.acc.as_mut() {
            acc.merge(part).map_err(|e| {
                Failure::new(
                    CheckId::Tally,
                    "tally.merge",
                    Text::new(e.to_string(), format!("partial tallies do not merge: {e}")),
                )
            })?;
        }
        self.progress.ballots += n;
        self.add(CheckId::Ballots, n);
        Ok(())
    }

    fn on_tally(&mut self, bytes: &[u8], hash: Hash32, height: u64) -> Result<(), Stop> {
        let Some(acc) = self.acc.as_ref() else {
            return Ok(());
        };
        let fail = |code, contest: Option<u32>, fr: String, en: String| {
            let mut f = count_failure(CheckId::Tally, code, height, fr, en);
            f.event = Some("EncryptedTally");
            f.contest = contest;
            f
        };
        let found = EncryptedTally::decode(bytes).map_err(|e| {
            fail(
                "tally.decode",
                None,
                format!("dépouillement chiffré illisible : {e}"),
                format!("unreadable encrypted tally: {e}"),
            )
        })?;
        let expected = acc.finish();
        let indices = |t: &EncryptedTally| {
            t.contests
                .iter()
                .map(|c| c.contest.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if indices(&found) != indices(&expected) {
            return Err(fail(
                "tally.shape",
                None,
                "le dépouillement chiffré ne porte pas les scrutins de l'élection".into(),
                "the encrypted tally does not carry the election's contests".into(),
            )
            .expected(indices(&expected), indices(&found))
            .into());
        }
        for (e, f) in expected.contests.iter().zip(&found.contests) {
            let c = e.contest;
            if f.ballots != e.ballots {
                return Err(fail(
                    "tally.ballots",
                    Some(c),
                    format!("scrutin {c} : le dépouillement chiffré ne compte pas les bulletins de l'urne"),
                    format!("contest {c}: the encrypted tally does not count the ballots of the box"),
                )
                .expected(e.ballots, f.ballots)
                .into());
            }
            if f.total_weight != e.total_weight {
                return Err(fail(
                    "tally.weight",
                    Some(c),
                    format!("scrutin {c} : le total des voix du dépouillement chiffré n'est pas celui des bulletins"),
                    format!("contest {c}: the encrypted tally's total of voices is not the ballots'"),
                )
                .expected(e.total_weight, f.total_weight)
                .into());
            }
            if f.options.len() != e.options.len() {
                return Err(fail(
                    "tally.shape",
                    Some(c),
                    format!("scrutin {c} : nombre de choix du dépouillement chiffré différent du scrutin"),
                    format!("contest {c}: number of options of the encrypted tally differs from the contest"),
                )
                .expected(e.options.len(), f.options.len())
                .into());
            }
            let hex = |ct: &crate::crypto::elgamal::Ciphertext| crate::encoding::hex(&ct.encode());
            for (o, (x, y)) in e.options.iter().zip(&f.options).enumerate() {
                if x != y {
                    let mut fl = fail(
                        "tally.mismatch",
                        Some(c),
                        format!("scrutin {c}, choix {o} : le chiffré n'est pas la somme pondérée des bulletins"),
                        format!("contest {c}, option {o}: the ciphertext is not the weighted sum of the ballots"),
                    )
                    .expected(hex(x), hex(y));
                    fl.option = Some(o as u32);
                    return Err(fl.into());
                }
            }
            if e.blank != f.blank {
                return Err(fail(
                    "tally.mismatch",
                    Some(c),
                    format!("scrutin {c}, blancs : le chiffré n'est pas la somme pondérée des votes blancs"),
                    format!("contest {c}, blank: the ciphertext is not the weighted sum of the blank votes"),
                )
                .expected(hex(&e.blank), hex(&f.blank))
                .into());
            }
        }
        self.counts.insert(
            CheckId::Tally,
            self.counts.get(&CheckId::Ballots).copied().unwrap_or(0),
        );
        self.fingerprints.tally_event = Some(hash);
        self.tally_event = Some((height, hash));
        self.done.insert(CheckId::Tally);
        self.tally = Some(found);
        Ok(())
    }

    fn on_partial(&mut self, member: u32, share: &[u8], height: u64) -> Result<(), Stop> {
        let (Some(ctx), Some(tally), Some(fp)) = (
            self.ctx.as_ref(),
            self.tally.as_ref(),
            self.fingerprints.election,
        ) else {
            return Ok(());
        };
        let p = check_partial(fp, &ctx.keys, tally, member, share, Some(height))?;
        self.partials.push(p);
        self.add(CheckId::Decryptions, 1);
        Ok(())
    }

    /// The board-derived figures so far.
    fn board_figures(&self) -> Option<BoardFigures> {
        self.board.clone().finish()
    }

    fn on_result(&mut self, json: Vec<u8>, hash: Hash32, height: u64) -> Result<(), Stop> {
        let (Some(ctx), Some(tally), Some(fp), Some(genesis)) = (
            self.ctx.as_ref(),
            self.tally.as_ref(),
            self.fingerprints.election,
            self.checker.genesis(),
        ) else {
            return Ok(());
        };
        // The chain checker required the bâtonnier and t scrutateurs before the Result.
        let scrutateurs: Vec<String> = self
            .partials
            .iter()
            .map(|p| p.trustee.index())
            .filter(|&i| i > 0)
            .map(|i| i.to_string())
            .collect();
        let note = Text::new(
            format!(
                "bâtonnier et scrutateurs {} (seuil {})",
                scrutateurs.join(", "),
                ctx.keys.threshold
            ),
            format!(
                "bâtonnier and scrutateurs {} (threshold {})",
                scrutateurs.join(", "),
                ctx.keys.threshold
            ),
        );
        let counts = decrypt_tally(&fp, &ctx.keys, tally, &self.partials).map_err(|e| {
            let mut f = count_failure(
                CheckId::Combination,
                "combination.failed",
                height,
                format!("la combinaison des déchiffrements partiels échoue : {e}"),
                format!("the combination of the partial decryptions fails: {e}"),
            );
            f.event = Some("Result");
            f
        })?;
        let internet: Vec<InternetCounts> = counts
            .iter()
            .map(|c| InternetCounts {
                contest: c.contest,
                ballots: c.ballots,
                weight: c.total_weight,
                options: c.options.clone(),
                blank: c.blank,
            })
            .collect();
        let sums: u64 = counts.iter().map(|c| c.options.len() as u64 + 1).sum();
        let board = self.board_figures().ok_or_else(|| {
            count_failure(
                CheckId::Result,
                "result.board",
                height,
                "chiffres de l'urne indisponibles".into(),
                "ballot box figures unavailable".into(),
            )
        })?;
        let result = check_result(&json, fp, genesis, &ctx.definition, &board, &internet)
            .map_err(|e| result_failure(&e, height))?;
        self.notes.insert(CheckId::Decryptions, note);
        self.done.insert(CheckId::Decryptions);
        self.counts.insert(CheckId::Combination, sums);
        self.done.insert(CheckId::Combination);
        self.counts
            .insert(CheckId::Result, result.contests.len() as u64);
        self.done.insert(CheckId::Result);
        self.fingerprints.result_event = Some(hash);
        self.result_event = Some((height, hash));
        self.internet = internet;
        self.result = Some(result);
        self.result_json = Some(json);
        Ok(())
    }

    /// The report's figures: the board's, with the voices of the inscrits.
    fn report_figures(&self) -> Vec<ContestFigures> {
        let Some(board) = self.board_figures() else {
            return Vec::new();
        };
        board
            .contests
            .iter()
            .map(|c| ContestFigures {
                contest: c.contest,
                inscrits: c.inscrits,
                inscrits_weight: self
                    .inscrits_weight
                    .get(c.contest as usize)
                    .copied()
                    .unwrap_or(c.inscrits),
                votants: c.ballots,
                votants_weight: c.weight,
                proxy_votants: c.proxy_ballots,
            })
            .collect()
    }

    fn check_pv(&self, pv: &Pv) -> Result<(u64, Text), Failure> {
        let Some(genesis) = self.checker.genesis() else {
            return Err(Failure::new(
                CheckId::Pv,
                "pv.no_result",
                Text::new(
                    "l'archive ne contient pas d'élection",
                    "the archive holds no election",
                ),
            ));
        };
        let mut decrypted_by: Vec<u32> = self.partials.iter().map(|p| p.trustee.index()).collect();
        decrypted_by.sort_unstable();
        let facts = ArchiveFacts {
            fingerprint: self.fingerprints.election.unwrap_or_default(),
            genesis,
            result_json: self.result_json.as_deref(),
            tally_event: self.tally_event,
            result_event: self.result_event,
            decrypted_by,
            chain_pv_hash: self.pv_hash,
        };
        check_pv(pv, &facts)
    }

    fn check_receipts(&self, stage: Stage) -> Result<(u64, Option<Text>), Failure> {
        let Some(genesis) = self.checker.genesis() else {
            return Ok((0, None));
        };
        let fp = self.fingerprints.election.unwrap_or_default();
        let last = self.checker.head().map_or(0, |h| h.0);
        let mut not_yet = 0u64;
        for r in &self.options.receipts {
            let fail = |code, fr: String, en: String| {
                let mut f = Failure::new(CheckId::Receipts, code, Text::new(fr, en)).at(r.height);
                f.tracker = Some(r.tracker);
                f
            };
            if r.fingerprint != fp {
                return Err(fail(
                    "receipt.election",
                    "récépissé d'une autre élection".into(),
                    "receipt of another election".into(),
                )
                .expected(fp, r.fingerprint));
            }
            if r.verify(&genesis.server_public_key).is_err() {
                return Err(fail(
                    "receipt.signature",
                    format!(
                        "la signature du serveur sur le récépissé (hauteur {}) est invalide",
                        r.height
                    ),
                    format!(
                        "the server's signature of the receipt (height {}) is invalid",
                        r.height
                    ),
                ));
            }
            let Some(seen) = self.seen.get(&r.height) else {
                if r.height > last && stage == Stage::Open {
                    not_yet += 1;
                    continue;
                }
                return Err(fail(
                    "receipt.missing",
                    format!(
                        "le bulletin de ce récépissé (hauteur {}) n'est pas dans l'urne, qui s'arrête à la hauteur {last} : le serveur, qui l'a signé, l'a écarté",
                        r.height
                    ),
                    format!(
                        "the ballot of this receipt (height {}) is not in the box, which ends at height {last}: the server, which signed it, dropped it",
                        r.height
                    ),
                ));
            };
            let dropped = |what_fr: &str, what_en: &str| {
                fail(
                    "receipt.dropped",
                    format!(
                        "le bulletin de ce récépissé n'est pas dans l'urne à la hauteur {} ({what_fr}) : le serveur, qui a signé le récépissé, l'a écarté ou remplacé",
                        r.height
                    ),
                    format!(
                        "the ballot of this receipt is not in the box at height {} ({what_en}): the server, which signed the receipt, dropped or replaced it",
                        r.height
                    ),
                )
            };
            if seen.hash != r.event {
                return Err(
                    dropped("autre événement", "another event").expected(r.event, seen.hash)
                );
            }
            if seen.kind != EventKind::Ballot {
                return Err(
                    dropped("pas un bulletin", "not a ballot").expected("Ballot", seen.kind)
                );
            }
            if seen.tracker != Some(r.tracker) {
                return Err(dropped("autre numéro de suivi", "another tracker")
                    .expected(r.tracker, seen.tracker.unwrap_or_default()));
            }
            if seen.received_at != Some(r.received_at) {
                return Err(
                    dropped("autre heure de réception", "another reception time")
                        .expected(r.received_at, seen.received_at.unwrap_or_default()),
                );
            }
        }
        let verified = self.options.receipts.len() as u64 - not_yet;
        Ok((
            verified,
            (not_yet > 0).then(|| {
                Text::new(
                    format!(
                        "{not_yet} récépissé(s) postérieur(s) à cette archive (scrutin ouvert)"
                    ),
                    format!("{not_yet} receipt(s) later than this archive (vote open)"),
                )
            }),
        ))
    }

    fn finish(mut self, outcome: Result<Option<SignedHead>, Stop>) -> Verification {
        let stage = Stage::from_phase(self.checker.phase());
        let mut failure = None;
        let mut error = None;
        let mut head_present = false;
        match outcome {
            Ok(head) => head_present = head.is_some(),
            Err(Stop::Failure(f)) => failure = Some(*f),
            Err(Stop::Error(t)) => error = Some(t),
        }
        if failure.is_none()
            && error.is_none()
            && let Some(pv) = &self.options.pv
        {
            match self.check_pv(pv) {
                Ok((signed, note)) => {
                    self.counts.insert(CheckId::Pv, signed);
                    self.notes.insert(CheckId::Pv, note);
                    self.done.insert(CheckId::Pv);
                    if let Ok(h) = pv.hash() {
                        self.fingerprints.pv_hash = Some(h);
                    }
                }
                Err(f) => failure = Some(f),
            }
        }
        if failure.is_none() && error.is_none() {
            match self.check_receipts(stage) {
                Ok((verified, note)) => {
                    if !self.options.receipts.is_empty() {
                        self.counts.insert(CheckId::Receipts, verified);
                        self.done.insert(CheckId::Receipts);
                        if let Some(n) = note {
                            self.notes.insert(CheckId::Receipts, n);
                        }
                    }
                }
                Err(f) => failure = Some(f),
            }
        }
        if let Some((h, hash)) = self.checker.head() {
            self.fingerprints.head_height = Some(h);
            self.fingerprints.head = Some(hash);
        }
        let clean = failure.is_none() && error.is_none();
        if clean {
            // The vote still open: what is there is checked.
            if stage == Stage::Open {
                self.done.insert(CheckId::Proxies);
                self.done.insert(CheckId::Ballots);
            }
            if !self.partials.is_empty() {
                self.done.insert(CheckId::Decryptions);
            }
            if self
                .counts
                .get(&CheckId::PvSignatures)
                .copied()
                .unwrap_or(0)
                > 0
            {
                self.done.insert(CheckId::PvSignatures);
            }
        }
        if self.reissues > 0 {
            let (fr, en) = if self.reissues == 1 {
                ("code réémis", "code reissued")
            } else {
                ("codes réémis", "codes reissued")
            };
            let note = Text::new(
                format!("{} {fr}", self.reissues),
                format!("{} {en}", self.reissues),
            );
            self.notes.insert(CheckId::Proxies, note);
        }
        let checks = CheckId::ALL
            .iter()
            .map(|&id| {
                let status = match &failure {
                    Some(f) if f.check == id => Status::Failed,
                    _ if self.done.contains(&id) => Status::Passed,
                    Some(_) => Status::Interrupted,
                    None if error.is_some() => Status::Interrupted,
                    None => Status::NotApplicable,
                };
                let note = self.notes.get(&id).cloned().or_else(|| {
                    (status == Status::NotApplicable)
                        .then(|| not_applicable(id, stage, head_present))
                        .flatten()
                });
                super::report::Check {
                    id,
                    status,
                    count: self.counts.get(&id).copied(),
                    note,
                }
            })
            .collect();
        let verdict = if error.is_some() {
            Verdict::Error
        } else if failure.is_some() {
            Verdict::Invalid
        } else {
            Verdict::Valid
        };
        let report = Report {
            verdict,
            stage,
            bytes: self.progress.bytes,
            events: self.progress.events,
            checks,
            fingerprints: self.fingerprints.clone(),
            figures: self.report_figures(),
            counts: self
                .internet
                .iter()
                .map(|c| ContestCounts {
                    contest: c.contest,
                    options: c.options.clone(),
                    blank: c.blank,
                })
                .collect(),
            failure,
            error,
        };
        let board = self.board_figures();
        let election = match (
            verdict,
            self.checker.genesis(),
            self.ctx,
            self.checker.head(),
            board,
        ) {
            (Verdict::Valid, Some(g), Some(context), Some(head), Some(board)) => {
                Some(VerifiedElection {
                    genesis: g.clone(),
                    fingerprint: self.fingerprints.election.unwrap_or_default(),
                    context: Arc::unwrap_or_clone(context),
                    head,
                    stage,
                    board,
                    tally: self.tally,
                    partials: self.partials,
                    counts: self.internet,
                    tally_event: self.tally_event,
                    result_event: self.result_event,
                    result: self.result,
                    result_json: self.result_json,
                    pv_hash: self.pv_hash,
                })
            }
            _ => None,
        };
        Verification { report, election }
    }
}

/// The contest and option (`None`: the blank) a tally ciphertext index stands for, in the order
/// of docs/protocol.md §7 (per contest, its options then its blank).
fn place(tally: &EncryptedTally, k: usize) -> Option<(u32, Option<u32>)> {
    let mut k = k;
    for c in &tally.contests {
        if k < c.options.len() {
            return Some((c.contest, Some(k as u32)));
        }
        if k == c.options.len() {
            return Some((c.contest, None));
        }
        k -= c.options.len() + 1;
    }
    None
}

/// Checks member `member`'s partial decryption `share` (canonical bytes) of `tally`: it decodes,
/// is that member's, and every proof holds against the member's key (docs/protocol.md §7.2). At
/// `height` for a `PartialDecryption` event; `None` for a partial file (`urne-tally result`).
pub fn check_partial(
    fingerprint: Hash32,
    keys: &BureauKeys,
    tally: &EncryptedTally,
    member: u32,
    share: &[u8],
    height: Option<u64>,
) -> Result<PartialDecryption, Failure> {
    let fail = |code, fr: String, en: String| {
        let mut f = Failure::new(CheckId::Decryptions, code, Text::new(fr, en));
        f.height = height;
        f.event = height.map(|_| "PartialDecryption");
        f.member = Some(member);
        f
    };
    let p = PartialDecryption::decode(share).map_err(|e| {
        fail(
            "decryption.decode",
            format!("déchiffrement partiel illisible : {e}"),
            format!("unreadable partial decryption: {e}"),
        )
    })?;
    if p.trustee.index() != member {
        return Err(fail(
            "decryption.member",
            format!(
                "déchiffrement partiel du {} inscrit au nom du membre {member}",
                p.trustee
            ),
            format!(
                "partial decryption by member {} recorded under member {member}",
                p.trustee.index()
            ),
        )
        .expected(member, p.trustee.index()));
    }
    if keys.public_key(p.trustee).is_none() {
        return Err(fail(
            "decryption.unknown_member",
            format!("membre du bureau {member} inconnu"),
            format!("bureau member {member} unknown"),
        ));
    }
    if let Err(e) = p.verify(&fingerprint, keys, &tally.ciphertexts()) {
        let message = e.to_string();
        let mut f = fail(
            "decryption.proof",
            format!("preuve de déchiffrement invalide : {message}"),
            format!("invalid decryption proof: {message}"),
        );
        if let Some((contest, option)) =
            index_after(&message, "chiffré ").and_then(|k| place(tally, k))
        {
            f.contest = Some(contest);
            f.option = option;
        }
        return Err(f);
    }
    Ok(p)
}

impl VerifiedElection {
    /// Checks a partial decryption of this election's encrypted tally (from a partial file of
    /// `urne-tally decrypt`, plan D3 step 3), as the verifier checks a `PartialDecryption`
    /// event.
    pub fn check_partial(&self, member: u32, share: &[u8]) -> Result<PartialDecryption, Failure> {
        let Some(tally) = &self.tally else {
            return Err(Failure::new(
                CheckId::Decryptions,
                "decryption.no_tally",
                Text::new(
                    "l'archive ne contient pas de dépouillement chiffré",
                    "the archive holds no encrypted tally",
                ),
            ));
        };
        check_partial(
            self.fingerprint,
            &self.context.keys,
            tally,
            member,
            share,
            None,
        )
    }
}

/// A result that does not recompute, as a failure.
fn result_failure(e: &CountError, height: u64) -> Failure {
    let fr = format!("le résultat ne se recalcule pas à l'identique : {e}");
    let (code, en) = match e {
        CountError::Mismatch { path, .. } => (
            "result.mismatch",
            format!("the published result differs from the one recomputed, at {path}"),
        ),
        CountError::Paper(p) => (
            "result.paper",
            format!("a paper record carried by the result is refused: {p}"),
        ),
        CountError::Rule { contest, error } => (
            "result.rule",
            format!("contest \"{contest}\": the counting rule refuses the figures: {error}"),
        ),
        CountError::Inconsistent(m) => (
            "result.inconsistent",
            format!("the result's inputs do not fit together: {m}"),
        ),
        CountError::Json(m) => ("result.json", format!("unreadable result JSON: {m}")),
    };
    let mut f = count_failure(CheckId::Result, code, height, fr, en);
    f.event = Some("Result");
    if let CountError::Mismatch {
        expected, found, ..
    } = e
    {
        f.expected = Some(expected.clone());
        f.found = Some(found.clone());
    }
    f
}

/// Why a check does not apply to a valid archive.
fn not_applicable(id: CheckId, stage: Stage, head: bool) -> Option<Text> {
    let before = |what_fr: &str, what_en: &str| {
        Some(Text::new(
            format!("l'archive s'arrête avant {what_fr}"),
            format!("the archive ends before {what_en}"),
        ))
    };
    match id {
        CheckId::Close => before("la clôture", "the close"),
        CheckId::Tally => before("le dépouillement chiffré", "the encrypted tally"),
        CheckId::Decryptions => before("les déchiffrements partiels", "the partial decryptions"),
        CheckId::Combination | CheckId::Result => before("le résultat", "the result"),
        CheckId::PvSignatures if stage == Stage::Resulted => Some(Text::new(
            "aucune signature du procès-verbal dans l'urne",
            "no signature of the procès-verbal in the ballot box",
        )),
        CheckId::PvSignatures => before("le résultat", "the result"),
        CheckId::SignedHead if !head => Some(Text::new(
            "l'archive ne contient pas de tête signée",
            "the archive holds no signed head",
        )),
        CheckId::Pv => Some(Text::new(
            "aucun procès-verbal fourni (--pv)",
            "no procès-verbal given (--pv)",
        )),
        CheckId::Receipts => Some(Text::new(
            "aucun récépissé fourni (--receipt)",
            "no receipt given (--receipt)",
        )),
        _ => None,
    }
}

/// The number after `marker` in `message` (e.g. the ciphertext index in a crypto error).
fn index_after(message: &str, marker: &str) -> Option<usize> {
    let rest = &message[message.find(marker)? + marker.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Verifies an archive read from `input` in one streaming pass (docs/protocol.md §Verifying an
/// election), calling `progress` after every event. Never panics and always returns a report:
/// its verdict says whether the election is valid, invalid (with the first failure), or could
/// not be verified (an input/output error).
pub fn verify<R: Read>(
    input: R,
    options: &Options,
    progress: &mut dyn FnMut(&Progress),
) -> Verification {
    let mut run = Run::new(options);
    let outcome = run.stream(input, progress);
    // Whatever stopped the stream, no verification job is left running.
    let outcome = match (outcome, run.join()) {
        (Err(stop), _) => Err(stop),
        (Ok(_), Err(stop)) => Err(stop),
        (Ok(head), Ok(())) => Ok(head),
    };
    run.finish(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::testkit::{Fixture, Spec};

    #[test]
    fn a_receipt_later_than_an_archive_of_an_open_vote_is_not_yet_due() {
        let mut f = Fixture::new(Spec::default());
        let s = f.scenario();
        let events = f.chain(&s.payloads);
        let receipt = f.receipt(&events, 9).unwrap_or_else(|| unreachable!());
        let options = Options {
            receipts: vec![receipt],
            ..Options::default()
        };
        // Downloaded after the ballot at height 7: height 9 is not in it yet.
        let early = f.archive(&events[..8], true);
        let r = verify(early.as_slice(), &options, &mut |_| {}).report;
        assert_eq!(r.verdict, Verdict::Valid, "{:?}", r.failure);
        let c = r.check(CheckId::Receipts).unwrap_or_else(|| unreachable!());
        assert_eq!((c.status, c.count), (Status::Passed, Some(0)));
        assert!(c.note.as_ref().is_some_and(|n| n.fr.contains("postérieur")));
        // After the close, a receipt signed by the server beyond the end proves a dropped
        // ballot.
        let closed = f.archive(&f.chain(&s.payloads[..10]), true);
        let beyond = Receipt::sign(
            f.fp,
            40,
            receipt.event,
            receipt.tracker,
            receipt.received_at,
            &f.server,
        );
        let options = Options {
            receipts: vec![beyond],
            ..Options::default()
        };
        let r = verify(closed.as_slice(), &options, &mut |_| {}).report;
        assert_eq!(r.stage, Stage::Closed);
        assert!(
            matches!(r.failure, Some(ref fl) if fl.code == "receipt.missing"),
            "{:?}",
            r.failure
        );
    }

    #[test]
    fn a_verified_election_checks_a_partial_file_of_its_tally() {
        let mut f = Fixture::new(Spec::default());
        let s = f.scenario();
        // The archive as `urne-tally decrypt` sees it: up to the encrypted tally.
        let file = f.archive(&f.chain(&s.payloads[..11]), true);
        let e = verify(file.as_slice(), &Options::default(), &mut |_| {})
            .election
            .unwrap_or_else(|| unreachable!());
        assert_eq!(e.stage, Stage::Tallied);
        let tally = e.tally.clone().unwrap_or_else(|| unreachable!());
        let p = f.partial(1, &tally);
        assert_eq!(
            e.check_partial(1, &p.encode()).map(|x| x.trustee.index()),
            Ok(1)
        );
        let wrong = e.check_partial(2, &p.encode()).unwrap_err();
        assert_eq!(wrong.code, "decryption.member");
        let mut bad = p.encode();
        bad[8 + 96 + 64] ^= 1;
        let bad = e.check_partial(1, &bad).unwrap_err();
        assert_eq!(
            (bad.code, bad.contest, bad.option),
            ("decryption.proof", Some(0), Some(1))
        );
    }

    #[test]
    fn progress_is_reported_for_every_event_and_ends_at_the_file_size() {
        let mut f = Fixture::new(Spec::default());
        let s = f.scenario();
        let file = f.archive(&f.chain(&s.payloads), true);
        let mut seen = Vec::new();
        let r = verify(file.as_slice(), &Options::default(), &mut |p| seen.push(*p)).report;
        assert!(r.is_valid());
        assert!(
            seen.windows(2)
                .all(|w| w[0].events <= w[1].events && w[0].bytes <= w[1].bytes)
        );
        let last = seen.last().copied().unwrap_or_default();
        assert_eq!(
            (last.events, last.ballots, last.bytes),
            (20, 6, file.len() as u64)
        );
    }
}

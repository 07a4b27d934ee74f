//! From the decrypted internet counts, the figures of the ballot box and the paper counts to the
//! election's result: the canonical JSON of the `Result` event (plan D3), which the procès-verbal
//! prints and which anyone recomputes byte for byte ([`check_result`]).
//!
//! No I/O here: `urne-tally result` and `urne-verify` feed it what they read and verified.
//!
//! What comes from where (plan D2, docs/bureau-guide.md "Ce que dit le procès-verbal"):
//!
//! | figure | source |
//! |---|---|
//! | inscrits of a contest | genesis credentials with a right in it |
//! | votants (internet), their voices | ballots carrying the contest on the board |
//! | dont procurations (internet) | ballots cast by proxy credentials |
//! | blancs (internet), votes per candidacy | the decrypted tally (explicit blank per contest) |
//! | nuls (internet) | 0: a ballot that is not valid never enters the ballot box |
//! | paper votants, blancs, nuls, votes | the signed paper records (`pv::paper`) |
//! | names and dates of candidates | the definition (CNB candidates of other barreaux) or the bureau's declaration |
//! | incidents, overrides (15-day rule) | the board (close by decision) and the bureau's declaration |
//!
//! The declarations and the paper records are carried inside the result itself, so that a
//! verifier recomputes the result from the archive alone; the bureau's signatures of the PV cover
//! them.

mod board_figures;
mod result;

pub use board_figures::{BoardFigures, BoardFiguresBuilder, CloseInfo, ContestBoard};
pub use result::{
    BoardSummary, ChannelFigures, ContestOutcome, CountError, Declarations, DeclaredCandidacy,
    DeclaredContest, ElectionResult, Incident, IncidentKind, InternetCounts, RESULT_FORMAT,
    check_result, compute, first_difference,
};

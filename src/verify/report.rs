//! The verification report: every check in the order of docs/protocol.md §Verifying an election,
//! with its status and count, the fingerprints an observer compares with the procès-verbal, and,
//! for a failure, the exact place (event height, byte offset, ballot tracker, contest, option,
//! bureau member) and what was expected.
//!
//! The report is data (serialised by `urne-verify --json`); [`Report::render`] gives the text in
//! French or English.

use crate::board::PublicKey;
use crate::encoding::Hash32;
use serde::Serialize;

/// Language of the text report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// French (the default: observers, bureau, courts).
    #[default]
    Fr,
    /// English.
    En,
}

/// A message in both languages of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    /// French.
    pub fr: String,
    /// English.
    pub en: String,
}

impl Text {
    /// A message in French and English.
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            fr: fr.into(),
            en: en.into(),
        }
    }

    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

/// The checks, in the order docs/protocol.md §Verifying an election runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// The archive file: magic, version, records, end record (docs/protocol.md §Archive file).
    Archive,
    /// The hash chain and every event's encoding: heights, parents, strict decoding.
    Chain,
    /// The genesis: its rules, and an election definition consistent with it.
    Genesis,
    /// The bâtonnier's seal of the election fingerprint.
    Seal,
    /// The bureau's key generation transcript and the election key.
    Dkg,
    /// The credential list and the weights of every right.
    Credentials,
    /// Proxies and reissued codes: authorised, endorsed, one per mandataire, revoked credentials
    /// cast nothing.
    Proxies,
    /// Every ballot: canonical bytes, signature, proofs, rights, one per credential, within the
    /// voting period.
    Ballots,
    /// The ordre's close of the vote.
    Close,
    /// The encrypted tally recomputed from the ballots.
    Tally,
    /// Every partial decryption's proofs; the bâtonnier and `t` scrutateurs.
    Decryptions,
    /// The combination of the partial decryptions and the decrypted counts.
    Combination,
    /// The result recomputed with the counting rules.
    Result,
    /// The PV signatures recorded in the chain.
    PvSignatures,
    /// The server's signed head of the last event.
    SignedHead,
    /// The procès-verbal given with `--pv`.
    Pv,
    /// The receipts given with `--receipt`.
    Receipts,
}

impl CheckId {
    /// Every check, in order.
    pub const ALL: [CheckId; 17] = [
        CheckId::Archive,
        CheckId::Chain,
        CheckId::Genesis,
        CheckId::Seal,
        CheckId::Dkg,
        CheckId::Credentials,
        CheckId::Proxies,
        CheckId::Ballots,
        CheckId::Close,
        CheckId::Tally,
        CheckId::Decryptions,
        CheckId::Combination,
        CheckId::Result,
        CheckId::PvSignatures,
        CheckId::SignedHead,
        CheckId::Pv,
        CheckId::Receipts,
    ];

    /// The stable identifier (as in the JSON report).
    pub fn id(self) -> &'static str {
        match self {
            CheckId::Archive => "archive",
            CheckId::Chain => "chain",
            CheckId::Genesis => "genesis",
            CheckId::Seal => "seal",
            CheckId::Dkg => "dkg",
            CheckId::Credentials => "credentials",
            CheckId::Proxies => "proxies",
            CheckId::Ballots => "ballots",
            CheckId::Close => "close",
            CheckId::Tally => "tally",
            CheckId::Decryptions => "decryptions",
            CheckId::Combination => "combination",
            CheckId::Result => "result",
            CheckId::PvSignatures => "pv_signatures",
            CheckId::SignedHead => "signed_head",
            CheckId::Pv => "pv",
            CheckId::Receipts => "receipts",
        }
    }

    /// What the check establishes, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            CheckId::Archive => ("Fichier d'archive", "Archive file"),
            CheckId::Chain => ("Chaîne de hachage et encodage", "Hash chain and encoding"),
            CheckId::Genesis => ("Genèse de l'élection", "Election genesis"),
            CheckId::Seal => ("Scellement par le bâtonnier", "Bâtonnier's seal"),
            CheckId::Dkg => ("Clé du bureau et de l'élection", "Bureau and election keys"),
            CheckId::Credentials => ("Identifiants de vote et poids", "Credentials and weights"),
            CheckId::Proxies => ("Procurations et codes réémis", "Proxies and reissued codes"),
            CheckId::Ballots => ("Bulletins", "Ballots"),
            CheckId::Close => ("Clôture du scrutin", "Close of the vote"),
            CheckId::Tally => (
                "Dépouillement chiffré recalculé",
                "Encrypted tally recomputed",
            ),
            CheckId::Decryptions => ("Déchiffrements partiels", "Partial decryptions"),
            CheckId::Combination => ("Combinaison et décomptes", "Combination and counts"),
            CheckId::Result => ("Résultat recalculé (décret)", "Result recomputed (décret)"),
            CheckId::PvSignatures => ("Signatures du PV dans l'urne", "PV signatures in the box"),
            CheckId::SignedHead => ("Tête signée par le serveur", "Head signed by the server"),
            CheckId::Pv => ("Procès-verbal fourni", "Procès-verbal given"),
            CheckId::Receipts => ("Récépissés fournis", "Receipts given"),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every element was checked and holds.
    Passed,
    /// The check failed: see [`Report::failure`].
    Failed,
    /// Not finished: another check failed first (what was checked until then held).
    Interrupted,
    /// Does not apply: the election has not reached that stage, or the file was not given.
    NotApplicable,
}

/// One check of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which check.
    pub id: CheckId,
    /// Its outcome.
    pub status: Status,
    /// How many elements were checked (events, credentials, ballots…), when it counts some.
    pub count: Option<u64>,
    /// A short statement of what was found (e.g. who decrypted), or why it does not apply.
    pub note: Option<Text>,
}

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every applicable check holds (`urne-verify` exit code 0).
    Valid,
    /// A check failed (exit code 1).
    Invalid,
    /// The verification could not run: unreadable input (exit code 2).
    Error,
}

/// Where the election is, as far as the archive goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Nothing checked (the archive is unreadable from its first bytes).
    Unknown,
    /// The genesis, not sealed.
    Unsealed,
    /// The vote is open.
    Open,
    /// Closed, no encrypted tally yet.
    Closed,
    /// Tallied, partial decryptions under way.
    Tallied,
    /// The result is in.
    Resulted,
}

impl Stage {
    pub(crate) fn from_phase(p: crate::board::Phase) -> Self {
        use crate::board::Phase;
        match p {
            Phase::Empty => Stage::Unknown,
            Phase::Unsealed => Stage::Unsealed,
            Phase::Open => Stage::Open,
            Phase::Closed => Stage::Closed,
            Phase::Tallied => Stage::Tallied,
            Phase::Resulted => Stage::Resulted,
        }
    }

    pub(crate) fn text(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            Stage::Unknown => ("inconnue", "unknown"),
            Stage::Unsealed => ("genèse non scellée", "genesis not sealed"),
            Stage::Open => ("scrutin ouvert", "vote open"),
            Stage::Closed => (
                "scrutin clos, dépouillement à venir",
                "vote closed, tally to come",
            ),
            Stage::Tallied => (
                "dépouillement chiffré, déchiffrement en cours",
                "encrypted tally, decryption under way",
            ),
            Stage::Resulted => ("résultat proclamé", "result declared"),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// The values an observer compares with the procès-verbal and the public board.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Fingerprints {
    /// The election fingerprint (hash of the genesis event).
    pub election: Option<Hash32>,
    /// Height of the last event.
    pub head_height: Option<u64>,
    /// Hash of the last event (the archive head).
    pub head: Option<Hash32>,
    /// Root of the credential list.
    pub credential_root: Option<Hash32>,
    /// The election encryption key (hex of the Ristretto point).
    pub election_key: Option<String>,
    /// SHA-256 of the server build that ran the vote, as the genesis states it.
    pub server_build: Option<Hash32>,
    /// Hash of the `EncryptedTally` event.
    pub tally_event: Option<Hash32>,
    /// Hash of the `Result` event.
    pub result_event: Option<Hash32>,
    /// Hash of the procès-verbal (from the PV signatures of the chain, or the PV file).
    pub pv_hash: Option<Hash32>,
}

/// Why and where verification failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The check that failed.
    pub check: CheckId,
    /// A stable code for the rule broken (e.g. `ballot.proof`, `tally.mismatch`).
    pub code: &'static str,
    /// Height of the offending event.
    pub height: Option<u64>,
    /// Byte offset of its record in the archive file.
    pub offset: Option<u64>,
    /// Its kind.
    pub event: Option<&'static str>,
    /// The ballot tracker, for a ballot.
    pub tracker: Option<Hash32>,
    /// The credential concerned.
    pub credential: Option<PublicKey>,
    /// The contest index (ballot order).
    pub contest: Option<u32>,
    /// The option index within the contest.
    pub option: Option<u32>,
    /// The bureau member (0 = bâtonnier).
    pub member: Option<u32>,
    /// What was expected.
    pub expected: Option<String>,
    /// What was found.
    pub found: Option<String>,
    /// The explanation.
    pub message: Text,
}

impl Failure {
    /// A failure of `check` with `code` and `message`; places are added with the setters.
    pub fn new(check: CheckId, code: &'static str, message: Text) -> Self {
        Failure {
            check,
            code,
            height: None,
            offset: None,
            event: None,
            tracker: None,
            credential: None,
            contest: None,
            option: None,
            member: None,
            expected: None,
            found: None,
            message,
        }
    }

    /// At event `height`.
    pub fn at(mut self, height: u64) -> Self {
        self.height = Some(height);
        self
    }

    /// Of an event of this kind.
    pub fn event(mut self, kind: crate::board::EventKind) -> Self {
        self.event = Some(kind.name());
        self
    }

    /// What was expected and what was found.
    pub fn expected(mut self, expected: impl ToString, found: impl ToString) -> Self {
        self.expected = Some(expected.to_string());
        self.found = Some(found.to_string());
        self
    }
}

/// The figures that are not in the ciphertexts, derived from the board (D2): per contest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContestFigures {
    /// The contest index (ballot order).
    pub contest: u32,
    /// Credentials of the genesis with a right in it (people, not voices).
    pub inscrits: u64,
    /// Their voices (equal to `inscrits` unless the contest is weighted).
    pub inscrits_weight: u64,
    /// Ballots cast online in it.
    pub votants: u64,
    /// Their voices.
    pub votants_weight: u64,
    /// Ballots cast in it by proxy credentials.
    pub proxy_votants: u64,
}

/// The decrypted counts of one contest (weighted: voices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContestCounts {
    /// The contest index.
    pub contest: u32,
    /// Voices per option, in ballot order.
    pub options: Vec<u64>,
    /// Blank voices.
    pub blank: u64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Valid, invalid, or could not run.
    pub verdict: Verdict,
    /// How far the election went.
    pub stage: Stage,
    /// Size of the archive read, in bytes.
    pub bytes: u64,
    /// Events read and checked.
    pub events: u64,
    /// The checks, in order.
    pub checks: Vec<Check>,
    /// What to compare with the PV.
    pub fingerprints: Fingerprints,
    /// The board-derived figures per contest.
    pub figures: Vec<ContestFigures>,
    /// The decrypted counts, when the result is in and verified.
    pub counts: Vec<ContestCounts>,
    /// The first failure, if any.
    pub failure: Option<Failure>,
    /// The reason the verification could not run, if so.
    pub error: Option<Text>,
}

impl Report {
    /// The check `id`.
    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// Whether every applicable check holds.
    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }

    /// The report as text, in `lang`, titled with `source` (the file name).
    pub fn render(&self, lang: Lang, source: &str) -> String {
        super::text::render(self, lang, source)
    }
}

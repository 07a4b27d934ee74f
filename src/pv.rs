//! The procès-verbal (décret art. 28: « Les résultats sont consignés dans des procès-verbaux
//! établis en double exemplaire et signés par le bâtonnier et les scrutateurs »; art. 12 for the
//! deadlines to contest).
//!
//! - [`document`]: what the PV states ([`Pv`]), its canonical JSON, its hash
//!   `pv_hash = tagged_hash("URNE-V1-pv-document", [canonical JSON without "signatures"])`, and the
//!   members' signatures (`board::PvSignature`'s message `tagged_hash("URNE-V1-pv",
//!   [fingerprint, pv_hash])`);
//! - [`render`]: the PV as French text blocks (what the PDF of `urne-tally result` lays out);
//! - [`paper`]: the signed paper-count records of polling stations, merged into the result;
//! - [`signature`]: a member's signature inside a document.
//!
//! No I/O here: the verifier (`urne-verify --pv`) uses the same code to check a PV.

pub mod document;
pub mod paper;
pub mod render;
pub mod signature;

pub use document::{
    Deadline, Exemplaire, PV_DOCUMENT_DOMAIN, PV_FORMAT, Pv, PvArchive, PvBureau, PvError,
    PvMember, SignatureStatus,
};
pub use paper::{PaperContest, PaperError, PaperRecord};
pub use signature::MemberSignature;

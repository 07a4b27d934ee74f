//! The election model (décret n°91-1197, Titre I).
//!
//! - [`Cnbf`]: the avocat's CNBF number, validated and normalised;
//! - [`Elector`] and [`Roll`]: the liste électorale of a barreau, with counts and lookup;
//! - [`conseil_size()`] (art. 4) and [`ordinal_weight()`] (art. 25): the décret's table and formula;
//! - [`Candidacy`], [`Contest`], [`Election`]: what is elected, by whom, read from a JSON or TOML
//!   definition file;
//! - [`Election::validate`]: every check of the décret, each a distinct [`ValidationError`];
//! - [`Election::voting_rights`]: the contests an elector votes in, with the weight of each ballot;
//! - [`collation`]: the alphabetical order of names used for binômes;
//! - [`import_roll`] (`roll_csv`), [`diff`] (`roll_diff`), [`summarize`] (`roll_summary`): the
//!   ordre's CSV liste électorale, its re-import differences and its summary (`docs/roll-csv.md`).
//!
//! `docs/model.md` lists every rule with the décret passage it implements, and what is not checked.

pub mod candidacy;
pub mod candidacy_csv;
pub mod circonscription;
pub mod cnbf;
pub mod collation;
pub mod conseil_size;
pub mod contest;
pub mod csv_input;
pub mod dates;
pub mod election;
pub mod elector;
pub mod ordinal_weight;
pub mod roll;
pub mod roll_csv;
pub mod roll_diff;
pub mod roll_summary;
pub mod validation;

pub use candidacy::{Candidacy, CandidacyKind};
pub use candidacy_csv::{
    CandidacyCsvError, CandidacyImport, CandidacyImportError, CandidacyImportErrors,
    import_candidacies,
};
pub use circonscription::Circonscription;
pub use cnbf::{Cnbf, CnbfError};
pub use conseil_size::conseil_size;
pub use contest::{Contest, ContestKind, Round, WeightBasis};
pub use csv_input::{CsvFormat, FormatError, ImportErrors, LineError, Separator, TextEncoding};
pub use election::{
    Bureau, BureauMember, DefinitionError, DefinitionFormat, Election, PublicKeyBytes, VotingRight,
};
pub use elector::{Elector, ElectorError, FormerFunction, OrdinalFunction, Sex, Status};
pub use ordinal_weight::{OrdinalWeightError, ordinal_weight};
pub use roll::{Roll, RollCounts, RollError, RollErrors, RollFile};
pub use roll_csv::{
    RollCsvError, RollImport, RollImportError, RollImportErrors, export_roll, import_roll,
};
pub use roll_diff::{ElectorChange, FieldChange, RollDiff, diff};
pub use roll_summary::{ElectorRights, RollSummary, summarize, summarize_for_election};
pub use validation::{PersonRef, ValidationError, ValidationErrors};

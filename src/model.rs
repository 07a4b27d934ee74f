//! The election model (décret n°91-1197, Titre I).
//!
//! - [`Cnbf`]: the avocat's CNBF number, validated and normalised;
//! - [`Elector`] and [`Roll`]: the liste électorale of a barreau, with counts and lookup;
//! - [`conseil_size`], [`ordinal_weight`]: the décret's tables and formulas;
//! - [`collation`]: the alphabetical order of names used for binômes.
//!
//! `docs/model.md` lists every rule with the décret passage it implements.

pub mod circonscription;
pub mod cnbf;
pub mod collation;
pub mod conseil_size;
pub mod dates;
pub mod elector;
pub mod ordinal_weight;
pub mod roll;

pub use circonscription::Circonscription;
pub use cnbf::{Cnbf, CnbfError};
pub use conseil_size::conseil_size;
pub use elector::{Elector, ElectorError, FormerFunction, OrdinalFunction, Sex, Status};
pub use ordinal_weight::{OrdinalWeightError, ordinal_weight};
pub use roll::{Roll, RollCounts, RollError, RollErrors, RollFile};
pub mod candidacy;
pub mod contest;
pub mod election;
pub mod validation;
pub use candidacy::{Candidacy, CandidacyKind};
pub use contest::{Contest, ContestKind, Round, WeightBasis};
pub use election::{
    Bureau, BureauMember, DefinitionError, DefinitionFormat, Election, PublicKeyBytes, VotingRight,
};
pub use validation::{PersonRef, ValidationError, ValidationErrors};

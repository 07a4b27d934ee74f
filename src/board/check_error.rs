//! Every way a chain can be wrong, one variant each, with the height of the offending event and
//! what was expected (docs/protocol.md §Ballot box events, "Checking a chain").

use super::keys::PublicKey;
use super::kind::EventKind;
use crate::encoding::{DecodeError, Hash32};

/// A rule of the chain broken. Messages are in French: they reach the verifier's report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The event does not decode (unknown kind, truncated, trailing bytes, non-canonical value).
    #[error("événement {height} : encodage invalide : {error}")]
    Decode {
        /// Height the event should have.
        height: u64,
        /// The decoding error (field, offset within the event, reason).
        error: DecodeError,
    },
    /// The event states another height than its position (an event dropped, duplicated or moved).
    #[error("événement {height} : hauteur {found} inscrite, {height} attendue")]
    Height {
        /// Expected height (the event's position).
        height: u64,
        /// Height found in the event.
        found: u64,
    },
    /// The parent is not the hash of the previous event (the chain is broken).
    #[error("événement {height} : parent {found}, {expected} attendu (chaîne rompue)")]
    Parent {
        /// Height of the event.
        height: u64,
        /// Hash of the previous event (all zero before the genesis).
        expected: Hash32,
        /// Parent found.
        found: Hash32,
    },
    /// The first event is not a genesis.
    #[error("événement 0 : {found} trouvé, Genesis attendu")]
    NotGenesis {
        /// What was found.
        found: EventKind,
    },
    /// A second genesis.
    #[error("événement {height} : un seul Genesis est admis, à la hauteur 0")]
    GenesisAgain {
        /// Height of the event.
        height: u64,
    },
    /// The event after the genesis is not the seal.
    #[error("événement 1 : {found} trouvé, Seal (scellement par le bâtonnier) attendu")]
    SealMissing {
        /// What was found.
        found: EventKind,
    },
    /// A seal elsewhere than at height 1.
    #[error("événement {height} : un seul Seal est admis, à la hauteur 1")]
    SealAgain {
        /// Height of the event.
        height: u64,
    },
    /// The seal does not verify with the bâtonnier's key of the genesis.
    #[error("événement 1 : la signature du bâtonnier sur l'empreinte de l'élection est invalide")]
    SealInvalid,
    /// An administrative event not signed by the ordre's key of the genesis.
    #[error("événement {height} ({kind}) : la signature de l'ordre est invalide")]
    OrdreSignatureInvalid {
        /// Height of the event.
        height: u64,
        /// Its kind.
        kind: EventKind,
    },
    /// A proxy whose endorsement does not verify with the mandataire's credential.
    #[error(
        "événement {height} (ProxyCredential) : l'endossement par l'identifiant du mandataire {mandataire} est invalide"
    )]
    EndorsementInvalid {
        /// Height of the event.
        height: u64,
        /// The mandataire's credential.
        mandataire: PublicKey,
    },
    /// A credential that is neither in the genesis nor created by an earlier event.
    #[error("événement {height} ({kind}) : identifiant {role} {credential} inconnu")]
    UnknownCredential {
        /// Height of the event.
        height: u64,
        /// Its kind.
        kind: EventKind,
        /// Role of the credential in the event (`électeur`, `mandant`, `mandataire`, `remplacé`).
        role: &'static str,
        /// The credential.
        credential: PublicKey,
    },
    /// A credential used after it was revoked (by a proxy or a reissue).
    #[error(
        "événement {height} ({kind}) : identifiant {role} {credential} révoqué à la hauteur {revoked_at}"
    )]
    RevokedCredential {
        /// Height of the event.
        height: u64,
        /// Its kind.
        kind: EventKind,
        /// Role of the credential in the event.
        role: &'static str,
        /// The credential.
        credential: PublicKey,
        /// Height of the revoking event.
        revoked_at: u64,
    },
    /// A new credential (proxy or reissue) that already exists.
    #[error("événement {height} ({kind}) : le nouvel identifiant {credential} existe déjà")]
    CredentialExists {
        /// Height of the event.
        height: u64,
        /// Its kind.
        kind: EventKind,
        /// The credential.
        credential: PublicKey,
    },
    /// A mandataire endorsing a second proxy (art. 26: « Chaque mandataire ne peut disposer de
    /// plus d'une procuration »).
    #[error(
        "événement {height} : le mandataire {mandataire} dispose déjà d'une procuration (hauteur {first})"
    )]
    SecondProxy {
        /// Height of the event.
        height: u64,
        /// The mandataire's credential.
        mandataire: PublicKey,
        /// Height of the first proxy.
        first: u64,
    },
    /// A proxy for a mandant who already voted.
    #[error("événement {height} : le mandant {mandant} a déjà voté (hauteur {voted_at})")]
    MandantHasVoted {
        /// Height of the event.
        height: u64,
        /// The mandant's credential.
        mandant: PublicKey,
        /// Height of the mandant's ballot.
        voted_at: u64,
    },
    /// A proxy credential used as mandant or mandataire of another proxy.
    #[error(
        "événement {height} : l'identifiant {role} {credential} est lui-même un identifiant de procuration"
    )]
    ProxyOfProxy {
        /// Height of the event.
        height: u64,
        /// `mandant` or `mandataire`.
        role: &'static str,
        /// The credential.
        credential: PublicKey,
    },
    /// A proxy whose mandant is the mandataire.
    #[error(
        "événement {height} : le mandant et le mandataire sont le même identifiant {credential}"
    )]
    SelfProxy {
        /// Height of the event.
        height: u64,
        /// The credential.
        credential: PublicKey,
    },
    /// A reissue of a credential that voted (a vote is final).
    #[error(
        "événement {height} : l'identifiant {credential} a voté (hauteur {voted_at}) et ne peut être remplacé"
    )]
    ReissueAfterVote {
        /// Height of the event.
        height: u64,
        /// The credential.
        credential: PublicKey,
        /// Height of its ballot.
        voted_at: u64,
    },
    /// A second ballot of one credential.
    #[error("événement {height} : l'identifiant {credential} a déjà voté (hauteur {first})")]
    SecondBallot {
        /// Height of the event.
        height: u64,
        /// The credential.
        credential: PublicKey,
        /// Height of its first ballot.
        first: u64,
    },
    /// A ballot received before the opening of the genesis.
    #[error("événement {height} : bulletin reçu à {received_at}, avant l'ouverture ({opening})")]
    BallotBeforeOpening {
        /// Height of the event.
        height: u64,
        /// Reception time.
        received_at: u64,
        /// Opening time.
        opening: u64,
    },
    /// A ballot received at or after the closing time of the genesis.
    #[error(
        "événement {height} : bulletin reçu à {received_at}, après l'heure de clôture ({closing})"
    )]
    BallotAfterClosingTime {
        /// Height of the event.
        height: u64,
        /// Reception time.
        received_at: u64,
        /// Closing time.
        closing: u64,
    },
    /// The caller's ballot verifier (signature, proofs) refused the ballot.
    #[error("événement {height} : bulletin de l'identifiant {credential} refusé : {reason}")]
    BallotRejected {
        /// Height of the event.
        height: u64,
        /// The credential.
        credential: PublicKey,
        /// The verifier's reason.
        reason: String,
    },
    /// A ballot, proxy, reissue after the close.
    #[error("événement {height} ({kind}) : postérieur à la clôture (hauteur {closed_at})")]
    AfterClose {
        /// Height of the event.
        height: u64,
        /// Its kind.
        kind: EventKind,
        /// Height of the close.
        closed_at: u64,
    },
    /// A second close.
    #[error("événement {height} : le scrutin est déjà clos (hauteur {first})")]
    CloseAgain {
        /// Height of the event.
        height: u64,
        /// Height of the first close.
        first: u64,
    },
    /// A close "at the closing time" dated before it.
    #[error(
        "événement {height} : clôture à l'heure prévue datée {time}, avant l'heure de clôture {closing}"
    )]
    CloseTooEarly {
        /// Height of the event.
        height: u64,
        /// The close's time.
        time: u64,
        /// The genesis's closing time.
        closing: u64,
    },
    /// A close dated before a ballot it follows.
    #[error(
        "événement {height} : clôture datée {time}, avant la réception d'un bulletin ({last_ballot})"
    )]
    CloseBeforeBallot {
        /// Height of the event.
        height: u64,
        /// The close's time.
        time: u64,
        /// Latest reception time of a ballot.
        last_ballot: u64,
    },
    /// A counting event (tally, decryption, result, PV signature) while the vote is open.
    #[error("événement {height} ({kind}) : le scrutin n'est pas clos")]
    CountBeforeClose {
        /// Height of the event.
        height: u64,
        /// Its kind.
        kind: EventKind,
    },
    /// A counting event out of its order (Close, EncryptedTally, PartialDecryption…, Result,
    /// PvSignature…).
    #[error("événement {height} ({kind}) : hors de son ordre, {expected} attendu")]
    OutOfOrder {
        /// Height of the event.
        height: u64,
        /// Its kind.
        kind: EventKind,
        /// What was expected at this point.
        expected: &'static str,
    },
    /// A second encrypted tally.
    #[error("événement {height} : le dépouillement chiffré figure déjà à la hauteur {first}")]
    TallyAgain {
        /// Height of the event.
        height: u64,
        /// Height of the first.
        first: u64,
    },
    /// A bureau member index that is not in the genesis.
    #[error("événement {height} ({kind}) : membre du bureau {member} inconnu ({members} membres)")]
    UnknownMember {
        /// Height of the event.
        height: u64,
        /// Its kind.
        kind: EventKind,
        /// The index.
        member: u32,
        /// Number of members (bâtonnier included).
        members: usize,
    },
    /// A second partial decryption by one member.
    #[error("événement {height} : le membre {member} a déjà déchiffré (hauteur {first})")]
    DecryptionAgain {
        /// Height of the event.
        height: u64,
        /// The member.
        member: u32,
        /// Height of the first.
        first: u64,
    },
    /// A result without the bâtonnier's and `t` scrutateurs' partial decryptions.
    #[error("événement {height} : résultat sans les déchiffrements requis (bâtonnier : {}, scrutateurs : {scrutateurs}, seuil : {threshold})", oui_non(.batonnier))]
    NotEnoughDecryptions {
        /// Height of the event.
        height: u64,
        /// Whether the bâtonnier decrypted.
        batonnier: bool,
        /// Number of scrutateurs who did.
        scrutateurs: u32,
        /// The threshold `t`.
        threshold: u32,
    },
    /// A second result.
    #[error("événement {height} : le résultat figure déjà à la hauteur {first}")]
    ResultAgain {
        /// Height of the event.
        height: u64,
        /// Height of the first.
        first: u64,
    },
    /// A PV signature whose key is not that member's key in the genesis.
    #[error("événement {height} : clé {found} pour le membre {member}, {expected} attendue")]
    PvKeyMismatch {
        /// Height of the event.
        height: u64,
        /// The member.
        member: u32,
        /// Key in the genesis.
        expected: PublicKey,
        /// Key in the event.
        found: PublicKey,
    },
    /// A PV signature that does not verify.
    #[error("événement {height} : signature du procès-verbal par le membre {member} invalide")]
    PvSignatureInvalid {
        /// Height of the event.
        height: u64,
        /// The member.
        member: u32,
    },
    /// A second PV signature by one member.
    #[error(
        "événement {height} : le membre {member} a déjà signé le procès-verbal (hauteur {first})"
    )]
    PvSignatureAgain {
        /// Height of the event.
        height: u64,
        /// The member.
        member: u32,
        /// Height of the first.
        first: u64,
    },
    /// PV signatures over different PVs.
    #[error(
        "événement {height} : le membre {member} signe le procès-verbal {found}, {expected} attendu"
    )]
    PvHashMismatch {
        /// Height of the event.
        height: u64,
        /// The member.
        member: u32,
        /// PV hash of the first signature.
        expected: Hash32,
        /// PV hash of this one.
        found: Hash32,
    },
    /// No event at all.
    #[error("chaîne vide : Genesis attendu")]
    Empty,
    /// The chain ends after the genesis, without the seal.
    #[error("la chaîne s'arrête après le Genesis, sans le scellement du bâtonnier")]
    Unsealed,
    /// A signed head that does not name the last event.
    #[error(
        "tête signée (hauteur {found_height}, {found_head}) différente de la fin de la chaîne (hauteur {height}, {head})"
    )]
    HeadMismatch {
        /// Height of the last event.
        height: u64,
        /// Hash of the last event.
        head: Hash32,
        /// Height in the signed head.
        found_height: u64,
        /// Hash in the signed head.
        found_head: Hash32,
    },
    /// A signed head for another election.
    #[error("tête signée pour l'élection {found}, {expected} attendue")]
    HeadFingerprint {
        /// This chain's fingerprint.
        expected: Hash32,
        /// The head's.
        found: Hash32,
    },
    /// A signed head whose signature does not verify with the server key of the genesis.
    #[error("tête signée de hauteur {height} : signature du serveur invalide")]
    HeadSignatureInvalid {
        /// Height of the head.
        height: u64,
    },
}

fn oui_non(b: &bool) -> &'static str {
    if *b { "oui" } else { "non" }
}

impl ChainError {
    /// The height of the offending event, when there is one.
    pub fn height(&self) -> Option<u64> {
        use ChainError::*;
        match self {
            NotGenesis { .. } => Some(0),
            SealMissing { .. } | SealInvalid => Some(1),
            Empty | Unsealed | HeadFingerprint { .. } => None,
            HeadMismatch { height, .. } => Some(*height),
            Decode { height, .. }
            | Height { height, .. }
            | Parent { height, .. }
            | GenesisAgain { height }
            | SealAgain { height }
            | OrdreSignatureInvalid { height, .. }
            | EndorsementInvalid { height, .. }
            | UnknownCredential { height, .. }
            | RevokedCredential { height, .. }
            | CredentialExists { height, .. }
            | SecondProxy { height, .. }
            | MandantHasVoted { height, .. }
            | ProxyOfProxy { height, .. }
            | SelfProxy { height, .. }
            | ReissueAfterVote { height, .. }
            | SecondBallot { height, .. }
            | BallotBeforeOpening { height, .. }
            | BallotAfterClosingTime { height, .. }
            | BallotRejected { height, .. }
            | AfterClose { height, .. }
            | CloseAgain { height, .. }
            | CloseTooEarly { height, .. }
            | CloseBeforeBallot { height, .. }
            | CountBeforeClose { height, .. }
            | OutOfOrder { height, .. }
            | TallyAgain { height, .. }
            | UnknownMember { height, .. }
            | DecryptionAgain { height, .. }
            | NotEnoughDecryptions { height, .. }
            | ResultAgain { height, .. }
            | PvKeyMismatch { height, .. }
            | PvSignatureInvalid { height, .. }
            | PvSignatureAgain { height, .. }
            | PvHashMismatch { height, .. }
            | HeadSignatureInvalid { height } => Some(*height),
        }
    }
}

//! Validation of an election against the décret: each rule is one [`ValidationError`] variant
//! whose French message names the rule, its article, and the contest, candidacy, person or field.
//!
//! Two entry points:
//! - [`Election::validate_structure`]: what can be checked without the roll (identifiers, times,
//!   bureau, seats, candidacy shapes, CNB seat parity, circonscription);
//! - [`Election::validate`]: all of the above plus everything that needs the liste électorale
//!   (eligibility, binômes, thresholds, conseil size, weights).
//!
//! Every problem is reported, not only the first.

use super::candidacy::{Candidacy, CandidacyKind};
use super::circonscription::Circonscription;
use super::cnbf::Cnbf;
use super::collation;
use super::conseil_size::conseil_size;
use super::contest::{Contest, ContestKind, Round};
use super::dates::format_date;
use super::election::Election;
use super::elector::{Elector, ElectorError, FormerFunction, OrdinalFunction, Sex};
use super::ordinal_weight::OrdinalWeightError;
use super::roll::Roll;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt;
use time::Date;

/// A person in a message: « Nom Prénom (CNBF n) ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRef {
    /// CNBF number.
    pub cnbf: Cnbf,
    /// « Nom Prénom ».
    pub name: String,
}

impl PersonRef {
    fn of(e: &Elector) -> Self {
        PersonRef {
            cnbf: e.cnbf.clone(),
            name: e.display_name(),
        }
    }
}

impl fmt::Display for PersonRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (CNBF {})", self.name, self.cnbf)
    }
}

/// One breach of the décret (or of the definition's own consistency).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    // ----- definition -----
    /// A required text field is empty.
    #[error("champ « {field} » vide")]
    EmptyField {
        /// Path of the field.
        field: String,
    },
    /// Closing is not after opening.
    #[error("la clôture du vote ({closing}) doit être postérieure à son ouverture ({opening})")]
    ClosingNotAfterOpening {
        /// Opening (RFC 3339).
        opening: String,
        /// Closing (RFC 3339).
        closing: String,
    },
    /// No contest.
    #[error("aucun scrutin défini")]
    NoContest,
    /// Two contests with one identifier.
    #[error("identifiant de scrutin « {id} » en double")]
    DuplicateContestId {
        /// The identifier.
        id: String,
    },
    /// Two candidacies with one identifier in a contest.
    #[error("scrutin « {contest} » : identifiant de candidature « {id} » en double")]
    DuplicateCandidacyId {
        /// The contest.
        contest: String,
        /// The identifier.
        id: String,
    },
    /// Two contests electing the same thing in one election.
    #[error("scrutins « {first} » et « {second} » : un seul scrutin « {what} » par élection")]
    DuplicateContestKind {
        /// First contest.
        first: String,
        /// Second contest.
        second: String,
        /// What both elect.
        what: String,
    },
    /// The threshold is not in `1..=n`.
    #[error(
        "bureau : seuil t = {threshold} invalide, il faut 1 ≤ t ≤ {scrutateurs} (nombre de \
         scrutateurs)"
    )]
    InvalidThreshold {
        /// t.
        threshold: u32,
        /// n.
        scrutateurs: usize,
    },
    /// Two bureau members with one key.
    #[error("bureau : « {first} » et « {second} » ont la même clé publique")]
    DuplicatePublicKey {
        /// First member.
        first: String,
        /// Second member.
        second: String,
    },
    /// No seat to fill.
    #[error("scrutin « {contest} » : nombre de sièges nul")]
    ZeroSeats {
        /// The contest.
        contest: String,
    },
    /// More than two candidacies in the bâtonnier's second round (art. 6).
    #[error(
        "scrutin « {contest} » (second tour) : {count} candidatures ; « seuls peuvent se \
         présenter au deuxième tour les deux candidats qui ont obtenu le plus grand nombre de ces \
         suffrages » (décret art. 6)"
    )]
    BatonnierRunoffTooManyCandidacies {
        /// The contest.
        contest: String,
        /// Candidacies found.
        count: usize,
    },
    /// A candidacy of the wrong kind for the contest (art. 5, 6, 26).
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : {found} reçue, {expected} attendue ; {rule}"
    )]
    WrongCandidacyKind {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// Expected kind.
        expected: &'static str,
        /// Kind found.
        found: &'static str,
        /// The rule, quoted, with its article.
        rule: String,
    },
    /// The same CNBF twice in one candidacy.
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : le CNBF {cnbf} y figure deux fois"
    )]
    PersonTwiceInCandidacy {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The person.
        cnbf: Cnbf,
    },
    /// A list without title (art. 26).
    #[error(
        "scrutin « {contest} », liste « {candidacy} » : titre vide ; « chaque liste comporte \
         mention de son titre » (décret art. 26)"
    )]
    ListWithoutTitle {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
    },
    /// A list whose length is not the number of seats (art. 23).
    #[error(
        "scrutin « {contest} », liste « {candidacy} » ({title}) : {len} candidats pour {seats} \
         sièges ; « Chaque liste […] doit comporter un nombre de candidats correspondant au nombre \
         de sièges à pourvoir » (décret art. 23)"
    )]
    ListLengthNotSeats {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The list's title.
        title: String,
        /// Candidates on the list.
        len: usize,
        /// Seats of the contest.
        seats: u32,
    },
    /// Two consecutive candidates of one sex on a list (art. 23).
    #[error(
        "scrutin « {contest} », liste « {candidacy} » ({title}) : {person}, en position \
         {position}, est du même sexe que le candidat qui le précède ; la liste doit être \
         « composée alternativement d'un candidat de chaque sexe » (décret art. 23)"
    )]
    ListNotAlternating {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The list's title.
        title: String,
        /// 1-based position on the list.
        position: usize,
        /// The candidate.
        person: PersonRef,
    },
    /// Women's and men's ordinal scrutins with different seats (art. 22).
    #[error(
        "scrutins « {women} » ({women_seats} sièges) et « {men} » ({men_seats} sièges) : « la \
         moitié des sièges à pourvoir est réservée à des candidats de sexe féminin, l'autre moitié \
         à des candidats de sexe masculin » (décret art. 22)"
    )]
    OrdinalSeatsUnequal {
        /// Women's contest.
        women: String,
        /// Its seats.
        women_seats: u32,
        /// Men's contest.
        men: String,
        /// Its seats.
        men_seats: u32,
    },
    /// The two colleges with different numbers of seats (art. 21).
    #[error(
        "collège ordinal : {ordinal_seats} sièges, collège général « {general} » : \
         {general_seats} sièges ; la répartition des sièges « est la même dans chaque collège » \
         (décret art. 21)"
    )]
    CollegeSeatsDiffer {
        /// Sum of the two ordinal scrutins' seats.
        ordinal_seats: u32,
        /// The general college contest.
        general: String,
        /// Its seats.
        general_seats: u32,
    },
    /// A CNB contest of another circonscription than the barreau's (art. 20, 26).
    #[error(
        "scrutin « {contest} » : {contest_circonscription}, or le barreau {barreau} relève de la \
         {barreau_circonscription} ; « chaque électeur vot[e] dans son barreau » (décret art. 20 \
         et 26)"
    )]
    WrongCirconscription {
        /// The contest.
        contest: String,
        /// Its circonscription.
        contest_circonscription: Circonscription,
        /// The barreau.
        barreau: String,
        /// The barreau's circonscription.
        barreau_circonscription: Circonscription,
    },
    /// Declared ordinal weight figures for Paris (art. 25).
    #[error(
        "scrutin « {contest} » : dans la circonscription de Paris, chaque électeur du collège \
         ordinal dispose de deux bulletins « portant une voix » ; weight_basis est sans objet \
         (décret art. 25)"
    )]
    WeightBasisInParis {
        /// The contest.
        contest: String,
    },
    /// An inconsistent external candidate record.
    #[error("candidat d'un autre barreau n° {position} : {error}")]
    InvalidExternalCandidate {
        /// 1-based position in `external_candidates`.
        position: usize,
        /// The problem.
        error: ElectorError,
    },
    /// An external candidate whose barreau is the election's: must be on the roll.
    #[error(
        "candidat d'un autre barreau n° {position}, {person} : son barreau est celui de \
         l'élection ({barreau}), il doit figurer sur la liste électorale"
    )]
    ExternalCandidateOfThisBarreau {
        /// 1-based position in `external_candidates`.
        position: usize,
        /// The person.
        person: PersonRef,
        /// The barreau.
        barreau: String,
    },
    /// An external candidate's CNBF already used.
    #[error(
        "candidat d'un autre barreau n° {position}, {person} : numéro CNBF déjà présent {place}"
    )]
    ExternalCandidateDuplicate {
        /// 1-based position in `external_candidates`.
        position: usize,
        /// The person.
        person: PersonRef,
        /// Where else (« sur la liste électorale (n° 12) »…).
        place: String,
    },
    /// External candidates listed in an election without CNB contest.
    #[error(
        "candidats d'autres barreaux fournis alors que l'élection ne comporte aucun scrutin du \
         CNB : seuls les avocats du barreau sont candidats au bâtonnat et au conseil de l'ordre"
    )]
    ExternalCandidatesWithoutCnb,

    // ----- roll -----
    /// The roll is another barreau's.
    #[error(
        "l'élection est celle du barreau « {election} », la liste électorale celle du barreau « {roll} »"
    )]
    BarreauMismatch {
        /// Barreau of the election.
        election: String,
        /// Barreau of the roll.
        roll: String,
    },
    /// A conseil contest in a barreau below eight voters (art. 4, 11).
    #[error(
        "scrutin « {contest} » : {voters} avocats disposant du droit de vote ; le barreau n'a pas \
         de conseil de l'ordre en dessous de huit (décret art. 4 et 11)"
    )]
    NoConseil {
        /// The contest.
        contest: String,
        /// Voters.
        voters: u64,
    },
    /// More members to elect than the conseil has (art. 4).
    #[error(
        "scrutin « {contest} » : {seats} candidature(s) à élire, soit {members} membres, pour un \
         conseil de l'ordre de {size} membres ({voters} avocats disposant du droit de vote ; \
         décret art. 4)"
    )]
    SeatsExceedConseilSize {
        /// The contest.
        contest: String,
        /// Seats (candidacies).
        seats: u32,
        /// Members elected (×2 for binômes).
        members: u64,
        /// Size of the conseil by art. 4.
        size: u32,
        /// Voters.
        voters: u64,
    },
    /// A CNBF found neither on the roll nor (CNB) among the external candidates.
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : CNBF {cnbf} absent de {looked_in}"
    )]
    CandidateNotFound {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The number.
        cnbf: Cnbf,
        /// Where it was looked for.
        looked_in: &'static str,
    },
    /// A CNB candidate from a barreau of the other circonscription (art. 20).
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : {person}, du barreau {barreau}, \
         n'est pas de la {circonscription} (décret art. 20)"
    )]
    CandidateOutsideCirconscription {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The person.
        person: PersonRef,
        /// Their barreau.
        barreau: String,
        /// The contest's circonscription.
        circonscription: Circonscription,
    },
    /// A binôme of two persons of one sex (art. 5 II).
    #[error(
        "scrutin « {contest} », binôme « {candidacy} » : {first} et {second} sont tous deux de \
         sexe {sex} ; les binômes sont « composés d'un homme et d'une femme » (décret art. 5 II)"
    )]
    BinomeNotMixed {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// First member.
        first: PersonRef,
        /// Second member.
        second: PersonRef,
        /// Their sex (« féminin » / « masculin »).
        sex: &'static str,
    },
    /// A binôme not in alphabetical order (art. 5 II).
    #[error(
        "scrutin « {contest} », binôme « {candidacy} » : {first} est placé avant {second}, \
         contrairement à l'ordre alphabétique (nom puis prénom, sans distinction de casse ni \
         d'accents) ; les noms sont « classés par ordre alphabétique sur tous les documents \
         relatifs à l'élection » (décret art. 5 II)"
    )]
    BinomeNotAlphabetical {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// First member as given.
        first: PersonRef,
        /// Second member as given.
        second: PersonRef,
    },
    /// A candidate not inscrit au tableau (art. 8, 22, 23).
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : {person} n'est pas inscrit au \
         tableau (statut « {status} ») ; {rule}"
    )]
    NotInscrit {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The person.
        person: PersonRef,
        /// Their status.
        status: &'static str,
        /// The rule, quoted, with its article.
        rule: &'static str,
    },
    /// Sworn for four years or less on 1 January, in a barreau of more than sixteen voters (art. 9).
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : {person} a prêté serment le {oath} ; \
         dans les barreaux de plus de seize avocats disposant du droit de vote (ici {voters}), ne \
         peuvent être élus que les avocats « qui ont prêté serment depuis plus de quatre ans au 1er \
         janvier de l'année au cours de laquelle a lieu l'élection », soit avant le {limit} \
         (décret art. 9)"
    )]
    OathTooRecent {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The person.
        person: PersonRef,
        /// Their oath date.
        oath: String,
        /// First disqualifying date (1 January of the election year minus four years).
        limit: String,
        /// Voters of the barreau.
        voters: u64,
    },
    /// An outgoing conseil member at the end of a second successive mandate (art. 5).
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : {person} exerce son mandat n° \
         {mandates} successif de membre du conseil de l'ordre ; « A l'expiration du deuxième de \
         deux mandats successifs, les membres sortants, à l'exception des anciens bâtonniers, ne \
         sont rééligibles qu'après un délai de {delay} » (décret art. 5)"
    )]
    ConseilMemberNotReeligible {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The person.
        person: PersonRef,
        /// Successive mandates including the current one.
        mandates: u8,
        /// « deux ans » or « un an ».
        delay: &'static str,
    },
    /// The bâtonnier en exercice, in a barreau of more than thirty voters (art. 6).
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : {person} est le bâtonnier en \
         exercice ; « Le bâtonnier n'est pas immédiatement rééligible en qualité de bâtonnier » \
         dans les barreaux de plus de trente avocats disposant du droit de vote (ici {voters} ; \
         décret art. 6)"
    )]
    BatonnierNotReeligible {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The person.
        person: PersonRef,
        /// Voters.
        voters: u64,
    },
    /// A third successive mandate of bâtonnier in a small barreau (art. 6).
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : {person} exerce son mandat n° \
         {mandates} successif de bâtonnier ; dans les barreaux de trente avocats au plus « le \
         bâtonnier peut exercer deux mandats successifs », pas davantage (décret art. 6)"
    )]
    BatonnierTooManyMandates {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The person.
        person: PersonRef,
        /// Successive mandates including the current one.
        mandates: u8,
    },
    /// The vice-bâtonnier en exercice as vice-bâtonnier again (art. 6).
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : {person} est le vice-bâtonnier en \
         exercice ; « A l'expiration de son mandat, le vice-bâtonnier n'est pas immédiatement \
         rééligible à cette fonction » (décret art. 6)"
    )]
    ViceBatonnierNotReeligible {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The person.
        person: PersonRef,
    },
    /// No ordinal quality for the CNB collège ordinal (art. 22).
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : {person} n'a aucune des qualités \
         d'éligibilité du collège ordinal (« les bâtonniers, anciens bâtonniers, vice-bâtonniers, \
         anciens vice-bâtonniers et membres et anciens membres des conseils de l'ordre […], ainsi \
         que les présidents et membres des anciennes commissions nationale et régionales des \
         conseils juridiques », décret art. 22)"
    )]
    NoOrdinalQuality {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The person.
        person: PersonRef,
    },
    /// A candidate in the scrutin of the other sex (art. 22).
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : {person} ({person_sex}) est \
         candidat au scrutin réservé aux {contest_sex}s ; « deux scrutins distincts sont organisés \
         aux fins d'élection des candidats de chaque sexe » (décret art. 22)"
    )]
    OrdinalWrongSex {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The person.
        person: PersonRef,
        /// Their sex.
        person_sex: Sex,
        /// The contest's sex.
        contest_sex: Sex,
    },
    /// Not inscrit au tableau on 1 January (CNB collège général, art. 23).
    #[error(
        "scrutin « {contest} », candidature « {candidacy} » : {person} est inscrit au tableau \
         depuis le {inscription} ; sont éligibles au collège général « les avocats inscrits au \
         tableau au 1er janvier de l'année du scrutin », soit au {reference} (décret art. 23)"
    )]
    NotInscritOnJanuaryFirst {
        /// The contest.
        contest: String,
        /// The candidacy.
        candidacy: String,
        /// The person.
        person: PersonRef,
        /// Their inscription date.
        inscription: String,
        /// 1 January of the election year.
        reference: String,
    },
    /// One person in two candidacies of one contest.
    #[error(
        "scrutin « {contest} » : {person} figure dans les candidatures « {first} » et « {second} » \
         ; nul ne peut se présenter deux fois au même scrutin"
    )]
    CandidateInTwoCandidacies {
        /// The contest.
        contest: String,
        /// The person.
        person: PersonRef,
        /// First candidacy.
        first: String,
        /// Second candidacy.
        second: String,
    },
    /// One person on two lists (art. 26).
    #[error(
        "{person} figure sur les listes « {first} » et « {second} » ; « Nul ne peut être candidat \
         sur plus d'une liste » (décret art. 26)"
    )]
    CandidateOnTwoLists {
        /// The person.
        person: PersonRef,
        /// First list (`contest/candidacy`).
        first: String,
        /// Second list.
        second: String,
    },
    /// One person candidate in both CNB colleges (art. 26).
    #[error(
        "{person} est candidat au collège ordinal (scrutin « {ordinal} ») et au collège général \
         (scrutin « {general} ») ; « Nul ne peut être candidat […] dans deux collèges » (décret \
         art. 26)"
    )]
    CandidateInTwoColleges {
        /// The person.
        person: PersonRef,
        /// The ordinal contest.
        ordinal: String,
        /// The general contest.
        general: String,
    },
    /// The ordinal weight cannot be computed (art. 25).
    #[error("scrutin « {contest} » : {error}")]
    Weight {
        /// The contest.
        contest: String,
        /// Why.
        error: OrdinalWeightError,
    },
}

/// Every breach found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "élection refusée ({} erreur(s))", self.0.len())?;
        for e in &self.0 {
            write!(f, "\n- {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

const RULE_ART_8: &str = "« Ne peut être élu aux fonctions de bâtonnier, de vice-bâtonnier ou de \
     membre du conseil de l'ordre qu'un avocat inscrit au tableau » (décret art. 8)";
const RULE_ART_22: &str = "les éligibles du collège ordinal doivent être « exerçant la profession \
     d'avocat » (décret art. 22)";
const RULE_ART_23: &str = "« Sont éligibles par ce collège […] les avocats inscrits au tableau au \
     1er janvier de l'année du scrutin » (décret art. 23)";

fn finish(errors: Vec<ValidationError>) -> Result<(), ValidationErrors> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(errors))
    }
}

impl Election {
    /// Checks what does not need the roll. See the module documentation.
    pub fn validate_structure(&self) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        self.check_structure(&mut errors);
        finish(errors)
    }

    /// Checks the election against the décret with the barreau's liste électorale. Every problem
    /// is reported.
    pub fn validate(&self, roll: &Roll) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        self.check_structure(&mut errors);
        if !collation::same_name(&self.barreau, roll.barreau()) {
            errors.push(ValidationError::BarreauMismatch {
                election: self.barreau.clone(),
                roll: roll.barreau().to_string(),
            });
            return finish(errors);
        }
        self.check_external_candidates(roll, &mut errors);
        for contest in &self.contests {
            self.check_contest_with_roll(contest, roll, &mut errors);
        }
        self.check_across_contests(roll, &mut errors);
        finish(errors)
    }

    /// The elector a candidacy's CNBF designates: the roll, and for CNB contests the external
    /// candidates.
    pub fn resolve<'a>(
        &'a self,
        roll: &'a Roll,
        contest: &Contest,
        cnbf: &Cnbf,
    ) -> Option<&'a Elector> {
        roll.get(cnbf).or_else(|| {
            if contest.kind.is_cnb() {
                self.external_candidate(cnbf)
            } else {
                None
            }
        })
    }

    fn check_structure(&self, errors: &mut Vec<ValidationError>) {
        let empty = |field: &str, value: &str, errors: &mut Vec<ValidationError>| {
            if value.trim().is_empty() {
                errors.push(ValidationError::EmptyField {
                    field: field.to_string(),
                });
            }
        };
        empty("barreau", &self.barreau, errors);
        empty("campaign_id", &self.campaign_id, errors);
        empty("election_id", &self.election_id, errors);
        if self.closing <= self.opening {
            errors.push(ValidationError::ClosingNotAfterOpening {
                opening: super::dates::format_instant(self.opening).unwrap_or_default(),
                closing: super::dates::format_instant(self.closing).unwrap_or_default(),
            });
        }
        // Bureau.
        empty("bureau.batonnier.name", &self.bureau.batonnier.name, errors);
        for (i, s) in self.bureau.scrutateurs.iter().enumerate() {
            empty(&format!("bureau.scrutateurs[{i}].name"), &s.name, errors);
        }
        let n = self.bureau.scrutateurs.len();
        if self.bureau.threshold == 0 || self.bureau.threshold as usize > n {
            errors.push(ValidationError::InvalidThreshold {
                threshold: self.bureau.threshold,
                scrutateurs: n,
            });
        }
        let mut keys: HashMap<[u8; 32], &str> = HashMap::new();
        for m in std::iter::once(&self.bureau.batonnier).chain(&self.bureau.scrutateurs) {
            if let Some(first) = keys.insert(m.public_key.0, &m.name) {
                errors.push(ValidationError::DuplicatePublicKey {
                    first: first.to_string(),
                    second: m.name.clone(),
                });
            }
        }
        // Contests.
        if self.contests.is_empty() {
            errors.push(ValidationError::NoContest);
        }
        let mut ids = HashSet::new();
        let mut by_kind: HashMap<String, &str> = HashMap::new();
        let barreau_circonscription = Circonscription::of_barreau(&self.barreau);
        for (i, contest) in self.contests.iter().enumerate() {
            empty(&format!("contests[{i}].id"), &contest.id, errors);
            if !ids.insert(contest.id.as_str()) {
                errors.push(ValidationError::DuplicateContestId {
                    id: contest.id.clone(),
                });
            }
            let what = match contest.kind {
                ContestKind::Batonnier { .. } => "bâtonnier".to_string(),
                ContestKind::ConseilDeLOrdre { .. } => "conseil de l'ordre".to_string(),
                ContestKind::CnbOrdinal { sex, .. } => {
                    format!("CNB collège ordinal, scrutin des {}s", sex.label())
                }
                ContestKind::CnbGeneral { .. } => "CNB collège général".to_string(),
            };
            if let Some(first) = by_kind.get(&what) {
                errors.push(ValidationError::DuplicateContestKind {
                    first: first.to_string(),
                    second: contest.id.clone(),
                    what: what.clone(),
                });
            } else {
                by_kind.insert(what, &contest.id);
            }
            if contest.kind.seats() == 0 {
                errors.push(ValidationError::ZeroSeats {
                    contest: contest.id.clone(),
                });
            }
            match contest.kind {
                ContestKind::CnbOrdinal {
                    circonscription,
                    weight_basis,
                    ..
                } => {
                    if circonscription == Circonscription::Paris && weight_basis.is_some() {
                        errors.push(ValidationError::WeightBasisInParis {
                            contest: contest.id.clone(),
                        });
                    }
                    check_circonscription(
                        contest,
                        circonscription,
                        &self.barreau,
                        barreau_circonscription,
                        errors,
                    );
                }
                ContestKind::CnbGeneral {
                    circonscription, ..
                } => check_circonscription(
                    contest,
                    circonscription,
                    &self.barreau,
                    barreau_circonscription,
                    errors,
                ),
                ContestKind::Batonnier {
                    round: Round::Second,
                } if contest.candidacies.len() > 2 => {
                    errors.push(ValidationError::BatonnierRunoffTooManyCandidacies {
                        contest: contest.id.clone(),
                        count: contest.candidacies.len(),
                    });
                }
                _ => {}
            }
            self.check_candidacy_shapes(contest, errors);
        }
        self.check_cnb_seats(errors);
        if !self.external_candidates.is_empty() && !self.contests.iter().any(|c| c.kind.is_cnb()) {
            errors.push(ValidationError::ExternalCandidatesWithoutCnb);
        }
    }

    /// Kind, identifiers, duplicates inside a candidacy, list title and length: no roll needed.
    fn check_candidacy_shapes(&self, contest: &Contest, errors: &mut Vec<ValidationError>) {
        let mut ids = HashSet::new();
        for (j, cand) in contest.candidacies.iter().enumerate() {
            if cand.id().trim().is_empty() {
                errors.push(ValidationError::EmptyField {
                    field: format!("contests[{}].candidacies[{j}].id", contest.id),
                });
            }
            if !ids.insert(cand.id()) {
                errors.push(ValidationError::DuplicateCandidacyId {
                    contest: contest.id.clone(),
                    id: cand.id().to_string(),
                });
            }
            let mut seen = HashSet::new();
            for p in cand.persons() {
                if !seen.insert(p) {
                    errors.push(ValidationError::PersonTwiceInCandidacy {
                        contest: contest.id.clone(),
                        candidacy: cand.id().to_string(),
                        cnbf: p.clone(),
                    });
                }
            }
            // The conseil's kind depends on the roll (30 threshold): checked in `validate`.
            let fixed = match contest.kind {
                ContestKind::ConseilDeLOrdre { .. } => None,
                k => Some(k.expected_candidacy(0)),
            };
            if let Some(expected) = fixed
                && cand.kind() != expected
            {
                errors.push(wrong_kind(
                    contest,
                    cand,
                    expected,
                    kind_rule(&contest.kind, 0),
                ));
            }
            if let Candidacy::List {
                title, candidates, ..
            } = cand
            {
                if title.trim().is_empty() {
                    errors.push(ValidationError::ListWithoutTitle {
                        contest: contest.id.clone(),
                        candidacy: cand.id().to_string(),
                    });
                }
                let seats = contest.kind.seats();
                if candidates.len() != seats as usize {
                    errors.push(ValidationError::ListLengthNotSeats {
                        contest: contest.id.clone(),
                        candidacy: cand.id().to_string(),
                        title: title.clone(),
                        len: candidates.len(),
                        seats,
                    });
                }
            }
        }
    }

    /// Art. 21 and 22: women's and men's ordinal scrutins have the same seats; the general college
    /// has as many seats as the ordinal college.
    fn check_cnb_seats(&self, errors: &mut Vec<ValidationError>) {
        let ordinal = |sex: Sex| {
            self.contests.iter().find_map(|c| match c.kind {
                ContestKind::CnbOrdinal { sex: s, seats, .. } if s == sex => Some((c, seats)),
                _ => None,
            })
        };
        let general = self.contests.iter().find_map(|c| match c.kind {
            ContestKind::CnbGeneral { seats, .. } => Some((c, seats)),
            _ => None,
        });
        if let (Some((w, ws)), Some((m, ms))) = (ordinal(Sex::F), ordinal(Sex::M)) {
            if ws != ms {
                errors.push(ValidationError::OrdinalSeatsUnequal {
                    women: w.id.clone(),
                    women_seats: ws,
                    men: m.id.clone(),
                    men_seats: ms,
                });
            } else if let Some((g, gs)) = general
                && u64::from(gs) != u64::from(ws) + u64::from(ms)
            {
                errors.push(ValidationError::CollegeSeatsDiffer {
                    ordinal_seats: ws.saturating_add(ms),
                    general: g.id.clone(),
                    general_seats: gs,
                });
            }
        }
    }

    fn check_external_candidates(&self, roll: &Roll, errors: &mut Vec<ValidationError>) {
        let mut seen: HashMap<&Cnbf, usize> = HashMap::new();
        for (i, e) in self.external_candidates.iter().enumerate() {
            let position = i + 1;
            if let Err(error) = e.check() {
                errors.push(ValidationError::InvalidExternalCandidate { position, error });
            }
            if collation::same_name(&e.barreau, &self.barreau) {
                errors.push(ValidationError::ExternalCandidateOfThisBarreau {
                    position,
                    person: PersonRef::of(e),
                    barreau: e.barreau.clone(),
                });
            }
            if let Some(p) = roll.position(&e.cnbf) {
                errors.push(ValidationError::ExternalCandidateDuplicate {
                    position,
                    person: PersonRef::of(e),
                    place: format!("sur la liste électorale (électeur n° {p})"),
                });
            }
            if let Some(first) = seen.insert(&e.cnbf, position) {
                errors.push(ValidationError::ExternalCandidateDuplicate {
                    position,
                    person: PersonRef::of(e),
                    place: format!("parmi les candidats d'autres barreaux (n° {first})"),
                });
            }
        }
    }

    fn check_contest_with_roll(
        &self,
        contest: &Contest,
        roll: &Roll,
        errors: &mut Vec<ValidationError>,
    ) {
        let counts = roll.counts();
        let voters = counts.voters;
        let threshold_count = counts.inscrits_and_honoraires();
        // Conseil: size (art. 4) and candidacy kind (art. 5).
        if let ContestKind::ConseilDeLOrdre { seats, .. } = contest.kind {
            match conseil_size(voters, roll.is_paris()) {
                None => errors.push(ValidationError::NoConseil {
                    contest: contest.id.clone(),
                    voters,
                }),
                Some(size) => {
                    let per = if threshold_count > 30 { 2 } else { 1 };
                    let members = u64::from(seats) * per;
                    if members > u64::from(size) {
                        errors.push(ValidationError::SeatsExceedConseilSize {
                            contest: contest.id.clone(),
                            seats,
                            members,
                            size,
                            voters,
                        });
                    }
                }
            }
            let expected = contest.kind.expected_candidacy(threshold_count);
            for cand in &contest.candidacies {
                if cand.kind() != expected {
                    errors.push(wrong_kind(
                        contest,
                        cand,
                        expected,
                        kind_rule(&contest.kind, threshold_count),
                    ));
                }
            }
        }
        if let ContestKind::CnbOrdinal { .. } = contest.kind
            && let Err(error) = self.weight(contest, roll)
        {
            errors.push(ValidationError::Weight {
                contest: contest.id.clone(),
                error,
            });
        }
        let reference = self.january_first();
        for cand in &contest.candidacies {
            // Resolve every person; report the missing ones.
            let mut resolved: Vec<(&Cnbf, Option<&Elector>)> = Vec::new();
            for p in cand.persons() {
                let e = self.resolve(roll, contest, p);
                if e.is_none() {
                    errors.push(ValidationError::CandidateNotFound {
                        contest: contest.id.clone(),
                        candidacy: cand.id().to_string(),
                        cnbf: p.clone(),
                        looked_in: if contest.kind.is_cnb() {
                            "la liste électorale et des candidats d'autres barreaux"
                        } else {
                            "la liste électorale du barreau"
                        },
                    });
                }
                resolved.push((p, e));
            }
            let ctx = Ctx {
                contest,
                candidacy: cand,
                voters,
                reference,
            };
            match cand {
                Candidacy::Binome { .. } => {
                    if let [(_, Some(a)), (_, Some(b))] = resolved.as_slice() {
                        check_binome(&ctx, a, b, errors);
                    }
                }
                Candidacy::List { title, .. } => {
                    for (k, pair) in resolved.windows(2).enumerate() {
                        if let [(_, Some(prev)), (_, Some(cur))] = pair
                            && prev.sex == cur.sex
                        {
                            errors.push(ValidationError::ListNotAlternating {
                                contest: contest.id.clone(),
                                candidacy: cand.id().to_string(),
                                title: title.clone(),
                                position: k + 2,
                                person: PersonRef::of(cur),
                            });
                        }
                    }
                }
                _ => {}
            }
            for (idx, (_, e)) in resolved.iter().enumerate() {
                let Some(e) = e else { continue };
                let as_vice = matches!(cand, Candidacy::Batonnier { .. }) && idx == 1;
                ctx.check_eligibility(e, as_vice, errors);
            }
        }
    }

    /// Nobody in two candidacies of one contest, on two lists, or in both CNB colleges.
    fn check_across_contests(&self, roll: &Roll, errors: &mut Vec<ValidationError>) {
        let person = |contest: &Contest, cnbf: &Cnbf| match self.resolve(roll, contest, cnbf) {
            Some(e) => PersonRef::of(e),
            None => PersonRef {
                cnbf: cnbf.clone(),
                name: "(inconnu)".into(),
            },
        };
        // Within each contest.
        for contest in &self.contests {
            let mut first_seen: HashMap<&Cnbf, &str> = HashMap::new();
            for cand in &contest.candidacies {
                let mut here = HashSet::new();
                for p in cand.persons() {
                    if !here.insert(p) {
                        continue; // reported by PersonTwiceInCandidacy
                    }
                    if let Some(first) = first_seen.get(p) {
                        let e = if matches!(contest.kind, ContestKind::CnbGeneral { .. }) {
                            ValidationError::CandidateOnTwoLists {
                                person: person(contest, p),
                                first: format!("{}/{}", contest.id, first),
                                second: format!("{}/{}", contest.id, cand.id()),
                            }
                        } else {
                            ValidationError::CandidateInTwoCandidacies {
                                contest: contest.id.clone(),
                                person: person(contest, p),
                                first: first.to_string(),
                                second: cand.id().to_string(),
                            }
                        };
                        errors.push(e);
                    } else {
                        first_seen.insert(p, cand.id());
                    }
                }
            }
        }
        // Across CNB colleges (art. 26). Women's and men's ordinal scrutins cannot share a person
        // (the sex check refuses it), so the first ordinal contest found is enough.
        let mut ordinal: HashMap<&Cnbf, &str> = HashMap::new();
        for c in &self.contests {
            if matches!(c.kind, ContestKind::CnbOrdinal { .. }) {
                for cand in &c.candidacies {
                    for p in cand.persons() {
                        ordinal.entry(p).or_insert(&c.id);
                    }
                }
            }
        }
        for c in &self.contests {
            if matches!(c.kind, ContestKind::CnbGeneral { .. }) {
                let mut reported = HashSet::new();
                for cand in &c.candidacies {
                    for p in cand.persons() {
                        if let Some(o) = ordinal.get(p)
                            && reported.insert(p)
                        {
                            errors.push(ValidationError::CandidateInTwoColleges {
                                person: person(c, p),
                                ordinal: o.to_string(),
                                general: c.id.clone(),
                            });
                        }
                    }
                }
            }
        }
    }
}

fn check_circonscription(
    contest: &Contest,
    circonscription: Circonscription,
    barreau: &str,
    barreau_circonscription: Circonscription,
    errors: &mut Vec<ValidationError>,
) {
    if circonscription != barreau_circonscription {
        errors.push(ValidationError::WrongCirconscription {
            contest: contest.id.clone(),
            contest_circonscription: circonscription,
            barreau: barreau.to_string(),
            barreau_circonscription,
        });
    }
}

fn wrong_kind(
    contest: &Contest,
    cand: &Candidacy,
    expected: CandidacyKind,
    rule: String,
) -> ValidationError {
    ValidationError::WrongCandidacyKind {
        contest: contest.id.clone(),
        candidacy: cand.id().to_string(),
        expected: expected.label(),
        found: cand.kind().label(),
        rule,
    }
}

/// The rule fixing the candidacy kind of a contest, quoted.
fn kind_rule(kind: &ContestKind, inscrits_and_honoraires: u64) -> String {
    match kind {
        ContestKind::Batonnier { .. } => "l'élection du bâtonnier se fait sur candidature au \
            bâtonnat, « présentée conjointement » le cas échéant avec un vice-bâtonnier (décret art. 6)"
            .into(),
        ContestKind::ConseilDeLOrdre { .. } if inscrits_and_honoraires > 30 => format!(
            "{inscrits_and_honoraires} avocats inscrits et honoraires, plus de trente : « les \
             candidatures aux fonctions de membre du conseil de l'ordre sont présentées en \
             binômes » (décret art. 5 II)"
        ),
        ContestKind::ConseilDeLOrdre { .. } => format!(
            "{inscrits_and_honoraires} avocats inscrits et honoraires, trente au plus : scrutin \
             uninominal, candidatures individuelles (décret art. 5 I ; loi n°71-1130 art. 15)"
        ),
        ContestKind::CnbOrdinal { .. } => "« Les déclarations de candidature, individuelles pour \
            le collège ordinal » (décret art. 26)"
            .into(),
        ContestKind::CnbGeneral { .. } => "« et par listes pour le collège général » (décret \
            art. 26)"
            .into(),
    }
}

fn check_binome(ctx: &Ctx<'_>, a: &Elector, b: &Elector, errors: &mut Vec<ValidationError>) {
    if a.sex == b.sex {
        errors.push(ValidationError::BinomeNotMixed {
            contest: ctx.contest.id.clone(),
            candidacy: ctx.candidacy.id().to_string(),
            first: PersonRef::of(a),
            second: PersonRef::of(b),
            sex: match a.sex {
                Sex::F => "féminin",
                Sex::M => "masculin",
            },
        });
    }
    if collation::compare_names(&a.nom, &a.prenom, &b.nom, &b.prenom) == Ordering::Greater {
        errors.push(ValidationError::BinomeNotAlphabetical {
            contest: ctx.contest.id.clone(),
            candidacy: ctx.candidacy.id().to_string(),
            first: PersonRef::of(a),
            second: PersonRef::of(b),
        });
    }
}

/// What the eligibility checks of one candidacy need.
struct Ctx<'a> {
    contest: &'a Contest,
    candidacy: &'a Candidacy,
    /// Avocats disposant du droit de vote in the barreau.
    voters: u64,
    /// 1 January of the election year.
    reference: Date,
}

impl Ctx<'_> {
    fn ids(&self) -> (String, String) {
        (self.contest.id.clone(), self.candidacy.id().to_string())
    }

    fn check_eligibility(&self, e: &Elector, as_vice: bool, errors: &mut Vec<ValidationError>) {
        let (contest, candidacy) = self.ids();
        let person = PersonRef::of(e);
        match self.contest.kind {
            ContestKind::Batonnier { .. } | ContestKind::ConseilDeLOrdre { .. } => {
                if !e.is_inscrit() {
                    errors.push(ValidationError::NotInscrit {
                        contest,
                        candidacy,
                        person,
                        status: e.status.label(),
                        rule: RULE_ART_8,
                    });
                    return;
                }
                // Art. 9: more than four years since the oath on 1 January.
                if self.voters > 16 {
                    let limit = four_years_before(self.reference);
                    if e.oath_date >= limit {
                        errors.push(ValidationError::OathTooRecent {
                            contest: contest.clone(),
                            candidacy: candidacy.clone(),
                            person: person.clone(),
                            oath: format_date(e.oath_date),
                            limit: format_date(limit),
                            voters: self.voters,
                        });
                    }
                }
                self.check_reeligibility(e, as_vice, errors);
            }
            ContestKind::CnbOrdinal { sex, .. } => {
                if !e.is_inscrit() {
                    errors.push(ValidationError::NotInscrit {
                        contest,
                        candidacy,
                        person,
                        status: e.status.label(),
                        rule: RULE_ART_22,
                    });
                    return;
                }
                if !e.has_ordinal_quality() {
                    errors.push(ValidationError::NoOrdinalQuality {
                        contest: contest.clone(),
                        candidacy: candidacy.clone(),
                        person: person.clone(),
                    });
                }
                if e.sex != sex {
                    errors.push(ValidationError::OrdinalWrongSex {
                        contest: contest.clone(),
                        candidacy: candidacy.clone(),
                        person: person.clone(),
                        person_sex: e.sex,
                        contest_sex: sex,
                    });
                }
                self.check_cnb_circonscription(e, errors);
            }
            ContestKind::CnbGeneral { .. } => {
                if !e.is_inscrit() {
                    errors.push(ValidationError::NotInscrit {
                        contest,
                        candidacy,
                        person,
                        status: e.status.label(),
                        rule: RULE_ART_23,
                    });
                    return;
                }
                if e.inscription_date > self.reference {
                    errors.push(ValidationError::NotInscritOnJanuaryFirst {
                        contest: contest.clone(),
                        candidacy: candidacy.clone(),
                        person: person.clone(),
                        inscription: format_date(e.inscription_date),
                        reference: format_date(self.reference),
                    });
                }
                self.check_cnb_circonscription(e, errors);
            }
        }
    }

    fn check_cnb_circonscription(&self, e: &Elector, errors: &mut Vec<ValidationError>) {
        let circonscription = match self.contest.kind {
            ContestKind::CnbOrdinal {
                circonscription, ..
            }
            | ContestKind::CnbGeneral {
                circonscription, ..
            } => circonscription,
            _ => return,
        };
        if Circonscription::of_barreau(&e.barreau) != circonscription {
            let (contest, candidacy) = self.ids();
            errors.push(ValidationError::CandidateOutsideCirconscription {
                contest,
                candidacy,
                person: PersonRef::of(e),
                barreau: e.barreau.clone(),
                circonscription,
            });
        }
    }

    /// Art. 5 (conseil) and art. 6 (bâtonnier, vice-bâtonnier), as far as the roll records the
    /// current function and its successive mandates.
    fn check_reeligibility(&self, e: &Elector, as_vice: bool, errors: &mut Vec<ValidationError>) {
        let (contest, candidacy) = self.ids();
        let person = PersonRef::of(e);
        match self.contest.kind {
            ContestKind::ConseilDeLOrdre { .. } => {
                if e.function == OrdinalFunction::MembreDuConseil
                    && let Some(m) = e.successive_mandates
                    && m >= 2
                    && !e
                        .former_functions
                        .contains(&FormerFunction::AncienBatonnier)
                {
                    errors.push(ValidationError::ConseilMemberNotReeligible {
                        contest,
                        candidacy,
                        person,
                        mandates: m,
                        delay: if self.voters < 16 {
                            "un an"
                        } else {
                            "deux ans"
                        },
                    });
                }
            }
            ContestKind::Batonnier { .. }
                if as_vice && e.function == OrdinalFunction::ViceBatonnier =>
            {
                errors.push(ValidationError::ViceBatonnierNotReeligible {
                    contest,
                    candidacy,
                    person,
                });
            }
            ContestKind::Batonnier { .. }
                if !as_vice && e.function == OrdinalFunction::Batonnier =>
            {
                if self.voters > 30 {
                    errors.push(ValidationError::BatonnierNotReeligible {
                        contest,
                        candidacy,
                        person,
                        voters: self.voters,
                    });
                } else if let Some(m) = e.successive_mandates
                    && m >= 2
                {
                    errors.push(ValidationError::BatonnierTooManyMandates {
                        contest,
                        candidacy,
                        person,
                        mandates: m,
                    });
                }
            }
            _ => {}
        }
    }
}

/// 1 January four years before `reference` (a 1 January): an oath on or after it is not « depuis
/// plus de quatre ans ».
fn four_years_before(reference: Date) -> Date {
    reference
        .replace_year(reference.year() - 4)
        .unwrap_or(reference)
}

#[cfg(test)]
#[path = "validation_tests.rs"]
mod tests;

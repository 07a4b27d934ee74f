//! The election's result: inputs, computation and recomputation (see [`super`]).

use super::board_figures::{BoardFigures, CloseInfo};
use crate::board::{Genesis, canonical_json};
use crate::encoding::Hash32;
use crate::model::{Candidacy as ModelCandidacy, Cnbf, Contest, ContestKind, Election, Sex};
use crate::pv::paper::{PaperError, PaperRecord};
use crate::rules::common::{Candidacy, Circonscription, Day, Figures, Person, Sexe, fr};
use crate::rules::counts_file::{ContestResult, CountsError, CountsFile};
use crate::rules::method_batonnier::BatonnierCounts;
use crate::rules::method_cnb_general::GeneralCounts;
use crate::rules::method_cnb_ordinal::OrdinalCounts;
use crate::rules::method_conseil::ConseilCounts;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// `format` of the result JSON.
pub const RESULT_FORMAT: &str = "urne-result-1";

/// One contest's decrypted internet counts (the crypto core's decryption, plan D1): voices per
/// option (weighted) and the weighted blank count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InternetCounts {
    /// Contest index.
    pub contest: u32,
    /// Ballots summed in the tally for this contest.
    pub ballots: u64,
    /// Their total weight.
    pub weight: u64,
    /// Voices per option, in candidacy order.
    pub options: Vec<u64>,
    /// Voices of the blank ballots.
    pub blank: u64,
}

/// What the bureau declares about one candidacy: its printed label and its persons with the
/// dates the décret's tie-breaks use (from the tableau; the genesis holds only CNBF numbers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredCandidacy {
    /// Candidacy id (definition).
    pub id: String,
    /// Printed label (« Me A. Martin et Me B. Durand »).
    pub label: String,
    /// Persons in the definition's order, with their dates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persons: Vec<Person>,
}

/// The declared candidacies of one contest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredContest {
    /// Contest id.
    pub contest: String,
    /// Its candidacies (any subset; the others keep the definition's label).
    pub candidacies: Vec<DeclaredCandidacy>,
}

/// What kind of incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    /// The vote opened less than 15 days after the codes were sent (décret, « quinze jours au
    /// moins avant la date du scrutin »), by a recorded decision of the ordre.
    Derogation15Jours,
    /// Any other incident the bureau records.
    Autre,
}

impl IncidentKind {
    /// French title for the PV.
    pub fn french(&self) -> &'static str {
        match self {
            IncidentKind::Derogation15Jours => {
                "Dérogation au délai de quinze jours entre l'envoi des codes et le scrutin"
            }
            IncidentKind::Autre => "Incident",
        }
    }
}

/// An incident or an override recorded in the PV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// Its kind.
    pub kind: IncidentKind,
    /// Date (AAAA-MM-JJ), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Day>,
    /// What happened and what was decided, with the reason.
    pub text: String,
}

/// The bureau's declarations carried in the result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declarations {
    /// Candidacy labels, persons and dates.
    #[serde(default)]
    pub candidates: Vec<DeclaredContest>,
    /// Incidents and overrides.
    #[serde(default)]
    pub incidents: Vec<Incident>,
}

/// The ballot box's own figures, as the PV prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardSummary {
    /// Credentials of the genesis (one per elector).
    pub credentials: u64,
    /// Ballots cast by internet.
    pub ballots: u64,
    /// Proxies registered.
    pub proxies: u64,
    /// Codes reissued.
    pub reissues: u64,
    /// The close.
    pub close: Option<CloseInfo>,
}

/// One channel's figures for a contest (internet or paper), in ballots: `votes` counts the
/// ballots marking each candidacy (voices = ballots × the contest's weight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelFigures {
    /// Ballots.
    pub votants: u64,
    /// Of which cast by proxy.
    pub procurations: u64,
    /// Blank ballots.
    pub blancs: u64,
    /// Void ballots (0 by internet).
    pub nuls: u64,
    /// Ballots marking each candidacy, by id.
    pub votes: BTreeMap<String, u64>,
}

/// One contest of the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContestOutcome {
    /// Index in the definition (ballot order).
    pub index: u32,
    /// Contest id.
    pub id: String,
    /// French label (« bâtonnier, premier tour »).
    pub label: String,
    /// Electors with a right in the contest.
    pub inscrits: u64,
    /// Voices each ballot carries (1, except the CNB collège ordinal of the national
    /// circonscription).
    pub weight: u64,
    /// Internet figures.
    pub internet: ChannelFigures,
    /// Paper figures (sum of the paper records), if any.
    pub paper: Option<ChannelFigures>,
    /// The rule's input, in the counts-file form (`urne-tally count` re-runs it).
    pub counts: CountsFile,
    /// The rule's result.
    pub result: ContestResult,
}

/// The election's result: the JSON of the `Result` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionResult {
    /// [`RESULT_FORMAT`].
    pub format: String,
    /// The election fingerprint.
    pub fingerprint: Hash32,
    /// The barreau.
    pub barreau: String,
    /// Campaign id.
    pub campaign_id: String,
    /// Election id.
    pub election_id: String,
    /// Round of the genesis (1 or 2).
    pub round: u8,
    /// Opening (unix seconds).
    pub opening: u64,
    /// Closing time of the genesis (unix seconds).
    pub closing: u64,
    /// The ballot box's figures.
    pub board: BoardSummary,
    /// Every contest, in definition order.
    pub contests: Vec<ContestOutcome>,
    /// The paper records merged, as signed.
    pub paper: Vec<PaperRecord>,
    /// The bureau's declarations.
    pub declarations: Declarations,
}

/// Why the result cannot be computed, or differs from the one recomputed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CountError {
    /// A paper record is refused.
    #[error(transparent)]
    Paper(#[from] PaperError),
    /// A counting rule refuses the figures of a contest.
    #[error("scrutin « {contest} » : {error}")]
    Rule {
        /// Contest id.
        contest: String,
        /// The rule's error; its field is a path into the contest's `counts`.
        error: CountsError,
    },
    /// The inputs do not fit together (tally vs board, declarations vs definition…).
    #[error("{0}")]
    Inconsistent(String),
    /// A published result differs from the recomputed one.
    #[error(
        "résultat publié différent du résultat recalculé, à {path} : recalculé {expected}, publié {found}"
    )]
    Mismatch {
        /// JSON path of the first difference (`$.contests[0].internet.blancs`).
        path: String,
        /// Recomputed value.
        expected: String,
        /// Published value.
        found: String,
    },
    /// The JSON cannot be read or written.
    #[error("JSON du résultat : {0}")]
    Json(String),
}

fn inconsistent(m: impl Into<String>) -> CountError {
    CountError::Inconsistent(m.into())
}

impl ElectionResult {
    /// The canonical JSON bytes (the `Result` event's payload).
    pub fn to_canonical_json(&self) -> Result<Vec<u8>, CountError> {
        canonical_json(self).map_err(|e| CountError::Json(e.to_string()))
    }

    /// Parses result JSON (canonical or not); errors name the field.
    pub fn from_json(bytes: &[u8]) -> Result<Self, CountError> {
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        let r: ElectionResult = serde_path_to_error::deserialize(de)
            .map_err(|e| CountError::Json(format!("{} : {}", e.path(), e.inner())))?;
        if r.format != RESULT_FORMAT {
            return Err(CountError::Json(format!(
                "format « {} » (« {RESULT_FORMAT} » attendu)",
                r.format
            )));
        }
        Ok(r)
    }

    /// The outcome of the contest with this id.
    pub fn contest(&self, id: &str) -> Option<&ContestOutcome> {
        self.contests.iter().find(|c| c.id == id)
    }
}

fn circonscription(c: crate::model::Circonscription) -> Circonscription {
    match c {
        crate::model::Circonscription::Paris => Circonscription::Paris,
        crate::model::Circonscription::Nationale => Circonscription::National,
    }
}

fn sexe(s: Sex) -> Sexe {
    match s {
        Sex::F => Sexe::Femmes,
        Sex::M => Sexe::Hommes,
    }
}

/// Label and persons of a candidacy when the bureau declared nothing: list titles, and names and
/// dates of CNB candidates of other barreaux; otherwise the CNBF numbers.
fn default_label(election: &Election, c: &ModelCandidacy) -> (String, Vec<Person>) {
    let persons: Vec<Person> = c
        .persons()
        .into_iter()
        .filter_map(|n| election.candidate_record(n))
        .map(|e| Person {
            name: format!("Me {} {}", e.prenom, e.nom),
            inscription: Some(Day(e.inscription_date)),
            birth: Some(Day(e.birth_date)),
        })
        .collect();
    let numbers = |v: Vec<&Cnbf>| {
        v.iter()
            .map(|n| format!("CNBF {n}"))
            .collect::<Vec<_>>()
            .join(" et ")
    };
    let all_known = persons.len() == c.persons().len();
    let label = match c {
        ModelCandidacy::List { title, .. } => title.clone(),
        _ if all_known && !persons.is_empty() => persons
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
            .join(" et "),
        _ => format!("{} ({})", c.id(), numbers(c.persons())),
    };
    (label, if all_known { persons } else { vec![] })
}

fn check_declarations(election: &Election, d: &Declarations) -> Result<(), CountError> {
    for (k, dc) in d.candidates.iter().enumerate() {
        let contest = election.contest(&dc.contest).ok_or_else(|| {
            inconsistent(format!(
                "déclaration des candidatures, candidates[{k}] : scrutin « {} » inconnu de l'élection",
                dc.contest
            ))
        })?;
        for (i, c) in dc.candidacies.iter().enumerate() {
            let path = format!("candidates[{k}].candidacies[{i}]");
            let def = contest.candidacy(&c.id).ok_or_else(|| {
                inconsistent(format!(
                    "déclaration des candidatures, {path} : candidature « {} » inconnue du scrutin « {} »",
                    c.id, dc.contest
                ))
            })?;
            if dc.candidacies[..i].iter().any(|o| o.id == c.id) {
                return Err(inconsistent(format!(
                    "déclaration des candidatures, {path} : candidature « {} » déclarée deux fois",
                    c.id
                )));
            }
            if c.label.trim().is_empty() {
                return Err(inconsistent(format!(
                    "déclaration des candidatures, {path}.label : libellé vide"
                )));
            }
            let n = def.persons().len();
            if !c.persons.is_empty() && c.persons.len() != n {
                return Err(inconsistent(format!(
                    "déclaration des candidatures, {path}.persons : {} personnes déclarées, la candidature en compte {n}",
                    c.persons.len()
                )));
            }
        }
    }
    for (k, i) in d.incidents.iter().enumerate() {
        if i.text.trim().is_empty() {
            return Err(inconsistent(format!(
                "déclaration des incidents, incidents[{k}].text : texte vide"
            )));
        }
    }
    Ok(())
}

/// A declared candidacy's dates must be the sealed ones (genesis `candidate_records`).
fn check_declared_dates(
    contest: &str,
    candidacy: &str,
    declared: &[Person],
    sealed: &[Person],
) -> Result<(), CountError> {
    for (i, (d, s)) in declared.iter().zip(sealed).enumerate() {
        for (what, dv, sv) in [
            ("date d'inscription", d.inscription, s.inscription),
            ("date de naissance", d.birth, s.birth),
        ] {
            if dv.is_some() && dv != sv {
                return Err(inconsistent(format!(
                    "déclaration des candidatures, scrutin « {contest} », candidature « {candidacy} », personne {} ({}) : {what} {} déclarée, {} dans la genèse scellée",
                    i + 1,
                    s.name,
                    dv.map(|x| x.french()).unwrap_or_default(),
                    sv.map(|x| x.french()).unwrap_or_default(),
                )));
            }
        }
    }
    Ok(())
}

/// Exact division of voices by the contest's weight (ballots = voices / weight).
fn ballots_of(voices: u64, weight: u64, what: &str) -> Result<u64, CountError> {
    if weight == 0 || !voices.is_multiple_of(weight) {
        return Err(inconsistent(format!(
            "{what} : {} voix ne sont pas un multiple du poids {weight} de chaque bulletin",
            fr(voices)
        )));
    }
    Ok(voices / weight)
}

fn add(a: u64, b: u64, what: &str) -> Result<u64, CountError> {
    a.checked_add(b)
        .ok_or_else(|| inconsistent(format!("{what} : total supérieur à 2^64")))
}

fn mul(a: u64, b: u64, what: &str) -> Result<u64, CountError> {
    a.checked_mul(b)
        .ok_or_else(|| inconsistent(format!("{what} : total supérieur à 2^64")))
}

fn count_contest(
    election: &Election,
    index: usize,
    contest: &Contest,
    board: &BoardFigures,
    internet: &[InternetCounts],
    paper: &[PaperRecord],
    declarations: &Declarations,
) -> Result<ContestOutcome, CountError> {
    let id = &contest.id;
    let cb = board
        .contests
        .get(index)
        .ok_or_else(|| inconsistent(format!("scrutin « {id} » absent des chiffres de l'urne")))?;
    let n = contest.candidacies.len();
    let ic = match internet.iter().find(|c| c.contest as usize == index) {
        Some(c) => c.clone(),
        // A contest nobody voted in may be absent from the tally: all zero.
        None if cb.ballots == 0 => InternetCounts {
            contest: index as u32,
            ballots: 0,
            weight: 0,
            options: vec![0; n],
            blank: 0,
        },
        None => {
            return Err(inconsistent(format!(
                "scrutin « {id} » : {} bulletins dans l'urne mais aucun décompte déchiffré",
                fr(cb.ballots)
            )));
        }
    };
    if ic.ballots != cb.ballots || ic.weight != cb.weight {
        return Err(inconsistent(format!(
            "scrutin « {id} » : le dépouillement déchiffré compte {} bulletins ({} voix), l'urne {} ({} voix)",
            fr(ic.ballots),
            fr(ic.weight),
            fr(cb.ballots),
            fr(cb.weight)
        )));
    }
    if ic.options.len() != n {
        return Err(inconsistent(format!(
            "scrutin « {id} » : {} options déchiffrées pour {n} candidatures",
            ic.options.len()
        )));
    }
    let weight = match cb.weights.len() {
        0 => 1,
        1 => cb.weights.iter().copied().next().unwrap_or(1),
        _ => {
            return Err(inconsistent(format!(
                "scrutin « {id} » : les bulletins portent des nombres de voix différents ({:?}) ; un scrutin n'a qu'un poids par barreau",
                cb.weights
            )));
        }
    };
    let is_ordinal = matches!(contest.kind, ContestKind::CnbOrdinal { .. });
    if weight != 1 && !is_ordinal {
        return Err(inconsistent(format!(
            "scrutin « {id} » : {weight} voix par bulletin ; seul le collège ordinal du CNB est pondéré"
        )));
    }
    let ids: Vec<String> = contest
        .candidacies
        .iter()
        .map(|c| c.id().to_owned())
        .collect();
    let mut internet_votes = BTreeMap::new();
    for (k, cid) in ids.iter().enumerate() {
        internet_votes.insert(
            cid.clone(),
            ballots_of(
                ic.options[k],
                weight,
                &format!("scrutin « {id} », « {cid} »"),
            )?,
        );
    }
    let internet_fig = ChannelFigures {
        votants: cb.ballots,
        procurations: cb.proxy_ballots,
        blancs: ballots_of(ic.blank, weight, &format!("scrutin « {id} », blancs"))?,
        nuls: 0,
        votes: internet_votes,
    };
    let mut paper_fig: Option<ChannelFigures> = None;
    for r in paper {
        for pc in r.contests.iter().filter(|pc| &pc.contest == id) {
            let f = paper_fig.get_or_insert_with(|| ChannelFigures {
                votants: 0,
                procurations: 0,
                blancs: 0,
                nuls: 0,
                votes: ids.iter().map(|i| (i.clone(), 0)).collect(),
            });
            let what = format!("scrutin « {id} », vote papier");
            f.votants = add(f.votants, pc.votants, &what)?;
            f.procurations = add(f.procurations, pc.procurations, &what)?;
            f.blancs = add(f.blancs, pc.blancs, &what)?;
            f.nuls = add(f.nuls, pc.nuls, &what)?;
            for (cid, v) in &pc.votes {
                let slot = f.votes.entry(cid.clone()).or_insert(0);
                *slot = add(*slot, *v, &what)?;
            }
        }
    }
    let zero = ChannelFigures {
        votants: 0,
        procurations: 0,
        blancs: 0,
        nuls: 0,
        votes: BTreeMap::new(),
    };
    let p = paper_fig.as_ref().unwrap_or(&zero);
    let what = format!("scrutin « {id} »");
    let votants = add(internet_fig.votants, p.votants, &what)?;
    let figures = Figures {
        inscrits: Some(cb.inscrits),
        votants,
        blancs: Some(add(internet_fig.blancs, p.blancs, &what)?),
        nuls: Some(p.nuls),
        blancs_et_nuls: None,
    };
    let declared = declarations.candidates.iter().find(|d| &d.contest == id);
    let mut candidacies = Vec::with_capacity(n);
    for c in &contest.candidacies {
        let ballots = add(
            internet_fig.votes.get(c.id()).copied().unwrap_or(0),
            p.votes.get(c.id()).copied().unwrap_or(0),
            &what,
        )?;
        let (sealed_label, sealed) = default_label(election, c);
        let (label, persons) =
            match declared.and_then(|d| d.candidacies.iter().find(|k| k.id == c.id())) {
                // The sealed tableau dates decide the tie-breaks; a declaration may name the
                // candidacy but not contradict them.
                Some(d) if !sealed.is_empty() => {
                    check_declared_dates(id, c.id(), &d.persons, &sealed)?;
                    (d.label.clone(), sealed)
                }
                Some(d) => (d.label.clone(), d.persons.clone()),
                None => (sealed_label, sealed),
            };
        candidacies.push(Candidacy {
            id: c.id().to_owned(),
            label,
            persons,
            votes: if is_ordinal {
                mul(ballots, weight, &what)?
            } else {
                ballots
            },
        });
    }
    let mut counts = CountsFile {
        title: Some(format!("{} — {}", election.barreau, contest.kind.label())),
        source: Some(format!("Urne, élection « {} »", election.election_id)),
        ..CountsFile::default()
    };
    match contest.kind {
        ContestKind::Batonnier { round } => {
            counts.batonnier = Some(BatonnierCounts {
                round: round.into(),
                figures,
                candidacies,
            });
        }
        ContestKind::ConseilDeLOrdre { round, seats } => {
            counts.conseil = Some(ConseilCounts {
                round: round.into(),
                seats,
                binomes: contest
                    .candidacies
                    .iter()
                    .any(|c| matches!(c, ModelCandidacy::Binome { .. })),
                figures,
                candidacies,
            });
        }
        ContestKind::CnbOrdinal {
            circonscription: c,
            sex,
            seats,
            ..
        } => {
            let exprimes = votants
                .checked_sub(figures.blancs.unwrap_or(0).saturating_add(p.nuls))
                .ok_or_else(|| {
                    inconsistent(format!("{what} : plus de blancs et nuls que de votants"))
                })?;
            counts.cnb_ordinal = Some(OrdinalCounts {
                circonscription: circonscription(c),
                sexe: sexe(sex),
                seats,
                figures,
                voix_exprimees: mul(exprimes, weight, &what)?,
                candidacies,
            });
        }
        ContestKind::CnbGeneral {
            circonscription: c,
            seats,
        } => {
            counts.cnb_general = Some(GeneralCounts {
                circonscription: circonscription(c),
                seats,
                figures,
                lists: candidacies,
            });
        }
    }
    let counted = counts.count().map_err(|error| CountError::Rule {
        contest: id.clone(),
        error,
    })?;
    Ok(ContestOutcome {
        index: index as u32,
        id: id.clone(),
        label: contest.kind.label(),
        inscrits: cb.inscrits,
        weight,
        internet: internet_fig,
        paper: paper_fig,
        counts,
        result: counted.result,
    })
}

/// Computes the election's result.
///
/// `genesis` and `election` (its definition) give the contests and the bureau; `board` the
/// figures of the ballot box; `internet` the decrypted counts of every contest; `paper` the signed
/// paper records (each verified here); `declarations` the bureau's labels, dates and incidents.
pub fn compute(
    fingerprint: Hash32,
    genesis: &Genesis,
    election: &Election,
    board: &BoardFigures,
    internet: &[InternetCounts],
    paper: Vec<PaperRecord>,
    declarations: Declarations,
) -> Result<ElectionResult, CountError> {
    check_declarations(election, &declarations)?;
    for r in &paper {
        r.verify(&fingerprint, &genesis.bureau, election)?;
    }
    for (k, r) in paper.iter().enumerate() {
        if paper[..k].iter().any(|o| o.station == r.station) {
            return Err(inconsistent(format!(
                "deux procès-verbaux papier du bureau de vote « {} »",
                r.station
            )));
        }
    }
    for c in internet {
        if c.contest as usize >= election.contests.len() {
            return Err(inconsistent(format!(
                "décompte déchiffré d'un scrutin n°{} que l'élection n'a pas",
                c.contest
            )));
        }
    }
    let contests = election
        .contests
        .iter()
        .enumerate()
        .map(|(i, c)| count_contest(election, i, c, board, internet, &paper, &declarations))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ElectionResult {
        format: RESULT_FORMAT.into(),
        fingerprint,
        barreau: election.barreau.clone(),
        campaign_id: genesis.campaign_id.clone(),
        election_id: genesis.election_id.clone(),
        round: genesis.round,
        opening: genesis.opening,
        closing: genesis.closing,
        board: BoardSummary {
            credentials: board.credentials,
            ballots: board.ballots,
            proxies: board.proxies,
            reissues: board.reissues,
            close: board.close.clone(),
        },
        contests,
        paper,
        declarations,
    })
}

/// The first place where two JSON values differ: `(path, left, right)`.
pub fn first_difference(a: &Value, b: &Value, path: &str) -> Option<(String, String, String)> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => {
                        if let Some(d) = first_difference(u, v, &p) {
                            return Some(d);
                        }
                    }
                    (u, v) => {
                        let show =
                            |o: Option<&Value>| o.map_or("absent".to_owned(), |v| v.to_string());
                        return Some((p, show(u), show(v)));
                    }
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                if let Some(d) = first_difference(u, v, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| {
                (
                    format!("{path}.length"),
                    x.len().to_string(),
                    y.len().to_string(),
                )
            })
        }
        _ => (a != b).then(|| (path.to_owned(), a.to_string(), b.to_string())),
    }
}

/// Recomputes a published result (the `Result` event's JSON) from the archive's figures and the
/// decrypted counts, with the paper records and declarations it carries, and checks it is the
/// same document byte for byte. Returns the result.
pub fn check_result(
    json: &[u8],
    fingerprint: Hash32,
    genesis: &Genesis,
    election: &Election,
    board: &BoardFigures,
    internet: &[InternetCounts],
) -> Result<ElectionResult, CountError> {
    let published = ElectionResult::from_json(json)?;
    let recomputed = compute(
        fingerprint,
        genesis,
        election,
        board,
        internet,
        published.paper.clone(),
        published.declarations.clone(),
    )?;
    let bytes = recomputed.to_canonical_json()?;
    if bytes != json {
        let a = serde_json::to_value(&recomputed).map_err(|e| CountError::Json(e.to_string()))?;
        let b: Value = serde_json::from_slice(json).map_err(|e| CountError::Json(e.to_string()))?;
        let (path, expected, found) = first_difference(&a, &b, "$").unwrap_or((
            "$".into(),
            "JSON canonique".into(),
            "JSON non canonique".into(),
        ));
        return Err(CountError::Mismatch {
            path,
            expected,
            found,
        });
    }
    Ok(recomputed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::ContestBoard;
    use crate::pv::paper::tests::record;
    use crate::pv::signature::tests::{bureau, election, keys};
    use std::collections::BTreeSet;

    fn genesis(k: &[ed25519_dalek::SigningKey]) -> Genesis {
        let e = election(k);
        Genesis {
            protocol_version: 1,
            campaign_id: e.campaign_id.clone(),
            election_id: e.election_id.clone(),
            round: 1,
            definition: canonical_json(&e).unwrap(),
            credentials: vec![],
            credential_root: Hash32::default(),
            bureau: bureau(k),
            election_public_key: [0; 32],
            ordre_public_key: bureau(k).batonnier,
            server_public_key: bureau(k).batonnier,
            opening: 1,
            closing: 2,
            server_build: Hash32::default(),
        }
    }

    fn board(ballots: u64) -> BoardFigures {
        BoardFigures {
            credentials: 30,
            ballots,
            proxies: 1,
            reissues: 0,
            contests: vec![ContestBoard {
                contest: 0,
                inscrits: 30,
                ballots,
                weight: ballots,
                proxy_ballots: 1,
                weights: BTreeSet::from([1]),
            }],
            close: None,
        }
    }

    fn internet() -> Vec<InternetCounts> {
        vec![InternetCounts {
            contest: 0,
            ballots: 12,
            weight: 12,
            options: vec![7, 3],
            blank: 2,
        }]
    }

    #[test]
    fn internet_and_paper_figures_add_up_in_the_rule_s_input() {
        let k = keys();
        let fp = Hash32([3; 32]);
        let mut paper = record(fp);
        paper.sign(0, &k[0]);
        let r = compute(
            fp,
            &genesis(&k),
            &election(&k),
            &board(12),
            &internet(),
            vec![paper],
            Declarations::default(),
        )
        .unwrap();
        let c = &r.contests[0];
        let b = c.counts.batonnier.as_ref().unwrap();
        assert_eq!(b.figures.votants, 22);
        assert_eq!(b.figures.blancs, Some(3));
        assert_eq!(b.figures.nuls, Some(1));
        assert_eq!(b.candidacies[0].votes, 12);
        assert_eq!(b.candidacies[1].votes, 6);
        assert_eq!(c.paper.as_ref().unwrap().procurations, 1);
        assert_eq!(c.internet.procurations, 1);
        assert_eq!(b.candidacies[0].label, "T1 (CNBF 11111)");
    }

    #[test]
    fn a_published_result_is_recomputed_and_a_changed_figure_is_located() {
        let k = keys();
        let fp = Hash32([3; 32]);
        let decl = Declarations {
            candidates: vec![DeclaredContest {
                contest: "batonnier".into(),
                candidacies: vec![DeclaredCandidacy {
                    id: "T2".into(),
                    label: "Me Zoé Martin".into(),
                    persons: vec![],
                }],
            }],
            incidents: vec![],
        };
        let r = compute(
            fp,
            &genesis(&k),
            &election(&k),
            &board(12),
            &internet(),
            vec![],
            decl,
        )
        .unwrap();
        let json = r.to_canonical_json().unwrap();
        let back = check_result(
            &json,
            fp,
            &genesis(&k),
            &election(&k),
            &board(12),
            &internet(),
        )
        .unwrap();
        assert_eq!(back, r);
        let mut forged = r.clone();
        forged.contests[0].internet.blancs = 1;
        let bad = forged.to_canonical_json().unwrap();
        match check_result(
            &bad,
            fp,
            &genesis(&k),
            &election(&k),
            &board(12),
            &internet(),
        ) {
            Err(CountError::Mismatch {
                path,
                expected,
                found,
            }) => {
                assert_eq!(path, "$.contests[0].internet.blancs");
                assert_eq!((expected.as_str(), found.as_str()), ("2", "1"));
            }
            other => panic!("{other:?}"),
        }
    }

    /// The definition with the candidates' tableau entries sealed, as the server builds it.
    fn sealed_election(k: &[ed25519_dalek::SigningKey]) -> Election {
        use crate::model::elector::tests::avocat;
        use crate::model::{Roll, Sex};
        let mut a = avocat("11111", "Martin", "Zoé", Sex::F);
        a.email = Some("zoe@example.invalid".into());
        a.postal_address = Some("1 rue du Palais".into());
        let b = avocat("22222", "Durand", "Yves", Sex::M);
        let roll = Roll::new("Valence", vec![a, b]).unwrap();
        election(k).with_candidate_records(&roll)
    }

    #[test]
    fn the_sealed_candidate_records_name_the_candidates_and_give_the_tie_break_dates() {
        let k = keys();
        let e = sealed_election(&k);
        assert_eq!(e.candidate_records.len(), 2);
        assert!(
            e.candidate_records
                .iter()
                .all(|r| r.email.is_none() && r.postal_address.is_none()),
            "the genesis is public: no e-mail or address"
        );
        let r = compute(
            Hash32([3; 32]),
            &genesis(&k),
            &e,
            &board(12),
            &internet(),
            vec![],
            Declarations::default(),
        )
        .unwrap();
        let b = r.contests[0].counts.batonnier.as_ref().unwrap();
        assert_eq!(b.candidacies[0].label, "Me Zoé Martin");
        let p = &b.candidacies[0].persons[0];
        assert!(p.inscription.is_some() && p.birth.is_some());
    }

    #[test]
    fn a_declaration_contradicting_the_sealed_dates_is_refused() {
        let k = keys();
        let e = sealed_election(&k);
        let decl = Declarations {
            candidates: vec![DeclaredContest {
                contest: "batonnier".into(),
                candidacies: vec![DeclaredCandidacy {
                    id: "T1".into(),
                    label: "Me Zoé Martin".into(),
                    persons: vec![Person {
                        name: "Me Zoé Martin".into(),
                        inscription: None,
                        birth: Some(Day::parse("1930-01-01").unwrap()),
                    }],
                }],
            }],
            incidents: vec![],
        };
        let err = compute(
            Hash32([3; 32]),
            &genesis(&k),
            &e,
            &board(12),
            &internet(),
            vec![],
            decl,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("candidature « T1 »")
                && err.contains("date de naissance 01/01/1930 déclarée"),
            "{err}"
        );
        assert!(err.contains("dans la genèse scellée"), "{err}");
    }

    #[test]
    fn a_decrypted_tally_that_disagrees_with_the_board_is_refused() {
        let k = keys();
        let e = compute(
            Hash32([3; 32]),
            &genesis(&k),
            &election(&k),
            &board(13),
            &internet(),
            vec![],
            Declarations::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("le dépouillement déchiffré compte 12 bulletins"),
            "{e}"
        );
    }

    #[test]
    fn a_declaration_of_an_unknown_candidacy_is_refused() {
        let k = keys();
        let decl = Declarations {
            candidates: vec![DeclaredContest {
                contest: "batonnier".into(),
                candidacies: vec![DeclaredCandidacy {
                    id: "T9".into(),
                    label: "X".into(),
                    persons: vec![],
                }],
            }],
            incidents: vec![],
        };
        let e = compute(
            Hash32([3; 32]),
            &genesis(&k),
            &election(&k),
            &board(12),
            &internet(),
            vec![],
            decl,
        )
        .unwrap_err();
        assert!(e.to_string().contains("candidature « T9 » inconnue"), "{e}");
    }
}

//! What every counting rule shares: the ballot figures (inscrits, votants, blancs, nuls,
//! exprimés), candidacies with the dates the décret's tie-breaks need, exact rationals, the
//! tie-break procedure and the records it leaves for the procès-verbal, and the error type.
//!
//! Every input type here is also part of the counts file (`docs/counts-file.md`): field names
//! are the file's keys, and [`RuleError::field`] is a path into that file
//! (`candidacies[2].votes`).

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;
use time::macros::format_description;

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// A calendar day (date of inscription au tableau, date of birth).
///
/// Written `AAAA-MM-JJ`: as a string in JSON and TOML, or as a TOML local date
/// (`birth = 1961-04-12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub Date);

impl Day {
    /// Parses `AAAA-MM-JJ`.
    pub fn parse(text: &str) -> Result<Self, String> {
        Date::parse(text, format_description!("[year]-[month]-[day]"))
            .map(Day)
            .map_err(|e| format!("date « {text} » invalide (attendu AAAA-MM-JJ) : {e}"))
    }

    /// The French display form `JJ/MM/AAAA` used in reports.
    pub fn french(&self) -> String {
        format!(
            "{:02}/{:02}/{:04}",
            self.0.day(),
            u8::from(self.0.month()),
            self.0.year()
        )
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DayVisitor;
        impl<'de> serde::de::Visitor<'de> for DayVisitor {
            type Value = Day;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("une date AAAA-MM-JJ")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Day, E> {
                Day::parse(v).map_err(E::custom)
            }
            // A TOML local date (`1961-04-12` without quotes) arrives as the toml crate's
            // private datetime map; accept it only when it is a date without time or offset.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Day, A::Error> {
                let dt = toml::value::Datetime::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                if dt.time.is_some() || dt.offset.is_some() {
                    return Err(serde::de::Error::custom(format!(
                        "« {dt} » : une date seule est attendue (AAAA-MM-JJ), sans heure"
                    )));
                }
                Day::parse(&dt.to_string()).map_err(serde::de::Error::custom)
            }
        }
        deserializer.deserialize_any(DayVisitor)
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// One person standing in a candidacy, with the two dates the décret's tie-breaks use.
///
/// The dates are optional: they are required only when a tie that the décret decides by them
/// actually arises (the error then names the missing field). This lets anyone check a published
/// result without knowing every candidate's birth date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Name as printed on the ballot.
    pub name: String,
    /// Date of inscription au tableau (« date d'inscription à un tableau »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inscription: Option<Day>,
    /// Date of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth: Option<Day>,
}

/// A candidacy and the suffrages it received.
///
/// `persons` is: for an individual candidacy, the candidate; for a binôme, its two members; for
/// a bâtonnier + vice-bâtonnier ticket, the candidate for bâtonnier first, then the vice-bâtonnier;
/// for a list of the collège général, its candidates in list order. It may be left empty when
/// no tie needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidacy {
    /// Identifier, unique within the contest.
    pub id: String,
    /// Label printed in the results (names, or the list's title).
    pub label: String,
    /// The persons of the candidacy (see above).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persons: Vec<Person>,
    /// Suffrages received (voices, for the weighted collège ordinal).
    pub votes: u64,
}

/// A candidacy without votes: what a contest (for instance a second round) is defined with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contestant {
    /// Identifier, unique within the contest.
    pub id: String,
    /// Label printed in the results.
    pub label: String,
    /// The persons of the candidacy, as in [`Candidacy::persons`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persons: Vec<Person>,
}

impl Contestant {
    /// This contestant with a number of suffrages.
    pub fn with_votes(&self, votes: u64) -> Candidacy {
        Candidacy {
            id: self.id.clone(),
            label: self.label.clone(),
            persons: self.persons.clone(),
            votes,
        }
    }
}

impl From<&Candidacy> for Contestant {
    fn from(c: &Candidacy) -> Self {
        Contestant {
            id: c.id.clone(),
            label: c.label.clone(),
            persons: c.persons.clone(),
        }
    }
}

/// The ballot figures of a scrutin, as the bureau counts them.
///
/// Blank and void ballots are given either separately (`blancs` and `nuls`, both required) or,
/// when a published source does not distinguish them, together (`blancs_et_nuls`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    /// Electors on the list (optional: a published result may not state it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inscrits: Option<u64>,
    /// Electors who voted (ballots cast).
    pub votants: u64,
    /// Blank ballots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blancs: Option<u64>,
    /// Void ballots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nuls: Option<u64>,
    /// Blank and void ballots together, when the source does not separate them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blancs_et_nuls: Option<u64>,
}

/// The checked figures the procès-verbal prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Electors on the list, if known.
    pub inscrits: Option<u64>,
    /// Ballots cast.
    pub votants: u64,
    /// `inscrits − votants`, if `inscrits` is known.
    pub abstentions: Option<u64>,
    /// Blank ballots, if given separately.
    pub blancs: Option<u64>,
    /// Void ballots, if given separately.
    pub nuls: Option<u64>,
    /// Blank plus void ballots.
    pub blancs_et_nuls: u64,
    /// Suffrages exprimés: `votants − blancs − nuls` (ballots, not marks).
    pub exprimes: u64,
}

impl Figures {
    /// Checks the figures against each other and derives the suffrages exprimés.
    ///
    /// `prefix` is the path of this `figures` table in the input (`"figures"`).
    pub fn summarize(&self, prefix: &str) -> Result<Summary, RuleError> {
        let blancs_et_nuls = match (self.blancs, self.nuls, self.blancs_et_nuls) {
            (Some(b), Some(n), None) => b.checked_add(n).ok_or_else(|| {
                RuleError::invalid(format!("{prefix}.nuls"), "blancs + nuls dépasse 2^64")
            })?,
            (None, None, Some(bn)) => bn,
            (_, _, Some(_)) => {
                return Err(RuleError::invalid(
                    format!("{prefix}.blancs_et_nuls"),
                    "donner soit « blancs » et « nuls », soit « blancs_et_nuls », pas les deux",
                ));
            }
            (None, _, None) => {
                return Err(RuleError::invalid(
                    format!("{prefix}.blancs"),
                    "champ manquant (ou donner « blancs_et_nuls »)",
                ));
            }
            (Some(_), None, None) => {
                return Err(RuleError::invalid(
                    format!("{prefix}.nuls"),
                    "champ manquant (indiquer 0 s'il n'y a aucun bulletin nul)",
                ));
            }
        };
        if let Some(inscrits) = self.inscrits
            && self.votants > inscrits
        {
            return Err(RuleError::invalid(
                format!("{prefix}.votants"),
                format!(
                    "{} votants pour {} inscrits",
                    fr(self.votants),
                    fr(inscrits)
                ),
            ));
        }
        let exprimes = self.votants.checked_sub(blancs_et_nuls).ok_or_else(|| {
            RuleError::invalid(
                format!(
                    "{prefix}.{}",
                    if self.blancs_et_nuls.is_some() {
                        "blancs_et_nuls"
                    } else {
                        "blancs"
                    }
                ),
                format!(
                    "{} bulletins blancs et nuls pour {} votants",
                    fr(blancs_et_nuls),
                    fr(self.votants)
                ),
            )
        })?;
        Ok(Summary {
            inscrits: self.inscrits,
            votants: self.votants,
            abstentions: self.inscrits.map(|i| i - self.votants),
            blancs: self.blancs,
            nuls: self.nuls,
            blancs_et_nuls,
            exprimes,
        })
    }
}

/// The two circonscriptions of the CNB elections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Circonscription {
    /// The barreau de Paris.
    Paris,
    /// Every other barreau.
    National,
}

impl Circonscription {
    /// French name for the PV.
    pub fn french(&self) -> &'static str {
        match self {
            Circonscription::Paris => "circonscription de Paris",
            Circonscription::National => "circonscription nationale",
        }
    }
}

/// The sex of the scrutin (« deux scrutins distincts sont organisés aux fins d'élection des
/// candidats de chaque sexe »).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sexe {
    /// Women's scrutin.
    Femmes,
    /// Men's scrutin.
    Hommes,
}

impl Sexe {
    /// French name for the PV.
    pub fn french(&self) -> &'static str {
        match self {
            Sexe::Femmes => "scrutin des candidates (femmes)",
            Sexe::Hommes => "scrutin des candidats (hommes)",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the rules
// ---------------------------------------------------------------------------------------------

/// Checks ids (present, unique) of a candidacy table named `table` (`"candidacies"`).
pub(crate) fn check_ids(table: &str, candidacies: &[Candidacy]) -> Result<(), RuleError> {
    for (i, c) in candidacies.iter().enumerate() {
        if c.id.trim().is_empty() {
            return Err(RuleError::invalid(
                format!("{table}[{i}].id"),
                "identifiant vide",
            ));
        }
        if let Some(first) = candidacies[..i].iter().position(|o| o.id == c.id) {
            return Err(RuleError::invalid(
                format!("{table}[{i}].id"),
                format!("identifiant « {} » déjà utilisé par {table}[{first}]", c.id),
            ));
        }
    }
    Ok(())
}

/// Checks that each candidacy received at most `cap` suffrages (`cap_name` says what `cap` is).
pub(crate) fn check_each_at_most(
    table: &str,
    candidacies: &[Candidacy],
    cap: u64,
    cap_name: &str,
) -> Result<(), RuleError> {
    for (i, c) in candidacies.iter().enumerate() {
        if c.votes > cap {
            return Err(RuleError::invalid(
                format!("{table}[{i}].votes"),
                format!(
                    "{} voix pour « {} », plus que les {} {cap_name}",
                    fr(c.votes),
                    c.label,
                    fr(cap)
                ),
            ));
        }
    }
    Ok(())
}

/// Sum of the candidacies' votes, checked against overflow.
pub(crate) fn total_votes(table: &str, candidacies: &[Candidacy]) -> Result<u64, RuleError> {
    candidacies.iter().try_fold(0u64, |acc, c| {
        acc.checked_add(c.votes).ok_or_else(|| {
            RuleError::invalid(table.to_string(), "somme des voix supérieure à 2^64")
        })
    })
}

/// For single-choice scrutins (bâtonnier, lists): the votes must add up to the exprimés.
pub(crate) fn check_single_choice_sum(
    prefix_figures: &str,
    table: &str,
    candidacies: &[Candidacy],
    summary: &Summary,
) -> Result<(), RuleError> {
    check_each_at_most(table, candidacies, summary.exprimes, "suffrages exprimés")?;
    let sum = total_votes(table, candidacies)?;
    if sum != summary.exprimes {
        return Err(RuleError::invalid(
            format!("{prefix_figures}.votants"),
            format!(
                "incohérence : somme des voix {} + blancs et nuls {} = {} ≠ {} votants",
                fr(sum),
                fr(summary.blancs_et_nuls),
                fr(u128::from(sum) + u128::from(summary.blancs_et_nuls)),
                fr(summary.votants)
            ),
        ));
    }
    Ok(())
}

/// For scrutins where a ballot marks up to `seats` candidacies: each candidacy at most `cap`
/// (one mark per ballot), and all marks at most `seats × cap`.
pub(crate) fn check_multi_choice_sum(
    table: &str,
    candidacies: &[Candidacy],
    seats: u32,
    cap: u64,
    cap_name: &str,
) -> Result<(), RuleError> {
    check_each_at_most(table, candidacies, cap, cap_name)?;
    let sum = total_votes(table, candidacies)?;
    let max = u128::from(cap) * u128::from(seats);
    if u128::from(sum) > max {
        return Err(RuleError::invalid(
            table.to_string(),
            format!(
                "incohérence : {} voix au total, plus que {} sièges × {} {cap_name} = {}",
                fr(sum),
                seats,
                fr(cap),
                fr(max)
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Exact rationals
// ---------------------------------------------------------------------------------------------

/// A non-negative rational `num / den`, compared exactly by cross-multiplication in `u128`.
///
/// Used for the electoral quotient and the averages of the plus forte moyenne; never converted
/// to floating point.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(try_from = "RatioRepr")]
pub struct Ratio {
    /// Numerator.
    pub num: u64,
    /// Denominator (never zero).
    pub den: u64,
}

/// The serialized form of a [`Ratio`], checked on the way in (a result read back from JSON
/// must not carry a zero denominator).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RatioRepr {
    num: u64,
    den: u64,
}

impl TryFrom<RatioRepr> for Ratio {
    type Error = String;
    fn try_from(r: RatioRepr) -> Result<Self, String> {
        if r.den == 0 {
            return Err("dénominateur nul".to_string());
        }
        Ok(Ratio {
            num: r.num,
            den: r.den,
        })
    }
}

impl Ratio {
    /// `num / den`. The rules only divide by seats + 1 or by a checked non-zero number of
    /// seats; a zero `den` is nevertheless replaced by 1 so that no value of this type can
    /// divide by zero.
    pub fn new(num: u64, den: u64) -> Self {
        Ratio {
            num,
            den: den.max(1),
        }
    }

    /// The integer part.
    pub fn floor(&self) -> u64 {
        self.num / self.den
    }

    /// Decimal display with two decimals, truncated, French style (`1 234,56`).
    pub fn french(&self) -> String {
        let scaled = u128::from(self.num) * 100 / u128::from(self.den);
        let int = scaled / 100;
        let frac = scaled % 100;
        if u128::from(self.num) * 100 % u128::from(self.den) == 0 && frac == 0 {
            fr(int)
        } else {
            format!("{},{:02}", fr(int), frac)
        }
    }

    /// Exact display `num/den` alongside the decimal one, for the PV.
    pub fn exact(&self) -> String {
        if self.den == 1 {
            fr(self.num)
        } else {
            format!("{}/{} ≈ {}", fr(self.num), self.den, self.french())
        }
    }
}

impl PartialEq for Ratio {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ratio {}
impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        (u128::from(self.num) * u128::from(other.den))
            .cmp(&(u128::from(other.num) * u128::from(self.den)))
    }
}

/// Formats an integer with spaces between thousands (`11 392`).
pub fn fr(n: impl Into<u128>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// `part / whole` as a percentage with two decimals, rounded half up, for display only
/// (`62,59 %`). Nothing decides on it.
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "—".to_string();
    }
    let hundredths = (u128::from(part) * 20_000 + u128::from(whole)) / (2 * u128::from(whole));
    format!("{},{:02} %", fr(hundredths / 100), hundredths % 100)
}

/// The smallest integer `v` with `v / whole ≥ pct / 100`, i.e. `⌈pct × whole / 100⌉`.
pub fn min_votes_for_percent(pct: u64, whole: u64) -> u64 {
    let need = u128::from(pct) * u128::from(whole);
    let v = need.div_ceil(100);
    u64::try_from(v).unwrap_or(u64::MAX)
}

/// The number of votes needed for the absolute majority of `exprimes`: the smallest `v` with
/// `2v > exprimes`.
pub fn absolute_majority(exprimes: u64) -> u64 {
    exprimes / 2 + 1
}

// ---------------------------------------------------------------------------------------------
// Results shared by the rules
// ---------------------------------------------------------------------------------------------

/// What became of a candidacy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Elected (« élu »).
    Elected,
    /// Admitted to the second round (bâtonnier).
    SecondRound,
    /// Not elected.
    NotElected,
    /// List below the 7 % threshold (collège général).
    BelowThreshold,
}

impl Status {
    /// The French word printed in the PV.
    pub fn french(&self) -> &'static str {
        match self {
            Status::Elected => "élu",
            Status::SecondRound => "admis au second tour",
            Status::NotElected => "non élu",
            Status::BelowThreshold => "sous le seuil de 7 %",
        }
    }
}

/// One line of a ranking: a candidacy, its suffrages and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// Candidacy id.
    pub id: String,
    /// Candidacy label.
    pub label: String,
    /// Suffrages received.
    pub votes: u64,
    /// Share of the suffrages exprimés (or voix exprimées), display only.
    pub percent: String,
    /// Whether the candidacy reached the absolute majority (round-1 majority scrutins only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub majority: Option<bool>,
    /// Outcome.
    pub status: Status,
}

/// The criterion that separated the tied candidacies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Oldest date of inscription au tableau.
    Inscription,
    /// Oldest candidate (earliest date of birth).
    Age,
}

impl Criterion {
    /// French wording for the PV.
    pub fn french(&self) -> &'static str {
        match self {
            Criterion::Inscription => "date d'inscription au tableau la plus ancienne",
            Criterion::Age => "candidat le plus âgé",
        }
    }
}

/// A tied candidacy as the tie-break saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TiedCandidacy {
    /// Candidacy id.
    pub id: String,
    /// Candidacy label.
    pub label: String,
    /// The person whose dates were compared (for a binôme: the member with the oldest
    /// inscription, or the oldest member when ages decided).
    pub person: Option<String>,
    /// The inscription date used, if inscription was a criterion.
    pub inscription: Option<Day>,
    /// The birth date used, if age was a criterion.
    pub birth: Option<Day>,
}

/// A tie that arose and how it was broken, for the procès-verbal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tie {
    /// What was at stake, in French (`« dernier siège à pourvoir »`).
    pub stake: String,
    /// The tied figure, in French (`« 412 voix »`, `« moyenne 1 234/3 »`).
    pub figure: String,
    /// Places awarded among the tied candidacies.
    pub places: usize,
    /// The tied candidacies, in the order the tie-break put them (winners first).
    pub order: Vec<TiedCandidacy>,
    /// Ids of the candidacies that won the places.
    pub winners: Vec<String>,
    /// The criterion that separated the last winner from the first loser.
    pub decided_by: Criterion,
    /// The décret passage applied, quoted.
    pub rule: String,
}

// ---------------------------------------------------------------------------------------------
// Tie-break
// ---------------------------------------------------------------------------------------------

/// Which of the décret's tie-breaks applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TieBreak {
    /// Bâtonnier: « le candidat le plus âgé » (the candidate for bâtonnier, `persons[0]`).
    OldestCandidate,
    /// Conseil de l'ordre and collège ordinal: oldest inscription, then oldest age, over all the
    /// persons of the candidacy (both members of a binôme).
    InscriptionThenAge,
    /// Collège général: the list's candidate who would be proclaimed elected, `persons[rank]`
    /// where `rank` is the number of seats the list already holds; oldest inscription, then age.
    ListCandidate,
}

/// The data a tie-break reads from one tied candidacy.
pub(crate) struct TieInput<'a> {
    /// Index in the input table.
    pub index: usize,
    /// The candidacy.
    pub candidacy: &'a Candidacy,
    /// For [`TieBreak::ListCandidate`]: seats already held.
    pub rank: usize,
}

struct Keyed<'a> {
    input: &'a TieInput<'a>,
    inscription: Option<(Day, String)>,
    birth: Option<(Day, String)>,
}

/// The persons of a candidacy a tie-break considers, with their paths.
fn considered<'a>(
    table: &str,
    rule: TieBreak,
    t: &'a TieInput<'a>,
    stake: &str,
) -> Result<Vec<(String, &'a Person)>, RuleError> {
    let base = format!("{table}[{}].persons", t.index);
    let pick = |k: usize| -> Result<Vec<(String, &'a Person)>, RuleError> {
        t.candidacy
            .persons
            .get(k)
            .map(|p| vec![(format!("{base}[{k}]"), p)])
            .ok_or_else(|| {
                RuleError::missing(
                    format!("{base}[{k}]"),
                    format!(
                        "le candidat n°{} de « {} » (nom et dates) est requis pour départager l'égalité ({stake})",
                        k + 1,
                        t.candidacy.label
                    ),
                )
            })
    };
    match rule {
        TieBreak::OldestCandidate => pick(0),
        TieBreak::ListCandidate => pick(t.rank),
        TieBreak::InscriptionThenAge => {
            if t.candidacy.persons.is_empty() {
                return Err(RuleError::missing(
                    base,
                    format!(
                        "les candidats de « {} » (nom et dates) sont requis pour départager l'égalité ({stake})",
                        t.candidacy.label
                    ),
                ));
            }
            Ok(t.candidacy
                .persons
                .iter()
                .enumerate()
                .map(|(k, p)| (format!("{base}[{k}]"), p))
                .collect())
        }
    }
}

/// The earliest of a date over the considered persons; every one must have it.
fn earliest(
    persons: &[(String, &Person)],
    get: fn(&Person) -> Option<Day>,
    field: &str,
    what: &str,
    stake: &str,
) -> Result<(Day, String), RuleError> {
    let mut best: Option<(Day, String)> = None;
    for (path, p) in persons {
        let d = get(p).ok_or_else(|| {
            RuleError::missing(
                format!("{path}.{field}"),
                format!(
                    "{what} de {} requise pour départager l'égalité ({stake})",
                    p.name
                ),
            )
        })?;
        if best.as_ref().is_none_or(|(b, _)| d < *b) {
            best = Some((d, p.name.clone()));
        }
    }
    best.ok_or_else(|| RuleError::missing(field.to_string(), format!("{what} requise ({stake})")))
}

/// Orders tied candidacies by the décret's criteria and awards `places` of them.
///
/// Dates are read only as far as the tie needs: inscription dates of every tied candidacy, then
/// birth dates only of those still tied at the boundary between winners and losers. A tie the
/// criteria cannot break (same dates) is an error: the décret provides no further criterion.
pub(crate) fn break_tie(
    table: &str,
    rule: TieBreak,
    tied: &[TieInput<'_>],
    places: usize,
    stake: &str,
    figure: String,
    rule_text: &str,
) -> Result<(Vec<usize>, Tie), RuleError> {
    let mut keyed: Vec<Keyed<'_>> = tied
        .iter()
        .map(|t| Keyed {
            input: t,
            inscription: None,
            birth: None,
        })
        .collect();
    let uses_inscription = rule != TieBreak::OldestCandidate;
    let mut decided_by = Criterion::Age;

    // First criterion: inscription (not for the bâtonnier).
    let mut boundary_group: Vec<usize> = (0..keyed.len()).collect();
    if uses_inscription {
        for k in keyed.iter_mut() {
            let persons = considered(table, rule, k.input, stake)?;
            k.inscription = Some(earliest(
                &persons,
                |p| p.inscription,
                "inscription",
                "date d'inscription au tableau",
                stake,
            )?);
        }
        keyed.sort_by(|a, b| {
            a.inscription
                .as_ref()
                .map(|x| x.0)
                .cmp(&b.inscription.as_ref().map(|x| x.0))
        });
        let last_in = keyed[places - 1].inscription.as_ref().map(|x| x.0);
        let first_out = keyed[places].inscription.as_ref().map(|x| x.0);
        if last_in != first_out {
            decided_by = Criterion::Inscription;
            boundary_group.clear();
        } else {
            boundary_group = (0..keyed.len())
                .filter(|&i| keyed[i].inscription.as_ref().map(|x| x.0) == last_in)
                .collect();
        }
    }

    // Second criterion: age, among those still tied at the boundary.
    if !boundary_group.is_empty() {
        for &i in &boundary_group {
            let persons = considered(table, rule, keyed[i].input, stake)?;
            keyed[i].birth = Some(earliest(
                &persons,
                |p| p.birth,
                "birth",
                "date de naissance",
                stake,
            )?);
        }
        let lo = boundary_group[0];
        let hi = boundary_group[boundary_group.len() - 1] + 1;
        keyed[lo..hi].sort_by(|a, b| {
            a.birth
                .as_ref()
                .map(|x| x.0)
                .cmp(&b.birth.as_ref().map(|x| x.0))
        });
        let last_in = keyed[places - 1].birth.as_ref().map(|x| x.0);
        let first_out = keyed[places].birth.as_ref().map(|x| x.0);
        if last_in == first_out {
            let names: Vec<String> = keyed[lo..hi]
                .iter()
                .map(|k| format!("« {} »", k.input.candidacy.label))
                .collect();
            return Err(RuleError {
                field: format!("{table}[{}]", keyed[places].input.index),
                kind: RuleErrorKind::UnresolvedTie,
                message: format!(
                    "égalité ({stake}) entre {} que les critères du décret (inscription au tableau, âge) ne départagent pas : la décision relève du bureau, hors d'Urne",
                    names.join(", ")
                ),
            });
        }
    }

    let order: Vec<TiedCandidacy> = keyed
        .iter()
        .map(|k| TiedCandidacy {
            id: k.input.candidacy.id.clone(),
            label: k.input.candidacy.label.clone(),
            person: k
                .birth
                .as_ref()
                .or(k.inscription.as_ref())
                .map(|x| x.1.clone()),
            inscription: k.inscription.as_ref().map(|x| x.0),
            birth: k.birth.as_ref().map(|x| x.0),
        })
        .collect();
    let indices: Vec<usize> = keyed.iter().map(|k| k.input.index).collect();
    let winners = order[..places].iter().map(|t| t.id.clone()).collect();
    Ok((
        indices,
        Tie {
            stake: stake.to_string(),
            figure,
            places,
            order,
            winners,
            decided_by,
            rule: rule_text.to_string(),
        },
    ))
}

/// Ranks `indices` by `score` (highest first) and awards `places` of them; if the boundary falls
/// inside a group of equal scores, that group is ordered by [`break_tie`].
///
/// Returns the full ranking (winners first, in order) and the tie, if one decided a place.
#[allow(clippy::too_many_arguments)]
pub(crate) fn select_top<S: Ord + Copy>(
    table: &str,
    candidacies: &[Candidacy],
    indices: &[usize],
    score: impl Fn(usize) -> S,
    rank: impl Fn(usize) -> usize,
    places: usize,
    rule: TieBreak,
    stake: &str,
    figure: impl Fn(S) -> String,
    rule_text: &str,
) -> Result<(Vec<usize>, Option<Tie>), RuleError> {
    let mut order: Vec<usize> = indices.to_vec();
    // Stable: equal scores keep input order unless a tie-break reorders them.
    order.sort_by_key(|&i| std::cmp::Reverse(score(i)));
    if places == 0 || order.len() <= places {
        return Ok((order, None));
    }
    let boundary = score(order[places - 1]);
    if score(order[places]) != boundary {
        return Ok((order, None));
    }
    let lo = order
        .iter()
        .position(|&i| score(i) == boundary)
        .unwrap_or(places - 1);
    let hi = order
        .iter()
        .rposition(|&i| score(i) == boundary)
        .map_or(places, |p| p + 1);
    let tied: Vec<TieInput<'_>> = order[lo..hi]
        .iter()
        .map(|&i| TieInput {
            index: i,
            candidacy: &candidacies[i],
            rank: rank(i),
        })
        .collect();
    let (sorted, tie) = break_tie(
        table,
        rule,
        &tied,
        places - lo,
        stake,
        figure(boundary),
        rule_text,
    )?;
    order.splice(lo..hi, sorted);
    Ok((order, Some(tie)))
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// What kind of problem a [`RuleError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleErrorKind {
    /// The counts are malformed or inconsistent.
    Invalid,
    /// A tie arose and a date (or the persons of a candidacy) needed to break it is missing.
    MissingTieData,
    /// A tie arose that the décret's criteria cannot break.
    UnresolvedTie,
}

/// An error in the counts, naming the field (a path into the counts file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field} : {message}")]
pub struct RuleError {
    /// Path of the offending field, e.g. `candidacies[2].votes`.
    pub field: String,
    /// What kind of problem.
    pub kind: RuleErrorKind,
    /// French explanation for the bureau.
    pub message: String,
}

impl RuleError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        RuleError {
            field: field.into(),
            kind: RuleErrorKind::Invalid,
            message: message.into(),
        }
    }

    pub(crate) fn missing(field: impl Into<String>, message: impl Into<String>) -> Self {
        RuleError {
            field: field.into(),
            kind: RuleErrorKind::MissingTieData,
            message: message.into(),
        }
    }

    /// The same error with its field path placed under `prefix` (`"batonnier"` makes
    /// `candidacies[1].votes` into `batonnier.candidacies[1].votes`).
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn day(s: &str) -> Option<Day> {
        Some(Day::parse(s).unwrap())
    }

    pub(crate) fn person(name: &str, inscription: &str, birth: &str) -> Person {
        Person {
            name: name.to_string(),
            inscription: if inscription.is_empty() {
                None
            } else {
                day(inscription)
            },
            birth: if birth.is_empty() { None } else { day(birth) },
        }
    }

    pub(crate) fn cand(id: &str, votes: u64, persons: Vec<Person>) -> Candidacy {
        Candidacy {
            id: id.to_string(),
            label: format!("Candidature {id}"),
            persons,
            votes,
        }
    }

    pub(crate) fn figures(inscrits: Option<u64>, votants: u64, blancs: u64, nuls: u64) -> Figures {
        Figures {
            inscrits,
            votants,
            blancs: Some(blancs),
            nuls: Some(nuls),
            blancs_et_nuls: None,
        }
    }

    #[test]
    fn exprimes_are_votants_minus_blancs_and_nuls() {
        let s = figures(Some(100), 80, 3, 2).summarize("figures").unwrap();
        assert_eq!(s.exprimes, 75);
        assert_eq!(s.blancs_et_nuls, 5);
        assert_eq!(s.abstentions, Some(20));
    }

    #[test]
    fn more_votants_than_inscrits_is_an_error_naming_votants() {
        let e = figures(Some(10), 11, 0, 0)
            .summarize("figures")
            .unwrap_err();
        assert_eq!(e.field, "figures.votants");
    }

    #[test]
    fn more_blancs_than_votants_is_an_error_naming_blancs() {
        let e = figures(None, 5, 4, 2).summarize("figures").unwrap_err();
        assert_eq!(e.field, "figures.blancs");
    }

    #[test]
    fn blancs_and_nuls_together_exclude_the_separate_fields() {
        let mut f = figures(None, 5, 1, 0);
        f.blancs_et_nuls = Some(1);
        assert_eq!(
            f.summarize("figures").unwrap_err().field,
            "figures.blancs_et_nuls"
        );
        f.blancs = None;
        f.nuls = None;
        assert_eq!(f.summarize("figures").unwrap().exprimes, 4);
    }

    #[test]
    fn a_missing_nuls_field_is_named() {
        let mut f = figures(None, 5, 1, 0);
        f.nuls = None;
        assert_eq!(f.summarize("figures").unwrap_err().field, "figures.nuls");
    }

    #[test]
    fn ratios_compare_exactly_without_floating_point() {
        // 1/3 vs 333333333333333333/1000000000000000000: floats would call them equal-ish.
        let third = Ratio::new(1, 3);
        let close = Ratio::new(333_333_333_333_333_333, 1_000_000_000_000_000_000);
        assert!(third > close);
        assert_eq!(Ratio::new(2, 4), Ratio::new(1, 2));
        assert!(Ratio::new(u64::MAX, u64::MAX - 1) < Ratio::new(u64::MAX - 1, u64::MAX - 2));
    }

    #[test]
    fn a_ratio_with_a_zero_denominator_is_not_read_back() {
        assert!(serde_json::from_str::<Ratio>(r#"{"num":1,"den":0}"#).is_err());
        let r: Ratio = serde_json::from_str(r#"{"num":3,"den":2}"#).unwrap();
        assert_eq!(r.french(), "1,50");
    }

    #[test]
    fn numbers_are_printed_with_thousands_separated() {
        assert_eq!(fr(11_392u64), "11 392");
        assert_eq!(fr(999u64), "999");
        assert_eq!(fr(1_000_000u64), "1 000 000");
        assert_eq!(percent(6996, 11178), "62,59 %");
        assert_eq!(Ratio::new(10, 4).french(), "2,50");
        assert_eq!(Ratio::new(8, 4).french(), "2");
    }

    #[test]
    fn the_absolute_majority_is_more_than_half_of_the_exprimes() {
        assert_eq!(absolute_majority(2332), 1167);
        assert_eq!(absolute_majority(2333), 1167);
        assert_eq!(absolute_majority(0), 1);
    }

    #[test]
    fn seven_percent_needs_the_rounded_up_number_of_votes() {
        assert_eq!(min_votes_for_percent(7, 100), 7);
        assert_eq!(min_votes_for_percent(7, 101), 8);
        assert_eq!(min_votes_for_percent(7, 12345), 865);
    }

    #[test]
    fn dates_read_from_toml_native_dates_and_strings() {
        #[derive(Deserialize)]
        struct T {
            a: Day,
            b: Day,
        }
        let t: T = toml::from_str("a = 1961-04-12\nb = \"1970-01-02\"").unwrap();
        assert_eq!(t.a.to_string(), "1961-04-12");
        assert_eq!(t.b.french(), "02/01/1970");
        assert!(toml::from_str::<T>("a = 1961-04-12T10:00:00\nb = \"1970-01-02\"").is_err());
        assert!(toml::from_str::<T>("a = \"1961-13-12\"\nb = \"1970-01-02\"").is_err());
    }
}

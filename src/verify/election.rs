//! What the verifier derives from the genesis and checks there (docs/protocol.md §Verifying an
//! election, steps 3–6): the election definition and its consistency with the genesis, the
//! contests' shapes, the bureau's key generation transcript and the election key, the credential
//! list's rights and weights (décret art. 25), and the inscrits of every contest.

use super::report::{CheckId, ContestFigures, Failure, Text};
use crate::board::{Genesis, PublicKey};
use crate::ceremony::Ceremony;
use crate::crypto::ballot::{ContestShape, ElectionParams};
use crate::crypto::dkg::{BureauKeys, DkgTranscript};
use crate::encoding::Hash32;
use crate::model::{Circonscription, ContestKind, Election, ordinal_weight};

/// What the genesis gives the rest of the verification.
#[derive(Debug, Clone)]
pub struct ElectionContext {
    /// The election definition (the genesis's `definition`).
    pub definition: Election,
    /// The ballot parameters: fingerprint, election key, contest shapes.
    pub params: ElectionParams,
    /// The bureau's keys, from the verified DKG transcript.
    pub keys: BureauKeys,
}

/// The shape of every contest of a definition, in ballot order: [`Election::ballot_shapes`].
pub fn contest_shapes(definition: &Election) -> Result<Vec<ContestShape>, (usize, String)> {
    definition.ballot_shapes()
}

fn genesis_failure(code: &'static str, fr: String, en: String) -> Failure {
    let mut f = Failure::new(CheckId::Genesis, code, Text::new(fr, en)).at(0);
    f.event = Some("Genesis");
    f
}

/// Reads the definition and checks it against the genesis fields it repeats.
fn definition(genesis: &Genesis) -> Result<Election, Failure> {
    let def: Election = serde_json::from_slice(&genesis.definition).map_err(|e| {
        genesis_failure(
            "genesis.definition",
            format!("la définition de l'élection de la genèse est illisible : {e}"),
            format!("the election definition in the genesis is unreadable: {e}"),
        )
    })?;
    let mismatch = |field: &str, expected: String, found: String| {
        genesis_failure(
            "genesis.inconsistent",
            format!("la définition de l'élection et la genèse diffèrent : {field}"),
            format!("the election definition and the genesis differ: {field}"),
        )
        .expected(expected, found)
    };
    if def.campaign_id != genesis.campaign_id {
        return Err(mismatch(
            "campaign_id",
            genesis.campaign_id.clone(),
            def.campaign_id.clone(),
        ));
    }
    if def.election_id != genesis.election_id {
        return Err(mismatch(
            "election_id",
            genesis.election_id.clone(),
            def.election_id.clone(),
        ));
    }
    let opening = u64::try_from(def.opening.unix_timestamp()).unwrap_or(0);
    if opening != genesis.opening {
        return Err(mismatch(
            "opening",
            genesis.opening.to_string(),
            opening.to_string(),
        ));
    }
    let closing = u64::try_from(def.closing.unix_timestamp()).unwrap_or(0);
    if closing != genesis.closing {
        return Err(mismatch(
            "closing",
            genesis.closing.to_string(),
            closing.to_string(),
        ));
    }
    if def.bureau.batonnier.public_key.0 != genesis.bureau.batonnier.0 {
        return Err(mismatch(
            "bureau.batonnier",
            genesis.bureau.batonnier.to_hex(),
            def.bureau.batonnier.public_key.to_hex(),
        ));
    }
    let def_scr: Vec<[u8; 32]> = def
        .bureau
        .scrutateurs
        .iter()
        .map(|s| s.public_key.0)
        .collect();
    let gen_scr: Vec<[u8; 32]> = genesis.bureau.scrutateurs.iter().map(|s| s.0).collect();
    if def_scr != gen_scr {
        let hex = |v: &[[u8; 32]]| {
            v.iter()
                .map(|k| PublicKey(*k).to_hex())
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(mismatch("bureau.scrutateurs", hex(&gen_scr), hex(&def_scr)));
    }
    if def.bureau.threshold != genesis.bureau.threshold {
        return Err(mismatch(
            "bureau.threshold",
            genesis.bureau.threshold.to_string(),
            def.bureau.threshold.to_string(),
        ));
    }
    for c in &def.contests {
        if let Some(round) = c.kind.round()
            && u8::from(round) != genesis.round
        {
            return Err(mismatch(
                &format!("contests[{}].round", c.id),
                genesis.round.to_string(),
                u8::from(round).to_string(),
            ));
        }
    }
    Ok(def)
}

fn dkg_failure(code: &'static str, fr: String, en: String) -> Failure {
    let mut f = Failure::new(CheckId::Dkg, code, Text::new(fr, en)).at(0);
    f.event = Some("Genesis");
    f
}

/// Replays the key ceremony and checks that it is the ceremony of this election's bureau
/// (`ceremony::Ceremony::of_election`: its id binds every proof to the barreau, the campaign, the
/// election and the bureau's members and keys) and gives the genesis's bureau and election key.
fn bureau_keys(genesis: &Genesis, definition: &Election) -> Result<BureauKeys, Failure> {
    let transcript = DkgTranscript::decode(&genesis.bureau.dkg_transcript).map_err(|e| {
        dkg_failure(
            "dkg.decode",
            format!("transcription de la génération de clé illisible : {e}"),
            format!("unreadable key generation transcript: {e}"),
        )
    })?;
    let ceremony = Ceremony::of_election(definition).params().map_err(|e| {
        dkg_failure(
            "dkg.ceremony",
            format!("cérémonie des clés de la définition impossible : {e}"),
            format!("the definition's key ceremony is impossible: {e}"),
        )
    })?;
    if transcript.params != ceremony {
        return Err(dkg_failure(
            "dkg.ceremony",
            "la génération de clé n'est pas la cérémonie du bureau de cette élection".into(),
            "the key generation is not the ceremony of this election's bureau".into(),
        )
        .expected(
            format!(
                "{} ({} sur {})",
                ceremony.ceremony, ceremony.threshold, ceremony.scrutateurs
            ),
            format!(
                "{} ({} sur {})",
                transcript.params.ceremony,
                transcript.params.threshold,
                transcript.params.scrutateurs
            ),
        ));
    }
    let keys = transcript.verify().map_err(|e| {
        dkg_failure(
            "dkg.transcript",
            format!("transcription de la génération de clé invalide : {e}"),
            format!("invalid key generation transcript: {e}"),
        )
    })?;
    let n = genesis.bureau.scrutateurs.len();
    if keys.threshold != genesis.bureau.threshold || keys.scrutateurs.len() != n {
        return Err(dkg_failure(
            "dkg.bureau",
            "la génération de clé ne correspond pas au bureau de la genèse (nombre de scrutateurs ou seuil)".into(),
            "the key generation does not match the genesis's bureau (number of scrutateurs or threshold)".into(),
        )
        .expected(
            format!("{n} scrutateurs, seuil {}", genesis.bureau.threshold),
            format!("{} scrutateurs, seuil {}", keys.scrutateurs.len(), keys.threshold),
        ));
    }
    let derived = keys.election_key().0.compress().to_bytes();
    if derived != genesis.election_public_key {
        return Err(dkg_failure(
            "dkg.election_key",
            "la clé de l'élection de la genèse n'est pas celle que donne la génération de clé du bureau".into(),
            "the genesis's election key is not the one the bureau's key generation gives".into(),
        )
        .expected(
            crate::encoding::hex(&derived),
            crate::encoding::hex(&genesis.election_public_key),
        ));
    }
    Ok(keys)
}

fn credentials_failure(code: &'static str, pk: PublicKey, fr: String, en: String) -> Failure {
    let mut f = Failure::new(CheckId::Credentials, code, Text::new(fr, en)).at(0);
    f.event = Some("Genesis");
    f.credential = Some(pk);
    f
}

/// Checks every right of the credential list against the definition and returns the inscrits of
/// every contest: a right names a contest of the definition; its weight is 1, except in the CNB
/// collège ordinal of the national circonscription (art. 25), where every elector carries the
/// same number of voices in both scrutins, equal to the declared quotient when the definition
/// declares the figures.
fn credential_rights(genesis: &Genesis, def: &Election) -> Result<Vec<ContestFigures>, Failure> {
    let n = def.contests.len();
    let mut figures: Vec<ContestFigures> = (0..n)
        .map(|c| ContestFigures {
            contest: c as u32,
            ..ContestFigures::default()
        })
        .collect();
    // The national ordinal weight, once seen (or declared).
    let mut ordinal: Option<u64> = None;
    for c in &def.contests {
        if let ContestKind::CnbOrdinal {
            circonscription: Circonscription::Nationale,
            weight_basis: Some(b),
            ..
        } = c.kind
            && let Ok(w) = ordinal_weight(
                &def.barreau,
                Circonscription::Nationale,
                b.voters_on_january_first,
                b.ordinal_electors,
            )
        {
            ordinal = Some(w);
        }
    }
    for (i, cred) in genesis.credentials.iter().enumerate() {
        for r in &cred.rights {
            let Some(contest) = def.contests.get(r.contest as usize) else {
                return Err(credentials_failure(
                    "credentials.contest",
                    cred.public_key,
                    format!(
                        "identifiant n°{i} : droit de vote au scrutin {} inexistant ({n} scrutins)",
                        r.contest
                    ),
                    format!(
                        "credential #{i}: right to vote in contest {}, which does not exist ({n} contests)",
                        r.contest
                    ),
                ));
            };
            let weighted = matches!(
                contest.kind,
                ContestKind::CnbOrdinal {
                    circonscription: Circonscription::Nationale,
                    ..
                }
            );
            if weighted {
                match ordinal {
                    Some(w) if w != r.weight => {
                        let mut f = credentials_failure(
                            "credentials.weight",
                            cred.public_key,
                            format!(
                                "identifiant n°{i}, scrutin {} : {} voix, alors que chaque électeur du collège ordinal dispose de {w} voix (décret art. 25)",
                                r.contest, r.weight
                            ),
                            format!(
                                "credential #{i}, contest {}: {} voices, whereas every elector of the collège ordinal has {w} (décret art. 25)",
                                r.contest, r.weight
                            ),
                        )
                        .expected(w, r.weight);
                        f.contest = Some(r.contest);
                        return Err(f);
                    }
                    Some(_) => {}
                    None => ordinal = Some(r.weight),
                }
            } else if r.weight != 1 {
                let mut f = credentials_failure(
                    "credentials.weight",
                    cred.public_key,
                    format!(
                        "identifiant n°{i}, scrutin {} « {} » : {} voix, une seule attendue (scrutin non pondéré)",
                        r.contest, contest.id, r.weight
                    ),
                    format!(
                        "credential #{i}, contest {} \"{}\": {} voices, one expected (unweighted contest)",
                        r.contest, contest.id, r.weight
                    ),
                )
                .expected(1, r.weight);
                f.contest = Some(r.contest);
                return Err(f);
            }
            let f = &mut figures[r.contest as usize];
            f.inscrits += 1;
            f.inscrits_weight = f.inscrits_weight.saturating_add(r.weight);
        }
    }
    Ok(figures)
}

/// The genesis checks, in order: definition (genesis), key generation (dkg), credentials.
/// Returns the context and the inscrits per contest.
pub(crate) fn check_genesis(
    genesis: &Genesis,
    fingerprint: Hash32,
) -> Result<(ElectionContext, Vec<ContestFigures>), Failure> {
    let definition = definition(genesis)?;
    let shapes = contest_shapes(&definition).map_err(|(i, why)| {
        genesis_failure(
            "genesis.contest_shape",
            format!("scrutin {i} de la définition : {why}"),
            format!("contest {i} of the definition: {why}"),
        )
    })?;
    let keys = bureau_keys(genesis, &definition)?;
    let params = ElectionParams::new(fingerprint, keys.election_key(), shapes).map_err(|e| {
        genesis_failure(
            "genesis.contest_shape",
            format!("forme des scrutins invalide : {e}"),
            format!("invalid contest shapes: {e}"),
        )
    })?;
    let figures = credential_rights(genesis, &definition)?;
    Ok((
        ElectionContext {
            definition,
            params,
            keys,
        },
        figures,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{CredentialEntry, Right};
    use crate::verify::testkit::{Fixture, Spec};

    fn contest(kind: serde_json::Value, candidacies: usize) -> serde_json::Value {
        let mut c = kind;
        c["candidacies"] = (0..candidacies)
            .map(|i| serde_json::json!({"kind": "individual", "id": format!("C{i}"), "candidate": format!("{}", 43000 + i)}))
            .collect();
        c
    }

    fn election(contests: Vec<serde_json::Value>) -> Election {
        let f = Fixture::new(Spec::default());
        let mut v = serde_json::to_value(&f.definition).unwrap();
        v["contests"] = serde_json::Value::Array(contests);
        serde_json::from_value(v).unwrap()
    }

    fn ordinal(sex: &str, basis: Option<(u64, u64)>) -> serde_json::Value {
        let mut c = serde_json::json!({"kind": "cnb_ordinal", "id": format!("ordinal-{sex}"),
            "circonscription": "nationale", "sex": sex, "seats": 2});
        if let Some((voters, electors)) = basis {
            c["weight_basis"] = serde_json::json!({"voters_on_january_first": voters, "ordinal_electors": electors});
        }
        contest(c, 3)
    }

    #[test]
    fn shapes_follow_the_contest_kind_one_option_per_candidacy_and_at_most_the_seats() {
        let e = election(vec![
            contest(
                serde_json::json!({"kind": "conseil_de_l_ordre", "id": "a", "round": 1, "seats": 3}),
                5,
            ),
            contest(
                serde_json::json!({"kind": "conseil_de_l_ordre", "id": "b", "round": 1, "seats": 9}),
                4,
            ),
            contest(
                serde_json::json!({"kind": "cnb_general", "id": "g", "circonscription": "nationale", "seats": 8}),
                3,
            ),
            ordinal("F", None),
        ]);
        let shapes: Vec<(u32, u32)> = contest_shapes(&e)
            .unwrap()
            .iter()
            .map(|s| (s.options, s.max))
            .collect();
        assert_eq!(shapes, vec![(5, 3), (4, 4), (3, 1), (3, 2)]);
        let f = Fixture::new(Spec::default());
        let s: Vec<(u32, u32)> = contest_shapes(&f.definition)
            .unwrap()
            .iter()
            .map(|s| (s.options, s.max))
            .collect();
        assert_eq!(
            s,
            vec![(3, 1), (4, 2)],
            "the bâtonnier is one of the tickets"
        );
    }

    #[test]
    fn a_contest_without_candidacies_has_no_shape() {
        let e = election(vec![contest(
            serde_json::json!({"kind": "conseil_de_l_ordre", "id": "vide", "round": 1, "seats": 3}),
            0,
        )]);
        let (i, why) = contest_shapes(&e).unwrap_err();
        assert_eq!(i, 0);
        assert!(why.contains("sans candidature"), "{why}");
    }

    fn genesis_with(weights: &[(u32, u64)], n: usize) -> Genesis {
        let mut g = Fixture::new(Spec::default()).genesis;
        let entries = (0..n)
            .map(|i| CredentialEntry {
                public_key: crate::verify::testkit::board_key(&crate::verify::testkit::credential(
                    &format!("ordinal {i}"),
                )),
                rights: weights
                    .iter()
                    .map(|&(contest, weight)| Right { contest, weight })
                    .collect(),
            })
            .collect();
        g.set_credentials(entries).unwrap();
        g
    }

    #[test]
    fn the_national_ordinal_electors_carry_the_declared_quotient_in_both_scrutins() {
        // 100 avocats, 7 ordinal electors: floor(100 / 7) = 14 voices (art. 25).
        let e = election(vec![
            ordinal("F", Some((100, 7))),
            ordinal("M", Some((100, 7))),
        ]);
        let ok = genesis_with(&[(0, 14), (1, 14)], 3);
        let figures = credential_rights(&ok, &e).unwrap();
        assert_eq!((figures[0].inscrits, figures[0].inscrits_weight), (3, 42));
        let bad = genesis_with(&[(0, 15), (1, 15)], 3);
        let f = credential_rights(&bad, &e).unwrap_err();
        assert_eq!((f.code, f.contest), ("credentials.weight", Some(0)));
        assert_eq!(
            (f.expected.as_deref(), f.found.as_deref()),
            (Some("14"), Some("15"))
        );
    }

    #[test]
    fn undeclared_national_ordinal_weights_must_be_the_same_for_every_elector_and_scrutin() {
        let e = election(vec![ordinal("F", None), ordinal("M", None)]);
        assert!(credential_rights(&genesis_with(&[(0, 9), (1, 9)], 2), &e).is_ok());
        let f = credential_rights(&genesis_with(&[(0, 9), (1, 8)], 2), &e).unwrap_err();
        assert_eq!((f.code, f.contest), ("credentials.weight", Some(1)));
    }
}

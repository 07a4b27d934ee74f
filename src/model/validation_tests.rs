//! Tests of [`super`]: one per rule and error, named as sentences.

use super::*;
use crate::model::contest::WeightBasis;
use crate::model::election::{Bureau, BureauMember, PublicKeyBytes};
use crate::model::elector::Status;
use crate::model::elector::tests::avocat;
use time::macros::{date, datetime};

fn c(s: &str) -> Cnbf {
    Cnbf::parse(s).unwrap()
}

/// A roll of `n` inscrits of Valence, alternating sexes, CNBF 101, 102…; names « Nom101 »…
fn roll_electors(n: usize) -> Vec<Elector> {
    (1..=n)
        .map(|i| {
            let sex = if i % 2 == 0 { Sex::M } else { Sex::F };
            avocat(
                &format!("{}", 100 + i),
                &format!("Nom{}", 100 + i),
                "P",
                sex,
            )
        })
        .collect()
}

fn roll(v: Vec<Elector>) -> Roll {
    Roll::new("Valence", v).unwrap()
}

fn key(b: u8) -> PublicKeyBytes {
    PublicKeyBytes([b; 32])
}

fn election(contests: Vec<Contest>) -> Election {
    Election {
        barreau: "Valence".into(),
        campaign_id: "valence-2026".into(),
        election_id: "valence-2026-t1".into(),
        opening: datetime!(2026-11-24 07:00 UTC),
        closing: datetime!(2026-11-24 17:00 UTC),
        bureau: Bureau {
            batonnier: BureauMember {
                name: "Bâtonnier".into(),
                public_key: key(1),
            },
            scrutateurs: vec![
                BureauMember {
                    name: "S1".into(),
                    public_key: key(2),
                },
                BureauMember {
                    name: "S2".into(),
                    public_key: key(3),
                },
            ],
            threshold: 2,
        },
        contests,
        external_candidates: vec![],
        candidate_records: vec![],
    }
}

fn contest(id: &str, kind: ContestKind, candidacies: Vec<Candidacy>) -> Contest {
    Contest {
        id: id.into(),
        kind,
        candidacies,
    }
}

fn conseil(seats: u32, candidacies: Vec<Candidacy>) -> Contest {
    contest(
        "conseil",
        ContestKind::ConseilDeLOrdre {
            round: Round::First,
            seats,
        },
        candidacies,
    )
}

fn batonnier(round: Round, candidacies: Vec<Candidacy>) -> Contest {
    contest("batonnier", ContestKind::Batonnier { round }, candidacies)
}

fn ind(id: &str, cnbf: &str) -> Candidacy {
    Candidacy::Individual {
        id: id.into(),
        candidate: c(cnbf),
    }
}

fn bin(id: &str, a: &str, b: &str) -> Candidacy {
    Candidacy::Binome {
        id: id.into(),
        members: [c(a), c(b)],
    }
}

fn ticket(id: &str, b: &str, v: Option<&str>) -> Candidacy {
    Candidacy::Batonnier {
        id: id.into(),
        batonnier: c(b),
        vice_batonnier: v.map(c),
    }
}

fn errors_of(e: &Election, r: &Roll) -> Vec<ValidationError> {
    match e.validate(r) {
        Ok(()) => vec![],
        Err(ValidationErrors(v)) => v,
    }
}

fn only_error(e: &Election, r: &Roll) -> ValidationError {
    let errs = errors_of(e, r);
    assert_eq!(errs.len(), 1, "expected one error, got {errs:#?}");
    errs.into_iter().next().unwrap()
}

// ---------- a valid election ----------

#[test]
fn a_small_barreau_election_with_individual_conseil_candidacies_is_valid() {
    let r = roll(roll_electors(12));
    let e = election(vec![
        batonnier(Round::First, vec![ticket("T1", "101", Some("102"))]),
        conseil(1, vec![ind("C1", "103"), ind("C2", "104")]),
    ]);
    assert_eq!(e.validate(&r), Ok(()));
}

#[test]
fn a_large_barreau_election_with_binomes_is_valid() {
    let r = roll(roll_electors(40));
    // Nom101 (F) before Nom102 (M): alphabetical and mixed.
    let e = election(vec![conseil(
        2,
        vec![bin("B1", "101", "102"), bin("B2", "103", "104")],
    )]);
    assert_eq!(e.validate(&r), Ok(()));
}

// ---------- definition ----------

#[test]
fn closing_before_opening_is_refused() {
    let mut e = election(vec![conseil(1, vec![])]);
    e.closing = e.opening;
    assert!(matches!(
        only_error(&e, &roll(roll_electors(12))),
        ValidationError::ClosingNotAfterOpening { .. }
    ));
}

#[test]
fn an_election_without_contest_is_refused() {
    let e = election(vec![]);
    assert_eq!(
        e.validate_structure(),
        Err(ValidationErrors(vec![ValidationError::NoContest]))
    );
}

#[test]
fn an_empty_campaign_id_is_refused_by_name() {
    let mut e = election(vec![conseil(1, vec![])]);
    e.campaign_id = " ".into();
    assert_eq!(
        only_error(&e, &roll(roll_electors(12))).to_string(),
        "champ « campaign_id » vide"
    );
}

#[test]
fn two_contests_with_one_id_are_refused() {
    let mut b = batonnier(Round::First, vec![]);
    b.id = "conseil".into();
    let e = election(vec![b, conseil(1, vec![])]);
    assert_eq!(
        e.validate_structure().unwrap_err().0,
        vec![ValidationError::DuplicateContestId {
            id: "conseil".into()
        }]
    );
}

#[test]
fn two_conseil_contests_in_one_election_are_refused() {
    let mut second = conseil(1, vec![]);
    second.id = "conseil-bis".into();
    let e = election(vec![conseil(1, vec![]), second]);
    assert!(matches!(
        &e.validate_structure().unwrap_err().0[0],
        ValidationError::DuplicateContestKind { first, second, .. } if first == "conseil" && second == "conseil-bis"
    ));
}

#[test]
fn two_candidacies_with_one_id_are_refused() {
    let e = election(vec![conseil(2, vec![ind("C1", "101"), ind("C1", "102")])]);
    assert_eq!(
        only_error(&e, &roll(roll_electors(12))),
        ValidationError::DuplicateCandidacyId {
            contest: "conseil".into(),
            id: "C1".into()
        }
    );
}

#[test]
fn a_threshold_above_the_number_of_scrutateurs_is_refused() {
    let mut e = election(vec![conseil(1, vec![])]);
    e.bureau.threshold = 3;
    assert_eq!(
        only_error(&e, &roll(roll_electors(12))).to_string(),
        "bureau : seuil t = 3 invalide, il faut 1 ≤ t ≤ 2 (nombre de scrutateurs)"
    );
}

#[test]
fn a_zero_threshold_is_refused() {
    let mut e = election(vec![conseil(1, vec![])]);
    e.bureau.threshold = 0;
    assert!(matches!(
        only_error(&e, &roll(roll_electors(12))),
        ValidationError::InvalidThreshold { threshold: 0, .. }
    ));
}

#[test]
fn two_bureau_members_with_one_key_are_refused() {
    let mut e = election(vec![conseil(1, vec![])]);
    e.bureau.scrutateurs[1].public_key = key(1);
    assert_eq!(
        only_error(&e, &roll(roll_electors(12))),
        ValidationError::DuplicatePublicKey {
            first: "Bâtonnier".into(),
            second: "S2".into()
        }
    );
}

#[test]
fn a_contest_without_seats_is_refused() {
    let e = election(vec![conseil(0, vec![])]);
    assert!(matches!(
        e.validate_structure().unwrap_err().0[0],
        ValidationError::ZeroSeats { .. }
    ));
}

#[test]
fn the_batonnier_runoff_admits_two_candidacies_only() {
    let e = election(vec![batonnier(
        Round::Second,
        vec![
            ticket("T1", "101", None),
            ticket("T2", "102", None),
            ticket("T3", "103", None),
        ],
    )]);
    let err = only_error(&e, &roll(roll_electors(12)));
    assert!(err.to_string().contains("(décret art. 6)"), "{err}");
    assert!(matches!(
        err,
        ValidationError::BatonnierRunoffTooManyCandidacies { count: 3, .. }
    ));
}

#[test]
fn the_batonnier_first_round_admits_any_number_of_candidacies() {
    let e = election(vec![batonnier(
        Round::First,
        vec![
            ticket("T1", "101", None),
            ticket("T2", "102", None),
            ticket("T3", "103", None),
        ],
    )]);
    assert_eq!(e.validate(&roll(roll_electors(12))), Ok(()));
}

#[test]
fn a_binome_in_the_batonnier_contest_is_the_wrong_kind() {
    let e = election(vec![batonnier(Round::First, vec![bin("B1", "101", "102")])]);
    let err = only_error(&e, &roll(roll_electors(12)));
    assert!(matches!(
        err,
        ValidationError::WrongCandidacyKind {
            expected: "candidature au bâtonnat",
            found: "binôme",
            ..
        }
    ));
}

#[test]
fn the_same_person_as_batonnier_and_vice_batonnier_is_refused() {
    let e = election(vec![batonnier(
        Round::First,
        vec![ticket("T1", "101", Some("101"))],
    )]);
    assert_eq!(
        only_error(&e, &roll(roll_electors(12))).to_string(),
        "scrutin « batonnier », candidature « T1 » : le CNBF 101 y figure deux fois"
    );
}

#[test]
fn the_roll_of_another_barreau_is_refused() {
    let r = Roll::new("Lyon", {
        let mut v = roll_electors(12);
        for e in &mut v {
            e.barreau = "Lyon".into();
        }
        v
    })
    .unwrap();
    let e = election(vec![conseil(1, vec![])]);
    assert!(matches!(
        only_error(&e, &r),
        ValidationError::BarreauMismatch { .. }
    ));
}

// ---------- conseil: threshold of 30, size ----------

#[test]
fn binomes_are_refused_where_inscrits_and_honoraires_are_thirty() {
    let e = election(vec![conseil(1, vec![bin("B1", "101", "102")])]);
    let err = only_error(&e, &roll(roll_electors(30)));
    assert_eq!(
        err.to_string(),
        "scrutin « conseil », candidature « B1 » : binôme reçue, candidature individuelle attendue ; \
         30 avocats inscrits et honoraires, trente au plus : scrutin uninominal, candidatures \
         individuelles (décret art. 5 I ; loi n°71-1130 art. 15)"
    );
}

#[test]
fn individual_candidacies_are_refused_where_inscrits_and_honoraires_exceed_thirty() {
    let e = election(vec![conseil(1, vec![ind("C1", "101")])]);
    let err = only_error(&e, &roll(roll_electors(31)));
    assert!(matches!(
        err,
        ValidationError::WrongCandidacyKind {
            expected: "binôme",
            ..
        }
    ));
    assert!(err.to_string().contains("art. 5 II"), "{err}");
}

#[test]
fn honoraires_count_towards_the_thirty_threshold() {
    let mut v = roll_electors(31);
    v[30].status = Status::Honoraire;
    let e = election(vec![conseil(1, vec![bin("B1", "101", "102")])]);
    assert_eq!(e.validate(&roll(v)), Ok(()));
}

#[test]
fn omis_do_not_count_towards_the_thirty_threshold() {
    let mut v = roll_electors(31);
    v[30].status = Status::Omis;
    let e = election(vec![conseil(1, vec![ind("C1", "101")])]);
    assert_eq!(e.validate(&roll(v)), Ok(()));
}

#[test]
fn a_barreau_of_seven_voters_has_no_conseil_to_elect() {
    let e = election(vec![conseil(1, vec![])]);
    assert_eq!(
        only_error(&e, &roll(roll_electors(7))),
        ValidationError::NoConseil {
            contest: "conseil".into(),
            voters: 7
        }
    );
}

#[test]
fn more_members_than_the_conseil_has_are_refused() {
    // 12 voters: a conseil of 3 (art. 4).
    let e = election(vec![conseil(4, vec![])]);
    assert_eq!(
        only_error(&e, &roll(roll_electors(12))).to_string(),
        "scrutin « conseil » : 4 candidature(s) à élire, soit 4 membres, pour un conseil de \
         l'ordre de 3 membres (12 avocats disposant du droit de vote ; décret art. 4)"
    );
}

#[test]
fn binome_seats_count_two_members_each_against_the_conseil_size() {
    // 40 voters: a conseil of 6; 3 binômes = 6 members fit, 4 do not.
    let r = roll(roll_electors(40));
    assert_eq!(election(vec![conseil(3, vec![])]).validate(&r), Ok(()));
    assert!(matches!(
        only_error(&election(vec![conseil(4, vec![])]), &r),
        ValidationError::SeatsExceedConseilSize {
            members: 8,
            size: 6,
            ..
        }
    ));
}

// ---------- binômes ----------

#[test]
fn a_binome_of_two_women_is_refused_with_both_names() {
    let r = roll(roll_electors(40));
    let e = election(vec![conseil(1, vec![bin("B1", "101", "103")])]);
    assert_eq!(
        only_error(&e, &r).to_string(),
        "scrutin « conseil », binôme « B1 » : Nom101 P (CNBF 101) et Nom103 P (CNBF 103) sont \
         tous deux de sexe féminin ; les binômes sont « composés d'un homme et d'une femme » \
         (décret art. 5 II)"
    );
}

#[test]
fn a_binome_out_of_alphabetical_order_is_refused() {
    let r = roll(roll_electors(40));
    let e = election(vec![conseil(1, vec![bin("B1", "102", "101")])]);
    let err = only_error(&e, &r);
    assert!(matches!(err, ValidationError::BinomeNotAlphabetical { .. }));
    assert!(err.to_string().starts_with(
        "scrutin « conseil », binôme « B1 » : Nom102 P (CNBF 102) est placé avant Nom101 P (CNBF 101)"
    ));
}

#[test]
fn binome_order_ignores_accents_and_case() {
    let mut v = roll_electors(40);
    v[0].nom = "Émery".into(); // F
    v[1].nom = "dupont".into(); // M
    v[3].nom = "Fabre".into(); // M
    let r = roll(v);
    // « dupont » < « Émery » in French order (d < e), although 'É' > 'd' in code points.
    assert_eq!(
        election(vec![conseil(1, vec![bin("B1", "102", "101")])]).validate(&r),
        Ok(())
    );
    // « Émery » < « Fabre ».
    assert_eq!(
        election(vec![conseil(1, vec![bin("B1", "101", "104")])]).validate(&r),
        Ok(())
    );
    assert!(matches!(
        only_error(
            &election(vec![conseil(1, vec![bin("B1", "104", "101")])]),
            &r
        ),
        ValidationError::BinomeNotAlphabetical { .. }
    ));
}

#[test]
fn binome_members_with_the_same_nom_are_ordered_by_prenom() {
    let mut v = roll_electors(40);
    v[0].nom = "Martin".into();
    v[0].prenom = "Zoé".into();
    v[1].nom = "Martin".into();
    v[1].prenom = "Adrien".into();
    let r = roll(v);
    assert_eq!(
        election(vec![conseil(1, vec![bin("B1", "102", "101")])]).validate(&r),
        Ok(())
    );
    assert!(matches!(
        only_error(
            &election(vec![conseil(1, vec![bin("B1", "101", "102")])]),
            &r
        ),
        ValidationError::BinomeNotAlphabetical { .. }
    ));
}

// ---------- eligibility: art. 8, 9 ----------

#[test]
fn a_candidate_missing_from_the_roll_is_refused() {
    let e = election(vec![conseil(1, vec![ind("C1", "999")])]);
    assert_eq!(
        only_error(&e, &roll(roll_electors(12))).to_string(),
        "scrutin « conseil », candidature « C1 » : CNBF 999 absent de la liste électorale du barreau"
    );
}

#[test]
fn an_honoraire_cannot_be_candidate_to_the_conseil() {
    let mut v = roll_electors(12);
    v[0].status = Status::Honoraire;
    let e = election(vec![conseil(1, vec![ind("C1", "101")])]);
    let err = only_error(&e, &roll(v));
    assert!(matches!(
        err,
        ValidationError::NotInscrit {
            status: "avocat honoraire",
            ..
        }
    ));
    assert!(err.to_string().contains("(décret art. 8)"), "{err}");
}

#[test]
fn an_omitted_avocat_cannot_be_vice_batonnier() {
    let mut v = roll_electors(12);
    v[1].status = Status::Omis;
    let e = election(vec![batonnier(
        Round::First,
        vec![ticket("T1", "101", Some("102"))],
    )]);
    assert!(matches!(
        only_error(&e, &roll(v)),
        ValidationError::NotInscrit {
            status: "omis du tableau",
            ..
        }
    ));
}

#[test]
fn an_oath_exactly_four_years_before_january_first_is_too_recent_above_sixteen_voters() {
    let mut v = roll_electors(17);
    v[0].oath_date = date!(2022 - 01 - 01);
    let e = election(vec![conseil(1, vec![ind("C1", "101")])]);
    assert_eq!(
        only_error(&e, &roll(v)).to_string(),
        "scrutin « conseil », candidature « C1 » : Nom101 P (CNBF 101) a prêté serment le \
         2022-01-01 ; dans les barreaux de plus de seize avocats disposant du droit de vote (ici \
         17), ne peuvent être élus que les avocats « qui ont prêté serment depuis plus de quatre \
         ans au 1er janvier de l'année au cours de laquelle a lieu l'élection », soit avant le \
         2022-01-01 (décret art. 9)"
    );
}

#[test]
fn an_oath_the_day_before_is_more_than_four_years() {
    let mut v = roll_electors(17);
    v[0].oath_date = date!(2021 - 12 - 31);
    let e = election(vec![conseil(1, vec![ind("C1", "101")])]);
    assert_eq!(e.validate(&roll(v)), Ok(()));
}

#[test]
fn the_four_year_rule_does_not_apply_with_sixteen_voters() {
    let mut v = roll_electors(16);
    v[0].oath_date = date!(2025 - 06 - 01);
    v[0].inscription_date = date!(2025 - 06 - 02);
    let e = election(vec![batonnier(
        Round::First,
        vec![ticket("T1", "101", None)],
    )]);
    assert_eq!(e.validate(&roll(v)), Ok(()));
}

#[test]
fn the_four_year_rule_applies_to_the_vice_batonnier() {
    let mut v = roll_electors(20);
    v[1].oath_date = date!(2024 - 01 - 01);
    let e = election(vec![batonnier(
        Round::First,
        vec![ticket("T1", "101", Some("102"))],
    )]);
    assert!(matches!(
        only_error(&e, &roll(v)),
        ValidationError::OathTooRecent { .. }
    ));
}

// ---------- re-eligibility: art. 5, 6 ----------

#[test]
fn a_member_ending_a_second_successive_mandate_is_not_reeligible() {
    let mut v = roll_electors(40);
    v[0].function = OrdinalFunction::MembreDuConseil;
    v[0].successive_mandates = Some(2);
    let e = election(vec![conseil(1, vec![bin("B1", "101", "102")])]);
    let err = only_error(&e, &roll(v));
    assert!(matches!(
        err,
        ValidationError::ConseilMemberNotReeligible {
            mandates: 2,
            delay: "deux ans",
            ..
        }
    ));
    assert!(err.to_string().contains("(décret art. 5)"), "{err}");
}

#[test]
fn a_member_ending_a_first_mandate_is_immediately_reeligible() {
    let mut v = roll_electors(40);
    v[0].function = OrdinalFunction::MembreDuConseil;
    v[0].successive_mandates = Some(1);
    let e = election(vec![conseil(1, vec![bin("B1", "101", "102")])]);
    assert_eq!(e.validate(&roll(v)), Ok(()));
}

#[test]
fn an_ancien_batonnier_is_reeligible_after_two_mandates() {
    let mut v = roll_electors(40);
    v[0].function = OrdinalFunction::MembreDuConseil;
    v[0].successive_mandates = Some(2);
    v[0].former_functions
        .insert(FormerFunction::AncienBatonnier);
    let e = election(vec![conseil(1, vec![bin("B1", "101", "102")])]);
    assert_eq!(e.validate(&roll(v)), Ok(()));
}

#[test]
fn the_delay_is_one_year_below_sixteen_voters() {
    let mut v = roll_electors(12);
    v[0].function = OrdinalFunction::MembreDuConseil;
    v[0].successive_mandates = Some(2);
    let e = election(vec![conseil(1, vec![ind("C1", "101")])]);
    assert!(matches!(
        only_error(&e, &roll(v)),
        ValidationError::ConseilMemberNotReeligible { delay: "un an", .. }
    ));
}

#[test]
fn the_batonnier_in_office_is_not_reeligible_above_thirty_voters() {
    let mut v = roll_electors(31);
    v[0].function = OrdinalFunction::Batonnier;
    let e = election(vec![batonnier(
        Round::First,
        vec![ticket("T1", "101", None)],
    )]);
    assert!(matches!(
        only_error(&e, &roll(v)),
        ValidationError::BatonnierNotReeligible { voters: 31, .. }
    ));
}

#[test]
fn the_batonnier_may_serve_two_successive_mandates_in_a_barreau_of_thirty() {
    let mut v = roll_electors(30);
    v[0].function = OrdinalFunction::Batonnier;
    v[0].successive_mandates = Some(1);
    let e = election(vec![batonnier(
        Round::First,
        vec![ticket("T1", "101", None)],
    )]);
    assert_eq!(e.validate(&roll(v.clone())), Ok(()));
    v[0].successive_mandates = Some(2);
    assert!(matches!(
        only_error(&e, &roll(v)),
        ValidationError::BatonnierTooManyMandates { mandates: 2, .. }
    ));
}

#[test]
fn the_vice_batonnier_in_office_is_not_reeligible_as_vice_batonnier() {
    let mut v = roll_electors(12);
    v[1].function = OrdinalFunction::ViceBatonnier;
    let e = election(vec![batonnier(
        Round::First,
        vec![ticket("T1", "101", Some("102"))],
    )]);
    assert!(matches!(
        only_error(&e, &roll(v.clone())),
        ValidationError::ViceBatonnierNotReeligible { .. }
    ));
    // … but may run for bâtonnier.
    let e = election(vec![batonnier(
        Round::First,
        vec![ticket("T1", "102", Some("101"))],
    )]);
    assert_eq!(e.validate(&roll(v)), Ok(()));
}

// ---------- one person, one candidacy ----------

#[test]
fn a_person_in_two_binomes_of_the_conseil_is_refused() {
    let e = election(vec![conseil(
        2,
        vec![bin("B1", "101", "102"), bin("B2", "101", "104")],
    )]);
    assert_eq!(
        only_error(&e, &roll(roll_electors(40))).to_string(),
        "scrutin « conseil » : Nom101 P (CNBF 101) figure dans les candidatures « B1 » et « B2 » ; \
         nul ne peut se présenter deux fois au même scrutin"
    );
}

#[test]
fn a_vice_batonnier_of_one_ticket_cannot_be_batonnier_of_another() {
    let e = election(vec![batonnier(
        Round::First,
        vec![ticket("T1", "101", Some("102")), ticket("T2", "102", None)],
    )]);
    assert!(matches!(
        only_error(&e, &roll(roll_electors(12))),
        ValidationError::CandidateInTwoCandidacies { .. }
    ));
}

#[test]
fn a_batonnier_candidate_may_also_stand_for_the_conseil() {
    let e = election(vec![
        batonnier(Round::First, vec![ticket("T1", "101", None)]),
        conseil(1, vec![ind("C1", "101")]),
    ]);
    assert_eq!(e.validate(&roll(roll_electors(12))), Ok(()));
}

// ---------- CNB ----------

fn ordinal(id: &str, sex: Sex, seats: u32, candidacies: Vec<Candidacy>) -> Contest {
    contest(
        id,
        ContestKind::CnbOrdinal {
            circonscription: Circonscription::Nationale,
            sex,
            seats,
            weight_basis: None,
        },
        candidacies,
    )
}

fn general(seats: u32, candidacies: Vec<Candidacy>) -> Contest {
    contest(
        "general",
        ContestKind::CnbGeneral {
            circonscription: Circonscription::Nationale,
            seats,
        },
        candidacies,
    )
}

fn list(id: &str, title: &str, members: &[&str]) -> Candidacy {
    Candidacy::List {
        id: id.into(),
        title: title.into(),
        candidates: members.iter().map(|m| c(m)).collect(),
    }
}

/// A roll of 40 with a bâtonnier (101) and 6 conseil members (102–107).
fn cnb_roll() -> Vec<Elector> {
    let mut v = roll_electors(40);
    v[0].function = OrdinalFunction::Batonnier;
    for e in v.iter_mut().take(7).skip(1) {
        e.function = OrdinalFunction::MembreDuConseil;
    }
    v
}

fn external(cnbf: &str, nom: &str, sex: Sex, barreau: &str) -> Elector {
    let mut e = avocat(cnbf, nom, "X", sex);
    e.barreau = barreau.into();
    e
}

#[test]
fn a_cnb_election_with_both_colleges_is_valid() {
    let mut e = election(vec![
        ordinal("ord-f", Sex::F, 2, vec![ind("F1", "101"), ind("F2", "901")]),
        ordinal("ord-m", Sex::M, 2, vec![ind("M1", "102")]),
        general(
            4,
            vec![list("L1", "Liste A", &["105", "902", "111", "903"])],
        ),
    ]);
    let mut ext = external("901", "Ext", Sex::F, "Lyon");
    ext.former_functions
        .insert(FormerFunction::AncienMembreDuConseil);
    e.external_candidates = vec![
        ext,
        external("902", "Ext2", Sex::M, "Lyon"),
        external("903", "Ext3", Sex::M, "Grenoble"),
    ];
    assert_eq!(e.validate(&roll(cnb_roll())), Ok(()));
}

#[test]
fn a_man_in_the_womens_ordinal_scrutin_is_refused() {
    let e = election(vec![ordinal("ord-f", Sex::F, 2, vec![ind("F1", "102")])]);
    let err = only_error(&e, &roll(cnb_roll()));
    assert!(matches!(
        err,
        ValidationError::OrdinalWrongSex {
            person_sex: Sex::M,
            contest_sex: Sex::F,
            ..
        }
    ));
    assert!(err.to_string().contains("réservé aux femmes"), "{err}");
}

#[test]
fn an_avocat_without_ordinal_quality_is_not_eligible_in_the_ordinal_college() {
    let e = election(vec![ordinal("ord-f", Sex::F, 2, vec![ind("F1", "109")])]);
    assert!(matches!(
        only_error(&e, &roll(cnb_roll())),
        ValidationError::NoOrdinalQuality { .. }
    ));
}

#[test]
fn a_vice_batonnier_is_eligible_in_the_ordinal_college() {
    let mut v = cnb_roll();
    v[8].function = OrdinalFunction::ViceBatonnier;
    let e = election(vec![ordinal("ord-f", Sex::F, 2, vec![ind("F1", "109")])]);
    assert_eq!(e.validate(&roll(v)), Ok(()));
}

#[test]
fn a_binome_in_the_ordinal_college_is_the_wrong_kind() {
    let e = election(vec![ordinal(
        "ord-f",
        Sex::F,
        2,
        vec![bin("B1", "101", "102")],
    )]);
    let errs = errors_of(&e, &roll(cnb_roll()));
    assert!(
        errs.iter().any(|e| matches!(
            e,
            ValidationError::WrongCandidacyKind {
                expected: "candidature individuelle",
                ..
            }
        )),
        "{errs:#?}"
    );
}

#[test]
fn unequal_womens_and_mens_ordinal_seats_are_refused() {
    let e = election(vec![
        ordinal("ord-f", Sex::F, 2, vec![]),
        ordinal("ord-m", Sex::M, 3, vec![]),
    ]);
    assert!(matches!(
        e.validate_structure().unwrap_err().0[0],
        ValidationError::OrdinalSeatsUnequal {
            women_seats: 2,
            men_seats: 3,
            ..
        }
    ));
}

#[test]
fn the_general_college_must_have_as_many_seats_as_the_ordinal_college() {
    let e = election(vec![
        ordinal("ord-f", Sex::F, 2, vec![]),
        ordinal("ord-m", Sex::M, 2, vec![]),
        general(6, vec![]),
    ]);
    assert!(matches!(
        e.validate_structure().unwrap_err().0[0],
        ValidationError::CollegeSeatsDiffer {
            ordinal_seats: 4,
            general_seats: 6,
            ..
        }
    ));
}

#[test]
fn a_list_shorter_than_the_seats_is_refused() {
    let e = election(vec![general(
        4,
        vec![list("L1", "Liste A", &["101", "102"])],
    )]);
    assert_eq!(
        only_error(&e, &roll(cnb_roll())).to_string(),
        "scrutin « general », liste « L1 » (Liste A) : 2 candidats pour 4 sièges ; « Chaque liste \
         […] doit comporter un nombre de candidats correspondant au nombre de sièges à pourvoir » \
         (décret art. 23)"
    );
}

#[test]
fn a_list_without_alternating_sexes_is_refused_at_the_first_repeat() {
    // 101 F, 102 M, 104 M, 103 F: position 3 repeats M.
    let e = election(vec![general(
        4,
        vec![list("L1", "Liste A", &["101", "102", "104", "103"])],
    )]);
    let errs = errors_of(&e, &roll(cnb_roll()));
    assert!(
        matches!(&errs[0], ValidationError::ListNotAlternating { position: 3, person, .. } if person.cnbf == c("104")),
        "{errs:#?}"
    );
    assert!(errs[0].to_string().contains("(décret art. 23)"));
}

#[test]
fn a_list_without_title_is_refused() {
    let e = election(vec![general(2, vec![list("L1", " ", &["101", "102"])])]);
    assert!(matches!(
        only_error(&e, &roll(cnb_roll())),
        ValidationError::ListWithoutTitle { .. }
    ));
}

#[test]
fn a_person_on_two_lists_is_refused() {
    let e = election(vec![general(
        2,
        vec![
            list("L1", "Liste A", &["101", "102"]),
            list("L2", "Liste B", &["103", "102"]),
        ],
    )]);
    assert_eq!(
        only_error(&e, &roll(cnb_roll())).to_string(),
        "Nom102 P (CNBF 102) figure sur les listes « general/L1 » et « general/L2 » ; « Nul ne \
         peut être candidat sur plus d'une liste » (décret art. 26)"
    );
}

#[test]
fn a_person_candidate_in_both_colleges_is_refused() {
    let e = election(vec![
        ordinal("ord-f", Sex::F, 1, vec![ind("F1", "101")]),
        ordinal("ord-m", Sex::M, 1, vec![]),
        general(2, vec![list("L1", "Liste A", &["101", "102"])]),
    ]);
    assert!(matches!(
        only_error(&e, &roll(cnb_roll())),
        ValidationError::CandidateInTwoColleges { .. }
    ));
}

#[test]
fn a_general_college_candidate_inscribed_after_january_first_is_refused() {
    let mut v = cnb_roll();
    v[1].inscription_date = date!(2026 - 01 - 02);
    v[1].oath_date = date!(2026 - 01 - 02);
    let e = election(vec![general(
        2,
        vec![list("L1", "Liste A", &["101", "102"])],
    )]);
    assert!(matches!(
        only_error(&e, &roll(v)),
        ValidationError::NotInscritOnJanuaryFirst { .. }
    ));
}

#[test]
fn a_general_college_candidate_inscribed_on_january_first_is_eligible() {
    let mut v = cnb_roll();
    v[1].inscription_date = date!(2026 - 01 - 01);
    v[1].oath_date = date!(2025 - 12 - 20);
    let e = election(vec![general(
        2,
        vec![list("L1", "Liste A", &["101", "102"])],
    )]);
    assert_eq!(e.validate(&roll(v)), Ok(()));
}

#[test]
fn a_paris_contest_in_a_national_barreau_is_refused() {
    let e = election(vec![contest(
        "general",
        ContestKind::CnbGeneral {
            circonscription: Circonscription::Paris,
            seats: 2,
        },
        vec![],
    )]);
    assert!(matches!(
        e.validate_structure().unwrap_err().0[0],
        ValidationError::WrongCirconscription { .. }
    ));
}

#[test]
fn a_paris_candidate_on_a_national_list_is_refused() {
    let mut e = election(vec![general(
        2,
        vec![list("L1", "Liste A", &["101", "902"])],
    )]);
    e.external_candidates = vec![external("902", "Ext", Sex::M, "Paris")];
    assert!(matches!(
        only_error(&e, &roll(cnb_roll())),
        ValidationError::CandidateOutsideCirconscription { .. }
    ));
}

#[test]
fn an_external_candidate_cannot_stand_for_the_conseil() {
    let mut e = election(vec![
        conseil(1, vec![bin("B1", "101", "902")]),
        general(2, vec![]),
    ]);
    e.external_candidates = vec![external("902", "Ext", Sex::M, "Lyon")];
    assert!(matches!(
        only_error(&e, &roll(cnb_roll())),
        ValidationError::CandidateNotFound { .. }
    ));
}

#[test]
fn an_external_candidate_already_on_the_roll_is_refused() {
    let mut e = election(vec![general(2, vec![])]);
    e.external_candidates = vec![external("101", "Ext", Sex::M, "Lyon")];
    assert_eq!(
        only_error(&e, &roll(cnb_roll())).to_string(),
        "candidat d'un autre barreau n° 1, Ext X (CNBF 101) : numéro CNBF déjà présent sur la \
         liste électorale (électeur n° 1)"
    );
}

#[test]
fn an_external_candidate_of_the_election_barreau_is_refused() {
    let mut e = election(vec![general(2, vec![])]);
    e.external_candidates = vec![external("950", "Ext", Sex::M, "VALENCE")];
    assert!(matches!(
        only_error(&e, &roll(cnb_roll())),
        ValidationError::ExternalCandidateOfThisBarreau { .. }
    ));
}

#[test]
fn external_candidates_without_cnb_contest_are_refused() {
    let mut e = election(vec![conseil(1, vec![])]);
    e.external_candidates = vec![external("950", "Ext", Sex::M, "Lyon")];
    assert!(matches!(
        only_error(&e, &roll(cnb_roll())),
        ValidationError::ExternalCandidatesWithoutCnb
    ));
}

#[test]
fn an_ordinal_contest_in_a_barreau_without_ordinal_elector_is_refused() {
    let e = election(vec![ordinal("ord-f", Sex::F, 2, vec![])]);
    assert!(matches!(
        only_error(&e, &roll(roll_electors(20))),
        ValidationError::Weight {
            error: OrdinalWeightError::NoOrdinalElector { .. },
            ..
        }
    ));
}

#[test]
fn declared_weight_figures_are_refused_in_paris() {
    let mut e = election(vec![contest(
        "ord-f",
        ContestKind::CnbOrdinal {
            circonscription: Circonscription::Paris,
            sex: Sex::F,
            seats: 8,
            weight_basis: Some(WeightBasis {
                voters_on_january_first: 100,
                ordinal_electors: 10,
            }),
        },
        vec![],
    )]);
    e.barreau = "Paris".into();
    assert!(matches!(
        e.validate_structure().unwrap_err().0[0],
        ValidationError::WeightBasisInParis { .. }
    ));
}

// ---------- rights ----------

#[test]
fn every_voter_votes_for_batonnier_conseil_and_general_college_with_one_voice() {
    let v = cnb_roll();
    let r = roll(v.clone());
    let e = election(vec![
        batonnier(Round::First, vec![]),
        conseil(1, vec![]),
        ordinal("ord-f", Sex::F, 1, vec![]),
        ordinal("ord-m", Sex::M, 1, vec![]),
        general(2, vec![]),
    ]);
    let plain = e.voting_rights(&r, &v[20]).unwrap();
    let ids: Vec<_> = plain
        .iter()
        .map(|r| (r.contest.as_str(), r.weight))
        .collect();
    assert_eq!(ids, vec![("batonnier", 1), ("conseil", 1), ("general", 1)]);
}

#[test]
fn an_ordinal_elector_gets_two_weighted_ordinal_ballots() {
    let v = cnb_roll();
    let r = roll(v.clone());
    let e = election(vec![
        ordinal("ord-f", Sex::F, 1, vec![]),
        ordinal("ord-m", Sex::M, 1, vec![]),
        general(2, vec![]),
    ]);
    // 40 voters on 1 January / 7 ordinal electors = 5.71… → 5.
    let rights = e.voting_rights(&r, &v[3]).unwrap();
    let ids: Vec<_> = rights
        .iter()
        .map(|r| (r.contest.as_str(), r.weight))
        .collect();
    assert_eq!(ids, vec![("ord-f", 5), ("ord-m", 5), ("general", 1)]);
}

#[test]
fn the_declared_weight_figures_prevail_over_the_roll() {
    let v = cnb_roll();
    let r = roll(v.clone());
    let e = election(vec![contest(
        "ord-f",
        ContestKind::CnbOrdinal {
            circonscription: Circonscription::Nationale,
            sex: Sex::F,
            seats: 1,
            weight_basis: Some(WeightBasis {
                voters_on_january_first: 250,
                ordinal_electors: 19,
            }),
        },
        vec![],
    )]);
    assert_eq!(e.voting_rights(&r, &v[0]).unwrap()[0].weight, 13);
}

#[test]
fn a_vice_batonnier_has_no_ordinal_ballot() {
    let mut v = cnb_roll();
    v[10].function = OrdinalFunction::ViceBatonnier;
    let r = roll(v.clone());
    let e = election(vec![
        ordinal("ord-f", Sex::F, 1, vec![]),
        general(1, vec![]),
    ]);
    let rights = e.voting_rights(&r, &v[10]).unwrap();
    assert_eq!(rights.len(), 1);
    assert_eq!(rights[0].contest, "general");
}

#[test]
fn an_omitted_avocat_has_no_right() {
    let mut v = cnb_roll();
    v[10].status = Status::Omis;
    let r = roll(v.clone());
    let e = election(vec![batonnier(Round::First, vec![]), general(1, vec![])]);
    assert!(e.voting_rights(&r, &v[10]).unwrap().is_empty());
}

#[test]
fn an_honoraire_votes_for_the_batonnier() {
    let mut v = cnb_roll();
    v[10].status = Status::Honoraire;
    let r = roll(v.clone());
    let e = election(vec![batonnier(Round::First, vec![])]);
    assert_eq!(e.voting_rights(&r, &v[10]).unwrap().len(), 1);
}

#[test]
fn the_election_year_is_the_french_calendar_year_of_the_opening() {
    let mut e = election(vec![]);
    // 23:30 UTC on 31 December is already 1 January in Paris.
    e.opening = datetime!(2026-12-31 23:30 UTC);
    assert_eq!(e.year(), 2027);
    assert_eq!(e.january_first(), date!(2027 - 01 - 01));
    e.opening = datetime!(2026-11-24 07:00 UTC);
    assert_eq!(e.january_first(), date!(2026 - 01 - 01));
}

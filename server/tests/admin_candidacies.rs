//! Every décret check on candidacies, refused by the admin with the model's exact message (entry
//! one at a time, over HTTP too, and the CSV import), on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_common;
mod common;

use admin_common::{StaffClient, TestBureau, console, create_user, sample, valence};
use common::{Backend, spawn_app};
use reqwest::StatusCode;
use urne::model::{Candidacy, Circonscription, Cnbf, Contest, ContestKind, Sex};
use urne_server::admin::{candidacies, definition, roll};

fn c(s: &str) -> Cnbf {
    Cnbf::parse(s).unwrap()
}

fn binome(id: &str, a: &str, b: &str) -> Candidacy {
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

fn fixed_dates(mut e: urne::model::Election) -> urne::model::Election {
    e.opening = urne::model::dates::parse_instant("2026-11-24T08:00:00+01:00").unwrap();
    e.closing = urne::model::dates::parse_instant("2026-11-24T18:00:00+01:00").unwrap();
    e
}

/// Collects mismatches so that one run shows every message.
#[derive(Default)]
struct Checks(Vec<String>);

impl Checks {
    fn refused(&mut self, what: &str, r: urne_server::Result<()>, expected: &str) {
        match r {
            Ok(()) => self
                .0
                .push(format!("{what} : accepté au lieu d'être refusé")),
            Err(e) if e.to_string() == expected => {}
            Err(e) => self
                .0
                .push(format!("{what} :\n  attendu : {expected}\n  obtenu  : {e}")),
        }
    }

    fn done(self) {
        assert!(self.0.is_empty(), "\n{}", self.0.join("\n"));
    }
}

async fn each_decret_check_on_a_candidacy_is_refused_with_the_models_message(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = console(&app);
    let bureau = TestBureau::new(3, 2);
    // Fixed dates: the eligibility rules read « le 1er janvier de l'année » of the vote.
    let def = fixed_dates(valence("valence-candidatures", &bureau, 0, 1));
    let id = def.election_id.clone();
    definition::create(&admin, &def, None).await.unwrap();
    // Before the roll: the eligibility cannot be checked.
    let mut k = Checks::default();
    k.refused(
        "avant la liste",
        candidacies::add(&admin, &id, "batonnier", ticket("T1", "40111", None)).await,
        "chargez d'abord la liste électorale : l'éligibilité des candidats se vérifie sur elle",
    );
    roll::import(
        &admin,
        &id,
        "valence.csv",
        &sample("tests/rolls/valence-utf-8-virgule.csv"),
        false,
    )
    .await
    .unwrap();
    candidacies::import(
        &admin,
        &id,
        "valence.csv",
        &sample("tests/candidacies/valence.csv"),
    )
    .await
    .unwrap();
    let cases: Vec<(&str, &str, Candidacy, &str)> = vec![
        (
            "binôme de deux femmes (art. 5 II)",
            "conseil",
            binome("B4", "40481", "40555"),
            "candidature refusée (1 erreur(s))\n- scrutin « conseil », binôme « B4 » : Joly Sarah (CNBF 40481) et Lambert Laura (CNBF 40555) sont tous deux de sexe féminin ; les binômes sont « composés d'un homme et d'une femme » (décret art. 5 II)",
        ),
        (
            "binôme hors de l'ordre alphabétique (art. 5 II)",
            "conseil",
            binome("B4", "40481", "40444"),
            "candidature refusée (1 erreur(s))\n- scrutin « conseil », binôme « B4 » : Joly Sarah (CNBF 40481) est placé avant Gauthier Lucas (CNBF 40444), contrairement à l'ordre alphabétique (nom puis prénom, sans distinction de casse ni d'accents) ; les noms sont « classés par ordre alphabétique sur tous les documents relatifs à l'élection » (décret art. 5 II)",
        ),
        (
            "candidature individuelle au-delà de trente (art. 5 I)",
            "conseil",
            Candidacy::Individual {
                id: "I1".into(),
                candidate: c("40481"),
            },
            "candidature refusée (1 erreur(s))\n- scrutin « conseil », candidature « I1 » : candidature individuelle reçue, binôme attendue ; 45 avocats inscrits et honoraires, plus de trente : « les candidatures aux fonctions de membre du conseil de l'ordre sont présentées en binômes » (décret art. 5 II)",
        ),
        (
            "avocat honoraire (art. 8)",
            "conseil",
            binome("B4", "40962", "2876"),
            "candidature refusée (1 erreur(s))\n- scrutin « conseil », candidature « B4 » : Weber Odile (CNBF 2876) n'est pas inscrit au tableau (statut « avocat honoraire ») ; « Ne peut être élu aux fonctions de bâtonnier, de vice-bâtonnier ou de membre du conseil de l'ordre qu'un avocat inscrit au tableau » (décret art. 8)",
        ),
        (
            "serment depuis moins de quatre ans (art. 9)",
            "conseil",
            binome("B4", "40888", "71904"),
            "candidature refusée (1 erreur(s))\n- scrutin « conseil », candidature « B4 » : Zeller Chloé (CNBF 71904) a prêté serment le 2023-01-09 ; dans les barreaux de plus de seize avocats disposant du droit de vote (ici 45), ne peuvent être élus que les avocats « qui ont prêté serment depuis plus de quatre ans au 1er janvier de l'année au cours de laquelle a lieu l'élection », soit avant le 2022-01-01 (décret art. 9)",
        ),
        (
            "membre sortant après deux mandats (art. 5)",
            "conseil",
            binome("B4", "40148", "40555"),
            "candidature refusée (1 erreur(s))\n- scrutin « conseil », candidature « B4 » : Caron Hugo (CNBF 40148) exerce son mandat n° 2 successif de membre du conseil de l'ordre ; « A l'expiration du deuxième de deux mandats successifs, les membres sortants, à l'exception des anciens bâtonniers, ne sont rééligibles qu'après un délai de deux ans » (décret art. 5)",
        ),
        (
            "candidat dans deux candidatures",
            "conseil",
            binome("B4", "40333", "40444"),
            "candidature refusée (1 erreur(s))\n- scrutin « conseil » : Faure Julie (CNBF 40333) figure dans les candidatures « B1 » et « B4 » ; nul ne peut se présenter deux fois au même scrutin",
        ),
        (
            "bâtonnier en exercice, plus de trente électeurs (art. 6)",
            "batonnier",
            ticket("T3", "40037", None),
            "candidature refusée (1 erreur(s))\n- scrutin « batonnier », candidature « T3 » : Aubert Anne (CNBF 40037) est le bâtonnier en exercice ; « Le bâtonnier n'est pas immédiatement rééligible en qualité de bâtonnier » dans les barreaux de plus de trente avocats disposant du droit de vote (ici 45 ; décret art. 6)",
        ),
        (
            "vice-bâtonnier honoraire (art. 8)",
            "batonnier",
            ticket("T3", "41295", Some("2210")),
            "candidature refusée (1 erreur(s))\n- scrutin « batonnier », candidature « T3 » : Vernet Georges (CNBF 2210) n'est pas inscrit au tableau (statut « avocat honoraire ») ; « Ne peut être élu aux fonctions de bâtonnier, de vice-bâtonnier ou de membre du conseil de l'ordre qu'un avocat inscrit au tableau » (décret art. 8)",
        ),
        (
            "numéro CNBF absent de la liste",
            "batonnier",
            ticket("T3", "99999", None),
            "candidature refusée (1 erreur(s))\n- scrutin « batonnier », candidature « T3 » : CNBF 99999 absent de la liste électorale du barreau",
        ),
        (
            "identifiant en double",
            "batonnier",
            ticket("T1", "41295", None),
            "candidature refusée (1 erreur(s))\n- scrutin « batonnier » : identifiant de candidature « T1 » en double",
        ),
    ];
    for (what, contest, cand, expected) in cases {
        k.refused(
            what,
            candidacies::add(&admin, &id, contest, cand).await,
            expected,
        );
    }
    k.refused(
        "scrutin inconnu",
        candidacies::add(&admin, &id, "cnb", ticket("T9", "41295", None)).await,
        "scrutin « cnb » inconnu",
    );
    // The CSV import: a binôme in the wrong order is refused on its lines.
    let bad = String::from_utf8(sample("tests/candidacies/valence.csv"))
        .unwrap()
        .replace(
            "conseil;B1;binôme;;1;;40333;Faure;Julie\nconseil;B1;binôme;;2;;40370;Fontaine;Arthur",
            "conseil;B1;binôme;;1;;40370;Fontaine;Arthur\nconseil;B1;binôme;;2;;40333;Faure;Julie",
        );
    k.refused(
        "import CSV",
        candidacies::import(&admin, &id, "candidatures.csv", bad.as_bytes())
            .await
            .map(|_| ()),
        "candidatures.csv : fichier refusé, rien n'a été importé : 1 erreur(s) (encodage UTF-8, séparateur point-virgule (;))\n- ligne 5 : scrutin « conseil », binôme « B1 » : Fontaine Arthur (CNBF 40370) est placé avant Faure Julie (CNBF 40333), contrairement à l'ordre alphabétique (nom puis prénom, sans distinction de casse ni d'accents) ; les noms sont « classés par ordre alphabétique sur tous les documents relatifs à l'élection » (décret art. 5 II) (voir aussi ligne 6)",
    );

    // The CNB: a barreau of the national circonscription.
    let mut cnb = fixed_dates(valence("valence-cnb", &bureau, 0, 1));
    cnb.contests = vec![
        Contest {
            id: "cnb-ord-f".into(),
            kind: ContestKind::CnbOrdinal {
                circonscription: Circonscription::Nationale,
                sex: Sex::F,
                seats: 1,
                weight_basis: None,
            },
            candidacies: vec![],
        },
        Contest {
            id: "cnb-ord-m".into(),
            kind: ContestKind::CnbOrdinal {
                circonscription: Circonscription::Nationale,
                sex: Sex::M,
                seats: 1,
                weight_basis: None,
            },
            candidacies: vec![],
        },
        Contest {
            id: "cnb-gen".into(),
            kind: ContestKind::CnbGeneral {
                circonscription: Circonscription::Nationale,
                seats: 2,
            },
            candidacies: vec![],
        },
    ];
    definition::create(&admin, &cnb, None).await.unwrap();
    roll::import(
        &admin,
        "valence-cnb",
        "valence.csv",
        &sample("tests/rolls/valence-utf-8-virgule.csv"),
        false,
    )
    .await
    .unwrap();
    let ind = |id: &str, who: &str| Candidacy::Individual {
        id: id.into(),
        candidate: c(who),
    };
    let list = |id: &str, title: &str, who: &[&str]| Candidacy::List {
        id: id.into(),
        title: title.into(),
        candidates: who.iter().map(|w| c(w)).collect(),
    };
    candidacies::add(&admin, "valence-cnb", "cnb-ord-f", ind("O1", "40111"))
        .await
        .unwrap();
    candidacies::add(
        &admin,
        "valence-cnb",
        "cnb-gen",
        list("L1", "Ensemble", &["41295", "41332"]),
    )
    .await
    .unwrap();
    let cases: Vec<(&str, &str, Candidacy, &str)> = vec![
        (
            "collège ordinal : candidat de l'autre sexe (art. 22)",
            "cnb-ord-f",
            ind("O2", "40074"),
            "candidature refusée (1 erreur(s))\n- scrutin « cnb-ord-f », candidature « O2 » : Barbier Paul (CNBF 40074) (homme) est candidat au scrutin réservé aux femmes ; « deux scrutins distincts sont organisés aux fins d'élection des candidats de chaque sexe » (décret art. 22)",
        ),
        (
            "collège ordinal : sans qualité ordinale (art. 22)",
            "cnb-ord-f",
            ind("O2", "40333"),
            "candidature refusée (1 erreur(s))\n- scrutin « cnb-ord-f », candidature « O2 » : Faure Julie (CNBF 40333) n'a aucune des qualités d'éligibilité du collège ordinal (« les bâtonniers, anciens bâtonniers, vice-bâtonniers, anciens vice-bâtonniers et membres et anciens membres des conseils de l'ordre […], ainsi que les présidents et membres des anciennes commissions nationale et régionales des conseils juridiques », décret art. 22)",
        ),
        (
            "collège général : liste sans alternance (art. 23)",
            "cnb-gen",
            list("L2", "Avenir", &["40407", "40555"]),
            "candidature refusée (1 erreur(s))\n- scrutin « cnb-gen », liste « L2 » (Avenir) : Lambert Laura (CNBF 40555), en position 2, est du même sexe que le candidat qui le précède ; la liste doit être « composée alternativement d'un candidat de chaque sexe » (décret art. 23)",
        ),
        (
            "collège général : liste trop courte (art. 23)",
            "cnb-gen",
            list("L2", "Avenir", &["40407"]),
            "candidature refusée (1 erreur(s))\n- scrutin « cnb-gen », liste « L2 » (Avenir) : 1 candidats pour 2 sièges ; « Chaque liste […] doit comporter un nombre de candidats correspondant au nombre de sièges à pourvoir » (décret art. 23)",
        ),
        (
            "collège général : liste sans titre (art. 26)",
            "cnb-gen",
            list("L2", "", &["40407", "40444"]),
            "candidature refusée (1 erreur(s))\n- scrutin « cnb-gen », liste « L2 » : titre vide ; « chaque liste comporte mention de son titre » (décret art. 26)",
        ),
        (
            "collège général : candidat sur deux listes (art. 26)",
            "cnb-gen",
            list("L2", "Avenir", &["41295", "40444"]),
            "candidature refusée (1 erreur(s))\n- Fournier Élise (CNBF 41295) figure sur les listes « cnb-gen/L1 » et « cnb-gen/L2 » ; « Nul ne peut être candidat sur plus d'une liste » (décret art. 26)",
        ),
        (
            "candidat dans les deux collèges (art. 26)",
            "cnb-gen",
            list("L2", "Avenir", &["40111", "40444"]),
            "candidature refusée (1 erreur(s))\n- Bonnet Camille (CNBF 40111) est candidat au collège ordinal (scrutin « cnb-ord-f ») et au collège général (scrutin « cnb-gen ») ; « Nul ne peut être candidat […] dans deux collèges » (décret art. 26)",
        ),
    ];
    for (what, contest, cand, expected) in cases {
        k.refused(
            what,
            candidacies::add(&admin, "valence-cnb", contest, cand).await,
            expected,
        );
    }

    // Over HTTP, the page's entry form gets the same message.
    create_user(&app, "sec", "secretariat", "mot de passe très long").await;
    let sec = StaffClient::login(&app, "sec", "mot de passe très long").await;
    let (s, v) = sec
        .post_form(
            &format!("/admin/elections/{id}/candidatures"),
            &[
                ("contest", "conseil"),
                ("candidacy", "B4"),
                ("persons", "40481, 40444"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    k.refused(
        "formulaire HTTP",
        Err(urne_server::Error::Refused(
            v["message"].as_str().unwrap().to_owned(),
        )),
        "candidature refusée (1 erreur(s))\n- scrutin « conseil », binôme « B4 » : Joly Sarah (CNBF 40481) est placé avant Gauthier Lucas (CNBF 40444), contrairement à l'ordre alphabétique (nom puis prénom, sans distinction de casse ni d'accents) ; les noms sont « classés par ordre alphabétique sur tous les documents relatifs à l'élection » (décret art. 5 II)",
    );
    let (s, v) = sec
        .post_form(
            &format!("/admin/elections/{id}/candidatures"),
            &[
                ("contest", "conseil"),
                ("candidacy", "B5"),
                ("persons", "40444"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["message"],
        "un binôme compte deux candidats (décret art. 5 II) : 1 numéro(s) CNBF donné(s)"
    );
    // Every refusal is in the audit log.
    let log = urne_server::admin::audit::list(app.db(), Some(&id))
        .await
        .unwrap();
    let refused = log
        .iter()
        .filter(|l| l.action.starts_with("candidatures.") && l.outcome == "refusé")
        .count();
    k.done();
    assert_eq!(refused, 16, "{log:#?}");
    app.stop().await;
}

on_both_backends!(each_decret_check_on_a_candidacy_is_refused_with_the_models_message);

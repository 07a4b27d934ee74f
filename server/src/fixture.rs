//! A complete election, built in-process through the real set-up API ([`crate::setup`]): a
//! definition and a roll that pass the décret's checks, codes (or, for load tests, credentials
//! made without the argon2 cost), the bureau's key ceremony run with
//! [`urne::crypto::dkg::run_ceremony`], the genesis and the bâtonnier's seal. For the integration
//! tests, the benchmark and the demo (issue 8). Nothing here is a mock: every step is the one an
//! ordre goes through, with keys generated on the spot.

use ed25519_dalek::SigningKey;
use time::{Date, Month, OffsetDateTime};
use urne::board::Seal;
use urne::crypto::code::VoterCode;
use urne::crypto::credential::Credential;
use urne::crypto::dkg::{TrusteeSecret, run_ceremony};
use urne::encoding::Hash32;
use urne::model::{
    Bureau, BureauMember, Candidacy, Cnbf, Contest, ContestKind, Election, Elector,
    OrdinalFunction, PublicKeyBytes, Roll, Round, Sex, Status,
};

use crate::chain::now;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::keys::ServerKeys;
use crate::setup::{self, CredentialRegistration};

/// Which contests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contests {
    /// A bâtonnier election alone, `candidates` individual candidacies (1-of-N ballots).
    Batonnier {
        /// Number of candidacies.
        candidates: usize,
    },
    /// A bâtonnier election (the first candidacy a joint ticket with a vice-bâtonnier) and a
    /// conseil de l'ordre election (binômes above 30 electors, individual candidacies below).
    BatonnierAndConseil,
}

/// How to build the election.
#[derive(Debug, Clone)]
pub struct FixtureOptions {
    /// Identifier of the election (and, with `-campagne`, of the campaign).
    pub election_id: String,
    /// Barreau name.
    pub barreau: String,
    /// Electors on the roll (at least 16).
    pub electors: usize,
    /// Contests.
    pub contests: Contests,
    /// Opening, seconds from now (negative: already open).
    pub opening_in: i64,
    /// Closing, seconds from now.
    pub closing_in: i64,
    /// Issue real codes (argon2id derivations, ≈ 14 ms each); otherwise random credentials are
    /// registered directly (load tests), and electors have no code.
    pub real_codes: bool,
    /// Procurations to register after the seal: `(mandant, mandataire)` elector indices.
    pub procurations: Vec<(usize, usize)>,
}

impl Default for FixtureOptions {
    fn default() -> Self {
        FixtureOptions {
            election_id: "exemple-2026-t1".into(),
            barreau: "Exemple".into(),
            electors: 20,
            contests: Contests::BatonnierAndConseil,
            opening_in: -3600,
            closing_in: 8 * 3600,
            real_codes: true,
            procurations: vec![],
        }
    }
}

/// An elector of the fixture, with what the elector holds.
#[derive(Debug)]
pub struct FixtureElector {
    /// CNBF number.
    pub cnbf: Cnbf,
    /// « Prénom Nom ».
    pub name: String,
    /// The personal code, when real codes were issued.
    pub code: Option<VoterCode>,
    /// The credential (what the booth derives from the code).
    pub credential: Credential,
    /// Contest indices the elector votes in.
    pub contests: Vec<u32>,
}

/// The sealed election.
#[derive(Debug)]
pub struct OpenElection {
    /// Identifier.
    pub id: String,
    /// The definition.
    pub definition: Election,
    /// Fingerprint.
    pub fingerprint: Hash32,
    /// Electors, in roll order.
    pub electors: Vec<FixtureElector>,
    /// The bâtonnier's signing key (seal, PV).
    pub batonnier_key: SigningKey,
    /// The scrutateurs' signing keys.
    pub scrutateur_keys: Vec<SigningKey>,
    /// The bâtonnier's decryption secret.
    pub batonnier_secret: TrusteeSecret,
    /// The scrutateurs' key shares.
    pub shares: Vec<TrusteeSecret>,
}

const NOMS: [&str; 30] = [
    "Arnaud", "Barbier", "Bonnet", "Caron", "Castel", "David", "Dubois", "Durand", "Faure",
    "Fournier", "Garnier", "Girard", "Guerin", "Henry", "Lambert", "Laurent", "Lefebvre", "Martin",
    "Mercier", "Moreau", "Muller", "Nicolas", "Perrin", "Petit", "Robert", "Roux", "Simon",
    "Thomas", "Vidal", "Vincent",
];
const PRENOMS_F: [&str; 5] = ["Anne", "Camille", "Léa", "Claire", "Sophie"];
const PRENOMS_M: [&str; 5] = ["Paul", "Hugo", "Louis", "Marc", "Jean"];

fn date(y: i32, m: Month, d: u8) -> Result<Date> {
    Date::from_calendar_date(y, m, d).map_err(Error::internal)
}

fn signing_key() -> SigningKey {
    let mut seed = [0u8; 32];
    rand::fill(&mut seed);
    SigningKey::from_bytes(&seed)
}

fn cnbf(k: usize) -> Result<Cnbf> {
    Cnbf::parse(&(70_000 + k).to_string()).map_err(Error::internal)
}

/// The roll: `n` avocats inscrits, alternately women and men, names in alphabetical order of
/// index (so that consecutive electors make binômes in the décret's order); elector 0 is the
/// bâtonnier in office, 1–6 members of the conseil.
pub fn roll(barreau: &str, n: usize) -> Result<Roll> {
    let mut electors = Vec::with_capacity(n);
    for k in 0..n {
        let sex = if k % 2 == 0 { Sex::F } else { Sex::M };
        let prenom = match sex {
            Sex::F => PRENOMS_F[k / 2 % 5],
            Sex::M => PRENOMS_M[k / 2 % 5],
        };
        let nom = if k < NOMS.len() {
            NOMS[k].to_owned()
        } else {
            format!("{}-{}", NOMS[k % NOMS.len()], k / NOMS.len())
        };
        let function = match k {
            0 => OrdinalFunction::Batonnier,
            1..=6 => OrdinalFunction::MembreDuConseil,
            _ => OrdinalFunction::Aucune,
        };
        electors.push(Elector {
            cnbf: cnbf(k)?,
            nom,
            prenom: prenom.to_owned(),
            sex,
            birth_date: date(1960 + (k % 30) as i32, Month::March, 1 + (k % 28) as u8)?,
            inscription_date: date(1995, Month::January, 2)?,
            oath_date: date(1995, Month::January, 1)?,
            barreau: barreau.to_owned(),
            status: Status::Inscrit,
            function,
            former_functions: Default::default(),
            successive_mandates: (k <= 6).then_some(1),
            email: Some(format!("avocat{k}@exemple.invalid")),
            postal_address: None,
        });
    }
    Roll::new(barreau, electors).map_err(|e| Error::internal(e.to_string()))
}

fn contests(options: &FixtureOptions) -> Result<Vec<Contest>> {
    let first = 8;
    match options.contests {
        Contests::Batonnier { candidates } => Ok(vec![Contest {
            id: "batonnier".into(),
            kind: ContestKind::Batonnier {
                round: Round::First,
            },
            candidacies: (0..candidates)
                .map(|c| {
                    Ok(Candidacy::Batonnier {
                        id: format!("T{}", c + 1),
                        batonnier: cnbf(first + c)?,
                        vice_batonnier: None,
                    })
                })
                .collect::<Result<_>>()?,
        }]),
        Contests::BatonnierAndConseil => {
            let batonnier = Contest {
                id: "batonnier".into(),
                kind: ContestKind::Batonnier {
                    round: Round::First,
                },
                candidacies: vec![
                    Candidacy::Batonnier {
                        id: "T1".into(),
                        batonnier: cnbf(first)?,
                        vice_batonnier: Some(cnbf(first + 1)?),
                    },
                    Candidacy::Batonnier {
                        id: "T2".into(),
                        batonnier: cnbf(first + 2)?,
                        vice_batonnier: None,
                    },
                    Candidacy::Batonnier {
                        id: "T3".into(),
                        batonnier: cnbf(first + 3)?,
                        vice_batonnier: None,
                    },
                ],
            };
            let binomes = options.electors > 30;
            let candidacies = (0..4)
                .map(|c| {
                    // Electors 12, 13, … : a woman then a man, in alphabetical order.
                    let k = first + 4 + 2 * c;
                    Ok(if binomes {
                        Candidacy::Binome {
                            id: format!("B{}", c + 1),
                            members: [cnbf(k)?, cnbf(k + 1)?],
                        }
                    } else {
                        Candidacy::Individual {
                            id: format!("C{}", c + 1),
                            candidate: cnbf(k)?,
                        }
                    })
                })
                .collect::<Result<_>>()?;
            let conseil = Contest {
                id: "conseil".into(),
                kind: ContestKind::ConseilDeLOrdre {
                    round: Round::First,
                    seats: if binomes { 3 } else { 2 },
                },
                candidacies,
            };
            Ok(vec![batonnier, conseil])
        }
    }
}

fn instant(unix: u64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(i64::try_from(unix).map_err(Error::internal)?)
        .map_err(Error::internal)
}

/// Creates an election, loads its roll, issues the codes (or registers credentials), runs the
/// key ceremony and builds the genesis: everything up to the seal.
pub async fn prepare_election(
    db: &Db,
    keys: &ServerKeys,
    options: &FixtureOptions,
) -> Result<PreparedElection> {
    if options.electors < 16 {
        return Err(Error::BadRequest("au moins 16 électeurs".into()));
    }
    let t = now() as i64;
    let batonnier_key = signing_key();
    let scrutateur_keys: Vec<SigningKey> = (0..3).map(|_| signing_key()).collect();
    let member = |name: &str, k: &SigningKey| BureauMember {
        name: name.to_owned(),
        public_key: PublicKeyBytes(k.verifying_key().to_bytes()),
    };
    let definition = Election {
        barreau: options.barreau.clone(),
        campaign_id: format!("{}-campagne", options.election_id),
        election_id: options.election_id.clone(),
        opening: instant(u64::try_from(t + options.opening_in).map_err(Error::internal)?)?,
        closing: instant(u64::try_from(t + options.closing_in).map_err(Error::internal)?)?,
        bureau: Bureau {
            batonnier: member("Anne Arnaud", &batonnier_key),
            scrutateurs: vec![
                member("Paul Barbier", &scrutateur_keys[0]),
                member("Camille Bonnet", &scrutateur_keys[1]),
                member("Hugo Caron", &scrutateur_keys[2]),
            ],
            threshold: 2,
        },
        contests: contests(options)?,
        external_candidates: vec![],
        candidate_records: vec![],
    };
    let roll = roll(&options.barreau, options.electors)?;
    let id = options.election_id.as_str();
    setup::create_election(db, &definition).await?;
    setup::load_roll(db, id, &roll).await?;
    let mut electors = Vec::with_capacity(options.electors);
    let rights_of = |e: &Elector| -> Result<Vec<u32>> {
        Ok(definition
            .voting_rights(&roll, e)
            .map_err(Error::internal)?
            .iter()
            .filter_map(|r| definition.contests.iter().position(|c| c.id == r.contest))
            .map(|p| p as u32)
            .collect())
    };
    if options.real_codes {
        let codes = setup::issue_codes(db, id).await?;
        let campaign = definition.campaign_id.clone();
        let derived = tokio::task::spawn_blocking(move || {
            use rayon::prelude::*;
            codes
                .into_par_iter()
                .map(|c| {
                    let cred = Credential::derive(&c.code, &campaign).map_err(Error::internal)?;
                    Ok((c, cred))
                })
                .collect::<Result<Vec<_>>>()
        })
        .await
        .map_err(Error::internal)??;
        for (c, cred) in derived {
            let e = roll
                .get(&c.cnbf)
                .ok_or_else(|| Error::internal("électeur absent"))?;
            electors.push(FixtureElector {
                cnbf: c.cnbf.clone(),
                name: format!("{} {}", e.prenom, e.nom),
                contests: rights_of(e)?,
                code: Some(c.code),
                credential: cred,
            });
        }
    } else {
        let mut regs = Vec::with_capacity(options.electors);
        for e in roll.electors() {
            let mut secret = [0u8; 64];
            rand::fill(&mut secret);
            let cred = Credential::from_secret_bytes(&secret);
            regs.push(CredentialRegistration {
                cnbf: e.cnbf.clone(),
                public_key: cred.public_key(),
                token_hash: cred.login_token().server_hash(),
            });
            electors.push(FixtureElector {
                cnbf: e.cnbf.clone(),
                name: format!("{} {}", e.prenom, e.nom),
                contests: rights_of(e)?,
                code: None,
                credential: cred,
            });
        }
        setup::register_credentials(db, id, &regs).await?;
    }
    // The ceremony of the definition's bureau, as `urne-tally keygen` runs it: the verifier and
    // `urne-tally sign-genesis` refuse a key generation bound to any other ceremony.
    let params = urne::ceremony::Ceremony::of_election(&definition)
        .params()
        .map_err(Error::internal)?;
    let (transcript, batonnier_secret, shares) =
        run_ceremony(&params, &mut rand::rng()).map_err(Error::internal)?;
    setup::record_dkg(db, id, &transcript).await?;
    let build = crate::keys::server_build_hash().unwrap_or_default();
    let prepared = setup::build_genesis(db, id, keys, build).await?;
    Ok(PreparedElection {
        election: OpenElection {
            id: id.to_owned(),
            definition,
            fingerprint: prepared.fingerprint,
            electors,
            batonnier_key,
            scrutateur_keys,
            batonnier_secret,
            shares,
        },
        genesis: prepared,
    })
}

/// An election prepared up to its genesis, waiting for the bâtonnier's seal.
#[derive(Debug)]
pub struct PreparedElection {
    /// The election (its `fingerprint` is the genesis's, not yet sealed).
    pub election: OpenElection,
    /// The genesis built by [`setup::build_genesis`].
    pub genesis: setup::PreparedGenesis,
}

/// Builds, seals and (by default) opens an election, then registers the procurations.
pub async fn open_election(
    db: &Db,
    keys: &ServerKeys,
    options: &FixtureOptions,
) -> Result<OpenElection> {
    let PreparedElection { election, genesis } = prepare_election(db, keys, options).await?;
    let id = election.id.as_str();
    let seal = Seal::sign(&genesis.fingerprint, &election.batonnier_key);
    let fingerprint = setup::seal(db, id, keys, seal.signature).await?;
    let electors = &election.electors;
    for &(mandant, mandataire) in &options.procurations {
        let (Some(a), Some(b)) = (electors.get(mandant), electors.get(mandataire)) else {
            return Err(Error::BadRequest(
                "procuration : électeur hors liste".into(),
            ));
        };
        setup::register_procuration(db, id, &a.cnbf, &b.cnbf, "formulaire de test").await?;
    }
    Ok(OpenElection {
        fingerprint,
        ..election
    })
}

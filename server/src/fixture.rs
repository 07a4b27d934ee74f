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
use urne::ceremony::{Ceremony, CeremonyBoard, DkgMessage, Step, encode_complaints};
use urne::crypto::dkg::{DkgTranscript, TrusteeSecret, deal, open_share, run_ceremony, transport_keygen};
use urne::encoding::Hash32;
use urne::keystore::MemberKey;
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

/// The bureau of every fixture election: the bâtonnier, then scrutateurs 1 to 3 (threshold 2).
pub const BUREAU_NAMES: [&str; 4] = ["Anne Arnaud", "Paul Barbier", "Camille Bonnet", "Hugo Caron"];

/// Where the bureau's secrets are made.
enum Secrets<'a> {
    /// In memory, by [`run_ceremony`] (tests, benchmarks).
    Generated,
    /// In the members' key files' secrets ([`MemberKey`], src/keystore.rs), through the signed
    /// messages of the ceremony board, as `urne-tally keygen step` makes them: the demo then
    /// writes the key files that `urne-tally decrypt` and `sign` open.
    KeyFiles(&'a mut [MemberKey]),
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
    prepare(db, keys, options, Secrets::Generated).await
}

async fn prepare(
    db: &Db,
    keys: &ServerKeys,
    options: &FixtureOptions,
    mut secrets: Secrets<'_>,
) -> Result<PreparedElection> {
    if options.electors < 16 {
        return Err(Error::BadRequest("au moins 16 électeurs".into()));
    }
    let t = now() as i64;
    let (batonnier_key, scrutateur_keys): (SigningKey, Vec<SigningKey>) = match &secrets {
        Secrets::Generated => (signing_key(), (0..3).map(|_| signing_key()).collect()),
        Secrets::KeyFiles(members) => {
            let [b, s @ ..] = &**members else {
                return Err(Error::internal("bureau sans bâtonnier"));
            };
            if s.len() != 3 {
                return Err(Error::internal("le bureau de la démonstration a trois scrutateurs"));
            }
            (
                b.signing_key().clone(),
                s.iter().map(|m| m.signing_key().clone()).collect(),
            )
        }
    };
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
            batonnier: member(BUREAU_NAMES[0], &batonnier_key),
            scrutateurs: vec![
                member(BUREAU_NAMES[1], &scrutateur_keys[0]),
                member(BUREAU_NAMES[2], &scrutateur_keys[1]),
                member(BUREAU_NAMES[3], &scrutateur_keys[2]),
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
    let (transcript, batonnier_secret, shares) = match &mut secrets {
        Secrets::Generated => {
            let params = Ceremony::of_election(&definition)
                .params()
                .map_err(Error::internal)?;
            run_ceremony(&params, &mut rand::rng()).map_err(Error::internal)?
        }
        Secrets::KeyFiles(members) => {
            let transcript = key_file_ceremony(&definition, members)?;
            let secret = |m: &MemberKey| m.trustee_secret().cloned().map_err(Error::internal);
            let batonnier = secret(&members[0])?;
            let shares = members[1..].iter().map(secret).collect::<Result<_>>()?;
            (transcript, batonnier, shares)
        }
    };
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

/// The key ceremony of `definition`'s bureau (docs/protocol.md §4) run in one process with the
/// members' key-file secrets: each member joins with [`MemberKey::join_as_batonnier`] or
/// [`MemberKey::join_as_scrutateur`], every message is signed by its author and goes through the
/// checks of [`CeremonyBoard::add`], and each scrutateur stores its checked share
/// ([`MemberKey::set_share`]) — the steps `urne-tally keygen step` does, without the folder.
/// `members`: the bâtonnier, then scrutateurs 1..n, with the definition's public keys.
fn key_file_ceremony(definition: &Election, members: &mut [MemberKey]) -> Result<DkgTranscript> {
    let ceremony = Ceremony::of_election(definition);
    let cid = ceremony.id();
    let mut board = CeremonyBoard::new(ceremony).map_err(Error::internal)?;
    let params = *board.params();
    let rng = &mut rand::rng();
    let (batonnier, scrutateurs) = members
        .split_first_mut()
        .ok_or_else(|| Error::internal("bureau sans bâtonnier"))?;
    let mut add = |member: u32, step: Step, body: &[u8], key: &MemberKey| {
        board
            .add(DkgMessage::sign(cid, member, step, body, key.signing_key()))
            .map_err(Error::internal)
    };
    let bk = batonnier
        .join_as_batonnier(&params, rng)
        .map_err(Error::internal)?;
    add(0, Step::BatonnierKey, &bk.encode(), batonnier)?;
    let mut transport = Vec::with_capacity(scrutateurs.len());
    for (i, m) in (1u32..).zip(scrutateurs.iter_mut()) {
        m.join_as_scrutateur(cid, i, rng).map_err(Error::internal)?;
        let (secret, public) = transport_keygen(&params, i, &mut m.transport_rng().map_err(Error::internal)?)
            .map_err(Error::internal)?;
        add(i, Step::TransportKey, &public.encode(), m)?;
        transport.push(secret);
    }
    drop(add);
    let keys = board
        .transport_keys()
        .ok_or_else(|| Error::internal("clés de transport incomplètes"))?;
    for (i, m) in (1u32..).zip(scrutateurs.iter()) {
        let d = deal(&params, i, &keys, rng).map_err(Error::internal)?;
        board
            .add(DkgMessage::sign(cid, i, Step::Dealing, &d.encode(), m.signing_key()))
            .map_err(Error::internal)?;
    }
    let dealings = board
        .dealings()
        .ok_or_else(|| Error::internal("distributions incomplètes"))?;
    for ((i, m), me) in (1u32..).zip(scrutateurs.iter()).zip(&transport) {
        let complaints: Vec<_> = dealings
            .iter()
            .filter_map(|d| open_share(&params, me, d, rng).err().map(|c| *c))
            .collect();
        board
            .add(DkgMessage::sign(
                cid,
                i,
                Step::Complaints,
                &encode_complaints(&complaints),
                m.signing_key(),
            ))
            .map_err(Error::internal)?;
    }
    let transcript = board
        .transcript()
        .ok_or_else(|| Error::internal("cérémonie des clés incomplète"))?;
    for (m, me) in scrutateurs.iter_mut().zip(&transport) {
        let share = transcript.key_share(me).map_err(Error::internal)?;
        m.set_share(share).map_err(Error::internal)?;
    }
    Ok(transcript)
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
    seal_and_open(db, keys, options, prepare(db, keys, options, Secrets::Generated).await?).await
}

/// [`open_election`] with the bureau's secrets in `members` (the bâtonnier, then three
/// scrutateurs, fresh key files from [`MemberKey::generate`]): on return each has joined the key
/// ceremony and holds its decryption key, ready to be sealed into a key file (the demo).
pub async fn open_election_with_key_files(
    db: &Db,
    keys: &ServerKeys,
    options: &FixtureOptions,
    members: &mut [MemberKey],
) -> Result<OpenElection> {
    let prepared = prepare(db, keys, options, Secrets::KeyFiles(members)).await?;
    seal_and_open(db, keys, options, prepared).await
}

async fn seal_and_open(
    db: &Db,
    keys: &ServerKeys,
    options: &FixtureOptions,
    prepared: PreparedElection,
) -> Result<OpenElection> {
    let PreparedElection { election, genesis } = prepared;
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

//! `urne-tally result --archive A --partials P… [--paper F…]`: combines the partial decryptions,
//! counts, and draws up the procès-verbal (docs/bureau-guide.md, « Le résultat et le
//! procès-verbal »; plan D3 step 4).
//!
//! 1. verifies the whole archive ([`crate::verified`]);
//! 2. checks every partial file (this election, one per member, proofs) and that the bâtonnier and
//!    at least `t` scrutateurs are there — otherwise says who is missing;
//! 3. combines them (`crypto::decryption::decrypt_tally`) and counts (`urne::count::compute`)
//!    with the signed paper records (`--paper`), the candidates' names and dates (`--candidates`)
//!    and the incidents (`--incidents`);
//! 4. writes, in `--out-dir`: `archive-resultat.urne`, the archive extended with the
//!    `PartialDecryption` events and the `Result` event (no signed head: the server adds it when
//!    it publishes), `pv.json` (the PV, to be signed with `urne-tally sign`) and `pv.pdf` (the two
//!    exemplaires in French).

use crate::decrypt::{PartialFile, describe};
use crate::error::{TallyResult, cannot, refused};
use crate::io::{print_json, read_text, write_atomic};
use crate::verified::verify_archive;
use clap::Args;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use urne::archive::{ArchiveReader, ArchiveWriter};
use urne::board::{Event, PartialDecryption as PartialEvent, Payload, ResultEvent, event_hash};
use urne::count::{Declarations, DeclaredContest, Incident, InternetCounts, compute};
use urne::crypto::decryption::{PartialDecryption, decrypt_tally};
use urne::encoding::Hash32;
use urne::pv::{PaperRecord, Pv, PvArchive};
use urne::rules::common::Day;

/// `format` of a candidates declaration file.
pub const CANDIDATES_FORMAT: &str = "urne-candidatures-1";
/// `format` of an incidents declaration file.
pub const INCIDENTS_FORMAT: &str = "urne-incidents-1";

/// The candidates declaration file (names and dates of the candidates, from the tableau).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidatesFile {
    /// [`CANDIDATES_FORMAT`].
    pub format: String,
    /// Per contest.
    pub contests: Vec<DeclaredContest>,
}

/// The incidents declaration file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentsFile {
    /// [`INCIDENTS_FORMAT`].
    pub format: String,
    /// The incidents and overrides.
    pub incidents: Vec<Incident>,
}

/// Arguments of `urne-tally result`.
#[derive(Debug, Args)]
pub struct ResultArgs {
    /// L'archive de l'urne après la clôture.
    #[arg(long)]
    pub archive: PathBuf,
    /// Les fichiers de déchiffrement du bâtonnier et des scrutateurs (« urne-tally decrypt »).
    #[arg(long, num_args = 1.., required = true)]
    pub partials: Vec<PathBuf>,
    /// Les procès-verbaux papier signés des bureaux de vote (« urne-tally paper »), s'il y en a.
    #[arg(long, num_args = 1..)]
    pub paper: Vec<PathBuf>,
    /// Les noms et dates des candidats (fichier « urne-candidatures-1 », JSON ou TOML).
    #[arg(long)]
    pub candidates: Option<PathBuf>,
    /// Les incidents et dérogations à consigner (fichier « urne-incidents-1 », JSON ou TOML).
    #[arg(long)]
    pub incidents: Option<PathBuf>,
    /// Les scrutateurs absents au dépouillement (numéros), qui ne signeront pas.
    #[arg(long, num_args = 1..)]
    pub absent: Vec<u32>,
    /// Le lieu où le procès-verbal est dressé (« Fait à … »).
    #[arg(long)]
    pub place: String,
    /// La date du procès-verbal (AAAA-MM-JJ ; par défaut aujourd'hui).
    #[arg(long)]
    pub date: Option<String>,
    /// Le dossier où écrire l'archive complétée, pv.json et pv.pdf.
    #[arg(long, default_value = ".")]
    pub out_dir: PathBuf,
    /// Écrire la réponse en JSON (pour un programme).
    #[arg(long)]
    pub json: bool,
}

fn read_structured<T: serde::de::DeserializeOwned>(path: &Path) -> TallyResult<T> {
    let text = read_text(path)?;
    let is_toml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if is_toml {
        toml::from_str(&text).map_err(|e| cannot(format!("{} : {e}", path.display())))
    } else {
        serde_json::from_str(&text).map_err(|e| cannot(format!("{} : {e}", path.display())))
    }
}

/// Reads the declarations files.
pub fn declarations(
    candidates: Option<&Path>,
    incidents: Option<&Path>,
) -> TallyResult<Declarations> {
    let mut d = Declarations::default();
    if let Some(p) = candidates {
        let f: CandidatesFile = read_structured(p)?;
        if f.format != CANDIDATES_FORMAT {
            return Err(cannot(format!(
                "{} : format « {} » (« {CANDIDATES_FORMAT} » attendu)",
                p.display(),
                f.format
            )));
        }
        d.candidates = f.contests;
    }
    if let Some(p) = incidents {
        let f: IncidentsFile = read_structured(p)?;
        if f.format != INCIDENTS_FORMAT {
            return Err(cannot(format!(
                "{} : format « {} » (« {INCIDENTS_FORMAT} » attendu)",
                p.display(),
                f.format
            )));
        }
        d.incidents = f.incidents;
    }
    Ok(d)
}

/// Today's date in Paris.
fn today() -> Day {
    let now = time::OffsetDateTime::now_utc();
    let unix = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    // The date part of the PV's French time of now.
    let s = urne::pv::render::french_time(unix);
    let d = s.get(..10).unwrap_or("01/01/1970");
    let (dd, mm, yyyy) = (&d[..2], &d[3..5], &d[6..10]);
    Day::parse(&format!("{yyyy}-{mm}-{dd}")).unwrap_or(Day(now.date()))
}

/// What `result` wrote.
#[derive(Debug, Serialize)]
pub struct ResultReport {
    /// The extended archive.
    pub archive: String,
    /// The PV (JSON).
    pub pv: String,
    /// The PV (PDF).
    pub pdf: String,
    /// The PV hash the members sign.
    pub pv_hash: Hash32,
    /// The `Result` event's hash.
    pub result_event: Hash32,
}

/// Runs `result`.
pub fn run(a: &ResultArgs) -> TallyResult<()> {
    let v = verify_archive(&a.archive)?;
    let Some(tally) = v.tally.as_ref() else {
        return Err(refused(format!(
            "{} : l'archive ne contient pas encore le dépouillement chiffré (le vote est-il clos ?)",
            a.archive.display()
        )));
    };
    let (Some((tally_height, tally_hash)), urne::board::Phase::Tallied) = (v.tally_event, v.phase)
    else {
        return Err(refused(format!(
            "{} : l'archive contient déjà un résultat",
            a.archive.display()
        )));
    };
    let n = v.genesis.bureau.len() as u32;
    for m in &a.absent {
        if *m == 0 || *m >= n {
            return Err(cannot(format!(
                "--absent {m} : numéro de scrutateur entre 1 et {}",
                n - 1
            )));
        }
    }
    let present: Vec<u32> = (0..n).filter(|m| !a.absent.contains(m)).collect();
    let date = match &a.date {
        Some(d) => Day::parse(d).map_err(|e| cannot(format!("--date : {e}")))?,
        None => today(),
    };
    let cts = tally.ciphertexts();
    // Partial decryptions: those already on the chain, then the files.
    let mut partials: BTreeMap<u32, (PartialDecryption, String, bool)> = v
        .partials
        .iter()
        .map(|p| {
            (
                p.trustee.index(),
                (p.clone(), "l'archive".to_string(), true),
            )
        })
        .collect();
    for path in &a.partials {
        let (f, p) = PartialFile::read(path)?;
        if f.fingerprint != v.fingerprint {
            return Err(refused(format!(
                "{} : déchiffrement d'une autre élection (empreinte {}…)",
                path.display(),
                &f.fingerprint.to_hex()[..16]
            )));
        }
        if v.genesis.bureau.member(f.member).is_none() {
            return Err(refused(format!(
                "{} : membre {} inconnu du bureau",
                path.display(),
                f.member
            )));
        }
        p.verify(&v.fingerprint, &v.keys, &cts).map_err(|e| {
            refused(format!(
                "{} : {} : {e}",
                path.display(),
                describe(&v, f.member)
            ))
        })?;
        if let Some((_, other, _)) = partials.get(&f.member) {
            return Err(refused(format!(
                "{} : deux déchiffrements de {} ({other} et {})",
                path.display(),
                describe(&v, f.member),
                path.display()
            )));
        }
        partials.insert(f.member, (p, path.display().to_string(), false));
    }
    let t = v.keys.threshold as usize;
    let scrutateurs: Vec<u32> = partials.keys().copied().filter(|&m| m > 0).collect();
    let mut missing = Vec::new();
    if !partials.contains_key(&0) {
        missing.push(format!(
            "le déchiffrement du bâtonnier ({}) est indispensable",
            v.election.bureau.batonnier.name
        ));
    }
    if scrutateurs.len() < t {
        let absent: Vec<String> = (1..=v.genesis.bureau.scrutateurs.len() as u32)
            .filter(|m| !scrutateurs.contains(m))
            .map(|m| describe(&v, m))
            .collect();
        missing.push(format!(
            "{t} déchiffrement(s) de scrutateurs requis, {} fourni(s) ; il en manque {} parmi : {}",
            scrutateurs.len(),
            t - scrutateurs.len(),
            absent.join(", ")
        ));
    }
    if !missing.is_empty() {
        return Err(refused(format!(
            "déchiffrement impossible : {}",
            missing.join(" ; ")
        )));
    }
    if let Some(m) = partials.keys().find(|m| a.absent.contains(m)) {
        return Err(cannot(format!(
            "--absent {m} : {} a déchiffré, il est donc présent et signe le procès-verbal",
            describe(&v, *m)
        )));
    }
    let list: Vec<PartialDecryption> = partials.values().map(|(p, ..)| p.clone()).collect();
    let counts = decrypt_tally(&v.fingerprint, &v.keys, tally, &list)
        .map_err(|e| refused(format!("combinaison des déchiffrements : {e}")))?;
    let internet: Vec<InternetCounts> = counts
        .into_iter()
        .map(|c| InternetCounts {
            contest: c.contest,
            ballots: c.ballots,
            weight: c.total_weight,
            options: c.options,
            blank: c.blank,
        })
        .collect();
    let mut paper = Vec::new();
    for p in &a.paper {
        paper.push(
            PaperRecord::from_json(&read_text(p)?)
                .map_err(|e| cannot(format!("{} : {e}", p.display())))?,
        );
    }
    let decl = declarations(a.candidates.as_deref(), a.incidents.as_deref())?;
    let result = compute(
        v.fingerprint,
        &v.genesis,
        &v.election,
        &v.board,
        &internet,
        paper,
        decl,
    )
    .map_err(|e| refused(e.to_string()))?;
    let json = result
        .to_canonical_json()
        .map_err(|e| cannot(e.to_string()))?;

    // The extended archive: the same events, then the partial decryptions and the result.
    std::fs::create_dir_all(&a.out_dir)
        .map_err(|e| cannot(format!("{} : {e}", a.out_dir.display())))?;
    let out_archive = a.out_dir.join("archive-resultat.urne");
    let tmp = a.out_dir.join(".archive-resultat.urne.tmp");
    let file =
        std::fs::File::create(&tmp).map_err(|e| cannot(format!("{} : {e}", tmp.display())))?;
    let mut w =
        ArchiveWriter::new(std::io::BufWriter::new(file)).map_err(|e| cannot(e.to_string()))?;
    let input = std::fs::File::open(&a.archive)
        .map_err(|e| cannot(format!("{} : {e}", a.archive.display())))?;
    let mut prev = Hash32::default();
    let mut height = 0u64;
    for item in ArchiveReader::new(BufReader::new(input)).map_err(|e| refused(e.to_string()))? {
        let e = item.map_err(|e| refused(e.to_string()))?;
        w.write_event(&e.bytes).map_err(|e| cannot(e.to_string()))?;
        prev = event_hash(&e.bytes);
        height = e.height + 1;
    }
    let mut append = |payload: Payload| -> TallyResult<(u64, Hash32)> {
        let ev = Event {
            height,
            parent: prev,
            payload,
        };
        let bytes = ev.encode();
        w.write_event(&bytes).map_err(|e| cannot(e.to_string()))?;
        prev = event_hash(&bytes);
        height += 1;
        Ok((height - 1, prev))
    };
    let mut decrypted_by = Vec::new();
    for (m, (p, _, on_chain)) in &partials {
        decrypted_by.push(*m);
        if !on_chain {
            append(Payload::PartialDecryption(PartialEvent {
                member: *m,
                share: p.encode(),
            }))?;
        }
    }
    let (result_height, result_hash) = append(Payload::Result(ResultEvent { json }))?;
    w.finish(None).map_err(|e| cannot(e.to_string()))?;
    std::fs::rename(&tmp, &out_archive)
        .map_err(|e| cannot(format!("{} : {e}", out_archive.display())))?;

    let pv = Pv::draw_up(
        result,
        &v.election,
        &v.genesis.bureau,
        PvArchive {
            tally_height,
            tally_event: tally_hash,
            result_height,
            result_event: result_hash,
        },
        decrypted_by,
        present,
        a.place.clone(),
        date,
    )
    .map_err(|e| refused(e.to_string()))?;
    let pv_path = a.out_dir.join("pv.json");
    write_atomic(&pv_path, pv.to_json().as_bytes())?;
    let pdf_path = a.out_dir.join("pv.pdf");
    let pdf = crate::pdf::pv_pdf(&pv)?;
    write_atomic(&pdf_path, &pdf)?;
    let pv_hash = pv.hash().map_err(|e| cannot(e.to_string()))?;
    let report = ResultReport {
        archive: out_archive.display().to_string(),
        pv: pv_path.display().to_string(),
        pdf: pdf_path.display().to_string(),
        pv_hash,
        result_event: result_hash,
    };
    if a.json {
        return print_json(&report);
    }
    print!("{}", summary(&pv));
    println!("Archive complétée : {}", report.archive);
    println!("Procès-verbal : {} et {}", report.pv, report.pdf);
    println!(
        "Empreinte du procès-verbal : {}",
        urne::pv::render::grouped(&pv_hash)
    );
    println!(
        "Chaque membre présent signe maintenant : urne-tally sign --pv {} --key …",
        report.pv
    );
    Ok(())
}

/// A few lines per contest: who is elected or qualified.
pub fn summary(pv: &Pv) -> String {
    let mut s = String::new();
    for c in &pv.result.contests {
        s.push_str(&format!("{} :\n", c.label));
        let mut r = String::new();
        urne::rules::report::render_result(&mut r, &c.result);
        for line in r
            .lines()
            .filter(|l| l.starts_with("Résultat") || l.starts_with("Élu"))
        {
            s.push_str(&format!("  {line}\n"));
        }
    }
    s
}

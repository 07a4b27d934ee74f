//! `urne-tally recensement PV…`: the CNB bureau's recensement général des votes (décret, chapitre
//! II: « Le recensement général des votes est effectué par le bureau du Conseil national des
//! barreaux. Il en est dressé procès-verbal. »), docs/bureau-guide.md « Le recensement ».
//!
//! Every barreau's PV is checked first — its hash, each signature against the bureau keys the PV
//! names, completeness (the bâtonnier and every scrutateur present signed) — and with `--bureaux`
//! against the bureau keys the CNB holds for each barreau. A PV that fails is refused, naming the
//! file and the barreau; nothing is counted then. The CNB contests of the PVs are then added up per
//! circonscription (and sex, for the collège ordinal) and the rules applied
//! (`urne::rules::recensement`: 7 % threshold, quotient and plus forte moyenne, ordinal seats).
//! Output: `recensement.json` and `recensement.pdf` in `--out-dir`.

use crate::error::{TallyResult, cannot, refused};
use crate::io::{print_json, read_text, write_atomic};
use crate::sign::read_pv;
use clap::Args;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use urne::board::PublicKey;
use urne::encoding::Hash32;
use urne::pv::render::{Block, grouped};
use urne::rules::common::{Contestant, Figures, fr};
use urne::rules::recensement::{
    BarreauPv, College, Recensement, RecensementResult, ScrutinDecl, count_recensement,
};

/// `format` of the national PV.
pub const RECENSEMENT_FORMAT: &str = "urne-recensement-1";

/// Arguments of `urne-tally recensement`.
#[derive(Debug, Args)]
pub struct RecensementArgs {
    /// Les procès-verbaux signés des barreaux (pv.json).
    #[arg(required = true)]
    pub pvs: Vec<PathBuf>,
    /// Les clés des bâtonniers connues du CNB (JSON : { "barreau": "clé hexadécimale", … }) :
    /// chaque procès-verbal doit alors être signé par le bâtonnier de cette clé.
    #[arg(long)]
    pub bureaux: Option<PathBuf>,
    /// Le lieu où le procès-verbal du recensement est dressé.
    #[arg(long, default_value = "Paris")]
    pub place: String,
    /// Le dossier où écrire recensement.json et recensement.pdf.
    #[arg(long, default_value = ".")]
    pub out_dir: PathBuf,
    /// Écrire la réponse en JSON.
    #[arg(long)]
    pub json: bool,
}

/// One barreau's PV as the recensement checked it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckedPv {
    /// The file.
    pub file: String,
    /// The barreau.
    pub barreau: String,
    /// Its election fingerprint.
    pub fingerprint: Hash32,
    /// Its PV hash.
    pub pv_hash: Hash32,
    /// Members who signed.
    pub signatures: Vec<u32>,
}

/// The national PV.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NationalPv {
    /// [`RECENSEMENT_FORMAT`].
    pub format: String,
    /// Where it is drawn up.
    pub place: String,
    /// The barreaux' PVs counted.
    pub barreaux: Vec<CheckedPv>,
    /// The collège ordinal, if any PV holds it.
    pub ordinal: Option<RecensementResult>,
    /// The collège général, if any PV holds it.
    pub general: Option<RecensementResult>,
}

fn scrutin_key(d: &ScrutinDecl) -> String {
    format!("{:?}/{:?}", d.circonscription, d.sexe)
}

/// Runs `recensement`.
pub fn run(a: &RecensementArgs) -> TallyResult<()> {
    let known: Option<BTreeMap<String, String>> = match &a.bureaux {
        Some(p) => Some(
            serde_json::from_str(&read_text(p)?)
                .map_err(|e| cannot(format!("{} : {e}", p.display())))?,
        ),
        None => None,
    };
    let mut checked = Vec::new();
    let mut decls: [BTreeMap<String, (ScrutinDecl, String)>; 2] =
        [BTreeMap::new(), BTreeMap::new()];
    let mut pvs: [Vec<BarreauPv>; 2] = [Vec::new(), Vec::new()];
    for path in &a.pvs {
        let name = path.display().to_string();
        let pv = read_pv(path)?;
        let barreau = pv.result.barreau.clone();
        let status = pv
            .signature_status()
            .map_err(|e| refused(format!("{name} ({barreau}) : {e}")))?;
        if let Some((m, why)) = status.invalid.first() {
            return Err(refused(format!(
                "{name} : procès-verbal du barreau « {barreau} » refusé : {why} (membre {m}) — le procès-verbal a été modifié après sa signature ou la signature est contrefaite"
            )));
        }
        if !status.complete {
            let names: Vec<String> = status.missing.iter().map(|&m| pv.member_name(m)).collect();
            return Err(refused(format!(
                "{name} : procès-verbal du barreau « {barreau} » incomplet : signatures manquantes de {}",
                names.join(", ")
            )));
        }
        if let Some(k) = &known {
            let expected = k.get(&barreau).ok_or_else(|| {
                refused(format!(
                    "{name} : barreau « {barreau} » absent du fichier des bureaux"
                ))
            })?;
            let expected = PublicKey::from_hex(expected.trim())
                .map_err(|e| cannot(format!("fichier des bureaux, « {barreau} » : {e}")))?;
            if pv.bureau.members.first().map(|m| m.public_key) != Some(expected) {
                return Err(refused(format!(
                    "{name} : le procès-verbal du barreau « {barreau} » n'est pas signé par le bâtonnier connu du CNB"
                )));
            }
        }
        for c in &pv.result.contests {
            let (college, decl, figures, voix, votes) = if let Some(o) = &c.counts.cnb_ordinal {
                (
                    0,
                    ScrutinDecl {
                        circonscription: o.circonscription,
                        sexe: Some(o.sexe),
                        seats: o.seats,
                        candidacies: o.candidacies.iter().map(Contestant::from).collect(),
                    },
                    o.figures.clone(),
                    Some(o.voix_exprimees),
                    o.candidacies
                        .iter()
                        .map(|k| (k.id.clone(), k.votes))
                        .collect::<BTreeMap<_, _>>(),
                )
            } else if let Some(g) = &c.counts.cnb_general {
                (
                    1,
                    ScrutinDecl {
                        circonscription: g.circonscription,
                        sexe: None,
                        seats: g.seats,
                        candidacies: g.lists.iter().map(Contestant::from).collect(),
                    },
                    g.figures.clone(),
                    None,
                    g.lists.iter().map(|k| (k.id.clone(), k.votes)).collect(),
                )
            } else {
                continue;
            };
            let key = scrutin_key(&decl);
            match decls[college].get(&key) {
                Some((d, first)) => {
                    let ids = |d: &ScrutinDecl| {
                        d.candidacies
                            .iter()
                            .map(|k| k.id.clone())
                            .collect::<Vec<_>>()
                    };
                    if d.seats != decl.seats || ids(d) != ids(&decl) {
                        return Err(refused(format!(
                            "{name} : le scrutin « {} » du barreau « {barreau} » n'a pas les sièges ou les candidatures de celui de {first}",
                            c.label
                        )));
                    }
                }
                None => {
                    decls[college].insert(key, (decl.clone(), name.clone()));
                }
            }
            pvs[college].push(BarreauPv {
                barreau: barreau.clone(),
                circonscription: decl.circonscription,
                sexe: decl.sexe,
                figures: Figures {
                    inscrits: figures.inscrits,
                    votants: figures.votants,
                    blancs: figures.blancs,
                    nuls: figures.nuls,
                    blancs_et_nuls: figures.blancs_et_nuls,
                },
                voix_exprimees: voix,
                votes,
            });
        }
        checked.push(CheckedPv {
            file: name,
            barreau,
            fingerprint: pv.fingerprint,
            pv_hash: pv.hash().map_err(|e| cannot(e.to_string()))?,
            signatures: status.signed,
        });
    }
    let count = |college: College, k: usize| -> TallyResult<Option<RecensementResult>> {
        if pvs[k].is_empty() {
            return Ok(None);
        }
        let input = Recensement {
            college,
            scrutins: decls[k].values().map(|(d, _)| d.clone()).collect(),
            pvs: pvs[k].clone(),
        };
        count_recensement(&input)
            .map(Some)
            .map_err(|e| refused(format!("recensement : {e}")))
    };
    let national = NationalPv {
        format: RECENSEMENT_FORMAT.into(),
        place: a.place.clone(),
        barreaux: checked,
        ordinal: count(College::Ordinal, 0)?,
        general: count(College::General, 1)?,
    };
    if national.ordinal.is_none() && national.general.is_none() {
        return Err(refused(
            "aucun des procès-verbaux ne contient de scrutin du Conseil national des barreaux",
        ));
    }
    std::fs::create_dir_all(&a.out_dir)
        .map_err(|e| cannot(format!("{} : {e}", a.out_dir.display())))?;
    let json_path = a.out_dir.join("recensement.json");
    let text = serde_json::to_string_pretty(&national).map_err(|e| cannot(e.to_string()))?;
    write_atomic(&json_path, format!("{text}\n").as_bytes())?;
    let pdf_path = a.out_dir.join("recensement.pdf");
    let hash = urne::encoding::tagged_hash("URNE-V1-recensement", &[text.as_bytes()]);
    let pdf = crate::pdf::blocks_pdf(
        &blocks(&national),
        "Recensement général des votes — Conseil national des barreaux",
        &format!(
            "Recensement général des votes — empreinte {}",
            grouped(&hash)
        ),
        // The national PV states no date of its own: the day it is written (UTC).
        time::OffsetDateTime::now_utc().date(),
    )?;
    write_atomic(&pdf_path, &pdf)?;
    if a.json {
        return print_json(&serde_json::json!({
            "json": json_path.display().to_string(),
            "pdf": pdf_path.display().to_string(),
            "barreaux": national.barreaux.len(),
        }));
    }
    println!(
        "{} procès-verbaux vérifiés ; recensement écrit : {} et {}",
        national.barreaux.len(),
        json_path.display(),
        pdf_path.display()
    );
    Ok(())
}

/// The national PV as blocks.
pub fn blocks(n: &NationalPv) -> Vec<Block> {
    let mut b = vec![
        Block::Title("PROCÈS-VERBAL DU RECENSEMENT GÉNÉRAL DES VOTES".into()),
        Block::Subtitle("Élection des membres du Conseil national des barreaux".into()),
        Block::Paragraph("Le bureau du Conseil national des barreaux a procédé au recensement général des votes (décret n°91-1197, chapitre II : « Le recensement général des votes est effectué par le bureau du Conseil national des barreaux. Il en est dressé procès-verbal. »), à partir des procès-verbaux des barreaux ci-dessous, dont chacun a été vérifié : empreinte, signatures du bâtonnier et des scrutateurs présents.".into()),
        Block::Heading("1. Procès-verbaux des barreaux".into()),
        Block::Table {
            header: vec!["Barreau".into(), "Empreinte du procès-verbal".into(), "Signatures".into()],
            right: vec![false, false, true],
            rows: n
                .barreaux
                .iter()
                .map(|p| {
                    vec![
                        p.barreau.clone(),
                        grouped(&p.pv_hash).chars().take(35).collect::<String>() + "…",
                        fr(p.signatures.len() as u64),
                    ]
                })
                .collect(),
        },
    ];
    let mut section = 2;
    for (title, r) in [
        ("Collège ordinal", &n.ordinal),
        ("Collège général", &n.general),
    ] {
        if let Some(r) = r {
            b.push(Block::Heading(format!("{section}. {title}")));
            let mut out = String::new();
            urne::rules::report::render_recensement(&mut out, r);
            b.push(Block::Mono(out.lines().map(str::to_owned).collect()));
            section += 1;
        }
    }
    b.push(Block::Heading(format!("{section}. Voies de recours")));
    b.push(Block::Paragraph("Tout avocat peut déférer l'élection des membres du Conseil national des barreaux à la cour d'appel de Paris dans le délai de huit jours à compter de la proclamation des résultats ; le procureur général, dans le délai de quinze jours de la proclamation des résultats (décret n°91-1197, chapitre II).".into()));
    b.push(Block::Paragraph(format!(
        "Fait à {}, par le bureau du Conseil national des barreaux.",
        n.place
    )));
    b.push(Block::Signatures(vec![
        ("Le président".into(), String::new()),
        ("Le secrétaire".into(), String::new()),
    ]));
    b
}

//! `urne-tally decrypt --archive A --key K`: one bureau member's partial decryption of the
//! encrypted tally (docs/bureau-guide.md, « Le dépouillement »; docs/protocol.md §7; plan D3 step 3).
//!
//! The whole archive is verified first ([`crate::verified`]); the member's key (bâtonnier key or
//! scrutateur share) is checked against the bureau's keys of the genesis; then the member's
//! decryption shares of every tally ciphertext, each with its Chaum–Pedersen proof, are written to
//! a **partial file**: `{"format":"urne-partial-1","fingerprint":hex,"member":u32,"share":hex}`,
//! `share` being the canonical bytes of `crypto::decryption::PartialDecryption` (the future
//! `PartialDecryption` event's share). The file reveals nothing about any ballot: only the total
//! can be decrypted, and only with the bâtonnier's and `t` scrutateurs' files together.

use crate::error::{TallyResult, cannot, refused};
use crate::io::{open_key, print_json, write_atomic};
use crate::verified::{Verified, verify_archive};
use clap::Args;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use urne::crypto::decryption::PartialDecryption;
use urne::crypto::dkg::Trustee;
use urne::encoding::{Hash32, hex, unhex};

/// `format` of a partial file.
pub const PARTIAL_FORMAT: &str = "urne-partial-1";

/// A member's partial decryption, as a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialFile {
    /// [`PARTIAL_FORMAT`].
    pub format: String,
    /// The election fingerprint.
    pub fingerprint: Hash32,
    /// 0 = bâtonnier, `i` = scrutateur `i`.
    pub member: u32,
    /// Canonical bytes of the partial decryption, hexadecimal.
    pub share: String,
}

impl PartialFile {
    /// Reads and decodes a partial file; errors name the file.
    pub fn read(path: &Path) -> TallyResult<(PartialFile, PartialDecryption)> {
        let text = crate::io::read_text(path)?;
        let f: PartialFile = serde_json::from_str(&text).map_err(|e| {
            cannot(format!(
                "{} : fichier de déchiffrement illisible : {e}",
                path.display()
            ))
        })?;
        if f.format != PARTIAL_FORMAT {
            return Err(cannot(format!(
                "{} : format « {} » (« {PARTIAL_FORMAT} » attendu)",
                path.display(),
                f.format
            )));
        }
        let bytes =
            unhex(&f.share).map_err(|e| cannot(format!("{} : share : {e}", path.display())))?;
        let p = PartialDecryption::decode(&bytes).map_err(|e| {
            refused(format!(
                "{} : déchiffrement illisible : {e}",
                path.display()
            ))
        })?;
        if p.trustee.index() != f.member {
            return Err(refused(format!(
                "{} : le fichier se dit du membre {} mais contient le déchiffrement du {}",
                path.display(),
                f.member,
                p.trustee
            )));
        }
        Ok((f, p))
    }
}

/// Arguments of `urne-tally decrypt`.
#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// L'archive de l'urne après la clôture (fichier « .urne » remis par l'ordre).
    #[arg(long)]
    pub archive: PathBuf,
    /// Votre fichier de clé.
    #[arg(long)]
    pub key: PathBuf,
    /// Le fichier de déchiffrement à écrire (par défaut « dechiffrement-N.json », N votre numéro
    /// au bureau : 0 pour le bâtonnier).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Écrire la réponse en JSON (pour un programme).
    #[arg(long)]
    pub json: bool,
}

/// The member index of the holder of `key` in the genesis's bureau.
pub fn member_index(v: &Verified, key: &urne::board::PublicKey) -> Option<u32> {
    (0..v.genesis.bureau.len() as u32).find(|&m| v.genesis.bureau.member(m) == Some(*key))
}

/// « le bâtonnier (Me X) », « le scrutateur 2 (Me Y) ».
pub fn describe(v: &Verified, m: u32) -> String {
    let b = &v.election.bureau;
    match m {
        0 => format!("le bâtonnier ({})", b.batonnier.name),
        i => match b.scrutateurs.get(i as usize - 1) {
            Some(s) => format!("le scrutateur {i} ({})", s.name),
            None => format!("le membre {i}"),
        },
    }
}

/// Runs `decrypt`.
pub fn run(a: &DecryptArgs) -> TallyResult<()> {
    let v = verify_archive(&a.archive)?;
    let Some(tally) = v.tally.as_ref() else {
        return Err(refused(format!(
            "{} : l'archive ne contient pas encore le dépouillement chiffré (le vote est-il clos ?)",
            a.archive.display()
        )));
    };
    let (_, key, _) = open_key(&a.key)?;
    let member = member_index(&v, &key.public_key()).ok_or_else(|| {
        refused(format!(
            "la clé de {} n'est celle d'aucun membre du bureau de cette élection",
            key.name()
        ))
    })?;
    let secret = key.trustee_secret()?;
    let trustee = Trustee::from_index(member);
    if secret.trustee() != trustee || v.keys.public_key(trustee) != Some(secret.public()) {
        return Err(refused(format!(
            "la part de clé de ce fichier n'est pas celle de {} pour cette élection (fichier de clé d'une autre cérémonie ?)",
            describe(&v, member)
        )));
    }
    let partial = PartialDecryption::create(
        &v.fingerprint,
        secret,
        &tally.ciphertexts(),
        &mut rand::rng(),
    );
    let file = PartialFile {
        format: PARTIAL_FORMAT.into(),
        fingerprint: v.fingerprint,
        member,
        share: hex(&partial.encode()),
    };
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("dechiffrement-{member}.json")));
    let text = serde_json::to_string_pretty(&file).map_err(|e| cannot(e.to_string()))?;
    write_atomic(&out, format!("{text}\n").as_bytes())?;
    if a.json {
        return print_json(&serde_json::json!({
            "member": member,
            "partial": out.display().to_string(),
            "ballots": v.ballots,
            "fingerprint": v.fingerprint,
        }));
    }
    println!(
        "Archive vérifiée : {} bulletins, empreinte {}.",
        urne::rules::common::fr(v.ballots),
        urne::pv::render::grouped(&v.fingerprint)
    );
    println!(
        "Déchiffrement partiel de {} écrit : {} (à remettre au bâtonnier pour le résultat).",
        describe(&v, member),
        out.display()
    );
    Ok(())
}

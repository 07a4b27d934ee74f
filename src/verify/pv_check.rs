//! The procès-verbal given with `--pv` against the verified archive (docs/protocol.md
//! §Verifying an election, last steps; décret art. 28): it is this election's, names the
//! genesis's bureau, states exactly the `Result` event (byte for byte: every figure, every seat),
//! points at the archive's tally and result events, names who decrypted, carries a valid
//! signature of every member present, and is the PV the chain's PV signatures sign.

use super::report::{CheckId, Failure, Text};
use crate::board::Genesis;
use crate::count::first_difference;
use crate::encoding::Hash32;
use crate::pv::Pv;

/// What the archive says that the PV must repeat.
#[derive(Debug)]
pub(crate) struct ArchiveFacts<'a> {
    pub fingerprint: Hash32,
    pub genesis: &'a Genesis,
    pub result_json: Option<&'a [u8]>,
    pub tally_event: Option<(u64, Hash32)>,
    pub result_event: Option<(u64, Hash32)>,
    /// Members whose partial decryptions are in the chain, increasing.
    pub decrypted_by: Vec<u32>,
    /// The PV hash signed by the chain's `PvSignature` events, if any.
    pub chain_pv_hash: Option<Hash32>,
}

fn fail(code: &'static str, fr: String, en: String) -> Failure {
    Failure::new(CheckId::Pv, code, Text::new(fr, en))
}

fn members(v: &[u32]) -> String {
    if v.is_empty() {
        return "aucun".into();
    }
    v.iter()
        .map(|&m| {
            if m == 0 {
                "bâtonnier".to_owned()
            } else {
                format!("scrutateur {m}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks `pv`; returns the number of valid signatures and who signed.
pub(crate) fn check_pv(pv: &Pv, a: &ArchiveFacts<'_>) -> Result<(u64, Text), Failure> {
    if pv.fingerprint != a.fingerprint {
        return Err(fail(
            "pv.election",
            "le procès-verbal est celui d'une autre élection".into(),
            "the procès-verbal is another election's".into(),
        )
        .expected(a.fingerprint, pv.fingerprint));
    }
    let bureau = &a.genesis.bureau;
    let keys: Vec<_> = std::iter::once(bureau.batonnier)
        .chain(bureau.scrutateurs.iter().copied())
        .collect();
    if pv.bureau.members.len() != keys.len() {
        return Err(fail(
            "pv.bureau",
            "le procès-verbal ne nomme pas le bureau de la genèse".into(),
            "the procès-verbal does not name the genesis's bureau".into(),
        )
        .expected(
            format!("{} membres", keys.len()),
            format!("{} membres", pv.bureau.members.len()),
        ));
    }
    for (i, (m, k)) in pv.bureau.members.iter().zip(&keys).enumerate() {
        if m.member != i as u32 || m.public_key != *k {
            let mut f = fail(
                "pv.bureau",
                format!("membre {i} du bureau du procès-verbal différent de la genèse"),
                format!("bureau member {i} of the procès-verbal differs from the genesis"),
            )
            .expected(format!("{i} {k}"), format!("{} {}", m.member, m.public_key));
            f.member = Some(i as u32);
            return Err(f);
        }
    }
    if pv.bureau.threshold != bureau.threshold {
        return Err(fail(
            "pv.bureau",
            "seuil du bureau du procès-verbal différent de la genèse".into(),
            "the procès-verbal's threshold differs from the genesis".into(),
        )
        .expected(bureau.threshold, pv.bureau.threshold));
    }
    let Some(json) = a.result_json else {
        return Err(fail(
            "pv.no_result",
            "l'archive ne contient pas de résultat : le procès-verbal ne peut être vérifié".into(),
            "the archive holds no result: the procès-verbal cannot be checked".into(),
        ));
    };
    let stated = pv.result_bytes().map_err(|e| {
        fail(
            "pv.result",
            format!("résultat du procès-verbal illisible : {e}"),
            format!("unreadable result in the procès-verbal: {e}"),
        )
    })?;
    if stated != json {
        let archive: serde_json::Value = serde_json::from_slice(json).unwrap_or_default();
        let written: serde_json::Value = serde_json::from_slice(&stated).unwrap_or_default();
        let (path, expected, found) = first_difference(&archive, &written, "$.result")
            .unwrap_or_else(|| ("$.result".into(), String::new(), String::new()));
        return Err(fail(
            "pv.result",
            format!(
                "le procès-verbal ne reproduit pas le résultat de l'urne : il diffère à {path}"
            ),
            format!(
                "the procès-verbal does not state the ballot box's result: it differs at {path}"
            ),
        )
        .expected(expected, found));
    }
    let archive_of = |h: Option<(u64, Hash32)>| h.map(|(h, x)| format!("{h} {x}"));
    let pv_tally = format!("{} {}", pv.archive.tally_height, pv.archive.tally_event);
    let pv_result = format!("{} {}", pv.archive.result_height, pv.archive.result_event);
    if Some(&pv_tally) != archive_of(a.tally_event).as_ref()
        || Some(&pv_result) != archive_of(a.result_event).as_ref()
    {
        return Err(fail(
            "pv.archive",
            "le procès-verbal ne désigne pas les événements de dépouillement et de résultat de l'archive".into(),
            "the procès-verbal does not point at the archive's tally and result events".into(),
        )
        .expected(
            format!(
                "{} / {}",
                archive_of(a.tally_event).unwrap_or_default(),
                archive_of(a.result_event).unwrap_or_default()
            ),
            format!(
                "{} / {}",
                pv_tally, pv_result
            ),
        ));
    }
    let mut decrypted = pv.bureau.decrypted_by.clone();
    decrypted.sort_unstable();
    if decrypted != a.decrypted_by {
        return Err(fail(
            "pv.decrypted_by",
            "le procès-verbal ne nomme pas les membres qui ont déchiffré".into(),
            "the procès-verbal does not name the members who decrypted".into(),
        )
        .expected(members(&a.decrypted_by), members(&decrypted)));
    }
    if !pv.bureau.present.contains(&0)
        || a.decrypted_by
            .iter()
            .any(|m| !pv.bureau.present.contains(m))
    {
        return Err(fail(
            "pv.present",
            "le bâtonnier et les membres qui ont déchiffré doivent être déclarés présents".into(),
            "the bâtonnier and the members who decrypted must be declared present".into(),
        )
        .expected(
            members(&[vec![0], a.decrypted_by.clone()].concat()),
            members(&pv.bureau.present),
        ));
    }
    let status = pv.signature_status().map_err(|e| {
        fail(
            "pv.signature",
            format!("signatures du procès-verbal illisibles : {e}"),
            format!("unreadable signatures of the procès-verbal: {e}"),
        )
    })?;
    if let Some((m, why)) = status.invalid.first() {
        let mut f = fail(
            "pv.signature",
            format!("signature du procès-verbal refusée : {why}"),
            format!("signature of the procès-verbal refused (member {m}): {why}"),
        );
        f.member = Some(*m);
        return Err(f);
    }
    if let Some(m) = status.missing.first() {
        let mut f = fail(
            "pv.signature_missing",
            format!(
                "le procès-verbal n'est pas signé par tous les membres présents : manque {}",
                members(&status.missing)
            ),
            format!(
                "the procès-verbal is not signed by every member present: missing {}",
                members(&status.missing)
            ),
        )
        .expected(members(&pv.bureau.present), members(&status.signed));
        f.member = Some(*m);
        return Err(f);
    }
    let hash = pv.hash().map_err(|e| {
        fail(
            "pv.hash",
            format!("empreinte du procès-verbal incalculable : {e}"),
            format!("the procès-verbal's hash cannot be computed: {e}"),
        )
    })?;
    if let Some(h) = a.chain_pv_hash
        && h != hash
    {
        return Err(fail(
            "pv.hash",
            "ce procès-verbal n'est pas celui que les signatures de l'urne ont signé".into(),
            "this procès-verbal is not the one the ballot box's signatures signed".into(),
        )
        .expected(h, hash));
    }
    Ok((
        status.signed.len() as u64,
        Text::new(
            format!("signé par : {}", members(&status.signed)),
            format!(
                "signed by: {}",
                members(&status.signed).replace("aucun", "nobody")
            ),
        ),
    ))
}

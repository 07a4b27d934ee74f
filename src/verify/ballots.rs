//! The cryptographic check of the ballots, in parallel batches (docs/protocol.md §5.5, §5.6):
//! the chain checker has already checked that each ballot's credential is registered, not
//! revoked, has not voted and that the ballot was received within the voting period; here every
//! ballot's bytes are decoded strictly, must be canonical, name the event's credential and this
//! election, and their signature and proofs must hold. Groups of
//! [`BATCH_SIZE`](crate::crypto::ballot::BATCH_SIZE) ballots share one multiscalar
//! multiplication, groups run on all cores, and each group is also added to the tally there.
//! When a group fails, its ballots are checked one by one to name the culprit.

use super::diagnose::{Culprit, first_bad_proof};
use super::election::ElectionContext;
use super::report::{CheckId, Failure, Text};
use crate::board::{PublicKey, Right};
use crate::crypto::ballot::{BATCH_SIZE, Ballot, BallotWithRights, verify_ballots};
use crate::crypto::domain;
use crate::crypto::tally::TallyAccumulator;
use crate::encoding::{Hash32, tagged_hash};

/// A ballot the chain checker accepted, waiting for its cryptographic check.
#[derive(Debug, Clone)]
pub(crate) struct PendingBallot {
    /// Height of its event.
    pub height: u64,
    /// Byte offset of its record in the archive.
    pub offset: u64,
    /// The credential the event names.
    pub credential: PublicKey,
    /// That credential's rights.
    pub rights: Vec<Right>,
    /// The ballot's bytes.
    pub bytes: Vec<u8>,
}

impl PendingBallot {
    fn tracker(&self) -> Hash32 {
        tagged_hash(domain::TRACKER, &[&self.bytes])
    }

    fn failure(&self, code: &'static str, fr: String, en: String) -> Failure {
        let mut f = Failure::new(CheckId::Ballots, code, Text::new(fr, en)).at(self.height);
        f.offset = Some(self.offset);
        f.event = Some("Ballot");
        f.tracker = Some(self.tracker());
        f.credential = Some(self.credential);
        f
    }
}

/// Decodes a ballot and checks what ties it to its event: canonical bytes, this election, the
/// event's credential, exactly the credential's contests (docs/protocol.md §5.5), each with the
/// election's shape.
fn decode(ctx: &ElectionContext, p: &PendingBallot) -> Result<Ballot, Failure> {
    let ballot = Ballot::decode(&p.bytes).map_err(|e| {
        p.failure(
            "ballot.decode",
            format!("bulletin illisible : {e}"),
            format!(
                "unreadable ballot: field {} (byte {}): {}",
                e.field, e.offset, e.reason
            ),
        )
    })?;
    if ballot.encode() != p.bytes {
        return Err(p.failure(
            "ballot.noncanonical",
            "les octets du bulletin ne sont pas son encodage canonique".into(),
            "the ballot's bytes are not its canonical encoding".into(),
        ));
    }
    if ballot.election() != ctx.params.fingerprint {
        return Err(p
            .failure(
                "ballot.election",
                "bulletin d'une autre élection".into(),
                "ballot of another election".into(),
            )
            .expected(ctx.params.fingerprint, ballot.election()));
    }
    if ballot.credential().0 != p.credential.0 {
        return Err(p
            .failure(
                "ballot.credential",
                "le bulletin est signé par un autre identifiant que celui de l'événement".into(),
                "the ballot is signed by another credential than the event's".into(),
            )
            .expected(p.credential, PublicKey(ballot.credential().0)));
    }
    let carried = ballot.contest_indices();
    let rights: Vec<u32> = p.rights.iter().map(|r| r.contest).collect();
    if carried != rights {
        let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        return Err(p
            .failure(
                "ballot.rights",
                format!(
                    "le bulletin porte les scrutins {}, l'identifiant a des droits dans les scrutins {}",
                    list(&carried),
                    list(&rights)
                ),
                format!(
                    "the ballot carries contests {}, the credential has rights in contests {}",
                    list(&carried),
                    list(&rights)
                ),
            )
            .expected(list(&rights), list(&carried)));
    }
    for c in ballot.contests() {
        let shape = ctx.params.shape(c.contest());
        if shape.is_none_or(|s| s.options != c.options() || s.max != c.max()) {
            let mut f = p.failure(
                "ballot.shape",
                format!(
                    "scrutin {} : le bulletin a {} choix et {} au plus, pas la forme du scrutin",
                    c.contest(),
                    c.options(),
                    c.max()
                ),
                format!(
                    "contest {}: the ballot has {} options and at most {}, not the contest's shape",
                    c.contest(),
                    c.options(),
                    c.max()
                ),
            );
            if let Some(s) = shape {
                f = f.expected(
                    format!("{} choix, {} au plus", s.options, s.max),
                    format!("{} choix, {} au plus", c.options(), c.max()),
                );
            }
            f.contest = Some(c.contest());
            return Err(f);
        }
    }
    Ok(ballot)
}

/// Why a ballot that failed its batch fails alone: its signature, or else which proof.
fn diagnose(ctx: &ElectionContext, p: &PendingBallot, b: &Ballot, error: &str) -> Failure {
    let unsigned = &p.bytes[..p.bytes.len().saturating_sub(64)];
    let message = tagged_hash(domain::BALLOT_SIGNATURE, &[unsigned]);
    if b.credential().verify(&message.0, &b.signature()).is_err() {
        return p.failure(
            "ballot.signature",
            "signature du bulletin par l'identifiant invalide".into(),
            "the credential's signature of the ballot is invalid".into(),
        );
    }
    let Some((contest, culprit)) = first_bad_proof(&ctx.params, &p.bytes) else {
        return p.failure(
            "ballot.proof",
            format!("preuves du bulletin invalides : {error}"),
            format!("the ballot's proofs do not hold ({error})"),
        );
    };
    let (fr, en, option) = match culprit {
        Culprit::Option(o) => (
            format!(
                "scrutin {contest}, choix {o} : la preuve que le chiffré vaut 0 ou 1 est fausse"
            ),
            format!(
                "contest {contest}, option {o}: the proof that the ciphertext is 0 or 1 is false"
            ),
            Some(o),
        ),
        Culprit::Blank => (
            format!(
                "scrutin {contest}, blanc : la preuve que le chiffré du vote blanc vaut 0 ou 1 est fausse"
            ),
            format!(
                "contest {contest}, blank: the proof that the blank ciphertext is 0 or 1 is false"
            ),
            None,
        ),
        Culprit::Contest => (
            format!(
                "scrutin {contest} : toutes les preuves du scrutin sont fausses — un chiffré du scrutin a été altéré"
            ),
            format!(
                "contest {contest}: every proof of the contest is false — a ciphertext of the contest was altered"
            ),
            None,
        ),
        Culprit::Range => (
            format!(
                "scrutin {contest} : la preuve du nombre de choix (un vote blanc, ou de 1 au maximum de choix) est fausse"
            ),
            format!(
                "contest {contest}: the proof of the number of selections (a blank vote, or 1 to the maximum) is false"
            ),
            None,
        ),
    };
    let mut f = p.failure("ballot.proof", fr, en);
    f.contest = Some(contest);
    f.option = option;
    f
}

/// Checks one group and adds it to a partial tally.
fn verify_group(
    ctx: &ElectionContext,
    group: &[PendingBallot],
) -> Result<TallyAccumulator, Failure> {
    let ballots = group
        .iter()
        .map(|p| decode(ctx, p))
        .collect::<Result<Vec<Ballot>, Failure>>()?;
    let contests: Vec<Vec<u32>> = group
        .iter()
        .map(|p| p.rights.iter().map(|r| r.contest).collect())
        .collect();
    let with_rights: Vec<BallotWithRights<'_>> = ballots
        .iter()
        .zip(&contests)
        .map(|(b, c)| (b, c.as_slice()))
        .collect();
    if let Err(rejected) = verify_ballots(&with_rights, &ctx.params) {
        let i = rejected.index.min(group.len() - 1);
        return Err(diagnose(
            ctx,
            &group[i],
            &ballots[i],
            &rejected.error.to_string(),
        ));
    }
    let mut acc = TallyAccumulator::new(&ctx.params);
    for (p, b) in group.iter().zip(&ballots) {
        let weights: Vec<(u32, u64)> = p.rights.iter().map(|r| (r.contest, r.weight)).collect();
        acc.add(b, &weights).map_err(|e| {
            p.failure(
                "ballot.rights",
                format!("bulletin incompatible avec les droits de l'identifiant : {e}"),
                format!("ballot incompatible with the credential's rights: {e}"),
            )
        })?;
    }
    Ok(acc)
}

/// Verifies `chunk` on all cores and returns its tally; on failure, the failing ballot of lowest
/// height.
pub(crate) fn verify_chunk(
    ctx: &ElectionContext,
    chunk: &[PendingBallot],
) -> Result<TallyAccumulator, Failure> {
    let groups = |g: &[PendingBallot]| verify_group(ctx, g);
    #[cfg(feature = "parallel")]
    let parts: Vec<Result<TallyAccumulator, Failure>> = {
        use rayon::prelude::*;
        chunk.par_chunks(BATCH_SIZE).map(groups).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<Result<TallyAccumulator, Failure>> =
        chunk.chunks(BATCH_SIZE).map(groups).collect();
    let mut acc = TallyAccumulator::new(&ctx.params);
    // Groups come back in order, and each reports its first failing ballot.
    for part in parts {
        acc.merge(part?).map_err(|e| {
            Failure::new(
                CheckId::Tally,
                "tally.merge",
                Text::new(e.to_string(), format!("partial tallies do not merge: {e}")),
            )
        })?;
    }
    Ok(acc)
}

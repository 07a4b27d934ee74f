//! Helpers of the admin tests: the staff's side of the shared test support
//! ([`urne_server::testkit::admin`]: staff browser, bureau, letters through `pdftotext`), and
//! election definitions built from the repository's sample files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    unused_imports,
    unreachable_pub
)]

use std::path::{Path, PathBuf};

use urne::model::Election;

use crate::common::TestApp;
pub use urne_server::testkit::admin::*;

/// The repository root (for the sample files of `tests/`).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A sample file of the repository.
pub fn sample(path: &str) -> Vec<u8> {
    std::fs::read(repo().join(path)).unwrap()
}

/// The Valence sample election (bâtonnier with tickets, conseil with binômes; 45 electors) with
/// `bureau`, the ids given, its candidacies removed (they are imported from the sample CSV), and
/// the vote from `opening_in` to `closing_in` seconds from now.
pub fn valence(id: &str, bureau: &TestBureau, opening_in: i64, closing_in: i64) -> Election {
    let mut e: Election = serde_json::from_slice(&sample("tests/elections/valence.json")).unwrap();
    e.election_id = id.to_owned();
    e.campaign_id = format!("{id}-campagne");
    e.bureau = bureau.definition();
    for c in &mut e.contests {
        c.candidacies.clear();
    }
    let now = time::OffsetDateTime::now_utc();
    e.opening = now + time::Duration::seconds(opening_in);
    e.closing = now + time::Duration::seconds(closing_in);
    e
}

/// A Valence election prepared and sealed through the admin functions (the console acting):
/// definition, roll, candidacies, codes (their letters read back), the 15-day dérogation when the
/// vote opens sooner, the key ceremony through the relay, genesis and the bâtonnier's seal.
pub struct Sealed {
    pub id: String,
    pub definition: Election,
    pub bureau: TestBureau,
    /// `(CNBF, code)` from the letters.
    pub letters: Vec<(String, String)>,
    pub fingerprint: urne::encoding::Hash32,
}

impl Sealed {
    /// The code of `cnbf`'s letter.
    pub fn code(&self, cnbf: &str) -> String {
        self.letters
            .iter()
            .find(|(c, _)| c == cnbf)
            .map(|(_, k)| k.clone())
            .expect("courrier")
    }

    /// The credential the booth derives from `cnbf`'s code.
    pub fn credential(&self, cnbf: &str) -> urne::crypto::credential::Credential {
        urne::crypto::credential::Credential::derive(
            &urne::crypto::code::VoterCode::parse(&self.code(cnbf)).unwrap(),
            &self.definition.campaign_id,
        )
        .unwrap()
    }
}

/// Prepares (up to, not including, the seal when `seal` is false) the Valence election `id`.
pub async fn valence_election(
    app: &TestApp,
    id: &str,
    opening_in: i64,
    closing_in: i64,
    seal: bool,
) -> Sealed {
    use urne_server::admin::{candidacies, codes, definition, roll, sealing};
    let admin = console(app);
    let mut bureau = TestBureau::new(3, 2);
    let def = valence(id, &bureau, opening_in, closing_in);
    definition::create(&admin, &def, None).await.unwrap();
    roll::import(
        &admin,
        id,
        "valence.csv",
        &sample("tests/rolls/valence-utf-8-virgule.csv"),
        false,
    )
    .await
    .unwrap();
    candidacies::import(
        &admin,
        id,
        "valence.csv",
        &sample("tests/candidacies/valence.csv"),
    )
    .await
    .unwrap();
    let issued = codes::issue(&admin, id, codes::Delivery::default())
        .await
        .unwrap();
    let letters = codes_of_letters(&pdf_text(&issued.pdf));
    if opening_in < 15 * 86400 {
        codes::override_15_days(&admin, id, "essai du personnel de l'ordre")
            .await
            .unwrap();
    }
    bureau.ceremony(app, id).await;
    let build = urne::encoding::tagged_hash("URNE-V1-test-build", &[]);
    let built = sealing::build(&admin, id, build).await.unwrap();
    if seal {
        let s = urne::board::Seal::sign(&built.fingerprint, &bureau.keys[0]);
        sealing::seal(
            &admin,
            id,
            &sealing::SealFile {
                format: sealing::SEAL_FORMAT.into(),
                fingerprint: built.fingerprint,
                signature: s.signature,
            },
        )
        .await
        .unwrap();
    }
    Sealed {
        id: id.to_owned(),
        definition: def,
        bureau,
        letters,
        fingerprint: built.fingerprint,
    }
}

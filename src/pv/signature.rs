//! A bureau member's signature inside a document (the procès-verbal, a paper record): who signed,
//! with which key, and the ed25519 signature of the document's message.

use crate::board::{Bureau, PublicKey, SignatureBytes, sign};
use crate::encoding::Hash32;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

/// One member's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSignature {
    /// 0 = the bâtonnier, `i ≥ 1` = scrutateur `i` (genesis `bureau.scrutateurs[i − 1]`).
    pub member: u32,
    /// The member's key (must be the genesis key of that member).
    pub public_key: PublicKey,
    /// ed25519 over the document's message.
    pub signature: SignatureBytes,
}

/// « le bâtonnier », « le scrutateur 2 ».
pub fn member_label(member: u32) -> String {
    if member == 0 {
        "le bâtonnier".to_owned()
    } else {
        format!("le scrutateur {member}")
    }
}

/// « du bâtonnier », « du scrutateur 2 ».
pub fn of_member(member: u32) -> String {
    if member == 0 {
        "du bâtonnier".to_owned()
    } else {
        format!("du scrutateur {member}")
    }
}

impl MemberSignature {
    /// Member `member` signs `message`.
    pub fn sign(member: u32, key: &SigningKey, message: &Hash32) -> Self {
        MemberSignature {
            member,
            public_key: PublicKey::of(key),
            signature: sign(key, message),
        }
    }

    /// Checks that the key is the bureau's key of that member and the signature verifies.
    pub fn verify(&self, bureau: &Bureau, message: &Hash32) -> Result<(), String> {
        let expected = bureau.member(self.member).ok_or_else(|| {
            format!(
                "signature d'un membre {} inconnu (le bureau compte {} membres)",
                self.member,
                bureau.len()
            )
        })?;
        if expected != self.public_key {
            return Err(format!(
                "la clé de la signature {} n'est pas celle du bureau",
                of_member(self.member)
            ));
        }
        if !self.public_key.verifies(message, &self.signature) {
            return Err(format!("signature invalide {}", of_member(self.member)));
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::Election;

    pub(crate) fn keys() -> Vec<SigningKey> {
        (0..4u8)
            .map(|i| SigningKey::from_bytes(&[i + 10; 32]))
            .collect()
    }

    pub(crate) fn bureau(k: &[SigningKey]) -> Bureau {
        Bureau {
            batonnier: PublicKey::of(&k[0]),
            scrutateurs: k[1..].iter().map(PublicKey::of).collect(),
            threshold: 2,
            dkg_transcript: vec![1],
        }
    }

    /// A one-contest election (bâtonnier, tickets T1 and T2) with this bureau.
    pub(crate) fn election(k: &[SigningKey]) -> Election {
        let pk = |i: usize| crate::encoding::hex(&PublicKey::of(&k[i]).0);
        let json = format!(
            r#"{{"barreau":"Barreau de Test","campaign_id":"c","election_id":"e",
            "opening":"2026-11-24T07:00:00Z","closing":"2026-11-24T17:00:00Z",
            "bureau":{{"batonnier":{{"name":"Me Bâtonnier","public_key":"{}"}},
              "scrutateurs":[{{"name":"Me Un","public_key":"{}"}},{{"name":"Me Deux","public_key":"{}"}},{{"name":"Me Trois","public_key":"{}"}}],
              "threshold":2}},
            "contests":[{{"kind":"batonnier","id":"batonnier","round":1,"candidacies":[
              {{"kind":"batonnier","id":"T1","batonnier":"11111"}},
              {{"kind":"batonnier","id":"T2","batonnier":"22222"}}]}}]}}"#,
            pk(0),
            pk(1),
            pk(2),
            pk(3)
        );
        Election::parse(&json, crate::model::DefinitionFormat::Json, "test").unwrap()
    }

    #[test]
    fn a_signature_by_the_wrong_member_is_refused() {
        let k = keys();
        let m = Hash32([1; 32]);
        let s = MemberSignature::sign(1, &k[1], &m);
        s.verify(&bureau(&k), &m).unwrap();
        let mut wrong = s;
        wrong.member = 2;
        assert!(
            wrong
                .verify(&bureau(&k), &m)
                .unwrap_err()
                .contains("n'est pas celle")
        );
        assert!(
            s.verify(&bureau(&k), &Hash32([2; 32]))
                .unwrap_err()
                .contains("invalide")
        );
        let mut far = s;
        far.member = 9;
        assert!(far.verify(&bureau(&k), &m).unwrap_err().contains("inconnu"));
    }
}

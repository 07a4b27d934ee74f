//! A proxy credential (procuration, art. 26: « Chaque mandataire ne peut disposer de plus d'une
//! procuration »; DESIGN §3 "Proxies are publicly checkable"; docs/protocol.md §Ballot box events,
//! "ProxyCredential").
//!
//! The mandataire's browser endorses a fresh proxy credential for the mandant with the
//! mandataire's own credential; the ordre, having registered the procuration, authorises it. The
//! event revokes the mandant's credential and creates the proxy credential with the mandant's
//! rights.

use super::domain;
use super::keys::{PublicKey, SignatureBytes, sign, signed_message};
use crate::encoding::{DecodeError, Hash32, Reader, Writer};
use ed25519_dalek::SigningKey;

/// The proxy payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyCredential {
    /// The mandant's credential, revoked by this event.
    pub mandant: PublicKey,
    /// The new proxy credential, with the mandant's rights, held by the mandataire.
    pub proxy: PublicKey,
    /// The mandataire's own credential, which endorses the proxy credential.
    pub mandataire: PublicKey,
    /// The mandataire's credential's signature of
    /// `tagged_hash("URNE-V1-proxy-endorsement", [fingerprint, mandant, proxy])`.
    pub endorsement: SignatureBytes,
    /// The ordre's signature of
    /// `tagged_hash("URNE-V1-proxy-authorisation", [fingerprint, mandant, proxy, mandataire, endorsement])`.
    pub authorisation: SignatureBytes,
}

impl ProxyCredential {
    /// What the mandataire's credential signs.
    pub fn endorsement_message(
        fingerprint: &Hash32,
        mandant: &PublicKey,
        proxy: &PublicKey,
    ) -> Hash32 {
        signed_message(
            domain::PROXY_ENDORSEMENT,
            fingerprint,
            &[&mandant.0, &proxy.0],
        )
    }

    /// The mandataire's endorsement (made in the mandataire's browser with the credential key).
    pub fn endorse(
        fingerprint: &Hash32,
        mandant: &PublicKey,
        proxy: &PublicKey,
        mandataire_credential: &SigningKey,
    ) -> SignatureBytes {
        sign(
            mandataire_credential,
            &Self::endorsement_message(fingerprint, mandant, proxy),
        )
    }

    /// What the ordre signs.
    pub fn authorisation_message(&self, fingerprint: &Hash32) -> Hash32 {
        signed_message(
            domain::PROXY_AUTHORISATION,
            fingerprint,
            &[
                &self.mandant.0,
                &self.proxy.0,
                &self.mandataire.0,
                &self.endorsement.0,
            ],
        )
    }

    /// The ordre authorises an endorsed proxy.
    pub fn authorise(
        fingerprint: &Hash32,
        mandant: PublicKey,
        proxy: PublicKey,
        mandataire: PublicKey,
        endorsement: SignatureBytes,
        ordre: &SigningKey,
    ) -> Self {
        let mut p = ProxyCredential {
            mandant,
            proxy,
            mandataire,
            endorsement,
            authorisation: SignatureBytes([0; 64]),
        };
        p.authorisation = sign(ordre, &p.authorisation_message(fingerprint));
        p
    }

    /// The canonical encoding: the three keys, then the two signatures.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.fixed(&self.mandant.0)
            .fixed(&self.proxy.0)
            .fixed(&self.mandataire.0)
            .fixed(&self.endorsement.0)
            .fixed(&self.authorisation.0);
        w.into_bytes()
    }

    /// Strict decoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let p = ProxyCredential {
            mandant: PublicKey::read(&mut r, "proxy.mandant")?,
            proxy: PublicKey::read(&mut r, "proxy.proxy")?,
            mandataire: PublicKey::read(&mut r, "proxy.mandataire")?,
            endorsement: SignatureBytes::read(&mut r, "proxy.endorsement")?,
            authorisation: SignatureBytes::read(&mut r, "proxy.authorisation")?,
        };
        r.finish("proxy")?;
        Ok(p)
    }
}

//! The figures of a count that are not in the ciphertexts, derived from the ballot box alone
//! (plan D2): inscrits per contest (credentials of the genesis with a right in it: people, not
//! voices), internet votants per contest (ballots carrying the contest) and their voices, the
//! ballots cast by proxy credentials, the proxies and reissues registered, and the close.
//!
//! Fed with every checked event of a chain ([`BoardFigures::observe`]), in one pass, in memory
//! proportional to the number of proxy credentials only.

use crate::board::{CheckedEvent, CloseReason, Genesis, Payload, PublicKey};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};

/// The close of the vote, as the PV states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseInfo {
    /// Unix time of the close.
    pub time: u64,
    /// `true` if the ordre closed the vote by decision (incident), `false` at the closing time.
    pub by_decision: bool,
    /// The ordre's note (the reason of a decision).
    pub note: String,
}

/// One contest's figures from the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContestBoard {
    /// Contest index in the definition (ballot order).
    pub contest: u32,
    /// Credentials of the genesis with a right in this contest.
    pub inscrits: u64,
    /// Ballots carrying this contest.
    pub ballots: u64,
    /// Sum of their weights (voices).
    pub weight: u64,
    /// Of the ballots, those cast by a proxy credential (a mandataire for a mandant).
    pub proxy_ballots: u64,
    /// The distinct weights of the rights in this contest (genesis): one value except where a
    /// definition mixes weights.
    pub weights: BTreeSet<u64>,
}

/// The figures of a whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardFigures {
    /// Credentials of the genesis.
    pub credentials: u64,
    /// Ballots cast.
    pub ballots: u64,
    /// Proxies registered (`ProxyCredential` events).
    pub proxies: u64,
    /// Codes reissued (`CredentialReissue` events).
    pub reissues: u64,
    /// Per contest, in definition order.
    pub contests: Vec<ContestBoard>,
    /// The close, once it is on the board.
    pub close: Option<CloseInfo>,
}

/// Accumulates [`BoardFigures`] over the checked events of a chain.
#[derive(Debug, Clone, Default)]
pub struct BoardFiguresBuilder {
    figures: Option<BoardFigures>,
    proxy_credentials: HashSet<PublicKey>,
}

impl BoardFiguresBuilder {
    /// A builder waiting for the genesis.
    pub fn new() -> Self {
        Self::default()
    }

    fn start(&mut self, g: &Genesis, contests: usize) {
        let mut cs: Vec<ContestBoard> = (0..contests)
            .map(|c| ContestBoard {
                contest: c as u32,
                inscrits: 0,
                ballots: 0,
                weight: 0,
                proxy_ballots: 0,
                weights: BTreeSet::new(),
            })
            .collect();
        for cred in &g.credentials {
            for r in &cred.rights {
                if let Some(c) = cs.get_mut(r.contest as usize) {
                    c.inscrits += 1;
                    c.weights.insert(r.weight);
                }
            }
        }
        self.figures = Some(BoardFigures {
            credentials: g.credentials.len() as u64,
            ballots: 0,
            proxies: 0,
            reissues: 0,
            contests: cs,
            close: None,
        });
    }

    /// Takes one checked event, in chain order.
    pub fn observe(&mut self, e: &CheckedEvent) {
        if let Payload::Genesis(g) = &e.event.payload {
            // The number of contests is the definition's; a right to a contest beyond it is
            // refused by the count (`count::compute`), so count every index that appears.
            let n = g
                .credentials
                .iter()
                .flat_map(|c| c.rights.iter().map(|r| r.contest as usize + 1))
                .max()
                .unwrap_or(0);
            let defined = serde_json::from_slice::<crate::model::Election>(&g.definition)
                .map(|d| d.contests.len())
                .unwrap_or(0);
            self.start(g, n.max(defined));
            return;
        }
        let Some(f) = self.figures.as_mut() else {
            return;
        };
        match &e.event.payload {
            Payload::ProxyCredential(p) => {
                f.proxies += 1;
                self.proxy_credentials.insert(p.proxy);
            }
            Payload::CredentialReissue(r) => {
                f.reissues += 1;
                // A reissued proxy credential is still a proxy credential.
                if self.proxy_credentials.contains(&r.old) {
                    self.proxy_credentials.insert(r.new);
                }
            }
            Payload::Ballot(b) => {
                f.ballots += 1;
                let proxy = self.proxy_credentials.contains(&b.credential);
                for r in &e.rights {
                    if let Some(c) = f.contests.get_mut(r.contest as usize) {
                        c.ballots += 1;
                        c.weight = c.weight.saturating_add(r.weight);
                        if proxy {
                            c.proxy_ballots += 1;
                        }
                    }
                }
            }
            Payload::Close(c) => {
                f.close = Some(CloseInfo {
                    time: c.time,
                    by_decision: c.reason == CloseReason::Decision,
                    note: c.note.clone(),
                });
            }
            _ => {}
        }
    }

    /// The figures, once the genesis was seen.
    pub fn finish(self) -> Option<BoardFigures> {
        self.figures
    }
}

//! Fault injection for reliability tests: a rate of error responses per verb and kind,
//! added latency. Configured at start ([`crate::Options::faults`]) or at runtime with
//! `GET`/`PUT /sandbox/faults`.

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The fault configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Faults {
    #[serde(default)]
    pub rules: Vec<FaultRule>,
    /// Added to every resource request.
    #[serde(default)]
    pub latency_ms: u64,
    /// Seed of the random choices (the same seed and requests give the same faults).
    #[serde(default)]
    pub seed: u64,
    /// Stop the sandbox's clock: timestamps stand still, simulated delays never end.
    #[serde(default)]
    pub frozen_clock: bool,
    /// End every watch this long after it starts (clients must re-watch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_watches_after_ms: Option<u64>,
}

/// Fail a share of matching requests with an HTTP code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`; empty = all.
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Kinds (`Deployment`); empty = all.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// 500, 409 or 429.
    pub code: u16,
    /// Between 0 and 1.
    pub rate: f64,
}

/// The live fault state.
#[derive(Debug, Default)]
pub struct FaultState {
    inner: Mutex<(Faults, u64)>,
}

impl FaultState {
    pub fn new(faults: Faults) -> FaultState {
        let seed = faults.seed;
        FaultState {
            inner: Mutex::new((faults, seed.max(1))),
        }
    }

    pub fn get(&self) -> Faults {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone()
    }

    pub fn set(&self, faults: Faults) {
        let seed = faults.seed.max(1);
        *self.inner.lock().unwrap_or_else(|e| e.into_inner()) = (faults, seed);
    }

    /// The latency to add and the error code to answer with, if any, for a request.
    pub fn decide(&self, verb: &str, kind: &str) -> (Duration, Option<u16>) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (faults, state) = &mut *guard;
        let latency = Duration::from_millis(faults.latency_ms);
        for rule in &faults.rules {
            let verb_ok = rule.verbs.is_empty() || rule.verbs.iter().any(|v| v == verb);
            let kind_ok = rule.kinds.is_empty() || rule.kinds.iter().any(|k| k == kind);
            if !(verb_ok && kind_ok) {
                continue;
            }
            // xorshift64*: small, seedable, good enough for fault rates.
            *state ^= *state >> 12;
            *state ^= *state << 25;
            *state ^= *state >> 27;
            let r = state.wrapping_mul(0x2545_F491_4F6C_DD1D);
            let unit = (r >> 11) as f64 / (1u64 << 53) as f64;
            if unit < rule.rate {
                return (latency, Some(rule.code));
            }
        }
        (latency, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_fails_about_that_share_of_matching_requests() {
        let f = FaultState::new(Faults {
            rules: vec![FaultRule {
                verbs: vec!["patch".into()],
                kinds: vec![],
                code: 500,
                rate: 0.3,
            }],
            latency_ms: 0,
            seed: 7,
            ..Faults::default()
        });
        let failed = (0..10_000)
            .filter(|_| f.decide("patch", "Deployment").1.is_some())
            .count();
        assert!((2_700..3_300).contains(&failed), "{failed}");
        assert_eq!(f.decide("get", "Deployment").1, None);
    }
}

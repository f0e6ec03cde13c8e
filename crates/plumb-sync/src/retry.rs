//! The retry schedule of `syncPolicy.retry`: `duration`, then ×`factor` each time,
//! capped at `maxDuration`, at most `limit` retries (Argo CD's defaults: 5s, 2, 3m).

use std::time::Duration;

use plumb_model::application::Retry;
use plumb_model::duration::{InvalidDuration, parse};

/// When to retry a failed sync.
#[derive(Debug, Clone, PartialEq)]
pub struct RetrySchedule {
    /// Retries after the first attempt; `None` for unlimited (a negative limit).
    pub limit: Option<u32>,
    pub base: Duration,
    pub factor: u32,
    pub max: Duration,
}

impl RetrySchedule {
    /// The schedule of a retry policy.
    pub fn from_spec(retry: &Retry) -> Result<RetrySchedule, InvalidDuration> {
        let backoff = retry.backoff.clone().unwrap_or_default();
        Ok(RetrySchedule {
            limit: u32::try_from(retry.limit).ok(),
            base: parse(backoff.duration.as_deref().unwrap_or("5s"))?,
            factor: u32::try_from(backoff.factor.unwrap_or(2))
                .unwrap_or(2)
                .max(1),
            max: parse(backoff.max_duration.as_deref().unwrap_or("3m"))?,
        })
    }

    /// The delay before retry number `n` (1-based), or `None` when the limit is spent.
    pub fn delay(&self, n: u32) -> Option<Duration> {
        if n == 0 || self.limit.is_some_and(|l| n > l) {
            return None;
        }
        let mut d = self.base;
        for _ in 1..n {
            d = d.saturating_mul(self.factor);
            if d >= self.max {
                return Some(self.max);
            }
        }
        Some(d.min(self.max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plumb_model::application::Backoff;

    #[test]
    fn the_seed_schedule_is_5_10_20_40_80_seconds_then_stops() {
        let retry = Retry {
            limit: 5,
            backoff: Some(Backoff {
                duration: Some("5s".into()),
                factor: Some(2),
                max_duration: Some("3m".into()),
            }),
        };
        let s = RetrySchedule::from_spec(&retry).expect("valid");
        let delays: Vec<u64> = (1..=6)
            .filter_map(|n| s.delay(n))
            .map(|d| d.as_secs())
            .collect();
        assert_eq!(delays, [5, 10, 20, 40, 80]);
        let capped = RetrySchedule { limit: None, ..s };
        assert_eq!(capped.delay(7).map(|d| d.as_secs()), Some(180));
    }
}

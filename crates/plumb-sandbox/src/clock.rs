//! The sandbox's clock. Every timestamp the API server and the simulator write, and
//! every delay the simulator waits (readiness, backoffs, progress deadlines, traffic),
//! reads this clock, so `--time-scale F` plays F simulated seconds per real second and a
//! frozen clock (a fault) stops them all.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use tokio::sync::watch;

/// A scalable, freezable clock.
#[derive(Debug)]
pub struct Clock {
    inner: Mutex<Anchor>,
    /// Bumped on every freeze and thaw, so sleepers recompute their deadline.
    changes: watch::Sender<u64>,
}

#[derive(Debug, Clone, Copy)]
struct Anchor {
    real: Instant,
    sim: Timestamp,
    scale: f64,
    frozen: bool,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new(1.0)
    }
}

impl Clock {
    /// A clock starting at the wall-clock time, running `scale`× faster (a non-positive
    /// or non-finite scale counts as 1).
    pub fn new(scale: f64) -> Clock {
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        Clock {
            inner: Mutex::new(Anchor {
                real: Instant::now(),
                sim: Timestamp::now(),
                scale,
                frozen: false,
            }),
            changes: watch::Sender::new(0),
        }
    }

    fn anchor(&self) -> Anchor {
        *self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sim_at(a: &Anchor, real: Instant) -> Timestamp {
        if a.frozen {
            return a.sim;
        }
        let elapsed = real.saturating_duration_since(a.real).as_secs_f64() * a.scale;
        let d = SignedDuration::try_from_secs_f64(elapsed).unwrap_or(SignedDuration::ZERO);
        a.sim.checked_add(d).unwrap_or(a.sim)
    }

    /// The simulated time now.
    pub fn now(&self) -> Timestamp {
        Self::sim_at(&self.anchor(), Instant::now())
    }

    /// The simulated time as the API server writes it (RFC 3339, whole seconds).
    pub fn rfc3339(&self) -> String {
        format_ts(self.now())
    }

    /// Simulated seconds since an RFC 3339 timestamp (0 when it does not parse).
    pub fn secs_since(&self, ts: Option<&str>) -> i64 {
        ts.and_then(|t| t.parse::<Timestamp>().ok())
            .map(|t| self.now().as_second() - t.as_second())
            .unwrap_or(0)
    }

    /// How many simulated seconds pass per real second.
    pub fn scale(&self) -> f64 {
        self.anchor().scale
    }

    /// Whether the clock is stopped.
    pub fn is_frozen(&self) -> bool {
        self.anchor().frozen
    }

    /// Stops or restarts the clock; a restarted clock continues from where it stopped.
    pub fn set_frozen(&self, frozen: bool) {
        {
            let mut a = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            if a.frozen == frozen {
                return;
            }
            let now = Instant::now();
            a.sim = Self::sim_at(&a, now);
            a.real = now;
            a.frozen = frozen;
        }
        self.changes.send_modify(|n| *n += 1);
    }

    /// The real time a simulated duration takes (unfrozen).
    pub fn to_real(&self, sim: Duration) -> Duration {
        sim.div_f64(self.scale())
    }

    /// The simulated duration a real duration represents.
    pub fn to_sim(&self, real: Duration) -> Duration {
        real.mul_f64(self.scale())
    }

    /// Waits until `sim` simulated time has passed (forever while the clock is frozen).
    pub async fn sleep(&self, sim: Duration) {
        let Ok(d) = SignedDuration::try_from(sim) else {
            return std::future::pending().await;
        };
        let deadline = self.now().checked_add(d).unwrap_or(Timestamp::MAX);
        self.sleep_until(deadline).await;
    }

    /// Waits until the simulated time reaches `deadline`.
    pub async fn sleep_until(&self, deadline: Timestamp) {
        let mut changes = self.changes.subscribe();
        loop {
            let a = self.anchor();
            let now = Self::sim_at(&a, Instant::now());
            if now >= deadline {
                return;
            }
            if a.frozen {
                if changes.changed().await.is_err() {
                    return std::future::pending().await;
                }
                continue;
            }
            let left = Duration::try_from(deadline.duration_since(now)).unwrap_or_default();
            // A little over, so one wake-up usually suffices despite rounding.
            let real = left.div_f64(a.scale) + Duration::from_micros(50);
            tokio::select! {
                _ = tokio::time::sleep(real) => {}
                r = changes.changed() => if r.is_err() { return std::future::pending().await },
            }
        }
    }
}

/// RFC 3339 with whole seconds, as Kubernetes writes `metav1.Time`.
pub fn format_ts(t: Timestamp) -> String {
    t.round(jiff::Unit::Second)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scaled_clock_runs_faster() {
        let c = Clock::new(100.0);
        let t0 = c.now();
        std::thread::sleep(Duration::from_millis(50));
        let d = c.now().duration_since(t0).as_secs_f64();
        assert!((4.5..20.0).contains(&d), "{d}");
        assert_eq!(
            c.to_real(Duration::from_secs(10)),
            Duration::from_millis(100)
        );
    }

    #[test]
    fn a_frozen_clock_stands_still_and_resumes_where_it_stopped() {
        let c = Clock::new(1000.0);
        c.set_frozen(true);
        let t0 = c.now();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(c.now(), t0);
        c.set_frozen(false);
        assert!(c.now().duration_since(t0).as_secs_f64() < 15.0);
    }

    #[tokio::test]
    async fn sleep_waits_for_a_thaw() {
        let c = std::sync::Arc::new(Clock::new(1000.0));
        c.set_frozen(true);
        let c2 = c.clone();
        let h = tokio::spawn(async move { c2.sleep(Duration::from_secs(1)).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!h.is_finished(), "a frozen clock must not let a sleep end");
        c.set_frozen(false);
        tokio::time::timeout(Duration::from_secs(2), h)
            .await
            .expect("the sleep ends after the thaw")
            .unwrap();
    }
}

//! The CronJob controller, after kube-controller-manager's `pkg/controller/cronjob`: at
//! each time of the schedule (standard five-field cron, the `@hourly`-style macros, an
//! optional `timeZone`) a Job `<cronjob>-<minutes since the epoch>`, within
//! `startingDeadlineSeconds` and the `concurrencyPolicy`, unless suspended; finished Jobs
//! beyond the history limits are deleted; the status lists the active Jobs and the last
//! schedule and success times. Time is the simulator's clock (`--time-scale`).

use jiff::civil::{DateTime, date};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde_json::{Value, json};

use super::job::{batch_owner_ref, has_condition};
use super::statefulset::{name_of, uid_of};
use super::{CRONJOBS, JOBS, Sim, SimError, pass_now, terminating};

/// The events' source.
const COMPONENT: &str = "cronjob-controller";
/// The annotation of a CronJob's Job holding its scheduled time.
const SCHEDULED: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";
/// Missed schedules looked at before giving up on finding the latest (the real
/// controller warns past 100 and still starts the most recent one).
const MAX_MISSED: usize = 10_000;

impl Sim {
    /// Reconciles one CronJob: its Jobs' bookkeeping, history cleanup, and a new Job when
    /// a scheduled time has come.
    pub(super) fn sync_cronjob(&self, ns: &str, name: &str) -> Result<(), SimError> {
        let Some(cj) = self.state.store.get(CRONJOBS, ns, name) else {
            return Ok(());
        };
        if terminating(&cj) {
            return Ok(());
        }
        let uid = uid_of(&cj);
        let spec = &cj["spec"];
        let mut status = cj["status"].clone();
        if !status.is_object() {
            status = json!({});
        }
        let jobs: Vec<Value> = self
            .owned_by(JOBS, ns, &uid)
            .into_iter()
            .filter(|j| !terminating(j))
            .map(|j| (*j).clone())
            .collect();
        let finished = |j: &Value| {
            has_condition(&j["status"], "Complete") || has_condition(&j["status"], "Failed")
        };
        let mut active: Vec<Value> = jobs.iter().filter(|j| !finished(j)).cloned().collect();
        let was_active = |j: &Value| {
            status["active"]
                .as_array()
                .is_some_and(|a| a.iter().any(|r| r["uid"] == j["metadata"]["uid"]))
        };
        for j in jobs.iter().filter(|j| finished(j) && was_active(j)) {
            let cond = if has_condition(&j["status"], "Complete") {
                "Complete"
            } else {
                "Failed"
            };
            let msg = format!("Saw completed job: {}, condition: {cond}", name_of(j));
            self.controller_event(&cj, COMPONENT, false, "SawCompletedJob", &msg);
        }
        for j in jobs
            .iter()
            .filter(|j| has_condition(&j["status"], "Complete"))
        {
            if let Some(t) = j["status"]["completionTime"].as_str()
                && status["lastSuccessfulTime"]
                    .as_str()
                    .is_none_or(|cur| later(t, cur))
            {
                status["lastSuccessfulTime"] = json!(t);
            }
        }

        // History limits: the oldest finished Jobs beyond them are deleted.
        for (complete, field, default) in [
            (true, "successfulJobsHistoryLimit", 3),
            (false, "failedJobsHistoryLimit", 1),
        ] {
            let limit = spec[field].as_i64().unwrap_or(default).max(0);
            let mut done: Vec<&Value> = jobs
                .iter()
                .filter(|j| {
                    if complete {
                        has_condition(&j["status"], "Complete")
                    } else {
                        has_condition(&j["status"], "Failed")
                    }
                })
                .collect();
            done.sort_by_key(|j| started(j));
            let excess = done.len() as i64 - limit;
            for j in done.into_iter().take(usize::try_from(excess).unwrap_or(0)) {
                self.remove_job(&cj, j)?;
            }
        }

        if spec["suspend"].as_bool() != Some(true)
            && let Some(at) = self.due_time(&cj, &status)
        {
            let job_name = format!("{name}-{}", at.as_second().div_euclid(60));
            let exists = jobs.iter().any(|j| name_of(j) == job_name);
            let policy = spec["concurrencyPolicy"].as_str().unwrap_or("Allow");
            if exists {
                status["lastScheduleTime"] = json!(crate::clock::format_ts(at));
            } else if policy == "Forbid" && !active.is_empty() {
                // Skipped: the next schedule is tried when the active Job finishes.
                self.controller_event(
                    &cj,
                    COMPONENT,
                    false,
                    "JobAlreadyActive",
                    "Not starting job because prior execution is running and concurrency policy is Forbid",
                );
            } else {
                if policy == "Replace" {
                    for j in &active {
                        self.remove_job(&cj, j)?;
                    }
                    active.clear();
                }
                let job = self.create("batch", "jobs", ns, job_from(&cj, &job_name, at))?;
                let msg = format!("Created job {job_name}");
                self.controller_event(&cj, COMPONENT, false, "SuccessfulCreate", &msg);
                active.push((*job).clone());
                status["lastScheduleTime"] = json!(crate::clock::format_ts(at));
            }
        }

        let refs: Vec<Value> = active
            .iter()
            .map(|j| {
                json!({"apiVersion": "batch/v1", "kind": "Job", "name": j["metadata"]["name"],
                       "namespace": ns, "resourceVersion": j["metadata"]["resourceVersion"],
                       "uid": j["metadata"]["uid"]})
            })
            .collect();
        match status.as_object_mut() {
            Some(m) if refs.is_empty() => {
                m.remove("active");
            }
            _ => status["active"] = json!(refs),
        }
        self.write_status(CRONJOBS, ns, name, &uid, status)
    }

    /// The most recent scheduled time not yet run, within `startingDeadlineSeconds`.
    fn due_time(&self, cj: &Value, status: &Value) -> Option<Timestamp> {
        let schedule = Schedule::parse(cj["spec"]["schedule"].as_str()?).ok()?;
        let tz = match cj["spec"]["timeZone"].as_str() {
            Some(name) => TimeZone::get(name).ok()?,
            None => TimeZone::UTC,
        };
        let now = pass_now();
        let parse = |p: &Value| p.as_str().and_then(|t| t.parse::<Timestamp>().ok());
        let mut earliest = parse(&status["lastScheduleTime"])
            .or_else(|| parse(&cj["metadata"]["creationTimestamp"]))?;
        if let Some(d) = cj["spec"]["startingDeadlineSeconds"].as_i64() {
            let limit = now.checked_sub(Span::new().seconds(d)).ok()?;
            if limit > earliest {
                earliest = limit;
            }
        }
        let mut latest = None;
        let mut t = earliest;
        for _ in 0..MAX_MISSED {
            match schedule.next_after(t, &tz) {
                Some(n) if n <= now => {
                    latest = Some(n);
                    t = n;
                }
                _ => return latest,
            }
        }
        latest
    }

    /// Deletes a Job through the API server; the garbage collector takes its Pods.
    fn remove_job(&self, cj: &Value, job: &Value) -> Result<(), SimError> {
        let ty = self
            .state
            .registry
            .get("batch", "v1", "jobs")
            .ok_or(SimError::Unregistered("jobs"))?;
        let ns = job["metadata"]["namespace"].as_str().unwrap_or("");
        match crate::api::delete::delete_as_controller(
            &self.state,
            &ty,
            ns,
            &name_of(job),
            &uid_of(job),
        ) {
            Err(e) if e.code == 404 || e.code == 409 => Ok(()),
            r => {
                r.map_err(SimError::Api)?;
                let msg = format!("Deleted job {}", name_of(job));
                self.controller_event(cj, COMPONENT, false, "SuccessfulDelete", &msg);
                Ok(())
            }
        }
    }
}

/// Whether RFC 3339 time `a` is after `b`.
fn later(a: &str, b: &str) -> bool {
    match (a.parse::<Timestamp>(), b.parse::<Timestamp>()) {
        (Ok(a), Ok(b)) => a > b,
        _ => true,
    }
}

fn started(j: &Value) -> String {
    j["status"]["startTime"]
        .as_str()
        .or(j["metadata"]["creationTimestamp"].as_str())
        .unwrap_or("")
        .to_string()
}

/// `getJobFromTemplate2`.
fn job_from(cj: &Value, name: &str, at: Timestamp) -> Value {
    let tmpl = &cj["spec"]["jobTemplate"];
    let mut annotations = tmpl["metadata"]["annotations"].clone();
    if !annotations.is_object() {
        annotations = json!({});
    }
    let zone = match cj["spec"]["timeZone"].as_str() {
        Some(z) => TimeZone::get(z).unwrap_or(TimeZone::UTC),
        None => TimeZone::UTC,
    };
    annotations[SCHEDULED] = json!(
        at.to_zoned(zone)
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
            .replace("+00:00", "Z")
    );
    let mut meta = json!({
        "name": name,
        "annotations": annotations,
        "ownerReferences": [batch_owner_ref(cj, "CronJob")],
    });
    if let Some(l) = tmpl["metadata"].get("labels") {
        meta["labels"] = l.clone();
    }
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": tmpl["spec"]})
}

/// A parsed five-field cron schedule (robfig/cron's standard parser).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Schedule {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    /// The day-of-month or day-of-week field is `*`/`?`: then both must match, else either.
    dom_star: bool,
    dow_star: bool,
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

impl Schedule {
    pub(super) fn parse(spec: &str) -> Result<Schedule, String> {
        let spec = spec.trim();
        let expanded = match spec {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            s if s.starts_with('@') => return Err(format!("unrecognized descriptor: {s}")),
            s => s,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "expected exactly 5 fields, found {}: {spec}",
                fields.len()
            ));
        }
        let (minute, _) = field(fields[0], 0, 59, &[])?;
        let (hour, _) = field(fields[1], 0, 23, &[])?;
        let (dom, dom_star) = field(fields[2], 1, 31, &[])?;
        let (month, _) = field(fields[3], 1, 12, MONTHS)?;
        let (mut dow, dow_star) = field(fields[4], 0, 7, DAYS)?;
        if dow & (1 << 7) != 0 {
            dow = (dow & !(1 << 7)) | 1;
        }
        Ok(Schedule {
            minute,
            hour,
            dom,
            month,
            dow,
            dom_star,
            dow_star,
        })
    }

    fn day_matches(&self, dt: DateTime) -> bool {
        let dom = self.dom & (1 << dt.day()) != 0;
        let dow = self.dow & (1 << dt.weekday().to_sunday_zero_offset()) != 0;
        if self.dom_star || self.dow_star {
            dom && dow
        } else {
            dom || dow
        }
    }

    /// The first scheduled minute strictly after `t`, in `tz`.
    pub(super) fn next_after(&self, t: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let local = t.to_zoned(tz.clone()).datetime();
        let mut dt = local
            .date()
            .at(local.hour(), local.minute(), 0, 0)
            .checked_add(Span::new().minutes(1))
            .ok()?;
        let limit = dt.year() + 5;
        while dt.year() <= limit {
            if self.month & (1 << dt.month()) == 0 {
                let (y, m) = if dt.month() == 12 {
                    (dt.year() + 1, 1)
                } else {
                    (dt.year(), dt.month() + 1)
                };
                dt = date(y, m, 1).at(0, 0, 0, 0);
                continue;
            }
            if !self.day_matches(dt) {
                dt = dt.date().tomorrow().ok()?.at(0, 0, 0, 0);
                continue;
            }
            if self.hour & (1 << dt.hour()) == 0 {
                dt = dt
                    .date()
                    .at(dt.hour(), 0, 0, 0)
                    .checked_add(Span::new().hours(1))
                    .ok()?;
                continue;
            }
            if self.minute & (1 << dt.minute()) == 0 {
                dt = dt.checked_add(Span::new().minutes(1)).ok()?;
                continue;
            }
            let at = tz.to_ambiguous_zoned(dt).compatible().ok()?.timestamp();
            if at > t {
                return Some(at);
            }
            dt = dt.checked_add(Span::new().minutes(1)).ok()?;
        }
        None
    }
}

/// One field: comma-separated `*`, `?`, `N`, `N-M`, each with an optional `/step`; names
/// allowed where given. Returns the bit set and whether the field is a plain star.
fn field(expr: &str, min: u32, max: u32, names: &[&str]) -> Result<(u64, bool), String> {
    let mut bits = 0u64;
    let mut star = false;
    for part in expr.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                Some(s.parse::<u32>().map_err(|_| format!("bad step: {part}"))?),
            ),
            None => (part, None),
        };
        let value = |s: &str| -> Result<u32, String> {
            if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
                return Ok(u32::try_from(i).unwrap_or(0) + min);
            }
            s.parse::<u32>()
                .map_err(|_| format!("failed to parse int from {s}"))
        };
        let (lo, hi, is_star) = if range == "*" || range == "?" {
            (min, max, true)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a)?, value(b)?, false)
        } else {
            let v = value(range)?;
            (v, if step.is_some() { max } else { v }, false)
        };
        if lo < min || hi > max || lo > hi {
            return Err(format!("end of range ({hi}) above maximum ({max}): {part}"));
        }
        let step = step.unwrap_or(1);
        if step == 0 {
            return Err(format!("step of range should be a positive number: {part}"));
        }
        if is_star && step == 1 {
            star = true;
        }
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok((bits, star))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(spec: &str, from: &str) -> String {
        let s = Schedule::parse(spec).expect("parses");
        let t: Timestamp = from.parse().expect("a time");
        s.next_after(t, &TimeZone::UTC)
            .expect("a next time")
            .to_string()
    }

    #[test]
    fn schedules_step_through_minutes_hours_days_and_months() {
        assert_eq!(
            next("*/1 * * * *", "2024-01-01T00:00:00Z"),
            "2024-01-01T00:01:00Z"
        );
        assert_eq!(
            next("*/15 * * * *", "2024-01-01T00:14:59Z"),
            "2024-01-01T00:15:00Z"
        );
        assert_eq!(
            next("30 2 * * *", "2024-01-01T03:00:00Z"),
            "2024-01-02T02:30:00Z"
        );
        assert_eq!(
            next("@hourly", "2024-01-01T03:00:00Z"),
            "2024-01-01T04:00:00Z"
        );
        assert_eq!(
            next("@monthly", "2024-01-15T00:00:00Z"),
            "2024-02-01T00:00:00Z"
        );
        assert_eq!(
            next("@yearly", "2024-01-15T00:00:00Z"),
            "2025-01-01T00:00:00Z"
        );
        // 2024-01-01 is a Monday; Sunday is 0 or 7, and names work.
        assert_eq!(
            next("0 0 * * 0", "2024-01-01T00:00:00Z"),
            "2024-01-07T00:00:00Z"
        );
        assert_eq!(
            next("0 0 * * 7", "2024-01-01T00:00:00Z"),
            "2024-01-07T00:00:00Z"
        );
        assert_eq!(
            next("0 9 * JAN-MAR FRI", "2024-01-01T00:00:00Z"),
            "2024-01-05T09:00:00Z"
        );
        // Both day fields restricted: either matches.
        assert_eq!(
            next("0 0 15 * MON", "2024-01-02T00:00:00Z"),
            "2024-01-08T00:00:00Z"
        );
        assert_eq!(
            next("0 0 29 2 *", "2025-01-01T00:00:00Z"),
            "2028-02-29T00:00:00Z"
        );
    }

    #[test]
    fn a_time_zone_shifts_the_schedule() {
        let s = Schedule::parse("0 9 * * *").expect("parses");
        let tz = TimeZone::get("Europe/Berlin").expect("tzdb");
        let t: Timestamp = "2024-01-01T00:00:00Z".parse().expect("a time");
        assert_eq!(
            s.next_after(t, &tz).expect("next").to_string(),
            "2024-01-01T08:00:00Z"
        );
    }

    #[test]
    fn bad_schedules_are_refused() {
        for bad in [
            "* * * *",
            "61 * * * *",
            "*/0 * * * *",
            "@every 5m",
            "x * * * *",
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad}");
        }
    }
}

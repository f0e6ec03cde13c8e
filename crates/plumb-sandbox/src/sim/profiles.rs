//! Image behaviour profiles: how the containers of an image behave in the simulator
//! (`plumb sandbox --profiles FILE`, `GET`/`PUT /sandbox/profiles`).
//!
//! ```yaml
//! profiles:
//!   "myapp:v1.2.0": {errorRate: 0.08}
//!   "myapp:v9":     {crashLoop: true}
//!   "slow:*":       {readyAfter: 30s}
//!   "oom:*":        {oomKill: true}
//! ```
//!
//! A pattern matches an image reference as a whole or without its registry and
//! repository path (`myapp:v1` matches `ghcr.io/acme/myapp:v1`); `*` matches any run of
//! characters. An exact pattern wins over a wildcard one, a longer wildcard pattern over a
//! shorter one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The behaviour of the containers of one image, as written in a profile file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileSpec {
    /// The share of requests answered with a 5xx status (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<f64>,
    /// The mean latency of a request (`20ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<String>,
    /// The container exits shortly after starting, again and again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash_loop: Option<bool>,
    /// The container is killed for exceeding its memory limit shortly after starting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oom_kill: Option<bool>,
    /// How long from scheduling to ready (`30s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_after: Option<String>,
    /// How long the container takes to exit after SIGTERM (`1s` by default; the Pod's
    /// grace period caps it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shutdown_after: Option<String>,
}

/// A profile file: `profiles:` mapping image patterns to behaviours.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileSpec>,
}

/// The resolved behaviour of a container.
#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    pub error_rate: f64,
    pub latency: Duration,
    pub crash_loop: bool,
    pub oom_kill: bool,
    pub ready_after: Duration,
    pub shutdown_after: Duration,
}

/// A profile file that does not parse or holds an invalid value.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct ProfileError {
    pub source_name: String,
    pub message: String,
}

/// Defaults of a healthy image.
pub const DEFAULT_ERROR_RATE: f64 = 0.001;
pub const DEFAULT_LATENCY: Duration = Duration::from_millis(20);
pub const DEFAULT_SHUTDOWN: Duration = Duration::from_secs(1);

struct Compiled {
    file: ProfileFile,
    /// (pattern, behaviour overrides), most specific first.
    rules: Vec<(String, ProfileSpecParsed)>,
}

#[derive(Debug, Clone, Default)]
struct ProfileSpecParsed {
    error_rate: Option<f64>,
    latency: Option<Duration>,
    crash_loop: Option<bool>,
    oom_kill: Option<bool>,
    ready_after: Option<Duration>,
    shutdown_after: Option<Duration>,
}

/// The live profiles, replaceable at runtime, optionally backed by a file that is
/// reloaded when it changes.
pub struct Profiles {
    inner: RwLock<Compiled>,
    /// Bumped on every change, so the simulator knows to look at running Pods again.
    generation: std::sync::atomic::AtomicU64,
    file: Option<(PathBuf, RwLock<Option<SystemTime>>)>,
    /// readyAfter of images no profile names.
    default_ready_after: Duration,
}

impl std::fmt::Debug for Profiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profiles")
            .field("profiles", &self.get())
            .finish()
    }
}

impl Profiles {
    /// No profiles: every image is healthy and ready after `default_ready_after`.
    pub fn empty(default_ready_after: Duration) -> Profiles {
        Profiles {
            inner: RwLock::new(Compiled {
                file: ProfileFile::default(),
                rules: Vec::new(),
            }),
            generation: Default::default(),
            file: None,
            default_ready_after,
        }
    }

    /// Profiles from a parsed file; images no profile names become ready after
    /// `default_ready_after`.
    pub fn new(file: ProfileFile, default_ready_after: Duration) -> Result<Profiles, ProfileError> {
        Ok(Profiles {
            inner: RwLock::new(compile(file, "profiles")?),
            generation: Default::default(),
            file: None,
            default_ready_after,
        })
    }

    /// Profiles loaded from a YAML file, reloaded by [`Profiles::reload_if_changed`].
    pub fn from_path(path: &Path, default_ready_after: Duration) -> Result<Profiles, ProfileError> {
        let (file, mtime) = read_file(path)?;
        Ok(Profiles {
            inner: RwLock::new(compile(file, &path.display().to_string())?),
            generation: Default::default(),
            file: Some((path.to_path_buf(), RwLock::new(mtime))),
            default_ready_after,
        })
    }

    /// Parses a profile document (YAML or JSON).
    pub fn parse(text: &str, source_name: &str) -> Result<ProfileFile, ProfileError> {
        serde_saphyr::from_str(text).map_err(|e| ProfileError {
            source_name: source_name.to_string(),
            message: e.to_string(),
        })
    }

    /// The current profiles.
    pub fn get(&self) -> ProfileFile {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .file
            .clone()
    }

    /// Replaces the profiles (the file, if any, is reloaded only when it changes again).
    pub fn set(&self, file: ProfileFile) -> Result<(), ProfileError> {
        let compiled = compile(file, "profiles")?;
        *self.inner.write().unwrap_or_else(|e| e.into_inner()) = compiled;
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// A number that changes whenever the profiles do.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Rereads the backing file when its modification time changed; a file that no
    /// longer parses keeps the previous profiles (and the error is returned).
    pub fn reload_if_changed(&self) -> Result<bool, ProfileError> {
        let Some((path, seen)) = &self.file else {
            return Ok(false);
        };
        let mtime = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if *seen.read().unwrap_or_else(|e| e.into_inner()) == mtime {
            return Ok(false);
        }
        *seen.write().unwrap_or_else(|e| e.into_inner()) = mtime;
        let (file, _) = read_file(path)?;
        self.set(file)?;
        Ok(true)
    }

    /// The behaviour of a container running `image`.
    pub fn for_image(&self, image: &str) -> Behaviour {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let mut b = Behaviour {
            error_rate: DEFAULT_ERROR_RATE,
            latency: DEFAULT_LATENCY,
            crash_loop: false,
            oom_kill: false,
            ready_after: self.default_ready_after,
            shutdown_after: DEFAULT_SHUTDOWN,
        };
        if let Some((_, p)) = inner
            .rules
            .iter()
            .find(|(pat, _)| image_matches(pat, image))
        {
            b.error_rate = p.error_rate.unwrap_or(b.error_rate);
            b.latency = p.latency.unwrap_or(b.latency);
            b.crash_loop = p.crash_loop.unwrap_or(false);
            b.oom_kill = p.oom_kill.unwrap_or(false);
            b.ready_after = p.ready_after.unwrap_or(b.ready_after);
            b.shutdown_after = p.shutdown_after.unwrap_or(b.shutdown_after);
        }
        b
    }

    /// The behaviour of a Pod: the worst of its containers (highest error rate and
    /// latency, the longest readiness delay; it crashes if any container crashes).
    pub fn for_pod(&self, pod: &Value) -> Behaviour {
        let mut out: Option<Behaviour> = None;
        for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
            let b = self.for_image(c["image"].as_str().unwrap_or(""));
            out = Some(match out {
                None => b,
                Some(o) => Behaviour {
                    error_rate: o.error_rate.max(b.error_rate),
                    latency: o.latency.max(b.latency),
                    crash_loop: o.crash_loop || b.crash_loop,
                    oom_kill: o.oom_kill || b.oom_kill,
                    ready_after: o.ready_after.max(b.ready_after),
                    shutdown_after: o.shutdown_after.max(b.shutdown_after),
                },
            });
        }
        out.unwrap_or_else(|| self.for_image(""))
    }
}

fn read_file(path: &Path) -> Result<(ProfileFile, Option<SystemTime>), ProfileError> {
    let name = path.display().to_string();
    let err = |message: String| ProfileError {
        source_name: name.clone(),
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    Ok((Profiles::parse(&text, &name)?, meta.modified().ok()))
}

fn compile(file: ProfileFile, source_name: &str) -> Result<Compiled, ProfileError> {
    let mut rules = Vec::new();
    for (pattern, spec) in &file.profiles {
        let err = |field: &str, message: String| ProfileError {
            source_name: source_name.to_string(),
            message: format!("profiles[{pattern:?}].{field}: {message}"),
        };
        let dur = |field: &str, v: &Option<String>| -> Result<Option<Duration>, ProfileError> {
            v.as_deref()
                .map(|s| plumb_model::duration::parse(s).map_err(|e| err(field, e.to_string())))
                .transpose()
        };
        if let Some(r) = spec.error_rate
            && !(0.0..=1.0).contains(&r)
        {
            return Err(err("errorRate", format!("{r} is not between 0 and 1")));
        }
        rules.push((
            pattern.clone(),
            ProfileSpecParsed {
                error_rate: spec.error_rate,
                latency: dur("latency", &spec.latency)?,
                crash_loop: spec.crash_loop,
                oom_kill: spec.oom_kill,
                ready_after: dur("readyAfter", &spec.ready_after)?,
                shutdown_after: dur("shutdownAfter", &spec.shutdown_after)?,
            },
        ));
    }
    // Exact patterns first, then wildcards by decreasing length.
    rules.sort_by_key(|(p, _)| (p.contains('*'), std::cmp::Reverse(p.len())));
    Ok(Compiled { file, rules })
}

/// Whether `pattern` matches the image reference or its last path segment.
fn image_matches(pattern: &str, image: &str) -> bool {
    let short = image.rsplit('/').next().unwrap_or(image);
    glob(pattern.as_bytes(), image.as_bytes()) || glob(pattern.as_bytes(), short.as_bytes())
}

/// `*` matches any run of bytes; everything else matches itself.
fn glob(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"
profiles:
  "myapp:v1.2.0": {errorRate: 0.08}
  "myapp:v9":     {crashLoop: true}
  "slow:*":       {readyAfter: 30s}
  "oom:*":        {oomKill: true}
"#;

    fn seed() -> Profiles {
        Profiles::new(
            Profiles::parse(SEED, "seed").unwrap(),
            Duration::from_secs(1),
        )
        .unwrap()
    }

    #[test]
    fn the_issue_example_resolves_per_image() {
        let p = seed();
        assert_eq!(p.for_image("myapp:v1.2.0").error_rate, 0.08);
        assert_eq!(
            p.for_image("registry.local/team/myapp:v1.2.0").error_rate,
            0.08
        );
        assert_eq!(p.for_image("myapp:v1.2.1").error_rate, DEFAULT_ERROR_RATE);
        assert!(p.for_image("myapp:v9").crash_loop);
        assert!(!p.for_image("myapp:v90").crash_loop);
        assert_eq!(p.for_image("slow:1").ready_after, Duration::from_secs(30));
        assert!(p.for_image("oom:latest").oom_kill);
        assert_eq!(p.for_image("nginx").ready_after, Duration::from_secs(1));
        assert_eq!(p.for_image("nginx").latency, DEFAULT_LATENCY);
    }

    #[test]
    fn exact_patterns_win_over_wildcards() {
        let f = Profiles::parse(
            "profiles:\n  'myapp:*': {errorRate: 0.5}\n  'myapp:v1': {errorRate: 0.1}\n  '*': {errorRate: 0.2}\n",
            "t",
        )
        .unwrap();
        let p = Profiles::new(f, Duration::ZERO).unwrap();
        assert_eq!(p.for_image("myapp:v1").error_rate, 0.1);
        assert_eq!(p.for_image("myapp:v2").error_rate, 0.5);
        assert_eq!(p.for_image("other").error_rate, 0.2);
    }

    #[test]
    fn bad_values_name_the_pattern_and_field() {
        let f = Profiles::parse("profiles:\n  'a:*': {readyAfter: soon}\n", "f.yaml").unwrap();
        let e = Profiles::new(f, Duration::ZERO).unwrap_err().to_string();
        assert!(e.contains("profiles[\"a:*\"].readyAfter"), "{e}");
        let f = Profiles::parse("profiles:\n  'a': {errorRate: 2}\n", "f.yaml").unwrap();
        assert!(Profiles::new(f, Duration::ZERO).is_err());
        let e = Profiles::parse("profiles:\n  'a': {crashloop: true}\n", "f.yaml").unwrap_err();
        assert!(e.to_string().contains("crashloop"), "{e}");
    }

    #[test]
    fn a_pod_takes_the_worst_of_its_containers() {
        let p = seed();
        let pod = serde_json::json!({"spec": {"containers": [
            {"image": "nginx"}, {"image": "myapp:v1.2.0"}, {"image": "slow:2"}]}});
        let b = p.for_pod(&pod);
        assert_eq!(b.error_rate, 0.08);
        assert_eq!(b.ready_after, Duration::from_secs(30));
        assert!(!b.crash_loop);
    }

    #[test]
    fn the_file_is_reloaded_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles.yaml");
        std::fs::write(&path, SEED).unwrap();
        let p = Profiles::from_path(&path, Duration::ZERO).unwrap();
        assert!(!p.reload_if_changed().unwrap());
        assert!(p.for_image("myapp:v9").crash_loop);
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, "profiles:\n  'myapp:v9': {}\n").unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(SystemTime::now() + Duration::from_secs(5))
            .unwrap();
        assert!(p.reload_if_changed().unwrap());
        assert!(!p.for_image("myapp:v9").crash_loop);
    }
}

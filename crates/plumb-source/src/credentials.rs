//! Credentials for http(s) remotes, from a file or the environment.
//!
//! # File format
//!
//! A YAML list; the entry with the longest `url` prefix matching the
//! repository URL wins (prefixes match whole path segments, so
//! `https://git.example.com/org` does not match `https://git.example.com/organisation`):
//!
//! ```yaml
//! - url: https://git.example.com/platform/   # prefix; `urlPrefix` is accepted too
//!   username: deploy-bot
//!   password: s3cret
//! - url: https://github.com/acme
//!   token: ghp_xxx            # sent as the basic-auth password
//!   username: x-access-token  # optional with `token`, this is the default
//! ```
//!
//! # Environment variables
//!
//! | variable | meaning |
//! |---|---|
//! | `PLUMB_GIT_CREDENTIALS_FILE` | path of a file in the format above |
//! | `PLUMB_GIT_TOKEN` | token for every http(s) remote no file entry matches |
//! | `PLUMB_GIT_USERNAME`, `PLUMB_GIT_PASSWORD` | basic auth for every http(s) remote no file entry matches |
//!
//! Secrets are held in [`Secret`], whose `Debug` prints `<redacted>`; they are
//! handed to gix through a callback, never put in URLs, argv, logs or errors.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::url::normalize_prefix;

/// Username sent with a `token` when the entry names none.
pub const DEFAULT_TOKEN_USERNAME: &str = "x-access-token";

/// A secret string: `Debug` prints `<redacted>`, and there is no `Display`.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value, for handing it to the transport.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One user name and secret for http(s) basic authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Sent as the basic-auth user name.
    pub username: String,
    /// Sent as the basic-auth password.
    pub password: Secret,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    #[serde(alias = "urlPrefix", alias = "url-prefix")]
    url: String,
    username: Option<String>,
    password: Option<Secret>,
    token: Option<Secret>,
}

/// Credentials by URL prefix, plus an optional fallback for every http(s) remote.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    entries: Vec<(String, Account)>,
    fallback: Option<Account>,
}

impl Credentials {
    /// No credentials at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// Read a credentials file (format in the module docs).
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::CredentialsFile {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::from_yaml(&text, &path.display().to_string())
    }

    /// Parse the credentials file format; `origin` names the source in errors.
    pub fn from_yaml(text: &str, origin: &str) -> Result<Self> {
        let invalid = |message: String| Error::CredentialsFile {
            path: origin.to_owned(),
            message,
        };
        // The parser's message may quote the offending line, which can hold a
        // secret: report only the shape that was expected.
        let entries: Vec<FileEntry> = serde_saphyr::from_str(text).map_err(|_| {
            invalid("expected a YAML list of `{url, username, password | token}` entries".into())
        })?;
        let mut creds = Credentials::default();
        for (i, e) in entries.into_iter().enumerate() {
            let password = match (e.password, e.token) {
                (Some(p), None) | (None, Some(p)) => p,
                _ => {
                    return Err(invalid(format!(
                        "entry {} (`{}`) needs exactly one of `password` or `token`",
                        i + 1,
                        crate::url::redact_url(&e.url)
                    )));
                }
            };
            let username = e
                .username
                .unwrap_or_else(|| DEFAULT_TOKEN_USERNAME.to_owned());
            creds.add(&e.url, Account { username, password });
        }
        Ok(creds)
    }

    /// Read `PLUMB_GIT_CREDENTIALS_FILE`, `PLUMB_GIT_TOKEN`,
    /// `PLUMB_GIT_USERNAME` and `PLUMB_GIT_PASSWORD`.
    pub fn from_env() -> Result<Self> {
        let mut creds = match std::env::var_os("PLUMB_GIT_CREDENTIALS_FILE") {
            Some(path) => Self::from_file(Path::new(&path))?,
            None => Self::default(),
        };
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        creds.fallback = match (var("PLUMB_GIT_TOKEN"), var("PLUMB_GIT_PASSWORD")) {
            (Some(token), _) => Some(Account {
                username: var("PLUMB_GIT_USERNAME")
                    .unwrap_or_else(|| DEFAULT_TOKEN_USERNAME.to_owned()),
                password: Secret(token),
            }),
            (None, Some(password)) => var("PLUMB_GIT_USERNAME").map(|username| Account {
                username,
                password: Secret(password),
            }),
            (None, None) => None,
        };
        Ok(creds)
    }

    /// Add credentials for every URL starting with `url_prefix`.
    pub fn add(&mut self, url_prefix: &str, account: Account) -> &mut Self {
        self.entries.push((normalize_prefix(url_prefix), account));
        self
    }

    /// Use `account` for every http(s) remote no prefix matches.
    pub fn set_fallback(&mut self, account: Option<Account>) -> &mut Self {
        self.fallback = account;
        self
    }

    /// The account for `url` (a URL without credentials): longest matching prefix, else the fallback.
    pub(crate) fn lookup(&self, url: &str) -> Option<&Account> {
        let url = normalize_prefix(url);
        self.entries
            .iter()
            .filter(|(prefix, _)| {
                url == *prefix
                    || (url.starts_with(prefix.as_str())
                        && url.as_bytes().get(prefix.len()) == Some(&b'/'))
            })
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, account)| account)
            .or(self.fallback.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
- url: https://git.example.com/org
  username: bot
  password: pw-org
- urlPrefix: https://git.example.com/org/special/
  token: tok-special
"#;

    #[test]
    fn longest_prefix_on_segment_boundaries_wins() {
        let c = Credentials::from_yaml(FILE, "test").expect("valid file");
        let special = c
            .lookup("https://git.example.com/org/special/repo")
            .expect("match");
        assert_eq!(special.username, DEFAULT_TOKEN_USERNAME);
        assert_eq!(special.password.expose(), "tok-special");
        let org = c
            .lookup("https://GIT.example.com/org/other.git")
            .expect("match");
        assert_eq!(org.password.expose(), "pw-org");
        assert!(c.lookup("https://git.example.com/organisation/x").is_none());
        assert!(c.lookup("https://git.example.com.evil/org/x").is_none());
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let c = Credentials::from_yaml(FILE, "test").expect("valid file");
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("pw-org") && !dbg.contains("tok-special"),
            "{dbg}"
        );
    }

    #[test]
    fn parse_errors_do_not_quote_the_file() {
        let err = Credentials::from_yaml("- url: x\n  password: hunter2\n  bogus: [", "f")
            .expect_err("malformed");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn entries_need_exactly_one_secret() {
        let err = Credentials::from_yaml("- url: https://h/\n  username: u\n", "f")
            .expect_err("no secret");
        assert!(err.to_string().contains("exactly one"), "{err}");
    }
}

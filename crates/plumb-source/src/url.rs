//! Repository URLs: validation, credential stripping, normalisation for matching,
//! and the cache key of a mirror.

use sha2::{Digest, Sha256};

use crate::credentials::Secret;
use crate::error::{Error, Result};

/// Transport of a repository URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// `file://` or a plain absolute path: `git-upload-pack` is spawned locally.
    File,
    /// `git://`: the Git daemon protocol, unauthenticated.
    Git,
    /// `http://`: smart HTTP; credentials are refused in clear text unless the
    /// `insecure-http-credentials` feature is on.
    Http,
    /// `https://`: smart HTTP over TLS.
    Https,
    /// `ssh://` or scp-like `user@host:path`: the `ssh` program is spawned.
    Ssh,
}

/// A repository URL split into what is sent to Git and what may be shown.
#[derive(Debug, Clone)]
pub(crate) struct RepoUrl {
    pub scheme: Scheme,
    /// The URL handed to gix: no password, and for http(s) no user either.
    pub fetch_url: String,
    /// The URL for logs and errors (same as `fetch_url`).
    pub display: String,
    /// `user[:password]` found in an http(s) URL, used as credentials.
    pub userinfo: Option<(String, Option<Secret>)>,
    /// Stable key naming the mirror directory.
    pub key: String,
}

impl RepoUrl {
    /// Parse and validate `url`; errors carry the redacted URL.
    pub fn parse(url: &str) -> Result<Self> {
        let invalid = |reason: &str| Error::InvalidUrl {
            url: redact_url(url),
            reason: reason.to_owned(),
        };
        let url = url.trim();
        if url.is_empty() {
            return Err(invalid("empty"));
        }
        if url.starts_with('-') {
            return Err(invalid("must not start with `-`"));
        }
        if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(invalid("contains whitespace or control characters"));
        }
        if let Some((scheme, rest)) = url.split_once("://") {
            let scheme = match scheme.to_ascii_lowercase().as_str() {
                "file" => Scheme::File,
                "git" => Scheme::Git,
                "http" => Scheme::Http,
                "https" => Scheme::Https,
                "ssh" | "git+ssh" | "ssh+git" => Scheme::Ssh,
                _ => {
                    return Err(invalid(
                        "unsupported scheme (use file, git, http, https or ssh)",
                    ));
                }
            };
            let (authority, path) = match rest.find('/') {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            let (userinfo, host) = match authority.rsplit_once('@') {
                Some((u, h)) => (Some(u), h),
                None => (None, authority),
            };
            if scheme != Scheme::File && host.is_empty() {
                return Err(invalid("missing host"));
            }
            if host.starts_with('-') {
                return Err(invalid("host must not start with `-`"));
            }
            let host = host.to_ascii_lowercase();
            let (user, password) = match userinfo {
                Some(u) => match u.split_once(':') {
                    Some((user, pw)) => (Some(user.to_owned()), Some(Secret::new(pw))),
                    None => (Some(u.to_owned()), None),
                },
                None => (None, None),
            };
            if user.as_deref().is_some_and(|u| u.starts_with('-')) {
                return Err(invalid("user must not start with `-`"));
            }
            let scheme_str = match scheme {
                Scheme::File => "file",
                Scheme::Git => "git",
                Scheme::Http => "http",
                Scheme::Https => "https",
                Scheme::Ssh => "ssh",
            };
            let keep_user = matches!(scheme, Scheme::Ssh)
                .then_some(user.as_deref())
                .flatten();
            let fetch_url = match keep_user {
                Some(u) => format!("{scheme_str}://{u}@{host}{path}"),
                None => format!("{scheme_str}://{host}{path}"),
            };
            let userinfo = match scheme {
                Scheme::Http | Scheme::Https => user.map(|u| (u, password)),
                _ => None,
            };
            Ok(RepoUrl {
                scheme,
                key: fetch_url.trim_end_matches('/').to_owned(),
                display: fetch_url.clone(),
                fetch_url,
                userinfo,
            })
        } else if url.starts_with('/') {
            let fetch_url = format!("file://{url}");
            Ok(RepoUrl {
                scheme: Scheme::File,
                key: fetch_url.trim_end_matches('/').to_owned(),
                display: fetch_url.clone(),
                fetch_url,
                userinfo: None,
            })
        } else if let Some((host_part, path)) = scp_like(url) {
            if host_part.starts_with('-') || path.starts_with('-') {
                return Err(invalid("must not start with `-`"));
            }
            let (user, host) = match host_part.rsplit_once('@') {
                Some((u, h)) => (Some(u), h.to_ascii_lowercase()),
                None => (None, host_part.to_ascii_lowercase()),
            };
            let path = path.trim_start_matches('/');
            let fetch_url = match user {
                Some(u) => format!("ssh://{u}@{host}/{path}"),
                None => format!("ssh://{host}/{path}"),
            };
            Ok(RepoUrl {
                scheme: Scheme::Ssh,
                key: fetch_url.trim_end_matches('/').to_owned(),
                display: url.to_owned(),
                fetch_url,
                userinfo: None,
            })
        } else {
            Err(invalid("not a URL, an absolute path or `user@host:path`"))
        }
    }

    /// `host[:port]` of the fetch URL (empty for `file://`).
    pub fn host(&self) -> &str {
        url_host(&self.fetch_url)
    }

    /// Directory name of the mirror: hex of the SHA-256 of the normalised URL, shortened.
    pub fn cache_name(&self) -> String {
        let digest = Sha256::digest(self.key.as_bytes());
        hex::encode(&digest[..16])
    }
}

/// `host[:port]` of `scheme://[user@]host[:port]/…` (empty if there is no `://`).
pub(crate) fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or("", |(_, r)| r);
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    authority.rsplit_once('@').map_or(authority, |(_, h)| h)
}

/// `user@host:path` → (`user@host`, `path`), if `url` has that shape.
fn scp_like(url: &str) -> Option<(&str, &str)> {
    let (host, path) = url.split_once(':')?;
    (!host.is_empty() && !host.contains('/') && !path.is_empty()).then_some((host, path))
}

/// `url` with credentials removed: the password always, and the user name too
/// for http(s), where tokens are often passed as the user.
///
/// Works on anything, even strings that are not valid URLs, so it is safe to
/// use on input before validation.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    let is_http = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    match userinfo.split_once(':') {
        Some((user, _)) if !is_http => format!("{scheme}://{user}@{host}{path}"),
        None if !is_http => url.to_owned(),
        _ => format!("{scheme}://{host}{path}"),
    }
}

/// A repository URL reduced so that spellings of the same repository compare equal:
/// scheme, credentials and default ports dropped, `git@host:org/repo` and
/// `https://host/org/repo` both become `host/org/repo`, `.git` and trailing `/`
/// stripped, everything lowercased (hosting services treat paths
/// case-insensitively). Local paths keep a `file://` prefix.
pub fn normalize_repo_url(url: &str) -> String {
    let url = url.trim();
    let (host_and_path, file) = if let Some((scheme, rest)) = url.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if scheme == "file" {
            (rest.to_owned(), true)
        } else {
            let end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(end);
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let default_port = match scheme.as_str() {
                "http" => Some(":80"),
                "https" => Some(":443"),
                "git" => Some(":9418"),
                "ssh" | "git+ssh" | "ssh+git" => Some(":22"),
                _ => None,
            };
            let host = default_port
                .and_then(|p| host.strip_suffix(p))
                .unwrap_or(host);
            (format!("{host}{path}"), false)
        }
    } else if url.starts_with('/') {
        (url.to_owned(), true)
    } else if let Some((host, path)) = scp_like(url) {
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        (format!("{host}/{}", path.trim_start_matches('/')), false)
    } else {
        (url.to_owned(), false)
    };
    let mut s = host_and_path.to_lowercase();
    loop {
        let before = s.len();
        s = s.trim_end_matches('/').to_owned();
        if let Some(stripped) = s.strip_suffix(".git") {
            s = stripped.to_owned();
        }
        if s.len() == before {
            break;
        }
    }
    if file { format!("file://{s}") } else { s }
}

/// A credentials prefix or URL in comparable form: credentials dropped, scheme
/// and host lowercased, trailing `/` trimmed.
pub(crate) fn normalize_prefix(url: &str) -> String {
    let redacted = redact_url(url.trim());
    let trimmed = redacted.trim_end_matches('/');
    match trimmed.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(end);
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!(
                "{}://{}{path}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            )
        }
        None => trimmed.to_owned(),
    }
}

/// Whether two repository URLs name the same repository, per [`normalize_repo_url`].
///
/// Use it to decide whether a webhook's URLs concern an Application's `repoURL`.
pub fn repo_urls_match(a: &str, b: &str) -> bool {
    normalize_repo_url(a) == normalize_repo_url(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_scp_like_spellings_of_one_repository_match() {
        let spellings = [
            "https://GitHub.com/Org/Repo.git",
            "https://github.com/org/repo/",
            "https://user:tok@github.com:443/org/repo",
            "git@github.com:org/repo.git",
            "ssh://git@github.com/org/repo",
            "git://github.com/org/repo",
        ];
        for s in spellings {
            assert!(repo_urls_match(s, "https://github.com/org/repo"), "{s}");
        }
        assert!(!repo_urls_match(
            "https://github.com/org/repo2",
            "https://github.com/org/repo"
        ));
        assert!(!repo_urls_match(
            "https://gitlab.com/org/repo",
            "https://github.com/org/repo"
        ));
    }

    #[test]
    fn redaction_drops_passwords_and_http_users() {
        assert_eq!(redact_url("https://u:secret@h/r"), "https://h/r");
        assert_eq!(redact_url("https://tok@h/r"), "https://h/r");
        assert_eq!(redact_url("ssh://git:pw@h/r"), "ssh://git@h/r");
        assert_eq!(redact_url("ssh://git@h/r"), "ssh://git@h/r");
        assert_eq!(redact_url("git@h:r"), "git@h:r");
    }

    #[test]
    fn parsing_moves_http_credentials_out_of_the_fetch_url() {
        let u = RepoUrl::parse("https://bot:s3cret@Example.com/org/repo").expect("valid URL");
        assert_eq!(u.fetch_url, "https://example.com/org/repo");
        assert_eq!(u.host(), "example.com");
        assert_eq!(
            u.userinfo,
            Some(("bot".into(), Some(Secret::new("s3cret"))))
        );
        assert!(!format!("{u:?}").contains("s3cret"));
        let u = RepoUrl::parse("http://127.0.0.1:8080/r").expect("valid URL");
        assert_eq!(u.host(), "127.0.0.1:8080");
    }

    #[test]
    fn unsupported_or_option_like_urls_are_refused() {
        for bad in [
            "ext::sh -c touch% /tmp/x",
            "-oProxyCommand=x",
            "ftp://h/r",
            "ssh://-oProxy/x",
        ] {
            assert!(
                matches!(RepoUrl::parse(bad), Err(Error::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn scp_like_urls_become_ssh_urls() {
        let u = RepoUrl::parse("git@host:org/repo.git").expect("valid URL");
        assert_eq!(u.scheme, Scheme::Ssh);
        assert_eq!(u.fetch_url, "ssh://git@host/org/repo.git");
    }
}

//! Push webhooks from GitHub, GitLab and Gitea: authenticate, then extract
//! the repository URLs, the ref and the new commit.
//!
//! Authentication comes first and is never skipped: a provider without a
//! configured secret, or a request with a bad or missing signature, is
//! [`WebhookError::Unauthorized`], never an event. The body is not parsed
//! before it is authenticated.

use hmac::{Hmac, Mac};
use http::HeaderMap;
use serde_json::Value;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::credentials::Secret;
use crate::url::repo_urls_match;

/// The Git host a webhook came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// `X-GitHub-Event`, signed with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`.
    GitHub,
    /// `X-Gitlab-Event`, authenticated by the shared `X-Gitlab-Token`.
    GitLab,
    /// `X-Gitea-Event` (Forgejo too), signed with `X-Gitea-Signature: <hex HMAC-SHA256>`.
    Gitea,
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Provider::GitHub => "GitHub",
            Provider::GitLab => "GitLab",
            Provider::Gitea => "Gitea",
        })
    }
}

/// Webhook secrets per provider; a provider without one is refused.
#[derive(Debug, Clone, Default)]
pub struct WebhookSecrets {
    /// HMAC key of GitHub webhooks.
    pub github: Option<Secret>,
    /// Token GitLab sends in `X-Gitlab-Token`.
    pub gitlab: Option<Secret>,
    /// HMAC key of Gitea webhooks.
    pub gitea: Option<Secret>,
}

/// An authenticated push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushEvent {
    /// Who sent it.
    pub provider: Provider,
    /// Every URL the payload names for the repository (web, clone, ssh).
    pub repo_urls: Vec<String>,
    /// The pushed ref, like `refs/heads/main` or `refs/tags/v1`.
    pub git_ref: String,
    /// The commit the ref points to now; `None` when the ref was deleted.
    pub after: Option<String>,
}

impl PushEvent {
    /// Whether this push concerns an Application's `repoURL` (see [`repo_urls_match`]).
    pub fn concerns(&self, repo_url: &str) -> bool {
        self.repo_urls.iter().any(|u| repo_urls_match(u, repo_url))
    }

    /// Whether this push may move an Application's `targetRevision`.
    ///
    /// A branch or tag matches by short or full name; `HEAD` (or empty) may
    /// be any branch, so every branch push counts; a SHA never moves.
    pub fn affects_revision(&self, target_revision: &str) -> bool {
        let rev = target_revision;
        if rev.is_empty() || rev == "HEAD" {
            return self.git_ref.starts_with("refs/heads/");
        }
        self.git_ref == rev
            || self.git_ref.strip_prefix("refs/heads/") == Some(rev)
            || self.git_ref.strip_prefix("refs/tags/") == Some(rev)
    }
}

/// Why a webhook request produced no [`PushEvent`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// No `X-GitHub-Event`, `X-Gitlab-Event` or `X-Gitea-Event` header.
    #[error("not a GitHub, GitLab or Gitea webhook")]
    UnknownProvider,
    /// Missing or bad signature or token, or no secret configured for the provider.
    #[error("{provider} webhook refused: {reason}")]
    Unauthorized {
        /// The provider the headers claim.
        provider: Provider,
        /// What was wrong (never the expected value).
        reason: &'static str,
    },
    /// Authenticated, but not a push (`ping`, `issues`, …): nothing to do.
    #[error("{provider} `{event}` event is not a push")]
    NotAPush {
        /// The provider.
        provider: Provider,
        /// The event header's value.
        event: String,
    },
    /// Authenticated push whose body is not the expected JSON.
    #[error("{provider} push payload is invalid: {message}")]
    InvalidPayload {
        /// The provider.
        provider: Provider,
        /// What is missing or malformed.
        message: String,
    },
}

/// Authenticate a webhook request and extract the push it announces.
pub fn parse_webhook(
    headers: &HeaderMap,
    body: &[u8],
    secrets: &WebhookSecrets,
) -> Result<PushEvent, WebhookError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (provider, event) = if let Some(e) = header("x-github-event") {
        (Provider::GitHub, e)
    } else if let Some(e) = header("x-gitlab-event") {
        (Provider::GitLab, e)
    } else if let Some(e) = header("x-gitea-event").or_else(|| header("x-forgejo-event")) {
        (Provider::Gitea, e)
    } else {
        return Err(WebhookError::UnknownProvider);
    };
    let unauthorized = |reason| WebhookError::Unauthorized { provider, reason };
    match provider {
        Provider::GitHub => {
            let secret = secrets
                .github
                .as_ref()
                .ok_or(unauthorized("no secret configured"))?;
            let signature =
                header("x-hub-signature-256").ok_or(unauthorized("missing X-Hub-Signature-256"))?;
            let hex_sig = signature
                .strip_prefix("sha256=")
                .ok_or(unauthorized("X-Hub-Signature-256 is not `sha256=<hex>`"))?;
            verify_hmac(secret, body, hex_sig).map_err(|()| unauthorized("signature mismatch"))?;
        }
        Provider::GitLab => {
            let secret = secrets
                .gitlab
                .as_ref()
                .ok_or(unauthorized("no secret configured"))?;
            let token = header("x-gitlab-token").ok_or(unauthorized("missing X-Gitlab-Token"))?;
            if !bool::from(token.as_bytes().ct_eq(secret.expose().as_bytes())) {
                return Err(unauthorized("token mismatch"));
            }
        }
        Provider::Gitea => {
            let secret = secrets
                .gitea
                .as_ref()
                .ok_or(unauthorized("no secret configured"))?;
            let signature = header("x-gitea-signature")
                .or_else(|| header("x-forgejo-signature"))
                .ok_or(unauthorized("missing X-Gitea-Signature"))?;
            verify_hmac(secret, body, signature)
                .map_err(|()| unauthorized("signature mismatch"))?;
        }
    }
    let is_push = match provider {
        Provider::GitHub | Provider::Gitea => event == "push",
        Provider::GitLab => event == "Push Hook" || event == "Tag Push Hook",
    };
    if !is_push {
        return Err(WebhookError::NotAPush {
            provider,
            event: event.to_owned(),
        });
    }
    parse_push(provider, body)
}

/// Check a hex HMAC-SHA256 of `body` in constant time.
fn verify_hmac(secret: &Secret, body: &[u8], hex_sig: &str) -> Result<(), ()> {
    let expected = hex::decode(hex_sig.trim()).map_err(|_| ())?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()).map_err(|_| ())?;
    mac.update(body);
    mac.verify_slice(&expected).map_err(|_| ())
}

fn parse_push(provider: Provider, body: &[u8]) -> Result<PushEvent, WebhookError> {
    let invalid = |message: String| WebhookError::InvalidPayload { provider, message };
    let payload: Value =
        serde_json::from_slice(body).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let git_ref = payload
        .get("ref")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("missing `ref`".into()))?
        .to_owned();
    let after = payload
        .get("after")
        .and_then(Value::as_str)
        .filter(|sha| !sha.is_empty() && !sha.bytes().all(|b| b == b'0'))
        .map(str::to_owned);
    let fields: &[(&str, &[&str])] = match provider {
        Provider::GitHub => &[(
            "repository",
            &["html_url", "clone_url", "git_url", "ssh_url", "svn_url"],
        )],
        Provider::GitLab => &[
            (
                "project",
                &[
                    "web_url",
                    "git_http_url",
                    "git_ssh_url",
                    "http_url",
                    "ssh_url",
                ],
            ),
            (
                "repository",
                &["homepage", "git_http_url", "git_ssh_url", "url"],
            ),
        ],
        Provider::Gitea => &[("repository", &["html_url", "clone_url", "ssh_url"])],
    };
    let mut repo_urls: Vec<String> = Vec::new();
    for (object, keys) in fields {
        for key in *keys {
            if let Some(url) = payload
                .get(object)
                .and_then(|o| o.get(key))
                .and_then(Value::as_str)
                && !url.is_empty()
                && !repo_urls.iter().any(|u| u == url)
            {
                repo_urls.push(url.to_owned());
            }
        }
    }
    if repo_urls.is_empty() {
        return Err(invalid("no repository URL".into()));
    }
    Ok(PushEvent {
        provider,
        repo_urls,
        git_ref,
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(git_ref: &str) -> PushEvent {
        PushEvent {
            provider: Provider::GitHub,
            repo_urls: vec!["https://github.com/acme/deploy".into()],
            git_ref: git_ref.into(),
            after: None,
        }
    }

    #[test]
    fn a_push_affects_the_branch_or_tag_it_names_and_head() {
        let main = push("refs/heads/main");
        assert!(main.affects_revision("main"));
        assert!(main.affects_revision("refs/heads/main"));
        assert!(main.affects_revision("HEAD"));
        assert!(main.affects_revision(""));
        assert!(!main.affects_revision("dev"));
        assert!(!main.affects_revision("0123456789abcdef0123456789abcdef01234567"));
        let tag = push("refs/tags/v1");
        assert!(tag.affects_revision("v1"));
        assert!(!tag.affects_revision("HEAD"));
    }
}

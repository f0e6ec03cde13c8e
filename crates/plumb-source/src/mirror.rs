//! Blocking operations on one bare mirror: create, fetch, look objects up.
//!
//! Everything here blocks; [`crate::Source`] calls it through
//! `tokio::task::spawn_blocking`.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use gix::ObjectId;
use gix::remote::Direction;

use crate::credentials::Account;
use crate::error::{Error, Result};
use crate::revision::RemoteRefs;
use crate::url::RepoUrl;

/// Refspecs of a mirror: branches and tags mapped one to one, forced.
const REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/// `ssh` in batch mode with strict host key checking: unknown hosts fail
/// instead of being trusted on first use.
const SSH_COMMAND: &str = "core.sshCommand=ssh -o BatchMode=yes -o StrictHostKeyChecking=yes";

/// A bare mirror of one remote under the cache directory.
pub(crate) struct Mirror {
    pub path: PathBuf,
    pub url: RepoUrl,
}

impl Mirror {
    /// Open the mirror, creating it (in a temporary directory, then renamed) if needed.
    pub fn open_or_init(&self) -> Result<gix::Repository> {
        if !self.path.join("HEAD").is_file() {
            let parent = self.path.parent().unwrap_or(Path::new("."));
            std::fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
            let tmp = parent.join(format!(
                ".tmp-{}-{}",
                self.path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&tmp);
            gix::init_bare(&tmp).map_err(|e| self.mirror_failed(&e))?;
            if let Err(e) = std::fs::rename(&tmp, &self.path) {
                let _ = std::fs::remove_dir_all(&tmp);
                if !self.path.join("HEAD").is_file() {
                    return Err(Error::io("renaming", &self.path, e));
                }
            }
        }
        self.open()
    }

    /// Open the existing mirror, ignoring system and user Git configuration.
    pub fn open(&self) -> Result<gix::Repository> {
        let mut repo = gix::open_opts(&self.path, gix::open::Options::isolated())
            .map_err(|e| self.mirror_failed(&e))?;
        repo.committer_or_set_generic_fallback()
            .map_err(|e| self.mirror_failed(&e))?;
        // ssh: never prompt, and only talk to hosts already in known_hosts.
        let mut config = repo.config_snapshot_mut();
        config
            .append_config([SSH_COMMAND, "ssh.variant=ssh"], gix::config::Source::Api)
            .map_err(|e| self.mirror_failed(&e))?;
        config.commit().map_err(|e| self.mirror_failed(&e))?;
        Ok(repo)
    }

    fn mirror_failed(&self, err: &dyn std::fmt::Display) -> Error {
        Error::MirrorFailed {
            url: self.url.display.clone(),
            message: err.to_string(),
        }
    }

    /// Fetch branches, tags and `HEAD` from the remote and return what it advertised.
    pub fn fetch(&self, account: Option<&Account>, interrupt: &AtomicBool) -> Result<RemoteRefs> {
        let repo = self.open_or_init()?;
        let secrets: Vec<String> = account
            .map(|a| a.password.expose().to_owned())
            .into_iter()
            .chain(self.url.userinfo.iter().flat_map(|(user, pw)| {
                // A user without a password is usually a token.
                let user = pw.is_none().then(|| user.clone());
                user.into_iter()
                    .chain(pw.iter().map(|p| p.expose().to_owned()))
            }))
            .filter(|s| !s.is_empty())
            .collect();
        let identity = account.cloned().or_else(|| {
            self.url.userinfo.as_ref().map(|(user, pw)| match pw {
                Some(pw) => Account {
                    username: user.clone(),
                    password: pw.clone(),
                },
                None => Account {
                    username: crate::credentials::DEFAULT_TOKEN_USERNAME.to_owned(),
                    password: crate::credentials::Secret::new(user.clone()),
                },
            })
        });
        let has_identity = identity.is_some();
        let host = self.url.host().to_owned();
        let failed = |err: &gix::Error| {
            let unauthenticated = err.classify().is_unauthenticated();
            let message = if unauthenticated && !has_identity {
                "the server requires authentication and no credentials match this URL".to_owned()
            } else {
                scrub(&error_chain(err), &secrets)
            };
            Error::FetchFailed {
                url: self.url.display.clone(),
                message,
                // Bad or missing credentials stay bad until someone changes them.
                transient: !(unauthenticated || err.classify().is_permission_denied()),
            }
        };
        let remote = repo
            .remote_at(self.url.fetch_url.as_str())
            .map_err(|e| failed(&e))?
            .with_fetch_tags(gix::remote::fetch::Tags::None)
            .with_refspecs(REFSPECS, Direction::Fetch)
            .map_err(|e| failed(&e))?;
        let connection = remote
            .connect(Direction::Fetch)
            .map_err(|e| failed(&e))?
            .with_credentials(move |action| {
                use gix::credentials::helper::Action;
                match (action, &identity) {
                    // Only for the host we were given: a redirect elsewhere gets nothing.
                    (Action::Get(ctx), Some(account)) if asks_for_host(&ctx, &host) => {
                        Ok(Some(gix::credentials::protocol::Outcome {
                            identity: gix::sec::identity::Account {
                                username: account.username.clone(),
                                password: account.password.expose().to_owned(),
                                oauth_refresh_token: None,
                            },
                            next: ctx.into(),
                        }))
                    }
                    // Never prompt, never run a credential helper.
                    _ => Ok(None),
                }
            });
        let head_spec = gix::refspec::parse("HEAD".into(), gix::refspec::parse::Operation::Fetch)
            .expect("`HEAD` is a valid refspec")
            .to_owned();
        let options = gix::remote::ref_map::Options {
            extra_refspecs: vec![head_spec],
            ..Default::default()
        };
        let outcome = connection
            .prepare_fetch(gix::progress::Discard, options)
            .map_err(|e| failed(&e))?
            .with_reflog_message(gix::remote::fetch::RefLogMessage::Prefixed {
                action: "plumb fetch".into(),
            })
            .receive(gix::progress::Discard, interrupt)
            .map_err(|e| failed(&e))?;
        Ok(remote_refs(&outcome.ref_map.remote_refs))
    }

    /// Find the commit a SHA (full or abbreviated) names, peeling tags.
    pub fn lookup_sha(&self, repo: &gix::Repository, revision: &str) -> Result<Option<ObjectId>> {
        let id = if revision.len() == 40 {
            let id = ObjectId::from_hex(revision.as_bytes()).map_err(|e| self.mirror_failed(&e))?;
            if !repo.has_object(id) {
                return Ok(None);
            }
            id
        } else {
            let prefix =
                gix::hash::Prefix::from_hex(revision).map_err(|e| self.mirror_failed(&e))?;
            match repo
                .objects
                .lookup_prefix(prefix, None)
                .map_err(|e| self.mirror_failed(&e))?
            {
                None => return Ok(None),
                Some(Ok(id)) => id,
                Some(Err(())) => {
                    return Err(Error::AmbiguousRevision {
                        revision: revision.to_owned(),
                        url: self.url.display.clone(),
                    });
                }
            }
        };
        self.peel_to_commit(repo, id, revision).map(Some)
    }

    /// Peel `id` (a commit or a tag) to a commit.
    pub fn peel_to_commit(
        &self,
        repo: &gix::Repository,
        id: ObjectId,
        revision: &str,
    ) -> Result<ObjectId> {
        let object = repo.find_object(id).map_err(|e| self.mirror_failed(&e))?;
        match object.peel_to_kind(gix::object::Kind::Commit) {
            Ok(commit) => Ok(commit.id),
            Err(_) => Err(Error::NotACommit {
                revision: revision.to_owned(),
                url: self.url.display.clone(),
            }),
        }
    }
}

/// What the remote advertised, tags peeled.
fn remote_refs(advertised: &[gix::protocol::handshake::Ref]) -> RemoteRefs {
    use gix::protocol::handshake::Ref;
    let mut refs = RemoteRefs::default();
    for r in advertised {
        let (name, target, object) = match r {
            Ref::Peeled {
                full_ref_name,
                object,
                ..
            }
            | Ref::Direct {
                full_ref_name,
                object,
            } => (full_ref_name, None, *object),
            Ref::Symbolic {
                full_ref_name,
                target,
                object,
                ..
            } => (full_ref_name, Some(target), *object),
            Ref::Unborn { .. } => continue,
        };
        let name = name.to_string();
        if name == "HEAD" {
            refs.head = Some((target.map(|t| t.to_string()), object));
        } else if name.starts_with("refs/heads/") || name.starts_with("refs/tags/") {
            refs.refs.insert(name, object);
        }
    }
    refs
}

/// Whether a credentials request is for `host` (`host[:port]`): by its
/// `host` field, or else the host of its `url`.
fn asks_for_host(ctx: &gix::credentials::protocol::Context, host: &str) -> bool {
    let url = ctx.url.as_ref().map(|u| u.to_string());
    let asked = ctx
        .host
        .clone()
        .or_else(|| url.as_deref().map(|u| crate::url::url_host(u).to_owned()));
    asked.is_some_and(|h| h.eq_ignore_ascii_case(host))
}

/// The messages of `err` and its causes joined by `: `, repetitions dropped.
fn error_chain(err: &gix::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in err.iter_errors() {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// Replace every secret in `message` by `<redacted>`.
pub(crate) fn scrub(message: &str, secrets: &[String]) -> String {
    secrets.iter().fold(message.to_owned(), |m, s| {
        m.replace(s.as_str(), "<redacted>")
    })
}

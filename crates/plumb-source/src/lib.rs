//! Git read path of plumb: keep a bare mirror per repository, fetch it
//! (`file://`, `git://`, `http(s)://`, `ssh://`), resolve a revision to a
//! commit, materialize the commit's tree read-only on disk, confine an
//! Application path to it, and parse push webhooks.
//!
//! ```no_run
//! # async fn demo() -> plumb_source::Result<()> {
//! use plumb_source::{Source, SourceOptions, Credentials};
//! let mut options = SourceOptions::new("/var/cache/plumb");
//! options.credentials = Credentials::from_env()?;
//! let source = Source::new(options)?;
//! let checkout = source.checkout("https://git.example.com/org/deploy", "main", "apps/web").await?;
//! println!("rendering {} at {}", checkout.dir.display(), checkout.revision); // main@sha1:…
//! # Ok(()) }
//! ```
//!
//! Layout of the cache: `<cache>/repos/<hash of normalised URL>/` (bare
//! mirrors, never containing credentials) and `<cache>/trees/<sha>/`.

mod credentials;
mod error;
mod mirror;
mod revision;
mod source;
mod tree;
mod url;
mod webhook;

pub use credentials::{Account, Credentials, DEFAULT_TOKEN_USERNAME, Secret};
pub use error::{Error, Result};
pub use revision::{RemoteRefs, ResolvedRevision, validate_revision};
pub use source::{Checkout, Source, SourceOptions};
pub use url::{normalize_repo_url, redact_url, repo_urls_match};
pub use webhook::{Provider, PushEvent, WebhookError, WebhookSecrets, parse_webhook};

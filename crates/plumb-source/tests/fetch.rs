//! Fetch, resolve and materialize against real Git servers: `file://` and `git daemon`.

mod common;

use common::{Fixture, GitDaemon};
use plumb_source::{Error, Source, SourceOptions};

fn source() -> (tempfile::TempDir, Source) {
    let cache = tempfile::tempdir().expect("temp dir");
    let source = Source::new(SourceOptions::new(cache.path())).expect("source");
    (cache, source)
}

#[tokio::test]
async fn file_url_clone_then_fetch_sees_a_new_commit() {
    let fx = Fixture::new();
    let (_cache, source) = source();
    let url = fx.file_url();
    let first = source.resolve(&url, "main").await.expect("resolve main");
    assert_eq!(first.commit, fx.rev("main"));
    assert_eq!(first.to_string(), format!("main@sha1:{}", fx.rev("main")));

    let new = fx.commit_and_push("apps/web/service.yaml", "kind: Service\n", "third");
    let second = source
        .resolve(&url, "main")
        .await
        .expect("resolve main again");
    assert_eq!(second.commit, new);
    assert_ne!(first.commit, second.commit);
    let checkout = source
        .checkout(&url, "main", "apps/web")
        .await
        .expect("checkout");
    assert!(checkout.dir.join("service.yaml").is_file());
}

#[tokio::test]
async fn git_daemon_branch_tag_sha_and_head_resolve_to_their_commits() {
    let fx = Fixture::new();
    let daemon = GitDaemon::start(&fx.base);
    let (_cache, source) = source();
    let url = daemon.url("repo.git");
    let main = fx.rev("main");
    let first = fx.rev("v1.0.0");

    let r = source.resolve(&url, "main").await.expect("branch");
    assert_eq!(
        (r.name.as_deref(), r.commit.as_str()),
        (Some("main"), main.as_str())
    );
    let r = source
        .resolve(&url, "refs/heads/dev")
        .await
        .expect("full branch ref");
    assert_eq!(r.commit, first);
    let r = source.resolve(&url, "v1.0.0").await.expect("annotated tag");
    assert_eq!(r.commit, first, "annotated tags are peeled to their commit");
    assert_eq!(r.to_string(), format!("v1.0.0@sha1:{first}"));
    let r = source
        .resolve(&url, "light")
        .await
        .expect("lightweight tag");
    assert_eq!(r.commit, first);
    let r = source.resolve(&url, "HEAD").await.expect("HEAD");
    assert_eq!(r.commit, main);
    assert_eq!(
        r.name.as_deref(),
        Some("main"),
        "HEAD is reported as the default branch"
    );
    let r = source.resolve(&url, &first).await.expect("full sha");
    assert_eq!((r.name, r.commit.as_str()), (None, first.as_str()));
    let r = source
        .resolve(&url, &first[..8])
        .await
        .expect("abbreviated sha");
    assert_eq!(r.commit, first);
    assert_eq!(r.to_string(), format!("sha1:{first}"));
}

#[tokio::test]
async fn git_daemon_clone_then_fetch_sees_a_new_commit_and_materializes_it() {
    let fx = Fixture::new();
    let daemon = GitDaemon::start(&fx.base);
    let (_cache, source) = source();
    let url = daemon.url("repo.git");
    let old = source
        .checkout(&url, "main", "apps/web")
        .await
        .expect("first checkout");
    let text = std::fs::read_to_string(old.dir.join("deployment.yaml")).expect("read");
    assert!(text.contains("replicas: 2"));

    let new_sha = fx.commit_and_push(
        "apps/web/deployment.yaml",
        "kind: Deployment\nreplicas: 3\n",
        "scale",
    );
    let new = source
        .checkout(&url, "main", "apps/web")
        .await
        .expect("second checkout");
    assert_eq!(new.revision.commit, new_sha);
    assert_eq!(new.root, source.cache_dir().join("trees").join(&new_sha));
    let text = std::fs::read_to_string(new.dir.join("deployment.yaml")).expect("read");
    assert!(text.contains("replicas: 3"));
    assert!(
        old.dir.join("deployment.yaml").is_file(),
        "the old tree is still there"
    );
}

#[tokio::test]
async fn a_materialized_tree_is_read_only_keeps_internal_symlinks_and_is_reused() {
    let fx = Fixture::new();
    let (_cache, source) = source();
    let url = fx.file_url();
    let a = source.checkout(&url, "main", "").await.expect("checkout");
    let b = source
        .checkout(&url, "main", "web")
        .await
        .expect("checkout through internal symlink");
    assert_eq!(a.root, b.root);
    assert_eq!(
        b.dir,
        a.root.join("apps/web"),
        "the app dir is returned symlink-free"
    );
    assert_eq!(
        std::fs::read_link(a.root.join("web")).expect("symlink kept"),
        std::path::Path::new("apps/web")
    );
    // Mode bits, not a write attempt: tests may run as root, who ignores them.
    use std::os::unix::fs::PermissionsExt;
    for p in [
        a.root.clone(),
        a.root.join("apps/web"),
        a.root.join("apps/web/deployment.yaml"),
    ] {
        let mode = std::fs::metadata(&p)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o222, 0, "{} is read-only", p.display());
    }
}

#[tokio::test]
async fn a_missing_revision_is_a_permanent_error_naming_it() {
    let fx = Fixture::new();
    let daemon = GitDaemon::start(&fx.base);
    let (_cache, source) = source();
    let err = source
        .resolve(&daemon.url("repo.git"), "no-such-branch")
        .await
        .expect_err("missing");
    assert!(
        matches!(&err, Error::RevisionNotFound { revision, .. } if revision == "no-such-branch"),
        "{err}"
    );
    assert!(!err.is_transient());
    let err = source
        .resolve(
            &daemon.url("repo.git"),
            "0123456789abcdef0123456789abcdef01234567",
        )
        .await
        .expect_err("missing sha");
    assert!(matches!(err, Error::RevisionNotFound { .. }), "{err}");
}

#[tokio::test]
async fn an_unreachable_repository_is_a_transient_fetch_error() {
    let port = common::free_port();
    let (_cache, source) = source();
    let url = format!("git://127.0.0.1:{port}/repo.git");
    let err = source
        .resolve(&url, "main")
        .await
        .expect_err("connection refused");
    assert!(
        matches!(&err, Error::FetchFailed { url: u, .. } if *u == url),
        "{err}"
    );
    assert!(err.is_transient());
}

#[tokio::test]
async fn an_option_like_revision_is_refused_and_nothing_is_executed() {
    let fx = Fixture::new();
    let daemon = GitDaemon::start(&fx.base);
    let (_cache, source) = source();
    let marker = fx.base.join("pwned");
    let revision = format!("--upload-pack=touch {}", marker.display());
    for url in [fx.file_url(), daemon.url("repo.git")] {
        let err = source.resolve(&url, &revision).await.expect_err("refused");
        assert!(
            matches!(&err, Error::InvalidRevision { revision: r, .. } if *r == revision),
            "{err}"
        );
        assert!(err.to_string().contains(&revision));
        let err = source
            .checkout(&url, &revision, "")
            .await
            .expect_err("refused");
        assert!(matches!(err, Error::InvalidRevision { .. }));
        assert_eq!(
            source.fetches_started(&url),
            0,
            "refused before any network access"
        );
    }
    assert!(!marker.exists(), "nothing was executed");
}

#[tokio::test]
async fn a_symlink_out_of_the_repository_is_refused_naming_the_file() {
    for target in ["/etc/passwd", "../../../../etc", "apps/../../outside"] {
        let fx = Fixture::new();
        fx.push_symlink("evil", target);
        let (_cache, source) = source();
        let err = source
            .checkout(&fx.file_url(), "main", "apps/web")
            .await
            .expect_err(target);
        assert!(
            matches!(&err, Error::SymlinkEscapes { file } if file == "evil"),
            "{target}: {err}"
        );
        assert!(!err.is_transient());
        assert!(err.to_string().contains("evil"));
    }
}

#[tokio::test]
async fn a_symlink_leaving_through_a_symlinked_directory_is_refused() {
    // `here -> .` makes `here/..` the parent of the root, which a lexical check misses.
    let fx = Fixture::new();
    fx.push_symlink("here", ".");
    fx.push_symlink("sneaky", "here/../outside");
    let (_cache, source) = source();
    let err = source
        .checkout(&fx.file_url(), "main", "")
        .await
        .expect_err("escapes");
    assert!(
        matches!(&err, Error::SymlinkEscapes { file } if file == "sneaky"),
        "{err}"
    );
}

#[tokio::test]
async fn an_application_path_escaping_the_repository_is_refused() {
    let fx = Fixture::new();
    let (_cache, source) = source();
    let url = fx.file_url();
    for path in ["..", "../x", "apps/../..", "/etc", "apps/web/../../../etc"] {
        let err = source.checkout(&url, "main", path).await.expect_err(path);
        assert!(
            matches!(&err, Error::PathEscapes { path: p } if p == path),
            "{path}: {err}"
        );
        assert!(!err.is_transient());
    }
    let err = source
        .checkout(&url, "main", "apps/nothing")
        .await
        .expect_err("missing");
    assert!(matches!(err, Error::PathNotFound { .. }), "{err}");
    let ok = source
        .checkout(&url, "main", "apps/web/../web")
        .await
        .expect("inside");
    assert!(ok.dir.ends_with("apps/web"));
}

#[tokio::test]
async fn concurrent_callers_for_one_repository_share_one_fetch() {
    let fx = Fixture::new();
    let daemon = GitDaemon::start(&fx.base);
    let (_cache, source) = source();
    let url = daemon.url("repo.git");
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let source = source.clone();
            let url = url.clone();
            tokio::spawn(async move { source.fetch(&url).await })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("fetch");
    }
    assert_eq!(source.fetches_started(&url), 1);
    source.fetch(&url).await.expect("later fetch");
    assert_eq!(
        source.fetches_started(&url),
        2,
        "a later call fetches again"
    );
}

#[tokio::test]
async fn old_trees_are_evicted_beyond_the_lru_bound() {
    let fx = Fixture::new();
    let cache = tempfile::tempdir().expect("temp dir");
    let mut options = SourceOptions::new(cache.path());
    options.max_trees = 2;
    let source = Source::new(options).expect("source");
    let url = fx.file_url();
    let first = source
        .checkout(&url, "v1.0.0", "")
        .await
        .expect("first")
        .root;
    let _ = source.checkout(&url, "main", "").await.expect("second");
    fx.commit_and_push("a.txt", "a", "third");
    let _ = source.checkout(&url, "main", "").await.expect("third");
    assert!(!first.exists(), "least recently used tree evicted");
    let trees = std::fs::read_dir(cache.path().join("trees"))
        .expect("trees")
        .count();
    assert_eq!(trees, 2);
}

#[tokio::test]
async fn ssh_to_an_unreachable_host_fails_fast_without_prompting() {
    let port = common::free_port();
    let (_cache, source) = source();
    let url = format!("ssh://git@127.0.0.1:{port}/repo.git");
    let started = std::time::Instant::now();
    let err = source.resolve(&url, "main").await.expect_err("refused");
    assert!(
        matches!(&err, Error::FetchFailed { url: u, .. } if *u == url),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

#[tokio::test]
async fn a_tree_entry_named_dot_dot_or_dot_git_is_refused() {
    for name in ["..", ".git", ".GIT"] {
        let fx = Fixture::new();
        // Plumbing only: porcelain never writes such trees, a hostile server can.
        let blob = common::git_stdin(&fx.bare, &["hash-object", "-w", "--stdin"], "payload\n");
        let tree = common::git_stdin(
            &fx.bare,
            &["mktree"],
            &format!("100644 blob {blob}\t{name}\n"),
        );
        let commit = common::git(&fx.bare, &["commit-tree", &tree, "-m", "hostile"]);
        common::git(&fx.bare, &["update-ref", "refs/heads/hostile", &commit]);
        let (_cache, source) = source();
        let err = source
            .checkout(&fx.file_url(), "hostile", "")
            .await
            .expect_err(name);
        assert!(
            matches!(&err, Error::UnsafeTreeEntry { file } if file == name),
            "{name}: {err}"
        );
        assert!(!err.is_transient());
    }
}

#[tokio::test]
async fn a_deleted_branch_is_not_found_and_a_force_push_is_followed() {
    let fx = Fixture::new();
    let (_cache, source) = source();
    let url = fx.file_url();
    source.resolve(&url, "dev").await.expect("dev exists");
    common::git(&fx.bare, &["branch", "-D", "dev"]);
    let err = source.resolve(&url, "dev").await.expect_err("deleted");
    assert!(matches!(err, Error::RevisionNotFound { .. }), "{err}");

    let first = fx.rev("v1.0.0");
    common::git(&fx.bare, &["update-ref", "refs/heads/main", &first]);
    let r = source
        .resolve(&url, "main")
        .await
        .expect("force-pushed main");
    assert_eq!(r.commit, first);
}

#[tokio::test]
async fn a_recent_fetch_is_reused_within_the_interval_and_refresh_skips_it() {
    let fx = Fixture::new();
    let cache = tempfile::tempdir().expect("temp dir");
    let mut options = SourceOptions::new(cache.path());
    options.min_fetch_interval = std::time::Duration::from_secs(3600);
    let source = Source::new(options).expect("source");
    let url = fx.file_url();
    source.resolve(&url, "main").await.expect("first");
    let new = fx.commit_and_push("b.txt", "b", "newer");
    let cached = source.resolve(&url, "main").await.expect("cached");
    assert_ne!(
        cached.commit, new,
        "within the interval the last fetch is reused"
    );
    assert_eq!(source.fetches_started(&url), 1);
    source.refresh(&url).await.expect("webhook refresh");
    let fresh = source.resolve(&url, "main").await.expect("fresh");
    assert_eq!(fresh.commit, new);
    assert_eq!(source.fetches_started(&url), 2);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_as_a_transient_error() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let cache = tempfile::tempdir().expect("temp dir");
    let mut options = SourceOptions::new(cache.path());
    options.fetch_timeout = std::time::Duration::from_millis(500);
    let source = Source::new(options).expect("source");
    let err = source
        .resolve(&format!("git://127.0.0.1:{port}/repo.git"), "main")
        .await
        .expect_err("timeout");
    assert!(
        matches!(&err, Error::FetchFailed { message, .. } if message.contains("timed out")),
        "{err}"
    );
    assert!(err.is_transient());
    drop(silent);
}

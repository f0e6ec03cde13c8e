//! Smart HTTP with basic auth against the real `git http-backend`.

mod common;

use common::Fixture;
use common::http::GitHttpServer;
use plumb_source::{Account, Credentials, Error, Secret, Source, SourceOptions};

const USER: &str = "deploy-bot";
const PASSWORD: &str = "hunter2-very-secret";

fn source_with(credentials: Credentials) -> (tempfile::TempDir, Source) {
    let cache = tempfile::tempdir().expect("temp dir");
    let mut options = SourceOptions::new(cache.path());
    options.credentials = credentials;
    (cache, Source::new(options).expect("source"))
}

fn assert_no_secret(err: &Error) {
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(PASSWORD), "secret leaked: {text}");
        assert!(!text.contains("wrong-password"), "secret leaked: {text}");
    }
}

#[tokio::test]
async fn http_clone_with_basic_auth_from_a_credentials_file_then_fetch_a_new_commit() {
    let fx = Fixture::new();
    let server = GitHttpServer::start(&fx.base, USER, PASSWORD);
    let file = format!(
        "- url: http://{}/\n  username: {USER}\n  password: {PASSWORD}\n",
        server.addr
    );
    let credentials = Credentials::from_yaml(&file, "inline").expect("credentials");
    let (_cache, source) = source_with(credentials);
    let url = server.url("repo.git");

    let checkout = source
        .checkout(&url, "main", "apps/web")
        .await
        .expect("checkout over http");
    assert_eq!(checkout.revision.commit, fx.rev("main"));
    assert!(checkout.dir.join("deployment.yaml").is_file());
    let tag = source.resolve(&url, "v1.0.0").await.expect("tag over http");
    assert_eq!(tag.commit, fx.rev("v1.0.0"));

    let new = fx.commit_and_push("apps/web/extra.yaml", "kind: ConfigMap\n", "more");
    let again = source.resolve(&url, "HEAD").await.expect("fetch over http");
    assert_eq!(again.commit, new);
}

#[tokio::test]
async fn a_token_is_sent_as_the_basic_auth_password() {
    let fx = Fixture::new();
    let server = GitHttpServer::start(&fx.base, "x-access-token", PASSWORD);
    let mut credentials = Credentials::none();
    credentials.set_fallback(Some(Account {
        username: plumb_source::DEFAULT_TOKEN_USERNAME.into(),
        password: Secret::new(PASSWORD),
    }));
    let (_cache, source) = source_with(credentials);
    let r = source
        .resolve(&server.url("repo.git"), "main")
        .await
        .expect("token auth");
    assert_eq!(r.commit, fx.rev("main"));
}

#[tokio::test]
async fn missing_credentials_fail_the_fetch() {
    let fx = Fixture::new();
    let server = GitHttpServer::start(&fx.base, USER, PASSWORD);
    let (_cache, source) = source_with(Credentials::none());
    let err = source
        .resolve(&server.url("repo.git"), "main")
        .await
        .expect_err("401");
    assert!(matches!(err, Error::FetchFailed { .. }), "{err}");
    assert!(err.to_string().contains("no credentials match"), "{err}");
    assert!(
        !err.is_transient(),
        "authentication failures need a change, not a retry"
    );
    assert!(
        server
            .unauthorized
            .load(std::sync::atomic::Ordering::SeqCst)
            > 0
    );
}

#[tokio::test]
async fn credentials_never_appear_in_error_text() {
    let fx = Fixture::new();
    let server = GitHttpServer::start(&fx.base, USER, PASSWORD);

    // Wrong password from the credentials file.
    let mut credentials = Credentials::none();
    credentials.add(
        &format!("http://{}", server.addr),
        Account {
            username: USER.into(),
            password: Secret::new("wrong-password"),
        },
    );
    let (_cache, source) = source_with(credentials);
    let err = source
        .resolve(&server.url("repo.git"), "main")
        .await
        .expect_err("bad password");
    assert_no_secret(&err);

    // Credentials inside the URL: used, but stripped from every error.
    let (_cache, source) = source_with(Credentials::none());
    let url = format!("http://{USER}:{PASSWORD}@{}/repo.git", server.addr);
    let err = source
        .resolve(&url, "no-such-branch")
        .await
        .expect_err("missing revision");
    assert!(matches!(err, Error::RevisionNotFound { .. }), "{err}");
    assert_no_secret(&err);
    let bad = format!("http://{USER}:wrong-password@{}/repo.git", server.addr);
    let err = source
        .resolve(&bad, "main")
        .await
        .expect_err("bad password");
    assert_no_secret(&err);
    let err = source
        .resolve(&bad, "--upload-pack=x")
        .await
        .expect_err("bad revision");
    assert_no_secret(&err);

    // Unreachable host with credentials in the URL.
    let port = common::free_port();
    let err = source
        .resolve(
            &format!("http://{USER}:{PASSWORD}@127.0.0.1:{port}/repo.git"),
            "main",
        )
        .await
        .expect_err("connection refused");
    assert!(err.is_transient(), "{err}");
    assert_no_secret(&err);
}

#[tokio::test]
async fn the_mirror_on_disk_holds_no_credentials() {
    let fx = Fixture::new();
    let server = GitHttpServer::start(&fx.base, USER, PASSWORD);
    let (cache, source) = source_with(Credentials::none());
    let url = format!("http://{USER}:{PASSWORD}@{}/repo.git", server.addr);
    source.resolve(&url, "main").await.expect("fetch");
    let mut stack = vec![cache.path().join("repos")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read(&path) {
                let text = String::from_utf8_lossy(&text);
                assert!(
                    !text.contains(PASSWORD),
                    "{} holds the password",
                    path.display()
                );
            }
        }
    }
}

#[tokio::test]
async fn https_to_a_server_with_an_untrusted_certificate_fails_without_sending_anything() {
    // A real TLS server (openssl s_server) with a self-signed certificate.
    let dir = tempfile::tempdir().expect("temp dir");
    let (key, cert) = (dir.path().join("key.pem"), dir.path().join("cert.pem"));
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success());
    let port = common::free_port();
    let mut server = std::process::Command::new("openssl")
        .args(["s_server", "-quiet", "-www", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(&cert)
        .arg("-key")
        .arg(&key)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("openssl s_server starts");
    common::wait_for(std::net::SocketAddr::from(([127, 0, 0, 1], port)));

    let mut credentials = Credentials::none();
    credentials.set_fallback(Some(Account {
        username: USER.into(),
        password: Secret::new(PASSWORD),
    }));
    let (_cache, source) = source_with(credentials);
    let result = source
        .resolve(&format!("https://127.0.0.1:{port}/repo.git"), "main")
        .await;
    let _ = server.kill();
    let _ = server.wait();
    let err = result.expect_err("untrusted certificate");
    assert!(matches!(err, Error::FetchFailed { .. }), "{err}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
    assert_no_secret(&err);
}

#[tokio::test]
async fn https_connection_refused_is_transient() {
    let port = common::free_port();
    let (_cache, source) = source_with(Credentials::none());
    let err = source
        .resolve(&format!("https://127.0.0.1:{port}/repo.git"), "main")
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::FetchFailed { .. }), "{err}");
    assert!(err.is_transient());
}

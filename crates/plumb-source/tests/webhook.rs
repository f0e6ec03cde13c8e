//! Webhook authentication and payload extraction, with payloads from `testdata/`.

use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderValue};
use plumb_source::{Provider, Secret, WebhookError, WebhookSecrets, parse_webhook};
use sha2::Sha256;

const SECRET: &str = "webhook-secret-123";

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn hmac_hex(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length works");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in pairs {
        h.insert(*name, HeaderValue::from_str(value).expect("header value"));
    }
    h
}

fn secrets() -> WebhookSecrets {
    WebhookSecrets {
        github: Some(Secret::new(SECRET)),
        gitlab: Some(Secret::new(SECRET)),
        gitea: Some(Secret::new(SECRET)),
    }
}

fn github(signature: Option<String>, event: &str) -> HeaderMap {
    let mut h = headers(&[("x-github-event", event)]);
    if let Some(sig) = signature {
        h.insert(
            "x-hub-signature-256",
            HeaderValue::from_str(&sig).expect("header"),
        );
    }
    h
}

#[test]
fn a_github_push_with_a_good_signature_is_an_event_with_every_repo_url() {
    let body = fixture("github-push.json");
    let h = github(Some(format!("sha256={}", hmac_hex(SECRET, &body))), "push");
    let push = parse_webhook(&h, &body, &secrets()).expect("valid push");
    assert_eq!(push.provider, Provider::GitHub);
    assert_eq!(push.git_ref, "refs/heads/main");
    assert_eq!(
        push.after.as_deref(),
        Some("59b20b8d5c6ff8d09518454d4dd8b7a30f095ab5")
    );
    for url in [
        "https://github.com/Acme/Deploy",
        "https://github.com/Acme/Deploy.git",
        "git@github.com:Acme/Deploy.git",
        "git://github.com/Acme/Deploy.git",
    ] {
        assert!(
            push.repo_urls.iter().any(|u| u == url),
            "{url} in {:?}",
            push.repo_urls
        );
    }
    assert!(push.concerns("https://github.com/acme/deploy"));
    assert!(push.concerns("git@github.com:acme/deploy"));
    assert!(!push.concerns("https://github.com/acme/deploy-other"));
}

#[test]
fn a_github_push_with_a_bad_or_missing_signature_is_unauthorized() {
    let body = fixture("github-push.json");
    let wrong_key = format!("sha256={}", hmac_hex("not-the-secret", &body));
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    let good_for_other_body = format!("sha256={}", hmac_hex(SECRET, &tampered));
    for sig in [
        None,
        Some(wrong_key),
        Some(good_for_other_body),
        Some("sha256=zz".into()),
        Some(hmac_hex(SECRET, &body)),
    ] {
        let err =
            parse_webhook(&github(sig.clone(), "push"), &body, &secrets()).expect_err("refused");
        assert!(
            matches!(
                err,
                WebhookError::Unauthorized {
                    provider: Provider::GitHub,
                    ..
                }
            ),
            "{sig:?}: {err}"
        );
        assert!(!err.to_string().contains(SECRET));
    }
}

#[test]
fn a_provider_without_a_configured_secret_is_unauthorized() {
    let body = fixture("github-push.json");
    let h = github(Some(format!("sha256={}", hmac_hex(SECRET, &body))), "push");
    let err = parse_webhook(&h, &body, &WebhookSecrets::default()).expect_err("no secret");
    assert!(matches!(err, WebhookError::Unauthorized { .. }), "{err}");
}

#[test]
fn an_authenticated_github_ping_is_not_a_push() {
    let body = fixture("github-ping.json");
    let h = github(Some(format!("sha256={}", hmac_hex(SECRET, &body))), "ping");
    let err = parse_webhook(&h, &body, &secrets()).expect_err("ping");
    assert_eq!(
        err,
        WebhookError::NotAPush {
            provider: Provider::GitHub,
            event: "ping".into()
        }
    );
}

#[test]
fn a_deleted_branch_has_no_after_commit() {
    let body = fixture("github-branch-deleted.json");
    let h = github(Some(format!("sha256={}", hmac_hex(SECRET, &body))), "push");
    let push = parse_webhook(&h, &body, &secrets()).expect("valid push");
    assert_eq!(push.after, None);
    assert_eq!(push.git_ref, "refs/heads/feature");
}

#[test]
fn a_gitlab_push_with_the_right_token_is_an_event() {
    let body = fixture("gitlab-push.json");
    let h = headers(&[("x-gitlab-event", "Push Hook"), ("x-gitlab-token", SECRET)]);
    let push = parse_webhook(&h, &body, &secrets()).expect("valid push");
    assert_eq!(push.provider, Provider::GitLab);
    assert_eq!(push.git_ref, "refs/heads/main");
    assert_eq!(
        push.after.as_deref(),
        Some("da1560886d4f094c3e6c9ef40349f7d38b5d27d7")
    );
    assert!(
        push.repo_urls
            .iter()
            .any(|u| u == "https://gitlab.example.com/platform/deploy.git")
    );
    assert!(
        push.repo_urls
            .iter()
            .any(|u| u == "git@gitlab.example.com:platform/deploy.git")
    );
    assert!(push.concerns("https://gitlab.example.com/platform/deploy"));
}

#[test]
fn a_gitlab_push_with_a_wrong_or_missing_token_is_unauthorized() {
    let body = fixture("gitlab-push.json");
    for h in [
        headers(&[
            ("x-gitlab-event", "Push Hook"),
            ("x-gitlab-token", "webhook-secret-12"),
        ]),
        headers(&[
            ("x-gitlab-event", "Push Hook"),
            ("x-gitlab-token", "webhook-secret-1234"),
        ]),
        headers(&[("x-gitlab-event", "Push Hook")]),
    ] {
        let err = parse_webhook(&h, &body, &secrets()).expect_err("refused");
        assert!(
            matches!(
                err,
                WebhookError::Unauthorized {
                    provider: Provider::GitLab,
                    ..
                }
            ),
            "{err}"
        );
    }
}

#[test]
fn a_gitea_push_with_a_good_signature_is_an_event() {
    let body = fixture("gitea-push.json");
    let h = headers(&[
        ("x-gitea-event", "push"),
        ("x-gitea-signature", &hmac_hex(SECRET, &body)),
    ]);
    let push = parse_webhook(&h, &body, &secrets()).expect("valid push");
    assert_eq!(push.provider, Provider::Gitea);
    assert_eq!(
        push.after.as_deref(),
        Some("bffeb74224043ba2feb48d137756c8a9331c449a")
    );
    assert!(push.concerns("git@gitea.example.com:ops/deploy.git"));
    assert!(push.concerns("https://gitea.example.com/ops/deploy"));
}

#[test]
fn a_gitea_push_with_a_bad_or_missing_signature_is_unauthorized() {
    let body = fixture("gitea-push.json");
    for h in [
        headers(&[
            ("x-gitea-event", "push"),
            ("x-gitea-signature", &hmac_hex("other", &body)),
        ]),
        headers(&[("x-gitea-event", "push"), ("x-gitea-signature", "not-hex")]),
        headers(&[("x-gitea-event", "push")]),
    ] {
        let err = parse_webhook(&h, &body, &secrets()).expect_err("refused");
        assert!(
            matches!(
                err,
                WebhookError::Unauthorized {
                    provider: Provider::Gitea,
                    ..
                }
            ),
            "{err}"
        );
    }
}

#[test]
fn a_request_from_an_unknown_sender_is_refused() {
    let body = fixture("github-push.json");
    let err = parse_webhook(&HeaderMap::new(), &body, &secrets()).expect_err("unknown");
    assert_eq!(err, WebhookError::UnknownProvider);
}

#[test]
fn an_authenticated_body_that_is_not_json_is_an_invalid_payload() {
    let body = b"not json".to_vec();
    let h = github(Some(format!("sha256={}", hmac_hex(SECRET, &body))), "push");
    let err = parse_webhook(&h, &body, &secrets()).expect_err("invalid");
    assert!(matches!(err, WebhookError::InvalidPayload { .. }), "{err}");
}

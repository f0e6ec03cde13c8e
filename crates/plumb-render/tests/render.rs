//! Rendering the fixture repository under `testdata/repo` (`testdata/outside` plays a
//! file outside the repository that symlinks try to reach).

use std::path::{Path, PathBuf};

use plumb_render::{
    DirectoryOptions, KustomizeOverrides, RenderError, RenderRequest, Rendered, SourceKind, render,
};
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/repo")
}

fn render_dir(path: &str, directory: DirectoryOptions) -> Result<Rendered, RenderError> {
    let root = repo();
    render(&RenderRequest {
        repo_root: &root,
        path,
        directory,
        kustomize: None,
    })
}

fn names(r: &Rendered) -> Vec<String> {
    r.objects
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap_or("?"),
                o["metadata"]["name"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[test]
fn multi_document_yaml_yields_each_object_and_skips_empty_documents() {
    let r = render_dir("multi-doc", DirectoryOptions::default()).expect("renders");
    assert_eq!(r.source, SourceKind::Directory);
    assert_eq!(names(&r), ["Deployment/my-app", "Service/my-app"]);
    assert_eq!(r.objects[0]["spec"]["replicas"], 3);
}

#[test]
fn a_kind_list_is_flattened_into_its_items() {
    let r = render_dir("list", DirectoryOptions::default()).expect("renders");
    assert_eq!(names(&r), ["ConfigMap/first", "ConfigMap/second"]);
}

#[test]
fn json_files_are_read_and_other_files_ignored() {
    let r = render_dir("json", DirectoryOptions::default()).expect("renders");
    assert_eq!(names(&r), ["ConfigMap/from-json"]);
    assert_eq!(r.objects[0]["data"]["port"], Value::from("8080"));
}

#[test]
fn subdirectories_are_read_only_when_recurse_is_set() {
    let flat = render_dir("nested", DirectoryOptions::default()).expect("renders");
    assert_eq!(names(&flat), ["ConfigMap/top"]);
    let deep = render_dir(
        "nested",
        DirectoryOptions {
            recurse: true,
            ..Default::default()
        },
    )
    .expect("renders");
    assert_eq!(names(&deep), ["ConfigMap/deep", "ConfigMap/top"]);
}

#[test]
fn include_and_exclude_globs_match_paths_relative_to_the_app_path() {
    let opts = |include: Option<&str>, exclude: Option<&str>| DirectoryOptions {
        recurse: true,
        include: include.map(str::to_string),
        exclude: exclude.map(str::to_string),
    };
    let all = render_dir("filtered", opts(None, None)).expect("renders");
    assert_eq!(
        names(&all),
        [
            "ConfigMap/a",
            "ConfigMap/b",
            "ConfigMap/config",
            "ConfigMap/env-use1",
            "ConfigMap/env-usw2"
        ]
    );
    let included =
        render_dir("filtered", opts(Some("{config.json,env-usw2/*}"), None)).expect("renders");
    assert_eq!(names(&included), ["ConfigMap/config", "ConfigMap/env-usw2"]);
    let excluded = render_dir("filtered", opts(None, Some("env-*"))).expect("renders");
    assert_eq!(
        names(&excluded),
        ["ConfigMap/a", "ConfigMap/b", "ConfigMap/config"]
    );
    let both = render_dir("filtered", opts(Some("*.yaml"), Some("b.yaml"))).expect("renders");
    assert_eq!(
        names(&both),
        ["ConfigMap/a", "ConfigMap/env-use1", "ConfigMap/env-usw2"]
    );
    let bad = render_dir("filtered", opts(Some("{a,b"), None)).expect_err("bad glob");
    assert!(bad.to_string().contains("directory.include"), "{bad}");
}

#[test]
fn malformed_yaml_names_the_file_line_and_column_and_returns_nothing() {
    let err = render_dir("malformed", DirectoryOptions::default()).expect_err("broken yaml");
    let text = err.to_string();
    assert_eq!(
        text,
        "malformed/app.yaml:12:8: illegal placement of ':' indicator"
    );
    assert!(
        matches!(err, RenderError::Syntax { line: 12, .. }),
        "{err:?}"
    );
}

#[test]
fn an_object_without_kind_names_the_file_and_document() {
    let err = render_dir("missing-kind", DirectoryOptions::default()).expect_err("no kind");
    assert_eq!(
        err.to_string(),
        "missing-kind/app.yaml:5: document 2: object has no kind"
    );
}

#[test]
fn a_symlinked_file_resolving_outside_the_repo_is_refused() {
    let err = render_dir("symlink-file", DirectoryOptions::default()).expect_err("escape");
    assert_eq!(
        err.to_string(),
        "symlink-file/leak.yaml: resolves outside the repository"
    );
}

#[test]
fn a_symlinked_directory_resolving_outside_the_repo_is_refused() {
    let err = render_dir("symlink-dir", DirectoryOptions::default()).expect_err("escape");
    assert_eq!(
        err.to_string(),
        "symlink-dir/linked: resolves outside the repository"
    );
}

#[test]
fn app_paths_escaping_with_dotdot_or_absolute_paths_are_refused() {
    for path in ["../outside", "multi-doc/../../outside", "list/../.."] {
        let err = render_dir(path, DirectoryOptions::default()).expect_err("escape");
        assert!(
            matches!(err, RenderError::OutsideRepo { .. }),
            "{path}: {err:?}"
        );
    }
    let err = render_dir("/etc", DirectoryOptions::default()).expect_err("absolute");
    assert!(matches!(err, RenderError::AbsolutePath { .. }), "{err:?}");
    let err = render_dir("no/such/dir", DirectoryOptions::default()).expect_err("missing");
    assert!(matches!(err, RenderError::NotADirectory { .. }), "{err:?}");
}

#[test]
fn an_empty_directory_renders_zero_objects() {
    let r = render_dir("empty", DirectoryOptions::default()).expect("renders");
    assert!(r.objects.is_empty());
}

#[test]
fn oversized_files_fail_fast() {
    let limits = plumb_render::Limits {
        max_file_bytes: 64,
        ..Default::default()
    };
    let root = repo();
    let req = RenderRequest {
        repo_root: &root,
        path: "multi-doc",
        directory: DirectoryOptions::default(),
        kustomize: None,
    };
    let err = plumb_render::render_with_limits(&req, &limits).expect_err("too large");
    assert!(matches!(err, RenderError::TooLarge { .. }), "{err:?}");
}

#[test]
fn a_kustomization_is_rendered_with_kustomize() {
    let r = render_dir("kustomize/overlays/prod", DirectoryOptions::default()).expect("renders");
    assert_eq!(r.source, SourceKind::Kustomize);
    assert_eq!(names(&r), ["Deployment/my-app"]);
    assert_eq!(r.objects[0]["metadata"]["namespace"], "production");
    assert_eq!(r.objects[0]["spec"]["replicas"], 3);
}

fn render_kustomize(overrides: &KustomizeOverrides) -> Result<Rendered, RenderError> {
    let root = repo();
    render(&RenderRequest {
        repo_root: &root,
        path: "kustomize/overlays/prod",
        directory: DirectoryOptions::default(),
        kustomize: Some(overrides),
    })
}

#[test]
fn argo_cd_image_overrides_change_the_built_images() {
    let overrides = KustomizeOverrides {
        images: vec!["myapp:v1.2.0".into()],
        ..Default::default()
    };
    let r = render_kustomize(&overrides).expect("renders");
    assert_eq!(
        r.objects[0]["spec"]["template"]["spec"]["containers"][0]["image"],
        "myapp:v1.2.0"
    );
}

#[test]
fn argo_cd_name_namespace_label_and_replica_overrides_apply_as_kustomize_edit_does() {
    let overrides = KustomizeOverrides {
        name_prefix: Some("blue-".into()),
        namespace: Some("staging".into()),
        common_labels: vec![("team".into(), "payments".into())],
        replicas: vec![("my-app".into(), 5)],
        ..Default::default()
    };
    let r = render_kustomize(&overrides).expect("renders");
    let d = &r.objects[0];
    assert_eq!(d["metadata"]["name"], "blue-my-app");
    assert_eq!(d["metadata"]["namespace"], "staging");
    assert_eq!(d["metadata"]["labels"]["team"], "payments");
    assert_eq!(d["spec"]["selector"]["matchLabels"]["team"], "payments");
    assert_eq!(d["spec"]["replicas"], 5);
}

#[test]
fn a_kustomization_reading_outside_the_repo_fails_naming_the_app_path() {
    let err = render_dir("kustomize/escape", DirectoryOptions::default()).expect_err("escape");
    let text = err.to_string();
    assert!(matches!(err, RenderError::Kustomize { .. }), "{err:?}");
    assert!(
        text.starts_with("kustomize/escape: kustomize build: "),
        "{text}"
    );
    assert!(
        text.contains("kustomize/escape/kustomization.yaml: resources: ../../../outside/secret.yaml: security;"),
        "{text}"
    );
}

#[test]
fn an_object_declared_twice_is_refused_naming_both_places() {
    let err = render_dir("duplicate", DirectoryOptions::default()).expect_err("duplicate");
    assert_eq!(
        err.to_string(),
        "duplicate/b.yaml:6: document 2: ConfigMap/settings is already declared at duplicate/a.yaml:1 (document 1)"
    );
}

#[test]
fn origins_point_at_each_objects_file_line_and_document() {
    let r = render_dir("multi-doc", DirectoryOptions::default()).expect("renders");
    let origins: Vec<String> = r.origins.iter().map(ToString::to_string).collect();
    assert_eq!(
        origins,
        [
            "multi-doc/app.yaml:1 (document 1)",
            "multi-doc/app.yaml:19 (document 3)"
        ]
    );
}

#[test]
fn a_kustomization_below_a_directory_app_is_refused_unless_excluded() {
    let recurse = |exclude: Option<&str>| DirectoryOptions {
        recurse: true,
        include: None,
        exclude: exclude.map(str::to_string),
    };
    let err = render_dir("nested-kustomization", recurse(None)).expect_err("kustomization");
    assert!(
        err.to_string()
            .starts_with("nested-kustomization/base/kustomization.yaml: a kustomization below"),
        "{err}"
    );
    let r = render_dir("nested-kustomization", recurse(Some("base/*"))).expect("renders");
    assert_eq!(names(&r), ["ConfigMap/app"]);
}

#[test]
fn a_helm_chart_is_refused_with_a_clear_message() {
    let err = render_dir("helm-chart", DirectoryOptions::default()).expect_err("helm");
    assert_eq!(
        err.to_string(),
        "helm-chart: a Helm chart (Chart.yaml): Helm sources are not supported"
    );
}

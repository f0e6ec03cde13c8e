//! Argo CD `source.kustomize` overrides give the same output as the kustomization that
//! `kustomize edit set image|nameprefix|namespace|replicas` and `edit add label` write.

use std::fs;
use std::path::PathBuf;

use plumb_kustomize::{Options, Overrides, build, build_with_overrides};

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: myapp
spec:
  replicas: 1
  selector:
    matchLabels:
      app: myapp
  template:
    metadata:
      labels:
        app: myapp
    spec:
      containers:
      - name: app
        image: myapp:v1.1.0
";

fn tree(name: &str, kustomization: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("plumb-overrides-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&root).expect("mkdir");
    fs::write(root.join("kustomization.yaml"), kustomization).expect("write");
    fs::write(root.join("deploy.yaml"), DEPLOY).expect("write");
    root
}

#[test]
fn overrides_build_like_the_edited_kustomization() {
    let plain = tree(
        "plain",
        "resources:\n- deploy.yaml\nimages:\n- name: myapp\n  newTag: v1.0.0\n",
    );
    let edited = tree(
        "edited",
        "resources:\n- deploy.yaml\nimages:\n- name: myapp\n  newTag: v1.2.0\n  newName: registry.example.com/myapp\nnamePrefix: prod-\nnamespace: production\ncommonLabels:\n  team: payments\nreplicas:\n- name: myapp\n  count: 3\n",
    );
    let overrides = Overrides {
        images: vec!["myapp=registry.example.com/myapp:v1.2.0".into()],
        name_prefix: Some("prod-".into()),
        namespace: Some("production".into()),
        common_labels: vec![("team".into(), "payments".into())],
        replicas: vec![("myapp".into(), 3)],
        ..Overrides::default()
    };
    let opts = Options::default();
    let got = build_with_overrides(&plain, &overrides, &opts).expect("builds");
    let want = build(&edited, &opts).expect("builds");
    assert_eq!(got, want);
    assert!(
        got.contains("image: registry.example.com/myapp:v1.2.0"),
        "{got}"
    );
    // The file on disk is untouched.
    let on_disk = fs::read_to_string(plain.join("kustomization.yaml")).expect("read");
    assert!(on_disk.contains("newTag: v1.0.0"));
}

#[test]
fn the_seed_image_override_sets_the_tag() {
    let plain = tree("seed", "resources:\n- deploy.yaml\n");
    let overrides = Overrides {
        images: vec!["myapp:v1.2.0".into()],
        ..Overrides::default()
    };
    let got = build_with_overrides(&plain, &overrides, &Options::default()).expect("builds");
    assert!(got.contains("image: myapp:v1.2.0"), "{got}");
}

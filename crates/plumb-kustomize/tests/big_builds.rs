//! Builds of many resource files: objects print in order and the first failing entry
//! (in file order) is the one reported.

use std::fs;
use std::path::PathBuf;

use plumb_kustomize::{Options, build};

/// A kustomization listing `n` ConfigMap files (each padded so that the tree is well
/// over the parallel threshold); `edit` may replace a file's text.
fn tree(name: &str, n: usize, edit: impl Fn(usize) -> Option<String>) -> PathBuf {
    let root =
        std::env::temp_dir().join(format!("plumb-kustomize-big-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&root).expect("mkdir");
    let mut k = String::from("resources:\n");
    for i in 0..n {
        k.push_str(&format!("- cm-{i:03}.yaml\n"));
        let text = edit(i).unwrap_or_else(|| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i:03}\ndata:\n  pad: {}\n",
                "x".repeat(400)
            )
        });
        if !text.is_empty() {
            fs::write(root.join(format!("cm-{i:03}.yaml")), text).expect("write");
        }
    }
    fs::write(root.join("kustomization.yaml"), k).expect("write");
    root
}

#[test]
fn objects_print_in_order() {
    let root = tree("order", 300, |_| None);
    let out = build(&root, &Options::default()).expect("builds");
    let docs: Vec<&str> = out.split("---\n").collect();
    assert_eq!(docs.len(), 300);
    for (i, d) in docs.iter().enumerate() {
        assert!(
            d.contains(&format!("name: cm-{i:03}\n")),
            "document {i}: {d}"
        );
    }
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn the_first_failing_entry_is_reported() {
    let root = tree("errors", 300, |i| match i {
        120 => Some(String::new()), // missing
        250 => Some("a: [\n".into()),
        _ => None,
    });
    let err = build(&root, &Options::default()).expect_err("a file is missing");
    assert!(err.to_string().contains("cm-120.yaml"), "{err}");

    let root2 = tree("errors2", 300, |i| match i {
        150 => Some("a: [\n".into()),
        280 => Some(String::new()),
        _ => None,
    });
    let err = build(&root2, &Options::default()).expect_err("a file is invalid");
    assert!(err.to_string().contains("cm-150.yaml"), "{err}");
    let _ = fs::remove_dir_all(&root);
    let _ = fs::remove_dir_all(&root2);
}

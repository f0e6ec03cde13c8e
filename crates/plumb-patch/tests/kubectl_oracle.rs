//! Differential test against real kubectl: `kubectl patch --local` applies a patch with the
//! same apimachinery and json-patch code the API server runs (kubectl 1.32 here), and for
//! strategic merge with the typed 1.32 structs as schema. The cases live in
//! `testdata/kubectl/cases.yaml`; the test is skipped (with a note) without kubectl.

use std::path::PathBuf;
use std::process::Command;

use plumb_patch::{PatchError, json_patch, merge_patch, strategic_merge_patch};
use serde_json::{Map, Value};

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What `kubectl patch --local` makes of `patch`: the patched object or the error text.
fn kubectl_patch(
    object: &Value,
    patch_type: &str,
    patch: &Value,
    scratch: &PathBuf,
) -> Result<Value, String> {
    std::fs::write(scratch, object.to_string()).expect("the scratch file is writable");
    let output = Command::new("kubectl")
        .arg("patch")
        .arg("--local")
        .arg("-f")
        .arg(scratch)
        .arg(format!("--type={patch_type}"))
        .arg("-p")
        .arg(patch.to_string())
        .args(["-o", "json"])
        .env("KUBECONFIG", "/dev/null")
        .output()
        .expect("kubectl runs");
    if output.status.success() {
        Ok(serde_json::from_slice(&output.stdout).expect("kubectl prints JSON"))
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr.strip_prefix("error: ").unwrap_or(&stderr);
        Err(message.strip_suffix('\n').unwrap_or(message).to_string())
    }
}

fn ours(object: &Value, patch_type: &str, patch: &Value) -> Result<Value, PatchError> {
    match patch_type {
        "strategic" => {
            let api_version = object["apiVersion"].as_str().unwrap_or_default();
            let kind = object["kind"].as_str().unwrap_or_default();
            let schema = plumb_schema::builtin().root(api_version, kind);
            assert!(schema.is_some(), "plumb-schema knows {api_version}/{kind}");
            strategic_merge_patch(object, patch, schema)
        }
        "merge" => merge_patch(object, patch),
        "json" => json_patch(object, patch),
        other => panic!("unknown patch type {other}"),
    }
}

/// What the API server's typed decoding leaves of a strategic-merge result: no directive
/// keys, no null members.
fn as_stored(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| {
                    !v.is_null()
                        && k.as_str() != "$patch"
                        && k.as_str() != "$retainKeys"
                        && !k.starts_with("$setElementOrder/")
                        && !k.starts_with("$deleteFromPrimitiveList/")
                })
                .map(|(k, v)| (k.clone(), as_stored(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(as_stored).collect()),
        other => other.clone(),
    }
}

#[test]
fn patches_apply_as_kubectl_1_32_applies_them() {
    if !kubectl_available() {
        eprintln!("skipped: kubectl is not on PATH");
        return;
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/kubectl/cases.yaml");
    let text = std::fs::read_to_string(path).expect("the fixture is readable");
    let fixture: Value = serde_saphyr::from_str(&text).expect("the fixture is valid YAML");
    let cases = fixture["cases"].as_array().cloned().unwrap_or_default();
    assert!(cases.len() > 30, "the fixture is loaded");
    let scratch =
        std::env::temp_dir().join(format!("plumb-patch-oracle-{}.json", std::process::id()));

    let mut failures = Vec::new();
    let mut applied = 0;
    for case in &cases {
        let description = case["description"].as_str().unwrap_or_default();
        let patch_type = case["type"].as_str().unwrap_or_default();
        let (object, patch) = (&case["object"], &case["patch"]);
        let want = kubectl_patch(object, patch_type, patch, &scratch);
        let got = ours(object, patch_type, patch);
        applied += usize::from(want.is_ok());
        let agree = match (&want, &got) {
            (Ok(want), Ok(got)) if patch_type == "strategic" => as_stored(want) == as_stored(got),
            (Ok(want), Ok(got)) => want == got,
            // kubectl rewrites json-patch "doc is missing key" messages; the rest it prints
            // as the library produced them, ending in exactly one newline.
            (Err(want), Err(got)) => {
                want.contains("is missing field") || want.trim_end() == got.to_string().trim_end()
            }
            _ => false,
        };
        if !agree {
            failures.push(format!(
                "{description}\n   kubectl {}\n   ours    {}",
                match &want {
                    Ok(v) => as_stored(v).to_string(),
                    Err(e) => format!("error: {e}"),
                },
                match &got {
                    Ok(v) => as_stored(v).to_string(),
                    Err(e) => format!("error: {e}"),
                },
            ));
        }
    }
    let _ = std::fs::remove_file(&scratch);
    assert!(
        applied > 25,
        "most cases are patches kubectl applies ({applied})"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from kubectl:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// A small deterministic generator (no dependencies): xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// A random subset of `items` in random order.
    fn subset<T: Clone>(&mut self, items: &[T]) -> Vec<T> {
        let mut pool = items.to_vec();
        let mut out = Vec::new();
        while !pool.is_empty() {
            let i = self.below(pool.len() + 1);
            if i == pool.len() {
                break;
            }
            out.push(pool.remove(i));
        }
        out
    }
}

fn generated_case(rng: &mut Rng) -> (Value, Value) {
    use serde_json::json;
    let names = ["a", "b", "c", "d", "e"];
    let envs = ["X", "Y", "Z", "W"];
    let finalizers = ["f1", "f2", "f3", "f4"];

    let live_containers: Vec<Value> = rng
        .subset(&names)
        .into_iter()
        .map(|n| {
            let env: Vec<Value> = rng
                .subset(&envs)
                .into_iter()
                .map(|e| json!({"name": e, "value": "live"}))
                .collect();
            let ports: Vec<Value> = rng
                .subset(&[80, 81, 82])
                .into_iter()
                .map(|p| json!({"containerPort": p, "protocol": "TCP"}))
                .collect();
            json!({
                "name": n,
                "image": format!("{n}:1"),
                "env": env,
                "ports": ports,
                "args": ["live"],
                "resources": {"limits": {"memory": "1Gi"}, "requests": {"cpu": "1"}},
            })
        })
        .collect();
    let live = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "gen", "finalizers": rng.subset(&finalizers), "labels": {"app": "gen", "tier": "t"}},
        "spec": {
            "replicas": 2,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {"spec": {
            "tolerations": [{"key": "t", "operator": "Exists"}],
            "containers": live_containers,
            "volumes": [{"name": "v", "emptyDir": {}}, {"name": "w", "emptyDir": {}}],
        }}},
    });

    let mut spec = Map::new();
    let patch_names = rng.subset(&names);
    let mut containers = Vec::new();
    for n in &patch_names {
        let mut c = Map::new();
        c.insert("name".into(), json!(n));
        if rng.chance(20) {
            c.insert("$patch".into(), json!("delete"));
        } else {
            if rng.chance(50) {
                c.insert("image".into(), json!(format!("{n}:2")));
            }
            if rng.chance(20) {
                c.insert("args".into(), json!(rng.subset(&["x", "y", "z"])));
            }
            if rng.chance(30) {
                let ports: Vec<Value> = rng
                    .subset(&[80, 81, 82])
                    .into_iter()
                    .map(|p| {
                        if rng.chance(30) {
                            json!({"containerPort": p, "$patch": "delete"})
                        } else {
                            json!({"containerPort": p, "name": format!("p{p}")})
                        }
                    })
                    .collect();
                c.insert("ports".into(), Value::Array(ports));
            }
            if rng.chance(10) {
                c.insert(
                    "resources".into(),
                    json!({"$patch": "replace", "limits": {"cpu": "1"}}),
                );
            }
            if rng.chance(10) {
                c.insert("image".into(), Value::Null);
            }
            if rng.chance(60) {
                let env_names = rng.subset(&envs);
                let env: Vec<Value> = env_names
                    .iter()
                    .map(|e| {
                        if rng.chance(25) {
                            json!({"name": e, "$patch": "delete"})
                        } else {
                            json!({"name": e, "value": "patch"})
                        }
                    })
                    .collect();
                c.insert("env".into(), Value::Array(env));
                if rng.chance(50) {
                    let order: Vec<Value> = rng
                        .subset(&envs)
                        .into_iter()
                        .map(|e| json!({"name": e}))
                        .collect();
                    c.insert("$setElementOrder/env".into(), Value::Array(order));
                }
            }
        }
        containers.push(Value::Object(c));
    }
    if rng.chance(10) {
        containers.insert(0, json!({"$patch": "replace"}));
    }
    if !containers.is_empty() {
        spec.insert("containers".into(), Value::Array(containers));
    }
    if rng.chance(50) {
        let order: Vec<Value> = rng
            .subset(&names)
            .into_iter()
            .map(|n| json!({"name": n}))
            .collect();
        spec.insert("$setElementOrder/containers".into(), Value::Array(order));
    }
    let mut metadata = Map::new();
    // Adding and deleting the same finalizer in one patch is order-dependent upstream (Go
    // map iteration), so the two lists stay disjoint.
    let added = if rng.chance(40) {
        rng.subset(&finalizers)
    } else {
        Vec::new()
    };
    if !added.is_empty() {
        metadata.insert("finalizers".into(), json!(added));
    }
    if rng.chance(30) {
        let deleted: Vec<&str> = rng
            .subset(&finalizers)
            .into_iter()
            .filter(|f| !added.contains(f))
            .collect();
        metadata.insert("$deleteFromPrimitiveList/finalizers".into(), json!(deleted));
    }
    if rng.chance(30) {
        metadata.insert(
            "$setElementOrder/finalizers".into(),
            json!(rng.subset(&finalizers)),
        );
    }
    if rng.chance(20) {
        spec.insert(
            "volumes".into(),
            json!([{"$retainKeys": ["configMap", "name"], "name": "v", "configMap": {"name": "c"}}]),
        );
    }
    if rng.chance(20) {
        let order: Vec<Value> = rng
            .subset(&["v", "w", "x"])
            .into_iter()
            .map(|n| json!({"name": n}))
            .collect();
        spec.insert("$setElementOrder/volumes".into(), Value::Array(order));
    }
    if rng.chance(20) {
        spec.insert(
            "tolerations".into(),
            json!([{"key": "k", "operator": "Exists"}]),
        );
    }
    let mut deployment_spec = Map::new();
    if rng.chance(20) {
        deployment_spec.insert(
            "strategy".into(),
            if rng.chance(50) {
                json!({"$retainKeys": ["type"], "type": "Recreate"})
            } else {
                json!({"rollingUpdate": {"maxSurge": 2}})
            },
        );
    }
    if rng.chance(20) {
        deployment_spec.insert(
            "replicas".into(),
            if rng.chance(50) {
                json!(null)
            } else {
                json!(5)
            },
        );
    }
    if rng.chance(30) {
        metadata.insert(
            "labels".into(),
            match rng.below(3) {
                0 => json!({"app": null, "x": "y"}),
                1 => json!({"$patch": "replace", "only": "one"}),
                _ => json!({"$patch": "delete"}),
            },
        );
    }
    deployment_spec.insert("template".into(), json!({"spec": Value::Object(spec)}));
    let patch = json!({
        "metadata": Value::Object(metadata),
        "spec": Value::Object(deployment_spec),
    });
    (live, patch)
}

/// Generated strategic merge patches (merge lists, deletions, `$setElementOrder`, parallel
/// primitive lists, `$patch: replace`) against kubectl. `PLUMB_PATCH_ORACLE_CASES` sets how
/// many (default 200).
#[test]
#[ignore = "slow: runs kubectl once per generated case"]
fn generated_strategic_patches_apply_as_kubectl_applies_them() {
    if !kubectl_available() {
        eprintln!("skipped: kubectl is not on PATH");
        return;
    }
    let count: u64 = std::env::var("PLUMB_PATCH_ORACLE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let scratch = std::env::temp_dir().join(format!("plumb-patch-gen-{}.json", std::process::id()));
    let mut failures = Vec::new();
    let mut applied = 0;
    for seed in 1..=count {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let (live, patch) = generated_case(&mut rng);
        let want = kubectl_patch(&live, "strategic", &patch, &scratch);
        let got = ours(&live, "strategic", &patch);
        applied += u64::from(want.is_ok());
        // With several faults in one patch, which one Go reports depends on map iteration
        // order; the curated cases check messages.
        let agree = match (&want, &got) {
            (Ok(want), Ok(got)) => as_stored(want) == as_stored(got),
            (Err(_), Err(_)) => true,
            _ => false,
        };
        if !agree {
            failures.push(format!(
                "seed {seed}\n   live    {live}\n   patch   {patch}\n   kubectl {}\n   ours    {}",
                match &want {
                    Ok(v) => as_stored(v).to_string(),
                    Err(e) => format!("error: {e}"),
                },
                match &got {
                    Ok(v) => as_stored(v).to_string(),
                    Err(e) => format!("error: {e}"),
                },
            ));
        }
    }
    let _ = std::fs::remove_file(&scratch);
    println!("{applied} of {count} generated patches applied, the rest failed in both");
    assert!(
        applied * 2 > count,
        "most generated patches apply ({applied} of {count})"
    );
    assert!(
        failures.is_empty(),
        "{} of {count} generated cases differ from kubectl:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn generated_json_patch(rng: &mut Rng) -> Value {
    use serde_json::json;
    let paths = [
        "/spec/replicas",
        "/spec/paused",
        "/metadata/labels",
        "/metadata/labels/app",
        "/metadata/labels/missing",
        "/metadata/labels/a~1b",
        "/metadata/finalizers/0",
        "/metadata/finalizers/1",
        "/metadata/finalizers/-",
        "/metadata/finalizers/-1",
        "/metadata/finalizers/9",
        "/metadata/finalizers/x",
        "/spec/template/spec/containers/0/image",
        "/spec/template/spec/containers/1",
        "/spec/template/spec/containers/0/env/0/value",
        "/spec/nope/deeper",
        "",
        "/",
    ];
    let values = [
        json!(3),
        json!("v"),
        json!(null),
        json!({"k": "v"}),
        json!([1, 2]),
    ];
    let ops = ["add", "remove", "replace", "move", "copy", "test"];
    let count = 1 + rng.below(4);
    let mut patch = Vec::new();
    for _ in 0..count {
        let op = ops[rng.below(ops.len())];
        let mut o = Map::new();
        o.insert("op".into(), json!(op));
        o.insert("path".into(), json!(paths[rng.below(paths.len())]));
        match op {
            "move" | "copy" => {
                o.insert("from".into(), json!(paths[rng.below(paths.len())]));
            }
            "remove" => {}
            _ => {
                if rng.chance(90) {
                    o.insert("value".into(), values[rng.below(values.len())].clone());
                }
            }
        }
        patch.push(Value::Object(o));
    }
    Value::Array(patch)
}

fn generated_merge_patch(rng: &mut Rng) -> Value {
    use serde_json::json;
    let leaves = [
        json!(null),
        json!(1),
        json!("s"),
        json!([1, null]),
        json!({"a": null, "b": 1}),
    ];
    let mut labels = Map::new();
    for k in ["app", "tier", "new"] {
        if rng.chance(50) {
            labels.insert(k.into(), leaves[rng.below(leaves.len())].clone());
        }
    }
    let mut spec = Map::new();
    for k in ["replicas", "paused", "strategy", "template"] {
        if rng.chance(40) {
            spec.insert(k.into(), leaves[rng.below(leaves.len())].clone());
        }
    }
    json!({"metadata": {"labels": Value::Object(labels)}, "spec": Value::Object(spec)})
}

/// Generated JSON patches and merge patches against kubectl's (the same v4 library).
#[test]
#[ignore = "slow: runs kubectl once per generated case"]
fn generated_json_and_merge_patches_apply_as_kubectl_applies_them() {
    use serde_json::json;
    if !kubectl_available() {
        eprintln!("skipped: kubectl is not on PATH");
        return;
    }
    let count: u64 = std::env::var("PLUMB_PATCH_ORACLE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let live = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "gen", "labels": {"app": "web", "tier": "front"}, "finalizers": ["f1", "f2"]},
        "spec": {
            "replicas": 2,
            "strategy": {"type": "Recreate"},
            "template": {"spec": {"containers": [
                {"name": "a", "image": "a:1", "env": [{"name": "X", "value": "1"}]},
                {"name": "b", "image": "b:1"},
            ]}},
        },
    });
    let scratch =
        std::env::temp_dir().join(format!("plumb-patch-genjson-{}.json", std::process::id()));
    let mut failures = Vec::new();
    let mut applied = 0;
    for seed in 1..=count {
        let mut rng = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
        let (patch_type, patch) = if seed % 2 == 0 {
            ("json", generated_json_patch(&mut rng))
        } else {
            ("merge", generated_merge_patch(&mut rng))
        };
        let want = kubectl_patch(&live, patch_type, &patch, &scratch);
        let got = ours(&live, patch_type, &patch);
        // kubectl only prints objects: a patch that leaves none (no kind) fails there.
        let agree = match (&want, &got) {
            (Ok(want), Ok(got)) => want == got,
            (Err(want), Err(got)) => {
                want.contains("is missing field") || want.trim_end() == got.to_string().trim_end()
            }
            (Err(_), Ok(got)) => got.get("kind").is_none() || got.get("apiVersion").is_none(),
            _ => false,
        };
        applied += u64::from(want.is_ok());
        if !agree {
            failures.push(format!(
                "seed {seed} ({patch_type})\n   patch   {patch}\n   kubectl {}\n   ours    {}",
                match &want {
                    Ok(v) => v.to_string(),
                    Err(e) => format!("error: {e}"),
                },
                match &got {
                    Ok(v) => v.to_string(),
                    Err(e) => format!("error: {e}"),
                },
            ));
        }
    }
    let _ = std::fs::remove_file(&scratch);
    println!("{applied} of {count} generated patches applied, the rest failed in both");
    assert!(
        failures.is_empty(),
        "{} of {count} generated cases differ from kubectl:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

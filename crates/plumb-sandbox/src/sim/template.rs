//! Pod templates of Deployments: the `pod-template-hash` and template equality.

use serde_json::Value;

/// The label that tells the ReplicaSets of one Deployment apart.
pub const HASH_LABEL: &str = "pod-template-hash";

/// Templates equal but for the `pod-template-hash` label (`EqualIgnoreHash`).
pub(super) fn same_template(rs_template: &Value, template: &Value) -> bool {
    let mut a = rs_template.clone();
    if let Some(l) = a["metadata"]["labels"].as_object_mut() {
        l.remove(HASH_LABEL);
    }
    let mut b = template.clone();
    if let Some(l) = b["metadata"]["labels"].as_object_mut() {
        l.remove(HASH_LABEL);
    }
    a == b
}

/// `ComputeHash`: FNV-32a, then `SafeEncodeString` of the decimal value. Go hashes the
/// spew dump of the Go struct, which cannot be reproduced here; this hashes canonical
/// JSON (sorted keys), so names are stable and well-formed but differ from a real
/// cluster's.
pub fn pod_template_hash(template: &Value, collision_count: Option<i64>) -> String {
    let mut h: u32 = 0x811c_9dc5;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u32::from(*b);
            h = h.wrapping_mul(0x0100_0193);
        }
    };
    feed(canonical(template).as_bytes());
    if let Some(c) = collision_count {
        feed(&u32::try_from(c).unwrap_or(0).to_le_bytes());
    }
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|b| ALPHANUMS[usize::from(b) % ALPHANUMS.len()] as char)
        .collect()
}

fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&m[k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_hash_is_stable_safe_and_ignores_key_order() {
        let a = json!({"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}});
        let b = json!({"spec": {"containers": [{"image": "i", "name": "c"}]}, "metadata": {"labels": {"app": "x"}}});
        let h = pod_template_hash(&a, None);
        assert_eq!(h, pod_template_hash(&b, None));
        assert_ne!(h, pod_template_hash(&a, Some(1)));
        assert!(
            h.bytes()
                .all(|c| b"bcdfghjklmnpqrstvwxz2456789".contains(&c)),
            "{h}"
        );
        let mut c = a.clone();
        c["metadata"]["labels"][HASH_LABEL] = json!(h);
        assert!(same_template(&c, &a));
    }
}

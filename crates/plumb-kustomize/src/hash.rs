//! The content hash kustomize appends to generated ConfigMap and Secret names: SHA-256
//! of a JSON encoding (Go's `encoding/json`, keys sorted, HTML-escaped), first ten hex
//! digits with some letters swapped so the suffix cannot look like a word or a number.

use sha2::{Digest, Sha256};

use crate::resource::Resource;
use crate::yaml::Node;

/// The ten-character suffix for a generated object.
pub fn name_hash(r: &Resource) -> String {
    let kind = r.kind();
    // kustomize builds the typed object without its name: the name is always empty.
    let mut fields: Vec<(&str, String)> =
        vec![("kind", json_string(kind)), ("name", json_string(""))];
    match kind {
        "ConfigMap" => {
            fields.push(("data", json_map(r.node.at(&["data"]))));
            if let Some(b) = r.node.at(&["binaryData"]).and_then(Node::as_map)
                && !b.is_empty()
            {
                fields.push(("binaryData", json_map(r.node.at(&["binaryData"]))));
            }
        }
        "Secret" => {
            fields.push(("data", json_map(r.node.at(&["data"]))));
            fields.push((
                "type",
                json_string(r.node.str_at(&["type"]).unwrap_or_default()),
            ));
        }
        _ => {}
    }
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", json_string(k)))
        .collect();
    encode(&format!("{{{}}}", body.join(",")))
}

fn encode(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..10]
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            other => other,
        })
        .collect()
}

fn json_map(node: Option<&Node>) -> String {
    let Some(m) = node.and_then(Node::as_map) else {
        // A missing map reads as an empty string in kustomize's encoding.
        return "\"\"".to_string();
    };
    let mut entries: Vec<(&String, String)> = m
        .iter()
        .map(|(k, v)| {
            (
                k,
                v.as_scalar().map(|s| s.value.clone()).unwrap_or_default(),
            )
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let body: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{}:{}", json_string(k), json_string(v)))
        .collect();
    format!("{{{}}}", body.join(","))
}

/// Go's `encoding/json` string encoding, HTML escaping included.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_one;

    fn res(text: &str) -> Resource {
        Resource::new(parse_one(text).expect("yaml").expect("doc")).expect("map")
    }

    #[test]
    fn config_map_hash_matches_kustomize() {
        let r = res(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: \"1\"\n  y: <b>&\n",
        );
        assert_eq!(name_hash(&r), "hmf64t92c5");
        let r = res(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  x: \"1\"\nimmutable: true\n",
        );
        assert_eq!(name_hash(&r), "hmg6f82fh6");
    }

    #[test]
    fn secret_hash_includes_the_type() {
        let r = res(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  x: MQ==\ntype: Opaque\n",
        );
        assert_eq!(name_hash(&r), "bf2648c599");
        let r = res(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: t\ndata:\n  x: MQ==\ntype: kubernetes.io/tls\n",
        );
        assert_eq!(name_hash(&r), "79cg2k2tfk");
    }
}

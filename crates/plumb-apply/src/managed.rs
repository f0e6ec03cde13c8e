//! `metadata.managedFields`: decoding entries into per-manager field sets, encoding them
//! back in the order the API server keeps them, and capping the number of `Update`
//! entries (`k8s.io/apimachinery/pkg/util/managedfields/internal`).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::fieldsv1;
use crate::set::Set;

/// Whether an entry records an apply or an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operation {
    /// Server-side apply (`PATCH` with `application/apply-patch+yaml`).
    Apply,
    /// Any other write: create, update, JSON / merge / strategic-merge patch.
    Update,
}

impl Operation {
    /// The name written in `managedFields[].operation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Apply => "Apply",
            Operation::Update => "Update",
        }
    }
}

/// What distinguishes one managedFields entry from another (`BuildManagerIdentifier`):
/// an `Apply` entry is one per manager and subresource whatever the apiVersion; an
/// `Update` entry is one per manager, apiVersion and subresource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ManagerId {
    pub manager: String,
    pub operation: Operation,
    /// Empty for `Apply`.
    pub api_version: String,
    pub subresource: String,
}

impl ManagerId {
    pub(crate) fn new(
        manager: &str,
        operation: Operation,
        api_version: &str,
        subresource: &str,
    ) -> Self {
        ManagerId {
            manager: manager.to_string(),
            operation,
            api_version: if operation == Operation::Apply {
                String::new()
            } else {
                api_version.to_string()
            },
            subresource: subresource.to_string(),
        }
    }

    /// The identifier as the API server spells it (the JSON of the entry without
    /// fields and time), by which it sorts managers in conflict messages.
    pub(crate) fn identifier(&self) -> String {
        let mut s = String::from("{\"manager\":");
        fieldsv1::write_json_string(&mut s, &self.manager);
        s.push_str(",\"operation\":\"");
        s.push_str(self.operation.as_str());
        s.push('"');
        if !self.api_version.is_empty() {
            s.push_str(",\"apiVersion\":");
            fieldsv1::write_json_string(&mut s, &self.api_version);
        }
        if !self.subresource.is_empty() {
            s.push_str(",\"subresource\":");
            fieldsv1::write_json_string(&mut s, &self.subresource);
        }
        s.push('}');
        s
    }
}

/// A manager's fields, at the apiVersion they were recorded in.
#[derive(Debug, Clone)]
pub(crate) struct VersionedSet {
    pub set: Set,
    pub api_version: String,
    pub applied: bool,
}

/// All managers of an object: their sets and the times of their entries.
#[derive(Debug, Clone, Default)]
pub(crate) struct Managed {
    pub fields: BTreeMap<ManagerId, VersionedSet>,
    pub times: BTreeMap<ManagerId, String>,
}

impl Managed {
    pub(crate) fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// Decodes `metadata.managedFields` (absent or `null` decodes to no managers).
pub(crate) fn decode(entries: Option<&Value>) -> Result<Managed, String> {
    let mut managed = Managed::default();
    let entries = match entries {
        None | Some(Value::Null) => return Ok(managed),
        Some(Value::Array(a)) => a,
        Some(other) => return Err(format!("managedFields must be a list, got {other}")),
    };
    for (i, e) in entries.iter().enumerate() {
        let Value::Object(e) = e else {
            return Err(format!("managed fields entry {i} is not an object"));
        };
        let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
        let operation = match s("operation") {
            "Apply" => Operation::Apply,
            "Update" => Operation::Update,
            _ => return Err("operation must be `Apply` or `Update`".into()),
        };
        if s("apiVersion").is_empty() {
            return Err("apiVersion must not be empty".into());
        }
        match s("fieldsType") {
            "FieldsV1" => {}
            "" => return Err(format!("missing fieldsType in managed fields entry {i}")),
            other => {
                return Err(format!(
                    "invalid fieldsType {other:?} in managed fields entry {i}"
                ));
            }
        }
        let set = match e.get("fieldsV1") {
            None | Some(Value::Null) => Set::new(),
            Some(v) => fieldsv1::decode(v)
                .map_err(|err| format!("error decoding versioned set from entry {i}: {err}"))?,
        };
        let id = ManagerId::new(s("manager"), operation, s("apiVersion"), s("subresource"));
        managed.fields.insert(
            id.clone(),
            VersionedSet {
                set,
                api_version: s("apiVersion").to_string(),
                applied: operation == Operation::Apply,
            },
        );
        match e.get("time").and_then(Value::as_str) {
            Some(t) => {
                managed.times.insert(id, t.to_string());
            }
            None => {
                managed.times.remove(&id);
            }
        }
    }
    Ok(managed)
}

/// Whether a request's managedFields ask for them to be reset: `[]` or `[{}]`.
pub(crate) fn is_reset(entries: Option<&Value>) -> bool {
    match entries {
        Some(Value::Array(a)) if a.is_empty() => true,
        Some(Value::Array(a)) if a.len() == 1 => a[0].as_object().is_some_and(Map::is_empty),
        _ => false,
    }
}

/// Encodes managers into entries, sorted as `sortEncodedManagedFields` does: `Apply`
/// before `Update`, then by time (seconds), manager, apiVersion and subresource.
pub(crate) fn encode(managed: &Managed) -> Vec<Value> {
    let mut rows: Vec<(&ManagerId, &VersionedSet, Option<&String>)> = managed
        .fields
        .iter()
        .map(|(id, vs)| (id, vs, managed.times.get(id)))
        .collect();
    rows.sort_by(|a, b| {
        a.0.operation
            .cmp(&b.0.operation)
            .then_with(|| seconds(a.2).cmp(&seconds(b.2)))
            .then_with(|| a.0.manager.cmp(&b.0.manager))
            .then_with(|| a.1.api_version.cmp(&b.1.api_version))
            .then_with(|| a.0.subresource.cmp(&b.0.subresource))
    });
    rows.into_iter()
        .map(|(id, vs, time)| {
            let mut e = Map::new();
            if !id.manager.is_empty() {
                e.insert("manager".into(), json!(id.manager));
            }
            e.insert("operation".into(), json!(id.operation.as_str()));
            e.insert("apiVersion".into(), json!(vs.api_version));
            if let Some(t) = time {
                e.insert("time".into(), json!(t));
            }
            e.insert("fieldsType".into(), json!("FieldsV1"));
            e.insert("fieldsV1".into(), fieldsv1::encode(&vs.set));
            if !id.subresource.is_empty() {
                e.insert("subresource".into(), json!(id.subresource));
            }
            Value::Object(e)
        })
        .collect()
}

/// Seconds since the epoch of an RFC 3339 time; 0 when absent or unparsable.
pub(crate) fn seconds(t: Option<&String>) -> i64 {
    t.and_then(|t| parse_rfc3339(t)).unwrap_or(0)
}

fn parse_rfc3339(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let n = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (h, mi, s) = (n(11..13)?, n(14..16)?, n(17..19)?);
    let mut rest = &t[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh = rest.get(1..3)?.parse::<i64>().ok()?;
            let om = rest.get(4..6)?.parse::<i64>().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + s - offset)
}

/// How many `Update` entries an object keeps before the oldest are merged.
pub(crate) const MAX_UPDATE_MANAGERS: usize = 10;

/// The manager that collects the oldest `Update` entries.
pub(crate) const ANCIENT_CHANGES: &str = "ancient-changes";

/// Merges the oldest `Update` entries into one `ancient-changes` entry per apiVersion
/// until at most [`MAX_UPDATE_MANAGERS`] remain (`capManagersManager`).
pub(crate) fn cap_update_managers(managed: &mut Managed) {
    let mut updaters: Vec<(ManagerId, i64)> = managed
        .fields
        .iter()
        .filter(|(_, vs)| !vs.applied)
        .map(|(id, _)| (id.clone(), seconds(managed.times.get(id))))
        .collect();
    if updaters.len() <= MAX_UPDATE_MANAGERS {
        return;
    }
    updaters.sort_by(|a, b| {
        a.1.cmp(&b.1)
            .then_with(|| a.0.identifier().cmp(&b.0.identifier()))
    });
    let mut first_of_version: BTreeMap<String, ManagerId> = BTreeMap::new();
    let mut length = updaters.len();
    for (id, _) in updaters {
        if length <= MAX_UPDATE_MANAGERS {
            break;
        }
        let Some(vs) = managed.fields.get(&id).cloned() else {
            continue;
        };
        let time = managed.times.get(&id).cloned();
        let bucket = ManagerId::new(ANCIENT_CHANGES, Operation::Update, &vs.api_version, "");
        match first_of_version.get(&vs.api_version) {
            Some(first) => {
                if !managed.fields.contains_key(&bucket) {
                    if let Some(s) = managed.fields.remove(first) {
                        managed.fields.insert(bucket.clone(), s);
                    }
                    managed.times.remove(first);
                }
                let union = match managed.fields.get(&bucket) {
                    Some(b) => vs.set.union(&b.set),
                    None => vs.set.clone(),
                };
                managed.fields.insert(
                    bucket.clone(),
                    VersionedSet {
                        set: union,
                        api_version: vs.api_version.clone(),
                        applied: vs.applied,
                    },
                );
                managed.fields.remove(&id);
                managed.times.remove(&id);
                length -= 1;
                match time {
                    Some(t) => managed.times.insert(bucket, t),
                    None => managed.times.remove(&bucket),
                };
            }
            None => {
                first_of_version.insert(vs.api_version.clone(), id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_sort_apply_first_then_by_time_then_by_manager() {
        let entries = json!([
            {"manager": "b", "operation": "Update", "apiVersion": "v1", "time": "2024-01-01T00:00:02Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:b": {}}}},
            {"manager": "a", "operation": "Update", "apiVersion": "v1", "time": "2024-01-01T00:00:02Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:a": {}}}},
            {"manager": "z", "operation": "Apply", "apiVersion": "v1", "time": "2024-01-01T00:00:09Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:z": {}}}},
            {"manager": "c", "operation": "Update", "apiVersion": "v1", "time": "2024-01-01T00:00:01Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:c": {}}}}
        ]);
        let m = decode(Some(&entries)).expect("valid entries");
        let names: Vec<Value> = encode(&m).iter().map(|e| e["manager"].clone()).collect();
        assert_eq!(names, [json!("z"), json!("c"), json!("a"), json!("b")]);
    }

    #[test]
    fn bad_entries_are_reported_as_the_api_server_words_them() {
        let e = json!([{"manager": "a", "operation": "Patch", "apiVersion": "v1", "fieldsType": "FieldsV1"}]);
        assert_eq!(
            decode(Some(&e)).expect_err("bad"),
            "operation must be `Apply` or `Update`"
        );
        let e = json!([{"manager": "a", "operation": "Update", "apiVersion": "v1"}]);
        assert_eq!(
            decode(Some(&e)).expect_err("bad"),
            "missing fieldsType in managed fields entry 0"
        );
        assert!(is_reset(Some(&json!([{}]))));
        assert!(is_reset(Some(&json!([]))));
        assert!(!is_reset(None));
    }

    #[test]
    fn times_parse_with_offsets_and_fractions() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:10Z"), Some(10));
        assert_eq!(parse_rfc3339("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00.5Z"), Some(1_709_164_800));
    }

    #[test]
    fn identifiers_leave_out_the_api_version_of_appliers() {
        let a = ManagerId::new("kubectl", Operation::Apply, "apps/v1", "");
        assert_eq!(
            a.identifier(),
            r#"{"manager":"kubectl","operation":"Apply"}"#
        );
        let u = ManagerId::new("k", Operation::Update, "v1", "status");
        assert_eq!(
            u.identifier(),
            r#"{"manager":"k","operation":"Update","apiVersion":"v1","subresource":"status"}"#
        );
    }
}

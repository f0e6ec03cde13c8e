//! What the apiserver does to custom resources with their CRD version's structural
//! `openAPIV3Schema`, in its order: prune unknown fields (reporting them, for
//! `fieldValidation=Strict`), drop non-nullable `null`s, apply `default`s, then validate
//! types, `required`, `enum`, `pattern`, bounds and lengths with kube-openapi's messages.

use serde_json::{Map, Value};

use super::field::{ErrorType, FieldError, FieldValue, child, index, key};
use super::names;
use super::validate::Invalid;

fn is_true(s: &Value, k: &str) -> bool {
    s.get(k).and_then(Value::as_bool) == Some(true)
}

fn props(s: &Value) -> Option<&Map<String, Value>> {
    s.get("properties").and_then(Value::as_object)
}

fn additional(s: &Value) -> Option<&Value> {
    s.get("additionalProperties").filter(|a| a.is_object())
}

/// Removes fields the schema does not declare (unless `x-kubernetes-preserve-unknown-fields`)
/// and returns their paths (`spec.foo`), as strict field validation reports them. At the
/// root and in embedded resources, `apiVersion`, `kind` and `metadata` are kept.
pub fn prune_unknown_fields(schema: &Value, obj: &mut Value) -> Vec<String> {
    let mut removed = Vec::new();
    prune(schema, obj, "", true, &mut removed);
    removed
}

fn prune(s: &Value, v: &mut Value, path: &str, root: bool, removed: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            let embedded = root || is_true(s, "x-kubernetes-embedded-resource");
            let preserve = is_true(s, "x-kubernetes-preserve-unknown-fields");
            let properties = props(s);
            let extra = additional(s);
            let keys: Vec<String> = m.keys().cloned().collect();
            for k in keys {
                if embedded && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                let sub_path = child(path, &k);
                let sub_schema = properties.and_then(|p| p.get(&k)).or(extra);
                match sub_schema {
                    Some(sub) => {
                        if let Some(val) = m.get_mut(&k) {
                            prune(sub, val, &sub_path, false, removed);
                        }
                    }
                    None if preserve
                        || s.get("additionalProperties") == Some(&Value::Bool(true)) => {}
                    None => {
                        m.remove(&k);
                        removed.push(sub_path);
                    }
                }
            }
        }
        Value::Array(a) => {
            if let Some(items) = s.get("items").filter(|i| i.is_object()) {
                for (i, item) in a.iter_mut().enumerate() {
                    prune(items, item, &index(path, i), false, removed);
                }
            }
        }
        _ => {}
    }
}

fn non_nullable_null(v: &Value, s: &Value) -> bool {
    v.is_null() && !is_true(s, "nullable")
}

/// Structural defaulting: sets each declared `default` where the field is absent (or a
/// non-nullable `null`), recursing into the result; drops non-nullable `null`s that have no
/// default.
pub fn apply_schema_defaults(schema: &Value, obj: &mut Value) {
    match obj {
        Value::Object(m) => {
            if let Some(properties) = props(schema) {
                for (k, prop) in properties {
                    let missing = m.get(k).is_none_or(|v| non_nullable_null(v, prop));
                    match prop.get("default") {
                        Some(d) if missing => {
                            m.insert(k.clone(), d.clone());
                        }
                        None if m.get(k).is_some_and(|v| non_nullable_null(v, prop)) => {
                            m.remove(k);
                        }
                        _ => {}
                    }
                }
            }
            let extra = additional(schema);
            for (k, v) in m.iter_mut() {
                let sub = props(schema).and_then(|p| p.get(k)).or(extra);
                if let Some(sub) = sub {
                    if non_nullable_null(v, sub)
                        && let Some(d) = sub.get("default")
                    {
                        *v = d.clone();
                    }
                    apply_schema_defaults(sub, v);
                }
            }
        }
        Value::Array(a) => {
            if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
                for v in a.iter_mut() {
                    if non_nullable_null(v, items)
                        && let Some(d) = items.get("default")
                    {
                        *v = d.clone();
                    }
                    apply_schema_defaults(items, v);
                }
            }
        }
        _ => {}
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_ok(ty: &str, v: &Value) -> bool {
    match (ty, v) {
        ("", _) => true,
        ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        (t, v) => t == type_name(v),
    }
}

/// Checks a value against its schema with kube-openapi's messages.
pub fn validate_against_schema(schema: &Value, obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(properties) = props(schema) {
        for (k, sub) in properties {
            if matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                continue;
            }
            if let Some(v) = obj.get(k) {
                check(sub, v, k, &mut errs);
            }
        }
    }
    for r in required(schema) {
        if !matches!(r, "apiVersion" | "kind" | "metadata") && obj.get(r).is_none() {
            errs.push(FieldError::required(r, ""));
        }
    }
    errs
}

fn required(s: &Value) -> impl Iterator<Item = &str> {
    s.get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn check(s: &Value, v: &Value, path: &str, errs: &mut Vec<FieldError>) {
    if v.is_null() {
        if !is_true(s, "nullable") && s.get("type").is_some() {
            let ty = s.get("type").and_then(Value::as_str).unwrap_or("");
            errs.push(FieldError::new(
                ErrorType::TypeInvalid,
                path,
                FieldValue::Str("null".to_owned()),
                format!("{path} in body must be of type {ty}: \"null\""),
            ));
        }
        return;
    }
    let int_or_string = is_true(s, "x-kubernetes-int-or-string");
    let ty = s.get("type").and_then(Value::as_str).unwrap_or("");
    let well_typed = if int_or_string {
        v.is_string() || type_ok("integer", v)
    } else {
        type_ok(ty, v)
    };
    if !well_typed {
        let shown = if int_or_string { "integer,string" } else { ty };
        let got = type_name(v);
        errs.push(FieldError::new(
            ErrorType::TypeInvalid,
            path,
            FieldValue::Str(got.to_owned()),
            format!("{path} in body must be of type {shown}: \"{got}\""),
        ));
        return;
    }
    if let Some(allowed) = s.get("enum").and_then(Value::as_array)
        && !allowed.contains(v)
    {
        let shown: Vec<String> = allowed
            .iter()
            .map(|a| a.as_str().map_or_else(|| a.to_string(), str::to_owned))
            .collect();
        let refs: Vec<&str> = shown.iter().map(String::as_str).collect();
        errs.push(FieldError::not_supported(
            path,
            FieldValue::from_json(v),
            &refs,
        ));
    }
    match v {
        Value::Number(n) => check_number(s, n.as_f64().unwrap_or(0.0), v, path, errs),
        Value::String(text) => {
            let len = text.chars().count() as i64;
            if let Some(max) = s
                .get("maxLength")
                .and_then(Value::as_i64)
                .filter(|m| len > *m)
            {
                errs.push(FieldError::new(
                    ErrorType::TooLong,
                    path,
                    FieldValue::Str(text.clone()),
                    format!("may not be more than {max} bytes"),
                ));
            }
            if let Some(pattern) = s.get("pattern").and_then(Value::as_str) {
                let matched = regex::Regex::new(pattern).map(|re| re.is_match(text));
                if matched.ok() == Some(false) {
                    errs.push(FieldError::invalid(
                        path,
                        FieldValue::Str(text.clone()),
                        format!("{path} in body should match '{pattern}'"),
                    ));
                }
            }
            if let Some(min) = s
                .get("minLength")
                .and_then(Value::as_i64)
                .filter(|m| len < *m)
            {
                errs.push(FieldError::invalid(
                    path,
                    FieldValue::Str(text.clone()),
                    format!("{path} in body should be at least {min} chars long"),
                ));
            }
        }
        Value::Array(a) => {
            let n = a.len() as i64;
            if let Some(max) = s.get("maxItems").and_then(Value::as_i64).filter(|m| n > *m) {
                errs.push(FieldError::new(
                    ErrorType::TooMany,
                    path,
                    FieldValue::Int(n),
                    format!("must have at most {max} items"),
                ));
            }
            if let Some(min) = s.get("minItems").and_then(Value::as_i64).filter(|m| n < *m) {
                errs.push(FieldError::invalid(
                    path,
                    FieldValue::from_json(v),
                    format!("{path} in body should have at least {min} items"),
                ));
            }
            if let Some(items) = s.get("items").filter(|i| i.is_object()) {
                for (i, item) in a.iter().enumerate() {
                    check(items, item, &index(path, i), errs);
                }
            }
        }
        Value::Object(m) => {
            for r in required(s) {
                if !m.contains_key(r) {
                    errs.push(FieldError::required(child(path, r), ""));
                }
            }
            let properties = props(s);
            let extra = additional(s);
            for (k, sub_v) in m {
                if let Some(sub) = properties.and_then(|p| p.get(k)) {
                    check(sub, sub_v, &child(path, k), errs);
                } else if let Some(sub) = extra {
                    check(sub, sub_v, &key(path, k), errs);
                }
            }
        }
        _ => {}
    }
}

fn check_number(s: &Value, n: f64, v: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let bound = |k: &str| s.get(k).and_then(Value::as_f64);
    let show = |k: &str| s.get(k).map(ToString::to_string).unwrap_or_default();
    if let Some(min) = bound("minimum") {
        let exclusive = is_true(s, "exclusiveMinimum");
        if n < min || (exclusive && n == min) {
            let rel = if exclusive {
                "greater than"
            } else {
                "greater than or equal to"
            };
            errs.push(FieldError::invalid(
                path,
                FieldValue::from_json(v),
                format!("{path} in body should be {rel} {}", show("minimum")),
            ));
        }
    }
    if let Some(max) = bound("maximum") {
        let exclusive = is_true(s, "exclusiveMaximum");
        if n > max || (exclusive && n == max) {
            let rel = if exclusive {
                "less than"
            } else {
                "less than or equal to"
            };
            errs.push(FieldError::invalid(
                path,
                FieldValue::from_json(v),
                format!("{path} in body should be {rel} {}", show("maximum")),
            ));
        }
    }
}

/// The apiserver's create/update pipeline for a custom resource, after pruning and
/// defaulting: name (DNS subdomain) and schema validation, as one [`Invalid`].
pub fn validate_custom_resource(
    api_version: &str,
    kind: &str,
    schema: &Value,
    obj: &Value,
) -> Result<(), Invalid> {
    let mut errs = Vec::new();
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let generate = obj
        .pointer("/metadata/generateName")
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.is_empty() && generate.is_empty() {
        errs.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else if !name.is_empty() {
        for m in names::dns1123_subdomain(name) {
            errs.push(FieldError::invalid(
                "metadata.name",
                FieldValue::Str(name.to_owned()),
                m,
            ));
        }
    }
    errs.extend(validate_against_schema(schema, obj));
    if errs.is_empty() {
        return Ok(());
    }
    Err(Invalid {
        group: api_version
            .rsplit_once('/')
            .map_or("", |(g, _)| g)
            .to_owned(),
        kind: kind.to_owned(),
        name: name.to_owned(),
        causes: errs,
    })
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;

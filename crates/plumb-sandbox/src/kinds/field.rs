//! Field errors as apimachinery's `field.Error` renders them: `<path>: <Type text>: <value>:
//! <detail>`, aggregated as `[a, b]` when there are several.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// The kind of a field error; each maps to a `StatusCause` reason and a human text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// `FieldValueRequired` / `Required value`.
    Required,
    /// `FieldValueInvalid` / `Invalid value`.
    Invalid,
    /// `FieldValueDuplicate` / `Duplicate value`.
    Duplicate,
    /// `FieldValueNotSupported` / `Unsupported value`.
    NotSupported,
    /// `FieldValueNotFound` / `Not found`.
    NotFound,
    /// `FieldValueForbidden` / `Forbidden`.
    Forbidden,
    /// `FieldValueTooLong` / `Too long`.
    TooLong,
    /// `FieldValueTooMany` / `Too many`.
    TooMany,
    /// `FieldValueTypeInvalid` / `Invalid value`.
    TypeInvalid,
}

impl ErrorType {
    /// The `reason` of the `StatusCause` (`FieldValueRequired`, …).
    pub fn reason(self) -> &'static str {
        match self {
            Self::Required => "FieldValueRequired",
            Self::Invalid => "FieldValueInvalid",
            Self::Duplicate => "FieldValueDuplicate",
            Self::NotSupported => "FieldValueNotSupported",
            Self::NotFound => "FieldValueNotFound",
            Self::Forbidden => "FieldValueForbidden",
            Self::TooLong => "FieldValueTooLong",
            Self::TooMany => "FieldValueTooMany",
            Self::TypeInvalid => "FieldValueTypeInvalid",
        }
    }

    /// The text apimachinery prints for the type (`Required value`, …).
    pub fn text(self) -> &'static str {
        match self {
            Self::Required => "Required value",
            Self::Invalid | Self::TypeInvalid => "Invalid value",
            Self::Duplicate => "Duplicate value",
            Self::NotSupported => "Unsupported value",
            Self::NotFound => "Not found",
            Self::Forbidden => "Forbidden",
            Self::TooLong => "Too long",
            Self::TooMany => "Too many",
        }
    }
}

/// The offending value, rendered approximately as Go's `%v` / `%q` / `%#v` would.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// No value (rendered `null`).
    Null,
    /// A string, rendered quoted (`"x"`).
    Str(String),
    /// An integer, rendered bare.
    Int(i64),
    /// A boolean, rendered bare.
    Bool(bool),
    /// A `map[string]string`, rendered `map[string]string{"a":"b"}`.
    StrMap(BTreeMap<String, String>),
    /// A `[]string`, rendered `[]string{"a", "b"}`.
    StrList(Vec<String>),
    /// Any other value, rendered as given.
    Raw(String),
}

impl FieldValue {
    /// Renders a JSON value the way the apiserver would show the Go value it decoded to.
    pub fn from_json(v: &Value) -> Self {
        match v {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(n) => n
                .as_i64()
                .map_or_else(|| Self::Raw(n.to_string()), Self::Int),
            Value::String(s) => Self::Str(s.clone()),
            Value::Object(m) if m.values().all(Value::is_string) => Self::StrMap(
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect(),
            ),
            Value::Array(a) if a.iter().all(Value::is_string) => Self::StrList(
                a.iter()
                    .map(|v| v.as_str().unwrap_or_default().to_owned())
                    .collect(),
            ),
            other => Self::Raw(other.to_string()),
        }
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Str(s) => write!(f, "{}", go_quote(s)),
            Self::Int(i) => write!(f, "{i}"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::StrMap(m) => {
                f.write_str("map[string]string{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}:{}", go_quote(k), go_quote(v))?;
                }
                f.write_str("}")
            }
            Self::StrList(l) => {
                f.write_str("[]string{")?;
                for (i, s) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(&go_quote(s))?;
                }
                f.write_str("}")
            }
            Self::Raw(s) => f.write_str(s),
        }
    }
}

/// Quotes a string as Go's `%q` does for printable text.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One field error, as `field.Error`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// What went wrong.
    pub error_type: ErrorType,
    /// The JSON path of the field, as `spec.template.metadata.labels`.
    pub field: String,
    /// The offending value (ignored for `Required`, `Forbidden`, `TooLong`).
    pub value: FieldValue,
    /// Free-form explanation; may be empty.
    pub detail: String,
}

impl FieldError {
    /// A `Required value` error.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Required, field, FieldValue::Null, detail)
    }

    /// An `Invalid value` error.
    pub fn invalid(field: impl Into<String>, value: FieldValue, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Invalid, field, value, detail)
    }

    /// A `Duplicate value` error.
    pub fn duplicate(field: impl Into<String>, value: FieldValue) -> Self {
        Self::new(ErrorType::Duplicate, field, value, "")
    }

    /// An `Unsupported value` error listing the supported values.
    pub fn not_supported(field: impl Into<String>, value: FieldValue, supported: &[&str]) -> Self {
        let detail = if supported.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        Self::new(ErrorType::NotSupported, field, value, detail)
    }

    /// A `Forbidden` error.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Forbidden, field, FieldValue::Null, detail)
    }

    /// Any error.
    pub fn new(
        error_type: ErrorType,
        field: impl Into<String>,
        value: FieldValue,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            error_type,
            field: field.into(),
            value,
            detail: detail.into(),
        }
    }

    /// The message without the field path (`ErrorBody` in apimachinery), used in causes.
    pub fn body(&self) -> String {
        let mut s = match self.error_type {
            ErrorType::Required | ErrorType::Forbidden | ErrorType::TooLong => {
                self.error_type.text().to_owned()
            }
            t => format!("{}: {}", t.text(), self.value),
        };
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.body())
        } else {
            write!(f, "{}: {}", self.field, self.body())
        }
    }
}

/// Joins errors as apimachinery's aggregate does: one error alone, several as `[a, b]`,
/// repeated messages once.
pub fn aggregate(errors: &[FieldError]) -> String {
    let mut msgs: Vec<String> = Vec::with_capacity(errors.len());
    for e in errors {
        let m = e.to_string();
        if !msgs.contains(&m) {
            msgs.push(m);
        }
    }
    if msgs.len() == 1 {
        msgs.swap_remove(0)
    } else {
        format!("[{}]", msgs.join(", "))
    }
}

/// Appends `.child` to a path, leaving out the dot at the root.
pub fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// Appends `[i]` to a path.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// Appends `[key]` to a path.
pub fn key(path: &str, k: &str) -> String {
    format!("{path}[{k}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_map_values_render_like_go_sharp_v() {
        let v = FieldValue::from_json(&serde_json::json!({"b": "2", "a": "1"}));
        assert_eq!(v.to_string(), r#"map[string]string{"a":"1", "b":"2"}"#);
    }

    #[test]
    fn required_errors_leave_out_the_value() {
        let e = FieldError::required("metadata.name", "name or generateName is required");
        assert_eq!(
            e.to_string(),
            "metadata.name: Required value: name or generateName is required"
        );
    }

    #[test]
    fn not_supported_lists_quoted_values() {
        let e = FieldError::not_supported(
            "spec.type",
            FieldValue::Str("Foo".into()),
            &["ClusterIP", "NodePort"],
        );
        assert_eq!(
            e.to_string(),
            r#"spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "NodePort""#
        );
    }

    #[test]
    fn aggregate_brackets_several_and_dedups() {
        let a = FieldError::required("a", "");
        let b = FieldError::required("b", "");
        assert_eq!(aggregate(std::slice::from_ref(&a)), "a: Required value");
        assert_eq!(
            aggregate(&[a.clone(), b, a]),
            "[a: Required value, b: Required value]"
        );
    }
}

//! Go's `%v` rendering of decoded JSON, so error messages read like the API server's.

use serde_json::Value;

/// `fmt.Sprintf("%v", v)` for a value as Go's `encoding/json` (with apimachinery's integer
/// conversion) would hold it: `map[a:1 b:x]`, `[1 2]`, `<nil>`.
pub(crate) fn go_v(v: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, v);
    out
}

fn write_v(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_number(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // Go prints map keys sorted.
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push_str("map[");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                if let Some(value) = map.get(k) {
                    write_v(out, value);
                }
            }
            out.push(']');
        }
    }
}

/// `%s` of an interface value: strings as they are, anything else in Go's `%!s(T=v)` form.
pub(crate) fn go_s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "%!s(<nil>)".to_string(),
        other => format!("%!s({}={})", go_type(other), go_v(other)),
    }
}

/// The Go type a decoded JSON value has (`reflect.TypeOf(v).String()`).
pub(crate) fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "%!s(<nil>)",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() => "int64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn go_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    let Some(f) = n.as_f64() else {
        return n.to_string();
    };
    if f == 0.0 || !f.is_finite() {
        return format!("{f}");
    }
    // Go's %v for float64 is %g with the shortest representation, switching to an
    // exponent when it is below -4 or at least 6 (e.g. 1e+06).
    let exp = f.abs().log10().floor() as i32;
    if (-4..6).contains(&exp) {
        return format!("{f}");
    }
    let sci = format!("{f:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_print_sorted_like_go() {
        let v = json!({"value": "b", "name": 1, "list": [1, 2.5, null]});
        assert_eq!(go_v(&v), "map[list:[1 2.5 <nil>] name:1 value:b]");
    }

    #[test]
    fn large_floats_print_with_go_exponents() {
        assert_eq!(go_v(&json!(1.5e7)), "1.5e+07");
        assert_eq!(go_v(&json!(0.00001)), "1e-05");
        assert_eq!(go_v(&json!(123.25)), "123.25");
    }
}

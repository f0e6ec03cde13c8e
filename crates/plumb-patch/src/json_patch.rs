//! JSON patch (RFC 6902) as the API server applies it: `gopkg.in/evanphx/json-patch.v4`,
//! quirks included.
//!
//! The quirks a client can observe: `replace` of a missing object key adds it, `copy` from a
//! missing object key copies `null`, negative array indices count from the end, a `test`
//! of a missing key against `null` passes, and `replace` of the root with a scalar is a
//! no-op. Error messages are v4's, word for word.

use serde_json::{Map, Value};

use crate::error::{PatchError, Result};

/// The API server refuses JSON patches with more operations than this (HTTP 413).
pub const MAX_JSON_PATCH_OPERATIONS: usize = 10_000;

const ERR_MISSING: &str = "missing value";
const ERR_TEST_FAILED: &str = "test failed";
const ERR_INVALID_INDEX: &str = "invalid index referenced";

/// Applies a JSON patch document to `doc`.
pub(crate) fn apply(doc: &Value, patch: &Value) -> Result<Value> {
    let ops: Vec<Option<&Map<String, Value>>> = match patch {
        // `null` decodes into an empty patch.
        Value::Null => Vec::new(),
        Value::Array(ops) => ops
            .iter()
            .map(|op| match op {
                Value::Object(map) => Ok(Some(map)),
                Value::Null => Ok(None),
                other => Err(PatchError::invalid(format!(
                    "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                    json_kind(other)
                ))),
            })
            .collect::<Result<_>>()?,
        other => {
            return Err(PatchError::invalid(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                json_kind(other)
            )));
        }
    };
    if ops.len() > MAX_JSON_PATCH_OPERATIONS {
        return Err(PatchError::TooManyOperations { count: ops.len() });
    }

    let mut doc = doc.clone();
    let empty = Map::new();
    for op in ops {
        let op = Op(op.unwrap_or(&empty));
        match op.kind() {
            "add" => add(&mut doc, &op)?,
            "remove" => remove(&mut doc, &op)?,
            "replace" => replace(&mut doc, &op)?,
            "move" => move_op(&mut doc, &op)?,
            "test" => test(&doc, &op)?,
            "copy" => copy(&mut doc, &op)?,
            other => return Err(PatchError::failed(format!("Unexpected kind: {other}"))),
        }
    }
    Ok(doc)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// One operation object.
struct Op<'a>(&'a Map<String, Value>);

impl Op<'_> {
    fn kind(&self) -> &str {
        self.0
            .get("op")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
    }

    /// The `path` (or `from`) member: `Err` carries v4's reason.
    fn pointer(&self, member: &str, missing: &str) -> std::result::Result<String, String> {
        match self.0.get(member) {
            None | Some(Value::Null) => Err(format!("{missing}: {ERR_MISSING}")),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!(
                "json: cannot unmarshal {} into Go value of type string",
                json_kind(other)
            )),
        }
    }

    fn path(&self) -> std::result::Result<String, String> {
        self.pointer("path", "operation missing path field")
    }

    fn from(&self) -> std::result::Result<String, String> {
        self.pointer("from", "operation, missing from field")
    }

    /// The `value` member; a missing member is `None` (v4 stores it as `null`).
    fn value(&self) -> Option<&Value> {
        self.0.get("value")
    }
}

fn add(doc: &mut Value, op: &Op) -> Result<()> {
    let path = op.path().map_err(|_| {
        PatchError::failed(format!(
            "add operation failed to decode path: {ERR_MISSING}"
        ))
    })?;
    let (con, key) = find_object(doc, &path).ok_or_else(|| {
        PatchError::failed(format!(
            "add operation does not apply: doc is missing path: \"{path}\": {ERR_MISSING}"
        ))
    })?;
    con_add(con, &key, op.value().cloned().unwrap_or(Value::Null))
        .map_err(|e| PatchError::failed(format!("error in add for path: '{path}': {e}")))
}

fn remove(doc: &mut Value, op: &Op) -> Result<()> {
    let path = op.path().map_err(|_| {
        PatchError::failed(format!(
            "remove operation failed to decode path: {ERR_MISSING}"
        ))
    })?;
    let (con, key) = find_object(doc, &path).ok_or_else(|| {
        PatchError::failed(format!(
            "remove operation does not apply: doc is missing path: \"{path}\": {ERR_MISSING}"
        ))
    })?;
    con_remove(con, &key)
        .map_err(|e| PatchError::failed(format!("error in remove for path: '{path}': {e}")))
}

fn replace(doc: &mut Value, op: &Op) -> Result<()> {
    let path = op
        .path()
        .map_err(|e| PatchError::failed(format!("replace operation failed to decode path: {e}")))?;
    if path.is_empty() {
        // v4 replaces the whole document with an object or array, and silently ignores
        // anything else.
        if let Some(value @ (Value::Object(_) | Value::Array(_))) = op.value() {
            *doc = value.clone();
        }
        return Ok(());
    }
    let (con, key) = find_object(doc, &path).ok_or_else(|| {
        PatchError::failed(format!(
            "replace operation does not apply: doc is missing path: {path}: {ERR_MISSING}"
        ))
    })?;
    // An object "get" never fails in v4, so replacing a missing key adds it.
    if con_get(con, &key).is_err() {
        return Err(PatchError::failed(format!(
            "replace operation does not apply: doc is missing key: {path}: {ERR_MISSING}"
        )));
    }
    con_set(con, &key, op.value().cloned().unwrap_or(Value::Null))
        .map_err(|e| PatchError::failed(format!("error in remove for path: '{path}': {e}")))
}

fn move_op(doc: &mut Value, op: &Op) -> Result<()> {
    let from = op
        .from()
        .map_err(|e| PatchError::failed(format!("move operation failed to decode from: {e}")))?;
    let (con, key) = find_object(doc, &from).ok_or_else(|| {
        PatchError::failed(format!(
            "move operation does not apply: doc is missing from path: {from}: {ERR_MISSING}"
        ))
    })?;
    let value = con_get(con, &key)
        .map_err(|e| PatchError::failed(format!("error in move for path: '{key}': {e}")))?
        .unwrap_or(Value::Null);
    con_remove(con, &key)
        .map_err(|e| PatchError::failed(format!("error in move for path: '{key}': {e}")))?;
    let path = op
        .path()
        .map_err(|e| PatchError::failed(format!("move operation failed to decode path: {e}")))?;
    let (con, key) = find_object(doc, &path).ok_or_else(|| {
        PatchError::failed(format!(
            "move operation does not apply: doc is missing destination path: {path}: {ERR_MISSING}"
        ))
    })?;
    con_add(con, &key, value)
        .map_err(|e| PatchError::failed(format!("error in move for path: '{path}': {e}")))
}

fn test(doc: &Value, op: &Op) -> Result<()> {
    let path = op
        .path()
        .map_err(|e| PatchError::failed(format!("test operation failed to decode path: {e}")))?;
    let test_failed = |path: &str| PatchError::TestFailed {
        path: path.to_string(),
        message: format!("testing value {path} failed: {ERR_TEST_FAILED}"),
    };
    if path.is_empty() {
        return match op.value() {
            Some(expected) if expected == doc => Ok(()),
            _ => Err(test_failed(&path)),
        };
    }
    let mut doc = doc.clone();
    let (con, key) = find_object(&mut doc, &path).ok_or_else(|| {
        PatchError::failed(format!(
            "test operation does not apply: is missing path: {path}: {ERR_MISSING}"
        ))
    })?;
    let actual = con_get(con, &key)
        .map_err(|e| PatchError::failed(format!("error in test for path: '{path}': {e}")))?;
    match (actual, op.value()) {
        // A missing (or null) value equals an expected `null` (or no value at all).
        (None, None | Some(Value::Null)) => Ok(()),
        (Some(actual), Some(expected)) if &actual == expected => Ok(()),
        _ => Err(test_failed(&path)),
    }
}

fn copy(doc: &mut Value, op: &Op) -> Result<()> {
    let from = op
        .from()
        .map_err(|e| PatchError::failed(format!("copy operation failed to decode from: {e}")))?;
    let (con, key) = find_object(doc, &from).ok_or_else(|| {
        PatchError::failed(format!(
            "copy operation does not apply: doc is missing from path: {from}: {ERR_MISSING}"
        ))
    })?;
    // A missing object key copies as `null` in v4.
    let value = con_get(con, &key)
        .map_err(|e| PatchError::failed(format!("error in copy for from: '{from}': {e}")))?
        .unwrap_or(Value::Null);
    let path = op.path().map_err(|_| {
        PatchError::failed(format!(
            "copy operation failed to decode path: {ERR_MISSING}"
        ))
    })?;
    let (con, key) = find_object(doc, &path).ok_or_else(|| {
        PatchError::failed(format!(
            "copy operation does not apply: doc is missing destination path: {path}: {ERR_MISSING}"
        ))
    })?;
    con_add(con, &key, value)
        .map_err(|e| PatchError::failed(format!("error while adding value during copy: {e}")))
}

/// `~1` → `/`, then `~0` → `~`.
fn decode_patch_key(key: &str) -> String {
    key.replace("~1", "/").replace("~0", "~")
}

/// The container (object or array) holding the last token of `path`, and that token.
fn find_object<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let key = decode_patch_key(split[split.len() - 1]);
    let mut current = doc;
    for part in &split[1..split.len() - 1] {
        let part = decode_patch_key(part);
        let next = match current {
            Value::Object(map) => map.get_mut(&part)?,
            Value::Array(list) => {
                let index = array_index(&part, list.len(), list.len()).ok()?;
                list.get_mut(index)?
            }
            _ => return None,
        };
        if !(next.is_object() || next.is_array()) {
            return None;
        }
        current = next;
    }
    if !(current.is_object() || current.is_array()) {
        return None;
    }
    Some((current, key))
}

/// Go's `strconv.Atoi`, with its error text.
fn atoi(s: &str) -> std::result::Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing \"{s}\": invalid syntax"));
    }
    s.strip_prefix('+')
        .unwrap_or(s)
        .parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing \"{s}\": value out of range"))
}

/// Resolves an array index against `len` (negative counts from the end), requiring it to
/// be below `bound`.
fn array_index(key: &str, len: usize, bound: usize) -> std::result::Result<usize, String> {
    let raw = atoi(key)?;
    let invalid = || format!("Unable to access invalid index: {raw}: {ERR_INVALID_INDEX}");
    let len = i64::try_from(len).map_err(|_| invalid())?;
    let index = if raw < 0 {
        if raw < -len {
            return Err(invalid());
        }
        raw + len
    } else {
        raw
    };
    let index = usize::try_from(index).map_err(|_| invalid())?;
    if index >= bound {
        return Err(invalid());
    }
    Ok(index)
}

/// The value at `key`; `None` for a missing or `null` object member.
fn con_get(con: &Value, key: &str) -> std::result::Result<Option<Value>, String> {
    match con {
        Value::Object(map) => Ok(map.get(key).filter(|v| !v.is_null()).cloned()),
        Value::Array(list) => {
            let index = array_index(key, list.len(), list.len())?;
            Ok(Some(list[index].clone()).filter(|v| !v.is_null()))
        }
        _ => Ok(None),
    }
}

fn con_set(con: &mut Value, key: &str, value: Value) -> std::result::Result<(), String> {
    match con {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
            Ok(())
        }
        Value::Array(list) => {
            let index = array_index(key, list.len(), list.len())?;
            list[index] = value;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn con_add(con: &mut Value, key: &str, value: Value) -> std::result::Result<(), String> {
    match con {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
            Ok(())
        }
        Value::Array(list) => {
            if key == "-" {
                list.push(value);
                return Ok(());
            }
            let raw = atoi(key)
                .map_err(|e| format!("value was not a proper array index: '{key}': {e}"))?;
            // Inserting at `len` appends; negative indices count from the new length.
            let index = array_index(&raw.to_string(), list.len() + 1, list.len() + 1)?;
            list.insert(index, value);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn con_remove(con: &mut Value, key: &str) -> std::result::Result<(), String> {
    match con {
        Value::Object(map) => match map.shift_remove(key) {
            Some(_) => Ok(()),
            None => Err(format!(
                "Unable to remove nonexistent key: {key}: {ERR_MISSING}"
            )),
        },
        Value::Array(list) => {
            let index = array_index(key, list.len(), list.len())?;
            list.remove(index);
            Ok(())
        }
        _ => Ok(()),
    }
}

//! `meta.k8s.io/v1` `Table` responses, built as the apiserver builds them for `kubectl get`
//! (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`).
//!
//! The server always renders the wide cells (`GenerateOptions{Wide: true}`); columns with
//! `priority: 1` are hidden by kubectl unless `-o wide`. Built-in kinds use the printers of
//! `pkg/printers/internalversion` (`table_builtin`, `table_core`, …); kinds without a printer get
//! the default `NAME`, `CREATED AT`; custom resources get their CRD version's
//! `additionalPrinterColumns`, or `AGE` alone when it has none.

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::jsonpath::{JsonPath, print_value};
use super::table_builtin::builtin_printer;

/// Swagger description of `metadata.name`, used by every `Name` column.
pub const NAME_DESCRIPTION: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
/// Swagger description of `metadata.creationTimestamp`, used by `Age` and `Created At`.
pub const CREATION_TIMESTAMP_DESCRIPTION: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/// Which printer builds the table.
#[derive(Debug, Clone, Copy)]
pub enum TableSpec<'a> {
    /// A built-in kind, by API group (`""` for core) and kind.
    Builtin {
        /// API group, `""` for the core group.
        group: &'a str,
        /// Kind, as `Deployment`.
        kind: &'a str,
    },
    /// A custom resource: the served version's `additionalPrinterColumns` (`null` or
    /// absent when the CRD declares none).
    Custom {
        /// The `additionalPrinterColumns` array of the CRD version.
        printer_columns: &'a Value,
    },
}

/// What each row's `object` carries (`includeObject` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncludeObject {
    /// No object.
    None,
    /// A `PartialObjectMetadata` (the default).
    #[default]
    Metadata,
    /// The whole object.
    Object,
}

impl IncludeObject {
    /// Reads the `includeObject` query parameter (`None`, `Metadata`, `Object`).
    pub fn from_query(value: Option<&str>) -> Self {
        match value {
            Some("None") => Self::None,
            Some("Object") => Self::Object,
            _ => Self::Metadata,
        }
    }
}

/// List metadata and header options of the table.
#[derive(Debug, Clone, Default)]
pub struct TableMeta {
    /// `metadata.resourceVersion`: the list's, or the object's for a single GET.
    pub resource_version: String,
    /// `metadata.continue` of a paginated list.
    pub continue_token: String,
    /// `metadata.remainingItemCount` of a paginated list.
    pub remaining_item_count: Option<i64>,
    /// Leave out `columnDefinitions` (watch events after the first).
    pub no_headers: bool,
}

/// One column definition.
#[derive(Debug, Clone)]
pub struct Column {
    /// Header as the printer names it (`Up-to-date`; kubectl upper-cases it).
    pub name: String,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub ty: String,
    /// `name` for the name column, else usually empty.
    pub format: String,
    /// Swagger-style description.
    pub description: String,
    /// 0 always shown, 1 only with `-o wide`.
    pub priority: i64,
}

impl Column {
    pub(crate) fn new(name: &str, ty: &str, description: &str) -> Self {
        Self {
            name: name.to_owned(),
            ty: ty.to_owned(),
            format: String::new(),
            description: description.to_owned(),
            priority: 0,
        }
    }

    pub(crate) fn wide(mut self) -> Self {
        self.priority = 1;
        self
    }

    pub(crate) fn name_column() -> Self {
        let mut c = Self::new("Name", "string", NAME_DESCRIPTION);
        c.format = "name".to_owned();
        c
    }

    pub(crate) fn age() -> Self {
        Self::new("Age", "string", CREATION_TIMESTAMP_DESCRIPTION)
    }

    fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "type": self.ty,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        })
    }
}

/// One row: cells and optional row conditions (`Completed` for finished pods).
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// Cell values, one per column.
    pub cells: Vec<Value>,
    /// `conditions` of the row, if any.
    pub conditions: Vec<Value>,
}

/// Builds the `Table` for `objects` (one for a GET, the items for a LIST), with ages
/// relative to `now`.
pub fn table(
    spec: &TableSpec<'_>,
    objects: &[Value],
    include: IncludeObject,
    meta: &TableMeta,
    now: Timestamp,
) -> Value {
    let (columns, rows): (Vec<Column>, Vec<Row>) = match spec {
        TableSpec::Builtin { group, kind } => match builtin_printer(group, kind) {
            Some(p) => (
                (p.columns)(),
                objects.iter().map(|o| (p.row)(o, now)).collect(),
            ),
            None => default_table(objects),
        },
        TableSpec::Custom { printer_columns } => custom_table(printer_columns, objects, now),
    };
    let mut list_meta = Map::new();
    if !meta.resource_version.is_empty() {
        list_meta.insert("resourceVersion".to_owned(), json!(meta.resource_version));
    }
    if !meta.continue_token.is_empty() {
        list_meta.insert("continue".to_owned(), json!(meta.continue_token));
    }
    if let Some(n) = meta.remaining_item_count {
        list_meta.insert("remainingItemCount".to_owned(), json!(n));
    }
    let mut out = Map::new();
    out.insert("kind".to_owned(), json!("Table"));
    out.insert("apiVersion".to_owned(), json!("meta.k8s.io/v1"));
    out.insert("metadata".to_owned(), Value::Object(list_meta));
    if !meta.no_headers {
        let defs: Vec<Value> = columns.iter().map(Column::to_json).collect();
        out.insert("columnDefinitions".to_owned(), Value::Array(defs));
    }
    let rows: Vec<Value> = rows
        .into_iter()
        .zip(objects)
        .map(|(row, obj)| {
            let mut r = Map::new();
            r.insert("cells".to_owned(), Value::Array(row.cells));
            if !row.conditions.is_empty() {
                r.insert("conditions".to_owned(), Value::Array(row.conditions));
            }
            match include {
                IncludeObject::None => {}
                IncludeObject::Metadata => {
                    r.insert("object".to_owned(), partial_object_metadata(obj));
                }
                IncludeObject::Object => {
                    r.insert("object".to_owned(), obj.clone());
                }
            }
            Value::Object(r)
        })
        .collect();
    out.insert("rows".to_owned(), Value::Array(rows));
    Value::Object(out)
}

/// `PartialObjectMetadata` for an object: its whole `metadata` under `meta.k8s.io/v1`.
pub fn partial_object_metadata(obj: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata").cloned().unwrap_or_else(|| json!({})),
    })
}

/// The default convertor (`rest.NewDefaultTableConvertor`): `Name`, `Created At`.
fn default_table(objects: &[Value]) -> (Vec<Column>, Vec<Row>) {
    let columns = vec![
        Column::name_column(),
        Column::new("Created At", "date", CREATION_TIMESTAMP_DESCRIPTION),
    ];
    let rows = objects
        .iter()
        .map(|o| Row {
            cells: vec![json!(name(o)), json!(created_at_rfc3339(o))],
            conditions: Vec::new(),
        })
        .collect();
    (columns, rows)
}

fn custom_table(
    printer_columns: &Value,
    objects: &[Value],
    now: Timestamp,
) -> (Vec<Column>, Vec<Row>) {
    let declared: Vec<&Value> = printer_columns
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let age = json!({
        "name": "Age", "type": "date", "description": CREATION_TIMESTAMP_DESCRIPTION,
        "jsonPath": ".metadata.creationTimestamp"
    });
    let defs: Vec<&Value> = if declared.is_empty() {
        vec![&age]
    } else {
        declared
    };
    let mut columns = vec![Column::name_column()];
    let mut paths = Vec::new();
    for d in &defs {
        let s = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let json_path = s("jsonPath");
        let description = match s("description") {
            desc if desc.is_empty() => {
                format!("Custom resource definition column (in JSONPath format): {json_path}")
            }
            desc => desc,
        };
        columns.push(Column {
            name: s("name"),
            ty: s("type"),
            format: s("format"),
            description,
            priority: d.get("priority").and_then(Value::as_i64).unwrap_or(0),
        });
        paths.push(JsonPath::parse(&json_path).ok());
    }
    let rows = objects
        .iter()
        .map(|o| {
            let mut cells = vec![json!(name(o))];
            for (col, path) in columns[1..].iter().zip(&paths) {
                let found = path.as_ref().and_then(|p| p.find(o).into_iter().next());
                cells.push(match found {
                    None => Value::Null,
                    Some(v) => custom_cell(&col.ty, v, now),
                });
            }
            Row {
                cells,
                conditions: Vec::new(),
            }
        })
        .collect();
    (columns, rows)
}

/// `cellForJSONValue`, with `string` columns printed as jsonpath prints them.
fn custom_cell(ty: &str, v: &Value, now: Timestamp) -> Value {
    match (ty, v) {
        (_, Value::Null) => Value::Null,
        ("string", v) => json!(print_value(v)),
        ("integer", Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .map_or(Value::Null, |i| json!(i)),
        ("number", Value::Number(n)) => n.as_f64().map_or(Value::Null, |f| json!(f)),
        ("boolean", Value::Bool(b)) => json!(b),
        ("date", Value::String(s)) => match s.parse::<Timestamp>() {
            Ok(t) => json!(age_since(t, now)),
            Err(_) => json!("<invalid>"),
        },
        _ => Value::Null,
    }
}

/// `metadata.name`, `""` when absent.
pub(crate) fn name(obj: &Value) -> &str {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn created_at_rfc3339(obj: &Value) -> String {
    obj.pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Timestamp>().ok())
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "0001-01-01T00:00:00Z".to_owned())
}

/// `translateTimestampSince`: the human age of an RFC 3339 timestamp, `<unknown>` when
/// absent or unparsable.
pub fn age(timestamp: Option<&Value>, now: Timestamp) -> String {
    match timestamp
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Timestamp>().ok())
    {
        Some(t) => age_since(t, now),
        None => "<unknown>".to_owned(),
    }
}

fn age_since(t: Timestamp, now: Timestamp) -> String {
    human_duration(now.duration_since(t).as_secs())
}

/// The age of an object (`metadata.creationTimestamp`).
pub(crate) fn object_age(obj: &Value, now: Timestamp) -> String {
    age(obj.pointer("/metadata/creationTimestamp"), now)
}

/// `duration.HumanDuration` of apimachinery: `45s`, `2m30s`, `10m`, `3h4m`, `5d`, `2y10d`.
pub fn human_duration(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".to_owned();
    }
    if secs < 0 {
        return "0s".to_owned();
    }
    if secs < 120 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = secs / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;

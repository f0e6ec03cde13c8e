//! Printers of built-in workload kinds (`pkg/printers/internalversion/printers.go`):
//! Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, ReplicationControllers.
//! Other kinds are in [`super::table_core`].

use jiff::Timestamp;
use serde_json::{Value, json};

use super::selector::format_label_selector;
use super::table::{Column, Row, age, name, object_age};
use super::table_core;
use super::table_pod::{self, has_condition};

/// The column and row functions of a printer.
pub(crate) type PrinterFns = (fn() -> Vec<Column>, fn(&Value, Timestamp) -> Row);

/// A built-in printer: its columns and how it turns an object into a row.
pub(crate) struct Printer {
    pub columns: fn() -> Vec<Column>,
    pub row: fn(&Value, Timestamp) -> Row,
}

/// The printer of a built-in kind, `None` when the apiserver uses the default convertor.
pub(crate) fn builtin_printer(group: &str, kind: &str) -> Option<Printer> {
    let (columns, row): PrinterFns = match (group, kind) {
        ("", "Pod") => (table_pod::pod_columns, table_pod::pod_row),
        ("apps", "Deployment") => (deployment_columns, deployment_row),
        ("apps", "ReplicaSet") => (replica_set_columns, replica_set_row),
        ("", "ReplicationController") => (replica_set_columns, replica_set_row),
        ("apps", "StatefulSet") => (stateful_set_columns, stateful_set_row),
        ("apps", "DaemonSet") => (daemon_set_columns, daemon_set_row),
        ("batch", "Job") => (job_columns, job_row),
        ("batch", "CronJob") => (cron_job_columns, cron_job_row),
        _ => return table_core::core_printer(group, kind),
    };
    Some(Printer { columns, row })
}

/// An integer at a JSON pointer, 0 when absent.
pub(crate) fn int(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// A string at a JSON pointer, `""` when absent.
pub(crate) fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// The array at a JSON pointer, empty when absent.
pub(crate) fn list<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `layoutContainerCells`: container names and images, comma-separated.
fn container_cells(v: &Value, pointer: &str) -> (Value, Value) {
    let cs = list(v, pointer);
    let names: Vec<&str> = cs.iter().map(|c| text(c, "/name")).collect();
    let images: Vec<&str> = cs.iter().map(|c| text(c, "/image")).collect();
    (json!(names.join(",")), json!(images.join(",")))
}

fn containers_col() -> Column {
    Column::new(
        "Containers",
        "string",
        "Names of each container in the template.",
    )
    .wide()
}

fn images_col() -> Column {
    Column::new(
        "Images",
        "string",
        "Images referenced by each container in the template.",
    )
    .wide()
}

fn selector_col(description: &str) -> Column {
    Column::new("Selector", "string", description).wide()
}

const SELECTOR_DOC: &str = "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.";

fn deployment_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new("Ready", "string", "Number of the pod with ready state"),
        Column::new(
            "Up-to-date",
            "string",
            "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
        ),
        Column::new(
            "Available",
            "string",
            "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
        ),
        Column::age(),
        containers_col(),
        images_col(),
        selector_col(SELECTOR_DOC),
    ]
}

fn deployment_row(d: &Value, now: Timestamp) -> Row {
    let (names, images) = container_cells(d, "/spec/template/spec/containers");
    let selector = match format_label_selector(d.pointer("/spec/selector")) {
        s if s == "<none>" => String::new(),
        s if s == "<error>" => "<invalid>".to_owned(),
        s => s,
    };
    Row {
        cells: vec![
            json!(name(d)),
            json!(format!(
                "{}/{}",
                int(d, "/status/readyReplicas"),
                int(d, "/spec/replicas")
            )),
            json!(int(d, "/status/updatedReplicas")),
            json!(int(d, "/status/availableReplicas")),
            json!(object_age(d, now)),
            names,
            images,
            json!(selector),
        ],
        conditions: Vec::new(),
    }
}

fn replica_set_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Desired",
            "integer",
            "Replicas is the number of desired pods.",
        ),
        Column::new(
            "Current",
            "integer",
            "Replicas is the most recently observed number of replicas.",
        ),
        Column::new(
            "Ready",
            "integer",
            "readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition.",
        ),
        Column::age(),
        containers_col(),
        images_col(),
        selector_col("Selector is a label query over pods that should match the replica count."),
    ]
}

fn replica_set_row(rs: &Value, now: Timestamp) -> Row {
    let (names, images) = container_cells(rs, "/spec/template/spec/containers");
    let selector = match rs.pointer("/spec/selector") {
        Some(Value::Object(m))
            if !m.contains_key("matchLabels")
                && !m.contains_key("matchExpressions")
                && !m.is_empty() =>
        {
            super::table_core::format_labels(Some(&Value::Object(m.clone())))
        }
        sel => format_label_selector(sel),
    };
    Row {
        cells: vec![
            json!(name(rs)),
            json!(int(rs, "/spec/replicas")),
            json!(int(rs, "/status/replicas")),
            json!(int(rs, "/status/readyReplicas")),
            json!(object_age(rs, now)),
            names,
            images,
            json!(selector),
        ],
        conditions: Vec::new(),
    }
}

fn stateful_set_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new("Ready", "string", "Number of the pod with ready state"),
        Column::age(),
        containers_col(),
        images_col(),
    ]
}

fn stateful_set_row(s: &Value, now: Timestamp) -> Row {
    let (names, images) = container_cells(s, "/spec/template/spec/containers");
    Row {
        cells: vec![
            json!(name(s)),
            json!(format!(
                "{}/{}",
                int(s, "/status/readyReplicas"),
                int(s, "/spec/replicas")
            )),
            json!(object_age(s, now)),
            names,
            images,
        ],
        conditions: Vec::new(),
    }
}

fn daemon_set_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Desired",
            "integer",
            "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).",
        ),
        Column::new(
            "Current",
            "integer",
            "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.",
        ),
        Column::new(
            "Ready",
            "integer",
            "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.",
        ),
        Column::new(
            "Up-to-date",
            "integer",
            "The total number of nodes that are running updated daemon pod",
        ),
        Column::new(
            "Available",
            "integer",
            "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)",
        ),
        Column::new(
            "Node Selector",
            "string",
            "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
        ),
        Column::age(),
        containers_col(),
        images_col(),
        selector_col(
            "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
        ),
    ]
}

fn daemon_set_row(d: &Value, now: Timestamp) -> Row {
    let (names, images) = container_cells(d, "/spec/template/spec/containers");
    Row {
        cells: vec![
            json!(name(d)),
            json!(int(d, "/status/desiredNumberScheduled")),
            json!(int(d, "/status/currentNumberScheduled")),
            json!(int(d, "/status/numberReady")),
            json!(int(d, "/status/updatedNumberScheduled")),
            json!(int(d, "/status/numberAvailable")),
            json!(super::table_core::format_labels(
                d.pointer("/spec/template/spec/nodeSelector")
            )),
            json!(object_age(d, now)),
            names,
            images,
            json!(format_label_selector(d.pointer("/spec/selector"))),
        ],
        conditions: Vec::new(),
    }
}

fn job_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new("Status", "string", "Status of the job."),
        Column::new(
            "Completions",
            "string",
            "The desired number of successfully finished pods the job should be run with.",
        ),
        Column::new("Duration", "string", "Time required to complete the job."),
        Column::age(),
        containers_col(),
        images_col(),
        selector_col(
            "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
        ),
    ]
}

fn job_row(j: &Value, now: Timestamp) -> Row {
    let succeeded = int(j, "/status/succeeded");
    let completions = match j.pointer("/spec/completions").and_then(Value::as_i64) {
        Some(c) => format!("{succeeded}/{c}"),
        None => match int(j, "/spec/parallelism") {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let ts = |p: &str| {
        j.pointer(p)
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<Timestamp>().ok())
    };
    let duration = match (ts("/status/startTime"), ts("/status/completionTime")) {
        (None, _) => String::new(),
        (Some(start), None) => super::table::human_duration(now.duration_since(start).as_secs()),
        (Some(start), Some(end)) => {
            super::table::human_duration(end.duration_since(start).as_secs())
        }
    };
    let cond = |t: &str| has_condition(j, "/status/conditions", t);
    let status = if cond("Complete") {
        "Complete"
    } else if cond("Failed") {
        "Failed"
    } else if j
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null())
    {
        "Terminating"
    } else if cond("Suspended") {
        "Suspended"
    } else if cond("FailureTarget") {
        "FailureTarget"
    } else if cond("SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    };
    let (names, images) = container_cells(j, "/spec/template/spec/containers");
    Row {
        cells: vec![
            json!(name(j)),
            json!(status),
            json!(completions),
            json!(duration),
            json!(object_age(j, now)),
            names,
            images,
            json!(format_label_selector(j.pointer("/spec/selector"))),
        ],
        conditions: Vec::new(),
    }
}

fn cron_job_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Schedule",
            "string",
            "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.",
        ),
        Column::new(
            "Timezone",
            "string",
            "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones",
        ),
        Column::new(
            "Suspend",
            "boolean",
            "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.",
        ),
        Column::new(
            "Active",
            "integer",
            "A list of pointers to currently running jobs.",
        ),
        Column::new(
            "Last Schedule",
            "string",
            "Information when was the last time the job was successfully scheduled.",
        ),
        Column::age(),
        containers_col(),
        images_col(),
        selector_col(
            "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
        ),
    ]
}

fn cron_job_row(c: &Value, now: Timestamp) -> Row {
    let last = match c.pointer("/status/lastScheduleTime") {
        Some(v) if !v.is_null() => age(Some(v), now),
        _ => "<none>".to_owned(),
    };
    let tz = match text(c, "/spec/timeZone") {
        "" if c.pointer("/spec/timeZone").is_none_or(Value::is_null) => "<none>",
        tz => tz,
    };
    // `printBoolPtr`: `True`, `False` or `<unset>`.
    let suspend = match c.pointer("/spec/suspend").and_then(Value::as_bool) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    let (names, images) = container_cells(c, "/spec/jobTemplate/spec/template/spec/containers");
    Row {
        cells: vec![
            json!(name(c)),
            json!(text(c, "/spec/schedule")),
            json!(tz),
            json!(suspend),
            json!(list(c, "/status/active").len()),
            json!(last),
            json!(object_age(c, now)),
            names,
            images,
            json!(format_label_selector(
                c.pointer("/spec/jobTemplate/spec/selector")
            )),
        ],
        conditions: Vec::new(),
    }
}

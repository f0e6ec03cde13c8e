//! Printers of built-in workload kinds (`pkg/printers/internalversion/printers.go`): Pods,
//! Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, ReplicationControllers.
//! Other kinds are in [`super::table_core`].

use jiff::Timestamp;
use serde_json::{Value, json};

use super::selector::format_label_selector;
use super::table::{Column, Row, age, name, object_age};
use super::table_core;

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
        ("", "Pod") => (pod_columns, pod_row),
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

fn pod_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
        Column::new("Status", "string", "The aggregate status of the containers in this pod."),
        Column::new(
            "Restarts",
            "string",
            "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
        ),
        Column::age(),
        Column::new("IP", "string", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.").wide(),
        Column::new("Node", "string", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.").wide(),
        Column::new("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.").wide(),
        Column::new("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates").wide(),
    ]
}

fn is_restartable_init(c: Option<&Value>) -> bool {
    c.is_some_and(|c| text(c, "/restartPolicy") == "Always")
}

fn later(a: Option<Timestamp>, b: Option<&Value>) -> Option<Timestamp> {
    let b = b
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Timestamp>().ok());
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

fn has_condition(v: &Value, pointer: &str, ty: &str) -> bool {
    list(v, pointer)
        .iter()
        .any(|c| text(c, "/type") == ty && text(c, "/status") == "True")
}

/// `printPod`: ready count, aggregate status reason, restarts with last restart age.
fn pod_row(pod: &Value, now: Timestamp) -> Row {
    let phase = text(pod, "/status/phase");
    let mut reason = match text(pod, "/status/reason") {
        "" => phase.to_owned(),
        r => r.to_owned(),
    };
    for c in list(pod, "/status/conditions") {
        if text(c, "/type") == "PodScheduled" && text(c, "/reason") == "SchedulingGated" {
            reason = "SchedulingGated".to_owned();
        }
    }
    let init_specs = list(pod, "/spec/initContainers");
    let init_spec = |n: &str| init_specs.iter().find(|c| text(c, "/name") == n);
    let total = list(pod, "/spec/containers").len()
        + init_specs
            .iter()
            .filter(|c| is_restartable_init(Some(c)))
            .count();
    let mut ready = 0;
    let mut restarts = 0;
    let mut sidecar_restarts = 0;
    let mut last_restart: Option<Timestamp> = None;
    let mut last_sidecar_restart: Option<Timestamp> = None;
    let mut initializing = false;
    let init_statuses = list(pod, "/status/initContainerStatuses");
    for (i, c) in init_statuses.iter().enumerate() {
        let rc = int(c, "/restartCount");
        restarts += rc;
        let finished = c.pointer("/lastState/terminated/finishedAt");
        last_restart = later(last_restart, finished);
        let sidecar = is_restartable_init(init_spec(text(c, "/name")));
        if sidecar {
            sidecar_restarts += rc;
            last_sidecar_restart = later(last_sidecar_restart, finished);
        }
        let terminated = c.pointer("/state/terminated");
        let waiting_reason = text(c, "/state/waiting/reason");
        if terminated.is_some_and(|t| int(t, "/exitCode") == 0) {
            continue;
        }
        if sidecar && c.get("started").and_then(Value::as_bool) == Some(true) {
            if c.get("ready").and_then(Value::as_bool) == Some(true) {
                ready += 1;
            }
            continue;
        }
        reason = if let Some(t) = terminated {
            match text(t, "/reason") {
                "" if int(t, "/signal") != 0 => format!("Init:Signal:{}", int(t, "/signal")),
                "" => format!("Init:ExitCode:{}", int(t, "/exitCode")),
                r => format!("Init:{r}"),
            }
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }
    let initialized = has_condition(pod, "/status/conditions", "Initialized");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for c in list(pod, "/status/containerStatuses").iter().rev() {
            restarts += int(c, "/restartCount");
            last_restart = later(last_restart, c.pointer("/lastState/terminated/finishedAt"));
            let waiting = text(c, "/state/waiting/reason");
            let terminated = c.pointer("/state/terminated");
            if !waiting.is_empty() {
                reason = waiting.to_owned();
            } else if let Some(t) = terminated {
                reason = match text(t, "/reason") {
                    "" if int(t, "/signal") != 0 => format!("Signal:{}", int(t, "/signal")),
                    "" => format!("ExitCode:{}", int(t, "/exitCode")),
                    r => r.to_owned(),
                };
            } else if c.get("ready").and_then(Value::as_bool) == Some(true)
                && c.pointer("/state/running").is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if has_condition(pod, "/status/conditions", "Ready") {
                "Running".to_owned()
            } else {
                "NotReady".to_owned()
            };
        }
    }
    let deleting = pod
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null());
    if deleting && text(pod, "/status/reason") == "NodeLost" {
        reason = "Unknown".to_owned();
    } else if deleting && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".to_owned();
    }
    let restarts_cell = match last_restart {
        Some(t) if restarts != 0 => {
            format!(
                "{restarts} ({} ago)",
                super::table::human_duration(now.duration_since(t).as_secs())
            )
        }
        _ => restarts.to_string(),
    };
    let none_if_empty = |s: &str| {
        if s.is_empty() {
            "<none>".to_owned()
        } else {
            s.to_owned()
        }
    };
    let pod_ip = list(pod, "/status/podIPs")
        .first()
        .map_or("", |p| text(p, "/ip"));
    let gates = list(pod, "/spec/readinessGates");
    let gates_cell = if gates.is_empty() {
        "<none>".to_owned()
    } else {
        let conditions = list(pod, "/status/conditions");
        let true_count = gates
            .iter()
            .filter(|g| {
                let ty = text(g, "/conditionType");
                conditions
                    .iter()
                    .find(|c| text(c, "/type") == ty)
                    .is_some_and(|c| text(c, "/status") == "True")
            })
            .count();
        format!("{true_count}/{}", gates.len())
    };
    let conditions = match phase {
        "Succeeded" => vec![
            json!({"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}),
        ],
        "Failed" => vec![
            json!({"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}),
        ],
        _ => Vec::new(),
    };
    Row {
        cells: vec![
            json!(name(pod)),
            json!(format!("{ready}/{total}")),
            json!(reason),
            json!(restarts_cell),
            json!(object_age(pod, now)),
            json!(none_if_empty(pod_ip)),
            json!(none_if_empty(text(pod, "/spec/nodeName"))),
            json!(none_if_empty(text(pod, "/status/nominatedNodeName"))),
            json!(gates_cell),
        ],
        conditions,
    }
}

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
    let suspend = match c.pointer("/spec/suspend").and_then(Value::as_bool) {
        Some(b) => b.to_string(),
        None => "<unset>".to_owned(),
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

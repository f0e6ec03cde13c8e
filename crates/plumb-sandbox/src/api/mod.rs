//! The HTTP API: one handler that routes Kubernetes REST paths to the verbs.

pub mod delete;
mod discovery;
pub mod faults;
mod hooks;
mod openapi;
mod path;
mod read;
pub mod status;
mod watch;
pub mod write;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::registry::{Registry, ResourceType};
use crate::store::Store;
use path::{ResourcePath, Target};
use status::{ApiError, ApiResult};

/// Requests larger than this are refused, as the real server does.
pub const MAX_BODY: usize = 3 * 1024 * 1024;

/// Shared server state.
#[derive(Debug)]
pub struct AppState {
    pub store: Arc<Store>,
    pub registry: Registry,
    /// The URL clients use (for `/api` serverAddress).
    pub url: String,
    next_ip: AtomicU32,
    next_node_port: AtomicU32,
    pub faults: faults::FaultState,
    /// The clock every timestamp and simulated delay reads.
    pub clock: crate::clock::Clock,
    /// The simulator's image behaviour profiles.
    pub profiles: Arc<crate::sim::profiles::Profiles>,
    /// Whether the simulator's kubelets run Pods (and so finish graceful deletions).
    pub kubelets: std::sync::atomic::AtomicBool,
}

impl AppState {
    pub fn new(
        store: Arc<Store>,
        registry: Registry,
        url: String,
        faults: faults::Faults,
        clock: crate::clock::Clock,
        profiles: Arc<crate::sim::profiles::Profiles>,
    ) -> Self {
        clock.set_frozen(faults.frozen_clock);
        AppState {
            kubelets: std::sync::atomic::AtomicBool::new(false),
            profiles,
            faults: faults::FaultState::new(faults),
            clock,
            store,
            registry,
            url,
            next_ip: AtomicU32::new(10),
            next_node_port: AtomicU32::new(30000),
        }
    }

    /// The next free node port (30000–32767).
    pub fn allocate_node_port(&self) -> i64 {
        let n = self.next_node_port.fetch_add(1, Ordering::Relaxed);
        i64::from(30000 + (n - 30000) % 2768)
    }

    /// The next free cluster IP in 10.96.0.0/12.
    pub fn allocate_ip(&self) -> String {
        let n = self.next_ip.fetch_add(1, Ordering::Relaxed);
        format!("10.96.{}.{}", (n >> 8) & 0xff, n & 0xff)
    }
}

/// One resource request, decoded.
pub struct Ctx {
    pub state: Arc<AppState>,
    pub method: Method,
    pub path: ResourcePath,
    pub ty: Arc<ResourceType>,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Ctx {
    pub fn q(&self, key: &str) -> Option<&str> {
        self.query
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.q(key), Some("true" | "1"))
    }

    pub fn dry_run(&self) -> bool {
        self.q("dryRun") == Some("All")
    }

    pub fn namespace(&self) -> &str {
        self.path.namespace.as_deref().unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.path.name.as_deref().unwrap_or("")
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.split(';').next().unwrap_or("").trim())
            .unwrap_or("application/json")
    }

    /// The field manager of a write: `fieldManager`, else the user agent's first word.
    pub fn manager(&self) -> String {
        if let Some(m) = self.q("fieldManager") {
            return m.to_string();
        }
        let ua = self
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("unknown");
        let prefix = ua.split('/').next().unwrap_or(ua);
        prefix.chars().take(128).collect()
    }

    /// How the client wants objects: as a Table, as metadata only, or as they are.
    pub fn output(&self) -> Output {
        let accept = self
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        for part in accept.split(',') {
            let params: Vec<&str> = part.split(';').map(str::trim).collect();
            let media = params.first().copied().unwrap_or("");
            if media != "application/json" && media != "*/*" && !media.is_empty() {
                continue;
            }
            match params.iter().find_map(|p| p.strip_prefix("as=")) {
                Some("Table") => return Output::Table,
                Some("PartialObjectMetadata" | "PartialObjectMetadataList") => {
                    return Output::Metadata;
                }
                Some(_) => continue,
                None => return Output::Object,
            }
        }
        Output::Object
    }

    /// `group/plural` for errors: `deployments.apps`.
    pub fn gr(&self) -> String {
        self.ty.group_resource()
    }

    pub fn storage_key(&self) -> String {
        self.ty.storage_key()
    }
}

/// The representation a client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Object,
    Table,
    Metadata,
}

/// The router: everything goes through one handler.
pub fn router(state: Arc<AppState>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(state)
}

async fn handle(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let uri = req.uri().clone();
    let resp = match dispatch(state, req).await {
        Ok(r) => r,
        Err(e) => error_response(&e),
    };
    tracing::debug!(
        %method, path = %uri, status = resp.status().as_u16(),
        duration_ms = started.elapsed().as_millis() as u64, "request"
    );
    resp
}

pub fn error_response(e: &ApiError) -> Response {
    json_response(e.status_code(), &e.to_status())
}

pub fn json_response(code: StatusCode, v: &Value) -> Response {
    bytes_response(code, serde_json::to_vec(v).unwrap_or_default())
}

/// A response whose body is already JSON.
pub fn bytes_response(code: StatusCode, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = code;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn parse_query(uri: &axum::http::Uri) -> ApiResult<HashMap<String, String>> {
    let q = uri.query().unwrap_or("");
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q)
        .map_err(|e| ApiError::bad_request(format!("invalid query string: {e}")))?;
    Ok(pairs.into_iter().collect())
}

async fn dispatch(state: Arc<AppState>, req: Request) -> ApiResult<Response> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    match path.as_str() {
        "/healthz" | "/readyz" | "/livez" => return Ok((StatusCode::OK, "ok").into_response()),
        "/version" => {
            return Ok(json_response(
                StatusCode::OK,
                &json!({
                    "major": "1", "minor": "32", "gitVersion": "v1.32.0-plumb-sandbox",
                    "gitCommit": "0000000000000000000000000000000000000000",
                    "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z",
                    "goVersion": "go1.23.0", "compiler": "gc", "platform": "linux/amd64",
                }),
            ));
        }
        _ => {}
    }
    if parts.method == Method::GET && (path == "/openapi/v3" || path.starts_with("/openapi/v3/")) {
        let doc = match path.strip_prefix("/openapi/v3/") {
            None => Some(openapi::root(&state.registry)),
            Some(gv) => match gv.split('/').collect::<Vec<_>>().as_slice() {
                ["api", v] => openapi::group_version(&state.registry, "", v),
                ["apis", g, v] => openapi::group_version(&state.registry, g, v),
                _ => None,
            },
        };
        return match doc {
            Some(d) => Ok(json_response(StatusCode::OK, &d)),
            None => Err(ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )),
        };
    }
    if path == "/sandbox/faults" {
        return admin_faults(&state, parts.method, body).await;
    }
    if path == "/metrics" && parts.method == Method::GET {
        return Ok(crate::sim::metrics::response(&state));
    }
    if path == "/sandbox/profiles" {
        return admin_profiles(&state, parts.method, body).await;
    }
    let target = path::parse(&path);
    if parts.method == Method::GET {
        let doc = match &target {
            Target::CoreVersions => Some(discovery::core_versions(&state.url)),
            Target::Groups => Some(discovery::groups(&state.registry)),
            Target::Group(g) => Some(discovery::group(&state.registry, g)?),
            Target::Resources { group, version } => {
                Some(discovery::resources(&state.registry, group, version)?)
            }
            _ => None,
        };
        if let Some(doc) = doc {
            return Ok(json_response(StatusCode::OK, &doc));
        }
    }
    let Target::Resource(rpath) = target else {
        return Err(ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ));
    };
    let ty = state
        .registry
        .get(&rpath.group, &rpath.version, &rpath.plural)
        .ok_or_else(|| {
            ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        })?;
    if !ty.namespaced && rpath.namespace.is_some() {
        return Err(ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ));
    }
    let query = parse_query(&parts.uri)?;
    let body = axum::body::to_bytes(body, MAX_BODY + 1)
        .await
        .map_err(|_| ApiError::too_large())?;
    if body.len() > MAX_BODY {
        return Err(ApiError::too_large());
    }
    let verb = verb_of(&parts.method, rpath.name.is_some(), &query);
    let (latency, fault) = state.faults.decide(verb, &ty.kind);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(code) = fault {
        let e = match code {
            409 => ApiError::conflict(
                &ty.group_resource(),
                rpath.name.as_deref().unwrap_or(""),
                "injected conflict",
            ),
            429 => ApiError::new(
                429,
                "TooManyRequests",
                "injected: too many requests, please try again later",
            ),
            _ => ApiError::new(
                code,
                "InternalError",
                "Internal error occurred: injected fault",
            ),
        };
        return Err(e);
    }
    let ctx = Ctx {
        state,
        method: parts.method,
        path: rpath,
        ty,
        query,
        headers: parts.headers,
        body,
    };
    route(ctx).await
}

/// The Kubernetes verb of a request.
fn verb_of(method: &Method, named: bool, query: &HashMap<String, String>) -> &'static str {
    match (method.as_str(), named) {
        ("GET", true) => "get",
        ("GET", false) if matches!(query.get("watch").map(String::as_str), Some("true" | "1")) => {
            "watch"
        }
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => "other",
    }
}

/// `GET`/`PUT /sandbox/faults`: read or replace the fault configuration.
async fn admin_faults(
    state: &AppState,
    method: Method,
    body: axum::body::Body,
) -> ApiResult<Response> {
    if method == Method::PUT || method == Method::POST {
        let bytes = axum::body::to_bytes(body, MAX_BODY)
            .await
            .map_err(|_| ApiError::too_large())?;
        let f: faults::Faults = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request(format!("fault configuration: {e}")))?;
        state.clock.set_frozen(f.frozen_clock);
        state.faults.set(f);
    }
    let current = serde_json::to_value(state.faults.get()).map_err(ApiError::internal)?;
    Ok(json_response(StatusCode::OK, &current))
}

/// `GET`/`PUT /sandbox/profiles`: read or replace the image behaviour profiles (a YAML
/// or JSON profile document, as `plumb sandbox --profiles FILE` reads).
async fn admin_profiles(
    state: &AppState,
    method: Method,
    body: axum::body::Body,
) -> ApiResult<Response> {
    use crate::sim::profiles::Profiles;
    if method == Method::PUT || method == Method::POST {
        let bytes = axum::body::to_bytes(body, MAX_BODY)
            .await
            .map_err(|_| ApiError::too_large())?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| ApiError::bad_request("profiles: the body is not UTF-8"))?;
        let file =
            Profiles::parse(text, "profiles").map_err(|e| ApiError::bad_request(e.to_string()))?;
        state
            .profiles
            .set(file)
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
    }
    let current = serde_json::to_value(state.profiles.get()).map_err(ApiError::internal)?;
    Ok(json_response(StatusCode::OK, &current))
}

async fn route(ctx: Ctx) -> ApiResult<Response> {
    if ctx.ty.review {
        return review(&ctx);
    }
    let sub = ctx.path.subresource.clone();
    let has_name = ctx.path.name.is_some();
    match (ctx.method.clone(), has_name, sub.as_deref()) {
        (Method::GET, false, None) => {
            if ctx.flag("watch") {
                watch::watch(ctx).await
            } else {
                read::list(&ctx)
            }
        }
        (Method::GET, true, None) => read::get(&ctx),
        (Method::GET, true, Some("status")) => read::get(&ctx),
        (Method::GET, true, Some("scale")) if ctx.ty.scale.is_some() => read::get_scale(&ctx),
        (Method::POST, false, None) => write::create(&ctx),
        (Method::PUT, true, None | Some("status" | "finalize")) => write::update(&ctx),
        (Method::PATCH, true, None | Some("status")) => write::patch(&ctx),
        (Method::PUT | Method::PATCH, true, Some("scale")) if ctx.ty.scale.is_some() => {
            write::scale(&ctx)
        }
        (Method::DELETE, true, None) => delete::delete(&ctx),
        (Method::DELETE, false, None) => delete::delete_collection(&ctx),
        (m, _, sub) => Err(ApiError::method_not_allowed(format!(
            "the server does not allow this method on the requested resource ({m}{})",
            sub.map(|s| format!(" {s}")).unwrap_or_default()
        ))),
    }
}

/// Access reviews: the sandbox has no authorization, so everything is allowed; the
/// review is answered and not stored, as the real server does.
fn review(ctx: &Ctx) -> ApiResult<Response> {
    if ctx.method != Method::POST || ctx.path.name.is_some() {
        return Err(ApiError::method_not_allowed(
            "the server does not allow this method on the requested resource",
        ));
    }
    let mut obj = hooks::decode(&ctx.body, ctx.content_type())?;
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    obj["metadata"]["creationTimestamp"] = Value::Null;
    obj["status"] = if ctx.ty.kind == "SelfSubjectRulesReview" {
        json!({
            "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
            "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
            "incomplete": false,
        })
    } else {
        json!({"allowed": true, "reason": "the sandbox authorizes every request"})
    };
    Ok(json_response(StatusCode::CREATED, &obj))
}

/// Sets `apiVersion` to the version the client asked for.
pub fn as_version(obj: &Value, ty: &ResourceType) -> Value {
    let mut o = obj.clone();
    if ty.kind != "Scale" {
        o["apiVersion"] = json!(ty.api_version());
    }
    o
}

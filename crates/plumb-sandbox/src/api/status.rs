//! API errors as Kubernetes `Status` objects.

use axum::http::StatusCode;
use serde_json::{Value, json};

/// A failed request: the HTTP code, the `reason`, a message naming the object, and
/// optional `details`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: None,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// 400 BadRequest.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// 404 NotFound for `deployments.apps "x"`.
    pub fn not_found(group_resource: &str, name: &str) -> Self {
        let (resource, group) = split_gr(group_resource);
        Self::new(
            404,
            "NotFound",
            format!("{group_resource} \"{name}\" not found"),
        )
        .with_details(json!({"name": name, "group": group, "kind": resource}))
    }

    /// 409 AlreadyExists.
    pub fn already_exists(group_resource: &str, name: &str) -> Self {
        let (resource, group) = split_gr(group_resource);
        Self::new(
            409,
            "AlreadyExists",
            format!("{group_resource} \"{name}\" already exists"),
        )
        .with_details(json!({"name": name, "group": group, "kind": resource}))
    }

    /// 409 Conflict on a stale resourceVersion.
    pub fn conflict(group_resource: &str, name: &str, why: &str) -> Self {
        let (resource, group) = split_gr(group_resource);
        Self::new(
            409,
            "Conflict",
            format!("Operation cannot be fulfilled on {group_resource} \"{name}\": {why}"),
        )
        .with_details(json!({"name": name, "group": group, "kind": resource}))
    }

    /// 409 Conflict for a stale resourceVersion.
    pub fn stale(group_resource: &str, name: &str) -> Self {
        Self::conflict(
            group_resource,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// 415 UnsupportedMediaType.
    pub fn unsupported_media(message: impl Into<String>) -> Self {
        Self::new(415, "UnsupportedMediaType", message)
    }

    /// 422 Invalid.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(422, "Invalid", message)
    }

    /// 405 MethodNotAllowed.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "MethodNotAllowed", message)
    }

    /// 500 InternalError.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        Self::new(
            500,
            "InternalError",
            format!("Internal error occurred: {message}"),
        )
    }

    /// 410 Expired (a watch or continue token older than the history kept).
    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }

    /// 413 RequestEntityTooLarge.
    pub fn too_large() -> Self {
        Self::new(
            413,
            "RequestEntityTooLarge",
            "Request entity too large: limit is 3145728",
        )
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The `Status` object.
    pub fn to_status(&self) -> Value {
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            s["details"] = d.clone();
        }
        s
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::internal(format!("storage: {e}"))
    }
}

fn split_gr(group_resource: &str) -> (&str, &str) {
    group_resource
        .split_once('.')
        .unwrap_or((group_resource, ""))
}

//! get and list.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::hooks::{self, Filter};
use super::status::{ApiError, ApiResult};
use super::{Ctx, Output, as_version, json_response};

/// GET one object (or its status subresource, which is the whole object).
pub fn get(ctx: &Ctx) -> ApiResult<Response> {
    let obj = current(ctx)?;
    let obj = as_version(&obj, &ctx.ty);
    let out = match ctx.output() {
        Output::Table => hooks::table(ctx, &[obj], &ctx.state.store.current_rv().to_string(), None),
        Output::Metadata => hooks::partial_metadata(&obj),
        Output::Object => obj,
    };
    Ok(json_response(StatusCode::OK, &out))
}

/// The stored object the request names, or 404.
pub fn current(ctx: &Ctx) -> ApiResult<Arc<Value>> {
    ctx.state
        .store
        .get(&ctx.storage_key(), ctx.namespace(), ctx.name())
        .ok_or_else(|| ApiError::not_found(&ctx.gr(), ctx.name()))
}

/// GET a collection: selectors, `limit`/`continue`, Table and metadata output.
pub fn list(ctx: &Ctx) -> ApiResult<Response> {
    let filter = Filter::from_query(ctx)?;
    let (objects, rv) = ctx
        .state
        .store
        .list(&ctx.storage_key(), ctx.path.namespace.as_deref());
    let after = match ctx.q("continue") {
        Some(token) => Some(decode_continue(token)?),
        None => None,
    };
    let limit: Option<usize> = match ctx.q("limit") {
        Some(l) => Some(
            l.parse()
                .map_err(|_| ApiError::bad_request(format!("invalid limit: {l}")))?,
        ),
        None => None,
    }
    .filter(|l| *l > 0);
    let mut items: Vec<Arc<Value>> = Vec::new();
    let mut next = None;
    let mut remaining = 0usize;
    for o in objects {
        if let Some((ans, aname)) = &after {
            let ns = o["metadata"]["namespace"].as_str().unwrap_or("");
            let name = o["metadata"]["name"].as_str().unwrap_or("");
            if (ns, name) <= (ans.as_str(), aname.as_str()) {
                continue;
            }
        }
        if !filter.matches(&o) {
            continue;
        }
        if limit.is_some_and(|l| items.len() >= l) {
            if next.is_none() {
                next = items.last().map(|last| encode_continue(&last["metadata"]));
            }
            remaining += 1;
            continue;
        }
        items.push(o);
    }
    let rv = rv.to_string();
    let output = ctx.output();
    if output == Output::Table {
        let items: Vec<Value> = items.iter().map(|o| as_version(o, &ctx.ty)).collect();
        let out = hooks::table(ctx, &items, &rv, next.as_deref());
        return Ok(json_response(StatusCode::OK, &out));
    }
    let mut meta = json!({"resourceVersion": rv});
    if let Some(n) = &next {
        meta["continue"] = json!(n);
        meta["remainingItemCount"] = json!(remaining);
    }
    let (api_version, kind) = if output == Output::Metadata {
        (
            "meta.k8s.io/v1".to_string(),
            "PartialObjectMetadataList".to_string(),
        )
    } else {
        (ctx.ty.api_version(), format!("{}List", ctx.ty.kind))
    };
    // Written item by item: a list of 50,000 objects is never copied as a whole.
    let mut body = Vec::with_capacity(256 + items.len() * 512);
    let head = json!({"apiVersion": api_version, "kind": kind, "metadata": meta});
    let head = serde_json::to_vec(&head).map_err(ApiError::internal)?;
    body.extend_from_slice(&head[..head.len() - 1]);
    body.extend_from_slice(b",\"items\":[");
    let want = ctx.ty.api_version();
    for (i, o) in items.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        let written = match output {
            Output::Metadata => serde_json::to_writer(&mut body, &hooks::partial_metadata(o)),
            _ if o["apiVersion"].as_str() == Some(want.as_str()) => {
                serde_json::to_writer(&mut body, &**o)
            }
            _ => serde_json::to_writer(&mut body, &as_version(o, &ctx.ty)),
        };
        written.map_err(ApiError::internal)?;
    }
    body.extend_from_slice(b"]}");
    Ok(super::bytes_response(StatusCode::OK, body))
}

fn encode_continue(meta: &Value) -> String {
    let ns = meta["namespace"].as_str().unwrap_or("");
    let name = meta["name"].as_str().unwrap_or("");
    let raw = format!("{ns}/{name}");
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_continue(token: &str) -> ApiResult<(String, String)> {
    let bad = || ApiError::bad_request(format!("invalid continue token: {token}"));
    if !token.len().is_multiple_of(2) {
        return Err(bad());
    }
    let bytes: Result<Vec<u8>, _> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&token[i..i + 2], 16))
        .collect();
    let raw = String::from_utf8(bytes.map_err(|_| bad())?).map_err(|_| bad())?;
    let (ns, name) = raw.split_once('/').ok_or_else(bad)?;
    Ok((ns.to_string(), name.to_string()))
}

/// GET the scale subresource.
pub fn get_scale(ctx: &Ctx) -> ApiResult<Response> {
    let obj = current(ctx)?;
    Ok(json_response(StatusCode::OK, &scale_of(ctx, &obj)))
}

/// The `autoscaling/v1` `Scale` of an object.
pub fn scale_of(ctx: &Ctx, obj: &Value) -> Value {
    let Some(paths) = ctx.ty.scale.as_ref() else {
        return Value::Null;
    };
    let meta = &obj["metadata"];
    let get = |path: &str| path.split('.').fold(obj, |v, k| &v[k]).clone();
    let spec_replicas = get(&paths.spec_replicas);
    let status_replicas = get(&paths.status_replicas);
    let mut status = json!({"replicas": status_replicas.as_i64().unwrap_or(0)});
    if let Some(sel) = &paths.label_selector {
        match get(sel) {
            Value::String(s) => status["selector"] = json!(s),
            _ if ctx.ty.group == "apps" => {
                if let Some(labels) = obj["spec"]["selector"]["matchLabels"].as_object() {
                    let s: Vec<String> = labels
                        .iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect();
                    status["selector"] = json!(s.join(","));
                }
            }
            _ => {}
        }
    }
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"], "creationTimestamp": meta["creationTimestamp"],
        },
        "spec": {"replicas": spec_replicas.as_i64().unwrap_or(0)},
        "status": status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip() {
        let t = encode_continue(&json!({"namespace": "prod", "name": "web-1"}));
        assert_eq!(
            decode_continue(&t).expect("valid"),
            ("prod".to_string(), "web-1".to_string())
        );
        assert!(decode_continue("zz").is_err());
    }
}

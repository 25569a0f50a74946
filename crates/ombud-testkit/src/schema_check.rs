//! Every API response a test receives is checked against the OpenAPI
//! document: its route and status must be documented, and a JSON body must
//! validate against the schema documented for that status. Objects are
//! checked strictly (no field the schema does not name), so the document
//! cannot fall behind what the API sends.
//!
//! A response that does not match is replaced by a 500 naming the problem,
//! and the test server refuses to stop quietly while any is recorded.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::sync::{Arc, LazyLock, Mutex};

/// The document, tightened for checking.
static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut doc = serde_json::to_value(ombud_web::openapi_document()).expect("the document serialises");
    if let Some(schemas) = doc.pointer_mut("/components/schemas") {
        forbid_unnamed_fields(schemas);
    }
    doc
});

/// Marks every object schema that names its properties as closed.
fn forbid_unnamed_fields(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(forbid_unnamed_fields);
        }
        Value::Array(items) => items.iter_mut().for_each(forbid_unnamed_fields),
        _ => {}
    }
}

/// The documented path a request path is an instance of: literal segments
/// before parameters (`/cases/count` before `/cases/{id}`).
fn template_of(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    DOCUMENT["paths"]
        .as_object()?
        .keys()
        .filter(|t| {
            let parts: Vec<&str> = t.split('/').collect();
            parts.len() == segments.len() && parts.iter().zip(&segments).all(|(t, s)| t.starts_with('{') || t == s)
        })
        .min_by_key(|t| t.matches('{').count())
        .cloned()
}

/// Why a response does not match the document, if it does not.
pub fn problem(method: &Method, path: &str, status: StatusCode, content_type: &str, body: &[u8]) -> Option<String> {
    let template = template_of(path);
    let operation = template.as_ref().map(|t| &DOCUMENT["paths"][t][method.as_str().to_lowercase()]);
    let Some((template, operation)) = template.as_ref().zip(operation.filter(|o| o.is_object())) else {
        // The router's own answer for a route or method it does not have: an API error.
        if matches!(status, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED) {
            let error = serde_json::json!({"$ref": "#/components/schemas/ErrorBody"});
            return invalid_json(&format!("{method} {path} {status}"), &error, body);
        }
        return Some(format!("{method} {path} is not documented"));
    };
    let response = &operation["responses"][status.as_str()];
    if !response.is_object() {
        return Some(format!("{method} {template} answered {status}, which it does not document"));
    }
    // No content documented: a body-less answer (the check has nothing more to compare).
    let content = response["content"].as_object()?;
    if !content_type.starts_with("application/json") {
        let documented = content.keys().any(|k| content_type.starts_with(k.as_str()));
        return (!documented).then(|| format!("{method} {template} {status}: {content_type} is not documented"));
    }
    let Some(schema) = content.get("application/json").map(|c| &c["schema"]) else {
        return Some(format!("{method} {template} {status}: JSON is not documented"));
    };
    invalid_json(&format!("{method} {template} {status}"), schema, body)
}

/// Why a JSON body does not validate against a schema of the document, if it does not.
fn invalid_json(what: &str, schema: &Value, body: &[u8]) -> Option<String> {
    let instance: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Some(format!("{what}: not JSON ({e})")),
    };
    let root = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [schema],
        "components": DOCUMENT["components"],
    });
    let validator = match jsonschema::validator_for(&root) {
        Ok(v) => v,
        Err(e) => return Some(format!("{what}: the documented schema is invalid: {e}")),
    };
    let errors: Vec<String> =
        validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    (!errors.is_empty()).then(|| format!("{what}: {}", errors.join("; ")))
}

/// Problems found while a test server ran.
pub type Problems = Arc<Mutex<Vec<String>>>;

/// The layer: checks each `/api/v1` response, passes it on unchanged when
/// it matches, answers 500 naming the problem when it does not.
pub async fn check(problems: Problems, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let Some(api_path) = path.strip_prefix("/api/v1") else { return response };
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "response body could not be read").into_response();
    };
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    match problem(&method, api_path, parts.status, content_type, &bytes) {
        None => Response::from_parts(parts, Body::from(bytes)),
        Some(p) => {
            eprintln!("OpenAPI mismatch: {p}");
            if let Ok(mut list) = problems.lock() {
                list.push(p.clone());
            }
            (StatusCode::INTERNAL_SERVER_ERROR, format!("response does not match the OpenAPI document: {p}"))
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = "application/json";

    #[test]
    fn a_response_matches_only_what_the_document_says() {
        let key = br#"{"verifier_key": "ombud+1+abc", "origin": "ombud"}"#;
        assert_eq!(problem(&Method::GET, "/ledger/key", StatusCode::OK, JSON, key), None);
        let extra = br#"{"verifier_key": "k", "origin": "o", "secret": "x"}"#;
        assert!(problem(&Method::GET, "/ledger/key", StatusCode::OK, JSON, extra).is_some(), "an unnamed field");
        let missing = br#"{"origin": "o"}"#;
        assert!(problem(&Method::GET, "/ledger/key", StatusCode::OK, JSON, missing).is_some(), "a missing field");
        assert!(problem(&Method::GET, "/ledger/key", StatusCode::IM_A_TEAPOT, JSON, key).is_some(), "a status");
        assert!(problem(&Method::GET, "/no/such/route", StatusCode::OK, JSON, key).is_some(), "a route");
        let status = br#"{"case_ref": "OMB-1", "status": "on_hold", "deadlines": [], "escalated_at": null}"#;
        assert!(problem(&Method::GET, "/reporter/status", StatusCode::OK, JSON, status).is_some(), "an enum value");
    }

    #[test]
    fn a_literal_path_wins_over_a_parameter() {
        assert_eq!(template_of("/cases/count").as_deref(), Some("/cases/count"));
        assert_eq!(template_of("/cases/0190").as_deref(), Some("/cases/{id}"));
    }
}

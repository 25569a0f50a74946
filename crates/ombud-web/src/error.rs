//! The one place service errors become HTTP answers: a JSON error for the
//! API, a status and a sentence in her language for a page.

use crate::i18n::Tr;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ombud_domain::FieldError;
use ombud_service::ServiceError;

/// How a service error is answered: status, stable code for scripts, and the
/// message key for people.
pub fn classify(e: &ServiceError) -> (StatusCode, &'static str) {
    match e {
        ServiceError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        ServiceError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        ServiceError::BadReceipt => (StatusCode::UNAUTHORIZED, "receipt_not_recognised"),
        ServiceError::MalformedReceipt => (StatusCode::BAD_REQUEST, "malformed_receipt"),
        ServiceError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
        ServiceError::AccessPending => (StatusCode::CONFLICT, "access_pending"),
        ServiceError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        ServiceError::Rule(_) => (StatusCode::CONFLICT, "invalid_transition"),
        ServiceError::DuplicateAccount => (StatusCode::CONFLICT, "duplicate_account"),
        ServiceError::EscalationNotYet => (StatusCode::CONFLICT, "escalation_not_yet"),
        ServiceError::BadImport(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        ServiceError::BadToken => (StatusCode::UNAUTHORIZED, "unauthorized"),
        ServiceError::InstanceMismatch | ServiceError::Config(_) | ServiceError::Store(_) | ServiceError::Crypto(_) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "internal")
        }
    }
}

/// The message key for a stable code: `not_found` → `error-not-found`.
pub fn message_key(code: &str) -> String {
    format!("error-{}", code.replace('_', "-"))
}

/// The message for one field problem, in her language.
pub fn field_message(tr: &Tr, e: &FieldError) -> String {
    tr.t(&format!("field-{}", e.code))
}

/// Logs server faults (they carry no content: store and crypto errors name
/// operations, never values) and nothing else.
pub fn log_if_internal(e: &ServiceError) {
    if e.is_internal() {
        tracing::error!(error = %e, "request failed");
    }
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<serde_json::Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, tr: Tr) -> Self {
        Self { status, code, message: tr.t(&message_key(code)), fields: Vec::new() }
    }

    pub fn from_service(e: ServiceError, tr: Tr) -> Self {
        log_if_internal(&e);
        let (status, code) = classify(&e);
        let mut error = Self::new(status, code, tr);
        if let ServiceError::Invalid(fields) = &e {
            error.fields = fields
                .iter()
                .map(|f| serde_json::json!({"field": f.field, "code": f.code, "message": field_message(&tr, f)}))
                .collect();
        }
        error
    }

    pub fn unauthorized(tr: Tr) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", tr)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = serde_json::json!({"code": self.code, "message": self.message});
        if !self.fields.is_empty() {
            error["fields"] = serde_json::Value::Array(self.fields);
        }
        (self.status, Json(serde_json::json!({ "error": error }))).into_response()
    }
}

/// Either a service answer or the rate limiter's refusal, for the receipt
/// sign-in shared by the page and the API.
pub enum ApiOrPage {
    RateLimited,
    Service(ServiceError),
}

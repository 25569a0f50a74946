//! The one place service errors become HTTP answers: a JSON error for the
//! API, a status and a sentence in her language for a page. Both read the
//! request's language from the task (`Lang::current`), so a handler can
//! answer a service error with `?`.

use crate::i18n::{Lang, Tr};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ombud_domain::FieldError;
use ombud_service::ServiceError;
use serde::Serialize;
use utoipa::ToSchema;

/// How a service error is answered: status, stable code for scripts, and the
/// message key for people.
pub fn classify(e: &ServiceError) -> (StatusCode, &'static str) {
    match e {
        ServiceError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        ServiceError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        ServiceError::BadReceipt => (StatusCode::UNAUTHORIZED, "receipt_not_recognised"),
        ServiceError::MalformedReceipt => (StatusCode::BAD_REQUEST, "malformed_receipt"),
        ServiceError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
        ServiceError::SecondFactorRequired => (StatusCode::UNAUTHORIZED, "second_factor_required"),
        ServiceError::SecondFactorWrong => (StatusCode::UNAUTHORIZED, "second_factor_wrong"),
        ServiceError::SecondFactorNotSetUp => (StatusCode::FORBIDDEN, "second_factor_not_set_up"),
        ServiceError::AccessPending => (StatusCode::CONFLICT, "access_pending"),
        ServiceError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        ServiceError::Rule(_) => (StatusCode::CONFLICT, "invalid_transition"),
        ServiceError::DuplicateAccount => (StatusCode::CONFLICT, "duplicate_account"),
        ServiceError::BadTicket => (StatusCode::NOT_FOUND, "link_not_valid"),
        ServiceError::EscalationNotYet => (StatusCode::CONFLICT, "escalation_not_yet"),
        ServiceError::RoutingPending => (StatusCode::CONFLICT, "routing_pending"),
        ServiceError::AlreadyReceived => (StatusCode::CONFLICT, "already_received"),
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

/// Every field problem, in her language, as one sentence.
pub fn field_messages(tr: &Tr, errors: &[FieldError]) -> String {
    errors.iter().map(|e| field_message(tr, e)).collect::<Vec<_>>().join(" ")
}

/// Logs server faults (they carry no content: store and crypto errors name
/// operations, never values) and nothing else.
pub fn log_if_internal(e: &ServiceError) {
    if e.is_internal() {
        tracing::error!(error = %e, "request failed");
    }
}

/// Every API error: `{"error": {"code", "message", "fields"?}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for scripts (`not_found`, `invalid_input`, `unauthorized`…).
    pub code: String,
    /// For people, in the request's language.
    pub message: String,
    /// One entry per field problem of an `invalid_input`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field, as a path (`people.2.name`).
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldProblem>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self { status, code, message: Lang::current().tr().t(&message_key(code)), fields: Vec::new() }
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized")
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found")
    }

    /// A 422 naming one field that holds no valid choice.
    pub fn invalid_choice(field: &str) -> Self {
        ServiceError::invalid_field(field, "invalid-choice").into()
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        log_if_internal(&e);
        let (status, code) = classify(&e);
        let mut error = Self::new(status, code);
        // A refused step says why: where the case stands.
        if let ServiceError::Rule(ombud_domain::DomainError::InvalidTransition { from, .. }) = &e {
            let tr = Lang::current().tr();
            error.message = tr.t_with("error-not-now", &[("status", tr.label(*from).into())]);
        }
        if let ServiceError::Invalid(fields) = &e {
            let tr = Lang::current().tr();
            error.fields = fields
                .iter()
                .map(|f| FieldProblem {
                    field: f.field.clone(),
                    code: f.code.to_owned(),
                    message: field_message(&tr, f),
                })
                .collect();
        }
        error
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            ErrorBody { error: ErrorDetail { code: self.code.to_owned(), message: self.message, fields: self.fields } };
        (self.status, Json(body)).into_response()
    }
}

/// Either a service answer or the rate limiter's refusal, for the receipt
/// sign-in shared by the page and the API.
pub enum ApiOrPage {
    RateLimited,
    Service(ServiceError),
}

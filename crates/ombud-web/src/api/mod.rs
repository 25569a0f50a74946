//! JSON API v1. Errors are `{"error":{"code","message"}}` with the right
//! status; a case the caller may not see answers exactly like a missing one.
//!
//! Each area's routes and their OpenAPI operations come from the same
//! `routes!` lists (utoipa-axum), so the document cannot name a route the
//! router lacks, nor miss one it has. Requests and responses are types; the
//! schemas are derived from them.

mod admin;
mod cases;
mod daily;
mod hr;
mod ledger;
pub mod model;
mod oversight;
mod recovery;
mod reporter;
mod support;
mod workflow;

use crate::AppState;
use crate::error::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

pub use crate::limits::MAX_JSON_BYTES;

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(OpenApi)]
#[openapi(
    info(title = "Ombud API", version = "1",
        description = "Speak-up reports, receipts and case handling. Content is sealed at rest; a case the caller may not see answers 404, like a missing one."),
    servers((url = "/api/v1")),
    modifiers(&BearerTokens),
    components(schemas(crate::error::ErrorBody)),
)]
struct ApiDoc;

/// The two bearer schemes: staff and reporter sessions.
struct BearerTokens;

impl utoipa::Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, from) in [
            ("staff", "POST /staff/session"),
            ("reporter", "POST /reporter/session"),
            ("hr", "`ombud hr token create`"),
        ] {
            let scheme =
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(format!("token from {from}")));
            components.add_security_scheme(name, SecurityScheme::Http(scheme.build()));
        }
    }
}

/// Every area's routes, each with its documented operations.
fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(reporter::routes())
        .merge(cases::routes())
        .merge(workflow::routes())
        .merge(daily::routes())
        .merge(oversight::routes())
        .merge(recovery::routes())
        .merge(hr::routes())
        .merge(support::routes())
        .merge(ledger::routes())
        .merge(admin::routes())
}

/// The OpenAPI 3.1 description of this API, derived from its types.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, doc) = documented().split_for_parts();
    with_itself(doc)
}

/// Every operation that changes something may be refused as sent
/// cross-site from a browser (403 `cross_site`), before any handler runs.
fn with_cross_site_refusal(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{RefOr, ResponseBuilder, content::ContentBuilder};
    let refusal = ResponseBuilder::new()
        .description(
            "Refused: sent cross-site from a browser (`cross_site`), or the role may not do this (`forbidden`)",
        )
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody")))).build(),
        )
        .build();
    // Any operation may be refused for a NUL character in its query or body.
    let nul = ResponseBuilder::new()
        .description("Refused: the query or the body carries the NUL character (`invalid_body`)")
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody")))).build(),
        )
        .build();
    for item in doc.paths.paths.values_mut() {
        for operation in [&mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
            operation.responses.responses.entry("403".to_owned()).or_insert_with(|| RefOr::T(refusal.clone()));
        }
        for operation in
            [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
        {
            operation.responses.responses.entry("400".to_owned()).or_insert_with(|| RefOr::T(nul.clone()));
        }
    }
    doc
}

/// The document names its own route too.
fn with_itself(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut doc = with_cross_site_refusal(doc);
    let this = utoipa::openapi::path::OperationBuilder::new()
        .summary(Some("This document"))
        .response("200", utoipa::openapi::ResponseBuilder::new().description("OpenAPI document"))
        .build();
    doc.paths.add_path_operation("/openapi.json", vec![utoipa::openapi::HttpMethod::Get], this);
    doc
}

/// Every documented operation as (method, path), e.g. ("get", "/cases/{id}").
pub fn api_routes() -> Vec<(String, String)> {
    let doc = serde_json::to_value(openapi_document()).unwrap_or_default();
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                routes.push((method.clone(), path.clone()));
            }
        }
    }
    routes
}

pub fn routes() -> Router<AppState> {
    let (router, document) = documented().split_for_parts();
    let document = with_itself(document);
    router
        .route("/openapi.json", get(move || std::future::ready(Json(document.clone()))))
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed") })
}

/// 429 with the seconds to wait, in the API's error format.
pub(crate) fn too_many(wait: jiff::SignedDuration) -> Response {
    let seconds = wait.as_secs().max(1).to_string();
    let mut response = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "sign_in_throttled").into_response();
    if let Ok(v) = axum::http::header::HeaderValue::from_str(&seconds) {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
    response
}

/// `Json<T>` whose rejections (syntax, missing or unknown fields, wrong
/// content type, oversize body) answer in the API's error format.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => {
                let (status, code) = match &rejection {
                    JsonRejection::JsonDataError(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
                    JsonRejection::JsonSyntaxError(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
                    JsonRejection::MissingJsonContentType(_) => {
                        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
                    }
                    _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
                    }
                    _ => (StatusCode::BAD_REQUEST, "malformed_json"),
                };
                let mut error = ApiError::new(status, code);
                if code == "invalid_body" {
                    // serde's own words name the field ("unknown field `x`", "missing field `y`").
                    error.message = format!("{} ({})", error.message, rejection.body_text());
                }
                Err(error)
            }
        }
    }
}

/// The error answers an operation documents, in groups its handlers share.
pub(crate) mod errors {
    use crate::error::ErrorBody;
    use utoipa::{IntoParams, IntoResponses};

    /// What a JSON body can be refused for.
    #[derive(IntoResponses)]
    #[allow(dead_code)]
    pub enum Body {
        /// Not JSON (`malformed_json`).
        #[response(status = 400)]
        Malformed(ErrorBody),
        /// Larger than the API accepts (`body_too_large`).
        #[response(status = 413)]
        TooLarge(ErrorBody),
        /// Not sent as `application/json` (`unsupported_media_type`).
        #[response(status = 415)]
        Unsupported(ErrorBody),
        /// A field missing, unknown or of the wrong type (`invalid_body`), or invalid (`invalid_input`).
        #[response(status = 422)]
        Invalid(ErrorBody),
    }

    /// No session, or it expired (`unauthorized`); a receipt or password not recognised.
    #[derive(IntoResponses)]
    #[response(status = 401)]
    pub struct Unauthorized(#[allow(dead_code)] ErrorBody);

    /// The caller's role may not do this (`forbidden`).
    #[derive(IntoResponses)]
    #[response(status = 403)]
    pub struct Forbidden(#[allow(dead_code)] ErrorBody);

    /// No such case, or one the caller may not see (`not_found`).
    #[derive(IntoResponses)]
    #[response(status = 404)]
    pub struct NotFound(#[allow(dead_code)] ErrorBody);

    /// The caller's key to the case is not wrapped yet (`access_pending`), or the
    /// case does not allow this now (`invalid_transition`, `escalation_not_yet`).
    #[derive(IntoResponses)]
    #[response(status = 409)]
    pub struct Conflict(#[allow(dead_code)] ErrorBody);

    /// The caller's key to the case is not wrapped yet (`access_pending`).
    pub type Pending = Conflict;

    /// A field's value is not acceptable (`invalid_input`, with `fields`).
    #[derive(IntoResponses)]
    #[response(status = 422)]
    pub struct Invalid(#[allow(dead_code)] ErrorBody);

    /// Too many failed receipts from this client or overall (`too_many_attempts`).
    #[derive(IntoResponses)]
    #[response(status = 429)]
    pub struct TooMany(#[allow(dead_code)] ErrorBody);

    /// A query parameter missing or not a number (`invalid_query`).
    #[derive(IntoResponses)]
    #[response(status = 400)]
    pub struct BadQuery(#[allow(dead_code)] ErrorBody);

    /// The case a path names.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    #[allow(dead_code)]
    pub struct CaseId {
        /// The case's id.
        id: uuid::Uuid,
    }
}

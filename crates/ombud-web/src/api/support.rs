//! Supporters (issue 17 #4): a statement added to a case by its reference,
//! and the statements a case's reader may see.

use super::model::Submitted;
use super::{ApiJson, ApiResult, errors};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiStaff, CasePath};
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use ombud_service::{ServiceError, SupportInput, SupportView};
use std::net::SocketAddr;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(add)).routes(utoipa_axum::routes!(list))
}

/// Adds a confidential statement to a case by its reference (as the reporter shared it). The statement, her name
/// and contact are sealed for the case's readers the conflict rules allow once they ran again on her; her receipt
/// opens her statement and her thread only. A wrong reference counts against the client like a wrong receipt.
#[utoipa::path(post, path = "/support", tag = "reporter", request_body = SupportInput,
    responses((status = 201, body = Submitted), errors::Body, errors::TooMany))]
async fn add(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<SupportInput>,
) -> ApiResult<(StatusCode, Json<Submitted>)> {
    let client = crate::limits::client_address(&state.config, addr, &headers);
    if !state.receipt_limiter.allowed(client) {
        return Err(ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"));
    }
    match state.ombud.add_support(&body, state.ombud.config().receipt_kdf).await {
        Ok(done) => {
            Ok((StatusCode::CREATED, Json(Submitted { case_ref: done.reference, receipt: done.receipt.grouped() })))
        }
        Err(ServiceError::Invalid(errors)) => {
            if errors.iter().any(|e| e.code == "support-case-unknown") {
                state.receipt_limiter.record_failure(client);
            }
            Err(ServiceError::Invalid(errors).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// The statements supporters added to a case that the caller may read, each with its thread. One she is kept out
/// of is neither listed nor counted.
#[utoipa::path(get, path = "/cases/{id}/support", tag = "cases", security(("staff" = [])),
    params(errors::CaseId),
    responses((status = 200, body = Vec<SupportView>), errors::Unauthorized, errors::NotFound, errors::Pending))]
async fn list(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
) -> ApiResult<Json<Vec<SupportView>>> {
    Ok(Json(state.ombud.staff(&s).support_statements(id).await?))
}

//! Handling a case over the API: steps, answers to her requests, moved
//! deadlines and linked proceedings.

use super::model::*;
use super::{ApiJson, ApiResult, errors};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiStaff, CasePath, ItemPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ombud_service::{DeadlineChangeRequest, Proceeding, StepText};

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(take_step))
        .routes(utoipa_axum::routes!(answer_request))
        .routes(utoipa_axum::routes!(change_deadline))
        .routes(utoipa_axum::routes!(link_proceeding))
}

/// Take a workflow step with its reason and, for a step that ends or turns the case, the text for her
/// (`for_reporter`). Findings and closing take an `outcome`, the decision its `sanctions`; a step that takes
/// neither refuses them. A dismissal or referral of harassment or assault waits for an oversight sign-off; a step
/// that would close the case while one of her requests is unanswered is refused (422 naming `requests`).
#[utoipa::path(post, path = "/cases/{id}/steps", tag = "workflow", security(("staff" = [])),
    params(errors::CaseId), request_body = StepIn,
    responses((status = 200, body = Moved), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Conflict, errors::Invalid))]
async fn take_step(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ApiJson(body): ApiJson<StepIn>,
) -> ApiResult<Json<Moved>> {
    let step = body.step.parse().map_err(|_| ApiError::invalid_choice("step"))?;
    let sanctions: Vec<&str> = body.sanctions.iter().map(String::as_str).collect();
    let text = StepText {
        reason: &body.reason,
        for_reporter: &body.for_reporter,
        outcome: &body.outcome,
        sanctions: &sanctions,
    };
    let (case, deadlines) = state.ombud.staff(&s).step(id, step, &text).await?;
    Ok(Json(Moved::new(&case, &deadlines, state.ombud.clock().now())))
}

/// Answer one of her requests with a reason written for her.
#[utoipa::path(post, path = "/cases/{id}/requests/{request}/answer", tag = "workflow", security(("staff" = [])),
    params(errors::CaseId, ("request" = uuid::Uuid, Path, description = "The request's id, from the case's `requests`")),
    request_body = AnswerIn,
    responses((status = 200, body = Done), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Conflict, errors::Invalid))]
async fn answer_request(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ItemPath(request): ItemPath<uuid::Uuid>,
    ApiJson(body): ApiJson<AnswerIn>,
) -> ApiResult<Json<Done>> {
    state.ombud.staff(&s).answer_request(id, request, &body.outcome, &body.for_reporter).await?;
    Ok(Json(Done::new("answered")))
}

/// Extend a deadline, or pause it until a date, with a justification and a reason for her (each at least a
/// sentence). The acknowledgement is never paused; the feedback deadline is never paused and extended only
/// within the policy. A pause past the policy's limit (`pause_max_days`, 14 by default) is recorded and
/// waits for an oversight member's approval: 202 `{"pending_approval": true}`, nothing moves yet.
#[utoipa::path(post, path = "/cases/{id}/deadlines/{deadline}/change", tag = "workflow", security(("staff" = [])),
    params(errors::CaseId, ("deadline" = uuid::Uuid, Path, description = "The deadline's id, from the case's `deadlines`")),
    request_body = ChangeIn,
    responses((status = 200, body = Done), (status = 202, body = Done), errors::Body, errors::Unauthorized,
        errors::Forbidden, errors::NotFound, errors::Invalid))]
async fn change_deadline(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ItemPath(deadline): ItemPath<uuid::Uuid>,
    ApiJson(body): ApiJson<ChangeIn>,
) -> ApiResult<(StatusCode, Json<Done>)> {
    let request = DeadlineChangeRequest {
        kind: &body.kind,
        until: body.until,
        justification: &body.justification,
        reason_for_reporter: &body.for_reporter,
    };
    Ok(match state.ombud.staff(&s).change_deadline(id, deadline, request).await? {
        ombud_domain::ChangeState::Pending => (StatusCode::ACCEPTED, Json(Done::new("pending_approval"))),
        _ => (StatusCode::OK, Json(Done::new("changed"))),
    })
}

/// Link a police report or court case (it pauses nothing by itself).
#[utoipa::path(post, path = "/cases/{id}/proceedings", tag = "workflow", security(("staff" = [])),
    params(errors::CaseId), request_body = Proceeding,
    responses((status = 201, body = Done), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Invalid))]
async fn link_proceeding(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ApiJson(body): ApiJson<Proceeding>,
) -> ApiResult<(StatusCode, Json<Done>)> {
    state.ombud.staff(&s).link_proceeding(id, body).await?;
    Ok((StatusCode::CREATED, Json(Done::new("linked"))))
}

//! A handler's daily work over the API: who works on a case, notes among
//! its readers, and labels from the organisation's list.

use super::model::*;
use super::{ApiJson, ApiResult, errors};
use crate::AppState;
use crate::extract::{ApiStaff, CasePath, ItemPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ombud_domain::CaseLabel;
use ombud_service::{AssignmentRequest, AssignmentView};

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(assign))
        .routes(utoipa_axum::routes!(add_note))
        .routes(utoipa_axum::routes!(set_labels))
        .routes(utoipa_axum::routes!(labels))
        .routes(utoipa_axum::routes!(decide_measure))
        .routes(utoipa_axum::routes!(change_measure))
        .routes(utoipa_axum::routes!(related))
        .routes(utoipa_axum::routes!(link))
}

/// The cases related to this one that the caller may read: those naming a confirmed person this one names,
/// and those a reader linked, with why. A case she may not read is never listed.
#[utoipa::path(get, path = "/cases/{id}/related", tag = "cases", security(("staff" = [])),
    params(errors::CaseId),
    responses((status = 200, body = RelatedCases), errors::Unauthorized, errors::Forbidden, errors::NotFound))]
async fn related(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
) -> ApiResult<Json<RelatedCases>> {
    Ok(Json(RelatedCases { cases: state.ombud.staff(&s).related_cases(id).await? }))
}

/// Link this case to another the caller may read, by its whole reference, with a reason both cases' readers
/// see (on the ledger of both, never shown to her). 422 naming `reference` for a case she may not read (as
/// for one that does not exist), the same case, or a pair linked already.
#[utoipa::path(post, path = "/cases/{id}/links", tag = "cases", security(("staff" = [])),
    params(errors::CaseId), request_body = LinkIn,
    responses((status = 201, body = Created), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Invalid))]
async fn link(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ApiJson(body): ApiJson<LinkIn>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let link = state.ombud.staff(&s).link_case(id, &body.reference, &body.reason).await?;
    Ok((StatusCode::CREATED, Json(Created { id: link })))
}

/// Decide an interim measure (no contact, separate workplaces, leave or reassignment of the accused, no travel
/// together, other): for whom, from when, reviewed when, with a reason and a text for her. The first one meets
/// the interim-measures deadline.
#[utoipa::path(post, path = "/cases/{id}/interim-measures", tag = "workflow", security(("staff" = [])),
    params(errors::CaseId), request_body = MeasureIn,
    responses((status = 201, body = Created), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Invalid))]
async fn decide_measure(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ApiJson(body): ApiJson<MeasureIn>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    if !body.action.is_empty() {
        return Err(crate::error::ApiError::invalid_choice("action"));
    }
    let measure = state.ombud.staff(&s).decide_measure(id, &body.input()).await?;
    Ok((StatusCode::CREATED, Json(Created { id: measure })))
}

/// Change an interim measure (`"action": "change"`, every field as it now stands) or end it (`"end"`), each
/// with a reason and a text for her. An ended measure answers 422 naming `action`.
#[utoipa::path(post, path = "/cases/{id}/interim-measures/{measure}", tag = "workflow", security(("staff" = [])),
    params(errors::CaseId, ("measure" = uuid::Uuid, Path, description = "The measure's id, from the case's `interim_measures`")),
    request_body = MeasureIn,
    responses((status = 200, body = Done), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Invalid))]
async fn change_measure(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ItemPath(measure): ItemPath<uuid::Uuid>,
    ApiJson(body): ApiJson<MeasureIn>,
) -> ApiResult<Json<Done>> {
    state.ombud.staff(&s).change_measure(id, measure, &body.action, &body.input()).await?;
    Ok(Json(Done::new(if body.action == "end" { "ended" } else { "changed" })))
}

/// Choose who works on a case, among the staff who may read it: a lead investigator and a team. An oversight
/// member or the lead names anyone; a handler takes a case nobody leads (`"lead"` herself). `"lead": null`
/// with a `reason` hands the case back; it then waits in oversight's queue once past triage.
#[utoipa::path(post, path = "/cases/{id}/assignment", tag = "cases", security(("staff" = [])),
    params(errors::CaseId), request_body = AssignmentIn,
    responses((status = 200, body = AssignmentView), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Invalid))]
async fn assign(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ApiJson(body): ApiJson<AssignmentIn>,
) -> ApiResult<Json<AssignmentView>> {
    let request = AssignmentRequest {
        lead: body.lead.as_deref(),
        team: body.team.iter().map(String::as_str).collect(),
        reason: &body.reason,
    };
    Ok(Json(state.ombud.staff(&s).assign(id, &request).await?))
}

/// Add a note for the case's readers: sealed like every item, on the ledger, never shown to her.
#[utoipa::path(post, path = "/cases/{id}/notes", tag = "cases", security(("staff" = [])),
    params(errors::CaseId), request_body = MessageIn,
    responses((status = 201, body = Created), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Invalid))]
async fn add_note(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ApiJson(body): ApiJson<MessageIn>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let note = state.ombud.staff(&s).add_note(id, &body.body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: note })))
}

/// Put exactly these labels on a case, from the organisation's list; on the ledger.
#[utoipa::path(post, path = "/cases/{id}/labels", tag = "cases", security(("staff" = [])),
    params(errors::CaseId), request_body = LabelsIn,
    responses((status = 200, body = LabelsOut), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Invalid))]
async fn set_labels(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ApiJson(body): ApiJson<LabelsIn>,
) -> ApiResult<Json<LabelsOut>> {
    let labels: Vec<&str> = body.labels.iter().map(String::as_str).collect();
    Ok(Json(LabelsOut { labels: state.ombud.staff(&s).set_labels(id, &labels).await? }))
}

/// The labels the organisation configured, with their names in both languages.
#[utoipa::path(get, path = "/labels", tag = "cases", security(("staff" = [])),
    responses((status = 200, body = Vec<CaseLabel>), errors::Unauthorized))]
async fn labels(State(state): State<AppState>, _signed_in: ApiStaff) -> Json<Vec<CaseLabel>> {
    Json(state.ombud.config().labels.clone())
}

//! After she speaks up (issue 17): the HR system's feed of adverse actions,
//! and the reviews oversight decides. The HR system's answers have one
//! shape for every action and never say why one is held.

use super::{ApiJson, ApiResult, errors};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiOversight, ItemPath, bearer};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use ombud_service::{HrActionAnswer, HrActionInput, HrDecisionInput, HrReviewView};

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(receive))
        .routes(utoipa_axum::routes!(status))
        .routes(utoipa_axum::routes!(reviews))
        .routes(utoipa_axum::routes!(review))
        .routes(utoipa_axum::routes!(decide))
        .routes(utoipa_axum::routes!(take_up))
        .routes(utoipa_axum::routes!(counter_proceeding))
        .routes(utoipa_axum::routes!(protection, add_protection))
}

/// Protects someone on this case by hand, with a reason (oversight): the reporter once her identity is known
/// (`basis` `reporter`), or anyone else (`added`). `person` is written as people write it — a name in either
/// script and order, an employee id, a work email — and everyone it may mean in the directory is protected, never
/// the case's accused. Answers who the case protects now.
#[utoipa::path(post, path = "/cases/{id}/protection", tag = "oversight", security(("staff" = [])),
    params(errors::CaseId), request_body = ombud_service::AddProtectionInput,
    responses((status = 201, body = Vec<ombud_service::ProtectedPerson>), errors::Body, errors::Unauthorized,
        errors::Forbidden, errors::NotFound, errors::Pending))]
async fn add_protection(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    crate::extract::CasePath(id): crate::extract::CasePath,
    ApiJson(body): ApiJson<ombud_service::AddProtectionInput>,
) -> ApiResult<(StatusCode, Json<Vec<ombud_service::ProtectedPerson>>)> {
    let desk = state.ombud.oversight(&s)?;
    desk.add_protection(id, &body).await?;
    Ok((StatusCode::CREATED, Json(desk.case_protection(id).await?)))
}

/// Who this case protects from retaliation, and until when (none while it is open) (oversight).
#[utoipa::path(get, path = "/cases/{id}/protection", tag = "oversight", security(("staff" = [])),
    params(errors::CaseId),
    responses((status = 200, body = Vec<ombud_service::ProtectedPerson>), errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Pending))]
async fn protection(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    crate::extract::CasePath(id): crate::extract::CasePath,
) -> ApiResult<Json<Vec<ombud_service::ProtectedPerson>>> {
    Ok(Json(state.ombud.oversight(&s)?.case_protection(id).await?))
}

/// Records that a person named in this case brought a lawsuit or complaint against its reporter or a person it
/// names (as the manager she named sued her for defamation): it opens a retaliation review like a held action's,
/// for the members outside his chain and the accused's (oversight).
#[utoipa::path(post, path = "/cases/{id}/counter-proceedings", tag = "oversight", security(("staff" = [])),
    params(errors::CaseId), request_body = ombud_service::CounterProceedingInput,
    responses((status = 201, body = crate::api::model::Created), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Pending))]
async fn counter_proceeding(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    crate::extract::CasePath(id): crate::extract::CasePath,
    ApiJson(body): ApiJson<ombud_service::CounterProceedingInput>,
) -> ApiResult<(StatusCode, Json<crate::api::model::Created>)> {
    let review = state.ombud.oversight(&s)?.record_counter_proceeding(id, &body).await?;
    Ok((StatusCode::CREATED, Json(crate::api::model::Created { id: review })))
}

/// The HR system, signed in with a token from `ombud hr token create`.
pub struct HrClient(uuid::Uuid);

impl FromRequestParts<AppState> for HrClient {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).ok_or_else(ApiError::unauthorized)?;
        state.ombud.check_hr_token(token).await.map(HrClient).map_err(|_| ApiError::unauthorized())
    }
}

/// An adverse action, announced before it takes effect. Every action of a listed kind is `held` for the review
/// period, whoever it concerns (`cleared` only for a kind the organisation exempts); read its outcome with
/// `GET /hr/actions/{id}` when the period ends.
#[utoipa::path(post, path = "/hr/actions", tag = "hr", security(("hr" = [])),
    request_body = HrActionInput,
    responses((status = 201, body = HrActionAnswer), errors::Body, errors::Unauthorized))]
async fn receive(
    State(state): State<AppState>,
    HrClient(token): HrClient,
    ApiJson(body): ApiJson<HrActionInput>,
) -> ApiResult<(StatusCode, Json<HrActionAnswer>)> {
    Ok((StatusCode::CREATED, Json(state.ombud.receive_hr_action(token, &body).await?)))
}

/// The action a path names.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct ActionPath {
    /// The action's id, as `POST /hr/actions` gave it.
    id: uuid::Uuid,
}

/// An action's status: `held` until its period ends, then `upheld` (it may go ahead), `overturned` (it may not) or
/// `modified` (as the reviewer changed it; ask the reviewer); `cleared` for an exempt kind.
#[utoipa::path(get, path = "/hr/actions/{id}", tag = "hr", security(("hr" = [])), params(ActionPath),
    responses((status = 200, body = HrActionAnswer), errors::Unauthorized, errors::NotFound))]
async fn status(
    State(state): State<AppState>,
    HrClient(token): HrClient,
    ItemPath(id): ItemPath<uuid::Uuid>,
) -> ApiResult<Json<HrActionAnswer>> {
    Ok(Json(state.ombud.hr_action_status(token, id).await?))
}

/// The HR actions you may review, newest first, with their particulars, why the person is protected, the
/// decision-maker's justification and any decision. An action you are kept out of is not listed.
#[utoipa::path(get, path = "/oversight/hr-actions", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = Vec<HrReviewView>), errors::Unauthorized, errors::Forbidden))]
async fn reviews(State(state): State<AppState>, ApiOversight(s): ApiOversight) -> ApiResult<Json<Vec<HrReviewView>>> {
    Ok(Json(state.ombud.oversight(&s)?.hr_reviews().await?))
}

/// One HR action under review (404 when you may not review it).
#[utoipa::path(get, path = "/oversight/hr-actions/{id}", tag = "oversight", security(("staff" = [])),
    params(ActionPath),
    responses((status = 200, body = HrReviewView), errors::Unauthorized, errors::Forbidden, errors::NotFound))]
async fn review(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    ItemPath(id): ItemPath<uuid::Uuid>,
) -> ApiResult<Json<HrReviewView>> {
    Ok(Json(state.ombud.oversight(&s)?.hr_review(id).await?))
}

/// Decides an action: `upheld`, `overturned` or `modified`, with reasons (and, for the ground `disclosure`, the
/// answers to the Directive's conditions). The HR system reads it when the period ends.
#[utoipa::path(post, path = "/oversight/hr-actions/{id}/decision", tag = "oversight", security(("staff" = [])),
    params(ActionPath), request_body = HrDecisionInput,
    responses((status = 200, body = HrReviewView), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound))]
async fn decide(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    ItemPath(id): ItemPath<uuid::Uuid>,
    ApiJson(body): ApiJson<HrDecisionInput>,
) -> ApiResult<Json<HrReviewView>> {
    let desk = state.ombud.oversight(&s)?;
    desk.decide_hr_action(id, &body).await?;
    Ok(Json(desk.hr_review(id).await?))
}

/// Takes up an action nobody was required to decide: it then needs a decision before its period ends.
#[utoipa::path(post, path = "/oversight/hr-actions/{id}/take-up", tag = "oversight", security(("staff" = [])),
    params(ActionPath),
    responses((status = 200, body = HrReviewView), errors::Unauthorized, errors::Forbidden, errors::NotFound,
        errors::Invalid))]
async fn take_up(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    ItemPath(id): ItemPath<uuid::Uuid>,
) -> ApiResult<Json<HrReviewView>> {
    let desk = state.ombud.oversight(&s)?;
    desk.take_up_hr_action(id).await?;
    Ok(Json(desk.hr_review(id).await?))
}

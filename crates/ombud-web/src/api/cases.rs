//! Staff case work over the API: signing in, her cases, one case, replying,
//! acknowledging, recusing, revealing an identity, matching the people named,
//! and downloading a file.

use super::model::*;
use super::{ApiJson, ApiResult, errors};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiStaff, CasePath, ItemPath};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ombud_domain::AttachmentId;
use ombud_service::MatchInput;
use std::net::SocketAddr;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(sign_in))
        .routes(utoipa_axum::routes!(list))
        .routes(utoipa_axum::routes!(count))
        .routes(utoipa_axum::routes!(open))
        .routes(utoipa_axum::routes!(message))
        .routes(utoipa_axum::routes!(feedback))
        .routes(utoipa_axum::routes!(acknowledge))
        .routes(utoipa_axum::routes!(recuse))
        .routes(utoipa_axum::routes!(reveal_identity))
        .routes(utoipa_axum::routes!(match_person))
        .routes(utoipa_axum::routes!(download))
}

/// Staff sign-in, with `totp` once she has a second factor (401 `second_factor_required` without it, 401
/// `second_factor_wrong` for a wrong or used code; 403 `second_factor_not_set_up` when her role needs one she has
/// not set up: she does so by signing in in the browser). After repeated failures, from this client or on this account, an attempt must wait (429 with
/// `Retry-After`) and is refused unchecked; a client that signed in to the account before (its `ombud_device`
/// cookie) is not held up by failures elsewhere.
#[utoipa::path(post, path = "/staff/session", tag = "cases", request_body = StaffSignIn,
    responses((status = 200, body = Token), errors::Body, errors::Unauthorized, errors::TooMany))]
async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<StaffSignIn>,
) -> ApiResult<Response> {
    use crate::throttle::{Refused, Step};
    let client = crate::limits::client_address(&state.config, addr, &headers);
    match crate::throttle::sign_in(&state, client, &headers, &body.email, &body.password, body.totp.as_deref()).await {
        Ok(Step::Done(done)) => {
            Ok(([(header::SET_COOKIE, done.device_cookie)], Json(Token { token: done.token })).into_response())
        }
        // The API takes the code in the same request; it keeps no half sign-in.
        Ok(Step::Code(pending)) => {
            state.end_staff_session(&pending).await;
            Err(ombud_service::ServiceError::SecondFactorRequired.into())
        }
        Ok(Step::Setup(pending)) => {
            state.end_staff_session(&pending).await;
            Err(ombud_service::ServiceError::SecondFactorNotSetUp.into())
        }
        Err(Refused::Wait(wait)) => Ok(super::too_many(wait)),
        Err(Refused::Service(e)) => Err(e.into()),
    }
}

/// A page of the cases the caller may see, narrowed by the filters, newest first or next deadline first; pass
/// `next_cursor` back as `cursor` for the next page. A person is found through the identity tokens of the cases
/// naming her, never by opening them.
#[utoipa::path(get, path = "/cases", tag = "cases", security(("staff" = [])), params(CaseSearch),
    responses((status = 200, body = CaseList), errors::Unauthorized, errors::Invalid))]
async fn list(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    search: Result<Query<CaseSearch>, QueryRejection>,
) -> ApiResult<Json<CaseList>> {
    let Query(search) = search.map_err(|_| ApiError::invalid_choice("query"))?;
    let page = state.ombud.staff(&s).inbox_page(&search.request()?).await?;
    let now = state.ombud.clock().now();
    Ok(Json(CaseList {
        cases: page.rows.iter().map(|r| CaseLine::new(r, now)).collect(),
        next_cursor: page.next_cursor,
        counts: page.counts.as_ref().map(ListCounts::from),
    }))
}

/// How many cases the caller may see, by status (cases she is kept out of are not counted).
#[utoipa::path(get, path = "/cases/count", tag = "cases", security(("staff" = [])),
    responses((status = 200, body = CaseCounts), errors::Unauthorized))]
async fn count(State(state): State<AppState>, ApiStaff(s): ApiStaff) -> ApiResult<Json<CaseCounts>> {
    let counts = state.ombud.staff(&s).case_counts().await?;
    Ok(Json(CaseCounts {
        total: counts.iter().map(|(_, n)| n).sum(),
        by_status: counts.into_iter().map(|(status, n)| (status.as_str().to_owned(), n)).collect(),
    }))
}

/// Open one case (recorded in its access log).
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", security(("staff" = [])), params(errors::CaseId),
    responses((status = 200, body = CaseBody), errors::Unauthorized, errors::NotFound, errors::Pending))]
async fn open(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
) -> ApiResult<Json<CaseBody>> {
    Ok(Json(state.ombud.staff(&s).case(id).await?.into()))
}

/// Reply to the reporter.
#[utoipa::path(post, path = "/cases/{id}/messages", tag = "cases", security(("staff" = [])),
    params(errors::CaseId), request_body = MessageIn,
    responses((status = 201, body = Created), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Pending, errors::Invalid))]
async fn message(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ApiJson(body): ApiJson<MessageIn>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let message = state.ombud.staff(&s).reply(id, &body.body, Vec::new()).await?;
    Ok((StatusCode::CREATED, Json(Created { id: message.0 })))
}

/// Feedback for the reporter: what has been done and why. Shown to her as feedback; it alone meets the
/// feedback deadline (an ordinary message or a workflow step does not).
#[utoipa::path(post, path = "/cases/{id}/feedback", tag = "cases", security(("staff" = [])),
    params(errors::CaseId), request_body = MessageIn,
    responses((status = 201, body = Created), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Pending, errors::Invalid))]
async fn feedback(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ApiJson(body): ApiJson<MessageIn>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let message = state.ombud.staff(&s).send_feedback(id, &body.body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: message.0 })))
}

/// Acknowledge a received case.
#[utoipa::path(post, path = "/cases/{id}/acknowledge", tag = "cases", security(("staff" = [])),
    params(errors::CaseId),
    responses((status = 200, body = Moved), errors::Unauthorized, errors::Forbidden, errors::NotFound,
        errors::Pending))]
async fn acknowledge(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
) -> ApiResult<Json<Moved>> {
    let (case, deadlines) = state.ombud.staff(&s).acknowledge(id).await?;
    Ok(Json(Moved::new(&case, &deadlines, state.ombud.clock().now())))
}

/// Declare a conflict of interest: the caller leaves the case at once and for good.
#[utoipa::path(post, path = "/cases/{id}/recuse", tag = "cases", security(("staff" = [])), params(errors::CaseId),
    responses((status = 200, body = Done), errors::Unauthorized, errors::NotFound))]
async fn recuse(State(state): State<AppState>, ApiStaff(s): ApiStaff, CasePath(id): CasePath) -> ApiResult<Json<Done>> {
    state.ombud.staff(&s).recuse(id).await?;
    Ok(Json(Done::new("recused")))
}

/// Show the reporter's contact details (recorded in the access log).
#[utoipa::path(post, path = "/cases/{id}/reveal-identity", tag = "cases", security(("staff" = [])),
    params(errors::CaseId),
    responses((status = 200, body = Identity), errors::Unauthorized, errors::NotFound, errors::Pending))]
async fn reveal_identity(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
) -> ApiResult<Json<Identity>> {
    let view = state.ombud.staff(&s).reveal_identity(id).await?;
    Ok(Json(Identity { anonymous: view.report.anonymous, contact: view.report.contact }))
}

/// Confirm or correct who a named person is in the directory (`internal: false` for an outsider); the case is re-routed at once.
#[utoipa::path(post, path = "/cases/{id}/people/{position}/match", tag = "cases", security(("staff" = [])),
    params(errors::CaseId, ("position" = u32, Path, description = "The person's place in the report, from 0")),
    request_body = MatchInput,
    responses((status = 200, body = Done), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Pending, errors::Invalid))]
async fn match_person(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ItemPath(position): ItemPath<u32>,
    ApiJson(body): ApiJson<MatchInput>,
) -> ApiResult<Json<Done>> {
    state.ombud.staff(&s).set_party_match(id, position, &body).await?;
    Ok(Json(Done::new("matched")))
}

/// Download a file of the case (recorded in the access log).
#[utoipa::path(get, path = "/cases/{id}/attachments/{attachment}", tag = "cases", security(("staff" = [])),
    params(errors::CaseId, ("attachment" = uuid::Uuid, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), errors::Unauthorized,
        errors::NotFound, errors::Pending))]
async fn download(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    CasePath(id): CasePath,
    ItemPath(attachment): ItemPath<uuid::Uuid>,
) -> ApiResult<Response> {
    let file = state.ombud.staff(&s).attachment(id, AttachmentId(attachment)).await?;
    Ok(crate::html::page::download_response(file))
}

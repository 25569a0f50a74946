//! Administration over the API: staff accounts through their life, and
//! directory-sync (SCIM) tokens. A one-time link is mailed to its owner and
//! never answered to the administrator, who reads no case.

use super::model::*;
use super::{ApiJson, ApiResult, errors};
use crate::AppState;
use crate::extract::{ApiAdmin, ApiStaff, ItemPath};
use axum::Json;
use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ombud_domain::StaffId;
use std::net::SocketAddr;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(list_tokens, create_token))
        .routes(utoipa_axum::routes!(list_staff))
        .routes(utoipa_axum::routes!(invite))
        .routes(utoipa_axum::routes!(disable))
        .routes(utoipa_axum::routes!(enable))
        .routes(utoipa_axum::routes!(reset))
        .routes(utoipa_axum::routes!(set_role))
        .routes(utoipa_axum::routes!(link_staff))
        .routes(utoipa_axum::routes!(change_password))
        .routes(utoipa_axum::routes!(use_ticket))
        .routes(utoipa_axum::routes!(second_factor_status, second_factor_setup))
}

/// Directory-sync (SCIM) tokens, without their secrets.
#[utoipa::path(get, path = "/admin/directory-tokens", tag = "administration", security(("staff" = [])),
    responses((status = 200, body = Tokens), errors::Unauthorized, errors::Forbidden))]
async fn list_tokens(State(state): State<AppState>, ApiAdmin(s): ApiAdmin) -> ApiResult<Json<Tokens>> {
    let tokens = state.ombud.admin(&s)?.api_tokens().await?;
    let tokens = tokens
        .into_iter()
        .map(|t| TokenLine { id: t.id, label: t.label, created_at: t.created_at, revoked_at: t.revoked_at })
        .collect();
    Ok(Json(Tokens { tokens }))
}

/// Create a directory-sync (SCIM) bearer token; its secret is shown once.
#[utoipa::path(post, path = "/admin/directory-tokens", tag = "administration", security(("staff" = [])),
    request_body = TokenIn,
    responses((status = 201, body = NewToken), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::Invalid))]
async fn create_token(
    State(state): State<AppState>,
    ApiAdmin(s): ApiAdmin,
    ApiJson(body): ApiJson<TokenIn>,
) -> ApiResult<Response> {
    let token = state.ombud.admin(&s)?.create_api_token(&body.label).await?;
    let body = NewToken { id: token.id, label: token.label, token: token.token };
    Ok((StatusCode::CREATED, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response())
}

/// Every staff account: role, status, last sign-in.
#[utoipa::path(get, path = "/admin/staff", tag = "administration", security(("staff" = [])),
    responses((status = 200, body = StaffList), errors::Unauthorized, errors::Forbidden))]
async fn list_staff(State(state): State<AppState>, ApiAdmin(s): ApiAdmin) -> ApiResult<Json<StaffList>> {
    let staff = state.ombud.admin(&s)?.list_staff().await?;
    Ok(Json(StaffList { staff: staff.into_iter().map(StaffLine::from).collect() }))
}

/// Invite a person: her account waits until she chooses her password from the one-time link mailed to her.
#[utoipa::path(post, path = "/admin/staff", tag = "administration", security(("staff" = [])),
    request_body = InvitationIn,
    responses((status = 201, body = StaffLine), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::Invalid))]
async fn invite(
    State(state): State<AppState>,
    ApiAdmin(s): ApiAdmin,
    ApiJson(body): ApiJson<InvitationIn>,
) -> ApiResult<Response> {
    let lang = body.lang.as_deref().unwrap_or("en");
    let invited = state.ombud.admin(&s)?.invite(&body.email, &body.name, body.role, lang).await?;
    Ok((StatusCode::CREATED, Json(StaffLine::from(invited.staff))).into_response())
}

/// The account a path names.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct StaffPath {
    /// The staff account's id.
    staff: uuid::Uuid,
}

/// Disable an account: her sessions and API sessions end and her case keys are removed at once; what she did stays
/// on the record.
#[utoipa::path(post, path = "/admin/staff/{staff}/disable", tag = "administration", security(("staff" = [])),
    params(StaffPath),
    responses((status = 200, body = StaffLine), errors::Unauthorized, errors::Forbidden, errors::NotFound,
        errors::Invalid))]
async fn disable(
    State(state): State<AppState>,
    ApiAdmin(s): ApiAdmin,
    ItemPath(staff): ItemPath<StaffId>,
) -> ApiResult<Json<StaffLine>> {
    Ok(Json(state.ombud.admin(&s)?.disable(staff).await?.into()))
}

/// Enable a disabled account again; her access comes back as pending grants, on the cases the conflict rule lets
/// her read.
#[utoipa::path(post, path = "/admin/staff/{staff}/enable", tag = "administration", security(("staff" = [])),
    params(StaffPath),
    responses((status = 200, body = StaffLine), errors::Unauthorized, errors::Forbidden, errors::NotFound,
        errors::Invalid))]
async fn enable(
    State(state): State<AppState>,
    ApiAdmin(s): ApiAdmin,
    ItemPath(staff): ItemPath<StaffId>,
) -> ApiResult<Json<StaffLine>> {
    Ok(Json(state.ombud.admin(&s)?.enable(staff).await?.0.into()))
}

/// Reset an account whose password is lost: her sessions end, her key pair is void, and a one-time link to choose
/// a new password is mailed to her. Her cases wait as pending grants.
#[utoipa::path(post, path = "/admin/staff/{staff}/reset", tag = "administration", security(("staff" = [])),
    params(StaffPath),
    responses((status = 200, body = StaffLine), errors::Unauthorized, errors::Forbidden, errors::NotFound,
        errors::Invalid))]
async fn reset(
    State(state): State<AppState>,
    ApiAdmin(s): ApiAdmin,
    ItemPath(staff): ItemPath<StaffId>,
) -> ApiResult<Json<StaffLine>> {
    Ok(Json(state.ombud.admin(&s)?.reset(staff).await?.staff.into()))
}

/// Change an account's role; her sessions end, so her next request is made in the new one. The oversight role waits
/// for an existing member's approval (`awaiting_role`), unless there is none yet.
#[utoipa::path(post, path = "/admin/staff/{staff}/role", tag = "administration", security(("staff" = [])),
    params(StaffPath), request_body = RoleIn,
    responses((status = 200, body = StaffLine), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Invalid))]
async fn set_role(
    State(state): State<AppState>,
    ApiAdmin(s): ApiAdmin,
    ItemPath(staff): ItemPath<StaffId>,
    ApiJson(body): ApiJson<RoleIn>,
) -> ApiResult<Json<StaffLine>> {
    Ok(Json(state.ombud.admin(&s)?.set_role(staff, body.role).await?.into()))
}

/// Link an account to the directory person an identifier names, when the address she signs in with is not the
/// directory's (null: by her email alone). The conflict rule places her there at once (what it would give back waits
/// for oversight), and she leaves with that person. An identifier two people share is refused.
#[utoipa::path(put, path = "/admin/staff/{staff}/employee-id", tag = "administration", security(("staff" = [])),
    params(StaffPath), request_body = EmployeeIdIn,
    responses((status = 200, body = StaffLine), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Invalid))]
async fn link_staff(
    State(state): State<AppState>,
    ApiAdmin(s): ApiAdmin,
    ItemPath(staff): ItemPath<StaffId>,
    ApiJson(body): ApiJson<EmployeeIdIn>,
) -> ApiResult<Json<StaffLine>> {
    Ok(Json(state.ombud.admin(&s)?.link_staff(staff, body.employee_id.as_deref()).await?.into()))
}

/// Change your own password: your private key is sealed again under the new one; nothing else changes.
#[utoipa::path(post, path = "/staff/password", tag = "cases", security(("staff" = [])),
    request_body = PasswordChangeIn,
    responses((status = 200, body = Done), errors::Body, errors::Unauthorized, errors::Invalid, errors::TooMany))]
async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    ApiStaff(s): ApiStaff,
    ApiJson(body): ApiJson<PasswordChangeIn>,
) -> ApiResult<Response> {
    let client = crate::limits::client_address(&state.config, addr, &headers);
    match crate::throttle::change_password(&state, client, &s, &body.current_password, &body.new_password).await {
        Ok(()) => Ok(Json(Done::new("changed")).into_response()),
        Err(crate::throttle::Refused::Wait(wait)) => Ok(super::too_many(wait)),
        Err(crate::throttle::Refused::Service(e)) => Err(e.into()),
    }
}

/// Choose your password from your one-time link (an invitation or a reset) and sign in. The link works once.
#[utoipa::path(post, path = "/staff/welcome", tag = "cases", request_body = TicketUseIn,
    responses((status = 200, body = Token), errors::Body, errors::NotFound, errors::Invalid))]
async fn use_ticket(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<TicketUseIn>,
) -> ApiResult<Response> {
    let session = match state.ombud.use_ticket(&body.token, &body.password).await? {
        ombud_service::SignIn::Done(session) => session,
        // Her password is chosen; the second factor her role needs is set
        // up in the browser, where she signs in next.
        _ => return Err(ombud_service::ServiceError::SecondFactorNotSetUp.into()),
    };
    let cookie = crate::throttle::device_cookie(&state, &headers, &session.email).await.unwrap_or_default();
    let token = state.begin_staff_session(session).await?;
    Ok(([(header::SET_COOKIE, cookie)], Json(Token { token })).into_response())
}

/// Your second factor: whether it is set up, whether your role needs one, and how many recovery codes are left.
#[utoipa::path(get, path = "/staff/second-factor", tag = "cases", security(("staff" = [])),
    responses((status = 200, body = SecondFactorStatusOut), errors::Unauthorized))]
async fn second_factor_status(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
) -> ApiResult<Json<SecondFactorStatusOut>> {
    let status = state.ombud.second_factor_status(&s).await?;
    Ok(Json(SecondFactorStatusOut {
        set_up: status.set_up,
        required: status.required,
        recovery_codes_left: status.recovery_codes_left,
    }))
}

/// Set up (or replace) your second factor. With an empty body: a new secret for an authenticator app (201). With
/// its `enrolment` (valid 30 minutes) and a `code` from the app: it is stored and answers new recovery codes, shown
/// this once (200). Replacing one you have needs `current_code`, a code of it or one of its recovery codes.
#[utoipa::path(post, path = "/staff/second-factor", tag = "cases", security(("staff" = [])),
    request_body = SecondFactorIn,
    responses((status = 201, body = SecondFactorSetupOut), (status = 200, body = RecoveryCodesOut), errors::Body,
        errors::Unauthorized, errors::Invalid))]
async fn second_factor_setup(
    State(state): State<AppState>,
    ApiStaff(s): ApiStaff,
    ApiJson(body): ApiJson<SecondFactorIn>,
) -> ApiResult<Response> {
    match (body.enrolment, body.code) {
        (Some(enrolment), Some(code)) => {
            let current = body.current_code.unwrap_or_default();
            let recovery_codes = state.ombud.finish_second_factor(&s, &enrolment, &code, &current).await?;
            Ok(Json(RecoveryCodesOut { recovery_codes }).into_response())
        }
        (None, None) => {
            let setup = state.ombud.begin_second_factor(&s)?;
            let out = SecondFactorSetupOut {
                enrolment: setup.sealed,
                secret: setup.secret_text,
                otpauth_url: setup.otpauth_url.to_string(),
            };
            Ok((StatusCode::CREATED, Json(out)).into_response())
        }
        (None, Some(_)) => Err(ombud_service::ServiceError::invalid_field("enrolment", "required").into()),
        (Some(_), None) => Err(ombud_service::ServiceError::invalid_field("code", "required").into()),
    }
}

//! Who is calling, and which case a path names, taken from the request once.
//! A handler lists what it needs (`ApiStaff`, `StaffPage`, `CasePath`…) and
//! starts with the answer; a request without it never reaches the handler.
//!
//! API variants answer 401 (no or unknown token) or 403 (wrong role) in the
//! API's error format; page variants send her to the sign-in page, or show
//! the forbidden page.

use crate::AppState;
use crate::error::ApiError;
use crate::html::page::{error_page, see_other};
use crate::i18n::Lang;
use crate::security::read_cookie;
use axum::extract::{FromRequestParts, OriginalUri, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ombud_domain::{CaseId, Role};
use ombud_service::{ReporterSession, ServiceError, StaffSession};
use std::collections::HashMap;
use std::str::FromStr;

pub const STAFF_COOKIE: &str = "ombud_staff";
pub const REPORTER_COOKIE: &str = "ombud_reporter";
pub const SUPPORTER_COOKIE: &str = "ombud_supporter";

/// The token of an `Authorization: Bearer …` header (the scheme in any case, RFC 9110).
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let (scheme, token) = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// The signed-in staff member from her session cookie or bearer token.
pub async fn staff_session(state: &AppState, headers: &HeaderMap) -> Option<StaffSession> {
    let token = bearer(headers).map(str::to_owned).or_else(|| read_cookie(headers, STAFF_COOKIE))?;
    standing(state, &token).await
}

/// The session a token holds, if it still stands: her account was not
/// disabled, reset or given another role since she signed in, here or on
/// another instance or at the command line. When the database cannot say,
/// the session is refused (fail closed).
async fn standing(state: &AppState, token: &str) -> Option<StaffSession> {
    let session = state.staff_session(token).await?;
    complete_recoveries(state, &session).await;
    Some(session)
}

/// An oversight member's request completes the recovery operations she
/// started that have their approvals: the key is rebuilt in her request
/// only. A failure is logged and leaves the operation to her next request;
/// what she asked for goes on.
async fn complete_recoveries(state: &AppState, session: &StaffSession) {
    if session.role != Role::Oversight {
        return;
    }
    if let Err(e) = state.ombud.staff(session).complete_recoveries().await {
        tracing::error!(error = %e, "a recovery operation could not be completed; her next request tries again");
    }
}

/// The signed-in reporter from her session cookie.
pub async fn reporter_session(state: &AppState, headers: &HeaderMap) -> Option<ReporterSession> {
    state.reporter_session(&read_cookie(headers, REPORTER_COOKIE)?).await
}

/// A staff member signed in with a bearer token.
pub struct ApiStaff(pub StaffSession);

/// A reporter signed in with a bearer token from her receipt.
pub struct ApiReporter(pub ReporterSession);

/// A staff member on the oversight committee (403 for anyone else).
pub struct ApiOversight(pub StaffSession);

/// An administrator (403 for anyone else).
pub struct ApiAdmin(pub StaffSession);

impl FromRequestParts<AppState> for ApiStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).ok_or_else(ApiError::unauthorized)?;
        standing(state, token).await.map(ApiStaff).ok_or_else(ApiError::unauthorized)
    }
}

impl FromRequestParts<AppState> for ApiReporter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // Opened already by the layer that renews her token.
        if let Some(opened) = parts.extensions.get::<crate::sessions::OpenedReporter>() {
            return Ok(ApiReporter(opened.0.clone()));
        }
        let token = bearer(&parts.headers).ok_or_else(ApiError::unauthorized)?;
        state.reporter_session(token).await.map(ApiReporter).ok_or_else(ApiError::unauthorized)
    }
}

/// The signed-in staff member, if her role is `role`: 401 without a session,
/// 403 with another role.
async fn api_staff_in(parts: &mut Parts, state: &AppState, role: Role) -> Result<StaffSession, ApiError> {
    let ApiStaff(session) = ApiStaff::from_request_parts(parts, state).await?;
    if session.role == role { Ok(session) } else { Err(ServiceError::Forbidden.into()) }
}

impl FromRequestParts<AppState> for ApiOversight {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        api_staff_in(parts, state, Role::Oversight).await.map(ApiOversight)
    }
}

impl FromRequestParts<AppState> for ApiAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        api_staff_in(parts, state, Role::Admin).await.map(ApiAdmin)
    }
}

/// A staff member signed in with her cookie; otherwise the sign-in page.
pub struct StaffPage(pub StaffSession);

/// An oversight member signed in with her cookie; the forbidden page for
/// other staff, the sign-in page for nobody.
pub struct OversightPage(pub StaffSession);

/// An administrator signed in with her cookie; the forbidden page for other
/// staff, the sign-in page for nobody.
pub struct AdminPage(pub StaffSession);

/// A reporter signed in with her receipt; otherwise the follow-up entry page.
pub struct ReporterPage(pub ReporterSession);

impl FromRequestParts<AppState> for StaffPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        staff_session(state, &parts.headers).await.map(StaffPage).ok_or_else(|| see_other("/staff/sign-in"))
    }
}

impl FromRequestParts<AppState> for OversightPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let StaffPage(session) = StaffPage::from_request_parts(parts, state).await?;
        if session.role == Role::Oversight {
            Ok(OversightPage(session))
        } else {
            Err(error_page(Lang::current(), ServiceError::Forbidden))
        }
    }
}

impl FromRequestParts<AppState> for AdminPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let StaffPage(session) = StaffPage::from_request_parts(parts, state).await?;
        if session.role == Role::Admin {
            Ok(AdminPage(session))
        } else {
            Err(error_page(Lang::current(), ServiceError::Forbidden))
        }
    }
}

impl FromRequestParts<AppState> for ReporterPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        reporter_session(state, &parts.headers).await.map(ReporterPage).ok_or_else(|| see_other("/follow-up"))
    }
}

/// The case a path's `{id}` names. A malformed id answers exactly like a case
/// that does not exist.
pub struct CasePath(pub CaseId);

/// The item a path names within its case — `{request}`, `{deadline}`,
/// `{position}`, `{attachment}` — or, on a path with no case (her own
/// attachment at `/follow-up/attachments/{id}`), its only parameter; parsed,
/// and malformed answers like a missing one.
pub struct ItemPath<T>(pub T);

/// 404 in the API's format or as a page, whichever the request was for.
pub struct NotFound {
    api: bool,
}

impl IntoResponse for NotFound {
    fn into_response(self) -> Response {
        if self.api {
            ApiError::new(StatusCode::NOT_FOUND, "not_found").into_response()
        } else {
            error_page(Lang::current(), ServiceError::NotFound)
        }
    }
}

async fn path_params<S: Send + Sync>(parts: &mut Parts, state: &S) -> (HashMap<String, String>, NotFound) {
    let uri = parts.extensions.get::<OriginalUri>().map_or_else(|| parts.uri.clone(), |u| u.0.clone());
    let not_found = NotFound { api: uri.path().starts_with("/api/") };
    let params = Path::<HashMap<String, String>>::from_request_parts(parts, state)
        .await
        .map_or_else(|_| HashMap::new(), |p| p.0);
    (params, not_found)
}

impl<S: Send + Sync> FromRequestParts<S> for CasePath {
    type Rejection = NotFound;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, NotFound> {
        let (params, not_found) = path_params(parts, state).await;
        params.get("id").and_then(|id| id.parse().ok()).map(CasePath).ok_or(not_found)
    }
}

impl<S: Send + Sync, T: FromStr> FromRequestParts<S> for ItemPath<T> {
    type Rejection = NotFound;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, NotFound> {
        let (params, not_found) = path_params(parts, state).await;
        let item = match params.len() {
            1 => params.values().next(),
            _ => params.iter().find(|(name, _)| *name != "id").map(|(_, v)| v),
        };
        item.and_then(|v| v.parse().ok()).map(ItemPath).ok_or(not_found)
    }
}

//! Administration over the API: directory-sync (SCIM) tokens.

use super::model::*;
use super::{ApiJson, ApiResult, errors};
use crate::AppState;
use crate::extract::ApiAdmin;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(list_tokens, create_token))
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

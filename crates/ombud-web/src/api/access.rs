//! API routes of conflict-of-interest routing and the access log: counts,
//! recusal, matching the people named, revealing an identity, downloads,
//! the access log and exclusions for oversight, and directory-sync tokens
//! for administrators.

use super::{ApiJson, case_id, service, staff_auth};
use crate::AppState;
use crate::error::ApiError;
use crate::i18n::Lang;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ombud_service::MatchInput;
use serde::Deserialize;
use serde_json::{Value, json};

pub(super) async fn count_cases(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let counts = state.ombud.staff_case_counts(&session).await.map_err(service(lang))?;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let by_status: serde_json::Map<String, Value> =
        counts.into_iter().map(|(status, n)| (status.as_str().to_owned(), json!(n))).collect();
    Ok(Json(json!({"total": total, "by_status": by_status})))
}

pub(super) async fn recuse(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    state.ombud.recuse(&session, case_id(&id, lang)?).await.map_err(service(lang))?;
    Ok(Json(json!({"recused": true})))
}

pub(super) async fn reveal_identity(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let view = state.ombud.reveal_identity(&session, case_id(&id, lang)?).await.map_err(service(lang))?;
    Ok(Json(json!({"anonymous": view.report.anonymous, "contact": view.report.contact})))
}

pub(super) async fn match_person(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path((id, position)): Path<(String, String)>,
    ApiJson(body): ApiJson<MatchInput>,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let case = case_id(&id, lang)?;
    let position: u32 = position.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", lang.tr()))?;
    state.ombud.set_party_match(&session, case, position, &body).await.map_err(service(lang))?;
    Ok(Json(json!({"matched": true})))
}

pub(super) async fn download(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let case = case_id(&id, lang)?;
    let attachment = attachment.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", lang.tr()))?;
    let file = state.ombud.staff_attachment(&session, case, attachment).await.map_err(service(lang))?;
    Ok(crate::html::download_response(file))
}

pub(super) async fn access_log(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let case = case_id(&id, lang)?;
    let entries = state.ombud.access_log(&session, case).await.map_err(service(lang))?;
    Ok(Json(json!({"case_id": case, "entries": entries})))
}

pub(super) async fn exclusions(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let rows = state.ombud.oversight_exclusions(&session, 500).await.map_err(service(lang))?;
    Ok(Json(json!({"exclusions": rows})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TokenBody {
    label: String,
}

pub(super) async fn create_token(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<Response, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let token = state.ombud.create_api_token(&body.label, Some(&session)).await.map_err(service(lang))?;
    let body = json!({"id": token.id, "label": token.label, "token": token.token});
    Ok((StatusCode::CREATED, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response())
}

pub(super) async fn list_tokens(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let tokens = state.ombud.api_tokens(Some(&session)).await.map_err(service(lang))?;
    let tokens: Vec<Value> = tokens
        .iter()
        .map(|t| json!({"id": t.id, "label": t.label, "created_at": t.created_at, "revoked_at": t.revoked_at}))
        .collect();
    Ok(Json(json!({"tokens": tokens})))
}

//! The public ledger API: the verifier key, the latest checkpoint, proofs.

use super::model::*;
use super::{ApiResult, errors};
use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(key))
        .routes(utoipa_axum::routes!(checkpoint))
        .routes(utoipa_axum::routes!(inclusion))
        .routes(utoipa_axum::routes!(consistency))
}

/// The instance's checkpoint verifier key.
#[utoipa::path(get, path = "/ledger/key", tag = "ledger", responses((status = 200, body = VerifierKeyBody)))]
async fn key(State(state): State<AppState>) -> Json<VerifierKeyBody> {
    let key = state.ombud.verifier_key();
    Json(VerifierKeyBody { verifier_key: key.encode(), origin: key.name })
}

/// The latest signed checkpoint (C2SP tlog-checkpoint note).
#[utoipa::path(get, path = "/ledger/checkpoint", tag = "ledger",
    responses((status = 200, content_type = "text/plain", body = String)))]
async fn checkpoint(State(state): State<AppState>) -> ApiResult<Response> {
    let checkpoint = state.ombud.checkpoint().await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], checkpoint.note).into_response())
}

/// Reads unsigned integers from the query string; anything else is a 400.
pub(super) fn query_numbers<const N: usize>(query: Option<&str>, names: [&str; N]) -> ApiResult<[u64; N]> {
    let pairs: Vec<(&str, &str)> = query.unwrap_or("").split('&').filter_map(|p| p.split_once('=')).collect();
    let mut out = [0u64; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = pairs
            .iter()
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v.parse().ok())
            .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query"))?;
    }
    Ok(out)
}

fn base64(proof: &[[u8; 32]]) -> Vec<String> {
    proof.iter().map(|h| ombud_service::b64(h)).collect()
}

/// Inclusion proof of leaf `index` in the tree of size `size`.
#[utoipa::path(get, path = "/ledger/proof/inclusion", tag = "ledger",
    params(("index" = u64, Query), ("size" = u64, Query)),
    responses((status = 200, body = InclusionProof), errors::BadQuery, errors::Invalid))]
async fn inclusion(State(state): State<AppState>, uri: Uri) -> ApiResult<Json<InclusionProof>> {
    let [index, size] = query_numbers(uri.query(), ["index", "size"])?;
    let proof = state.ombud.inclusion_proof(index, size).await?;
    Ok(Json(InclusionProof { index, size, proof: base64(&proof) }))
}

/// Consistency proof between tree sizes `from` and `to`.
#[utoipa::path(get, path = "/ledger/proof/consistency", tag = "ledger",
    params(("from" = u64, Query), ("to" = u64, Query)),
    responses((status = 200, body = ConsistencyProof), errors::BadQuery, errors::Invalid))]
async fn consistency(State(state): State<AppState>, uri: Uri) -> ApiResult<Json<ConsistencyProof>> {
    let [from, to] = query_numbers(uri.query(), ["from", "to"])?;
    let proof = state.ombud.consistency_proof(from, to).await?;
    Ok(Json(ConsistencyProof { from, to, proof: base64(&proof) }))
}

//! JSON API v1. Errors are `{"error":{"code","message"}}` with the right
//! status; a case the caller may not see answers exactly like a missing one.
//!
//! The OpenAPI document is written out here rather than derived: it stays
//! small, costs no proc-macro build time, and a test keeps it in step with
//! the router (every route documented, every documented path routed).

mod access;

use crate::AppState;
use crate::error::{ApiError, ApiOrPage};
use crate::html::reporter;
use crate::i18n::Lang;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use ombud_domain::{CaseId, Deadline, ReportDraft};
use ombud_service::{CaseView, ReporterSession, StaffSession};
use serde::Deserialize;
use serde_json::{Value, json};
use std::net::SocketAddr;

pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// Every API route, as (method, path) — the router and the document are both
/// checked against this list.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/openapi.json"),
    ("post", "/reports"),
    ("post", "/reporter/session"),
    ("get", "/reporter/case"),
    ("get", "/reporter/status"),
    ("post", "/reporter/messages"),
    ("post", "/staff/session"),
    ("get", "/cases"),
    ("get", "/cases/{id}"),
    ("post", "/cases/{id}/messages"),
    ("post", "/cases/{id}/acknowledge"),
    ("get", "/reporter/record"),
    ("post", "/reporter/escalate"),
    ("post", "/cases/{id}/steps"),
    ("post", "/cases/{id}/requests/{request}/answer"),
    ("post", "/cases/{id}/deadlines/{deadline}/change"),
    ("post", "/cases/{id}/proceedings"),
    ("get", "/oversight/dismissals"),
    ("get", "/oversight/overdue"),
    ("get", "/oversight/deadline-changes"),
    ("get", "/oversight/escalations"),
    ("get", "/ledger/key"),
    ("get", "/ledger/checkpoint"),
    ("get", "/ledger/proof/inclusion"),
    ("get", "/ledger/proof/consistency"),
    ("get", "/cases/count"),
    ("post", "/cases/{id}/recuse"),
    ("post", "/cases/{id}/reveal-identity"),
    ("post", "/cases/{id}/people/{position}/match"),
    ("get", "/cases/{id}/attachments/{attachment}"),
    ("get", "/cases/{id}/access-log"),
    ("get", "/oversight/exclusions"),
    ("get", "/admin/directory-tokens"),
    ("post", "/admin/directory-tokens"),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(|| async { Json(openapi_document()) }))
        .route("/reports", post(submit_report))
        .route("/reporter/session", post(reporter_session))
        .route("/reporter/case", get(reporter_case))
        .route("/reporter/status", get(reporter_status))
        .route("/reporter/messages", post(reporter_message))
        .route("/staff/session", post(staff_session))
        .route("/cases", get(list_cases))
        .route("/cases/{id}", get(get_case))
        .route("/cases/{id}/messages", post(case_message))
        .route("/cases/{id}/acknowledge", post(acknowledge))
        .route("/reporter/record", get(reporter_record))
        .route("/reporter/escalate", post(reporter_escalate))
        .route("/cases/{id}/steps", post(take_step))
        .route("/cases/{id}/requests/{request}/answer", post(answer_request))
        .route("/cases/{id}/deadlines/{deadline}/change", post(change_deadline))
        .route("/cases/{id}/proceedings", post(link_proceeding))
        .route("/oversight/dismissals", get(pending_dismissals))
        .route("/oversight/overdue", get(overdue))
        .route("/oversight/deadline-changes", get(deadline_changes))
        .route("/oversight/escalations", get(oversight_escalations))
        .route("/ledger/key", get(ledger_key))
        .route("/ledger/checkpoint", get(ledger_checkpoint))
        .route("/ledger/proof/inclusion", get(inclusion_proof))
        .route("/ledger/proof/consistency", get(consistency_proof))
        .route("/cases/count", get(access::count_cases))
        .route("/cases/{id}/recuse", post(access::recuse))
        .route("/cases/{id}/reveal-identity", post(access::reveal_identity))
        .route("/cases/{id}/people/{position}/match", post(access::match_person))
        .route("/cases/{id}/attachments/{attachment}", get(access::download))
        .route("/cases/{id}/access-log", get(access::access_log))
        .route("/oversight/exclusions", get(access::exclusions))
        .route("/admin/directory-tokens", get(access::list_tokens).post(access::create_token))
        .fallback(|Extension(lang): Extension<Lang>| async move {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", lang.tr())
        })
        .method_not_allowed_fallback(|Extension(lang): Extension<Lang>| async move {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", lang.tr())
        })
}

/// `Json<T>` whose rejections (syntax, missing or unknown fields, wrong
/// content type, oversize body) answer in the API's error format.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => {
                let (status, code) = match &rejection {
                    JsonRejection::JsonDataError(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
                    JsonRejection::JsonSyntaxError(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
                    JsonRejection::MissingJsonContentType(_) => {
                        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
                    }
                    _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
                    }
                    _ => (StatusCode::BAD_REQUEST, "malformed_json"),
                };
                let mut error = ApiError::new(status, code, lang.tr());
                if code == "invalid_body" {
                    // serde's own words name the field ("unknown field `x`", "missing field `y`").
                    error.message = format!("{} ({})", error.message, rejection.body_text());
                }
                Err(error)
            }
        }
    }
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

fn reporter_auth(state: &AppState, headers: &HeaderMap, lang: Lang) -> Result<ReporterSession, ApiError> {
    bearer(headers).and_then(|t| state.reporter_sessions.get(t)).ok_or_else(|| ApiError::unauthorized(lang.tr()))
}

fn staff_auth(state: &AppState, headers: &HeaderMap, lang: Lang) -> Result<StaffSession, ApiError> {
    bearer(headers).and_then(|t| state.staff_sessions.get(t)).ok_or_else(|| ApiError::unauthorized(lang.tr()))
}

fn service(lang: Lang) -> impl FnOnce(ombud_service::ServiceError) -> ApiError {
    move |e| ApiError::from_service(e, lang.tr())
}

fn deadline_json(d: &Deadline) -> Value {
    json!({"kind": d.kind.as_str(), "due": d.due, "met_at": d.met_at})
}

fn escalation_json(e: &ombud_service::EscalationRow) -> Value {
    json!({
        "case_id": e.case_id,
        "case_ref": e.case_ref,
        "cause": e.cause.as_str(),
        "missed_deadline": e.deadline.map(|(kind, due)| json!({"kind": kind.as_str(), "due": due})),
        "escalated_at": e.created_at,
    })
}

fn case_json(view: &CaseView) -> Value {
    let c = &view.case;
    json!({
        "id": c.id,
        "case_ref": c.reference,
        "category": c.category,
        "status": c.status,
        "received_at": c.received_at,
        "acknowledged_at": c.acknowledged_at,
        "deadlines": view.deadline_rows.iter().map(|d| json!({
            "id": d.id, "kind": d.kind.as_str(), "due": d.due_at, "met_at": d.met_at, "request_id": d.subject,
        })).collect::<Vec<_>>(),
        "requests": view.requests,
        "steps": view.steps,
        "deadline_changes": view.changes,
        "proceedings": view.proceedings,
        "escalated_at": c.escalated_at,
        "escalations": view.escalations.iter().map(escalation_json).collect::<Vec<_>>(),
        "report": view.report,
        "attachments": view.attachments,
        "messages": view.messages,
        "people": view.parties,
        "contact_hidden": view.contact_hidden,
        // What happened and when, never by whom: for her, when the handling team opened her case.
        "events": view.events.iter().map(|(kind, at)| json!({"kind": kind.as_str(), "at": at})).collect::<Vec<_>>(),
    })
}

async fn submit_report(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiJson(mut draft): ApiJson<ReportDraft>,
) -> Result<Response, ApiError> {
    if draft.language.is_none() {
        draft.language = Some(lang.code().to_owned());
    }
    let done = state.ombud.submit_report(&draft, Vec::new()).await.map_err(service(lang))?;
    Ok((StatusCode::CREATED, Json(json!({"case_ref": done.reference, "receipt": done.receipt.grouped()})))
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptBody {
    receipt: String,
}

async fn reporter_session(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<ReceiptBody>,
) -> Result<Json<Value>, ApiError> {
    let session = reporter::open_with_receipt(&state, Some(addr.ip()), &body.receipt).await.map_err(|e| match e {
        ApiOrPage::RateLimited => ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", lang.tr()),
        ApiOrPage::Service(e) => ApiError::from_service(e, lang.tr()),
    })?;
    let token = state.reporter_sessions.insert(session).map_err(service(lang))?;
    Ok(Json(json!({ "token": token })))
}

async fn reporter_case(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = reporter_auth(&state, &headers, lang)?;
    let view = state.ombud.reporter_case(&session).await.map_err(service(lang))?;
    Ok(Json(case_json(&view)))
}

async fn reporter_status(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = reporter_auth(&state, &headers, lang)?;
    let (case, deadlines) = state.ombud.reporter_status(&session).await.map_err(service(lang))?;
    Ok(Json(json!({
        "case_ref": case.reference,
        "status": case.status,
        "deadlines": deadlines.iter().map(deadline_json).collect::<Vec<_>>(),
        "escalated_at": case.escalated_at,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MessageBody {
    body: String,
}

async fn reporter_message(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MessageBody>,
) -> Result<Response, ApiError> {
    let session = reporter_auth(&state, &headers, lang)?;
    let id = state.ombud.reporter_reply(&session, &body.body, Vec::new()).await.map_err(service(lang))?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffSignIn {
    email: String,
    password: String,
}

async fn staff_session(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiJson(body): ApiJson<StaffSignIn>,
) -> Result<Json<Value>, ApiError> {
    let session = state.ombud.staff_sign_in(&body.email, &body.password).await.map_err(service(lang))?;
    let token = state.staff_sessions.insert(session).map_err(service(lang))?;
    Ok(Json(json!({ "token": token })))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct CaseSearch {
    /// A reference or its beginning ("OMB-7K3Q", "7k3q").
    q: Option<String>,
    status: Option<String>,
}

async fn list_cases(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    search: Result<axum::extract::Query<CaseSearch>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let invalid = |field: &str| {
        let e = ombud_service::ServiceError::Invalid(vec![ombud_domain::FieldError {
            field: field.into(),
            code: "invalid-choice",
        }]);
        ApiError::from_service(e, lang.tr())
    };
    let axum::extract::Query(search) = search.map_err(|_| invalid("query"))?;
    let status = match search.status.as_deref() {
        Some(s) => Some(s.parse::<ombud_domain::CaseStatus>().map_err(|_| invalid("status"))?),
        None => None,
    };
    let rows = state
        .ombud
        .staff_search(&session, search.q.as_deref().unwrap_or_default(), status, 500)
        .await
        .map_err(service(lang))?;
    let cases: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.case.id,
                "case_ref": r.case.reference,
                "category": r.case.category,
                "status": r.case.status,
                "received_at": r.case.received_at,
                "next_deadline": r.next_deadline.as_ref().map(deadline_json),
                "access_pending": r.access_pending,
            })
        })
        .collect();
    Ok(Json(json!({ "cases": cases })))
}

fn case_id(id: &str, lang: Lang) -> Result<CaseId, ApiError> {
    id.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", lang.tr()))
}

async fn get_case(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let view = state.ombud.staff_case(&session, case_id(&id, lang)?).await.map_err(service(lang))?;
    Ok(Json(case_json(&view)))
}

async fn case_message(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MessageBody>,
) -> Result<Response, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let id =
        state.ombud.staff_reply(&session, case_id(&id, lang)?, &body.body, Vec::new()).await.map_err(service(lang))?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn acknowledge(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let (case, deadlines) =
        state.ombud.staff_acknowledge(&session, case_id(&id, lang)?).await.map_err(service(lang))?;
    Ok(Json(json!({
        "id": case.id,
        "case_ref": case.reference,
        "status": case.status,
        "acknowledged_at": case.acknowledged_at,
        "deadlines": deadlines.iter().map(deadline_json).collect::<Vec<_>>(),
    })))
}

async fn reporter_record(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Json<ombud_service::Record>, ApiError> {
    let session = reporter_auth(&state, &headers, lang)?;
    Ok(Json(state.ombud.reporter_record(&session).await.map_err(service(lang))?))
}

async fn reporter_escalate(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = reporter_auth(&state, &headers, lang)?;
    let at = state.ombud.reporter_escalate(&session).await.map_err(service(lang))?;
    Ok(Json(json!({ "escalated_at": at })))
}

async fn oversight_escalations(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let rows = state.ombud.oversight_escalations(&session, 500).await.map_err(service(lang))?;
    Ok(Json(json!({ "escalations": rows.iter().map(escalation_json).collect::<Vec<_>>() })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepBody {
    step: String,
    #[serde(default)]
    reason: String,
}

fn uuid_param(id: &str, lang: Lang) -> Result<uuid::Uuid, ApiError> {
    id.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", lang.tr()))
}

async fn take_step(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StepBody>,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let step: ombud_domain::Step = body.step.parse().map_err(|_| {
        ApiError::from_service(
            ombud_service::ServiceError::Invalid(vec![ombud_domain::FieldError {
                field: "step".into(),
                code: "invalid-choice",
            }]),
            lang.tr(),
        )
    })?;
    let (case, deadlines) =
        state.ombud.staff_step(&session, case_id(&id, lang)?, step, &body.reason).await.map_err(service(lang))?;
    Ok(Json(
        json!({"id": case.id, "status": case.status, "deadlines": deadlines.iter().map(deadline_json).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    outcome: String,
    reason: String,
}

async fn answer_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path((id, request)): Path<(String, String)>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let (case, request) = (case_id(&id, lang)?, uuid_param(&request, lang)?);
    state.ombud.answer_request(&session, case, request, &body.outcome, &body.reason).await.map_err(service(lang))?;
    Ok(Json(json!({"answered": true})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeBody {
    kind: String,
    until: jiff::Timestamp,
    justification: String,
    reason_for_reporter: String,
}

async fn change_deadline(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path((id, deadline)): Path<(String, String)>,
    ApiJson(body): ApiJson<ChangeBody>,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let request = ombud_service::DeadlineChangeRequest {
        kind: &body.kind,
        until: body.until,
        justification: &body.justification,
        reason_for_reporter: &body.reason_for_reporter,
    };
    state
        .ombud
        .change_deadline(&session, case_id(&id, lang)?, uuid_param(&deadline, lang)?, request)
        .await
        .map_err(service(lang))?;
    Ok(Json(json!({"changed": true})))
}

async fn link_proceeding(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ombud_service::Proceeding>,
) -> Result<Response, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    state.ombud.link_proceeding(&session, case_id(&id, lang)?, body).await.map_err(service(lang))?;
    Ok((StatusCode::CREATED, Json(json!({"linked": true}))).into_response())
}

async fn pending_dismissals(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let cases = state.ombud.pending_dismissals(&session).await.map_err(service(lang))?;
    let list: Vec<Value> = cases
        .iter()
        .map(|c| json!({"id": c.id, "case_ref": c.reference, "category": c.category, "since": c.updated_at}))
        .collect();
    Ok(Json(json!({ "dismissals": list })))
}

async fn overdue(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let rows = state.ombud.overdue(&session).await.map_err(service(lang))?;
    let list: Vec<Value> = rows
        .iter()
        .map(|d| json!({"case_id": d.deadline.case_id, "case_ref": d.case_ref, "kind": d.deadline.kind.as_str(), "due": d.deadline.due_at, "escalated_at": d.deadline.escalated_at}))
        .collect();
    Ok(Json(json!({ "overdue": list })))
}

async fn deadline_changes(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = staff_auth(&state, &headers, lang)?;
    let rows = state.ombud.deadline_changes_for_oversight(&session).await.map_err(service(lang))?;
    Ok(Json(json!({ "deadline_changes": rows })))
}

async fn ledger_key(State(state): State<AppState>) -> Json<Value> {
    let key = state.ombud.verifier_key();
    Json(json!({"verifier_key": key.encode(), "origin": key.name}))
}

/// The latest signed checkpoint, as a C2SP note (text/plain).
async fn ledger_checkpoint(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
) -> Result<Response, ApiError> {
    let checkpoint = state.ombud.checkpoint().await.map_err(service(lang))?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], checkpoint.note).into_response())
}

/// Reads unsigned integers from the query string; anything else is a 400.
fn query_numbers<const N: usize>(query: Option<&str>, names: [&str; N], lang: Lang) -> Result<[u64; N], ApiError> {
    let pairs: Vec<(&str, &str)> = query.unwrap_or("").split('&').filter_map(|p| p.split_once('=')).collect();
    let mut out = [0u64; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = pairs
            .iter()
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v.parse().ok())
            .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", lang.tr()))?;
    }
    Ok(out)
}

fn proof_json(proof: &[[u8; 32]]) -> Vec<String> {
    proof.iter().map(|h| ombud_service::b64(h)).collect()
}

async fn inclusion_proof(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    uri: axum::http::Uri,
) -> Result<Json<Value>, ApiError> {
    let [index, size] = query_numbers(uri.query(), ["index", "size"], lang)?;
    let proof = state.ombud.inclusion_proof(index, size).await.map_err(service(lang))?;
    Ok(Json(json!({"index": index, "size": size, "proof": proof_json(&proof)})))
}

async fn consistency_proof(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    uri: axum::http::Uri,
) -> Result<Json<Value>, ApiError> {
    let [from, to] = query_numbers(uri.query(), ["from", "to"], lang)?;
    let proof = state.ombud.consistency_proof(from, to).await.map_err(service(lang))?;
    Ok(Json(json!({"from": from, "to": to, "proof": proof_json(&proof)})))
}

fn error_responses() -> Value {
    json!({
        "400": {"$ref": "#/components/responses/Error"},
        "401": {"$ref": "#/components/responses/Error"},
        "404": {"$ref": "#/components/responses/Error"},
        "413": {"$ref": "#/components/responses/Error"},
        "415": {"$ref": "#/components/responses/Error"},
        "422": {"$ref": "#/components/responses/Error"},
        "429": {"$ref": "#/components/responses/Error"}
    })
}

fn op(summary: &str, auth: Option<&str>, body: Option<&str>, ok: (&str, &str)) -> Value {
    let mut responses = error_responses();
    responses[ok.0] = json!({"description": "success", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{}", ok.1)}}}});
    let mut op = json!({"summary": summary, "responses": responses});
    if let Some(scheme) = auth {
        op["security"] = json!([{ scheme: [] }]);
    }
    if let Some(schema) = body {
        op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    }
    op
}

/// Adds the path parameters an operation's path names.
fn with_id(mut op: Value) -> Value {
    op["parameters"] = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]);
    op
}

fn with_query(mut op: Value, names: &[&str]) -> Value {
    op["parameters"] = names
        .iter()
        .map(|n| json!({"name": n, "in": "query", "required": true, "schema": {"type": "integer", "minimum": 0}}))
        .collect();
    op
}

fn push_param(op: &mut Value, param: Value) {
    if let Some(params) = op["parameters"].as_array_mut() {
        params.push(param);
    }
}

fn id_param() -> Value {
    json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}])
}

/// The OpenAPI 3.1 description of this API.
pub fn openapi_document() -> Value {
    let mut case_item = op("Open one case (recorded in its access log)", Some("staff"), None, ("200", "Case"));
    case_item["parameters"] = id_param();
    let mut case_msg = op("Reply to the reporter", Some("staff"), Some("Message"), ("201", "Created"));
    case_msg["parameters"] = id_param();
    let mut ack = op("Acknowledge a received case", Some("staff"), None, ("200", "Acknowledged"));
    ack["parameters"] = id_param();
    let mut case_list = op(
        "Cases the caller may see, newest first; `q` finds a reference by its beginning, `status` narrows to one status",
        Some("staff"),
        None,
        ("200", "CaseList"),
    );
    case_list["parameters"] = json!([
        {"name": "q", "in": "query", "required": false, "schema": {"type": "string"}},
        {"name": "status", "in": "query", "required": false, "schema": {"type": "string"}}
    ]);
    let mut match_op = with_id(op(
        "Confirm or correct who a named person is in the directory (`internal: false` for an outsider); the case is re-routed at once",
        Some("staff"),
        Some("Match"),
        ("200", "Object"),
    ));
    push_param(
        &mut match_op,
        json!({"name": "position", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 0}}),
    );
    let mut download_op =
        with_id(op("Download a file of the case (recorded in the access log)", Some("staff"), None, ("200", "Object")));
    push_param(
        &mut download_op,
        json!({"name": "attachment", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}),
    );
    let text = json!({"type": "string"});
    let opt_text = json!({"type": ["string", "null"]});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Ombud API", "version": "1", "description": "Speak-up reports, receipts and case handling. Content is sealed at rest; a case the caller may not see answers 404, like a missing one."},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI document"}}}},
            "/reports": {"post": op("File a report (anonymous unless `anonymous` is false)", None, Some("Report"), ("201", "Submitted"))},
            "/reporter/session": {"post": op("Sign in with a receipt", None, Some("ReceiptSignIn"), ("200", "Token"))},
            "/reporter/status": {"get": op("Where her case stands: status, deadlines, escalation (no content)", Some("reporter"), None, ("200", "Object"))},
            "/reporter/case": {"get": op("The reporter's case: status, deadlines, report, messages", Some("reporter"), None, ("200", "Case"))},
            "/reporter/messages": {"post": op("Send a message to the handling team", Some("reporter"), Some("Message"), ("201", "Created"))},
            "/staff/session": {"post": op("Staff sign-in", None, Some("StaffSignIn"), ("200", "Token"))},
            "/cases": {"get": case_list},
            "/cases/{id}": {"get": case_item},
            "/cases/{id}/messages": {"post": case_msg},
            "/cases/{id}/acknowledge": {"post": ack},
            "/cases/{id}/steps": {"post": with_id(op("Take a workflow step with its reason (a dismissal of harassment or assault waits for an oversight sign-off)", Some("staff"), Some("Step"), ("200", "Object")))},
            "/cases/{id}/requests/{request}/answer": {"post": with_id(op("Answer one of her requests: granted, partly_granted or declined, with a reason written for her", Some("staff"), Some("Answer"), ("200", "Object")))},
            "/cases/{id}/deadlines/{deadline}/change": {"post": with_id(op("Extend a deadline, or pause it until a date, with a justification and a reason for her", Some("staff"), Some("DeadlineChange"), ("200", "Object")))},
            "/cases/{id}/proceedings": {"post": with_id(op("Link a police report or court case (it pauses nothing by itself)", Some("staff"), Some("Proceeding"), ("201", "Object")))},
            "/oversight/dismissals": {"get": op("Dismissals waiting for a sign-off", Some("staff"), None, ("200", "Object"))},
            "/oversight/overdue": {"get": op("Open deadlines past due", Some("staff"), None, ("200", "Object"))},
            "/oversight/deadline-changes": {"get": op("Every moved deadline with its justification", Some("staff"), None, ("200", "Object"))},
            "/reporter/escalate": {"post": op("Raise her case to the oversight committee (allowed once a deadline was missed)", Some("reporter"), None, ("200", "Escalated"))},
            "/oversight/escalations": {"get": op("The oversight committee's escalation queue: cases raised by a missed deadline or by the reporter", Some("staff"), None, ("200", "Escalations"))},
            "/reporter/record": {"get": op("The reporter's record of handling: her case's events with inclusion proofs against a signed checkpoint", Some("reporter"), None, ("200", "Record"))},
            "/ledger/key": {"get": op("The instance's checkpoint verifier key", None, None, ("200", "VerifierKey"))},
            "/ledger/checkpoint": {"get": {"summary": "The latest signed checkpoint (C2SP tlog-checkpoint note)", "responses": {"200": {"description": "checkpoint", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/ledger/proof/inclusion": {"get": with_query(op("Inclusion proof of leaf `index` in the tree of size `size`", None, None, ("200", "Proof")), &["index", "size"])},
            "/ledger/proof/consistency": {"get": with_query(op("Consistency proof between tree sizes `from` and `to`", None, None, ("200", "Proof")), &["from", "to"])},
            "/cases/count": {"get": op("How many cases the caller may see, by status (cases she is excluded from are not counted)", Some("staff"), None, ("200", "Object"))},
            "/cases/{id}/recuse": {"post": with_id(op("Declare a conflict of interest: the caller leaves the case at once and for good", Some("staff"), None, ("200", "Object")))},
            "/cases/{id}/reveal-identity": {"post": with_id(op("Show the reporter's contact details (recorded in the access log)", Some("staff"), None, ("200", "Object")))},
            "/cases/{id}/people/{position}/match": {"post": match_op},
            "/cases/{id}/attachments/{attachment}": {"get": download_op},
            "/cases/{id}/access-log": {"get": with_id(op("Who opened the case, downloaded a file or revealed an identity, and when (oversight only)", Some("staff"), None, ("200", "AccessLog")))},
            "/oversight/exclusions": {"get": op("Every exclusion from a case the caller may see, with the rule that fired or a declared conflict (oversight only)", Some("staff"), None, ("200", "Object"))},
            "/admin/directory-tokens": {
                "get": op("Directory-sync (SCIM) tokens, without their secrets (administrators only)", Some("staff"), None, ("200", "Object")),
                "post": op("Create a directory-sync (SCIM) bearer token; its secret is shown once (administrators only)", Some("staff"), Some("TokenRequest"), ("201", "Object"))
            }
        },
        "components": {
            "securitySchemes": {
                "staff": {"type": "http", "scheme": "bearer", "description": "token from POST /staff/session"},
                "reporter": {"type": "http", "scheme": "bearer", "description": "token from POST /reporter/session"}
            },
            "responses": {
                "Error": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            },
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": text, "message": text, "fields": {"type": "array", "items": {"type": "object", "properties": {"field": text, "code": text, "message": text}}}}}}},
                "Report": {"type": "object", "additionalProperties": false, "required": ["category", "description"], "properties": {
                    "category": {"enum": ["sexual_harassment", "sexual_assault", "retaliation", "discrimination", "other"]},
                    "description": text,
                    "language": {"enum": ["en", "zh-CN"]},
                    "occurred": {"type": "object", "additionalProperties": false, "properties": {"date": {"type": ["string", "null"], "format": "date"}, "approximate": {"type": "boolean"}, "description": opt_text}},
                    "location": {"type": "object", "additionalProperties": false, "properties": {"kind": {"enum": ["workplace", "business_trip", "client_or_social_event", "online", "other", null]}, "detail": opt_text}},
                    "people": {"type": "array", "items": {"type": "object", "additionalProperties": false, "properties": {"name": text, "employee_id": opt_text, "email": opt_text, "role": {"enum": ["accused", "witness", "other"]}, "internal": {"type": "boolean"}}}},
                    "requests": {"type": "array", "items": {"type": "object", "additionalProperties": false, "properties": {"kind": {"enum": ["no_contact", "change_reporting_line", "leave", "counselling", "other"]}, "detail": opt_text}}},
                    "anonymous": {"type": "boolean", "default": true},
                    "contact": {"type": ["object", "null"], "additionalProperties": false, "properties": {"name": text, "email": opt_text, "phone": opt_text}}
                }},
                "Submitted": {"type": "object", "required": ["case_ref", "receipt"], "properties": {"case_ref": text, "receipt": {"type": "string", "description": "28 digits in groups of four; shown once, never stored"}}},
                "ReceiptSignIn": {"type": "object", "additionalProperties": false, "required": ["receipt"], "properties": {"receipt": text}},
                "StaffSignIn": {"type": "object", "additionalProperties": false, "required": ["email", "password"], "properties": {"email": text, "password": text}},
                "Token": {"type": "object", "required": ["token"], "properties": {"token": text}},
                "Message": {"type": "object", "additionalProperties": false, "required": ["body"], "properties": {"body": text}},
                "Created": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "format": "uuid"}}},
                "Deadline": {"type": "object", "properties": {"kind": {"enum": ["acknowledge", "feedback"]}, "due": {"type": ["string", "null"], "format": "date-time"}, "met_at": {"type": ["string", "null"], "format": "date-time"}}},
                "Case": {"type": "object", "properties": {"id": text, "case_ref": text, "category": text, "status": {"enum": ["received", "acknowledged"]}, "received_at": text, "acknowledged_at": opt_text, "deadlines": {"type": "array", "items": {"$ref": "#/components/schemas/Deadline"}}, "report": {"type": "object"}, "attachments": {"type": "array"}, "messages": {"type": "array"}}},
                "CaseList": {"type": "object", "properties": {"cases": {"type": "array", "items": {"type": "object", "properties": {"id": text, "case_ref": text, "category": text, "status": text, "received_at": text, "access_pending": {"type": "boolean"}, "next_deadline": {"oneOf": [{"$ref": "#/components/schemas/Deadline"}, {"type": "null"}]}}}}}},
                "Record": {"type": "object", "properties": {"format": text, "case_ref": text, "verifier_key": text, "checkpoint": text, "events": {"type": "array"}, "consistency": {"type": "array"}}},
                "Object": {"type": "object"},
                "Match": {"type": "object", "additionalProperties": false, "properties": {"employee_id": opt_text, "internal": {"type": "boolean"}}},
                "TokenRequest": {"type": "object", "additionalProperties": false, "required": ["label"], "properties": {"label": text}},
                "AccessLog": {"type": "object", "properties": {"case_id": text, "entries": {"type": "array", "items": {"type": "object", "properties": {"at": text, "action": {"enum": ["opened_by_staff", "file_downloaded", "identity_revealed"]}, "staff_id": opt_text, "staff_name": opt_text}}}}},
                "Step": {"type": "object", "additionalProperties": false, "required": ["step"], "properties": {"step": {"enum": ["acknowledge", "assess_in_scope", "assess_referred", "assess_dismissed", "interim_measures", "start_investigation", "record_findings", "decide", "close", "reopen", "approve_dismissal", "refuse_dismissal"]}, "reason": text}},
                "Answer": {"type": "object", "additionalProperties": false, "required": ["outcome", "reason"], "properties": {"outcome": {"enum": ["granted", "partly_granted", "declined"]}, "reason": text}},
                "DeadlineChange": {"type": "object", "additionalProperties": false, "required": ["kind", "until", "justification", "reason_for_reporter"], "properties": {"kind": {"enum": ["extension", "pause"]}, "until": {"type": "string", "format": "date-time"}, "justification": text, "reason_for_reporter": text}},
                "Proceeding": {"type": "object", "additionalProperties": false, "required": ["reference", "authority"], "properties": {"reference": text, "date": {"type": ["string", "null"], "format": "date"}, "authority": text}},
                "Escalated": {"type": "object", "properties": {"escalated_at": text}},
                "Escalations": {"type": "object", "properties": {"escalations": {"type": "array", "items": {"type": "object", "properties": {"case_id": text, "case_ref": text, "cause": {"enum": ["missed_deadline", "reporter"]}, "missed_deadline": {"type": ["object", "null"]}, "escalated_at": text}}}}},
                "VerifierKey": {"type": "object", "properties": {"verifier_key": text, "origin": text}},
                "Proof": {"type": "object", "properties": {"proof": {"type": "array", "items": {"type": "string", "contentEncoding": "base64"}}}},
                "Acknowledged": {"type": "object", "properties": {"id": text, "case_ref": text, "status": text, "acknowledged_at": text, "deadlines": {"type": "array", "items": {"$ref": "#/components/schemas/Deadline"}}}}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented_and_every_documented_path_is_a_route() {
        let doc = openapi_document();
        let paths = doc["paths"].as_object().expect("paths");
        for (method, path) in ROUTES {
            assert!(paths.get(*path).and_then(|p| p.get(*method)).is_some(), "{method} {path} undocumented");
        }
        let documented: usize = paths.values().map(|p| p.as_object().map_or(0, |o| o.len())).sum();
        assert_eq!(documented, ROUTES.len(), "the document lists a route the router does not have");
    }
}

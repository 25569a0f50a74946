//! The reporter's API: filing a report, signing in with the receipt, her
//! case, her status, her messages, her record and her escalation.

use super::model::*;
use super::{ApiJson, ApiResult, errors};
use crate::AppState;
use crate::error::{ApiError, ApiOrPage};
use crate::extract::ApiReporter;
use crate::html::reporter::open_with_receipt;
use crate::i18n::Lang;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use ombud_domain::ReportDraft;
use std::net::SocketAddr;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(submit_report))
        .routes(utoipa_axum::routes!(sign_in))
        .routes(utoipa_axum::routes!(case))
        .routes(utoipa_axum::routes!(status))
        .routes(utoipa_axum::routes!(message))
        .routes(utoipa_axum::routes!(record))
        .routes(utoipa_axum::routes!(escalate))
        .routes(utoipa_axum::routes!(after_report))
        .routes(utoipa_axum::routes!(check_in))
        .routes(utoipa_axum::routes!(retaliation))
        .routes(utoipa_axum::routes!(ask_reminders, stop_reminders))
}

/// Mail me when a check-in waits on my page: the mail says only that a question waits there, with the page's
/// address. The address is kept sealed, used for nothing else, and deleted after the last check-in or when she
/// stops. Refused (422 on `email`) when this instance sends no mail.
#[utoipa::path(put, path = "/reporter/check-in-reminder", tag = "reporter", security(("reporter" = [])),
    request_body = ombud_service::ReminderInput,
    responses((status = 200, body = ombud_service::AfterReport), errors::Body, errors::Unauthorized))]
async fn ask_reminders(
    State(state): State<AppState>,
    ApiReporter(s): ApiReporter,
    ApiJson(body): ApiJson<ombud_service::ReminderInput>,
) -> ApiResult<Json<ombud_service::AfterReport>> {
    if state.config.operations.mail_server.is_none() {
        return Err(ombud_service::ServiceError::invalid_field("email", "no-mail-here").into());
    }
    let desk = state.ombud.reporter(&s);
    desk.ask_check_in_reminders(&body).await?;
    Ok(Json(desk.after_report().await?))
}

/// Stop the check-in mails: her address is deleted at once.
#[utoipa::path(delete, path = "/reporter/check-in-reminder", tag = "reporter", security(("reporter" = [])),
    responses((status = 200, body = ombud_service::AfterReport), errors::Unauthorized))]
async fn stop_reminders(
    State(state): State<AppState>,
    ApiReporter(s): ApiReporter,
) -> ApiResult<Json<ombud_service::AfterReport>> {
    let desk = state.ombud.reporter(&s);
    desk.stop_check_in_reminders().await?;
    Ok(Json(desk.after_report().await?))
}

/// After she reported: the check-in due now (days after closure), the reviews of actions against her that ended and
/// how, and the reports she made from this case's page.
#[utoipa::path(get, path = "/reporter/after", tag = "reporter", security(("reporter" = [])),
    responses((status = 200, body = ombud_service::AfterReport), errors::Unauthorized))]
async fn after_report(
    State(state): State<AppState>,
    ApiReporter(s): ApiReporter,
) -> ApiResult<Json<ombud_service::AfterReport>> {
    Ok(Json(state.ombud.reporter(&s).after_report().await?))
}

/// Her answer to a check-in after closure: has anything changed for her at work?
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInAnswer {
    /// The check-in's day, as `GET /reporter/after` gives it.
    pub day: u32,
    pub changed: bool,
}

/// Answers the check-in due now. A `true` does not file anything: tell what happened with `POST /reporter/retaliation`.
#[utoipa::path(post, path = "/reporter/check-in", tag = "reporter", security(("reporter" = [])),
    request_body = CheckInAnswer,
    responses((status = 200, body = ombud_service::AfterReport), errors::Body, errors::Unauthorized))]
async fn check_in(
    State(state): State<AppState>,
    ApiReporter(s): ApiReporter,
    ApiJson(body): ApiJson<CheckInAnswer>,
) -> ApiResult<Json<ombud_service::AfterReport>> {
    let desk = state.ombud.reporter(&s);
    desk.answer_check_in(body.day, body.changed).await?;
    Ok(Json(desk.after_report().await?))
}

/// Something has happened to her since she reported: a new retaliation report linked to her case, routed around
/// everyone her report accused and everyone she names now. It has its own receipt.
#[utoipa::path(post, path = "/reporter/retaliation", tag = "reporter", security(("reporter" = [])),
    request_body = ombud_service::RetaliationInput,
    responses((status = 201, body = Submitted), errors::Body, errors::Unauthorized))]
async fn retaliation(
    State(state): State<AppState>,
    ApiReporter(s): ApiReporter,
    ApiJson(body): ApiJson<ombud_service::RetaliationInput>,
) -> ApiResult<(StatusCode, Json<Submitted>)> {
    let done = state.ombud.reporter(&s).report_retaliation(&body).await?;
    Ok((StatusCode::CREATED, Json(Submitted { case_ref: done.reference, receipt: done.receipt.grouped() })))
}

/// File a report (anonymous unless `anonymous` is false).
#[utoipa::path(post, path = "/reports", tag = "reporter", request_body = ReportDraft,
    responses((status = 201, body = Submitted), errors::Body, errors::Invalid))]
async fn submit_report(
    State(state): State<AppState>,
    lang: Lang,
    ApiJson(mut draft): ApiJson<ReportDraft>,
) -> ApiResult<(StatusCode, Json<Submitted>)> {
    draft.language.get_or_insert_with(|| lang.code().to_owned());
    let done = state.ombud.submit_report(&draft, Vec::new(), None).await?;
    Ok((StatusCode::CREATED, Json(Submitted { case_ref: done.reference, receipt: done.receipt.grouped() })))
}

/// Sign in with a receipt. A correct receipt always gets in; receipts that match no case count against a limit per client.
#[utoipa::path(post, path = "/reporter/session", tag = "reporter", request_body = ReceiptSignIn,
    responses((status = 200, body = Token), errors::Body, errors::Unauthorized, errors::TooMany))]
async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<ReceiptSignIn>,
) -> ApiResult<Json<Token>> {
    let client = crate::limits::client_address(&state.config, addr, &headers);
    let session = open_with_receipt(&state, client, &body.receipt).await.map_err(|e| match e {
        ApiOrPage::RateLimited => ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
        ApiOrPage::Service(e) => e.into(),
    })?;
    Ok(Json(Token { token: state.begin_reporter_session(&session).await? }))
}

/// Her case: status, deadlines, report, messages.
#[utoipa::path(get, path = "/reporter/case", tag = "reporter", security(("reporter" = [])),
    responses((status = 200, body = CaseBody), errors::Unauthorized))]
async fn case(State(state): State<AppState>, ApiReporter(s): ApiReporter) -> ApiResult<Json<CaseBody>> {
    Ok(Json(state.ombud.reporter(&s).case().await?.into()))
}

/// Where her case stands: status, deadlines, escalation (no content).
#[utoipa::path(get, path = "/reporter/status", tag = "reporter", security(("reporter" = [])),
    responses((status = 200, body = Status), errors::Unauthorized))]
async fn status(State(state): State<AppState>, ApiReporter(s): ApiReporter) -> ApiResult<Json<Status>> {
    let (case, deadlines) = state.ombud.reporter(&s).status().await?;
    Ok(Json(Status::new(&case, &deadlines, state.ombud.clock().now())))
}

/// Send a message to the handling team.
#[utoipa::path(post, path = "/reporter/messages", tag = "reporter", security(("reporter" = [])),
    request_body = MessageIn,
    responses((status = 201, body = Created), errors::Body, errors::Unauthorized, errors::Invalid))]
async fn message(
    State(state): State<AppState>,
    ApiReporter(s): ApiReporter,
    ApiJson(body): ApiJson<MessageIn>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = state.ombud.reporter(&s).reply(&body.body, Vec::new()).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// Her record of handling: her case's events with inclusion proofs against the checkpoint signed last. With
/// `since` (the size of a record she kept), a proof that it is a prefix of this one. Nothing records the download.
#[utoipa::path(get, path = "/reporter/record", tag = "reporter", security(("reporter" = [])),
    params(("since" = Option<u64>, Query, description = "The log size of an earlier record she kept")),
    responses((status = 200, body = ombud_service::Record), errors::Unauthorized, errors::BadQuery, errors::Invalid))]
async fn record(
    State(state): State<AppState>,
    ApiReporter(s): ApiReporter,
    uri: axum::http::Uri,
) -> ApiResult<Json<ombud_service::Record>> {
    // Other parameters (a cache-buster, say) are no concern of hers.
    let asks_since = uri.query().is_some_and(|q| q.split('&').any(|p| p.split('=').next() == Some("since")));
    let since = if asks_since { Some(super::ledger::query_numbers(uri.query(), ["since"])?[0]) } else { None };
    Ok(Json(state.ombud.reporter(&s).record(since).await?))
}

/// Raise her case to the oversight committee (allowed once a deadline was missed).
#[utoipa::path(post, path = "/reporter/escalate", tag = "reporter", security(("reporter" = [])),
    responses((status = 200, body = Escalated), errors::Unauthorized, errors::Conflict))]
async fn escalate(State(state): State<AppState>, ApiReporter(s): ApiReporter) -> ApiResult<Json<Escalated>> {
    Ok(Json(Escalated { escalated_at: state.ombud.reporter(&s).escalate().await? }))
}

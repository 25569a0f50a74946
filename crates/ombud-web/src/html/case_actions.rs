//! What a staff member does on a case page: open it, reply, acknowledge,
//! reveal her identity, recuse, match a named person, download a file, take
//! a step, answer a request, move a deadline, link a proceeding. Each form
//! answers with a redirect when it worked (so a reload never re-sends it) or
//! the case page with the problem named and what she typed kept.

use super::case::{CaseForm, render_case, show_case};
use super::page::{download_response, error_page, see_other};
use crate::error::{field_message, field_messages};
use crate::extract::{CasePath, ItemPath, StaffPage};
use crate::i18n::Lang;
use crate::{AppState, uploads};
use axum::Form;
use axum::extract::{Multipart, State};
use axum::response::Response;
use ombud_domain::{AttachmentId, CaseId};
use ombud_service::{ServiceError, StaffSession};

pub async fn case_page(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
) -> Response {
    show_case(&state, lang, &session, id, CaseForm::default()).await
}

pub async fn reply(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    multipart: Multipart,
) -> Response {
    let data = uploads::read(multipart, state.ombud.config().max_attachment_bytes).await;
    let reply = data.text("body");
    let tr = lang.tr();
    if let Some(problem) = data.file_problem {
        let form = CaseForm { reply, reply_error: Some(tr.t(&format!("field-{problem}"))), ..Default::default() };
        return show_case(&state, lang, &session, id, form).await;
    }
    match state.ombud.staff(&session).reply(id, &reply, data.files).await {
        Ok(_) => see_other(&format!("/staff/cases/{id}#thread")),
        Err(ServiceError::Invalid(errors)) => {
            let form = CaseForm { reply, reply_error: Some(field_messages(&tr, &errors)), ..Default::default() };
            show_case(&state, lang, &session, id, form).await
        }
        Err(e) => error_page(lang, e),
    }
}

#[derive(serde::Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    body: String,
}

/// Feedback for her, from the case page; what was typed comes back with any problem.
pub async fn feedback(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(form): Form<FeedbackForm>,
) -> Response {
    match state.ombud.staff(&session).send_feedback(id, &form.body).await {
        Ok(_) => see_other(&format!("/staff/cases/{id}#thread")),
        Err(ServiceError::Invalid(errors)) => {
            let feedback_error = Some(field_messages(&lang.tr(), &errors));
            let form = CaseForm { feedback: form.body, feedback_error, ..Default::default() };
            show_case(&state, lang, &session, id, form).await
        }
        Err(e) => error_page(lang, e),
    }
}

pub async fn acknowledge(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
) -> Response {
    let result = state.ombud.staff(&session).acknowledge(id).await.map(|_| ());
    after_action(&state, lang, &session, id, result).await
}

/// Shows the case with the reporter's contact details (recorded).
pub async fn reveal(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
) -> Response {
    match state.ombud.staff(&session).reveal_identity(id).await {
        Ok(view) => render_case(&state, lang, &session, view, CaseForm::default()).await,
        Err(e) => error_page(lang, e),
    }
}

/// She declares a conflict: the case leaves her inbox at once.
pub async fn recuse(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
) -> Response {
    match state.ombud.staff(&session).recuse(id).await {
        Ok(()) => see_other("/staff/cases?recused=1"),
        Err(e) => error_page(lang, e),
    }
}

#[derive(serde::Deserialize)]
pub struct MatchForm {
    #[serde(default)]
    employee_id: String,
    #[serde(default)]
    internal: String,
}

/// A handler confirms or corrects who a named person is.
pub async fn match_person(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    ItemPath(position): ItemPath<u32>,
    Form(form): Form<MatchForm>,
) -> Response {
    let input = ombud_service::MatchInput {
        employee_id: Some(form.employee_id),
        internal: form.internal == "internal",
        unidentified: form.internal == "unidentified",
    };
    let desk = state.ombud.staff(&session);
    match desk.set_party_match(id, position, &input).await {
        // The correction may have put the case out of her reach.
        Ok(()) => match desk.may_open(id).await {
            Ok(true) => see_other(&format!("/staff/cases/{id}#people-title")),
            _ => see_other("/staff/cases"),
        },
        Err(e) => after_action(&state, lang, &session, id, Err(e)).await,
    }
}

pub async fn download(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    ItemPath(attachment): ItemPath<uuid::Uuid>,
) -> Response {
    match state.ombud.staff(&session).attachment(id, AttachmentId(attachment)).await {
        Ok(d) => download_response(d),
        Err(e) => error_page(lang, e),
    }
}

/// Back to the case when the action worked; the case page with the problem
/// named when it did not.
async fn after_action(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    id: CaseId,
    result: Result<(), ServiceError>,
) -> Response {
    let tr = lang.tr();
    match result {
        Ok(()) => see_other(&format!("/staff/cases/{id}")),
        Err(ServiceError::Invalid(errors)) => {
            show_case(state, lang, session, id, CaseForm::notice(field_messages(&tr, &errors))).await
        }
        Err(ServiceError::Rule(_)) => {
            show_case(state, lang, session, id, CaseForm::notice(tr.t("error-invalid-transition"))).await
        }
        Err(e) => error_page(lang, e),
    }
}

#[derive(serde::Deserialize)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    for_reporter: String,
}

/// A step from the case page. When it is refused for a field, the page
/// comes back with the chosen step and both texts as typed, and each
/// problem beside its field.
pub async fn step(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(form): Form<StepForm>,
) -> Response {
    let result = match form.step.parse::<ombud_domain::Step>() {
        Ok(step) => {
            let text = ombud_service::StepText { reason: &form.reason, for_reporter: &form.for_reporter };
            state.ombud.staff(&session).step(id, step, &text).await.map(|_| ())
        }
        Err(_) => Err(ServiceError::invalid_field("step", "invalid-choice")),
    };
    match result {
        Err(ServiceError::Invalid(errors)) => {
            let tr = lang.tr();
            let step_form = super::case::StepValues {
                step: form.step,
                reason: form.reason,
                for_reporter: form.for_reporter,
                errors: errors.iter().map(|e| (e.field.clone(), field_message(&tr, e))).collect(),
            };
            show_case(&state, lang, &session, id, CaseForm { step: step_form, ..Default::default() }).await
        }
        result => after_action(&state, lang, &session, id, result).await,
    }
}

#[derive(serde::Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reason: String,
}

pub async fn answer(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    ItemPath(request): ItemPath<uuid::Uuid>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let result = state.ombud.staff(&session).answer_request(id, request, &form.outcome, &form.reason).await;
    after_action(&state, lang, &session, id, result).await
}

#[derive(serde::Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    reason_for_reporter: String,
}

/// A date means the end of that day in the organisation's zone.
fn end_of_day(state: &AppState, date: &str) -> Result<jiff::Timestamp, ServiceError> {
    let zone = state.ombud.config().policy.time_zone().unwrap_or(jiff::tz::TimeZone::UTC);
    date.trim()
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.at(23, 59, 59, 0).to_zoned(zone).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| ServiceError::invalid_field("until", "invalid-date"))
}

pub async fn change_deadline(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    ItemPath(deadline): ItemPath<uuid::Uuid>,
    Form(form): Form<ChangeForm>,
) -> Response {
    let result = match end_of_day(&state, &form.until) {
        Ok(until) => {
            let request = ombud_service::DeadlineChangeRequest {
                kind: &form.kind,
                until,
                justification: &form.justification,
                reason_for_reporter: &form.reason_for_reporter,
            };
            state.ombud.staff(&session).change_deadline(id, deadline, request).await
        }
        Err(e) => Err(e),
    };
    // A long pause shows on the case page as waiting for oversight.
    after_action(&state, lang, &session, id, result.map(|_| ())).await
}

pub async fn proceeding(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(form): Form<ombud_service::Proceeding>,
) -> Response {
    let result = state.ombud.staff(&session).link_proceeding(id, form).await;
    after_action(&state, lang, &session, id, result).await
}

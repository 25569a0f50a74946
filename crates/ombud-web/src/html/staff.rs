//! The staff's pages: sign-in, inbox, case, reply, acknowledge.

use super::display::{CaseDisplay, case_display};
use super::{Page, download_response, error_page, render, render_with, see_other, with_session_cookie};
use crate::error::field_message;
use crate::i18n::Lang;
use crate::labels::label_of;
use crate::security::read_cookie;
use crate::{AppState, uploads};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::{Extension, Form};
use ombud_domain::CaseId;
use ombud_service::{ServiceError, StaffSession};

pub const STAFF_COOKIE: &str = "ombud_staff";
const INBOX_SIZE: u32 = 200;

/// The signed-in staff member from her session cookie or bearer token.
pub fn staff_session(state: &AppState, headers: &HeaderMap) -> Option<StaffSession> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    bearer.or_else(|| read_cookie(headers, STAFF_COOKIE)).and_then(|token| state.staff_sessions.get(&token))
}

fn staff_page(state: &AppState, lang: Lang, path: &str, title: &str, session: &StaffSession) -> Page {
    let mut page = Page::new(state, lang, path, title);
    page.staff_name = Some(session.name.clone());
    if let Some(zone) = session.time_zone.as_deref().and_then(|z| jiff::tz::TimeZone::get(z).ok()) {
        page.zone = zone;
    }
    page.oversight = session.role == ombud_domain::Role::Oversight;
    page
}

#[derive(Template)]
#[template(path = "staff_sign_in.html")]
pub struct SignInPage {
    page: Page,
    email: String,
    error: Option<String>,
}

pub async fn sign_in_form(State(state): State<AppState>, Extension(lang): Extension<Lang>) -> Response {
    render(&SignInPage {
        page: Page::new(&state, lang, "/staff/sign-in", "staff-sign-in-title"),
        email: String::new(),
        error: None,
    })
}

#[derive(serde::Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Form(form): Form<SignInForm>,
) -> Response {
    match state.ombud.staff_sign_in(&form.email, &form.password).await {
        Ok(session) => match state.staff_sessions.insert(session) {
            Ok(token) => with_session_cookie(&state, STAFF_COOKIE, &token, "/staff/cases"),
            Err(e) => error_page(&state, lang, e),
        },
        Err(ServiceError::BadCredentials) => {
            let page = Page::new(&state, lang, "/staff/sign-in", "staff-sign-in-title");
            let error = Some(page.tr.t("error-bad-credentials"));
            render_with(StatusCode::UNAUTHORIZED, &SignInPage { page, email: form.email, error })
        }
        Err(e) => error_page(&state, lang, e),
    }
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = read_cookie(&headers, STAFF_COOKIE) {
        state.staff_sessions.remove(&token);
    }
    with_session_cookie(&state, STAFF_COOKIE, "", "/staff/sign-in")
}

pub struct InboxLine {
    href: String,
    reference: String,
    category: String,
    status: String,
    received: String,
    deadline: String,
    overdue: bool,
    pending: bool,
}

#[derive(Template)]
#[template(path = "staff_inbox.html")]
pub struct InboxPage {
    page: Page,
    lines: Vec<InboxLine>,
    /// "12 cases: 3 received, …" over every case she may see.
    summary: String,
    query: String,
    notice: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct InboxQuery {
    q: String,
    recused: Option<String>,
}

pub async fn inbox(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    query: Result<axum::extract::Query<InboxQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(session) = staff_session(&state, &headers) else {
        return see_other("/staff/sign-in");
    };
    let query = query.map(|q| q.0).unwrap_or_default();
    let (rows, counts) = match (
        state.ombud.staff_search(&session, &query.q, None, INBOX_SIZE).await,
        state.ombud.staff_case_counts(&session).await,
    ) {
        (Ok(rows), Ok(counts)) => (rows, counts),
        (Err(e), _) | (_, Err(e)) => return error_page(&state, lang, e),
    };
    let page = staff_page(&state, lang, "/staff/cases", "inbox-title", &session);
    let now = state.ombud.clock().now();
    let tr = page.tr;
    let lines = rows
        .iter()
        .map(|row| {
            // The first deadline not yet met is the one that matters now.
            let next = row.next_deadline.as_ref();
            InboxLine {
                href: format!("/staff/cases/{}", row.case.id),
                reference: row.case.reference.clone(),
                category: tr.label(row.case.category),
                status: tr.label(row.case.status),
                received: page.time(&row.case.received_at),
                deadline: next.map(|d| page.deadline(d, now)).unwrap_or_default(),
                overdue: next.is_some_and(|d| page.overdue(d, now)),
                pending: row.access_pending,
            }
        })
        .collect();
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let parts: Vec<String> = counts.iter().map(|(status, n)| format!("{} {n}", tr.label(*status))).collect();
    let summary = tr.t_with("inbox-summary", &[("count", total.into()), ("parts", parts.join(" · ").into())]);
    let notice = query.recused.map(|_| tr.t("inbox-recused"));
    render(&InboxPage { page, lines, summary, query: query.q, notice })
}

pub struct HistoryLine {
    what: String,
    at: String,
    by: String,
    reason: String,
}

pub struct DeadlineOption {
    id: String,
    label: String,
}

#[derive(Template)]
#[template(path = "staff_case.html")]
pub struct CasePage {
    page: Page,
    case: CaseDisplay,
    steps: Vec<super::Choice>,
    outcomes: Vec<super::Choice>,
    history: Vec<HistoryLine>,
    open_deadlines: Vec<DeadlineOption>,
    justifications: Vec<String>,
    proceedings: Vec<String>,
    can_handle: bool,
    can_acknowledge: bool,
    reply: String,
    reply_action: String,
    reply_error: Option<String>,
    notice: Option<String>,
    max_file_mb: u64,
    parties: Vec<PartyLine>,
    access_log: Vec<AccessLine>,
    contact_hidden: bool,
    is_oversight: bool,
}

async fn show_case(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    id: CaseId,
    reply: String,
    reply_error: Option<String>,
    notice: Option<String>,
) -> Response {
    match state.ombud.staff_case(session, id).await {
        Ok(view) => render_case(state, lang, session, view, reply, reply_error, notice).await,
        Err(e) => error_page(state, lang, e),
    }
}

/// One person named in the report, with who the directory says she is.
pub struct PartyLine {
    position: u32,
    name: String,
    role: String,
    matched: String,
    how: String,
    employee_id: String,
    internal: bool,
}

pub struct AccessLine {
    at: String,
    what: String,
    by: String,
}

fn party_lines(tr: &crate::i18n::Tr, page: &Page, view: &ombud_service::CaseView) -> Vec<PartyLine> {
    view.parties
        .iter()
        .map(|p| {
            let matched = match &p.matched {
                Some(m) => tr.t_with(
                    "party-matched",
                    &[
                        ("name", m.name.clone().into()),
                        ("id", m.employee_id.clone().into()),
                        ("unit", m.unit.clone().into()),
                        ("level", m.level.into()),
                    ],
                ),
                None if p.internal => tr.t("party-unmatched"),
                None => tr.t("party-external"),
            };
            let mut how = tr.label(p.how);
            if let (Some(by), Some(at)) = (&p.confirmed_by, &p.confirmed_at) {
                how = tr.t_with("party-confirmed", &[("name", by.clone().into()), ("at", page.time(at).into())]);
            }
            PartyLine {
                position: p.position,
                name: p.name.clone(),
                role: label_of::<ombud_domain::PersonRole>(tr, &p.role),
                matched,
                how,
                employee_id: p.matched.as_ref().map(|m| m.employee_id.clone()).unwrap_or_default(),
                internal: p.internal && p.how != ombud_service::MatchHow::External,
            }
        })
        .collect()
}

async fn access_lines(state: &AppState, page: &Page, session: &StaffSession, id: CaseId) -> Vec<AccessLine> {
    if session.role != ombud_domain::Role::Oversight {
        return Vec::new();
    }
    let tr = page.tr;
    match state.ombud.access_log(session, id).await {
        Ok(entries) => entries
            .iter()
            .map(|e| AccessLine {
                at: page.time(&e.at),
                what: crate::labels::access_key(e.action).map(|k| tr.t(k)).unwrap_or_default(),
                by: e.staff_name.clone().unwrap_or_default(),
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

async fn render_case(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    view: ombud_service::CaseView,
    reply: String,
    reply_error: Option<String>,
    notice: Option<String>,
) -> Response {
    let id = view.case.id;
    let path = format!("/staff/cases/{id}");
    let page = staff_page(state, lang, &path, "case-title", session);
    let case = case_display(&page, &view, state.ombud.clock().now(), &format!("/staff/cases/{id}/attachments/"), true);
    let can_handle = session.role.handles_cases();
    let can_acknowledge = can_handle && view.case.status.acknowledge().is_ok();
    let tr = page.tr;
    let steps = ombud_domain::available_steps(view.case.status, view.case.category, session.role)
        .into_iter()
        .filter(|s| *s != ombud_domain::Step::Acknowledge)
        .map(|s| super::Choice { value: s.as_str(), label: tr.label(s) })
        .collect();
    let outcomes = ombud_service::ANSWER_OUTCOMES
        .into_iter()
        .map(|value| super::Choice {
            value,
            label: crate::labels::answer_key(value).map(|k| tr.t(k)).unwrap_or_default(),
        })
        .collect();
    let history = view
        .steps
        .iter()
        .map(|s| HistoryLine {
            what: label_of::<ombud_domain::Step>(&tr, &s.step),
            at: page.time(&s.at),
            by: s.by.clone().unwrap_or_default(),
            reason: s.reason.clone().unwrap_or_default(),
        })
        .collect();
    let open_deadlines = view
        .deadline_rows
        .iter()
        .filter(|d| d.met_at.is_none())
        .map(|d| DeadlineOption {
            id: d.id.to_string(),
            label: format!("{} — {}", tr.label(d.kind), page.time(&d.due_at)),
        })
        .collect();
    let justifications = view
        .changes
        .iter()
        .map(|c| tr.t_with("deadline-justification", &[("reason", c.justification.clone().into())]))
        .collect();
    let proceedings = view
        .proceedings
        .iter()
        .map(|p| {
            [Some(p.authority.clone()), Some(p.reference.clone()), p.date.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .collect();
    let parties = party_lines(&tr, &page, &view);
    let access_log = access_lines(state, &page, session, id).await;
    let contact_hidden = view.contact_hidden;
    let is_oversight = session.role == ombud_domain::Role::Oversight;
    let status = if reply_error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let max_file_mb = state.ombud.config().max_attachment_bytes / (1024 * 1024);
    let reply_action = format!("/staff/cases/{id}/reply");
    render_with(
        status,
        &CasePage {
            page,
            case,
            steps,
            outcomes,
            history,
            open_deadlines,
            justifications,
            proceedings,
            can_handle,
            can_acknowledge,
            reply,
            reply_action,
            reply_error,
            notice,
            max_file_mb,
            parties,
            access_log,
            contact_hidden,
            is_oversight,
        },
    )
}

fn parse_case(id: &str) -> Result<CaseId, ServiceError> {
    id.parse().map_err(|_| ServiceError::NotFound)
}

/// The signed-in staff member and the case a path names, or the answer to
/// give instead: the sign-in page, or "not found" for a malformed id.
fn signed_in(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    id: &str,
) -> Result<(StaffSession, CaseId), Box<Response>> {
    let session = staff_session(state, headers).ok_or_else(|| Box::new(see_other("/staff/sign-in")))?;
    let id = parse_case(id).map_err(|e| Box::new(error_page(state, lang, e)))?;
    Ok((session, id))
}

pub async fn case_page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match signed_in(&state, lang, &headers, &id) {
        Ok((session, id)) => show_case(&state, lang, &session, id, String::new(), None, None).await,
        Err(response) => *response,
    }
}

pub async fn reply(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let (session, id) = match signed_in(&state, lang, &headers, &id) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let data = uploads::read(multipart, state.ombud.config().max_attachment_bytes).await;
    let body = data.text("body");
    let tr = lang.tr();
    if let Some(problem) = data.file_problem {
        return show_case(&state, lang, &session, id, body, Some(tr.t(&format!("field-{problem}"))), None).await;
    }
    match state.ombud.staff_reply(&session, id, &body, data.files).await {
        Ok(_) => see_other(&format!("/staff/cases/{id}#thread")),
        Err(ServiceError::Invalid(errors)) => {
            let message = errors.iter().map(|e| field_message(&tr, e)).collect::<Vec<_>>().join(" ");
            show_case(&state, lang, &session, id, body, Some(message), None).await
        }
        Err(e) => error_page(&state, lang, e),
    }
}

pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (session, id) = match signed_in(&state, lang, &headers, &id) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    match state.ombud.staff_acknowledge(&session, id).await {
        Ok(_) => see_other(&format!("/staff/cases/{id}")),
        Err(ServiceError::Rule(_)) => {
            let notice = Some(lang.tr().t("error-invalid-transition"));
            show_case(&state, lang, &session, id, String::new(), None, notice).await
        }
        Err(e) => error_page(&state, lang, e),
    }
}

/// Shows the case with the reporter's contact details (recorded).
pub async fn reveal(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (session, id) = match signed_in(&state, lang, &headers, &id) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    match state.ombud.reveal_identity(&session, id).await {
        Ok(view) => render_case(&state, lang, &session, view, String::new(), None, None).await,
        Err(e) => error_page(&state, lang, e),
    }
}

/// She declares a conflict: the case leaves her inbox at once.
pub async fn recuse(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (session, id) = match signed_in(&state, lang, &headers, &id) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    match state.ombud.recuse(&session, id).await {
        Ok(()) => see_other("/staff/cases?recused=1"),
        Err(e) => error_page(&state, lang, e),
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
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path((id, position)): Path<(String, String)>,
    Form(form): Form<MatchForm>,
) -> Response {
    let Some(session) = staff_session(&state, &headers) else {
        return see_other("/staff/sign-in");
    };
    let (Ok(id), Ok(position)) = (parse_case(&id), position.parse::<u32>()) else {
        return error_page(&state, lang, ServiceError::NotFound);
    };
    let input =
        ombud_service::MatchInput { employee_id: Some(form.employee_id), internal: form.internal == "internal" };
    match state.ombud.set_party_match(&session, id, position, &input).await {
        // The correction may have put the case out of her reach.
        Ok(()) => match state.ombud.may_open(&session, id).await {
            Ok(true) => see_other(&format!("/staff/cases/{id}#people-title")),
            _ => see_other("/staff/cases"),
        },
        Err(ServiceError::Invalid(errors)) => {
            let tr = lang.tr();
            let message = errors.iter().map(|e| field_message(&tr, e)).collect::<Vec<_>>().join(" ");
            show_case(&state, lang, &session, id, String::new(), None, Some(message)).await
        }
        Err(e) => error_page(&state, lang, e),
    }
}

pub async fn download(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    let Some(session) = staff_session(&state, &headers) else {
        return see_other("/staff/sign-in");
    };
    let (Ok(id), Ok(attachment)) = (parse_case(&id), attachment.parse()) else {
        return error_page(&state, lang, ServiceError::NotFound);
    };
    match state.ombud.staff_attachment(&session, id, attachment).await {
        Ok(d) => download_response(d),
        Err(e) => error_page(&state, lang, e),
    }
}

pub struct EscalationLine {
    href: String,
    reference: String,
    cause: String,
    missed: String,
    escalated: String,
}

pub struct ReviewLine {
    href: String,
    reference: String,
    text: String,
}

#[derive(Template)]
#[template(path = "oversight_escalations.html")]
pub struct EscalationsPage {
    page: Page,
    lines: Vec<EscalationLine>,
    dismissals: Vec<ReviewLine>,
    overdue: Vec<ReviewLine>,
    changes: Vec<ReviewLine>,
    /// Who is kept out of which case, and why.
    exclusions: Vec<ReviewLine>,
}

/// The oversight committee's queue.
pub async fn escalations(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Response {
    let Some(session) = staff_session(&state, &headers) else {
        return see_other("/staff/sign-in");
    };
    let rows = match state.ombud.oversight_escalations(&session, 500).await {
        Ok(rows) => rows,
        Err(e) => return error_page(&state, lang, e),
    };
    let page = staff_page(&state, lang, "/oversight/escalations", "oversight-title", &session);
    let tr = page.tr;
    let lines = rows
        .iter()
        .map(|e| EscalationLine {
            href: format!("/staff/cases/{}", e.case_id),
            reference: e.case_ref.clone(),
            cause: tr.label(e.cause),
            missed: e
                .deadline
                .map(|(kind, due)| format!("{} — {}", tr.label(kind), page.time(&due)))
                .unwrap_or_default(),
            escalated: page.time(&e.created_at),
        })
        .collect();
    let (dismissals, overdue, changes) = match (
        state.ombud.pending_dismissals(&session).await,
        state.ombud.overdue(&session).await,
        state.ombud.deadline_changes_for_oversight(&session).await,
    ) {
        (Ok(d), Ok(o), Ok(c)) => (d, o, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return error_page(&state, lang, e),
    };
    let line = |id: &CaseId, reference: &str, text: String| ReviewLine {
        href: format!("/staff/cases/{id}"),
        reference: reference.to_owned(),
        text,
    };
    let deadline_label = |k: ombud_domain::DeadlineKind| tr.label(k);
    let dismissals = dismissals
        .iter()
        .map(|c| {
            line(
                &c.id,
                &c.reference,
                tr.t_with("oversight-dismissal-since", &[("when", page.time(&c.updated_at).into())]),
            )
        })
        .collect();
    let overdue = overdue
        .iter()
        .map(|d| {
            line(
                &d.deadline.case_id,
                &d.case_ref,
                format!("{} — {}", deadline_label(d.deadline.kind), page.time(&d.deadline.due_at)),
            )
        })
        .collect();
    let changes = changes
        .iter()
        .map(|c| {
            let text = tr.t_with(
                "oversight-change",
                &[
                    ("deadline", deadline_label(c.deadline).into()),
                    ("from", page.time(&c.old_due).into()),
                    ("to", page.time(&c.new_due).into()),
                    ("justification", c.justification.clone().into()),
                    ("reason", c.reason_for_reporter.clone().into()),
                ],
            );
            line(&c.case_id, &c.case_ref, text)
        })
        .collect();
    let exclusions = match state.ombud.oversight_exclusions(&session, 500).await {
        Ok(rows) => rows,
        Err(e) => return error_page(&state, lang, e),
    };
    let exclusions = exclusions
        .iter()
        .map(|x| {
            let text = tr.t_with(
                "oversight-exclusion",
                &[
                    ("name", x.staff_name.clone().into()),
                    ("reason", tr.label(x.reason).into()),
                    ("since", page.time(&x.at).into()),
                ],
            );
            line(&x.case_id, &x.case_ref, text)
        })
        .collect();
    render(&EscalationsPage { page, lines, dismissals, overdue, changes, exclusions })
}

/// Runs a case action from a form: back to the case when it worked; the case
/// page with the problem named when it did not.
async fn act<F, Fut>(state: &AppState, lang: Lang, headers: &HeaderMap, id: &str, action: F) -> Response
where
    F: FnOnce(StaffSession, CaseId) -> Fut,
    Fut: std::future::Future<Output = Result<(), ServiceError>>,
{
    let (session, id) = match signed_in(state, lang, headers, id) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    match action(session.clone(), id).await {
        Ok(()) => see_other(&format!("/staff/cases/{id}")),
        Err(ServiceError::Invalid(errors)) => {
            let tr = lang.tr();
            let message = errors.iter().map(|e| field_message(&tr, e)).collect::<Vec<_>>().join(" ");
            show_case(state, lang, &session, id, String::new(), None, Some(message)).await
        }
        Err(ServiceError::Rule(_)) => {
            let notice = Some(lang.tr().t("error-invalid-transition"));
            show_case(state, lang, &session, id, String::new(), None, notice).await
        }
        Err(e) => error_page(state, lang, e),
    }
}

#[derive(serde::Deserialize)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    reason: String,
}

pub async fn step(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> Response {
    let ombud = state.ombud.clone();
    act(&state, lang, &headers, &id, |session, case| async move {
        let step: ombud_domain::Step = form.step.parse().map_err(|_| {
            ServiceError::Invalid(vec![ombud_domain::FieldError { field: "step".into(), code: "invalid-choice" }])
        })?;
        ombud.staff_step(&session, case, step, &form.reason).await.map(|_| ())
    })
    .await
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
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path((id, request)): Path<(String, String)>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let ombud = state.ombud.clone();
    act(&state, lang, &headers, &id, |session, case| async move {
        let request = request.parse().map_err(|_| ServiceError::NotFound)?;
        ombud.answer_request(&session, case, request, &form.outcome, &form.reason).await
    })
    .await
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

pub async fn change_deadline(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path((id, deadline)): Path<(String, String)>,
    Form(form): Form<ChangeForm>,
) -> Response {
    let zone = state.ombud.config().policy.time_zone().unwrap_or(jiff::tz::TimeZone::UTC);
    let ombud = state.ombud.clone();
    act(&state, lang, &headers, &id, |session, case| async move {
        let deadline = deadline.parse().map_err(|_| ServiceError::NotFound)?;
        // A date means the end of that day in the organisation's zone.
        let until = form
            .until
            .trim()
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.at(23, 59, 59, 0).to_zoned(zone).ok())
            .map(|z| z.timestamp())
            .ok_or_else(|| {
                ServiceError::Invalid(vec![ombud_domain::FieldError { field: "until".into(), code: "invalid-date" }])
            })?;
        let request = ombud_service::DeadlineChangeRequest {
            kind: &form.kind,
            until,
            justification: &form.justification,
            reason_for_reporter: &form.reason_for_reporter,
        };
        ombud.change_deadline(&session, case, deadline, request).await
    })
    .await
}

pub async fn proceeding(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ombud_service::Proceeding>,
) -> Response {
    let ombud = state.ombud.clone();
    act(&state, lang, &headers, &id, |session, case| async move { ombud.link_proceeding(&session, case, form).await })
        .await
}

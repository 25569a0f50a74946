//! The reporter's pages: landing, report form, receipt, follow-up.

use super::display::{CaseDisplay, case_display};
use super::page::PageResult;
use super::page::{
    Choice, Page, choices, download_response, error_page, render, render_with, see_other, with_session_cookie,
};
use crate::error::field_message;
use crate::error::field_messages;
use crate::extract::{ItemPath, ReporterPage};
use crate::extract::{REPORTER_COOKIE, reporter_session};
use crate::i18n::Lang;
use crate::{AppState, uploads};
use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use ombud_domain::AttachmentId;
use ombud_domain::{
    Category, Contact, FieldError, Location, LocationKind, MAX_DESCRIPTION_CHARS, MAX_PEOPLE, Occurred, PersonInvolved,
    PersonRole, ReportDraft, ReporterRequest, RequestKind,
};
use ombud_service::{ReporterSession, ServiceError};
use std::collections::HashMap;
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "reporter/landing.html")]
pub struct LandingPage {
    page: Page,
}

pub async fn landing(State(state): State<AppState>, lang: Lang) -> Response {
    render(&LandingPage { page: Page::new(&state, lang, "/", "landing-title") })
}

/// Everything typed into the report form, as typed.
#[derive(Default)]
pub struct ReportFormValues {
    pub category: String,
    pub description: String,
    pub occurred_date: String,
    pub occurred_approximate: bool,
    pub occurred_description: String,
    pub location_kind: String,
    pub location_detail: String,
    pub people: Vec<PersonRow>,
    pub requests: Vec<String>,
    pub request_other_detail: String,
    pub confidential: bool,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// The form's one-time token: the same form sent twice files one report.
    pub form_token: String,
}

#[derive(Default, Clone)]
pub struct PersonRow {
    pub index: usize,
    pub name: String,
    pub employee_id: String,
    pub email: String,
    pub role: String,
    /// "internal", "external" or "" (she is not sure: routed as inside).
    pub side: String,
}

impl ReportFormValues {
    /// A new form: one person block, and a fresh one-time token. Serving the
    /// form writes nothing; the token's hash is written only with a report.
    fn blank() -> Result<Self, ServiceError> {
        Ok(Self {
            people: vec![PersonRow::default()],
            form_token: ombud_service::random_token()?,
            ..Default::default()
        })
    }

    /// How many person blocks the form showed: its own count, or more if a
    /// later block holds something, never fewer than one.
    fn people_shown(f: &uploads::FormData) -> usize {
        let said = f.text("people_count").trim().parse::<usize>().unwrap_or(1);
        let used = (0..MAX_PEOPLE)
            .rev()
            .find(|i| {
                ["name", "employee_id", "email", "role", "side"]
                    .iter()
                    .any(|k| !f.text(&format!("person_{i}_{k}")).is_empty())
            })
            .map_or(0, |i| i + 1);
        said.max(used).clamp(1, MAX_PEOPLE)
    }

    /// Another empty person block, up to the most a report can name.
    fn add_person(&mut self) {
        if self.people.len() < MAX_PEOPLE {
            self.people.push(PersonRow { index: self.people.len(), ..Default::default() });
        }
    }

    fn from_form(f: &uploads::FormData) -> Self {
        Self {
            category: f.text("category"),
            description: f.text("description"),
            occurred_date: f.text("occurred_date"),
            occurred_approximate: f.checked("occurred_approximate"),
            occurred_description: f.text("occurred_description"),
            location_kind: f.text("location_kind"),
            location_detail: f.text("location_detail"),
            people: (0..Self::people_shown(f))
                .map(|i| PersonRow {
                    index: i,
                    name: f.text(&format!("person_{i}_name")),
                    employee_id: f.text(&format!("person_{i}_employee_id")),
                    email: f.text(&format!("person_{i}_email")),
                    role: f.text(&format!("person_{i}_role")),
                    side: f.text(&format!("person_{i}_side")),
                })
                .collect(),
            requests: RequestKind::ALL
                .iter()
                .map(|k| k.as_str().to_owned())
                .filter(|k| f.checked(&format!("request_{k}")))
                .collect(),
            request_other_detail: f.text("request_other_detail"),
            confidential: f.text("mode") == "confidential",
            contact_name: f.text("contact_name"),
            contact_email: f.text("contact_email"),
            contact_phone: f.text("contact_phone"),
            form_token: f.text("form_token"),
        }
    }

    fn draft(&self, lang: Lang) -> ReportDraft {
        let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        ReportDraft {
            category: self.category.clone(),
            description: self.description.clone(),
            language: Some(lang.code().to_owned()),
            occurred: Occurred {
                date: opt(&self.occurred_date),
                approximate: self.occurred_approximate,
                description: opt(&self.occurred_description),
            },
            location: Location { kind: opt(&self.location_kind), detail: opt(&self.location_detail) },
            people: self
                .people
                .iter()
                .map(|p| PersonInvolved {
                    name: p.name.clone(),
                    employee_id: opt(&p.employee_id),
                    email: opt(&p.email),
                    role: p.role.clone(),
                    internal: match p.side.as_str() {
                        "internal" => Some(true),
                        "external" => Some(false),
                        _ => None,
                    },
                })
                .collect(),
            requests: self
                .requests
                .iter()
                .map(|k| ReporterRequest {
                    kind: k.clone(),
                    detail: if k == "other" { opt(&self.request_other_detail) } else { None },
                })
                .collect(),
            anonymous: !self.confidential,
            contact: self.confidential.then(|| Contact {
                name: self.contact_name.clone(),
                email: opt(&self.contact_email),
                phone: opt(&self.contact_phone),
            }),
        }
    }

    pub fn requested(&self, kind: &str) -> bool {
        self.requests.iter().any(|r| r == kind)
    }
}

#[derive(Template)]
#[template(path = "reporter/report_form.html")]
pub struct ReportFormPage {
    page: Page,
    form: ReportFormValues,
    /// Field id → message, shown beside the field.
    errors: HashMap<String, String>,
    /// Each problem in form order, for the summary at the top: (field id,
    /// "the field's name: the message").
    summary: Vec<(String, String)>,
    categories: Vec<Choice>,
    locations: Vec<Choice>,
    roles: Vec<Choice>,
    requests: Vec<Choice>,
    max_file_mb: u64,
    /// Text and files together, the most one send may carry.
    max_total_mb: usize,
    max_description: usize,
    /// Files she had chosen when the form came back: to be chosen again.
    chosen_files: Vec<String>,
}

impl ReportFormPage {
    fn err(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    /// `aria-describedby` for a field, when it has an error.
    fn described(&self, field: &str) -> String {
        if self.errors.contains_key(field) { format!("{field}-error") } else { String::new() }
    }

    fn can_add_person(&self) -> bool {
        self.form.people.len() < MAX_PEOPLE
    }

    /// The form's limits, stated before she starts.
    fn limits(&self) -> String {
        let tr = &self.page.tr;
        let chars = tr.number(self.max_description);
        tr.t_with("report-limits", &[("chars", chars.into()), ("mb", self.max_total_mb.into())])
    }

    fn description_limit(&self) -> String {
        let chars = self.page.tr.number(self.max_description);
        self.page.tr.t_with("report-description-limit", &[("chars", chars.into())])
    }
}

/// The form field a domain error belongs to: `people.1.name` → `person_1_name`.
fn form_field(domain_field: &str) -> String {
    if domain_field.starts_with("requests.") {
        return if domain_field.ends_with(".detail") { "request_other_detail" } else { "requests" }.to_owned();
    }
    domain_field.replacen("people.", "person_", 1).replace('.', "_")
}

/// What the error summary calls a form field, so each line says which
/// answer to look at ("Person 2 — Name: …").
fn field_name(tr: &crate::i18n::Tr, field: &str) -> String {
    if let Some(rest) = field.strip_prefix("person_")
        && let Some((n, part)) = rest.split_once('_')
        && let Ok(n) = n.parse::<usize>()
    {
        let part = match part {
            "name" => "report-person-name",
            "email" => "report-person-email",
            "employee_id" => "report-person-employee-id",
            "side" => "report-person-side",
            _ => "report-person-role",
        };
        return format!("{} {} — {}", tr.t("report-person"), n + 1, tr.t(part));
    }
    tr.t(match field {
        "category" => "report-category-legend",
        "description" => "report-description-label",
        "occurred_date" => "report-when-date",
        "occurred_description" => "report-when-description",
        "location_kind" => "report-where-kind",
        "location_detail" => "report-where-detail",
        "people" => "report-people-legend",
        "requests" => "report-requests-legend",
        "request_other_detail" => "report-requests-other-detail",
        "contact_name" => "report-contact-name",
        "contact_email" => "report-contact-email",
        "contact_phone" => "report-contact-phone",
        _ => "report-attachments-label",
    })
}

/// A problem in her words; a description over the limit says by how much.
fn problem(tr: &crate::i18n::Tr, form: &ReportFormValues, e: &FieldError) -> String {
    if e.field == "description" && e.code == "too-long" {
        let count = tr.number(form.description.trim().chars().count());
        let max = tr.number(MAX_DESCRIPTION_CHARS);
        return tr.t_with("field-description-too-long", &[("count", count.into()), ("max", max.into())]);
    }
    field_message(tr, e)
}

/// A message over the limit: by how much, and that nothing was lost.
fn message_too_long(tr: &crate::i18n::Tr, body: &str) -> String {
    let count = tr.number(body.trim().chars().count());
    let max = tr.number(ombud_domain::MAX_MESSAGE_CHARS);
    tr.t_with("field-message-too-long", &[("count", count.into()), ("max", max.into())])
}

fn form_page(
    state: &AppState,
    lang: Lang,
    form: ReportFormValues,
    errors: &[FieldError],
    chosen_files: Vec<String>,
) -> ReportFormPage {
    let page = Page::new(state, lang, "/report", "report-title");
    let tr = page.tr;
    let summary: Vec<(String, String)> = errors
        .iter()
        .map(|e| {
            let field = form_field(&e.field);
            let name = field_name(&tr, &field);
            // A label that asks ("What is it about?") takes no colon after it.
            let key = if name.ends_with(['?', '？']) { "form-error-line-asked" } else { "form-error-line" };
            let line = tr.t_with(key, &[("field", name.into()), ("message", problem(&tr, &form, e).into())]);
            (field.clone(), line)
        })
        .collect();
    let mut map = HashMap::new();
    for (e, (field, _)) in errors.iter().zip(&summary) {
        map.entry(field.clone()).or_insert_with(|| problem(&tr, &form, e));
    }
    ReportFormPage {
        categories: choices(&tr, &Category::ALL, Category::as_str),
        locations: choices(&tr, &LocationKind::ALL, LocationKind::as_str),
        roles: choices(&tr, &PersonRole::ALL, PersonRole::as_str),
        requests: choices(&tr, &RequestKind::ALL, RequestKind::as_str),
        max_file_mb: state.ombud.config().max_attachment_bytes / (1024 * 1024),
        max_total_mb: state.config.max_upload_request_bytes / (1024 * 1024),
        max_description: MAX_DESCRIPTION_CHARS,
        page,
        form,
        errors: map,
        summary,
        chosen_files,
    }
}

pub async fn report_form(State(state): State<AppState>, lang: Lang) -> Response {
    match ReportFormValues::blank() {
        Ok(form) => render(&form_page(&state, lang, form, &[], Vec::new())),
        Err(e) => error_page(lang, e),
    }
}

#[derive(Template)]
#[template(path = "reporter/receipt.html")]
pub struct ReceiptPage {
    page: Page,
    receipt: String,
    reference: String,
    /// Posts once to start her session: "Check on my report".
    /// "Check on my report" without the receipt; None if it could not be
    /// made (her receipt is shown all the same: it is shown only once).
    continue_token: Option<String>,
}

/// More than the server reads at once: nothing of it was read, and the page
/// says so plainly, with the limit (a form can only come back with what
/// was received).
fn too_large(state: &AppState, lang: Lang) -> Response {
    let page = Page::plain(lang, "/report", "report-too-large");
    let mb = state.config.max_upload_request_bytes / (1024 * 1024);
    let body = page.tr.t_with("report-too-large-body", &[("mb", mb.into())]);
    let heading = page.title.clone();
    let link = Some(("/report".to_owned(), page.tr.t("report-too-large-again")));
    render_with(StatusCode::PAYLOAD_TOO_LARGE, &super::page::MessagePage { page, heading, body, link })
}

fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers.get(axum::http::header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

pub async fn submit(State(state): State<AppState>, lang: Lang, headers: HeaderMap, multipart: Multipart) -> Response {
    if declared_length(&headers).is_some_and(|n| n > state.config.max_upload_request_bytes) {
        return too_large(&state, lang);
    }
    let data = uploads::read(multipart, state.ombud.config().max_attachment_bytes).await;
    if data.file_problem == Some("request-too-large") {
        // Cut off on the way: what arrived is not all she sent.
        return too_large(&state, lang);
    }
    let mut form = ReportFormValues::from_form(&data);
    let chosen = data.file_names.clone();
    if data.checked("add_person") {
        // "Add another person": the form comes back whole, one block longer.
        form.add_person();
        return render(&form_page(&state, lang, form, &[], chosen));
    }
    if let Some(problem) = data.file_problem {
        // Keep her words; the files themselves must be chosen again.
        let error = FieldError { field: "attachments".into(), code: problem };
        let mut errors = vec![error];
        errors.extend(state.ombud.check_report(&form.draft(lang)));
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&state, lang, form, &errors, chosen));
    }
    let token = Some(form.form_token.trim()).filter(|t| !t.is_empty());
    match state.ombud.submit_report(&form.draft(lang), data.files, token).await {
        Ok(done) => {
            let continue_token = state.continue_token(&done.session).await;
            let mut page = Page::new(&state, lang, "/report", "receipt-title");
            page.path = None;
            render(&ReceiptPage { page, receipt: done.receipt.grouped(), reference: done.reference, continue_token })
        }
        Err(ServiceError::Invalid(errors)) => {
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&state, lang, form, &errors, chosen))
        }
        Err(e) => error_page(lang, e),
    }
}

#[derive(serde::Deserialize)]
pub struct ContinueForm {
    #[serde(default)]
    token: String,
}

/// "Check on my report" from the receipt page: her session starts from the
/// token the page carries, without retyping the receipt, within ten minutes.
pub async fn continue_to_case(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Form(form): Form<ContinueForm>,
) -> Response {
    let token = state.continued(form.token.trim()).await;
    if token.is_none() && reporter_session(&state, &headers).await.is_some() {
        // Pressed again on this device: her case is already open here.
        return see_other("/follow-up");
    }
    match token {
        Some(session) => match state.begin_reporter_session(&session).await {
            Ok(token) => with_session_cookie(&state, REPORTER_COOKIE, &token, "/follow-up"),
            Err(e) => error_page(lang, e),
        },
        None => {
            let message = lang.tr().t("follow-up-continue-expired");
            render_with(StatusCode::GONE, &entry_page(&state, lang, String::new(), Some(message)))
        }
    }
}

#[derive(Template)]
#[template(path = "reporter/follow_up_entry.html")]
pub struct FollowUpEntryPage {
    page: Page,
    receipt: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "reporter/follow_up_case.html")]
pub struct FollowUpCasePage {
    page: Page,
    case: CaseDisplay,
    reply: String,
    reply_action: &'static str,
    reply_error: Option<String>,
    max_file_mb: u64,
    /// "Raised to oversight on …", once it was.
    escalated: Option<String>,
    /// A deadline was missed and she has not raised it herself yet.
    can_escalate: bool,
    /// After she reported: a check-in to answer, reviews, her later reports.
    after: AfterDisplay,
    /// Beside the choice of a record she kept: why it was refused.
    record_error: Option<String>,
}

/// What her page asks or tells after she reported, in words for her.
#[derive(Default)]
pub struct AfterDisplay {
    check_in: Option<u32>,
    reviews: Vec<String>,
    follow_ups: Vec<String>,
    notice: Option<String>,
    /// The check-in mails: offered when a check-in is ahead and this
    /// instance sends mail; the address she gave, once she asked.
    reminders_offered: bool,
    /// "We will mail … when a check-in waits here", once she asked.
    reminder_on: Option<String>,
    /// What she typed, and its problem, when the form came back.
    reminder_value: String,
    reminder_error: Option<String>,
}

/// What her page says at the top of "after", and the reminder form as she sent it.
#[derive(Default)]
struct AfterForm {
    notice: Option<&'static str>,
    reminder_value: String,
    reminder_error: Option<String>,
    /// Beside the choice of a record she kept: why it was refused.
    record_error: Option<String>,
}

fn after_display(page: &Page, after: ombud_service::AfterReport) -> AfterDisplay {
    let tr = &page.tr;
    let reviews = after
        .reviews
        .iter()
        .map(|r| {
            let key = match r.outcome {
                ombud_domain::HrActionStatus::Overturned => "her-review-overturned",
                ombud_domain::HrActionStatus::Modified => "her-review-modified",
                _ => "her-review-upheld",
            };
            tr.t_with(key, &[("action", tr.label(r.action).to_lowercase().into()), ("when", page.time(&r.at).into())])
        })
        .collect();
    let follow_ups = after
        .follow_ups
        .iter()
        .map(|f| {
            tr.t_with("her-follow-up", &[("reference", f.case_ref.clone().into()), ("when", page.time(&f.at).into())])
        })
        .collect();
    AfterDisplay {
        check_in: after.check_in,
        reviews,
        follow_ups,
        reminders_offered: after.check_ins_ahead || after.reminder_email.is_some(),
        reminder_on: after.reminder_email.map(|email| tr.t_with("her-reminders-on", &[("email", email.into())])),
        ..AfterDisplay::default()
    }
}

fn entry_page(state: &AppState, lang: Lang, receipt: String, error: Option<String>) -> FollowUpEntryPage {
    FollowUpEntryPage { page: Page::new(state, lang, "/follow-up", "follow-up-title"), receipt, error }
}

async fn case_page(
    state: &AppState,
    lang: Lang,
    session: &ReporterSession,
    reply: String,
    reply_error: Option<String>,
) -> Response {
    case_page_with(state, lang, session, reply, reply_error, AfterForm::default()).await
}

async fn case_page_with(
    state: &AppState,
    lang: Lang,
    session: &ReporterSession,
    reply: String,
    reply_error: Option<String>,
    form: AfterForm,
) -> Response {
    match state.ombud.reporter(session).case().await {
        Ok(view) => {
            let page = Page::new(state, lang, "/follow-up", "follow-up-case-title");
            let now = state.ombud.clock().now();
            let case = case_display(&page, &view, now, "/follow-up/attachments/", false);
            let max_file_mb = state.ombud.config().max_attachment_bytes / (1024 * 1024);
            let invalid = reply_error.is_some() || form.reminder_error.is_some() || form.record_error.is_some();
            let status = if invalid { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            let escalated =
                view.case.escalated_at.map(|at| page.tr.t_with("escalated-notice", &[("when", page.time(&at).into())]));
            let raised_by_her = view.escalations.iter().any(|e| e.cause == ombud_service::EscalationCause::Reporter);
            let can_escalate = !raised_by_her && ombud_domain::reporter_may_escalate(&view.deadlines, now);
            let record_error = form.record_error.clone();
            let after = match state.ombud.reporter(session).after_report().await {
                Ok(after) => {
                    let shown = after_display(&page, after);
                    AfterDisplay {
                        notice: form.notice.map(|k| page.tr.t(k)),
                        reminders_offered: shown.reminders_offered && state.config.operations.mail_server.is_some(),
                        reminder_value: form.reminder_value,
                        reminder_error: form.reminder_error,
                        ..shown
                    }
                }
                Err(e) => return error_page(lang, e),
            };
            render_with(
                status,
                &FollowUpCasePage {
                    page,
                    case,
                    reply,
                    reply_action: "/follow-up/reply",
                    reply_error,
                    max_file_mb,
                    escalated,
                    can_escalate,
                    after,
                    record_error,
                },
            )
        }
        Err(e) => error_page(lang, e),
    }
}

pub async fn follow_up(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    match reporter_session(&state, &headers).await {
        Some(session) if uri.query().is_some_and(|q| q.split('&').any(|p| p == "checked=1")) => {
            let form = AfterForm { notice: Some("her-check-in-thanks"), ..AfterForm::default() };
            case_page_with(&state, lang, &session, String::new(), None, form).await
        }
        Some(session) if uri.query().is_some_and(|q| q.split('&').any(|p| p == "done=sent-once")) => {
            let form = AfterForm { notice: Some("her-sent-once"), ..AfterForm::default() };
            case_page_with(&state, lang, &session, String::new(), None, form).await
        }
        Some(session) if uri.query().is_some_and(|q| q.split('&').any(|p| p.starts_with("reminders="))) => {
            let stopped = uri.query().is_some_and(|q| q.split('&').any(|p| p == "reminders=stopped"));
            let notice = if stopped { "her-reminders-stopped" } else { "her-reminders-asked" };
            let form = AfterForm { notice: Some(notice), ..AfterForm::default() };
            case_page_with(&state, lang, &session, String::new(), None, form).await
        }
        Some(session) => case_page(&state, lang, &session, String::new(), None).await,
        None => render(&entry_page(&state, lang, String::new(), None)),
    }
}

#[derive(serde::Deserialize)]
pub struct ReceiptForm {
    #[serde(default)]
    receipt: String,
}

/// Opens a case with a receipt. A correct receipt always gets in, however
/// many wrong ones came before it from anywhere: only a receipt that matches
/// no case counts against its client's limit, and only such a receipt is
/// ever refused for it (a wrong receipt costs no key derivation).
pub async fn open_with_receipt(
    state: &AppState,
    client: std::net::IpAddr,
    receipt: &str,
) -> Result<ReporterSession, crate::error::ApiOrPage> {
    use crate::error::ApiOrPage;
    match state.ombud.find_receipt(receipt).await {
        Ok(found) => state.ombud.open_receipt(found).await.map_err(ApiOrPage::Service),
        Err(e @ (ServiceError::BadReceipt | ServiceError::MalformedReceipt)) => {
            if !state.receipt_limiter.allowed(client) {
                return Err(ApiOrPage::RateLimited);
            }
            state.receipt_limiter.record_failure(client);
            Err(ApiOrPage::Service(e))
        }
        Err(e) => Err(ApiOrPage::Service(e)),
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    lang: Lang,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<ReceiptForm>,
) -> Response {
    let tr = lang.tr();
    let client = crate::limits::client_address(&state.config, addr, &headers);
    match open_with_receipt(&state, client, &form.receipt).await {
        Ok(session) => match state.begin_reporter_session(&session).await {
            Ok(token) => with_session_cookie(&state, REPORTER_COOKIE, &token, "/follow-up"),
            Err(e) => error_page(lang, e),
        },
        Err(crate::error::ApiOrPage::RateLimited) => render_with(
            StatusCode::TOO_MANY_REQUESTS,
            &entry_page(&state, lang, form.receipt, Some(tr.t("error-too-many-attempts"))),
        ),
        Err(crate::error::ApiOrPage::Service(e)) => {
            let (status, code) = crate::error::classify(&e);
            if status.is_server_error() {
                return error_page(lang, e);
            }
            let message = tr.t(&crate::error::message_key(code));
            render_with(status, &entry_page(&state, lang, form.receipt, Some(message)))
        }
    }
}

pub async fn reply(
    State(state): State<AppState>,
    lang: Lang,
    ReporterPage(session): ReporterPage,
    multipart: Multipart,
) -> Response {
    let data = uploads::read(multipart, state.ombud.config().max_attachment_bytes).await;
    let body = data.text("body");
    let tr = lang.tr();
    if let Some(problem) = data.file_problem {
        let message = tr.t(&format!("field-{problem}"));
        return case_page(&state, lang, &session, body, Some(message)).await;
    }
    match state.ombud.reporter(&session).reply(&body, data.files).await {
        Ok(_) => see_other("/follow-up#thread"),
        Err(ServiceError::Invalid(errors)) => {
            let message = if errors.iter().any(|e| e.code == "too-long") {
                message_too_long(&tr, &body)
            } else {
                field_messages(&tr, &errors)
            };
            case_page(&state, lang, &session, body, Some(message)).await
        }
        Err(e) => error_page(lang, e),
    }
}

/// She raises her case to the oversight committee (one button, no script).
#[derive(serde::Deserialize)]
pub struct CheckInForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    changed: String,
}

/// Her answer to a check-in: "yes" goes on to telling what happened.
pub async fn check_in(
    State(state): State<AppState>,
    lang: Lang,
    ReporterPage(session): ReporterPage,
    Form(form): Form<CheckInForm>,
) -> Response {
    let changed = match form.changed.as_str() {
        "yes" => true,
        "no" => false,
        _ => return see_other("/follow-up#after"),
    };
    let Ok(day) = form.day.trim().parse::<u32>() else { return see_other("/follow-up#after") };
    if changed {
        // "Yes" goes on to what happened; nothing is recorded until she tells it.
        return see_other(&format!("/follow-up/retaliation?check_in={day}"));
    }
    match state.ombud.reporter(&session).answer_check_in(day, false).await {
        Ok(()) => see_other("/follow-up?checked=1#after"),
        // Answered already (sent twice, or from another tab): her page as it is.
        Err(ServiceError::Invalid(_)) => see_other("/follow-up#after"),
        Err(e) => error_page(lang, e),
    }
}

#[derive(Template)]
#[template(path = "reporter/retaliation.html")]
pub struct RetaliationPage {
    page: Page,
    description: String,
    person: String,
    /// The check-in she answered "yes" to, answered with this report.
    check_in: String,
    error: Option<String>,
}

fn retaliation_page(state: &AppState, lang: Lang, form: RetaliationForm, error: Option<String>) -> Response {
    let page = Page::new(state, lang, "/follow-up/retaliation", "her-retaliation-title");
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let RetaliationForm { description, person, check_in } = form;
    render_with(status, &RetaliationPage { page, description, person, check_in, error })
}

#[derive(serde::Deserialize, Default)]
pub struct CheckInQuery {
    #[serde(default)]
    check_in: String,
}

/// "Something has happened to me since I reported": what happened, and who did it if she says.
pub async fn retaliation_form(
    State(state): State<AppState>,
    lang: Lang,
    ReporterPage(_): ReporterPage,
    axum::extract::Query(query): axum::extract::Query<CheckInQuery>,
) -> Response {
    let form = RetaliationForm { check_in: query.check_in, ..RetaliationForm::default() };
    retaliation_page(&state, lang, form, None)
}

#[derive(serde::Deserialize, Default)]
pub struct RetaliationForm {
    #[serde(default)]
    description: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    check_in: String,
}

pub async fn report_retaliation(
    State(state): State<AppState>,
    lang: Lang,
    ReporterPage(session): ReporterPage,
    Form(form): Form<RetaliationForm>,
) -> Response {
    let people = if form.person.trim().is_empty() {
        Vec::new()
    } else {
        vec![ombud_domain::PersonInvolved {
            name: form.person.clone(),
            role: "accused".into(),
            ..ombud_domain::PersonInvolved::default()
        }]
    };
    let input = ombud_service::RetaliationInput {
        description: form.description.clone(),
        people,
        check_in: form.check_in.trim().parse().ok(),
    };
    match state.ombud.reporter(&session).report_retaliation(&input).await {
        Ok(done) => {
            let continue_token = state.continue_token(&done.session).await;
            let mut page = Page::new(&state, lang, "/follow-up/retaliation", "receipt-title");
            page.path = None;
            render(&ReceiptPage { page, receipt: done.receipt.grouped(), reference: done.reference, continue_token })
        }
        Err(ServiceError::Invalid(errors)) => {
            let message = crate::error::field_messages(&lang.tr(), &errors);
            retaliation_page(&state, lang, form, Some(message))
        }
        Err(e) => error_page(lang, e),
    }
}

#[derive(serde::Deserialize)]
pub struct ReminderForm {
    #[serde(default)]
    email: String,
    /// `stop` withdraws them; anything else asks.
    #[serde(default)]
    action: String,
}

/// She asks to be mailed when a check-in waits, or stops it. A mistake
/// comes back beside the field with what she typed.
pub async fn reminders(
    State(state): State<AppState>,
    lang: Lang,
    ReporterPage(session): ReporterPage,
    Form(form): Form<ReminderForm>,
) -> Response {
    let desk = state.ombud.reporter(&session);
    if form.action == "stop" {
        return match desk.stop_check_in_reminders().await {
            Ok(()) => see_other("/follow-up?reminders=stopped#after"),
            Err(e) => error_page(lang, e),
        };
    }
    let result = if state.config.operations.mail_server.is_none() {
        Err(ServiceError::invalid_field("email", "no-mail-here"))
    } else {
        desk.ask_check_in_reminders(&ombud_service::ReminderInput { email: form.email.clone() }).await
    };
    match result {
        Ok(()) => see_other("/follow-up?reminders=asked#after"),
        Err(ServiceError::Invalid(errors)) => {
            let reminder_error = Some(crate::error::field_messages(&lang.tr(), &errors));
            let form = AfterForm { reminder_value: form.email, reminder_error, ..AfterForm::default() };
            case_page_with(&state, lang, &session, String::new(), None, form).await
        }
        Err(e) => error_page(lang, e),
    }
}

pub async fn escalate(State(state): State<AppState>, ReporterPage(session): ReporterPage) -> PageResult {
    state.ombud.reporter(&session).escalate().await?;
    Ok(see_other("/follow-up"))
}

/// Her record of handling as a file she keeps, to check offline later.
pub async fn record(State(state): State<AppState>, ReporterPage(session): ReporterPage) -> PageResult {
    record_file(&state, &session, None).await
}

/// The largest record file she may choose to be proven against (a record
/// holds one short line per step; this is thousands of steps).
const MAX_KEPT_RECORD: u64 = 4 * 1024 * 1024;

/// Her record again, with the proof that it extends one she kept and chose:
/// the server remembers no download, so the earlier record comes from her.
pub async fn record_since(
    State(state): State<AppState>,
    lang: Lang,
    ReporterPage(session): ReporterPage,
    multipart: Multipart,
) -> Response {
    let data = uploads::read(multipart, MAX_KEPT_RECORD).await;
    // Too large, or not JSON of a record: either way not a record of hers.
    let kept = data.files.first().filter(|_| data.file_problem.is_none());
    let problem = match kept.and_then(|f| serde_json::from_slice::<ombud_service::Record>(&f.bytes).ok()) {
        None => "record-not-a-record",
        Some(kept) => match state.ombud.size_of_kept_record(&kept) {
            Ok(size) => {
                return axum::response::IntoResponse::into_response(record_file(&state, &session, Some(size)).await);
            }
            Err(ServiceError::Invalid(errors)) => errors.first().map_or("record-not-ours", |e| e.code),
            Err(e) => return error_page(lang, e),
        },
    };
    let record_error = Some(lang.tr().t(&format!("field-{problem}")));
    case_page_with(&state, lang, &session, String::new(), None, AfterForm { record_error, ..Default::default() }).await
}

async fn record_file(state: &AppState, session: &ReporterSession, since: Option<u64>) -> PageResult {
    let record = state.ombud.reporter(session).record(since).await?;
    let bytes = serde_json::to_vec_pretty(&record).map_err(|_| ServiceError::NotFound)?;
    Ok(download_response(ombud_service::Download {
        name: format!("ombud-record-{}.json", record.case_ref),
        content_type: "application/json".into(),
        bytes,
    }))
}

/// Her session is sealed in the cookie and recorded nowhere: signing out
/// clears the cookie, and the session it held expires within the hour.
pub async fn sign_out(State(state): State<AppState>) -> Response {
    with_session_cookie(&state, REPORTER_COOKIE, "", "/")
}

pub async fn download(
    State(state): State<AppState>,
    ReporterPage(session): ReporterPage,
    ItemPath(id): ItemPath<uuid::Uuid>,
) -> PageResult {
    Ok(download_response(state.ombud.reporter(&session).attachment(AttachmentId(id)).await?))
}

#[cfg(test)]
mod tests {
    use super::form_field;

    #[test]
    fn domain_fields_map_to_form_fields() {
        assert_eq!(form_field("people.2.name"), "person_2_name");
        assert_eq!(form_field("occurred.date"), "occurred_date");
        assert_eq!(form_field("requests.3.kind"), "requests");
        assert_eq!(form_field("description"), "description");
    }
}

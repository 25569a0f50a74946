//! The staff's case page: the case as its reader sees it, the people named
//! with who the directory says they are, the history, and the forms for
//! every step her role may take.

use super::display::{CaseDisplay, case_display};
use super::page::{Choice, Page, choices, error_page, render_with};
use super::staff::staff_page;
use crate::AppState;
use crate::i18n::Lang;
use crate::labels::label_of;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use ombud_domain::{AnswerOutcome, CaseId};
use ombud_service::{CaseView, StaffSession};

pub struct HistoryLine {
    what: String,
    at: String,
    by: String,
    reason: String,
    /// What she was told with the step.
    for_reporter: String,
}

pub struct DeadlineOption {
    id: String,
    label: String,
}

#[derive(Template)]
#[template(path = "staff/case.html")]
pub struct CasePage {
    page: Page,
    case: CaseDisplay,
    steps: Vec<Choice>,
    outcomes: Vec<Choice>,
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
    feedback: String,
    feedback_error: Option<String>,
    max_file_mb: u64,
    parties: Vec<PartyLine>,
    access_log: Vec<AccessLine>,
    contact_hidden: bool,
    is_oversight: bool,
    /// Why only oversight reads the case, when it is oversight's alone.
    routing_notice: Option<String>,
    step_form: StepValues,
}

/// What the case page shows besides the case: her reply as typed when it
/// came back with a problem, and a notice about the last action.
#[derive(Default)]
pub struct CaseForm {
    pub reply: String,
    pub reply_error: Option<String>,
    pub notice: Option<String>,
    /// Her feedback as typed, when it came back with a problem.
    pub feedback: String,
    pub feedback_error: Option<String>,
    /// The step form as typed, when it came back with a problem.
    pub step: StepValues,
}

/// The step form as typed, with each problem by the field it concerns
/// (`step`, `reason`, `for_reporter`, `requests`).
#[derive(Default)]
pub struct StepValues {
    pub step: String,
    pub reason: String,
    pub for_reporter: String,
    pub errors: Vec<(String, String)>,
}

impl StepValues {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

impl CaseForm {
    pub fn notice(text: String) -> Self {
        Self { notice: Some(text), ..Self::default() }
    }
}

/// Opens the case (recorded) and shows it.
pub async fn show_case(state: &AppState, lang: Lang, session: &StaffSession, id: CaseId, form: CaseForm) -> Response {
    match state.ombud.staff(session).case(id).await {
        Ok(view) => render_case(state, lang, session, view, form).await,
        Err(e) => error_page(lang, e),
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
    /// Read by someone excluded since: shown first, with when.
    excluded: Option<String>,
}

fn party_lines(tr: &crate::i18n::Tr, page: &Page, view: &CaseView) -> Vec<PartyLine> {
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
                name: ombud_domain::shown_plainly(&p.name),
                role: tr.label(p.role),
                matched,
                how,
                employee_id: p.matched.as_ref().map(|m| m.employee_id.clone()).unwrap_or_default(),
                internal: p.internal && p.how != ombud_service::MatchHow::External,
            }
        })
        .collect()
}

/// The access log, for an oversight member only (nobody else sees it).
async fn access_lines(state: &AppState, page: &Page, session: &StaffSession, id: CaseId) -> Vec<AccessLine> {
    let Ok(oversight) = state.ombud.oversight(session) else { return Vec::new() };
    let tr = page.tr;
    match oversight.access_log(id).await {
        Ok(entries) => entries
            .iter()
            .map(|e| AccessLine {
                at: page.time(&e.at),
                what: crate::labels::access_key(e.action).map(|k| tr.t(k)).unwrap_or_default(),
                by: e.staff_name.clone().unwrap_or_default(),
                excluded: e
                    .excluded_at
                    .map(|at| tr.t_with("access-since-excluded", &[("when", page.time(&at).into())])),
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn history_lines(page: &Page, view: &CaseView) -> Vec<HistoryLine> {
    view.steps
        .iter()
        .map(|s| HistoryLine {
            what: label_of::<ombud_domain::Step>(&page.tr, &s.step),
            at: page.time(&s.at),
            by: s.by.clone().unwrap_or_default(),
            reason: s.reason.clone().unwrap_or_default(),
            for_reporter: s.for_reporter.clone().unwrap_or_default(),
        })
        .collect()
}

/// The deadlines a handler may still move: open ones, and the feedback
/// deadline only where the policy allows extending it.
fn open_deadlines(page: &Page, view: &CaseView, feedback_movable: bool) -> Vec<DeadlineOption> {
    view.deadline_rows
        .iter()
        .filter(|d| d.is_open() && (feedback_movable || d.kind != ombud_domain::DeadlineKind::Feedback))
        .map(|d| DeadlineOption {
            id: d.id.to_string(),
            label: format!("{} — {}", page.tr.label(d.kind), page.time(&d.due_at)),
        })
        .collect()
}

fn proceeding_lines(view: &CaseView) -> Vec<String> {
    view.proceedings
        .iter()
        .map(|p| {
            [Some(p.authority.clone()), Some(p.reference.clone()), p.date.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .collect()
}

/// The steps her role may take from where the case stands (acknowledging has its own button).
fn step_choices(page: &Page, view: &CaseView, session: &StaffSession) -> Vec<Choice> {
    ombud_domain::available_steps(view.case.status, view.case.category, session.role, view.case.routing)
        .into_iter()
        .filter(|s| *s != ombud_domain::Step::Acknowledge)
        .map(|s| Choice { value: s.as_str(), label: page.tr.label(s) })
        .collect()
}

pub async fn render_case(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    view: CaseView,
    form: CaseForm,
) -> Response {
    let id = view.case.id;
    let page = staff_page(state, lang, &format!("/staff/cases/{id}"), "case-title", session);
    let tr = page.tr;
    let can_handle = ombud_domain::works_case(session.role, view.case.routing);
    let invalid = form.reply_error.is_some() || form.feedback_error.is_some() || !form.step.errors.is_empty();
    let status = if invalid { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let template = CasePage {
        case: case_display(&page, &view, state.ombud.clock().now(), &format!("/staff/cases/{id}/attachments/"), true),
        steps: step_choices(&page, &view, session),
        outcomes: choices(&tr, &AnswerOutcome::ALL, AnswerOutcome::as_str),
        history: history_lines(&page, &view),
        open_deadlines: open_deadlines(&page, &view, state.ombud.config().policy.feedback_extension_months > 0),
        justifications: view
            .changes
            .iter()
            .map(|c| tr.t_with("deadline-justification", &[("reason", c.justification.clone().into())]))
            .collect(),
        proceedings: proceeding_lines(&view),
        can_handle,
        can_acknowledge: ombud_domain::may_take(session.role, ombud_domain::Step::Acknowledge, view.case.routing)
            && view.case.status.acknowledge().is_ok(),
        reply: form.reply,
        reply_action: format!("/staff/cases/{id}/reply"),
        reply_error: form.reply_error,
        notice: form.notice,
        feedback: form.feedback,
        feedback_error: form.feedback_error,
        max_file_mb: state.ombud.config().max_attachment_bytes / (1024 * 1024),
        parties: party_lines(&tr, &page, &view),
        access_log: access_lines(state, &page, session, id).await,
        contact_hidden: view.contact_hidden,
        is_oversight: session.role == ombud_domain::Role::Oversight,
        routing_notice: match view.case.routing {
            ombud_domain::CaseRouting::Decided => None,
            ombud_domain::CaseRouting::Restricted => Some(tr.t("case-routing-restricted")),
            ombud_domain::CaseRouting::Oversight => Some(tr.t("case-routing-oversight")),
        },
        step_form: form.step,
        page,
    };
    render_with(status, &template)
}

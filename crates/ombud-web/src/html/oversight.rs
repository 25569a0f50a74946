//! The oversight committee's pages.

use super::page::{Page, error_page, render};
use super::staff::staff_page;
use crate::AppState;
use crate::extract::OversightPage;
use crate::extract::{CasePath, ItemPath};
use crate::i18n::Lang;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use ombud_domain::CaseId;
use ombud_service::{
    CaseRecord, ChangeView, DirectoryChangeView, DueDeadline, EscalatedCase, ExclusionView, QueueItem, QueueKind,
    ServiceError, StaffSession,
};

/// An escalated case, with everything missed and its resolve form.
pub struct EscalationLine {
    id: String,
    href: String,
    reference: String,
    since: String,
    missed: Vec<String>,
}

/// The resolve form as sent, when it came back with a problem.
#[derive(Default)]
pub struct ResolveSent {
    case_id: String,
    note: String,
    error: Option<String>,
}

impl ResolveSent {
    pub fn note_for(&self, case_id: &str) -> &str {
        if self.case_id == case_id { &self.note } else { "" }
    }

    pub fn error_for(&self, case_id: &str) -> Option<&str> {
        if self.case_id == case_id { self.error.as_deref() } else { None }
    }
}

pub struct ReviewLine {
    href: String,
    reference: String,
    text: String,
}

/// One thing waiting on oversight; an access lift carries its two choices.
pub struct QueueLine {
    href: String,
    reference: String,
    kind: String,
    text: String,
    /// Where approve and refuse post, for an access lift or a long pause.
    action: Option<String>,
}

#[derive(Template)]
#[template(path = "oversight/escalations.html")]
pub struct EscalationsPage {
    page: Page,
    queue: Vec<QueueLine>,
    lines: Vec<EscalationLine>,
    dismissals: Vec<ReviewLine>,
    overdue: Vec<ReviewLine>,
    changes: Vec<ReviewLine>,
    /// Who is kept out of which case, and why.
    exclusions: Vec<ReviewLine>,
    /// Who changed the directory.
    directory_changes: Vec<String>,
    /// People named as accused in three cases or more.
    repeat: Vec<RepeatLine>,
    notice: Option<String>,
    resolve: ResolveSent,
}

/// A person on the repeat-respondent list, with the cases.
pub struct RepeatLine {
    who: String,
    text: String,
    /// The cases, as (href, reference, status).
    cases: Vec<(String, String, String)>,
}

fn repeat_line(page: &Page, r: &ombud_service::RepeatRespondent) -> RepeatLine {
    let tr = &page.tr;
    RepeatLine {
        who: r.name.as_ref().map_or_else(|| r.person.clone(), |name| format!("{name} ({})", r.person)),
        text: tr.t_with(
            "oversight-repeat-line",
            &[("count", r.cases.into()), ("first", page.time(&r.first).into()), ("last", page.time(&r.last).into())],
        ),
        cases: r
            .readable
            .iter()
            .map(|c| (format!("/staff/cases/{}", c.case_id), c.case_ref.clone(), tr.label(c.status)))
            .collect(),
    }
}

/// The oversight committee's page: escalations, dismissals waiting for a
/// sign-off, overdue deadlines, moved deadlines and exclusions.
pub async fn escalations(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    query: Result<Query<Done>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let done = query.map(|q| q.0.done).unwrap_or_default();
    let notice = match done.as_str() {
        "escalation-resolved" => Some(lang.tr().t("done-escalation-resolved")),
        "sent-once" => Some(lang.tr().t("done-sent-once")),
        _ => None,
    };
    match review(&state, lang, &session, notice, ResolveSent::default()).await {
        Ok(page) => render(&page),
        Err(e) => error_page(lang, e),
    }
}

#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

#[derive(serde::Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    note: String,
}

/// Marks an escalated case dealt with, with a note; the note comes back
/// with the problem beside it when it is refused.
pub async fn resolve(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    CasePath(id): CasePath,
    Form(form): Form<ResolveForm>,
) -> Response {
    let result = match state.ombud.oversight(&session) {
        Ok(desk) => desk.resolve_escalation(id, &form.note).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => super::page::see_other("/oversight/escalations?done=escalation-resolved#escalated"),
        Err(ServiceError::Invalid(errors)) => {
            let error = Some(crate::error::field_messages(&lang.tr(), &errors));
            let sent = ResolveSent { case_id: id.to_string(), note: form.note, error };
            match review(&state, lang, &session, None, sent).await {
                Ok(page) => super::page::render_with(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(e) => error_page(lang, e),
            }
        }
        Err(e) => error_page(lang, e),
    }
}

async fn review(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    notice: Option<String>,
    resolve: ResolveSent,
) -> Result<EscalationsPage, ServiceError> {
    let desk = state.ombud.oversight(session)?;
    let page = staff_page(state, lang, "/oversight/escalations", "oversight-title", session);
    let lines = desk.escalated_cases(500).await?.iter().map(|e| escalation_line(&page, e)).collect();
    let dismissals = desk.pending_dismissals().await?.iter().map(|c| dismissal_line(&page, c)).collect();
    let overdue = desk.overdue().await?.iter().map(|d| overdue_line(&page, d)).collect();
    let changes = desk.deadline_changes().await?.iter().map(|c| change_line(&page, c)).collect();
    let exclusions = desk.exclusions(500).await?.iter().map(|x| exclusion_line(&page, x)).collect();
    let queue = desk.queue(500).await?.iter().map(|i| queue_line(&page, i)).collect();
    let directory_changes = desk.directory_changes(50).await?.iter().map(|c| directory_change_line(&page, c)).collect();
    let repeat = desk.repeat_respondents().await?.iter().map(|r| repeat_line(&page, r)).collect();
    Ok(EscalationsPage {
        page,
        queue,
        lines,
        dismissals,
        overdue,
        changes,
        exclusions,
        directory_changes,
        repeat,
        notice,
        resolve,
    })
}

/// Approves or refuses an access lift from the oversight page.
pub async fn decide_lift(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    CasePath(id): CasePath,
    ItemPath(staff): ItemPath<ombud_domain::StaffId>,
    Form(form): Form<LiftForm>,
) -> Response {
    let result = match state.ombud.oversight(&session) {
        Ok(desk) => desk.decide_lift(id, staff, form.decision == "approve").await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => super::page::see_other("/oversight/escalations#queue"),
        Err(e) => error_page(lang, e),
    }
}

/// A long pause approved or refused from the queue.
pub async fn decide_pause(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    ItemPath(change): ItemPath<uuid::Uuid>,
    Form(form): Form<LiftForm>,
) -> Response {
    let result = match state.ombud.oversight(&session) {
        Ok(desk) => desk.decide_pause(change, form.decision == "approve").await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => super::page::see_other("/oversight/escalations#queue"),
        Err(e) => error_page(lang, e),
    }
}

#[derive(serde::Deserialize)]
pub struct LiftForm {
    #[serde(default)]
    decision: String,
}

fn queue_line(page: &Page, item: &QueueItem) -> QueueLine {
    let tr = page.tr;
    let mut parts = vec![tr.t_with("oversight-queue-since", &[("when", page.time(&item.since).into())])];
    if let Some(due) = &item.due {
        parts.push(tr.t_with("oversight-queue-due", &[("when", page.time(due).into())]));
    }
    if let Some(name) = &item.staff_name {
        let key = if item.kind == QueueKind::DeadlinePause { "oversight-queue-pause" } else { "oversight-queue-lift" };
        parts.push(tr.t_with(key, &[("name", name.clone().into())]));
    }
    let action = match (item.kind, item.case_id, item.staff_id, item.change_id) {
        (QueueKind::AccessLift, Some(case), Some(staff), _) => Some(format!("/oversight/lifts/{case}/{staff}")),
        (QueueKind::DeadlinePause, _, _, Some(change)) => Some(format!("/oversight/pauses/{change}")),
        _ => None,
    };
    QueueLine {
        href: item.case_id.map(|id| format!("/staff/cases/{id}")).unwrap_or_default(),
        reference: item.case_ref.clone().unwrap_or_default(),
        kind: tr.t(queue_key(item.kind)),
        text: parts.join(" · "),
        action,
    }
}

fn queue_key(kind: QueueKind) -> &'static str {
    match kind {
        QueueKind::RestrictedRouting => "queue-restricted-routing",
        QueueKind::AccessLift => "queue-access-lift",
        QueueKind::Dismissal => "queue-dismissal",
        QueueKind::Referral => "queue-referral",
        QueueKind::DeadlinePause => "queue-pause",
        QueueKind::Unassigned => "queue-unassigned",
        QueueKind::Escalation => "queue-escalation",
    }
}

fn directory_change_line(page: &Page, c: &DirectoryChangeView) -> String {
    let tr = page.tr;
    let by = match (c.source.as_str(), &c.by, &c.token_label) {
        ("command_line", _, _) => tr.t("directory-change-command-line"),
        ("sync_token", by, label) => tr.t_with(
            "directory-change-token",
            &[
                ("label", label.clone().unwrap_or_default().into()),
                ("name", by.clone().unwrap_or_else(|| "—".into()).into()),
            ],
        ),
        (_, by, _) => tr.t_with("directory-change-admin", &[("name", by.clone().unwrap_or_else(|| "—".into()).into())]),
    };
    tr.t_with(
        "directory-change",
        &[
            ("when", page.time(&c.at).into()),
            ("by", by.into()),
            ("people", (c.people as i64).into()),
            ("waiting", (c.lifts_waiting as i64).into()),
        ],
    )
}

fn escalation_line(page: &Page, e: &EscalatedCase) -> EscalationLine {
    let tr = page.tr;
    EscalationLine {
        id: e.case_id.to_string(),
        href: format!("/staff/cases/{}", e.case_id),
        reference: e.case_ref.clone(),
        since: tr.t_with("oversight-queue-since", &[("when", page.time(&e.since).into())]),
        missed: e
            .missed
            .iter()
            .map(|m| {
                let what = match (m.deadline, m.due) {
                    (Some(kind), Some(due)) => {
                        format!("{}: {} — {}", tr.label(m.cause), tr.label(kind), page.time(&due))
                    }
                    _ => tr.label(m.cause),
                };
                tr.t_with("oversight-raised", &[("what", what.into()), ("when", page.time(&m.at).into())])
            })
            .collect(),
    }
}

fn line(id: &CaseId, reference: &str, text: String) -> ReviewLine {
    ReviewLine { href: format!("/staff/cases/{id}"), reference: reference.to_owned(), text }
}

fn dismissal_line(page: &Page, c: &CaseRecord) -> ReviewLine {
    let since = page.tr.t_with("oversight-dismissal-since", &[("when", page.time(&c.updated_at).into())]);
    line(&c.id, &c.reference, since)
}

fn overdue_line(page: &Page, d: &DueDeadline) -> ReviewLine {
    let text = format!("{} — {}", page.tr.label(d.deadline.kind), page.time(&d.deadline.due_at));
    line(&d.deadline.case_id, &d.case_ref, text)
}

fn change_line(page: &Page, c: &ChangeView) -> ReviewLine {
    let text = page.tr.t_with(
        "oversight-change",
        &[
            ("deadline", page.tr.label(c.deadline).into()),
            ("from", page.time(&c.old_due).into()),
            ("to", page.time(&c.new_due).into()),
            ("justification", c.justification.clone().into()),
            ("reason", c.reason_for_reporter.clone().into()),
        ],
    );
    line(&c.case_id, &c.case_ref, text)
}

fn exclusion_line(page: &Page, x: &ExclusionView) -> ReviewLine {
    let mut text = page.tr.t_with(
        "oversight-exclusion",
        &[
            ("name", x.staff_name.clone().into()),
            ("reason", page.tr.label(x.reason).into()),
            ("since", page.time(&x.at).into()),
        ],
    );
    if let Some(read) = &x.read_at {
        text = format!("{text} {}", page.tr.t_with("oversight-exclusion-read", &[("when", page.time(read).into())]));
    }
    line(&x.case_id, &x.case_ref, text)
}

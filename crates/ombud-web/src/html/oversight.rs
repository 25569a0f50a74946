//! The oversight committee's pages.

use super::page::{Page, error_page, render};
use super::staff::staff_page;
use crate::AppState;
use crate::extract::OversightPage;
use crate::i18n::Lang;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use ombud_domain::CaseId;
use ombud_service::{CaseRecord, ChangeView, DueDeadline, EscalationRow, ExclusionView, ServiceError, StaffSession};

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
#[template(path = "oversight/escalations.html")]
pub struct EscalationsPage {
    page: Page,
    lines: Vec<EscalationLine>,
    dismissals: Vec<ReviewLine>,
    overdue: Vec<ReviewLine>,
    changes: Vec<ReviewLine>,
    /// Who is kept out of which case, and why.
    exclusions: Vec<ReviewLine>,
}

/// The oversight committee's page: escalations, dismissals waiting for a
/// sign-off, overdue deadlines, moved deadlines and exclusions.
pub async fn escalations(State(state): State<AppState>, lang: Lang, OversightPage(session): OversightPage) -> Response {
    match review(&state, lang, &session).await {
        Ok(page) => render(&page),
        Err(e) => error_page(lang, e),
    }
}

async fn review(state: &AppState, lang: Lang, session: &StaffSession) -> Result<EscalationsPage, ServiceError> {
    let desk = state.ombud.oversight(session)?;
    let page = staff_page(state, lang, "/oversight/escalations", "oversight-title", session);
    let lines = desk.escalations(500).await?.iter().map(|e| escalation_line(&page, e)).collect();
    let dismissals = desk.pending_dismissals().await?.iter().map(|c| dismissal_line(&page, c)).collect();
    let overdue = desk.overdue().await?.iter().map(|d| overdue_line(&page, d)).collect();
    let changes = desk.deadline_changes().await?.iter().map(|c| change_line(&page, c)).collect();
    let exclusions = desk.exclusions(500).await?.iter().map(|x| exclusion_line(&page, x)).collect();
    Ok(EscalationsPage { page, lines, dismissals, overdue, changes, exclusions })
}

fn escalation_line(page: &Page, e: &EscalationRow) -> EscalationLine {
    let tr = page.tr;
    EscalationLine {
        href: format!("/staff/cases/{}", e.case_id),
        reference: e.case_ref.clone(),
        cause: tr.label(e.cause),
        missed: e.deadline.map(|(kind, due)| format!("{} — {}", tr.label(kind), page.time(&due))).unwrap_or_default(),
        escalated: page.time(&e.created_at),
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

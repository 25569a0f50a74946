//! The staff's pages: sign-in, sign-out and her inbox.

use super::page::{Page, error_page, render, render_with, with_session_cookie};
use crate::AppState;
use crate::extract::STAFF_COOKIE;
use crate::extract::StaffPage;
use crate::i18n::Lang;
use crate::security::read_cookie;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use ombud_service::{ServiceError, StaffSession};

const INBOX_SIZE: u32 = 200;

pub(crate) fn staff_page(state: &AppState, lang: Lang, path: &str, title: &str, session: &StaffSession) -> Page {
    let mut page = Page::new(state, lang, path, title);
    page.staff_name = Some(session.name.clone());
    if let Some(zone) = session.time_zone.as_deref().and_then(|z| jiff::tz::TimeZone::get(z).ok()) {
        page.zone = zone;
    }
    page.oversight = session.role == ombud_domain::Role::Oversight;
    page
}

#[derive(Template)]
#[template(path = "staff/sign_in.html")]
pub struct SignInPage {
    page: Page,
    email: String,
    error: Option<String>,
}

pub async fn sign_in_form(State(state): State<AppState>, lang: Lang) -> Response {
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

pub async fn sign_in(State(state): State<AppState>, lang: Lang, Form(form): Form<SignInForm>) -> Response {
    match state.ombud.staff_sign_in(&form.email, &form.password).await {
        Ok(session) => match state.staff_sessions.insert(session) {
            Ok(token) => with_session_cookie(&state, STAFF_COOKIE, &token, "/staff/cases"),
            Err(e) => error_page(lang, e),
        },
        Err(ServiceError::BadCredentials) => {
            let page = Page::new(&state, lang, "/staff/sign-in", "staff-sign-in-title");
            let error = Some(page.tr.t("error-bad-credentials"));
            render_with(StatusCode::UNAUTHORIZED, &SignInPage { page, email: form.email, error })
        }
        Err(e) => error_page(lang, e),
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
#[template(path = "staff/inbox.html")]
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
    done: String,
}

pub async fn inbox(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    query: Result<axum::extract::Query<InboxQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = query.map(|q| q.0).unwrap_or_default();
    let desk = state.ombud.staff(&session);
    let (rows, counts) = match (desk.search(&query.q, None, INBOX_SIZE).await, desk.case_counts().await) {
        (Ok(rows), Ok(counts)) => (rows, counts),
        (Err(e), _) | (_, Err(e)) => return error_page(lang, e),
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
    let notice = query.recused.map(|_| tr.t("inbox-recused")).or_else(|| super::case::done_notice(&tr, &query.done));
    render(&InboxPage { page, lines, summary, query: query.q, notice })
}

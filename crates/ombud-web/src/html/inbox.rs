//! Her inbox: the cases she may read, filtered, searched by any part of a
//! reference or by a person, in order, a page at a time, with how many
//! match. The same parameters as `GET /api/v1/cases`.

use super::page::{Choice, Page, choices, error_page, render_with};
use super::staff::staff_page;
use crate::AppState;
use crate::api::model::CaseSearch;
use crate::extract::StaffPage;
use crate::i18n::Lang;
use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use ombud_domain::{CaseStatus, Category};
use ombud_service::{InboxPage as Found, SearchedBy, ServiceError};

pub struct InboxLine {
    href: String,
    reference: String,
    category: String,
    status: String,
    received: String,
    deadline: String,
    overdue: bool,
    pending: bool,
    lead: String,
    unread: bool,
}

/// What the filter form holds, as she sent it.
#[derive(Default)]
pub struct Filters {
    q: String,
    assigned: String,
    status: String,
    category: String,
    due: String,
    escalated: bool,
    label: String,
    sort: String,
}

#[derive(Template)]
#[template(path = "staff/inbox.html")]
pub struct InboxPage {
    page: Page,
    lines: Vec<InboxLine>,
    /// "12 cases match: 3 received, …".
    summary: String,
    /// How her search was read, when it was a name.
    searched: Option<String>,
    filters: Filters,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    labels: Vec<(String, String)>,
    /// "Due within 7 days"…, as (days, label).
    due_options: Vec<(String, String)>,
    /// What an empty list says: nothing matched, or she has no cases.
    empty: Option<String>,
    next_href: Option<String>,
    /// Back to the first page, from a later one.
    first_href: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

/// What only the page's address carries: the last action's notice, and
/// the deadline filter as one choice.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PageOnly {
    recused: Option<String>,
    done: String,
    /// `overdue`, or a number of days.
    due: String,
}

pub async fn inbox(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    search: Result<Query<CaseSearch>, axum::extract::rejection::QueryRejection>,
    Query(extra): Query<PageOnly>,
    RawQuery(raw): RawQuery,
) -> Response {
    let page = staff_page(&state, lang, "/staff/cases", "inbox-title", &session);
    let tr = page.tr;
    // A filter the address holds but that cannot be read lists nothing: a
    // list of every case would look like her filter's answer.
    let (mut search, unreadable) = match search {
        Ok(Query(search)) => (search, false),
        Err(_) => (CaseSearch::default(), true),
    };
    let due_unreadable = !read_due(&extra.due, &mut search);
    search.counts = Some(true);
    let (found, error) = if unreadable || due_unreadable {
        (None, Some(tr.t("inbox-unreadable-filters")))
    } else {
        match search.request() {
            Ok(request) => match state.ombud.staff(&session).inbox_page(&request).await {
                Ok(found) => (Some(found), None),
                Err(ServiceError::Invalid(errors)) => (None, Some(crate::error::field_messages(&tr, &errors))),
                Err(e) => return error_page(lang, e),
            },
            // A status, category, order or size that is none of the choices.
            Err(_) => (None, Some(tr.t("inbox-unreadable-filters"))),
        }
    };
    let now = state.ombud.clock().now();
    let lines = found.as_ref().map(|f| lines(&page, f, now)).unwrap_or_default();
    let summary = found.as_ref().map(|f| summary(&tr, f)).unwrap_or_default();
    let searched = found.as_ref().and_then(|f| match f.searched_by {
        SearchedBy::People(0) => {
            Some(tr.t_with("inbox-searched-nobody", &[("q", search.q.clone().unwrap_or_default().into())]))
        }
        SearchedBy::People(n) => Some(tr.t_with(
            "inbox-searched-people",
            &[("count", n.into()), ("q", search.q.clone().unwrap_or_default().into())],
        )),
        _ => None,
    });
    let next_href = found.as_ref().and_then(|f| f.next_cursor.as_deref()).map(|c| next_page(raw.as_deref(), c));
    let first_href = search.cursor.as_deref().filter(|c| !c.is_empty()).map(|_| first_page(raw.as_deref()));
    let notice = extra.recused.map(|_| tr.t("inbox-recused")).or_else(|| super::case::done_notice(&tr, &extra.done));
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    // An empty list under filters says the filters matched nothing, not
    // that she has no cases; under an error it says nothing.
    let empty = match &error {
        Some(_) => None,
        None if narrowed(&search) => Some(tr.t("inbox-none-match")),
        None => Some(tr.t("inbox-empty")),
    };
    let template = InboxPage {
        lines,
        summary,
        searched,
        filters: Filters {
            q: search.q.clone().unwrap_or_default(),
            assigned: search.assigned.clone().unwrap_or_default(),
            status: search.status.clone().unwrap_or_default(),
            category: search.category.clone().unwrap_or_default(),
            due: extra.due,
            escalated: search.escalated.unwrap_or(false),
            label: search.label.clone().unwrap_or_default(),
            sort: search.sort.clone().unwrap_or_default(),
        },
        statuses: choices(&tr, &CaseStatus::ALL, CaseStatus::as_str),
        categories: choices(&tr, &Category::ALL, Category::as_str),
        labels: state.ombud.config().labels.iter().map(|l| (l.key.clone(), l.name(tr.code()).to_owned())).collect(),
        due_options: [2u32, 7, 30]
            .iter()
            .map(|d| (d.to_string(), tr.t_with("inbox-due-within", &[("days", (*d).into())])))
            .collect(),
        empty,
        next_href,
        first_href,
        notice,
        error,
        page,
    };
    render_with(status, &template)
}

fn lines(page: &Page, found: &Found, now: jiff::Timestamp) -> Vec<InboxLine> {
    let tr = page.tr;
    found
        .rows
        .iter()
        .map(|row| {
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
                lead: row.lead.as_ref().map_or_else(|| tr.t("work-nobody"), |l| l.name.clone()),
                unread: row.unread,
            }
        })
        .collect()
}

/// "12 cases match · Received 3 · Acknowledged 9", or "10000+ …".
fn summary(tr: &crate::i18n::Tr, found: &Found) -> String {
    let Some(counts) = &found.counts else { return String::new() };
    let total = if counts.more { format!("{}+", counts.total) } else { counts.total.to_string() };
    let parts: Vec<String> = counts
        .by_status
        .iter()
        .map(|(status, n)| format!("{} {}", tr.label(*status), tr.number(usize::try_from(*n).unwrap_or(usize::MAX))))
        .collect();
    // "none" selects the sentence without a list.
    let parts = if parts.is_empty() { "none".to_owned() } else { parts.join(" · ") };
    tr.t_with("inbox-matching", &[("count", counts.total.into()), ("total", total.into()), ("parts", parts.into())])
}

/// Whether any filter narrows the list (the deadline choice already read
/// into `overdue` or `due_within`).
fn narrowed(search: &CaseSearch) -> bool {
    let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
    [&search.q, &search.person, &search.assigned, &search.status, &search.category, &search.label]
        .into_iter()
        .any(given)
        || search.escalated == Some(true)
        || search.overdue == Some(true)
        || search.due_within.is_some()
}

/// The deadline filter as one choice: `overdue`, a number of days, or
/// nothing (then `due_within` stands). False if it is none of these.
fn read_due(due: &str, search: &mut CaseSearch) -> bool {
    match due.trim() {
        "" => true,
        "overdue" => {
            search.overdue = Some(true);
            true
        }
        days => days.parse().map(|days| search.due_within = Some(days)).is_ok(),
    }
}

/// The filters of this address, without its cursor and notices.
fn same_filters(raw: Option<&str>) -> String {
    let kept: Vec<&str> = raw
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty() && !["cursor=", "done=", "recused="].iter().any(|k| p.starts_with(k)))
        .collect();
    kept.join("&")
}

/// The address of the next page: the same filters, the next cursor.
fn next_page(raw: Option<&str>, cursor: &str) -> String {
    let mut query = same_filters(raw);
    if !query.is_empty() {
        query.push('&');
    }
    format!("/staff/cases?{query}cursor={cursor}")
}

/// The address of the first page with the same filters.
fn first_page(raw: Option<&str>) -> String {
    let query = same_filters(raw);
    if query.is_empty() { "/staff/cases".to_owned() } else { format!("/staff/cases?{query}") }
}

//! Oversight watches the administrators: the roles that wait for a member's
//! approval, decided here, and the log of every administrative action.

use super::page::{Page, error_page, render_with, see_other};
use super::staff::staff_page;
use crate::AppState;
use crate::extract::OversightPage;
use crate::i18n::Lang;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ombud_service::{ServiceError, StaffSession};

/// Administrative actions shown at once.
const LOG_LINES: u32 = 200;

pub struct GrantLine {
    id: String,
    who: String,
    role: String,
    asked: String,
}

pub struct LogLine {
    at: String,
    by: String,
    what: String,
    subject: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "oversight/accounts.html")]
pub struct AccountsPage {
    page: Page,
    grants: Vec<GrantLine>,
    log: Vec<LogLine>,
    notice: Option<String>,
    problem: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

async fn accounts_page(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    notice: Option<String>,
    problem: Option<String>,
    status: StatusCode,
) -> Response {
    let page = staff_page(state, lang, "/oversight/accounts", "oversight-accounts-title", session);
    let desk = match state.ombud.oversight(session) {
        Ok(desk) => desk,
        Err(e) => return error_page(lang, e),
    };
    let (grants, log) = match (desk.role_grants().await, desk.admin_log(None, LOG_LINES).await) {
        (Ok(grants), Ok(log)) => (grants, log),
        (Err(e), _) | (_, Err(e)) => return error_page(lang, e),
    };
    let tr = &page.tr;
    let command_line = tr.t("oversight-accounts-command-line");
    let grants = grants
        .into_iter()
        .map(|g| GrantLine {
            id: g.id.to_string(),
            who: format!("{} <{}>", g.staff.name, g.staff.email),
            role: tr.label(g.role),
            asked: format!("{} · {}", g.asked_by.unwrap_or_else(|| command_line.clone()), page.time(&g.asked_at)),
        })
        .collect();
    let log = log
        .into_iter()
        .map(|e| LogLine {
            at: page.time(&e.at),
            by: e.by.unwrap_or_else(|| command_line.clone()),
            what: tr.label(e.kind),
            subject: e.subject.unwrap_or_default(),
            detail: e.detail,
        })
        .collect();
    render_with(status, &AccountsPage { page, grants, log, notice, problem })
}

pub async fn accounts(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    Query(done): Query<Done>,
) -> Response {
    let notice = match done.done.as_str() {
        "approved" => Some(lang.tr().t("oversight-accounts-approved")),
        "refused" => Some(lang.tr().t("oversight-accounts-refused")),
        "sent-once" => Some(lang.tr().t("done-sent-once")),
        _ => None,
    };
    accounts_page(&state, lang, &session, notice, None, StatusCode::OK).await
}

/// Approves or refuses a role asked for someone.
pub async fn decide(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    Path((grant, decision)): Path<(String, String)>,
) -> Response {
    let approve = match decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return error_page(lang, ServiceError::NotFound),
    };
    let Ok(grant) = grant.parse::<uuid::Uuid>() else {
        return error_page(lang, ServiceError::NotFound);
    };
    let decided = match state.ombud.oversight(&session) {
        Ok(desk) => desk.decide_role_grant(grant, approve).await,
        Err(e) => Err(e),
    };
    match decided {
        Ok(()) => see_other(if approve {
            "/oversight/accounts?done=approved#done"
        } else {
            "/oversight/accounts?done=refused#done"
        }),
        Err(ServiceError::Invalid(errors)) => {
            let problem = Some(crate::error::field_messages(&lang.tr(), &errors));
            accounts_page(&state, lang, &session, None, problem, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(lang, e),
    }
}

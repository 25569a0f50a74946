//! Supporters can speak safely (issue 17 #4): a statement added to a case by
//! its reference at `/support`, without JavaScript, and the supporter's own
//! follow-up with her receipt; the handlers' replies to her thread.

use super::case_actions::Fields;
use super::page::{Page, error_page, render, render_with, see_other, with_session_cookie};
use crate::AppState;
use crate::i18n::Lang;
use crate::security::read_cookie;
use askama::Template;
use axum::extract::{ConnectInfo, Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use ombud_service::{ServiceError, SupportInput, SupporterSession};
use std::net::SocketAddr;

use crate::extract::SUPPORTER_COOKIE;

#[derive(Template)]
#[template(path = "support/form.html")]
pub struct SupportForm {
    page: Page,
    reference: String,
    statement: String,
    name: String,
    email: String,
    phone: String,
    /// Each problem: its field (empty for the whole form) and what it says.
    errors: Vec<(String, String)>,
    /// The same form came back a second time: nothing was added twice.
    sent_once: bool,
}

impl SupportForm {
    /// The problem to show beside a field, if it has one.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "support/receipt.html")]
pub struct SupportReceipt {
    page: Page,
    receipt: String,
    reference: String,
}

#[derive(Template)]
#[template(path = "support/entry.html")]
pub struct SupportEntry {
    page: Page,
    receipt: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "support/statement.html")]
pub struct SupportStatement {
    page: Page,
    view: ombud_service::SupportView,
    at: String,
    messages: Vec<(String, String)>,
    reply: String,
    error: Option<String>,
}

fn form_page(state: &AppState, lang: Lang, fields: &Fields, errors: Vec<(String, String)>) -> Response {
    form_page_with(state, lang, fields, errors, false)
}

fn form_page_with(
    state: &AppState,
    lang: Lang,
    fields: &Fields,
    errors: Vec<(String, String)>,
    sent_once: bool,
) -> Response {
    let page = Page::new(state, lang, "/support", "support-title");
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_with(
        status,
        &SupportForm {
            page,
            reference: fields.get("reference").to_owned(),
            statement: fields.get("statement").to_owned(),
            name: fields.get("name").to_owned(),
            email: fields.get("email").to_owned(),
            phone: fields.get("phone").to_owned(),
            errors,
            sent_once,
        },
    )
}

pub async fn form(State(state): State<AppState>, lang: Lang, uri: axum::http::Uri) -> Response {
    let sent_once = uri.query().is_some_and(|q| q.split('&').any(|p| p == "sent=once"));
    form_page_with(&state, lang, &Fields::default(), Vec::new(), sent_once)
}

/// A wrong reference counts against its client like a wrong receipt, so
/// references cannot be guessed from here.
pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let client = crate::limits::client_address(&state.config, addr, &headers);
    if !state.receipt_limiter.allowed(client) {
        return form_page(&state, lang, &fields, vec![(String::new(), lang.tr().t("error-too-many-attempts"))]);
    }
    let input = SupportInput {
        reference: fields.get("reference").to_owned(),
        statement: fields.get("statement").to_owned(),
        name: fields.get("name").to_owned(),
        email: Some(fields.get("email").to_owned()),
        phone: Some(fields.get("phone").to_owned()),
    };
    match state.ombud.add_support(&input, state.ombud.config().receipt_kdf).await {
        Ok(done) => {
            let mut page = Page::new(&state, lang, "/support", "support-receipt-title");
            page.path = None;
            render(&SupportReceipt { page, receipt: done.receipt.grouped(), reference: done.reference })
        }
        Err(ServiceError::Invalid(errors)) => {
            if errors.iter().any(|e| e.code == "support-case-unknown") {
                state.receipt_limiter.record_failure(client);
            }
            let tr = lang.tr();
            // Beside its field, and in the summary naming the field.
            let messages = errors
                .iter()
                .map(|e| (e.field.clone(), crate::error::field_messages(&tr, std::slice::from_ref(e))))
                .collect();
            form_page(&state, lang, &fields, messages)
        }
        Err(e) => error_page(lang, e),
    }
}

async fn supporter_session(state: &AppState, headers: &HeaderMap) -> Option<SupporterSession> {
    state.supporter_session(&read_cookie(headers, SUPPORTER_COOKIE)?).await
}

fn entry(state: &AppState, lang: Lang, receipt: String, error: Option<String>, status: StatusCode) -> Response {
    render_with(
        status,
        &SupportEntry { page: Page::new(state, lang, "/support/follow-up", "support-follow-up-title"), receipt, error },
    )
}

async fn statement_page(
    state: &AppState,
    lang: Lang,
    session: &SupporterSession,
    reply: String,
    error: Option<String>,
) -> Response {
    let view = match state.ombud.supporter_view(session).await {
        Ok(view) => view,
        Err(e) => return error_page(lang, e),
    };
    let page = Page::new(state, lang, "/support/follow-up", "support-statement-title");
    let messages = view
        .messages
        .iter()
        .map(|m| {
            let who = page.tr.t(if m.from_staff.is_some() { "support-from-handlers" } else { "support-from-you" });
            (format!("{who} · {}", page.time(&m.at)), m.body.clone())
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let at = page.time(&view.at);
    render_with(status, &SupportStatement { page, view, at, messages, reply, error })
}

pub async fn follow_up(State(state): State<AppState>, lang: Lang, headers: HeaderMap) -> Response {
    match supporter_session(&state, &headers).await {
        Some(session) => statement_page(&state, lang, &session, String::new(), None).await,
        None => entry(&state, lang, String::new(), None, StatusCode::OK),
    }
}

#[derive(serde::Deserialize)]
pub struct ReceiptForm {
    #[serde(default)]
    receipt: String,
}

/// Her receipt opens her statement; receipts that open nothing count against her client.
pub async fn sign_in(
    State(state): State<AppState>,
    lang: Lang,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<ReceiptForm>,
) -> Response {
    let client = crate::limits::client_address(&state.config, addr, &headers);
    if !state.receipt_limiter.allowed(client) {
        let message = lang.tr().t("error-too-many-attempts");
        return entry(&state, lang, form.receipt, Some(message), StatusCode::TOO_MANY_REQUESTS);
    }
    match state.ombud.open_support(&form.receipt).await {
        Ok(session) => match state.begin_supporter_session(&session).await {
            Ok(token) => with_session_cookie(&state, SUPPORTER_COOKIE, &token, "/support/follow-up"),
            Err(e) => error_page(lang, e),
        },
        Err(e @ (ServiceError::BadReceipt | ServiceError::MalformedReceipt)) => {
            state.receipt_limiter.record_failure(client);
            let (status, code) = crate::error::classify(&e);
            let message = lang.tr().t(&crate::error::message_key(code));
            entry(&state, lang, form.receipt, Some(message), status)
        }
        Err(e) => error_page(lang, e),
    }
}

#[derive(serde::Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    body: String,
}

pub async fn reply(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Form(form): Form<ReplyForm>,
) -> Response {
    let Some(session) = supporter_session(&state, &headers).await else {
        let message = lang.tr().t("support-session-ended");
        return entry(&state, lang, String::new(), Some(message), StatusCode::UNAUTHORIZED);
    };
    match state.ombud.supporter_reply(&session, &form.body).await {
        Ok(()) => see_other("/support/follow-up#thread-title"),
        Err(ServiceError::Invalid(errors)) => {
            let message = crate::error::field_messages(&lang.tr(), &errors);
            statement_page(&state, lang, &session, form.body, Some(message)).await
        }
        Err(e) => error_page(lang, e),
    }
}

/// Her session is sealed in the cookie and recorded nowhere: signing out clears it.
pub async fn sign_out(State(state): State<AppState>) -> Response {
    with_session_cookie(&state, SUPPORTER_COOKIE, "", "/")
}

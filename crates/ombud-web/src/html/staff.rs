//! The staff's pages: sign-in and sign-out (her inbox is `inbox.rs`).

use super::page::{Page, error_page, render, render_with, with_session_cookie};
use crate::AppState;
use crate::extract::STAFF_COOKIE;
use crate::extract::StaffPage;
use crate::i18n::Lang;
use crate::security::read_cookie;
use crate::throttle::{self, Refused, Step};
use askama::Template;
use axum::Form;
use axum::extract::ConnectInfo;
use axum::extract::Path;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use ombud_service::{ServiceError, StaffSession, TicketPurpose, TicketView};
use std::net::SocketAddr;

pub(crate) fn staff_page(state: &AppState, lang: Lang, path: &str, title: &str, session: &StaffSession) -> Page {
    let mut page = Page::new(state, lang, path, title);
    page.staff_name = Some(session.name.clone());
    if let Some(zone) = session.time_zone.as_deref().and_then(|z| jiff::tz::TimeZone::get(z).ok()) {
        page.zone = zone;
    }
    page.oversight = session.role == ombud_domain::Role::Oversight;
    page.admin = session.role == ombud_domain::Role::Admin;
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

pub async fn sign_in(
    State(state): State<AppState>,
    lang: Lang,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let client = crate::limits::client_address(&state.config, addr, &headers);
    let refused = |status: StatusCode, error: String, page: Page| {
        render_with(status, &SignInPage { page, email: form.email.clone(), error: Some(error) })
    };
    let page = Page::new(&state, lang, "/staff/sign-in", "staff-sign-in-title");
    match throttle::sign_in(&state, client, &headers, &form.email, &form.password, None).await {
        Ok(Step::Done(done)) => {
            let mut response = with_session_cookie(&state, STAFF_COOKIE, &done.token, done.home);
            append_cookie(&mut response, Some(done.device_cookie));
            response
        }
        Ok(Step::Code(pending)) => super::second_factor::code_page(&state, lang, pending, &form.email, None),
        Ok(Step::Setup(pending)) => super::second_factor::setup_page(&state, lang, pending).await,
        Err(Refused::Wait(wait)) => {
            let error = page.tr.t_with(
                "sign-in-wait",
                &[("seconds", fluent_templates::fluent_bundle::FluentValue::from(wait.as_secs().max(1)))],
            );
            let mut response = refused(StatusCode::TOO_MANY_REQUESTS, error, page);
            // As the API says it: when a script (or a browser) may try again.
            if let Ok(after) = axum::http::HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, after);
            }
            response
        }
        Err(Refused::Service(ServiceError::BadCredentials)) => {
            let error = page.tr.t("error-bad-credentials");
            refused(StatusCode::UNAUTHORIZED, error, page)
        }
        Err(Refused::Service(e)) => error_page(lang, e),
    }
}

/// The sign-in form again, with why (a half sign-in that expired).
pub(crate) fn sign_in_again(state: &AppState, lang: Lang, email: String, error: String) -> Response {
    let page = Page::new(state, lang, "/staff/sign-in", "staff-sign-in-title");
    render_with(StatusCode::UNAUTHORIZED, &SignInPage { page, email, error: Some(error) })
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = read_cookie(&headers, STAFF_COOKIE) {
        state.end_staff_session(&token).await;
    }
    with_session_cookie(&state, STAFF_COOKIE, "", "/staff/sign-in")
}

/// Whose account a one-time link is for.
pub struct Who {
    name: String,
    email: String,
}

#[derive(Template)]
#[template(path = "staff/welcome.html")]
pub struct WelcomePage {
    page: Page,
    token: String,
    heading: &'static str,
    who: Option<Who>,
    error: Option<String>,
}

fn welcome_page(
    state: &AppState,
    lang: Lang,
    token: &str,
    view: Option<TicketView>,
    error: Option<String>,
) -> Response {
    let path = format!("{}/{token}", ombud_service::TICKET_PATH);
    let page = Page::new(state, lang, &path, "welcome-title");
    let heading = match view.as_ref().map(|v| v.purpose) {
        Some(TicketPurpose::Reset) => "welcome-heading-reset",
        _ => "welcome-heading",
    };
    let status = if view.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND };
    let who = view.map(|v| Who { name: v.name, email: v.email });
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { status };
    render_with(status, &WelcomePage { page, token: token.to_owned(), heading, who, error })
}

/// The page her one-time link opens: whose account, and a password to choose.
pub async fn welcome(State(state): State<AppState>, lang: Lang, Path(token): Path<String>) -> Response {
    let view = state.ombud.ticket(&token).await.ok();
    welcome_page(&state, lang, &token, view, None)
}

#[derive(serde::Deserialize)]
pub struct WelcomeForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    again: String,
}

fn field(name: &str, code: &'static str) -> ombud_domain::FieldError {
    ombud_domain::FieldError { field: name.to_owned(), code }
}

/// The link's page again, with what was wrong; the link still works.
async fn refuse_welcome(state: &AppState, lang: Lang, token: &str, errors: &[ombud_domain::FieldError]) -> Response {
    let view = state.ombud.ticket(token).await.ok();
    let message = crate::error::field_messages(&lang.tr(), errors);
    welcome_page(state, lang, token, view, Some(message))
}

/// She chooses her password: her account becomes active and she is signed in.
pub async fn choose_password(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<WelcomeForm>,
) -> Response {
    if form.password != form.again {
        return refuse_welcome(&state, lang, &token, &[field("again", "passwords-differ")]).await;
    }
    match state.ombud.use_ticket(&token, &form.password).await {
        Ok(ombud_service::SignIn::NeedsCode(half)) => match state.begin_half(&half, false, 0).await {
            Ok(pending) => super::second_factor::code_page(&state, lang, pending, half.email(), None),
            Err(e) => error_page(lang, e),
        },
        Ok(ombud_service::SignIn::NeedsSetup(half)) => match state.begin_half(&half, true, 0).await {
            Ok(pending) => super::second_factor::setup_page(&state, lang, pending).await,
            Err(e) => error_page(lang, e),
        },
        Ok(ombud_service::SignIn::Done(session)) => {
            // Her browser is known to her account from now on.
            let device = throttle::device_cookie(&state, &headers, &session.email).await;
            match state.begin_staff_session(session).await {
                Ok(session_token) => {
                    let mut response = with_session_cookie(&state, STAFF_COOKIE, &session_token, "/staff/cases");
                    append_cookie(&mut response, device);
                    response
                }
                Err(e) => error_page(lang, e),
            }
        }
        Err(ServiceError::Invalid(errors)) => refuse_welcome(&state, lang, &token, &errors).await,
        Err(ServiceError::BadTicket) => welcome_page(&state, lang, &token, None, None),
        Err(e) => error_page(lang, e),
    }
}

#[derive(Template)]
#[template(path = "staff/password.html")]
pub struct PasswordPage {
    page: Page,
    email: String,
    done: bool,
    error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct PasswordQuery {
    #[serde(default)]
    done: Option<String>,
}

/// Her own password, changed.
pub async fn password_form(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    axum::extract::Query(query): axum::extract::Query<PasswordQuery>,
) -> Response {
    let page = staff_page(&state, lang, "/staff/password", "password-title", &session);
    render(&PasswordPage { page, email: session.email.clone(), done: query.done.is_some(), error: None })
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    again: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    lang: Lang,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    StaffPage(session): StaffPage,
    Form(form): Form<PasswordForm>,
) -> Response {
    let client = crate::limits::client_address(&state.config, addr, &headers);
    let result = if form.new_password == form.again {
        throttle::change_password(&state, client, &session, &form.current_password, &form.new_password).await
    } else {
        Err(Refused::Service(ServiceError::invalid_field("again", "passwords-differ")))
    };
    match result {
        Ok(()) => super::page::see_other("/staff/password?done=changed"),
        Err(Refused::Wait(wait)) => {
            let page = staff_page(&state, lang, "/staff/password", "password-title", &session);
            let error = Some(page.tr.t_with(
                "sign-in-wait",
                &[("seconds", fluent_templates::fluent_bundle::FluentValue::from(wait.as_secs().max(1)))],
            ));
            render_with(
                StatusCode::TOO_MANY_REQUESTS,
                &PasswordPage { page, email: session.email.clone(), done: false, error },
            )
        }
        Err(Refused::Service(ServiceError::Invalid(errors))) => {
            let page = staff_page(&state, lang, "/staff/password", "password-title", &session);
            let error = Some(crate::error::field_messages(&page.tr, &errors));
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &PasswordPage { page, email: session.email.clone(), done: false, error },
            )
        }
        Err(Refused::Service(e)) => error_page(lang, e),
    }
}

pub(crate) fn append_cookie(response: &mut Response, cookie: Option<String>) {
    if let Some(v) = cookie.and_then(|c| axum::http::HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
}

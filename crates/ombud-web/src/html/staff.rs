//! The staff's pages: sign-in and sign-out (her inbox is `inbox.rs`).

use super::page::{Page, error_page, render, render_with, with_session_cookie};
use crate::AppState;
use crate::extract::STAFF_COOKIE;
use crate::i18n::Lang;
use crate::security::read_cookie;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use ombud_service::{ServiceError, StaffSession};

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

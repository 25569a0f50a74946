//! The second factor in the browser: the code after her password, setting
//! one up (during sign-in when her role needs it, or from her own page),
//! and her recovery codes, shown once. No script: the QR code is drawn on
//! the server as SVG, with the key beside it as text.

use super::page::{Page, error_page, render, render_with};
use super::staff::{append_cookie, staff_page};
use crate::AppState;
use crate::extract::{STAFF_COOKIE, StaffPage};
use crate::i18n::Lang;
use crate::throttle::{self, CodeRefused, SignedIn};
use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use ombud_service::{SecondFactorSetup, SecondFactorStatus, ServiceError};
use std::net::SocketAddr;

/// What the page shows.
#[derive(PartialEq, Eq)]
pub enum Mode {
    /// Her code, after her password.
    Code,
    /// A secret to add to her app, and a code to confirm it.
    Setup,
    /// Her new recovery codes.
    Codes,
    /// Her own page: set up or not.
    Status,
}

/// A secret being set up, as the page shows it.
pub struct Shown {
    qr_svg: String,
    secret_text: String,
    sealed: String,
}

#[derive(Template)]
#[template(path = "staff/second_factor.html")]
pub struct SecondFactorPage {
    page: Page,
    mode: Mode,
    /// Her half sign-in's token; empty once she is signed in.
    pending: String,
    /// The address she signed in with, for the sign-in page again if her
    /// half sign-in ends (it is kept nowhere else once it has ended).
    email: String,
    /// Where the form goes.
    action: &'static str,
    /// Her role needs a second factor (said on the setup page).
    required: bool,
    /// She has one already: replacing it asks for a code of it.
    replaces: bool,
    shown: Option<Shown>,
    recovery_codes: Vec<String>,
    /// Where "Continue" leads after the recovery codes.
    continue_to: &'static str,
    status: Option<SecondFactorStatus>,
    /// What her own page says of it.
    status_text: String,
    error: Option<String>,
}

impl SecondFactorPage {
    fn new(page: Page, mode: Mode, action: &'static str) -> Self {
        Self {
            page,
            mode,
            pending: String::new(),
            email: String::new(),
            action,
            required: false,
            replaces: false,
            shown: None,
            recovery_codes: Vec::new(),
            continue_to: "/staff/cases",
            status: None,
            status_text: String::new(),
            error: None,
        }
    }
}

/// The QR code of an `otpauth://` address, as inline SVG.
fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
        Err(_) => String::new(),
    }
}

fn shown(setup: SecondFactorSetup) -> Shown {
    // The SVG's own XML declaration has no place inside HTML.
    let svg = qr_svg(&setup.otpauth_url);
    let svg = svg.find("<svg").map_or(svg.clone(), |at| svg[at..].to_owned());
    Shown { qr_svg: svg, secret_text: setup.secret_text, sealed: setup.sealed }
}

fn sign_in_page(state: &AppState, lang: Lang) -> Page {
    Page::new(state, lang, "/staff/sign-in", "second-factor-title")
}

/// After her password: the page that asks for her code.
pub fn code_page(state: &AppState, lang: Lang, pending: String, email: &str, error: Option<String>) -> Response {
    let status = if error.is_some() { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
    let mut page = SecondFactorPage::new(sign_in_page(state, lang), Mode::Code, "/staff/sign-in/code");
    page.pending = pending;
    page.email = email.to_owned();
    page.error = error;
    render_with(status, &page)
}

/// After her password (or her welcome link), when her role needs a second
/// factor she has not set up: a new secret and the form that confirms it.
pub async fn setup_page(state: &AppState, lang: Lang, pending: String) -> Response {
    let Some(half) = state.setup_half(&pending).await else {
        return expired_for(state, lang, String::new());
    };
    match state.ombud.begin_second_factor_for(&half) {
        Ok(setup) => {
            let mut page = SecondFactorPage::new(sign_in_page(state, lang), Mode::Setup, "/staff/sign-in/setup");
            page.pending = pending;
            page.email = half.email().to_owned();
            page.required = true;
            page.shown = Some(shown(setup));
            render(&page)
        }
        Err(e) => error_page(lang, e),
    }
}

/// The sign-in page again, her email kept when it is known.
fn expired_for(state: &AppState, lang: Lang, email: String) -> Response {
    super::staff::sign_in_again(state, lang, email, lang.tr().t("second-factor-expired"))
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pending: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    code: String,
}

/// Her code after her password.
pub async fn code(
    State(state): State<AppState>,
    lang: Lang,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let client = crate::limits::client_address(&state.config, addr, &headers);
    match throttle::second_step(&state, client, &headers, &form.pending, &form.code).await {
        Ok(done) => signed_in_redirect(&state, done),
        Err(CodeRefused::Wait(wait, pending)) => {
            let tr = lang.tr();
            let error = tr.t_with("sign-in-wait", &[("seconds", FluentValue::from(wait.as_secs().max(1)))]);
            let mut response = code_page(&state, lang, pending, &form.email, Some(error));
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            response
        }
        Err(CodeRefused::Wrong(Some(pending))) => {
            code_page(&state, lang, pending, &form.email, Some(lang.tr().t("field-code-wrong")))
        }
        Err(CodeRefused::Wrong(None) | CodeRefused::Expired) => expired_for(&state, lang, form.email),
        Err(CodeRefused::Service(e)) => error_page(lang, e),
    }
}

fn signed_in_redirect(state: &AppState, done: SignedIn) -> Response {
    let mut response = super::page::with_session_cookie(state, STAFF_COOKIE, &done.token, done.home);
    append_cookie(&mut response, Some(done.device_cookie));
    response
}

#[derive(serde::Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    pending: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    enrolment: String,
    #[serde(default)]
    code: String,
    /// A code of the factor she replaces (her own page, when she has one).
    #[serde(default)]
    current_code: String,
}

/// The setup her role needs, confirmed during sign-in: she is signed in
/// and sees her recovery codes.
pub async fn setup_during_sign_in(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Response {
    // Only a sign-in that waits for a setup sets one: one that waits for a
    // code never replaces the factor it was asked for.
    let Some(half) = state.setup_half(&form.pending).await else {
        return expired_for(&state, lang, form.email);
    };
    match state.ombud.finish_second_factor_and_sign_in(&half, &form.enrolment, &form.code).await {
        Ok((session, codes)) => {
            state.end_staff_session(&form.pending).await;
            let done = match throttle::signed_in(&state, &headers, session).await {
                Ok(done) => done,
                Err(throttle::Refused::Service(e)) => return error_page(lang, e),
                Err(throttle::Refused::Wait(_)) => return expired_for(&state, lang, form.email),
            };
            let mut page = SecondFactorPage::new(sign_in_page(&state, lang), Mode::Codes, "");
            page.recovery_codes = codes;
            page.continue_to = done.home;
            let mut response = render(&page);
            append_cookie(
                &mut response,
                Some(crate::security::cookie(STAFF_COOKIE, &done.token, state.config.secure_cookies, None)),
            );
            append_cookie(&mut response, Some(done.device_cookie));
            response
        }
        Err(ServiceError::Invalid(errors)) => {
            // The same key again, or a new one if its seal no longer opens.
            let setup = state
                .ombud
                .resume_second_factor_for(&half, &form.enrolment)
                .or_else(|_| state.ombud.begin_second_factor_for(&half));
            let setup = match setup {
                Ok(setup) => setup,
                Err(e) => return error_page(lang, e),
            };
            let mut page = SecondFactorPage::new(sign_in_page(&state, lang), Mode::Setup, "/staff/sign-in/setup");
            page.error = Some(crate::error::field_messages(&page.page.tr, &errors));
            page.pending = form.pending;
            page.email = half.email().to_owned();
            page.required = true;
            page.shown = Some(shown(setup));
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(ServiceError::BadCredentials) => {
            state.end_staff_session(&form.pending).await;
            expired_for(&state, lang, half.email().to_owned())
        }
        Err(e) => error_page(lang, e),
    }
}

fn own_page(state: &AppState, lang: Lang, session: &ombud_service::StaffSession, mode: Mode) -> SecondFactorPage {
    let page = staff_page(state, lang, "/staff/second-factor", "second-factor-title", session);
    SecondFactorPage::new(page, mode, "/staff/second-factor")
}

/// Her own page: whether she has a second factor, and setting up a new one.
pub async fn status(State(state): State<AppState>, lang: Lang, StaffPage(session): StaffPage) -> Response {
    match state.ombud.second_factor_status(&session).await {
        Ok(status) => {
            let mut page = own_page(&state, lang, &session, Mode::Status);
            let tr = &page.page.tr;
            page.status_text = if status.set_up {
                let left = FluentValue::from(status.recovery_codes_left);
                tr.t_with("second-factor-status-on", &[("count", left)])
            } else if status.required {
                format!("{} {}", tr.t("second-factor-status-off"), tr.t("second-factor-status-required"))
            } else {
                tr.t("second-factor-status-off")
            };
            page.status = Some(status);
            render(&page)
        }
        Err(e) => error_page(lang, e),
    }
}

/// A new secret to set up, from her own page.
pub async fn begin(State(state): State<AppState>, lang: Lang, StaffPage(session): StaffPage) -> Response {
    let replaces = match state.ombud.second_factor_status(&session).await {
        Ok(status) => status.set_up,
        Err(e) => return error_page(lang, e),
    };
    match state.ombud.begin_second_factor(&session) {
        Ok(setup) => {
            let mut page = own_page(&state, lang, &session, Mode::Setup);
            page.replaces = replaces;
            page.required = state.ombud.config().requires_second_factor(session.role);
            page.shown = Some(shown(setup));
            render(&page)
        }
        Err(e) => error_page(lang, e),
    }
}

/// The new secret confirmed from her own page: her recovery codes.
pub async fn finish(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    Form(form): Form<SetupForm>,
) -> Response {
    match state.ombud.finish_second_factor(&session, &form.enrolment, &form.code, &form.current_code).await {
        Ok(codes) => {
            let mut page = own_page(&state, lang, &session, Mode::Codes);
            page.recovery_codes = codes;
            page.continue_to = "/staff/second-factor";
            render(&page)
        }
        Err(ServiceError::Invalid(errors)) => {
            let setup = state
                .ombud
                .resume_second_factor(&session, &form.enrolment)
                .or_else(|_| state.ombud.begin_second_factor(&session));
            let setup = match setup {
                Ok(setup) => setup,
                Err(e) => return error_page(lang, e),
            };
            let mut page = own_page(&state, lang, &session, Mode::Setup);
            page.replaces = state.ombud.second_factor_status(&session).await.is_ok_and(|s| s.set_up);
            page.error = Some(crate::error::field_messages(&page.page.tr, &errors));
            page.required = state.ombud.config().requires_second_factor(session.role);
            page.shown = Some(shown(setup));
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => error_page(lang, e),
    }
}

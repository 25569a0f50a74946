//! What every page is made of: the frame (`Page`), rendering, the message
//! and error pages, choices, downloads, redirects and session cookies.

use crate::AppState;
use crate::error::classify;
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use jiff::tz::TimeZone;
use ombud_domain::{Deadline, DeadlineState};
use ombud_service::ServiceError;

/// What every page's frame needs.
pub struct Page {
    pub tr: Tr,
    /// The path the language switch links back to; None hides the switch
    /// (the receipt page, which must not be left by accident).
    pub path: Option<String>,
    pub title: String,
    pub staff_name: Option<String>,
    /// Shows the oversight committee's pages in the header.
    pub oversight: bool,
    /// Shows the administrator's pages in the header.
    pub admin: bool,
    pub zone: TimeZone,
    /// New on every page served: its forms post to `?once=` this, so each
    /// acts once however often it is sent (`guards::once`).
    pub once: String,
}

impl Page {
    pub fn new(state: &AppState, lang: Lang, path: &str, title_key: &str) -> Self {
        Self {
            zone: state.ombud.config().policy.time_zone().unwrap_or(TimeZone::UTC),
            ..Self::plain(lang, path, title_key)
        }
    }

    /// A page that shows no time (a message, an error): no zone needed.
    pub fn plain(lang: Lang, path: &str, title_key: &str) -> Self {
        let tr = lang.tr();
        Self {
            title: tr.t(title_key),
            tr,
            path: Some(path.to_owned()),
            staff_name: None,
            oversight: false,
            admin: false,
            zone: TimeZone::UTC,
            // Without randomness the page still works; its forms are then not guarded.
            once: ombud_service::random_token().unwrap_or_default(),
        }
    }

    pub fn switch_href(&self, code: &str) -> String {
        format!("{}?lang={code}", self.path.as_deref().unwrap_or("/"))
    }

    pub fn time(&self, at: &jiff::Timestamp) -> String {
        self.tr.time(*at, &self.zone)
    }

    pub fn date(&self, day: jiff::civil::Date) -> String {
        self.tr.date(day)
    }

    /// One line about a deadline: when it is due and how it stands now.
    pub fn deadline(&self, d: &Deadline, now: jiff::Timestamp) -> String {
        let name = self.tr.label(d.kind);
        let state = match d.state(now) {
            DeadlineState::Met => {
                let when = d.met_at.map(|t| self.time(&t)).unwrap_or_default();
                self.tr.t_with("deadline-met", &[("when", when.into())])
            }
            DeadlineState::NotStarted => self.tr.t(crate::labels::not_started_key(d.kind)),
            DeadlineState::Open(left) => {
                let due = d.due.map(|t| self.time(&t)).unwrap_or_default();
                self.tr.t_with("deadline-due", &[("when", due.into()), ("left", self.tr.remaining(left).into())])
            }
            DeadlineState::Overdue(by) => {
                let due = d.due.map(|t| self.time(&t)).unwrap_or_default();
                self.tr.t_with("deadline-due", &[("when", due.into()), ("left", self.tr.remaining(-by).into())])
            }
            DeadlineState::Closed(why) => {
                let when = d.closed.map(|(t, _)| self.time(&t)).unwrap_or_default();
                self.tr.t_with("deadline-closed", &[("when", when.into()), ("reason", self.tr.label(why).into())])
            }
        };
        format!("{name}: {state}")
    }

    /// "Optional. Up to 25 MB each." for a file input.
    pub fn files_hint(&self, mb: &u64) -> String {
        self.tr.t_with("report-attachments-hint", &[("mb", (*mb).into())])
    }

    pub fn overdue(&self, d: &Deadline, now: jiff::Timestamp) -> bool {
        matches!(d.state(now), DeadlineState::Overdue(_))
    }
}

pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

pub fn render_with(status: StatusCode, template: &impl Template) -> Response {
    let mut response = render(template);
    if response.status().is_success() {
        *response.status_mut() = status;
    }
    response
}

#[derive(Template)]
#[template(path = "shared/message.html")]
pub struct MessagePage {
    pub page: Page,
    pub heading: String,
    pub body: String,
    pub link: Option<(String, String)>,
}

/// A page with one message, for errors and dead ends.
pub fn message_page(lang: Lang, status: StatusCode, key: &str) -> Response {
    let page = Page::plain(lang, "/", key);
    let body = page.tr.t(&format!("{key}-body"));
    let heading = page.title.clone();
    let link = Some(("/".to_owned(), page.tr.t("nav-home")));
    render_with(status, &MessagePage { page, heading, body, link })
}

/// The page for a service error that is not a form problem.
pub fn error_page(lang: Lang, e: ServiceError) -> Response {
    crate::error::log_if_internal(&e);
    let (status, code) = classify(&e);
    message_page(lang, status, &crate::error::message_key(code))
}

/// A labelled choice for a select or a set of radio buttons.
pub struct Choice {
    pub value: &'static str,
    pub label: String,
}

/// The choices of an enum: its wire name as the value, its label as the text.
pub fn choices<T: crate::labels::Label>(tr: &Tr, values: &[T], wire: fn(T) -> &'static str) -> Vec<Choice> {
    values.iter().map(|v| Choice { value: wire(*v), label: tr.label(*v) }).collect()
}

/// A file download: attachment disposition, so nothing uploaded is ever
/// rendered inline in Ombud's origin.
pub fn download_response(d: ombud_service::Download) -> Response {
    let ascii: String =
        d.name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let encoded: String = d
        .name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    (
        [(header::CONTENT_TYPE, "application/octet-stream".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        d.bytes,
    )
        .into_response()
}

/// 303 to `to`, setting (or, with an empty token, clearing) a session cookie.
pub fn with_session_cookie(state: &AppState, name: &str, token: &str, to: &str) -> Response {
    let mut response = see_other(to);
    let max_age = token.is_empty().then_some(0);
    if let Ok(v) =
        header::HeaderValue::from_str(&crate::security::cookie(name, token, state.config.secure_cookies, max_age))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// 303 to another page (after a POST, so reloading never re-submits).
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// What a page handler answers: the page, or the error page.
pub type PageResult = Result<Response, PageError>;

/// A service error on a page: its status and a sentence in her language.
#[derive(Debug)]
pub struct PageError(pub ServiceError);

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        Self(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(Lang::current(), self.0)
    }
}

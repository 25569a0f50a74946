//! The HTML pages. Reporter pages carry no script at all and work in Tor
//! Browser's safest mode; staff pages need none either.

mod admin;
mod admin_directory;
mod case;
pub use case::notice_keys;
mod case_actions;
mod display;
mod inbox;
mod oversight;
mod oversight_accounts;
pub(crate) mod page;
mod recovery;
pub(crate) mod reporter;
mod retaliation;
mod second_factor;
pub(crate) mod staff;
mod support;

use crate::AppState;
use crate::i18n::Lang;
use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use page::{Page, error_page, message_page, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(reporter::landing))
        .route("/report", get(reporter::report_form).post(reporter::submit))
        .route("/follow-up", get(reporter::follow_up).post(reporter::sign_in))
        .route("/follow-up/continue", post(reporter::continue_to_case))
        .route("/follow-up/reply", post(reporter::reply))
        .route("/follow-up/sign-out", post(reporter::sign_out))
        .route("/follow-up/attachments/{id}", get(reporter::download))
        .route("/follow-up/record", get(reporter::record).post(reporter::record_since))
        .route("/follow-up/escalate", post(reporter::escalate))
        .route("/follow-up/check-in", post(reporter::check_in))
        .route("/follow-up/reminders", post(reporter::reminders))
        .route("/support", get(support::form).post(support::submit))
        .route("/support/follow-up", get(support::follow_up).post(support::sign_in))
        .route("/support/reply", post(support::reply))
        .route("/support/sign-out", post(support::sign_out))
        .route("/staff/cases/{id}/support/{item}/message", post(case_actions::support_reply))
        .route("/follow-up/retaliation", get(reporter::retaliation_form).post(reporter::report_retaliation))
        .route("/oversight/escalations", get(oversight::escalations))
        .route("/oversight/lifts/{id}/{staff_id}", post(oversight::decide_lift))
        .route("/oversight/pauses/{id}", post(oversight::decide_pause))
        .route("/oversight/escalations/{id}/resolve", post(oversight::resolve))
        .route("/oversight/accounts", get(oversight_accounts::accounts))
        .route("/oversight/role-grants/{grant}/{decision}", post(oversight_accounts::decide))
        .route("/oversight/recovery", get(recovery::recovery).post(recovery::start))
        .route("/oversight/recovery/{operation}/approve", post(recovery::approve))
        .route("/oversight/retaliation", get(retaliation::reviews))
        .route("/oversight/retaliation/{id}", get(retaliation::review))
        .route("/oversight/retaliation/{id}/decision", post(retaliation::decide))
        .route("/oversight/retaliation/{id}/take-up", post(retaliation::take_up))
        .route("/justify/{token}", get(retaliation::justify).post(retaliation::justify_post))
        .route("/about", get(about))
        .route("/staff/sign-in", get(staff::sign_in_form).post(staff::sign_in))
        .route("/staff/sign-out", post(staff::sign_out))
        .route("/staff/sign-in/code", post(second_factor::code))
        .route("/staff/sign-in/setup", post(second_factor::setup_during_sign_in))
        .route("/staff/second-factor", get(second_factor::status).post(second_factor::finish))
        .route("/staff/second-factor/new", post(second_factor::begin))
        .route("/admin/staff", get(admin::staff_list))
        .route("/admin/staff/invite", post(admin::invite))
        .route("/admin/staff/{staff}/role", post(admin::set_role))
        .route("/admin/staff/{staff}/link", post(admin::link))
        .route("/admin/staff/{staff}/{action}", post(admin::act))
        .route("/admin/directory", get(admin_directory::directory))
        .route("/admin/directory/upload", post(admin_directory::upload))
        .route("/admin/directory/tokens", post(admin_directory::create_token))
        .route("/admin/directory/tokens/{id}/revoke", post(admin_directory::revoke_token))
        .route("/admin/configuration", get(admin_directory::configuration))
        .route("/staff/welcome/{token}", get(staff::welcome).post(staff::choose_password))
        .route("/staff/password", get(staff::password_form).post(staff::change_password))
        .route("/staff/cases", get(inbox::inbox))
        .route("/staff/cases/{id}", get(case_actions::case_page))
        .route("/staff/cases/{id}/reply", post(case_actions::reply))
        .route("/staff/cases/{id}/feedback", post(case_actions::feedback))
        .route("/staff/cases/{id}/acknowledge", post(case_actions::acknowledge))
        .route("/staff/cases/{id}/step", post(case_actions::step))
        .route("/staff/cases/{id}/requests/{request}/answer", post(case_actions::answer))
        .route("/staff/cases/{id}/deadlines/{deadline}/change", post(case_actions::change_deadline))
        .route("/staff/cases/{id}/proceedings", post(case_actions::proceeding))
        .route("/staff/cases/{id}/assignment", post(case_actions::assign))
        .route("/staff/cases/{id}/notes", post(case_actions::note))
        .route("/staff/cases/{id}/links", post(case_actions::link))
        .route("/staff/cases/{id}/labels", post(case_actions::labels))
        .route("/staff/cases/{id}/protection", post(case_actions::protect))
        .route("/staff/cases/{id}/counter-proceedings", post(case_actions::counter_proceeding))
        .route("/staff/cases/{id}/interim-measures", post(case_actions::decide_measure))
        .route("/staff/cases/{id}/interim-measures/{measure}", post(case_actions::change_measure))
        .route("/staff/cases/{id}/attachments/{attachment}", get(case_actions::download))
        .route("/staff/cases/{id}/reveal", post(case_actions::reveal))
        .route("/staff/cases/{id}/recuse", post(case_actions::recuse))
        .route("/staff/cases/{id}/people/{position}/match", post(case_actions::match_person))
}

pub async fn not_found(lang: Lang, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError::not_found().into_response();
    }
    message_page(lang, StatusCode::NOT_FOUND, "error-not-found")
}

#[derive(Template)]
#[template(path = "shared/about.html")]
pub struct AboutPage {
    page: Page,
    verifier_key: String,
    checkpoint: Option<String>,
}

/// The instance's public key and latest checkpoint, so anyone can check a record.
pub async fn about(axum::extract::State(state): axum::extract::State<AppState>, lang: Lang) -> Response {
    match state.ombud.latest_checkpoint().await {
        Ok(latest) => render(&AboutPage {
            page: Page::new(&state, lang, "/about", "about-title"),
            verifier_key: state.ombud.verifier_key().encode(),
            checkpoint: latest.map(|c| c.note),
        }),
        Err(e) => error_page(lang, e),
    }
}

/// The site's icon (a speech bubble), also answered at `/favicon.ico`,
/// which browsers ask for whatever a page links.
pub async fn icon() -> Response {
    (
        [(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("../../static/icon.svg"),
    )
        .into_response()
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/style.css"),
    )
        .into_response()
}

//! The administrator's directory page (the people of the organisation, a
//! CSV upload with every problem named by its line, the directory-sync
//! tokens) and the configuration at a glance, read-only.

use super::page::{Page, error_page, render_with, see_other};
use super::staff::staff_page;
use crate::AppState;
use crate::extract::AdminPage;
use crate::i18n::{Lang, Tr};
use crate::labels::Label;
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use ombud_service::{ChangeSource, ImportProblem, ServiceError, StaffSession};

/// People shown at once; a search narrows the rest.
const SHOWN: usize = 200;
/// The largest directory file taken from the browser.
const MAX_CSV_BYTES: u64 = 20 * 1024 * 1024;

pub struct PersonRow {
    name: String,
    other_names: String,
    employee_id: String,
    email: String,
    unit: String,
    level: i64,
    manager: String,
    hr_partner: String,
    active: bool,
}

pub struct TokenRow {
    id: String,
    label: String,
    created: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/directory.html")]
pub struct DirectoryPage {
    page: Page,
    query: String,
    people: Vec<PersonRow>,
    /// "Showing 200 of 5,312: search to narrow", when not all are shown.
    more: Option<String>,
    tokens: Vec<TokenRow>,
    /// Staff the chart cannot place ("name <email>"), and people with no employee number.
    unplaced_staff: Vec<String>,
    without_number: Vec<String>,
    departed: Vec<String>,
    notice: Option<String>,
    /// Every problem of an upload, one per line of the file.
    problems: Vec<String>,
    /// A token just created, shown this once.
    new_token: Option<String>,
    label: String,
    label_error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct DirectoryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    created: Option<usize>,
    #[serde(default)]
    updated: Option<usize>,
    #[serde(default)]
    unchanged: Option<usize>,
    #[serde(default)]
    inactive: Option<usize>,
}

/// What a page shows besides the people.
#[derive(Default)]
struct Extras {
    notice: Option<String>,
    problems: Vec<String>,
    new_token: Option<String>,
    label: String,
    label_error: Option<String>,
}

async fn directory_page(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    query: &str,
    extras: Extras,
    status: StatusCode,
) -> Response {
    let page = staff_page(state, lang, "/admin/directory", "admin-directory-title", session);
    let admin = match state.ombud.admin(session) {
        Ok(admin) => admin,
        Err(e) => return error_page(lang, e),
    };
    let (found, tokens) = match (state.ombud.search_directory(query, SHOWN).await, admin.api_tokens().await) {
        (Ok(found), Ok(tokens)) => (found, tokens),
        (Err(e), _) | (_, Err(e)) => return error_page(lang, e),
    };
    let unplaced = match admin.unplaced().await {
        Ok(unplaced) => unplaced,
        Err(e) => return error_page(lang, e),
    };
    let tr = &page.tr;
    let more = (found.total > found.people.len()).then(|| {
        tr.t_with(
            "admin-directory-more",
            &[("shown", FluentValue::from(found.people.len())), ("total", FluentValue::from(found.total))],
        )
    });
    let people = found
        .people
        .into_iter()
        .map(|e| PersonRow {
            name: e.person.name,
            other_names: e.person.other_names.join("; "),
            employee_id: e.person.employee_id,
            email: e.person.email,
            unit: e.person.unit,
            level: e.person.level,
            manager: e.manager.unwrap_or_default(),
            hr_partner: e.hr_partner.unwrap_or_default(),
            active: e.person.active,
        })
        .collect();
    let tokens = tokens
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            label: t.label,
            created: page.time(&t.created_at),
            revoked: t.revoked_at.map(|at| page.time(&at)),
        })
        .collect();
    let body = DirectoryPage {
        query: query.to_owned(),
        people,
        more,
        tokens,
        unplaced_staff: unplaced.staff.into_iter().map(|(name, email)| format!("{name} <{email}>")).collect(),
        without_number: unplaced.without_number,
        departed: unplaced.departed.into_iter().map(|(name, email)| format!("{name} <{email}>")).collect(),
        notice: extras.notice,
        problems: extras.problems,
        new_token: extras.new_token,
        label: extras.label,
        label_error: extras.label_error,
        page,
    };
    render_with(status, &body)
}

/// The people, searched, and the sync tokens.
pub async fn directory(
    State(state): State<AppState>,
    lang: Lang,
    AdminPage(session): AdminPage,
    Query(query): Query<DirectoryQuery>,
) -> Response {
    let tr = lang.tr();
    let notice = match query.done.as_deref() {
        Some("imported") => {
            let mut text = tr.t_with(
                "admin-directory-imported",
                &[
                    ("created", FluentValue::from(query.created.unwrap_or(0))),
                    ("updated", FluentValue::from(query.updated.unwrap_or(0))),
                    ("unchanged", FluentValue::from(query.unchanged.unwrap_or(0))),
                ],
            );
            if let Some(inactive) = query.inactive.filter(|n| *n > 0) {
                text.push(' ');
                text.push_str(
                    &tr.t_with("admin-directory-imported-inactive", &[("count", FluentValue::from(inactive))]),
                );
            }
            Some(text)
        }
        Some("revoked") => Some(tr.t("admin-directory-token-revoked")),
        Some("sent-once") => Some(tr.t("done-sent-once")),
        _ => None,
    };
    let extras = Extras { notice, ..Extras::default() };
    directory_page(&state, lang, &session, &query.q, extras, StatusCode::OK).await
}

/// One problem of a directory file, in her language, with its line.
pub fn problem_text(tr: &Tr, problem: &ImportProblem) -> String {
    let what = tr.t(&format!("import-problem-{}", problem.code));
    let line = FluentValue::from(problem.line);
    match problem.column {
        Some(column) => {
            tr.t_with("import-problem-at-column", &[("line", line), ("column", column.into()), ("what", what.into())])
        }
        None => tr.t_with("import-problem-at-line", &[("line", line), ("what", what.into())]),
    }
}

/// A directory file uploaded: all of it, or nothing and every problem.
pub async fn upload(
    State(state): State<AppState>,
    lang: Lang,
    AdminPage(session): AdminPage,
    multipart: Multipart,
) -> Response {
    let form = crate::uploads::read(multipart, MAX_CSV_BYTES).await;
    let tr = lang.tr();
    let refuse = |problems: Vec<String>| async {
        let extras = Extras { problems, ..Extras::default() };
        directory_page(&state, lang, &session, "", extras, StatusCode::UNPROCESSABLE_ENTITY).await
    };
    if let Some(problem) = form.file_problem {
        return refuse(vec![tr.t(&format!("field-{problem}"))]).await;
    }
    let Some(file) = form.files.first() else {
        return refuse(vec![tr.t("admin-directory-no-file")]).await;
    };
    let Ok(text) = std::str::from_utf8(&file.bytes) else {
        return refuse(vec![tr.t("admin-directory-not-utf8")]).await;
    };
    match state.ombud.import_directory(text, ChangeSource::Administrator(session.id)).await {
        Ok(report) => see_other(&format!(
            "/admin/directory?done=imported&created={}&updated={}&unchanged={}&inactive={}#done",
            report.created, report.updated, report.unchanged, report.kept_inactive
        )),
        Err(ServiceError::BadImport(problems)) => refuse(problems.iter().map(|p| problem_text(&tr, p)).collect()).await,
        Err(e) => error_page(lang, e),
    }
}

#[derive(serde::Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    label: String,
}

/// A directory-sync token, shown this once.
pub async fn create_token(
    State(state): State<AppState>,
    lang: Lang,
    AdminPage(session): AdminPage,
    Form(form): Form<TokenForm>,
) -> Response {
    let created = match state.ombud.admin(&session) {
        Ok(admin) => admin.create_api_token(&form.label).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(token) => {
            let notice = Some(lang.tr().t("admin-directory-token-created-notice"));
            let extras = Extras { notice, new_token: Some(token.token), ..Extras::default() };
            directory_page(&state, lang, &session, "", extras, StatusCode::CREATED).await
        }
        Err(ServiceError::Invalid(errors)) => {
            let tr = lang.tr();
            let label_error = Some(crate::error::field_messages(&tr, &errors));
            let extras = Extras { label: form.label, label_error, ..Extras::default() };
            directory_page(&state, lang, &session, "", extras, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(lang, e),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    lang: Lang,
    AdminPage(session): AdminPage,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return error_page(lang, ServiceError::NotFound);
    };
    let revoked = match state.ombud.admin(&session) {
        Ok(admin) => admin.revoke_api_token(id).await,
        Err(e) => Err(e),
    };
    match revoked {
        Ok(()) => see_other("/admin/directory?done=revoked#done"),
        Err(e) => error_page(lang, e),
    }
}

/// One line of the configuration at a glance.
pub struct Setting {
    label: String,
    value: String,
}

/// A category's deadlines, as the policy sets them.
pub struct CategoryLine {
    name: String,
    acknowledge: String,
    triage: String,
    interim: String,
}

#[derive(Template)]
#[template(path = "admin/configuration.html")]
pub struct ConfigurationPage {
    page: Page,
    general: Vec<Setting>,
    categories: Vec<CategoryLine>,
    operations: Vec<Setting>,
}

/// The configuration at a glance: what the file and the environment set,
/// read-only (it changes in the configuration file, by the operator).
pub async fn configuration(State(state): State<AppState>, lang: Lang, AdminPage(session): AdminPage) -> Response {
    let page = staff_page(&state, lang, "/admin/configuration", "admin-configuration-title", &session);
    let tr = &page.tr;
    let config = state.ombud.config();
    let policy = &config.policy;
    let days = |n: i64| tr.t_with("config-days", &[("n", FluentValue::from(n))]);
    let hours = |n: i64| tr.t_with("config-hours", &[("n", FluentValue::from(n))]);
    let months = |n: i64| tr.t_with("config-months", &[("n", FluentValue::from(n))]);
    let setting = |key: &str, value: String| Setting { label: tr.t(key), value };
    let roles = if config.second_factor.is_empty() {
        tr.t("config-nobody")
    } else {
        config.second_factor.iter().map(|r| tr.t(r.key())).collect::<Vec<_>>().join(", ")
    };
    let general = vec![
        setting("config-time-zone", policy.time_zone.clone()),
        setting("config-acknowledge", days(i64::from(policy.acknowledge_days))),
        setting("config-feedback", months(i64::from(policy.feedback_months))),
        setting("config-feedback-extension", months(i64::from(policy.feedback_extension_months))),
        setting("config-request-answer", days(i64::from(policy.request_answer_days))),
        setting("config-routing", hours(policy.routing_hours)),
        setting("config-remind-before", hours(policy.remind_before_hours)),
        setting("config-pause-max", days(policy.pause_max_days)),
        setting("config-second-factor", roles),
        setting(
            "config-recovery",
            tr.t_with(
                "config-recovery-split",
                &[
                    ("threshold", FluentValue::from(config.recovery_threshold)),
                    ("shares", FluentValue::from(config.recovery_shares)),
                ],
            ),
        ),
        setting("config-retaliation-review", days(i64::from(config.retaliation.review_days))),
        setting("config-retaliation-protection", months(i64::from(config.retaliation.protection_months))),
        setting(
            "config-retaliation-check-ins",
            config.retaliation.check_in_days.iter().map(|d| days(i64::from(*d))).collect::<Vec<_>>().join(", "),
        ),
        setting(
            "config-retaliation-exempt",
            if config.retaliation.skip_kinds.is_empty() {
                tr.t("config-nobody")
            } else {
                let kinds = config.retaliation.skip_kinds.iter().map(|k| tr.label(*k)).collect::<Vec<_>>().join(", ");
                tr.t_with("config-retaliation-exempt-warning", &[("kinds", FluentValue::from(kinds))])
            },
        ),
    ];
    let none = tr.t("config-not-set");
    let categories = ombud_domain::Category::ALL
        .iter()
        .map(|category| {
            let rules = policy.categories.get(category.as_str()).cloned().unwrap_or_default();
            CategoryLine {
                name: tr.label(*category),
                acknowledge: days(i64::from(rules.acknowledge_days.unwrap_or(policy.acknowledge_days))),
                triage: rules.triage_hours.map_or_else(|| none.clone(), hours),
                interim: rules.interim_measures_hours.map_or_else(|| none.clone(), hours),
            }
        })
        .collect();
    let ops = &state.config.operations;
    let or_none = |value: &Option<String>| value.clone().unwrap_or_else(|| none.clone());
    let operations = vec![
        setting("config-mail-server", ops.mail_server.clone().unwrap_or_else(|| tr.t("config-mail-none"))),
        setting("config-mail-from", or_none(&ops.mail_from)),
        setting("config-public-url", or_none(&ops.public_url)),
        setting("config-ledger-origin", or_none(&config.ledger_origin)),
        setting("config-witness", ops.witness_file.clone().unwrap_or_else(|| tr.t("config-witness-none"))),
    ];
    render_with(StatusCode::OK, &ConfigurationPage { page, general, categories, operations })
}

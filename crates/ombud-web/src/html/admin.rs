//! The administrator's pages: staff accounts through their life. He invites,
//! disables, enables, resets and changes roles; he never sets or sees a
//! password or a link, and reads no case.

use super::page::{Page, render_with, see_other};
use super::staff::staff_page;
use crate::AppState;
use crate::extract::{AdminPage, ItemPath};
use crate::i18n::Lang;
use crate::labels::Label;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ombud_domain::{FieldError, Role, StaffId};
use ombud_service::{ServiceError, StaffSession, StaffView};

pub struct PersonLine {
    id: String,
    name: String,
    email: String,
    role: String,
    awaiting: Option<String>,
    status: String,
    last_sign_in: String,
    second_factor: String,
    yourself: bool,
    /// (path segment, button label) of what can be done to the account now.
    actions: Vec<(&'static str, String)>,
    /// Where the directory places her, in words.
    placed: String,
    /// The employee id in her link form: as recorded, or as typed when
    /// it came back with a problem.
    employee_id: String,
    link_error: Option<String>,
}

/// The link form of one account as sent, with its problem.
pub struct LinkBack {
    staff: StaffId,
    employee_id: String,
    error: String,
}

/// The invitation form as sent, with its problems.
#[derive(Default, serde::Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    lang: String,
    #[serde(skip)]
    errors: Vec<(String, String)>,
}

impl InviteForm {
    /// Whether this role was the one sent.
    pub fn chose(&self, role: &str) -> bool {
        self.role == role
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "admin/staff.html")]
pub struct StaffListPage {
    recovery_warnings: Vec<String>,
    page: Page,
    people: Vec<PersonLine>,
    roles: Vec<(&'static str, String)>,
    invite: InviteForm,
    notice: Option<String>,
    problem: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

const DONE: &[&str] =
    &["invited", "awaiting", "disabled", "enabled", "reset", "role", "role-awaiting", "sent-once", "linked"];

/// What the staff list shows besides the accounts: a form sent back with
/// its problems, a notice of what was done, a problem on top.
#[derive(Default)]
struct Shown {
    invite: InviteForm,
    notice: Option<String>,
    problem: Option<String>,
    link_back: Option<LinkBack>,
}

async fn staff_list_page(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    shown: Shown,
    status: StatusCode,
) -> Response {
    let Shown { invite, notice, problem, link_back } = shown;
    let page = staff_page(state, lang, "/admin/staff", "admin-staff-title", session);
    let listed = match state.ombud.admin(session) {
        Ok(admin) => match (admin.list_staff().await, admin.unplaced().await) {
            (Ok(people), Ok(unplaced)) => Ok((people, unplaced)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        },
        Err(e) => Err(e),
    };
    let people = match listed {
        Ok((people, unplaced)) => people
            .into_iter()
            .map(|p| {
                let placed = if unplaced.staff.iter().any(|(_, email)| *email == p.email) {
                    Placed::Not
                } else if unplaced.departed.iter().any(|(_, email)| *email == p.email) {
                    Placed::Departed
                } else {
                    Placed::Yes
                };
                person_line(&page, session, p, placed, link_back.as_ref())
            })
            .collect(),
        Err(e) => return super::page::error_page(lang, e),
    };
    let roles = Role::ALL.iter().map(|r| (r.as_str(), page.tr.t(r.key()))).collect();
    // Until oversight enables recovery, a forgotten password can lose a
    // case; once it is, he learns when the holders run short (his disabling
    // one may be why).
    let recovery_warnings = match state.ombud.recovery_state(session).await {
        Ok(recovery) => recovery.warnings.iter().map(|w| page.tr.t(&format!("admin-recovery-{w}"))).collect(),
        Err(e) => return super::page::error_page(lang, e),
    };
    render_with(status, &StaffListPage { page, people, roles, invite, notice, problem, recovery_warnings })
}

/// Where the directory places an account.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Placed {
    Yes,
    Not,
    /// Linked to someone who has left.
    Departed,
}

fn person_line(
    page: &Page,
    session: &StaffSession,
    p: StaffView,
    placed: Placed,
    back: Option<&LinkBack>,
) -> PersonLine {
    use ombud_domain::StaffStatus::*;
    let tr = &page.tr;
    let actions: &[&'static str] = match p.status {
        Active => &["disable", "reset"],
        Invited | Reset => &["disable"],
        Disabled => &["enable"],
    };
    PersonLine {
        id: p.id.to_string(),
        name: p.name,
        email: p.email,
        role: tr.t(p.role.key()),
        awaiting: p.awaiting_role.map(|r| format!("{} {}", tr.t("admin-staff-awaiting"), tr.t(r.key()))),
        status: tr.t(p.status.key()),
        last_sign_in: p.last_sign_in_at.map_or_else(|| tr.t("admin-staff-never"), |t| page.time(&t)),
        second_factor: tr.t(match (p.second_factor, p.second_factor_required) {
            (true, _) => "admin-staff-second-factor-on",
            (false, true) => "admin-staff-second-factor-missing",
            (false, false) => "admin-staff-second-factor-off",
        }),
        yourself: p.id == session.id,
        actions: actions.iter().map(|a| (*a, tr.t(&format!("admin-staff-{a}")))).collect(),
        placed: match (&p.employee_id, placed) {
            (_, Placed::Not) => tr.t("admin-staff-unplaced"),
            (_, Placed::Departed) => tr.t("admin-staff-departed"),
            (Some(id), Placed::Yes) => tr.t_with("admin-staff-linked-by-id", &[("id", id.clone().into())]),
            (None, Placed::Yes) => tr.t("admin-staff-linked-by-email"),
        },
        employee_id: match back.filter(|b| b.staff == p.id) {
            Some(b) => b.employee_id.clone(),
            None => p.employee_id.clone().unwrap_or_default(),
        },
        link_error: back.filter(|b| b.staff == p.id).map(|b| b.error.clone()),
    }
}

pub async fn staff_list(
    State(state): State<AppState>,
    lang: Lang,
    AdminPage(session): AdminPage,
    Query(query): Query<DoneQuery>,
) -> Response {
    let notice = query.done.filter(|d| DONE.contains(&d.as_str())).map(|d| lang.tr().t(&format!("admin-done-{d}")));
    staff_list_page(&state, lang, &session, Shown { notice, ..Shown::default() }, StatusCode::OK).await
}

fn role_choice(value: &str) -> Result<Role, ServiceError> {
    match value.trim() {
        "" => Err(ServiceError::invalid_field("role", "required")),
        v => v.parse().map_err(|_| ServiceError::invalid_field("role", "invalid-choice")),
    }
}

/// Invites a person; the form comes back with every value and each problem
/// beside its field.
pub async fn invite(
    State(state): State<AppState>,
    lang: Lang,
    AdminPage(session): AdminPage,
    Form(mut form): Form<InviteForm>,
) -> Response {
    let result = match (role_choice(&form.role), state.ombud.admin(&session)) {
        (Ok(role), Ok(admin)) => admin.invite(&form.email, &form.name, role, &form.lang).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(invited) => see_other(if invited.link_token.is_some() {
            "/admin/staff?done=invited"
        } else {
            "/admin/staff?done=awaiting"
        }),
        Err(ServiceError::Invalid(errors)) => {
            let tr = lang.tr();
            form.errors =
                errors.iter().map(|e: &FieldError| (e.field.clone(), crate::error::field_message(&tr, e))).collect();
            let shown = Shown { invite: form, ..Shown::default() };
            staff_list_page(&state, lang, &session, shown, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => super::page::error_page(lang, e),
    }
}

/// Disable, enable or reset an account.
pub async fn act(
    State(state): State<AppState>,
    lang: Lang,
    AdminPage(session): AdminPage,
    Path((staff, action)): Path<(String, String)>,
) -> Response {
    let Ok(staff) = staff.parse::<StaffId>() else {
        return super::page::error_page(lang, ServiceError::NotFound);
    };
    let admin = match state.ombud.admin(&session) {
        Ok(admin) => admin,
        Err(e) => return super::page::error_page(lang, e),
    };
    let done = match action.as_str() {
        "disable" => admin.disable(staff).await.map(|_| "disabled"),
        "enable" => admin.enable(staff).await.map(|_| "enabled"),
        "reset" => admin.reset(staff).await.map(|_| "reset"),
        _ => Err(ServiceError::NotFound),
    };
    finish(&state, lang, &session, done).await
}

#[derive(serde::Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    lang: Lang,
    AdminPage(session): AdminPage,
    ItemPath(staff): ItemPath<StaffId>,
    Form(form): Form<RoleForm>,
) -> Response {
    let done = match (role_choice(&form.role), state.ombud.admin(&session)) {
        (Ok(role), Ok(admin)) => admin
            .set_role(staff, role)
            .await
            .map(|view| if view.awaiting_role.is_some() { "role-awaiting" } else { "role" }),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    finish(&state, lang, &session, done).await
}

#[derive(serde::Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    employee_id: String,
}

/// Links an account to the directory person an employee id names; empty,
/// back to her email alone. A refused id comes back in its form, with the
/// problem beside it.
pub async fn link(
    State(state): State<AppState>,
    lang: Lang,
    AdminPage(session): AdminPage,
    ItemPath(staff): ItemPath<StaffId>,
    Form(form): Form<LinkForm>,
) -> Response {
    let done = match state.ombud.admin(&session) {
        Ok(admin) => admin.link_staff(staff, Some(&form.employee_id)).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => see_other(&format!("/admin/staff?done=linked#staff-{staff}")),
        Err(ServiceError::Invalid(errors)) => {
            let error = crate::error::field_messages(&lang.tr(), &errors);
            let link_back = Some(LinkBack { staff, employee_id: form.employee_id, error });
            let shown = Shown { link_back, ..Shown::default() };
            staff_list_page(&state, lang, &session, shown, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => super::page::error_page(lang, e),
    }
}

/// Back to the list saying what was done, or the list with the problem on top.
async fn finish(state: &AppState, lang: Lang, session: &StaffSession, done: Result<&str, ServiceError>) -> Response {
    match done {
        Ok(done) => see_other(&format!("/admin/staff?done={done}#done")),
        Err(ServiceError::Invalid(errors)) => {
            let problem = Some(crate::error::field_messages(&lang.tr(), &errors));
            let shown = Shown { problem, ..Shown::default() };
            staff_list_page(state, lang, session, shown, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => super::page::error_page(lang, e),
    }
}

//! Oversight's recovery page: whether the organisation recovery key is
//! enabled, who holds it, how many cases still lack a wrap to it, and the
//! operations waiting for approvals — enabled, started and approved here.
//! Nothing is chosen for her: no holder is ticked, no kind preselected.

use super::case_actions::Fields;
use super::page::{Page, error_page, render_with, see_other};
use super::staff::staff_page;
use crate::AppState;
use crate::extract::OversightPage;
use crate::i18n::Lang;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ombud_domain::{RecoveryKind, Role, StaffId};
use ombud_service::{RecoveryRequest, ServiceError, StaffSession};

pub struct HolderLine {
    name: String,
    usable: bool,
}

pub struct Candidate {
    id: String,
    name: String,
    checked: bool,
}

pub struct OperationLine {
    id: String,
    kind: String,
    case: String,
    asked: String,
    holders: String,
    approvals: String,
    expires: String,
    approved_by_me: bool,
    i_hold: bool,
}

#[derive(Template)]
#[template(path = "oversight/recovery.html")]
pub struct RecoveryPage {
    page: Page,
    enabled: bool,
    threshold: u32,
    split_lead: String,
    holders: Vec<HolderLine>,
    cases_pending: u64,
    cases_not_rotated: u64,
    cases_waiting: u64,
    completed: Vec<String>,
    warnings: Vec<String>,
    operations: Vec<OperationLine>,
    candidates: Vec<Candidate>,
    /// What she typed, kept when the form comes back.
    reference: String,
    kind: String,
    notice: Option<String>,
    problem: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// What comes back when a form is refused.
#[derive(Default)]
struct Sent {
    holders: Vec<String>,
    reference: String,
    kind: String,
    problem: Option<String>,
}

async fn recovery_page(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    notice: Option<String>,
    sent: Sent,
    status: StatusCode,
) -> Response {
    let page = staff_page(state, lang, "/oversight/recovery", "recovery-title", session);
    let (recovery, members) = match (state.ombud.recovery_state(session).await, oversight_members(state).await) {
        (Ok(r), Ok(m)) => (r, m),
        (Err(e), _) | (_, Err(e)) => return error_page(lang, e),
    };
    let tr = &page.tr;
    let held: Vec<StaffId> = recovery.holders.iter().filter(|h| h.usable).map(|h| h.id).collect();
    let operations = recovery
        .operations
        .iter()
        .map(|o| OperationLine {
            id: o.id.to_string(),
            kind: tr.label(o.kind),
            case: o.case.as_ref().map_or_else(
                || if o.kind == RecoveryKind::Recover { tr.t("recovery-every-waiting-case") } else { String::new() },
                |c| c.case_ref.clone(),
            ),
            asked: format!("{} · {}", o.initiator.name, page.time(&o.created_at)),
            holders: o.holders.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join(", "),
            approvals: approvals_line(tr, o),
            expires: page.time(&o.expires_at),
            approved_by_me: o.approvals.iter().any(|(s, _)| s.id == session.id),
            i_hold: held.contains(&session.id),
        })
        .collect();
    let candidates = members
        .into_iter()
        .map(|(id, name)| Candidate { checked: sent.holders.contains(&id.to_string()), id: id.to_string(), name })
        .collect();
    let completed = recovery.completed.iter().map(|c| completed_line(&page, c)).collect();
    let warnings = recovery.warnings.iter().map(|w| tr.t(&format!("recovery-warning-{w}"))).collect();
    render_with(
        status,
        &RecoveryPage {
            enabled: recovery.enabled,
            threshold: recovery.threshold,
            split_lead: tr.t_with(
                "recovery-split-lead",
                &[("threshold", recovery.configured_threshold.into()), ("shares", recovery.configured_shares.into())],
            ),
            holders: recovery.holders.into_iter().map(|h| HolderLine { name: h.name, usable: h.usable }).collect(),
            cases_pending: recovery.cases_pending,
            cases_not_rotated: recovery.cases_not_rotated,
            cases_waiting: recovery.cases_waiting,
            completed,
            warnings,
            operations,
            candidates,
            reference: sent.reference,
            kind: sent.kind,
            notice,
            problem: sent.problem,
            page,
        },
    )
}

/// "10:32 · Maria Keller · recovered: 2 cases", from the ledger's detail.
fn completed_line(page: &Page, c: &ombud_service::RecoveryCompleted) -> String {
    let tr = &page.tr;
    let (kind, rest) = c.detail.split_once(' ').unwrap_or((c.detail.as_str(), ""));
    let what = match (kind, rest.parse::<u32>()) {
        ("recover", Ok(cases)) => tr.t_with("recovery-completed-recover", &[("cases", cases.into())]),
        _ => match kind.parse::<RecoveryKind>() {
            Ok(kind) => format!("{} {rest}", tr.label(kind)),
            Err(_) => c.detail.clone(),
        },
    };
    let by = c.by.clone().unwrap_or_default();
    format!("{} · {by} · {what}", page.time(&c.at))
}

/// "1 of 2: Name", the approvals so far and who gave them.
fn approvals_line(tr: &crate::i18n::Tr, o: &ombud_service::RecoveryOperationView) -> String {
    let count =
        tr.t_with("recovery-approvals-count", &[("count", o.approvals.len().into()), ("needed", o.needed.into())]);
    let names: Vec<&str> = o.approvals.iter().map(|(s, _)| s.name.as_str()).collect();
    if names.is_empty() { count } else { format!("{count}: {}", names.join(", ")) }
}

/// The active oversight members who could hold a share.
async fn oversight_members(state: &AppState) -> Result<Vec<(StaffId, String)>, ServiceError> {
    let staff = state.ombud.operator().list_staff().await?;
    Ok(staff
        .into_iter()
        .filter(|s| s.role == Role::Oversight && s.status == ombud_domain::StaffStatus::Active)
        .map(|s| (s.id, format!("{} <{}>", s.name, s.email)))
        .collect())
}

pub async fn recovery(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    Query(done): Query<Done>,
) -> Response {
    let key = match done.done.as_str() {
        "enabled" => Some("recovery-done-enabled"),
        "asked" => Some("recovery-done-asked"),
        "approved" => Some("recovery-done-approved"),
        "sent-once" => Some("done-sent-once"),
        _ => None,
    };
    let notice = key.map(|k| lang.tr().t(k));
    recovery_page(&state, lang, &session, notice, Sent::default(), StatusCode::OK).await
}

/// Enable, recover, re-split or rotate: what the form asked for.
pub async fn start(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    Form(fields): Form<Fields>,
) -> Response {
    let mut sent = Sent {
        holders: fields.all("holders").into_iter().map(str::to_owned).collect(),
        reference: fields.get("reference").trim().to_owned(),
        kind: fields.get("kind").to_owned(),
        problem: None,
    };
    let result = async {
        let desk = state.ombud.oversight(&session)?;
        let kind: RecoveryKind =
            sent.kind.parse().map_err(|_| ServiceError::invalid_field("kind", "choose-recovery-kind"))?;
        let holders = sent
            .holders
            .iter()
            .map(|h| h.parse::<StaffId>().map_err(|_| ServiceError::invalid_field("holders", "holder-unknown")))
            .collect::<Result<Vec<_>, _>>()?;
        let case = match (kind, sent.reference.as_str(), fields.get("every")) {
            (RecoveryKind::Recover, "", "yes") => None,
            (RecoveryKind::Recover, _, "yes") => {
                return Err(ServiceError::invalid_field("case", "choose-one-recovery-case"));
            }
            (RecoveryKind::Recover, "", _) => return Err(ServiceError::invalid_field("case", "choose-recovery-case")),
            (RecoveryKind::Recover, reference, _) => Some(desk.recovery_case(reference).await?),
            _ => None,
        };
        desk.start_recovery(&RecoveryRequest { kind, holders, case }).await?;
        Ok(kind)
    }
    .await;
    match result {
        Ok(RecoveryKind::Enable) => {
            crate::spawn_recovery_wraps(&state, &session);
            see_other("/oversight/recovery?done=enabled#done")
        }
        Ok(_) => see_other("/oversight/recovery?done=asked#done"),
        Err(ServiceError::Invalid(errors)) => {
            sent.problem = Some(crate::error::field_messages(&lang.tr(), &errors));
            recovery_page(&state, lang, &session, None, sent, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(lang, e),
    }
}

/// Approves an operation with her share.
pub async fn approve(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    Path(operation): Path<String>,
) -> Response {
    let Ok(operation) = operation.parse::<uuid::Uuid>() else {
        return error_page(lang, ServiceError::NotFound);
    };
    let approved = match state.ombud.oversight(&session) {
        Ok(desk) => desk.approve_recovery(operation).await,
        Err(e) => Err(e),
    };
    match approved {
        Ok(()) => see_other("/oversight/recovery?done=approved#done"),
        // Completed or expired while her page was open: said on the page.
        Err(ServiceError::NotFound) => {
            let problem = Some(lang.tr().t("recovery-operation-gone"));
            recovery_page(&state, lang, &session, None, Sent { problem, ..Sent::default() }, StatusCode::NOT_FOUND)
                .await
        }
        Err(ServiceError::Invalid(errors)) => {
            let sent = Sent { problem: Some(crate::error::field_messages(&lang.tr(), &errors)), ..Sent::default() };
            recovery_page(&state, lang, &session, None, sent, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(lang, e),
    }
}

//! The oversight committee's API: its queues, exclusions and access logs.

use super::model::*;
use super::{ApiJson, ApiResult, errors};
use crate::AppState;
use crate::extract::{ApiOversight, CasePath, ItemPath};
use axum::Json;
use axum::extract::State;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(dismissals))
        .routes(utoipa_axum::routes!(overdue))
        .routes(utoipa_axum::routes!(deadline_changes))
        .routes(utoipa_axum::routes!(escalations))
        .routes(utoipa_axum::routes!(exclusions))
        .routes(utoipa_axum::routes!(access_log))
        .routes(utoipa_axum::routes!(queue))
        .routes(utoipa_axum::routes!(decide_lift))
        .routes(utoipa_axum::routes!(decide_pause))
        .routes(utoipa_axum::routes!(directory_changes))
        .routes(utoipa_axum::routes!(escalated_cases))
        .routes(utoipa_axum::routes!(resolve))
        .routes(utoipa_axum::routes!(repeat_respondents))
        .routes(utoipa_axum::routes!(admin_log))
        .routes(utoipa_axum::routes!(role_grants))
        .routes(utoipa_axum::routes!(decide_role_grant))
}

/// Roles that wait for an oversight member's approval: the oversight role, asked for a new or an existing account
/// (DECISIONS #3).
#[utoipa::path(get, path = "/oversight/role-grants", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = RoleGrants), errors::Unauthorized, errors::Forbidden))]
async fn role_grants(State(state): State<AppState>, ApiOversight(s): ApiOversight) -> ApiResult<Json<RoleGrants>> {
    let grants = state.ombud.oversight(&s)?.role_grants().await?;
    let grants = grants
        .into_iter()
        .map(|g| RoleGrantLine {
            id: g.id,
            staff: g.staff.into(),
            role: g.role,
            asked_by: g.asked_by,
            asked_at: g.asked_at,
        })
        .collect();
    Ok(Json(RoleGrants { grants }))
}

/// The role request a path names.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct GrantPath {
    /// The request's id.
    grant: uuid::Uuid,
}

/// Approve or refuse a role asked for someone: `{"approve": true}`. Another member than the one who asked decides,
/// never for her own account. Approved, an invited person gets her link by mail; an existing account takes the role.
#[utoipa::path(post, path = "/oversight/role-grants/{grant}/decision", tag = "oversight", security(("staff" = [])),
    params(GrantPath), request_body = RoleDecision,
    responses((status = 200, body = Done), errors::Body, errors::Unauthorized, errors::Forbidden, errors::NotFound,
        errors::Invalid))]
async fn decide_role_grant(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    ItemPath(grant): ItemPath<uuid::Uuid>,
    ApiJson(body): ApiJson<RoleDecision>,
) -> ApiResult<Json<Done>> {
    state.ombud.oversight(&s)?.decide_role_grant(grant, body.approve).await?;
    Ok(Json(Done::new(if body.approve { "approved" } else { "refused" })))
}

/// Paging of the administrative log.
#[derive(serde::Deserialize, utoipa::IntoParams)]
struct AdminLogQuery {
    /// Entries before this leaf index (the last `leaf_index` of the previous page).
    before: Option<u64>,
    /// At most this many (default 100, at most 500).
    limit: Option<u32>,
}

/// Administrative actions, newest first: invitations, roles, disabling, resets, passwords changed — who did what to
/// which account, and when. Each is a leaf of the ledger.
#[utoipa::path(get, path = "/oversight/admin-log", tag = "oversight", security(("staff" = [])), params(AdminLogQuery),
    responses((status = 200, body = AdminLog), errors::Unauthorized, errors::Forbidden, errors::Invalid))]
async fn admin_log(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    query: Result<axum::extract::Query<AdminLogQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<AdminLog>> {
    let axum::extract::Query(query) = query.map_err(|_| crate::error::ApiError::invalid_choice("query"))?;
    let entries = state.ombud.oversight(&s)?.admin_log(query.before, query.limit.unwrap_or(100)).await?;
    let entries = entries
        .into_iter()
        .map(|e| AdminLogLine {
            leaf_index: e.leaf_index,
            at: e.at,
            kind: e.kind,
            by: e.by,
            subject: e.subject,
            detail: e.detail,
        })
        .collect();
    Ok(Json(AdminLog { entries }))
}

/// People named as accused in three cases or more (confirmed people only: a unique match or someone a person
/// identified), each listed only when the caller may read every one of the cases: a count that took in a case
/// she is kept out of would tell her it exists.
#[utoipa::path(get, path = "/oversight/repeat-respondents", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = RepeatRespondents), errors::Unauthorized, errors::Forbidden))]
async fn repeat_respondents(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
) -> ApiResult<Json<RepeatRespondents>> {
    let people = state.ombud.oversight(&s)?.repeat_respondents().await?;
    Ok(Json(RepeatRespondents { min_cases: ombud_service::REPEAT_MIN_CASES, people }))
}

/// The escalated cases not yet dealt with, one entry per case with everything that was missed.
#[utoipa::path(get, path = "/oversight/escalated-cases", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = EscalatedCases), errors::Unauthorized, errors::Forbidden))]
async fn escalated_cases(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
) -> ApiResult<Json<EscalatedCases>> {
    Ok(Json(EscalatedCases { cases: state.ombud.oversight(&s)?.escalated_cases(500).await? }))
}

/// Mark a case's escalations dealt with, with a note (at least a sentence; sealed, on the ledger). It leaves
/// the queue; 422 naming `note` when nothing of the case is escalated.
#[utoipa::path(post, path = "/oversight/escalations/{id}/resolve", tag = "oversight", security(("staff" = [])),
    params(errors::CaseId), request_body = ResolveIn,
    responses((status = 200, body = Resolved), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Invalid))]
async fn resolve(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    CasePath(id): CasePath,
    ApiJson(body): ApiJson<ResolveIn>,
) -> ApiResult<Json<Resolved>> {
    Ok(Json(Resolved { resolved: state.ombud.oversight(&s)?.resolve_escalation(id, &body.note).await? }))
}

/// Everything waiting on oversight, one list: restricted cases first, then by due date and age.
#[utoipa::path(get, path = "/oversight/queue", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = Queue), errors::Unauthorized, errors::Forbidden))]
async fn queue(State(state): State<AppState>, ApiOversight(s): ApiOversight) -> ApiResult<Json<Queue>> {
    Ok(Json(Queue { items: state.ombud.oversight(&s)?.queue(500).await? }))
}

/// Approve or refuse letting a staff member back into a case that a directory change would have opened
/// to her again. Approving checks the conflict rule again first (`lifted` false if she is conflicted again).
#[utoipa::path(post, path = "/cases/{id}/access-lifts/{staff_id}", tag = "oversight", security(("staff" = [])),
    params(errors::CaseId, ("staff_id" = uuid::Uuid, Path, description = "The staff member who would be let back in")),
    request_body = LiftDecision,
    responses((status = 200, body = LiftDecided), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Pending))]
async fn decide_lift(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    CasePath(id): CasePath,
    ItemPath(staff): ItemPath<ombud_domain::StaffId>,
    ApiJson(body): ApiJson<LiftDecision>,
) -> ApiResult<Json<LiftDecided>> {
    let lifted = state.ombud.oversight(&s)?.decide_lift(id, staff, body.approve).await?;
    Ok(Json(LiftDecided { lifted }))
}

/// Approve or refuse a pause past the policy's limit that a handler asked for: approved, it takes effect
/// (and she is told, with the reason written for her); refused, nothing moves.
#[utoipa::path(post, path = "/oversight/deadline-changes/{change}/decision", tag = "oversight", security(("staff" = [])),
    params(("change" = uuid::Uuid, Path, description = "The change's id, from the queue's `change_id`")),
    request_body = PauseDecision,
    responses((status = 200, body = Done), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::NotFound, errors::Invalid))]
async fn decide_pause(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    ItemPath(change): ItemPath<uuid::Uuid>,
    ApiJson(body): ApiJson<PauseDecision>,
) -> ApiResult<Json<Done>> {
    Ok(Json(match state.ombud.oversight(&s)?.decide_pause(change, body.approve).await? {
        ombud_domain::ChangeState::Applied => Done::new("approved"),
        _ => Done::new("refused"),
    }))
}

/// Who changed the directory and when: the administrator, the sync token (and who created it) or the
/// command line, with how many exclusions each change would lift that still wait for approval.
#[utoipa::path(get, path = "/oversight/directory-changes", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = DirectoryChanges), errors::Unauthorized, errors::Forbidden))]
async fn directory_changes(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
) -> ApiResult<Json<DirectoryChanges>> {
    Ok(Json(DirectoryChanges { changes: state.ombud.oversight(&s)?.directory_changes(500).await? }))
}

/// Dismissals waiting for a sign-off.
#[utoipa::path(get, path = "/oversight/dismissals", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = Dismissals), errors::Unauthorized, errors::Forbidden))]
async fn dismissals(State(state): State<AppState>, ApiOversight(s): ApiOversight) -> ApiResult<Json<Dismissals>> {
    let cases = state.ombud.oversight(&s)?.pending_dismissals().await?;
    let dismissals = cases
        .into_iter()
        .map(|c| Dismissal { id: c.id, case_ref: c.reference, category: c.category, since: c.updated_at })
        .collect();
    Ok(Json(Dismissals { dismissals }))
}

/// Open deadlines past due.
#[utoipa::path(get, path = "/oversight/overdue", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = Overdue), errors::Unauthorized, errors::Forbidden))]
async fn overdue(State(state): State<AppState>, ApiOversight(s): ApiOversight) -> ApiResult<Json<Overdue>> {
    let rows = state.ombud.oversight(&s)?.overdue().await?;
    let overdue = rows
        .into_iter()
        .map(|d| OverdueDeadline {
            case_id: d.deadline.case_id,
            case_ref: d.case_ref,
            kind: d.deadline.kind,
            due: d.deadline.due_at,
            escalated_at: d.deadline.escalated_at,
        })
        .collect();
    Ok(Json(Overdue { overdue }))
}

/// Every moved deadline with its justification.
#[utoipa::path(get, path = "/oversight/deadline-changes", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = DeadlineChanges), errors::Unauthorized, errors::Forbidden))]
async fn deadline_changes(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
) -> ApiResult<Json<DeadlineChanges>> {
    Ok(Json(DeadlineChanges { deadline_changes: state.ombud.oversight(&s)?.deadline_changes().await? }))
}

/// The escalation queue: cases raised by a missed deadline or by the reporter.
#[utoipa::path(get, path = "/oversight/escalations", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = Escalations), errors::Unauthorized, errors::Forbidden))]
async fn escalations(State(state): State<AppState>, ApiOversight(s): ApiOversight) -> ApiResult<Json<Escalations>> {
    let rows = state.ombud.oversight(&s)?.escalations(500).await?;
    Ok(Json(Escalations { escalations: rows.iter().map(Escalation::from).collect() }))
}

/// Every exclusion from a case the caller may see, with the rule that fired or a declared conflict.
#[utoipa::path(get, path = "/oversight/exclusions", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = Exclusions), errors::Unauthorized, errors::Forbidden))]
async fn exclusions(State(state): State<AppState>, ApiOversight(s): ApiOversight) -> ApiResult<Json<Exclusions>> {
    Ok(Json(Exclusions { exclusions: state.ombud.oversight(&s)?.exclusions(500).await? }))
}

/// Who opened the case, downloaded a file or revealed an identity, and when.
#[utoipa::path(get, path = "/cases/{id}/access-log", tag = "oversight", security(("staff" = [])),
    params(errors::CaseId),
    responses((status = 200, body = AccessLog), errors::Unauthorized, errors::Forbidden, errors::NotFound))]
async fn access_log(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    CasePath(id): CasePath,
) -> ApiResult<Json<AccessLog>> {
    let entries = state.ombud.oversight(&s)?.access_log(id).await?;
    Ok(Json(AccessLog { case_id: id, summary: ombud_service::summarize_access(&entries), entries }))
}

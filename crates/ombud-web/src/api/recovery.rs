//! The organisation recovery key (DECISIONS #2): its state for oversight
//! and the administrator, and the operations oversight starts and approves.

use super::{ApiJson, ApiResult, errors};
use crate::AppState;
use crate::extract::{ApiOversight, ApiStaff, ItemPath};
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use ombud_domain::{RecoveryKind, StaffId};
use ombud_service::{CaseRef, StaffRef};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(state))
        .routes(utoipa_axum::routes!(start))
        .routes(utoipa_axum::routes!(approve))
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryHolderOut {
    pub id: StaffId,
    pub name: String,
    pub email: String,
    /// False when she left the committee, was disabled or reset: her share no longer opens.
    pub usable: bool,
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryApprovalOut {
    pub by: StaffRef,
    pub at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryOperationOut {
    pub id: uuid::Uuid,
    #[schema(value_type = String, example = "recover")]
    pub kind: RecoveryKind,
    pub case: Option<CaseRef>,
    pub initiator: StaffRef,
    /// A re-split's or rotation's new holders.
    pub holders: Vec<StaffRef>,
    pub approvals: Vec<RecoveryApprovalOut>,
    /// Approvals needed before its initiator's next request completes it.
    pub needed: u32,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A completed operation: `detail` is `recover N` (cases), `resplit T/N` or `rotate T/N` (approvals of holders).
#[derive(Serialize, ToSchema)]
pub struct RecoveryCompletedOut {
    pub at: Timestamp,
    pub by: Option<String>,
    pub detail: String,
}

/// Whether recovery is enabled, who holds it, and what is left to do.
#[derive(Serialize, ToSchema)]
pub struct RecoveryStateOut {
    pub enabled: bool,
    /// Approvals that rebuild the key (0 until enabled).
    pub threshold: u32,
    pub holders: Vec<RecoveryHolderOut>,
    /// Cases without a wrap to the current key yet; their readers complete them.
    pub cases_pending: u64,
    /// Cases a rotation has not rewrapped yet.
    pub cases_not_rotated: u64,
    pub operations: Vec<RecoveryOperationOut>,
    /// Cases where a reader waits for her key (what a recovery can give back).
    pub cases_waiting: u64,
    /// The latest completed operations, newest first.
    pub completed: Vec<RecoveryCompletedOut>,
    /// `not-enabled`, `holder-unusable`, `holders-at-threshold`, `holders-below-threshold`.
    pub warnings: Vec<String>,
    /// The configured split (`[recovery] threshold` and `shares`).
    pub configured_threshold: u32,
    pub configured_shares: u32,
}

impl From<ombud_service::RecoveryState> for RecoveryStateOut {
    fn from(s: ombud_service::RecoveryState) -> Self {
        Self {
            enabled: s.enabled,
            threshold: s.threshold,
            holders: s
                .holders
                .into_iter()
                .map(|h| RecoveryHolderOut { id: h.id, name: h.name, email: h.email, usable: h.usable })
                .collect(),
            cases_pending: s.cases_pending,
            cases_not_rotated: s.cases_not_rotated,
            operations: s
                .operations
                .into_iter()
                .map(|o| RecoveryOperationOut {
                    id: o.id,
                    kind: o.kind,
                    case: o.case,
                    initiator: o.initiator,
                    holders: o.holders,
                    approvals: o.approvals.into_iter().map(|(by, at)| RecoveryApprovalOut { by, at }).collect(),
                    needed: o.needed,
                    created_at: o.created_at,
                    expires_at: o.expires_at,
                })
                .collect(),
            cases_waiting: s.cases_waiting,
            completed: s
                .completed
                .into_iter()
                .map(|c| RecoveryCompletedOut { at: c.at, by: c.by, detail: c.detail })
                .collect(),
            warnings: s.warnings.into_iter().map(str::to_owned).collect(),
            configured_threshold: s.configured_threshold,
            configured_shares: s.configured_shares,
        }
    }
}

/// What to start: `enable` (with its holders, at once), `recover` (a case, or every case with pending grants when
/// none is named), `resplit` or `rotate` (with the new holders).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryOperationIn {
    #[schema(value_type = String, example = "recover")]
    pub kind: RecoveryKind,
    /// Oversight members' ids: the holders of a new split.
    #[serde(default)]
    pub holders: Vec<StaffId>,
    /// The case to recover.
    #[serde(default)]
    pub case: Option<ombud_domain::CaseId>,
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryStarted {
    /// The operation waiting for approvals; none for `enable`, done at once.
    pub operation: Option<uuid::Uuid>,
    pub state: RecoveryStateOut,
}

/// The recovery key's state: enabled or not, its holders (and whether each can still approve), how many cases still
/// lack a wrap to it, and the operations waiting for approvals. For oversight and the administrator.
#[utoipa::path(get, path = "/recovery", tag = "oversight", security(("staff" = [])),
    responses((status = 200, body = RecoveryStateOut), errors::Unauthorized, errors::Forbidden))]
async fn state(State(state): State<AppState>, ApiStaff(s): ApiStaff) -> ApiResult<Json<RecoveryStateOut>> {
    Ok(Json(state.ombud.recovery_state(&s).await?.into()))
}

/// Starts a recovery operation (oversight only). `enable` makes the key pair and seals a share to each holder at
/// once; the others wait for the threshold of holders to approve, and are completed by the initiator's next request.
/// A recovered case's key goes only to the readers routing allows.
#[utoipa::path(post, path = "/recovery/operations", tag = "oversight", security(("staff" = [])),
    request_body = RecoveryOperationIn,
    responses((status = 200, body = RecoveryStarted), errors::Body, errors::Unauthorized, errors::Forbidden,
        errors::Invalid))]
async fn start(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    ApiJson(body): ApiJson<RecoveryOperationIn>,
) -> ApiResult<Json<RecoveryStarted>> {
    let request = ombud_service::RecoveryRequest { kind: body.kind, holders: body.holders, case: body.case };
    let operation = state.ombud.oversight(&s)?.start_recovery(&request).await?;
    if body.kind == RecoveryKind::Enable {
        crate::spawn_recovery_wraps(&state, &s);
    }
    Ok(Json(RecoveryStarted { operation, state: state.ombud.recovery_state(&s).await?.into() }))
}

/// The operation a path names.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct OperationPath {
    /// The operation's id.
    operation: uuid::Uuid,
}

/// Approves an operation with your share (holders only; approving twice changes nothing).
#[utoipa::path(post, path = "/recovery/operations/{operation}/approve", tag = "oversight", security(("staff" = [])),
    params(OperationPath),
    responses((status = 200, body = RecoveryStateOut), errors::Unauthorized, errors::Forbidden, errors::NotFound,
        errors::Invalid))]
async fn approve(
    State(state): State<AppState>,
    ApiOversight(s): ApiOversight,
    ItemPath(operation): ItemPath<uuid::Uuid>,
) -> ApiResult<Json<RecoveryStateOut>> {
    state.ombud.oversight(&s)?.approve_recovery(operation).await?;
    Ok(Json(state.ombud.recovery_state(&s).await?.into()))
}

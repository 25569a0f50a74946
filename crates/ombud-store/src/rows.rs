//! Rows as the database returns them (`sqlx::FromRow`, by column name), and
//! the one place that turns stored primitives back into typed records.

use crate::sql::unsigned;
use crate::*;
use ombud_domain::CaseStatus;

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct CaseColumns {
    id: String,
    reference: String,
    category: String,
    status: String,
    received_at: i64,
    acknowledged_at: Option<i64>,
    updated_at: i64,
    escalated_at: Option<i64>,
    routing: String,
}

impl TryFrom<CaseColumns> for CaseRecord {
    type Error = StoreError;
    fn try_from(c: CaseColumns) -> Result<Self> {
        Ok(CaseRecord {
            id: parse(&c.id, "case id")?,
            reference: c.reference,
            category: parse(&c.category, "category")?,
            status: parse(&c.status, "status")?,
            received_at: from_millis(c.received_at)?,
            acknowledged_at: from_millis_opt(c.acknowledged_at)?,
            updated_at: from_millis(c.updated_at)?,
            escalated_at: from_millis_opt(c.escalated_at)?,
            routing: parse(&c.routing, "routing")?,
        })
    }
}

/// A case in a staff member's list, with her access and its next deadline.
#[derive(sqlx::FromRow)]
pub(crate) struct InboxColumns {
    #[sqlx(flatten)]
    case: CaseColumns,
    pending: i64,
    next_kind: Option<String>,
    /// `cases.next_due`: `NO_DEADLINE` when none is open.
    next_due: i64,
    lead_id: Option<String>,
    unread: i64,
}

impl TryFrom<InboxColumns> for InboxEntry {
    type Error = StoreError;
    fn try_from(c: InboxColumns) -> Result<Self> {
        let due = (c.next_due != NO_DEADLINE).then_some(c.next_due);
        Ok(InboxEntry {
            case: c.case.try_into()?,
            access_pending: c.pending != 0,
            next_deadline: kind_and_due(c.next_kind, due)?,
            lead: c.lead_id.as_deref().map(|id| parse(id, "staff id")).transpose()?,
            unread: c.unread != 0,
        })
    }
}

/// A deadline's kind and due time, when a join found one.
fn kind_and_due(
    kind: Option<String>,
    due: Option<i64>,
) -> Result<Option<(ombud_domain::DeadlineKind, jiff::Timestamp)>> {
    match (kind, due) {
        (Some(kind), Some(due)) => Ok(Some((parse(&kind, "deadline kind")?, from_millis(due)?))),
        _ => Ok(None),
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct StatusCount {
    status: String,
    n: i64,
}

impl TryFrom<StatusCount> for (CaseStatus, u64) {
    type Error = StoreError;
    fn try_from(c: StatusCount) -> Result<Self> {
        Ok((parse(&c.status, "status")?, unsigned(c.n, "count")?))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct StaffColumns {
    id: String,
    email: String,
    name: String,
    role: String,
    created_at: i64,
    public_key: Vec<u8>,
    sealed_secret: Vec<u8>,
    lang: String,
    time_zone: Option<String>,
    status: String,
    session_epoch: i64,
    last_sign_in_at: Option<i64>,
    second_factor: Option<Vec<u8>>,
    second_factor_step: Option<i64>,
    employee_id: Option<String>,
}

impl TryFrom<StaffColumns> for StaffRecord {
    type Error = StoreError;
    fn try_from(c: StaffColumns) -> Result<Self> {
        Ok(StaffRecord {
            id: parse(&c.id, "staff id")?,
            email: c.email,
            name: c.name,
            role: parse(&c.role, "role")?,
            created_at: from_millis(c.created_at)?,
            public_key: c.public_key,
            sealed_secret: c.sealed_secret,
            lang: c.lang,
            time_zone: c.time_zone,
            status: parse(&c.status, "staff status")?,
            session_epoch: c.session_epoch,
            last_sign_in_at: c.last_sign_in_at.map(from_millis).transpose()?,
            second_factor: c.second_factor.filter(|s| !s.is_empty()),
            second_factor_step: c.second_factor_step,
            employee_id: c.employee_id.filter(|e| !e.is_empty()),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AccessColumns {
    wrapped_key: Option<Vec<u8>>,
    granted_at: i64,
}

impl TryFrom<AccessColumns> for AccessRecord {
    type Error = StoreError;
    fn try_from(c: AccessColumns) -> Result<Self> {
        Ok(AccessRecord { wrapped_key: c.wrapped_key, granted_at: from_millis(c.granted_at)? })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PendingGrantColumns {
    id: String,
    public_key: Vec<u8>,
}

impl TryFrom<PendingGrantColumns> for PendingGrant {
    type Error = StoreError;
    fn try_from(c: PendingGrantColumns) -> Result<Self> {
        Ok(PendingGrant { staff: parse(&c.id, "staff id")?, public_key: c.public_key })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReceiptColumns {
    lookup: Vec<u8>,
    case_id: String,
    kdf: Vec<u8>,
    wrapped_key: Vec<u8>,
}

impl TryFrom<ReceiptColumns> for ReceiptRecord {
    type Error = StoreError;
    fn try_from(c: ReceiptColumns) -> Result<Self> {
        Ok(ReceiptRecord {
            lookup: c.lookup,
            case_id: parse(&c.case_id, "case id")?,
            kdf: c.kdf,
            wrapped_key: c.wrapped_key,
        })
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct MessageColumns {
    id: String,
    case_id: String,
    created_at: i64,
    actor_kind: String,
    staff_id: Option<String>,
    #[serde(deserialize_with = "crate::bundle::hex_bytes::deserialize")]
    sealed_body: Vec<u8>,
    feedback: i64,
}

impl TryFrom<MessageColumns> for MessageRecord {
    type Error = StoreError;
    fn try_from(c: MessageColumns) -> Result<Self> {
        Ok(MessageRecord {
            id: parse(&c.id, "message id")?,
            case_id: parse(&c.case_id, "case id")?,
            created_at: from_millis(c.created_at)?,
            author: Actor::from_parts(&c.actor_kind, c.staff_id)?,
            sealed_body: c.sealed_body,
            feedback: c.feedback != 0,
        })
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct AttachmentColumns {
    id: String,
    case_id: String,
    message_id: Option<String>,
    created_at: i64,
    size: i64,
    #[serde(deserialize_with = "crate::bundle::hex_bytes::deserialize")]
    sealed_meta: Vec<u8>,
}

impl TryFrom<AttachmentColumns> for AttachmentMeta {
    type Error = StoreError;
    fn try_from(c: AttachmentColumns) -> Result<Self> {
        Ok(AttachmentMeta {
            id: parse(&c.id, "attachment id")?,
            case_id: parse(&c.case_id, "case id")?,
            message_id: c.message_id.map(|m| parse(&m, "message id")).transpose()?,
            created_at: from_millis(c.created_at)?,
            size: unsigned(c.size, "size")?,
            sealed_meta: c.sealed_meta,
        })
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct TransitionColumns {
    id: String,
    step: String,
    from_status: String,
    to_status: String,
    at: i64,
    actor_kind: String,
    staff_id: Option<String>,
    #[serde(deserialize_with = "crate::bundle::hex_bytes::option::deserialize", default)]
    sealed_reason: Option<Vec<u8>>,
    #[serde(deserialize_with = "crate::bundle::hex_bytes::option::deserialize", default)]
    sealed_for_reporter: Option<Vec<u8>>,
    outcome: Option<String>,
    #[serde(deserialize_with = "crate::bundle::hex_bytes::option::deserialize", default)]
    sealed_sanctions: Option<Vec<u8>>,
}

impl TryFrom<TransitionColumns> for TransitionRow {
    type Error = StoreError;
    fn try_from(c: TransitionColumns) -> Result<Self> {
        Ok(TransitionRow {
            id: parse(&c.id, "transition id")?,
            step: c.step,
            from: parse(&c.from_status, "status")?,
            to: parse(&c.to_status, "status")?,
            at: from_millis(c.at)?,
            actor: Actor::from_parts(&c.actor_kind, c.staff_id)?,
            sealed_reason: c.sealed_reason,
            sealed_for_reporter: c.sealed_for_reporter,
            outcome: c.outcome.as_deref().map(|o| parse(o, "outcome")).transpose()?,
            sealed_sanctions: c.sealed_sanctions,
        })
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct RequestColumns {
    id: String,
    case_id: String,
    position: i64,
    created_at: i64,
    answered_at: Option<i64>,
    staff_id: Option<String>,
    #[serde(deserialize_with = "crate::bundle::hex_bytes::option::deserialize", default)]
    sealed_answer: Option<Vec<u8>>,
}

impl TryFrom<RequestColumns> for RequestRow {
    type Error = StoreError;
    fn try_from(c: RequestColumns) -> Result<Self> {
        Ok(RequestRow {
            id: parse(&c.id, "request id")?,
            case_id: parse(&c.case_id, "case id")?,
            position: u32::try_from(c.position).map_err(|_| StoreError::Corrupt("position".into()))?,
            created_at: from_millis(c.created_at)?,
            answered_at: from_millis_opt(c.answered_at)?,
            answered_by: c.staff_id.map(|s| parse(&s, "staff id")).transpose()?,
            sealed_answer: c.sealed_answer,
        })
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct SealedColumns {
    id: String,
    case_id: String,
    created_at: i64,
    staff_id: String,
    #[serde(deserialize_with = "crate::bundle::hex_bytes::deserialize")]
    sealed: Vec<u8>,
}

impl TryFrom<SealedColumns> for SealedEntry {
    type Error = StoreError;
    fn try_from(c: SealedColumns) -> Result<Self> {
        Ok(SealedEntry {
            id: parse(&c.id, "item id")?,
            case_id: parse(&c.case_id, "case id")?,
            created_at: from_millis(c.created_at)?,
            staff: parse(&c.staff_id, "staff id")?,
            sealed: c.sealed,
        })
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct DeadlineColumns {
    id: String,
    case_id: String,
    kind: String,
    due_at: i64,
    met_at: Option<i64>,
    reminded_at: Option<i64>,
    escalated_at: Option<i64>,
    created_at: i64,
    subject: Option<String>,
    closed_at: Option<i64>,
    closed_reason: Option<String>,
}

impl TryFrom<DeadlineColumns> for DeadlineRow {
    type Error = StoreError;
    fn try_from(c: DeadlineColumns) -> Result<Self> {
        Ok(DeadlineRow {
            id: parse(&c.id, "deadline id")?,
            case_id: parse(&c.case_id, "case id")?,
            kind: parse(&c.kind, "deadline kind")?,
            due_at: from_millis(c.due_at)?,
            met_at: from_millis_opt(c.met_at)?,
            reminded_at: from_millis_opt(c.reminded_at)?,
            escalated_at: from_millis_opt(c.escalated_at)?,
            created_at: from_millis(c.created_at)?,
            subject: c.subject.map(|s| parse(&s, "deadline subject")).transpose()?,
            closed: match (c.closed_at, c.closed_reason) {
                (Some(at), Some(why)) => Some((from_millis(at)?, parse(&why, "closed reason")?)),
                _ => None,
            },
        })
    }
}

/// A deadline joined with its case's reference.
#[derive(sqlx::FromRow)]
pub(crate) struct DueColumns {
    #[sqlx(flatten)]
    deadline: DeadlineColumns,
    reference: String,
}

impl TryFrom<DueColumns> for DueDeadline {
    type Error = StoreError;
    fn try_from(c: DueColumns) -> Result<Self> {
        Ok(DueDeadline { deadline: c.deadline.try_into()?, case_ref: c.reference })
    }
}

/// A deadline change joined with its deadline's kind and its case's reference.
#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct ChangeColumns {
    id: String,
    deadline_id: String,
    case_id: String,
    kind: String,
    old_due: i64,
    new_due: i64,
    at: i64,
    staff_id: String,
    #[serde(deserialize_with = "crate::bundle::hex_bytes::deserialize")]
    sealed_justification: Vec<u8>,
    #[serde(deserialize_with = "crate::bundle::hex_bytes::deserialize")]
    sealed_for_reporter: Vec<u8>,
    state: String,
    deadline_kind: String,
    reference: String,
}

impl TryFrom<ChangeColumns> for DeadlineChangeRow {
    type Error = StoreError;
    fn try_from(c: ChangeColumns) -> Result<Self> {
        Ok(DeadlineChangeRow {
            change: DeadlineChange {
                id: parse(&c.id, "change id")?,
                deadline_id: parse(&c.deadline_id, "deadline id")?,
                case_id: parse(&c.case_id, "case id")?,
                kind: c.kind,
                old_due: from_millis(c.old_due)?,
                new_due: from_millis(c.new_due)?,
                at: from_millis(c.at)?,
                staff: parse(&c.staff_id, "staff id")?,
                sealed_justification: c.sealed_justification,
                sealed_for_reporter: c.sealed_for_reporter,
                state: parse(&c.state, "change state")?,
            },
            deadline_kind: parse(&c.deadline_kind, "deadline kind")?,
            case_ref: c.reference,
        })
    }
}

/// An escalation joined with its case and the deadline it was for.
#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct EscalationColumns {
    id: String,
    case_id: String,
    case_ref: String,
    cause: String,
    deadline_kind: Option<String>,
    deadline_due: Option<i64>,
    created_at: i64,
    resolved_at: Option<i64>,
}

impl TryFrom<EscalationColumns> for EscalationRow {
    type Error = StoreError;
    fn try_from(c: EscalationColumns) -> Result<Self> {
        Ok(EscalationRow {
            id: parse(&c.id, "escalation id")?,
            case_id: parse(&c.case_id, "case id")?,
            case_ref: c.case_ref,
            cause: EscalationCause::parse(&c.cause)
                .ok_or_else(|| StoreError::Corrupt(format!("escalation cause {:?}", c.cause)))?,
            deadline: kind_and_due(c.deadline_kind, c.deadline_due)?,
            created_at: from_millis(c.created_at)?,
            resolved_at: from_millis_opt(c.resolved_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PersonColumns {
    employee_id: String,
    scim_id: String,
    name: String,
    email: String,
    manager_id: Option<String>,
    unit: String,
    level: i64,
    hr_partner_id: Option<String>,
    active: i64,
    deleted_at: Option<i64>,
    updated_at: i64,
    other_names: String,
    user_name: Option<String>,
    external_id: Option<String>,
    employee_number: Option<String>,
    scim_resource: Option<String>,
}

impl TryFrom<PersonColumns> for PersonRecord {
    type Error = StoreError;
    fn try_from(c: PersonColumns) -> Result<Self> {
        Ok(PersonRecord {
            employee_id: c.employee_id,
            scim_id: c.scim_id,
            name: c.name,
            other_names: members_from_text(&c.other_names),
            email: c.email,
            user_name: c.user_name,
            external_id: c.external_id,
            employee_number: c.employee_number,
            scim_resource: c.scim_resource,
            manager_id: c.manager_id,
            unit: c.unit,
            level: c.level,
            hr_partner_id: c.hr_partner_id,
            active: c.active != 0,
            deleted_at: from_millis_opt(c.deleted_at)?,
            updated_at: from_millis(c.updated_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct GroupColumns {
    id: String,
    display_name: String,
    members: String,
    updated_at: i64,
    external_id: Option<String>,
}

impl TryFrom<GroupColumns> for GroupRecord {
    type Error = StoreError;
    fn try_from(c: GroupColumns) -> Result<Self> {
        Ok(GroupRecord {
            id: c.id,
            display_name: c.display_name,
            external_id: c.external_id,
            members: members_from_text(&c.members),
            updated_at: from_millis(c.updated_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TokenColumns {
    id: String,
    token_hash: Vec<u8>,
    label: String,
    created_at: i64,
    created_by: Option<String>,
    revoked_at: Option<i64>,
    scope: String,
}

impl TryFrom<TokenColumns> for ApiTokenRecord {
    type Error = StoreError;
    fn try_from(c: TokenColumns) -> Result<Self> {
        Ok(ApiTokenRecord {
            id: parse(&c.id, "token id")?,
            token_hash: c.token_hash,
            label: c.label,
            created_at: from_millis(c.created_at)?,
            created_by: c.created_by.map(|s| parse(&s, "staff id")).transpose()?,
            revoked_at: from_millis_opt(c.revoked_at)?,
            scope: c.scope,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PartyColumns {
    position: i64,
    token: Vec<u8>,
    role: String,
    confirmed: i64,
}

impl TryFrom<PartyColumns> for CasePartyRow {
    type Error = StoreError;
    fn try_from(c: PartyColumns) -> Result<Self> {
        Ok(CasePartyRow {
            position: u32::try_from(c.position).map_err(|_| StoreError::Corrupt("position".into()))?,
            token: c.token,
            role: parse_person_role(&c.role)?,
            confirmed: c.confirmed != 0,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ExclusionColumns {
    case_id: String,
    staff_id: String,
    reason: String,
    at: i64,
}

impl TryFrom<ExclusionColumns> for ExclusionRow {
    type Error = StoreError;
    fn try_from(c: ExclusionColumns) -> Result<Self> {
        Ok(ExclusionRow {
            case_id: parse(&c.case_id, "case id")?,
            staff_id: parse(&c.staff_id, "staff id")?,
            reason: parse_reason(&c.reason)?,
            at: from_millis(c.at)?,
        })
    }
}

/// An exclusion joined with its case's reference.
#[derive(sqlx::FromRow)]
pub(crate) struct ExclusionListColumns {
    #[sqlx(flatten)]
    exclusion: ExclusionColumns,
    case_ref: String,
}

impl TryFrom<ExclusionListColumns> for ExclusionListRow {
    type Error = StoreError;
    fn try_from(c: ExclusionListColumns) -> Result<Self> {
        Ok(ExclusionListRow { exclusion: c.exclusion.try_into()?, case_ref: c.case_ref })
    }
}

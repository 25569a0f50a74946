//! What a person sees of a case, opened from its sealed items.

use crate::sealing::{AttachmentMetaContent, attachment_meta_aad, message_aad, open_json, report_aad};
use crate::{Result, ServiceError};
use jiff::Timestamp;
use ombud_crypto::DataKey;
use ombud_domain::{AttachmentId, Deadline, DeadlineKind, MessageId, ReportContent, Role, StaffId};
use ombud_store::{Actor, CaseRecord, Store};
use ombud_store::{DeadlineRow, EscalationRow};
use std::collections::HashMap;

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: AttachmentId,
    pub message_id: Option<MessageId>,
    pub name: String,
    pub content_type: String,
    pub size: u64,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: MessageId,
    pub at: Timestamp,
    pub from_reporter: bool,
    /// The staff member's name, in staff views only; a reporter sees "the handling team".
    pub author_name: Option<String>,
    pub body: String,
    pub attachments: Vec<AttachmentView>,
}

#[derive(Clone, Debug)]
pub struct CaseView {
    pub case: CaseRecord,
    pub report: ReportContent,
    /// Files that came with the report itself.
    pub attachments: Vec<AttachmentView>,
    pub messages: Vec<MessageView>,
    pub deadlines: Vec<Deadline>,
    /// Every time the case was raised to oversight, and why.
    pub escalations: Vec<EscalationRow>,
    /// The record of handling: what happened and when, never by whom.
    pub events: Vec<(ombud_domain::EventKind, Timestamp)>,
    /// Her requests, each with its deadline and answer.
    pub requests: Vec<RequestView>,
    /// Workflow steps with their reasons (staff views only).
    pub steps: Vec<StepView>,
    /// Moved deadlines: the reason for her always, the justification for staff.
    pub changes: Vec<crate::ChangeView>,
    /// Linked police or court proceedings (staff views only).
    pub proceedings: Vec<crate::Proceeding>,
    /// The deadlines with their ids, for forms that move one.
    pub deadline_rows: Vec<DeadlineRow>,
    /// The people named, matched to the directory (staff views only).
    pub parties: Vec<crate::PartyView>,
    /// She left contact details that this view does not show until revealed.
    pub contact_hidden: bool,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: uuid::Uuid,
    pub kind: ombud_domain::RequestKind,
    pub detail: Option<String>,
    pub due: Option<Timestamp>,
    pub answered_at: Option<Timestamp>,
    pub answer: Option<crate::RequestAnswer>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StepView {
    #[schema(value_type = ombud_domain::StepName)]
    pub step: String,
    pub to: ombud_domain::CaseStatus,
    pub at: Timestamp,
    pub by: Option<String>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug)]
pub struct InboxRow {
    pub case: CaseRecord,
    pub access_pending: bool,
    /// The earliest deadline not yet met.
    pub next_deadline: Option<Deadline>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StaffView {
    pub id: StaffId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
}

/// A file to send to a person who may read it.
#[derive(Debug)]
pub struct Download {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A case's deadlines as people see them, fixed when each step happened so a
/// later policy change never moves one already shown. Feedback appears as
/// "starts at acknowledgement" until it has a date.
pub fn deadlines_of(rows: &[DeadlineRow]) -> Vec<Deadline> {
    let mut out: Vec<Deadline> =
        rows.iter().map(|d| Deadline { kind: d.kind, due: Some(d.due_at), met_at: d.met_at }).collect();
    if !rows.iter().any(|d| d.kind == DeadlineKind::Feedback) {
        out.push(Deadline { kind: DeadlineKind::Feedback, due: None, met_at: None });
    }
    out
}

/// Who a case is opened for. A reporter never sees staff names, internal
/// reasons, justifications or linked proceedings.
pub(crate) enum Audience<'a> {
    Staff { names: &'a HashMap<StaffId, String> },
    Reporter,
}

/// Opens everything of a case with its data key, for one audience.
pub(crate) async fn open_case(
    store: &dyn Store,
    case: CaseRecord,
    key: &DataKey,
    audience: Audience<'_>,
) -> Result<CaseView> {
    let empty = HashMap::new();
    let (for_staff, staff_names) = match audience {
        Audience::Staff { names } => (true, names),
        Audience::Reporter => (false, &empty),
    };
    let sealed = store.report(case.id).await?.ok_or(ServiceError::NotFound)?;
    let report: ReportContent = open_json(key, &report_aad(case.id), &sealed)?;
    let mut attachments = Vec::new();
    for meta in store.attachments(case.id).await? {
        let content: AttachmentMetaContent = open_json(key, &attachment_meta_aad(case.id, meta.id), &meta.sealed_meta)?;
        attachments.push(AttachmentView {
            id: meta.id,
            message_id: meta.message_id,
            name: content.name,
            content_type: content.content_type,
            size: meta.size,
        });
    }
    let mut messages = Vec::new();
    for m in store.messages(case.id).await? {
        let body = String::from_utf8(key.open(&message_aad(case.id, m.id), &m.sealed_body)?)
            .map_err(|_| ServiceError::Crypto(ombud_crypto::CryptoError::Malformed))?;
        let author_name = match m.author {
            Actor::Staff(id) => staff_names.get(&id).cloned(),
            _ => None,
        };
        messages.push(MessageView {
            id: m.id,
            at: m.created_at,
            from_reporter: m.author == Actor::Reporter,
            author_name,
            body,
            attachments: attachments.iter().filter(|a| a.message_id == Some(m.id)).cloned().collect(),
        });
    }
    attachments.retain(|a| a.message_id.is_none());
    let deadline_rows = store.deadlines(case.id).await?;
    let deadlines = deadlines_of(&deadline_rows);
    let escalations = store.case_escalations(case.id).await?;
    let events = store.events(case.id).await?.into_iter().map(|e| (e.kind, e.at)).collect();
    let mut requests = Vec::new();
    for r in store.requests(case.id).await? {
        let asked = report.requests.get(r.position as usize);
        let answer = r
            .sealed_answer
            .as_ref()
            .map(|sealed| crate::workflow::open_answer(key, case.id, &r.id, sealed))
            .transpose()?;
        requests.push(RequestView {
            id: r.id,
            // A request row always has its entry in the sealed report; `other` only names it.
            kind: asked.map_or(ombud_domain::RequestKind::Other, |a| a.kind),
            detail: asked.and_then(|a| a.detail.clone()),
            due: deadline_rows.iter().find(|d| d.subject == Some(r.id)).map(|d| d.due_at),
            answered_at: r.answered_at,
            answer,
        });
    }
    let mut steps = Vec::new();
    let mut proceedings = Vec::new();
    if for_staff {
        for t in store.transitions(case.id).await? {
            let reason = t
                .sealed_reason
                .as_ref()
                .map(|sealed| crate::workflow::open_reason(key, case.id, &t.id, sealed))
                .transpose()?;
            let by = match t.actor {
                Actor::Staff(id) => staff_names.get(&id).cloned(),
                _ => None,
            };
            steps.push(StepView { step: t.step, to: t.to, at: t.at, by, reason });
        }
        for p in store.proceedings(case.id).await? {
            proceedings.push(crate::workflow::open_proceeding(key, case.id, &p.id, &p.sealed)?);
        }
    }
    let mut changes = Vec::new();
    for row in store.deadline_changes(case.id).await? {
        let (justification, for_her) = crate::workflow::open_change(key, &row.change)?;
        let c = &row.change;
        changes.push(crate::ChangeView {
            case_id: c.case_id,
            case_ref: row.case_ref.clone(),
            deadline: row.deadline_kind,
            kind: c.kind.clone(),
            old_due: c.old_due,
            new_due: c.new_due,
            at: c.at,
            justification: if for_staff { justification } else { String::new() },
            reason_for_reporter: for_her,
        });
    }
    Ok(CaseView {
        case,
        report,
        attachments,
        messages,
        deadlines,
        escalations,
        events,
        requests,
        steps,
        changes,
        proceedings,
        deadline_rows,
        parties: Vec::new(),
        contact_hidden: false,
    })
}

//! What a person sees of a case, opened from its sealed items.

use crate::sealing::{AttachmentMetaContent, attachment_meta_aad, message_aad, open_json, report_aad};
use crate::{Result, ServiceError};
use jiff::Timestamp;
use ombud_crypto::DataKey;
use ombud_domain::{AttachmentId, Deadline, DeadlineKind, MessageId, ReportContent, Role, StaffId};
use ombud_store::{Actor, CaseRecord, Store};
use ombud_store::{DeadlineRow, EscalationRow};
use std::collections::HashMap;

#[derive(Clone, Debug, serde::Serialize)]
pub struct AttachmentView {
    pub id: AttachmentId,
    pub message_id: Option<MessageId>,
    pub name: String,
    pub content_type: String,
    pub size: u64,
}

#[derive(Clone, Debug, serde::Serialize)]
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
}

#[derive(Clone, Debug)]
pub struct InboxRow {
    pub case: CaseRecord,
    pub access_pending: bool,
    /// The earliest deadline not yet met.
    pub next_deadline: Option<Deadline>,
}

#[derive(Clone, Debug, serde::Serialize)]
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

/// Opens everything of a case with its data key. `staff_names` is empty for
/// the reporter's view, so she never learns who on the team wrote.
pub(crate) async fn open_case(
    store: &dyn Store,
    case: CaseRecord,
    key: &DataKey,
    staff_names: &HashMap<StaffId, String>,
) -> Result<CaseView> {
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
    let deadlines = deadlines_of(&store.deadlines(case.id).await?);
    let escalations = store.case_escalations(case.id).await?;
    let events = store.events(case.id).await?.into_iter().map(|e| (e.kind, e.at)).collect();
    Ok(CaseView { case, report, attachments, messages, deadlines, escalations, events })
}

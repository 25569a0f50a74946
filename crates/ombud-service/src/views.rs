//! What a person sees of a case, opened from its sealed items.

use crate::sealing::{AttachmentMetaContent, attachment_meta_aad, message_aad, open_json, report_aad};
use crate::{Result, ServiceError};
use jiff::Timestamp;
use ombud_crypto::DataKey;
use ombud_domain::EventKind;
use ombud_domain::{AttachmentId, Deadline, DeadlineKind, MessageId, ReportContent, Role, StaffId};
use ombud_store::{Actor, CaseBundle, CaseRecord, EventRecord, Store};
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
    /// Feedback on what was done and why, as distinct from an ordinary message.
    pub feedback: bool,
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
    /// Where she can turn outside the organisation: named once the case was
    /// dismissed or referred elsewhere, empty otherwise.
    pub external_channels: Vec<ombud_domain::ExternalChannel>,
    /// When it was opened: deadlines are shown as they stood then.
    pub opened_at: Timestamp,
    /// Who works on it, notes and labels: for its staff readers only.
    pub staff_side: Option<crate::StaffSide>,
    /// What was put in place to protect her; her view carries no internal reason.
    pub measures: Vec<crate::MeasureView>,
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
    /// The internal reason (staff views only).
    pub reason: Option<String>,
    /// What happened and why, written for her.
    pub for_reporter: Option<String>,
    /// What findings found or how the case ended, as chosen (she sees it).
    pub outcome: Option<ombud_domain::CaseOutcome>,
    /// The sanctions a decision imposed (staff views only; empty otherwise).
    pub sanctions: Vec<ombud_domain::Sanction>,
}

#[derive(Clone, Debug)]
pub struct InboxRow {
    pub case: CaseRecord,
    pub access_pending: bool,
    /// The earliest deadline not yet met.
    pub next_deadline: Option<Deadline>,
    /// Who leads the case, if anyone does.
    pub lead: Option<crate::StaffRef>,
    /// She wrote since this reader last opened the case.
    pub unread: bool,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StaffView {
    pub id: StaffId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
    pub status: ombud_domain::StaffStatus,
    pub last_sign_in_at: Option<Timestamp>,
    /// A role asked for her that waits for an oversight member's approval.
    pub awaiting_role: Option<Role>,
    /// She has set up a second factor.
    pub second_factor: bool,
    /// Her role must sign in with one.
    pub second_factor_required: bool,
    /// The employee id that links her to the directory; None: her email does.
    pub employee_id: Option<String>,
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
    let mut out: Vec<Deadline> = rows
        .iter()
        .map(|d| Deadline { kind: d.kind, due: Some(d.due_at), met_at: d.met_at, closed: d.closed })
        .collect();
    if !rows.iter().any(|d| d.kind == DeadlineKind::Feedback) {
        out.push(Deadline { kind: DeadlineKind::Feedback, due: None, met_at: None, closed: None });
    }
    out
}

/// The deadlines she sees: all but the staff's own (the routing deadline
/// would tell her that a name she wrote matched nobody).
pub(crate) fn shown_to_her(rows: Vec<DeadlineRow>) -> Vec<DeadlineRow> {
    rows.into_iter().filter(|d| d.kind.shown_to_reporter()).collect()
}

/// Who a case is opened for. A reporter never sees staff names, internal
/// reasons, justifications or linked proceedings.
pub(crate) enum Audience<'a> {
    Staff { names: &'a HashMap<StaffId, String> },
    Reporter,
}

/// What opening a case needs besides the case: the moment (deadlines are
/// shown as they stand then), the organisation's zone (her record counts
/// days in it) and the outside channels a dismissal or referral names.
pub(crate) struct ViewContext<'a> {
    pub now: Timestamp,
    pub zone: jiff::tz::TimeZone,
    pub channels: &'a [ombud_domain::ExternalChannel],
}

impl<'a> ViewContext<'a> {
    pub fn new(config: &'a crate::ServiceConfig, now: Timestamp) -> Self {
        let zone = config.policy.time_zone().unwrap_or(jiff::tz::TimeZone::UTC);
        Self { now, zone, channels: &config.external_channels }
    }
}

/// Her record shows how her case was handled, not every page view: an
/// access (opened, a file downloaded, her contact viewed) shows once per
/// person, kind and day in the organisation's zone. The ledger keeps every
/// access for oversight.
fn once_a_day(events: Vec<EventRecord>, zone: &jiff::tz::TimeZone) -> Vec<EventRecord> {
    let mut seen = std::collections::HashSet::new();
    events
        .into_iter()
        .filter(|e| {
            let access =
                matches!(e.kind, EventKind::OpenedByStaff | EventKind::FileDownloaded | EventKind::IdentityRevealed);
            !access || seen.insert((e.kind, e.actor, e.at.to_zoned(zone.clone()).date()))
        })
        .collect()
}

/// Opens everything of a case with its data key, for one audience, from
/// the one statement that reads it all (`case_bundle`). The outside
/// channels are named once a step sent her elsewhere.
pub(crate) async fn open_case(
    store: &dyn Store,
    bundle: CaseBundle,
    key: &DataKey,
    audience: Audience<'_>,
    ctx: &ViewContext<'_>,
) -> Result<CaseView> {
    let empty = HashMap::new();
    let (for_staff, names) = match audience {
        Audience::Staff { names } => (true, names),
        Audience::Reporter => (false, &empty),
    };
    let CaseBundle {
        case,
        report,
        attachments,
        messages,
        deadlines: mut deadline_rows,
        mut escalations,
        mut events,
        requests,
        transitions,
        changes,
        measures,
        measure_changes,
    } = bundle;
    let opener = Opener { case_id: case.id, key, names, for_staff };
    let sealed = report.ok_or(ServiceError::NotFound)?;
    let report: ReportContent = open_json(key, &report_aad(case.id), &sealed)?;
    let mut attachments = opener.attachments(attachments)?;
    let messages = opener.messages(messages, &attachments)?;
    attachments.retain(|a| a.message_id.is_none());
    if !for_staff {
        deadline_rows = shown_to_her(deadline_rows);
        escalations.retain(|e| e.deadline.is_none_or(|(kind, _)| kind.shown_to_reporter()));
    }
    let deadlines = deadlines_of(&deadline_rows);
    if !for_staff {
        events.retain(|e| e.kind.shown_to_reporter());
        events = once_a_day(events, &ctx.zone);
    }
    let events = events.into_iter().map(|e| (e.kind, e.at)).collect();
    let requests = opener.requests(requests, &report, &deadline_rows)?;
    let steps = opener.steps(transitions)?;
    // Only staff see proceedings elsewhere: a read of its own, on their views.
    let proceedings = if for_staff { opener.proceedings(store).await? } else { Vec::new() };
    let sent_elsewhere = sent_elsewhere(&steps);
    let changes = opener.changes(changes)?;
    let measures =
        crate::measures::measure_views(case.id, measures, &measure_changes, key, for_staff.then_some(names))?;
    Ok(CaseView {
        measures,
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
        staff_side: None,
        contact_hidden: false,
        external_channels: if sent_elsewhere { ctx.channels.to_vec() } else { Vec::new() },
        opened_at: ctx.now,
    })
}

/// Whether the last step that ended or turned the case sent her elsewhere (a
/// dismissal or referral that was not refused or reopened since).
fn sent_elsewhere(steps: &[StepView]) -> bool {
    steps
        .iter()
        .rev()
        .filter_map(|s| s.step.parse::<ombud_domain::Step>().ok())
        .find(|s| s.needs_for_reporter())
        .is_some_and(ombud_domain::Step::points_elsewhere)
}

/// Opens the sealed parts of one case, one kind at a time.
struct Opener<'a> {
    case_id: ombud_domain::CaseId,
    key: &'a DataKey,
    /// Staff names by id (empty for the reporter: she never sees them).
    names: &'a HashMap<StaffId, String>,
    for_staff: bool,
}

impl Opener<'_> {
    fn staff_name(&self, actor: Actor) -> Option<String> {
        match actor {
            Actor::Staff(id) => self.names.get(&id).cloned(),
            _ => None,
        }
    }

    fn attachments(&self, rows: Vec<ombud_store::AttachmentMeta>) -> Result<Vec<AttachmentView>> {
        let mut out = Vec::new();
        for meta in rows {
            let aad = attachment_meta_aad(self.case_id, meta.id);
            let content: AttachmentMetaContent = open_json(self.key, &aad, &meta.sealed_meta)?;
            out.push(AttachmentView {
                id: meta.id,
                message_id: meta.message_id,
                name: content.name,
                content_type: content.content_type,
                size: meta.size,
            });
        }
        Ok(out)
    }

    fn messages(
        &self,
        rows: Vec<ombud_store::MessageRecord>,
        attachments: &[AttachmentView],
    ) -> Result<Vec<MessageView>> {
        let mut out = Vec::new();
        for m in rows {
            let body = String::from_utf8(self.key.open(&message_aad(self.case_id, m.id), &m.sealed_body)?)
                .map_err(|_| ServiceError::Crypto(ombud_crypto::CryptoError::Malformed))?;
            out.push(MessageView {
                id: m.id,
                at: m.created_at,
                from_reporter: m.author == Actor::Reporter,
                author_name: self.staff_name(m.author),
                body,
                attachments: attachments.iter().filter(|a| a.message_id == Some(m.id)).cloned().collect(),
                feedback: m.feedback,
            });
        }
        Ok(out)
    }

    fn requests(
        &self,
        rows: Vec<ombud_store::RequestRow>,
        report: &ReportContent,
        deadlines: &[DeadlineRow],
    ) -> Result<Vec<RequestView>> {
        let mut out = Vec::new();
        for r in rows {
            let asked = report.requests.get(r.position as usize);
            let answer = r
                .sealed_answer
                .as_ref()
                .map(|sealed| crate::workflow::open_answer(self.key, self.case_id, &r.id, sealed))
                .transpose()?;
            out.push(RequestView {
                id: r.id,
                // A request row always has its entry in the sealed report; `other` only names it.
                kind: asked.map_or(ombud_domain::RequestKind::Other, |a| a.kind),
                detail: asked.and_then(|a| a.detail.clone()),
                due: deadlines.iter().find(|d| d.subject == Some(r.id)).map(|d| d.due_at),
                answered_at: r.answered_at,
                answer,
            });
        }
        Ok(out)
    }

    /// Steps with their texts. Staff see every step with its reason and who
    /// took it; she sees each step and the text written for her, never the
    /// internal reason or a name.
    fn steps(&self, rows: Vec<ombud_store::TransitionRow>) -> Result<Vec<StepView>> {
        let mut out = Vec::new();
        for t in rows {
            let for_reporter = t
                .sealed_for_reporter
                .as_ref()
                .map(|sealed| crate::workflow::open_for_reporter(self.key, self.case_id, &t.id, sealed))
                .transpose()?;
            let mut view = StepView {
                step: t.step,
                to: t.to,
                at: t.at,
                by: None,
                reason: None,
                for_reporter,
                outcome: t.outcome,
                sanctions: Vec::new(),
            };
            if self.for_staff {
                view.by = self.staff_name(t.actor);
                view.reason = t
                    .sealed_reason
                    .as_deref()
                    .map(|s| crate::workflow::open_reason(self.key, self.case_id, &t.id, s))
                    .transpose()?;
                view.sanctions = t
                    .sealed_sanctions
                    .as_deref()
                    .map(|s| crate::workflow::open_sanctions(self.key, self.case_id, &t.id, s))
                    .transpose()?
                    .unwrap_or_default();
            }
            out.push(view);
        }
        Ok(out)
    }

    async fn proceedings(&self, store: &dyn Store) -> Result<Vec<crate::Proceeding>> {
        let mut out = Vec::new();
        for p in store.proceedings(self.case_id).await? {
            out.push(crate::workflow::open_proceeding(self.key, self.case_id, &p.id, &p.sealed)?);
        }
        Ok(out)
    }

    /// Moved deadlines; the justification is for staff, the reason for her.
    fn changes(&self, rows: Vec<ombud_store::DeadlineChangeRow>) -> Result<Vec<crate::ChangeView>> {
        let mut out = Vec::new();
        for row in rows {
            let (justification, for_her) = crate::workflow::open_change(self.key, &row.change)?;
            let c = &row.change;
            if !self.for_staff && c.state != ombud_domain::ChangeState::Applied {
                // She is told of a moved deadline once it moved.
                continue;
            }
            out.push(crate::ChangeView {
                id: c.id,
                case_id: c.case_id,
                case_ref: row.case_ref.clone(),
                deadline: row.deadline_kind,
                kind: c.kind.clone(),
                old_due: c.old_due,
                new_due: c.new_due,
                at: c.at,
                justification: if self.for_staff { justification } else { String::new() },
                reason_for_reporter: for_her,
                state: c.state,
            });
        }
        Ok(out)
    }
}

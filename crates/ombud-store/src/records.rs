//! Plain records passed between the service and a backend, and the one place
//! that turns stored primitives back into typed values.

use crate::{Result, StoreError};
use jiff::Timestamp;
pub use ombud_domain::EscalationCause;
use ombud_domain::{
    AttachmentId, CaseId, CaseRouting, CaseStatus, Category, ChangeState, ClosedReason, DeadlineKind, EventKind,
    MessageId, Role, StaffId, StaffStatus,
};
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffRecord {
    pub id: StaffId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
    pub public_key: Vec<u8>,
    /// The private key sealed under the password (see ombud-crypto).
    pub sealed_secret: Vec<u8>,
    /// The language of her notifications ("en" or "zh-CN").
    pub lang: String,
    /// The IANA zone she sees times in; the organisation's when None.
    pub time_zone: Option<String>,
    pub status: StaffStatus,
    /// Sessions signed in under an older value are no longer honoured.
    pub session_epoch: i64,
    pub last_sign_in_at: Option<Timestamp>,
    /// Her TOTP secret, sealed to her public key; None until she sets one up.
    pub second_factor: Option<Vec<u8>>,
    /// The last time step a code of hers was accepted at.
    pub second_factor_step: Option<i64>,
    /// The directory person she is, named by an employee id or any other
    /// identifier the directory has for her; else her email links her.
    pub employee_id: Option<String>,
}

impl StaffRecord {
    /// Whether she may sign in and hold case keys.
    pub fn active(&self) -> bool {
        self.status == StaffStatus::Active
    }

    /// Whether she is among the readers of cases now: an active account in
    /// a role that reads. Anyone else is wrapped no key.
    pub fn reads_cases(&self) -> bool {
        self.active() && self.role.reads_cases()
    }
}

/// What a one-time link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketPurpose {
    /// She was invited and chooses her first password.
    Invitation,
    /// Her account was reset and she chooses a new one.
    Reset,
}

impl TicketPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketPurpose::Invitation => "invitation",
            TicketPurpose::Reset => "reset",
        }
    }
}

impl FromStr for TicketPurpose {
    type Err = ();
    fn from_str(s: &str) -> std::result::Result<Self, ()> {
        match s {
            "invitation" => Ok(TicketPurpose::Invitation),
            "reset" => Ok(TicketPurpose::Reset),
            _ => Err(()),
        }
    }
}

/// A one-time link to choose a password (its secret is never stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketRow {
    pub id: uuid::Uuid,
    pub staff_id: StaffId,
    pub purpose: TicketPurpose,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
}

/// The case id and reference under which administrative events, which
/// belong to no case, are leaves of the ledger. No case can have them: a
/// case id is a fresh UUID v7, a reference has two groups after `OMB-`.
pub const NO_CASE: CaseId = CaseId(uuid::Uuid::nil());
pub const NO_CASE_REFERENCE: &str = "OMB-ADMIN";

/// An administrative action on the ledger: who acted, on whom, and what
/// changed that is not confidential (a role, never a password or a key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffEventRecord {
    /// Its leaf: the kind, the time, the actor; the case is [`NO_CASE`].
    pub event: EventRecord,
    pub subject: Option<StaffId>,
    pub detail: String,
}

impl StaffEventRecord {
    pub fn new(kind: EventKind, at: Timestamp, actor: Actor, subject: Option<StaffId>) -> Self {
        let mut record = Self { event: EventRecord::new(NO_CASE, kind, at, actor), subject, detail: String::new() };
        record.event.payload_hash = record.payload_hash();
        record
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self.event.payload_hash = self.payload_hash();
        self
    }

    /// What the leaf commits to beside its kind, time and actor: on whom,
    /// and what changed. `ledger verify` recomputes it, so neither can be
    /// edited in the table unseen.
    pub fn payload_hash(&self) -> [u8; 32] {
        let subject = self.subject.map(|s| s.to_string()).unwrap_or_default();
        ombud_ledger::payload_hash(format!("ombud-staff-event/v1\n{subject}\n{}", self.detail).as_bytes())
    }
}

/// A notification waiting to be sent. It names no content: only who, and
/// what kind of attention is needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: String,
    pub staff_id: StaffId,
    pub kind: String,
    pub attempts: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: CaseId,
    /// The public reference a person can quote ("OMB-7K3Q-9F2D").
    pub reference: String,
    pub category: Category,
    pub status: CaseStatus,
    pub received_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub updated_at: Timestamp,
    /// When the case was first raised to the oversight committee.
    pub escalated_at: Option<Timestamp>,
    /// Whether its readers are settled, or oversight still has to identify
    /// an accused who matched nobody.
    pub routing: CaseRouting,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxEntry {
    pub case: CaseRecord,
    /// She may read the case but no reader has wrapped the key to her yet.
    pub access_pending: bool,
    /// The earliest deadline not yet met.
    pub next_deadline: Option<(DeadlineKind, Timestamp)>,
    /// Who leads the case, if anyone does.
    pub lead: Option<StaffId>,
    /// The reporter wrote since this reader last opened the case.
    pub unread: bool,
}

/// How a person's search names a case by its reference. Each holds only
/// reference characters (A–Z, 0–9, '-'), so none carries a wildcard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReferenceSearch {
    /// The whole reference, "OMB-7K3Q-9F2D".
    Whole(String),
    /// One of its two four-character parts, "9F2D".
    Part(String),
    /// Its beginning, "OMB-7K".
    Prefix(String),
}

/// Who works on the cases listed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AssignedTo {
    #[default]
    Anyone,
    /// Lead or team.
    Staff(StaffId),
    /// Nobody leads it.
    Nobody,
}

/// The order of a list: newest first, or the next deadline first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InboxSort {
    #[default]
    Created,
    Deadline,
}

/// Where the previous page ended: its last case's sort key and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InboxCursor {
    /// Milliseconds: when it was received, or its next deadline.
    pub key: i64,
    pub id: CaseId,
}

/// What a staff member narrows her cases by; every part is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub reference: Option<ReferenceSearch>,
    pub status: Option<CaseStatus>,
    pub category: Option<ombud_domain::Category>,
    pub assigned: AssignedTo,
    /// Cases with an open deadline due before this time (overdue: now).
    pub due_before: Option<Timestamp>,
    pub escalated: bool,
    pub label: Option<String>,
    /// Cases naming any of these identity tokens (a directory person).
    pub naming: Option<Vec<Vec<u8>>>,
    pub sort: InboxSort,
    pub after: Option<InboxCursor>,
}

/// The sort key of a case for a list's order, as a cursor keeps it.
pub fn cursor_of(entry: &InboxEntry, sort: InboxSort) -> InboxCursor {
    let key = match sort {
        InboxSort::Created => entry.case.received_at.as_millisecond(),
        InboxSort::Deadline => entry.next_deadline.map_or(NO_DEADLINE, |(_, due)| due.as_millisecond()),
    };
    InboxCursor { key, id: entry.case.id }
}

/// `cases.next_due` of a case with no open deadline: sorts last, never overdue.
pub const NO_DEADLINE: i64 = i64::MAX;

/// One deadline of one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlineRow {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub kind: DeadlineKind,
    pub due_at: Timestamp,
    pub met_at: Option<Timestamp>,
    pub reminded_at: Option<Timestamp>,
    pub escalated_at: Option<Timestamp>,
    pub created_at: Timestamp,
    /// What in the case it concerns (a request's id), if not the case itself.
    pub subject: Option<uuid::Uuid>,
    /// When and why it ended unmet (its case closed), if it did.
    pub closed: Option<(Timestamp, ClosedReason)>,
}

impl DeadlineRow {
    pub fn new(case_id: CaseId, kind: DeadlineKind, due_at: Timestamp, created_at: Timestamp) -> Self {
        Self {
            id: uuid::Uuid::now_v7(),
            case_id,
            kind,
            due_at,
            met_at: None,
            reminded_at: None,
            escalated_at: None,
            created_at,
            subject: None,
            closed: None,
        }
    }

    /// Neither met nor closed: reminders and escalations still concern it.
    pub fn is_open(&self) -> bool {
        self.met_at.is_none() && self.closed.is_none()
    }
}

/// One step of the workflow, written with its effects in one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitionRecord {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub step: String,
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub at: Timestamp,
    pub actor: Actor,
    /// Why, sealed under the case key.
    pub sealed_reason: Option<Vec<u8>>,
    /// What happened and why, written for her, sealed under the case key.
    pub sealed_for_reporter: Option<Vec<u8>>,
    /// What findings found or how the case ended, in clear like the status.
    pub outcome: Option<ombud_domain::CaseOutcome>,
    /// The sanctions a decision imposed, sealed under the case key.
    pub sealed_sanctions: Option<Vec<u8>>,
    /// Deadlines of these kinds that are still open are met by the step.
    pub meets: Vec<DeadlineKind>,
    /// Every deadline still open afterwards is closed for this reason (the
    /// step closes the case).
    pub closes_deadlines: Option<ClosedReason>,
    pub new_deadlines: Vec<DeadlineRow>,
    pub event: EventRecord,
}

/// A step as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitionRow {
    pub id: uuid::Uuid,
    pub step: String,
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub at: Timestamp,
    pub actor: Actor,
    pub sealed_reason: Option<Vec<u8>>,
    pub sealed_for_reporter: Option<Vec<u8>>,
    pub outcome: Option<ombud_domain::CaseOutcome>,
    pub sealed_sanctions: Option<Vec<u8>>,
}

/// One of her requests; what she asked is in the sealed report, at `position`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRow {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub position: u32,
    pub created_at: Timestamp,
    pub answered_at: Option<Timestamp>,
    pub answered_by: Option<StaffId>,
    /// The answer and its reason, written for her, sealed.
    pub sealed_answer: Option<Vec<u8>>,
}

/// A deadline moved: extended, or paused until a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlineChange {
    pub id: uuid::Uuid,
    pub deadline_id: uuid::Uuid,
    pub case_id: CaseId,
    /// "extension" or "pause".
    pub kind: String,
    pub old_due: Timestamp,
    pub new_due: Timestamp,
    pub at: Timestamp,
    pub staff: StaffId,
    /// The justification, for oversight.
    pub sealed_justification: Vec<u8>,
    /// The reason as written for her.
    pub sealed_for_reporter: Vec<u8>,
    /// Applied at once, or waiting for oversight (a long pause), or refused.
    pub state: ChangeState,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlineChangeRow {
    pub change: DeadlineChange,
    pub deadline_kind: DeadlineKind,
    pub case_ref: String,
}

/// One sealed item a staff member added to a case: a linked proceeding, a
/// note, a change of who works on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedEntry {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub created_at: Timestamp,
    pub staff: StaffId,
    pub sealed: Vec<u8>,
}

/// A linked police report or court case (reference, date, authority), sealed.
pub type ProceedingRow = SealedEntry;

/// A note among the case's readers, sealed; never shown to her.
pub type NoteRow = SealedEntry;

/// Who works on a case as one change made it (lead, team, reason), sealed.
pub type AssignmentChangeRow = SealedEntry;

/// A deadline the sweep must act on, with its case's reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueDeadline {
    pub deadline: DeadlineRow,
    pub case_ref: String,
}

/// Raising a case to oversight, written in one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEscalation {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    /// The missed deadline, for an escalation by the sweep.
    pub deadline_id: Option<uuid::Uuid>,
    pub cause: EscalationCause,
    pub at: Timestamp,
    pub event: EventRecord,
}

/// An escalation as the oversight queue shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscalationRow {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub case_ref: String,
    pub cause: EscalationCause,
    /// The deadline that was missed, and when it was due.
    pub deadline: Option<(DeadlineKind, Timestamp)>,
    pub created_at: Timestamp,
    /// When oversight marked it dealt with.
    pub resolved_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRecord {
    pub wrapped_key: Option<Vec<u8>>,
    pub granted_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingGrant {
    pub staff: StaffId,
    pub public_key: Vec<u8>,
}

/// One staff member's access to a new case, with the key wrapped to her.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessGrant {
    /// The key it is wrapped to, written only if she still holds it.
    pub public_key: Vec<u8>,
    pub staff: StaffId,
    pub wrapped_key: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptRecord {
    /// HMAC of the receipt under an instance key: the O(1) lookup index.
    pub lookup: Vec<u8>,
    pub case_id: CaseId,
    /// Argon2id parameters and salt for the receipt key.
    pub kdf: Vec<u8>,
    /// The case data key wrapped under the receipt key.
    pub wrapped_key: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Actor {
    Reporter,
    Staff(StaffId),
    System,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Reporter => "reporter",
            Actor::Staff(_) => "staff",
            Actor::System => "system",
        }
    }

    pub fn staff_id(&self) -> Option<String> {
        match self {
            Actor::Staff(id) => Some(id.to_string()),
            _ => None,
        }
    }

    pub fn from_parts(kind: &str, staff: Option<String>) -> Result<Self> {
        match (kind, staff) {
            ("reporter", None) => Ok(Actor::Reporter),
            ("system", None) => Ok(Actor::System),
            ("staff", Some(id)) => Ok(Actor::Staff(parse(&id, "staff id")?)),
            (kind, _) => Err(StoreError::Corrupt(format!("actor {kind}"))),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: MessageId,
    pub case_id: CaseId,
    pub created_at: Timestamp,
    pub author: Actor,
    pub sealed_body: Vec<u8>,
    /// Feedback on what was done and why: it meets the feedback deadline.
    pub feedback: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub id: AttachmentId,
    pub case_id: CaseId,
    /// The message it came with; None when it came with the report.
    pub message_id: Option<MessageId>,
    pub created_at: Timestamp,
    pub size: u64,
    /// File name and content type, sealed.
    pub sealed_meta: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAttachment {
    pub meta: AttachmentMeta,
    pub sealed_body: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRecord {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub kind: EventKind,
    pub at: Timestamp,
    pub actor: Actor,
    /// SHA-256 of the sealed payload the event wrote; zeros when none.
    pub payload_hash: [u8; 32],
    /// Its position in the ledger, once written.
    pub leaf_index: Option<u64>,
}

impl EventRecord {
    pub fn new(case_id: CaseId, kind: EventKind, at: Timestamp, actor: Actor) -> Self {
        Self { id: uuid::Uuid::now_v7(), case_id, kind, at, actor, payload_hash: [0; 32], leaf_index: None }
    }

    /// Binds the event to the sealed bytes it wrote.
    pub fn with_payload(mut self, sealed: &[u8]) -> Self {
        self.payload_hash = ombud_ledger::payload_hash(sealed);
        self
    }

    /// Binds the event to several sealed items (a message and its files):
    /// the hash of their hashes, in order.
    pub fn with_payloads<'a>(self, sealed: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let hashes: Vec<u8> = sealed.into_iter().flat_map(ombud_ledger::payload_hash).collect();
        self.with_payload(&hashes)
    }
}

/// An event as the ledger holds it, with its case's public reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerEntry {
    pub event: EventRecord,
    pub case_ref: String,
}

/// A signed checkpoint as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointRow {
    pub size: u64,
    pub root: [u8; 32],
    pub note: String,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCase {
    pub case: CaseRecord,
    pub sealed_report: Vec<u8>,
    pub attachments: Vec<NewAttachment>,
    pub access: Vec<AccessGrant>,
    /// The people named, as identity tokens, and who was matched to whom (sealed).
    pub parties: Vec<crate::CasePartyRow>,
    pub sealed_matches: Option<Vec<u8>>,
    /// Staff who may not see it (they get no access row and no key).
    pub exclusions: Vec<crate::ExclusionRow>,
    pub receipt: ReceiptRecord,
    pub requests: Vec<RequestRow>,
    pub deadlines: Vec<DeadlineRow>,
    pub event: EventRecord,
    /// The keyed hash of the report form's one-time token, when it came
    /// from the form: a second case with the same token is refused.
    pub form_token: Option<[u8; 32]>,
    /// The case key wrapped to the current recovery key (its id), once
    /// recovery is enabled.
    pub recovery_wrap: Option<(uuid::Uuid, Vec<u8>)>,
    /// Identity tokens of the reporter, when her contact matched the
    /// directory: she is protected from retaliation (issue 17).
    pub protected: Vec<Vec<u8>>,
    /// The case she reported it from, when she reported retaliation from
    /// her follow-up page.
    pub follows: Option<CaseId>,
}

/// Parses a stored id or enum, naming what was corrupt.
pub fn parse<T: FromStr>(value: &str, what: &str) -> Result<T> {
    value.parse().map_err(|_| StoreError::Corrupt(format!("{what}: {value:?}")))
}

/// Stored times are milliseconds since the Unix epoch in both backends.
pub fn millis(t: Timestamp) -> i64 {
    t.as_millisecond()
}

pub fn from_millis(ms: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|_| StoreError::Corrupt(format!("time {ms}")))
}

pub fn from_millis_opt(ms: Option<i64>) -> Result<Option<Timestamp>> {
    ms.map(from_millis).transpose()
}

/// Normalises an email for lookup: accounts are found case-insensitively.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Computes the actor commitment of an event at its place in the log (see
/// `ombud_crypto::ActorKey::commit`). Implemented by the service over the
/// instance's actor key; the store only calls it.
pub trait ActorCommitments: Send + Sync + std::fmt::Debug {
    fn commit(&self, event: &EventRecord, leaf_index: u64) -> ombud_ledger::Hash;
}

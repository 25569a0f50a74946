//! The storage contract. Backends (SQLite, PostgreSQL) implement [`Store`];
//! [`conformance`] holds the one suite every backend must pass.
//!
//! Records carry only what DESIGN.md allows in clear: ids, reference,
//! category, status, times, deadlines, access rows, and sealed blobs.
#![forbid(unsafe_code)]

pub mod conformance;
mod directory;
pub mod ledger;
mod records;

pub use directory::*;
pub use records::*;

use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, CaseStatus, StaffId};
pub use ombud_ledger::{Hash, NodeId};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (an email already has an account…).
    #[error("already exists: {0}")]
    Conflict(String),
    /// A stored value could not be read back (a bug or a damaged row).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Backend(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

#[async_trait]
pub trait Store: DirectoryStore + Send + Sync + 'static {
    /// "sqlite" or "postgres", for logs and the health page.
    fn backend(&self) -> &'static str;

    async fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// Writes a value unless the key exists; returns whether it wrote.
    async fn meta_put_if_absent(&self, key: &str, value: &[u8]) -> Result<bool>;

    /// Creates a staff account. If her role reads cases, she also gets a
    /// pending grant on every case she is not excluded from (the exclusions
    /// are recorded with it), completed by the next reader who opens it.
    async fn create_staff(&self, staff: &StaffRecord, exclusions: &[ExclusionRow]) -> Result<()>;
    async fn staff_by_email(&self, email: &str) -> Result<Option<StaffRecord>>;
    async fn staff_by_id(&self, id: StaffId) -> Result<Option<StaffRecord>>;
    async fn list_staff(&self) -> Result<Vec<StaffRecord>>;

    /// Writes a new case with its report, attachments, access rows, parties,
    /// exclusions, receipt and first event in one transaction.
    async fn create_case(&self, new: &NewCase) -> Result<()>;
    async fn case(&self, id: CaseId) -> Result<Option<CaseRecord>>;
    /// Cases a staff member has an access row for, newest first.
    async fn inbox(&self, staff: StaffId, limit: u32) -> Result<Vec<InboxEntry>>;
    /// The inbox narrowed by a filter (a reference prefix, a status).
    async fn search_cases(&self, staff: StaffId, filter: &CaseFilter, limit: u32) -> Result<Vec<InboxEntry>>;
    /// How many cases a staff member may read, by status.
    async fn case_counts(&self, staff: StaffId) -> Result<Vec<(CaseStatus, u64)>>;
    async fn access(&self, case: CaseId, staff: StaffId) -> Result<Option<AccessRecord>>;
    /// Staff with an access row on the case but no wrapped key yet.
    async fn pending_grants(&self, case: CaseId) -> Result<Vec<PendingGrant>>;
    /// Stores a wrapped key for a pending grant, with its event.
    async fn complete_grant(&self, case: CaseId, staff: StaffId, wrapped_key: &[u8], event: &EventRecord)
    -> Result<()>;

    async fn report(&self, case: CaseId) -> Result<Option<Vec<u8>>>;
    async fn messages(&self, case: CaseId) -> Result<Vec<MessageRecord>>;
    /// Attachment metadata (sealed) of a case, without the bodies.
    async fn attachments(&self, case: CaseId) -> Result<Vec<AttachmentMeta>>;
    async fn attachment_body(&self, case: CaseId, id: ombud_domain::AttachmentId) -> Result<Option<Vec<u8>>>;
    async fn add_message(
        &self,
        message: &MessageRecord,
        attachments: &[NewAttachment],
        event: &EventRecord,
    ) -> Result<()>;

    /// Takes one workflow step if the case is still in `from`: moves it to
    /// `to`, meets the listed open deadlines, opens the new ones, records the
    /// step and its event — in one transaction. False if the case had moved.
    async fn transition(&self, t: &TransitionRecord) -> Result<bool>;
    async fn transitions(&self, case: CaseId) -> Result<Vec<TransitionRow>>;
    /// Cases in a status that a staff member may read (pending dismissals…).
    async fn cases_in_status(&self, staff: StaffId, status: CaseStatus, limit: u32) -> Result<Vec<CaseRecord>>;

    async fn requests(&self, case: CaseId) -> Result<Vec<RequestRow>>;
    /// Records an answer unless the request was answered already; meets its deadline.
    async fn answer_request(
        &self,
        case: CaseId,
        request: uuid::Uuid,
        at: Timestamp,
        staff: StaffId,
        sealed_answer: &[u8],
        event: &EventRecord,
    ) -> Result<bool>;

    /// Moves an open deadline from `old_due` to `new_due` (false if it had
    /// moved or was met), records why, and forgets an earlier reminder.
    async fn change_deadline(&self, change: &DeadlineChange, event: &EventRecord) -> Result<bool>;
    async fn deadline_changes(&self, case: CaseId) -> Result<Vec<DeadlineChangeRow>>;
    /// Every deadline change on cases a staff member may read, newest first.
    async fn recent_deadline_changes(&self, staff: StaffId, limit: u32) -> Result<Vec<DeadlineChangeRow>>;
    /// Open deadlines past due on cases a staff member may read.
    async fn overdue(&self, staff: StaffId, now: Timestamp, limit: u32) -> Result<Vec<DueDeadline>>;

    async fn link_proceeding(&self, proceeding: &ProceedingRow, event: &EventRecord) -> Result<()>;
    async fn proceedings(&self, case: CaseId) -> Result<Vec<ProceedingRow>>;

    /// A case's deadlines, by due time.
    async fn deadlines(&self, case: CaseId) -> Result<Vec<DeadlineRow>>;
    /// Open deadlines past due and not yet escalated, oldest first (an
    /// indexed query: never a scan of every case).
    async fn due_deadlines(&self, now: Timestamp, limit: u32) -> Result<Vec<DueDeadline>>;
    /// Raises a case to oversight: flags the missed deadline (if it is still
    /// open and unflagged: false otherwise, and nothing is written), records
    /// the escalation and its event, and queues a content-free notice for
    /// every oversight member who may read the case — in one transaction.
    async fn escalate(&self, escalation: &NewEscalation) -> Result<bool>;
    /// Escalations of cases a staff member may read, newest first.
    async fn escalations(&self, staff: StaffId, limit: u32) -> Result<Vec<EscalationRow>>;
    async fn case_escalations(&self, case: CaseId) -> Result<Vec<EscalationRow>>;
    /// Open deadlines due after `now` and by `until` that no one was reminded of.
    async fn deadlines_to_remind(&self, now: Timestamp, until: Timestamp, limit: u32) -> Result<Vec<DueDeadline>>;
    /// Marks a deadline reminded (false if it already was, or was met) and
    /// queues a notice for every handler who may read its case, in one transaction.
    async fn remind(&self, deadline: uuid::Uuid, case: CaseId, at: Timestamp) -> Result<bool>;

    // ------------------------------------------------------------ outbox

    async fn set_staff_lang(&self, staff: StaffId, lang: &str) -> Result<()>;
    async fn set_staff_time_zone(&self, staff: StaffId, time_zone: Option<&str>) -> Result<()>;
    /// Claims up to `limit` notices due by `now` until `claim_until`; a notice
    /// claimed by another instance is never handed out twice.
    async fn claim_outbox(&self, now: Timestamp, claim_until: Timestamp, limit: u32) -> Result<Vec<OutboxItem>>;
    async fn outbox_sent(&self, id: &str, at: Timestamp) -> Result<()>;
    /// Counts a failed attempt and schedules the next one.
    async fn outbox_failed(&self, id: &str, next_attempt_at: Timestamp) -> Result<()>;
    async fn outbox_unsent(&self) -> Result<u64>;
    /// Takes or renews the named lease until `until`; false while another holder has it.
    async fn try_lease(&self, name: &str, holder: &str, now: Timestamp, until: Timestamp) -> Result<bool>;

    async fn receipt(&self, lookup: &[u8]) -> Result<Option<ReceiptRecord>>;
    /// Writes one event and its ledger leaf in one transaction.
    async fn record_event(&self, event: &EventRecord) -> Result<()>;
    /// A case's events in ledger order.
    async fn events(&self, case: CaseId) -> Result<Vec<EventRecord>>;

    // ------------------------------------------------------------ ledger

    async fn ledger_size(&self) -> Result<u64>;
    /// Stored subtree hashes, in the order asked; None where absent.
    async fn ledger_nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<Hash>>>;
    /// Up to `limit` stored hashes of one level from index `from` on, in order.
    async fn ledger_level(&self, level: u8, from: u64, limit: u32) -> Result<Vec<(u64, Hash)>>;
    /// Up to `limit` events from leaf index `from` on, in ledger order.
    async fn ledger_entries(&self, from: u64, limit: u32) -> Result<Vec<LedgerEntry>>;
    /// Events that carry no leaf index (none should).
    async fn unindexed_events(&self) -> Result<u64>;
    async fn checkpoints(&self) -> Result<Vec<CheckpointRow>>;
    async fn latest_checkpoint(&self) -> Result<Option<CheckpointRow>>;
    /// Stores a checkpoint unless one of that size exists.
    async fn put_checkpoint(&self, checkpoint: &CheckpointRow) -> Result<()>;
    async fn note_record_download(&self, case: CaseId, size: u64) -> Result<()>;
    async fn record_downloads(&self, case: CaseId) -> Result<Vec<u64>>;
}

//! Ombud's use cases: submit a report, follow it up with a receipt, sign in
//! as staff, read, answer and acknowledge a case. Each call checks the
//! domain's rules, does the key work, and hands sealed rows to the store.
//!
//! Threat model, plainly: sealing happens here, on the server, because the
//! reporter's pages must work without JavaScript. The process sees plaintext
//! while it handles a request; nothing it writes to disk or logs does.
#![forbid(unsafe_code)]

mod accounts;
mod administration;
mod callers;
mod daily;
mod deadlines;
pub mod demo;
mod directory;
mod directory_index;
mod error;
mod her_voice;
mod inbox;
mod intake;
mod kdf_pool;
mod ledger;
mod mail;
mod measures;
mod messages;
mod notify;
mod ombud;
mod oversight;
mod recovery;
mod related;
mod reporter;
mod retaliation;
mod routing;
mod sealing;
mod second_factor;
mod seed;
mod sessions;
mod staff;
mod support;
mod views;
mod workflow;

pub use accounts::{AdminLogEntry, RoleGrantView, TicketView};
pub use administration::Invited;
pub use callers::{AdminDesk, OversightDesk, ReporterDesk, StaffDesk};
pub use daily::{AssignmentChangeView, AssignmentRequest, AssignmentView, MAX_TEAM, NoteView, StaffRef, StaffSide};
pub use deadlines::SweepReport;
pub use directory::{
    DIRECTORY_COLUMNS, DirectoryEntry, DirectorySearch, ImportProblem, ImportReport, NewApiToken,
    OPTIONAL_DIRECTORY_COLUMNS, PersonInput, SCOPE_DIRECTORY, SCOPE_HR, Unplaced, parse_directory_csv,
};
pub use error::ServiceError;
pub use her_voice::{AfterReport, FollowUp, HerReview, ReminderInput, RetaliationInput};
pub use inbox::{
    COUNT_CAP, DEFAULT_PAGE, InboxCounts, InboxPage, InboxRequest, MAX_PAGE, SearchedBy, reference_search,
};
pub use ledger::{LedgerProblem, LedgerReport};
pub use mail::{SmtpMailer, SmtpSettings, shown as mail_server_shown};
pub use measures::{Measure, MeasureChangeView, MeasureInput, MeasureView};
pub use notify::{DeliveryReport, Mailer, NoticeKind, NoticeText, TICKET_PATH};
pub use ombud::{Ombud, ReporterSession, ServiceConfig, StaffSession, Submitted};
pub use ombud_crypto::CaseSessionPurpose;
pub use ombud_crypto::{KdfParams, random_token};
pub use ombud_domain::{MatchHow, RecoveryKind};
pub use ombud_ledger::{Record, VerifierKey, b64};
/// Records the views carry, so callers need not depend on the store.
pub use ombud_store::{
    ApiTokenRecord, CaseRecord, ChangeSource, DeadlineRow, DueDeadline, EscalationCause, EscalationRow, GroupRecord,
    InboxSort, PersonRecord, TicketPurpose,
};
pub use oversight::{
    AccessSummary, DirectoryChangeView, EscalatedCase, Missed, QueueItem, QueueKind, summarize_access,
};
pub use recovery::{
    APPROVALS_VALID, RecoveryCompleted, RecoveryDone, RecoveryHolder, RecoveryOperationView, RecoveryRequest,
    RecoveryState,
};
pub use related::{CaseRef, LinkView, REPEAT_MIN_CASES, RelatedCase, RepeatRespondent};
pub use reporter::FoundReceipt;
pub use retaliation::{
    AddProtectionInput, CounterProceedingInput, HR_COLUMNS, HrActionAnswer, HrActionInput, HrDecisionInput,
    HrReviewView, JUSTIFY_PATH, JustificationRequest, MAX_IMPORT_ACTIONS, ProtectedPerson, ProtectionView,
    parse_hr_csv,
};
pub use routing::{AccessEntry, ExclusionView, MatchInput, MatchedPerson, PartyMatch, PartyView};
pub use sealing::Upload;
pub use second_factor::{HalfSignedIn, SecondFactorSetup, SecondFactorStatus, SignIn};
pub use sessions::SessionLimits;
pub use support::{SupportAdded, SupportInput, SupportMessageView, SupportView, SupporterSession};
pub use views::{
    AttachmentView, CaseView, Download, InboxRow, MessageView, RequestView, StaffView, StepView, deadlines_of,
};
pub use workflow::{ChangeView, DeadlineChangeRequest, Proceeding, RequestAnswer, StepText};

pub type Result<T> = std::result::Result<T, ServiceError>;

/// Compares secrets in constant time (re-exported for the web layer's CSRF check).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    ombud_crypto::constant_time_eq(a, b)
}

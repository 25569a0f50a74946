//! Ombud's rules, with no IO: what a report is, what makes one valid, who may
//! read cases, how a case moves between states and when its deadlines fall.
//!
//! Everything that decides something about a case lives here, once, so the
//! web layer, the API and the job loop can never disagree.
#![forbid(unsafe_code)]

#[macro_use]
mod names;
mod case;
mod channels;
mod clock;
mod conflict;
mod deadline;
mod ids;
mod labels;
mod matching;
mod measures;
mod outcomes;
mod report;
mod retaliation;
mod staff;
mod text;
pub mod throttle;
mod workflow;

pub use case::{CaseRouting, CaseStatus, Category, EventKind};
pub use channels::ExternalChannel;
pub use clock::{Clock, FixedClock, SystemClock};
pub use conflict::{
    ConflictPolicy, DirectoryPerson, ExclusionReason, Lifting, MatchHow, NamedParty, OrgChart, Reader,
    accuses_senior_leader, exclusion, keep_an_independent_reader, merge_exclusions,
};
pub use deadline::{
    CategoryPolicy, ChangeState, ClosedReason, Deadline, DeadlineKind, DeadlinePolicy, DeadlineState,
    DeadlineStateName, EscalationCause, reporter_may_escalate,
};
pub use ids::{AttachmentId, CaseId, MessageId, StaffId};
pub use labels::CaseLabel;
pub use matching::{NameIndex, NamedEntry, Strength, whole_name};
pub use measures::{MeasureAction, MeasureKind};
pub use outcomes::{CaseOutcome, OutcomeContext, Sanction, StepOutcome, allowed_outcomes, check_outcome};
pub use report::{
    Contact, FieldError, Location, LocationKind, MAX_DESCRIPTION_CHARS, MAX_MESSAGE_CHARS, MAX_PEOPLE, MAX_SHORT_CHARS,
    Occurred, Person, PersonInvolved, PersonRole, Place, ReportContent, ReportDraft, ReporterRequest, RequestKind,
    SupportRequest, validate_message,
};
pub use retaliation::{
    DisclosureAnswers, HrActionKind, HrActionStatus, ProtectionBasis, RetaliationPolicy, ReviewDecision, hr_status,
    is_disclosure, needs_decision,
};
pub use staff::{
    MIN_PASSWORD_CHARS, RecoveryKind, Role, StaffStatus, assignable, may_assign, password_problem,
    recovery_split_problem, valid_email,
};
pub use text::{is_invisible, plain_file_name, shown_plainly};
pub use workflow::{
    AnswerOutcome, Outcome, Step, StepName, available_steps, dismissal_needs_sign_off, may_take, next_status,
    routing_allows, works_case,
};

/// Errors of the rules themselves. A caller shows them to a person, so each
/// variant names one thing that can be explained in a sentence.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DomainError {
    #[error("a case in state {from} cannot be {action}")]
    InvalidTransition { from: CaseStatus, action: &'static str },
    /// One of her requests answered again: the first answer stands.
    #[error("this request was already answered")]
    AlreadyAnswered,
    #[error("unknown value {value:?} for {what}")]
    UnknownValue { what: &'static str, value: String },
    #[error("deadline arithmetic out of range")]
    DeadlineOutOfRange,
    #[error("unknown time zone {0:?}")]
    UnknownTimeZone(String),
}

//! What the API sends and receives, as types: the OpenAPI document is
//! derived from these, and a test checks every response against it.

use jiff::Timestamp;
use ombud_domain::{
    CaseId, CaseStatus, Category, ClosedReason, Deadline, DeadlineKind, DeadlineStateName, EscalationCause, EventKind,
    ExternalChannel, ReportContent, StepName,
};
use ombud_service::{
    AccessEntry, AttachmentView, CaseView, ChangeView, EscalationRow, ExclusionView, InboxRow, MessageView, PartyView,
    Proceeding, RequestView,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A deadline as her status shows it.
#[derive(Serialize, ToSchema)]
pub struct DeadlineBody {
    pub kind: DeadlineKind,
    /// None until its clock starts (feedback starts at acknowledgement).
    pub due: Option<Timestamp>,
    pub met_at: Option<Timestamp>,
    /// `open`, `met`, `overdue`, `not_started` or `closed`.
    pub state: DeadlineStateName,
    /// Why it ended unmet (`case_closed`), when `state` is `closed`.
    pub closed_reason: Option<ClosedReason>,
    pub closed_at: Option<Timestamp>,
}

impl DeadlineBody {
    pub fn new(d: &Deadline, now: Timestamp) -> Self {
        let state = d.state(now);
        Self {
            kind: d.kind,
            due: d.due,
            met_at: d.met_at,
            state: state.name(),
            closed_reason: state.closed_reason(),
            closed_at: d.closed.map(|(at, _)| at),
        }
    }
}

fn deadlines(list: &[Deadline], now: Timestamp) -> Vec<DeadlineBody> {
    list.iter().map(|d| DeadlineBody::new(d, now)).collect()
}

/// A deadline of one case, with the id a change names.
#[derive(Serialize, ToSchema)]
pub struct CaseDeadline {
    pub id: uuid::Uuid,
    pub kind: DeadlineKind,
    pub due: Timestamp,
    pub met_at: Option<Timestamp>,
    /// `open`, `met`, `overdue` or `closed` (a row always has a date).
    pub state: DeadlineStateName,
    /// Why it ended unmet (`case_closed`), when `state` is `closed`.
    pub closed_reason: Option<ClosedReason>,
    pub closed_at: Option<Timestamp>,
    /// The request it is for, if it is a request's answer deadline.
    pub request_id: Option<uuid::Uuid>,
    /// The interim measure it is for, if it is a measure's review (staff only).
    pub measure_id: Option<uuid::Uuid>,
}

impl CaseDeadline {
    fn new(d: &ombud_service::DeadlineRow, now: Timestamp) -> Self {
        let state = Deadline { kind: d.kind, due: Some(d.due_at), met_at: d.met_at, closed: d.closed }.state(now);
        Self {
            id: d.id,
            kind: d.kind,
            due: d.due_at,
            met_at: d.met_at,
            state: state.name(),
            closed_reason: state.closed_reason(),
            closed_at: d.closed.map(|(at, _)| at),
            request_id: d.subject.filter(|_| d.kind == DeadlineKind::RequestAnswer),
            measure_id: d.subject.filter(|_| d.kind == DeadlineKind::MeasureReview),
        }
    }
}

/// The deadline that was missed, and when it was due.
#[derive(Serialize, ToSchema)]
pub struct MissedDeadline {
    pub kind: DeadlineKind,
    pub due: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct Escalation {
    pub case_id: CaseId,
    pub case_ref: String,
    pub cause: EscalationCause,
    pub missed_deadline: Option<MissedDeadline>,
    pub escalated_at: Timestamp,
}

impl From<&EscalationRow> for Escalation {
    fn from(e: &EscalationRow) -> Self {
        Self {
            case_id: e.case_id,
            case_ref: e.case_ref.clone(),
            cause: e.cause,
            missed_deadline: e.deadline.map(|(kind, due)| MissedDeadline { kind, due }),
            escalated_at: e.created_at,
        }
    }
}

/// What happened and when, never by whom.
#[derive(Serialize, ToSchema)]
pub struct CaseEvent {
    pub kind: EventKind,
    pub at: Timestamp,
}

/// One case as its reader sees it: the reporter (her own) or a staff reader.
#[derive(Serialize, ToSchema)]
pub struct CaseBody {
    pub id: CaseId,
    pub case_ref: String,
    pub category: Category,
    pub status: CaseStatus,
    pub received_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub deadlines: Vec<CaseDeadline>,
    pub requests: Vec<RequestView>,
    /// Each step: the staff member's name and the internal reason and sanctions for staff only; what
    /// happened and why, written for her, and the outcome chosen, for every reader.
    pub steps: Vec<ombud_service::StepView>,
    pub deadline_changes: Vec<ChangeView>,
    pub proceedings: Vec<Proceeding>,
    pub escalated_at: Option<Timestamp>,
    pub escalations: Vec<Escalation>,
    pub report: ReportContent,
    pub attachments: Vec<AttachmentView>,
    pub messages: Vec<MessageView>,
    pub people: Vec<PartyView>,
    /// Her contact details are withheld until a reader reveals them (logged).
    pub contact_hidden: bool,
    pub events: Vec<CaseEvent>,
    /// Where she can turn outside the organisation, once the case was dismissed or referred elsewhere.
    pub external_channels: Vec<ExternalChannel>,
    /// Who works on the case (staff readers only; absent from her view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment: Option<ombud_service::AssignmentView>,
    /// Each change of who works on it, with its reason (staff readers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment_history: Option<Vec<ombud_service::AssignmentChangeView>>,
    /// Notes among the readers (staff readers only; never in her view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<ombud_service::NoteView>>,
    /// Labels from the organisation's list (staff readers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Interim measures: what was put in place to protect her (her view carries no internal reason).
    pub interim_measures: Vec<ombud_service::MeasureView>,
}

impl From<CaseView> for CaseBody {
    fn from(view: CaseView) -> Self {
        let c = view.case;
        Self {
            id: c.id,
            case_ref: c.reference,
            category: c.category,
            status: c.status,
            received_at: c.received_at,
            acknowledged_at: c.acknowledged_at,
            deadlines: view.deadline_rows.iter().map(|d| CaseDeadline::new(d, view.opened_at)).collect(),
            requests: view.requests,
            steps: view.steps,
            deadline_changes: view.changes,
            proceedings: view.proceedings,
            escalated_at: c.escalated_at,
            escalations: view.escalations.iter().map(Escalation::from).collect(),
            report: view.report,
            attachments: view.attachments,
            messages: view.messages,
            people: view.parties,
            contact_hidden: view.contact_hidden,
            events: view.events.into_iter().map(|(kind, at)| CaseEvent { kind, at }).collect(),
            external_channels: view.external_channels,
            assignment: view.staff_side.as_ref().map(|s| s.assignment.clone()),
            assignment_history: view.staff_side.as_ref().map(|s| s.assignment_history.clone()),
            notes: view.staff_side.as_ref().map(|s| s.notes.clone()),
            labels: view.staff_side.map(|s| s.labels),
            interim_measures: view.measures,
        }
    }
}

/// Where her case stands, without its content.
#[derive(Serialize, ToSchema)]
pub struct Status {
    pub case_ref: String,
    pub status: CaseStatus,
    pub deadlines: Vec<DeadlineBody>,
    pub escalated_at: Option<Timestamp>,
}

impl Status {
    pub fn new(case: &ombud_service::CaseRecord, list: &[Deadline], now: Timestamp) -> Self {
        Self {
            case_ref: case.reference.clone(),
            status: case.status,
            deadlines: deadlines(list, now),
            escalated_at: case.escalated_at,
        }
    }
}

/// A case after a step: where it stands now.
#[derive(Serialize, ToSchema)]
pub struct Moved {
    pub id: CaseId,
    pub case_ref: String,
    pub status: CaseStatus,
    pub acknowledged_at: Option<Timestamp>,
    pub deadlines: Vec<DeadlineBody>,
}

impl Moved {
    pub fn new(case: &ombud_service::CaseRecord, list: &[Deadline], now: Timestamp) -> Self {
        Self {
            id: case.id,
            case_ref: case.reference.clone(),
            status: case.status,
            acknowledged_at: case.acknowledged_at,
            deadlines: deadlines(list, now),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseLine {
    pub id: CaseId,
    pub case_ref: String,
    pub category: Category,
    pub status: CaseStatus,
    pub received_at: Timestamp,
    /// The first deadline not yet met.
    pub next_deadline: Option<DeadlineBody>,
    /// Her key to this case is not wrapped yet: it opens once a colleague
    /// or the reporter opens it.
    pub access_pending: bool,
    /// Who leads the case; null while nobody does.
    pub lead: Option<ombud_service::StaffRef>,
    /// The reporter wrote since the caller last opened the case.
    pub unread: bool,
}

impl CaseLine {
    pub fn new(r: &InboxRow, now: Timestamp) -> Self {
        Self {
            id: r.case.id,
            case_ref: r.case.reference.clone(),
            category: r.case.category,
            status: r.case.status,
            received_at: r.case.received_at,
            next_deadline: r.next_deadline.as_ref().map(|d| DeadlineBody::new(d, now)),
            access_pending: r.access_pending,
            lead: r.lead.clone(),
            unread: r.unread,
        }
    }
}

/// One page of the caller's cases.
#[derive(Serialize, ToSchema)]
pub struct CaseList {
    pub cases: Vec<CaseLine>,
    /// Pass as `cursor` for the next page; null on the last one.
    pub next_cursor: Option<String>,
    /// With `counts=true` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<ListCounts>,
}

/// How many cases match the filter; past 10,000 the total reads "10000+".
#[derive(Serialize, ToSchema)]
pub struct ListCounts {
    #[schema(value_type = serde_json::Value, example = json!(42))]
    pub total: serde_json::Value,
    /// Matching cases by status, among the first 10,001 counted.
    pub by_status: std::collections::BTreeMap<String, u64>,
}

impl From<&ombud_service::InboxCounts> for ListCounts {
    fn from(c: &ombud_service::InboxCounts) -> Self {
        let total = if c.more { serde_json::Value::from(format!("{}+", c.total)) } else { c.total.into() };
        Self { total, by_status: c.by_status.iter().map(|(s, n)| (s.as_str().to_owned(), *n)).collect() }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseCounts {
    pub total: u64,
    /// Cases by status (`received`, `acknowledged`…), for the statuses that have any.
    pub by_status: std::collections::BTreeMap<String, u64>,
}

#[derive(Serialize, ToSchema)]
pub struct Submitted {
    pub case_ref: String,
    /// 28 digits in groups of four; shown once, never stored.
    pub receipt: String,
}

#[derive(Serialize, ToSchema)]
pub struct Token {
    pub token: String,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: uuid::Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct Escalated {
    pub escalated_at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct Escalations {
    pub escalations: Vec<Escalation>,
}

#[derive(Serialize, ToSchema)]
pub struct Dismissal {
    pub id: CaseId,
    pub case_ref: String,
    pub category: Category,
    /// When the dismissal was asked for.
    pub since: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct Dismissals {
    pub dismissals: Vec<Dismissal>,
}

#[derive(Serialize, ToSchema)]
pub struct OverdueDeadline {
    pub case_id: CaseId,
    pub case_ref: String,
    pub kind: DeadlineKind,
    pub due: Timestamp,
    pub escalated_at: Option<Timestamp>,
}

#[derive(Serialize, ToSchema)]
pub struct Overdue {
    pub overdue: Vec<OverdueDeadline>,
}

#[derive(Serialize, ToSchema)]
pub struct DeadlineChanges {
    pub deadline_changes: Vec<ChangeView>,
}

#[derive(Serialize, ToSchema)]
pub struct Queue {
    pub items: Vec<ombud_service::QueueItem>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiftDecision {
    /// true lets her back in (if the rule still finds no conflict); false keeps her out.
    pub approve: bool,
}

#[derive(Serialize, ToSchema)]
pub struct LiftDecided {
    /// Whether she may read the case again (she gets a pending grant).
    pub lifted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryChanges {
    pub changes: Vec<ombud_service::DirectoryChangeView>,
}

#[derive(Serialize, ToSchema)]
pub struct Exclusions {
    pub exclusions: Vec<ExclusionView>,
}

#[derive(Serialize, ToSchema)]
pub struct AccessLog {
    pub case_id: CaseId,
    pub entries: Vec<AccessEntry>,
    /// The same, one line per person and kind: how many, first and last; the excluded first.
    pub summary: Vec<ombud_service::AccessSummary>,
}

/// The cases raised to oversight and not yet dealt with, grouped.
#[derive(Serialize, ToSchema)]
pub struct EscalatedCases {
    pub cases: Vec<ombud_service::EscalatedCase>,
}

/// How an escalated case was dealt with: a note for the committee.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveIn {
    /// At least a sentence: what was done.
    #[schema(min_length = 1, max_length = 20000)]
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct Resolved {
    /// How many escalations of the case were marked dealt with.
    pub resolved: u64,
}

/// Her contact details, shown once asked for (and logged).
#[derive(Serialize, ToSchema)]
pub struct Identity {
    pub anonymous: bool,
    pub contact: Option<ombud_domain::Contact>,
}

#[derive(Serialize, ToSchema)]
pub struct VerifierKeyBody {
    pub verifier_key: String,
    pub origin: String,
}

#[derive(Serialize, ToSchema)]
pub struct InclusionProof {
    pub index: u64,
    pub size: u64,
    /// Base64 hashes, leaf to root.
    pub proof: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    pub proof: Vec<String>,
}

/// An oversight member's decision on a long pause.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseDecision {
    pub approve: bool,
}

/// A done action: `{"recused": true}`, `{"answered": true}`…
#[derive(Serialize, ToSchema)]
pub struct Done {
    #[serde(flatten)]
    #[schema(value_type = std::collections::BTreeMap<String, bool>)]
    pub what: std::collections::BTreeMap<&'static str, bool>,
}

impl Done {
    pub fn new(what: &'static str) -> Self {
        Self { what: [(what, true)].into() }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NewToken {
    pub id: uuid::Uuid,
    pub label: String,
    /// The bearer secret: shown this once.
    pub token: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenLine {
    pub id: uuid::Uuid,
    pub label: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Serialize, ToSchema)]
pub struct Tokens {
    pub tokens: Vec<TokenLine>,
}

// ------------------------------------------------------------ requests

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptSignIn {
    #[schema(max_length = 64)]
    pub receipt: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffSignIn {
    #[schema(max_length = 500)]
    pub email: String,
    #[schema(max_length = 1024)]
    pub password: String,
    /// The six-digit code from her authenticator app, or one of her
    /// recovery codes; needed once she has set up a second factor.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub totp: Option<String>,
}

/// Setting up a second factor: send nothing to get a new secret; send the
/// `enrolment` it gave back with a `code` from the app to confirm it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorIn {
    #[serde(default)]
    #[schema(max_length = 400)]
    pub enrolment: Option<String>,
    #[serde(default)]
    #[schema(max_length = 64)]
    pub code: Option<String>,
    /// Replacing a second factor she has: a code of it (or a recovery code).
    #[serde(default)]
    #[schema(max_length = 64)]
    pub current_code: Option<String>,
}

/// A second factor to set up: add `secret` (or scan `otpauth_url`) in an
/// authenticator app, then confirm with `enrolment` and a code.
#[derive(Serialize, ToSchema)]
pub struct SecondFactorSetupOut {
    pub enrolment: String,
    pub secret: String,
    pub otpauth_url: String,
}

/// The recovery codes of a second factor just set up, shown this once.
#[derive(Serialize, ToSchema)]
pub struct RecoveryCodesOut {
    pub recovery_codes: Vec<String>,
}

/// Her second factor: set up or not, required by her role or not.
#[derive(Serialize, ToSchema)]
pub struct SecondFactorStatusOut {
    pub set_up: bool,
    pub required: bool,
    pub recovery_codes_left: u32,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageIn {
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepIn {
    #[schema(value_type = StepName)]
    pub step: String,
    /// Required for every step but the acknowledgement.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub reason: String,
    /// What happened and why, written for her: required for a referral,
    /// dismissal, findings, decision, closure, reopening and oversight's
    /// sign-offs; optional (and shown to her) on the other steps.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub for_reporter: String,
    /// Required for findings (one of the first four) and for closing (any):
    /// what the findings found, or how the case ended. Chosen, never assumed.
    #[serde(default)]
    #[schema(value_type = Option<ombud_domain::CaseOutcome>)]
    pub outcome: String,
    /// Required for the decision: the sanctions it imposes, `no_sanction` alone
    /// when it imposes none.
    #[serde(default)]
    #[schema(value_type = Vec<ombud_domain::Sanction>, max_items = 9)]
    pub sanctions: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerIn {
    #[schema(value_type = ombud_domain::AnswerOutcome)]
    pub outcome: String,
    /// The answer's reason, written for her (`reason` is accepted as well).
    #[serde(alias = "reason")]
    #[schema(min_length = 1, max_length = 20000)]
    pub for_reporter: String,
}

/// `extension` moves the date; `pause` stops the clock until `until`.
#[derive(Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Extension,
    Pause,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeIn {
    #[schema(value_type = ChangeKind)]
    pub kind: String,
    pub until: Timestamp,
    /// For oversight.
    #[schema(min_length = 1, max_length = 20000)]
    pub justification: String,
    /// For her (`reason_for_reporter` is accepted as well).
    #[serde(alias = "reason_for_reporter")]
    #[schema(min_length = 1, max_length = 20000)]
    pub for_reporter: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    #[schema(min_length = 1, max_length = 500)]
    pub label: String,
}

/// The inbox's filters (DECISIONS #15): all optional, combined with AND.
/// The staff inbox page takes the same parameters.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CaseSearch {
    /// A whole reference, one of its dash-separated parts ("9F2D"), its
    /// beginning ("OMB-7K"), or a directory person's name, employee id or
    /// email (the cases naming her).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// A directory person by employee id or email: the cases naming her.
    #[param(max_length = 320)]
    pub person: Option<String>,
    /// `me`, `none`, or a staff id or email: who works on it (lead or team).
    #[param(max_length = 320)]
    pub assigned: Option<String>,
    #[param(value_type = Option<CaseStatus>)]
    pub status: Option<String>,
    #[param(value_type = Option<Category>)]
    pub category: Option<String>,
    /// An open deadline due within this many days.
    #[param(maximum = 3660)]
    pub due_within: Option<u32>,
    pub overdue: Option<bool>,
    pub escalated: Option<bool>,
    /// A label's key (`GET /labels`).
    #[param(max_length = 40)]
    pub label: Option<String>,
    /// `created` (newest first, the default) or `deadline` (next deadline first).
    #[param(value_type = Option<String>, pattern = "^(created|deadline)$")]
    pub sort: Option<String>,
    /// At most 100; 50 when absent.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page, with the same filters and sort.
    #[param(max_length = 100)]
    pub cursor: Option<String>,
    /// Adds `counts`: how many cases match, by status.
    pub counts: Option<bool>,
}

impl CaseSearch {
    /// The filters as the service takes them; an unknown choice is a 422 naming its parameter.
    pub fn request(&self) -> Result<ombud_service::InboxRequest<'_>, crate::error::ApiError> {
        fn choice<T>(
            value: Option<&str>,
            field: &str,
            parse: fn(&str) -> Option<T>,
        ) -> Result<Option<T>, crate::error::ApiError> {
            match value.map(str::trim).filter(|v| !v.is_empty()) {
                Some(v) => parse(v).map(Some).ok_or_else(|| crate::error::ApiError::invalid_choice(field)),
                None => Ok(None),
            }
        }
        let sort = match self.sort.as_deref().map(str::trim) {
            None | Some("" | "created") => ombud_service::InboxSort::Created,
            Some("deadline") => ombud_service::InboxSort::Deadline,
            Some(_) => return Err(crate::error::ApiError::invalid_choice("sort")),
        };
        if self.limit.is_some_and(|l| l == 0 || l > ombud_service::MAX_PAGE) {
            return Err(crate::error::ApiError::invalid_choice("limit"));
        }
        Ok(ombud_service::InboxRequest {
            q: self.q.as_deref().unwrap_or_default(),
            person: self.person.as_deref().unwrap_or_default(),
            assigned: self.assigned.as_deref().unwrap_or_default(),
            status: choice(self.status.as_deref(), "status", CaseStatus::parse)?,
            category: choice(self.category.as_deref(), "category", ombud_domain::Category::parse)?,
            due_within_days: self.due_within,
            overdue: self.overdue.unwrap_or(false),
            escalated: self.escalated.unwrap_or(false),
            label: self.label.as_deref().unwrap_or_default(),
            sort,
            cursor: self.cursor.as_deref().unwrap_or_default(),
            limit: self.limit.unwrap_or(0),
            counts: self.counts.unwrap_or(false),
        })
    }
}

/// Who works on a case: lead and team by email or staff id. `"lead": null`
/// with a `reason` hands the case back.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentIn {
    #[schema(max_length = 320)]
    pub lead: Option<String>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub team: Vec<String>,
    /// Needed when the lead hands the case back (at least a sentence).
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub reason: String,
}

/// Exactly these labels, each a key from the organisation's list (`GET /labels`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelsIn {
    #[schema(max_items = 50)]
    pub labels: Vec<String>,
}

/// Another case to link this one to, by its whole reference, and why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkIn {
    #[schema(max_length = 40)]
    pub reference: String,
    #[schema(max_length = 20000)]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct RelatedCases {
    pub cases: Vec<ombud_service::RelatedCase>,
}

#[derive(Serialize, ToSchema)]
pub struct RepeatRespondents {
    /// How many cases must name a person as accused for the list.
    pub min_cases: u32,
    pub people: Vec<ombud_service::RepeatRespondent>,
}

#[derive(Serialize, ToSchema)]
pub struct LabelsOut {
    pub labels: Vec<String>,
}

/// An interim measure: which measures, for whom, from when, reviewed when,
/// with the reason for the record and the text for her.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureIn {
    /// Only when changing one: `change` (every field as it now stands) or `end`.
    #[serde(default)]
    #[schema(value_type = String, pattern = "^(change|end)?$")]
    pub action: String,
    #[schema(value_type = Vec<ombud_domain::MeasureKind>, max_items = 5)]
    #[serde(default)]
    pub measures: Vec<String>,
    /// What "other" is, in words.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub other: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub for_whom: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    #[schema(max_length = 10)]
    pub from: String,
    /// YYYY-MM-DD, optional.
    #[serde(default)]
    #[schema(max_length = 10)]
    pub review_by: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub reason: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub for_reporter: String,
}

impl MeasureIn {
    pub fn input(&self) -> ombud_service::MeasureInput<'_> {
        ombud_service::MeasureInput {
            kinds: self.measures.iter().map(String::as_str).collect(),
            other: &self.other,
            for_whom: &self.for_whom,
            from: &self.from,
            review_by: &self.review_by,
            reason: &self.reason,
            for_reporter: &self.for_reporter,
        }
    }
}

// ------------------------------------------------------------ accounts

/// A staff account as the administrator sees it: never a key or a password.
#[derive(Serialize, ToSchema)]
pub struct StaffLine {
    pub id: ombud_domain::StaffId,
    pub email: String,
    pub name: String,
    #[schema(value_type = String, example = "handler")]
    pub role: ombud_domain::Role,
    /// `active`, `invited`, `reset` (waits for a new password) or `disabled`.
    #[schema(value_type = String, example = "active")]
    pub status: ombud_domain::StaffStatus,
    pub created_at: Timestamp,
    pub last_sign_in_at: Option<Timestamp>,
    /// A role asked for her that waits for an oversight member's approval (`oversight`).
    #[schema(value_type = Option<String>, example = "oversight")]
    pub awaiting_role: Option<ombud_domain::Role>,
    /// She has set up a second factor.
    pub second_factor: bool,
    /// Her role must sign in with one (`[accounts] second_factor`).
    pub second_factor_required: bool,
    /// The employee id that links her to the directory; null when her email does.
    pub employee_id: Option<String>,
}

impl From<ombud_service::StaffView> for StaffLine {
    fn from(s: ombud_service::StaffView) -> Self {
        Self {
            id: s.id,
            email: s.email,
            name: s.name,
            role: s.role,
            status: s.status,
            created_at: s.created_at,
            last_sign_in_at: s.last_sign_in_at,
            awaiting_role: s.awaiting_role,
            second_factor: s.second_factor,
            second_factor_required: s.second_factor_required,
            employee_id: s.employee_id,
        }
    }
}

/// Approve (true) or refuse (false) a role asked for someone.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleDecision {
    pub approve: bool,
}

/// A role that waits for an oversight member's approval.
#[derive(Serialize, ToSchema)]
pub struct RoleGrantLine {
    pub id: uuid::Uuid,
    pub staff: StaffLine,
    #[schema(value_type = String, example = "oversight")]
    pub role: ombud_domain::Role,
    /// Who asked; none for the command line.
    pub asked_by: Option<String>,
    pub asked_at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct RoleGrants {
    pub grants: Vec<RoleGrantLine>,
}

#[derive(Serialize, ToSchema)]
pub struct StaffList {
    pub staff: Vec<StaffLine>,
}

/// An invitation: her one-time link goes to her email, never to the caller.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationIn {
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(value_type = String, example = "handler")]
    pub role: ombud_domain::Role,
    /// Her notices' language, `en` (default) or `zh-CN`.
    #[serde(default)]
    #[schema(max_length = 10)]
    pub lang: Option<String>,
}

/// The directory person a staff account is: an employee id, number,
/// userName or externalId only one person has; null to link her by her
/// email alone.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployeeIdIn {
    #[schema(max_length = 200, example = "E1024")]
    pub employee_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    #[schema(value_type = String, example = "oversight")]
    pub role: ombud_domain::Role,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeIn {
    #[schema(max_length = 1024)]
    pub current_password: String,
    #[schema(min_length = 10, max_length = 1024)]
    pub new_password: String,
}

/// Her one-time link's token and the password she chooses.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketUseIn {
    #[schema(max_length = 200)]
    pub token: String,
    #[schema(min_length = 10, max_length = 1024)]
    pub password: String,
}

/// One administrative action on the ledger.
#[derive(Serialize, ToSchema)]
pub struct AdminLogLine {
    pub leaf_index: u64,
    pub at: Timestamp,
    /// `staff_invited`, `staff_disabled`, `staff_role_changed`…
    #[schema(value_type = String)]
    pub kind: ombud_domain::EventKind,
    /// Who acted; none for the command line.
    pub by: Option<String>,
    /// On whose account.
    pub subject: Option<String>,
    /// What changed that is not confidential (`handler>oversight`).
    pub detail: String,
}

#[derive(Serialize, ToSchema)]
pub struct AdminLog {
    pub entries: Vec<AdminLogLine>,
}

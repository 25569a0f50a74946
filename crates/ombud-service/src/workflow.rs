//! Handling a case: workflow steps with their reasons, answers to her
//! requests, moved deadlines, linked proceedings, and what oversight reviews.

use crate::StaffDesk;
use crate::callers::CaseAccess;
use crate::sealing::{open_json, seal_json};
use crate::{Result, ServiceError};
use jiff::Timestamp;
use ombud_crypto::{DataKey, item_aad};
use ombud_domain::{
    CaseId, CaseStatus, ChangeState, ClosedReason, Deadline, DeadlineKind, EventKind, FieldError, MAX_MESSAGE_CHARS,
    Sanction, Step, StepOutcome, next_status,
};
use ombud_store::{Actor, CaseRecord, DeadlineChange, DeadlineRow, EventRecord, ProceedingRow, TransitionRecord};
use serde::{Deserialize, Serialize};

/// Her request's answer, as sealed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestAnswer {
    pub outcome: ombud_domain::AnswerOutcome,
    /// The reason, written for her.
    pub reason: String,
}

/// A linked police report or court case; it never pauses anything by itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Proceeding {
    pub reference: String,
    #[serde(default)]
    pub date: Option<String>,
    pub authority: String,
}

/// What a step carries: the internal reason (for staff and oversight), the
/// text written for her (`for_reporter`), and what a person chose as its
/// outcome (findings, closing) or sanctions (the decision), as sent.
#[derive(Clone, Copy, Debug, Default)]
pub struct StepText<'a> {
    pub reason: &'a str,
    pub for_reporter: &'a str,
    pub outcome: &'a str,
    pub sanctions: &'a [&'a str],
}

/// What the deadline-change form and API ask for.
pub struct DeadlineChangeRequest<'a> {
    /// "extension" (a new date) or "pause" (the clock stops until a date).
    pub kind: &'a str,
    pub until: Timestamp,
    pub justification: &'a str,
    pub reason_for_reporter: &'a str,
}

/// A moved deadline as oversight reviews it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChangeView {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub case_ref: String,
    pub deadline: DeadlineKind,
    pub kind: String,
    pub old_due: Timestamp,
    pub new_due: Timestamp,
    pub at: Timestamp,
    pub justification: String,
    pub reason_for_reporter: String,
    /// `applied`, `pending` (a long pause waiting for oversight) or `refused`.
    pub state: ChangeState,
}

impl StaffDesk<'_> {
    /// Takes one workflow step with its reason, and the text written for her
    /// that a step ending or turning the case must carry. Refused with a
    /// clear error if the workflow does not allow it from where the case
    /// stands, her role may not take it (a sign-off is oversight's), or it
    /// would close the case while one of her requests is unanswered.
    pub async fn step(&self, case_id: CaseId, step: Step, text: &StepText<'_>) -> Result<(CaseRecord, Vec<Deadline>)> {
        let session = self.session;
        let CaseAccess { case, key } = self.case_access(case_id).await?;
        if !ombud_domain::may_take(session.role, step, case.routing, self.leads(&case).await?) {
            return Err(ServiceError::Forbidden);
        }
        if !ombud_domain::routing_allows(step, case.routing) {
            return Err(ServiceError::RoutingPending);
        }
        let to = next_status(case.status, step, case.category)?;
        let (reason, for_her, chosen) = self.step_texts(&case, step, to, text).await?;
        let now = self.clock.now();
        let id = uuid::Uuid::now_v7();
        let seal = |kind: &str, text: Option<String>| {
            text.map(|t| key.seal(&reason_aad(case_id, &id, kind), t.as_bytes())).transpose()
        };
        let sealed_reason = seal("transition-reason", reason)?;
        let sealed_for_reporter = seal("transition-for-reporter", for_her)?;
        let sealed_sanctions = (!chosen.sanctions.is_empty())
            .then(|| seal_json(&key, &reason_aad(case_id, &id, "transition-sanctions"), &chosen.sanctions))
            .transpose()?;
        let outcome = chosen.outcome.or(step.implied_outcome());
        let mut new_deadlines = Vec::new();
        if step.starts_feedback() {
            new_deadlines.push(DeadlineRow::new(
                case_id,
                DeadlineKind::Feedback,
                self.config.policy.feedback_due(now)?,
                now,
            ));
        }
        let kind = if step == Step::Acknowledge { EventKind::Acknowledged } else { EventKind::StateChanged };
        let event = EventRecord::new(case_id, kind, now, Actor::Staff(session.id));
        // The ledger commits to what was written and chosen: the reason, the
        // text for her, the sanctions and the outcome, those the step has.
        let parts: Vec<&[u8]> = [sealed_reason.as_deref(), sealed_for_reporter.as_deref(), sealed_sanctions.as_deref()]
            .into_iter()
            .chain([outcome.map(|o| o.as_str().as_bytes())])
            .flatten()
            .collect();
        let event = match parts.as_slice() {
            [] => event,
            [one] => event.with_payload(one),
            _ => event.with_payloads(parts.iter().copied()),
        };
        let record = TransitionRecord {
            id,
            case_id,
            step: step.as_str().to_owned(),
            from: case.status,
            to,
            at: now,
            actor: Actor::Staff(session.id),
            sealed_reason,
            sealed_for_reporter,
            outcome,
            sealed_sanctions,
            meets: step.meets(),
            closes_deadlines: (to == CaseStatus::Closed).then_some(ClosedReason::CaseClosed),
            new_deadlines,
            event,
        };
        if !self.store.transition(&record).await? {
            let current = self.store.case(case_id).await?.map_or(case.status, |c| c.status);
            return Err(ombud_domain::DomainError::InvalidTransition { from: current, action: step.as_str() }.into());
        }
        tracing::info!(case = %case_id, step = step.as_str(), "workflow step");
        let case = self.store.case(case_id).await?.ok_or(ServiceError::NotFound)?;
        Ok((case, self.deadlines(case_id).await?))
    }

    /// A step's texts and choices, checked together so every problem comes
    /// back at once: the internal reason every step but the acknowledgement
    /// needs, the text for her that a step ending or turning the case needs,
    /// and the outcome or sanctions the step takes (`check_outcome`). A step
    /// that would close the case while one of her requests is unanswered is
    /// refused, naming `requests`.
    async fn step_texts(
        &self,
        case: &CaseRecord,
        step: Step,
        to: CaseStatus,
        text: &StepText<'_>,
    ) -> Result<(Option<String>, Option<String>, StepOutcome)> {
        let case_id = case.id;
        let mut errors = Vec::new();
        let reason = if step.needs_reason() {
            required("reason", text.reason, MAX_MESSAGE_CHARS).map_err(|e| errors.push(e)).ok()
        } else {
            None
        };
        let for_her = if step.needs_for_reporter() {
            required("for_reporter", text.for_reporter, MAX_MESSAGE_CHARS).map_err(|e| errors.push(e)).ok()
        } else {
            optional("for_reporter", text.for_reporter, MAX_MESSAGE_CHARS).map_err(|e| errors.push(e)).ok().flatten()
        };
        // A dismissal or referral waiting for a sign-off closes the case when
        // signed: her requests are answered before it is proposed, not after.
        let closing = matches!(to, CaseStatus::Closed | CaseStatus::DismissalPending | CaseStatus::ReferralPending);
        if closing && self.store.requests(case_id).await?.iter().any(|r| r.answered_at.is_none()) {
            errors.push(FieldError { field: "requests".into(), code: "unanswered-requests" });
        }
        // What the latest findings found (a reopened case finds again before it closes again).
        let transitions = self.store.transitions(case_id).await?;
        let finding =
            transitions.iter().rev().find(|t| t.step == Step::RecordFindings.as_str()).and_then(|t| t.outcome);
        let on = ombud_domain::OutcomeContext { category: case.category, finding };
        let chosen =
            ombud_domain::check_outcome(step, on, text.outcome, text.sanctions).map_err(|e| errors.extend(e)).ok();
        match chosen {
            Some(chosen) if errors.is_empty() => Ok((reason, for_her, chosen)),
            _ => Err(invalid(errors)),
        }
    }

    /// Answers one of her requests (granted, partly granted, declined) with a
    /// reason written for her; it meets the request's deadline.
    pub async fn answer_request(
        &self,
        case_id: CaseId,
        request: uuid::Uuid,
        outcome: &str,
        reason: &str,
    ) -> Result<()> {
        let session = self.session;
        let CaseAccess { case, key } = self.case_access(case_id).await?;
        self.require_case_worker(&case).await?;
        let mut errors = Vec::new();
        let outcome = ombud_domain::AnswerOutcome::parse(outcome.trim());
        if outcome.is_none() {
            errors.push(FieldError { field: "outcome".into(), code: "invalid-choice" });
        }
        let reason = required("reason", reason, MAX_MESSAGE_CHARS).map_err(|e| errors.push(e)).ok();
        let (Some(reason), Some(outcome), true) = (reason, outcome, errors.is_empty()) else {
            return Err(invalid(errors));
        };
        if !self.store.requests(case_id).await?.iter().any(|r| r.id == request) {
            return Err(ServiceError::NotFound);
        }
        let answer = RequestAnswer { outcome, reason };
        let sealed = seal_json(&key, &reason_aad(case_id, &request, "request-answer"), &answer)?;
        let now = self.clock.now();
        let event =
            EventRecord::new(case_id, EventKind::RequestAnswered, now, Actor::Staff(session.id)).with_payload(&sealed);
        if !self.store.answer_request(case_id, request, now, session.id, &sealed, &event).await? {
            // Sent twice (a double click, a retry): the first answer stands.
            return Err(ombud_domain::DomainError::AlreadyAnswered.into());
        }
        Ok(())
    }

    /// Extends a deadline, or pauses it until a date (the remaining time then
    /// runs on). Both need a justification (for oversight) and a reason for
    /// her of at least a sentence; both are on the record. The
    /// acknowledgement is never paused, and a pause past the policy's limit
    /// waits for an oversight member's approval (`Pending`).
    pub async fn change_deadline(
        &self,
        case_id: CaseId,
        deadline: uuid::Uuid,
        req: DeadlineChangeRequest<'_>,
    ) -> Result<ChangeState> {
        let session = self.session;
        let CaseAccess { case, key } = self.case_access(case_id).await?;
        self.require_case_worker(&case).await?;
        let now = self.clock.now();
        let current = self
            .store
            .deadlines(case_id)
            .await?
            .into_iter()
            .find(|d| d.id == deadline)
            .ok_or(ServiceError::NotFound)?;
        let mut errors = Vec::new();
        let justification = sentence("justification", req.justification).map_err(|e| errors.push(e)).ok();
        let for_her = sentence("reason_for_reporter", req.reason_for_reporter).map_err(|e| errors.push(e)).ok();
        if current.kind == DeadlineKind::Acknowledge {
            // Confirming receipt takes a click: nothing justifies moving its date, paused or extended.
            errors.push(FieldError { field: "kind".into(), code: "acknowledge-not-paused" });
        }
        if current.kind == DeadlineKind::MeasureReview {
            // A review date moves with its measure, changed with a reason and a text for her.
            errors.push(FieldError { field: "kind".into(), code: "review-moves-with-measure" });
        }
        if current.kind == DeadlineKind::Feedback {
            errors.extend(self.feedback_may_move(&current, &req)?);
        }
        let new_due = match req.kind {
            "extension" if req.until > current.due_at => Some(req.until),
            // The clock stops now and runs on from `until`: the time left is kept.
            "pause" if req.until > now => {
                current.due_at.checked_add(req.until.duration_since(now.max(current.created_at))).ok()
            }
            "extension" | "pause" => {
                errors.push(FieldError { field: "until".into(), code: "not-later" });
                None
            }
            _ => {
                errors.push(FieldError { field: "kind".into(), code: "invalid-choice" });
                None
            }
        };
        if current.met_at.is_some() {
            errors.push(FieldError { field: "deadline".into(), code: "already-met" });
        } else if current.closed.is_some() {
            errors.push(FieldError { field: "deadline".into(), code: "deadline-ended" });
        }
        let (Some(justification), Some(for_her), Some(new_due), true) =
            (justification, for_her, new_due, errors.is_empty())
        else {
            return Err(invalid(errors));
        };
        // A pause past the policy's limit waits for oversight before it takes effect.
        // A move past the policy's limit waits for oversight, counted from the
        // deadline's first date, so short moves in a row cannot add up to a long one.
        let first_due = self.first_due(case_id, &current).await?;
        let long_pause = new_due.duration_since(first_due)
            > jiff::SignedDuration::from_hours(24 * self.config.policy.pause_max_days);
        let state = if long_pause { ChangeState::Pending } else { ChangeState::Applied };
        let id = uuid::Uuid::now_v7();
        let change = DeadlineChange {
            id,
            deadline_id: deadline,
            case_id,
            kind: req.kind.to_owned(),
            old_due: current.due_at,
            new_due,
            at: now,
            staff: session.id,
            sealed_justification: key
                .seal(&reason_aad(case_id, &id, "change-justification"), justification.as_bytes())?,
            sealed_for_reporter: key.seal(&reason_aad(case_id, &id, "change-for-reporter"), for_her.as_bytes())?,
            state,
        };
        let kind = if long_pause { EventKind::PauseAsked } else { EventKind::DeadlineExtended };
        let event = EventRecord::new(case_id, kind, now, Actor::Staff(session.id))
            .with_payloads([change.sealed_justification.as_slice(), change.sealed_for_reporter.as_slice()]);
        if !self.store.change_deadline(&change, &event).await? {
            return Err(invalid(vec![FieldError { field: "deadline".into(), code: "already-met" }]));
        }
        if long_pause {
            tracing::info!(case = %case_id, "a long pause waits for oversight");
        }
        Ok(state)
    }

    /// A deadline's date before any move was made to it.
    async fn first_due(&self, case_id: CaseId, current: &DeadlineRow) -> Result<Timestamp> {
        let changes = self.store.deadline_changes(case_id).await?;
        Ok(changes
            .iter()
            .filter(|c| c.change.deadline_id == current.id && c.change.state == ChangeState::Applied)
            .map(|c| c.change.old_due)
            .min()
            .unwrap_or(current.due_at))
    }

    /// The feedback deadline is never paused, and extended only within what
    /// the policy allows (nothing by default): she is told what was done
    /// within three months of the acknowledgement.
    fn feedback_may_move(&self, current: &DeadlineRow, req: &DeadlineChangeRequest<'_>) -> Result<Vec<FieldError>> {
        if req.kind == "pause" {
            return Ok(vec![FieldError { field: "kind".into(), code: "feedback-not-paused" }]);
        }
        if self.config.policy.feedback_extension_months <= 0 {
            return Ok(vec![FieldError { field: "kind".into(), code: "feedback-not-extended" }]);
        }
        let latest = self.config.policy.feedback_latest(current.created_at)?;
        Ok(if req.kind == "extension" && req.until > latest {
            vec![FieldError { field: "until".into(), code: "beyond-allowed-extension" }]
        } else {
            Vec::new()
        })
    }

    /// Links a police report or court case. It changes no deadline: a pause
    /// is only ever an explicit, reasoned decision.
    pub async fn link_proceeding(&self, case_id: CaseId, p: Proceeding) -> Result<()> {
        let session = self.session;
        let CaseAccess { case, key } = self.case_access(case_id).await?;
        self.require_case_worker(&case).await?;
        let mut errors = Vec::new();
        let reference = required("reference", &p.reference, 500).map_err(|e| errors.push(e)).ok();
        let authority = required("authority", &p.authority, 500).map_err(|e| errors.push(e)).ok();
        let date = p.date.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned);
        if date.as_deref().is_some_and(|d| d.parse::<jiff::civil::Date>().is_err()) {
            errors.push(FieldError { field: "date".into(), code: "invalid-date" });
        }
        let (Some(reference), Some(authority), true) = (reference, authority, errors.is_empty()) else {
            return Err(invalid(errors));
        };
        let id = uuid::Uuid::now_v7();
        let now = self.clock.now();
        let sealed =
            seal_json(&key, &reason_aad(case_id, &id, "proceeding"), &Proceeding { reference, date, authority })?;
        let event =
            EventRecord::new(case_id, EventKind::ProceedingLinked, now, Actor::Staff(session.id)).with_payload(&sealed);
        self.store
            .link_proceeding(&ProceedingRow { id, case_id, created_at: now, staff: session.id, sealed }, &event)
            .await?;
        Ok(())
    }
}

pub(crate) fn required(field: &str, value: &str, max: usize) -> std::result::Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError { field: field.to_owned(), code: "required" });
    }
    if v.chars().count() > max {
        return Err(FieldError { field: field.to_owned(), code: "too-long" });
    }
    Ok(v.to_owned())
}

/// The fewest letters that make a reason a sentence ("Interpreter needed
/// for her interview." rather than "x" or "........"); eight CJK characters
/// are one.
const SENTENCE_CHARS: usize = 8;

/// A reason of at least a sentence, at most a message.
pub(crate) fn sentence(field: &str, value: &str) -> std::result::Result<String, FieldError> {
    let text = required(field, value, MAX_MESSAGE_CHARS)?;
    // Letters or ideographs, so a row of dots or digits is not a sentence.
    if text.chars().filter(|c| c.is_alphabetic()).count() < SENTENCE_CHARS {
        return Err(FieldError { field: field.to_owned(), code: "too-short" });
    }
    Ok(text)
}

/// Text she may leave out: None when blank, refused when too long.
pub(crate) fn optional(field: &str, value: &str, max: usize) -> std::result::Result<Option<String>, FieldError> {
    if value.trim().is_empty() { Ok(None) } else { required(field, value, max).map(Some) }
}

fn invalid(errors: Vec<FieldError>) -> ServiceError {
    ServiceError::Invalid(errors)
}

pub(crate) fn reason_aad(case: CaseId, item: &uuid::Uuid, kind: &str) -> Vec<u8> {
    item_aad(case.as_bytes(), item.as_bytes(), kind)
}

pub(crate) fn change_view(
    case_ref: String,
    deadline: DeadlineKind,
    c: &DeadlineChange,
    justification: String,
    reason_for_reporter: String,
) -> ChangeView {
    ChangeView {
        id: c.id,
        case_id: c.case_id,
        case_ref,
        deadline,
        kind: c.kind.clone(),
        old_due: c.old_due,
        new_due: c.new_due,
        at: c.at,
        justification,
        reason_for_reporter,
        state: c.state,
    }
}

pub(crate) fn utf8(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| ServiceError::Crypto(ombud_crypto::CryptoError::Malformed))
}

/// Opens a change's two texts.
pub(crate) fn open_change(key: &DataKey, c: &DeadlineChange) -> Result<(String, String)> {
    let justification =
        utf8(key.open(&reason_aad(c.case_id, &c.id, "change-justification"), &c.sealed_justification)?)?;
    let for_her = utf8(key.open(&reason_aad(c.case_id, &c.id, "change-for-reporter"), &c.sealed_for_reporter)?)?;
    Ok((justification, for_her))
}

pub(crate) fn open_answer(key: &DataKey, case: CaseId, request: &uuid::Uuid, sealed: &[u8]) -> Result<RequestAnswer> {
    open_json(key, &reason_aad(case, request, "request-answer"), sealed)
}

pub(crate) fn open_reason(key: &DataKey, case: CaseId, transition: &uuid::Uuid, sealed: &[u8]) -> Result<String> {
    utf8(key.open(&reason_aad(case, transition, "transition-reason"), sealed)?)
}

pub(crate) fn open_for_reporter(key: &DataKey, case: CaseId, transition: &uuid::Uuid, sealed: &[u8]) -> Result<String> {
    utf8(key.open(&reason_aad(case, transition, "transition-for-reporter"), sealed)?)
}

pub(crate) fn open_sanctions(
    key: &DataKey,
    case: CaseId,
    transition: &uuid::Uuid,
    sealed: &[u8],
) -> Result<Vec<Sanction>> {
    open_json(key, &reason_aad(case, transition, "transition-sanctions"), sealed)
}

pub(crate) fn open_proceeding(key: &DataKey, case: CaseId, id: &uuid::Uuid, sealed: &[u8]) -> Result<Proceeding> {
    open_json(key, &reason_aad(case, id, "proceeding"), sealed)
}

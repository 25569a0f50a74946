//! Deadlines that are real: the sweep that escalates what was missed, her own
//! escalation once a deadline passed, and the oversight committee's queue.

use crate::views::deadlines_of;
use crate::{Ombud, ReporterSession, Result, ServiceError, StaffSession};
use jiff::Timestamp;
use ombud_domain::{DeadlineKind, EventKind, Role, reporter_may_escalate};
use ombud_store::{Actor, EscalationCause, EscalationRow, EventRecord, NewEscalation};

/// What one pass of the sweep did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// (case reference, deadline, when it is due) reminded to its handlers
    pub reminded: Vec<(String, DeadlineKind, Timestamp)>,
    /// (case reference, missed deadline, when it was due)
    pub escalated: Vec<(String, DeadlineKind, Timestamp)>,
}

/// How many due deadlines one query takes; the sweep loops until none are left.
const BATCH: u32 = 500;

impl Ombud {
    /// Escalates every deadline that passed unmet by `as_of` to the oversight
    /// committee. Each escalation is a compare-and-set, so two instances
    /// sweeping at once escalate each deadline exactly once.
    pub async fn sweep(&self, as_of: Timestamp) -> Result<SweepReport> {
        let mut report = SweepReport::default();
        let until = as_of + jiff::SignedDuration::from_hours(self.config.policy.remind_before_hours);
        loop {
            let soon = self.store.deadlines_to_remind(as_of, until, BATCH).await?;
            for d in &soon {
                if self.store.remind(d.deadline.id, d.deadline.case_id, as_of).await? {
                    report.reminded.push((d.case_ref.clone(), d.deadline.kind, d.deadline.due_at));
                }
            }
            if (soon.len() as u32) < BATCH {
                break;
            }
        }
        loop {
            let due = self.store.due_deadlines(as_of, BATCH).await?;
            for d in &due {
                let event = EventRecord::new(d.deadline.case_id, EventKind::Escalated, as_of, Actor::System)
                    .with_payload(d.deadline.id.as_bytes());
                let escalation = NewEscalation {
                    id: uuid::Uuid::now_v7(),
                    case_id: d.deadline.case_id,
                    deadline_id: Some(d.deadline.id),
                    cause: EscalationCause::MissedDeadline,
                    at: as_of,
                    event,
                };
                if self.store.escalate(&escalation).await? {
                    tracing::info!(case = %d.deadline.case_id, deadline = d.deadline.kind.as_str(), "escalated a missed deadline to oversight");
                    report.escalated.push((d.case_ref.clone(), d.deadline.kind, d.deadline.due_at));
                }
            }
            if (due.len() as u32) < BATCH {
                return Ok(report);
            }
        }
    }

    /// She raises her case to oversight herself: allowed once any deadline was
    /// missed; asking again changes nothing.
    pub async fn reporter_escalate(&self, session: &ReporterSession) -> Result<Timestamp> {
        let now = self.clock.now();
        let case = self.store.case(session.case_id).await?.ok_or(ServiceError::NotFound)?;
        let existing = self.store.case_escalations(case.id).await?;
        if let Some(mine) = existing.iter().find(|e| e.cause == EscalationCause::Reporter) {
            return Ok(mine.created_at);
        }
        let deadlines = deadlines_of(&self.store.deadlines(case.id).await?);
        if !reporter_may_escalate(&deadlines, now) {
            return Err(ServiceError::EscalationNotYet);
        }
        let escalation = NewEscalation {
            id: uuid::Uuid::now_v7(),
            case_id: case.id,
            deadline_id: None,
            cause: EscalationCause::Reporter,
            at: now,
            event: EventRecord::new(case.id, EventKind::Escalated, now, Actor::Reporter),
        };
        self.store.escalate(&escalation).await?;
        tracing::info!(case = %case.id, "the reporter escalated her case to oversight");
        Ok(now)
    }

    /// Where her case stands, without opening its content: status, deadlines
    /// and escalation. Two indexed reads; the page a reporter reloads most.
    pub async fn reporter_status(
        &self,
        session: &ReporterSession,
    ) -> Result<(ombud_store::CaseRecord, Vec<ombud_domain::Deadline>)> {
        let case = self.store.case(session.case_id).await?.ok_or(ServiceError::NotFound)?;
        Ok((case, deadlines_of(&self.store.deadlines(session.case_id).await?)))
    }

    /// Whether her case's deadlines allow her to escalate now.
    pub async fn reporter_may_escalate(&self, session: &ReporterSession) -> Result<bool> {
        let deadlines = deadlines_of(&self.store.deadlines(session.case_id).await?);
        Ok(reporter_may_escalate(&deadlines, self.clock.now()))
    }

    /// The oversight committee's queue: escalations of cases she may read.
    pub async fn oversight_escalations(&self, session: &StaffSession, limit: u32) -> Result<Vec<EscalationRow>> {
        if session.role != Role::Oversight {
            return Err(ServiceError::Forbidden);
        }
        Ok(self.store.escalations(session.id, limit).await?)
    }

    /// A case's deadlines, for a caller who has just shown she may see it.
    pub(crate) async fn deadlines(&self, case: ombud_domain::CaseId) -> Result<Vec<ombud_domain::Deadline>> {
        Ok(deadlines_of(&self.store.deadlines(case).await?))
    }
}

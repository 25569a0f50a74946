//! Deadlines that are real: the sweep that escalates what was missed, her own
//! escalation once a deadline passed, and the oversight committee's queue.

use crate::views::deadlines_of;
use crate::{Ombud, Result};
use jiff::Timestamp;
use ombud_domain::{DeadlineKind, EventKind};
use ombud_store::{Actor, EscalationCause, EventRecord, NewEscalation};

/// What one pass of the sweep did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// (case reference, deadline, when it is due) reminded to its handlers
    pub reminded: Vec<(String, DeadlineKind, Timestamp)>,
    /// (case reference, missed deadline, when it was due)
    pub escalated: Vec<(String, DeadlineKind, Timestamp)>,
    /// HR actions whose review was raised to its reviewers (two days and
    /// one day before the period ends)…
    pub reviews_escalated: usize,
    /// …and whose period ended, so the HR system reads their outcome.
    pub actions_concluded: usize,
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
                break;
            }
        }
        // A used form token is kept a day: long enough for any reload or
        // retry, and no longer than it must.
        self.store.forget_form_tokens(as_of - jiff::SignedDuration::from_hours(24)).await?;
        self.sweep_hr_actions(as_of, &mut report).await?;
        Ok(report)
    }

    /// A case's deadlines, for a caller who has just shown she may see it.
    pub(crate) async fn deadlines(&self, case: ombud_domain::CaseId) -> Result<Vec<ombud_domain::Deadline>> {
        Ok(deadlines_of(&self.store.deadlines(case).await?))
    }
}

//! The oversight committee's work: dismissals waiting for a sign-off, missed
//! deadlines, moved deadlines, escalations, exclusions and access logs.
//! Every method is on `OversightDesk`, which only an oversight member obtains.
use crate::routing::{AccessEntry, ExclusionView};
use crate::workflow::{ChangeView, change_view, open_change};
use crate::{OversightDesk, Result, ServiceError};
use jiff::Timestamp;
use ombud_crypto::DataKey;
use ombud_domain::{CaseId, CaseRouting, CaseStatus, DeadlineKind, EventKind, ExclusionReason, NamedParty, StaffId};
use ombud_store::*;
use serde::Serialize;
use std::collections::HashMap;

/// What waits on oversight, one list (DECISIONS #14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    /// A restricted case: identify the person accused. Always first.
    RestrictedRouting,
    /// A directory change would let an excluded person back into a case.
    AccessLift,
    /// A dismissal of a sexual harassment or assault case to sign off.
    Dismissal,
    /// A referral elsewhere of such a case to sign off.
    Referral,
    /// A pause past the policy's limit, waiting for approval before it takes effect.
    DeadlinePause,
    /// A case raised by a missed deadline or by the reporter.
    Escalation,
    /// A case past triage that nobody leads: assign someone.
    Unassigned,
}

/// One thing waiting on oversight.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub kind: QueueKind,
    pub case_id: Option<CaseId>,
    pub case_ref: Option<String>,
    pub since: Timestamp,
    pub due: Option<Timestamp>,
    /// For an access lift: who would be let back in, and by which directory
    /// change; for a pause: the deadline change to approve or refuse.
    pub staff_id: Option<StaffId>,
    pub staff_name: Option<String>,
    pub change_id: Option<uuid::Uuid>,
}

impl QueueItem {
    fn case(kind: QueueKind, case: &CaseRecord, since: Timestamp, due: Option<Timestamp>) -> Self {
        QueueItem {
            kind,
            case_id: Some(case.id),
            case_ref: Some(case.reference.clone()),
            since,
            due,
            staff_id: None,
            staff_name: None,
            change_id: None,
        }
    }
}

/// A case raised to oversight and not yet dealt with.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EscalatedCase {
    pub case_id: CaseId,
    pub case_ref: String,
    /// When it was first raised.
    pub since: Timestamp,
    /// Everything missed, the earliest due first.
    pub missed: Vec<Missed>,
}

/// One escalation of a case: why, and which deadline when one was missed.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Missed {
    pub cause: EscalationCause,
    pub deadline: Option<DeadlineKind>,
    pub due: Option<Timestamp>,
    pub at: Timestamp,
}

/// A directory change as oversight reads it: who made it and what waits.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DirectoryChangeView {
    pub id: uuid::Uuid,
    pub at: Timestamp,
    /// command_line, administrator or sync_token.
    pub source: String,
    /// The administrator who made it, or who created the sync token used.
    pub by: Option<String>,
    pub token_label: Option<String>,
    pub people: u64,
    pub lifts_waiting: u64,
}

impl OversightDesk<'_> {
    /// Everything waiting on oversight: restricted cases first (someone must
    /// identify the accused within hours), then the rest by due date, oldest first.
    pub async fn queue(&self, limit: u32) -> Result<Vec<QueueItem>> {
        let session = self.session;
        let mut items = Vec::new();
        for case in self.store.cases_routed(session.id, CaseRouting::Restricted, limit).await? {
            let due = self.store.deadlines(case.id).await?.into_iter().find(|d| d.kind == DeadlineKind::Routing);
            items.push(QueueItem::case(QueueKind::RestrictedRouting, &case, case.received_at, due.map(|d| d.due_at)));
        }
        let names = self.staff_names().await?;
        for lift in self.store.visible_lifts(session.id, limit).await? {
            items.push(QueueItem {
                kind: QueueKind::AccessLift,
                case_id: Some(lift.case_id),
                case_ref: Some(lift.case_ref),
                since: lift.since,
                due: None,
                staff_name: names.get(&lift.staff_id).cloned(),
                staff_id: Some(lift.staff_id),
                change_id: Some(lift.change_id),
            });
        }
        for (status, kind) in
            [(CaseStatus::DismissalPending, QueueKind::Dismissal), (CaseStatus::ReferralPending, QueueKind::Referral)]
        {
            for case in self.store.cases_in_status(session.id, status, limit).await? {
                items.push(QueueItem::case(kind, &case, case.updated_at, None));
            }
        }
        for row in self.store.pending_changes(session.id, limit).await? {
            items.push(QueueItem {
                kind: QueueKind::DeadlinePause,
                case_id: Some(row.change.case_id),
                case_ref: Some(row.case_ref),
                since: row.change.at,
                due: Some(row.change.old_due),
                staff_id: None,
                staff_name: names.get(&row.change.staff).cloned(),
                change_id: Some(row.change.id),
            });
        }
        // One item per escalated case, since its first escalation still open.
        for case in self.escalated_cases(limit).await? {
            items.push(QueueItem {
                kind: QueueKind::Escalation,
                case_id: Some(case.case_id),
                case_ref: Some(case.case_ref),
                since: case.since,
                due: None,
                staff_id: None,
                staff_name: None,
                change_id: None,
            });
        }
        for case in self.store.unassigned_cases(session.id, limit).await? {
            items.push(QueueItem::case(QueueKind::Unassigned, &case, case.updated_at, None));
        }
        items.sort_by_key(|i| (i.kind != QueueKind::RestrictedRouting, i.due.is_none(), i.due, i.since));
        items.truncate(limit as usize);
        Ok(items)
    }

    /// Approves or refuses a pause past the policy's limit that a handler
    /// asked for. Approved, it takes effect as asked (and she is told, with
    /// the reason written for her); refused, nothing moves. A pause whose
    /// deadline was met or ended meanwhile cannot be approved.
    pub async fn decide_pause(&self, change: uuid::Uuid, approve: bool) -> Result<ombud_domain::ChangeState> {
        let session = self.session;
        let pending = self.store.pending_changes(session.id, u32::MAX).await?;
        let row = pending.into_iter().find(|r| r.change.id == change).ok_or(ServiceError::NotFound)?;
        let now = self.clock.now();
        let kind = if approve { EventKind::DeadlineExtended } else { EventKind::PauseRefused };
        let event = EventRecord::new(row.change.case_id, kind, now, Actor::Staff(session.id))
            .with_payload(row.change.id.as_bytes());
        if !self.store.decide_change(change, approve, session.id, now, &event).await? {
            return Err(crate::error::invalid("deadline", "deadline-ended"));
        }
        Ok(if approve { ombud_domain::ChangeState::Applied } else { ombud_domain::ChangeState::Refused })
    }

    /// Approves or refuses letting a staff member back into a case that a
    /// directory change would have opened to her again. Approving re-checks
    /// the rule first: if she is conflicted again by now, she stays out.
    /// Nobody decides her own way back in. Returns whether she was let in.
    pub async fn decide_lift(&self, case_id: CaseId, staff_id: StaffId, approve: bool) -> Result<bool> {
        let session = self.session;
        self.as_staff().case_access(case_id).await?;
        if staff_id == session.id {
            return Err(ServiceError::Forbidden);
        }
        // She may read the case (checked above), so a lift on it is hers to see.
        if !self.store.lift_waits(case_id, staff_id).await? {
            return Err(ServiceError::NotFound);
        }
        if !approve {
            self.store.drop_lift(case_id, staff_id).await?;
            tracing::info!(case = %case_id, "access lift refused by oversight");
            return Ok(false);
        }
        let index = self.directory_index().await?;
        let staff = self.store.list_staff().await?;
        let member = staff.iter().find(|s| s.id == staff_id).ok_or(ServiceError::NotFound)?;
        let case = self.store.case(case_id).await?.ok_or(ServiceError::NotFound)?;
        let parties = crate::Ombud::named_parties(&index, &self.store.case_parties(case_id).await?);
        let current = self.store.exclusions(case_id).await?;
        let declared = current.iter().any(|e| e.staff_id == staff_id && e.reason == ExclusionReason::Declared);
        let reader = self.reader(&index, member, declared)?;
        if self.rule(&index, &parties, &reader, case.routing).is_some() {
            self.store.drop_lift(case_id, staff_id).await?;
            return Ok(false);
        }
        let rows: Vec<ExclusionRow> = current.into_iter().filter(|e| e.staff_id != staff_id).collect();
        let now = self.clock.now();
        let event = EventRecord::new(case_id, EventKind::AccessChanged, now, Actor::Staff(session.id));
        self.store.set_exclusions(case_id, &rows, now, &event).await?;
        tracing::info!(case = %case_id, "access lift approved by oversight");
        Ok(true)
    }

    /// Who changed the directory, newest first.
    pub async fn directory_changes(&self, limit: u32) -> Result<Vec<DirectoryChangeView>> {
        let names = self.staff_names().await?;
        Ok(self
            .store
            .directory_changes(limit)
            .await?
            .into_iter()
            .map(|row| DirectoryChangeView {
                id: row.change.id,
                at: row.change.at,
                source: row.change.source.as_str().to_owned(),
                by: row.by_staff.and_then(|id| names.get(&id).cloned()),
                token_label: row.token_label,
                people: row.change.people,
                lifts_waiting: row.lifts_waiting,
            })
            .collect())
    }

    /// The cases raised to oversight and not yet dealt with, each with
    /// everything that was missed, the most recently raised first.
    pub async fn escalated_cases(&self, limit: u32) -> Result<Vec<EscalatedCase>> {
        let mut cases: Vec<EscalatedCase> = Vec::new();
        for e in self.escalations(limit).await? {
            let missed = Missed {
                cause: e.cause,
                deadline: e.deadline.map(|(kind, _)| kind),
                due: e.deadline.map(|(_, due)| due),
                at: e.created_at,
            };
            match cases.iter_mut().find(|c| c.case_id == e.case_id) {
                Some(c) => {
                    c.since = c.since.min(e.created_at);
                    c.missed.push(missed);
                }
                None => cases.push(EscalatedCase {
                    case_id: e.case_id,
                    case_ref: e.case_ref,
                    since: e.created_at,
                    missed: vec![missed],
                }),
            }
        }
        for c in &mut cases {
            c.missed.sort_by_key(|m| (m.due, m.at));
        }
        Ok(cases)
    }

    /// Marks a case's escalations dealt with, with a note for the committee
    /// (at least a sentence, sealed, on the ledger). Refused when none is open.
    pub async fn resolve_escalation(&self, case_id: CaseId, note: &str) -> Result<u64> {
        let session = self.session;
        let access = self.as_staff().case_access(case_id).await?;
        let note = crate::workflow::sentence("note", note).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let now = self.clock.now();
        let sealed =
            access.key.seal(&crate::workflow::reason_aad(case_id, &case_id.0, "escalation-note"), note.as_bytes())?;
        let event = EventRecord::new(case_id, EventKind::EscalationResolved, now, Actor::Staff(session.id))
            .with_payload(&sealed);
        let resolved = self.store.resolve_escalations(case_id, session.id, now, &sealed, &event).await?;
        if resolved == 0 {
            return Err(ServiceError::invalid_field("note", "nothing-escalated"));
        }
        Ok(resolved)
    }

    /// The oversight committee's queue: escalations of cases she may read.
    pub async fn escalations(&self, limit: u32) -> Result<Vec<EscalationRow>> {
        let session = self.session;
        Ok(self.store.escalations(session.id, limit).await?)
    }

    /// Dismissals waiting for an oversight member's sign-off.
    pub async fn pending_dismissals(&self) -> Result<Vec<CaseRecord>> {
        let session = self.session;
        Ok(self.store.cases_in_status(session.id, CaseStatus::DismissalPending, 500).await?)
    }

    /// Open deadlines past due, escalated or not.
    pub async fn overdue(&self) -> Result<Vec<DueDeadline>> {
        let session = self.session;
        Ok(self.store.overdue(session.id, self.clock.now(), 500).await?)
    }

    /// Every moved deadline with its justification, opened with her key.
    pub async fn deadline_changes(&self) -> Result<Vec<ChangeView>> {
        let session = self.session;
        let mut keys: std::collections::HashMap<CaseId, DataKey> = std::collections::HashMap::new();
        let mut out = Vec::new();
        for row in self.store.recent_deadline_changes(session.id, 500).await? {
            let c = row.change;
            let key = match keys.get(&c.case_id) {
                Some(k) => k.clone(),
                None => match self.as_staff().case_access(c.case_id).await {
                    Ok(access) => {
                        keys.insert(c.case_id, access.key.clone());
                        access.key
                    }
                    // Access still pending: show the change without its texts.
                    Err(ServiceError::AccessPending) => {
                        out.push(change_view(row.case_ref, row.deadline_kind, &c, String::new(), String::new()));
                        continue;
                    }
                    Err(e) => return Err(e),
                },
            };
            let (justification, for_her) = open_change(&key, &c)?;
            out.push(change_view(row.case_ref, row.deadline_kind, &c, justification, for_her));
        }
        Ok(out)
    }

    /// Who opened the case, downloaded a file or revealed an identity, and
    /// when: for oversight, on any case it may read. Reads by someone who has
    /// since been excluded come first, newest first; then every read in order.
    pub async fn access_log(&self, case_id: CaseId) -> Result<Vec<AccessEntry>> {
        let session = self.session;
        self.store.access(case_id, session.id).await?.ok_or(ServiceError::NotFound)?;
        let names = self.staff_names().await?;
        let exclusions = self.store.exclusions(case_id).await?;
        let mut entries: Vec<AccessEntry> = self
            .store
            .events(case_id)
            .await?
            .into_iter()
            .filter(|e| e.kind.is_access())
            .map(|e| {
                let staff_id = match e.actor {
                    Actor::Staff(id) => Some(id),
                    _ => None,
                };
                let excluded_at =
                    exclusions.iter().find(|x| Some(x.staff_id) == staff_id && x.at >= e.at).map(|x| x.at);
                AccessEntry {
                    at: e.at,
                    action: e.kind,
                    staff_id,
                    staff_name: staff_id.and_then(|id| names.get(&id).cloned()),
                    excluded_at,
                }
            })
            .collect();
        // Stable: the excluded's reads first (newest first), the rest as they happened.
        entries.sort_by_key(|e| (e.excluded_at.is_none(), e.excluded_at.map(|_| std::cmp::Reverse(e.at))));
        Ok(entries)
    }

    /// The access log read as a person reads it: for each staff member and
    /// kind of access, how many, the first and the last; the reads of
    /// anyone excluded since come first, then the most recent.
    pub async fn access_summary(&self, case_id: CaseId) -> Result<Vec<AccessSummary>> {
        Ok(summarize_access(&self.access_log(case_id).await?))
    }

    /// Every exclusion on cases an oversight member may read, with its reason.
    pub async fn exclusions(&self, limit: u32) -> Result<Vec<ExclusionView>> {
        let session = self.session;
        let staff = self.store.list_staff().await?;
        let index = self.directory_index().await?;
        let mut parties: HashMap<CaseId, Vec<NamedParty>> = HashMap::new();
        let mut events: HashMap<CaseId, Vec<EventRecord>> = HashMap::new();
        let mut out = Vec::new();
        for row in self.store.visible_exclusions(session.id, limit).await? {
            let e = row.exclusion;
            let member = staff.iter().find(|s| s.id == e.staff_id);
            let mut reason = e.reason;
            // Only "conflict" is kept at rest; the rule names the relation again now.
            if let (ExclusionReason::Conflict, Some(member)) = (reason, member) {
                if let std::collections::hash_map::Entry::Vacant(slot) = parties.entry(e.case_id) {
                    slot.insert(crate::Ombud::named_parties(&index, &self.store.case_parties(e.case_id).await?));
                }
                let named = parties.get(&e.case_id).map_or(&[][..], Vec::as_slice);
                let reader = self.reader(&index, member, false)?;
                let routing = self.store.case(e.case_id).await?.map_or(CaseRouting::Restricted, |c| c.routing);
                reason = self.rule(&index, named, &reader, routing).unwrap_or(reason);
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = events.entry(e.case_id) {
                slot.insert(self.store.events(e.case_id).await?);
            }
            let read_at = events.get(&e.case_id).and_then(|list| last_read_before(list, e.staff_id, e.at));
            out.push(ExclusionView {
                case_id: e.case_id,
                case_ref: row.case_ref,
                staff_id: e.staff_id,
                staff_name: member.map(|m| m.name.clone()).unwrap_or_default(),
                reason,
                at: e.at,
                read_at,
            });
        }
        Ok(out)
    }
}

/// When a staff member last read a case (opened it, a file, or the reporter's
/// identity) up to a moment.
fn last_read_before(events: &[EventRecord], staff: StaffId, until: jiff::Timestamp) -> Option<jiff::Timestamp> {
    events
        .iter()
        .filter(|ev| ev.kind.is_access() && ev.actor == Actor::Staff(staff) && ev.at <= until)
        .map(|ev| ev.at)
        .max()
}

/// One person's accesses of one kind to a case.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AccessSummary {
    pub staff_id: Option<StaffId>,
    pub staff_name: Option<String>,
    pub action: EventKind,
    pub count: u64,
    pub first: Timestamp,
    pub last: Timestamp,
    /// She was excluded from the case after these reads.
    pub excluded_at: Option<Timestamp>,
}

/// Sixty "opened the case" from one handler are one line that says sixty.
pub fn summarize_access(entries: &[AccessEntry]) -> Vec<AccessSummary> {
    let mut out: Vec<AccessSummary> = Vec::new();
    for e in entries {
        match out.iter_mut().find(|s| s.staff_id == e.staff_id && s.action == e.action) {
            Some(s) => {
                s.count += 1;
                s.first = s.first.min(e.at);
                s.last = s.last.max(e.at);
                s.excluded_at = s.excluded_at.or(e.excluded_at);
            }
            None => out.push(AccessSummary {
                staff_id: e.staff_id,
                staff_name: e.staff_name.clone(),
                action: e.action,
                count: 1,
                first: e.at,
                last: e.at,
                excluded_at: e.excluded_at,
            }),
        }
    }
    out.sort_by_key(|s| (s.excluded_at.is_none(), std::cmp::Reverse(s.last)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_reads_by_one_person_are_one_line_and_the_excluded_come_first() {
        let at = |s: i64| Timestamp::from_second(s).expect("time");
        let (handler, excluded) = (StaffId::new(), StaffId::new());
        let mut entries: Vec<AccessEntry> = (0..60)
            .map(|n| AccessEntry {
                at: at(100 + n),
                action: EventKind::OpenedByStaff,
                staff_id: Some(handler),
                staff_name: Some("Wang Fang".into()),
                excluded_at: None,
            })
            .collect();
        entries.push(AccessEntry {
            at: at(50),
            action: EventKind::OpenedByStaff,
            staff_id: Some(excluded),
            staff_name: Some("Zhao Lei".into()),
            excluded_at: Some(at(60)),
        });
        let summary = summarize_access(&entries);
        assert_eq!(summary.len(), 2);
        assert_eq!((summary[0].staff_name.as_deref(), summary[0].excluded_at), (Some("Zhao Lei"), Some(at(60))));
        assert_eq!((summary[1].count, summary[1].first, summary[1].last), (60, at(100), at(159)));
    }
}

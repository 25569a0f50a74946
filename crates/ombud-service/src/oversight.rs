//! The oversight committee's work: dismissals waiting for a sign-off, missed
//! deadlines, moved deadlines, escalations, exclusions and access logs.
//! Every method is on `OversightDesk`, which only an oversight member obtains.
use crate::routing::{AccessEntry, ExclusionView};
use crate::workflow::{ChangeView, change_view, open_change};
use crate::{OversightDesk, Result, ServiceError};
use ombud_crypto::DataKey;
use ombud_domain::{CaseId, CaseStatus, ExclusionReason, NamedParty, StaffId, exclusion};
use ombud_store::*;
use std::collections::HashMap;

impl OversightDesk<'_> {
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
    /// when: for oversight, on any case it may read.
    pub async fn access_log(&self, case_id: CaseId) -> Result<Vec<AccessEntry>> {
        let session = self.session;
        self.store.access(case_id, session.id).await?.ok_or(ServiceError::NotFound)?;
        let names: HashMap<StaffId, String> =
            self.store.list_staff().await?.into_iter().map(|s| (s.id, s.name)).collect();
        Ok(self
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
                AccessEntry {
                    at: e.at,
                    action: e.kind,
                    staff_id,
                    staff_name: staff_id.and_then(|id| names.get(&id).cloned()),
                }
            })
            .collect())
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
                reason = exclusion(&self.config.conflict, &index.chart, named, &reader).unwrap_or(reason);
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

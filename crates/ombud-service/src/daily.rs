//! A handler's daily work: who works on a case (a lead investigator and a
//! team, chosen among its readers), notes among its readers that she never
//! sees, and labels from the organisation's list. Each change is on the ledger.

use crate::callers::CaseAccess;
use crate::sealing::{open_json, seal_json};
use crate::workflow::{optional, reason_aad, sentence};
use crate::{Result, ServiceError, StaffDesk};
use jiff::Timestamp;
use ombud_domain::{CaseId, EventKind, FieldError, MAX_MESSAGE_CHARS, StaffId};
use ombud_store::{Actor, Assignment, EventRecord, SealedEntry, StaffRecord};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The most people on one case's team.
pub const MAX_TEAM: usize = 20;

/// A staff member as a colleague sees her: enough to tell who it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StaffRef {
    pub id: StaffId,
    pub name: String,
    pub email: String,
}

impl From<&StaffRecord> for StaffRef {
    fn from(s: &StaffRecord) -> Self {
        StaffRef { id: s.id, name: s.name.clone(), email: s.email.clone() }
    }
}

/// Who works on a case now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AssignmentView {
    /// The lead investigator; null while nobody leads the case.
    pub lead: Option<StaffRef>,
    pub team: Vec<StaffRef>,
}

/// What a change of assignment asks for: lead and team each by email or
/// staff id; no lead hands the case back, which needs a reason.
pub struct AssignmentRequest<'a> {
    pub lead: Option<&'a str>,
    pub team: Vec<&'a str>,
    pub reason: &'a str,
}

/// One change of who works on a case, as sealed and as the case page lists it.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssignmentChange {
    pub lead: Option<StaffId>,
    pub team: Vec<StaffId>,
    pub reason: Option<String>,
}

/// A change, shown: when, by whom, to whom, why.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AssignmentChangeView {
    pub at: Timestamp,
    pub by: Option<String>,
    pub lead: Option<String>,
    pub team: Vec<String>,
    pub reason: Option<String>,
}

/// A note among the case's readers.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct NoteView {
    pub id: uuid::Uuid,
    pub at: Timestamp,
    pub by: Option<String>,
    pub body: String,
}

/// What only the case's readers see of it: who works on it and how that
/// changed, their notes, its labels. Never part of her view.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct StaffSide {
    pub assignment: AssignmentView,
    pub assignment_history: Vec<AssignmentChangeView>,
    pub notes: Vec<NoteView>,
    pub labels: Vec<String>,
}

impl StaffDesk<'_> {
    /// What only the readers see of a case, opened with its key.
    /// The staff list is read once for all of it: opening a case is the hot path.
    pub(crate) async fn staff_side(&self, case_id: CaseId, key: &ombud_crypto::DataKey) -> Result<StaffSide> {
        let staff = self.store.list_staff().await?;
        let names: HashMap<StaffId, String> = staff.iter().map(|s| (s.id, s.name.clone())).collect();
        Ok(StaffSide {
            assignment: self.assignment_among(case_id, &staff).await?,
            assignment_history: self.assignment_history(case_id, key, &names).await?,
            notes: self.notes(case_id, key, &names).await?,
            labels: self.store.labels(case_id).await?,
        })
    }

    /// Who works on a case she may read.
    pub async fn assignment(&self, case_id: CaseId) -> Result<AssignmentView> {
        self.require_reader(case_id).await?;
        self.assignment_among(case_id, &self.store.list_staff().await?).await
    }

    async fn assignment_among(&self, case_id: CaseId, staff: &[StaffRecord]) -> Result<AssignmentView> {
        let mut view = AssignmentView::default();
        for a in self.store.assignees(case_id).await? {
            let Some(s) = staff.iter().find(|s| s.id == a.staff) else { continue };
            if a.lead { view.lead = Some(s.into()) } else { view.team.push(s.into()) }
        }
        Ok(view)
    }

    /// Who may be put on a case: its readers who work cases.
    pub async fn assignable(&self, case_id: CaseId) -> Result<Vec<StaffRef>> {
        self.require_reader(case_id).await?;
        let readers = self.store.readers(case_id).await?;
        let mut staff: Vec<StaffRef> = self
            .store
            .list_staff()
            .await?
            .iter()
            .filter(|s| readers.contains(&s.id) && ombud_domain::assignable(s.role))
            .map(StaffRef::from)
            .collect();
        staff.sort_by(|a, b| a.name.cmp(&b.name).then(a.email.cmp(&b.email)));
        Ok(staff)
    }

    /// Changes who works on a case: an oversight member or the lead names
    /// anyone who may read it; a handler takes a case nobody leads; the lead
    /// hands it back with a reason. Nobody outside the case's readers is
    /// ever named: the conflict rule decided who reads it, and assignment
    /// only chooses among them.
    pub async fn assign(&self, case_id: CaseId, req: &AssignmentRequest<'_>) -> Result<AssignmentView> {
        let session = self.session;
        let CaseAccess { key, .. } = self.case_access(case_id).await?;
        let current = self.store.assignees(case_id).await?;
        let current_lead = current.iter().find(|a| a.lead).map(|a| a.staff);
        let candidates = self.assignable(case_id).await?;
        let mut errors = Vec::new();
        let lead = match req.lead.map(str::trim).filter(|l| !l.is_empty()) {
            Some(who) => find_colleague(&candidates, who, "lead", &mut errors),
            None => None,
        };
        let mut team = Vec::new();
        for (n, who) in req.team.iter().map(|w| w.trim()).filter(|w| !w.is_empty()).enumerate() {
            if let Some(id) = find_colleague(&candidates, who, &format!("team.{n}"), &mut errors)
                && Some(id) != lead
                && !team.contains(&id)
            {
                team.push(id);
            }
        }
        if team.len() > MAX_TEAM {
            errors.push(FieldError { field: "team".into(), code: "too-many" });
        }
        // Handing back leaves the case to oversight's queue: someone must know why.
        let handing_back = lead.is_none() && current_lead.is_some();
        let reason = if handing_back {
            sentence("reason", req.reason).map(Some)
        } else {
            optional("reason", req.reason, MAX_MESSAGE_CHARS)
        }
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let takes_lead_herself = lead == Some(session.id) && current_lead.is_none();
        if !ombud_domain::may_assign(
            session.role,
            current_lead == Some(session.id),
            current_lead.is_some(),
            takes_lead_herself,
        ) {
            return Err(ServiceError::Forbidden);
        }
        let now = self.clock.now();
        let id = uuid::Uuid::now_v7();
        let change = AssignmentChange { lead, team: team.clone(), reason };
        let sealed = seal_json(&key, &reason_aad(case_id, &id, "assignment"), &change)?;
        let event = EventRecord::new(case_id, EventKind::Assigned, now, Actor::Staff(session.id)).with_payload(&sealed);
        let entry = SealedEntry { id, case_id, created_at: now, staff: session.id, sealed };
        let assignment = Assignment { case_id, lead, team, change: entry, event };
        if !self.store.set_assignment(&assignment).await? {
            // Someone named lost the case between the check and the write.
            return Err(ServiceError::invalid_field("lead", "not-a-reader"));
        }
        tracing::info!(case = %case_id, "assignment changed");
        self.assignment(case_id).await
    }

    /// Every change of who worked on a case, oldest first.
    async fn assignment_history(
        &self,
        case_id: CaseId,
        key: &ombud_crypto::DataKey,
        names: &HashMap<StaffId, String>,
    ) -> Result<Vec<AssignmentChangeView>> {
        let name = |id: &StaffId| names.get(id).cloned();
        let mut out = Vec::new();
        for e in self.store.assignment_changes(case_id).await? {
            let c: AssignmentChange = open_json(key, &reason_aad(case_id, &e.id, "assignment"), &e.sealed)?;
            out.push(AssignmentChangeView {
                at: e.created_at,
                by: name(&e.staff),
                lead: c.lead.as_ref().and_then(name),
                team: c.team.iter().filter_map(name).collect(),
                reason: c.reason,
            });
        }
        Ok(out)
    }

    /// A note for the case's readers: sealed like every item, never shown to her.
    pub async fn add_note(&self, case_id: CaseId, body: &str) -> Result<uuid::Uuid> {
        let session = self.session;
        let CaseAccess { case, key } = self.case_access(case_id).await?;
        self.require_case_worker(&case).await?;
        let body =
            crate::workflow::required("body", body, MAX_MESSAGE_CHARS).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let now = self.clock.now();
        let id = uuid::Uuid::now_v7();
        let sealed = key.seal(&reason_aad(case_id, &id, "note"), body.as_bytes())?;
        let event =
            EventRecord::new(case_id, EventKind::NoteAdded, now, Actor::Staff(session.id)).with_payload(&sealed);
        self.store.add_note(&SealedEntry { id, case_id, created_at: now, staff: session.id, sealed }, &event).await?;
        Ok(id)
    }

    async fn notes(
        &self,
        case_id: CaseId,
        key: &ombud_crypto::DataKey,
        names: &HashMap<StaffId, String>,
    ) -> Result<Vec<NoteView>> {
        let mut out = Vec::new();
        for n in self.store.notes(case_id).await? {
            let body = key.open(&reason_aad(case_id, &n.id, "note"), &n.sealed)?;
            out.push(NoteView {
                id: n.id,
                at: n.created_at,
                by: names.get(&n.staff).cloned(),
                body: String::from_utf8(body).map_err(|_| ombud_crypto::CryptoError::Malformed)?,
            });
        }
        Ok(out)
    }

    /// Puts exactly these labels on a case, from the organisation's list.
    pub async fn set_labels(&self, case_id: CaseId, labels: &[&str]) -> Result<Vec<String>> {
        let session = self.session;
        let CaseAccess { case, .. } = self.case_access(case_id).await?;
        self.require_case_worker(&case).await?;
        let mut chosen: Vec<String> = Vec::new();
        for (n, label) in labels.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).enumerate() {
            if !self.config.labels.iter().any(|l| l.key == label) {
                return Err(ServiceError::Invalid(vec![FieldError {
                    field: format!("labels.{n}"),
                    code: "invalid-choice",
                }]));
            }
            if !chosen.iter().any(|c| c == label) {
                chosen.push(label.to_owned());
            }
        }
        chosen.sort();
        let now = self.clock.now();
        let event = EventRecord::new(case_id, EventKind::LabelsChanged, now, Actor::Staff(session.id))
            .with_payload(chosen.join("\n").as_bytes());
        self.store.set_labels(case_id, &chosen, now, &event).await?;
        Ok(chosen)
    }

    /// NotFound unless she may read the case (without opening it).
    pub(crate) async fn require_reader(&self, case_id: CaseId) -> Result<()> {
        self.store.access(case_id, self.session.id).await?.map(|_| ()).ok_or(ServiceError::NotFound)
    }
}

/// A colleague named by email (any case) or staff id, among those who may
/// work the case; the problem is named by its field otherwise.
fn find_colleague(candidates: &[StaffRef], who: &str, field: &str, errors: &mut Vec<FieldError>) -> Option<StaffId> {
    let found = candidates.iter().find(|s| s.email.eq_ignore_ascii_case(who) || s.id.to_string() == who);
    if found.is_none() {
        errors.push(FieldError { field: field.to_owned(), code: "not-a-reader" });
    }
    found.map(|s| s.id)
}

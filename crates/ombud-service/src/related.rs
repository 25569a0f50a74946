//! Cases that belong together. A reader sees a case as related only when
//! she may read both: because both name the same confirmed person (found
//! through identity tokens, never by opening other cases), or because a
//! reader linked them with a reason. Oversight sees the people named as
//! accused in three cases or more, each only by a member who may read every
//! one of those cases.

use crate::callers::CaseAccess;
use crate::directory_index::DirectoryIndex;
use crate::workflow::reason_aad;
use crate::{OversightDesk, Result, ServiceError, StaffDesk};
use jiff::Timestamp;
use ombud_domain::{CaseId, CaseStatus, Category, EventKind, FieldError, MAX_MESSAGE_CHARS, PersonRole};
use ombud_store::{Actor, CaseFilter, CaseLinkRow, EventRecord, ReferenceSearch};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How many cases must name a person as accused for oversight's list.
pub const REPEAT_MIN_CASES: u32 = 3;

/// A link a reader made, as the reader of this case reads it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LinkView {
    pub id: uuid::Uuid,
    pub at: Timestamp,
    pub by: Option<String>,
    pub reason: String,
}

/// A case related to the one being read, and why.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RelatedCase {
    pub case_id: CaseId,
    pub case_ref: String,
    pub status: CaseStatus,
    pub category: Category,
    /// The people both cases name, by their directory names (she may read
    /// both cases, and each names them).
    pub people: Vec<String>,
    /// The links readers made between the two, with their reasons.
    pub links: Vec<LinkView>,
}

/// A case on the repeat-respondent list that this oversight member may read.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CaseRef {
    pub case_id: CaseId,
    pub case_ref: String,
    pub status: CaseStatus,
}

/// A person named as accused in three cases or more, every one of which
/// this member may read.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RepeatRespondent {
    /// An opaque id, the same on every reading (a fingerprint of one of
    /// the person's identity tokens).
    pub person: String,
    /// The directory name (none when the person left the directory).
    pub name: Option<String>,
    /// How many cases name the person as accused.
    pub cases: u32,
    /// The first and the last of those cases to arrive.
    pub first: Timestamp,
    pub last: Timestamp,
    /// The cases.
    pub readable: Vec<CaseRef>,
}

impl StaffDesk<'_> {
    /// The cases related to this one that she may read, most recent first:
    /// those naming a confirmed person this one names, and those linked.
    pub async fn related_cases(&self, case_id: CaseId) -> Result<Vec<RelatedCase>> {
        let CaseAccess { key, .. } = self.case_access(case_id).await?;
        let me = self.session.id;
        let index = self.directory_index().await?;
        let mut people: BTreeMap<CaseId, BTreeSet<String>> = BTreeMap::new();
        for (other, token) in self.store.cases_sharing_people(case_id, me).await? {
            let name = person_of(&index, &token).map(|p| p.name.clone());
            people.entry(other).or_default().extend(name);
        }
        let case_links = self.store.case_links(case_id, me).await?;
        // Staff names only when a link says who made it: the case page reads this on every view.
        let names = if case_links.is_empty() { Default::default() } else { self.staff_names().await? };
        let mut links: BTreeMap<CaseId, Vec<LinkView>> = BTreeMap::new();
        for l in case_links {
            let sealed = l.sealed_for(case_id);
            let reason = crate::workflow::utf8(key.open(&reason_aad(case_id, &l.id, "case-link"), sealed)?)?;
            let view = LinkView { id: l.id, at: l.created_at, by: names.get(&l.staff).cloned(), reason };
            links.entry(l.other(case_id)).or_default().push(view);
            people.entry(l.other(case_id)).or_default();
        }
        let mut out = Vec::new();
        for (other, named) in people {
            let Some(case) = self.store.case(other).await? else { continue };
            out.push((
                case.received_at,
                RelatedCase {
                    case_id: other,
                    case_ref: case.reference,
                    status: case.status,
                    category: case.category,
                    people: named.into_iter().collect(),
                    links: links.remove(&other).unwrap_or_default(),
                },
            ));
        }
        // Most recent first: by when each arrived (a reference says nothing of that).
        out.sort_by_key(|(received, _)| std::cmp::Reverse(*received));
        Ok(out.into_iter().map(|(_, related)| related).collect())
    }

    /// Links this case to another she may read, named by its reference,
    /// with a reason both cases' readers see. A case she may not read is
    /// answered as one that does not exist; a pair linked already says so.
    pub async fn link_case(&self, case_id: CaseId, reference: &str, reason: &str) -> Result<uuid::Uuid> {
        let session = self.session;
        let CaseAccess { key, .. } = self.case_access(case_id).await?;
        let mut errors = Vec::new();
        let reason = crate::workflow::required("reason", reason, MAX_MESSAGE_CHARS).map_err(|e| errors.push(e)).ok();
        let other = self.readable_by_reference(reference).await?;
        match other {
            None => errors.push(field("reference", "unknown-case")),
            Some(other) if other == case_id => errors.push(field("reference", "same-case")),
            Some(_) => {}
        }
        let (Some(reason), Some(other), true) = (reason, other, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let CaseAccess { key: other_key, .. } = self.case_access(other).await?;
        let id = uuid::Uuid::now_v7();
        let now = self.clock.now();
        let sealed_here = key.seal(&reason_aad(case_id, &id, "case-link"), reason.as_bytes())?;
        let sealed_there = other_key.seal(&reason_aad(other, &id, "case-link"), reason.as_bytes())?;
        let events = [(case_id, &sealed_here), (other, &sealed_there)].map(|(case, sealed)| {
            EventRecord::new(case, EventKind::CasesLinked, now, Actor::Staff(session.id)).with_payload(sealed)
        });
        let ((case_a, sealed_a), (case_b, sealed_b)) = if case_id < other {
            ((case_id, sealed_here), (other, sealed_there))
        } else {
            ((other, sealed_there), (case_id, sealed_here))
        };
        let link = CaseLinkRow { id, case_a, case_b, created_at: now, staff: session.id, sealed_a, sealed_b };
        if !self.store.link_cases(&link, &events).await? {
            return Err(ServiceError::Invalid(vec![field("reference", "already-linked")]));
        }
        tracing::info!(case = %case_id, "cases linked");
        Ok(id)
    }

    /// The case with this whole reference, if she may read it.
    async fn readable_by_reference(&self, reference: &str) -> Result<Option<CaseId>> {
        let Some(whole @ ReferenceSearch::Whole(_)) = crate::inbox::reference_search(reference) else {
            return Ok(None);
        };
        let filter = CaseFilter { reference: Some(whole), ..CaseFilter::default() };
        Ok(self.store.search_cases(self.session.id, &filter, 1).await?.first().map(|e| e.case.id))
    }
}

impl OversightDesk<'_> {
    /// The people named as accused in at least three cases, most cases
    /// first. Only confirmed people count (a unique match, or someone a
    /// person identified), never a candidate kept out to fail closed. A
    /// person is listed only to a member who may read every case counted:
    /// a count that took in a case she is kept out of would tell her that
    /// case exists, so she sees nothing of the person, and the members who
    /// read them all see the whole line.
    pub async fn repeat_respondents(&self) -> Result<Vec<RepeatRespondent>> {
        let index = self.directory_index().await?;
        // One group per person: her tokens lead to the same directory
        // person, or (no longer in the directory) are the same token.
        let mut groups: BTreeMap<String, (Vec<u8>, BTreeSet<CaseId>)> = BTreeMap::new();
        for (token, case) in self.store.repeat_named(PersonRole::Accused, REPEAT_MIN_CASES).await? {
            let key = person_of(&index, &token).map_or_else(|| hex(&token), |p| format!("id:{}", p.employee_id));
            let group = groups.entry(key).or_insert_with(|| (token.clone(), BTreeSet::new()));
            if token < group.0 {
                group.0 = token;
            }
            group.1.insert(case);
        }
        let mut out = Vec::new();
        for (key, (token, cases)) in groups {
            let ids: Vec<CaseId> = cases.iter().copied().collect();
            let readable_ids = self.store.readable_cases(self.session.id, &ids).await?;
            let mut readable = Vec::new();
            let (mut first, mut last) = (Timestamp::MAX, Timestamp::MIN);
            for id in &ids {
                let Some(case) = self.store.case(*id).await? else { continue };
                first = first.min(case.received_at);
                last = last.max(case.received_at);
                if readable_ids.contains(id) {
                    readable.push(CaseRef { case_id: case.id, case_ref: case.reference, status: case.status });
                }
            }
            if readable.len() != ids.len() {
                continue;
            }
            let name = key.strip_prefix("id:").and_then(|id| index.people.get(id)).map(|p| p.name.clone());
            out.push(RepeatRespondent {
                person: format!("P-{}", &hex(&token)[..12]),
                name,
                cases: ids.len() as u32,
                first,
                last,
                readable,
            });
        }
        out.sort_by(|a, b| b.cases.cmp(&a.cases).then(b.last.cmp(&a.last)));
        Ok(out)
    }
}

fn person_of<'a>(index: &'a DirectoryIndex, token: &[u8]) -> Option<&'a ombud_store::PersonRecord> {
    index.person_of_token(token)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn field(name: &str, code: &'static str) -> FieldError {
    FieldError { field: name.to_owned(), code }
}

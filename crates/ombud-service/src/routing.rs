//! Conflict-of-interest routing: who may read each case, kept true as the
//! directory, the staff and the people named in a case change. The rule is
//! `ombud_domain::exclusion`; this module feeds it and applies its answer.
//!
//! People named in a case are kept beside it only as identity tokens (keyed
//! hashes of employee ids and emails). The service maps tokens back to the
//! directory in memory, with the instance secret the database never holds.

use crate::Ombud;
use crate::StaffDesk;
use crate::callers::CaseAccess;
use crate::directory_index::DirectoryIndex;
use crate::error::invalid;
use crate::sealing::{open_json, parties_aad, seal_json};
use crate::{Result, ServiceError};
use jiff::Timestamp;
use ombud_crypto::DataKey;
use ombud_domain::{
    CaseId, CaseRouting, EventKind, ExclusionReason, Lifting, MatchHow, NamedParty, Person, Reader, Role, StaffId,
    exclusion, keep_an_independent_reader,
};
use ombud_store::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Who one named person is taken to be; sealed under the case key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartyMatch {
    pub position: u32,
    pub employee_id: Option<String>,
    pub how: MatchHow,
    pub confirmed_by: Option<StaffId>,
    pub confirmed_at: Option<Timestamp>,
}

/// A named person as a handler sees her during triage.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PartyView {
    pub position: u32,
    pub name: String,
    pub role: ombud_domain::PersonRole,
    pub internal: bool,
    pub given_employee_id: Option<String>,
    pub given_email: Option<String>,
    pub matched: Option<MatchedPerson>,
    pub how: MatchHow,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<Timestamp>,
    /// Who in the directory the name she wrote could be, for a reader to
    /// pick from while nobody has confirmed who it is.
    pub candidates: Vec<MatchedPerson>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MatchedPerson {
    pub employee_id: String,
    pub name: String,
    pub unit: String,
    pub level: i64,
}

impl From<&PersonRecord> for MatchedPerson {
    fn from(d: &PersonRecord) -> Self {
        MatchedPerson { employee_id: d.employee_id.clone(), name: d.name.clone(), unit: d.unit.clone(), level: d.level }
    }
}

/// The most people a directory search or a name's suggestions list.
pub const MAX_FOUND: usize = 20;

/// A handler's confirmation or correction of one match.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MatchInput {
    /// The directory person she is; empty with `internal: false` for an outsider.
    pub employee_id: Option<String>,
    pub internal: bool,
    /// Oversight only: nobody can tell who this colleague is. The case stays
    /// with oversight.
    pub unidentified: bool,
}

/// One line of a case's access log.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AccessEntry {
    pub at: Timestamp,
    /// opened_by_staff, file_downloaded or identity_revealed.
    pub action: EventKind,
    pub staff_id: Option<StaffId>,
    pub staff_name: Option<String>,
    /// When she was excluded from the case after this read: what someone now
    /// kept out may already know. These reads come first in the log.
    pub excluded_at: Option<Timestamp>,
}

/// An exclusion as oversight sees it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ExclusionView {
    pub case_id: CaseId,
    pub case_ref: String,
    pub staff_id: StaffId,
    pub staff_name: String,
    pub reason: ExclusionReason,
    pub at: Timestamp,
    /// When she last opened the case (or a file, or the reporter's identity)
    /// before she was excluded: what she may already know.
    pub read_at: Option<Timestamp>,
}

/// What intake writes for routing: parties, their sealed match and exclusions.
pub(crate) struct IntakeRouting {
    pub parties: Vec<CasePartyRow>,
    pub sealed_matches: Vec<u8>,
    pub exclusions: Vec<ExclusionRow>,
    pub routing: CaseRouting,
}

/// Whether the people she named leave the case's readers unsettled. A person
/// who brings a chain (the accused, or someone whose part she left out) and
/// whom she did not place outside, whom no id, email or single whole name in
/// the directory leads to, restricts the case to oversight: nobody can tell
/// for sure whose chain to keep out. Everyone she could mean is kept out
/// meanwhile (their chains too), and a member settles who he is. One that
/// oversight recorded as unidentifiable keeps the case with oversight.
fn routing_of(people: &[Person], matches: &[PartyMatch]) -> CaseRouting {
    let mut routing = CaseRouting::Decided;
    for m in matches {
        let Some(p) = people.get(m.position as usize) else { continue };
        if !p.role.brings_chain() || !p.inside() {
            continue;
        }
        match m.how {
            MatchHow::Unmatched => return CaseRouting::Restricted,
            MatchHow::Unidentified => routing = CaseRouting::Oversight,
            _ => {}
        }
    }
    routing
}

impl Ombud {
    /// The directory as of its latest revision (one small query when unchanged).
    pub(crate) async fn directory_index(&self) -> Result<Arc<DirectoryIndex>> {
        let rev = self.store.directory_revision().await?;
        if let Some(index) = self.directory_cache.lock().map_err(|_| poisoned())?.as_ref()
            && index.rev == rev
        {
            return Ok(index.clone());
        }
        let index = Arc::new(DirectoryIndex::build(rev, self.store.directory().await?, &self.keys)?);
        *self.directory_cache.lock().map_err(|_| poisoned())? = Some(index.clone());
        Ok(index)
    }

    /// Identity tokens of a person: by employee id and by email.
    fn tokens(&self, employee_id: Option<&str>, email: Option<&str>) -> Result<BTreeSet<Vec<u8>>> {
        let mut out = BTreeSet::new();
        if let Some(id) = employee_id.map(str::trim).filter(|s| !s.is_empty()) {
            out.insert(self.keys.person_by_employee_id(id)?.to_vec());
        }
        if let Some(email) = email.map(str::trim).filter(|s| !s.is_empty()) {
            out.insert(self.keys.person_by_email(email)?.to_vec());
        }
        Ok(out)
    }

    /// The tokens of a directory person: her employee id, her email, and
    /// any other identifier a sync client gave her (DECISIONS #6).
    pub(crate) fn person_tokens(&self, person: &PersonRecord) -> Result<BTreeSet<Vec<u8>>> {
        let mut tokens = self.tokens(None, Some(&person.email))?;
        for id in crate::directory_index::identifiers(person) {
            tokens.extend(self.tokens(Some(id), None)?);
        }
        Ok(tokens)
    }

    /// Matches the people of a new report to the directory: by employee id,
    /// then email, then a name only one person has. Outsiders stay outside.
    fn match_parties(&self, index: &DirectoryIndex, people: &[Person]) -> Vec<PartyMatch> {
        people
            .iter()
            .enumerate()
            .map(|(position, p)| {
                let (employee_id, how) = if !p.inside() {
                    (None, MatchHow::External)
                } else if let Some(found) = p.employee_id.as_deref().and_then(|id| index.by_employee_id(id)) {
                    (Some(found.employee_id.clone()), MatchHow::EmployeeId)
                } else if let Some(found) = p.email.as_deref().and_then(|e| index.linked(e)) {
                    (Some(found.to_owned()), MatchHow::Email)
                } else {
                    // A single whole-name match, in any script or order, is a
                    // suggestion a handler confirms; anything less is unmatched.
                    match index.names.confident(&p.name) {
                        Some(only) => (Some(only.to_owned()), MatchHow::Name),
                        None => (None, MatchHow::Unmatched),
                    }
                };
                PartyMatch { position: position as u32, employee_id, how, confirmed_by: None, confirmed_at: None }
            })
            .collect()
    }

    /// The stored rows for the people of a case: the matched person's tokens
    /// plus whatever id and email the reporter gave (unless a handler
    /// corrected the match), so that someone joining the directory later, or
    /// a staff member outside it, is still recognised.
    fn party_rows(
        &self,
        index: &DirectoryIndex,
        people: &[Person],
        matches: &[PartyMatch],
    ) -> Result<Vec<CasePartyRow>> {
        let mut rows = Vec::new();
        for m in matches {
            let Some(person) = people.get(m.position as usize) else { continue };
            let role = person.role;
            // Fail closed: until a person confirms who she meant, everyone she
            // could mean is named, and every one's chain is kept out. That
            // holds too when the id or email she gave leads to someone her
            // name for him does not: either may be the slip.
            let candidates = if person.inside() { index.names.candidates(&person.name) } else { Vec::new() };
            let given_disagrees = matches!(m.how, MatchHow::EmployeeId | MatchHow::Email)
                && !candidates.is_empty()
                && !candidates.iter().any(|(id, _)| Some(*id) == m.employee_id.as_deref());
            // Each token, and whether it is the person a unique match or a
            // person identified (only those relate cases and count as
            // repeat respondents; a candidate never does).
            let mut tokens: BTreeMap<Vec<u8>, bool> = BTreeMap::new();
            if let Some(found) = m.employee_id.as_deref().and_then(|id| index.people.get(id)) {
                let confirmed = !given_disagrees
                    && matches!(m.how, MatchHow::EmployeeId | MatchHow::Email | MatchHow::Name | MatchHow::Handler);
                tokens.extend(self.person_tokens(found)?.into_iter().map(|t| (t, confirmed)));
            }
            let mut unconfirmed = BTreeSet::new();
            if m.how != MatchHow::Handler {
                unconfirmed.extend(self.tokens(person.employee_id.as_deref(), person.email.as_deref())?);
            }
            if matches!(m.how, MatchHow::Name | MatchHow::Unmatched) || given_disagrees {
                for (id, _) in candidates {
                    if let Some(candidate) = index.people.get(id) {
                        unconfirmed.extend(self.person_tokens(candidate)?);
                    }
                }
            }
            for token in unconfirmed {
                tokens.entry(token).or_insert(false);
            }
            rows.extend(tokens.into_iter().map(|(token, confirmed)| CasePartyRow {
                position: m.position,
                token,
                role,
                confirmed,
            }));
        }
        Ok(rows)
    }

    /// The stored rows as the rule sees them: one party per directory person
    /// the tokens of a position lead to (a name she wrote may stand for
    /// several candidates, and each one's chain is kept out), and one for
    /// tokens that lead to nobody in the directory (an email she gave, an
    /// employee id not in it yet).
    pub(crate) fn named_parties(index: &DirectoryIndex, rows: &[CasePartyRow]) -> Vec<NamedParty> {
        let mut positions: BTreeMap<u32, (ombud_domain::PersonRole, BTreeSet<Vec<u8>>)> = BTreeMap::new();
        for row in rows {
            positions.entry(row.position).or_insert_with(|| (row.role, BTreeSet::new())).1.insert(row.token.clone());
        }
        positions.into_values().flat_map(|(role, tokens)| Self::parties_named(index, &tokens, role)).collect()
    }

    /// The parties one person's tokens make: one for each directory person
    /// any of them may mean (two people's identifiers can coincide, and each
    /// one's chain is then kept out), and one for tokens that lead to
    /// nobody in the directory.
    pub(crate) fn parties_named(
        index: &DirectoryIndex,
        tokens: &BTreeSet<Vec<u8>>,
        role: ombud_domain::PersonRole,
    ) -> Vec<NamedParty> {
        let mut parties: BTreeMap<Option<String>, NamedParty> = BTreeMap::new();
        for token in tokens {
            let people = index.people_of_token(token);
            let ids: Vec<Option<String>> =
                if people.is_empty() { vec![None] } else { people.iter().cloned().map(Some).collect() };
            for employee_id in ids {
                let party = parties.entry(employee_id.clone()).or_insert_with(|| NamedParty {
                    employee_id,
                    tokens: BTreeSet::new(),
                    role,
                });
                party.tokens.insert(token.clone());
            }
        }
        parties.into_values().collect()
    }

    pub(crate) fn reader(&self, index: &DirectoryIndex, staff: &StaffRecord, declared: bool) -> Result<Reader> {
        let person = index.staff_person(staff);
        // Named by the id recorded on her account or by her address, she is
        // recognised even where the directory does not place her.
        let mut tokens = match person {
            Some(p) => self.person_tokens(p)?,
            None => self.tokens(staff.employee_id.as_deref(), None)?,
        };
        tokens.extend(self.tokens(None, Some(&staff.email))?);
        Ok(Reader { role: staff.role, tokens, employee_id: person.map(|p| p.employee_id.clone()), declared })
    }

    /// Why this reader may not see a case with these parties and this
    /// routing: the conflict rule first, then a case that is oversight's.
    pub(crate) fn rule(
        &self,
        index: &DirectoryIndex,
        parties: &[NamedParty],
        reader: &Reader,
        routing: CaseRouting,
    ) -> Option<ExclusionReason> {
        exclusion(&self.config.conflict, &index.chart, parties, reader).or_else(|| {
            (routing.oversight_only() && reader.role == Role::Handler).then_some(ExclusionReason::OversightOnly)
        })
    }

    /// Every reader of cases who may not see a case with these parties,
    /// leaving it at least one independent reader.
    fn decide(
        &self,
        index: &DirectoryIndex,
        parties: &[NamedParty],
        staff: &[StaffRecord],
        declared: &BTreeSet<StaffId>,
        routing: CaseRouting,
    ) -> Result<Vec<(StaffId, ExclusionReason)>> {
        let mut out = Vec::new();
        let readers: Vec<&StaffRecord> = staff.iter().filter(|s| s.reads_cases()).collect();
        for s in &readers {
            let reader = self.reader(index, s, declared.contains(&s.id))?;
            if let Some(reason) = self.rule(index, parties, &reader, routing) {
                out.push((s.id, reason));
            }
        }
        let roles: Vec<(StaffId, Role)> = readers.iter().map(|s| (s.id, s.role)).collect();
        let (out, fell_back) = keep_an_independent_reader(&roles, out);
        if fell_back {
            // No case id: it would hint at whom the case concerns.
            tracing::warn!("no oversight member may read a case: handlers with no conflict read it instead");
        }
        Ok(out)
    }

    /// Routing for a new case, decided before its key is wrapped to anyone.
    pub(crate) async fn intake_routing(
        &self,
        case_id: CaseId,
        key: &DataKey,
        people: &[Person],
        staff: &[StaffRecord],
        now: Timestamp,
    ) -> Result<IntakeRouting> {
        let index = self.directory_index().await?;
        let matches = self.match_parties(&index, people);
        let parties = self.party_rows(&index, people, &matches)?;
        let routing = routing_of(people, &matches);
        let named = Self::named_parties(&index, &parties);
        let decided = self.decide(&index, &named, staff, &BTreeSet::new(), routing)?;
        let exclusions = decided
            .into_iter()
            .map(|(staff_id, reason)| ExclusionRow { case_id, staff_id, reason: reason.at_rest(), at: now })
            .collect();
        let sealed_matches = seal_json(key, &parties_aad(case_id), &matches)?;
        Ok(IntakeRouting { sealed_matches, parties, exclusions, routing })
    }

    /// Re-decides who may read one case and applies it at once: a reader
    /// who became conflicted loses her access row and wrapped key. With
    /// `Lifting::Held`, exclusions already in force stay even if the rule no
    /// longer finds them (only tightening happens); with a directory change
    /// given, each of those waits for an oversight member's approval.
    pub(crate) async fn reroute_case(
        &self,
        index: &DirectoryIndex,
        staff: &[StaffRecord],
        case_id: CaseId,
        event: EventRecord,
        lifting: Lifting,
        change: Option<uuid::Uuid>,
    ) -> Result<bool> {
        let current = self.store.exclusions(case_id).await?;
        let declared: BTreeSet<StaffId> =
            current.iter().filter(|e| e.reason == ExclusionReason::Declared).map(|e| e.staff_id).collect();
        let parties = Self::named_parties(index, &self.store.case_parties(case_id).await?);
        // A case that cannot be found routes as oversight's: fail closed.
        let routing = self.store.case(case_id).await?.map_or(CaseRouting::Restricted, |c| c.routing);
        let now = self.clock.now();
        let decided: Vec<(StaffId, ExclusionReason)> = self
            .decide(index, &parties, staff, &declared, routing)?
            .into_iter()
            .map(|(s, r)| (s, r.at_rest()))
            .collect();
        let in_force: Vec<(StaffId, ExclusionReason)> = current.iter().map(|e| (e.staff_id, e.reason)).collect();
        let rows: Vec<ExclusionRow> = ombud_domain::merge_exclusions(&in_force, &decided, lifting)
            .into_iter()
            .map(|(staff_id, reason)| {
                // An exclusion that stands keeps the time it began.
                let at = current.iter().find(|e| e.staff_id == staff_id && e.reason == reason).map_or(now, |e| e.at);
                ExclusionRow { case_id, staff_id, reason, at }
            })
            .collect();
        let changed = self.store.set_exclusions(case_id, &rows, now, &event).await?;
        if changed {
            tracing::info!(case = %case_id, excluded = rows.len(), "case access re-decided");
        }
        if let Some(change) = change {
            // In force, not a declaration, and the rule no longer finds it:
            // lifting it is oversight's to approve.
            let waiting: Vec<StaffId> = rows
                .iter()
                .filter(|r| r.reason != ExclusionReason::Declared)
                .filter(|r| !decided.iter().any(|(s, _)| *s == r.staff_id))
                .map(|r| r.staff_id)
                .collect();
            if !waiting.is_empty() {
                self.store.request_lifts(case_id, &waiting, change, now).await?;
            }
        }
        Ok(changed)
    }

    /// After a directory change: re-decides every case whose verdict could
    /// have moved, found through the tokens of the people around the change.
    /// New exclusions apply at once; an exclusion the change would lift
    /// waits for oversight (no import, sync or token can quietly let an
    /// excluded person back in). Returns how many cases changed hands.
    pub(crate) async fn reroute_after_directory_change(
        &self,
        old: &DirectoryIndex,
        new: &DirectoryIndex,
        changed: &BTreeSet<String>,
        change: uuid::Uuid,
    ) -> Result<usize> {
        let around = self.config.conflict.affected_by_change(&old.chart, &new.chart, changed);
        let mut tokens = BTreeSet::new();
        for id in &around {
            for index in [old, new] {
                if let Some(person) = index.people.get(id) {
                    tokens.extend(self.person_tokens(person)?);
                }
            }
            tokens.extend(self.tokens(Some(id), None)?);
        }
        let cases = self.store.cases_naming(&tokens.into_iter().collect::<Vec<_>>()).await?;
        let staff = self.store.list_staff().await?;
        let mut moved = 0;
        for case_id in cases {
            let event = EventRecord::new(case_id, EventKind::AccessChanged, self.clock.now(), Actor::System);
            if self.reroute_case(new, &staff, case_id, event, Lifting::Held, Some(change)).await? {
                moved += 1;
            }
        }
        Ok(moved)
    }

    /// The cases a new staff member may not see, decided before her account
    /// exists, so she never holds even a pending grant on them.
    pub(crate) async fn exclusions_for_new_staff(&self, record: &StaffRecord) -> Result<Vec<ExclusionRow>> {
        if !record.role.reads_cases() {
            return Ok(Vec::new());
        }
        let index = self.directory_index().await?;
        let mut tokens = self.tokens(record.employee_id.as_deref(), Some(&record.email))?;
        if let Some(me) = index.staff_person(record) {
            let me = me.employee_id.clone();
            for id in index.chart.affected_by(&BTreeSet::from([me])) {
                if let Some(person) = index.people.get(&id) {
                    tokens.extend(self.person_tokens(person)?);
                }
            }
        }
        if record.role == Role::Handler
            && let Some(senior) = self.config.conflict.senior_level(&index.chart)
        {
            for person in index.people.values().filter(|p| p.level >= senior) {
                tokens.extend(self.person_tokens(person)?);
            }
        }
        let now = self.clock.now();
        let reader = self.reader(&index, record, false)?;
        let mut cases: BTreeSet<CaseId> =
            self.store.cases_naming(&tokens.into_iter().collect::<Vec<_>>()).await?.into_iter().collect();
        cases.extend(self.store.oversight_only_cases().await?);
        let mut rows = Vec::new();
        for case_id in cases {
            let parties = Self::named_parties(&index, &self.store.case_parties(case_id).await?);
            let routing = self.store.case(case_id).await?.map_or(CaseRouting::Restricted, |c| c.routing);
            if let Some(reason) = self.rule(&index, &parties, &reader, routing) {
                rows.push(ExclusionRow { case_id, staff_id: record.id, reason: reason.at_rest(), at: now });
            }
        }
        Ok(rows)
    }

    /// The people named in a case with who the directory says they are.
    pub(crate) async fn party_views(
        &self,
        case_id: CaseId,
        key: &DataKey,
        people: &[Person],
        names: &HashMap<StaffId, String>,
    ) -> Result<Vec<PartyView>> {
        let index = self.directory_index().await?;
        let matches: Vec<PartyMatch> = match self.store.case_party_matches(case_id).await? {
            Some(sealed) => open_json(key, &parties_aad(case_id), &sealed)?,
            None => self.match_parties(&index, people),
        };
        Ok(people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let m = matches.iter().find(|m| m.position as usize == i);
                let matched = m
                    .and_then(|m| m.employee_id.as_deref())
                    .and_then(|id| index.people.get(id))
                    .map(MatchedPerson::from);
                let confirmed = m.is_some_and(|m| m.confirmed_by.is_some());
                // Until a person confirms it, the match by name is offered first, to confirm with one click.
                let candidates = if p.inside() && !confirmed {
                    let already = matched.as_ref().map(|m| m.employee_id.as_str());
                    let others = index
                        .find(p.shown_name(), true, MAX_FOUND)
                        .into_iter()
                        .filter(|d| Some(d.employee_id.as_str()) != already)
                        .map(MatchedPerson::from);
                    matched.iter().cloned().chain(others).take(MAX_FOUND).collect()
                } else {
                    Vec::new()
                };
                PartyView {
                    position: i as u32,
                    name: p.shown_name().to_owned(),
                    role: p.role,
                    internal: p.inside(),
                    given_employee_id: p.employee_id.clone(),
                    given_email: p.email.clone(),
                    matched,
                    how: m.map_or(MatchHow::Unmatched, |m| m.how),
                    confirmed_by: m.and_then(|m| m.confirmed_by).and_then(|id| names.get(&id).cloned()),
                    confirmed_at: m.and_then(|m| m.confirmed_at),
                    candidates,
                }
            })
            .collect())
    }
}

impl StaffDesk<'_> {
    // ------------------------------------------------------- staff actions

    /// A staff member declares a conflict: she leaves the case at once and
    /// for good. Oversight sees it; nothing tells the others who.
    pub async fn recuse(&self, case_id: CaseId) -> Result<()> {
        let session = self.session;
        self.store.access(case_id, session.id).await?.ok_or(ServiceError::NotFound)?;
        let now = self.clock.now();
        let mut rows = self.store.exclusions(case_id).await?;
        rows.retain(|e| e.staff_id != session.id);
        rows.push(ExclusionRow { case_id, staff_id: session.id, reason: ExclusionReason::Declared, at: now });
        let event = EventRecord::new(case_id, EventKind::Recused, now, Actor::Staff(session.id));
        self.store.set_exclusions(case_id, &rows, now, &event).await?;
        tracing::info!(case = %case_id, staff = %session.id, "staff member recused");
        Ok(())
    }

    /// A handler or oversight member confirms or corrects who one named
    /// person is; the case is re-routed at once (she may lose it herself if
    /// the match names her chain). A handler's correction only ever tightens:
    /// letting an excluded person back in takes an oversight member's match,
    /// so no handler can open a case to the accused's chain by re-labelling him.
    ///
    /// On a restricted case this is how oversight settles its routing: a
    /// member identifies the accused, records that he is outside, or records
    /// that he cannot be identified (`unidentified`, oversight's alone: the
    /// case then stays with oversight).
    pub async fn set_party_match(&self, case_id: CaseId, position: u32, input: &MatchInput) -> Result<()> {
        let session = self.session;
        let CaseAccess { case, key } = self.case_access(case_id).await?;
        let lifting = match session.role {
            Role::Handler if input.unidentified => return Err(ServiceError::Forbidden),
            Role::Handler => Lifting::Held,
            Role::Oversight => Lifting::Allowed,
            Role::Admin => return Err(ServiceError::Forbidden),
        };
        let sealed_report = self.store.report(case_id).await?.ok_or(ServiceError::NotFound)?;
        let report: ombud_domain::ReportContent =
            open_json(&key, &crate::sealing::report_aad(case_id), &sealed_report)?;
        if position as usize >= report.people.len() {
            return Err(ServiceError::NotFound);
        }
        let index = self.directory_index().await?;
        let employee_id = input.employee_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let matched = match (input.internal, employee_id) {
            _ if input.unidentified => None,
            (true, Some(id)) => Some(
                index.by_employee_id(id).ok_or_else(|| invalid("employee_id", "unknown-employee"))?.employee_id.clone(),
            ),
            (true, None) => {
                return Err(invalid("employee_id", "required"));
            }
            (false, _) => None,
        };
        let now = self.clock.now();
        let mut matches: Vec<PartyMatch> = match self.store.case_party_matches(case_id).await? {
            Some(sealed) => open_json(&key, &parties_aad(case_id), &sealed)?,
            None => self.match_parties(&index, &report.people),
        };
        matches.retain(|m| m.position != position);
        let how = match (&matched, input.unidentified) {
            (_, true) => MatchHow::Unidentified,
            (Some(_), false) => MatchHow::Handler,
            (None, false) => MatchHow::External,
        };
        matches.push(PartyMatch {
            position,
            how,
            employee_id: matched,
            confirmed_by: Some(session.id),
            confirmed_at: Some(now),
        });
        matches.sort_by_key(|m| m.position);
        let sealed_matches = seal_json(&key, &parties_aad(case_id), &matches)?;
        let mut rows = self.party_rows(&index, &report.people, &matches)?;
        if !input.internal && !input.unidentified {
            // A confirmed outsider keeps only the email she was named with, so
            // a staff member behind that address is still kept out.
            rows.retain(|r| r.position != position);
            let given = report.people[position as usize].email.as_deref();
            let role = report.people[position as usize].role;
            let outside = self.tokens(None, given)?.into_iter();
            rows.extend(outside.map(|token| CasePartyRow { position, token, role, confirmed: false }));
        }
        // Only a case not yet decided changes its routing; a decided case's
        // readers follow the rule alone.
        let routing = case.routing.oversight_only().then(|| routing_of(&report.people, &matches));
        // The same event as any match: her record must not tell her that a
        // name she wrote matched nobody.
        let event = EventRecord::new(case_id, EventKind::PeopleMatched, now, Actor::Staff(session.id))
            .with_payload(&sealed_matches);
        let update = PartiesUpdate { case_id, rows, sealed_matches, at: now, event, routing };
        self.store.set_case_parties(&update).await?;
        let staff = self.store.list_staff().await?;
        let event = EventRecord::new(case_id, EventKind::AccessChanged, now, Actor::System);
        self.reroute_case(&index, &staff, case_id, event, lifting, None).await?;
        Ok(())
    }

    /// The directory people a text names (a name in either script, an
    /// employee id, an email), for a reader who matches someone named in
    /// a case she works: she picks, she never types an id.
    pub async fn find_in_directory(&self, case_id: CaseId, text: &str) -> Result<Vec<MatchedPerson>> {
        self.require_reader(case_id).await?;
        let index = self.directory_index().await?;
        Ok(index.find(text, true, MAX_FOUND).into_iter().map(MatchedPerson::from).collect())
    }

    /// Whether she still holds access to a case (without opening it, so
    /// nothing is added to the access log).
    pub async fn may_open(&self, case_id: CaseId) -> Result<bool> {
        let session = self.session;
        Ok(self.store.access(case_id, session.id).await?.is_some())
    }
}

fn poisoned() -> ServiceError {
    ServiceError::Config("directory cache lock poisoned".into())
}

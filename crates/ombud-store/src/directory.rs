//! The directory, the people named in cases (as keyed hashes), exclusions
//! and directory-sync tokens: the storage side of conflict-of-interest routing.

use crate::{EventRecord, Result};
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, ExclusionReason, PersonRole, StaffId};

/// One person of the organisation, as imported or synchronised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRecord {
    pub employee_id: String,
    /// Her id for the directory-sync (SCIM) client; stable across renames.
    pub scim_id: String,
    pub name: String,
    pub email: String,
    pub manager_id: Option<String>,
    pub unit: String,
    pub level: i64,
    pub hr_partner_id: Option<String>,
    pub active: bool,
    /// Deleted from the directory: hidden from it, but her last place in the
    /// organisation still counts for cases that name her.
    pub deleted_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

impl PersonRecord {
    pub fn org_entry(&self) -> ombud_domain::DirectoryPerson {
        ombud_domain::DirectoryPerson {
            employee_id: self.employee_id.clone(),
            manager_id: self.manager_id.clone(),
            unit: self.unit.clone(),
            level: self.level,
            hr_partner_id: self.hr_partner_id.clone(),
        }
    }
}

/// A directory group (an organisational unit for SCIM clients).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRecord {
    pub id: String,
    pub display_name: String,
    /// SCIM ids of the people in it.
    pub members: Vec<String>,
    pub updated_at: Timestamp,
}

/// Everything one directory write changes, applied in one transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirectoryChange {
    /// Inserted or replaced by employee id.
    pub people: Vec<PersonRecord>,
    pub put_group: Option<GroupRecord>,
    pub delete_group: Option<String>,
}

/// A bearer token for directory sync; only its keyed hash is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: uuid::Uuid,
    pub token_hash: Vec<u8>,
    pub label: String,
    pub created_at: Timestamp,
    pub created_by: Option<StaffId>,
    pub revoked_at: Option<Timestamp>,
}

/// One identity token of one person named in a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CasePartyRow {
    /// Her place in the sealed report's list of people.
    pub position: u32,
    pub token: Vec<u8>,
    pub role: PersonRole,
}

/// A staff member who may not see a case: declared, or "conflict" (which
/// rule fired is not stored; the service works it out when oversight reads it).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExclusionRow {
    pub case_id: CaseId,
    pub staff_id: StaffId,
    pub reason: ExclusionReason,
    pub at: Timestamp,
}

/// An exclusion as oversight lists it, with the case's reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExclusionListRow {
    pub exclusion: ExclusionRow,
    pub case_ref: String,
}

/// What a case's parties are set to, with the handler's sealed record of the match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartiesUpdate {
    pub case_id: CaseId,
    pub rows: Vec<CasePartyRow>,
    pub sealed_matches: Vec<u8>,
    pub at: Timestamp,
    pub event: EventRecord,
}

#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// Counts directory writes; an instance reloads its copy when it moved.
    async fn directory_revision(&self) -> Result<u64>;
    /// Everyone, deleted people included.
    async fn directory(&self) -> Result<Vec<PersonRecord>>;
    /// Applies a change in one transaction and moves the revision.
    async fn write_directory(&self, change: &DirectoryChange) -> Result<()>;
    async fn groups(&self) -> Result<Vec<GroupRecord>>;

    async fn create_api_token(&self, token: &ApiTokenRecord) -> Result<()>;
    /// A token that has not been revoked, by its hash.
    async fn api_token(&self, token_hash: &[u8]) -> Result<Option<ApiTokenRecord>>;
    async fn api_tokens(&self) -> Result<Vec<ApiTokenRecord>>;
    async fn revoke_api_token(&self, id: uuid::Uuid, at: Timestamp) -> Result<bool>;

    async fn case_parties(&self, case: CaseId) -> Result<Vec<CasePartyRow>>;
    async fn case_party_matches(&self, case: CaseId) -> Result<Option<Vec<u8>>>;
    /// Replaces a case's parties and their sealed match, with its event.
    async fn set_case_parties(&self, update: &PartiesUpdate) -> Result<()>;
    /// Cases that name anyone with one of these tokens.
    async fn cases_naming(&self, tokens: &[Vec<u8>]) -> Result<Vec<CaseId>>;

    async fn exclusions(&self, case: CaseId) -> Result<Vec<ExclusionRow>>;
    /// Makes `exclusions` the case's whole list, in one transaction: an
    /// excluded staff member loses her access row and wrapped key at once; a
    /// reader no longer excluded gets a pending grant back. A declared
    /// conflict already stored is kept whatever the list says, so a re-route
    /// racing a recusal cannot undo it. Returns false and writes nothing when
    /// the list was already so; else records `event`.
    async fn set_exclusions(
        &self,
        case: CaseId,
        exclusions: &[ExclusionRow],
        at: Timestamp,
        event: &EventRecord,
    ) -> Result<bool>;
    /// Exclusions on cases that a staff member may read, newest first.
    async fn visible_exclusions(&self, staff: StaffId, limit: u32) -> Result<Vec<ExclusionListRow>>;
}

/// Encodes a group's member list for its one column.
pub fn members_to_text(members: &[String]) -> String {
    members.join("\n")
}

pub fn members_from_text(text: &str) -> Vec<String> {
    text.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// Parses a stored exclusion reason.
pub fn parse_reason(s: &str) -> Result<ExclusionReason> {
    ExclusionReason::parse(s).ok_or_else(|| crate::StoreError::Corrupt(format!("exclusion reason {s:?}")))
}

pub fn parse_person_role(s: &str) -> Result<PersonRole> {
    PersonRole::parse(s).ok_or_else(|| crate::StoreError::Corrupt(format!("person role {s:?}")))
}

/// Whether two exclusion lists exclude the same people for the same reasons
/// (when it happened aside).
pub fn same_exclusions(a: &[ExclusionRow], b: &[ExclusionRow]) -> bool {
    let key =
        |rows: &[ExclusionRow]| rows.iter().map(|r| (r.staff_id, r.reason)).collect::<std::collections::BTreeSet<_>>();
    a.len() == b.len() && key(a) == key(b)
}

/// The list to store: `wanted`, with every declaration already stored kept
/// (a declaration is for good, and outranks any other reason).
pub fn keep_declarations(current: &[ExclusionRow], wanted: &[ExclusionRow]) -> Vec<ExclusionRow> {
    let pairs = |rows: &[ExclusionRow]| rows.iter().map(|r| (r.staff_id, r.reason)).collect::<Vec<_>>();
    ombud_domain::merge_exclusions(&pairs(current), &pairs(wanted), ombud_domain::Lifting::Allowed)
        .into_iter()
        .filter_map(|(staff, reason)| {
            wanted.iter().chain(current).find(|r| r.staff_id == staff && r.reason == reason).cloned()
        })
        .collect()
}

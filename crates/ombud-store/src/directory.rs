//! The directory, the people named in cases (as keyed hashes), exclusions
//! and directory-sync tokens: the storage side of conflict-of-interest routing.

use crate::rows::*;
use crate::sql::{Conn, all_rows, typed, unsigned};
use crate::{EventRecord, Result, SqlStore, StaffEventRecord, StoreError, millis, parse};
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, CaseRouting, DeadlineKind, ExclusionReason, PersonRole, StaffId};

/// One person of the organisation, as imported or synchronised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRecord {
    pub employee_id: String,
    /// Her id for the directory-sync (SCIM) client; stable across renames.
    pub scim_id: String,
    pub name: String,
    /// Other names she goes by: a Chinese name, an English name, a former name.
    pub other_names: Vec<String>,
    /// Her email; empty when she has none (a driver, a contractor).
    pub email: String,
    /// Her SCIM `userName`, when a sync client gave one.
    pub user_name: Option<String>,
    /// The sync client's own id for her (`externalId`).
    pub external_id: Option<String>,
    /// Her employee number as the sync client last sent it (her key,
    /// `employee_id`, stays the one she was first known by).
    pub employee_number: Option<String>,
    /// The User resource as the sync client last sent it (JSON).
    pub scim_resource: Option<String>,
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
    /// The sync client's own id for the group.
    pub external_id: Option<String>,
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
    /// Who made it, kept beside it for oversight.
    pub record: Option<crate::DirectoryChangeRecord>,
    /// Staff accounts of people it deactivates or deletes, disabled in the
    /// same transaction, each with its leaf.
    pub leavers: Vec<(StaffId, StaffEventRecord)>,
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
    /// What it may be used for: "directory" (SCIM) or "hr" (the HR feed).
    pub scope: String,
}

/// One identity token of one person named in a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CasePartyRow {
    /// Her place in the sealed report's list of people.
    pub position: u32,
    pub token: Vec<u8>,
    pub role: PersonRole,
    /// The token is the person a unique match or a person identified, not
    /// a candidate kept out to fail closed: only these relate cases and
    /// count towards repeat respondents.
    pub confirmed: bool,
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
    /// The case's routing after this match, when it settles a restricted
    /// case: written with it, and its routing deadline met unless still restricted.
    pub routing: Option<CaseRouting>,
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

    /// A directory-sync token, with its leaf (an administrative action).
    async fn create_api_token(&self, token: &ApiTokenRecord, event: &StaffEventRecord) -> Result<()>;
    /// A token that has not been revoked, by its hash.
    async fn api_token(&self, token_hash: &[u8]) -> Result<Option<ApiTokenRecord>>;
    async fn api_tokens(&self) -> Result<Vec<ApiTokenRecord>>;
    /// Revokes a token at the event's time, with its leaf; false (and no
    /// leaf) if it was revoked already or never existed.
    async fn revoke_api_token(&self, id: uuid::Uuid, event: &StaffEventRecord) -> Result<bool>;

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
    ExclusionReason::parse(s).ok_or_else(|| StoreError::Corrupt(format!("exclusion reason {s:?}")))
}

pub fn parse_person_role(s: &str) -> Result<PersonRole> {
    PersonRole::parse(s).ok_or_else(|| StoreError::Corrupt(format!("person role {s:?}")))
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

/// How many values one `IN (…)` list carries.
pub(crate) const CHUNK: usize = 500;

pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Writes a new case's parties and their sealed match (inside `create_case`).
pub(crate) async fn insert_parties(
    conn: &mut Conn,
    case: CaseId,
    rows: &[CasePartyRow],
    sealed: Option<&[u8]>,
    at: Timestamp,
) -> Result<()> {
    for row in rows {
        sqlx::query("INSERT INTO case_parties (case_id, position, token, role, confirmed) VALUES ($1, $2, $3, $4, $5)")
            .bind(case.to_string())
            .bind(i64::from(row.position))
            .bind(&row.token)
            .bind(row.role.as_str())
            .bind(i64::from(row.confirmed))
            .execute(&mut *conn)
            .await?;
    }
    if let Some(sealed) = sealed {
        sqlx::query(
            "INSERT INTO case_party_matches (case_id, sealed, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (case_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
        )
        .bind(case.to_string())
        .bind(sealed)
        .bind(millis(at))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Records exclusions and removes the excluded staff's access rows.
pub(crate) async fn insert_exclusions(conn: &mut Conn, rows: &[ExclusionRow]) -> Result<()> {
    for row in rows {
        sqlx::query("INSERT INTO case_exclusions (case_id, staff_id, reason, at) VALUES ($1, $2, $3, $4)")
            .bind(row.case_id.to_string())
            .bind(row.staff_id.to_string())
            .bind(row.reason.as_str())
            .bind(millis(row.at))
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM case_access WHERE case_id = $1 AND staff_id = $2")
            .bind(row.case_id.to_string())
            .bind(row.staff_id.to_string())
            .execute(&mut *conn)
            .await?;
        crate::daily::unassign(conn, row.case_id, row.staff_id).await?;
        // Kept out of a case, she is kept out of every statement added to it,
        // now and for any later grant.
        sqlx::query(
            "DELETE FROM item_wraps WHERE staff_id = $1 AND item_id IN (SELECT id FROM case_items WHERE case_id = $2)",
        )
        .bind(row.staff_id.to_string())
        .bind(row.case_id.to_string())
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO item_exclusions (item_id, staff_id, from_case)
             SELECT id, $1, 1 FROM case_items WHERE case_id = $2 ON CONFLICT (item_id, staff_id) DO NOTHING",
        )
        .bind(row.staff_id.to_string())
        .bind(row.case_id.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Lets go of the unique identifiers (email, userName) of the people a
/// change rewrites, so that two of them may swap addresses in one file: the
/// unique indexes hold again once each is written.
async fn release_identifiers(conn: &mut Conn, people: &[PersonRecord]) -> Result<()> {
    if people.len() < 2 {
        return Ok(());
    }
    for chunk in people.chunks(crate::directory::CHUNK) {
        let sql = format!(
            "UPDATE directory_people SET email_key = '', user_name = NULL WHERE employee_id IN ({})",
            placeholders(1, chunk.len())
        );
        // Only placeholders are formatted in; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for p in chunk {
            query = query.bind(&p.employee_id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn put_person(conn: &mut Conn, p: &PersonRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO directory_people
           (employee_id, scim_id, name, email, email_key, manager_id, unit, level, hr_partner_id, active, deleted_at, updated_at,
            other_names, user_name, external_id, employee_number, scim_resource)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (employee_id) DO UPDATE SET
           scim_id = excluded.scim_id, name = excluded.name, other_names = excluded.other_names,
           email = excluded.email, email_key = excluded.email_key,
           manager_id = excluded.manager_id, unit = excluded.unit, level = excluded.level,
           hr_partner_id = excluded.hr_partner_id, active = excluded.active, deleted_at = excluded.deleted_at,
           updated_at = excluded.updated_at, user_name = excluded.user_name, external_id = excluded.external_id,
           employee_number = excluded.employee_number, scim_resource = excluded.scim_resource",
    )
    .bind(&p.employee_id)
    .bind(&p.scim_id)
    .bind(&p.name)
    .bind(&p.email)
    .bind(p.email.trim().to_lowercase())
    .bind(&p.manager_id)
    .bind(&p.unit)
    .bind(p.level)
    .bind(&p.hr_partner_id)
    .bind(i64::from(p.active))
    .bind(p.deleted_at.map(millis))
    .bind(millis(p.updated_at))
    .bind(members_to_text(&p.other_names))
    .bind(&p.user_name)
    .bind(&p.external_id)
    .bind(&p.employee_number)
    .bind(&p.scim_resource)
    .execute(&mut *conn)
            .await?;
    Ok(())
}

#[async_trait]
impl DirectoryStore for SqlStore {
    async fn directory_revision(&self) -> Result<u64> {
        let rev: i64 =
            sqlx::query_scalar("SELECT rev FROM directory_revision WHERE singleton = 1").fetch_one(&self.pool).await?;
        unsigned(rev, "directory revision")
    }

    async fn directory(&self) -> Result<Vec<PersonRecord>> {
        all_rows::<PersonColumns, _>(&self.pool, "SELECT * FROM directory_people ORDER BY employee_id").await
    }

    async fn write_directory(&self, change: &DirectoryChange) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        // Taking the revision row first serialises concurrent directory writers.
        sqlx::query("UPDATE directory_revision SET rev = rev + 1 WHERE singleton = 1").execute(&mut *tx).await?;
        release_identifiers(&mut tx, &change.people).await?;
        for person in &change.people {
            put_person(&mut tx, person).await?;
        }
        for (staff, event) in &change.leavers {
            crate::accounts::disable_in(&mut tx, *staff, event, self.actors()).await?;
        }
        if let Some(g) = &change.put_group {
            sqlx::query(
                "INSERT INTO directory_groups (id, display_name, members, updated_at, external_id)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, members = excluded.members,
                   updated_at = excluded.updated_at, external_id = excluded.external_id",
            )
            .bind(&g.id)
            .bind(&g.display_name)
            .bind(members_to_text(&g.members))
            .bind(millis(g.updated_at))
            .bind(&g.external_id)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(id) = &change.delete_group {
            sqlx::query("DELETE FROM directory_groups WHERE id = $1").bind(id).execute(&mut *tx).await?;
        }
        if let Some(record) = &change.record {
            crate::lifts::insert_change(&mut tx, record).await?;
        }
        Ok(tx.commit().await?)
    }

    async fn groups(&self) -> Result<Vec<GroupRecord>> {
        all_rows::<GroupColumns, _>(&self.pool, "SELECT * FROM directory_groups ORDER BY display_name, id").await
    }

    async fn create_api_token(&self, t: &ApiTokenRecord, event: &StaffEventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, token_hash, label, created_at, created_by, revoked_at, scope)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(t.id.to_string())
        .bind(&t.token_hash)
        .bind(&t.label)
        .bind(millis(t.created_at))
        .bind(t.created_by.map(|s| s.to_string()))
        .bind(t.revoked_at.map(millis))
        .bind(&t.scope)
        .execute(&mut *tx)
        .await?;
        crate::ledger::append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn api_token(&self, token_hash: &[u8]) -> Result<Option<ApiTokenRecord>> {
        let row =
            sqlx::query_as::<_, TokenColumns>("SELECT * FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn api_tokens(&self) -> Result<Vec<ApiTokenRecord>> {
        all_rows::<TokenColumns, _>(&self.pool, "SELECT * FROM api_tokens ORDER BY created_at, id").await
    }

    async fn revoke_api_token(&self, id: uuid::Uuid, event: &StaffEventRecord) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(millis(event.event.at))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        crate::ledger::append_staff_event(&mut tx, event, self.actors()).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn case_parties(&self, case: CaseId) -> Result<Vec<CasePartyRow>> {
        let rows =
            sqlx::query_as::<_, PartyColumns>("SELECT * FROM case_parties WHERE case_id = $1 ORDER BY position, token")
                .bind(case.to_string())
                .fetch_all(&self.pool)
                .await?;
        typed(rows)
    }

    async fn case_party_matches(&self, case: CaseId) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT sealed FROM case_party_matches WHERE case_id = $1")
            .bind(case.to_string())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn set_case_parties(&self, u: &PartiesUpdate) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM case_parties WHERE case_id = $1")
            .bind(u.case_id.to_string())
            .execute(&mut *tx)
            .await?;
        insert_parties(&mut tx, u.case_id, &u.rows, Some(&u.sealed_matches), u.at).await?;
        self.insert_event(&mut tx, &u.event).await?;
        if let Some(routing) = u.routing {
            let id = u.case_id.to_string();
            sqlx::query("UPDATE cases SET routing = $1 WHERE id = $2")
                .bind(routing.as_str())
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            if routing != CaseRouting::Restricted {
                sqlx::query("UPDATE deadlines SET met_at = $1 WHERE case_id = $2 AND kind = $3 AND met_at IS NULL AND closed_at IS NULL")
                    .bind(millis(u.at))
                    .bind(&id)
                    .bind(DeadlineKind::Routing.as_str())
                    .execute(&mut *tx)
                    .await?;
                crate::deadlines::refresh_next_due(&mut tx, u.case_id).await?;
            }
        }
        Ok(tx.commit().await?)
    }

    async fn cases_naming(&self, tokens: &[Vec<u8>]) -> Result<Vec<CaseId>> {
        let mut out = std::collections::BTreeSet::new();
        for chunk in tokens.chunks(CHUNK) {
            let sql =
                format!("SELECT DISTINCT case_id FROM case_parties WHERE token IN ({})", placeholders(1, chunk.len()));
            let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
            for token in chunk {
                query = query.bind(token);
            }
            for id in query.fetch_all(&self.pool).await? {
                out.insert(parse::<CaseId>(&id, "case id")?);
            }
        }
        Ok(out.into_iter().collect())
    }

    async fn exclusions(&self, case: CaseId) -> Result<Vec<ExclusionRow>> {
        let rows = sqlx::query_as::<_, ExclusionColumns>(
            "SELECT * FROM case_exclusions WHERE case_id = $1 ORDER BY at, staff_id",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn set_exclusions(
        &self,
        case: CaseId,
        exclusions: &[ExclusionRow],
        at: Timestamp,
        event: &EventRecord,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let id = case.to_string();
        // Writers of one case's exclusions take turns.
        crate::deadlines::lock_case(&mut tx, case).await?;
        let rows = sqlx::query_as::<_, ExclusionColumns>("SELECT * FROM case_exclusions WHERE case_id = $1")
            .bind(&id)
            .fetch_all(&mut *tx)
            .await?;
        let current: Vec<ExclusionRow> = typed(rows)?;
        let exclusions = keep_declarations(&current, exclusions);
        if same_exclusions(&current, &exclusions) {
            return Ok(false);
        }
        sqlx::query("DELETE FROM case_exclusions WHERE case_id = $1").bind(&id).execute(&mut *tx).await?;
        insert_exclusions(&mut tx, &exclusions).await?;
        // Let in again, she is no longer kept out of its statements on the
        // case's account (the rules on each supporter still run when one is
        // next wrapped to her).
        sqlx::query(
            "DELETE FROM item_exclusions WHERE from_case = 1
               AND item_id IN (SELECT id FROM case_items WHERE case_id = $1)
               AND staff_id NOT IN (SELECT staff_id FROM case_exclusions WHERE case_id = $1)",
        )
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        crate::lifts::drop_stale_lifts(&mut tx, &id).await?;
        // Everyone who reads cases and is not excluded holds a row; a new one is pending.
        sqlx::query(
            "INSERT INTO case_access (case_id, staff_id, wrapped_key, granted_at)
             SELECT $1, s.id, NULL, $2 FROM staff s
             WHERE s.role IN ('handler', 'oversight') AND s.status = 'active'
               AND s.id NOT IN (SELECT staff_id FROM case_exclusions WHERE case_id = $1)
             ON CONFLICT (case_id, staff_id) DO NOTHING",
        )
        .bind(&id)
        .bind(millis(at))
        .execute(&mut *tx)
        .await?;
        self.insert_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn visible_exclusions(&self, staff: StaffId, limit: u32) -> Result<Vec<ExclusionListRow>> {
        let rows = sqlx::query_as::<_, ExclusionListColumns>(
            "SELECT e.*, c.reference AS case_ref FROM case_exclusions e
             JOIN case_access a ON a.case_id = e.case_id AND a.staff_id = $1
             JOIN cases c ON c.id = e.case_id
             ORDER BY e.at DESC, e.case_id, e.staff_id LIMIT $2",
        )
        .bind(staff.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }
}

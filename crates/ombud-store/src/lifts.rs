//! Who changed the directory, and the access a change would give back that
//! waits for an oversight member's approval. Tightening is immediate;
//! lifting an exclusion never happens by a directory change alone.

use crate::sql::{Conn, typed, unsigned};
use crate::{Result, SqlStore, StoreError, from_millis, millis, parse};
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, StaffId};

/// Who changed the directory: named on the change's record that oversight reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeSource {
    /// `ombud directory import` on the server.
    CommandLine,
    /// An administrator, in the browser or the API.
    Administrator(StaffId),
    /// A directory-sync client with this token (the administrator who
    /// created the token is named beside it).
    SyncToken(uuid::Uuid),
}

impl ChangeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeSource::CommandLine => "command_line",
            ChangeSource::Administrator(_) => "administrator",
            ChangeSource::SyncToken(_) => "sync_token",
        }
    }
}

/// One directory write, as its record keeps it: no one's name, a count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryChangeRecord {
    pub id: uuid::Uuid,
    pub at: Timestamp,
    pub source: ChangeSource,
    /// How many people it created or changed.
    pub people: u64,
}

/// A change as oversight lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryChangeRow {
    pub change: DirectoryChangeRecord,
    /// The administrator who made it, or who created the sync token used.
    pub by_staff: Option<StaffId>,
    pub token_label: Option<String>,
    /// How many exclusions it would lift that still wait for approval.
    pub lifts_waiting: u64,
}

/// An exclusion a directory change would lift, waiting for oversight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessLiftRow {
    pub case_id: CaseId,
    pub case_ref: String,
    pub staff_id: StaffId,
    pub change_id: uuid::Uuid,
    pub since: Timestamp,
}

#[async_trait]
pub trait LiftStore: Send + Sync {
    /// The latest directory changes, newest first.
    async fn directory_changes(&self, limit: u32) -> Result<Vec<DirectoryChangeRow>>;
    /// Asks for these exclusions of a case to be lifted because of `change`.
    /// One already waiting keeps its time and change; one for a staff
    /// member no longer excluded is never written.
    async fn request_lifts(&self, case: CaseId, staff: &[StaffId], change: uuid::Uuid, at: Timestamp) -> Result<()>;
    /// Lifts waiting on cases this staff member may read, oldest first.
    async fn visible_lifts(&self, staff: StaffId, limit: u32) -> Result<Vec<AccessLiftRow>>;
    /// Whether a lift waits for this staff member on this case.
    async fn lift_waits(&self, case: CaseId, staff: StaffId) -> Result<bool>;
    /// How many lifts one directory change left waiting.
    async fn lifts_waiting(&self, change: uuid::Uuid) -> Result<u64>;
    /// Drops a waiting lift (refused, or decided); false if there was none.
    async fn drop_lift(&self, case: CaseId, staff: StaffId) -> Result<bool>;
}

/// Writes a change's record (inside the directory write's transaction).
pub(crate) async fn insert_change(conn: &mut Conn, c: &DirectoryChangeRecord) -> Result<()> {
    let (staff, token) = match c.source {
        ChangeSource::CommandLine => (None, None),
        ChangeSource::Administrator(id) => (Some(id.to_string()), None),
        ChangeSource::SyncToken(id) => (None, Some(id.to_string())),
    };
    sqlx::query(
        "INSERT INTO directory_changes (id, at, source, staff_id, token_id, people) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(c.id.to_string())
    .bind(millis(c.at))
    .bind(c.source.as_str())
    .bind(staff)
    .bind(token)
    .bind(i64::try_from(c.people).unwrap_or(i64::MAX))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Drops the waiting lifts of staff a case no longer excludes (inside the
/// exclusions' transaction): a lift only ever waits for an exclusion in force.
pub(crate) async fn drop_stale_lifts(conn: &mut Conn, case: &str) -> Result<()> {
    sqlx::query(
        "DELETE FROM access_lifts WHERE case_id = $1
           AND staff_id NOT IN (SELECT staff_id FROM case_exclusions WHERE case_id = $1)",
    )
    .bind(case)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait]
impl LiftStore for SqlStore {
    async fn directory_changes(&self, limit: u32) -> Result<Vec<DirectoryChangeRow>> {
        let rows = sqlx::query_as::<_, DirectoryChangeColumns>(
            "SELECT d.id, d.at, d.source, d.staff_id, d.token_id, d.people,
                    COALESCE(d.staff_id, t.created_by) AS by_staff, t.label AS token_label,
                    (SELECT COUNT(*) FROM access_lifts l WHERE l.change_id = d.id) AS lifts_waiting
             FROM directory_changes d LEFT JOIN api_tokens t ON t.id = d.token_id
             ORDER BY d.at DESC, d.id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn request_lifts(&self, case: CaseId, staff: &[StaffId], change: uuid::Uuid, at: Timestamp) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for s in staff {
            sqlx::query(
                "INSERT INTO access_lifts (case_id, staff_id, change_id, since)
                 SELECT $1, $2, $3, $4 FROM case_exclusions e WHERE e.case_id = $1 AND e.staff_id = $2
                 ON CONFLICT (case_id, staff_id) DO NOTHING",
            )
            .bind(case.to_string())
            .bind(s.to_string())
            .bind(change.to_string())
            .bind(millis(at))
            .execute(&mut *tx)
            .await?;
        }
        Ok(tx.commit().await?)
    }

    async fn visible_lifts(&self, staff: StaffId, limit: u32) -> Result<Vec<AccessLiftRow>> {
        let rows = sqlx::query_as::<_, LiftColumns>(
            "SELECT l.case_id, c.reference AS case_ref, l.staff_id, l.change_id, l.since
             FROM access_lifts l JOIN cases c ON c.id = l.case_id
             JOIN case_access a ON a.case_id = l.case_id AND a.staff_id = $1
             ORDER BY l.since, l.case_id, l.staff_id LIMIT $2",
        )
        .bind(staff.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn lift_waits(&self, case: CaseId, staff: StaffId) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM access_lifts WHERE case_id = $1 AND staff_id = $2")
            .bind(case.to_string())
            .bind(staff.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    async fn lifts_waiting(&self, change: uuid::Uuid) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_lifts WHERE change_id = $1")
            .bind(change.to_string())
            .fetch_one(&self.pool)
            .await?;
        unsigned(n, "lifts waiting")
    }

    async fn drop_lift(&self, case: CaseId, staff: StaffId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM access_lifts WHERE case_id = $1 AND staff_id = $2")
            .bind(case.to_string())
            .bind(staff.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// Reads a stored change source back.
pub(crate) fn change_source(source: &str, staff: Option<&str>, token: Option<&str>) -> Result<ChangeSource> {
    match (source, staff, token) {
        ("command_line", _, _) => Ok(ChangeSource::CommandLine),
        ("administrator", Some(id), _) => Ok(ChangeSource::Administrator(parse(id, "staff id")?)),
        ("sync_token", _, Some(id)) => Ok(ChangeSource::SyncToken(parse(id, "token id")?)),
        _ => Err(StoreError::Corrupt(format!("directory change source {source:?}"))),
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DirectoryChangeColumns {
    id: String,
    at: i64,
    source: String,
    staff_id: Option<String>,
    token_id: Option<String>,
    people: i64,
    by_staff: Option<String>,
    token_label: Option<String>,
    lifts_waiting: i64,
}

impl TryFrom<DirectoryChangeColumns> for DirectoryChangeRow {
    type Error = StoreError;
    fn try_from(c: DirectoryChangeColumns) -> Result<Self> {
        Ok(DirectoryChangeRow {
            change: DirectoryChangeRecord {
                id: parse(&c.id, "change id")?,
                at: from_millis(c.at)?,
                source: change_source(&c.source, c.staff_id.as_deref(), c.token_id.as_deref())?,
                people: unsigned(c.people, "people changed")?,
            },
            by_staff: c.by_staff.as_deref().map(|id| parse(id, "staff id")).transpose()?,
            token_label: c.token_label,
            lifts_waiting: unsigned(c.lifts_waiting, "lifts waiting")?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LiftColumns {
    case_id: String,
    case_ref: String,
    staff_id: String,
    change_id: String,
    since: i64,
}

impl TryFrom<LiftColumns> for AccessLiftRow {
    type Error = StoreError;
    fn try_from(c: LiftColumns) -> Result<Self> {
        Ok(AccessLiftRow {
            case_id: parse(&c.case_id, "case id")?,
            case_ref: c.case_ref,
            staff_id: parse(&c.staff_id, "staff id")?,
            change_id: parse(&c.change_id, "change id")?,
            since: from_millis(c.since)?,
        })
    }
}

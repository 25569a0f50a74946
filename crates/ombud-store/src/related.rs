//! Cases that belong together: those naming the same confirmed person
//! (found through identity tokens, never names), those a reader linked with
//! a reason, and the people named as accused in many cases.

use crate::records::{from_millis, millis, parse};
use crate::sql::Conn;
use crate::{EventRecord, Result, SqlStore, StoreError};
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, PersonRole, StaffId};

/// Two cases a reader linked, with her reason sealed under each one's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseLinkRow {
    pub id: uuid::Uuid,
    /// The smaller case id first, so a pair is one row whichever side linked it.
    pub case_a: CaseId,
    pub case_b: CaseId,
    pub created_at: Timestamp,
    pub staff: StaffId,
    /// The reason under `case_a`'s key…
    pub sealed_a: Vec<u8>,
    /// …and under `case_b`'s.
    pub sealed_b: Vec<u8>,
}

impl CaseLinkRow {
    /// The case on the other side of the link from `case`.
    pub fn other(&self, case: CaseId) -> CaseId {
        if self.case_a == case { self.case_b } else { self.case_a }
    }

    /// The reason as sealed under `case`'s key.
    pub fn sealed_for(&self, case: CaseId) -> &[u8] {
        if self.case_a == case { &self.sealed_a } else { &self.sealed_b }
    }
}

#[async_trait]
pub trait RelatedStore: Send + Sync {
    /// Other cases naming a confirmed person this case names (the same
    /// token, confirmed on both), among those `staff` may read: each case
    /// with the token it shares, one pair per token.
    async fn cases_sharing_people(&self, case: CaseId, staff: StaffId) -> Result<Vec<(CaseId, Vec<u8>)>>;
    /// Links two cases unless they are linked already (false then), with
    /// an event on each case's record.
    async fn link_cases(&self, link: &CaseLinkRow, events: &[EventRecord]) -> Result<bool>;
    /// The links of a case whose other case `staff` may read.
    async fn case_links(&self, case: CaseId, staff: StaffId) -> Result<Vec<CaseLinkRow>>;
    /// Confirmed tokens named in this role in at least `min` cases, with
    /// each of those cases: (token, case) pairs.
    async fn repeat_named(&self, role: PersonRole, min: u32) -> Result<Vec<(Vec<u8>, CaseId)>>;
    /// Which of these cases `staff` may read.
    async fn readable_cases(&self, staff: StaffId, cases: &[CaseId]) -> Result<Vec<CaseId>>;
}

#[derive(sqlx::FromRow)]
struct LinkColumns {
    id: String,
    case_a: String,
    case_b: String,
    created_at: i64,
    staff_id: String,
    sealed_a: Vec<u8>,
    sealed_b: Vec<u8>,
}

impl TryFrom<LinkColumns> for CaseLinkRow {
    type Error = StoreError;
    fn try_from(c: LinkColumns) -> Result<Self> {
        Ok(CaseLinkRow {
            id: parse(&c.id, "link id")?,
            case_a: parse(&c.case_a, "case id")?,
            case_b: parse(&c.case_b, "case id")?,
            created_at: from_millis(c.created_at)?,
            staff: parse(&c.staff_id, "staff id")?,
            sealed_a: c.sealed_a,
            sealed_b: c.sealed_b,
        })
    }
}

fn token_case_pairs(rows: Vec<(Vec<u8>, String)>) -> Result<Vec<(Vec<u8>, CaseId)>> {
    rows.into_iter().map(|(token, case)| Ok((token, parse(&case, "case id")?))).collect()
}

async fn insert_link(conn: &mut Conn, l: &CaseLinkRow) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO case_links (id, case_a, case_b, created_at, staff_id, sealed_a, sealed_b)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_a, case_b) DO NOTHING",
    )
    .bind(l.id.to_string())
    .bind(l.case_a.to_string())
    .bind(l.case_b.to_string())
    .bind(millis(l.created_at))
    .bind(l.staff.to_string())
    .bind(&l.sealed_a)
    .bind(&l.sealed_b)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[async_trait]
impl RelatedStore for SqlStore {
    async fn cases_sharing_people(&self, case: CaseId, staff: StaffId) -> Result<Vec<(CaseId, Vec<u8>)>> {
        let rows: Vec<(Vec<u8>, String)> = sqlx::query_as(
            "SELECT DISTINCT o.token, o.case_id FROM case_parties p
               JOIN case_parties o ON o.token = p.token AND o.confirmed = 1 AND o.case_id <> p.case_id
               JOIN case_access a ON a.case_id = o.case_id AND a.staff_id = $2
              WHERE p.case_id = $1 AND p.confirmed = 1
              ORDER BY o.case_id, o.token",
        )
        .bind(case.to_string())
        .bind(staff.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(token_case_pairs(rows)?.into_iter().map(|(token, case)| (case, token)).collect())
    }

    async fn link_cases(&self, link: &CaseLinkRow, events: &[EventRecord]) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        if !insert_link(&mut tx, link).await? {
            return Ok(false);
        }
        for event in events {
            self.insert_event(&mut tx, event).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn case_links(&self, case: CaseId, staff: StaffId) -> Result<Vec<CaseLinkRow>> {
        let rows = sqlx::query_as::<_, LinkColumns>(
            "SELECT l.* FROM case_links l
               JOIN case_access a ON a.staff_id = $2
                AND a.case_id = CASE WHEN l.case_a = $1 THEN l.case_b ELSE l.case_a END
              WHERE l.case_a = $1 OR l.case_b = $1
              ORDER BY l.created_at, l.id",
        )
        .bind(case.to_string())
        .bind(staff.to_string())
        .fetch_all(&self.pool)
        .await?;
        crate::sql::typed(rows)
    }

    async fn repeat_named(&self, role: PersonRole, min: u32) -> Result<Vec<(Vec<u8>, CaseId)>> {
        let rows: Vec<(Vec<u8>, String)> = sqlx::query_as(
            "SELECT DISTINCT token, case_id FROM case_parties
              WHERE confirmed = 1 AND role = $1 AND token IN (
                    SELECT token FROM case_parties WHERE confirmed = 1 AND role = $1
                     GROUP BY token HAVING COUNT(DISTINCT case_id) >= $2)
              ORDER BY token, case_id",
        )
        .bind(role.as_str())
        .bind(i64::from(min))
        .fetch_all(&self.pool)
        .await?;
        token_case_pairs(rows)
    }

    async fn readable_cases(&self, staff: StaffId, cases: &[CaseId]) -> Result<Vec<CaseId>> {
        let mut out = Vec::new();
        for chunk in cases.chunks(crate::directory::CHUNK) {
            let sql = format!(
                "SELECT case_id FROM case_access WHERE staff_id = $1 AND case_id IN ({}) ORDER BY case_id",
                crate::directory::placeholders(2, chunk.len())
            );
            let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).bind(staff.to_string());
            for case in chunk {
                query = query.bind(case.to_string());
            }
            for id in query.fetch_all(&self.pool).await? {
                out.push(parse(&id, "case id")?);
            }
        }
        Ok(out)
    }
}

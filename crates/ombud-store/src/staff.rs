//! Staff accounts.

use crate::rows::StaffColumns;
use crate::sql::{Conn, all_rows};
use crate::*;
use async_trait::async_trait;
use ombud_domain::StaffId;

#[async_trait]
pub trait StaffStore: Send + Sync {
    /// Creates a staff account. If her role reads cases, she also gets a
    /// pending grant on every case she is not excluded from (the exclusions
    /// are recorded with it), completed by the next reader who opens it.
    async fn create_staff(&self, staff: &StaffRecord, exclusions: &[ExclusionRow]) -> Result<()>;
    async fn staff_by_email(&self, email: &str) -> Result<Option<StaffRecord>>;
    async fn staff_by_id(&self, id: StaffId) -> Result<Option<StaffRecord>>;
    async fn list_staff(&self) -> Result<Vec<StaffRecord>>;
    async fn set_staff_lang(&self, staff: StaffId, lang: &str) -> Result<()>;
    async fn set_staff_time_zone(&self, staff: StaffId, time_zone: Option<&str>) -> Result<()>;
}

#[async_trait]
impl StaffStore for SqlStore {
    async fn create_staff(&self, s: &StaffRecord, exclusions: &[ExclusionRow]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_staff_row(&mut tx, s).await?;
        if s.reads_cases() {
            grant_pending_everywhere(&mut tx, s.id, exclusions, s.created_at).await?;
        }
        Ok(tx.commit().await?)
    }

    async fn staff_by_email(&self, email: &str) -> Result<Option<StaffRecord>> {
        let row = sqlx::query_as::<_, StaffColumns>("SELECT * FROM staff WHERE email_key = $1")
            .bind(email_key(email))
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn staff_by_id(&self, id: StaffId) -> Result<Option<StaffRecord>> {
        let row = sqlx::query_as::<_, StaffColumns>("SELECT * FROM staff WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn list_staff(&self) -> Result<Vec<StaffRecord>> {
        all_rows::<StaffColumns, _>(&self.pool, "SELECT * FROM staff ORDER BY created_at, id").await
    }

    async fn set_staff_lang(&self, staff: StaffId, lang: &str) -> Result<()> {
        sqlx::query("UPDATE staff SET lang = $1 WHERE id = $2")
            .bind(lang)
            .bind(staff.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_staff_time_zone(&self, staff: StaffId, time_zone: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE staff SET time_zone = $1 WHERE id = $2")
            .bind(time_zone)
            .bind(staff.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

pub(crate) async fn insert_staff_row(conn: &mut Conn, s: &StaffRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO staff (id, email, email_key, name, role, created_at, public_key, sealed_secret, lang, time_zone,
                            status, employee_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(s.id.to_string())
    .bind(&s.email)
    .bind(email_key(&s.email))
    .bind(&s.name)
    .bind(s.role.as_str())
    .bind(millis(s.created_at))
    .bind(&s.public_key)
    .bind(&s.sealed_secret)
    .bind(&s.lang)
    .bind(&s.time_zone)
    .bind(s.status.as_str())
    .bind(&s.employee_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the exclusions the rule finds for her, then gives her a pending
/// grant on every other case she holds no row on: the next reader of each
/// completes it. Nothing is granted on a case she is excluded from, by
/// these exclusions or by any recorded before.
pub(crate) async fn grant_pending_everywhere(
    conn: &mut Conn,
    staff: StaffId,
    exclusions: &[ExclusionRow],
    at: jiff::Timestamp,
) -> Result<()> {
    let fresh: Vec<ExclusionRow> = {
        let mut fresh = Vec::new();
        for row in exclusions {
            let known: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM case_exclusions WHERE case_id = $1 AND staff_id = $2")
                    .bind(row.case_id.to_string())
                    .bind(row.staff_id.to_string())
                    .fetch_optional(&mut *conn)
                    .await?;
            if known.is_none() {
                fresh.push(row.clone());
            }
        }
        fresh
    };
    directory::insert_exclusions(conn, &fresh).await?;
    sqlx::query(
        "INSERT INTO case_access (case_id, staff_id, wrapped_key, granted_at)
         SELECT c.id, $1, NULL, $2 FROM cases c
         WHERE c.id NOT IN (SELECT case_id FROM case_exclusions WHERE staff_id = $1)
         ON CONFLICT (case_id, staff_id) DO NOTHING",
    )
    .bind(staff.to_string())
    .bind(millis(at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether she is active and still holds this public key, taking her row's
/// write lock until the caller's transaction ends: a wrap is written only to
/// the key she holds, and a disable or reset waits for it (and then removes
/// it) rather than passing it by.
pub(crate) async fn holds_key(conn: &mut Conn, staff: StaffId, public_key: &[u8]) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE staff SET session_epoch = session_epoch WHERE id = $1 AND status = 'active' AND public_key = $2",
    )
    .bind(staff.to_string())
    .bind(public_key)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

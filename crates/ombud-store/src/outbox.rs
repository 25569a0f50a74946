//! The outbox of content-free notices, and the leases that let one
//! instance of several run the job loop.

use crate::sql::{typed, unsigned};
use crate::*;
use async_trait::async_trait;
use jiff::Timestamp;

#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Claims up to `limit` notices due by `now` until `claim_until`; a notice
    /// claimed by another instance is never handed out twice.
    async fn claim_outbox(&self, now: Timestamp, claim_until: Timestamp, limit: u32) -> Result<Vec<OutboxItem>>;
    async fn outbox_sent(&self, id: &str, at: Timestamp) -> Result<()>;
    /// Counts a failed attempt and schedules the next one.
    async fn outbox_failed(&self, id: &str, next_attempt_at: Timestamp) -> Result<()>;
    async fn outbox_unsent(&self) -> Result<u64>;
    /// Takes or renews the named lease until `until`; false while another holder has it.
    async fn try_lease(&self, name: &str, holder: &str, now: Timestamp, until: Timestamp) -> Result<bool>;
}

#[async_trait]
impl OutboxStore for SqlStore {
    async fn claim_outbox(&self, now: Timestamp, claim_until: Timestamp, limit: u32) -> Result<Vec<OutboxItem>> {
        // The outer condition is checked again on the row being updated, so a
        // notice another instance claimed a moment earlier is skipped, not sent twice.
        let rows = sqlx::query_as::<_, OutboxColumns>(
            "UPDATE outbox SET claimed_until = $1
             WHERE sent_at IS NULL AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
               AND id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $2
                          AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY next_attempt_at LIMIT $3)
             RETURNING id, staff_id, kind, attempts",
        )
        .bind(millis(claim_until))
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn outbox_sent(&self, id: &str, at: Timestamp) -> Result<()> {
        sqlx::query("UPDATE outbox SET sent_at = $1, claimed_until = NULL WHERE id = $2")
            .bind(millis(at))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn outbox_failed(&self, id: &str, next_attempt_at: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, claimed_until = NULL WHERE id = $2",
        )
        .bind(millis(next_attempt_at))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn outbox_unsent(&self) -> Result<u64> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetch_one(&self.pool).await?;
        unsigned(n, "count")
    }

    async fn try_lease(&self, name: &str, holder: &str, now: Timestamp, until: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
             WHERE leases.holder = excluded.holder OR leases.expires_at < $4",
        )
        .bind(name)
        .bind(holder)
        .bind(millis(until))
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

#[derive(sqlx::FromRow)]
struct OutboxColumns {
    id: String,
    staff_id: String,
    kind: String,
    attempts: i64,
}

impl TryFrom<OutboxColumns> for OutboxItem {
    type Error = StoreError;
    fn try_from(c: OutboxColumns) -> Result<Self> {
        Ok(OutboxItem {
            id: c.id,
            staff_id: parse(&c.staff_id, "staff id")?,
            kind: c.kind,
            attempts: u32::try_from(c.attempts).unwrap_or(u32::MAX),
        })
    }
}

//! The organisation recovery key (DECISIONS #2): its public half, the
//! shares of its private half sealed to their holders, the case keys wrapped
//! to it, and the operations that need it with their approvals. Nothing here
//! is ever unlocked: every secret is sealed to someone's key.

use crate::ledger::append_staff_event;
use crate::sql::{Conn, typed, unsigned};
use crate::*;
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, RecoveryKind, StaffId};

/// A recovery key pair's public half and its current split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryKeyRow {
    pub id: uuid::Uuid,
    pub public_key: Vec<u8>,
    /// Shares of another split do not combine with this one's.
    pub split_id: uuid::Uuid,
    pub threshold: u32,
    /// New case keys are wrapped to the current key; a retiring one keeps
    /// its wraps until a rotation has rewrapped every case.
    pub current: bool,
    pub created_at: Timestamp,
}

/// One holder's share, sealed to the public key she held then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryShareRow {
    pub key_id: uuid::Uuid,
    pub holder: StaffId,
    pub holder_public: Vec<u8>,
    pub sealed: Vec<u8>,
}

/// An operation waiting for approvals, with its ephemeral key pair (the
/// private half sealed to its initiator only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryOperationRow {
    pub id: uuid::Uuid,
    pub kind: RecoveryKind,
    /// The key whose shares it needs, and their split.
    pub key_id: uuid::Uuid,
    pub split_id: uuid::Uuid,
    pub initiator: StaffId,
    pub case_id: Option<CaseId>,
    /// A resplit's or rotation's new holders and threshold.
    pub holders: Vec<StaffId>,
    pub new_threshold: Option<u32>,
    pub public_key: Vec<u8>,
    pub sealed_secret: Vec<u8>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A holder's approval: her share sealed again to the operation's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryApprovalRow {
    pub operation_id: uuid::Uuid,
    pub holder: StaffId,
    pub sealed_share: Vec<u8>,
    pub approved_at: Timestamp,
}

/// An operation and the approvals it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryOperation {
    pub row: RecoveryOperationRow,
    pub approvals: Vec<RecoveryApprovalRow>,
}

/// What finishing an operation changes in the key's rows, in the
/// transaction that deletes it.
#[derive(Clone, Debug)]
pub enum RecoveryChange {
    /// A case was recovered: the key's rows stay as they are.
    Nothing,
    /// The key's new split: its id, threshold and shares replace the old.
    Resplit { split_id: uuid::Uuid, threshold: u32, shares: Vec<RecoveryShareRow> },
    /// A new current key with its shares; the old one retires.
    Rotate { key: RecoveryKeyRow, shares: Vec<RecoveryShareRow> },
}

#[async_trait]
pub trait RecoveryStore: Send + Sync {
    /// The recovery keys, the current one first.
    async fn recovery_keys(&self) -> Result<Vec<RecoveryKeyRow>>;
    async fn recovery_shares(&self, key: uuid::Uuid) -> Result<Vec<RecoveryShareRow>>;
    /// Enables recovery: the first key with its shares and its leaf. False,
    /// with nothing written, when a key exists already.
    async fn enable_recovery(
        &self,
        key: &RecoveryKeyRow,
        shares: &[RecoveryShareRow],
        event: &StaffEventRecord,
    ) -> Result<bool>;
    /// A case's key wrapped to a recovery key.
    async fn recovery_wrap(&self, case: CaseId, key: uuid::Uuid) -> Result<Option<Vec<u8>>>;
    /// Writes a case's wrap to `key` unless it has one, and deletes its
    /// wraps to any other key (the old wrap goes once the new one exists).
    async fn put_recovery_wrap(&self, case: CaseId, key: uuid::Uuid, wrapped: &[u8]) -> Result<()>;
    /// Cases she holds a wrapped key for that have no wrap to `key`, with her
    /// wrapped key: what her session can complete.
    async fn wraps_lacking_recovery(
        &self,
        staff: StaffId,
        key: uuid::Uuid,
        limit: u32,
    ) -> Result<Vec<(CaseId, Vec<u8>)>>;
    /// Cases wrapped to `old` but not to `new`, with the old wrap: what a
    /// rotation's batch rewraps while the old key is in memory.
    async fn wraps_to_rotate(&self, old: uuid::Uuid, new: uuid::Uuid, limit: u32) -> Result<Vec<(CaseId, Vec<u8>)>>;
    /// How many cases have no wrap to `key`.
    async fn cases_lacking_recovery(&self, key: uuid::Uuid) -> Result<u64>;
    /// Deletes a retiring key and its shares once no case is wrapped to it
    /// alone; whether it did.
    async fn retire_recovery_key(&self, key: uuid::Uuid) -> Result<bool>;
    async fn start_recovery_operation(&self, op: &RecoveryOperationRow, event: &StaffEventRecord) -> Result<()>;
    /// Operations and their approvals, oldest first; expired ones (and their
    /// approvals) are deleted first.
    async fn recovery_operations(&self, now: Timestamp) -> Result<Vec<RecoveryOperation>>;
    /// Records an approval with its leaf; false if she approved it before or
    /// the operation is gone.
    async fn approve_recovery(&self, approval: &RecoveryApprovalRow, event: &StaffEventRecord) -> Result<bool>;
    /// Deletes a finished operation and its approvals, applies its change
    /// and records its leaf, in one transaction; false (nothing changed) if
    /// another request finished it first, or if it would re-split or rotate
    /// a key that another rotation has replaced since (it is deleted then).
    async fn finish_recovery(&self, op: uuid::Uuid, change: &RecoveryChange, event: &StaffEventRecord) -> Result<bool>;
    /// After secrets were deleted: SQLite truncates its write-ahead log so
    /// the deleted pages leave the disk (PostgreSQL keeps them until vacuum).
    async fn scrub_deleted(&self) -> Result<()>;
    /// Cases where an active reader waits for her wrapped key.
    async fn cases_with_pending_grants(&self) -> Result<Vec<CaseId>>;
    /// The case with this exact reference.
    async fn case_by_reference(&self, reference: &str) -> Result<Option<CaseId>>;
}

async fn insert_shares(conn: &mut Conn, shares: &[RecoveryShareRow]) -> Result<()> {
    for s in shares {
        sqlx::query("INSERT INTO recovery_shares (key_id, holder, holder_public, sealed) VALUES ($1, $2, $3, $4)")
            .bind(s.key_id.to_string())
            .bind(s.holder.to_string())
            .bind(&s.holder_public)
            .bind(&s.sealed)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn insert_key(conn: &mut Conn, key: &RecoveryKeyRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO recovery_keys (id, public_key, split_id, threshold, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(key.id.to_string())
    .bind(&key.public_key)
    .bind(key.split_id.to_string())
    .bind(i64::from(key.threshold))
    .bind(if key.current { "current" } else { "retiring" })
    .bind(millis(key.created_at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn delete_operation(conn: &mut Conn, op: &str) -> Result<bool> {
    sqlx::query("DELETE FROM recovery_approvals WHERE operation_id = $1").bind(op).execute(&mut *conn).await?;
    let done = sqlx::query("DELETE FROM recovery_operations WHERE id = $1").bind(op).execute(&mut *conn).await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes every operation waiting on a key, with its approvals.
async fn delete_operations_on(conn: &mut Conn, key_id: &str) -> Result<()> {
    let ops: Vec<String> = sqlx::query_scalar("SELECT id FROM recovery_operations WHERE key_id = $1")
        .bind(key_id)
        .fetch_all(&mut *conn)
        .await?;
    for op in &ops {
        delete_operation(conn, op).await?;
    }
    Ok(())
}

#[async_trait]
impl RecoveryStore for SqlStore {
    async fn recovery_keys(&self) -> Result<Vec<RecoveryKeyRow>> {
        crate::sql::all_rows::<KeyColumns, _>(
            &self.pool,
            "SELECT * FROM recovery_keys ORDER BY CASE state WHEN 'current' THEN 0 ELSE 1 END, created_at DESC",
        )
        .await
    }

    async fn recovery_shares(&self, key: uuid::Uuid) -> Result<Vec<RecoveryShareRow>> {
        let rows = sqlx::query_as::<_, ShareColumns>("SELECT * FROM recovery_shares WHERE key_id = $1 ORDER BY holder")
            .bind(key.to_string())
            .fetch_all(&self.pool)
            .await?;
        typed(rows)
    }

    async fn enable_recovery(
        &self,
        key: &RecoveryKeyRow,
        shares: &[RecoveryShareRow],
        event: &StaffEventRecord,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        // Two members enabling at once: the second finds the first's key.
        if self.dialect() == Dialect::Postgres {
            sqlx::query("LOCK TABLE recovery_keys IN EXCLUSIVE MODE").execute(&mut *tx).await?;
        }
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM recovery_keys LIMIT 1").fetch_optional(&mut *tx).await?;
        if existing.is_some() {
            return Ok(false);
        }
        insert_key(&mut tx, key).await?;
        insert_shares(&mut tx, shares).await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn recovery_wrap(&self, case: CaseId, key: uuid::Uuid) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT wrapped_key FROM recovery_wraps WHERE case_id = $1 AND key_id = $2")
            .bind(case.to_string())
            .bind(key.to_string())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn put_recovery_wrap(&self, case: CaseId, key: uuid::Uuid, wrapped: &[u8]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let (case, key) = (case.to_string(), key.to_string());
        // Only to a key that still exists (a rotation may have ended it).
        sqlx::query(
            "INSERT INTO recovery_wraps (case_id, key_id, wrapped_key)
             SELECT $1, id, $3 FROM recovery_keys WHERE id = $2 AND state = 'current'
             ON CONFLICT (case_id, key_id) DO NOTHING",
        )
        .bind(&case)
        .bind(&key)
        .bind(wrapped)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM recovery_wraps WHERE case_id = $1 AND key_id <> $2
             AND EXISTS (SELECT 1 FROM recovery_wraps w WHERE w.case_id = $1 AND w.key_id = $2)",
        )
        .bind(&case)
        .bind(&key)
        .execute(&mut *tx)
        .await?;
        Ok(tx.commit().await?)
    }

    async fn wraps_lacking_recovery(
        &self,
        staff: StaffId,
        key: uuid::Uuid,
        limit: u32,
    ) -> Result<Vec<(CaseId, Vec<u8>)>> {
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT a.case_id, a.wrapped_key FROM case_access a
             WHERE a.staff_id = $1 AND a.wrapped_key IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM recovery_wraps w WHERE w.case_id = a.case_id AND w.key_id = $2)
             ORDER BY a.case_id LIMIT $3",
        )
        .bind(staff.to_string())
        .bind(key.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(case, wrapped)| Ok((parse(&case, "case id")?, wrapped))).collect()
    }

    async fn wraps_to_rotate(&self, old: uuid::Uuid, new: uuid::Uuid, limit: u32) -> Result<Vec<(CaseId, Vec<u8>)>> {
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT o.case_id, o.wrapped_key FROM recovery_wraps o
             WHERE o.key_id = $1
               AND NOT EXISTS (SELECT 1 FROM recovery_wraps w WHERE w.case_id = o.case_id AND w.key_id = $2)
             ORDER BY o.case_id LIMIT $3",
        )
        .bind(old.to_string())
        .bind(new.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(case, wrapped)| Ok((parse(&case, "case id")?, wrapped))).collect()
    }

    async fn cases_lacking_recovery(&self, key: uuid::Uuid) -> Result<u64> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases c
             WHERE NOT EXISTS (SELECT 1 FROM recovery_wraps w WHERE w.case_id = c.id AND w.key_id = $1)",
        )
        .bind(key.to_string())
        .fetch_one(&self.pool)
        .await?;
        unsigned(count, "count")
    }

    async fn retire_recovery_key(&self, key: uuid::Uuid) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let key = key.to_string();
        let left: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM recovery_wraps WHERE key_id = $1
             UNION ALL SELECT 1 FROM item_recovery_wraps WHERE key_id = $1 LIMIT 1",
        )
        .bind(&key)
        .fetch_optional(&mut *tx)
        .await?;
        let waiting: Option<i64> = sqlx::query_scalar("SELECT 1 FROM recovery_operations WHERE key_id = $1 LIMIT 1")
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await?;
        if left.is_some() || waiting.is_some() {
            return Ok(false);
        }
        sqlx::query("DELETE FROM recovery_shares WHERE key_id = $1").bind(&key).execute(&mut *tx).await?;
        let done = sqlx::query("DELETE FROM recovery_keys WHERE id = $1 AND state = 'retiring'")
            .bind(&key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn start_recovery_operation(&self, op: &RecoveryOperationRow, event: &StaffEventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let holders: Vec<String> = op.holders.iter().map(ToString::to_string).collect();
        sqlx::query(
            "INSERT INTO recovery_operations (id, kind, key_id, split_id, initiator, case_id, holders, new_threshold,
                                              public_key, sealed_secret, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(op.id.to_string())
        .bind(op.kind.as_str())
        .bind(op.key_id.to_string())
        .bind(op.split_id.to_string())
        .bind(op.initiator.to_string())
        .bind(op.case_id.map(|c| c.to_string()))
        .bind(holders.join(","))
        .bind(op.new_threshold.map(i64::from))
        .bind(&op.public_key)
        .bind(&op.sealed_secret)
        .bind(millis(op.created_at))
        .bind(millis(op.expires_at))
        .execute(&mut *tx)
        .await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn recovery_operations(&self, now: Timestamp) -> Result<Vec<RecoveryOperation>> {
        let expired: Vec<String> = sqlx::query_scalar("SELECT id FROM recovery_operations WHERE expires_at <= $1")
            .bind(millis(now))
            .fetch_all(&self.pool)
            .await?;
        if !expired.is_empty() {
            let mut tx = self.pool.begin().await?;
            for op in &expired {
                delete_operation(&mut tx, op).await?;
            }
            tx.commit().await?;
            self.scrub_deleted().await?;
        }
        let ops: Vec<RecoveryOperationRow> = crate::sql::all_rows::<OperationColumns, _>(
            &self.pool,
            "SELECT * FROM recovery_operations ORDER BY created_at, id",
        )
        .await?;
        let approvals: Vec<RecoveryApprovalRow> = crate::sql::all_rows::<ApprovalColumns, _>(
            &self.pool,
            "SELECT * FROM recovery_approvals ORDER BY approved_at, holder",
        )
        .await?;
        Ok(ops
            .into_iter()
            .map(|row| {
                let approvals = approvals.iter().filter(|a| a.operation_id == row.id).cloned().collect();
                RecoveryOperation { row, approvals }
            })
            .collect())
    }

    async fn approve_recovery(&self, approval: &RecoveryApprovalRow, event: &StaffEventRecord) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "INSERT INTO recovery_approvals (operation_id, holder, sealed_share, approved_at)
             SELECT id, $2, $3, $4 FROM recovery_operations WHERE id = $1 AND expires_at > $4
             ON CONFLICT (operation_id, holder) DO NOTHING",
        )
        .bind(approval.operation_id.to_string())
        .bind(approval.holder.to_string())
        .bind(&approval.sealed_share)
        .bind(millis(approval.approved_at))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        append_staff_event(&mut tx, event, self.actors()).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn finish_recovery(&self, op: uuid::Uuid, change: &RecoveryChange, event: &StaffEventRecord) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let key_id: Option<String> = sqlx::query_scalar("SELECT key_id FROM recovery_operations WHERE id = $1")
            .bind(op.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(key_id) = key_id else {
            return Ok(false);
        };
        if !delete_operation(&mut tx, &op.to_string()).await? {
            return Ok(false);
        }
        // A re-split or rotation asked before another rotation replaced its
        // key would act on a key that is no longer current: it ends undone.
        let current: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM recovery_keys WHERE id = $1 AND state = 'current'")
                .bind(&key_id)
                .fetch_optional(&mut *tx)
                .await?;
        if current.is_none() && !matches!(change, RecoveryChange::Nothing) {
            tx.commit().await?;
            return Ok(false);
        }
        match change {
            RecoveryChange::Nothing => {}
            RecoveryChange::Resplit { split_id, threshold, shares } => {
                sqlx::query("DELETE FROM recovery_shares WHERE key_id = $1").bind(&key_id).execute(&mut *tx).await?;
                sqlx::query("UPDATE recovery_keys SET split_id = $1, threshold = $2 WHERE id = $3")
                    .bind(split_id.to_string())
                    .bind(i64::from(*threshold))
                    .bind(&key_id)
                    .execute(&mut *tx)
                    .await?;
                // Operations on the old split can never gather its shares again.
                delete_operations_on(&mut tx, &key_id).await?;
                insert_shares(&mut tx, shares).await?;
            }
            RecoveryChange::Rotate { key, shares } => {
                sqlx::query("UPDATE recovery_keys SET state = 'retiring' WHERE id = $1")
                    .bind(&key_id)
                    .execute(&mut *tx)
                    .await?;
                // What waited on the old key waits no more: its holders may
                // have left, and its cases are rewrapped to the new key.
                delete_operations_on(&mut tx, &key_id).await?;
                insert_key(&mut tx, key).await?;
                insert_shares(&mut tx, shares).await?;
            }
        }
        append_staff_event(&mut tx, event, self.actors()).await?;
        tx.commit().await?;
        self.scrub_deleted().await?;
        Ok(true)
    }

    async fn scrub_deleted(&self) -> Result<()> {
        if self.dialect() == Dialect::Sqlite {
            // secure_delete zeroed the freed pages; the log's copies go with
            // the truncation. A busy reader makes it a partial checkpoint,
            // which the next one completes.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await?;
        }
        Ok(())
    }

    async fn cases_with_pending_grants(&self) -> Result<Vec<CaseId>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT a.case_id FROM case_access a JOIN staff s ON s.id = a.staff_id
             WHERE a.wrapped_key IS NULL AND s.status = 'active' ORDER BY a.case_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|c| parse(c, "case id")).collect()
    }

    async fn case_by_reference(&self, reference: &str) -> Result<Option<CaseId>> {
        let id: Option<String> = sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&self.pool)
            .await?;
        id.map(|id| parse(&id, "case id")).transpose()
    }
}

#[derive(sqlx::FromRow)]
struct KeyColumns {
    id: String,
    public_key: Vec<u8>,
    split_id: String,
    threshold: i64,
    state: String,
    created_at: i64,
}

impl TryFrom<KeyColumns> for RecoveryKeyRow {
    type Error = StoreError;
    fn try_from(c: KeyColumns) -> Result<Self> {
        Ok(RecoveryKeyRow {
            id: parse(&c.id, "recovery key id")?,
            public_key: c.public_key,
            split_id: parse(&c.split_id, "split id")?,
            threshold: u32::try_from(c.threshold).map_err(|_| StoreError::Corrupt("threshold".into()))?,
            current: c.state == "current",
            created_at: from_millis(c.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ShareColumns {
    key_id: String,
    holder: String,
    holder_public: Vec<u8>,
    sealed: Vec<u8>,
}

impl TryFrom<ShareColumns> for RecoveryShareRow {
    type Error = StoreError;
    fn try_from(c: ShareColumns) -> Result<Self> {
        Ok(RecoveryShareRow {
            key_id: parse(&c.key_id, "recovery key id")?,
            holder: parse(&c.holder, "staff id")?,
            holder_public: c.holder_public,
            sealed: c.sealed,
        })
    }
}

#[derive(sqlx::FromRow)]
struct OperationColumns {
    id: String,
    kind: String,
    key_id: String,
    split_id: String,
    initiator: String,
    case_id: Option<String>,
    holders: String,
    new_threshold: Option<i64>,
    public_key: Vec<u8>,
    sealed_secret: Vec<u8>,
    created_at: i64,
    expires_at: i64,
}

impl TryFrom<OperationColumns> for RecoveryOperationRow {
    type Error = StoreError;
    fn try_from(c: OperationColumns) -> Result<Self> {
        Ok(RecoveryOperationRow {
            id: parse(&c.id, "operation id")?,
            kind: parse(&c.kind, "recovery kind")?,
            key_id: parse(&c.key_id, "recovery key id")?,
            split_id: parse(&c.split_id, "split id")?,
            initiator: parse(&c.initiator, "staff id")?,
            case_id: c.case_id.as_deref().map(|c| parse(c, "case id")).transpose()?,
            holders: c
                .holders
                .split(',')
                .filter(|h| !h.is_empty())
                .map(|h| parse(h, "staff id"))
                .collect::<Result<_>>()?,
            new_threshold: c
                .new_threshold
                .map(|t| u32::try_from(t).map_err(|_| StoreError::Corrupt("threshold".into())))
                .transpose()?,
            public_key: c.public_key,
            sealed_secret: c.sealed_secret,
            created_at: from_millis(c.created_at)?,
            expires_at: from_millis(c.expires_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ApprovalColumns {
    operation_id: String,
    holder: String,
    sealed_share: Vec<u8>,
    approved_at: i64,
}

impl TryFrom<ApprovalColumns> for RecoveryApprovalRow {
    type Error = StoreError;
    fn try_from(c: ApprovalColumns) -> Result<Self> {
        Ok(RecoveryApprovalRow {
            operation_id: parse(&c.operation_id, "operation id")?,
            holder: parse(&c.holder, "staff id")?,
            sealed_share: c.sealed_share,
            approved_at: from_millis(c.approved_at)?,
        })
    }
}

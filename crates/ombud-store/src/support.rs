//! Statements a supporter adds to a case (DECISIONS #19): each under its own
//! item key, wrapped to the readers the conflict rules allow, with the
//! readers they kept out remembered for every later grant and recovery.

use crate::ledger::append_staff_event;
use crate::sql::Conn;
use crate::*;
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, StaffId};

/// A statement's row: which case, and its sealed content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseItemRow {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub kind: String,
    pub sealed: Vec<u8>,
    pub created_at: Timestamp,
}

/// Her receipt's record: it opens the item key, nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupportReceiptRow {
    pub lookup: Vec<u8>,
    pub item_id: uuid::Uuid,
    pub kdf: Vec<u8>,
    pub wrapped_key: Vec<u8>,
}

/// One message of her thread with the handlers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemMessageRow {
    pub id: uuid::Uuid,
    pub item_id: uuid::Uuid,
    pub at: Timestamp,
    /// None: she wrote it.
    pub staff_id: Option<StaffId>,
    pub sealed: Vec<u8>,
}

/// Everything a new statement writes, in one transaction.
#[derive(Clone, Debug)]
pub struct NewSupport {
    pub item: CaseItemRow,
    pub wraps: Vec<ItemWrap>,
    pub exclusions: Vec<StaffId>,
    /// The item key wrapped to the current recovery key (its id).
    pub recovery: Option<(uuid::Uuid, Vec<u8>)>,
    pub receipt: SupportReceiptRow,
    pub protected: Vec<ProtectedRow>,
    /// Her identity tokens, so the rules run again on her for every later reader.
    pub tokens: Vec<Vec<u8>>,
    /// Content-free notices to the readers it was wrapped to.
    pub notices: Vec<StaffNotice>,
    pub event: StaffEventRecord,
}

#[async_trait]
pub trait SupportStore: Send + Sync {
    async fn create_support(&self, new: &NewSupport) -> Result<()>;
    async fn support_receipt(&self, lookup: &[u8]) -> Result<Option<SupportReceiptRow>>;
    async fn case_item(&self, id: uuid::Uuid) -> Result<Option<CaseItemRow>>;
    /// The items of a case this reader holds a wrap for, oldest first, with her wrap.
    async fn case_items_for(&self, case: CaseId, staff: StaffId) -> Result<Vec<(CaseItemRow, Vec<u8>)>>;
    async fn item_excluded(&self, item: uuid::Uuid) -> Result<Vec<StaffId>>;
    /// Wraps an item to readers who lack one, unless kept out of it; how many.
    async fn grant_item(&self, wraps: &[ItemWrap]) -> Result<u64>;
    async fn item_messages(&self, item: uuid::Uuid) -> Result<Vec<ItemMessageRow>>;
    /// A message of her thread, its leaf and its content-free notices.
    async fn add_item_message(
        &self,
        message: &ItemMessageRow,
        event: &StaffEventRecord,
        notices: &[StaffNotice],
    ) -> Result<()>;
    /// The supporter's identity tokens.
    async fn item_tokens(&self, item: uuid::Uuid) -> Result<Vec<Vec<u8>>>;
    /// Keeps a reader out of a statement, for good.
    async fn exclude_from_item(&self, item: uuid::Uuid, staff: StaffId) -> Result<()>;
    async fn item_recovery_wrap(&self, item: uuid::Uuid, key: uuid::Uuid) -> Result<Option<Vec<u8>>>;
    async fn put_item_recovery_wrap(&self, item: uuid::Uuid, key: uuid::Uuid, wrapped: &[u8]) -> Result<()>;
    /// Items wrapped to `old` but not to `new`, with the old wrap (a rotation's batch).
    async fn item_wraps_to_rotate(
        &self,
        old: uuid::Uuid,
        new: uuid::Uuid,
        limit: u32,
    ) -> Result<Vec<(uuid::Uuid, Vec<u8>)>>;
    async fn items_of_case(&self, case: CaseId) -> Result<Vec<CaseItemRow>>;
}

async fn insert_wrap_unless_kept_out(conn: &mut Conn, w: &ItemWrap) -> Result<u64> {
    // Only to an active reader of the case who still holds the key it was
    // wrapped to, and was not kept out of the statement.
    let done = sqlx::query(
        "INSERT INTO item_wraps (item_id, staff_id, wrapped_key)
         SELECT $1, s.id, $3 FROM staff s WHERE s.id = $2 AND s.status = 'active' AND s.public_key = $4
           AND NOT EXISTS (SELECT 1 FROM item_exclusions x WHERE x.item_id = $1 AND x.staff_id = s.id)
           AND EXISTS (SELECT 1 FROM case_access a JOIN case_items i ON i.case_id = a.case_id
                       WHERE i.id = $1 AND a.staff_id = s.id)
         ON CONFLICT (item_id, staff_id) DO NOTHING",
    )
    .bind(&w.item_id)
    .bind(w.staff_id.to_string())
    .bind(&w.wrapped_key)
    .bind(&w.public_key)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

#[async_trait]
impl SupportStore for SqlStore {
    async fn create_support(&self, new: &NewSupport) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let item = &new.item;
        sqlx::query("INSERT INTO case_items (id, case_id, kind, sealed, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(item.id.to_string())
            .bind(item.case_id.to_string())
            .bind(&item.kind)
            .bind(&item.sealed)
            .bind(millis(item.created_at))
            .execute(&mut *tx)
            .await?;
        for staff in &new.exclusions {
            sqlx::query("INSERT INTO item_exclusions (item_id, staff_id) VALUES ($1, $2)")
                .bind(item.id.to_string())
                .bind(staff.to_string())
                .execute(&mut *tx)
                .await?;
        }
        for token in &new.tokens {
            sqlx::query(
                "INSERT INTO item_tokens (item_id, token) VALUES ($1, $2) ON CONFLICT (item_id, token) DO NOTHING",
            )
            .bind(item.id.to_string())
            .bind(token)
            .execute(&mut *tx)
            .await?;
        }
        for w in &new.wraps {
            insert_wrap_unless_kept_out(&mut tx, w).await?;
        }
        for n in &new.notices {
            crate::accounts::queue_notice(&mut tx, n).await?;
        }
        if let Some((key, wrapped)) = &new.recovery {
            sqlx::query(
                "INSERT INTO item_recovery_wraps (item_id, key_id, wrapped_key)
                 SELECT $1, id, $3 FROM recovery_keys WHERE id = $2 AND state = 'current'",
            )
            .bind(item.id.to_string())
            .bind(key.to_string())
            .bind(wrapped)
            .execute(&mut *tx)
            .await?;
        }
        let r = &new.receipt;
        sqlx::query("INSERT INTO support_receipts (lookup, item_id, kdf, wrapped_key) VALUES ($1, $2, $3, $4)")
            .bind(&r.lookup)
            .bind(r.item_id.to_string())
            .bind(&r.kdf)
            .bind(&r.wrapped_key)
            .execute(&mut *tx)
            .await?;
        for p in &new.protected {
            crate::retaliation::insert_protected(&mut tx, p).await?;
        }
        append_staff_event(&mut tx, &new.event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn support_receipt(&self, lookup: &[u8]) -> Result<Option<SupportReceiptRow>> {
        let row: Option<(Vec<u8>, String, Vec<u8>, Vec<u8>)> =
            sqlx::query_as("SELECT lookup, item_id, kdf, wrapped_key FROM support_receipts WHERE lookup = $1")
                .bind(lookup)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(lookup, item, kdf, wrapped_key)| {
            Ok(SupportReceiptRow { lookup, item_id: parse(&item, "item id")?, kdf, wrapped_key })
        })
        .transpose()
    }

    async fn case_item(&self, id: uuid::Uuid) -> Result<Option<CaseItemRow>> {
        sqlx::query_as::<_, ItemColumns>("SELECT * FROM case_items WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .map(CaseItemRow::try_from)
            .transpose()
    }

    async fn case_items_for(&self, case: CaseId, staff: StaffId) -> Result<Vec<(CaseItemRow, Vec<u8>)>> {
        let rows: Vec<(String, String, String, Vec<u8>, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT i.id, i.case_id, i.kind, i.sealed, i.created_at, w.wrapped_key
             FROM case_items i JOIN item_wraps w ON w.item_id = i.id
             WHERE i.case_id = $1 AND w.staff_id = $2 ORDER BY i.created_at, i.id",
        )
        .bind(case.to_string())
        .bind(staff.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, case_id, kind, sealed, created_at, wrap)| {
                let item = ItemColumns { id, case_id, kind, sealed, created_at }.try_into()?;
                Ok((item, wrap))
            })
            .collect()
    }

    async fn item_excluded(&self, item: uuid::Uuid) -> Result<Vec<StaffId>> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT staff_id FROM item_exclusions WHERE item_id = $1")
            .bind(item.to_string())
            .fetch_all(&self.pool)
            .await?;
        ids.iter().map(|s| parse(s, "staff id")).collect()
    }

    async fn grant_item(&self, wraps: &[ItemWrap]) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let mut granted = 0;
        for w in wraps {
            granted += insert_wrap_unless_kept_out(&mut tx, w).await?;
        }
        tx.commit().await?;
        Ok(granted)
    }

    async fn item_messages(&self, item: uuid::Uuid) -> Result<Vec<ItemMessageRow>> {
        let rows: Vec<(String, String, i64, Option<String>, Vec<u8>)> = sqlx::query_as(
            "SELECT id, item_id, at, staff_id, sealed FROM item_messages WHERE item_id = $1 ORDER BY at, id",
        )
        .bind(item.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, item_id, at, staff, sealed)| {
                Ok(ItemMessageRow {
                    id: parse(&id, "message id")?,
                    item_id: parse(&item_id, "item id")?,
                    at: from_millis(at)?,
                    staff_id: staff.map(|s| parse(&s, "staff id")).transpose()?,
                    sealed,
                })
            })
            .collect()
    }

    async fn item_tokens(&self, item: uuid::Uuid) -> Result<Vec<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT token FROM item_tokens WHERE item_id = $1 ORDER BY token")
            .bind(item.to_string())
            .fetch_all(&self.pool)
            .await?)
    }

    async fn exclude_from_item(&self, item: uuid::Uuid, staff: StaffId) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO item_exclusions (item_id, staff_id, from_case) VALUES ($1, $2, 0)
             ON CONFLICT (item_id, staff_id) DO UPDATE SET from_case = 0",
        )
        .bind(item.to_string())
        .bind(staff.to_string())
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM item_wraps WHERE item_id = $1 AND staff_id = $2")
            .bind(item.to_string())
            .bind(staff.to_string())
            .execute(&mut *tx)
            .await?;
        Ok(tx.commit().await?)
    }

    async fn add_item_message(
        &self,
        m: &ItemMessageRow,
        event: &StaffEventRecord,
        notices: &[StaffNotice],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO item_messages (id, item_id, at, staff_id, sealed) VALUES ($1, $2, $3, $4, $5)")
            .bind(m.id.to_string())
            .bind(m.item_id.to_string())
            .bind(millis(m.at))
            .bind(m.staff_id.map(|s| s.to_string()))
            .bind(&m.sealed)
            .execute(&mut *tx)
            .await?;
        for n in notices {
            crate::accounts::queue_notice(&mut tx, n).await?;
        }
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn item_recovery_wrap(&self, item: uuid::Uuid, key: uuid::Uuid) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT wrapped_key FROM item_recovery_wraps WHERE item_id = $1 AND key_id = $2")
            .bind(item.to_string())
            .bind(key.to_string())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn item_wraps_to_rotate(
        &self,
        old: uuid::Uuid,
        new: uuid::Uuid,
        limit: u32,
    ) -> Result<Vec<(uuid::Uuid, Vec<u8>)>> {
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT o.item_id, o.wrapped_key FROM item_recovery_wraps o
             WHERE o.key_id = $1
               AND NOT EXISTS (SELECT 1 FROM item_recovery_wraps w WHERE w.item_id = o.item_id AND w.key_id = $2)
             ORDER BY o.item_id LIMIT $3",
        )
        .bind(old.to_string())
        .bind(new.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(item, wrapped)| Ok((parse(&item, "item id")?, wrapped))).collect()
    }

    async fn items_of_case(&self, case: CaseId) -> Result<Vec<CaseItemRow>> {
        let rows =
            sqlx::query_as::<_, ItemColumns>("SELECT * FROM case_items WHERE case_id = $1 ORDER BY created_at, id")
                .bind(case.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(CaseItemRow::try_from).collect()
    }

    async fn put_item_recovery_wrap(&self, item: uuid::Uuid, key: uuid::Uuid, wrapped: &[u8]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO item_recovery_wraps (item_id, key_id, wrapped_key)
             SELECT $1, id, $3 FROM recovery_keys WHERE id = $2 AND state = 'current'
             ON CONFLICT (item_id, key_id) DO NOTHING",
        )
        .bind(item.to_string())
        .bind(key.to_string())
        .bind(wrapped)
        .execute(&mut *tx)
        .await?;
        // The old wrap goes only once the new one exists.
        sqlx::query(
            "DELETE FROM item_recovery_wraps WHERE item_id = $1 AND key_id <> $2
             AND EXISTS (SELECT 1 FROM item_recovery_wraps w WHERE w.item_id = $1 AND w.key_id = $2)",
        )
        .bind(item.to_string())
        .bind(key.to_string())
        .execute(&mut *tx)
        .await?;
        Ok(tx.commit().await?)
    }
}

#[derive(sqlx::FromRow)]
struct ItemColumns {
    id: String,
    case_id: String,
    kind: String,
    sealed: Vec<u8>,
    created_at: i64,
}

impl TryFrom<ItemColumns> for CaseItemRow {
    type Error = StoreError;
    fn try_from(c: ItemColumns) -> Result<Self> {
        Ok(CaseItemRow {
            id: parse(&c.id, "item id")?,
            case_id: parse(&c.case_id, "case id")?,
            kind: c.kind,
            sealed: c.sealed,
            created_at: from_millis(c.created_at)?,
        })
    }
}

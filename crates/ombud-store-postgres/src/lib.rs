//! The scale-out backend: PostgreSQL through sqlx, migrations in `migrations/`.
//! Same contract and suite as the SQLite backend; only the SQL dialect differs.
#![forbid(unsafe_code)]

pub mod testdb;

mod directory;

use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{AttachmentId, CaseId, CaseStatus, StaffId};
use ombud_store::*;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgPool, Row};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

fn backend(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_owned()),
        _ => StoreError::Backend(e.to_string()),
    }
}

impl PgStore {
    /// Connects to a `postgres://` URL and runs migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url).map_err(backend)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations").run(&pool).await.map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

fn case_from_row(row: &PgRow) -> Result<CaseRecord> {
    let get = |e: sqlx::Error| StoreError::Corrupt(e.to_string());
    CaseColumns {
        id: row.try_get("id").map_err(get)?,
        reference: row.try_get("reference").map_err(get)?,
        category: row.try_get("category").map_err(get)?,
        status: row.try_get("status").map_err(get)?,
        received_at: row.try_get("received_at").map_err(get)?,
        acknowledged_at: row.try_get("acknowledged_at").map_err(get)?,
        updated_at: row.try_get("updated_at").map_err(get)?,
        escalated_at: row.try_get("escalated_at").map_err(get)?,
    }
    .try_into()
}

fn staff_from_row(row: &PgRow) -> Result<StaffRecord> {
    let get = |e: sqlx::Error| StoreError::Corrupt(e.to_string());
    StaffColumns {
        id: row.try_get("id").map_err(get)?,
        email: row.try_get("email").map_err(get)?,
        name: row.try_get("name").map_err(get)?,
        role: row.try_get("role").map_err(get)?,
        created_at: row.try_get("created_at").map_err(get)?,
        public_key: row.try_get("public_key").map_err(get)?,
        sealed_secret: row.try_get("sealed_secret").map_err(get)?,
        lang: row.try_get("lang").map_err(get)?,
        time_zone: row.try_get("time_zone").map_err(get)?,
    }
    .try_into()
}

fn col<'r, T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>>(row: &'r PgRow, name: &str) -> Result<T> {
    row.try_get(name).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn event_from_row(row: &PgRow) -> Result<EventRecord> {
    EventColumns {
        id: col(row, "id")?,
        case_id: col(row, "case_id")?,
        kind: col(row, "kind")?,
        at: col(row, "at")?,
        actor_kind: col(row, "actor_kind")?,
        staff_id: col(row, "staff_id")?,
        payload_hash: col(row, "payload_hash")?,
        leaf_index: col(row, "leaf_index")?,
    }
    .try_into()
}

const CASE_COLUMNS: &str = "id, reference, category, status, received_at, acknowledged_at, updated_at, escalated_at";

/// The ledger's view of an open transaction.
struct PgLedger<'c>(&'c mut sqlx::PgConnection);

impl ombud_store::ledger::LedgerTx for PgLedger<'_> {
    async fn next_leaf_index(&mut self) -> Result<u64> {
        let next: i64 = sqlx::query_scalar("UPDATE ledger_head SET size = size + 1 WHERE id = 1 RETURNING size - 1")
            .fetch_one(&mut *self.0)
            .await
            .map_err(backend)?;
        u64::try_from(next).map_err(|_| StoreError::Corrupt("ledger size".into()))
    }

    async fn case_reference(&mut self, case: CaseId) -> Result<String> {
        sqlx::query_scalar("SELECT reference FROM cases WHERE id = $1")
            .bind(case.to_string())
            .fetch_one(&mut *self.0)
            .await
            .map_err(backend)
    }

    async fn ledger_node(&mut self, id: NodeId) -> Result<Option<Hash>> {
        let bytes: Option<Vec<u8>> = sqlx::query_scalar("SELECT hash FROM ledger_hashes WHERE level = $1 AND idx = $2")
            .bind(i64::from(id.level))
            .bind(index(id.index)?)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(backend)?;
        bytes.map(ombud_store::ledger::hash_from).transpose()
    }

    async fn put_ledger_node(&mut self, id: NodeId, hash: Hash) -> Result<()> {
        sqlx::query("INSERT INTO ledger_hashes (level, idx, hash) VALUES ($1, $2, $3)")
            .bind(i64::from(id.level))
            .bind(index(id.index)?)
            .bind(hash.to_vec())
            .execute(&mut *self.0)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn insert_event_row(&mut self, e: &EventRecord, leaf_index: u64) -> Result<()> {
        sqlx::query(
            "INSERT INTO events (id, case_id, kind, at, actor_kind, staff_id, payload_hash, leaf_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.id.to_string())
        .bind(e.case_id.to_string())
        .bind(e.kind.as_str())
        .bind(millis(e.at))
        .bind(e.actor.kind())
        .bind(e.actor.staff_id())
        .bind(e.payload_hash.to_vec())
        .bind(index(leaf_index)?)
        .execute(&mut *self.0)
        .await
        .map_err(backend)?;
        Ok(())
    }
}

fn index(i: u64) -> Result<i64> {
    i64::try_from(i).map_err(|_| StoreError::Corrupt("index out of range".into()))
}

async fn insert_deadline(conn: &mut sqlx::PgConnection, d: &DeadlineRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO deadlines (id, case_id, kind, due_at, met_at, reminded_at, escalated_at, created_at, subject)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(d.id.to_string())
    .bind(d.case_id.to_string())
    .bind(d.kind.as_str())
    .bind(millis(d.due_at))
    .bind(d.met_at.map(millis))
    .bind(d.reminded_at.map(millis))
    .bind(d.escalated_at.map(millis))
    .bind(millis(d.created_at))
    .bind(d.subject.map(|s| s.to_string()))
    .execute(&mut *conn)
    .await
    .map_err(backend)?;
    Ok(())
}

fn change_from_row(row: &PgRow) -> Result<DeadlineChangeRow> {
    Ok(DeadlineChangeRow {
        change: DeadlineChange {
            id: parse(&col::<String>(row, "id")?, "change id")?,
            deadline_id: parse(&col::<String>(row, "deadline_id")?, "deadline id")?,
            case_id: parse(&col::<String>(row, "case_id")?, "case id")?,
            kind: col(row, "kind")?,
            old_due: from_millis(col(row, "old_due")?)?,
            new_due: from_millis(col(row, "new_due")?)?,
            at: from_millis(col(row, "at")?)?,
            staff: parse(&col::<String>(row, "staff_id")?, "staff id")?,
            sealed_justification: col(row, "sealed_justification")?,
            sealed_for_reporter: col(row, "sealed_for_reporter")?,
        },
        deadline_kind: parse(&col::<String>(row, "deadline_kind")?, "deadline kind")?,
        case_ref: col(row, "reference")?,
    })
}

fn deadline_from_row(row: &PgRow) -> Result<DeadlineRow> {
    DeadlineColumns {
        id: col(row, "id")?,
        case_id: col(row, "case_id")?,
        kind: col(row, "kind")?,
        due_at: col(row, "due_at")?,
        met_at: col(row, "met_at")?,
        reminded_at: col(row, "reminded_at")?,
        escalated_at: col(row, "escalated_at")?,
        created_at: col(row, "created_at")?,
        subject: col(row, "subject")?,
    }
    .try_into()
}

fn escalation_from_row(row: &PgRow) -> Result<EscalationRow> {
    EscalationColumns {
        id: col(row, "id")?,
        case_id: col(row, "case_id")?,
        case_ref: col(row, "case_ref")?,
        cause: col(row, "cause")?,
        deadline_kind: col(row, "deadline_kind")?,
        deadline_due: col(row, "deadline_due")?,
        created_at: col(row, "created_at")?,
    }
    .try_into()
}

async fn insert_event(conn: &mut sqlx::PgConnection, e: &EventRecord) -> Result<()> {
    ombud_store::ledger::append_event(&mut PgLedger(conn), e).await.map(|_| ())
}

async fn insert_attachment(conn: &mut sqlx::PgConnection, a: &NewAttachment) -> Result<()> {
    let m = &a.meta;
    sqlx::query(
        "INSERT INTO attachments (id, case_id, message_id, created_at, size, sealed_meta, sealed_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(m.id.to_string())
    .bind(m.case_id.to_string())
    .bind(m.message_id.map(|id| id.to_string()))
    .bind(millis(m.created_at))
    .bind(i64::try_from(m.size).map_err(|_| StoreError::Corrupt("size".into()))?)
    .bind(&m.sealed_meta)
    .bind(&a.sealed_body)
    .execute(&mut *conn)
    .await
    .map_err(backend)?;
    Ok(())
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)
    }

    async fn meta_put_if_absent(&self, key: &str, value: &[u8]) -> Result<bool> {
        let done = sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn create_staff(&self, s: &StaffRecord, exclusions: &[ExclusionRow]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query(
            "INSERT INTO staff (id, email, email_key, name, role, created_at, public_key, sealed_secret, lang)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if s.role.reads_cases() {
            sqlx::query(
                "INSERT INTO case_access (case_id, staff_id, wrapped_key, granted_at) SELECT id, $1, NULL, $2 FROM cases",
            )
            .bind(s.id.to_string())
            .bind(millis(s.created_at))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        directory::insert_exclusions(&mut tx, exclusions).await?;
        tx.commit().await.map_err(backend)
    }

    async fn staff_by_email(&self, email: &str) -> Result<Option<StaffRecord>> {
        let row = sqlx::query("SELECT * FROM staff WHERE email_key = $1")
            .bind(email_key(email))
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(staff_from_row).transpose()
    }

    async fn staff_by_id(&self, id: StaffId) -> Result<Option<StaffRecord>> {
        let row = sqlx::query("SELECT * FROM staff WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(staff_from_row).transpose()
    }

    async fn list_staff(&self) -> Result<Vec<StaffRecord>> {
        let rows =
            sqlx::query("SELECT * FROM staff ORDER BY created_at, id").fetch_all(&self.pool).await.map_err(backend)?;
        rows.iter().map(staff_from_row).collect()
    }

    async fn create_case(&self, new: &NewCase) -> Result<()> {
        let c = &new.case;
        let id = c.id.to_string();
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query(
            "INSERT INTO cases (id, reference, category, status, received_at, acknowledged_at, updated_at, escalated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&c.reference)
        .bind(c.category.as_str())
        .bind(c.status.as_str())
        .bind(millis(c.received_at))
        .bind(c.acknowledged_at.map(millis))
        .bind(millis(c.updated_at))
        .bind(c.escalated_at.map(millis))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        sqlx::query("INSERT INTO reports (case_id, sealed) VALUES ($1, $2)")
            .bind(&id)
            .bind(&new.sealed_report)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        for grant in &new.access {
            sqlx::query("INSERT INTO case_access (case_id, staff_id, wrapped_key, granted_at) VALUES ($1, $2, $3, $4)")
                .bind(&id)
                .bind(grant.staff.to_string())
                .bind(&grant.wrapped_key)
                .bind(millis(c.received_at))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        let r = &new.receipt;
        sqlx::query("INSERT INTO receipts (lookup, case_id, kdf, wrapped_key) VALUES ($1, $2, $3, $4)")
            .bind(&r.lookup)
            .bind(&id)
            .bind(&r.kdf)
            .bind(&r.wrapped_key)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        for a in &new.attachments {
            insert_attachment(&mut tx, a).await?;
        }
        for r in &new.requests {
            sqlx::query("INSERT INTO requests (id, case_id, position, created_at) VALUES ($1, $2, $3, $4)")
                .bind(r.id.to_string())
                .bind(r.case_id.to_string())
                .bind(i64::from(r.position))
                .bind(millis(r.created_at))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        for d in &new.deadlines {
            insert_deadline(&mut tx, d).await?;
        }
        directory::insert_parties(&mut tx, c.id, &new.parties, new.sealed_matches.as_deref(), c.received_at).await?;
        directory::insert_exclusions(&mut tx, &new.exclusions).await?;
        insert_event(&mut tx, &new.event).await?;
        tx.commit().await.map_err(backend)
    }

    async fn case(&self, id: CaseId) -> Result<Option<CaseRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1")))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(case_from_row).transpose()
    }

    async fn inbox(&self, staff: StaffId, limit: u32) -> Result<Vec<InboxEntry>> {
        self.search_cases(staff, &CaseFilter::default(), limit).await
    }

    async fn search_cases(&self, staff: StaffId, filter: &CaseFilter, limit: u32) -> Result<Vec<InboxEntry>> {
        let rows = sqlx::query(
            "SELECT c.*, a.wrapped_key IS NULL AS pending,
                    (SELECT d.kind FROM deadlines d WHERE d.case_id = c.id AND d.met_at IS NULL ORDER BY d.due_at LIMIT 1) AS next_kind,
                    (SELECT MIN(d.due_at) FROM deadlines d WHERE d.case_id = c.id AND d.met_at IS NULL) AS next_due
             FROM cases c JOIN case_access a ON a.case_id = c.id AND a.staff_id = $1
             WHERE (CAST($2 AS TEXT) IS NULL OR c.reference LIKE $3)
               AND (CAST($4 AS TEXT) IS NULL OR c.status = $5)
             ORDER BY c.received_at DESC, c.id DESC
             LIMIT $6",
        )
        .bind(staff.to_string())
        .bind(filter.reference_prefix.as_deref())
        .bind(filter.reference_prefix.as_ref().map(|p| format!("{p}%")))
        .bind(filter.status.map(|s| s.as_str()))
        .bind(filter.status.map(|s| s.as_str()))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| {
                let next_deadline =
                    match (col::<Option<String>>(row, "next_kind")?, col::<Option<i64>>(row, "next_due")?) {
                        (Some(kind), Some(due)) => Some((parse(&kind, "deadline kind")?, from_millis(due)?)),
                        _ => None,
                    };
                Ok(InboxEntry { case: case_from_row(row)?, access_pending: col(row, "pending")?, next_deadline })
            })
            .collect()
    }

    async fn case_counts(&self, staff: StaffId) -> Result<Vec<(CaseStatus, u64)>> {
        let rows = sqlx::query(
            "SELECT c.status, COUNT(*) AS n FROM cases c JOIN case_access a ON a.case_id = c.id AND a.staff_id = $1
             GROUP BY c.status ORDER BY c.status",
        )
        .bind(staff.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| Ok((parse(&col::<String>(row, "status")?, "status")?, col::<i64>(row, "n")? as u64)))
            .collect()
    }

    async fn access(&self, case: CaseId, staff: StaffId) -> Result<Option<AccessRecord>> {
        let row = sqlx::query("SELECT wrapped_key, granted_at FROM case_access WHERE case_id = $1 AND staff_id = $2")
            .bind(case.to_string())
            .bind(staff.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.map(|row| {
            Ok(AccessRecord {
                wrapped_key: col(&row, "wrapped_key")?,
                granted_at: from_millis(col(&row, "granted_at")?)?,
            })
        })
        .transpose()
    }

    async fn pending_grants(&self, case: CaseId) -> Result<Vec<PendingGrant>> {
        let rows = sqlx::query(
            "SELECT s.id, s.public_key FROM case_access a JOIN staff s ON s.id = a.staff_id
             WHERE a.case_id = $1 AND a.wrapped_key IS NULL ORDER BY s.id",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(PendingGrant {
                    staff: parse(&col::<String>(row, "id")?, "staff id")?,
                    public_key: col(row, "public_key")?,
                })
            })
            .collect()
    }

    async fn complete_grant(
        &self,
        case: CaseId,
        staff: StaffId,
        wrapped_key: &[u8],
        event: &EventRecord,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let done = sqlx::query(
            "UPDATE case_access SET wrapped_key = $1 WHERE case_id = $2 AND staff_id = $3 AND wrapped_key IS NULL",
        )
        .bind(wrapped_key)
        .bind(case.to_string())
        .bind(staff.to_string())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        // Another reader may have completed it a moment earlier: nothing to record then.
        if done.rows_affected() == 1 {
            insert_event(&mut tx, event).await?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn report(&self, case: CaseId) -> Result<Option<Vec<u8>>> {
        sqlx::query_scalar("SELECT sealed FROM reports WHERE case_id = $1")
            .bind(case.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)
    }

    async fn messages(&self, case: CaseId) -> Result<Vec<MessageRecord>> {
        let rows = sqlx::query("SELECT * FROM messages WHERE case_id = $1 ORDER BY created_at, id")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(MessageRecord {
                    id: parse(&col::<String>(row, "id")?, "message id")?,
                    case_id: case,
                    created_at: from_millis(col(row, "created_at")?)?,
                    author: Actor::from_parts(&col::<String>(row, "actor_kind")?, col(row, "staff_id")?)?,
                    sealed_body: col(row, "sealed_body")?,
                })
            })
            .collect()
    }

    async fn attachments(&self, case: CaseId) -> Result<Vec<AttachmentMeta>> {
        let rows = sqlx::query(
            "SELECT id, message_id, created_at, size, sealed_meta FROM attachments WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(AttachmentMeta {
                    id: parse(&col::<String>(row, "id")?, "attachment id")?,
                    case_id: case,
                    message_id: col::<Option<String>>(row, "message_id")?
                        .map(|m| parse(&m, "message id"))
                        .transpose()?,
                    created_at: from_millis(col(row, "created_at")?)?,
                    size: u64::try_from(col::<i64>(row, "size")?).map_err(|_| StoreError::Corrupt("size".into()))?,
                    sealed_meta: col(row, "sealed_meta")?,
                })
            })
            .collect()
    }

    async fn attachment_body(&self, case: CaseId, id: AttachmentId) -> Result<Option<Vec<u8>>> {
        sqlx::query_scalar("SELECT sealed_body FROM attachments WHERE case_id = $1 AND id = $2")
            .bind(case.to_string())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)
    }

    async fn add_message(&self, m: &MessageRecord, attachments: &[NewAttachment], event: &EventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("INSERT INTO messages (id, case_id, created_at, actor_kind, staff_id, sealed_body) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(m.id.to_string())
            .bind(m.case_id.to_string())
            .bind(millis(m.created_at))
            .bind(m.author.kind())
            .bind(m.author.staff_id())
            .bind(&m.sealed_body)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        for a in attachments {
            insert_attachment(&mut tx, a).await?;
        }
        sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
            .bind(millis(m.created_at))
            .bind(m.case_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        insert_event(&mut tx, event).await?;
        tx.commit().await.map_err(backend)
    }

    async fn transition(&self, t: &TransitionRecord) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let acknowledged = (t.from == CaseStatus::Received && t.to == CaseStatus::Acknowledged).then_some(millis(t.at));
        let done = sqlx::query(
            "UPDATE cases SET status = $1, acknowledged_at = COALESCE(acknowledged_at, $2), updated_at = $3 WHERE id = $4 AND status = $5",
        )
        .bind(t.to.as_str())
        .bind(acknowledged)
        .bind(millis(t.at))
        .bind(t.case_id.to_string())
        .bind(t.from.as_str())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        for kind in &t.meets {
            sqlx::query(
                "UPDATE deadlines SET met_at = $1 WHERE case_id = $2 AND kind = $3 AND met_at IS NULL AND subject IS NULL",
            )
            .bind(millis(t.at))
            .bind(t.case_id.to_string())
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        for d in &t.new_deadlines {
            insert_deadline(&mut tx, d).await?;
        }
        sqlx::query(
            "INSERT INTO transitions (id, case_id, step, from_status, to_status, at, actor_kind, staff_id, sealed_reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(t.id.to_string())
        .bind(t.case_id.to_string())
        .bind(&t.step)
        .bind(t.from.as_str())
        .bind(t.to.as_str())
        .bind(millis(t.at))
        .bind(t.actor.kind())
        .bind(t.actor.staff_id())
        .bind(t.sealed_reason.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        insert_event(&mut tx, &t.event).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn transitions(&self, case: CaseId) -> Result<Vec<TransitionRow>> {
        let rows = sqlx::query("SELECT * FROM transitions WHERE case_id = $1 ORDER BY at, id")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(TransitionRow {
                    id: parse(&col::<String>(row, "id")?, "transition id")?,
                    step: col(row, "step")?,
                    from: parse(&col::<String>(row, "from_status")?, "status")?,
                    to: parse(&col::<String>(row, "to_status")?, "status")?,
                    at: from_millis(col(row, "at")?)?,
                    actor: Actor::from_parts(&col::<String>(row, "actor_kind")?, col(row, "staff_id")?)?,
                    sealed_reason: col(row, "sealed_reason")?,
                })
            })
            .collect()
    }

    async fn cases_in_status(&self, staff: StaffId, status: CaseStatus, limit: u32) -> Result<Vec<CaseRecord>> {
        let rows = sqlx::query(
            "SELECT c.* FROM cases c JOIN case_access a ON a.case_id = c.id AND a.staff_id = $1
             WHERE c.status = $2 ORDER BY c.updated_at, c.id LIMIT $3",
        )
        .bind(staff.to_string())
        .bind(status.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter().map(case_from_row).collect()
    }

    async fn requests(&self, case: CaseId) -> Result<Vec<RequestRow>> {
        let rows = sqlx::query("SELECT * FROM requests WHERE case_id = $1 ORDER BY position")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(RequestRow {
                    id: parse(&col::<String>(row, "id")?, "request id")?,
                    case_id: case,
                    position: u32::try_from(col::<i64>(row, "position")?)
                        .map_err(|_| StoreError::Corrupt("position".into()))?,
                    created_at: from_millis(col(row, "created_at")?)?,
                    answered_at: from_millis_opt(col(row, "answered_at")?)?,
                    answered_by: col::<Option<String>>(row, "staff_id")?.map(|s| parse(&s, "staff id")).transpose()?,
                    sealed_answer: col(row, "sealed_answer")?,
                })
            })
            .collect()
    }

    async fn answer_request(
        &self,
        case: CaseId,
        request: uuid::Uuid,
        at: Timestamp,
        staff: StaffId,
        sealed_answer: &[u8],
        event: &EventRecord,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let done = sqlx::query(
            "UPDATE requests SET answered_at = $1, staff_id = $2, sealed_answer = $3 WHERE id = $4 AND case_id = $5 AND answered_at IS NULL",
        )
        .bind(millis(at))
        .bind(staff.to_string())
        .bind(sealed_answer)
        .bind(request.to_string())
        .bind(case.to_string())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("UPDATE deadlines SET met_at = $1 WHERE subject = $2 AND met_at IS NULL")
            .bind(millis(at))
            .bind(request.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        insert_event(&mut tx, event).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn change_deadline(&self, c: &DeadlineChange, event: &EventRecord) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let moved = sqlx::query(
            "UPDATE deadlines SET due_at = $1, reminded_at = NULL WHERE id = $2 AND case_id = $3 AND due_at = $4 AND met_at IS NULL",
        )
        .bind(millis(c.new_due))
        .bind(c.deadline_id.to_string())
        .bind(c.case_id.to_string())
        .bind(millis(c.old_due))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if moved.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO deadline_changes (id, deadline_id, case_id, kind, old_due, new_due, at, staff_id, sealed_justification, sealed_for_reporter)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(c.id.to_string())
        .bind(c.deadline_id.to_string())
        .bind(c.case_id.to_string())
        .bind(&c.kind)
        .bind(millis(c.old_due))
        .bind(millis(c.new_due))
        .bind(millis(c.at))
        .bind(c.staff.to_string())
        .bind(&c.sealed_justification)
        .bind(&c.sealed_for_reporter)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        insert_event(&mut tx, event).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn deadline_changes(&self, case: CaseId) -> Result<Vec<DeadlineChangeRow>> {
        let rows = sqlx::query(
            "SELECT x.*, d.kind AS deadline_kind, c.reference FROM deadline_changes x
             JOIN deadlines d ON d.id = x.deadline_id JOIN cases c ON c.id = x.case_id
             WHERE x.case_id = $1 ORDER BY x.at, x.id",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter().map(change_from_row).collect()
    }

    async fn recent_deadline_changes(&self, staff: StaffId, limit: u32) -> Result<Vec<DeadlineChangeRow>> {
        let rows = sqlx::query(
            "SELECT x.*, d.kind AS deadline_kind, c.reference FROM deadline_changes x
             JOIN deadlines d ON d.id = x.deadline_id JOIN cases c ON c.id = x.case_id
             JOIN case_access a ON a.case_id = x.case_id AND a.staff_id = $1
             ORDER BY x.at DESC, x.id DESC LIMIT $2",
        )
        .bind(staff.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter().map(change_from_row).collect()
    }

    async fn overdue(&self, staff: StaffId, now: Timestamp, limit: u32) -> Result<Vec<DueDeadline>> {
        let rows = sqlx::query(
            "SELECT d.*, c.reference FROM deadlines d JOIN cases c ON c.id = d.case_id
             JOIN case_access a ON a.case_id = d.case_id AND a.staff_id = $1
             WHERE d.met_at IS NULL AND d.due_at <= $2 ORDER BY d.due_at LIMIT $3",
        )
        .bind(staff.to_string())
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| Ok(DueDeadline { deadline: deadline_from_row(row)?, case_ref: col(row, "reference")? }))
            .collect()
    }

    async fn link_proceeding(&self, p: &ProceedingRow, event: &EventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("INSERT INTO proceedings (id, case_id, created_at, staff_id, sealed) VALUES ($1, $2, $3, $4, $5)")
            .bind(p.id.to_string())
            .bind(p.case_id.to_string())
            .bind(millis(p.created_at))
            .bind(p.staff.to_string())
            .bind(&p.sealed)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        insert_event(&mut tx, event).await?;
        tx.commit().await.map_err(backend)
    }

    async fn proceedings(&self, case: CaseId) -> Result<Vec<ProceedingRow>> {
        let rows = sqlx::query("SELECT * FROM proceedings WHERE case_id = $1 ORDER BY created_at, id")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(ProceedingRow {
                    id: parse(&col::<String>(row, "id")?, "proceeding id")?,
                    case_id: case,
                    created_at: from_millis(col(row, "created_at")?)?,
                    staff: parse(&col::<String>(row, "staff_id")?, "staff id")?,
                    sealed: col(row, "sealed")?,
                })
            })
            .collect()
    }

    async fn deadlines(&self, case: CaseId) -> Result<Vec<DeadlineRow>> {
        let rows = sqlx::query("SELECT * FROM deadlines WHERE case_id = $1 ORDER BY due_at, id")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(deadline_from_row).collect()
    }

    async fn due_deadlines(&self, now: Timestamp, limit: u32) -> Result<Vec<DueDeadline>> {
        let rows = sqlx::query(
            "SELECT d.*, c.reference FROM deadlines d JOIN cases c ON c.id = d.case_id
             WHERE d.met_at IS NULL AND d.escalated_at IS NULL AND d.due_at <= $1
             ORDER BY d.due_at LIMIT $2",
        )
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| Ok(DueDeadline { deadline: deadline_from_row(row)?, case_ref: col(row, "reference")? }))
            .collect()
    }

    async fn escalate(&self, e: &NewEscalation) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        if let Some(deadline) = e.deadline_id {
            let flagged = sqlx::query(
                "UPDATE deadlines SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL AND met_at IS NULL",
            )
            .bind(millis(e.at))
            .bind(deadline.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            if flagged.rows_affected() != 1 {
                return Ok(false);
            }
        }
        sqlx::query(
            "INSERT INTO escalations (id, case_id, deadline_id, cause, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(e.id.to_string())
        .bind(e.case_id.to_string())
        .bind(e.deadline_id.map(|d| d.to_string()))
        .bind(e.cause.as_str())
        .bind(millis(e.at))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        sqlx::query("UPDATE cases SET escalated_at = COALESCE(escalated_at, $1) WHERE id = $2")
            .bind(millis(e.at))
            .bind(e.case_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        // A content-free notice for every oversight member who may read the case.
        sqlx::query(
            "INSERT INTO outbox (id, staff_id, kind, case_id, created_at, next_attempt_at)
             SELECT $1 || '-' || s.id, s.id, 'escalation', $2, $3, $4 FROM case_access a JOIN staff s ON s.id = a.staff_id
             WHERE a.case_id = $5 AND s.role = 'oversight'",
        )
        .bind(e.id.to_string())
        .bind(e.case_id.to_string())
        .bind(millis(e.at))
        .bind(millis(e.at))
        .bind(e.case_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        insert_event(&mut tx, &e.event).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn escalations(&self, staff: StaffId, limit: u32) -> Result<Vec<EscalationRow>> {
        let rows = sqlx::query(
            "SELECT e.*, c.reference AS case_ref, d.kind AS deadline_kind, d.due_at AS deadline_due
             FROM escalations e JOIN cases c ON c.id = e.case_id
             JOIN case_access a ON a.case_id = e.case_id AND a.staff_id = $1
             LEFT JOIN deadlines d ON d.id = e.deadline_id
             ORDER BY e.created_at DESC, e.id DESC LIMIT $2",
        )
        .bind(staff.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter().map(escalation_from_row).collect()
    }

    async fn deadlines_to_remind(&self, now: Timestamp, until: Timestamp, limit: u32) -> Result<Vec<DueDeadline>> {
        let rows = sqlx::query(
            "SELECT d.*, c.reference FROM deadlines d JOIN cases c ON c.id = d.case_id
             WHERE d.met_at IS NULL AND d.reminded_at IS NULL AND d.escalated_at IS NULL AND d.due_at > $1 AND d.due_at <= $2
             ORDER BY d.due_at LIMIT $3",
        )
        .bind(millis(now))
        .bind(millis(until))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| Ok(DueDeadline { deadline: deadline_from_row(row)?, case_ref: col(row, "reference")? }))
            .collect()
    }

    async fn remind(&self, deadline: uuid::Uuid, case: CaseId, at: Timestamp) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let marked = sqlx::query(
            "UPDATE deadlines SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL AND met_at IS NULL",
        )
        .bind(millis(at))
        .bind(deadline.to_string())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if marked.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO outbox (id, staff_id, kind, case_id, created_at, next_attempt_at)
             SELECT $1 || '-' || s.id, s.id, 'reminder', $2, $3, $4 FROM case_access a JOIN staff s ON s.id = a.staff_id
             WHERE a.case_id = $5 AND s.role = 'handler'",
        )
        .bind(deadline.to_string())
        .bind(case.to_string())
        .bind(millis(at))
        .bind(millis(at))
        .bind(case.to_string())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn set_staff_lang(&self, staff: StaffId, lang: &str) -> Result<()> {
        sqlx::query("UPDATE staff SET lang = $1 WHERE id = $2")
            .bind(lang)
            .bind(staff.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn set_staff_time_zone(&self, staff: StaffId, time_zone: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE staff SET time_zone = $1 WHERE id = $2")
            .bind(time_zone)
            .bind(staff.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn claim_outbox(&self, now: Timestamp, claim_until: Timestamp, limit: u32) -> Result<Vec<OutboxItem>> {
        // The outer condition is checked again on the row being updated, so a
        // notice another instance claimed a moment earlier is skipped, not sent twice.
        let rows = sqlx::query(
            "UPDATE outbox SET claimed_until = $1
             WHERE sent_at IS NULL AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $3)
               AND id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $4
                          AND (claimed_until IS NULL OR claimed_until < $5) ORDER BY next_attempt_at LIMIT $6)
             RETURNING id, staff_id, kind, attempts",
        )
        .bind(millis(claim_until))
        .bind(millis(now))
        .bind(millis(now))
        .bind(millis(now))
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(OutboxItem {
                    id: col(row, "id")?,
                    staff_id: parse(&col::<String>(row, "staff_id")?, "staff id")?,
                    kind: col(row, "kind")?,
                    attempts: u32::try_from(col::<i64>(row, "attempts")?).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    async fn outbox_sent(&self, id: &str, at: Timestamp) -> Result<()> {
        sqlx::query("UPDATE outbox SET sent_at = $1, claimed_until = NULL WHERE id = $2")
            .bind(millis(at))
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn outbox_failed(&self, id: &str, next_attempt_at: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, claimed_until = NULL WHERE id = $2",
        )
        .bind(millis(next_attempt_at))
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn outbox_unsent(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok(u64::try_from(n).unwrap_or(0))
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
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn case_escalations(&self, case: CaseId) -> Result<Vec<EscalationRow>> {
        let rows = sqlx::query(
            "SELECT e.*, c.reference AS case_ref, d.kind AS deadline_kind, d.due_at AS deadline_due
             FROM escalations e JOIN cases c ON c.id = e.case_id LEFT JOIN deadlines d ON d.id = e.deadline_id
             WHERE e.case_id = $1 ORDER BY e.created_at, e.id",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter().map(escalation_from_row).collect()
    }

    async fn receipt(&self, lookup: &[u8]) -> Result<Option<ReceiptRecord>> {
        let row = sqlx::query("SELECT * FROM receipts WHERE lookup = $1")
            .bind(lookup)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.map(|row| {
            Ok(ReceiptRecord {
                lookup: col(&row, "lookup")?,
                case_id: parse(&col::<String>(&row, "case_id")?, "case id")?,
                kdf: col(&row, "kdf")?,
                wrapped_key: col(&row, "wrapped_key")?,
            })
        })
        .transpose()
    }

    async fn record_event(&self, event: &EventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        insert_event(&mut tx, event).await?;
        tx.commit().await.map_err(backend)
    }

    async fn events(&self, case: CaseId) -> Result<Vec<EventRecord>> {
        let rows = sqlx::query("SELECT * FROM events WHERE case_id = $1 ORDER BY leaf_index, at, id")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(event_from_row).collect()
    }

    async fn ledger_size(&self) -> Result<u64> {
        let size: i64 = sqlx::query_scalar("SELECT size FROM ledger_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        u64::try_from(size).map_err(|_| StoreError::Corrupt("ledger size".into()))
    }

    async fn ledger_nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<Hash>>> {
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        let mut ledger = PgLedger(&mut conn);
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(ombud_store::ledger::LedgerTx::ledger_node(&mut ledger, *id).await?);
        }
        Ok(out)
    }

    async fn ledger_level(&self, level: u8, from: u64, limit: u32) -> Result<Vec<(u64, Hash)>> {
        let rows =
            sqlx::query("SELECT idx, hash FROM ledger_hashes WHERE level = $1 AND idx >= $2 ORDER BY idx LIMIT $3")
                .bind(i64::from(level))
                .bind(index(from)?)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        rows.iter()
            .map(|row| {
                let i: i64 = col(row, "idx")?;
                Ok((
                    u64::try_from(i).map_err(|_| StoreError::Corrupt("index".into()))?,
                    ombud_store::ledger::hash_from(col(row, "hash")?)?,
                ))
            })
            .collect()
    }

    async fn ledger_entries(&self, from: u64, limit: u32) -> Result<Vec<LedgerEntry>> {
        let rows = sqlx::query(
            "SELECT e.*, c.reference FROM events e LEFT JOIN cases c ON c.id = e.case_id
             WHERE e.leaf_index >= $1 ORDER BY e.leaf_index LIMIT $2",
        )
        .bind(index(from)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(LedgerEntry {
                    event: event_from_row(row)?,
                    case_ref: col::<Option<String>>(row, "reference")?.unwrap_or_default(),
                })
            })
            .collect()
    }

    async fn unindexed_events(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE leaf_index IS NULL")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn checkpoints(&self) -> Result<Vec<CheckpointRow>> {
        let rows =
            sqlx::query("SELECT * FROM checkpoints ORDER BY size").fetch_all(&self.pool).await.map_err(backend)?;
        rows.iter().map(checkpoint_from_row).collect()
    }

    async fn latest_checkpoint(&self) -> Result<Option<CheckpointRow>> {
        let row = sqlx::query("SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(checkpoint_from_row).transpose()
    }

    async fn put_checkpoint(&self, c: &CheckpointRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING",
        )
        .bind(index(c.size)?)
        .bind(c.root.to_vec())
        .bind(&c.note)
        .bind(millis(c.created_at))
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn note_record_download(&self, case: CaseId, size: u64) -> Result<()> {
        sqlx::query(
            "INSERT INTO record_downloads (case_id, size) VALUES ($1, $2) ON CONFLICT (case_id, size) DO NOTHING",
        )
        .bind(case.to_string())
        .bind(index(size)?)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn record_downloads(&self, case: CaseId) -> Result<Vec<u64>> {
        let sizes: Vec<i64> = sqlx::query_scalar("SELECT size FROM record_downloads WHERE case_id = $1 ORDER BY size")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        Ok(sizes.into_iter().filter_map(|s| u64::try_from(s).ok()).collect())
    }
}

fn checkpoint_from_row(row: &PgRow) -> Result<CheckpointRow> {
    let size: i64 = col(row, "size")?;
    Ok(CheckpointRow {
        size: u64::try_from(size).map_err(|_| StoreError::Corrupt("checkpoint size".into()))?,
        root: ombud_store::ledger::hash_from(col(row, "root")?)?,
        note: col(row, "note")?,
        created_at: from_millis(col(row, "created_at")?)?,
    })
}

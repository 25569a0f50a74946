//! Cases: intake, who may read them, her report, messages and files.

use crate::rows::*;
use crate::sql::{Conn, index, typed};
use crate::*;
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{AttachmentId, CaseId, CaseStatus, DeadlineKind, StaffId};

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Writes a new case with its report, attachments, access rows, parties,
    /// exclusions, receipt and first event in one transaction. A form token
    /// already used answers `Conflict(FormToken)` and writes nothing.
    async fn create_case(&self, new: &NewCase) -> Result<()>;
    /// Whether a report was already filed with this form token.
    async fn form_token_used(&self, hash: &[u8; 32]) -> Result<bool>;
    /// Forgets the form tokens used before `before`; how many.
    async fn forget_form_tokens(&self, before: Timestamp) -> Result<u64>;
    async fn case(&self, id: CaseId) -> Result<Option<CaseRecord>>;
    /// Cases a staff member has an access row for, newest first.
    async fn inbox(&self, staff: StaffId, limit: u32) -> Result<Vec<InboxEntry>>;
    /// The inbox narrowed by a filter (a reference prefix, a status).
    async fn search_cases(&self, staff: StaffId, filter: &CaseFilter, limit: u32) -> Result<Vec<InboxEntry>>;
    /// How many cases a staff member may read, by status.
    async fn case_counts(&self, staff: StaffId) -> Result<Vec<(CaseStatus, u64)>>;
    async fn access(&self, case: CaseId, staff: StaffId) -> Result<Option<AccessRecord>>;
    /// Staff with an access row on the case but no wrapped key yet.
    async fn pending_grants(&self, case: CaseId) -> Result<Vec<PendingGrant>>;
    /// Stores a wrapped key for a pending grant, with its event.
    async fn complete_grant(&self, case: CaseId, staff: StaffId, wrapped_key: &[u8], event: &EventRecord)
    -> Result<()>;
    async fn receipt(&self, lookup: &[u8]) -> Result<Option<ReceiptRecord>>;

    async fn report(&self, case: CaseId) -> Result<Option<Vec<u8>>>;
    async fn messages(&self, case: CaseId) -> Result<Vec<MessageRecord>>;
    /// Attachment metadata (sealed) of a case, without the bodies.
    async fn attachments(&self, case: CaseId) -> Result<Vec<AttachmentMeta>>;
    async fn attachment_body(&self, case: CaseId, id: AttachmentId) -> Result<Option<Vec<u8>>>;
    async fn add_message(
        &self,
        message: &MessageRecord,
        attachments: &[NewAttachment],
        event: &EventRecord,
    ) -> Result<()>;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn insert_case_row(conn: &mut Conn, c: &CaseRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO cases (id, reference, category, status, received_at, acknowledged_at, updated_at, escalated_at,
                            routing)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(c.id.to_string())
    .bind(&c.reference)
    .bind(c.category.as_str())
    .bind(c.status.as_str())
    .bind(millis(c.received_at))
    .bind(c.acknowledged_at.map(millis))
    .bind(millis(c.updated_at))
    .bind(c.escalated_at.map(millis))
    .bind(c.routing.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The report, the readers' wrapped keys and her receipt.
async fn insert_sealed_parts(conn: &mut Conn, new: &NewCase) -> Result<()> {
    let id = new.case.id.to_string();
    sqlx::query("INSERT INTO reports (case_id, sealed) VALUES ($1, $2)")
        .bind(&id)
        .bind(&new.sealed_report)
        .execute(&mut *conn)
        .await?;
    for grant in &new.access {
        sqlx::query("INSERT INTO case_access (case_id, staff_id, wrapped_key, granted_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(grant.staff.to_string())
            .bind(&grant.wrapped_key)
            .bind(millis(new.case.received_at))
            .execute(&mut *conn)
            .await?;
    }
    let r = &new.receipt;
    sqlx::query("INSERT INTO receipts (lookup, case_id, kdf, wrapped_key) VALUES ($1, $2, $3, $4)")
        .bind(&r.lookup)
        .bind(&id)
        .bind(&r.kdf)
        .bind(&r.wrapped_key)
        .execute(&mut *conn)
        .await?;
    for a in &new.attachments {
        insert_attachment(conn, a).await?;
    }
    Ok(())
}

async fn insert_attachment(conn: &mut Conn, a: &NewAttachment) -> Result<()> {
    let m = &a.meta;
    sqlx::query(
        "INSERT INTO attachments (id, case_id, message_id, created_at, size, sealed_meta, sealed_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(m.id.to_string())
    .bind(m.case_id.to_string())
    .bind(m.message_id.map(|id| id.to_string()))
    .bind(millis(m.created_at))
    .bind(index(m.size)?)
    .bind(&m.sealed_meta)
    .bind(&a.sealed_body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait]
impl CaseStore for SqlStore {
    async fn create_case(&self, new: &NewCase) -> Result<()> {
        let c = &new.case;
        let mut tx = self.pool.begin().await?;
        if let Some(hash) = &new.form_token {
            sqlx::query("INSERT INTO form_tokens (hash, used_at) VALUES ($1, $2)")
                .bind(hex(hash))
                .bind(millis(c.received_at))
                .execute(&mut *tx)
                .await?;
        }
        insert_case_row(&mut tx, c).await?;
        insert_sealed_parts(&mut tx, new).await?;
        for r in &new.requests {
            workflow::insert_request(&mut tx, r).await?;
        }
        for d in &new.deadlines {
            deadlines::insert_deadline(&mut tx, d).await?;
        }
        directory::insert_parties(&mut tx, c.id, &new.parties, new.sealed_matches.as_deref(), c.received_at).await?;
        directory::insert_exclusions(&mut tx, &new.exclusions).await?;
        self.insert_event(&mut tx, &new.event).await?;
        Ok(tx.commit().await?)
    }

    async fn form_token_used(&self, hash: &[u8; 32]) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT used_at FROM form_tokens WHERE hash = $1")
            .bind(hex(hash))
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    async fn forget_form_tokens(&self, before: Timestamp) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM form_tokens WHERE used_at < $1").bind(millis(before)).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    async fn case(&self, id: CaseId) -> Result<Option<CaseRecord>> {
        let row = sqlx::query_as::<_, CaseColumns>("SELECT * FROM cases WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn inbox(&self, staff: StaffId, limit: u32) -> Result<Vec<InboxEntry>> {
        self.search_cases(staff, &CaseFilter::default(), limit).await
    }

    /// `CROSS JOIN` keeps `cases` the outer loop in SQLite, which walks the
    /// newest first by `cases_inbox` and stops at `limit`: driven from
    /// `case_access` by staff id instead, a reader of a million cases had all
    /// of them sorted for each page (4.5 s against 5 ms). PostgreSQL plans the
    /// same text as an inner join.
    async fn search_cases(&self, staff: StaffId, filter: &CaseFilter, limit: u32) -> Result<Vec<InboxEntry>> {
        let rows = sqlx::query_as::<_, InboxColumns>(
            "SELECT c.*, CASE WHEN a.wrapped_key IS NULL THEN 1 ELSE 0 END AS pending,
                    (SELECT d.kind FROM deadlines d WHERE d.case_id = c.id AND d.met_at IS NULL AND d.closed_at IS NULL ORDER BY d.due_at LIMIT 1) AS next_kind,
                    (SELECT MIN(d.due_at) FROM deadlines d WHERE d.case_id = c.id AND d.met_at IS NULL AND d.closed_at IS NULL) AS next_due
             FROM cases c CROSS JOIN case_access a
             WHERE a.case_id = c.id AND a.staff_id = $1
               AND (CAST($2 AS TEXT) IS NULL OR c.reference LIKE $3)
               AND (CAST($4 AS TEXT) IS NULL OR c.status = $4)
             ORDER BY c.received_at DESC, c.id DESC
             LIMIT $5",
        )
        .bind(staff.to_string())
        .bind(filter.reference_prefix.as_deref())
        .bind(filter.reference_prefix.as_ref().map(|p| format!("{p}%")))
        .bind(filter.status.map(|s| s.as_str()))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn case_counts(&self, staff: StaffId) -> Result<Vec<(CaseStatus, u64)>> {
        let rows = sqlx::query_as::<_, StatusCount>(
            "SELECT c.status, COUNT(*) AS n FROM cases c JOIN case_access a ON a.case_id = c.id AND a.staff_id = $1
             GROUP BY c.status ORDER BY c.status",
        )
        .bind(staff.to_string())
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn access(&self, case: CaseId, staff: StaffId) -> Result<Option<AccessRecord>> {
        let row = sqlx::query_as::<_, AccessColumns>(
            "SELECT wrapped_key, granted_at FROM case_access WHERE case_id = $1 AND staff_id = $2",
        )
        .bind(case.to_string())
        .bind(staff.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn pending_grants(&self, case: CaseId) -> Result<Vec<PendingGrant>> {
        let rows = sqlx::query_as::<_, PendingGrantColumns>(
            "SELECT s.id, s.public_key FROM case_access a JOIN staff s ON s.id = a.staff_id
             WHERE a.case_id = $1 AND a.wrapped_key IS NULL ORDER BY s.id",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn complete_grant(
        &self,
        case: CaseId,
        staff: StaffId,
        wrapped_key: &[u8],
        event: &EventRecord,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE case_access SET wrapped_key = $1 WHERE case_id = $2 AND staff_id = $3 AND wrapped_key IS NULL",
        )
        .bind(wrapped_key)
        .bind(case.to_string())
        .bind(staff.to_string())
        .execute(&mut *tx)
        .await?;
        // Another reader may have completed it a moment earlier: nothing to record then.
        if done.rows_affected() == 1 {
            self.insert_event(&mut tx, event).await?;
        }
        Ok(tx.commit().await?)
    }

    async fn receipt(&self, lookup: &[u8]) -> Result<Option<ReceiptRecord>> {
        let row = sqlx::query_as::<_, ReceiptColumns>("SELECT * FROM receipts WHERE lookup = $1")
            .bind(lookup)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn report(&self, case: CaseId) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT sealed FROM reports WHERE case_id = $1")
            .bind(case.to_string())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn messages(&self, case: CaseId) -> Result<Vec<MessageRecord>> {
        let rows =
            sqlx::query_as::<_, MessageColumns>("SELECT * FROM messages WHERE case_id = $1 ORDER BY created_at, id")
                .bind(case.to_string())
                .fetch_all(&self.pool)
                .await?;
        typed(rows)
    }

    async fn attachments(&self, case: CaseId) -> Result<Vec<AttachmentMeta>> {
        let rows = sqlx::query_as::<_, AttachmentColumns>(
            "SELECT id, case_id, message_id, created_at, size, sealed_meta FROM attachments
             WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn attachment_body(&self, case: CaseId, id: AttachmentId) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT sealed_body FROM attachments WHERE case_id = $1 AND id = $2")
            .bind(case.to_string())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn add_message(&self, m: &MessageRecord, attachments: &[NewAttachment], event: &EventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO messages (id, case_id, created_at, actor_kind, staff_id, sealed_body, feedback)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(m.id.to_string())
        .bind(m.case_id.to_string())
        .bind(millis(m.created_at))
        .bind(m.author.kind())
        .bind(m.author.staff_id())
        .bind(&m.sealed_body)
        .bind(i64::from(m.feedback))
        .execute(&mut *tx)
        .await?;
        if m.feedback {
            crate::deadlines::meet_case_deadline(&mut tx, m.case_id, DeadlineKind::Feedback, m.created_at).await?;
        }
        for a in attachments {
            insert_attachment(&mut tx, a).await?;
        }
        sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
            .bind(millis(m.created_at))
            .bind(m.case_id.to_string())
            .execute(&mut *tx)
            .await?;
        self.insert_event(&mut tx, event).await?;
        Ok(tx.commit().await?)
    }
}

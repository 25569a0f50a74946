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
    /// Claims a one-time form send: true the first time, false for every
    /// send of the same form after it.
    async fn claim_form_token(&self, hash: &[u8; 32], at: Timestamp) -> Result<bool>;
    /// Gives a claimed send back (what it carried was not done).
    async fn release_form_token(&self, hash: &[u8; 32]) -> Result<()>;
    /// Forgets the form tokens used before `before`; how many.
    async fn forget_form_tokens(&self, before: Timestamp) -> Result<u64>;
    async fn case(&self, id: CaseId) -> Result<Option<CaseRecord>>;
    /// The case and everything its view reads, in one statement (see bundle.rs).
    async fn case_bundle(&self, id: CaseId) -> Result<Option<crate::CaseBundle>>;
    /// Where a case stands: the case and its deadlines, in one statement.
    async fn case_status(&self, id: CaseId) -> Result<Option<(CaseRecord, Vec<DeadlineRow>)>>;
    /// Cases a staff member has an access row for, newest first.
    async fn inbox(&self, staff: StaffId, limit: u32) -> Result<Vec<InboxEntry>>;
    /// One page of the cases she may read that match a filter, in its
    /// order, after its cursor.
    async fn search_cases(&self, staff: StaffId, filter: &CaseFilter, limit: u32) -> Result<Vec<InboxEntry>>;
    /// How many cases she may read match a filter, by status, counting at
    /// most `cap` (past it a list says "more than").
    async fn count_cases(&self, staff: StaffId, filter: &CaseFilter, cap: u32) -> Result<Vec<(CaseStatus, u64)>>;
    /// How many cases a staff member may read, by status.
    async fn case_counts(&self, staff: StaffId) -> Result<Vec<(CaseStatus, u64)>>;
    /// She opened the case now: its messages from the reporter are read.
    async fn mark_read(&self, case: CaseId, staff: StaffId, at: Timestamp) -> Result<()>;
    async fn access(&self, case: CaseId, staff: StaffId) -> Result<Option<AccessRecord>>;
    /// Staff with an access row on the case but no wrapped key yet.
    async fn pending_grants(&self, case: CaseId) -> Result<Vec<PendingGrant>>;
    /// Stores a wrapped key for a pending grant, with its event.
    /// Stores a wrapped key for a pending grant, with its event, if she
    /// still holds `public_key` (the key it was wrapped to) on an active
    /// account; otherwise nothing.
    async fn complete_grant(
        &self,
        case: CaseId,
        grant: &PendingGrant,
        wrapped_key: &[u8],
        event: &EventRecord,
    ) -> Result<()>;
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
        if !crate::staff::holds_key(conn, grant.staff, &grant.public_key).await? {
            // Disabled or reset since the readers were listed: no wrap to her.
            continue;
        }
        sqlx::query("INSERT INTO case_access (case_id, staff_id, wrapped_key, granted_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(grant.staff.to_string())
            .bind(&grant.wrapped_key)
            .bind(millis(new.case.received_at))
            .execute(&mut *conn)
            .await?;
    }
    if let Some((key, wrapped)) = &new.recovery_wrap {
        // To the key that is current now; a rotation since leaves the case
        // pending, completed by its next reader.
        sqlx::query(
            "INSERT INTO recovery_wraps (case_id, key_id, wrapped_key)
             SELECT $1, id, $3 FROM recovery_keys WHERE id = $2 AND state = 'current'",
        )
        .bind(&id)
        .bind(key.to_string())
        .bind(wrapped)
        .execute(&mut *conn)
        .await?;
    }
    if let Some(parent) = new.follows {
        sqlx::query("INSERT INTO case_follow_ups (case_id, parent_id, created_at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(parent.to_string())
            .bind(millis(new.case.received_at))
            .execute(&mut *conn)
            .await?;
    }
    for token in &new.protected {
        crate::retaliation::insert_protected(
            conn,
            &crate::ProtectedRow {
                id: uuid::Uuid::now_v7(),
                token: token.clone(),
                case_id: Some(new.case.id),
                basis: ombud_domain::ProtectionBasis::Reporter,
                since: new.case.received_at,
                until: None,
                added_by: None,
                sealed_note: None,
            },
        )
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

    async fn claim_form_token(&self, hash: &[u8; 32], at: Timestamp) -> Result<bool> {
        let done = sqlx::query("INSERT INTO form_tokens (hash, used_at) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING")
            .bind(hex(hash))
            .bind(millis(at))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_form_token(&self, hash: &[u8; 32]) -> Result<()> {
        sqlx::query("DELETE FROM form_tokens WHERE hash = $1").bind(hex(hash)).execute(&self.pool).await?;
        Ok(())
    }

    async fn forget_form_tokens(&self, before: Timestamp) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM form_tokens WHERE used_at < $1").bind(millis(before)).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    async fn case_bundle(&self, id: CaseId) -> Result<Option<crate::CaseBundle>> {
        self.read_case_bundle(id).await
    }

    async fn case_status(&self, id: CaseId) -> Result<Option<(CaseRecord, Vec<DeadlineRow>)>> {
        self.read_case_status(id).await
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

    async fn search_cases(&self, staff: StaffId, filter: &CaseFilter, limit: u32) -> Result<Vec<InboxEntry>> {
        let mut q = InboxQuery::new(staff);
        let from = q.tables_and_conditions(filter);
        let inner = InboxQuery::order(filter);
        let order = match filter.sort {
            InboxSort::Created => "c.received_at DESC, c.id DESC",
            InboxSort::Deadline => "c.next_due, c.id",
        };
        let me = q.me.clone();
        let limit = q.bind(Value::Int(i64::from(limit)));
        // The page's cases first, from the index alone; then what each line
        // shows, for those cases only (not for every case the filter sorted).
        let sql = format!(
            "SELECT c.*, CASE WHEN p.wrapped_key IS NULL THEN 1 ELSE 0 END AS pending,
                    (SELECT d.kind FROM deadlines d WHERE d.case_id = c.id AND d.met_at IS NULL AND d.closed_at IS NULL
                     ORDER BY d.due_at LIMIT 1) AS next_kind,
                    (SELECT l.staff_id FROM case_assignees l WHERE l.case_id = c.id AND l.part = 'lead') AS lead_id,
                    CASE WHEN c.reporter_wrote_at > COALESCE(
                        (SELECT r.read_at FROM case_reads r WHERE r.case_id = c.id AND r.staff_id = {me}), 0)
                    THEN 1 ELSE 0 END AS unread
             FROM (SELECT c.id AS page_id, a.wrapped_key {from} ORDER BY {inner} LIMIT {limit}) p
             JOIN cases c ON c.id = p.page_id
             ORDER BY {order}"
        );
        let rows = q.run::<InboxColumns>(&self.pool, sql).await?;
        typed(rows)
    }

    async fn count_cases(&self, staff: StaffId, filter: &CaseFilter, cap: u32) -> Result<Vec<(CaseStatus, u64)>> {
        let mut q = InboxQuery::new(staff);
        let from = q.tables_and_conditions(&CaseFilter { after: None, ..filter.clone() });
        let cap = q.bind(Value::Int(i64::from(cap)));
        let sql = format!(
            "SELECT t.status, COUNT(*) AS n FROM (SELECT c.status {from} LIMIT {cap}) t GROUP BY t.status ORDER BY t.status"
        );
        let rows = q.run::<StatusCount>(&self.pool, sql).await?;
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

    async fn mark_read(&self, case: CaseId, staff: StaffId, at: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO case_reads (case_id, staff_id, read_at) VALUES ($1, $2, $3)
             ON CONFLICT (case_id, staff_id) DO UPDATE SET read_at = excluded.read_at",
        )
        .bind(case.to_string())
        .bind(staff.to_string())
        .bind(millis(at))
        .execute(&self.pool)
        .await?;
        Ok(())
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
             WHERE a.case_id = $1 AND a.wrapped_key IS NULL AND s.status = 'active' ORDER BY s.id",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn complete_grant(
        &self,
        case: CaseId,
        grant: &PendingGrant,
        wrapped_key: &[u8],
        event: &EventRecord,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let staff = grant.staff;
        if !crate::staff::holds_key(&mut tx, staff, &grant.public_key).await? {
            return Ok(());
        }
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
        // What she wrote last marks the case unread for every reader who opened it before.
        let from_her = (m.author == Actor::Reporter).then_some(millis(m.created_at));
        sqlx::query(
            "UPDATE cases SET updated_at = $1, reporter_wrote_at = COALESCE($2, reporter_wrote_at) WHERE id = $3",
        )
        .bind(millis(m.created_at))
        .bind(from_her)
        .bind(m.case_id.to_string())
        .execute(&mut *tx)
        .await?;
        self.insert_event(&mut tx, event).await?;
        Ok(tx.commit().await?)
    }
}

/// A value bound to a built statement.
enum Value {
    Text(String),
    Int(i64),
    Bytes(Vec<u8>),
}

/// A list's statement, built from the parts of the filter that are set,
/// with its values bound in order (`$1`, `$2`… in both dialects). Only the
/// shape comes from the filter; every value a person chose is bound.
struct InboxQuery {
    binds: Vec<Value>,
    /// The placeholder of the reader's own id.
    me: String,
}

impl InboxQuery {
    fn new(staff: StaffId) -> Self {
        let mut q = InboxQuery { binds: Vec::new(), me: String::new() };
        q.me = q.bind(Value::Text(staff.to_string()));
        q
    }

    fn bind(&mut self, v: Value) -> String {
        self.binds.push(v);
        format!("${}", self.binds.len())
    }

    /// Whether a page is read from a smaller table's own copy of the case's
    /// order columns (`x`): her assignments when the list is someone's, else
    /// a label's cases when it is a label's. Both keep when each case was
    /// received and its next open deadline, each with an index in that order.
    fn drives(f: &CaseFilter) -> bool {
        matches!(f.assigned, AssignedTo::Staff(_)) || f.label.is_some()
    }

    /// The columns a page is read in order of: those of the index that serves it.
    fn order_columns(f: &CaseFilter) -> (&'static str, &'static str) {
        match (f.sort, Self::drives(f)) {
            (InboxSort::Created, true) => ("x.received_at", "x.case_id"),
            (InboxSort::Deadline, true) => ("x.next_due", "x.case_id"),
            (InboxSort::Created, false) => ("c.received_at", "c.id"),
            (InboxSort::Deadline, false) => ("c.next_due", "c.id"),
        }
    }

    /// The order a page is read in, on the columns of the index that serves it.
    fn order(f: &CaseFilter) -> String {
        let (key, id) = Self::order_columns(f);
        match f.sort {
            InboxSort::Created => format!("{key} DESC, {id} DESC"),
            InboxSort::Deadline => format!("{key}, {id}"),
        }
    }

    /// `FROM … WHERE …` for a filter. The outer table is the most selective
    /// part present (her assignments, else a label's cases), else the cases
    /// in the list's order: `CROSS JOIN` keeps SQLite from driving a page
    /// from `case_access` and sorting every case she may read (4.5 s against
    /// 5 ms at a million).
    fn tables_and_conditions(&mut self, f: &CaseFilter) -> String {
        let me = self.me.clone();
        let mut label_done = false;
        let mut sql = match (f.assigned, &f.label) {
            (AssignedTo::Staff(who), _) => {
                let who = self.bind(Value::Text(who.to_string()));
                format!(
                    "FROM case_assignees x CROSS JOIN cases c CROSS JOIN case_access a
                     WHERE x.staff_id = {who} AND c.id = x.case_id AND a.case_id = c.id AND a.staff_id = {me}"
                )
            }
            (_, Some(label)) => {
                label_done = true;
                let v = self.bind(Value::Text(label.clone()));
                format!(
                    "FROM case_labels x CROSS JOIN cases c CROSS JOIN case_access a
                     WHERE x.label = {v} AND c.id = x.case_id AND a.case_id = c.id AND a.staff_id = {me}"
                )
            }
            _ => format!("FROM cases c CROSS JOIN case_access a WHERE a.case_id = c.id AND a.staff_id = {me}"),
        };
        if f.assigned == AssignedTo::Nobody {
            sql.push_str(" AND NOT EXISTS (SELECT 1 FROM case_assignees n WHERE n.case_id = c.id AND n.part = 'lead')");
        }
        self.reference(f.reference.as_ref(), &mut sql);
        if let Some(status) = f.status {
            let v = self.bind(Value::Text(status.as_str().to_owned()));
            sql.push_str(&format!(" AND c.status = {v}"));
        }
        if let Some(category) = f.category {
            let v = self.bind(Value::Text(category.as_str().to_owned()));
            sql.push_str(&format!(" AND c.category = {v}"));
        }
        if let Some(before) = f.due_before {
            let v = self.bind(Value::Int(millis(before)));
            // By deadline, the page is a range of the deadline index. Newest
            // first, no index serves both the range and the order: the unary
            // plus keeps SQLite walking the cases newest first to the page
            // (new cases are the ones due soonest), never sorting every case
            // due in the range.
            let due = match (f.sort, Self::drives(f)) {
                (InboxSort::Created, _) => "+c.next_due",
                // The driving table's own copy, so that the walk stops at the range's end.
                (InboxSort::Deadline, true) => "x.next_due",
                (InboxSort::Deadline, false) => "c.next_due",
            };
            sql.push_str(&format!(" AND {due} < {v}"));
        }
        if f.escalated {
            // Written as the partial indexes of escalated cases are, one per
            // order, so that the page is read in order from one of them.
            sql.push_str(" AND c.escalated_at IS NOT NULL");
        }
        if let Some(label) = f.label.as_ref().filter(|_| !label_done) {
            let v = self.bind(Value::Text(label.clone()));
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM case_labels l WHERE l.case_id = c.id AND l.label = {v})"
            ));
        }
        if let Some(tokens) = &f.naming {
            // No token: nobody is named, so nothing matches.
            let list: Vec<String> = tokens.iter().map(|t| self.bind(Value::Bytes(t.clone()))).collect();
            let list = if list.is_empty() { "NULL".to_owned() } else { list.join(", ") };
            sql.push_str(&format!(" AND c.id IN (SELECT p.case_id FROM case_parties p WHERE p.token IN ({list}))"));
        }
        if let Some(after) = f.after {
            let key = self.bind(Value::Int(after.key));
            let id = self.bind(Value::Text(after.id.to_string()));
            // The same columns the page is read in order of.
            let (at, case) = Self::order_columns(f);
            sql.push_str(&match f.sort {
                InboxSort::Created => format!(" AND ({at} < {key} OR ({at} = {key} AND {case} < {id}))"),
                InboxSort::Deadline => format!(" AND ({at} > {key} OR ({at} = {key} AND {case} > {id}))"),
            });
        }
        sql
    }

    fn reference(&mut self, search: Option<&ReferenceSearch>, sql: &mut String) {
        match search {
            Some(ReferenceSearch::Whole(r)) => {
                let r = self.bind(Value::Text(r.clone()));
                sql.push_str(&format!(" AND c.reference = {r}"));
            }
            Some(ReferenceSearch::Part(p)) => {
                let p = self.bind(Value::Text(p.clone()));
                sql.push_str(&format!(" AND (substr(c.reference, 5, 4) = {p} OR substr(c.reference, 10, 4) = {p})"));
            }
            Some(ReferenceSearch::Prefix(p)) => {
                // Compared as written, not with LIKE or a range: no wildcard, and
                // no PostgreSQL collation that orders '-' apart.
                // The length is a number Ombud counted (PostgreSQL's substr takes no bigint).
                let len = p.chars().count();
                let p = self.bind(Value::Text(p.clone()));
                sql.push_str(&format!(" AND substr(c.reference, 1, {len}) = {p}"));
            }
            None => {}
        }
    }

    async fn run<T>(self, pool: &sqlx::AnyPool, sql: String) -> Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let mut query = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql));
        for v in self.binds {
            query = match v {
                Value::Text(t) => query.bind(t),
                Value::Int(i) => query.bind(i),
                Value::Bytes(b) => query.bind(b),
            };
        }
        Ok(query.fetch_all(pool).await?)
    }
}

//! Deadlines: what is due, moved, reminded of and escalated to oversight.

use crate::rows::*;
use crate::sql::{Conn, typed, unsigned};
use crate::*;
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, ChangeState, ClosedReason, DeadlineKind, StaffId};

#[async_trait]
pub trait DeadlineStore: Send + Sync {
    /// A case's deadlines, by due time.
    async fn deadlines(&self, case: CaseId) -> Result<Vec<DeadlineRow>>;
    /// Moves an open deadline from `old_due` to `new_due` (false if it had
    /// moved or was met), records why, and forgets an earlier reminder. A
    /// change in state `Pending` is only recorded: nothing moves yet.
    async fn change_deadline(&self, change: &DeadlineChange, event: &EventRecord) -> Result<bool>;
    /// Decides a pending change: approved, it moves the deadline as
    /// `change_deadline` would (false, and refused, if the deadline moved or
    /// ended meanwhile); refused, nothing moves. False if it was not pending.
    async fn decide_change(
        &self,
        change: uuid::Uuid,
        approve: bool,
        by: StaffId,
        at: Timestamp,
        event: &EventRecord,
    ) -> Result<bool>;
    /// Pending changes on cases a staff member may read, oldest first.
    async fn pending_changes(&self, staff: StaffId, limit: u32) -> Result<Vec<DeadlineChangeRow>>;
    async fn deadline_changes(&self, case: CaseId) -> Result<Vec<DeadlineChangeRow>>;
    /// Every deadline change on cases a staff member may read, newest first.
    async fn recent_deadline_changes(&self, staff: StaffId, limit: u32) -> Result<Vec<DeadlineChangeRow>>;
    /// Open deadlines past due on cases a staff member may read.
    async fn overdue(&self, staff: StaffId, now: Timestamp, limit: u32) -> Result<Vec<DueDeadline>>;

    /// How many open deadlines are past due at `now`, and how many fall due
    /// from `now` to `until` (for the metrics; two ranges of the open index).
    async fn deadline_counts(&self, now: Timestamp, until: Timestamp) -> Result<(u64, u64)>;

    /// Open deadlines past due and not yet escalated, oldest first (an
    /// indexed query: never a scan of every case).
    async fn due_deadlines(&self, now: Timestamp, limit: u32) -> Result<Vec<DueDeadline>>;
    /// Raises a case to oversight: flags the missed deadline (if it is still
    /// open and unflagged: false otherwise, and nothing is written), records
    /// the escalation and its event, and queues a content-free notice for
    /// every oversight member who may read the case — in one transaction.
    async fn escalate(&self, escalation: &NewEscalation) -> Result<bool>;
    /// Escalations of cases a staff member may read, newest first.
    async fn escalations(&self, staff: StaffId, limit: u32) -> Result<Vec<EscalationRow>>;
    async fn case_escalations(&self, case: CaseId) -> Result<Vec<EscalationRow>>;
    /// Marks every open escalation of a case dealt with, with oversight's
    /// sealed note and its event, in one transaction; how many it resolved
    /// (none: nothing is written).
    async fn resolve_escalations(
        &self,
        case: CaseId,
        by: StaffId,
        at: Timestamp,
        sealed_note: &[u8],
        event: &EventRecord,
    ) -> Result<u64>;
    /// Open deadlines due after `now` and by `until` that no one was reminded of.
    async fn deadlines_to_remind(&self, now: Timestamp, until: Timestamp, limit: u32) -> Result<Vec<DueDeadline>>;
    /// Marks a deadline reminded (false if it already was, or was met) and
    /// queues a notice for every handler who may read its case, in one transaction.
    async fn remind(&self, deadline: uuid::Uuid, case: CaseId, at: Timestamp) -> Result<bool>;
}

/// Writes the case row without changing it, first in a transaction, so that
/// writers of one case's dependent rows take turns (the write lock in
/// SQLite, the row lock in PostgreSQL): a copy of `next_due` made while its
/// deadlines change would otherwise go stale.
pub(crate) async fn lock_case(conn: &mut Conn, case: CaseId) -> Result<()> {
    sqlx::query("UPDATE cases SET updated_at = updated_at WHERE id = $1")
        .bind(case.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Keeps `cases.next_due` the case's earliest open deadline (`NO_DEADLINE`
/// when none is open), in the transaction that changed its deadlines: the
/// inbox reads its order and its overdue filter from it. Her assignments and
/// the case's labels keep a copy, so that "mine" and a label are read by
/// deadline from their own index.
pub(crate) async fn refresh_next_due(conn: &mut Conn, case: CaseId) -> Result<()> {
    sqlx::query(
        "UPDATE cases SET next_due = COALESCE(
           (SELECT MIN(d.due_at) FROM deadlines d WHERE d.case_id = $1 AND d.met_at IS NULL AND d.closed_at IS NULL), $2)
         WHERE id = $1",
    )
    .bind(case.to_string())
    .bind(NO_DEADLINE)
    .execute(&mut *conn)
    .await?;
    for copy in [
        "UPDATE case_assignees SET next_due = (SELECT c.next_due FROM cases c WHERE c.id = $1) WHERE case_id = $1",
        "UPDATE case_labels SET next_due = (SELECT c.next_due FROM cases c WHERE c.id = $1) WHERE case_id = $1",
    ] {
        sqlx::query(copy).bind(case.to_string()).execute(&mut *conn).await?;
    }
    Ok(())
}

pub(crate) async fn insert_deadline(conn: &mut Conn, d: &DeadlineRow) -> Result<()> {
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
    .await?;
    refresh_next_due(conn, d.case_id).await?;
    Ok(())
}

/// Closes every deadline of a case that is neither met nor closed: nothing
/// is due on a closed case, so no reminder or escalation concerns it again.
pub(crate) async fn close_open_deadlines(
    conn: &mut Conn,
    case: CaseId,
    reason: ClosedReason,
    at: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE deadlines SET closed_at = $1, closed_reason = $2
         WHERE case_id = $3 AND met_at IS NULL AND closed_at IS NULL",
    )
    .bind(millis(at))
    .bind(reason.as_str())
    .bind(case.to_string())
    .execute(&mut *conn)
    .await?;
    refresh_next_due(conn, case).await?;
    Ok(())
}

/// Meets a case's own open deadline of a kind (not one of a request's).
/// Meets the open deadlines about one thing of a case (a request answered,
/// a measure reviewed).
pub(crate) async fn meet_subject_deadline(
    conn: &mut Conn,
    case: CaseId,
    subject: uuid::Uuid,
    at: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE deadlines SET met_at = $1 WHERE subject = $2 AND met_at IS NULL AND closed_at IS NULL")
        .bind(millis(at))
        .bind(subject.to_string())
        .execute(&mut *conn)
        .await?;
    refresh_next_due(conn, case).await
}

pub(crate) async fn meet_case_deadline(conn: &mut Conn, case: CaseId, kind: DeadlineKind, at: Timestamp) -> Result<()> {
    sqlx::query(
        "UPDATE deadlines SET met_at = $1 WHERE case_id = $2 AND kind = $3 AND met_at IS NULL AND closed_at IS NULL AND subject IS NULL",
    )
    .bind(millis(at))
    .bind(case.to_string())
    .bind(kind.as_str())
    .execute(&mut *conn)
    .await?;
    refresh_next_due(conn, case).await?;
    Ok(())
}

/// Queues one content-free notice of `kind` for every staff member of
/// `role` who may read the case; `id_prefix` makes each notice's id unique
/// and repeatable, so a retried write queues nothing twice. A case that is
/// oversight's alone has no handler reading it: there every reader is told.
async fn queue_notices(
    conn: &mut Conn,
    id_prefix: &str,
    kind: &str,
    role: &str,
    case: CaseId,
    at: Timestamp,
) -> Result<()> {
    // A reminder goes to who works on the case once someone does (lead and
    // team, whatever their role); to every reader in `role` while nobody does.
    let to_assignees = kind == "reminder";
    sqlx::query(
        "INSERT INTO outbox (id, staff_id, kind, case_id, created_at, next_attempt_at)
         SELECT $1 || '-' || s.id, s.id, $2, $3, $4, $4 FROM case_access a JOIN staff s ON s.id = a.staff_id
         WHERE a.case_id = $3 AND CASE
           WHEN $6 AND EXISTS (SELECT 1 FROM case_assignees x WHERE x.case_id = $3)
             THEN EXISTS (SELECT 1 FROM case_assignees x WHERE x.case_id = $3 AND x.staff_id = s.id)
           ELSE s.role = $5 OR (s.role IN ('handler', 'oversight') AND EXISTS
               (SELECT 1 FROM cases c WHERE c.id = $3 AND c.routing <> 'decided'))
         END",
    )
    .bind(id_prefix)
    .bind(kind)
    .bind(case.to_string())
    .bind(millis(at))
    .bind(role)
    .bind(to_assignees)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn insert_escalation(conn: &mut Conn, e: &NewEscalation) -> Result<()> {
    sqlx::query("INSERT INTO escalations (id, case_id, deadline_id, cause, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(e.id.to_string())
        .bind(e.case_id.to_string())
        .bind(e.deadline_id.map(|d| d.to_string()))
        .bind(e.cause.as_str())
        .bind(millis(e.at))
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE cases SET escalated_at = COALESCE(escalated_at, $1) WHERE id = $2")
        .bind(millis(e.at))
        .bind(e.case_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn insert_change(conn: &mut Conn, c: &DeadlineChange) -> Result<()> {
    sqlx::query(
        "INSERT INTO deadline_changes
           (id, deadline_id, case_id, kind, old_due, new_due, at, staff_id, sealed_justification, sealed_for_reporter,
            state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
    .bind(c.state.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

const CHANGES: &str = "SELECT x.*, d.kind AS deadline_kind, c.reference FROM deadline_changes x
     JOIN deadlines d ON d.id = x.deadline_id JOIN cases c ON c.id = x.case_id";

const ESCALATIONS: &str = "SELECT e.*, c.reference AS case_ref, d.kind AS deadline_kind, d.due_at AS deadline_due
     FROM escalations e JOIN cases c ON c.id = e.case_id LEFT JOIN deadlines d ON d.id = e.deadline_id";

/// A query built from one of the fixed fragments above and a fixed tail;
/// no value ever reaches the text.
fn fixed(head: &'static str, tail: &'static str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!("{head} {tail}"))
}

#[async_trait]
impl DeadlineStore for SqlStore {
    async fn deadlines(&self, case: CaseId) -> Result<Vec<DeadlineRow>> {
        let rows =
            sqlx::query_as::<_, DeadlineColumns>("SELECT * FROM deadlines WHERE case_id = $1 ORDER BY due_at, id")
                .bind(case.to_string())
                .fetch_all(&self.pool)
                .await?;
        typed(rows)
    }

    async fn change_deadline(&self, c: &DeadlineChange, event: &EventRecord) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        if c.state == ChangeState::Pending {
            insert_change(&mut tx, c).await?;
            self.insert_event(&mut tx, event).await?;
            tx.commit().await?;
            return Ok(true);
        }
        let moved = sqlx::query(
            "UPDATE deadlines SET due_at = $1, reminded_at = NULL
             WHERE id = $2 AND case_id = $3 AND due_at = $4 AND met_at IS NULL AND closed_at IS NULL",
        )
        .bind(millis(c.new_due))
        .bind(c.deadline_id.to_string())
        .bind(c.case_id.to_string())
        .bind(millis(c.old_due))
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != 1 {
            return Ok(false);
        }
        refresh_next_due(&mut tx, c.case_id).await?;
        insert_change(&mut tx, c).await?;
        self.insert_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn decide_change(
        &self,
        change: uuid::Uuid,
        approve: bool,
        by: StaffId,
        at: Timestamp,
        event: &EventRecord,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query_as::<_, ChangeColumns>(fixed(CHANGES, "WHERE x.id = $1 AND x.state = 'pending'"))
            .bind(change.to_string())
            .fetch_all(&mut *tx)
            .await?;
        let Some(row) = typed::<_, DeadlineChangeRow>(rows)?.into_iter().next() else { return Ok(false) };
        let c = row.change;
        let moved = approve
            && sqlx::query(
                "UPDATE deadlines SET due_at = $1, reminded_at = NULL
                 WHERE id = $2 AND due_at = $3 AND met_at IS NULL AND closed_at IS NULL",
            )
            .bind(millis(c.new_due))
            .bind(c.deadline_id.to_string())
            .bind(millis(c.old_due))
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
        if moved {
            refresh_next_due(&mut tx, c.case_id).await?;
        }
        let state = if moved { ChangeState::Applied } else { ChangeState::Refused };
        sqlx::query("UPDATE deadline_changes SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4")
            .bind(state.as_str())
            .bind(by.to_string())
            .bind(millis(at))
            .bind(change.to_string())
            .execute(&mut *tx)
            .await?;
        self.insert_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(moved || !approve)
    }

    async fn pending_changes(&self, staff: StaffId, limit: u32) -> Result<Vec<DeadlineChangeRow>> {
        let rows = sqlx::query_as::<_, ChangeColumns>(fixed(
            CHANGES,
            "JOIN case_access a ON a.case_id = x.case_id AND a.staff_id = $1
             WHERE x.state = 'pending' ORDER BY x.at, x.id LIMIT $2",
        ))
        .bind(staff.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn deadline_changes(&self, case: CaseId) -> Result<Vec<DeadlineChangeRow>> {
        let rows = sqlx::query_as::<_, ChangeColumns>(fixed(CHANGES, "WHERE x.case_id = $1 ORDER BY x.at, x.id"))
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await?;
        typed(rows)
    }

    async fn recent_deadline_changes(&self, staff: StaffId, limit: u32) -> Result<Vec<DeadlineChangeRow>> {
        let rows = sqlx::query_as::<_, ChangeColumns>(fixed(
            CHANGES,
            "JOIN case_access a ON a.case_id = x.case_id AND a.staff_id = $1 ORDER BY x.at DESC, x.id DESC LIMIT $2",
        ))
        .bind(staff.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn overdue(&self, staff: StaffId, now: Timestamp, limit: u32) -> Result<Vec<DueDeadline>> {
        let rows = sqlx::query_as::<_, DueColumns>(
            "SELECT d.*, c.reference FROM deadlines d JOIN cases c ON c.id = d.case_id
             JOIN case_access a ON a.case_id = d.case_id AND a.staff_id = $1
             WHERE d.met_at IS NULL AND d.closed_at IS NULL AND d.due_at <= $2 ORDER BY d.due_at LIMIT $3",
        )
        .bind(staff.to_string())
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn deadline_counts(&self, now: Timestamp, until: Timestamp) -> Result<(u64, u64)> {
        let count = |sql: &'static str, from: i64, to: i64| {
            sqlx::query_scalar::<_, i64>(sql).bind(from).bind(to).fetch_one(&self.pool)
        };
        let open = "SELECT COUNT(*) FROM deadlines WHERE met_at IS NULL AND closed_at IS NULL AND due_at >= $1 AND due_at < $2";
        let overdue = count(open, i64::MIN, millis(now)).await?;
        let soon = count(open, millis(now), millis(until)).await?;
        Ok((unsigned(overdue, "count")?, unsigned(soon, "count")?))
    }

    async fn due_deadlines(&self, now: Timestamp, limit: u32) -> Result<Vec<DueDeadline>> {
        let rows = sqlx::query_as::<_, DueColumns>(
            "SELECT d.*, c.reference FROM deadlines d JOIN cases c ON c.id = d.case_id
             WHERE d.met_at IS NULL AND d.closed_at IS NULL AND d.escalated_at IS NULL AND d.due_at <= $1
             ORDER BY d.due_at LIMIT $2",
        )
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn escalate(&self, e: &NewEscalation) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        if let Some(deadline) = e.deadline_id {
            let flagged = sqlx::query(
                "UPDATE deadlines SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL AND met_at IS NULL AND closed_at IS NULL",
            )
            .bind(millis(e.at))
            .bind(deadline.to_string())
            .execute(&mut *tx)
            .await?;
            if flagged.rows_affected() != 1 {
                return Ok(false);
            }
        }
        insert_escalation(&mut tx, e).await?;
        queue_notices(&mut tx, &e.id.to_string(), "escalation", "oversight", e.case_id, e.at).await?;
        self.insert_event(&mut tx, &e.event).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn escalations(&self, staff: StaffId, limit: u32) -> Result<Vec<EscalationRow>> {
        let rows = sqlx::query_as::<_, EscalationColumns>(fixed(
            ESCALATIONS,
            "JOIN case_access a ON a.case_id = e.case_id AND a.staff_id = $1
             WHERE e.resolved_at IS NULL ORDER BY e.created_at DESC, e.id DESC LIMIT $2",
        ))
        .bind(staff.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn case_escalations(&self, case: CaseId) -> Result<Vec<EscalationRow>> {
        let rows = sqlx::query_as::<_, EscalationColumns>(fixed(
            ESCALATIONS,
            "WHERE e.case_id = $1 ORDER BY e.created_at, e.id",
        ))
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn resolve_escalations(
        &self,
        case: CaseId,
        by: StaffId,
        at: Timestamp,
        sealed_note: &[u8],
        event: &EventRecord,
    ) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE escalations SET resolved_at = $1, resolved_by = $2, sealed_note = $3
             WHERE case_id = $4 AND resolved_at IS NULL",
        )
        .bind(millis(at))
        .bind(by.to_string())
        .bind(sealed_note)
        .bind(case.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Ok(0);
        }
        self.insert_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn deadlines_to_remind(&self, now: Timestamp, until: Timestamp, limit: u32) -> Result<Vec<DueDeadline>> {
        let rows = sqlx::query_as::<_, DueColumns>(
            "SELECT d.*, c.reference FROM deadlines d JOIN cases c ON c.id = d.case_id
             WHERE d.met_at IS NULL AND d.closed_at IS NULL AND d.reminded_at IS NULL AND d.escalated_at IS NULL AND d.due_at > $1 AND d.due_at <= $2
             ORDER BY d.due_at LIMIT $3",
        )
        .bind(millis(now))
        .bind(millis(until))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn remind(&self, deadline: uuid::Uuid, case: CaseId, at: Timestamp) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let marked = sqlx::query(
            "UPDATE deadlines SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL AND met_at IS NULL AND closed_at IS NULL",
        )
        .bind(millis(at))
        .bind(deadline.to_string())
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() != 1 {
            return Ok(false);
        }
        queue_notices(&mut tx, &deadline.to_string(), "reminder", "handler", case, at).await?;
        tx.commit().await?;
        Ok(true)
    }
}

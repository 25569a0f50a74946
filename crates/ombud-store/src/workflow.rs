//! The workflow: steps, her requests and their answers, linked proceedings.

use crate::rows::*;
use crate::sql::{Conn, typed};
use crate::*;
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, CaseRouting, CaseStatus, StaffId};

#[async_trait]
pub trait WorkflowStore: Send + Sync {
    /// Takes one workflow step if the case is still in `from`: moves it to
    /// `to`, meets the listed open deadlines, closes the rest if the step
    /// closes the case, opens the new ones, records the step and its event —
    /// in one transaction. False if the case had moved.
    async fn transition(&self, t: &TransitionRecord) -> Result<bool>;
    async fn transitions(&self, case: CaseId) -> Result<Vec<TransitionRow>>;
    /// Cases in a status that a staff member may read (pending dismissals…).
    async fn cases_in_status(&self, staff: StaffId, status: CaseStatus, limit: u32) -> Result<Vec<CaseRecord>>;
    /// Every case that is oversight's alone (restricted, or kept with
    /// oversight), whoever may read it: a new handler is kept out of them.
    async fn oversight_only_cases(&self) -> Result<Vec<CaseId>>;
    /// Cases she may read whose routing is in this state, oldest first.
    async fn cases_routed(&self, staff: StaffId, routing: CaseRouting, limit: u32) -> Result<Vec<CaseRecord>>;

    async fn requests(&self, case: CaseId) -> Result<Vec<RequestRow>>;
    /// Records an answer unless the request was answered already; meets its deadline.
    async fn answer_request(
        &self,
        case: CaseId,
        request: uuid::Uuid,
        at: Timestamp,
        staff: StaffId,
        sealed_answer: &[u8],
        event: &EventRecord,
    ) -> Result<bool>;

    async fn link_proceeding(&self, proceeding: &ProceedingRow, event: &EventRecord) -> Result<()>;
    async fn proceedings(&self, case: CaseId) -> Result<Vec<ProceedingRow>>;
}

/// One of her requests, written with the case.
pub(crate) async fn insert_request(conn: &mut Conn, r: &RequestRow) -> Result<()> {
    sqlx::query("INSERT INTO requests (id, case_id, position, created_at) VALUES ($1, $2, $3, $4)")
        .bind(r.id.to_string())
        .bind(r.case_id.to_string())
        .bind(i64::from(r.position))
        .bind(millis(r.created_at))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Moves the case from `from` to `to`; false if it was no longer in `from`.
async fn move_case(conn: &mut Conn, t: &TransitionRecord) -> Result<bool> {
    let acknowledged = (t.from == CaseStatus::Received && t.to == CaseStatus::Acknowledged).then_some(millis(t.at));
    let done = sqlx::query(
        "UPDATE cases SET status = $1, acknowledged_at = COALESCE(acknowledged_at, $2), updated_at = $3
         WHERE id = $4 AND status = $5",
    )
    .bind(t.to.as_str())
    .bind(acknowledged)
    .bind(millis(t.at))
    .bind(t.case_id.to_string())
    .bind(t.from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

async fn insert_transition(conn: &mut Conn, t: &TransitionRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO transitions
           (id, case_id, step, from_status, to_status, at, actor_kind, staff_id, sealed_reason, sealed_for_reporter,
            outcome, sealed_sanctions)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
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
    .bind(t.sealed_for_reporter.as_deref())
    .bind(t.outcome.map(|o| o.as_str()))
    .bind(t.sealed_sanctions.as_deref())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait]
impl WorkflowStore for SqlStore {
    async fn transition(&self, t: &TransitionRecord) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        if !move_case(&mut tx, t).await? {
            return Ok(false);
        }
        for kind in &t.meets {
            deadlines::meet_case_deadline(&mut tx, t.case_id, *kind, t.at).await?;
        }
        for d in &t.new_deadlines {
            deadlines::insert_deadline(&mut tx, d).await?;
        }
        if let Some(reason) = t.closes_deadlines {
            deadlines::close_open_deadlines(&mut tx, t.case_id, reason, t.at).await?;
        }
        insert_transition(&mut tx, t).await?;
        self.insert_event(&mut tx, &t.event).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn transitions(&self, case: CaseId) -> Result<Vec<TransitionRow>> {
        let rows =
            sqlx::query_as::<_, TransitionColumns>("SELECT * FROM transitions WHERE case_id = $1 ORDER BY at, id")
                .bind(case.to_string())
                .fetch_all(&self.pool)
                .await?;
        typed(rows)
    }

    async fn oversight_only_cases(&self) -> Result<Vec<CaseId>> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM cases WHERE routing <> $1")
            .bind(CaseRouting::Decided.as_str())
            .fetch_all(&self.pool)
            .await?;
        ids.iter().map(|id| parse(id, "case id")).collect()
    }

    async fn cases_routed(&self, staff: StaffId, routing: CaseRouting, limit: u32) -> Result<Vec<CaseRecord>> {
        let rows = sqlx::query_as::<_, CaseColumns>(
            "SELECT c.* FROM cases c JOIN case_access a ON a.case_id = c.id AND a.staff_id = $1
             WHERE c.routing = $2 ORDER BY c.received_at, c.id LIMIT $3",
        )
        .bind(staff.to_string())
        .bind(routing.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn cases_in_status(&self, staff: StaffId, status: CaseStatus, limit: u32) -> Result<Vec<CaseRecord>> {
        let rows = sqlx::query_as::<_, CaseColumns>(
            "SELECT c.* FROM cases c JOIN case_access a ON a.case_id = c.id AND a.staff_id = $1
             WHERE c.status = $2 ORDER BY c.updated_at, c.id LIMIT $3",
        )
        .bind(staff.to_string())
        .bind(status.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn requests(&self, case: CaseId) -> Result<Vec<RequestRow>> {
        let rows = sqlx::query_as::<_, RequestColumns>("SELECT * FROM requests WHERE case_id = $1 ORDER BY position")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await?;
        typed(rows)
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
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE requests SET answered_at = $1, staff_id = $2, sealed_answer = $3
             WHERE id = $4 AND case_id = $5 AND answered_at IS NULL",
        )
        .bind(millis(at))
        .bind(staff.to_string())
        .bind(sealed_answer)
        .bind(request.to_string())
        .bind(case.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        deadlines::meet_subject_deadline(&mut tx, case, request, at).await?;
        self.insert_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn link_proceeding(&self, p: &ProceedingRow, event: &EventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO proceedings (id, case_id, created_at, staff_id, sealed) VALUES ($1, $2, $3, $4, $5)")
            .bind(p.id.to_string())
            .bind(p.case_id.to_string())
            .bind(millis(p.created_at))
            .bind(p.staff.to_string())
            .bind(&p.sealed)
            .execute(&mut *tx)
            .await?;
        self.insert_event(&mut tx, event).await?;
        Ok(tx.commit().await?)
    }

    async fn proceedings(&self, case: CaseId) -> Result<Vec<ProceedingRow>> {
        let rows =
            sqlx::query_as::<_, SealedColumns>("SELECT * FROM proceedings WHERE case_id = $1 ORDER BY created_at, id")
                .bind(case.to_string())
                .fetch_all(&self.pool)
                .await?;
        typed(rows)
    }
}

//! A handler's daily work: who works on a case (a lead and a team, chosen
//! among its readers), notes among its readers, and the organisation's labels.

use crate::rows::*;
use crate::sql::{Conn, typed};
use crate::*;
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, CaseStatus, StaffId};

/// One staff member working on a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssigneeRow {
    pub staff: StaffId,
    /// The lead investigator (one per case); otherwise on the team.
    pub lead: bool,
    pub at: Timestamp,
}

/// Who works on a case after a change, with the change itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub case_id: CaseId,
    pub lead: Option<StaffId>,
    pub team: Vec<StaffId>,
    /// Lead, team and reason as the change was made, sealed.
    pub change: AssignmentChangeRow,
    pub event: EventRecord,
}

/// An interim measure as it stands now: what it is (sealed), when it is
/// to be reviewed, and when it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureRow {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub created_at: Timestamp,
    pub staff: StaffId,
    pub sealed: Vec<u8>,
    pub review_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
}

/// One change of a measure (decided, changed, ended), with its reason and
/// the text for her, sealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureChangeRow {
    pub measure_id: uuid::Uuid,
    pub entry: SealedEntry,
}

#[async_trait]
pub trait DailyStore: Send + Sync {
    /// A new measure with its first change and event, and its review
    /// deadline when it names a review date; it meets the case's
    /// interim-measures deadline if that is still open. One transaction.
    async fn add_measure(
        &self,
        m: &MeasureRow,
        change: &MeasureChangeRow,
        review: Option<&DeadlineRow>,
        event: &EventRecord,
    ) -> Result<()>;
    /// A measure as changed or ended, with the change and its event; false
    /// (nothing written) if it had ended already.
    /// Changes or ends a measure unless it ended already (false then): its
    /// open review deadline is met (changing or ending it is its review),
    /// and a new one set when the change names another review date.
    async fn update_measure(
        &self,
        m: &MeasureRow,
        change: &MeasureChangeRow,
        review: Option<&DeadlineRow>,
        event: &EventRecord,
    ) -> Result<bool>;
    async fn measures(&self, case: CaseId) -> Result<Vec<MeasureRow>>;
    async fn measure_changes(&self, case: CaseId) -> Result<Vec<MeasureChangeRow>>;
    /// Everyone who may read a case (an access row, with or without a key yet).
    async fn readers(&self, case: CaseId) -> Result<Vec<StaffId>>;
    /// Who works on a case now, the lead first.
    async fn assignees(&self, case: CaseId) -> Result<Vec<AssigneeRow>>;
    /// Replaces who works on a case, records the change and its event, in
    /// one transaction. Everyone named must still hold an access row on the
    /// case (a reader excluded meanwhile is never assigned): otherwise
    /// nothing is written and the answer is false.
    async fn set_assignment(&self, a: &Assignment) -> Result<bool>;
    async fn assignment_changes(&self, case: CaseId) -> Result<Vec<AssignmentChangeRow>>;
    /// Cases past triage with no lead that a staff member may read, the
    /// longest waiting first.
    async fn unassigned_cases(&self, staff: StaffId, limit: u32) -> Result<Vec<CaseRecord>>;

    async fn add_note(&self, note: &NoteRow, event: &EventRecord) -> Result<()>;
    async fn notes(&self, case: CaseId) -> Result<Vec<NoteRow>>;

    async fn labels(&self, case: CaseId) -> Result<Vec<String>>;
    /// Replaces a case's labels, with the event, in one transaction.
    async fn set_labels(&self, case: CaseId, labels: &[String], at: Timestamp, event: &EventRecord) -> Result<()>;
}

const LEAD: &str = "lead";
const TEAM: &str = "team";

/// Removes someone from a case's assignment (she lost access to it).
pub(crate) async fn unassign(conn: &mut Conn, case: CaseId, staff: StaffId) -> Result<()> {
    sqlx::query("DELETE FROM case_assignees WHERE case_id = $1 AND staff_id = $2")
        .bind(case.to_string())
        .bind(staff.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn may_read(conn: &mut Conn, case: CaseId, staff: StaffId) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM case_access WHERE case_id = $1 AND staff_id = $2")
        .bind(case.to_string())
        .bind(staff.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

async fn insert_sealed(conn: &mut Conn, table: &str, e: &SealedEntry) -> Result<()> {
    // `table` is one of this file's constants, never input.
    let sql = format!("INSERT INTO {table} (id, case_id, created_at, staff_id, sealed) VALUES ($1, $2, $3, $4, $5)");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(e.id.to_string())
        .bind(e.case_id.to_string())
        .bind(millis(e.created_at))
        .bind(e.staff.to_string())
        .bind(&e.sealed)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl SqlStore {
    async fn sealed_entries(&self, table: &str, case: CaseId) -> Result<Vec<SealedEntry>> {
        let sql = format!("SELECT * FROM {table} WHERE case_id = $1 ORDER BY created_at, id");
        let rows = sqlx::query_as::<_, SealedColumns>(sqlx::AssertSqlSafe(sql))
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await?;
        typed(rows)
    }
}

#[derive(sqlx::FromRow)]
struct AssigneeColumns {
    staff_id: String,
    part: String,
    assigned_at: i64,
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct MeasureColumns {
    id: String,
    case_id: String,
    created_at: i64,
    staff_id: String,
    #[serde(deserialize_with = "crate::bundle::hex_bytes::deserialize")]
    sealed: Vec<u8>,
    review_at: Option<i64>,
    ended_at: Option<i64>,
}

impl TryFrom<MeasureColumns> for MeasureRow {
    type Error = StoreError;
    fn try_from(r: MeasureColumns) -> Result<Self> {
        Ok(MeasureRow {
            id: parse(&r.id, "measure id")?,
            case_id: parse(&r.case_id, "case id")?,
            created_at: from_millis(r.created_at)?,
            staff: parse(&r.staff_id, "staff id")?,
            sealed: r.sealed,
            review_at: r.review_at.map(from_millis).transpose()?,
            ended_at: r.ended_at.map(from_millis).transpose()?,
        })
    }
}

impl TryFrom<MeasureChangeColumns> for MeasureChangeRow {
    type Error = StoreError;
    fn try_from(r: MeasureChangeColumns) -> Result<Self> {
        Ok(MeasureChangeRow { measure_id: parse(&r.measure_id, "measure id")?, entry: r.entry.try_into()? })
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct MeasureChangeColumns {
    measure_id: String,
    #[serde(flatten)]
    #[sqlx(flatten)]
    entry: SealedColumns,
}

async fn insert_measure_change(conn: &mut Conn, c: &MeasureChangeRow) -> Result<()> {
    let e = &c.entry;
    sqlx::query(
        "INSERT INTO interim_measure_changes (id, measure_id, case_id, created_at, staff_id, sealed)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(e.id.to_string())
    .bind(c.measure_id.to_string())
    .bind(e.case_id.to_string())
    .bind(millis(e.created_at))
    .bind(e.staff.to_string())
    .bind(&e.sealed)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait]
impl DailyStore for SqlStore {
    async fn add_measure(
        &self,
        m: &MeasureRow,
        change: &MeasureChangeRow,
        review: Option<&DeadlineRow>,
        event: &EventRecord,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO interim_measures (id, case_id, created_at, staff_id, sealed, review_at, ended_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(m.id.to_string())
        .bind(m.case_id.to_string())
        .bind(millis(m.created_at))
        .bind(m.staff.to_string())
        .bind(&m.sealed)
        .bind(m.review_at.map(millis))
        .bind(m.ended_at.map(millis))
        .execute(&mut *tx)
        .await?;
        insert_measure_change(&mut tx, change).await?;
        crate::deadlines::meet_case_deadline(
            &mut tx,
            m.case_id,
            ombud_domain::DeadlineKind::InterimMeasures,
            m.created_at,
        )
        .await?;
        if let Some(review) = review {
            crate::deadlines::insert_deadline(&mut tx, review).await?;
        }
        self.insert_event(&mut tx, event).await?;
        Ok(tx.commit().await?)
    }

    async fn update_measure(
        &self,
        m: &MeasureRow,
        change: &MeasureChangeRow,
        review: Option<&DeadlineRow>,
        event: &EventRecord,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE interim_measures SET sealed = $1, review_at = $2, ended_at = $3
             WHERE id = $4 AND case_id = $5 AND ended_at IS NULL",
        )
        .bind(&m.sealed)
        .bind(m.review_at.map(millis))
        .bind(m.ended_at.map(millis))
        .bind(m.id.to_string())
        .bind(m.case_id.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        insert_measure_change(&mut tx, change).await?;
        crate::deadlines::meet_subject_deadline(&mut tx, m.case_id, m.id, change.entry.created_at).await?;
        if let Some(review) = review {
            crate::deadlines::insert_deadline(&mut tx, review).await?;
        }
        self.insert_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn measures(&self, case: CaseId) -> Result<Vec<MeasureRow>> {
        let rows = sqlx::query_as::<_, MeasureColumns>(
            "SELECT * FROM interim_measures WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(MeasureRow::try_from).collect()
    }

    async fn measure_changes(&self, case: CaseId) -> Result<Vec<MeasureChangeRow>> {
        let rows = sqlx::query_as::<_, MeasureChangeColumns>(
            "SELECT * FROM interim_measure_changes WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(MeasureChangeRow::try_from).collect()
    }

    async fn readers(&self, case: CaseId) -> Result<Vec<StaffId>> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT staff_id FROM case_access WHERE case_id = $1 ORDER BY staff_id")
                .bind(case.to_string())
                .fetch_all(&self.pool)
                .await?;
        ids.iter().map(|id| parse(id, "staff id")).collect()
    }

    async fn assignees(&self, case: CaseId) -> Result<Vec<AssigneeRow>> {
        let rows = sqlx::query_as::<_, AssigneeColumns>(
            "SELECT staff_id, part, assigned_at FROM case_assignees WHERE case_id = $1
             ORDER BY CASE WHEN part = 'lead' THEN 0 ELSE 1 END, assigned_at, staff_id",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AssigneeRow {
                    staff: parse(&r.staff_id, "staff id")?,
                    lead: r.part == LEAD,
                    at: from_millis(r.assigned_at)?,
                })
            })
            .collect()
    }

    async fn set_assignment(&self, a: &Assignment) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        // Her assignments copy the case's next deadline: not while it changes.
        crate::deadlines::lock_case(&mut tx, a.case_id).await?;
        let everyone = a.lead.iter().chain(&a.team);
        for staff in everyone.clone() {
            if !may_read(&mut tx, a.case_id, *staff).await? {
                return Ok(false);
            }
        }
        // Someone who stays keeps the date she was first assigned.
        let before = sqlx::query_as::<_, AssigneeColumns>(
            "SELECT staff_id, part, assigned_at FROM case_assignees WHERE case_id = $1",
        )
        .bind(a.case_id.to_string())
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM case_assignees WHERE case_id = $1")
            .bind(a.case_id.to_string())
            .execute(&mut *tx)
            .await?;
        let at = millis(a.change.created_at);
        for staff in everyone {
            let part = if Some(*staff) == a.lead { LEAD } else { TEAM };
            let since =
                before.iter().find(|b| b.staff_id == staff.to_string() && b.part == part).map_or(at, |b| b.assigned_at);
            sqlx::query(
                "INSERT INTO case_assignees (case_id, staff_id, part, assigned_at, received_at, next_due)
                 SELECT $1, $2, $3, $4, received_at, next_due FROM cases WHERE id = $1",
            )
            .bind(a.case_id.to_string())
            .bind(staff.to_string())
            .bind(part)
            .bind(since)
            .execute(&mut *tx)
            .await?;
        }
        insert_sealed(&mut tx, "assignment_changes", &a.change).await?;
        self.insert_event(&mut tx, &a.event).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn assignment_changes(&self, case: CaseId) -> Result<Vec<AssignmentChangeRow>> {
        self.sealed_entries("assignment_changes", case).await
    }

    async fn unassigned_cases(&self, staff: StaffId, limit: u32) -> Result<Vec<CaseRecord>> {
        let [a, b, c, d] = CaseStatus::WORKED.map(CaseStatus::as_str);
        let rows = sqlx::query_as::<_, CaseColumns>(
            "SELECT c.* FROM cases c JOIN case_access a ON a.case_id = c.id AND a.staff_id = $1
             WHERE c.status IN ($2, $3, $4, $5)
               AND NOT EXISTS (SELECT 1 FROM case_assignees x WHERE x.case_id = c.id AND x.part = 'lead')
             ORDER BY c.updated_at, c.id LIMIT $6",
        )
        .bind(staff.to_string())
        .bind(a)
        .bind(b)
        .bind(c)
        .bind(d)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn add_note(&self, note: &NoteRow, event: &EventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_sealed(&mut tx, "case_notes", note).await?;
        self.insert_event(&mut tx, event).await?;
        Ok(tx.commit().await?)
    }

    async fn notes(&self, case: CaseId) -> Result<Vec<NoteRow>> {
        self.sealed_entries("case_notes", case).await
    }

    async fn labels(&self, case: CaseId) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT label FROM case_labels WHERE case_id = $1 ORDER BY label")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await?)
    }

    async fn set_labels(&self, case: CaseId, labels: &[String], at: Timestamp, event: &EventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        // A label copies the case's next deadline: not while it changes.
        crate::deadlines::lock_case(&mut tx, case).await?;
        sqlx::query("DELETE FROM case_labels WHERE case_id = $1").bind(case.to_string()).execute(&mut *tx).await?;
        for label in labels {
            sqlx::query(
                "INSERT INTO case_labels (case_id, label, added_at, received_at, next_due)
                 SELECT c.id, $2, $3, c.received_at, c.next_due FROM cases c WHERE c.id = $1",
            )
            .bind(case.to_string())
            .bind(label)
            .bind(millis(at))
            .execute(&mut *tx)
            .await?;
        }
        self.insert_event(&mut tx, event).await?;
        Ok(tx.commit().await?)
    }
}

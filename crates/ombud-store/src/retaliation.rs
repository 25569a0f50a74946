//! After she speaks up (issue 17): who is protected, and the HR system's
//! adverse actions with their reviews. Persons are identity tokens only;
//! what anyone wrote is sealed under an item key wrapped to its reviewers.

use crate::accounts::queue_notice;
use crate::ledger::append_staff_event;
use crate::sql::{Conn, typed, unsigned};
use crate::*;
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, HrActionKind, HrActionStatus, ProtectionBasis, ReviewDecision, StaffId};

/// One reason a person is protected beyond the people named in a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtectedRow {
    pub id: uuid::Uuid,
    pub token: Vec<u8>,
    pub case_id: Option<CaseId>,
    pub basis: ProtectionBasis,
    pub since: Timestamp,
    /// A fixed end (oversight's additions); a case's protection ends with it.
    pub until: Option<Timestamp>,
    pub added_by: Option<StaffId>,
    /// Who was meant and why, sealed under the case's key (oversight's additions).
    pub sealed_note: Option<Vec<u8>>,
}

/// Someone oversight protects by hand on a case: its basis, when, and the
/// sealed note of who and why (one per addition, whatever its tokens).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtectionNote {
    pub basis: ProtectionBasis,
    pub since: Timestamp,
    pub added_by: Option<StaffId>,
    pub sealed_note: Vec<u8>,
}

/// A reporter's wish to be mailed when a check-in waits on her page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReminderRow {
    pub case_id: CaseId,
    pub sealed_email: Vec<u8>,
    /// The last check-in day a reminder went for.
    pub last_sent_day: Option<u32>,
    /// Refused sends of the current one, in a row.
    pub attempts: u32,
    /// When her case closed (None while it is open: nothing is due).
    pub closed_at: Option<Timestamp>,
    /// The check-in days she answered.
    pub answered: Vec<u32>,
}

/// Why a token is protected now: the case it comes from, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtectionHit {
    pub case_id: Option<CaseId>,
    pub basis: ProtectionBasis,
}

/// An adverse action as stored. The person and the decision-maker are
/// tokens; the action's particulars are `sealed` under its item key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HrActionRow {
    pub id: uuid::Uuid,
    /// The HR system's token that sent it (None: the command line).
    pub token_id: Option<uuid::Uuid>,
    pub kind: HrActionKind,
    pub received_at: Timestamp,
    pub period_end: Timestamp,
    pub exempt: bool,
    pub disclosure: bool,
    pub person_token: Vec<u8>,
    pub decider_token: Option<Vec<u8>>,
    pub sealed: Vec<u8>,
    /// What the HR system reads: held (or cleared) until the period ends.
    pub status: HrActionStatus,
    pub escalated_at: Option<Timestamp>,
    pub last_call_at: Option<Timestamp>,
    pub taken_up_at: Option<Timestamp>,
    pub taken_up_by: Option<StaffId>,
    pub decision: Option<ReviewDecision>,
    pub decided_at: Option<Timestamp>,
    pub decided_by: Option<StaffId>,
    pub sealed_decision: Option<Vec<u8>>,
    pub needed_decision: Option<bool>,
    pub concluded_at: Option<Timestamp>,
    pub justify_next_at: Option<Timestamp>,
    pub justify_attempts: u32,
    pub justify_mailed_at: Option<Timestamp>,
    pub justified_at: Option<Timestamp>,
    pub sealed_justification: Option<Vec<u8>>,
    /// Proceedings against a protected person, recorded by oversight (no HR system reads it).
    pub proceeding: bool,
}

/// An item key wrapped to one reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemWrap {
    pub item_id: String,
    pub staff_id: StaffId,
    /// The public key it was wrapped to: a wrap to a key she no longer holds is not written.
    pub public_key: Vec<u8>,
    pub wrapped_key: Vec<u8>,
}

/// A reviewer's decision as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HrDecisionRow {
    pub decision: ReviewDecision,
    pub by: StaffId,
    pub at: Timestamp,
    pub sealed: Vec<u8>,
}

/// What the row held when a conclusion was worked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConcludeSeen {
    pub decision: Option<ReviewDecision>,
    pub taken_up: bool,
}

/// Which escalation of a review: two days before its period ends, then one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewCall {
    First,
    Last,
}

#[async_trait]
pub trait RetaliationStore: Send + Sync {
    /// Oversight's addition: one row per identity token, with the case's leaf.
    async fn add_protected(&self, rows: &[ProtectedRow], event: &EventRecord) -> Result<()>;
    /// The additions made by hand on a case, oldest first.
    async fn protection_notes(&self, case: CaseId) -> Result<Vec<ProtectionNote>>;
    /// Whether the case protects its reporter from intake (her contact matched).
    async fn protected_at_intake(&self, case: CaseId) -> Result<bool>;
    /// Why any of these tokens is protected at `now`: named in a case (not
    /// as its accused), or a row of `protected_persons`, while the case is
    /// open or closed after `closed_since`.
    async fn protection(
        &self,
        tokens: &[Vec<u8>],
        now: Timestamp,
        closed_since: Timestamp,
    ) -> Result<Vec<ProtectionHit>>;
    /// The tokens a case protects on one basis (its reporter's, its supporters').
    async fn protected_tokens(&self, case: CaseId, basis: ProtectionBasis) -> Result<Vec<Vec<u8>>>;
    /// The identity tokens of the people a case accuses.
    async fn accused_tokens(&self, case: CaseId) -> Result<Vec<Vec<u8>>>;
    /// Writes a received action with its wraps and its leaf.
    async fn create_hr_action(&self, row: &HrActionRow, wraps: &[ItemWrap], event: &StaffEventRecord) -> Result<()>;
    /// Several at once, all or nothing (an import).
    async fn create_hr_actions(&self, rows: &[(HrActionRow, Vec<ItemWrap>, StaffEventRecord)]) -> Result<()>;
    async fn hr_action(&self, id: uuid::Uuid) -> Result<Option<HrActionRow>>;
    /// The actions this reviewer holds a wrap for, newest first, with her wrap.
    async fn hr_actions_for(&self, staff: StaffId, limit: u32) -> Result<Vec<(HrActionRow, Vec<u8>)>>;
    /// Open actions whose period ends by `until`, by (period end, id), after
    /// `after` when given.
    async fn hr_actions_ending(
        &self,
        after: Option<(Timestamp, uuid::Uuid)>,
        until: Timestamp,
        limit: u32,
    ) -> Result<Vec<HrActionRow>>;
    /// How many actions this decision-maker's token made since `since`.
    async fn decider_count(&self, decider: &[u8], since: Timestamp) -> Result<u64>;
    async fn item_wrap(&self, item: &str, staff: StaffId) -> Result<Option<Vec<u8>>>;
    async fn item_readers(&self, item: &str) -> Result<Vec<StaffId>>;
    /// Open actions (or proceedings) against the person of this token.
    async fn open_hr_actions_of(&self, person_token: &[u8]) -> Result<Vec<HrActionRow>>;
    /// Takes an item's key from these readers: the rules no longer let them read it.
    async fn remove_item_wraps(&self, item: &str, staff: &[StaffId]) -> Result<()>;
    /// A reviewer took up an action nobody had to decide; false if she, or
    /// another, did before, or it is decided or concluded.
    async fn take_up_hr_action(
        &self,
        id: uuid::Uuid,
        by: StaffId,
        at: Timestamp,
        event: &StaffEventRecord,
    ) -> Result<bool>;
    /// Records the first decision before the period ends; false otherwise.
    async fn decide_hr_action(
        &self,
        id: uuid::Uuid,
        decision: &HrDecisionRow,
        event: &StaffEventRecord,
    ) -> Result<bool>;
    /// The period ended: the status the HR system reads from now on; false
    /// (nothing written) if the row no longer holds what `seen` says.
    async fn conclude_hr_action(
        &self,
        id: uuid::Uuid,
        status: HrActionStatus,
        needed_decision: bool,
        at: Timestamp,
        seen: ConcludeSeen,
        event: &StaffEventRecord,
    ) -> Result<bool>;
    /// Marks an escalation and queues its content-free notices, once. The
    /// last call marks the first too, so it never comes after it.
    async fn escalate_hr_action(
        &self,
        id: uuid::Uuid,
        call: ReviewCall,
        at: Timestamp,
        notices: &[StaffNotice],
    ) -> Result<bool>;
    /// Actions whose decision-maker is still to be asked for a justification.
    async fn justifications_to_ask(&self, now: Timestamp, limit: u32) -> Result<Vec<HrActionRow>>;
    /// The request was sent (or cannot be: nobody to send it to).
    async fn justification_asked(&self, id: uuid::Uuid, at: Timestamp) -> Result<()>;
    async fn justification_retry(&self, id: uuid::Uuid, next: Timestamp) -> Result<()>;
    /// The decision-maker's justification, once; false if one was given.
    async fn justify_hr_action(
        &self,
        id: uuid::Uuid,
        sealed: &[u8],
        wraps: &[ItemWrap],
        event: &StaffEventRecord,
    ) -> Result<bool>;
}

/// A review that concerned her, as her page tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HerReviewRow {
    pub kind: HrActionKind,
    pub status: HrActionStatus,
    pub concluded_at: Timestamp,
}

/// What her page needs to ask a check-in after closure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckInState {
    /// When her case closed (its last move to closed).
    pub closed_at: Option<Timestamp>,
    /// The check-ins she answered: (day, whether something changed).
    pub answered: Vec<(u32, bool)>,
}

#[async_trait]
pub trait HerSideStore: Send + Sync {
    /// The concluded reviews of actions against the reporter of this case.
    async fn her_reviews(&self, case: CaseId) -> Result<Vec<HerReviewRow>>;
    async fn check_in_state(&self, case: CaseId) -> Result<CheckInState>;
    /// Records her answer with its leaf (not in the case's history, which
    /// readers she may now accuse would see); false if it was answered.
    async fn answer_check_in(&self, case: CaseId, day: u32, changed: bool, event: &StaffEventRecord) -> Result<bool>;
    /// A leaf of someone speaking up that names no case.
    async fn record_speaking_up(&self, event: &StaffEventRecord) -> Result<()>;
    /// The reports she made from this case's page: (case, reference, when).
    async fn follow_ups(&self, parent: CaseId) -> Result<Vec<(CaseId, String, Timestamp)>>;
    /// The case a report followed, if it was made from another's page.
    async fn follows(&self, case: CaseId) -> Result<Option<CaseId>>;
    /// She asks to be mailed at this (sealed) address when a check-in waits.
    async fn set_check_in_reminder(&self, case: CaseId, sealed_email: &[u8], at: Timestamp) -> Result<()>;
    /// She withdraws it (or nothing more is due): the address goes.
    async fn remove_check_in_reminder(&self, case: CaseId) -> Result<()>;
    async fn check_in_reminder(&self, case: CaseId) -> Result<Option<ReminderRow>>;
    /// Reminders of closed cases due an attempt at `now`, by case id after `after`, at most `limit`.
    async fn check_in_reminders(&self, after: Option<CaseId>, now: Timestamp, limit: u32) -> Result<Vec<ReminderRow>>;
    /// Claims the mail of this day's check-in before it is sent: false when
    /// another pass claimed it (or a later one) first.
    async fn claim_check_in_reminder(&self, case: CaseId, day: u32, previous: Option<u32>) -> Result<bool>;
    /// The mail went: unless `more` check-ins are to come, the address goes.
    async fn check_in_reminder_sent(&self, case: CaseId, more: bool) -> Result<()>;
    /// The mail was refused: the claim is given back, tried again at `next`;
    /// false once it failed too often, and the address went.
    async fn check_in_reminder_failed(
        &self,
        case: CaseId,
        previous: Option<u32>,
        next: Timestamp,
        most: u32,
    ) -> Result<bool>;
}

#[async_trait]
impl HerSideStore for SqlStore {
    async fn her_reviews(&self, case: CaseId) -> Result<Vec<HerReviewRow>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT DISTINCT a.kind, a.status, a.concluded_at FROM hr_actions a
               JOIN protected_persons p ON p.token = a.person_token
             WHERE p.case_id = $1 AND p.basis = 'reporter' AND a.concluded_at IS NOT NULL AND a.exempt = 0
               AND a.source = 'hr'
               AND a.received_at >= p.since
             ORDER BY a.concluded_at",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(kind, status, at)| {
                Ok(HerReviewRow {
                    kind: parse(&kind, "HR action")?,
                    status: parse(&status, "HR action status")?,
                    concluded_at: from_millis(at)?,
                })
            })
            .collect()
    }

    async fn check_in_state(&self, case: CaseId) -> Result<CheckInState> {
        let closed: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(t.at) FROM transitions t JOIN cases c ON c.id = t.case_id
             WHERE t.case_id = $1 AND t.to_status = 'closed' AND c.status = 'closed'",
        )
        .bind(case.to_string())
        .fetch_one(&self.pool)
        .await?;
        let answered: Vec<(i64, i64)> =
            sqlx::query_as("SELECT day, changed FROM check_ins WHERE case_id = $1 ORDER BY day")
                .bind(case.to_string())
                .fetch_all(&self.pool)
                .await?;
        Ok(CheckInState {
            closed_at: from_millis_opt(closed)?,
            answered: answered
                .into_iter()
                .map(|(day, changed)| {
                    Ok((u32::try_from(day).map_err(|_| StoreError::Corrupt("day".into()))?, changed != 0))
                })
                .collect::<Result<_>>()?,
        })
    }

    async fn answer_check_in(&self, case: CaseId, day: u32, changed: bool, event: &StaffEventRecord) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "INSERT INTO check_ins (case_id, day, answered_at, changed) VALUES ($1, $2, $3, $4)
             ON CONFLICT (case_id, day) DO NOTHING",
        )
        .bind(case.to_string())
        .bind(i64::from(day))
        .bind(millis(event.event.at))
        .bind(i64::from(changed))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        append_staff_event(&mut tx, event, self.actors()).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn record_speaking_up(&self, event: &StaffEventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn follow_ups(&self, parent: CaseId) -> Result<Vec<(CaseId, String, Timestamp)>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT f.case_id, c.reference, f.created_at FROM case_follow_ups f JOIN cases c ON c.id = f.case_id
             WHERE f.parent_id = $1 ORDER BY f.created_at",
        )
        .bind(parent.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(id, reference, at)| Ok((parse(&id, "case id")?, reference, from_millis(at)?))).collect()
    }

    async fn follows(&self, case: CaseId) -> Result<Option<CaseId>> {
        let parent: Option<String> = sqlx::query_scalar("SELECT parent_id FROM case_follow_ups WHERE case_id = $1")
            .bind(case.to_string())
            .fetch_optional(&self.pool)
            .await?;
        parent.map(|p| parse(&p, "case id")).transpose()
    }

    async fn set_check_in_reminder(&self, case: CaseId, sealed_email: &[u8], at: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO check_in_reminders (case_id, sealed_email, asked_at) VALUES ($1, $2, $3)
             ON CONFLICT (case_id) DO UPDATE SET sealed_email = excluded.sealed_email, asked_at = excluded.asked_at,
                 attempts = 0, next_attempt_at = 0",
        )
        .bind(case.to_string())
        .bind(sealed_email)
        .bind(millis(at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn remove_check_in_reminder(&self, case: CaseId) -> Result<()> {
        sqlx::query("DELETE FROM check_in_reminders WHERE case_id = $1")
            .bind(case.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn check_in_reminder(&self, case: CaseId) -> Result<Option<ReminderRow>> {
        let row: Option<(Vec<u8>, Option<i64>, i64)> =
            sqlx::query_as("SELECT sealed_email, last_sent_day, attempts FROM check_in_reminders WHERE case_id = $1")
                .bind(case.to_string())
                .fetch_optional(&self.pool)
                .await?;
        match row {
            Some((sealed, last, attempts)) => Ok(Some(self.reminder_row(case, sealed, last, attempts).await?)),
            None => Ok(None),
        }
    }

    async fn check_in_reminders(&self, after: Option<CaseId>, now: Timestamp, limit: u32) -> Result<Vec<ReminderRow>> {
        let rows: Vec<(String, Vec<u8>, Option<i64>, i64)> = sqlx::query_as(
            "SELECT r.case_id, r.sealed_email, r.last_sent_day, r.attempts FROM check_in_reminders r
               JOIN cases c ON c.id = r.case_id
             WHERE c.status = 'closed' AND r.next_attempt_at <= $2 AND r.case_id > $1
             ORDER BY r.case_id LIMIT $3",
        )
        .bind(after.map(|c| c.to_string()).unwrap_or_default())
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (case, sealed, last, attempts) in rows {
            out.push(self.reminder_row(parse(&case, "case id")?, sealed, last, attempts).await?);
        }
        Ok(out)
    }

    async fn claim_check_in_reminder(&self, case: CaseId, day: u32, previous: Option<u32>) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE check_in_reminders SET last_sent_day = $2
             WHERE case_id = $1 AND COALESCE(last_sent_day, -1) = $3",
        )
        .bind(case.to_string())
        .bind(i64::from(day))
        .bind(previous.map_or(-1, i64::from))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn check_in_reminder_sent(&self, case: CaseId, more: bool) -> Result<()> {
        if !more {
            // The last check-in was mailed: her address is not kept a day longer.
            return self.remove_check_in_reminder(case).await;
        }
        sqlx::query("UPDATE check_in_reminders SET attempts = 0, next_attempt_at = 0 WHERE case_id = $1")
            .bind(case.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn check_in_reminder_failed(
        &self,
        case: CaseId,
        previous: Option<u32>,
        next: Timestamp,
        most: u32,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE check_in_reminders SET last_sent_day = $2, attempts = attempts + 1, next_attempt_at = $3
             WHERE case_id = $1",
        )
        .bind(case.to_string())
        .bind(previous.map(i64::from))
        .bind(millis(next))
        .execute(&mut *tx)
        .await?;
        // An address refused this often is not kept: her page still asks.
        let gone = sqlx::query("DELETE FROM check_in_reminders WHERE case_id = $1 AND attempts >= $2")
            .bind(case.to_string())
            .bind(i64::from(most))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(gone.rows_affected() == 0)
    }
}

impl SqlStore {
    async fn reminder_row(
        &self,
        case: CaseId,
        sealed_email: Vec<u8>,
        last: Option<i64>,
        attempts: i64,
    ) -> Result<ReminderRow> {
        let state = self.check_in_state(case).await?;
        Ok(ReminderRow {
            case_id: case,
            sealed_email,
            last_sent_day: last.map(|d| u32::try_from(d).map_err(|_| StoreError::Corrupt("day".into()))).transpose()?,
            attempts: u32::try_from(attempts).map_err(|_| StoreError::Corrupt("attempts".into()))?,
            closed_at: state.closed_at,
            answered: state.answered.into_iter().map(|(day, _)| day).collect(),
        })
    }
}

pub(crate) async fn insert_protected(conn: &mut Conn, row: &ProtectedRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO protected_persons (id, token, case_id, basis, since, until_at, added_by, sealed_note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(row.id.to_string())
    .bind(&row.token)
    .bind(row.case_id.map(|c| c.to_string()))
    .bind(row.basis.as_str())
    .bind(millis(row.since))
    .bind(row.until.map(millis))
    .bind(row.added_by.map(|s| s.to_string()))
    .bind(row.sealed_note.as_deref())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn insert_wraps(conn: &mut Conn, wraps: &[ItemWrap]) -> Result<()> {
    for w in wraps {
        // Only to a reader who still holds a key (disabled or reset since: none).
        sqlx::query(
            "INSERT INTO item_wraps (item_id, staff_id, wrapped_key)
             SELECT $1, id, $3 FROM staff WHERE id = $2 AND status = 'active' AND public_key = $4",
        )
        .bind(&w.item_id)
        .bind(w.staff_id.to_string())
        .bind(&w.wrapped_key)
        .bind(&w.public_key)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// One guarded update of an action and, when it changed the row, its leaf,
/// in one transaction: false (nothing written) when the guard refused.
async fn update_with_leaf<'q>(
    store: &SqlStore,
    update: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    event: &StaffEventRecord,
) -> Result<bool> {
    let mut tx = store.pool.begin().await?;
    if update.execute(&mut *tx).await?.rows_affected() != 1 {
        return Ok(false);
    }
    append_staff_event(&mut tx, event, store.actors()).await?;
    tx.commit().await?;
    Ok(true)
}

async fn insert_action(conn: &mut Conn, r: &HrActionRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO hr_actions (id, token_id, kind, received_at, period_end, exempt, disclosure, person_token,
                                 decider_token, sealed, status, justify_next_at, needed_decision, taken_up_at,
                                 taken_up_by, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(r.id.to_string())
    .bind(r.token_id.map(|t| t.to_string()))
    .bind(r.kind.as_str())
    .bind(millis(r.received_at))
    .bind(millis(r.period_end))
    .bind(i64::from(r.exempt))
    .bind(i64::from(r.disclosure))
    .bind(&r.person_token)
    .bind(r.decider_token.as_deref())
    .bind(&r.sealed)
    .bind(r.status.as_str())
    .bind(r.justify_next_at.map(millis))
    .bind(r.needed_decision.map(i64::from))
    .bind(r.taken_up_at.map(millis))
    .bind(r.taken_up_by.map(|s| s.to_string()))
    .bind(if r.proceeding { "proceeding" } else { "hr" })
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait]
impl RetaliationStore for SqlStore {
    async fn add_protected(&self, rows: &[ProtectedRow], event: &EventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for row in rows {
            insert_protected(&mut tx, row).await?;
        }
        self.insert_event(&mut tx, event).await?;
        Ok(tx.commit().await?)
    }

    async fn protected_at_intake(&self, case: CaseId) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM protected_persons
             WHERE case_id = $1 AND basis = 'reporter' AND sealed_note IS NULL AND added_by IS NULL",
        )
        .bind(case.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    async fn protection_notes(&self, case: CaseId) -> Result<Vec<ProtectionNote>> {
        let rows: Vec<(String, i64, Option<String>, Vec<u8>)> = sqlx::query_as(
            "SELECT DISTINCT basis, since, added_by, sealed_note FROM protected_persons
             WHERE case_id = $1 AND sealed_note IS NOT NULL ORDER BY since",
        )
        .bind(case.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(basis, since, by, sealed_note)| {
                Ok(ProtectionNote {
                    basis: parse(&basis, "protection basis")?,
                    since: from_millis(since)?,
                    added_by: by.map(|b| parse(&b, "staff id")).transpose()?,
                    sealed_note,
                })
            })
            .collect()
    }

    async fn protection(
        &self,
        tokens: &[Vec<u8>],
        now: Timestamp,
        closed_since: Timestamp,
    ) -> Result<Vec<ProtectionHit>> {
        let mut hits = Vec::new();
        for token in tokens {
            let named: Vec<(String, String)> = sqlx::query_as(
                "SELECT DISTINCT p.case_id, p.role FROM case_parties p JOIN cases c ON c.id = p.case_id
                 WHERE p.token = $1 AND p.role <> 'accused' AND (c.status <> 'closed' OR c.updated_at >= $2)",
            )
            .bind(token)
            .bind(millis(closed_since))
            .fetch_all(&self.pool)
            .await?;
            for (case, role) in named {
                let basis = if role == "witness" { ProtectionBasis::Witness } else { ProtectionBasis::Named };
                hits.push(ProtectionHit { case_id: Some(parse(&case, "case id")?), basis });
            }
            let listed: Vec<(Option<String>, String)> = sqlx::query_as(
                "SELECT pp.case_id, pp.basis FROM protected_persons pp LEFT JOIN cases c ON c.id = pp.case_id
                 WHERE pp.token = $1 AND (pp.until_at IS NULL OR pp.until_at > $2)
                   AND (pp.case_id IS NULL OR c.status <> 'closed' OR c.updated_at >= $3)",
            )
            .bind(token)
            .bind(millis(now))
            .bind(millis(closed_since))
            .fetch_all(&self.pool)
            .await?;
            for (case, basis) in listed {
                hits.push(ProtectionHit {
                    case_id: case.map(|c| parse(&c, "case id")).transpose()?,
                    basis: parse(&basis, "protection basis")?,
                });
            }
        }
        hits.sort_by_key(|h| (h.case_id, h.basis));
        hits.dedup();
        Ok(hits)
    }

    async fn protected_tokens(&self, case: CaseId, basis: ProtectionBasis) -> Result<Vec<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT token FROM protected_persons WHERE case_id = $1 AND basis = $2")
            .bind(case.to_string())
            .bind(basis.as_str())
            .fetch_all(&self.pool)
            .await?)
    }

    async fn accused_tokens(&self, case: CaseId) -> Result<Vec<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT token FROM case_parties WHERE case_id = $1 AND role <> 'witness'")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await?)
    }

    async fn create_hr_action(&self, row: &HrActionRow, wraps: &[ItemWrap], event: &StaffEventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_action(&mut tx, row).await?;
        insert_wraps(&mut tx, wraps).await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn create_hr_actions(&self, rows: &[(HrActionRow, Vec<ItemWrap>, StaffEventRecord)]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for (row, wraps, event) in rows {
            insert_action(&mut tx, row).await?;
            insert_wraps(&mut tx, wraps).await?;
            append_staff_event(&mut tx, event, self.actors()).await?;
        }
        Ok(tx.commit().await?)
    }

    async fn hr_action(&self, id: uuid::Uuid) -> Result<Option<HrActionRow>> {
        sqlx::query_as::<_, ActionColumns>("SELECT * FROM hr_actions WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .map(HrActionRow::try_from)
            .transpose()
    }

    async fn hr_actions_for(&self, staff: StaffId, limit: u32) -> Result<Vec<(HrActionRow, Vec<u8>)>> {
        // Her wrap comes with each row: one query for the whole list.
        let rows = sqlx::query_as::<_, ActionWithWrap>(
            "SELECT a.*, w.wrapped_key FROM hr_actions a JOIN item_wraps w ON w.item_id = a.id
             WHERE w.staff_id = $1 ORDER BY a.received_at DESC, a.id LIMIT $2",
        )
        .bind(staff.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|r| Ok((HrActionRow::try_from(r.action)?, r.wrapped_key))).collect()
    }

    async fn hr_actions_ending(
        &self,
        after: Option<(Timestamp, uuid::Uuid)>,
        until: Timestamp,
        limit: u32,
    ) -> Result<Vec<HrActionRow>> {
        let (after_at, after_id) = after.map_or((i64::MIN, String::new()), |(at, id)| (millis(at), id.to_string()));
        let rows = sqlx::query_as::<_, ActionColumns>(
            "SELECT * FROM hr_actions
             WHERE concluded_at IS NULL AND period_end <= $1 AND (period_end > $2 OR (period_end = $2 AND id > $3))
             ORDER BY period_end, id LIMIT $4",
        )
        .bind(millis(until))
        .bind(after_at)
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn decider_count(&self, decider: &[u8], since: Timestamp) -> Result<u64> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM hr_actions WHERE decider_token = $1 AND received_at >= $2")
                .bind(decider)
                .bind(millis(since))
                .fetch_one(&self.pool)
                .await?;
        unsigned(n, "count")
    }

    async fn item_wrap(&self, item: &str, staff: StaffId) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT wrapped_key FROM item_wraps WHERE item_id = $1 AND staff_id = $2")
            .bind(item)
            .bind(staff.to_string())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn open_hr_actions_of(&self, person_token: &[u8]) -> Result<Vec<HrActionRow>> {
        sqlx::query_as::<_, ActionColumns>(
            "SELECT * FROM hr_actions WHERE person_token = $1 AND concluded_at IS NULL ORDER BY id",
        )
        .bind(person_token)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(HrActionRow::try_from)
        .collect()
    }

    async fn remove_item_wraps(&self, item: &str, staff: &[StaffId]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for s in staff {
            sqlx::query("DELETE FROM item_wraps WHERE item_id = $1 AND staff_id = $2")
                .bind(item)
                .bind(s.to_string())
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx.commit().await?)
    }

    async fn item_readers(&self, item: &str) -> Result<Vec<StaffId>> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT staff_id FROM item_wraps WHERE item_id = $1 ORDER BY staff_id")
                .bind(item)
                .fetch_all(&self.pool)
                .await?;
        ids.iter().map(|s| parse(s, "staff id")).collect()
    }

    async fn take_up_hr_action(
        &self,
        id: uuid::Uuid,
        by: StaffId,
        at: Timestamp,
        event: &StaffEventRecord,
    ) -> Result<bool> {
        let update = sqlx::query(
            "UPDATE hr_actions SET taken_up_at = $1, taken_up_by = $2
             WHERE id = $3 AND taken_up_at IS NULL AND decision IS NULL AND concluded_at IS NULL AND period_end > $1",
        )
        .bind(millis(at))
        .bind(by.to_string())
        .bind(id.to_string());
        update_with_leaf(self, update, event).await
    }

    async fn decide_hr_action(&self, id: uuid::Uuid, d: &HrDecisionRow, event: &StaffEventRecord) -> Result<bool> {
        let update = sqlx::query(
            "UPDATE hr_actions SET decision = $1, decided_at = $2, decided_by = $3, sealed_decision = $4
             WHERE id = $5 AND decision IS NULL AND concluded_at IS NULL AND exempt = 0 AND period_end > $2",
        )
        .bind(d.decision.as_str())
        .bind(millis(d.at))
        .bind(d.by.to_string())
        .bind(&d.sealed)
        .bind(id.to_string());
        update_with_leaf(self, update, event).await
    }

    async fn conclude_hr_action(
        &self,
        id: uuid::Uuid,
        status: HrActionStatus,
        needed_decision: bool,
        at: Timestamp,
        seen: ConcludeSeen,
        event: &StaffEventRecord,
    ) -> Result<bool> {
        let update = sqlx::query(
            "UPDATE hr_actions SET status = $1, needed_decision = $2, concluded_at = $3
             WHERE id = $4 AND concluded_at IS NULL AND period_end <= $3
               AND COALESCE(decision, '') = $5 AND (CASE WHEN taken_up_at IS NULL THEN 0 ELSE 1 END) = $6",
        )
        .bind(status.as_str())
        .bind(i64::from(needed_decision))
        .bind(millis(at))
        .bind(id.to_string())
        .bind(seen.decision.map_or("", |d| d.as_str()))
        .bind(i64::from(seen.taken_up));
        update_with_leaf(self, update, event).await
    }

    async fn escalate_hr_action(
        &self,
        id: uuid::Uuid,
        call: ReviewCall,
        at: Timestamp,
        notices: &[StaffNotice],
    ) -> Result<bool> {
        let sql = match call {
            ReviewCall::First => "UPDATE hr_actions SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL",
            ReviewCall::Last => {
                "UPDATE hr_actions SET last_call_at = $1, escalated_at = COALESCE(escalated_at, $1)
                 WHERE id = $2 AND last_call_at IS NULL"
            }
        };
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(sql).bind(millis(at)).bind(id.to_string()).execute(&mut *tx).await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        for n in notices {
            queue_notice(&mut tx, n).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn justifications_to_ask(&self, now: Timestamp, limit: u32) -> Result<Vec<HrActionRow>> {
        let rows = sqlx::query_as::<_, ActionColumns>(
            "SELECT * FROM hr_actions
             WHERE justify_mailed_at IS NULL AND justify_next_at <= $1 AND justified_at IS NULL AND concluded_at IS NULL
             ORDER BY justify_next_at, id LIMIT $2",
        )
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn justification_asked(&self, id: uuid::Uuid, at: Timestamp) -> Result<()> {
        sqlx::query("UPDATE hr_actions SET justify_mailed_at = $1 WHERE id = $2")
            .bind(millis(at))
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn justification_retry(&self, id: uuid::Uuid, next: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE hr_actions SET justify_next_at = $1, justify_attempts = justify_attempts + 1 WHERE id = $2",
        )
        .bind(millis(next))
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn justify_hr_action(
        &self,
        id: uuid::Uuid,
        sealed: &[u8],
        wraps: &[ItemWrap],
        event: &StaffEventRecord,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE hr_actions SET justified_at = $1, sealed_justification = $2
             WHERE id = $3 AND justified_at IS NULL AND concluded_at IS NULL",
        )
        .bind(millis(event.event.at))
        .bind(sealed)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        insert_wraps(&mut tx, wraps).await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[derive(sqlx::FromRow)]
struct ActionWithWrap {
    #[sqlx(flatten)]
    action: ActionColumns,
    wrapped_key: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct ActionColumns {
    id: String,
    token_id: Option<String>,
    kind: String,
    received_at: i64,
    period_end: i64,
    exempt: i64,
    disclosure: i64,
    person_token: Vec<u8>,
    decider_token: Option<Vec<u8>>,
    sealed: Vec<u8>,
    status: String,
    escalated_at: Option<i64>,
    last_call_at: Option<i64>,
    taken_up_at: Option<i64>,
    taken_up_by: Option<String>,
    decision: Option<String>,
    decided_at: Option<i64>,
    decided_by: Option<String>,
    sealed_decision: Option<Vec<u8>>,
    needed_decision: Option<i64>,
    concluded_at: Option<i64>,
    justify_next_at: Option<i64>,
    justify_attempts: i64,
    justify_mailed_at: Option<i64>,
    justified_at: Option<i64>,
    sealed_justification: Option<Vec<u8>>,
    source: String,
}

impl TryFrom<ActionColumns> for HrActionRow {
    type Error = StoreError;
    fn try_from(c: ActionColumns) -> Result<Self> {
        let staff = |s: Option<String>| s.map(|s| parse::<StaffId>(&s, "staff id")).transpose();
        Ok(HrActionRow {
            id: parse(&c.id, "HR action id")?,
            token_id: c.token_id.map(|t| parse(&t, "token id")).transpose()?,
            kind: parse(&c.kind, "HR action")?,
            received_at: from_millis(c.received_at)?,
            period_end: from_millis(c.period_end)?,
            exempt: c.exempt != 0,
            disclosure: c.disclosure != 0,
            person_token: c.person_token,
            decider_token: c.decider_token,
            sealed: c.sealed,
            status: parse(&c.status, "HR action status")?,
            escalated_at: from_millis_opt(c.escalated_at)?,
            last_call_at: from_millis_opt(c.last_call_at)?,
            taken_up_at: from_millis_opt(c.taken_up_at)?,
            taken_up_by: staff(c.taken_up_by)?,
            decision: c.decision.map(|d| parse(&d, "review decision")).transpose()?,
            decided_at: from_millis_opt(c.decided_at)?,
            decided_by: staff(c.decided_by)?,
            sealed_decision: c.sealed_decision,
            needed_decision: c.needed_decision.map(|n| n != 0),
            concluded_at: from_millis_opt(c.concluded_at)?,
            justify_next_at: from_millis_opt(c.justify_next_at)?,
            justify_attempts: u32::try_from(c.justify_attempts).map_err(|_| StoreError::Corrupt("attempts".into()))?,
            justify_mailed_at: from_millis_opt(c.justify_mailed_at)?,
            justified_at: from_millis_opt(c.justified_at)?,
            sealed_justification: c.sealed_justification,
            proceeding: c.source == "proceeding",
        })
    }
}

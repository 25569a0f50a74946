//! Staff accounts through their life: invited, active, reset, disabled,
//! enabled again; one-time links; the ledger of administrative actions.
//! Each change commits with its ledger leaf, and any change that must end
//! her sessions raises her session epoch in the same transaction.

use crate::ledger::append_staff_event;
use crate::sql::{Conn, index, typed};
use crate::staff::{grant_pending_everywhere, insert_staff_row};
use crate::*;
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{Role, StaffId, StaffStatus};

/// A new key pair for her: the public half, and the private half sealed
/// under her password.
#[derive(Clone, Debug)]
pub struct NewKeys {
    pub public_key: Vec<u8>,
    pub sealed_secret: Vec<u8>,
}

impl NewKeys {
    /// No key yet: an invited account, until she chooses her password.
    pub fn none() -> Self {
        Self { public_key: Vec::new(), sealed_secret: Vec::new() }
    }
}

/// A content-free notice to one staff member, with the link it carries if any.
#[derive(Clone, Debug)]
pub struct StaffNotice {
    pub staff: StaffId,
    pub kind: &'static str,
    pub ticket: Option<uuid::Uuid>,
    pub at: Timestamp,
}

/// An administrative event as oversight reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffEventRow {
    pub record: StaffEventRecord,
    pub leaf_index: u64,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// An account with its key pair (made at the command line, in the demo),
    /// with pending grants as `create_staff` gives them, and its leaf.
    async fn add_staff(&self, staff: &StaffRecord, exclusions: &[ExclusionRow], event: &StaffEventRecord)
    -> Result<()>;
    /// An invited account: no key and no case until she chooses her
    /// password; its one-time link, the notice carrying it, and its leaf.
    async fn invite_staff(&self, staff: &StaffRecord, ticket: &TicketRow, event: &StaffEventRecord) -> Result<()>;
    /// An invited account whose role waits for oversight's approval
    /// (DECISIONS #3): no link until a member approves.
    async fn invite_awaiting(&self, staff: &StaffRecord, grant: &RoleGrantRow, event: &StaffEventRecord) -> Result<()>;
    async fn ticket(&self, id: uuid::Uuid) -> Result<Option<TicketRow>>;
    /// Her most recent one-time link, used or not.
    async fn latest_ticket(&self, staff: StaffId) -> Result<Option<TicketRow>>;
    /// She chose her password from a ticket: her new key pair, the ticket
    /// used, every other ticket of hers void, her sessions ended, and every
    /// case the rule lets her read a pending grant. False if the ticket was
    /// used meanwhile (nothing changed).
    async fn activate_staff(
        &self,
        ticket: uuid::Uuid,
        keys: &NewKeys,
        exclusions: &[ExclusionRow],
        event: &StaffEventRecord,
    ) -> Result<bool>;
    /// Disabled: her wraps and pending grants removed, her assignments
    /// ended, her sessions ended; what she did stays on the record.
    async fn disable_staff(&self, staff: StaffId, event: &StaffEventRecord) -> Result<()>;
    /// Enabled again: active, with a pending grant on every case the rule
    /// lets her read; or, for an account that holds no key (disabled while
    /// invited or reset), waiting again for her to choose a password from
    /// `ticket`, with no case until she does.
    async fn enable_staff(
        &self,
        staff: StaffId,
        exclusions: &[ExclusionRow],
        ticket: Option<&TicketRow>,
        event: &StaffEventRecord,
    ) -> Result<()>;
    /// Reset: her key pair is void (her wraps become pending grants, no
    /// reader wraps to her until she has a new one), her sessions end, and
    /// a one-time link lets her choose a new password.
    async fn reset_staff(&self, staff: StaffId, ticket: &TicketRow, event: &StaffEventRecord) -> Result<()>;
    /// A new role. Her sessions end (they carry the old one). A role that
    /// reads no case holds no access row; one that does gets pending grants.
    async fn set_staff_role(
        &self,
        staff: StaffId,
        role: Role,
        exclusions: &[ExclusionRow],
        event: &StaffEventRecord,
    ) -> Result<()>;
    /// Her private key sealed again under a new password; nothing else changes.
    async fn change_password(&self, staff: StaffId, sealed_secret: &[u8], event: &StaffEventRecord) -> Result<()>;
    /// Links her to the directory person an identifier names (None: by her
    /// email alone), with its leaf.
    async fn set_staff_employee_id(
        &self,
        staff: StaffId,
        employee_id: Option<&str>,
        event: &StaffEventRecord,
    ) -> Result<()>;
    async fn note_sign_in(&self, staff: StaffId, at: Timestamp) -> Result<()>;
    async fn queue_staff_notice(&self, notice: &StaffNotice) -> Result<()>;
    /// The ticket a queued notice carries, if any.
    async fn notice_ticket(&self, outbox_id: &str) -> Result<Option<TicketRow>>;
    /// Administrative events, newest first, before a leaf index if given.
    async fn staff_events(&self, before: Option<u64>, limit: u32) -> Result<Vec<StaffEventRow>>;
}

/// Disables an account inside a caller's transaction: her sessions end,
/// her case keys go, what she asked for or created ends with her, and the
/// ledger records `event`.
pub(crate) async fn disable_in(
    conn: &mut Conn,
    staff: StaffId,
    event: &StaffEventRecord,
    actors: Option<&dyn crate::ActorCommitments>,
) -> Result<()> {
    set_status(conn, staff, StaffStatus::Disabled).await?;
    remove_access(conn, staff).await?;
    // A role asked for her waits no more.
    sqlx::query("DELETE FROM role_grants WHERE staff_id = $1 AND decided_at IS NULL")
        .bind(staff.to_string())
        .execute(&mut *conn)
        .await?;
    // The directory-sync tokens she created end with her (DECISIONS #1).
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE created_by = $2 AND revoked_at IS NULL")
        .bind(millis(event.event.at))
        .bind(staff.to_string())
        .execute(&mut *conn)
        .await?;
    void_tickets(conn, staff, event.event.at).await?;
    append_staff_event(conn, event, actors).await?;
    Ok(())
}

pub(crate) async fn set_status(conn: &mut Conn, staff: StaffId, status: StaffStatus) -> Result<()> {
    sqlx::query("UPDATE staff SET status = $1, session_epoch = session_epoch + 1 WHERE id = $2")
        .bind(status.as_str())
        .bind(staff.to_string())
        .execute(&mut *conn)
        .await?;
    crate::sessions::end_staff_sessions(conn, staff).await
}

/// A new role, in the caller's transaction: her sessions end; a role that
/// reads no case holds no access row, one that does gets pending grants.
pub(crate) async fn set_role(
    conn: &mut Conn,
    staff: StaffId,
    role: Role,
    exclusions: &[ExclusionRow],
    at: Timestamp,
) -> Result<()> {
    let status: String = sqlx::query_scalar(
        "UPDATE staff SET role = $1, session_epoch = session_epoch + 1 WHERE id = $2 RETURNING status",
    )
    .bind(role.as_str())
    .bind(staff.to_string())
    .fetch_one(&mut *conn)
    .await?;
    crate::sessions::end_staff_sessions(conn, staff).await?;
    if !role.reads_cases() {
        remove_access(conn, staff).await?;
    } else if status == StaffStatus::Active.as_str() {
        grant_pending_everywhere(conn, staff, exclusions, at).await?;
    }
    Ok(())
}

/// Pending grants everywhere the rule lets her read, if her role reads cases.
async fn grant_if_reader(conn: &mut Conn, staff: StaffId, exclusions: &[ExclusionRow], at: Timestamp) -> Result<()> {
    let role: String = sqlx::query_scalar("SELECT role FROM staff WHERE id = $1")
        .bind(staff.to_string())
        .fetch_one(&mut *conn)
        .await?;
    if parse::<Role>(&role, "role")?.reads_cases() {
        grant_pending_everywhere(conn, staff, exclusions, at).await?;
    }
    Ok(())
}

pub(crate) async fn insert_ticket(conn: &mut Conn, t: &TicketRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO staff_tickets (id, staff_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(t.id.to_string())
    .bind(t.staff_id.to_string())
    .bind(t.purpose.as_str())
    .bind(millis(t.created_at))
    .bind(millis(t.expires_at))
    .execute(&mut *conn)
    .await?;
    queue_notice(
        conn,
        &StaffNotice { staff: t.staff_id, kind: t.purpose.as_str(), ticket: Some(t.id), at: t.created_at },
    )
    .await
}

/// Every unused ticket of hers stops working: one link at a time.
async fn void_tickets(conn: &mut Conn, staff: StaffId, at: Timestamp) -> Result<()> {
    sqlx::query("UPDATE staff_tickets SET used_at = $1 WHERE staff_id = $2 AND used_at IS NULL")
        .bind(millis(at))
        .bind(staff.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn queue_notice(conn: &mut Conn, n: &StaffNotice) -> Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, staff_id, kind, case_id, created_at, next_attempt_at, ticket_id)
         VALUES ($1, $2, $3, NULL, $4, $4, $5)",
    )
    .bind(format!("{}-{}", n.kind, uuid::Uuid::now_v7()))
    .bind(n.staff.to_string())
    .bind(n.kind)
    .bind(millis(n.at))
    .bind(n.ticket.map(|t| t.to_string()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Her access rows and assignments go; the record of what she did stays.
async fn remove_access(conn: &mut Conn, staff: StaffId) -> Result<()> {
    for table in ["case_access", "case_assignees", "case_reads", "item_wraps"] {
        // `table` is one of the constants above, never input.
        let sql = format!("DELETE FROM {table} WHERE staff_id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(staff.to_string()).execute(&mut *conn).await?;
    }
    Ok(())
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn add_staff(
        &self,
        staff: &StaffRecord,
        exclusions: &[ExclusionRow],
        event: &StaffEventRecord,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_staff_row(&mut tx, staff).await?;
        if staff.reads_cases() {
            grant_pending_everywhere(&mut tx, staff.id, exclusions, staff.created_at).await?;
        }
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn invite_staff(&self, staff: &StaffRecord, ticket: &TicketRow, event: &StaffEventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_staff_row(&mut tx, staff).await?;
        insert_ticket(&mut tx, ticket).await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn invite_awaiting(&self, staff: &StaffRecord, grant: &RoleGrantRow, event: &StaffEventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_staff_row(&mut tx, staff).await?;
        crate::role_grants::insert_grant(&mut tx, grant).await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn ticket(&self, id: uuid::Uuid) -> Result<Option<TicketRow>> {
        let row = sqlx::query_as::<_, TicketColumns>("SELECT * FROM staff_tickets WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn latest_ticket(&self, staff: StaffId) -> Result<Option<TicketRow>> {
        let row = sqlx::query_as::<_, TicketColumns>(
            "SELECT * FROM staff_tickets WHERE staff_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(staff.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn activate_staff(
        &self,
        ticket: uuid::Uuid,
        keys: &NewKeys,
        exclusions: &[ExclusionRow],
        event: &StaffEventRecord,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let at = millis(event.event.at);
        let staff: Option<String> = sqlx::query_scalar(
            "UPDATE staff_tickets SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1
             RETURNING staff_id",
        )
        .bind(at)
        .bind(ticket.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(staff) = staff else {
            return Ok(false);
        };
        let staff: StaffId = parse(&staff, "staff id")?;
        sqlx::query(
            "UPDATE staff SET public_key = $1, sealed_secret = $2, status = 'active',
                              session_epoch = session_epoch + 1
             WHERE id = $3 AND status IN ('invited', 'reset')",
        )
        .bind(&keys.public_key)
        .bind(&keys.sealed_secret)
        .bind(staff.to_string())
        .execute(&mut *tx)
        .await?;
        void_tickets(&mut tx, staff, event.event.at).await?;
        crate::sessions::end_staff_sessions(&mut tx, staff).await?;
        // Wraps to her old key open nothing now: each becomes a pending grant.
        sqlx::query("UPDATE case_access SET wrapped_key = NULL WHERE staff_id = $1")
            .bind(staff.to_string())
            .execute(&mut *tx)
            .await?;
        // An item's wrap has no pending form: her old key opens it no more.
        sqlx::query("DELETE FROM item_wraps WHERE staff_id = $1").bind(staff.to_string()).execute(&mut *tx).await?;
        grant_if_reader(&mut tx, staff, exclusions, event.event.at).await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn disable_staff(&self, staff: StaffId, event: &StaffEventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        disable_in(&mut tx, staff, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn enable_staff(
        &self,
        staff: StaffId,
        exclusions: &[ExclusionRow],
        ticket: Option<&TicketRow>,
        event: &StaffEventRecord,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        if let Some(ticket) = ticket {
            let status = match ticket.purpose {
                TicketPurpose::Invitation => StaffStatus::Invited,
                TicketPurpose::Reset => StaffStatus::Reset,
            };
            set_status(&mut tx, staff, status).await?;
            insert_ticket(&mut tx, ticket).await?;
            append_staff_event(&mut tx, event, self.actors()).await?;
            return Ok(tx.commit().await?);
        }
        set_status(&mut tx, staff, StaffStatus::Active).await?;
        grant_if_reader(&mut tx, staff, exclusions, event.event.at).await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn reset_staff(&self, staff: StaffId, ticket: &TicketRow, event: &StaffEventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        set_status(&mut tx, staff, StaffStatus::Reset).await?;
        // Her key pair is void: nothing wraps to it, and her old password
        // opens nothing, whatever happens to the account next.
        sqlx::query("UPDATE staff SET public_key = $1, sealed_secret = $1 WHERE id = $2")
            .bind(Vec::<u8>::new())
            .bind(staff.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE case_access SET wrapped_key = NULL WHERE staff_id = $1")
            .bind(staff.to_string())
            .execute(&mut *tx)
            .await?;
        // An item's wrap has no pending form: her old key opens it no more.
        sqlx::query("DELETE FROM item_wraps WHERE staff_id = $1").bind(staff.to_string()).execute(&mut *tx).await?;
        // Her second factor was sealed to the void key: she sets up a new one.
        crate::second_factor::clear_second_factor(&mut tx, staff).await?;
        void_tickets(&mut tx, staff, event.event.at).await?;
        insert_ticket(&mut tx, ticket).await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn set_staff_role(
        &self,
        staff: StaffId,
        role: Role,
        exclusions: &[ExclusionRow],
        event: &StaffEventRecord,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        set_role(&mut tx, staff, role, exclusions, event.event.at).await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn change_password(&self, staff: StaffId, sealed_secret: &[u8], event: &StaffEventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE staff SET sealed_secret = $1 WHERE id = $2")
            .bind(sealed_secret)
            .bind(staff.to_string())
            .execute(&mut *tx)
            .await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn set_staff_employee_id(
        &self,
        staff: StaffId,
        employee_id: Option<&str>,
        event: &StaffEventRecord,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE staff SET employee_id = $1 WHERE id = $2")
            .bind(employee_id)
            .bind(staff.to_string())
            .execute(&mut *tx)
            .await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn note_sign_in(&self, staff: StaffId, at: Timestamp) -> Result<()> {
        sqlx::query("UPDATE staff SET last_sign_in_at = $1 WHERE id = $2")
            .bind(millis(at))
            .bind(staff.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn queue_staff_notice(&self, notice: &StaffNotice) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        queue_notice(&mut conn, notice).await
    }

    async fn notice_ticket(&self, outbox_id: &str) -> Result<Option<TicketRow>> {
        let row = sqlx::query_as::<_, TicketColumns>(
            "SELECT t.* FROM outbox o JOIN staff_tickets t ON t.id = o.ticket_id WHERE o.id = $1",
        )
        .bind(outbox_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn staff_events(&self, before: Option<u64>, limit: u32) -> Result<Vec<StaffEventRow>> {
        let rows = sqlx::query_as::<_, StaffEventColumns>(
            "SELECT * FROM staff_events WHERE leaf_index < $1 ORDER BY leaf_index DESC LIMIT $2",
        )
        .bind(before.map_or(Ok(i64::MAX), index)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }
}

#[derive(sqlx::FromRow)]
struct TicketColumns {
    id: String,
    staff_id: String,
    purpose: String,
    created_at: i64,
    expires_at: i64,
    used_at: Option<i64>,
}

impl TryFrom<TicketColumns> for TicketRow {
    type Error = StoreError;
    fn try_from(c: TicketColumns) -> Result<Self> {
        Ok(TicketRow {
            id: parse(&c.id, "ticket id")?,
            staff_id: parse(&c.staff_id, "staff id")?,
            purpose: c.purpose.parse().map_err(|()| StoreError::Corrupt(format!("ticket purpose {}", c.purpose)))?,
            created_at: from_millis(c.created_at)?,
            expires_at: from_millis(c.expires_at)?,
            used_at: c.used_at.map(from_millis).transpose()?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct StaffEventColumns {
    id: String,
    kind: String,
    at: i64,
    actor_kind: String,
    staff_id: Option<String>,
    subject_id: Option<String>,
    detail: String,
    payload_hash: Option<Vec<u8>>,
    leaf_index: i64,
}

impl TryFrom<StaffEventColumns> for StaffEventRow {
    type Error = StoreError;
    fn try_from(c: StaffEventColumns) -> Result<Self> {
        let leaf_index = crate::sql::unsigned(c.leaf_index, "leaf index")?;
        let event = EventRecord {
            id: parse(&c.id, "event id")?,
            case_id: NO_CASE,
            kind: parse(&c.kind, "event kind")?,
            at: from_millis(c.at)?,
            actor: Actor::from_parts(&c.actor_kind, c.staff_id)?,
            payload_hash: match c.payload_hash {
                Some(bytes) => bytes.try_into().map_err(|_| StoreError::Corrupt("payload hash".into()))?,
                None => [0; 32],
            },
            leaf_index: Some(leaf_index),
        };
        Ok(StaffEventRow {
            record: StaffEventRecord {
                event,
                subject: c.subject_id.as_deref().map(|s| parse(s, "staff id")).transpose()?,
                detail: c.detail,
            },
            leaf_index,
        })
    }
}

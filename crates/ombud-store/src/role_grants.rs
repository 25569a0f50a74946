//! A role that waits for oversight: granting the oversight role needs an
//! existing member's approval (DECISIONS #3). The request and its decision
//! are leaves of the ledger, written with the change they record.

use crate::accounts::{insert_ticket, set_role, set_status};
use crate::ledger::append_staff_event;
use crate::sql::{Conn, all_rows};
use crate::*;
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{Role, StaffId, StaffStatus};

/// A role asked for, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleGrantRow {
    pub id: uuid::Uuid,
    pub staff_id: StaffId,
    pub role: Role,
    /// Who asked; None for the command line.
    pub asked_by: Option<StaffId>,
    pub asked_at: Timestamp,
    pub decided_by: Option<StaffId>,
    pub decided_at: Option<Timestamp>,
    pub approved: Option<bool>,
}

/// What an approval does to the account, decided by the service.
#[derive(Clone, Debug)]
pub enum GrantEffect {
    /// An invited account: its link, now that the role is approved.
    Invite(TicketRow),
    /// An existing account takes the role, with these exclusions.
    SetRole(Vec<ExclusionRow>),
}

#[async_trait]
pub trait RoleGrantStore: Send + Sync {
    /// Records a request for a role on an existing account (nothing changes yet).
    async fn ask_role(&self, grant: &RoleGrantRow, event: &StaffEventRecord) -> Result<()>;
    /// Enables an account invited for a role never approved: invited again,
    /// its role asked for again, no link until a member approves.
    async fn enable_awaiting(&self, grant: &RoleGrantRow, event: &StaffEventRecord) -> Result<()>;
    async fn role_grant(&self, id: uuid::Uuid) -> Result<Option<RoleGrantRow>>;
    /// Requests nobody decided yet, oldest first.
    async fn open_role_grants(&self) -> Result<Vec<RoleGrantRow>>;
    /// Decides a request once (false if it was decided meanwhile). Approved:
    /// the effect is applied. Refused: an account invited for it is
    /// disabled (it never had a key); an existing one keeps its role.
    async fn decide_role_grant(
        &self,
        id: uuid::Uuid,
        by: StaffId,
        approve: Option<GrantEffect>,
        event: &StaffEventRecord,
    ) -> Result<bool>;
}

/// One open request per account: a newer one replaces it.
async fn replace_open_grant(conn: &mut Conn, grant: &RoleGrantRow) -> Result<()> {
    sqlx::query("DELETE FROM role_grants WHERE staff_id = $1 AND decided_at IS NULL")
        .bind(grant.staff_id.to_string())
        .execute(&mut *conn)
        .await?;
    insert_grant(conn, grant).await
}

pub(crate) async fn insert_grant(conn: &mut Conn, g: &RoleGrantRow) -> Result<()> {
    sqlx::query("INSERT INTO role_grants (id, staff_id, role, asked_by, asked_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(g.id.to_string())
        .bind(g.staff_id.to_string())
        .bind(g.role.as_str())
        .bind(g.asked_by.map(|s| s.to_string()))
        .bind(millis(g.asked_at))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[async_trait]
impl RoleGrantStore for SqlStore {
    async fn ask_role(&self, grant: &RoleGrantRow, event: &StaffEventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        replace_open_grant(&mut tx, grant).await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn enable_awaiting(&self, grant: &RoleGrantRow, event: &StaffEventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        set_status(&mut tx, grant.staff_id, StaffStatus::Invited).await?;
        replace_open_grant(&mut tx, grant).await?;
        append_staff_event(&mut tx, event, self.actors()).await?;
        Ok(tx.commit().await?)
    }

    async fn role_grant(&self, id: uuid::Uuid) -> Result<Option<RoleGrantRow>> {
        let row = sqlx::query_as::<_, RoleGrantColumns>("SELECT * FROM role_grants WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn open_role_grants(&self) -> Result<Vec<RoleGrantRow>> {
        all_rows::<RoleGrantColumns, _>(
            &self.pool,
            "SELECT * FROM role_grants WHERE decided_at IS NULL ORDER BY asked_at, id",
        )
        .await
    }

    async fn decide_role_grant(
        &self,
        id: uuid::Uuid,
        by: StaffId,
        approve: Option<GrantEffect>,
        event: &StaffEventRecord,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let at = event.event.at;
        let decided: Option<(String, String)> = sqlx::query_as(
            "UPDATE role_grants SET decided_by = $1, decided_at = $2, approved = $3
             WHERE id = $4 AND decided_at IS NULL RETURNING staff_id, role",
        )
        .bind(by.to_string())
        .bind(millis(at))
        .bind(i64::from(approve.is_some()))
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((staff, role)) = decided else {
            return Ok(false);
        };
        let staff: StaffId = parse(&staff, "staff id")?;
        let role: Role = parse(&role, "role")?;
        match approve {
            Some(GrantEffect::Invite(ticket)) => insert_ticket(&mut tx, &ticket).await?,
            Some(GrantEffect::SetRole(exclusions)) => set_role(&mut tx, staff, role, &exclusions, at).await?,
            None => {
                let status: String = sqlx::query_scalar("SELECT status FROM staff WHERE id = $1")
                    .bind(staff.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                if status == StaffStatus::Invited.as_str() {
                    set_status(&mut tx, staff, StaffStatus::Disabled).await?;
                }
            }
        }
        append_staff_event(&mut tx, event, self.actors()).await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[derive(sqlx::FromRow)]
struct RoleGrantColumns {
    id: String,
    staff_id: String,
    role: String,
    asked_by: Option<String>,
    asked_at: i64,
    decided_by: Option<String>,
    decided_at: Option<i64>,
    approved: Option<i64>,
}

impl TryFrom<RoleGrantColumns> for RoleGrantRow {
    type Error = StoreError;
    fn try_from(c: RoleGrantColumns) -> Result<Self> {
        Ok(RoleGrantRow {
            id: parse(&c.id, "grant id")?,
            staff_id: parse(&c.staff_id, "staff id")?,
            role: parse(&c.role, "role")?,
            asked_by: c.asked_by.as_deref().map(|s| parse(s, "staff id")).transpose()?,
            asked_at: from_millis(c.asked_at)?,
            decided_by: c.decided_by.as_deref().map(|s| parse(s, "staff id")).transpose()?,
            decided_at: c.decided_at.map(from_millis).transpose()?,
            approved: c.approved.map(|a| a != 0),
        })
    }
}

//! Administration: staff accounts through their life, by an administrator
//! in the browser or the operator at the command line. Every change is a
//! leaf of the ledger (who, what, on whom, when) that oversight reads.
//! The administrator chooses who has an account and in which role; he never
//! chooses a password for anyone, and reads no case.

use crate::accounts::{Ticket, new_staff_keys};
use crate::error::invalid;
use crate::views::StaffView;
use crate::{AdminDesk, Result, ServiceError};
use ombud_domain::{EventKind, FieldError, Role, StaffId, StaffStatus, password_problem, valid_email};
use ombud_store::*;

/// An account invited: its one-time link goes to her by mail. The link is
/// also given here for the operator at the command line, who holds every
/// secret anyway; the browser and the API never show it to an administrator.
pub struct Invited {
    pub staff: StaffView,
    /// None while the role waits for oversight's approval (DECISIONS #3):
    /// the link is made and mailed when a member approves.
    pub link_token: Option<String>,
}

impl AdminDesk<'_> {
    fn actor(&self) -> Actor {
        self.by_actor()
    }

    /// Who acts, for a ledger leaf: the administrator, or the command line.
    pub(crate) fn by_actor(&self) -> Actor {
        self.by.map_or(Actor::System, Actor::Staff)
    }

    /// An account with a password the operator types (the command line's
    /// `staff add`, the demo and the tests).
    pub async fn add_staff(&self, email: &str, name: &str, role: Role, password: &str) -> Result<StaffView> {
        let mut errors = new_account_problems(email, name);
        if let Some(code) = password_problem(password) {
            errors.push(FieldError { field: "password".into(), code });
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        self.refuse_taken(email).await?;
        let id = StaffId::new();
        let keys = new_staff_keys(self, id, password).await?;
        let record = new_record(id, email, name, role, StaffStatus::Active, keys, self.clock.now());
        let exclusions = self.exclusions_for_new_staff(&record).await?;
        let event = StaffEventRecord::new(EventKind::StaffAdded, record.created_at, self.actor(), Some(id))
            .with_detail(role.as_str());
        self.store.add_staff(&record, &exclusions, &event).await?;
        tracing::info!(staff = %id, role = %role, "staff account created");
        Ok(staff_view(&record, &[], &self.config))
    }

    /// Invites a person: her account waits, with no key and no case, until
    /// she chooses her password from the link mailed to her.
    pub async fn invite(&self, email: &str, name: &str, role: Role, lang: &str) -> Result<Invited> {
        let errors = new_account_problems(email, name);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        self.refuse_taken(email).await?;
        let now = self.clock.now();
        let id = StaffId::new();
        let mut record = new_record(id, email, name, role, StaffStatus::Invited, NewKeys::none(), now);
        record.lang = if lang.starts_with("zh") { "zh-CN" } else { "en" }.to_owned();
        let event =
            StaffEventRecord::new(EventKind::StaffInvited, now, self.actor(), Some(id)).with_detail(role.as_str());
        if self.awaits_approval(role).await? {
            let grant = self.role_request(id, role);
            self.store.invite_awaiting(&record, &grant, &event.with_detail(format!("{role}?"))).await?;
            tracing::info!(staff = %id, role = %role, "staff member invited; the role waits for oversight");
            return Ok(Invited { staff: self.view_of(id).await?, link_token: None });
        }
        let ticket = self.new_ticket(id, TicketPurpose::Invitation);
        self.store.invite_staff(&record, &ticket, &event).await?;
        tracing::info!(staff = %id, role = %role, "staff member invited");
        Ok(Invited { staff: staff_view(&record, &[], &self.config), link_token: Some(Ticket::token(self, &ticket)?) })
    }

    /// Disables an account at once: her sessions end, her case keys are
    /// removed, and what she did stays on the record.
    pub async fn disable(&self, staff: StaffId) -> Result<StaffView> {
        let record = self.other_account(staff).await?;
        if record.status == StaffStatus::Disabled {
            return self.view_of(staff).await;
        }
        let event = StaffEventRecord::new(EventKind::StaffDisabled, self.clock.now(), self.actor(), Some(staff));
        self.store.disable_staff(staff, &event).await?;
        tracing::info!(staff = %staff, "staff account disabled");
        self.after_holder_change(staff).await?;
        self.view_of(staff).await
    }

    /// Enables a disabled account again; her access comes back as pending
    /// grants, each completed by the next reader of its case, and only on
    /// cases the conflict rule lets her read. An account that holds no key
    /// (disabled while invited or reset) waits again for her to choose a
    /// password from a new one-time link, mailed to her (and given here).
    pub async fn enable(&self, staff: StaffId) -> Result<(StaffView, Option<String>)> {
        let record = self.other_account(staff).await?;
        if record.status != StaffStatus::Disabled {
            return Err(invalid("staff", "not-disabled"));
        }
        let event = StaffEventRecord::new(EventKind::StaffEnabled, self.clock.now(), self.actor(), Some(staff));
        let last_link = self.store.latest_ticket(staff).await?.map(|t| t.purpose);
        if record.public_key.is_empty() && last_link.is_none() && self.awaits_approval(record.role).await? {
            // Invited for the oversight role and never approved (no link was
            // ever made): she waits for a member's approval again, not a link.
            self.store.enable_awaiting(&self.role_request(staff, record.role), &event).await?;
            return Ok((self.view_of(staff).await?, None));
        }
        // Without a key she waits, as before she was disabled, for the
        // link her last one was: an invitation, or a reset.
        let ticket = match record.public_key.is_empty() {
            true => Some(self.new_ticket(staff, last_link.unwrap_or(TicketPurpose::Invitation))),
            false => None,
        };
        let exclusions = match ticket {
            Some(_) => Vec::new(),
            None => self.exclusions_for_new_staff(&record).await?,
        };
        self.store.enable_staff(staff, &exclusions, ticket.as_ref(), &event).await?;
        tracing::info!(staff = %staff, "staff account enabled");
        let link = ticket.as_ref().map(|t| Ticket::token(self, t)).transpose()?;
        Ok((self.view_of(staff).await?, link))
    }

    /// Resets an account whose password is lost: her sessions end, her key
    /// pair is void, and a one-time link lets her choose a new password (and
    /// get a new key pair). Her cases wait as pending grants, completed by
    /// another reader or the reporter.
    pub async fn reset(&self, staff: StaffId) -> Result<Invited> {
        let record = self.other_account(staff).await?;
        if record.status == StaffStatus::Disabled {
            return Err(invalid("staff", "disabled"));
        }
        let ticket = self.new_ticket(staff, TicketPurpose::Reset);
        let event = StaffEventRecord::new(EventKind::StaffReset, self.clock.now(), self.actor(), Some(staff));
        self.store.reset_staff(staff, &ticket, &event).await?;
        tracing::info!(staff = %staff, "staff account reset");
        self.after_holder_change(staff).await?;
        Ok(Invited { staff: self.view_of(staff).await?, link_token: Some(Ticket::token(self, &ticket)?) })
    }

    /// A new role. Her sessions end, so the next request is made in it.
    pub async fn set_role(&self, staff: StaffId, role: Role) -> Result<StaffView> {
        let record = self.other_account(staff).await?;
        if record.role == role {
            return self.view_of(staff).await;
        }
        if self.awaits_approval(role).await? {
            let event = StaffEventRecord::new(EventKind::StaffRoleAsked, self.clock.now(), self.actor(), Some(staff))
                .with_detail(format!("{}>{}", record.role, role));
            self.store.ask_role(&self.role_request(staff, role), &event).await?;
            tracing::info!(staff = %staff, role = %role, "a role waits for oversight's approval");
            return self.view_of(staff).await;
        }
        let mut changed = record.clone();
        changed.role = role;
        let exclusions = self.exclusions_for_new_staff(&changed).await?;
        let event = StaffEventRecord::new(EventKind::StaffRoleChanged, self.clock.now(), self.actor(), Some(staff))
            .with_detail(format!("{}>{}", record.role, role));
        self.store.set_staff_role(staff, role, &exclusions, &event).await?;
        tracing::info!(staff = %staff, role = %role, "staff role changed");
        self.after_holder_change(staff).await?;
        self.view_of(staff).await
    }

    pub async fn list_staff(&self) -> Result<Vec<StaffView>> {
        let waiting = self.store.open_role_grants().await?;
        Ok(self.store.list_staff().await?.iter().map(|s| staff_view(s, &waiting, &self.config)).collect())
    }

    /// The account an email names (the command line names people by email).
    pub async fn staff_by_email(&self, email: &str) -> Result<StaffView> {
        let id = self.store.staff_by_email(email).await?.ok_or(ServiceError::NotFound)?.id;
        self.view_of(id).await
    }

    /// Whether giving this role waits for oversight: the oversight role,
    /// once there is an active member to approve it.
    async fn awaits_approval(&self, role: Role) -> Result<bool> {
        Ok(role == Role::Oversight
            && self.store.list_staff().await?.iter().any(|s| s.active() && s.role == Role::Oversight))
    }

    fn role_request(&self, staff: StaffId, role: Role) -> RoleGrantRow {
        RoleGrantRow {
            id: uuid::Uuid::now_v7(),
            staff_id: staff,
            role,
            asked_by: self.by,
            asked_at: self.clock.now(),
            decided_by: None,
            decided_at: None,
            approved: None,
        }
    }

    /// Someone else's account: an administrator does not disable, reset or
    /// change the role of his own (he changes his own password instead), so
    /// no one locks himself out by a slip.
    async fn other_account(&self, staff: StaffId) -> Result<StaffRecord> {
        if self.by == Some(staff) {
            return Err(invalid("staff", "not-yourself"));
        }
        self.store.staff_by_id(staff).await?.ok_or(ServiceError::NotFound)
    }

    async fn refuse_taken(&self, email: &str) -> Result<()> {
        if self.store.staff_by_email(email).await?.is_some() {
            return Err(invalid("email", "account-exists"));
        }
        Ok(())
    }
}

impl crate::Ombud {
    /// An account as the administrator sees it, with any role waiting for oversight.
    pub(crate) async fn view_of(&self, staff: StaffId) -> Result<StaffView> {
        let record = self.store.staff_by_id(staff).await?.ok_or(ServiceError::NotFound)?;
        Ok(staff_view(&record, &self.store.open_role_grants().await?, &self.config))
    }

    pub(crate) fn new_ticket(&self, staff: StaffId, purpose: TicketPurpose) -> TicketRow {
        let now = self.clock.now();
        TicketRow {
            id: uuid::Uuid::new_v4(),
            staff_id: staff,
            purpose,
            created_at: now,
            expires_at: now + self.config.ticket_valid,
            used_at: None,
        }
    }
}

fn new_account_problems(email: &str, name: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !valid_email(email.trim()) {
        errors.push(FieldError { field: "email".into(), code: "invalid-email" });
    }
    if name.trim().is_empty() {
        errors.push(FieldError { field: "name".into(), code: "required" });
    }
    errors
}

fn new_record(
    id: StaffId,
    email: &str,
    name: &str,
    role: Role,
    status: StaffStatus,
    keys: NewKeys,
    now: jiff::Timestamp,
) -> StaffRecord {
    StaffRecord {
        id,
        email: email.trim().to_owned(),
        name: name.trim().to_owned(),
        role,
        created_at: now,
        public_key: keys.public_key,
        sealed_secret: keys.sealed_secret,
        lang: "en".to_owned(),
        time_zone: None,
        status,
        session_epoch: 0,
        last_sign_in_at: None,
        second_factor: None,
        second_factor_step: None,
        employee_id: None,
    }
}

pub(crate) fn staff_view(s: &StaffRecord, waiting: &[RoleGrantRow], config: &crate::ServiceConfig) -> StaffView {
    StaffView {
        second_factor: s.second_factor.is_some(),
        second_factor_required: config.requires_second_factor(s.role),
        awaiting_role: waiting.iter().find(|g| g.staff_id == s.id).map(|g| g.role),
        id: s.id,
        email: s.email.clone(),
        name: s.name.clone(),
        role: s.role,
        created_at: s.created_at,
        status: s.status,
        last_sign_in_at: s.last_sign_in_at,
        employee_id: s.employee_id.clone(),
    }
}

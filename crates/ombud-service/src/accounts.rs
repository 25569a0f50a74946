//! A staff member's own account: choosing her password from a one-time
//! link, changing it, and whether a session she holds still stands.

use crate::error::invalid;
use crate::{Ombud, Result, ServiceError, StaffDesk};
use jiff::SignedDuration;
use ombud_crypto::StaffKeys;
use ombud_domain::throttle::{ACCOUNT_FREE, Failures};
use ombud_domain::{EventKind, StaffId, StaffStatus, password_problem};
use ombud_store::*;

/// One-time links: `<id>.<secret>`, both hex. The secret is a keyed hash of
/// the id, so nothing of it is stored and a copy of the database makes no link.
pub(crate) struct Ticket;

impl Ticket {
    pub(crate) fn token(ombud: &Ombud, ticket: &TicketRow) -> Result<String> {
        let secret = ombud.keys.ticket_secret(ticket.id.as_bytes())?;
        Ok(format!("{}.{}", ticket.id.simple(), hex(&secret[..16])))
    }

    /// The ticket a link names, if its secret is right; unknown, forged,
    /// used and expired links all answer the same.
    async fn open(ombud: &Ombud, token: &str) -> Result<TicketRow> {
        let (id, secret) = token.trim().split_once('.').ok_or(ServiceError::BadTicket)?;
        let id = uuid::Uuid::try_parse(id).map_err(|_| ServiceError::BadTicket)?;
        let expected = ombud.keys.ticket_secret(id.as_bytes())?;
        if !ombud_crypto::constant_time_eq(secret.as_bytes(), hex(&expected[..16]).as_bytes()) {
            return Err(ServiceError::BadTicket);
        }
        let ticket = ombud.store.ticket(id).await?.ok_or(ServiceError::BadTicket)?;
        if ticket.used_at.is_some() || ticket.expires_at <= ombud.clock.now() {
            return Err(ServiceError::BadTicket);
        }
        Ok(ticket)
    }
}

/// How often an attempt is counted again when another instance counted one
/// on the same account at the same moment.
const COUNT_TRIES: usize = 8;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new key pair, its private half sealed under the password (one derivation).
pub(crate) async fn new_staff_keys(ombud: &Ombud, id: StaffId, password: &str) -> Result<NewKeys> {
    let keys = StaffKeys::generate()?;
    let params = ombud.config.password_kdf;
    let password = zeroize::Zeroizing::new(password.to_owned());
    let secret = keys.secret.clone();
    let sealed_secret =
        ombud.derive(move || ombud_crypto::seal_staff_secret(&secret, &password, params, id.as_bytes())).await??;
    Ok(NewKeys { public_key: keys.public.to_vec(), sealed_secret })
}

/// What a one-time link is for, shown on the page where she uses it.
#[derive(Clone, Debug)]
pub struct TicketView {
    pub name: String,
    pub email: String,
    pub purpose: TicketPurpose,
}

impl Ombud {
    /// The account a one-time link is for, without using it.
    pub async fn ticket(&self, token: &str) -> Result<TicketView> {
        let ticket = Ticket::open(self, token).await?;
        let staff = self.store.staff_by_id(ticket.staff_id).await?.ok_or(ServiceError::BadTicket)?;
        Ok(TicketView { name: staff.name, email: staff.email, purpose: ticket.purpose })
    }

    /// She chooses her password from her one-time link: her account gets a
    /// new key pair, every case the rule lets her read becomes a pending
    /// grant, and she is signed in, or goes on to set up the second factor
    /// her role needs. The link works once.
    pub async fn use_ticket(&self, token: &str, password: &str) -> Result<crate::SignIn> {
        let ticket = Ticket::open(self, token).await?;
        if let Some(code) = password_problem(password) {
            return Err(invalid("password", code));
        }
        let mut record = self.store.staff_by_id(ticket.staff_id).await?.ok_or(ServiceError::BadTicket)?;
        if !matches!(record.status, StaffStatus::Invited | StaffStatus::Reset) {
            return Err(ServiceError::BadTicket);
        }
        let keys = new_staff_keys(self, record.id, password).await?;
        let exclusions = self.exclusions_for_new_staff(&record).await?;
        let kind = match ticket.purpose {
            TicketPurpose::Invitation => EventKind::StaffJoined,
            TicketPurpose::Reset => EventKind::PasswordChosen,
        };
        let event = StaffEventRecord::new(kind, self.clock.now(), Actor::Staff(record.id), Some(record.id));
        if !self.store.activate_staff(ticket.id, &keys, &exclusions, &event).await? {
            return Err(ServiceError::BadTicket);
        }
        record = self.store.staff_by_id(record.id).await?.ok_or(ServiceError::BadTicket)?;
        self.staff_sign_in(&record.email, password, None).await
    }

    /// The mark of a browser that signed in to this account (hex). It
    /// binds her public key too, so a reset (a new key pair) makes every
    /// earlier mark worthless.
    pub async fn device_mark(&self, email: &str) -> Result<String> {
        let key = self.store.staff_by_email(email).await?.map(|s| s.public_key).unwrap_or_default();
        Ok(hex(&self.keys.device_mark(email, &key)?[..16]))
    }

    /// Counts an attempt to sign in to an account before its password is
    /// checked, on every instance at once (DECISIONS #21), or says how long
    /// it must still wait. A browser she signed in from before does not
    /// wait for her account's failures (`known_browser`), so that an
    /// attacker cannot keep her out; its attempt is counted all the same.
    /// Answers whether she is to be told if this attempt proves wrong.
    pub async fn count_sign_in_attempt(
        &self,
        email: &str,
        known_browser: bool,
    ) -> Result<std::result::Result<bool, SignedDuration>> {
        let account = self.keys.sign_in_account(email)?;
        let now = self.clock.now();
        // Compare and set: two instances counting at once both count, the
        // one that lost reads the other's count and tries again.
        for _ in 0..COUNT_TRIES {
            let before = self.store.sign_in_failures(&account).await?;
            if !known_browser && let Some(wait) = Failures::wait(before.as_ref(), ACCOUNT_FREE, now) {
                return Ok(Err(wait));
            }
            let mut after = Failures::counted(before.as_ref(), now);
            let tell = after.tell(now);
            if self.store.put_sign_in_failures(&account, before.as_ref(), &after).await? {
                return Ok(Ok(tell));
            }
        }
        // Attempts on this account crowd each other out: fail closed.
        Ok(Err(SignedDuration::from_secs(1)))
    }

    /// She signed in: her account's failures end on every instance.
    pub async fn sign_in_succeeded(&self, email: &str) -> Result<()> {
        Ok(self.store.clear_sign_in_failures(&self.keys.sign_in_account(email)?).await?)
    }

    /// Tells an account holder, without content, that sign-in attempts on
    /// her account failed (the throttle's notice; at most one per call).
    pub async fn notify_sign_in_failures(&self, email: &str) -> Result<()> {
        if let Some(staff) = self.store.staff_by_email(email).await?.filter(StaffRecord::active) {
            let notice = StaffNotice { staff: staff.id, kind: "sign_in_failures", ticket: None, at: self.clock.now() };
            self.store.queue_staff_notice(&notice).await?;
        }
        Ok(())
    }
}

impl StaffDesk<'_> {
    /// Changes her password: her private key is sealed again under the new
    /// one; her key pair, her cases and her sessions stay as they are.
    pub async fn change_password(&self, current: &str, new: &str) -> Result<()> {
        let session = self.session;
        if let Some(code) = password_problem(new) {
            return Err(invalid("new_password", code));
        }
        let record = self.store.staff_by_id(session.id).await?.ok_or(ServiceError::NotFound)?;
        let (sealed, id) = (record.sealed_secret.clone(), record.id);
        let current = zeroize::Zeroizing::new(current.to_owned());
        let secret = self
            .derive(move || ombud_crypto::unseal_staff_secret(&sealed, &current, id.as_bytes()))
            .await?
            .map_err(|e| match e {
                ombud_crypto::CryptoError::WrongSecret => invalid("current_password", "wrong-password"),
                other => other.into(),
            })?;
        let params = self.config.password_kdf;
        let new = zeroize::Zeroizing::new(new.to_owned());
        let sealed =
            self.derive(move || ombud_crypto::seal_staff_secret(&secret, &new, params, id.as_bytes())).await??;
        let event = StaffEventRecord::new(EventKind::PasswordChanged, self.clock.now(), Actor::Staff(id), Some(id));
        self.store.change_password(id, &sealed, &event).await?;
        Ok(())
    }
}

/// One administrative action as oversight reads it, with names.
#[derive(Clone, Debug)]
pub struct AdminLogEntry {
    pub leaf_index: u64,
    pub at: jiff::Timestamp,
    pub kind: EventKind,
    /// Who acted; None for the command line.
    pub by: Option<String>,
    pub subject: Option<String>,
    pub detail: String,
}

impl crate::OversightDesk<'_> {
    /// The administrative actions, newest first: who did what to which
    /// account, and when. Oversight watches the administrators.
    pub async fn admin_log(&self, before: Option<u64>, limit: u32) -> Result<Vec<AdminLogEntry>> {
        let names = self.staff_names().await?;
        let name = |id: Option<StaffId>| id.and_then(|id| names.get(&id).cloned());
        Ok(self
            .store
            .staff_events(before, limit.clamp(1, 500))
            .await?
            .into_iter()
            .filter(|row| !row.record.event.kind.is_speaking_up())
            .map(|row| AdminLogEntry {
                leaf_index: row.leaf_index,
                at: row.record.event.at,
                kind: row.record.event.kind,
                by: name(match row.record.event.actor {
                    Actor::Staff(id) => Some(id),
                    _ => None,
                }),
                subject: name(row.record.subject),
                detail: row.record.detail,
            })
            .collect())
    }
}

/// A role that waits for oversight's approval, as a member reads it.
#[derive(Clone, Debug)]
pub struct RoleGrantView {
    pub id: uuid::Uuid,
    pub staff: crate::views::StaffView,
    pub role: ombud_domain::Role,
    /// Who asked; None for the command line.
    pub asked_by: Option<String>,
    pub asked_at: jiff::Timestamp,
}

impl crate::OversightDesk<'_> {
    /// Roles that wait for a member's approval, oldest first.
    pub async fn role_grants(&self) -> Result<Vec<RoleGrantView>> {
        let names = self.staff_names().await?;
        let mut out = Vec::new();
        for grant in self.store.open_role_grants().await? {
            out.push(RoleGrantView {
                id: grant.id,
                staff: self.view_of(grant.staff_id).await?,
                role: grant.role,
                asked_by: grant.asked_by.and_then(|id| names.get(&id).cloned()),
                asked_at: grant.asked_at,
            });
        }
        Ok(out)
    }

    /// Approves or refuses a role asked for someone. Another member decides
    /// than the one who asked, and never for her own account. Approved, an
    /// invited account gets its link; an existing one takes the role (her
    /// sessions end). Refused, an account invited for it is disabled.
    pub async fn decide_role_grant(&self, id: uuid::Uuid, approve: bool) -> Result<()> {
        let me = self.session.id;
        let grant =
            self.store.role_grant(id).await?.filter(|g| g.decided_at.is_none()).ok_or(ServiceError::NotFound)?;
        if grant.staff_id == me || grant.asked_by == Some(me) {
            return Err(invalid("approve", "asked-by-you"));
        }
        let record = self.store.staff_by_id(grant.staff_id).await?.ok_or(ServiceError::NotFound)?;
        if record.status == StaffStatus::Disabled {
            return Err(invalid("approve", "disabled"));
        }
        let now = self.clock.now();
        let (effect, event) = if !approve {
            let event = StaffEventRecord::new(EventKind::StaffRoleRefused, now, Actor::Staff(me), Some(record.id))
                .with_detail(grant.role.as_str());
            (None, event)
        } else if record.status == StaffStatus::Invited {
            let ticket = self.new_ticket(record.id, TicketPurpose::Invitation);
            let event = StaffEventRecord::new(EventKind::StaffRoleChanged, now, Actor::Staff(me), Some(record.id))
                .with_detail(format!("invited>{}", grant.role));
            (Some(GrantEffect::Invite(ticket)), event)
        } else {
            let mut changed = record.clone();
            changed.role = grant.role;
            let exclusions = self.exclusions_for_new_staff(&changed).await?;
            let event = StaffEventRecord::new(EventKind::StaffRoleChanged, now, Actor::Staff(me), Some(record.id))
                .with_detail(format!("{}>{}", record.role, grant.role));
            (Some(GrantEffect::SetRole(exclusions)), event)
        };
        if !self.store.decide_role_grant(id, me, effect, &event).await? {
            return Err(ServiceError::NotFound);
        }
        tracing::info!(staff = %record.id, approve, "a role asked for was decided by oversight");
        Ok(())
    }
}

//! A staff member's own work on cases: signing in, her inbox, reading,
//! replying and acknowledging.

use crate::StaffDesk;
use crate::callers::CaseAccess;
use crate::sealing::*;
use crate::views::{Audience, CaseView, Download, InboxRow, ViewContext, open_case};
use crate::{Ombud, Result, ServiceError, SignIn, StaffSession};
use ombud_crypto::DataKey;
use ombud_domain::{AttachmentId, CaseId, CaseStatus, EventKind, MessageId};
use ombud_store::*;

impl Ombud {
    /// Checks the password by opening her private key: one derivation. An
    /// unknown email spends the same time, so timing does not reveal accounts.
    /// Her password, and her second factor's code if she has one (or
    /// where the sign-in goes next when the code is not given).
    pub async fn staff_sign_in(&self, email: &str, password: &str, code: Option<&str>) -> Result<SignIn> {
        // Only an active account signs in; any other answers as an unknown
        // email does, in the same time.
        let record = self.store.staff_by_email(email).await?.filter(StaffRecord::active);
        let password = zeroize::Zeroizing::new(password.to_owned());
        let Some(record) = record else {
            let params = self.config.password_kdf;
            self.derive(move || ombud_crypto::burn_derivation(params)).await??;
            return Err(ServiceError::BadCredentials);
        };
        let (sealed, id) = (record.sealed_secret.clone(), record.id);
        let secret = self
            .derive(move || ombud_crypto::unseal_staff_secret(&sealed, &password, id.as_bytes()))
            .await?
            .map_err(|e| match e {
            ombud_crypto::CryptoError::WrongSecret => ServiceError::BadCredentials,
            other => other.into(),
        })?;
        let session = StaffSession {
            id: record.id,
            name: record.name.clone(),
            email: record.email.clone(),
            role: record.role,
            time_zone: record.time_zone.clone(),
            epoch: record.session_epoch,
            secret,
        };
        self.after_password(&record, session, code).await
    }

    /// The case key as this staff member holds it. No access row: NotFound,
    /// exactly as for a case that does not exist.
    pub(crate) async fn staff_case_key(
        &self,
        session: &StaffSession,
        case_id: CaseId,
    ) -> Result<(CaseRecord, DataKey)> {
        let access = self.store.access(case_id, session.id).await?.ok_or(ServiceError::NotFound)?;
        let case = self.store.case(case_id).await?.ok_or(ServiceError::NotFound)?;
        let wrapped = access.wrapped_key.ok_or(ServiceError::AccessPending)?;
        let key = session.secret.unwrap_case_key(&wrapped, &staff_wrap_aad(case_id, session.id))?;
        Ok((case, key))
    }

    /// Wraps the key to every reader the rule allows who has no wrap yet. Any
    /// holder of the key may do it: a staff reader, or the reporter herself,
    /// so a case whose readers were all conflicted reaches a new independent
    /// reader the next time she looks at it.
    pub(crate) async fn complete_pending_grants(&self, actor: Actor, case_id: CaseId, key: &DataKey) -> Result<()> {
        for grant in self.store.pending_grants(case_id).await? {
            // An account without a usable key is skipped, never a reason to
            // fail the reader's own request.
            let Ok(public) = <[u8; 32]>::try_from(grant.public_key.as_slice()) else {
                tracing::warn!(staff = %grant.staff, "a pending grant to an account without a key is skipped");
                continue;
            };
            let wrapped = ombud_crypto::wrap_key(&public, key, &staff_wrap_aad(case_id, grant.staff))?;
            let event =
                EventRecord::new(case_id, EventKind::AccessGranted, self.clock.now(), actor).with_payload(&wrapped);
            self.store.complete_grant(case_id, &grant, &wrapped, &event).await?;
        }
        Ok(())
    }
}

impl StaffDesk<'_> {
    /// Her newest cases (the command line's and the demo's list).
    pub async fn inbox(&self, limit: u32) -> Result<Vec<InboxRow>> {
        let session = self.session;
        let entries = self.store.search_cases(session.id, &CaseFilter::default(), limit).await?;
        Ok(inbox_rows(entries, &self.store.list_staff().await?))
    }

    /// How many cases she may read, by status (nothing of cases she may not).
    pub async fn case_counts(&self) -> Result<Vec<(CaseStatus, u64)>> {
        let session = self.session;
        Ok(self.store.case_counts(session.id).await?)
    }

    /// Opens a case for a staff member, records that she did, and completes
    /// any pending grants for colleagues while the key is at hand. The
    /// reporter's contact details stay hidden until asked for
    /// (`reveal_identity`), and each reveal is in the access log.
    pub async fn case(&self, case_id: CaseId) -> Result<CaseView> {
        let _session = self.session;
        self.opened(case_id, false).await
    }

    /// Opens the case with the reporter's contact details shown, and records
    /// that this staff member saw them.
    pub async fn reveal_identity(&self, case_id: CaseId) -> Result<CaseView> {
        let _session = self.session;
        self.opened(case_id, true).await
    }

    async fn opened(&self, case_id: CaseId, reveal: bool) -> Result<CaseView> {
        let session = self.session;
        let CaseAccess { key, .. } = self.case_access(case_id).await?;
        self.complete_pending_grants(Actor::Staff(session.id), case_id, &key).await?;
        self.complete_recovery_wrap(case_id, &key).await?;
        let now = self.clock.now();
        let kind = if reveal { EventKind::IdentityRevealed } else { EventKind::OpenedByStaff };
        self.store.record_event(&EventRecord::new(case_id, kind, now, Actor::Staff(session.id))).await?;
        self.store.mark_read(case_id, session.id, now).await?;
        let names = self.store.list_staff().await?.into_iter().map(|s| (s.id, s.name)).collect();
        let audience = Audience::Staff { names: &names };
        let bundle = self.store.case_bundle(case_id).await?.ok_or(ServiceError::NotFound)?;
        let mut view =
            open_case(self.store.as_ref(), bundle, &key, audience, &ViewContext::new(&self.config, now)).await?;
        view.parties = self.party_views(case_id, &key, &view.report.people, &names).await?;
        view.staff_side = Some(self.staff_side(case_id, &key).await?);
        if !reveal && view.report.contact.take().is_some() {
            view.contact_hidden = true;
        }
        Ok(view)
    }

    /// A message to her. Her case's workers write to her, and so may any
    /// oversight member who reads it: an escalation is answered by the
    /// committee, not only by the people it was raised about.
    pub async fn reply(&self, case_id: CaseId, body: &str, uploads: Vec<Upload>) -> Result<MessageId> {
        let session = self.session;
        let access = self.case_access(case_id).await?;
        if session.role != ombud_domain::Role::Oversight {
            self.require_case_worker(&access.case).await?;
        }
        self.add_message(case_id, &access.key, Actor::Staff(session.id), body, uploads, false).await
    }

    /// Feedback for her: what has been done and why. Sealed like any
    /// message, shown to her as feedback, and the one thing that meets the
    /// feedback deadline (an ordinary message or a workflow step does not).
    pub async fn send_feedback(&self, case_id: CaseId, body: &str) -> Result<MessageId> {
        let session = self.session;
        let access = self.case_access(case_id).await?;
        self.require_case_worker(&access.case).await?;
        self.add_message(case_id, &access.key, Actor::Staff(session.id), body, Vec::new(), true).await
    }

    /// Acknowledges a received case; answers the case and its deadlines as they now stand.
    pub async fn acknowledge(&self, case_id: CaseId) -> Result<(CaseRecord, Vec<ombud_domain::Deadline>)> {
        let _session = self.session;
        self.step(case_id, ombud_domain::Step::Acknowledge, &crate::StepText::default()).await
    }

    pub async fn attachment(&self, case_id: CaseId, id: AttachmentId) -> Result<Download> {
        let session = self.session;
        let key = self.case_access(case_id).await?.key;
        let download = self.open_attachment(case_id, &key, id).await?;
        let event = EventRecord::new(case_id, EventKind::FileDownloaded, self.clock.now(), Actor::Staff(session.id))
            .with_payload(id.as_bytes());
        self.store.record_event(&event).await?;
        Ok(download)
    }
}

/// The rows of a list, each with its lead named.
pub(crate) fn inbox_rows(entries: Vec<InboxEntry>, staff: &[ombud_store::StaffRecord]) -> Vec<InboxRow> {
    entries
        .into_iter()
        .map(|e| InboxRow {
            next_deadline: e.next_deadline.map(|(kind, due)| ombud_domain::Deadline {
                kind,
                due: Some(due),
                met_at: None,
                closed: None,
            }),
            lead: e.lead.and_then(|id| staff.iter().find(|s| s.id == id)).map(crate::StaffRef::from),
            case: e.case,
            access_pending: e.access_pending,
            unread: e.unread,
        })
        .collect()
}

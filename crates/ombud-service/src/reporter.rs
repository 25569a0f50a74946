//! The reporter's side: her receipt, her case, her messages and files.

use crate::sealing::*;
use crate::views::{Audience, CaseView, Download, ViewContext, deadlines_of, open_case, shown_to_her};
use crate::{Ombud, ReporterDesk, ReporterSession, Result, ServiceError};
use jiff::Timestamp;
use ombud_crypto::Receipt;
use ombud_domain::{AttachmentId, EventKind, MessageId, reporter_may_escalate};
use ombud_store::*;

/// A receipt that matched a case, before its key was derived.
pub struct FoundReceipt {
    receipt: Receipt,
    record: ReceiptRecord,
}

impl Ombud {
    /// Finds the case a receipt belongs to with one keyed hash: no key
    /// derivation, so a wrong receipt costs the server nothing. A typo is
    /// `MalformedReceipt`; a receipt of no case is `BadReceipt`.
    pub async fn find_receipt(&self, receipt: &str) -> Result<FoundReceipt> {
        let receipt = Receipt::parse(receipt).map_err(|_| ServiceError::MalformedReceipt)?;
        let lookup = self.keys.receipt_lookup(&receipt)?;
        let record = self.store.receipt(&lookup).await?.ok_or(ServiceError::BadReceipt)?;
        Ok(FoundReceipt { receipt, record })
    }

    /// Opens the case of a receipt that was found: the one costly step (the
    /// key derivation), spent only on a receipt that exists.
    pub async fn open_receipt(&self, found: FoundReceipt) -> Result<ReporterSession> {
        let FoundReceipt { receipt, record } = found;
        let kdf = record.kdf.clone();
        let receipt_key = self.derive(move || receipt.key_from(&kdf)).await?.map_err(|_| ServiceError::BadReceipt)?;
        let key = receipt_key
            .unwrap(&record.wrapped_key, &receipt_wrap_aad(record.case_id))
            .map_err(|_| ServiceError::BadReceipt)?;
        Ok(ReporterSession { case_id: record.case_id, key })
    }

    /// Signs a reporter in with her receipt. Every failure past the shape
    /// check is the same `BadReceipt`, whether or not a case exists.
    pub async fn reporter_open(&self, receipt: &str) -> Result<ReporterSession> {
        let found = self.find_receipt(receipt).await?;
        self.open_receipt(found).await
    }
}

impl ReporterDesk<'_> {
    pub async fn case(&self) -> Result<CaseView> {
        let session = self.session;
        // Reading writes nothing (DECISIONS #21): no table records that she
        // came. The access her key can complete waits for her next act.
        let bundle = self.store.case_bundle(session.case_id).await?.ok_or(ServiceError::NotFound)?;
        let ctx = ViewContext::new(&self.config, self.clock.now());
        open_case(self.store.as_ref(), bundle, &session.key, Audience::Reporter, &ctx).await
    }

    /// Her message. Her act writes, so it also completes the access her key
    /// can give: pending grants, and the recovery wrap.
    pub async fn reply(&self, body: &str, uploads: Vec<Upload>) -> Result<MessageId> {
        let session = self.session;
        let id = self.add_message(session.case_id, &session.key, Actor::Reporter, body, uploads, false).await?;
        self.complete_her_access().await;
        Ok(id)
    }

    /// The access her key can give (pending grants, the recovery wrap),
    /// completed after an act of hers that was kept. A failure is logged,
    /// not answered: what she did stands, and her next act tries again.
    async fn complete_her_access(&self) {
        let session = self.session;
        let done = match self.complete_pending_grants(Actor::Reporter, session.case_id, &session.key).await {
            Ok(()) => self.complete_recovery_wrap(session.case_id, &session.key).await,
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            tracing::error!(error = %e, "access her key can give was not completed; her next act tries again");
        }
    }

    pub async fn attachment(&self, id: AttachmentId) -> Result<Download> {
        let session = self.session;
        self.open_attachment(session.case_id, &session.key, id).await
    }
}

impl ReporterDesk<'_> {
    /// She raises her case to oversight herself: allowed once any deadline was
    /// missed; asking again changes nothing.
    pub async fn escalate(&self) -> Result<Timestamp> {
        let now = self.clock.now();
        let (case, deadlines) = self.status().await?;
        let existing = self.store.case_escalations(case.id).await?;
        if let Some(mine) = existing.iter().find(|e| e.cause == EscalationCause::Reporter) {
            return Ok(mine.created_at);
        }
        if !reporter_may_escalate(&deadlines, now) {
            return Err(ServiceError::EscalationNotYet);
        }
        let escalation = NewEscalation {
            id: uuid::Uuid::now_v7(),
            case_id: case.id,
            deadline_id: None,
            cause: EscalationCause::Reporter,
            at: now,
            event: EventRecord::new(case.id, EventKind::Escalated, now, Actor::Reporter),
        };
        self.store.escalate(&escalation).await?;
        tracing::info!(case = %case.id, "the reporter escalated her case to oversight");
        // When every reader was kept out, escalating is what she does: the
        // readers added since get the key from her act.
        self.complete_her_access().await;
        Ok(now)
    }

    /// Where her case stands, without opening its content: status, deadlines
    /// and escalation. One statement, read off the pool; the page a reporter
    /// reloads most.
    pub async fn status(&self) -> Result<(ombud_store::CaseRecord, Vec<ombud_domain::Deadline>)> {
        let (case, deadlines) = self.store.case_status(self.session.case_id).await?.ok_or(ServiceError::NotFound)?;
        Ok((case, deadlines_of(&shown_to_her(deadlines))))
    }
}

//! The reporter's side: her receipt, her case, her messages and files.

use crate::sealing::*;
use crate::views::{Audience, CaseView, Download, open_case};
use crate::{Ombud, ReporterSession, Result, ServiceError};
use ombud_crypto::Receipt;
use ombud_domain::{AttachmentId, MessageId};
use ombud_store::*;

impl Ombud {
    /// Signs a reporter in with her receipt. Every failure past the shape
    /// check is the same `BadReceipt`, whether or not a case exists.
    pub async fn reporter_open(&self, receipt: &str) -> Result<ReporterSession> {
        let receipt = Receipt::parse(receipt).map_err(|_| ServiceError::MalformedReceipt)?;
        let lookup = self.keys.receipt_lookup(&receipt)?;
        let record = self.store.receipt(&lookup).await?.ok_or(ServiceError::BadReceipt)?;
        let kdf = record.kdf.clone();
        let receipt_key = self.derive(move || receipt.key_from(&kdf)).await?.map_err(|_| ServiceError::BadReceipt)?;
        let key = receipt_key
            .unwrap(&record.wrapped_key, &receipt_wrap_aad(record.case_id))
            .map_err(|_| ServiceError::BadReceipt)?;
        Ok(ReporterSession { case_id: record.case_id, key })
    }

    pub async fn reporter_case(&self, session: &ReporterSession) -> Result<CaseView> {
        let case = self.store.case(session.case_id).await?.ok_or(ServiceError::NotFound)?;
        self.complete_pending_grants(Actor::Reporter, session.case_id, &session.key).await?;
        open_case(self.store.as_ref(), case, &session.key, Audience::Reporter).await
    }

    pub async fn reporter_reply(
        &self,
        session: &ReporterSession,
        body: &str,
        uploads: Vec<Upload>,
    ) -> Result<MessageId> {
        self.add_message(session.case_id, &session.key, Actor::Reporter, body, uploads).await
    }

    pub async fn reporter_attachment(&self, session: &ReporterSession, id: AttachmentId) -> Result<Download> {
        self.open_attachment(session.case_id, &session.key, id).await
    }
}

//! What both sides do with a case's messages and files.

use crate::sealing::*;
use crate::views::Download;
use crate::{Ombud, Result, ServiceError};
use ombud_crypto::DataKey;
use ombud_domain::{AttachmentId, CaseId, EventKind, FieldError, MessageId, validate_message};
use ombud_store::*;

impl Ombud {
    /// Seals and writes a message (and its files) with its event. `feedback`
    /// marks one written for her on what was done and why: it meets the
    /// feedback deadline, which no ordinary message does.
    pub(crate) async fn add_message(
        &self,
        case_id: CaseId,
        key: &DataKey,
        author: Actor,
        body: &str,
        uploads: Vec<Upload>,
        feedback: bool,
    ) -> Result<MessageId> {
        let mut errors: Vec<FieldError> = validate_message(body).err().into_iter().collect();
        errors.extend(self.check_uploads(&uploads));
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let body = validate_message(body).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let id = MessageId::new();
        let now = self.clock.now();
        let message = MessageRecord {
            id,
            case_id,
            created_at: now,
            author,
            sealed_body: key.seal(&message_aad(case_id, id), body.as_bytes())?,
            feedback,
        };
        let attachments = self.seal_uploads(case_id, key, Some(id), uploads)?;
        let kind = match (author, feedback) {
            (Actor::Reporter, _) => EventKind::MessageFromReporter,
            (_, true) => EventKind::FeedbackSent,
            (_, false) => EventKind::MessageFromStaff,
        };
        let event = EventRecord::new(case_id, kind, now, author).with_payloads(
            std::iter::once(message.sealed_body.as_slice()).chain(attachments.iter().map(|a| a.sealed_body.as_slice())),
        );
        self.store.add_message(&message, &attachments, &event).await?;
        Ok(id)
    }
    pub(crate) async fn open_attachment(&self, case_id: CaseId, key: &DataKey, id: AttachmentId) -> Result<Download> {
        let meta =
            self.store.attachments(case_id).await?.into_iter().find(|a| a.id == id).ok_or(ServiceError::NotFound)?;
        let body = self.store.attachment_body(case_id, id).await?.ok_or(ServiceError::NotFound)?;
        let content: AttachmentMetaContent = open_json(key, &attachment_meta_aad(case_id, id), &meta.sealed_meta)?;
        let bytes = key.open(&attachment_body_aad(case_id, id), &body)?;
        Ok(Download { name: content.name, content_type: content.content_type, bytes })
    }
}

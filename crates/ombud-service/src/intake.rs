//! Intake: a report checked, sealed, routed and written as a new case.

use crate::sealing::*;
use crate::{Ombud, ReporterSession, Result, ServiceError, Submitted};
use ombud_crypto::{DataKey, KdfParams, Receipt, random_below};
use ombud_domain::{AttachmentId, CaseId, CaseStatus, EventKind, FieldError, MessageId, ReportDraft, StaffId};
use ombud_store::*;

const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

impl Ombud {
    /// Every problem with a draft, without filing it (for a form that must
    /// come back with all its messages at once).
    pub fn check_report(&self, draft: &ReportDraft) -> Vec<FieldError> {
        match self.config.policy.time_zone() {
            Ok(zone) => draft.validate(self.clock.now().to_zoned(zone).date()).err().unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    }

    /// Files a report: validates, seals, wraps the key to every current reader
    /// and to the receipt, and writes it all in one transaction. A report
    /// form's one-time token files one report however often the form is
    /// sent: every send after the first answers `AlreadyReceived`.
    pub async fn submit_report(
        &self,
        draft: &ReportDraft,
        uploads: Vec<Upload>,
        form_token: Option<&str>,
    ) -> Result<Submitted> {
        self.file_report(draft, uploads, form_token, None).await
    }

    /// A report she makes from another case's page, linked to it.
    pub(crate) async fn submit_follow_up(&self, draft: &ReportDraft, parent: CaseId) -> Result<Submitted> {
        self.file_report(draft, Vec::new(), None, Some(parent)).await
    }

    async fn file_report(
        &self,
        draft: &ReportDraft,
        uploads: Vec<Upload>,
        form_token: Option<&str>,
        follows: Option<CaseId>,
    ) -> Result<Submitted> {
        let form_token = form_token.map(|t| self.keys.form_token_hash(t)).transpose()?;
        if let Some(hash) = &form_token
            && self.store.form_token_used(hash).await?
        {
            return Err(ServiceError::AlreadyReceived);
        }
        let now = self.clock.now();
        let today = now.to_zoned(self.config.policy.time_zone()?).date();
        let mut errors = match draft.validate(today) {
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        };
        errors.extend(self.check_uploads(&uploads));
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let content = draft.validate(today).map_err(ServiceError::Invalid)?;

        let (mut new, receipt, key) = self.build_case(&content, uploads, now, self.config.receipt_kdf).await?;
        new.form_token = form_token;
        new.follows = follows;
        let case_id = new.case.id;
        let reference = self.store_new_case(new).await?;
        tracing::info!(case = %case_id, category = %content.category, "report received");
        // The case is filed whatever follows: a failure here is logged, and
        // the reviewers stay as they were until the next case or match.
        if let Err(e) = self.recheck_reviewers(case_id).await {
            tracing::error!(error = %e, "the reviewers of open HR actions could not be decided again");
        }
        Ok(Submitted { case_id, reference, receipt, session: ReporterSession { case_id, key } })
    }

    /// Everything a new case writes, sealed and wrapped: the report, its
    /// files, a wrap for every current reader and for the receipt, the
    /// deadlines of its category and of each request, and its first event.
    pub(crate) async fn build_case(
        &self,
        content: &ombud_domain::ReportContent,
        uploads: Vec<Upload>,
        now: jiff::Timestamp,
        receipt_kdf: KdfParams,
    ) -> Result<(NewCase, Receipt, DataKey)> {
        let case_id = CaseId::new();
        let key = DataKey::generate()?;
        let (receipt, receipt_record) = self.new_receipt(case_id, &key, receipt_kdf).await?;
        let staff = self.store.list_staff().await?;
        let routing = self.intake_routing(case_id, &key, &content.people, &staff, now).await?;
        let access = readers_grants(case_id, &key, &staff, &routing.exclusions)?;
        if access.is_empty() && !routing.exclusions.is_empty() {
            // Everyone who reads cases is conflicted. An independent reader
            // added later gets a pending grant, completed when the reporter next
            // looks at her case (she holds the key).
            // The case id stays out of the log: with this line it would hint at whom the case concerns.
            tracing::warn!("a new case has no staff reader: every one is excluded by conflict of interest");
        }
        let attachments = self.seal_uploads(case_id, &key, None, uploads)?;
        let sealed_report = seal_json(&key, &report_aad(case_id), content)?;

        let (requests, mut deadlines) = self.first_deadlines(case_id, content, now)?;
        if routing.routing == ombud_domain::CaseRouting::Restricted {
            let due = self.config.policy.routing_due(now)?;
            deadlines.push(DeadlineRow::new(case_id, ombud_domain::DeadlineKind::Routing, due, now));
        }
        // The record binds the report and every file that came with it.
        let event = EventRecord::new(case_id, EventKind::Submitted, now, Actor::Reporter).with_payloads(
            std::iter::once(sealed_report.as_slice()).chain(attachments.iter().map(|a| a.sealed_body.as_slice())),
        );
        let new = NewCase {
            case: CaseRecord {
                id: case_id,
                reference: new_reference()?,
                category: content.category,
                status: CaseStatus::Received,
                received_at: now,
                acknowledged_at: None,
                updated_at: now,
                escalated_at: None,
                routing: routing.routing,
            },
            sealed_report,
            attachments,
            access,
            parties: routing.parties,
            sealed_matches: Some(routing.sealed_matches),
            exclusions: routing.exclusions,
            receipt: receipt_record,
            requests,
            deadlines,
            event,
            form_token: None,
            recovery_wrap: self.recovery_wrap_for(case_id, &key).await?,
            protected: self.reporter_tokens(content.contact.as_ref()).await?,
            follows: None,
        };
        Ok((new, receipt, key))
    }

    /// A new receipt for the case, and the record that finds and opens the
    /// case key with it (the receipt itself is never stored).
    async fn new_receipt(&self, case_id: CaseId, key: &DataKey, kdf: KdfParams) -> Result<(Receipt, ReceiptRecord)> {
        let receipt = Receipt::generate()?;
        let for_derivation = receipt.clone();
        let (receipt_key, kdf) = self.derive(move || for_derivation.new_key(kdf)).await??;
        let record = ReceiptRecord {
            lookup: self.keys.receipt_lookup(&receipt)?.to_vec(),
            case_id,
            kdf,
            wrapped_key: receipt_key.wrap(key, &receipt_wrap_aad(case_id))?,
        };
        Ok((receipt, record))
    }

    /// Deadlines from the policy for this category, and one request row
    /// with its answer deadline per request she made.
    fn first_deadlines(
        &self,
        case_id: CaseId,
        content: &ombud_domain::ReportContent,
        now: jiff::Timestamp,
    ) -> Result<(Vec<RequestRow>, Vec<DeadlineRow>)> {
        let policy = &self.config.policy;
        let mut deadlines: Vec<DeadlineRow> = policy
            .on_receipt(content.category, now)?
            .into_iter()
            .map(|(kind, due)| DeadlineRow::new(case_id, kind, due, now))
            .collect();
        let mut requests = Vec::new();
        for position in 0..content.requests.len() {
            let request = RequestRow {
                id: uuid::Uuid::now_v7(),
                case_id,
                position: position as u32,
                created_at: now,
                answered_at: None,
                answered_by: None,
                sealed_answer: None,
            };
            let kind = ombud_domain::DeadlineKind::RequestAnswer;
            let mut due = DeadlineRow::new(case_id, kind, policy.request_answer_due(now)?, now);
            due.subject = Some(request.id);
            deadlines.push(due);
            requests.push(request);
        }
        Ok((requests, deadlines))
    }

    /// Writes a new case. References are short, so a collision is possible
    /// if unlikely: it is retried with a fresh one.
    pub(crate) async fn store_new_case(&self, mut new: NewCase) -> Result<String> {
        let mut attempts = 0;
        loop {
            match self.store.create_case(&new).await {
                Ok(()) => return Ok(new.case.reference),
                Err(StoreError::Conflict(ombud_store::Unique::CaseReference, _)) if attempts < 5 => {
                    attempts += 1;
                    new.case.reference = new_reference()?;
                }
                // The same form, sent again while the first send was being written.
                Err(StoreError::Conflict(ombud_store::Unique::FormToken, _)) => {
                    return Err(ServiceError::AlreadyReceived);
                }
                Err(e) => return Err(ServiceError::Store(e)),
            }
        }
    }

    pub(crate) fn check_uploads(&self, uploads: &[Upload]) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if uploads.len() > self.config.max_attachments {
            errors.push(FieldError { field: "attachments".into(), code: "too-many-files" });
        }
        if uploads.iter().any(|u| u.bytes.len() as u64 > self.config.max_attachment_bytes) {
            errors.push(FieldError { field: "attachments".into(), code: "file-too-large" });
        }
        errors
    }

    pub(crate) fn seal_uploads(
        &self,
        case_id: CaseId,
        key: &DataKey,
        message_id: Option<MessageId>,
        uploads: Vec<Upload>,
    ) -> Result<Vec<NewAttachment>> {
        let now = self.clock.now();
        uploads
            .into_iter()
            .map(|u| {
                let id = AttachmentId::new();
                let name = ombud_domain::plain_file_name(&u.name);
                let meta = AttachmentMetaContent { name, content_type: u.content_type };
                Ok(NewAttachment {
                    meta: AttachmentMeta {
                        id,
                        case_id,
                        message_id,
                        created_at: now,
                        size: u.bytes.len() as u64,
                        sealed_meta: seal_json(key, &attachment_meta_aad(case_id, id), &meta)?,
                    },
                    sealed_body: key.seal(&attachment_body_aad(case_id, id), &u.bytes)?,
                })
            })
            .collect()
    }
}

/// "OMB-7K3Q-9F2D": 8 characters from an alphabet without 0/O, 1/I/L.
fn new_reference() -> Result<String> {
    let mut chars = String::with_capacity(13);
    chars.push_str("OMB-");
    for i in 0..8 {
        if i == 4 {
            chars.push('-');
        }
        let index = random_below(REFERENCE_ALPHABET.len() as u64)? as usize;
        chars.push(char::from(REFERENCE_ALPHABET[index]));
    }
    Ok(chars)
}

/// Keeps the last path component, drops control characters, caps the length;
/// an empty name becomes "attachment".
/// A wrap of the case key for every staff member who reads cases and is not
/// excluded from this one.
fn readers_grants(
    case_id: CaseId,
    key: &DataKey,
    staff: &[StaffRecord],
    exclusions: &[ExclusionRow],
) -> Result<Vec<AccessGrant>> {
    let excluded: std::collections::BTreeSet<StaffId> = exclusions.iter().map(|e| e.staff_id).collect();
    let mut access = Vec::new();
    for reader in staff.iter().filter(|s| s.reads_cases() && !excluded.contains(&s.id)) {
        let Ok(public) = <[u8; 32]>::try_from(reader.public_key.as_slice()) else {
            tracing::warn!(staff = %reader.id, "a reader without a key gets no wrap");
            continue;
        };
        access.push(AccessGrant {
            public_key: reader.public_key.clone(),
            staff: reader.id,
            wrapped_key: ombud_crypto::wrap_key(&public, key, &staff_wrap_aad(case_id, reader.id))?,
        });
    }
    Ok(access)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_file_names() {
        let r = new_reference().expect("reference");
        assert_eq!(r.len(), 13);
        assert!(r.starts_with("OMB-") && r.chars().nth(8) == Some('-'));
        assert_eq!(ombud_domain::plain_file_name("C:\\Users\\me\\证据.png"), "证据.png");
        assert_eq!(ombud_domain::plain_file_name("../../etc/passwd"), "passwd");
        assert_eq!(ombud_domain::plain_file_name("  \n"), "attachment");
    }
}

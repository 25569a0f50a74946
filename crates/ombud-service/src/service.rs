use crate::sealing::*;
use crate::views::{Audience, CaseView, Download, InboxRow, StaffView, open_case};
use crate::{Result, ServiceError};
use ombud_crypto::{DataKey, InstanceKeys, KdfParams, Receipt, StaffKeys, StaffSecret, random_below};
use ombud_domain::{
    AttachmentId, CaseId, CaseStatus, Clock, DeadlinePolicy, EventKind, FieldError, MessageId, ReportDraft, Role,
    StaffId, valid_email, validate_message,
};
use ombud_store::*;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct ServiceConfig {
    pub policy: DeadlinePolicy,
    /// Argon2id parameters for receipts (each submission and follow-up sign-in).
    pub receipt_kdf: KdfParams,
    /// Argon2id parameters for staff passwords.
    pub password_kdf: KdfParams,
    pub max_attachment_bytes: u64,
    pub max_attachments: usize,
    /// How many key derivations may run at once; defaults to the core count.
    pub kdf_workers: usize,
    /// The checkpoint origin line; derived from the signing key when None.
    pub ledger_origin: Option<String>,
    /// How far up the chain conflicts reach, and who counts as a senior leader.
    pub conflict: ombud_domain::ConflictPolicy,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            policy: DeadlinePolicy::default(),
            receipt_kdf: KdfParams::default(),
            password_kdf: KdfParams::default(),
            max_attachment_bytes: 25 * 1024 * 1024,
            max_attachments: 10,
            kdf_workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            ledger_origin: None,
            conflict: ombud_domain::ConflictPolicy::default(),
        }
    }
}

/// What a reporter gets back, once: the receipt is never stored or shown again.
#[derive(Debug)]
pub struct Submitted {
    pub case_id: CaseId,
    pub reference: String,
    pub receipt: Receipt,
}

/// A reporter signed in with her receipt: the case key, in memory only.
#[derive(Clone, Debug)]
pub struct ReporterSession {
    pub case_id: CaseId,
    pub(crate) key: DataKey,
}

/// A staff member signed in: her private key, in memory only.
#[derive(Clone, Debug)]
pub struct StaffSession {
    pub id: StaffId,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The zone she sees times in, if she chose one.
    pub time_zone: Option<String>,
    pub(crate) secret: StaffSecret,
}

pub struct Ombud {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) keys: Arc<InstanceKeys>,
    pub(crate) config: ServiceConfig,
    /// Argon2id runs here, `kdf_workers` at a time, so a burst of
    /// submissions queues instead of starving every other request.
    kdf_pool: Arc<crate::kdf_pool::KdfPool>,
    /// This instance's copy of the directory, rebuilt when its revision moves.
    pub(crate) directory_cache: std::sync::Mutex<Option<Arc<crate::routing::DirectoryIndex>>>,
}

const INSTANCE_CHECK: &str = "instance_check";
const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

impl Ombud {
    /// Binds a store to this instance's secrets; refuses a database that was
    /// initialised with other secrets.
    pub async fn open(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        master_secret: &[u8; 32],
        config: ServiceConfig,
    ) -> Result<Self> {
        config.receipt_kdf.validate()?;
        config.password_kdf.validate()?;
        config.policy.time_zone()?;
        let keys = InstanceKeys::from_master(master_secret)?;
        let check = keys.check_value()?;
        store.meta_put_if_absent(INSTANCE_CHECK, &check).await?;
        let stored = store.meta_get(INSTANCE_CHECK).await?.unwrap_or_default();
        if !ombud_crypto::constant_time_eq(&stored, &check) {
            return Err(ServiceError::InstanceMismatch);
        }
        let kdf_pool = Arc::new(
            crate::kdf_pool::KdfPool::new(config.kdf_workers)
                .map_err(|e| ServiceError::Config(format!("key derivation threads: {e}")))?,
        );
        Ok(Self { store, clock, keys: Arc::new(keys), config, kdf_pool, directory_cache: Default::default() })
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Runs slow key derivation on the KDF threads, at most `kdf_workers` at once.
    async fn derive<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        self.kdf_pool.run(work).await.ok_or_else(|| ServiceError::Config("key derivation pool stopped".into()))
    }

    // ---------------------------------------------------------------- staff

    pub async fn add_staff(&self, email: &str, name: &str, role: Role, password: &str) -> Result<StaffView> {
        let mut errors = Vec::new();
        let email = email.trim();
        if !valid_email(email) {
            errors.push(FieldError { field: "email".into(), code: "invalid-email" });
        }
        if name.trim().is_empty() {
            errors.push(FieldError { field: "name".into(), code: "required" });
        }
        if password.chars().count() < 10 {
            errors.push(FieldError { field: "password".into(), code: "password-too-short" });
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let id = StaffId::new();
        let keys = StaffKeys::generate()?;
        let params = self.config.password_kdf;
        let password = zeroize::Zeroizing::new(password.to_owned());
        let secret = keys.secret.clone();
        let sealed_secret =
            self.derive(move || ombud_crypto::seal_staff_secret(&secret, &password, params, id.as_bytes())).await??;
        let record = StaffRecord {
            id,
            email: email.to_owned(),
            name: name.trim().to_owned(),
            role,
            created_at: self.clock.now(),
            public_key: keys.public.to_vec(),
            sealed_secret,
            lang: "en".to_owned(),
            time_zone: None,
        };
        let exclusions = self.exclusions_for_new_staff(&record).await?;
        self.store.create_staff(&record, &exclusions).await?;
        tracing::info!(staff = %id, role = %role, "staff account created");
        Ok(staff_view(&record))
    }

    pub async fn list_staff(&self) -> Result<Vec<StaffView>> {
        Ok(self.store.list_staff().await?.iter().map(staff_view).collect())
    }

    /// Checks the password by opening her private key: one derivation. An
    /// unknown email spends the same time, so timing does not reveal accounts.
    pub async fn staff_sign_in(&self, email: &str, password: &str) -> Result<StaffSession> {
        let record = self.store.staff_by_email(email).await?;
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
        Ok(StaffSession {
            id: record.id,
            name: record.name,
            email: record.email,
            role: record.role,
            time_zone: record.time_zone,
            secret,
        })
    }

    pub async fn staff_inbox(&self, session: &StaffSession, limit: u32) -> Result<Vec<InboxRow>> {
        Ok(inbox_rows(self.store.inbox(session.id, limit).await?))
    }

    /// Her cases whose reference starts with what she typed ("7K3Q" or
    /// "omb-7k3q" both find OMB-7K3Q-…), optionally in one status.
    pub async fn staff_search(
        &self,
        session: &StaffSession,
        query: &str,
        status: Option<CaseStatus>,
        limit: u32,
    ) -> Result<Vec<InboxRow>> {
        let filter = CaseFilter { reference_prefix: reference_prefix(query), status };
        Ok(inbox_rows(self.store.search_cases(session.id, &filter, limit).await?))
    }

    /// How many cases she may read, by status (nothing of cases she may not).
    pub async fn staff_case_counts(&self, session: &StaffSession) -> Result<Vec<(CaseStatus, u64)>> {
        Ok(self.store.case_counts(session.id).await?)
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

    /// Opens a case for a staff member, records that she did, and completes
    /// any pending grants for colleagues while the key is at hand. The
    /// reporter's contact details stay hidden until asked for
    /// (`reveal_identity`), and each reveal is in the access log.
    pub async fn staff_case(&self, session: &StaffSession, case_id: CaseId) -> Result<CaseView> {
        self.staff_case_opened(session, case_id, false).await
    }

    /// Opens the case with the reporter's contact details shown, and records
    /// that this staff member saw them.
    pub async fn reveal_identity(&self, session: &StaffSession, case_id: CaseId) -> Result<CaseView> {
        self.staff_case_opened(session, case_id, true).await
    }

    async fn staff_case_opened(&self, session: &StaffSession, case_id: CaseId, reveal: bool) -> Result<CaseView> {
        let (case, key) = self.staff_case_key(session, case_id).await?;
        self.complete_pending_grants(Actor::Staff(session.id), case_id, &key).await?;
        let now = self.clock.now();
        let kind = if reveal { EventKind::IdentityRevealed } else { EventKind::OpenedByStaff };
        self.store.record_event(&EventRecord::new(case_id, kind, now, Actor::Staff(session.id))).await?;
        let names = self.store.list_staff().await?.into_iter().map(|s| (s.id, s.name)).collect();
        let mut view = open_case(self.store.as_ref(), case, &key, Audience::Staff { names: &names }).await?;
        view.parties = self.party_views(case_id, &key, &view.report.people, &names).await?;
        if !reveal && view.report.contact.take().is_some() {
            view.contact_hidden = true;
        }
        Ok(view)
    }

    /// Wraps the key to every reader the rule allows who has no wrap yet. Any
    /// holder of the key may do it: a staff reader, or the reporter herself,
    /// so a case whose readers were all conflicted reaches a new independent
    /// reader the next time she looks at it.
    async fn complete_pending_grants(&self, actor: Actor, case_id: CaseId, key: &DataKey) -> Result<()> {
        for grant in self.store.pending_grants(case_id).await? {
            let public: [u8; 32] =
                grant.public_key.as_slice().try_into().map_err(|_| ombud_crypto::CryptoError::Malformed)?;
            let wrapped = ombud_crypto::wrap_key(&public, key, &staff_wrap_aad(case_id, grant.staff))?;
            let event =
                EventRecord::new(case_id, EventKind::AccessGranted, self.clock.now(), actor).with_payload(&wrapped);
            self.store.complete_grant(case_id, grant.staff, &wrapped, &event).await?;
        }
        Ok(())
    }

    pub async fn staff_reply(
        &self,
        session: &StaffSession,
        case_id: CaseId,
        body: &str,
        uploads: Vec<Upload>,
    ) -> Result<MessageId> {
        let (_, key) = self.staff_case_key(session, case_id).await?;
        if !session.role.handles_cases() {
            return Err(ServiceError::Forbidden);
        }
        self.add_message(case_id, &key, Actor::Staff(session.id), body, uploads).await
    }

    /// Acknowledges a received case; answers the case and its deadlines as they now stand.
    pub async fn staff_acknowledge(
        &self,
        session: &StaffSession,
        case_id: CaseId,
    ) -> Result<(CaseRecord, Vec<ombud_domain::Deadline>)> {
        self.staff_step(session, case_id, ombud_domain::Step::Acknowledge, "").await
    }

    pub async fn staff_attachment(
        &self,
        session: &StaffSession,
        case_id: CaseId,
        id: AttachmentId,
    ) -> Result<Download> {
        let (_, key) = self.staff_case_key(session, case_id).await?;
        let download = self.open_attachment(case_id, &key, id).await?;
        let event = EventRecord::new(case_id, EventKind::FileDownloaded, self.clock.now(), Actor::Staff(session.id))
            .with_payload(id.as_bytes());
        self.store.record_event(&event).await?;
        Ok(download)
    }

    // ------------------------------------------------------------- reporter

    /// Every problem with a draft, without filing it (for a form that must
    /// come back with all its messages at once).
    pub fn check_report(&self, draft: &ReportDraft) -> Vec<FieldError> {
        match self.config.policy.time_zone() {
            Ok(zone) => draft.validate(self.clock.now().to_zoned(zone).date()).err().unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    }

    /// Files a report: validates, seals, wraps the key to every current reader
    /// and to the receipt, and writes it all in one transaction.
    pub async fn submit_report(&self, draft: &ReportDraft, uploads: Vec<Upload>) -> Result<Submitted> {
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

        let (new, receipt) = self.build_case(&content, uploads, now, self.config.receipt_kdf).await?;
        let case_id = new.case.id;
        let reference = self.store_new_case(new).await?;
        tracing::info!(case = %case_id, category = %content.category, "report received");
        Ok(Submitted { case_id, reference, receipt })
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
    ) -> Result<(NewCase, Receipt)> {
        let case_id = CaseId::new();
        let key = DataKey::generate()?;
        let receipt = Receipt::generate()?;
        let params = receipt_kdf;
        let for_derivation = receipt.clone();
        let (receipt_key, kdf) = self.derive(move || for_derivation.new_key(params)).await??;
        let receipt_record = ReceiptRecord {
            lookup: self.keys.receipt_lookup(&receipt)?.to_vec(),
            case_id,
            kdf,
            wrapped_key: receipt_key.wrap(&key, &receipt_wrap_aad(case_id))?,
        };
        let staff = self.store.list_staff().await?;
        let routing = self.intake_routing(case_id, &key, &content.people, &staff, now).await?;
        let excluded: std::collections::BTreeSet<StaffId> = routing.exclusions.iter().map(|e| e.staff_id).collect();
        let mut access = Vec::new();
        for reader in staff.iter().filter(|s| s.role.reads_cases() && !excluded.contains(&s.id)) {
            let public: [u8; 32] =
                reader.public_key.as_slice().try_into().map_err(|_| ombud_crypto::CryptoError::Malformed)?;
            access.push(AccessGrant {
                staff: reader.id,
                wrapped_key: ombud_crypto::wrap_key(&public, &key, &staff_wrap_aad(case_id, reader.id))?,
            });
        }
        if access.is_empty() && !routing.exclusions.is_empty() {
            // Everyone who reads cases is conflicted. An independent reader
            // added later gets a pending grant, completed when the reporter next
            // looks at her case (she holds the key).
            // The case id stays out of the log: with this line it would hint at whom the case concerns.
            tracing::warn!("a new case has no staff reader: every one is excluded by conflict of interest");
        }
        let attachments = self.seal_uploads(case_id, &key, None, uploads)?;
        let sealed_report = seal_json(&key, &report_aad(case_id), content)?;

        // Deadlines from the policy for this category, and one answer deadline per request.
        let mut deadlines: Vec<DeadlineRow> = self
            .config
            .policy
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
            let mut due = DeadlineRow::new(
                case_id,
                ombud_domain::DeadlineKind::RequestAnswer,
                self.config.policy.request_answer_due(now)?,
                now,
            );
            due.subject = Some(request.id);
            deadlines.push(due);
            requests.push(request);
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
        };
        Ok((new, receipt))
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
                Err(e) => return Err(ServiceError::Store(e)),
            }
        }
    }

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

    // --------------------------------------------------------------- shared

    async fn add_message(
        &self,
        case_id: CaseId,
        key: &DataKey,
        author: Actor,
        body: &str,
        uploads: Vec<Upload>,
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
        };
        let attachments = self.seal_uploads(case_id, key, Some(id), uploads)?;
        let kind = if author == Actor::Reporter { EventKind::MessageFromReporter } else { EventKind::MessageFromStaff };
        let event = EventRecord::new(case_id, kind, now, author).with_payloads(
            std::iter::once(message.sealed_body.as_slice()).chain(attachments.iter().map(|a| a.sealed_body.as_slice())),
        );
        self.store.add_message(&message, &attachments, &event).await?;
        Ok(id)
    }

    fn check_uploads(&self, uploads: &[Upload]) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if uploads.len() > self.config.max_attachments {
            errors.push(FieldError { field: "attachments".into(), code: "too-many-files" });
        }
        if uploads.iter().any(|u| u.bytes.len() as u64 > self.config.max_attachment_bytes) {
            errors.push(FieldError { field: "attachments".into(), code: "file-too-large" });
        }
        errors
    }

    fn seal_uploads(
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
                let name = sanitize_file_name(&u.name);
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

    async fn open_attachment(&self, case_id: CaseId, key: &DataKey, id: AttachmentId) -> Result<Download> {
        let meta =
            self.store.attachments(case_id).await?.into_iter().find(|a| a.id == id).ok_or(ServiceError::NotFound)?;
        let body = self.store.attachment_body(case_id, id).await?.ok_or(ServiceError::NotFound)?;
        let content: AttachmentMetaContent = open_json(key, &attachment_meta_aad(case_id, id), &meta.sealed_meta)?;
        let bytes = key.open(&attachment_body_aad(case_id, id), &body)?;
        Ok(Download { name: content.name, content_type: content.content_type, bytes })
    }
}

fn staff_view(s: &StaffRecord) -> StaffView {
    StaffView { id: s.id, email: s.email.clone(), name: s.name.clone(), role: s.role, created_at: s.created_at }
}

/// A search typed by a person as a reference prefix: upper case, reference
/// characters only, "OMB-" added when left out. None when nothing is left.
fn reference_prefix(query: &str) -> Option<String> {
    let clean: String =
        query.trim().to_uppercase().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    if clean.is_empty() {
        None
    } else if clean.starts_with("OMB") {
        Some(clean)
    } else {
        Some(format!("OMB-{}", clean.trim_start_matches('-')))
    }
}

fn inbox_rows(entries: Vec<InboxEntry>) -> Vec<InboxRow> {
    entries
        .into_iter()
        .map(|e| InboxRow {
            next_deadline: e.next_deadline.map(|(kind, due)| ombud_domain::Deadline {
                kind,
                due: Some(due),
                met_at: None,
            }),
            case: e.case,
            access_pending: e.access_pending,
        })
        .collect()
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
fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    let clean = clean.trim();
    if clean.is_empty() { "attachment".to_owned() } else { clean.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_file_names() {
        let r = new_reference().expect("reference");
        assert_eq!(r.len(), 13);
        assert!(r.starts_with("OMB-") && r.chars().nth(8) == Some('-'));
        assert_eq!(sanitize_file_name("C:\\Users\\me\\证据.png"), "证据.png");
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_file_name("  \n"), "attachment");
        assert_eq!(reference_prefix(" omb-7k3q"), Some("OMB-7K3Q".into()));
        assert_eq!(reference_prefix("7K3Q%_"), Some("OMB-7K3Q".into()), "no wildcard gets through");
        assert_eq!(reference_prefix("%"), None);
    }
}

//! The spine of the service: the `Ombud` instance, its configuration and the
//! sessions callers hold. Use cases live in files named after who does them.

use crate::{Result, ServiceError};
use ombud_crypto::{DataKey, InstanceKeys, KdfParams, Receipt, StaffSecret};
use ombud_domain::{CaseId, Clock, DeadlinePolicy, Role, StaffId};
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
    /// Where she can turn outside the organisation; a dismissal or a
    /// referral names them on her page.
    pub external_channels: Vec<ombud_domain::ExternalChannel>,
    /// The labels a handler may put on a case.
    pub labels: Vec<ombud_domain::CaseLabel>,
    /// How long a one-time link to choose a password works.
    pub ticket_valid: jiff::SignedDuration,
    /// The roles that must sign in with a second factor (`[accounts]
    /// second_factor`); empty for trials and tests.
    pub second_factor: Vec<ombud_domain::Role>,
    /// The organisation recovery key's split (`[recovery]`): how many
    /// holders' approvals rebuild it, and how many holders to name.
    pub recovery_threshold: u32,
    pub recovery_shares: u32,
    /// `[retaliation]`: how long an HR action is held, the exempt kinds,
    /// how long protection lasts after a case closes.
    pub retaliation: ombud_domain::RetaliationPolicy,
    /// How long a notice taken from the outbox stays this instance's to
    /// send; after that, should the instance have died, another sends it.
    pub outbox_claim: jiff::SignedDuration,
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
            external_channels: ombud_domain::ExternalChannel::china(),
            labels: ombud_domain::CaseLabel::defaults(),
            ticket_valid: jiff::SignedDuration::from_hours(72),
            second_factor: vec![ombud_domain::Role::Oversight, ombud_domain::Role::Admin],
            recovery_threshold: 2,
            recovery_shares: 3,
            retaliation: ombud_domain::RetaliationPolicy::default(),
            outbox_claim: jiff::SignedDuration::from_secs(120),
        }
    }
}

/// What a reporter gets back, once: the receipt is never stored or shown again.
#[derive(Debug)]
pub struct Submitted {
    pub case_id: CaseId,
    pub reference: String,
    pub receipt: Receipt,
    /// Her session on the new case, for "check on my report" right after
    /// submitting (the case key leaves the process only sealed in its token).
    pub session: ReporterSession,
}

/// A reporter signed in with her receipt: the case key, held while a request
/// is served; between requests it travels sealed in her token (sessions.rs).
#[derive(Clone, Debug)]
pub struct ReporterSession {
    pub case_id: CaseId,
    pub(crate) key: DataKey,
}

/// A staff member signed in: her private key, held while a request is served;
/// between requests it is kept sealed under her token (sessions.rs).
#[derive(Clone, Debug)]
pub struct StaffSession {
    pub id: StaffId,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The zone she sees times in, if she chose one.
    pub time_zone: Option<String>,
    /// Her account's session epoch when she signed in (see `sessions.rs`).
    pub epoch: i64,
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
    pub(crate) directory_cache: std::sync::Mutex<Option<Arc<crate::directory_index::DirectoryIndex>>>,
    /// The hours' keys of reporters' sessions this instance has opened.
    pub(crate) session_keys: crate::sessions::SessionKeys,
}

const INSTANCE_CHECK: &str = "instance_check";

/// Each configured label has a usable key of its own and a name in both languages.
fn check_labels(labels: &[ombud_domain::CaseLabel]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for l in labels {
        if !ombud_domain::CaseLabel::valid_key(&l.key) || !seen.insert(l.key.as_str()) {
            return Err(ServiceError::Config(format!(
                "label key {:?}: use lower case letters, digits and '-', each key once",
                l.key
            )));
        }
        if l.name_en.trim().is_empty() || l.name_zh.trim().is_empty() {
            return Err(ServiceError::Config(format!("label {:?} needs name_en and name_zh", l.key)));
        }
    }
    Ok(())
}

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
        check_labels(&config.labels)?;
        let keys = InstanceKeys::from_master(master_secret)?;
        let check = keys.check_value()?;
        store.meta_put_if_absent(INSTANCE_CHECK, &check).await?;
        let stored = store.meta_get(INSTANCE_CHECK).await?.unwrap_or_default();
        if !ombud_crypto::constant_time_eq(&stored, &check) {
            return Err(ServiceError::InstanceMismatch);
        }
        // Only now, with the secret known to be this database's: from here
        // the store writes version-2 leaves, committing to who acted.
        store.bind_actor_commitments(Arc::new(crate::ledger::LeafActors(keys.actor_key().clone())));
        let kdf_pool = Arc::new(
            crate::kdf_pool::KdfPool::new(config.kdf_workers)
                .map_err(|e| ServiceError::Config(format!("key derivation threads: {e}")))?,
        );
        let ombud = Self {
            store,
            clock,
            keys: Arc::new(keys),
            config,
            kdf_pool,
            directory_cache: Default::default(),
            session_keys: Default::default(),
        };
        Ok(ombud)
    }

    /// Every staff member's name by id, for lists that say who did what.
    pub(crate) async fn staff_names(&self) -> Result<std::collections::HashMap<StaffId, String>> {
        Ok(self.store.list_staff().await?.into_iter().map(|s| (s.id, s.name)).collect())
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    /// Claims one send of a page's form (`once` names the page and the form):
    /// the key of the claim the first time, None for every later send of the
    /// same form — a double click, a resent page — which must not act twice.
    pub async fn claim_send(&self, once: &str) -> Result<Option<[u8; 32]>> {
        let hash = self.keys.form_token_hash(once)?;
        Ok(self.store.claim_form_token(&hash, self.clock.now()).await?.then_some(hash))
    }

    /// Gives a claimed send back when it did nothing (refused, or failed), so
    /// that sending the same form again is not taken for a second send.
    pub async fn release_send(&self, claim: &[u8; 32]) -> Result<()> {
        Ok(self.store.release_form_token(claim).await?)
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Runs slow key derivation on the KDF threads, at most `kdf_workers` at once.
    /// How many key derivations (receipts, passwords) ran since start: the
    /// costly work a caller can make the server do.
    pub fn key_derivations(&self) -> u64 {
        self.kdf_pool.runs()
    }

    pub(crate) async fn derive<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        self.kdf_pool.run(work).await.ok_or_else(|| ServiceError::Config("key derivation pool stopped".into()))
    }
}

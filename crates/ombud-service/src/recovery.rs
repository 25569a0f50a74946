//! No case lost to a lost password: the organisation recovery key
//! (DECISIONS #2). Oversight enables it and names its holders; every case
//! key is also wrapped to its public half; its private half exists only as
//! shares sealed to the holders. An operation that needs it (recover a case,
//! re-split, rotate) waits for the threshold of holders to approve it, each
//! in her own session, and is completed by its initiator's next request:
//! the key is rebuilt in memory for that request only, does its work, and
//! is dropped. A recovered case key goes only to the readers routing
//! allows, never to the initiator or the approvers as such.

use crate::error::invalid;
use crate::sealing::staff_wrap_aad;
use crate::{Ombud, OversightDesk, Result, ServiceError, StaffDesk, StaffSession};
use ombud_crypto::{DataKey, OperationSecret, RecoverySecret, RecoveryShare, item_aad};
use ombud_domain::{CaseId, EventKind, RecoveryKind, Role, StaffId, recovery_split_problem};
use ombud_store::*;
use std::collections::BTreeSet;

/// How long an operation waits for its approvals.
pub const APPROVALS_VALID: jiff::SignedDuration = jiff::SignedDuration::from_hours(72);
/// Cases one batch rewraps before it gives the rest to the next.
const BATCH: u32 = 200;
/// How long a request spends on a rotation's batch; the rest is resumed
/// by readers and by the next operation.
const BATCH_TIME: std::time::Duration = std::time::Duration::from_secs(10);

pub(crate) fn recovery_wrap_aad(case: CaseId, key: uuid::Uuid) -> Vec<u8> {
    item_aad(case.as_bytes(), key.as_bytes(), "recovery-wrap")
}

/// A holder as oversight reads her: can her share still be opened?
#[derive(Clone, Debug)]
pub struct RecoveryHolder {
    pub id: StaffId,
    pub name: String,
    pub email: String,
    /// Active, on the committee, and holding the key her share was sealed
    /// to. A holder who left, was disabled or reset cannot approve.
    pub usable: bool,
}

/// An operation waiting for approvals.
#[derive(Clone, Debug)]
pub struct RecoveryOperationView {
    pub id: uuid::Uuid,
    pub kind: RecoveryKind,
    pub case: Option<crate::CaseRef>,
    pub initiator: crate::StaffRef,
    /// A re-split's or rotation's new holders.
    pub holders: Vec<crate::StaffRef>,
    pub approvals: Vec<(crate::StaffRef, jiff::Timestamp)>,
    pub needed: u32,
    pub created_at: jiff::Timestamp,
    pub expires_at: jiff::Timestamp,
}

/// The state of recovery, for oversight and the administrator.
#[derive(Clone, Debug)]
pub struct RecoveryState {
    pub enabled: bool,
    pub threshold: u32,
    pub holders: Vec<RecoveryHolder>,
    /// Cases without a wrap to the current key (pending: their readers
    /// complete them).
    pub cases_pending: u64,
    /// Cases a rotation has not reached yet (still only under an old key).
    pub cases_not_rotated: u64,
    pub operations: Vec<RecoveryOperationView>,
    /// Cases where a reader waits for her key: what a recovery can give back.
    pub cases_waiting: u64,
    /// The latest completed operations, newest first.
    pub completed: Vec<RecoveryCompleted>,
    /// What oversight should know: `not-enabled`, `holder-unusable`,
    /// `holders-at-threshold` (one more loss and no case can be recovered),
    /// `holders-below-threshold` (none can be now).
    pub warnings: Vec<&'static str>,
    /// The configured split, proposed when enabling.
    pub configured_threshold: u32,
    pub configured_shares: u32,
}

/// A completed operation, from the ledger: when, whose, and what it did
/// (`recover 2`: two cases; `rotate 2/3`: a new key, two of three).
#[derive(Clone, Debug)]
pub struct RecoveryCompleted {
    pub at: jiff::Timestamp,
    pub by: Option<String>,
    pub detail: String,
}

/// What a request asked for.
#[derive(Clone, Debug)]
pub struct RecoveryRequest {
    pub kind: RecoveryKind,
    pub holders: Vec<StaffId>,
    pub case: Option<CaseId>,
}

/// What an operation did once completed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecoveryDone {
    pub operation: Option<uuid::Uuid>,
    pub kind: Option<RecoveryKind>,
    /// Cases whose pending grants were completed, or that were rewrapped.
    pub cases: u64,
}

fn holder_usable(staff: Option<&StaffRecord>, share: &RecoveryShareRow) -> bool {
    staff.is_some_and(|s| s.active() && s.role == Role::Oversight && s.public_key == share.holder_public)
}

fn public_of(record: &StaffRecord) -> Result<[u8; 32]> {
    <[u8; 32]>::try_from(record.public_key.as_slice()).map_err(|_| invalid("holders", "holder-without-key"))
}

impl Ombud {
    /// The current recovery key, if recovery is enabled.
    pub(crate) async fn current_recovery_key(&self) -> Result<Option<RecoveryKeyRow>> {
        Ok(self.store.recovery_keys().await?.into_iter().find(|k| k.current))
    }

    /// A new case key wrapped to the current recovery key, for intake.
    pub(crate) async fn recovery_wrap_for(&self, case: CaseId, key: &DataKey) -> Result<Option<(uuid::Uuid, Vec<u8>)>> {
        let Some(current) = self.current_recovery_key().await? else {
            return Ok(None);
        };
        Ok(Some((current.id, wrap_to(&current, case, key)?)))
    }

    /// Writes the case's wrap to the current recovery key if it has none:
    /// anyone holding the case key does it in passing (a reader, the reporter).
    pub(crate) async fn complete_recovery_wrap(&self, case: CaseId, key: &DataKey) -> Result<()> {
        let Some(current) = self.current_recovery_key().await? else {
            return Ok(());
        };
        if self.store.recovery_wrap(case, current.id).await?.is_none() {
            self.store.put_recovery_wrap(case, current.id, &wrap_to(&current, case, key)?).await?;
        }
        Ok(())
    }

    /// Recovery's state: the holders, the counts and the operations waiting.
    /// Oversight and the administrator read it; nothing in it is secret.
    pub async fn recovery_state(&self, session: &StaffSession) -> Result<RecoveryState> {
        if !matches!(session.role, Role::Oversight | Role::Admin) {
            return Err(ServiceError::Forbidden);
        }
        self.recovery_overview().await
    }

    async fn recovery_overview(&self) -> Result<RecoveryState> {
        let keys = self.store.recovery_keys().await?;
        let staff = self.store.list_staff().await?;
        let find = |id: StaffId| staff.iter().find(|s| s.id == id);
        let mut state = RecoveryState {
            enabled: false,
            threshold: 0,
            holders: Vec::new(),
            cases_pending: 0,
            cases_not_rotated: 0,
            operations: Vec::new(),
            cases_waiting: self.store.cases_with_pending_grants().await?.len() as u64,
            completed: Vec::new(),
            warnings: Vec::new(),
            configured_threshold: self.config.recovery_threshold,
            configured_shares: self.config.recovery_shares,
        };
        let Some(current) = keys.iter().find(|k| k.current) else {
            state.warnings.push("not-enabled");
            return Ok(state);
        };
        state.enabled = true;
        state.threshold = current.threshold;
        for share in self.store.recovery_shares(current.id).await? {
            let record = find(share.holder);
            state.holders.push(RecoveryHolder {
                id: share.holder,
                name: record.map(|s| s.name.clone()).unwrap_or_default(),
                email: record.map(|s| s.email.clone()).unwrap_or_default(),
                usable: holder_usable(record, &share),
            });
        }
        let usable = state.holders.iter().filter(|h| h.usable).count();
        if usable < state.holders.len() {
            state.warnings.push("holder-unusable");
        }
        if usable < current.threshold as usize {
            state.warnings.push("holders-below-threshold");
        } else if usable <= current.threshold as usize {
            state.warnings.push("holders-at-threshold");
        }
        state.cases_pending = self.store.cases_lacking_recovery(current.id).await?;
        for old in keys.iter().filter(|k| !k.current) {
            state.cases_not_rotated += self.store.wraps_to_rotate(old.id, current.id, u32::MAX).await?.len() as u64;
        }
        let staff_ref = |id: StaffId| {
            find(id).map_or(crate::StaffRef { id, name: String::new(), email: String::new() }, crate::StaffRef::from)
        };
        for op in self.store.recovery_operations(self.clock.now()).await? {
            let needed = keys.iter().find(|k| k.id == op.row.key_id).map_or(u32::MAX, |k| k.threshold);
            let case = match op.row.case_id {
                Some(id) => self.store.case(id).await?.map(|c| crate::CaseRef {
                    case_id: id,
                    case_ref: c.reference,
                    status: c.status,
                }),
                None => None,
            };
            state.operations.push(RecoveryOperationView {
                id: op.row.id,
                kind: op.row.kind,
                case,
                initiator: staff_ref(op.row.initiator),
                holders: op.row.holders.iter().map(|h| staff_ref(*h)).collect(),
                approvals: op.approvals.iter().map(|a| (staff_ref(a.holder), a.approved_at)).collect(),
                needed,
                created_at: op.row.created_at,
                expires_at: op.row.expires_at,
            });
        }
        state.completed = self.recent_completions(&staff).await?;
        Ok(state)
    }

    /// The latest completed operations, from the administrative log.
    async fn recent_completions(&self, staff: &[StaffRecord]) -> Result<Vec<RecoveryCompleted>> {
        const SHOWN: usize = 5;
        let events = self.store.staff_events(None, 200).await?;
        Ok(events
            .into_iter()
            .filter(|e| e.record.event.kind == EventKind::RecoveryDone)
            .take(SHOWN)
            .map(|e| RecoveryCompleted {
                at: e.record.event.at,
                by: match e.record.event.actor {
                    Actor::Staff(id) => staff.iter().find(|s| s.id == id).map(|s| s.name.clone()),
                    _ => None,
                },
                detail: e.record.detail,
            })
            .collect())
    }

    /// Tells every active oversight member, without content, that recovery
    /// needs their attention (a holder left, an operation waits).
    async fn notify_oversight(&self, kind: &'static str, except: Option<StaffId>) -> Result<()> {
        let now = self.clock.now();
        for member in self.store.list_staff().await? {
            if member.active() && member.role == Role::Oversight && Some(member.id) != except {
                let notice = StaffNotice { staff: member.id, kind, ticket: None, at: now };
                self.store.queue_staff_notice(&notice).await?;
            }
        }
        Ok(())
    }

    /// After an account was disabled, reset or moved off the committee: if
    /// she held a share, the holders changed, and oversight is told at once.
    pub(crate) async fn after_holder_change(&self, staff: StaffId) -> Result<()> {
        let Some(current) = self.current_recovery_key().await? else {
            return Ok(());
        };
        if self.store.recovery_shares(current.id).await?.iter().any(|s| s.holder == staff) {
            tracing::warn!("a holder of the recovery key can no longer approve; oversight should rotate the key");
            self.notify_oversight("recovery_holders", None).await?;
        }
        Ok(())
    }
}

impl crate::AdminDesk<'_> {
    /// Recovery's state, for the command line (`ombud recovery status`) and
    /// the `serve` log.
    pub async fn recovery(&self) -> Result<RecoveryState> {
        self.recovery_overview().await
    }
}

fn wrap_to(key: &RecoveryKeyRow, case: CaseId, case_key: &DataKey) -> Result<Vec<u8>> {
    let public = <[u8; 32]>::try_from(key.public_key.as_slice())
        .map_err(|_| ServiceError::Store(StoreError::Corrupt("recovery public key".into())))?;
    Ok(ombud_crypto::wrap_key(&public, case_key, &recovery_wrap_aad(case, key.id))?)
}

/// A new split of `secret` among `holders`, each share sealed to her.
fn seal_shares(
    secret: &RecoverySecret,
    key_id: uuid::Uuid,
    split_id: uuid::Uuid,
    threshold: u32,
    holders: &[StaffRecord],
) -> Result<Vec<RecoveryShareRow>> {
    let shares = secret.split(threshold as usize, holders.len())?;
    holders
        .iter()
        .zip(shares)
        .map(|(holder, share)| {
            let public = public_of(holder)?;
            Ok(RecoveryShareRow {
                key_id,
                holder: holder.id,
                holder_public: holder.public_key.clone(),
                sealed: share.seal_to(&public, split_id.as_bytes(), holder.id.as_bytes())?,
            })
        })
        .collect()
}

impl OversightDesk<'_> {
    /// Starts what a member asked for: enabling happens at once (nothing
    /// exists yet to protect); anything that needs the key waits for the
    /// threshold of holders to approve it.
    pub async fn start_recovery(&self, request: &RecoveryRequest) -> Result<Option<uuid::Uuid>> {
        match request.kind {
            RecoveryKind::Enable => self.enable_recovery(&request.holders).await.map(|()| None),
            kind => self.ask_recovery(kind, &request.holders, request.case).await.map(Some),
        }
    }

    /// The case a whole reference names, however she typed it.
    pub async fn recovery_case(&self, reference: &str) -> Result<CaseId> {
        // Only a reference is asked for here, so spaces are never a name's,
        // and full-width characters from a Chinese input method read as ASCII.
        let whole = crate::inbox::typed_reference(reference).ok_or_else(|| invalid("case", "case-unknown"))?;
        self.store.case_by_reference(&whole).await?.ok_or_else(|| invalid("case", "case-unknown"))
    }

    /// The holders named: distinct, active oversight members with a key,
    /// enough for the configured threshold.
    async fn check_holders(&self, holders: &[StaffId]) -> Result<Vec<StaffRecord>> {
        let staff = self.store.list_staff().await?;
        let mut seen = BTreeSet::new();
        let mut records = Vec::new();
        for id in holders {
            if !seen.insert(*id) {
                continue;
            }
            let record = staff.iter().find(|s| s.id == *id).ok_or_else(|| invalid("holders", "holder-unknown"))?;
            if !record.active() || record.role != Role::Oversight {
                return Err(invalid("holders", "holder-not-oversight"));
            }
            public_of(record)?;
            records.push(record.clone());
        }
        if let Some(code) = recovery_split_problem(self.config.recovery_threshold, records.len()) {
            return Err(invalid("holders", code));
        }
        Ok(records)
    }

    /// Makes the key pair, seals a share to each holder and forgets the
    /// private half, in one request. The administrator cannot: his role
    /// must never choose who holds recovery.
    async fn enable_recovery(&self, holders: &[StaffId]) -> Result<()> {
        let records = self.check_holders(holders).await?;
        let threshold = self.config.recovery_threshold;
        let secret = RecoverySecret::generate()?;
        let key = RecoveryKeyRow {
            id: uuid::Uuid::now_v7(),
            public_key: secret.public_key().to_vec(),
            split_id: uuid::Uuid::now_v7(),
            threshold,
            current: true,
            created_at: self.clock.now(),
        };
        let shares = seal_shares(&secret, key.id, key.split_id, threshold, &records)?;
        drop(secret);
        let event =
            StaffEventRecord::new(EventKind::RecoveryEnabled, self.clock.now(), Actor::Staff(self.session.id), None)
                .with_detail(format!("{threshold}/{}", records.len()));
        if !self.store.enable_recovery(&key, &shares, &event).await? {
            return Err(invalid("kind", "recovery-enabled-already"));
        }
        tracing::info!(threshold, holders = records.len(), "recovery enabled");
        Ok(())
    }

    /// An operation that needs the key: its ephemeral key pair, the private
    /// half sealed to her alone, waiting for approvals.
    async fn ask_recovery(&self, kind: RecoveryKind, holders: &[StaffId], case: Option<CaseId>) -> Result<uuid::Uuid> {
        let keys = self.store.recovery_keys().await?;
        let current = keys.iter().find(|k| k.current).ok_or_else(|| invalid("kind", "recovery-not-enabled"))?;
        let mut kind = kind;
        let mut key = current.clone();
        let mut new_holders = Vec::new();
        let mut detail = kind.to_string();
        match kind {
            RecoveryKind::Recover => {
                if let Some(case_id) = case {
                    // A member kept out of the case may start its recovery
                    // (every other member may be kept out too): it shows her
                    // nothing of it, and gives the key only to its readers.
                    let record = self.store.case(case_id).await?.ok_or_else(|| invalid("case", "case-unknown"))?;
                    // The key its wrap is under: the current one, or one a
                    // rotation has not yet replaced for this case.
                    let mut under = None;
                    for k in &keys {
                        if self.store.recovery_wrap(case_id, k.id).await?.is_some() {
                            under = Some(k.clone());
                            break;
                        }
                    }
                    key = under.ok_or_else(|| invalid("case", "case-without-recovery-wrap"))?;
                    detail = format!("{kind} {}", record.reference);
                }
            }
            RecoveryKind::Resplit | RecoveryKind::Rotate => {
                new_holders = self.check_holders(holders).await?.iter().map(|s| s.id).collect();
                let old: BTreeSet<StaffId> =
                    self.store.recovery_shares(current.id).await?.iter().map(|s| s.holder).collect();
                // A holder who leaves the set keeps her old share, which still
                // combines with its split: only a new key shuts it out.
                if kind == RecoveryKind::Resplit && !old.iter().all(|h| new_holders.contains(h)) {
                    kind = RecoveryKind::Rotate;
                }
                detail = format!("{kind} {}/{}", self.config.recovery_threshold, new_holders.len());
            }
            RecoveryKind::Enable => return Err(invalid("kind", "recovery-enabled-already")),
        }
        self.refuse_unworkable(kind, &key, case).await?;
        let id = uuid::Uuid::now_v7();
        let ephemeral = OperationSecret::generate()?;
        let now = self.clock.now();
        let row = RecoveryOperationRow {
            id,
            kind,
            key_id: key.id,
            split_id: key.split_id,
            initiator: self.session.id,
            case_id: case.filter(|_| kind == RecoveryKind::Recover),
            holders: new_holders,
            new_threshold: (kind != RecoveryKind::Recover).then_some(self.config.recovery_threshold),
            public_key: ephemeral.public_key().to_vec(),
            sealed_secret: ephemeral.seal_to(&self.session.secret.public_key(), id.as_bytes())?,
            created_at: now,
            expires_at: now.checked_add(APPROVALS_VALID).map_err(|_| invalid("kind", "out-of-range"))?,
        };
        let event = StaffEventRecord::new(EventKind::RecoveryAsked, now, Actor::Staff(self.session.id), None)
            .with_detail(detail);
        self.store.start_recovery_operation(&row, &event).await?;
        self.notify_oversight("recovery_approval", Some(self.session.id)).await?;
        tracing::info!(kind = %kind, "a recovery operation waits for approvals");
        Ok(id)
    }

    /// Refuses an operation that could never complete, or that waits
    /// already: the same case asked twice, two changes of holders at once,
    /// or fewer holders of the key able to approve than it needs.
    async fn refuse_unworkable(&self, kind: RecoveryKind, key: &RecoveryKeyRow, case: Option<CaseId>) -> Result<()> {
        let waiting = self.store.recovery_operations(self.clock.now()).await?;
        let twice = waiting.iter().any(|o| match kind {
            RecoveryKind::Recover => o.row.kind == RecoveryKind::Recover && o.row.case_id == case,
            _ => o.row.kind != RecoveryKind::Recover,
        });
        if twice {
            return Err(invalid(if kind == RecoveryKind::Recover { "case" } else { "kind" }, "recovery-asked-already"));
        }
        let staff = self.store.list_staff().await?;
        let usable = self
            .store
            .recovery_shares(key.id)
            .await?
            .iter()
            .filter(|share| holder_usable(staff.iter().find(|s| s.id == share.holder), share))
            .count();
        if usable < key.threshold as usize {
            return Err(invalid("holders", "too-few-usable-holders"));
        }
        Ok(())
    }

    /// Approves an operation with her share: her session opens it and seals
    /// it again to the operation's key. Approving twice changes nothing.
    pub async fn approve_recovery(&self, operation: uuid::Uuid) -> Result<()> {
        let now = self.clock.now();
        let op = self
            .store
            .recovery_operations(now)
            .await?
            .into_iter()
            .find(|o| o.row.id == operation)
            .ok_or(ServiceError::NotFound)?;
        if op.approvals.iter().any(|a| a.holder == self.session.id) {
            return Ok(());
        }
        let shares = self.store.recovery_shares(op.row.key_id).await?;
        let mine =
            shares.iter().find(|s| s.holder == self.session.id).ok_or_else(|| invalid("recovery", "not-a-holder"))?;
        if mine.holder_public != self.session.secret.public_key() {
            // Sealed to a key pair she no longer holds (her account was reset).
            return Err(invalid("recovery", "share-void"));
        }
        let share = RecoveryShare::open(
            &self.session.secret,
            &mine.sealed,
            op.row.split_id.as_bytes(),
            self.session.id.as_bytes(),
        )?;
        let public = <[u8; 32]>::try_from(op.row.public_key.as_slice())
            .map_err(|_| ServiceError::Store(StoreError::Corrupt("operation key".into())))?;
        let approval = RecoveryApprovalRow {
            operation_id: operation,
            holder: self.session.id,
            sealed_share: share.seal_to_operation(&public, operation.as_bytes())?,
            approved_at: now,
        };
        let event = StaffEventRecord::new(EventKind::RecoveryApproved, now, Actor::Staff(self.session.id), None)
            .with_detail(op.row.kind.to_string());
        if !self.store.approve_recovery(&approval, &event).await? && !self.approved_before(operation).await? {
            return Err(ServiceError::NotFound);
        }
        Ok(())
    }

    async fn approved_before(&self, operation: uuid::Uuid) -> Result<bool> {
        let ops = self.store.recovery_operations(self.clock.now()).await?;
        Ok(ops.iter().any(|o| o.row.id == operation && o.approvals.iter().any(|a| a.holder == self.session.id)))
    }
}

impl StaffDesk<'_> {
    /// Completes the operations she started that have their approvals: on
    /// each request of hers, so the key is rebuilt in her own request only.
    /// Anything else she asked for goes on even if this fails.
    pub async fn complete_recoveries(&self) -> Result<Vec<RecoveryDone>> {
        if self.session.role != Role::Oversight {
            return Ok(Vec::new());
        }
        let keys = self.store.recovery_keys().await?;
        let mut done = Vec::new();
        for op in self.store.recovery_operations(self.clock.now()).await? {
            let Some(key) = keys.iter().find(|k| k.id == op.row.key_id) else { continue };
            if op.row.initiator != self.session.id || op.approvals.len() < key.threshold as usize {
                continue;
            }
            done.push(self.complete_recovery(&op, key).await?);
        }
        Ok(done)
    }

    async fn complete_recovery(&self, op: &RecoveryOperation, key: &RecoveryKeyRow) -> Result<RecoveryDone> {
        let id = op.row.id;
        let ephemeral = OperationSecret::open(&self.session.secret, &op.row.sealed_secret, id.as_bytes())?;
        let shares = op
            .approvals
            .iter()
            .map(|a| RecoveryShare::open_for_operation(&ephemeral, &a.sealed_share, id.as_bytes()))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let public = <[u8; 32]>::try_from(key.public_key.as_slice())
            .map_err(|_| ServiceError::Store(StoreError::Corrupt("recovery public key".into())))?;
        let secret = RecoverySecret::combine(&shares, &public)?;
        drop(shares);
        let now = self.clock.now();
        let actor = Actor::Staff(self.session.id);
        let mut result = RecoveryDone { operation: Some(id), kind: Some(op.row.kind), cases: 0 };
        match op.row.kind {
            RecoveryKind::Recover => {
                result.cases = self.recover_cases(&secret, key, op.row.case_id).await?;
                let event = StaffEventRecord::new(EventKind::RecoveryDone, now, actor, None)
                    .with_detail(format!("recover {}", result.cases));
                self.store.finish_recovery(id, &RecoveryChange::Nothing, &event).await?;
            }
            RecoveryKind::Resplit => {
                let holders = self.holder_records(&op.row.holders).await?;
                let split_id = uuid::Uuid::now_v7();
                let threshold = op.row.new_threshold.unwrap_or(self.config.recovery_threshold);
                let shares = seal_shares(&secret, key.id, split_id, threshold, &holders)?;
                let event = StaffEventRecord::new(EventKind::RecoveryDone, now, actor, None)
                    .with_detail(format!("resplit {threshold}/{}", holders.len()));
                self.store
                    .finish_recovery(id, &RecoveryChange::Resplit { split_id, threshold, shares }, &event)
                    .await?;
            }
            RecoveryKind::Rotate => {
                let holders = self.holder_records(&op.row.holders).await?;
                let threshold = op.row.new_threshold.unwrap_or(self.config.recovery_threshold);
                let new_secret = RecoverySecret::generate()?;
                let new_key = RecoveryKeyRow {
                    id: uuid::Uuid::now_v7(),
                    public_key: new_secret.public_key().to_vec(),
                    split_id: uuid::Uuid::now_v7(),
                    threshold,
                    current: true,
                    created_at: now,
                };
                let shares = seal_shares(&new_secret, new_key.id, new_key.split_id, threshold, &holders)?;
                drop(new_secret);
                let event = StaffEventRecord::new(EventKind::RecoveryDone, now, actor, None)
                    .with_detail(format!("rotate {threshold}/{}", holders.len()));
                let change = RecoveryChange::Rotate { key: new_key.clone(), shares };
                if self.store.finish_recovery(id, &change, &event).await? {
                    result.cases = self.rotate_wraps(&secret, key, &new_key).await?;
                }
            }
            RecoveryKind::Enable => {}
        }
        tracing::info!(kind = %op.row.kind, cases = result.cases, "a recovery operation was completed");
        Ok(result)
    }

    /// The new holders, still active oversight members with a key.
    async fn holder_records(&self, holders: &[StaffId]) -> Result<Vec<StaffRecord>> {
        let staff = self.store.list_staff().await?;
        let records: Vec<StaffRecord> = holders
            .iter()
            .filter_map(|h| staff.iter().find(|s| s.id == *h))
            .filter(|s| s.active() && s.role == Role::Oversight && s.public_key.len() == 32)
            .cloned()
            .collect();
        if let Some(code) = recovery_split_problem(self.config.recovery_threshold, records.len()) {
            return Err(invalid("holders", code));
        }
        Ok(records)
    }

    /// Opens each case with the rebuilt key, decides again who may read it
    /// (a conflict found since is applied first), and completes the pending
    /// grants of the readers routing allows. Nobody else gets the key.
    async fn recover_cases(&self, secret: &RecoverySecret, key: &RecoveryKeyRow, case: Option<CaseId>) -> Result<u64> {
        let cases = match case {
            Some(case) => vec![case],
            None => self.store.cases_with_pending_grants().await?,
        };
        let index = self.directory_index().await?;
        let staff = self.store.list_staff().await?;
        let mut recovered = 0;
        for case_id in cases {
            let Some(wrapped) = self.store.recovery_wrap(case_id, key.id).await? else { continue };
            let case_key = secret.unwrap_case_key(&wrapped, &recovery_wrap_aad(case_id, key.id))?;
            let now = self.clock.now();
            let event = EventRecord::new(case_id, EventKind::AccessChanged, now, Actor::System);
            self.reroute_case(&index, &staff, case_id, event, ombud_domain::Lifting::Held, None).await?;
            let event = EventRecord::new(case_id, EventKind::CaseRecovered, now, Actor::Staff(self.session.id));
            self.store.record_event(&event).await?;
            self.complete_pending_grants(Actor::System, case_id, &case_key).await?;
            self.recover_items(secret, key, case_id).await?;
            recovered += 1;
        }
        Ok(recovered)
    }

    /// Wraps every case under the old key to the new one while the old key
    /// is in memory, for as long as one request may take; what is left is
    /// completed by readers, or by the next operation.
    async fn rotate_wraps(
        &self,
        old_secret: &RecoverySecret,
        old: &RecoveryKeyRow,
        new: &RecoveryKeyRow,
    ) -> Result<u64> {
        let started = std::time::Instant::now();
        let mut rewrapped = 0;
        let mut rewrapped_items = 0u64;
        loop {
            let batch = self.store.wraps_to_rotate(old.id, new.id, BATCH).await?;
            if batch.is_empty() {
                let items = self.store.item_wraps_to_rotate(old.id, new.id, BATCH).await?;
                if items.is_empty() {
                    self.store.retire_recovery_key(old.id).await?;
                    self.store.scrub_deleted().await?;
                    break;
                }
                for (item, wrapped) in items {
                    let item_key = old_secret.unwrap_case_key(&wrapped, &crate::support::recovery_aad(item, old.id))?;
                    let public = <[u8; 32]>::try_from(new.public_key.as_slice())
                        .map_err(|_| ServiceError::Config("recovery public key".into()))?;
                    let rewrapped =
                        ombud_crypto::wrap_key(&public, &item_key, &crate::support::recovery_aad(item, new.id))?;
                    self.store.put_item_recovery_wrap(item, new.id, &rewrapped).await?;
                    rewrapped_items += 1;
                }
                continue;
            }
            for (case_id, wrapped) in batch {
                let case_key = old_secret.unwrap_case_key(&wrapped, &recovery_wrap_aad(case_id, old.id))?;
                self.store.put_recovery_wrap(case_id, new.id, &wrap_to(new, case_id, &case_key)?).await?;
                rewrapped += 1;
            }
            if started.elapsed() > BATCH_TIME {
                tracing::info!(
                    rewrapped,
                    rewrapped_items,
                    "a rotation's batch stopped for time; readers complete the rest"
                );
                break;
            }
        }
        Ok(rewrapped)
    }

    /// A recovered case's statements go to the readers the case has now,
    /// never to anyone kept out of a statement.
    async fn recover_items(&self, secret: &RecoverySecret, key: &RecoveryKeyRow, case_id: CaseId) -> Result<()> {
        for item in self.store.items_of_case(case_id).await? {
            let Some(wrapped) = self.store.item_recovery_wrap(item.id, key.id).await? else { continue };
            let item_key = secret.unwrap_case_key(&wrapped, &crate::support::recovery_aad(item.id, key.id))?;
            self.complete_support_wraps(&item, &item_key).await?;
        }
        Ok(())
    }

    /// Writes the missing recovery wraps of the cases she holds a key for:
    /// a background batch after she signs in and after she enables recovery.
    /// Returns how many it wrote.
    pub async fn complete_recovery_wraps(&self) -> Result<u64> {
        let Some(current) = self.current_recovery_key().await? else {
            return Ok(0);
        };
        let mut written = 0;
        loop {
            let batch = self.store.wraps_lacking_recovery(self.session.id, current.id, BATCH).await?;
            let size = batch.len();
            for (case_id, wrapped) in batch {
                let case_key =
                    self.session.secret.unwrap_case_key(&wrapped, &staff_wrap_aad(case_id, self.session.id))?;
                self.store.put_recovery_wrap(case_id, current.id, &wrap_to(&current, case_id, &case_key)?).await?;
                written += 1;
            }
            // A wrap the store refused (the key rotated meanwhile) would come
            // back forever: a short batch is the last.
            if size < BATCH as usize {
                break;
            }
            if self.current_recovery_key().await?.map(|k| k.id) != Some(current.id) {
                break;
            }
        }
        if written > 0 {
            tracing::info!(written, "recovery wraps completed");
        }
        Ok(written)
    }
}

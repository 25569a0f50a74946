//! Sessions that survive a restart and are served by any instance, with no
//! unlocked key at rest (DESIGN.md, "Sessions across restarts and
//! instances"; DECISIONS #21).
//!
//! - A **staff** session is a row: a keyed hash of its token, and her
//!   private key sealed under a key derived from the token, which only her
//!   browser holds. Disabling, resetting or re-roling her account deletes
//!   her rows in the same transaction.
//! - A **reporter's** (or supporter's) session writes nothing: the token is
//!   her case id, its key and an exact expiry, sealed under the key of the
//!   hour it was issued in. The job loop makes those keys ahead of their
//!   hour and deletes them once every session they sealed has expired.

use crate::ombud::{Ombud, ReporterSession, StaffSession};
use crate::second_factor::HalfSignedIn;
use crate::support::SupporterSession;
use crate::{Result, ServiceError};
use base64::Engine;
use jiff::{SignedDuration, Timestamp};
use ombud_crypto::{CaseSession, CaseSessionPurpose, SessionKey, StaffSecret};
use ombud_domain::CaseId;
use ombud_store::{SessionStage, StaffSessionRow};
use std::collections::BTreeMap;

const HOUR_MS: i64 = 3_600_000;
/// A reporter-side session lasts at most this long from its last request.
pub const MAX_CASE_SESSION: SignedDuration = SignedDuration::from_hours(1);
/// Session keys are made this many hours ahead, so that a job loop that
/// stops for a while does not stop reporters signing in.
const KEYS_AHEAD: i64 = 48;
/// A session is kept alive in the database at most this often: a busy
/// page does not write on every request.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_mins(1);

/// How long a staff session lasts: after `idle` without a request, and
/// `lifetime` after it began however busy it is.
#[derive(Clone, Copy, Debug)]
pub struct SessionLimits {
    pub idle: SignedDuration,
    pub lifetime: SignedDuration,
}

impl SessionLimits {
    /// A half sign-in: a few minutes to type her code.
    pub const HALF: SessionLimits =
        SessionLimits { idle: SignedDuration::from_mins(10), lifetime: SignedDuration::from_mins(15) };
}

/// The hours' session keys this instance has opened so far.
#[derive(Default)]
pub(crate) struct SessionKeys(std::sync::Mutex<BTreeMap<i64, SessionKey>>);

/// Sessions live in real time, not in the service clock that deadlines
/// follow: a session ends after so many real minutes however a test (or an
/// operator's simulation) moves the working calendar.
fn session_now() -> Timestamp {
    Timestamp::now()
}

fn hour_of(at: Timestamp) -> i64 {
    at.as_millisecond().div_euclid(HOUR_MS)
}

/// The earliest hour whose key may still open a live session (with an
/// hour's slack for clocks that differ between instances): keys before it
/// are refused, forgotten and deleted.
fn oldest_live_hour() -> i64 {
    hour_of(session_now() - MAX_CASE_SESSION) - 1
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

impl Ombud {
    /// Begins a staff session, or a half sign-in (`stage` other than
    /// SignedIn, with `tries` wrong codes so far): its token.
    async fn begin_session(
        &self,
        session: &StaffSession,
        stage: SessionStage,
        tries: u32,
        limits: SessionLimits,
    ) -> Result<String> {
        let token = ombud_crypto::random_token()?;
        let now = session_now();
        let row = StaffSessionRow {
            token_hash: self.keys.session_token_hash(&token)?,
            staff_id: session.id,
            stage,
            epoch: session.epoch,
            tries,
            sealed_secret: session.secret.seal_for_session(&token, session.id.as_bytes())?,
            idle_until: now + limits.idle,
            expires_at: now + limits.lifetime,
        };
        self.store.insert_staff_session(&row).await?;
        Ok(token)
    }

    /// Her session, begun: the token her browser keeps.
    pub async fn begin_staff_session(&self, session: &StaffSession, limits: SessionLimits) -> Result<String> {
        self.begin_session(session, SessionStage::SignedIn, 0, limits).await
    }

    /// A half sign-in, kept for her next step.
    pub async fn begin_half_session(&self, half: &HalfSignedIn, setup: bool, tries: u32) -> Result<String> {
        self.begin_session(half.session(), half_stage(setup), tries, SessionLimits::HALF).await
    }

    /// Her session from a row and the token: her account as it is now, her
    /// key opened. None if the account no longer stands as it did when she
    /// signed in (disabled, reset, another role), here or anywhere.
    async fn open_row(&self, row: &StaffSessionRow, token: &str) -> Result<Option<StaffSession>> {
        let Some(record) = self.store.staff_by_id(row.staff_id).await? else {
            return Ok(None);
        };
        if !record.active() || record.session_epoch != row.epoch {
            self.store.delete_staff_session(&row.token_hash).await?;
            return Ok(None);
        }
        let secret = StaffSecret::open_for_session(&row.sealed_secret, token, row.staff_id.as_bytes())?;
        Ok(Some(StaffSession {
            id: record.id,
            name: record.name,
            email: record.email,
            role: record.role,
            time_zone: record.time_zone,
            epoch: row.epoch,
            secret,
        }))
    }

    /// The signed-in session a token holds, if it stands; a request keeps it
    /// alive. An error means the database could not say: refuse it.
    pub async fn staff_session(&self, token: &str, limits: SessionLimits) -> Result<Option<StaffSession>> {
        let now = session_now();
        let hash = self.keys.session_token_hash(token)?;
        let Some(row) = self.store.staff_session(&hash, now).await? else {
            return Ok(None);
        };
        if row.stage != SessionStage::SignedIn {
            return Ok(None);
        }
        let Some(session) = self.open_row(&row, token).await? else {
            return Ok(None);
        };
        let idle_until = (now + limits.idle).min(row.expires_at);
        if idle_until.duration_since(row.idle_until) >= TOUCH_EVERY.min(limits.idle / 4) {
            self.store.touch_staff_session(&hash, idle_until).await?;
        }
        Ok(Some(session))
    }

    /// A half sign-in at `setup` (true: setting up her second factor),
    /// left in place.
    pub async fn half_session(&self, token: &str, setup: bool) -> Result<Option<HalfSignedIn>> {
        let hash = self.keys.session_token_hash(token)?;
        let Some(row) = self.store.staff_session(&hash, session_now()).await? else {
            return Ok(None);
        };
        if row.stage != half_stage(setup) {
            return Ok(None);
        }
        Ok(self.open_row(&row, token).await?.map(HalfSignedIn::new))
    }

    /// A half sign-in waiting for her code, taken: used once, even when two
    /// requests carry it at once. With the wrong codes tried on it so far.
    pub async fn take_half_session(&self, token: &str) -> Result<Option<(HalfSignedIn, u32)>> {
        let hash = self.keys.session_token_hash(token)?;
        let Some(row) = self.store.take_staff_session(&hash, SessionStage::Code, session_now()).await? else {
            return Ok(None);
        };
        Ok(self.open_row(&row, token).await?.map(|s| (HalfSignedIn::new(s), row.tries)))
    }

    /// Ends one session or half sign-in (signing out).
    pub async fn end_staff_session(&self, token: &str) -> Result<()> {
        let hash = self.keys.session_token_hash(token)?;
        Ok(self.store.delete_staff_session(&hash).await?)
    }

    /// A reporter's session as a token: sealed, stored nowhere, valid for
    /// `lasts` (at most an hour) from now.
    pub async fn seal_reporter_session(
        &self,
        session: &ReporterSession,
        purpose: CaseSessionPurpose,
        lasts: SignedDuration,
    ) -> Result<String> {
        self.seal_case_session(*session.case_id.as_bytes(), &session.key, purpose, lasts).await
    }

    /// The reporter's session a token holds, if it opens and has not expired.
    pub async fn open_reporter_session(
        &self,
        token: &str,
        purpose: CaseSessionPurpose,
    ) -> Result<Option<ReporterSession>> {
        Ok(self
            .open_case_session(token, purpose)
            .await?
            .map(|s| ReporterSession { case_id: CaseId(uuid::Uuid::from_bytes(s.id)), key: s.key }))
    }

    /// A supporter's session as a token, as for a reporter.
    pub async fn seal_supporter_session(&self, session: &SupporterSession, lasts: SignedDuration) -> Result<String> {
        self.seal_case_session(*session.item_id.as_bytes(), &session.key, CaseSessionPurpose::Supporter, lasts).await
    }

    pub async fn open_supporter_session(&self, token: &str) -> Result<Option<SupporterSession>> {
        Ok(self
            .open_case_session(token, CaseSessionPurpose::Supporter)
            .await?
            .map(|s| SupporterSession { item_id: uuid::Uuid::from_bytes(s.id), key: s.key }))
    }

    async fn seal_case_session(
        &self,
        id: [u8; 16],
        key: &ombud_crypto::DataKey,
        purpose: CaseSessionPurpose,
        lasts: SignedDuration,
    ) -> Result<String> {
        let now = session_now();
        let hour = hour_of(now);
        // No key for this hour means the job loop has not run for two days:
        // she cannot sign in until it does (no reporter request writes one).
        let hour_key = self
            .session_key(hour)
            .await?
            .ok_or_else(|| ServiceError::Config("no session key for this hour: is the job loop running?".into()))?;
        let session =
            CaseSession { id, key: key.clone(), expires_ms: (now + lasts.min(MAX_CASE_SESSION)).as_millisecond() };
        let sealed = ombud_crypto::seal_case_session(&hour_key, hour, purpose, &session)?;
        let mut token = hour.to_be_bytes().to_vec();
        token.extend_from_slice(&sealed);
        Ok(b64().encode(token))
    }

    async fn open_case_session(&self, token: &str, purpose: CaseSessionPurpose) -> Result<Option<CaseSession>> {
        let Ok(bytes) = b64().decode(token.trim()) else {
            return Ok(None);
        };
        if bytes.len() < 8 {
            return Ok(None);
        }
        let (hour, sealed) = bytes.split_at(8);
        let hour = i64::from_be_bytes(hour.try_into().map_err(|_| ServiceError::BadReceipt)?);
        let now = session_now();
        // A token from a later hour, or one sealed longer ago than any
        // session lasts, is no session (and asks the database nothing).
        // (An hour ahead is taken: another instance's clock may run ahead.)
        if hour > hour_of(now) + 1 || hour < oldest_live_hour() {
            return Ok(None);
        }
        let Some(hour_key) = self.session_key(hour).await? else {
            return Ok(None);
        };
        match ombud_crypto::open_case_session(&hour_key, hour, purpose, sealed) {
            Ok(session) if session.expires_ms > now.as_millisecond() => Ok(Some(session)),
            _ => Ok(None),
        }
    }

    /// The key of `hour`, from this instance's memory or the database.
    async fn session_key(&self, hour: i64) -> Result<Option<SessionKey>> {
        if let Some(key) = self.session_keys.lock().get(&hour) {
            return Ok(Some(key.clone()));
        }
        let stored = self.store.session_keys(hour).await?;
        let mut opened = BTreeMap::new();
        for (h, sealed) in stored {
            opened.insert(h, self.keys.open_session_key(h, &sealed)?);
        }
        let mut cache = self.session_keys.lock();
        cache.extend(opened);
        // Keys of hours that can seal nothing live any more are forgotten.
        let oldest = oldest_live_hour();
        cache.retain(|h, _| *h >= oldest);
        Ok(cache.get(&hour).cloned())
    }

    /// Makes the session keys of this hour and the next two days that do
    /// not exist yet, and deletes those that can open no live session: on a
    /// fixed schedule (startup and the job loop), whatever the traffic.
    /// Ended staff sessions and forgotten sign-in failures go too.
    pub async fn keep_session_keys(&self) -> Result<()> {
        let now = hour_of(session_now());
        let have: std::collections::HashSet<i64> =
            self.store.session_keys(now).await?.into_iter().map(|(h, _)| h).collect();
        for hour in now..=now + KEYS_AHEAD {
            if !have.contains(&hour) {
                let sealed = self.keys.seal_session_key(hour, &SessionKey::generate()?)?;
                self.store.put_session_key(hour, &sealed).await?;
            }
        }
        self.store.delete_session_keys_before(oldest_live_hour()).await?;
        self.store.sweep_staff_sessions(session_now()).await?;
        let forgotten = self.clock.now() - ombud_domain::throttle::FORGET;
        self.store.forget_sign_in_failures(forgotten).await?;
        Ok(())
    }
}

fn half_stage(setup: bool) -> SessionStage {
    if setup { SessionStage::Setup } else { SessionStage::Code }
}

impl SessionKeys {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<i64, SessionKey>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

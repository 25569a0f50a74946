//! Signing in with a second factor, and setting one up.
//!
//! A sign-in goes in two steps when it must: her password (which unlocks
//! her key, and with it her sealed TOTP secret), then her code. Between the
//! two she holds a `HalfSignedIn`, which is no session: it opens no page and
//! no case. A role listed in `ServiceConfig::second_factor` must have one;
//! anyone who set one up uses it, whatever her role.

use crate::error::invalid;
use crate::{Ombud, Result, ServiceError, StaffSession};
use ombud_crypto::{TotpSecret, new_recovery_codes, normalize_recovery_code};
use ombud_domain::{EventKind, Role, StaffId};
use ombud_store::*;
use zeroize::Zeroizing;

/// Where a sign-in stands once her password was right.
pub enum SignIn {
    /// She is signed in.
    Done(StaffSession),
    /// Her code is asked for next.
    NeedsCode(HalfSignedIn),
    /// Her role needs a second factor she has not set up: she sets it up next.
    NeedsSetup(HalfSignedIn),
}

/// A sign-in past its password and short of its second factor. It holds her
/// unlocked key (kept between requests as a session is, sealed under its
/// token) but gives no access by itself.
#[derive(Clone)]
pub struct HalfSignedIn(StaffSession);

impl HalfSignedIn {
    pub(crate) fn new(session: StaffSession) -> Self {
        Self(session)
    }

    pub(crate) fn session(&self) -> &StaffSession {
        &self.0
    }

    pub fn email(&self) -> &str {
        &self.0.email
    }

    pub fn name(&self) -> &str {
        &self.0.name
    }
}

/// A second factor being set up: shown to her, not stored until a code
/// from her app confirms it.
pub struct SecondFactorSetup {
    /// The secret sealed for the form that confirms it (URL-safe base64).
    pub sealed: String,
    /// The secret as she would type it into her app.
    pub secret_text: String,
    /// What the QR code carries.
    pub otpauth_url: Zeroizing<String>,
}

/// Her second factor as her own page shows it.
pub struct SecondFactorStatus {
    pub set_up: bool,
    pub required: bool,
    pub recovery_codes_left: u32,
}

impl crate::ServiceConfig {
    /// Whether accounts in this role must sign in with a second factor.
    pub fn requires_second_factor(&self, role: Role) -> bool {
        self.second_factor.contains(&role)
    }
}

/// How long a setup page's key may be confirmed.
const SETUP_VALID_SECONDS: u64 = 30 * 60;

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

impl Ombud {
    fn unix_now(&self) -> u64 {
        u64::try_from(self.clock.now().as_second()).unwrap_or(0)
    }

    /// Where a sign-in goes once her password opened her key: signed in, or
    /// on to her code (checked here if she gave it), or on to setting one up.
    pub(crate) async fn after_password(
        &self,
        record: &StaffRecord,
        session: StaffSession,
        code: Option<&str>,
    ) -> Result<SignIn> {
        let half = HalfSignedIn(session);
        if record.second_factor.is_some() {
            return match code.filter(|c| !c.trim().is_empty()) {
                Some(code) => self.second_step(&half, code).await.map(SignIn::Done),
                None => Ok(SignIn::NeedsCode(half)),
            };
        }
        if self.config.requires_second_factor(record.role) {
            return Ok(SignIn::NeedsSetup(half));
        }
        self.signed_in(half).await
    }

    async fn signed_in(&self, half: HalfSignedIn) -> Result<SignIn> {
        self.store.note_sign_in(half.0.id, self.clock.now()).await?;
        Ok(SignIn::Done(half.0))
    }

    /// Her account as it stands for a session or half sign-in: active, no
    /// session-ending change since, and the key pair the session unlocked.
    /// Anything else answers as a wrong sign-in would (fail closed).
    async fn standing_record(&self, session: &StaffSession) -> Result<StaffRecord> {
        let record = self.store.staff_by_id(session.id).await?.ok_or(ServiceError::BadCredentials)?;
        let same_key = record.public_key.as_slice() == session.secret.public_key().as_slice();
        if !record.active() || record.session_epoch != session.epoch || !same_key {
            return Err(ServiceError::BadCredentials);
        }
        Ok(record)
    }

    /// Whether a code is right for her second factor: a TOTP code of a step
    /// not used before, or an unused recovery code (used up here).
    async fn code_is_right(&self, session: &StaffSession, record: &StaffRecord, code: &str) -> Result<bool> {
        let Some(sealed) = record.second_factor.as_deref() else {
            return Ok(false);
        };
        if let Some(recovery) = normalize_recovery_code(code) {
            let hash = self.keys.recovery_code_hash(session.id.as_bytes(), &recovery)?;
            let event = StaffEventRecord::new(
                EventKind::RecoveryCodeUsed,
                self.clock.now(),
                Actor::Staff(session.id),
                Some(session.id),
            );
            let used = self.store.use_recovery_code(session.id, &hash, &event).await?;
            if used {
                self.tell_holder(session.id, "recovery_code_used").await?;
            }
            return Ok(used);
        }
        let totp = TotpSecret::open(&session.secret, sealed, session.id.as_bytes())?;
        match totp.check(code, self.unix_now()) {
            Some(step) => Ok(self.store.use_second_factor_step(session.id, step_i64(step)).await?),
            None => Ok(false),
        }
    }

    /// Tells her, without content, that how she signs in changed: if it was
    /// not her, she knows to act.
    async fn tell_holder(&self, staff: StaffId, kind: &'static str) -> Result<()> {
        let notice = StaffNotice { staff, kind, ticket: None, at: self.clock.now() };
        Ok(self.store.queue_staff_notice(&notice).await?)
    }

    /// Her code, or one of her recovery codes: each works once. A wrong or
    /// used one answers `SecondFactorWrong`.
    pub async fn second_step(&self, half: &HalfSignedIn, code: &str) -> Result<StaffSession> {
        let session = &half.0;
        let record = self.standing_record(session).await?;
        if !self.code_is_right(session, &record, code).await? {
            return Err(ServiceError::SecondFactorWrong);
        }
        self.store.note_sign_in(session.id, self.clock.now()).await?;
        Ok(session.clone())
    }

    /// A new second factor for her to set up.
    pub fn begin_second_factor(&self, session: &StaffSession) -> Result<SecondFactorSetup> {
        self.setup_view(session, &TotpSecret::generate()?)
    }

    /// The same one again, from the form (a page that comes back after a
    /// wrong code shows the same QR code, so her app's entry stays right).
    pub fn resume_second_factor(&self, session: &StaffSession, sealed: &str) -> Result<SecondFactorSetup> {
        let totp = self.open_setup(session, sealed)?;
        self.setup_view(session, &totp)
    }

    /// The secret a setup page showed, if it was shown to her, for her
    /// present key pair, less than `SETUP_VALID` ago.
    fn open_setup(&self, session: &StaffSession, sealed: &str) -> Result<TotpSecret> {
        use base64::Engine;
        let expired = || invalid("enrolment", "setup-expired");
        let bytes = b64().decode(sealed.trim()).map_err(|_| expired())?;
        let (totp, issued) = self
            .keys
            .open_enrolment(session.id.as_bytes(), &session.secret.public_key(), &bytes)
            .map_err(|_| expired())?;
        let age = self.unix_now().saturating_sub(issued);
        if issued > self.unix_now() + 60 || age > SETUP_VALID_SECONDS {
            return Err(expired());
        }
        Ok(totp)
    }

    fn setup_view(&self, session: &StaffSession, totp: &TotpSecret) -> Result<SecondFactorSetup> {
        use base64::Engine;
        Ok(SecondFactorSetup {
            sealed: b64().encode(self.keys.seal_enrolment(
                session.id.as_bytes(),
                &session.secret.public_key(),
                totp,
                self.unix_now(),
            )?),
            secret_text: totp.base32()?,
            otpauth_url: totp.otpauth_url(&session.email)?,
        })
    }

    /// Confirms a second factor from her own page, with a code from her
    /// app: it is stored, sealed to her key, and she gets new recovery codes,
    /// shown once. Replacing one she has needs a code of the current one (or
    /// a recovery code), so a session left open cannot take her factor over.
    pub async fn finish_second_factor(
        &self,
        session: &StaffSession,
        sealed: &str,
        code: &str,
        current: &str,
    ) -> Result<Vec<String>> {
        let record = self.standing_record(session).await?;
        if record.second_factor.is_some() {
            if current.trim().is_empty() {
                return Err(invalid("current_code", "required"));
            }
            if !self.code_is_right(session, &record, current).await? {
                return Err(invalid("current_code", "code-wrong"));
            }
        }
        self.store_second_factor(session, &record, sealed, code).await
    }

    /// Stores a new second factor in place of the one read with `record`
    /// (none, or the one she just proved she holds): if it changed
    /// meanwhile (the same form sent twice), nothing is written.
    async fn store_second_factor(
        &self,
        session: &StaffSession,
        record: &StaffRecord,
        sealed: &str,
        code: &str,
    ) -> Result<Vec<String>> {
        let totp = self.open_setup(session, sealed)?;
        let step = totp.check(code, self.unix_now()).ok_or_else(|| invalid("code", "code-wrong"))?;
        let sealed_secret = totp.seal_to(&session.secret.public_key(), session.id.as_bytes())?;
        let codes = new_recovery_codes()?;
        let hashes = codes
            .iter()
            .map(|c| {
                let normal =
                    normalize_recovery_code(c).ok_or(ServiceError::Crypto(ombud_crypto::CryptoError::Malformed))?;
                Ok(self.keys.recovery_code_hash(session.id.as_bytes(), &normal)?)
            })
            .collect::<Result<Vec<_>>>()?;
        let event = StaffEventRecord::new(
            EventKind::SecondFactorSet,
            self.clock.now(),
            Actor::Staff(session.id),
            Some(session.id),
        );
        let replaced = record.second_factor.as_deref();
        if !self.store.set_second_factor(session.id, replaced, &sealed_secret, step_i64(step), &hashes, &event).await? {
            return Err(invalid("code", "sent-twice"));
        }
        tracing::info!(staff = %session.id, "second factor set up");
        self.tell_holder(session.id, "second_factor_set").await?;
        Ok(codes)
    }

    /// Sets up the second factor her role needs, between her password and
    /// her first session: done, she is signed in. Only for an account that
    /// has none: a half sign-in waiting for a code never sets one.
    pub async fn finish_second_factor_and_sign_in(
        &self,
        half: &HalfSignedIn,
        sealed: &str,
        code: &str,
    ) -> Result<(StaffSession, Vec<String>)> {
        let record = self.standing_record(&half.0).await?;
        if record.second_factor.is_some() {
            return Err(ServiceError::BadCredentials);
        }
        let codes = self.store_second_factor(&half.0, &record, sealed, code).await?;
        match self.signed_in(half.clone()).await? {
            SignIn::Done(session) => Ok((session, codes)),
            _ => Err(ServiceError::BadCredentials),
        }
    }

    /// The setup a half sign-in waits for (her role needs one).
    pub fn begin_second_factor_for(&self, half: &HalfSignedIn) -> Result<SecondFactorSetup> {
        self.begin_second_factor(&half.0)
    }

    pub fn resume_second_factor_for(&self, half: &HalfSignedIn, sealed: &str) -> Result<SecondFactorSetup> {
        self.resume_second_factor(&half.0, sealed)
    }

    pub async fn second_factor_status(&self, session: &StaffSession) -> Result<SecondFactorStatus> {
        let record = self.store.staff_by_id(session.id).await?.ok_or(ServiceError::NotFound)?;
        Ok(SecondFactorStatus {
            set_up: record.second_factor.is_some(),
            required: self.config.requires_second_factor(record.role),
            recovery_codes_left: self.store.recovery_codes_left(session.id).await?,
        })
    }
}

/// A time step as the database keeps it.
fn step_i64(step: u64) -> i64 {
    i64::try_from(step).unwrap_or(i64::MAX)
}

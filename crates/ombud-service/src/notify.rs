//! Notifications: content-free by construction. A notice says only that
//! something needs attention and links to the sign-in page, in the
//! recipient's language. It is queued in the same transaction as its cause
//! (escalation, reminder) and delivered from the outbox, with retries and
//! backoff while the mail server is away; nothing is lost.

use crate::{Ombud, Result};
use jiff::{SignedDuration, Timestamp};

/// Sends one message. A failure is retried later, never dropped.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, to: &str, subject: &str, body: &str) -> std::result::Result<(), String>;
}

/// What a notice is about. None of them says more than its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    /// Something needs her attention (a reminder, an escalation): sign in.
    Attention,
    /// She is invited: her one-time link to choose a password.
    Invitation,
    /// Her account was reset: her one-time link to choose a new password.
    Reset,
    /// Sign-in attempts on her account failed.
    SignInFailures,
    /// A holder of the recovery key left or can no longer approve.
    RecoveryHolders,
    /// A recovery operation waits for her approval.
    RecoveryApproval,
    /// Her second factor was set up or replaced.
    SecondFactorSet,
    /// One of her recovery codes was used to sign in.
    RecoveryCodeUsed,
    /// To a decision-maker (not staff): justify an HR action at this link.
    Justification,
    /// To a reporter who asked (not staff): a check-in waits on her page.
    CheckInReminder,
}

impl NoticeKind {
    fn of(kind: &str) -> Self {
        match kind {
            "invitation" => NoticeKind::Invitation,
            "reset" => NoticeKind::Reset,
            "sign_in_failures" => NoticeKind::SignInFailures,
            "recovery_holders" => NoticeKind::RecoveryHolders,
            "recovery_approval" => NoticeKind::RecoveryApproval,
            "second_factor_set" => NoticeKind::SecondFactorSet,
            "recovery_code_used" => NoticeKind::RecoveryCodeUsed,
            _ => NoticeKind::Attention,
        }
    }
}

/// The words of a notice, per language (the web layer's translations).
pub trait NoticeText: Send + Sync {
    fn subject(&self, lang: &str, kind: NoticeKind) -> String;
    /// `link` is the sign-in page, or her one-time link.
    fn body(&self, lang: &str, kind: NoticeKind, link: &str) -> String;
}

/// Where a staff member chooses her password from a one-time link.
pub const TICKET_PATH: &str = "/staff/welcome";

#[derive(Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
}

/// 1, 2, 4 … minutes after each failure, at most an hour.
fn backoff(attempts: u32) -> SignedDuration {
    SignedDuration::from_secs(60 * (1i64 << attempts.min(6)).min(60))
}

impl Ombud {
    /// Sends what is due in the outbox. Each notice is claimed before it is
    /// sent, so two instances never send the same one. `public_url` is where
    /// Ombud is reached, e.g. "https://speakup.example.org".
    pub async fn deliver_outbox(
        &self,
        mailer: &dyn Mailer,
        texts: &dyn NoticeText,
        public_url: &str,
    ) -> Result<DeliveryReport> {
        let public_url = public_url.trim_end_matches('/');
        let sign_in_url = format!("{public_url}/staff/sign-in");
        let mut report = DeliveryReport::default();
        loop {
            let now = self.clock.now();
            let batch = self.store.claim_outbox(now, now + self.config.outbox_claim, 50).await?;
            if batch.is_empty() {
                return Ok(report);
            }
            for item in batch {
                let Some(staff) = self.store.staff_by_id(item.staff_id).await? else {
                    // The account is gone: nobody to tell; mark it done rather than retry forever.
                    self.store.outbox_sent(&item.id, now).await?;
                    continue;
                };
                let kind = NoticeKind::of(&item.kind);
                let link = match self.store.notice_ticket(&item.id).await? {
                    // A link no longer usable is not sent: a newer one replaced it.
                    Some(t) if t.used_at.is_some() || t.expires_at <= now => {
                        self.store.outbox_sent(&item.id, now).await?;
                        continue;
                    }
                    Some(t) => format!("{public_url}{TICKET_PATH}/{}", crate::accounts::Ticket::token(self, &t)?),
                    None => sign_in_url.clone(),
                };
                let sent = mailer
                    .send(&staff.email, &texts.subject(&staff.lang, kind), &texts.body(&staff.lang, kind, &link))
                    .await;
                match sent {
                    Ok(()) => {
                        self.store.outbox_sent(&item.id, self.clock.now()).await?;
                        report.sent += 1;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, attempts = item.attempts + 1, "a notification could not be sent; it will be retried");
                        self.store.outbox_failed(&item.id, now + backoff(item.attempts)).await?;
                        report.failed += 1;
                    }
                }
            }
            if report.failed > 0 {
                // The server is away: try the rest on the next pass, not in a tight loop.
                return Ok(report);
            }
        }
    }

    /// Takes or renews the job loop's lease: one instance at a time sweeps and sends.
    /// Takes or renews the job loop's lease for `lasts`: while it holds,
    /// no other instance runs the loop.
    pub async fn hold_job_lease(&self, holder: &str, lasts: SignedDuration) -> Result<bool> {
        let now: Timestamp = self.clock.now();
        Ok(self.store.try_lease("job-loop", holder, now, now + lasts).await?)
    }

    pub async fn outbox_unsent(&self) -> Result<u64> {
        Ok(self.store.outbox_unsent().await?)
    }

    /// Open deadlines past due at `now`, and due from `now` to `until`.
    pub async fn deadline_counts(&self, now: Timestamp, until: Timestamp) -> Result<(u64, u64)> {
        Ok(self.store.deadline_counts(now, until).await?)
    }

    /// The zone she sees times in; refused unless it is a known IANA zone.
    pub async fn set_staff_time_zone(&self, email: &str, zone: &str) -> Result<()> {
        if jiff::tz::TimeZone::get(zone).is_err() {
            return Err(crate::ServiceError::Invalid(vec![ombud_domain::FieldError {
                field: "time_zone".into(),
                code: "unknown-time-zone",
            }]));
        }
        let staff = self.store.staff_by_email(email).await?.ok_or(crate::ServiceError::NotFound)?;
        Ok(self.store.set_staff_time_zone(staff.id, Some(zone)).await?)
    }

    /// Her notifications' language.
    pub async fn set_staff_language(&self, email: &str, lang: &str) -> Result<()> {
        let staff = self.store.staff_by_email(email).await?.ok_or(crate::ServiceError::NotFound)?;
        Ok(self.store.set_staff_lang(staff.id, if lang.starts_with("zh") { "zh-CN" } else { "en" }).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(0).as_secs(), 60);
        assert_eq!(backoff(1).as_secs(), 120);
        assert_eq!(backoff(3).as_secs(), 480);
        assert_eq!(backoff(30).as_secs(), 3600);
    }
}

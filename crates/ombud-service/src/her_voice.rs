//! Her own voice after she reported (issue 17): "something has happened to
//! me since I reported" opens a retaliation report linked to her case,
//! routed around the people she reported and whoever she names now; after
//! closure her page asks at set days whether anything changed for her at
//! work; and it tells her, in words written for her, that a review of an
//! action against her took place and how it ended.

use crate::sealing::{open_json, report_aad};
use crate::{ReporterDesk, Result, ServiceError, Submitted};
use jiff::{SignedDuration, Timestamp};
use ombud_domain::{EventKind, HrActionKind, HrActionStatus, PersonInvolved, PersonRole, ReportContent, ReportDraft};
use ombud_store::*;
use serde::{Deserialize, Serialize};

/// Refused sends in a row after which her address is deleted: with waits
/// of 1, 2, 4 … minutes up to 6 hours, about a day of refusals.
const MAX_REMINDER_ATTEMPTS: u32 = 12;

/// A review of an action against her, once its period ended.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HerReview {
    pub action: HrActionKind,
    /// `upheld`, `overturned` or `modified`.
    pub outcome: HrActionStatus,
    pub at: Timestamp,
}

/// What her page asks or tells after she reported.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AfterReport {
    /// The check-in to answer now (days after closure), if one is due.
    pub check_in: Option<u32>,
    pub reviews: Vec<HerReview>,
    /// The reports she made from this case's page.
    pub follow_ups: Vec<FollowUp>,
    /// The address she asked to be mailed at when a check-in waits, if she did.
    pub reminder_email: Option<String>,
    /// Whether any check-in is still to come (so a reminder can be asked for).
    pub check_ins_ahead: bool,
}

/// Her wish to be mailed when a check-in waits on her page.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReminderInput {
    /// The address to mail; the mail says only that a question waits on her page.
    #[schema(max_length = 200)]
    pub email: String,
}

/// A report she made from her case's page (its own receipt opens it).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub case_ref: String,
    pub at: Timestamp,
}

/// What she tells when something has happened to her since she reported.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RetaliationInput {
    /// What happened, in her words.
    #[schema(max_length = 50000)]
    pub description: String,
    /// Whoever did it, if she names anyone (routed around, like the accused).
    #[schema(max_items = 30)]
    pub people: Vec<PersonInvolved>,
    /// The check-in she answers with it ("yes, something changed"), if any.
    pub check_in: Option<u32>,
}

impl ReporterDesk<'_> {
    /// The check-in due, the reviews that concerned her, her later reports.
    pub async fn after_report(&self) -> Result<AfterReport> {
        let case = self.session.case_id;
        let state = self.store.check_in_state(case).await?;
        let answered: Vec<u32> = state.answered.iter().map(|(day, _)| *day).collect();
        let check_in = state
            .closed_at
            .and_then(|closed| self.config.retaliation.check_in_due(closed, self.clock.now(), &answered));
        let reviews = self
            .store
            .her_reviews(case)
            .await?
            .into_iter()
            .map(|r| HerReview { action: r.kind, outcome: r.status, at: r.concluded_at })
            .collect();
        let follow_ups =
            self.store.follow_ups(case).await?.into_iter().map(|(_, case_ref, at)| FollowUp { case_ref, at }).collect();
        let reminder = self.store.check_in_reminder(case).await?;
        // An address that does not open is shown as none (she may give it
        // again); her page is not lost for it.
        let reminder_email = reminder.and_then(|r| {
            self.keys
                .open_reminder_email(case.as_bytes(), &r.sealed_email)
                .map_err(|e| tracing::error!(error = %e, "a reminder address could not be opened"))
                .ok()
        });
        let after = answered.iter().copied().max();
        let check_ins_ahead = self.config.retaliation.check_in_days.iter().any(|d| after.is_none_or(|a| *d > a));
        Ok(AfterReport { check_in, reviews, follow_ups, reminder_email, check_ins_ahead })
    }

    /// She asks to be mailed when a check-in waits: the address is checked
    /// and sealed under an instance key, never in clear.
    pub async fn ask_check_in_reminders(&self, input: &ReminderInput) -> Result<()> {
        let email = input.email.trim();
        if email.is_empty() {
            return Err(ServiceError::invalid_field("email", "required"));
        }
        if email.chars().count() > ombud_domain::MAX_SHORT_CHARS || !ombud_domain::valid_email(email) {
            return Err(ServiceError::invalid_field("email", "invalid-email"));
        }
        if !self.after_report().await?.check_ins_ahead {
            return Err(ServiceError::invalid_field("email", "no-check-ins-ahead"));
        }
        let case = self.session.case_id;
        let sealed = self.keys.seal_reminder_email(case.as_bytes(), email)?;
        self.store.set_check_in_reminder(case, &sealed, self.clock.now()).await?;
        Ok(())
    }

    /// She stops them: her address is deleted at once.
    pub async fn stop_check_in_reminders(&self) -> Result<()> {
        Ok(self.store.remove_check_in_reminder(self.session.case_id).await?)
    }

    /// Her answer to the check-in due now. A "yes" is for her to go on to
    /// the report of what happened; nothing is filed without her words.
    pub async fn answer_check_in(&self, day: u32, changed: bool) -> Result<()> {
        if changed {
            // A "yes" is answered with what happened, never on its own.
            return Err(ServiceError::invalid_field("check_in", "tell-what-happened"));
        }
        self.record_check_in(day, false).await
    }

    async fn record_check_in(&self, day: u32, changed: bool) -> Result<()> {
        if self.after_report().await?.check_in != Some(day) {
            return Err(ServiceError::invalid_field("check_in", "check-in-not-due"));
        }
        // A leaf without the case: its readers include anyone she may now accuse.
        let event = StaffEventRecord::new(EventKind::CheckInAnswered, self.clock.now(), Actor::Reporter, None);
        self.store.answer_check_in(self.session.case_id, day, changed, &event).await?;
        Ok(())
    }

    /// A new case of retaliation, linked to hers, with her contact as she
    /// gave it, routed around everyone her report accused and everyone she
    /// names now. It gets its own receipt.
    pub async fn report_retaliation(&self, input: &RetaliationInput) -> Result<Submitted> {
        let case = self.session.case_id;
        let sealed = self.store.report(case).await?.ok_or(ServiceError::NotFound)?;
        let original: ReportContent = open_json(&self.session.key, &report_aad(case), &sealed)?;
        let mut people = input.people.clone();
        for p in original.people.iter().filter(|p| p.role.brings_chain()) {
            people.push(PersonInvolved {
                name: p.name.clone(),
                employee_id: p.employee_id.clone(),
                email: p.email.clone(),
                role: PersonRole::Accused.as_str().to_owned(),
                internal: p.internal,
            });
        }
        let draft = ReportDraft {
            category: "retaliation".to_owned(),
            description: input.description.clone(),
            language: Some(original.language.clone()),
            people,
            anonymous: original.contact.is_none(),
            contact: original.contact.clone(),
            ..ReportDraft::default()
        };
        if let Some(day) = input.check_in
            && self.after_report().await?.check_in != Some(day)
        {
            return Err(ServiceError::invalid_field("check_in", "check-in-not-due"));
        }
        let submitted = self.submit_follow_up(&draft, case).await?;
        if let Some(day) = input.check_in {
            self.record_check_in(day, true).await?;
        }
        let event = StaffEventRecord::new(EventKind::RetaliationReported, self.clock.now(), Actor::Reporter, None);
        self.store.record_speaking_up(&event).await?;
        Ok(submitted)
    }
}

impl crate::Ombud {
    /// Mails each reporter who asked, once per check-in that waits on her
    /// page: content-free, in English and Chinese, with the address of her
    /// page and nothing else. Her address is deleted once the last check-in
    /// was mailed, or when none is ahead.
    pub async fn send_check_in_reminders(
        &self,
        mailer: &dyn crate::Mailer,
        texts: &dyn crate::NoticeText,
        public_url: &str,
    ) -> Result<crate::DeliveryReport> {
        let link = format!("{}/follow-up", public_url.trim_end_matches('/'));
        let kind = crate::NoticeKind::CheckInReminder;
        let subject = format!("{} / {}", texts.subject("en", kind), texts.subject("zh-CN", kind));
        let body = format!("{}\n\n---\n\n{}", texts.body("en", kind, &link), texts.body("zh-CN", kind, &link));
        let now = self.clock.now();
        let mut report = crate::DeliveryReport::default();
        let mut after = None;
        loop {
            let rows = self.store.check_in_reminders(after, now, 200).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.case_id);
            for row in rows {
                // One reminder that cannot be sent holds up nobody else's.
                match self.send_check_in_reminder(mailer, &row, now, (&subject, &body)).await {
                    Ok(Some(true)) => report.sent += 1,
                    Ok(Some(false)) => report.failed += 1,
                    Ok(None) => {}
                    Err(e) => tracing::error!(error = %e, "a check-in reminder could not be handled"),
                }
            }
        }
        Ok(report)
    }

    /// One reporter's reminder, if a check-in waits that was not mailed:
    /// claimed, then sent; a refusal gives the claim back for a later try.
    /// Some(sent) when a mail was tried.
    async fn send_check_in_reminder(
        &self,
        mailer: &dyn crate::Mailer,
        row: &ombud_store::ReminderRow,
        now: Timestamp,
        (subject, body): (&str, &str),
    ) -> Result<Option<bool>> {
        let policy = &self.config.retaliation;
        let Some(closed) = row.closed_at else { return Ok(None) };
        let seen = row.answered.iter().copied().chain(row.last_sent_day).max();
        let due = policy.check_in_due(closed, now, &row.answered).filter(|d| seen.is_none_or(|s| *d > s));
        let Some(day) = due else {
            if !policy.check_in_days.iter().any(|d| seen.is_none_or(|s| *d > s)) {
                self.store.remove_check_in_reminder(row.case_id).await?;
            }
            return Ok(None);
        };
        let email = self.keys.open_reminder_email(row.case_id.as_bytes(), &row.sealed_email)?;
        if !self.store.claim_check_in_reminder(row.case_id, day, row.last_sent_day).await? {
            return Ok(None);
        }
        match mailer.send(&email, subject, body).await {
            Ok(()) => {
                let more = policy.check_in_days.iter().any(|d| *d > day);
                self.store.check_in_reminder_sent(row.case_id, more).await?;
                Ok(Some(true))
            }
            Err(_) => {
                // The error is not logged: a mail server's refusal may quote her address.
                let wait = SignedDuration::from_secs(60 * (1i64 << row.attempts.min(9)).min(360));
                let kept = self
                    .store
                    .check_in_reminder_failed(row.case_id, row.last_sent_day, now + wait, MAX_REMINDER_ATTEMPTS)
                    .await?;
                if kept {
                    tracing::warn!("a check-in reminder could not be sent; it will be tried again");
                } else {
                    tracing::warn!("a check-in reminder was refused too often; the address was deleted");
                }
                Ok(Some(false))
            }
        }
    }
}

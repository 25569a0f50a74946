//! `ombud dev seed`: realistic sealed cases for scale tests, built by the
//! same code as a real submission. Two differences, both stated: receipts use
//! Argon2id's smallest parameters (they are never used, and real ones would
//! take hours for a million cases), and cases are spread over the past year
//! with older ones closed, as in an organisation that has used Ombud a while.

use crate::{Ombud, Result};
use jiff::{SignedDuration, Timestamp};
use ombud_crypto::KdfParams;
use ombud_domain::{CaseStatus, ReportDraft, ReporterRequest};

/// Receipts of seeded cases are never used: the cheapest Argon2id keeps rows real.
const SEED_KDF: KdfParams = KdfParams { m_kib: 8, t: 1, p: 1 };

impl Ombud {
    /// Writes `n` cases received over the year before now; those older than a
    /// month are closed with their deadlines met. `progress` hears the count.
    pub async fn seed_cases(&self, n: u64, mut progress: impl FnMut(u64)) -> Result<()> {
        let now = self.clock.now();
        let categories = ["sexual_harassment", "sexual_assault", "retaliation", "discrimination", "other"];
        for i in 0..n {
            // Spread evenly over 365 days, newest last.
            let age = SignedDuration::from_secs((365 * 24 * 3600) * (n - i) as i64 / n.max(1) as i64);
            let received: Timestamp = now.checked_sub(age).unwrap_or(now);
            let draft = ReportDraft {
                category: categories[(i % 5) as usize].to_owned(),
                description: format!("Seeded report {i}. What happened, where and who was there, in a few sentences."),
                requests: if i % 3 == 0 {
                    vec![ReporterRequest { kind: "no_contact".into(), detail: None }]
                } else {
                    Vec::new()
                },
                ..Default::default()
            };
            let content = draft
                .validate(received.to_zoned(self.config.policy.time_zone()?).date())
                .map_err(crate::ServiceError::Invalid)?;
            let (mut new, _, _) = self.build_case(&content, Vec::new(), received, SEED_KDF).await?;
            if age > SignedDuration::from_hours(24 * 30) {
                let done = received.checked_add(SignedDuration::from_hours(48)).unwrap_or(received);
                new.case.status = CaseStatus::Closed;
                new.case.acknowledged_at = Some(done);
                for d in &mut new.deadlines {
                    d.met_at = Some(done);
                }
            }
            self.store_new_case(new).await?;
            if i % 1000 == 999 {
                progress(i + 1);
            }
        }
        progress(n);
        Ok(())
    }
}

//! `ombud ledger …` and the job loop of `ombud serve`.

use anyhow::{Context, bail};
use ombud_ledger::{Record, VerifierKey, verify_record};
use ombud_service::Ombud;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Prints the whole log's verification; errors (non-zero exit) on the first bad index.
pub async fn verify(ombud: &Ombud) -> anyhow::Result<()> {
    let mut last_report = std::time::Instant::now();
    let outcome = ombud
        .verify_ledger(|checked| {
            if last_report.elapsed() > Duration::from_secs(2) {
                eprintln!("checked {checked} entries…");
                last_report = std::time::Instant::now();
            }
        })
        .await?;
    match outcome {
        Ok(report) => {
            println!(
                "ledger OK: {} entries, {} signed checkpoints, root {}",
                report.size,
                report.checkpoints,
                ombud_ledger::b64(&report.root)
            );
            Ok(())
        }
        Err(problem) => bail!("ledger FAILED at index {}: {}", problem.index, problem.why),
    }
}

fn read_record(path: &Path) -> anyhow::Result<Record> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not an Ombud record", path.display()))
}

/// Checks a downloaded record offline, optionally against an earlier one.
pub fn verify_record_file(file: &Path, key: &str, earlier: Option<&Path>) -> anyhow::Result<()> {
    let key = VerifierKey::parse(key).context("the --key value is not a verifier key")?;
    let record = read_record(file)?;
    let earlier = earlier.map(read_record).transpose()?;
    match verify_record(&record, &key, earlier.as_ref()) {
        Ok(checkpoint) => {
            println!(
                "record OK: case {}, {} events, in the signed log of {} entries{}",
                record.case_ref,
                record.events.len(),
                checkpoint.size,
                if earlier.is_some() {
                    ", and nothing of the earlier record was removed, changed or rewritten"
                } else {
                    ""
                }
            );
            Ok(())
        }
        Err(problem) => bail!("record FAILED: {problem}"),
    }
}

/// The demo's rounds: no deadlines swept and no mail sent (its sample
/// cases stay as seeded), but the log is signed every few seconds and the
/// session keys kept, so that her record shows her latest steps soon after,
/// as on a real instance within a round.
pub fn spawn_demo_signing(ombud: Arc<Ombud>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = ombud.keep_session_keys().await {
                tracing::error!(error = %e, "the session keys could not be kept");
            }
            if let Err(e) = ombud.checkpoint_if_grown().await {
                tracing::error!(error = %e, "could not sign a ledger checkpoint");
            }
        }
    })
}

pub struct JobLoop {
    pub metrics: ombud_web::metrics::Metrics,
    pub witness: Option<PathBuf>,
    pub mailer: Option<Arc<dyn ombud_service::Mailer>>,
    pub public_url: String,
    /// Time between rounds (`[server] job_interval`).
    pub interval: Duration,
}

/// The job loop, every `[server] job_interval` (a minute by default), while
/// this instance holds the lease: keep the reporters' session keys, remind
/// and escalate deadlines, send the outbox, sign a checkpoint if the log
/// grew, and append the day's checkpoint to the witness file once a day.
/// Escalations and sends are compare-and-set besides, so even two loops
/// never escalate or send anything twice.
///
/// When `stop` turns true the loop ends, but never in the middle of a
/// round: a notice it claimed is sent (or its send recorded as failed)
/// before the task returns.
pub fn spawn_job_loop(
    ombud: Arc<Ombud>,
    jobs: JobLoop,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let holder = ombud_service::random_token().unwrap_or_else(|_| "ombud".to_owned());
        let mut tick = tokio::time::interval(jobs.interval);
        // Held for one and a half rounds: another instance takes over within
        // two rounds of this one dying, and never while it runs.
        let lease = jiff::SignedDuration::try_from(jobs.interval.mul_f64(1.5).max(Duration::from_secs(3)))
            .unwrap_or(jiff::SignedDuration::from_secs(90));
        let mut witnessed_day = None;
        let witness = jobs.witness.clone();
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.changed() => break,
            }
            if *stop.borrow() {
                break;
            }
            match ombud.hold_job_lease(&holder, lease).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "could not take the job lease");
                    continue;
                }
            }
            // Reporters' session keys are made and deleted on this schedule,
            // whatever the traffic (DECISIONS #21).
            let kept = ombud.keep_session_keys().await;
            jobs.metrics.job_ran("session_keys", kept.is_ok());
            if let Err(e) = kept {
                tracing::error!(error = %e, "the session keys could not be kept");
            }
            let swept = ombud.sweep(ombud.clock().now()).await;
            jobs.metrics.job_ran("deadline_sweep", swept.is_ok());
            match swept {
                Ok(report) if !report.escalated.is_empty() || !report.reminded.is_empty() => tracing::info!(
                    escalated = report.escalated.len(),
                    reminded = report.reminded.len(),
                    "deadline sweep"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "the deadline sweep failed"),
            }
            if let Some(mailer) = &jobs.mailer {
                let delivered = ombud.deliver_outbox(mailer.as_ref(), &ombud_web::NoticeTexts, &jobs.public_url).await;
                jobs.metrics.job_ran("outbox", delivered.is_ok());
                match delivered {
                    Ok(r) if r.sent + r.failed > 0 => tracing::info!(sent = r.sent, failed = r.failed, "notifications"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "sending notifications failed"),
                }
                let asked = ombud.ask_justifications(mailer.as_ref(), &ombud_web::NoticeTexts, &jobs.public_url).await;
                jobs.metrics.job_ran("justifications", asked.is_ok());
                match asked {
                    Ok(r) if r.sent + r.failed > 0 => {
                        tracing::info!(sent = r.sent, failed = r.failed, "requests for justification")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "asking for justifications failed"),
                }
                let reminded =
                    ombud.send_check_in_reminders(mailer.as_ref(), &ombud_web::NoticeTexts, &jobs.public_url).await;
                jobs.metrics.job_ran("check_in_reminders", reminded.is_ok());
                match reminded {
                    Ok(r) if r.sent + r.failed > 0 => {
                        tracing::info!(sent = r.sent, failed = r.failed, "check-in reminders")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "sending check-in reminders failed"),
                }
            }
            let checkpoint = ombud.checkpoint_if_grown().await;
            jobs.metrics.job_ran("checkpoint", checkpoint.is_ok());
            match checkpoint {
                Ok(Some(c)) => tracing::info!(size = c.size, "signed a ledger checkpoint"),
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "could not sign a ledger checkpoint"),
            }
            let Some(path) = &witness else { continue };
            let today = jiff::Zoned::now().date();
            if witnessed_day == Some(today) {
                continue;
            }
            match ombud.latest_checkpoint().await {
                Ok(Some(c)) => match append_witness(path, &c.note) {
                    Ok(()) => witnessed_day = Some(today),
                    Err(e) => tracing::error!(error = %e, path = %path.display(), "could not write the witness file"),
                },
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "could not read the latest checkpoint"),
            }
        }
        tracing::info!("the job loop stopped");
    })
}

fn append_witness(path: &Path, note: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    writeln!(file, "{note}")
}

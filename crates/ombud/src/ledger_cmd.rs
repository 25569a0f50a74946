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

/// The job loop, once a minute: escalate missed deadlines (each exactly once,
/// even with several instances), sign a checkpoint if the log grew, and
/// append the day's checkpoint to the witness file once a day.
pub fn spawn_job_loop(ombud: Arc<Ombud>, witness: Option<PathBuf>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        let mut witnessed_day = None;
        loop {
            tick.tick().await;
            match ombud.sweep(ombud.clock().now()).await {
                Ok(report) if !report.escalated.is_empty() => {
                    tracing::info!(escalated = report.escalated.len(), "deadline sweep escalated cases to oversight")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "the deadline sweep failed"),
            }
            match ombud.checkpoint_if_grown().await {
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
    });
}

fn append_witness(path: &Path, note: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    writeln!(file, "{note}")
}

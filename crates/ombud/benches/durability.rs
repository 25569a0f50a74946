//! What durability costs, and how long the largest report holds the write
//! lock (a benchmark that prints figures, never a timed test):
//! `cargo bench -p ombud --bench durability`.
//!
//! - submissions per second on SQLite with `synchronous = FULL` (every
//!   commit synced: a receipt survives a power cut) against `NORMAL`
//!   (synced at checkpoints), 4 at a time, in the same run;
//! - the time to file the largest report the limits allow in text (30
//!   people, every request, a 50,000-character description) with ten files,
//!   the upper bound of how long it holds SQLite's write lock;
//! - whether a burst of such reports beside ordinary ones made any fail.
//!
//! Receipts use Argon2id's smallest parameters, so the figures are the
//! database's, not the key derivation's. OMBUD_BENCH_REPORTS (default 400)
//! and OMBUD_BENCH_FILE_MB (default 5) size it.

use ombud_domain::{FixedClock, PersonInvolved, ReportDraft, ReporterRequest, RequestKind};
use ombud_service::{KdfParams, Ombud, ServiceConfig, Upload};
use ombud_store::{SqlStore, SqliteSync};
use std::sync::Arc;
use std::time::{Duration, Instant};

const FAST: KdfParams = KdfParams { m_kib: 8, t: 1, p: 1 };

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn instance(dir: &std::path::Path, sync: SqliteSync) -> Arc<Ombud> {
    let store = SqlStore::open_with(&dir.join("ombud.db"), sync).await.expect("store");
    let clock = Arc::new(FixedClock::new("2026-12-01T09:00:00Z".parse().expect("time")));
    let config = ServiceConfig { receipt_kdf: FAST, password_kdf: FAST, ..ServiceConfig::default() };
    Arc::new(Ombud::open(Arc::new(store), clock, &[9u8; 32], config).await.expect("open"))
}

fn small() -> ReportDraft {
    ReportDraft {
        category: "other".into(),
        description: "The night shift supervisor shouts at us.".into(),
        ..ReportDraft::default()
    }
}

fn largest() -> ReportDraft {
    ReportDraft {
        category: "sexual_harassment".into(),
        description: "他".repeat(ombud_domain::MAX_DESCRIPTION_CHARS),
        people: (0..ombud_domain::MAX_PEOPLE)
            .map(|i| PersonInvolved {
                name: format!("Person {i}"),
                employee_id: Some(format!("E{i:04}")),
                role: "witness".into(),
                ..Default::default()
            })
            .collect(),
        requests: RequestKind::ALL
            .iter()
            .map(|k| ReporterRequest { kind: k.as_str().into(), detail: Some("x".repeat(2000)) })
            .collect(),
        ..ReportDraft::default()
    }
}

fn files(mb: usize) -> Vec<Upload> {
    (0..10)
        .map(|i| Upload {
            name: format!("scan-{i}.pdf"),
            content_type: "application/pdf".into(),
            bytes: vec![i as u8; mb * 1024 * 1024],
        })
        .collect()
}

/// `n` small reports, 4 at a time; submissions per second.
async fn throughput(ombud: &Arc<Ombud>, n: usize) -> f64 {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..4 {
        let ombud = ombud.clone();
        tasks.push(tokio::spawn(async move {
            for _ in (worker..n).step_by(4) {
                ombud.submit_report(&small(), Vec::new(), None).await.expect("submit");
            }
        }));
    }
    for t in tasks {
        t.await.expect("join");
    }
    n as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let n = env("OMBUD_BENCH_REPORTS", 400);
    let mb = env("OMBUD_BENCH_FILE_MB", 5);
    let mut rates = Vec::new();
    for sync in [SqliteSync::Normal, SqliteSync::Full] {
        let dir = tempfile::tempdir().expect("dir");
        let ombud = instance(dir.path(), sync).await;
        throughput(&ombud, 20).await; // warm up
        let rate = throughput(&ombud, n).await;
        println!("SQLite synchronous = {sync:?}: {rate:.0} submissions/s ({n} reports, 4 at a time)");
        rates.push(rate);
    }
    println!("FULL costs {:.0} % of NORMAL's rate", 100.0 * (1.0 - rates[1] / rates[0]));

    // The largest report, alone, then in a burst beside ordinary ones.
    let dir = tempfile::tempdir().expect("dir");
    let ombud = instance(dir.path(), SqliteSync::Full).await;
    let start = Instant::now();
    ombud.submit_report(&largest(), files(mb), None).await.expect("largest");
    let alone = start.elapsed();
    println!(
        "the largest report with 10 files of {mb} MB: {:.0} ms to file (its write lock is held for less)",
        ms(alone)
    );
    let mut tasks = Vec::new();
    for i in 0..6 {
        let ombud = ombud.clone();
        tasks.push(tokio::spawn(async move {
            let start = Instant::now();
            let result = if i % 2 == 0 {
                ombud.submit_report(&largest(), files(mb), None).await
            } else {
                ombud.submit_report(&small(), Vec::new(), None).await
            };
            (i % 2 == 0, result.is_ok(), start.elapsed())
        }));
    }
    let mut failed = 0;
    let mut slowest_small = Duration::ZERO;
    for t in tasks {
        let (large, ok, took) = t.await.expect("join");
        failed += usize::from(!ok);
        if !large {
            slowest_small = slowest_small.max(took);
        }
    }
    println!(
        "a burst of 3 largest reports beside 3 small ones: {failed} failed; the slowest small one waited {:.0} ms",
        ms(slowest_small)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

//! The inbox at size (a benchmark that prints, never a timed test):
//! `cargo bench -p ombud --bench inbox`. It loads 100 cases and then
//! `OMBUD_BENCH_INBOX_CASES` (100,000 by default; 1,000,000 for the README)
//! open cases a handler may read, and times the first page (50 cases) of
//! every indexed filter of the inbox — as `GET /api/v1/cases` asks the store
//! for it — and the count by status the page shows beside it (to ten
//! thousand), at both sizes, printing p50, p99 and the ratio of the two sizes.
//!
//! Cases are bulk-loaded with plain inserts of the columns the inbox reads
//! (no report is sealed: the inbox never opens one), a
//! twentieth labelled, one in a thousand led by the handler (her "mine"),
//! each with an open deadline spread over a year.

use jiff::Timestamp;
use ombud_domain::{CaseId, CaseStatus, Category, Role, StaffId};
use ombud_store::prelude::*;
use ombud_store::{AssignedTo, CaseFilter, InboxSort, ReferenceSearch, SqlStore, StaffRecord};
use std::time::Instant;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

const STATUSES: [CaseStatus; 4] =
    [CaseStatus::Received, CaseStatus::Acknowledged, CaseStatus::Assessed, CaseStatus::Investigating];

fn reference(i: u64) -> String {
    let alphabet = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let digit = |n: u64| char::from(alphabet[(n % alphabet.len() as u64) as usize]);
    let a: String = (0..4).map(|k| digit(i / 31u64.pow(k))).collect();
    // The first character of the second part carries i / 31⁴, so up to 28
    // million references are distinct; the rest looks random.
    let b: String =
        std::iter::once(digit(i / 31u64.pow(4))).chain((0..3).map(|k| digit((i * 7919 + 13) / 31u64.pow(k)))).collect();
    format!("OMB-{a}-{b}")
}

/// Adds cases `from..to` readable by `staff`, one in a thousand led by `staff`.
async fn load(store: &SqlStore, staff: StaffId, from: u64, to: u64) {
    let start = 1_760_000_000_000i64;
    let mut tx = store.pool().begin().await.expect("tx");
    for i in from..to {
        let id = CaseId::new().to_string();
        let received = start + i as i64 * 1000;
        let category = Category::ALL[(i % 5) as usize].as_str();
        let status = STATUSES[(i % 4) as usize].as_str();
        let next_due = received + ((i * 7_919) % (365 * 86_400)) as i64 * 1000;
        sqlx::query(
            "INSERT INTO cases (id, reference, category, status, received_at, updated_at, routing, next_due, escalated_at)
             VALUES ($1, $2, $3, $4, $5, $5, 'decided', $6, $7)",
        )
        .bind(&id)
        .bind(reference(i))
        .bind(category)
        .bind(status)
        .bind(received)
        .bind(next_due)
        .bind((i % 50 == 0).then_some(received))
        .execute(&mut *tx)
        .await
        .expect("case");
        sqlx::query("INSERT INTO case_access (case_id, staff_id, wrapped_key, granted_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(staff.to_string())
            .bind(vec![1u8; 40])
            .bind(received)
            .execute(&mut *tx)
            .await
            .expect("access");
        sqlx::query(
            "INSERT INTO deadlines (id, case_id, kind, due_at, created_at) VALUES ($1, $2, 'acknowledge', $3, $4)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(&id)
        .bind(next_due)
        .bind(received)
        .execute(&mut *tx)
        .await
        .expect("deadline");
        if i % 1000 == 0 {
            sqlx::query(
                "INSERT INTO case_assignees (case_id, staff_id, part, assigned_at, received_at) VALUES ($1, $2, 'lead', $3, $3)",
            )
            .bind(&id)
            .bind(staff.to_string())
            .bind(received)
            .execute(&mut *tx)
            .await
            .expect("lead");
        }
        if i % 20 == 0 {
            sqlx::query(
                "INSERT INTO case_labels (case_id, label, added_at, received_at) VALUES ($1, 'urgent', $2, $2)",
            )
            .bind(&id)
            .bind(received)
            .execute(&mut *tx)
            .await
            .expect("label");
        }
    }
    tx.commit().await.expect("commit");
}

/// The filters of the inbox that read in order from an index (DECISIONS #20).
fn filters(staff: StaffId, n: u64) -> Vec<(&'static str, CaseFilter)> {
    let mid = Timestamp::from_millisecond(1_760_000_000_000 + (n as i64 / 2) * 1000 + 86_400_000 * 30).expect("t");
    let part = reference(n / 3)[9..].to_owned();
    vec![
        ("newest first", CaseFilter::default()),
        ("next deadline first", CaseFilter { sort: InboxSort::Deadline, ..Default::default() }),
        ("assigned to me", CaseFilter { assigned: AssignedTo::Staff(staff), ..Default::default() }),
        ("status", CaseFilter { status: Some(CaseStatus::Assessed), ..Default::default() }),
        ("category", CaseFilter { category: Some(Category::Retaliation), ..Default::default() }),
        (
            "due within, by deadline",
            CaseFilter { due_before: Some(mid), sort: InboxSort::Deadline, ..Default::default() },
        ),
        ("escalated", CaseFilter { escalated: true, ..Default::default() }),
        ("reference part", CaseFilter { reference: Some(ReferenceSearch::Part(part)), ..Default::default() }),
        ("label", CaseFilter { label: Some("urgent".into()), ..Default::default() }),
        ("nobody leads", CaseFilter { assigned: AssignedTo::Nobody, ..Default::default() }),
    ]
}

/// What the inbox page reads for a filter: its first page, or (with
/// `counted`) the count by status it shows beside it, to ten thousand.
async fn read(store: &SqlStore, staff: StaffId, filter: &CaseFilter, counted: bool) {
    if counted {
        std::hint::black_box(store.count_cases(staff, filter, COUNT_CAP).await.expect("count"));
    } else {
        std::hint::black_box(store.search_cases(staff, filter, 50).await.expect("page"));
    }
}

/// The count the inbox page shows stops past ten thousand ("10000+").
const COUNT_CAP: u32 = 10_001;

/// p50 and p99 of one read, in milliseconds.
async fn time(store: &SqlStore, staff: StaffId, filter: &CaseFilter, runs: usize, counted: bool) -> (f64, f64) {
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        read(store, staff, filter, counted).await;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (ms[runs / 2], ms[(runs * 99 / 100).min(runs - 1)])
}

/// Every filter, then the count of the list unfiltered and of a label.
fn reads(staff: StaffId, n: u64) -> Vec<(String, CaseFilter, bool)> {
    let mut out: Vec<(String, CaseFilter, bool)> =
        filters(staff, n).into_iter().map(|(name, f)| (name.to_owned(), f, false)).collect();
    out.push(("count, everything".into(), CaseFilter::default(), true));
    out.push(("count, a label".into(), CaseFilter { label: Some("urgent".into()), ..Default::default() }, true));
    out
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let big = env("OMBUD_BENCH_INBOX_CASES", 100_000).max(200);
    let runs = env("OMBUD_BENCH_INBOX_RUNS", 200) as usize;
    let dir = tempfile::tempdir().expect("dir");
    let store = SqlStore::open(&dir.path().join("inbox.db")).await.expect("store");
    let staff = StaffRecord {
        id: StaffId::new(),
        email: "h@example.org".into(),
        name: "H".into(),
        role: Role::Handler,
        created_at: Timestamp::now(),
        public_key: vec![1; 32],
        sealed_secret: vec![2; 60],
        lang: "en".into(),
        time_zone: None,
        status: ombud_domain::StaffStatus::Active,
        session_epoch: 0,
        last_sign_in_at: None,
        second_factor: None,
        second_factor_step: None,
        employee_id: None,
    };
    store.create_staff(&staff, &[]).await.expect("staff");
    load(&store, staff.id, 0, 100).await;
    let small: Vec<(f64, f64)> = {
        let mut out = Vec::new();
        for (_, f, counted) in reads(staff.id, 100) {
            out.push(time(&store, staff.id, &f, runs, counted).await);
        }
        out
    };
    let started = Instant::now();
    let mut loaded = 100;
    while loaded < big {
        let next = (loaded + 50_000).min(big);
        load(&store, staff.id, loaded, next).await;
        loaded = next;
    }
    sqlx::query("ANALYZE").execute(store.pool()).await.expect("analyze");
    println!(
        "inbox: loaded {big} open cases in {:.1} s; first page of 50 or the count beside it, {runs} runs each, SQLite",
        started.elapsed().as_secs_f64()
    );
    println!("{:<26} {:>14} {:>16} {:>8}", "filter", "100 p50/p99", format!("{big} p50/p99"), "p50 ×");
    for ((name, f, counted), (s50, s99)) in reads(staff.id, big).into_iter().zip(small) {
        let (b50, b99) = time(&store, staff.id, &f, runs, counted).await;
        println!("{name:<26} {s50:>6.2}/{s99:>6.2} {b50:>7.2}/{b99:>7.2} {:>8.1}", b50 / s50);
    }
}

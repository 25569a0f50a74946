//! The inbox at size (a benchmark that prints, never a timed test):
//! `cargo bench -p ombud --bench inbox`. It loads 100 cases and then
//! `OMBUD_BENCH_INBOX_CASES` (100,000 by default; 1,000,000 for the README)
//! open cases a handler may read, and times the first page (50 cases) of
//! every indexed filter of the inbox in either order — as `GET /api/v1/cases`
//! asks the store for it — and the count by status the page shows beside it
//! (to ten thousand), at both sizes, printing p50, p99, the lines each page
//! held and the ratio of the two sizes.
//!
//! Cases are bulk-loaded with plain inserts of the columns the inbox reads
//! (no report is sealed: the inbox never opens one), each with an open
//! deadline. The first hundred are made so that every filter fills its page
//! (half of them hers, escalated, labelled, of the status and the category
//! asked for, due soon): a page of one line at a hundred cases against fifty
//! at a million would compare lines, not sizes. The rest are as a large
//! organisation's: a twentieth labelled, a fiftieth escalated, one in a
//! thousand led by the handler (her "mine"), deadlines spread over a year.

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

/// The reference of the `i`th case: distinct for every `i` (an affine map,
/// one to one on the 31⁸ references) and spread like the random ones Ombud
/// issues, so that a four-character part matches about as many cases as in
/// a real inbox of that size (one or two at a million, not dozens).
fn reference(i: u64) -> String {
    let alphabet = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let space = 31u128.pow(8);
    // 2654435761 is not a multiple of 31, so the map is one to one.
    let v = (2_654_435_761u128 * u128::from(i) + 12_345) % space;
    let digit = |k: u32| char::from(alphabet[((v / 31u128.pow(k)) % 31) as usize]);
    let a: String = (0..4).map(digit).collect();
    let b: String = (4..8).map(digit).collect();
    format!("OMB-{a}-{b}")
}

/// What one loaded case is: the first hundred fill every filter's page.
struct Shape {
    status: CaseStatus,
    category: Category,
    /// After it was received, in seconds.
    due_in: u64,
    escalated: bool,
    hers: bool,
    labelled: bool,
}

/// The hundred cases of the small inbox.
const SMALL: u64 = 100;

fn shape(i: u64) -> Shape {
    if i < SMALL {
        let chosen = i.is_multiple_of(2);
        return Shape {
            status: if chosen { CaseStatus::Assessed } else { STATUSES[(i % 4) as usize] },
            category: if chosen { Category::Retaliation } else { Category::ALL[(i % 5) as usize] },
            due_in: if chosen { 86_400 } else { 300 * 86_400 },
            escalated: chosen,
            hers: chosen,
            labelled: chosen,
        };
    }
    Shape {
        status: STATUSES[(i % 4) as usize],
        category: Category::ALL[(i % 5) as usize],
        due_in: (i * 7_919) % (365 * 86_400),
        escalated: i.is_multiple_of(50),
        hers: i.is_multiple_of(1000),
        labelled: i.is_multiple_of(20),
    }
}

/// Adds cases `from..to` readable by `staff`, shaped by [`shape`].
async fn load(store: &SqlStore, staff: StaffId, from: u64, to: u64) {
    let start = 1_760_000_000_000i64;
    let mut tx = store.pool().begin().await.expect("tx");
    for i in from..to {
        let shape = shape(i);
        let id = CaseId::new().to_string();
        let received = start + i as i64 * 1000;
        let category = shape.category.as_str();
        let status = shape.status.as_str();
        let next_due = received + shape.due_in as i64 * 1000;
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
        .bind(shape.escalated.then_some(received))
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
        if shape.hers {
            sqlx::query(
                "INSERT INTO case_assignees (case_id, staff_id, part, assigned_at, received_at, next_due)
                 VALUES ($1, $2, 'lead', $3, $3, $4)",
            )
            .bind(&id)
            .bind(staff.to_string())
            .bind(received)
            .bind(next_due)
            .execute(&mut *tx)
            .await
            .expect("lead");
        }
        if shape.labelled {
            sqlx::query(
                "INSERT INTO case_labels (case_id, label, added_at, received_at, next_due) VALUES ($1, 'urgent', $2, $2, $3)",
            )
            .bind(&id)
            .bind(received)
            .bind(next_due)
            .execute(&mut *tx)
            .await
            .expect("label");
        }
    }
    tx.commit().await.expect("commit");
}

/// The filters of the inbox that read in order from an index (DECISIONS
/// #20), each in either order. `due_within` and `overdue` are both a
/// deadline before a time: "due within" stands for both.
fn filters(staff: StaffId, n: u64) -> Vec<(String, CaseFilter)> {
    // A month after the middle case was received: half of the first hundred,
    // and about a twentieth of the newest cases of a large inbox.
    let mid = Timestamp::from_millisecond(1_760_000_000_000 + (n as i64 / 2) * 1000 + 86_400_000 * 30).expect("t");
    // A part of the reference of a case loaded among the first hundred and
    // of one among the large inbox's.
    let part = reference(n / 3)[9..].to_owned();
    let one: Vec<(&str, CaseFilter)> = vec![
        ("everything", CaseFilter::default()),
        ("assigned to me", CaseFilter { assigned: AssignedTo::Staff(staff), ..Default::default() }),
        ("nobody leads", CaseFilter { assigned: AssignedTo::Nobody, ..Default::default() }),
        ("status", CaseFilter { status: Some(CaseStatus::Assessed), ..Default::default() }),
        ("category", CaseFilter { category: Some(Category::Retaliation), ..Default::default() }),
        ("due within", CaseFilter { due_before: Some(mid), ..Default::default() }),
        ("escalated", CaseFilter { escalated: true, ..Default::default() }),
        ("reference part", CaseFilter { reference: Some(ReferenceSearch::Part(part)), ..Default::default() }),
        ("label", CaseFilter { label: Some("urgent".into()), ..Default::default() }),
    ];
    let mut out = Vec::new();
    for (name, filter) in one {
        for (order, sort) in [("newest", InboxSort::Created), ("deadline", InboxSort::Deadline)] {
            out.push((format!("{name}, {order}"), CaseFilter { sort, ..filter.clone() }));
        }
    }
    out
}

/// What the inbox page reads for a filter: its first page, or (with
/// `counted`) the count by status it shows beside it, to ten thousand.
/// Answers the lines of the page (or the cases counted).
async fn read(store: &SqlStore, staff: StaffId, filter: &CaseFilter, counted: bool) -> u64 {
    if counted {
        let counts = store.count_cases(staff, filter, COUNT_CAP).await.expect("count");
        std::hint::black_box(counts).iter().map(|(_, n)| n).sum()
    } else {
        std::hint::black_box(store.search_cases(staff, filter, 50).await.expect("page")).len() as u64
    }
}

/// The count the inbox page shows stops past ten thousand ("10000+").
const COUNT_CAP: u32 = 10_001;

/// One read timed: p50 and p99 in milliseconds, and the lines it answered.
struct Timed {
    p50: f64,
    p99: f64,
    lines: u64,
}

async fn time(store: &SqlStore, staff: StaffId, filter: &CaseFilter, runs: usize, counted: bool) -> Timed {
    let mut ms = Vec::with_capacity(runs);
    let mut lines = 0;
    for _ in 0..runs {
        let started = Instant::now();
        lines = read(store, staff, filter, counted).await;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Timed { p50: ms[runs / 2], p99: ms[(runs * 99 / 100).min(runs - 1)], lines }
}

/// Every filter, then the count of the list unfiltered and of a label.
fn reads(staff: StaffId, n: u64) -> Vec<(String, CaseFilter, bool)> {
    let mut out: Vec<(String, CaseFilter, bool)> =
        filters(staff, n).into_iter().map(|(name, f)| (name, f, false)).collect();
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
    load(&store, staff.id, 0, SMALL).await;
    let small: Vec<Timed> = {
        let mut out = Vec::new();
        for (_, f, counted) in reads(staff.id, SMALL) {
            out.push(time(&store, staff.id, &f, runs, counted).await);
        }
        out
    };
    let started = Instant::now();
    let mut loaded = SMALL;
    while loaded < big {
        let next = (loaded + 50_000).min(big);
        load(&store, staff.id, loaded, next).await;
        loaded = next;
    }
    sqlx::query("ANALYZE").execute(store.pool()).await.expect("analyze");
    // A bulk load leaves the whole load in the write-ahead log, which every
    // read then searches; a running instance checkpoints it as it goes.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(store.pool()).await.expect("checkpoint");
    println!(
        "inbox: loaded {big} open cases in {:.1} s; first page of 50 or the count beside it, {runs} runs each, SQLite",
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<28} {:>14} {:>6} {:>16} {:>6} {:>7}",
        "filter, order",
        "100 p50/p99",
        "lines",
        format!("{big} p50/p99"),
        "lines",
        "p50 ×"
    );
    let mut worst = 0.0f64;
    for ((name, f, counted), s) in reads(staff.id, big).into_iter().zip(small) {
        let b = time(&store, staff.id, &f, runs, counted).await;
        let ratio = b.p50 / s.p50;
        if !counted {
            worst = worst.max(ratio);
        }
        println!(
            "{name:<28} {:>6.2}/{:>6.2} {:>6} {:>7.2}/{:>7.2} {:>6} {ratio:>6.2}×",
            s.p50, s.p99, s.lines, b.p50, b.p99, b.lines
        );
    }
    println!("inbox: the largest ratio of a first page, {big} against 100 open cases: {worst:.2}× (goal: at most 2×)");
}

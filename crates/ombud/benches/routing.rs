//! Conflict-of-interest routing figures (a benchmark that prints, never a
//! timed test): `cargo bench -p ombud --bench routing`.
//! OMBUD_BENCH_PEOPLE (default 10,000) and OMBUD_BENCH_CASES (default 20,000)
//! size it.
//!
//! - importing the directory file;
//! - the cost routing adds to a submission: reports naming an internal
//!   person against reports naming no one, through `submit_report`, and
//!   reports naming three people by name alone, as reporters write them;
//! - a directory change through the service (a manager with her whole team
//!   moved to another branch, as a SCIM patch does): how long until every
//!   affected case is re-routed, and how many were;
//! - a new handler account deep in the organisation (her exclusions are
//!   decided before the account exists).
//!
//! Receipts and passwords use Argon2id's smallest parameters, so the figures
//! are routing's, not the key derivation's.

use ombud_domain::{FixedClock, ReportDraft, Role};
use ombud_service::{KdfParams, Ombud, PersonInput, ServiceConfig};
use ombud_store::SqlStore;
use std::sync::Arc;
use std::time::{Duration, Instant};

const FAST: KdfParams = KdfParams { m_kib: 8, t: 1, p: 1 };
const FAN_OUT: usize = 8;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A tree of `n` people, `FAN_OUT` reports each, level 9 at the top; a unit
/// per branch below the top two levels, each with an HR partner.
fn directory(n: usize) -> String {
    let mut csv = String::from("employee_id,name,email,manager_id,unit,level,hr_partner_id\n");
    for i in 0..n {
        let manager = if i == 0 { String::new() } else { format!("P{}", (i - 1) / FAN_OUT) };
        let depth = depth(i);
        let unit = if depth < 2 { "Executive".to_owned() } else { format!("Unit {}", branch(i)) };
        let hr = if depth < 2 { String::new() } else { "P7".to_owned() };
        csv.push_str(&format!("P{i},Person {i},p{i}@bench.example,{manager},{unit},{},{hr}\n", 9 - depth as i64));
    }
    csv
}

fn depth(mut i: usize) -> usize {
    let mut d = 0;
    while i > 0 {
        i = (i - 1) / FAN_OUT;
        d += 1;
    }
    d
}

/// The ancestor at depth 2 (the unit a person belongs to).
fn branch(mut i: usize) -> usize {
    while depth(i) > 2 {
        i = (i - 1) / FAN_OUT;
    }
    i
}

fn report(accused: Option<usize>) -> ReportDraft {
    let mut draft = ReportDraft {
        category: "sexual_harassment".into(),
        description: "Routing benchmark report.".into(),
        ..Default::default()
    };
    if let Some(i) = accused {
        draft.people.push(ombud_domain::PersonInvolved {
            name: format!("Person {i}"),
            employee_id: Some(format!("P{i}")),
            role: "accused".into(),
            internal: Some(true),
            ..Default::default()
        });
    }
    draft
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort_unstable();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let people = env("OMBUD_BENCH_PEOPLE", 10_000);
    let cases = env("OMBUD_BENCH_CASES", 20_000);
    let dir = tempfile::tempdir().expect("dir");
    let store = Arc::new(SqlStore::open(&dir.path().join("bench.db")).await.expect("store"));
    let config = ServiceConfig { receipt_kdf: FAST, password_kdf: FAST, ..ServiceConfig::default() };
    let clock = Arc::new(FixedClock::new(jiff::Timestamp::from_second(1_780_000_000).expect("time")));
    let ombud = Ombud::open(store, clock, &[3u8; 32], config).await.expect("open");

    let csv = directory(people);
    let started = Instant::now();
    let imported = ombud.import_directory(&csv, ombud_service::ChangeSource::CommandLine).await.expect("import");
    println!(
        "import of {people} people: {:.0} ms ({} added)",
        started.elapsed().as_secs_f64() * 1000.0,
        imported.created
    );

    // Readers: an ethics office outside the tree, oversight, and managers in it.
    for i in 0..5 {
        ombud
            .operator()
            .add_staff(&format!("ethics{i}@bench.example"), "Ethics", Role::Handler, "bench password")
            .await
            .expect("staff");
    }
    ombud
        .operator()
        .add_staff("oversight@bench.example", "Oversight", Role::Oversight, "bench password")
        .await
        .expect("staff");
    for i in [1, 9, 10, 80] {
        ombud
            .operator()
            .add_staff(&format!("p{i}@bench.example"), "Manager", Role::Handler, "bench password")
            .await
            .expect("staff");
    }

    let mut plain = Vec::new();
    let mut named = Vec::new();
    for c in 0..cases {
        // Every other report names someone, spread over the whole tree.
        let accused = (c % 2 == 1).then(|| (c * 7919) % people);
        let draft = report(accused);
        let started = Instant::now();
        ombud.submit_report(&draft, Vec::new(), None).await.expect("submit");
        if accused.is_some() { named.push(started.elapsed()) } else { plain.push(started.elapsed()) }
    }
    println!(
        "submission p50/p99: {:.2}/{:.2} ms naming no one, {:.2}/{:.2} ms naming an internal person ({cases} cases)",
        percentile(&mut plain, 0.5),
        percentile(&mut plain, 0.99),
        percentile(&mut named, 0.5),
        percentile(&mut named, 0.99),
    );

    // Reports as people write them: three people named by name alone (an
    // accused with a title, a witness, someone else), matched by the name index.
    let mut three = Vec::new();
    for c in 0..(cases / 10).max(100) {
        let (a, b, d) = ((c * 7919) % people, (c * 104_729) % people, (c * 15_485_863) % people);
        let mut draft = report(None);
        for (name, role) in [
            (format!("Person {a} (team manager)"), "accused"),
            (format!("person {b}"), "witness"),
            (format!("Person {d}"), "other"),
        ] {
            draft.people.push(ombud_domain::PersonInvolved { name, role: role.into(), ..Default::default() });
        }
        let started = Instant::now();
        ombud.submit_report(&draft, Vec::new(), None).await.expect("submit");
        three.push(started.elapsed());
    }
    println!(
        "submission naming three people by name only (no id, no email), p50/p99: {:.2}/{:.2} ms ({} reports)",
        percentile(&mut three, 0.5),
        percentile(&mut three, 0.99),
        three.len()
    );

    // Move the manager P10 (a team of about 1/64 of the company) under P9's branch.
    let current = ombud.directory_people().await.expect("people");
    let p10 = current.iter().find(|p| p.employee_id == "P10").expect("P10");
    let input = PersonInput {
        employee_id: p10.employee_id.clone(),
        name: p10.name.clone(),
        other_names: p10.other_names.clone(),
        email: p10.email.clone(),
        user_name: p10.user_name.clone(),
        external_id: p10.external_id.clone(),
        employee_number: p10.employee_number.clone(),
        scim_resource: p10.scim_resource.clone(),
        manager_id: Some("P2".into()),
        unit: p10.unit.clone(),
        level: p10.level,
        hr_partner_id: p10.hr_partner_id.clone(),
        active: true,
    };
    // Each case whose readers change gets one ledger event, so the log's growth counts them.
    let before = ombud.store().ledger_size().await.expect("size");
    let started = Instant::now();
    ombud.put_person(Some(&p10.scim_id.clone()), input, ombud_service::ChangeSource::CommandLine).await.expect("move");
    let elapsed = started.elapsed();
    let rerouted = ombud.store().ledger_size().await.expect("size") - before;
    let waiting = ombud.store().directory_changes(1).await.expect("changes")[0].lifts_waiting;
    println!(
        "a manager moved with her team (through the SCIM path): {rerouted} cases re-routed, \
         {waiting} exclusions held for oversight's approval, in {:.0} ms",
        elapsed.as_secs_f64() * 1000.0
    );

    let started = Instant::now();
    ombud.operator().add_staff("p3@bench.example", "Director", Role::Handler, "bench password").await.expect("staff");
    println!(
        "a new handler account for a director over 1/8 of the company: {:.0} ms (exclusions decided first)",
        started.elapsed().as_secs_f64() * 1000.0
    );
}

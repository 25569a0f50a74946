//! Her case read against the landing page, in the same run (a benchmark
//! that prints, never a timed test): `cargo bench -p ombud --bench reads`.
//!
//! As DECISIONS #20 measures it: `GET /api/v1/reporter/case` for a case
//! with a 1,000-character report, three messages and two requests, over one
//! connection, p50, beside `GET /`, and her status (`GET
//! /api/v1/reporter/status`, the page she reloads most). On SQLite, and on
//! PostgreSQL when `OMBUD_TEST_POSTGRES_URL` names a server: the two servers
//! run side by side and are read in turns. Each ratio is printed beside its
//! two figures. Goals ("Fast at any size" #1): her read ≤ 3× the landing
//! page; PostgreSQL's ≤ 2× SQLite's.

use ombud_domain::{Clock, SystemClock};
use ombud_service::{KdfParams, Ombud, ServiceConfig};
use ombud_store::{SqlStore, Store};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const RUNS: usize = 2_000;
const WARM_UP: usize = 200;

/// A server on loopback over `store`, as `ombud serve` runs it: its address.
async fn serve(store: Arc<dyn Store>) -> String {
    let kdf = KdfParams { m_kib: 4096, t: 1, p: 1 };
    let config = ServiceConfig { receipt_kdf: kdf, password_kdf: kdf, second_factor: Vec::new(), ..Default::default() };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let ombud = Arc::new(Ombud::open(store, clock, &[9u8; 32], config).await.expect("open"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let web = ombud_web::WebConfig::default();
    let limits = web.connections.clone();
    let state = ombud_web::AppState::new(ombud, web);
    state.prepare_sessions().await.expect("session keys");
    let app = ombud_web::router(state);
    tokio::spawn(ombud_web::serve_app(listener, app, limits, std::future::pending::<()>()));
    base
}

/// Her case as DECISIONS #20 sets it: a 1,000-character report, two
/// requests, three messages. Her bearer token.
async fn her_case(client: &reqwest::Client, base: &str) -> String {
    let description: String = "She told me to keep quiet about what happened. ".chars().cycle().take(1000).collect();
    let report = json!({
        "category": "sexual_harassment",
        "description": description,
        "requests": [{"kind": "no_contact"}, {"kind": "other", "detail": "Please move my desk."}],
    });
    let sent: Value = client
        .post(format!("{base}/api/v1/reports"))
        .json(&report)
        .send()
        .await
        .expect("report")
        .json()
        .await
        .expect("json");
    let receipt = sent["receipt"].as_str().expect("receipt");
    let session: Value = client
        .post(format!("{base}/api/v1/reporter/session"))
        .json(&json!({ "receipt": receipt }))
        .send()
        .await
        .expect("sign in")
        .json()
        .await
        .expect("json");
    let token = session["token"].as_str().expect("token").to_owned();
    for body in ["I am adding what I remembered.", "He was there again today.", "Thank you for answering."] {
        let posted = client
            .post(format!("{base}/api/v1/reporter/messages"))
            .bearer_auth(&token)
            .json(&json!({ "body": body }))
            .send()
            .await
            .expect("message");
        assert_eq!(posted.status(), 201, "her message is kept");
    }
    token
}

fn p50(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One server under measurement: its client (one connection), her token,
/// and each read's times in milliseconds.
struct Served {
    client: reqwest::Client,
    token: String,
    base: String,
    landing: Vec<f64>,
    case: Vec<f64>,
    status: Vec<f64>,
}

impl Served {
    async fn new(base: String) -> Self {
        let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().expect("client");
        let token = her_case(&client, &base).await;
        Served { client, token, base, landing: Vec::new(), case: Vec::new(), status: Vec::new() }
    }

    /// One turn: the landing page, her case, her status; kept if `keep`.
    async fn turn(&mut self, keep: bool) {
        let (base, token) = (&self.base, &self.token);
        let landing = timed(self.client.get(format!("{base}/"))).await;
        let case = timed(self.client.get(format!("{base}/api/v1/reporter/case")).bearer_auth(token)).await;
        let status = timed(self.client.get(format!("{base}/api/v1/reporter/status")).bearer_auth(token)).await;
        if keep {
            self.landing.push(landing);
            self.case.push(case);
            self.status.push(status);
        }
    }
}

/// One request's time in milliseconds, its body read; it must succeed.
async fn timed(request: reqwest::RequestBuilder) -> f64 {
    let started = Instant::now();
    let answer = request.send().await.expect("answer");
    assert!(answer.status().is_success(), "{} answered {}", answer.url(), answer.status());
    answer.bytes().await.expect("body");
    started.elapsed().as_secs_f64() * 1e3
}

/// Two figures and their ratio, against its goal if it has one.
fn line(what: &str, a: f64, b: f64, goal: Option<f64>) {
    let ratio = b / a;
    let verdict = match goal {
        Some(goal) if ratio <= goal => format!("(goal ≤ {goal}×: met)"),
        Some(goal) => format!("(goal ≤ {goal}×: NOT met)"),
        None => String::new(),
    };
    println!("{what:<44} {a:>8.3} ms  {b:>8.3} ms  {ratio:>6.2}×  {verdict}");
}

#[tokio::main]
async fn main() {
    println!("her case read against the landing page: p50 of {RUNS} each, one connection each, taken in turns\n");
    println!("{:<44} {:>11}  {:>11}  {:>7}", "", "first", "second", "ratio");
    let dir = tempfile::tempdir().expect("dir");
    let sqlite = SqlStore::open(&dir.path().join("ombud.db")).await.expect("sqlite");
    let mut sqlite = Served::new(serve(Arc::new(sqlite)).await).await;
    // PostgreSQL's server runs beside SQLite's, and each turn reads both, so
    // that a change in the machine's pace between them cannot tilt the ratio.
    let server = ombud_store::testdb::test_server_url();
    let mut postgres = None;
    if let Some(server) = &server {
        let (url, name) = ombud_store::testdb::create_database(server).await.expect("database");
        let store = SqlStore::connect(&url).await.expect("postgres");
        postgres = Some((Served::new(serve(Arc::new(store)).await).await, name));
    }
    for i in 0..WARM_UP + RUNS {
        sqlite.turn(i >= WARM_UP).await;
        if let Some((pg, _)) = postgres.as_mut() {
            pg.turn(i >= WARM_UP).await;
        }
    }
    let (landing, case) = (p50(sqlite.landing), p50(sqlite.case));
    line("SQLite: GET / then her case read", landing, case, Some(3.0));
    line("SQLite: GET / then her status", landing, p50(sqlite.status), None);
    let (Some(server), Some((pg, name))) = (server, postgres) else {
        println!("\nPostgreSQL: skipped (set OMBUD_TEST_POSTGRES_URL)");
        return;
    };
    let (pg_landing, pg_case) = (p50(pg.landing), p50(pg.case));
    line("PostgreSQL: GET / then her case read", pg_landing, pg_case, None);
    line("PostgreSQL: GET / then her status", pg_landing, p50(pg.status), None);
    line("her case read: SQLite then PostgreSQL", case, pg_case, Some(2.0));
    tokio::time::sleep(Duration::from_millis(100)).await;
    ombud_store::testdb::drop_database(&server, &name).await;
}

//! `ombud loadtest`: drives a running server over HTTP with a realistic mix
//! and prints throughput and latency per operation. Bounded in count and
//! time; it targets only the URL it is given (loopback by default).

use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

#[derive(clap::Args, Debug, Clone)]
pub struct LoadTest {
    /// The server to drive.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub target: String,
    /// Reports to submit (5% of them through the form, with a file of up to 1 MB).
    #[arg(long, default_value_t = 200)]
    pub submissions: u64,
    /// How long the mixed phase runs, in seconds.
    #[arg(long, default_value_t = 30)]
    pub duration: u64,
    /// Reporter status reads per second during the mixed phase.
    #[arg(long, default_value_t = 100)]
    pub status_rate: u64,
    /// Handler inbox reads per second (needs --staff-email and OMBUD_LOADTEST_PASSWORD).
    #[arg(long, default_value_t = 10)]
    pub inbox_rate: u64,
    /// Receipt sign-ins per second.
    #[arg(long, default_value_t = 2)]
    pub login_rate: u64,
    /// Report submissions per second during the mixed phase (besides the first phase).
    #[arg(long, default_value_t = 0.0)]
    pub submit_rate: f64,
    /// Concurrent submissions.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    #[arg(long)]
    pub staff_email: Option<String>,
    /// Appends the reference of every report the server acknowledged (201
    /// with a receipt) to this file, one per line, as each arrives: what a
    /// failover test checks was kept.
    #[arg(long)]
    pub acknowledged: Option<std::path::PathBuf>,
}

/// Where acknowledged references are written, if anywhere.
#[derive(Clone, Default)]
struct Acknowledged(Option<Arc<std::sync::Mutex<std::fs::File>>>);

impl Acknowledged {
    fn open(path: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let Some(path) = path else { return Ok(Self(None)) };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("--acknowledged {}", path.display()))?;
        Ok(Self(Some(Arc::new(std::sync::Mutex::new(file)))))
    }

    fn record(&self, reference: &str) {
        use std::io::Write;
        if let Some(file) = &self.0 {
            let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Err(e) = writeln!(file, "{reference}") {
                eprintln!("could not record an acknowledged report: {e}");
            }
        }
    }
}

/// Latencies in milliseconds and errors, per operation.
#[derive(Default)]
struct Stats {
    ok: Vec<f64>,
    errors: u64,
}

#[derive(Default)]
struct Report {
    submit: Stats,
    submit_file: Stats,
    /// Seconds the submission phase took.
    submit_secs: f64,
    mixed_submit: Stats,
    login: Stats,
    status: Stats,
    inbox: Stats,
    /// Seconds the mixed phase took.
    mixed_secs: f64,
}

impl Report {
    fn print(&mut self) {
        let (submit_secs, mixed_secs) = (self.submit_secs, self.mixed_secs);
        println!("\nsubmissions: {submit_secs:.1} s; mixed phase: {mixed_secs:.1} s");
        print_line("submit (API)", &mut self.submit, submit_secs);
        print_line("submit (form + file)", &mut self.submit_file, submit_secs);
        print_line("submit (mixed phase)", &mut self.mixed_submit, mixed_secs);
        print_line("receipt sign-in", &mut self.login, mixed_secs);
        print_line("reporter status read", &mut self.status, mixed_secs);
        print_line("handler inbox read", &mut self.inbox, mixed_secs);
        let all = [&self.submit, &self.submit_file, &self.mixed_submit, &self.login, &self.status, &self.inbox];
        println!("errors: {}", all.iter().map(|s| s.errors).sum::<u64>());
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn print_line(name: &str, s: &mut Stats, seconds: f64) {
    s.ok.sort_by(f64::total_cmp);
    println!(
        "{name:<22} {:>7} ok {:>5} errors {:>9.1}/s   p50 {:>8.3} ms   p95 {:>8.3} ms   p99 {:>8.3} ms",
        s.ok.len(),
        s.errors,
        s.ok.len() as f64 / seconds,
        percentile(&s.ok, 0.50),
        percentile(&s.ok, 0.95),
        percentile(&s.ok, 0.99),
    );
}

async fn timed<F: std::future::Future<Output = anyhow::Result<T>>, T>(f: F) -> (f64, anyhow::Result<T>) {
    let started = Instant::now();
    let result = f.await;
    (started.elapsed().as_secs_f64() * 1e3, result)
}

async fn submit(client: &reqwest::Client, base: &str, i: u64, acknowledged: &Acknowledged) -> anyhow::Result<String> {
    let category = ["sexual_harassment", "sexual_assault", "retaliation", "discrimination", "other"][(i % 5) as usize];
    let body = json!({
        "category": category,
        "description": format!("Load test report {i}: what happened, where, who was there. {}", "Details. ".repeat(40)),
        "location": {"kind": "business_trip"},
        "people": [{"name": "Person A", "role": "accused", "internal": true}],
        "requests": [{"kind": "no_contact"}],
    });
    let r = client.post(format!("{base}/api/v1/reports")).json(&body).send().await?;
    if r.status() != 201 {
        bail!("status {}", r.status());
    }
    let v: Value = r.json().await?;
    acknowledged.record(v["case_ref"].as_str().unwrap_or_default());
    Ok(v["receipt"].as_str().unwrap_or_default().to_owned())
}

/// A report through the HTML form with a file, as a browser sends it.
async fn submit_with_file(client: &reqwest::Client, base: &str, i: u64) -> anyhow::Result<()> {
    let size = 64 * 1024 + (i as usize * 7919) % (960 * 1024);
    let form = reqwest::multipart::Form::new()
        .text("category", "other")
        .text("description", format!("Load test report {i} with a screenshot"))
        .text("mode", "anonymous")
        .part("attachments", reqwest::multipart::Part::bytes(vec![(i % 251) as u8; size]).file_name("screenshot.png"));
    let r = client.post(format!("{base}/report")).multipart(form).send().await?;
    if r.status() != 200 {
        bail!("status {}", r.status());
    }
    Ok(())
}

async fn login(client: &reqwest::Client, base: &str, receipt: &str) -> anyhow::Result<String> {
    let r = client.post(format!("{base}/api/v1/reporter/session")).json(&json!({ "receipt": receipt })).send().await?;
    if r.status() != 200 {
        bail!("status {}", r.status());
    }
    Ok(r.json::<Value>().await?["token"].as_str().unwrap_or_default().to_owned())
}

async fn get_ok(client: &reqwest::Client, url: String, token: &str) -> anyhow::Result<()> {
    let r = client.get(url).bearer_auth(token).send().await?;
    if !r.status().is_success() {
        bail!("status {}", r.status());
    }
    r.bytes().await?;
    Ok(())
}

/// Runs `op` `rate` times a second until `until`, open-loop: a slow answer
/// never slows the arrivals down.
async fn paced<F, Fut>(rate: f64, until: Instant, stats: Arc<Mutex<Stats>>, op: F)
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    if rate <= 0.0 {
        return;
    }
    let op = Arc::new(op);
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    let mut tasks = tokio::task::JoinSet::new();
    let mut i = 0;
    while Instant::now() < until {
        tick.tick().await;
        let (op, stats) = (op.clone(), stats.clone());
        tasks.spawn(async move {
            let (ms, result) = timed(op(i)).await;
            let mut s = stats.lock().await;
            match result {
                Ok(()) => s.ok.push(ms),
                Err(_) => s.errors += 1,
            }
        });
        i += 1;
    }
    while tasks.join_next().await.is_some() {}
}

pub async fn run(args: LoadTest) -> anyhow::Result<()> {
    let base = args.target.trim_end_matches('/').to_owned();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).pool_max_idle_per_host(64).build()?;
    client.get(format!("{base}/healthz")).send().await.context("the target does not answer /healthz")?;
    let mut report = Report::default();
    let acknowledged = Acknowledged::open(args.acknowledged.as_deref())?;
    let receipts = submission_phase(&client, &base, &args, &acknowledged, &mut report).await;
    if receipts.is_empty() {
        bail!("no report was accepted; is the target an Ombud server?");
    }
    let staff_token = match &args.staff_email {
        Some(email) => Some(staff_sign_in(&client, &base, email).await?),
        None => None,
    };
    mixed_phase(&client, &base, &args, receipts, staff_token, &acknowledged, &mut report).await?;
    report.print();
    Ok(())
}

/// Phase 1: `submissions` reports, `concurrency` at a time; every 20th with
/// a file through the form. Answers the receipts of those accepted.
async fn submission_phase(
    client: &reqwest::Client,
    base: &str,
    args: &LoadTest,
    acknowledged: &Acknowledged,
    report: &mut Report,
) -> Vec<String> {
    println!("submitting {} reports to {base} ({} at a time)…", args.submissions, args.concurrency);
    let started = Instant::now();
    let receipts = Arc::new(Mutex::new(Vec::new()));
    let submit_stats = Arc::new(Mutex::new((Stats::default(), Stats::default())));
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency.max(1) {
        let (client, base, receipts, stats, next, acknowledged) = (
            client.clone(),
            base.to_owned(),
            receipts.clone(),
            submit_stats.clone(),
            next.clone(),
            acknowledged.clone(),
        );
        let total = args.submissions;
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    return;
                }
                if i % 20 == 19 {
                    let (ms, result) = timed(submit_with_file(&client, &base, i)).await;
                    let mut s = stats.lock().await;
                    if result.is_ok() { s.1.ok.push(ms) } else { s.1.errors += 1 }
                } else {
                    let (ms, result) = timed(submit(&client, &base, i, &acknowledged)).await;
                    let mut s = stats.lock().await;
                    match result {
                        Ok(receipt) => {
                            s.0.ok.push(ms);
                            receipts.lock().await.push(receipt);
                        }
                        Err(_) => s.0.errors += 1,
                    }
                }
            }
        });
    }
    while workers.join_next().await.is_some() {}
    report.submit_secs = started.elapsed().as_secs_f64();
    (report.submit, report.submit_file) = std::mem::take(&mut *submit_stats.lock().await);
    receipts.lock().await.clone()
}

async fn staff_sign_in(client: &reqwest::Client, base: &str, email: &str) -> anyhow::Result<String> {
    let password = std::env::var("OMBUD_LOADTEST_PASSWORD").context("set OMBUD_LOADTEST_PASSWORD for --staff-email")?;
    let r = client
        .post(format!("{base}/api/v1/staff/session"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?;
    Ok(r.json::<Value>().await?["token"].as_str().unwrap_or_default().to_owned())
}

/// Phase 2: status reads, inbox reads, receipt sign-ins and submissions at
/// their rates, together, for `duration` seconds.
async fn mixed_phase(
    client: &reqwest::Client,
    base: &str,
    args: &LoadTest,
    receipts: Vec<String>,
    staff_token: Option<String>,
    acknowledged: &Acknowledged,
    report: &mut Report,
) -> anyhow::Result<()> {
    // A sign-in that fails (a server lost mid-request) is counted, and the
    // load goes on with the others.
    let mut tokens = Vec::new();
    for r in receipts.iter().take(50) {
        let (ms, result) = timed(login(client, base, r)).await;
        match result {
            Ok(token) => {
                report.login.ok.push(ms);
                tokens.push(token);
            }
            Err(_) => report.login.errors += 1,
        }
    }
    if tokens.is_empty() {
        bail!("no receipt sign-in succeeded");
    }
    let (tokens, receipts) = (Arc::new(tokens), Arc::new(receipts));
    let inbox_rate = if staff_token.is_some() { args.inbox_rate } else { 0 };
    println!(
        "mixed load for {} s: {} status reads/s, {inbox_rate} inbox reads/s, {} receipt sign-ins/s…",
        args.duration, args.status_rate, args.login_rate
    );
    let until = Instant::now() + Duration::from_secs(args.duration);
    let [status, inbox, logins, submits] = std::array::from_fn(|_| Arc::new(Mutex::new(Stats::default())));
    let started = Instant::now();
    let status_task = {
        let (client, url) = (client.clone(), format!("{base}/api/v1/reporter/status"));
        paced(args.status_rate as f64, until, status.clone(), move |i| {
            let (client, url, token) = (client.clone(), url.clone(), tokens[(i as usize) % tokens.len()].clone());
            async move { get_ok(&client, url, &token).await }
        })
    };
    let inbox_task = {
        let (client, url, token) = (client.clone(), format!("{base}/api/v1/cases"), staff_token.unwrap_or_default());
        paced(inbox_rate as f64, until, inbox.clone(), move |_| {
            let (client, url, token) = (client.clone(), url.clone(), token.clone());
            async move { get_ok(&client, url, &token).await }
        })
    };
    let login_task = {
        let (client, base) = (client.clone(), base.to_owned());
        paced(args.login_rate as f64, until, logins.clone(), move |i| {
            let (client, base, receipt) =
                (client.clone(), base.clone(), receipts[(i as usize) % receipts.len()].clone());
            async move { login(&client, &base, &receipt).await.map(|_| ()) }
        })
    };
    let submit_task = {
        let (client, base, acknowledged) = (client.clone(), base.to_owned(), acknowledged.clone());
        paced(args.submit_rate, until, submits.clone(), move |i| {
            let (client, base, acknowledged) = (client.clone(), base.clone(), acknowledged.clone());
            async move { submit(&client, &base, 1_000_000 + i, &acknowledged).await.map(|_| ()) }
        })
    };
    tokio::join!(status_task, inbox_task, login_task, submit_task);
    report.mixed_secs = started.elapsed().as_secs_f64();
    report.status = std::mem::take(&mut *status.lock().await);
    report.inbox = std::mem::take(&mut *inbox.lock().await);
    let mixed_logins = std::mem::take(&mut *logins.lock().await);
    report.login.ok.extend(mixed_logins.ok);
    report.login.errors += mixed_logins.errors;
    report.mixed_submit = std::mem::take(&mut *submits.lock().await);
    Ok(())
}

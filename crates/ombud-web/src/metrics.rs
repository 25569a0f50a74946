//! Prometheus metrics, served on their own listener (`--metrics-listen`),
//! never on the public one. Labels are route templates (`/api/v1/cases/{id}`),
//! methods, status codes and job names: no case reference, email, name or
//! address can reach a label, because none is ever given one.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Tallies {
    /// (route, method, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// (route, method) → latency.
    latency: BTreeMap<(String, String), Histogram>,
    /// (job, outcome) → runs.
    jobs: BTreeMap<(&'static str, &'static str), u64>,
}

/// What this instance counted since it started.
#[derive(Clone, Default)]
pub struct Metrics {
    tallies: Arc<Mutex<Tallies>>,
}

impl Metrics {
    fn record(&self, route: String, method: String, status: u16, seconds: f64) {
        let Ok(mut t) = self.tallies.lock() else { return };
        *t.requests.entry((route.clone(), method.clone(), status)).or_default() += 1;
        let h = t.latency.entry((route, method)).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// A background job ran (`deadline_sweep`, `outbox`, …), well or not.
    pub fn job_ran(&self, job: &'static str, ok: bool) {
        if let Ok(mut t) = self.tallies.lock() {
            *t.jobs.entry((job, if ok { "ok" } else { "error" })).or_default() += 1;
        }
    }

    /// The exposition text, with the gauges read now.
    fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::new();
        let Ok(t) = self.tallies.lock() else { return out };
        out.push_str("# HELP ombud_http_requests_total Requests answered, by route template, method and status.\n");
        out.push_str("# TYPE ombud_http_requests_total counter\n");
        for ((route, method, status), n) in &t.requests {
            let _ = writeln!(
                out,
                "ombud_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                escape(route),
                escape(method)
            );
        }
        out.push_str("# HELP ombud_http_request_duration_seconds Time to answer, by route template and method.\n");
        out.push_str("# TYPE ombud_http_request_duration_seconds histogram\n");
        for ((route, method), h) in &t.latency {
            let labels = format!("route=\"{}\",method=\"{}\"", escape(route), escape(method));
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(out, "ombud_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(out, "ombud_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "ombud_http_request_duration_seconds_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "ombud_http_request_duration_seconds_count{{{labels}}} {}", h.count);
        }
        out.push_str("# HELP ombud_job_runs_total Background job runs, by job and outcome.\n");
        out.push_str("# TYPE ombud_job_runs_total counter\n");
        for ((job, outcome), n) in &t.jobs {
            let _ = writeln!(out, "ombud_job_runs_total{{job=\"{job}\",outcome=\"{outcome}\"}} {n}");
        }
        gauges.render(&mut out);
        out
    }
}

/// Read from the database at each scrape.
struct Gauges {
    outbox: Option<u64>,
    overdue: Option<u64>,
    due_soon: Option<u64>,
}

impl Gauges {
    fn render(&self, out: &mut String) {
        for (name, help, value) in [
            ("ombud_outbox_depth", "Notices waiting to be sent.", self.outbox),
            ("ombud_deadlines_overdue", "Open deadlines past due.", self.overdue),
            ("ombud_deadlines_due_24h", "Open deadlines due within 24 hours.", self.due_soon),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
            // A figure the database could not give is left out, never made up.
            if let Some(v) = value {
                let _ = writeln!(out, "{name} {v}");
            }
        }
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Counts every request by the template of the route it matched; a path
/// that matched none is `unmatched` (its text could carry anything).
pub async fn count(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS") => m.to_owned(),
        _ => "other".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.record(route, method, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

/// The metrics listener's only page.
async fn scrape(State(state): State<crate::AppState>) -> Response {
    let now = state.ombud.clock().now();
    let counts = state.ombud.deadline_counts(now, now + jiff::SignedDuration::from_hours(24)).await.ok();
    let gauges = Gauges {
        outbox: state.ombud.outbox_unsent().await.ok(),
        overdue: counts.map(|c| c.0),
        due_soon: counts.map(|c| c.1),
    };
    let body = state.metrics.render(&gauges);
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}

/// Serves `GET /metrics` alone on a listener of its own.
pub async fn serve(listener: tokio::net::TcpListener, state: crate::AppState) -> std::io::Result<()> {
    axum::serve(listener, axum::Router::new().route("/metrics", axum::routing::get(scrape)).with_state(state)).await
}

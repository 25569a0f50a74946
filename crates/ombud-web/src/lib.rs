//! HTTP: the reporter's and staff's HTML pages, the JSON API, and the
//! middleware around them. Thin by design: parse, call a service, render.
#![forbid(unsafe_code)]

mod api;
mod error;
mod extract;
mod guards;
mod html;
pub use html::notice_keys;
pub mod i18n;
pub mod labels;
mod limits;
pub mod metrics;
mod scim;
mod scim_schema;
mod security;
mod server;
mod sessions;
mod throttle;
mod uploads;

pub use api::{api_routes, openapi_document};
pub use i18n::{Lang, NoticeTexts};
pub use scim::ROUTES as SCIM_ROUTES;
pub use server::{ConnectionLimits, serve, serve_app};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use ombud_service::{Ombud, StaffSession};
use std::sync::Arc;
use std::time::Duration;

/// Settings of the HTTP layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Adds `Secure` to cookies; set when Ombud is served over HTTPS.
    pub secure_cookies: bool,
    /// Largest request body on the form routes that carry files.
    pub max_upload_request_bytes: usize,
    /// Failed receipt attempts allowed per client per window. There is no
    /// global ceiling: it would let anyone lock every reporter out.
    pub receipt_failures_per_client: u32,
    pub receipt_failure_window: Duration,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` name the client (the
    /// address is used for the limit above, never stored or logged).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// A staff session ends after this long without a request…
    pub staff_session_idle: Duration,
    /// …and this long after sign-in, however busy.
    pub staff_session_lifetime: Duration,
    pub reporter_session_idle: Duration,
    /// Bounds on connections: how many, and how long each may take.
    pub connections: ConnectionLimits,
    /// What the operator set outside the service (mail, the ledger's
    /// witness), shown to the administrator read-only.
    pub operations: OperationsSettings,
}

/// Settings of the running server the administrator sees at a glance; never
/// a password or a token.
#[derive(Clone, Debug, Default)]
pub struct OperationsSettings {
    /// The mail server as `scheme://host:port`, without credentials; None
    /// when notices wait in the outbox.
    pub mail_server: Option<String>,
    pub mail_from: Option<String>,
    pub public_url: Option<String>,
    pub witness_file: Option<String>,
}

impl OperationsSettings {
    /// A mail server's address as shown: its scheme, host and port, never a
    /// user name or password it may carry.
    pub fn mail_server_shown(url: &str) -> String {
        ombud_service::mail_server_shown(url)
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            max_upload_request_bytes: 64 * 1024 * 1024,
            receipt_failures_per_client: 10,
            receipt_failure_window: Duration::from_secs(15 * 60),
            trusted_proxies: Vec::new(),
            staff_session_idle: Duration::from_secs(30 * 60),
            staff_session_lifetime: Duration::from_secs(12 * 60 * 60),
            operations: OperationsSettings::default(),
            reporter_session_idle: Duration::from_secs(30 * 60),
            connections: ConnectionLimits::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub(crate) ombud: Arc<Ombud>,
    pub(crate) config: Arc<WebConfig>,
    pub(crate) receipt_limiter: Arc<limits::FailureLimiter>,
    pub(crate) sign_in_throttle: Arc<throttle::SignInThrottle>,
    /// What this instance counted, for `--metrics-listen`.
    pub(crate) metrics: metrics::Metrics,
}

impl AppState {
    /// Open connections at once, as configured.
    pub fn max_connections(&self) -> usize {
        self.config.connections.max_connections
    }

    /// At most `cap` connections (the binary's file-descriptor limit).
    pub fn with_connection_cap(mut self, cap: usize) -> Self {
        let mut config = (*self.config).clone();
        config.connections.max_connections = cap;
        self.config = Arc::new(config);
        self
    }

    /// "sqlite" or "postgres", for the log.
    pub fn backend(&self) -> &'static str {
        self.ombud.store().backend()
    }

    /// Makes the reporters' session keys of the coming hours before the
    /// first request (the job loop keeps them from then on): a command
    /// that only opens the instance writes none.
    pub async fn prepare_sessions(&self) -> Result<(), ombud_service::ServiceError> {
        self.ombud.keep_session_keys().await
    }

    /// Counts into `metrics`, which the job loop shares.
    pub fn with_metrics(mut self, metrics: metrics::Metrics) -> Self {
        self.metrics = metrics;
        self
    }
}

/// Writes the missing recovery wraps of the cases she holds a key for, in
/// the background (after she signs in, and after she enables recovery).
pub(crate) fn spawn_recovery_wraps(state: &AppState, session: &StaffSession) {
    if !session.role.reads_cases() {
        return;
    }
    let (ombud, session) = (state.ombud.clone(), session.clone());
    tokio::spawn(async move {
        if let Err(e) = ombud.staff(&session).complete_recovery_wraps().await {
            tracing::warn!(error = %e, "recovery wraps could not be completed; her next sign-in tries again");
        }
    });
}

impl AppState {
    pub fn new(ombud: Arc<Ombud>, config: WebConfig) -> Self {
        Self {
            receipt_limiter: Arc::new(limits::FailureLimiter::new(
                config.receipt_failures_per_client,
                config.receipt_failure_window,
            )),
            sign_in_throttle: Arc::new(throttle::SignInThrottle::default()),
            ombud,
            config: Arc::new(config),
            metrics: metrics::Metrics::default(),
        }
    }
}

/// Ready to serve: the database answers and holds every migration this
/// build knows (a proxy or an orchestrator sends traffic only then).
/// `/healthz` says only that the process runs.
async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    match state.ombud.store().migrated().await {
        Ok(true) => (StatusCode::OK, "ready").into_response(),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "the database is not migrated to this version").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "the database does not answer").into_response()
        }
    }
}

/// The whole application: pages, API, static files, and the layers every
/// response passes through (language, security headers, CSRF).
pub fn router(state: AppState) -> Router {
    let upload_limit = state.config.max_upload_request_bytes;
    let metrics = state.metrics.clone();
    Router::new()
        .merge(
            html::routes()
                .layer(DefaultBodyLimit::max(upload_limit))
                .layer(axum::middleware::from_fn_with_state(state.clone(), guards::once))
                .layer(axum::middleware::from_fn_with_state(state.clone(), sessions::renew_case_sessions)),
        )
        .nest(
            "/api/v1",
            api::routes()
                .layer(DefaultBodyLimit::max(api::MAX_JSON_BYTES))
                .layer(axum::middleware::from_fn_with_state(state.clone(), sessions::renew_reporter_token)),
        )
        .nest("/scim/v2", scim::routes().layer(DefaultBodyLimit::max(api::MAX_JSON_BYTES)))
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(readyz))
        .route("/static/style.css", axum::routing::get(html::stylesheet))
        .route("/static/icon.svg", axum::routing::get(html::icon))
        .route("/favicon.ico", axum::routing::get(html::icon))
        .fallback(html::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(guards::no_nul))
        .layer(axum::middleware::from_fn(guards::csrf))
        .layer(axum::middleware::from_fn(i18n::negotiate))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn_with_state(metrics, metrics::count))
}

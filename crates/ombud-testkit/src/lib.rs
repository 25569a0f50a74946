//! A real Ombud server for tests: bound to 127.0.0.1:0, a fresh store
//! (SQLite in a temporary directory, or a fresh PostgreSQL database when
//! `OMBUD_TEST_POSTGRES_URL` is set), and a clock the test holds.
#![forbid(unsafe_code)]

pub mod schema_check;
mod smtp;
pub use smtp::{Mail, SmtpSink, TlsMode, TlsSmtp};

use jiff::Timestamp;
use ombud_domain::{FixedClock, Role};
use ombud_service::{KdfParams, Ombud, ServiceConfig};
use ombud_store::{SqlStore, Store};
use std::sync::Arc;

/// Which database a test server runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite always; PostgreSQL too when the environment names a server.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if ombud_store::testdb::test_server_url().is_some() {
        all.push(Backend::Postgres);
    }
    all
}

/// Derivation parameters that keep tests quick; production uses the defaults.
pub const TEST_KDF: KdfParams = KdfParams { m_kib: 4096, t: 1, p: 1 };

pub struct TestServer {
    pub base: String,
    pub clock: Arc<FixedClock>,
    pub ombud: Arc<Ombud>,
    pub backend: Backend,
    pub data: tempfile::TempDir,
    service_config: ServiceConfig,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pg_cleanup: Option<(String, String)>,
    /// The PostgreSQL database URL, for a second instance on the same data.
    pg_url: Option<String>,
    /// API responses that did not match the OpenAPI document.
    schema_problems: schema_check::Problems,
}

/// A second server on a test's database (see `another_server`).
pub struct Replica {
    pub base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Replica {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

pub struct Options {
    pub backend: Backend,
    pub service: ServiceConfig,
    pub web: ombud_web::WebConfig,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            backend: Backend::Sqlite,
            // No second factor unless a test asks for it (the accounts tests do).
            service: ServiceConfig {
                receipt_kdf: TEST_KDF,
                password_kdf: TEST_KDF,
                second_factor: Vec::new(),
                ..ServiceConfig::default()
            },
            web: ombud_web::WebConfig::default(),
        }
    }
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(Options { backend, ..Options::default() }).await
    }

    pub async fn start_with(options: Options) -> Self {
        let data = tempfile::tempdir().expect("temp dir");
        let (store, pg_cleanup, pg_url): (Arc<dyn Store>, _, _) = match options.backend {
            Backend::Sqlite => {
                (Arc::new(SqlStore::open(&data.path().join("ombud.db")).await.expect("sqlite")), None, None)
            }
            Backend::Postgres => {
                let server = ombud_store::testdb::test_server_url().expect("OMBUD_TEST_POSTGRES_URL");
                let (url, name) = ombud_store::testdb::create_database(&server).await.expect("create database");
                let store = SqlStore::connect(&url).await.expect("postgres");
                (Arc::new(store), Some((server, name)), Some(url))
            }
        };
        let service_config = options.service.clone();
        let clock = Arc::new(FixedClock::new("2026-11-02T09:00:00Z".parse::<Timestamp>().expect("time")));
        let ombud =
            Arc::new(Ombud::open(store, clock.clone(), &[7u8; 32], options.service).await.expect("open instance"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let limits = options.web.connections.clone();
        let state = ombud_web::AppState::new(ombud.clone(), options.web);
        state.prepare_sessions().await.expect("session keys");
        let schema_problems = schema_check::Problems::default();
        let problems = schema_problems.clone();
        let app = ombud_web::router(state)
            .layer(axum::middleware::from_fn(move |req, next| schema_check::check(problems.clone(), req, next)));
        // The same bounded server `ombud serve` runs.
        tokio::spawn(ombud_web::serve_app(listener, app, limits, async {
            let _ = rx.await;
        }));
        Self {
            base,
            clock,
            ombud,
            backend: options.backend,
            data,
            shutdown: Some(tx),
            pg_cleanup,
            pg_url,
            service_config,
            schema_problems,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Creates a staff account and returns its password.
    pub async fn staff(&self, email: &str, role: Role) -> String {
        let password = format!("pw-{email}-long-enough");
        self.ombud.operator().add_staff(email, &format!("Staff {email}"), role, &password).await.expect("add staff");
        password
    }

    /// A client that keeps cookies, like a browser, and never follows redirects.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A browser signed in on the staff pages with this email and password.
    pub async fn staff_browser(&self, email: &str, password: &str) -> reqwest::Client {
        let browser = self.browser();
        browser
            .post(self.url("/staff/sign-in"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .expect("sign in");
        browser
    }

    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
    }

    /// Signs staff in through the API and returns the bearer token.
    pub async fn staff_token(&self, email: &str, password: &str) -> String {
        let response = self
            .client()
            .post(self.url("/api/v1/staff/session"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status(), 200, "staff sign-in");
        response.json::<serde_json::Value>().await.expect("json")["token"].as_str().expect("token").to_owned()
    }

    /// Files a report through the API; returns (case_ref, receipt).
    pub async fn report(&self, body: serde_json::Value) -> (String, String) {
        let response = self.client().post(self.url("/api/v1/reports")).json(&body).send().await.expect("report");
        assert_eq!(response.status(), 201, "report accepted");
        let v: serde_json::Value = response.json().await.expect("json");
        (v["case_ref"].as_str().expect("ref").to_owned(), v["receipt"].as_str().expect("receipt").to_owned())
    }

    /// Signs the reporter in through the API and returns the bearer token.
    pub async fn reporter_token(&self, receipt: &str) -> String {
        let response = self
            .client()
            .post(self.url("/api/v1/reporter/session"))
            .json(&serde_json::json!({ "receipt": receipt }))
            .send()
            .await
            .expect("receipt sign-in");
        assert_eq!(response.status(), 200, "receipt accepted");
        response.json::<serde_json::Value>().await.expect("json")["token"].as_str().expect("token").to_owned()
    }

    /// A second instance on the same database, secret and clock: two servers
    /// behind one load balancer.
    pub async fn another_instance(&self) -> Arc<Ombud> {
        let store: Arc<dyn Store> = match &self.pg_url {
            Some(url) => Arc::new(SqlStore::connect(url).await.expect("postgres")),
            None => Arc::new(SqlStore::open(&self.data.path().join("ombud.db")).await.expect("sqlite")),
        };
        Arc::new(
            Ombud::open(store, self.clock.clone(), &[7u8; 32], self.service_config.clone())
                .await
                .expect("second instance"),
        )
    }

    /// A second server on the same database, secret and clock, as a
    /// second instance behind a load balancer runs it: its address. It
    /// stops when the returned handle is dropped or stopped.
    pub async fn another_server(&self) -> Replica {
        let ombud = self.another_instance().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let config = ombud_web::WebConfig::default();
        let limits = config.connections.clone();
        let state = ombud_web::AppState::new(ombud, config);
        state.prepare_sessions().await.expect("session keys");
        let app = ombud_web::router(state);
        tokio::spawn(ombud_web::serve_app(listener, app, limits, async {
            let _ = rx.await;
        }));
        Replica { base, _stop: tx }
    }

    /// Deletes every reporters' session key, as if the job loop had stopped
    /// for days (and this instance had never read one).
    pub async fn lose_session_keys(&self) {
        self.ombud.store().delete_session_keys_before(i64::MAX).await.expect("delete the session keys");
    }

    /// Every value of every table of the database, joined: equal before and
    /// after a request that wrote nothing.
    pub async fn database_snapshot(&self) -> Vec<u8> {
        let store = match &self.pg_url {
            Some(url) => SqlStore::connect(url).await.expect("postgres"),
            None => SqlStore::open(&self.data.path().join("ombud.db")).await.expect("sqlite"),
        };
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%' ORDER BY table_name"
            }
        };
        let tables: Vec<String> = sqlx::query_scalar(sql).fetch_all(store.pool()).await.expect("tables");
        let tables: Vec<&str> = tables.iter().map(String::as_str).collect();
        self.table_bytes(&tables).await
    }

    /// GET with a bearer token: (status, JSON body or null).
    /// Every text and byte value of these tables, joined: what someone
    /// reading the database would see of them (for sentinel tests).
    pub async fn table_bytes(&self, tables: &[&str]) -> Vec<u8> {
        use sqlx::Row;
        let store = match &self.pg_url {
            Some(url) => SqlStore::connect(url).await.expect("postgres"),
            None => SqlStore::open(&self.data.path().join("ombud.db")).await.expect("sqlite"),
        };
        let mut out = Vec::new();
        for table in tables {
            let sql = format!("SELECT * FROM {table}");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(store.pool()).await.expect("rows");
            for row in rows {
                for i in 0..row.len() {
                    if let Ok(Some(text)) = row.try_get::<Option<String>, _>(i) {
                        out.extend_from_slice(text.as_bytes());
                    } else if let Ok(Some(bytes)) = row.try_get::<Option<Vec<u8>>, _>(i) {
                        out.extend_from_slice(&bytes);
                    } else if let Ok(Some(number)) = row.try_get::<Option<i64>, _>(i) {
                        out.extend_from_slice(number.to_string().as_bytes());
                    }
                    out.push(b'\n');
                }
            }
        }
        out
    }

    pub async fn get_json(&self, path: &str, token: &str) -> (u16, serde_json::Value) {
        let r = self.client().get(self.url(path)).bearer_auth(token).send().await.expect("get");
        (r.status().as_u16(), r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// A page as a signed-in staff member sees it (bearer token), as text.
    pub async fn page(&self, path: &str, token: &str) -> String {
        let r = self.client().get(self.url(path)).bearer_auth(token).send().await.expect("page");
        r.text().await.expect("html")
    }

    /// POST a JSON body with a bearer token: (status, JSON body or null).
    pub async fn post_json(&self, path: &str, token: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self.client().post(self.url(path)).bearer_auth(token).json(&body).send().await.expect("post");
        (r.status().as_u16(), r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// A directory-sync (SCIM) token, created by an administrator
    /// (`it-admin@example.org`) through the API.
    pub async fn sync_token(&self) -> String {
        let pw = self.staff("it-admin@example.org", Role::Admin).await;
        let admin = self.staff_token("it-admin@example.org", &pw).await;
        let (status, created) = self
            .post_json("/api/v1/admin/directory-tokens", &admin, serde_json::json!({"label": "directory sync"}))
            .await;
        assert_eq!(status, 201, "{created}");
        created["token"].as_str().expect("token").to_owned()
    }

    /// A SCIM request under `/scim/v2`, with a bearer token and an optional
    /// body: (status, JSON body or null).
    pub async fn scim(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let verb = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let request = self.client().request(verb, self.url(&format!("/scim/v2{path}"))).bearer_auth(token);
        let request = match body {
            Some(b) => request.header("content-type", "application/scim+json").body(b.to_string()),
            None => request,
        };
        let response = request.send().await.expect("scim");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Stops the server and drops a PostgreSQL test database.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some((server, name)) = self.pg_cleanup.take() {
            ombud_store::testdb::drop_database(&server, &name).await;
        }
        let problems = self.schema_problems.lock().map(|p| p.clone()).unwrap_or_default();
        assert!(problems.is_empty(), "API responses that do not match the OpenAPI document: {problems:#?}");
    }
}

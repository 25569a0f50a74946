//! The binary as an operator meets it: first start, staff commands, and
//! `serve --database-url postgres://…` end to end.

mod common;

use serde_json::{Value, json};

#[tokio::test]
async fn a_first_start_creates_everything_and_says_how_to_add_staff() {
    let data = tempfile::tempdir().expect("dir");
    let logs = tempfile::tempdir().expect("dir");
    let log = logs.path().join("serve.log");
    let server = common::serve(&[], data.path(), &log, "info").await;
    assert!(data.path().join("instance.key").exists() && data.path().join("ombud.db").exists());
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.contains("ombud staff add --data"), "{text}");
    let landing = reqwest::get(format!("{}/", server.base)).await.expect("landing");
    assert_eq!(landing.status(), 200);
    drop(server);

    let listed = common::run(&["staff", "list"], data.path(), "");
    assert_eq!(String::from_utf8_lossy(&listed.stdout).trim(), "no staff accounts");
    let short = common::add_staff(data.path(), &[], "a@example.org", "admin", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("password: The password needs at least 10 characters."));
    let bad_role = common::add_staff(data.path(), &[], "a@example.org", "boss", "long enough password");
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("expected handler, oversight or admin"));
    let ok = common::add_staff(data.path(), &[], "a@example.org", "admin", "long enough password");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let again = common::add_staff(data.path(), &[], "A@example.org", "handler", "long enough password");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let listed = common::run(&["staff", "list"], data.path(), "");
    assert!(String::from_utf8_lossy(&listed.stdout).contains("admin\tactive\ta@example.org\tTest Person"));

    // The staff life cycle at the command line, each step said plainly.
    let invited = common::run(
        &["staff", "invite", "--email", "li.na@example.org", "--name", "李娜", "--role", "handler", "--lang", "zh-CN"],
        data.path(),
        "",
    );
    let said = String::from_utf8_lossy(&invited.stdout);
    assert!(invited.status.success() && said.contains("/staff/welcome/"), "{said}");
    let out = |args: &[&str]| {
        let done = common::run(args, data.path(), "");
        (
            done.status.success(),
            format!("{}{}", String::from_utf8_lossy(&done.stdout), String::from_utf8_lossy(&done.stderr)),
        )
    };
    let (ok, said) = out(&["staff", "set-role", "--email", "LI.NA@example.org", "--role", "oversight"]);
    assert!(ok && said.contains("is now oversight"), "{said}");
    let (ok, said) = out(&["staff", "disable", "--email", "li.na@example.org"]);
    assert!(ok && said.contains("disabled 李娜"), "{said}");
    let (ok, said) = out(&["staff", "reset", "--email", "li.na@example.org"]);
    assert!(!ok && said.contains("This account is disabled; enable it first."), "{said}");
    let (ok, said) = out(&["staff", "enable", "--email", "li.na@example.org"]);
    assert!(ok && said.contains("enabled 李娜"), "{said}");
    let (ok, said) = out(&["staff", "enable", "--email", "li.na@example.org"]);
    assert!(!ok && said.contains("This account is not disabled."), "{said}");
    let (ok, said) = out(&["staff", "reset", "--email", "nobody@example.org"]);
    assert!(!ok && said.contains("no staff account has this email"), "{said}");
    let (ok, said) = out(&["staff", "reset", "--email", "li.na@example.org"]);
    assert!(ok && said.contains("/staff/welcome/"), "{said}");
    let (_, listed) = out(&["staff", "list"]);
    assert!(listed.contains("oversight\treset\tli.na@example.org\t李娜\tnever signed in"), "{listed}");

    // A different data directory's secret against this database is refused, loudly.
    let other = tempfile::tempdir().expect("dir");
    let url = format!("sqlite:{}", data.path().join("ombud.db").display());
    let mismatch = common::run(&["staff", "list", "--database-url", &url], other.path(), "");
    assert!(!mismatch.status.success());
    assert!(String::from_utf8_lossy(&mismatch.stderr).contains("instance secret does not match"));
}

#[tokio::test]
async fn serve_runs_end_to_end_against_postgres() {
    let Some(server_url) = ombud_store::testdb::test_server_url() else {
        eprintln!("skipped: OMBUD_TEST_POSTGRES_URL is not set");
        return;
    };
    let (url, name) = ombud_store::testdb::create_database(&server_url).await.expect("database");
    let data = tempfile::tempdir().expect("dir");
    let logs = tempfile::tempdir().expect("dir");
    let added =
        common::add_staff(data.path(), &["--database-url", &url], "pg@example.org", "handler", "postgres password 1");
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let listed = common::run(&["staff", "list", "--database-url", &url], data.path(), "");
    assert!(String::from_utf8_lossy(&listed.stdout).contains("pg@example.org"));

    let server = common::serve(&["--database-url", &url], data.path(), &logs.path().join("serve.log"), "info").await;
    assert!(!data.path().join("ombud.db").exists(), "no SQLite file when PostgreSQL is used");
    let client = reqwest::Client::new();
    let base = &server.base;
    let filed: Value = client
        .post(format!("{base}/api/v1/reports"))
        .json(&json!({"category": "discrimination", "description": "在 PostgreSQL 上"}))
        .send()
        .await
        .expect("report")
        .json()
        .await
        .expect("json");
    let token: Value = client
        .post(format!("{base}/api/v1/staff/session"))
        .json(&json!({"email": "pg@example.org", "password": "postgres password 1"}))
        .send()
        .await
        .expect("sign in")
        .json()
        .await
        .expect("json");
    let token = token["token"].as_str().expect("token");
    let cases: Value = client
        .get(format!("{base}/api/v1/cases"))
        .bearer_auth(token)
        .send()
        .await
        .expect("cases")
        .json()
        .await
        .expect("json");
    assert_eq!(cases["cases"][0]["case_ref"], filed["case_ref"]);
    let id = cases["cases"][0]["id"].as_str().expect("id");
    let case: Value = client
        .get(format!("{base}/api/v1/cases/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("case")
        .json()
        .await
        .expect("json");
    assert_eq!(case["report"]["description"], "在 PostgreSQL 上");
    let session: Value = client
        .post(format!("{base}/api/v1/reporter/session"))
        .json(&json!({"receipt": filed["receipt"]}))
        .send()
        .await
        .expect("receipt")
        .json()
        .await
        .expect("json");
    assert!(session["token"].is_string());
    drop(server);
    ombud_store::testdb::drop_database(&server_url, &name).await;
}

#[tokio::test]
async fn a_sweep_by_hand_escalates_what_was_missed_as_of_the_given_time() {
    let data = tempfile::tempdir().expect("dir");
    let logs = tempfile::tempdir().expect("dir");
    let server = common::serve(&[], data.path(), &logs.path().join("serve.log"), "info").await;
    let filed: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/reports", server.base))
        .json(&json!({"category": "sexual_assault", "description": "x"}))
        .send()
        .await
        .expect("report")
        .json()
        .await
        .expect("json");
    drop(server);
    let case_ref = filed["case_ref"].as_str().expect("ref");
    let soon = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24)).to_string();
    let early = common::run(&["deadlines", "sweep", "--as-of", &soon], data.path(), "");
    assert!(early.status.success());
    assert!(String::from_utf8_lossy(&early.stdout).contains(" 0 escalated"));
    let later = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 8)).to_string();
    let swept = common::run(&["deadlines", "sweep", "--as-of", &later], data.path(), "");
    let out = String::from_utf8_lossy(&swept.stdout);
    assert!(out.contains(&format!("escalated {case_ref} acknowledge deadline")), "{out}");
    let again = common::run(&["deadlines", "sweep", "--as-of", &later], data.path(), "");
    assert!(String::from_utf8_lossy(&again.stdout).contains(" 0 escalated"), "once only");
    let bad = common::run(&["deadlines", "sweep", "--as-of", "next tuesday"], data.path(), "");
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("not an RFC 3339 time"));
}

/// `systemctl stop`: SIGTERM stops new connections at once, lets a report
/// still arriving over a slow line finish and be acknowledged, and exits 0.
#[tokio::test]
async fn sigterm_drains_the_requests_in_flight_and_exits_zero() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let data = tempfile::tempdir().expect("dir");
    let logs = tempfile::tempdir().expect("dir");
    let config = data.path().join("ombud.toml");
    std::fs::write(&config, "[server]\nshutdown_grace = 10\n").expect("config");
    let log = logs.path().join("serve.log");
    let mut server = common::serve(&["--config", config.to_str().expect("utf-8")], data.path(), &log, "info").await;
    let ready = reqwest::get(format!("{}/readyz", server.base)).await.expect("readyz");
    assert_eq!((ready.status().as_u16(), ready.text().await.expect("text")), (200, "ready".to_owned()));

    // Her report is half sent when the stop comes.
    let body =
        json!({"category": "sexual_harassment", "description": "He sent me messages at night for weeks."}).to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/reports HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    slow.write_all(head.as_bytes()).await.expect("head");
    slow.write_all(first.as_bytes()).await.expect("first half");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    server.terminate();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(tokio::net::TcpStream::connect(&addr).await.is_err(), "no new connection is taken once stopping");
    assert!(server.exited_within(std::time::Duration::from_millis(100)).await.is_none(), "it waits for her report");

    slow.write_all(rest.as_bytes()).await.expect("the rest");
    let mut answer = String::new();
    slow.read_to_string(&mut answer).await.expect("answer");
    assert!(answer.starts_with("HTTP/1.1 201"), "her report is acknowledged: {answer}");
    assert!(answer.contains("\"receipt\""), "with her receipt: {answer}");
    let status = server.exited_within(std::time::Duration::from_secs(10)).await.expect("it stops");
    assert_eq!(status.code(), Some(0), "a clean stop exits 0");
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.contains("SIGTERM received") && text.contains("Ombud stopped"), "{text}");

    // The report she sent as it stopped is there after a restart.
    let db = sqlite(data.path()).await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&db).await.expect("count");
    assert_eq!(count, 1, "her case is kept");
}

async fn sqlite(data: &std::path::Path) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!("sqlite:{}", data.join("ombud.db").display())).await.expect("open the database")
}

/// A database that this build has not migrated is not ready: a proxy sends
/// no traffic to it, though the process is alive.
#[tokio::test]
async fn readyz_answers_only_when_the_database_is_migrated() {
    let data = tempfile::tempdir().expect("dir");
    let logs = tempfile::tempdir().expect("dir");
    let server = common::serve(&["--log-format", "json"], data.path(), &logs.path().join("serve.log"), "info").await;
    assert_eq!(reqwest::get(format!("{}/readyz", server.base)).await.expect("readyz").status(), 200);
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
        .execute(&sqlite(data.path()).await)
        .await
        .expect("forget the newest migration");
    let not_ready = reqwest::get(format!("{}/readyz", server.base)).await.expect("readyz");
    assert_eq!(not_ready.status(), 503);
    assert_eq!(reqwest::get(format!("{}/healthz", server.base)).await.expect("healthz").status(), 200, "alive");
    drop(server);
    // The log was JSON, one object a line, for a collector.
    let text = std::fs::read_to_string(logs.path().join("serve.log")).expect("log");
    let first = text.lines().next().expect("a line");
    let parsed: Value = serde_json::from_str(first).unwrap_or_else(|e| panic!("{e}: {first}"));
    assert!(parsed["level"].is_string() && parsed["message"].is_string(), "{parsed}");
}

/// Metrics on their own listener: counted by route template, with the
/// outbox, deadlines and job runs, and never a case reference, a name, an
/// email or an address in them.
#[tokio::test]
async fn metrics_count_routes_by_template_and_carry_no_identifier() {
    const SENTINEL: &str = "SNTL-METRICS-9f2e 哨兵";
    let data = tempfile::tempdir().expect("dir");
    let logs = tempfile::tempdir().expect("dir");
    let metrics_port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let metrics_at = format!("127.0.0.1:{metrics_port}");
    let server =
        common::serve(&["--metrics-listen", &metrics_at], data.path(), &logs.path().join("serve.log"), "info").await;
    let client = reqwest::Client::new();
    let filed: Value = client
        .post(format!("{}/api/v1/reports", server.base))
        .json(&json!({"category": "sexual_harassment", "description": SENTINEL,
                      "people": [{"name": "孙浩 Sun Hao", "employee_id": "E320", "role": "accused"}],
                      "contact": {"email": "sentinel.reporter@example.org"}}))
        .send()
        .await
        .expect("report")
        .json()
        .await
        .expect("json");
    let case_ref = filed["case_ref"].as_str().expect("ref").to_owned();
    let receipt = filed["receipt"].as_str().expect("receipt").to_owned();
    client
        .post(format!("{}/api/v1/reporter/session", server.base))
        .json(&json!({"receipt": receipt}))
        .send()
        .await
        .expect("session");
    client.get(format!("{}/cases/{case_ref}/nothing-here", server.base)).send().await.expect("a stray path");
    assert_eq!(
        client.get(format!("{}/metrics", server.base)).send().await.expect("public").status(),
        404,
        "not on the public listener"
    );
    let text =
        client.get(format!("http://{metrics_at}/metrics")).send().await.expect("scrape").text().await.expect("text");
    assert!(
        text.contains(r#"ombud_http_requests_total{route="/api/v1/reports",method="POST",status="201"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(
            r#"ombud_http_request_duration_seconds_bucket{route="/api/v1/reports",method="POST",le="+Inf"} 1"#
        )
    );
    assert!(text.contains(r#"route="unmatched""#), "a stray path is counted without its text");
    for gauge in ["ombud_outbox_depth ", "ombud_deadlines_overdue 0", "ombud_deadlines_due_24h "] {
        assert!(text.contains(gauge), "{gauge} in {text}");
    }
    assert!(text.contains(r#"ombud_job_runs_total{job="deadline_sweep",outcome="ok"}"#), "{text}");
    for secret in
        [SENTINEL, "SNTL", case_ref.as_str(), receipt.as_str(), "E320", "Sun Hao", "sentinel.reporter", "127.0.0.1"]
    {
        assert!(!text.contains(secret), "{secret} must not reach the metrics");
    }
}

/// Every command reads `--config FILE` whole: its data directory and its
/// database URL, as `serve` does (issue 20 #5).
#[tokio::test]
async fn commands_honour_the_configuration_files_database_and_data_directory() {
    let Some(server_url) = ombud_store::testdb::test_server_url() else {
        eprintln!("skipped: OMBUD_TEST_POSTGRES_URL is not set");
        return;
    };
    let (url, name) = ombud_store::testdb::create_database(&server_url).await.expect("database");
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let config = dir.path().join("ombud.toml");
    std::fs::write(&config, format!("data = {:?}\ndatabase_url = {url:?}\n", data.display().to_string()))
        .expect("config");
    let ombud = |args: &[&str], stdin: &str| {
        let mut command = std::process::Command::new(common::BIN);
        command
            .args(args)
            .arg("--config")
            .arg(&config)
            .current_dir(dir.path())
            .env_remove("OMBUD_DATABASE_URL")
            .env_remove("OMBUD_DATA");
        common::run_command(command, stdin)
    };
    let added = ombud(
        &["staff", "add", "--email", "cfg@example.org", "--name", "配置 Config", "--role", "admin", "--password-stdin"],
        "a long enough password\n",
    );
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert!(data.join("instance.key").exists(), "the file's data directory holds the secret");
    assert!(!data.join("ombud.db").exists() && !dir.path().join("ombud-data").exists(), "no SQLite anywhere");
    let listed = ombud(&["staff", "list"], "");
    assert!(String::from_utf8_lossy(&listed.stdout).contains("cfg@example.org"), "read back through the file");
    let pool = sqlx::PgPool::connect(&url).await.expect("postgres");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff").fetch_one(&pool).await.expect("count");
    assert_eq!(count, 1, "the account is in the file's PostgreSQL database");
    pool.close().await;
    ombud_store::testdb::drop_database(&server_url, &name).await;
}

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

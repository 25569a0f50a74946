//! Confidential by construction: sentinel strings written through every
//! field, message and attachment of the real binary never appear in the data
//! directory (database, WAL, files) or in the logs, even at debug level.

use reqwest::multipart::{Form, Part};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_ombud");

/// One sentinel per place content can be written, in both scripts.
const SENTINELS: &[&str] = &[
    "SNTL-DESCRIPTION-4c1e",
    "哨兵描述甲乙丙",
    "SNTL-WHEN-77b2",
    "SNTL-WHERE-90aa",
    "SNTL-PERSON-NAME-3d0f",
    "哨兵姓名丁戊",
    "SNTL-EMPLOYEE-ID-51c9",
    "sntl-person-5e21@example.org",
    "SNTL-REQUEST-OTHER-6b8d",
    "SNTL-CONTACT-NAME-0a7c",
    "sntl-contact-9f13@example.org",
    "+86-SNTL-PHONE-2288",
    "SNTL-FILE-NAME-c3d4",
    "SNTL-FILE-BODY-e5f6",
    "哨兵附件内容己庚",
    "SNTL-API-REPORT-1a2b",
    "SNTL-REPORTER-MESSAGE-8e8e",
    "哨兵举报人留言辛壬",
    "SNTL-STAFF-MESSAGE-7d7d",
    "哨兵处理人回复癸子",
];

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn scan(dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            scan(&path, found);
            continue;
        }
        let bytes = std::fs::read(&path).expect("read file");
        for s in SENTINELS {
            if bytes.windows(s.len()).any(|w| w == s.as_bytes()) {
                found.push(format!("{s} in {}", path.display()));
            }
        }
    }
}

#[tokio::test]
async fn no_content_reaches_the_disk_or_the_logs() {
    let data = tempfile::tempdir().expect("data dir");
    let logs = tempfile::tempdir().expect("log dir");
    let log_path = logs.path().join("ombud.log");

    let mut add = Command::new(BIN)
        .args(["staff", "add", "--data"])
        .arg(data.path())
        .args([
            "--email",
            "handler@example.org",
            "--name",
            "Handler",
            "--role",
            "handler",
            "--password-stdin",
        ])
        .env("RUST_LOG", "debug")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(logs.path().join("staff.log")).expect("log"))
        .spawn()
        .expect("staff add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"handler password 123\n")
        .expect("password");
    assert!(add.wait().expect("wait").success(), "staff add failed");

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = Server(
        Command::new(BIN)
            .args(["serve", "--data"])
            .arg(data.path())
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "trace")
            .stdout(std::fs::File::create(logs.path().join("stdout.log")).expect("log"))
            .stderr(std::fs::File::create(&log_path).expect("log"))
            .spawn()
            .expect("serve"),
    );
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for _ in 0..100 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A confidential report through the form, every field carrying a sentinel.
    let form = Form::new()
        .text("category", "sexual_assault")
        .text("description", format!("{} {}", SENTINELS[0], SENTINELS[1]))
        .text("occurred_description", SENTINELS[2])
        .text("location_kind", "business_trip")
        .text("location_detail", SENTINELS[3])
        .text("person_0_name", SENTINELS[4])
        .text("person_0_employee_id", SENTINELS[6])
        .text("person_0_email", SENTINELS[7])
        .text("person_0_role", "accused")
        .text("person_1_name", SENTINELS[5])
        .text("person_1_side", "external")
        .text("request_other", "on")
        .text("request_other_detail", SENTINELS[8])
        .text("mode", "confidential")
        .text("contact_name", SENTINELS[9])
        .text("contact_email", SENTINELS[10])
        .text("contact_phone", SENTINELS[11])
        .part(
            "attachments",
            Part::bytes(format!("{} {}", SENTINELS[13], SENTINELS[14]).into_bytes())
                .file_name(format!("{}.txt", SENTINELS[12])),
        );
    let html = client
        .post(format!("{base}/report"))
        .multipart(form)
        .send()
        .await
        .expect("submit")
        .text()
        .await
        .expect("html");
    let receipt = html
        .split("translate=\"no\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("receipt")
        .to_owned();

    let api = client
        .post(format!("{base}/api/v1/reports"))
        .json(&json!({"category": "other", "description": SENTINELS[15]}))
        .send()
        .await
        .expect("api report");
    assert_eq!(api.status(), 201);

    let token: serde_json::Value = client
        .post(format!("{base}/api/v1/reporter/session"))
        .json(&json!({"receipt": receipt}))
        .send()
        .await
        .expect("session")
        .json()
        .await
        .expect("json");
    let reporter = token["token"].as_str().expect("token");
    for body in [SENTINELS[16], SENTINELS[17]] {
        let r = client
            .post(format!("{base}/api/v1/reporter/messages"))
            .bearer_auth(reporter)
            .json(&json!({"body": body}))
            .send()
            .await
            .expect("message");
        assert_eq!(r.status(), 201);
    }

    let staff: serde_json::Value = client
        .post(format!("{base}/api/v1/staff/session"))
        .json(&json!({"email": "handler@example.org", "password": "handler password 123"}))
        .send()
        .await
        .expect("staff")
        .json()
        .await
        .expect("json");
    let staff = staff["token"].as_str().expect("token");
    let cases: serde_json::Value = client
        .get(format!("{base}/api/v1/cases"))
        .bearer_auth(staff)
        .send()
        .await
        .expect("cases")
        .json()
        .await
        .expect("json");
    for case in cases["cases"].as_array().expect("cases") {
        let id = case["id"].as_str().expect("id");
        let full = client
            .get(format!("{base}/api/v1/cases/{id}"))
            .bearer_auth(staff)
            .send()
            .await
            .expect("case")
            .text()
            .await
            .expect("text");
        assert!(
            full.contains(SENTINELS[0]) || full.contains(SENTINELS[15]),
            "the handler can read what was sealed"
        );
        for body in [SENTINELS[18], SENTINELS[19]] {
            let r = client
                .post(format!("{base}/api/v1/cases/{id}/messages"))
                .bearer_auth(staff)
                .json(&json!({"body": body}))
                .send()
                .await
                .expect("reply");
            assert_eq!(r.status(), 201);
        }
    }
    let back: serde_json::Value = client
        .get(format!("{base}/api/v1/reporter/case"))
        .bearer_auth(reporter)
        .send()
        .await
        .expect("case")
        .json()
        .await
        .expect("json");
    assert_eq!(
        back["messages"][2]["body"], SENTINELS[18],
        "the reporter reads the reply"
    );

    // While running (WAL in use) and after stopping, nothing is in clear.
    let mut found = Vec::new();
    scan(data.path(), &mut found);
    drop(_server);
    scan(data.path(), &mut found);
    scan(logs.path(), &mut found);
    let log = std::fs::read_to_string(&log_path).expect("log");
    assert!(
        log.contains("report received"),
        "the log was captured at all"
    );
    assert!(found.is_empty(), "plaintext leaked: {found:#?}");
}

//! Confidential by construction: sentinel strings written through every
//! field, message and attachment of the real binary never appear in the data
//! directory (database, WAL, files) or in the logs, even at debug level.

use reqwest::multipart::{Form, Part};
use serde_json::json;
mod common;

use std::path::Path;

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
    "SNTL-NOTE-4f4f",
    "SNTL-HAND-BACK-REASON-3e3e",
    "SNTL-LINK-REASON-5c5c",
];

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

    let added = common::add_staff(data.path(), &[], "handler@example.org", "handler", "handler password 123");
    assert!(added.status.success(), "staff add: {}", String::from_utf8_lossy(&added.stderr));

    let server = common::serve(&[], data.path(), &log_path, "trace").await;
    let base = server.base.clone();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

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
    let html =
        client.post(format!("{base}/report")).multipart(form).send().await.expect("submit").text().await.expect("html");
    let receipt = html.split("translate=\"no\">").nth(1).and_then(|s| s.split('<').next()).expect("receipt").to_owned();

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
        assert!(full.contains(SENTINELS[0]) || full.contains(SENTINELS[15]), "the handler can read what was sealed");
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
        // A note among the readers, and a case taken and handed back with a reason.
        let r = client
            .post(format!("{base}/api/v1/cases/{id}/notes"))
            .bearer_auth(staff)
            .json(&json!({"body": SENTINELS[20]}))
            .send()
            .await
            .expect("note");
        assert_eq!(r.status(), 201);
        for body in [json!({"lead": "handler@example.org"}), json!({"lead": null, "reason": SENTINELS[21]})] {
            let r = client
                .post(format!("{base}/api/v1/cases/{id}/assignment"))
                .bearer_auth(staff)
                .json(&body)
                .send()
                .await
                .expect("assign");
            assert_eq!(r.status(), 200, "{body}");
        }
    }
    // The two cases linked, with a reason.
    let ids: Vec<&str> = cases["cases"].as_array().expect("cases").iter().filter_map(|c| c["id"].as_str()).collect();
    let other = cases["cases"][1]["case_ref"].as_str().expect("reference");
    let r = client
        .post(format!("{base}/api/v1/cases/{}/links", ids[0]))
        .bearer_auth(staff)
        .json(&json!({"reference": other, "reason": SENTINELS[22]}))
        .send()
        .await
        .expect("link");
    assert_eq!(r.status(), 201);
    let back: serde_json::Value = client
        .get(format!("{base}/api/v1/reporter/case"))
        .bearer_auth(reporter)
        .send()
        .await
        .expect("case")
        .json()
        .await
        .expect("json");
    assert_eq!(back["messages"][2]["body"], SENTINELS[18], "the reporter reads the reply");

    // A request over a plain connection whose port is known: at trace level, no log line names it.
    let client_port = {
        use std::io::{Read, Write};
        let host = base.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(host).expect("connect");
        let port = stream.local_addr().expect("local").port();
        write!(stream, "GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").expect("write");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        port
    };

    // While running (WAL in use) and after stopping, nothing is in clear.
    let mut found = Vec::new();
    scan(data.path(), &mut found);
    drop(server);
    scan(data.path(), &mut found);
    scan(logs.path(), &mut found);
    let log = std::fs::read_to_string(&log_path).expect("log");
    assert!(log.contains("report received"), "the log was captured at all");
    assert!(!log.contains(&format!(":{client_port}")), "no client address or port in the trace log");
    assert!(found.is_empty(), "plaintext leaked: {found:#?}");
}

//! Every parser that takes outside input, fed arbitrary input: receipts,
//! the directory CSV, checkpoints and records, SCIM filters and bodies, and
//! the form and API bodies through the real server. None may panic, and the
//! server never answers 5xx. Each prints how many inputs it ran.
//!
//! A bounded run is part of the test suite (OMBUD_FUZZ_CASES, default 1,000
//! per parser); a longer one: `OMBUD_FUZZ_CASES=200000 cargo nextest run -p
//! ombud-web -E 'binary(fuzz)' --success-output immediate`.

use ombud_domain::Role;
use ombud_testkit::{Backend, TestServer};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::sync::atomic::{AtomicU64, Ordering};

fn cases() -> u32 {
    std::env::var("OMBUD_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000)
}

/// Runs `check` over `cases()` inputs from `strategy`; prints the count.
fn fuzz<S: Strategy>(name: &str, strategy: S, check: impl Fn(S::Value)) {
    let ran = AtomicU64::new(0);
    let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
    runner
        .run(&strategy, |input| {
            ran.fetch_add(1, Ordering::Relaxed);
            check(input);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    println!("fuzz {name}: {} inputs, no panic", ran.load(Ordering::Relaxed));
}

/// Text that looks like the input some of the time: digits, separators,
/// quotes, commas, newlines, CJK, invisible characters, and anything else.
fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9 \\-]{0,40}",
        "[a-zA-Z0-9_,;\"\\r\\n 孙浩\u{202E}\u{FEFF}]{0,300}",
        proptest::collection::vec(any::<u8>(), 0..400).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

#[test]
fn fuzz_receipts() {
    fuzz("receipt", texty(), |text| {
        if let Ok(receipt) = ombud_crypto::Receipt::parse(&text) {
            let digits = text.chars().filter(char::is_ascii_digit).count();
            assert_eq!(digits, 28, "only 28 digits make a receipt: {text:?}");
            assert_eq!(ombud_crypto::Receipt::parse(&receipt.grouped()).map(|r| r.grouped()), Ok(receipt.grouped()));
        }
    });
}

#[test]
fn fuzz_directory_csv() {
    let header = "employee_id,name,email,manager_id,unit,level,hr_partner_id\n";
    fuzz("directory CSV", texty(), |body| {
        for text in [body.clone(), format!("{header}{body}")] {
            if let Err(problems) = ombud_service::parse_directory_csv(&text) {
                assert!(!problems.is_empty(), "a refused file names at least one problem");
            }
        }
    });
}

#[test]
fn fuzz_checkpoints_and_records() {
    let key = ombud_ledger::VerifierKey::new("fuzz.example/ombud", [7u8; 32]);
    fuzz("checkpoint note", texty(), |note| {
        assert!(ombud_ledger::verify_note(&note, &key).is_err() || note.contains("fuzz.example"));
        let _ = ombud_ledger::VerifierKey::parse(&note);
    });
    let record = |format: String, checkpoint: String, proof: Vec<String>| {
        serde_json::json!({
            "format": format, "case_ref": "OMB-X", "verifier_key": "k", "checkpoint": checkpoint,
            "events": [{"kind": "submitted", "at": "2026-01-01T00:00:00Z", "leaf_index": 0, "leaf": "", "proof": proof}],
            "consistency": [],
        })
    };
    let strategy = (
        prop_oneof![Just(ombud_ledger::RECORD_FORMAT.to_owned()), any::<String>()],
        texty(),
        proptest::collection::vec(texty(), 0..4),
    );
    fuzz("record", strategy, |(format, checkpoint, proof)| {
        if let Ok(r) = serde_json::from_value::<ombud_ledger::Record>(record(format, checkpoint, proof)) {
            assert!(ombud_ledger::verify_record(&r, &key, None).is_err(), "an unsigned record never verifies");
        }
    });
    fuzz("record bytes", proptest::collection::vec(any::<u8>(), 0..600), |bytes| {
        if let Ok(r) = serde_json::from_slice::<ombud_ledger::Record>(&bytes) {
            let _ = ombud_ledger::verify_record(&r, &key, Some(&r));
        }
    });
}

/// Inputs sent to the real server, a few hundred at most per run: each is a request.
fn server_cases() -> u32 {
    (cases() / 4).max(50)
}

fn through_server<S: Strategy>(name: &str, strategy: S, send: impl Fn(S::Value) -> u16) {
    let ran = AtomicU64::new(0);
    let mut runner = TestRunner::new(Config { cases: server_cases(), failure_persistence: None, ..Config::default() });
    runner
        .run(&strategy, |input| {
            ran.fetch_add(1, Ordering::Relaxed);
            let status = send(input);
            prop_assert!(status < 500, "{name}: answered {status}");
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    println!("fuzz {name}: {} requests, no 5xx", ran.load(Ordering::Relaxed));
}

#[test]
fn fuzz_scim_forms_and_api_bodies_through_the_server() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let s = rt.block_on(TestServer::start(Backend::Sqlite));
    let token = rt.block_on(async {
        let pw = s.staff("it@example.org", Role::Admin).await;
        let admin = s.staff_token("it@example.org", &pw).await;
        let body = serde_json::json!({"label": "fuzz"});
        let (_, created) = s.post_json("/api/v1/admin/directory-tokens", &admin, body).await;
        created["token"].as_str().expect("token").to_owned()
    });
    let client = reqwest::Client::new();
    let status = |request: reqwest::RequestBuilder| {
        rt.block_on(async { request.send().await.map_or(0, |r| r.status().as_u16()) })
    };
    through_server("SCIM filter", texty(), |filter| {
        let encoded: String = filter
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect();
        status(client.get(s.url(&format!("/scim/v2/Users?filter={encoded}"))).bearer_auth(&token))
    });
    through_server("SCIM body", texty(), |body| {
        let request = client.post(s.url("/scim/v2/Users")).bearer_auth(&token);
        status(request.header("content-type", "application/scim+json").body(body))
    });
    through_server("SCIM patch", texty(), |body| {
        let request = client.patch(s.url("/scim/v2/Users/no-such-id")).bearer_auth(&token);
        status(request.header("content-type", "application/scim+json").body(body))
    });
    through_server("report form", (texty(), texty()), |(boundary, body)| {
        let request = client.post(s.url("/report"));
        status(request.header("content-type", format!("multipart/form-data; boundary={boundary}")).body(body))
    });
    through_server("follow-up form", texty(), |body| {
        let request = client.post(s.url("/follow-up"));
        status(request.header("content-type", "application/x-www-form-urlencoded").body(body))
    });
    through_server("API report", texty(), |body| {
        let request = client.post(s.url("/api/v1/reports"));
        status(request.header("content-type", "application/json").body(body))
    });
    rt.block_on(s.stop());
}

#[test]
fn text_with_nul_is_refused_not_a_server_error_on_either_database() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    for backend in ombud_testkit::backends() {
        let s = rt.block_on(TestServer::start(backend));
        let client = reqwest::Client::new();
        let status =
            |r: reqwest::RequestBuilder| rt.block_on(async { r.send().await.expect("send").status().as_u16() });
        let json = client.post(s.url("/api/v1/staff/session")).header("content-type", "application/json");
        assert_eq!(status(json.body(r#"{"email":"a\u0000@x.example","password":"x"}"#)), 400);
        let form = client.post(s.url("/staff/sign-in")).header("content-type", "application/x-www-form-urlencoded");
        assert_eq!(status(form.body("email=a%00b&password=x")), 400);
        assert_eq!(status(client.get(s.url("/api/v1/cases?q=OMB%00"))), 400);
        let report = reqwest::multipart::Form::new()
            .text("category", "other")
            .text("description", "Text with a NUL\u{0} inside")
            .text("mode", "anonymous");
        assert_eq!(status(client.post(s.url("/report")).multipart(report)), 200, "a form's text loses the NUL");
        rt.block_on(s.stop());
    }
}

#[test]
fn a_report_with_thirty_thousand_requests_is_refused_whole() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let s = rt.block_on(TestServer::start(Backend::Sqlite));
    let requests: Vec<serde_json::Value> = (0..30_000).map(|_| serde_json::json!({"kind": "leave"})).collect();
    let body = serde_json::json!({"category": "other", "description": "x", "requests": requests});
    let (status, answer) = rt.block_on(async {
        let r = reqwest::Client::new().post(s.url("/api/v1/reports")).json(&body).send().await.expect("send");
        (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap_or_default())
    });
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["fields"][0]["code"], "duplicate-request");
    let (status, _) =
        rt.block_on(s.post_json("/api/v1/reports", "", serde_json::json!({"category": "other", "description": "y"})));
    assert_eq!(status, 201, "and the next reporter is served at once");
    rt.block_on(s.stop());
}

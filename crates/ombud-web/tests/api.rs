//! The JSON API through a real server, on SQLite and (when configured) PostgreSQL.

use ombud_domain::Role;
use ombud_testkit::{TestServer, backends};
use serde_json::{Value, json};

async fn get(s: &TestServer, path: &str, token: &str) -> (u16, Value) {
    s.get_json(path, token).await
}

async fn post(s: &TestServer, path: &str, token: &str, body: Value) -> (u16, Value) {
    s.post_json(path, token, body).await
}

#[tokio::test]
async fn a_report_is_answered_acknowledged_and_read_back_by_the_reporter() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let password = s.staff("handler@example.org", Role::Handler).await;
        let (case_ref, receipt) =
            s.report(json!({"category": "sexual_harassment", "description": "他在会议室里说的话让我很不舒服"})).await;
        assert!(case_ref.starts_with("OMB-"), "{backend:?}");
        assert_eq!(receipt.split(' ').count(), 7, "receipt in seven groups");

        let reporter = s.reporter_token(&receipt).await;
        let (status, case) = get(&s, "/api/v1/reporter/case", &reporter).await;
        assert_eq!(status, 200);
        assert_eq!(case["status"], "received");
        assert_eq!(case["deadlines"][0]["kind"], "acknowledge");
        assert_eq!(case["deadlines"][0]["due"], "2026-11-09T09:00:00Z", "7 days after submission");
        assert_eq!(case["deadlines"][1]["due"], Value::Null, "feedback starts at acknowledgement");

        let staff = s.staff_token("handler@example.org", &password).await;
        let (_, list) = get(&s, "/api/v1/cases", &staff).await;
        let id = list["cases"][0]["id"].as_str().expect("id").to_owned();
        assert_eq!(list["cases"][0]["case_ref"], case_ref.as_str());
        let (status, full) = get(&s, &format!("/api/v1/cases/{id}"), &staff).await;
        assert_eq!(status, 200);
        assert_eq!(full["report"]["description"], "他在会议室里说的话让我很不舒服");

        s.clock.advance(jiff::SignedDuration::from_hours(30));
        let (status, _) =
            post(&s, &format!("/api/v1/cases/{id}/messages"), &staff, json!({"body": "Thank you for telling us."}))
                .await;
        assert_eq!(status, 201);
        let (status, acked) = post(&s, &format!("/api/v1/cases/{id}/acknowledge"), &staff, json!({})).await;
        assert_eq!(status, 200, "{acked}");
        assert_eq!(acked["status"], "acknowledged");
        let (status, again) = post(&s, &format!("/api/v1/cases/{id}/acknowledge"), &staff, json!({})).await;
        assert_eq!((status, again["error"]["code"].as_str()), (409, Some("invalid_transition")));

        let (_, case) = get(&s, "/api/v1/reporter/case", &reporter).await;
        assert_eq!(case["status"], "acknowledged");
        assert_eq!(case["deadlines"][1]["due"], "2027-02-03T15:00:00Z", "3 months after acknowledgement");
        assert_eq!(case["messages"][0]["body"], "Thank you for telling us.");
        assert_eq!(case["messages"][0]["author_name"], Value::Null, "the reporter is not told who wrote");
        let (status, _) = post(&s, "/api/v1/reporter/messages", &reporter, json!({"body": "谢谢"})).await;
        assert_eq!(status, 201);
        let (_, full) = get(&s, &format!("/api/v1/cases/{id}"), &staff).await;
        assert_eq!(full["messages"][1]["body"], "谢谢");
        assert_eq!(full["messages"][1]["from_reporter"], true);
        s.stop().await;
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_never_a_5xx() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let c = s.client();
    let url = s.url("/api/v1/reports");
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (c.post(&url).header("content-type", "application/json").body("{not json"), 400, "malformed_json"),
        (c.post(&url).json(&json!({"category": "sexual_harassment"})), 422, "invalid_input"),
        (
            c.post(&url).json(&json!({"category": "sexual_harassment", "description": "x", "mood": "sad"})),
            422,
            "invalid_body",
        ),
        (c.post(&url).json(&json!({"category": "gossip", "description": "x"})), 422, "invalid_input"),
        (
            c.post(&url).json(&json!({"category": "other", "description": "x", "occurred": {"date": "2031-01-01"}})),
            422,
            "invalid_input",
        ),
        (c.post(&url).body("category=other"), 415, "unsupported_media_type"),
        (
            c.post(&url).header("content-type", "application/json").body(vec![b' '; 2 * 1024 * 1024]),
            413,
            "body_too_large",
        ),
        (c.get(s.url("/api/v1/cases")).bearer_auth("forged"), 401, "unauthorized"),
        (c.get(s.url("/api/v1/cases")), 401, "unauthorized"),
        (c.get(s.url("/api/v1/reporter/case")).bearer_auth("forged"), 401, "unauthorized"),
        (c.post(s.url("/api/v1/reporter/session")).json(&json!({"receipt": "hello"})), 400, "malformed_receipt"),
        (c.post(s.url("/api/v1/reporter/session")).json(&json!({})), 422, "invalid_body"),
        (
            c.post(s.url("/api/v1/staff/session")).json(&json!({"email": "no@one.org", "password": "x"})),
            401,
            "bad_credentials",
        ),
        (c.get(s.url("/api/v1/nowhere")), 404, "not_found"),
        (c.delete(s.url("/api/v1/reports")), 405, "method_not_allowed"),
    ];
    for (request, status, code) in cases {
        let response = request.send().await.expect("send");
        let got = response.status().as_u16();
        let body: Value = response.json().await.expect("every error is JSON");
        assert_eq!((got, body["error"]["code"].as_str()), (status, Some(code)), "{body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Field errors name the field and say what is wrong, in the caller's language.
    let response = c
        .post(&url)
        .header("accept-language", "zh-CN")
        .json(&json!({"category": "sexual_harassment", "description": " "}))
        .send()
        .await
        .expect("send");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["fields"][0]["field"], "description");
    assert_eq!(body["error"]["fields"][0]["message"], "请填写此项。");
    s.stop().await;
}

#[tokio::test]
async fn a_wrong_receipt_gets_one_answer_and_guessing_is_limited() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let (_, receipt) = s.report(json!({"category": "other", "description": "x"})).await;
    // A well-formed receipt (right length and check digit) that opens nothing.
    let wrong = ombud_crypto::Receipt::generate().expect("receipt").grouped();
    assert_ne!(wrong, receipt);
    let mut answers = Vec::new();
    for attempt in 0..12 {
        let r = s
            .client()
            .post(s.url("/api/v1/reporter/session"))
            .json(&json!({"receipt": wrong}))
            .send()
            .await
            .expect("send");
        answers.push((attempt, r.status().as_u16()));
    }
    assert!(answers[..10].iter().all(|(_, status)| *status == 401), "{answers:?}");
    assert_eq!(answers[11].1, 429, "the eleventh failure from one client is refused");
    // Her correct receipt still opens her case, from that very client.
    let right = s.client().post(s.url("/api/v1/reporter/session")).json(&json!({"receipt": receipt}));
    assert_eq!(right.send().await.expect("send").status(), 200, "a correct receipt always gets in");
    s.stop().await;
}

#[tokio::test]
async fn no_number_of_wrong_receipts_from_any_number_of_addresses_locks_her_out() {
    let web = ombud_web::WebConfig { trusted_proxies: vec!["127.0.0.1".parse().expect("ip")], ..Default::default() };
    let s = TestServer::start_with(ombud_testkit::Options { web, ..Default::default() }).await;
    let (_, receipt) = s.report(json!({"category": "other", "description": "x"})).await;
    let derivations = s.ombud.key_derivations();
    // Three hundred wrong receipts from thirty addresses behind the proxy, and from the proxy itself.
    for i in 0..300u32 {
        let wrong = ombud_crypto::Receipt::generate().expect("receipt").grouped();
        let from = format!("198.51.100.{}", i % 30);
        let r = s
            .client()
            .post(s.url("/api/v1/reporter/session"))
            .header("x-forwarded-for", from)
            .json(&json!({"receipt": wrong}));
        assert!(matches!(r.send().await.expect("send").status().as_u16(), 401 | 429));
    }
    assert_eq!(s.ombud.key_derivations(), derivations, "a receipt that matches no case costs no key derivation");
    for from in ["198.51.100.3", "203.0.113.50"] {
        let api = s.client().post(s.url("/api/v1/reporter/session")).header("x-forwarded-for", from);
        assert_eq!(api.json(&json!({"receipt": receipt})).send().await.expect("send").status(), 200, "API from {from}");
        let form = s.browser().post(s.url("/follow-up")).header("x-forwarded-for", from);
        let page = form.form(&[("receipt", receipt.as_str())]).send().await.expect("send");
        assert_eq!(page.status(), 303, "the follow-up form from {from} opens her case");
    }
    // What a client writes before the address the proxy added does not count: the nearest untrusted hop does.
    let guess = ombud_crypto::Receipt::generate().expect("receipt").grouped();
    let spoofed = s
        .client()
        .post(s.url("/api/v1/reporter/session"))
        .header("x-forwarded-for", "203.0.113.77, 198.51.100.1, 127.0.0.1");
    assert_eq!(spoofed.json(&json!({"receipt": guess})).send().await.expect("send").status(), 429);
    s.stop().await;
}

#[tokio::test]
async fn a_case_someone_may_not_see_answers_exactly_like_a_missing_one() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let admin_pw = s.staff("admin@example.org", Role::Admin).await;
        let first_pw = s.staff("first@example.org", Role::Handler).await;
        s.report(json!({"category": "other", "description": "secret"})).await;
        let handler_pw = s.staff("late@example.org", Role::Handler).await;
        let handler = s.staff_token("late@example.org", &handler_pw).await;
        let (_, list) = get(&s, "/api/v1/cases", &handler).await;
        assert_eq!(list["cases"][0]["access_pending"], true, "a handler added later waits for a grant");
        // The scheme is case-insensitive (RFC 9110): a client that writes `bearer` is not refused.
        let lower = s.client().get(s.url("/api/v1/cases")).header("authorization", format!("bearer {handler}"));
        assert_eq!(lower.send().await.expect("get").status(), 200);
        let id = list["cases"][0]["id"].as_str().expect("id").to_owned();
        let (status, pending) = get(&s, &format!("/api/v1/cases/{id}"), &handler).await;
        assert_eq!((status, pending["error"]["code"].as_str()), (409, Some("access_pending")));
        // A reader who holds the key opens the case, which completes the grant.
        let first = s.staff_token("first@example.org", &first_pw).await;
        assert_eq!(get(&s, &format!("/api/v1/cases/{id}"), &first).await.0, 200);
        let (status, opened) = get(&s, &format!("/api/v1/cases/{id}"), &handler).await;
        assert_eq!((status, opened["report"]["description"].as_str()), (200, Some("secret")));

        let admin = s.staff_token("admin@example.org", &admin_pw).await;
        let (_, admin_list) = get(&s, "/api/v1/cases", &admin).await;
        assert_eq!(admin_list["cases"], json!([]), "an administrator reads no case");
        let hidden = get(&s, &format!("/api/v1/cases/{id}"), &admin).await;
        let missing = get(&s, &format!("/api/v1/cases/{}", uuid_like()), &admin).await;
        let garbage = get(&s, "/api/v1/cases/not-an-id", &admin).await;
        assert_eq!(hidden.0, 404);
        assert_eq!(hidden, missing);
        assert_eq!(hidden, garbage);
        assert!(!hidden.1.to_string().contains(&id));
        s.stop().await;
    }
}

fn uuid_like() -> &'static str {
    "01a20415-0000-7000-8000-000000000000"
}

/// The values of a schema's enum, following a `$ref` into the components.
fn enum_values(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = match schema["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
        None => schema,
    };
    schema["enum"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
}

#[tokio::test]
async fn the_openapi_document_is_served_and_lists_every_route() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let doc: Value =
        s.client().get(s.url("/api/v1/openapi.json")).send().await.expect("get").json().await.expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    let routes = ombud_web::api_routes();
    assert!(routes.len() >= 34, "{} routes documented", routes.len());
    for (method, path) in &routes {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path}");
        // Every path parameter is declared.
        let declared: Vec<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .filter_map(|p| p["name"].as_str())
            .collect();
        for segment in path.split('/').filter(|seg| seg.starts_with('{')) {
            let name = segment.trim_matches(|c| c == '{' || c == '}');
            assert!(declared.contains(&name), "{method} {path} does not declare {name}");
        }
        // And the route exists: anything but the router's "no such route".
        let filled: String = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { if seg == "{position}" { "0" } else { uuid_like() } } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        let url = s.url(&format!("/api/v1{filled}"));
        let verb = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let response = match method.as_str() {
            "get" | "delete" => s.client().request(verb, url),
            _ => s.client().request(verb, url).json(&json!({})),
        }
        .send()
        .await
        .expect("send");
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status != 405 && status < 500, "{method} {path}: {status} {body}");
        if status == 404 {
            assert!(path.contains('{'), "{method} {path} is not routed");
        }
    }
    // Every value an API client can receive is listed.
    let schemas = &doc["components"]["schemas"];
    let mut statuses = enum_values(&doc, &schemas["CaseBody"]["properties"]["status"]);
    statuses.sort();
    let mut all: Vec<String> = ombud_domain::CaseStatus::ALL.iter().map(|s| s.as_str().to_owned()).collect();
    all.sort();
    assert_eq!(statuses.len(), 9, "{statuses:?}");
    assert_eq!(statuses, all);
    let kinds = enum_values(&doc, &schemas["CaseDeadline"]["properties"]["kind"]);
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    assert_eq!(enum_values(&doc, &schemas["StepIn"]["properties"]["step"]).len(), 14);
    s.stop().await;
}

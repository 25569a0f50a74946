//! Deadlines that are real, with a moved clock: a case nobody acknowledged
//! reaches oversight by itself, she sees that it did, and she can raise it
//! herself once a deadline passed — never before.

use jiff::SignedDuration;
use ombud_domain::{Clock, Role};
use ombud_testkit::{TestServer, backends};
use serde_json::{Value, json};

async fn get(s: &TestServer, path: &str, token: &str) -> (u16, Value) {
    s.get_json(path, token).await
}

async fn post(s: &TestServer, path: &str, token: &str) -> (u16, Value) {
    s.post_json(path, token, json!({})).await
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

#[tokio::test]
async fn an_unacknowledged_case_escalates_to_oversight_after_seven_days() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let handler_pw = s.staff("h@example.org", Role::Handler).await;
        let oversight_pw = s.staff("o@example.org", Role::Oversight).await;
        let (case_ref, receipt) = s
            .report(json!({"category": "sexual_harassment", "description": "nobody answers", "language": "zh-CN"}))
            .await;

        s.clock.advance(days(6));
        assert!(s.ombud.sweep(s.clock.now()).await.expect("sweep").escalated.is_empty(), "not yet due");
        s.clock.advance(days(1) + SignedDuration::from_mins(1));
        let swept = s.ombud.sweep(s.clock.now()).await.expect("sweep");
        assert_eq!(swept.escalated.len(), 1);
        assert_eq!((swept.escalated[0].0.as_str(), swept.escalated[0].1.as_str()), (case_ref.as_str(), "acknowledge"));
        assert!(s.ombud.sweep(s.clock.now()).await.expect("sweep").escalated.is_empty(), "escalated once, not twice");

        let oversight = s.staff_token("o@example.org", &oversight_pw).await;
        let (status, queue) = get(&s, "/api/v1/oversight/escalations", &oversight).await;
        assert_eq!(status, 200);
        let first = &queue["escalations"][0];
        assert_eq!(first["case_ref"], case_ref.as_str());
        assert_eq!(first["cause"], "missed_deadline");
        assert_eq!(first["missed_deadline"]["kind"], "acknowledge");
        assert_eq!(first["missed_deadline"]["due"], "2026-11-09T09:00:00Z");
        let handler = s.staff_token("h@example.org", &handler_pw).await;
        assert_eq!(get(&s, "/api/v1/oversight/escalations", &handler).await.0, 403, "the queue is the committee's");

        // She sees it, in her language, with the date; and it is on her record.
        let reporter = s.reporter_token(&receipt).await;
        let (_, case) = get(&s, "/api/v1/reporter/case", &reporter).await;
        assert_eq!(case["escalated_at"], "2026-11-09T09:01:00Z");
        let (status, lean) = get(&s, "/api/v1/reporter/status", &reporter).await;
        assert_eq!(
            (status, lean["status"].as_str(), lean["escalated_at"].as_str()),
            (200, Some("received"), Some("2026-11-09T09:01:00Z"))
        );
        assert_eq!(lean["deadlines"][0]["kind"], "acknowledge");
        assert!(lean.get("report").is_none(), "the status read opens no content");
        let browser = s.browser();
        browser
            .post(s.url("/follow-up?lang=zh-CN"))
            .form(&[("receipt", receipt.as_str())])
            .send()
            .await
            .expect("sign in");
        let page = browser.get(s.url("/follow-up")).send().await.expect("page").text().await.expect("html");
        assert!(page.contains("您的案件已于 2026年11月9日 09:01 (UTC) 提交给独立监督委员会"), "her page says so");
        assert!(page.contains("已提交监督委员会"), "the escalation is in her record of handling");

        // The committee's page lists it too.
        let committee = s.staff_browser("o@example.org", &oversight_pw).await;
        let html = committee
            .get(s.url("/oversight/escalations?lang=en"))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(html.contains(&case_ref) && html.contains("A deadline was missed") && html.contains("Confirm receipt"));
        s.stop().await;
    }
}

#[tokio::test]
async fn she_can_raise_her_case_herself_only_once_a_deadline_passed() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let oversight_pw = s.staff("o@example.org", Role::Oversight).await;
        let (_, receipt) = s.report(json!({"category": "retaliation", "description": "x"})).await;
        let reporter = s.reporter_token(&receipt).await;
        let (status, body) = post(&s, "/api/v1/reporter/escalate", &reporter).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("escalation_not_yet")));

        let browser = s.browser();
        browser.post(s.url("/follow-up")).form(&[("receipt", receipt.as_str())]).send().await.expect("sign in");
        let page = browser.get(s.url("/follow-up")).send().await.expect("page").text().await.expect("html");
        assert!(!page.contains("/follow-up/escalate"), "no button before a deadline passes");

        s.clock.advance(days(8));
        let page = browser.get(s.url("/follow-up")).send().await.expect("page").text().await.expect("html");
        assert!(page.contains("action=\"/follow-up/escalate\""), "one button, no script");
        let r = browser.post(s.url("/follow-up/escalate")).send().await.expect("escalate");
        assert_eq!(r.status(), 303);
        let page = browser.get(s.url("/follow-up")).send().await.expect("page").text().await.expect("html");
        assert!(page.contains("Your case was raised to the independent oversight committee on"));
        assert!(!page.contains("action=\"/follow-up/escalate\""), "once is enough");
        let (status, again) = post(&s, "/api/v1/reporter/escalate", &reporter).await;
        assert_eq!(status, 200, "asking again changes nothing: {again}");

        let oversight = s.staff_token("o@example.org", &oversight_pw).await;
        let (_, queue) = get(&s, "/api/v1/oversight/escalations", &oversight).await;
        assert_eq!(queue["escalations"].as_array().map(Vec::len), Some(1));
        assert_eq!(queue["escalations"][0]["cause"], "reporter");
        // The sweep still records the missed deadline itself.
        assert_eq!(s.ombud.sweep(s.clock.now()).await.expect("sweep").escalated.len(), 1);
        let (_, queue) = get(&s, "/api/v1/oversight/escalations", &oversight).await;
        assert_eq!(queue["escalations"].as_array().map(Vec::len), Some(2));
        s.stop().await;
    }
}

#[tokio::test]
async fn an_acknowledged_case_escalates_only_when_feedback_is_late() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let pw = s.staff("h@example.org", Role::Handler).await;
    s.report(json!({"category": "discrimination", "description": "x"})).await;
    let handler = s.staff_token("h@example.org", &pw).await;
    let (_, list) = get(&s, "/api/v1/cases", &handler).await;
    let id = list["cases"][0]["id"].as_str().expect("id").to_owned();
    assert_eq!(list["cases"][0]["next_deadline"]["kind"], "acknowledge");
    s.clock.advance(days(2));
    let (status, acked) = post(&s, &format!("/api/v1/cases/{id}/acknowledge"), &handler).await;
    assert_eq!(status, 200);
    assert_eq!(acked["deadlines"][1]["kind"], "feedback");
    assert_eq!(acked["deadlines"][1]["due"], "2027-02-04T09:00:00Z");
    s.clock.advance(days(30));
    assert!(s.ombud.sweep(s.clock.now()).await.expect("sweep").escalated.is_empty(), "acknowledged in time");
    let (_, list) = get(&s, "/api/v1/cases", &handler).await;
    assert_eq!(list["cases"][0]["next_deadline"]["kind"], "feedback");
    s.clock.advance(days(70));
    let swept = s.ombud.sweep(s.clock.now()).await.expect("sweep");
    assert_eq!(swept.escalated.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(), ["feedback"]);
    s.stop().await;
}

#[tokio::test]
async fn deadlines_are_computed_in_the_organisation_zone_and_shown_in_the_viewers() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let pw = s.staff("h@example.org", Role::Handler).await;
    s.ombud.set_staff_time_zone("h@example.org", "Asia/Shanghai").await.expect("zone");
    assert!(s.ombud.set_staff_time_zone("h@example.org", "Mars/Olympus").await.is_err());
    let (_, receipt) = s.report(json!({"category": "other", "description": "x"})).await;
    let handler = s.staff_browser("h@example.org", &pw).await;
    let inbox = handler.get(s.url("/staff/cases?lang=en")).send().await.expect("inbox").text().await.expect("html");
    assert!(inbox.contains("9 Nov 2026, 17:00 (Asia/Shanghai)"), "her zone");
    let reporter = s.browser();
    reporter.post(s.url("/follow-up?lang=en")).form(&[("receipt", receipt.as_str())]).send().await.expect("sign in");
    let page = reporter.get(s.url("/follow-up")).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("9 Nov 2026, 09:00 (UTC)"), "the organisation's zone, named");
    s.stop().await;
}

/// Every kind of deadline missed at once, and the committee's escalation page
/// read in both languages: each kind by its name, never a missing-key text.
#[tokio::test]
async fn oversight_reads_every_kind_of_missed_deadline_by_its_name() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let handler_pw = s.staff("h@example.org", Role::Handler).await;
    let oversight_pw = s.staff("o@example.org", Role::Oversight).await;
    // Assault with a request: acknowledgement, triage, interim measures, the request's answer.
    s.report(
        json!({"category": "sexual_assault", "description": "after the party", "requests": [{"kind": "no_contact"}]}),
    )
    .await;
    // Acknowledged at once, then nothing: the three-month feedback.
    let (quiet_ref, _) = s.report(json!({"category": "sexual_harassment", "description": "in meetings"})).await;
    let handler = s.staff_token("h@example.org", &handler_pw).await;
    let (_, list) = get(&s, "/api/v1/cases", &handler).await;
    let quiet = list["cases"].as_array().expect("cases").iter().find(|c| c["case_ref"] == quiet_ref.as_str());
    let quiet_id = quiet.and_then(|c| c["id"].as_str()).expect("case id").to_owned();
    assert_eq!(post(&s, &format!("/api/v1/cases/{quiet_id}/acknowledge"), &handler).await.0, 200);

    s.clock.advance(days(95));
    let swept = s.ombud.sweep(s.clock.now()).await.expect("sweep");
    let mut kinds: Vec<&str> = swept.escalated.iter().map(|(_, kind, _)| kind.as_str()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["acknowledge", "feedback", "interim_measures", "request_answer", "triage"]);

    let committee = s.staff_browser("o@example.org", &oversight_pw).await;
    let names = [
        (
            "en",
            [
                "Confirm receipt",
                "Triage",
                "Decision on interim measures",
                "Feedback on what was done",
                "Answer to a request",
            ],
        ),
        ("zh-CN", ["确认收到", "分诊", "临时措施决定", "反馈处理情况", "答复请求"]),
    ];
    for (lang, expected) in names {
        let url = s.url(&format!("/oversight/escalations?lang={lang}"));
        let html = committee.get(url).send().await.expect("page").text().await.expect("html");
        for name in expected {
            assert!(html.contains(name), "{lang}: the page names {name:?}");
        }
        assert!(!html.contains("Unknown localization key"), "{lang}: a key is missing");
        assert!(!html.contains("interim_measures") && !html.contains("request_answer"), "{lang}: a raw name leaks");
    }
    s.stop().await;
}

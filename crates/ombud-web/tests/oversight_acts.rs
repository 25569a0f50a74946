//! Oversight can act on what it sees: escalations grouped by case with what
//! was missed; from there it writes to her, takes the case over, and marks
//! the escalation dealt with, with a note; the access log says each
//! person's reads once, with how many.

use jiff::SignedDuration;
use ombud_domain::{Clock, Role};
use ombud_testkit::{TestServer, backends};
use serde_json::json;

#[tokio::test]
async fn oversight_sees_an_escalated_case_once_writes_to_her_takes_it_over_and_marks_it_dealt_with() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let hpw = s.staff("h@example.org", Role::Handler).await;
        let opw = s.staff("o@example.org", Role::Oversight).await;
        let h = s.staff_token("h@example.org", &hpw).await;
        let o = s.staff_token("o@example.org", &opw).await;
        let (_, receipt) = s
            .report(json!({"category": "sexual_harassment", "description": "He blocks the door of the store room.",
                "requests": [{"kind": "no_contact"}]}))
            .await;
        let id = s.get_json("/api/v1/cases", &h).await.1["cases"][0]["id"].as_str().expect("id").to_owned();
        // Nobody acts: the request's five days and the acknowledgement's seven run out.
        s.clock.advance(SignedDuration::from_hours(24 * 8));
        s.ombud.sweep(s.clock.now()).await.expect("sweep");

        // One case, with both things missed; one item in the queue.
        let (_, escalated) = s.get_json("/api/v1/oversight/escalated-cases", &o).await;
        let cases = escalated["cases"].as_array().expect("cases");
        assert_eq!(cases.len(), 1, "{escalated}");
        let missed: Vec<&str> =
            cases[0]["missed"].as_array().expect("missed").iter().filter_map(|m| m["deadline"].as_str()).collect();
        assert_eq!(missed, ["request_answer", "acknowledge"]);
        let (_, queue) = s.get_json("/api/v1/oversight/queue", &o).await;
        let items = queue["items"].as_array().expect("items");
        assert_eq!(items.iter().filter(|i| i["kind"] == "escalation" && i["case_id"] == id.as_str()).count(), 1);

        // Oversight writes to her, though the case is the handlers' to work.
        let body = json!({"body": "The oversight committee has your case and will answer your request this week."});
        assert_eq!(s.post_json(&format!("/api/v1/cases/{id}/messages"), &o, body).await.0, 201);
        let reporter = s.reporter_token(&receipt).await;
        let (_, mine) = s.get_json("/api/v1/reporter/case", &reporter).await;
        assert!(mine["messages"].to_string().contains("oversight committee has your case"));
        // It cannot take a handler's step until it takes the case over; then it can.
        let ack = format!("/api/v1/cases/{id}/acknowledge");
        assert_eq!(s.post_json(&ack, &o, json!({})).await.0, 403);
        let (status, view) =
            s.post_json(&format!("/api/v1/cases/{id}/assignment"), &o, json!({"lead": "o@example.org"})).await;
        assert_eq!((status, view["lead"]["email"].as_str()), (200, Some("o@example.org")));
        assert_eq!(s.post_json(&ack, &o, json!({})).await.0, 200, "taken over, it is hers to work");

        // Dealt with: a note is needed, then the case leaves the queue; the note is on the record.
        let resolve = format!("/api/v1/oversight/escalations/{id}/resolve");
        let (status, body) = s.post_json(&resolve, &o, json!({"note": "ok"})).await;
        assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("too-short")));
        let note = "Took the case over, acknowledged it and wrote to her.";
        let (status, body) = s.post_json(&resolve, &o, json!({"note": note})).await;
        assert_eq!((status, body["resolved"].as_u64()), (200, Some(2)));
        let (_, escalated) = s.get_json("/api/v1/oversight/escalated-cases", &o).await;
        assert_eq!(escalated["cases"], json!([]));
        let (_, queue) = s.get_json("/api/v1/oversight/queue", &o).await;
        assert!(!queue["items"].as_array().expect("items").iter().any(|i| i["kind"] == "escalation"));
        let (status, body) = s.post_json(&resolve, &o, json!({"note": note})).await;
        assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("nothing-escalated")));
        let events = s.ombud.store().events(id.parse().expect("id")).await.expect("events");
        assert!(events.iter().any(|e| e.kind == ombud_domain::EventKind::EscalationResolved), "on the ledger");
        let (_, mine) = s.get_json("/api/v1/reporter/case", &reporter).await;
        assert!(!mine.to_string().contains(note) && !mine.to_string().contains("escalation_resolved"));
        // A handler cannot.
        assert_eq!(s.post_json(&resolve, &h, json!({"note": note})).await.0, 403);
        s.stop().await;
    }
}

#[tokio::test]
async fn the_oversight_page_groups_escalations_and_keeps_a_refused_note() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let opw = s.staff("o@example.org", Role::Oversight).await;
    s.staff("h@example.org", Role::Handler).await;
    let o = s.staff_token("o@example.org", &opw).await;
    let (reference, _) = s
        .report(json!({"category": "retaliation", "description": "My shifts were cut after I spoke up.",
            "requests": [{"kind": "leave"}]}))
        .await;
    s.clock.advance(SignedDuration::from_hours(24 * 8));
    s.ombud.sweep(s.clock.now()).await.expect("sweep");
    let page = s.page("/oversight/escalations?lang=zh-CN", &o).await;
    assert_eq!(page.matches(&format!(">{reference}</a> <span")).count(), 1, "one entry for the case");
    assert!(page.contains("已上报的案件") && page.contains("标记为已处理"));
    let id = s.get_json("/api/v1/cases", &o).await.1["cases"][0]["id"].as_str().expect("id").to_owned();
    let browser = s.staff_browser("o@example.org", &opw).await;
    let sent = browser
        .post(s.url(&format!("/oversight/escalations/{id}/resolve?lang=en")))
        .form(&[("note", "Called")])
        .send()
        .await
        .expect("post");
    assert_eq!(sent.status(), 422);
    let page = sent.text().await.expect("html");
    assert!(page.contains(&format!("id=\"resolve-{id}-note-error\"")) && page.contains(">Called</textarea>"));
    let sent = browser
        .post(s.url(&format!("/oversight/escalations/{id}/resolve?lang=en")))
        .form(&[("note", "Called the handler; she answers the request today.")])
        .send()
        .await
        .expect("post");
    assert_eq!(sent.status(), 303);
    let page =
        browser.get(s.url("/oversight/escalations?done=escalation-resolved&lang=en")).send().await.expect("page");
    let page = page.text().await.expect("html");
    assert!(page.contains("The escalation was marked dealt with"));
    assert!(!page.contains(&format!("id=\"escalated-{id}\"")), "gone from the list");
    s.stop().await;
}

#[tokio::test]
async fn the_access_log_says_each_persons_reads_once_with_how_many() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let hpw = s.staff("h@example.org", Role::Handler).await;
    let opw = s.staff("o@example.org", Role::Oversight).await;
    let h = s.staff_token("h@example.org", &hpw).await;
    let o = s.staff_token("o@example.org", &opw).await;
    s.report(json!({"category": "other", "description": "Locked exits."})).await;
    let id = s.get_json("/api/v1/cases", &h).await.1["cases"][0]["id"].as_str().expect("id").to_owned();
    for _ in 0..60 {
        s.clock.advance(SignedDuration::from_mins(1));
        assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &h).await.0, 200);
    }
    let (_, log) = s.get_json(&format!("/api/v1/cases/{id}/access-log"), &o).await;
    let summary = log["summary"].as_array().expect("summary");
    let handler = summary.iter().find(|l| l["staff_name"] == "Staff h@example.org").expect("her line");
    assert_eq!(handler["count"], 60);
    assert_eq!(log["entries"].as_array().expect("entries").len(), 60, "every read is still there");
    let page = s.page(&format!("/staff/cases/{id}?lang=en"), &o).await;
    let access = page.split("id=\"access-log\"").nth(1).expect("log");
    assert_eq!(access.matches("Staff h@example.org").count(), 1, "one line for sixty reads");
    assert!(access.contains("60 times"));
    s.stop().await;
}

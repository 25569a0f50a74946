//! A handler's daily work: who works on a case (chosen only among its
//! readers), reminders that follow the assignment, handing a case back,
//! notes she never sees, labels from the organisation's list.

use jiff::SignedDuration;
use ombud_domain::{Clock, Role, StaffId};
use ombud_testkit::{TestServer, backends};
use serde_json::{Value, json};
use std::collections::BTreeSet;

struct Team {
    tokens: Vec<String>,
    ids: Vec<StaffId>,
    emails: Vec<String>,
    oversight: String,
}

/// Four handlers and an oversight member.
async fn team(s: &TestServer) -> Team {
    let mut t = Team { tokens: Vec::new(), ids: Vec::new(), emails: Vec::new(), oversight: String::new() };
    for n in 1..=4 {
        let email = format!("h{n}@example.org");
        let pw = s.staff(&email, Role::Handler).await;
        t.tokens.push(s.staff_token(&email, &pw).await);
        t.ids.push(s.ombud.store().staff_by_email(&email).await.expect("store").expect("staff").id);
        t.emails.push(email);
    }
    let pw = s.staff("o@example.org", Role::Oversight).await;
    t.oversight = s.staff_token("o@example.org", &pw).await;
    t
}

/// A case with a request, acknowledged and taken past triage by `token`.
async fn case_past_triage(s: &TestServer, token: &str, description: &str) -> (String, String) {
    let (_, receipt) = s
        .report(json!({"category": "sexual_harassment", "description": description,
            "requests": [{"kind": "no_contact"}]}))
        .await;
    let (_, list) = s.get_json("/api/v1/cases", token).await;
    let id = list["cases"][0]["id"].as_str().expect("case").to_owned();
    let steps = format!("/api/v1/cases/{id}/steps");
    assert_eq!(s.post_json(&steps, token, json!({"step": "acknowledge"})).await.0, 200);
    let body = json!({"step": "assess_in_scope", "reason": "Harassment by a colleague, ours to investigate."});
    assert_eq!(s.post_json(&steps, token, body).await.0, 200);
    (id, receipt)
}

fn queue_kinds(queue: &Value, id: &str) -> Vec<String> {
    queue["items"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(queue.as_array().into_iter().flatten())
        .filter(|i| i["case_id"] == id)
        .map(|i| i["kind"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Who was reminded of each case's deadlines, by the deadline's id.
async fn reminded(s: &TestServer) -> Vec<(String, StaffId)> {
    let now = s.clock.now();
    let notices = s.ombud.store().claim_outbox(now, now + SignedDuration::from_mins(5), 100).await.expect("claim");
    // A reminder's id is the deadline's id and the staff member's.
    notices.iter().filter(|n| n.kind == "reminder").map(|n| (n.id[..36].to_owned(), n.staff_id)).collect()
}

/// Who was reminded of a case's deadlines.
async fn reminded_of(s: &TestServer, token: &str, case: &str, all: &[(String, StaffId)]) -> BTreeSet<StaffId> {
    let (_, view) = s.get_json(&format!("/api/v1/cases/{case}"), token).await;
    let ids: Vec<&str> =
        view["deadlines"].as_array().expect("deadlines").iter().filter_map(|d| d["id"].as_str()).collect();
    all.iter().filter(|(d, _)| ids.contains(&d.as_str())).map(|(_, staff)| *staff).collect()
}

#[tokio::test]
async fn a_case_is_assigned_among_its_readers_and_reminders_follow_the_assignment() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let t = team(&s).await;
        let (id, receipt) = case_past_triage(&s, &t.tokens[0], "He keeps touching my shoulders.").await;
        let assign = format!("/api/v1/cases/{id}/assignment");

        // Past triage and nobody leads: it waits in oversight's queue.
        let (_, queue) = s.get_json("/api/v1/oversight/queue", &t.oversight).await;
        assert_eq!(queue_kinds(&queue, &id), ["unassigned"], "{queue}");

        // A handler cannot put a colleague on a case nobody leads; she can take it herself.
        let (status, _) = s.post_json(&assign, &t.tokens[1], json!({"lead": t.emails[2]})).await;
        assert_eq!(status, 403);
        let (status, view) = s.post_json(&assign, &t.tokens[0], json!({"lead": t.emails[0].to_uppercase()})).await;
        assert_eq!(status, 200, "{view}");
        assert_eq!(view["lead"]["email"], t.emails[0]);
        let (_, queue) = s.get_json("/api/v1/oversight/queue", &t.oversight).await;
        assert!(queue_kinds(&queue, &id).is_empty(), "led, it leaves the queue");
        // Nobody else takes a case someone leads.
        let (status, _) = s.post_json(&assign, &t.tokens[1], json!({"lead": t.emails[1]})).await;
        assert_eq!(status, 403);

        // The lead names a team, by email or staff id; someone who stepped aside cannot be named.
        assert_eq!(s.post_json(&format!("/api/v1/cases/{id}/recuse"), &t.tokens[2], json!({})).await.0, 200);
        let body = json!({"lead": t.emails[0], "team": [t.ids[1].to_string(), t.emails[2]]});
        let (status, refused) = s.post_json(&assign, &t.tokens[0], body).await;
        assert_eq!(status, 422);
        assert_eq!(refused["error"]["fields"][0]["field"], "team.1");
        assert_eq!(refused["error"]["fields"][0]["code"], "not-a-reader");
        let (status, view) =
            s.post_json(&assign, &t.tokens[0], json!({"lead": t.emails[0], "team": [t.ids[1].to_string()]})).await;
        assert_eq!(status, 200);
        assert_eq!(view["team"][0]["email"], t.emails[1]);

        // Reminders go to the lead and the team, not to every reader.
        let other = case_past_triage(&s, &t.tokens[3], "My manager shouts at me in meetings.").await.0;
        reminded(&s).await;
        s.clock.advance(SignedDuration::from_hours(24 * 3) + SignedDuration::from_hours(1));
        s.ombud.sweep(s.clock.now()).await.expect("sweep");
        let got = reminded(&s).await;
        // Both cases' request deadlines fall due: the led one reminds its two, the other every handler reading it.
        let led = reminded_of(&s, &t.tokens[0], &id, &got).await;
        assert_eq!(led, [t.ids[0], t.ids[1]].into(), "the lead and the team only");
        let unled = reminded_of(&s, &t.tokens[3], &other, &got).await;
        assert_eq!(unled, t.ids.iter().copied().collect(), "a case nobody leads reminds every handler reading it");
        let events = s.ombud.store().events(id.parse().expect("id")).await.expect("events");
        assert!(events.iter().any(|e| e.kind == ombud_domain::EventKind::Assigned), "on the ledger");

        // Handing back needs a reason; then the case waits on oversight again.
        let (status, refused) = s.post_json(&assign, &t.tokens[0], json!({"lead": null, "reason": ""})).await;
        assert_eq!((status, refused["error"]["fields"][0]["field"].as_str()), (422, Some("reason")));
        let reason = "I am on leave for three weeks from Monday.";
        let (status, view) = s.post_json(&assign, &t.tokens[0], json!({"lead": null, "reason": reason})).await;
        assert_eq!(status, 200);
        assert!(view["lead"].is_null());
        let (_, queue) = s.get_json("/api/v1/oversight/queue", &t.oversight).await;
        assert_eq!(queue_kinds(&queue, &id), ["unassigned"]);
        // Oversight assigns anyone who may read it, and the reason stays on the case for its readers.
        let (status, view) = s.post_json(&assign, &t.oversight, json!({"lead": t.emails[3]})).await;
        assert_eq!((status, view["lead"]["email"].as_str()), (200, Some(t.emails[3].as_str())));
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &t.tokens[3]).await;
        let history = case["assignment_history"].as_array().expect("history");
        assert!(history.iter().any(|h| h["reason"] == reason), "{history:?}");

        // She sees nothing of it.
        let reporter = s.reporter_token(&receipt).await;
        let (_, mine) = s.get_json("/api/v1/reporter/case", &reporter).await;
        assert!(mine.get("assignment").is_none() && mine.get("notes").is_none());
        assert!(!mine.to_string().contains("assigned") && !mine.to_string().contains(reason));
        s.stop().await;
    }
}

#[tokio::test]
async fn notes_stay_among_the_readers_and_labels_come_from_the_list() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let t = team(&s).await;
        let (id, receipt) = case_past_triage(&s, &t.tokens[0], "He sent me messages at night.").await;
        let note = "NOTE-SENTINEL 证人王女士周二有空。";
        let (status, created) =
            s.post_json(&format!("/api/v1/cases/{id}/notes"), &t.tokens[0], json!({"body": note})).await;
        assert_eq!(status, 201, "{created}");
        let (status, _) = s.post_json(&format!("/api/v1/cases/{id}/notes"), &t.tokens[0], json!({"body": "  "})).await;
        assert_eq!(status, 422);
        // Another reader sees it; a reader who stepped aside, and she, do not.
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &t.tokens[1]).await;
        assert_eq!(case["notes"][0]["body"], note);
        assert_eq!(case["notes"][0]["by"], "Staff h1@example.org");
        assert_eq!(s.post_json(&format!("/api/v1/cases/{id}/recuse"), &t.tokens[2], json!({})).await.0, 200);
        let (status, _) = s.get_json(&format!("/api/v1/cases/{id}"), &t.tokens[2]).await;
        assert_eq!(status, 404);
        let reporter = s.reporter_token(&receipt).await;
        let (_, mine) = s.get_json("/api/v1/reporter/case", &reporter).await;
        assert!(!mine.to_string().contains("NOTE-SENTINEL"), "never in her view");
        let record =
            s.client().get(s.url("/api/v1/reporter/record")).bearer_auth(&reporter).send().await.expect("record");
        assert!(!record.text().await.expect("record").contains("NOTE-SENTINEL"));

        // Labels: chosen from the list, never typed.
        let labels = format!("/api/v1/cases/{id}/labels");
        let put = |body: Value| s.client().post(s.url(&labels)).bearer_auth(&t.tokens[0]).json(&body).send();
        let response = put(json!({"labels": ["urgent", "interpreter", "urgent"]})).await.expect("put");
        assert_eq!(response.status(), 200);
        assert_eq!(response.json::<Value>().await.expect("json")["labels"], json!(["interpreter", "urgent"]));
        let response = put(json!({"labels": ["he-did-it"]})).await.expect("put");
        assert_eq!(response.status(), 422, "not on the list");
        let (_, listed) = s.get_json("/api/v1/labels", &t.tokens[0]).await;
        assert!(listed.as_array().expect("labels").iter().any(|l| l["key"] == "urgent" && l["name_zh"] == "紧急"));
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &t.tokens[1]).await;
        assert_eq!(case["labels"], json!(["interpreter", "urgent"]));
        s.stop().await;
    }
}

#[tokio::test]
async fn the_case_page_takes_assigns_hands_back_notes_and_labels_keeping_what_was_typed() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let t = team(&s).await;
    let (id, _) = case_past_triage(&s, &t.tokens[0], "He follows me to the car park.").await;
    let pw = "pw-h1@example.org-long-enough";
    let browser = s.staff_browser("h1@example.org", pw).await;
    let post = |path: &str, lang: &str, form: Vec<(&str, &str)>| {
        browser.post(s.url(&format!("/staff/cases/{id}/{path}?lang={lang}"))).form(&form).send()
    };
    let page = browser.get(s.url(&format!("/staff/cases/{id}?lang=zh-CN"))).send().await.expect("page");
    let page = page.text().await.expect("html");
    assert!(page.contains("目前还没有人负责此案件") && page.contains("由我负责"), "nobody leads; she may take it");

    let sent = post("assignment", "en", vec![("lead", "h1@example.org")]).await.expect("take");
    assert_eq!(sent.status(), 303);
    let location = sent.headers()["location"].to_str().expect("location").to_owned();
    let page =
        browser.get(s.url(&format!("{location}&lang=en"))).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("Who works on the case was saved"), "said at the top");
    assert!(page.contains("Lead investigator: <strong>Staff h1@example.org · h1@example.org</strong>"));

    // Handing back without a reason: the form comes back open, with the problem beside the reason.
    let sent =
        post("assignment", "zh-CN", vec![("form", "hand-back"), ("lead", ""), ("reason", "")]).await.expect("post");
    assert_eq!(sent.status(), 422);
    let page = sent.text().await.expect("html");
    assert!(page.contains("id=\"hand-back-reason-error\"") && page.contains("请填写此项"));
    assert!(page.contains("<details open>"), "the hand-back form is open again");

    // The lead's form: a team member who cannot read the case is refused, the choices kept.
    let form = vec![
        ("lead", "h1@example.org"),
        ("team", "h2@example.org"),
        ("team", "nobody@example.org"),
        ("reason", "Two of us"),
    ];
    let sent = post("assignment", "en", form).await.expect("post");
    assert_eq!(sent.status(), 422);
    let page = sent.text().await.expect("html");
    assert!(page.contains("value=\"h2@example.org\" checked>"), "the ticked colleague stays ticked");
    assert!(page.contains("This person cannot read this case"));
    assert!(page.contains(">Two of us</textarea>"));

    // A note: empty comes back asking; typed, it is listed.
    let sent = post("notes", "en", vec![("body", "")]).await.expect("post");
    assert_eq!(sent.status(), 422);
    assert!(sent.text().await.expect("html").contains("id=\"note-body-error\""));
    assert_eq!(post("notes", "en", vec![("body", "Call HR on Tuesday.")]).await.expect("post").status(), 303);
    assert_eq!(post("labels", "en", vec![("labels", "urgent")]).await.expect("post").status(), 303);
    let page = browser
        .get(s.url(&format!("/staff/cases/{id}?lang=en")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("Call HR on Tuesday."));
    assert!(page.contains("value=\"urgent\" checked>"));
    s.stop().await;
}

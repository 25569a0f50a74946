//! The workflow with a moved clock: assault's 72-hour deadlines, a dismissal
//! that waits for oversight, answered requests, moved deadlines, and police
//! proceedings that pause nothing.

use jiff::SignedDuration;
use ombud_domain::{Clock, Role};
use ombud_testkit::{TestServer, backends};
use serde_json::{Value, json};

async fn get(s: &TestServer, path: &str, token: &str) -> (u16, Value) {
    s.get_json(path, token).await
}

async fn post(s: &TestServer, path: &str, token: &str, body: Value) -> (u16, Value) {
    s.post_json(path, token, body).await
}

fn hours(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n)
}

#[tokio::test]
async fn an_assault_report_must_be_triaged_and_interim_measures_decided_within_72_hours() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let pw = s.staff("h@example.org", Role::Handler).await;
    s.report(json!({"category": "sexual_assault", "description": "x"})).await;
    s.report(json!({"category": "discrimination", "description": "y"})).await;
    s.clock.advance(hours(73));
    let swept = s.ombud.sweep(s.clock.now()).await.expect("sweep");
    let mut kinds: Vec<&str> = swept.escalated.iter().map(|e| e.1.as_str()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["interim_measures", "triage"], "assault's tighter deadlines, and only assault's");
    let staff = s.staff_token("h@example.org", &pw).await;
    let (_, list) = get(&s, "/api/v1/cases", &staff).await;
    assert_eq!(list["cases"].as_array().map(Vec::len), Some(2));
    s.stop().await;
}

#[tokio::test]
async fn a_harassment_dismissal_takes_effect_only_with_an_oversight_sign_off() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let hpw = s.staff("h@example.org", Role::Handler).await;
        let opw = s.staff("o@example.org", Role::Oversight).await;
        s.report(json!({"category": "sexual_harassment", "description": "x"})).await;
        let handler = s.staff_token("h@example.org", &hpw).await;
        let oversight = s.staff_token("o@example.org", &opw).await;
        let (_, list) = get(&s, "/api/v1/cases", &handler).await;
        let id = list["cases"][0]["id"].as_str().expect("id").to_owned();
        let steps = format!("/api/v1/cases/{id}/steps");

        let (status, body) = post(&s, &steps, &handler, json!({"step": "assess_dismissed", "reason": "no"})).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("invalid_transition")),
            "not before acknowledging"
        );
        assert_eq!(post(&s, &steps, &handler, json!({"step": "acknowledge"})).await.0, 200);
        let (status, body) = post(&s, &steps, &handler, json!({"step": "assess_dismissed"})).await;
        assert_eq!(
            (status, body["error"]["fields"][0]["field"].as_str()),
            (422, Some("reason")),
            "a dismissal needs a reason"
        );
        let (status, body) =
            post(&s, &steps, &handler, json!({"step": "assess_dismissed", "reason": "Outside our remit"})).await;
        assert_eq!(
            (status, body["error"]["fields"][0]["field"].as_str()),
            (422, Some("for_reporter")),
            "a dismissal tells her why"
        );
        let dismiss = json!({"step": "assess_dismissed", "reason": "Outside our remit",
            "for_reporter": "We cannot act on this: it concerns a supplier outside our organisation."});
        let (status, body) = post(&s, &steps, &handler, dismiss).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("dismissal_pending")), "not closed: waiting");
        let (status, _) = post(&s, &steps, &handler, json!({"step": "close", "reason": "closing anyway"})).await;
        assert_eq!(status, 409, "the handler cannot close around the sign-off");
        assert_eq!(post(&s, &steps, &handler, json!({"step": "approve_dismissal", "reason": "mine"})).await.0, 403);

        let (_, pending) = get(&s, "/api/v1/oversight/dismissals", &oversight).await;
        assert_eq!(pending["dismissals"].as_array().map(Vec::len), Some(1));
        let refuse = json!({"step": "refuse_dismissal", "reason": "Investigate first",
            "for_reporter": "The oversight committee asked for your report to be looked at again."});
        let (status, body) = post(&s, &steps, &oversight, refuse).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("acknowledged")));
        let (_, case) = get(&s, &format!("/api/v1/cases/{id}"), &handler).await;
        let recorded: Vec<(&str, &str)> = case["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| (s["step"].as_str().unwrap_or(""), s["reason"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(
            recorded,
            [("acknowledge", ""), ("assess_dismissed", "Outside our remit"), ("refuse_dismissal", "Investigate first")]
        );
        assert!(case["steps"][2]["by"].as_str().is_some_and(|b| b.contains("o@example.org")), "who");
        s.stop().await;
    }
}

#[tokio::test]
async fn referring_an_assault_elsewhere_waits_for_oversight_and_sits_in_its_queue() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let hpw = s.staff("h@example.org", Role::Handler).await;
        let opw = s.staff("o@example.org", Role::Oversight).await;
        s.report(json!({"category": "sexual_assault", "description": "x"})).await;
        s.report(json!({"category": "discrimination", "description": "y"})).await;
        let handler = s.staff_token("h@example.org", &hpw).await;
        let oversight = s.staff_token("o@example.org", &opw).await;
        let (_, list) = get(&s, "/api/v1/cases", &handler).await;
        let id_of = |category: &str| {
            list["cases"].as_array().expect("cases").iter().find(|c| c["category"] == category).expect("case")["id"]
                .as_str()
                .expect("id")
                .to_owned()
        };
        let (assault, other) = (id_of("sexual_assault"), id_of("discrimination"));
        for id in [&assault, &other] {
            assert_eq!(
                post(&s, &format!("/api/v1/cases/{id}/steps"), &handler, json!({"step": "acknowledge"})).await.0,
                200
            );
        }
        let refer = json!({"step": "assess_referred", "reason": "The police handle it",
            "for_reporter": "The police are the right body for this; see where you can turn below."});
        let (status, body) = post(&s, &format!("/api/v1/cases/{other}/steps"), &handler, refer.clone()).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("closed")), "other categories close at once");
        let steps = format!("/api/v1/cases/{assault}/steps");
        let (status, body) = post(&s, &steps, &handler, refer).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("referral_pending")), "an assault waits");
        assert_eq!(post(&s, &steps, &handler, json!({"step": "close", "reason": "anyway"})).await.0, 409);
        assert_eq!(post(&s, &steps, &handler, json!({"step": "approve_referral", "reason": "mine"})).await.0, 403);
        let (_, queue) = get(&s, "/api/v1/oversight/queue", &oversight).await;
        let item = queue["items"].as_array().expect("items").iter().find(|i| i["kind"] == "referral").expect("queued");
        assert_eq!(item["case_id"], json!(assault));
        let sign = json!({"step": "approve_referral", "reason": "Agreed: the police have it",
            "for_reporter": "The oversight committee agreed that the police handle your report."});
        let (status, body) = post(&s, &steps, &oversight, sign).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("closed")));
        let (_, queue) = get(&s, "/api/v1/oversight/queue", &oversight).await;
        assert!(!queue.to_string().contains("\"referral\""), "signed off: off the queue");
        s.stop().await;
    }
}

#[tokio::test]
async fn her_requests_are_answered_for_her_or_escalate_after_five_days() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let hpw = s.staff("h@example.org", Role::Handler).await;
        let (_, receipt) = s
            .report(json!({"category": "retaliation", "description": "x", "requests": [{"kind": "no_contact"}, {"kind": "leave"}]}))
            .await;
        let handler = s.staff_token("h@example.org", &hpw).await;
        let (_, list) = get(&s, "/api/v1/cases", &handler).await;
        let id = list["cases"][0]["id"].as_str().expect("id").to_owned();
        let (_, case) = get(&s, &format!("/api/v1/cases/{id}"), &handler).await;
        let first = case["requests"][0]["id"].as_str().expect("request").to_owned();
        let answer = format!("/api/v1/cases/{id}/requests/{first}/answer");
        let (status, body) = post(&s, &answer, &handler, json!({"outcome": "maybe", "reason": ""})).await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"].as_array().map(Vec::len), Some(2));
        let (status, _) = post(
            &s,
            &answer,
            &handler,
            json!({"outcome": "granted", "reason": "He will not contact you; his manager has been told."}),
        )
        .await;
        assert_eq!(status, 200);
        // Sent twice (a double click, a retry): the first answer stands.
        let (status, body) =
            post(&s, &answer, &handler, json!({"outcome": "declined", "reason": "Changed my mind."})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("invalid_transition")));

        // She sees the answer and its reason.
        let reporter = s.reporter_token(&receipt).await;
        let (_, mine) = get(&s, "/api/v1/reporter/case", &reporter).await;
        assert_eq!(mine["requests"][0]["answer"]["outcome"], "granted");
        assert_eq!(mine["requests"][0]["answer"]["reason"], "He will not contact you; his manager has been told.");
        assert_eq!(mine["requests"][1]["answer"], Value::Null);
        assert_eq!(mine["steps"], json!([]), "internal reasons stay with the staff");

        // The unanswered one escalates after its deadline; the answered one never does.
        s.clock.advance(SignedDuration::from_hours(24 * 5) + SignedDuration::from_mins(1));
        let swept = s.ombud.sweep(s.clock.now()).await.expect("sweep");
        assert_eq!(swept.escalated.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(), ["request_answer"]);
        s.stop().await;
    }
}

#[tokio::test]
async fn a_moved_deadline_needs_reasons_shows_to_oversight_and_to_her_while_a_police_report_pauses_nothing() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let hpw = s.staff("h@example.org", Role::Handler).await;
        let opw = s.staff("o@example.org", Role::Oversight).await;
        let (_, receipt) =
            s.report(json!({"category": "discrimination", "description": "x", "requests": [{"kind": "leave"}]})).await;
        let handler = s.staff_token("h@example.org", &hpw).await;
        let (_, list) = get(&s, "/api/v1/cases", &handler).await;
        let id = list["cases"][0]["id"].as_str().expect("id").to_owned();

        let (status, _) = post(
            &s,
            &format!("/api/v1/cases/{id}/proceedings"),
            &handler,
            json!({"reference": "JN-2026-118", "date": "2026-11-01", "authority": "Police"}),
        )
        .await;
        assert_eq!(status, 201);
        let (_, case) = get(&s, &format!("/api/v1/cases/{id}"), &handler).await;
        assert_eq!(case["proceedings"][0]["reference"], "JN-2026-118");
        let of_kind = |kind: &str| {
            case["deadlines"].as_array().expect("deadlines").iter().find(|d| d["kind"] == kind).expect(kind).clone()
        };
        assert_eq!(of_kind("acknowledge")["due"], "2026-11-09T09:00:00Z", "the police report moved nothing");
        assert_eq!(
            post(&s, &format!("/api/v1/cases/{id}/steps"), &handler, json!({"step": "acknowledge"})).await.0,
            200
        );
        let answer_due = of_kind("request_answer");
        assert_eq!(answer_due["due"], "2026-11-07T09:00:00Z");

        let change = format!("/api/v1/cases/{id}/deadlines/{}/change", answer_due["id"].as_str().expect("id"));
        let (status, body) = post(&s, &change, &handler, json!({"kind": "extension", "until": "2026-11-05T00:00:00Z", "justification": "", "reason_for_reporter": ""})).await;
        assert_eq!(status, 422);
        let fields: Vec<&str> =
            body["error"]["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
        assert_eq!(fields, ["justification", "reason_for_reporter", "until"]);
        let (status, _) = post(
            &s,
            &change,
            &handler,
            json!({"kind": "extension", "until": "2026-11-12T09:00:00Z", "justification": "Interpreter needed", "reason_for_reporter": "We are arranging an interpreter for you."}),
        )
        .await;
        assert_eq!(status, 200);

        s.clock.advance(SignedDuration::from_hours(24 * 8));
        assert!(s.ombud.sweep(s.clock.now()).await.expect("sweep").escalated.is_empty(), "the new date holds");
        let oversight = s.staff_token("o@example.org", &opw).await;
        let (_, changes) = get(&s, "/api/v1/oversight/deadline-changes", &oversight).await;
        assert_eq!(changes["deadline_changes"][0]["justification"], "Interpreter needed");
        assert_eq!(changes["deadline_changes"][0]["new_due"], "2026-11-12T09:00:00Z");
        let reporter = s.reporter_token(&receipt).await;
        let (_, mine) = get(&s, "/api/v1/reporter/case", &reporter).await;
        assert_eq!(mine["deadline_changes"][0]["reason_for_reporter"], "We are arranging an interpreter for you.");
        assert_eq!(mine["deadline_changes"][0]["justification"], "", "the justification is for oversight");
        assert_eq!(mine["proceedings"], json!([]));
        s.clock.advance(SignedDuration::from_hours(24 * 3));
        assert_eq!(s.ombud.sweep(s.clock.now()).await.expect("sweep").escalated.len(), 1, "and then it escalates");
        s.stop().await;
    }
}

#[tokio::test]
async fn only_feedback_written_for_her_meets_the_feedback_deadline() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let hpw = s.staff("h@example.org", Role::Handler).await;
        let (_, receipt) = s.report(json!({"category": "discrimination", "description": "x"})).await;
        let handler = s.staff_token("h@example.org", &hpw).await;
        let (_, list) = get(&s, "/api/v1/cases", &handler).await;
        let id = list["cases"][0]["id"].as_str().expect("id").to_owned();
        let case = format!("/api/v1/cases/{id}");
        let feedback_met = |case: &Value| {
            case["deadlines"].as_array().expect("deadlines").iter().find(|d| d["kind"] == "feedback").expect("feedback")
                ["met_at"]
                .clone()
        };
        assert_eq!(post(&s, &format!("{case}/steps"), &handler, json!({"step": "acknowledge"})).await.0, 200);
        let note = json!({"body": "We are looking into it."});
        assert_eq!(post(&s, &format!("{case}/messages"), &handler, note).await.0, 201);
        let step = json!({"step": "assess_in_scope", "reason": "In scope"});
        assert_eq!(post(&s, &format!("{case}/steps"), &handler, step).await.0, 200);
        assert!(feedback_met(&get(&s, &case, &handler).await.1).is_null(), "a message and a step are not feedback");
        let (status, body) = post(&s, &format!("{case}/feedback"), &handler, json!({"body": "  "})).await;
        assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("body")));
        let text = "We spoke to the team lead and moved your shifts back; the investigation goes on.";
        assert_eq!(post(&s, &format!("{case}/feedback"), &handler, json!({"body": text})).await.0, 201);
        assert!(feedback_met(&get(&s, &case, &handler).await.1).is_string(), "feedback meets it");
        // She sees it as feedback, set apart from ordinary messages, in her language.
        let reporter = s.reporter_token(&receipt).await;
        let (_, hers) = get(&s, "/api/v1/reporter/case", &reporter).await;
        let messages = hers["messages"].as_array().expect("messages");
        assert_eq!(messages.iter().filter(|m| m["feedback"] == true).count(), 1);
        assert!(messages.iter().any(|m| m["feedback"] == true && m["body"] == text));
        let browser = s.browser();
        browser.post(s.url("/follow-up?lang=zh-CN")).form(&[("receipt", receipt.as_str())]).send().await.expect("in");
        let page = browser.get(s.url("/follow-up?lang=zh-CN")).send().await.expect("page");
        let page = page.text().await.expect("text");
        assert!(page.contains("message from-team feedback") && page.contains("反馈"), "set apart on her page");
        // From the case page: an empty one is refused beside the field; what was typed comes back.
        let staff = s.staff_browser("h@example.org", &hpw).await;
        let sent = staff.post(s.url(&format!("/staff/cases/{id}/feedback?lang=en"))).form(&[("body", "   ")]);
        let sent = sent.send().await.expect("post");
        assert_eq!(sent.status().as_u16(), 422);
        assert!(sent.text().await.expect("html").contains("id=\"feedback-body-error\""));
        s.stop().await;
    }
}

#[tokio::test]
async fn a_pause_until_2099_waits_for_oversight_and_a_one_letter_reason_is_refused() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let hpw = s.staff("h@example.org", Role::Handler).await;
        let opw = s.staff("o@example.org", Role::Oversight).await;
        let (_, receipt) = s.report(json!({"category": "sexual_assault", "description": "x"})).await;
        let handler = s.staff_token("h@example.org", &hpw).await;
        let oversight = s.staff_token("o@example.org", &opw).await;
        let (_, list) = get(&s, "/api/v1/cases", &handler).await;
        let id = list["cases"][0]["id"].as_str().expect("id").to_owned();
        let case = format!("/api/v1/cases/{id}");
        let deadline = |case: &Value, kind: &str| {
            case["deadlines"]
                .as_array()
                .expect("deadlines")
                .iter()
                .find(|d| d["kind"] == kind)
                .expect("deadline")
                .clone()
        };
        let (_, before) = get(&s, &case, &handler).await;
        let change =
            |kind: &str| format!("{case}/deadlines/{}/change", deadline(&before, kind)["id"].as_str().expect("id"));
        let ask = |kind: &str, why: &str| {
            json!({"kind": kind, "until": "2099-01-01T00:00:00Z", "justification": why,
                "for_reporter": "We must wait for the police to finish their part."})
        };
        // The acknowledgement is never paused; a one-letter justification is no sentence.
        let (status, body) = post(&s, &change("acknowledge"), &handler, ask("pause", "Police asked us to wait.")).await;
        assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("acknowledge-not-paused")));
        let (status, body) = post(&s, &change("interim_measures"), &handler, ask("pause", "x")).await;
        assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("too-short")));
        // Until 2099: recorded, nothing moved, and it heads to oversight's queue.
        let (status, body) =
            post(&s, &change("interim_measures"), &handler, ask("pause", "The police asked us to hold back.")).await;
        assert_eq!((status, body), (202, json!({"pending_approval": true})));
        let (_, after) = get(&s, &case, &handler).await;
        assert_eq!(deadline(&after, "interim_measures")["due"], deadline(&before, "interim_measures")["due"]);
        assert_eq!(after["deadline_changes"][0]["state"], "pending");
        let reporter = s.reporter_token(&receipt).await;
        let (_, mine) = get(&s, "/api/v1/reporter/case", &reporter).await;
        assert_eq!(mine["deadline_changes"], json!([]), "she is told of a move once it is made");
        let (_, queue) = get(&s, "/api/v1/oversight/queue", &oversight).await;
        let item = queue["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["kind"] == "deadline_pause")
            .expect("queued")
            .clone();
        let decision =
            format!("/api/v1/oversight/deadline-changes/{}/decision", item["change_id"].as_str().expect("id"));
        assert_eq!(
            post(&s, &decision, &handler, json!({"approve": true})).await.0,
            403,
            "not the handler's to approve"
        );
        assert_eq!(post(&s, &decision, &oversight, json!({"approve": false})).await, (200, json!({"refused": true})));
        assert_eq!(post(&s, &decision, &oversight, json!({"approve": true})).await.0, 404, "decided once");
        let (_, after) = get(&s, &case, &handler).await;
        assert_eq!(deadline(&after, "interim_measures")["due"], deadline(&before, "interim_measures")["due"]);
        assert_eq!(after["deadline_changes"][0]["state"], "refused");
        // An extension to 2099 is no way around it, nor is extending the acknowledgement.
        let (status, body) =
            post(&s, &change("interim_measures"), &handler, ask("extension", "The police asked us to hold back."))
                .await;
        assert_eq!((status, body), (202, json!({"pending_approval": true})));
        let (status, body) =
            post(&s, &change("acknowledge"), &handler, ask("extension", "We need more time here.")).await;
        assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("acknowledge-not-paused")));
        let (status, body) = post(&s, &change("interim_measures"), &handler, ask("pause", "...................")).await;
        assert_eq!(
            (status, body["error"]["fields"][0]["code"].as_str()),
            (422, Some("too-short")),
            "dots are no sentence"
        );
        // Short moves take effect at once, until together they pass the policy's fourteen days.
        let mut answers = Vec::new();
        for days in [6, 12, 18] {
            let (_, now) = get(&s, &case, &handler).await;
            let due: jiff::Timestamp =
                deadline(&before, "interim_measures")["due"].as_str().expect("due").parse().expect("ts");
            let until = (due + SignedDuration::from_hours(24 * days)).to_string();
            let id = deadline(&now, "interim_measures")["id"].as_str().expect("id").to_owned();
            let short = json!({"kind": "extension", "until": until, "justification": "Her interview is next week.",
                "for_reporter": "We will decide after we have spoken with you."});
            answers.push(post(&s, &format!("{case}/deadlines/{id}/change"), &handler, short).await.0);
        }
        assert_eq!(answers, [200, 200, 202], "six days, then twelve, then eighteen past the first date");
        s.stop().await;
    }
}

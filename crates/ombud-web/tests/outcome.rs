//! She learns what happened and why: every step that ends or turns her case
//! carries a text for her; a dismissal or referral names where she can turn
//! next; nothing stays due on a closed case; her record shows how the case
//! was handled, not every page view.

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

/// The first case a staff member sees.
async fn first_case(s: &TestServer, token: &str) -> String {
    let (_, list) = get(s, "/api/v1/cases", token).await;
    list["cases"][0]["id"].as_str().expect("a case").to_owned()
}

/// Her case page, signed in with her receipt, in a language.
async fn her_page(s: &TestServer, receipt: &str, lang: &str) -> String {
    let browser = s.browser();
    let signed_in = browser.post(s.url(&format!("/follow-up?lang={lang}"))).form(&[("receipt", receipt)]);
    assert_eq!(signed_in.send().await.expect("sign in").status(), 303);
    browser.get(s.url(&format!("/follow-up?lang={lang}"))).send().await.expect("page").text().await.expect("html")
}

/// The fields a refusal names, in order.
fn fields(body: &Value) -> Vec<&str> {
    body["error"]["fields"].as_array().map_or_else(Vec::new, |f| f.iter().filter_map(|e| e["field"].as_str()).collect())
}

fn states(case: &Value) -> Vec<(String, String)> {
    case["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .map(|d| (d["kind"].as_str().unwrap_or("").to_owned(), d["state"].as_str().unwrap_or("").to_owned()))
        .collect()
}

const FINDINGS: &str = "Two colleagues confirmed what you described; the messages you kept match.";
const DECISION: &str = "Mr Sun received a final written warning and no longer manages your team.";
const CLOSED: &str = "Your case is closed. If anything happens again, write to us here.";

#[tokio::test]
async fn a_harassment_case_from_receipt_to_closure_tells_her_what_was_decided_and_why() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let hpw = s.staff("h@example.org", Role::Handler).await;
        let (_, receipt) = s
            .report(json!({"category": "sexual_harassment", "description": "He keeps touching my shoulders.",
                "requests": [{"kind": "no_contact"}]}))
            .await;
        let handler = s.staff_token("h@example.org", &hpw).await;
        let id = first_case(&s, &handler).await;
        let (case, steps) = (format!("/api/v1/cases/{id}"), format!("/api/v1/cases/{id}/steps"));
        let step = |name: &str, for_her: &str| json!({"step": name, "reason": "internal", "for_reporter": for_her});
        assert_eq!(post(&s, &steps, &handler, json!({"step": "acknowledge"})).await.0, 200);
        let feedback = "We are investigating; you will hear from us by the end of the month.";
        assert_eq!(post(&s, &format!("{case}/feedback"), &handler, json!({"body": feedback})).await.0, 201);
        for name in ["assess_in_scope", "start_investigation"] {
            assert_eq!(post(&s, &steps, &handler, json!({"step": name, "reason": "internal"})).await.0, 200, "{name}");
        }
        // Findings say what they found, chosen from the four; nothing is assumed.
        let (status, body) = post(&s, &steps, &handler, step("record_findings", FINDINGS)).await;
        assert_eq!((status, fields(&body)), (422, vec!["outcome"]), "findings without an outcome");
        let mut findings = step("record_findings", FINDINGS);
        findings["outcome"] = json!("withdrawn");
        let (status, body) = post(&s, &steps, &handler, findings.clone()).await;
        assert_eq!((status, fields(&body)), (422, vec!["outcome"]), "how a case ends is not a finding");
        findings["outcome"] = json!("partly_substantiated");
        assert_eq!(post(&s, &steps, &handler, findings).await.0, 200);
        // The decision names its sanctions; "no sanction" only alone.
        let mut decision = step("decide", DECISION);
        assert_eq!(fields(&post(&s, &steps, &handler, decision.clone()).await.1), ["sanctions"]);
        decision["sanctions"] = json!(["no_sanction", "written_warning"]);
        assert_eq!(fields(&post(&s, &steps, &handler, decision.clone()).await.1), ["sanctions"]);
        decision["sanctions"] = json!(["written_warning", "reassignment"]);
        assert_eq!(post(&s, &steps, &handler, decision).await.0, 200);

        // Not closed while her request waits for an answer; nothing she typed is lost meanwhile.
        let close = |for_her: &str| {
            let mut c = step("close", for_her);
            c["outcome"] = json!("partly_substantiated");
            c
        };
        let (status, body) = post(&s, &steps, &handler, close(CLOSED)).await;
        assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("requests")));
        let (_, open) = get(&s, &case, &handler).await;
        assert_eq!(open["status"], "decision", "refused: the case did not move");
        let request = open["requests"][0]["id"].as_str().expect("request").to_owned();
        let answer = json!({"outcome": "granted", "for_reporter": "He may not contact you; HR has told him."});
        assert_eq!(post(&s, &format!("{case}/requests/{request}/answer"), &handler, answer).await.0, 200);
        let (status, body) = post(&s, &steps, &handler, json!({"step": "close", "reason": "done"})).await;
        assert_eq!((status, fields(&body)), (422, vec!["for_reporter", "outcome"]), "every problem at once");
        // Closing says what the findings found: never another finding, never a dismissal around the sign-off.
        for other in ["substantiated", "dismissed", "withdrawn"] {
            let mut c = close(CLOSED);
            c["outcome"] = json!(other);
            let (status, body) = post(&s, &steps, &handler, c).await;
            assert_eq!((status, fields(&body)), (422, vec!["outcome"]), "{other}");
        }
        let (status, body) = post(&s, &steps, &handler, close(CLOSED)).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("closed")));
        // Staff read the outcomes and the sanctions on the case.
        let (_, theirs) = get(&s, &case, &handler).await;
        let chosen: Vec<(&str, &Value, &Value)> = theirs["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter_map(|s| Some((s["step"].as_str()?, &s["outcome"], &s["sanctions"])))
            .filter(|(name, _, _)| ["record_findings", "decide", "close"].contains(name))
            .collect();
        assert_eq!(
            chosen,
            [
                ("record_findings", &json!("partly_substantiated"), &json!([])),
                ("decide", &Value::Null, &json!(["written_warning", "reassignment"])),
                ("close", &json!("partly_substantiated"), &json!([])),
            ]
        );
        assert!(body["deadlines"].as_array().expect("deadlines").iter().all(|d| d["state"] == "met"));

        // Twenty views by the handler: every one on the ledger, one line for her.
        for _ in 0..20 {
            assert_eq!(get(&s, &case, &handler).await.0, 200);
        }
        let (_, theirs) = get(&s, &case, &handler).await;
        let opened = |c: &Value| {
            c["events"].as_array().expect("events").iter().filter(|e| e["kind"] == "opened_by_staff").count()
        };
        assert!(opened(&theirs) >= 20, "staff see every access");

        let reporter = s.reporter_token(&receipt).await;
        let (_, mine) = get(&s, "/api/v1/reporter/case", &reporter).await;
        assert_eq!(opened(&mine), 1, "one 'opened' line for twenty views on one day");
        for (kind, state) in states(&mine) {
            assert!(state == "met" || state == "closed", "{kind} still says {state} on a closed case");
        }
        let told: Vec<(&str, &str)> = mine["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter_map(|s| Some((s["step"].as_str()?, s["for_reporter"].as_str()?)))
            .collect();
        assert_eq!(told, [("record_findings", FINDINGS), ("decide", DECISION), ("close", CLOSED)]);
        assert!(mine["steps"].as_array().expect("steps").iter().all(|s| s["reason"].is_null()), "no internal reason");
        assert!(
            mine["steps"].as_array().expect("steps").iter().all(|s| s["sanctions"] == json!([])),
            "she never reads the sanctions"
        );
        let outcome_of = |name: &str| {
            mine["steps"].as_array().expect("steps").iter().find(|s| s["step"] == name).map(|s| s["outcome"].clone())
        };
        assert_eq!(outcome_of("close"), Some(json!("partly_substantiated")), "she reads how her case ended");
        assert_eq!(mine["external_channels"], json!([]), "a case closed after an investigation sends her nowhere");

        // Her page, in both languages: the outcome first, with its reasons; nothing due.
        for (lang, heading, closed, outcome, sanction) in [
            (
                "en",
                "What was decided, and why",
                "Your case was closed",
                "Outcome: Partly substantiated",
                "Written warning",
            ),
            ("zh-CN", "处理结果及理由", "您的案件已结案", "结论：部分属实", "书面警告"),
        ] {
            let page = her_page(&s, &receipt, lang).await;
            for text in [heading, closed, outcome, FINDINGS, DECISION, CLOSED, feedback] {
                assert!(page.contains(text), "{lang}: her page lacks {text:?}");
            }
            assert!(!page.contains(sanction), "{lang}: her page names no sanction");
            assert!(
                page.find(heading) < page.find("<details class=\"panel\" id=\"record\">"),
                "outcome above the record"
            );
            assert!(!page.contains("class=\"overdue\""), "{lang}: nothing overdue");
            let record = &page[page.find("id=\"record\"").expect("record")..];
            let opened_line = if lang == "en" { "Opened by the handling team" } else { "处理团队已查阅" };
            assert_eq!(record.matches(opened_line).count(), 1, "{lang}: one 'opened' line");
        }
        s.stop().await;
    }
}

#[tokio::test]
async fn closing_ends_every_open_deadline_and_its_escalations_stop() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let hpw = s.staff("h@example.org", Role::Handler).await;
        let opw = s.staff("o@example.org", Role::Oversight).await;
        let (_, receipt) = s.report(json!({"category": "sexual_assault", "description": "x"})).await;
        let handler = s.staff_token("h@example.org", &hpw).await;
        let id = first_case(&s, &handler).await;
        let steps = format!("/api/v1/cases/{id}/steps");
        assert_eq!(post(&s, &steps, &handler, json!({"step": "acknowledge"})).await.0, 200);
        let refer = json!({"step": "assess_referred", "reason": "Police matter",
            "for_reporter": "This is for the police; we have told them with your consent."});
        assert_eq!(post(&s, &steps, &handler, refer).await.0, 200, "an assault referral waits for oversight");
        let oversight = s.staff_token("o@example.org", &opw).await;
        let sign =
            json!({"step": "approve_referral", "reason": "Agreed", "for_reporter": "The oversight committee agreed."});
        assert_eq!(post(&s, &steps, &oversight, sign).await.1["status"], "closed");

        let reporter = s.reporter_token(&receipt).await;
        let (_, mine) = get(&s, "/api/v1/reporter/case", &reporter).await;
        let interim = mine["deadlines"]
            .as_array()
            .expect("deadlines")
            .iter()
            .find(|d| d["kind"] == "interim_measures")
            .expect("assault's interim-measures deadline")
            .clone();
        assert_eq!(
            (interim["state"].as_str(), interim["closed_reason"].as_str()),
            (Some("closed"), Some("case_closed"))
        );
        let (_, status) = get(&s, "/api/v1/reporter/status", &reporter).await;
        assert!(states(&status).iter().all(|(_, st)| st == "met" || st == "closed"), "{status}");

        // Months later, no sweep reminds of or escalates anything on the closed case.
        s.clock.advance(SignedDuration::from_hours(24 * 200));
        let swept = s.ombud.sweep(s.clock.now()).await.expect("sweep");
        assert!(swept.escalated.is_empty() && swept.reminded.is_empty(), "{swept:?}");
        let page = her_page(&s, &receipt, "en").await;
        assert!(page.contains("ended") && page.contains("the case was closed"), "the deadline says why it ended");
        assert!(!page.contains("class=\"overdue\""), "nothing overdue on a closed case, 200 days on");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_dismissal_and_a_referral_each_tell_her_why_and_where_she_can_turn() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let hpw = s.staff("h@example.org", Role::Handler).await;
        let (_, dismissed) = s.report(json!({"category": "other", "description": "the canteen"})).await;
        let handler = s.staff_token("h@example.org", &hpw).await;
        let id = first_case(&s, &handler).await;
        let steps = format!("/api/v1/cases/{id}/steps");
        assert_eq!(post(&s, &steps, &handler, json!({"step": "acknowledge"})).await.0, 200);
        let why = "The canteen is run by another company; we passed your report on to its manager.";
        let dismiss = json!({"step": "assess_dismissed", "reason": "supplier", "for_reporter": why});
        assert_eq!(post(&s, &steps, &handler, dismiss).await.1["status"], "closed");

        let (_, referred) = s.report(json!({"category": "discrimination", "description": "pay"})).await;
        let id = first_case(&s, &handler).await;
        let steps = format!("/api/v1/cases/{id}/steps");
        assert_eq!(post(&s, &steps, &handler, json!({"step": "acknowledge"})).await.0, 200);
        let where_ = "此事属于劳动监察部门的职责范围，请参阅下方的求助渠道。";
        let refer = json!({"step": "assess_referred", "reason": "labour law", "for_reporter": where_});
        assert_eq!(post(&s, &steps, &handler, refer).await.1["status"], "closed");

        // A dismissal proposed while her request waits is refused before oversight ever sees it.
        s.report(json!({"category": "sexual_harassment", "description": "x", "requests": [{"kind": "leave"}]})).await;
        let id = first_case(&s, &handler).await;
        let steps = format!("/api/v1/cases/{id}/steps");
        assert_eq!(post(&s, &steps, &handler, json!({"step": "acknowledge"})).await.0, 200);
        let dismiss = json!({"step": "assess_dismissed", "reason": "thin", "for_reporter": "We cannot go on."});
        let (status, body) = post(&s, &steps, &handler, dismiss).await;
        assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("requests")));

        let reporter = s.reporter_token(&dismissed).await;
        let (_, mine) = get(&s, "/api/v1/reporter/case", &reporter).await;
        assert!(mine["external_channels"].to_string().contains("12338"), "{}", mine["external_channels"]);
        let page = her_page(&s, &dismissed, "en").await;
        for text in
            ["Your report was dismissed", why, "Where you can turn next", "federation rights hotline", "12338", "12333"]
        {
            assert!(page.contains(text), "dismissed, en: lacks {text:?}");
        }
        let page = her_page(&s, &referred, "zh-CN").await;
        for text in ["您的举报已转交其他机构处理", where_, "您接下来可以求助的渠道", "妇联", "12338", "110"]
        {
            assert!(page.contains(text), "referred, zh-CN: lacks {text:?}");
        }
        s.stop().await;
    }
}

#[tokio::test]
async fn a_refused_dismissal_sends_her_nowhere_and_feedback_is_never_paused() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let hpw = s.staff("h@example.org", Role::Handler).await;
    let opw = s.staff("o@example.org", Role::Oversight).await;
    let (_, receipt) = s.report(json!({"category": "sexual_harassment", "description": "x"})).await;
    let handler = s.staff_token("h@example.org", &hpw).await;
    let oversight = s.staff_token("o@example.org", &opw).await;
    let id = first_case(&s, &handler).await;
    let steps = format!("/api/v1/cases/{id}/steps");
    assert_eq!(post(&s, &steps, &handler, json!({"step": "acknowledge"})).await.0, 200);
    let dismiss = json!({"step": "assess_dismissed", "reason": "thin", "for_reporter": "We propose to dismiss it."});
    assert_eq!(post(&s, &steps, &handler, dismiss).await.1["status"], "dismissal_pending");
    let reporter = s.reporter_token(&receipt).await;
    let (_, mine) = get(&s, "/api/v1/reporter/case", &reporter).await;
    assert_ne!(mine["external_channels"], json!([]), "told of the proposal, and where else to turn");
    let refuse =
        json!({"step": "refuse_dismissal", "reason": "no", "for_reporter": "Oversight wants it investigated."});
    assert_eq!(post(&s, &steps, &oversight, refuse).await.1["status"], "acknowledged");
    let (_, mine) = get(&s, "/api/v1/reporter/case", &reporter).await;
    assert_eq!(mine["external_channels"], json!([]), "the refusal takes the case back in");

    // The feedback deadline is neither paused nor moved past the policy's allowance (none by default).
    let (_, case) = get(&s, &format!("/api/v1/cases/{id}"), &handler).await;
    let feedback = case["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["kind"] == "feedback")
        .expect("feedback")
        .clone();
    let change = format!("/api/v1/cases/{id}/deadlines/{}/change", feedback["id"].as_str().expect("id"));
    let later = (s.clock.now() + SignedDuration::from_hours(24 * 200)).to_string();
    for (kind, code) in [("pause", "feedback-not-paused"), ("extension", "feedback-not-extended")] {
        let body = json!({"kind": kind, "until": later, "justification": "The team is very busy.", "for_reporter": "We need longer to look at this."});
        let (status, body) = post(&s, &change, &handler, body).await;
        let field = &body["error"]["fields"][0];
        assert_eq!(
            (status, field["field"].as_str(), field["code"].as_str()),
            (422, Some("kind"), Some(code)),
            "{kind}"
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn the_step_form_keeps_what_was_typed_and_names_what_is_missing_beside_it() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let hpw = s.staff("h@example.org", Role::Handler).await;
    s.report(json!({"category": "other", "description": "x", "requests": [{"kind": "leave"}]})).await;
    let handler = s.staff_token("h@example.org", &hpw).await;
    let id = first_case(&s, &handler).await;
    assert_eq!(post(&s, &format!("/api/v1/cases/{id}/steps"), &handler, json!({"step": "acknowledge"})).await.0, 200);
    let staff = s.staff_browser("h@example.org", &hpw).await;
    let reason = "Supplier matter; not ours to judge.";
    let form = [("step", "assess_dismissed"), ("reason", reason), ("for_reporter", "")];
    let sent = staff.post(s.url(&format!("/staff/cases/{id}/step?lang=zh-CN"))).form(&form).send().await.expect("post");
    assert_eq!(sent.status().as_u16(), 422);
    let page = sent.text().await.expect("html");
    assert!(page.contains(reason), "the reason comes back as typed");
    assert!(page.contains("<option value=\"assess_dismissed\" selected>"), "the chosen step stays chosen");
    assert!(page.contains("id=\"step-for-reporter-error\""), "the problem sits beside the text for her");
    assert!(page.contains("请填写此项"), "in her language");
    // A dismissal would close the case: her unanswered request is named, with a link to it.
    let form = [("step", "assess_dismissed"), ("reason", reason), ("for_reporter", "We cannot act on this.")];
    let sent = staff.post(s.url(&format!("/staff/cases/{id}/step?lang=en"))).form(&form).send().await.expect("post");
    assert_eq!(sent.status().as_u16(), 422);
    let page = sent.text().await.expect("html");
    assert!(page.contains("id=\"step-requests-error\"") && page.contains("href=\"#requests-title\""));
    assert!(page.contains("We cannot act on this."), "what was typed for her comes back too");
    s.stop().await;
}

#[tokio::test]
async fn the_decision_form_keeps_every_sanction_ticked_and_names_the_problem_beside_them() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let hpw = s.staff("h@example.org", Role::Handler).await;
    s.report(json!({"category": "other", "description": "x"})).await;
    let handler = s.staff_token("h@example.org", &hpw).await;
    let id = first_case(&s, &handler).await;
    let steps = format!("/api/v1/cases/{id}/steps");
    assert_eq!(post(&s, &steps, &handler, json!({"step": "acknowledge"})).await.0, 200);
    for name in ["assess_in_scope", "start_investigation"] {
        assert_eq!(post(&s, &steps, &handler, json!({"step": name, "reason": "internal"})).await.0, 200);
    }
    let staff = s.staff_browser("h@example.org", &hpw).await;
    let send = |lang: &'static str, form: Vec<(&'static str, &'static str)>| {
        let staff = staff.clone();
        let url = s.url(&format!("/staff/cases/{id}/step?lang={lang}"));
        async move {
            let sent = staff.post(url).form(&form).send().await.expect("post");
            (sent.status().as_u16(), sent.text().await.expect("html"))
        }
    };
    // Findings: the outcome list offers the four findings, none chosen for her.
    let page =
        staff.get(s.url(&format!("/staff/cases/{id}?lang=en"))).send().await.expect("get").text().await.expect("html");
    assert!(page.contains("id=\"step-outcome\""), "findings ask for an outcome");
    assert!(page.contains("<option value=\"inconclusive\">") && !page.contains("<option value=\"withdrawn\">"));
    assert!(!page.contains("name=\"sanctions\" value=\"training\""), "no sanctions before the decision");
    let findings = vec![("step", "record_findings"), ("reason", "Two witnesses."), ("for_reporter", "We found it.")];
    let (status, page) = send("zh-CN", findings.clone()).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"step-outcome-error\"") && page.contains("请选择结论。"), "beside the outcome");
    let mut chosen = findings;
    chosen.push(("outcome", "substantiated"));
    assert_eq!(send("en", chosen).await.0, 303);

    // The decision: "No sanction" with another comes back with both still ticked.
    let reason = "Final warning and training.";
    let base =
        vec![("step", "decide"), ("reason", reason), ("for_reporter", "A decision was taken."), ("sanctions", "")];
    let mut both = base.clone();
    both.extend([("sanctions", "no_sanction"), ("sanctions", "training")]);
    let (status, page) = send("en", both).await;
    assert_eq!(status, 422);
    assert!(page.contains("value=\"no_sanction\" checked") && page.contains("value=\"training\" checked"));
    assert!(!page.contains("value=\"written_warning\" checked"));
    assert!(page.contains("“No sanction” cannot go with another sanction."));
    assert!(page.contains(reason), "the reason comes back as typed");
    // None ticked: the problem sits beside the sanctions, once.
    let (status, page) = send("en", base.clone()).await;
    assert_eq!(status, 422);
    assert_eq!(page.matches("id=\"step-sanctions-error\"").count(), 1, "one problem, beside the boxes");
    assert!(page.contains("href=\"#step-sanctions\""), "the summary links to the boxes");
    let mut fine = base;
    fine.extend([("sanctions", "written_warning"), ("sanctions", "training")]);
    assert_eq!(send("en", fine).await.0, 303);
    let page =
        staff.get(s.url(&format!("/staff/cases/{id}?lang=en"))).send().await.expect("get").text().await.expect("html");
    assert!(page.contains("Outcome: Substantiated"), "the history says what was found");
    assert!(page.contains("Sanctions: Written warning · Training"), "and what was decided");
    s.stop().await;
}

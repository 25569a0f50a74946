//! After she speaks up (issue 17, DECISIONS #18) through the real server, on
//! SQLite and PostgreSQL: the HR system announces adverse actions against
//! the reporter, a witness she named in characters, an unrelated colleague
//! and a colleague who shared information; every one is held with the same
//! answer; the decision-maker justifies his action from his one-time link;
//! an independent oversight member decides (his own manager on the committee
//! sees nothing of it); the HR system reads the outcomes only when the
//! period ends, and an action nobody decided about a protected person is
//! overturned. Nothing of the people or what anyone wrote is in clear.

use jiff::SignedDuration;
use ombud_domain::{Clock, Role};
use ombud_testkit::{SmtpSink, TestServer, backends};
use ombud_web::NoticeTexts;
use serde_json::{Value, json};

const GROUND: &str = "SNTL-HR-GROUND-5e1a 报复哨兵 performance concerns";
const JUSTIFICATION: &str =
    "SNTL-HR-JUSTIFY-93b0 Her targets were missed three quarters running, documented in reviews.";
const REASONS: &str =
    "SNTL-HR-REASONS-c2d4 The dismissal follows her report by two weeks and rests on nothing written before it.";

const DIRECTORY: &str = "\
employee_id,name,email,manager_id,unit,level,hr_partner_id
E100,Chen Jun,ceo@corp.example,,Executive,9,
E200,Liu Yang,coo@corp.example,E100,Executive,8,
E300,Zhao Lei,president@corp.example,E200,Sales North,7,E500
E310,Zhang Wei,zhang.wei@corp.example,E300,Sales North,5,E500
E320,Sun Hao,sun.hao@corp.example,E300,Sales North,5,E500
E311,Li Na,li.na@corp.example,E310,Sales North,3,E500
E321,Zhou Min,zhou.min@corp.example,E320,Sales North,3,E500
E400,He Qing,people.lead@corp.example,E200,People,7,
E500,Gao Yan,hr.sales@corp.example,E400,People,5,
E600,Wang Fang,wang.fang@corp.example,E400,Ethics Office,5,
";

async fn hr(s: &TestServer, token: &str, employee: &str, action: &str, decided_by: &str, ground: &str) -> Value {
    let body = json!({"employee_id": employee, "action": action, "effective": "2026-12-31",
                      "decided_by": decided_by, "ground": ground});
    let (status, answer) = post(s, "/api/v1/hr/actions", token, body).await;
    assert_eq!(status, 201, "{answer}");
    answer
}

async fn post(s: &TestServer, path: &str, token: &str, body: Value) -> (u16, Value) {
    s.post_json(path, token, body).await
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

async fn status_of(s: &TestServer, token: &str, action: &str) -> String {
    let (status, v) = s.get_json(&format!("/api/v1/hr/actions/{action}"), token).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v.as_object().map(|o| o.len()), Some(2), "only id and status: {v}");
    v["status"].as_str().expect("status").to_owned()
}

fn listed(list: &Value) -> Vec<String> {
    list.as_array().expect("reviews").iter().map(id).collect()
}

#[tokio::test]
async fn every_adverse_action_is_held_and_an_independent_member_decides_what_the_hr_system_reads_at_the_end() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("directory");
        let o_pw = s.staff("o1@example.org", Role::Oversight).await;
        let p_pw = s.staff("president@corp.example", Role::Oversight).await;
        let o1 = s.staff_token("o1@example.org", &o_pw).await;
        let president = s.staff_token("president@corp.example", &p_pw).await;

        // Li Na reports Sun Hao, and names Zhou Min as her witness, as she
        // would write them: in characters, with a title.
        let (case_ref, _) = s
            .report(json!({
                "category": "sexual_harassment",
                "description": "孙经理在团队聚餐后多次发来骚扰信息，周敏看到了。",
                "anonymous": false,
                "contact": {"name": "李娜", "email": "Li.Na@corp.example"},
                "people": [
                    {"name": "孙浩（销售经理）", "role": "accused", "internal": true},
                    {"name": "周敏", "role": "witness", "internal": true}
                ]
            }))
            .await;

        let token = s.ombud.operator().create_hr_token("Workday").await.expect("HR token").token;
        let scim = s.ombud.operator().create_api_token("Entra ID").await.expect("SCIM token").token;
        let body = json!({"employee_id": "E311", "action": "dismissal", "effective": "2026-12-31",
                          "decided_by": "E310", "ground": GROUND});
        assert_eq!(post(&s, "/api/v1/hr/actions", "", body.clone()).await.0, 401, "no token");
        assert_eq!(
            post(&s, "/api/v1/hr/actions", &scim, body.clone()).await.0,
            401,
            "a directory token opens nothing here"
        );
        assert_eq!(post(&s, "/api/v1/hr/actions", &o1, body.clone()).await.0, 401, "nor a staff session");
        let (status, bad) = post(
            &s,
            "/api/v1/hr/actions",
            &token,
            json!({"employee_id": " ", "action": "fired", "effective": "31.12.2026", "decided_by": "E310", "ground": "x"}),
        )
        .await;
        assert_eq!(status, 422, "{bad}");
        let fields: Vec<&str> =
            bad["error"]["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
        assert_eq!(fields, ["employee_id", "action", "effective"], "every mistake named: {bad}");

        // Her dismissal, her witness's transfer, an unrelated transfer and an
        // unrelated colleague disciplined for a disclosure: all held, alike.
        let hers = hr(&s, &token, "E311", "dismissal", "E310", GROUND).await;
        let witness = hr(&s, &token, "E321", "transfer", "E310", "reorganisation of Sales North").await;
        let unrelated = hr(&s, &token, "E600", "transfer", "E400", "reorganisation of the ethics office").await;
        let disclosure = hr(&s, &token, "E500", "discipline", "E400", "Disclosure").await;
        let undecided = hr(&s, &token, "E311", "non_renewal", "E310", "budget").await;
        for answer in [&hers, &witness, &unrelated, &disclosure, &undecided] {
            let keys: Vec<&String> = answer.as_object().expect("object").keys().collect();
            assert_eq!(keys, ["id", "status"], "one shape for everyone: {answer}");
            assert_eq!(answer["status"], "held");
            assert_eq!(answer["id"].as_str().map(str::len), Some(36));
        }
        assert_eq!(status_of(&s, &token, &id(&unrelated)).await, "held");

        // The independent member sees all five; the decision-maker's own
        // manager (and the accused's) sees neither action about her case.
        let (status, all) = s.get_json("/api/v1/oversight/hr-actions", &o1).await;
        assert_eq!(status, 200, "{all}");
        assert_eq!(listed(&all).len(), 5);
        let of =
            |a: &Value| all.as_array().expect("list").iter().find(|r| r["id"] == a["id"]).cloned().expect("listed");
        assert_eq!(of(&hers)["needs_decision"], true);
        assert_eq!(of(&hers)["protected"][0]["basis"], "reporter", "{}", of(&hers));
        assert_eq!(of(&hers)["protected"][0]["reference"], case_ref.as_str());
        assert_eq!(of(&witness)["needs_decision"], true, "her witness, written in characters, is protected");
        assert_eq!(of(&unrelated)["needs_decision"], false);
        assert_eq!(of(&disclosure)["needs_decision"], true, "a disclosure needs a decision whoever it is");
        assert_eq!(of(&hers)["decider_other_actions"], 2, "Zhang Wei decided three of them");
        let (_, theirs) = s.get_json("/api/v1/oversight/hr-actions", &president).await;
        let seen = listed(&theirs);
        assert!(!seen.contains(&id(&hers)) && !seen.contains(&id(&witness)), "{theirs}");
        let (status, _) = s.get_json(&format!("/api/v1/oversight/hr-actions/{}", id(&hers)), &president).await;
        assert_eq!(status, 404, "no trace for his chain");
        let page = s.page("/oversight/retaliation", &president).await;
        assert!(!page.contains("Li Na") && !page.contains("E311"), "his page names neither");

        // The decision-maker is asked by a content-free mail, in both languages.
        let sink = SmtpSink::start().await;
        let mailer = ombud_service::SmtpMailer::new(&sink.url(), "ombud@example.org").expect("mailer");
        let sent = s.ombud.ask_justifications(&mailer, &NoticeTexts, "http://ombud.test").await.expect("ask");
        assert_eq!(sent.sent, 5);
        let mails = sink.messages();
        let to_him: Vec<_> = mails.iter().filter(|m| m.to.contains("zhang.wei@corp.example")).collect();
        assert_eq!(to_him.len(), 3);
        for m in &mails {
            assert!(!m.raw.contains("Li Na") && !m.raw.contains("E311") && !m.raw.contains(&case_ref), "no content");
            assert!(!m.raw.contains("SNTL"), "no ground");
        }
        let links: Vec<String> = to_him
            .iter()
            .map(|m| {
                let at = m.body.find("/justify/").expect("a link") + "/justify/".len();
                m.body[at..].chars().take_while(|c| c.is_ascii_hexdigit() || *c == '.').collect()
            })
            .collect();
        let mut hers_link = None;
        for link in &links {
            let page = s.client().get(s.url(&format!("/justify/{link}"))).send().await.expect("page");
            assert_eq!(page.status(), 200);
            if page.text().await.expect("html").contains("Dismissal") {
                hers_link = Some(link.clone());
            }
        }
        let link = hers_link.expect("the dismissal's link");
        let short = s.client().post(s.url(&format!("/justify/{link}"))).form(&[("justification", "....")]).send().await;
        let short = short.expect("sent");
        assert_eq!(short.status(), 422);
        assert!(short.text().await.expect("html").contains("...."), "what he wrote comes back");
        let good = s.client().post(s.url(&format!("/justify/{link}"))).form(&[("justification", JUSTIFICATION)]).send();
        assert_eq!(good.await.expect("sent").status(), 200);
        let again =
            s.client().post(s.url(&format!("/justify/{link}"))).form(&[("justification", JUSTIFICATION)]).send();
        assert_eq!(again.await.expect("sent").status(), 404, "the link works once");
        let forged = format!("{}0", &link[..link.len() - 1]);
        assert_eq!(s.client().get(s.url(&format!("/justify/{forged}"))).send().await.expect("page").status(), 404);

        // Two days before the period ends, the undecided reviews that need a
        // decision are raised to their reviewers (not the unrelated one).
        s.clock.advance(SignedDuration::from_hours(24 * 3));
        let report = s.ombud.sweep(s.clock.now()).await.expect("sweep");
        assert_eq!(report.reviews_escalated, 4, "{report:?}");

        let (status, one) = s.get_json(&format!("/api/v1/oversight/hr-actions/{}", id(&hers)), &o1).await;
        assert_eq!(status, 200);
        assert_eq!(one["justification"], JUSTIFICATION);
        let decide = |a: &Value| format!("/api/v1/oversight/hr-actions/{}/decision", id(a));
        let (status, refused) =
            post(&s, &decide(&hers), &o1, json!({"decision": "overturned", "reasons": "no."})).await;
        assert_eq!((status, refused["error"]["fields"][0]["code"].as_str()), (422, Some("too-short")), "{refused}");
        let (status, decided) =
            post(&s, &decide(&hers), &o1, json!({"decision": "overturned", "reasons": REASONS})).await;
        assert_eq!((status, decided["decision"].as_str()), (200, Some("overturned")), "{decided}");
        let (status, _) = post(&s, &decide(&hers), &o1, json!({"decision": "upheld", "reasons": REASONS})).await;
        assert_eq!(status, 422, "decided once");
        let upheld =
            json!({"decision": "upheld", "reasons": "The transfer was planned for the whole team in September."});
        assert_eq!(post(&s, &decide(&witness), &o1, upheld).await.0, 200);
        let no_answers = json!({"decision": "overturned", "reasons": "She told the press what the audit found."});
        let (status, refused) = post(&s, &decide(&disclosure), &o1, no_answers).await;
        assert_eq!((status, refused["error"]["fields"][0]["field"].as_str()), (422, Some("disclosure")));
        let answered = json!({"decision": "overturned", "reasons": "She told the press what the audit found.",
            "disclosure": {"believed_true": true, "reported_first": true, "public_danger": false, "retaliation_risk": false}});
        let (status, decided) = post(&s, &decide(&disclosure), &o1, answered).await;
        assert_eq!((status, decided["disclosure_protected"].as_bool()), (200, Some(true)), "{decided}");
        assert_eq!(
            post(&s, &decide(&hers), &president, json!({"decision": "upheld", "reasons": REASONS})).await.0,
            404
        );

        // A decision waits for the end of the period: until then, held.
        assert_eq!(status_of(&s, &token, &id(&hers)).await, "held");
        s.clock.advance(SignedDuration::from_hours(24 * 2));
        assert_eq!(status_of(&s, &token, &id(&hers)).await, "overturned", "read before the sweep came by");
        let report = s.ombud.sweep(s.clock.now()).await.expect("sweep");
        assert_eq!(report.actions_concluded, 4, "{report:?}");
        assert_eq!(status_of(&s, &token, &id(&witness)).await, "upheld");
        assert_eq!(status_of(&s, &token, &id(&unrelated)).await, "upheld", "nobody had to decide it");
        assert_eq!(status_of(&s, &token, &id(&disclosure)).await, "overturned");
        assert_eq!(status_of(&s, &token, &id(&undecided)).await, "overturned", "nobody decided in time: fail closed");

        // The record: on the ledger, and nothing of anyone in clear.
        let (_, log) = s.get_json("/api/v1/oversight/admin-log", &o1).await;
        let kinds = log.to_string();
        for kind in ["hr_action_received", "hr_action_justified", "hr_review_decided", "hr_action_concluded"] {
            assert!(kinds.contains(kind), "{kind} on the ledger");
        }
        let bytes = s
            .table_bytes(&["hr_actions", "item_wraps", "protected_persons", "staff_events", "outbox", "case_parties"])
            .await;
        let text = String::from_utf8_lossy(&bytes);
        for clear in ["E311", "E321", "Li Na", "Zhou Min", "li.na@", "SNTL-HR", "周敏", "李娜"] {
            assert!(!text.contains(clear), "{clear} in clear in the database");
        }
        s.stop().await;
    }
}

/// Closes a case the way a handler does, step by step.
async fn close_case(s: &TestServer, handler: &str, id: &str) {
    let steps = format!("/api/v1/cases/{id}/steps");
    let step = |name: &str| json!({"step": name, "reason": "internal", "for_reporter": "We looked into what you told us and acted on it."});
    assert_eq!(post(s, &steps, handler, json!({"step": "acknowledge"})).await.0, 200);
    for name in ["assess_in_scope", "start_investigation"] {
        assert_eq!(post(s, &steps, handler, json!({"step": name, "reason": "internal"})).await.0, 200, "{name}");
    }
    let mut findings = step("record_findings");
    findings["outcome"] = json!("substantiated");
    assert_eq!(post(s, &steps, handler, findings).await.0, 200);
    let mut decision = step("decide");
    decision["sanctions"] = json!(["written_warning"]);
    assert_eq!(post(s, &steps, handler, decision).await.0, 200);
    let mut close = step("close");
    close["outcome"] = json!("substantiated");
    let (status, body) = post(s, &steps, handler, close).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn after_closure_she_is_asked_a_yes_opens_a_linked_report_routed_around_them_and_her_page_tells_her_the_review() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("directory");
        let o_pw = s.staff("o1@example.org", Role::Oversight).await;
        let h_pw = s.staff("h@example.org", Role::Handler).await;
        let p_pw = s.staff("president@corp.example", Role::Handler).await;
        let (o1, handler) = (s.staff_token("o1@example.org", &o_pw).await, s.staff_token("h@example.org", &h_pw).await);
        let president = s.staff_token("president@corp.example", &p_pw).await;
        let (case_ref, receipt) = s
            .report(json!({
                "category": "sexual_harassment",
                "description": "孙经理多次在深夜发来骚扰信息。",
                "anonymous": false,
                "contact": {"name": "李娜", "email": "li.na@corp.example"},
                "people": [{"name": "孙浩 销售经理", "role": "accused", "internal": true}]
            }))
            .await;
        let her = s.reporter_token(&receipt).await;
        let (_, list) = s.get_json("/api/v1/cases", &handler).await;
        let case_id = list["cases"][0]["id"].as_str().expect("case").to_owned();
        close_case(&s, &handler, &case_id).await;

        let (status, after) = s.get_json("/api/v1/reporter/after", &her).await;
        assert_eq!((status, &after["check_in"]), (200, &Value::Null), "not asked before 30 days: {after}");
        s.clock.advance(SignedDuration::from_hours(24 * 31));
        let (_, after) = s.get_json("/api/v1/reporter/after", &her).await;
        assert_eq!(after["check_in"], 30);
        let page = s.page("/follow-up", "").await;
        assert!(!page.contains("her-check-in"), "no page without her session");
        let (status, _) = post(&s, "/api/v1/reporter/check-in", &her, json!({"day": 60, "changed": true})).await;
        assert_eq!(status, 422, "only the check-in due");
        let (status, refused) = post(&s, "/api/v1/reporter/check-in", &her, json!({"day": 30, "changed": true})).await;
        assert_eq!(
            (status, refused["error"]["fields"][0]["code"].as_str()),
            (422, Some("tell-what-happened")),
            "a yes is answered with what happened, never on its own"
        );

        // "Yes": she tells what happened; a mistake files nothing and answers nothing.
        let (status, _) =
            post(&s, "/api/v1/reporter/retaliation", &her, json!({"description": " ", "check_in": 30})).await;
        assert_eq!(status, 422);
        let (_, after) = s.get_json("/api/v1/reporter/after", &her).await;
        assert_eq!(after["check_in"], 30, "still asked");
        let told = json!({"description": "Since my case closed my manager moved me off every client account.",
                          "people": [{"name": "张伟", "role": "accused", "internal": true}], "check_in": 30});
        let (status, filed) = post(&s, "/api/v1/reporter/retaliation", &her, told).await;
        assert_eq!(status, 201, "{filed}");
        let (_, after) = s.get_json("/api/v1/reporter/after", &her).await;
        assert_eq!(after["check_in"], Value::Null, "answered with her report: {after}");
        assert_eq!(post(&s, "/api/v1/reporter/check-in", &her, json!({"day": 30, "changed": false})).await.0, 422);
        let new_ref = filed["case_ref"].as_str().expect("reference").to_owned();
        assert_ne!(new_ref, case_ref);
        let (_, after) = s.get_json("/api/v1/reporter/after", &her).await;
        assert_eq!(after["follow_ups"][0]["case_ref"], new_ref.as_str());
        let (_, theirs) = s.get_json(&format!("/api/v1/cases?q={new_ref}"), &president).await;
        assert_eq!(theirs["cases"].as_array().map(Vec::len), Some(0), "Sun Hao's president never sees it: {theirs}");
        let (_, ours) = s.get_json(&format!("/api/v1/cases?q={new_ref}"), &handler).await;
        assert_eq!(ours["cases"][0]["category"], "retaliation");
        let mine = s.reporter_token(filed["receipt"].as_str().expect("receipt")).await;
        let (_, new_case) = s.get_json("/api/v1/reporter/case", &mine).await;
        assert_eq!(new_case["case_ref"], new_ref.as_str(), "its own receipt opens it");

        // An HR action against her is held; oversight overturns it; her
        // page says so when the period ends, in words for her.
        let token = s.ombud.operator().create_hr_token("Workday").await.expect("token").token;
        let action = hr(&s, &token, "e311", "demotion", "E310", "restructuring").await;
        let (_, review) = s.get_json(&format!("/api/v1/oversight/hr-actions/{}", id(&action)), &o1).await;
        assert_eq!(review["needs_decision"], true, "her id in lower case is still her: {review}");
        let decision = json!({"decision": "overturned", "reasons": "Demoted a month after her case closed, with no record of any concern."});
        let path = format!("/api/v1/oversight/hr-actions/{}/decision", id(&action));
        assert_eq!(post(&s, &path, &o1, decision).await.0, 200);
        let (_, after) = s.get_json("/api/v1/reporter/after", &her).await;
        assert_eq!(after["reviews"].as_array().map(Vec::len), Some(0), "not before the period ends");
        s.clock.advance(SignedDuration::from_hours(24 * 5));
        s.ombud.sweep(s.clock.now()).await.expect("sweep");
        let (_, after) = s.get_json("/api/v1/reporter/after", &her).await;
        assert_eq!(after["reviews"][0]["outcome"], "overturned", "{after}");
        assert_eq!(after["reviews"][0]["action"], "demotion");
        // The manager she named sues her: oversight records it, and it is reviewed like a held action.
        let path = format!("/api/v1/cases/{case_id}/counter-proceedings");
        let suit = json!({"brought_by": 0, "against": "reporter", "kind": "lawsuit", "date": "2026-12-05",
                          "detail": "He sued her for defamation over what she reported."});
        assert_eq!(post(&s, &path, &handler, suit.clone()).await.0, 403, "oversight's to record");
        let (status, refused) = post(&s, &path, &o1, json!({"brought_by": 0, "against": "0", "kind": "suit"})).await;
        let fields: Vec<&str> =
            refused["error"]["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
        assert_eq!((status, fields), (422, vec!["kind", "date", "detail", "against"]), "{refused}");
        let (status, recorded) = post(&s, &path, &o1, suit).await;
        assert_eq!(status, 201, "{recorded}");
        let (_, review) = s.get_json(&format!("/api/v1/oversight/hr-actions/{}", id(&recorded)), &o1).await;
        assert_eq!((review["proceeding"].as_str(), review["needs_decision"].as_bool()), (Some("lawsuit"), Some(true)));
        assert_eq!(review["decided_by"], "孙浩 销售经理");
        let other_token = s.ombud.operator().create_hr_token("Other system").await.expect("token").token;
        let (status, _) = s.get_json(&format!("/api/v1/hr/actions/{}", id(&action)), &other_token).await;
        assert_eq!(status, 404, "another HR client reads only its own actions");
        s.stop().await;
    }
}

const STATEMENT: &str = "SNTL-SUPPORT-44ab 支持哨兵 I saw Mr Sun block her way out of the meeting room on 3 November.";

#[tokio::test]
async fn a_supporter_adds_a_statement_by_reference_her_manager_sees_no_trace_and_her_later_dismissal_is_held() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("directory");
        let o_pw = s.staff("o1@example.org", Role::Oversight).await;
        let h_pw = s.staff("h@example.org", Role::Handler).await;
        // He Qing manages the supporter; he reads the case itself.
        let m_pw = s.staff("people.lead@corp.example", Role::Handler).await;
        let (o1, handler) = (s.staff_token("o1@example.org", &o_pw).await, s.staff_token("h@example.org", &h_pw).await);
        let manager = s.staff_token("people.lead@corp.example", &m_pw).await;
        let (case_ref, receipt) = s
            .report(json!({"category": "sexual_harassment", "description": "孙经理在会议室堵住我不让我离开。",
                "people": [{"name": "孙浩", "role": "accused", "internal": true}]}))
            .await;
        let (_, list) = s.get_json("/api/v1/cases", &manager).await;
        let case_id = list["cases"][0]["id"].as_str().expect("he reads the case").to_owned();

        // The reference as she was told it: lower case, with spaces.
        let spoken = case_ref.to_lowercase().replace('-', " ");
        let bad = json!({"reference": "OMB-2222-3333", "statement": STATEMENT, "name": "王芳"});
        let (status, refused) = post(&s, "/api/v1/support", "", bad).await;
        assert_eq!(
            (status, refused["error"]["fields"][0]["code"].as_str()),
            (422, Some("support-case-unknown")),
            "{refused}"
        );
        let (status, refused) = post(&s, "/api/v1/support", "", json!({"reference": spoken, "name": " "})).await;
        let fields: Vec<&str> =
            refused["error"]["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
        assert_eq!((status, fields), (422, vec!["statement", "name"]));
        let body = json!({"reference": spoken, "statement": STATEMENT, "name": "王芳 Wang Fang",
                          "email": "Wang.Fang@corp.example"});
        let (status, added) = post(&s, "/api/v1/support", "", body).await;
        assert_eq!(status, 201, "{added}");
        assert_eq!(added["case_ref"], case_ref.as_str());
        let her_receipt = added["receipt"].as_str().expect("receipt").to_owned();

        // The independent handler reads it; her manager sees no trace of it.
        let (status, seen) = s.get_json(&format!("/api/v1/cases/{case_id}/support"), &handler).await;
        assert_eq!(status, 200, "{seen}");
        assert_eq!(seen[0]["statement"], STATEMENT);
        assert_eq!(seen[0]["email"], "Wang.Fang@corp.example");
        let (status, none) = s.get_json(&format!("/api/v1/cases/{case_id}/support"), &manager).await;
        assert_eq!((status, none.as_array().map(Vec::len)), (200, Some(0)), "{none}");
        let (_, case) = s.get_json(&format!("/api/v1/cases/{case_id}"), &manager).await;
        assert!(!case.to_string().contains("SNTL") && !case.to_string().contains("support"), "no event, no count");
        let page = s.page(&format!("/staff/cases/{case_id}"), &manager).await;
        assert!(!page.contains("SNTL") && !page.contains("id=\"support\""), "not on his page");
        let page = s.page(&format!("/staff/cases/{case_id}"), &handler).await;
        assert!(page.contains("SNTL-SUPPORT"), "on the independent handler's page");

        // Her receipt opens her statement only; the reporter's opens nothing there.
        let browser = s.browser();
        let wrong = browser.post(s.url("/support/follow-up")).form(&[("receipt", receipt.as_str())]).send().await;
        assert_eq!(wrong.expect("sent").status(), 401, "a case's receipt is no supporter's");
        assert_eq!(post(&s, "/api/v1/reporter/session", "", json!({"receipt": her_receipt})).await.0, 401);
        let opened = browser.post(s.url("/support/follow-up")).form(&[("receipt", her_receipt.as_str())]).send().await;
        assert_eq!(opened.expect("sent").status(), 303);
        let mine = browser.get(s.url("/support/follow-up")).send().await.expect("page").text().await.expect("html");
        assert!(mine.contains("SNTL-SUPPORT") && mine.contains(&case_ref), "her statement");
        assert!(!mine.contains("孙经理"), "never the case's report");
        let sent =
            browser.post(s.url("/support/reply")).form(&[("body", "I can also name two others who saw it.")]).send();
        assert_eq!(sent.await.expect("sent").status(), 303);
        let (_, seen) = s.get_json(&format!("/api/v1/cases/{case_id}/support"), &handler).await;
        assert_eq!(seen[0]["messages"][0]["body"], "I can also name two others who saw it.");
        // A handler's reply that is refused comes back in its box, as typed.
        let item = seen[0]["id"].as_str().expect("statement id").to_owned();
        let long = format!("Thank you. {}", "请告诉我们更多细节。".repeat(ombud_domain::MAX_MESSAGE_CHARS / 10 + 1));
        let path = format!("/staff/cases/{case_id}/support/{item}/message");
        let (status, page) = form(&s, &handler, &path, &[("body", long.as_str())]).await;
        assert_eq!(status, 422);
        assert!(page.contains(&long) && page.contains(&format!("id=\"support-reply-{item}-body-error\"")), "kept");
        assert_eq!(form(&s, &handler, &path, &[("body", "Thank you, we will write soon.")]).await.0, 303);

        // Oversight sees who the case protects, and until when.
        let (status, protected) = s.get_json(&format!("/api/v1/cases/{case_id}/protection"), &o1).await;
        assert_eq!(status, 200, "{protected}");
        assert_eq!(
            (protected[0]["who"].as_str(), protected[0]["basis"].as_str()),
            (Some("王芳 Wang Fang"), Some("supporter"))
        );
        assert_eq!(protected[0]["until"], Value::Null, "while the case is open");
        assert_eq!(s.get_json(&format!("/api/v1/cases/{case_id}/protection"), &handler).await.0, 403);

        // The man she saw sues her: oversight records it against her statement, not a future date.
        let counter = format!("/api/v1/cases/{case_id}/counter-proceedings");
        let mut suit = json!({"brought_by": 0, "against": format!("supporter:{item}"), "kind": "lawsuit",
                              "date": "2027-06-01", "detail": "He sued her for defamation over her statement."});
        let (status, refused) = post(&s, &counter, &o1, suit.clone()).await;
        assert_eq!((status, field_codes(&refused)), (422, vec![("date".into(), "date-in-future".into())]));
        suit["date"] = json!("2026-11-01");
        let (status, recorded) = post(&s, &counter, &o1, suit).await;
        assert_eq!(status, 201, "{recorded}");
        let (_, review) = s.get_json(&format!("/api/v1/oversight/hr-actions/{}", id(&recorded)), &o1).await;
        assert_eq!(
            (review["proceeding"].as_str(), review["protected"][0]["basis"].as_str()),
            (Some("lawsuit"), Some("supporter"))
        );

        // She is protected: her dismissal is held and needs a decision.
        let token = s.ombud.operator().create_hr_token("Workday").await.expect("token").token;
        let action = hr(&s, &token, "E600", "dismissal", "E400", "restructuring").await;
        let (_, review) = s.get_json(&format!("/api/v1/oversight/hr-actions/{}", id(&action)), &o1).await;
        assert_eq!(review["needs_decision"], true, "{review}");
        assert_eq!(review["protected"][0]["basis"], "supporter");

        let bytes = s
            .table_bytes(&[
                "case_items",
                "item_messages",
                "item_wraps",
                "support_receipts",
                "protected_persons",
                "staff_events",
            ])
            .await;
        let text = String::from_utf8_lossy(&bytes);
        for clear in ["SNTL", "王芳", "Wang Fang", "Wang.Fang", "two others", "E600"] {
            assert!(!text.contains(clear), "{clear} in clear in the database");
        }
        s.stop().await;
    }
}

const PROTECT_REASON: &str =
    "SNTL-PROTECT-7f21 She told us in her third message who she is; her manager already knows.";

/// A form on a case page, posted with a bearer token: (status, page).
async fn form(s: &TestServer, token: &str, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let r = s.client().post(s.url(path)).bearer_auth(token).form(fields).send().await.expect("post");
    (r.status().as_u16(), r.text().await.expect("html"))
}

fn field_codes(v: &Value) -> Vec<(String, String)> {
    v["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (f["field"].as_str().unwrap_or_default().to_owned(), f["code"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

#[tokio::test]
async fn oversight_protects_a_reporter_identified_later_by_her_name_as_written_and_her_page_tells_her_the_review() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        // Two people are called Li Na (李娜): the reporter, and a colleague in People.
        let directory = format!("{DIRECTORY}E700,Li Na,li.na.people@corp.example,E400,People,3,\n");
        s.ombud.import_directory(&directory, ombud_service::ChangeSource::CommandLine).await.expect("directory");
        let o_pw = s.staff("o1@example.org", Role::Oversight).await;
        let h_pw = s.staff("h@example.org", Role::Handler).await;
        let (o1, handler) = (s.staff_token("o1@example.org", &o_pw).await, s.staff_token("h@example.org", &h_pw).await);
        // Anonymous: nobody knows who she is, so nothing protects her yet.
        let (_, receipt) = s
            .report(json!({"category": "sexual_harassment", "description": "孙经理多次在深夜发来骚扰信息。",
                "people": [{"name": "孙浩 销售经理", "role": "accused", "internal": true}]}))
            .await;
        let her = s.reporter_token(&receipt).await;
        let (_, list) = s.get_json("/api/v1/cases", &o1).await;
        let case_id = list["cases"][0]["id"].as_str().expect("case").to_owned();
        let path = format!("/api/v1/cases/{case_id}/protection");
        assert_eq!(s.get_json(&path, &o1).await.1, json!([]), "nobody is protected yet");
        let page = s.page(&format!("/staff/cases/{case_id}"), &o1).await;
        assert!(page.contains("id=\"protect\"") && page.contains("id=\"proceeding-against\""), "oversight's forms");
        let page = s.page(&format!("/staff/cases/{case_id}"), &handler).await;
        assert!(!page.contains("id=\"protect\""), "not a handler's");

        // Mistakes as people make them: each is named, and the page keeps what was typed.
        let html = format!("/staff/cases/{case_id}/protection");
        let (status, page) = form(&s, &o1, &html, &[("person", "李娜 销售代表"), ("basis", ""), ("reason", "")]).await;
        assert_eq!(status, 422);
        assert!(page.contains("value=\"李娜 销售代表\""), "what she typed comes back");
        assert!(
            page.contains("id=\"protect-basis-error\"") && page.contains("id=\"protect-reason-error\""),
            "beside each field"
        );
        let ask = |person: &str| json!({"person": person, "basis": "reporter", "reason": PROTECT_REASON});
        let (status, refused) = post(&s, &path, &o1, ask("孙浩")).await;
        assert_eq!((status, field_codes(&refused)), (422, vec![("person".into(), "person-is-accused".into())]));
        let (status, refused) = post(&s, &path, &o1, ask("Nobody Atall")).await;
        assert_eq!((status, field_codes(&refused)), (422, vec![("person".into(), "person-not-in-directory".into())]));
        let (status, refused) = post(&s, &path, &o1, ask("李")).await;
        assert_eq!((status, field_codes(&refused)), (422, vec![("person".into(), "person-whole-name".into())]));
        let (status, refused) = post(&s, &path, &o1, ask("李娜 销售代表")).await;
        assert_eq!((status, field_codes(&refused)), (422, vec![("person".into(), "person-ambiguous".into())]));
        assert_eq!(post(&s, &path, &handler, ask("李娜")).await.0, 403, "oversight's to add");

        // Her work email, as typed: she is protected as the reporter.
        let (status, html_done) = form(
            &s,
            &o1,
            &html,
            &[("person", " LI.NA@corp.example"), ("basis", "reporter"), ("reason", PROTECT_REASON)],
        )
        .await;
        assert_eq!(status, 303, "{html_done}");
        let page = s.page(&format!("/staff/cases/{case_id}?done=protection-added"), &o1).await;
        assert!(page.contains(PROTECT_REASON) && page.contains("LI.NA@corp.example → Li Na"), "listed with the reason");
        let (_, protected) = s.get_json(&path, &o1).await;
        assert_eq!(
            (protected[0]["who"].as_str(), protected[0]["basis"].as_str(), protected[0]["reason"].as_str()),
            (Some("LI.NA@corp.example → Li Na"), Some("reporter"), Some(PROTECT_REASON)),
            "{protected}"
        );

        // The accused sues her: recorded from the case page, a mistake keeping every value.
        let counter = format!("/staff/cases/{case_id}/counter-proceedings");
        let detail = "He sued her for defamation in the district court over her report.";
        let mut suit = vec![
            ("brought_by", "0"),
            ("against", "reporter"),
            ("kind", ""),
            ("date", "2026-11-01"),
            ("detail", detail),
        ];
        let (status, page) = form(&s, &o1, &counter, &suit).await;
        assert_eq!(status, 422);
        assert!(page.contains(detail) && page.contains("id=\"proceeding-against-kind-error\""), "kept, named");
        suit[2] = ("kind", "lawsuit");
        assert_eq!(form(&s, &o1, &counter, &suit).await.0, 303);
        let (_, reviews) = s.get_json("/api/v1/oversight/hr-actions", &o1).await;
        assert_eq!(reviews[0]["proceeding"], "lawsuit", "{reviews}");

        // The HR system demotes her: the review names the case; oversight
        // overturns it; her page tells her when the period ends.
        let token = s.ombud.operator().create_hr_token("Workday").await.expect("token").token;
        let action = hr(&s, &token, "E311", "demotion", "E310", "restructuring").await;
        let (_, review) = s.get_json(&format!("/api/v1/oversight/hr-actions/{}", id(&action)), &o1).await;
        assert_eq!(
            (review["needs_decision"].as_bool(), review["protected"][0]["basis"].as_str()),
            (Some(true), Some("reporter"))
        );
        let decision = json!({"decision": "overturned", "reasons": "Demoted weeks after she was identified, with nothing written before."});
        let decide = format!("/api/v1/oversight/hr-actions/{}/decision", id(&action));
        assert_eq!(post(&s, &decide, &o1, decision).await.0, 200);
        s.clock.advance(SignedDuration::from_hours(24 * 6));
        s.ombud.sweep(s.clock.now()).await.expect("sweep");
        let (_, after) = s.get_json("/api/v1/reporter/after", &her).await;
        assert_eq!(after["reviews"][0]["outcome"], "overturned", "{after}");

        let bytes = s.table_bytes(&["protected_persons", "events", "staff_events", "hr_actions"]).await;
        let text = String::from_utf8_lossy(&bytes);
        for clear in ["SNTL", "李娜", "Li Na", "li.na", "E311"] {
            assert!(!text.contains(clear), "{clear} is in clear");
        }
        s.stop().await;
    }
}

#[tokio::test]
async fn she_asks_to_be_mailed_when_a_check_in_waits_and_gets_one_content_free_mail_for_each() {
    // Where the instance sends no mail, nothing is offered that would never come.
    let quiet = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let (_, receipt) =
        quiet.report(json!({"category": "sexual_harassment", "description": "He shouts at me daily."})).await;
    let her = quiet.reporter_token(&receipt).await;
    let put = quiet.client().put(quiet.url("/api/v1/reporter/check-in-reminder")).bearer_auth(&her);
    let refused: Value =
        put.json(&json!({"email": "me@example.net"})).send().await.expect("put").json().await.expect("json");
    assert_eq!(field_codes(&refused), vec![("email".into(), "no-mail-here".into())]);
    let browser = quiet.browser();
    browser.post(quiet.url("/follow-up")).form(&[("receipt", receipt.as_str())]).send().await.expect("sign in");
    let page = browser.get(quiet.url("/follow-up")).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("id=\"after\"") && !page.contains("id=\"reminders\""), "not offered without mail");
    quiet.stop().await;

    for backend in backends() {
        let mut sink = SmtpSink::start().await;
        let mut web = ombud_web::WebConfig::default();
        web.operations.mail_server = Some(sink.url());
        let s = TestServer::start_with(ombud_testkit::Options { backend, web, ..Default::default() }).await;
        let h_pw = s.staff("h@example.org", Role::Handler).await;
        let handler = s.staff_token("h@example.org", &h_pw).await;
        let (case_ref, receipt) = s
            .report(json!({"category": "sexual_harassment", "description": "SNTL-CHECKIN-d00d He shouts at me in every meeting.",
                "anonymous": false, "contact": {"name": "Mei", "phone": "+86 138 0000 0000"}}))
            .await;
        let (_, list) = s.get_json("/api/v1/cases", &handler).await;
        let case_id = list["cases"][0]["id"].as_str().expect("case").to_owned();

        // Her page, in a browser: a mistake comes back beside the field, as typed.
        let browser = s.browser();
        browser.post(s.url("/follow-up")).form(&[("receipt", receipt.as_str())]).send().await.expect("sign in");
        let page = browser.get(s.url("/follow-up")).send().await.expect("page").text().await.expect("html");
        assert!(page.contains("id=\"reminders\""), "offered on her page");
        let sent =
            browser.post(s.url("/follow-up/reminders")).form(&[("email", "mei.private@")]).send().await.expect("sent");
        assert_eq!(sent.status(), 422);
        let page = sent.text().await.expect("html");
        assert!(page.contains("value=\"mei.private@\"") && page.contains("id=\"reminders-email-error\""), "as typed");
        let address = "mei.private@example.net";
        let sent = browser.post(s.url("/follow-up/reminders")).form(&[("email", address)]).send().await.expect("sent");
        assert_eq!(sent.status(), 303);
        let page =
            browser.get(s.url("/follow-up?reminders=asked")).send().await.expect("page").text().await.expect("html");
        assert!(
            page.contains(address) && page.contains("name=\"action\" value=\"stop\""),
            "she sees where, and can stop"
        );
        let bytes = s.table_bytes(&["check_in_reminders"]).await;
        assert!(!bytes.is_empty() && !String::from_utf8_lossy(&bytes).contains("mei.private"), "sealed, not in clear");

        let mailer = ombud_service::SmtpMailer::new(&sink.url(), "ombud@example.org").expect("mailer");
        let send = || s.ombud.send_check_in_reminders(&mailer, &NoticeTexts, "http://ombud.test");
        assert_eq!(send().await.expect("send").sent, 0, "nothing before her case closes");
        close_case(&s, &handler, &case_id).await;
        s.clock.advance(SignedDuration::from_hours(24 * 29));
        assert_eq!(send().await.expect("send").sent, 0, "nothing before the first check-in");
        s.clock.advance(SignedDuration::from_hours(24 * 2));
        assert_eq!(send().await.expect("send").sent, 1, "the 30-day check-in");
        assert_eq!(send().await.expect("send").sent, 0, "once per check-in");
        let mails = sink.messages();
        assert_eq!(mails.len(), 1);
        let mail = &mails[0];
        assert_eq!(mail.to, address);
        assert!(
            mail.body.contains("http://ombud.test/follow-up") && mail.subject.contains("Ombud："),
            "{}",
            mail.subject
        );
        for never in [case_ref.as_str(), "SNTL", "shouts", "bullying", "Mei"] {
            assert!(!mail.body.contains(never) && !mail.subject.contains(never), "the mail carries {never}");
        }
        assert!(!mail.raw.contains(&case_ref), "nor does any header");

        // The page still asks; a mail server that fails loses nothing, it is tried again.
        let her = s.reporter_token(&receipt).await;
        assert_eq!(post(&s, "/api/v1/reporter/check-in", &her, json!({"day": 30, "changed": false})).await.0, 200);
        s.clock.advance(SignedDuration::from_hours(24 * 30));
        sink.stop();
        assert_eq!(send().await.expect("send").failed, 1, "refused, kept for the next pass");
        sink.restart().await;
        let mailer = ombud_service::SmtpMailer::new(&sink.url(), "ombud@example.org").expect("mailer");
        let send = || s.ombud.send_check_in_reminders(&mailer, &NoticeTexts, "http://ombud.test");
        assert_eq!(send().await.expect("send").sent, 0, "not before its wait is over");
        s.clock.advance(SignedDuration::from_secs(120));
        assert_eq!(send().await.expect("send").sent, 1, "the 60-day check-in, once the wait is over");
        assert_eq!(send().await.expect("send").sent, 0, "and once only");

        // She stops them: her address is gone at once, and nothing more comes.
        let stopped = s.client().delete(s.url("/api/v1/reporter/check-in-reminder")).bearer_auth(&her).send().await;
        let after: Value = stopped.expect("delete").json().await.expect("json");
        assert_eq!(after["reminder_email"], Value::Null);
        assert!(s.table_bytes(&["check_in_reminders"]).await.is_empty(), "her address is deleted");
        s.clock.advance(SignedDuration::from_hours(24 * 30));
        let sent = s.ombud.send_check_in_reminders(&mailer, &NoticeTexts, "http://ombud.test").await.expect("send");
        assert_eq!(sent.sent, 0);

        // Asked again, the last check-in's mail is the last: the address goes with it.
        let put = s.client().put(s.url("/api/v1/reporter/check-in-reminder")).bearer_auth(&her);
        let asked = put.json(&json!({"email": address})).send().await.expect("put");
        assert_eq!(asked.status(), 200);
        s.clock.advance(SignedDuration::from_hours(24 * 90));
        // Two job loops at once (two instances) mail it once between them.
        let (a, b) = tokio::join!(
            s.ombud.send_check_in_reminders(&mailer, &NoticeTexts, "http://ombud.test"),
            s.ombud.send_check_in_reminders(&mailer, &NoticeTexts, "http://ombud.test")
        );
        assert_eq!(a.expect("a").sent + b.expect("b").sent, 1, "the 180-day check-in, once");
        assert_eq!(sink.messages().len(), 3, "30, 60 and 180 days: {:?}", sink.messages().len());
        assert!(s.table_bytes(&["check_in_reminders"]).await.is_empty(), "deleted after the last check-in");
        s.stop().await;
    }
}

/// The `once` value of the first guarded form on a page.
fn once_of(html: &str) -> String {
    let at = html.find("once=").expect("a guarded form") + 5;
    html[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

#[tokio::test]
async fn a_statement_or_a_later_report_sent_twice_is_filed_once() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let h_pw = s.staff("h@example.org", Role::Handler).await;
        let handler = s.staff_token("h@example.org", &h_pw).await;
        let (case_ref, receipt) =
            s.report(json!({"category": "sexual_harassment", "description": "孙经理在会议室堵住我不让我离开。"})).await;
        let (_, list) = s.get_json("/api/v1/cases", &handler).await;
        let case_id = list["cases"][0]["id"].as_str().expect("case").to_owned();

        // A double click on "Add my statement": one statement, and the second
        // send says it was received without showing a receipt again.
        let supporter = s.browser();
        let page = supporter.get(s.url("/support")).send().await.expect("form").text().await.expect("html");
        let action = format!("/support?once={}", once_of(&page));
        let fields = [
            ("reference", case_ref.as_str()),
            ("statement", "I saw him block the door of the meeting room."),
            ("name", "Wang Fang"),
            ("email", ""),
            ("phone", ""),
        ];
        let nameless = [fields[0], fields[1], ("name", " "), fields[3], fields[4]];
        let refused = supporter.post(s.url(&format!("/support?once={}", once_of(&page)))).form(&nameless).send().await;
        let refused = refused.expect("refused");
        assert_eq!(refused.status(), 422);
        let html = refused.text().await.expect("html");
        assert!(html.contains("id=\"name-error\"") && html.contains("I saw him block the door"), "beside it, kept");
        let first = supporter.post(s.url(&action)).form(&fields).send().await.expect("first");
        assert_eq!(first.status(), 200, "the receipt page");
        let second = supporter.post(s.url(&action)).form(&fields).send().await.expect("second");
        assert_eq!(second.status(), 303);
        let back = second.headers()["location"].to_str().expect("location").to_owned();
        let page = supporter.get(s.url(&back)).send().await.expect("page").text().await.expect("html");
        assert!(page.contains("id=\"sent-once\""), "she is told it was received: {back}");
        let (_, statements) = s.get_json(&format!("/api/v1/cases/{case_id}/support"), &handler).await;
        assert_eq!(statements.as_array().map(Vec::len), Some(1), "one statement: {statements}");

        // The same for "something has happened to me since I reported".
        let her = s.browser();
        her.post(s.url("/follow-up")).form(&[("receipt", receipt.as_str())]).send().await.expect("sign in");
        let page = her.get(s.url("/follow-up/retaliation")).send().await.expect("form").text().await.expect("html");
        let action = format!("/follow-up/retaliation?once={}", once_of(&page));
        let told = [("description", "My manager moved me off every client account the week after."), ("person", "")];
        assert_eq!(her.post(s.url(&action)).form(&told).send().await.expect("first").status(), 200);
        assert_eq!(her.post(s.url(&action)).form(&told).send().await.expect("second").status(), 303);
        let token = s.reporter_token(&receipt).await;
        let (_, after) = s.get_json("/api/v1/reporter/after", &token).await;
        assert_eq!(after["follow_ups"].as_array().map(Vec::len), Some(1), "one later report: {after}");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_later_report_that_names_her_takes_the_review_from_the_accused_chain() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("directory");
        let o_pw = s.staff("o1@example.org", Role::Oversight).await;
        let p_pw = s.staff("president@corp.example", Role::Oversight).await;
        let o1 = s.staff_token("o1@example.org", &o_pw).await;
        let president = s.staff_token("president@corp.example", &p_pw).await;
        // Zhou Min is in no case yet: her transfer is held, and both members may review it.
        let token = s.ombud.operator().create_hr_token("Workday").await.expect("token").token;
        let action = hr(&s, &token, "E321", "transfer", "E100", "restructuring").await;
        let review = format!("/api/v1/oversight/hr-actions/{}", id(&action));
        assert_eq!(s.get_json(&review, &president).await.0, 200, "the president may review it");
        // Then a report accuses Sun Hao (the president's report) and names her as its witness, in characters.
        s.report(json!({"category": "sexual_harassment", "description": "孙经理骚扰我，周敏看到了。",
            "people": [{"name": "孙浩", "role": "accused", "internal": true},
                       {"name": "周敏", "role": "witness", "internal": true}]}))
            .await;
        assert_eq!(s.get_json(&review, &president).await.0, 404, "his chain no longer reads it");
        let (status, seen) = s.get_json(&review, &o1).await;
        assert_eq!((status, seen["needs_decision"].as_bool()), (200, Some(true)), "now she is protected: {seen}");
        let (_, list) = s.get_json("/api/v1/oversight/hr-actions", &president).await;
        assert!(!list.to_string().contains(&id(&action)), "nor lists it");

        // The same when oversight protects someone on that case by hand.
        let other = hr(&s, &token, "E311", "negative_review", "E100", "annual appraisal").await;
        let review = format!("/api/v1/oversight/hr-actions/{}", id(&other));
        assert_eq!(s.get_json(&review, &president).await.0, 200);
        let (_, cases) = s.get_json("/api/v1/cases", &o1).await;
        let case_id = cases["cases"][0]["id"].as_str().expect("case").to_owned();
        let add = json!({"person": "li.na@corp.example", "basis": "added",
                         "reason": "She helped the witness write down what she saw."});
        assert_eq!(post(&s, &format!("/api/v1/cases/{case_id}/protection"), &o1, add).await.0, 201);
        assert_eq!(s.get_json(&review, &president).await.0, 404, "his chain no longer reads hers either");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_reader_let_back_into_a_case_reads_its_statements_again() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("directory");
        let o_pw = s.staff("o1@example.org", Role::Oversight).await;
        let o1 = s.staff_token("o1@example.org", &o_pw).await;
        let m_pw = s.staff("people.lead@corp.example", Role::Handler).await;
        // "王经理": a surname and a title. Wang Fang is the only Wang, so He
        // Qing, her manager, is kept out until someone says who was meant.
        let (case_ref, _) = s
            .report(json!({"category": "sexual_harassment", "description": "王经理在年会上对我动手动脚，周敏看到了。",
                "people": [{"name": "王经理", "role": "accused", "internal": true},
                           {"name": "周敏", "role": "witness", "internal": true}]}))
            .await;
        let manager = s.staff_token("people.lead@corp.example", &m_pw).await;
        let (_, mine) = s.get_json("/api/v1/cases", &manager).await;
        assert_eq!(mine["cases"].as_array().map(Vec::len), Some(0), "kept out: {mine}");
        let (_, list) = s.get_json("/api/v1/cases", &o1).await;
        let case_id = list["cases"][0]["id"].as_str().expect("case").to_owned();
        let statement = json!({"reference": case_ref, "statement": "I saw the manager grab her arm at the annual party.",
                               "name": "Mei Ling, from the agency"});
        assert_eq!(post(&s, "/api/v1/support", "", statement).await.0, 201);
        // Liu Yang, above He Qing, joins the staff after the statement: kept
        // out of the case, and so of the statement, from the start.
        let c_pw = s.staff("coo@corp.example", Role::Handler).await;
        let coo = s.staff_token("coo@corp.example", &c_pw).await;
        let (_, theirs) = s.get_json("/api/v1/cases", &coo).await;
        assert_eq!(theirs["cases"].as_array().map(Vec::len), Some(0), "kept out: {theirs}");
        // The accused turns out to be someone from outside: He Qing is let back in.
        let matched = format!("/api/v1/cases/{case_id}/people/0/match");
        assert_eq!(post(&s, &matched, &o1, json!({"internal": false})).await.0, 200);
        // A reader's own match lets them back in at once (only a directory change waits for oversight).
        for who in [&manager, &coo] {
            let (_, theirs) = s.get_json("/api/v1/cases", who).await;
            assert_eq!(theirs["cases"][0]["id"].as_str(), Some(case_id.as_str()), "back in: {theirs}");
        }
        assert_eq!(s.get_json(&format!("/api/v1/cases/{case_id}"), &o1).await.0, 200);
        let (_, seen) = s.get_json(&format!("/api/v1/cases/{case_id}/support"), &o1).await;
        assert_eq!(seen.as_array().map(Vec::len), Some(1));
        let (status, his) = s.get_json(&format!("/api/v1/cases/{case_id}/support"), &manager).await;
        assert_eq!((status, his.as_array().map(Vec::len)), (200, Some(1)), "he reads the statement: {his}");
        let (status, theirs) = s.get_json(&format!("/api/v1/cases/{case_id}/support"), &coo).await;
        assert_eq!((status, theirs.as_array().map(Vec::len)), (200, Some(1)), "so does she, let back in: {theirs}");
        s.stop().await;
    }
}

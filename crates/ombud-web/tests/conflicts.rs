//! No one judges their own case: the seed scenario through the real server,
//! and an authorization matrix over every route × relation to the case.
//!
//! The organisation is `demo::SAMPLE_DIRECTORY`. Li Na reports Sun Hao (her
//! manager's peer) and a client for an assault on a business trip, naming
//! her manager Zhang Wei as a witness. Sun Hao's unit president and the
//! unit's HR partner both hold handler accounts.

use jiff::SignedDuration;
use ombud_domain::{Clock, Role, StaffId};
use ombud_service::demo::SAMPLE_DIRECTORY;
use ombud_testkit::{TestServer, backends};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// How a staff member stands to the case, and whether the rule lets her see it.
/// Whether `{id}` in a route names a case: an HR action's id does not
/// (its reviews have their own test, `retaliation.rs`).
fn is_case_route(path: &str) -> bool {
    !path.starts_with("/hr/") && !path.starts_with("/oversight/hr-actions")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Relation {
    /// Named in the report (as a witness).
    Named,
    /// The unit president: above the accused.
    Chain,
    /// The HR partner of the accused's unit.
    HrPartner,
    /// Reports directly to the accused.
    DirectReport,
    /// Declared a conflict on this case.
    Declared,
    /// The ethics-office handler working the case.
    Assigned,
    /// A handler with no tie to anyone in it.
    Unrelated,
    Oversight,
}

use Relation::*;

const RELATIONS: [Relation; 8] = [Named, Chain, HrPartner, DirectReport, Declared, Assigned, Unrelated, Oversight];

impl Relation {
    fn email(self) -> &'static str {
        match self {
            Named => "zhang.wei@demo.ombud.example",
            Chain => "president@demo.ombud.example",
            HrPartner => "hr.sales@demo.ombud.example",
            DirectReport => "zhou.min@demo.ombud.example",
            Declared => "declared@elsewhere.example",
            Assigned => "handler@demo.ombud.example",
            Unrelated => "unrelated@elsewhere.example",
            Oversight => "oversight@demo.ombud.example",
        }
    }

    fn role(self) -> Role {
        if self == Oversight { Role::Oversight } else { Role::Handler }
    }

    fn sees_case(self) -> bool {
        matches!(self, Assigned | Unrelated | Oversight)
    }

    /// The reason oversight is shown for her exclusion.
    fn reason(self) -> Option<&'static str> {
        match self {
            Named => Some("named"),
            Chain => Some("management_chain"),
            HrPartner => Some("hr_partner"),
            DirectReport => Some("direct_report"),
            Declared => Some("declared"),
            _ => None,
        }
    }
}

struct World {
    s: TestServer,
    tokens: BTreeMap<Relation, String>,
    ids: BTreeMap<Relation, StaffId>,
    admin: String,
    reporter: String,
    case_id: String,
    case_ref: String,
    request_id: String,
    deadline_id: String,
    attachment_id: String,
}

fn scenario_report() -> Value {
    json!({
        "category": "sexual_assault",
        "description": "出差期间，孙经理和客户在晚宴上一再劝我喝酒。之后发生的事让我非常害怕。",
        "location": {"kind": "business_trip", "detail": "济南"},
        "people": [
            {"name": "孙浩 Sun Hao", "employee_id": "E320", "role": "accused", "internal": true},
            {"name": "客户代表", "role": "accused", "internal": false},
            {"name": "张伟", "email": "zhang.wei@demo.ombud.example", "role": "witness", "internal": true}
        ],
        "requests": [{"kind": "no_contact"}],
        "anonymous": false,
        "contact": {"name": "Li Na", "email": "li.na.private@example.org"}
    })
}

async fn world(backend: ombud_testkit::Backend) -> World {
    let s = TestServer::start(backend).await;
    s.ombud.import_directory(SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("directory");
    let mut passwords = BTreeMap::new();
    for r in RELATIONS {
        passwords.insert(r, s.staff(r.email(), r.role()).await);
    }
    let admin_pw = s.staff("admin@demo.ombud.example", Role::Admin).await;
    let (case_ref, receipt) = s.report(scenario_report()).await;
    let mut tokens = BTreeMap::new();
    let mut ids = BTreeMap::new();
    for r in RELATIONS {
        tokens.insert(r, s.staff_token(r.email(), &passwords[&r]).await);
        let staff = s.ombud.store().staff_by_email(r.email()).await.expect("store").expect("staff");
        ids.insert(r, staff.id);
    }
    let admin = s.staff_token("admin@demo.ombud.example", &admin_pw).await;
    let reporter = s.reporter_token(&receipt).await;
    let (_, list) = s.get_json("/api/v1/cases", &tokens[&Assigned]).await;
    let case_id = list["cases"][0]["id"].as_str().expect("the ethics handler sees the case").to_owned();
    // The declared handler could see it, and stepped aside.
    let (status, _) = s.post_json(&format!("/api/v1/cases/{case_id}/recuse"), &tokens[&Declared], json!({})).await;
    assert_eq!(status, 200);
    // The ethics handler sends the reporter a file, so there is one to download.
    let form = Form::new().text("body", "请看附件中的支持资源。").part(
        "attachments",
        Part::bytes(b"support resources".to_vec()).file_name("support.txt").mime_str("text/plain").expect("mime"),
    );
    let sent = s
        .client()
        .post(s.url(&format!("/staff/cases/{case_id}/reply")))
        .bearer_auth(&tokens[&Assigned])
        .multipart(form)
        .send()
        .await
        .expect("reply");
    assert_eq!(sent.status(), 303);
    let (_, case) = s.get_json(&format!("/api/v1/cases/{case_id}"), &tokens[&Assigned]).await;
    let attachment_id = case["messages"][0]["attachments"][0]["id"].as_str().expect("attachment").to_owned();
    let request_id = case["requests"][0]["id"].as_str().expect("request").to_owned();
    let deadline_id = case["deadlines"][0]["id"].as_str().expect("deadline").to_owned();
    World { s, tokens, ids, admin, reporter, case_id, case_ref, request_id, deadline_id, attachment_id }
}

#[tokio::test]
async fn the_seed_scenario_keeps_the_accused_chain_and_unit_hr_out_on_every_backend() {
    for backend in backends() {
        let w = world(backend).await;
        let s = &w.s;
        let case = format!("/api/v1/cases/{}", w.case_id);
        for r in RELATIONS {
            let token = &w.tokens[&r];
            let (_, list) = s.get_json("/api/v1/cases", token).await;
            let (_, count) = s.get_json("/api/v1/cases/count", token).await;
            let (_, found) = s.get_json(&format!("/api/v1/cases?q={}", w.case_ref), token).await;
            let (status, _) = s.get_json(&case, token).await;
            let listed = list.to_string().contains(&w.case_ref);
            assert_eq!(listed, r.sees_case(), "{r:?} in the list");
            assert_eq!(found.to_string().contains(&w.case_ref), r.sees_case(), "{r:?} by search");
            assert_eq!(count["total"], json!(u64::from(r.sees_case())), "{r:?} counts");
            assert_eq!(status, if r.sees_case() { 200 } else { 404 }, "{r:?} opens");
            // No key was ever wrapped to an excluded reader.
            let access = s.ombud.store().access(w.case_id.parse().expect("id"), w.ids[&r]).await.expect("access");
            assert_eq!(access.is_some(), r.sees_case(), "{r:?} holds a wrapped key");
        }

        // Oversight sees every exclusion with its reason; the rest see none.
        let (status, body) = s.get_json("/api/v1/oversight/exclusions", &w.tokens[&Oversight]).await;
        assert_eq!(status, 200);
        for r in RELATIONS {
            let row = body["exclusions"].as_array().expect("rows").iter().find(|x| x["staff_id"] == json!(w.ids[&r]));
            assert_eq!(row.map(|x| x["reason"].as_str().unwrap_or_default()), r.reason(), "{r:?}");
        }
        // At rest, only "declared" or "conflict": which rule fired would say whom the case concerns.
        let stored = s.ombud.store().exclusions(w.case_id.parse().expect("id")).await.expect("exclusions");
        assert_eq!(stored.len(), 5);
        assert!(stored.iter().all(|e| matches!(e.reason.as_str(), "declared" | "conflict")), "{stored:?}");
        for r in [Chain, HrPartner, Assigned] {
            let (status, body) = s.get_json("/api/v1/oversight/exclusions", &w.tokens[&r]).await;
            assert_eq!(status, 403);
            assert!(!body.to_string().contains(&w.case_id), "the excluded learn nothing");
        }

        // Notifications: reminders 48 h before the 72-hour triage reach the
        // handlers who may read the case, never the excluded.
        s.clock.advance(SignedDuration::from_hours(25));
        s.ombud.sweep(s.clock.now()).await.expect("sweep");
        let now = s.clock.now();
        let notices = s.ombud.store().claim_outbox(now, now + SignedDuration::from_mins(5), 100).await.expect("claim");
        let reminded: Vec<StaffId> = notices.iter().map(|n| n.staff_id).collect();
        for r in RELATIONS {
            let expected = r.sees_case() && r.role() == Role::Handler;
            assert_eq!(reminded.contains(&w.ids[&r]), expected, "{r:?} reminded");
        }
        // The triage deadline passes: the escalation goes to oversight only.
        s.clock.advance(SignedDuration::from_hours(48));
        s.ombud.sweep(s.clock.now()).await.expect("sweep");
        let now = s.clock.now();
        let notices = s.ombud.store().claim_outbox(now, now + SignedDuration::from_mins(5), 100).await.expect("claim");
        let escalated: Vec<StaffId> = notices.iter().filter(|n| n.kind == "escalation").map(|n| n.staff_id).collect();
        assert!(!escalated.is_empty());
        assert!(escalated.iter().all(|id| *id == w.ids[&Oversight]), "escalations reach oversight alone");
        for n in &notices {
            let excluded = RELATIONS.iter().filter(|r| !r.sees_case()).any(|r| w.ids[r] == n.staff_id);
            assert!(!excluded, "no notice of any kind reaches the excluded");
        }

        // The reporter sees when her case was opened, never by whom.
        let (_, mine) = s.get_json("/api/v1/reporter/case", &w.reporter).await;
        let text = mine.to_string();
        let opened = mine["events"].as_array().expect("events").iter().filter(|e| e["kind"] == "opened_by_staff");
        assert!(opened.count() >= 2, "each opening is on her page: {text}");
        for r in RELATIONS {
            assert!(!text.contains(&w.ids[&r].to_string()), "no staff id on her side");
        }
        w.s.stop().await;
    }
}

#[tokio::test]
async fn the_access_log_records_every_open_download_and_reveal_for_oversight() {
    let w = world(ombud_testkit::Backend::Sqlite).await;
    let s = &w.s;
    let case = format!("/api/v1/cases/{}", w.case_id);
    let (_, view) = s.get_json(&case, &w.tokens[&Unrelated]).await;
    assert_eq!(view["report"]["contact"], Value::Null, "contact details stay hidden until asked for");
    assert_eq!(view["contact_hidden"], true);
    let (status, shown) = s.post_json(&format!("{case}/reveal-identity"), &w.tokens[&Unrelated], json!({})).await;
    assert_eq!((status, shown["contact"]["email"].as_str()), (200, Some("li.na.private@example.org")));
    let file = s
        .client()
        .get(s.url(&format!("{case}/attachments/{}", w.attachment_id)))
        .bearer_auth(&w.tokens[&Unrelated])
        .send()
        .await
        .expect("download");
    assert_eq!(file.bytes().await.expect("bytes").as_ref(), b"support resources");

    let (status, log) = s.get_json(&format!("{case}/access-log"), &w.tokens[&Oversight]).await;
    assert_eq!(status, 200);
    let entries: Vec<(String, String)> = log["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_owned(),
                e["staff_name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let unrelated = format!("Staff {}", Unrelated.email());
    for action in ["opened_by_staff", "identity_revealed", "file_downloaded"] {
        assert!(entries.contains(&(action.to_owned(), unrelated.clone())), "{action} by her is logged: {entries:?}");
    }
    assert!(entries.contains(&("opened_by_staff".to_owned(), format!("Staff {}", Assigned.email()))));
    // Handlers cannot read it; the excluded cannot tell it exists.
    assert_eq!(s.get_json(&format!("{case}/access-log"), &w.tokens[&Assigned]).await.0, 403);
    let chain = s.get_json(&format!("{case}/access-log"), &w.tokens[&Chain]).await;
    let missing = s.get_json(&format!("/api/v1/cases/{}/access-log", uuid::Uuid::now_v7()), &w.tokens[&Chain]).await;
    assert_eq!(chain, missing, "the same answer as for a case that does not exist");
    assert_eq!(chain.0, 403);
    // The oversight page lists the log too.
    let page = s.page(&format!("/staff/cases/{}", w.case_id), &w.tokens[&Oversight]).await;
    assert!(page.contains("Access log") && page.contains("Viewed the reporter") && page.contains(&unrelated));
    w.s.stop().await;
}

/// A value for each path parameter of a route.
fn fill(path: &str, w: &World, case_id: &str) -> String {
    path.replace("{id}", case_id)
        .replace("{request}", &w.request_id)
        .replace("{measure}", &w.request_id)
        .replace("{item}", &w.request_id)
        .replace("{deadline}", &w.deadline_id)
        .replace("{attachment}", &w.attachment_id)
        .replace("{position}", "0")
}

/// A plausible body for each API route that takes one.
fn api_body(path: &str) -> Value {
    match path {
        "/reports" => json!({"category": "other", "description": "matrix"}),
        "/reporter/session" => json!({"receipt": "0000 0000 0000 0000 0000 0000 0000"}),
        "/staff/session" => json!({"email": "nobody@example.org", "password": "wrong password"}),
        p if p.ends_with("/messages") || p.ends_with("/feedback") || p.ends_with("/notes") => {
            json!({"body": "A note from the matrix."})
        }
        p if p.ends_with("/labels") => json!({"labels": ["urgent"]}),
        p if p.ends_with("/assignment") => json!({"lead": "matrix@example.org"}),
        p if p.ends_with("/steps") => json!({"step": "assess_in_scope", "reason": "In scope."}),
        p if p.ends_with("/answer") => json!({"outcome": "granted", "reason": "Done."}),
        p if p.ends_with("/change") => {
            json!({"kind": "extension", "until": "2099-01-01T00:00:00Z", "justification": "More time is needed.", "reason_for_reporter": "We need more time for this."})
        }
        p if p.ends_with("/proceedings") => json!({"authority": "Police", "reference": "R-1", "date": null}),
        p if p.ends_with("/match") => json!({"employee_id": "E320", "internal": true}),
        p if p.ends_with("/links") => json!({"reference": "OMB-0000-0000", "reason": "Linked by the matrix."}),
        "/admin/directory-tokens" => json!({"label": "matrix"}),
        _ => json!({}),
    }
}

async fn call(s: &TestServer, method: &str, path: &str, token: Option<&str>, body: Value) -> (u16, String) {
    let client = s.client();
    let url = s.url(path);
    let request = match method {
        "get" => client.get(url),
        "post" => client.post(url).json(&body),
        "put" => client.put(url).json(&body),
        "patch" => client.patch(url).json(&body),
        "delete" => client.delete(url),
        other => panic!("method {other}"),
    };
    let request = match token {
        Some(t) => request.bearer_auth(t),
        None => request,
    };
    let response = request.send().await.expect("request");
    (response.status().as_u16(), response.text().await.expect("body"))
}

/// The staff pages' case routes, read from the router's source so a new
/// route cannot escape the matrix.
fn html_case_routes() -> Vec<(String, String)> {
    let source = include_str!("../src/html/mod.rs");
    let mut routes = Vec::new();
    for line in source.lines().filter(|l| l.contains(".route(\"/staff/cases/{id}")) {
        let path = line.split('"').nth(1).expect("path").to_owned();
        for method in ["get", "post"] {
            if line.contains(&format!("{method}(")) {
                routes.push((method.to_owned(), path.clone()));
            }
        }
    }
    routes
}

async fn html_call(s: &TestServer, method: &str, path: &str, token: &str) -> (u16, String) {
    let client = s.client();
    let request = if method == "get" {
        client.get(s.url(path))
    } else if path.ends_with("/reply") {
        client.post(s.url(path)).multipart(Form::new().text("body", "A note from the matrix."))
    } else {
        let form: &[(&str, &str)] = match path.rsplit('/').next().unwrap_or_default() {
            "step" => &[("step", "assess_in_scope"), ("reason", "In scope.")],
            "answer" => &[("outcome", "granted"), ("reason", "Done.")],
            "change" => &[
                ("kind", "extension"),
                ("until", "2099-01-01"),
                ("justification", "More time."),
                ("reason_for_reporter", "More time."),
            ],
            "proceedings" => &[("authority", "Police"), ("reference", "R-2"), ("date", "")],
            "match" => &[("employee_id", "E320"), ("internal", "internal")],
            "notes" => &[("body", "A note from the matrix.")],
            "labels" => &[("labels", "urgent")],
            "assignment" => &[("lead", "matrix@example.org")],
            _ => &[],
        };
        client.post(s.url(path)).form(&form)
    };
    let response = request.bearer_auth(token).send().await.expect("request");
    (response.status().as_u16(), response.text().await.expect("body"))
}

/// Every route × every relation: the excluded get exactly what a missing
/// case gets; the rest are never told "not found"; nobody gets a 5xx; and
/// no list, count or error carries the case to someone who may not see it.
#[tokio::test]
async fn every_route_answers_every_relation_as_the_rule_says() {
    for backend in backends() {
        let w = world(backend).await;
        let s = &w.s;
        let missing = uuid::Uuid::now_v7().to_string();
        let mut checked = 0;
        // Recusal ends her access, so it runs last for each relation: on the
        // pages against a second case naming the same people, then in the API.
        let is_recusal = |p: &str| p.ends_with("/recuse");
        let routes = ombud_web::api_routes();
        let api: Vec<(&str, &str)> = routes
            .iter()
            .map(|(m, p)| (m.as_str(), p.as_str()))
            .filter(|(_, p)| !is_recusal(p) && is_case_route(p))
            .collect();
        let html: Vec<(String, String)> = html_case_routes().into_iter().filter(|(_, p)| !is_recusal(p)).collect();
        assert!(html.len() >= 10, "found {html:?}");
        let (second_ref, _) = s.report(scenario_report()).await;
        let (_, found) = s.get_json(&format!("/api/v1/cases?q={second_ref}"), &w.tokens[&Oversight]).await;
        let second = found["cases"][0]["id"].as_str().expect("second case").to_owned();
        for r in RELATIONS {
            let token = w.tokens[&r].as_str();
            for (method, route) in &api {
                let path = format!("/api/v1{}", fill(route, &w, &w.case_id));
                let (status, body) = call(s, method, &path, Some(token), api_body(route)).await;
                assert!(status < 500, "{r:?} {method} {path}: {status} {body}");
                if route.contains("{id}") {
                    let unknown = format!("/api/v1{}", fill(route, &w, &missing));
                    let (unknown_status, unknown_body) = call(s, method, &unknown, Some(token), api_body(route)).await;
                    let oversights_alone = route.ends_with("/access-log")
                        || route.contains("/access-lifts/")
                        || route.starts_with("/oversight/escalations/")
                        || route.ends_with("/counter-proceedings")
                        || route.ends_with("/protection");
                    if oversights_alone && r != Oversight {
                        // Oversight's alone: refused alike for her case and for none.
                        assert_eq!((status, &body), (403, &unknown_body), "{r:?} {method} {route}");
                    } else if route.contains("{measure}") && r.sees_case() {
                        // No measure was decided on this case: not found, or not hers to work.
                        assert!(status == 404 || status == 403, "{r:?} {method} {route}: {status}");
                    } else if route.contains("/access-lifts/") {
                        // No lift waits on this case: the same answer as for no case.
                        assert_eq!((status, &body), (404, &unknown_body), "{r:?} {method} {route}");
                    } else if r.sees_case() {
                        assert_ne!(status, 404, "{r:?} may use {method} {route}: {body}");
                    } else {
                        assert_eq!(
                            (status, &body),
                            (404, &unknown_body),
                            "{r:?} {method} {route}: as if it did not exist"
                        );
                        assert_eq!(unknown_status, 404);
                    }
                    if route.ends_with("/access-log") && r == Oversight {
                        assert_eq!(status, 200, "oversight reads the access log");
                    }
                } else if !r.sees_case() {
                    assert!(
                        !body.contains(&w.case_id) && !body.contains(&w.case_ref),
                        "{r:?} {method} {route} leaks: {body}"
                    );
                }
                if *route == "/cases/count" {
                    // Counts agree with the list she may see (the matrix files reports as it goes).
                    let total: Value = serde_json::from_str(&body).expect("json");
                    let (_, list) = s.get_json("/api/v1/cases", token).await;
                    assert_eq!(total["total"], json!(list["cases"].as_array().map_or(0, Vec::len)), "{r:?} count");
                }
                checked += 1;
            }
            for (method, route) in &html {
                let (status, body) = html_call(s, method, &fill(route, &w, &w.case_id), token).await;
                let (_, unknown_body) = html_call(s, method, &fill(route, &w, &missing), token).await;
                assert!(status < 500, "{r:?} {method} {route}: {status}");
                if (route.contains("{measure}") || route.contains("{item}")) && r.sees_case() {
                    // No measure was decided (no statement added) on this case: not found, or not hers to work.
                    assert!(status == 404 || status == 403, "{r:?} {method} {route}: {status}");
                } else if r.sees_case() {
                    assert_ne!(status, 404, "{r:?} may use {method} {route}");
                } else {
                    assert_eq!((status, &body), (404, &unknown_body), "{r:?} {method} {route}");
                }
                checked += 1;
            }
            let (status, body) = html_call(s, "post", &format!("/staff/cases/{second}/recuse"), token).await;
            let (_, unknown_body) = html_call(s, "post", &format!("/staff/cases/{missing}/recuse"), token).await;
            // Her declaration covered the first case only.
            if r.sees_case() || r == Declared {
                assert_eq!(status, 303, "{r:?} steps aside from the page");
            } else {
                assert_eq!((status, &body), (404, &unknown_body), "{r:?} recusal page");
            }
            let recuse = format!("/api/v1/cases/{}/recuse", w.case_id);
            let (status, body) = call(s, "post", &recuse, Some(token), json!({})).await;
            let unknown = format!("/api/v1/cases/{missing}/recuse");
            let (_, unknown_body) = call(s, "post", &unknown, Some(token), json!({})).await;
            if r.sees_case() {
                assert_eq!(status, 200, "{r:?} steps aside through the API");
                assert_eq!(
                    call(s, "get", &format!("/api/v1/cases/{}", w.case_id), Some(token), json!({})).await.0,
                    404
                );
            } else {
                assert_eq!((status, &body), (404, &unknown_body), "{r:?} recusal");
            }
            checked += 2;
            // The pages' inbox and the oversight page.
            for page in ["/staff/cases", "/oversight/escalations"] {
                let (status, body) = html_call(s, "get", page, token).await;
                assert!(status < 500);
                if !r.sees_case() {
                    assert!(!body.contains(&w.case_id) && !body.contains(&w.case_ref), "{r:?} {page} leaks");
                }
            }
        }
        // Other roles: an administrator reads no case; a reporter's token or none is refused.
        let others = [("admin", Some(w.admin.as_str())), ("reporter", Some(w.reporter.as_str())), ("nobody", None)];
        for (who, token) in others {
            for (method, route) in routes.iter().filter(|(_, p)| p.starts_with("/cases")) {
                let (method, route) = (method.as_str(), route.as_str());
                let path = format!("/api/v1{}", fill(route, &w, &w.case_id));
                let (status, body) = call(s, method, &path, token, api_body(route)).await;
                let expected = match (who, route.contains("{id}")) {
                    ("admin", true)
                        if route.ends_with("/access-log")
                            || route.contains("/access-lifts/")
                            || route.ends_with("/counter-proceedings")
                            || route.ends_with("/protection") =>
                    {
                        403
                    }
                    ("admin", true) => 404,
                    ("admin", false) => 200,
                    _ => 401,
                };
                assert_eq!(status, expected, "{who} {method} {route}: {body}");
                assert!(!body.contains(&w.case_ref) && !body.contains("Li Na"), "{who} {method} {route} leaks");
            }
        }
        // Directory-sync endpoints take only sync tokens.
        for (method, route) in ombud_web::SCIM_ROUTES {
            let (status, _) = call(
                s,
                method,
                &format!("/scim/v2{}", route.replace("{id}", "x")),
                Some(&w.tokens[&Assigned]),
                json!({}),
            )
            .await;
            assert_eq!(status, 401, "{method} {route}");
        }
        assert!(checked > 8 * 30, "checked {checked}");
        w.s.stop().await;
    }
}

/// `ombud demo` shows the scenario: the Chinese assault case is missing for
/// the president and the HR partner, there for the ethics office and oversight.
#[tokio::test]
async fn the_demo_organisation_shows_the_scenario() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let cases = ombud_service::demo::seed(&s.ombud).await.expect("demo");
    let assault = &cases[0].reference;
    for account in &ombud_service::demo::DEMO_ACCOUNTS {
        if account.role == Role::Admin {
            continue;
        }
        let token = s.staff_token(account.email, account.password).await;
        let (_, list) = s.get_json("/api/v1/cases", &token).await;
        let sees = list.to_string().contains(assault.as_str());
        let kept_out = account.email.starts_with("president") || account.email.starts_with("hr.");
        assert_eq!(sees, !kept_out, "{}", account.email);
        // The second case names a team lead nobody can place: oversight's alone.
        let sees_restricted = list.to_string().contains(cases[1].reference.as_str());
        assert_eq!(sees_restricted, account.role == Role::Oversight, "{}", account.email);
    }
    s.stop().await;
}

/// The accused named the way people write him — in characters, in pinyin in
/// either order, with his title in brackets or his unit after a comma, by his
/// email's local part — with no employee id: his chain and his unit's HR
/// partner get exactly the missing-case answer; oversight reads the case.
#[tokio::test]
async fn the_accused_named_as_people_write_him_keeps_his_chain_out() {
    for backend in backends() {
        let w = world(backend).await;
        let s = &w.s;
        let forms = [
            "孙浩",
            "孙浩（销售经理）",
            "Hao Sun",
            "SunHao",
            "Sun Hao, Sales North manager",
            "sun.hao",
            // A surname and a unit: every Sun she could mean is kept out (fail closed).
            "Manager Sun from Sales North",
            "孙经理",
        ];
        for name in forms {
            let (case_ref, _) = s
                .report(json!({
                    "category": "sexual_harassment",
                    "description": "他在会议室里说的话让我很不舒服。",
                    "people": [{"name": name, "role": "accused", "internal": true}],
                }))
                .await;
            let (_, found) = s.get_json(&format!("/api/v1/cases?q={case_ref}"), &w.tokens[&Oversight]).await;
            let id = found["cases"][0]["id"].as_str().unwrap_or_else(|| panic!("oversight finds {name}")).to_owned();
            for r in [Chain, HrPartner] {
                let token = &w.tokens[&r];
                let (status, body) = s.get_json(&format!("/api/v1/cases/{id}"), token).await;
                let (_, list) = s.get_json("/api/v1/cases", token).await;
                assert_eq!(status, 404, "{r:?} opens the case naming {name:?}: {body}");
                assert!(!list.to_string().contains(&case_ref), "{r:?} lists the case naming {name:?}");
            }
            let (status, case) = s.get_json(&format!("/api/v1/cases/{id}"), &w.tokens[&Oversight]).await;
            assert_eq!(status, 200);
            let how = case["people"][0]["how"].as_str().unwrap_or_default().to_owned();
            assert!(how == "name" || how == "unmatched", "{name:?} waits for a person to confirm: {how}");
        }
        w.s.stop().await;
    }
}

/// Asserts that a staff member is told of a case exactly what she is told
/// of a case that does not exist, on every route of the API and the pages,
/// and that her list carries nothing of it.
async fn sees_nothing_of(s: &TestServer, token: &str, case_id: &str, case_ref: &str, what: &str) {
    let missing = uuid::Uuid::now_v7().to_string();
    let item = uuid::Uuid::now_v7().to_string();
    let fill = |route: &str, case: &str| {
        route
            .replace("{id}", case)
            .replace("{request}", &item)
            .replace("{measure}", &item)
            .replace("{item}", &item)
            .replace("{deadline}", &item)
            .replace("{attachment}", &item)
            .replace("{staff_id}", &item)
            .replace("{position}", "0")
    };
    for (method, route) in ombud_web::api_routes().iter().filter(|(_, p)| p.contains("{id}") && is_case_route(p)) {
        let (method, route) = (method.as_str(), route.as_str());
        let seen = call(s, method, &format!("/api/v1{}", fill(route, case_id)), Some(token), api_body(route)).await;
        let unknown = call(s, method, &format!("/api/v1{}", fill(route, &missing)), Some(token), api_body(route)).await;
        assert_eq!(seen, unknown, "{what}: {method} {route} tells her the case exists");
        assert!(seen.0 == 404 || seen.0 == 403, "{what}: {method} {route}: {}", seen.0);
    }
    for (method, route) in html_case_routes() {
        let seen = html_call(s, &method, &fill(&route, case_id), token).await;
        let unknown = html_call(s, &method, &fill(&route, &missing), token).await;
        assert_eq!((seen.0, &seen.1), (404, &unknown.1), "{what}: page {method} {route}");
    }
    for list in ["/api/v1/cases", &format!("/api/v1/cases?q={case_ref}"), "/api/v1/cases/count"] {
        let (_, body) = call(s, "get", list, Some(token), json!({})).await;
        assert!(!body.contains(case_id) && !body.contains(case_ref), "{what}: {list} carries the case");
    }
    let (_, inbox) = html_call(s, "get", "/staff/cases", token).await;
    assert!(!inbox.contains(case_ref), "{what}: her inbox page lists it");
}

/// The sample organisation as three directories hold it: names in pinyin
/// (the demo's), in characters only, and under another name with the
/// Chinese one in `other_names`. A second sales unit has a second Sun.
fn directories() -> [(&'static str, String); 3] {
    let south = "E700,Wu Gang,president.south@demo.ombud.example,E200,Sales South,7,E510\n\
                 E710,Sun Mei,sun.mei@demo.ombud.example,E700,Sales South,5,E510\n\
                 E510,Xu Jing,hr.south@demo.ombud.example,E400,People,5,\n";
    let pinyin = format!("{SAMPLE_DIRECTORY}{south}");
    let characters = [
        ("Chen Jun", "陈军"),
        ("Liu Yang", "刘洋"),
        ("Zhao Lei", "赵磊"),
        ("Zhang Wei", "张伟"),
        ("Sun Hao", "孙浩"),
        ("Li Na", "李娜"),
        ("Zhou Min", "周敏"),
        ("He Qing", "何青"),
        ("Gao Yan", "高燕"),
        ("Wang Fang", "王芳"),
        ("Wu Gang", "吴刚"),
        ("Sun Mei", "孙梅"),
        ("Xu Jing", "徐静"),
    ]
    .iter()
    .fold(pinyin.clone(), |text, (latin, han)| text.replace(&format!(",{latin},"), &format!(",{han},")));
    // In the third he is "Harry S." to the directory; his Chinese name is another name.
    let other = pinyin
        .replace("employee_id,name,email,", "employee_id,name,other_names,email,")
        .lines()
        .map(|line| match line.split_once(',') {
            Some(("E320", rest)) => format!("E320,Harry S.,孙浩,{}", rest.split_once(',').map_or("", |r| r.1)),
            Some((id, rest)) if id.starts_with('E') => {
                let (name, rest) = rest.split_once(',').unwrap_or((rest, ""));
                format!("{id},{name},,{rest}")
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    [("pinyin", pinyin), ("characters", characters), ("other_names", other)]
}

/// Staff around Sun Hao (E320) who must never see a case accusing him.
const AROUND_SUN_HAO: [(&str, &str); 4] = [
    ("president@demo.ombud.example", "his unit president"),
    ("coo@demo.ombud.example", "the president's manager"),
    ("hr.sales@demo.ombud.example", "his unit's HR partner"),
    ("zhou.min@demo.ombud.example", "his direct report"),
];

async fn staff_tokens(s: &TestServer, accounts: &[(&str, Role)]) -> BTreeMap<String, String> {
    let mut tokens = BTreeMap::new();
    for (email, role) in accounts {
        let password = s.staff(email, *role).await;
        tokens.insert((*email).to_owned(), s.staff_token(email, &password).await);
    }
    tokens
}

async fn report_naming(s: &TestServer, oversight: &str, name: &str) -> (String, String) {
    let (case_ref, _) = s
        .report(json!({
            "category": "sexual_harassment",
            "description": "他在会议室里说的话让我很不舒服。",
            "people": [{"name": name, "role": "accused"}],
        }))
        .await;
    let (_, found) = s.get_json(&format!("/api/v1/cases?q={case_ref}"), oversight).await;
    let id = found["cases"][0]["id"].as_str().unwrap_or_else(|| panic!("oversight finds the case naming {name}"));
    (id.to_owned(), case_ref)
}

#[tokio::test]
async fn names_as_people_write_them_keep_his_chain_out_whatever_the_directory_holds() {
    let forms = [
        "孙浩",
        "Sun Hao",
        "Hao Sun",
        "孙浩（销售经理）",
        "it was Sun Hao from Sales North, at the team dinner",
        "销售北区的孙浩经理",
        "sun.hao",
    ];
    for backend in backends() {
        for (directory, text) in directories() {
            let s = TestServer::start(backend).await;
            s.ombud.import_directory(&text, ombud_service::ChangeSource::CommandLine).await.expect("directory");
            let mut accounts: Vec<(&str, Role)> = AROUND_SUN_HAO.iter().map(|(e, _)| (*e, Role::Handler)).collect();
            accounts.extend([
                ("handler@demo.ombud.example", Role::Handler),
                ("oversight@elsewhere.example", Role::Oversight),
            ]);
            let tokens = staff_tokens(&s, &accounts).await;
            let oversight = &tokens["oversight@elsewhere.example"];
            for name in forms {
                let (id, case_ref) = report_naming(&s, oversight, name).await;
                for (email, relation) in AROUND_SUN_HAO {
                    let what = format!("{directory} directory, {name:?}: {relation}");
                    sees_nothing_of(&s, &tokens[email], &id, &case_ref, &what).await;
                }
                let (status, case) = s.get_json(&format!("/api/v1/cases/{id}"), oversight).await;
                assert_eq!(status, 200, "{directory}, {name:?}: oversight reads it");
                assert_eq!(
                    case["people"][0]["matched"]["employee_id"], "E320",
                    "{directory}, {name:?}: he is suggested"
                );
                let handler = &tokens["handler@demo.ombud.example"];
                assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), handler).await.0, 200, "{directory}, {name:?}");
            }
            // A colleague nobody in the directory leads to: oversight alone reads it.
            let (id, case_ref) = report_naming(&s, oversight, "钱多多").await;
            for (email, relation) in AROUND_SUN_HAO.iter().chain(&[("handler@demo.ombud.example", "an ethics handler")])
            {
                let what = format!("{directory} directory, an unknown colleague: {relation}");
                sees_nothing_of(&s, &tokens[*email], &id, &case_ref, &what).await;
            }
            assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), oversight).await.0, 200);
            let (_, queue) = s.get_json("/api/v1/oversight/queue", oversight).await;
            assert_eq!(
                (queue["items"][0]["kind"].as_str(), queue["items"][0]["case_ref"].as_str()),
                (Some("restricted_routing"), Some(case_ref.as_str()))
            );
            s.stop().await;
        }
    }
}

#[tokio::test]
async fn a_surname_many_people_share_keeps_every_one_of_their_chains_out() {
    for backend in backends() {
        let (_, text) = directories()[0].clone();
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(&text, ombud_service::ChangeSource::CommandLine).await.expect("directory");
        let around_both = [
            ("president@demo.ombud.example", "Sun Hao's president"),
            ("hr.sales@demo.ombud.example", "Sun Hao's HR partner"),
            ("president.south@demo.ombud.example", "Sun Mei's president"),
            ("hr.south@demo.ombud.example", "Sun Mei's HR partner"),
        ];
        let mut accounts: Vec<(&str, Role)> = around_both.iter().map(|(e, _)| (*e, Role::Handler)).collect();
        accounts
            .extend([("handler@demo.ombud.example", Role::Handler), ("oversight@elsewhere.example", Role::Oversight)]);
        let tokens = staff_tokens(&s, &accounts).await;
        let oversight = &tokens["oversight@elsewhere.example"];
        for name in ["孙经理", "Manager Sun", "Mr Sun"] {
            let (id, case_ref) = report_naming(&s, oversight, name).await;
            for (email, relation) in around_both {
                sees_nothing_of(&s, &tokens[email], &id, &case_ref, &format!("{name:?}: {relation}")).await;
            }
            let handler = &tokens["handler@demo.ombud.example"];
            assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), handler).await.0, 404, "{name:?}: restricted");
            let (_, queue) = s.get_json("/api/v1/oversight/queue", oversight).await;
            assert!(queue.to_string().contains(&case_ref), "{name:?} waits for oversight to say which Sun");
        }
        // Naming the unit narrows the candidates; oversight settles who he is,
        // and Sun Mei's chain, never a candidate, may then read it.
        let (id, _) = report_naming(&s, oversight, "Manager Sun from Sales North").await;
        let case = format!("/api/v1/cases/{id}");
        assert_eq!(s.get_json(&case, &tokens["president.south@demo.ombud.example"]).await.0, 404, "restricted");
        let matching = format!("{case}/people/0/match");
        assert_eq!(s.post_json(&matching, oversight, json!({"employee_id": "E320", "internal": true})).await.0, 200);
        assert_eq!(s.get_json(&case, oversight).await.0, 200, "completes the new readers' grants");
        assert_eq!(s.get_json(&case, &tokens["president.south@demo.ombud.example"]).await.0, 200);
        assert_eq!(s.get_json(&case, &tokens["president@demo.ombud.example"]).await.0, 404);
        s.stop().await;
    }
}

#[tokio::test]
async fn slips_a_reporter_makes_keep_his_chain_out_and_oversight_answers_her() {
    for backend in backends() {
        let (_, text) = directories()[0].clone();
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(&text, ombud_service::ChangeSource::CommandLine).await.expect("directory");
        let mut accounts: Vec<(&str, Role)> = AROUND_SUN_HAO.iter().map(|(e, _)| (*e, Role::Handler)).collect();
        accounts.push(("oversight@elsewhere.example", Role::Oversight));
        let tokens = staff_tokens(&s, &accounts).await;
        let oversight = &tokens["oversight@elsewhere.example"];
        let slips = [
            // Her part left on "Choose…".
            json!({"name": "孙浩（销售经理）"}),
            // An employee id or an email that leads to someone else.
            json!({"name": "Sun Hao", "employee_id": "E400", "role": "accused"}),
            json!({"name": "Sun Hao", "email": "hr.sales@demo.ombud.example", "role": "accused"}),
        ];
        for person in slips {
            let body = json!({"category": "sexual_harassment", "description": "x", "people": [person.clone()]});
            let (case_ref, _) = s.report(body).await;
            let (_, found) = s.get_json(&format!("/api/v1/cases?q={case_ref}"), oversight).await;
            let id = found["cases"][0]["id"].as_str().expect("oversight reads it").to_owned();
            for (email, relation) in AROUND_SUN_HAO {
                if person["email"] == email {
                    continue; // she named the HR partner herself: kept out as named, checked below
                }
                sees_nothing_of(&s, &tokens[email], &id, &case_ref, &format!("{person}: {relation}")).await;
            }
        }
        // A restricted case: oversight writes to her, and her page shows nothing of the routing.
        let (case_ref, receipt) = s
            .report(json!({"category": "sexual_harassment", "description": "y",
                "people": [{"name": "钱多多", "role": "accused"}], "requests": [{"kind": "no_contact"}]}))
            .await;
        let (_, found) = s.get_json(&format!("/api/v1/cases?q={case_ref}"), oversight).await;
        let id = found["cases"][0]["id"].as_str().expect("restricted").to_owned();
        let message = json!({"body": "We have your report and are looking into who is involved."});
        assert_eq!(s.post_json(&format!("/api/v1/cases/{id}/messages"), oversight, message).await.0, 201);
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), oversight).await;
        let request = case["requests"][0]["id"].as_str().expect("request").to_owned();
        let answer = json!({"outcome": "granted", "reason": "He will not contact you."});
        let answered = s.post_json(&format!("/api/v1/cases/{id}/requests/{request}/answer"), oversight, answer).await;
        assert_eq!(answered.0, 200, "oversight answers her request: no handler reads the case");
        let matching = format!("/api/v1/cases/{id}/people/0/match");
        assert_eq!(s.post_json(&matching, oversight, json!({"internal": false})).await.0, 200);
        let reporter = s.reporter_token(&receipt).await;
        let (_, hers) = s.get_json("/api/v1/reporter/case", &reporter).await;
        assert!(hers.to_string().contains("He will not contact you."));
        for hidden in ["people_matched", "access_changed", "access_granted", "routing"] {
            assert!(!hers.to_string().contains(hidden), "her view says {hidden}: {hers}");
        }
        s.stop().await;
    }
}

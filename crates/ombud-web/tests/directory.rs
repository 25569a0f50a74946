//! The directory kept in sync over SCIM, a directory change that revokes a
//! handler's access at once, and a handler confirming or correcting who the
//! people named in a report are.

use ombud_domain::Role;
use ombud_service::demo::SAMPLE_DIRECTORY;
use ombud_testkit::{TestServer, backends};
use serde_json::{Value, json};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const OMBUD: &str = "urn:ombud:params:scim:schemas:extension:2.0:User";
const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

fn user(employee_id: &str, email: &str, name: &str, manager: Option<&str>, level: i64) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "userName": email,
        "displayName": name,
        "emails": [{"value": email, "primary": true}],
        ENTERPRISE: {"employeeNumber": employee_id, "department": "Sales", "manager": manager.map(|m| json!({"value": m}))},
        "urn:ombud:params:scim:schemas:extension:2.0:User": {"level": level}
    })
}

fn patch(ops: Value) -> Value {
    json!({"schemas": [PATCH], "Operations": ops})
}

#[tokio::test]
async fn scim_creates_filters_replaces_patches_and_deletes_users_and_groups() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        // Only an administrator makes tokens; nothing works without one.
        let pw = s.staff("h@example.org", Role::Handler).await;
        let handler = s.staff_token("h@example.org", &pw).await;
        assert_eq!(s.post_json("/api/v1/admin/directory-tokens", &handler, json!({"label": "x"})).await.0, 403);
        let token = s.sync_token().await;
        let (status, error) = s.scim("get", "/Users", "wrong", None).await;
        assert_eq!((status, error["status"].as_str()), (401, Some("401")));
        assert_eq!(error["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error");

        let (status, boss) =
            s.scim("post", "/Users", &token, Some(user("B1", "boss@example.org", "Boss", None, 6))).await;
        assert_eq!(status, 201, "{boss}");
        let boss_id = boss["id"].as_str().expect("id").to_owned();
        let (status, ann) =
            s.scim("post", "/Users", &token, Some(user("A1", "ann@example.org", "Ann", Some(&boss_id), 3))).await;
        assert_eq!(status, 201);
        let ann_id = ann["id"].as_str().expect("id").to_owned();
        assert_eq!(ann[ENTERPRISE]["manager"]["value"], json!(boss_id), "managers by SCIM id");
        let (status, dup) =
            s.scim("post", "/Users", &token, Some(user("A1", "ann2@example.org", "Ann", None, 3))).await;
        assert_eq!((status, dup["scimType"].as_str()), (409, Some("uniqueness")));
        let (status, bad) = s.scim("post", "/Users", &token, Some(json!({"displayName": "No user name"}))).await;
        assert_eq!((status, bad["scimType"].as_str()), (400, Some("invalidValue")));
        assert!(bad["detail"].as_str().is_some_and(|d| d.contains("userName")), "names the attribute: {bad}");
        let (status, bad) = s.scim("post", "/Users", &token, Some(json!([1, 2]))).await;
        assert_eq!((status, bad["scimType"].as_str()), (400, Some("invalidSyntax")));
        let bad_email = user("C1", "not-an-email", "Cy", None, 1);
        assert_eq!(s.scim("post", "/Users", &token, Some(bad_email)).await.0, 400);

        let (status, found) = s.scim("get", "/Users?filter=userName%20eq%20%22ANN@example.org%22", &token, None).await;
        assert_eq!((status, found["totalResults"].as_u64()), (200, Some(1)));
        assert_eq!(found["Resources"][0]["id"], json!(ann_id));
        let (status, bad) = s.scim("get", "/Users?filter=userName%20co%20%22ann%22", &token, None).await;
        assert_eq!((status, bad["scimType"].as_str()), (400, Some("invalidFilter")));

        let (status, replaced) = s
            .scim("put", &format!("/Users/{ann_id}"), &token, Some(user("A1", "ann@example.org", "Ann Lee", None, 4)))
            .await;
        assert_eq!((status, replaced["displayName"].as_str()), (200, Some("Ann Lee")));
        let moved = patch(json!([
            {"op": "replace", "path": format!("{ENTERPRISE}:department"), "value": "Legal"},
            {"op": "replace", "path": "active", "value": false}
        ]));
        let (status, patched) = s.scim("patch", &format!("/Users/{ann_id}"), &token, Some(moved)).await;
        assert_eq!((status, patched[ENTERPRISE]["department"].as_str()), (200, Some("Legal")));
        assert_eq!(patched["active"], false);
        // A new employee number is one more that finds her; the one she was first known by stays hers.
        let renumber = user("A2", "ann@example.org", "Ann", None, 4);
        let (status, renumbered) = s.scim("put", &format!("/Users/{ann_id}"), &token, Some(renumber)).await;
        assert_eq!((status, renumbered[ENTERPRISE]["employeeNumber"].as_str()), (200, Some("A2")), "{renumbered}");
        for number in ["A1", "A2"] {
            let path = format!("/Users?filter=employeeNumber%20eq%20%22{number}%22");
            let (_, found) = s.scim("get", &path, &token, None).await;
            assert_eq!(found["Resources"][0]["id"], json!(ann_id), "{number} finds her");
        }

        // Groups are units: members take the group's name as their department.
        let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Sales East", "members": [{"value": ann_id}]});
        let (status, created) = s.scim("post", "/Groups", &token, Some(group)).await;
        assert_eq!(status, 201);
        let group_id = created["id"].as_str().expect("id").to_owned();
        let (_, ann_now) = s.scim("get", &format!("/Users/{ann_id}"), &token, None).await;
        assert_eq!(ann_now[ENTERPRISE]["department"], "Sales East");
        let add = patch(json!([{"op": "add", "path": "members", "value": [{"value": boss_id}]}]));
        let (status, grown) = s.scim("patch", &format!("/Groups/{group_id}"), &token, Some(add)).await;
        assert_eq!((status, grown["members"].as_array().map(Vec::len)), (200, Some(2)));
        let remove = patch(json!([{"op": "remove", "path": format!("members[value eq \"{ann_id}\"]")}]));
        let (_, shrunk) = s.scim("patch", &format!("/Groups/{group_id}"), &token, Some(remove)).await;
        assert_eq!(
            shrunk["members"],
            json!([{"value": boss_id, "$ref": format!("/scim/v2/Users/{boss_id}"), "type": "User"}])
        );
        let (_, listed) = s.scim("get", "/Groups?filter=displayName%20eq%20%22Sales%20East%22", &token, None).await;
        assert_eq!(listed["totalResults"], 1);
        let unknown = json!({"displayName": "Ghosts", "members": [{"value": "nobody"}]});
        assert_eq!(s.scim("post", "/Groups", &token, Some(unknown)).await.0, 400);
        assert_eq!(s.scim("delete", &format!("/Groups/{group_id}"), &token, None).await.0, 204);
        assert_eq!(s.scim("get", &format!("/Groups/{group_id}"), &token, None).await.0, 404);

        assert_eq!(s.scim("delete", &format!("/Users/{ann_id}"), &token, None).await.0, 204);
        assert_eq!(s.scim("get", &format!("/Users/{ann_id}"), &token, None).await.0, 404);
        let (_, all) = s.scim("get", "/Users", &token, None).await;
        assert_eq!(all["totalResults"], 1);
        s.stop().await;
    }
}

fn scenario() -> Value {
    json!({
        "category": "sexual_assault",
        "description": "On a business trip the manager kept pouring drinks.",
        "people": [{"name": "Sun Hao", "employee_id": "E320", "role": "accused", "internal": true}]
    })
}

/// The SCIM id of a directory person.
async fn scim_id(s: &TestServer, token: &str, email: &str) -> String {
    let (_, found) = s.scim("get", &format!("/Users?filter=userName%20eq%20%22{email}%22"), token, None).await;
    found["Resources"][0]["id"].as_str().expect("person").to_owned()
}

#[tokio::test]
async fn a_directory_change_that_makes_a_handler_conflicted_revokes_her_access_at_once() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("import");
        let hpw = s.staff("handler@demo.ombud.example", Role::Handler).await;
        let opw = s.staff("oversight@demo.ombud.example", Role::Oversight).await;
        let token = s.sync_token().await;
        let (case_ref, _) = s.report(scenario()).await;
        let handler = s.staff_token("handler@demo.ombud.example", &hpw).await;
        let oversight = s.staff_token("oversight@demo.ombud.example", &opw).await;
        let (_, list) = s.get_json("/api/v1/cases", &handler).await;
        let case_id = list["cases"][0]["id"].as_str().expect("she sees it").to_owned();
        let case_path = format!("/api/v1/cases/{case_id}");
        assert_eq!(s.get_json(&case_path, &handler).await.0, 200);
        let me = s.ombud.store().staff_by_email("handler@demo.ombud.example").await.expect("store").expect("me").id;

        // Sun Hao moves under Wang Fang: she is now in the accused's chain.
        let sun = scim_id(&s, &token, "sun.hao@demo.ombud.example").await;
        let wang = scim_id(&s, &token, "handler@demo.ombud.example").await;
        let op = patch(json!([{"op": "replace", "path": format!("{ENTERPRISE}:manager"), "value": {"value": wang}}]));
        assert_eq!(s.scim("patch", &format!("/Users/{sun}"), &token, Some(op)).await.0, 200);
        assert_eq!(s.get_json(&case_path, &handler).await.0, 404, "her access ended with the change");
        let (_, list) = s.get_json("/api/v1/cases", &handler).await;
        assert!(!list.to_string().contains(&case_ref));
        let case = case_id.parse().expect("id");
        assert_eq!(s.ombud.store().access(case, me).await.expect("access"), None, "her wrapped key is gone");
        let (_, exclusions) = s.get_json("/api/v1/oversight/exclusions", &oversight).await;
        assert_eq!(exclusions["exclusions"][0]["reason"], "management_chain");
        assert_eq!(exclusions["exclusions"][0]["staff_id"], json!(me));
        assert_eq!(exclusions["exclusions"][0]["read_at"], "2026-11-02T09:00:00Z", "she had read it before");
        let page = s.page("/oversight/escalations?lang=en", &oversight).await;
        assert!(page.contains("Had read the case before"), "oversight's page says so");
        // The case's access log puts her earlier read at the top, marked.
        s.get_json(&case_path, &oversight).await;
        let (_, log) = s.get_json(&format!("{case_path}/access-log"), &oversight).await;
        assert_eq!(log["entries"][0]["staff_id"], json!(me), "{log}");
        assert!(log["entries"][0]["excluded_at"].is_string());
        assert!(log["entries"][1]["excluded_at"].is_null(), "oversight's own read is not flagged");
        let page = s.page(&format!("/staff/cases/{case_id}?lang=en"), &oversight).await;
        assert!(page.contains("excluded from this case since"));

        // He moves back. The change alone does not let her in again: it waits
        // for an oversight member, in oversight's queue with the case and the change.
        let op = patch(json!([{"op": "replace", "path": format!("{ENTERPRISE}:manager.value"), "value": "E300"}]));
        assert_eq!(s.scim("patch", &format!("/Users/{sun}"), &token, Some(op)).await.0, 200);
        assert_eq!(s.get_json(&case_path, &handler).await.0, 404, "no directory change lets her back in alone");
        let (_, queue) = s.get_json("/api/v1/oversight/queue", &oversight).await;
        let lift = queue["items"].as_array().expect("items").iter().find(|i| i["kind"] == "access_lift").expect("lift");
        assert_eq!(
            (lift["case_id"].as_str(), lift["staff_id"].as_str()),
            (Some(case_id.as_str()), Some(me.to_string().as_str()))
        );
        let (_, changes) = s.get_json("/api/v1/oversight/directory-changes", &oversight).await;
        assert_eq!(changes["changes"][0]["id"], lift["change_id"], "the change that would lift it");
        assert_eq!(changes["changes"][0]["source"], "sync_token");
        assert_eq!(changes["changes"][0]["by"], "Staff it-admin@example.org", "the token's administrator is named");
        assert_eq!(changes["changes"][0]["lifts_waiting"], 1);
        let page = s.page("/oversight/escalations?lang=en", &oversight).await;
        assert!(page.contains("A directory change would lift an exclusion") && page.contains("Let back in"));
        let decide = format!("{case_path}/access-lifts/{me}");
        let (status, _) = s.post_json(&decide, &handler, json!({"approve": true})).await;
        assert_eq!(status, 403, "oversight's alone to decide");
        let (status, body) = s.post_json(&decide, &oversight, json!({"approve": true})).await;
        assert_eq!((status, body["lifted"].as_bool()), (200, Some(true)));
        let (status, _) = s.post_json(&decide, &oversight, json!({"approve": true})).await;
        assert_eq!(status, 404, "decided once");
        // Approved: she regains access, pending until a reader opens the case.
        let (_, list) = s.get_json("/api/v1/cases", &handler).await;
        assert_eq!(list["cases"][0]["access_pending"], true);
        assert_eq!(s.get_json(&case_path, &handler).await.0, 409, "pending, not yet wrapped");
        assert_eq!(s.get_json(&case_path, &oversight).await.0, 200);
        assert_eq!(s.get_json(&case_path, &handler).await.0, 200, "the next reader completed her grant");

        // A re-imported file that makes her the unit's HR partner: out again.
        let hr_moved = SAMPLE_DIRECTORY.replace(
            "E320,Sun Hao,sun.hao@demo.ombud.example,E300,Sales North,5,E500",
            "E320,Sun Hao,sun.hao@demo.ombud.example,E300,Sales North,5,E600",
        );
        let report =
            s.ombud.import_directory(&hr_moved, ombud_service::ChangeSource::CommandLine).await.expect("import");
        assert_eq!((report.updated, report.cases_rerouted, report.lifts_held), (1, 1, 0));
        assert_eq!(s.get_json(&case_path, &handler).await.0, 404);
        let (_, exclusions) = s.get_json("/api/v1/oversight/exclusions", &oversight).await;
        assert_eq!(exclusions["exclusions"][0]["reason"], "hr_partner");
        // The file again, as before: the import says what it holds back.
        let back = s.ombud.import_directory(SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine).await;
        assert_eq!(back.expect("import").lifts_held, 1, "her way back waits for oversight");
        assert_eq!(s.get_json(&case_path, &handler).await.0, 404);

        // A new account for someone in the chain never gets even a pending grant.
        let ppw = s.staff("president@demo.ombud.example", Role::Handler).await;
        let president = s.staff_token("president@demo.ombud.example", &ppw).await;
        let (_, list) = s.get_json("/api/v1/cases", &president).await;
        assert_eq!(list["cases"], json!([]));
        s.stop().await;
    }
}

#[tokio::test]
async fn a_handler_confirms_or_corrects_who_is_named_and_the_case_is_rerouted() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("import");
        let hpw = s.staff("handler@demo.ombud.example", Role::Handler).await;
        let ppw = s.staff("president@demo.ombud.example", Role::Handler).await;
        let opw = s.staff("oversight@demo.ombud.example", Role::Oversight).await;
        let report = json!({
            "category": "sexual_harassment",
            "description": "My team lead keeps commenting on my clothes.",
            "people": [
                {"name": "the team lead", "role": "accused", "internal": true},
                {"name": "Zhou Min", "role": "witness", "internal": true}
            ]
        });
        s.report(report).await;
        let handler = s.staff_token("handler@demo.ombud.example", &hpw).await;
        let president = s.staff_token("president@demo.ombud.example", &ppw).await;
        let oversight = s.staff_token("oversight@demo.ombud.example", &opw).await;
        // "The team lead" leads to nobody: nobody can tell whose chain to keep
        // out, so the case is restricted to oversight.
        for who in [&president, &handler] {
            assert_eq!(s.get_json("/api/v1/cases", who).await.1["cases"], json!([]), "restricted: oversight only");
        }
        let (_, queue) = s.get_json("/api/v1/oversight/queue", &oversight).await;
        assert_eq!(queue["items"][0]["kind"], "restricted_routing", "first in oversight's queue");
        assert!(queue["items"][0]["due"].is_string(), "with its routing deadline");
        let id = queue["items"][0]["case_id"].as_str().expect("restricted case").to_owned();
        let case_path = format!("/api/v1/cases/{id}");
        let (_, case) = s.get_json(&case_path, &oversight).await;
        assert_eq!(case["people"][0]["how"], "unmatched");
        assert_eq!(case["people"][1]["how"], "name", "a unique name is a suggestion");
        assert_eq!(case["people"][1]["matched"]["employee_id"], "E321");
        // Oversight may acknowledge it (her deadline is met), but take no other step yet.
        assert_eq!(s.post_json(&format!("{case_path}/acknowledge"), &oversight, json!({})).await.0, 200);
        let step = json!({"step": "assess_in_scope", "reason": "Within policy."});
        let (status, body) = s.post_json(&format!("{case_path}/steps"), &oversight, step).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("routing_pending")));

        let matching = format!("{case_path}/people/0/match");
        let (status, body) = s.post_json(&matching, &oversight, json!({"employee_id": "E999", "internal": true})).await;
        assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("unknown-employee")));
        // Oversight identifies the team lead: Zhang Wei. The case is routed:
        // the handler may read it, his president never.
        let (status, _) = s.post_json(&matching, &oversight, json!({"employee_id": "e310", "internal": true})).await;
        assert_eq!(status, 200);
        assert_eq!(s.get_json(&case_path, &president).await.0, 404);
        let (_, queue) = s.get_json("/api/v1/oversight/queue", &oversight).await;
        assert!(!queue.to_string().contains("restricted_routing"), "settled: off the queue");
        assert_eq!(s.get_json(&case_path, &oversight).await.0, 200, "completes the handler's grant");
        let (_, case) = s.get_json(&case_path, &handler).await;
        assert_eq!(case["people"][0]["matched"]["name"], "Zhang Wei");
        assert_eq!(case["people"][0]["how"], "handler");
        assert_eq!(case["people"][0]["confirmed_by"], "Staff oversight@demo.ombud.example");
        let (_, exclusions) = s.get_json("/api/v1/oversight/exclusions", &oversight).await;
        assert_eq!(exclusions["exclusions"][0]["reason"], "management_chain");
        // A handler re-labelling him an outsider does not let his president back in…
        let (status, _) = s.post_json(&matching, &handler, json!({"internal": false})).await;
        assert_eq!(status, 200);
        assert_eq!(s.get_json(&case_path, &president).await.0, 404, "a handler's correction only tightens");
        // …an oversight member's does.
        let (status, _) = s.post_json(&matching, &oversight, json!({"internal": false})).await;
        assert_eq!(status, 200);
        let (_, list) = s.get_json("/api/v1/cases", &president).await;
        assert_eq!(list["cases"][0]["id"], json!(id));
        let (_, case) = s.get_json(&case_path, &handler).await;
        assert_eq!(case["people"][0]["how"], "external");
        // The handler's page shows the match and a directory search to change it.
        let page = s.page(&format!("/staff/cases/{id}"), &handler).await;
        assert!(
            page.contains("Matched to Zhou Min (E321, Sales North, level 3)") && page.contains("Search the directory")
        );
        s.stop().await;
    }
}

#[tokio::test]
async fn a_case_every_reader_is_conflicted_on_reaches_a_new_independent_reader_through_the_reporter() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    s.ombud.import_directory(SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("import");
    let ppw = s.staff("president@demo.ombud.example", Role::Handler).await;
    let (case_ref, receipt) = s.report(scenario()).await;
    let president = s.staff_token("president@demo.ombud.example", &ppw).await;
    assert_eq!(s.get_json("/api/v1/cases", &president).await.1["cases"], json!([]), "the only reader is conflicted");

    // An independent handler joins: she may read it, but nobody holds the key to wrap it to her…
    let hpw = s.staff("handler@demo.ombud.example", Role::Handler).await;
    let handler = s.staff_token("handler@demo.ombud.example", &hpw).await;
    let (_, list) = s.get_json("/api/v1/cases", &handler).await;
    assert_eq!(
        (list["cases"][0]["case_ref"].as_str(), list["cases"][0]["access_pending"].as_bool()),
        (Some(case_ref.as_str()), Some(true))
    );
    let id = list["cases"][0]["id"].as_str().expect("id").to_owned();
    assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &handler).await.0, 409);
    // Her looking at her case writes nothing, and grants nothing (DECISIONS #21)…
    let reporter = s.reporter_token(&receipt).await;
    assert_eq!(s.get_json("/api/v1/reporter/case", &reporter).await.0, 200);
    assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &handler).await.0, 409);
    // …until she writes: her act completes it, as she holds the key.
    let (status, _) = s.post_json("/api/v1/reporter/messages", &reporter, json!({"body": "Any news?"})).await;
    assert_eq!(status, 201);
    assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &handler).await.0, 200);
    assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &president).await.0, 404);
    s.stop().await;
}

#[tokio::test]
async fn no_case_is_left_without_an_independent_reader() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("import");
        // The only oversight member is the COO; a handler in the ethics office; the COO's direct report.
        let cpw = s.staff("coo@demo.ombud.example", Role::Oversight).await;
        let hpw = s.staff("handler@demo.ombud.example", Role::Handler).await;
        let ppw = s.staff("president@demo.ombud.example", Role::Handler).await;
        let coo = s.staff_token("coo@demo.ombud.example", &cpw).await;
        let handler = s.staff_token("handler@demo.ombud.example", &hpw).await;
        let president = s.staff_token("president@demo.ombud.example", &ppw).await;
        // A senior leader accused goes to oversight only; here oversight is him.
        let (case_ref, _) = s
            .report(json!({"category": "sexual_harassment", "description": "x",
                "people": [{"name": "刘洋", "role": "accused", "internal": true}]}))
            .await;
        let (_, list) = s.get_json("/api/v1/cases", &handler).await;
        assert_eq!(list["cases"][0]["case_ref"], json!(case_ref), "the independent handler reads it instead");
        for conflicted in [&coo, &president] {
            assert!(!s.get_json("/api/v1/cases", conflicted).await.1.to_string().contains(&case_ref));
        }
        s.stop().await;
        // With no oversight member at all, a restricted case still has a reader.
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("import");
        let hpw = s.staff("handler@demo.ombud.example", Role::Handler).await;
        let handler = s.staff_token("handler@demo.ombud.example", &hpw).await;
        let (case_ref, _) = s
            .report(json!({"category": "sexual_harassment", "description": "y",
                "people": [{"name": "钱多多", "role": "accused"}]}))
            .await;
        let (_, list) = s.get_json("/api/v1/cases", &handler).await;
        assert_eq!(list["cases"][0]["case_ref"], json!(case_ref), "no reader would be worse than an independent one");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_colleague_nobody_can_identify_keeps_the_case_with_oversight() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.ombud.import_directory(SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("import");
        let hpw = s.staff("handler@demo.ombud.example", Role::Handler).await;
        let opw = s.staff("oversight@elsewhere.example", Role::Oversight).await;
        let handler = s.staff_token("handler@demo.ombud.example", &hpw).await;
        let oversight = s.staff_token("oversight@elsewhere.example", &opw).await;
        s.report(json!({"category": "retaliation", "description": "x",
            "people": [{"name": "the new guy in logistics", "role": "accused", "internal": null}]}))
            .await;
        let (_, queue) = s.get_json("/api/v1/oversight/queue", &oversight).await;
        let id = queue["items"][0]["case_id"].as_str().expect("restricted").to_owned();
        let case_path = format!("/api/v1/cases/{id}");
        assert_eq!(s.get_json(&case_path, &handler).await.0, 404);
        let page = s.page(&format!("/staff/cases/{id}?lang=zh-CN"), &oversight).await;
        assert!(page.contains("受限案件") && page.contains("无法确认身份"), "the notice and the choice, in Chinese");
        let unidentified = json!({"unidentified": true});
        let matching = format!("{case_path}/people/0/match");
        assert_eq!(s.post_json(&matching, &oversight, unidentified).await.0, 200);
        let (_, case) = s.get_json(&case_path, &oversight).await;
        assert_eq!(case["people"][0]["how"], "unidentified");
        assert_eq!(s.get_json(&case_path, &handler).await.0, 404, "it stays with oversight");
        let (_, queue) = s.get_json("/api/v1/oversight/queue", &oversight).await;
        assert!(!queue.to_string().contains("restricted_routing"), "settled");
        // Oversight takes its steps itself.
        let steps = format!("{case_path}/steps");
        assert_eq!(s.post_json(&steps, &oversight, json!({"step": "acknowledge"})).await.0, 200);
        let (status, body) = s
            .post_json(&steps, &oversight, json!({"step": "assess_in_scope", "reason": "Retaliation, in scope"}))
            .await;
        assert_eq!((status, body["status"].as_str()), (200, Some("assessed")));
        s.stop().await;
    }
}

#[tokio::test]
async fn names_a_sync_client_sends_are_matched_like_the_name_itself() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let token = s.sync_token().await;
    let opw = s.staff("oversight@elsewhere.example", Role::Oversight).await;
    let oversight = s.staff_token("oversight@elsewhere.example", &opw).await;
    let boss = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "userName": "boss@example.org",
        "displayName": "Jack Ma",
        ENTERPRISE: {"employeeNumber": "B1", "department": "Sales"},
    });
    let (status, boss) = s.scim("post", "/Users", &token, Some(boss)).await;
    assert_eq!(status, 201, "{boss}");
    let person = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "userName": "harry@example.org",
        "displayName": "Harry S.",
        "nickName": "孙浩",
        "name": {"givenName": "Hao", "familyName": "Sun", "formatted": "Sun Hao (Sales)"},
        ENTERPRISE: {"employeeNumber": "H1", "department": "Sales", "manager": {"value": boss["id"]}},
    });
    let (status, harry) = s.scim("post", "/Users", &token, Some(person)).await;
    assert_eq!(status, 201, "{harry}");
    let other: Vec<&str> =
        harry[OMBUD]["otherNames"].as_array().expect("other names").iter().filter_map(Value::as_str).collect();
    assert_eq!(other, ["孙浩", "Sun Hao (Sales)", "Hao Sun"]);
    // A PATCH of something else keeps them.
    let op = patch(json!([{"op": "replace", "path": "active", "value": true}]));
    let (_, patched) =
        s.scim("patch", &format!("/Users/{}", harry["id"].as_str().expect("id")), &token, Some(op)).await;
    assert_eq!(patched[OMBUD]["otherNames"], harry[OMBUD]["otherNames"]);
    // She writes his Chinese name: it leads to him, and his manager is kept out.
    let bpw = s.staff("boss@example.org", Role::Handler).await;
    let boss_token = s.staff_token("boss@example.org", &bpw).await;
    s.report(
        json!({"category": "sexual_harassment", "description": "x", "people": [{"name": "孙浩", "role": "accused"}]}),
    )
    .await;
    let (_, list) = s.get_json("/api/v1/cases", &oversight).await;
    let id = list["cases"][0]["id"].as_str().expect("case").to_owned();
    let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &oversight).await;
    assert_eq!(case["people"][0]["matched"]["employee_id"], "H1");
    assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &boss_token).await.0, 404);
    s.stop().await;
}

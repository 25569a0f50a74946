//! SCIM as identity providers speak it (issue 19), through the real server
//! on SQLite and PostgreSQL: discovery that says what Ombud accepts, users
//! the way Entra ID and Okta send them (a UPN and an externalId, no email,
//! PATCH without a path), filters joined by and/or, attributes asked for or
//! left out, and a leaver whose staff account ends in the same request.

use ombud_domain::Role;
use ombud_testkit::{TestServer, backends};
use serde_json::{Value, json};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

fn ids(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .expect("Resources")
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn discovery_says_what_ombud_accepts_and_nothing_else_is_allowed_on_it() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let token = s.sync_token().await;
        assert_eq!(s.scim("get", "/Schemas", "wrong", None).await.0, 401, "discovery needs the token too");
        let (status, schemas) = s.scim("get", "/Schemas", &token, None).await;
        assert_eq!((status, schemas["totalResults"].as_u64()), (200, Some(4)), "{schemas}");
        let listed: Vec<&str> =
            schemas["Resources"].as_array().expect("list").iter().filter_map(|r| r["id"].as_str()).collect();
        assert_eq!(
            listed,
            [
                USER,
                ENTERPRISE,
                "urn:ombud:params:scim:schemas:extension:2.0:User",
                "urn:ietf:params:scim:schemas:core:2.0:Group"
            ]
        );
        let (status, user) = s.scim("get", &format!("/Schemas/{USER}"), &token, None).await;
        assert_eq!(status, 200);
        let required: Vec<&str> = user["attributes"]
            .as_array()
            .expect("attributes")
            .iter()
            .filter(|a| a["required"] == true)
            .filter_map(|a| a["name"].as_str())
            .collect();
        assert_eq!(required, ["userName"], "only userName is required of a User");
        let (_, enterprise) = s.scim("get", &format!("/Schemas/{ENTERPRISE}"), &token, None).await;
        assert!(
            enterprise["attributes"].as_array().expect("attrs").iter().all(|a| a["required"] == false),
            "no employeeNumber required"
        );
        let (status, missing) = s.scim("get", "/Schemas/urn:nobody:schema", &token, None).await;
        assert_eq!((status, missing["schemas"][0].as_str()), (404, Some(ERROR)));

        let (status, types) = s.scim("get", "/ResourceTypes", &token, None).await;
        assert_eq!((status, ids(&types)), (200, vec!["User".to_owned(), "Group".to_owned()]));
        let (status, user_type) = s.scim("get", "/ResourceTypes/User", &token, None).await;
        assert_eq!(
            (status, user_type["endpoint"].as_str(), user_type["schema"].as_str()),
            (200, Some("/Users"), Some(USER))
        );
        assert_eq!(s.scim("get", "/ResourceTypes/Device", &token, None).await.0, 404);

        let (status, config) = s.scim("get", "/ServiceProviderConfig", &token, None).await;
        assert_eq!(status, 200);
        assert_eq!(
            (config["patch"]["supported"].as_bool(), config["filter"]["supported"].as_bool()),
            (Some(true), Some(true))
        );
        assert_eq!(
            (config["sort"]["supported"].as_bool(), config["etag"]["supported"].as_bool()),
            (Some(false), Some(false))
        );
        assert_eq!(config["pagination"]["index"], true);

        for (method, path) in [
            ("post", "/Schemas"),
            ("put", "/ServiceProviderConfig"),
            ("delete", "/ResourceTypes/User"),
            ("patch", &format!("/Schemas/{USER}")),
        ] {
            let (status, refused) = s.scim(method, path, &token, Some(json!({}))).await;
            assert_eq!((status, refused["schemas"][0].as_str()), (405, Some(ERROR)), "{method} {path}");
        }
        let (status, nowhere) = s.scim("get", "/2f4c9e1a-0000-4000-8000-000000000000", &token, None).await;
        assert_eq!((status, nowhere["schemas"][0].as_str()), (404, Some(ERROR)));
        s.stop().await;
    }
}

#[tokio::test]
async fn users_sync_as_entra_id_and_okta_send_them_with_or_without_an_email() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let token = s.sync_token().await;
        // Entra ID: a UPN and its own object id, nothing else required.
        let entra = json!({"schemas": [USER], "userName": "Mei.Chen@corp.onmicrosoft.com",
                           "externalId": "6f1d2c3b-aaaa-4bbb-8ccc-0123456789ab", "active": true,
                           "displayName": "陈梅 Mei Chen"});
        let (status, mei) = s.scim("post", "/Users", &token, Some(entra)).await;
        assert_eq!(status, 201, "{mei}");
        let mei_id = mei["id"].as_str().expect("id").to_owned();
        assert_eq!(mei["externalId"], "6f1d2c3b-aaaa-4bbb-8ccc-0123456789ab", "externalId is kept");
        // A warehouse driver with no email at all.
        let driver = json!({"schemas": [USER, ENTERPRISE], "userName": "driver.07", "displayName": "Zhou Qiang",
                            ENTERPRISE: {"employeeNumber": "W-0007", "department": "Logistics"}});
        let (status, zhou) = s.scim("post", "/Users", &token, Some(driver)).await;
        assert_eq!(status, 201, "{zhou}");
        assert!(zhou.get("emails").is_none(), "no email made up for him: {zhou}");
        assert_eq!(zhou[ENTERPRISE]["employeeNumber"], "W-0007");
        let zhou_id = zhou["id"].as_str().expect("id").to_owned();
        // A client that stuffs a User (a 200 KiB photo inline) is refused, and the person is left as she was.
        let bloated = json!({"schemas": [USER], "userName": "driver.07", "displayName": "Zhou Qiang",
                             "photos": [{"value": "x".repeat(200 * 1024)}]});
        let (status, refused) = s.scim("put", &format!("/Users/{zhou_id}"), &token, Some(bloated)).await;
        assert_eq!((status, refused["schemas"][0].as_str()), (413, Some(ERROR)), "{refused}");
        let (_, zhou_again) = s.scim("get", &format!("/Users/{zhou_id}"), &token, None).await;
        assert_eq!(zhou_again[ENTERPRISE]["employeeNumber"], "W-0007", "unchanged");

        // The same userName in other letters is a duplicate.
        let again = json!({"schemas": [USER], "userName": "DRIVER.07", ENTERPRISE: {"employeeNumber": "W-0099"}});
        let (status, dup) = s.scim("post", "/Users", &token, Some(again)).await;
        assert_eq!((status, dup["scimType"].as_str()), (409, Some("uniqueness")), "{dup}");

        // Filters as clients send them, with paging.
        let q = |f: &str| format!("/Users?filter={}&startIndex=1&count=100", urlencode(f));
        let (status, found) = s.scim("get", &q(r#"userName eq "mei.chen@CORP.onmicrosoft.com""#), &token, None).await;
        assert_eq!((status, ids(&found)), (200, vec![mei_id.clone()]), "userName without case: {found}");
        let (_, found) =
            s.scim("get", &q(r#"externalId eq "6f1d2c3b-aaaa-4bbb-8ccc-0123456789ab""#), &token, None).await;
        assert_eq!(ids(&found), vec![mei_id.clone()]);
        let (_, found) = s.scim("get", &q(r#"emails.value eq "mei.chen@corp.onmicrosoft.com""#), &token, None).await;
        assert_eq!(ids(&found), vec![mei_id.clone()], "a UPN that is an address is her email");
        let (_, found) = s
            .scim("get", &q(r#"userName eq "driver.07" or (externalId eq "nope" and userName eq "x")"#), &token, None)
            .await;
        assert_eq!(ids(&found), vec![zhou_id.clone()]);
        let (_, found) = s.scim("get", &q(r#"userName eq "driver.07" and externalId eq "nope""#), &token, None).await;
        assert_eq!(found["totalResults"], 0);
        let (status, bad) = s.scim("get", &q(r#"userName eq "driver.07" and"#), &token, None).await;
        assert_eq!((status, bad["scimType"].as_str()), (400, Some("invalidFilter")));
        let (_, page) = s.scim("get", "/Users?startIndex=2&count=1", &token, None).await;
        assert_eq!(
            (page["totalResults"].as_u64(), page["itemsPerPage"].as_u64(), page["startIndex"].as_u64()),
            (Some(2), Some(1), Some(2))
        );

        // Only the attributes asked for, or all but those left out.
        let (_, only) = s.scim("get", &format!("/Users/{mei_id}?attributes=userName"), &token, None).await;
        let mut keys: Vec<&str> = only.as_object().expect("object").keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["id", "meta", "schemas", "userName"]);
        let (_, without) = s.scim("get", "/Users?excludedAttributes=displayName,emails", &token, None).await;
        assert!(
            without["Resources"]
                .as_array()
                .expect("list")
                .iter()
                .all(|r| r.get("displayName").is_none() && r.get("emails").is_none())
        );

        // A search sent as a body; what a client removes reads back removed, not as a default.
        let search = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                            "filter": "userName eq \"driver.07\"", "attributes": ["userName"]});
        let (status, found) = s.scim("post", "/Users/.search", &token, Some(search)).await;
        assert_eq!((status, ids(&found)), (200, vec![zhou_id.clone()]), "{found}");
        assert!(found["Resources"][0].get("displayName").is_none(), "only what was asked for");
        let unit =
            json!({"schemas": [PATCH], "Operations": [{"op": "remove", "path": format!("{ENTERPRISE}:department")}]});
        let (status, moved) = s.scim("patch", &format!("/Users/{zhou_id}"), &token, Some(unit)).await;
        assert_eq!(status, 200);
        assert!(moved[ENTERPRISE].get("department").is_none(), "removed, not shown as 'unassigned': {moved}");
        assert_eq!(moved[ENTERPRISE]["employeeNumber"], "W-0007", "the rest stays");

        // Okta deactivates with a PATCH that names no path.
        let off = json!({"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": false}}]});
        let (status, patched) = s.scim("patch", &format!("/Users/{zhou_id}"), &token, Some(off)).await;
        assert_eq!((status, patched["active"].as_bool()), (200, Some(false)), "{patched}");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_handler_deactivated_in_the_identity_provider_loses_access_in_the_same_request() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let token = s.sync_token().await;
        let h_pw = s.staff("wang.fang@corp.example", Role::Handler).await;
        let o_pw = s.staff("o@corp.example", Role::Oversight).await;
        let handler = s.staff_token("wang.fang@corp.example", &h_pw).await;
        let oversight = s.staff_token("o@corp.example", &o_pw).await;
        s.report(json!({"category": "sexual_harassment", "description": "He followed me home twice."})).await;
        let (status, list) = s.get_json("/api/v1/cases", &handler).await;
        assert_eq!((status, list["cases"].as_array().map(Vec::len)), (200, Some(1)), "she works the case");

        // Until the identity provider sends her, the administrator sees that the chart cannot place her.
        let admin = sync_admin(&s).await;
        let page = s.page("/admin/directory", &admin).await;
        assert!(page.contains("id=\"unplaced-staff\"") && page.contains("wang.fang@corp.example"), "unplaced");

        // She is in the identity provider by her UPN; linked to her account by it.
        let her = json!({"schemas": [USER], "userName": "Wang.Fang@corp.example", "externalId": "okta-00u1"});
        let (status, person) = s.scim("post", "/Users", &token, Some(her)).await;
        assert_eq!(status, 201, "{person}");
        let id = person["id"].as_str().expect("id").to_owned();
        let off = json!({"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": false}}]});
        assert_eq!(s.scim("patch", &format!("/Users/{id}"), &token, Some(off)).await.0, 200);
        let page = s.page("/admin/directory", &admin).await;
        assert!(!page.contains("Staff wang.fang@corp.example &lt;"), "placed once she is in the directory");
        assert!(page.contains("id=\"without-number\""), "she came without an employee number");

        // Her very next request, with the token she already holds.
        assert_eq!(s.get_json("/api/v1/cases", &handler).await.0, 401, "her token ends with her");
        let (_, staff) = s.get_json("/api/v1/admin/staff", &sync_admin(&s).await).await;
        let hers =
            staff["staff"].as_array().expect("staff").iter().find(|m| m["email"] == "wang.fang@corp.example").cloned();
        assert_eq!(hers.map(|m| m["status"].clone()), Some(json!("disabled")), "{staff}");
        let (_, log) = s.get_json("/api/v1/oversight/admin-log", &oversight).await;
        assert!(log.to_string().contains("left the directory"), "on the record: {log}");

        // A sync token cannot lock the administrators out: a person sent
        // inactive with an administrator's address, then deleted, disables nobody.
        let decoy = json!({"schemas": [USER], "userName": "it-admin@example.org", "active": false});
        let (status, decoy) = s.scim("post", "/Users", &token, Some(decoy)).await;
        assert_eq!(status, 201, "{decoy}");
        let decoy_id = decoy["id"].as_str().expect("id").to_owned();
        assert_eq!(s.scim("delete", &format!("/Users/{decoy_id}"), &token, None).await.0, 204);
        assert_eq!(s.get_json("/api/v1/admin/staff", &admin).await.0, 200, "the administrator still works");

        // A DELETE does the same for an oversight member who left.
        let member = json!({"schemas": [USER], "userName": "o@corp.example"});
        let (_, person) = s.scim("post", "/Users", &token, Some(member)).await;
        let id = person["id"].as_str().expect("id").to_owned();
        assert_eq!(s.scim("delete", &format!("/Users/{id}"), &token, None).await.0, 204);
        assert_eq!(s.get_json("/api/v1/cases", &oversight).await.0, 401);
        s.stop().await;
    }
}

/// The administrator's token, made again for reading the staff list.
async fn sync_admin(s: &TestServer) -> String {
    s.staff_token("it-admin@example.org", &format!("pw-{}-long-enough", "it-admin@example.org")).await
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// PUT a JSON body with a bearer token: (status, JSON body or null).
async fn put_json(s: &TestServer, path: &str, token: &str, body: Value) -> (u16, Value) {
    let r = s.client().put(s.url(path)).bearer_auth(token).json(&body).send().await.expect("put");
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// A SCIM User with an employee number and, optionally, a manager (by SCIM id).
fn user(user_name: &str, number: &str, display: &str, manager: Option<&str>) -> Value {
    let mut enterprise = json!({"employeeNumber": number, "department": "Sales North"});
    if let Some(m) = manager {
        enterprise["manager"] = json!({"value": m});
    }
    json!({"schemas": [USER, ENTERPRISE], "userName": user_name, "displayName": display, ENTERPRISE: enterprise})
}

#[tokio::test]
async fn a_handler_signing_in_with_another_address_is_placed_by_her_employee_id_and_leaves_with_her() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let token = s.sync_token().await;
        // She signs in to Ombud with a mailbox the directory does not hold.
        let h_pw = s.staff("fang.speakup@ombud-mail.example", Role::Handler).await;
        let handler = s.staff_token("fang.speakup@ombud-mail.example", &h_pw).await;
        let admin = sync_admin(&s).await;
        let hid = s.ombud.operator().staff_by_email("fang.speakup@ombud-mail.example").await.expect("h").id;

        let (_, boss) =
            s.scim("post", "/Users", &token, Some(user("boss@corp.example", "E100", "Zhao Lei", None))).await;
        let boss_id = boss["id"].as_str().expect("id").to_owned();
        let (status, fang) = s
            .scim("post", "/Users", &token, Some(user("wang.fang@corp.example", "E200", "Wang Fang", Some(&boss_id))))
            .await;
        assert_eq!(status, 201, "{fang}");
        let fang_id = fang["id"].as_str().expect("id").to_owned();
        let (_, li) =
            s.scim("post", "/Users", &token, Some(user("li.lei@corp.example", "E300", "Li Lei", Some(&fang_id)))).await;
        assert!(li["id"].is_string(), "{li}");

        // A report about someone she manages, named as people write names.
        let people =
            json!([{"name": "李雷 Li Lei, sales rep", "employee_id": "E300", "role": "accused", "internal": true}]);
        s.report(
            json!({"category": "sexual_harassment", "description": "He cornered me in the lift.", "people": people}),
        )
        .await;
        let (_, list) = s.get_json("/api/v1/cases", &handler).await;
        assert_eq!(list["cases"].as_array().map(Vec::len), Some(1), "unplaced, the rule cannot keep her out");
        let page = s.page("/admin/staff", &admin).await;
        assert!(page.contains("Not in the directory"), "the administrator sees she is not placed");

        // A mistyped id is refused beside its field, with what he typed kept.
        let browser = s.browser();
        let admin_pw = format!("pw-{}-long-enough", "it-admin@example.org");
        browser
            .post(s.url("/staff/sign-in"))
            .form(&[("email", "it-admin@example.org"), ("password", admin_pw.as_str())])
            .send()
            .await
            .expect("sign in");
        let html = browser.get(s.url("/admin/staff")).send().await.expect("page").text().await.expect("html");
        let at = html.find("once=").expect("a guarded form") + 5;
        let once: String = html[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || "-_".contains(*c)).collect();
        let refused = browser
            .post(s.url(&format!("/admin/staff/{hid}/link?once={once}")))
            .form(&[("employee_id", "E2OO")])
            .send()
            .await
            .expect("link");
        assert_eq!(refused.status(), 422);
        let html = refused.text().await.expect("html");
        assert!(html.contains("value=\"E2OO\"") && html.contains(&format!("employee-id-{hid}-error")), "kept: {html}");
        assert!(html.contains("No one in the directory has this employee ID"), "{html}");

        // Linked by her employee number (in any case): the rule keeps her out of her report's case at once.
        let (status, linked) =
            put_json(&s, &format!("/api/v1/admin/staff/{hid}/employee-id"), &admin, json!({"employee_id": "e200"}))
                .await;
        assert_eq!((status, linked["employee_id"].as_str()), (200, Some("e200")), "{linked}");
        let (_, list) = s.get_json("/api/v1/cases", &handler).await;
        assert_eq!(list["cases"].as_array().map(Vec::len), Some(0), "his manager reads no case about him: {list}");
        let page = s.page("/admin/staff", &admin).await;
        assert!(page.contains("In the directory as e200"), "placed");
        let directory = s.page("/admin/directory", &admin).await;
        assert!(!directory.contains("fang.speakup@ombud-mail.example"), "no longer among the unplaced");
        let o_pw = s.staff("o@corp.example", Role::Oversight).await;
        let oversight = s.staff_token("o@corp.example", &o_pw).await;
        let (_, log) = s.get_json("/api/v1/oversight/admin-log", &oversight).await;
        assert!(log.to_string().contains("staff_linked"), "the link is on the record: {log}");

        // The identity provider deactivates Wang Fang: the account linked to her ends in the same request.
        let off = json!({"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": false}}]});
        assert_eq!(s.scim("patch", &format!("/Users/{fang_id}"), &token, Some(off)).await.0, 200);
        assert_eq!(s.get_json("/api/v1/cases", &handler).await.0, 401, "her token ends with her");
        let (_, staff) = s.get_json("/api/v1/admin/staff", &admin).await;
        let hers =
            staff["staff"].as_array().expect("staff").iter().find(|m| m["id"] == json!(hid.to_string())).cloned();
        assert_eq!(hers.map(|m| m["status"].clone()), Some(json!("disabled")), "{staff}");

        // An id two people share names neither.
        let (_, _) = s.scim("post", "/Users", &token, Some(user("E400", "E401", "Chen Jie", None))).await;
        let (_, _) =
            s.scim("post", "/Users", &token, Some(user("chen.jing@corp.example", "E400", "Chen Jing", None))).await;
        let oid = s.ombud.operator().staff_by_email("o@corp.example").await.expect("o").id;
        let (status, refused) =
            put_json(&s, &format!("/api/v1/admin/staff/{oid}/employee-id"), &admin, json!({"employee_id": "E400"}))
                .await;
        assert_eq!(status, 422, "{refused}");
        assert!(refused.to_string().contains("ambiguous-employee"), "{refused}");
        s.stop().await;
    }
}

#[tokio::test]
async fn an_identifier_two_people_share_keeps_both_chains_out_and_a_reused_upn_is_a_new_person() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let token = s.sync_token().await;
        let mut managers = Vec::new();
        for (upn, number, name) in [("m1@corp.example", "E10", "Zhou Min"), ("m2@corp.example", "E20", "Xu Tao")] {
            let (_, m) = s.scim("post", "/Users", &token, Some(user(upn, number, name, None))).await;
            managers.push(m["id"].as_str().expect("id").to_owned());
        }
        // "E500" is one person's userName and another's employee number.
        let (status, _) =
            s.scim("post", "/Users", &token, Some(user("E500", "A-1", "Gao Yang", Some(&managers[0])))).await;
        assert_eq!(status, 201);
        let (status, _) =
            s.scim("post", "/Users", &token, Some(user("b@corp.example", "E500", "Ma Lin", Some(&managers[1])))).await;
        assert_eq!(status, 201);
        let mut readers = Vec::new();
        for email in ["m1@corp.example", "m2@corp.example", "independent@corp.example"] {
            let pw = s.staff(email, Role::Handler).await;
            readers.push(s.staff_token(email, &pw).await);
        }
        let people = json!([{"name": "the new guy", "employee_id": "E500", "role": "accused", "internal": true}]);
        s.report(json!({"category": "sexual_harassment", "description": "He keeps touching my shoulders at the morning meeting.", "people": people}))
            .await;
        let mut seen = Vec::new();
        for reader in &readers {
            let (_, list) = s.get_json("/api/v1/cases", reader).await;
            seen.push(list["cases"].as_array().map_or(0, Vec::len));
        }
        assert_eq!(seen, [0, 0, 1], "either person's manager may be his; only the independent reader has it");

        // A UPN someone who left once had, given to a newcomer: she starts a new record, the leaver stays gone.
        let temp = json!({"schemas": [USER], "userName": "temp@corp.example", "displayName": "Temp One"});
        let (_, first) = s.scim("post", "/Users", &token, Some(temp.clone())).await;
        let first_id = first["id"].as_str().expect("id").to_owned();
        assert_eq!(s.scim("delete", &format!("/Users/{first_id}"), &token, None).await.0, 204);
        let newcomer = json!({"schemas": [USER], "userName": "temp@corp.example", "displayName": "Temp Two"});
        let (status, second) = s.scim("post", "/Users", &token, Some(newcomer)).await;
        assert_eq!(status, 201, "{second}");
        let second_id = second["id"].as_str().expect("id").to_owned();
        assert_ne!(second_id, first_id, "not the leaver's record brought back");
        assert_eq!(s.scim("get", &format!("/Users/{first_id}"), &token, None).await.0, 404, "the leaver stays gone");
        // Someone sent back with the leaver's employee number is the same person, rehired.
        let (_, n) = s.scim("post", "/Users", &token, Some(user("n@corp.example", "E900", "Niu Li", None))).await;
        let n_id = n["id"].as_str().expect("id").to_owned();
        assert_eq!(s.scim("delete", &format!("/Users/{n_id}"), &token, None).await.0, 204);
        let (_, back) =
            s.scim("post", "/Users", &token, Some(user("niu.li@corp.example", "E900", "Niu Li", None))).await;
        let back_id = back["id"].as_str().expect("id").to_owned();
        assert_ne!(back_id, n_id, "a new resource to the client: {back}");
        assert_eq!(s.scim("delete", &format!("/Users/{n_id}"), &token, None).await.0, 404, "a late DELETE misses her");
        let (_, found) = s.scim("get", "/Users?filter=employeeNumber%20eq%20%22E900%22", &token, None).await;
        assert_eq!(found["Resources"][0]["id"], json!(back_id), "rehired under her number: {found}");

        // A file names people by any identifier and cannot bring back whom the identity provider deactivated.
        let off = json!({"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": false}}]});
        assert_eq!(s.scim("patch", &format!("/Users/{second_id}"), &token, Some(off)).await.0, 200);
        let file = "employee_id,name,email,manager_id,unit,level,hr_partner_id\n\
                    temp@corp.example,Temp Two,,,Sales North,2,\n\
                    a-1,高阳 Gao Yang,,m1@corp.example,Sales North,3,\n";
        let report = s.ombud.import_directory(file, ombud_service::ChangeSource::CommandLine).await.expect("import");
        assert_eq!((report.created, report.kept_inactive), (0, 1), "{report:?}");
        let (_, temp_now) = s.scim("get", &format!("/Users/{second_id}"), &token, None).await;
        assert_eq!(temp_now["active"], json!(false), "still as the identity provider left her: {temp_now}");
        let (_, all) = s.scim("get", "/Users?count=100", &token, None).await;
        assert_eq!(all["totalResults"], 6, "nobody added twice: {all}");
        s.stop().await;
    }
}

#[tokio::test]
async fn what_identity_providers_get_wrong_is_refused_or_read_as_people_write_it() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let token = s.sync_token().await;
        // Only given and family names, in characters: her name is 孙丽, as it is written.
        let sun = json!({"schemas": [USER], "userName": "sun.li@corp.example", "externalId": "ext-1",
                         "name": {"givenName": "丽", "familyName": "孙"}});
        let (status, created) = s.scim("post", "/Users", &token, Some(sun)).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().expect("id").to_owned();
        let search = s.ombud.search_directory("孙丽", 10).await.expect("search");
        assert_eq!(search.people.first().map(|e| e.person.name.as_str()), Some("孙丽"), "found as written");
        // RFC 7644 §3.3: a created resource says where it lives.
        let r = s
            .client()
            .post(s.url("/scim/v2/Users"))
            .bearer_auth(&token)
            .json(&json!({"schemas": [USER], "userName": "zhou.jie@corp.example"}))
            .send()
            .await
            .expect("post");
        let location = r.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_owned);
        let body: Value = r.json().await.expect("json");
        assert_eq!(location, Some(format!("/scim/v2/Users/{}", body["id"].as_str().expect("id"))));

        // An externalId names one person: a second is a conflict.
        let twin = json!({"schemas": [USER], "userName": "other@corp.example", "externalId": "ext-1"});
        let (status, refused) = s.scim("post", "/Users", &token, Some(twin)).await;
        assert_eq!((status, refused["scimType"].as_str()), (409, Some("uniqueness")), "{refused}");

        // `active` must say true or false: a value read as "still here" by mistake keeps a leaver in.
        for unreadable in [json!("no"), json!(0), json!("garbage")] {
            let op =
                json!({"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": unreadable}]});
            let (status, refused) = s.scim("patch", &format!("/Users/{id}"), &token, Some(op)).await;
            assert_eq!((status, refused["scimType"].as_str()), (400, Some("invalidValue")), "{unreadable}: {refused}");
        }
        let entra = json!({"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "False "}]});
        let (status, off) = s.scim("patch", &format!("/Users/{id}"), &token, Some(entra)).await;
        assert_eq!((status, off["active"].clone()), (200, json!(false)), "Entra's string, padded: {off}");
        let (status, _) = s.scim("post", "/Users", &token, Some(json!({"schemas": [USER], "userName": 12345}))).await;
        assert_eq!(status, 400, "a userName that is not a string");

        // Paging as RFC 7644 §3.4.2.4 says: a start under 1 is 1, a negative count is 0.
        let (status, page) = s.scim("get", "/Users?startIndex=0&count=-1", &token, None).await;
        assert_eq!(
            (status, page["startIndex"].clone(), page["itemsPerPage"].clone()),
            (200, json!(1), json!(0)),
            "{page}"
        );
        assert_eq!(page["totalResults"], 2);

        // A staff account cannot be linked to someone who has left, and one whose person left is flagged.
        let admin = sync_admin(&s).await;
        s.staff("sun.li@corp.example", Role::Handler).await;
        let hid = s.ombud.operator().staff_by_email("sun.li@corp.example").await.expect("h").id;
        let (status, refused) =
            put_json(&s, &format!("/api/v1/admin/staff/{hid}/employee-id"), &admin, json!({"employee_id": "ext-1"}))
                .await;
        assert_eq!(status, 422, "{refused}");
        assert!(refused.to_string().contains("inactive-employee"), "{refused}");
        let directory = s.page("/admin/directory", &admin).await;
        assert!(directory.contains("id=\"departed-staff\"") && directory.contains("sun.li@corp.example"), "flagged");
        let staff_page = s.page("/admin/staff", &admin).await;
        assert!(staff_page.contains("Left the directory: her account is still enabled"), "on the staff page too");
        s.stop().await;
    }
}

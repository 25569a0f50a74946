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

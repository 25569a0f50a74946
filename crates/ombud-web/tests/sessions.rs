//! Sessions across restarts and instances (DESIGN.md; DECISIONS #21), on
//! SQLite and PostgreSQL: a staff member signed in on one server is signed
//! in on another on the same database, and after a restart; disabling her
//! on one ends her session on the other at once; the database holds no
//! token and no unlocked key; a reporter's session opens on any instance
//! and reading her case writes nothing anywhere.

use ombud_domain::Role;
use ombud_testkit::{TestServer, backends};
use serde_json::json;

const SENTINEL: &str = "SNTL-SESS-7c1e 会话哨兵";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The value of the cookie `name` a response sets.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        v.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
    })
}

#[tokio::test]
async fn a_staff_session_is_served_by_any_instance_survives_a_restart_and_ends_everywhere_when_she_is_disabled() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let admin_pw = s.staff("admin@example.org", Role::Admin).await;
        let admin = s.staff_token("admin@example.org", &admin_pw).await;
        let pw = s.staff("h@example.org", Role::Handler).await;
        let browser = s.staff_browser("h@example.org", &pw).await;
        let token = s.staff_token("h@example.org", &pw).await;
        let (case_ref, _) = s.report(json!({"category": "other", "description": SENTINEL})).await;

        // A second instance behind the same proxy serves her page and her case.
        let other = s.another_server().await;
        let page = browser.get(other.url("/staff/cases")).send().await.expect("page");
        assert_eq!(page.status(), 200, "{backend:?}: signed in on the other instance too");
        assert!(page.text().await.expect("html").contains(&case_ref), "{backend:?}: her list, there");
        let listed = s.client().get(other.url("/api/v1/cases")).bearer_auth(&token).send().await.expect("list");
        let listed: serde_json::Value = listed.json().await.expect("json");
        let id = listed["cases"][0]["id"].as_str().expect("id").to_owned();
        let read = s.client().get(other.url(&format!("/api/v1/cases/{id}"))).bearer_auth(&token).send().await;
        let read: serde_json::Value = read.expect("read").json().await.expect("json");
        assert!(read.to_string().contains(SENTINEL), "{backend:?}: her key opened there, from her token alone");

        // That instance restarts: she is still signed in.
        drop(other);
        let restarted = s.another_server().await;
        let page = browser.get(restarted.url("/staff/cases")).send().await.expect("page");
        assert_eq!(page.status(), 200, "{backend:?}: a restart signs no one out");

        // The database keeps neither the token nor anything that opens her key alone.
        let kept = s.table_bytes(&["staff_sessions"]).await;
        assert!(!kept.is_empty(), "{backend:?}: her sessions are rows");
        assert!(!contains(&kept, token.as_bytes()), "{backend:?}: no token at rest");

        // Disabled on the restarted instance: the first one refuses her at once.
        let staff = s.get_json("/api/v1/admin/staff", &admin).await.1;
        let hid = staff["staff"]
            .as_array()
            .expect("staff")
            .iter()
            .find(|p| p["email"] == "h@example.org")
            .and_then(|p| p["id"].as_str())
            .expect("her id")
            .to_owned();
        let disabled = s
            .client()
            .post(restarted.url(&format!("/api/v1/admin/staff/{hid}/disable")))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("disable");
        assert_eq!(disabled.status(), 200, "{backend:?}");
        assert_eq!(s.get_json("/api/v1/cases", &token).await.0, 401, "{backend:?}: her token ends everywhere");
        let page = browser.get(s.url("/staff/cases")).send().await.expect("page");
        assert_eq!(page.status(), 303, "{backend:?}: her browser is sent to sign in");
        let kept = s.table_bytes(&["staff_sessions"]).await;
        assert!(!contains(&kept, hid.as_bytes()), "{backend:?}: her session rows went with her account");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_reporters_session_opens_on_any_instance_and_reading_her_case_writes_nothing() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.staff("h@example.org", Role::Handler).await;
        let (_, receipt) = s.report(json!({"category": "other", "description": SENTINEL})).await;
        // A handler who joins after the report waits for a reader to grant
        // her the key: her case is read meanwhile, and that grants nothing.
        s.staff("later@example.org", Role::Handler).await;
        let token = s.reporter_token(&receipt).await;
        let reporter = s.browser();
        let signed_in =
            reporter.post(s.url("/follow-up")).form(&[("receipt", receipt.as_str())]).send().await.expect("follow-up");
        assert_eq!(signed_in.status(), 303, "{backend:?}");
        let other = s.another_server().await;

        let before = s.database_snapshot().await;
        let read = s.client().get(other.url("/api/v1/reporter/case")).bearer_auth(&token).send().await.expect("read");
        assert_eq!(read.status(), 200, "{backend:?}: her token opens on the other instance");
        assert!(read.text().await.expect("json").contains(SENTINEL), "{backend:?}");
        let page = reporter.get(other.url("/follow-up")).send().await.expect("page");
        assert_eq!(page.status(), 200, "{backend:?}");
        let renewed = set_cookie(&page, "ombud_reporter").expect("her cookie comes back with a new expiry");
        assert!(page.text().await.expect("html").contains(SENTINEL), "{backend:?}: her case, there");
        let page = reporter.get(s.url("/follow-up")).send().await.expect("page").text().await.expect("html");
        assert!(page.contains(SENTINEL), "{backend:?}: and here, with the renewed cookie");
        assert_eq!(s.database_snapshot().await, before, "{backend:?}: her visits wrote nothing, anywhere");

        // The session is in her cookie; what the database holds cannot open it.
        let everything = s.database_snapshot().await;
        assert!(!contains(&everything, renewed.as_bytes()) && !contains(&everything, token.as_bytes()));
        // A token made up, or cut short, is no session.
        let cut = &token[..token.len() - 4];
        for bad in [cut, "AAAAAAAAAAAAAAAAAAAAAAAA", "not base64 at all!"] {
            assert_eq!(s.get_json("/api/v1/reporter/case", bad).await.0, 401, "{backend:?}: {bad}");
        }
        s.stop().await;
    }
}

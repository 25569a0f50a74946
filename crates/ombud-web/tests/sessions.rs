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
        let reissued = read.headers().get("ombud-session-token").expect("her token is re-issued").to_str();
        let reissued = reissued.expect("ascii").to_owned();
        assert!(read.text().await.expect("json").contains(SENTINEL), "{backend:?}");
        let again = s.client().get(s.url("/api/v1/reporter/case")).bearer_auth(&reissued).send().await.expect("read");
        assert!(again.text().await.expect("json").contains(SENTINEL), "{backend:?}: the re-issued token opens it");
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
        assert!(!contains(&everything, reissued.as_bytes()));
        // A token made up, or cut short, is no session, and none is issued for it.
        let cut = &token[..token.len() - 4];
        for bad in [cut, "AAAAAAAAAAAAAAAAAAAAAAAA", "not base64 at all!"] {
            let r = s.client().get(s.url("/api/v1/reporter/case")).bearer_auth(bad).send().await.expect("read");
            assert_eq!(r.status(), 401, "{backend:?}: {bad}");
            assert!(r.headers().get("ombud-session-token").is_none(), "{backend:?}: {bad}");
        }
        s.stop().await;
    }
}

/// Signs h@example.org in through the API at `base`, as from `from` where a
/// proxy is trusted: the status.
async fn sign_in_at(client: &reqwest::Client, base: &str, from: &str, password: &str) -> u16 {
    client
        .post(format!("{base}/api/v1/staff/session"))
        .header("x-forwarded-for", from)
        .json(&json!({"email": "H@Example.org ", "password": password}))
        .send()
        .await
        .expect("sign in")
        .status()
        .as_u16()
}

#[tokio::test]
async fn an_accounts_failed_sign_ins_are_counted_by_every_instance_and_kept_as_a_keyed_hash_only() {
    for backend in backends() {
        let mut options = ombud_testkit::Options { backend, ..Default::default() };
        options.web.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
        let s = TestServer::start_with(options).await;
        let pw = s.staff("h@example.org", Role::Handler).await;
        let other = s.another_server().await;
        let other_base = other.url("").trim_end_matches('/').to_owned();
        let base = s.url("").trim_end_matches('/').to_owned();

        // Guesses spread over both instances, from two networks: each
        // instance's clients stay under their own budget, the account not.
        let mut answers = Vec::new();
        for i in 0..6 {
            let (at, from) = if i % 2 == 0 { (&base, "203.0.113.66") } else { (&other_base, "198.51.100.9") };
            answers.push(sign_in_at(&s.client(), at, from, &format!("guess {i} SNTL-PW-b41d")).await);
        }
        assert_eq!(answers[..5], [401; 5], "{backend:?}: the free failures are answered");
        assert_eq!(answers[5], 429, "{backend:?}: the sixth waits, though each instance saw three");
        assert_eq!(
            sign_in_at(&s.client(), &other_base, "192.0.2.50", &pw).await,
            429,
            "{backend:?}: a new browser on the other instance waits for the account too"
        );

        // What the database keeps of it: neither the email typed, nor a
        // password, nor an address.
        let kept = s.table_bytes(&["sign_in_failures"]).await;
        assert!(!kept.is_empty(), "{backend:?}: the account's count is a row");
        for secret in ["h@example.org", "SNTL-PW-b41d", "203.0.113", "198.51.100", "192.0.2"] {
            assert!(!contains(&kept, secret.as_bytes()), "{backend:?}: {secret} is not kept");
        }

        // After the wait she signs in on one instance, and her account's
        // count ends on both.
        s.clock.advance(jiff::SignedDuration::from_mins(16));
        assert_eq!(sign_in_at(&s.client(), &other_base, "192.0.2.50", &pw).await, 200, "{backend:?}");
        assert!(s.table_bytes(&["sign_in_failures"]).await.is_empty(), "{backend:?}: her sign-in ends the count");
        s.stop().await;
    }
}

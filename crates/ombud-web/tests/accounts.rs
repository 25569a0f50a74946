//! Staff accounts through their life, through the real server on SQLite and
//! PostgreSQL: invited by email, joined from a one-time link, disabled in
//! one request (her session, API token and case keys end at once), enabled
//! again as pending grants, reset and readable again through another reader,
//! sign-in throttled without locking her out, sessions that end when idle,
//! a password changed without touching her key.

use jiff::SignedDuration;
use ombud_domain::Role;
use ombud_service::SmtpMailer;
use ombud_testkit::{Backend, Options, SmtpSink, TestServer, backends};
use ombud_web::NoticeTexts;
use serde_json::{Value, json};

const PUBLIC: &str = "http://ombud.test";
const SENTINEL: &str = "SNTL-ACCT-41f2 哨兵账户";

/// Sends the outbox to a real SMTP server on loopback; the mails sent.
async fn mail(s: &TestServer, sink: &SmtpSink) -> Vec<ombud_testkit::Mail> {
    let mailer = SmtpMailer::new(&sink.url(), "ombud@example.org").expect("mailer");
    s.ombud.deliver_outbox(&mailer, &NoticeTexts, PUBLIC).await.expect("deliver");
    sink.messages()
}

/// The one-time link's token in a mail.
fn link_token(body: &str) -> String {
    let at = body.find("/staff/welcome/").expect("a link in the mail") + "/staff/welcome/".len();
    body[at..].chars().take_while(|c| c.is_ascii_hexdigit() || *c == '.').collect()
}

async fn case_id(s: &TestServer, token: &str, case_ref: &str) -> String {
    let (_, list) = s.get_json("/api/v1/cases", token).await;
    list["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["case_ref"] == case_ref)
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .expect("the case is listed")
}

#[tokio::test]
async fn an_invited_handler_chooses_her_password_from_a_link_that_works_once() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let admin_pw = s.staff("admin@example.org", Role::Admin).await;
        s.staff("o@example.org", Role::Oversight).await;
        let admin = s.staff_token("admin@example.org", &admin_pw).await;
        let (case_ref, _) = s.report(json!({"category": "other", "description": SENTINEL})).await;

        let (status, invited) = s
            .post_json(
                "/api/v1/admin/staff",
                &admin,
                json!({"email": "Wang.Fang@example.org", "name": "王芳 Wang Fang", "role": "handler", "lang": "zh-CN"}),
            )
            .await;
        assert_eq!(status, 201, "{invited}");
        assert_eq!(invited["status"], "invited");
        assert!(!invited.to_string().contains("/staff/welcome"), "the administrator never sees her link");
        let (status, again) = s
            .post_json(
                "/api/v1/admin/staff",
                &admin,
                json!({"email": "wang.fang@EXAMPLE.org", "name": "Wang Fang", "role": "handler"}),
            )
            .await;
        assert_eq!((status, again["error"]["fields"][0]["field"].as_str()), (422, Some("email")), "{again}");
        assert!(again["error"]["fields"][0]["message"].as_str().expect("message").contains("already exists"));

        let sink = SmtpSink::start().await;
        let mails = mail(&s, &sink).await;
        assert_eq!(mails.len(), 1, "one invitation");
        assert!(mails[0].to.contains("Wang.Fang@example.org"));
        assert_eq!(mails[0].subject, "Ombud：邀请您加入", "in her language");
        assert!(!mails[0].raw.contains(SENTINEL) && !mails[0].raw.contains(&case_ref), "no content");
        let token = link_token(&mails[0].body);

        // The page that receives the link says whose account it is.
        let page = s.client().get(s.url(&format!("/staff/welcome/{token}"))).send().await.expect("page");
        assert_eq!(page.status(), 200);
        assert!(page.text().await.expect("html").contains("Wang.Fang@example.org"));

        let (status, short) =
            s.post_json("/api/v1/staff/welcome", "", json!({"token": token, "password": "short"})).await;
        assert_eq!(status, 422, "a short password is refused and the link still works: {short}");
        let (status, joined) = s
            .post_json("/api/v1/staff/welcome", "", json!({"token": token, "password": "her own long password"}))
            .await;
        assert_eq!(status, 200, "{joined}");
        let hers = joined["token"].as_str().expect("session").to_owned();
        let (status, again) = s
            .post_json("/api/v1/staff/welcome", "", json!({"token": token, "password": "another long password"}))
            .await;
        assert_eq!((status, again["error"]["code"].as_str()), (404, Some("link_not_valid")), "the link works once");
        let forged = format!("{}0", &token[..token.len() - 1]);
        let (status, _) = s
            .post_json("/api/v1/staff/welcome", "", json!({"token": forged, "password": "another long password"}))
            .await;
        assert_eq!(status, 404, "a mistyped link answers the same");

        // Her case comes as a pending grant, completed by the next reader.
        let id = case_id(&s, &hers, &case_ref).await;
        let (status, body) = s.get_json(&format!("/api/v1/cases/{id}"), &hers).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("access_pending")));
        let o = s.staff_token("o@example.org", "pw-o@example.org-long-enough").await;
        assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &o).await.0, 200);
        let (status, body) = s.get_json(&format!("/api/v1/cases/{id}"), &hers).await;
        assert_eq!(status, 200);
        assert!(body.to_string().contains(SENTINEL));
        assert_eq!(s.staff_token("Wang.Fang@example.org", "her own long password").await.len(), hers.len());

        let (_, staff) = s.get_json("/api/v1/admin/staff", &admin).await;
        let wang =
            staff["staff"].as_array().expect("staff").iter().find(|p| p["email"] == "Wang.Fang@example.org").cloned();
        let wang = wang.expect("listed");
        assert_eq!(wang["status"], "active");
        assert!(wang["last_sign_in_at"].is_string(), "her last sign-in is shown");
        let (status, log) = s.get_json("/api/v1/oversight/admin-log", &o).await;
        assert_eq!(status, 200);
        let kinds: Vec<&str> =
            log["entries"].as_array().expect("log").iter().filter_map(|e| e["kind"].as_str()).collect();
        assert_eq!(
            kinds,
            ["staff_joined", "staff_invited", "staff_added", "staff_added"],
            "on the ledger, newest first"
        );
        assert_eq!(log["entries"][1]["by"], "Staff admin@example.org");
        assert_eq!(s.get_json("/api/v1/oversight/admin-log", &admin).await.0, 403, "oversight reads the log");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_departed_handler_is_cut_off_in_one_request_and_comes_back_only_as_pending() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let admin_pw = s.staff("admin@example.org", Role::Admin).await;
        let h_pw = s.staff("h@example.org", Role::Handler).await;
        let o_pw = s.staff("o@example.org", Role::Oversight).await;
        let admin = s.staff_token("admin@example.org", &admin_pw).await;
        let (case_ref, _) = s.report(json!({"category": "other", "description": SENTINEL})).await;
        let h = s.staff_token("h@example.org", &h_pw).await;
        let browser = s.staff_browser("h@example.org", &h_pw).await;
        let id = case_id(&s, &h, &case_ref).await;
        assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &h).await.0, 200);

        let (_, staff) = s.get_json("/api/v1/admin/staff", &admin).await;
        let hid = staff["staff"].as_array().expect("staff").iter().find(|p| p["email"] == "h@example.org").expect("h")
            ["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let (status, me) = s.get_json("/api/v1/admin/staff", &admin).await;
        assert_eq!(status, 200);
        let admin_id = me["staff"][0]["id"].as_str().expect("id").to_owned();
        let (status, own) = s.post_json(&format!("/api/v1/admin/staff/{admin_id}/disable"), &admin, json!({})).await;
        assert_eq!(status, 422, "nobody disables his own account by a slip: {own}");

        let (status, disabled) = s.post_json(&format!("/api/v1/admin/staff/{hid}/disable"), &admin, json!({})).await;
        assert_eq!((status, disabled["status"].as_str()), (200, Some("disabled")));
        assert_eq!(s.get_json("/api/v1/cases", &h).await.0, 401, "her API token ends at once");
        let page = browser.get(s.url("/staff/cases")).send().await.expect("page");
        assert_eq!(page.status(), 303, "her browser session too");
        assert_eq!(sign_in_from(&s, &s.client(), "192.0.2.1", &h_pw).await.0, 401, "and she cannot sign in");
        let access = s.ombud.store().access(id.parse().expect("id"), hid.parse().expect("id")).await.expect("access");
        assert!(access.is_none(), "her wrapped key is removed");

        let (status, _) = s.post_json(&format!("/api/v1/admin/staff/{hid}/enable"), &admin, json!({})).await;
        assert_eq!(status, 200);
        let h = s.staff_token("h@example.org", &h_pw).await;
        let (status, body) = s.get_json(&format!("/api/v1/cases/{id}"), &h).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("access_pending")), "pending, not given back");
        let o = s.staff_token("o@example.org", &o_pw).await;
        s.get_json(&format!("/api/v1/cases/{id}"), &o).await;
        assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &h).await.0, 200, "completed by another reader");

        // The command line disables her on a running server: another process, the same database.
        let operator = s.another_instance().await;
        operator.operator().disable(hid.parse().expect("id")).await.expect("disable at the command line");
        assert_eq!(s.get_json("/api/v1/cases", &h).await.0, 401, "the running server honours it at once");
        let (_, log) = s.get_json("/api/v1/oversight/admin-log", &o).await;
        let first = &log["entries"][0];
        assert_eq!((first["kind"].as_str(), first["by"].as_str()), (Some("staff_disabled"), None), "the command line");
        assert_eq!(first["subject"], "Staff h@example.org");
        s.ombud.checkpoint().await.expect("checkpoint");
        let verified = s.ombud.verify_ledger(|_| {}).await.expect("verify");
        assert!(verified.is_ok(), "the log verifies with its administrative leaves: {verified:?}");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_reset_handler_gets_a_new_key_and_her_case_back_through_another_reader() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let admin_pw = s.staff("admin@example.org", Role::Admin).await;
        let h_pw = s.staff("h@example.org", Role::Handler).await;
        let o_pw = s.staff("o@example.org", Role::Oversight).await;
        let admin = s.staff_token("admin@example.org", &admin_pw).await;
        let (case_ref, receipt) = s.report(json!({"category": "other", "description": SENTINEL})).await;
        let h = s.staff_token("h@example.org", &h_pw).await;
        let id = case_id(&s, &h, &case_ref).await;
        let hid = s.ombud.operator().staff_by_email("h@example.org").await.expect("h").id;

        let (status, reset) = s.post_json(&format!("/api/v1/admin/staff/{hid}/reset"), &admin, json!({})).await;
        assert_eq!((status, reset["status"].as_str()), (200, Some("reset")), "{reset}");
        assert_eq!(s.get_json("/api/v1/cases", &h).await.0, 401, "her sessions end");
        let sink = SmtpSink::start().await;
        let mails = mail(&s, &sink).await;
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].subject, "Ombud: choose a new password");
        let token = link_token(&mails[0].body);
        let (status, joined) =
            s.post_json("/api/v1/staff/welcome", "", json!({"token": token, "password": "a brand new password"})).await;
        assert_eq!(status, 200, "{joined}");
        let h = joined["token"].as_str().expect("token").to_owned();
        let (status, _) = s.get_json(&format!("/api/v1/cases/{id}"), &h).await;
        assert_eq!(status, 409, "her old wrap opens nothing: pending until another reader or the reporter");
        // The reporter writing completes it as well as any reader would
        // (her reading alone writes nothing, DECISIONS #21).
        let reporter = s.reporter_token(&receipt).await;
        assert_eq!(s.get_json("/api/v1/reporter/case", &reporter).await.0, 200);
        assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &h).await.0, 409, "her reading granted nothing");
        let (status, _) = s.post_json("/api/v1/reporter/messages", &reporter, json!({"body": "Hello?"})).await;
        assert_eq!(status, 201);
        assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &h).await.0, 200, "readable with her new key");
        let o = s.staff_token("o@example.org", &o_pw).await;
        let (_, log) = s.get_json("/api/v1/oversight/admin-log", &o).await;
        let kinds: Vec<&str> =
            log["entries"].as_array().expect("log").iter().filter_map(|e| e["kind"].as_str()).collect();
        assert_eq!(kinds[..2], ["password_chosen", "staff_reset"]);
        s.stop().await;
    }
}

#[tokio::test]
async fn an_account_disabled_before_she_chose_a_password_comes_back_waiting_for_one() {
    let s = TestServer::start(Backend::Sqlite).await;
    let admin_pw = s.staff("admin@example.org", Role::Admin).await;
    let h_pw = s.staff("h@example.org", Role::Handler).await;
    s.staff("o@example.org", Role::Oversight).await;
    let admin = s.staff_token("admin@example.org", &admin_pw).await;
    let (_, invited) = s
        .post_json("/api/v1/admin/staff", &admin, json!({"email": "new@example.org", "name": "New", "role": "handler"}))
        .await;
    let new = invited["id"].as_str().expect("id").to_owned();
    let hid = s.ombud.operator().staff_by_email("h@example.org").await.expect("h").id;
    for id in [new.clone(), hid.to_string()] {
        if id == hid.to_string() {
            assert_eq!(s.post_json(&format!("/api/v1/admin/staff/{id}/reset"), &admin, json!({})).await.0, 200);
        }
        assert_eq!(s.post_json(&format!("/api/v1/admin/staff/{id}/disable"), &admin, json!({})).await.0, 200);
        let (status, enabled) = s.post_json(&format!("/api/v1/admin/staff/{id}/enable"), &admin, json!({})).await;
        let waits = if id == new { "invited" } else { "reset" };
        assert_eq!((status, enabled["status"].as_str()), (200, Some(waits)), "no key, so not active: {enabled}");
    }
    assert_eq!(
        sign_in_from(&s, &s.client(), "192.0.2.1", &h_pw).await.0,
        401,
        "a reset stays a reset: the old password opens nothing"
    );
    // Reports still file and open: nobody wraps to an account without a key.
    let (case_ref, receipt) = s.report(json!({"category": "other", "description": SENTINEL})).await;
    assert!(case_ref.starts_with("OMB-"));
    let reporter = s.reporter_token(&receipt).await;
    assert_eq!(s.get_json("/api/v1/reporter/case", &reporter).await.0, 200);
    let sink = SmtpSink::start().await;
    let mails = mail(&s, &sink).await;
    let last = mails.iter().rev().find(|m| m.to.contains("new@example.org")).expect("a new link for her");
    let (status, _) = s
        .post_json(
            "/api/v1/staff/welcome",
            "",
            json!({"token": link_token(&last.body), "password": "chosen at last, long"}),
        )
        .await;
    assert_eq!(status, 200, "the new link works");
    s.stop().await;
}

#[tokio::test]
async fn the_oversight_role_waits_for_a_members_approval() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let admin_pw = s.staff("admin@example.org", Role::Admin).await;
        let o_pw = s.staff("o@example.org", Role::Oversight).await;
        let h_pw = s.staff("h@example.org", Role::Handler).await;
        let admin = s.staff_token("admin@example.org", &admin_pw).await;
        let o = s.staff_token("o@example.org", &o_pw).await;
        let h = s.staff_token("h@example.org", &h_pw).await;

        let (status, invited) = s
            .post_json(
                "/api/v1/admin/staff",
                &admin,
                json!({"email": "new@example.org", "name": "New", "role": "oversight"}),
            )
            .await;
        assert_eq!(
            (status, invited["status"].as_str(), invited["awaiting_role"].as_str()),
            (201, Some("invited"), Some("oversight"))
        );
        let hid = s.ombud.operator().staff_by_email("h@example.org").await.expect("h").id;
        let (status, asked) =
            s.post_json(&format!("/api/v1/admin/staff/{hid}/role"), &admin, json!({"role": "oversight"})).await;
        assert_eq!(
            (status, asked["role"].as_str(), asked["awaiting_role"].as_str()),
            (200, Some("handler"), Some("oversight"))
        );
        assert_eq!(s.get_json("/api/v1/cases", &h).await.0, 200, "nothing changed for her yet");
        let sink = SmtpSink::start().await;
        assert!(mail(&s, &sink).await.is_empty(), "no link before a member approves");

        assert_eq!(
            s.get_json("/api/v1/oversight/role-grants", &admin).await.0,
            403,
            "the administrator does not decide"
        );
        let (_, grants) = s.get_json("/api/v1/oversight/role-grants", &o).await;
        let grants = grants["grants"].as_array().expect("grants").clone();
        assert_eq!(grants.len(), 2);
        let grant_for = |email: &str| {
            grants.iter().find(|g| g["staff"]["email"] == email).expect("asked")["id"].as_str().expect("id").to_owned()
        };
        assert_eq!(grants[0]["asked_by"], "Staff admin@example.org");

        let path = format!("/api/v1/oversight/role-grants/{}/decision", grant_for("h@example.org"));
        let (status, _) = s.post_json(&path, &o, json!({"approve": true})).await;
        assert_eq!(status, 200);
        assert_eq!(s.get_json("/api/v1/cases", &h).await.0, 401, "her session in the old role ends");
        let h = s.staff_token("h@example.org", &h_pw).await;
        assert_eq!(s.get_json("/api/v1/oversight/queue", &h).await.0, 200, "she sits on the committee now");
        assert_eq!(s.post_json(&path, &o, json!({"approve": true})).await.0, 404, "decided once");

        let path = format!("/api/v1/oversight/role-grants/{}/decision", grant_for("new@example.org"));
        assert_eq!(s.post_json(&path, &o, json!({"approve": false})).await.0, 200);
        let (_, staff) = s.get_json("/api/v1/admin/staff", &admin).await;
        let new = staff["staff"].as_array().expect("staff").iter().find(|p| p["email"] == "new@example.org").cloned();
        assert_eq!(new.expect("listed")["status"], "disabled", "refused, the invitation ends");
        assert!(mail(&s, &sink).await.is_empty(), "and no link was ever sent");

        let (_, log) = s.get_json("/api/v1/oversight/admin-log", &o).await;
        let kinds: Vec<&str> =
            log["entries"].as_array().expect("log").iter().filter_map(|e| e["kind"].as_str()).collect();
        assert_eq!(kinds[..4], ["staff_role_refused", "staff_role_changed", "staff_role_asked", "staff_invited"]);
        assert_eq!(log["entries"][1]["by"], "Staff o@example.org", "the approving member is on the record");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_changed_password_keeps_her_key_and_the_old_one_stops_working() {
    let s = TestServer::start(Backend::Sqlite).await;
    let h_pw = s.staff("h@example.org", Role::Handler).await;
    let (case_ref, _) = s.report(json!({"category": "other", "description": SENTINEL})).await;
    let h = s.staff_token("h@example.org", &h_pw).await;
    let id = case_id(&s, &h, &case_ref).await;
    let (status, wrong) = s
        .post_json(
            "/api/v1/staff/password",
            &h,
            json!({"current_password": "not it at all", "new_password": "x".repeat(12)}),
        )
        .await;
    assert_eq!((status, wrong["error"]["fields"][0]["field"].as_str()), (422, Some("current_password")));
    let (status, _) = s
        .post_json(
            "/api/v1/staff/password",
            &h,
            json!({"current_password": h_pw, "new_password": "a new and long one"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &h).await.0, 200, "her session goes on");
    assert_eq!(
        sign_in_from(&s, &s.client(), "192.0.2.1", &h_pw).await.0,
        401,
        "the old password no longer opens her key"
    );
    let h = s.staff_token("h@example.org", "a new and long one").await;
    let (status, body) = s.get_json(&format!("/api/v1/cases/{id}"), &h).await;
    assert!(status == 200 && body.to_string().contains(SENTINEL), "the same key opens her case");
    s.stop().await;
}

/// Signs h@example.org in through the API as from this address (honoured
/// only behind a trusted proxy): the status and any `Retry-After`.
async fn sign_in_from(s: &TestServer, client: &reqwest::Client, from: &str, password: &str) -> (u16, Option<u64>) {
    let r = client
        .post(s.url("/api/v1/staff/session"))
        .header("x-forwarded-for", from)
        .json(&json!({"email": "h@example.org", "password": password}))
        .send()
        .await
        .expect("sign in");
    let retry = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    (r.status().as_u16(), retry)
}

#[tokio::test]
async fn guessing_is_slowed_without_locking_the_right_password_out_for_good() {
    let mut options = Options::default();
    options.web.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
    let s = TestServer::start_with(options).await;
    let h_pw = s.staff("h@example.org", Role::Handler).await;
    let hers = s.browser();
    assert_eq!(sign_in_from(&s, &hers, "192.0.2.7", &h_pw).await.0, 200, "her browser signed in once");

    let attacker = s.client();
    let before = s.ombud.key_derivations();
    let mut answers = std::collections::BTreeMap::<u16, u32>::new();
    for i in 0..539 {
        let (status, _) = sign_in_from(&s, &attacker, "203.0.113.66", &format!("guess number {i}")).await;
        *answers.entry(status).or_default() += 1;
    }
    let checked = s.ombud.key_derivations() - before;
    assert!(checked <= 12, "only a handful of the 539 guesses were checked at all ({checked}): {answers:?}");
    assert_eq!(answers.get(&200), None);
    assert!(answers[&429] >= 527, "{answers:?}");

    let (status, retry) = sign_in_from(&s, &attacker, "203.0.113.66", &h_pw).await;
    assert_eq!(status, 429, "the right password is not checked during the wait");
    assert!(retry.is_some_and(|r| r <= 15 * 60), "the wait is said, and bounded: {retry:?}");
    assert_eq!(sign_in_from(&s, &s.client(), "198.51.100.3", &h_pw).await.0, 429, "a new browser waits too");
    assert_eq!(sign_in_from(&s, &hers, "192.0.2.99", &h_pw).await.0, 200, "her own browser is not held up");

    s.clock.advance(SignedDuration::from_mins(16));
    assert_eq!(sign_in_from(&s, &attacker, "203.0.113.66", &h_pw).await.0, 200, "after the wait, the right one works");

    let sink = SmtpSink::start().await;
    let mails = mail(&s, &sink).await;
    assert_eq!(mails.len(), 1, "she is told once");
    assert_eq!(mails[0].subject, "Ombud: failed sign-in attempts");
    assert!(!mails[0].raw.contains("203.0.113"), "no address in the notice");
    s.stop().await;
}

#[tokio::test]
async fn an_idle_session_ends() {
    let mut options = Options::default();
    options.web.staff_session_idle = std::time::Duration::from_millis(400);
    let s = TestServer::start_with(options).await;
    let pw = s.staff("h@example.org", Role::Handler).await;
    let token = s.staff_token("h@example.org", &pw).await;
    let browser = s.staff_browser("h@example.org", &pw).await;
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        assert_eq!(s.get_json("/api/v1/cases", &token).await.0, 200, "in use, it stays");
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(s.get_json("/api/v1/cases", &token).await.0, 401, "idle, it ends");
    assert_eq!(browser.get(s.url("/staff/cases")).send().await.expect("page").status(), 303, "back to sign-in");
    s.stop().await;
}

#[test]
fn the_link_token_is_found_in_a_mail() {
    let body: Value = json!("Choose your password here: http://ombud.test/staff/welcome/ab12.cd34 (works once)");
    assert_eq!(link_token(body.as_str().expect("text")), "ab12.cd34");
}

#[tokio::test]
async fn the_administrator_runs_staff_from_the_browser_and_a_form_keeps_what_he_typed() {
    let s = TestServer::start(Backend::Sqlite).await;
    let admin_pw = s.staff("admin@example.org", Role::Admin).await;
    let h_pw = s.staff("h@example.org", Role::Handler).await;
    let admin = s.browser();
    let signed_in = admin
        .post(s.url("/staff/sign-in"))
        .form(&[("email", "admin@example.org"), ("password", admin_pw.as_str())])
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed_in.headers()["location"], "/admin/staff", "an administrator starts at the staff list");
    let page = admin.get(s.url("/admin/staff?lang=zh-CN")).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("员工账户") && page.contains("h@example.org") && page.contains("您本人的账户"), "{page}");
    let once = |html: &str| {
        let at = html.find("once=").expect("a guarded form") + 5;
        html[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect::<String>()
    };

    // No role chosen: refused, with every value kept and the problem beside the field.
    let page = admin.get(s.url("/admin/staff")).send().await.expect("page").text().await.expect("html");
    let form = [("email", "Li.Na@example.org"), ("name", "李娜 Li Na"), ("role", ""), ("lang", "zh-CN")];
    let refused = admin
        .post(s.url(&format!("/admin/staff/invite?once={}", once(&page))))
        .form(&form)
        .send()
        .await
        .expect("invite");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(html.contains("value=\"Li.Na@example.org\"") && html.contains("value=\"李娜 Li Na\""), "kept: {html}");
    assert!(html.contains("id=\"invite-role-error\""), "the problem beside the role");
    assert!(html.contains("<option value=\"zh-CN\" selected>"), "her language kept");

    let sent = admin
        .post(s.url(&format!("/admin/staff/invite?once={}", once(&html))))
        .form(&[("email", "Li.Na@example.org"), ("name", "李娜 Li Na"), ("role", "handler"), ("lang", "zh-CN")])
        .send()
        .await
        .expect("invite");
    assert_eq!(sent.headers()["location"], "/admin/staff?done=invited");

    // Disable the handler: her browser is signed out at once.
    let hers = s.staff_browser("h@example.org", &h_pw).await;
    assert_eq!(hers.get(s.url("/staff/cases")).send().await.expect("page").status(), 200);
    let hid = s.ombud.operator().staff_by_email("h@example.org").await.expect("h").id;
    let page = admin.get(s.url("/admin/staff")).send().await.expect("page").text().await.expect("html");
    let disabled =
        admin.post(s.url(&format!("/admin/staff/{hid}/disable?once={}", once(&page)))).send().await.expect("disable");
    assert_eq!(disabled.headers()["location"], "/admin/staff?done=disabled#done");
    assert_eq!(hers.get(s.url("/staff/cases")).send().await.expect("page").status(), 303, "signed out");
    let page = admin.get(s.url("/admin/staff?done=disabled")).send().await.expect("page").text().await.expect("html");
    // Her language stays the one she chose on the first page.
    assert!(page.contains("账户已停用") && page.contains("重新启用"), "{page}");

    // A handler is not let in.
    let other = s.staff("h2@example.org", Role::Handler).await;
    let handler = s.staff_browser("h2@example.org", &other).await;
    assert_eq!(handler.get(s.url("/admin/staff")).send().await.expect("page").status(), 403);
    s.stop().await;
}

#[tokio::test]
async fn the_sign_in_page_says_how_long_to_wait_in_words_and_in_its_header() {
    let s = TestServer::start(Backend::Sqlite).await;
    s.staff("h@example.org", Role::Handler).await;
    let browser = s.browser();
    let mut last = None;
    for i in 0..6 {
        let guess = format!("wrong guess {i}");
        let form = [("email", "h@example.org"), ("password", guess.as_str())];
        last = Some(browser.post(s.url("/staff/sign-in?lang=en")).form(&form).send().await.expect("sign in"));
    }
    let refused = last.expect("a sixth try");
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
    let html = refused.text().await.expect("html");
    assert!(html.contains("Try again in 1 second."), "one second, not one seconds");
    assert!(html.contains("value=\"h@example.org\""), "her email is kept");
    s.stop().await;
}

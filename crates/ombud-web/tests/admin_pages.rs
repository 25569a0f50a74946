//! The administrator's directory and configuration pages through the real
//! server: a directory file with mistakes comes back with every problem by
//! its line and nothing imported; a good one is taken whole; people are
//! found by a name as people write it; a sync token is shown once, opens
//! the SCIM API, and stops when revoked; the configuration is shown
//! read-only in both languages. A handler is refused every page.

use ombud_domain::Role;
use ombud_testkit::{Backend, TestServer};

const HEADER: &str = "employee_id,name,email,manager_id,unit,level,hr_partner_id,other_names\n";

async fn upload(s: &TestServer, browser: &reqwest::Client, csv: &str) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
        .file_name("people.csv")
        .mime_str("text/csv")
        .expect("mime");
    browser
        .post(s.url("/admin/directory/upload"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("upload")
}

async fn page(s: &TestServer, browser: &reqwest::Client, path: &str) -> String {
    let response = browser.get(s.url(path)).send().await.expect("page");
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("html")
}

#[tokio::test]
async fn the_administrator_runs_the_directory_from_the_browser() {
    let s = TestServer::start(Backend::Sqlite).await;
    let admin_pw = s.staff("admin@example.org", Role::Admin).await;
    let admin = s.staff_browser("admin@example.org", &admin_pw).await;
    let html = page(&s, &admin, "/admin/directory?lang=zh-CN").await;
    assert!(html.contains("组织名录") && html.contains("名录为空"), "{html}");

    // A file with mistakes: every problem by its line, in her language, and nothing imported.
    let bad = format!(
        "{HEADER}E300,Zhao Lei,zhao.lei@example.org,,Sales North,9,,赵磊\n\
         E320,Sun Hao,not-an-email,E300,Sales North,5,,\n\
         E321,Zhou Min,zhou.min@example.org,E999,Sales North,three,,\n"
    );
    let refused = upload(&s, &admin, &bad).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(html.contains("第 3 行，email：不是有效的邮箱地址"), "{html}");
    assert!(html.contains("第 4 行，level：不是整数") && html.contains("第 4 行，manager_id"), "{html}");
    assert_eq!(s.ombud.search_directory("", 10).await.expect("search").total, 0, "nothing half-imported");

    let good = format!(
        "{HEADER}E300,Zhao Lei,zhao.lei@example.org,,Sales North,9,,赵磊\n\
         E320,Sun Hao,sun.hao@example.org,E300,Sales North,5,E500,\n\
         E321,Zhou Min,zhou.min@example.org,E320,Sales North,3,E500,\n\
         E500,Gao Yan,gao.yan@example.org,,HR,6,,高燕\n"
    );
    let taken = upload(&s, &admin, &good).await;
    assert_eq!(taken.status(), 303);
    let to = taken.headers()["location"].to_str().expect("location").to_owned();
    assert!(to.contains("done=imported&created=4"), "{to}");
    let html = page(&s, &admin, &to).await;
    assert!(html.contains("新增 4 人"), "in the language she chose: {html}");

    // Found as a reporter would write him: characters, family name first.
    let html = page(&s, &admin, "/admin/directory?q=%E5%AD%99%E6%B5%A9").await;
    assert!(html.contains("sun.hao@example.org"), "孙浩 finds Sun Hao: {html}");
    assert!(!html.contains("zhou.min@example.org") && !html.contains("zhao.lei@example.org"), "and only him");
    assert!(html.contains("Zhao Lei") && html.contains("Gao Yan"), "his manager and HR partner by name");
    let html = page(&s, &admin, "/admin/directory?q=sales+north").await;
    assert!(html.contains("zhou.min@example.org") && !html.contains("gao.yan@example.org"), "by unit");

    // A sync token: a label is needed; shown once; opens SCIM; revoked, it stops.
    let refused = admin.post(s.url("/admin/directory/tokens")).form(&[("label", " ")]).send().await.expect("token");
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("html").contains("id=\"token-label-error\""));
    let made = admin.post(s.url("/admin/directory/tokens")).form(&[("label", "Entra ID")]).send().await.expect("token");
    assert_eq!(made.status(), 201);
    let html = made.text().await.expect("html");
    let at = html.find("ombud_scim_").expect("the token, once");
    let token: String =
        html[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
    let scim = |token: String| {
        let client = s.client();
        let url = s.url("/scim/v2/Users");
        async move { client.get(url).bearer_auth(token).send().await.expect("scim").status().as_u16() }
    };
    assert_eq!(scim(token.clone()).await, 200);
    let html = page(&s, &admin, "/admin/directory").await;
    assert!(html.contains("Entra ID") && !html.contains(&token), "listed, never shown again");
    let at = html.find("/admin/directory/tokens/").expect("a revoke form") + "/admin/directory/tokens/".len();
    let id: String = html[at..].chars().take_while(|c| *c != '/').collect();
    let revoked = admin.post(s.url(&format!("/admin/directory/tokens/{id}/revoke"))).send().await.expect("revoke");
    assert_eq!(revoked.headers()["location"], "/admin/directory?done=revoked#done");
    assert_eq!(scim(token).await, 401);
    let log = s.ombud.store().staff_events(None, 20).await.expect("log");
    let kinds: Vec<&str> = log.iter().map(|e| e.record.event.kind.as_str()).collect();
    assert!(kinds.contains(&"sync_token_created") && kinds.contains(&"sync_token_revoked"), "on the ledger: {kinds:?}");
    assert!(s.ombud.verify_ledger(|_| {}).await.expect("verify").is_ok(), "and the ledger verifies");

    // A handler is refused.
    let h_pw = s.staff("h@example.org", Role::Handler).await;
    let handler = s.staff_browser("h@example.org", &h_pw).await;
    for path in ["/admin/directory", "/admin/configuration"] {
        assert_eq!(handler.get(s.url(path)).send().await.expect("page").status(), 403, "{path}");
    }
    s.stop().await;
}

#[tokio::test]
async fn the_configuration_is_shown_read_only_in_both_languages() {
    let s = TestServer::start(Backend::Sqlite).await;
    let admin_pw = s.staff("admin@example.org", Role::Admin).await;
    let admin = s.staff_browser("admin@example.org", &admin_pw).await;
    let en = page(&s, &admin, "/admin/configuration").await;
    let zone = &s.ombud.config().policy.time_zone;
    assert!(en.contains(zone.as_str()), "{en}");
    assert!(en.contains("Sexual assault") && en.contains("72 hours"), "assault's 72-hour triage: {en}");
    assert!(en.contains("None: notices wait in the outbox"), "no mail server in the tests: {en}");
    assert!(en.contains("2 approvals of 3 holders"), "the recovery key's split: {en}");
    assert!(!en.contains("<form method=\"post\""), "nothing to change here");
    let zh = page(&s, &admin, "/admin/configuration?lang=zh-CN").await;
    assert!(zh.contains("配置概览") && zh.contains("性侵") && zh.contains("72 小时"), "{zh}");
    assert!(zh.contains("3 位持有人中需 2 人批准"), "{zh}");
    s.stop().await;
}

#[test]
fn a_mail_server_is_shown_without_its_credentials() {
    let shown = ombud_web::OperationsSettings::mail_server_shown("smtps://ombud%40corp:s3cret@smtp.example.org:465");
    assert_eq!(shown, "smtps://smtp.example.org:465");
    assert_eq!(ombud_web::OperationsSettings::mail_server_shown("smtp://127.0.0.1:25"), "smtp://127.0.0.1:25");
}

#[tokio::test]
async fn oversight_decides_a_role_and_reads_what_the_administrators_did_in_the_browser() {
    let s = TestServer::start(Backend::Sqlite).await;
    let admin_pw = s.staff("admin@example.org", Role::Admin).await;
    let o_pw = s.staff("o1@example.org", Role::Oversight).await;
    s.staff("h@example.org", Role::Handler).await;
    let admin = s.staff_token("admin@example.org", &admin_pw).await;
    let h = s.ombud.operator().staff_by_email("h@example.org").await.expect("h").id;
    let (status, asked) =
        s.post_json(&format!("/api/v1/admin/staff/{h}/role"), &admin, serde_json::json!({"role": "oversight"})).await;
    assert_eq!((status, asked["awaiting_role"].as_str()), (200, Some("oversight")), "{asked}");

    let member = s.staff_browser("o1@example.org", &o_pw).await;
    let html = page(&s, &member, "/oversight/accounts").await;
    assert!(html.contains("h@example.org") && html.contains("Role asked: waits for oversight"), "{html}");
    let at = html.find("/oversight/role-grants/").expect("a decision form") + "/oversight/role-grants/".len();
    let grant: String = html[at..].chars().take_while(|c| *c != '/').collect();
    let decided = member.post(s.url(&format!("/oversight/role-grants/{grant}/approve"))).send().await.expect("approve");
    assert_eq!(decided.headers()["location"], "/oversight/accounts?done=approved#done");
    let now = s.ombud.operator().staff_by_email("h@example.org").await.expect("h");
    assert_eq!(now.role, Role::Oversight, "the role is given once a member approved it");
    let html = page(&s, &member, "/oversight/accounts?done=approved&lang=zh-CN").await;
    assert!(html.contains("该角色已批准") && html.contains("没有待批准的角色"), "{html}");
    assert!(html.contains("Staff admin@example.org") && html.contains("handler&#62;oversight"), "who did what: {html}");
    let again = member.post(s.url(&format!("/oversight/role-grants/{grant}/approve"))).send().await.expect("again");
    assert_eq!(again.status(), 404, "a decided role is not decided twice");

    let admin_browser = s.staff_browser("admin@example.org", &admin_pw).await;
    assert_eq!(admin_browser.get(s.url("/oversight/accounts")).send().await.expect("page").status(), 403);
    s.stop().await;
}

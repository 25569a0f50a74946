//! The HTML journeys through a real server, as a browser without JavaScript
//! would make them: forms, cookies, redirects.

use ombud_domain::Role;
use ombud_testkit::{Backend, TestServer};
use reqwest::multipart::{Form, Part};

fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    let to = html[from..].find(end)? + from;
    Some(&html[from..to])
}

fn report_form(description: &str) -> Form {
    Form::new()
        .text("category", "sexual_assault")
        .text("description", description.to_owned())
        .text("occurred_date", "2026-10-12")
        .text("occurred_approximate", "on")
        .text("location_kind", "business_trip")
        .text("location_detail", "济南")
        .text("person_0_name", "客户代表")
        .text("person_0_role", "accused")
        .text("person_0_side", "external")
        .text("person_1_name", "")
        .text("request_no_contact", "on")
        .text("mode", "anonymous")
        .part(
            "attachments",
            Part::bytes("聊天记录截图".as_bytes().to_vec())
                .file_name("聊天记录.txt")
                .mime_str("text/plain")
                .expect("mime"),
        )
}

#[tokio::test]
async fn an_anonymous_chinese_report_with_a_file_is_read_acknowledged_and_answered() {
    let s = TestServer::start(Backend::Sqlite).await;
    let password = s.staff("handler@example.org", Role::Handler).await;
    let reporter = s.browser();

    let landing = reporter.get(s.url("/?lang=zh-CN")).send().await.expect("landing");
    assert!(
        landing
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap_or("").starts_with("ombud_lang=zh-CN"))
    );
    let landing = landing.text().await.expect("html");
    assert!(landing.contains("<html lang=\"zh-CN\">") && landing.contains("无需提供证据"));

    let receipt_page =
        reporter.post(s.url("/report")).multipart(report_form("出差时客户一再劝酒")).send().await.expect("submit");
    assert_eq!(receipt_page.status(), 200);
    let html = receipt_page.text().await.expect("html");
    let receipt = between(&html, "id=\"receipt\" translate=\"no\">", "<").expect("receipt shown").to_owned();
    let reference = between(&html, "id=\"case-ref\" translate=\"no\">", "<").expect("reference shown").to_owned();
    assert!(html.contains("请妥善保管"), "advice in her language");

    let signed_in =
        reporter.post(s.url("/follow-up")).form(&[("receipt", receipt.as_str())]).send().await.expect("follow-up");
    assert_eq!(signed_in.status(), 303);
    let page = reporter.get(s.url("/follow-up")).send().await.expect("case").text().await.expect("html");
    assert!(page.contains("出差时客户一再劝酒") && page.contains("已收到") && page.contains("确认收到"));

    // The handler signs in, finds it in her inbox, reads it and the file, acknowledges, replies.
    let handler = s.browser();
    let r = handler
        .post(s.url("/staff/sign-in"))
        .form(&[("email", "handler@example.org"), ("password", password.as_str())])
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), 303);
    let inbox = handler.get(s.url("/staff/cases")).send().await.expect("inbox").text().await.expect("html");
    assert!(inbox.contains(&reference));
    let case_path =
        between(&inbox, "href=\"/staff/cases/", "\"").map(|id| format!("/staff/cases/{id}")).expect("case link");
    let case = handler.get(s.url(&case_path)).send().await.expect("case").text().await.expect("html");
    assert!(case.contains("出差时客户一再劝酒") && case.contains("客户代表") && case.contains("聊天记录.txt"));
    let end = case.find("\" download>").expect("download link");
    let file_href = case[case[..end].rfind("href=\"").expect("href") + 6..end].to_owned();
    let file = handler.get(s.url(&file_href)).send().await.expect("download");
    assert!(file.headers()["content-disposition"].to_str().expect("ascii").starts_with("attachment"));
    assert_eq!(file.bytes().await.expect("bytes").as_ref(), "聊天记录截图".as_bytes());

    let ack = handler.post(s.url(&format!("{case_path}/acknowledge"))).send().await.expect("ack");
    assert_eq!(ack.status(), 303);
    // Acknowledging again is refused, and says so as a refusal (409), so the
    // guard against double sends gives its claim back.
    let again = handler.post(s.url(&format!("{case_path}/acknowledge?once=second-page"))).send().await.expect("ack");
    assert_eq!(again.status(), 409);
    let reply = Form::new().text("body", "We have received your report and will contact you here.");
    let sent = handler.post(s.url(&format!("{case_path}/reply"))).multipart(reply).send().await.expect("reply");
    assert_eq!(sent.status(), 303);

    let page = reporter.get(s.url("/follow-up")).send().await.expect("case").text().await.expect("html");
    assert!(page.contains("We have received your report") && page.contains("已确认受理"));
    assert!(page.contains("处理团队"), "the reply is from the team, not a named person");
    let answer = Form::new().text("body", "谢谢，我还有一张截图").part(
        "attachments",
        Part::bytes(vec![0x89, b'P', b'N', b'G']).file_name("shot.png").mime_str("image/png").expect("mime"),
    );
    assert_eq!(reporter.post(s.url("/follow-up/reply")).multipart(answer).send().await.expect("reply").status(), 303);
    let case = handler.get(s.url(&case_path)).send().await.expect("case").text().await.expect("html");
    assert!(case.contains("谢谢，我还有一张截图") && case.contains("shot.png"));
    // A step and an answer are chosen by the handler: no option is chosen for her.
    assert!(case.contains("<select id=\"step-step\" name=\"step\" required><option value=\"\" selected>"));
    assert!(!case.contains("\" selected>Assess"), "no step is chosen for the handler");

    // Her own file downloads from her page.
    let page = reporter.get(s.url("/follow-up")).send().await.expect("case").text().await.expect("html");
    let report = &page[page.find("<details class=\"panel\" id=\"report\">").expect("her report, folded below")..];
    let href = between(report, "href=\"/follow-up/attachments/", "\"").expect("her file's link");
    let file = reporter.get(s.url(&format!("/follow-up/attachments/{href}"))).send().await.expect("download");
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.expect("bytes").as_ref(), "聊天记录截图".as_bytes(), "the file of her report");
    let signed_out = s.client().get(s.url(&format!("/follow-up/attachments/{href}"))).send().await.expect("get");
    assert_eq!(signed_out.status(), 303, "not hers without her receipt");
    assert_eq!(signed_out.headers()["location"], "/follow-up");

    // No page a reporter sees carries a script.
    for path in ["/", "/report", "/follow-up"] {
        let html = reporter.get(s.url(path)).send().await.expect("page").text().await.expect("html");
        assert!(!html.to_lowercase().contains("<script"), "{path}");
    }
    s.stop().await;
}

#[tokio::test]
async fn a_form_with_a_missing_field_comes_back_with_everything_typed_and_the_message_beside_it() {
    let s = TestServer::start(Backend::Sqlite).await;
    let form = Form::new()
        .text("category", "retaliation")
        .text("description", "")
        .text("occurred_description", "last spring <b>")
        .text("person_0_name", "Zhang Wei")
        .text("person_0_email", "not-an-email")
        .text("request_leave", "on")
        .text("mode", "confidential")
        .text("contact_name", "Li Na");
    let r = s.client().post(s.url("/report?lang=en")).multipart(form).send().await.expect("submit");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("id=\"description-error\" class=\"field-error\" role=\"alert\">Please fill this in."));
    assert!(html.contains("aria-describedby=\"description-hint description-error\""));
    assert!(html.contains("id=\"person_0_email-error\""));
    assert!(html.contains("id=\"contact_email-error\""), "confidential needs a way to reach her");
    assert!(html.contains("value=\"retaliation\" checked"));
    assert!(
        html.contains("value=\"last spring &#60;b&#62;\"") || html.contains("value=\"last spring &lt;b&gt;\""),
        "kept, and escaped"
    );
    assert!(html.contains("value=\"Zhang Wei\"") && html.contains("value=\"Li Na\""));
    assert!(html.contains("name=\"request_leave\" value=\"on\" checked"));
    assert!(html.contains("value=\"confidential\" checked"));

    let zh = Form::new().text("category", "").text("description", "只写了描述");
    let html = s
        .client()
        .post(s.url("/report?lang=zh-CN"))
        .multipart(zh)
        .send()
        .await
        .expect("submit")
        .text()
        .await
        .expect("html");
    assert!(html.contains("请填写此项。") && html.contains("只写了描述"));
    assert!(html.contains("这与什么有关？ 请填写此项。"), "a question takes no colon after it");
    let en = Form::new().text("category", "").text("description", "Only the description");
    let r = s.client().post(s.url("/report?lang=en")).multipart(en).send().await.expect("submit");
    let html = r.text().await.expect("html");
    assert!(html.contains("What is it about? Please fill this in.") && !html.contains("?:"));
    s.stop().await;
}

#[tokio::test]
async fn a_message_over_the_limit_says_the_limit_and_keeps_every_word() {
    let s = TestServer::start(Backend::Sqlite).await;
    let (_, receipt) = s.report(serde_json::json!({"category": "other", "description": "x"})).await;
    let browser = s.browser();
    browser.post(s.url("/follow-up?lang=en")).form(&[("receipt", receipt.as_str())]).send().await.expect("sign in");
    let long = format!("SNTL-LONG {}", "x".repeat(ombud_domain::MAX_MESSAGE_CHARS));
    let sent = Form::new().text("body", long.clone());
    let r = browser.post(s.url("/follow-up/reply")).multipart(sent).send().await.expect("reply");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("Your message has 20,010 characters; the limit is 20,000."), "the limit is named");
    assert!(html.contains(&long), "every word kept in the box");
    s.stop().await;
}

#[tokio::test]
async fn the_site_has_an_icon() {
    let s = TestServer::start(Backend::Sqlite).await;
    for path in ["/favicon.ico", "/static/icon.svg"] {
        let r = s.client().get(s.url(path)).send().await.expect("icon");
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], "image/svg+xml", "{path}");
    }
    let page = s.client().get(s.url("/")).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("<link rel=\"icon\" href=\"/static/icon.svg\""));
    s.stop().await;
}

#[tokio::test]
async fn a_file_over_the_limit_keeps_the_text_and_says_why() {
    let mut options = ombud_testkit::Options::default();
    options.service.max_attachment_bytes = 1024;
    let s = TestServer::start_with(options).await;
    let form = Form::new()
        .text("category", "other")
        .text("description", "my words stay")
        .part("attachments", Part::bytes(vec![1u8; 4096]).file_name("big.bin"));
    let r = s.client().post(s.url("/report")).multipart(form).send().await.expect("submit");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("my words stay") && html.contains("id=\"attachments-error\""));
    s.stop().await;
}

#[tokio::test]
async fn pages_carry_strict_headers_and_cross_site_posts_are_refused() {
    let s = TestServer::start(Backend::Sqlite).await;
    let r = s.client().get(s.url("/")).send().await.expect("landing");
    let csp = r.headers()["content-security-policy"].to_str().expect("csp").to_owned();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'") && !csp.contains("script-src")
    );
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let html = r.text().await.expect("html");
    for external in ["http://", "https://", "//cdn"] {
        assert!(
            !html.contains(&format!("src=\"{external}")) && !html.contains(&format!("href=\"{external}")),
            "{external}"
        );
    }
    let forged = s
        .client()
        .post(s.url("/staff/sign-in"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", "a@b.c"), ("password", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    assert!(forged.headers().contains_key("content-security-policy"), "the refusal carries every security header");
    assert_eq!(forged.headers()["cache-control"], "no-store");
    assert!(forged.text().await.expect("html").contains("sent from another site"), "a page that says why");
    let forged_zh = s.client().post(s.url("/report?lang=zh-CN")).header("origin", "https://evil.example");
    let forged_zh = forged_zh.form(&[("description", "x")]).send().await.expect("post");
    assert_eq!(forged_zh.status(), 403, "an Origin of another host, without Sec-Fetch-Site");
    assert!(forged_zh.text().await.expect("html").contains("此表单来自其他网站"), "in her language");
    let api = s.client().post(s.url("/api/v1/reports")).header("sec-fetch-site", "cross-site");
    let api = api.json(&serde_json::json!({"category": "other", "description": "x"})).send().await.expect("post");
    assert_eq!(api.status(), 403);
    let body: serde_json::Value = api.json().await.expect("json");
    assert_eq!(body["error"]["code"], "cross_site");
    let same = s.client().post(s.url("/api/v1/reports")).header("sec-fetch-site", "same-origin");
    let same = same.json(&serde_json::json!({"category": "other", "description": "x"})).send().await.expect("post");
    assert_eq!(same.status(), 201, "a page of Ombud's own may post");

    let password = s.staff("h@example.org", Role::Handler).await;
    let r = s
        .client()
        .post(s.url("/staff/sign-in"))
        .form(&[("email", "h@example.org"), ("password", password.as_str())])
        .send()
        .await
        .expect("sign in");
    let cookie = r.headers()["set-cookie"].to_str().expect("cookie").to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert_eq!(s.client().get(s.url("/healthz")).send().await.expect("health").status(), 200);
    s.stop().await;
}

#[tokio::test]
async fn a_file_name_cannot_disguise_its_extension() {
    let s = TestServer::start(Backend::Sqlite).await;
    let password = s.staff("h@example.org", Role::Handler).await;
    let form =
        Form::new().text("category", "other").text("description", "See the invoice").text("mode", "anonymous").part(
            "attachments",
            Part::bytes(b"<html>".to_vec()).file_name("invoice\u{202E}lmth.exe").mime_str("text/html").expect("mime"),
        );
    assert_eq!(s.client().post(s.url("/report")).multipart(form).send().await.expect("send").status(), 200);
    let staff = s.staff_browser("h@example.org", &password).await;
    let inbox = staff.get(s.url("/staff/cases")).send().await.expect("inbox").text().await.expect("html");
    let id = between(&inbox, "href=\"/staff/cases/", "\"").expect("a case");
    let page = staff.get(s.url(&format!("/staff/cases/{id}"))).send().await.expect("case").text().await.expect("html");
    assert!(page.contains("invoicelmth.exe"), "the name as it really ends");
    assert!(!page.contains('\u{202E}'), "no right-to-left override reaches the page");
    s.stop().await;
}

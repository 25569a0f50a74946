//! The report form forgives, as people use it: sent twice, reloaded, too
//! long, with a mistake, with files that must be chosen again, on a phone
//! one person at a time — nothing she typed is lost, and nothing is filed twice.

use ombud_domain::Role;
use ombud_testkit::{Backend, Options, TestServer, backends};
use reqwest::multipart::{Form, Part};

fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    let to = html[from..].find(end)? + from;
    Some(&html[from..to])
}

/// The form as a browser would send it, with the token the page carried.
fn filled(token: &str, description: &str) -> Form {
    Form::new()
        .text("form_token", token.to_owned())
        .text("people_count", "1")
        .text("category", "sexual_harassment")
        .text("description", description.to_owned())
        .text("person_0_name", "孙浩")
        .text("person_0_role", "accused")
        .text("mode", "anonymous")
}

/// A fresh form page and the one-time token it carries.
async fn fresh_form(s: &TestServer, browser: &reqwest::Client, lang: &str) -> (String, String) {
    let html =
        browser.get(s.url(&format!("/report?lang={lang}"))).send().await.expect("form").text().await.expect("html");
    let token = between(&html, "name=\"form_token\" value=\"", "\"").expect("a form token").to_owned();
    (html, token)
}

async fn case_count(s: &TestServer, handler: &str) -> usize {
    let (_, list) = s.get_json("/api/v1/cases", handler).await;
    list["cases"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn the_same_form_sent_twice_files_one_report_and_shows_no_receipt_the_second_time() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let pw = s.staff("h@example.org", Role::Handler).await;
        let handler = s.staff_token("h@example.org", &pw).await;
        for lang in ["en", "zh-CN"] {
            let browser = s.browser();
            let (form_page, token) = fresh_form(&s, &browser, lang).await;
            assert!(token.len() >= 22, "at least 128 bits");
            let (_, again) = fresh_form(&s, &browser, lang).await;
            assert_ne!(token, again, "every form its own token");
            assert!(form_page.contains("name=\"people_count\""));
            let before = case_count(&s, &handler).await;
            let first =
                browser.post(s.url(&format!("/report?lang={lang}"))).multipart(filled(&token, "他摸我的肩膀。"));
            let first = first.send().await.expect("send");
            assert_eq!(first.status(), 200);
            let cookies: Vec<&str> =
                first.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
            assert!(cookies.iter().all(|c| c.starts_with("ombud_lang=")), "submitting sets no session: {cookies:?}");
            assert_eq!(first.headers()["cache-control"], "no-store", "the receipt is never cached");
            let receipt_page = first.text().await.expect("html");
            let reference =
                between(&receipt_page, "id=\"case-ref\" translate=\"no\">", "<").expect("reference").to_owned();
            // Reloaded, or sent twice: the same page says it was received, and names no case.
            let second =
                browser.post(s.url(&format!("/report?lang={lang}"))).multipart(filled(&token, "他摸我的肩膀。"));
            let second = second.send().await.expect("send");
            assert_eq!(second.status(), 409);
            let page = second.text().await.expect("html");
            let said = if lang == "en" { "This report was already received" } else { "这份举报已经收到" };
            assert!(page.contains(said), "{lang}: {page}");
            assert!(!page.contains(&reference) && !page.contains("id=\"receipt\""), "no receipt, no reference");
            assert_eq!(case_count(&s, &handler).await, before + 1, "{lang}: one report filed");
        }
        // Two sends at once (a double click on a slow line): still one case.
        let browser = s.browser();
        let (_, token) = fresh_form(&s, &browser, "en").await;
        let before = case_count(&s, &handler).await;
        let send = || browser.post(s.url("/report")).multipart(filled(&token, "Twice at once")).send();
        let (a, b) = tokio::join!(send(), send());
        let mut statuses = [a.expect("a").status().as_u16(), b.expect("b").status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409]);
        assert_eq!(case_count(&s, &handler).await, before + 1);
        s.stop().await;
    }
}

#[tokio::test]
async fn check_on_my_report_opens_her_case_once_without_the_receipt() {
    let s = TestServer::start(Backend::Sqlite).await;
    let browser = s.browser();
    let (_, token) = fresh_form(&s, &browser, "en").await;
    let sent = browser.post(s.url("/report")).multipart(filled(&token, "Check me")).send().await.expect("send");
    let receipt = sent.text().await.expect("html");
    let go = between(&receipt, "name=\"token\" value=\"", "\"").expect("the receipt page's one-time button").to_owned();
    // Nobody who comes to this computer later opens her case: the browser holds no session yet.
    let follow_up = browser.get(s.url("/follow-up")).send().await.expect("get").text().await.expect("html");
    assert!(follow_up.contains("name=\"receipt\""), "the receipt is still asked for");
    let opened = browser.post(s.url("/follow-up/continue")).form(&[("token", go.as_str())]).send().await.expect("go");
    assert_eq!((opened.status().as_u16(), opened.headers()["location"].to_str().ok()), (303, Some("/follow-up")));
    let page = browser.get(s.url("/follow-up")).send().await.expect("case").text().await.expect("html");
    assert!(page.contains("Check me"), "her case, without typing 28 digits");
    let pressed_again =
        browser.post(s.url("/follow-up/continue")).form(&[("token", go.as_str())]).send().await.expect("go");
    assert_eq!(pressed_again.status(), 303, "pressed again on her device: her case is open here already");
    let stranger = s.browser();
    let again = stranger.post(s.url("/follow-up/continue")).form(&[("token", go.as_str())]).send().await.expect("go");
    assert_eq!(again.status(), 410, "used once");
    assert!(again.text().await.expect("html").contains("works once"));
    s.stop().await;
}

/// Her receipt is shown once; nothing may keep it from her page, not even a
/// missing session key (a job loop stopped for days): the report is kept,
/// the receipt shown, only the shortcut to her case is left out.
#[tokio::test]
async fn her_receipt_is_shown_even_when_the_shortcut_to_her_case_cannot_be_made() {
    let s = TestServer::start(Backend::Sqlite).await;
    s.lose_session_keys().await;
    let browser = s.browser();
    let (_, token) = fresh_form(&s, &browser, "en").await;
    let sent = browser.post(s.url("/report")).multipart(filled(&token, "Keep my receipt")).send().await.expect("send");
    assert_eq!(sent.status(), 200);
    let page = sent.text().await.expect("html");
    let receipt = between(&page, "id=\"receipt\" translate=\"no\">", "<").expect("her receipt is on the page");
    assert_eq!(receipt.split(' ').count(), 7, "all of it: {receipt}");
    assert!(!page.contains("/follow-up/continue"), "no shortcut that cannot work");
    assert!(page.contains("href=\"/follow-up\""), "the way back with her receipt is there");
    s.stop().await;
}

#[tokio::test]
async fn a_3_mb_description_comes_back_in_full_with_the_limit_named_in_both_languages() {
    let s = TestServer::start(Backend::Sqlite).await;
    let start = "START-OF-HER-TEXT ";
    let end = " END-OF-HER-TEXT";
    let long = format!("{start}{}{end}", "我每天都被他骚扰。".repeat(3 * 1024 * 1024 / 27));
    assert!(long.len() > 3 * 1024 * 1024 - 100);
    for (lang, named) in [("en", "the limit is 50"), ("zh-CN", "上限是 50")] {
        let browser = s.browser();
        let (form, token) = fresh_form(&s, &browser, lang).await;
        assert!(form.contains("50,000") || form.contains("50000"), "{lang}: the limit is stated before she starts");
        let sent = browser.post(s.url(&format!("/report?lang={lang}"))).multipart(filled(&token, &long));
        let sent = sent.send().await.expect("send");
        assert_eq!(sent.status(), 422);
        let page = sent.text().await.expect("html");
        let back = between(&page, "aria-describedby=\"description-hint description-error\">", "</textarea>")
            .expect("the description comes back");
        assert_eq!(back, long, "{lang}: every character of it");
        assert!(page.contains(named), "{lang}: the limit is named");
        assert!(page.contains("href=\"#description\""), "{lang}: the summary links to the field");
        assert!(page.contains(&token), "{lang}: the same token, so a corrected send files once");
    }
    s.stop().await;
}

#[tokio::test]
async fn more_than_the_server_reads_is_refused_whole_with_the_limit_stated() {
    let web = ombud_web::WebConfig { max_upload_request_bytes: 2 * 1024 * 1024, ..Default::default() };
    let s = TestServer::start_with(Options { web, ..Options::default() }).await;
    let browser = s.browser();
    let (_, token) = fresh_form(&s, &browser, "en").await;
    let form = filled(&token, "My words").part(
        "attachments",
        Part::bytes(vec![7u8; 3 * 1024 * 1024]).file_name("scan.pdf").mime_str("application/pdf").expect("mime"),
    );
    let sent = browser.post(s.url("/report")).multipart(form).send().await.expect("send");
    assert_eq!(sent.status(), 413);
    let page = sent.text().await.expect("html");
    assert!(page.contains("up to 2 MB"), "the limit is stated");
    assert!(page.contains("nothing of it was received"), "and that nothing was received");
    s.stop().await;
}

#[tokio::test]
async fn a_form_with_mistakes_names_each_beside_its_field_and_asks_for_files_again() {
    let s = TestServer::start(Backend::Sqlite).await;
    let browser = s.browser();
    let (_, token) = fresh_form(&s, &browser, "en").await;
    let form = Form::new()
        .text("form_token", token.clone())
        .text("people_count", "2")
        .text("category", "sexual_harassment")
        .text("description", "")
        .text("person_0_name", "")
        .text("person_0_role", "accused")
        .text("person_1_name", "Li Wei")
        .text("person_1_role", "witness")
        .text("request_other", "on")
        .text("request_other_detail", "")
        .text("mode", "anonymous")
        .part(
            "attachments",
            Part::bytes(b"chat".to_vec()).file_name("chat-log.txt").mime_str("text/plain").expect("mime"),
        );
    let sent = browser.post(s.url("/report")).multipart(form).send().await.expect("send");
    assert_eq!(sent.status(), 422);
    let page = sent.text().await.expect("html");
    let summary = between(&page, "class=\"error-summary\"", "</div>").expect("a summary");
    for (anchor, name) in [
        ("#description", "What happened?"),
        ("#person_0_name", "Person 1 — Name"),
        ("#request_other_detail", "Something else you need"),
    ] {
        assert!(summary.contains(&format!("href=\"{anchor}\">{name}")), "summary names {name}: {summary}");
    }
    assert!(page.contains("id=\"person_0_name-error\""), "a part without a name is asked about, not dropped");
    assert!(page.contains("id=\"request_other_detail-error\""), "'something else' needs a word");
    assert!(page.contains("value=\"Li Wei\""), "the second person is kept");
    let files = between(&page, "id=\"attachments-again\"", "</p>").expect("a note beside the file field");
    assert!(files.contains("chat-log.txt"), "naming the file to choose again: {files}");
    s.stop().await;
}

#[tokio::test]
async fn add_another_person_posts_and_comes_back_whole_one_block_longer() {
    let s = TestServer::start(Backend::Sqlite).await;
    let browser = s.browser();
    let (first, token) = fresh_form(&s, &browser, "zh-CN").await;
    assert!(first.contains("id=\"person_0_name\"") && !first.contains("id=\"person_1_name\""), "one block to start");
    assert!(first.contains("name=\"add_person\""), "a button, no script");
    let form = filled(&token, "他在出差时骚扰我。").text("add_person", "1");
    let sent = browser.post(s.url("/report?lang=zh-CN")).multipart(form).send().await.expect("send");
    assert_eq!(sent.status(), 200, "not a submission, not an error");
    let page = sent.text().await.expect("html");
    assert!(page.contains("id=\"person_1_name\""), "one more block");
    assert!(page.contains("value=\"孙浩\"") && page.contains("他在出差时骚扰我。"), "everything typed kept");
    assert!(page.contains("name=\"people_count\" value=\"2\""));
    assert!(!page.contains("error-summary"), "no error for a form not yet sent");
    let handler_pw = s.staff("h@example.org", Role::Handler).await;
    let handler = s.staff_token("h@example.org", &handler_pw).await;
    assert_eq!(case_count(&s, &handler).await, 0, "nothing filed by adding a person");
    s.stop().await;
}

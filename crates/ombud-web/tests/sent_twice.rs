//! A form sent twice acts once: a double click, a resent page, a retried
//! request. The second send goes back to the page, which says so; a send
//! that was refused can be corrected and sent again. Her reply too.

use ombud_domain::Role;
use ombud_testkit::{TestServer, backends};
use serde_json::json;

/// The action of the form with this id on a page, as the browser would post it.
fn action_of(page: &str, form_id: &str) -> String {
    let at = page.find(&format!("id=\"{form_id}\"")).unwrap_or_else(|| panic!("form {form_id}"));
    let start = page[..at].rfind("<form").expect("form tag");
    let tag = &page[start..at];
    let action = tag.split("action=\"").nth(1).expect("action");
    action[..action.find('"').expect("end")].replace("&amp;", "&")
}

#[tokio::test]
async fn a_form_sent_twice_acts_once_and_the_page_says_so() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let pw = s.staff("h@example.org", Role::Handler).await;
        let (_, receipt) = s.report(json!({"category": "other", "description": "The storeroom door is broken."})).await;
        let token = s.staff_token("h@example.org", &pw).await;
        let id = s.get_json("/api/v1/cases", &token).await.1["cases"][0]["id"].as_str().expect("id").to_owned();
        let browser = s.staff_browser("h@example.org", &pw).await;
        let case_page = || async {
            browser
                .get(s.url(&format!("/staff/cases/{id}?lang=en")))
                .send()
                .await
                .expect("get")
                .text()
                .await
                .expect("html")
        };
        let post = |action: String, form: Vec<(&'static str, &'static str)>| {
            let browser = browser.clone();
            let url = s.url(&action);
            async move {
                let r = browser.post(url).form(&form).send().await.expect("post");
                let to = r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
                (r.status().as_u16(), to)
            }
        };

        // A note: refused empty, then corrected and sent from the same page — it acts.
        let page = case_page().await;
        let note = action_of(&page, "note");
        assert!(note.contains("?once="), "{note}");
        assert_eq!(post(note.clone(), vec![("body", "")]).await.0, 422, "refused");
        let body = "Called facilities; the lock is ordered.";
        assert_eq!(post(note.clone(), vec![("body", body)]).await, (303, format!("/staff/cases/{id}?done=note-added")));
        // The same send again: nothing is added, and the page says why.
        assert_eq!(post(note, vec![("body", body)]).await, (303, format!("/staff/cases/{id}?done=sent-once")));
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &token).await;
        assert_eq!(case.to_string().matches(body).count(), 1, "one note");
        let page = browser.get(s.url(&format!("/staff/cases/{id}?done=sent-once&lang=zh-CN"))).send().await;
        assert!(page.expect("get").text().await.expect("html").contains("系统只处理了一次"));

        // A reply to her, double-clicked: she gets one message.
        let page = case_page().await;
        let reply = action_of(&page, "reply-form");
        let reply_form = || reqwest::multipart::Form::new().text("body", "We have ordered a new lock.");
        for _ in 0..2 {
            let r = browser.post(s.url(&reply)).multipart(reply_form()).send().await.expect("reply");
            assert_eq!(r.status().as_u16(), 303);
        }
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &token).await;
        assert_eq!(case["messages"].as_array().expect("messages").len(), 1, "one message to her");

        // Her own reply, sent twice from her page: one message.
        let her = s.browser();
        let signed = her.post(s.url("/follow-up")).form(&[("receipt", receipt.as_str())]).send().await.expect("in");
        assert_eq!(signed.status().as_u16(), 303);
        let page = her.get(s.url("/follow-up")).send().await.expect("get").text().await.expect("html");
        let hers = action_of(&page, "reply-form");
        assert!(hers.starts_with("/follow-up/reply?once="), "{hers}");
        for _ in 0..2 {
            let form = reqwest::multipart::Form::new().text("body", "Thank you, it is still open at night.");
            assert_eq!(her.post(s.url(&hers)).multipart(form).send().await.expect("reply").status().as_u16(), 303);
        }
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &token).await;
        let mine = case["messages"].as_array().expect("messages").iter().filter(|m| m["from_reporter"] == true).count();
        assert_eq!(mine, 1, "one message from her");
        s.stop().await;
    }
}

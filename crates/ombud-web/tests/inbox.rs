//! The inbox for thirty cases a month and for a million: filters, a search
//! by any part of a reference or by a person as people write her name,
//! paging with a cursor, counts, an unread marker — the same in the API and
//! on the page, in both languages.

use jiff::SignedDuration;
use ombud_domain::{Clock, Role};
use ombud_service::demo::SAMPLE_DIRECTORY;
use ombud_testkit::{TestServer, backends};
use serde_json::{Value, json};

async fn refs(s: &TestServer, token: &str, query: &str) -> Vec<String> {
    let (status, list) = s.get_json(&format!("/api/v1/cases?{query}"), token).await;
    assert_eq!(status, 200, "{query}: {list}");
    list["cases"].as_array().expect("cases").iter().map(|c| c["case_ref"].as_str().unwrap_or("").to_owned()).collect()
}

async fn case_id(s: &TestServer, token: &str, reference: &str) -> String {
    let (_, list) = s.get_json(&format!("/api/v1/cases?q={reference}"), token).await;
    list["cases"][0]["id"].as_str().expect("id").to_owned()
}

fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

struct Cases {
    sun: String,
    zhou: String,
    plain: String,
}

async fn three_cases(s: &TestServer) -> Cases {
    s.ombud.import_directory(SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("directory");
    let (sun, _) = s
        .report(json!({"category": "sexual_harassment", "description": "他在会议室里碰我。",
            "people": [{"name": "孙浩", "role": "accused", "internal": true}]}))
        .await;
    s.clock.advance(SignedDuration::from_mins(1));
    let (zhou, _) = s
        .report(json!({"category": "retaliation", "description": "After I complained my shifts were cut.",
            "people": [{"name": "Zhou Min", "role": "accused", "internal": true}]}))
        .await;
    s.clock.advance(SignedDuration::from_mins(1));
    let (plain, _) = s.report(json!({"category": "other", "description": "The fire exits are locked at night."})).await;
    Cases { sun, zhou, plain }
}

#[tokio::test]
async fn the_inbox_finds_a_case_by_any_part_of_its_reference_and_by_a_person_as_people_write_her_name() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let pw = s.staff("h@example.org", Role::Handler).await;
        let h = s.staff_token("h@example.org", &pw).await;
        let c = three_cases(&s).await;
        assert_eq!(refs(&s, &h, "").await, [c.plain.as_str(), c.zhou.as_str(), c.sun.as_str()], "newest first");
        // Either part of a reference, in any case, or the whole one without its prefix.
        let second = &c.zhou[9..];
        assert_eq!(refs(&s, &h, &format!("q={}", second.to_lowercase())).await, [c.zhou.as_str()]);
        assert_eq!(refs(&s, &h, &format!("q={}", &c.zhou[4..8])).await, [c.zhou.as_str()]);
        assert_eq!(refs(&s, &h, &format!("q={}", c.sun[4..].to_lowercase())).await, [c.sun.as_str()]);
        // A person, as people write her: characters, pinyin either way round, with a title.
        for name in ["孙浩", "Sun Hao", "Hao Sun", "孙浩经理", "E320", "sun.hao@demo.ombud.example"] {
            assert_eq!(refs(&s, &h, &format!("q={}", encode(name))).await, [c.sun.as_str()], "{name}");
        }
        assert_eq!(refs(&s, &h, "person=E321").await, [c.zhou.as_str()]);
        // A name nobody has lists nothing: never everything.
        assert!(refs(&s, &h, &format!("q={}", encode("Nobody Atall"))).await.is_empty());
        let (status, body) = s.get_json("/api/v1/cases?person=E999", &h).await;
        assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("person")));
        s.stop().await;
    }
}

#[tokio::test]
async fn every_filter_narrows_the_list_and_a_cursor_walks_it_without_a_case_twice() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let pw = s.staff("h@example.org", Role::Handler).await;
        let h = s.staff_token("h@example.org", &pw).await;
        let c = three_cases(&s).await;
        let (sun, zhou) = (case_id(&s, &h, &c.sun).await, case_id(&s, &h, &c.zhou).await);
        // Status and category.
        assert_eq!(s.post_json(&format!("/api/v1/cases/{sun}/acknowledge"), &h, json!({})).await.0, 200);
        assert_eq!(refs(&s, &h, "status=acknowledged").await, [c.sun.as_str()]);
        assert!(refs(&s, &h, "status=closed").await.is_empty(), "a status filter is never ignored");
        assert_eq!(refs(&s, &h, "category=retaliation").await, [c.zhou.as_str()]);
        // Mine and nobody's.
        assert_eq!(
            s.post_json(&format!("/api/v1/cases/{zhou}/assignment"), &h, json!({"lead": "h@example.org"})).await.0,
            200
        );
        assert_eq!(refs(&s, &h, "assigned=me").await, [c.zhou.as_str()]);
        assert_eq!(refs(&s, &h, "assigned=none").await, [c.plain.as_str(), c.sun.as_str()]);
        // Due: the unacknowledged cases' seven days run out.
        assert_eq!(
            refs(&s, &h, "due_within=8&sort=deadline").await,
            [c.zhou.as_str(), c.plain.as_str()],
            "next deadline first"
        );
        assert!(refs(&s, &h, "overdue=true").await.is_empty());
        s.clock.advance(SignedDuration::from_hours(24 * 7 + 1));
        assert_eq!(refs(&s, &h, "overdue=true&sort=deadline").await, [c.zhou.as_str(), c.plain.as_str()]);
        s.ombud.sweep(s.clock.now()).await.expect("sweep");
        assert_eq!(refs(&s, &h, "escalated=true").await, [c.plain.as_str(), c.zhou.as_str()]);
        // Labels.
        assert_eq!(s.post_json(&format!("/api/v1/cases/{sun}/labels"), &h, json!({"labels": ["urgent"]})).await.0, 200);
        assert_eq!(refs(&s, &h, "label=urgent").await, [c.sun.as_str()]);
        // Paging: one at a time, every case once, in order.
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let (status, page) = s.get_json(&format!("/api/v1/cases?limit=1&cursor={cursor}"), &h).await;
            assert_eq!(status, 200, "{page}");
            seen.extend(page["cases"].as_array().expect("cases").iter().map(|c| c["case_ref"].clone()));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = next.to_owned(),
                None => break,
            }
        }
        assert_eq!(seen, [json!(c.plain), json!(c.zhou), json!(c.sun)]);
        // Counts on request only.
        let (_, list) = s.get_json("/api/v1/cases?counts=true&status=received", &h).await;
        assert_eq!(list["counts"], json!({"total": 2, "by_status": {"received": 2}}));
        let (_, list) = s.get_json("/api/v1/cases", &h).await;
        assert!(list.get("counts").is_none());
        // Mistakes are named, never a 500 and never a silent "everything".
        for (query, field) in [
            ("status=closd", "status"),
            ("category=x", "category"),
            ("sort=oldest", "sort"),
            ("limit=500", "limit"),
            ("cursor=c123.nope", "cursor"),
            ("assigned=someone@else.org", "assigned"),
            ("label=nope", "label"),
        ] {
            let (status, body) = s.get_json(&format!("/api/v1/cases?{query}"), &h).await;
            assert_eq!(status, 422, "{query}: {body}");
            assert_eq!(body["error"]["fields"][0]["field"], field, "{query}");
        }
        s.stop().await;
    }
}

#[tokio::test]
async fn a_new_message_from_her_is_marked_until_the_reader_opens_the_case() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let pw = s.staff("h@example.org", Role::Handler).await;
    let h = s.staff_token("h@example.org", &pw).await;
    let (_, receipt) = s.report(json!({"category": "other", "description": "Locked exits."})).await;
    let unread = |list: Value| list["cases"][0]["unread"].as_bool();
    assert_eq!(unread(s.get_json("/api/v1/cases", &h).await.1), Some(false), "the report itself is not a message");
    let id = s.get_json("/api/v1/cases", &h).await.1["cases"][0]["id"].as_str().expect("id").to_owned();
    assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &h).await.0, 200);
    s.clock.advance(SignedDuration::from_mins(5));
    let reporter = s.reporter_token(&receipt).await;
    let (status, _) =
        s.post_json("/api/v1/reporter/messages", &reporter, json!({"body": "They were locked again."})).await;
    assert_eq!(status, 201);
    assert_eq!(unread(s.get_json("/api/v1/cases", &h).await.1), Some(true));
    let page = s.page("/staff/cases?lang=zh-CN", &h).await;
    assert!(page.contains("新留言"), "marked on the page");
    s.clock.advance(SignedDuration::from_mins(1));
    assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &h).await.0, 200);
    assert_eq!(unread(s.get_json("/api/v1/cases", &h).await.1), Some(false), "read once opened");
    s.stop().await;
}

#[tokio::test]
async fn the_inbox_page_keeps_its_filters_counts_and_pages_in_both_languages() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let pw = s.staff("h@example.org", Role::Handler).await;
    let h = s.staff_token("h@example.org", &pw).await;
    let c = three_cases(&s).await;
    let page = s.page("/staff/cases?lang=en", &h).await;
    assert!(page.contains("3 cases match: Received 3"), "a sentence, not \"7 cases you may see Received 7\"");
    let page = s.page(&format!("/staff/cases?lang=zh-CN&q={}", encode("孙浩")), &h).await;
    assert!(page.contains(&c.sun) && !page.contains(&c.zhou) && !page.contains(&c.plain));
    assert!(page.contains("共 1 个案件符合"));
    assert!(page.contains(&format!("value=\"{}\"", "孙浩")), "what she searched stays in the box");
    let page = s.page(&format!("/staff/cases?lang=en&q={}", encode("Nobody Atall")), &h).await;
    assert!(page.contains("No one in the directory is called “Nobody Atall”"));
    let page = s.page("/staff/cases?lang=en&status=closed&due=overdue&sort=deadline", &h).await;
    assert!(
        page.contains("<option value=\"closed\" selected>") && page.contains("<option value=\"overdue\" selected>")
    );
    assert!(page.contains("<option value=\"deadline\" selected>") && !page.contains(&c.sun));
    // A page at a time, the next one keeping the filters.
    let page = s.page("/staff/cases?lang=en&limit=2&category=", &h).await;
    let next = page.split("id=\"next-page\"").next().and_then(|p| p.rsplit("href=\"").next()).expect("next link");
    let next = next.split('"').next().expect("href").replace("&#38;", "&").replace("&amp;", "&");
    assert!(next.contains("limit=2") && next.contains("cursor="), "{next}");
    let rest = s.page(&next, &h).await;
    let shown = rest.find("inbox-summary").map(|i| &rest[i..(i + 900).min(rest.len())]).unwrap_or(&rest);
    assert!(rest.contains(&c.sun) && !rest.contains(&c.plain), "the second page holds the third case: {next} {shown}");
    // From a later page, back to the first with the same filters.
    assert!(!page.contains("id=\"first-page\""), "the first page links to no first page");
    let first = rest.split("id=\"first-page\"").next().and_then(|p| p.rsplit("href=\"").next()).expect("first link");
    let first = first.split('"').next().expect("href").replace("&#38;", "&").replace("&amp;", "&");
    assert!(first.contains("limit=2") && !first.contains("cursor="), "{first}");
    assert!(s.page(&first, &h).await.contains(&c.plain), "the first page again");
    // A mistake in the address is said on the page, with the form kept,
    // and lists no case: a list of everything would pass for her filter's.
    let client = s.client();
    for (address, said) in [
        ("/staff/cases?lang=en&status=bogus", "a filter that cannot be read"),
        ("/staff/cases?lang=en&sort=oldest", "a filter that cannot be read"),
        ("/staff/cases?lang=en&status=received&due=abc", "a filter that cannot be read"),
        ("/staff/cases?lang=en&status=received&due_within=abc", "a filter that cannot be read"),
        ("/staff/cases?lang=zh-CN&overdue=maybe", "无法读取的筛选条件"),
    ] {
        let response = client.get(s.url(address)).bearer_auth(&h).send().await.expect("page");
        assert_eq!(response.status(), 422, "{address}");
        let html = response.text().await.expect("html");
        assert!(html.contains(said) && html.contains("id=\"inbox-error\""), "{address}");
        assert!(![&c.sun, &c.zhou, &c.plain].iter().any(|r| html.contains(r.as_str())), "{address} lists no case");
        assert!(!html.contains("id=\"inbox-empty\""), "{address}: the error alone, not \"no cases for you\"");
    }
    // Filters that match nothing say so; they do not say she has no cases.
    let page = s.page("/staff/cases?lang=en&status=closed", &h).await;
    assert!(page.contains("No case matches these filters.") && !page.contains("There are no cases for you."));
    let page = s.page("/staff/cases?lang=zh-CN&escalated=true", &h).await;
    assert!(page.contains("没有符合这些筛选条件的案件。"));
    s.stop().await;
}

//! Related cases and repeat respondents: cases naming the same confirmed
//! person, however she wrote him, are shown as related only to a reader of
//! both; a reader links two cases with a reason; oversight sees who is named
//! as accused in three cases or more, with a name only where it may read
//! every one of them. Through the real server, on both databases.

use ombud_domain::Role;
use ombud_service::demo::SAMPLE_DIRECTORY;
use ombud_testkit::{TestServer, backends};
use serde_json::{Value, json};

async fn case_id(s: &TestServer, token: &str, reference: &str) -> String {
    let (_, list) = s.get_json(&format!("/api/v1/cases?q={reference}"), token).await;
    list["cases"][0]["id"].as_str().unwrap_or_else(|| panic!("{reference} in {list}")).to_owned()
}

fn refs_of(related: &Value) -> Vec<&str> {
    related["cases"].as_array().expect("cases").iter().filter_map(|c| c["case_ref"].as_str()).collect()
}

fn accused(person: Value) -> Value {
    json!({"category": "sexual_harassment", "description": "He cornered me after the meeting.", "people": [person]})
}

struct Seeded {
    /// Sun Hao, as four reporters wrote him: characters, an id, an email.
    by_name: String,
    by_id: String,
    by_email: String,
    /// A case that names "Sun" only: a candidate, never counted.
    vague: String,
    /// A case naming nobody, and her receipt.
    plain: String,
    plain_receipt: String,
}

async fn seed(s: &TestServer) -> Seeded {
    s.ombud.import_directory(SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine).await.expect("directory");
    let (by_name, _) = s.report(accused(json!({"name": "孙浩经理", "role": "accused", "internal": true}))).await;
    let (by_id, _) =
        s.report(accused(json!({"name": "Mr Sun", "employee_id": "e320", "role": "accused", "internal": true}))).await;
    let (by_email, _) = s
        .report(accused(json!({"name": "Hao Sun", "email": "SUN.HAO@demo.ombud.example", "role": "accused",
            "internal": true})))
        .await;
    let (vague, _) = s.report(accused(json!({"name": "Sun", "role": "accused", "internal": true}))).await;
    let (plain, plain_receipt) =
        s.report(json!({"category": "other", "description": "The fire exits are locked."})).await;
    Seeded { by_name, by_id, by_email, vague, plain, plain_receipt }
}

#[tokio::test]
async fn cases_naming_the_same_person_are_related_only_for_a_reader_of_both_and_links_carry_a_reason() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let hpw = s.staff("h@example.org", Role::Handler).await;
        // Sun Hao's own manager handles cases too: he never reads the cases accusing Sun Hao.
        let ppw = s.staff("president@demo.ombud.example", Role::Handler).await;
        s.staff("o@example.org", Role::Oversight).await;
        let c = seed(&s).await;
        let h = s.staff_token("h@example.org", &hpw).await;
        let president = s.staff_token("president@demo.ombud.example", &ppw).await;
        let name_id = case_id(&s, &h, &c.by_name).await;
        let plain_id = case_id(&s, &h, &c.plain).await;

        // However she wrote him, the handler sees the other two cases naming him, and why.
        let (status, related) = s.get_json(&format!("/api/v1/cases/{name_id}/related"), &h).await;
        assert_eq!(status, 200, "{related}");
        let mut found = refs_of(&related);
        found.sort_unstable();
        let mut want = vec![c.by_id.as_str(), c.by_email.as_str()];
        want.sort_unstable();
        assert_eq!(found, want, "the same person by id and by email; a mere candidate ({}) is not related", c.vague);
        assert!(related["cases"].as_array().expect("cases").iter().all(|r| r["people"] == json!(["Sun Hao"])));

        // She links the plain case to it, with a reason; sent twice, the second says so.
        let links = format!("/api/v1/cases/{plain_id}/links");
        let reason = "Same meeting room, same week: the locked exit may be part of it.";
        let (status, body) =
            s.post_json(&links, &h, json!({"reference": c.by_name.to_lowercase(), "reason": reason})).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = s.post_json(&links, &h, json!({"reference": c.by_name, "reason": reason})).await;
        assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("already-linked")));
        let (status, body) = s.post_json(&links, &h, json!({"reference": c.plain, "reason": reason})).await;
        assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("same-case")));
        let (status, body) = s.post_json(&links, &h, json!({"reference": c.by_id, "reason": ""})).await;
        assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("reason")));
        let (_, related) = s.get_json(&format!("/api/v1/cases/{plain_id}/related"), &h).await;
        assert_eq!(refs_of(&related), [c.by_name.as_str()]);
        assert_eq!(related["cases"][0]["links"][0]["reason"], reason);
        let (_, related) = s.get_json(&format!("/api/v1/cases/{name_id}/related"), &h).await;
        assert!(refs_of(&related).contains(&c.plain.as_str()), "the link shows from both sides");
        // She never learns that her case was linked to another: not on her page, not in her record.
        let reporter = s.reporter_token(&c.plain_receipt).await;
        for path in ["/api/v1/reporter/case", "/api/v1/reporter/record"] {
            let (status, hers) = s.get_json(path, &reporter).await;
            assert_eq!(status, 200, "{path}");
            assert!(!hers.to_string().contains("cases_linked") && !hers.to_string().contains(&c.by_name), "{path}");
        }

        // His manager reads the plain case but not the one accusing Sun Hao: no trace of it, or of the link.
        let (status, related) = s.get_json(&format!("/api/v1/cases/{plain_id}/related"), &president).await;
        assert_eq!((status, refs_of(&related)), (200, vec![]), "{related}");
        let (status, _) = s.get_json(&format!("/api/v1/cases/{name_id}/related"), &president).await;
        assert_eq!(status, 404, "a case he may not read does not exist for him");
        // Linking to a case he may not read is answered as for a reference nobody has.
        for reference in [c.by_name.as_str(), "OMB-ZZZZ-ZZZZ"] {
            let (status, body) =
                s.post_json(&links, &president, json!({"reference": reference, "reason": "why"})).await;
            assert_eq!(
                (status, body["error"]["fields"][0]["code"].as_str()),
                (422, Some("unknown-case")),
                "{reference}"
            );
        }
        s.stop().await;
    }
}

#[tokio::test]
async fn oversight_sees_a_person_named_in_three_cases_only_where_it_reads_them_all() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let opw = s.staff("o@example.org", Role::Oversight).await;
        // The COO sits above Sun Hao: she is kept out of every case accusing him.
        let cpw = s.staff("coo@demo.ombud.example", Role::Oversight).await;
        let c = seed(&s).await;
        let o = s.staff_token("o@example.org", &opw).await;
        let coo = s.staff_token("coo@demo.ombud.example", &cpw).await;

        let (status, list) = s.get_json("/api/v1/oversight/repeat-respondents", &o).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["min_cases"], 3);
        let people = list["people"].as_array().expect("people");
        assert_eq!(people.len(), 1, "{list}");
        assert_eq!(people[0]["cases"], 3, "the candidate case ({}) never counts", c.vague);
        assert_eq!(people[0]["name"], "Sun Hao", "a member reading every case sees the name");
        let mut readable: Vec<&str> =
            people[0]["readable"].as_array().expect("readable").iter().filter_map(|r| r["case_ref"].as_str()).collect();
        readable.sort_unstable();
        let mut want = vec![c.by_name.as_str(), c.by_id.as_str(), c.by_email.as_str()];
        want.sort_unstable();
        assert_eq!(readable, want);
        let person = people[0]["person"].as_str().expect("opaque id").to_owned();

        // A member kept out of the cases learns nothing: not who, not how many, not that the cases exist.
        let (status, theirs) = s.get_json("/api/v1/oversight/repeat-respondents", &coo).await;
        assert_eq!((status, &theirs["people"]), (200, &json!([])), "{theirs}");
        for (lang, heading) in [("en", "People named in several cases"), ("zh-CN", "在多起案件中被提及的人")]
        {
            let page = s.page(&format!("/oversight/escalations?lang={lang}"), &coo).await;
            assert!(page.contains(heading), "{lang}");
            assert!(!page.contains(&person) && !page.contains("Sun Hao"), "{lang}: nothing of the person");
        }
        let page = s.page("/oversight/escalations?lang=en", &o).await;
        assert!(page.contains(&format!("Sun Hao ({person})")) && page.contains("named as accused in 3 cases"));
        assert!(page.contains(&c.by_id) && page.contains("(Received)"), "each case with where it stands");
        s.stop().await;
    }
}

#[tokio::test]
async fn the_case_page_shows_related_cases_and_the_link_form_keeps_what_was_typed() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let hpw = s.staff("h@example.org", Role::Handler).await;
    let c = seed(&s).await;
    let h = s.staff_token("h@example.org", &hpw).await;
    let id = case_id(&s, &h, &c.by_id).await;
    let browser = s.staff_browser("h@example.org", &hpw).await;
    let page = browser.get(s.url(&format!("/staff/cases/{id}?lang=zh-CN"))).send().await.expect("get");
    let page = page.text().await.expect("html");
    assert!(page.contains("相关案件") && page.contains(&c.by_name) && page.contains("两案均提及 Sun Hao"));
    // A mistyped reference: both fields come back as typed, the problem beside the reference.
    let reason = "同一位经理，同一个项目组。";
    let form = [("reference", "OMB-0000-0000"), ("reason", reason)];
    let sent = browser.post(s.url(&format!("/staff/cases/{id}/links?lang=zh-CN"))).form(&form).send().await;
    let sent = sent.expect("post");
    assert_eq!(sent.status().as_u16(), 422);
    let page = sent.text().await.expect("html");
    assert!(page.contains("id=\"link-reference-error\"") && page.contains("没有您可查阅的案件使用此编号。"));
    assert!(page.contains("value=\"OMB-0000-0000\"") && page.contains(reason));
    assert!(page.contains("<details open>"), "the link form stays open");
    let form = [("reference", c.plain.as_str()), ("reason", reason)];
    let sent = browser.post(s.url(&format!("/staff/cases/{id}/links?lang=en"))).form(&form).send().await;
    let sent = sent.expect("post");
    assert_eq!(sent.status().as_u16(), 303);
    let to = sent.headers()["location"].to_str().expect("location").to_owned();
    assert!(to.ends_with("?done=cases-linked"), "{to}");
    let page = browser.get(s.url(&format!("{to}&lang=en"))).send().await.expect("get").text().await.expect("html");
    assert!(page.contains("The cases were linked.") && page.contains(&c.plain) && page.contains(reason));
    s.stop().await;
}

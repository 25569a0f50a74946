//! A handler's forms forgive, as people use them: sent with a mistake, each
//! comes back with every value as typed and the problem beside its field;
//! nothing consequential is chosen for her; every action says at the top of
//! the page what it did; a step the case does not allow says why.

use ombud_domain::{Clock, Role};
use ombud_testkit::{TestServer, backends};
use serde_json::{Value, json};

const LANGS: [&str; 2] = ["en", "zh-CN"];

/// A case with two requests, acknowledged, and a signed-in handler's browser.
struct Desk {
    s: TestServer,
    token: String,
    browser: reqwest::Client,
    id: String,
    case: Value,
}

async fn desk(backend: ombud_testkit::Backend) -> Desk {
    let s = TestServer::start(backend).await;
    let pw = s.staff("h@example.org", Role::Handler).await;
    s.report(json!({"category": "sexual_harassment",
        "description": "He keeps touching my shoulders at the team meetings.",
        "people": [{"name": "客户代表 王经理", "role": "accused", "internal": false}],
        "requests": [{"kind": "no_contact"}, {"kind": "leave"}]}))
        .await;
    let token = s.staff_token("h@example.org", &pw).await;
    let (_, list) = s.get_json("/api/v1/cases", &token).await;
    let id = list["cases"][0]["id"].as_str().expect("a case").to_owned();
    let (status, _) = s.post_json(&format!("/api/v1/cases/{id}/steps"), &token, json!({"step": "acknowledge"})).await;
    assert_eq!(status, 200);
    let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &token).await;
    let browser = s.staff_browser("h@example.org", &pw).await;
    Desk { s, token, browser, id, case }
}

impl Desk {
    /// Sends a case-page form as a browser would; the status and the page.
    async fn send(&self, path: &str, lang: &str, form: &[(&str, &str)]) -> (u16, String) {
        let url = self.s.url(&format!("/staff/cases/{}/{path}?lang={lang}", self.id));
        let response = self.browser.post(url).form(form).send().await.expect("post");
        let status = response.status().as_u16();
        (status, response.text().await.expect("html"))
    }

    async fn page(&self, path_and_query: &str) -> String {
        let url = self.s.url(path_and_query);
        self.browser.get(url).send().await.expect("get").text().await.expect("html")
    }

    fn deadline(&self, kind: &str) -> String {
        let deadlines = self.case["deadlines"].as_array().expect("deadlines");
        let d = deadlines.iter().find(|d| d["kind"] == kind).expect(kind);
        d["id"].as_str().expect("id").to_owned()
    }

    fn request(&self, n: usize) -> String {
        self.case["requests"][n]["id"].as_str().expect("request").to_owned()
    }
}

/// The page names the problem beside the field and links to it from the top.
fn problem_beside(page: &str, field_id: &str) {
    assert!(page.contains(&format!("id=\"{field_id}-error\" class=\"field-error\"")), "{field_id}: beside the field");
    assert!(page.contains(&format!("aria-describedby=\"{field_id}-error\"")), "{field_id}: described by it");
    assert!(page.contains(&format!("href=\"#{field_id}\"")), "{field_id}: linked from the summary at the top");
}

#[tokio::test]
async fn declined_without_a_reason_stays_declined_with_the_message_beside_the_reason() {
    for backend in backends() {
        let d = desk(backend).await;
        let request = d.request(0);
        for lang in LANGS {
            let (status, page) =
                d.send(&format!("requests/{request}/answer"), lang, &[("outcome", "declined"), ("reason", "")]).await;
            assert_eq!(status, 422, "{lang}");
            let form = format!("answer-{request}");
            assert!(page.contains("<option value=\"declined\" selected>"), "{lang}: declined stays declined");
            assert!(!page.contains("<option value=\"granted\" selected>"), "{lang}: nothing else is chosen");
            problem_beside(&page, &format!("{form}-reason"));
            let asked = if lang == "en" { "Please fill this in." } else { "请填写此项" };
            assert!(page.contains(asked), "{lang}: in her language");
            // The other request's form is untouched: nothing chosen there either.
            let other =
                format!("answer-{}-outcome\" name=\"outcome\" required><option value=\"\" selected>", d.request(1));
            assert!(page.contains(&other), "{lang}: the other answer still asks for a choice");
        }
        // Nothing was answered: her request still waits.
        let (_, case) = d.s.get_json(&format!("/api/v1/cases/{}", d.id), &d.token).await;
        assert!(case["requests"][0]["answer"].is_null(), "nothing was sent to her");
        d.s.stop().await;
    }
}

#[tokio::test]
async fn an_answer_without_an_outcome_asks_for_one_and_keeps_the_reason() {
    let d = desk(ombud_testkit::Backend::Sqlite).await;
    let request = d.request(0);
    let reason = "他不会再联系你；他的上级已经知道。";
    let (status, page) =
        d.send(&format!("requests/{request}/answer"), "zh-CN", &[("outcome", ""), ("reason", reason)]).await;
    assert_eq!(status, 422);
    assert!(page.contains(reason), "the reason comes back as typed");
    problem_beside(&page, &format!("answer-{request}-outcome"));
    // Answered, and then sent again (a double click): the first answer stands, and the page says so.
    let form = [("outcome", "granted"), ("reason", reason)];
    let (status, _) = d.send(&format!("requests/{request}/answer"), "en", &form).await;
    assert_eq!(status, 303);
    let (status, page) =
        d.send(&format!("requests/{request}/answer"), "en", &[("outcome", "declined"), ("reason", "No.")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("This request was already answered."), "said at the top");
    let (_, case) = d.s.get_json(&format!("/api/v1/cases/{}", d.id), &d.token).await;
    assert_eq!(case["requests"][0]["answer"]["outcome"], "granted", "the first answer stands");
    d.s.stop().await;
}

#[tokio::test]
async fn a_deadline_change_without_a_date_keeps_the_justification_and_the_reason_for_her() {
    for backend in backends() {
        let d = desk(backend).await;
        let deadline = d.deadline("request_answer");
        let form_id = format!("change-{deadline}");
        for lang in LANGS {
            let justification = "Two witnesses are abroad until the end of the month.";
            let for_her = "We need to hear two more people before we can answer you.";
            let form =
                [("kind", "pause"), ("until", ""), ("justification", justification), ("reason_for_reporter", for_her)];
            let (status, page) = d.send(&format!("deadlines/{deadline}/change"), lang, &form).await;
            assert_eq!(status, 422, "{lang}");
            assert!(page.contains(justification) && page.contains(for_her), "{lang}: both texts come back");
            assert!(page.contains("<option value=\"pause\" selected>"), "{lang}: the pause stays chosen");
            problem_beside(&page, &format!("{form_id}-until"));
            assert!(page.contains("<details class=\"panel\" open>"), "{lang}: the folded form is open again");
        }
        // A fresh page chooses nothing: extension or pause is the handler's choice.
        let page = d.page(&format!("/staff/cases/{}", d.id)).await;
        assert!(page.contains(&format!("id=\"{form_id}-kind\" name=\"kind\"><option value=\"\" selected>")));
        d.s.stop().await;
    }
}

#[tokio::test]
async fn a_step_reason_over_the_limit_comes_back_whole() {
    for backend in backends() {
        let d = desk(backend).await;
        let reason = "证".repeat(ombud_domain::MAX_MESSAGE_CHARS + 1);
        let form =
            [("step", "assess_in_scope"), ("reason", reason.as_str()), ("for_reporter", "We will look into it.")];
        let (status, page) = d.send("step", "zh-CN", &form).await;
        assert_eq!(status, 422);
        let shown = page.find("id=\"step-reason\"").map(|i| &page[i..(i + 400).min(page.len())]).unwrap_or("no field");
        assert!(page.contains(&reason), "every character comes back: {shown}");
        assert!(page.contains("<option value=\"assess_in_scope\" selected>"));
        assert!(page.contains("We will look into it."));
        problem_beside(&page, "step-reason");
        d.s.stop().await;
    }
}

#[tokio::test]
async fn a_step_the_case_does_not_allow_says_where_the_case_stands() {
    let d = desk(ombud_testkit::Backend::Sqlite).await;
    let form = [("step", "close"), ("reason", "Nothing more to do here."), ("for_reporter", "Your case is closed.")];
    for (lang, said) in [
        ("en", "This cannot be done while the case is “Acknowledged”."),
        ("zh-CN", "案件处于“已确认受理”状态时无法执行此操作。"),
    ] {
        let (status, page) = d.send("step", lang, &form).await;
        assert_eq!(status, 422, "{lang}");
        assert!(
            page.contains(said),
            "{lang}: why, beside the form: {}",
            page.find("step-").map(|i| &page[i..i + 600]).unwrap_or("")
        );
        assert!(page.contains("id=\"step-state-error\""), "{lang}");
        assert!(page.contains("Nothing more to do here.") && page.contains("Your case is closed."), "{lang}");
    }
    // The API says the same.
    let body = json!({"step": "close", "reason": "x", "for_reporter": "Your case is closed."});
    let (status, answer) = d.s.post_json(&format!("/api/v1/cases/{}/steps", d.id), &d.token, body).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (409, Some("invalid_transition")));
    assert_eq!(answer["error"]["message"], "This cannot be done while the case is “Acknowledged”.");
    // No step chosen: the form asks for one.
    let (status, page) = d.send("step", "en", &[("step", ""), ("reason", "Kept."), ("for_reporter", "")]).await;
    assert_eq!(status, 422);
    problem_beside(&page, "step-step");
    assert!(page.contains("Choose the step to take.") && page.contains("Kept."));
    d.s.stop().await;
}

#[tokio::test]
async fn a_proceeding_a_match_and_feedback_come_back_as_typed() {
    for backend in backends() {
        let d = desk(backend).await;
        let form = [("authority", "上海市公安局浦东分局"), ("reference", ""), ("date", "2026-13-40")];
        let (status, page) = d.send("proceedings", "zh-CN", &form).await;
        assert_eq!(status, 422);
        assert!(page.contains("上海市公安局浦东分局") && page.contains("value=\"2026-13-40\""));
        problem_beside(&page, "proceeding-reference");
        problem_beside(&page, "proceeding-date");

        // A pick that no longer names anyone (the directory changed meanwhile) is said beside the person.
        let form = [("employee_id", "E-NOBODY"), ("internal", "internal")];
        let (status, page) = d.send("people/0/match", "en", &form).await;
        assert_eq!(status, 422);
        assert!(page.contains("id=\"match-0-employee-id-error\""), "beside the person");
        assert!(page.contains("No one in the directory has this employee ID."));
        let (status, _) = d.send("people/0/match", "en", &[("internal", "")]).await;
        assert_eq!(status, 422, "inside or outside is a person's choice");

        let (status, page) = d.send("feedback", "en", &[("body", "   ")]).await;
        assert_eq!(status, 422);
        problem_beside(&page, "feedback-body");
        d.s.stop().await;
    }
}

/// A form's path, what is sent, and what the page then says in English and Chinese.
type Action<'a> = (String, Vec<(&'a str, &'a str)>, &'a str, &'a str);

#[tokio::test]
async fn every_action_says_what_it_did_at_the_top_of_the_page_it_returns_to() {
    let d = desk(ombud_testkit::Backend::Sqlite).await;
    let request = d.request(0);
    let deadline = d.deadline("request_answer");
    let until = (d.s.clock.now() + jiff::SignedDuration::from_hours(24 * 6))
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let actions: Vec<Action> = vec![
        (
            format!("deadlines/{deadline}/change"),
            vec![
                ("kind", "extension"),
                ("until", until.as_str()),
                ("justification", "The HR partner is away this week."),
                ("reason_for_reporter", "We need a few more days to answer you properly."),
            ],
            "The deadline was moved.",
            "期限已调整。",
        ),
        (
            format!("requests/{request}/answer"),
            vec![("outcome", "declined"), ("reason", "We cannot grant leave, but you may work from home.")],
            "Her request was answered.",
            "已答复她的请求。",
        ),
        (
            "proceedings".into(),
            vec![("authority", "Pudong police"), ("reference", "2026-118"), ("date", "")],
            "The proceeding was linked to the case.",
            "已将该程序关联到本案件。",
        ),
        (
            "feedback".into(),
            vec![("body", "We have spoken to two witnesses and go on.")],
            "Your feedback was sent.",
            "您的反馈已发送",
        ),
    ];
    for (path, form, en, zh) in actions {
        let url = d.s.url(&format!("/staff/cases/{}/{path}", d.id));
        let sent = d.browser.post(url).form(&form).send().await.expect("post");
        assert_eq!(sent.status(), 303, "{path}");
        let location = sent.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
        assert!(location.starts_with(&format!("/staff/cases/{}?done=", d.id)), "{path}: {location}");
        let page = d.page(&format!("{location}&lang=en")).await;
        assert!(page.contains("role=\"status\" id=\"done\"") && page.contains(en), "{path}: {location}");
        let page = d.page(&format!("{location}&lang=zh-CN")).await;
        assert!(page.contains(zh), "{path} in Chinese");
    }
    // A made-up notice shows nothing.
    let page = d.page(&format!("/staff/cases/{}?done=<script>", d.id)).await;
    assert!(!page.contains("id=\"done\"") && !page.contains("<script>"));
    d.s.stop().await;
}

#[tokio::test]
async fn a_named_person_is_matched_by_picking_from_the_directory_never_by_typing_an_id() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.ombud
            .import_directory(ombud_service::demo::SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine)
            .await
            .expect("directory");
        let pw = s.staff("h@example.org", Role::Handler).await;
        // "Zhou" alone fits one person; a witness, so the handler keeps the case.
        s.report(json!({"category": "other", "description": "Zhou saw it happen.",
            "people": [{"name": "小周", "role": "witness", "internal": true}]}))
            .await;
        let token = s.staff_token("h@example.org", &pw).await;
        let (_, list) = s.get_json("/api/v1/cases", &token).await;
        let id = list["cases"][0]["id"].as_str().expect("case").to_owned();
        let browser = s.staff_browser("h@example.org", &pw).await;
        let get = |q: String| {
            let url = s.url(&format!("/staff/cases/{id}?{q}"));
            let browser = browser.clone();
            async move { browser.get(url).send().await.expect("page").text().await.expect("html") }
        };
        let page = get("lang=en".into()).await;
        assert!(
            !page.contains("name=\"employee_id\" value=\"\"") && !page.contains("type=\"text\" id=\"match-0"),
            "no box for an id"
        );
        // Searched in characters, pinyin either way round, or by email: the same person to pick.
        for who in ["周敏", "Zhou%20Min", "Min%20Zhou", "zhou.min%40demo.ombud.example"] {
            let page = get(format!("lang=en&find=0&who={who}")).await;
            assert!(page.contains("value=\"E321\"") && page.contains("Zhou Min"), "{who}");
            assert!(page.contains("Found in the directory"), "{who}");
        }
        let page = get("lang=zh-CN&find=0&who=Nobody".into()).await;
        assert!(page.contains("目录中没有与“Nobody”相符的人"));
        // Picking is one click, and the page says who it now is.
        let picked = browser
            .post(s.url(&format!("/staff/cases/{id}/people/0/match")))
            .form(&[("employee_id", "E321"), ("internal", "internal")])
            .send()
            .await
            .expect("pick");
        assert_eq!(picked.status(), 303);
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &token).await;
        assert_eq!(case["people"][0]["matched"]["employee_id"], "E321");
        assert_eq!(case["people"][0]["how"], "handler");
        s.stop().await;
    }
}

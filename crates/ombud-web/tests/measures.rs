//! Interim measures as measures: which, for whom, from when, reviewed when;
//! changed and ended, each time with a reason for the record and a text for
//! her; the first meets the interim-measures deadline once; she sees what
//! protects her and never the internal reason.

use ombud_domain::Role;
use ombud_testkit::{TestServer, backends};
use serde_json::{Value, json};

fn measure(kinds: &[&str], reason: &str, for_her: &str) -> Value {
    json!({"measures": kinds, "for_whom": "孙浩 (the person accused)", "from": "2026-12-04",
        "review_by": "2027-01-04", "reason": reason, "for_reporter": for_her})
}

#[tokio::test]
async fn a_measure_is_decided_changed_and_ended_and_she_sees_what_protects_her() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let pw = s.staff("h@example.org", Role::Handler).await;
        let (_, receipt) = s
            .report(
                json!({"category": "sexual_assault", "description": "At the client dinner he followed me to my room."}),
            )
            .await;
        let h = s.staff_token("h@example.org", &pw).await;
        let id = s.get_json("/api/v1/cases", &h).await.1["cases"][0]["id"].as_str().expect("id").to_owned();
        let create = format!("/api/v1/cases/{id}/interim-measures");
        // Every problem at once, each by its field.
        let (status, body) =
            s.post_json(&create, &h, json!({"measures": [], "from": "soon", "review_by": "2026-01-01"})).await;
        assert_eq!(status, 422);
        let fields: Vec<&str> =
            body["error"]["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
        for f in ["measures", "for_whom", "from", "reason", "for_reporter"] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        let (status, body) = s
            .post_json(
                &create,
                &h,
                measure(&["other"], "The accused is his manager's peer.", "He will not be at work."),
            )
            .await;
        assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("other")), "other needs words");
        let reason = "INTERNAL-REASON he has approached her twice since the report.";
        let told = "From tomorrow he will not contact you and works from another office.";
        let (status, created) =
            s.post_json(&create, &h, measure(&["no_contact", "separate_workplaces"], reason, told)).await;
        assert_eq!(status, 201, "{created}");
        let measure_id = created["id"].as_str().expect("id").to_owned();
        // The interim-measures deadline is met once.
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &h).await;
        let interim = case["deadlines"]
            .as_array()
            .expect("deadlines")
            .iter()
            .find(|d| d["kind"] == "interim_measures")
            .expect("deadline")
            .clone();
        assert_eq!(interim["state"], "met");
        assert_eq!(case["interim_measures"][0]["measure"]["kinds"], json!(["no_contact", "separate_workplaces"]));
        // The old free-text step is gone.
        let (status, _) = s
            .post_json(&format!("/api/v1/cases/{id}/steps"), &h, json!({"step": "interim_measures", "reason": "x"}))
            .await;
        assert_eq!(status, 409);
        // Changed, then ended: each with its reason and text for her.
        let change = format!("/api/v1/cases/{id}/interim-measures/{measure_id}");
        let mut changed = measure(
            &["no_contact", "leave_or_reassignment"],
            "He refused the other office.",
            "He is on paid leave until the investigation ends.",
        );
        changed["action"] = json!("change");
        assert_eq!(s.post_json(&change, &h, changed).await.0, 200);
        let end = json!({"action": "end", "reason": "Investigation closed; he left the company.", "for_reporter": "The measure ended because he no longer works here."});
        assert_eq!(s.post_json(&change, &h, end.clone()).await.0, 200);
        let (status, body) = s.post_json(&change, &h, end).await;
        assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("measure-ended")));
        // She sees the measure and every text for her; never the internal reason or who.
        let reporter = s.reporter_token(&receipt).await;
        let (_, mine) = s.get_json("/api/v1/reporter/case", &reporter).await;
        let theirs = &mine["interim_measures"][0];
        assert_eq!(theirs["measure"]["kinds"], json!(["no_contact", "leave_or_reassignment"]));
        let changes = theirs["changes"].as_array().expect("changes");
        assert_eq!(changes.len(), 3);
        assert_eq!(changes[0]["for_reporter"], told);
        assert!(changes.iter().all(|c| c["reason"].is_null() && c["by"].is_null()));
        assert!(!mine.to_string().contains("INTERNAL-REASON"));
        for (lang, heading, kind) in [
            ("en", "What was put in place to protect you", "No contact with her"),
            ("zh-CN", "为保护您而采取的措施", "不得与她接触"),
        ] {
            let browser = s.browser();
            let signed = browser
                .post(s.url(&format!("/follow-up?lang={lang}")))
                .form(&[("receipt", receipt.as_str())])
                .send()
                .await
                .expect("sign in");
            assert_eq!(signed.status(), 303);
            let page = browser
                .get(s.url(&format!("/follow-up?lang={lang}")))
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("html");
            assert!(page.contains(heading) && page.contains(kind) && page.contains(told), "{lang}");
            assert!(!page.contains("INTERNAL-REASON"), "{lang}");
        }
        s.stop().await;
    }
}

#[tokio::test]
async fn the_measure_form_keeps_every_choice_and_word_when_refused() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let pw = s.staff("h@example.org", Role::Handler).await;
    s.report(json!({"category": "sexual_assault", "description": "He followed me."})).await;
    let h = s.staff_token("h@example.org", &pw).await;
    let id = s.get_json("/api/v1/cases", &h).await.1["cases"][0]["id"].as_str().expect("id").to_owned();
    let browser = s.staff_browser("h@example.org", &pw).await;
    let form = [
        ("measures", "no_contact"),
        ("measures", "no_joint_travel"),
        ("for_whom", "孙浩"),
        ("from", "2026-12-10"),
        ("review_by", "2026-12-01"),
        ("reason", "He asked to travel with her next week."),
        ("for_reporter", ""),
    ];
    let sent = browser
        .post(s.url(&format!("/staff/cases/{id}/interim-measures?lang=zh-CN")))
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(sent.status(), 422);
    let page = sent.text().await.expect("html");
    assert!(page.contains("value=\"no_contact\" checked>") && page.contains("value=\"no_joint_travel\" checked>"));
    assert!(!page.contains("value=\"other\" checked>"));
    assert!(page.contains("value=\"孙浩\"") && page.contains("He asked to travel with her next week."));
    assert!(page.contains("id=\"measure-new-review-by-error\"") && page.contains("复核日期不能早于措施开始日期"));
    assert!(page.contains("id=\"measure-new-for-reporter-error\""));
    let mut fixed = form.to_vec();
    fixed[4] = ("review_by", "2027-01-10");
    fixed[6] = ("for_reporter", "He may not travel with you while the case is handled.");
    let sent =
        browser.post(s.url(&format!("/staff/cases/{id}/interim-measures"))).form(&fixed).send().await.expect("post");
    assert_eq!(sent.status(), 303);
    let page = s.page(&format!("/staff/cases/{id}?lang=en&done=measure-decided"), &h).await;
    assert!(page.contains("The interim measure was decided") && page.contains("No travel together"));
    s.stop().await;
}

fn review_deadlines(case: &Value) -> Vec<(String, String)> {
    case["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .filter(|d| d["kind"] == "measure_review")
        .map(|d| (d["due"].as_str().unwrap_or_default().to_owned(), d["state"].as_str().unwrap_or_default().to_owned()))
        .collect()
}

#[tokio::test]
async fn a_review_date_is_reminded_escalated_and_met_by_reviewing_the_measure() {
    use jiff::SignedDuration;
    use ombud_domain::{Clock, DeadlineKind};
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let pw = s.staff("h@example.org", Role::Handler).await;
        s.staff("o@example.org", Role::Oversight).await;
        let (case_ref, receipt) =
            s.report(json!({"category": "sexual_harassment", "description": "He keeps waiting by my desk."})).await;
        let h = s.staff_token("h@example.org", &pw).await;
        let id = s.get_json("/api/v1/cases", &h).await.1["cases"][0]["id"].as_str().expect("id").to_owned();
        let create = format!("/api/v1/cases/{id}/interim-measures");
        // A review day already past is refused, beside the review date.
        let mut past = measure(&["no_contact"], "He approached her twice.", "He may not contact you.");
        past["from"] = json!("2026-10-01");
        past["review_by"] = json!("2026-11-01");
        let (status, body) = s.post_json(&create, &h, past).await;
        assert_eq!(
            (status, body["error"]["fields"][0]["field"].as_str(), body["error"]["fields"][0]["code"].as_str()),
            (422, Some("review_by"), Some("review-in-past"))
        );
        // Reviewed by 4 January: a deadline at the end of that day, for staff only.
        let decided = measure(&["no_contact"], "He approached her twice.", "He may not contact you.");
        let (status, created) = s.post_json(&create, &h, decided).await;
        assert_eq!(status, 201, "{created}");
        let measure_id = created["id"].as_str().expect("id").to_owned();
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &h).await;
        let reviews = review_deadlines(&case);
        assert_eq!(reviews.len(), 1, "{reviews:?}");
        assert!(reviews[0].0.starts_with("2027-01-04") || reviews[0].0.starts_with("2027-01-05"), "{reviews:?}");
        let (_, hers) = s.get_json("/api/v1/reporter/case", &s.reporter_token(&receipt).await).await;
        assert!(review_deadlines(&hers).is_empty(), "she reads the review date on the measure, not as a deadline");
        // It moves only with its measure.
        let review_id = case["deadlines"]
            .as_array()
            .expect("deadlines")
            .iter()
            .find(|d| d["kind"] == "measure_review")
            .and_then(|d| d["id"].as_str())
            .expect("id")
            .to_owned();
        let moved = json!({"kind": "extension", "until": "2027-03-01T00:00:00Z",
            "justification": "The team is busy this month.", "for_reporter": "We need a little longer."});
        let (status, body) = s.post_json(&format!("/api/v1/cases/{id}/deadlines/{review_id}/change"), &h, moved).await;
        assert_eq!((status, body["error"]["fields"][0]["code"].as_str()), (422, Some("review-moves-with-measure")));

        // Two days before, the handler is reminded; once it passed unreviewed, oversight hears of it.
        s.clock.set("2027-01-03T12:00:00Z".parse().expect("time"));
        let swept = s.ombud.sweep(s.clock.now()).await.expect("sweep");
        assert!(swept.reminded.iter().any(|(r, k, _)| r == &case_ref && *k == DeadlineKind::MeasureReview), "reminded");
        s.clock.advance(SignedDuration::from_hours(48));
        let swept = s.ombud.sweep(s.clock.now()).await.expect("sweep");
        assert!(
            swept.escalated.iter().any(|(r, k, _)| r == &case_ref && *k == DeadlineKind::MeasureReview),
            "escalated"
        );

        // Reviewed: changed with a new review date. The missed one is met now, the new one open.
        let change = format!("/api/v1/cases/{id}/interim-measures/{measure_id}");
        let mut changed = measure(&["no_contact"], "Reviewed with HR: still needed.", "The measure stays in place.");
        changed["action"] = json!("change");
        changed["review_by"] = json!("2027-02-05");
        assert_eq!(s.post_json(&change, &h, changed).await.0, 200);
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &h).await;
        let reviews = review_deadlines(&case);
        assert_eq!(reviews.len(), 2, "{reviews:?}");
        assert_eq!(reviews.iter().filter(|(_, st)| st == "met").count(), 1, "{reviews:?}");
        assert!(reviews.iter().any(|(due, st)| st != "met" && due.starts_with("2027-02-0")), "{reviews:?}");
        // Ended: nothing is left to review.
        let end = json!({"action": "end", "reason": "He left the company.", "for_reporter": "The measure ended: he no longer works here."});
        assert_eq!(s.post_json(&change, &h, end).await.0, 200);
        let (_, case) = s.get_json(&format!("/api/v1/cases/{id}"), &h).await;
        assert!(review_deadlines(&case).iter().all(|(_, st)| st == "met"), "{:?}", review_deadlines(&case));
        s.stop().await;
    }
}

//! The organisation recovery key through the real server, on SQLite and
//! PostgreSQL: oversight enables it (the administrator cannot), a case whose
//! only reader was reset stays closed after one approval and opens to her
//! again after two of three, and never to the members who approved; a
//! holder who leaves is told to oversight, and the rotation that follows
//! locks every case to a new key; nothing of the key is ever on disk.

use ombud_domain::Role;
use ombud_testkit::{Backend, SmtpSink, TestServer, backends};
use ombud_web::NoticeTexts;
use serde_json::{Value, json};

const SENTINEL: &str = "SNTL-RECOVERY-7d1e 恢复哨兵";

struct Team {
    admin: String,
    handler: String,
    handler_id: String,
    /// Oversight members' tokens and ids.
    members: Vec<(String, String)>,
}

async fn team(s: &TestServer) -> Team {
    let admin_pw = s.staff("admin@example.org", Role::Admin).await;
    let h_pw = s.staff("h@example.org", Role::Handler).await;
    let mut members = Vec::new();
    for n in 1..=3 {
        let email = format!("o{n}@example.org");
        let pw = s.staff(&email, Role::Oversight).await;
        let id = s.ombud.operator().staff_by_email(&email).await.expect("member").id.to_string();
        members.push((s.staff_token(&email, &pw).await, id));
    }
    Team {
        admin: s.staff_token("admin@example.org", &admin_pw).await,
        handler: s.staff_token("h@example.org", &h_pw).await,
        handler_id: s.ombud.operator().staff_by_email("h@example.org").await.expect("h").id.to_string(),
        members,
    }
}

fn ids(team: &Team) -> Vec<String> {
    team.members.iter().map(|(_, id)| id.clone()).collect()
}

async fn case_id(s: &TestServer, token: &str, case_ref: &str) -> String {
    let (_, list) = s.get_json("/api/v1/cases", token).await;
    let cases = list["cases"].as_array().expect("cases");
    cases.iter().find(|c| c["case_ref"] == case_ref).map(|c| c["id"].as_str().expect("id").to_owned()).expect("listed")
}

/// Resets her account and chooses a new password from the link: her new session.
async fn reset_and_rejoin(s: &TestServer, team: &Team) -> String {
    let (status, _) =
        s.post_json(&format!("/api/v1/admin/staff/{}/reset", team.handler_id), &team.admin, json!({})).await;
    assert_eq!(status, 200);
    let sink = SmtpSink::start().await;
    let mails = deliver(s, &sink).await;
    let body = &mails.iter().find(|m| m.subject == "Ombud: choose a new password").expect("her link").body;
    let at = body.find("/staff/welcome/").expect("a link") + "/staff/welcome/".len();
    let token: String = body[at..].chars().take_while(|c| c.is_ascii_hexdigit() || *c == '.').collect();
    let (status, joined) =
        s.post_json("/api/v1/staff/welcome", "", json!({"token": token, "password": "a brand new password"})).await;
    assert_eq!(status, 200, "{joined}");
    joined["token"].as_str().expect("token").to_owned()
}

/// Sends the outbox to a real SMTP server on loopback; the mails sent.
async fn deliver(s: &TestServer, sink: &SmtpSink) -> Vec<ombud_testkit::Mail> {
    let mailer = ombud_service::SmtpMailer::new(&sink.url(), "ombud@example.org").expect("mailer");
    s.ombud.deliver_outbox(&mailer, &NoticeTexts, "http://ombud.test").await.expect("deliver");
    sink.messages()
}

fn kinds(log: &Value) -> Vec<String> {
    log["entries"].as_array().expect("log").iter().filter_map(|e| e["kind"].as_str().map(str::to_owned)).collect()
}

/// Whether any 32 bytes of the instance's files are the private half of this
/// public key.
fn key_on_disk(s: &TestServer, public: &[u8]) -> bool {
    let mut candidates = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(s.data.path()).expect("data") {
        let bytes = std::fs::read(entry.expect("file").path()).expect("read");
        // A reduced scalar's last byte is at most 0x10, and random bytes are
        // seldom zero: only such windows are tried, each once.
        for window in bytes.windows(32).filter(|w| w[31] <= 0x10 && w.iter().filter(|b| **b == 0).count() <= 4) {
            candidates.insert(<[u8; 32]>::try_from(window).expect("32 bytes"));
        }
    }
    candidates.iter().any(|c| ombud_crypto::RecoverySecret::from_bytes(c).is_some_and(|k| k.public_key() == public))
}

#[tokio::test]
async fn a_case_whose_only_reader_was_reset_opens_to_her_after_two_of_three_approvals_and_not_after_one() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let team = team(&s).await;
        let (o1, o2, o3) = (&team.members[0].0, &team.members[1].0, &team.members[2].0);

        // Until it is enabled, the administrator is warned; he cannot enable it.
        let (status, state) = s.get_json("/api/v1/recovery", &team.admin).await;
        assert_eq!((status, state["enabled"].as_bool()), (200, Some(false)), "{state}");
        assert!(state["warnings"].to_string().contains("not-enabled"));
        let enable = json!({"kind": "enable", "holders": ids(&team)});
        assert_eq!(s.post_json("/api/v1/recovery/operations", &team.admin, enable.clone()).await.0, 403);
        assert_eq!(s.post_json("/api/v1/recovery/operations", &team.handler, enable.clone()).await.0, 403);
        let one = json!({"kind": "enable", "holders": [team.members[0].1]});
        let (status, refused) = s.post_json("/api/v1/recovery/operations", o1, one).await;
        assert_eq!((status, refused["error"]["fields"][0]["field"].as_str()), (422, Some("holders")), "{refused}");
        let with_handler = json!({"kind": "enable", "holders": [team.members[0].1, team.handler_id]});
        assert_eq!(s.post_json("/api/v1/recovery/operations", o1, with_handler).await.0, 422, "holders are oversight");

        let (status, enabled) = s.post_json("/api/v1/recovery/operations", o1, enable.clone()).await;
        assert_eq!(status, 200, "{enabled}");
        assert_eq!(
            (enabled["state"]["enabled"].as_bool(), enabled["state"]["threshold"].as_u64()),
            (Some(true), Some(2))
        );
        assert_eq!(enabled["state"]["holders"].as_array().map(Vec::len), Some(3));
        assert_eq!(s.post_json("/api/v1/recovery/operations", o2, enable).await.0, 422, "enabled once");

        // A case read by the handler alone: every member has stepped aside.
        let (case_ref, _) = s.report(json!({"category": "other", "description": SENTINEL})).await;
        let id = case_id(&s, &team.handler, &case_ref).await;
        for (member, _) in &team.members {
            assert_eq!(s.post_json(&format!("/api/v1/cases/{id}/recuse"), member, json!({})).await.0, 200);
        }
        assert_eq!(s.get_json("/api/v1/recovery", o1).await.1["cases_pending"], 0, "locked to the key at intake");

        let handler = reset_and_rejoin(&s, &team).await;
        assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &handler).await.0, 409, "nobody can give it to her");

        let (status, asked) =
            s.post_json("/api/v1/recovery/operations", o1, json!({"kind": "recover", "case": id})).await;
        assert_eq!(status, 200, "{asked}");
        let operation = asked["operation"].as_str().expect("an operation waits").to_owned();
        let (status, twice) =
            s.post_json("/api/v1/recovery/operations", o2, json!({"kind": "recover", "case": id})).await;
        assert_eq!((status, twice["error"]["fields"][0]["field"].as_str()), (422, Some("case")), "asked once: {twice}");
        let approve = format!("/api/v1/recovery/operations/{operation}/approve");
        assert_eq!(s.post_json(&approve, &team.admin, json!({})).await.0, 403, "the administrator holds nothing");

        let (status, after_one) = s.post_json(&approve, o2, json!({})).await;
        assert_eq!(status, 200, "{after_one}");
        assert_eq!(s.post_json(&approve, o2, json!({})).await.0, 200, "approving twice changes nothing");
        let (_, state) = s.get_json("/api/v1/recovery", o1).await;
        assert_eq!(state["operations"][0]["approvals"].as_array().map(Vec::len), Some(1), "{state}");
        assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &handler).await.0, 409, "one approval opens nothing");

        assert_eq!(s.post_json(&approve, o3, json!({})).await.0, 200);
        assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), &handler).await.0, 409, "until its initiator's request");
        let (_, state) = s.get_json("/api/v1/recovery", o1).await;
        assert_eq!(state["operations"].as_array().map(Vec::len), Some(0), "completed and deleted: {state}");
        let (status, case) = s.get_json(&format!("/api/v1/cases/{id}"), &handler).await;
        assert_eq!(status, 200, "readable with her new key: {case}");
        assert!(case.to_string().contains(SENTINEL));
        for (member, _) in &team.members {
            assert_eq!(s.get_json(&format!("/api/v1/cases/{id}"), member).await.0, 404, "never to an approver");
        }

        let (_, log) = s.get_json("/api/v1/oversight/admin-log", o2).await;
        let kinds = kinds(&log);
        for kind in ["recovery_enabled", "recovery_asked", "recovery_approved", "recovery_done"] {
            assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
        }
        assert_eq!(kinds.iter().filter(|k| *k == "recovery_approved").count(), 2);

        // The members were told an operation waits, without a word of it.
        let mails = deliver(&s, &SmtpSink::start().await).await;
        let waiting: Vec<_> = mails.iter().filter(|m| m.subject.contains("waits for your approval")).collect();
        assert_eq!(
            waiting.len(),
            2,
            "the two other members: {:?}",
            mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
        );
        assert!(waiting.iter().all(|m| !m.raw.contains(&case_ref) && !m.raw.contains(SENTINEL)), "no content");

        if backend == Backend::Sqlite {
            let public = s.ombud.store().recovery_keys().await.expect("keys")[0].public_key.clone();
            assert!(!key_on_disk(&s, &public), "the recovery key is nowhere on disk");
            for file in std::fs::read_dir(s.data.path()).expect("data") {
                let bytes = std::fs::read(file.expect("file").path()).expect("read");
                assert!(!bytes.windows(SENTINEL.len()).any(|w| w == SENTINEL.as_bytes()), "sealed at rest");
            }
        }
        s.stop().await;
    }
}

#[tokio::test]
async fn a_holder_who_leaves_is_told_to_oversight_and_the_rotation_locks_every_case_to_a_new_key() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let team = team(&s).await;
        let (o1, o2) = (&team.members[0].0, &team.members[1].0);
        // Cases from before recovery, which the member who enables it has
        // stepped aside from: their other readers lock them as they work.
        let (first, _) = s.report(json!({"category": "other", "description": "before"})).await;
        let (second, _) = s.report(json!({"category": "other", "description": "also before"})).await;
        for case_ref in [&first, &second] {
            let id = case_id(&s, o1, case_ref).await;
            assert_eq!(s.post_json(&format!("/api/v1/cases/{id}/recuse"), o1, json!({})).await.0, 200);
        }
        let enable = json!({"kind": "enable", "holders": ids(&team)});
        assert_eq!(s.post_json("/api/v1/recovery/operations", o1, enable).await.0, 200);
        let (_, state) = s.get_json("/api/v1/recovery", o1).await;
        assert_eq!(state["cases_pending"], 2, "{state}");
        let first_id = case_id(&s, &team.handler, &first).await;
        assert_eq!(s.get_json(&format!("/api/v1/cases/{first_id}"), &team.handler).await.0, 200);
        assert_eq!(s.get_json("/api/v1/recovery", o1).await.1["cases_pending"], 1, "opening it locked it");
        // A sign-in completes the rest in the background.
        s.staff_token("h@example.org", "pw-h@example.org-long-enough").await;
        let mut pending = 1;
        for _ in 0..50 {
            pending = s.get_json("/api/v1/recovery", o1).await.1["cases_pending"].as_u64().expect("count");
            if pending == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(pending, 0, "{second} locked by her session's batch");

        // The third holder is disabled: oversight is told, and warned.
        let third = &team.members[2].1;
        assert_eq!(s.post_json(&format!("/api/v1/admin/staff/{third}/disable"), &team.admin, json!({})).await.0, 200);
        let (_, state) = s.get_json("/api/v1/recovery", o1).await;
        let warnings = state["warnings"].to_string();
        assert!(warnings.contains("holder-unusable") && warnings.contains("holders-at-threshold"), "{state}");
        let told = deliver(&s, &SmtpSink::start().await)
            .await
            .iter()
            .filter(|m| m.subject.contains("holders of the recovery key"))
            .count();
        assert_eq!(told, 2, "the two members who remain");

        // Re-splitting without her becomes a rotation: her old share must open nothing.
        let holders = json!([team.members[0].1, team.members[1].1]);
        let (status, asked) =
            s.post_json("/api/v1/recovery/operations", o2, json!({"kind": "resplit", "holders": holders})).await;
        assert_eq!(status, 200, "{asked}");
        assert_eq!(asked["state"]["operations"][0]["kind"], "rotate");
        let operation = asked["operation"].as_str().expect("op");
        let old_key = s.ombud.store().recovery_keys().await.expect("keys")[0].id;
        let (status, _) = s.post_json("/api/v1/recovery/operations", o1, json!({"kind": "recover"})).await;
        assert_eq!(status, 200, "every case where a reader waits, asked on the old key");
        for member in [o1, o2] {
            let (status, body) =
                s.post_json(&format!("/api/v1/recovery/operations/{operation}/approve"), member, json!({})).await;
            assert_eq!(status, 200, "{body}");
        }
        let (_, state) = s.get_json("/api/v1/recovery", o2).await;
        assert_eq!(state["operations"].as_array().map(Vec::len), Some(0), "{state}");
        assert_eq!((state["cases_pending"].as_u64(), state["cases_not_rotated"].as_u64()), (Some(0), Some(0)));
        assert_eq!(state["holders"].as_array().map(Vec::len), Some(2));
        let keys = s.ombud.store().recovery_keys().await.expect("keys");
        assert_eq!(keys.len(), 1, "the old key and its shares are gone");
        assert_ne!(keys[0].id, old_key);
        // A rotation leaves nothing waiting on the old key; the two holders
        // left are all the key needs, and one fewer can recover nothing.
        let second = &team.members[1].1;
        assert_eq!(s.post_json(&format!("/api/v1/admin/staff/{second}/disable"), &team.admin, json!({})).await.0, 200);
        let (_, state) = s.get_json("/api/v1/recovery", o1).await;
        assert!(state["warnings"].to_string().contains("holders-below-threshold"), "{state}");
        let (status, refused) = s.post_json("/api/v1/recovery/operations", o1, json!({"kind": "recover"})).await;
        assert_eq!(status, 422, "it could never complete: {refused}");
        assert!(s.page("/admin/staff", &team.admin).await.contains("no case can be recovered now"), "he is told");
        s.stop().await;
    }
}

#[tokio::test]
async fn the_recovery_page_enables_it_in_her_language_and_keeps_what_she_chose_when_refused() {
    let s = TestServer::start(Backend::Sqlite).await;
    let team = team(&s).await;
    let admin_page = s.page("/admin/staff", &team.admin).await;
    assert!(admin_page.contains("class=\"notice warning recovery-warning\""), "the administrator is warned");
    let page = s.page("/oversight/recovery?lang=zh-CN", &team.members[0].0).await;
    assert!(page.contains("启用恢复") && page.contains("尚未启用恢复"), "{page}");
    assert!(!page.contains(" checked"), "no holder is chosen for her");

    let browser = s.staff_browser("o1@example.org", "pw-o1@example.org-long-enough").await;
    let one = team.members[1].1.clone();
    let refused = browser
        .post(s.url("/oversight/recovery"))
        .form(&[("kind", "enable"), ("holders", one.as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(html.contains("Choose at least as many holders"), "{html}");
    assert!(html.contains(&format!("value=\"{one}\" checked")), "her choice kept");

    let mut form: Vec<(&str, &str)> = vec![("kind", "enable")];
    for (_, id) in &team.members {
        form.push(("holders", id.as_str()));
    }
    let done = browser.post(s.url("/oversight/recovery")).form(&form).send().await.expect("send");
    assert_eq!(done.status(), 303);
    let target = done.headers()["location"].to_str().expect("location").to_owned();
    let page = browser.get(s.url(&target)).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("Recovery is enabled") && page.contains("id=\"threshold\">2 / 3"), "{page}");
    let (case_ref, _) = s.report(json!({"category": "other", "description": "typed as people type"})).await;
    let full_width: String = case_ref.chars().map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c)).collect();
    let lower = case_ref.trim_start_matches("OMB-").replace('-', " ").to_lowercase();
    for (typed, every) in [(lower.as_str(), ""), (full_width.as_str(), "")] {
        let asked = browser
            .post(s.url("/oversight/recovery"))
            .form(&[("kind", "recover"), ("reference", &format!("{typed} ")), ("every", every)])
            .send()
            .await
            .expect("send");
        let status = asked.status();
        let html = asked.text().await.unwrap_or_default();
        if typed == lower {
            assert_eq!(status, 303, "{typed:?} is the reference: {html}");
        } else {
            assert!(html.contains("already waits for approvals"), "{typed:?} is the same reference: {html}");
        }
    }
    let both = browser
        .post(s.url("/oversight/recovery"))
        .form(&[("kind", "recover"), ("reference", case_ref.as_str()), ("every", "yes")])
        .send()
        .await
        .expect("send");
    assert!(both.text().await.expect("html").contains("not both"), "one choice, made by her");
    assert!(!s.page("/admin/staff", &team.admin).await.contains("class=\"notice warning recovery-warning\""));
    s.stop().await;
}

//! Content-free email through a real SMTP server on loopback: in the
//! recipient's language, delayed but never lost by an outage, and sent once
//! even by two instances sharing one database.

use jiff::SignedDuration;
use ombud_domain::{Clock, DeadlineKind, Role};
use ombud_service::SmtpMailer;
use ombud_testkit::{Backend, SmtpSink, TestServer, backends};
use ombud_web::NoticeTexts;
use serde_json::{Value, json};

const SENTINEL: &str = "SNTL-MAIL-7c1d 哨兵邮件";
const PUBLIC: &str = "http://ombud.test";
const SIGN_IN: &str = "http://ombud.test/staff/sign-in";

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

#[tokio::test]
async fn oversight_gets_one_content_free_email_in_her_language_when_a_case_escalates() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.staff("h@example.org", Role::Handler).await;
        s.staff("o@example.org", Role::Oversight).await;
        s.ombud.set_staff_language("o@example.org", "zh-CN").await.expect("lang");
        let (case_ref, _) = s.report(json!({"category": "retaliation", "description": SENTINEL})).await;
        let sink = SmtpSink::start().await;
        let mailer = SmtpMailer::new(&sink.url(), "ombud@example.org").expect("mailer");

        s.clock.advance(days(8));
        assert_eq!(s.ombud.sweep(s.clock.now()).await.expect("sweep").escalated.len(), 1);
        let sent = s.ombud.deliver_outbox(&mailer, &NoticeTexts, PUBLIC).await.expect("deliver");
        assert_eq!((sent.sent, sent.failed), (1, 0));
        let mail = sink.messages();
        assert_eq!(mail.len(), 1, "one notice, to the committee only");
        assert!(mail[0].to.contains("o@example.org"));
        assert_eq!(mail[0].subject, "Ombud：有事项需要您处理");
        assert!(mail[0].body.contains(SIGN_IN) && mail[0].body.contains("本邮件有意不提及任何相关内容"));
        for secret in [SENTINEL, "SNTL-MAIL", case_ref.as_str(), "retaliation"] {
            assert!(!mail[0].raw.contains(secret), "the notice carries no content ({secret})");
        }
        assert_eq!(s.ombud.deliver_outbox(&mailer, &NoticeTexts, PUBLIC).await.expect("again").sent, 0, "sent once");
        s.stop().await;
    }
}

#[tokio::test]
async fn handlers_are_reminded_two_days_before_a_deadline() {
    let s = TestServer::start(Backend::Sqlite).await;
    s.staff("h@example.org", Role::Handler).await;
    s.staff("o@example.org", Role::Oversight).await;
    s.report(json!({"category": "other", "description": "x"})).await;
    let sink = SmtpSink::start().await;
    let mailer = SmtpMailer::new(&sink.url(), "ombud@example.org").expect("mailer");
    s.clock.advance(days(4));
    assert!(s.ombud.sweep(s.clock.now()).await.expect("sweep").reminded.is_empty(), "three days left: not yet");
    s.clock.advance(days(1) + SignedDuration::from_hours(1));
    let swept = s.ombud.sweep(s.clock.now()).await.expect("sweep");
    assert_eq!(swept.reminded.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(), ["acknowledge"]);
    assert!(s.ombud.sweep(s.clock.now()).await.expect("sweep").reminded.is_empty(), "reminded once");
    s.ombud.deliver_outbox(&mailer, &NoticeTexts, PUBLIC).await.expect("deliver");
    let mail = sink.messages();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].to.contains("h@example.org"));
    assert_eq!(mail[0].subject, "Ombud: something needs your attention");
    s.stop().await;
}

#[tokio::test]
async fn an_smtp_outage_delays_but_does_not_lose_a_notification() {
    let s = TestServer::start(Backend::Sqlite).await;
    s.staff("o@example.org", Role::Oversight).await;
    s.report(json!({"category": "other", "description": "x"})).await;
    let mut sink = SmtpSink::start().await;
    let mailer = SmtpMailer::new(&sink.url(), "ombud@example.org").expect("mailer");
    s.clock.advance(days(8));
    s.ombud.sweep(s.clock.now()).await.expect("sweep");

    sink.stop();
    let down = s.ombud.deliver_outbox(&mailer, &NoticeTexts, PUBLIC).await.expect("deliver");
    assert_eq!((down.sent, down.failed), (0, 1));
    assert_eq!(s.ombud.outbox_unsent().await.expect("unsent"), 1, "kept for later");

    sink.restart().await;
    assert_eq!(
        s.ombud.deliver_outbox(&mailer, &NoticeTexts, PUBLIC).await.expect("deliver").sent,
        0,
        "waits for its backoff"
    );
    s.clock.advance(SignedDuration::from_secs(61));
    assert_eq!(s.ombud.deliver_outbox(&mailer, &NoticeTexts, PUBLIC).await.expect("deliver").sent, 1);
    assert_eq!(s.ombud.outbox_unsent().await.expect("unsent"), 0);
    assert_eq!(sink.messages().len(), 1, "delivered exactly once");
    s.stop().await;
}

#[tokio::test]
async fn two_job_loops_on_one_postgres_database_send_each_notification_once() {
    if !backends().contains(&Backend::Postgres) {
        eprintln!("skipped: OMBUD_TEST_POSTGRES_URL is not set");
        return;
    }
    let s = TestServer::start(Backend::Postgres).await;
    for i in 0..3 {
        s.staff(&format!("o{i}@example.org"), Role::Oversight).await;
    }
    for i in 0..8 {
        s.report(json!({"category": "other", "description": format!("case {i}")})).await;
    }
    let other = s.another_instance().await;
    let sink = SmtpSink::start().await;
    let mailer = SmtpMailer::new(&sink.url(), "ombud@example.org").expect("mailer");
    s.clock.advance(days(8));
    let now = s.clock.now();
    let (a, b) = tokio::join!(
        async {
            let swept = s.ombud.sweep(now).await.expect("sweep");
            let sent = s.ombud.deliver_outbox(&mailer, &NoticeTexts, PUBLIC).await.expect("deliver");
            (swept.escalated.len(), sent.sent)
        },
        async {
            let swept = other.sweep(now).await.expect("sweep");
            let sent = other.deliver_outbox(&mailer, &NoticeTexts, PUBLIC).await.expect("deliver");
            (swept.escalated.len(), sent.sent)
        }
    );
    assert_eq!(a.0 + b.0, 8, "each case escalated by exactly one of the two");
    assert_eq!(a.1 + b.1, 24, "8 cases × 3 committee members");
    assert_eq!(sink.messages().len(), 24, "and no message twice");
    assert_eq!(s.ombud.outbox_unsent().await.expect("unsent"), 0);
    s.stop().await;
}

#[tokio::test]
async fn a_restricted_case_reminds_and_escalates_to_oversight_only_and_she_sees_nothing_of_it() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        s.ombud
            .import_directory(ombud_service::demo::SAMPLE_DIRECTORY, ombud_service::ChangeSource::CommandLine)
            .await
            .expect("directory");
        s.staff("handler@demo.ombud.example", Role::Handler).await;
        s.staff("o@example.org", Role::Oversight).await;
        let unknown = json!({"category": "sexual_harassment", "description": SENTINEL,
            "people": [{"name": "钱多多", "role": "accused"}]});
        let (restricted_ref, receipt) = s.report(unknown).await;
        let (_, ordinary_receipt) = s.report(json!({"category": "sexual_harassment", "description": "x"})).await;
        // Her case reads like any other: no routing deadline, no word of a match.
        let kinds = |case: &Value| -> Vec<String> {
            case["deadlines"].as_array().expect("deadlines").iter().map(|d| d["kind"].to_string()).collect()
        };
        let (_, hers) = s.get_json("/api/v1/reporter/case", &s.reporter_token(&receipt).await).await;
        let (_, other) = s.get_json("/api/v1/reporter/case", &s.reporter_token(&ordinary_receipt).await).await;
        assert_eq!(kinds(&hers), kinds(&other));
        assert!(!hers.to_string().contains("routing") && !hers.to_string().contains("unmatched"), "{hers}");

        let sink = SmtpSink::start().await;
        let mailer = SmtpMailer::new(&sink.url(), "ombud@example.org").expect("mailer");
        // The 24-hour routing deadline is within the reminder window at once.
        let swept = s.ombud.sweep(s.clock.now()).await.expect("sweep");
        assert!(swept.reminded.iter().any(|(r, kind, _)| r == &restricted_ref && *kind == DeadlineKind::Routing));
        s.clock.advance(SignedDuration::from_hours(25));
        let swept = s.ombud.sweep(s.clock.now()).await.expect("sweep");
        assert!(swept.escalated.iter().any(|(r, kind, _)| r == &restricted_ref && *kind == DeadlineKind::Routing));
        s.ombud.deliver_outbox(&mailer, &NoticeTexts, PUBLIC).await.expect("deliver");
        let mail = sink.messages();
        assert!(mail.len() >= 2, "a reminder and an escalation: {}", mail.len());
        for m in &mail {
            assert!(m.to.contains("o@example.org"), "only oversight reads a restricted case, so only it is told");
            assert!(!m.raw.contains(SENTINEL) && !m.raw.contains(&restricted_ref), "no content");
        }
        s.stop().await;
    }
}

/// A mail server as companies run them (Microsoft 365 style): TLS from the
/// first byte or STARTTLS required, a login, and a certificate that must
/// verify. A notice that cannot go out waits, and goes once it can.
#[tokio::test]
async fn mail_goes_through_a_company_server_over_tls_with_a_login_and_a_verified_certificate() {
    use ombud_service::SmtpSettings;
    use ombud_testkit::{TlsMode, TlsSmtp};
    for mode in [TlsMode::Implicit, TlsMode::StartTls] {
        let server = TlsSmtp::start(mode).await;
        let s = TestServer::start(Backend::Sqlite).await;
        s.staff("h@example.org", Role::Handler).await;
        s.staff("o@example.org", Role::Oversight).await;
        s.report(json!({"category": "retaliation", "description": SENTINEL})).await;
        s.clock.advance(days(8));
        assert_eq!(s.ombud.sweep(s.clock.now()).await.expect("sweep").escalated.len(), 1);
        let settings = SmtpSettings {
            url: server.url(),
            from: "ombud@corp.example".into(),
            username: Some(server.user.clone()),
            password: Some(server.password.clone()),
            ..SmtpSettings::default()
        };
        // Its certificate is from a CA no public root knows: refused, not sent blind.
        let refused = attempt(&s, &settings).await;
        assert_eq!((refused.sent, refused.failed), (0, 1), "{mode:?}: an unverified certificate is refused");
        // A wrong password is refused by the server.
        let wrong =
            SmtpSettings { password: Some("wrong".into()), ca_file: Some(server.ca_file.clone()), ..settings.clone() };
        assert_eq!(attempt(&s, &wrong).await.sent, 0, "{mode:?}: a wrong password sends nothing");
        assert!(server.sink.messages().is_empty());
        // The CA named, the right login: it goes, once.
        let right = SmtpSettings { ca_file: Some(server.ca_file.clone()), ..settings.clone() };
        assert_eq!(attempt(&s, &right).await.sent, 1, "{mode:?}: delivered over TLS");
        assert_eq!(attempt(&s, &right).await.sent, 0, "once");
        let mail = server.sink.messages();
        assert_eq!(mail.len(), 1);
        assert!(mail[0].to.contains("o@example.org") && !mail[0].raw.contains(SENTINEL), "content-free");
        s.stop().await;
    }
}

/// One delivery round an hour on (past any back-off) with these settings.
async fn attempt(s: &TestServer, settings: &ombud_service::SmtpSettings) -> ombud_service::DeliveryReport {
    s.clock.advance(SignedDuration::from_mins(61));
    let mailer = SmtpMailer::with(settings).expect("mailer");
    s.ombud.deliver_outbox(&mailer, &NoticeTexts, PUBLIC).await.expect("deliver")
}

/// XOAUTH2: the token is read from its file at every send, so the agent
/// that refreshes it needs no restart of Ombud.
#[tokio::test]
async fn xoauth2_reads_a_fresh_token_from_its_file_at_every_send() {
    use ombud_service::{Mailer, SmtpSettings};
    use ombud_testkit::{TlsMode, TlsSmtp};
    let server = TlsSmtp::start(TlsMode::StartTls).await;
    let dir = tempfile::tempdir().expect("dir");
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "ya29.expired-token\n").expect("token");
    let mailer = SmtpMailer::with(&SmtpSettings {
        url: server.url(),
        from: "ombud@corp.example".into(),
        username: Some(server.user.clone()),
        oauth_token_file: Some(token_file.clone()),
        ca_file: Some(server.ca_file.clone()),
        ..SmtpSettings::default()
    })
    .expect("mailer");
    assert!(mailer.send("o@example.org", "Ombud", "sign in").await.is_err(), "an expired token is refused");
    std::fs::write(&token_file, format!("{}\n", server.token)).expect("refreshed");
    mailer.send("o@example.org", "Ombud", "sign in").await.expect("the refreshed token works");
    assert_eq!(server.sink.messages().len(), 1);
    // A login is never sent in the clear.
    let plain = SmtpMailer::with(&SmtpSettings {
        url: format!("smtp://localhost:{}", server.sink.port),
        from: "ombud@corp.example".into(),
        username: Some(server.user.clone()),
        password: Some(server.password.clone()),
        ..SmtpSettings::default()
    });
    assert!(plain.err().is_some_and(|e| e.contains("needs TLS")), "refused before any connection");
}

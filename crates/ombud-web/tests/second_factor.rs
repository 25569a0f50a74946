//! The second factor through the real server on SQLite and PostgreSQL: an
//! invited oversight member chooses her password and sets up TOTP from the
//! QR page, then signs in with a code; a wrong code, a code used twice and a
//! recovery code used twice are refused; an administrator without one is
//! taken to set it up at sign-in; the secret never reaches the disk in clear.

use jiff::SignedDuration;
use ombud_crypto::TotpSecret;
use ombud_domain::{Clock, Role};
use ombud_testkit::{Backend, Options, TestServer, backends};
use serde_json::json;

fn required(backend: Backend) -> Options {
    let mut options = Options { backend, ..Options::default() };
    options.service.second_factor = vec![Role::Oversight, Role::Admin];
    options
}

/// The text of an element with this id on a page.
fn by_id(html: &str, id: &str) -> String {
    let at = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("#{id} in {html}"));
    let start = at + html[at..].find('>').expect("tag end") + 1;
    html[start..start + html[start..].find('<').expect("text end")].trim().to_owned()
}

/// A hidden field's value.
fn hidden(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("{name} in {html}"));
    let start = at + format!("name=\"{name}\" value=\"").len();
    html[start..start + html[start..].find('"').expect("end")].to_owned()
}

fn code(s: &TestServer, secret: &TotpSecret) -> String {
    secret.code_at(s.clock.now().as_second() as u64).expect("code")
}

/// The recovery codes a page shows.
fn recovery_codes(html: &str) -> Vec<String> {
    let list = &html[html.find("id=\"recovery-codes\"").expect("codes")..];
    let list = &list[..list.find("</ul>").expect("list end")];
    list.split("<code>").skip(1).map(|c| c[..c.find('<').expect("end")].to_owned()).collect()
}

async fn api_sign_in(s: &TestServer, email: &str, password: &str, totp: Option<&str>) -> (u16, serde_json::Value) {
    let mut body = json!({"email": email, "password": password});
    if let Some(totp) = totp {
        body["totp"] = json!(totp);
    }
    s.post_json("/api/v1/staff/session", "", body).await
}

#[tokio::test]
async fn an_invited_oversight_member_sets_up_her_second_factor_and_every_code_works_once() {
    for backend in backends() {
        let s = TestServer::start_with(required(backend)).await;
        let invited =
            s.ombud.operator().invite("Maria.Keller@example.org", "Maria Keller", Role::Oversight, "en").await;
        let link = invited.expect("invite").link_token.expect("the first oversight member needs no approval");

        // Her password first; her role needs a second factor, so the next page sets it up.
        let hers = s.browser();
        let password = "her own long password";
        let page = hers
            .post(s.url(&format!("/staff/welcome/{link}")))
            .form(&[("password", password), ("again", password)])
            .send()
            .await
            .expect("choose password");
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains("<svg") && html.contains("Set up your second factor"), "a QR code: {html}");
        let secret_text = by_id(&html, "secret");
        let secret = TotpSecret::from_base32(&secret_text).expect("the key as text");
        assert_eq!(hers.get(s.url("/staff/cases")).send().await.expect("page").status(), 303, "not signed in yet");

        // A wrong code: the same key again, the problem beside the field.
        let wrong = hers
            .post(s.url("/staff/sign-in/setup"))
            .form(&[
                ("pending", hidden(&html, "pending")),
                ("enrolment", hidden(&html, "enrolment")),
                ("code", "000000".into()),
            ])
            .send()
            .await
            .expect("wrong code");
        assert_eq!(wrong.status(), 422);
        let html = wrong.text().await.expect("html");
        assert_eq!(by_id(&html, "secret"), secret_text, "the same key, so her app's entry stays right");
        assert!(by_id(&html, "code-error").contains("not right"), "{html}");

        let done = hers
            .post(s.url("/staff/sign-in/setup"))
            .form(&[
                ("pending", hidden(&html, "pending")),
                ("enrolment", hidden(&html, "enrolment")),
                ("code", code(&s, &secret)),
            ])
            .send()
            .await
            .expect("right code");
        assert_eq!(done.status(), 200);
        let html = done.text().await.expect("html");
        let codes = recovery_codes(&html);
        assert_eq!(codes.len(), 10, "{html}");
        assert_eq!(hers.get(s.url("/staff/cases")).send().await.expect("page").status(), 200, "signed in");

        // The API: the code beside the password, each one once.
        let email = "maria.keller@example.org";
        let (status, body) = api_sign_in(&s, email, password, None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (401, Some("second_factor_required")), "{body}");
        let (status, body) = api_sign_in(&s, email, password, Some("123456")).await;
        assert_eq!((status, body["error"]["code"].as_str()), (401, Some("second_factor_wrong")), "{body}");
        let (status, _) = api_sign_in(&s, email, password, Some(&code(&s, &secret))).await;
        assert_eq!(status, 401, "the code that confirmed the setup does not sign in again");
        s.clock.advance(SignedDuration::from_secs(30));
        let now = code(&s, &secret);
        assert_eq!(api_sign_in(&s, email, password, Some(&now)).await.0, 200, "the next code works");
        assert_eq!(api_sign_in(&s, email, password, Some(&now)).await.0, 401, "and only once");
        let (status, _) = api_sign_in(&s, email, "not her password", Some(&code(&s, &secret))).await;
        assert_eq!(status, 401, "a code does not stand in for the password");

        // A recovery code, typed as people type it, works once.
        let typed = codes[3].to_uppercase().replace('-', " ");
        let (status, signed) = api_sign_in(&s, email, password, Some(&typed)).await;
        assert_eq!(status, 200, "{signed}");
        let (status, body) = api_sign_in(&s, email, password, Some(&codes[3])).await;
        assert_eq!((status, body["error"]["code"].as_str()), (401, Some("second_factor_wrong")), "used once");
        // She is told of both by mail, without a code or a key in it.
        let sink = ombud_testkit::SmtpSink::start().await;
        let mailer = ombud_service::SmtpMailer::new(&sink.url(), "ombud@example.org").expect("mailer");
        s.ombud.deliver_outbox(&mailer, &ombud_web::NoticeTexts, "http://ombud.test").await.expect("deliver");
        let subjects: Vec<String> = sink.messages().iter().map(|m| m.subject.clone()).collect();
        assert!(subjects.contains(&"Ombud: your second factor was set up".to_owned()), "{subjects:?}");
        assert!(subjects.contains(&"Ombud: one of your recovery codes was used".to_owned()), "{subjects:?}");
        assert!(sink.messages().iter().all(|m| !m.raw.contains(&codes[4]) && !m.raw.contains(&secret_text)));
        let token = signed["token"].as_str().expect("token");
        let (_, mine) = s.get_json("/api/v1/staff/second-factor", token).await;
        assert_eq!((mine["set_up"].as_bool(), mine["recovery_codes_left"].as_u64()), (Some(true), Some(9)), "{mine}");

        // The browser asks for the code on a page of its own; a wrong one says so.
        s.clock.advance(SignedDuration::from_secs(30));
        let browser = s.browser();
        let asked = browser
            .post(s.url("/staff/sign-in"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .expect("sign in");
        assert_eq!(asked.status(), 200);
        let html = asked.text().await.expect("html");
        assert!(html.contains("autocomplete=\"one-time-code\""), "{html}");
        let wrong = browser
            .post(s.url("/staff/sign-in/code"))
            .form(&[("pending", hidden(&html, "pending")), ("code", "999999".into())])
            .send()
            .await
            .expect("code");
        assert_eq!(wrong.status(), 401);
        let html = wrong.text().await.expect("html");
        let right = browser
            .post(s.url("/staff/sign-in/code"))
            .form(&[("pending", hidden(&html, "pending")), ("code", code(&s, &secret))])
            .send()
            .await
            .expect("code");
        assert_eq!(right.headers()["location"], "/staff/cases");
        assert_eq!(browser.get(s.url("/staff/cases")).send().await.expect("page").status(), 200);

        // The administrator's list says she has one; the log says when.
        let listed = s.ombud.operator().staff_by_email(email).await.expect("listed");
        assert!(listed.second_factor && listed.second_factor_required);
        let log = s.ombud.store().staff_events(None, 50).await.expect("log");
        let kinds: Vec<&str> = log.iter().map(|e| e.record.event.kind.as_str()).collect();
        assert!(kinds.contains(&"second_factor_set") && kinds.contains(&"recovery_code_used"), "{kinds:?}");

        // Sealed at rest: neither the key nor its text is in the database.
        if backend == Backend::Sqlite {
            let raw = secret_text.replace(' ', "");
            for entry in std::fs::read_dir(s.data.path()).expect("data") {
                let bytes = std::fs::read(entry.expect("file").path()).expect("read");
                assert!(!bytes.windows(raw.len()).any(|w| w == raw.as_bytes()), "the key's text on disk");
            }
        }
        s.stop().await;
    }
}

#[tokio::test]
async fn an_administrator_without_a_second_factor_sets_it_up_when_he_signs_in() {
    let s = TestServer::start_with(required(Backend::Sqlite)).await;
    let pw = s.staff("admin@example.org", Role::Admin).await;
    let (status, body) = api_sign_in(&s, "admin@example.org", &pw, None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("second_factor_not_set_up")), "{body}");

    let admin = s.browser();
    let page = admin
        .post(s.url("/staff/sign-in?lang=zh-CN"))
        .form(&[("email", "admin@example.org"), ("password", pw.as_str())])
        .send()
        .await
        .expect("sign in");
    let html = page.text().await.expect("html");
    assert!(html.contains("设置第二重验证") && html.contains("<svg"), "in his language: {html}");
    assert_eq!(admin.get(s.url("/admin/staff")).send().await.expect("page").status(), 303, "no session yet");
    let secret = TotpSecret::from_base32(&by_id(&html, "secret")).expect("key");
    let (status, _) = s.get_json("/api/v1/admin/staff", &hidden(&html, "pending")).await;
    assert_eq!(status, 401, "a half sign-in is no session, and its token no bearer token");
    let done = admin
        .post(s.url("/staff/sign-in/setup"))
        .form(&[
            ("pending", hidden(&html, "pending")),
            ("enrolment", hidden(&html, "enrolment")),
            ("code", code(&s, &secret)),
        ])
        .send()
        .await
        .expect("setup");
    let html = done.text().await.expect("html");
    assert!(html.contains("href=\"/admin/staff\""), "he continues to his own start: {html}");
    assert_eq!(admin.get(s.url("/admin/staff")).send().await.expect("page").status(), 200);

    // A handler needs none here, but may set one up from her own page.
    let h_pw = s.staff("h@example.org", Role::Handler).await;
    let token = s.staff_token("h@example.org", &h_pw).await;
    let (status, setup) = s.post_json("/api/v1/staff/second-factor", &token, json!({})).await;
    assert_eq!(status, 201, "{setup}");
    assert!(setup["otpauth_url"].as_str().expect("url").starts_with("otpauth://totp/Ombud:h%40example.org?"));
    let secret = TotpSecret::from_base32(setup["secret"].as_str().expect("secret")).expect("key");
    let (status, body) = s
        .post_json("/api/v1/staff/second-factor", &token, json!({"enrolment": "forged", "code": code(&s, &secret)}))
        .await;
    assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("enrolment")), "{body}");
    let confirm = json!({"enrolment": setup["enrolment"], "code": code(&s, &secret)});
    let (status, codes) = s.post_json("/api/v1/staff/second-factor", &token, confirm.clone()).await;
    assert_eq!(status, 200, "{codes}");
    let (status, _) = s.post_json("/api/v1/staff/second-factor", &token, confirm).await;
    assert_eq!(status, 422, "the same confirmation sent twice does not replace the codes she noted");
    assert_eq!(api_sign_in(&s, "h@example.org", &h_pw, None).await.0, 401, "once set up, it is asked for");
    s.stop().await;
}

#[tokio::test]
async fn guessing_codes_is_slowed_like_guessing_passwords() {
    let s = TestServer::start_with(required(Backend::Sqlite)).await;
    let invited = s.ombud.operator().invite("o@example.org", "O", Role::Oversight, "en").await.expect("invite");
    let token = s
        .post_json(
            "/api/v1/staff/welcome",
            "",
            json!({"token": invited.link_token.expect("link"), "password": "a long enough password"}),
        )
        .await;
    assert_eq!(token.1["error"]["code"], "second_factor_not_set_up", "her password is set; the browser sets it up");
    let mut answers = std::collections::BTreeMap::<u16, u32>::new();
    // Someone who has her password but not her phone.
    let admin_pw = s.staff("a@example.org", Role::Handler).await;
    let h = s.staff_token("a@example.org", &admin_pw).await;
    let (_, setup) = s.post_json("/api/v1/staff/second-factor", &h, json!({})).await;
    let secret = TotpSecret::from_base32(setup["secret"].as_str().expect("secret")).expect("key");
    let (status, _) = s
        .post_json(
            "/api/v1/staff/second-factor",
            &h,
            json!({"enrolment": setup["enrolment"], "code": code(&s, &secret)}),
        )
        .await;
    assert_eq!(status, 200);
    for i in 0..40 {
        let (status, _) = api_sign_in(&s, "a@example.org", &admin_pw, Some(&format!("{:06}", 100_000 + i))).await;
        *answers.entry(status).or_default() += 1;
    }
    assert!(answers.get(&429).copied().unwrap_or(0) >= 30, "codes are throttled: {answers:?}");
    s.stop().await;
}

/// Sets up a second factor for a signed-in account through the API; its key.
async fn set_up(s: &TestServer, token: &str) -> TotpSecret {
    let (_, setup) = s.post_json("/api/v1/staff/second-factor", token, json!({})).await;
    let secret = TotpSecret::from_base32(setup["secret"].as_str().expect("secret")).expect("key");
    let confirm = json!({"enrolment": setup["enrolment"], "code": code(s, &secret)});
    assert_eq!(s.post_json("/api/v1/staff/second-factor", token, confirm).await.0, 200);
    secret
}

#[tokio::test]
async fn her_password_alone_never_sets_or_replaces_her_second_factor() {
    let s = TestServer::start_with(required(Backend::Sqlite)).await;
    let pw = s.staff("h@example.org", Role::Handler).await;
    let token = s.staff_token("h@example.org", &pw).await;
    let secret = set_up(&s, &token).await;
    s.clock.advance(SignedDuration::from_secs(60));

    // Someone with her password, on the page that asks for her code, tries
    // the setup page with it instead: sent back to sign in, nothing changed.
    let thief = s.browser();
    let asked = thief
        .post(s.url("/staff/sign-in"))
        .form(&[("email", "h@example.org"), ("password", pw.as_str())])
        .send()
        .await
        .expect("sign in");
    let html = asked.text().await.expect("html");
    let pending = hidden(&html, "pending");
    for enrolment in ["", "forged"] {
        let tried = thief
            .post(s.url("/staff/sign-in/setup"))
            .form(&[("pending", pending.as_str()), ("enrolment", enrolment), ("code", "123456")])
            .send()
            .await
            .expect("setup");
        assert_eq!(tried.status(), 401, "a sign-in waiting for a code sets no factor");
    }
    assert_eq!(thief.get(s.url("/staff/cases")).send().await.expect("page").status(), 303, "no session");
    assert_eq!(
        api_sign_in(&s, "h@example.org", &pw, Some(&code(&s, &secret))).await.0,
        200,
        "her own factor still works"
    );

    // A session left open cannot replace her factor without a code of it.
    let (_, setup) = s.post_json("/api/v1/staff/second-factor", &token, json!({})).await;
    let new = TotpSecret::from_base32(setup["secret"].as_str().expect("secret")).expect("key");
    let confirm = |current: Option<String>| {
        let mut body = json!({"enrolment": setup["enrolment"], "code": code(&s, &new)});
        if let Some(current) = current {
            body["current_code"] = json!(current);
        }
        body
    };
    let (status, body) = s.post_json("/api/v1/staff/second-factor", &token, confirm(None)).await;
    assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("current_code")), "{body}");
    let (status, _) = s.post_json("/api/v1/staff/second-factor", &token, confirm(Some("000000".into()))).await;
    assert_eq!(status, 422, "a wrong current code");
    s.clock.advance(SignedDuration::from_secs(30));
    let (status, body) = s.post_json("/api/v1/staff/second-factor", &token, confirm(Some(code(&s, &secret)))).await;
    assert_eq!(status, 200, "{body}");
    s.clock.advance(SignedDuration::from_secs(30));
    assert_eq!(api_sign_in(&s, "h@example.org", &pw, Some(&code(&s, &secret))).await.0, 401, "the old one is gone");
    assert_eq!(api_sign_in(&s, "h@example.org", &pw, Some(&code(&s, &new))).await.0, 200, "the new one works");

    // A setup page's key is good for half an hour.
    let (_, late) = s.post_json("/api/v1/staff/second-factor", &token, json!({})).await;
    let late_key = TotpSecret::from_base32(late["secret"].as_str().expect("secret")).expect("key");
    s.clock.advance(SignedDuration::from_mins(31));
    let (status, body) = s
        .post_json(
            "/api/v1/staff/second-factor",
            &token,
            json!({"enrolment": late["enrolment"], "code": code(&s, &late_key), "current_code": code(&s, &new)}),
        )
        .await;
    assert_eq!((status, body["error"]["fields"][0]["field"].as_str()), (422, Some("enrolment")), "{body}");
    s.stop().await;
}

#[tokio::test]
async fn a_half_finished_sign_in_ends_with_her_account() {
    let s = TestServer::start_with(required(Backend::Sqlite)).await;
    let pw = s.staff("o@example.org", Role::Oversight).await;
    let browser = s.browser();
    let asked = browser
        .post(s.url("/staff/sign-in"))
        .form(&[("email", "o@example.org"), ("password", pw.as_str())])
        .send()
        .await
        .expect("sign in");
    let html = asked.text().await.expect("html");
    assert!(html.contains("<svg"), "her role needs a factor: the setup page");
    let secret = TotpSecret::from_base32(&by_id(&html, "secret")).expect("key");
    let id = s.ombud.operator().staff_by_email("o@example.org").await.expect("o").id;
    s.ombud.operator().disable(id).await.expect("disable");
    let done = browser
        .post(s.url("/staff/sign-in/setup"))
        .form(&[
            ("pending", hidden(&html, "pending")),
            ("email", hidden(&html, "email")),
            ("enrolment", hidden(&html, "enrolment")),
            ("code", code(&s, &secret)),
        ])
        .send()
        .await
        .expect("setup");
    assert_eq!(done.status(), 401, "disabled meanwhile: no factor, no session");
    assert!(done.text().await.expect("html").contains("value=\"o@example.org\""), "her email kept on the sign-in page");
    assert!(!s.ombud.operator().staff_by_email("o@example.org").await.expect("o").second_factor);
    s.stop().await;
}

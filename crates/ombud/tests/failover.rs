//! Two instances on one PostgreSQL behind Debian's nginx, round robin,
//! under `ombud loadtest`; one is killed (SIGKILL) mid-load. Then: no
//! acknowledged report is lost, signed-in staff stay signed in, the
//! reporter's and staff's pages work through the survivor, and no notice
//! goes out twice (one in flight at the kill may: DECISIONS #21).

mod common;

use ombud_testkit::SmtpSink;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "a long enough staff password";

/// nginx in the foreground with its own prefix, killed when dropped.
struct Nginx {
    child: Child,
    base: String,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Round robin over `upstreams`; a request that could not reach one (it
/// refused the connection) goes to the next, as operators configure it.
async fn nginx(dir: &Path, upstreams: &[&str]) -> Nginx {
    let port = free_port();
    let servers: String = upstreams
        .iter()
        .map(|u| format!("    server {} max_fails=1 fail_timeout=5s;\n", u.trim_start_matches("http://")))
        .collect();
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let d = dir.display();
    let conf = format!(
        "{user}worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         client_max_body_size 80m;\n  upstream ombud {{\n{servers}  }}\n  server {{\n    listen 127.0.0.1:{port};\n\
             location / {{\n      proxy_pass http://ombud;\n      proxy_next_upstream error timeout;\n\
               proxy_set_header Host $host;\n      proxy_read_timeout 60s;\n    }}\n  }}\n}}\n",
        user = if root { "user root;\n" } else { "" },
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).expect("nginx.conf");
    let child = Command::new("/usr/sbin/nginx")
        .args(["-p"])
        .arg(dir)
        .arg("-c")
        .arg(&path)
        .args(["-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx (apt-get install nginx)");
    let proxy = Nginx { child, base: format!("http://127.0.0.1:{port}") };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return proxy;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("nginx did not start: {}", std::fs::read_to_string(dir.join("error.log")).unwrap_or_default());
}

async fn staff_token(client: &reqwest::Client, base: &str, email: &str) -> String {
    let r = client
        .post(format!("{base}/api/v1/staff/session"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), 200, "{email} signs in");
    r.json::<Value>().await.expect("json")["token"].as_str().expect("token").to_owned()
}

/// How many requests an instance has answered, from its metrics.
async fn answered(metrics: &str) -> u64 {
    let text = reqwest::get(format!("http://{metrics}/metrics")).await.expect("metrics").text().await.expect("text");
    text.lines()
        .filter(|l| l.starts_with("ombud_http_requests_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

/// A browser that keeps cookies and shows redirects as they come (a
/// session that ended answers 303 to the sign-in page, not its 200).
fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("browser")
}

async fn status(client: &reqwest::Client, url: String, token: &str) -> u16 {
    client.get(url).bearer_auth(token).send().await.map(|r| r.status().as_u16()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_nginx_lose_nothing_when_one_is_killed_mid_load() {
    let Some(server) = ombud_store::testdb::test_server_url() else {
        eprintln!("skipped: many instances share one PostgreSQL (set OMBUD_TEST_POSTGRES_URL)");
        return;
    };
    let (db_url, db_name) = ombud_store::testdb::create_database(&server).await.expect("database");
    let sink = SmtpSink::start().await;
    let (data, logs, proxy_dir) =
        (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let config = data.path().join("ombud.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"{db_url}\"\n[receipt_kdf]\nm_kib = 1024\nt = 1\np = 1\n[password_kdf]\nm_kib = 1024\nt = 1\np = 1\n\
             [server]\njob_interval = 1\ninstances = 2\n[accounts]\nsecond_factor = []\n\
             [mail]\nsmtp_url = \"{}\"\npublic_url = \"http://ombud.test\"\n",
            sink.url()
        ),
    )
    .expect("config");
    let cfg = config.to_str().expect("utf-8");
    for (email, role) in [("admin@example.org", "admin"), ("h@example.org", "handler")] {
        let added = common::add_staff(data.path(), &["--config", cfg], email, role, PASSWORD);
        assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    }
    let first_metrics = format!("127.0.0.1:{}", free_port());
    let first = common::serve(
        &["--config", cfg, "--metrics-listen", &first_metrics],
        data.path(),
        &logs.path().join("a.log"),
        "info",
    )
    .await;
    let second = common::serve(&["--config", cfg], data.path(), &logs.path().join("b.log"), "info").await;
    let proxy = nginx(proxy_dir.path(), &[&first.base, &second.base]).await;
    let base = proxy.base.clone();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client");

    // Signed in before the kill, twice (round robin: on each instance), and in a browser.
    let tokens =
        [staff_token(&client, &base, "h@example.org").await, staff_token(&client, &base, "h@example.org").await];
    let admin = staff_token(&client, &base, "admin@example.org").await;
    let staff_browser = browser();
    let signed_in = staff_browser
        .post(format!("{base}/staff/sign-in"))
        .form(&[("email", "h@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed_in.status(), 303, "signed in: on to her cases");
    let reported = client
        .post(format!("{base}/api/v1/reports"))
        .json(&json!({"category": "retaliation", "description": "My shifts were cut after I spoke up."}))
        .send()
        .await
        .expect("report");
    let receipt = reported.json::<Value>().await.expect("json")["receipt"].as_str().expect("receipt").to_owned();
    let reporter = browser();
    let opened = reporter.post(format!("{base}/follow-up")).form(&[("receipt", receipt.as_str())]).send().await;
    assert_eq!(opened.expect("follow-up").status(), 303, "her receipt opens her case");

    // The load: submissions, reads and sign-ins through the proxy…
    let acknowledged = logs.path().join("acknowledged.txt");
    let mut load = Command::new(common::BIN)
        .args(["loadtest", "--target", &base, "--submissions", "80", "--concurrency", "4", "--duration", "6"])
        .args(["--status-rate", "20", "--inbox-rate", "4", "--login-rate", "1", "--submit-rate", "4"])
        .args(["--staff-email", "h@example.org", "--acknowledged"])
        .arg(&acknowledged)
        .env("OMBUD_LOADTEST_PASSWORD", PASSWORD)
        .stdout(std::fs::File::create(logs.path().join("loadtest.txt")).expect("file"))
        .stderr(Stdio::inherit())
        .spawn()
        .expect("ombud loadtest");
    // …with invitations, each a notice to send, while one instance dies.
    let inviting = {
        let (client, base, admin) = (client.clone(), base.clone(), admin.clone());
        tokio::spawn(async move {
            let mut invited = Vec::new();
            for i in 0..24 {
                let email = format!("new{i}@example.org");
                let body = json!({"email": email, "name": format!("New Person {i}"), "role": "handler"});
                let sent =
                    client.post(format!("{base}/api/v1/admin/staff")).bearer_auth(&admin).json(&body).send().await;
                if sent.is_ok_and(|r| r.status() == 201) {
                    invited.push(email);
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            invited
        })
    };
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(load.try_wait().expect("loadtest").is_none(), "the load is still running when the instance dies");
    let served = answered(&first_metrics).await;
    assert!(served > 50, "the instance about to die was serving its share: {served} requests");
    drop(first); // SIGKILL: no drain, no goodbye
    let until = Instant::now() + Duration::from_secs(120);
    let finished = loop {
        if let Some(done) = load.try_wait().expect("loadtest") {
            break done;
        }
        assert!(Instant::now() < until, "the load test ends");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let printed = std::fs::read_to_string(logs.path().join("loadtest.txt")).unwrap_or_default();
    assert!(finished.success(), "the load test ran to its end through the survivor:\n{printed}");
    let invited = inviting.await.expect("invitations");
    println!("{printed}");

    // No acknowledged report is lost.
    let refs: Vec<String> =
        std::fs::read_to_string(&acknowledged).expect("acknowledged").lines().map(str::to_owned).collect();
    assert!(refs.len() > 40, "most reports were acknowledged: {}", refs.len());
    let db = sqlx::PgPool::connect(&db_url).await.expect("database");
    let kept: Vec<String> = sqlx::query_scalar("SELECT reference FROM cases").fetch_all(&db).await.expect("cases");
    let lost: Vec<&String> = refs.iter().filter(|r| !kept.contains(r)).collect();
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");

    // Signed-in staff stay signed in; every page works through the survivor.
    for token in &tokens {
        for _ in 0..4 {
            assert_eq!(status(&client, format!("{base}/api/v1/cases"), token).await, 200, "still signed in");
        }
    }
    for _ in 0..4 {
        let page = staff_browser.get(format!("{base}/staff/cases")).send().await.expect("staff page");
        assert_eq!(page.status(), 200, "her browser stays signed in");
        assert!(page.text().await.expect("html").contains("OMB-"), "her list of cases, through the survivor");
        let page = reporter.get(format!("{base}/follow-up")).send().await.expect("her page");
        assert_eq!(page.status(), 200);
        assert!(page.text().await.expect("html").contains("My shifts were cut"), "her case, through the survivor");
    }

    // Every notice goes out, through the survivor's job loop, once (one in
    // flight at the kill may go twice).
    assert!(invited.len() >= 20, "invitations went on through the survivor: {}", invited.len());
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(&db)
            .await
            .expect("outbox");
        if unsent == 0 {
            break;
        }
        assert!(Instant::now() < until, "{unsent} notices still unsent a minute on");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mails = sink.messages();
    let mut twice = 0;
    for email in &invited {
        let n = mails.iter().filter(|m| m.to.contains(email.as_str())).count();
        assert!(n >= 1, "{email} got her invitation");
        twice += n - 1;
    }
    assert!(twice <= 1, "{twice} invitations went out twice");
    db.close().await;
    drop((second, proxy));
    ombud_store::testdb::drop_database(&server, &db_name).await;
}

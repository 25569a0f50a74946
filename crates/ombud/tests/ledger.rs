//! Nothing lost, nothing silently changed: a database altered in any of four
//! ways, or in who is recorded as having acted, is caught by `ombud ledger
//! verify` (naming the first bad index) and by the reporter's offline check
//! of a newer record against her old one. Logs begun before leaves committed
//! to who acted (version 1) still verify.

mod common;

use serde_json::{Value, json};
use sqlx::Connection;
use std::path::{Path, PathBuf};

#[derive(Clone)]
enum Db {
    Sqlite,
    Postgres { server: String, name: String },
}

impl Db {
    fn args(&self) -> Vec<String> {
        match self {
            Db::Sqlite => vec![],
            Db::Postgres { server, name } => {
                vec!["--database-url".into(), ombud_store::testdb::with_database(server, name)]
            }
        }
    }

    /// A copy of the database (and data directory) to tamper with.
    async fn copy(&self, data: &Path, into: &Path) -> Db {
        std::fs::create_dir_all(into).expect("dir");
        for entry in std::fs::read_dir(data).expect("data dir") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, into.join(path.file_name().expect("name"))).expect("copy");
        }
        match self {
            Db::Sqlite => Db::Sqlite,
            Db::Postgres { server, name } => {
                let copy =
                    format!("{name}_{}", into.file_name().and_then(|n| n.to_str()).unwrap_or("copy").replace('-', "_"));
                let mut admin = sqlx::PgConnection::connect(server).await.expect("admin");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {copy} TEMPLATE {name}")))
                    .execute(&mut admin)
                    .await
                    .expect("copy database");
                Db::Postgres { server: server.clone(), name: copy }
            }
        }
    }

    async fn execute(&self, data: &Path, statements: &[&str]) {
        match self {
            Db::Sqlite => {
                let url = format!("sqlite:{}", data.join("ombud.db").display());
                let mut c = sqlx::SqliteConnection::connect(&url).await.expect("sqlite");
                for s in statements {
                    sqlx::query(sqlx::AssertSqlSafe(s.to_string())).execute(&mut c).await.expect(s);
                }
                c.close().await.expect("close");
            }
            Db::Postgres { server, name } => {
                let mut c =
                    sqlx::PgConnection::connect(&ombud_store::testdb::with_database(server, name)).await.expect("pg");
                for s in statements {
                    sqlx::query(sqlx::AssertSqlSafe(s.to_string())).execute(&mut c).await.expect(s);
                }
                c.close().await.expect("close");
            }
        }
    }

    async fn drop_copy(&self) {
        if let Db::Postgres { server, name } = self {
            ombud_store::testdb::drop_database(server, name).await;
        }
    }
}

struct History {
    receipt: String,
    record: PathBuf,
    key: String,
}

/// Builds a known history (leaf indexes in comments) and downloads her record.
async fn make_history(db: &Db, data: &Path, files: &Path) -> History {
    let args = db.args();
    let extra: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(common::add_staff(data, &extra, "h@example.org", "handler", "handler password 1").status.success());
    let server = common::serve(&extra, data, &files.join("serve.log"), "info").await;
    let c = reqwest::Client::new();
    let b = &server.base;
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut r = c.post(format!("{b}{path}")).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let filed: Value = post("/api/v1/reports", None, json!({"category": "sexual_assault", "description": "A"}))
        .await
        .expect("0")
        .json()
        .await
        .expect("json");
    post("/api/v1/reports", None, json!({"category": "other", "description": "B"})).await.expect("1");
    let staff: Value =
        post("/api/v1/staff/session", None, json!({"email": "h@example.org", "password": "handler password 1"}))
            .await
            .expect("sign in")
            .json()
            .await
            .expect("json");
    let staff = staff["token"].as_str().expect("token").to_owned();
    let cases: Value =
        c.get(format!("{b}/api/v1/cases")).bearer_auth(&staff).send().await.expect("list").json().await.expect("json");
    let id = cases["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|x| x["case_ref"] == filed["case_ref"])
        .expect("hers")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    c.get(format!("{b}/api/v1/cases/{id}")).bearer_auth(&staff).send().await.expect("2 opened");
    post(&format!("/api/v1/cases/{id}/acknowledge"), Some(&staff), json!({})).await.expect("3 acknowledged");
    post(&format!("/api/v1/cases/{id}/messages"), Some(&staff), json!({"body": "answer"}))
        .await
        .expect("4 staff message");
    let receipt = filed["receipt"].as_str().expect("receipt").to_owned();
    let session: Value = post("/api/v1/reporter/session", None, json!({"receipt": receipt}))
        .await
        .expect("session")
        .json()
        .await
        .expect("json");
    let reporter = session["token"].as_str().expect("token").to_owned();
    post("/api/v1/reporter/messages", Some(&reporter), json!({"body": "thanks"})).await.expect("5 reporter message");
    let record = files.join("record-1.json");
    // Her record is proven against the checkpoint signed last: the job loop
    // signs one each round the log grew, and a public read of it as well.
    c.get(format!("{b}/api/v1/ledger/checkpoint")).send().await.expect("signed");
    let bytes = c
        .get(format!("{b}/api/v1/reporter/record"))
        .bearer_auth(&reporter)
        .send()
        .await
        .expect("record")
        .bytes()
        .await
        .expect("bytes");
    std::fs::write(&record, &bytes).expect("save record");
    let key: Value = c.get(format!("{b}/api/v1/ledger/key")).send().await.expect("key").json().await.expect("json");
    History { receipt, record, key: key["verifier_key"].as_str().expect("key").to_owned() }
}

/// Her record from a server on `data`, proven against the record she kept
/// (`since`, its log size).
async fn download_record(db: &Db, data: &Path, files: &Path, receipt: &str, since: u64, name: &str) -> PathBuf {
    let args = db.args();
    let extra: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = common::serve(&extra, data, &files.join(format!("{name}.log")), "info").await;
    let c = reqwest::Client::new();
    let session: Value = c
        .post(format!("{}/api/v1/reporter/session", server.base))
        .json(&json!({"receipt": receipt}))
        .send()
        .await
        .expect("session")
        .json()
        .await
        .expect("json");
    c.get(format!("{}/api/v1/ledger/checkpoint", server.base)).send().await.expect("signed");
    let response = c
        .get(format!("{}/api/v1/reporter/record?since={since}", server.base))
        .bearer_auth(session["token"].as_str().expect("token"))
        .send()
        .await
        .expect("record");
    assert_eq!(response.status(), 200, "the server still answers");
    let path = files.join(format!("{name}.json"));
    std::fs::write(&path, response.bytes().await.expect("bytes")).expect("save");
    path
}

fn ledger(args: &[&str], data: &Path, db: &Db) -> std::process::Output {
    let extra = db.args();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(extra.iter().map(String::as_str));
    common::run(&all, data, "")
}

/// (what, first bad index, SQL, whether the reporter's server can still
/// produce a record, what the failure must name)
type Tamper = (&'static str, u64, &'static [&'static str], bool, Option<&'static str>);

const TAMPERS: &[Tamper] = &[
    (
        "edit: the acknowledgement backdated a day",
        4,
        &["UPDATE events SET at = at - 86400000 WHERE leaf_index = 4"],
        true,
        Some("(acknowledged) does not match its recorded leaf"),
    ),
    ("delete: the handler's message removed", 5, &["DELETE FROM events WHERE leaf_index = 5"], true, None),
    (
        "reorder: opened and acknowledged swapped",
        3,
        &[
            "UPDATE events SET leaf_index = 1000 WHERE leaf_index = 3",
            "UPDATE events SET leaf_index = 3 WHERE leaf_index = 4",
            "UPDATE events SET leaf_index = 4 WHERE leaf_index = 1000",
        ],
        true,
        None,
    ),
    (
        "insert: a fabricated acknowledgement slipped into the history",
        5,
        &[
            "UPDATE events SET leaf_index = leaf_index + 1000 WHERE leaf_index >= 5",
            "UPDATE events SET leaf_index = leaf_index - 999 WHERE leaf_index >= 1000",
            "INSERT INTO events (id, case_id, kind, at, actor_kind, staff_id, payload_hash, leaf_index)
             SELECT '0b7e1c9a-3f1d-4c55-9a8e-2f4a6b1c0d11', case_id, 'acknowledged', at, 'system', NULL, payload_hash, 5 FROM events WHERE leaf_index = 1",
        ],
        true,
        None,
    ),
    ("edit: a row made unreadable", 6, &["UPDATE events SET kind = 'nonsense' WHERE leaf_index = 6"], false, None),
    (
        // The leaf commits to who acted (version 2), so the record of who
        // read her case cannot be pinned on someone else.
        "edit: another staff member recorded as having opened her case",
        3,
        &["UPDATE events SET staff_id = '0b7e1c9a-3f1d-4c55-9a8e-2f4a6b1c0d12' WHERE leaf_index = 3"],
        true,
        Some("(opened_by_staff) does not match its recorded leaf"),
    ),
    (
        "edit: her own message recorded as the system's",
        6,
        &["UPDATE events SET actor_kind = 'system' WHERE leaf_index = 6"],
        true,
        Some("(message_from_reporter) does not match its recorded leaf"),
    ),
];

async fn tampering_is_caught(db: Db) {
    let root = tempfile::tempdir().expect("dir");
    let data = root.path().join("data");
    let files = root.path().join("files");
    std::fs::create_dir_all(&files).expect("dir");
    let history = make_history(&db, &data, &files).await;

    let ok = ledger(&["ledger", "verify"], &data, &db);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("ledger OK: 7 entries"));
    let key = common::run(&["ledger", "key"], &data, "");
    let printed = String::from_utf8_lossy(&key.stdout).trim().to_owned();
    assert_eq!(printed, history.key, "the CLI prints the key the about page shows");
    let record = history.record.to_str().expect("path");
    let offline = common::run_plain(&["ledger", "verify-record", record, "--key", &history.key]);
    assert!(offline.status.success(), "{}", String::from_utf8_lossy(&offline.stderr));
    let kept: ombud_ledger::Record = serde_json::from_slice(&std::fs::read(record).expect("read")).expect("record");
    let key = ombud_ledger::VerifierKey::parse(&history.key).expect("key");
    let since = ombud_ledger::verify_note(&kept.checkpoint, &key).expect("signed").size;
    assert!(kept.events.len() >= 5, "her record holds her case's steps: {}", kept.events.len());

    for (i, (what, first_bad, sql, offline, names)) in TAMPERS.iter().enumerate() {
        let copy_dir = root.path().join(format!("tampered-{i}"));
        let copy = db.copy(&data, &copy_dir).await;
        copy.execute(&copy_dir, sql).await;
        let out = ledger(&["ledger", "verify"], &copy_dir, &copy);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{what}: verify passed");
        assert!(stderr.contains(&format!("FAILED at index {first_bad}:")), "{what}: {stderr}");
        if let Some(names) = names {
            assert!(stderr.contains(names), "{what}: {stderr}");
        }

        if !offline {
            copy.drop_copy().await;
            continue;
        }
        let newer =
            download_record(&copy, &copy_dir, &files, &history.receipt, since, &format!("record-tampered-{i}")).await;
        let check = common::run_plain(&[
            "ledger",
            "verify-record",
            newer.to_str().expect("path"),
            "--key",
            &history.key,
            "--earlier",
            record,
        ]);
        assert!(!check.status.success(), "{what}: her offline check passed");
        assert!(String::from_utf8_lossy(&check.stderr).contains("record FAILED"), "{what}");
        copy.drop_copy().await;
    }
}

#[tokio::test]
async fn tampering_is_caught_on_sqlite() {
    tampering_is_caught(Db::Sqlite).await;
}

#[tokio::test]
async fn tampering_is_caught_on_postgres() {
    let Some(server) = ombud_store::testdb::test_server_url() else {
        eprintln!("skipped: OMBUD_TEST_POSTGRES_URL is not set");
        return;
    };
    let (_, name) = ombud_store::testdb::create_database(&server).await.expect("database");
    let db = Db::Postgres { server: server.clone(), name: name.clone() };
    tampering_is_caught(db).await;
    ombud_store::testdb::drop_database(&server, &name).await;
}

/// A log begun before version 2: its version-1 leaves (no actor commitment)
/// still verify, and so do the version-2 leaves the instance writes after
/// them. A version-1 leaf after version-2 ones does not: since version 2 only
/// a writer without the instance key writes one.
#[tokio::test]
async fn leaves_written_before_version_2_still_verify() {
    use ombud_domain::{CaseId, EventKind, StaffId};
    use ombud_store::prelude::*;
    use ombud_store::{Actor, EventRecord, SqlStore};

    let root = tempfile::tempdir().expect("dir");
    let data = root.path().join("data");
    std::fs::create_dir_all(&data).expect("dir");
    let at = jiff::Timestamp::from_second(1_780_000_000).expect("time");
    let case = CaseId::new();
    let reference = "OMB-OLD1-0001";
    let earlier_staff = StaffId::new();
    // What an instance wrote before version 2: a store the service has not
    // bound to its actor key writes version-1 leaves.
    let store = SqlStore::open(&data.join("ombud.db")).await.expect("store");
    sqlx::query(
        "INSERT INTO cases (id, reference, category, status, received_at, updated_at)
         VALUES ($1, $2, 'other', 'received', 0, 0)",
    )
    .bind(case.to_string())
    .bind(reference)
    .execute(store.pool())
    .await
    .expect("case");
    let old = [
        EventRecord::new(case, EventKind::Submitted, at, Actor::Reporter).with_payload(b"sealed report"),
        EventRecord::new(case, EventKind::OpenedByStaff, at, Actor::Staff(earlier_staff)),
    ];
    for e in &old {
        store.record_event(e).await.expect("record");
    }
    let stored = store.ledger_level(0, 0, 10).await.expect("leaves");
    let v1: Vec<_> = old
        .iter()
        .enumerate()
        .map(|(i, e)| (i as u64, ombud_store::ledger::event_leaf(e, reference, None).hash()))
        .collect();
    assert_eq!(stored, v1, "written as version-1 leaves");
    store.pool().close().await;

    let out = ledger(&["ledger", "verify"], &data, &Db::Sqlite);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ledger OK: 2 entries"));

    // The instance, now writing version 2, appends to the same log.
    {
        let server = common::serve(&[], &data, &root.path().join("serve.log"), "info").await;
        let filed = reqwest::Client::new()
            .post(format!("{}/api/v1/reports", server.base))
            .json(&json!({"category": "other", "description": "after the upgrade"}))
            .send()
            .await
            .expect("report");
        assert_eq!(filed.status(), 201);
    }
    let out = ledger(&["ledger", "verify"], &data, &Db::Sqlite);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ledger OK: 3 entries"));

    // A version-1 leaf appended after them is refused.
    let store = SqlStore::open(&data.join("ombud.db")).await.expect("store");
    let late = EventRecord::new(case, EventKind::OpenedByStaff, at, Actor::Staff(earlier_staff));
    store.record_event(&late).await.expect("record");
    store.pool().close().await;
    let out = ledger(&["ledger", "verify"], &data, &Db::Sqlite);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a version-1 leaf after version 2 passed");
    assert!(stderr.contains("FAILED at index 3:") && stderr.contains("version-1 leaf after version-2"), "{stderr}");
}

/// Administrative events are leaves too: who was disabled, and what a role
/// became, cannot be edited in their table without `ledger verify` failing.
#[tokio::test]
async fn an_edited_administrative_event_is_caught() {
    let root = tempfile::tempdir().expect("dir");
    let data = root.path().join("data");
    let added = common::add_staff(&data, &[], "admin@example.org", "admin", "long enough password");
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    for args in [
        &["staff", "invite", "--email", "a@example.org", "--name", "A", "--role", "handler"][..],
        &["staff", "invite", "--email", "b@example.org", "--name", "B", "--role", "handler"],
        &["staff", "set-role", "--email", "a@example.org", "--role", "oversight"],
        &["staff", "disable", "--email", "a@example.org"],
    ] {
        let done = common::run(args, &data, "");
        assert!(done.status.success(), "{args:?}: {}", String::from_utf8_lossy(&done.stderr));
    }
    let ok = ledger(&["ledger", "verify"], &data, &Db::Sqlite);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    for (i, (what, sql)) in [
        (
            "the disabled account swapped for another",
            "UPDATE staff_events SET subject_id = (SELECT id FROM staff WHERE email = 'b@example.org')
             WHERE kind = 'staff_disabled'",
        ),
        (
            "the role change rewritten",
            "UPDATE staff_events SET detail = 'handler>admin' WHERE kind = 'staff_role_changed'",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let copy_dir = root.path().join(format!("tampered-admin-{i}"));
        let copy = Db::Sqlite.copy(&data, &copy_dir).await;
        copy.execute(&copy_dir, &[sql]).await;
        let out = ledger(&["ledger", "verify"], &copy_dir, &copy);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{what}: verify passed");
        assert!(stderr.contains("on whom or what changed was edited"), "{what}: {stderr}");
    }
}

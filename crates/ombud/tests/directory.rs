//! `ombud directory import` and `ombud directory token`, through the real
//! binary, and a SCIM client using the token against `ombud serve`.

mod common;

use ombud_service::demo::SAMPLE_DIRECTORY;
use serde_json::Value;

#[tokio::test]
async fn a_bad_file_is_reported_line_by_line_and_nothing_is_half_imported() {
    let data = tempfile::tempdir().expect("dir");
    let files = tempfile::tempdir().expect("dir");
    // The sample, with a bad level on line 4 and an unknown manager on line 8.
    let bad: String = SAMPLE_DIRECTORY
        .lines()
        .enumerate()
        .map(|(i, line)| match i + 1 {
            4 => line.replace(",7,", ",seven,"),
            8 => line.replace(",E320,", ",E999,"),
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let bad_file = files.path().join("people.csv");
    std::fs::write(&bad_file, &bad).expect("write");
    let out = common::run(&["directory", "import", bad_file.to_str().expect("path")], data.path(), "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("line 4, level: not a whole number"), "{stderr}");
    assert!(stderr.contains("line 8, manager_id: names no one in this file or the directory"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    let listed = common::run(&["directory", "list"], data.path(), "");
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 1, "only the header: nothing imported");

    std::fs::write(&bad_file, SAMPLE_DIRECTORY).expect("write");
    let out = common::run(&["directory", "import", bad_file.to_str().expect("path")], data.path(), "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("10 added, 0 updated, 0 unchanged"));
    let again = common::run(&["directory", "import", bad_file.to_str().expect("path")], data.path(), "");
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 added, 0 updated, 10 unchanged"));
    let listed = common::run(&["directory", "list"], data.path(), "");
    assert!(String::from_utf8_lossy(&listed.stdout).contains("E320\tSun Hao\tsun.hao@demo.ombud.example\tE300"));

    // A sync token from the command line works against the server, once.
    let created = common::run(&["directory", "token", "create", "--label", "HR system"], data.path(), "");
    let printed = String::from_utf8_lossy(&created.stdout);
    let token = printed.lines().find_map(|l| l.strip_prefix("Authorization: Bearer ")).expect("token").to_owned();
    let logs = tempfile::tempdir().expect("dir");
    let server = common::serve(&[], data.path(), &logs.path().join("serve.log"), "info").await;
    let client = reqwest::Client::new();
    let users = format!("{}/scim/v2/Users?filter=userName%20eq%20%22SUN.HAO@demo.ombud.example%22", server.base);
    let found: Value = client.get(&users).bearer_auth(&token).send().await.expect("scim").json().await.expect("json");
    assert_eq!(found["totalResults"], 1);
    assert_eq!(
        found["Resources"][0]["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["employeeNumber"],
        "E320"
    );
    assert_eq!(client.get(&users).bearer_auth("ombud_scim_guess").send().await.expect("scim").status(), 401);
    drop(server);
    let listed = common::run(&["directory", "token", "list"], data.path(), "");
    let id = String::from_utf8_lossy(&listed.stdout).split('\t').next().expect("id").to_owned();
    assert!(common::run(&["directory", "token", "revoke", &id], data.path(), "").status.success());
    let server = common::serve(&[], data.path(), &logs.path().join("serve2.log"), "info").await;
    let users = format!("{}/scim/v2/Users", server.base);
    assert_eq!(client.get(&users).bearer_auth(&token).send().await.expect("scim").status(), 401, "revoked");
    // No secret of the token is kept in the data directory in clear.
    let db = std::fs::read(data.path().join("ombud.db")).expect("db");
    assert!(!db.windows(token.len()).any(|w| w == token.as_bytes()));
}

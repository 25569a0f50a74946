//! The ledger through the API: signed checkpoints, proofs anyone can check,
//! and a reporter's record that proves itself offline.

use ombud_domain::Role;
use ombud_ledger::{Record, VerifierKey, verify_consistency, verify_inclusion, verify_note, verify_record};
use ombud_testkit::{TestServer, backends};
use serde_json::{Value, json};

async fn get_json(s: &TestServer, path: &str) -> (u16, Value) {
    s.get_json(path, "").await
}

fn hashes(v: &Value) -> Vec<[u8; 32]> {
    v["proof"]
        .as_array()
        .expect("proof")
        .iter()
        .map(|h| ombud_ledger::unb64_hash(h.as_str().expect("b64")).expect("hash"))
        .collect()
}

#[tokio::test]
async fn checkpoints_and_proofs_verify_with_the_published_key() {
    for backend in backends() {
        let s = TestServer::start(backend).await;
        let password = s.staff("h@example.org", Role::Handler).await;
        let (_, receipt) = s.report(json!({"category": "other", "description": "one"})).await;
        s.report(json!({"category": "retaliation", "description": "two"})).await;
        let (_, key) = get_json(&s, "/api/v1/ledger/key").await;
        let key = VerifierKey::parse(key["verifier_key"].as_str().expect("key")).expect("vkey");

        let note =
            s.client().get(s.url("/api/v1/ledger/checkpoint")).send().await.expect("get").text().await.expect("text");
        let first = verify_note(&note, &key).expect("signed by the published key");
        assert_eq!(first.size, 3, "the account added, then two reports");

        // More happens: a staff member opens and answers; a reporter writes.
        let staff = s.staff_token("h@example.org", &password).await;
        let (_, list) = {
            let r = s.client().get(s.url("/api/v1/cases")).bearer_auth(&staff).send().await.expect("list");
            (r.status(), r.json::<Value>().await.expect("json"))
        };
        let id = list["cases"][1]["id"].as_str().expect("id").to_owned();
        s.client().get(s.url(&format!("/api/v1/cases/{id}"))).bearer_auth(&staff).send().await.expect("open");
        s.client()
            .post(s.url(&format!("/api/v1/cases/{id}/acknowledge")))
            .bearer_auth(&staff)
            .send()
            .await
            .expect("ack");
        let note =
            s.client().get(s.url("/api/v1/ledger/checkpoint")).send().await.expect("get").text().await.expect("text");
        let second = verify_note(&note, &key).expect("signed");
        assert_eq!(second.size, 5, "opened and acknowledged are on record");

        let (_, c) =
            get_json(&s, &format!("/api/v1/ledger/proof/consistency?from={}&to={}", first.size, second.size)).await;
        assert!(verify_consistency(first.size, second.size, &first.root, &second.root, &hashes(&c)));

        for (path, status, code) in [
            ("/api/v1/ledger/proof/inclusion?index=9&size=4", 422, "invalid_input"),
            ("/api/v1/ledger/proof/inclusion?index=0&size=99", 422, "invalid_input"),
            ("/api/v1/ledger/proof/inclusion?index=x&size=4", 400, "invalid_query"),
            ("/api/v1/ledger/proof/inclusion", 400, "invalid_query"),
            ("/api/v1/ledger/proof/consistency?from=3&to=2", 422, "invalid_input"),
            ("/api/v1/ledger/proof/consistency?from=-1&to=2", 400, "invalid_query"),
        ] {
            let (got, body) = get_json(&s, path).await;
            assert_eq!((got, body["error"]["code"].as_str()), (status, Some(code)), "{path}");
        }

        // The reporter's record proves her events offline, and a later one extends it.
        let reporter = s.reporter_token(&receipt).await;
        let record: Record = s
            .client()
            .get(s.url("/api/v1/reporter/record"))
            .bearer_auth(&reporter)
            .send()
            .await
            .expect("record")
            .json()
            .await
            .expect("json");
        let checkpoint = verify_record(&record, &key, None).expect("her record verifies");
        let kinds: Vec<&str> = record.events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["submitted", "opened_by_staff", "acknowledged"], "her case's events, and only hers");
        for e in &record.events {
            // The public proof endpoint gives the same proof, and it proves her leaf.
            let (_, api) = get_json(
                &s,
                &format!("/api/v1/ledger/proof/inclusion?index={}&size={}", e.leaf_index, checkpoint.size),
            )
            .await;
            let proof = hashes(&api);
            assert_eq!(proof.iter().map(|h| ombud_ledger::b64(h)).collect::<Vec<_>>(), e.proof);
            assert!(verify_inclusion(
                &ombud_ledger::leaf_hash(e.leaf.as_bytes()),
                e.leaf_index,
                checkpoint.size,
                &proof,
                &checkpoint.root
            ));
            assert!(!e.leaf.contains("one") && !e.leaf.contains("h@example.org"), "a leaf holds no content, no name");
        }

        s.client()
            .post(s.url("/api/v1/reporter/messages"))
            .bearer_auth(&reporter)
            .json(&json!({"body": "more"}))
            .send()
            .await
            .expect("message");
        let fetch = async |query: &str| -> Record {
            let r = s.client().get(s.url(&format!("/api/v1/reporter/record{query}"))).bearer_auth(&reporter);
            r.send().await.expect("record").json().await.expect("json")
        };
        assert_eq!(fetch("").await.events.len(), 3, "{backend:?}: her message joins at the next signed checkpoint");
        // The job loop signs the log each round; a public read signs it as well.
        s.client().get(s.url("/api/v1/ledger/checkpoint")).send().await.expect("sign");
        let before = s.database_snapshot().await;
        let unproven = fetch("").await;
        assert_eq!(unproven.events.len(), 4);
        assert!(unproven.consistency.is_empty(), "{backend:?}: nothing remembers what she was given before");
        assert!(verify_record(&unproven, &key, Some(&record)).is_err(), "{backend:?}: so it proves nothing alone");
        let newer = fetch(&format!("?since={}", checkpoint.size)).await;
        assert_eq!(s.database_snapshot().await, before, "{backend:?}: downloading her record wrote nothing");
        assert_eq!(newer.consistency.len(), 1, "proves it extends the checkpoint she names");
        verify_record(&newer, &key, Some(&record)).expect("the newer record extends the earlier");
        for (query, status) in [("?since=99999", 422), ("?since=soon", 400), ("?since=-1", 400), ("?_=1733", 200)] {
            let r = s.client().get(s.url(&format!("/api/v1/reporter/record{query}"))).bearer_auth(&reporter);
            assert_eq!(r.send().await.expect("record").status(), status, "{backend:?}: {query}");
        }
        let mut forged = newer.clone();
        forged.events.remove(0);
        assert!(verify_record(&forged, &key, Some(&record)).is_err(), "a record missing an earlier event fails");
        s.stop().await;
    }
}

#[tokio::test]
async fn the_reporter_page_lists_her_events_and_offers_the_record() {
    let s = TestServer::start(ombud_testkit::Backend::Sqlite).await;
    let (_, receipt) = s.report(json!({"category": "other", "description": "x", "language": "zh-CN"})).await;
    let browser = s.browser();
    browser.post(s.url("/follow-up?lang=zh-CN")).form(&[("receipt", receipt.as_str())]).send().await.expect("sign in");
    let page = browser.get(s.url("/follow-up")).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("处理记录") && page.contains("已收到举报"));
    let file = browser.get(s.url("/follow-up/record")).send().await.expect("record");
    assert!(file.headers()["content-disposition"].to_str().expect("ascii").contains("ombud-record-OMB-"));
    let kept = file.bytes().await.expect("bytes").to_vec();
    let record: Record = serde_json::from_slice(&kept).expect("a record");
    let key = VerifierKey::parse(&record.verifier_key).expect("key");
    verify_record(&record, &key, None).expect("verifies");

    // Later she writes, the log is signed again, and she chooses the record
    // she kept: the new one proves it extends it.
    let reply = reqwest::multipart::Form::new().text("body", "补充一点");
    browser.post(s.url("/follow-up/reply")).multipart(reply).send().await.expect("reply");
    s.client().get(s.url("/api/v1/ledger/checkpoint")).send().await.expect("sign");
    let choose = |bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("ombud-record.json").mime_str("application/json");
        reqwest::multipart::Form::new().part("earlier", part.expect("mime"))
    };
    let newer = browser.post(s.url("/follow-up/record")).multipart(choose(kept)).send().await.expect("record");
    assert_eq!(newer.status(), 200);
    let newer: Record = serde_json::from_slice(&newer.bytes().await.expect("bytes")).expect("a record");
    assert_eq!(newer.events.len(), record.events.len() + 1, "her message is on it");
    verify_record(&newer, &key, Some(&record)).expect("and it proves it extends the one she kept");

    // A file that is not a record, or a record of another Ombud, is refused
    // beside the field, in her language.
    let mut forged = record.clone();
    forged.checkpoint = forged.checkpoint.replace("\n\n", "\n\n— someone-else AAAA\n");
    forged.checkpoint = forged.checkpoint.replacen(char::is_numeric, "9", 1);
    for (bytes, says) in [
        (b"not json at all".to_vec(), "这个文件不是处理记录"),
        (serde_json::to_vec(&forged).expect("json"), "这份记录不是由本 Ombud 签名的"),
    ] {
        let refused = browser.post(s.url("/follow-up/record")).multipart(choose(bytes)).send().await.expect("record");
        assert_eq!(refused.status(), 422);
        assert!(refused.text().await.expect("html").contains(says), "{says}");
    }
    let about = s.client().get(s.url("/about")).send().await.expect("about").text().await.expect("html");
    assert!(about.contains(&record.verifier_key));
    s.stop().await;
}

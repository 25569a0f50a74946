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
        let newer: Record = s
            .client()
            .get(s.url("/api/v1/reporter/record"))
            .bearer_auth(&reporter)
            .send()
            .await
            .expect("record")
            .json()
            .await
            .expect("json");
        assert_eq!(newer.events.len(), 4);
        assert_eq!(newer.consistency.len(), 1, "proves it extends the checkpoint she was given");
        verify_record(&newer, &key, Some(&record)).expect("the newer record extends the earlier");
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
    let record: Record = serde_json::from_slice(&file.bytes().await.expect("bytes")).expect("a record");
    let key = VerifierKey::parse(&record.verifier_key).expect("key");
    verify_record(&record, &key, None).expect("verifies");
    let about = s.client().get(s.url("/about")).send().await.expect("about").text().await.expect("html");
    assert!(about.contains(&record.verifier_key));
    s.stop().await;
}

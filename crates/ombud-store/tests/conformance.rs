//! The storage contract, checked against SQLite (a fresh file per test)
//! and PostgreSQL (a fresh database per test, when
//! `OMBUD_TEST_POSTGRES_URL` names a server). The list of checks is written
//! once, in the `conformance!` call below.

use jiff::{SignedDuration, Timestamp};
use ombud_domain::{AttachmentId, CaseId, CaseStatus, Category, DeadlineKind, EventKind, MessageId, Role, StaffId};
use ombud_store::*;

/// A fresh, migrated SQLite store, and the directory that holds it.
async fn sqlite() -> Option<(SqlStore, tempfile::TempDir)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqlStore::open(&dir.path().join("ombud.db")).await.expect("open");
    Some((store, dir))
}

/// A fresh PostgreSQL database, dropped when the guard is.
async fn postgres() -> Option<(SqlStore, testdb::Database)> {
    testdb::fresh_store().await
}

/// One `#[tokio::test]` per check and database.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _dir) = super::sqlite().await.expect("sqlite");
                    super::$name(&store).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some((store, db)) = super::postgres().await else {
                        eprintln!("skipped: set OMBUD_TEST_POSTGRES_URL to run the PostgreSQL suite");
                        return;
                    };
                    super::$name(&store).await;
                    store.pool().close().await;
                    db.drop().await;
                }
            )*
        }
    };
}

conformance!(
    meta_is_written_once,
    staff_accounts_are_unique_by_email,
    a_case_round_trips_with_everything_it_was_written_with,
    inbox_is_newest_first_and_only_what_was_granted,
    new_readers_get_pending_grants_that_a_reader_completes,
    messages_and_attachments_stay_with_their_case,
    acknowledge_is_compare_and_set,
    events_come_back_in_order,
    every_event_becomes_a_ledger_leaf,
    concurrent_appends_get_distinct_contiguous_indexes,
    checkpoints_and_record_downloads_round_trip,
    due_deadlines_escalate_once_and_reach_oversight,
    reminders_and_the_outbox_hand_each_notice_out_once,
    a_lease_has_one_holder_at_a_time,
    requests_changes_and_proceedings_are_kept_with_their_case,
    the_directory_is_written_whole_and_counts_its_revisions,
    api_tokens_are_found_by_hash_until_revoked,
    parties_are_kept_as_tokens_and_found_by_token,
    an_exclusion_removes_access_and_its_lifting_restores_a_pending_grant,
    a_new_reader_is_kept_out_of_cases_she_is_excluded_from,
);

/// Events as written, before the ledger gave them an index.
fn plain(events: Vec<EventRecord>) -> Vec<EventRecord> {
    events.into_iter().map(|e| EventRecord { leaf_index: None, ..e }).collect()
}

fn t(secs: i64) -> Timestamp {
    Timestamp::from_second(1_780_000_000 + secs).expect("time in range")
}

fn staff(email: &str, role: Role) -> StaffRecord {
    StaffRecord {
        id: StaffId::new(),
        email: email.to_owned(),
        name: format!("Name of {email}"),
        role,
        created_at: t(0),
        public_key: vec![1; 32],
        sealed_secret: vec![2; 60],
        lang: "en".to_owned(),
        time_zone: None,
    }
}

fn new_case(reference: &str, received: Timestamp, readers: &[StaffId]) -> NewCase {
    let id = CaseId::new();
    NewCase {
        case: CaseRecord {
            id,
            reference: reference.to_owned(),
            category: Category::SexualHarassment,
            status: CaseStatus::Received,
            received_at: received,
            acknowledged_at: None,
            updated_at: received,
            escalated_at: None,
        },
        sealed_report: format!("sealed report {reference}").into_bytes(),
        attachments: vec![NewAttachment {
            meta: AttachmentMeta {
                id: AttachmentId::new(),
                case_id: id,
                message_id: None,
                created_at: received,
                size: 3,
                sealed_meta: b"meta".to_vec(),
            },
            sealed_body: vec![0, 255, 7],
        }],
        access: readers.iter().map(|s| AccessGrant { staff: *s, wrapped_key: s.as_bytes().to_vec() }).collect(),
        parties: Vec::new(),
        sealed_matches: None,
        exclusions: Vec::new(),
        requests: Vec::new(),
        receipt: ReceiptRecord {
            lookup: format!("lookup-{reference}").into_bytes(),
            case_id: id,
            kdf: vec![9; 28],
            wrapped_key: vec![8; 73],
        },
        deadlines: vec![DeadlineRow::new(
            id,
            DeadlineKind::Acknowledge,
            received + SignedDuration::from_hours(24 * 7),
            received,
        )],
        event: EventRecord::new(id, EventKind::Submitted, received, Actor::Reporter),
    }
}

async fn meta_is_written_once(store: &SqlStore) {
    assert_eq!(store.meta_get("k").await.expect("get"), None);
    assert!(store.meta_put_if_absent("k", b"first").await.expect("put"));
    assert!(!store.meta_put_if_absent("k", b"second").await.expect("put"));
    assert_eq!(store.meta_get("k").await.expect("get"), Some(b"first".to_vec()));
}

async fn staff_accounts_are_unique_by_email(store: &SqlStore) {
    let a = staff("Li.Na@example.cn", Role::Handler);
    store.create_staff(&a, &[]).await.expect("create");
    let dup = staff("li.na@EXAMPLE.cn", Role::Oversight);
    assert!(matches!(store.create_staff(&dup, &[]).await, Err(StoreError::Conflict(Unique::StaffEmail, _))));
    assert_eq!(store.staff_by_email("LI.NA@example.cn").await.expect("by email"), Some(a.clone()));
    assert_eq!(store.staff_by_id(a.id).await.expect("by id"), Some(a.clone()));
    assert_eq!(store.staff_by_id(StaffId::new()).await.expect("by id"), None);
    let b = staff("ops@example.cn", Role::Admin);
    store.create_staff(&b, &[]).await.expect("create");
    let all = store.list_staff().await.expect("list");
    assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), vec![a.id, b.id]);
}

async fn a_case_round_trips_with_everything_it_was_written_with(store: &SqlStore) {
    let h = staff("h@example.org", Role::Handler);
    store.create_staff(&h, &[]).await.expect("staff");
    let new = new_case("OMB-AAAA-0001", t(100), &[h.id]);
    store.create_case(&new).await.expect("create");
    let id = new.case.id;
    assert_eq!(store.case(id).await.expect("case"), Some(new.case.clone()));
    assert_eq!(store.case(CaseId::new()).await.expect("case"), None);
    assert_eq!(store.report(id).await.expect("report"), Some(new.sealed_report.clone()));
    let metas = store.attachments(id).await.expect("attachments");
    assert_eq!(metas, vec![new.attachments[0].meta.clone()]);
    assert_eq!(store.attachment_body(id, metas[0].id).await.expect("body"), Some(vec![0, 255, 7]));
    let access = store.access(id, h.id).await.expect("access").expect("granted");
    assert_eq!(access.wrapped_key, Some(h.id.as_bytes().to_vec()));
    assert_eq!(store.receipt(&new.receipt.lookup).await.expect("receipt"), Some(new.receipt.clone()));
    assert_eq!(store.receipt(b"no such lookup").await.expect("receipt"), None);
    assert_eq!(plain(store.events(id).await.expect("events")), vec![new.event.clone()]);
    // A second case may not reuse a reference.
    let mut clash = new_case("OMB-AAAA-0001", t(101), &[]);
    clash.receipt.lookup = b"other".to_vec();
    assert!(matches!(store.create_case(&clash).await, Err(StoreError::Conflict(Unique::CaseReference, _))));
    assert_eq!(store.case(clash.case.id).await.expect("case"), None, "a failed create leaves nothing behind");
}

async fn inbox_is_newest_first_and_only_what_was_granted(store: &SqlStore) {
    let a = staff("a@example.org", Role::Handler);
    let b = staff("b@example.org", Role::Handler);
    store.create_staff(&a, &[]).await.expect("staff");
    store.create_staff(&b, &[]).await.expect("staff");
    let older = new_case("OMB-OLD", t(10), &[a.id]);
    let newer = new_case("OMB-NEW", t(20), &[a.id, b.id]);
    store.create_case(&older).await.expect("create");
    store.create_case(&newer).await.expect("create");
    let inbox_a: Vec<String> =
        store.inbox(a.id, 50).await.expect("inbox").into_iter().map(|e| e.case.reference).collect();
    assert_eq!(inbox_a, vec!["OMB-NEW", "OMB-OLD"]);
    let inbox_b = store.inbox(b.id, 50).await.expect("inbox");
    assert_eq!(inbox_b.len(), 1);
    assert!(!inbox_b[0].access_pending);
    assert_eq!(store.inbox(a.id, 1).await.expect("inbox").len(), 1);
    assert_eq!(store.access(older.case.id, b.id).await.expect("access"), None);
    let filter = CaseFilter { reference_prefix: Some("OMB-O".into()), status: None };
    let found = store.search_cases(a.id, &filter, 50).await.expect("search");
    assert_eq!(found.iter().map(|e| e.case.reference.as_str()).collect::<Vec<_>>(), vec!["OMB-OLD"]);
    assert!(store.search_cases(b.id, &filter, 50).await.expect("search").is_empty(), "only what she may read");
    let filter = CaseFilter { reference_prefix: None, status: Some(CaseStatus::Acknowledged) };
    assert!(store.search_cases(a.id, &filter, 50).await.expect("search").is_empty());
    assert_eq!(store.case_counts(a.id).await.expect("counts"), vec![(CaseStatus::Received, 2)]);
    assert_eq!(store.case_counts(b.id).await.expect("counts"), vec![(CaseStatus::Received, 1)]);
}

async fn new_readers_get_pending_grants_that_a_reader_completes(store: &SqlStore) {
    let first = staff("first@example.org", Role::Handler);
    store.create_staff(&first, &[]).await.expect("staff");
    let case = new_case("OMB-PEND", t(0), &[first.id]);
    store.create_case(&case).await.expect("create");
    let later = staff("later@example.org", Role::Oversight);
    let admin = staff("admin@example.org", Role::Admin);
    store.create_staff(&later, &[]).await.expect("staff");
    store.create_staff(&admin, &[]).await.expect("staff");
    let pending = store.pending_grants(case.case.id).await.expect("pending");
    assert_eq!(pending, vec![PendingGrant { staff: later.id, public_key: later.public_key.clone() }]);
    let inbox = store.inbox(later.id, 10).await.expect("inbox");
    assert!(inbox[0].access_pending);
    assert!(store.inbox(admin.id, 10).await.expect("inbox").is_empty(), "an administrator reads no case");
    let event = EventRecord::new(case.case.id, EventKind::AccessGranted, t(5), Actor::Staff(first.id));
    store.complete_grant(case.case.id, later.id, b"wrapped", &event).await.expect("complete");
    assert!(store.pending_grants(case.case.id).await.expect("pending").is_empty());
    let access = store.access(case.case.id, later.id).await.expect("access").expect("row");
    assert_eq!(access.wrapped_key, Some(b"wrapped".to_vec()));
    assert!(plain(store.events(case.case.id).await.expect("events")).contains(&event));
}

async fn messages_and_attachments_stay_with_their_case(store: &SqlStore) {
    let h = staff("h@example.org", Role::Handler);
    store.create_staff(&h, &[]).await.expect("staff");
    let one = new_case("OMB-ONE", t(0), &[h.id]);
    let two = new_case("OMB-TWO", t(1), &[h.id]);
    store.create_case(&one).await.expect("create");
    store.create_case(&two).await.expect("create");
    let from_reporter = MessageRecord {
        id: MessageId::new(),
        case_id: one.case.id,
        created_at: t(10),
        author: Actor::Reporter,
        sealed_body: b"m1".to_vec(),
    };
    let attachment = NewAttachment {
        meta: AttachmentMeta {
            id: AttachmentId::new(),
            case_id: one.case.id,
            message_id: Some(from_reporter.id),
            created_at: t(10),
            size: 2,
            sealed_meta: b"meta2".to_vec(),
        },
        sealed_body: b"xy".to_vec(),
    };
    let event = EventRecord::new(one.case.id, EventKind::MessageFromReporter, t(10), Actor::Reporter);
    store.add_message(&from_reporter, std::slice::from_ref(&attachment), &event).await.expect("add");
    let from_staff = MessageRecord {
        id: MessageId::new(),
        case_id: one.case.id,
        created_at: t(20),
        author: Actor::Staff(h.id),
        sealed_body: b"m2".to_vec(),
    };
    let event2 = EventRecord::new(one.case.id, EventKind::MessageFromStaff, t(20), Actor::Staff(h.id));
    store.add_message(&from_staff, &[], &event2).await.expect("add");
    assert_eq!(store.messages(one.case.id).await.expect("messages"), vec![from_reporter, from_staff]);
    assert!(store.messages(two.case.id).await.expect("messages").is_empty());
    assert_eq!(store.attachments(one.case.id).await.expect("attachments").len(), 2);
    assert_eq!(store.attachment_body(one.case.id, attachment.meta.id).await.expect("body"), Some(b"xy".to_vec()));
    assert_eq!(store.attachment_body(two.case.id, attachment.meta.id).await.expect("body"), None);
    let updated = store.case(one.case.id).await.expect("case").expect("exists");
    assert_eq!(updated.updated_at, t(20), "a message marks the case as updated");
}

async fn acknowledge_is_compare_and_set(store: &SqlStore) {
    let h = staff("h@example.org", Role::Handler);
    store.create_staff(&h, &[]).await.expect("staff");
    let case = new_case("OMB-ACK", t(0), &[h.id]);
    store.create_case(&case).await.expect("create");
    let event = EventRecord::new(case.case.id, EventKind::Acknowledged, t(50), Actor::Staff(h.id));
    let (from, to) = (CaseStatus::Received, CaseStatus::Acknowledged);
    let feedback = DeadlineRow::new(case.case.id, DeadlineKind::Feedback, t(90 * 24 * 3600), t(50));
    let step = |at: Timestamp, event: EventRecord, new_deadlines: Vec<DeadlineRow>| TransitionRecord {
        id: uuid::Uuid::now_v7(),
        case_id: case.case.id,
        step: "acknowledge".into(),
        from,
        to,
        at,
        actor: Actor::Staff(h.id),
        sealed_reason: None,
        meets: vec![DeadlineKind::Acknowledge],
        new_deadlines,
        event,
    };
    assert!(store.transition(&step(t(50), event, vec![feedback])).await.expect("ack"));
    let again = EventRecord::new(case.case.id, EventKind::Acknowledged, t(60), Actor::Staff(h.id));
    let other = DeadlineRow::new(case.case.id, DeadlineKind::Feedback, t(6000), t(60));
    assert!(!store.transition(&step(t(60), again, vec![other])).await.expect("ack"));
    assert_eq!(store.transitions(case.case.id).await.expect("steps").len(), 1, "the refused step left no record");
    let c = store.case(case.case.id).await.expect("case").expect("exists");
    assert_eq!((c.status, c.acknowledged_at), (to, Some(t(50))));
    let deadlines = store.deadlines(case.case.id).await.expect("deadlines");
    let summary: Vec<(DeadlineKind, Timestamp, Option<Timestamp>)> =
        deadlines.iter().map(|d| (d.kind, d.due_at, d.met_at)).collect();
    assert_eq!(
        summary,
        vec![
            (DeadlineKind::Acknowledge, t(7 * 24 * 3600), Some(t(50))),
            (DeadlineKind::Feedback, t(90 * 24 * 3600), None)
        ],
        "acknowledging meets its deadline and opens exactly one feedback deadline"
    );
    let events = store.events(case.case.id).await.expect("events");
    assert_eq!(
        events.iter().filter(|e| e.kind == EventKind::Acknowledged).count(),
        1,
        "a refused move records nothing"
    );
}

async fn events_come_back_in_order(store: &SqlStore) {
    let case = new_case("OMB-EVT", t(0), &[]);
    store.create_case(&case).await.expect("create");
    let h = staff("h@example.org", Role::Handler);
    store.create_staff(&h, &[]).await.expect("staff");
    let later = EventRecord::new(case.case.id, EventKind::OpenedByStaff, t(30), Actor::Staff(h.id));
    store.record_event(&later).await.expect("record");
    let system = EventRecord::new(case.case.id, EventKind::OpenedByStaff, t(40), Actor::System);
    store.record_event(&system).await.expect("record");
    let kinds: Vec<(EventKind, Actor)> =
        store.events(case.case.id).await.expect("events").into_iter().map(|e| (e.kind, e.actor)).collect();
    assert_eq!(
        kinds,
        vec![
            (EventKind::Submitted, Actor::Reporter),
            (EventKind::OpenedByStaff, Actor::Staff(h.id)),
            (EventKind::OpenedByStaff, Actor::System)
        ]
    );
}

async fn every_event_becomes_a_ledger_leaf(store: &SqlStore) {
    assert_eq!(store.ledger_size().await.expect("size"), 0);
    let one = new_case("OMB-LEDG-0001", t(0), &[]);
    store.create_case(&one).await.expect("create");
    let two = new_case("OMB-LEDG-0002", t(1), &[]);
    store.create_case(&two).await.expect("create");
    let later = EventRecord::new(one.case.id, EventKind::OpenedByStaff, t(5), Actor::System).with_payload(b"sealed");
    store.record_event(&later).await.expect("record");
    assert_eq!(store.ledger_size().await.expect("size"), 3);
    let entries = store.ledger_entries(0, 100).await.expect("entries");
    assert_eq!(entries.iter().map(|e| e.event.leaf_index).collect::<Vec<_>>(), vec![Some(0), Some(1), Some(2)]);
    assert_eq!(entries[2].case_ref, "OMB-LEDG-0001");
    assert_eq!(entries[2].event.payload_hash, ombud_ledger::payload_hash(b"sealed"));
    assert_eq!(store.unindexed_events().await.expect("count"), 0);
    // The stored leaves are the events' leaves, and the stored tree has the right root.
    let leaves: Vec<Hash> = entries.iter().map(|e| crate::ledger::event_leaf(&e.event, &e.case_ref).hash()).collect();
    let stored: Vec<Hash> = store.ledger_level(0, 0, 100).await.expect("level 0").into_iter().map(|(_, h)| h).collect();
    assert_eq!(stored, leaves);
    let expected = ombud_ledger::node_hash(&ombud_ledger::node_hash(&leaves[0], &leaves[1]), &leaves[2]);
    let ids = ombud_ledger::needed(|get| ombud_ledger::root(3, get));
    let nodes = store.ledger_nodes(&ids).await.expect("nodes");
    let map: std::collections::HashMap<NodeId, Hash> =
        ids.into_iter().zip(nodes).filter_map(|(id, h)| Some((id, h?))).collect();
    let root = ombud_ledger::root(3, &mut |id| {
        map.get(&id).copied().ok_or(ombud_ledger::LedgerError::MissingNode { level: id.level, index: id.index })
    });
    assert_eq!(root, Ok(expected));
    assert_eq!(store.events(one.case.id).await.expect("events").len(), 2);
}

async fn concurrent_appends_get_distinct_contiguous_indexes(store: &SqlStore) {
    let case = new_case("OMB-CONC-0001", t(0), &[]);
    store.create_case(&case).await.expect("create");
    let events: Vec<EventRecord> =
        (0..16).map(|i| EventRecord::new(case.case.id, EventKind::OpenedByStaff, t(10 + i), Actor::System)).collect();
    let results = futures::future::join_all(events.iter().map(|e| store.record_event(e))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(store.ledger_size().await.expect("size"), 17);
    let mut indexes: Vec<u64> =
        store.events(case.case.id).await.expect("events").iter().filter_map(|e| e.leaf_index).collect();
    indexes.sort_unstable();
    assert_eq!(indexes, (0..17).collect::<Vec<u64>>());
    assert_eq!(store.ledger_level(0, 0, 100).await.expect("leaves").len(), 17);
}

async fn checkpoints_and_record_downloads_round_trip(store: &SqlStore) {
    assert_eq!(store.latest_checkpoint().await.expect("latest"), None);
    let first = CheckpointRow { size: 3, root: [1; 32], note: "note 3".into(), created_at: t(0) };
    let second = CheckpointRow { size: 9, root: [2; 32], note: "note 9".into(), created_at: t(60) };
    store.put_checkpoint(&second).await.expect("put");
    store.put_checkpoint(&first).await.expect("put");
    store.put_checkpoint(&CheckpointRow { note: "other".into(), ..first.clone() }).await.expect("a repeat is ignored");
    assert_eq!(store.checkpoints().await.expect("all"), vec![first, second.clone()]);
    assert_eq!(store.latest_checkpoint().await.expect("latest"), Some(second));
    let case = new_case("OMB-DOWN-0001", t(0), &[]);
    store.create_case(&case).await.expect("create");
    store.note_record_download(case.case.id, 9).await.expect("note");
    store.note_record_download(case.case.id, 3).await.expect("note");
    store.note_record_download(case.case.id, 9).await.expect("again");
    assert_eq!(store.record_downloads(case.case.id).await.expect("downloads"), vec![3, 9]);
}

async fn due_deadlines_escalate_once_and_reach_oversight(store: &SqlStore) {
    let handler = staff("h@example.org", Role::Handler);
    let watcher = staff("o@example.org", Role::Oversight);
    let outsider = staff("x@example.org", Role::Oversight);
    for s in [&handler, &watcher, &outsider] {
        store.create_staff(s, &[]).await.expect("staff");
    }
    let late = new_case("OMB-LATE-0001", t(0), &[handler.id, watcher.id]);
    let fresh = new_case("OMB-FRSH-0001", t(6 * 24 * 3600), &[handler.id, watcher.id]);
    store.create_case(&late).await.expect("create");
    store.create_case(&fresh).await.expect("create");
    let now = t(8 * 24 * 3600);
    let due = store.due_deadlines(now, 100).await.expect("due");
    assert_eq!(due.len(), 1, "only the deadline that passed");
    assert_eq!((due[0].case_ref.as_str(), due[0].deadline.kind), ("OMB-LATE-0001", DeadlineKind::Acknowledge));
    let escalation = NewEscalation {
        id: uuid::Uuid::now_v7(),
        case_id: late.case.id,
        deadline_id: Some(due[0].deadline.id),
        cause: EscalationCause::MissedDeadline,
        at: now,
        event: EventRecord::new(late.case.id, EventKind::Escalated, now, Actor::System),
    };
    assert!(store.escalate(&escalation).await.expect("escalate"));
    let twice = NewEscalation {
        id: uuid::Uuid::now_v7(),
        event: EventRecord::new(late.case.id, EventKind::Escalated, now, Actor::System),
        ..escalation.clone()
    };
    assert!(!store.escalate(&twice).await.expect("escalate again"), "a second sweep finds it already escalated");
    assert!(store.due_deadlines(now, 100).await.expect("due").is_empty());
    assert_eq!(store.case(late.case.id).await.expect("case").expect("exists").escalated_at, Some(now));
    let queue = store.escalations(watcher.id, 10).await.expect("queue");
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].deadline, Some((DeadlineKind::Acknowledge, t(7 * 24 * 3600))));
    assert_eq!(queue[0].cause, EscalationCause::MissedDeadline);
    assert!(store.escalations(outsider.id, 10).await.expect("queue").is_empty(), "only those who may read the case");
    assert_eq!(store.case_escalations(late.case.id).await.expect("case escalations").len(), 1);
    let events = store.events(late.case.id).await.expect("events");
    assert_eq!(events.iter().filter(|e| e.kind == EventKind::Escalated).count(), 1);
    // Her own escalation needs no deadline.
    let hers = NewEscalation {
        id: uuid::Uuid::now_v7(),
        case_id: fresh.case.id,
        deadline_id: None,
        cause: EscalationCause::Reporter,
        at: now,
        event: EventRecord::new(fresh.case.id, EventKind::Escalated, now, Actor::Reporter),
    };
    assert!(store.escalate(&hers).await.expect("escalate"));
    assert_eq!(store.escalations(watcher.id, 10).await.expect("queue").len(), 2);
}

async fn reminders_and_the_outbox_hand_each_notice_out_once(store: &SqlStore) {
    let handler = staff("h@example.org", Role::Handler);
    let watcher = staff("o@example.org", Role::Oversight);
    store.create_staff(&handler, &[]).await.expect("staff");
    store.create_staff(&watcher, &[]).await.expect("staff");
    store.set_staff_lang(handler.id, "zh-CN").await.expect("lang");
    assert_eq!(store.staff_by_id(handler.id).await.expect("staff").map(|s| s.lang), Some("zh-CN".to_owned()));
    store.set_staff_time_zone(handler.id, Some("Asia/Shanghai")).await.expect("zone");
    assert_eq!(
        store.staff_by_id(handler.id).await.expect("staff").and_then(|s| s.time_zone),
        Some("Asia/Shanghai".to_owned())
    );
    let case = new_case("OMB-RMND-0001", t(0), &[handler.id, watcher.id]);
    store.create_case(&case).await.expect("create");
    let due = t(7 * 24 * 3600);
    assert!(store.deadlines_to_remind(t(0), t(3600), 10).await.expect("none yet").is_empty());
    let soon = store.deadlines_to_remind(t(5 * 24 * 3600 + 1), due, 10).await.expect("remind");
    assert_eq!(soon.len(), 1);
    assert!(store.remind(soon[0].deadline.id, case.case.id, t(5 * 24 * 3600 + 1)).await.expect("remind"));
    assert!(
        !store.remind(soon[0].deadline.id, case.case.id, t(5 * 24 * 3600 + 2)).await.expect("again"),
        "reminded once"
    );
    assert!(store.deadlines_to_remind(t(5 * 24 * 3600 + 1), due, 10).await.expect("remind").is_empty());
    assert_eq!(store.outbox_unsent().await.expect("unsent"), 1, "a notice for the handler, none for oversight");

    let now = t(6 * 24 * 3600);
    let claimed = store.claim_outbox(now, now + SignedDuration::from_secs(60), 10).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    assert_eq!((claimed[0].staff_id, claimed[0].kind.as_str(), claimed[0].attempts), (handler.id, "reminder", 0));
    assert!(
        store.claim_outbox(now, now + SignedDuration::from_secs(60), 10).await.expect("claim").is_empty(),
        "claimed once"
    );
    store.outbox_failed(&claimed[0].id, now + SignedDuration::from_secs(120)).await.expect("failed");
    assert!(
        store.claim_outbox(now + SignedDuration::from_secs(61), now, 10).await.expect("claim").is_empty(),
        "waits for its retry"
    );
    let retry = store
        .claim_outbox(now + SignedDuration::from_secs(121), now + SignedDuration::from_secs(181), 10)
        .await
        .expect("claim");
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].attempts, 1, "the failed attempt is counted, nothing is lost");
    store.outbox_sent(&retry[0].id, now + SignedDuration::from_secs(122)).await.expect("sent");
    assert_eq!(store.outbox_unsent().await.expect("unsent"), 0);
    assert!(
        store.claim_outbox(t(9 * 24 * 3600), t(9 * 24 * 3600 + 60), 10).await.expect("claim").is_empty(),
        "sent once"
    );
}

async fn a_lease_has_one_holder_at_a_time(store: &SqlStore) {
    assert!(store.try_lease("jobs", "a", t(0), t(90)).await.expect("lease"));
    assert!(!store.try_lease("jobs", "b", t(10), t(100)).await.expect("lease"), "held by a");
    assert!(store.try_lease("jobs", "a", t(60), t(150)).await.expect("lease"), "a renews");
    assert!(!store.try_lease("jobs", "b", t(140), t(230)).await.expect("lease"));
    assert!(store.try_lease("jobs", "b", t(151), t(241)).await.expect("lease"), "b takes over once it expired");
}

async fn requests_changes_and_proceedings_are_kept_with_their_case(store: &SqlStore) {
    let h = staff("h@example.org", Role::Handler);
    let o = staff("o@example.org", Role::Oversight);
    store.create_staff(&h, &[]).await.expect("staff");
    store.create_staff(&o, &[]).await.expect("staff");
    let mut new = new_case("OMB-REQS-0001", t(0), &[h.id, o.id]);
    let request = RequestRow {
        id: uuid::Uuid::now_v7(),
        case_id: new.case.id,
        position: 0,
        created_at: t(0),
        answered_at: None,
        answered_by: None,
        sealed_answer: None,
    };
    let mut answer_due = DeadlineRow::new(new.case.id, DeadlineKind::RequestAnswer, t(5 * 24 * 3600), t(0));
    answer_due.subject = Some(request.id);
    new.requests.push(request.clone());
    new.deadlines.push(answer_due.clone());
    store.create_case(&new).await.expect("create");
    let id = new.case.id;
    assert_eq!(store.requests(id).await.expect("requests"), vec![request.clone()]);

    // A deadline moved with its reasons; a second move from the old date is refused.
    let ack = store
        .deadlines(id)
        .await
        .expect("deadlines")
        .into_iter()
        .find(|d| d.kind == DeadlineKind::Acknowledge)
        .expect("ack");
    let change = DeadlineChange {
        id: uuid::Uuid::now_v7(),
        deadline_id: ack.id,
        case_id: id,
        kind: "extension".into(),
        old_due: ack.due_at,
        new_due: ack.due_at + SignedDuration::from_hours(72),
        at: t(100),
        staff: h.id,
        sealed_justification: b"why".to_vec(),
        sealed_for_reporter: b"for her".to_vec(),
    };
    let moved = EventRecord::new(id, EventKind::DeadlineExtended, t(100), Actor::Staff(h.id));
    assert!(store.change_deadline(&change, &moved).await.expect("extend"));
    assert!(!store.change_deadline(&change, &moved).await.expect("stale"), "the deadline had already moved");
    let due_now =
        store.deadlines(id).await.expect("deadlines").into_iter().find(|d| d.id == ack.id).expect("ack").due_at;
    assert_eq!(due_now, change.new_due);
    let changes = store.deadline_changes(id).await.expect("changes");
    assert_eq!(
        (changes.len(), changes[0].deadline_kind, changes[0].case_ref.as_str()),
        (1, DeadlineKind::Acknowledge, "OMB-REQS-0001")
    );
    assert_eq!(store.recent_deadline_changes(o.id, 10).await.expect("changes").len(), 1, "oversight sees every change");

    // Answering a request meets its deadline, once.
    let answered = EventRecord::new(id, EventKind::RequestAnswered, t(200), Actor::Staff(h.id));
    assert!(store.answer_request(id, request.id, t(200), h.id, b"granted", &answered).await.expect("answer"));
    assert!(!store.answer_request(id, request.id, t(300), h.id, b"again", &answered).await.expect("answer"));
    let row = &store.requests(id).await.expect("requests")[0];
    assert_eq!(
        (row.answered_at, row.answered_by, row.sealed_answer.as_deref()),
        (Some(t(200)), Some(h.id), Some(&b"granted"[..]))
    );
    let met = store
        .deadlines(id)
        .await
        .expect("deadlines")
        .into_iter()
        .find(|d| d.id == answer_due.id)
        .expect("answer deadline");
    assert_eq!(met.met_at, Some(t(200)));

    // Overdue: only open deadlines past due, on cases she may read.
    let late = t(20 * 24 * 3600);
    let overdue = store.overdue(o.id, late, 10).await.expect("overdue");
    assert_eq!(overdue.iter().map(|d| d.deadline.kind).collect::<Vec<_>>(), vec![DeadlineKind::Acknowledge]);
    let stranger = staff("x@example.org", Role::Admin);
    store.create_staff(&stranger, &[]).await.expect("staff");
    assert!(store.overdue(stranger.id, late, 10).await.expect("overdue").is_empty());

    // A linked proceeding is kept, and changes no deadline.
    let before = store.deadlines(id).await.expect("deadlines");
    let p = ProceedingRow {
        id: uuid::Uuid::now_v7(),
        case_id: id,
        created_at: t(400),
        staff: h.id,
        sealed: b"police ref".to_vec(),
    };
    store
        .link_proceeding(&p, &EventRecord::new(id, EventKind::ProceedingLinked, t(400), Actor::Staff(h.id)))
        .await
        .expect("link");
    assert_eq!(store.proceedings(id).await.expect("proceedings"), vec![p]);
    assert_eq!(store.deadlines(id).await.expect("deadlines"), before);
    assert!(store.cases_in_status(o.id, CaseStatus::Received, 10).await.expect("status").iter().any(|c| c.id == id));
}

fn person(employee_id: &str, manager: Option<&str>, level: i64) -> PersonRecord {
    PersonRecord {
        employee_id: employee_id.to_owned(),
        scim_id: format!("scim-{employee_id}"),
        name: format!("Person {employee_id}"),
        email: format!("{employee_id}@example.org"),
        manager_id: manager.map(str::to_owned),
        unit: "sales".to_owned(),
        level,
        hr_partner_id: None,
        active: true,
        deleted_at: None,
        updated_at: t(0),
    }
}

async fn the_directory_is_written_whole_and_counts_its_revisions(store: &SqlStore) {
    let start = store.directory_revision().await.expect("rev");
    let people = vec![person("E2", Some("E1"), 3), person("E1", None, 7)];
    let group = GroupRecord {
        id: "g1".into(),
        display_name: "Sales".into(),
        members: vec!["scim-E1".into(), "scim-E2".into()],
        updated_at: t(1),
    };
    store
        .write_directory(&DirectoryChange {
            people: people.clone(),
            put_group: Some(group.clone()),
            delete_group: None,
        })
        .await
        .expect("write");
    assert_eq!(store.directory_revision().await.expect("rev"), start + 1);
    let stored = store.directory().await.expect("directory");
    assert_eq!(stored, vec![people[1].clone(), people[0].clone()], "ordered by employee id");
    assert_eq!(store.groups().await.expect("groups"), vec![group]);
    // A replace keeps one row per employee id; a deleted person stays in the graph.
    let mut moved = person("E2", None, 3);
    moved.deleted_at = Some(t(9));
    moved.active = false;
    let change = DirectoryChange { people: vec![moved.clone()], put_group: None, delete_group: Some("g1".into()) };
    store.write_directory(&change).await.expect("write");
    let stored = store.directory().await.expect("directory");
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1], moved);
    assert!(store.groups().await.expect("groups").is_empty());
    // A clash of SCIM ids fails whole: nothing of the change is written.
    let mut clash = person("E3", None, 1);
    clash.scim_id = "scim-E1".into();
    let change = DirectoryChange { people: vec![person("E4", None, 1), clash], ..Default::default() };
    assert!(matches!(store.write_directory(&change).await, Err(StoreError::Conflict(Unique::PersonScimId, _))));
    assert_eq!(store.directory().await.expect("directory").len(), 2, "nothing half-written");
    assert_eq!(store.directory_revision().await.expect("rev"), start + 2);
}

async fn api_tokens_are_found_by_hash_until_revoked(store: &SqlStore) {
    let token = ApiTokenRecord {
        id: uuid::Uuid::now_v7(),
        token_hash: vec![1; 32],
        label: "HR sync".into(),
        created_at: t(0),
        created_by: None,
        revoked_at: None,
    };
    store.create_api_token(&token).await.expect("create");
    assert_eq!(store.api_token(&[1; 32]).await.expect("find"), Some(token.clone()));
    assert_eq!(store.api_token(&[2; 32]).await.expect("find"), None);
    assert!(store.revoke_api_token(token.id, t(5)).await.expect("revoke"));
    assert!(!store.revoke_api_token(token.id, t(6)).await.expect("revoke"), "once");
    assert_eq!(store.api_token(&[1; 32]).await.expect("find"), None);
    assert_eq!(store.api_tokens().await.expect("list")[0].revoked_at, Some(t(5)));
}

async fn parties_are_kept_as_tokens_and_found_by_token(store: &SqlStore) {
    let mut new = new_case("OMB-PARTY", t(0), &[]);
    let id = new.case.id;
    new.parties = vec![
        CasePartyRow { position: 0, token: vec![1; 32], role: ombud_domain::PersonRole::Accused },
        CasePartyRow { position: 1, token: vec![2; 32], role: ombud_domain::PersonRole::Witness },
    ];
    new.sealed_matches = Some(b"sealed matches".to_vec());
    store.create_case(&new).await.expect("create");
    store.create_case(&new_case("OMB-OTHER", t(1), &[])).await.expect("create");
    assert_eq!(store.case_parties(id).await.expect("parties"), new.parties);
    assert_eq!(store.case_party_matches(id).await.expect("matches"), Some(b"sealed matches".to_vec()));
    assert_eq!(store.cases_naming(&[vec![2; 32], vec![3; 32]]).await.expect("naming"), vec![id]);
    let many: Vec<Vec<u8>> = (0..1200u32).map(|i| i.to_be_bytes().to_vec()).chain([vec![1; 32]]).collect();
    assert_eq!(store.cases_naming(&many).await.expect("naming"), vec![id], "long lists are chunked");
    let update = PartiesUpdate {
        case_id: id,
        rows: vec![CasePartyRow { position: 0, token: vec![4; 32], role: ombud_domain::PersonRole::Accused }],
        sealed_matches: b"corrected".to_vec(),
        at: t(3),
        event: EventRecord::new(id, EventKind::PeopleMatched, t(3), Actor::System),
    };
    store.set_case_parties(&update).await.expect("update");
    assert_eq!(store.case_parties(id).await.expect("parties"), update.rows);
    assert!(store.cases_naming(&[vec![1; 32]]).await.expect("naming").is_empty());
    assert_eq!(store.case_party_matches(id).await.expect("matches"), Some(b"corrected".to_vec()));
}

async fn an_exclusion_removes_access_and_its_lifting_restores_a_pending_grant(store: &SqlStore) {
    let (a, b, o) =
        (staff("a@x.org", Role::Handler), staff("b@x.org", Role::Handler), staff("o@x.org", Role::Oversight));
    for s in [&a, &b, &o] {
        store.create_staff(s, &[]).await.expect("staff");
    }
    let new = new_case("OMB-EXCL", t(0), &[a.id, b.id, o.id]);
    let id = new.case.id;
    store.create_case(&new).await.expect("create");
    let excl = |staff: StaffId, reason| ExclusionRow { case_id: id, staff_id: staff, reason, at: t(2) };
    let event = || EventRecord::new(id, EventKind::AccessChanged, t(2), Actor::System);
    let rows = vec![excl(b.id, ombud_domain::ExclusionReason::ManagementChain)];
    assert!(store.set_exclusions(id, &rows, t(2), &event()).await.expect("set"));
    assert!(!store.set_exclusions(id, &rows, t(3), &event()).await.expect("set"), "no change, nothing written");
    assert_eq!(store.access(id, b.id).await.expect("access"), None, "access and key gone at once");
    assert!(store.inbox(b.id, 10).await.expect("inbox").is_empty());
    assert!(store.access(id, a.id).await.expect("access").is_some());
    assert_eq!(store.exclusions(id).await.expect("exclusions"), rows);
    let seen = store.visible_exclusions(o.id, 10).await.expect("visible");
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].case_ref.as_str(), seen[0].exclusion.staff_id), ("OMB-EXCL", b.id));
    assert!(store.visible_exclusions(b.id, 10).await.expect("visible").is_empty(), "she learns nothing");
    // Lifted: she is back, pending a wrap; the others keep their keys.
    assert!(store.set_exclusions(id, &[], t(4), &event()).await.expect("set"));
    let back = store.access(id, b.id).await.expect("access").expect("row");
    assert_eq!(back.wrapped_key, None);
    assert_eq!(
        store.access(id, a.id).await.expect("access").and_then(|r| r.wrapped_key),
        Some(a.id.as_bytes().to_vec())
    );
    let kinds: Vec<EventKind> = store.events(id).await.expect("events").into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == EventKind::AccessChanged).count(), 2);
    // A declaration stays, whatever a later list says.
    let declared = vec![excl(a.id, ombud_domain::ExclusionReason::Declared)];
    assert!(store.set_exclusions(id, &declared, t(5), &event()).await.expect("set"));
    assert!(!store.set_exclusions(id, &[], t(6), &event()).await.expect("set"), "a re-route cannot lift it");
    let named = vec![excl(a.id, ombud_domain::ExclusionReason::Named)];
    assert!(!store.set_exclusions(id, &named, t(6), &event()).await.expect("set"), "nor change its reason");
    assert_eq!(store.exclusions(id).await.expect("exclusions"), declared);
    assert_eq!(store.access(id, a.id).await.expect("access"), None);
}

async fn a_new_reader_is_kept_out_of_cases_she_is_excluded_from(store: &SqlStore) {
    let first = staff("first@x.org", Role::Handler);
    store.create_staff(&first, &[]).await.expect("staff");
    let (one, two) = (new_case("OMB-ONE", t(0), &[first.id]), new_case("OMB-TWO", t(1), &[first.id]));
    store.create_case(&one).await.expect("create");
    store.create_case(&two).await.expect("create");
    let late = staff("late@x.org", Role::Handler);
    let rows = vec![ExclusionRow {
        case_id: one.case.id,
        staff_id: late.id,
        reason: ombud_domain::ExclusionReason::Named,
        at: t(5),
    }];
    store.create_staff(&late, &rows).await.expect("staff");
    let inbox: Vec<String> =
        store.inbox(late.id, 10).await.expect("inbox").into_iter().map(|e| e.case.reference).collect();
    assert_eq!(inbox, vec!["OMB-TWO"]);
    assert!(store.pending_grants(one.case.id).await.expect("pending").is_empty());
    assert_eq!(store.exclusions(one.case.id).await.expect("exclusions"), rows);
}

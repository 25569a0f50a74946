//! Cases, staff, access, messages, acknowledgement and events.

use super::*;

pub(crate) async fn meta_is_written_once(store: &SqlStore) {
    assert_eq!(store.meta_get("k").await.expect("get"), None);
    assert!(store.meta_put_if_absent("k", b"first").await.expect("put"));
    assert!(!store.meta_put_if_absent("k", b"second").await.expect("put"));
    assert_eq!(store.meta_get("k").await.expect("get"), Some(b"first".to_vec()));
}

pub(crate) async fn staff_accounts_are_unique_by_email(store: &SqlStore) {
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

pub(crate) async fn a_case_round_trips_with_everything_it_was_written_with(store: &SqlStore) {
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

pub(crate) async fn inbox_is_newest_first_and_only_what_was_granted(store: &SqlStore) {
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
    let filter = CaseFilter { reference: Some(ReferenceSearch::Prefix("OMB-O".into())), ..Default::default() };
    let found = store.search_cases(a.id, &filter, 50).await.expect("search");
    assert_eq!(found.iter().map(|e| e.case.reference.as_str()).collect::<Vec<_>>(), vec!["OMB-OLD"]);
    assert!(store.search_cases(b.id, &filter, 50).await.expect("search").is_empty(), "only what she may read");
    let filter = CaseFilter { status: Some(CaseStatus::Acknowledged), ..Default::default() };
    assert!(store.search_cases(a.id, &filter, 50).await.expect("search").is_empty());
    assert_eq!(store.case_counts(a.id).await.expect("counts"), vec![(CaseStatus::Received, 2)]);
    assert_eq!(store.case_counts(b.id).await.expect("counts"), vec![(CaseStatus::Received, 1)]);
}

pub(crate) async fn new_readers_get_pending_grants_that_a_reader_completes(store: &SqlStore) {
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
    let stale = PendingGrant { staff: later.id, public_key: vec![9; 32] };
    store.complete_grant(case.case.id, &stale, b"to a key she no longer holds", &event).await.expect("stale");
    assert_eq!(store.pending_grants(case.case.id).await.expect("pending"), pending, "nothing wrapped to another key");
    store.complete_grant(case.case.id, &pending[0], b"wrapped", &event).await.expect("complete");
    assert!(store.pending_grants(case.case.id).await.expect("pending").is_empty());
    let access = store.access(case.case.id, later.id).await.expect("access").expect("row");
    assert_eq!(access.wrapped_key, Some(b"wrapped".to_vec()));
    assert!(plain(store.events(case.case.id).await.expect("events")).contains(&event));
}

pub(crate) async fn messages_and_attachments_stay_with_their_case(store: &SqlStore) {
    let h = staff("h@example.org", Role::Handler);
    store.create_staff(&h, &[]).await.expect("staff");
    let mut one = new_case("OMB-ONE", t(0), &[h.id]);
    one.deadlines.push(DeadlineRow::new(one.case.id, DeadlineKind::Feedback, t(90 * 24 * 3600), t(0)));
    let two = new_case("OMB-TWO", t(1), &[h.id]);
    store.create_case(&one).await.expect("create");
    store.create_case(&two).await.expect("create");
    let from_reporter = MessageRecord {
        id: MessageId::new(),
        case_id: one.case.id,
        created_at: t(10),
        author: Actor::Reporter,
        sealed_body: b"m1".to_vec(),
        feedback: false,
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
        feedback: false,
    };
    let event2 = EventRecord::new(one.case.id, EventKind::MessageFromStaff, t(20), Actor::Staff(h.id));
    store.add_message(&from_staff, &[], &event2).await.expect("add");
    let feedback_due = |rows: Vec<DeadlineRow>| rows.into_iter().find(|d| d.kind == DeadlineKind::Feedback);
    assert_eq!(feedback_due(store.deadlines(one.case.id).await.expect("deadlines")).and_then(|d| d.met_at), None);
    // Feedback, and feedback alone, meets the feedback deadline.
    let feedback = MessageRecord { id: MessageId::new(), created_at: t(30), feedback: true, ..from_staff.clone() };
    let event3 = EventRecord::new(one.case.id, EventKind::MessageFromStaff, t(30), Actor::Staff(h.id));
    store.add_message(&feedback, &[], &event3).await.expect("feedback");
    let met = feedback_due(store.deadlines(one.case.id).await.expect("deadlines")).expect("feedback deadline").met_at;
    assert_eq!(met, Some(t(30)));
    assert_eq!(store.messages(one.case.id).await.expect("messages"), vec![from_reporter, from_staff, feedback]);
    assert!(store.messages(two.case.id).await.expect("messages").is_empty());
    assert_eq!(store.attachments(one.case.id).await.expect("attachments").len(), 2);
    assert_eq!(store.attachment_body(one.case.id, attachment.meta.id).await.expect("body"), Some(b"xy".to_vec()));
    bundle_matches(store, one.case.id).await;
    bundle_matches(store, two.case.id).await;
    assert_eq!(store.attachment_body(two.case.id, attachment.meta.id).await.expect("body"), None);
    let updated = store.case(one.case.id).await.expect("case").expect("exists");
    assert_eq!(updated.updated_at, t(30), "a message marks the case as updated");
}

pub(crate) async fn acknowledge_is_compare_and_set(store: &SqlStore) {
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
        sealed_for_reporter: None,
        outcome: None,
        sealed_sanctions: None,
        meets: vec![DeadlineKind::Acknowledge],
        closes_deadlines: None,
        new_deadlines,
        event,
    };
    assert!(store.transition(&step(t(50), event, vec![feedback])).await.expect("ack"));
    let again = EventRecord::new(case.case.id, EventKind::Acknowledged, t(60), Actor::Staff(h.id));
    let other = DeadlineRow::new(case.case.id, DeadlineKind::Feedback, t(6000), t(60));
    assert!(!store.transition(&step(t(60), again, vec![other])).await.expect("ack"));
    assert_eq!(store.transitions(case.case.id).await.expect("steps").len(), 1, "the refused step left no record");
    // A step with nothing sealed: its NULLs stay NULL in the one-statement read.
    bundle_matches(store, case.case.id).await;
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

pub(crate) async fn a_form_token_files_one_case_and_is_forgotten_after_a_day(store: &SqlStore) {
    let token = [7u8; 32];
    assert!(!store.form_token_used(&token).await.expect("lookup"));
    let first = NewCase { form_token: Some(token), ..new_case("OMB-FORM-1", t(0), &[]) };
    store.create_case(&first).await.expect("first send");
    assert!(store.form_token_used(&token).await.expect("lookup"));
    // The same form sent again, as its own new case: refused whole.
    let again = NewCase { form_token: Some(token), ..new_case("OMB-FORM-2", t(5), &[]) };
    assert!(matches!(store.create_case(&again).await, Err(StoreError::Conflict(Unique::FormToken, _))));
    assert_eq!(store.case(again.case.id).await.expect("case"), None, "nothing of the second send was written");
    assert!(store.events(again.case.id).await.expect("events").is_empty());
    assert_eq!(store.forget_form_tokens(t(0)).await.expect("forget"), 0, "kept while young");
    assert_eq!(store.forget_form_tokens(t(24 * 3600 + 1)).await.expect("forget"), 1);
    assert!(!store.form_token_used(&token).await.expect("lookup"));
}

pub(crate) async fn closing_a_case_ends_every_open_deadline(store: &SqlStore) {
    let h = staff("h@example.org", Role::Handler);
    store.create_staff(&h, &[]).await.expect("staff");
    let case = new_case("OMB-END", t(0), &[h.id]);
    store.create_case(&case).await.expect("create");
    let id = case.case.id;
    let request_due = DeadlineRow {
        subject: Some(uuid::Uuid::now_v7()),
        ..DeadlineRow::new(id, DeadlineKind::RequestAnswer, t(100), t(0))
    };
    let late = DeadlineRow::new(id, DeadlineKind::Feedback, t(10), t(0));
    let close = TransitionRecord {
        id: uuid::Uuid::now_v7(),
        case_id: id,
        step: "assess_dismissed".into(),
        from: CaseStatus::Received,
        to: CaseStatus::Closed,
        at: t(50),
        actor: Actor::Staff(h.id),
        sealed_reason: Some(b"sealed reason".to_vec()),
        sealed_for_reporter: Some(b"sealed for her".to_vec()),
        outcome: Some(ombud_domain::CaseOutcome::Dismissed),
        sealed_sanctions: Some(b"sealed sanctions".to_vec()),
        meets: vec![DeadlineKind::Acknowledge],
        closes_deadlines: Some(ClosedReason::CaseClosed),
        new_deadlines: vec![request_due.clone(), late.clone()],
        event: EventRecord::new(id, EventKind::StateChanged, t(50), Actor::Staff(h.id)),
    };
    assert!(store.transition(&close).await.expect("close"));
    let deadlines = store.deadlines(id).await.expect("deadlines");
    let summary: Vec<_> = deadlines.iter().map(|d| (d.kind, d.met_at, d.closed)).collect();
    let closed = Some((t(50), ClosedReason::CaseClosed));
    assert_eq!(
        summary,
        vec![
            (DeadlineKind::Feedback, None, closed),
            (DeadlineKind::RequestAnswer, None, closed),
            (DeadlineKind::Acknowledge, Some(t(50)), None),
        ],
        "what was met stays met; everything else open is closed with the reason"
    );
    assert!(deadlines.iter().all(|d| !d.is_open()));
    let steps = store.transitions(id).await.expect("steps");
    assert_eq!(steps[0].sealed_for_reporter.as_deref(), Some(&b"sealed for her"[..]));
    assert_eq!(steps[0].outcome, Some(ombud_domain::CaseOutcome::Dismissed), "the outcome, in clear");
    assert_eq!(steps[0].sealed_sanctions.as_deref(), Some(&b"sealed sanctions"[..]));
    // No sweep sees a closed deadline again, whenever it runs.
    assert!(store.due_deadlines(t(1_000_000), 10).await.expect("due").is_empty());
    assert!(store.deadlines_to_remind(t(0), t(1_000_000), 10).await.expect("remind").is_empty());
    assert!(!store.remind(late.id, id, t(70)).await.expect("remind"), "a closed deadline is reminded of never");
    let inbox = store.inbox(h.id, 10).await.expect("inbox");
    assert_eq!(inbox[0].next_deadline, None, "the inbox shows nothing due on a closed case");
}

pub(crate) async fn events_come_back_in_order(store: &SqlStore) {
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

/// Every page of a list, following its cursor.
async fn all_pages(store: &SqlStore, staff: StaffId, filter: &CaseFilter, size: u32) -> Vec<String> {
    let mut filter = filter.clone();
    let mut out = Vec::new();
    loop {
        let page = store.search_cases(staff, &filter, size).await.expect("page");
        out.extend(page.iter().map(|e| e.case.reference.clone()));
        match page.last() {
            Some(last) if page.len() == size as usize => filter.after = Some(cursor_of(last, filter.sort)),
            _ => return out,
        }
    }
}

pub(crate) async fn the_inbox_pages_in_order_with_every_filter(store: &SqlStore) {
    let a = staff("a@example.org", Role::Handler);
    let b = staff("b@example.org", Role::Handler);
    store.create_staff(&a, &[]).await.expect("staff");
    store.create_staff(&b, &[]).await.expect("staff");
    // Seven cases received a minute apart, the same second twice (ties broken by id).
    let refs = [
        "OMB-AAAA-1111",
        "OMB-BBBB-2222",
        "OMB-CCCC-AAAA",
        "OMB-DDDD-3333",
        "OMB-EEEE-4444",
        "OMB-FFFF-5555",
        "OMB-GGGG-6666",
    ];
    let mut ids = Vec::new();
    for (n, r) in refs.iter().enumerate() {
        let received = t(100 + (n as i64 / 2) * 60);
        let mut new = new_case(r, received, &[a.id]);
        // The acknowledgement falls due in reverse order of receipt.
        new.deadlines[0].due_at = t(100_000 - n as i64 * 1000);
        if n == 3 {
            new.case.category = Category::Retaliation;
        }
        store.create_case(&new).await.expect("create");
        ids.push(new.case.id);
    }
    // Newest first, page after page, nothing twice and nothing left out.
    let by_created = all_pages(store, a.id, &CaseFilter::default(), 3).await;
    let mut expected: Vec<(i64, CaseId, String)> =
        refs.iter().enumerate().map(|(n, r)| (n as i64 / 2, ids[n], r.to_string())).collect();
    expected.sort_by_key(|e| std::cmp::Reverse((e.0, e.1.to_string())));
    assert_eq!(by_created, expected.iter().map(|e| e.2.clone()).collect::<Vec<_>>());
    // Next deadline first.
    let deadline = CaseFilter { sort: InboxSort::Deadline, ..Default::default() };
    let mut reversed = refs.to_vec();
    reversed.reverse();
    assert_eq!(all_pages(store, a.id, &deadline, 2).await, reversed);
    // A label's cases, newest first, page after page, from the label's own index; by deadline too.
    let labelled = [0usize, 2, 3, 6];
    for n in labelled {
        let event = EventRecord::new(ids[n], EventKind::LabelsChanged, t(900), Actor::Staff(a.id));
        store.set_labels(ids[n], &["urgent".to_owned()], t(900), &event).await.expect("label");
    }
    let urgent = CaseFilter { label: Some("urgent".into()), ..Default::default() };
    let want: Vec<String> =
        expected.iter().filter(|e| labelled.iter().any(|n| ids[*n] == e.1)).map(|e| e.2.clone()).collect();
    assert_eq!(all_pages(store, a.id, &urgent, 1).await, want, "newest first, one at a time");
    let urgent_by_due = CaseFilter { sort: InboxSort::Deadline, ..urgent.clone() };
    let mut want_by_due: Vec<String> = labelled.iter().map(|n| refs[*n].to_owned()).collect();
    want_by_due.reverse();
    assert_eq!(all_pages(store, a.id, &urgent_by_due, 3).await, want_by_due);
    assert!(all_pages(store, b.id, &urgent, 3).await.is_empty(), "only cases she may read");
    // Either part of a reference, the whole one, a category; another reader's list is hers alone.
    let part = |p: &str| CaseFilter { reference: Some(ReferenceSearch::Part(p.into())), ..Default::default() };
    assert_eq!(all_pages(store, a.id, &part("AAAA"), 10).await, ["OMB-CCCC-AAAA", "OMB-AAAA-1111"]);
    let whole = CaseFilter { reference: Some(ReferenceSearch::Whole("OMB-DDDD-3333".into())), ..Default::default() };
    assert_eq!(all_pages(store, a.id, &whole, 10).await, ["OMB-DDDD-3333"]);
    assert!(all_pages(store, b.id, &whole, 10).await.is_empty());
    let retaliation = CaseFilter { category: Some(Category::Retaliation), ..Default::default() };
    assert_eq!(all_pages(store, a.id, &retaliation, 10).await, ["OMB-DDDD-3333"]);
    // Her assignments, by deadline, one page at a time from their own index.
    for n in [1usize, 5, 6] {
        let at = t(950);
        let assignment = Assignment {
            case_id: ids[n],
            lead: Some(a.id),
            team: Vec::new(),
            change: SealedEntry {
                id: uuid::Uuid::now_v7(),
                case_id: ids[n],
                created_at: at,
                staff: a.id,
                sealed: vec![1],
            },
            event: EventRecord::new(ids[n], EventKind::Assigned, at, Actor::Staff(a.id)),
        };
        assert!(store.set_assignment(&assignment).await.expect("assign"));
    }
    let mine = CaseFilter { assigned: AssignedTo::Staff(a.id), sort: InboxSort::Deadline, ..Default::default() };
    assert_eq!(all_pages(store, a.id, &mine, 1).await, ["OMB-GGGG-6666", "OMB-FFFF-5555", "OMB-BBBB-2222"]);
    // Due before a time: only the cases whose next deadline is that early.
    let due = CaseFilter { due_before: Some(t(100_000 - 4500)), sort: InboxSort::Deadline, ..Default::default() };
    assert_eq!(all_pages(store, a.id, &due, 10).await, ["OMB-GGGG-6666", "OMB-FFFF-5555"]);
    let mine_due = CaseFilter { due_before: due.due_before, ..mine.clone() };
    assert_eq!(all_pages(store, a.id, &mine_due, 1).await, ["OMB-GGGG-6666", "OMB-FFFF-5555"]);
    // A met deadline leaves the order and the filter at once.
    let acknowledged = TransitionRecord {
        id: uuid::Uuid::now_v7(),
        case_id: ids[6],
        step: "acknowledge".into(),
        from: CaseStatus::Received,
        to: CaseStatus::Acknowledged,
        at: t(200),
        actor: Actor::Staff(a.id),
        sealed_reason: None,
        sealed_for_reporter: None,
        outcome: None,
        sealed_sanctions: None,
        meets: vec![DeadlineKind::Acknowledge],
        closes_deadlines: None,
        new_deadlines: Vec::new(),
        event: EventRecord::new(ids[6], EventKind::Acknowledged, t(200), Actor::Staff(a.id)),
    };
    assert!(store.transition(&acknowledged).await.expect("step"));
    assert_eq!(all_pages(store, a.id, &due, 10).await, ["OMB-FFFF-5555"]);
    // Her assignments' and the label's copies of the deadline moved with it.
    assert_eq!(all_pages(store, a.id, &mine, 1).await, ["OMB-FFFF-5555", "OMB-BBBB-2222", "OMB-GGGG-6666"]);
    assert_eq!(all_pages(store, a.id, &mine_due, 1).await, ["OMB-FFFF-5555"]);
    assert_eq!(
        all_pages(store, a.id, &urgent_by_due, 1).await,
        ["OMB-DDDD-3333", "OMB-CCCC-AAAA", "OMB-AAAA-1111", "OMB-GGGG-6666"]
    );
    assert_eq!(
        all_pages(store, a.id, &deadline, 10).await.last().map(String::as_str),
        Some("OMB-GGGG-6666"),
        "nothing due: last"
    );
    // Counts by status, and a cap.
    let counts = store.count_cases(a.id, &CaseFilter::default(), 100).await.expect("counts");
    assert_eq!(counts, vec![(CaseStatus::Acknowledged, 1), (CaseStatus::Received, 6)]);
    let capped = store.count_cases(a.id, &CaseFilter::default(), 4).await.expect("counts");
    assert_eq!(capped.iter().map(|(_, n)| n).sum::<u64>(), 4);
}

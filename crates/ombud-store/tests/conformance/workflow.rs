//! Requests, deadline changes and proceedings.

use super::*;

pub(crate) async fn requests_changes_and_proceedings_are_kept_with_their_case(store: &SqlStore) {
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
        state: ChangeState::Applied,
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

    // A long pause waits for oversight: nothing moves until it is approved, and only once.
    let long = DeadlineChange {
        id: uuid::Uuid::now_v7(),
        old_due: change.new_due,
        new_due: change.new_due + SignedDuration::from_hours(24 * 60),
        kind: "pause".into(),
        state: ChangeState::Pending,
        ..change.clone()
    };
    let asked = EventRecord::new(id, EventKind::DeadlineExtended, t(110), Actor::Staff(h.id));
    assert!(store.change_deadline(&long, &asked).await.expect("ask"));
    assert_eq!(ack_due(store, id, ack.id).await, change.new_due, "a pending pause moves nothing");
    let pending = store.pending_changes(o.id, 10).await.expect("pending");
    assert_eq!(pending.iter().map(|p| p.change.id).collect::<Vec<_>>(), [long.id]);
    assert!(store.pending_changes(h.id, 10).await.expect("pending").len() == 1, "on cases she may read");
    let decided = EventRecord::new(id, EventKind::DeadlineExtended, t(120), Actor::Staff(o.id));
    assert!(store.decide_change(long.id, true, o.id, t(120), &decided).await.expect("approve"));
    assert_eq!(ack_due(store, id, ack.id).await, long.new_due, "approved: it takes effect");
    assert!(!store.decide_change(long.id, false, o.id, t(130), &decided).await.expect("again"), "decided once");
    assert!(store.pending_changes(o.id, 10).await.expect("pending").is_empty());
    let states: Vec<ChangeState> =
        store.deadline_changes(id).await.expect("changes").iter().map(|c| c.change.state).collect();
    assert_eq!(states, [ChangeState::Applied, ChangeState::Applied]);

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
    let late = t(90 * 24 * 3600);
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
    bundle_matches(store, id).await;
}

async fn ack_due(store: &SqlStore, case: CaseId, deadline: uuid::Uuid) -> Timestamp {
    store.deadlines(case).await.expect("deadlines").into_iter().find(|d| d.id == deadline).expect("deadline").due_at
}

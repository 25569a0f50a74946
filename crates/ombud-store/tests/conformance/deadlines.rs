//! Deadlines, escalations, reminders, the outbox and the job lease.

use super::*;

pub(crate) async fn due_deadlines_escalate_once_and_reach_oversight(store: &SqlStore) {
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
    bundle_matches(store, late.case.id).await;
    bundle_matches(store, fresh.case.id).await;
}

pub(crate) async fn reminders_and_the_outbox_hand_each_notice_out_once(store: &SqlStore) {
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

pub(crate) async fn a_lease_has_one_holder_at_a_time(store: &SqlStore) {
    assert!(store.try_lease("jobs", "a", t(0), t(90)).await.expect("lease"));
    assert!(!store.try_lease("jobs", "b", t(10), t(100)).await.expect("lease"), "held by a");
    assert!(store.try_lease("jobs", "a", t(60), t(150)).await.expect("lease"), "a renews");
    assert!(!store.try_lease("jobs", "b", t(140), t(230)).await.expect("lease"));
    assert!(store.try_lease("jobs", "b", t(151), t(241)).await.expect("lease"), "b takes over once it expired");
}

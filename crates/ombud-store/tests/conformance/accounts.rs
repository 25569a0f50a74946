//! Staff accounts through their life, and their administrative leaves.

use super::*;
use ombud_domain::StaffStatus;

fn ticket(staff: StaffId, purpose: TicketPurpose, at: Timestamp) -> TicketRow {
    TicketRow {
        id: uuid::Uuid::new_v4(),
        staff_id: staff,
        purpose,
        created_at: at,
        expires_at: at + SignedDuration::from_hours(72),
        used_at: None,
    }
}

fn admin_event(kind: EventKind, at: Timestamp, subject: StaffId) -> StaffEventRecord {
    StaffEventRecord::new(kind, at, Actor::System, Some(subject))
}

fn keys(byte: u8) -> NewKeys {
    NewKeys { public_key: vec![byte; 32], sealed_secret: vec![byte; 60] }
}

async fn wrap_of(store: &SqlStore, case: CaseId, staff: StaffId) -> Option<Option<Vec<u8>>> {
    store.access(case, staff).await.expect("access").map(|a| a.wrapped_key)
}

pub(crate) async fn an_account_lives_invited_active_disabled_enabled_reset(store: &SqlStore) {
    let reader = staff("reader@example.org", Role::Handler);
    store.create_staff(&reader, &[]).await.expect("reader");
    let first = new_case("OMB-ACCT-0001", t(10), &[reader.id]);
    let second = new_case("OMB-ACCT-0002", t(20), &[reader.id]);
    store.create_case(&first).await.expect("case");
    store.create_case(&second).await.expect("case");

    // Invited: no key, no case, not a reader anyone wraps to.
    let mut invited = staff("new@example.org", Role::Handler);
    invited.status = StaffStatus::Invited;
    invited.public_key = Vec::new();
    let invitation = ticket(invited.id, TicketPurpose::Invitation, t(30));
    store
        .invite_staff(&invited, &invitation, &admin_event(EventKind::StaffInvited, t(30), invited.id))
        .await
        .expect("invite");
    assert_eq!(wrap_of(store, first.case.id, invited.id).await, None, "no case before she joins");
    assert_eq!(store.ticket(invitation.id).await.expect("ticket").map(|t| t.purpose), Some(TicketPurpose::Invitation));

    // She joins, excluded from the second case: a pending grant on the first only.
    let exclusion = ExclusionRow {
        case_id: second.case.id,
        staff_id: invited.id,
        reason: ombud_domain::ExclusionReason::Named,
        at: t(40),
    };
    let joined = admin_event(EventKind::StaffJoined, t(40), invited.id);
    assert!(store.activate_staff(invitation.id, &keys(7), &[exclusion], &joined).await.expect("join"));
    assert!(!store.activate_staff(invitation.id, &keys(8), &[], &joined).await.expect("again"), "a link works once");
    let joined_row = store.staff_by_id(invited.id).await.expect("by id").expect("exists");
    assert_eq!((joined_row.status, joined_row.public_key.clone()), (StaffStatus::Active, vec![7; 32]));
    assert_eq!(wrap_of(store, first.case.id, invited.id).await, Some(None), "pending on the first");
    assert_eq!(wrap_of(store, second.case.id, invited.id).await, None, "nothing where she is excluded");
    let pending: Vec<StaffId> =
        store.pending_grants(first.case.id).await.expect("pending").iter().map(|g| g.staff).collect();
    assert_eq!(pending, vec![invited.id]);
    let grant = PendingGrant { staff: invited.id, public_key: vec![7; 32] };
    let granted = EventRecord::new(first.case.id, EventKind::AccessGranted, t(41), Actor::System);
    store.complete_grant(first.case.id, &grant, &[9; 48], &granted).await.expect("grant");

    // Disabled: every wrap gone, sessions' epoch raised, her sync tokens ended.
    let sync = ApiTokenRecord {
        id: uuid::Uuid::now_v7(),
        token_hash: vec![3; 32],
        label: "HR sync".into(),
        created_at: t(45),
        created_by: Some(invited.id),
        revoked_at: None,
        scope: "directory".to_owned(),
    };
    store.create_api_token(&sync, &token_event(EventKind::SyncTokenCreated, sync.created_at)).await.expect("token");
    let epoch = joined_row.session_epoch;
    store.disable_staff(invited.id, &admin_event(EventKind::StaffDisabled, t(50), invited.id)).await.expect("disable");
    let disabled = store.staff_by_id(invited.id).await.expect("by id").expect("exists");
    assert_eq!(disabled.status, StaffStatus::Disabled);
    assert!(disabled.session_epoch > epoch, "her sessions end");
    assert_eq!(wrap_of(store, first.case.id, invited.id).await, None, "her wrap is removed");
    let tokens = store.api_tokens().await.expect("tokens");
    let token = tokens.iter().find(|t| t.id == sync.id).expect("kept on the record");
    assert_eq!(token.revoked_at, Some(t(50)), "a token she made ends with her");
    let third = new_case("OMB-ACCT-0003", t(55), &[reader.id]);
    store.create_case(&third).await.expect("case");

    // Enabled: pending again wherever she is not excluded, the third case too.
    store
        .enable_staff(invited.id, &[], None, &admin_event(EventKind::StaffEnabled, t(60), invited.id))
        .await
        .expect("enable");
    assert_eq!(wrap_of(store, first.case.id, invited.id).await, Some(None));
    assert_eq!(wrap_of(store, third.case.id, invited.id).await, Some(None));
    assert_eq!(wrap_of(store, second.case.id, invited.id).await, None, "the exclusion still holds");

    // Reset: no reader wraps to her void key until she chooses a new one.
    let reset = ticket(invited.id, TicketPurpose::Reset, t(70));
    store.reset_staff(invited.id, &reset, &admin_event(EventKind::StaffReset, t(70), invited.id)).await.expect("reset");
    assert!(store.pending_grants(first.case.id).await.expect("pending").is_empty(), "no wrap to a reset account");
    let void = store.staff_by_id(invited.id).await.expect("by id").expect("exists");
    assert!(void.public_key.is_empty() && void.sealed_secret.is_empty(), "her old key pair is gone");
    assert!(store.notice_ticket("nonexistent").await.expect("notice").is_none());
    let chosen = admin_event(EventKind::PasswordChosen, t(80), invited.id);
    assert!(store.activate_staff(reset.id, &keys(5), &[], &chosen).await.expect("new password"));
    let pending: Vec<StaffId> =
        store.pending_grants(first.case.id).await.expect("pending").iter().map(|g| g.staff).collect();
    assert_eq!(pending, vec![invited.id], "pending again, to her new key");

    // Administrative events are leaves, under the reserved reference, newest first.
    let log = store.staff_events(None, 10).await.expect("log");
    let kinds: Vec<EventKind> = log.iter().map(|e| e.record.event.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EventKind::PasswordChosen,
            EventKind::StaffReset,
            EventKind::StaffEnabled,
            EventKind::StaffDisabled,
            EventKind::SyncTokenCreated,
            EventKind::StaffJoined,
            EventKind::StaffInvited
        ]
    );
    let entries = store.ledger_entries(0, 100).await.expect("entries");
    assert_eq!(entries.len() as u64, store.ledger_size().await.expect("size"), "every leaf is read back");
    let admin: Vec<&LedgerEntry> = entries.iter().filter(|e| e.event.kind.is_administrative()).collect();
    assert_eq!(admin.len(), 7);
    assert!(admin.iter().all(|e| e.case_ref == NO_CASE_REFERENCE && e.event.case_id == NO_CASE));
    let older = store.staff_events(Some(log[1].leaf_index), 10).await.expect("older");
    assert_eq!(older.len(), 5, "paged before a leaf");

    // A role that reads no case holds no access row.
    store
        .set_staff_role(invited.id, Role::Admin, &[], &admin_event(EventKind::StaffRoleChanged, t(90), invited.id))
        .await
        .expect("role");
    assert_eq!(wrap_of(store, first.case.id, invited.id).await, None);
}

pub(crate) async fn a_role_asked_for_is_decided_once(store: &SqlStore) {
    let o = staff("o@example.org", Role::Oversight);
    let h = staff("h@example.org", Role::Handler);
    store.create_staff(&o, &[]).await.expect("o");
    store.create_staff(&h, &[]).await.expect("h");
    let mut invited = staff("new@example.org", Role::Oversight);
    invited.status = StaffStatus::Invited;
    invited.public_key = Vec::new();
    let grant = |staff: StaffId, at: Timestamp| RoleGrantRow {
        id: uuid::Uuid::now_v7(),
        staff_id: staff,
        role: Role::Oversight,
        asked_by: None,
        asked_at: at,
        decided_by: None,
        decided_at: None,
        approved: None,
    };
    let for_invited = grant(invited.id, t(1));
    store
        .invite_awaiting(&invited, &for_invited, &admin_event(EventKind::StaffInvited, t(1), invited.id))
        .await
        .expect("invite");
    let for_h = grant(h.id, t(2));
    store.ask_role(&for_h, &admin_event(EventKind::StaffRoleAsked, t(2), h.id)).await.expect("ask");
    let open: Vec<uuid::Uuid> = store.open_role_grants().await.expect("open").iter().map(|g| g.id).collect();
    assert_eq!(open, vec![for_invited.id, for_h.id], "oldest first");
    assert_eq!(store.staff_by_id(h.id).await.expect("h").expect("h").role, Role::Handler, "nothing changes yet");

    let approved = admin_event(EventKind::StaffRoleChanged, t(3), h.id);
    let effect = || Some(GrantEffect::SetRole(Vec::new()));
    assert!(store.decide_role_grant(for_h.id, o.id, effect(), &approved).await.expect("approve"));
    assert!(!store.decide_role_grant(for_h.id, o.id, effect(), &approved).await.expect("again"), "decided once");
    let h_now = store.staff_by_id(h.id).await.expect("h").expect("h");
    assert_eq!((h_now.role, h_now.session_epoch > h.session_epoch), (Role::Oversight, true));
    let decided = store.role_grant(for_h.id).await.expect("grant").expect("kept");
    assert_eq!((decided.approved, decided.decided_by), (Some(true), Some(o.id)));

    let refused = admin_event(EventKind::StaffRoleRefused, t(4), invited.id);
    assert!(store.decide_role_grant(for_invited.id, o.id, None, &refused).await.expect("refuse"));
    let gone = store.staff_by_id(invited.id).await.expect("new").expect("new");
    assert_eq!(gone.status, StaffStatus::Disabled, "an invitation refused ends");
    assert!(store.open_role_grants().await.expect("open").is_empty());

    // A disabled account's open request waits no more.
    store.ask_role(&grant(o.id, t(5)), &admin_event(EventKind::StaffRoleAsked, t(5), o.id)).await.expect("ask");
    store.disable_staff(o.id, &admin_event(EventKind::StaffDisabled, t(6), o.id)).await.expect("disable");
    assert!(store.open_role_grants().await.expect("open").is_empty());
}

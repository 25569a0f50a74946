//! The directory, sync tokens, the people named and exclusions.

use super::*;

pub(crate) fn person(employee_id: &str, manager: Option<&str>, level: i64) -> PersonRecord {
    PersonRecord {
        employee_id: employee_id.to_owned(),
        scim_id: format!("scim-{employee_id}"),
        name: format!("Person {employee_id}"),
        other_names: vec![format!("别名 {employee_id}")],
        email: format!("{employee_id}@example.org"),
        user_name: Some(format!("user-{employee_id}")),
        external_id: None,
        employee_number: None,
        scim_resource: None,
        manager_id: manager.map(str::to_owned),
        unit: "sales".to_owned(),
        level,
        hr_partner_id: None,
        active: true,
        deleted_at: None,
        updated_at: t(0),
    }
}

pub(crate) async fn the_directory_is_written_whole_and_counts_its_revisions(store: &SqlStore) {
    let start = store.directory_revision().await.expect("rev");
    let people = vec![person("E2", Some("E1"), 3), person("E1", None, 7)];
    let group = GroupRecord {
        id: "g1".into(),
        display_name: "Sales".into(),
        external_id: Some("ext-sales".into()),
        members: vec!["scim-E1".into(), "scim-E2".into()],
        updated_at: t(1),
    };
    store
        .write_directory(&DirectoryChange {
            people: people.clone(),
            put_group: Some(group.clone()),
            delete_group: None,
            record: Some(DirectoryChangeRecord {
                id: uuid::Uuid::now_v7(),
                at: t(1),
                source: ChangeSource::CommandLine,
                people: 2,
            }),
            leavers: Vec::new(),
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
    let admin = staff("admin@x.org", Role::Admin);
    store.create_staff(&admin, &[]).await.expect("admin");
    let token = ApiTokenRecord {
        id: uuid::Uuid::now_v7(),
        token_hash: vec![9; 32],
        label: "Entra ID".into(),
        created_at: t(0),
        created_by: Some(admin.id),
        revoked_at: None,
        scope: "directory".to_owned(),
    };
    store.create_api_token(&token, &token_event(EventKind::SyncTokenCreated, token.created_at)).await.expect("token");
    let by_token = DirectoryChangeRecord {
        id: uuid::Uuid::now_v7(),
        at: t(9),
        source: ChangeSource::SyncToken(token.id),
        people: 1,
    };
    let change = DirectoryChange {
        people: vec![moved.clone()],
        put_group: None,
        delete_group: Some("g1".into()),
        record: Some(by_token.clone()),
        leavers: Vec::new(),
    };
    store.write_directory(&change).await.expect("write");
    let log = store.directory_changes(10).await.expect("changes");
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].change, by_token, "newest first");
    assert_eq!(log[0].by_staff, Some(admin.id), "a token's changes name the administrator who created it");
    assert_eq!(log[0].token_label.as_deref(), Some("Entra ID"));
    assert_eq!((log[1].change.source, log[1].by_staff), (ChangeSource::CommandLine, None));
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

/// The database keeps one living person per userName (whatever its case) and
/// per email, even against a writer that did not check; two people may swap
/// addresses in one change; and a leaver's account ends with the write that
/// says she left, or not at all.
pub(crate) async fn living_identifiers_are_unique_and_leavers_go_with_their_write(store: &SqlStore) {
    let a = person("U1", None, 1);
    let b = person("U2", None, 1);
    let write = |people: Vec<PersonRecord>, leavers: Vec<(StaffId, StaffEventRecord)>| DirectoryChange {
        people,
        leavers,
        ..Default::default()
    };
    store.write_directory(&write(vec![a.clone(), b.clone()], Vec::new())).await.expect("two people");
    let swapped = vec![
        PersonRecord { email: b.email.clone(), ..a.clone() },
        PersonRecord { email: a.email.clone(), ..b.clone() },
    ];
    store.write_directory(&write(swapped, Vec::new())).await.expect("a swap of addresses is one change");
    let stored = store.directory().await.expect("directory");
    let email_of = |id: &str| stored.iter().find(|p| p.employee_id == id).map(|p| p.email.clone());
    assert_eq!((email_of("U1"), email_of("U2")), (Some(b.email.clone()), Some(a.email.clone())));

    let same_user = PersonRecord {
        scim_id: "scim-U3".into(),
        employee_id: "U3".into(),
        email: "u3@example.org".into(),
        user_name: Some("USER-U1".into()),
        ..a.clone()
    };
    assert!(matches!(
        store.write_directory(&write(vec![same_user.clone()], Vec::new())).await,
        Err(StoreError::Conflict(..))
    ));
    let same_email = PersonRecord { email: a.email.to_uppercase(), user_name: None, ..same_user.clone() };
    assert!(matches!(store.write_directory(&write(vec![same_email], Vec::new())).await, Err(StoreError::Conflict(..))));
    // Once U1 has left, her userName may be someone else's; and whoever has no email has none to clash.
    let left = PersonRecord { deleted_at: Some(t(5)), active: false, ..a.clone() };
    let nobody = PersonRecord {
        email: String::new(),
        scim_id: "scim-U4".into(),
        employee_id: "U4".into(),
        user_name: None,
        ..a.clone()
    };
    let also_nobody = PersonRecord { scim_id: "scim-U5".into(), employee_id: "U5".into(), ..nobody.clone() };
    store.write_directory(&write(vec![left, same_user, nobody, also_nobody], Vec::new())).await.expect("free again");

    // A change that fails disables nobody; one that is written disables her with it.
    let h = staff("h-left@example.org", Role::Handler);
    store.create_staff(&h, &[]).await.expect("h");
    let leaver = || vec![(h.id, StaffEventRecord::new(EventKind::StaffDisabled, t(6), Actor::System, Some(h.id)))];
    let mut clash = person("U6", None, 1);
    clash.scim_id = "scim-U2".into();
    assert!(store.write_directory(&write(vec![clash], leaver())).await.is_err());
    let status = |s: Option<StaffRecord>| s.expect("h").status;
    assert_eq!(
        status(store.staff_by_id(h.id).await.expect("h")),
        ombud_domain::StaffStatus::Active,
        "nothing half-written"
    );
    let gone = PersonRecord { active: false, ..b.clone() };
    store.write_directory(&write(vec![gone], leaver())).await.expect("she left");
    assert_eq!(status(store.staff_by_id(h.id).await.expect("h")), ombud_domain::StaffStatus::Disabled);
}

pub(crate) async fn api_tokens_are_found_by_hash_until_revoked(store: &SqlStore) {
    let token = ApiTokenRecord {
        id: uuid::Uuid::now_v7(),
        token_hash: vec![1; 32],
        label: "HR sync".into(),
        created_at: t(0),
        created_by: None,
        revoked_at: None,
        scope: "directory".to_owned(),
    };
    store.create_api_token(&token, &token_event(EventKind::SyncTokenCreated, token.created_at)).await.expect("create");
    assert_eq!(store.api_token(&[1; 32]).await.expect("find"), Some(token.clone()));
    assert_eq!(store.api_token(&[2; 32]).await.expect("find"), None);
    assert!(store.revoke_api_token(token.id, &token_event(EventKind::SyncTokenRevoked, t(5))).await.expect("revoke"));
    assert!(
        !store.revoke_api_token(token.id, &token_event(EventKind::SyncTokenRevoked, t(6))).await.expect("revoke"),
        "once"
    );
    assert_eq!(store.api_token(&[1; 32]).await.expect("find"), None);
    assert_eq!(store.api_tokens().await.expect("list")[0].revoked_at, Some(t(5)));
}

pub(crate) async fn parties_are_kept_as_tokens_and_found_by_token(store: &SqlStore) {
    let reader = staff("reader@x.org", Role::Oversight);
    store.create_staff(&reader, &[]).await.expect("staff");
    let mut new = new_case("OMB-PARTY", t(0), &[reader.id]);
    let id = new.case.id;
    new.case.routing = ombud_domain::CaseRouting::Restricted;
    new.deadlines.push(DeadlineRow::new(id, ombud_domain::DeadlineKind::Routing, t(24 * 3600), t(0)));
    new.parties = vec![
        CasePartyRow { position: 0, token: vec![1; 32], role: ombud_domain::PersonRole::Accused, confirmed: true },
        CasePartyRow { position: 1, token: vec![2; 32], role: ombud_domain::PersonRole::Witness, confirmed: false },
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
        rows: vec![CasePartyRow {
            position: 0,
            token: vec![4; 32],
            role: ombud_domain::PersonRole::Accused,
            confirmed: true,
        }],
        sealed_matches: b"corrected".to_vec(),
        at: t(3),
        event: EventRecord::new(id, EventKind::PeopleMatched, t(3), Actor::System),
        routing: None,
    };
    let restricted = store.cases_routed(reader.id, ombud_domain::CaseRouting::Restricted, 10).await.expect("routed");
    assert_eq!(restricted.iter().map(|c| c.id).collect::<Vec<_>>(), vec![id]);
    store.set_case_parties(&update).await.expect("update");
    let routing_due = |rows: Vec<DeadlineRow>| {
        rows.into_iter().find(|d| d.kind == ombud_domain::DeadlineKind::Routing).expect("routing deadline")
    };
    assert_eq!(routing_due(store.deadlines(id).await.expect("deadlines")).met_at, None, "no routing given, none met");
    let event = EventRecord::new(id, EventKind::PeopleMatched, t(3), Actor::System);
    store
        .set_case_parties(&PartiesUpdate { routing: Some(ombud_domain::CaseRouting::Decided), event, ..update.clone() })
        .await
        .expect("settled");
    assert_eq!(store.case(id).await.expect("case").expect("found").routing, ombud_domain::CaseRouting::Decided);
    assert_eq!(routing_due(store.deadlines(id).await.expect("deadlines")).met_at, Some(t(3)));
    assert!(store.cases_routed(reader.id, ombud_domain::CaseRouting::Restricted, 10).await.expect("routed").is_empty());
    assert_eq!(store.case_parties(id).await.expect("parties"), update.rows);
    assert!(store.cases_naming(&[vec![1; 32]]).await.expect("naming").is_empty());
    assert_eq!(store.case_party_matches(id).await.expect("matches"), Some(b"corrected".to_vec()));
}

pub(crate) async fn an_exclusion_removes_access_and_its_lifting_restores_a_pending_grant(store: &SqlStore) {
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

pub(crate) async fn a_new_reader_is_kept_out_of_cases_she_is_excluded_from(store: &SqlStore) {
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

pub(crate) async fn a_lift_waits_only_while_its_exclusion_stands(store: &SqlStore) {
    let (a, b, o) =
        (staff("la@x.org", Role::Handler), staff("lb@x.org", Role::Handler), staff("lo@x.org", Role::Oversight));
    for s in [&a, &b, &o] {
        store.create_staff(s, &[]).await.expect("staff");
    }
    let new = new_case("OMB-LIFT", t(0), &[a.id, b.id, o.id]);
    let id = new.case.id;
    store.create_case(&new).await.expect("create");
    let change =
        DirectoryChangeRecord { id: uuid::Uuid::now_v7(), at: t(1), source: ChangeSource::CommandLine, people: 1 };
    let record = DirectoryChange { record: Some(change.clone()), ..Default::default() };
    store.write_directory(&record).await.expect("change");
    let excl = |staff: StaffId| ExclusionRow {
        case_id: id,
        staff_id: staff,
        reason: ombud_domain::ExclusionReason::Conflict,
        at: t(1),
    };
    let event = || EventRecord::new(id, EventKind::AccessChanged, t(2), Actor::System);
    store.set_exclusions(id, &[excl(a.id)], t(2), &event()).await.expect("exclude");
    // Only a standing exclusion can wait to be lifted; asking twice keeps the first.
    store.request_lifts(id, &[a.id, b.id], change.id, t(3)).await.expect("request");
    store.request_lifts(id, &[a.id], change.id, t(4)).await.expect("again");
    let waiting = store.visible_lifts(o.id, 10).await.expect("lifts");
    assert_eq!(waiting.len(), 1);
    assert_eq!((waiting[0].staff_id, waiting[0].since, waiting[0].case_ref.as_str()), (a.id, t(3), "OMB-LIFT"));
    assert!(store.visible_lifts(a.id, 10).await.expect("lifts").is_empty(), "not hers to see: she cannot read it");
    assert_eq!(store.directory_changes(1).await.expect("log")[0].lifts_waiting, 1);
    assert_eq!(store.lifts_waiting(change.id).await.expect("count"), 1);
    assert!(store.lift_waits(id, a.id).await.expect("waits") && !store.lift_waits(id, b.id).await.expect("waits"));
    // Lifting the exclusion (an approval) drops the lift with it.
    store.set_exclusions(id, &[], t(5), &event()).await.expect("lift");
    assert!(store.visible_lifts(o.id, 10).await.expect("lifts").is_empty());
    assert!(store.access(id, a.id).await.expect("access").is_some(), "back, with a pending grant");
    store.set_exclusions(id, &[excl(a.id)], t(6), &event()).await.expect("exclude");
    store.request_lifts(id, &[a.id], change.id, t(6)).await.expect("request");
    assert!(store.drop_lift(id, a.id).await.expect("refuse"));
    assert!(!store.drop_lift(id, a.id).await.expect("once"));
    assert_eq!(store.access(id, a.id).await.expect("access"), None, "a refusal keeps her out");
}

/// Cases relate through confirmed tokens only, and only for a reader of
/// both; a link is one row per pair whichever side made it; repeat names
/// count confirmed accused tokens over distinct cases.
pub async fn related_cases_follow_confirmed_tokens_and_access(store: &SqlStore) {
    let reader = staff("reader@x.org", Role::Handler);
    let outsider = staff("outsider@x.org", Role::Handler);
    store.create_staff(&reader, &[]).await.expect("staff");
    store.create_staff(&outsider, &[]).await.expect("staff");
    let row = |token: u8, role: ombud_domain::PersonRole, confirmed: bool| CasePartyRow {
        position: 0,
        token: vec![token; 32],
        role,
        confirmed,
    };
    use ombud_domain::PersonRole::{Accused, Witness};
    let mut ids = Vec::new();
    // Token 7 confirmed as accused in three cases; the outsider reads only the last. Token 8 is a candidate.
    for (i, (parties, readers)) in [
        (vec![row(7, Accused, true), row(8, Accused, false)], vec![reader.id]),
        (vec![row(7, Accused, true)], vec![reader.id]),
        (vec![row(7, Witness, true), row(8, Accused, false)], vec![reader.id]),
        (vec![row(7, Accused, true), row(8, Accused, false)], vec![reader.id, outsider.id]),
        (vec![row(8, Accused, false)], vec![reader.id]),
    ]
    .into_iter()
    .enumerate()
    {
        let mut new = new_case(&format!("OMB-REL{i}"), t(i as i64), &readers);
        new.parties = parties;
        ids.push(new.case.id);
        store.create_case(&new).await.expect("create");
    }
    let mut shared = store.cases_sharing_people(ids[0], reader.id).await.expect("related");
    shared.sort();
    let mut want = vec![(ids[1], vec![7; 32]), (ids[2], vec![7; 32]), (ids[3], vec![7; 32])];
    want.sort();
    assert_eq!(shared, want, "confirmed tokens only, in any role; never the candidate token");
    assert_eq!(
        store.cases_sharing_people(ids[3], outsider.id).await.expect("related"),
        vec![],
        "the outsider reads none of the others"
    );
    let mut repeat = store.repeat_named(Accused, 3).await.expect("repeat");
    repeat.sort();
    let mut want = vec![(vec![7; 32], ids[0]), (vec![7; 32], ids[1]), (vec![7; 32], ids[3])];
    want.sort();
    assert_eq!(repeat, want, "accused in three cases; the witness case does not count");
    assert!(store.repeat_named(Accused, 4).await.expect("repeat").is_empty());
    let mut readable = store.readable_cases(outsider.id, &ids).await.expect("readable");
    readable.sort();
    assert_eq!(readable, vec![ids[3]]);

    let (a, b) = if ids[0] < ids[3] { (ids[0], ids[3]) } else { (ids[3], ids[0]) };
    let link = CaseLinkRow {
        id: uuid::Uuid::now_v7(),
        case_a: a,
        case_b: b,
        created_at: t(9),
        staff: reader.id,
        sealed_a: b"reason under a".to_vec(),
        sealed_b: b"reason under b".to_vec(),
    };
    let events = [
        EventRecord::new(a, EventKind::CasesLinked, t(9), Actor::Staff(reader.id)),
        EventRecord::new(b, EventKind::CasesLinked, t(9), Actor::Staff(reader.id)),
    ];
    assert!(store.link_cases(&link, &events).await.expect("link"));
    let again = CaseLinkRow { id: uuid::Uuid::now_v7(), ..link.clone() };
    assert!(!store.link_cases(&again, &events).await.expect("link twice"), "one link per pair");
    assert_eq!(store.case_links(a, reader.id).await.expect("links"), vec![link.clone()]);
    assert_eq!(store.case_links(b, reader.id).await.expect("links"), vec![link.clone()]);
    assert_eq!(link.sealed_for(b), b"reason under b");
    assert_eq!(link.other(a), b);
    // The outsider reads ids[3] but not ids[0]: from her side the link does not exist.
    assert!(store.case_links(ids[3], outsider.id).await.expect("links").is_empty());
    let linked: Vec<EventKind> = store.events(a).await.expect("events").iter().map(|e| e.kind).collect();
    assert_eq!(linked.iter().filter(|k| **k == EventKind::CasesLinked).count(), 1, "the second send wrote nothing");
}

//! Events as ledger leaves, checkpoints and record downloads.

use super::*;
use ombud_store::ledger::{ActorCommitments, event_leaf};
use std::sync::Arc;

/// A stand-in for the service's keyed hasher: what matters here is that the
/// store asks it with the event and the index the leaf gets.
#[derive(Debug)]
struct Commitments;

impl ActorCommitments for Commitments {
    fn commit(&self, event: &EventRecord, leaf_index: u64) -> Hash {
        ombud_ledger::payload_hash(format!("{:?} {} {leaf_index}", event.actor, event.case_id).as_bytes())
    }
}

pub(crate) async fn every_event_becomes_a_ledger_leaf(store: &SqlStore) {
    assert_eq!(store.ledger_size().await.expect("size"), 0);
    let one = new_case("OMB-LEDG-0001", t(0), &[]);
    store.create_case(&one).await.expect("create");
    let two = new_case("OMB-LEDG-0002", t(1), &[]);
    store.create_case(&two).await.expect("create");
    // Unbound, the store writes version-1 leaves (as before version 2); once
    // the service has bound its hasher, version 2, committing to who acted.
    store.bind_actor_commitments(Arc::new(Commitments));
    let later = EventRecord::new(one.case.id, EventKind::OpenedByStaff, t(5), Actor::Staff(StaffId::new()))
        .with_payload(b"sealed");
    store.record_event(&later).await.expect("record");
    assert_eq!(store.ledger_size().await.expect("size"), 3);
    let entries = store.ledger_entries(0, 100).await.expect("entries");
    assert_eq!(entries.iter().map(|e| e.event.leaf_index).collect::<Vec<_>>(), vec![Some(0), Some(1), Some(2)]);
    assert_eq!(entries[2].case_ref, "OMB-LEDG-0001");
    assert_eq!(entries[2].event.payload_hash, ombud_ledger::payload_hash(b"sealed"));
    assert_eq!(store.unindexed_events().await.expect("count"), 0);
    // The stored leaves are the events' leaves, and the stored tree has the right root.
    let leaves: Vec<Hash> = entries
        .iter()
        .map(|e| {
            let index = e.event.leaf_index.expect("index");
            let actor = (index == 2).then(|| Commitments.commit(&e.event, index));
            event_leaf(&e.event, &e.case_ref, actor).hash()
        })
        .collect();
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

pub(crate) async fn concurrent_appends_get_distinct_contiguous_indexes(store: &SqlStore) {
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

pub(crate) async fn checkpoints_round_trip(store: &SqlStore) {
    assert_eq!(store.latest_checkpoint().await.expect("latest"), None);
    let first = CheckpointRow { size: 3, root: [1; 32], note: "note 3".into(), created_at: t(0) };
    let second = CheckpointRow { size: 9, root: [2; 32], note: "note 9".into(), created_at: t(60) };
    store.put_checkpoint(&second).await.expect("put");
    store.put_checkpoint(&first).await.expect("put");
    store.put_checkpoint(&CheckpointRow { note: "other".into(), ..first.clone() }).await.expect("a repeat is ignored");
    assert_eq!(store.checkpoints().await.expect("all"), vec![first, second.clone()]);
    assert_eq!(store.latest_checkpoint().await.expect("latest"), Some(second));
}

//! Appending an event to the ledger inside a backend's open transaction. The
//! steps are the same for every backend, so they live here once; a backend
//! supplies the five primitive operations of [`LedgerTx`].

use crate::{EventRecord, Result, StoreError};
use ombud_domain::CaseId;
use ombud_ledger::{EventLeaf, Hash, NodeId};
use std::collections::HashMap;

/// What an open transaction of a backend offers the ledger.
pub trait LedgerTx: Send {
    /// Reserves the next leaf index. Backends do this with a write to the
    /// head row first, which serialises concurrent appends.
    fn next_leaf_index(&mut self) -> impl Future<Output = Result<u64>> + Send;
    fn case_reference(&mut self, case: CaseId) -> impl Future<Output = Result<String>> + Send;
    fn ledger_node(&mut self, id: NodeId) -> impl Future<Output = Result<Option<Hash>>> + Send;
    fn put_ledger_node(&mut self, id: NodeId, hash: Hash) -> impl Future<Output = Result<()>> + Send;
    fn insert_event_row(&mut self, event: &EventRecord, leaf_index: u64) -> impl Future<Output = Result<()>> + Send;
}

/// The leaf an event becomes.
pub fn event_leaf(event: &EventRecord, case_ref: &str) -> EventLeaf {
    EventLeaf {
        kind: event.kind.as_str().to_owned(),
        case_ref: case_ref.to_owned(),
        at_ms: event.at.as_millisecond(),
        payload_hash: event.payload_hash,
    }
}

/// Writes an event and its leaf, in the caller's transaction. Returns its index.
pub async fn append_event<T: LedgerTx>(tx: &mut T, event: &EventRecord) -> Result<u64> {
    let index = tx.next_leaf_index().await?;
    let case_ref = tx.case_reference(event.case_id).await?;
    let leaf = event_leaf(event, &case_ref).hash();
    let mut known = HashMap::new();
    for id in ombud_ledger::needed(|get| ombud_ledger::append(index, leaf, get)) {
        let hash = tx.ledger_node(id).await?.ok_or_else(|| missing(id))?;
        known.insert(id, hash);
    }
    let nodes = ombud_ledger::append(index, leaf, &mut |id| {
        known.get(&id).copied().ok_or(ombud_ledger::LedgerError::MissingNode { level: id.level, index: id.index })
    })
    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    for (id, hash) in nodes {
        tx.put_ledger_node(id, hash).await?;
    }
    tx.insert_event_row(event, index).await?;
    Ok(index)
}

fn missing(id: NodeId) -> StoreError {
    StoreError::Corrupt(format!("ledger hash missing at level {} index {}", id.level, id.index))
}

/// A stored hash read back from a row.
pub fn hash_from(bytes: Vec<u8>) -> Result<Hash> {
    bytes.try_into().map_err(|_| StoreError::Corrupt("ledger hash length".into()))
}

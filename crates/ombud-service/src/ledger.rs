//! The ledger's use cases: signed checkpoints, proofs, a reporter's record of
//! handling, and verification of the whole log.

use crate::ReporterDesk;
use crate::error::invalid;
use crate::{Ombud, Result, ServiceError};
use ombud_crypto::{ActorKey, LeafActor};
use ombud_ledger::{
    Checkpoint, ConsistencyFrom, EventLeaf, Hash, LedgerError, NodeId, RECORD_FORMAT, Record, RecordEvent, VerifierKey,
    b64,
};
use ombud_store::{Actor, CheckpointRow, EventRecord};
use std::collections::HashMap;

/// How far a whole-log check got, or the first thing wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct LedgerReport {
    pub size: u64,
    pub checkpoints: usize,
    pub root: Hash,
}

/// The first problem a whole-log check found. `index` is the first bad leaf.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("ledger index {index}: {why}")]
pub struct LedgerProblem {
    pub index: u64,
    pub why: String,
}

const PAGE: u32 = 10_000;

impl Ombud {
    /// The key that verifies this instance's checkpoints.
    pub fn verifier_key(&self) -> VerifierKey {
        let public = self.keys.checkpoint_public_key();
        let origin = self.config.ledger_origin.clone().unwrap_or_else(|| {
            let hash = ombud_ledger::payload_hash(&public);
            format!("ombud.local/{}", hash[..4].iter().map(|b| format!("{b:02x}")).collect::<String>())
        });
        VerifierKey::new(&origin, public)
    }

    /// Runs a tree computation against the stored hashes it needs.
    async fn with_nodes<T>(
        &self,
        compute: impl Fn(&mut dyn FnMut(NodeId) -> ombud_ledger::Result<Hash>) -> ombud_ledger::Result<T>,
    ) -> Result<T> {
        let ids = ombud_ledger::needed(&compute);
        let hashes = self.store.ledger_nodes(&ids).await?;
        let known: HashMap<NodeId, Hash> = ids.into_iter().zip(hashes).filter_map(|(id, h)| Some((id, h?))).collect();
        compute(&mut |id| known.get(&id).copied().ok_or(LedgerError::MissingNode { level: id.level, index: id.index }))
            .map_err(|e| ServiceError::Store(ombud_store::StoreError::Corrupt(e.to_string())))
    }

    pub async fn latest_checkpoint(&self) -> Result<Option<CheckpointRow>> {
        Ok(self.store.latest_checkpoint().await?)
    }

    /// The latest checkpoint, signing a new one first if the log has grown.
    pub async fn checkpoint(&self) -> Result<CheckpointRow> {
        let size = self.store.ledger_size().await?;
        if let Some(latest) = self.store.latest_checkpoint().await?
            && latest.size == size
        {
            return Ok(latest);
        }
        let root = self.with_nodes(|get| ombud_ledger::root(size, get)).await?;
        let key = self.verifier_key();
        let checkpoint = Checkpoint { origin: key.name.clone(), size, root };
        let note =
            ombud_ledger::signed_note(&checkpoint, &key, &self.keys.sign_checkpoint(checkpoint.body().as_bytes()));
        let row = CheckpointRow { size, root, note, created_at: self.clock.now() };
        self.store.put_checkpoint(&row).await?;
        // Another instance may have signed the same size a moment earlier; either is valid.
        Ok(self.store.latest_checkpoint().await?.unwrap_or(row))
    }

    /// Signs a checkpoint only if the log grew since the last one (the job loop).
    pub async fn checkpoint_if_grown(&self) -> Result<Option<CheckpointRow>> {
        let size = self.store.ledger_size().await?;
        let latest = self.store.latest_checkpoint().await?;
        if latest.as_ref().is_some_and(|l| l.size == size) || (latest.is_none() && size == 0) {
            return Ok(None);
        }
        self.checkpoint().await.map(Some)
    }

    pub async fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>> {
        if size > self.store.ledger_size().await? {
            return Err(invalid("size", "beyond-log"));
        }
        if index >= size {
            return Err(invalid("index", "beyond-tree"));
        }
        self.with_nodes(|get| ombud_ledger::inclusion_proof(index, size, get)).await
    }

    pub async fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<Hash>> {
        if to > self.store.ledger_size().await? {
            return Err(invalid("to", "beyond-log"));
        }
        if from > to {
            return Err(invalid("from", "beyond-tree"));
        }
        self.with_nodes(|get| ombud_ledger::consistency_proof(from, to, get)).await
    }

    /// An administrative event's leaf commits to a hash of on whom and what
    /// changed; those are kept beside it in clear, so each is checked against
    /// its hash (the leaves themselves were checked with every other).
    async fn verify_staff_events(&self) -> Result<Option<LedgerProblem>> {
        let mut before = None;
        loop {
            let rows = self.store.staff_events(before, 500).await?;
            let Some(last) = rows.last() else {
                return Ok(None);
            };
            before = Some(last.leaf_index);
            if let Some(row) = rows.iter().find(|r| r.record.payload_hash() != r.record.event.payload_hash) {
                return Ok(Some(LedgerProblem {
                    index: row.leaf_index,
                    why: format!(
                        "administrative event {} ({}) does not match its leaf: on whom or what changed was edited",
                        row.record.event.id, row.record.event.kind
                    ),
                }));
            }
        }
    }

    /// Recomputes every leaf from the events it records, every stored subtree
    /// hash from its children, and the root at every checkpoint; answers the
    /// first bad index. `progress` hears the number of leaves checked.
    pub async fn verify_ledger(
        &self,
        mut progress: impl FnMut(u64),
    ) -> Result<std::result::Result<LedgerReport, LedgerProblem>> {
        let size = self.store.ledger_size().await?;
        let key = self.verifier_key();
        let checkpoints = self.store.checkpoints().await?;
        let mut pending = checkpoints.iter().peekable();
        let mut frontier = Frontier::default();
        let mut seen_version_2 = false;
        let mut next = 0u64;
        while next < size {
            let entries = match self.store.ledger_entries(next, PAGE).await {
                Ok(entries) => entries,
                Err(ombud_store::StoreError::Corrupt(why)) => {
                    let index = self.first_unreadable(next).await?;
                    return Ok(Err(LedgerProblem { index, why: format!("the event cannot be read ({why})") }));
                }
                Err(e) => return Err(e.into()),
            };
            let stored = self.store.ledger_level(0, next, PAGE).await?;
            if entries.is_empty() {
                return Ok(Err(LedgerProblem { index: next, why: "the event is missing".into() }));
            }
            for (i, entry) in entries.iter().enumerate() {
                let index = entry.event.leaf_index.unwrap_or(u64::MAX);
                if index != next {
                    let why = if index >= size { "an event was added outside the log" } else { "the event is missing" };
                    return Ok(Err(LedgerProblem { index: next.min(index), why: why.into() }));
                }
                let e = &entry.event;
                let recorded = stored.get(i).filter(|(at, _)| *at == index).map(|(_, hash)| *hash);
                let leaf = match self.written_leaf(e, &entry.case_ref, index, recorded) {
                    Written::As(leaf) if leaf.version() == 1 && seen_version_2 => {
                        // Instances write version 2 only, since version 2: an
                        // older leaf after a newer one was written without the
                        // key, to pass off an edit of who acted.
                        return Ok(Err(LedgerProblem {
                            index,
                            why: format!(
                                "event {} ({}) has a version-1 leaf after version-2 leaves (rewritten)",
                                e.id, e.kind
                            ),
                        }));
                    }
                    Written::As(leaf) => leaf,
                    Written::Edited(_) => {
                        return Ok(Err(LedgerProblem {
                            index,
                            why: format!(
                                "event {} ({}) does not match its recorded leaf: its kind, time, payload or \
                                 acting person was edited, or it was moved",
                                e.id, e.kind
                            ),
                        }));
                    }
                };
                seen_version_2 |= leaf.version() == 2;
                let leaf = leaf.hash();
                frontier.push(leaf);
                next += 1;
                while let Some(c) = pending.next_if(|c| c.size <= next) {
                    if let Some(problem) = check_checkpoint(c, &key, &frontier, next) {
                        return Ok(Err(problem));
                    }
                }
            }
            progress(next);
        }
        if let Some(extra) = self.store.ledger_entries(size, 1).await?.first() {
            return Ok(Err(LedgerProblem {
                index: extra.event.leaf_index.unwrap_or(size),
                why: "an event was added outside the log".into(),
            }));
        }
        if self.store.unindexed_events().await? > 0 {
            return Ok(Err(LedgerProblem { index: size, why: "an event was added without a place in the log".into() }));
        }
        if let Some(c) = pending.next() {
            return Ok(Err(LedgerProblem {
                index: size,
                why: format!("a checkpoint of size {} is larger than the log", c.size),
            }));
        }
        if let Some(problem) = self.verify_stored_levels(size).await? {
            return Ok(Err(problem));
        }
        if let Some(problem) = self.verify_staff_events().await? {
            return Ok(Err(problem));
        }
        Ok(Ok(LedgerReport { size, checkpoints: checkpoints.len(), root: frontier.root() }))
    }

    /// Reads one row at a time from `from` to find the first that cannot be read.
    async fn first_unreadable(&self, from: u64) -> Result<u64> {
        let mut index = from;
        loop {
            match self.store.ledger_entries(index, 1).await {
                Ok(rows) => match rows.first().and_then(|r| r.event.leaf_index) {
                    Some(i) => index = i + 1,
                    None => return Ok(index),
                },
                Err(ombud_store::StoreError::Corrupt(_)) => return Ok(index),
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Every stored node at level ≥ 1 must be the hash of its two children.
    async fn verify_stored_levels(&self, size: u64) -> Result<Option<LedgerProblem>> {
        let mut level = 1u8;
        while level < 64 && (size >> level) > 0 {
            let mut index = 0u64;
            let count = size >> level;
            while index < count {
                let parents = self.store.ledger_level(level, index, PAGE).await?;
                let children = self.store.ledger_level(level - 1, index * 2, PAGE * 2).await?;
                for (k, (i, hash)) in parents.iter().enumerate() {
                    let first_leaf = i << level;
                    let (Some(l), Some(r)) = (children.get(2 * k), children.get(2 * k + 1)) else {
                        return Ok(Some(LedgerProblem {
                            index: first_leaf,
                            why: "a stored hash has no children".into(),
                        }));
                    };
                    if *i != index + k as u64
                        || l.0 != 2 * i
                        || r.0 != 2 * i + 1
                        || ombud_ledger::node_hash(&l.1, &r.1) != *hash
                    {
                        return Ok(Some(LedgerProblem {
                            index: first_leaf,
                            why: format!(
                                "the stored hash of leaves {first_leaf}..{} is wrong",
                                first_leaf + (1 << level)
                            ),
                        }));
                    }
                }
                if parents.is_empty() {
                    return Ok(Some(LedgerProblem { index: index << level, why: "a stored hash is missing".into() }));
                }
                index += parents.len() as u64;
            }
            level += 1;
        }
        Ok(None)
    }
}

/// The store's hasher of actor commitments: the instance's actor key alone,
/// and how an event's actor is named to it. Bound to the store when the
/// instance opens, so the store writes version-2 leaves without ever holding
/// the instance secret.
#[derive(Debug)]
pub(crate) struct LeafActors(pub(crate) ActorKey);

impl ombud_store::ledger::ActorCommitments for LeafActors {
    fn commit(&self, event: &EventRecord, leaf_index: u64) -> Hash {
        actor_commitment(&self.0, event, leaf_index)
    }
}

/// The one mapping from an event's actor to its commitment, for writing a
/// leaf (through the store) and for checking it (here).
fn actor_commitment(key: &ActorKey, e: &EventRecord, leaf_index: u64) -> Hash {
    let actor = match &e.actor {
        Actor::Staff(id) => LeafActor::Staff(id.as_bytes()),
        Actor::Reporter => LeafActor::Reporter,
        Actor::System => LeafActor::System,
    };
    key.commit(e.case_id.as_bytes(), leaf_index, actor)
}

impl Ombud {
    /// The leaf `e` was written as, recomputed from its row with the instance
    /// keys: version 2 when its commitment to who acted (from
    /// `events.staff_id` and `actor_kind`) gives the recorded hash, version 1
    /// when the recorded hash is the leaf of a log written before version 2.
    /// When neither is, the row no longer says what was recorded. The version
    /// is not stored beside the event; the recorded hash says it, and stating
    /// it in a column would only be one more thing to edit.
    fn written_leaf(&self, e: &EventRecord, case_ref: &str, index: u64, recorded: Option<Hash>) -> Written {
        let v2 = ombud_store::ledger::event_leaf(e, case_ref, Some(actor_commitment(self.keys.actor_key(), e, index)));
        if recorded == Some(v2.hash()) {
            return Written::As(v2);
        }
        let v1 = EventLeaf { actor: None, ..v2.clone() };
        if recorded == Some(v1.hash()) { Written::As(v1) } else { Written::Edited(v2) }
    }
}

/// An event's leaf recomputed from its row, against the recorded hash.
enum Written {
    /// The recorded leaf, in the version it was written in.
    As(EventLeaf),
    /// Not the recorded leaf: the version-2 leaf the edited row gives now.
    Edited(EventLeaf),
}

impl Written {
    fn leaf(self) -> EventLeaf {
        match self {
            Written::As(leaf) | Written::Edited(leaf) => leaf,
        }
    }
}

fn check_checkpoint(c: &CheckpointRow, key: &VerifierKey, frontier: &Frontier, size: u64) -> Option<LedgerProblem> {
    let signed = match ombud_ledger::verify_note(&c.note, key) {
        Ok(signed) => signed,
        Err(e) => {
            return Some(LedgerProblem {
                index: c.size.saturating_sub(1),
                why: format!("the checkpoint of size {} does not verify: {e}", c.size),
            });
        }
    };
    if signed.size != c.size || signed.root != c.root || c.size != size || frontier.root() != c.root {
        return Some(LedgerProblem {
            index: c.size.saturating_sub(1),
            why: format!("the log no longer matches the signed checkpoint of size {}", c.size),
        });
    }
    None
}

/// The right edge of a Merkle tree being built leaf by leaf: one hash per
/// complete subtree, so the root of any prefix costs O(log n) memory.
#[derive(Default)]
struct Frontier {
    stack: Vec<(u8, Hash)>,
}

impl Frontier {
    fn push(&mut self, leaf: Hash) {
        let mut node = (0u8, leaf);
        while let Some(&(level, left)) = self.stack.last() {
            if level != node.0 {
                break;
            }
            self.stack.pop();
            node = (level + 1, ombud_ledger::node_hash(&left, &node.1));
        }
        self.stack.push(node);
    }

    fn root(&self) -> Hash {
        let mut iter = self.stack.iter().rev();
        let Some(&(_, mut acc)) = iter.next() else { return ombud_ledger::EMPTY_ROOT };
        for (_, left) in iter {
            acc = ombud_ledger::node_hash(left, &acc);
        }
        acc
    }
}

impl Ombud {
    /// The size of the log a record she kept was given, once its checkpoint's
    /// signature is checked with this instance's key.
    pub fn size_of_kept_record(&self, kept: &Record) -> Result<u64> {
        ombud_ledger::verify_note(&kept.checkpoint, &self.verifier_key())
            .map(|checkpoint| checkpoint.size)
            .map_err(|_| invalid("earlier", "record-not-ours"))
    }
}

impl ReporterDesk<'_> {
    /// Her case's events with inclusion proofs against the checkpoint the
    /// job loop signed last (her steps of the last round join at the next),
    /// and, with `since`, a proof that the checkpoint of a record she kept
    /// (its size) is a prefix of this one. Nothing is written, and nothing
    /// remembers that she downloaded it (DECISIONS #21), except on an
    /// instance that has never signed a checkpoint, which signs its first.
    pub async fn record(&self, since: Option<u64>) -> Result<Record> {
        let session = self.session;
        let case = self.store.case(session.case_id).await?.ok_or(ServiceError::NotFound)?;
        let checkpoint = match self.store.latest_checkpoint().await? {
            Some(signed) => signed,
            None => self.checkpoint().await?,
        };
        if since.is_some_and(|size| size > checkpoint.size) {
            return Err(invalid("since", "beyond-log"));
        }
        let case_events: Vec<(EventRecord, u64)> = (self.store.events(case.id).await?.into_iter())
            .filter(|e| e.kind.in_her_record())
            .filter_map(|e| e.leaf_index.filter(|i| *i < checkpoint.size).map(|i| (e, i)))
            .collect();
        let ids: Vec<NodeId> = case_events.iter().map(|(_, i)| NodeId { level: 0, index: *i }).collect();
        let recorded = self.store.ledger_nodes(&ids).await?;
        let mut events = Vec::new();
        for ((e, index), recorded) in case_events.into_iter().zip(recorded) {
            let proof = self.with_nodes(|get| ombud_ledger::inclusion_proof(index, checkpoint.size, get)).await?;
            // Her leaf in the version it was written in. An edited row gives
            // the version-2 leaf it reads as now, which her check refuses: an
            // edit is shown to her, never papered over.
            let leaf = self.written_leaf(&e, &case.reference, index, recorded).leaf();
            events.push(RecordEvent {
                kind: e.kind.as_str().to_owned(),
                at: e.at.to_string(),
                leaf_index: index,
                leaf: leaf.encode(),
                proof: proof.iter().map(|h| b64(h)).collect(),
            });
        }
        let mut consistency = Vec::new();
        if let Some(earlier) = since.filter(|size| *size > 0 && *size < checkpoint.size) {
            let proof = self.with_nodes(|get| ombud_ledger::consistency_proof(earlier, checkpoint.size, get)).await?;
            consistency.push(ConsistencyFrom { size: earlier, proof: proof.iter().map(|h| b64(h)).collect() });
        }
        Ok(Record {
            format: RECORD_FORMAT.to_owned(),
            case_ref: case.reference,
            verifier_key: self.verifier_key().encode(),
            checkpoint: checkpoint.note,
            events,
            consistency,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Frontier;

    #[test]
    fn the_frontier_root_matches_the_stored_tree_root() {
        for n in 0u64..40 {
            let leaves: Vec<_> = (0..n).map(|i| ombud_ledger::leaf_hash(&i.to_le_bytes())).collect();
            let mut frontier = Frontier::default();
            let mut stored = std::collections::HashMap::new();
            for (i, leaf) in leaves.iter().enumerate() {
                frontier.push(*leaf);
                let nodes = ombud_ledger::append(i as u64, *leaf, &mut |id| Ok(stored[&id])).expect("append");
                stored.extend(nodes);
            }
            let expected = ombud_ledger::root(n, &mut |id| Ok(stored[&id])).expect("root");
            assert_eq!(frontier.root(), expected, "n = {n}");
        }
    }
}

//! The tamper-evident ledger as stored: events, the Merkle tree's subtree
//! hashes, signed checkpoints. Every event is appended with its leaf in the
//! transaction of the change it records.
//!
//! A leaf is written in version 2 (`ombud-event/v2`): it also commits to who
//! acted, by a keyed hash of the actor, the case and the leaf's index. The
//! index is only known inside the appending transaction (it is reserved
//! there, which serialises writers), so the commitment cannot be computed
//! ahead by the caller; and the key must not live here. So the service binds
//! the store, once, to an [`ActorCommitments`]: an opaque hasher it builds
//! from the instance keys, holding only the one purpose-separated key that
//! commitments need. SQL stays in the store, keys in the crypto crate, and
//! no caller that appends an event has to carry anything more.

use crate::sql::{Conn, all_rows, index, typed, unsigned};
use crate::*;
use async_trait::async_trait;
use ombud_domain::CaseId;
use ombud_ledger::EventLeaf;
use std::collections::HashMap;
use std::sync::Arc;

pub use crate::records::ActorCommitments;

#[async_trait]
pub trait LedgerStore: Send + Sync {
    /// Writes one event and its ledger leaf in one transaction.
    async fn record_event(&self, event: &EventRecord) -> Result<()>;
    /// A case's events in ledger order.
    async fn events(&self, case: CaseId) -> Result<Vec<EventRecord>>;
    async fn ledger_size(&self) -> Result<u64>;
    /// Stored subtree hashes, in the order asked; None where absent.
    async fn ledger_nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<Hash>>>;
    /// Up to `limit` stored hashes of one level from index `from` on, in order.
    async fn ledger_level(&self, level: u8, from: u64, limit: u32) -> Result<Vec<(u64, Hash)>>;
    /// Up to `limit` events from leaf index `from` on, in ledger order.
    async fn ledger_entries(&self, from: u64, limit: u32) -> Result<Vec<LedgerEntry>>;
    /// Events that carry no leaf index (none should).
    async fn unindexed_events(&self) -> Result<u64>;
    async fn checkpoints(&self) -> Result<Vec<CheckpointRow>>;
    async fn latest_checkpoint(&self) -> Result<Option<CheckpointRow>>;
    /// Stores a checkpoint unless one of that size exists.
    async fn put_checkpoint(&self, checkpoint: &CheckpointRow) -> Result<()>;
    /// Binds the store to the hasher of actor commitments, so that it writes
    /// version-2 leaves. The first binding stands: the service binds after
    /// checking the instance secret, so any later one is by the same key.
    fn bind_actor_commitments(&self, commitments: Arc<dyn ActorCommitments>);
}

/// The leaf an event becomes: version 2 with its actor commitment, or
/// version 1 (`None`), as every event was written before version 2.
pub fn event_leaf(event: &EventRecord, case_ref: &str, actor: Option<Hash>) -> EventLeaf {
    EventLeaf {
        kind: event.kind.as_str().to_owned(),
        case_ref: case_ref.to_owned(),
        at_ms: event.at.as_millisecond(),
        payload_hash: event.payload_hash,
        actor,
    }
}

impl SqlStore {
    /// Writes an event and its leaf in the caller's transaction; returns its index.
    ///
    /// A store no service has bound (the store's own tests, bulk tools) has no
    /// key to commit with and writes version-1 leaves, as before version 2;
    /// `Ombud::open` always binds, so every instance writes version 2.
    pub(crate) async fn insert_event(&self, conn: &mut Conn, event: &EventRecord) -> Result<u64> {
        append_event(conn, event, self.actors()).await
    }

    /// The hasher of actor commitments, once a service has bound it.
    pub(crate) fn actors(&self) -> Option<&dyn ActorCommitments> {
        self.actors.get().map(Arc::as_ref)
    }
}

async fn append_event(conn: &mut Conn, event: &EventRecord, actors: Option<&dyn ActorCommitments>) -> Result<u64> {
    // The leaf is reserved first: its write takes the lock before any read,
    // so a SQLite transaction never has to upgrade a read to a write.
    let index = next_leaf_index(conn).await?;
    let case_ref: String = sqlx::query_scalar("SELECT reference FROM cases WHERE id = $1")
        .bind(event.case_id.to_string())
        .fetch_one(&mut *conn)
        .await?;
    append_leaf(conn, index, event, &case_ref, actors).await?;
    insert_event_row(conn, event, index).await?;
    Ok(index)
}

/// Writes an administrative event (one that belongs to no case) and its
/// leaf, under the reserved reference, in the caller's transaction.
pub(crate) async fn append_staff_event(
    conn: &mut Conn,
    record: &StaffEventRecord,
    actors: Option<&dyn ActorCommitments>,
) -> Result<u64> {
    let e = &record.event;
    let leaf = next_leaf_index(conn).await?;
    append_leaf(conn, leaf, e, NO_CASE_REFERENCE, actors).await?;
    sqlx::query(
        "INSERT INTO staff_events (id, kind, at, actor_kind, staff_id, subject_id, detail, payload_hash, leaf_index)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(e.id.to_string())
    .bind(e.kind.as_str())
    .bind(millis(e.at))
    .bind(e.actor.kind())
    .bind(e.actor.staff_id())
    .bind(record.subject.map(|s| s.to_string()))
    .bind(&record.detail)
    .bind(e.payload_hash.to_vec())
    .bind(index(leaf)?)
    .execute(&mut *conn)
    .await?;
    Ok(leaf)
}

/// Adds the hash of a reserved leaf to the tree.
async fn append_leaf(
    conn: &mut Conn,
    index: u64,
    event: &EventRecord,
    case_ref: &str,
    actors: Option<&dyn ActorCommitments>,
) -> Result<()> {
    let actor = actors.map(|a| a.commit(event, index));
    let leaf = event_leaf(event, case_ref, actor).hash();
    let mut known = HashMap::new();
    for id in ombud_ledger::needed(|get| ombud_ledger::append(index, leaf, get)) {
        let hash = ledger_node(conn, id).await?.ok_or_else(|| missing(id))?;
        known.insert(id, hash);
    }
    let nodes = ombud_ledger::append(index, leaf, &mut |id| {
        known.get(&id).copied().ok_or(ombud_ledger::LedgerError::MissingNode { level: id.level, index: id.index })
    })
    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    for (id, hash) in nodes {
        put_ledger_node(conn, id, hash).await?;
    }
    Ok(())
}

/// Reserves the next leaf index. Writing the head row first serialises
/// concurrent appends (the write lock in SQLite, the row lock in PostgreSQL).
async fn next_leaf_index(conn: &mut Conn) -> Result<u64> {
    let next: i64 = sqlx::query_scalar("UPDATE ledger_head SET size = size + 1 WHERE id = 1 RETURNING size - 1")
        .fetch_one(&mut *conn)
        .await?;
    unsigned(next, "ledger size")
}

async fn ledger_node(conn: &mut Conn, id: NodeId) -> Result<Option<Hash>> {
    let bytes: Option<Vec<u8>> = sqlx::query_scalar("SELECT hash FROM ledger_hashes WHERE level = $1 AND idx = $2")
        .bind(i64::from(id.level))
        .bind(index(id.index)?)
        .fetch_optional(&mut *conn)
        .await?;
    bytes.map(hash_from).transpose()
}

async fn put_ledger_node(conn: &mut Conn, id: NodeId, hash: Hash) -> Result<()> {
    sqlx::query("INSERT INTO ledger_hashes (level, idx, hash) VALUES ($1, $2, $3)")
        .bind(i64::from(id.level))
        .bind(index(id.index)?)
        .bind(hash.to_vec())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn insert_event_row(conn: &mut Conn, e: &EventRecord, leaf_index: u64) -> Result<()> {
    sqlx::query(
        "INSERT INTO events (id, case_id, kind, at, actor_kind, staff_id, payload_hash, leaf_index)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.id.to_string())
    .bind(e.case_id.to_string())
    .bind(e.kind.as_str())
    .bind(millis(e.at))
    .bind(e.actor.kind())
    .bind(e.actor.staff_id())
    .bind(e.payload_hash.to_vec())
    .bind(index(leaf_index)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn missing(id: NodeId) -> StoreError {
    StoreError::Corrupt(format!("ledger hash missing at level {} index {}", id.level, id.index))
}

/// A stored hash read back from a row.
pub fn hash_from(bytes: Vec<u8>) -> Result<Hash> {
    bytes.try_into().map_err(|_| StoreError::Corrupt("ledger hash length".into()))
}

#[async_trait]
impl LedgerStore for SqlStore {
    async fn record_event(&self, event: &EventRecord) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        self.insert_event(&mut tx, event).await?;
        Ok(tx.commit().await?)
    }

    fn bind_actor_commitments(&self, commitments: Arc<dyn ActorCommitments>) {
        // Err means already bound, by the same instance key (see the trait).
        let _ = self.actors.set(commitments);
    }

    async fn events(&self, case: CaseId) -> Result<Vec<EventRecord>> {
        let rows =
            sqlx::query_as::<_, EventColumns>("SELECT * FROM events WHERE case_id = $1 ORDER BY leaf_index, at, id")
                .bind(case.to_string())
                .fetch_all(&self.pool)
                .await?;
        typed(rows)
    }

    async fn ledger_size(&self) -> Result<u64> {
        let size: i64 = sqlx::query_scalar("SELECT size FROM ledger_head WHERE id = 1").fetch_one(&self.pool).await?;
        unsigned(size, "ledger size")
    }

    async fn ledger_nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<Hash>>> {
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(ledger_node(&mut conn, *id).await?);
        }
        Ok(out)
    }

    async fn ledger_level(&self, level: u8, from: u64, limit: u32) -> Result<Vec<(u64, Hash)>> {
        let rows = sqlx::query_as::<_, LevelHashColumns>(
            "SELECT idx, hash FROM ledger_hashes WHERE level = $1 AND idx >= $2 ORDER BY idx LIMIT $3",
        )
        .bind(i64::from(level))
        .bind(index(from)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn ledger_entries(&self, from: u64, limit: u32) -> Result<Vec<LedgerEntry>> {
        let rows = sqlx::query_as::<_, LedgerEntryColumns>(
            // Each side is cut to the page by its own index before the two are
            // merged: a UNION cut only at the end read (and sorted) the whole
            // rest of the log for every page, O(n²) over `ledger verify`.
            "SELECT * FROM (
               SELECT * FROM (
                 SELECT e.id, e.case_id, e.kind, e.at, e.actor_kind, e.staff_id, e.payload_hash, e.leaf_index,
                        c.reference
                 FROM events e LEFT JOIN cases c ON c.id = e.case_id WHERE e.leaf_index >= $1
                 ORDER BY e.leaf_index LIMIT $2) case_side
               UNION ALL
               SELECT * FROM (
                 SELECT a.id, $3, a.kind, a.at, a.actor_kind, a.staff_id, a.payload_hash, a.leaf_index, $4
                 FROM staff_events a WHERE a.leaf_index >= $1
                 ORDER BY a.leaf_index LIMIT $2) staff_side
             ) entries ORDER BY leaf_index LIMIT $2",
        )
        .bind(index(from)?)
        .bind(i64::from(limit))
        .bind(NO_CASE.to_string())
        .bind(NO_CASE_REFERENCE)
        .fetch_all(&self.pool)
        .await?;
        typed(rows)
    }

    async fn unindexed_events(&self) -> Result<u64> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE leaf_index IS NULL").fetch_one(&self.pool).await?;
        unsigned(n, "count")
    }

    async fn checkpoints(&self) -> Result<Vec<CheckpointRow>> {
        all_rows::<CheckpointColumns, _>(&self.pool, "SELECT * FROM checkpoints ORDER BY size").await
    }

    async fn latest_checkpoint(&self) -> Result<Option<CheckpointRow>> {
        let row = sqlx::query_as::<_, CheckpointColumns>("SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn put_checkpoint(&self, c: &CheckpointRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING",
        )
        .bind(index(c.size)?)
        .bind(c.root.to_vec())
        .bind(&c.note)
        .bind(millis(c.created_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct EventColumns {
    id: String,
    case_id: String,
    kind: String,
    at: i64,
    actor_kind: String,
    staff_id: Option<String>,
    #[serde(deserialize_with = "crate::bundle::hex_bytes::option::deserialize", default)]
    payload_hash: Option<Vec<u8>>,
    leaf_index: Option<i64>,
}

impl TryFrom<EventColumns> for EventRecord {
    type Error = StoreError;
    fn try_from(c: EventColumns) -> Result<Self> {
        Ok(EventRecord {
            id: parse(&c.id, "event id")?,
            case_id: parse(&c.case_id, "case id")?,
            kind: parse(&c.kind, "event kind")?,
            at: from_millis(c.at)?,
            actor: Actor::from_parts(&c.actor_kind, c.staff_id)?,
            payload_hash: match c.payload_hash {
                Some(bytes) => bytes.try_into().map_err(|_| StoreError::Corrupt("payload hash".into()))?,
                None => [0; 32],
            },
            leaf_index: c.leaf_index.map(|i| unsigned(i, "leaf index")).transpose()?,
        })
    }
}

/// An event joined with its case's reference (none for a case-less event).
#[derive(sqlx::FromRow)]
struct LedgerEntryColumns {
    #[sqlx(flatten)]
    event: EventColumns,
    reference: Option<String>,
}

impl TryFrom<LedgerEntryColumns> for LedgerEntry {
    type Error = StoreError;
    fn try_from(c: LedgerEntryColumns) -> Result<Self> {
        Ok(LedgerEntry { event: c.event.try_into()?, case_ref: c.reference.unwrap_or_default() })
    }
}

#[derive(sqlx::FromRow)]
struct LevelHashColumns {
    idx: i64,
    hash: Vec<u8>,
}

impl TryFrom<LevelHashColumns> for (u64, Hash) {
    type Error = StoreError;
    fn try_from(c: LevelHashColumns) -> Result<Self> {
        Ok((unsigned(c.idx, "index")?, hash_from(c.hash)?))
    }
}

#[derive(sqlx::FromRow)]
struct CheckpointColumns {
    size: i64,
    root: Vec<u8>,
    note: String,
    created_at: i64,
}

impl TryFrom<CheckpointColumns> for CheckpointRow {
    type Error = StoreError;
    fn try_from(c: CheckpointColumns) -> Result<Self> {
        Ok(CheckpointRow {
            size: unsigned(c.size, "checkpoint size")?,
            root: hash_from(c.root)?,
            note: c.note,
            created_at: from_millis(c.created_at)?,
        })
    }
}

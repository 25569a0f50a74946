//! The tamper-evident log: RFC 6962 / RFC 9162 Merkle hashing (leaf prefix
//! 0x00, node prefix 0x01) over append-only stored hashes, inclusion and
//! consistency proofs and their verification, the canonical encoding of a
//! case event as a leaf, and signed checkpoints in the C2SP tlog-checkpoint
//! note format.
//!
//! Storage model: every complete subtree's hash is stored once, under
//! [`NodeId`] (level, index): level 0 is a leaf, a node at level L covers
//! leaves `[index·2^L, (index+1)·2^L)`. Appending leaf n stores the leaf hash
//! and one node per trailing one-bit of n; any root, proof or range hash then
//! needs O(log n) stored hashes. Rows are only ever added, so any instance
//! reading the same database can prove and verify.
#![forbid(unsafe_code)]

mod checkpoint;
mod leaf;
mod record;
mod tree;

pub use checkpoint::{Checkpoint, VerifierKey, signed_note, verify_note};
pub use leaf::EventLeaf;
pub use record::{ConsistencyFrom, RECORD_FORMAT, Record, RecordEvent, RecordProblem, verify_record};
pub use tree::{
    EMPTY_ROOT, Hash, NodeId, append, consistency_proof, inclusion_proof, leaf_hash, needed, node_hash, root,
    verify_consistency, verify_inclusion,
};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LedgerError {
    #[error("stored hash missing for level {level} index {index}")]
    MissingNode { level: u8, index: u64 },
    #[error("index {index} is outside a tree of size {size}")]
    OutOfRange { index: u64, size: u64 },
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(String),
    #[error("checkpoint signature does not verify")]
    BadSignature,
    #[error("malformed key: {0}")]
    MalformedKey(String),
}

pub type Result<T> = std::result::Result<T, LedgerError>;

/// Hashes travel as standard base64, as in checkpoints.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn unb64_hash(s: &str) -> Option<Hash> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).ok()?.try_into().ok()
}

/// SHA-256 of a sealed payload, as an event leaf records it.
pub fn payload_hash(sealed: &[u8]) -> Hash {
    use sha2::Digest;
    sha2::Sha256::digest(sealed).into()
}

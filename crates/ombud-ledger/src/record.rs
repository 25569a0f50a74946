//! A reporter's record of handling: her case's events, each with its leaf and
//! an inclusion proof against a signed checkpoint, checkable offline.

use crate::{Checkpoint, EventLeaf, Hash, VerifierKey, unb64_hash, verify_consistency, verify_inclusion, verify_note};
use serde::{Deserialize, Serialize};

pub const RECORD_FORMAT: &str = "ombud-record/v1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub format: String,
    pub case_ref: String,
    /// The instance's verifier key, for convenience only: verification uses
    /// the key the reporter got independently (the about page, oversight).
    pub verifier_key: String,
    /// The signed checkpoint every proof is against.
    pub checkpoint: String,
    pub events: Vec<RecordEvent>,
    /// Proofs that earlier checkpoints given to this reporter are prefixes of this one.
    #[serde(default)]
    pub consistency: Vec<ConsistencyFrom>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordEvent {
    pub kind: String,
    /// RFC 3339, for people; the leaf holds the exact milliseconds.
    pub at: String,
    pub leaf_index: u64,
    pub leaf: String,
    pub proof: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyFrom {
    pub size: u64,
    pub proof: Vec<String>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecordProblem {
    #[error("this is not an Ombud record (format {0:?})")]
    Format(String),
    #[error("the checkpoint is not signed by this key: {0}")]
    Checkpoint(String),
    #[error("event {position} (log index {leaf_index}, {kind}) fails: {why}")]
    Event { position: usize, leaf_index: u64, kind: String, why: &'static str },
    #[error("event at log index {leaf_index} ({kind}) of the earlier record is missing from this one")]
    Missing { leaf_index: u64, kind: String },
    #[error("event at log index {leaf_index} ({kind}) differs from the earlier record")]
    Changed { leaf_index: u64, kind: String },
    #[error("the log shrank: the earlier checkpoint had {earlier} entries, this one {now}")]
    Shrank { earlier: u64, now: u64 },
    #[error("this record carries no proof that it extends the earlier checkpoint of size {0}")]
    NoConsistencyProof(u64),
    #[error("the log was rewritten: the checkpoint of size {earlier} is not a prefix of the one of size {now}")]
    Rewritten { earlier: u64, now: u64 },
    #[error("the records are of different cases")]
    OtherCase,
}

fn proof_hashes(proof: &[String]) -> Option<Vec<Hash>> {
    proof.iter().map(|p| unb64_hash(p)).collect()
}

/// Verifies every event of `record` against its checkpoint signed by `key`,
/// and, given an earlier record of the same case, that nothing it held was
/// removed, changed or rewritten. Returns the checkpoint on success.
pub fn verify_record(
    record: &Record,
    key: &VerifierKey,
    earlier: Option<&Record>,
) -> Result<Checkpoint, RecordProblem> {
    if record.format != RECORD_FORMAT {
        return Err(RecordProblem::Format(record.format.clone()));
    }
    let checkpoint = verify_note(&record.checkpoint, key).map_err(|e| RecordProblem::Checkpoint(e.to_string()))?;
    for (position, e) in record.events.iter().enumerate() {
        let fail =
            |why| RecordProblem::Event { position: position + 1, leaf_index: e.leaf_index, kind: e.kind.clone(), why };
        let leaf = EventLeaf::decode(&e.leaf).ok_or_else(|| fail("its leaf is not in canonical form"))?;
        if leaf.kind != e.kind || leaf.case_ref != record.case_ref {
            return Err(fail("its leaf names another event or case"));
        }
        let proof = proof_hashes(&e.proof).ok_or_else(|| fail("its proof is malformed"))?;
        if !verify_inclusion(&leaf.hash(), e.leaf_index, checkpoint.size, &proof, &checkpoint.root) {
            return Err(fail("it is not in the signed log at this position"));
        }
    }
    if let Some(earlier) = earlier {
        compare_with_earlier(record, &checkpoint, earlier, key)?;
    }
    Ok(checkpoint)
}

fn compare_with_earlier(
    record: &Record,
    now: &Checkpoint,
    earlier: &Record,
    key: &VerifierKey,
) -> Result<(), RecordProblem> {
    if earlier.case_ref != record.case_ref {
        return Err(RecordProblem::OtherCase);
    }
    let before = verify_record(earlier, key, None)?;
    for old in &earlier.events {
        match record.events.iter().find(|e| e.leaf_index == old.leaf_index) {
            None => {
                return Err(RecordProblem::Missing { leaf_index: old.leaf_index, kind: old.kind.clone() });
            }
            Some(e) if e.leaf != old.leaf => {
                return Err(RecordProblem::Changed { leaf_index: old.leaf_index, kind: old.kind.clone() });
            }
            Some(_) => {}
        }
    }
    if before.size > now.size {
        return Err(RecordProblem::Shrank { earlier: before.size, now: now.size });
    }
    if before.size == now.size {
        return if before.root == now.root {
            Ok(())
        } else {
            Err(RecordProblem::Rewritten { earlier: before.size, now: now.size })
        };
    }
    let proof = record
        .consistency
        .iter()
        .find(|c| c.size == before.size)
        .and_then(|c| proof_hashes(&c.proof))
        .ok_or(RecordProblem::NoConsistencyProof(before.size))?;
    if verify_consistency(before.size, now.size, &before.root, &now.root, &proof) {
        Ok(())
    } else {
        Err(RecordProblem::Rewritten { earlier: before.size, now: now.size })
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NodeId, append, b64, inclusion_proof, root, signed_note};
    use ed25519_dalek::{Signer, SigningKey};
    use std::collections::HashMap;

    const CASE: &str = "OMB-RCRD-0001";

    fn leaf(kind: &str, at_ms: i64, actor: Option<Hash>) -> EventLeaf {
        EventLeaf { kind: kind.into(), case_ref: CASE.into(), at_ms, payload_hash: [at_ms as u8; 32], actor }
    }

    /// A signed record of `leaves`, as a server would give it, over a log
    /// that holds them and nothing else.
    fn record_of(leaves: &[EventLeaf]) -> (Record, VerifierKey) {
        let signing = SigningKey::from_bytes(&[4u8; 32]);
        let key = VerifierKey::new("ombud.example/log", signing.verifying_key().to_bytes());
        let mut stored: HashMap<NodeId, Hash> = HashMap::new();
        for (i, l) in leaves.iter().enumerate() {
            let nodes = append(i as u64, l.hash(), &mut |id| Ok(stored[&id])).expect("append");
            stored.extend(nodes);
        }
        let size = leaves.len() as u64;
        let root = root(size, &mut |id| Ok(stored[&id])).expect("root");
        let checkpoint = Checkpoint { origin: key.name.clone(), size, root };
        let note = signed_note(&checkpoint, &key, &signing.sign(checkpoint.body().as_bytes()).to_bytes());
        let events = leaves
            .iter()
            .enumerate()
            .map(|(i, l)| RecordEvent {
                kind: l.kind.clone(),
                at: "2026-06-01T00:00:00Z".into(),
                leaf_index: i as u64,
                leaf: l.encode(),
                proof: inclusion_proof(i as u64, size, &mut |id| Ok(stored[&id]))
                    .expect("proof")
                    .iter()
                    .map(|h| b64(h))
                    .collect(),
            })
            .collect();
        let record = Record {
            format: RECORD_FORMAT.into(),
            case_ref: CASE.into(),
            verifier_key: key.encode(),
            checkpoint: note,
            events,
            consistency: vec![],
        };
        (record, key)
    }

    #[test]
    fn a_record_of_leaves_written_before_version_2_still_verifies() {
        // Her case began before the upgrade: its first steps are version-1
        // leaves, its later ones version 2. Both are hers to check.
        let leaves = [
            leaf("submitted", 1_000, None),
            leaf("opened_by_staff", 2_000, None),
            leaf("acknowledged", 3_000, Some([0x11; 32])),
            leaf("message_from_staff", 4_000, Some([0x22; 32])),
        ];
        let (record, key) = record_of(&leaves);
        assert!(record.events[0].leaf.starts_with("ombud-event/v1\n"));
        assert!(record.events[3].leaf.starts_with("ombud-event/v2\n"));
        assert_eq!(verify_record(&record, &key, None).map(|c| c.size), Ok(4));

        let (only_v1, key) = record_of(&leaves[..2]);
        assert_eq!(verify_record(&only_v1, &key, None).map(|c| c.size), Ok(2));
    }

    #[test]
    fn a_changed_actor_commitment_fails_her_check() {
        let (mut record, key) =
            record_of(&[leaf("submitted", 1_000, Some([0x11; 32])), leaf("acknowledged", 2_000, Some([0x22; 32]))]);
        let changed = EventLeaf { actor: Some([0x33; 32]), ..leaf("acknowledged", 2_000, None) };
        record.events[1].leaf = changed.encode();
        assert!(matches!(
            verify_record(&record, &key, None),
            Err(RecordProblem::Event { position: 2, why: "it is not in the signed log at this position", .. })
        ));
        // Nor may a version-2 leaf be passed off as the version-1 leaf of the same event.
        let downgraded = EventLeaf { actor: None, ..leaf("acknowledged", 2_000, None) };
        record.events[1].leaf = downgraded.encode();
        assert!(verify_record(&record, &key, None).is_err());
    }
}

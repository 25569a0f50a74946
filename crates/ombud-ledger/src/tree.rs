//! Merkle tree hashing, proofs and verification.

use crate::{LedgerError, Result};
use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// MTH of the empty tree: SHA-256 of the empty string.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41,
    0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// A stored complete subtree: level 0 is a leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub level: u8,
    pub index: u64,
}

pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Runs a computation with a getter that records which stored hashes it asks
/// for, answering zeros. The access pattern never depends on hash values, so
/// a caller can fetch exactly these in one go and then compute for real.
pub fn needed<T>(compute: impl FnOnce(&mut dyn FnMut(NodeId) -> Result<Hash>) -> Result<T>) -> Vec<NodeId> {
    let mut ids = Vec::new();
    let mut record = |id: NodeId| {
        ids.push(id);
        Ok([0u8; 32])
    };
    let _ = compute(&mut record);
    ids.sort();
    ids.dedup();
    ids
}

/// The nodes to store when leaf `n` (0-based) with hash `leaf` is appended:
/// the leaf itself and every subtree it completes.
pub fn append(n: u64, leaf: Hash, get: &mut dyn FnMut(NodeId) -> Result<Hash>) -> Result<Vec<(NodeId, Hash)>> {
    let mut out = vec![(NodeId { level: 0, index: n }, leaf)];
    let (mut level, mut index, mut hash) = (0u8, n, leaf);
    while index & 1 == 1 {
        let left = get(NodeId { level, index: index - 1 })?;
        hash = node_hash(&left, &hash);
        level += 1;
        index >>= 1;
        out.push((NodeId { level, index }, hash));
    }
    Ok(out)
}

/// MTH(D[a:b]) for a range whose start is aligned as RFC 6962's recursion
/// produces: split into the largest aligned complete subtrees, fold from the right.
fn range_hash(a: u64, b: u64, get: &mut dyn FnMut(NodeId) -> Result<Hash>) -> Result<Hash> {
    if a >= b {
        return Ok(EMPTY_ROOT);
    }
    let mut parts = Vec::new();
    let mut start = a;
    while start < b {
        let mut level = 0u8;
        while level < 63 {
            let size = 1u64 << (level + 1);
            if !start.is_multiple_of(size) || start + size > b {
                break;
            }
            level += 1;
        }
        parts.push(get(NodeId { level, index: start >> level })?);
        start += 1u64 << level;
    }
    let mut acc = parts.pop().unwrap_or(EMPTY_ROOT);
    while let Some(left) = parts.pop() {
        acc = node_hash(&left, &acc);
    }
    Ok(acc)
}

/// The root of the first `n` leaves.
pub fn root(n: u64, get: &mut dyn FnMut(NodeId) -> Result<Hash>) -> Result<Hash> {
    range_hash(0, n, get)
}

/// Largest power of two strictly smaller than n (n ≥ 2).
fn split(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// RFC 6962 PATH(m, D[n]) for leaf `m` in the tree of the first `n` leaves.
pub fn inclusion_proof(m: u64, n: u64, get: &mut dyn FnMut(NodeId) -> Result<Hash>) -> Result<Vec<Hash>> {
    if m >= n {
        return Err(LedgerError::OutOfRange { index: m, size: n });
    }
    let mut proof = Vec::new();
    path(m, 0, n, get, &mut proof)?;
    Ok(proof)
}

fn path(m: u64, start: u64, n: u64, get: &mut dyn FnMut(NodeId) -> Result<Hash>, out: &mut Vec<Hash>) -> Result<()> {
    if n <= 1 {
        return Ok(());
    }
    let k = split(n);
    if m < k {
        path(m, start, k, get, out)?;
        out.push(range_hash(start + k, start + n, get)?);
    } else {
        path(m - k, start + k, n - k, get, out)?;
        out.push(range_hash(start, start + k, get)?);
    }
    Ok(())
}

/// RFC 6962 PROOF(m, D[n]): the tree of the first `m` leaves is a prefix of
/// the tree of the first `n`.
pub fn consistency_proof(m: u64, n: u64, get: &mut dyn FnMut(NodeId) -> Result<Hash>) -> Result<Vec<Hash>> {
    if m > n {
        return Err(LedgerError::OutOfRange { index: m, size: n });
    }
    let mut proof = Vec::new();
    if m > 0 && m < n {
        subproof(m, 0, n, true, get, &mut proof)?;
    }
    Ok(proof)
}

fn subproof(
    m: u64,
    start: u64,
    n: u64,
    complete: bool,
    get: &mut dyn FnMut(NodeId) -> Result<Hash>,
    out: &mut Vec<Hash>,
) -> Result<()> {
    if m == n {
        if !complete {
            out.push(range_hash(start, start + n, get)?);
        }
        return Ok(());
    }
    let k = split(n);
    if m <= k {
        subproof(m, start, k, complete, get, out)?;
        out.push(range_hash(start + k, start + n, get)?);
    } else {
        subproof(m - k, start + k, n - k, false, get, out)?;
        out.push(range_hash(start, start + k, get)?);
    }
    Ok(())
}

/// RFC 9162 §2.1.3.2.
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f, mut s, mut r) = (index, size - 1, *leaf);
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

/// RFC 9162 §2.1.4.2.
pub fn verify_consistency(m: u64, n: u64, root_m: &Hash, root_n: &Hash, proof: &[Hash]) -> bool {
    if m > n {
        return false;
    }
    if m == n {
        return proof.is_empty() && root_m == root_n;
    }
    if m == 0 {
        return proof.is_empty();
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if m & (m - 1) == 0 {
        path.push(*root_m);
    }
    path.extend_from_slice(proof);
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let (mut f, mut s) = (m - 1, n - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    fr == *root_m && sr == *root_n && s == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use ct_merkle::mem_backed_tree::MemoryBackedTree;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// Our stored-hash tree, built by appending.
    fn build(leaves: &[Vec<u8>]) -> HashMap<NodeId, Hash> {
        let mut store = HashMap::new();
        for (n, leaf) in leaves.iter().enumerate() {
            let nodes = append(n as u64, leaf_hash(leaf), &mut |id| {
                store.get(&id).copied().ok_or(LedgerError::MissingNode { level: id.level, index: id.index })
            })
            .expect("append");
            store.extend(nodes);
        }
        store
    }

    fn getter(store: &HashMap<NodeId, Hash>) -> impl FnMut(NodeId) -> Result<Hash> + '_ {
        |id| store.get(&id).copied().ok_or(LedgerError::MissingNode { level: id.level, index: id.index })
    }

    fn oracle(leaves: &[Vec<u8>]) -> MemoryBackedTree<Sha256, Vec<u8>> {
        let mut t = MemoryBackedTree::new();
        for l in leaves {
            t.push(l.clone());
        }
        t
    }

    fn leaves(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("leaf {i}").into_bytes()).collect()
    }

    #[test]
    fn the_empty_root_is_the_hash_of_nothing() {
        assert_eq!(EMPTY_ROOT, <[u8; 32]>::from(Sha256::digest(b"")));
        assert_eq!(root(0, &mut |_| Err(LedgerError::BadSignature)), Ok(EMPTY_ROOT));
    }

    #[test]
    fn the_access_plan_is_what_the_computation_reads() {
        let store = build(&leaves(13));
        let plan = needed(|get| inclusion_proof(5, 13, get));
        let mut read = Vec::new();
        let mut g = getter(&store);
        let _ = inclusion_proof(5, 13, &mut |id| {
            read.push(id);
            g(id)
        });
        read.sort();
        read.dedup();
        assert_eq!(plan, read);
        assert!(plan.len() <= 8, "O(log n): {plan:?}");
    }

    proptest! {
        #[test]
        fn roots_and_proofs_agree_with_ct_merkle(n in 1usize..300, m_seed in any::<u64>(), old_seed in any::<u64>()) {
            let data = leaves(n);
            let store = build(&data);
            let tree = oracle(&data);
            let ours = root(n as u64, &mut getter(&store)).expect("root");
            let expected = tree.root().as_bytes().to_vec();
            prop_assert_eq!(&ours[..], &expected[..]);

            let m = m_seed % n as u64;
            let proof = inclusion_proof(m, n as u64, &mut getter(&store)).expect("proof");
            let flat: Vec<u8> = proof.iter().flatten().copied().collect();
            let expected = tree.prove_inclusion(m as usize).as_bytes().to_vec();
            prop_assert_eq!(flat, expected);
            prop_assert!(verify_inclusion(&leaf_hash(&data[m as usize]), m, n as u64, &proof, &ours));
            prop_assert!(!verify_inclusion(&leaf_hash(b"forged"), m, n as u64, &proof, &ours));

            let old = 1 + old_seed % n as u64;
            let old_root = root(old, &mut getter(&store)).expect("old root");
            let cproof = consistency_proof(old, n as u64, &mut getter(&store)).expect("consistency");
            if old < n as u64 {
                let flat: Vec<u8> = cproof.iter().flatten().copied().collect();
                let expected = tree.prove_consistency(n - old as usize).as_bytes().to_vec();
                prop_assert_eq!(flat, expected);
            }
            prop_assert!(verify_consistency(old, n as u64, &old_root, &ours, &cproof));
            let mut other = old_root;
            other[0] ^= 1;
            prop_assert!(!verify_consistency(old, n as u64, &other, &ours, &cproof));
        }
    }
}

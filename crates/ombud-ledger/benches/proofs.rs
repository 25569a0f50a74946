//! Tree arithmetic on stored hashes held in memory: `cargo bench -p ombud-ledger`.
//! (`cargo bench -p ombud --bench ledger` measures the same through SQLite.)

use criterion::{Criterion, criterion_group, criterion_main};
use ombud_ledger::{
    Hash, LedgerError, NodeId, append, consistency_proof, inclusion_proof, leaf_hash, verify_inclusion,
};
use std::hint::black_box;

fn build(n: u64) -> Vec<Vec<Hash>> {
    let mut levels: Vec<Vec<Hash>> = vec![Vec::new()];
    for i in 0..n {
        for (id, h) in
            append(i, leaf_hash(&i.to_le_bytes()), &mut |id| Ok(levels[id.level as usize][id.index as usize]))
                .expect("append")
        {
            if levels.len() <= id.level as usize {
                levels.push(Vec::new());
            }
            levels[id.level as usize].push(h);
        }
    }
    levels
}

fn proofs(c: &mut Criterion) {
    let n = 1_000_000u64;
    let levels = build(n);
    let get = |id: NodeId| -> Result<Hash, LedgerError> { Ok(levels[id.level as usize][id.index as usize]) };
    let root = ombud_ledger::root(n, &mut { get }).expect("root");
    let mut i = 0u64;
    c.bench_function("inclusion proof, 1 million leaves", |b| {
        b.iter(|| {
            i = (i + 7919) % n;
            inclusion_proof(black_box(i), n, &mut { get })
        })
    });
    let proof = inclusion_proof(123_456, n, &mut { get }).expect("proof");
    c.bench_function("verify an inclusion proof", |b| {
        b.iter(|| {
            verify_inclusion(black_box(&leaf_hash(&123_456u64.to_le_bytes())), 123_456, n, black_box(&proof), &root)
        })
    });
    c.bench_function("consistency proof 500,000 → 1 million", |b| {
        b.iter(|| consistency_proof(black_box(500_000), n, &mut { get }))
    });
    c.bench_function("append one leaf", |b| {
        let mut levels = levels.clone();
        let mut next = n;
        b.iter(|| {
            for (id, h) in
                append(next, leaf_hash(&next.to_le_bytes()), &mut |id| Ok(levels[id.level as usize][id.index as usize]))
                    .expect("append")
            {
                if levels.len() <= id.level as usize {
                    levels.push(Vec::new());
                }
                levels[id.level as usize].push(h);
            }
            next += 1;
        })
    });
}

criterion_group!(benches, proofs);
criterion_main!(benches);

//! Sealing, wrapping and receipt derivation: `cargo bench -p ombud-crypto`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ombud_crypto::{DataKey, KdfParams, Receipt, StaffKeys, item_aad, wrap_key};
use std::hint::black_box;

fn sealing(c: &mut Criterion) {
    let key = DataKey::generate().expect("key");
    let aad = item_aad(&[1; 16], &[2; 16], "message");
    let mut group = c.benchmark_group("seal");
    for size in [1024usize, 1024 * 1024] {
        let data = vec![7u8; size];
        let sealed = key.seal(&aad, &data).expect("seal");
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(format!("seal {size} B"), |b| b.iter(|| key.seal(black_box(&aad), black_box(&data))));
        group.bench_function(format!("open {size} B"), |b| b.iter(|| key.open(black_box(&aad), black_box(&sealed))));
    }
    group.finish();
}

fn wrapping(c: &mut Criterion) {
    let staff = StaffKeys::generate().expect("keys");
    let key = DataKey::generate().expect("key");
    let wrapped = wrap_key(&staff.public, &key, b"case").expect("wrap");
    c.bench_function("wrap a case key to one reader", |b| {
        b.iter(|| wrap_key(black_box(&staff.public), black_box(&key), b"case"))
    });
    c.bench_function("unwrap a case key", |b| b.iter(|| staff.secret.unwrap_case_key(black_box(&wrapped), b"case")));
}

fn receipts(c: &mut Criterion) {
    let receipt = Receipt::generate().expect("receipt");
    let mut group = c.benchmark_group("receipt derivation (Argon2id)");
    group.sample_size(10);
    for (name, params) in
        [("OWASP minimum 19 MiB t=2", KdfParams::default()), ("64 MiB t=3", KdfParams { m_kib: 64 * 1024, t: 3, p: 1 })]
    {
        let (_, blob) = receipt.new_key(params).expect("key");
        group.bench_function(name, |b| b.iter(|| receipt.key_from(black_box(&blob))));
    }
    group.finish();
    c.bench_function("receipt lookup index (HMAC)", |b| {
        let keys = ombud_crypto::InstanceKeys::from_master(&[1; 32]).expect("keys");
        b.iter(|| keys.receipt_lookup(black_box(&receipt)))
    });
}

criterion_group!(benches, sealing, wrapping, receipts);
criterion_main!(benches);

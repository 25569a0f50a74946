//! The shared storage suite, against a fresh SQLite file per test.

async fn fresh() -> Option<(Box<dyn ombud_store::Store>, impl std::future::Future<Output = ()>)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = ombud_store_sqlite::SqliteStore::open(&dir.path().join("ombud.db")).await.expect("open");
    Some((Box::new(store) as Box<dyn ombud_store::Store>, async move { drop(dir) }))
}

ombud_store::conformance_tests!(fresh());

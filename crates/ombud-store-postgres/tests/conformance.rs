//! The shared storage suite, against a fresh PostgreSQL database per test
//! (skipped unless `OMBUD_TEST_POSTGRES_URL` is set).

async fn fresh() -> Option<(Box<dyn ombud_store::Store>, impl std::future::Future<Output = ()>)> {
    let (store, cleanup) = ombud_store_postgres::testdb::fresh_store().await?;
    Some((Box::new(store) as Box<dyn ombud_store::Store>, cleanup))
}

ombud_store::conformance_tests!(fresh());

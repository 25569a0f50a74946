//! Throwaway databases for tests: one fresh database per test on the server
//! named by `OMBUD_TEST_POSTGRES_URL`, dropped when the test is done.

use crate::SqlStore;
use sqlx::Connection;

/// The server to test against, if one is configured.
pub fn test_server_url() -> Option<String> {
    std::env::var("OMBUD_TEST_POSTGRES_URL").ok().filter(|u| !u.trim().is_empty())
}

/// Replaces the database name in a `postgres://` URL.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

/// A fresh, empty database. Returns its URL.
pub async fn create_database(server: &str) -> Result<(String, String), sqlx::Error> {
    let name = format!("ombud_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(server).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await?;
    admin.close().await?;
    Ok((with_database(server, &name), name))
}

/// Drops a database made by [`create_database`], even with open connections.
pub async fn drop_database(server: &str, name: &str) {
    if let Ok(mut admin) = sqlx::PgConnection::connect(server).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
            .execute(&mut admin)
            .await;
        let _ = admin.close().await;
    }
}

/// A database made for one test, to drop when it is done.
pub struct Database {
    pub server: String,
    pub name: String,
    pub url: String,
}

impl Database {
    pub async fn drop(self) {
        drop_database(&self.server, &self.name).await;
    }
}

/// A migrated store on a fresh database, if a server is configured.
pub async fn fresh_store() -> Option<(SqlStore, Database)> {
    let server = test_server_url()?;
    let (url, name) = create_database(&server).await.expect("create test database");
    let store = SqlStore::connect(&url).await.expect("connect to test database");
    Some((store, Database { server, name, url }))
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_names_are_replaced() {
        assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres://u@h:5432", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres://h/db?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
    }
}

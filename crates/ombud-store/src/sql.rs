//! The one SQL implementation and the only dialect-specific code: how to
//! connect and which pragmas (the schema's types are rendered in `schema.rs`). Everything else talks to
//! `sqlx::Any`, whose values are exactly the primitives Ombud stores
//! (integers, text, bytes, NULL), with `$N` placeholders that both SQLite
//! and PostgreSQL accept.

use crate::view_reads::{DirectReader, InlineReader, ViewReader};
use crate::{Result, Store, StoreError, Unique};
use async_trait::async_trait;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Which database a store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct SqlStore {
    pub(crate) pool: AnyPool,
    dialect: Dialect,
    /// The hasher of ledger leaves' actor commitments, once the service has
    /// bound it (`LedgerStore::bind_actor_commitments`); shared by clones.
    pub(crate) actors: Arc<OnceLock<Arc<dyn crate::records::ActorCommitments>>>,
    /// The statements of case views, written for this dialect once.
    pub(crate) view_sql: Arc<OnceLock<crate::bundle::ViewSql>>,
    /// How case views are read off the pool (`view_reads.rs`); None for an
    /// in-memory SQLite database, whose views go through the pool.
    pub(crate) views: Option<Arc<ViewReader>>,
}

/// A connection inside a transaction, as the capability files pass it on.
pub(crate) type Conn = sqlx::AnyConnection;

/// SQLite: WAL so readers never wait for the writer, a busy timeout so
/// writers queue instead of failing (30 s: well past the longest write the
/// largest valid report makes, see the durability benchmark), and foreign
/// keys enforced; deleted content is overwritten with zeros (secure_delete), so
/// a recovery operation's sealed shares do not linger in free pages.
const SQLITE_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";

/// When SQLite's commits reach the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteSync {
    /// Every commit is synced before it returns: a report answered with a
    /// receipt survives a power cut, not only a killed process. The default.
    Full,
    /// Synced at checkpoints only (survives a crashed process, not a power
    /// cut); for measuring what `Full` costs.
    Normal,
}

impl SqliteSync {
    fn pragma(self) -> &'static str {
        match self {
            SqliteSync::Full => "PRAGMA synchronous = FULL;",
            SqliteSync::Normal => "PRAGMA synchronous = NORMAL;",
        }
    }
}

impl SqlStore {
    /// Opens (creating if needed) a SQLite database file and runs migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, SqliteSync::Full).await
    }

    /// Opens a SQLite file with the given durability (benchmarks compare them).
    pub async fn open_with(path: &Path, sync: SqliteSync) -> Result<Self> {
        // Absolute, so the URL's first segment is never read as a host.
        let path = std::path::absolute(path).map_err(|e| StoreError::Backend(sqlx::Error::Io(e)))?;
        let url = SqliteConnectOptions::new().filename(path).create_if_missing(true).to_url_lossy();
        Self::connect_dialect(url.as_str(), Dialect::Sqlite, sync).await
    }

    /// Connects to a `sqlite:` or `postgres://` URL and runs migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Self::connect_dialect(url, Dialect::Postgres, SqliteSync::Full).await
        } else if url.starts_with("sqlite:") {
            // Parsed by the SQLite driver so its own URL rules apply, then
            // created if missing, as `open` does for a path.
            let options = SqliteConnectOptions::from_str(url)?.create_if_missing(true);
            Self::connect_dialect(options.to_url_lossy().as_str(), Dialect::Sqlite, SqliteSync::Full).await
        } else {
            // Anything else would become a SQLite file named after the URL.
            Err(StoreError::Backend(sqlx::Error::Configuration("use a postgres:// or sqlite: URL".into())))
        }
    }

    async fn connect_dialect(url: &str, dialect: Dialect, sync: SqliteSync) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let options = AnyConnectOptions::from_str(url)?;
        let pool = match dialect {
            Dialect::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            conn.execute(SQLITE_PRAGMAS).await?;
                            conn.execute(sync.pragma()).await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Dialect::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?
            }
        };
        crate::schema::migrator(dialect).run(&pool).await?;
        let views = match dialect {
            Dialect::Sqlite => sqlite_file(url).and_then(|file| inline_reader(&file)).map(ViewReader::Sqlite),
            Dialect::Postgres => {
                Some(ViewReader::Postgres(Box::new(DirectReader::new(PgConnectOptions::from_str(url)?))))
            }
        };
        Ok(Self { pool, dialect, actors: Default::default(), view_sql: Default::default(), views: views.map(Arc::new) })
    }

    /// The pool, for tools that write rows in bulk (benchmarks, tests).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    async fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = $1").bind(key).fetch_optional(&self.pool).await?)
    }

    async fn meta_put_if_absent(&self, key: &str, value: &[u8]) -> Result<bool> {
        let done = sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn migrated(&self) -> Result<bool> {
        let (latest, failed): (Option<i64>, i64) =
            sqlx::query_as("SELECT MAX(version), COUNT(*) - COUNT(CASE WHEN success THEN 1 END) FROM _sqlx_migrations")
                .fetch_one(&self.pool)
                .await?;
        Ok(failed == 0 && latest == Some(crate::schema::LATEST_MIGRATION))
    }
}

/// A reader of case views on the caller's thread; if the file does not
/// open read-only, views go through the pool, slower but whole.
fn inline_reader(file: &Path) -> Option<InlineReader> {
    let reader = InlineReader::open(file);
    if reader.is_none() {
        tracing::warn!(file = %file.display(), "the database does not open read-only: case views go through the pool");
    }
    reader
}

/// The file a SQLite URL names, if it names one (not an in-memory database).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let file = options.get_filename();
    let in_memory = url.contains(":memory:") || url.contains("mode=memory") || file.as_os_str().is_empty();
    (!in_memory).then(|| file.to_owned())
}

/// The unique rules callers tell apart, as (rule, table, column).
const UNIQUE_RULES: &[(Unique, &str, &str)] = &[
    (Unique::StaffEmail, "staff", "email_key"),
    (Unique::CaseReference, "cases", "reference"),
    (Unique::PersonScimId, "directory_people", "scim_id"),
    (Unique::FormToken, "form_tokens", "hash"),
];

/// Which unique rule a database error broke, if it is a unique violation.
/// SQLite names it "table.column" in its message; PostgreSQL names the
/// constraint, "table_column_key" for a column declared UNIQUE.
pub(crate) fn unique_violation(e: &sqlx::Error) -> Option<Unique> {
    let sqlx::Error::Database(db) = e else { return None };
    if !db.is_unique_violation() {
        return None;
    }
    let sqlite = db.message().strip_prefix("UNIQUE constraint failed: ").unwrap_or_default().to_owned();
    let postgres = db.constraint().unwrap_or_default().to_owned();
    let rule = UNIQUE_RULES.iter().find(|(_, table, column)| {
        sqlite == format!("{table}.{column}") || postgres == format!("{table}_{column}_key")
    });
    Some(rule.map_or(Unique::Other, |(rule, _, _)| *rule))
}

/// A count or position as stored (a signed 64-bit integer).
pub(crate) fn index(i: u64) -> Result<i64> {
    i64::try_from(i).map_err(|_| StoreError::Corrupt("index out of range".into()))
}

/// A stored count or position read back.
pub(crate) fn unsigned(i: i64, what: &str) -> Result<u64> {
    u64::try_from(i).map_err(|_| StoreError::Corrupt(format!("{what} {i}")))
}

/// Every row of a fixed query without parameters, as records.
pub(crate) async fn all_rows<C, T>(pool: &sqlx::AnyPool, sql: &'static str) -> Result<Vec<T>>
where
    C: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    T: TryFrom<C, Error = StoreError>,
{
    typed(sqlx::query_as::<_, C>(sql).fetch_all(pool).await?)
}

/// Converts fetched rows into records.
pub(crate) fn typed<C, T: TryFrom<C, Error = StoreError>>(rows: Vec<C>) -> Result<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pragma's value as text, whether SQLite answers with text or a number.
    async fn pragma(store: &SqlStore, name: &str) -> String {
        use sqlx::Row;
        let row =
            sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA {name}"))).fetch_one(store.pool()).await.expect("pragma");
        row.try_get::<String, _>(0).or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string())).expect("value")
    }

    #[tokio::test]
    async fn sqlite_runs_in_wal_mode_with_foreign_keys_wherever_the_file_is() {
        let dir = tempfile::tempdir().expect("temp dir");
        let odd = dir.path().join("a folder with spaces #1").join("data?");
        std::fs::create_dir_all(&odd).expect("dir");
        let store = SqlStore::open(&odd.join("ombud.db")).await.expect("open");
        assert_eq!(store.backend(), "sqlite");
        assert_eq!(pragma(&store, "journal_mode").await, "wal");
        assert_eq!(pragma(&store, "foreign_keys").await, "1");
        assert_eq!(pragma(&store, "busy_timeout").await, "30000");
        assert_eq!(pragma(&store, "secure_delete").await, "1", "deleted secrets are overwritten");
        assert_eq!(pragma(&store, "synchronous").await, "2", "FULL: a receipt survives a power cut");
        assert!(odd.join("ombud.db").exists(), "the file is where it was asked for");
        assert!(matches!(store.views.as_deref(), Some(ViewReader::Sqlite(_))), "case views are read inline");
        // A URL names the same kind of store.
        let url = format!("sqlite://{}", dir.path().join("by-url.db").display());
        let by_url = SqlStore::connect(&url).await.expect("connect");
        assert_eq!(pragma(&by_url, "journal_mode").await, "wal");
        assert!(dir.path().join("by-url.db").exists());
        assert!(matches!(by_url.views.as_deref(), Some(ViewReader::Sqlite(_))), "by URL too");
        // Another scheme is refused, not taken for a file name.
        let other = format!("mysql://{}", dir.path().join("m").display());
        assert!(SqlStore::connect(&other).await.is_err());
        assert!(!dir.path().join("m").exists());
    }

    #[tokio::test]
    async fn a_broken_unique_rule_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqlStore::open(&dir.path().join("ombud.db")).await.expect("open");
        let insert = "INSERT INTO cases (id, reference, category, status, received_at, updated_at)
                      VALUES ($1, 'OMB-SAME', 'other', 'received', 0, 0)";
        sqlx::query(insert).bind("one").execute(store.pool()).await.expect("first");
        let again = sqlx::query(insert).bind("two").execute(store.pool()).await.expect_err("second");
        assert!(matches!(StoreError::from(again), StoreError::Conflict(Unique::CaseReference, _)));
        let same_id = sqlx::query(sqlx::AssertSqlSafe(insert.replace("OMB-SAME", "OMB-OTHER")))
            .bind("one")
            .execute(store.pool())
            .await;
        assert!(matches!(StoreError::from(same_id.expect_err("same id")), StoreError::Conflict(Unique::Other, _)));
    }
}

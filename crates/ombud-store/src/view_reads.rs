//! Case views read off the pool ("Fast at any size" #1).
//!
//! A case view is one indexed statement (`bundle.rs`) that the database
//! answers in a tenth of a millisecond. Through sqlx's pool it cost three
//! trips: a ping when a connection is taken, the statement, and a ping when
//! the connection is given back; and on SQLite each trip is a switch to the
//! connection's worker thread. On a small machine those trips cost more than
//! the read, so a case view is read here instead:
//!
//! - **SQLite**, on the caller's own thread, through read-only connections
//!   (`SQLITE_OPEN_READ_ONLY`: a view can never write, DECISIONS #21). In
//!   WAL mode a reader does not wait for the writer; should SQLite still
//!   answer busy (another process holding the file), the reader does not
//!   wait either (its busy timeout is zero): the caller reads through the
//!   pool instead, which waits its turn. No lock is waited for on the
//!   thread; the read itself holds it as long as SQLite takes (tens of
//!   microseconds for a case in the page cache; longer for a staff view of
//!   a very large case, or a cold disk).
//! - **PostgreSQL**, through a few connections of its own, outside the pool
//!   and never pinged, each a read-only session (`default_transaction_read_only`).
//!   A connection the server ended is dropped and the read made once more
//!   on a new one (a read can be repeated). When all of them are lent, or a
//!   new one does not open within seconds (the server at its connection
//!   limit, say), the caller reads through the pool, and no new connection
//!   is tried for a few seconds.

use rusqlite::OpenFlags;
use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Idle SQLite connections kept for the next read (more open when reads
/// overlap, and close after).
const KEEP_IDLE: usize = 4;

/// PostgreSQL connections a store opens for views, at most.
const MAX_DIRECT: usize = 4;

/// How a store reads its case views.
#[derive(Debug)]
pub(crate) enum ViewReader {
    Sqlite(InlineReader),
    Postgres(Box<DirectReader>),
}

/// Read-only connections to one SQLite file, used on the caller's thread.
#[derive(Debug)]
pub(crate) struct InlineReader {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl InlineReader {
    /// A reader of the file at `path`, if a connection opens and reads it
    /// (checked now, so that a store that cannot read inline never tries).
    pub(crate) fn open(path: &Path) -> Option<Self> {
        let reader = InlineReader { path: path.to_owned(), idle: Mutex::new(Vec::new()) };
        let first = reader.connect().ok()?;
        first.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)).ok()?;
        reader.idle_connections().push(first);
        Some(reader)
    }

    fn connect(&self) -> rusqlite::Result<rusqlite::Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = rusqlite::Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(std::time::Duration::ZERO)?;
        Ok(conn)
    }

    fn idle_connections(&self) -> std::sync::MutexGuard<'_, Vec<rusqlite::Connection>> {
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The `width` text columns of `sql`'s one row, with its one text
    /// parameter, read on this thread.
    pub(crate) fn text_row(&self, sql: &str, parameter: &str, width: usize) -> rusqlite::Result<Vec<Option<String>>> {
        self.read(|conn| {
            conn.prepare_cached(sql)?.query_row([parameter], |row| (0..width).map(|i| row.get(i)).collect())
        })
    }

    /// Runs `read` on this thread, on an idle connection or a new one. An
    /// error (busy, most likely) tells the caller to read the ordinary way.
    pub(crate) fn read<T>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let idle = self.idle_connections().pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.connect()?,
        };
        let answer = read(&conn);
        // A connection that failed is not kept: the next read starts anew.
        if answer.is_ok() {
            let mut idle = self.idle_connections();
            if idle.len() < KEEP_IDLE {
                idle.push(conn);
            }
        }
        answer
    }
}

/// A few PostgreSQL connections of its own, outside the pool: read-only
/// sessions, named `ombud-views` in `pg_stat_activity`.
#[derive(Debug)]
pub(crate) struct DirectReader {
    options: PgConnectOptions,
    idle: Mutex<Vec<PgConnection>>,
    /// Places taken now: connections idle, lent, or being opened (at most
    /// `MAX_DIRECT`).
    open: AtomicUsize,
    /// After a connect failed, none is tried again before this: views go
    /// through the pool meanwhile (the server may be at its connection limit).
    paused_until: Mutex<Option<Instant>>,
}

/// How long a new connection may take to open.
const CONNECT_WITHIN: Duration = Duration::from_secs(5);

/// How long no new connection is tried after one failed to open.
const PAUSE_AFTER_FAILURE: Duration = Duration::from_secs(10);

/// One of the `MAX_DIRECT` places, held while a connection is opened or
/// lent. Given back when dropped (a failed connect, a failed read, a request
/// cancelled mid-way), unless its connection went back to the idle ones.
struct Place<'a> {
    reader: &'a DirectReader,
    kept: bool,
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        if !self.kept {
            self.reader.open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// A connection lent for one read, with its place.
struct Lent<'a> {
    place: Place<'a>,
    conn: PgConnection,
    /// Whether it waited idle, and so may have been ended by the server.
    was_idle: bool,
}

impl Lent<'_> {
    fn give_back(mut self) {
        self.place.kept = true;
        self.place.reader.idle_connections().push(self.conn);
    }
}

impl DirectReader {
    pub(crate) fn new(options: PgConnectOptions) -> Self {
        let options = options.application_name("ombud-views").options([("default_transaction_read_only", "on")]);
        DirectReader {
            options,
            idle: Mutex::new(Vec::new()),
            open: AtomicUsize::new(0),
            paused_until: Mutex::new(None),
        }
    }

    fn idle_connections(&self) -> std::sync::MutexGuard<'_, Vec<PgConnection>> {
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn paused(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.paused_until.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// An idle connection, or a new one while a place is free; None when
    /// all are lent, or a new one does not open (the caller uses the pool).
    async fn lend(&self) -> Option<Lent<'_>> {
        let idle = self.idle_connections().pop();
        if let Some(conn) = idle {
            return Some(Lent { place: Place { reader: self, kept: false }, conn, was_idle: true });
        }
        if self.paused().is_some_and(|until| Instant::now() < until) {
            return None;
        }
        self.open.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < MAX_DIRECT).then_some(n + 1)).ok()?;
        let place = Place { reader: self, kept: false };
        let opened = tokio::time::timeout(CONNECT_WITHIN, self.options.connect()).await;
        match opened {
            Ok(Ok(conn)) => Some(Lent { place, conn, was_idle: false }),
            failed => {
                let error = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => format!("no answer within {} s", CONNECT_WITHIN.as_secs()),
                };
                tracing::warn!(%error, "a connection for case views did not open; they go through the pool");
                *self.paused() = Some(Instant::now() + PAUSE_AFTER_FAILURE);
                None
            }
        }
    }

    /// The `width` text columns of `sql`'s one row, with its one text
    /// parameter; None when no connection of its own can read it now (the
    /// caller reads through the pool).
    pub(crate) async fn text_row(
        &self,
        sql: &str,
        parameter: &str,
        width: usize,
    ) -> Option<Result<Vec<Option<String>>, sqlx::Error>> {
        loop {
            let mut lent = self.lend().await?;
            let answer = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .bind(parameter.to_owned())
                .fetch_one(&mut lent.conn)
                .await
                .and_then(|row: PgRow| texts(&row, width));
            match answer {
                Ok(row) => {
                    lent.give_back();
                    return Some(Ok(row));
                }
                // An idle connection the server ended (a restart, an
                // administrator): closed with its place, and the read made
                // again. Each turn drops an idle one, so this ends.
                Err(e) if lent.was_idle && connection_lost(&e) => continue,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// The first `width` columns of a row, as text or NULL.
pub(crate) fn texts<R: sqlx::Row>(row: &R, width: usize) -> Result<Vec<Option<String>>, sqlx::Error>
where
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    (0..width).map(|i| row.try_get::<Option<String>, _>(i)).collect()
}

/// Whether an error says the connection itself is gone: the socket, the
/// protocol, or the server's "connection exception" and "operator
/// intervention" classes (08, 57P).
fn connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_inline_reader_cannot_write() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("ombud.db");
        let store = crate::SqlStore::open(&file).await.expect("open");
        crate::Store::meta_put_if_absent(&store, "kept", b"1").await.expect("meta");
        let reader = InlineReader::open(&file).expect("a file opens inline");
        let write = reader.read(|c| c.execute("DELETE FROM meta", []));
        assert!(write.is_err(), "a view's connection refuses a write");
        let kept: i64 = reader.read(|c| c.query_row("SELECT COUNT(*) FROM meta", [], |r| r.get(0))).expect("read");
        assert_eq!(kept, 1, "nothing was deleted, and the reader still reads after a refused write");
    }

    /// Whatever refuses the inline read (busy, in practice), the view is
    /// read through the pool, whole: here the reader is pointed at another
    /// file, which has no cases table at all.
    #[tokio::test]
    async fn a_view_refused_inline_is_read_through_the_pool() {
        use crate::CaseStore;
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = crate::SqlStore::open(&dir.path().join("ombud.db")).await.expect("open");
        let case = ombud_domain::CaseId::new();
        sqlx::query(
            "INSERT INTO cases (id, reference, category, status, received_at, updated_at)
             VALUES ($1, 'OMB-POOL-0001', 'other', 'received', 0, 0)",
        )
        .bind(case.to_string())
        .execute(store.pool())
        .await
        .expect("a case");
        let elsewhere = dir.path().join("elsewhere.db");
        rusqlite::Connection::open(&elsewhere).expect("another file").close().expect("closed");
        let wrong = InlineReader::open(&elsewhere).expect("it opens");
        assert!(wrong.read(|c| c.query_row("SELECT COUNT(*) FROM cases", [], |r| r.get::<_, i64>(0))).is_err());
        store.views = Some(std::sync::Arc::new(ViewReader::Sqlite(wrong)));
        let bundle = store.case_bundle(case).await.expect("read through the pool").expect("the case is there");
        assert_eq!(bundle.case.reference, "OMB-POOL-0001");
    }

    /// The fast path itself reads the views' statements: a view refused
    /// inline would still be read, through the pool, and only be slower.
    #[tokio::test]
    async fn the_views_statements_are_read_inline() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("ombud.db");
        let store = crate::SqlStore::open(&file).await.expect("open");
        let case = ombud_domain::CaseId::new().to_string();
        sqlx::query(
            "INSERT INTO cases (id, reference, category, status, received_at, updated_at)
             VALUES ($1, 'OMB-FAST-0001', 'other', 'received', 0, 0)",
        )
        .bind(&case)
        .execute(store.pool())
        .await
        .expect("a case");
        let sql = crate::bundle::ViewSql::of(crate::Dialect::Sqlite);
        let reader = InlineReader::open(&file).expect("a file opens inline");
        for (statement, width) in [(&sql.bundle, 12), (&sql.status, 2)] {
            let row = reader.text_row(statement, &case, width).expect("read inline");
            assert_eq!(row.len(), width);
            assert!(row[0].as_deref().is_some_and(|c| c.contains("OMB-FAST-0001")), "{row:?}");
        }
    }

    /// The view's own PostgreSQL connections are read-only sessions.
    #[tokio::test]
    async fn the_direct_reader_cannot_write() {
        let Some((store, db)) = crate::testdb::fresh_store().await else {
            eprintln!("skipped: set OMBUD_TEST_POSTGRES_URL");
            return;
        };
        let reader = DirectReader::new(std::str::FromStr::from_str(&db.url).expect("options"));
        let write = reader.text_row("INSERT INTO meta (key, value) VALUES ($1, '') RETURNING key", "x", 1).await;
        let error = write.expect("a connection of its own").expect_err("a read-only session");
        assert!(error.to_string().contains("read-only"), "{error}");
        let read = reader.text_row("SELECT COUNT(*)::text FROM meta WHERE key = $1", "x", 1).await;
        assert_eq!(read.expect("a connection").expect("read"), vec![Some("0".to_owned())], "nothing was written");
        store.pool().close().await;
        db.drop().await;
    }

    #[test]
    fn only_a_lost_connection_is_read_again() {
        assert!(connection_lost(&sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::UnexpectedEof))));
        assert!(connection_lost(&sqlx::Error::Protocol("unexpected message".into())));
        assert!(!connection_lost(&sqlx::Error::RowNotFound));
        assert!(!connection_lost(&sqlx::Error::ColumnNotFound("x".into())));
    }
}

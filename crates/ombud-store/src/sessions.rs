//! Staff sessions as rows, and the hourly keys of reporters' sessions
//! (migration 0029). Nothing here can open a session: a row holds a keyed
//! hash of the token and a key sealed under the token itself.

use crate::*;
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::StaffId;
use ombud_domain::throttle::Failures;

/// How far a staff session has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStage {
    /// Signed in: the session opens her pages.
    SignedIn,
    /// Past her password, waiting for her code.
    Code,
    /// Past her password, setting up the second factor her role needs.
    Setup,
}

impl SessionStage {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStage::SignedIn => "signed_in",
            SessionStage::Code => "code",
            SessionStage::Setup => "setup",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "signed_in" => Ok(SessionStage::SignedIn),
            "code" => Ok(SessionStage::Code),
            "setup" => Ok(SessionStage::Setup),
            other => Err(StoreError::Corrupt(format!("session stage {other:?}"))),
        }
    }
}

/// One staff session row.
#[derive(Clone, Debug)]
pub struct StaffSessionRow {
    pub token_hash: [u8; 32],
    pub staff_id: StaffId,
    pub stage: SessionStage,
    /// Her account's session epoch when it began.
    pub epoch: i64,
    /// Wrong codes so far (a half sign-in).
    pub tries: u32,
    /// Her private key, sealed under a key derived from the token.
    pub sealed_secret: Vec<u8>,
    /// It ends if no request comes by then…
    pub idle_until: Timestamp,
    /// …and at this time whatever happens.
    pub expires_at: Timestamp,
}

type SessionColumns = (Vec<u8>, String, String, i64, i64, Vec<u8>, i64, i64);

impl TryFrom<SessionColumns> for StaffSessionRow {
    type Error = StoreError;

    fn try_from(c: SessionColumns) -> Result<Self> {
        let (token_hash, staff_id, stage, epoch, tries, sealed_secret, idle_until, expires_at) = c;
        Ok(Self {
            token_hash: token_hash.try_into().map_err(|_| StoreError::Corrupt("session token hash".into()))?,
            staff_id: parse(&staff_id, "staff id")?,
            stage: SessionStage::parse(&stage)?,
            epoch,
            tries: u32::try_from(tries).map_err(|_| StoreError::Corrupt("session tries".into()))?,
            sealed_secret,
            idle_until: from_millis(idle_until)?,
            expires_at: from_millis(expires_at)?,
        })
    }
}

const SESSION_COLUMNS: &str = "token_hash, staff_id, stage, epoch, tries, sealed_secret, idle_until, expires_at";

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_staff_session(&self, row: &StaffSessionRow) -> Result<()>;
    /// The session under this hash, if it has not ended by `now`.
    async fn staff_session(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<Option<StaffSessionRow>>;
    /// Removes the session at `stage` and returns it if it had not ended by
    /// `now`: a half sign-in is used once, even by two requests at the same
    /// moment. A session at another stage is left alone.
    async fn take_staff_session(
        &self,
        token_hash: &[u8; 32],
        stage: SessionStage,
        now: Timestamp,
    ) -> Result<Option<StaffSessionRow>>;
    /// Keeps a session alive until `idle_until` (never past its expiry).
    async fn touch_staff_session(&self, token_hash: &[u8; 32], idle_until: Timestamp) -> Result<()>;
    async fn delete_staff_session(&self, token_hash: &[u8; 32]) -> Result<()>;
    /// Deletes the sessions that ended by `now`; how many.
    async fn sweep_staff_sessions(&self, now: Timestamp) -> Result<u64>;
    /// The sealed session keys of `from_hour` and later, by hour.
    async fn session_keys(&self, from_hour: i64) -> Result<Vec<(i64, Vec<u8>)>>;
    /// Writes an hour's sealed key unless another instance did first.
    async fn put_session_key(&self, hour: i64, sealed: &[u8]) -> Result<bool>;
    /// Deletes the keys of hours before `hour`: what they sealed opens no more.
    async fn delete_session_keys_before(&self, hour: i64) -> Result<u64>;
    /// An account's failed sign-ins, under a keyed hash of its email.
    async fn sign_in_failures(&self, account: &[u8; 32]) -> Result<Option<Failures>>;
    /// Writes an account's failures if they are still `before` (another
    /// instance may have counted one meanwhile); whether it did.
    async fn put_sign_in_failures(
        &self,
        account: &[u8; 32],
        before: Option<&Failures>,
        after: &Failures,
    ) -> Result<bool>;
    /// She signed in: her account's failures end.
    async fn clear_sign_in_failures(&self, account: &[u8; 32]) -> Result<()>;
    /// Deletes the counts whose last failure was before `before`.
    async fn forget_sign_in_failures(&self, before: Timestamp) -> Result<u64>;
}

/// Ends every session and half sign-in of one account, in the caller's
/// transaction (disabled, reset, a new role).
pub(crate) async fn end_staff_sessions(conn: &mut crate::sql::Conn, staff: StaffId) -> Result<()> {
    sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1").bind(staff.to_string()).execute(&mut *conn).await?;
    Ok(())
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn insert_staff_session(&self, row: &StaffSessionRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO staff_sessions (token_hash, staff_id, stage, epoch, tries, sealed_secret, idle_until, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(row.token_hash.to_vec())
        .bind(row.staff_id.to_string())
        .bind(row.stage.as_str())
        .bind(row.epoch)
        .bind(i64::from(row.tries))
        .bind(&row.sealed_secret)
        .bind(millis(row.idle_until))
        .bind(millis(row.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn staff_session(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<Option<StaffSessionRow>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM staff_sessions WHERE token_hash = $1 AND idle_until > $2 AND expires_at > $2"
        );
        let row = sqlx::query_as::<_, SessionColumns>(sqlx::AssertSqlSafe(sql))
            .bind(token_hash.to_vec())
            .bind(millis(now))
            .fetch_optional(&self.pool)
            .await?;
        row.map(StaffSessionRow::try_from).transpose()
    }

    async fn take_staff_session(
        &self,
        token_hash: &[u8; 32],
        stage: SessionStage,
        now: Timestamp,
    ) -> Result<Option<StaffSessionRow>> {
        let sql =
            format!("DELETE FROM staff_sessions WHERE token_hash = $1 AND stage = $2 RETURNING {SESSION_COLUMNS}");
        let row = sqlx::query_as::<_, SessionColumns>(sqlx::AssertSqlSafe(sql))
            .bind(token_hash.to_vec())
            .bind(stage.as_str())
            .fetch_optional(&self.pool)
            .await?;
        let row = row.map(StaffSessionRow::try_from).transpose()?;
        Ok(row.filter(|r| r.idle_until > now && r.expires_at > now))
    }

    async fn touch_staff_session(&self, token_hash: &[u8; 32], idle_until: Timestamp) -> Result<()> {
        sqlx::query("UPDATE staff_sessions SET idle_until = $1 WHERE token_hash = $2")
            .bind(millis(idle_until))
            .bind(token_hash.to_vec())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_staff_session(&self, token_hash: &[u8; 32]) -> Result<()> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(token_hash.to_vec())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn sweep_staff_sessions(&self, now: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM staff_sessions WHERE idle_until <= $1 OR expires_at <= $1")
            .bind(millis(now))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn session_keys(&self, from_hour: i64) -> Result<Vec<(i64, Vec<u8>)>> {
        Ok(sqlx::query_as::<_, (i64, Vec<u8>)>(
            "SELECT hour, sealed_key FROM session_keys WHERE hour >= $1 ORDER BY hour",
        )
        .bind(from_hour)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn put_session_key(&self, hour: i64, sealed: &[u8]) -> Result<bool> {
        let done =
            sqlx::query("INSERT INTO session_keys (hour, sealed_key) VALUES ($1, $2) ON CONFLICT (hour) DO NOTHING")
                .bind(hour)
                .bind(sealed)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_session_keys_before(&self, hour: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM session_keys WHERE hour < $1").bind(hour).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    async fn sign_in_failures(&self, account: &[u8; 32]) -> Result<Option<Failures>> {
        let row = sqlx::query_as::<_, (i64, i64, Option<i64>)>(
            "SELECT failures, last_at, told_at FROM sign_in_failures WHERE account = $1",
        )
        .bind(account.to_vec())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(count, last, told)| {
            Ok(Failures {
                count: u32::try_from(count).map_err(|_| StoreError::Corrupt("sign-in failures".into()))?,
                last: from_millis(last)?,
                told: told.map(from_millis).transpose()?,
            })
        })
        .transpose()
    }

    async fn put_sign_in_failures(
        &self,
        account: &[u8; 32],
        before: Option<&Failures>,
        after: &Failures,
    ) -> Result<bool> {
        let done = match before {
            None => {
                sqlx::query(
                    "INSERT INTO sign_in_failures (account, failures, last_at, told_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (account) DO NOTHING",
                )
                .bind(account.to_vec())
                .bind(i64::from(after.count))
                .bind(millis(after.last))
                .bind(after.told.map(millis))
                .execute(&self.pool)
                .await?
            }
            Some(before) => {
                sqlx::query(
                    "UPDATE sign_in_failures SET failures = $2, last_at = $3, told_at = $4
                     WHERE account = $1 AND failures = $5 AND last_at = $6",
                )
                .bind(account.to_vec())
                .bind(i64::from(after.count))
                .bind(millis(after.last))
                .bind(after.told.map(millis))
                .bind(i64::from(before.count))
                .bind(millis(before.last))
                .execute(&self.pool)
                .await?
            }
        };
        Ok(done.rows_affected() == 1)
    }

    async fn clear_sign_in_failures(&self, account: &[u8; 32]) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE account = $1")
            .bind(account.to_vec())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn forget_sign_in_failures(&self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sign_in_failures WHERE last_at < $1")
            .bind(millis(before))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

//! A staff member's second factor: her sealed TOTP secret, the last time
//! step a code was accepted at, and her single-use recovery codes.

use crate::ledger::append_staff_event;
use crate::*;
use async_trait::async_trait;
use ombud_domain::StaffId;

#[async_trait]
pub trait SecondFactorStore: Send + Sync {
    /// Her second factor, set up or replaced: the sealed secret, the step of
    /// the code that confirmed it (it does not work again), new recovery
    /// codes in place of any old ones, and its leaf. Only in place of
    /// `replaced` (None: she had none): false, with nothing changed, if it
    /// changed meanwhile (the same confirmation sent twice must not replace
    /// the codes she noted).
    async fn set_second_factor(
        &self,
        staff: StaffId,
        replaced: Option<&[u8]>,
        sealed: &[u8],
        step: i64,
        code_hashes: &[[u8; 32]],
        event: &StaffEventRecord,
    ) -> Result<bool>;
    /// Takes a time step as used, if no later or equal one was: a code
    /// works once, even when two requests carry it at the same moment.
    async fn use_second_factor_step(&self, staff: StaffId, step: i64) -> Result<bool>;
    /// Uses a recovery code once, with its leaf; false if it is not hers or
    /// was used before.
    async fn use_recovery_code(&self, staff: StaffId, code_hash: &[u8; 32], event: &StaffEventRecord) -> Result<bool>;
    /// How many of her recovery codes are still unused.
    async fn recovery_codes_left(&self, staff: StaffId) -> Result<u32>;
}

/// Removes her second factor and recovery codes (a reset: they were bound
/// to a key pair that is void now).
pub(crate) async fn clear_second_factor(conn: &mut crate::sql::Conn, staff: StaffId) -> Result<()> {
    sqlx::query("UPDATE staff SET second_factor = NULL, second_factor_step = NULL WHERE id = $1")
        .bind(staff.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
        .bind(staff.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[async_trait]
impl SecondFactorStore for SqlStore {
    async fn set_second_factor(
        &self,
        staff: StaffId,
        replaced: Option<&[u8]>,
        sealed: &[u8],
        step: i64,
        code_hashes: &[[u8; 32]],
        event: &StaffEventRecord,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let query = match replaced {
            None => sqlx::query(
                "UPDATE staff SET second_factor = $1, second_factor_step = $2 WHERE id = $3 AND second_factor IS NULL",
            ),
            Some(_) => sqlx::query(
                "UPDATE staff SET second_factor = $1, second_factor_step = $2 WHERE id = $3 AND second_factor = $4",
            ),
        };
        let query = query.bind(sealed).bind(step).bind(staff.to_string());
        let query = match replaced {
            Some(old) => query.bind(old),
            None => query,
        };
        let done = query.execute(&mut *tx).await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
            .bind(staff.to_string())
            .execute(&mut *tx)
            .await?;
        for hash in code_hashes {
            sqlx::query("INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)")
                .bind(staff.to_string())
                .bind(hash.as_slice())
                .execute(&mut *tx)
                .await?;
        }
        append_staff_event(&mut tx, event, self.actors()).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn use_second_factor_step(&self, staff: StaffId, step: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE staff SET second_factor_step = $1
             WHERE id = $2 AND second_factor IS NOT NULL AND (second_factor_step IS NULL OR second_factor_step < $1)",
        )
        .bind(step)
        .bind(staff.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn use_recovery_code(&self, staff: StaffId, code_hash: &[u8; 32], event: &StaffEventRecord) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE staff_recovery_codes SET used_at = $1 WHERE staff_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(millis(event.event.at))
        .bind(staff.to_string())
        .bind(code_hash.as_slice())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        append_staff_event(&mut tx, event, self.actors()).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn recovery_codes_left(&self, staff: StaffId) -> Result<u32> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL")
                .bind(staff.to_string())
                .fetch_one(&self.pool)
                .await?;
        Ok(u32::try_from(n).unwrap_or(0))
    }
}

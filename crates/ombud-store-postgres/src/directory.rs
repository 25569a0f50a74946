//! The directory, case parties, exclusions and sync tokens (PostgreSQL).
//! Mirrors the SQLite file; they differ in placeholders and types only.

use crate::{PgStore, backend, col, insert_event};
use async_trait::async_trait;
use jiff::Timestamp;
use ombud_domain::{CaseId, StaffId};
use ombud_store::*;
use sqlx::postgres::PgRow;

type Conn = sqlx::PgConnection;

/// How many values one `IN (…)` list carries.
const CHUNK: usize = 500;

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

fn person_from_row(row: &PgRow) -> Result<PersonRecord> {
    Ok(PersonRecord {
        employee_id: col(row, "employee_id")?,
        scim_id: col(row, "scim_id")?,
        name: col(row, "name")?,
        email: col(row, "email")?,
        manager_id: col(row, "manager_id")?,
        unit: col(row, "unit")?,
        level: col(row, "level")?,
        hr_partner_id: col(row, "hr_partner_id")?,
        active: col::<i64>(row, "active")? != 0,
        deleted_at: from_millis_opt(col(row, "deleted_at")?)?,
        updated_at: from_millis(col(row, "updated_at")?)?,
    })
}

fn token_from_row(row: &PgRow) -> Result<ApiTokenRecord> {
    Ok(ApiTokenRecord {
        id: parse(&col::<String>(row, "id")?, "token id")?,
        token_hash: col(row, "token_hash")?,
        label: col(row, "label")?,
        created_at: from_millis(col(row, "created_at")?)?,
        created_by: col::<Option<String>>(row, "created_by")?.map(|s| parse(&s, "staff id")).transpose()?,
        revoked_at: from_millis_opt(col(row, "revoked_at")?)?,
    })
}

fn exclusion_from_row(row: &PgRow) -> Result<ExclusionRow> {
    Ok(ExclusionRow {
        case_id: parse(&col::<String>(row, "case_id")?, "case id")?,
        staff_id: parse(&col::<String>(row, "staff_id")?, "staff id")?,
        reason: parse_reason(&col::<String>(row, "reason")?)?,
        at: from_millis(col(row, "at")?)?,
    })
}

/// Writes a new case's parties and their sealed match (inside `create_case`).
pub(crate) async fn insert_parties(
    conn: &mut Conn,
    case: CaseId,
    rows: &[CasePartyRow],
    sealed: Option<&[u8]>,
    at: Timestamp,
) -> Result<()> {
    for row in rows {
        sqlx::query("INSERT INTO case_parties (case_id, position, token, role) VALUES ($1, $2, $3, $4)")
            .bind(case.to_string())
            .bind(i64::from(row.position))
            .bind(&row.token)
            .bind(row.role.as_str())
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    if let Some(sealed) = sealed {
        sqlx::query(
            "INSERT INTO case_party_matches (case_id, sealed, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (case_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
        )
        .bind(case.to_string())
        .bind(sealed)
        .bind(millis(at))
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    }
    Ok(())
}

/// Records exclusions and removes the excluded staff's access rows.
pub(crate) async fn insert_exclusions(conn: &mut Conn, rows: &[ExclusionRow]) -> Result<()> {
    for row in rows {
        sqlx::query("INSERT INTO case_exclusions (case_id, staff_id, reason, at) VALUES ($1, $2, $3, $4)")
            .bind(row.case_id.to_string())
            .bind(row.staff_id.to_string())
            .bind(row.reason.as_str())
            .bind(millis(row.at))
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        sqlx::query("DELETE FROM case_access WHERE case_id = $1 AND staff_id = $2")
            .bind(row.case_id.to_string())
            .bind(row.staff_id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

async fn put_person(conn: &mut Conn, p: &PersonRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO directory_people
           (employee_id, scim_id, name, email, email_key, manager_id, unit, level, hr_partner_id, active, deleted_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (employee_id) DO UPDATE SET
           scim_id = excluded.scim_id, name = excluded.name, email = excluded.email, email_key = excluded.email_key,
           manager_id = excluded.manager_id, unit = excluded.unit, level = excluded.level,
           hr_partner_id = excluded.hr_partner_id, active = excluded.active, deleted_at = excluded.deleted_at,
           updated_at = excluded.updated_at",
    )
    .bind(&p.employee_id)
    .bind(&p.scim_id)
    .bind(&p.name)
    .bind(&p.email)
    .bind(p.email.trim().to_lowercase())
    .bind(&p.manager_id)
    .bind(&p.unit)
    .bind(p.level)
    .bind(&p.hr_partner_id)
    .bind(i64::from(p.active))
    .bind(p.deleted_at.map(millis))
    .bind(millis(p.updated_at))
    .execute(&mut *conn)
    .await
    .map_err(backend)?;
    Ok(())
}

#[async_trait]
impl DirectoryStore for PgStore {
    async fn directory_revision(&self) -> Result<u64> {
        let rev: i64 = sqlx::query_scalar("SELECT rev FROM directory_revision WHERE singleton = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok(rev as u64)
    }

    async fn directory(&self) -> Result<Vec<PersonRecord>> {
        let rows = sqlx::query("SELECT * FROM directory_people ORDER BY employee_id")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(person_from_row).collect()
    }

    async fn write_directory(&self, change: &DirectoryChange) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Taking the revision row first serialises concurrent directory writers.
        sqlx::query("UPDATE directory_revision SET rev = rev + 1 WHERE singleton = 1")
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        for person in &change.people {
            put_person(&mut tx, person).await?;
        }
        if let Some(g) = &change.put_group {
            sqlx::query(
                "INSERT INTO directory_groups (id, display_name, members, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, members = excluded.members,
                   updated_at = excluded.updated_at",
            )
            .bind(&g.id)
            .bind(&g.display_name)
            .bind(members_to_text(&g.members))
            .bind(millis(g.updated_at))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        if let Some(id) = &change.delete_group {
            sqlx::query("DELETE FROM directory_groups WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn groups(&self) -> Result<Vec<GroupRecord>> {
        let rows = sqlx::query("SELECT * FROM directory_groups ORDER BY display_name, id")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(GroupRecord {
                    id: col(row, "id")?,
                    display_name: col(row, "display_name")?,
                    members: members_from_text(&col::<String>(row, "members")?),
                    updated_at: from_millis(col(row, "updated_at")?)?,
                })
            })
            .collect()
    }

    async fn create_api_token(&self, t: &ApiTokenRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO api_tokens (id, token_hash, label, created_at, created_by, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(t.id.to_string())
        .bind(&t.token_hash)
        .bind(&t.label)
        .bind(millis(t.created_at))
        .bind(t.created_by.map(|s| s.to_string()))
        .bind(t.revoked_at.map(millis))
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn api_token(&self, token_hash: &[u8]) -> Result<Option<ApiTokenRecord>> {
        let row = sqlx::query("SELECT * FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn api_tokens(&self) -> Result<Vec<ApiTokenRecord>> {
        let rows = sqlx::query("SELECT * FROM api_tokens ORDER BY created_at, id")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_api_token(&self, id: uuid::Uuid, at: Timestamp) -> Result<bool> {
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(millis(at))
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn case_parties(&self, case: CaseId) -> Result<Vec<CasePartyRow>> {
        let rows = sqlx::query("SELECT * FROM case_parties WHERE case_id = $1 ORDER BY position, token")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|row| {
                Ok(CasePartyRow {
                    position: u32::try_from(col::<i64>(row, "position")?)
                        .map_err(|_| StoreError::Corrupt("position".into()))?,
                    token: col(row, "token")?,
                    role: parse_person_role(&col::<String>(row, "role")?)?,
                })
            })
            .collect()
    }

    async fn case_party_matches(&self, case: CaseId) -> Result<Option<Vec<u8>>> {
        sqlx::query_scalar("SELECT sealed FROM case_party_matches WHERE case_id = $1")
            .bind(case.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)
    }

    async fn set_case_parties(&self, u: &PartiesUpdate) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("DELETE FROM case_parties WHERE case_id = $1")
            .bind(u.case_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        insert_parties(&mut tx, u.case_id, &u.rows, Some(&u.sealed_matches), u.at).await?;
        insert_event(&mut tx, &u.event).await?;
        tx.commit().await.map_err(backend)
    }

    async fn cases_naming(&self, tokens: &[Vec<u8>]) -> Result<Vec<CaseId>> {
        let mut out = std::collections::BTreeSet::new();
        for chunk in tokens.chunks(CHUNK) {
            let sql =
                format!("SELECT DISTINCT case_id FROM case_parties WHERE token IN ({})", placeholders(1, chunk.len()));
            let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
            for token in chunk {
                query = query.bind(token);
            }
            for id in query.fetch_all(&self.pool).await.map_err(backend)? {
                out.insert(parse::<CaseId>(&id, "case id")?);
            }
        }
        Ok(out.into_iter().collect())
    }

    async fn exclusions(&self, case: CaseId) -> Result<Vec<ExclusionRow>> {
        let rows = sqlx::query("SELECT * FROM case_exclusions WHERE case_id = $1 ORDER BY at, staff_id")
            .bind(case.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(exclusion_from_row).collect()
    }

    async fn set_exclusions(
        &self,
        case: CaseId,
        exclusions: &[ExclusionRow],
        at: Timestamp,
        event: &EventRecord,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let id = case.to_string();
        // Writing the case row first serialises writers of one case's
        // exclusions (the write lock in SQLite, the row lock in PostgreSQL).
        sqlx::query("UPDATE cases SET updated_at = updated_at WHERE id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let rows = sqlx::query("SELECT * FROM case_exclusions WHERE case_id = $1")
            .bind(&id)
            .fetch_all(&mut *tx)
            .await
            .map_err(backend)?;
        let current: Vec<ExclusionRow> = rows.iter().map(exclusion_from_row).collect::<Result<_>>()?;
        let exclusions = keep_declarations(&current, exclusions);
        if same_exclusions(&current, &exclusions) {
            return Ok(false);
        }
        sqlx::query("DELETE FROM case_exclusions WHERE case_id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        insert_exclusions(&mut tx, &exclusions).await?;
        // Everyone who reads cases and is not excluded holds a row; a new one is pending.
        sqlx::query(
            "INSERT INTO case_access (case_id, staff_id, wrapped_key, granted_at)
             SELECT $1, s.id, NULL, $2 FROM staff s
             WHERE s.role IN ('handler', 'oversight')
               AND s.id NOT IN (SELECT staff_id FROM case_exclusions WHERE case_id = $3)
             ON CONFLICT (case_id, staff_id) DO NOTHING",
        )
        .bind(&id)
        .bind(millis(at))
        .bind(&id)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        insert_event(&mut tx, event).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn visible_exclusions(&self, staff: StaffId, limit: u32) -> Result<Vec<ExclusionListRow>> {
        let rows = sqlx::query(
            "SELECT e.*, c.reference AS case_ref FROM case_exclusions e
             JOIN case_access a ON a.case_id = e.case_id AND a.staff_id = $1
             JOIN cases c ON c.id = e.case_id
             ORDER BY e.at DESC, e.case_id, e.staff_id LIMIT $2",
        )
        .bind(staff.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|row| Ok(ExclusionListRow { exclusion: exclusion_from_row(row)?, case_ref: col(row, "case_ref")? }))
            .collect()
    }
}

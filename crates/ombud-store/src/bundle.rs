//! Everything one case view needs, in one trip to the database ("Fast at
//! any size" #1). Each part is the rows its own query would give, gathered
//! by a subquery into a JSON array (`json_group_array` on SQLite, `json_agg`
//! on PostgreSQL), byte strings as hex. On SQLite every statement is a
//! switch to the connection's worker thread, which cost more than the
//! reads themselves when the view took a dozen; the one statement is read
//! off the pool (`view_reads.rs`).

use crate::rows::{
    AttachmentColumns, CaseColumns, ChangeColumns, DeadlineColumns, EscalationColumns, MessageColumns, RequestColumns,
    TransitionColumns,
};
use crate::view_reads::ViewReader;
use crate::*;
use ombud_domain::CaseId;

/// One case with everything its view reads, as the separate queries give it.
#[derive(Clone, Debug)]
pub struct CaseBundle {
    pub case: CaseRecord,
    pub report: Option<Vec<u8>>,
    pub attachments: Vec<AttachmentMeta>,
    pub messages: Vec<MessageRecord>,
    pub deadlines: Vec<DeadlineRow>,
    pub escalations: Vec<EscalationRow>,
    pub events: Vec<EventRecord>,
    pub requests: Vec<RequestRow>,
    pub transitions: Vec<TransitionRow>,
    pub changes: Vec<DeadlineChangeRow>,
    pub measures: Vec<MeasureRow>,
    pub measure_changes: Vec<MeasureChangeRow>,
}

/// The pieces of SQL that differ by dialect.
struct Json {
    dialect: Dialect,
    /// Aggregates objects into an array.
    array: &'static str,
    object: &'static str,
    /// Turns the aggregate into text for the driver.
    as_text: &'static str,
}

impl Json {
    fn of(dialect: Dialect) -> Self {
        match dialect {
            Dialect::Sqlite => Json { dialect, array: "json_group_array", object: "json_object", as_text: "" },
            Dialect::Postgres => Json { dialect, array: "json_agg", object: "json_build_object", as_text: "::text" },
        }
    }

    /// A byte string as hex, NULL kept NULL (SQLite's `hex(NULL)` is '').
    fn hex(&self, column: &str) -> String {
        match self.dialect {
            Dialect::Postgres => format!("encode({column}, 'hex')"),
            Dialect::Sqlite => format!("CASE WHEN {column} IS NULL THEN NULL ELSE hex({column}) END"),
        }
    }

    /// `SELECT` of a JSON array of `columns` (a `!` before a name marks
    /// bytes; `name=expr` names an expression) from `from`, in `order`.
    fn part(&self, columns: &[&str], from: &str, order: &str) -> String {
        let fields: Vec<String> = columns
            .iter()
            .map(|c| {
                let (name, expr) = c.split_once('=').unwrap_or((c, c));
                match name.strip_prefix('!') {
                    Some(name) => format!("'{name}', {}", self.hex(expr.trim_start_matches('!'))),
                    None => format!("'{name}', {expr}"),
                }
            })
            .collect();
        format!(
            "COALESCE((SELECT {array}({object}({fields}) ORDER BY {order}) {from}){as_text}, '[]')",
            array = self.array,
            object = self.object,
            fields = fields.join(", "),
            as_text = self.as_text,
        )
    }
}

/// The statements of the views, written for a store's dialect once.
#[derive(Debug)]
pub(crate) struct ViewSql {
    /// Everything a case view reads.
    pub(crate) bundle: String,
    /// Where a case stands: the case and its deadlines.
    pub(crate) status: String,
}

impl ViewSql {
    pub(crate) fn of(dialect: Dialect) -> Self {
        let j = Json::of(dialect);
        ViewSql { bundle: bundle_sql(&j), status: format!("SELECT {},\n       {}", case_part(&j), deadlines_part(&j)) }
    }
}

fn case_part(j: &Json) -> String {
    j.part(
        &[
            "id",
            "reference",
            "category",
            "status",
            "received_at",
            "acknowledged_at",
            "updated_at",
            "escalated_at",
            "routing",
        ],
        "FROM cases WHERE id = $1",
        "id",
    )
}

fn deadlines_part(j: &Json) -> String {
    j.part(
        &[
            "id",
            "case_id",
            "kind",
            "due_at",
            "met_at",
            "reminded_at",
            "escalated_at",
            "created_at",
            "subject",
            "closed_at",
            "closed_reason",
        ],
        "FROM deadlines WHERE case_id = $1",
        "due_at, id",
    )
}

/// The one statement of a case view, in the order `read_case_bundle` reads it.
fn bundle_sql(j: &Json) -> String {
    let parts = [
        case_part(j),
        format!("(SELECT {} FROM reports WHERE case_id = $1)", j.hex("sealed")),
        j.part(
            &["id", "case_id", "message_id", "created_at", "size", "!sealed_meta"],
            "FROM attachments WHERE case_id = $1",
            "created_at, id",
        ),
        j.part(
            &["id", "case_id", "created_at", "actor_kind", "staff_id", "!sealed_body", "feedback"],
            "FROM messages WHERE case_id = $1",
            "created_at, id",
        ),
        deadlines_part(j),
        j.part(
            &[
                "id=e.id",
                "case_id=e.case_id",
                "case_ref=c.reference",
                "cause=e.cause",
                "deadline_kind=d.kind",
                "deadline_due=d.due_at",
                "created_at=e.created_at",
                "resolved_at=e.resolved_at",
            ],
            "FROM escalations e JOIN cases c ON c.id = e.case_id LEFT JOIN deadlines d ON d.id = e.deadline_id
             WHERE e.case_id = $1",
            "e.created_at, e.id",
        ),
        j.part(
            &["id", "case_id", "kind", "at", "actor_kind", "staff_id", "!payload_hash", "leaf_index"],
            "FROM events WHERE case_id = $1",
            "leaf_index, at, id",
        ),
        j.part(
            &["id", "case_id", "position", "created_at", "answered_at", "staff_id", "!sealed_answer"],
            "FROM requests WHERE case_id = $1",
            "position",
        ),
        j.part(
            &[
                "id",
                "step",
                "from_status",
                "to_status",
                "at",
                "actor_kind",
                "staff_id",
                "!sealed_reason",
                "!sealed_for_reporter",
                "outcome",
                "!sealed_sanctions",
            ],
            "FROM transitions WHERE case_id = $1",
            "at, id",
        ),
        j.part(
            &[
                "id=x.id",
                "deadline_id=x.deadline_id",
                "case_id=x.case_id",
                "kind=x.kind",
                "old_due=x.old_due",
                "new_due=x.new_due",
                "at=x.at",
                "staff_id=x.staff_id",
                "!sealed_justification=x.sealed_justification",
                "!sealed_for_reporter=x.sealed_for_reporter",
                "state=x.state",
                "deadline_kind=d.kind",
                "reference=c.reference",
            ],
            "FROM deadline_changes x JOIN deadlines d ON d.id = x.deadline_id JOIN cases c ON c.id = x.case_id
             WHERE x.case_id = $1",
            "x.at, x.id",
        ),
        j.part(
            &["id", "case_id", "created_at", "staff_id", "!sealed", "review_at", "ended_at"],
            "FROM interim_measures WHERE case_id = $1",
            "created_at, id",
        ),
        j.part(
            &["measure_id", "id", "case_id", "created_at", "staff_id", "!sealed"],
            "FROM interim_measure_changes WHERE case_id = $1",
            "created_at, id",
        ),
    ];
    format!("SELECT {}", parts.join(",\n       "))
}

/// Byte strings arrive as hex (either case); NULL stays None.
pub(crate) mod hex_bytes {
    use serde::{Deserialize, Deserializer};

    pub(crate) fn decode(text: &str) -> Result<Vec<u8>, String> {
        if !text.len().is_multiple_of(2) {
            return Err("odd hex length".into());
        }
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|e| e.to_string())).collect()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        decode(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }

    pub(crate) mod option {
        use serde::{Deserialize, Deserializer};

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
            Option::<String>::deserialize(d)?.map(|t| super::decode(&t).map_err(serde::de::Error::custom)).transpose()
        }
    }
}

fn rows<C: serde::de::DeserializeOwned, R: TryFrom<C, Error = StoreError>>(json: &str, what: &str) -> Result<Vec<R>> {
    let columns: Vec<C> =
        serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("{what} of a case view: {e}")))?;
    columns.into_iter().map(R::try_from).collect()
}

/// A view's one row: text columns, each a JSON array but the sealed report.
struct Columns(std::vec::IntoIter<Option<String>>);

impl Columns {
    fn text(&mut self) -> Option<String> {
        self.0.next().flatten()
    }

    /// The next column's rows (its JSON array is never NULL).
    fn rows<C: serde::de::DeserializeOwned, R: TryFrom<C, Error = StoreError>>(
        &mut self,
        what: &str,
    ) -> Result<Vec<R>> {
        let json = self.text().ok_or_else(|| StoreError::Corrupt(format!("{what} of a case view is missing")))?;
        rows::<C, R>(&json, what)
    }

    /// The case the first column holds; None if there is no such case.
    fn case(&mut self) -> Result<Option<CaseRecord>> {
        Ok(self.rows::<CaseColumns, CaseRecord>("the case")?.into_iter().next())
    }
}

impl SqlStore {
    fn view_sql(&self) -> &ViewSql {
        self.view_sql.get_or_init(|| ViewSql::of(self.dialect()))
    }

    /// One case and everything its view reads, in one statement; None if
    /// there is no such case.
    pub(crate) async fn read_case_bundle(&self, case: CaseId) -> Result<Option<CaseBundle>> {
        let sql = &self.view_sql().bundle;
        let mut c = Columns(self.view_row(sql, case, 12).await?.into_iter());
        let Some(record) = c.case()? else {
            return Ok(None);
        };
        let report = c.text().map(|hex| hex_bytes::decode(&hex)).transpose();
        // Fields are read in the order written, the statement's order.
        Ok(Some(CaseBundle {
            case: record,
            report: report.map_err(|e| StoreError::Corrupt(format!("sealed report: {e}")))?,
            attachments: c.rows::<AttachmentColumns, _>("attachments")?,
            messages: c.rows::<MessageColumns, _>("messages")?,
            deadlines: c.rows::<DeadlineColumns, _>("deadlines")?,
            escalations: c.rows::<EscalationColumns, _>("escalations")?,
            events: c.rows::<crate::ledger::EventColumns, _>("events")?,
            requests: c.rows::<RequestColumns, _>("requests")?,
            transitions: c.rows::<TransitionColumns, _>("steps")?,
            changes: c.rows::<ChangeColumns, _>("deadline changes")?,
            measures: c.rows::<crate::daily::MeasureColumns, _>("measures")?,
            measure_changes: c.rows::<crate::daily::MeasureChangeColumns, _>("measure changes")?,
        }))
    }

    /// Where a case stands: the case and its deadlines, in one statement.
    pub(crate) async fn read_case_status(&self, case: CaseId) -> Result<Option<(CaseRecord, Vec<DeadlineRow>)>> {
        let sql = &self.view_sql().status;
        let mut c = Columns(self.view_row(sql, case, 2).await?.into_iter());
        let Some(record) = c.case()? else {
            return Ok(None);
        };
        Ok(Some((record, c.rows::<DeadlineColumns, _>("deadlines")?)))
    }

    /// The `width` text columns of a view statement's one row, for a case:
    /// off the pool where the store can (`view_reads.rs`).
    async fn view_row(&self, sql: &str, case: CaseId, width: usize) -> Result<Vec<Option<String>>> {
        let id = case.to_string();
        let read = match self.views.as_deref() {
            Some(ViewReader::Sqlite(reader)) => reader
                .text_row(sql, &id, width)
                .inspect_err(|e| tracing::debug!(error = %e, "a case view read inline was refused; through the pool"))
                .ok(),
            Some(ViewReader::Postgres(reader)) => reader.text_row(sql, &id, width).await.transpose()?,
            None => None,
        };
        match read {
            Some(columns) => Ok(columns),
            // Refused inline (busy), every direct connection lent, or no
            // reader: the pool, which waits its turn and reports what fails.
            None => {
                let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).bind(id).fetch_one(&self.pool).await?;
                Ok(crate::view_reads::texts(&row, width)?)
            }
        }
    }
}

//! Ombud's storage: the contract, split by capability (one file each, the
//! trait beside its SQL), and its one implementation, [`SqlStore`], which
//! serves SQLite (the embedded default) and PostgreSQL with every statement
//! written once. Only connection setup (`sql.rs`), the names of two column
//! types in the migrations (`schema.rs`), and how a case view is read off
//! the pool (`view_reads.rs`: inline on SQLite, on connections of its own on
//! PostgreSQL) differ by dialect.
//!
//! Records carry only what DESIGN.md allows in clear: ids, reference,
//! category, status, times, deadlines, access rows, and sealed blobs.
#![forbid(unsafe_code)]

mod accounts;
mod bundle;
mod cases;
mod daily;
mod deadlines;
mod directory;
pub mod ledger;
mod lifts;
mod outbox;
mod records;
mod recovery;
mod related;
mod retaliation;
mod role_grants;
mod rows;
mod schema;
mod second_factor;
mod sessions;
mod sql;
mod staff;
mod support;
#[cfg(feature = "testing")]
pub mod testdb;
mod view_reads;
mod workflow;

pub use accounts::{AccountStore, NewKeys, StaffEventRow, StaffNotice};
pub use bundle::CaseBundle;
pub use cases::CaseStore;
pub use daily::{AssigneeRow, Assignment, DailyStore, MeasureChangeRow, MeasureRow};
pub use deadlines::DeadlineStore;
pub use directory::*;
pub use ledger::LedgerStore;
pub use lifts::*;
pub use outbox::OutboxStore;
pub use records::*;
pub use recovery::*;
pub use related::{CaseLinkRow, RelatedStore};
pub use retaliation::*;
pub use role_grants::{GrantEffect, RoleGrantRow, RoleGrantStore};
pub use second_factor::SecondFactorStore;
pub use sessions::{SessionStage, SessionStore, StaffSessionRow};
pub use sql::{Dialect, SqlStore, SqliteSync};
pub use staff::StaffStore;
pub use support::*;
pub use workflow::WorkflowStore;

pub use ombud_ledger::{Hash, NodeId};

use async_trait::async_trait;

/// Every capability trait, for callers that hold an `Arc<dyn Store>`.
pub mod prelude {
    pub use crate::{
        AccountStore, CaseStore, DailyStore, DeadlineStore, DirectoryStore, HerSideStore, LedgerStore, LiftStore,
        OutboxStore, RecoveryStore, RelatedStore, RetaliationStore, RoleGrantStore, SecondFactorStore, SessionStore,
        StaffStore, Store, SupportStore, WorkflowStore,
    };
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken: which one, and the database's own error.
    #[error("{0} already exists")]
    Conflict(Unique, #[source] sqlx::Error),
    /// A stored value could not be read back (a bug or a damaged row).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Backend(#[source] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The uniqueness rules a caller may break and want to answer differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unique {
    /// A staff account with this email (compared case-insensitively).
    StaffEmail,
    /// A case with this public reference (a retryable collision).
    CaseReference,
    /// A directory person with this SCIM id.
    PersonScimId,
    /// A report form's one-time token, already used to file a report.
    FormToken,
    /// Any other primary key or unique index.
    Other,
}

impl std::fmt::Display for Unique {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unique::StaffEmail => "a staff account with this email",
            Unique::CaseReference => "a case with this reference",
            Unique::PersonScimId => "a directory person with this id",
            Unique::FormToken => "a report filed with this form",
            Unique::Other => "a row with this key",
        })
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match sql::unique_violation(&e) {
            Some(rule) => StoreError::Conflict(rule, e),
            None => StoreError::Backend(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The whole store: every capability, and the instance's own settings.
#[async_trait]
pub trait Store:
    AccountStore
    + CaseStore
    + DailyStore
    + WorkflowStore
    + DeadlineStore
    + OutboxStore
    + LedgerStore
    + DirectoryStore
    + LiftStore
    + RecoveryStore
    + RelatedStore
    + RetaliationStore
    + HerSideStore
    + SupportStore
    + RoleGrantStore
    + SecondFactorStore
    + SessionStore
    + StaffStore
    + Send
    + Sync
    + 'static
{
    /// "sqlite" or "postgres", for logs and the health page.
    fn backend(&self) -> &'static str;

    async fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// Writes a value unless the key exists; returns whether it wrote.
    async fn meta_put_if_absent(&self, key: &str, value: &[u8]) -> Result<bool>;
    /// Whether the database answers and holds every migration this build
    /// knows, each applied successfully (for `/readyz`).
    async fn migrated(&self) -> Result<bool>;
}

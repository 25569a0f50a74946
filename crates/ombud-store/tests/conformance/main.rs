//! The storage contract, checked against SQLite (a fresh file per test)
//! and PostgreSQL (a fresh database per test, when
//! `OMBUD_TEST_POSTGRES_URL` names a server). The list of checks is written
//! once, in the `conformance!` call below.

use jiff::{SignedDuration, Timestamp};
use ombud_domain::{
    AttachmentId, CaseId, CaseStatus, Category, ChangeState, ClosedReason, DeadlineKind, EventKind, MessageId, Role,
    StaffId,
};
use ombud_store::*;

mod accounts;
mod cases;
mod deadlines;
mod directory;
mod ledger;
mod workflow;
use accounts::*;
use cases::*;
use deadlines::*;
use directory::*;
use ledger::*;
use workflow::*;

/// A fresh, migrated SQLite store, and the directory that holds it.
async fn sqlite() -> Option<(SqlStore, tempfile::TempDir)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqlStore::open(&dir.path().join("ombud.db")).await.expect("open");
    Some((store, dir))
}

/// A fresh PostgreSQL database, dropped when the guard is.
async fn postgres() -> Option<(SqlStore, testdb::Database)> {
    testdb::fresh_store().await
}

/// One `#[tokio::test]` per check and database.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _dir) = super::sqlite().await.expect("sqlite");
                    super::$name(&store).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some((store, db)) = super::postgres().await else {
                        eprintln!("skipped: set OMBUD_TEST_POSTGRES_URL to run the PostgreSQL suite");
                        return;
                    };
                    super::$name(&store).await;
                    store.pool().close().await;
                    db.drop().await;
                }
            )*
        }
    };
}

conformance!(
    meta_is_written_once,
    staff_accounts_are_unique_by_email,
    a_case_round_trips_with_everything_it_was_written_with,
    inbox_is_newest_first_and_only_what_was_granted,
    the_inbox_pages_in_order_with_every_filter,
    new_readers_get_pending_grants_that_a_reader_completes,
    messages_and_attachments_stay_with_their_case,
    acknowledge_is_compare_and_set,
    a_form_token_files_one_case_and_is_forgotten_after_a_day,
    closing_a_case_ends_every_open_deadline,
    events_come_back_in_order,
    every_event_becomes_a_ledger_leaf,
    concurrent_appends_get_distinct_contiguous_indexes,
    checkpoints_round_trip,
    due_deadlines_escalate_once_and_reach_oversight,
    reminders_and_the_outbox_hand_each_notice_out_once,
    a_lease_has_one_holder_at_a_time,
    requests_changes_and_proceedings_are_kept_with_their_case,
    the_directory_is_written_whole_and_counts_its_revisions,
    living_identifiers_are_unique_and_leavers_go_with_their_write,
    api_tokens_are_found_by_hash_until_revoked,
    parties_are_kept_as_tokens_and_found_by_token,
    an_exclusion_removes_access_and_its_lifting_restores_a_pending_grant,
    a_lift_waits_only_while_its_exclusion_stands,
    a_new_reader_is_kept_out_of_cases_she_is_excluded_from,
    related_cases_follow_confirmed_tokens_and_access,
    an_account_lives_invited_active_disabled_enabled_reset,
    a_role_asked_for_is_decided_once,
);

/// The one-statement read of a case gives what each separate query gives.
async fn bundle_matches(store: &SqlStore, case: CaseId) {
    let b = store.case_bundle(case).await.expect("bundle").expect("the case is there");
    let same = |what: &str, one: String, separate: String| assert_eq!(one, separate, "{what} read in one statement");
    same("case", format!("{:?}", b.case), format!("{:?}", store.case(case).await.expect("case").expect("case")));
    same("report", format!("{:?}", b.report), format!("{:?}", store.report(case).await.expect("report")));
    same("attachments", format!("{:?}", b.attachments), format!("{:?}", store.attachments(case).await.expect("a")));
    same("messages", format!("{:?}", b.messages), format!("{:?}", store.messages(case).await.expect("m")));
    same("deadlines", format!("{:?}", b.deadlines), format!("{:?}", store.deadlines(case).await.expect("d")));
    same(
        "escalations",
        format!("{:?}", b.escalations),
        format!("{:?}", store.case_escalations(case).await.expect("e")),
    );
    same("events", format!("{:?}", b.events), format!("{:?}", store.events(case).await.expect("events")));
    same("requests", format!("{:?}", b.requests), format!("{:?}", store.requests(case).await.expect("requests")));
    same("steps", format!("{:?}", b.transitions), format!("{:?}", store.transitions(case).await.expect("steps")));
    same("changes", format!("{:?}", b.changes), format!("{:?}", store.deadline_changes(case).await.expect("changes")));
    same("measures", format!("{:?}", b.measures), format!("{:?}", store.measures(case).await.expect("measures")));
    same(
        "measure changes",
        format!("{:?}", b.measure_changes),
        format!("{:?}", store.measure_changes(case).await.expect("measure changes")),
    );
    assert!(store.case_bundle(CaseId::new()).await.expect("bundle").is_none(), "no case, no bundle");
    let (case_now, deadlines) = store.case_status(case).await.expect("status").expect("the case is there");
    same("status: the case", format!("{case_now:?}"), format!("{:?}", b.case));
    same("status: deadlines", format!("{deadlines:?}"), format!("{:?}", b.deadlines));
    assert!(store.case_status(CaseId::new()).await.expect("status").is_none(), "no case, no status");
}

/// A case view on PostgreSQL is read on connections of its own; when the
/// server ends them (a restart, an administrator), the next view is read
/// on a new one, not answered with an error.
#[tokio::test]
async fn on_postgres_a_case_view_is_read_again_after_the_server_ends_its_connections() {
    let Some((store, db)) = postgres().await else {
        eprintln!("skipped: set OMBUD_TEST_POSTGRES_URL to run the PostgreSQL suite");
        return;
    };
    let case = new_case("OMB-GONE-0001", Timestamp::from_second(100).expect("t"), &[]);
    store.create_case(&case).await.expect("create");
    let before = format!("{:?}", store.case_bundle(case.case.id).await.expect("bundle"));
    let status = format!("{:?}", store.case_status(case.case.id).await.expect("status"));
    for _ in 0..2 {
        let ended: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND application_name = 'ombud-views'",
        )
        .fetch_all(store.pool())
        .await
        .expect("end the views' connections");
        assert!(ended.contains(&true), "the views' own connection was ended");
        // Ended for sure: gone from the server's list, not only signalled.
        while sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'ombud-views'",
        )
        .fetch_one(store.pool())
        .await
        .expect("count")
            > 0
        {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let after = store.case_bundle(case.case.id).await.expect("read again on a new connection");
        assert_eq!(format!("{after:?}"), before);
        let now = store.case_status(case.case.id).await.expect("status read again on a new connection");
        assert_eq!(format!("{now:?}"), status);
    }
    store.pool().close().await;
    db.drop().await;
}

/// Events as written, before the ledger gave them an index.
fn plain(events: Vec<EventRecord>) -> Vec<EventRecord> {
    events.into_iter().map(|e| EventRecord { leaf_index: None, ..e }).collect()
}

/// The leaf of a directory-sync token made or revoked from the command line.
fn token_event(kind: EventKind, at: Timestamp) -> StaffEventRecord {
    StaffEventRecord::new(kind, at, Actor::System, None)
}

fn t(secs: i64) -> Timestamp {
    Timestamp::from_second(1_780_000_000 + secs).expect("time in range")
}

fn staff(email: &str, role: Role) -> StaffRecord {
    StaffRecord {
        id: StaffId::new(),
        email: email.to_owned(),
        name: format!("Name of {email}"),
        role,
        created_at: t(0),
        public_key: vec![1; 32],
        sealed_secret: vec![2; 60],
        lang: "en".to_owned(),
        time_zone: None,
        status: ombud_domain::StaffStatus::Active,
        session_epoch: 0,
        last_sign_in_at: None,
        second_factor: None,
        second_factor_step: None,
        employee_id: None,
    }
}

fn new_case(reference: &str, received: Timestamp, readers: &[StaffId]) -> NewCase {
    let id = CaseId::new();
    NewCase {
        case: CaseRecord {
            id,
            reference: reference.to_owned(),
            category: Category::SexualHarassment,
            status: CaseStatus::Received,
            received_at: received,
            acknowledged_at: None,
            updated_at: received,
            escalated_at: None,
            routing: ombud_domain::CaseRouting::Decided,
        },
        sealed_report: format!("sealed report {reference}").into_bytes(),
        attachments: vec![NewAttachment {
            meta: AttachmentMeta {
                id: AttachmentId::new(),
                case_id: id,
                message_id: None,
                created_at: received,
                size: 3,
                sealed_meta: b"meta".to_vec(),
            },
            sealed_body: vec![0, 255, 7],
        }],
        access: readers
            .iter()
            .map(|s| AccessGrant { staff: *s, public_key: vec![1; 32], wrapped_key: s.as_bytes().to_vec() })
            .collect(),
        parties: Vec::new(),
        protected: Vec::new(),
        follows: None,
        sealed_matches: None,
        exclusions: Vec::new(),
        requests: Vec::new(),
        receipt: ReceiptRecord {
            lookup: format!("lookup-{reference}").into_bytes(),
            case_id: id,
            kdf: vec![9; 28],
            wrapped_key: vec![8; 73],
        },
        deadlines: vec![DeadlineRow::new(
            id,
            DeadlineKind::Acknowledge,
            received + SignedDuration::from_hours(24 * 7),
            received,
        )],
        event: EventRecord::new(id, EventKind::Submitted, received, Actor::Reporter),
        form_token: None,
        recovery_wrap: None,
    }
}

//! Interim measures: what is put in place to protect her while the case is
//! handled. A reader who works the case decides one (which measures, for
//! whom, from when, reviewed when), changes it and ends it, each time with
//! a reason for the record and a text for her. The first one meets the
//! interim-measures deadline.

use crate::callers::CaseAccess;
use crate::sealing::{open_json, seal_json};
use crate::workflow::{reason_aad, required, sentence};
use crate::{Result, ServiceError, StaffDesk};
use jiff::Timestamp;
use ombud_crypto::DataKey;
use ombud_domain::{CaseId, DeadlineKind, EventKind, FieldError, MeasureAction, MeasureKind, StaffId};
use ombud_store::{Actor, DeadlineRow, EventRecord, MeasureChangeRow, MeasureRow, SealedEntry};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A measure as decided: sealed under the case key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Measure {
    pub kinds: Vec<MeasureKind>,
    /// What "other" is, in words.
    pub other: Option<String>,
    /// Who it concerns (the person accused, a team…).
    pub for_whom: String,
    /// The day it takes effect (YYYY-MM-DD).
    pub from: String,
    /// The day it is to be reviewed.
    pub review_by: Option<String>,
}

/// One change of a measure, sealed: what it did, why, and what she is told.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Change {
    action: MeasureAction,
    reason: String,
    for_reporter: String,
}

/// A measure as its reader sees it: her view carries neither who took a
/// step nor the internal reason.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MeasureView {
    pub id: uuid::Uuid,
    pub measure: Measure,
    pub ended_at: Option<Timestamp>,
    pub changes: Vec<MeasureChangeView>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MeasureChangeView {
    pub at: Timestamp,
    pub action: MeasureAction,
    /// Staff views only.
    pub by: Option<String>,
    /// Staff views only.
    pub reason: Option<String>,
    pub for_reporter: String,
}

/// What a form or the API asks for, as typed.
#[derive(Clone, Debug, Default)]
pub struct MeasureInput<'a> {
    pub kinds: Vec<&'a str>,
    pub other: &'a str,
    pub for_whom: &'a str,
    pub from: &'a str,
    pub review_by: &'a str,
    pub reason: &'a str,
    pub for_reporter: &'a str,
}

impl StaffDesk<'_> {
    /// Decides an interim measure on a case she works.
    pub async fn decide_measure(&self, case_id: CaseId, input: &MeasureInput<'_>) -> Result<uuid::Uuid> {
        let session = self.session;
        let CaseAccess { case, key } = self.case_access(case_id).await?;
        self.require_case_worker(&case).await?;
        let now = self.clock.now();
        let id = uuid::Uuid::now_v7();
        let measure = checked(input, true)?;
        let review = self.review_deadline(case_id, id, &measure, now)?;
        let change = change(MeasureAction::Decided, input)?;
        let row = MeasureRow {
            id,
            case_id,
            created_at: now,
            staff: session.id,
            sealed: seal_json(&key, &measure_aad(case_id, id), &measure)?,
            review_at: review.as_ref().map(|d| d.due_at),
            ended_at: None,
        };
        let (change, event) = sealed_change(&key, case_id, id, session.id, now, &change)?;
        self.store.add_measure(&row, &change, review.as_ref(), &event).await?;
        Ok(id)
    }

    /// Changes a measure (`change`, with every field as it now stands) or
    /// ends it (`end`, with a reason and a text for her).
    pub async fn change_measure(
        &self,
        case_id: CaseId,
        measure_id: uuid::Uuid,
        action: &str,
        input: &MeasureInput<'_>,
    ) -> Result<()> {
        let session = self.session;
        let CaseAccess { case, key } = self.case_access(case_id).await?;
        self.require_case_worker(&case).await?;
        let current = self.store.measures(case_id).await?.into_iter().find(|m| m.id == measure_id);
        let current = current.ok_or(ServiceError::NotFound)?;
        let now = self.clock.now();
        let (action, measure, ended_at) = match action {
            "change" => (MeasureAction::Changed, checked(input, false)?, None),
            "end" => {
                (MeasureAction::Ended, open_json(&key, &measure_aad(case_id, measure_id), &current.sealed)?, Some(now))
            }
            _ => return Err(ServiceError::invalid_field("action", "invalid-choice")),
        };
        // Changing a measure is its review; an ended one is reviewed no more.
        let review = match action {
            MeasureAction::Ended => None,
            _ => self.review_deadline(case_id, measure_id, &measure, now)?,
        };
        let change = change(action, input)?;
        let row = MeasureRow {
            sealed: seal_json(&key, &measure_aad(case_id, measure_id), &measure)?,
            review_at: review.as_ref().map(|d| d.due_at),
            ended_at,
            ..current
        };
        let (change, event) = sealed_change(&key, case_id, measure_id, session.id, now, &change)?;
        if !self.store.update_measure(&row, &change, review.as_ref(), &event).await? {
            return Err(ServiceError::invalid_field("action", "measure-ended"));
        }
        Ok(())
    }
}

impl StaffDesk<'_> {
    /// The review a measure's decision names, due at the end of that day in
    /// the organisation's zone: a deadline like any other, reminded of and
    /// escalated when missed. A day already past is refused.
    fn review_deadline(
        &self,
        case_id: CaseId,
        measure_id: uuid::Uuid,
        m: &Measure,
        now: Timestamp,
    ) -> Result<Option<DeadlineRow>> {
        let Some(date) = m.review_by.as_deref().and_then(|d| d.parse::<jiff::civil::Date>().ok()) else {
            return Ok(None);
        };
        let due = self.config.policy.end_of_day(date)?;
        if due < now {
            return Err(ServiceError::invalid_field("review_by", "review-in-past"));
        }
        let row = DeadlineRow::new(case_id, DeadlineKind::MeasureReview, due, now);
        Ok(Some(DeadlineRow { subject: Some(measure_id), ..row }))
    }
}

/// Every measure of a case, opened, for a staff reader (with `names`) or for her.
pub(crate) fn measure_views(
    case_id: CaseId,
    measures: Vec<MeasureRow>,
    changes: &[MeasureChangeRow],
    key: &DataKey,
    names: Option<&HashMap<StaffId, String>>,
) -> Result<Vec<MeasureView>> {
    let mut out = Vec::new();
    for m in measures {
        let measure: Measure = open_json(key, &measure_aad(case_id, m.id), &m.sealed)?;
        let mut views = Vec::new();
        for c in changes.iter().filter(|c| c.measure_id == m.id) {
            let opened: Change = open_json(key, &reason_aad(case_id, &c.entry.id, "measure-change"), &c.entry.sealed)?;
            views.push(MeasureChangeView {
                at: c.entry.created_at,
                action: opened.action,
                by: names.and_then(|n| n.get(&c.entry.staff).cloned()),
                reason: names.map(|_| opened.reason),
                for_reporter: opened.for_reporter,
            });
        }
        out.push(MeasureView { id: m.id, measure, ended_at: m.ended_at, changes: views });
    }
    Ok(out)
}

fn measure_aad(case_id: CaseId, id: uuid::Uuid) -> Vec<u8> {
    reason_aad(case_id, &id, "interim-measure")
}

fn sealed_change(
    key: &DataKey,
    case_id: CaseId,
    measure_id: uuid::Uuid,
    staff: StaffId,
    now: Timestamp,
    change: &Change,
) -> Result<(MeasureChangeRow, EventRecord)> {
    let id = uuid::Uuid::now_v7();
    let sealed = seal_json(key, &reason_aad(case_id, &id, "measure-change"), change)?;
    let event = EventRecord::new(case_id, EventKind::InterimMeasure, now, Actor::Staff(staff)).with_payload(&sealed);
    let entry = SealedEntry { id, case_id, created_at: now, staff, sealed };
    Ok((MeasureChangeRow { measure_id, entry }, event))
}

/// The reason and the text for her every change carries, each at least a sentence.
fn change(action: MeasureAction, input: &MeasureInput<'_>) -> Result<Change> {
    let mut errors = Vec::new();
    let reason = sentence("reason", input.reason).map_err(|e| errors.push(e)).ok();
    let for_reporter = sentence("for_reporter", input.for_reporter).map_err(|e| errors.push(e)).ok();
    match (reason, for_reporter) {
        (Some(reason), Some(for_reporter)) => Ok(Change { action, reason, for_reporter }),
        _ => Err(ServiceError::Invalid(errors)),
    }
}

/// A measure as typed, checked field by field. With `with_texts`, the
/// reason and the text for her are checked too, so every problem of a new
/// measure is named at once.
fn checked(input: &MeasureInput<'_>, with_texts: bool) -> Result<Measure> {
    let mut errors = Vec::new();
    let mut kinds = Vec::new();
    for k in input.kinds.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        match MeasureKind::parse(k) {
            Some(kind) if !kinds.contains(&kind) => kinds.push(kind),
            Some(_) => {}
            None => errors.push(FieldError { field: "measures".into(), code: "invalid-choice" }),
        }
    }
    if kinds.is_empty() {
        errors.push(FieldError { field: "measures".into(), code: "choose-measure" });
    }
    let other = if kinds.contains(&MeasureKind::Other) {
        required("other", input.other, 500).map_err(|e| errors.push(e)).ok()
    } else {
        None
    };
    let for_whom = required("for_whom", input.for_whom, 500).map_err(|e| errors.push(e)).ok();
    let from = date("from", input.from, &mut errors, true);
    let review_by = date("review_by", input.review_by, &mut errors, false);
    if let (Some(f), Some(r)) = (&from, &review_by)
        && r < f
    {
        errors.push(FieldError { field: "review_by".into(), code: "review-before-start" });
    }
    if with_texts && let Err(ServiceError::Invalid(more)) = change(MeasureAction::Decided, input) {
        errors.extend(more);
    }
    match (for_whom, from, errors.is_empty()) {
        (Some(for_whom), Some(from), true) => {
            Ok(Measure { kinds, other, for_whom, from: from.to_string(), review_by: review_by.map(|d| d.to_string()) })
        }
        _ => Err(ServiceError::Invalid(errors)),
    }
}

fn date(field: &str, text: &str, errors: &mut Vec<FieldError>, needed: bool) -> Option<jiff::civil::Date> {
    let text = text.trim();
    if text.is_empty() {
        if needed {
            errors.push(FieldError { field: field.to_owned(), code: "required" });
        }
        return None;
    }
    text.parse().map_err(|_| errors.push(FieldError { field: field.to_owned(), code: "invalid-date" })).ok()
}

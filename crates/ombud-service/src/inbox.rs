//! The inbox: the cases she may read, narrowed as she asks (who works on
//! them, status, category, what is due, escalated, a label), found by any
//! part of a reference or by a directory person, in order, a page at a
//! time. A person is found through the identity tokens of the cases naming
//! her — never by opening every case.

use crate::views::InboxRow;
use crate::{Result, ServiceError, StaffDesk};
use ombud_domain::{CaseStatus, Category, FieldError};
use ombud_store::{AssignedTo, CaseFilter, InboxCursor, InboxSort, ReferenceSearch, cursor_of};
use std::collections::BTreeSet;

/// The most cases on one page, and the default.
pub const MAX_PAGE: u32 = 100;
pub const DEFAULT_PAGE: u32 = 50;
/// Counts stop here: past it a list says "10000+".
pub const COUNT_CAP: u32 = 10_000;
/// The most directory people one name search follows.
const MAX_PEOPLE: usize = 50;

/// What she asks of her inbox, as typed; every part may be empty.
#[derive(Clone, Debug, Default)]
pub struct InboxRequest<'a> {
    /// A whole reference, one of its parts, its beginning ("OMB-7K"), or a
    /// directory person's name, employee id or email.
    pub q: &'a str,
    /// A directory person: her employee id or email.
    pub person: &'a str,
    /// `me`, `none`, or a colleague's staff id or email.
    pub assigned: &'a str,
    pub status: Option<CaseStatus>,
    pub category: Option<Category>,
    pub due_within_days: Option<u32>,
    pub overdue: bool,
    pub escalated: bool,
    pub label: &'a str,
    pub sort: InboxSort,
    pub cursor: &'a str,
    pub limit: u32,
    pub counts: bool,
}

/// How her search text was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchedBy {
    Nothing,
    Reference,
    /// As a directory person: how many people it named.
    People(usize),
}

/// One page of her inbox.
#[derive(Clone, Debug)]
pub struct InboxPage {
    pub rows: Vec<InboxRow>,
    /// Where the next page starts; None on the last page.
    pub next_cursor: Option<String>,
    pub counts: Option<InboxCounts>,
    pub searched_by: SearchedBy,
}

/// How many cases match, by status; `more` when past `COUNT_CAP`, and then
/// no breakdown: the first ten thousand read are no sample of the rest.
#[derive(Clone, Debug, Default)]
pub struct InboxCounts {
    pub total: u64,
    pub more: bool,
    pub by_status: Vec<(CaseStatus, u64)>,
}

impl StaffDesk<'_> {
    /// One page of the cases she may read that match what she asked.
    pub async fn inbox_page(&self, req: &InboxRequest<'_>) -> Result<InboxPage> {
        let session = self.session;
        let mut errors = Vec::new();
        let now = self.clock.now();
        let overdue = req.overdue.then_some(now);
        let within = match req.due_within_days {
            Some(days) if days <= 3660 => now.checked_add(jiff::SignedDuration::from_hours(24 * i64::from(days))).ok(),
            Some(_) => {
                errors.push(field("due_within", "invalid-choice"));
                None
            }
            None => None,
        };
        let label = Some(req.label.trim()).filter(|l| !l.is_empty()).map(str::to_owned);
        if label.as_ref().is_some_and(|l| !self.config.labels.iter().any(|c| &c.key == l)) {
            errors.push(field("label", "invalid-choice"));
        }
        let assigned = self.assigned_to(req.assigned).await.map_err(|e| errors.push(e)).unwrap_or_default();
        let after = parse_cursor(req.cursor, req.sort).map_err(|e| errors.push(e)).ok().flatten();
        let mut naming = match req.person.trim() {
            "" => None,
            who => Some(self.person_tokens_for(who, false).await?).filter(|t| !t.is_empty()).or_else(|| {
                errors.push(field("person", "unknown-person"));
                None
            }),
        };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let (reference, searched_by) = match reference_search(req.q) {
            Some(r) => (Some(r), SearchedBy::Reference),
            None if req.q.trim().is_empty() => (None, SearchedBy::Nothing),
            None => {
                // Not a reference: the people it names, and the cases naming any of them.
                let tokens = self.person_tokens_for(req.q, true).await?;
                let people = tokens.len() / 2;
                let mut all = naming.take().unwrap_or_default();
                if all.is_empty() {
                    all = tokens;
                } else {
                    all.retain(|t| tokens.contains(t));
                }
                naming = Some(all);
                (None, SearchedBy::People(people))
            }
        };
        let mut filter = CaseFilter {
            reference,
            status: req.status,
            category: req.category,
            assigned,
            due_before: match (overdue, within) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
            escalated: req.escalated,
            label,
            naming: naming.map(|t| t.into_iter().collect()),
            sort: req.sort,
            after,
        };
        let limit = if req.limit == 0 { DEFAULT_PAGE } else { req.limit.min(MAX_PAGE) };
        let mut entries = self.store.search_cases(session.id, &filter, limit + 1).await?;
        let mut searched_by = searched_by;
        if entries.is_empty() && matches!(filter.reference, Some(ReferenceSearch::Part(_))) && filter.naming.is_none() {
            // Four letters that are no reference's part may be an employee id or a name ("E320", "Wang").
            let tokens = self.person_tokens_for(req.q, true).await?;
            if !tokens.is_empty() {
                searched_by = SearchedBy::People(tokens.len() / 2);
                filter.reference = None;
                filter.naming = Some(tokens.into_iter().collect());
                entries = self.store.search_cases(session.id, &filter, limit + 1).await?;
            }
        }
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        let next_cursor =
            more.then(|| entries.last().map(|e| format_cursor(cursor_of(e, req.sort), req.sort))).flatten();
        let counts = if req.counts {
            filter.after = None;
            let by_status = self.store.count_cases(session.id, &filter, COUNT_CAP + 1).await?;
            let total: u64 = by_status.iter().map(|(_, n)| n).sum();
            let more = total > u64::from(COUNT_CAP);
            let by_status = if more { Vec::new() } else { by_status };
            Some(InboxCounts { total: total.min(u64::from(COUNT_CAP)), more, by_status })
        } else {
            None
        };
        let staff = self.store.list_staff().await?;
        Ok(InboxPage { rows: crate::staff::inbox_rows(entries, &staff), next_cursor, counts, searched_by })
    }

    /// `me`, `none`, or a colleague by staff id or email.
    async fn assigned_to(&self, asked: &str) -> std::result::Result<AssignedTo, FieldError> {
        match asked.trim() {
            "" | "any" => Ok(AssignedTo::Anyone),
            "me" => Ok(AssignedTo::Staff(self.session.id)),
            "none" => Ok(AssignedTo::Nobody),
            who => {
                let staff = self.store.list_staff().await.map_err(|_| field("assigned", "invalid-choice"))?;
                staff
                    .iter()
                    .find(|s| s.email.eq_ignore_ascii_case(who) || s.id.to_string() == who)
                    .map(|s| AssignedTo::Staff(s.id))
                    .ok_or_else(|| field("assigned", "invalid-choice"))
            }
        }
    }

    /// The identity tokens of the directory people a text names: by
    /// employee id or email exactly, or (`by_name`) by a name as people write
    /// it, in either script and order. Nobody: no token.
    async fn person_tokens_for(&self, text: &str, by_name: bool) -> Result<BTreeSet<Vec<u8>>> {
        let index = self.directory_index().await?;
        let people = index.find(text, by_name, MAX_PEOPLE);
        let mut tokens = BTreeSet::new();
        for p in people {
            tokens.extend(self.person_tokens(p)?);
        }
        Ok(tokens)
    }
}

fn field(name: &str, code: &'static str) -> FieldError {
    FieldError { field: name.to_owned(), code }
}

/// A reference as people type it: lower case, spaces, full-width characters
/// from a Chinese input method, with or without its prefix.
pub(crate) fn typed_reference(reference: &str) -> Option<String> {
    let typed: String = reference
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    match reference_search(&typed) {
        Some(ombud_store::ReferenceSearch::Whole(whole)) => Some(whole),
        _ => None,
    }
}

/// A search as a reference: the whole of one ("omb-7k3q-9f2d", "7K3Q9F2D"),
/// one of its parts ("9f2d"), or its beginning ("OMB-7K"). None when the
/// text is not shaped like any (a name, an email).
pub fn reference_search(q: &str) -> Option<ReferenceSearch> {
    // Any dash a keyboard or a word processor makes is the reference's
    // hyphen; read aloud and typed with spaces ("OMB 7K3Q 9F2D"), so are
    // spaces after its prefix. A name with a space stays a name.
    let q: String = q.trim().chars().map(|c| if "‐‑‒–—―－".contains(c) { '-' } else { c }).collect();
    let q = q.to_uppercase();
    let q = if q.starts_with("OMB") { q.split_whitespace().collect::<Vec<_>>().join("-") } else { q };
    if q.is_empty() || !q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return None;
    }
    let bare: String = q.trim_start_matches("OMB").chars().filter(char::is_ascii_alphanumeric).collect();
    match (q.starts_with("OMB"), bare.len()) {
        (_, 8) => Some(ReferenceSearch::Whole(format!("OMB-{}-{}", &bare[..4], &bare[4..]))),
        (false, 4) => Some(ReferenceSearch::Part(bare)),
        (true, _) => Some(ReferenceSearch::Prefix(q)),
        _ => None,
    }
}

fn format_cursor(c: InboxCursor, sort: InboxSort) -> String {
    let tag = if sort == InboxSort::Created { 'c' } else { 'd' };
    format!("{tag}{}.{}", c.key, c.id)
}

/// A cursor from a previous page of the same order; refused otherwise.
fn parse_cursor(text: &str, sort: InboxSort) -> std::result::Result<Option<InboxCursor>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let tag = if sort == InboxSort::Created { 'c' } else { 'd' };
    text.strip_prefix(tag)
        .and_then(|rest| rest.split_once('.'))
        .and_then(|(key, id)| Some(InboxCursor { key: key.parse().ok()?, id: id.parse().ok()? }))
        .map(Some)
        .ok_or_else(|| field("cursor", "invalid-cursor"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_is_found_by_its_whole_its_parts_or_its_beginning() {
        let whole = Some(ReferenceSearch::Whole("OMB-7K3Q-9F2D".into()));
        assert_eq!(reference_search(" omb-7k3q-9f2d "), whole);
        assert_eq!(reference_search("7K3Q9F2D"), whole);
        assert_eq!(reference_search("7k3q-9f2d"), whole);
        assert_eq!(reference_search("OMB 7K3Q 9F2D"), whole, "read aloud, typed with spaces");
        assert_eq!(reference_search("OMB–7K3Q–9F2D"), whole, "en dashes from a word processor");
        assert_eq!(reference_search("7K3Q－9F2D"), whole, "a full-width dash");
        assert_eq!(reference_search("9f2d"), Some(ReferenceSearch::Part("9F2D".into())));
        assert_eq!(reference_search("OMB-7K"), Some(ReferenceSearch::Prefix("OMB-7K".into())));
        for name in ["孙浩", "Sun Hao", "sun.hao@example.org", "7K3Q%", "Zhang San Feng"] {
            assert_eq!(reference_search(name), None, "{name} is not a reference");
        }
    }

    #[test]
    fn a_cursor_belongs_to_its_order() {
        let id = ombud_domain::CaseId(uuid::Uuid::now_v7());
        let c = InboxCursor { key: 1_764_000_000_000, id };
        let text = format_cursor(c, InboxSort::Created);
        assert_eq!(parse_cursor(&text, InboxSort::Created), Ok(Some(c)));
        assert!(parse_cursor(&text, InboxSort::Deadline).is_err(), "not a deadline-order cursor");
        assert!(parse_cursor("c12.not-an-id", InboxSort::Created).is_err());
        assert_eq!(parse_cursor("", InboxSort::Deadline), Ok(None));
    }
}

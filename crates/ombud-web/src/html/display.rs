//! A case made ready for a page: every label translated, every time
//! formatted, shared by the reporter's and the staff's views.

use super::page::Page;
use crate::i18n::Tr;
use crate::labels;
use ombud_domain::{Contact, EventKind, Occurred, Person, Place, shown_plainly};
use ombud_service::{AttachmentView, CaseView, ChangeView, MessageView, RequestView};

pub struct FileDisplay {
    pub href: String,
    pub name: String,
    pub size: String,
}

pub struct PersonDisplay {
    pub name: String,
    pub details: String,
}

pub struct MessageDisplay {
    pub from: String,
    pub at: String,
    pub body: String,
    pub from_reporter: bool,
    pub files: Vec<FileDisplay>,
    /// Feedback on what was done and why: set apart from ordinary messages.
    pub feedback: bool,
}

pub struct DeadlineDisplay {
    pub text: String,
    pub overdue: bool,
}

pub struct EventDisplay {
    pub what: String,
    pub at: String,
    /// What she was told with this step, when it carried a text for her.
    pub text: String,
}

/// A step that told her what happened and why.
pub struct OutcomeDisplay {
    pub what: String,
    pub at: String,
    /// What the findings found or how the case ended, when a person chose it.
    pub result: String,
    pub text: String,
}

/// Where she can turn outside the organisation.
pub struct ChannelDisplay {
    pub name: String,
    pub contact: String,
}

pub struct RequestDisplay {
    pub id: String,
    pub what: String,
    /// "Answer due …" or the answer with its reason.
    pub status: String,
    pub answered: bool,
}

pub struct CaseDisplay {
    pub id: String,
    pub reference: String,
    pub category: String,
    pub status: String,
    pub received: String,
    pub deadlines: Vec<DeadlineDisplay>,
    pub description: String,
    pub occurred: Option<String>,
    pub location: Option<String>,
    pub people: Vec<PersonDisplay>,
    pub mode: String,
    pub contact: Option<String>,
    pub files: Vec<FileDisplay>,
    pub messages: Vec<MessageDisplay>,
    pub events: Vec<EventDisplay>,
    /// Her requests with their deadlines and answers.
    pub answers: Vec<RequestDisplay>,
    /// Moved deadlines, with the reason written for her.
    pub changes: Vec<String>,
    /// What was decided and why, as written for her; the newest first.
    pub outcomes: Vec<OutcomeDisplay>,
    /// Where she can turn next, once the case was dismissed or referred elsewhere.
    pub channels: Vec<ChannelDisplay>,
    /// Interim measures, each with what she was told.
    pub measures: Vec<MeasureDisplay>,
}

/// An interim measure as a page shows it.
pub struct MeasureDisplay {
    pub id: String,
    /// "No contact · Separate workplaces".
    pub what: String,
    /// "From 2026-12-04 · review by 2027-01-04", or "ended …".
    pub when: String,
    pub for_whom: String,
    pub active: bool,
    /// Each change: what it did and when, what she was told, and (for staff) by whom and why.
    pub changes: Vec<MeasureChangeDisplay>,
}

pub struct MeasureChangeDisplay {
    pub what: String,
    pub for_reporter: String,
    pub reason: String,
}

fn measure(page: &Page, m: &ombud_service::MeasureView) -> MeasureDisplay {
    let tr = &page.tr;
    let mut what: Vec<String> = m.measure.kinds.iter().map(|k| tr.label(*k)).collect();
    if let Some(other) = &m.measure.other {
        what.push(other.clone());
    }
    let mut when = tr.t_with("measure-from", &[("date", m.measure.from.clone().into())]);
    if let Some(review) = &m.measure.review_by {
        when = format!("{when} · {}", tr.t_with("measure-review-by", &[("date", review.clone().into())]));
    }
    if let Some(ended) = m.ended_at {
        when = format!("{when} · {}", tr.t_with("measure-ended-at", &[("when", page.time(&ended).into())]));
    }
    MeasureDisplay {
        id: m.id.to_string(),
        what: what.join(" · "),
        when,
        for_whom: m.measure.for_whom.clone(),
        active: m.ended_at.is_none(),
        changes: m
            .changes
            .iter()
            .map(|c| MeasureChangeDisplay {
                what: [Some(tr.label(c.action)), Some(page.time(&c.at)), c.by.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · "),
                for_reporter: c.for_reporter.clone(),
                reason: c.reason.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}

fn file(a: &AttachmentView, href_prefix: &str) -> FileDisplay {
    FileDisplay { href: format!("{href_prefix}{}", a.id), name: shown_plainly(&a.name), size: size(a.size) }
}

fn occurred(page: &Page, o: &Occurred) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(d) = &o.date {
        parts.push(if o.approximate {
            page.tr.t_with("occurred-approximately", &[("date", d.clone().into())])
        } else {
            d.clone()
        });
    }
    if let Some(text) = &o.description {
        parts.push(text.clone());
    }
    (!parts.is_empty()).then(|| parts.join(" — "))
}

fn location(tr: &Tr, place: &Place) -> Option<String> {
    match (place.kind.map(|k| tr.label(k)), place.detail.clone()) {
        (None, None) => None,
        (Some(k), None) => Some(k),
        (None, Some(d)) => Some(d),
        (Some(k), Some(d)) => Some(format!("{k} — {d}")),
    }
}

fn person(tr: &Tr, p: &Person) -> PersonDisplay {
    let mut details = vec![
        tr.label(p.role),
        tr.t(match p.internal {
            Some(true) => "person-internal",
            Some(false) => "person-external",
            None => "person-side-unknown",
        }),
    ];
    details.extend(p.employee_id.clone().map(|id| tr.t_with("person-employee-id", &[("id", id.into())])));
    details.extend(p.email.clone());
    PersonDisplay { name: shown_plainly(p.shown_name()), details: details.join(" · ") }
}

fn contact(c: &Contact) -> String {
    [Some(c.name.clone()), c.email.clone(), c.phone.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ")
}

/// Who wrote a message, as this reader calls them: staff see colleagues'
/// names; she sees "you" and "the handling team".
fn message(page: &Page, m: &MessageView, href_prefix: &str, for_staff: bool) -> MessageDisplay {
    let tr = &page.tr;
    let from = match (m.from_reporter, for_staff) {
        (true, true) => tr.t("thread-from-reporter"),
        (true, false) => tr.t("thread-from-you"),
        (false, true) => m.author_name.clone().unwrap_or_else(|| tr.t("thread-from-team")),
        (false, false) => tr.t("thread-from-team"),
    };
    MessageDisplay {
        from,
        at: page.time(&m.at),
        body: m.body.clone(),
        from_reporter: m.from_reporter,
        files: m.attachments.iter().map(|a| file(a, href_prefix)).collect(),
        feedback: m.feedback,
    }
}

/// What she asked for: the kind, and her words when she said more.
pub fn request_what(tr: &crate::i18n::Tr, r: &RequestView) -> String {
    match &r.detail {
        Some(d) => format!("{} — {d}", tr.label(r.kind)),
        None => tr.label(r.kind),
    }
}

fn request(page: &Page, r: &RequestView) -> RequestDisplay {
    let tr = &page.tr;
    let what = request_what(tr, r);
    let status = match &r.answer {
        Some(a) => format!("{}: {}", tr.label(a.outcome), a.reason),
        None => tr.t_with("request-answer-due", &[("when", r.due.map(|d| page.time(&d)).unwrap_or_default().into())]),
    };
    RequestDisplay { id: r.id.to_string(), what, status, answered: r.answer.is_some() }
}

/// A moved deadline, with the reason written for her, and whether it waits
/// for oversight or was refused (staff see those; she sees only moves made).
fn change(page: &Page, c: &ChangeView) -> String {
    let text = page.tr.t_with(
        if c.kind == "pause" { "deadline-paused" } else { "deadline-extended" },
        &[
            ("deadline", page.tr.label(c.deadline).into()),
            ("from", page.time(&c.old_due).into()),
            ("to", page.time(&c.new_due).into()),
            ("reason", c.reason_for_reporter.clone().into()),
        ],
    );
    match c.state {
        ombud_domain::ChangeState::Applied => text,
        ombud_domain::ChangeState::Pending => format!("{text} — {}", page.tr.t("deadline-change-pending")),
        ombud_domain::ChangeState::Refused => format!("{text} — {}", page.tr.t("deadline-change-refused")),
    }
}

/// The steps that carry a text for her, newest first, named as she would.
fn outcomes(page: &Page, view: &CaseView) -> Vec<OutcomeDisplay> {
    view.steps
        .iter()
        .rev()
        .filter_map(|s| {
            let text = s.for_reporter.clone()?;
            let what =
                s.step.parse().map(|step| page.tr.t(labels::outcome_key(step))).unwrap_or_else(|_| s.step.clone());
            let result = s
                .outcome
                .map(|o| page.tr.t_with("case-history-outcome", &[("outcome", page.tr.label(o).into())]))
                .unwrap_or_default();
            Some(OutcomeDisplay { what, at: page.time(&s.at), result, text })
        })
        .collect()
}

/// Her record: each event, and for a step that told her something, what it
/// told her (the step and its event are written at the same moment).
fn events(page: &Page, view: &CaseView) -> Vec<EventDisplay> {
    let tr = &page.tr;
    view.events
        .iter()
        .map(|(kind, at)| {
            let step = (*kind == EventKind::StateChanged).then(|| view.steps.iter().find(|s| s.at == *at)).flatten();
            match step {
                Some(s) => EventDisplay {
                    what: s.step.parse().map(|st| tr.t(labels::outcome_key(st))).unwrap_or_else(|_| tr.label(*kind)),
                    at: page.time(at),
                    text: s.for_reporter.clone().unwrap_or_default(),
                },
                None => EventDisplay { what: tr.label(*kind), at: page.time(at), text: String::new() },
            }
        })
        .collect()
}

/// `href_prefix` is where attachments download from; `for_staff` adds the
/// confidential contact and staff names.
pub fn case_display(
    page: &Page,
    view: &CaseView,
    now: jiff::Timestamp,
    href_prefix: &str,
    for_staff: bool,
) -> CaseDisplay {
    let tr = &page.tr;
    let r = &view.report;
    CaseDisplay {
        id: view.case.id.to_string(),
        reference: view.case.reference.clone(),
        category: tr.label(view.case.category),
        status: tr.label(view.case.status),
        received: page.time(&view.case.received_at),
        deadlines: view
            .deadlines
            .iter()
            .map(|d| DeadlineDisplay { text: page.deadline(d, now), overdue: page.overdue(d, now) })
            .collect(),
        description: r.description.clone(),
        occurred: occurred(page, &r.occurred),
        location: location(tr, &r.location),
        people: r.people.iter().map(|p| person(tr, p)).collect(),
        mode: tr.t(if r.anonymous { "mode-anonymous" } else { "mode-confidential" }),
        contact: if for_staff { r.contact.as_ref().map(contact) } else { None },
        files: view.attachments.iter().map(|a| file(a, href_prefix)).collect(),
        messages: view.messages.iter().map(|m| message(page, m, href_prefix, for_staff)).collect(),
        events: events(page, view),
        answers: view.requests.iter().map(|r| request(page, r)).collect(),
        changes: view.changes.iter().map(|c| change(page, c)).collect(),
        outcomes: outcomes(page, view),
        channels: view
            .external_channels
            .iter()
            .map(|c| ChannelDisplay { name: c.name(page.tr.code()).to_owned(), contact: c.contact.clone() })
            .collect(),
        measures: view.measures.iter().map(|m| measure(page, m)).collect(),
    }
}

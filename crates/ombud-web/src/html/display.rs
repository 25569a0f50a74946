//! A case made ready for a page: every label translated, every time
//! formatted, shared by the reporter's and the staff's views.

use super::Page;

use ombud_domain::Occurred;
use ombud_service::{AttachmentView, CaseView};

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
}

pub struct DeadlineDisplay {
    pub text: String,
    pub overdue: bool,
}

pub struct EventDisplay {
    pub what: String,
    pub at: String,
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
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}

fn file(a: &AttachmentView, href_prefix: &str) -> FileDisplay {
    FileDisplay { href: format!("{href_prefix}{}", a.id), name: a.name.clone(), size: size(a.size) }
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
    let location = {
        let kind = r.location.kind.map(|k| tr.label(k));
        match (kind, r.location.detail.clone()) {
            (None, None) => None,
            (Some(k), None) => Some(k),
            (None, Some(d)) => Some(d),
            (Some(k), Some(d)) => Some(format!("{k} — {d}")),
        }
    };
    let people = r
        .people
        .iter()
        .map(|p| {
            let mut details =
                vec![tr.label(p.role), tr.t(if p.internal { "person-internal" } else { "person-external" })];
            details.extend(p.employee_id.clone().map(|id| tr.t_with("person-employee-id", &[("id", id.into())])));
            details.extend(p.email.clone());
            PersonDisplay { name: p.name.clone(), details: details.join(" · ") }
        })
        .collect();
    let contact = if for_staff {
        r.contact.as_ref().map(|c| {
            [Some(c.name.clone()), c.email.clone(), c.phone.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
        })
    } else {
        None
    };
    let messages = view
        .messages
        .iter()
        .map(|m| MessageDisplay {
            from: if m.from_reporter {
                tr.t(if for_staff { "thread-from-reporter" } else { "thread-from-you" })
            } else if for_staff {
                m.author_name.clone().unwrap_or_else(|| tr.t("thread-from-team"))
            } else {
                tr.t("thread-from-team")
            },
            at: page.time(&m.at),
            body: m.body.clone(),
            from_reporter: m.from_reporter,
            files: m.attachments.iter().map(|a| file(a, href_prefix)).collect(),
        })
        .collect();
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
        location,
        people,
        mode: tr.t(if r.anonymous { "mode-anonymous" } else { "mode-confidential" }),
        contact,
        files: view.attachments.iter().map(|a| file(a, href_prefix)).collect(),
        messages,
        events: view
            .events
            .iter()
            .map(|(kind, at)| EventDisplay { what: tr.label(*kind), at: page.time(at) })
            .collect(),
        answers: view
            .requests
            .iter()
            .map(|r| {
                let mut what = tr.label(r.kind);
                if let Some(d) = &r.detail {
                    what = format!("{what} — {d}");
                }
                let status = match &r.answer {
                    Some(a) => format!("{}: {}", tr.label(a.outcome), a.reason),
                    None => tr.t_with(
                        "request-answer-due",
                        &[("when", r.due.map(|d| page.time(&d)).unwrap_or_default().into())],
                    ),
                };
                RequestDisplay { id: r.id.to_string(), what, status, answered: r.answer.is_some() }
            })
            .collect(),
        changes: view
            .changes
            .iter()
            .map(|c| {
                tr.t_with(
                    if c.kind == "pause" { "deadline-paused" } else { "deadline-extended" },
                    &[
                        ("deadline", tr.label(c.deadline).into()),
                        ("from", page.time(&c.old_due).into()),
                        ("to", page.time(&c.new_due).into()),
                        ("reason", c.reason_for_reporter.clone().into()),
                    ],
                )
            })
            .collect(),
    }
}

//! The staff's case page: the case as its reader sees it, the people named
//! with who the directory says they are, the history, and the forms for
//! every step her role may take.

use super::display::{CaseDisplay, case_display};
use super::page::{Choice, Page, choices, error_page, render_with};
use super::staff::staff_page;
use crate::AppState;
use crate::i18n::Lang;
use crate::labels::label_of;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use ombud_domain::{AnswerOutcome, CaseId};
use ombud_service::{CaseView, StaffSession};

pub struct HistoryLine {
    what: String,
    at: String,
    by: String,
    reason: String,
    /// What she was told with the step.
    for_reporter: String,
    /// The outcome chosen and the sanctions decided, in words.
    outcome: String,
}

/// A case related to this one, and why.
pub struct RelatedLine {
    href: String,
    reference: String,
    what: String,
    why: Vec<String>,
}

pub struct DeadlineOption {
    id: String,
    /// The form's name on the page: `change-<id>`.
    form: String,
    label: String,
    /// Whether a pause is offered (never for the acknowledgement or feedback).
    pausable: bool,
}

/// One of her requests still to answer, with its form's name (`answer-<id>`).
pub struct RequestForm {
    id: String,
    form: String,
    what: String,
}

#[derive(Template)]
#[template(path = "staff/case.html")]
pub struct CasePage {
    page: Page,
    case: CaseDisplay,
    steps: Vec<Choice>,
    /// What the step being taken may find or end as (findings, closing).
    step_outcomes: Vec<Choice>,
    /// The sanctions a decision chooses from, when the decision is offered.
    sanctions: Vec<Choice>,
    outcomes: Vec<Choice>,
    history: Vec<HistoryLine>,
    related: Vec<RelatedLine>,
    open_requests: Vec<RequestForm>,
    open_deadlines: Vec<DeadlineOption>,
    justifications: Vec<String>,
    proceedings: Vec<String>,
    can_handle: bool,
    /// Her workers write to her, and so may any oversight member.
    can_reply: bool,
    can_acknowledge: bool,
    reply: String,
    reply_action: String,
    reply_error: Option<String>,
    notice: Option<String>,
    max_file_mb: u64,
    parties: Vec<PartyLine>,
    access_log: Vec<AccessLine>,
    contact_hidden: bool,
    is_oversight: bool,
    /// Why only oversight reads the case, when it is oversight's alone.
    routing_notice: Option<String>,
    sent: SentForm,
    work: WorkPanel,
    /// The forms of the measures still in force, and the form for a new one.
    measure_forms: Vec<MeasureForm>,
    new_measure: MeasureForm,
    /// Statements supporters added that she may read (none is even counted otherwise).
    supports: Vec<SupportLine>,
    /// Who the case protects and until when, with oversight's forms
    /// (oversight only; None for everyone else).
    protection: Option<ProtectionPanel>,
}

/// Oversight's panel of who a case protects: the people, and the forms to
/// protect someone by hand and to record proceedings against one of them.
pub struct ProtectionPanel {
    lines: Vec<ProtectedLine>,
    /// Who is protected could not be read: the page says so rather than "nobody".
    unreadable: bool,
    /// Who may have brought proceedings: every person the report names.
    brought_by: Vec<(String, String)>,
    /// Against whom: the reporter, and the people named other than the accused.
    against: Vec<(String, String)>,
}

pub struct ProtectedLine {
    text: String,
    /// Why oversight added her, and who did, when added by hand.
    reason: Option<String>,
}

/// A supporter's statement on the case page, with her thread.
pub struct SupportLine {
    id: String,
    /// The reply form's name on the page: `support-reply-<id>`.
    form: String,
    at: String,
    name: String,
    contact: String,
    statement: String,
    messages: Vec<(String, String)>,
}

async fn protection_panel(
    state: &AppState,
    page: &Page,
    session: &StaffSession,
    view: &CaseView,
    supports: &[SupportLine],
) -> Option<ProtectionPanel> {
    let desk = state.ombud.oversight(session).ok()?;
    let (people, unreadable) = match desk.case_protection(view.case.id).await {
        Ok(people) => (people, false),
        Err(e) => {
            tracing::error!(error = %e, "who a case protects could not be read");
            (Vec::new(), true)
        }
    };
    let tr = &page.tr;
    let months = state.ombud.config().retaliation.protection_months;
    let lines = people
        .into_iter()
        .map(|p| {
            let until = match p.until {
                Some(at) => tr.t_with("protected-until", &[("when", page.time(&at).into())]),
                None => tr.t_with("protected-while-open", &[("months", months.into())]),
            };
            let who = match (p.who.is_empty(), p.basis) {
                (false, _) => p.who,
                (true, ombud_domain::ProtectionBasis::Reporter) => tr.t("protected-the-reporter"),
                (true, _) => tr.t("protected-unnamed"),
            };
            let reason = p.reason.map(|reason| {
                let by = p.added_by.unwrap_or_default();
                let when = p.added_at.map(|at| page.time(&at)).unwrap_or_default();
                tr.t_with("protected-added-by", &[("who", by.into()), ("when", when.into()), ("reason", reason.into())])
            });
            ProtectedLine { text: format!("{who} · {} · {until}", tr.label(p.basis)), reason }
        })
        .collect();
    let named = view.report.people.iter().enumerate();
    let label = |p: &ombud_domain::Person| format!("{} ({})", p.shown_name(), tr.label(p.role));
    let brought_by = named.clone().map(|(i, p)| (i.to_string(), label(p))).collect();
    let mut against = vec![("reporter".to_owned(), tr.t("proceeding-against-reporter"))];
    against.extend(
        named.filter(|(_, p)| p.role != ombud_domain::PersonRole::Accused).map(|(i, p)| (i.to_string(), label(p))),
    );
    against.extend(supports.iter().map(|s| {
        (format!("supporter:{}", s.id), format!("{} ({})", s.name, tr.label(ombud_domain::ProtectionBasis::Supporter)))
    }));
    Some(ProtectionPanel { lines, unreadable, brought_by, against })
}

async fn support_lines(
    state: &AppState,
    page: &Page,
    session: &StaffSession,
    id: ombud_domain::CaseId,
) -> Vec<SupportLine> {
    let statements = match state.ombud.staff(session).support_statements(id).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "the statements in support of a case could not be read");
            return Vec::new();
        }
    };
    statements
        .into_iter()
        .map(|s| SupportLine {
            id: s.id.to_string(),
            form: format!("support-reply-{}", s.id),
            at: page.time(&s.at),
            contact: [s.email, s.phone].into_iter().flatten().collect::<Vec<_>>().join(" · "),
            name: s.name,
            statement: s.statement,
            messages: s
                .messages
                .into_iter()
                .map(|m| {
                    let who = m.from_staff.unwrap_or_else(|| page.tr.t("support-from-her"));
                    (format!("{who} · {}", page.time(&m.at)), m.body)
                })
                .collect(),
        })
        .collect()
}

/// A measure's form: its name on the page and its values as they stand.
pub struct MeasureForm {
    /// `measure-new` or `measure-<id>`.
    form: String,
    action: String,
    /// Each kind as (wire name, label, chosen now).
    kinds: Vec<(String, String, bool)>,
    /// Each other field as it stands now.
    fields: Vec<MeasureField>,
}

pub struct MeasureField {
    name: &'static str,
    /// Its element id: `<form>-<name>`.
    id: String,
    label_key: &'static str,
    /// `text`, `date` or `textarea`.
    kind: &'static str,
    current: String,
}

fn measure_form(tr: &crate::i18n::Tr, case: CaseId, m: Option<&ombud_service::MeasureView>) -> MeasureForm {
    let chosen = |k: ombud_domain::MeasureKind| m.is_some_and(|m| m.measure.kinds.contains(&k));
    let form = m.map_or_else(|| "measure-new".to_owned(), |m| format!("measure-{}", m.id));
    MeasureForm {
        action: m.map_or_else(
            || format!("/staff/cases/{case}/interim-measures"),
            |m| format!("/staff/cases/{case}/interim-measures/{}", m.id),
        ),
        kinds: ombud_domain::MeasureKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), tr.label(*k), chosen(*k)))
            .collect(),
        fields: [
            ("other", "measure-other-detail", "text", m.and_then(|m| m.measure.other.clone())),
            ("for_whom", "measure-for-whom", "text", m.map(|m| m.measure.for_whom.clone())),
            ("from", "measure-from-date", "date", m.map(|m| m.measure.from.clone())),
            ("review_by", "measure-review-date", "date", m.and_then(|m| m.measure.review_by.clone())),
            ("reason", "measure-reason", "textarea", None),
            ("for_reporter", "measure-for-reporter", "textarea", None),
        ]
        .into_iter()
        .map(|(name, label_key, kind, current)| MeasureField {
            name,
            id: element_id(&form, name),
            label_key,
            kind,
            current: current.unwrap_or_default(),
        })
        .collect(),
        form,
    }
}

/// Who works on the case, its labels and notes: the readers' own side of it.
pub struct WorkPanel {
    lead: Option<String>,
    /// The lead's email, chosen in the form while nobody changes it; empty when nobody leads.
    lead_email: String,
    team: Vec<String>,
    /// Who may be named: the case's readers who work cases.
    candidates: Vec<Candidate>,
    /// Oversight or the lead: may name anyone.
    can_assign: bool,
    /// Nobody leads and she works the case: she may take it.
    can_take: bool,
    /// An oversight member who does not lead it: she may take it over.
    can_take_over: bool,
    /// She leads: she may hand it back.
    is_lead: bool,
    my_email: String,
    history: Vec<String>,
    labels: Vec<LabelChoice>,
    notes: Vec<NoteLine>,
}

pub struct Candidate {
    email: String,
    label: String,
    team: bool,
}

pub struct LabelChoice {
    key: String,
    name: String,
    on: bool,
}

pub struct NoteLine {
    at: String,
    by: String,
    body: String,
}

/// What the case page shows besides the case: her reply as typed when it
/// came back with a problem, any other form as it was sent, and a notice
/// about the last action.
#[derive(Default)]
pub struct CaseForm {
    pub reply: String,
    pub reply_error: Option<String>,
    pub notice: Option<String>,
    /// The notice says why an action was refused: the page answers 409, so
    /// a resend of the same form is never taken for one that acted.
    pub refused: bool,
    pub sent: SentForm,
    /// A directory search for one named person: her position and the text.
    pub find: Option<(u32, String)>,
}

/// One form of the case page as it was sent, when it came back with a
/// problem: which form it was (`step`, `feedback`, `answer-<id>`,
/// `change-<id>`, `match-<n>`, `proceeding`…), every value as typed, and each
/// problem by its field. A field's element id is `<form>-<field>` (with
/// hyphens), its problem's `<form>-<field>-error`.
#[derive(Default)]
pub struct SentForm {
    pub form: String,
    pub values: Vec<(String, String)>,
    pub errors: Vec<(String, String)>,
}

impl SentForm {
    /// What was typed into this field of this form; empty for any other form.
    pub fn value(&self, form: &str, field: &str) -> &str {
        self.value_or(form, field, "")
    }

    /// What was typed, when this form came back; otherwise what the field holds now.
    pub fn value_or<'a>(&'a self, form: &str, field: &str, current: &'a str) -> &'a str {
        if self.form != form {
            return current;
        }
        self.values.iter().find(|(f, _)| f == field).map_or("", |(_, v)| v.as_str())
    }

    /// Whether this field was sent with this option chosen: a choice the
    /// person made comes back as she made it, and nothing else is chosen.
    pub fn chose(&self, form: &str, field: &str, option: &str) -> bool {
        self.form == form && self.value(form, field) == option
    }

    pub fn error(&self, form: &str, field: &str) -> Option<&str> {
        if self.form != form {
            return None;
        }
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    /// Whether a checkbox is ticked: as sent when this form came back,
    /// otherwise as things stand.
    pub fn ticked(&self, form: &str, field: &str, option: &str, now: &bool) -> bool {
        if self.form != form {
            return *now;
        }
        self.values.iter().any(|(f, v)| f == field && v == option)
    }

    /// Whether this form came back (its folded panel opens).
    pub fn is(&self, form: &str) -> bool {
        self.form == form
    }

    /// The problems of this form that belong to no field it sent (the
    /// case's state, her unanswered requests): shown at the form's top, as
    /// (element id, message).
    pub fn form_errors(&self, form: &str) -> Vec<(String, &str)> {
        if self.form != form {
            return Vec::new();
        }
        self.errors
            .iter()
            .filter(|(f, _)| !self.values.iter().any(|(v, _)| v == f))
            .map(|(f, m)| (element_id(form, f) + "-error", m.as_str()))
            .collect()
    }

    /// Every problem, linked to its field, for the summary at the page's top.
    pub fn summary(&self) -> Vec<(String, &str)> {
        self.errors
            .iter()
            .map(|(f, m)| {
                let placed = self.values.iter().any(|(v, _)| v == f);
                let target = if placed { element_id(&self.form, f) } else { element_id(&self.form, f) + "-error" };
                (target, m.as_str())
            })
            .collect()
    }
}

/// `change-<id>` and `reason_for_reporter` → `change-<id>-reason-for-reporter`.
fn element_id(form: &str, field: &str) -> String {
    format!("{form}-{}", field.replace('_', "-"))
}

/// What each action of the case page says it did, at the top of the page it
/// returns to (`?done=<key>`, message `done-<key>`). Any other value shows nothing.
pub const DONE: &[&str] = &[
    "acknowledged",
    "replied",
    "feedback-sent",
    "step-taken",
    "request-answered",
    "deadline-moved",
    "pause-asked",
    "proceeding-linked",
    "person-matched",
    "case-left",
    "assigned",
    "handed-back",
    "note-added",
    "labels-saved",
    "measure-decided",
    "measure-changed",
    "cases-linked",
    "protection-added",
    "support-replied",
    "counter-proceeding-recorded",
    "sent-once",
];

/// Every notice's key, for the test that each exists in both languages.
pub fn notice_keys() -> Vec<String> {
    DONE.iter().map(|d| format!("done-{d}")).chain(["done-escalation-resolved".to_owned()]).collect()
}

pub fn done_notice(tr: &crate::i18n::Tr, done: &str) -> Option<String> {
    DONE.contains(&done).then(|| tr.t(&format!("done-{done}")))
}

impl CaseForm {
    pub fn refusal(text: String) -> Self {
        Self { notice: Some(text), refused: true, ..Self::default() }
    }
}

/// Opens the case (recorded) and shows it.
pub async fn show_case(state: &AppState, lang: Lang, session: &StaffSession, id: CaseId, form: CaseForm) -> Response {
    match state.ombud.staff(session).case(id).await {
        Ok(view) => render_case(state, lang, session, view, form).await,
        Err(e) => error_page(lang, e),
    }
}

/// One person named in the report, with who the directory says she is.
pub struct PartyLine {
    position: u32,
    name: String,
    role: String,
    matched: String,
    how: String,
    /// `internal`, `external` or `unidentified` as things stand now.
    kind: &'static str,
    /// The form's name on the page: `match-<position>`.
    form: String,
    /// Who she could be: the directory search's results when the reader
    /// searched for this person, else the people the name she wrote fits.
    picks: Vec<Pick>,
    /// The reader searched for this person: what she typed.
    who: Option<String>,
    /// Her search found nobody: said so.
    none_found: Option<String>,
}

/// A directory person a reader may pick as the one named.
pub struct Pick {
    employee_id: String,
    label: String,
}

impl Pick {
    fn new(tr: &crate::i18n::Tr, m: &ombud_service::MatchedPerson) -> Self {
        let label = tr.t_with(
            "party-matched",
            &[
                ("name", m.name.clone().into()),
                ("id", m.employee_id.clone().into()),
                ("unit", m.unit.clone().into()),
                ("level", m.level.into()),
            ],
        );
        Pick { employee_id: m.employee_id.clone(), label }
    }
}

/// One person's accesses of one kind: how many, first and last.
pub struct AccessLine {
    at: String,
    what: String,
    by: String,
    /// Read by someone excluded since: shown first, with when.
    excluded: Option<String>,
}

/// The people named, each with who she could be; for the one the reader
/// searched the directory for, what the search found.
fn party_lines(
    tr: &crate::i18n::Tr,
    page: &Page,
    view: &CaseView,
    found: Option<(u32, String, Vec<ombud_service::MatchedPerson>)>,
) -> Vec<PartyLine> {
    view.parties
        .iter()
        .map(|p| {
            let matched = match &p.matched {
                Some(m) => tr.t_with(
                    "party-matched",
                    &[
                        ("name", m.name.clone().into()),
                        ("id", m.employee_id.clone().into()),
                        ("unit", m.unit.clone().into()),
                        ("level", m.level.into()),
                    ],
                ),
                None if p.internal => tr.t("party-unmatched"),
                None => tr.t("party-external"),
            };
            let mut how = tr.label(p.how);
            if let (Some(by), Some(at)) = (&p.confirmed_by, &p.confirmed_at) {
                how = tr.t_with("party-confirmed", &[("name", by.clone().into()), ("at", page.time(at).into())]);
            }
            PartyLine {
                position: p.position,
                name: ombud_domain::shown_plainly(&p.name),
                role: tr.label(p.role),
                matched,
                how,
                kind: match p.how {
                    ombud_service::MatchHow::Unidentified => "unidentified",
                    ombud_service::MatchHow::External => "external",
                    _ if p.internal => "internal",
                    _ => "external",
                },
                form: format!("match-{}", p.position),
                picks: match &found {
                    Some((position, _, results)) if *position == p.position => results,
                    _ => &p.candidates,
                }
                .iter()
                .map(|m| Pick::new(tr, m))
                .collect(),
                who: found.as_ref().filter(|(position, ..)| *position == p.position).map(|(_, who, _)| who.clone()),
                none_found: found
                    .as_ref()
                    .filter(|(position, _, results)| *position == p.position && results.is_empty())
                    .map(|(_, who, _)| tr.t_with("case-party-none-found", &[("who", who.clone().into())])),
            }
        })
        .collect()
}

/// The access log, for an oversight member only (nobody else sees it).
async fn access_lines(state: &AppState, page: &Page, session: &StaffSession, id: CaseId) -> Vec<AccessLine> {
    let Ok(oversight) = state.ombud.oversight(session) else { return Vec::new() };
    let tr = page.tr;
    match oversight.access_summary(id).await {
        Ok(lines) => lines
            .iter()
            .map(|s| AccessLine {
                at: tr.t_with(
                    "case-access-summary",
                    &[
                        ("count", s.count.into()),
                        ("first", page.time(&s.first).into()),
                        ("last", page.time(&s.last).into()),
                    ],
                ),
                what: crate::labels::access_key(s.action).map(|k| tr.t(k)).unwrap_or_default(),
                by: s.staff_name.clone().unwrap_or_default(),
                excluded: s
                    .excluded_at
                    .map(|at| tr.t_with("access-since-excluded", &[("when", page.time(&at).into())])),
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn history_lines(page: &Page, view: &CaseView) -> Vec<HistoryLine> {
    let tr = &page.tr;
    view.steps
        .iter()
        .map(|s| {
            let outcome = s.outcome.map(|o| tr.t_with("case-history-outcome", &[("outcome", tr.label(o).into())]));
            let sanctions = (!s.sanctions.is_empty()).then(|| {
                let list: Vec<String> = s.sanctions.iter().map(|x| tr.label(*x)).collect();
                tr.t_with("case-history-sanctions", &[("sanctions", list.join(" · ").into())])
            });
            HistoryLine {
                what: label_of::<ombud_domain::Step>(tr, &s.step),
                at: page.time(&s.at),
                by: s.by.clone().unwrap_or_default(),
                reason: s.reason.clone().unwrap_or_default(),
                for_reporter: s.for_reporter.clone().unwrap_or_default(),
                outcome: [outcome, sanctions].into_iter().flatten().collect::<Vec<_>>().join(" · "),
            }
        })
        .collect()
}

/// The outcomes and sanctions the steps offered now take, each once, in order.
fn step_extras(page: &Page, view: &CaseView, session: &StaffSession) -> (Vec<Choice>, Vec<Choice>) {
    let offered = offered_steps(view, session);
    let finding = view.steps.iter().rev().find(|s| s.step == ombud_domain::Step::RecordFindings.as_str());
    let on = ombud_domain::OutcomeContext { category: view.case.category, finding: finding.and_then(|s| s.outcome) };
    let mut outcomes: Vec<ombud_domain::CaseOutcome> = Vec::new();
    for o in offered.iter().flat_map(|s| ombud_domain::allowed_outcomes(*s, on)) {
        if !outcomes.contains(&o) {
            outcomes.push(o);
        }
    }
    let sanctions = if offered.iter().any(|s| s.takes_sanctions()) {
        choices(&page.tr, &ombud_domain::Sanction::ALL, ombud_domain::Sanction::as_str)
    } else {
        Vec::new()
    };
    (choices(&page.tr, &outcomes, ombud_domain::CaseOutcome::as_str), sanctions)
}

/// The cases related to this one that she may read, and why.
async fn related_lines(state: &AppState, page: &Page, session: &StaffSession, id: CaseId) -> Vec<RelatedLine> {
    let tr = &page.tr;
    let Ok(cases) = state.ombud.staff(session).related_cases(id).await else { return Vec::new() };
    cases
        .iter()
        .map(|r| {
            let names = r.people.iter().map(|p| tr.t_with("related-names", &[("name", p.clone().into())]));
            let links = r.links.iter().map(|l| {
                tr.t_with(
                    "related-linked",
                    &[
                        ("by", l.by.clone().unwrap_or_default().into()),
                        ("when", page.time(&l.at).into()),
                        ("reason", l.reason.clone().into()),
                    ],
                )
            });
            RelatedLine {
                href: format!("/staff/cases/{}", r.case_id),
                reference: r.case_ref.clone(),
                what: format!("{} · {}", tr.label(r.category), tr.label(r.status)),
                why: names.chain(links).collect(),
            }
        })
        .collect()
}

/// The deadlines a handler may still move: open ones, and the feedback
/// deadline only where the policy allows extending it.
fn open_deadlines(page: &Page, view: &CaseView, feedback_movable: bool) -> Vec<DeadlineOption> {
    view.deadline_rows
        .iter()
        .filter(|d| d.is_open() && d.kind != ombud_domain::DeadlineKind::MeasureReview)
        .filter(|d| feedback_movable || d.kind != ombud_domain::DeadlineKind::Feedback)
        .map(|d| DeadlineOption {
            id: d.id.to_string(),
            form: format!("change-{}", d.id),
            label: format!("{} — {}", page.tr.label(d.kind), page.time(&d.due_at)),
            pausable: !matches!(d.kind, ombud_domain::DeadlineKind::Acknowledge | ombud_domain::DeadlineKind::Feedback),
        })
        .collect()
}

fn proceeding_lines(view: &CaseView) -> Vec<String> {
    view.proceedings
        .iter()
        .map(|p| {
            [Some(p.authority.clone()), Some(p.reference.clone()), p.date.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .collect()
}

/// The steps her role may take from where the case stands (acknowledging has its own button).
/// The steps the form offers her now (acknowledging has its own button).
fn offered_steps(view: &CaseView, session: &StaffSession) -> Vec<ombud_domain::Step> {
    ombud_domain::available_steps(
        view.case.status,
        view.case.category,
        session.role,
        view.case.routing,
        leads(session, view),
    )
    .into_iter()
    .filter(|s| *s != ombud_domain::Step::Acknowledge)
    .collect()
}

fn step_choices(page: &Page, view: &CaseView, session: &StaffSession) -> Vec<Choice> {
    offered_steps(view, session).into_iter().map(|s| Choice { value: s.as_str(), label: page.tr.label(s) }).collect()
}

pub async fn render_case(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    view: CaseView,
    form: CaseForm,
) -> Response {
    let id = view.case.id;
    let page = staff_page(state, lang, &format!("/staff/cases/{id}"), "case-title", session);
    let tr = page.tr;
    let can_handle = ombud_domain::works_case(session.role, view.case.routing, leads(session, &view));
    let invalid = form.reply_error.is_some() || !form.sent.errors.is_empty();
    let status = if form.refused {
        StatusCode::CONFLICT
    } else if invalid {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (step_outcomes, sanctions) = step_extras(&page, &view, session);
    let supports = support_lines(state, &page, session, id).await;
    let template = CasePage {
        case: case_display(&page, &view, state.ombud.clock().now(), &format!("/staff/cases/{id}/attachments/"), true),
        steps: step_choices(&page, &view, session),
        step_outcomes,
        sanctions,
        outcomes: choices(&tr, &AnswerOutcome::ALL, AnswerOutcome::as_str),
        history: history_lines(&page, &view),
        related: related_lines(state, &page, session, id).await,
        open_requests: view
            .requests
            .iter()
            .filter(|r| r.answer.is_none())
            .map(|r| RequestForm {
                id: r.id.to_string(),
                form: format!("answer-{}", r.id),
                what: super::display::request_what(&tr, r),
            })
            .collect(),
        open_deadlines: open_deadlines(&page, &view, state.ombud.config().policy.feedback_extension_months > 0),
        justifications: view
            .changes
            .iter()
            .map(|c| tr.t_with("deadline-justification", &[("reason", c.justification.clone().into())]))
            .collect(),
        proceedings: proceeding_lines(&view),
        can_handle,
        can_reply: can_handle || session.role == ombud_domain::Role::Oversight,
        can_acknowledge: ombud_domain::may_take(
            session.role,
            ombud_domain::Step::Acknowledge,
            view.case.routing,
            leads(session, &view),
        ) && view.case.status.acknowledge().is_ok(),
        reply: form.reply,
        reply_action: format!("/staff/cases/{id}/reply"),
        reply_error: form.reply_error,
        notice: form.notice,
        max_file_mb: state.ombud.config().max_attachment_bytes / (1024 * 1024),
        parties: party_lines(&tr, &page, &view, directory_search(state, session, id, form.find).await),
        access_log: access_lines(state, &page, session, id).await,
        contact_hidden: view.contact_hidden,
        is_oversight: session.role == ombud_domain::Role::Oversight,
        routing_notice: match view.case.routing {
            ombud_domain::CaseRouting::Decided => None,
            ombud_domain::CaseRouting::Restricted => Some(tr.t("case-routing-restricted")),
            ombud_domain::CaseRouting::Oversight => Some(tr.t("case-routing-oversight")),
        },
        sent: form.sent,
        work: work_panel(state, &page, session, &view).await,
        measure_forms: view
            .measures
            .iter()
            .filter(|m| m.ended_at.is_none())
            .map(|m| measure_form(&tr, id, Some(m)))
            .collect(),
        new_measure: measure_form(&tr, id, None),
        protection: protection_panel(state, &page, session, &view, &supports).await,
        supports,
        page,
    };
    render_with(status, &template)
}

/// The readers' side of the case: who works on it, and whether she may
/// change that; its labels; their notes.
async fn work_panel(state: &AppState, page: &Page, session: &StaffSession, view: &CaseView) -> WorkPanel {
    let tr = page.tr;
    let side = view.staff_side.clone().unwrap_or_default();
    let assignment = &side.assignment;
    let candidates = state.ombud.staff(session).assignable(view.case.id).await.unwrap_or_default();
    let is_lead = assignment.lead.as_ref().is_some_and(|l| l.id == session.id);
    let can_handle = ombud_domain::works_case(session.role, view.case.routing, leads(session, view));
    let who = |s: &ombud_service::StaffRef| format!("{} · {}", s.name, s.email);
    WorkPanel {
        lead: assignment.lead.as_ref().map(who),
        lead_email: assignment.lead.as_ref().map(|l| l.email.clone()).unwrap_or_default(),
        team: assignment.team.iter().map(who).collect(),
        candidates: candidates
            .iter()
            .map(|c| Candidate {
                email: c.email.clone(),
                label: who(c),
                team: assignment.team.iter().any(|t| t.id == c.id),
            })
            .collect(),
        can_assign: session.role == ombud_domain::Role::Oversight || is_lead,
        can_take: assignment.lead.is_none() && can_handle && session.role == ombud_domain::Role::Handler,
        can_take_over: session.role == ombud_domain::Role::Oversight && !is_lead,
        is_lead,
        my_email: candidates.iter().find(|c| c.id == session.id).map(|c| c.email.clone()).unwrap_or_default(),
        history: side
            .assignment_history
            .iter()
            .map(|h| {
                let lead = h.lead.clone().unwrap_or_else(|| tr.t("work-nobody"));
                let mut line = tr.t_with(
                    "work-history-line",
                    &[
                        ("when", page.time(&h.at).into()),
                        ("by", h.by.clone().unwrap_or_default().into()),
                        ("lead", lead.into()),
                        ("team", h.team.len().into()),
                    ],
                );
                if let Some(r) = &h.reason {
                    line = format!("{line} — {r}");
                }
                line
            })
            .collect(),
        labels: state
            .ombud
            .config()
            .labels
            .iter()
            .map(|l| LabelChoice {
                key: l.key.clone(),
                name: l.name(tr.code()).to_owned(),
                on: side.labels.contains(&l.key),
            })
            .collect(),
        notes: side
            .notes
            .iter()
            .map(|n| NoteLine { at: page.time(&n.at), by: n.by.clone().unwrap_or_default(), body: n.body.clone() })
            .collect(),
    }
}

/// What a reader's directory search for one named person found.
async fn directory_search(
    state: &AppState,
    session: &StaffSession,
    id: CaseId,
    find: Option<(u32, String)>,
) -> Option<(u32, String, Vec<ombud_service::MatchedPerson>)> {
    let (position, who) = find?;
    let found = state.ombud.staff(session).find_in_directory(id, &who).await.unwrap_or_default();
    Some((position, who, found))
}

/// Whether she leads the case (an oversight member who took it over works it).
fn leads(session: &StaffSession, view: &CaseView) -> bool {
    view.staff_side.as_ref().and_then(|s| s.assignment.lead.as_ref()).is_some_and(|l| l.id == session.id)
}

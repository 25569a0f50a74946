//! A report as the reporter gives it (a draft of plain strings, from a form or
//! the API) and as it is sealed (validated content). Validation answers with
//! one error per field, so a form can show each message beside its field.
//!
//! Nothing here demands evidence: only a description and a category are
//! required, because a case must open on her word alone.

use crate::Category;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub const MAX_DESCRIPTION_CHARS: usize = 50_000;
pub const MAX_MESSAGE_CHARS: usize = 20_000;
pub const MAX_SHORT_CHARS: usize = 500;
pub const MAX_PEOPLE: usize = 30;

/// One problem with one field. `field` names the input (`people.2.name`),
/// `code` a message key the web layer translates (`required`, `too-long`…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self { field: field.into(), code }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    Workplace,
    BusinessTrip,
    ClientOrSocialEvent,
    Online,
    Other,
}

names!(LocationKind, "location" {
    Workplace => "workplace",
    BusinessTrip => "business_trip",
    ClientOrSocialEvent => "client_or_social_event",
    Online => "online",
    Other => "other",
});

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonRole {
    Accused,
    Witness,
    Other,
}

names!(PersonRole, "person role" {
    Accused => "accused",
    Witness => "witness",
    Other => "other",
});

impl PersonRole {
    /// Whether routing keeps this person's chain out. A part left out reads
    /// as `other`, and nothing says "other" is not the person she reports:
    /// only a witness, named as one, brings no chain (fail closed).
    pub fn brings_chain(self) -> bool {
        self != PersonRole::Witness
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    NoContact,
    ChangeReportingLine,
    Leave,
    Counselling,
    Other,
}

names!(RequestKind, "request" {
    NoContact => "no_contact",
    ChangeReportingLine => "change_reporting_line",
    Leave => "leave",
    Counselling => "counselling",
    Other => "other",
});

/// When it happened, as precisely as she can say.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Occurred {
    /// `YYYY-MM-DD`, if she knows a date.
    #[schema(format = Date)]
    pub date: Option<String>,
    /// The date is approximate.
    pub approximate: bool,
    /// In her words ("last spring", "over several months").
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Location {
    #[schema(value_type = Option<LocationKind>)]
    pub kind: Option<String>,
    #[schema(max_length = 500)]
    pub detail: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PersonInvolved {
    #[schema(max_length = 500)]
    pub name: String,
    #[schema(max_length = 500)]
    pub employee_id: Option<String>,
    #[schema(max_length = 500)]
    pub email: Option<String>,
    /// `other` when left out.
    #[schema(value_type = PersonRole)]
    pub role: String,
    /// Inside the organisation (`true`: an employee), outside (`false`: a
    /// client, a vendor…), or not known (left out or `null`). Not known is
    /// routed as inside: an unknown colleague must not reach his own chain.
    pub internal: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReporterRequest {
    #[schema(value_type = RequestKind)]
    pub kind: String,
    #[schema(max_length = 20000)]
    pub detail: Option<String>,
}

/// How a confidential reporter can be reached; sealed for the handlers only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Contact {
    #[schema(max_length = 500)]
    pub name: String,
    #[schema(max_length = 500)]
    pub email: Option<String>,
    #[schema(max_length = 500)]
    pub phone: Option<String>,
}

/// A report as typed. Every field is a plain string so that nothing she typed
/// is lost when a form comes back with errors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReportDraft {
    #[schema(value_type = Category)]
    pub category: String,
    #[schema(min_length = 1, max_length = 50000)]
    pub description: String,
    /// `zh-CN` (or any `zh…`) or `en`; the request's language when left out.
    pub language: Option<String>,
    pub occurred: Occurred,
    pub location: Location,
    #[schema(max_items = 30)]
    pub people: Vec<PersonInvolved>,
    /// Each kind at most once.
    #[schema(max_items = 5)]
    pub requests: Vec<ReporterRequest>,
    /// Anonymous unless she says otherwise.
    pub anonymous: bool,
    pub contact: Option<Contact>,
}

impl Default for ReportDraft {
    fn default() -> Self {
        Self {
            category: String::new(),
            description: String::new(),
            language: None,
            occurred: Occurred::default(),
            location: Location::default(),
            people: Vec::new(),
            requests: Vec::new(),
            anonymous: true,
            contact: None,
        }
    }
}

/// Where it happened, validated: the kind is one of the kinds or none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Place {
    pub kind: Option<LocationKind>,
    pub detail: Option<String>,
}

/// A person she named, validated: the role decides who is kept out of her
/// case, so it is a role, never a string to re-parse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Person {
    pub name: String,
    pub employee_id: Option<String>,
    pub email: Option<String>,
    pub role: PersonRole,
    /// `None`: she did not say. Reports sealed before this was optional
    /// hold a plain `true` or `false`, which reads the same.
    pub internal: Option<bool>,
}

impl Person {
    /// What to call her on a page: her name, or when only an employee id or
    /// an email was given, that.
    pub fn shown_name(&self) -> &str {
        [Some(self.name.as_str()), self.employee_id.as_deref(), self.email.as_deref()]
            .into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty())
            .unwrap_or("")
    }

    /// Whether routing treats her as inside the organisation: yes unless
    /// the reporter said she is outside (fail closed).
    pub fn inside(&self) -> bool {
        self.internal != Some(false)
    }
}

/// Something she asked for, validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupportRequest {
    pub kind: RequestKind,
    pub detail: Option<String>,
}

/// The validated report, as it is sealed. Only `category` is ever stored in
/// clear. Its enums serialise to the same names the draft carries, so a
/// report sealed before they were typed opens unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportContent {
    pub category: Category,
    pub description: String,
    pub language: String,
    pub occurred: Occurred,
    pub location: Place,
    pub people: Vec<Person>,
    pub requests: Vec<SupportRequest>,
    pub anonymous: bool,
    pub contact: Option<Contact>,
}

impl ReportDraft {
    /// Validates against `today` (in the organisation's calendar), trims, drops
    /// blank rows, and returns every problem at once.
    pub fn validate(&self, today: Date) -> Result<ReportContent, Vec<FieldError>> {
        let mut errors = Vec::new();
        let category = match self.category.trim() {
            "" => {
                errors.push(FieldError::new("category", "required"));
                None
            }
            other => {
                other.parse::<Category>().map_err(|_| errors.push(FieldError::new("category", "invalid-choice"))).ok()
            }
        };
        let description = self.description.trim().to_owned();
        if description.is_empty() {
            errors.push(FieldError::new("description", "required"));
        }
        check_len(&mut errors, "description", &description, MAX_DESCRIPTION_CHARS);

        let occurred = validate_occurred(&self.occurred, today, &mut errors);
        let location = validate_location(&self.location, &mut errors);
        let people = validate_people(&self.people, &mut errors);
        let requests = validate_requests(&self.requests, &mut errors);
        let contact = if self.anonymous { None } else { validate_contact(self.contact.as_ref(), &mut errors) };
        let language = match self.language.as_deref() {
            Some(l) if l.starts_with("zh") => "zh-CN",
            _ => "en",
        }
        .to_owned();

        match category {
            Some(category) if errors.is_empty() => Ok(ReportContent {
                category,
                description,
                language,
                occurred,
                location,
                people,
                requests,
                anonymous: self.anonymous,
                contact,
            }),
            _ => Err(errors),
        }
    }
}

/// A message in the thread, from either side.
pub fn validate_message(body: &str) -> Result<String, FieldError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(FieldError::new("body", "required"));
    }
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(FieldError::new("body", "too-long"));
    }
    Ok(body.to_owned())
}

fn check_len(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.push(FieldError::new(field, "too-long"));
    }
}

/// Trims, turns blank into None, and checks the length of an optional short text.
fn short_text(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    check_len(errors, field, value, MAX_SHORT_CHARS);
    Some(value.to_owned())
}

fn validate_occurred(o: &Occurred, today: Date, errors: &mut Vec<FieldError>) -> Occurred {
    let date = short_text(errors, "occurred.date", o.date.as_deref());
    if let Some(d) = &date {
        match d.parse::<Date>() {
            Ok(parsed) if parsed > today => errors.push(FieldError::new("occurred.date", "future-date")),
            Ok(_) => {}
            Err(_) => errors.push(FieldError::new("occurred.date", "invalid-date")),
        }
    }
    Occurred {
        date,
        approximate: o.approximate,
        description: short_text(errors, "occurred.description", o.description.as_deref()),
    }
}

fn validate_location(l: &Location, errors: &mut Vec<FieldError>) -> Place {
    let kind = short_text(errors, "location.kind", l.kind.as_deref());
    let kind = kind.and_then(|k| {
        let parsed = LocationKind::parse(&k);
        if parsed.is_none() {
            errors.push(FieldError::new("location.kind", "invalid-choice"));
        }
        parsed
    });
    Place { kind, detail: short_text(errors, "location.detail", l.detail.as_deref()) }
}

fn validate_people(people: &[PersonInvolved], errors: &mut Vec<FieldError>) -> Vec<Person> {
    let blank = |v: Option<&str>| v.unwrap_or("").trim().is_empty();
    // A row with only a part chosen is not blank: she meant someone, and is
    // asked who rather than having the row dropped.
    let filled: Vec<(usize, &PersonInvolved)> = people
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            !(blank(Some(&p.name))
                && blank(p.employee_id.as_deref())
                && blank(p.email.as_deref())
                && blank(Some(&p.role)))
        })
        .collect();
    if filled.len() > MAX_PEOPLE {
        errors.push(FieldError::new("people", "too-many"));
    }
    filled
        .into_iter()
        .map(|(i, p)| {
            let field = |f: &str| format!("people.{i}.{f}");
            let name = p.name.trim().to_owned();
            // An employee id or an email says who it is; a name is then optional.
            if name.is_empty() && blank(p.employee_id.as_deref()) && blank(p.email.as_deref()) {
                errors.push(FieldError::new(field("name"), "name-needed"));
            }
            check_len(errors, &field("name"), &name, MAX_SHORT_CHARS);
            let email = short_text(errors, &field("email"), p.email.as_deref());
            if email.as_deref().is_some_and(|e| !crate::valid_email(e)) {
                errors.push(FieldError::new(field("email"), "invalid-email"));
            }
            let role = if p.role.trim().is_empty() { "other" } else { p.role.trim() };
            let role = PersonRole::parse(role).unwrap_or_else(|| {
                errors.push(FieldError::new(field("role"), "invalid-choice"));
                // Never sealed: an invalid choice fails the whole report.
                PersonRole::Other
            });
            Person {
                name,
                employee_id: short_text(errors, &field("employee_id"), p.employee_id.as_deref()),
                email,
                role,
                internal: p.internal,
            }
        })
        .collect()
}

/// Her requests: each kind at most once, so a report carries at most one
/// request (and one answer deadline) of each kind.
fn validate_requests(requests: &[ReporterRequest], errors: &mut Vec<FieldError>) -> Vec<SupportRequest> {
    let mut seen = std::collections::HashSet::new();
    let filled = requests.iter().filter(|r| !r.kind.trim().is_empty());
    if filled.clone().any(|r| !seen.insert(r.kind.trim())) {
        errors.push(FieldError::new("requests", "duplicate-request"));
        return Vec::new();
    }
    requests
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.kind.trim().is_empty())
        .filter_map(|(i, r)| {
            let Some(kind) = RequestKind::parse(r.kind.trim()) else {
                errors.push(FieldError::new(format!("requests.{i}.kind"), "invalid-choice"));
                return None;
            };
            let detail = r.detail.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned);
            if let Some(d) = &detail {
                check_len(errors, &format!("requests.{i}.detail"), d, MAX_MESSAGE_CHARS);
            } else if kind == RequestKind::Other {
                // "Something else" with nothing said cannot be answered.
                errors.push(FieldError::new(format!("requests.{i}.detail"), "other-needs-detail"));
            }
            Some(SupportRequest { kind, detail })
        })
        .collect()
}

fn validate_contact(contact: Option<&Contact>, errors: &mut Vec<FieldError>) -> Option<Contact> {
    let empty = Contact::default();
    let c = contact.unwrap_or(&empty);
    let name = c.name.trim().to_owned();
    if name.is_empty() {
        errors.push(FieldError::new("contact.name", "required"));
    }
    check_len(errors, "contact.name", &name, MAX_SHORT_CHARS);
    let email = short_text(errors, "contact.email", c.email.as_deref());
    let phone = short_text(errors, "contact.phone", c.phone.as_deref());
    if email.as_deref().is_some_and(|e| !crate::valid_email(e)) {
        errors.push(FieldError::new("contact.email", "invalid-email"));
    }
    if email.is_none() && phone.is_none() {
        errors.push(FieldError::new("contact.email", "contact-needed"));
    }
    Some(Contact { name, email, phone })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn draft() -> ReportDraft {
        ReportDraft {
            category: "sexual_assault".into(),
            description: "  出差时发生的事  ".into(),
            ..Default::default()
        }
    }

    #[test]
    fn description_and_category_are_enough() {
        let c = draft().validate(date(2026, 1, 1)).expect("valid");
        assert_eq!(c.description, "出差时发生的事");
        assert!(c.anonymous && c.contact.is_none());
        assert_eq!(c.language, "en");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let d = ReportDraft {
            category: "bogus".into(),
            description: " ".into(),
            occurred: Occurred { date: Some("2030-01-01".into()), ..Default::default() },
            location: Location { kind: Some("moon".into()), detail: None },
            people: vec![PersonInvolved { employee_id: Some("E1".into()), role: "boss".into(), ..Default::default() }],
            anonymous: false,
            ..Default::default()
        };
        let errors = d.validate(date(2026, 1, 1)).expect_err("invalid");
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        for expected in [
            ("category", "invalid-choice"),
            ("description", "required"),
            ("occurred.date", "future-date"),
            ("location.kind", "invalid-choice"),
            ("people.0.role", "invalid-choice"),
            ("contact.name", "required"),
            ("contact.email", "contact-needed"),
        ] {
            assert!(fields.contains(&expected), "{expected:?} missing from {fields:?}");
        }
    }

    #[test]
    fn a_person_needs_something_that_says_who_and_something_else_needs_a_word() {
        let d = ReportDraft {
            people: vec![
                PersonInvolved { role: "accused".into(), ..Default::default() },
                PersonInvolved { employee_id: Some("E1042".into()), role: "accused".into(), ..Default::default() },
                PersonInvolved { email: Some("w@example.org".into()), ..Default::default() },
            ],
            requests: vec![ReporterRequest { kind: "other".into(), detail: Some("  ".into()) }],
            ..draft()
        };
        let errors = d.validate(date(2026, 1, 1)).expect_err("invalid");
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(fields, [("people.0.name", "name-needed"), ("requests.0.detail", "other-needs-detail")]);
    }

    #[test]
    fn each_request_kind_comes_once() {
        let many = ReportDraft {
            requests: (0..30_000).map(|_| ReporterRequest { kind: "leave".into(), detail: None }).collect(),
            ..draft()
        };
        let errors = many.validate(date(2026, 1, 1)).expect_err("refused");
        assert_eq!(
            errors.iter().map(|e| (e.field.as_str(), e.code)).collect::<Vec<_>>(),
            [("requests", "duplicate-request")]
        );
        let each_once = ReportDraft {
            requests: RequestKind::ALL
                .iter()
                .map(|k| ReporterRequest { kind: k.as_str().into(), detail: Some("details".into()) })
                .collect(),
            ..draft()
        };
        assert_eq!(each_once.validate(date(2026, 1, 1)).expect("valid").requests.len(), RequestKind::ALL.len());
    }

    #[test]
    fn blank_people_rows_and_requests_are_dropped() {
        let d = ReportDraft {
            people: vec![PersonInvolved::default(), PersonInvolved { name: "Client X".into(), ..Default::default() }],
            requests: vec![ReporterRequest::default(), ReporterRequest { kind: "no_contact".into(), detail: None }],
            ..draft()
        };
        let c = d.validate(date(2026, 1, 1)).expect("valid");
        assert_eq!(c.people.len(), 1);
        assert_eq!(c.people[0].role, PersonRole::Other);
        assert_eq!(c.requests.len(), 1);
    }

    #[test]
    fn messages() {
        assert_eq!(validate_message("  hi "), Ok("hi".into()));
        assert_eq!(validate_message(" ").map_err(|e| e.code), Err("required"));
        assert_eq!(validate_message(&"x".repeat(MAX_MESSAGE_CHARS + 1)).map_err(|e| e.code), Err("too-long"));
    }
}

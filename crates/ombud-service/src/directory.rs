//! The organisation's directory: a CSV import, the operations a directory
//! sync (SCIM) client performs, and its bearer tokens. Every write re-routes
//! the cases it could affect before it returns.

use crate::AdminDesk;
use crate::Ombud;
use crate::error::invalid;
use crate::{Result, ServiceError};
use jiff::Timestamp;
use ombud_domain::{EventKind, StaffId, valid_email};
use ombud_store::*;
use std::collections::{BTreeSet, HashMap};

/// The columns of a directory file, in the order the documentation gives.
pub const DIRECTORY_COLUMNS: [&str; 7] =
    ["employee_id", "name", "email", "manager_id", "unit", "level", "hr_partner_id"];

/// Columns a directory file may add: other names, separated by `;`.
pub const OPTIONAL_DIRECTORY_COLUMNS: [&str; 1] = ["other_names"];

/// How many other names one person may carry.
const MAX_OTHER_NAMES: usize = 20;

const MAX_FIELD_CHARS: usize = 200;

/// One person as a file or a sync client describes her.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonInput {
    pub employee_id: String,
    pub name: String,
    /// Other names she goes by (a Chinese name, an English name, a former
    /// name): name matching reads them as it reads `name`.
    pub other_names: Vec<String>,
    /// Empty when she has none: the conflict rule does not need one.
    pub email: String,
    /// A sync client's `userName`, `externalId` and employee number, and
    /// the User as it sent it (none from a CSV file).
    pub user_name: Option<String>,
    pub external_id: Option<String>,
    pub employee_number: Option<String>,
    pub scim_resource: Option<String>,
    pub manager_id: Option<String>,
    pub unit: String,
    pub level: i64,
    pub hr_partner_id: Option<String>,
    pub active: bool,
}

/// Splits the `other_names` column: names separated by `;` (or the
/// full-width `；` a Chinese keyboard types), blanks and repeats dropped.
pub fn split_other_names(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in text.split([';', '；']).map(clean_name).filter(|n| !n.is_empty()) {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// A name on one line, its spaces trimmed.
fn clean_name(name: &str) -> String {
    name.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned()
}

/// One problem with a directory file: its line, the column, what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: u64,
    pub column: Option<&'static str>,
    /// required, invalid-email, not-a-number, too-long, duplicate, unknown-person,
    /// own-manager, wrong-columns, unreadable, email-taken.
    pub code: &'static str,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.code {
            "required" => "a value is required",
            "invalid-email" => "not an email address",
            "not-a-number" => "not a whole number",
            "too-long" => "longer than 200 characters",
            "duplicate" => "the same value is on an earlier line",
            "unknown-person" => "names no one in this file or the directory",
            "own-manager" => "a person cannot be her own manager",
            "wrong-columns" => {
                "the header must name the columns employee_id,name,email,manager_id,unit,level,hr_partner_id \
                 (and may add other_names)"
            }
            "too-many" => "more than 20 other names",
            "email-taken" => "another person in the directory has this email",
            "unknown-action" => {
                "not one of dismissal, demotion, transfer, pay_change, negative_review, discipline, non_renewal, \
                 contract_change, medical_referral, other"
            }
            "invalid-date" => "not a date (YYYY-MM-DD)",
            "invalid" => "holds a control character",
            "wrong-hr-columns" => "the header must name the columns employee_id,action,effective,decided_by,ground",
            "too-many-lines" => "more than 10,000 actions in one file",
            _ => "the line cannot be read (a quote left open, or a different number of fields)",
        };
        match self.column {
            Some(column) => write!(f, "line {}, {column}: {what}", self.line),
            None => write!(f, "line {}: {what}", self.line),
        }
    }
}

/// What an import changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Cases whose readers changed because of it.
    pub cases_rerouted: usize,
    /// Exclusions it would lift, held for an oversight member's approval.
    pub lifts_held: u64,
    /// People in the file whom the directory holds inactive or deleted: a
    /// file has no say in that, so they stay so.
    pub kept_inactive: usize,
}

/// People the administrator looked for, with the names of their manager
/// and HR partner.
#[derive(Clone, Debug)]
pub struct DirectorySearch {
    pub people: Vec<DirectoryEntry>,
    /// How many matched, of which `people` holds the first.
    pub total: usize,
}

#[derive(Clone, Debug)]
pub struct DirectoryEntry {
    pub person: PersonRecord,
    pub manager: Option<String>,
    pub hr_partner: Option<String>,
}

/// A directory-sync token as shown once, on creation.
#[derive(Clone, Debug)]
pub struct NewApiToken {
    pub id: uuid::Uuid,
    pub label: String,
    pub token: String,
}

/// Reads a directory file: every malformed line is reported with its number,
/// and nothing is returned unless the whole file is good.
pub fn parse_directory_csv(text: &str) -> std::result::Result<Vec<(u64, PersonInput)>, Vec<ImportProblem>> {
    let (rows, problems) = read_directory_csv(text);
    if problems.is_empty() { Ok(rows) } else { Err(problems) }
}

/// The rows that could be read, and every problem found on the way.
fn read_directory_csv(text: &str) -> (Vec<(u64, PersonInput)>, Vec<ImportProblem>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(_) => return (Vec::new(), vec![ImportProblem { line: 1, column: None, code: "unreadable" }]),
    };
    let mut sorted: Vec<String> =
        headers.iter().filter(|h| !OPTIONAL_DIRECTORY_COLUMNS.contains(&h.as_str())).cloned().collect();
    sorted.sort();
    let mut expected: Vec<String> = DIRECTORY_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    expected.sort();
    if sorted != expected {
        return (Vec::new(), vec![ImportProblem { line: 1, column: None, code: "wrong-columns" }]);
    }
    if headers.iter().filter(|h| OPTIONAL_DIRECTORY_COLUMNS.contains(&h.as_str())).count() > 1 {
        return (Vec::new(), vec![ImportProblem { line: 1, column: None, code: "wrong-columns" }]);
    }
    let position = |name: &str| headers.iter().position(|h| h == name);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(ImportProblem { line, column: None, code: "unreadable" });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let field = |name: &str| position(name).and_then(|i| record.get(i)).unwrap_or_default().to_owned();
        let optional = |name: &str| Some(field(name)).filter(|v| !v.is_empty());
        let level_text = field("level");
        let level = level_text.parse::<i64>();
        let person = PersonInput {
            employee_id: field("employee_id"),
            name: field("name"),
            other_names: split_other_names(&field("other_names")),
            email: field("email"),
            user_name: None,
            external_id: None,
            employee_number: None,
            scim_resource: None,
            manager_id: optional("manager_id"),
            unit: field("unit"),
            level: *level.as_ref().unwrap_or(&0),
            hr_partner_id: optional("hr_partner_id"),
            active: true,
        };
        let mut here = check_person(&person);
        if level.is_err() {
            here.push((Some("level"), if level_text.is_empty() { "required" } else { "not-a-number" }));
        }
        problems.extend(here.into_iter().map(|(column, code)| ImportProblem { line, column, code }));
        rows.push((line, person));
    }
    // Within the file: one line per person and per email.
    let mut ids = HashMap::new();
    let mut emails = HashMap::new();
    for (line, p) in &rows {
        if ids.insert(p.employee_id.clone(), *line).is_some() && !p.employee_id.is_empty() {
            problems.push(ImportProblem { line: *line, column: Some("employee_id"), code: "duplicate" });
        }
        if emails.insert(p.email.to_lowercase(), *line).is_some() && !p.email.is_empty() {
            problems.push(ImportProblem { line: *line, column: Some("email"), code: "duplicate" });
        }
    }
    problems.sort_by_key(|p| p.line);
    (rows, problems)
}

/// What is wrong with one person on her own, as (column, code).
fn check_person(p: &PersonInput) -> Vec<(Option<&'static str>, &'static str)> {
    let mut out = Vec::new();
    if p.email.chars().count() > MAX_FIELD_CHARS {
        out.push((Some("email"), "too-long"));
    }
    for (column, value) in [("employee_id", &p.employee_id), ("name", &p.name), ("unit", &p.unit)] {
        if value.trim().is_empty() {
            out.push((Some(column), "required"));
        } else if value.chars().count() > MAX_FIELD_CHARS {
            out.push((Some(column), "too-long"));
        }
    }
    if p.other_names.len() > MAX_OTHER_NAMES {
        out.push((Some("other_names"), "too-many"));
    } else if p.other_names.iter().any(|n| n.chars().count() > MAX_FIELD_CHARS) {
        out.push((Some("other_names"), "too-long"));
    }
    if !p.email.trim().is_empty() && !valid_email(&p.email) {
        out.push((Some("email"), "invalid-email"));
    }
    if p.manager_id.as_deref() == Some(p.employee_id.as_str()) {
        out.push((Some("manager_id"), "own-manager"));
    }
    out
}

impl Ombud {
    /// Imports a directory file: adds and updates the people in it (others
    /// are left as they are), in one transaction, then re-routes the cases
    /// the changes touch.
    pub async fn import_directory(&self, text: &str, by: ChangeSource) -> Result<ImportReport> {
        let (rows, mut problems) = read_directory_csv(text);
        let old = self.directory_index().await?;
        // A line names her by any identifier she has (DECISIONS #6): her
        // key is the one she was first known by.
        let key_of = |id: &str| {
            old.people
                .get(id)
                .or_else(|| old.by_employee_id(id))
                .map_or_else(|| id.to_owned(), |p| p.employee_id.clone())
        };
        let in_file: HashMap<String, String> =
            rows.iter().map(|(_, p)| (p.employee_id.clone(), key_of(&p.employee_id))).collect();
        let known =
            |id: &str| in_file.contains_key(id) || old.people.contains_key(id) || old.by_employee_id(id).is_some();
        let keys_in_file: BTreeSet<&str> = in_file.values().map(String::as_str).collect();
        // Two lines for one person under two of her identifiers (the same
        // one twice is found as the file is read).
        let mut named_as: HashMap<&str, &str> = HashMap::new();
        for (line, p) in &rows {
            let key = in_file.get(p.employee_id.as_str()).map_or(p.employee_id.as_str(), String::as_str);
            if named_as.insert(key, &p.employee_id).is_some_and(|before| before != p.employee_id) {
                problems.push(ImportProblem { line: *line, column: Some("employee_id"), code: "duplicate" });
            }
            for (column, value) in [("manager_id", &p.manager_id), ("hr_partner_id", &p.hr_partner_id)] {
                if value.as_deref().is_some_and(|id| !known(id)) {
                    problems.push(ImportProblem { line: *line, column: Some(column), code: "unknown-person" });
                }
            }
            if old.linked(&p.email).is_some_and(|holder| holder != key && !keys_in_file.contains(holder)) {
                problems.push(ImportProblem { line: *line, column: Some("email"), code: "email-taken" });
            }
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line);
            return Err(ServiceError::BadImport(problems));
        }
        let now = self.clock.now();
        let mut report = ImportReport::default();
        let mut change = DirectoryChange::default();
        let link = |id: Option<String>| match id {
            Some(id) if in_file.contains_key(id.as_str()) => in_file.get(id.as_str()).cloned(),
            other => old.chart_key(other),
        };
        for (_, mut input) in rows {
            input.employee_id = key_of(&input.employee_id);
            input.manager_id = link(input.manager_id.take());
            input.hr_partner_id = link(input.hr_partner_id.take());
            let existing = old.people.get(&input.employee_id);
            let record = person_record(input, existing, now);
            if !record.active || record.deleted_at.is_some() {
                report.kept_inactive += 1;
            }
            match existing {
                None => report.created += 1,
                Some(before) if same_person(before, &record) => {
                    report.unchanged += 1;
                    continue;
                }
                Some(_) => report.updated += 1,
            }
            change.people.push(record);
        }
        let (rerouted, change_id) = self.write_directory(&old, change, by).await?;
        report.cases_rerouted = rerouted;
        if let Some(id) = change_id {
            report.lifts_held = self.store.lifts_waiting(id).await?;
        }
        tracing::info!(created = report.created, updated = report.updated, "directory imported");
        Ok(report)
    }

    /// Writes a directory change with the record of who made it, and
    /// re-routes what it touches: how many cases changed hands, and the
    /// change's id (None when there was nothing to write).
    async fn write_directory(
        &self,
        old: &crate::directory_index::DirectoryIndex,
        mut change: DirectoryChange,
        by: ChangeSource,
    ) -> Result<(usize, Option<uuid::Uuid>)> {
        if change.people.is_empty() && change.put_group.is_none() && change.delete_group.is_none() {
            return Ok((0, None));
        }
        let record = DirectoryChangeRecord {
            id: uuid::Uuid::now_v7(),
            at: self.clock.now(),
            source: by,
            people: change.people.len() as u64,
        };
        let change_id = record.id;
        change.record = Some(record);
        let changed: BTreeSet<String> = change.people.iter().map(|p| p.employee_id.clone()).collect();
        self.store.write_directory(&change).await?;
        for (staff, _) in &change.leavers {
            tracing::info!(staff = %staff, "staff account disabled: she left the directory");
            self.after_holder_change(*staff).await?;
        }
        let new = self.directory_index().await?;
        Ok((self.reroute_after_directory_change(old, &new, &changed, change_id).await?, Some(change_id)))
    }

    /// The people of the directory, deleted ones left out.
    pub async fn directory_people(&self) -> Result<Vec<PersonRecord>> {
        let index = self.directory_index().await?;
        let mut people: Vec<PersonRecord> = index.people.values().filter(|p| p.deleted_at.is_none()).cloned().collect();
        people.sort_by(|a, b| a.employee_id.cmp(&b.employee_id));
        Ok(people)
    }

    /// The directory as the administrator browses it: everyone, by name; or
    /// those a search names — an employee id or an email exactly, a name as
    /// people write it (either script or order), or any part of a name, an
    /// email or a unit. At most `most` of them, and how many there are.
    pub async fn search_directory(&self, query: &str, most: usize) -> Result<DirectorySearch> {
        let index = self.directory_index().await?;
        let query = query.trim();
        let lowered = query.to_lowercase();
        let mut found: Vec<&PersonRecord> = index.find(query, true, usize::MAX);
        let named: BTreeSet<&str> = found.iter().map(|p| p.employee_id.as_str()).collect();
        let mut others: Vec<&PersonRecord> = index
            .people
            .values()
            .filter(|p| p.deleted_at.is_none() && !named.contains(p.employee_id.as_str()))
            .filter(|p| {
                lowered.is_empty()
                    || [&p.name, &p.email, &p.unit, &p.employee_id]
                        .into_iter()
                        .chain(&p.other_names)
                        .any(|field| field.to_lowercase().contains(&lowered))
            })
            .collect();
        others
            .sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.employee_id.cmp(&b.employee_id)));
        found.retain(|p| p.deleted_at.is_none());
        found.extend(others);
        let name_of = |id: &Option<String>| {
            id.as_deref().map(|id| index.people.get(id).map_or_else(|| id.to_owned(), |p| p.name.clone()))
        };
        Ok(DirectorySearch {
            total: found.len(),
            people: found
                .into_iter()
                .take(most)
                .map(|p| DirectoryEntry {
                    manager: name_of(&p.manager_id),
                    hr_partner: name_of(&p.hr_partner_id),
                    person: p.clone(),
                })
                .collect(),
        })
    }

    pub async fn directory_person(&self, scim_id: &str) -> Result<PersonRecord> {
        let index = self.directory_index().await?;
        index.by_scim_id(scim_id).filter(|p| p.deleted_at.is_none()).cloned().ok_or(ServiceError::NotFound)
    }

    /// Creates a person (`scim_id` None) or replaces one. A sync client may
    /// send someone before her manager, so managers need not exist yet.
    pub async fn put_person(
        &self,
        scim_id: Option<&str>,
        input: PersonInput,
        by: ChangeSource,
    ) -> Result<PersonRecord> {
        let problems = check_person(&input);
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(
                problems
                    .into_iter()
                    .map(|(column, code)| ombud_domain::FieldError { field: column.unwrap_or("").into(), code })
                    .collect(),
            ));
        }
        let old = self.directory_index().await?;
        let mut input = input;
        input.manager_id = old.chart_key(input.manager_id.take());
        input.hr_partner_id = old.chart_key(input.hr_partner_id.take());
        let existing = match scim_id {
            Some(id) => {
                let current = old.by_scim_id(id).filter(|p| p.deleted_at.is_none()).ok_or(ServiceError::NotFound)?;
                if current.employee_id != input.employee_id {
                    return Err(invalid("employee_id", "immutable"));
                }
                Some(current)
            }
            None => match old.people.get(&input.employee_id) {
                Some(p) if p.deleted_at.is_none() => return Err(ServiceError::DuplicateAccount),
                // A userName or externalId someone who left once had may be
                // given to a new person: she is not the one who left, and
                // takes none of her cases. Only her employee number brings
                // back a person who left.
                Some(p) if !rehired(p, &input) => {
                    input.employee_id = uuid::Uuid::now_v7().to_string();
                    None
                }
                revived => revived,
            },
        };
        if input.manager_id.as_deref() == Some(input.employee_id.as_str()) {
            return Err(invalid("manager_id", "own-manager"));
        }
        if old.linked(&input.email).is_some_and(|holder| holder != input.employee_id) {
            return Err(invalid("email", "email-taken"));
        }
        // A userName names one person, whatever its case; an externalId
        // one person exactly (either may link a staff account to her).
        let taken = |mine: Option<&str>, theirs: fn(&PersonRecord) -> Option<&str>, same: fn(&str, &str) -> bool| {
            mine.map(str::trim).filter(|m| !m.is_empty()).is_some_and(|mine| {
                old.people.values().any(|p| {
                    p.deleted_at.is_none()
                        && p.employee_id != input.employee_id
                        && theirs(p).is_some_and(|t| same(t, mine))
                })
            })
        };
        if taken(input.user_name.as_deref(), |p| p.user_name.as_deref(), |a, b| a.eq_ignore_ascii_case(b))
            || taken(input.external_id.as_deref(), |p| p.external_id.as_deref(), |a, b| a == b)
        {
            return Err(ServiceError::DuplicateAccount);
        }
        let mut record = person_record(input, existing, self.clock.now());
        if existing.is_some_and(|p| p.deleted_at.is_some()) {
            // Rehired: a new resource to the sync client, so that a late
            // DELETE of the one that left cannot remove her.
            record.scim_id = uuid::Uuid::now_v7().to_string();
        }
        // She leaves when an active person turns inactive.
        let leavers = match existing.filter(|p| p.active && !record.active) {
            Some(before) => self.leaving_staff(&old, before, &record.email, by).await?,
            None => Vec::new(),
        };
        let change = DirectoryChange { people: vec![record.clone()], leavers, ..Default::default() };
        self.write_directory(&old, change, by).await?;
        Ok(record)
    }

    /// The staff accounts of someone the identity provider deactivated or
    /// deleted, to be disabled with the same write: her sessions and tokens
    /// stop, her case keys go (DECISIONS #1), and the ledger says the
    /// directory did it. An account is hers when the employee id recorded
    /// on it names her, or, with none recorded, when its address is the one
    /// she had before this request or has now.
    ///
    /// An administrator's account is never disabled this way: a sync token
    /// must not be able to lock out the people who manage the accounts.
    async fn leaving_staff(
        &self,
        old: &crate::directory_index::DirectoryIndex,
        before: &PersonRecord,
        email_now: &str,
        by: ChangeSource,
    ) -> Result<Vec<(StaffId, StaffEventRecord)>> {
        let emails: Vec<String> =
            [&before.email, email_now].iter().map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()).collect();
        let detail = match by {
            ChangeSource::SyncToken(token) => format!("left the directory (sync token {token})"),
            ChangeSource::Administrator(id) => format!("left the directory (administrator {id})"),
            ChangeSource::CommandLine => "left the directory (command line)".to_owned(),
        };
        let now = self.clock.now();
        let mut out = Vec::new();
        for staff in self.store.list_staff().await? {
            let hers = match staff.employee_id {
                Some(_) => old.staff_person(&staff).is_some_and(|p| p.employee_id == before.employee_id),
                None => emails.contains(&staff.email.trim().to_lowercase()),
            };
            if !hers || staff.status == ombud_domain::StaffStatus::Disabled {
                continue;
            }
            if staff.role == ombud_domain::Role::Admin {
                tracing::warn!(staff = %staff.id, "an administrator left the directory; her account is left for a person to disable");
                continue;
            }
            let event = StaffEventRecord::new(EventKind::StaffDisabled, now, Actor::System, Some(staff.id))
                .with_detail(detail.clone());
            out.push((staff.id, event));
        }
        Ok(out)
    }

    /// After a staff account's link to the directory moved: re-decides
    /// every case that names her or anyone whose chain she was or is now
    /// in, under a change record so that what it would lift waits for
    /// oversight. How many cases changed hands.
    async fn reroute_for_link(
        &self,
        index: &crate::directory_index::DirectoryIndex,
        before: &StaffRecord,
        after: &StaffRecord,
        source: ChangeSource,
    ) -> Result<usize> {
        let mut tokens = BTreeSet::new();
        for record in [before, after] {
            tokens.extend(self.reader(index, record, false)?.tokens);
            if let Some(me) = index.staff_person(record) {
                for id in index.chart.affected_by(&BTreeSet::from([me.employee_id.clone()])) {
                    if let Some(person) = index.people.get(&id) {
                        tokens.extend(self.person_tokens(person)?);
                    }
                }
            }
        }
        let record = DirectoryChangeRecord { id: uuid::Uuid::now_v7(), at: self.clock.now(), source, people: 0 };
        let change_id = record.id;
        self.store.write_directory(&DirectoryChange { record: Some(record), ..Default::default() }).await?;
        let staff = self.store.list_staff().await?;
        let index = self.directory_index().await?;
        let mut moved = 0;
        for case_id in self.store.cases_naming(&tokens.into_iter().collect::<Vec<_>>()).await? {
            let event = EventRecord::new(case_id, EventKind::AccessChanged, self.clock.now(), Actor::System);
            if self.reroute_case(&index, &staff, case_id, event, ombud_domain::Lifting::Held, Some(change_id)).await? {
                moved += 1;
            }
        }
        Ok(moved)
    }

    /// Deletes a person from the directory. Her last place in it still
    /// counts for the cases that name her.
    pub async fn delete_person(&self, scim_id: &str, by: ChangeSource) -> Result<()> {
        let old = self.directory_index().await?;
        let before = old.by_scim_id(scim_id).filter(|p| p.deleted_at.is_none()).ok_or(ServiceError::NotFound)?;
        let mut record = before.clone();
        record.active = false;
        record.deleted_at = Some(self.clock.now());
        record.updated_at = self.clock.now();
        let leavers = match before.active {
            true => self.leaving_staff(&old, before, &record.email, by).await?,
            false => Vec::new(),
        };
        let change = DirectoryChange { people: vec![record], leavers, ..Default::default() };
        self.write_directory(&old, change, by).await?;
        Ok(())
    }

    pub async fn directory_groups(&self) -> Result<Vec<GroupRecord>> {
        Ok(self.store.groups().await?)
    }

    /// Creates or replaces a group. A group is a unit: its members take its
    /// name as their unit, which may change who their HR partners are.
    pub async fn put_group(
        &self,
        id: Option<&str>,
        display_name: &str,
        members: Vec<String>,
        external_id: Option<String>,
        by: ChangeSource,
    ) -> Result<GroupRecord> {
        let display_name = display_name.trim();
        if display_name.is_empty() {
            return Err(invalid("displayName", "required"));
        }
        let groups = self.store.groups().await?;
        let id = match id {
            Some(id) => groups.iter().find(|g| g.id == id).ok_or(ServiceError::NotFound)?.id.clone(),
            None if groups.iter().any(|g| g.display_name == display_name) => {
                return Err(ServiceError::DuplicateAccount);
            }
            None => uuid::Uuid::now_v7().to_string(),
        };
        let old = self.directory_index().await?;
        let now = self.clock.now();
        let mut change = DirectoryChange::default();
        for member in &members {
            let person = old.people.values().find(|p| &p.scim_id == member && p.deleted_at.is_none());
            let person = person.ok_or_else(|| invalid("members", "unknown-person"))?;
            if person.unit != display_name {
                change.people.push(PersonRecord { unit: display_name.to_owned(), updated_at: now, ..person.clone() });
            }
        }
        let external_id = external_id.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
        let group = GroupRecord { id, display_name: display_name.to_owned(), external_id, members, updated_at: now };
        change.put_group = Some(group.clone());
        self.write_directory(&old, change, by).await?;
        Ok(group)
    }

    pub async fn delete_group(&self, id: &str, by: ChangeSource) -> Result<()> {
        if !self.store.groups().await?.iter().any(|g| g.id == id) {
            return Err(ServiceError::NotFound);
        }
        let old = self.directory_index().await?;
        let change = DirectoryChange { delete_group: Some(id.to_owned()), ..Default::default() };
        self.write_directory(&old, change, by).await?;
        Ok(())
    }

    /// Checks a directory-sync bearer token; every failure is the same `BadToken`.
    pub async fn check_api_token(&self, token: &str) -> Result<uuid::Uuid> {
        self.check_scoped_token(token, SCOPE_DIRECTORY).await
    }

    /// Checks the HR system's bearer token; a directory token opens nothing here.
    pub async fn check_hr_token(&self, token: &str) -> Result<uuid::Uuid> {
        self.check_scoped_token(token, SCOPE_HR).await
    }

    async fn check_scoped_token(&self, token: &str, scope: &str) -> Result<uuid::Uuid> {
        let hash = self.keys.api_token_hash(token.trim())?;
        let record = self.store.api_token(&hash).await?.ok_or(ServiceError::BadToken)?;
        if record.scope != scope {
            return Err(ServiceError::BadToken);
        }
        Ok(record.id)
    }

    /// The directory person a staff account is: by the employee id recorded
    /// on it, else by her email.
    pub async fn linked_person(&self, staff: StaffId) -> Result<Option<PersonRecord>> {
        let Some(record) = self.store.staff_by_id(staff).await? else { return Ok(None) };
        let index = self.directory_index().await?;
        Ok(index.staff_person(&record).cloned())
    }
}

/// Who the organisation chart cannot place, for the administrator.
#[derive(Clone, Debug, Default)]
pub struct Unplaced {
    /// Staff accounts (not disabled) linked to no directory person, by the
    /// employee id recorded on them or by their email: the conflict rule
    /// cannot tell whose chain they are in, and a leaver among them is not
    /// disabled by the identity provider.
    pub staff: Vec<(String, String)>,
    /// People a sync client sent without an employee number (names).
    pub without_number: Vec<String>,
    /// Staff accounts still enabled whose directory person has left
    /// (inactive or deleted): the identity provider will not send her
    /// departure again, so a person must disable them, or link them anew.
    pub departed: Vec<(String, String)>,
}

impl AdminDesk<'_> {
    /// Staff the chart cannot place, and people with no employee number (DECISIONS #6).
    pub async fn unplaced(&self) -> Result<Unplaced> {
        let index = self.directory_index().await?;
        let (mut staff, mut departed) = (Vec::new(), Vec::new());
        for s in self.store.list_staff().await? {
            if s.status == ombud_domain::StaffStatus::Disabled {
                continue;
            }
            match index.staff_person(&s) {
                None => staff.push((s.name, s.email)),
                Some(p) if !p.active || p.deleted_at.is_some() => departed.push((s.name, s.email)),
                Some(_) => {}
            }
        }
        let mut without_number: Vec<String> = index
            .people
            .values()
            .filter(|p| p.deleted_at.is_none() && p.scim_resource.is_some() && p.employee_number.is_none())
            .map(|p| p.name.clone())
            .collect();
        without_number.sort();
        Ok(Unplaced { staff, without_number, departed })
    }

    /// Links a staff account to the directory person an identifier names
    /// (an employee id or number, a userName, an externalId), or (None)
    /// back to her email alone. The conflict rule places her there at once:
    /// cases it now keeps from her are taken from her now, and any it would
    /// give back wait for an oversight member's approval, as after any
    /// directory change. She then leaves with that person.
    pub async fn link_staff(&self, staff: StaffId, employee_id: Option<&str>) -> Result<crate::views::StaffView> {
        let record = self.store.staff_by_id(staff).await?.ok_or(ServiceError::NotFound)?;
        let wanted = employee_id.map(str::trim).filter(|s| !s.is_empty());
        let index = self.directory_index().await?;
        let person = match wanted {
            Some(id) if id.chars().count() > MAX_FIELD_CHARS => return Err(invalid("employee_id", "too-long")),
            // It must name one person still in the directory: a guess
            // would place her in someone else's chain.
            Some(id) if index.ambiguous(id) => return Err(invalid("employee_id", "ambiguous-employee")),
            Some(id) => match index.by_employee_id(id).filter(|p| p.deleted_at.is_none()) {
                // Linked to someone who has left, she would never leave with her.
                Some(p) if !p.active => return Err(invalid("employee_id", "inactive-employee")),
                Some(p) => Some(p),
                None => return Err(invalid("employee_id", "unknown-employee")),
            },
            None => None,
        };
        if record.employee_id.as_deref() == wanted {
            return self.view_of(staff).await;
        }
        let now = self.clock.now();
        let detail = person.map_or_else(|| "email".to_owned(), |p| p.employee_id.clone());
        let event =
            StaffEventRecord::new(EventKind::StaffLinked, now, self.by_actor(), Some(staff)).with_detail(detail);
        self.store.set_staff_employee_id(staff, wanted, &event).await?;
        let linked = StaffRecord { employee_id: wanted.map(str::to_owned), ..record.clone() };
        let source = self.by.map_or(ChangeSource::CommandLine, ChangeSource::Administrator);
        let moved = self.reroute_for_link(&index, &record, &linked, source).await?;
        tracing::info!(staff = %staff, cases = moved, "staff account linked to the directory");
        self.view_of(staff).await
    }

    // ------------------------------------------------------------- tokens

    /// Creates a bearer token for a directory-sync client. Shown once; only
    /// its keyed hash is kept. From the command line or by an administrator.
    pub async fn create_api_token(&self, label: &str) -> Result<NewApiToken> {
        self.create_scoped_token(label, SCOPE_DIRECTORY).await
    }

    /// Creates a bearer token for the HR system's feed of adverse actions
    /// (`ombud hr token create`). Shown once.
    pub async fn create_hr_token(&self, label: &str) -> Result<NewApiToken> {
        self.create_scoped_token(label, SCOPE_HR).await
    }

    async fn create_scoped_token(&self, label: &str, scope: &str) -> Result<NewApiToken> {
        let label = label.trim();
        if label.is_empty() || label.chars().count() > MAX_FIELD_CHARS {
            return Err(invalid("label", if label.is_empty() { "required" } else { "too-long" }));
        }
        let prefix = if scope == SCOPE_HR { "ombud_hr_" } else { "ombud_scim_" };
        let token = format!("{prefix}{}", ombud_crypto::random_token()?);
        let record = ApiTokenRecord {
            id: uuid::Uuid::now_v7(),
            token_hash: self.keys.api_token_hash(&token)?.to_vec(),
            label: label.to_owned(),
            created_at: self.clock.now(),
            created_by: self.by,
            revoked_at: None,
            scope: scope.to_owned(),
        };
        let kind = if scope == SCOPE_HR { EventKind::HrTokenCreated } else { EventKind::SyncTokenCreated };
        let event = StaffEventRecord::new(kind, record.created_at, self.by_actor(), None)
            .with_detail(format!("{} {}", record.id, record.label));
        self.store.create_api_token(&record, &event).await?;
        tracing::info!(token = %record.id, scope, "API token created");
        Ok(NewApiToken { id: record.id, label: record.label, token })
    }

    /// The tokens, without their secrets.
    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenRecord>> {
        Ok(self.store.api_tokens().await?)
    }

    pub async fn revoke_api_token(&self, id: uuid::Uuid) -> Result<()> {
        let hr = self.store.api_tokens().await?.iter().any(|t| t.id == id && t.scope == SCOPE_HR);
        let kind = if hr { EventKind::HrTokenRevoked } else { EventKind::SyncTokenRevoked };
        let event = StaffEventRecord::new(kind, self.clock.now(), self.by_actor(), None).with_detail(id.to_string());
        if self.store.revoke_api_token(id, &event).await? { Ok(()) } else { Err(ServiceError::NotFound) }
    }
}

/// A token for directory sync (SCIM)…
pub const SCOPE_DIRECTORY: &str = "directory";
/// …or for the HR system's feed.
pub const SCOPE_HR: &str = "hr";

/// A stored record for an input, keeping an existing person's SCIM id.
fn person_record(input: PersonInput, existing: Option<&PersonRecord>, now: Timestamp) -> PersonRecord {
    let from_sync = input.scim_resource.is_some();
    PersonRecord {
        scim_id: existing.map_or_else(|| uuid::Uuid::now_v7().to_string(), |p| p.scim_id.clone()),
        employee_id: input.employee_id.trim().to_owned(),
        other_names: input
            .other_names
            .iter()
            .map(|n| clean_name(n))
            .filter(|n| !n.is_empty() && *n != input.name.trim())
            .collect(),
        name: input.name.trim().to_owned(),
        email: input.email.trim().to_owned(),
        // A file names none of the sync client's identifiers: hers stay (DECISIONS #6).
        // The sync client says them all, and what it leaves out is gone.
        user_name: kept(input.user_name, existing.and_then(|p| p.user_name.clone()), from_sync),
        external_id: kept(input.external_id, existing.and_then(|p| p.external_id.clone()), from_sync),
        employee_number: kept(input.employee_number, existing.and_then(|p| p.employee_number.clone()), from_sync),
        scim_resource: input.scim_resource,
        manager_id: input.manager_id.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        unit: input.unit.trim().to_owned(),
        level: input.level,
        hr_partner_id: input.hr_partner_id.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        // A file says nothing of who left: the identity provider does.
        active: if from_sync { input.active } else { existing.map_or(input.active, |p| p.active) },
        deleted_at: if from_sync { None } else { existing.and_then(|p| p.deleted_at) },
        updated_at: now,
    }
}

/// Whether a new person is the one who left under the same key: only the
/// same employee number says so.
fn rehired(left: &PersonRecord, input: &PersonInput) -> bool {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    input.scim_resource.is_none()
        || input
            .employee_number
            .as_deref()
            .is_some_and(|n| same(n, &left.employee_id) || left.employee_number.as_deref().is_some_and(|m| same(n, m)))
}

/// A new identifier; when none is given, the one she had, unless the
/// sync client (which sends them all) left it out.
fn kept(new: Option<String>, old: Option<String>, from_sync: bool) -> Option<String> {
    let new = new.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if from_sync { new } else { new.or(old) }
}

/// Whether a record says the same as the stored one (times aside).
fn same_person(a: &PersonRecord, b: &PersonRecord) -> bool {
    PersonRecord { updated_at: b.updated_at, ..a.clone() } == *b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file_reads_in_any_column_order_with_quotes_and_a_bom() {
        let text = "\u{feff}name,employee_id,email,manager_id,unit,level,hr_partner_id\n\
                    \"Wang, Wei\",E1,wang@example.cn,,Sales,7,H1\n\
                    李娜,E2,li@example.cn,E1,Sales,5,\n";
        let rows = parse_directory_csv(text).expect("good file");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1.name, "Wang, Wei");
        assert_eq!(rows[0].1.hr_partner_id.as_deref(), Some("H1"));
        assert_eq!(
            rows[1],
            (
                3,
                PersonInput {
                    employee_id: "E2".into(),
                    name: "李娜".into(),
                    other_names: Vec::new(),
                    email: "li@example.cn".into(),
                    user_name: None,
                    external_id: None,
                    employee_number: None,
                    scim_resource: None,
                    manager_id: Some("E1".into()),
                    unit: "Sales".into(),
                    level: 5,
                    hr_partner_id: None,
                    active: true,
                }
            )
        );
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let text = "employee_id,name,email,manager_id,unit,level,hr_partner_id\n\
                    E1,Ann,ann@example.org,,Sales,7,\n\
                    E2,,not-an-email,E2,Sales,senior,\n\
                    E1,Bob,bob@example.org,,Sales,3,\n\
                    E4,Cy,cy@example.org,,Sales\n";
        let problems = parse_directory_csv(text).expect_err("bad file");
        let seen: Vec<(u64, Option<&str>, &str)> = problems.iter().map(|p| (p.line, p.column, p.code)).collect();
        assert_eq!(
            seen,
            vec![
                (3, Some("name"), "required"),
                (3, Some("email"), "invalid-email"),
                (3, Some("manager_id"), "own-manager"),
                (3, Some("level"), "not-a-number"),
                (4, Some("employee_id"), "duplicate"),
                (5, None, "unreadable"),
            ]
        );
        assert_eq!(problems[3].to_string(), "line 3, level: not a whole number");
        let wrong = parse_directory_csv("id,name\nE1,Ann\n").expect_err("wrong header");
        assert_eq!(wrong[0].code, "wrong-columns");
    }

    #[test]
    fn other_names_are_an_optional_column_split_on_either_semicolon() {
        let text = "employee_id,name,other_names,email,manager_id,unit,level,hr_partner_id\n\
                    E1,Sun Hao,孙浩； Harry Sun ;;孙浩,sun@example.cn,,Sales North,5,\n\
                    E2,Li Na,,li@example.cn,E1,Sales North,3,\n";
        let rows = parse_directory_csv(text).expect("good file");
        assert_eq!(rows[0].1.other_names, vec!["孙浩".to_owned(), "Harry Sun".to_owned()]);
        assert!(rows[1].1.other_names.is_empty());
        let many = format!(
            "employee_id,name,email,manager_id,unit,level,hr_partner_id,other_names\nE1,Ann,a@example.org,,S,3,,{}\n",
            (0..21).map(|i| format!("n{i}")).collect::<Vec<_>>().join(";")
        );
        let problems = parse_directory_csv(&many).expect_err("too many names");
        assert_eq!((problems[0].column, problems[0].code), (Some("other_names"), "too-many"));
        let twice = parse_directory_csv(
            "employee_id,name,email,manager_id,unit,level,hr_partner_id,other_names,other_names\nE1,A,a@x.org,,S,3,,,\n",
        )
        .expect_err("column twice");
        assert_eq!(twice[0].code, "wrong-columns");
    }
}

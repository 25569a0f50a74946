//! The directory as the conflict rule reads it: an in-memory index of the
//! organisation, keyed by person and by identity token, rebuilt when the
//! directory's revision moves. It knows nothing of `Ombud` or of cases.

use crate::Result;
use ombud_crypto::InstanceKeys;
use ombud_domain::{NameIndex, NamedEntry, OrgChart};
use ombud_store::*;
use std::collections::HashMap;

/// The directory as the rule needs it, rebuilt when its revision moves.
pub(crate) struct DirectoryIndex {
    pub(crate) rev: u64,
    pub(crate) people: HashMap<String, PersonRecord>,
    pub(crate) chart: OrgChart,
    /// Identity token → every person it may mean: one person's userName can
    /// be another's employee id, and a deleted person keeps her tokens.
    by_token: HashMap<Vec<u8>, Vec<String>>,
    /// Lower-cased identifier (employee id, number, userName, externalId)
    /// → every person who has it.
    by_identifier: HashMap<String, Vec<String>>,
    /// Lower-cased email → employee id (people not deleted).
    by_email: HashMap<String, String>,
    /// SCIM id → employee id.
    by_scim_id: HashMap<String, String>,
    /// Names as people write them → employee ids (people not deleted).
    pub(crate) names: NameIndex,
}

impl DirectoryIndex {
    pub(crate) fn build(rev: u64, records: Vec<PersonRecord>, keys: &InstanceKeys) -> Result<Self> {
        let mut index = DirectoryIndex {
            rev,
            people: HashMap::new(),
            chart: OrgChart::new(records.iter().map(PersonRecord::org_entry)),
            by_token: HashMap::new(),
            by_identifier: HashMap::new(),
            by_email: HashMap::new(),
            by_scim_id: HashMap::new(),
            names: NameIndex::default(),
        };
        let mut named = Vec::new();
        for p in records {
            let id = p.employee_id.clone();
            // Every identifier she has finds her (DECISIONS #6).
            for other in identifiers(&p) {
                add(&mut index.by_token, keys.person_by_employee_id(other)?.to_vec(), &id);
                add(&mut index.by_identifier, other.trim().to_lowercase(), &id);
            }
            index.by_scim_id.insert(p.scim_id.clone(), id.clone());
            let has_email = !p.email.trim().is_empty();
            if has_email {
                add(&mut index.by_token, keys.person_by_email(&p.email)?.to_vec(), &id);
            }
            if p.deleted_at.is_none() {
                if has_email {
                    index.by_email.insert(p.email.trim().to_lowercase(), id.clone());
                }
                let names = std::iter::once(&p.name).chain(&p.other_names).cloned().collect();
                named.push(NamedEntry { id: id.clone(), names, unit: p.unit.clone() });
            }
            index.people.insert(id, p);
        }
        index.names = NameIndex::new(named);
        Ok(index)
    }

    /// The directory person a staff account is linked to (by email).
    pub(crate) fn linked(&self, email: &str) -> Option<&str> {
        self.by_email.get(&email.trim().to_lowercase()).map(String::as_str)
    }

    /// The directory person a staff account is: the one her recorded
    /// employee id names, else the one her email is.
    pub(crate) fn staff_person(&self, staff: &StaffRecord) -> Option<&PersonRecord> {
        match staff.employee_id.as_deref() {
            Some(id) => self.by_employee_id(id),
            None => self.linked(&staff.email).and_then(|id| self.people.get(id)),
        }
    }

    /// The people a text names, as a person would look them up: an
    /// employee id or an email exactly, else (`by_name`) a name as people
    /// write it, in either script and order, with or without a title.
    pub(crate) fn find(&self, text: &str, by_name: bool, most: usize) -> Vec<&PersonRecord> {
        let text = text.trim();
        if text.is_empty() {
            return Vec::new();
        }
        if let Some(p) = self.by_employee_id(text) {
            return vec![p];
        }
        if let Some(p) = self.linked(text).and_then(|id| self.people.get(id)) {
            return vec![p];
        }
        if !by_name {
            return Vec::new();
        }
        self.names.candidates(text).into_iter().filter_map(|(id, _)| self.people.get(id)).take(most).collect()
    }

    /// The directory person an employee id names, compared without case:
    /// her employee id, employee number, SCIM `userName` or `externalId`
    /// (DECISIONS #6). None when it could mean two people: a guess could
    /// name the wrong one.
    pub(crate) fn by_employee_id(&self, employee_id: &str) -> Option<&PersonRecord> {
        let wanted = employee_id.trim().to_lowercase();
        if wanted.is_empty() {
            return None;
        }
        self.only_one(self.by_identifier.get(&wanted)?)
    }

    /// The person a sync client's id names, deleted or not.
    pub(crate) fn by_scim_id(&self, scim_id: &str) -> Option<&PersonRecord> {
        self.by_scim_id.get(scim_id).and_then(|id| self.people.get(id))
    }

    /// The employee id the chart should read for a manager or an HR partner
    /// named by a sync client's id or by any identifier (DECISIONS #6); the
    /// text as given when no one has it yet (a sync client may send a
    /// person before her manager) or when it could mean two people.
    pub(crate) fn chart_key(&self, named: Option<String>) -> Option<String> {
        let named = named.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())?;
        let found = self.by_scim_id(&named).or_else(|| self.by_employee_id(&named));
        Some(found.map_or(named, |p| p.employee_id.clone()))
    }

    /// Whether an identifier could mean more than one person still in the
    /// directory (then it names no one: see `by_employee_id`).
    pub(crate) fn ambiguous(&self, identifier: &str) -> bool {
        let keys = self.by_identifier.get(&identifier.trim().to_lowercase()).map_or(&[][..], Vec::as_slice);
        keys.iter().filter_map(|k| self.people.get(k)).filter(|p| p.deleted_at.is_none()).count() > 1
    }

    /// The one person a stored token names; None when it names nobody or
    /// could name several.
    pub(crate) fn person_of_token(&self, token: &[u8]) -> Option<&PersonRecord> {
        self.only_one(self.by_token.get(token)?)
    }

    /// Every person a stored token may name: the conflict rule and
    /// protection treat each as named (fail closed).
    pub(crate) fn people_of_token(&self, token: &[u8]) -> &[String] {
        self.by_token.get(token).map_or(&[], Vec::as_slice)
    }

    /// The one person among `keys`, people still in the directory first.
    fn only_one(&self, keys: &[String]) -> Option<&PersonRecord> {
        let people: Vec<&PersonRecord> = keys.iter().filter_map(|k| self.people.get(k)).collect();
        let live: Vec<&PersonRecord> = people.iter().copied().filter(|p| p.deleted_at.is_none()).collect();
        match (live.as_slice(), people.as_slice()) {
            ([one], _) | ([], [one]) => Some(one),
            _ => None,
        }
    }
}

/// Every identifier a person is known by (DECISIONS #6).
pub(crate) fn identifiers(p: &PersonRecord) -> impl Iterator<Item = &String> {
    std::iter::once(&p.employee_id)
        .chain(p.user_name.iter())
        .chain(p.external_id.iter())
        .chain(p.employee_number.iter())
}

fn add<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<String>>, key: K, id: &str) {
    let ids = map.entry(key).or_default();
    if !ids.iter().any(|i| i == id) {
        ids.push(id.to_owned());
    }
}

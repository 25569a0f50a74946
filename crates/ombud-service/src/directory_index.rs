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
    /// Identity token → employee id (by employee id and by email).
    pub(crate) by_token: HashMap<Vec<u8>, String>,
    /// Lower-cased email → employee id (people not deleted).
    pub(crate) by_email: HashMap<String, String>,
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
            by_email: HashMap::new(),
            names: NameIndex::default(),
        };
        let mut named = Vec::new();
        for p in records {
            let id = p.employee_id.clone();
            // Every identifier she has finds her (DECISIONS #6).
            let others = p.user_name.iter().chain(p.external_id.iter()).chain(p.employee_number.iter());
            for other in std::iter::once(&id).chain(others) {
                index.by_token.insert(keys.person_by_employee_id(other)?.to_vec(), id.clone());
            }
            let has_email = !p.email.trim().is_empty();
            if has_email {
                index.by_token.insert(keys.person_by_email(&p.email)?.to_vec(), id.clone());
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
    /// her employee id, else her SCIM `userName` or `externalId` (DECISIONS #6).
    pub(crate) fn by_employee_id(&self, employee_id: &str) -> Option<&PersonRecord> {
        let wanted = employee_id.trim();
        if wanted.is_empty() {
            return None;
        }
        let same = |v: &Option<String>| v.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(wanted));
        self.people
            .get(wanted)
            .or_else(|| self.people.values().find(|p| p.employee_id.eq_ignore_ascii_case(wanted)))
            .or_else(|| self.people.values().find(|p| same(&p.employee_number)))
            .or_else(|| self.people.values().find(|p| same(&p.user_name) || same(&p.external_id)))
    }
}

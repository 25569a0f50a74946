//! Who must never see a case: the conflict-of-interest rule, in one place.
//!
//! In the case Ombud answers, the report went to the accused's own chain of
//! command and to his unit's HR. Here a staff member is excluded from a case
//! if she is named in it, sits anywhere above an accused in the management
//! chain, is the HR partner of an accused's unit, reports directly to an
//! accused, or declared a conflict herself. A case that accuses a senior
//! leader goes to the oversight committee only.
//!
//! The rule sees people through employee ids and opaque identity tokens
//! (keyed hashes computed by the service), never through names.

use crate::{PersonRole, Role, StaffId};
use std::collections::{BTreeSet, HashMap};

/// One person of the organisation's directory, as the rule needs her.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryPerson {
    pub employee_id: String,
    pub manager_id: Option<String>,
    pub unit: String,
    /// Higher is more senior.
    pub level: i64,
    pub hr_partner_id: Option<String>,
}

/// The organisation as a graph: managers, direct reports, units and their HR partners.
#[derive(Clone, Debug, Default)]
pub struct OrgChart {
    people: HashMap<String, DirectoryPerson>,
    reports: HashMap<String, Vec<String>>,
    unit_hr: HashMap<String, BTreeSet<String>>,
    levels: BTreeSet<i64>,
}

impl OrgChart {
    pub fn new(people: impl IntoIterator<Item = DirectoryPerson>) -> Self {
        let mut chart = OrgChart::default();
        for person in people {
            if let Some(manager) = &person.manager_id {
                chart.reports.entry(manager.clone()).or_default().push(person.employee_id.clone());
            }
            if let Some(hr) = &person.hr_partner_id {
                chart.unit_hr.entry(person.unit.clone()).or_default().insert(hr.clone());
            }
            chart.levels.insert(person.level);
            chart.people.insert(person.employee_id.clone(), person);
        }
        chart
    }

    pub fn person(&self, employee_id: &str) -> Option<&DirectoryPerson> {
        self.people.get(employee_id)
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// Managers above a person, nearest first, up to `max_levels` (all when
    /// None). A cycle in the data (A manages B manages A) ends the walk.
    pub fn chain_above(&self, employee_id: &str, max_levels: Option<u32>) -> Vec<&str> {
        let mut chain: Vec<&str> = Vec::new();
        let mut current = self.people.get(employee_id).and_then(|p| p.manager_id.as_deref());
        while let Some(manager) = current {
            if manager == employee_id || chain.contains(&manager) || max_levels.is_some_and(|m| chain.len() as u32 >= m)
            {
                break;
            }
            chain.push(manager);
            current = self.people.get(manager).and_then(|p| p.manager_id.as_deref());
        }
        chain
    }

    pub fn direct_reports(&self, employee_id: &str) -> &[String] {
        self.reports.get(employee_id).map_or(&[], Vec::as_slice)
    }

    /// Everyone below a person, at any depth (cycle-safe).
    pub fn everyone_below(&self, employee_id: &str) -> BTreeSet<&str> {
        let mut seen = BTreeSet::new();
        let mut queue: Vec<&str> = vec![employee_id];
        while let Some(id) = queue.pop() {
            for report in self.direct_reports(id) {
                if report != employee_id && seen.insert(report.as_str()) {
                    queue.push(report);
                }
            }
        }
        seen
    }

    /// The HR partners of a person's unit: hers and any other given for the unit.
    pub fn hr_partners_of(&self, employee_id: &str) -> BTreeSet<&str> {
        let Some(person) = self.people.get(employee_id) else { return BTreeSet::new() };
        let mut partners: BTreeSet<&str> =
            self.unit_hr.get(&person.unit).into_iter().flatten().map(String::as_str).collect();
        partners.extend(person.hr_partner_id.as_deref());
        partners
    }

    /// Everyone whose cases a change to these people could re-decide: the
    /// people themselves, everyone below them (their chain moved), their
    /// managers (whose direct reports changed), everyone in their units (whose
    /// HR partners may have changed) and the people they are HR partner for.
    /// These are the relations `exclusion` looks at; a new one belongs here too.
    pub fn affected_by(&self, changed: &BTreeSet<String>) -> BTreeSet<String> {
        // One pass over the directory, so a large import stays linear.
        let units: BTreeSet<&str> =
            changed.iter().filter_map(|id| self.people.get(id)).map(|p| p.unit.as_str()).collect();
        let mut out: BTreeSet<String> = self
            .people
            .values()
            .filter(|p| {
                units.contains(p.unit.as_str()) || p.hr_partner_id.as_ref().is_some_and(|hr| changed.contains(hr))
            })
            .map(|p| p.employee_id.clone())
            .collect();
        for id in changed {
            out.insert(id.clone());
            out.extend(self.everyone_below(id).into_iter().map(str::to_owned));
            out.extend(self.people.get(id).and_then(|p| p.manager_id.clone()));
        }
        out
    }

    /// The lowest level counted as senior leadership: the second-highest
    /// level present, so the top two levels. A directory with two levels or
    /// fewer has no such top (it would send every case to oversight), so
    /// none is assumed; `senior_level` in the config can still set one.
    pub fn default_senior_level(&self) -> Option<i64> {
        if self.levels.len() < 3 {
            return None;
        }
        self.levels.iter().rev().nth(1).copied()
    }
}

/// How the rule is tuned for an organisation (the `[conflict]` config section).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConflictPolicy {
    /// How many levels of the chain above an accused are excluded; all when None.
    pub chain_levels: Option<u32>,
    /// Accusing someone at or above this level routes the case to oversight
    /// only; when None, the top two levels present in the directory.
    pub senior_level: Option<i64>,
}

impl ConflictPolicy {
    pub fn senior_level(&self, chart: &OrgChart) -> Option<i64> {
        self.senior_level.or_else(|| chart.default_senior_level())
    }

    /// Everyone whose cases a directory change from `old` to `new` could
    /// re-decide: the people around each change in either chart and, when
    /// the senior level moved, everyone near the top of either.
    pub fn affected_by_change(&self, old: &OrgChart, new: &OrgChart, changed: &BTreeSet<String>) -> BTreeSet<String> {
        let mut out = old.affected_by(changed);
        out.extend(new.affected_by(changed));
        let (before, after) = (self.senior_level(old), self.senior_level(new));
        if before != after {
            let from = before.into_iter().chain(after).min().unwrap_or(i64::MAX);
            for chart in [old, new] {
                out.extend(chart.people.values().filter(|p| p.level >= from).map(|p| p.employee_id.clone()));
            }
        }
        out
    }
}

/// Whether re-deciding a case may let an excluded person back in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifting {
    /// The rule decides alone (a directory change, an oversight member's match).
    Allowed,
    /// Exclusions in force stay (a handler's match only tightens, so no
    /// handler can open a case to the accused's chain by re-labelling him).
    Held,
}

/// The exclusions a case keeps after a re-decision: the rule's `decided`,
/// every declaration already in force (a declaration is for good and
/// outranks any other reason) and, when lifting is held, every exclusion in force.
pub fn merge_exclusions(
    current: &[(StaffId, ExclusionReason)],
    decided: &[(StaffId, ExclusionReason)],
    lifting: Lifting,
) -> Vec<(StaffId, ExclusionReason)> {
    let kept =
        |(_, reason): &&(StaffId, ExclusionReason)| lifting == Lifting::Held || *reason == ExclusionReason::Declared;
    let kept: Vec<(StaffId, ExclusionReason)> = current.iter().filter(kept).copied().collect();
    let mut out: Vec<(StaffId, ExclusionReason)> = decided
        .iter()
        .filter(|(staff, _)| !kept.iter().any(|(k, r)| k == staff && *r == ExclusionReason::Declared))
        .copied()
        .collect();
    let missing: Vec<(StaffId, ExclusionReason)> =
        kept.into_iter().filter(|(k, _)| !out.iter().any(|(s, _)| s == k)).collect();
    out.extend(missing);
    out
}

/// A person named in a report, as matched against the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedParty {
    /// The directory person she was matched to, if any (externals: None).
    pub employee_id: Option<String>,
    /// Identity tokens (keyed hashes of her employee id and email), so that a
    /// staff member outside the directory is still recognised when named.
    pub tokens: BTreeSet<Vec<u8>>,
    pub role: PersonRole,
}

/// A staff member who might read the case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reader {
    pub role: Role,
    /// The directory person her account is linked to (by email), if any.
    pub employee_id: Option<String>,
    pub tokens: BTreeSet<Vec<u8>>,
    /// She declared a conflict on this case.
    pub declared: bool,
}

/// Why someone may not see a case. Stored and shown to oversight only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// She declared a conflict (recused herself).
    Declared,
    /// She is named in the report.
    Named,
    /// She is above an accused in the management chain.
    ManagementChain,
    /// She is the HR partner of an accused's unit.
    HrPartner,
    /// She reports directly to an accused.
    DirectReport,
    /// The case accuses a senior leader: handlers never see it.
    OversightOnly,
    /// A rule fired. This is all that is kept at rest: which rule (named,
    /// in the chain, HR partner of…) would say whom the case concerns to
    /// anyone reading the database, so it is worked out again when oversight reads it.
    Conflict,
}

names!(ExclusionReason, "exclusion reason" {
    Declared => "declared",
    Named => "named",
    ManagementChain => "management_chain",
    HrPartner => "hr_partner",
    DirectReport => "direct_report",
    OversightOnly => "oversight_only",
    Conflict => "conflict",
});

impl ExclusionReason {
    /// What is stored: a declaration as such, any rule's reason as `Conflict`.
    pub fn at_rest(self) -> Self {
        if self == ExclusionReason::Declared { self } else { ExclusionReason::Conflict }
    }
}

/// The rule: the first reason this reader may not see a case with these
/// parties, or None if she may. Administrators never read cases at all,
/// which is the role's business, not this rule's.
pub fn exclusion(
    policy: &ConflictPolicy,
    chart: &OrgChart,
    parties: &[NamedParty],
    reader: &Reader,
) -> Option<ExclusionReason> {
    if reader.declared {
        return Some(ExclusionReason::Declared);
    }
    if parties.iter().any(|party| is_same_person(party, reader)) {
        return Some(ExclusionReason::Named);
    }
    let accused: Vec<&str> = parties
        .iter()
        .filter(|p| p.role.brings_chain())
        .filter_map(|p| p.employee_id.as_deref())
        .filter(|id| chart.person(id).is_some())
        .collect();
    if let Some(me) = reader.employee_id.as_deref() {
        if accused.iter().any(|a| chart.chain_above(a, policy.chain_levels).contains(&me)) {
            return Some(ExclusionReason::ManagementChain);
        }
        if accused.iter().any(|a| chart.hr_partners_of(a).contains(me)) {
            return Some(ExclusionReason::HrPartner);
        }
        let my_manager = chart.person(me).and_then(|p| p.manager_id.as_deref());
        if my_manager.is_some_and(|m| accused.contains(&m)) {
            return Some(ExclusionReason::DirectReport);
        }
    }
    if reader.role == Role::Handler && accuses_senior_leader(policy, chart, &accused) {
        return Some(ExclusionReason::OversightOnly);
    }
    None
}

/// No case is left with nobody to read it. When every oversight member is
/// kept out (each is conflicted, or there is none), the handlers kept out
/// only because the case is oversight's — not for a conflict of their own —
/// read it instead: they are independent of everyone it concerns. Returns
/// the exclusions to apply and whether that fallback was needed.
pub fn keep_an_independent_reader(
    readers: &[(StaffId, Role)],
    mut decided: Vec<(StaffId, ExclusionReason)>,
) -> (Vec<(StaffId, ExclusionReason)>, bool) {
    let excluded = |id: &StaffId| decided.iter().any(|(s, _)| s == id);
    let oversight_reads = readers.iter().any(|(id, role)| *role == Role::Oversight && !excluded(id));
    let only_oversights = decided.iter().any(|(_, r)| *r == ExclusionReason::OversightOnly);
    if oversight_reads || !only_oversights {
        return (decided, false);
    }
    decided.retain(|(_, r)| *r != ExclusionReason::OversightOnly);
    (decided, true)
}

/// Whether a case with these accused goes to the oversight committee only.
pub fn accuses_senior_leader(policy: &ConflictPolicy, chart: &OrgChart, accused: &[&str]) -> bool {
    let Some(senior) = policy.senior_level(chart) else { return false };
    accused.iter().filter_map(|a| chart.person(a)).any(|p| p.level >= senior)
}

fn is_same_person(party: &NamedParty, reader: &Reader) -> bool {
    let by_id = matches!((&party.employee_id, &reader.employee_id), (Some(a), Some(b)) if a == b);
    by_id || !party.tokens.is_disjoint(&reader.tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, manager: Option<&str>, unit: &str, level: i64, hr: Option<&str>) -> DirectoryPerson {
        DirectoryPerson {
            employee_id: id.into(),
            manager_id: manager.map(Into::into),
            unit: unit.into(),
            level,
            hr_partner_id: hr.map(Into::into),
        }
    }

    /// CEO (9) > VP (8) > unit president (7) > two managers (5) > employees (3);
    /// an HR partner for sales, an ethics officer in another unit.
    fn org() -> OrgChart {
        OrgChart::new([
            person("ceo", None, "exec", 9, None),
            person("vp", Some("ceo"), "exec", 8, None),
            person("pres", Some("vp"), "sales", 7, Some("hr")),
            person("mgr1", Some("pres"), "sales", 5, Some("hr")),
            person("mgr2", Some("pres"), "sales", 5, Some("hr")),
            person("emp", Some("mgr1"), "sales", 3, Some("hr")),
            person("peer-report", Some("mgr2"), "sales", 3, Some("hr")),
            person("hr", Some("hrhead"), "people", 5, None),
            person("hrhead", Some("vp"), "people", 7, None),
            person("ethics", Some("hrhead"), "ethics", 5, None),
        ])
    }

    fn accused(id: &str) -> NamedParty {
        NamedParty { employee_id: Some(id.into()), tokens: BTreeSet::new(), role: PersonRole::Accused }
    }

    fn reader(role: Role, id: Option<&str>) -> Reader {
        Reader { role, employee_id: id.map(Into::into), tokens: BTreeSet::new(), declared: false }
    }

    fn rule(parties: &[NamedParty], r: &Reader) -> Option<ExclusionReason> {
        exclusion(&ConflictPolicy::default(), &org(), parties, r)
    }

    #[test]
    fn the_seed_scenario_excludes_chain_and_hr_but_not_ethics_or_oversight() {
        let client = NamedParty { employee_id: None, tokens: BTreeSet::new(), role: PersonRole::Accused };
        let parties = [accused("mgr2"), client];
        assert_eq!(rule(&parties, &reader(Role::Handler, Some("pres"))), Some(ExclusionReason::ManagementChain));
        assert_eq!(rule(&parties, &reader(Role::Handler, Some("vp"))), Some(ExclusionReason::ManagementChain));
        assert_eq!(rule(&parties, &reader(Role::Handler, Some("hr"))), Some(ExclusionReason::HrPartner));
        assert_eq!(rule(&parties, &reader(Role::Handler, Some("peer-report"))), Some(ExclusionReason::DirectReport));
        assert_eq!(rule(&parties, &reader(Role::Handler, Some("ethics"))), None);
        assert_eq!(rule(&parties, &reader(Role::Handler, None)), None);
        assert_eq!(rule(&parties, &reader(Role::Oversight, None)), None);
        // The reporter's own manager is a peer of the accused, not above him.
        assert_eq!(rule(&parties, &reader(Role::Handler, Some("mgr1"))), None);
        assert_eq!(ExclusionReason::HrPartner.at_rest(), ExclusionReason::Conflict, "no rule's name at rest");
        assert_eq!(ExclusionReason::Declared.at_rest(), ExclusionReason::Declared);
    }

    #[test]
    fn anyone_named_is_excluded_whatever_the_role_and_by_token_outside_the_directory() {
        let witness =
            NamedParty { employee_id: Some("ethics".into()), tokens: BTreeSet::new(), role: PersonRole::Witness };
        assert_eq!(rule(&[witness], &reader(Role::Handler, Some("ethics"))), Some(ExclusionReason::Named));
        let token = vec![7u8; 32];
        let party = NamedParty { employee_id: None, tokens: [token.clone()].into(), role: PersonRole::Other };
        let mut outsider = reader(Role::Oversight, None);
        outsider.tokens.insert(token);
        assert_eq!(rule(&[party], &outsider), Some(ExclusionReason::Named));
    }

    #[test]
    fn a_case_whose_every_oversight_member_is_kept_out_still_has_an_independent_reader() {
        let (o1, o2, h1, h2) = (StaffId::new(), StaffId::new(), StaffId::new(), StaffId::new());
        let readers = [(o1, Role::Oversight), (o2, Role::Oversight), (h1, Role::Handler), (h2, Role::Handler)];
        let oversight_only = vec![(h1, ExclusionReason::OversightOnly), (h2, ExclusionReason::Conflict)];
        // One oversight member may read: the case stays with oversight.
        let one_conflicted = [oversight_only.clone(), vec![(o1, ExclusionReason::Conflict)]].concat();
        assert_eq!(keep_an_independent_reader(&readers, one_conflicted.clone()), (one_conflicted, false));
        // Both are conflicted: the handler kept out only because the case is
        // oversight's reads it; the conflicted handler stays out.
        let all_conflicted =
            [oversight_only, vec![(o1, ExclusionReason::Conflict), (o2, ExclusionReason::Declared)]].concat();
        let (kept, fell_back) = keep_an_independent_reader(&readers, all_conflicted);
        assert!(fell_back);
        assert_eq!(
            kept,
            vec![(h2, ExclusionReason::Conflict), (o1, ExclusionReason::Conflict), (o2, ExclusionReason::Declared)]
        );
        // No oversight member at all: the same.
        let (kept, fell_back) = keep_an_independent_reader(&readers[2..], vec![(h1, ExclusionReason::OversightOnly)]);
        assert!(fell_back && kept.is_empty());
    }

    #[test]
    fn a_person_whose_part_she_left_out_brings_his_chain_like_the_accused() {
        let other = NamedParty { employee_id: Some("mgr2".into()), tokens: BTreeSet::new(), role: PersonRole::Other };
        assert_eq!(rule(&[other], &reader(Role::Handler, Some("pres"))), Some(ExclusionReason::ManagementChain));
    }

    #[test]
    fn declared_conflicts_win_and_witnesses_bring_no_chain() {
        let mut r = reader(Role::Handler, Some("ethics"));
        r.declared = true;
        assert_eq!(rule(&[], &r), Some(ExclusionReason::Declared));
        let witness =
            NamedParty { employee_id: Some("emp".into()), tokens: BTreeSet::new(), role: PersonRole::Witness };
        assert_eq!(rule(&[witness], &reader(Role::Handler, Some("pres"))), None);
    }

    #[test]
    fn senior_leaders_go_to_oversight_only() {
        assert_eq!(org().default_senior_level(), Some(8));
        assert_eq!(
            rule(&[accused("vp")], &reader(Role::Handler, Some("ethics"))),
            Some(ExclusionReason::OversightOnly)
        );
        assert_eq!(rule(&[accused("vp")], &reader(Role::Oversight, None)), None);
        assert_eq!(rule(&[accused("pres")], &reader(Role::Handler, Some("ethics"))), None);
        let strict = ConflictPolicy { senior_level: Some(7), ..Default::default() };
        assert_eq!(
            exclusion(&strict, &org(), &[accused("pres")], &reader(Role::Handler, Some("ethics"))),
            Some(ExclusionReason::OversightOnly)
        );
        assert!(OrgChart::default().default_senior_level().is_none());
        let flat = OrgChart::new([person("a", None, "u", 2, None), person("b", Some("a"), "u", 1, None)]);
        assert_eq!(flat.default_senior_level(), None, "a flat organisation does not send everything to oversight");
    }

    #[test]
    fn chain_depth_can_be_limited_and_cycles_end() {
        let one = ConflictPolicy { chain_levels: Some(1), ..Default::default() };
        assert_eq!(
            exclusion(&one, &org(), &[accused("emp")], &reader(Role::Handler, Some("pres"))),
            None,
            "two levels up is outside a one-level chain"
        );
        let looped = OrgChart::new([person("a", Some("b"), "u", 1, None), person("b", Some("a"), "u", 1, None)]);
        assert_eq!(looped.chain_above("a", None), vec!["b"]);
        assert_eq!(looped.everyone_below("a").into_iter().collect::<Vec<_>>(), vec!["b"]);
    }

    #[test]
    fn declarations_stay_and_held_lifting_only_tightens() {
        let (a, b, c) = (StaffId::new(), StaffId::new(), StaffId::new());
        let current = [(a, ExclusionReason::Declared), (b, ExclusionReason::ManagementChain)];
        let decided = [(a, ExclusionReason::Named), (c, ExclusionReason::HrPartner)];
        let mut allowed = merge_exclusions(&current, &decided, Lifting::Allowed);
        allowed.sort();
        let mut expected = vec![(a, ExclusionReason::Declared), (c, ExclusionReason::HrPartner)];
        expected.sort();
        assert_eq!(allowed, expected, "b is let back in; a's declaration outranks the rule");
        let mut held = merge_exclusions(&current, &decided, Lifting::Held);
        held.sort();
        expected.push((b, ExclusionReason::ManagementChain));
        expected.sort();
        assert_eq!(held, expected, "nobody is let back in");
    }

    #[test]
    fn a_change_affects_the_people_around_it() {
        let chart = org();
        let around = chart.affected_by(&BTreeSet::from(["mgr2".to_owned()]));
        for id in ["mgr2", "peer-report", "pres", "mgr1", "emp"] {
            assert!(around.contains(id), "{id}: below, above or in the unit");
        }
        assert!(!around.contains("ethics") && !around.contains("ceo"));
        assert!(chart.affected_by(&BTreeSet::from(["hr".to_owned()])).contains("mgr2"), "whom she is HR partner for");
        let flat = OrgChart::new([person("a", None, "u", 9, None), person("b", Some("a"), "u", 8, None)]);
        let around = ConflictPolicy::default().affected_by_change(&flat, &chart, &BTreeSet::new());
        assert!(around.contains("ceo") && around.contains("vp"), "the senior level moved: the top is affected");
    }

    #[test]
    fn everyone_below_and_hr_partners() {
        let chart = org();
        let below: Vec<&str> = chart.everyone_below("pres").into_iter().collect();
        assert_eq!(below, vec!["emp", "mgr1", "mgr2", "peer-report"]);
        assert_eq!(chart.hr_partners_of("mgr2").into_iter().collect::<Vec<_>>(), vec!["hr"]);
    }
}

/// How a named person was matched to the directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchHow {
    EmployeeId,
    Email,
    /// The only person of the directory with that name: a suggestion to confirm.
    Name,
    /// A handler set or confirmed it.
    Handler,
    /// Outside the organisation (a client, a vendor).
    External,
    /// No one in the directory matched.
    Unmatched,
    /// An oversight member recorded that nobody can tell who he is: the case
    /// stays with oversight.
    Unidentified,
}

names!(MatchHow, "match" {
    EmployeeId => "employee_id",
    Email => "email",
    Name => "name",
    Handler => "handler",
    External => "external",
    Unmatched => "unmatched",
    Unidentified => "unidentified",
});

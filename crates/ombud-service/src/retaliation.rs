//! After she speaks up (issue 17, DECISIONS #18): the HR system announces
//! adverse actions before they take effect; every action of a listed kind is
//! held for the review period whoever it concerns, its decision-maker is
//! asked to justify it, and a reviewer on the oversight committee — kept
//! away from the decision-maker's chain and from the accused of any case
//! that protects the person — decides it. The HR system learns the outcome
//! only when the period ends, and never why.

use crate::error::invalid;
use crate::sealing::{open_json, seal_json};
use crate::workflow::{required, sentence};
use crate::{Ombud, OversightDesk, Result, ServiceError};
use jiff::{SignedDuration, Timestamp};
use ombud_crypto::{DataKey, item_aad};
use ombud_domain::{
    CaseId, DisclosureAnswers, EventKind, FieldError, HrActionKind, HrActionStatus, PersonRole, ProtectionBasis,
    ReviewDecision, Role, StaffId, exclusion, hr_status, is_disclosure, needs_decision,
};
use ombud_store::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The columns of `ombud hr import`, in this order.
pub const HR_COLUMNS: [&str; 5] = ["employee_id", "action", "effective", "decided_by", "ground"];

/// The most characters of an employee id the feed takes.
const MAX_ID_CHARS: usize = 200;
/// The most characters of a ground.
const MAX_GROUND_CHARS: usize = 5_000;
/// The most actions one import takes.
pub const MAX_IMPORT_ACTIONS: usize = 10_000;
/// How far back "repeat decision-makers" look.
const REPEAT_WINDOW: SignedDuration = SignedDuration::from_hours(24 * 365);

/// An adverse action as the HR system sends it. Every field is text, so a
/// mistake in one is named beside it rather than refusing the whole body.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HrActionInput {
    #[schema(max_length = 200)]
    pub employee_id: String,
    /// dismissal, demotion, transfer, pay_change, negative_review,
    /// discipline, non_renewal, contract_change, medical_referral or other.
    pub action: String,
    /// When it would take effect (YYYY-MM-DD).
    pub effective: String,
    /// The employee id of whoever decided it.
    #[schema(max_length = 200)]
    pub decided_by: String,
    /// Free text, or `disclosure`: the person shared information about misconduct.
    #[schema(max_length = 5000)]
    pub ground: String,
}

/// What the HR system reads: the same two fields for every action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HrActionAnswer {
    pub id: uuid::Uuid,
    pub status: HrActionStatus,
}

/// The particulars of an action, sealed under its item key.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Particulars {
    employee_id: String,
    name: Option<String>,
    decided_by: String,
    decider_name: Option<String>,
    effective: jiff::civil::Date,
    ground: String,
    /// Why the person was protected when the action arrived (case references).
    bases: Vec<(String, ProtectionBasis)>,
    /// Proceedings a person named in a case brought against someone it
    /// protects (`lawsuit` or `complaint`), recorded by oversight; sealed,
    /// so the row does not say it is one.
    #[serde(default)]
    proceeding: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Justification {
    text: String,
}

/// A reviewer's decision, sealed under the action's key.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SealedDecision {
    reasons: String,
    disclosure: Option<DisclosureAnswers>,
}

/// A reviewer's decision as she gives it.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HrDecisionInput {
    /// upheld, overturned or modified.
    pub decision: String,
    /// Why, in at least a sentence; for `modified`, how.
    #[schema(max_length = 20000)]
    pub reasons: String,
    /// For an action on the ground `disclosure`: the Directive's conditions.
    pub disclosure: Option<DisclosureAnswers>,
}

/// An action as a reviewer sees it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HrReviewView {
    pub id: uuid::Uuid,
    pub action: HrActionKind,
    pub received_at: Timestamp,
    /// When the HR system learns the outcome.
    pub period_end: Timestamp,
    /// When the review is due (escalated then, and a day later).
    pub review_due: Timestamp,
    pub employee_id: String,
    pub name: Option<String>,
    pub decided_by: String,
    pub decider_name: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub effective: jiff::civil::Date,
    pub ground: String,
    /// `lawsuit` or `complaint` when the review is of proceedings against a
    /// protected person rather than an HR action.
    pub proceeding: Option<String>,
    pub disclosure: bool,
    /// Why the person is protected now (case references she may look up).
    pub protected: Vec<ProtectionView>,
    /// Whether a person must decide before the period ends.
    pub needs_decision: bool,
    pub taken_up_by: Option<String>,
    pub justification: Option<String>,
    pub justified_at: Option<Timestamp>,
    /// Whether the decision-maker could be asked (he is in the directory).
    pub decider_asked: bool,
    pub decision: Option<ReviewDecision>,
    pub reasons: Option<String>,
    pub disclosure_answers: Option<DisclosureAnswers>,
    pub disclosure_protected: Option<bool>,
    pub decided_by_staff: Option<String>,
    pub decided_at: Option<Timestamp>,
    /// What the HR system reads now.
    pub hr_status: HrActionStatus,
    pub concluded: bool,
    pub escalated: bool,
    /// Other actions by the same decision-maker in the past year.
    pub decider_other_actions: u64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProtectionView {
    pub reference: Option<String>,
    pub basis: ProtectionBasis,
}

fn action_aad(id: uuid::Uuid, kind: &str) -> Vec<u8> {
    item_aad(id.as_bytes(), id.as_bytes(), kind)
}

fn justification_item(id: uuid::Uuid) -> String {
    format!("{id}/justification")
}

pub(crate) fn item_wrap_aad(item: &str, staff: StaffId) -> Vec<u8> {
    let mut aad = b"ombud/v1/item-wrap\0".to_vec();
    aad.extend_from_slice(item.as_bytes());
    aad.push(0);
    aad.extend_from_slice(staff.as_bytes());
    aad
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A checked action, ready to be held.
struct CheckedAction {
    employee_id: String,
    kind: HrActionKind,
    effective: jiff::civil::Date,
    decided_by: String,
    ground: String,
}

fn check_id(field: &str, value: &str, errors: &mut Vec<FieldError>) -> String {
    match required(field, value, MAX_ID_CHARS) {
        Ok(v) if v.chars().any(char::is_control) => {
            errors.push(FieldError::new(field, "invalid"));
            v
        }
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    }
}

/// Every problem with an action at once, named by its field.
fn check_action(input: &HrActionInput) -> std::result::Result<CheckedAction, Vec<FieldError>> {
    let mut errors = Vec::new();
    let employee_id = check_id("employee_id", &input.employee_id, &mut errors);
    let decided_by = check_id("decided_by", &input.decided_by, &mut errors);
    let kind = match input.action.trim().to_ascii_lowercase().parse::<HrActionKind>() {
        Ok(kind) => Some(kind),
        Err(_) => {
            errors.push(FieldError::new(
                "action",
                if input.action.trim().is_empty() { "required" } else { "unknown-action" },
            ));
            None
        }
    };
    let effective = match input.effective.trim().parse::<jiff::civil::Date>() {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(FieldError::new(
                "effective",
                if input.effective.trim().is_empty() { "required" } else { "invalid-date" },
            ));
            None
        }
    };
    let ground = match required("ground", &input.ground, MAX_GROUND_CHARS) {
        Ok(g) => g,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    match (kind, effective) {
        (Some(kind), Some(effective)) if errors.is_empty() => {
            Ok(CheckedAction { employee_id, kind, effective, decided_by, ground })
        }
        _ => Err(errors),
    }
}

impl Ombud {
    /// The identity tokens of a person by employee id: his own, and his
    /// email's when the directory knows him.
    async fn employee_tokens(&self, employee_id: &str) -> Result<(Vec<u8>, BTreeSet<Vec<u8>>)> {
        let index = self.directory_index().await?;
        let person = index.by_employee_id(employee_id.trim());
        // The directory's own spelling of the id ("e7" from HR is "E7"), so
        // the token leads back to the person when the period ends.
        let id = person.map_or(employee_id.trim(), |p| p.employee_id.as_str());
        let primary = self.keys.person_by_employee_id(id)?.to_vec();
        let mut all = match person {
            Some(person) => self.person_tokens(person)?,
            None => BTreeSet::new(),
        };
        all.insert(primary.clone());
        Ok((primary, all))
    }

    /// Why a person is protected at `now` (empty: he is not).
    async fn protection_of(&self, tokens: &BTreeSet<Vec<u8>>, now: Timestamp) -> Result<Vec<ProtectionHit>> {
        let months = i64::from(self.config.retaliation.protection_months);
        let zone = self.config.policy.time_zone()?;
        let closed_since = now
            .to_zoned(zone)
            .checked_sub(jiff::Span::new().months(months))
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MIN);
        let tokens: Vec<Vec<u8>> = tokens.iter().cloned().collect();
        Ok(self.store.protection(&tokens, now, closed_since).await?)
    }

    /// The reporter's tokens when her contact matches the directory: she is
    /// protected from the day she reports.
    pub(crate) async fn reporter_tokens(&self, contact: Option<&ombud_domain::Contact>) -> Result<Vec<Vec<u8>>> {
        let Some(email) = contact.and_then(|c| c.email.as_deref()).map(str::trim).filter(|e| !e.is_empty()) else {
            return Ok(Vec::new());
        };
        let index = self.directory_index().await?;
        let Some(person) = index.linked(email).and_then(|id| index.people.get(id)) else { return Ok(Vec::new()) };
        Ok(self.person_tokens(person)?.into_iter().collect())
    }

    /// The oversight members who may review an action: not the person, not
    /// the decision-maker or anyone above him, not the accused of a case
    /// that protects the person nor anyone above them, and nobody kept out
    /// of such a case.
    async fn reviewers(
        &self,
        person: &BTreeSet<Vec<u8>>,
        decider: &BTreeSet<Vec<u8>>,
        hits: &[ProtectionHit],
    ) -> Result<Vec<StaffRecord>> {
        let index = self.directory_index().await?;
        let party = |tokens: &BTreeSet<Vec<u8>>, role| Self::parties_named(&index, tokens, role);
        let mut parties = party(person, PersonRole::Witness);
        parties.extend(party(decider, PersonRole::Accused));
        let mut kept_out = BTreeSet::new();
        for case in hits.iter().filter_map(|h| h.case_id).collect::<BTreeSet<_>>() {
            for token in self.store.accused_tokens(case).await? {
                parties.extend(party(&BTreeSet::from([token]), PersonRole::Accused));
            }
            kept_out.extend(self.store.exclusions(case).await?.into_iter().map(|e| e.staff_id));
        }
        let mut out = Vec::new();
        for s in self.store.list_staff().await? {
            if s.role != Role::Oversight || !s.active() || kept_out.contains(&s.id) || s.public_key.len() != 32 {
                continue;
            }
            let reader = self.reader(&index, &s, false)?;
            if exclusion(&self.config.conflict, &index.chart, &parties, &reader).is_none() {
                out.push(s);
            }
        }
        Ok(out)
    }

    fn wraps_for(&self, item: &str, key: &DataKey, readers: &[StaffRecord]) -> Result<Vec<ItemWrap>> {
        readers
            .iter()
            .filter_map(|r| <[u8; 32]>::try_from(r.public_key.as_slice()).ok().map(|p| (r.id, p)))
            .map(|(staff_id, public)| {
                Ok(ItemWrap {
                    item_id: item.to_owned(),
                    staff_id,
                    public_key: public.to_vec(),
                    wrapped_key: ombud_crypto::wrap_key(&public, key, &item_wrap_aad(item, staff_id))?,
                })
            })
            .collect()
    }

    /// An action checked, sealed and wrapped to its reviewers, not yet written.
    async fn hold_action(
        &self,
        action: CheckedAction,
        token: Option<uuid::Uuid>,
        now: Timestamp,
    ) -> Result<(HrActionRow, Vec<ItemWrap>, StaffEventRecord)> {
        let policy = &self.config.retaliation;
        let id = uuid::Uuid::now_v7();
        let exempt = policy.exempt(action.kind);
        let (person_token, person) = self.employee_tokens(&action.employee_id).await?;
        let (decider_token, decider) = self.employee_tokens(&action.decided_by).await?;
        let hits = self.protection_of(&person, now).await?;
        let index = self.directory_index().await?;
        let mut bases = Vec::new();
        for hit in &hits {
            let reference = match hit.case_id {
                Some(case) => self.store.case(case).await?.map(|c| c.reference).unwrap_or_default(),
                None => String::new(),
            };
            bases.push((reference, hit.basis));
        }
        let particulars = Particulars {
            name: index.by_employee_id(&action.employee_id).map(|p| p.name.clone()),
            decider_name: index.by_employee_id(&action.decided_by).map(|p| p.name.clone()),
            employee_id: action.employee_id,
            decided_by: action.decided_by,
            effective: action.effective,
            ground: action.ground,
            bases,
            proceeding: None,
        };
        let disclosure = is_disclosure(&particulars.ground);
        let key = DataKey::generate()?;
        let sealed = seal_json(&key, &action_aad(id, "hr-action"), &particulars)?;
        let wraps = if exempt {
            Vec::new()
        } else {
            let reviewers = self.reviewers(&person, &decider, &hits).await?;
            if reviewers.is_empty() {
                // Fail closed: nobody may decide it, so it is overturned
                // when its period ends unless nobody had to.
                tracing::warn!("an HR action has no oversight member free to review it");
            }
            self.wraps_for(&id.to_string(), &key, &reviewers)?
        };
        let row = HrActionRow {
            id,
            token_id: token,
            kind: action.kind,
            received_at: now,
            period_end: if exempt { now } else { policy.period_end(now) },
            exempt,
            disclosure,
            person_token,
            decider_token: Some(decider_token),
            sealed,
            status: if exempt { HrActionStatus::Cleared } else { HrActionStatus::Held },
            escalated_at: None,
            last_call_at: None,
            taken_up_at: None,
            taken_up_by: None,
            decision: None,
            decided_at: None,
            decided_by: None,
            sealed_decision: None,
            // Known at receipt: protection ending during the period does
            // not take the decision away (it is asked again at the end).
            needed_decision: (!exempt && needs_decision(!hits.is_empty(), disclosure, false)).then_some(true),
            concluded_at: None,
            justify_next_at: (!exempt).then_some(now),
            justify_attempts: 0,
            justify_mailed_at: None,
            justified_at: None,
            sealed_justification: None,
            proceeding: false,
        };
        let event = StaffEventRecord::new(EventKind::HrActionReceived, now, Actor::System, None)
            .with_detail(format!("{id} {}", action.kind));
        Ok((row, wraps, event))
    }

    /// `POST /api/v1/hr/actions`: one action, held (or cleared, for an
    /// exempt kind). The answer is the same shape for everyone.
    pub async fn receive_hr_action(&self, token: uuid::Uuid, input: &HrActionInput) -> Result<HrActionAnswer> {
        let action = check_action(input).map_err(ServiceError::Invalid)?;
        let (row, wraps, event) = self.hold_action(action, Some(token), self.clock.now()).await?;
        self.store.create_hr_action(&row, &wraps, &event).await?;
        Ok(HrActionAnswer { id: row.id, status: row.status })
    }

    /// `ombud hr import`: every line checked first; all of them or none.
    pub async fn import_hr_actions(&self, text: &str) -> Result<Vec<HrActionAnswer>> {
        let inputs = parse_hr_csv(text).map_err(ServiceError::BadImport)?;
        let now = self.clock.now();
        let mut rows = Vec::with_capacity(inputs.len());
        for (_, input) in inputs {
            let action = check_action(&input).map_err(ServiceError::Invalid)?;
            rows.push(self.hold_action(action, None, now).await?);
        }
        self.store.create_hr_actions(&rows).await?;
        Ok(rows.iter().map(|(r, _, _)| HrActionAnswer { id: r.id, status: r.status }).collect())
    }

    /// `GET /api/v1/hr/actions/{id}`: held until the period ends, then its
    /// outcome (concluded here if the sweep has not come by yet).
    pub async fn hr_action_status(&self, token: uuid::Uuid, id: uuid::Uuid) -> Result<HrActionAnswer> {
        let row = self.store.hr_action(id).await?.ok_or(ServiceError::NotFound)?;
        // Each HR client reads the actions it sent (an import's, any of them).
        if row.token_id.is_some_and(|t| t != token) {
            return Err(ServiceError::NotFound);
        }
        let now = self.clock.now();
        if row.concluded_at.is_none() && row.period_end <= now {
            self.conclude(&row, now).await?;
            let row = self.store.hr_action(id).await?.ok_or(ServiceError::NotFound)?;
            return Ok(HrActionAnswer { id, status: row.status });
        }
        Ok(HrActionAnswer { id, status: row.status })
    }

    /// Whether a case closed longer ago than its protection lasts.
    async fn protection_ended(&self, case_id: CaseId) -> Result<bool> {
        let Some(closed) = self.store.check_in_state(case_id).await?.closed_at else { return Ok(false) };
        let zone = self.config.policy.time_zone()?;
        let months = i64::from(self.config.retaliation.protection_months);
        let end = closed.to_zoned(zone).checked_add(jiff::Span::new().months(months)).map(|z| z.timestamp());
        // An end that cannot be computed has not come: protection stands.
        Ok(end.is_ok_and(|end| end <= self.clock.now()))
    }

    /// A new case protects people (or names a new accused for them): the
    /// reviewers of open actions against them are decided again, and anyone
    /// the rules now keep out loses the action's key. Nobody is added here —
    /// a new reviewer would need the key from someone who holds it — so the
    /// change only ever narrows who reads.
    pub(crate) async fn recheck_reviewers(&self, case_id: CaseId) -> Result<()> {
        let mut tokens: BTreeSet<Vec<u8>> = self
            .store
            .case_parties(case_id)
            .await?
            .into_iter()
            .filter(|p| p.role != PersonRole::Accused)
            .map(|p| p.token)
            .collect();
        for basis in [ProtectionBasis::Reporter, ProtectionBasis::Supporter, ProtectionBasis::Added] {
            tokens.extend(self.store.protected_tokens(case_id, basis).await?);
        }
        if tokens.is_empty() {
            return Ok(());
        }
        let now = self.clock.now();
        let mut seen = BTreeSet::new();
        for token in &tokens {
            for row in self.store.open_hr_actions_of(token).await? {
                if seen.insert(row.id) {
                    self.narrow_reviewers(&row, now).await?;
                }
            }
        }
        Ok(())
    }

    async fn narrow_reviewers(&self, row: &HrActionRow, now: Timestamp) -> Result<()> {
        let person = self.person_tokens_of(&row.person_token).await?;
        let decider = match &row.decider_token {
            Some(t) => self.person_tokens_of(t).await?,
            None => BTreeSet::new(),
        };
        let hits = self.protection_of(&person, now).await?;
        let allowed: BTreeSet<StaffId> =
            self.reviewers(&person, &decider, &hits).await?.into_iter().map(|s| s.id).collect();
        let item = row.id.to_string();
        let out: Vec<StaffId> =
            self.store.item_readers(&item).await?.into_iter().filter(|s| !allowed.contains(s)).collect();
        if !out.is_empty() {
            self.store.remove_item_wraps(&item, &out).await?;
        }
        Ok(())
    }

    /// Whether a person must decide this action, asked now.
    async fn action_needs_decision(&self, row: &HrActionRow, now: Timestamp) -> Result<bool> {
        if row.needed_decision == Some(true) {
            return Ok(true);
        }
        let person = self.person_tokens_of(&row.person_token).await?;
        let protected = !self.protection_of(&person, now).await?.is_empty();
        Ok(needs_decision(protected, row.disclosure, row.taken_up_at.is_some()))
    }

    /// All the tokens of the person a stored token names.
    async fn person_tokens_of(&self, token: &[u8]) -> Result<BTreeSet<Vec<u8>>> {
        let index = self.directory_index().await?;
        // A token two people share protects both (fail closed).
        let mut out = BTreeSet::from([token.to_vec()]);
        for person in index.people_of_token(token).iter().filter_map(|id| index.people.get(id)) {
            out.extend(self.person_tokens(person)?);
        }
        Ok(out)
    }

    /// The period ended: what the HR system reads from now on.
    /// Concluded only as the row stands when written: a decision or a
    /// take-up that lands meanwhile is read again, never overwritten.
    async fn conclude(&self, row: &HrActionRow, now: Timestamp) -> Result<bool> {
        let mut row = row.clone();
        for _ in 0..3 {
            let needed = !row.exempt && self.action_needs_decision(&row, now).await?;
            let status = hr_status(row.exempt, row.period_end, now, row.decision, needed);
            if status == HrActionStatus::Overturned && row.decision.is_none() {
                tracing::warn!(action = %row.id, "an HR action that needed a decision got none in its period: overturned");
            }
            let event = StaffEventRecord::new(EventKind::HrActionConcluded, now, Actor::System, None)
                .with_detail(format!("{} {status}", row.id));
            let seen = ConcludeSeen { decision: row.decision, taken_up: row.taken_up_at.is_some() };
            if self.store.conclude_hr_action(row.id, status, needed, now, seen, &event).await? {
                return Ok(true);
            }
            match self.store.hr_action(row.id).await? {
                Some(fresh) if fresh.concluded_at.is_none() => row = fresh,
                _ => return Ok(false),
            }
        }
        Ok(false)
    }

    /// The sweep's part: reviews raised two days and one day before their
    /// period ends, and periods that ended concluded.
    pub(crate) async fn sweep_hr_actions(&self, now: Timestamp, report: &mut crate::SweepReport) -> Result<()> {
        // Every period that ended: each concluded row leaves the query.
        loop {
            let ended = self.store.hr_actions_ending(None, now, 500).await?;
            let mut progressed = false;
            for row in &ended {
                if self.conclude(row, now).await? {
                    report.actions_concluded += 1;
                    progressed = true;
                }
            }
            if ended.len() < 500 || !progressed {
                break;
            }
        }
        // Every review within two days of its end, page by page.
        let horizon = now + SignedDuration::from_hours(48);
        let mut after = Some((now, uuid::Uuid::max()));
        loop {
            let rows = self.store.hr_actions_ending(after, horizon, 500).await?;
            for row in &rows {
                if self.escalate_review(row, now).await? {
                    report.reviews_escalated += 1;
                }
            }
            match rows.last() {
                Some(last) if rows.len() == 500 => after = Some((last.period_end, last.id)),
                _ => return Ok(()),
            }
        }
    }

    /// Raises an undecided review that needs a decision to its reviewers:
    /// two days before its period ends, and again one day before.
    async fn escalate_review(&self, row: &HrActionRow, now: Timestamp) -> Result<bool> {
        let policy = &self.config.retaliation;
        if row.exempt || row.decision.is_some() {
            return Ok(false);
        }
        let call = if now >= policy.last_call(row.received_at) && row.last_call_at.is_none() {
            ReviewCall::Last
        } else if now >= policy.review_due(row.received_at) && row.escalated_at.is_none() {
            ReviewCall::First
        } else {
            return Ok(false);
        };
        if !self.action_needs_decision(row, now).await? {
            return Ok(false);
        }
        let notices: Vec<StaffNotice> = self
            .store
            .item_readers(&row.id.to_string())
            .await?
            .into_iter()
            .map(|staff| StaffNotice { staff, kind: "attention", ticket: None, at: now })
            .collect();
        if notices.is_empty() {
            tracing::warn!(action = %row.id, "a review that needs a decision has no reviewer left to raise it to");
        }
        Ok(self.store.escalate_hr_action(row.id, call, now, &notices).await?)
    }

    /// Sends each decision-maker his content-free request to justify an
    /// action, in English and Chinese (he is no staff member with a
    /// language of his own). One who is not in the directory is not asked;
    /// the reviewer sees that.
    pub async fn ask_justifications(
        &self,
        mailer: &dyn crate::Mailer,
        texts: &dyn crate::NoticeText,
        public_url: &str,
    ) -> Result<crate::DeliveryReport> {
        let public_url = public_url.trim_end_matches('/');
        let mut report = crate::DeliveryReport::default();
        let now = self.clock.now();
        let index = self.directory_index().await?;
        for row in self.store.justifications_to_ask(now, 50).await? {
            let email = row.decider_token.as_ref().and_then(|t| index.person_of_token(t)).map(|p| p.email.clone());
            let Some(email) = email else {
                self.store.justification_asked(row.id, now).await?;
                continue;
            };
            let link = format!("{public_url}{JUSTIFY_PATH}/{}", self.justification_token(row.id)?);
            let kind = crate::NoticeKind::Justification;
            let subject = format!("{} / {}", texts.subject("en", kind), texts.subject("zh-CN", kind));
            let body = format!("{}\n\n---\n\n{}", texts.body("en", kind, &link), texts.body("zh-CN", kind, &link));
            match mailer.send(&email, &subject, &body).await {
                Ok(()) => {
                    self.store.justification_asked(row.id, now).await?;
                    report.sent += 1;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "a request for a justification could not be sent; it will be retried");
                    let wait = SignedDuration::from_secs(60 * (1i64 << row.justify_attempts.min(6)).min(60));
                    self.store.justification_retry(row.id, now + wait).await?;
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }

    fn justification_token(&self, id: uuid::Uuid) -> Result<String> {
        let secret = self.keys.justification_secret(id.as_bytes())?;
        Ok(format!("{}.{}", id.simple(), hex(&secret[..16])))
    }

    /// The action a justification link names, if the link is right and the
    /// action still waits for one; every other link answers the same.
    pub async fn justification_request(&self, token: &str) -> Result<JustificationRequest> {
        let (id, secret) = token.trim().split_once('.').ok_or(ServiceError::BadTicket)?;
        let id = uuid::Uuid::try_parse(id).map_err(|_| ServiceError::BadTicket)?;
        let expected = self.keys.justification_secret(id.as_bytes())?;
        if !ombud_crypto::constant_time_eq(secret.as_bytes(), hex(&expected[..16]).as_bytes()) {
            return Err(ServiceError::BadTicket);
        }
        let row = self.store.hr_action(id).await?.ok_or(ServiceError::BadTicket)?;
        if row.justified_at.is_some() || row.concluded_at.is_some() || row.exempt {
            return Err(ServiceError::BadTicket);
        }
        Ok(JustificationRequest { id, action: row.kind, received_at: row.received_at, period_end: row.period_end })
    }

    /// The decision-maker's written justification, sealed to the action's
    /// reviewers; once.
    pub async fn justify_hr_action(&self, token: &str, text: &str) -> Result<()> {
        let request = self.justification_request(token).await?;
        let text = sentence("justification", text).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let item = justification_item(request.id);
        let key = DataKey::generate()?;
        let sealed = seal_json(&key, &action_aad(request.id, "hr-justification"), &Justification { text })?;
        let readers: BTreeSet<StaffId> = self.store.item_readers(&request.id.to_string()).await?.into_iter().collect();
        let staff: Vec<StaffRecord> =
            self.store.list_staff().await?.into_iter().filter(|s| readers.contains(&s.id)).collect();
        let wraps = self.wraps_for(&item, &key, &staff)?;
        let event = StaffEventRecord::new(EventKind::HrActionJustified, self.clock.now(), Actor::System, None)
            .with_detail(request.id.to_string());
        if self.store.justify_hr_action(request.id, &sealed, &wraps, &event).await? {
            Ok(())
        } else {
            Err(ServiceError::BadTicket)
        }
    }
}

/// Where a decision-maker writes his justification from his one-time link.
pub const JUSTIFY_PATH: &str = "/justify";

/// What the justification page shows: which action, nothing about anyone.
#[derive(Clone, Debug)]
pub struct JustificationRequest {
    pub id: uuid::Uuid,
    pub action: HrActionKind,
    pub received_at: Timestamp,
    pub period_end: Timestamp,
}

/// The lines of an HR import, each with its line number, or every problem.
pub fn parse_hr_csv(text: &str) -> std::result::Result<Vec<(u64, HrActionInput)>, Vec<crate::ImportProblem>> {
    use crate::ImportProblem;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(_) => return Err(vec![ImportProblem { line: 1, column: None, code: "unreadable" }]),
    };
    if headers != HR_COLUMNS {
        return Err(vec![ImportProblem { line: 1, column: None, code: "wrong-hr-columns" }]);
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let Ok(record) = record else {
            problems.push(ImportProblem { line, column: None, code: "unreadable" });
            continue;
        };
        if record.len() != HR_COLUMNS.len() {
            problems.push(ImportProblem { line, column: None, code: "wrong-hr-columns" });
            continue;
        }
        let field = |n: usize| record.get(n).unwrap_or_default().to_owned();
        let input = HrActionInput {
            employee_id: field(0),
            action: field(1),
            effective: field(2),
            decided_by: field(3),
            ground: field(4),
        };
        match check_action(&input) {
            Ok(_) => rows.push((line, input)),
            Err(errors) => problems.extend(errors.into_iter().map(|e| ImportProblem {
                line,
                column: HR_COLUMNS.iter().find(|c| **c == e.field).copied(),
                code: e.code,
            })),
        }
        if rows.len() > MAX_IMPORT_ACTIONS {
            return Err(vec![ImportProblem { line, column: None, code: "too-many-lines" }]);
        }
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems) }
}

impl OversightDesk<'_> {
    /// The actions she may review, newest first: open ones with their
    /// deadlines, and those decided or concluded. An action she is kept out
    /// of leaves no trace here.
    pub async fn hr_reviews(&self) -> Result<Vec<HrReviewView>> {
        let mut out = Vec::new();
        for (row, wrap) in self.store.hr_actions_for(self.session.id, 500).await? {
            out.push(self.review_view(&row, &wrap).await?);
        }
        Ok(out)
    }

    pub async fn hr_review(&self, id: uuid::Uuid) -> Result<HrReviewView> {
        let (row, wrap) = self.reviewable(id).await?;
        self.review_view(&row, &wrap).await
    }

    /// The action and her wrap of its key; NotFound when she may not review it.
    async fn reviewable(&self, id: uuid::Uuid) -> Result<(HrActionRow, Vec<u8>)> {
        let row = self.store.hr_action(id).await?.ok_or(ServiceError::NotFound)?;
        let wrap = self.store.item_wrap(&id.to_string(), self.session.id).await?.ok_or(ServiceError::NotFound)?;
        Ok((row, wrap))
    }

    fn open_item(&self, item: &str, wrap: &[u8]) -> Result<DataKey> {
        Ok(self.session.secret.unwrap_case_key(wrap, &item_wrap_aad(item, self.session.id))?)
    }

    async fn review_view(&self, row: &HrActionRow, wrap: &[u8]) -> Result<HrReviewView> {
        let now = self.clock.now();
        let key = self.open_item(&row.id.to_string(), wrap)?;
        let p: Particulars = open_json(&key, &action_aad(row.id, "hr-action"), &row.sealed)?;
        let justification = match (
            &row.sealed_justification,
            self.store.item_wrap(&justification_item(row.id), self.session.id).await?,
        ) {
            (Some(sealed), Some(wrap)) => {
                let key = self.open_item(&justification_item(row.id), &wrap)?;
                Some(open_json::<Justification>(&key, &action_aad(row.id, "hr-justification"), sealed)?.text)
            }
            _ => None,
        };
        let decision = match &row.sealed_decision {
            Some(sealed) => Some(open_json::<SealedDecision>(&key, &action_aad(row.id, "hr-decision"), sealed)?),
            None => None,
        };
        let names = self.staff_names().await?;
        let person = self.person_tokens_of(&row.person_token).await?;
        let mut protected = Vec::new();
        for hit in self.protection_of(&person, now).await? {
            let reference = match hit.case_id {
                Some(case) => self.store.case(case).await?.map(|c| c.reference),
                None => None,
            };
            protected.push(ProtectionView { reference, basis: hit.basis });
        }
        let needs = match (row.concluded_at, row.needed_decision) {
            (Some(_), Some(needed)) => needed,
            (_, Some(true)) => true,
            _ => needs_decision(!protected.is_empty(), row.disclosure, row.taken_up_at.is_some()),
        };
        let decider_other_actions = match &row.decider_token {
            Some(t) => self.store.decider_count(t, now - REPEAT_WINDOW).await?.saturating_sub(1),
            None => 0,
        };
        Ok(HrReviewView {
            id: row.id,
            action: row.kind,
            received_at: row.received_at,
            period_end: row.period_end,
            review_due: self.config.retaliation.review_due(row.received_at),
            decider_asked: p.decider_name.is_some(),
            employee_id: p.employee_id,
            name: p.name,
            decided_by: p.decided_by,
            decider_name: p.decider_name,
            effective: p.effective,
            ground: p.ground,
            proceeding: p.proceeding,
            disclosure: row.disclosure,
            protected,
            needs_decision: needs,
            taken_up_by: row.taken_up_by.and_then(|s| names.get(&s).cloned()),
            justification,
            justified_at: row.justified_at,
            decision: row.decision,
            disclosure_protected: decision.as_ref().and_then(|d| d.disclosure.map(|a| a.protected())),
            disclosure_answers: decision.as_ref().and_then(|d| d.disclosure),
            reasons: decision.map(|d| d.reasons),
            decided_by_staff: row.decided_by.and_then(|s| names.get(&s).cloned()),
            decided_at: row.decided_at,
            hr_status: row.status,
            concluded: row.concluded_at.is_some(),
            escalated: row.escalated_at.is_some(),
            decider_other_actions,
        })
    }

    /// She takes up an action nobody was required to decide: from now on
    /// it needs a decision like the others.
    pub async fn take_up_hr_action(&self, id: uuid::Uuid) -> Result<()> {
        let (row, _) = self.reviewable(id).await?;
        let now = self.clock.now();
        let event = StaffEventRecord::new(EventKind::HrReviewTakenUp, now, Actor::Staff(self.session.id), None)
            .with_detail(row.id.to_string());
        if self.store.take_up_hr_action(row.id, self.session.id, now, &event).await? {
            Ok(())
        } else {
            Err(invalid("decision", "review-closed"))
        }
    }

    /// Her decision with its reasons; for a disclosure, her answers to the
    /// Directive's conditions. The HR system reads it when the period ends.
    pub async fn decide_hr_action(&self, id: uuid::Uuid, input: &HrDecisionInput) -> Result<()> {
        let (row, wrap) = self.reviewable(id).await?;
        let mut errors = Vec::new();
        let decision = match input.decision.trim().parse::<ReviewDecision>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(
                    "decision",
                    if input.decision.trim().is_empty() { "required" } else { "invalid" },
                ));
                None
            }
        };
        let reasons = sentence("reasons", &input.reasons).map_err(|e| errors.push(e)).ok();
        if row.disclosure && input.disclosure.is_none() {
            errors.push(FieldError::new("disclosure", "required"));
        }
        let (Some(decision), Some(reasons)) = (decision, reasons) else { return Err(ServiceError::Invalid(errors)) };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let now = self.clock.now();
        if row.exempt || row.decision.is_some() || row.period_end <= now {
            return Err(invalid("decision", "review-closed"));
        }
        let key = self.open_item(&row.id.to_string(), &wrap)?;
        let sealed = SealedDecision { reasons, disclosure: input.disclosure.filter(|_| row.disclosure) };
        let sealed = seal_json(&key, &action_aad(row.id, "hr-decision"), &sealed)?;
        let record = HrDecisionRow { decision, by: self.session.id, at: now, sealed: sealed.clone() };
        // The leaf binds the sealed reasons, so they cannot be changed unseen.
        let event = StaffEventRecord::new(EventKind::HrReviewDecided, now, Actor::Staff(self.session.id), None)
            .with_detail(format!("{} {decision} {}", row.id, hex(&ombud_ledger::payload_hash(&sealed))));
        if self.store.decide_hr_action(row.id, &record, &event).await? {
            Ok(())
        } else {
            Err(invalid("decision", "review-closed"))
        }
    }
}

/// Someone a case protects, as oversight sees it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProtectedPerson {
    /// Her name as the case holds it (a named person's name, a supporter's
    /// name, who oversight wrote); empty for the reporter protected from
    /// intake (her contact shows only when a reader reveals it) and when
    /// no name was given.
    pub who: String,
    pub basis: ProtectionBasis,
    /// When protection ends: closure plus `protection_months`; none while
    /// the case is open.
    pub until: Option<Timestamp>,
    /// Why oversight protects her, when a member added her by hand.
    pub reason: Option<String>,
    /// The member who added her, by name.
    pub added_by: Option<String>,
    /// When she was added by hand.
    pub added_at: Option<Timestamp>,
}

/// Someone oversight protects by hand on a case (issue 17 #1): a reporter
/// whose identity became known later, a colleague who helped.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AddProtectionInput {
    /// Who, as people write it: a name in either script and order, an
    /// employee id or a work email. Everyone it may mean is protected.
    #[schema(max_length = 200)]
    pub person: String,
    /// `reporter` (the reporter, now identified) or `added`.
    pub basis: String,
    /// Why, in a sentence or more.
    #[schema(max_length = 20000)]
    pub reason: String,
}

/// What oversight wrote of a person it added, and whom the directory
/// found for it, sealed under the case's key.
#[derive(Serialize, Deserialize)]
struct NoteBody {
    who: String,
    reason: String,
    #[serde(default)]
    matched: Vec<String>,
}

/// The directory people a text oversight wrote names. An employee id or an
/// email names one person. A whole name may name several: every one is
/// protected (a namesake costs a review), except as "the reporter", who is
/// one person. A surname alone names nobody: it would protect a crowd.
fn whom_text_names<'a>(
    index: &'a crate::directory_index::DirectoryIndex,
    text: &str,
    basis: Option<ProtectionBasis>,
) -> std::result::Result<Vec<&'a ombud_store::PersonRecord>, FieldError> {
    let exact = index.find(text, false, 1);
    if !exact.is_empty() {
        return Ok(exact);
    }
    let candidates = index.names.candidates(text);
    if candidates.is_empty() {
        return Err(FieldError::new("person", "person-not-in-directory"));
    }
    if candidates.iter().any(|(_, strength)| *strength == ombud_domain::Strength::Surname) {
        return Err(FieldError::new("person", "person-whole-name"));
    }
    if basis == Some(ProtectionBasis::Reporter) && candidates.len() > 1 {
        return Err(FieldError::new("person", "person-ambiguous"));
    }
    Ok(candidates.into_iter().filter_map(|(id, _)| index.people.get(id)).collect())
}

fn note_aad(case_id: CaseId) -> Vec<u8> {
    format!("ombud/v1/protection-note/{case_id}").into_bytes()
}

impl OversightDesk<'_> {
    /// Who a case protects and until when (issue 17 #1).
    pub async fn case_protection(&self, case_id: CaseId) -> Result<Vec<ProtectedPerson>> {
        let access = self.as_staff().case_access(case_id).await?;
        let sealed = self.store.report(case_id).await?.ok_or(ServiceError::NotFound)?;
        let report: ombud_domain::ReportContent =
            open_json(&access.key, &crate::sealing::report_aad(case_id), &sealed)?;
        let until = match self.store.check_in_state(case_id).await?.closed_at {
            Some(closed) => {
                let zone = self.config.policy.time_zone()?;
                let months = i64::from(self.config.retaliation.protection_months);
                closed.to_zoned(zone).checked_add(jiff::Span::new().months(months)).ok().map(|z| z.timestamp())
            }
            None => None,
        };
        let mut out = Vec::new();
        if self.store.protected_at_intake(case_id).await? {
            // Not her name: her contact details show only when a reader reveals them, and that is logged.
            out.push(ProtectedPerson { who: String::new(), basis: ProtectionBasis::Reporter, ..entry(until) });
        }
        for p in report.people.iter().filter(|p| p.role != ombud_domain::PersonRole::Accused) {
            let basis = if p.role == ombud_domain::PersonRole::Witness {
                ProtectionBasis::Witness
            } else {
                ProtectionBasis::Named
            };
            out.push(ProtectedPerson { who: p.shown_name().to_owned(), basis, ..entry(until) });
        }
        for statement in self.as_staff().support_statements(case_id).await? {
            out.push(ProtectedPerson { who: statement.name, basis: ProtectionBasis::Supporter, ..entry(until) });
        }
        let names = self.staff_names().await?;
        for note in self.store.protection_notes(case_id).await? {
            let body: NoteBody = open_json(&access.key, &note_aad(case_id), &note.sealed_note)?;
            let who = if body.matched.is_empty() {
                body.who
            } else {
                format!("{} → {}", body.who, body.matched.join(", "))
            };
            out.push(ProtectedPerson {
                who,
                basis: note.basis,
                until,
                reason: Some(body.reason),
                added_by: note.added_by.and_then(|id| names.get(&id).cloned()),
                added_at: Some(note.since),
            });
        }
        Ok(out)
    }

    /// Protects someone on a case by hand, with a reason: everyone the
    /// words may mean in the directory (a name in characters may be several
    /// people; protecting one too many costs a review, one too few costs
    /// her job), never the case's accused. Returns whom, by directory name.
    pub async fn add_protection(&self, case_id: CaseId, input: &AddProtectionInput) -> Result<Vec<String>> {
        let access = self.as_staff().case_access(case_id).await?;
        let mut errors = Vec::new();
        let who = required("person", &input.person, ombud_domain::MAX_SHORT_CHARS).map_err(|e| errors.push(e)).ok();
        let basis = match input.basis.trim() {
            "reporter" => Some(ProtectionBasis::Reporter),
            "added" => Some(ProtectionBasis::Added),
            _ => {
                errors.push(FieldError::new("basis", "choose-protection-basis"));
                None
            }
        };
        let reason = sentence("reason", &input.reason).map_err(|e| errors.push(e)).ok();
        let index = self.directory_index().await?;
        let accused: BTreeSet<Vec<u8>> = self.store.accused_tokens(case_id).await?.into_iter().collect();
        let mut people = Vec::new();
        let mut tokens = BTreeSet::new();
        if let Some(who) = &who {
            let found = match whom_text_names(&index, who, basis) {
                Ok(found) => found,
                Err(e) => {
                    errors.push(e);
                    Vec::new()
                }
            };
            for person in &found {
                let theirs = self.person_tokens(person)?;
                // The accused cannot be made protected by the case against him.
                if theirs.iter().any(|t| accused.contains(t)) {
                    continue;
                }
                people.push(person.name.clone());
                tokens.extend(theirs);
            }
            if !found.is_empty() && tokens.is_empty() {
                errors.push(FieldError::new("person", "person-is-accused"));
            }
        }
        if self.protection_ended(case_id).await? {
            errors.push(FieldError::new("person", "protection-ended"));
        }
        let (Some(who), Some(basis), Some(reason)) = (who, basis, reason) else {
            return Err(ServiceError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let now = self.clock.now();
        let note = NoteBody { who, reason, matched: people.clone() };
        let sealed_note = seal_json(&access.key, &note_aad(case_id), &note)?;
        let rows: Vec<ProtectedRow> = tokens
            .into_iter()
            .map(|token| ProtectedRow {
                id: uuid::Uuid::now_v7(),
                token,
                case_id: Some(case_id),
                basis,
                since: now,
                until: None,
                added_by: Some(self.session.id),
                sealed_note: Some(sealed_note.clone()),
            })
            .collect();
        let event = EventRecord::new(case_id, EventKind::ProtectionAdded, now, Actor::Staff(self.session.id));
        self.store.add_protected(&rows, &event).await?;
        self.recheck_reviewers(case_id).await?;
        Ok(people)
    }
}

/// A protected person's entry with nothing added by hand.
fn entry(until: Option<Timestamp>) -> ProtectedPerson {
    ProtectedPerson {
        who: String::new(),
        basis: ProtectionBasis::Added,
        until,
        reason: None,
        added_by: None,
        added_at: None,
    }
}

/// Proceedings a person named in a case brought against someone the case
/// protects (issue 17 #6), as oversight records them.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CounterProceedingInput {
    /// The position of the person who brought them, among the people the report names.
    pub brought_by: Option<u32>,
    /// `reporter`, the position of a person the report names (a witness),
    /// or `supporter:<id>` for a statement in support she may read.
    pub against: String,
    /// `lawsuit` or `complaint`.
    pub kind: String,
    /// When they were brought (YYYY-MM-DD).
    pub date: String,
    /// What they claim, and what is known of them.
    #[schema(max_length = 20000)]
    pub detail: String,
}

impl OversightDesk<'_> {
    /// Records proceedings against someone a case protects: a review like a
    /// held action's, decided by members outside the chains of whoever
    /// brought them and of the case's accused.
    pub async fn record_counter_proceeding(
        &self,
        case_id: CaseId,
        input: &CounterProceedingInput,
    ) -> Result<uuid::Uuid> {
        let access = self.as_staff().case_access(case_id).await?;
        let sealed = self.store.report(case_id).await?.ok_or(ServiceError::NotFound)?;
        let report: ombud_domain::ReportContent =
            open_json(&access.key, &crate::sealing::report_aad(case_id), &sealed)?;
        let mut errors = Vec::new();
        let kind = match input.kind.trim() {
            k @ ("lawsuit" | "complaint") => k.to_owned(),
            _ => {
                errors.push(FieldError::new("kind", "choose-proceeding-kind"));
                String::new()
            }
        };
        let today = self.clock.now().to_zoned(self.config.policy.time_zone()?).date();
        let date = match input.date.trim().parse::<jiff::civil::Date>() {
            Ok(date) if date > today => {
                errors.push(FieldError::new("date", "date-in-future"));
                None
            }
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(FieldError::new("date", "invalid-date"));
                None
            }
        };
        let detail = sentence("detail", &input.detail).map_err(|e| errors.push(e)).ok();
        let parties = self.store.case_parties(case_id).await?;
        let tokens_at = |position: u32| -> BTreeSet<Vec<u8>> {
            parties.iter().filter(|p| p.position == position).map(|p| p.token.clone()).collect()
        };
        let brought_by = input.brought_by.filter(|p| (*p as usize) < report.people.len());
        if brought_by.is_none() {
            errors.push(FieldError::new("brought_by", "choose-person"));
        }
        let (target, target_name, basis) = match input.against.trim() {
            "reporter" => {
                let mut tokens: BTreeSet<Vec<u8>> =
                    self.store.protected_tokens(case_id, ProtectionBasis::Reporter).await?.into_iter().collect();
                // An anonymous reporter has no identity token: one for her place in this case stands in.
                if tokens.is_empty() {
                    tokens.insert(self.keys.person_by_employee_id(&format!("reporter-of:{case_id}"))?.to_vec());
                }
                (tokens, report.contact.as_ref().map(|c| c.name.clone()), ProtectionBasis::Reporter)
            }
            // A supporter, by a statement this member may read.
            supporter if supporter.starts_with("supporter:") => {
                let item = supporter.trim_start_matches("supporter:").parse::<uuid::Uuid>().ok();
                let statements = self.as_staff().support_statements(case_id).await?;
                match statements.iter().find(|s| Some(s.id) == item) {
                    Some(statement) => {
                        let mut tokens: BTreeSet<Vec<u8>> =
                            self.store.item_tokens(statement.id).await?.into_iter().collect();
                        if tokens.is_empty() {
                            let stand_in = format!("supporter-of:{}", statement.id);
                            tokens.insert(self.keys.person_by_employee_id(&stand_in)?.to_vec());
                        }
                        (tokens, Some(statement.name.clone()), ProtectionBasis::Supporter)
                    }
                    None => {
                        errors.push(FieldError::new("against", "choose-person"));
                        (BTreeSet::new(), None, ProtectionBasis::Supporter)
                    }
                }
            }
            // Someone the case protects: never its accused, nor the one who brought them.
            position => match position.parse::<u32>().ok().filter(|p| {
                report.people.get(*p as usize).is_some_and(|x| x.role != ombud_domain::PersonRole::Accused)
                    && Some(*p) != brought_by
            }) {
                Some(p) => {
                    let person = &report.people[p as usize];
                    let basis = if person.role == ombud_domain::PersonRole::Witness {
                        ProtectionBasis::Witness
                    } else {
                        ProtectionBasis::Named
                    };
                    (tokens_at(p), Some(person.shown_name().to_owned()), basis)
                }
                None => {
                    errors.push(FieldError::new("against", "choose-person"));
                    (BTreeSet::new(), None, ProtectionBasis::Witness)
                }
            },
        };
        let (Some(date), Some(detail), Some(by)) = (date, detail, brought_by) else {
            return Err(ServiceError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let decider = tokens_at(by);
        let hits = [ProtectionHit { case_id: Some(case_id), basis }];
        let now = self.clock.now();
        let id = uuid::Uuid::now_v7();
        let particulars = Particulars {
            employee_id: target_name.clone().unwrap_or_default(),
            name: target_name,
            decided_by: report.people.get(by as usize).map(|p| p.shown_name().to_owned()).unwrap_or_default(),
            decider_name: None,
            effective: date,
            ground: detail,
            bases: vec![(access.case.reference.clone(), basis)],
            proceeding: Some(kind),
        };
        let key = DataKey::generate()?;
        let reviewers = self.reviewers(&target, &decider, &hits).await?;
        let wraps = self.wraps_for(&id.to_string(), &key, &reviewers)?;
        let row = HrActionRow {
            id,
            token_id: None,
            kind: HrActionKind::Other,
            received_at: now,
            period_end: self.config.retaliation.period_end(now),
            exempt: false,
            disclosure: false,
            person_token: target.iter().next().cloned().unwrap_or_default(),
            decider_token: decider.iter().next().cloned(),
            sealed: seal_json(&key, &action_aad(id, "hr-action"), &particulars)?,
            status: HrActionStatus::Held,
            escalated_at: None,
            last_call_at: None,
            taken_up_at: Some(now),
            taken_up_by: Some(self.session.id),
            decision: None,
            decided_at: None,
            decided_by: None,
            sealed_decision: None,
            needed_decision: Some(true),
            concluded_at: None,
            justify_next_at: None,
            justify_attempts: 0,
            justify_mailed_at: None,
            justified_at: None,
            sealed_justification: None,
            proceeding: true,
        };
        let event = StaffEventRecord::new(EventKind::HrActionReceived, now, Actor::Staff(self.session.id), None)
            .with_detail(format!("{id} {}", HrActionKind::Other));
        self.store.create_hr_action(&row, &wraps, &event).await?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(employee: &str, action: &str, effective: &str, ground: &str) -> HrActionInput {
        HrActionInput {
            employee_id: employee.into(),
            action: action.into(),
            effective: effective.into(),
            decided_by: "E100".into(),
            ground: ground.into(),
        }
    }

    #[test]
    fn every_mistake_in_an_action_is_named_by_its_field() {
        let ok = check_action(&input(" E7 ", "Pay_Change", "2027-01-31", "restructuring")).expect("valid");
        assert_eq!((ok.employee_id.as_str(), ok.kind), ("E7", HrActionKind::PayChange));
        let errors = check_action(&input("", "firing", "31/01/2027", " ")).err().expect("invalid");
        let named: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            named,
            [
                ("employee_id", "required"),
                ("action", "unknown-action"),
                ("effective", "invalid-date"),
                ("ground", "required")
            ]
        );
    }

    #[test]
    fn an_import_names_every_bad_line_and_takes_none() {
        let good = "employee_id,action,effective,decided_by,ground\nE1,dismissal,2027-01-02,E9,disclosure\n";
        assert_eq!(parse_hr_csv(good).expect("good").len(), 1);
        let bad = format!("{good}E2,firing,2027-01-02,E9,x\nE3,transfer,soon,E9,x\nE4,transfer\n");
        let problems = parse_hr_csv(&bad).expect_err("bad");
        let lines: Vec<(u64, Option<&str>, &str)> = problems.iter().map(|p| (p.line, p.column, p.code)).collect();
        assert_eq!(
            lines,
            [
                (3, Some("action"), "unknown-action"),
                (4, Some("effective"), "invalid-date"),
                (5, None, "wrong-hr-columns")
            ]
        );
        assert!(parse_hr_csv("id,action\nE1,x\n").is_err(), "other columns are refused");
    }
}

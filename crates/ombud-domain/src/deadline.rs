//! Deadlines from a policy. Defaults follow the EU Whistleblower Directive
//! (2019/1937, art. 9): acknowledge within 7 days of receipt, feedback within
//! 3 months of acknowledgement. Arithmetic is calendar arithmetic in the
//! organisation's time zone, so "7 days" survives a daylight-saving change.

use crate::DomainError;
use jiff::{SignedDuration, Span, Timestamp, tz::TimeZone};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeadlinePolicy {
    /// Calendar days from receipt to acknowledgement.
    pub acknowledge_days: i32,
    /// Calendar months from acknowledgement to feedback.
    pub feedback_months: i32,
    /// How many months the feedback deadline may be extended by (0: not at
    /// all). It is never paused: the Directive's three months run from
    /// acknowledgement. An organisation under another jurisdiction may allow
    /// an extension here.
    pub feedback_extension_months: i32,
    /// How far a handler may move a deadline alone, in days past its first
    /// date, by pauses and extensions together; a move past it waits for an
    /// oversight member's approval before it takes effect.
    pub pause_max_days: i64,
    /// IANA name of the organisation's time zone, e.g. "Asia/Shanghai".
    pub time_zone: String,
    /// How long before a deadline the handlers are reminded.
    pub remind_before_hours: i64,
    /// Calendar days to answer each of her requests.
    pub request_answer_days: i32,
    /// Hours the oversight committee has to identify an accused colleague
    /// who matched nobody in the directory (the case is restricted meanwhile).
    pub routing_hours: i64,
    /// Tighter or looser rules per category, by its name ("sexual_assault").
    pub categories: std::collections::BTreeMap<String, CategoryPolicy>,
}

/// What a category changes in the policy.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CategoryPolicy {
    pub acknowledge_days: Option<i32>,
    /// Hours from receipt to triage.
    pub triage_hours: Option<i64>,
    /// Hours from receipt to a decision on interim measures.
    pub interim_measures_hours: Option<i64>,
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        // Assault and violence: triage and an interim-measures decision within 72 hours.
        let assault =
            CategoryPolicy { acknowledge_days: None, triage_hours: Some(72), interim_measures_hours: Some(72) };
        Self {
            acknowledge_days: 7,
            feedback_months: 3,
            feedback_extension_months: 0,
            pause_max_days: 14,
            time_zone: "UTC".to_owned(),
            remind_before_hours: 48,
            request_answer_days: 5,
            routing_hours: 24,
            categories: [("sexual_assault".to_owned(), assault)].into_iter().collect(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    Acknowledge,
    /// Triage of a sexual assault or violence report.
    Triage,
    /// A decision on interim measures (no contact, leave…).
    InterimMeasures,
    Feedback,
    /// An answer to one of her requests.
    RequestAnswer,
    /// Oversight identifies an accused who matched nobody (restricted case).
    /// Shown to staff only: nothing tells her whether a name matched.
    Routing,
    /// An interim measure is reviewed by the day its decision named: changed
    /// (with what she is told) or ended. Staff only: she reads the review
    /// date on the measure itself.
    MeasureReview,
}

names!(DeadlineKind, "deadline" {
    Acknowledge => "acknowledge",
    Triage => "triage",
    InterimMeasures => "interim_measures",
    Feedback => "feedback",
    RequestAnswer => "request_answer",
    Routing => "routing",
    MeasureReview => "measure_review",
});

impl DeadlineKind {
    /// Whether she sees deadlines of this kind on her case.
    pub fn shown_to_reporter(self) -> bool {
        !matches!(self, DeadlineKind::Routing | DeadlineKind::MeasureReview)
    }

    /// Whether a handler may move it by extending or pausing it. A review
    /// date moves with its measure, changed with a reason and a text for her.
    pub fn movable(self) -> bool {
        !matches!(self, DeadlineKind::Acknowledge | DeadlineKind::MeasureReview)
    }
}

/// Why a deadline ended without being met. Only what a deadline asks for
/// meets it; everything else that ends one says why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosedReason {
    /// The case was closed: nothing is due on it any more.
    CaseClosed,
}

names!(ClosedReason, "closed reason" {
    CaseClosed => "case_closed",
});

/// Where a moved deadline stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeState {
    Applied,
    /// A pause past the policy's limit: nothing moves until oversight approves.
    Pending,
    Refused,
}

names!(ChangeState, "change state" {
    Applied => "applied",
    Pending => "pending",
    Refused => "refused",
});

/// One deadline of one case, as shown to the reporter and the handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Deadline {
    pub kind: DeadlineKind,
    /// None while the deadline cannot be computed yet (feedback before acknowledgement).
    pub due: Option<Timestamp>,
    /// When it was met, if it was.
    pub met_at: Option<Timestamp>,
    /// When and why it ended unmet (the case closed), if it did.
    pub closed: Option<(Timestamp, ClosedReason)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineState {
    Met,
    /// Not yet due; time left.
    Open(SignedDuration),
    /// Passed without being met; by how much.
    Overdue(SignedDuration),
    /// Starts when an earlier step happens.
    NotStarted,
    /// Ended without being met, for a reason: nothing is due any more.
    Closed(ClosedReason),
}

/// A deadline's state by name, as the API gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStateName {
    Open,
    Met,
    Overdue,
    NotStarted,
    Closed,
}

names!(DeadlineStateName, "deadline state" {
    Open => "open",
    Met => "met",
    Overdue => "overdue",
    NotStarted => "not_started",
    Closed => "closed",
});

impl DeadlineState {
    pub fn name(self) -> DeadlineStateName {
        match self {
            DeadlineState::Met => DeadlineStateName::Met,
            DeadlineState::Open(_) => DeadlineStateName::Open,
            DeadlineState::Overdue(_) => DeadlineStateName::Overdue,
            DeadlineState::NotStarted => DeadlineStateName::NotStarted,
            DeadlineState::Closed(_) => DeadlineStateName::Closed,
        }
    }

    /// Why it ended unmet, if it did.
    pub fn closed_reason(self) -> Option<ClosedReason> {
        match self {
            DeadlineState::Closed(reason) => Some(reason),
            _ => None,
        }
    }
}

impl Deadline {
    /// A deadline that passed unmet, or was met only after it passed: it
    /// stays missed on the record.
    /// A deadline closed with its case counts as missed only if it had
    /// already passed when the case closed.
    pub fn missed(&self, now: Timestamp) -> bool {
        match (self.due, self.met_at, self.closed) {
            (Some(due), None, None) => due <= now,
            (Some(due), None, Some((closed, _))) => due <= closed,
            (Some(due), Some(met), _) => met > due,
            (None, _, _) => false,
        }
    }

    pub fn state(&self, now: Timestamp) -> DeadlineState {
        match (self.met_at, self.closed, self.due) {
            (Some(_), _, _) => DeadlineState::Met,
            (None, Some((_, why)), _) => DeadlineState::Closed(why),
            (None, None, None) => DeadlineState::NotStarted,
            (None, None, Some(due)) if due > now => DeadlineState::Open(due.duration_since(now)),
            (None, None, Some(due)) => DeadlineState::Overdue(now.duration_since(due)),
        }
    }
}

/// The reporter may raise her case to oversight herself once any of its
/// deadlines was missed; before that, the handling team still has time.
pub fn reporter_may_escalate(deadlines: &[Deadline], now: Timestamp) -> bool {
    deadlines.iter().any(|d| d.missed(now))
}

impl DeadlinePolicy {
    pub fn time_zone(&self) -> Result<TimeZone, DomainError> {
        TimeZone::get(&self.time_zone).map_err(|_| DomainError::UnknownTimeZone(self.time_zone.clone()))
    }

    /// The last second of a day in the organisation's zone: a date a person
    /// names ("review by 4 December") means all of that day.
    pub fn end_of_day(&self, date: jiff::civil::Date) -> Result<Timestamp, DomainError> {
        date.at(23, 59, 59, 0)
            .to_zoned(self.time_zone()?)
            .map(|z| z.timestamp())
            .map_err(|_| DomainError::DeadlineOutOfRange)
    }

    pub fn acknowledge_due(&self, received: Timestamp) -> Result<Timestamp, DomainError> {
        self.add_in_zone(received, Span::new().try_days(self.acknowledge_days))
    }

    /// The deadlines a new report of `category` starts with.
    pub fn on_receipt(
        &self,
        category: crate::Category,
        received: Timestamp,
    ) -> Result<Vec<(DeadlineKind, Timestamp)>, DomainError> {
        let rules = self.categories.get(category.as_str()).cloned().unwrap_or_default();
        let ack_days = rules.acknowledge_days.unwrap_or(self.acknowledge_days);
        let mut out = vec![(DeadlineKind::Acknowledge, self.add_in_zone(received, Span::new().try_days(ack_days))?)];
        let hours = |h: i64| {
            received.checked_add(jiff::SignedDuration::from_hours(h)).map_err(|_| DomainError::DeadlineOutOfRange)
        };
        if let Some(h) = rules.triage_hours {
            out.push((DeadlineKind::Triage, hours(h)?));
        }
        if let Some(h) = rules.interim_measures_hours {
            out.push((DeadlineKind::InterimMeasures, hours(h)?));
        }
        Ok(out)
    }

    pub fn request_answer_due(&self, received: Timestamp) -> Result<Timestamp, DomainError> {
        self.add_in_zone(received, Span::new().try_days(self.request_answer_days))
    }

    /// When oversight must have identified an accused who matched nobody.
    pub fn routing_due(&self, received: Timestamp) -> Result<Timestamp, DomainError> {
        received
            .checked_add(jiff::SignedDuration::from_hours(self.routing_hours))
            .map_err(|_| DomainError::DeadlineOutOfRange)
    }

    pub fn feedback_due(&self, acknowledged: Timestamp) -> Result<Timestamp, DomainError> {
        self.add_in_zone(acknowledged, Span::new().try_months(self.feedback_months))
    }

    /// The latest the feedback deadline of a case acknowledged at this time
    /// may be moved to: its due date plus the allowed extension.
    pub fn feedback_latest(&self, acknowledged: Timestamp) -> Result<Timestamp, DomainError> {
        let months = self.feedback_months.saturating_add(self.feedback_extension_months.max(0));
        self.add_in_zone(acknowledged, Span::new().try_months(months))
    }

    /// The deadlines of a case from its two dates. The acknowledgement
    /// deadline is met by acknowledging; feedback is met later in the workflow.
    pub fn deadlines(
        &self,
        received: Timestamp,
        acknowledged: Option<Timestamp>,
    ) -> Result<[Deadline; 2], DomainError> {
        let feedback_due = acknowledged.map(|at| self.feedback_due(at)).transpose()?;
        Ok([
            Deadline {
                kind: DeadlineKind::Acknowledge,
                due: Some(self.acknowledge_due(received)?),
                met_at: acknowledged,
                closed: None,
            },
            Deadline { kind: DeadlineKind::Feedback, due: feedback_due, met_at: None, closed: None },
        ])
    }

    fn add_in_zone(&self, at: Timestamp, span: Result<Span, jiff::Error>) -> Result<Timestamp, DomainError> {
        let span = span.map_err(|_| DomainError::DeadlineOutOfRange)?;
        let zoned = at.to_zoned(self.time_zone()?);
        zoned.checked_add(span).map(|z| z.timestamp()).map_err(|_| DomainError::DeadlineOutOfRange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test timestamp")
    }

    #[test]
    fn defaults_are_seven_days_and_three_months() {
        let p = DeadlinePolicy::default();
        assert_eq!(p.acknowledge_due(ts("2026-01-01T09:00:00Z")), Ok(ts("2026-01-08T09:00:00Z")));
        assert_eq!(p.feedback_due(ts("2026-01-31T09:00:00Z")), Ok(ts("2026-04-30T09:00:00Z")));
    }

    #[test]
    fn calendar_days_survive_daylight_saving() {
        let p = DeadlinePolicy { time_zone: "Europe/Berlin".into(), ..Default::default() };
        // 2026-03-29 clocks go forward: 7 calendar days is 167 hours here.
        let due = p.acknowledge_due(ts("2026-03-25T08:00:00Z")).expect("due");
        assert_eq!(due, ts("2026-04-01T07:00:00Z"));
    }

    #[test]
    fn unknown_zone_is_an_error() {
        let p = DeadlinePolicy { time_zone: "Mars/Olympus".into(), ..Default::default() };
        assert!(matches!(p.acknowledge_due(Timestamp::UNIX_EPOCH), Err(DomainError::UnknownTimeZone(_))));
    }

    #[test]
    fn states() {
        let p = DeadlinePolicy::default();
        let received = ts("2026-01-01T00:00:00Z");
        let [ack, feedback] = p.deadlines(received, None).expect("deadlines");
        assert!(matches!(ack.state(ts("2026-01-02T00:00:00Z")), DeadlineState::Open(_)));
        assert!(matches!(ack.state(ts("2026-01-09T00:00:00Z")), DeadlineState::Overdue(_)));
        assert_eq!(feedback.state(ts("2026-01-02T00:00:00Z")), DeadlineState::NotStarted);
        let [ack, feedback] = p.deadlines(received, Some(ts("2026-01-03T00:00:00Z"))).expect("deadlines");
        assert_eq!(ack.state(ts("2026-02-01T00:00:00Z")), DeadlineState::Met);
        assert_eq!(feedback.due, Some(ts("2026-04-03T00:00:00Z")));
        let closed_at = ts("2026-01-05T00:00:00Z");
        let ended = Deadline { closed: Some((closed_at, ClosedReason::CaseClosed)), ..feedback };
        assert_eq!(ended.state(ts("2026-09-01T00:00:00Z")), DeadlineState::Closed(ClosedReason::CaseClosed));
        assert_eq!(ended.state(ts("2026-09-01T00:00:00Z")).name().as_str(), "closed");
        assert!(!ended.missed(ts("2026-09-01T00:00:00Z")), "closed before it fell due: not missed");
        let late = Deadline { closed: Some((ts("2026-05-01T00:00:00Z"), ClosedReason::CaseClosed)), ..feedback };
        assert!(late.missed(ts("2026-09-01T00:00:00Z")), "closed after it passed: missed on the record");
    }

    #[test]
    fn she_may_escalate_once_a_deadline_was_missed() {
        let p = DeadlinePolicy::default();
        let received = ts("2026-01-01T00:00:00Z");
        let open = p.deadlines(received, None).expect("deadlines");
        assert!(!reporter_may_escalate(&open, ts("2026-01-07T00:00:00Z")));
        assert!(reporter_may_escalate(&open, ts("2026-01-08T00:00:01Z")));
        let late = p.deadlines(received, Some(ts("2026-01-10T00:00:00Z"))).expect("deadlines");
        assert!(reporter_may_escalate(&late, ts("2026-01-11T00:00:00Z")), "met late is still missed");
        let on_time = p.deadlines(received, Some(ts("2026-01-02T00:00:00Z"))).expect("deadlines");
        assert!(!reporter_may_escalate(&on_time, ts("2026-02-01T00:00:00Z")));
        assert_eq!("feedback".parse::<DeadlineKind>(), Ok(DeadlineKind::Feedback));
    }

    proptest! {
        #[test]
        fn acknowledge_due_is_seven_days_give_or_take_an_hour(secs in 0i64..4_000_000_000, zone in prop::sample::select(vec!["UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York"])) {
            let p = DeadlinePolicy { time_zone: zone.into(), ..Default::default() };
            let at = Timestamp::from_second(secs).expect("in range");
            let due = p.acknowledge_due(at).expect("due");
            let hours = due.duration_since(at).as_hours();
            prop_assert!((167..=169).contains(&hours), "{hours}");
        }

        #[test]
        fn feedback_is_never_before_acknowledgement_and_within_93_days(secs in 0i64..4_000_000_000) {
            let p = DeadlinePolicy::default();
            let at = Timestamp::from_second(secs).expect("in range");
            let due = p.feedback_due(at).expect("due");
            let days = due.duration_since(at).as_hours() / 24;
            prop_assert!((89..=92).contains(&days), "{days}");
        }
    }
}

/// Why a case reached the oversight committee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationCause {
    /// The sweep found a deadline passed unmet.
    MissedDeadline,
    /// She raised it herself, once a deadline was missed.
    Reporter,
}

names!(EscalationCause, "escalation cause" {
    MissedDeadline => "missed_deadline",
    Reporter => "reporter",
});

//! After she speaks up: adverse HR actions and what the HR system is told
//! about them (issue 17, DECISIONS #18). Every action of a listed kind is
//! held for the review period whoever it concerns, so no answer can tell HR
//! who is protected; what changes at the end of the period is decided by a
//! person, or, when nobody decided an action that needed a decision,
//! overturned: the burden of proof is the employer's (Directive Art. 21(5)).

use jiff::{SignedDuration, Timestamp};

/// An adverse action an HR system announces before it takes effect
/// (Directive Art. 19).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HrActionKind {
    Dismissal,
    Demotion,
    Transfer,
    PayChange,
    NegativeReview,
    Discipline,
    NonRenewal,
    ContractChange,
    MedicalReferral,
    Other,
}

names!(HrActionKind, "HR action" {
    Dismissal => "dismissal",
    Demotion => "demotion",
    Transfer => "transfer",
    PayChange => "pay_change",
    NegativeReview => "negative_review",
    Discipline => "discipline",
    NonRenewal => "non_renewal",
    ContractChange => "contract_change",
    MedicalReferral => "medical_referral",
    Other => "other",
});

/// What the HR system reads back for an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HrActionStatus {
    /// Within its review period (every action of a kind that is not exempt).
    Held,
    /// It may go ahead.
    Upheld,
    /// It may not.
    Overturned,
    /// It may go ahead as the reviewer changed it.
    Modified,
    /// An exempt kind: never held, so it protects nobody.
    Cleared,
}

names!(HrActionStatus, "HR action status" {
    Held => "held",
    Upheld => "upheld",
    Overturned => "overturned",
    Modified => "modified",
    Cleared => "cleared",
});

/// A reviewer's decision on a held action, with her reasons (kept sealed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Upheld,
    Overturned,
    Modified,
}

names!(ReviewDecision, "review decision" {
    Upheld => "upheld",
    Overturned => "overturned",
    Modified => "modified",
});

impl From<ReviewDecision> for HrActionStatus {
    fn from(d: ReviewDecision) -> Self {
        match d {
            ReviewDecision::Upheld => HrActionStatus::Upheld,
            ReviewDecision::Overturned => HrActionStatus::Overturned,
            ReviewDecision::Modified => HrActionStatus::Modified,
        }
    }
}

/// The ground an HR system gives: free text, or `disclosure` (the person
/// shared information about misconduct), which is held for a decision
/// whoever the person is: the colleagues who shared her account were not
/// reporters.
pub fn is_disclosure(ground: &str) -> bool {
    ground.trim().eq_ignore_ascii_case("disclosure")
}

/// `[retaliation]`: how long an action is held, the kinds an organisation
/// exempts, and how long protection lasts after a case closes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetaliationPolicy {
    pub review_days: u32,
    pub skip_kinds: Vec<HrActionKind>,
    pub protection_months: u32,
    /// Days after closure when her page asks whether anything changed for
    /// her at work.
    pub check_in_days: Vec<u32>,
}

impl Default for RetaliationPolicy {
    fn default() -> Self {
        Self { review_days: 5, skip_kinds: Vec::new(), protection_months: 24, check_in_days: vec![30, 60, 90, 180] }
    }
}

impl RetaliationPolicy {
    pub fn exempt(&self, kind: HrActionKind) -> bool {
        self.skip_kinds.contains(&kind)
    }

    /// The check-in to ask now: the latest day due since closure that is
    /// later than every one she answered (one she missed is not asked
    /// after a later one came due).
    pub fn check_in_due(&self, closed_at: Timestamp, now: Timestamp, answered: &[u32]) -> Option<u32> {
        let last_answered = answered.iter().copied().max();
        self.check_in_days
            .iter()
            .copied()
            .filter(|day| {
                closed_at.saturating_add(SignedDuration::from_hours(24 * i64::from(*day))).is_ok_and(|due| due <= now)
            })
            .filter(|day| last_answered.is_none_or(|a| *day > a))
            .max()
    }

    /// When the review period of an action received now ends.
    pub fn period_end(&self, received: Timestamp) -> Timestamp {
        received.saturating_add(SignedDuration::from_hours(24 * i64::from(self.review_days.max(1)))).unwrap_or(received)
    }

    /// When its review is due, and escalated to oversight: two days before
    /// the period ends (or at once, for a period of two days or less)…
    pub fn review_due(&self, received: Timestamp) -> Timestamp {
        self.period_end(received).saturating_sub(SignedDuration::from_hours(48)).unwrap_or(received).max(received)
    }

    /// …and escalated again one day before.
    pub fn last_call(&self, received: Timestamp) -> Timestamp {
        self.period_end(received).saturating_sub(SignedDuration::from_hours(24)).unwrap_or(received).max(received)
    }
}

/// Whether a person must decide the action before its period ends: it
/// concerns someone protected, gives `disclosure` as its ground, or a
/// reviewer took it up. Asked again at the end, so protection gained during
/// the period counts.
pub fn needs_decision(protected: bool, disclosure: bool, taken_up: bool) -> bool {
    protected || disclosure || taken_up
}

/// What the HR system is told. Nothing changes before the period ends, for
/// any action: a decision taken earlier waits, so the timing of an answer
/// cannot single out a protected person. At the end, a decision stands; an
/// action nobody needed to decide is upheld; one that needed a decision and
/// got none is overturned (fail closed).
pub fn hr_status(
    exempt: bool,
    period_end: Timestamp,
    now: Timestamp,
    decision: Option<ReviewDecision>,
    needed_decision: bool,
) -> HrActionStatus {
    if exempt {
        return HrActionStatus::Cleared;
    }
    if now < period_end {
        return HrActionStatus::Held;
    }
    match decision {
        Some(decision) => decision.into(),
        None if needed_decision => HrActionStatus::Overturned,
        None => HrActionStatus::Upheld,
    }
}

/// Why a person is protected (Directive Art. 4(4) reaches facilitators and
/// colleagues too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtectionBasis {
    /// She reported, and her contact matched the directory (or she was identified).
    Reporter,
    /// Named in a report as a witness.
    Witness,
    /// Named in a report otherwise (not as the accused).
    Named,
    /// She added a statement in support of a case.
    Supporter,
    /// Oversight added her, with a reason.
    Added,
}

names!(ProtectionBasis, "protection basis" {
    Reporter => "reporter",
    Witness => "witness",
    Named => "named",
    Supporter => "supporter",
    Added => "added",
});

/// A reviewer's answers to the Directive's conditions for a disclosure to be
/// protected: reasonable grounds to believe it true (Art. 6(1)(a)), and,
/// for a disclosure made public, one of Art. 15(1): reported first with no
/// appropriate action in time, an imminent or manifest danger to the public
/// interest, or a risk of retaliation or little prospect of the breach
/// being addressed by an external report.
/// Every answer is required: a question left out is never taken for a no.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisclosureAnswers {
    pub believed_true: bool,
    pub reported_first: bool,
    pub public_danger: bool,
    pub retaliation_risk: bool,
}

impl DisclosureAnswers {
    /// The questions, in the order a reviewer answers them (keys of the forms and texts).
    pub const QUESTIONS: [&'static str; 4] = ["believed_true", "reported_first", "public_danger", "retaliation_risk"];

    /// Whether the disclosure was protected on these answers.
    pub fn protected(&self) -> bool {
        self.believed_true && (self.reported_first || self.public_danger || self.retaliation_risk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("time")
    }

    #[test]
    fn every_action_is_held_until_its_period_ends_and_a_decision_waits_for_it() {
        let received = at("2026-12-01T09:00:00Z");
        let policy = RetaliationPolicy::default();
        let end = policy.period_end(received);
        assert_eq!(end, at("2026-12-06T09:00:00Z"));
        assert_eq!(policy.review_due(received), at("2026-12-04T09:00:00Z"));
        assert_eq!(policy.last_call(received), at("2026-12-05T09:00:00Z"));
        let before = at("2026-12-05T23:00:00Z");
        for (protected, decision) in [(true, Some(ReviewDecision::Upheld)), (false, None), (true, None)] {
            assert_eq!(hr_status(false, end, before, decision, protected), HrActionStatus::Held);
        }
        assert_eq!(hr_status(false, end, end, Some(ReviewDecision::Modified), true), HrActionStatus::Modified);
        assert_eq!(hr_status(false, end, end, None, false), HrActionStatus::Upheld, "nobody needed to decide");
        assert_eq!(hr_status(false, end, end, None, true), HrActionStatus::Overturned, "nobody decided in time");
        assert_eq!(hr_status(true, end, before, None, true), HrActionStatus::Cleared, "an exempt kind");
    }

    #[test]
    fn a_disclosure_or_a_protected_person_needs_a_person_to_decide() {
        assert!(is_disclosure(" Disclosure ") && !is_disclosure("poor performance (disclosure of results)"));
        assert!(needs_decision(true, false, false) && needs_decision(false, true, false));
        assert!(needs_decision(false, false, true) && !needs_decision(false, false, false));
        let short = RetaliationPolicy { review_days: 1, ..RetaliationPolicy::default() };
        let received = at("2026-12-01T09:00:00Z");
        assert_eq!(short.review_due(received), received, "a short period is due at once");
        assert_eq!("pay_change".parse::<HrActionKind>().ok(), Some(HrActionKind::PayChange));
        assert!("firing".parse::<HrActionKind>().is_err());
    }

    #[test]
    fn she_is_asked_the_latest_check_in_due_and_never_one_she_passed() {
        let policy = RetaliationPolicy::default();
        let closed = at("2026-01-01T09:00:00Z");
        assert_eq!(policy.check_in_due(closed, at("2026-01-30T09:00:00Z"), &[]), None, "not yet");
        assert_eq!(policy.check_in_due(closed, at("2026-01-31T09:00:00Z"), &[]), Some(30));
        assert_eq!(policy.check_in_due(closed, at("2026-01-31T10:00:00Z"), &[30]), None, "answered");
        assert_eq!(policy.check_in_due(closed, at("2026-04-20T09:00:00Z"), &[30]), Some(90), "the latest due");
        assert_eq!(policy.check_in_due(closed, at("2026-04-20T09:00:00Z"), &[90]), None, "60 is not asked after 90");
    }

    #[test]
    fn a_disclosure_is_protected_when_believed_true_and_one_condition_holds() {
        let believed = DisclosureAnswers { believed_true: true, ..DisclosureAnswers::default() };
        assert!(!believed.protected(), "belief alone is not enough for a public disclosure");
        assert!(DisclosureAnswers { public_danger: true, ..believed }.protected());
        assert!(DisclosureAnswers { retaliation_risk: true, ..believed }.protected());
        let unbelieved =
            DisclosureAnswers { reported_first: true, public_danger: true, ..DisclosureAnswers::default() };
        assert!(!unbelieved.protected(), "information she did not believe true is not protected");
    }
}

//! The case workflow, in one place:
//!
//! ```text
//! received → acknowledged → assessed (in scope) → investigating → findings → decision → closed
//!                        ↘ referred elsewhere → (sexual harassment or assault: oversight sign-off) → closed
//!                        ↘ dismissed → (sexual harassment or assault: oversight sign-off) → closed
//! closed → reopened → investigating
//! ```
//!
//! Every step but the acknowledgement needs a written reason; the web layer
//! and the API only ever ask this module what is allowed.

use crate::{CaseRouting, CaseStatus, Category, DeadlineKind, DomainError, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    InScope,
    Referred,
    Dismissed,
}

/// One step a person asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Acknowledge,
    Assess(Outcome),
    /// A free-text decision on interim measures, as steps once recorded it.
    /// Kept to read old records; measures are decided as structured
    /// measures now (`MeasureKind`), and this step is never taken again.
    InterimMeasures,
    StartInvestigation,
    RecordFindings,
    Decide,
    Close,
    Reopen,
    /// Oversight approves a pending dismissal…
    ApproveDismissal,
    /// …or refuses it, sending the case back to assessment.
    RefuseDismissal,
    /// Oversight approves a pending referral elsewhere…
    ApproveReferral,
    /// …or refuses it, sending the case back to assessment.
    RefuseReferral,
}

/// A step's wire name (`assess_in_scope`…), for an API schema listing every one.
pub struct StepName;

impl utoipa::PartialSchema for StepName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Step::ALL.map(Step::as_str)))
            .into()
    }
}

impl utoipa::ToSchema for StepName {}

/// How a handler answered one of her requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerOutcome {
    Granted,
    PartlyGranted,
    Declined,
}

names!(AnswerOutcome, "answer" {
    Granted => "granted",
    PartlyGranted => "partly_granted",
    Declined => "declined",
});

impl Step {
    pub const ALL: [Step; 14] = [
        Step::Acknowledge,
        Step::Assess(Outcome::InScope),
        Step::Assess(Outcome::Referred),
        Step::Assess(Outcome::Dismissed),
        Step::InterimMeasures,
        Step::StartInvestigation,
        Step::RecordFindings,
        Step::Decide,
        Step::Close,
        Step::Reopen,
        Step::ApproveDismissal,
        Step::RefuseDismissal,
        Step::ApproveReferral,
        Step::RefuseReferral,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Acknowledge => "acknowledge",
            Step::Assess(Outcome::InScope) => "assess_in_scope",
            Step::Assess(Outcome::Referred) => "assess_referred",
            Step::Assess(Outcome::Dismissed) => "assess_dismissed",
            Step::InterimMeasures => "interim_measures",
            Step::StartInvestigation => "start_investigation",
            Step::RecordFindings => "record_findings",
            Step::Decide => "decide",
            Step::Close => "close",
            Step::Reopen => "reopen",
            Step::ApproveDismissal => "approve_dismissal",
            Step::RefuseDismissal => "refuse_dismissal",
            Step::ApproveReferral => "approve_referral",
            Step::RefuseReferral => "refuse_referral",
        }
    }

    /// Who may take the step: sign-offs belong to oversight, the rest to handlers.
    pub fn role(self) -> Role {
        match self {
            Step::ApproveDismissal | Step::RefuseDismissal | Step::ApproveReferral | Step::RefuseReferral => {
                Role::Oversight
            }
            _ => Role::Handler,
        }
    }

    pub fn needs_reason(self) -> bool {
        self != Step::Acknowledge
    }

    /// Whether the step ends the case or turns its direction, so she must be
    /// told what happened and why, in a text written for her (`for_reporter`):
    /// referral, dismissal, findings, decision, closure, reopening, and
    /// oversight's sign-offs that close a case or send it back.
    pub fn needs_for_reporter(self) -> bool {
        matches!(
            self,
            Step::Assess(Outcome::Referred | Outcome::Dismissed)
                | Step::RecordFindings
                | Step::Decide
                | Step::Close
                | Step::Reopen
                | Step::ApproveDismissal
                | Step::RefuseDismissal
                | Step::ApproveReferral
                | Step::RefuseReferral
        )
    }

    /// Whether the step sends her elsewhere (a referral or a dismissal), so
    /// her page names the outside channels she can turn to next.
    pub fn points_elsewhere(self) -> bool {
        matches!(
            self,
            Step::Assess(Outcome::Referred | Outcome::Dismissed) | Step::ApproveDismissal | Step::ApproveReferral
        )
    }

    /// The deadlines this step meets: only what each deadline asks for.
    /// Feedback is not among them (only feedback written for her meets it),
    /// and closing meets nothing: it closes what is still open, with the reason.
    pub fn meets(self) -> Vec<DeadlineKind> {
        match self {
            Step::Acknowledge => vec![DeadlineKind::Acknowledge],
            Step::Assess(_) => vec![DeadlineKind::Triage],
            Step::InterimMeasures => vec![DeadlineKind::InterimMeasures],
            _ => Vec::new(),
        }
    }

    /// Whether the step starts a new feedback deadline (acknowledging, reopening).
    pub fn starts_feedback(self) -> bool {
        matches!(self, Step::Acknowledge | Step::Reopen)
    }
}

impl std::str::FromStr for Step {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Step::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| DomainError::UnknownValue { what: "step", value: s.to_owned() })
    }
}

/// Dismissing or referring these elsewhere needs an oversight member's
/// sign-off before it takes effect: neither may close one quietly.
pub fn dismissal_needs_sign_off(category: Category) -> bool {
    matches!(category, Category::SexualHarassment | Category::SexualAssault)
}

/// Where a step leads from a status, or why it cannot be taken.
pub fn next_status(from: CaseStatus, step: Step, category: Category) -> Result<CaseStatus, DomainError> {
    use CaseStatus as S;
    let to = match (from, step) {
        (S::Received, Step::Acknowledge) => S::Acknowledged,
        (S::Acknowledged, Step::Assess(Outcome::InScope)) => S::Assessed,
        (S::Acknowledged, Step::Assess(Outcome::Referred)) if dismissal_needs_sign_off(category) => S::ReferralPending,
        (S::Acknowledged, Step::Assess(Outcome::Referred)) => S::Closed,
        (S::ReferralPending, Step::ApproveReferral) => S::Closed,
        (S::ReferralPending, Step::RefuseReferral) => S::Acknowledged,
        (S::Acknowledged, Step::Assess(Outcome::Dismissed)) if dismissal_needs_sign_off(category) => {
            S::DismissalPending
        }
        (S::Acknowledged, Step::Assess(Outcome::Dismissed)) => S::Closed,
        (S::DismissalPending, Step::ApproveDismissal) => S::Closed,
        (S::DismissalPending, Step::RefuseDismissal) => S::Acknowledged,

        (S::Assessed, Step::StartInvestigation) => S::Investigating,
        (S::Investigating, Step::RecordFindings) => S::Findings,
        (S::Findings, Step::Decide) => S::Decision,
        (S::Decision, Step::Close) => S::Closed,
        (S::Closed, Step::Reopen) => S::Investigating,
        (from, step) => return Err(DomainError::InvalidTransition { from, action: step.as_str() }),
    };
    Ok(to)
}

/// Whether someone of this role may take a step on a case so routed. A
/// sign-off is oversight's and the rest handlers'; on a case that is
/// oversight's alone no handler reads it, so oversight takes its steps.
pub fn may_take(role: Role, step: Step, routing: CaseRouting, leads: bool) -> bool {
    step.role() == role || (role == Role::Oversight && (routing.oversight_only() || leads))
}

/// Who writes to her and answers her requests on a case so routed: its
/// handlers, and oversight on a case that is oversight's alone (no handler
/// reads it, and she must not go unanswered) or that an oversight member
/// took over as its lead (`leads`).
pub fn works_case(role: Role, routing: CaseRouting, leads: bool) -> bool {
    role.handles_cases() || (role == Role::Oversight && (routing.oversight_only() || leads))
}

/// Whether a step may be taken before anyone independent has settled who
/// the accused is: only her acknowledgement may go out meanwhile.
pub fn routing_allows(step: Step, routing: CaseRouting) -> bool {
    routing != CaseRouting::Restricted || step == Step::Acknowledge
}

/// The steps a person with `role` may take now, for a form's choices.
pub fn available_steps(
    from: CaseStatus,
    category: Category,
    role: Role,
    routing: CaseRouting,
    leads: bool,
) -> Vec<Step> {
    Step::ALL
        .into_iter()
        .filter(|s| may_take(role, *s, routing, leads) && routing_allows(*s, routing))
        .filter(|s| next_status(from, *s, category).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_whole_way_through() {
        let c = Category::Retaliation;
        let mut s = CaseStatus::Received;
        for step in [
            Step::Acknowledge,
            Step::Assess(Outcome::InScope),
            Step::StartInvestigation,
            Step::RecordFindings,
            Step::Decide,
            Step::Close,
            Step::Reopen,
        ] {
            s = next_status(s, step, c).expect("allowed");
        }
        assert_eq!(s, CaseStatus::Investigating);
    }

    #[test]
    fn dismissing_harassment_or_assault_waits_for_oversight() {
        for c in [Category::SexualHarassment, Category::SexualAssault] {
            let s = next_status(CaseStatus::Acknowledged, Step::Assess(Outcome::Dismissed), c).expect("allowed");
            assert_eq!(s, CaseStatus::DismissalPending);
            assert_eq!(next_status(s, Step::ApproveDismissal, c), Ok(CaseStatus::Closed));
            assert_eq!(next_status(s, Step::RefuseDismissal, c), Ok(CaseStatus::Acknowledged));
            assert!(next_status(s, Step::Close, c).is_err(), "a handler cannot close around the sign-off");
            assert_eq!(Step::ApproveDismissal.role(), Role::Oversight);
        }
        assert_eq!(
            next_status(CaseStatus::Acknowledged, Step::Assess(Outcome::Dismissed), Category::Other),
            Ok(CaseStatus::Closed)
        );
    }

    #[test]
    fn referring_harassment_or_assault_elsewhere_waits_for_oversight() {
        for c in [Category::SexualHarassment, Category::SexualAssault] {
            let s = next_status(CaseStatus::Acknowledged, Step::Assess(Outcome::Referred), c).expect("allowed");
            assert_eq!(s, CaseStatus::ReferralPending);
            assert_eq!(next_status(s, Step::ApproveReferral, c), Ok(CaseStatus::Closed));
            assert_eq!(next_status(s, Step::RefuseReferral, c), Ok(CaseStatus::Acknowledged));
            assert!(next_status(s, Step::Close, c).is_err(), "a handler cannot close around the sign-off");
            assert!(next_status(s, Step::ApproveDismissal, c).is_err(), "a referral is not signed off as a dismissal");
            assert_eq!(Step::ApproveReferral.role(), Role::Oversight);
        }
        assert_eq!(
            next_status(CaseStatus::Acknowledged, Step::Assess(Outcome::Referred), Category::Discrimination),
            Ok(CaseStatus::Closed)
        );
    }

    #[test]
    fn every_step_that_ends_or_turns_a_case_tells_her_why() {
        for category in Category::ALL {
            for from in CaseStatus::ALL {
                for step in Step::ALL {
                    let Ok(to) = next_status(from, step, category) else { continue };
                    let ends = to == CaseStatus::Closed || from == CaseStatus::Closed;
                    let pending = [CaseStatus::DismissalPending, CaseStatus::ReferralPending];
                    let turns = from != to && (pending.contains(&to) || pending.contains(&from));
                    if ends || turns {
                        assert!(step.needs_for_reporter(), "{step:?} from {from} to {to} says nothing to her");
                    }
                }
            }
        }
        assert!(!Step::Acknowledge.needs_for_reporter());
        assert!(Step::Assess(Outcome::Dismissed).points_elsewhere());
        assert!(!Step::Close.points_elsewhere());
    }

    #[test]
    fn steps_offered_are_steps_allowed() {
        let decided = CaseRouting::Decided;
        assert_eq!(
            available_steps(CaseStatus::Received, Category::Other, Role::Handler, decided, false),
            vec![Step::Acknowledge],
            "interim measures are decided as measures, not as a step"
        );
        assert_eq!(
            available_steps(CaseStatus::DismissalPending, Category::SexualAssault, Role::Oversight, decided, false),
            vec![Step::ApproveDismissal, Step::RefuseDismissal]
        );
        assert!(available_steps(CaseStatus::Acknowledged, Category::Other, Role::Oversight, decided, false).is_empty());
        // A restricted case: oversight may acknowledge it, and nothing more.
        assert_eq!(
            available_steps(CaseStatus::Received, Category::Other, Role::Oversight, CaseRouting::Restricted, false),
            vec![Step::Acknowledge]
        );
        assert!(
            available_steps(CaseStatus::Acknowledged, Category::Other, Role::Oversight, CaseRouting::Restricted, false)
                .is_empty()
        );
        // Kept with oversight: oversight takes the handlers' steps.
        assert_eq!(
            available_steps(CaseStatus::Acknowledged, Category::Other, Role::Oversight, CaseRouting::Oversight, false),
            vec![Step::Assess(Outcome::InScope), Step::Assess(Outcome::Referred), Step::Assess(Outcome::Dismissed),]
        );
        for s in Step::ALL {
            assert_eq!(s.as_str().parse::<Step>(), Ok(s));
        }
    }

    proptest! {
        #[test]
        fn no_sequence_of_steps_closes_a_harassment_dismissal_without_oversight(steps in proptest::collection::vec(0usize..14, 0..30)) {
            let c = Category::SexualHarassment;
            let mut s = CaseStatus::Received;
            let mut pending_seen = false;
            for i in steps {
                let step = Step::ALL[i];
                if step.role() == Role::Oversight { continue; }
                if let Ok(next) = next_status(s, step, c) {
                    if matches!(s, CaseStatus::DismissalPending | CaseStatus::ReferralPending) {
                        prop_assert_ne!(next, CaseStatus::Closed);
                    }
                    pending_seen |= next == CaseStatus::DismissalPending;
                    s = next;
                }
            }
            let _ = pending_seen;
        }
    }
}

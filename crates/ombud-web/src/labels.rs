//! The words a person sees for each value Ombud shows. Every enum a page
//! names has one exhaustive `match` here from value to Fluent key, so a new
//! variant does not compile until it has a key, and the i18n test checks
//! every key of every variant in both languages. No key is ever built with
//! `format!` from a value's name.

use crate::i18n::Tr;
use ombud_domain::{
    AnswerOutcome, CaseStatus, Category, ClosedReason, DeadlineKind, EventKind, ExclusionReason, LocationKind, Outcome,
    PersonRole, RequestKind, Step,
};
use ombud_domain::{CaseOutcome, EscalationCause, MatchHow, MeasureAction, MeasureKind, Sanction};

/// A value with a name in both languages.
pub trait Label: Copy {
    /// The Fluent key of its name.
    fn key(self) -> &'static str;
}

impl Tr {
    /// The value's name in this language.
    pub fn label(&self, value: impl Label) -> String {
        self.t(value.key())
    }
}

impl Label for Category {
    fn key(self) -> &'static str {
        match self {
            Category::SexualHarassment => "category-sexual-harassment",
            Category::SexualAssault => "category-sexual-assault",
            Category::Retaliation => "category-retaliation",
            Category::Discrimination => "category-discrimination",
            Category::Other => "category-other",
        }
    }
}

impl Label for CaseStatus {
    fn key(self) -> &'static str {
        match self {
            CaseStatus::Received => "status-received",
            CaseStatus::Acknowledged => "status-acknowledged",
            CaseStatus::DismissalPending => "status-dismissal-pending",
            CaseStatus::ReferralPending => "status-referral-pending",
            CaseStatus::Assessed => "status-assessed",
            CaseStatus::Investigating => "status-investigating",
            CaseStatus::Findings => "status-findings",
            CaseStatus::Decision => "status-decision",
            CaseStatus::Closed => "status-closed",
        }
    }
}

impl Label for LocationKind {
    fn key(self) -> &'static str {
        match self {
            LocationKind::Workplace => "location-workplace",
            LocationKind::BusinessTrip => "location-business-trip",
            LocationKind::ClientOrSocialEvent => "location-client-or-social-event",
            LocationKind::Online => "location-online",
            LocationKind::Other => "location-other",
        }
    }
}

impl Label for PersonRole {
    fn key(self) -> &'static str {
        match self {
            PersonRole::Accused => "role-accused",
            PersonRole::Witness => "role-witness",
            PersonRole::Other => "role-other",
        }
    }
}

impl Label for RequestKind {
    fn key(self) -> &'static str {
        match self {
            RequestKind::NoContact => "request-no-contact",
            RequestKind::ChangeReportingLine => "request-change-reporting-line",
            RequestKind::Leave => "request-leave",
            RequestKind::Counselling => "request-counselling",
            RequestKind::Other => "request-other",
        }
    }
}

impl Label for EventKind {
    fn key(self) -> &'static str {
        match self {
            EventKind::Submitted => "event-submitted",
            EventKind::Acknowledged => "event-acknowledged",
            EventKind::OpenedByStaff => "event-opened-by-staff",
            EventKind::MessageFromReporter => "event-message-from-reporter",
            EventKind::MessageFromStaff => "event-message-from-staff",
            EventKind::AccessGranted => "event-access-granted",
            EventKind::Escalated => "event-escalated",
            EventKind::StateChanged => "event-state-changed",
            EventKind::RequestAnswered => "event-request-answered",
            EventKind::DeadlineExtended => "event-deadline-extended",
            EventKind::ProceedingLinked => "event-proceeding-linked",
            EventKind::FileDownloaded => "event-file-downloaded",
            EventKind::IdentityRevealed => "event-identity-revealed",
            EventKind::PeopleMatched => "event-people-matched",
            EventKind::AccessChanged => "event-access-changed",
            EventKind::Recused => "event-recused",
            EventKind::FeedbackSent => "event-feedback-sent",
            EventKind::PauseAsked => "event-pause-asked",
            EventKind::PauseRefused => "event-pause-refused",
            EventKind::Assigned => "event-assigned",
            EventKind::NoteAdded => "event-note-added",
            EventKind::LabelsChanged => "event-labels-changed",
            EventKind::EscalationResolved => "event-escalation-resolved",
            EventKind::InterimMeasure => "event-interim-measure",
            EventKind::CasesLinked => "event-cases-linked",
            EventKind::StaffAdded => "event-staff-added",
            EventKind::StaffInvited => "event-staff-invited",
            EventKind::StaffJoined => "event-staff-joined",
            EventKind::StaffDisabled => "event-staff-disabled",
            EventKind::StaffEnabled => "event-staff-enabled",
            EventKind::StaffReset => "event-staff-reset",
            EventKind::PasswordChosen => "event-password-chosen",
            EventKind::StaffRoleChanged => "event-staff-role-changed",
            EventKind::StaffRoleAsked => "event-staff-role-asked",
            EventKind::StaffRoleRefused => "event-staff-role-refused",
            EventKind::PasswordChanged => "event-password-changed",
            EventKind::SecondFactorSet => "event-second-factor-set",
            EventKind::RecoveryCodeUsed => "event-recovery-code-used",
            EventKind::StaffLinked => "event-staff-linked",
            EventKind::SyncTokenCreated => "event-sync-token-created",
            EventKind::SyncTokenRevoked => "event-sync-token-revoked",
            EventKind::RecoveryEnabled => "event-recovery-enabled",
            EventKind::RecoveryAsked => "event-recovery-asked",
            EventKind::RecoveryApproved => "event-recovery-approved",
            EventKind::RecoveryDone => "event-recovery-done",
            EventKind::CaseRecovered => "event-case-recovered",
            EventKind::HrTokenCreated => "event-hr-token-created",
            EventKind::HrTokenRevoked => "event-hr-token-revoked",
            EventKind::HrActionReceived => "event-hr-action-received",
            EventKind::HrActionJustified => "event-hr-action-justified",
            EventKind::HrReviewTakenUp => "event-hr-review-taken-up",
            EventKind::HrReviewDecided => "event-hr-review-decided",
            EventKind::HrActionConcluded => "event-hr-action-concluded",
            EventKind::CheckInAnswered => "event-check-in-answered",
            EventKind::RetaliationReported => "event-retaliation-reported",
            EventKind::SupportAdded => "event-support-added",
            EventKind::SupportMessage => "event-support-message",
            EventKind::ProtectionAdded => "event-protection-added",
        }
    }
}

impl Label for ombud_domain::HrActionKind {
    fn key(self) -> &'static str {
        use ombud_domain::HrActionKind as K;
        match self {
            K::Dismissal => "hr-action-dismissal",
            K::Demotion => "hr-action-demotion",
            K::Transfer => "hr-action-transfer",
            K::PayChange => "hr-action-pay-change",
            K::NegativeReview => "hr-action-negative-review",
            K::Discipline => "hr-action-discipline",
            K::NonRenewal => "hr-action-non-renewal",
            K::ContractChange => "hr-action-contract-change",
            K::MedicalReferral => "hr-action-medical-referral",
            K::Other => "hr-action-other",
        }
    }
}

impl Label for ombud_domain::HrActionStatus {
    fn key(self) -> &'static str {
        use ombud_domain::HrActionStatus as S;
        match self {
            S::Held => "hr-status-held",
            S::Upheld => "hr-status-upheld",
            S::Overturned => "hr-status-overturned",
            S::Modified => "hr-status-modified",
            S::Cleared => "hr-status-cleared",
        }
    }
}

impl Label for ombud_domain::ReviewDecision {
    fn key(self) -> &'static str {
        match self {
            ombud_domain::ReviewDecision::Upheld => "review-decision-upheld",
            ombud_domain::ReviewDecision::Overturned => "review-decision-overturned",
            ombud_domain::ReviewDecision::Modified => "review-decision-modified",
        }
    }
}

impl Label for ombud_domain::ProtectionBasis {
    fn key(self) -> &'static str {
        use ombud_domain::ProtectionBasis as B;
        match self {
            B::Reporter => "protection-reporter",
            B::Witness => "protection-witness",
            B::Named => "protection-named",
            B::Supporter => "protection-supporter",
            B::Added => "protection-added",
        }
    }
}

impl Label for ombud_domain::StaffStatus {
    fn key(self) -> &'static str {
        match self {
            ombud_domain::StaffStatus::Active => "staff-status-active",
            ombud_domain::StaffStatus::Invited => "staff-status-invited",
            ombud_domain::StaffStatus::Reset => "staff-status-reset",
            ombud_domain::StaffStatus::Disabled => "staff-status-disabled",
        }
    }
}

impl Label for ombud_domain::Role {
    fn key(self) -> &'static str {
        match self {
            ombud_domain::Role::Handler => "staff-role-handler",
            ombud_domain::Role::Oversight => "staff-role-oversight",
            ombud_domain::Role::Admin => "staff-role-admin",
        }
    }
}

impl Label for ombud_domain::RecoveryKind {
    fn key(self) -> &'static str {
        match self {
            ombud_domain::RecoveryKind::Enable => "recovery-kind-enable",
            ombud_domain::RecoveryKind::Recover => "recovery-kind-recover",
            ombud_domain::RecoveryKind::Resplit => "recovery-kind-resplit",
            ombud_domain::RecoveryKind::Rotate => "recovery-kind-rotate",
        }
    }
}

impl Label for ExclusionReason {
    fn key(self) -> &'static str {
        match self {
            ExclusionReason::Declared => "exclusion-declared",
            ExclusionReason::Named => "exclusion-named",
            ExclusionReason::ManagementChain => "exclusion-management-chain",
            ExclusionReason::HrPartner => "exclusion-hr-partner",
            ExclusionReason::DirectReport => "exclusion-direct-report",
            ExclusionReason::OversightOnly => "exclusion-oversight-only",
            ExclusionReason::Conflict => "exclusion-conflict",
        }
    }
}

impl Label for MatchHow {
    fn key(self) -> &'static str {
        match self {
            MatchHow::EmployeeId => "match-employee-id",
            MatchHow::Email => "match-email",
            MatchHow::Name => "match-name",
            MatchHow::Handler => "match-handler",
            MatchHow::External => "match-external",
            MatchHow::Unmatched => "match-unmatched",
            MatchHow::Unidentified => "match-unidentified",
        }
    }
}

impl Label for EscalationCause {
    fn key(self) -> &'static str {
        match self {
            EscalationCause::MissedDeadline => "cause-missed-deadline",
            EscalationCause::Reporter => "cause-reporter",
        }
    }
}

impl Label for DeadlineKind {
    fn key(self) -> &'static str {
        match self {
            DeadlineKind::Acknowledge => "deadline-acknowledge",
            DeadlineKind::Triage => "deadline-triage",
            DeadlineKind::InterimMeasures => "deadline-interim-measures",
            DeadlineKind::Feedback => "deadline-feedback",
            DeadlineKind::RequestAnswer => "deadline-request-answer",
            DeadlineKind::Routing => "deadline-routing",
            DeadlineKind::MeasureReview => "deadline-measure-review",
        }
    }
}

impl Label for Step {
    fn key(self) -> &'static str {
        match self {
            Step::Acknowledge => "step-acknowledge",
            Step::Assess(Outcome::InScope) => "step-assess-in-scope",
            Step::Assess(Outcome::Referred) => "step-assess-referred",
            Step::Assess(Outcome::Dismissed) => "step-assess-dismissed",
            Step::InterimMeasures => "step-interim-measures",
            Step::StartInvestigation => "step-start-investigation",
            Step::RecordFindings => "step-record-findings",
            Step::Decide => "step-decide",
            Step::Close => "step-close",
            Step::Reopen => "step-reopen",
            Step::ApproveDismissal => "step-approve-dismissal",
            Step::RefuseDismissal => "step-refuse-dismissal",
            Step::ApproveReferral => "step-approve-referral",
            Step::RefuseReferral => "step-refuse-referral",
        }
    }
}

impl Label for ClosedReason {
    fn key(self) -> &'static str {
        match self {
            ClosedReason::CaseClosed => "deadline-closed-case-closed",
        }
    }
}

/// What a step means to her, as her page names the outcome it records.
pub fn outcome_key(step: Step) -> &'static str {
    match step {
        Step::Acknowledge => "outcome-acknowledge",
        Step::Assess(Outcome::InScope) => "outcome-assess-in-scope",
        Step::Assess(Outcome::Referred) => "outcome-assess-referred",
        Step::Assess(Outcome::Dismissed) => "outcome-assess-dismissed",
        Step::InterimMeasures => "outcome-interim-measures",
        Step::StartInvestigation => "outcome-start-investigation",
        Step::RecordFindings => "outcome-record-findings",
        Step::Decide => "outcome-decide",
        Step::Close => "outcome-close",
        Step::Reopen => "outcome-reopen",
        Step::ApproveDismissal => "outcome-approve-dismissal",
        Step::RefuseDismissal => "outcome-refuse-dismissal",
        Step::ApproveReferral => "outcome-approve-referral",
        Step::RefuseReferral => "outcome-refuse-referral",
    }
}

/// What a deadline of this kind says before its clock starts.
pub fn not_started_key(kind: DeadlineKind) -> &'static str {
    match kind {
        DeadlineKind::Acknowledge => "deadline-acknowledge-not-started",
        DeadlineKind::Triage => "deadline-triage-not-started",
        DeadlineKind::InterimMeasures => "deadline-interim-measures-not-started",
        DeadlineKind::Feedback => "deadline-feedback-not-started",
        DeadlineKind::RequestAnswer => "deadline-request-answer-not-started",
        DeadlineKind::Routing => "deadline-routing-not-started",
        DeadlineKind::MeasureReview => "deadline-measure-review-not-started",
    }
}

/// How the access log names an access, for the events that are one.
pub fn access_key(kind: EventKind) -> Option<&'static str> {
    match kind {
        EventKind::OpenedByStaff => Some("access-opened-by-staff"),
        EventKind::FileDownloaded => Some("access-file-downloaded"),
        EventKind::IdentityRevealed => Some("access-identity-revealed"),
        _ => None,
    }
}

impl Label for AnswerOutcome {
    fn key(self) -> &'static str {
        match self {
            AnswerOutcome::Granted => "answer-granted",
            AnswerOutcome::PartlyGranted => "answer-partly-granted",
            AnswerOutcome::Declined => "answer-declined",
        }
    }
}

/// The name of a value kept as text (a step as recorded): its label when it parses, else the text itself.
pub fn label_of<T: Label + std::str::FromStr>(tr: &Tr, text: &str) -> String {
    text.parse::<T>().map(|v| tr.label(v)).unwrap_or_else(|_| text.to_owned())
}

impl Label for MeasureKind {
    fn key(self) -> &'static str {
        match self {
            MeasureKind::NoContact => "measure-no-contact",
            MeasureKind::SeparateWorkplaces => "measure-separate-workplaces",
            MeasureKind::LeaveOrReassignment => "measure-leave-or-reassignment",
            MeasureKind::NoJointTravel => "measure-no-joint-travel",
            MeasureKind::Other => "measure-other",
        }
    }
}

impl Label for CaseOutcome {
    fn key(self) -> &'static str {
        match self {
            CaseOutcome::Substantiated => "case-outcome-substantiated",
            CaseOutcome::PartlySubstantiated => "case-outcome-partly-substantiated",
            CaseOutcome::NotSubstantiated => "case-outcome-not-substantiated",
            CaseOutcome::Inconclusive => "case-outcome-inconclusive",
            CaseOutcome::Referred => "case-outcome-referred",
            CaseOutcome::Withdrawn => "case-outcome-withdrawn",
            CaseOutcome::Dismissed => "case-outcome-dismissed",
        }
    }
}

impl Label for Sanction {
    fn key(self) -> &'static str {
        match self {
            Sanction::NoSanction => "sanction-no-sanction",
            Sanction::VerbalWarning => "sanction-verbal-warning",
            Sanction::WrittenWarning => "sanction-written-warning",
            Sanction::Training => "sanction-training",
            Sanction::Reassignment => "sanction-reassignment",
            Sanction::Demotion => "sanction-demotion",
            Sanction::Suspension => "sanction-suspension",
            Sanction::Dismissal => "sanction-dismissal",
            Sanction::Other => "sanction-other",
        }
    }
}

impl Label for MeasureAction {
    fn key(self) -> &'static str {
        match self {
            MeasureAction::Decided => "measure-decided",
            MeasureAction::Changed => "measure-changed",
            MeasureAction::Ended => "measure-ended",
        }
    }
}

//! A case: its category, its state and the events that move it.

use crate::DomainError;

/// Kept in clear on purpose: routing and deadline policy depend on it while
/// nobody is signed in. It says what kind of misconduct, not who or what.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    SexualHarassment,
    SexualAssault,
    Retaliation,
    Discrimination,
    Other,
}

names!(Category, "category" {
    SexualHarassment => "sexual_harassment",
    SexualAssault => "sexual_assault",
    Retaliation => "retaliation",
    Discrimination => "discrimination",
    Other => "other",
});

/// Where a case stands. The foundation knows the first step of the workflow;
/// the full workflow (assessment, investigation, decision) extends this enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Received,
    Acknowledged,
    /// Dismissal proposed; waits for an oversight member's sign-off.
    DismissalPending,
    /// Referral of a sexual harassment or assault case proposed; waits for
    /// an oversight member's sign-off, like a dismissal.
    ReferralPending,
    Assessed,
    Investigating,
    Findings,
    Decision,
    Closed,
}

names!(CaseStatus, "status" {
    Received => "received",
    Acknowledged => "acknowledged",
    DismissalPending => "dismissal_pending",
    ReferralPending => "referral_pending",
    Assessed => "assessed",
    Investigating => "investigating",
    Findings => "findings",
    Decision => "decision",
    Closed => "closed",
});

impl CaseStatus {
    /// The statuses of a case being worked, past triage: such a case without
    /// a lead investigator waits on oversight to assign one.
    pub const WORKED: [CaseStatus; 4] =
        [CaseStatus::Assessed, CaseStatus::Investigating, CaseStatus::Findings, CaseStatus::Decision];

    /// received → acknowledged; anything else is refused, so a second click
    /// cannot move the feedback deadline.
    pub fn acknowledge(self) -> Result<CaseStatus, DomainError> {
        match self {
            CaseStatus::Received => Ok(CaseStatus::Acknowledged),
            from => Err(DomainError::InvalidTransition { from, action: "acknowledge" }),
        }
    }
}

/// Whether a case's readers are settled. In the case Ombud answers, the
/// report reached the accused's own chain: when the accused is a colleague
/// nobody in the directory matches, nobody can tell whose chain that is, so
/// the case stays with the oversight committee until a member identifies him.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseRouting {
    /// The rule routed the case.
    Decided,
    /// An accused inside the organisation matched nobody: oversight only,
    /// and no step may be taken, until a member identifies him.
    Restricted,
    /// Oversight recorded that he cannot be identified: the case stays with
    /// oversight (and any handler it assigns).
    Oversight,
}

names!(CaseRouting, "routing" {
    Decided => "decided",
    Restricted => "restricted",
    Oversight => "oversight",
});

impl CaseRouting {
    /// Whether handlers are kept out whatever the rule says of them.
    pub fn oversight_only(self) -> bool {
        self != CaseRouting::Decided
    }
}

/// What happened to a case, recorded with who and when. The record holds no
/// content: content lives only in sealed items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Submitted,
    Acknowledged,
    OpenedByStaff,
    MessageFromReporter,
    MessageFromStaff,
    AccessGranted,
    Escalated,
    StateChanged,
    RequestAnswered,
    DeadlineExtended,
    ProceedingLinked,
    /// A staff member downloaded a file of the case.
    FileDownloaded,
    /// A staff member revealed the reporter's contact details.
    IdentityRevealed,
    /// A handler confirmed or corrected who the named people are.
    PeopleMatched,
    /// Who may read the case changed (a conflict found or resolved).
    AccessChanged,
    /// A staff member declared a conflict and left the case.
    Recused,
    /// Feedback for her on what was done and why.
    FeedbackSent,
    /// A pause past the policy's limit was asked for; it waits for oversight.
    PauseAsked,
    /// Oversight refused such a pause; nothing moved.
    PauseRefused,
    /// Who works on the case changed (lead, team), or it was handed back.
    Assigned,
    /// A note among the case's readers.
    NoteAdded,
    /// The case's labels changed.
    LabelsChanged,
    /// Oversight marked the case's escalations dealt with, with a note.
    EscalationResolved,
    /// An interim measure was decided, changed or ended (she sees it).
    InterimMeasure,
    /// A reader linked the case to another, with a reason.
    CasesLinked,
    // Administrative events: they belong to no case (see `is_administrative`).
    /// An account was made with a password typed by the operator.
    StaffAdded,
    /// An account was invited; she chooses her password from a link.
    StaffInvited,
    /// She chose her first password from her invitation.
    StaffJoined,
    StaffDisabled,
    StaffEnabled,
    /// Her password was lost: her key pair is void until she chooses a new one.
    StaffReset,
    /// She chose a new password after a reset.
    PasswordChosen,
    StaffRoleChanged,
    /// A role was asked for her that waits for oversight's approval.
    StaffRoleAsked,
    /// Oversight refused a role asked for her.
    StaffRoleRefused,
    /// She changed her own password.
    PasswordChanged,
    /// She set up her second factor (a new one replaces the old, with new
    /// recovery codes).
    SecondFactorSet,
    /// She signed in with one of her recovery codes.
    RecoveryCodeUsed,
    /// Her account was linked to a directory person by an employee id, or
    /// the link was removed (then her email alone links her).
    StaffLinked,
    /// A directory-sync (SCIM) token was made…
    SyncTokenCreated,
    /// …or revoked.
    SyncTokenRevoked,
    /// Oversight enabled the organisation recovery key and named its holders.
    RecoveryEnabled,
    /// An operation that needs the recovery key was asked for…
    RecoveryAsked,
    /// …a holder approved it…
    RecoveryApproved,
    /// …and its initiator's session completed it.
    RecoveryDone,
    /// A case's pending grants were completed with the recovery key.
    CaseRecovered,
    /// A token for the HR system was made or revoked.
    HrTokenCreated,
    HrTokenRevoked,
    /// The HR system announced an adverse action (held for its period)…
    HrActionReceived,
    /// …its decision-maker justified it…
    HrActionJustified,
    /// …a reviewer took up an action nobody was required to decide…
    HrReviewTakenUp,
    /// …a reviewer decided it, with reasons…
    HrReviewDecided,
    /// …and its period ended: what the HR system reads now stands.
    HrActionConcluded,
    /// She answered a check-in after closure.
    CheckInAnswered,
    /// She reported retaliation from this case's page (the new case's leaf
    /// is its own `Submitted`).
    RetaliationReported,
    /// A supporter added a statement to a case (its leaf names no case)…
    SupportAdded,
    /// …and a message in her thread with the handlers.
    SupportMessage,
    /// Oversight protected someone on this case by hand, with a reason.
    ProtectionAdded,
}

names!(EventKind, "event" {
    Submitted => "submitted",
    Acknowledged => "acknowledged",
    OpenedByStaff => "opened_by_staff",
    MessageFromReporter => "message_from_reporter",
    MessageFromStaff => "message_from_staff",
    AccessGranted => "access_granted",
    Escalated => "escalated",
    StateChanged => "state_changed",
    RequestAnswered => "request_answered",
    DeadlineExtended => "deadline_extended",
    ProceedingLinked => "proceeding_linked",
    FileDownloaded => "file_downloaded",
    IdentityRevealed => "identity_revealed",
    PeopleMatched => "people_matched",
    AccessChanged => "access_changed",
    Recused => "recused",
    FeedbackSent => "feedback_sent",
    PauseAsked => "pause_asked",
    PauseRefused => "pause_refused",
    Assigned => "assigned",
    NoteAdded => "note_added",
    LabelsChanged => "labels_changed",
    EscalationResolved => "escalation_resolved",
    InterimMeasure => "interim_measure",
    CasesLinked => "cases_linked",
    StaffAdded => "staff_added",
    StaffInvited => "staff_invited",
    StaffJoined => "staff_joined",
    StaffDisabled => "staff_disabled",
    StaffEnabled => "staff_enabled",
    StaffReset => "staff_reset",
    PasswordChosen => "password_chosen",
    StaffRoleChanged => "staff_role_changed",
    StaffRoleAsked => "staff_role_asked",
    StaffRoleRefused => "staff_role_refused",
    PasswordChanged => "password_changed",
    SecondFactorSet => "second_factor_set",
    RecoveryCodeUsed => "recovery_code_used",
    StaffLinked => "staff_linked",
    SyncTokenCreated => "sync_token_created",
    SyncTokenRevoked => "sync_token_revoked",
    RecoveryEnabled => "recovery_enabled",
    RecoveryAsked => "recovery_asked",
    RecoveryApproved => "recovery_approved",
    RecoveryDone => "recovery_done",
    CaseRecovered => "case_recovered",
    HrTokenCreated => "hr_token_created",
    HrTokenRevoked => "hr_token_revoked",
    HrActionReceived => "hr_action_received",
    HrActionJustified => "hr_action_justified",
    HrReviewTakenUp => "hr_review_taken_up",
    HrReviewDecided => "hr_review_decided",
    HrActionConcluded => "hr_action_concluded",
    CheckInAnswered => "check_in_answered",
    RetaliationReported => "retaliation_reported",
    SupportAdded => "support_added",
    SupportMessage => "support_message",
    ProtectionAdded => "protection_added",
});

impl EventKind {
    /// Whether her page lists the event. Who was matched, who may read the
    /// case and who stepped aside would tell her how the names she wrote
    /// were placed (or that one matched nobody), so they stay on the staff's
    /// side; her downloadable record still carries every leaf.
    pub fn shown_to_reporter(self) -> bool {
        !matches!(
            self,
            EventKind::PeopleMatched
                | EventKind::AccessChanged
                | EventKind::AccessGranted
                | EventKind::Recused
                | EventKind::PauseAsked
                | EventKind::PauseRefused
                | EventKind::Assigned
                | EventKind::NoteAdded
                | EventKind::LabelsChanged
                | EventKind::EscalationResolved
                | EventKind::CasesLinked
                | EventKind::CaseRecovered
                | EventKind::ProtectionAdded
        ) && !self.is_administrative()
    }

    /// Whether the event belongs to no case: an administrative action, a
    /// leaf under the reserved reference that oversight reads in its log.
    pub fn is_administrative(self) -> bool {
        matches!(
            self,
            EventKind::StaffAdded
                | EventKind::StaffInvited
                | EventKind::StaffJoined
                | EventKind::StaffDisabled
                | EventKind::StaffEnabled
                | EventKind::StaffReset
                | EventKind::PasswordChosen
                | EventKind::StaffRoleChanged
                | EventKind::StaffRoleAsked
                | EventKind::StaffRoleRefused
                | EventKind::PasswordChanged
                | EventKind::SecondFactorSet
                | EventKind::RecoveryCodeUsed
                | EventKind::StaffLinked
                | EventKind::SyncTokenCreated
                | EventKind::SyncTokenRevoked
                | EventKind::RecoveryEnabled
                | EventKind::RecoveryAsked
                | EventKind::RecoveryApproved
                | EventKind::RecoveryDone
                | EventKind::HrTokenCreated
                | EventKind::HrTokenRevoked
                | EventKind::HrActionReceived
                | EventKind::HrActionJustified
                | EventKind::HrReviewTakenUp
                | EventKind::HrReviewDecided
                | EventKind::HrActionConcluded
                | EventKind::SupportAdded
                | EventKind::SupportMessage
                | EventKind::CheckInAnswered
                | EventKind::RetaliationReported
        )
    }

    /// A leaf of someone speaking up that names no case (a supporter's
    /// statement or message, a reporter's check-in or later report): on the
    /// ledger, never listed in the administrative log, where members kept out
    /// of it would see that it exists.
    pub fn is_speaking_up(self) -> bool {
        matches!(
            self,
            EventKind::SupportAdded
                | EventKind::SupportMessage
                | EventKind::CheckInAnswered
                | EventKind::RetaliationReported
        )
    }

    /// Whether her downloadable record carries the event's leaf. Every leaf
    /// of her case does but a link to another case: its kind alone would
    /// tell her that another report exists, which is that reporter's to
    /// keep. The leaf stays in the log, and `ledger verify` checks it.
    pub fn in_her_record(self) -> bool {
        self != EventKind::CasesLinked && !self.is_administrative()
    }

    /// Whether the event is an access by a staff member: the access log.
    pub fn is_access(self) -> bool {
        matches!(self, EventKind::OpenedByStaff | EventKind::FileDownloaded | EventKind::IdentityRevealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledge_only_from_received() {
        assert_eq!(CaseStatus::Received.acknowledge(), Ok(CaseStatus::Acknowledged));
        assert!(matches!(
            CaseStatus::Acknowledged.acknowledge(),
            Err(DomainError::InvalidTransition { from: CaseStatus::Acknowledged, .. })
        ));
    }

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
        }
        for s in CaseStatus::ALL {
            assert_eq!(s.as_str().parse::<CaseStatus>(), Ok(s));
        }
        for e in EventKind::ALL {
            assert_eq!(e.as_str().parse::<EventKind>(), Ok(e));
        }
        assert!("harassment".parse::<Category>().is_err());
    }
}

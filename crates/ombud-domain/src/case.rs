//! A case: its category, its state and the events that move it.

use crate::DomainError;
use std::fmt;
use std::str::FromStr;

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

impl Category {
    pub const ALL: [Category; 5] = [
        Category::SexualHarassment,
        Category::SexualAssault,
        Category::Retaliation,
        Category::Discrimination,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::SexualHarassment => "sexual_harassment",
            Category::SexualAssault => "sexual_assault",
            Category::Retaliation => "retaliation",
            Category::Discrimination => "discrimination",
            Category::Other => "other",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| DomainError::UnknownValue { what: "category", value: s.to_owned() })
    }
}

/// Where a case stands. The foundation knows the first step of the workflow;
/// the full workflow (assessment, investigation, decision) extends this enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Received,
    Acknowledged,
    /// Dismissal proposed; waits for an oversight member's sign-off.
    DismissalPending,
    Assessed,
    Investigating,
    Findings,
    Decision,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 8] = [
        CaseStatus::Received,
        CaseStatus::Acknowledged,
        CaseStatus::DismissalPending,
        CaseStatus::Assessed,
        CaseStatus::Investigating,
        CaseStatus::Findings,
        CaseStatus::Decision,
        CaseStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Received => "received",
            CaseStatus::Acknowledged => "acknowledged",
            CaseStatus::DismissalPending => "dismissal_pending",
            CaseStatus::Assessed => "assessed",
            CaseStatus::Investigating => "investigating",
            CaseStatus::Findings => "findings",
            CaseStatus::Decision => "decision",
            CaseStatus::Closed => "closed",
        }
    }

    /// received → acknowledged; anything else is refused, so a second click
    /// cannot move the feedback deadline.
    pub fn acknowledge(self) -> Result<CaseStatus, DomainError> {
        match self {
            CaseStatus::Received => Ok(CaseStatus::Acknowledged),
            from => Err(DomainError::InvalidTransition { from, action: "acknowledge" }),
        }
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaseStatus {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaseStatus::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| DomainError::UnknownValue { what: "status", value: s.to_owned() })
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
}

impl EventKind {
    pub const ALL: [EventKind; 16] = [
        EventKind::Submitted,
        EventKind::Acknowledged,
        EventKind::OpenedByStaff,
        EventKind::MessageFromReporter,
        EventKind::MessageFromStaff,
        EventKind::AccessGranted,
        EventKind::Escalated,
        EventKind::StateChanged,
        EventKind::RequestAnswered,
        EventKind::DeadlineExtended,
        EventKind::ProceedingLinked,
        EventKind::FileDownloaded,
        EventKind::IdentityRevealed,
        EventKind::PeopleMatched,
        EventKind::AccessChanged,
        EventKind::Recused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Submitted => "submitted",
            EventKind::Acknowledged => "acknowledged",
            EventKind::OpenedByStaff => "opened_by_staff",
            EventKind::MessageFromReporter => "message_from_reporter",
            EventKind::MessageFromStaff => "message_from_staff",
            EventKind::AccessGranted => "access_granted",
            EventKind::Escalated => "escalated",
            EventKind::StateChanged => "state_changed",
            EventKind::RequestAnswered => "request_answered",
            EventKind::DeadlineExtended => "deadline_extended",
            EventKind::ProceedingLinked => "proceeding_linked",
            EventKind::FileDownloaded => "file_downloaded",
            EventKind::IdentityRevealed => "identity_revealed",
            EventKind::PeopleMatched => "people_matched",
            EventKind::AccessChanged => "access_changed",
            EventKind::Recused => "recused",
        }
    }

    /// Whether the event is an access by a staff member: the access log.
    pub fn is_access(self) -> bool {
        matches!(self, EventKind::OpenedByStaff | EventKind::FileDownloaded | EventKind::IdentityRevealed)
    }
}

impl FromStr for EventKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| DomainError::UnknownValue { what: "event", value: s.to_owned() })
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

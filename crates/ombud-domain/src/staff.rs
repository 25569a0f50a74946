//! Staff roles and what each may do.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Investigator of the ethics or HR office: handles cases.
    Handler,
    /// Independent committee member: receives escalations, reviews.
    Oversight,
    /// Installs and configures; reads no case by virtue of the role.
    Admin,
}

names!(Role, "role" {
    Handler => "handler",
    Oversight => "oversight",
    Admin => "admin",
});

impl Role {
    /// Whether the role is, in principle, among the readers of new cases.
    /// Conflicts of interest narrow this per case; an administrator never reads.
    pub fn reads_cases(self) -> bool {
        matches!(self, Role::Handler | Role::Oversight)
    }

    /// Whether the role may act on a case (reply, acknowledge). Oversight
    /// watches and reviews; handling stays with the handlers.
    pub fn handles_cases(self) -> bool {
        matches!(self, Role::Handler)
    }
}

/// Where a staff account is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffStatus {
    /// Signs in and reads what the rule lets her read.
    Active,
    /// Invited: waits for her to choose a password from her one-time link.
    Invited,
    /// Reset: the same, after she lost her password. Her key pair is made
    /// new when she chooses it; her cases wait as pending grants.
    Reset,
    /// Signs in no more and holds no case key; what she did stays on the record.
    Disabled,
}

names!(StaffStatus, "staff-status" {
    Active => "active",
    Invited => "invited",
    Reset => "reset",
    Disabled => "disabled",
});

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Why a password is refused, if it is: too short, or (for a change) the
/// one she already has.
pub fn password_problem(password: &str) -> Option<&'static str> {
    (password.chars().count() < MIN_PASSWORD_CHARS).then_some("password-too-short")
}

/// A deliberately plain check: one `@`, something on each side, a dot in the
/// domain, no spaces. Delivery is the real test; this catches typos.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
        && !domain.contains('@')
        && email.len() <= 254
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_only_handlers_and_oversight_read() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!(Role::Handler.reads_cases() && Role::Oversight.reads_cases());
        assert!(!Role::Admin.reads_cases());
        assert!("boss".parse::<Role>().is_err());
    }

    #[test]
    fn emails() {
        assert!(valid_email("li.na@example.cn"));
        assert!(!valid_email("li.na@example"));
        assert!(!valid_email("no at sign"));
        assert!(!valid_email("a@b@c.d"));
    }
}

/// Who may change who works on a case: an oversight member, the case's
/// lead, or, on a case nobody leads, a handler who takes the lead herself.
/// Anyone else asks one of them.
pub fn may_assign(role: Role, is_lead: bool, led: bool, takes_lead_herself: bool) -> bool {
    role == Role::Oversight || is_lead || (!led && takes_lead_herself && role == Role::Handler)
}

/// Whether a reader of a case may work on it when assigned: an
/// administrator keeps the system and reads no case.
pub fn assignable(role: Role) -> bool {
    matches!(role, Role::Handler | Role::Oversight)
}

#[cfg(test)]
mod assignment_tests {
    use super::*;

    #[test]
    fn oversight_and_the_lead_assign_and_a_handler_only_takes_a_case_nobody_leads() {
        assert!(may_assign(Role::Oversight, false, true, false));
        assert!(may_assign(Role::Handler, true, true, false), "the lead hands over or hands back");
        assert!(may_assign(Role::Handler, false, false, true), "she takes a case nobody leads");
        assert!(!may_assign(Role::Handler, false, true, true), "not one someone else leads");
        assert!(!may_assign(Role::Handler, false, false, false), "nor names others on it");
        assert!(!may_assign(Role::Admin, false, false, true));
        assert!(!assignable(Role::Admin) && assignable(Role::Handler) && assignable(Role::Oversight));
    }
}

/// What a recovery operation does (DECISIONS #2). `Enable` needs no
/// approval: nothing exists yet to recover; the others need the key, so the
/// threshold of its holders must approve them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryKind {
    /// Makes the key pair and seals a share to each named holder.
    Enable,
    /// Completes a case's pending grants (every case with pending grants
    /// when none is named), for the readers routing allows.
    Recover,
    /// New shares of the same key for a new set of holders.
    Resplit,
    /// A new key pair for the holders; every case is wrapped to it anew.
    Rotate,
}

names!(RecoveryKind, "recovery kind" {
    Enable => "enable",
    Recover => "recover",
    Resplit => "resplit",
    Rotate => "rotate",
});

/// Why a set of holders cannot hold a recovery key at a threshold, or None.
pub fn recovery_split_problem(threshold: u32, holders: usize) -> Option<&'static str> {
    if threshold < 2 {
        Some("threshold-too-low")
    } else if holders < threshold as usize {
        Some("too-few-holders")
    } else if holders > 64 {
        Some("too-many-holders")
    } else {
        None
    }
}

#[cfg(test)]
mod recovery_tests {
    use super::*;

    #[test]
    fn a_split_needs_at_least_its_threshold_of_holders_and_a_threshold_of_two() {
        assert_eq!(recovery_split_problem(2, 3), None);
        assert_eq!(recovery_split_problem(2, 2), None);
        assert_eq!(recovery_split_problem(2, 1), Some("too-few-holders"));
        assert_eq!(recovery_split_problem(3, 2), Some("too-few-holders"));
        assert_eq!(recovery_split_problem(1, 3), Some("threshold-too-low"));
        assert_eq!(recovery_split_problem(2, 65), Some("too-many-holders"));
        assert_eq!("resplit".parse::<RecoveryKind>().ok(), Some(RecoveryKind::Resplit));
    }
}

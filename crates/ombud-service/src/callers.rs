//! Who is asking, checked once. A caller obtains a handle from `Ombud` —
//! `reporter`, `staff`, `oversight`, `admin`, or `operator` at the command
//! line — and every use case is a method of the handle for the people who
//! may do it. A role is checked where the handle is made, never again inside
//! a use case, so a new use case cannot forget the check: it is not callable
//! without the handle.
//!
//! Each handle dereferences to `Ombud`, so a use case reads the store, the
//! clock and the keys as `self.store`, `self.clock`, `self.keys`, exactly as
//! the instance's own helpers do.

use crate::{Ombud, ReporterSession, Result, ServiceError, StaffSession};
use ombud_crypto::DataKey;
use ombud_domain::{CaseId, Role, StaffId};
use ombud_store::CaseRecord;
use std::ops::Deref;

/// A reporter signed in with her receipt: her case only.
pub struct ReporterDesk<'a> {
    ombud: &'a Ombud,
    pub(crate) session: &'a ReporterSession,
}

/// Any staff member: the cases the rule lets her read.
pub struct StaffDesk<'a> {
    ombud: &'a Ombud,
    pub(crate) session: &'a StaffSession,
}

/// A member of the oversight committee: the queues nobody else sees.
pub struct OversightDesk<'a> {
    ombud: &'a Ombud,
    pub(crate) session: &'a StaffSession,
}

/// An administrator in the browser, or the operator at the command line
/// (`by` is None there: the command line has no session).
pub struct AdminDesk<'a> {
    ombud: &'a Ombud,
    pub(crate) by: Option<StaffId>,
}

impl Ombud {
    pub fn reporter<'a>(&'a self, session: &'a ReporterSession) -> ReporterDesk<'a> {
        ReporterDesk { ombud: self, session }
    }

    pub fn staff<'a>(&'a self, session: &'a StaffSession) -> StaffDesk<'a> {
        StaffDesk { ombud: self, session }
    }

    /// Forbidden unless she sits on the oversight committee.
    pub fn oversight<'a>(&'a self, session: &'a StaffSession) -> Result<OversightDesk<'a>> {
        if session.role == Role::Oversight {
            Ok(OversightDesk { ombud: self, session })
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// Forbidden unless she is an administrator.
    pub fn admin(&self, session: &StaffSession) -> Result<AdminDesk<'_>> {
        if session.role == Role::Admin {
            Ok(AdminDesk { ombud: self, by: Some(session.id) })
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// The operator at the command line: whoever can run the binary against
    /// the database and its secrets already holds everything a role guards.
    pub fn operator(&self) -> AdminDesk<'_> {
        AdminDesk { ombud: self, by: None }
    }
}

macro_rules! derefs_to_ombud {
    ($($desk:ident),*) => {$(
        impl Deref for $desk<'_> {
            type Target = Ombud;
            fn deref(&self) -> &Ombud {
                self.ombud
            }
        }
    )*};
}
derefs_to_ombud!(ReporterDesk, StaffDesk, OversightDesk, AdminDesk);

impl<'a> OversightDesk<'a> {
    /// An oversight member is staff too: she reads and acts on cases as any
    /// reader does.
    pub fn as_staff(&self) -> StaffDesk<'a> {
        StaffDesk { ombud: self.ombud, session: self.session }
    }
}

/// A case she may read, with its key unwrapped: the one proof of access a
/// case operation takes. Made only by `StaffDesk::case_access`, which answers
/// NotFound for a case she may not read, exactly as for one that does not exist.
pub(crate) struct CaseAccess {
    pub case: CaseRecord,
    pub key: DataKey,
}

impl StaffDesk<'_> {
    pub(crate) async fn case_access(&self, case_id: CaseId) -> Result<CaseAccess> {
        let (case, key) = self.ombud.staff_case_key(self.session, case_id).await?;
        Ok(CaseAccess { case, key })
    }

    /// Forbidden unless she works this case (`ombud_domain::works_case`): an
    /// administrator keeps the system, not cases, and oversight works only
    /// the cases that are its alone.
    pub(crate) async fn require_case_worker(&self, case: &CaseRecord) -> Result<()> {
        let leads = self.leads(case).await?;
        if ombud_domain::works_case(self.session.role, case.routing, leads) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// Whether she leads the case: an oversight member who took it over
    /// works it as its handlers do. Asked only of oversight.
    pub(crate) async fn leads(&self, case: &CaseRecord) -> Result<bool> {
        if self.session.role != ombud_domain::Role::Oversight {
            return Ok(false);
        }
        Ok(self.ombud.store.assignees(case.id).await?.iter().any(|a| a.lead && a.staff == self.session.id))
    }
}

//! Interim measures: what is put in place to protect her while the case is
//! handled — a structured decision that can be changed and ended, each time
//! with a reason and a text for her.

/// One kind of measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    /// The person accused may not contact her.
    NoContact,
    /// They no longer work in the same place or team.
    SeparateWorkplaces,
    /// The person accused is on paid leave or reassigned (never her, unless she asks).
    LeaveOrReassignment,
    /// They do not travel together.
    NoJointTravel,
    /// Something else, said in words.
    Other,
}

names!(MeasureKind, "measure" {
    NoContact => "no_contact",
    SeparateWorkplaces => "separate_workplaces",
    LeaveOrReassignment => "leave_or_reassignment",
    NoJointTravel => "no_joint_travel",
    Other => "other",
});

/// What changing a measure does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureAction {
    /// It was decided.
    Decided,
    /// Its kinds, people or dates changed.
    Changed,
    /// It ended.
    Ended,
}

names!(MeasureAction, "measure action" {
    Decided => "decided",
    Changed => "changed",
    Ended => "ended",
});

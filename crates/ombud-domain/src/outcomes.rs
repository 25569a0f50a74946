//! Structured outcomes: what the findings found, which sanctions the
//! decision imposed, and how the case ended — chosen by a person from a list,
//! beside the reasons written in words, so that outcomes can be counted and
//! never guessed from prose.

use crate::{FieldError, Outcome, Step};

/// What the findings found, and how a case ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseOutcome {
    Substantiated,
    PartlySubstantiated,
    NotSubstantiated,
    /// The evidence does not allow a finding either way.
    Inconclusive,
    /// Sent to the body that can act on it (police, a regulator, another channel).
    Referred,
    /// She withdrew her report.
    Withdrawn,
    /// Outside what this channel handles.
    Dismissed,
}

names!(CaseOutcome, "outcome" {
    Substantiated => "substantiated",
    PartlySubstantiated => "partly_substantiated",
    NotSubstantiated => "not_substantiated",
    Inconclusive => "inconclusive",
    Referred => "referred",
    Withdrawn => "withdrawn",
    Dismissed => "dismissed",
});

impl CaseOutcome {
    /// What findings may say: the four outcomes of an investigation.
    pub const FINDINGS: [CaseOutcome; 4] = [
        CaseOutcome::Substantiated,
        CaseOutcome::PartlySubstantiated,
        CaseOutcome::NotSubstantiated,
        CaseOutcome::Inconclusive,
    ];
}

/// A sanction the decision imposes on the person found responsible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sanction {
    /// The decision imposes none; chosen, never assumed.
    NoSanction,
    VerbalWarning,
    WrittenWarning,
    Training,
    /// Moved to another team, place or line manager.
    Reassignment,
    Demotion,
    Suspension,
    Dismissal,
    /// Something else, said in the reason.
    Other,
}

names!(Sanction, "sanction" {
    NoSanction => "no_sanction",
    VerbalWarning => "verbal_warning",
    WrittenWarning => "written_warning",
    Training => "training",
    Reassignment => "reassignment",
    Demotion => "demotion",
    Suspension => "suspension",
    Dismissal => "dismissal",
    Other => "other",
});

/// A step's structured outcome, as chosen.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StepOutcome {
    pub outcome: Option<CaseOutcome>,
    pub sanctions: Vec<Sanction>,
}

impl Step {
    /// The outcomes a person chooses from when taking this step; empty when
    /// the step takes none. Findings say what was found; closing says how
    /// the case ended.
    pub fn outcomes(self) -> &'static [CaseOutcome] {
        match self {
            Step::RecordFindings => &CaseOutcome::FINDINGS,
            Step::Close => &CaseOutcome::ALL,
            _ => &[],
        }
    }

    /// Whether the step is the decision, which names its sanctions.
    pub fn takes_sanctions(self) -> bool {
        self == Step::Decide
    }

    /// The outcome a step settles by what it is: a referral or dismissal
    /// ends the case as one, whether or not it waits for a sign-off.
    pub fn implied_outcome(self) -> Option<CaseOutcome> {
        match self {
            Step::Assess(Outcome::Referred) | Step::ApproveReferral => Some(CaseOutcome::Referred),
            Step::Assess(Outcome::Dismissed) | Step::ApproveDismissal => Some(CaseOutcome::Dismissed),
            _ => None,
        }
    }
}

/// Checks what was chosen for a step: the outcome it needs, from its own
/// list, and the sanctions of a decision — at least one, none repeated, and
/// "no sanction" alone. A step that takes neither refuses both, so nothing
/// is recorded that the step does not mean. Problems name `outcome` or
/// `sanctions`, as the forms and the API call them.
pub fn check_outcome(step: Step, outcome: &str, sanctions: &[&str]) -> Result<StepOutcome, Vec<FieldError>> {
    let mut errors = Vec::new();
    let outcome = outcome.trim();
    let chosen = match (step.outcomes(), outcome.is_empty()) {
        ([], true) => None,
        ([], false) => {
            errors.push(FieldError { field: "outcome".into(), code: "not-for-this-step" });
            None
        }
        (_, true) => {
            errors.push(FieldError { field: "outcome".into(), code: "choose-outcome" });
            None
        }
        (allowed, false) => match CaseOutcome::parse(outcome).filter(|o| allowed.contains(o)) {
            Some(o) => Some(o),
            None => {
                errors.push(FieldError { field: "outcome".into(), code: "invalid-choice" });
                None
            }
        },
    };
    let parsed: Option<Vec<Sanction>> = sanctions.iter().map(|s| Sanction::parse(s.trim())).collect();
    let mut list = parsed.clone().unwrap_or_default();
    list.sort();
    list.dedup();
    let sanction_error = match (step.takes_sanctions(), parsed) {
        (false, _) if !sanctions.is_empty() => Some("not-for-this-step"),
        (false, _) => None,
        (true, None) => Some("invalid-choice"),
        (true, Some(_)) if list.is_empty() => Some("choose-sanctions"),
        (true, Some(all)) if all.len() != list.len() => Some("repeated-choice"),
        (true, Some(_)) if list.len() > 1 && list.contains(&Sanction::NoSanction) => Some("no-sanction-alone"),
        (true, Some(_)) => None,
    };
    if let Some(code) = sanction_error {
        errors.push(FieldError { field: "sanctions".into(), code });
    }
    if errors.is_empty() { Ok(StepOutcome { outcome: chosen, sanctions: list }) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(r: Result<StepOutcome, Vec<FieldError>>) -> Vec<(String, &'static str)> {
        r.err().unwrap_or_default().into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn findings_need_one_of_the_four_findings() {
        let ok = check_outcome(Step::RecordFindings, "partly_substantiated", &[]).expect("allowed");
        assert_eq!(ok.outcome, Some(CaseOutcome::PartlySubstantiated));
        assert_eq!(codes(check_outcome(Step::RecordFindings, "", &[])), [("outcome".into(), "choose-outcome")]);
        // How a case ended is not something an investigation finds.
        assert_eq!(
            codes(check_outcome(Step::RecordFindings, "withdrawn", &[])),
            [("outcome".into(), "invalid-choice")]
        );
    }

    #[test]
    fn closing_takes_any_of_the_seven() {
        for o in CaseOutcome::ALL {
            assert_eq!(check_outcome(Step::Close, o.as_str(), &[]).expect("allowed").outcome, Some(o));
        }
        assert_eq!(codes(check_outcome(Step::Close, " ", &[])), [("outcome".into(), "choose-outcome")]);
    }

    #[test]
    fn a_decision_names_its_sanctions_and_no_sanction_stands_alone() {
        let ok = check_outcome(Step::Decide, "", &["training", "written_warning"]).expect("allowed");
        assert_eq!(ok.sanctions, [Sanction::WrittenWarning, Sanction::Training]);
        assert_eq!(
            check_outcome(Step::Decide, "", &["no_sanction"]).expect("allowed").sanctions,
            [Sanction::NoSanction]
        );
        assert_eq!(codes(check_outcome(Step::Decide, "", &[])), [("sanctions".into(), "choose-sanctions")]);
        assert_eq!(
            codes(check_outcome(Step::Decide, "", &["no_sanction", "training"])),
            [("sanctions".into(), "no-sanction-alone")]
        );
        assert_eq!(codes(check_outcome(Step::Decide, "", &["fired"])), [("sanctions".into(), "invalid-choice")]);
        assert_eq!(
            codes(check_outcome(Step::Decide, "", &["training", "training"])),
            [("sanctions".into(), "repeated-choice")]
        );
    }

    #[test]
    fn other_steps_take_neither() {
        assert_eq!(check_outcome(Step::StartInvestigation, "", &[]).expect("allowed"), StepOutcome::default());
        assert_eq!(
            codes(check_outcome(Step::StartInvestigation, "substantiated", &["training"])),
            [("outcome".into(), "not-for-this-step"), ("sanctions".into(), "not-for-this-step")]
        );
        assert_eq!(Step::Assess(Outcome::Dismissed).implied_outcome(), Some(CaseOutcome::Dismissed));
    }
}

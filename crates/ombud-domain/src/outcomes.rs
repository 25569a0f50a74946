//! Structured outcomes: what the findings found, which sanctions the
//! decision imposed, and how the case ended — chosen by a person from a list,
//! beside the reasons written in words, so that outcomes can be counted and
//! never guessed from prose.

use crate::{Category, FieldError, Outcome, Step, dismissal_needs_sign_off};

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

/// What a step records about a case, beside what was chosen: its category
/// and what its latest findings found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutcomeContext {
    pub category: Category,
    pub finding: Option<CaseOutcome>,
}

/// The outcomes a person chooses from when taking a step; empty when the
/// step takes none. Findings say what was found, one of four. Closing says
/// how the case ended: as the findings found (the four, for a case whose
/// findings predate structured outcomes), or, where no sign-off guards it,
/// referred elsewhere or withdrawn by her. Never dismissed: a dismissal is
/// its own step, with oversight's sign-off for harassment and assault.
pub fn allowed_outcomes(step: Step, on: OutcomeContext) -> Vec<CaseOutcome> {
    match step {
        Step::RecordFindings => CaseOutcome::FINDINGS.to_vec(),
        Step::Close => {
            let mut out = on.finding.map_or_else(|| CaseOutcome::FINDINGS.to_vec(), |f| vec![f]);
            if !dismissal_needs_sign_off(on.category) {
                out.extend([CaseOutcome::Referred, CaseOutcome::Withdrawn]);
            }
            out
        }
        _ => Vec::new(),
    }
}

impl Step {
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
/// list (`allowed_outcomes`), and the sanctions of a decision — at least
/// one, none repeated, "no sanction" alone, and none but "no sanction" when
/// the findings did not find it substantiated. A step that takes neither
/// refuses both, so nothing is recorded that the step does not mean.
/// Problems name `outcome` or `sanctions`, as the forms and the API call them.
pub fn check_outcome(
    step: Step,
    on: OutcomeContext,
    outcome: &str,
    sanctions: &[&str],
) -> Result<StepOutcome, Vec<FieldError>> {
    let mut errors = Vec::new();
    let outcome = outcome.trim();
    let allowed = allowed_outcomes(step, on);
    let chosen = match (allowed.as_slice(), outcome.is_empty()) {
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
    let unfounded = matches!(on.finding, Some(CaseOutcome::NotSubstantiated | CaseOutcome::Inconclusive));
    let sanction_error = match (step.takes_sanctions(), parsed) {
        (false, _) if !sanctions.is_empty() => Some("not-for-this-step"),
        (false, _) => None,
        (true, None) => Some("invalid-choice"),
        (true, Some(_)) if list.is_empty() => Some("choose-sanctions"),
        (true, Some(all)) if all.len() != list.len() => Some("repeated-choice"),
        (true, Some(_)) if list.len() > 1 && list.contains(&Sanction::NoSanction) => Some("no-sanction-alone"),
        // Nobody is sanctioned for what the findings did not find.
        (true, Some(_)) if unfounded && list != [Sanction::NoSanction] => Some("sanction-without-finding"),
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

    const ON: OutcomeContext = OutcomeContext { category: Category::Other, finding: None };

    fn codes(r: Result<StepOutcome, Vec<FieldError>>) -> Vec<(String, &'static str)> {
        r.err().unwrap_or_default().into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn findings_need_one_of_the_four_findings() {
        let ok = check_outcome(Step::RecordFindings, ON, "partly_substantiated", &[]).expect("allowed");
        assert_eq!(ok.outcome, Some(CaseOutcome::PartlySubstantiated));
        assert_eq!(codes(check_outcome(Step::RecordFindings, ON, "", &[])), [("outcome".into(), "choose-outcome")]);
        // How a case ended is not something an investigation finds.
        assert_eq!(
            codes(check_outcome(Step::RecordFindings, ON, "withdrawn", &[])),
            [("outcome".into(), "invalid-choice")]
        );
    }

    #[test]
    fn closing_says_what_the_findings_found_and_never_dismisses() {
        let found = OutcomeContext { category: Category::Other, finding: Some(CaseOutcome::NotSubstantiated) };
        assert_eq!(
            allowed_outcomes(Step::Close, found),
            [CaseOutcome::NotSubstantiated, CaseOutcome::Referred, CaseOutcome::Withdrawn]
        );
        assert_eq!(
            codes(check_outcome(Step::Close, found, "substantiated", &[])),
            [("outcome".into(), "invalid-choice")]
        );
        assert_eq!(codes(check_outcome(Step::Close, found, "dismissed", &[])), [("outcome".into(), "invalid-choice")]);
        assert_eq!(codes(check_outcome(Step::Close, found, " ", &[])), [("outcome".into(), "choose-outcome")]);
        // Harassment and assault close only as found: referring or ending them otherwise needs a sign-off.
        let guarded = OutcomeContext { category: Category::SexualHarassment, ..found };
        assert_eq!(allowed_outcomes(Step::Close, guarded), [CaseOutcome::NotSubstantiated]);
        assert_eq!(
            codes(check_outcome(Step::Close, guarded, "withdrawn", &[])),
            [("outcome".into(), "invalid-choice")]
        );
        // Findings recorded before outcomes were: any of the four.
        assert_eq!(allowed_outcomes(Step::Close, OutcomeContext { finding: None, ..guarded }), CaseOutcome::FINDINGS);
    }

    #[test]
    fn nobody_is_sanctioned_for_what_the_findings_did_not_find() {
        for finding in [CaseOutcome::NotSubstantiated, CaseOutcome::Inconclusive] {
            let on = OutcomeContext { category: Category::Other, finding: Some(finding) };
            assert_eq!(
                codes(check_outcome(Step::Decide, on, "", &["dismissal"])),
                [("sanctions".into(), "sanction-without-finding")]
            );
            assert!(check_outcome(Step::Decide, on, "", &["no_sanction"]).is_ok());
        }
        let on = OutcomeContext { category: Category::Other, finding: Some(CaseOutcome::PartlySubstantiated) };
        assert!(check_outcome(Step::Decide, on, "", &["training"]).is_ok());
    }

    #[test]
    fn a_decision_names_its_sanctions_and_no_sanction_stands_alone() {
        let ok = check_outcome(Step::Decide, ON, "", &["training", "written_warning"]).expect("allowed");
        assert_eq!(ok.sanctions, [Sanction::WrittenWarning, Sanction::Training]);
        assert_eq!(
            check_outcome(Step::Decide, ON, "", &["no_sanction"]).expect("allowed").sanctions,
            [Sanction::NoSanction]
        );
        assert_eq!(codes(check_outcome(Step::Decide, ON, "", &[])), [("sanctions".into(), "choose-sanctions")]);
        assert_eq!(
            codes(check_outcome(Step::Decide, ON, "", &["no_sanction", "training"])),
            [("sanctions".into(), "no-sanction-alone")]
        );
        assert_eq!(codes(check_outcome(Step::Decide, ON, "", &["fired"])), [("sanctions".into(), "invalid-choice")]);
        assert_eq!(
            codes(check_outcome(Step::Decide, ON, "", &["training", "training"])),
            [("sanctions".into(), "repeated-choice")]
        );
    }

    #[test]
    fn other_steps_take_neither() {
        assert_eq!(check_outcome(Step::StartInvestigation, ON, "", &[]).expect("allowed"), StepOutcome::default());
        assert_eq!(
            codes(check_outcome(Step::StartInvestigation, ON, "substantiated", &["training"])),
            [("outcome".into(), "not-for-this-step"), ("sanctions".into(), "not-for-this-step")]
        );
        assert_eq!(Step::Assess(Outcome::Dismissed).implied_outcome(), Some(CaseOutcome::Dismissed));
    }
}

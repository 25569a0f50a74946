//! After she speaks up (issue 17): oversight's retaliation reviews of the
//! HR system's adverse actions, and the page where a decision-maker
//! justifies one from his one-time link. Nothing is chosen for a reviewer:
//! no decision and no answer is preselected, and a refused form comes back
//! with everything she wrote.

use super::case_actions::Fields;
use super::page::{Page, error_page, render_with, see_other};
use super::staff::staff_page;
use crate::AppState;
use crate::extract::OversightPage;
use crate::i18n::Lang;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ombud_domain::{DisclosureAnswers, ReviewDecision};
use ombud_service::{HrDecisionInput, HrReviewView, ServiceError, StaffSession};

pub struct ReviewLine {
    id: String,
    action: String,
    person: String,
    decider: String,
    received: String,
    due: String,
    period_end: String,
    state: String,
    needs_decision: bool,
    protected: bool,
}

#[derive(Template)]
#[template(path = "oversight/retaliation.html")]
pub struct ReviewsPage {
    page: Page,
    open: Vec<ReviewLine>,
    closed: Vec<ReviewLine>,
}

/// One of the Directive's questions, with what she answered (if she did).
pub struct Question {
    name: &'static str,
    text: String,
    answer: String,
}

/// A decision she may choose; none is chosen for her.
pub struct Choice {
    value: &'static str,
    label: String,
    checked: bool,
}

pub struct Fact {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "oversight/retaliation_review.html")]
pub struct ReviewPage {
    page: Page,
    id: String,
    heading: String,
    facts: Vec<Fact>,
    ground: String,
    protected: Vec<String>,
    justification: Option<String>,
    justification_state: String,
    decided: Option<Vec<Fact>>,
    reasons: Option<String>,
    open: bool,
    may_take_up: bool,
    disclosure: bool,
    questions: Vec<Question>,
    choices: Vec<Choice>,
    reason_text: String,
    notice: Option<String>,
    problem: Option<String>,
    errors: Vec<(String, String)>,
}

impl ReviewPage {
    /// The problem to show beside a field of the decision, if it has one.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

fn line(page: &Page, r: &HrReviewView) -> ReviewLine {
    let tr = &page.tr;
    let state = if let Some(d) = r.decision {
        tr.label(d)
    } else if r.concluded {
        tr.label(r.hr_status)
    } else {
        tr.t("retaliation-state-open")
    };
    ReviewLine {
        id: r.id.to_string(),
        action: match r.proceeding.as_deref() {
            Some(kind) => tr.t(&format!("proceeding-{kind}")),
            None => tr.label(r.action),
        },
        person: r.name.clone().map_or_else(|| r.employee_id.clone(), |n| format!("{n} ({})", r.employee_id)),
        decider: r.decider_name.clone().map_or_else(|| r.decided_by.clone(), |n| format!("{n} ({})", r.decided_by)),
        received: page.time(&r.received_at),
        due: page.time(&r.review_due),
        period_end: page.time(&r.period_end),
        state,
        needs_decision: r.needs_decision,
        protected: !r.protected.is_empty(),
    }
}

/// Held actions and open reviews first, with their deadlines; decided and
/// concluded ones after.
pub async fn reviews(State(state): State<AppState>, lang: Lang, OversightPage(session): OversightPage) -> Response {
    let page = staff_page(&state, lang, "/oversight/retaliation", "retaliation-title", &session);
    let all = match state.ombud.oversight(&session) {
        Ok(desk) => desk.hr_reviews().await,
        Err(e) => Err(e),
    };
    let all = match all {
        Ok(all) => all,
        Err(e) => return error_page(lang, e),
    };
    let (open, closed): (Vec<&HrReviewView>, Vec<&HrReviewView>) =
        all.iter().partition(|r| !r.concluded && r.decision.is_none());
    let mut open = open;
    open.sort_by_key(|r| (r.period_end, r.id));
    let open = open.into_iter().map(|r| line(&page, r)).collect();
    let closed = closed.into_iter().map(|r| line(&page, r)).collect();
    render_with(StatusCode::OK, &ReviewsPage { page, open, closed })
}

/// What a refused decision form sent, to give back.
#[derive(Default)]
struct Sent {
    decision: String,
    reasons: String,
    answers: Vec<(String, String)>,
    problem: Option<String>,
    /// Each problem beside its field: `decision`, `disclosure`, `reasons`.
    errors: Vec<(String, String)>,
}

fn yes_no(tr: &crate::i18n::Tr, value: bool) -> String {
    tr.t(if value { "answer-yes" } else { "answer-no" })
}

async fn review_page(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    id: uuid::Uuid,
    notice: Option<String>,
    sent: Sent,
    status: StatusCode,
) -> Response {
    let path = format!("/oversight/retaliation/{id}");
    let page = staff_page(state, lang, &path, "retaliation-review-title", session);
    let review = match state.ombud.oversight(session) {
        Ok(desk) => desk.hr_review(id).await,
        Err(e) => Err(e),
    };
    let r = match review {
        Ok(r) => r,
        Err(e) => return error_page(lang, e),
    };
    let tr = &page.tr;
    let l = line(&page, &r);
    let fact = |label: &str, value: String| Fact { label: tr.t(label), value };
    // Proceedings are no HR action: they were brought (not "take effect"),
    // and no HR system reads them.
    let proceeding = r.proceeding.is_some();
    let effective = page.date(r.effective);
    let mut facts = vec![
        fact("retaliation-person", l.person.clone()),
        fact("retaliation-action", l.action.clone()),
        fact(if proceeding { "retaliation-brought-on" } else { "retaliation-effective" }, effective),
        fact(if proceeding { "retaliation-brought-by" } else { "retaliation-decider" }, l.decider.clone()),
        fact("retaliation-received", l.received.clone()),
        fact("retaliation-due", l.due.clone()),
        fact("retaliation-period-end", l.period_end.clone()),
    ];
    if !proceeding {
        facts.push(fact("retaliation-hr-status", tr.label(r.hr_status)));
    }
    if r.decider_other_actions > 0 {
        facts.push(fact(
            "retaliation-repeat",
            tr.t_with("retaliation-repeat-count", &[("count", r.decider_other_actions.into())]),
        ));
    }
    let protected = r
        .protected
        .iter()
        .map(|p| match &p.reference {
            Some(reference) => format!("{} · {reference}", tr.label(p.basis)),
            None => tr.label(p.basis),
        })
        .collect();
    let justification_state = match (&r.justification, r.decider_asked) {
        (None, _) if proceeding => tr.t("retaliation-justification-proceeding"),
        (Some(_), _) => r.justified_at.map(|t| page.time(&t)).unwrap_or_default(),
        // No mail server: nobody was asked, whoever he is.
        (None, true) if state.config.operations.mail_server.is_none() => tr.t("retaliation-justification-no-mail"),
        (None, true) => tr.t("retaliation-justification-waiting"),
        (None, false) => tr.t("retaliation-justification-unreachable"),
    };
    let decided = r.decision.map(|d| {
        let mut lines = vec![
            fact("retaliation-decision", tr.label(d)),
            fact("retaliation-decided-by", r.decided_by_staff.clone().unwrap_or_default()),
            fact("retaliation-decided-at", r.decided_at.map(|t| page.time(&t)).unwrap_or_default()),
        ];
        if let Some(p) = r.disclosure_protected {
            lines.push(fact("retaliation-disclosure-protected", yes_no(tr, p)));
        }
        lines
    });
    let open = !r.concluded && r.decision.is_none();
    let questions = DisclosureAnswers::QUESTIONS
        .iter()
        .map(|q| Question {
            name: q,
            text: tr.t(&format!("retaliation-question-{q}")),
            answer: sent.answers.iter().find(|(n, _)| n == q).map(|(_, v)| v.clone()).unwrap_or_default(),
        })
        .collect();
    let choices = [ReviewDecision::Upheld, ReviewDecision::Overturned, ReviewDecision::Modified]
        .into_iter()
        .map(|d| Choice { value: d.as_str(), label: tr.label(d), checked: sent.decision == d.as_str() })
        .collect();
    let heading = tr.t_with("retaliation-review-heading", &[("action", l.action.clone().into())]);
    render_with(
        status,
        &ReviewPage {
            id: id.to_string(),
            heading,
            facts,
            ground: r.ground.clone(),
            protected,
            justification: r.justification.clone(),
            justification_state,
            decided,
            reasons: r.reasons.clone(),
            open,
            may_take_up: open && !r.needs_decision,
            disclosure: r.disclosure,
            questions,
            choices,
            reason_text: sent.reasons,
            notice,
            problem: sent.problem,
            errors: sent.errors,
            page,
        },
    )
}

fn parse_id(id: &str) -> Option<uuid::Uuid> {
    id.parse().ok()
}

pub async fn review(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let Some(id) = parse_id(&id) else { return error_page(lang, ServiceError::NotFound) };
    let notice = match done.done.as_str() {
        "decided" => Some(lang.tr().t("retaliation-done-decided")),
        "taken-up" => Some(lang.tr().t("retaliation-done-taken-up")),
        "sent-once" => Some(lang.tr().t("done-sent-once")),
        _ => None,
    };
    review_page(&state, lang, &session, id, notice, Sent::default(), StatusCode::OK).await
}

/// Her decision: nothing is decided unless she chose it and wrote why.
pub async fn decide(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let Some(id) = parse_id(&id) else { return error_page(lang, ServiceError::NotFound) };
    let answers: Vec<(String, String)> = DisclosureAnswers::QUESTIONS
        .iter()
        .map(|q| ((*q).to_owned(), fields.get(&format!("q_{q}")).to_owned()))
        .collect();
    let mut sent = Sent {
        decision: fields.get("decision").to_owned(),
        reasons: fields.get("reasons").to_owned(),
        answers,
        ..Sent::default()
    };
    let result = async {
        let desk = state.ombud.oversight(&session)?;
        let disclosure =
            if fields.get("disclosure") == "yes" { Some(disclosure_answers(&sent.answers)?) } else { None };
        let input = HrDecisionInput { decision: sent.decision.clone(), reasons: sent.reasons.clone(), disclosure };
        desk.decide_hr_action(id, &input).await
    }
    .await;
    match result {
        Ok(()) => see_other(&format!("/oversight/retaliation/{id}?done=decided#done")),
        Err(ServiceError::Invalid(errors)) => {
            let tr = lang.tr();
            sent.problem = Some(tr.t("form-has-errors"));
            sent.errors = errors.iter().map(|e| (e.field.clone(), crate::error::field_message(&tr, e))).collect();
            review_page(&state, lang, &session, id, None, sent, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(lang, e),
    }
}

/// Each question answered yes or no; an unanswered one is refused, never taken for a no.
fn disclosure_answers(answers: &[(String, String)]) -> Result<DisclosureAnswers, ServiceError> {
    let value = |name: &str| match answers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()) {
        Some("yes") => Ok(true),
        Some("no") => Ok(false),
        _ => Err(ServiceError::invalid_field("disclosure", "answer-every-question")),
    };
    Ok(DisclosureAnswers {
        believed_true: value("believed_true")?,
        reported_first: value("reported_first")?,
        public_danger: value("public_danger")?,
        retaliation_risk: value("retaliation_risk")?,
    })
}

pub async fn take_up(
    State(state): State<AppState>,
    lang: Lang,
    OversightPage(session): OversightPage,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else { return error_page(lang, ServiceError::NotFound) };
    let result = match state.ombud.oversight(&session) {
        Ok(desk) => desk.take_up_hr_action(id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => see_other(&format!("/oversight/retaliation/{id}?done=taken-up#done")),
        Err(ServiceError::Invalid(errors)) => {
            let sent = Sent { problem: Some(crate::error::field_messages(&lang.tr(), &errors)), ..Sent::default() };
            review_page(&state, lang, &session, id, None, sent, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(lang, e),
    }
}

#[derive(Template)]
#[template(path = "shared/justify.html")]
pub struct JustifyPage {
    page: Page,
    token: String,
    action: Option<String>,
    received: String,
    period_end: String,
    text: String,
    error: Option<String>,
    done: bool,
}

async fn justify_page(state: &AppState, lang: Lang, token: &str, text: String, error: Option<String>) -> Response {
    let path = format!("{}/{token}", ombud_service::JUSTIFY_PATH);
    let page = Page::new(state, lang, &path, "justify-title");
    let request = state.ombud.justification_request(token).await.ok();
    let status = match (&request, &error) {
        (None, _) => StatusCode::NOT_FOUND,
        (Some(_), Some(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    let (action, received, period_end) = match &request {
        Some(r) => (Some(page.tr.label(r.action)), page.time(&r.received_at), page.time(&r.period_end)),
        None => (None, String::new(), String::new()),
    };
    render_with(
        status,
        &JustifyPage { page, token: token.to_owned(), action, received, period_end, text, error, done: false },
    )
}

/// The page a decision-maker's one-time link opens: which action, and a
/// place to justify it in writing. It says nothing about anyone.
pub async fn justify(State(state): State<AppState>, lang: Lang, Path(token): Path<String>) -> Response {
    justify_page(&state, lang, &token, String::new(), None).await
}

pub async fn justify_post(
    State(state): State<AppState>,
    lang: Lang,
    Path(token): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let text = fields.get("justification").to_owned();
    match state.ombud.justify_hr_action(&token, &text).await {
        Ok(()) => {
            let path = format!("{}/{token}", ombud_service::JUSTIFY_PATH);
            let page = Page::new(&state, lang, &path, "justify-title");
            render_with(
                StatusCode::OK,
                &JustifyPage {
                    page,
                    token,
                    action: None,
                    received: String::new(),
                    period_end: String::new(),
                    text: String::new(),
                    error: None,
                    done: true,
                },
            )
        }
        Err(ServiceError::Invalid(errors)) => {
            let message = crate::error::field_messages(&lang.tr(), &errors);
            justify_page(&state, lang, &token, text, Some(message)).await
        }
        Err(e) => error_page(lang, e),
    }
}

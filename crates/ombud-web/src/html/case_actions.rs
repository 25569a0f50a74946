//! What a staff member does on a case page: open it, reply, acknowledge,
//! reveal her identity, recuse, match a named person, download a file, take
//! a step, answer a request, move a deadline, link a proceeding. Each form
//! answers with a redirect when it worked (so a reload never re-sends it) or
//! the case page with the problem named and what she typed kept.

use super::case::{CaseForm, SentForm, done_notice, render_case, show_case};
use super::page::{download_response, error_page, see_other};
use crate::error::{field_message, field_messages};
use crate::extract::{CasePath, ItemPath, StaffPage};
use crate::i18n::{Lang, Tr};
use crate::{AppState, uploads};
use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::response::Response;
use ombud_domain::{AttachmentId, CaseId, DomainError};
use ombud_service::{ServiceError, StaffSession};

/// What the last action did, named in the address it returned to.
#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
    /// A directory search for the named person at this position…
    find: Option<u32>,
    /// …for this text.
    #[serde(default)]
    who: String,
}

pub async fn case_page(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    query: Result<Query<Done>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Done { done, find, who } =
        query.map(|q| q.0).unwrap_or(Done { done: String::new(), find: None, who: String::new() });
    let find = find.filter(|_| !who.trim().is_empty()).map(|position| (position, who));
    let form = CaseForm { notice: done_notice(&lang.tr(), &done), find, ..Default::default() };
    show_case(&state, lang, &session, id, form).await
}

pub async fn reply(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    multipart: Multipart,
) -> Response {
    let data = uploads::read(multipart, state.ombud.config().max_attachment_bytes).await;
    let reply = data.text("body");
    let tr = lang.tr();
    if let Some(problem) = data.file_problem {
        let form = CaseForm { reply, reply_error: Some(tr.t(&format!("field-{problem}"))), ..Default::default() };
        return show_case(&state, lang, &session, id, form).await;
    }
    match state.ombud.staff(&session).reply(id, &reply, data.files).await {
        Ok(_) => see_other(&format!("/staff/cases/{id}?done=replied")),
        Err(ServiceError::Invalid(errors)) => {
            let form = CaseForm { reply, reply_error: Some(field_messages(&tr, &errors)), ..Default::default() };
            show_case(&state, lang, &session, id, form).await
        }
        Err(e) => error_page(lang, e),
    }
}

/// Feedback for her, from the case page; what was typed comes back with any problem.
pub async fn feedback(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(fields): Form<Fields>,
) -> Response {
    let result = state.ombud.staff(&session).send_feedback(id, fields.get("body")).await;
    let done = Sent { state: &state, lang, session: &session, id, form: "feedback".into(), fields };
    done.answer(result.map(|_| "feedback-sent")).await
}

pub async fn acknowledge(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
) -> Response {
    let result = state.ombud.staff(&session).acknowledge(id).await.map(|_| "acknowledged");
    after_action(&state, lang, &session, id, result).await
}

/// Shows the case with the reporter's contact details (recorded).
pub async fn reveal(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
) -> Response {
    match state.ombud.staff(&session).reveal_identity(id).await {
        Ok(view) => render_case(&state, lang, &session, view, CaseForm::default()).await,
        Err(e) => error_page(lang, e),
    }
}

/// She declares a conflict: the case leaves her inbox at once.
pub async fn recuse(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
) -> Response {
    match state.ombud.staff(&session).recuse(id).await {
        Ok(()) => see_other("/staff/cases?recused=1"),
        Err(e) => error_page(lang, e),
    }
}

/// A handler confirms or corrects who a named person is.
pub async fn match_person(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    ItemPath(position): ItemPath<u32>,
    Form(fields): Form<Fields>,
) -> Response {
    let kind = fields.get("internal");
    let input = ombud_service::MatchInput {
        employee_id: Some(fields.get("employee_id").to_owned()),
        internal: kind == "internal",
        unidentified: kind == "unidentified",
    };
    let desk = state.ombud.staff(&session);
    let result = match kind {
        "internal" | "external" | "unidentified" => desk.set_party_match(id, position, &input).await,
        _ => Err(ServiceError::invalid_field("internal", "invalid-choice")),
    };
    match result {
        // The correction may have put the case out of her reach.
        Ok(()) => match desk.may_open(id).await {
            Ok(true) => see_other(&format!("/staff/cases/{id}?done=person-matched")),
            _ => see_other("/staff/cases?done=case-left"),
        },
        Err(e) => {
            let sent = Sent { state: &state, lang, session: &session, id, form: format!("match-{position}"), fields };
            sent.answer(Err(e)).await
        }
    }
}

pub async fn download(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    ItemPath(attachment): ItemPath<uuid::Uuid>,
) -> Response {
    match state.ombud.staff(&session).attachment(id, AttachmentId(attachment)).await {
        Ok(d) => download_response(d),
        Err(e) => error_page(lang, e),
    }
}

/// Back to the case when a button without a form worked; the case page
/// with the problem at its top when it did not.
async fn after_action(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    id: CaseId,
    result: Result<&'static str, ServiceError>,
) -> Response {
    match result {
        Ok(done) => see_other(&format!("/staff/cases/{id}?done={done}")),
        Err(e) => match refusal(&lang.tr(), e) {
            Ok((_, message)) => show_case(state, lang, session, id, CaseForm::refusal(message)).await,
            Err(e) => error_page(lang, e),
        },
    }
}

/// A form's fields as the browser sent them, in order: what comes back,
/// as typed, when the form is refused.
#[derive(serde::Deserialize, Default)]
#[serde(transparent)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// A field's value as sent; empty when the form did not send it.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(f, _)| f == name).map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a field sent more than once (ticked checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(f, _)| f == name).map(|(_, v)| v.as_str()).collect()
    }

    /// The boxes ticked in a group. A group's form also sends it empty (a
    /// hidden input), so that a group sent with none ticked comes back with
    /// its problem beside it.
    pub fn ticked(&self, name: &str) -> Vec<&str> {
        self.all(name).into_iter().filter(|v| !v.is_empty()).collect()
    }
}

/// A refusal a person can act on, as (field, message): a field's problem, or
/// why the case does not allow it now. Anything else is not the form's to
/// answer (a case she may not see, a server fault).
fn refusal(tr: &Tr, e: ServiceError) -> Result<(String, String), ServiceError> {
    match e {
        ServiceError::Invalid(errors) => {
            let field = errors.first().map(|e| e.field.clone()).unwrap_or_default();
            Ok((field, field_messages(tr, &errors)))
        }
        ServiceError::Rule(DomainError::InvalidTransition { from, .. }) => {
            Ok(("state".into(), tr.t_with("error-not-now", &[("status", tr.label(from).into())])))
        }
        ServiceError::Rule(DomainError::AlreadyAnswered) => Ok(("request".into(), tr.t("field-already-answered"))),
        ServiceError::Rule(_) => Ok(("state".into(), tr.t("error-invalid-transition"))),
        ServiceError::RoutingPending => Ok(("state".into(), tr.t("error-routing-pending-body"))),
        e => Err(e),
    }
}

/// One form of the case page, sent: where it goes back to.
struct Sent<'a> {
    state: &'a AppState,
    lang: Lang,
    session: &'a StaffSession,
    id: CaseId,
    /// The form's name on the page (`step`, `answer-<id>`…).
    form: String,
    fields: Fields,
}

impl Sent<'_> {
    /// To the case with what was done said at its top when it worked; the
    /// case page with this form as sent, each problem beside its field,
    /// when it did not.
    async fn answer(self, result: Result<&'static str, ServiceError>) -> Response {
        let e = match result {
            Ok(done) => return see_other(&format!("/staff/cases/{}?done={done}", self.id)),
            Err(e) => e,
        };
        let tr = self.lang.tr();
        let errors = match e {
            ServiceError::Invalid(errors) => errors.iter().map(|e| (e.field.clone(), field_message(&tr, e))).collect(),
            e => match refusal(&tr, e) {
                Ok(one) => vec![one],
                Err(e) => return error_page(self.lang, e),
            },
        };
        let sent = SentForm { form: self.form, values: self.fields.0, errors };
        show_case(self.state, self.lang, self.session, self.id, CaseForm { sent, ..Default::default() }).await
    }
}

/// A step from the case page: the chosen step and both texts come back as
/// typed with any problem.
pub async fn step(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(fields): Form<Fields>,
) -> Response {
    let result = match fields.get("step").parse::<ombud_domain::Step>() {
        Ok(step) => {
            let sanctions = fields.ticked("sanctions");
            let text = ombud_service::StepText {
                reason: fields.get("reason"),
                for_reporter: fields.get("for_reporter"),
                outcome: fields.get("outcome"),
                sanctions: &sanctions,
            };
            state.ombud.staff(&session).step(id, step, &text).await.map(|_| "step-taken")
        }
        Err(_) => Err(ServiceError::invalid_field("step", "choose-step")),
    };
    Sent { state: &state, lang, session: &session, id, form: "step".into(), fields }.answer(result).await
}

/// An answer to one of her requests. Nothing is chosen for the handler: an
/// answer without an outcome comes back asking for one, with what she chose
/// and wrote kept.
pub async fn answer(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    ItemPath(request): ItemPath<uuid::Uuid>,
    Form(fields): Form<Fields>,
) -> Response {
    let desk = state.ombud.staff(&session);
    let result = desk.answer_request(id, request, fields.get("outcome"), fields.get("reason")).await;
    let sent = Sent { state: &state, lang, session: &session, id, form: format!("answer-{request}"), fields };
    sent.answer(result.map(|()| "request-answered")).await
}

/// A date means the end of that day in the organisation's zone.
fn end_of_day(state: &AppState, date: &str) -> Result<jiff::Timestamp, ServiceError> {
    date.trim()
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| state.ombud.config().policy.end_of_day(d).ok())
        .ok_or_else(|| ServiceError::invalid_field("until", "invalid-date"))
}

pub async fn change_deadline(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    ItemPath(deadline): ItemPath<uuid::Uuid>,
    Form(fields): Form<Fields>,
) -> Response {
    let result = match end_of_day(&state, fields.get("until")) {
        Ok(until) => {
            let request = ombud_service::DeadlineChangeRequest {
                kind: fields.get("kind"),
                until,
                justification: fields.get("justification"),
                reason_for_reporter: fields.get("reason_for_reporter"),
            };
            state.ombud.staff(&session).change_deadline(id, deadline, request).await
        }
        Err(e) => Err(e),
    };
    // A long pause waits for oversight, and the notice says so.
    let done = result.map(|state| match state {
        ombud_domain::ChangeState::Pending => "pause-asked",
        _ => "deadline-moved",
    });
    let sent = Sent { state: &state, lang, session: &session, id, form: format!("change-{deadline}"), fields };
    sent.answer(done).await
}

pub async fn proceeding(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(fields): Form<Fields>,
) -> Response {
    let date = Some(fields.get("date").to_owned()).filter(|d| !d.trim().is_empty());
    let p = ombud_service::Proceeding {
        reference: fields.get("reference").to_owned(),
        authority: fields.get("authority").to_owned(),
        date,
    };
    let result = state.ombud.staff(&session).link_proceeding(id, p).await;
    let sent = Sent { state: &state, lang, session: &session, id, form: "proceeding".into(), fields };
    sent.answer(result.map(|()| "proceeding-linked")).await
}

/// Who works on the case: named by a lead or oversight, taken by a handler,
/// or handed back with a reason.
pub async fn assign(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(fields): Form<Fields>,
) -> Response {
    let lead = Some(fields.get("lead")).filter(|l| !l.trim().is_empty());
    let request = ombud_service::AssignmentRequest { lead, team: fields.all("team"), reason: fields.get("reason") };
    let result = state.ombud.staff(&session).assign(id, &request).await;
    let done = result.map(|view| if view.lead.is_none() { "handed-back" } else { "assigned" });
    let form = if fields.get("form") == "hand-back" { "hand-back" } else { "assignment" };
    Sent { state: &state, lang, session: &session, id, form: form.into(), fields }.answer(done).await
}

pub async fn note(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(fields): Form<Fields>,
) -> Response {
    let result = state.ombud.staff(&session).add_note(id, fields.get("body")).await;
    Sent { state: &state, lang, session: &session, id, form: "note".into(), fields }
        .answer(result.map(|_| "note-added"))
        .await
}

/// Links the case to another she may read, by its reference, with a reason:
/// both come back as typed with any problem.
pub async fn link(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(fields): Form<Fields>,
) -> Response {
    let result = state.ombud.staff(&session).link_case(id, fields.get("reference"), fields.get("reason")).await;
    Sent { state: &state, lang, session: &session, id, form: "link".into(), fields }
        .answer(result.map(|_| "cases-linked"))
        .await
}

/// Oversight's desk for an action on a case. Anyone else is refused as
/// the case would refuse her: not found, unless she reads it.
async fn oversight_on<'a>(
    state: &'a AppState,
    session: &'a ombud_service::StaffSession,
    id: CaseId,
) -> Result<ombud_service::OversightDesk<'a>, ServiceError> {
    match state.ombud.oversight(session) {
        Ok(desk) => Ok(desk),
        Err(e) if state.ombud.staff(session).may_open(id).await? => Err(e),
        Err(_) => Err(ServiceError::NotFound),
    }
}

/// Oversight protects someone on the case by hand, with a reason: every
/// value comes back as typed with any problem.
pub async fn protect(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(fields): Form<Fields>,
) -> Response {
    let input = ombud_service::AddProtectionInput {
        person: fields.get("person").to_owned(),
        basis: fields.get("basis").to_owned(),
        reason: fields.get("reason").to_owned(),
    };
    let result = async { oversight_on(&state, &session, id).await?.add_protection(id, &input).await }.await;
    let result = result.map(|_| "protection-added");
    Sent { state: &state, lang, session: &session, id, form: "protect".into(), fields }.answer(result).await
}

/// Oversight records proceedings a person named in the case brought against
/// someone it protects; it opens a retaliation review.
pub async fn counter_proceeding(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(fields): Form<Fields>,
) -> Response {
    let input = ombud_service::CounterProceedingInput {
        brought_by: fields.get("brought_by").trim().parse().ok(),
        against: fields.get("against").to_owned(),
        kind: fields.get("kind").to_owned(),
        date: fields.get("date").to_owned(),
        detail: fields.get("detail").to_owned(),
    };
    let result = async { oversight_on(&state, &session, id).await?.record_counter_proceeding(id, &input).await }.await;
    let result = result.map(|_| "counter-proceeding-recorded");
    Sent { state: &state, lang, session: &session, id, form: "proceeding-against".into(), fields }.answer(result).await
}

/// A reader writes to a supporter in her thread; a refused message comes
/// back in its box, as typed.
pub async fn support_reply(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    axum::extract::Path((id, item)): axum::extract::Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    let (Ok(case), Ok(item)) = (id.parse::<CaseId>(), item.parse::<uuid::Uuid>()) else {
        return error_page(lang, ServiceError::NotFound);
    };
    let result = state.ombud.staff(&session).reply_to_supporter(case, item, fields.get("body")).await;
    let form = format!("support-reply-{item}");
    Sent { state: &state, lang, session: &session, id: case, form, fields }
        .answer(result.map(|_| "support-replied"))
        .await
}

pub async fn labels(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(fields): Form<Fields>,
) -> Response {
    let result = state.ombud.staff(&session).set_labels(id, &fields.all("labels")).await;
    Sent { state: &state, lang, session: &session, id, form: "labels".into(), fields }
        .answer(result.map(|_| "labels-saved"))
        .await
}

impl Fields {
    /// An interim measure's fields as the service takes them.
    fn measure(&self) -> ombud_service::MeasureInput<'_> {
        ombud_service::MeasureInput {
            kinds: self.ticked("measures"),
            other: self.get("other"),
            for_whom: self.get("for_whom"),
            from: self.get("from"),
            review_by: self.get("review_by"),
            reason: self.get("reason"),
            for_reporter: self.get("for_reporter"),
        }
    }
}

pub async fn decide_measure(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    Form(fields): Form<Fields>,
) -> Response {
    let result = state.ombud.staff(&session).decide_measure(id, &fields.measure()).await;
    let sent = Sent { state: &state, lang, session: &session, id, form: "measure-new".into(), fields };
    sent.answer(result.map(|_| "measure-decided")).await
}

/// Changes or ends a measure, as the button pressed says.
pub async fn change_measure(
    State(state): State<AppState>,
    lang: Lang,
    StaffPage(session): StaffPage,
    CasePath(id): CasePath,
    ItemPath(measure): ItemPath<uuid::Uuid>,
    Form(fields): Form<Fields>,
) -> Response {
    let desk = state.ombud.staff(&session);
    let result = desk.change_measure(id, measure, fields.get("action"), &fields.measure()).await;
    let sent = Sent { state: &state, lang, session: &session, id, form: format!("measure-{measure}"), fields };
    sent.answer(result.map(|()| "measure-changed")).await
}

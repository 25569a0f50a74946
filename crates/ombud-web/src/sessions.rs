//! Sessions as the web layer holds them: tokens in cookies and bearer
//! headers; the service keeps (staff) or seals (reporters, supporters) what
//! they open, so that any instance serves any session and a restart signs
//! no one out. When the database cannot say whether a session stands, it
//! is refused (fail closed) and the fault logged.

use crate::AppState;
use ombud_service::{
    CaseSessionPurpose, HalfSignedIn, ReporterSession, ServiceError, SessionLimits, StaffSession, SupporterSession,
};
use std::time::Duration;

/// How long "check on my report" works after submitting.
const CONTINUE_FOR: Duration = Duration::from_secs(10 * 60);

fn signed(d: Duration) -> jiff::SignedDuration {
    jiff::SignedDuration::try_from(d).unwrap_or(jiff::SignedDuration::MAX)
}

/// The answer when a session could not be checked: none.
fn refused<T>(result: Result<Option<T>, ServiceError>, what: &str) -> Option<T> {
    result.unwrap_or_else(|e| {
        tracing::error!(error = %e, "a {what} could not be checked; it is refused");
        None
    })
}

impl AppState {
    fn staff_limits(&self) -> SessionLimits {
        SessionLimits {
            idle: signed(self.config.staff_session_idle),
            lifetime: signed(self.config.staff_session_lifetime),
        }
    }

    /// Begins her session: its token, and the recovery wraps her key can
    /// complete, written in the background.
    pub(crate) async fn begin_staff_session(&self, session: StaffSession) -> Result<String, ServiceError> {
        crate::spawn_recovery_wraps(self, &session);
        self.ombud.begin_staff_session(&session, self.staff_limits()).await
    }

    /// The signed-in session a token holds, if it still stands: her account
    /// was not disabled, reset or given another role since, anywhere.
    pub(crate) async fn staff_session(&self, token: &str) -> Option<StaffSession> {
        refused(self.ombud.staff_session(token, self.staff_limits()).await, "staff session")
    }

    /// Signs one session or half sign-in out.
    pub(crate) async fn end_staff_session(&self, token: &str) {
        if let Err(e) = self.ombud.end_staff_session(token).await {
            tracing::error!(error = %e, "a staff session could not be ended; it expires on its own");
        }
    }

    /// A half sign-in, kept for her next step: its token.
    pub(crate) async fn begin_half(
        &self,
        half: &HalfSignedIn,
        setup: bool,
        tries: u32,
    ) -> Result<String, ServiceError> {
        self.ombud.begin_half_session(half, setup, tries).await
    }

    /// A half sign-in setting up her second factor, left in place.
    pub(crate) async fn setup_half(&self, token: &str) -> Option<HalfSignedIn> {
        refused(self.ombud.half_session(token, true).await, "half sign-in")
    }

    /// A half sign-in waiting for her code, used once, with its wrong tries.
    pub(crate) async fn take_code_half(&self, token: &str) -> Option<(HalfSignedIn, u32)> {
        refused(self.ombud.take_half_session(token).await, "half sign-in")
    }

    /// Her session on her case, as a token (cookie or bearer).
    pub(crate) async fn begin_reporter_session(&self, session: &ReporterSession) -> Result<String, ServiceError> {
        let lasts = signed(self.config.reporter_session_idle);
        self.ombud.seal_reporter_session(session, CaseSessionPurpose::Reporter, lasts).await
    }

    pub(crate) async fn reporter_session(&self, token: &str) -> Option<ReporterSession> {
        refused(self.ombud.open_reporter_session(token, CaseSessionPurpose::Reporter).await, "reporter session")
    }

    /// "Check on my report" right after submitting: a token that starts her
    /// session within ten minutes (submitting itself sets no cookie). None,
    /// logged, if it cannot be made: her report is kept and her receipt must
    /// be shown whatever happens here.
    pub(crate) async fn continue_token(&self, session: &ReporterSession) -> Option<String> {
        let made = self.ombud.seal_reporter_session(session, CaseSessionPurpose::Continue, signed(CONTINUE_FOR)).await;
        made.inspect_err(
            |e| tracing::error!(error = %e, "the continue token could not be made; the receipt is shown without it"),
        )
        .ok()
    }

    /// The session a "check on my report" token starts, once: pressing it is
    /// her own act, so it may write (a keyed hash of the token, as for a
    /// form sent twice), and nothing that was not already known by her
    /// submission a few minutes earlier.
    pub(crate) async fn continued(&self, token: &str) -> Option<ReporterSession> {
        let session =
            refused(self.ombud.open_reporter_session(token, CaseSessionPurpose::Continue).await, "continue token")?;
        match self.ombud.claim_send(&format!("continue:{token}")).await {
            Ok(Some(_)) => Some(session),
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error = %e, "a continue token could not be claimed; it is refused");
                None
            }
        }
    }

    pub(crate) async fn begin_supporter_session(&self, session: &SupporterSession) -> Result<String, ServiceError> {
        self.ombud.seal_supporter_session(session, signed(self.config.reporter_session_idle)).await
    }

    pub(crate) async fn supporter_session(&self, token: &str) -> Option<SupporterSession> {
        refused(self.ombud.open_supporter_session(token).await, "supporter session")
    }
}

/// A reporter's or supporter's session lasts `reporter_session_idle` from
/// her last request (at most an hour): each answer that did not set the
/// cookie itself carries it re-sealed with a new expiry. Nothing is written.
pub(crate) async fn renew_case_sessions(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use crate::extract::{REPORTER_COOKIE, SUPPORTER_COOKIE};
    use crate::security::read_cookie;
    // Only her own pages keep her session going: someone browsing the
    // landing page of a shared computer does not.
    let path = request.uri().path();
    let reporter = read_cookie(request.headers(), REPORTER_COOKIE).filter(|_| path.starts_with("/follow-up"));
    let supporter = read_cookie(request.headers(), SUPPORTER_COOKIE).filter(|_| path.starts_with("/support"));
    let mut response = next.run(request).await;
    if response.status().is_server_error() {
        return response;
    }
    let mut renewed = Vec::new();
    if let Some(token) = reporter.filter(|_| !sets_cookie(&response, REPORTER_COOKIE))
        && let Some(session) = state.reporter_session(&token).await
        && let Ok(token) = state.begin_reporter_session(&session).await
    {
        renewed.push((REPORTER_COOKIE, token));
    }
    if let Some(token) = supporter.filter(|_| !sets_cookie(&response, SUPPORTER_COOKIE))
        && let Some(session) = state.supporter_session(&token).await
        && let Ok(token) = state.begin_supporter_session(&session).await
    {
        renewed.push((SUPPORTER_COOKIE, token));
    }
    for (name, token) in renewed {
        let cookie = crate::security::cookie(name, &token, state.config.secure_cookies, None);
        if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
            response.headers_mut().append(axum::http::header::SET_COOKIE, value);
        }
    }
    response
}

/// The answer's header that carries her API bearer token, re-issued: use it
/// for the next request (the one sent lasts until its own expiry).
pub const SESSION_HEADER: &str = "ombud-session-token";

/// Her session as the renewing layer opened it from her bearer token.
#[derive(Clone)]
pub(crate) struct OpenedReporter(pub(crate) ombud_service::ReporterSession);

/// Her API bearer token lasts as her cookie does: each answer to a request of
/// hers (`/api/v1/reporter/…`, where the router nests the API) carries it
/// re-sealed with a new expiry in [`SESSION_HEADER`]. Nothing is written.
pub(crate) async fn renew_reporter_token(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut request = request;
    let path = request.extensions().get::<axum::extract::OriginalUri>().map(|u| u.path().to_owned());
    let hers = path.is_some_and(|p| p.starts_with("/api/v1/reporter/") && p != "/api/v1/reporter/session");
    let token = crate::extract::bearer(request.headers()).filter(|_| hers).map(str::to_owned);
    // Opened once: the handler's extractor takes it from here.
    let session = match token {
        Some(token) => state.reporter_session(&token).await,
        None => None,
    };
    if let Some(session) = &session {
        request.extensions_mut().insert(OpenedReporter(session.clone()));
    }
    let mut response = next.run(request).await;
    if response.status().is_server_error() {
        return response;
    }
    if let Some(session) = session
        && let Ok(token) = state.begin_reporter_session(&session).await
        && let Ok(value) = axum::http::HeaderValue::from_str(&token)
    {
        response.headers_mut().insert(SESSION_HEADER, value);
    }
    response
}

/// Whether the answer sets (or clears) the named cookie itself.
fn sets_cookie(response: &axum::response::Response, name: &str) -> bool {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.starts_with(&prefix)))
}

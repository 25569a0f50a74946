//! Guards every request passes before a handler: refused as cross-site, or
//! for text carrying NUL. Each refusal is a page in her language, or the
//! API's JSON error, with every security header (the header layer wraps these).

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses state-changing requests that a browser marks as cross-site
/// (`Sec-Fetch-Site`, else `Origin` against `Host`), with no token and no
/// JavaScript needed. It runs inside the language and header layers, so the
/// refusal is a page in her language (or the API's JSON error) with every
/// security header, never an empty 403.
pub async fn csrf(request: Request, next: Next) -> Response {
    if !is_cross_site(&request) {
        return next.run(request).await;
    }
    if request.uri().path().starts_with("/api/") || request.uri().path().starts_with("/scim/") {
        return crate::error::ApiError::new(axum::http::StatusCode::FORBIDDEN, "cross_site").into_response();
    }
    crate::html::page::message_page(crate::i18n::Lang::current(), axum::http::StatusCode::FORBIDDEN, "error-cross-site")
}

fn is_cross_site(request: &Request) -> bool {
    use axum::http::Method;
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE) {
        return false;
    }
    let header = |name: header::HeaderName| request.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = request.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (header(header::ORIGIN), header(header::HOST)) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, rest)| rest) != Some(host),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Refuses text carrying the NUL character (`%00` in a query or a form,
/// `\u0000` in JSON) before any handler sees it: it is never meaningful in
/// text, and PostgreSQL cannot store it, so it would otherwise end as a
/// server error. Multipart text fields lose it where they are read; files
/// keep every byte.
pub async fn no_nul(request: Request, next: Next) -> Response {
    let refuse = |api: bool| -> Response {
        if api {
            crate::error::ApiError::new(axum::http::StatusCode::BAD_REQUEST, "invalid_body").into_response()
        } else {
            crate::html::page::message_page(
                crate::i18n::Lang::current(),
                axum::http::StatusCode::BAD_REQUEST,
                "error-invalid-body",
            )
        }
    };
    let path = request.uri().path();
    let api = path.starts_with("/api/") || path.starts_with("/scim/");
    // Neither marker has a letter whose case could vary (JSON's `\u` is lower
    // case), so the bytes are searched as they came, without a copy.
    if request.uri().query().is_some_and(|q| q.contains("%00")) {
        return refuse(api);
    }
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let marker = if content_type.contains("json") {
        "\\u0000"
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        "%00"
    } else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    // These bodies are small by design; a larger one is refused as the route's own limit would.
    let Ok(bytes) = axum::body::to_bytes(body, crate::limits::MAX_JSON_BYTES).await else {
        return crate::error::ApiError::new(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
            .into_response();
    };
    if bytes.windows(marker.len()).any(|w| w == marker.as_bytes()) {
        return refuse(api);
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

/// A form sent twice acts once. Every form of a case page (and her reply)
/// posts to an address carrying `?once=` (a value new on each page served),
/// so a double click, a resent page or a retried request sends the same
/// value for the same address: the first send is claimed and acts; every
/// later one is taken back to the page with "this was sent once", and
/// nothing is done twice. A send that was refused or failed (4xx, 5xx) gives
/// its claim back, so sending the corrected form is never taken for a
/// second send; one that acted keeps it, whether it went on to another page
/// or showed its result (a statement's receipt) at once.
pub async fn once(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    request: Request,
    next: Next,
) -> Response {
    let once = (request.method() == axum::http::Method::POST)
        .then(|| request.uri().query().and_then(|q| q.split('&').find_map(|p| p.strip_prefix("once="))))
        .flatten()
        .filter(|v| !v.is_empty())
        .map(|v| format!("{v}|{}", request.uri().path()));
    let Some(once) = once else { return next.run(request).await };
    match state.ombud.claim_send(&once).await {
        Ok(Some(claim)) => {
            let response = next.run(request).await;
            if (response.status().is_client_error() || response.status().is_server_error())
                && let Err(e) = state.ombud.release_send(&claim).await
            {
                tracing::warn!(error = %e, "a refused send could not be given back");
            }
            response
        }
        Ok(None) => crate::html::page::see_other(&sent_once_target(request.uri().path())),
        // The claim could not be read: act, rather than lose what she sent.
        Err(_) => next.run(request).await,
    }
}

/// Where a form sent a second time goes back to: its case, saying so.
fn sent_once_target(path: &str) -> String {
    match path.strip_prefix("/staff/cases/").and_then(|rest| rest.split('/').next()) {
        Some(case) => format!("/staff/cases/{case}?done=sent-once"),
        None if path.starts_with("/oversight/role-grants/") => "/oversight/accounts?done=sent-once#done".to_owned(),
        None if path.starts_with("/oversight/recovery") => "/oversight/recovery?done=sent-once#done".to_owned(),
        None if path.starts_with("/oversight/retaliation/") => {
            let review = path.trim_start_matches("/oversight/retaliation/").split('/').next().unwrap_or_default();
            format!("/oversight/retaliation/{review}?done=sent-once#done")
        }
        None if path.starts_with("/oversight/") => "/oversight/escalations?done=sent-once".to_owned(),
        None if path.starts_with("/admin/directory") => "/admin/directory?done=sent-once#done".to_owned(),
        None if path.starts_with("/admin/") => "/admin/staff?done=sent-once#done".to_owned(),
        // A statement sent twice: its receipt was on the first send's page only.
        None if path == "/support" => "/support?sent=once".to_owned(),
        None if path.starts_with("/support/") => "/support/follow-up".to_owned(),
        // Her page shows her thread and her later reports, with what she sent there once.
        None => "/follow-up?done=sent-once#after".to_owned(),
    }
}

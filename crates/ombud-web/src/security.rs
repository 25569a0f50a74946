//! Headers on every response, and cross-site request protection.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// No script anywhere, no third party, no framing, no referrer.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                       frame-ancestors 'none'; base-uri 'none'";

pub async fn headers(request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if !is_static {
        // Pages hold case content: never keep them in a shared or browser cache.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

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
    if request.uri().query().is_some_and(|q| q.to_ascii_lowercase().contains("%00")) {
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
    let Ok(bytes) = axum::body::to_bytes(body, crate::api::MAX_JSON_BYTES).await else {
        return crate::error::ApiError::new(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
            .into_response();
    };
    if String::from_utf8_lossy(&bytes).to_ascii_lowercase().contains(marker) {
        return refuse(api);
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

/// A cookie carrying a secret: HttpOnly, SameSite=Strict, Secure over HTTPS.
pub fn cookie(name: &str, value: &str, secure: bool, max_age: Option<u64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// The value of one cookie from a request's headers.
pub fn read_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

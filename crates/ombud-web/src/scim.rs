//! A SCIM 2.0 subset (RFC 7643/7644) for directory sync: Users and Groups
//! with create, replace, patch, delete, and `filter=userName eq "…"`.
//! Authenticated by a bearer token an administrator created.
//!
//! Mapping: `userName` and the primary email are the email; the enterprise
//! extension carries `employeeNumber`, `department` (the unit) and
//! `manager.value` (the manager's SCIM id, or her employee id); Ombud's own
//! extension carries `level` and `hrPartner` (an employee id). A Group is a
//! unit: its members take its name as their department.

use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ombud_service::{GroupRecord, PersonInput, PersonRecord, ServiceError};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

pub(crate) const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub(crate) const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub(crate) const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub(crate) const OMBUD: &str = "urn:ombud:params:scim:schemas:extension:2.0:User";
/// Where the resources live, as `meta.location` and `$ref` say it.
const BASE: &str = "/scim/v2";
const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const MAX_PAGE: usize = 500;

/// The SCIM routes, relative to `/scim/v2`.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/ServiceProviderConfig"),
    ("get", "/Schemas"),
    ("get", "/Schemas/{id}"),
    ("get", "/ResourceTypes"),
    ("get", "/ResourceTypes/{id}"),
    ("post", "/.search"),
    ("post", "/Users/.search"),
    ("post", "/Groups/.search"),
    ("get", "/Users"),
    ("post", "/Users"),
    ("get", "/Users/{id}"),
    ("put", "/Users/{id}"),
    ("patch", "/Users/{id}"),
    ("delete", "/Users/{id}"),
    ("get", "/Groups"),
    ("post", "/Groups"),
    ("get", "/Groups/{id}"),
    ("put", "/Groups/{id}"),
    ("patch", "/Groups/{id}"),
    ("delete", "/Groups/{id}"),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ServiceProviderConfig", get(service_provider_config).fallback(read_only))
        .route("/Schemas", get(list_schemas).fallback(read_only))
        .route("/Schemas/{id}", get(get_schema).fallback(read_only))
        .route("/ResourceTypes", get(list_resource_types).fallback(read_only))
        .route("/ResourceTypes/{id}", get(get_resource_type).fallback(read_only))
        .route("/.search", axum::routing::post(search_all))
        .route("/Users/.search", axum::routing::post(search_users))
        .route("/Groups/.search", axum::routing::post(search_groups))
        .route("/Users", get(list_users).post(create_user))
        .route("/Users/{id}", get(get_user).put(replace_user).patch(patch_user).delete(delete_user))
        .route("/Groups", get(list_groups).post(create_group))
        .route("/Groups/{id}", get(get_group).put(replace_group).patch(patch_group).delete(delete_group))
        .fallback(|| async { ScimError::new(StatusCode::NOT_FOUND, None, "no such SCIM endpoint") })
}

/// A SCIM error response (RFC 7644 §3.12).
#[derive(Debug)]
pub struct ScimError {
    status: StatusCode,
    scim_type: Option<&'static str>,
    detail: String,
}

impl ScimError {
    fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        Self { status, scim_type, detail: detail.into() }
    }

    fn invalid(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidValue"), detail)
    }
}

impl From<ServiceError> for ScimError {
    fn from(e: ServiceError) -> Self {
        crate::error::log_if_internal(&e);
        match e {
            // Another person holds this address: a duplicate (RFC 7644 §3.3).
            ServiceError::Invalid(fields) if fields.iter().any(|f| f.code == "email-taken") => {
                Self::new(StatusCode::CONFLICT, Some("uniqueness"), "emails: another person has this address")
            }
            ServiceError::Invalid(fields) => {
                let detail: Vec<String> =
                    fields.iter().map(|f| format!("{}: {}", scim_attribute(&f.field), f.code)).collect();
                Self::invalid(detail.join("; "))
            }
            ServiceError::NotFound => Self::new(StatusCode::NOT_FOUND, None, "resource not found"),
            ServiceError::DuplicateAccount => {
                Self::new(StatusCode::CONFLICT, Some("uniqueness"), "a resource with this identifier exists")
            }
            ServiceError::BadToken => Self::new(StatusCode::UNAUTHORIZED, None, "a valid bearer token is required"),
            ServiceError::Forbidden => Self::new(StatusCode::FORBIDDEN, None, "not allowed"),
            _ => Self::new(StatusCode::INTERNAL_SERVER_ERROR, None, "the server failed; nothing was changed"),
        }
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body =
            json!({"schemas": [ERROR_SCHEMA], "status": self.status.as_u16().to_string(), "detail": self.detail});
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        let mut response = scim_json(self.status, body);
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The SCIM attribute a directory field is written as, to name it in an error.
fn scim_attribute(field: &str) -> String {
    match field {
        "employee_id" => format!("{ENTERPRISE}:employeeNumber"),
        "email" => "emails".to_owned(),
        "name" => "displayName".to_owned(),
        "unit" => format!("{ENTERPRISE}:department"),
        "manager_id" => format!("{ENTERPRISE}:manager"),
        "level" => format!("{OMBUD}:level"),
        "hr_partner_id" => format!("{OMBUD}:hrPartner"),
        "other_names" => format!("{OMBUD}:otherNames"),
        other => other.to_owned(),
    }
}

fn scim_json(status: StatusCode, body: Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/scim+json")], Json(body)).into_response()
}

type ScimResult = Result<Response, ScimError>;

/// A directory-sync client holding a valid sync token; any other caller is
/// answered 401 in SCIM's error format.
/// The sync client, by its token: named on the record of every change it makes.
struct SyncClient(uuid::Uuid);

impl SyncClient {
    fn source(&self) -> ombud_service::ChangeSource {
        ombud_service::ChangeSource::SyncToken(self.0)
    }
}

impl axum::extract::FromRequestParts<AppState> for SyncClient {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, ScimError> {
        let token = crate::extract::bearer(&parts.headers).ok_or(ServiceError::BadToken)?;
        Ok(SyncClient(state.ombud.check_api_token(token).await?))
    }
}

/// The body as JSON, whatever its declared type (clients send
/// `application/scim+json` or `application/json`).
fn parse_body(body: &[u8]) -> Result<Value, ScimError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(ScimError::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), "the body must be a JSON object")),
    }
}

async fn service_provider_config(_: SyncClient) -> ScimResult {
    Ok(scim_json(StatusCode::OK, crate::scim_schema::service_provider_config(BASE, MAX_PAGE)))
}

/// Discovery is read only (RFC 7644 §4): any other method is 405, in SCIM's error format.
async fn read_only(method: axum::http::Method) -> ScimError {
    ScimError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        format!("{method} is not allowed here: discovery is read only"),
    )
}

/// A discovery collection: every item on one page (there are a handful).
fn discovery_list(items: Vec<Value>) -> Response {
    list_response(items, &ListQuery::default())
}

async fn list_schemas(_: SyncClient) -> ScimResult {
    Ok(discovery_list(crate::scim_schema::schemas(BASE)))
}

async fn get_schema(_: SyncClient, Path(id): Path<String>) -> ScimResult {
    let found = crate::scim_schema::schemas(BASE).into_iter().find(|s| s["id"] == id.as_str());
    found.map(|s| scim_json(StatusCode::OK, s)).ok_or_else(|| ServiceError::NotFound.into())
}

async fn list_resource_types(_: SyncClient) -> ScimResult {
    Ok(discovery_list(crate::scim_schema::resource_types(BASE)))
}

async fn get_resource_type(_: SyncClient, Path(id): Path<String>) -> ScimResult {
    let found = crate::scim_schema::resource_types(BASE).into_iter().find(|s| s["id"] == id.as_str());
    found.map(|s| scim_json(StatusCode::OK, s)).ok_or_else(|| ServiceError::NotFound.into())
}

// ----------------------------------------------------------------- users

/// A person as a User. Someone the sync client sent reads back as it sent
/// her: what it left out (or removed) is left out, not shown as Ombud's
/// defaults. Someone from a CSV file shows everything Ombud holds.
fn user_json(p: &PersonRecord, scim_ids: &HashMap<String, String>) -> Value {
    let sent: Option<Value> = p.scim_resource.as_deref().and_then(|t| serde_json::from_str(t).ok());
    // Whether to show a value: a CSV person's always; a synced person's
    // when the client sent it, or when it is no longer Ombud's default.
    let shown = |path: &[&str], differs: bool| match &sent {
        None => true,
        Some(v) => differs || !path.iter().fold(v, |node, key| &node[*key]).is_null(),
    };
    // Her userName as the sync client gave it; for someone from a CSV file, her email or employee id.
    let user_name = p
        .user_name
        .clone()
        .unwrap_or_else(|| if p.email.trim().is_empty() { p.employee_id.clone() } else { p.email.clone() });
    let mut user = json!({
        "schemas": [USER_SCHEMA],
        "id": p.scim_id,
        "userName": user_name,
        "meta": {"resourceType": "User", "lastModified": p.updated_at, "location": format!("{BASE}/Users/{}", p.scim_id)}
    });
    if shown(&["displayName"], false) || shown(&["name"], false) {
        user["displayName"] = json!(p.name);
    }
    if shown(&["active"], !p.active) {
        user["active"] = json!(p.active);
    }
    if !p.email.trim().is_empty() {
        user["emails"] = json!([{"value": p.email}]);
    }
    if let Some(external) = &p.external_id {
        user["externalId"] = json!(external);
    }
    let mut enterprise = Map::new();
    let number = p.employee_number.clone().or_else(|| sent.is_none().then(|| p.employee_id.clone()));
    if let Some(number) = number {
        enterprise.insert("employeeNumber".into(), json!(number));
    }
    if shown(&[ENTERPRISE, "department"], p.unit != UNASSIGNED) {
        enterprise.insert("department".into(), json!(p.unit));
    }
    if let Some(m) = &p.manager_id {
        enterprise.insert("manager".into(), json!({"value": scim_ids.get(m).cloned().unwrap_or_else(|| m.clone())}));
    }
    let mut ombud = Map::new();
    if shown(&[OMBUD, "level"], p.level != 0) {
        ombud.insert("level".into(), json!(p.level));
    }
    if let Some(partner) = &p.hr_partner_id {
        ombud.insert("hrPartner".into(), json!(partner));
    }
    if !p.other_names.is_empty() {
        ombud.insert("otherNames".into(), json!(p.other_names));
    }
    for (urn, attrs) in [(ENTERPRISE, enterprise), (OMBUD, ombud)] {
        if !attrs.is_empty() {
            if let Some(schemas) = user["schemas"].as_array_mut() {
                schemas.push(json!(urn));
            }
            user[urn] = Value::Object(attrs);
        }
    }
    user
}

/// The unit of someone no unit was given for.
const UNASSIGNED: &str = "unassigned";

/// How much of a User is kept: far above any real one (twenty other names,
/// a dozen addresses), far below the room a request may take.
const MAX_STORED_USER_BYTES: usize = 64 * 1024;

/// A User as sent, to keep: its attributes without what Ombud sets itself.
/// A password a client sends is never kept.
fn sent_resource(v: &Value) -> String {
    let mut kept = v.clone();
    if let Value::Object(map) = &mut kept {
        for own in ["id", "meta", "schemas", "password"] {
            map.remove(own);
        }
    }
    kept.to_string()
}

/// Employee id by SCIM id, to write managers as SCIM ids and read them back.
async fn scim_index(state: &AppState) -> Result<(Vec<PersonRecord>, HashMap<String, String>), ScimError> {
    let people = state.ombud.directory_people().await?;
    let by_employee = people.iter().map(|p| (p.employee_id.clone(), p.scim_id.clone())).collect();
    Ok((people, by_employee))
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Every other name a User carries, for name matching: Ombud's own
/// `otherNames`, `nickName`, `name.formatted`, and the given and family names
/// together (matching reads them in either order). The display name aside.
fn other_names(v: &Value, name: &str) -> Vec<String> {
    let listed = v[OMBUD]["otherNames"].as_array().into_iter().flatten().filter_map(text);
    let mut out: Vec<String> = Vec::new();
    for candidate in listed.chain(text(&v["nickName"])).chain(text(&v["name"]["formatted"])).chain(whole_name(v)) {
        if candidate != name && !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out
}

/// The given and family names as one name, in their script's order. A
/// family or a given name alone is not a whole name: matching it would
/// name everyone who shares it.
fn whole_name(v: &Value) -> Option<String> {
    Some(ombud_domain::whole_name(&text(&v["name"]["givenName"])?, &text(&v["name"]["familyName"])?))
}

/// Reads a User resource into a person. Only `userName` is required: the
/// employee id is her employee number, else `externalId`, else `userName`
/// (`existing` keeps hers when a replacement names none); her email is the
/// primary one, else a `userName` that is an address, else none.
fn user_input(v: &Value, existing: Option<&PersonRecord>) -> Result<PersonInput, ScimError> {
    let enterprise = &v[ENTERPRISE];
    let ombud = &v[OMBUD];
    let emails = v["emails"].as_array().cloned().unwrap_or_default();
    let primary = emails.iter().find(|e| e["primary"].as_bool() == Some(true)).or_else(|| emails.first());
    let user_name = match &v["userName"] {
        Value::String(_) => text(&v["userName"]),
        Value::Null => None,
        _ => return Err(ScimError::invalid("userName must be a string")),
    }
    .ok_or_else(|| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), "userName is required"))?;
    let email = primary
        .and_then(|e| text(&e["value"]))
        .or_else(|| Some(user_name.clone()).filter(|u| ombud_domain::valid_email(u)))
        .unwrap_or_default();
    let external_id = text(&v["externalId"]);
    let employee_number = text(&enterprise["employeeNumber"]);
    // Her key is the id she was first known by; a new employee number is one more that finds her.
    let employee_id = existing
        .map(|p| p.employee_id.clone())
        .or_else(|| employee_number.clone())
        .or_else(|| external_id.clone())
        .unwrap_or_else(|| user_name.clone());
    let name = text(&v["displayName"])
        .or_else(|| text(&v["name"]["formatted"]))
        .or_else(|| whole_name(v))
        .or_else(|| text(&v["name"]["familyName"]).or_else(|| text(&v["name"]["givenName"])))
        .unwrap_or_else(|| user_name.clone());
    // Clients send the manager as `{"value": id}` or as a bare id.
    let manager = match &enterprise["manager"] {
        bare @ Value::String(_) => text(bare),
        m => text(&m["value"]),
    };
    // A manager or an HR partner is named by his id here, or by any
    // identifier he has (DECISIONS #6): the service finds his key.
    let manager_id = manager;
    let level = match &ombud["level"] {
        Value::Null => 0,
        Value::Number(n) => n.as_i64().ok_or_else(|| ScimError::invalid("level must be a whole number"))?,
        Value::String(s) => s.trim().parse().map_err(|_| ScimError::invalid("level must be a whole number"))?,
        _ => return Err(ScimError::invalid("level must be a whole number")),
    };
    // Entra sends "True"/"False" as strings. Anything else is refused: a
    // value read as "active" by mistake would keep a leaver's account open.
    let active = match &v["active"] {
        Value::Null => true,
        Value::Bool(b) => *b,
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => true,
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => false,
        _ => return Err(ScimError::invalid("active must be true or false")),
    };
    let other_names = other_names(v, &name);
    // Kept beside her and read back on every list: one person may not
    // take the room of thousands (a request may carry up to 1 MiB).
    let stored = sent_resource(v);
    if stored.len() > MAX_STORED_USER_BYTES {
        return Err(ScimError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            "a User may hold at most 64 KiB of attributes",
        ));
    }
    Ok(PersonInput {
        employee_id,
        other_names,
        name,
        email,
        user_name: Some(user_name),
        external_id,
        employee_number,
        scim_resource: Some(stored),
        manager_id,
        unit: text(&enterprise["department"]).unwrap_or_else(|| UNASSIGNED.to_owned()),
        level,
        hr_partner_id: text(&ombud["hrPartner"]),
        active,
    })
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ListQuery {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    /// Only these attributes (with `id` and `schemas`), or all but these (RFC 7644 §3.4.2.5).
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

/// Names in an `attributes` list, each as `[urn:]name[.sub]`, compared without case.
fn attribute_list(text: &Option<String>) -> Vec<String> {
    text.iter().flat_map(|t| t.split(',')).map(|a| a.trim().to_ascii_lowercase()).filter(|a| !a.is_empty()).collect()
}

/// Whether a listed name covers a top-level key (`emails.value` covers
/// `emails`; `urn:…:User:department` covers the extension's key).
fn covers(listed: &str, key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    listed == key || listed.strip_prefix(&key).is_some_and(|rest| rest.starts_with('.') || rest.starts_with(':'))
}

impl ListQuery {
    /// The resource as `attributes` / `excludedAttributes` ask; `id`,
    /// `schemas` and `meta` always stay.
    fn shape(&self, resource: Value) -> Value {
        let (only, except) = (attribute_list(&self.attributes), attribute_list(&self.excluded_attributes));
        let Value::Object(map) = resource else { return resource };
        let kept = map.into_iter().filter(|(key, _)| {
            if matches!(key.as_str(), "id" | "schemas" | "meta") {
                return true;
            }
            let wanted = only.is_empty() || only.iter().any(|a| covers(a, key));
            let dropped = except.iter().any(|a| a == &key.to_ascii_lowercase());
            wanted && !dropped
        });
        Value::Object(kept.collect())
    }
}

/// The filters Ombud evaluates (RFC 7644 §3.4.2.2): `attribute eq value`,
/// joined by `and` and `or` (`and` binds first), grouped by parentheses.
#[derive(Debug, PartialEq)]
enum Filter {
    Eq(String, String),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
}

#[derive(Debug, PartialEq)]
enum FilterToken {
    Open,
    Close,
    Quoted(String),
    Word(String),
}

fn bad_filter() -> ScimError {
    ScimError::new(
        StatusCode::BAD_REQUEST,
        Some("invalidFilter"),
        "filters are `attribute eq \"value\"`, joined by and / or, with parentheses",
    )
}

fn filter_tokens(text: &str) -> Result<Vec<FilterToken>, ScimError> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => out.push(FilterToken::Open),
            ')' => out.push(FilterToken::Close),
            '"' => {
                let mut value = String::new();
                loop {
                    match chars.next().ok_or_else(bad_filter)? {
                        '\\' => value.push(chars.next().ok_or_else(bad_filter)?),
                        '"' => break,
                        c => value.push(c),
                    }
                }
                out.push(FilterToken::Quoted(value));
            }
            c => {
                let mut word = c.to_string();
                while let Some(&next) = chars.peek() {
                    if next.is_whitespace() || next == '(' || next == ')' {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                out.push(FilterToken::Word(word));
            }
        }
    }
    Ok(out)
}

/// Bounds on a filter, so no request can exhaust the stack or the CPU:
/// its length, how deep its parentheses go, and how many terms it joins.
const MAX_FILTER_CHARS: usize = 4096;
const MAX_FILTER_DEPTH: usize = 16;
const MAX_FILTER_TERMS: usize = 64;

fn parse_filter(text: &str) -> Result<Filter, ScimError> {
    if text.chars().count() > MAX_FILTER_CHARS {
        return Err(ScimError::new(StatusCode::BAD_REQUEST, Some("tooMany"), "the filter is too long"));
    }
    let tokens = filter_tokens(text)?;
    let joins = tokens.iter().filter(|t| is_word(Some(t), "and") || is_word(Some(t), "or")).count();
    let depth = tokens
        .iter()
        .scan(0usize, |depth, t| {
            match t {
                FilterToken::Open => *depth += 1,
                FilterToken::Close => *depth = depth.saturating_sub(1),
                _ => {}
            }
            Some(*depth)
        })
        .max()
        .unwrap_or(0);
    if joins >= MAX_FILTER_TERMS || depth > MAX_FILTER_DEPTH {
        return Err(ScimError::new(StatusCode::BAD_REQUEST, Some("tooMany"), "the filter joins or nests too much"));
    }
    let mut at = 0;
    let filter = filter_or(&tokens, &mut at)?;
    if at != tokens.len() {
        return Err(bad_filter());
    }
    Ok(filter)
}

fn is_word(token: Option<&FilterToken>, word: &str) -> bool {
    matches!(token, Some(FilterToken::Word(w)) if w.eq_ignore_ascii_case(word))
}

fn filter_or(tokens: &[FilterToken], at: &mut usize) -> Result<Filter, ScimError> {
    let mut left = filter_and(tokens, at)?;
    while is_word(tokens.get(*at), "or") {
        *at += 1;
        left = Filter::Or(Box::new(left), Box::new(filter_and(tokens, at)?));
    }
    Ok(left)
}

fn filter_and(tokens: &[FilterToken], at: &mut usize) -> Result<Filter, ScimError> {
    let mut left = filter_atom(tokens, at)?;
    while is_word(tokens.get(*at), "and") {
        *at += 1;
        left = Filter::And(Box::new(left), Box::new(filter_atom(tokens, at)?));
    }
    Ok(left)
}

fn filter_atom(tokens: &[FilterToken], at: &mut usize) -> Result<Filter, ScimError> {
    if tokens.get(*at) == Some(&FilterToken::Open) {
        *at += 1;
        let inner = filter_or(tokens, at)?;
        if tokens.get(*at) != Some(&FilterToken::Close) {
            return Err(bad_filter());
        }
        *at += 1;
        return Ok(inner);
    }
    let (Some(FilterToken::Word(attr)), true) = (tokens.get(*at), is_word(tokens.get(*at + 1), "eq")) else {
        return Err(bad_filter());
    };
    let value = match tokens.get(*at + 2) {
        Some(FilterToken::Quoted(v)) | Some(FilterToken::Word(v)) => v.clone(),
        _ => return Err(bad_filter()),
    };
    *at += 3;
    Ok(Filter::Eq(attr.clone(), value))
}

impl Filter {
    /// Whether a resource passes, `eq` deciding per attribute.
    fn holds(&self, eq: &dyn Fn(&str, &str) -> Result<bool, ScimError>) -> Result<bool, ScimError> {
        match self {
            Filter::Eq(attr, value) => eq(attr, value),
            Filter::And(a, b) => Ok(a.holds(eq)? && b.holds(eq)?),
            Filter::Or(a, b) => Ok(a.holds(eq)? || b.holds(eq)?),
        }
    }
}

/// Whether a person has this value of a filtered attribute: `userName`
/// and emails without regard to case (RFC 7643 §4.1), ids exactly.
fn user_has(p: &PersonRecord, attr: &str, value: &str) -> Result<bool, ScimError> {
    let attr = attr.to_ascii_lowercase();
    let employee_number = format!("{}:employeenumber", ENTERPRISE.to_ascii_lowercase());
    Ok(match attr.as_str() {
        "username" => p.user_name.as_deref().unwrap_or(&p.email).eq_ignore_ascii_case(value),
        "externalid" => p.external_id.as_deref() == Some(value),
        "id" => p.scim_id == value,
        "emails" | "emails.value" => !p.email.is_empty() && p.email.eq_ignore_ascii_case(value),
        // The number she was first known by, or the one she has now.
        a if a == employee_number || a == "employeenumber" => {
            p.employee_id == value || p.employee_number.as_deref() == Some(value)
        }
        _ => {
            return Err(ScimError::new(
                StatusCode::BAD_REQUEST,
                Some("invalidFilter"),
                "filter Users by userName, externalId, emails.value, employeeNumber or id",
            ));
        }
    })
}

fn list_response(resources: Vec<Value>, query: &ListQuery) -> Response {
    let total = resources.len();
    // RFC 7644 §3.4.2.4: a start under 1 is 1, a negative count is 0.
    let start = usize::try_from(query.start_index.unwrap_or(1).max(1)).unwrap_or(usize::MAX);
    let count = usize::try_from(query.count.unwrap_or(MAX_PAGE as i64).max(0)).unwrap_or(MAX_PAGE).min(MAX_PAGE);
    let page: Vec<Value> = resources.into_iter().skip(start - 1).take(count).collect();
    scim_json(
        StatusCode::OK,
        json!({"schemas": [LIST_SCHEMA], "totalResults": total, "startIndex": start, "itemsPerPage": page.len(), "Resources": page}),
    )
}

async fn list_users(State(state): State<AppState>, _: SyncClient, Query(query): Query<ListQuery>) -> ScimResult {
    Ok(list_response(users_found(&state, &query).await?, &query))
}

/// The Users a query finds, newest first (a client that just created one
/// finds it on the first page), each shaped as the query asks.
async fn users_found(state: &AppState, query: &ListQuery) -> Result<Vec<Value>, ScimError> {
    let (mut people, ids) = scim_index(state).await?;
    people.sort_by(|a, b| b.scim_id.cmp(&a.scim_id));
    let wanted = query.filter.as_deref().map(parse_filter).transpose()?;
    let mut resources = Vec::new();
    for p in &people {
        let passes = match &wanted {
            None => true,
            Some(filter) => filter.holds(&|attr, value| user_has(p, attr, value))?,
        };
        if passes {
            resources.push(query.shape(user_json(p, &ids)));
        }
    }
    Ok(resources)
}

/// A search sent as a body (RFC 7644 §3.4.3), for clients whose queries do not fit in a URL.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct SearchRequest {
    attributes: Vec<String>,
    excluded_attributes: Vec<String>,
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
}

fn search_query(body: &[u8]) -> Result<ListQuery, ScimError> {
    let request: SearchRequest = serde_json::from_slice(body)
        .map_err(|_| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), "a SearchRequest is expected"))?;
    let joined = |list: Vec<String>| Some(list.join(",")).filter(|s| !s.is_empty());
    Ok(ListQuery {
        filter: request.filter,
        start_index: request.start_index,
        count: request.count,
        attributes: joined(request.attributes),
        excluded_attributes: joined(request.excluded_attributes),
    })
}

async fn search_users(State(state): State<AppState>, _: SyncClient, body: axum::body::Bytes) -> ScimResult {
    let query = search_query(&body)?;
    Ok(list_response(users_found(&state, &query).await?, &query))
}

async fn search_groups(State(state): State<AppState>, _: SyncClient, body: axum::body::Bytes) -> ScimResult {
    let query = search_query(&body)?;
    Ok(list_response(groups_found(&state, &query).await?, &query))
}

/// Users and Groups at once. A filter one kind cannot answer finds none of
/// that kind; one that neither can answer is refused.
async fn search_all(State(state): State<AppState>, _: SyncClient, body: axum::body::Bytes) -> ScimResult {
    let query = search_query(&body)?;
    let (users, groups) = (users_found(&state, &query).await, groups_found(&state, &query).await);
    let resources = match (users, groups) {
        (Err(e), Err(_)) => return Err(e),
        (users, groups) => users.unwrap_or_default().into_iter().chain(groups.unwrap_or_default()).collect(),
    };
    Ok(list_response(resources, &query))
}

async fn get_user(
    State(state): State<AppState>,
    _: SyncClient,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> ScimResult {
    let (_, ids) = scim_index(&state).await?;
    let person = state.ombud.directory_person(&id).await?;
    Ok(scim_json(StatusCode::OK, query.shape(user_json(&person, &ids))))
}

/// Creates (`scim_id` None) or replaces a person from a User resource and
/// answers with the stored resource.
async fn put_user(
    state: &AppState,
    client: SyncClient,
    scim_id: Option<&str>,
    resource: &Value,
    status: StatusCode,
) -> ScimResult {
    let existing = match scim_id {
        Some(id) => Some(state.ombud.directory_person(id).await?),
        None => None,
    };
    let input = user_input(resource, existing.as_ref())?;
    let person = state.ombud.put_person(scim_id, input, client.source()).await?;
    let (_, ids) = scim_index(state).await?;
    let mut response = scim_json(status, user_json(&person, &ids));
    if status == StatusCode::CREATED {
        // RFC 7644 §3.3: where the new resource lives.
        if let Ok(location) = format!("{BASE}/Users/{}", person.scim_id).parse() {
            response.headers_mut().insert(header::LOCATION, location);
        }
    }
    Ok(response)
}

async fn create_user(State(state): State<AppState>, client: SyncClient, body: axum::body::Bytes) -> ScimResult {
    put_user(&state, client, None, &parse_body(&body)?, StatusCode::CREATED).await
}

async fn replace_user(
    State(state): State<AppState>,
    client: SyncClient,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ScimResult {
    put_user(&state, client, Some(&id), &parse_body(&body)?, StatusCode::OK).await
}

async fn patch_user(
    State(state): State<AppState>,
    client: SyncClient,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ScimResult {
    let (_, ids) = scim_index(&state).await?;
    let current = state.ombud.directory_person(&id).await?;
    let mut resource = user_json(&current, &ids);
    for op in patch_ops(&parse_body(&body)?)? {
        apply_user_op(&mut resource, &op)?;
    }
    put_user(&state, client, Some(&id), &resource, StatusCode::OK).await
}

async fn delete_user(State(state): State<AppState>, client: SyncClient, Path(id): Path<String>) -> ScimResult {
    state.ombud.delete_person(&id, client.source()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ----------------------------------------------------------------- patch

struct PatchOp {
    op: String,
    path: Option<String>,
    value: Value,
}

fn patch_ops(body: &Value) -> Result<Vec<PatchOp>, ScimError> {
    let schemas = body["schemas"].as_array().cloned().unwrap_or_default();
    if !schemas.iter().any(|s| s.as_str() == Some(PATCH_SCHEMA)) {
        return Err(ScimError::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), "a PatchOp message is expected"));
    }
    let ops = body["Operations"].as_array().ok_or_else(|| ScimError::invalid("Operations is required"))?;
    ops.iter()
        .map(|o| {
            let op = o["op"].as_str().unwrap_or_default().to_ascii_lowercase();
            if !matches!(op.as_str(), "add" | "replace" | "remove") {
                return Err(ScimError::invalid("op must be add, replace or remove"));
            }
            Ok(PatchOp { op, path: text(&o["path"]), value: o["value"].clone() })
        })
        .collect()
}

/// Applies one operation to a User resource. Paths may name an extension
/// attribute by its full URN (`urn:…:enterprise:2.0:User:department`) and
/// an email by filter (`emails[type eq "work"].value`).
fn apply_user_op(resource: &mut Value, op: &PatchOp) -> Result<(), ScimError> {
    let value = if op.op == "remove" { Value::Null } else { op.value.clone() };
    let Some(path) = &op.path else {
        // No path: the value is a set of attributes to merge.
        let Value::Object(attrs) = value else { return Err(ScimError::invalid("a value object is required")) };
        for (key, v) in attrs {
            set_attribute(resource, &key, v);
        }
        return Ok(());
    };
    if path.starts_with("emails") {
        // One address is kept: removing it leaves her none.
        if value.is_null() {
            resource["emails"] = Value::Null;
            return Ok(());
        }
        let email = if let Value::Array(items) = &value { items.first().map(|e| e["value"].clone()) } else { None };
        let email = email.unwrap_or(value);
        resource["emails"] = json!([{"value": email}]);
        return Ok(());
    }
    set_attribute(resource, path, value);
    Ok(())
}

/// Sets `attr`, `attr.sub` or `urn…:attr[.sub]` (or an extension object by its URN).
/// An extension object given whole is merged into what she has, for `add`
/// and `replace` alike: what it leaves out stays (RFC 7644 §3.5.2.3), so a
/// PATCH of her department never drops her manager. A `schemas` key inside
/// it is the client's bookkeeping, never an attribute.
fn set_attribute(resource: &mut Value, path: &str, value: Value) {
    for schema in [ENTERPRISE, OMBUD] {
        if path == schema {
            let value = match value {
                Value::Object(mut attrs) => {
                    attrs.remove("schemas");
                    Value::Object(attrs)
                }
                other => other,
            };
            match (&mut resource[schema], value) {
                (Value::Object(target), Value::Object(attrs)) => target.extend(attrs),
                (slot, value) => *slot = value,
            }
            return;
        }
        if let Some(rest) = path.strip_prefix(schema).and_then(|r| r.strip_prefix(':')) {
            return set_path(&mut resource[schema], rest, value);
        }
    }
    set_path(resource, path, value);
}

fn set_path(target: &mut Value, path: &str, value: Value) {
    let mut node = target;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        if i + 1 == parts.len() {
            node[*part] = value;
            return;
        }
        node = &mut node[*part];
    }
}

// ---------------------------------------------------------------- groups

fn group_json(g: &GroupRecord) -> Value {
    let mut group = json!({
        "schemas": [GROUP_SCHEMA],
        "id": g.id,
        "displayName": g.display_name,
        "meta": {"resourceType": "Group", "lastModified": g.updated_at, "location": format!("{BASE}/Groups/{}", g.id)}
    });
    if !g.members.is_empty() {
        let members: Vec<Value> = g
            .members
            .iter()
            .map(|m| json!({"value": m, "$ref": format!("{BASE}/Users/{m}"), "type": "User"}))
            .collect();
        group["members"] = Value::Array(members);
    }
    if let Some(external) = &g.external_id {
        group["externalId"] = json!(external);
    }
    group
}

/// Members by `value`, or by the last segment of their `$ref`.
fn group_members(v: &Value) -> Vec<String> {
    let member = |m: &Value| {
        text(&m["value"]).or_else(|| text(&m["$ref"]).and_then(|r| r.rsplit('/').next().map(str::to_owned)))
    };
    v.as_array().into_iter().flatten().filter_map(member).collect()
}

async fn find_group(state: &AppState, id: &str) -> Result<GroupRecord, ScimError> {
    let groups = state.ombud.directory_groups().await?;
    groups.into_iter().find(|g| g.id == id).ok_or_else(|| ServiceError::NotFound.into())
}

async fn list_groups(State(state): State<AppState>, _: SyncClient, Query(query): Query<ListQuery>) -> ScimResult {
    Ok(list_response(groups_found(&state, &query).await?, &query))
}

/// The Groups a query finds, newest first, each shaped as the query asks.
async fn groups_found(state: &AppState, query: &ListQuery) -> Result<Vec<Value>, ScimError> {
    let wanted = query.filter.as_deref().map(parse_filter).transpose()?;
    let mut groups = state.ombud.directory_groups().await?;
    groups.sort_by(|a, b| b.id.cmp(&a.id));
    let mut resources = Vec::new();
    for g in groups {
        let passes = match &wanted {
            None => true,
            Some(filter) => filter.holds(&|attr, value| match attr.to_ascii_lowercase().as_str() {
                "displayname" => Ok(g.display_name == value),
                "id" => Ok(g.id == value),
                _ => Err(ScimError::new(
                    StatusCode::BAD_REQUEST,
                    Some("invalidFilter"),
                    "filter Groups by displayName or id",
                )),
            })?,
        };
        if passes {
            resources.push(query.shape(group_json(&g)));
        }
    }
    Ok(resources)
}

async fn get_group(
    State(state): State<AppState>,
    _: SyncClient,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> ScimResult {
    Ok(scim_json(StatusCode::OK, query.shape(group_json(&find_group(&state, &id).await?))))
}

async fn create_group(State(state): State<AppState>, client: SyncClient, body: axum::body::Bytes) -> ScimResult {
    let body = parse_body(&body)?;
    let name = text(&body["displayName"]).unwrap_or_default();
    let (members, external) = (group_members(&body["members"]), text(&body["externalId"]));
    let group = state.ombud.put_group(None, &name, members, external, client.source()).await?;
    Ok(scim_json(StatusCode::CREATED, group_json(&group)))
}

async fn replace_group(
    State(state): State<AppState>,
    client: SyncClient,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ScimResult {
    let body = parse_body(&body)?;
    let name = text(&body["displayName"]).unwrap_or_default();
    let (members, external) = (group_members(&body["members"]), text(&body["externalId"]));
    let group = state.ombud.put_group(Some(&id), &name, members, external, client.source()).await?;
    Ok(scim_json(StatusCode::OK, group_json(&group)))
}

async fn patch_group(
    State(state): State<AppState>,
    client: SyncClient,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ScimResult {
    let current = find_group(&state, &id).await?;
    let mut name = current.display_name.clone();
    let mut members = current.members.clone();
    let mut external = current.external_id.clone();
    for op in patch_ops(&parse_body(&body)?)? {
        match (op.op.as_str(), op.path.as_deref()) {
            ("replace", Some("displayName")) => name = text(&op.value).unwrap_or_default(),
            ("add" | "replace", Some(path)) if path.eq_ignore_ascii_case("externalId") => external = text(&op.value),
            ("remove", Some(path)) if path.eq_ignore_ascii_case("externalId") => external = None,
            ("replace", None) => {
                if let Some(n) = text(&op.value["displayName"]) {
                    name = n;
                }
                if op.value.get("externalId").is_some() {
                    external = text(&op.value["externalId"]);
                }
                if op.value.get("members").is_some() {
                    members = group_members(&op.value["members"]);
                }
            }
            ("replace", Some("members")) => members = group_members(&op.value),
            ("add", Some("members")) | ("add", None) => {
                if op.path.is_none() && op.value.get("externalId").is_some() {
                    external = text(&op.value["externalId"]);
                }
                let added = if op.path.is_some() { &op.value } else { &op.value["members"] };
                for m in group_members(added) {
                    if !members.contains(&m) {
                        members.push(m);
                    }
                }
            }
            ("remove", Some("members")) if op.value.is_array() => {
                let gone = group_members(&op.value);
                members.retain(|m| !gone.contains(m));
            }
            ("remove", Some("members")) => members.clear(),
            ("remove", Some(path)) if path.starts_with("members[") => {
                let Filter::Eq(_, value) = parse_filter(path.trim_start_matches("members[").trim_end_matches(']'))?
                else {
                    return Err(ScimError::invalid("remove one member by `members[value eq \"id\"]`"));
                };
                members.retain(|m| *m != value);
            }
            _ => return Err(ScimError::invalid("unsupported patch path for a Group")),
        }
    }
    let group = state.ombud.put_group(Some(&id), &name, members, external, client.source()).await?;
    Ok(scim_json(StatusCode::OK, group_json(&group)))
}

async fn delete_group(State(state): State<AppState>, client: SyncClient, Path(id): Path<String>) -> ScimResult {
    state.ombud.delete_group(&id, client.source()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_and_patch_paths() {
        assert_eq!(
            parse_filter(r#"userName eq "li.na@example.cn""#).ok(),
            Some(Filter::Eq("userName".into(), "li.na@example.cn".into()))
        );
        let either = parse_filter(r#"externalId eq "a\"b" or (userName eq "x" and emails.value eq "y@z.cn")"#);
        let eq = |a: &str, v: &str| Box::new(Filter::Eq(a.into(), v.into()));
        assert_eq!(
            either.ok(),
            Some(Filter::Or(
                eq("externalId", "a\"b"),
                Box::new(Filter::And(eq("userName", "x"), eq("emails.value", "y@z.cn")))
            ))
        );
        assert!(parse_filter("userName sw \"li\"").is_err());
        // Hostile filters are refused before they cost anything.
        let deep = format!("{}userName eq \"x\"{}", "(".repeat(200), ")".repeat(200));
        assert!(parse_filter(&deep).is_err());
        let long = vec!["userName eq \"x\""; 100].join(" and ");
        assert!(parse_filter(&long).is_err());
        assert!(parse_filter(&"x".repeat(5000)).is_err());
        assert!(parse_filter("userName eq \"li\" and").is_err());
        assert!(parse_filter("(userName eq \"li\"").is_err());
        let mut user = json!({"userName": "a@x.org", ENTERPRISE: {"department": "Sales"}});
        set_attribute(&mut user, &format!("{ENTERPRISE}:department"), json!("Legal"));
        set_attribute(&mut user, &format!("{ENTERPRISE}:manager.value"), json!("m-1"));
        set_attribute(&mut user, OMBUD, json!({"level": 6}));
        // Replacing the extension with her department alone keeps her manager.
        set_attribute(&mut user, ENTERPRISE, json!({"department": "Legal", "schemas": [ENTERPRISE]}));
        assert!(user[ENTERPRISE].get("schemas").is_none());
        set_attribute(&mut user, "name.formatted", json!("Ann"));
        assert_eq!(user[ENTERPRISE]["department"], "Legal");
        assert_eq!(user[ENTERPRISE]["manager"]["value"], "m-1");
        assert_eq!(user[OMBUD]["level"], 6);
        assert_eq!(user["name"]["formatted"], "Ann");
    }
}

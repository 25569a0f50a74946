//! SCIM discovery (RFC 7643 §5–7, RFC 7644 §4): the schemas and resource
//! types that say exactly what Ombud accepts and returns, so a client can
//! learn it without being told by hand. `required` is true exactly where
//! Ombud refuses a resource without the attribute.

use serde_json::{Value, json};

pub const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
pub const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
pub const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

/// One attribute's characteristics; the defaults of RFC 7643 §2.2 spelled out.
struct Attr {
    name: &'static str,
    kind: &'static str,
    description: &'static str,
    multi: bool,
    required: bool,
    case_exact: bool,
    mutability: &'static str,
    uniqueness: &'static str,
    sub: Vec<Value>,
    canonical: &'static [&'static str],
    references: &'static [&'static str],
}

impl Attr {
    fn new(name: &'static str, kind: &'static str, description: &'static str) -> Self {
        Attr {
            name,
            kind,
            description,
            multi: false,
            required: false,
            case_exact: false,
            mutability: "readWrite",
            uniqueness: "none",
            sub: Vec::new(),
            canonical: &[],
            references: &[],
        }
    }

    fn required(mut self) -> Self {
        self.required = true;
        self
    }

    fn multi(mut self) -> Self {
        self.multi = true;
        self
    }

    fn exact(mut self) -> Self {
        self.case_exact = true;
        self
    }

    fn unique(mut self) -> Self {
        self.uniqueness = "server";
        self
    }

    fn sub(mut self, attrs: Vec<Attr>) -> Self {
        self.sub = attrs.into_iter().map(Attr::json).collect();
        self
    }

    fn immutable(mut self) -> Self {
        self.mutability = "immutable";
        self
    }

    fn references(mut self, types: &'static [&'static str]) -> Self {
        self.references = types;
        self
    }

    fn canonical(mut self, values: &'static [&'static str]) -> Self {
        self.canonical = values;
        self
    }

    fn json(self) -> Value {
        let mut v = json!({
            "name": self.name,
            "type": self.kind,
            "multiValued": self.multi,
            "description": self.description,
            "required": self.required,
            "caseExact": self.case_exact,
            "mutability": self.mutability,
            "returned": "default",
            "uniqueness": self.uniqueness,
        });
        if !self.sub.is_empty() {
            v["subAttributes"] = Value::Array(self.sub);
        }
        if !self.canonical.is_empty() {
            v["canonicalValues"] = json!(self.canonical);
        }
        if !self.references.is_empty() {
            v["referenceTypes"] = json!(self.references);
        }
        v
    }
}

fn schema(base: &str, id: &str, name: &str, description: &str, attrs: Vec<Attr>) -> Value {
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attrs.into_iter().map(Attr::json).collect::<Vec<_>>(),
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{id}")}
    })
}

/// Every schema Ombud serves, in the order `/Schemas` lists them.
pub fn schemas(base: &str) -> Vec<Value> {
    use crate::scim::{ENTERPRISE, GROUP_SCHEMA, OMBUD, USER_SCHEMA};
    let user = vec![
        Attr::new(
            "userName",
            "string",
            "Any string unique without regard to case: a UPN, an account name, an employee number.",
        )
        .required()
        .unique(),
        Attr::new(
            "displayName",
            "string",
            "Her name as the organisation writes it (name.formatted, or given and family names, stand in when it is not sent).",
        ),
        Attr::new("active", "boolean", "False when she left: a staff account linked to her is disabled at once."),
        Attr::new(
            "emails",
            "complex",
            "Optional: the conflict rule needs none. One address is kept (the primary one).",
        )
        .multi()
        .sub(vec![Attr::new("value", "string", "An email address.")]),
    ];
    let enterprise = vec![
        Attr::new("employeeNumber", "string", "Her employee number; when absent, externalId or userName stands in.")
            .exact(),
        Attr::new("department", "string", "Her unit."),
        Attr::new("manager", "complex", "Her manager, by his id here or his employee number.")
            .sub(vec![Attr::new("value", "string", "The manager's id or employee number.").exact()]),
    ];
    let ombud = vec![
        Attr::new("level", "integer", "Her grade; a reader at a lower level never reads a case naming someone above."),
        Attr::new("hrPartner", "string", "The employee number of her unit's HR partner.").exact(),
        Attr::new("otherNames", "string", "Other names she goes by (a Chinese name, an English name).").multi(),
    ];
    let group = vec![
        Attr::new("displayName", "string", "The unit's name; its members take it as their department.").required(),
        Attr::new("members", "complex", "The people of the unit.").multi().sub(vec![
            Attr::new("value", "string", "A member's id.").exact().immutable(),
            Attr::new("$ref", "reference", "The member's User resource.").exact().immutable().references(&["User"]),
            Attr::new("type", "string", "Always User.").canonical(&["User"]).immutable(),
        ]),
    ];
    vec![
        schema(base, USER_SCHEMA, "User", "A person in the organisation's directory", user),
        schema(base, ENTERPRISE, "EnterpriseUser", "Enterprise User", enterprise),
        schema(base, OMBUD, "OmbudUser", "What the conflict rule reads beside the enterprise extension", ombud),
        schema(base, GROUP_SCHEMA, "Group", "A unit of the organisation", group),
    ]
}

/// The resource types Ombud serves.
pub fn resource_types(base: &str) -> Vec<Value> {
    use crate::scim::{ENTERPRISE, GROUP_SCHEMA, OMBUD, USER_SCHEMA};
    vec![
        json!({
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "User",
            "name": "User",
            "description": "People in the organisation's directory",
            "endpoint": "/Users",
            "schema": USER_SCHEMA,
            "schemaExtensions": [{"schema": ENTERPRISE, "required": false}, {"schema": OMBUD, "required": false}],
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")}
        }),
        json!({
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "Group",
            "name": "Group",
            "description": "Units of the organisation",
            "endpoint": "/Groups",
            "schema": GROUP_SCHEMA,
            "schemaExtensions": [],
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/Group")}
        }),
    ]
}

/// What Ombud really supports (RFC 7643 §5).
pub fn service_provider_config(base: &str, max_page: usize) -> Value {
    json!({
        "schemas": [SPC_SCHEMA],
        "documentationUri": "https://ombud.example/docs/scim",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": max_page},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "pagination": {"cursor": false, "index": true, "defaultPaginationMethod": "index",
                       "defaultPageSize": max_page, "maxPageSize": max_page},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "A token created with `ombud directory token create` or by an administrator",
            "primary": true
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_is_complete_and_only_user_name_and_a_group_name_are_required() {
        let all = schemas("/scim/v2");
        assert_eq!(all.len(), 4);
        let mut required = Vec::new();
        for s in &all {
            for a in s["attributes"].as_array().expect("attributes") {
                for key in ["name", "type", "multiValued", "required", "caseExact", "mutability", "returned"] {
                    assert!(a.get(key).is_some(), "{} lacks {key}", a["name"]);
                }
                if a["required"] == true {
                    required.push(format!("{}:{}", s["name"].as_str().unwrap_or(""), a["name"].as_str().unwrap_or("")));
                }
            }
        }
        assert_eq!(required, ["User:userName", "Group:displayName"]);
        let types = resource_types("/scim/v2");
        assert_eq!(types[0]["schemaExtensions"].as_array().map(Vec::len), Some(2));
    }
}

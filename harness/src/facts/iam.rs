//! IAM roles: trust policy, inline policies and attached managed policies, each with its
//! document decoded; `kit::policy` reads the statements.

use aws_sdk_iam::Client;
use serde::Serialize;
use serde_json::Value;

use super::{Fact, FactError, classify};

const NOT_FOUND: &[&str] = &["NoSuchEntity"];

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    pub policy_document: Value,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    pub policy_name: String,
    pub policy_arn: String,
    /// The default version's document (GetPolicy, then GetPolicyVersion).
    pub policy_document: Value,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    pub role_name: String,
    pub arn: String,
    pub assume_role_policy_document: Value,
    /// ListRolePolicies + GetRolePolicy, sorted by name.
    pub role_policies: Vec<InlinePolicy>,
    /// ListAttachedRolePolicies + the default version of each, sorted by name.
    pub attached_policies: Vec<AttachedPolicy>,
}

/// Decodes a policy document as IAM returns it: URL-encoded JSON (RFC 3986). Emulators and
/// some SDK paths hand it over already decoded, so plain JSON is accepted first.
pub fn decode_document(text: &str) -> Result<Value, String> {
    if let Ok(v) = serde_json::from_str(text) {
        return Ok(v);
    }
    let parsed = serde_json::from_str(&percent_decode(text)?);
    // Form encoding writes spaces as '+'; JSON outside strings never holds a '+'.
    let parsed = match parsed {
        Ok(v) => Ok(v),
        Err(_) => serde_json::from_str(&percent_decode(&text.replace('+', " "))?),
    };
    parsed.map_err(|e| format!("the policy document is not JSON: {e}"))
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or("a truncated %-escape")?;
            let hex = std::str::from_utf8(hex).map_err(|e| e.to_string())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("a bad %-escape %{hex}"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

fn document(operation: &str, text: &str) -> Fact<Value> {
    decode_document(text).map_err(|detail| FactError::Api { operation: operation.into(), detail })
}

async fn inline_policies(iam: &Client, role: &str) -> Fact<Vec<InlinePolicy>> {
    let names = iam
        .list_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("ListRolePolicies", &e, NOT_FOUND))?;
    // One at a time: a role has a handful of policies, and the harness has no join_all.
    let mut policies = Vec::with_capacity(names.len());
    for name in names {
        let out = iam
            .get_role_policy()
            .role_name(role)
            .policy_name(&name)
            .send()
            .await
            .map_err(|e| classify("GetRolePolicy", &e, NOT_FOUND))?;
        policies.push(InlinePolicy {
            policy_name: name,
            policy_document: document("GetRolePolicy", &out.policy_document)?,
        });
    }
    policies.sort_by(|a, b| a.policy_name.cmp(&b.policy_name));
    Ok(policies)
}

async fn attached_policies(iam: &Client, role: &str) -> Fact<Vec<AttachedPolicy>> {
    let attached = iam
        .list_attached_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("ListAttachedRolePolicies", &e, NOT_FOUND))?;
    let mut policies = Vec::with_capacity(attached.len());
    for a in attached {
        // An attachment without its ARN cannot be read, and must not read as "nothing attached".
        let arn = a.policy_arn.filter(|arn| !arn.is_empty()).ok_or_else(|| FactError::Api {
            operation: "ListAttachedRolePolicies".into(),
            detail: format!("a policy attached to {role} has no PolicyArn"),
        })?;
        let policy = iam
            .get_policy()
            .policy_arn(&arn)
            .send()
            .await
            .map_err(|e| classify("GetPolicy", &e, NOT_FOUND))?
            .policy
            .ok_or_else(|| FactError::Absent { what: format!("managed policy {arn}") })?;
        let version = policy.default_version_id.ok_or_else(|| FactError::Api {
            operation: "GetPolicy".into(),
            detail: format!("{arn} has no DefaultVersionId"),
        })?;
        let text = iam
            .get_policy_version()
            .policy_arn(&arn)
            .version_id(&version)
            .send()
            .await
            .map_err(|e| classify("GetPolicyVersion", &e, NOT_FOUND))?
            .policy_version
            .and_then(|v| v.document)
            .ok_or_else(|| FactError::Api {
                operation: "GetPolicyVersion".into(),
                detail: format!("{arn} version {version} has no document"),
            })?;
        policies.push(AttachedPolicy {
            policy_name: a.policy_name.or(policy.policy_name).unwrap_or_default(),
            policy_arn: arn,
            policy_document: document("GetPolicyVersion", &text)?,
        });
    }
    policies.sort_by(|a, b| a.policy_name.cmp(&b.policy_name));
    Ok(policies)
}

/// GetRole with every inline and attached policy of the role, documents decoded.
pub async fn role(iam: &Client, name: &str) -> Fact<Role> {
    let (got, inline, attached) =
        tokio::join!(iam.get_role().role_name(name).send(), inline_policies(iam, name), attached_policies(iam, name));
    let r = got
        .map_err(|e| classify("GetRole", &e, NOT_FOUND))?
        .role
        .ok_or_else(|| FactError::Absent { what: format!("role {name}") })?;
    let trust = match r.assume_role_policy_document.as_deref() {
        Some(text) => document("GetRole", text)?,
        None => Value::Null,
    };
    Ok(Role {
        role_name: r.role_name,
        arn: r.arn,
        assume_role_policy_document: trust,
        role_policies: inline?,
        attached_policies: attached?,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn documents_decode_from_url_encoding_or_plain_json() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C\
                       %22Action%22%3A%22sns%3APublish%22%2C%22Resource%22%3A%22*%22%7D%5D%7D";
        let doc = decode_document(encoded).expect("decodes");
        assert_eq!(doc["Statement"][0]["Action"], "sns:Publish");
        assert_eq!(decode_document(r#"{"a": 1}"#).expect("plain"), json!({"a": 1}));
        assert_eq!(decode_document("%7B%22a%22%3A+1%7D").expect("form spaces"), json!({"a": 1}));
        assert!(decode_document("%7B%2").is_err());
        assert!(decode_document("not a policy").is_err());
    }
}

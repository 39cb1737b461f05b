//! Lambda functions: execution role, runtime, environment and resource-based policy.

use std::collections::BTreeMap;

use aws_sdk_lambda::Client;
use serde::Serialize;

use super::{Fact, FactError, classify};
use crate::secret::{credential_shape, looks_secret};

const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// What stands in evidence for the value of a variable named like a credential.
pub const REDACTED: &str = "(redacted)";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Function {
    pub function_name: String,
    pub function_arn: String,
    /// The execution role's ARN.
    pub role: String,
    pub runtime: Option<String>,
    pub handler: Option<String>,
    pub timeout: Option<i32>,
    pub memory_size: Option<i32>,
    /// The environment key that encrypts the variables; absent for the AWS managed key.
    pub kms_key_arn: Option<String>,
    /// Environment.Variables. Variables carry configuration (ARNs, parameter names) that checks
    /// compare against the stack, so names and values are kept; but the report is evidence that
    /// gets shared, so the value of any variable that looks like a credential (see
    /// `plaintext_credentials`) is replaced by REDACTED before it is ever stored.
    pub environment: BTreeMap<String, String>,
    /// The variables that hold a credential in plain text, each with why it reads as one: named
    /// like a credential (`DB_PASSWORD`, `REDIS_PASS`, `SENTRY_DSN`) with a value that is not a
    /// reference to a store (an ARN, a parameter path), or a value shaped like one whatever the
    /// name (a URL with a password, a private key, an AWS key, a random token).
    pub plaintext_credentials: BTreeMap<String, String>,
    pub state: Option<String>,
    /// `Successful`, `Failed`, or `InProgress` while an update of code or configuration is applied.
    pub last_update_status: Option<String>,
}

/// GetPolicy: the function's resource-based policy.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionPolicy {
    pub policy: serde_json::Value,
    pub revision_id: Option<String>,
}

/// GetFunctionConfiguration for one function by name or ARN.
pub async fn function(lambda: &Client, name: &str) -> Fact<Function> {
    let f = lambda
        .get_function_configuration()
        .function_name(name)
        .send()
        .await
        .map_err(|e| classify("GetFunctionConfiguration", &e, NOT_FOUND))?;
    let mut environment = BTreeMap::new();
    let mut plaintext_credentials = BTreeMap::new();
    for (k, v) in f.environment.and_then(|e| e.variables).unwrap_or_default() {
        let why = credential(&k, &v);
        // A reference under a credential's name is kept out of the evidence all the same.
        let shown = if why.is_some() || looks_secret(&k) { REDACTED.to_owned() } else { v };
        if let Some(why) = why {
            plaintext_credentials.insert(k.clone(), why.to_owned());
        }
        environment.insert(k, shown);
    }
    // A reply without the function's ARN or role cannot be compared with anything.
    let missing = |field: &str| FactError::Api {
        operation: "GetFunctionConfiguration".into(),
        detail: format!("the reply for {name} has no {field}"),
    };
    Ok(Function {
        function_name: f.function_name.unwrap_or_else(|| name.to_owned()),
        function_arn: f.function_arn.filter(|a| !a.is_empty()).ok_or_else(|| missing("FunctionArn"))?,
        role: f.role.filter(|r| !r.is_empty()).ok_or_else(|| missing("Role"))?,
        runtime: f.runtime.map(|r| r.as_str().to_owned()),
        handler: f.handler,
        timeout: f.timeout,
        memory_size: f.memory_size,
        kms_key_arn: f.kms_key_arn,
        environment,
        plaintext_credentials,
        state: f.state.map(|s| s.as_str().to_owned()),
        last_update_status: f.last_update_status.map(|s| s.as_str().to_owned()),
    })
}

/// Why a variable holds a credential in plain text, if it does: its value's shape decides first;
/// else a credential's name with a value that is neither empty nor a reference to where the
/// credential is kept (an ARN, a parameter path).
pub fn credential(name: &str, value: &str) -> Option<&'static str> {
    if let Some(shape) = credential_shape(value) {
        return Some(shape);
    }
    let v = value.trim();
    let reference = v.is_empty() || v.starts_with("arn:") || (v.starts_with('/') && !v.contains(char::is_whitespace));
    (looks_secret(name) && !reference).then_some("named like a credential")
}

/// GetPolicy for one function. A function without a resource policy answers
/// ResourceNotFoundException, exactly as a missing function does: both are absent.
pub async fn policy(lambda: &Client, name: &str) -> Fact<FunctionPolicy> {
    let out = lambda.get_policy().function_name(name).send().await.map_err(|e| classify("GetPolicy", &e, NOT_FOUND))?;
    let text = out.policy.ok_or_else(|| FactError::Absent { what: format!("resource policy of function {name}") })?;
    let policy = serde_json::from_str(&text).map_err(|e| FactError::Api {
        operation: "GetPolicy".into(),
        detail: format!("the policy is not JSON: {e}"),
    })?;
    Ok(FunctionPolicy { policy, revision_id: out.revision_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_found_by_name_and_by_value_and_references_are_not() {
        assert_eq!(credential("DB_PASS", "hunter2"), Some("named like a credential"));
        assert_eq!(credential("SENTRY_DSN", "abc"), Some("named like a credential"));
        let url = credential("REPLICA_ENDPOINT", "postgresql://admin:Xy7-pw@db.internal:5432/phi");
        assert!(url.is_some_and(|why| why.contains("URL with a password")), "{url:?}");
        assert_eq!(credential("DB_SECRET_ARN", "arn:aws:secretsmanager:eu-west-2:1:secret:db"), None);
        assert_eq!(credential("DB_PASSWORD_PARAMETER", "/healthcare/db/password"), None);
        assert_eq!(credential("ALERTS_TOPIC_ARN", "arn:aws:sns:eu-west-2:1:alerts"), None);
        assert_eq!(credential("CONFIG_PARAMETER_NAME", "/healthcare-dr/x/config"), None);
    }
}

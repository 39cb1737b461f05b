//! Lambda functions: execution role, runtime, environment and resource-based policy.

use std::collections::BTreeMap;

use aws_sdk_lambda::Client;
use serde::Serialize;

use super::{Fact, FactError, classify};
use crate::secret::looks_secret;

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
    /// gets shared, so the value of any variable named like a credential (*SECRET*, *PASSWORD*,
    /// *TOKEN*, see `secret::CREDENTIAL_WORDS`) is replaced by REDACTED before it is ever stored.
    pub environment: BTreeMap<String, String>,
    pub state: Option<String>,
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
    let environment = f
        .environment
        .and_then(|e| e.variables)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let v = if looks_secret(&k) { REDACTED.to_owned() } else { v };
            (k, v)
        })
        .collect();
    Ok(Function {
        function_name: f.function_name.unwrap_or_else(|| name.to_owned()),
        function_arn: f.function_arn.unwrap_or_default(),
        role: f.role.unwrap_or_default(),
        runtime: f.runtime.map(|r| r.as_str().to_owned()),
        handler: f.handler,
        timeout: f.timeout,
        memory_size: f.memory_size,
        kms_key_arn: f.kms_key_arn,
        environment,
        state: f.state.map(|s| s.as_str().to_owned()),
    })
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

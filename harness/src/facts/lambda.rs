//! Lambda functions: execution role, runtime, environment and resource-based policy.
//!
//! GetFunctionConfiguration answers the environment's variables decrypted. A function's fact
//! keeps each variable's name and a verdict on its value (named like a credential, shaped like
//! one), judged here as it is fetched; a value itself only for the variables the caller says a
//! check compares (a topic ARN, a parameter name), and never one that looks like a credential.

use aws_sdk_lambda::Client;
use serde::Serialize;

use super::{Fact, FactError, Setting, classify};

const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// What stands in evidence for a value that looks like a credential.
pub const REDACTED: &str = "(redacted)";

/// Why a variable holds a credential in plain text, if it does (kept here for the static suite,
/// which judges the synthesized variables by the same rule).
pub use crate::secret::plaintext_credential as credential;

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
    /// Environment.Variables, in name order: every name with the verdicts on its value; a value
    /// only for the variables a check compares (see [`function`]).
    pub environment: Vec<Setting>,
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

impl Function {
    /// The variable called `name`, if the function has it.
    pub fn variable(&self, name: &str) -> Option<&Setting> {
        self.environment.iter().find(|v| v.name == name)
    }

    /// The variables that hold a credential in plain text, each with why it reads as one.
    pub fn plaintext_credentials(&self) -> Vec<(&str, &'static str)> {
        self.environment.iter().filter_map(|v| Some((v.name.as_str(), v.plaintext_credential()?))).collect()
    }
}

/// GetFunctionConfiguration for one function by name or ARN. Of the variables, only the values
/// of `compared` are kept (when they do not look like credentials): the ones a check compares
/// with the stack.
pub async fn function(lambda: &Client, name: &str, compared: &[&str]) -> Fact<Function> {
    let f = lambda
        .get_function_configuration()
        .function_name(name)
        .send()
        .await
        .map_err(|e| classify("GetFunctionConfiguration", &e, NOT_FOUND))?;
    let variables = f.environment.and_then(|e| e.variables).unwrap_or_default();
    let environment = environment(variables, compared);
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
        state: f.state.map(|s| s.as_str().to_owned()),
        last_update_status: f.last_update_status.map(|s| s.as_str().to_owned()),
    })
}

/// The variables as kept, in name order: each judged, then its value dropped unless compared.
fn environment(variables: impl IntoIterator<Item = (String, String)>, compared: &[&str]) -> Vec<Setting> {
    let mut kept: Vec<Setting> =
        variables.into_iter().map(|(k, v)| Setting::judged(k.clone(), &v, compared.contains(&k.as_str()))).collect();
    kept.sort_by(|a, b| a.name.cmp(&b.name));
    kept
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

    #[test]
    fn only_compared_values_are_kept_and_never_a_credential() {
        let topic = "arn:aws:sns:eu-west-2:1:alerts";
        let vars = [
            ("ALERTS_TOPIC_ARN", topic),
            ("DATABASE_URL", "postgres://admin:Zq8RkT3vWm6Y@db.internal/phi"),
            ("SIGNING_KEY", "plainword"),
            ("LOG_LEVEL", "debug"),
            // Compared, but a credential: judged, never kept.
            ("CONFIG_PARAMETER_NAME", "Bearer abcdefghijklmnop0123"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let env = environment(vars, &["ALERTS_TOPIC_ARN", "CONFIG_PARAMETER_NAME"]);
        let names: Vec<&str> = env.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["ALERTS_TOPIC_ARN", "CONFIG_PARAMETER_NAME", "DATABASE_URL", "LOG_LEVEL", "SIGNING_KEY"]);
        let f = |name: &str| env.iter().find(|v| v.name == name).unwrap();
        assert_eq!(f("ALERTS_TOPIC_ARN").value.as_deref(), Some(topic));
        assert_eq!(f("ALERTS_TOPIC_ARN").plaintext_credential(), None);
        assert_eq!(f("LOG_LEVEL").value, None, "not compared, so not kept");
        assert_eq!(f("LOG_LEVEL").plaintext_credential(), None);
        assert_eq!(f("CONFIG_PARAMETER_NAME").value, None);
        assert_eq!(f("CONFIG_PARAMETER_NAME").shown(), crate::facts::WITHHELD);
        assert!(f("DATABASE_URL").plaintext_credential().is_some_and(|w| w.contains("URL with a password")));
        assert_eq!(f("SIGNING_KEY").plaintext_credential(), Some("named like a credential"));
        let json = serde_json::to_string(&env).unwrap();
        for value in ["Zq8RkT3vWm6Y", "plainword", "debug", "abcdefghijklmnop0123"] {
            assert!(!json.contains(value), "{value} kept: {json}");
        }
        assert!(json.contains(topic));
    }
}

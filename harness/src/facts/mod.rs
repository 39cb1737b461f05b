//! Typed views of live resources, fetched once per run through the guarded clients and shared by
//! every check. A fetch either yields the resource, or says it is absent (a definite answer,
//! which checks judge as a failure), or says why it could not look (an error, never a pass).

pub mod apigateway;
pub mod autoscaling;
pub mod backup;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod ec2;
pub mod ecs;
pub mod efs;
pub mod elasticache;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod rds;
pub mod route53;
pub mod s3;
pub mod secrets;
pub mod sns;
pub mod ssm;
pub mod wafv2;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;

use crate::guard;
use crate::outputs::Outputs;

/// The result of fetching one fact.
pub type Fact<T> = Result<T, FactError>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FactError {
    /// The API answered that the resource does not exist.
    #[error("{what} does not exist")]
    Absent { what: String },
    /// The stack's outputs do not name the resource.
    #[error("stack output {key} is missing from {origin}")]
    MissingOutput { key: String, origin: String },
    /// The endpoint could not be reached.
    #[error("{operation} got no answer: {detail}")]
    Unreachable { operation: String, detail: String },
    /// The read-only guard refused the call (a suite asked for a non-read operation).
    #[error("{0}")]
    Refused(String),
    /// Any other API failure: access denied, throttling past retries, a reply the SDK cannot read.
    #[error("{operation} failed: {detail}")]
    Api { operation: String, detail: String },
}

/// Sorts an SDK error into what it means for a check. `not_found` lists the service error codes
/// that mean "this resource does not exist" for that operation.
pub fn classify<E, R>(operation: &str, err: &SdkError<E, R>, not_found: &[&str]) -> FactError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(refused) = guard::refusal_in(err) {
        return FactError::Refused(refused.to_string());
    }
    match err {
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or("Unknown");
            let message = se.err().message().unwrap_or("");
            if not_found.contains(&code) && (code != "ValidationError" || message.contains("does not exist")) {
                FactError::Absent { what: message.to_owned() }
            } else {
                FactError::Api { operation: operation.to_owned(), detail: format!("{code}: {message}") }
            }
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            FactError::Unreachable { operation: operation.to_owned(), detail: root_cause(err) }
        }
        _ => FactError::Api { operation: operation.to_owned(), detail: DisplayErrorContext(err).to_string() },
    }
}

/// The innermost message of an error chain ("Connection refused (os error 111)").
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Tags as a sorted map, for evidence.
pub(crate) fn tag_map<I, K, V>(tags: I) -> std::collections::BTreeMap<String, String>
where
    I: IntoIterator<Item = (Option<K>, Option<V>)>,
    K: Into<String>,
    V: Into<String>,
{
    tags.into_iter().filter_map(|(k, v)| Some((k?.into(), v.map(Into::into).unwrap_or_default()))).collect()
}

/// A fact about one resource named by a stack output.
pub struct Named<T> {
    pub output: &'static str,
    /// The output's value (id, ARN or name), or the output key when the output is missing.
    pub resource: String,
    pub fact: Fact<T>,
}

/// Fetches the fact for the resource an output names; a missing output is the fact's error.
pub async fn named<T, F, Fut>(outputs: &Outputs, output: &'static str, fetch: F) -> Named<T>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Fact<T>>,
{
    match outputs.get(output) {
        Ok(value) => Named { output, resource: value.to_owned(), fact: fetch(value.to_owned()).await },
        Err(missing) => Named { output, resource: output.to_owned(), fact: Err(missing) },
    }
}

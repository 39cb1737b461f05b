//! Typed views of live resources, fetched once per run through the guarded clients and shared by
//! every check. A fetch either yields the resource, or says it is absent (a definite answer,
//! which checks judge as a failure), or says why it could not look (an error, never a pass).

pub mod apigateway;
pub mod autoscaling;
pub mod backup;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod discovery;
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

use crate::aws::fault::classify;
use crate::deployment::Outputs;
pub use crate::error::{Fact, FactError};

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

impl<T> Named<T> {
    /// The fact, if it was had.
    pub fn value(&self) -> Option<&T> {
        self.fact.as_ref().ok()
    }
}

/// An output's own value, resolved once for the checks that compare with it (the stack's key,
/// its private subnets): a missing or empty output is the fact's error.
pub fn declared(outputs: &Outputs, output: &'static str) -> Named<String> {
    match outputs.get(output) {
        Ok(value) => Named { output, resource: value.to_owned(), fact: Ok(value.to_owned()) },
        Err(missing) => Named { output, resource: output.to_owned(), fact: Err(missing) },
    }
}

/// A list output's values (kind `ids`), resolved once: `resource` is the output as written.
pub fn declared_list(outputs: &Outputs, output: &'static str) -> Named<Vec<String>> {
    match outputs.list(output) {
        Ok(values) => Named { output, resource: values.join(","), fact: Ok(values) },
        Err(missing) => Named { output, resource: output.to_owned(), fact: Err(missing) },
    }
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

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
use serde::Serialize;

use crate::deployment::Outputs;
pub use crate::error::{Fact, FactError};
use crate::secret::{Shape, named_credential, shape};

/// The tags a fact keeps: the ones the checks read (`Name`) and the ones that say which
/// deployment a resource belongs to (the suffix tag both stacks set, the HIPAA stack's
/// `StackName`, the DR layout's `Project`). Every other tag is dropped as it is fetched: teams
/// keep connection strings and keys in tags, and a kept tag ends up in evidence that is shared.
pub const KEPT_TAGS: &[&str] = &["Name", "EnvironmentSuffix", "StackName", "Project"];

/// Stands in for the value of a kept setting that looks like a credential: the value is never kept.
pub const WITHHELD: &str = "(withheld: looks like a credential)";

/// The tags of [`KEPT_TAGS`] as a sorted map, for evidence; a kept tag whose value looks like a
/// credential keeps [`WITHHELD`] in its place.
pub(crate) fn tag_map<I, K, V>(tags: I) -> std::collections::BTreeMap<String, String>
where
    I: IntoIterator<Item = (Option<K>, Option<V>)>,
    K: Into<String>,
    V: Into<String>,
{
    tags.into_iter()
        .filter_map(|(k, v)| {
            let key: String = k?.into();
            if !KEPT_TAGS.contains(&key.as_str()) {
                return None;
            }
            let value: String = v.map(Into::into).unwrap_or_default();
            Some((key, if shape(&value).is_some() { WITHHELD.to_owned() } else { value }))
        })
        .collect()
}

/// A plain setting (an environment variable, a log option) as a fact keeps it: its name and the
/// verdicts on its value, judged as it is fetched; the value itself only when a check compares it
/// (an ARN, a parameter name) and it does not look like a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Setting {
    pub name: String,
    /// False for an empty value.
    pub has_value: bool,
    /// Named like a credential (`DB_PASSWORD`, `apikey`) and holding one: a value that is not a
    /// reference to where a credential is kept (an ARN, a parameter path).
    pub named_like_credential: bool,
    /// What the value looks like, when it looks like a credential whatever the name.
    pub looks_secret: Option<Shape>,
    /// The value, kept only for a setting a check compares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl Setting {
    /// Judges `value` under `name` and drops it, unless `keep_value` (a check compares it) and it
    /// does not look like a credential.
    pub fn judged(name: impl Into<String>, value: &str, keep_value: bool) -> Self {
        let name = name.into();
        let looks_secret = shape(value);
        let named_like_credential = named_credential(&name, value);
        let kept = keep_value && looks_secret.is_none() && !named_like_credential;
        Self {
            has_value: !value.is_empty(),
            named_like_credential,
            looks_secret,
            value: kept.then(|| value.to_owned()),
            name,
        }
    }

    /// Why the setting holds a credential in plain text, if it does: its value's shape first, else
    /// its name (see [`crate::secret::plaintext_credential`]).
    pub fn plaintext_credential(&self) -> Option<&'static str> {
        self.looks_secret.map(Shape::why).or_else(|| self.named_like_credential.then_some("named like a credential"))
    }

    /// The value as a finding may show it: the value kept, or why there is none.
    pub fn shown(&self) -> &str {
        match &self.value {
            Some(v) => v,
            None if self.plaintext_credential().is_some() => WITHHELD,
            None if !self.has_value => "empty",
            None => "(not kept)",
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_kept_tags_are_kept_and_never_a_credential_in_them() {
        let tags = [
            ("Name", "vpc-pr1"),
            ("EnvironmentSuffix", "pr1"),
            ("Owner", "plainword"),
            ("DB_CONNECTION", "postgres://admin:pw@db/phi"),
            ("StackName", "Zq8RkT3vWm6YpX2sLk9Fb4Nc"),
        ]
        .map(|(k, v)| (Some(k), Some(v)));
        let kept = tag_map(tags);
        let keys: Vec<&str> = kept.keys().map(String::as_str).collect();
        assert_eq!(keys, ["EnvironmentSuffix", "Name", "StackName"]);
        assert_eq!(kept["Name"], "vpc-pr1");
        assert_eq!(kept["StackName"], WITHHELD, "a kept tag holding a token");
    }

    #[test]
    fn a_setting_keeps_verdicts_and_only_a_compared_harmless_value() {
        let judged = |name: &str, value: &str, keep: bool| Setting::judged(name, value, keep);
        let url = judged("PATIENT_DB", "mysql://app:Zq8RkT3vWm6Y@db:3306/phi", true);
        assert_eq!((url.named_like_credential, url.looks_secret), (false, Some(Shape::UrlWithPassword)));
        assert_eq!((url.value.as_deref(), url.shown()), (None, WITHHELD));
        let named = judged("REDIS_PASS", "plainword", true);
        assert!(named.named_like_credential && named.looks_secret.is_none() && named.value.is_none());
        assert_eq!(named.plaintext_credential(), Some("named like a credential"));
        let reference = judged("DB_PASSWORD_ARN", "arn:aws:secretsmanager:eu-central-1:1:secret:db", true);
        assert_eq!(reference.plaintext_credential(), None);
        assert_eq!(reference.value.as_deref(), Some("arn:aws:secretsmanager:eu-central-1:1:secret:db"));
        let unset = judged("API_TOKEN", "", false);
        assert_eq!((unset.has_value, unset.plaintext_credential(), unset.shown()), (false, None, "empty"));
        let plain = judged("LOG_LEVEL", "debug", false);
        assert_eq!((plain.plaintext_credential(), plain.shown()), (None, "(not kept)"));
        let json = serde_json::to_string(&[url, named, plain]).unwrap();
        assert!(!json.contains("Zq8RkT3vWm6Y") && !json.contains("plainword") && !json.contains("debug"), "{json}");
        assert!(json.contains("looks like a URL with a password"), "the verdict in words: {json}");
    }
}

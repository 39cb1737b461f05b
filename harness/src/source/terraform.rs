//! Terraform JSON (`cdktf synth`'s `cdk.tf.json`) as data, for the static suites: resources by
//! type and logical id, dotted property paths through nested blocks, provider aliases resolved to
//! regions, and `${type.id.attr}` references. The Terraform counterpart of `template.rs`.
//!
//! CDKTF emits a nested block as an object or as an array (of one, usually) depending on the
//! provider schema; property paths step through a one-element array as if it were the object, and
//! a numeric segment (`rule.0.transition`) picks an element of any array.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::Mutable;
use super::docs::DocCommand;
use super::json::lookup;
use crate::Error;

#[derive(Debug, Clone)]
pub struct Synth {
    pub path: PathBuf,
    pub body: Value,
    /// The commands its documentation gives to deploy it, when a suite reads them (else empty).
    pub deployed_by: Vec<DocCommand>,
}

/// One resource of a synthesized layout: `aws_kms_key.primary_key` has kind `aws_kms_key` and id
/// `primary_key`.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    pub kind: &'a str,
    pub id: &'a str,
    pub body: &'a Value,
}

impl<'a> Resource<'a> {
    /// `type.id`, as Terraform addresses the resource.
    pub fn address(&self) -> String {
        format!("{}.{}", self.kind, self.id)
    }

    /// An argument by dotted path: `versioning_configuration.status`, `rule.transition.days`.
    pub fn prop(&self, path: &str) -> Option<&'a Value> {
        lookup(self.body, path)
    }

    /// The provider configuration the resource names: `aws.dr`, or None for the default one.
    pub fn provider(&self) -> Option<&'a str> {
        self.body.get("provider").and_then(Value::as_str)
    }

    /// True if the resource is `kind.id`.
    pub fn is(&self, (kind, id): (&str, &str)) -> bool {
        self.kind == kind && self.id == id
    }
}

/// Resources are named `type.id`, as findings name them.
impl Mutable for Synth {
    fn properties_mut(&mut self, resource: &str) -> Option<&mut Value> {
        let (kind, id) = resource.split_once('.')?;
        self.resource_mut(kind, id)
    }
    fn attributes_mut(&mut self, resource: &str) -> Option<&mut Value> {
        self.properties_mut(resource)
    }
}

impl Synth {
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Template { path: path.to_owned(), detail: format!("cannot be read: {e}") })?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        let fail = |detail: String| Error::Template { path: path.to_owned(), detail };
        let body: Value = serde_json::from_str(text).map_err(|e| fail(format!("is not JSON ({e})")))?;
        match body.get("resource") {
            Some(Value::Object(r)) if r.values().any(|of_type| of_type.as_object().is_some_and(|m| !m.is_empty())) => {
                Ok(Self { path: path.to_owned(), body, deployed_by: Vec::new() })
            }
            _ => Err(fail("has no resource section".into())),
        }
    }

    fn types(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
        self.body.get("resource").and_then(Value::as_object).unwrap_or(&EMPTY)
    }

    /// Every resource, as (type, logical id, body).
    pub fn resources(&self) -> impl Iterator<Item = Resource<'_>> {
        self.types().iter().flat_map(|(kind, of_type)| {
            of_type.as_object().into_iter().flatten().map(move |(id, body)| Resource { kind, id, body })
        })
    }

    pub fn resources_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = Resource<'a>> + 'a {
        self.resources().filter(move |r| r.kind == kind)
    }

    pub fn resource(&self, kind: &str, id: &str) -> Option<Resource<'_>> {
        let (kind, of_type) = self.types().get_key_value(kind)?;
        let (id, body) = of_type.as_object()?.get_key_value(id)?;
        Some(Resource { kind, id, body })
    }

    /// The resource a value refers to (`${aws_kms_key.primary_key.arn}`), if the layout has it.
    pub fn referenced(&self, v: Option<&Value>) -> Option<Resource<'_>> {
        let (kind, id) = reference(v?)?;
        self.resource(kind, id)
    }

    /// Mutable access to one resource's body, for mutation tests.
    pub fn resource_mut(&mut self, kind: &str, id: &str) -> Option<&mut Value> {
        self.body.get_mut("resource")?.get_mut(kind)?.get_mut(id)
    }

    /// The region of the provider configuration `name` (`aws.dr`; `aws` alone is the default,
    /// unaliased one), from `provider.aws[]`.
    pub fn provider_region(&self, name: &str) -> Option<&str> {
        let (provider, alias) = match name.split_once('.') {
            Some((p, a)) => (p, Some(a)),
            None => (name, None),
        };
        let configs = match self.body.get("provider")?.get(provider)? {
            Value::Array(list) => list.iter().collect(),
            one => vec![one],
        };
        configs
            .into_iter()
            .find(|c| c.get("alias").and_then(Value::as_str) == alias)
            .and_then(|c| c.get("region"))
            .and_then(Value::as_str)
    }

    /// The region a resource is created in: its provider's (the default one when it names none).
    pub fn region_of(&self, r: &Resource) -> Option<&str> {
        let default = r.kind.split('_').next().unwrap_or(r.kind);
        self.provider_region(r.provider().unwrap_or(default))
    }
}

/// The resource a value refers to when it is exactly one reference: `"${aws_kms_key.primary_key.arn}"`
/// is `("aws_kms_key", "primary_key")`. Data sources, variables and locals are not resources.
pub fn reference(v: &Value) -> Option<(&str, &str)> {
    let text = v.as_str()?.trim();
    let inner = text.strip_prefix("${")?.strip_suffix('}')?;
    let plain = inner.chars().all(|c| c.is_ascii_alphanumeric() || "_-.[]\"*".contains(c));
    match references_in(text).as_slice() {
        [one] if plain => Some(*one),
        _ => None,
    }
}

/// Every resource a text refers to inside its `${...}` expressions, in order: a policy document
/// with `${aws_sns_topic.alerts_topic.arn}` in it, `${element(aws_subnet.a.*.id, 0)}`.
pub fn references_in(text: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let end = after.find('}').unwrap_or(after.len());
        let expr = &after[..end];
        for token in expr.split(|c: char| !(c.is_ascii_alphanumeric() || "_-.".contains(c))) {
            let mut parts = token.split('.');
            let (Some(kind), Some(id)) = (parts.next(), parts.next()) else { continue };
            let resource_type = kind.contains('_')
                && kind.starts_with(|c: char| c.is_ascii_lowercase())
                && kind.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if resource_type && !id.is_empty() && !["data", "var", "local", "module"].contains(&kind) {
                found.push((kind, id));
            }
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    found
}

/// Every resource a value refers to, through strings, lists and objects.
pub fn references(v: &Value) -> Vec<(&str, &str)> {
    match v {
        Value::String(s) => references_in(s),
        Value::Array(items) => items.iter().flat_map(references).collect(),
        Value::Object(m) => m.values().flat_map(references).collect(),
        _ => Vec::new(),
    }
}

/// A compact rendering of a value for messages: text as itself, anything else as JSON.
pub fn show(v: Option<&Value>) -> String {
    match v {
        None => "absent".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::source::json::{blocks, is_true, remove, set};

    fn synth() -> Synth {
        let body = json!({
            "provider": {"aws": [
                {"alias": "primary", "region": "eu-west-2"},
                {"alias": "dr", "region": "eu-west-1"},
                {"region": "us-east-1"}
            ]},
            "resource": {
                "aws_kms_key": {"primary_key": {"enable_key_rotation": true, "provider": "aws.primary"}},
                "aws_s3_bucket_versioning": {"v": {
                    "provider": "aws.dr",
                    "bucket": "${aws_s3_bucket.dr_bucket.id}",
                    "versioning_configuration": {"status": "Enabled"}
                }},
                "aws_s3_bucket_lifecycle_configuration": {"l": {
                    "rule": [{"status": "Enabled", "transition": [{"days": 30}]}]
                }},
                "aws_sns_topic": {"t": {}}
            }
        });
        Synth::parse(&body.to_string(), Path::new("cdk.tf.json")).unwrap()
    }

    #[test]
    fn resources_by_type_and_id() {
        let s = synth();
        assert_eq!(s.resources().count(), 4);
        assert_eq!(s.resources_of("aws_kms_key").map(|r| r.address()).collect::<Vec<_>>(), ["aws_kms_key.primary_key"]);
        let key = s.resource("aws_kms_key", "primary_key").unwrap();
        assert!(is_true(key.prop("enable_key_rotation")));
        assert!(s.resource("aws_kms_key", "nope").is_none() && s.resource("aws_nope", "primary_key").is_none());
    }

    #[test]
    fn paths_step_through_blocks_as_objects_or_lists_of_one() {
        let s = synth();
        let v = s.resource("aws_s3_bucket_versioning", "v").unwrap();
        assert_eq!(v.prop("versioning_configuration.status"), Some(&json!("Enabled")));
        let l = s.resource("aws_s3_bucket_lifecycle_configuration", "l").unwrap();
        assert_eq!(l.prop("rule.transition.days"), Some(&json!(30)));
        assert_eq!(l.prop("rule.0.transition.0.days"), Some(&json!(30)));
        assert_eq!(l.prop("rule.1"), None);
        assert_eq!(blocks(l.prop("rule")).len(), 1);
        assert_eq!(blocks(v.prop("versioning_configuration")).len(), 1);
    }

    #[test]
    fn set_and_remove_reach_through_lists_of_one() {
        let mut s = synth();
        let body = s.resource_mut("aws_s3_bucket_lifecycle_configuration", "l").unwrap();
        assert!(set(body, "rule.transition.days", json!(60)));
        assert_eq!(lookup(body, "rule.0.transition.0.days"), Some(&json!(60)));
        assert_eq!(remove(body, "rule.status"), Some(json!("Enabled")));
        assert!(lookup(body, "rule.status").is_none());
        assert!(!set(body, "nothing.here", json!(1)));
    }

    #[test]
    fn provider_aliases_resolve_to_regions() {
        let s = synth();
        assert_eq!(s.region_of(&s.resource("aws_kms_key", "primary_key").unwrap()), Some("eu-west-2"));
        assert_eq!(s.region_of(&s.resource("aws_s3_bucket_versioning", "v").unwrap()), Some("eu-west-1"));
        assert_eq!(s.region_of(&s.resource("aws_sns_topic", "t").unwrap()), Some("us-east-1"));
        assert_eq!(s.provider_region("aws.nowhere"), None);
    }

    #[test]
    fn references_name_type_and_id() {
        assert_eq!(reference(&json!("${aws_kms_key.primary_key.arn}")), Some(("aws_kms_key", "primary_key")));
        assert_eq!(reference(&json!("${aws_s3_bucket.dr_bucket.id}")), Some(("aws_s3_bucket", "dr_bucket")));
        assert_eq!(reference(&json!("${data.aws_availability_zones.azs.names}")), None);
        assert_eq!(reference(&json!("${var.x}")), None);
        assert_eq!(reference(&json!("arn:aws:kms:eu-west-2:1:key/x")), None);
        assert_eq!(reference(&json!("prefix-${aws_kms_key.k.arn}")), None);
        assert_eq!(reference(&json!(7)), None);
        let policy = r#"{"Resource": ["${aws_sns_topic.alerts_topic.arn}", "${element(aws_subnet.a.*.id, 0)}", "${data.aws_caller_identity.me.account_id}"]}"#;
        assert_eq!(references_in(policy), [("aws_sns_topic", "alerts_topic"), ("aws_subnet", "a")]);
        assert_eq!(references(&json!({"a": ["${aws_kms_key.k.arn}"]})), [("aws_kms_key", "k")]);
    }

    #[test]
    fn unreadable_non_json_or_resourceless_files_are_one_clear_error() {
        let bad = Synth::parse("{unclosed", Path::new("bad.json")).unwrap_err().to_string();
        assert!(bad.starts_with("the template bad.json is not JSON"), "{bad}");
        let empty = Synth::parse(r#"{"terraform": {}}"#, Path::new("e.json")).unwrap_err().to_string();
        assert_eq!(empty, "the template e.json has no resource section");
        let missing = Synth::load(Path::new("/nonexistent/cdk.tf.json")).unwrap_err().to_string();
        assert!(missing.contains("/nonexistent/cdk.tf.json cannot be read"), "{missing}");
    }
}

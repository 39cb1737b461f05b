//! A deployment's outputs: read from CloudFormation DescribeStacks or from a JSON file (flat,
//! `cdktf deploy --outputs-file`, `terraform output -json`), and looked up by the contract's keys.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::aws::fault::classify;
use crate::aws::{RegionClients, Target};
use crate::error::{Error, FactError};

/// Where a set of outputs came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputsSource {
    Stack { name: String, region: String },
    File(PathBuf),
}

impl std::fmt::Display for OutputsSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputsSource::Stack { name, region } => write!(f, "the outputs of stack {name} in {region}"),
            OutputsSource::File(path) => write!(f, "the outputs file {}", path.display()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Outputs {
    source: OutputsSource,
    values: BTreeMap<String, String>,
}

impl Outputs {
    pub fn new(source: OutputsSource, values: BTreeMap<String, String>) -> Self {
        Self { source, values }
    }

    pub fn source(&self) -> &OutputsSource {
        &self.source
    }

    pub fn values(&self) -> &BTreeMap<String, String> {
        &self.values
    }

    /// Reads an outputs JSON file in any of the shapes deploy tools write: flat
    /// `{"OutputKey": "value"}` (cfn-outputs/flat-outputs.json), CDKTF's
    /// `{"stack-name": {"OutputKey": "value"}}` (`cdktf deploy --outputs-file`), or Terraform's
    /// `{"OutputKey": {"value": "...", "type": ..., "sensitive": ...}}` (`terraform output -json`).
    /// Lists may be JSON arrays or comma-separated strings; numbers and booleans are taken as text.
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| Error::OutputsUnreadable { path: path.to_owned(), source })?;
        Self::from_json(&text, path)
    }

    pub fn from_json(text: &str, path: &Path) -> Result<Self, Error> {
        let shape = |detail: String| Error::OutputsShape { path: path.to_owned(), detail };
        // Editors on Windows save JSON with a byte-order mark; it is not part of the document.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let json = serde_json::from_str::<Unique>(text)
            .map_err(|e| Error::OutputsNotJson { path: path.to_owned(), detail: e.to_string() })?
            .0;
        let serde_json::Value::Object(mut map) = json else {
            return Err(shape(format!("expected an object of output names to values, found {}", kind_of(&json))));
        };
        // CDKTF: one stack name wrapping the outputs.
        let wrapped =
            map.len() == 1 && map.values().all(|v| v.as_object().is_some_and(|o| !o.values().any(is_terraform_output)));
        if wrapped && let Some(serde_json::Value::Object(inner)) = map.values_mut().next() {
            let inner = std::mem::take(inner);
            map = inner;
        }
        // Terraform: every value wrapped with its type.
        for value in map.values_mut() {
            if is_terraform_output(value) {
                *value = value.get("value").cloned().unwrap_or(serde_json::Value::Null);
            }
        }
        let mut values = BTreeMap::new();
        for (key, value) in map {
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str().map(str::to_owned).ok_or_else(|| shape(format!("{key} is a list of non-strings")))
                    })
                    .collect::<Result<Vec<_>, _>>()?
                    .join(","),
                other => return Err(shape(format!("the value of {key} is {}, not text", kind_of(&other)))),
            };
            values.insert(key, text);
        }
        Ok(Self::new(OutputsSource::File(path.to_owned()), values))
    }

    /// Reads the outputs of a deployed CloudFormation stack.
    pub async fn from_stack(clients: &RegionClients, target: &Target, stack_name: &str) -> Result<Self, Error> {
        let region = clients.region.clone();
        let reply = clients.cloudformation.describe_stacks().stack_name(stack_name).send().await;
        let stacks = match reply {
            Ok(out) => out.stacks.unwrap_or_default(),
            Err(err) => {
                return Err(match classify("DescribeStacks", &err, &["ValidationError"]) {
                    FactError::Absent { .. } => Error::StackNotFound { stack: stack_name.to_owned(), region },
                    FactError::Unreachable { detail, .. } => {
                        Error::Unreachable { target: target.describe(), region, detail }
                    }
                    other => Error::Api { operation: "DescribeStacks".into(), region, detail: other.to_string() },
                });
            }
        };
        let Some(stack) = stacks.into_iter().next() else {
            return Err(Error::StackNotFound { stack: stack_name.to_owned(), region });
        };
        let values = stack
            .outputs
            .unwrap_or_default()
            .into_iter()
            .filter_map(|o| Some((o.output_key?, o.output_value.unwrap_or_default())))
            .collect();
        Ok(Self::new(OutputsSource::Stack { name: stack_name.to_owned(), region }, values))
    }

    pub fn get(&self, key: &str) -> Result<&str, FactError> {
        self.values
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| FactError::MissingOutput { key: key.to_owned(), origin: self.source.to_string() })
    }

    /// A comma-separated list output (kind `ids`).
    pub fn list(&self, key: &str) -> Result<Vec<String>, FactError> {
        Ok(self.get(key)?.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
    }

    /// Keys of `wanted` that these outputs lack.
    pub fn missing<'a>(&self, wanted: &[&'a str]) -> Vec<&'a str> {
        wanted.iter().copied().filter(|k| self.get(k).is_err()).collect()
    }
}

/// A JSON value read with every object's keys checked for repeats: serde_json keeps the last of
/// two equal keys silently, and an outputs file with `VpcId` twice is ambiguous, not valid.
struct Unique(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Unique {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Unique(value) = map.next_value()?;
            if out.insert(key.clone(), value).is_some() {
                return Err(serde::de::Error::custom(format!("the key {key:?} appears twice")));
            }
        }
        Ok(serde_json::Value::Object(out))
    }
}

fn is_terraform_output(v: &serde_json::Value) -> bool {
    v.as_object().is_some_and(|o| o.contains_key("value") && (o.contains_key("type") || o.contains_key("sensitive")))
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Outputs, Error> {
        Outputs::from_json(text, Path::new("cfn-outputs/flat-outputs.json"))
    }

    #[test]
    fn flat_outputs_are_read_with_lists_and_scalars() {
        let o =
            load(r#"{"VpcId":"vpc-1","PrivateSubnetIds":"subnet-a, subnet-b","Ids":["x","y"],"Port":5432}"#).unwrap();
        assert_eq!(o.get("VpcId").unwrap(), "vpc-1");
        assert_eq!(o.list("PrivateSubnetIds").unwrap(), ["subnet-a", "subnet-b"]);
        assert_eq!(o.list("Ids").unwrap(), ["x", "y"]);
        assert_eq!(o.get("Port").unwrap(), "5432");
    }

    #[test]
    fn cdktf_and_terraform_output_files_read_like_flat_ones() {
        let cdktf =
            load(r#"{"healthcare-dr": {"PrimaryBucketName": "b-1", "DrPrivateSubnetIds": "s-1,s-2"}}"#).unwrap();
        assert_eq!(cdktf.get("PrimaryBucketName").unwrap(), "b-1");
        assert_eq!(cdktf.list("DrPrivateSubnetIds").unwrap(), ["s-1", "s-2"]);
        let tf = load(
            r#"{"PrimaryBucketName": {"sensitive": false, "type": "string", "value": "b-1"},
                        "Ids": {"sensitive": false, "type": ["list", "string"], "value": ["a", "b"]}}"#,
        )
        .unwrap();
        assert_eq!(tf.get("PrimaryBucketName").unwrap(), "b-1");
        assert_eq!(tf.list("Ids").unwrap(), ["a", "b"]);
        // A flat file with a single output is still flat.
        assert_eq!(load(r#"{"VpcId": "vpc-1"}"#).unwrap().get("VpcId").unwrap(), "vpc-1");
    }

    #[test]
    fn a_missing_or_empty_output_names_the_key_and_the_file() {
        let o = load(r#"{"VpcId":"","Other":"x"}"#).unwrap();
        for key in ["VpcId", "DataKeyArn"] {
            let msg = o.get(key).unwrap_err().to_string();
            assert!(msg.contains(key) && msg.contains("flat-outputs.json"), "{msg}");
        }
        assert_eq!(o.missing(&["VpcId", "Other", "DataKeyArn"]), ["VpcId", "DataKeyArn"]);
    }

    #[test]
    fn malformed_files_are_one_clear_error() {
        let not_json = load("VpcId = vpc-1").unwrap_err();
        assert!(matches!(not_json, Error::OutputsNotJson { .. }), "{not_json}");
        assert!(not_json.to_string().contains("is not valid JSON"));
        let array = load(r#"["vpc-1"]"#).unwrap_err();
        assert!(array.to_string().contains("found an array"), "{array}");
        let nested = load(r#"{"VpcId":"vpc-1","Subnets":{"a":1}}"#).unwrap_err();
        assert!(nested.to_string().contains("Subnets is an object"), "{nested}");
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_document() {
        let o = load("\u{feff}{\"VpcId\": \"vpc-1\"}").expect("a BOM is accepted");
        assert_eq!(o.get("VpcId").unwrap(), "vpc-1");
    }

    #[test]
    fn a_key_given_twice_is_refused_at_any_depth() {
        let flat = load(r#"{"VpcId": "vpc-1", "VpcId": "vpc-2"}"#).unwrap_err().to_string();
        assert!(flat.contains("\"VpcId\" appears twice"), "{flat}");
        let cdktf = load(r#"{"healthcare-dr": {"A": "1", "A": "2"}}"#).unwrap_err().to_string();
        assert!(cdktf.contains("\"A\" appears twice"), "{cdktf}");
        assert!(load(r#"{"A": ["x", "x"], "B": {"k": 1}, "C": 1.5, "D": null}"#).is_err(), "B is not text");
        assert_eq!(load(r#"{"A": ["x", "x"], "C": 1.5}"#).unwrap().get("C").unwrap(), "1.5");
    }

    #[test]
    fn an_unreadable_file_names_the_path() {
        let err = Outputs::from_file(Path::new("/nonexistent/flat.json")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/flat.json"), "{err}");
    }
}

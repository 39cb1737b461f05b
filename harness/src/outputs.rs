//! Stack outputs and the contract that names them.
//!
//! A stack version ships an outputs contract (`stacks/<stack>/<version>/outputs.yml`): the
//! output keys every deployment exposes. Outputs are read from CloudFormation DescribeStacks or
//! from a flat JSON file (the `cfn-outputs/flat-outputs.json` convention), and looked up by the
//! contract's keys only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;
use crate::args::Suffix;
use crate::aws::RegionClients;
use crate::facts::{self, FactError};
use crate::target::Target;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub stack: String,
    pub version: String,
    /// Stack name pattern with `{suffix}`, e.g. `TapStack{suffix}`.
    pub stack_name: String,
    pub region: String,
    pub outputs: BTreeMap<String, OutputSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    pub kind: OutputKind,
    pub about: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputKind {
    Id,
    Ids,
    Arn,
    Name,
}

impl Contract {
    pub fn parse(name: &str, yaml: &str) -> Result<Self, Error> {
        let contract: Contract = serde_norway::from_str(yaml)
            .map_err(|e| Error::Contract { name: name.to_owned(), detail: e.to_string() })?;
        if !contract.stack_name.contains("{suffix}") {
            return Err(Error::Contract { name: name.to_owned(), detail: "stack_name has no {suffix}".into() });
        }
        Ok(contract)
    }

    pub fn stack_name(&self, suffix: &Suffix) -> String {
        self.stack_name.replace("{suffix}", suffix.as_str())
    }

    pub fn declares(&self, key: &str) -> bool {
        self.outputs.contains_key(key)
    }
}

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

    /// Reads a flat `{"OutputKey": "value"}` JSON file. Lists may be JSON arrays or
    /// comma-separated strings; numbers and booleans are taken as their text.
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| Error::OutputsUnreadable { path: path.to_owned(), source })?;
        Self::from_json(&text, path)
    }

    pub fn from_json(text: &str, path: &Path) -> Result<Self, Error> {
        let shape = |detail: String| Error::OutputsShape { path: path.to_owned(), detail };
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::OutputsNotJson { path: path.to_owned(), detail: e.to_string() })?;
        let serde_json::Value::Object(map) = json else {
            return Err(shape(format!("expected an object of output names to values, found {}", kind_of(&json))));
        };
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
                return Err(match facts::classify("DescribeStacks", &err, &["ValidationError"]) {
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
        let nested = load(r#"{"VpcId":{"a":1}}"#).unwrap_err();
        assert!(nested.to_string().contains("VpcId is an object"), "{nested}");
    }

    #[test]
    fn an_unreadable_file_names_the_path() {
        let err = Outputs::from_file(Path::new("/nonexistent/flat.json")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/flat.json"), "{err}");
    }

    #[test]
    fn contract_parses_and_names_the_stack() {
        let c = Contract::parse(
            "t",
            "stack: s\nversion: v1\nstack_name: 'TapStack{suffix}'\nregion: eu-central-1\noutputs:\n  VpcId: {kind: id, about: vpc}\n",
        )
        .unwrap();
        assert_eq!(c.stack_name(&Suffix::parse("pr1").unwrap()), "TapStackpr1");
        assert!(c.declares("VpcId") && !c.declares("Nope"));
        assert!(Contract::parse("t", "stack: s\n").is_err());
    }
}

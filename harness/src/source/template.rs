//! CloudFormation templates as data, for the static suites. YAML (with the short-form
//! intrinsics `!Ref`, `!Sub`, `!GetAtt`, ...) and JSON templates are both read into the long JSON
//! form (`{"Ref": ..}`, `{"Fn::Sub": ..}`), so checks see one shape whatever the source.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::Mutable;
use super::docs::DocCommand;
use crate::Error;

#[derive(Debug, Clone)]
pub struct Template {
    pub path: PathBuf,
    pub body: Value,
    /// The size of the text as read: CloudFormation takes 51,200 bytes inline, 1 MB from S3.
    pub bytes: usize,
    /// The commands its documentation gives to deploy it, when a suite reads them (else empty).
    pub deployed_by: Vec<DocCommand>,
}

/// One resource of a template.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub body: &'a Value,
}

impl<'a> Resource<'a> {
    /// A property by dotted path: `BackupPolicy.Status`.
    pub fn prop(&self, path: &str) -> Option<&'a Value> {
        path.split('.').try_fold(self.body.get("Properties")?, |v, key| v.get(key))
    }

    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.body.get(name).and_then(Value::as_str)
    }

    pub fn depends_on(&self) -> Vec<&'a str> {
        match self.body.get("DependsOn") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

impl Template {
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Template { path: path.to_owned(), detail: format!("cannot be read: {e}") })?;
        Self::parse(&text, path)
    }

    /// Parses JSON or YAML (YAML is tried when the text is not JSON).
    pub fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        let fail = |detail: String| Error::Template { path: path.to_owned(), detail };
        let body = match serde_json::from_str::<Value>(text) {
            Ok(json) => json,
            Err(_) => {
                let yaml: serde_norway::Value =
                    serde_norway::from_str(text).map_err(|e| fail(format!("is neither JSON nor YAML ({e})")))?;
                from_yaml(yaml).map_err(fail)?
            }
        };
        match body.get("Resources") {
            Some(Value::Object(r)) if !r.is_empty() => {
                Ok(Self { path: path.to_owned(), body, bytes: text.len(), deployed_by: Vec::new() })
            }
            _ => Err(fail("has no Resources section".into())),
        }
    }

    fn resource_map(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
        self.body.get("Resources").and_then(Value::as_object).unwrap_or(&EMPTY)
    }

    pub fn resources(&self) -> impl Iterator<Item = Resource<'_>> {
        self.resource_map().iter().map(|(id, body)| Resource {
            id,
            kind: body.get("Type").and_then(Value::as_str).unwrap_or(""),
            body,
        })
    }

    pub fn resources_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = Resource<'a>> + 'a {
        self.resources().filter(move |r| r.kind == kind)
    }

    pub fn resource(&self, id: &str) -> Option<Resource<'_>> {
        self.resources().find(|r| r.id == id)
    }

    /// Mutable access to one resource's body, for mutation tests.
    pub fn resource_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.body.get_mut("Resources")?.get_mut(id)
    }
}

impl Mutable for Template {
    fn properties_mut(&mut self, resource: &str) -> Option<&mut Value> {
        self.resource_mut(resource)?.get_mut("Properties")
    }
    fn attributes_mut(&mut self, resource: &str) -> Option<&mut Value> {
        self.resource_mut(resource)
    }
}

/// The logical id a value refers to: `{"Ref": X}` or `{"Fn::GetAtt": [X, attr]}`.
pub fn reference(v: &Value) -> Option<&str> {
    let obj = v.as_object().filter(|o| o.len() == 1)?;
    if let Some(target) = obj.get("Ref") {
        return target.as_str();
    }
    match obj.get("Fn::GetAtt")? {
        Value::Array(parts) => parts.first()?.as_str(),
        Value::String(s) => s.split('.').next(),
        _ => None,
    }
}

/// A compact rendering of a template value for messages: `!Ref X`, `!GetAtt X.Arn`, or JSON.
pub fn show(v: Option<&Value>) -> String {
    let Some(v) = v else { return "absent".into() };
    if let Some(obj) = v.as_object().filter(|o| o.len() == 1) {
        if let Some(Value::String(r)) = obj.get("Ref") {
            return format!("!Ref {r}");
        }
        if let Some(Value::Array(p)) = obj.get("Fn::GetAtt") {
            let parts: Vec<&str> = p.iter().filter_map(Value::as_str).collect();
            return format!("!GetAtt {}", parts.join("."));
        }
    }
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn from_yaml(v: serde_norway::Value) -> Result<Value, String> {
    use serde_norway::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).map_err(|e| e.to_string())?,
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(from_yaml).collect::<Result<_, _>>()?),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(format!("has a mapping key that is not text: {other:?}")),
                };
                out.insert(key, from_yaml(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let inner = from_yaml(tagged.value)?;
            let (key, value) = match name {
                "Ref" | "Condition" => (name.to_owned(), inner),
                // `!GetAtt Res.Attr` is the string form of ["Res", "Attr"].
                "GetAtt" => match inner {
                    Value::String(s) => {
                        let (res, attr) =
                            s.split_once('.').ok_or_else(|| format!("has !GetAtt {s} without an attribute"))?;
                        ("Fn::GetAtt".to_owned(), Value::Array(vec![res.into(), attr.into()]))
                    }
                    other => ("Fn::GetAtt".to_owned(), other),
                },
                _ => (format!("Fn::{name}"), inner),
            };
            let mut m = Map::new();
            m.insert(key, value);
            Value::Object(m)
        }
    })
}

/// The names of the `${X}` / `${X.Attr}` placeholders of a `!Sub` text (`${!X}` is literal text).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.starts_with('!') {
            names.push(name.split('.').next().unwrap_or(name));
        }
        rest = &after[end + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::json::is_true;

    const YAML: &str = "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: true\n  Alias:\n    Type: AWS::KMS::Alias\n    DependsOn: Key\n    Properties:\n      AliasName: !Sub 'alias/x-${EnvironmentSuffix}'\n      TargetKeyId: !Ref Key\n      Arn: !GetAtt Key.Arn\n      Az: !Select [0, !GetAZs '']\n";

    #[test]
    fn short_form_intrinsics_become_the_long_form() {
        let t = Template::parse(YAML, Path::new("t.yml")).unwrap();
        let alias = t.resource("Alias").unwrap();
        assert_eq!(alias.kind, "AWS::KMS::Alias");
        assert_eq!(alias.prop("AliasName").unwrap(), &serde_json::json!({"Fn::Sub": "alias/x-${EnvironmentSuffix}"}));
        assert_eq!(reference(alias.prop("TargetKeyId").unwrap()), Some("Key"));
        assert_eq!(reference(alias.prop("Arn").unwrap()), Some("Key"));
        assert_eq!(show(alias.prop("Arn")), "!GetAtt Key.Arn");
        assert_eq!(alias.prop("Az").unwrap(), &serde_json::json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}));
        assert_eq!(alias.depends_on(), ["Key"]);
        assert!(is_true(t.resource("Key").unwrap().prop("EnableKeyRotation")));
    }

    #[test]
    fn json_templates_read_the_same() {
        let yaml = Template::parse(YAML, Path::new("t.yml")).unwrap();
        let json = Template::parse(&yaml.body.to_string(), Path::new("t.json")).unwrap();
        assert_eq!(yaml.body, json.body);
    }

    #[test]
    fn unparsable_or_resourceless_templates_are_one_clear_error() {
        let bad = Template::parse("Resources: [unclosed", Path::new("bad.yml")).unwrap_err().to_string();
        assert!(bad.starts_with("the template bad.yml is neither JSON nor YAML"), "{bad}");
        let empty = Template::parse("Parameters: {}\n", Path::new("e.yml")).unwrap_err().to_string();
        assert_eq!(empty, "the template e.yml has no Resources section");
        let missing = Template::load(Path::new("/nonexistent/t.yml")).unwrap_err().to_string();
        assert!(missing.contains("/nonexistent/t.yml cannot be read"), "{missing}");
    }
}

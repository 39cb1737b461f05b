//! SSM Parameter Store: a parameter's metadata by DescribeParameters, and what a plain (`String`)
//! parameter holds by GetParameter without decryption, which is all the guard admits of it. A
//! SecureString is never read: its value is a secret's place. Only what checks judge is kept: not
//! a parameter's description, and of a JSON value only the fields the caller names.

use aws_sdk_ssm::Client;
use aws_sdk_ssm::types::ParameterStringFilter;
use aws_smithy_types::date_time::Format;
use serde::Serialize;

use serde_json::Value;

use super::lambda::REDACTED;
use super::{Fact, FactError, classify};
use crate::secret::{credential_shape, is_secret_field, looks_secret};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    pub name: String,
    /// Absent on the emulator (moto does not report it).
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    /// String, StringList or SecureString.
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    /// The KMS key of a SecureString.
    pub key_id: Option<String>,
    pub version: i64,
    pub tier: Option<String>,
    pub data_type: Option<String>,
    pub last_modified_date: Option<String>,
}

/// DescribeParameters filtered to one exact name; a name nothing matches is absent.
pub async fn parameter(ssm: &Client, name: &str) -> Fact<Parameter> {
    let filter = ParameterStringFilter::builder()
        .key("Name")
        .option("Equals")
        .values(name)
        .build()
        .map_err(|e| FactError::Api { operation: "DescribeParameters".into(), detail: e.to_string() })?;
    // Every page: AWS may answer a filtered query with empty pages before the match.
    let pages = ssm
        .describe_parameters()
        .parameter_filters(filter)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("DescribeParameters", &e, &[]))?;
    let p = pages
        .into_iter()
        .flat_map(|page| page.parameters.unwrap_or_default())
        .find(|p| p.name.as_deref() == Some(name))
        .ok_or_else(|| FactError::Absent { what: format!("SSM parameter {name}") })?;
    Ok(Parameter {
        name: name.to_owned(),
        arn: p.arn,
        kind: p.r#type.map(|t| t.as_str().to_owned()),
        key_id: p.key_id,
        version: p.version,
        tier: p.tier.map(|t| t.as_str().to_owned()),
        data_type: p.data_type,
        last_modified_date: p.last_modified_date.and_then(|d| d.fmt(Format::DateTime).ok()),
    })
}

/// What a parameter holds, as far as it may be read.
#[derive(Debug, Clone, Serialize)]
pub enum ParameterValue {
    /// A `String` or `StringList` parameter's JSON object, with only the fields asked for; any
    /// of them named like a credential, and any value shaped like one, replaced by REDACTED. A
    /// value that is not a JSON object is kept as a note of what it is, not as itself.
    Plain(Value),
    /// Not read: a `SecureString` (or a type this view does not know) is never read.
    NotRead { kind: String },
}

/// GetParameter, without decryption, for a parameter DescribeParameters described, keeping the
/// fields `kept` of its JSON value; a SecureString is not asked for at all.
pub async fn value(ssm: &Client, p: &Parameter, kept: &[&str]) -> Fact<ParameterValue> {
    let kind = p.kind.clone().unwrap_or_default();
    if kind != "String" && kind != "StringList" {
        return Ok(ParameterValue::NotRead { kind });
    }
    let out = ssm
        .get_parameter()
        .name(&p.name)
        .with_decryption(false)
        .send()
        .await
        .map_err(|e| classify("GetParameter", &e, &["ParameterNotFound"]))?;
    let text = out.parameter.and_then(|p| p.value).ok_or_else(|| FactError::Api {
        operation: "GetParameter".into(),
        detail: format!("the reply for {} has no Value", p.name),
    })?;
    Ok(ParameterValue::Plain(kept_fields(&text, kept)))
}

/// The fields `kept` of a JSON object, redacted; what else the text is, in words.
fn kept_fields(text: &str, kept: &[&str]) -> Value {
    match serde_json::from_str(text) {
        Ok(Value::Object(fields)) => {
            redacted(Value::Object(fields.into_iter().filter(|(k, _)| kept.contains(&k.as_str())).collect()))
        }
        Ok(_) => Value::String("(not a JSON object; not kept)".to_owned()),
        Err(_) => Value::String(format!("(not JSON: {} characters; not kept)", text.chars().count())),
    }
}

/// A parameter's metadata, and then what it holds (the fields `kept`): the type DescribeParameters reports decides
/// whether the value is read at all. Without the metadata there is no value either.
pub async fn parameter_with_value(ssm: &Client, name: &str, kept: &[&str]) -> (Fact<Parameter>, Fact<ParameterValue>) {
    match parameter(ssm, name).await {
        Ok(p) => {
            let value = value(ssm, &p, kept).await;
            (Ok(p), value)
        }
        Err(e) => (Err(e.clone()), Err(e)),
    }
}

/// The value with every part that looks like a credential replaced: fields named like one, and
/// strings shaped like one.
fn redacted(v: Value) -> Value {
    let hidden = || Value::String(REDACTED.to_owned());
    match v {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| {
                    let named = (looks_secret(&k) || is_secret_field(&k))
                        && !matches!(&v, Value::String(s) if s.starts_with("arn:"));
                    let v = if named && !v.is_null() { hidden() } else { redacted(v) };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redacted).collect()),
        Value::String(s) if credential_shape(&s).is_some() => hidden(),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn credentials_in_a_plain_value_are_replaced_and_configuration_is_kept() {
        let v = json!({
            "drClusterArn": "arn:aws:rds:eu-west-1:1:cluster:dr",
            "dbPassword": "hunter2",
            "replica": "postgresql://admin:pw@db.internal:5432/phi",
            "secretArn": "arn:aws:secretsmanager:eu-west-2:1:secret:db",
            "nested": [{"apiToken": "x"}],
            "autoFailover": false,
        });
        let r = redacted(v);
        assert_eq!(r["drClusterArn"], "arn:aws:rds:eu-west-1:1:cluster:dr");
        assert_eq!(r["dbPassword"], REDACTED);
        assert_eq!(r["replica"], REDACTED);
        assert_eq!(r["secretArn"], "arn:aws:secretsmanager:eu-west-2:1:secret:db");
        assert_eq!(r["nested"][0]["apiToken"], REDACTED);
        assert_eq!(r["autoFailover"], false);
        assert_eq!(redacted(json!("AKIAIOSFODNN7EXAMPLE")), REDACTED);
    }

    #[test]
    fn only_the_fields_asked_for_are_kept() {
        let text =
            r#"{"drClusterArn": "arn:aws:rds:eu-west-1:1:cluster:dr", "note": "owner plainword", "dbPassword": "x"}"#;
        let kept = kept_fields(text, &["drClusterArn", "dbPassword"]);
        assert_eq!(kept, json!({"drClusterArn": "arn:aws:rds:eu-west-1:1:cluster:dr", "dbPassword": REDACTED}));
        assert_eq!(kept_fields("plainword", &["x"]), json!("(not JSON: 9 characters; not kept)"));
        assert_eq!(kept_fields(r#"["plainword"]"#, &["x"]), json!("(not a JSON object; not kept)"));
    }
}

//! SSM Parameter Store: a parameter's metadata by DescribeParameters. Values are never read
//! (GetParameter* is refused by the guard): that a parameter exists, and its type and key, is
//! what the checks judge.

use aws_sdk_ssm::Client;
use aws_sdk_ssm::types::ParameterStringFilter;
use aws_smithy_types::date_time::Format;
use serde::Serialize;

use super::{Fact, FactError, classify};

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
    pub description: Option<String>,
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
        description: p.description,
        version: p.version,
        tier: p.tier.map(|t| t.as_str().to_owned()),
        data_type: p.data_type,
        last_modified_date: p.last_modified_date.and_then(|d| d.fmt(Format::DateTime).ok()),
    })
}

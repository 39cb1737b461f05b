//! CloudWatch Logs log groups: encryption key and retention.

use aws_sdk_cloudwatchlogs::Client;
use serde::Serialize;

use super::{Fact, FactError, classify};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogGroup {
    pub log_group_name: String,
    pub arn: String,
    pub kms_key_id: Option<String>,
    pub retention_in_days: Option<i32>,
}

/// One log group by exact name (DescribeLogGroups only filters by prefix).
pub async fn log_group(logs: &Client, name: &str) -> Fact<LogGroup> {
    let groups = logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("DescribeLogGroups", &e, &["ResourceNotFoundException"]))?;
    let group = groups
        .into_iter()
        .find(|g| g.log_group_name.as_deref() == Some(name))
        .ok_or_else(|| FactError::Absent { what: format!("log group {name}") })?;
    let arn = group.arn.filter(|a| !a.is_empty()).ok_or_else(|| FactError::Api {
        operation: "DescribeLogGroups".into(),
        detail: format!("the reply lists log group {name} without its arn"),
    })?;
    Ok(LogGroup {
        log_group_name: name.to_owned(),
        arn,
        kms_key_id: group.kms_key_id,
        retention_in_days: group.retention_in_days,
    })
}

//! API Gateway (REST): a stage with its method settings, access logging, tracing and web ACL,
//! and the deployments of its API.

use std::collections::BTreeMap;

use aws_sdk_apigateway::Client;
use serde::Serialize;

use super::{Fact, classify};

const NOT_FOUND: &[&str] = &["NotFoundException"];

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodSetting {
    pub logging_level: Option<String>,
    pub metrics_enabled: bool,
    pub data_trace_enabled: bool,
    pub throttling_rate_limit: f64,
    pub throttling_burst_limit: i32,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessLogSettings {
    pub destination_arn: Option<String>,
    pub format: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub rest_api_id: String,
    pub stage_name: String,
    pub deployment_id: Option<String>,
    pub tracing_enabled: bool,
    pub web_acl_arn: Option<String>,
    pub access_log_settings: Option<AccessLogSettings>,
    /// By `resourcePath/httpMethod`; `*/*` holds the settings of every method.
    pub method_settings: BTreeMap<String, MethodSetting>,
}

/// The ARN of a REST API stage, as WAF and IAM name it.
pub fn stage_arn(region: &str, rest_api_id: &str, stage_name: &str) -> String {
    format!("arn:aws:apigateway:{region}::/restapis/{rest_api_id}/stages/{stage_name}")
}

/// GetStage for one stage of one REST API.
pub async fn stage(api: &Client, rest_api_id: &str, stage_name: &str) -> Fact<Stage> {
    let s = api
        .get_stage()
        .rest_api_id(rest_api_id)
        .stage_name(stage_name)
        .send()
        .await
        .map_err(|e| classify("GetStage", &e, NOT_FOUND))?;
    Ok(Stage {
        rest_api_id: rest_api_id.to_owned(),
        stage_name: s.stage_name.unwrap_or_else(|| stage_name.to_owned()),
        deployment_id: s.deployment_id,
        tracing_enabled: s.tracing_enabled,
        web_acl_arn: s.web_acl_arn,
        access_log_settings: s
            .access_log_settings
            .map(|a| AccessLogSettings { destination_arn: a.destination_arn, format: a.format }),
        method_settings: s
            .method_settings
            .unwrap_or_default()
            .into_iter()
            .map(|(k, m)| {
                let setting = MethodSetting {
                    logging_level: m.logging_level,
                    metrics_enabled: m.metrics_enabled,
                    data_trace_enabled: m.data_trace_enabled,
                    throttling_rate_limit: m.throttling_rate_limit,
                    throttling_burst_limit: m.throttling_burst_limit,
                };
                (k, setting)
            })
            .collect(),
    })
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The id alone: a deployment's description is free text no check reads, so it is not kept.
    pub id: String,
}

/// GetDeployments of one REST API (every page).
pub async fn deployments(api: &Client, rest_api_id: &str) -> Fact<Vec<Deployment>> {
    let items = api
        .get_deployments()
        .rest_api_id(rest_api_id)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("GetDeployments", &e, NOT_FOUND))?;
    Ok(items.into_iter().map(|d| Deployment { id: d.id.unwrap_or_default() }).collect())
}

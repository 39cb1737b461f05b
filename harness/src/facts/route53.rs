//! Route 53 health checks: what they watch. Route 53 is global; any region's client reads it.

use aws_sdk_route53::Client;
use serde::Serialize;

use super::{Fact, FactError, classify};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlarmIdentifier {
    pub region: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthCheckConfig {
    #[serde(rename = "Type")]
    pub kind: String,
    /// Set on CLOUDWATCH_METRIC checks: the alarm whose state is the check's health.
    pub alarm_identifier: Option<AlarmIdentifier>,
    pub insufficient_data_health_status: Option<String>,
    pub inverted: Option<bool>,
    pub disabled: Option<bool>,
    pub fully_qualified_domain_name: Option<String>,
    #[serde(rename = "IPAddress")]
    pub ip_address: Option<String>,
    pub resource_path: Option<String>,
}

/// CloudWatchAlarmConfiguration: Route 53's copy of the watched alarm's definition.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CloudWatchAlarmConfiguration {
    pub metric_name: String,
    pub namespace: String,
    pub threshold: f64,
    pub comparison_operator: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthCheck {
    pub id: String,
    pub health_check_config: HealthCheckConfig,
    pub cloud_watch_alarm_configuration: Option<CloudWatchAlarmConfiguration>,
}

/// GetHealthCheck for one health check by id.
pub async fn health_check(r53: &Client, id: &str) -> Fact<HealthCheck> {
    let out = r53
        .get_health_check()
        .health_check_id(id)
        .send()
        .await
        .map_err(|e| classify("GetHealthCheck", &e, &["NoSuchHealthCheck"]))?;
    let h = out.health_check.ok_or_else(|| FactError::Absent { what: format!("health check {id}") })?;
    let c = h.health_check_config.ok_or_else(|| FactError::Api {
        operation: "GetHealthCheck".into(),
        detail: "no HealthCheckConfig in the reply".into(),
    })?;
    Ok(HealthCheck {
        id: h.id,
        health_check_config: HealthCheckConfig {
            kind: c.r#type.as_str().to_owned(),
            alarm_identifier: c
                .alarm_identifier
                .map(|a| AlarmIdentifier { region: a.region.as_str().to_owned(), name: a.name }),
            insufficient_data_health_status: c.insufficient_data_health_status.map(|s| s.as_str().to_owned()),
            inverted: c.inverted,
            disabled: c.disabled,
            fully_qualified_domain_name: c.fully_qualified_domain_name,
            ip_address: c.ip_address,
            resource_path: c.resource_path,
        },
        cloud_watch_alarm_configuration: h.cloud_watch_alarm_configuration.map(|a| CloudWatchAlarmConfiguration {
            metric_name: a.metric_name,
            namespace: a.namespace,
            threshold: a.threshold,
            comparison_operator: a.comparison_operator.as_str().to_owned(),
        }),
    })
}

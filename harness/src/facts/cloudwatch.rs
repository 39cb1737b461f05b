//! CloudWatch metric alarms: what they watch, when they fire and whom they tell.

use aws_sdk_cloudwatch::Client;
use serde::Serialize;

use super::{Fact, FactError, classify};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Dimension {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricAlarm {
    pub alarm_name: String,
    pub alarm_arn: Option<String>,
    /// Absent on an alarm over a metric math expression (`Metrics`), which this view does not keep.
    pub metric_name: Option<String>,
    pub namespace: Option<String>,
    pub statistic: Option<String>,
    pub extended_statistic: Option<String>,
    pub dimensions: Vec<Dimension>,
    pub period: Option<i32>,
    pub evaluation_periods: Option<i32>,
    pub datapoints_to_alarm: Option<i32>,
    pub threshold: Option<f64>,
    pub comparison_operator: Option<String>,
    pub treat_missing_data: Option<String>,
    pub actions_enabled: Option<bool>,
    pub alarm_actions: Vec<String>,
    #[serde(rename = "OKActions")]
    pub ok_actions: Vec<String>,
    pub insufficient_data_actions: Vec<String>,
    /// Evidence only: a new alarm is OK on moto and INSUFFICIENT_DATA on AWS until data arrives.
    pub state_value: Option<String>,
}

impl MetricAlarm {
    /// The value of one dimension, if the alarm has it.
    pub fn dimension(&self, name: &str) -> Option<&str> {
        self.dimensions.iter().find(|d| d.name == name).map(|d| d.value.as_str())
    }
}

/// DescribeAlarms for one metric alarm by exact name.
pub async fn alarm(cw: &Client, name: &str) -> Fact<MetricAlarm> {
    let out = cw.describe_alarms().alarm_names(name).send().await.map_err(|e| {
        // An unknown name is not an error here: the alarm is simply missing from the reply.
        let fact = classify("DescribeAlarms", &e, &[]);
        // CloudWatch itself never answers 404; an endpoint that does cannot route the SDK's
        // wire protocol (aws-sdk-cloudwatch >= 1.100 speaks RPC v2 CBOR, moto 5.2.5 only
        // Query and JSON), and the bare "Unknown" code would hide that.
        match (fact, e.raw_response().map(|r| r.status().as_u16())) {
            (FactError::Api { operation, .. }, Some(404)) => FactError::Api {
                operation,
                detail: "HTTP 404: the endpoint does not route CloudWatch's RPC v2 CBOR protocol".into(),
            },
            (fact, _) => fact,
        }
    })?;
    let a = out
        .metric_alarms
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.alarm_name.as_deref() == Some(name))
        .ok_or_else(|| FactError::Absent { what: format!("metric alarm {name}") })?;
    Ok(MetricAlarm {
        alarm_name: name.to_owned(),
        alarm_arn: a.alarm_arn,
        metric_name: a.metric_name,
        namespace: a.namespace,
        statistic: a.statistic.map(|s| s.as_str().to_owned()),
        extended_statistic: a.extended_statistic,
        dimensions: a
            .dimensions
            .unwrap_or_default()
            .into_iter()
            .map(|d| Dimension { name: d.name.unwrap_or_default(), value: d.value.unwrap_or_default() })
            .collect(),
        period: a.period,
        evaluation_periods: a.evaluation_periods,
        datapoints_to_alarm: a.datapoints_to_alarm,
        threshold: a.threshold,
        comparison_operator: a.comparison_operator.map(|c| c.as_str().to_owned()),
        treat_missing_data: a.treat_missing_data,
        actions_enabled: a.actions_enabled,
        alarm_actions: a.alarm_actions.unwrap_or_default(),
        ok_actions: a.ok_actions.unwrap_or_default(),
        insufficient_data_actions: a.insufficient_data_actions.unwrap_or_default(),
        state_value: a.state_value.map(|s| s.as_str().to_owned()),
    })
}

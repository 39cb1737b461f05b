//! The database alarms and the topic they notify: each alarm watches its metric on the primary
//! cluster at the layout's threshold, every alarm notifies a topic of the layout when it fires and
//! when it recovers, and the topic is encrypted with the primary key.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, nothing_of, per_resource};
use stackproof_harness::source::json::{blocks, is_true, number};
use stackproof_harness::source::terraform::Synth;

use super::{Change, Mutation, PRIMARY_REGION, SynthFacts, is_text, judge_key_in, refers_to};
use crate::dr::monitoring as live;

/// This service's checks, in report order.
pub const CHECKS: &[Check<SynthFacts>] = &[
    CPU_ALARM_ABOVE_80_PERCENT,
    CONNECTIONS_ALARM_ON_PRIMARY_CLUSTER,
    REPLICATION_LAG_ALARM_AT_RPO,
    ALARMS_NOTIFY_ALERTS_TOPIC,
    ALERTS_TOPIC_ENCRYPTED_WITH_PRIMARY_KEY,
];

/// The namespace, dimension and comparison every alarm of the layout uses.
pub const NAMESPACE: &str = "AWS/RDS";
pub const CLUSTER_DIMENSION: &str = "DBClusterIdentifier";
pub const COMPARISON: &str = "GreaterThanThreshold";
pub const CPU_METRIC: &str = "CPUUtilization";
pub const CPU_THRESHOLD: f64 = 80.0;
pub const CONNECTIONS_METRIC: &str = "DatabaseConnections";
pub const CONNECTIONS_THRESHOLD: f64 = 100.0;
pub const LAG_METRIC: &str = "AuroraGlobalDBReplicationLag";
/// AuroraGlobalDBReplicationLag is in milliseconds: the 15 minute recovery point objective.
pub const RPO_MS: f64 = 900_000.0;

pub const CPU_ALARM_THRESHOLD_95: Mutation = Mutation {
    name: "cpu-alarm-threshold-95",
    resource: "aws_cloudwatch_metric_alarm.cpu_alarm",
    property: "threshold",
    change: Change::Set("95"),
};

pub const CONNECTIONS_ALARM_OTHER_CLUSTER: Mutation = Mutation {
    name: "connections-alarm-other-cluster",
    resource: "aws_cloudwatch_metric_alarm.connections_alarm",
    property: "dimensions.DBClusterIdentifier",
    change: Change::Set(r#""${aws_rds_cluster.dr_cluster.cluster_identifier}""#),
};

pub const LAG_ALARM_ABOVE_RPO: Mutation = Mutation {
    name: "lag-alarm-above-rpo",
    resource: "aws_cloudwatch_metric_alarm.replication_lag_alarm",
    property: "threshold",
    change: Change::Set("3600000"),
};

pub const CONNECTIONS_ALARM_SILENT: Mutation = Mutation {
    name: "connections-alarm-silent",
    resource: "aws_cloudwatch_metric_alarm.connections_alarm",
    property: "alarm_actions",
    change: Change::Set("[]"),
};

pub const ALERTS_TOPIC_UNENCRYPTED: Mutation = Mutation {
    name: "alerts-topic-unencrypted",
    resource: "aws_sns_topic.alerts_topic",
    property: "kms_master_key_id",
    change: Change::Remove,
};

/// The alarms on `metric`, each judged against the layout's namespace, primary cluster, threshold
/// and comparison; a failing finding if no alarm watches the metric.
fn judge_alarms_on(s: &Synth, metric: &str, threshold: f64) -> Vec<Finding> {
    let alarms: Vec<_> =
        s.resources_of("aws_cloudwatch_metric_alarm").filter(|a| is_text(a.prop("metric_name"), metric)).collect();
    if alarms.is_empty() {
        return vec![nothing_of::<Synth>(&format!("aws_cloudwatch_metric_alarm on {metric}"), "metric_name")];
    }
    let dimension = format!("dimensions.{CLUSTER_DIMENSION}");
    alarms
        .iter()
        .flat_map(|a| {
            // The one dimension names a primary-region cluster of the layout.
            let only_cluster = blocks(a.prop("dimensions"))
                .first()
                .and_then(|d| d.as_object())
                .is_some_and(|d| d.len() == 1 && d.contains_key(CLUSTER_DIMENSION));
            let on_primary = s
                .referenced(a.prop(&dimension))
                .is_some_and(|c| c.kind == "aws_rds_cluster" && s.region_of(&c) == Some(PRIMARY_REGION));
            let at_threshold = number(a.prop("threshold")).is_some_and(|t| (t - threshold).abs() < 1e-9);
            vec![
                judge(a, "namespace", is_text(a.prop("namespace"), NAMESPACE), NAMESPACE),
                judge(
                    a,
                    &dimension,
                    only_cluster && on_primary,
                    format!("only {CLUSTER_DIMENSION}: the primary cluster of this layout"),
                ),
                judge(a, "threshold", at_threshold, threshold),
                judge(a, "comparison_operator", is_text(a.prop("comparison_operator"), COMPARISON), COMPARISON),
            ]
        })
        .collect()
}

pub const CPU_ALARM_ABOVE_80_PERCENT: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: CloudwatchMetricAlarm cpu_alarm namespace AWS/RDS, metricName CPUUtilization, dimensions { DBClusterIdentifier: primary_cluster.clusterIdentifier }, threshold: 80, comparisonOperator: GreaterThanThreshold.",
        ..live::CPU_ALARM_ABOVE_80_PERCENT.info
    },
    claims: &[Claim {
        property: "threshold",
        about: "The CPU alarm fires when the primary cluster's CPUUtilization is above 80%",
        mutants: &[&CPU_ALARM_THRESHOLD_95],
        not_emulated: None,
    }],
    run: cpu_alarm_above_80_percent,
};

fn cpu_alarm_above_80_percent(f: &SynthFacts) -> Vec<Finding> {
    judge_alarms_on(&f.synth, CPU_METRIC, CPU_THRESHOLD)
}

pub const CONNECTIONS_ALARM_ON_PRIMARY_CLUSTER: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: CloudwatchMetricAlarm connections_alarm namespace AWS/RDS, metricName DatabaseConnections, dimensions { DBClusterIdentifier: primary_cluster.clusterIdentifier }, threshold: 100, comparisonOperator: GreaterThanThreshold.",
        ..live::CONNECTIONS_ALARM_ON_PRIMARY_CLUSTER.info
    },
    claims: &[Claim {
        property: "dimensions.DBClusterIdentifier",
        about: "The connections alarm watches DatabaseConnections above 100 on the primary cluster",
        mutants: &[&CONNECTIONS_ALARM_OTHER_CLUSTER],
        not_emulated: None,
    }],
    run: connections_alarm_on_primary_cluster,
};

fn connections_alarm_on_primary_cluster(f: &SynthFacts) -> Vec<Finding> {
    judge_alarms_on(&f.synth, CONNECTIONS_METRIC, CONNECTIONS_THRESHOLD)
}

pub const REPLICATION_LAG_ALARM_AT_RPO: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: CloudwatchMetricAlarm replication_lag_alarm namespace AWS/RDS, metricName AuroraGlobalDBReplicationLag, dimensions { DBClusterIdentifier: primary_cluster.clusterIdentifier }, threshold: RPO_MS (900000), comparisonOperator: GreaterThanThreshold.",
        ..live::REPLICATION_LAG_ALARM_AT_RPO.info
    },
    claims: &[Claim {
        property: "threshold",
        about: "The replication lag alarm watches AuroraGlobalDBReplicationLag above the 15 minute RPO (900000 ms)",
        mutants: &[&LAG_ALARM_ABOVE_RPO],
        not_emulated: None,
    }],
    run: replication_lag_alarm_at_rpo,
};

fn replication_lag_alarm_at_rpo(f: &SynthFacts) -> Vec<Finding> {
    judge_alarms_on(&f.synth, LAG_METRIC, RPO_MS)
}

pub const ALARMS_NOTIFY_ALERTS_TOPIC: Check<SynthFacts> = Check {
    info: CheckInfo {
        title: "Every alarm notifies an SNS topic of the layout when it fires and when it recovers",
        remediation: "stacks/dr/v1: every CloudwatchMetricAlarm (cpu_alarm, connections_alarm, replication_lag_alarm) alarmActions: [alerts_topic.arn] and okActions: [alerts_topic.arn], actionsEnabled left true.",
        ..live::ALARMS_NOTIFY_ALERTS_TOPIC.info
    },
    claims: &[Claim {
        property: "alarm_actions",
        about: "Every alarm notifies an SNS topic of the layout when it fires and when it recovers",
        mutants: &[&CONNECTIONS_ALARM_SILENT],
        not_emulated: None,
    }],
    run: alarms_notify_alerts_topic,
};

fn alarms_notify_alerts_topic(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let to_topic = |v: Option<&Value>| blocks(v).into_iter().any(|v| refers_to(s, Some(v), "aws_sns_topic"));
    per_resource(s, "aws_cloudwatch_metric_alarm", "alarm_actions", |a| {
        let enabled = a.prop("actions_enabled");
        vec![
            judge(
                a,
                "alarm_actions",
                to_topic(a.prop("alarm_actions")),
                "a list including an SNS topic of this layout",
            ),
            judge(a, "ok_actions", to_topic(a.prop("ok_actions")), "a list including an SNS topic of this layout"),
            judge(a, "actions_enabled", enabled.is_none() || is_true(enabled), "true (or unset)"),
        ]
    })
}

pub const ALERTS_TOPIC_ENCRYPTED_WITH_PRIMARY_KEY: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: SnsTopic alerts_topic kmsMasterKeyId: primary_key.arn.",
        ..live::ALERTS_TOPIC_ENCRYPTED_WITH_PRIMARY_KEY.info
    },
    claims: &[Claim {
        property: "kms_master_key_id",
        about: "The alerts topic is encrypted at rest with the primary region's customer key",
        mutants: &[&ALERTS_TOPIC_UNENCRYPTED],
        not_emulated: None,
    }],
    run: alerts_topic_encrypted_with_primary_key,
};

fn alerts_topic_encrypted_with_primary_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_sns_topic", "kms_master_key_id", |t| {
        vec![judge_key_in(s, t, "kms_master_key_id", PRIMARY_REGION)]
    })
}

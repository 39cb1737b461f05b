//! The database alarms and the topic they notify: each alarm (by its logical id, part of the
//! layout's contract) is judged on every argument that decides when it fires, against the live
//! suite's specs; every alarm notifies a topic of the layout when it fires and when it recovers;
//! and the topic is encrypted with the primary key.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, judge_value, nothing_of, per_resource};
use stackproof_harness::source::json::{blocks, is_true, number};
use stackproof_harness::source::terraform::Synth;

use super::{Change, DR_REGION, Mutation, PRIMARY_REGION, SynthFacts, is_text, judge_region_key, refers_to};
use crate::dr::monitoring::{self as live, AlarmSpec};

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

const CPU: &str = "aws_cloudwatch_metric_alarm.cpu_alarm";
const CONNECTIONS: &str = "aws_cloudwatch_metric_alarm.connections_alarm";
const LAG: &str = "aws_cloudwatch_metric_alarm.replication_lag_alarm";

/// A breakage of one argument of one alarm.
const fn set(name: &'static str, alarm: &'static str, property: &'static str, json: &'static str) -> Mutation {
    Mutation { name, resource: alarm, property, change: Change::Set(json) }
}

pub const CPU_ALARM_WRONG_METRIC: Mutation = set("cpu-alarm-wrong-metric", CPU, "metric_name", r#""FreeableMemory""#);
pub const CPU_ALARM_CUSTOM_NAMESPACE: Mutation =
    set("cpu-alarm-custom-namespace", CPU, "namespace", r#""Healthcare/RDS""#);
pub const CPU_ALARM_DR_CLUSTER: Mutation = set(
    "cpu-alarm-dr-cluster",
    CPU,
    "dimensions.DBClusterIdentifier",
    r#""${aws_rds_cluster.dr_cluster.cluster_identifier}""#,
);
pub const CPU_ALARM_MINIMUM: Mutation = set("cpu-alarm-minimum", CPU, "statistic", r#""Minimum""#);
pub const CPU_ALARM_HOURLY_PERIOD: Mutation = set("cpu-alarm-hourly-period", CPU, "period", "3600");
pub const CPU_ALARM_24_EVAL_PERIODS: Mutation = set("cpu-alarm-24-eval-periods", CPU, "evaluation_periods", "24");
pub const CPU_ALARM_THRESHOLD_95: Mutation = set("cpu-alarm-threshold-95", CPU, "threshold", "95");
pub const CPU_ALARM_LESS_THAN: Mutation =
    set("cpu-alarm-less-than", CPU, "comparison_operator", r#""LessThanThreshold""#);
pub const CONNECTIONS_ALARM_WRONG_METRIC: Mutation =
    set("connections-alarm-wrong-metric", CONNECTIONS, "metric_name", r#""ActiveTransactions""#);
pub const CONNECTIONS_ALARM_CUSTOM_NAMESPACE: Mutation =
    set("connections-alarm-custom-namespace", CONNECTIONS, "namespace", r#""Healthcare/RDS""#);
pub const CONNECTIONS_ALARM_OTHER_CLUSTER: Mutation = set(
    "connections-alarm-other-cluster",
    CONNECTIONS,
    "dimensions.DBClusterIdentifier",
    r#""${aws_rds_cluster.dr_cluster.cluster_identifier}""#,
);
pub const CONNECTIONS_ALARM_PERCENTILE: Mutation = Mutation {
    name: "connections-alarm-percentile",
    resource: CONNECTIONS,
    property: "statistic",
    change: Change::Custom(connections_alarm_on_p10),
};
pub const CONNECTIONS_ALARM_DAILY_PERIOD: Mutation =
    set("connections-alarm-daily-period", CONNECTIONS, "period", "86400");
pub const CONNECTIONS_ALARM_12_EVAL_PERIODS: Mutation =
    set("connections-alarm-12-eval-periods", CONNECTIONS, "evaluation_periods", "12");
pub const CONNECTIONS_ALARM_THRESHOLD_1000: Mutation =
    set("connections-alarm-threshold-1000", CONNECTIONS, "threshold", "1000");
pub const CONNECTIONS_ALARM_LESS_OR_EQUAL: Mutation =
    set("connections-alarm-less-or-equal", CONNECTIONS, "comparison_operator", r#""LessThanOrEqualToThreshold""#);
pub const LAG_ALARM_WRONG_METRIC: Mutation = set("lag-alarm-wrong-metric", LAG, "metric_name", r#""AuroraReplicaLag""#);
pub const LAG_ALARM_CUSTOM_NAMESPACE: Mutation =
    set("lag-alarm-custom-namespace", LAG, "namespace", r#""Healthcare/RDS""#);
pub const LAG_ALARM_EXTRA_DIMENSION: Mutation = Mutation {
    name: "lag-alarm-extra-dimension",
    resource: LAG,
    property: "dimensions",
    change: Change::Custom(lag_alarm_with_role_dimension),
};
pub const LAG_ALARM_AVERAGE: Mutation = set("lag-alarm-average", LAG, "statistic", r#""Average""#);
pub const LAG_ALARM_HOURLY_PERIOD: Mutation = set("lag-alarm-hourly-period", LAG, "period", "3600");
pub const LAG_ALARM_60_EVAL_PERIODS: Mutation = set("lag-alarm-60-eval-periods", LAG, "evaluation_periods", "60");
pub const LAG_ALARM_ABOVE_RPO: Mutation = set("lag-alarm-above-rpo", LAG, "threshold", "3600000");
pub const LAG_ALARM_LESS_THAN: Mutation =
    set("lag-alarm-less-than", LAG, "comparison_operator", r#""LessThanThreshold""#);
/// v1's gap: the lag alarm on the primary cluster, which has no AuroraGlobalDBReplicationLag datapoints.
pub const LAG_ALARM_PRIMARY_CLUSTER: Mutation = set(
    "lag-alarm-primary-cluster",
    LAG,
    "dimensions.DBClusterIdentifier",
    r#""${aws_rds_cluster.primary_cluster.cluster_identifier}""#,
);
/// v1's gap: the lag alarm created in the primary region, where the metric is not published (the
/// health check follows it there, as in v1, so only this check can see it).
pub const LAG_ALARM_PRIMARY_REGION: Mutation = Mutation {
    name: "lag-alarm-primary-region",
    resource: LAG,
    property: "provider",
    change: Change::Custom(|s| {
        let Some(alarm) = s.resource_mut("aws_cloudwatch_metric_alarm", "replication_lag_alarm") else {
            panic!("no replication_lag_alarm")
        };
        alarm["provider"] = Value::String("aws.primary".into());
        let Some(check) = s.resource_mut("aws_route53_health_check", "replication_health_check") else {
            panic!("no replication_health_check")
        };
        check["cloudwatch_alarm_region"] = Value::String(PRIMARY_REGION.into());
    }),
};
/// The DR region's topic (v2) under the primary region's key.
pub const DR_ALERTS_TOPIC_PRIMARY_KEY: Mutation = Mutation {
    name: "dr-alerts-topic-primary-key",
    resource: "aws_sns_topic.dr_alerts_topic",
    property: "kms_master_key_id",
    change: Change::Set(r#""${aws_kms_key.primary_key.arn}""#),
};

pub const CONNECTIONS_ALARM_SILENT: Mutation = set("connections-alarm-silent", CONNECTIONS, "alarm_actions", "[]");
pub const LAG_ALARM_NO_OK_ACTION: Mutation =
    Mutation { name: "lag-alarm-no-ok-action", resource: LAG, property: "ok_actions", change: Change::Remove };
pub const CPU_ALARM_ACTIONS_DISABLED: Mutation = set("cpu-alarm-actions-disabled", CPU, "actions_enabled", "false");

pub const ALERTS_TOPIC_UNENCRYPTED: Mutation = Mutation {
    name: "alerts-topic-unencrypted",
    resource: "aws_sns_topic.alerts_topic",
    property: "kms_master_key_id",
    change: Change::Remove,
};

pub const ALERTS_TOPIC_AWS_MANAGED_KEY: Mutation = Mutation {
    name: "alerts-topic-aws-managed-key",
    resource: "aws_sns_topic.alerts_topic",
    property: "kms_master_key_id",
    change: Change::Set(r#""alias/aws/sns""#),
};

/// The connections alarm on a percentile: extended_statistic p10 in place of statistic.
fn connections_alarm_on_p10(s: &mut Synth) {
    let Some(body) = s.resource_mut("aws_cloudwatch_metric_alarm", "connections_alarm") else {
        panic!("no connections_alarm")
    };
    body["extended_statistic"] = Value::String("p10".into());
    if let Some(fields) = body.as_object_mut() {
        fields.remove("statistic");
    }
}

/// The lag alarm with a second dimension, Role=WRITER, beside the cluster.
fn lag_alarm_with_role_dimension(s: &mut Synth) {
    let Some(body) = s.resource_mut("aws_cloudwatch_metric_alarm", "replication_lag_alarm") else {
        panic!("no replication_lag_alarm")
    };
    body["dimensions"]["Role"] = Value::String("WRITER".into());
}

/// The alarm main.ts declares under `id`, judged on every argument that decides when it fires:
/// its metric, namespace, one dimension (a cluster of the layout in `cluster_region`), statistic,
/// period, evaluation periods, threshold and comparison. A layout without it fails.
fn judge_alarm(s: &Synth, id: &str, spec: &AlarmSpec, cluster_region: &str) -> Vec<Finding> {
    let Some(a) = s.resource("aws_cloudwatch_metric_alarm", id) else {
        return vec![nothing_of::<Synth>(&format!("aws_cloudwatch_metric_alarm {id}"), "metric_name")];
    };
    let dimension = format!("dimensions.{CLUSTER_DIMENSION}");
    let only_cluster = blocks(a.prop("dimensions"))
        .first()
        .and_then(|d| d.as_object())
        .is_some_and(|d| d.len() == 1 && d.contains_key(CLUSTER_DIMENSION));
    let on_cluster = s
        .referenced(a.prop(&dimension))
        .is_some_and(|c| c.kind == "aws_rds_cluster" && s.region_of(&c) == Some(cluster_region));
    let side = if cluster_region == PRIMARY_REGION { "primary" } else { "DR" };
    let is_number = |property: &str, want: f64| number(a.prop(property)).is_some_and(|v| (v - want).abs() < 1e-9);
    // Another dimension beside the cluster is a finding on the dimensions as a whole.
    let dimensions = if only_cluster || a.prop(&dimension).is_none() { dimension.clone() } else { "dimensions".into() };
    let statistic = a.prop("statistic");
    let on_statistic = is_text(statistic, spec.statistic) && a.prop("extended_statistic").is_none();
    vec![
        judge(&a, "metric_name", is_text(a.prop("metric_name"), spec.metric), spec.metric),
        judge(&a, "namespace", is_text(a.prop("namespace"), NAMESPACE), NAMESPACE),
        judge(
            &a,
            &dimensions,
            only_cluster && on_cluster,
            format!("only {CLUSTER_DIMENSION}: the {side} cluster of this layout"),
        ),
        judge_value(&a, "statistic", statistic.or(a.prop("extended_statistic")), on_statistic, spec.statistic),
        judge(&a, "period", is_number("period", f64::from(spec.period)), spec.period),
        judge(
            &a,
            "evaluation_periods",
            is_number("evaluation_periods", f64::from(spec.evaluation_periods)),
            spec.evaluation_periods,
        ),
        judge(&a, "threshold", is_number("threshold", spec.threshold), spec.threshold),
        judge(&a, "comparison_operator", is_text(a.prop("comparison_operator"), COMPARISON), COMPARISON),
    ]
}

/// A claim with the mutations that break it.
const fn claim(property: &'static str, about: &'static str, mutants: &'static [&'static Mutation]) -> Claim<Mutation> {
    Claim { property, about, mutants, not_emulated: None }
}

pub const CPU_ALARM_ABOVE_80_PERCENT: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: CloudwatchMetricAlarm cpu_alarm namespace AWS/RDS, metricName CPUUtilization, dimensions { DBClusterIdentifier: primary_cluster.clusterIdentifier } only, statistic Average, period 300, evaluationPeriods 2, threshold: 80, comparisonOperator: GreaterThanThreshold.",
        ..live::CPU_ALARM_ABOVE_80_PERCENT.info
    },
    claims: &[
        claim("metric_name", "cpu_alarm watches CPUUtilization", &[&CPU_ALARM_WRONG_METRIC]),
        claim("namespace", "cpu_alarm watches the AWS/RDS namespace", &[&CPU_ALARM_CUSTOM_NAMESPACE]),
        claim("dimensions.DBClusterIdentifier", "cpu_alarm watches the primary cluster only", &[&CPU_ALARM_DR_CLUSTER]),
        claim("statistic", "cpu_alarm compares the Average", &[&CPU_ALARM_MINIMUM]),
        claim("period", "cpu_alarm takes a datapoint every 300 seconds", &[&CPU_ALARM_HOURLY_PERIOD]),
        claim(
            "evaluation_periods",
            "cpu_alarm fires after 2 datapoints above the threshold",
            &[&CPU_ALARM_24_EVAL_PERIODS],
        ),
        claim("threshold", "cpu_alarm compares with 80", &[&CPU_ALARM_THRESHOLD_95]),
        claim("comparison_operator", "cpu_alarm fires above the threshold", &[&CPU_ALARM_LESS_THAN]),
    ],
    run: cpu_alarm_above_80_percent,
};

fn cpu_alarm_above_80_percent(f: &SynthFacts) -> Vec<Finding> {
    judge_alarm(&f.synth, "cpu_alarm", &live::CPU_ALARM, PRIMARY_REGION)
}

pub const CONNECTIONS_ALARM_ON_PRIMARY_CLUSTER: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: CloudwatchMetricAlarm connections_alarm namespace AWS/RDS, metricName DatabaseConnections, dimensions { DBClusterIdentifier: primary_cluster.clusterIdentifier } only, statistic Average, period 300, evaluationPeriods 2, threshold: 100, comparisonOperator: GreaterThanThreshold.",
        ..live::CONNECTIONS_ALARM_ON_PRIMARY_CLUSTER.info
    },
    claims: &[
        claim("metric_name", "connections_alarm watches DatabaseConnections", &[&CONNECTIONS_ALARM_WRONG_METRIC]),
        claim("namespace", "connections_alarm watches the AWS/RDS namespace", &[&CONNECTIONS_ALARM_CUSTOM_NAMESPACE]),
        claim(
            "dimensions.DBClusterIdentifier",
            "connections_alarm watches the primary cluster only",
            &[&CONNECTIONS_ALARM_OTHER_CLUSTER],
        ),
        claim(
            "statistic",
            "connections_alarm compares the Average, not a percentile",
            &[&CONNECTIONS_ALARM_PERCENTILE],
        ),
        claim("period", "connections_alarm takes a datapoint every 300 seconds", &[&CONNECTIONS_ALARM_DAILY_PERIOD]),
        claim(
            "evaluation_periods",
            "connections_alarm fires after 2 datapoints above the threshold",
            &[&CONNECTIONS_ALARM_12_EVAL_PERIODS],
        ),
        claim("threshold", "connections_alarm compares with 100", &[&CONNECTIONS_ALARM_THRESHOLD_1000]),
        claim(
            "comparison_operator",
            "connections_alarm fires above the threshold",
            &[&CONNECTIONS_ALARM_LESS_OR_EQUAL],
        ),
    ],
    run: connections_alarm_on_primary_cluster,
};

fn connections_alarm_on_primary_cluster(f: &SynthFacts) -> Vec<Finding> {
    judge_alarm(&f.synth, "connections_alarm", &live::CONNECTIONS_ALARM, PRIMARY_REGION)
}

pub const REPLICATION_LAG_ALARM_AT_RPO: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v2: CloudwatchMetricAlarm replication_lag_alarm provider: dr (the metric is published in the secondary's region), namespace AWS/RDS, metricName AuroraGlobalDBReplicationLag, dimensions { DBClusterIdentifier: dr_cluster.clusterIdentifier } only, statistic Maximum, period 60, evaluationPeriods 3, threshold: RPO_MS (900000), comparisonOperator: GreaterThanThreshold.",
        ..live::REPLICATION_LAG_ALARM_AT_RPO.info
    },
    claims: &[
        claim("metric_name", "replication_lag_alarm watches AuroraGlobalDBReplicationLag", &[&LAG_ALARM_WRONG_METRIC]),
        claim("namespace", "replication_lag_alarm watches the AWS/RDS namespace", &[&LAG_ALARM_CUSTOM_NAMESPACE]),
        claim(
            "dimensions",
            "replication_lag_alarm has one dimension, the secondary (DR) cluster, for which AWS publishes the metric",
            &[&LAG_ALARM_EXTRA_DIMENSION],
        ),
        claim(
            "dimensions.DBClusterIdentifier",
            "replication_lag_alarm watches the secondary (DR) cluster, not the primary (which has no datapoints)",
            &[&LAG_ALARM_PRIMARY_CLUSTER],
        ),
        claim(
            "provider",
            "replication_lag_alarm is created in the DR region, where AWS publishes AuroraGlobalDBReplicationLag",
            &[&LAG_ALARM_PRIMARY_REGION],
        ),
        claim("statistic", "replication_lag_alarm compares the Maximum", &[&LAG_ALARM_AVERAGE]),
        claim("period", "replication_lag_alarm takes a datapoint every 60 seconds", &[&LAG_ALARM_HOURLY_PERIOD]),
        claim(
            "evaluation_periods",
            "replication_lag_alarm fires after 3 datapoints above the threshold",
            &[&LAG_ALARM_60_EVAL_PERIODS],
        ),
        claim("threshold", "replication_lag_alarm compares with the RPO, 900000 ms", &[&LAG_ALARM_ABOVE_RPO]),
        claim("comparison_operator", "replication_lag_alarm fires above the threshold", &[&LAG_ALARM_LESS_THAN]),
    ],
    run: replication_lag_alarm_at_rpo,
};

fn replication_lag_alarm_at_rpo(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let mut findings = judge_alarm(s, "replication_lag_alarm", &live::LAG_ALARM, DR_REGION);
    // AWS publishes AuroraGlobalDBReplicationLag for the secondary cluster in its own region: an
    // alarm created elsewhere watches a metric with no datapoints and never fires.
    if let Some(a) = s.resource("aws_cloudwatch_metric_alarm", "replication_lag_alarm") {
        findings.push(judge(
            &a,
            "provider",
            s.region_of(&a) == Some(DR_REGION),
            format!("the DR region ({DR_REGION}), where the metric is published"),
        ));
    }
    findings
}

pub const ALARMS_NOTIFY_ALERTS_TOPIC: Check<SynthFacts> = Check {
    info: CheckInfo {
        title: "Every alarm notifies an SNS topic of the layout when it fires and when it recovers",
        remediation: "stacks/dr/v1: every CloudwatchMetricAlarm (cpu_alarm, connections_alarm, replication_lag_alarm) alarmActions: [alerts_topic.arn] and okActions: [alerts_topic.arn], actionsEnabled left true.",
        ..live::ALARMS_NOTIFY_ALERTS_TOPIC.info
    },
    claims: &[
        claim(
            "alarm_actions",
            "Every alarm notifies an SNS topic of the layout when it fires",
            &[&CONNECTIONS_ALARM_SILENT],
        ),
        claim(
            "ok_actions",
            "Every alarm notifies an SNS topic of the layout when it recovers",
            &[&LAG_ALARM_NO_OK_ACTION],
        ),
        claim("actions_enabled", "Every alarm has its actions enabled", &[&CPU_ALARM_ACTIONS_DISABLED]),
    ],
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
        about: "Every topic of the layout is encrypted at rest with a key of the layout in its own region (the alerts topic the primary key, the DR region's topic the DR key), not the AWS managed alias/aws/sns",
        mutants: &[&ALERTS_TOPIC_UNENCRYPTED, &ALERTS_TOPIC_AWS_MANAGED_KEY, &DR_ALERTS_TOPIC_PRIMARY_KEY],
        not_emulated: None,
    }],
    run: alerts_topic_encrypted_with_primary_key,
};

fn alerts_topic_encrypted_with_primary_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    // Each topic under a key of its own region: the alerts topic the primary key, the DR region's
    // topic (v2, the lag alarm's) the DR key.
    per_resource(s, "aws_sns_topic", "kms_master_key_id", |t| vec![judge_region_key(s, t, "kms_master_key_id")])
}

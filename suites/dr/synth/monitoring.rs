//! Monitoring and audit: database alarms to the ops topic, log groups kept 30 days under their
//! region's key, a multi-region validated CloudTrail, and a Route 53 health check on replication lag.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::{blocks, is_true, number};
use stackproof_harness::source::terraform::Resource;

use super::{Change, Mutation, SynthFacts, is_text, judge, judge_region_key, nothing_of, per_resource, region};

pub const CPU_THRESHOLD: f64 = 80.0;
/// AuroraGlobalDBReplicationLag is in milliseconds: 15 minutes.
pub const MAX_LAG_MS: f64 = 900_000.0;
pub const MIN_LOG_RETENTION_DAYS: f64 = 30.0;
pub const LAG_METRIC: &str = "AuroraGlobalDBReplicationLag";

/// A metric, what its threshold must be, and the test of it.
type Wanted = (&'static str, &'static str, fn(f64) -> bool);

pub const CPU_ALARM_THRESHOLD_95: Mutation = Mutation {
    name: "cpu-alarm-threshold-95",
    resource: "aws_cloudwatch_metric_alarm.cpu_alarm",
    property: "threshold",
    change: Change::Set("95"),
};

pub const CONNECTIONS_ALARM_SILENT: Mutation = Mutation {
    name: "connections-alarm-silent",
    resource: "aws_cloudwatch_metric_alarm.connections_alarm",
    property: "alarm_actions",
    change: Change::Set("[]"),
};

pub const FAILOVER_LOG_RETENTION_7_DAYS: Mutation = Mutation {
    name: "failover-log-retention-7-days",
    resource: "aws_cloudwatch_log_group.failover_log_group",
    property: "retention_in_days",
    change: Change::Set("7"),
};

pub const APP_LOG_GROUP_UNENCRYPTED: Mutation = Mutation {
    name: "app-log-group-unencrypted",
    resource: "aws_cloudwatch_log_group.app_log_group",
    property: "kms_key_id",
    change: Change::Remove,
};

pub const TRAIL_LOG_VALIDATION_OFF: Mutation = Mutation {
    name: "trail-log-validation-off",
    resource: "aws_cloudtrail.trail",
    property: "enable_log_file_validation",
    change: Change::Set("false"),
};

pub const HEALTH_CHECK_HEALTHY_WITHOUT_DATA: Mutation = Mutation {
    name: "health-check-healthy-without-data",
    resource: "aws_route53_health_check.replication_health_check",
    property: "insufficient_data_health_status",
    change: Change::Set(r#""Healthy""#),
};

pub const DATABASE_ALARMS_SET: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "database_alarms_cpu_connections_replication_lag",
        service: "cloudwatch",
        title: "Aurora alarms fire on CPU over 80%, on high connection counts and on replication lag over 15 minutes",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.312(b)"],
        severity: Severity::High,
        risk: "An overloaded database or a secondary falling behind the 15-minute RPO goes unnoticed until failover loses data.",
        remediation: "stacks/dr/v1: CloudwatchMetricAlarm cpu_alarm (CPUUtilization, GreaterThanThreshold 80), connections_alarm (DatabaseConnections, GreaterThanThreshold), replication_lag_alarm (AuroraGlobalDBReplicationLag, threshold <= 900000 ms), namespace AWS/RDS.",
    },
    mutant: &CPU_ALARM_THRESHOLD_95,
    run: database_alarms_set,
};

fn above(r: &Resource) -> bool {
    matches!(
        r.prop("comparison_operator").and_then(Value::as_str),
        Some("GreaterThanThreshold" | "GreaterThanOrEqualToThreshold")
    )
}

fn database_alarms_set(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let wanted: [Wanted; 3] = [
        ("CPUUtilization", "at most 80", |t| t > 0.0 && t <= CPU_THRESHOLD),
        ("DatabaseConnections", "a positive count", |t| t > 0.0),
        (LAG_METRIC, "at most 900000 (ms)", |t| t > 0.0 && t <= MAX_LAG_MS),
    ];
    let mut findings = Vec::new();
    for (metric, expected, ok) in wanted {
        let alarms: Vec<_> =
            s.resources_of("aws_cloudwatch_metric_alarm").filter(|a| is_text(a.prop("metric_name"), metric)).collect();
        if alarms.is_empty() {
            findings.push(nothing_of(&format!("aws_cloudwatch_metric_alarm on {metric}"), "metric_name"));
        }
        for a in alarms {
            findings.push(judge(&a, "namespace", is_text(a.prop("namespace"), "AWS/RDS"), "AWS/RDS"));
            findings.push(judge(&a, "comparison_operator", above(&a), "GreaterThanThreshold"));
            findings.push(judge(&a, "threshold", number(a.prop("threshold")).is_some_and(ok), expected));
        }
    }
    findings
}

pub const ALARMS_NOTIFY_TOPIC: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "alarms_notify_ops_topic",
        service: "cloudwatch",
        title: "Every alarm sends to an SNS topic of the layout",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.312(b)"],
        severity: Severity::High,
        risk: "An alarm with no action changes state silently: nobody is paged and the failover function is never triggered.",
        remediation: "stacks/dr/v1: every CloudwatchMetricAlarm alarmActions: [alerts_topic.arn].",
    },
    mutant: &CONNECTIONS_ALARM_SILENT,
    run: alarms_notify_topic,
};

fn alarms_notify_topic(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_cloudwatch_metric_alarm", "alarm_actions", |a| {
        let to_topic =
            blocks(a.prop("alarm_actions")).into_iter().any(|v| super::refers_to(s, Some(v), "aws_sns_topic"));
        vec![judge(a, "alarm_actions", to_topic, "a list including an SNS topic of this layout")]
    })
}

pub const LOG_GROUPS_RETAINED: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "log_groups_retained_30_days",
        service: "logs",
        title: "Every log group keeps its events at least 30 days",
        citations: &["45 CFR 164.312(b)"],
        severity: Severity::Medium,
        risk: "Without a retention the audit trail's lifetime is undefined; too short a one loses the evidence of an incident.",
        remediation: "stacks/dr/v1: every CloudwatchLogGroup retentionInDays: 30.",
    },
    mutant: &FAILOVER_LOG_RETENTION_7_DAYS,
    run: log_groups_retained,
};

fn log_groups_retained(f: &SynthFacts) -> Vec<Finding> {
    per_resource(&f.synth, "aws_cloudwatch_log_group", "retention_in_days", |g| {
        let days = number(g.prop("retention_in_days"));
        vec![judge(
            g,
            "retention_in_days",
            days.is_some_and(|d| d >= MIN_LOG_RETENTION_DAYS),
            format!("at least {MIN_LOG_RETENTION_DAYS}"),
        )]
    })
}

pub const LOG_GROUPS_ENCRYPTED_WITH_REGION_KEY: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "log_groups_encrypted_with_region_key",
        service: "logs",
        title: "Every log group is encrypted with the layout's KMS key of its own region",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::High,
        risk: "Logs can carry PHI; under the service default key their access is not governed by the layout's key policy.",
        remediation: "stacks/dr/v1: every CloudwatchLogGroup kmsKeyId: its region's key ARN (primary_key in eu-west-2).",
    },
    mutant: &APP_LOG_GROUP_UNENCRYPTED,
    run: log_groups_encrypted_with_region_key,
};

fn log_groups_encrypted_with_region_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_cloudwatch_log_group", "kms_key_id", |g| vec![judge_region_key(s, g, "kms_key_id")])
}

pub const CLOUDTRAIL_MULTI_REGION_VALIDATED: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "cloudtrail_multi_region_validated",
        service: "cloudtrail",
        title: "A multi-region CloudTrail with log-file validation writes to a bucket of the layout",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.312(c)(1)"],
        severity: Severity::High,
        risk: "API calls in the DR region go unrecorded, or the record can be altered without detection.",
        remediation: "stacks/dr/v1: Cloudtrail trail isMultiRegionTrail: true, enableLogFileValidation: true, s3BucketName: trail_bucket.id.",
    },
    mutant: &TRAIL_LOG_VALIDATION_OFF,
    run: cloudtrail_multi_region_validated,
};

fn cloudtrail_multi_region_validated(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_cloudtrail", "is_multi_region_trail", |t| {
        let global = t.prop("include_global_service_events");
        vec![
            judge(t, "is_multi_region_trail", is_true(t.prop("is_multi_region_trail")), true),
            judge(t, "enable_log_file_validation", is_true(t.prop("enable_log_file_validation")), true),
            judge(t, "include_global_service_events", global.is_none() || is_true(global), "true (or unset)"),
            judge(
                t,
                "s3_bucket_name",
                super::refers_to(s, t.prop("s3_bucket_name"), "aws_s3_bucket"),
                "a bucket of this layout",
            ),
        ]
    })
}

pub const REPLICATION_LAG_HEALTH_CHECK: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "replication_lag_health_check",
        service: "route53",
        title: "A Route 53 health check follows the replication-lag alarm and counts missing data as unhealthy",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::Medium,
        risk: "A health check that reads 'healthy' when the alarm has no data hides a broken replication from failover routing.",
        remediation: "stacks/dr/v1: Route53HealthCheck replication_health_check type CLOUDWATCH_METRIC, cloudwatchAlarmName: replication_lag_alarm.alarmName, cloudwatchAlarmRegion: the alarm's region, insufficientDataHealthStatus: 'Unhealthy'.",
    },
    mutant: &HEALTH_CHECK_HEALTHY_WITHOUT_DATA,
    run: replication_lag_health_check,
};

fn replication_lag_health_check(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let checks: Vec<_> =
        s.resources_of("aws_route53_health_check").filter(|h| is_text(h.prop("type"), "CLOUDWATCH_METRIC")).collect();
    if checks.is_empty() {
        return vec![nothing_of("aws_route53_health_check of type CLOUDWATCH_METRIC", "type")];
    }
    checks
        .iter()
        .flat_map(|h| {
            let alarm =
                s.referenced(h.prop("cloudwatch_alarm_name")).filter(|a| a.kind == "aws_cloudwatch_metric_alarm");
            let on_lag = alarm.is_some_and(|a| is_text(a.prop("metric_name"), LAG_METRIC));
            let alarm_region = alarm.map(|a| region(s, &a)).unwrap_or("the alarm's region");
            vec![
                judge(h, "cloudwatch_alarm_name", on_lag, format!("the {LAG_METRIC} alarm of this layout")),
                judge(
                    h,
                    "cloudwatch_alarm_region",
                    is_text(h.prop("cloudwatch_alarm_region"), alarm_region),
                    alarm_region,
                ),
                judge(
                    h,
                    "insufficient_data_health_status",
                    is_text(h.prop("insufficient_data_health_status"), "Unhealthy"),
                    "Unhealthy",
                ),
            ]
        })
        .collect()
}

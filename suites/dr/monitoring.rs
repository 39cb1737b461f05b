//! The database alarms and the topic they notify: each alarm watches the stack's metric on the
//! primary cluster at the stack's threshold, every alarm notifies the alerts topic, and the topic
//! is encrypted with the primary key. Alarm state is never judged: a new alarm is OK on the
//! emulator and INSUFFICIENT_DATA on AWS until data arrives.
//!
//! Emulator gap: aws-sdk-cloudwatch from 1.100 on speaks only Smithy RPC v2 CBOR, which moto
//! 5.2.5 does not route (HTTP 404; it takes CloudWatch in Query and JSON). With such an SDK the
//! alarm checks error on the emulator (never pass); with aws-sdk-cloudwatch 1.99 (Query, which AWS
//! still serves) they are judged there too, as measured.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::Named;
use stackproof_harness::facts::cloudwatch::{Dimension, MetricAlarm};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::kit::fact::{judge_both, judge_fact, judge_named};

use super::DrFacts;
use super::mutants;

/// The namespace and dimension every alarm of the layout watches.
pub const NAMESPACE: &str = "AWS/RDS";
pub const CLUSTER_DIMENSION: &str = "DBClusterIdentifier";
/// The layout's alarms all fire strictly above their threshold.
pub const COMPARISON: &str = "GreaterThanThreshold";
/// The recovery point objective, in the unit of AuroraGlobalDBReplicationLag (milliseconds).
pub const RPO_MS: f64 = 15.0 * 60.0 * 1000.0;

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[
    CPU_ALARM_ABOVE_80_PERCENT,
    CONNECTIONS_ALARM_ON_PRIMARY_CLUSTER,
    REPLICATION_LAG_ALARM_AT_RPO,
    ALARMS_NOTIFY_ALERTS_TOPIC,
    ALERTS_TOPIC_ENCRYPTED_WITH_PRIMARY_KEY,
];

/// What main.ts declares for one alarm.
struct AlarmSpec {
    metric: &'static str,
    threshold: f64,
}

fn same_number(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn dimensions_text(d: &[Dimension]) -> String {
    if d.is_empty() {
        return "none".to_owned();
    }
    d.iter().map(|d| format!("{}={}", d.name, d.value)).collect::<Vec<_>>().join(", ")
}

/// The alarm's metric, namespace, dimensions, threshold and comparison against main.ts.
fn judge_alarm(f: &DrFacts, n: &Named<MetricAlarm>, spec: &AlarmSpec) -> Vec<Finding> {
    let cluster = &f.core.cluster_ids.primary;
    judge_named(n, "MetricName", |a| {
        let r = &n.resource;
        let metric = a.metric_name.as_deref().unwrap_or("none (metric math)");
        let namespace = a.namespace.as_deref().unwrap_or("none");
        let comparison = a.comparison_operator.as_deref().unwrap_or("none");
        let mut findings = vec![
            Finding::judge(r, "MetricName", metric == spec.metric, spec.metric, metric, a),
            Finding::judge(r, "Namespace", namespace == NAMESPACE, NAMESPACE, namespace, a),
        ];
        findings.extend(judge_fact(r, &cluster.fact, "Dimensions", |id| {
            let expected = [Dimension { name: CLUSTER_DIMENSION.into(), value: id.clone() }];
            vec![Finding::judge(
                r,
                "Dimensions",
                a.dimensions == expected,
                dimensions_text(&expected),
                dimensions_text(&a.dimensions),
                &a.dimensions,
            )]
        }));
        findings.push(Finding::judge(
            r,
            "Threshold",
            a.threshold.is_some_and(|t| same_number(t, spec.threshold)),
            spec.threshold,
            a.threshold.map_or("none".to_owned(), |t| t.to_string()),
            a,
        ));
        findings.push(Finding::judge(r, "ComparisonOperator", comparison == COMPARISON, COMPARISON, comparison, a));
        findings
    })
}

pub const CPU_ALARM_ABOVE_80_PERCENT: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "cpu_alarm_above_80_percent",
        service: "monitoring",
        title: "The CPU alarm fires when the primary cluster's CPUUtilization is above 80%",
        citations: &["45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.308(a)(6)(ii)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::Medium,
        risk: "A saturated writer slows or drops clinical transactions; an alarm set too high, or on the wrong metric or cluster, stays silent until patients' records are unavailable.",
        remediation: "main.ts: cpu_alarm (CloudwatchMetricAlarm) needs namespace AWS/RDS, metricName CPUUtilization, dimensions {DBClusterIdentifier: primaryCluster.clusterIdentifier}, threshold: 80, comparisonOperator: GreaterThanThreshold.",
    },
    claims: &[Claim {
        property: "Threshold",
        about: "The CPU alarm fires when the primary cluster's CPUUtilization is above 80%",
        mutants: &[&mutants::CPU_ALARM_THRESHOLD_95],
        not_emulated: None,
    }],
    run: cpu_alarm_above_80_percent,
};

fn cpu_alarm_above_80_percent(f: &DrFacts) -> Vec<Finding> {
    judge_alarm(f, &f.ops.cpu_alarm, &AlarmSpec { metric: "CPUUtilization", threshold: 80.0 })
}

pub const CONNECTIONS_ALARM_ON_PRIMARY_CLUSTER: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "connections_alarm_on_primary_cluster",
        service: "monitoring",
        title: "The connections alarm watches DatabaseConnections above 100 on the primary cluster",
        citations: &["45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.308(a)(6)(ii)"],
        severity: Severity::Medium,
        risk: "An alarm on another cluster's connections never sees a connection storm or credential abuse against the primary holding PHI.",
        remediation: "main.ts: connections_alarm (CloudwatchMetricAlarm) needs namespace AWS/RDS, metricName DatabaseConnections, dimensions {DBClusterIdentifier: primaryCluster.clusterIdentifier}, threshold: 100, comparisonOperator: GreaterThanThreshold.",
    },
    claims: &[Claim {
        property: "Dimensions",
        about: "The connections alarm watches DatabaseConnections above 100 on the primary cluster",
        mutants: &[&mutants::CONNECTIONS_ALARM_OTHER_CLUSTER],
        not_emulated: None,
    }],
    run: connections_alarm_on_primary_cluster,
};

fn connections_alarm_on_primary_cluster(f: &DrFacts) -> Vec<Finding> {
    judge_alarm(f, &f.ops.connections_alarm, &AlarmSpec { metric: "DatabaseConnections", threshold: 100.0 })
}

pub const REPLICATION_LAG_ALARM_AT_RPO: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "replication_lag_alarm_at_rpo",
        service: "monitoring",
        title: "The replication lag alarm watches AuroraGlobalDBReplicationLag above the 15 minute RPO (900000 ms)",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(C)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::High,
        risk: "If the alarm watches the wrong metric (AuroraReplicaLag is in-region replicas only) or a looser threshold, the DR region can fall further behind than the recovery point objective without anyone, or the failover health check, knowing.",
        remediation: "main.ts: replication_lag_alarm (CloudwatchMetricAlarm) needs namespace AWS/RDS, metricName AuroraGlobalDBReplicationLag, dimensions {DBClusterIdentifier: primaryCluster.clusterIdentifier}, threshold: RPO_MS (900000), comparisonOperator: GreaterThanThreshold.",
    },
    claims: &[Claim {
        property: "MetricName",
        about: "The replication lag alarm watches AuroraGlobalDBReplicationLag above the 15 minute RPO (900000 ms)",
        mutants: &[&mutants::LAG_ALARM_WRONG_METRIC],
        not_emulated: None,
    }],
    run: replication_lag_alarm_at_rpo,
};

fn replication_lag_alarm_at_rpo(f: &DrFacts) -> Vec<Finding> {
    judge_alarm(
        f,
        &f.ops.replication_lag_alarm,
        &AlarmSpec { metric: "AuroraGlobalDBReplicationLag", threshold: RPO_MS },
    )
}

pub const ALARMS_NOTIFY_ALERTS_TOPIC: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "alarms_notify_alerts_topic",
        service: "monitoring",
        title: "All three alarms notify the alerts topic when they fire and when they recover",
        citations: &["45 CFR 164.308(a)(6)(ii)", "45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::High,
        risk: "An alarm without actions changes state in silence: nobody is paged and the failover function subscribed to the topic is never invoked.",
        remediation: "main.ts: cpu_alarm, connections_alarm and replication_lag_alarm (CloudwatchMetricAlarm) need alarmActions: [alertsTopic.arn] and okActions: [alertsTopic.arn], with actionsEnabled left true.",
    },
    claims: &[Claim {
        property: "AlarmActions",
        about: "All three alarms notify the alerts topic when they fire and when they recover",
        mutants: &[&mutants::CONNECTIONS_ALARM_NO_ACTION],
        not_emulated: None,
    }],
    run: alarms_notify_alerts_topic,
};

fn alarms_notify_alerts_topic(f: &DrFacts) -> Vec<Finding> {
    let listed = |actions: &[String]| if actions.is_empty() { "none".to_owned() } else { actions.join(", ") };
    let mut findings = Vec::new();
    for n in f.ops.alarms() {
        findings.extend(judge_both((n, &f.ops.topic_arn), "AlarmActions", |a, topic| {
            let r = &n.resource;
            let expected = format!("includes {topic}");
            vec![
                Finding::judge(
                    r,
                    "AlarmActions",
                    a.alarm_actions.iter().any(|x| x == topic),
                    &expected,
                    listed(&a.alarm_actions),
                    a,
                ),
                Finding::judge(
                    r,
                    "OKActions",
                    a.ok_actions.iter().any(|x| x == topic),
                    &expected,
                    listed(&a.ok_actions),
                    a,
                ),
                // Not reported means the API default, enabled.
                Finding::judge(
                    r,
                    "ActionsEnabled",
                    a.actions_enabled != Some(false),
                    true,
                    a.actions_enabled.unwrap_or(true),
                    a,
                ),
            ]
        }));
    }
    findings
}

pub const ALERTS_TOPIC_ENCRYPTED_WITH_PRIMARY_KEY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "alerts_topic_encrypted_with_primary_key",
        service: "monitoring",
        title: "The alerts topic is encrypted at rest with the primary region's customer key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::Medium,
        risk: "Alarm notifications name clusters and carry state reasons; unencrypted, or under a key the stack does not control, they sit outside the layout's key policy and audit.",
        remediation: "main.ts: alerts_topic (SnsTopic) needs kmsMasterKeyId: primaryKey.arn.",
    },
    claims: &[Claim {
        property: "KmsMasterKeyId",
        about: "The alerts topic is encrypted at rest with the primary region's customer key",
        mutants: &[&mutants::ALERTS_TOPIC_UNENCRYPTED],
        not_emulated: None,
    }],
    run: alerts_topic_encrypted_with_primary_key,
};

fn alerts_topic_encrypted_with_primary_key(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.topic;
    judge_both((n, &f.core.key_arns.primary), "KmsMasterKeyId", |t, key| {
        let actual = t.kms_master_key_id.as_deref().unwrap_or("none (unencrypted)");
        vec![Finding::judge(
            &n.resource,
            "KmsMasterKeyId",
            t.kms_master_key_id.as_deref().is_some_and(|k| same_key(k, key)),
            key,
            actual,
            t,
        )]
    })
}

//! The database alarms and the topic they notify: each alarm is judged on every setting that
//! decides when it fires (metric, namespace, its one dimension the primary cluster, statistic,
//! period, evaluation periods, threshold and comparison), every alarm notifies the alerts topic
//! when it fires and when it recovers with its actions enabled, and the topic is encrypted with
//! the primary key. Alarm state is never judged: a new alarm is OK on the emulator and
//! INSUFFICIENT_DATA on AWS until data arrives.
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

use stackproof_harness::mutation::Mutant;

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

/// What main.ts declares for one alarm: every setting that decides when it fires.
pub struct AlarmSpec {
    pub metric: &'static str,
    pub statistic: &'static str,
    /// Seconds per datapoint.
    pub period: i32,
    /// Datapoints above the threshold before it fires.
    pub evaluation_periods: i32,
    pub threshold: f64,
}

/// main.ts cpu_alarm.
pub const CPU_ALARM: AlarmSpec =
    AlarmSpec { metric: "CPUUtilization", statistic: "Average", period: 300, evaluation_periods: 2, threshold: 80.0 };
/// main.ts connections_alarm.
pub const CONNECTIONS_ALARM: AlarmSpec = AlarmSpec {
    metric: "DatabaseConnections",
    statistic: "Average",
    period: 300,
    evaluation_periods: 2,
    threshold: 100.0,
};
/// main.ts replication_lag_alarm.
pub const LAG_ALARM: AlarmSpec = AlarmSpec {
    metric: "AuroraGlobalDBReplicationLag",
    statistic: "Maximum",
    period: 60,
    evaluation_periods: 3,
    threshold: RPO_MS,
};

fn same_number(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn dimensions_text(d: &[Dimension]) -> String {
    if d.is_empty() {
        return "none".to_owned();
    }
    d.iter().map(|d| format!("{}={}", d.name, d.value)).collect::<Vec<_>>().join(", ")
}

fn or_none<T: ToString>(v: Option<T>) -> String {
    v.map_or("none".to_owned(), |v| v.to_string())
}

/// Every setting that decides when the alarm fires, against main.ts: metric, namespace,
/// dimensions (`cluster`, and nothing else, read in `region`), statistic, period, evaluation
/// periods, threshold and comparison.
fn judge_alarm(
    n: &Named<MetricAlarm>,
    spec: &AlarmSpec,
    cluster: &Named<String>,
    region: (&str, &str),
) -> Vec<Finding> {
    // (the region the alarm was read in, the region its metric is published in)
    let (read_in, published_in) = region;
    judge_named(n, "MetricName", |a| {
        let r = &n.resource;
        let metric = a.metric_name.as_deref().unwrap_or("none (metric math)");
        let namespace = a.namespace.as_deref().unwrap_or("none");
        let comparison = a.comparison_operator.as_deref().unwrap_or("none");
        // A percentile (ExtendedStatistic) replaces the statistic: not what main.ts declares.
        let statistic = match (&a.statistic, &a.extended_statistic) {
            (Some(s), None) => s.clone(),
            (_, Some(p)) => format!("ExtendedStatistic {p}"),
            (None, None) => "none".to_owned(),
        };
        let mut findings = vec![
            Finding::judge(r, "MetricName", metric == spec.metric, spec.metric, metric, a),
            Finding::judge(r, "Namespace", namespace == NAMESPACE, NAMESPACE, namespace, a),
        ];
        findings.extend(judge_fact(r, &cluster.fact, "Dimensions", |id| {
            let expected = [Dimension { name: CLUSTER_DIMENSION.into(), value: id.clone() }];
            // A cluster's metrics exist only in its region: an alarm elsewhere never sees them.
            vec![Finding::judge(
                r,
                "Dimensions",
                a.dimensions == expected && read_in == published_in,
                format!("{} in {published_in}", dimensions_text(&expected)),
                format!("{} in {read_in}", dimensions_text(&a.dimensions)),
                &a.dimensions,
            )]
        }));
        findings.extend([
            Finding::judge(r, "Statistic", statistic == spec.statistic, spec.statistic, statistic, a),
            Finding::judge(r, "Period", a.period == Some(spec.period), spec.period, or_none(a.period), a),
            Finding::judge(
                r,
                "EvaluationPeriods",
                a.evaluation_periods == Some(spec.evaluation_periods),
                spec.evaluation_periods,
                or_none(a.evaluation_periods),
                a,
            ),
            Finding::judge(
                r,
                "Threshold",
                a.threshold.is_some_and(|t| same_number(t, spec.threshold)),
                spec.threshold,
                or_none(a.threshold),
                a,
            ),
            Finding::judge(r, "ComparisonOperator", comparison == COMPARISON, COMPARISON, comparison, a),
        ]);
        findings
    })
}

/// A claim the emulator can break: every alarm setting and notification is seeded as declared.
const fn claim(property: &'static str, about: &'static str, mutants: &'static [&'static Mutant]) -> Claim<Mutant> {
    Claim { property, about, mutants, not_emulated: None }
}

pub const CPU_ALARM_ABOVE_80_PERCENT: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "cpu_alarm_above_80_percent",
        service: "monitoring",
        title: "The CPU alarm fires when the primary cluster's CPUUtilization is above 80%",
        citations: &["45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.308(a)(6)(ii)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::Medium,
        risk: "A saturated writer slows or drops clinical transactions; an alarm set too high, or on the wrong metric or cluster, stays silent until patients' records are unavailable.",
        remediation: "main.ts: cpu_alarm (CloudwatchMetricAlarm) needs namespace AWS/RDS, metricName CPUUtilization, dimensions {DBClusterIdentifier: primaryCluster.clusterIdentifier} only, statistic Average, period 300, evaluationPeriods 2, threshold: 80, comparisonOperator: GreaterThanThreshold.",
    },
    claims: &[
        claim(
            "MetricName",
            "The CPU alarm watches CPUUtilization, not another metric or a metric math expression",
            &[&mutants::CPU_ALARM_WRONG_METRIC],
        ),
        claim(
            "Namespace",
            "The CPU alarm watches the metric in the AWS/RDS namespace",
            &[&mutants::CPU_ALARM_CUSTOM_NAMESPACE],
        ),
        claim(
            "Dimensions",
            "The CPU alarm watches the primary cluster, and only it (DBClusterIdentifier is its one dimension)",
            &[&mutants::CPU_ALARM_DR_CLUSTER],
        ),
        claim(
            "Statistic",
            "The CPU alarm compares the Average, not another statistic or a percentile",
            &[&mutants::CPU_ALARM_MINIMUM],
        ),
        claim("Period", "The CPU alarm takes a datapoint every 300 seconds", &[&mutants::CPU_ALARM_HOURLY_PERIOD]),
        claim(
            "EvaluationPeriods",
            "The CPU alarm fires after 2 datapoints above the threshold",
            &[&mutants::CPU_ALARM_24_EVALUATION_PERIODS],
        ),
        claim("Threshold", "The CPU alarm compares with 80 (percent)", &[&mutants::CPU_ALARM_THRESHOLD_95]),
        claim(
            "ComparisonOperator",
            "The CPU alarm fires when the value is greater than the threshold",
            &[&mutants::CPU_ALARM_LESS_THAN],
        ),
    ],
    run: cpu_alarm_above_80_percent,
};

fn cpu_alarm_above_80_percent(f: &DrFacts) -> Vec<Finding> {
    let primary = f.regions.primary.as_str();
    judge_alarm(&f.ops.cpu_alarm, &CPU_ALARM, &f.core.cluster_ids.primary, (primary, primary))
}

pub const CONNECTIONS_ALARM_ON_PRIMARY_CLUSTER: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "connections_alarm_on_primary_cluster",
        service: "monitoring",
        title: "The connections alarm watches DatabaseConnections above 100 on the primary cluster",
        citations: &["45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.308(a)(6)(ii)"],
        severity: Severity::Medium,
        risk: "An alarm on another cluster's connections never sees a connection storm or credential abuse against the primary holding PHI.",
        remediation: "main.ts: connections_alarm (CloudwatchMetricAlarm) needs namespace AWS/RDS, metricName DatabaseConnections, dimensions {DBClusterIdentifier: primaryCluster.clusterIdentifier} only, statistic Average, period 300, evaluationPeriods 2, threshold: 100, comparisonOperator: GreaterThanThreshold.",
    },
    claims: &[
        claim(
            "MetricName",
            "The connections alarm watches DatabaseConnections, not another metric or a metric math expression",
            &[&mutants::CONNECTIONS_ALARM_WRONG_METRIC],
        ),
        claim(
            "Namespace",
            "The connections alarm watches the metric in the AWS/RDS namespace",
            &[&mutants::CONNECTIONS_ALARM_CUSTOM_NAMESPACE],
        ),
        claim(
            "Dimensions",
            "The connections alarm watches the primary cluster, and only it (DBClusterIdentifier is its one dimension)",
            &[&mutants::CONNECTIONS_ALARM_OTHER_CLUSTER],
        ),
        claim(
            "Statistic",
            "The connections alarm compares the Average, not another statistic or a percentile",
            &[&mutants::CONNECTIONS_ALARM_PERCENTILE],
        ),
        claim(
            "Period",
            "The connections alarm takes a datapoint every 300 seconds",
            &[&mutants::CONNECTIONS_ALARM_DAILY_PERIOD],
        ),
        claim(
            "EvaluationPeriods",
            "The connections alarm fires after 2 datapoints above the threshold",
            &[&mutants::CONNECTIONS_ALARM_12_EVALUATION_PERIODS],
        ),
        claim(
            "Threshold",
            "The connections alarm compares with 100 connections",
            &[&mutants::CONNECTIONS_ALARM_THRESHOLD_1000],
        ),
        claim(
            "ComparisonOperator",
            "The connections alarm fires when the value is greater than the threshold",
            &[&mutants::CONNECTIONS_ALARM_LESS_OR_EQUAL],
        ),
    ],
    run: connections_alarm_on_primary_cluster,
};

fn connections_alarm_on_primary_cluster(f: &DrFacts) -> Vec<Finding> {
    let primary = f.regions.primary.as_str();
    judge_alarm(&f.ops.connections_alarm, &CONNECTIONS_ALARM, &f.core.cluster_ids.primary, (primary, primary))
}

pub const REPLICATION_LAG_ALARM_AT_RPO: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "replication_lag_alarm_at_rpo",
        service: "monitoring",
        title: "The replication lag alarm watches AuroraGlobalDBReplicationLag above the 15 minute RPO (900000 ms)",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(C)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::High,
        risk: "If the alarm watches the wrong metric (AuroraReplicaLag is in-region replicas only) or a looser threshold, the DR region can fall further behind than the recovery point objective without anyone, or the failover health check, knowing.",
        remediation: "stacks/dr/v2 main.ts: replication_lag_alarm (CloudwatchMetricAlarm) needs provider: dr, namespace AWS/RDS, metricName AuroraGlobalDBReplicationLag, dimensions {DBClusterIdentifier: drCluster.clusterIdentifier} only, statistic Maximum, period 60, evaluationPeriods 3, threshold: RPO_MS (900000), comparisonOperator: GreaterThanThreshold.",
    },
    claims: &[
        claim(
            "MetricName",
            "The replication lag alarm watches AuroraGlobalDBReplicationLag, not AuroraReplicaLag (in-region replicas) or another metric",
            &[&mutants::LAG_ALARM_WRONG_METRIC],
        ),
        claim(
            "Namespace",
            "The replication lag alarm watches the metric in the AWS/RDS namespace",
            &[&mutants::LAG_ALARM_CUSTOM_NAMESPACE],
        ),
        claim(
            "Dimensions",
            "The replication lag alarm watches the secondary (DR) cluster, and only it (DBClusterIdentifier is its one dimension), in the DR region: AWS publishes AuroraGlobalDBReplicationLag there, for the secondary; v1's alarm on the primary cluster never fires",
            &[&mutants::LAG_ALARM_EXTRA_DIMENSION],
        ),
        claim(
            "Statistic",
            "The replication lag alarm compares the Maximum, so one lagging minute is not averaged away",
            &[&mutants::LAG_ALARM_AVERAGE],
        ),
        claim(
            "Period",
            "The replication lag alarm takes a datapoint every 60 seconds",
            &[&mutants::LAG_ALARM_HOURLY_PERIOD],
        ),
        claim(
            "EvaluationPeriods",
            "The replication lag alarm fires after 3 datapoints above the threshold",
            &[&mutants::LAG_ALARM_60_EVALUATION_PERIODS],
        ),
        claim(
            "Threshold",
            "The replication lag alarm compares with the 15 minute RPO, 900000 ms",
            &[&mutants::LAG_ALARM_ABOVE_RPO],
        ),
        claim(
            "ComparisonOperator",
            "The replication lag alarm fires when the lag is greater than the threshold",
            &[&mutants::LAG_ALARM_LESS_THAN],
        ),
    ],
    run: replication_lag_alarm_at_rpo,
};

fn replication_lag_alarm_at_rpo(f: &DrFacts) -> Vec<Finding> {
    // AWS publishes AuroraGlobalDBReplicationLag for the secondary cluster, in its region
    // (stacks/dr/v2/README.md, sources): v1's alarm on the primary cluster fails here.
    let read_in = f.ops.replication_lag_alarm_region.as_str();
    judge_alarm(&f.ops.replication_lag_alarm, &LAG_ALARM, &f.core.cluster_ids.dr, (read_in, f.regions.dr.as_str()))
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
    claims: &[
        Claim {
            property: "AlarmActions",
            about: "Each of the three alarms notifies the alerts topic when it fires",
            mutants: &[&mutants::CONNECTIONS_ALARM_NO_ACTION, &mutants::LAG_ALARM_OTHER_TOPIC],
            not_emulated: None,
        },
        Claim {
            property: "OKActions",
            about: "Each of the three alarms notifies the alerts topic when it recovers",
            mutants: &[&mutants::LAG_ALARM_NO_OK_ACTION],
            not_emulated: None,
        },
        Claim {
            property: "ActionsEnabled",
            about: "Each of the three alarms has its actions enabled, so its notifications are sent",
            mutants: &[&mutants::CPU_ALARM_ACTIONS_DISABLED],
            not_emulated: None,
        },
    ],
    run: alarms_notify_alerts_topic,
};

fn alarms_notify_alerts_topic(f: &DrFacts) -> Vec<Finding> {
    let listed = |actions: &[String]| if actions.is_empty() { "none".to_owned() } else { actions.join(", ") };
    let mut findings = Vec::new();
    for n in f.ops.alarms() {
        // The lag alarm notifies its own region's topic (v2: the DR region's); the others the alerts topic.
        let topic = if std::ptr::eq(n, &f.ops.replication_lag_alarm) {
            &f.ops.replication_lag_topic_arn
        } else {
            &f.ops.topic_arn
        };
        findings.extend(judge_both((n, topic), "AlarmActions", |a, topic| {
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
        title: "The alerts topic is encrypted at rest with the primary region's customer key (from v2, the DR region's alerts topic with the DR key)",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::Medium,
        risk: "Alarm notifications name clusters and carry state reasons; unencrypted, or under a key the stack does not control, they sit outside the layout's key policy and audit.",
        remediation: "main.ts: alerts_topic (SnsTopic) needs kmsMasterKeyId: primaryKey.arn; v2 dr_alerts_topic kmsMasterKeyId: drKey.arn.",
    },
    claims: &[Claim {
        property: "KmsMasterKeyId",
        about: "The alerts topic is encrypted at rest, with the primary region's customer key and no other (not the AWS managed alias/aws/sns); the DR region's alerts topic (v2) likewise with the DR key",
        mutants: &[
            &mutants::ALERTS_TOPIC_UNENCRYPTED,
            &mutants::ALERTS_TOPIC_AWS_MANAGED_KEY,
            &mutants::DR_ALERTS_TOPIC_UNENCRYPTED,
        ],
        not_emulated: None,
    }],
    run: alerts_topic_encrypted_with_primary_key,
};

fn alerts_topic_encrypted_with_primary_key(f: &DrFacts) -> Vec<Finding> {
    let keys = &f.core.key_arns;
    let mut topics = vec![(&f.ops.topic, &keys.primary)];
    topics.extend(f.ops.dr_topic.as_ref().map(|dr| (&dr.topic, &keys.dr)));
    topics
        .into_iter()
        .flat_map(|(n, key)| {
            judge_both((n, key), "KmsMasterKeyId", |t, key| {
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
        })
        .collect()
}

//! Breakages of the monitoring checks' claims: every setting of each alarm that decides when it
//! fires, its notifications, and the topic's key.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const CPU_ALARM_WRONG_METRIC: Mutant = Mutant {
    name: "cpu-alarm-wrong-metric",
    about: "the CPU alarm on FreeableMemory instead of CPUUtilization",
    output: o::CPU_ALARM_NAME,
    nth: 0,
    property: "MetricName",
};

pub const CPU_ALARM_CUSTOM_NAMESPACE: Mutant = Mutant {
    name: "cpu-alarm-custom-namespace",
    about: "the CPU alarm in namespace Healthcare/RDS, where RDS publishes nothing",
    output: o::CPU_ALARM_NAME,
    nth: 0,
    property: "Namespace",
};

pub const CPU_ALARM_DR_CLUSTER: Mutant = Mutant {
    name: "cpu-alarm-dr-cluster",
    about: "the CPU alarm on the DR cluster instead of the primary",
    output: o::CPU_ALARM_NAME,
    nth: 0,
    property: "Dimensions",
};

pub const CPU_ALARM_MINIMUM: Mutant = Mutant {
    name: "cpu-alarm-minimum",
    about: "the CPU alarm comparing the Minimum instead of the Average",
    output: o::CPU_ALARM_NAME,
    nth: 0,
    property: "Statistic",
};

pub const CPU_ALARM_HOURLY_PERIOD: Mutant = Mutant {
    name: "cpu-alarm-hourly-period",
    about: "the CPU alarm with a 3600 second period instead of 300",
    output: o::CPU_ALARM_NAME,
    nth: 0,
    property: "Period",
};

pub const CPU_ALARM_24_EVALUATION_PERIODS: Mutant = Mutant {
    name: "cpu-alarm-24-eval-periods",
    about: "the CPU alarm firing after 24 datapoints instead of 2",
    output: o::CPU_ALARM_NAME,
    nth: 0,
    property: "EvaluationPeriods",
};

pub const CPU_ALARM_THRESHOLD_95: Mutant = Mutant {
    name: "cpu-alarm-threshold-95",
    about: "the CPU alarm with threshold 95",
    output: o::CPU_ALARM_NAME,
    nth: 0,
    property: "Threshold",
};

pub const CPU_ALARM_LESS_THAN: Mutant = Mutant {
    name: "cpu-alarm-less-than",
    about: "the CPU alarm with ComparisonOperator LessThanThreshold",
    output: o::CPU_ALARM_NAME,
    nth: 0,
    property: "ComparisonOperator",
};

pub const CONNECTIONS_ALARM_WRONG_METRIC: Mutant = Mutant {
    name: "connections-alarm-wrong-metric",
    about: "the connections alarm on ActiveTransactions instead of DatabaseConnections",
    output: o::CONNECTIONS_ALARM_NAME,
    nth: 0,
    property: "MetricName",
};

pub const CONNECTIONS_ALARM_CUSTOM_NAMESPACE: Mutant = Mutant {
    name: "connections-alarm-custom-namespace",
    about: "the connections alarm in namespace Healthcare/RDS",
    output: o::CONNECTIONS_ALARM_NAME,
    nth: 0,
    property: "Namespace",
};

pub const CONNECTIONS_ALARM_OTHER_CLUSTER: Mutant = Mutant {
    name: "connections-alarm-other-cluster",
    about: "the connections alarm with dimension DBClusterIdentifier=some-other-cluster",
    output: o::CONNECTIONS_ALARM_NAME,
    nth: 0,
    property: "Dimensions",
};

pub const CONNECTIONS_ALARM_PERCENTILE: Mutant = Mutant {
    name: "connections-alarm-percentile",
    about: "the connections alarm on ExtendedStatistic p10 instead of the Average",
    output: o::CONNECTIONS_ALARM_NAME,
    nth: 0,
    property: "Statistic",
};

pub const CONNECTIONS_ALARM_DAILY_PERIOD: Mutant = Mutant {
    name: "connections-alarm-daily-period",
    about: "the connections alarm with an 86400 second period instead of 300",
    output: o::CONNECTIONS_ALARM_NAME,
    nth: 0,
    property: "Period",
};

pub const CONNECTIONS_ALARM_12_EVALUATION_PERIODS: Mutant = Mutant {
    name: "connections-alarm-12-eval-periods",
    about: "the connections alarm firing after 12 datapoints instead of 2",
    output: o::CONNECTIONS_ALARM_NAME,
    nth: 0,
    property: "EvaluationPeriods",
};

pub const CONNECTIONS_ALARM_THRESHOLD_1000: Mutant = Mutant {
    name: "connections-alarm-threshold-1000",
    about: "the connections alarm with threshold 1000",
    output: o::CONNECTIONS_ALARM_NAME,
    nth: 0,
    property: "Threshold",
};

pub const CONNECTIONS_ALARM_LESS_OR_EQUAL: Mutant = Mutant {
    name: "connections-alarm-less-or-equal",
    about: "the connections alarm with ComparisonOperator LessThanOrEqualToThreshold",
    output: o::CONNECTIONS_ALARM_NAME,
    nth: 0,
    property: "ComparisonOperator",
};

pub const LAG_ALARM_WRONG_METRIC: Mutant = Mutant {
    name: "lag-alarm-wrong-metric",
    about: "the replication lag alarm on AuroraReplicaLag instead of AuroraGlobalDBReplicationLag",
    output: o::REPLICATION_LAG_ALARM_NAME,
    nth: 0,
    property: "MetricName",
};

pub const LAG_ALARM_CUSTOM_NAMESPACE: Mutant = Mutant {
    name: "lag-alarm-custom-namespace",
    about: "the replication lag alarm in namespace Healthcare/RDS",
    output: o::REPLICATION_LAG_ALARM_NAME,
    nth: 0,
    property: "Namespace",
};

pub const LAG_ALARM_EXTRA_DIMENSION: Mutant = Mutant {
    name: "lag-alarm-extra-dimension",
    about: "the replication lag alarm with a second dimension, Role=WRITER, beside the primary cluster",
    output: o::REPLICATION_LAG_ALARM_NAME,
    nth: 0,
    property: "Dimensions",
};

pub const LAG_ALARM_AVERAGE: Mutant = Mutant {
    name: "lag-alarm-average",
    about: "the replication lag alarm comparing the Average instead of the Maximum",
    output: o::REPLICATION_LAG_ALARM_NAME,
    nth: 0,
    property: "Statistic",
};

pub const LAG_ALARM_HOURLY_PERIOD: Mutant = Mutant {
    name: "lag-alarm-hourly-period",
    about: "the replication lag alarm with a 3600 second period instead of 60",
    output: o::REPLICATION_LAG_ALARM_NAME,
    nth: 0,
    property: "Period",
};

pub const LAG_ALARM_60_EVALUATION_PERIODS: Mutant = Mutant {
    name: "lag-alarm-60-eval-periods",
    about: "the replication lag alarm firing after 60 datapoints instead of 3",
    output: o::REPLICATION_LAG_ALARM_NAME,
    nth: 0,
    property: "EvaluationPeriods",
};

pub const LAG_ALARM_ABOVE_RPO: Mutant = Mutant {
    name: "lag-alarm-above-rpo",
    about: "the replication lag alarm with threshold 3600000 ms (an hour, four times the RPO)",
    output: o::REPLICATION_LAG_ALARM_NAME,
    nth: 0,
    property: "Threshold",
};

pub const LAG_ALARM_LESS_THAN: Mutant = Mutant {
    name: "lag-alarm-less-than",
    about: "the replication lag alarm with ComparisonOperator LessThanThreshold",
    output: o::REPLICATION_LAG_ALARM_NAME,
    nth: 0,
    property: "ComparisonOperator",
};

pub const CONNECTIONS_ALARM_NO_ACTION: Mutant = Mutant {
    name: "connections-alarm-no-action",
    about: "the connections alarm without AlarmActions",
    output: o::CONNECTIONS_ALARM_NAME,
    nth: 0,
    property: "AlarmActions",
};

pub const LAG_ALARM_OTHER_TOPIC: Mutant = Mutant {
    name: "lag-alarm-other-topic",
    about: "the replication lag alarm notifying another topic (healthcare-dr-other-<suffix>) when it fires",
    output: o::REPLICATION_LAG_ALARM_NAME,
    nth: 0,
    property: "AlarmActions",
};

pub const LAG_ALARM_NO_OK_ACTION: Mutant = Mutant {
    name: "lag-alarm-no-ok-action",
    about: "the replication lag alarm without OKActions",
    output: o::REPLICATION_LAG_ALARM_NAME,
    nth: 0,
    property: "OKActions",
};

pub const CPU_ALARM_ACTIONS_DISABLED: Mutant = Mutant {
    name: "cpu-alarm-actions-disabled",
    about: "the CPU alarm with ActionsEnabled=false",
    output: o::CPU_ALARM_NAME,
    nth: 0,
    property: "ActionsEnabled",
};

pub const ALERTS_TOPIC_UNENCRYPTED: Mutant = Mutant {
    name: "alerts-topic-unencrypted",
    about: "the alerts topic created without KmsMasterKeyId",
    output: o::ALERTS_TOPIC_ARN,
    nth: 0,
    property: "KmsMasterKeyId",
};

pub const ALERTS_TOPIC_AWS_MANAGED_KEY: Mutant = Mutant {
    name: "alerts-topic-aws-managed-key",
    about: "the alerts topic encrypted with the AWS managed key alias/aws/sns",
    output: o::ALERTS_TOPIC_ARN,
    nth: 0,
    property: "KmsMasterKeyId",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &CPU_ALARM_WRONG_METRIC,
    &CPU_ALARM_CUSTOM_NAMESPACE,
    &CPU_ALARM_DR_CLUSTER,
    &CPU_ALARM_MINIMUM,
    &CPU_ALARM_HOURLY_PERIOD,
    &CPU_ALARM_24_EVALUATION_PERIODS,
    &CPU_ALARM_THRESHOLD_95,
    &CPU_ALARM_LESS_THAN,
    &CONNECTIONS_ALARM_WRONG_METRIC,
    &CONNECTIONS_ALARM_CUSTOM_NAMESPACE,
    &CONNECTIONS_ALARM_OTHER_CLUSTER,
    &CONNECTIONS_ALARM_PERCENTILE,
    &CONNECTIONS_ALARM_DAILY_PERIOD,
    &CONNECTIONS_ALARM_12_EVALUATION_PERIODS,
    &CONNECTIONS_ALARM_THRESHOLD_1000,
    &CONNECTIONS_ALARM_LESS_OR_EQUAL,
    &LAG_ALARM_WRONG_METRIC,
    &LAG_ALARM_CUSTOM_NAMESPACE,
    &LAG_ALARM_EXTRA_DIMENSION,
    &LAG_ALARM_AVERAGE,
    &LAG_ALARM_HOURLY_PERIOD,
    &LAG_ALARM_60_EVALUATION_PERIODS,
    &LAG_ALARM_ABOVE_RPO,
    &LAG_ALARM_LESS_THAN,
    &CONNECTIONS_ALARM_NO_ACTION,
    &LAG_ALARM_OTHER_TOPIC,
    &LAG_ALARM_NO_OK_ACTION,
    &CPU_ALARM_ACTIONS_DISABLED,
    &ALERTS_TOPIC_UNENCRYPTED,
    &ALERTS_TOPIC_AWS_MANAGED_KEY,
];

//! Breakages of the monitoring checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const CPU_ALARM_THRESHOLD_95: Mutant = Mutant {
    name: "cpu-alarm-threshold-95",
    about: "the CPU alarm with threshold 95",
    output: o::CPU_ALARM_NAME,
    nth: 0,
    property: "Threshold",
};

pub const CONNECTIONS_ALARM_OTHER_CLUSTER: Mutant = Mutant {
    name: "connections-alarm-other-cluster",
    about: "the connections alarm with dimension DBClusterIdentifier=some-other-cluster",
    output: o::CONNECTIONS_ALARM_NAME,
    nth: 0,
    property: "Dimensions",
};

pub const LAG_ALARM_WRONG_METRIC: Mutant = Mutant {
    name: "lag-alarm-wrong-metric",
    about: "the replication lag alarm on AuroraReplicaLag instead of AuroraGlobalDBReplicationLag",
    output: o::REPLICATION_LAG_ALARM_NAME,
    nth: 0,
    property: "MetricName",
};

pub const CONNECTIONS_ALARM_NO_ACTION: Mutant = Mutant {
    name: "connections-alarm-no-action",
    about: "the connections alarm without AlarmActions",
    output: o::CONNECTIONS_ALARM_NAME,
    nth: 0,
    property: "AlarmActions",
};

pub const ALERTS_TOPIC_UNENCRYPTED: Mutant = Mutant {
    name: "alerts-topic-unencrypted",
    about: "the alerts topic created without KmsMasterKeyId",
    output: o::ALERTS_TOPIC_ARN,
    nth: 0,
    property: "KmsMasterKeyId",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &CPU_ALARM_THRESHOLD_95,
    &CONNECTIONS_ALARM_OTHER_CLUSTER,
    &LAG_ALARM_WRONG_METRIC,
    &CONNECTIONS_ALARM_NO_ACTION,
    &ALERTS_TOPIC_UNENCRYPTED,
];

//! Breakages of the requirements v2 of the layout meets and v1 does not (stacks/dr/v1/CHANGELOG.md):
//! database TLS and audit logging by cluster parameter group, VPC flow logs, server access logging
//! of the data buckets, and the DR region's alerts path. The seeder applies them to a v2 layout.

use stackproof_harness::mutation::Mutant;

use super::o;

// ------------------------------------------------------------------ database TLS

pub const DR_CLUSTER_FOREIGN_PARAMETER_GROUP: Mutant = Mutant {
    name: "dr-cluster-foreign-parameter-group",
    about: "the DR cluster runs with healthcare-db-dr-<suffix>-copy, a group with the same settings that is not the layout's",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "DBClusterParameterGroup",
};

pub const PRIMARY_FORCE_SSL_OFF: Mutant = Mutant {
    name: "primary-force-ssl-off",
    about: "the primary cluster parameter group sets rds.force_ssl to 0 (plaintext connections accepted)",
    output: o::PRIMARY_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "rds.force_ssl",
};

// ------------------------------------------------------------------ database audit logging

pub const DR_PGAUDIT_NOT_LOADED: Mutant = Mutant {
    name: "dr-pgaudit-not-loaded",
    about: "the DR cluster parameter group preloads pg_stat_statements only, not pgaudit",
    output: o::DR_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "shared_preload_libraries",
};

pub const PRIMARY_PGAUDIT_WITHOUT_WRITE: Mutant = Mutant {
    name: "primary-pgaudit-without-write",
    about: "the primary cluster parameter group sets pgaudit.log to ddl,role (data changes not audited)",
    output: o::PRIMARY_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "pgaudit.log",
};

pub const PRIMARY_CONNECTIONS_NOT_LOGGED: Mutant = Mutant {
    name: "primary-connections-not-logged",
    about: "the primary cluster parameter group sets log_connections to 0",
    output: o::PRIMARY_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "log_connections",
};

pub const DR_DISCONNECTIONS_NOT_LOGGED: Mutant = Mutant {
    name: "dr-disconnections-not-logged",
    about: "the DR cluster parameter group sets log_disconnections to 0",
    output: o::DR_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "log_disconnections",
};

pub const DR_DB_LOG_GROUP_MISSING: Mutant = Mutant {
    name: "dr-db-log-group-missing",
    about: "the layout does not create /aws/rds/cluster/<DR cluster>/postgresql (AWS would create it unencrypted, never expiring)",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "logGroup",
};

pub const PRIMARY_DB_LOG_GROUP_UNENCRYPTED: Mutant = Mutant {
    name: "primary-db-log-group-unencrypted",
    about: "/aws/rds/cluster/<primary cluster>/postgresql created without a KMS key",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "kmsKeyId",
};

pub const DR_DB_LOG_GROUP_WEEK: Mutant = Mutant {
    name: "dr-db-log-group-week",
    about: "/aws/rds/cluster/<DR cluster>/postgresql keeps events 7 days",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "retentionInDays",
};

// ------------------------------------------------------------------ VPC flow logs

pub const DR_VPC_WITHOUT_FLOW_LOG: Mutant = Mutant {
    name: "dr-vpc-without-flow-log",
    about: "the DR VPC has no flow log",
    output: o::DR_VPC_ID,
    nth: 0,
    property: "FlowLogs",
};

pub const PRIMARY_FLOW_LOG_REJECT_ONLY: Mutant = Mutant {
    name: "primary-flow-log-reject-only",
    about: "the primary VPC's flow log records REJECT traffic only",
    output: o::PRIMARY_VPC_ID,
    nth: 0,
    property: "TrafficType",
};

pub const PRIMARY_FLOW_LOG_GROUP_UNENCRYPTED: Mutant = Mutant {
    name: "primary-flow-log-group-unencrypted",
    about: "the primary flow log group created without a KMS key",
    output: o::PRIMARY_FLOW_LOG_GROUP_NAME,
    nth: 0,
    property: "kmsKeyId",
};

pub const DR_FLOW_LOG_GROUP_FOREVER: Mutant = Mutant {
    name: "dr-flow-log-group-forever",
    about: "the DR flow log group without a retention policy (events never expire)",
    output: o::DR_FLOW_LOG_GROUP_NAME,
    nth: 0,
    property: "retentionInDays",
};

// ------------------------------------------------------------------ S3 server access logging

pub const DR_BUCKET_NOT_LOGGED: Mutant = Mutant {
    name: "dr-bucket-not-logged",
    about: "the DR data bucket without server access logging",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "LoggingEnabled",
};

pub const PRIMARY_BUCKET_LOGS_TO_ITSELF: Mutant = Mutant {
    name: "primary-bucket-logs-to-itself",
    about: "the primary data bucket delivers its access logs into itself",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "TargetBucket",
};

pub const PRIMARY_ACCESS_LOG_BUCKET_SSE_KMS: Mutant = Mutant {
    name: "primary-access-log-bucket-sse-kms",
    about: "the primary access log bucket encrypts by default with SSE-KMS, to which S3 does not deliver access logs",
    output: o::PRIMARY_ACCESS_LOG_BUCKET_NAME,
    nth: 0,
    property: "SSEAlgorithm",
};

pub const DR_ACCESS_LOG_BUCKET_PUBLIC_POLICY_ALLOWED: Mutant = Mutant {
    name: "dr-access-log-bucket-public-policy-allowed",
    about: "the DR access log bucket's public access block leaves BlockPublicPolicy false",
    output: o::DR_ACCESS_LOG_BUCKET_NAME,
    nth: 0,
    property: "BlockPublicPolicy",
};

// ------------------------------------------------------------------ the DR region's alerts path

pub const DR_ALERTS_TOPIC_UNENCRYPTED: Mutant = Mutant {
    name: "dr-alerts-topic-unencrypted",
    about: "the DR region's alerts topic created without kmsMasterKeyId",
    output: o::DR_ALERTS_TOPIC_ARN,
    nth: 0,
    property: "KmsMasterKeyId",
};

pub const FAILOVER_NOT_SUBSCRIBED_TO_DR_TOPIC: Mutant = Mutant {
    name: "failover-not-subscribed-to-dr-topic",
    about: "no SNS subscription of the failover function to the DR region's alerts topic (the lag alarm then pages nobody's runbook)",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Subscription",
};

pub const FAILOVER_DR_TOPIC_NOT_PERMITTED: Mutant = Mutant {
    name: "failover-dr-topic-not-permitted",
    about: "no permission on the failover function for the DR region's alerts topic (SNS cannot invoke it)",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Policy",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &DR_CLUSTER_FOREIGN_PARAMETER_GROUP,
    &PRIMARY_FORCE_SSL_OFF,
    &DR_PGAUDIT_NOT_LOADED,
    &PRIMARY_PGAUDIT_WITHOUT_WRITE,
    &PRIMARY_CONNECTIONS_NOT_LOGGED,
    &DR_DISCONNECTIONS_NOT_LOGGED,
    &DR_DB_LOG_GROUP_MISSING,
    &PRIMARY_DB_LOG_GROUP_UNENCRYPTED,
    &DR_DB_LOG_GROUP_WEEK,
    &DR_VPC_WITHOUT_FLOW_LOG,
    &PRIMARY_FLOW_LOG_REJECT_ONLY,
    &PRIMARY_FLOW_LOG_GROUP_UNENCRYPTED,
    &DR_FLOW_LOG_GROUP_FOREVER,
    &DR_BUCKET_NOT_LOGGED,
    &PRIMARY_BUCKET_LOGS_TO_ITSELF,
    &PRIMARY_ACCESS_LOG_BUCKET_SSE_KMS,
    &DR_ACCESS_LOG_BUCKET_PUBLIC_POLICY_ALLOWED,
    &DR_ALERTS_TOPIC_UNENCRYPTED,
    &FAILOVER_NOT_SUBSCRIBED_TO_DR_TOPIC,
    &FAILOVER_DR_TOPIC_NOT_PERMITTED,
];

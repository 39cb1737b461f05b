//! The DR layout's named breakages of a seeded deployment, in both regions: the live checks
//! claim them, the seeder (`localstack/seed`) applies them, and the offline proof shows each fails
//! its check alone. `output` (its `nth` entry) names the resource the failing finding must name,
//! `property` the property it must judge.

use stackproof_harness::mutation::Mutant;

use super::outputs as o;

pub const DR_KEY_DISABLED: Mutant = Mutant {
    name: "dr-key-disabled",
    about: "DisableKey on the DR key (by key id: moto answers DisableKey by ARN with HTTP 500)",
    output: o::DR_KMS_KEY_ARN,
    nth: 0,
    property: "KeyState",
};

pub const PRIMARY_KEY_ROTATION_OFF: Mutant = Mutant {
    name: "primary-key-rotation-off",
    about: "DisableKeyRotation on the primary key",
    output: o::PRIMARY_KMS_KEY_ARN,
    nth: 0,
    property: "KeyRotationEnabled",
};

pub const DR_VPC_OVERLAPPING_CIDR: Mutant = Mutant {
    name: "dr-vpc-overlapping-cidr",
    about: "the DR VPC created as 10.0.0.0/16, the primary's range (subnets 10.0.1.0/24 and 10.0.2.0/24)",
    output: o::DR_VPC_ID,
    nth: 0,
    property: "CidrBlock",
};

pub const DR_SUBNETS_ONE_AZ: Mutant = Mutant {
    name: "dr-subnets-one-az",
    about: "both DR private subnets created in the first AZ",
    output: o::DR_VPC_ID,
    nth: 0,
    property: "AvailabilityZone (distinct)",
};

pub const PRIMARY_SUBNET_PUBLIC_IP: Mutant = Mutant {
    name: "primary-subnet-public-ip",
    about: "ModifySubnetAttribute MapPublicIpOnLaunch=true on the second primary private subnet",
    output: o::PRIMARY_PRIVATE_SUBNET_IDS,
    nth: 1,
    property: "MapPublicIpOnLaunch",
};

pub const DR_DB_SG_OPEN: Mutant = Mutant {
    name: "dr-db-sg-open",
    about: "an extra ingress rule tcp 5432 from 0.0.0.0/0 on the DR database security group",
    output: o::DR_DB_SECURITY_GROUP_ID,
    nth: 0,
    property: "Ingress",
};

pub const DR_CLUSTER_PRIMARY_KEY: Mutant = Mutant {
    name: "dr-cluster-primary-key",
    about: "the DR cluster created with KmsKeyId = the primary region's key ARN",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "KmsKeyId",
};

pub const PRIMARY_ENGINE_15_4: Mutant = Mutant {
    name: "primary-engine-15-4",
    about: "the primary cluster (and its instances) created on engine version 15.4",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "EngineVersion",
};

pub const DR_SERVERLESS_MAX_16: Mutant = Mutant {
    name: "dr-serverless-max-16",
    about: "the DR cluster created with Serverless v2 scaling 0.5..16 ACU",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "ServerlessV2ScalingConfiguration.MaxCapacity",
};

pub const PRIMARY_INSTANCES_ONE_AZ: Mutant = Mutant {
    name: "primary-instances-one-az",
    about: "both primary instances created in the first AZ",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "AvailabilityZone (distinct)",
};

pub const PRIMARY_BACKUP_RETENTION_1: Mutant = Mutant {
    name: "primary-backup-retention-1",
    about: "ModifyDBCluster BackupRetentionPeriod=1 on the primary cluster",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "BackupRetentionPeriod",
};

pub const DR_BACKUP_WINDOW_MIDDAY: Mutant = Mutant {
    name: "dr-backup-window-midday",
    about: "the DR cluster created with PreferredBackupWindow 12:00-13:00",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "PreferredBackupWindow",
};

pub const DR_CLUSTER_NO_LOG_EXPORT: Mutant = Mutant {
    name: "dr-cluster-no-log-export",
    about: "the DR cluster created without EnableCloudwatchLogsExports (moto ignores ModifyDBCluster log-export changes)",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "EnabledCloudwatchLogsExports",
};

pub const DR_CLUSTER_OUTSIDE_GLOBAL: Mutant = Mutant {
    name: "dr-cluster-outside-global",
    about: "the DR cluster created without GlobalClusterIdentifier (a standalone cluster, so with its own master credentials)",
    output: o::GLOBAL_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "GlobalClusterMembers",
};

pub const PRIMARY_INSTANCE_PUBLIC: Mutant = Mutant {
    name: "primary-instance-public",
    about: "ModifyDBInstance PubliclyAccessible=true on the second primary instance",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "PubliclyAccessible",
};

pub const MASTER_SECRET_DEFAULT_KEY: Mutant = Mutant {
    name: "master-secret-default-key",
    about: "the master secret created without KmsKeyId (the account default key)",
    output: o::PRIMARY_MASTER_USER_SECRET_ARN,
    nth: 0,
    property: "KmsKeyId",
};

pub const MASTER_SECRET_NOT_REPLICATED: Mutant = Mutant {
    name: "master-secret-not-replicated",
    about: "the master secret created without AddReplicaRegions",
    output: o::PRIMARY_MASTER_USER_SECRET_ARN,
    nth: 0,
    property: "ReplicationStatus",
};

pub const APP_LOG_RETENTION_7: Mutant = Mutant {
    name: "app-log-retention-7",
    about: "PutRetentionPolicy 7 days on the app log group",
    output: o::APP_LOG_GROUP_NAME,
    nth: 0,
    property: "retentionInDays",
};

pub const FAILOVER_LOG_GROUP_UNENCRYPTED: Mutant = Mutant {
    name: "failover-log-group-unencrypted",
    about: "the failover log group created without kmsKeyId (moto answers AssociateKmsKey with HTTP 500)",
    output: o::FAILOVER_LOG_GROUP_NAME,
    nth: 0,
    property: "kmsKeyId",
};

pub const DR_BUCKET_VERSIONING_SUSPENDED: Mutant = Mutant {
    name: "dr-bucket-versioning-suspended",
    about: "PutBucketVersioning Suspended on the DR bucket",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "Status",
};

pub const PRIMARY_BUCKET_SSE_S3: Mutant = Mutant {
    name: "primary-bucket-sse-s3",
    about: "the primary bucket default encryption AES256 (SSE-S3) instead of its KMS key",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "SSEAlgorithm",
};

pub const TRAIL_BUCKET_PUBLIC_POLICY_ALLOWED: Mutant = Mutant {
    name: "trail-bucket-public-policy-allowed",
    about: "the trail bucket public access block with BlockPublicPolicy=false",
    output: o::TRAIL_BUCKET_NAME,
    nth: 0,
    property: "BlockPublicPolicy",
};

pub const DR_BUCKET_NO_NONCURRENT_EXPIRY: Mutant = Mutant {
    name: "dr-bucket-no-noncurrent-expiry",
    about: "the DR bucket lifecycle rule without NoncurrentVersionExpiration",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "NoncurrentVersionExpiration",
};

pub const PRIMARY_BUCKET_POLICY_ALLOWS_HTTP: Mutant = Mutant {
    name: "primary-bucket-policy-allows-http",
    about: "the primary bucket policy without its DenyInsecureTransport statement (a read-only Allow for the replication role stands in, so the policy exists)",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "Policy",
};

pub const REPLICATION_RULE_DISABLED: Mutant = Mutant {
    name: "replication-rule-disabled",
    about: "the replication rule with Status=Disabled",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "Rule.Status",
};

pub const REPLICATION_NO_RTC: Mutant = Mutant {
    name: "replication-no-rtc",
    about: "the replication rule without ReplicationTime (no RTC)",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "ReplicationTime",
};

pub const REPLICATION_NO_METRICS: Mutant = Mutant {
    name: "replication-no-metrics",
    about: "the replication rule without Metrics (AWS refuses RTC without metrics; moto takes it)",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "Metrics",
};

pub const REPLICATION_REPLICA_KEY_PRIMARY: Mutant = Mutant {
    name: "replication-replica-key-primary",
    about: "the replication rule's ReplicaKmsKeyID = the primary key ARN",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "ReplicaKmsKeyID",
};

pub const DR_VAULT_PRIMARY_KEY: Mutant = Mutant {
    name: "dr-vault-primary-key",
    about: "the DR backup vault created with the primary region's key ARN",
    output: o::DR_BACKUP_VAULT_NAME,
    nth: 0,
    property: "EncryptionKeyArn",
};

pub const BACKUP_PLAN_DAILY: Mutant = Mutant {
    name: "backup-plan-daily",
    about: "the backup rule scheduled cron(0 5 ? * * *) (daily)",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "ScheduleExpression",
};

pub const BACKUP_PLAN_NOT_CONTINUOUS: Mutant = Mutant {
    name: "backup-plan-not-continuous",
    about: "the backup rule with EnableContinuousBackup=false",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "EnableContinuousBackup",
};

pub const BACKUP_PLAN_KEEPS_35_DAYS: Mutant = Mutant {
    name: "backup-plan-keeps-35-days",
    about: "the backup rule with Lifecycle.DeleteAfterDays=35",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "Lifecycle.DeleteAfterDays",
};

pub const BACKUP_PLAN_NO_COPY: Mutant = Mutant {
    name: "backup-plan-no-copy",
    about: "the backup rule without CopyActions",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "CopyActions",
};

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

pub const TRAIL_SINGLE_REGION: Mutant = Mutant {
    name: "trail-single-region",
    about: "the trail created with IsMultiRegionTrail=false",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "IsMultiRegionTrail",
};

pub const TRAIL_NO_LOG_VALIDATION: Mutant = Mutant {
    name: "trail-no-log-validation",
    about: "the trail created with EnableLogFileValidation=false",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "LogFileValidationEnabled",
};

pub const TRAIL_STOPPED: Mutant = Mutant {
    name: "trail-stopped",
    about: "StopLogging on the trail after creation",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "IsLogging",
};

pub const TRAIL_UNENCRYPTED: Mutant = Mutant {
    name: "trail-unencrypted",
    about: "the trail created without KmsKeyId",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "KmsKeyId",
};

pub const FAILOVER_FUNCTION_FOREIGN_ROLE: Mutant = Mutant {
    name: "failover-function-foreign-role",
    about: "the failover function created with the replication role's ARN",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Role",
};

pub const FAILOVER_ROLE_WILDCARD: Mutant = Mutant {
    name: "failover-role-wildcard",
    about: "the failover role's inline policy gets a statement Action \"rds:*\" Resource \"*\"",
    output: o::FAILOVER_ROLE_NAME,
    nth: 0,
    property: "Policy",
};

pub const FAILOVER_NOT_SUBSCRIBED: Mutant = Mutant {
    name: "failover-not-subscribed",
    about: "no SNS subscription of the failover function to the alerts topic",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Subscription",
};

pub const FAILOVER_CONFIG_MISSING: Mutant = Mutant {
    name: "failover-config-missing",
    about: "the failover SSM parameter not created",
    output: o::FAILOVER_CONFIG_PARAMETER_NAME,
    nth: 0,
    property: "Parameter",
};

pub const HEALTH_CHECK_HTTP: Mutant = Mutant {
    name: "health-check-http",
    about: "the health check created as type HTTP (on the primary cluster's endpoint) instead of CLOUDWATCH_METRIC",
    output: o::HEALTH_CHECK_ID,
    nth: 0,
    property: "Type",
};

pub const DR_BUCKET_UNSUFFIXED: Mutant = Mutant {
    name: "dr-bucket-unsuffixed",
    about: "the DR bucket named healthcare-data-dr-replica (no suffix; one per emulator)",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "Name",
};

/// Every mutant of the stack; each is claimed by exactly one check (a test proves it).
pub const ALL: &[&Mutant] = &[
    &DR_KEY_DISABLED,
    &PRIMARY_KEY_ROTATION_OFF,
    &DR_VPC_OVERLAPPING_CIDR,
    &DR_SUBNETS_ONE_AZ,
    &PRIMARY_SUBNET_PUBLIC_IP,
    &DR_DB_SG_OPEN,
    &DR_CLUSTER_PRIMARY_KEY,
    &PRIMARY_ENGINE_15_4,
    &DR_SERVERLESS_MAX_16,
    &PRIMARY_INSTANCES_ONE_AZ,
    &PRIMARY_BACKUP_RETENTION_1,
    &DR_BACKUP_WINDOW_MIDDAY,
    &DR_CLUSTER_NO_LOG_EXPORT,
    &DR_CLUSTER_OUTSIDE_GLOBAL,
    &PRIMARY_INSTANCE_PUBLIC,
    &MASTER_SECRET_DEFAULT_KEY,
    &MASTER_SECRET_NOT_REPLICATED,
    &APP_LOG_RETENTION_7,
    &FAILOVER_LOG_GROUP_UNENCRYPTED,
    &DR_BUCKET_VERSIONING_SUSPENDED,
    &PRIMARY_BUCKET_SSE_S3,
    &TRAIL_BUCKET_PUBLIC_POLICY_ALLOWED,
    &DR_BUCKET_NO_NONCURRENT_EXPIRY,
    &PRIMARY_BUCKET_POLICY_ALLOWS_HTTP,
    &REPLICATION_RULE_DISABLED,
    &REPLICATION_NO_RTC,
    &REPLICATION_NO_METRICS,
    &REPLICATION_REPLICA_KEY_PRIMARY,
    &DR_VAULT_PRIMARY_KEY,
    &BACKUP_PLAN_DAILY,
    &BACKUP_PLAN_NOT_CONTINUOUS,
    &BACKUP_PLAN_KEEPS_35_DAYS,
    &BACKUP_PLAN_NO_COPY,
    &CPU_ALARM_THRESHOLD_95,
    &CONNECTIONS_ALARM_OTHER_CLUSTER,
    &LAG_ALARM_WRONG_METRIC,
    &CONNECTIONS_ALARM_NO_ACTION,
    &ALERTS_TOPIC_UNENCRYPTED,
    &TRAIL_SINGLE_REGION,
    &TRAIL_NO_LOG_VALIDATION,
    &TRAIL_STOPPED,
    &TRAIL_UNENCRYPTED,
    &FAILOVER_FUNCTION_FOREIGN_ROLE,
    &FAILOVER_ROLE_WILDCARD,
    &FAILOVER_NOT_SUBSCRIBED,
    &FAILOVER_CONFIG_MISSING,
    &HEALTH_CHECK_HTTP,
    &DR_BUCKET_UNSUFFIXED,
];

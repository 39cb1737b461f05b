//! The DR layout's named breakages, one per live check, in the order of the shared spec's table
//! (check id in each comment). `output` (its `nth` entry) names the resource the failing finding
//! must name, `property` the field it must judge.

use crate::mutant::Mutant;

pub const MUTANTS: &[Mutant] = &[
    // KMS
    // kms_keys_enabled
    Mutant {
        name: "dr-key-disabled",
        about: "DisableKey on the DR key (by key id: moto answers DisableKey by ARN with HTTP 500)",
        output: "DrKmsKeyArn",
        nth: 0,
        property: "KeyState",
    },
    // kms_keys_rotate
    Mutant {
        name: "primary-key-rotation-off",
        about: "DisableKeyRotation on the primary key",
        output: "PrimaryKmsKeyArn",
        nth: 0,
        property: "KeyRotationEnabled",
    },
    // Network
    // vpcs_use_planned_cidrs
    Mutant {
        name: "dr-vpc-overlapping-cidr",
        about: "the DR VPC created as 10.0.0.0/16, the primary's range (subnets 10.0.1.0/24 and 10.0.2.0/24)",
        output: "DrVpcId",
        nth: 0,
        property: "CidrBlock",
    },
    // private_subnets_span_two_azs
    Mutant {
        name: "dr-subnets-one-az",
        about: "both DR private subnets created in the first AZ",
        output: "DrVpcId",
        nth: 0,
        property: "AvailabilityZone (distinct)",
    },
    // private_subnets_no_public_ip
    Mutant {
        name: "primary-subnet-public-ip",
        about: "ModifySubnetAttribute MapPublicIpOnLaunch=true on the second primary private subnet",
        output: "PrimaryPrivateSubnetIds",
        nth: 1,
        property: "MapPublicIpOnLaunch",
    },
    // db_security_groups_vpc_only
    Mutant {
        name: "dr-db-sg-open",
        about: "an extra ingress rule tcp 5432 from 0.0.0.0/0 on the DR database security group",
        output: "DrDbSecurityGroupId",
        nth: 0,
        property: "Ingress",
    },
    // Aurora
    // aurora_encrypted_with_region_key
    Mutant {
        name: "dr-cluster-primary-key",
        about: "the DR cluster created with KmsKeyId = the primary region's key ARN",
        output: "DrClusterIdentifier",
        nth: 0,
        property: "KmsKeyId",
    },
    // aurora_engine_postgresql_15_3
    Mutant {
        name: "primary-engine-15-4",
        about: "the primary cluster (and its instances) created on engine version 15.4",
        output: "PrimaryClusterIdentifier",
        nth: 0,
        property: "EngineVersion",
    },
    // aurora_serverless_v2_half_to_two_acu
    Mutant {
        name: "dr-serverless-max-16",
        about: "the DR cluster created with Serverless v2 scaling 0.5..16 ACU",
        output: "DrClusterIdentifier",
        nth: 0,
        property: "ServerlessV2ScalingConfiguration.MaxCapacity",
    },
    // aurora_primary_multi_az
    Mutant {
        name: "primary-instances-one-az",
        about: "both primary instances created in the first AZ",
        output: "PrimaryClusterIdentifier",
        nth: 0,
        property: "AvailabilityZone (distinct)",
    },
    // aurora_backup_retention_seven_days
    Mutant {
        name: "primary-backup-retention-1",
        about: "ModifyDBCluster BackupRetentionPeriod=1 on the primary cluster",
        output: "PrimaryClusterIdentifier",
        nth: 0,
        property: "BackupRetentionPeriod",
    },
    // aurora_backup_window_off_peak
    Mutant {
        name: "dr-backup-window-midday",
        about: "the DR cluster created with PreferredBackupWindow 12:00-13:00",
        output: "DrClusterIdentifier",
        nth: 0,
        property: "PreferredBackupWindow",
    },
    // aurora_logs_exported
    Mutant {
        name: "dr-cluster-no-log-export",
        about: "the DR cluster created without EnableCloudwatchLogsExports (moto ignores ModifyDBCluster log-export changes)",
        output: "DrClusterIdentifier",
        nth: 0,
        property: "EnabledCloudwatchLogsExports",
    },
    // aurora_global_database_spans_regions
    Mutant {
        name: "dr-cluster-outside-global",
        about: "the DR cluster created without GlobalClusterIdentifier (a standalone cluster, so with its own master credentials)",
        output: "GlobalClusterIdentifier",
        nth: 0,
        property: "GlobalClusterMembers",
    },
    // aurora_instances_not_public
    Mutant {
        name: "primary-instance-public",
        about: "ModifyDBInstance PubliclyAccessible=true on the second primary instance",
        output: "PrimaryClusterIdentifier",
        nth: 0,
        property: "PubliclyAccessible",
    },
    // Master secret
    // master_secret_encrypted_with_primary_key
    Mutant {
        name: "master-secret-default-key",
        about: "the master secret created without KmsKeyId (the account default key)",
        output: "PrimaryMasterUserSecretArn",
        nth: 0,
        property: "KmsKeyId",
    },
    // master_secret_replicated_to_dr
    Mutant {
        name: "master-secret-not-replicated",
        about: "the master secret created without AddReplicaRegions",
        output: "PrimaryMasterUserSecretArn",
        nth: 0,
        property: "ReplicationStatus",
    },
    // Log groups
    // log_groups_retained_30_days
    Mutant {
        name: "app-log-retention-7",
        about: "PutRetentionPolicy 7 days on the app log group",
        output: "AppLogGroupName",
        nth: 0,
        property: "retentionInDays",
    },
    // log_groups_encrypted_with_primary_key
    Mutant {
        name: "failover-log-group-unencrypted",
        about: "the failover log group created without kmsKeyId (moto answers AssociateKmsKey with HTTP 500)",
        output: "FailoverLogGroupName",
        nth: 0,
        property: "kmsKeyId",
    },
    // S3
    // buckets_versioned
    Mutant {
        name: "dr-bucket-versioning-suspended",
        about: "PutBucketVersioning Suspended on the DR bucket",
        output: "DrBucketName",
        nth: 0,
        property: "Status",
    },
    // buckets_encrypted_with_region_key
    Mutant {
        name: "primary-bucket-sse-s3",
        about: "the primary bucket default encryption AES256 (SSE-S3) instead of its KMS key",
        output: "PrimaryBucketName",
        nth: 0,
        property: "SSEAlgorithm",
    },
    // buckets_block_public_access
    Mutant {
        name: "trail-bucket-public-policy-allowed",
        about: "the trail bucket public access block with BlockPublicPolicy=false",
        output: "TrailBucketName",
        nth: 0,
        property: "BlockPublicPolicy",
    },
    // buckets_tier_and_expire_noncurrent
    Mutant {
        name: "dr-bucket-no-noncurrent-expiry",
        about: "the DR bucket lifecycle rule without NoncurrentVersionExpiration",
        output: "DrBucketName",
        nth: 0,
        property: "NoncurrentVersionExpiration",
    },
    // buckets_deny_insecure_transport
    Mutant {
        name: "primary-bucket-policy-allows-http",
        about: "the primary bucket policy without its DenyInsecureTransport statement (a read-only Allow for the replication role stands in, so the policy exists)",
        output: "PrimaryBucketName",
        nth: 0,
        property: "Policy",
    },
    // replication_to_dr_bucket
    Mutant {
        name: "replication-rule-disabled",
        about: "the replication rule with Status=Disabled",
        output: "PrimaryBucketName",
        nth: 0,
        property: "Rule.Status",
    },
    // replication_time_control_15_minutes
    Mutant {
        name: "replication-no-rtc",
        about: "the replication rule without ReplicationTime (no RTC)",
        output: "PrimaryBucketName",
        nth: 0,
        property: "ReplicationTime",
    },
    // replication_metrics_enabled
    Mutant {
        name: "replication-no-metrics",
        about: "the replication rule without Metrics (AWS refuses RTC without metrics; moto takes it)",
        output: "PrimaryBucketName",
        nth: 0,
        property: "Metrics",
    },
    // replicas_encrypted_with_dr_key
    Mutant {
        name: "replication-replica-key-primary",
        about: "the replication rule's ReplicaKmsKeyID = the primary key ARN",
        output: "PrimaryBucketName",
        nth: 0,
        property: "ReplicaKmsKeyID",
    },
    // AWS Backup
    // backup_vaults_encrypted_with_region_key
    Mutant {
        name: "dr-vault-primary-key",
        about: "the DR backup vault created with the primary region's key ARN",
        output: "DrBackupVaultName",
        nth: 0,
        property: "EncryptionKeyArn",
    },
    // backup_plan_hourly
    Mutant {
        name: "backup-plan-daily",
        about: "the backup rule scheduled cron(0 5 ? * * *) (daily)",
        output: "BackupPlanId",
        nth: 0,
        property: "ScheduleExpression",
    },
    // backup_plan_continuous
    Mutant {
        name: "backup-plan-not-continuous",
        about: "the backup rule with EnableContinuousBackup=false",
        output: "BackupPlanId",
        nth: 0,
        property: "EnableContinuousBackup",
    },
    // backup_plan_deletes_after_7_days
    Mutant {
        name: "backup-plan-keeps-35-days",
        about: "the backup rule with Lifecycle.DeleteAfterDays=35",
        output: "BackupPlanId",
        nth: 0,
        property: "Lifecycle.DeleteAfterDays",
    },
    // backup_plan_copies_to_dr_vault
    Mutant {
        name: "backup-plan-no-copy",
        about: "the backup rule without CopyActions",
        output: "BackupPlanId",
        nth: 0,
        property: "CopyActions",
    },
    // Monitoring
    // cpu_alarm_above_80_percent
    Mutant {
        name: "cpu-alarm-threshold-95",
        about: "the CPU alarm with threshold 95",
        output: "CpuAlarmName",
        nth: 0,
        property: "Threshold",
    },
    // connections_alarm_on_primary_cluster
    Mutant {
        name: "connections-alarm-other-cluster",
        about: "the connections alarm with dimension DBClusterIdentifier=some-other-cluster",
        output: "ConnectionsAlarmName",
        nth: 0,
        property: "Dimensions",
    },
    // replication_lag_alarm_at_rpo
    Mutant {
        name: "lag-alarm-wrong-metric",
        about: "the replication lag alarm on AuroraReplicaLag instead of AuroraGlobalDBReplicationLag",
        output: "ReplicationLagAlarmName",
        nth: 0,
        property: "MetricName",
    },
    // alarms_notify_alerts_topic
    Mutant {
        name: "connections-alarm-no-action",
        about: "the connections alarm without AlarmActions",
        output: "ConnectionsAlarmName",
        nth: 0,
        property: "AlarmActions",
    },
    // alerts_topic_encrypted_with_primary_key
    Mutant {
        name: "alerts-topic-unencrypted",
        about: "the alerts topic created without KmsMasterKeyId",
        output: "AlertsTopicArn",
        nth: 0,
        property: "KmsMasterKeyId",
    },
    // CloudTrail
    // trail_multi_region
    Mutant {
        name: "trail-single-region",
        about: "the trail created with IsMultiRegionTrail=false",
        output: "TrailName",
        nth: 0,
        property: "IsMultiRegionTrail",
    },
    // trail_log_file_validation
    Mutant {
        name: "trail-no-log-validation",
        about: "the trail created with EnableLogFileValidation=false",
        output: "TrailName",
        nth: 0,
        property: "LogFileValidationEnabled",
    },
    // trail_logging
    Mutant {
        name: "trail-stopped",
        about: "StopLogging on the trail after creation",
        output: "TrailName",
        nth: 0,
        property: "IsLogging",
    },
    // trail_encrypted_with_primary_key
    Mutant {
        name: "trail-unencrypted",
        about: "the trail created without KmsKeyId",
        output: "TrailName",
        nth: 0,
        property: "KmsKeyId",
    },
    // Failover
    // failover_function_runs_as_failover_role
    Mutant {
        name: "failover-function-foreign-role",
        about: "the failover function created with the replication role's ARN",
        output: "FailoverFunctionName",
        nth: 0,
        property: "Role",
    },
    // failover_role_least_privilege
    Mutant {
        name: "failover-role-wildcard",
        about: "the failover role's inline policy gets a statement Action \"rds:*\" Resource \"*\"",
        output: "FailoverRoleName",
        nth: 0,
        property: "Policy",
    },
    // failover_triggered_by_alarms
    Mutant {
        name: "failover-not-subscribed",
        about: "no SNS subscription of the failover function to the alerts topic",
        output: "FailoverFunctionName",
        nth: 0,
        property: "Subscription",
    },
    // failover_config_parameter_present
    Mutant {
        name: "failover-config-missing",
        about: "the failover SSM parameter not created",
        output: "FailoverConfigParameterName",
        nth: 0,
        property: "Parameter",
    },
    // health_check_watches_replication_lag
    Mutant {
        name: "health-check-http",
        about: "the health check created as type HTTP (on the primary cluster's endpoint) instead of CLOUDWATCH_METRIC",
        output: "HealthCheckId",
        nth: 0,
        property: "Type",
    },
    // Naming
    // resource_names_carry_suffix
    Mutant {
        name: "dr-bucket-unsuffixed",
        about: "the DR bucket named healthcare-data-dr-replica (no suffix; one per emulator)",
        output: "DrBucketName",
        nth: 0,
        property: "Name",
    },
];

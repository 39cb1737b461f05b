//! The output keys of stacks/dr/v1/outputs.yml and stacks/dr/v2/outputs.yml (v2 only adds). Checks
//! name keys only through these constants; a test proves the lists are the same.

pub const PRIMARY_REGION: &str = "PrimaryRegion";
pub const DR_REGION: &str = "DrRegion";
pub const PRIMARY_KMS_KEY_ARN: &str = "PrimaryKmsKeyArn";
pub const DR_KMS_KEY_ARN: &str = "DrKmsKeyArn";
pub const PRIMARY_VPC_ID: &str = "PrimaryVpcId";
pub const DR_VPC_ID: &str = "DrVpcId";
pub const PRIMARY_PRIVATE_SUBNET_IDS: &str = "PrimaryPrivateSubnetIds";
pub const DR_PRIVATE_SUBNET_IDS: &str = "DrPrivateSubnetIds";
pub const PRIMARY_DB_SECURITY_GROUP_ID: &str = "PrimaryDbSecurityGroupId";
pub const DR_DB_SECURITY_GROUP_ID: &str = "DrDbSecurityGroupId";
pub const GLOBAL_CLUSTER_IDENTIFIER: &str = "GlobalClusterIdentifier";
pub const PRIMARY_CLUSTER_IDENTIFIER: &str = "PrimaryClusterIdentifier";
pub const DR_CLUSTER_IDENTIFIER: &str = "DrClusterIdentifier";
pub const PRIMARY_MASTER_USER_SECRET_ARN: &str = "PrimaryMasterUserSecretArn";
pub const PRIMARY_BUCKET_NAME: &str = "PrimaryBucketName";
pub const DR_BUCKET_NAME: &str = "DrBucketName";
pub const REPLICATION_ROLE_ARN: &str = "ReplicationRoleArn";
pub const PRIMARY_BACKUP_VAULT_NAME: &str = "PrimaryBackupVaultName";
pub const DR_BACKUP_VAULT_NAME: &str = "DrBackupVaultName";
pub const BACKUP_PLAN_ID: &str = "BackupPlanId";
pub const ALERTS_TOPIC_ARN: &str = "AlertsTopicArn";
pub const CPU_ALARM_NAME: &str = "CpuAlarmName";
pub const CONNECTIONS_ALARM_NAME: &str = "ConnectionsAlarmName";
pub const REPLICATION_LAG_ALARM_NAME: &str = "ReplicationLagAlarmName";
pub const APP_LOG_GROUP_NAME: &str = "AppLogGroupName";
pub const FAILOVER_LOG_GROUP_NAME: &str = "FailoverLogGroupName";
pub const TRAIL_NAME: &str = "TrailName";
pub const TRAIL_BUCKET_NAME: &str = "TrailBucketName";
pub const FAILOVER_FUNCTION_NAME: &str = "FailoverFunctionName";
pub const FAILOVER_ROLE_NAME: &str = "FailoverRoleName";
pub const FAILOVER_CONFIG_PARAMETER_NAME: &str = "FailoverConfigParameterName";
pub const HEALTH_CHECK_ID: &str = "HealthCheckId";
// v2 on.
pub const STACK_VERSION: &str = "StackVersion";
pub const DR_ALERTS_TOPIC_ARN: &str = "DrAlertsTopicArn";
pub const PRIMARY_CLUSTER_PARAMETER_GROUP_NAME: &str = "PrimaryClusterParameterGroupName";
pub const DR_CLUSTER_PARAMETER_GROUP_NAME: &str = "DrClusterParameterGroupName";
pub const PRIMARY_FLOW_LOG_GROUP_NAME: &str = "PrimaryFlowLogGroupName";
pub const DR_FLOW_LOG_GROUP_NAME: &str = "DrFlowLogGroupName";
pub const PRIMARY_ACCESS_LOG_BUCKET_NAME: &str = "PrimaryAccessLogBucketName";
pub const DR_ACCESS_LOG_BUCKET_NAME: &str = "DrAccessLogBucketName";

/// The keys of v1's contract: the first ones of `USED` (v2 only adds; a test proves both lists).
pub const V1: &[&str] = USED.split_at(32).0;

/// Every key above, v1's first: the outputs the live suite reads.
pub const USED: &[&str] = &[
    PRIMARY_REGION,
    DR_REGION,
    PRIMARY_KMS_KEY_ARN,
    DR_KMS_KEY_ARN,
    PRIMARY_VPC_ID,
    DR_VPC_ID,
    PRIMARY_PRIVATE_SUBNET_IDS,
    DR_PRIVATE_SUBNET_IDS,
    PRIMARY_DB_SECURITY_GROUP_ID,
    DR_DB_SECURITY_GROUP_ID,
    GLOBAL_CLUSTER_IDENTIFIER,
    PRIMARY_CLUSTER_IDENTIFIER,
    DR_CLUSTER_IDENTIFIER,
    PRIMARY_MASTER_USER_SECRET_ARN,
    PRIMARY_BUCKET_NAME,
    DR_BUCKET_NAME,
    REPLICATION_ROLE_ARN,
    PRIMARY_BACKUP_VAULT_NAME,
    DR_BACKUP_VAULT_NAME,
    BACKUP_PLAN_ID,
    ALERTS_TOPIC_ARN,
    CPU_ALARM_NAME,
    CONNECTIONS_ALARM_NAME,
    REPLICATION_LAG_ALARM_NAME,
    APP_LOG_GROUP_NAME,
    FAILOVER_LOG_GROUP_NAME,
    TRAIL_NAME,
    TRAIL_BUCKET_NAME,
    FAILOVER_FUNCTION_NAME,
    FAILOVER_ROLE_NAME,
    FAILOVER_CONFIG_PARAMETER_NAME,
    HEALTH_CHECK_ID,
    STACK_VERSION,
    DR_ALERTS_TOPIC_ARN,
    PRIMARY_CLUSTER_PARAMETER_GROUP_NAME,
    DR_CLUSTER_PARAMETER_GROUP_NAME,
    PRIMARY_FLOW_LOG_GROUP_NAME,
    DR_FLOW_LOG_GROUP_NAME,
    PRIMARY_ACCESS_LOG_BUCKET_NAME,
    DR_ACCESS_LOG_BUCKET_NAME,
];

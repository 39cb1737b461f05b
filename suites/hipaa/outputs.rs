//! The output keys of stacks/hipaa/v1/outputs.yml. Checks name keys only through these
//! constants; a test proves the two lists are the same.

// Network
pub const VPC_ID: &str = "VpcId";
pub const PUBLIC_SUBNET_IDS: &str = "PublicSubnetIds";
pub const PRIVATE_SUBNET_IDS: &str = "PrivateSubnetIds";
pub const INTERNET_GATEWAY_ID: &str = "InternetGatewayId";
pub const NAT_GATEWAY_IDS: &str = "NatGatewayIds";
pub const PUBLIC_ROUTE_TABLE_ID: &str = "PublicRouteTableId";
pub const PRIVATE_ROUTE_TABLE_IDS: &str = "PrivateRouteTableIds";
pub const FLOW_LOG_GROUP_NAME: &str = "FlowLogGroupName";
// Keys
pub const DATA_KEY_ARN: &str = "DataKeyArn";
pub const LOGS_KEY_ARN: &str = "LogsKeyArn";
// Audit logging
pub const AUDIT_LOG_GROUP_NAME: &str = "AuditLogGroupName";
pub const ECS_LOG_GROUP_NAME: &str = "EcsLogGroupName";
pub const API_ACCESS_LOG_GROUP_NAME: &str = "ApiAccessLogGroupName";
// Security groups
pub const LOAD_BALANCER_SECURITY_GROUP_ID: &str = "LoadBalancerSecurityGroupId";
pub const APP_SECURITY_GROUP_ID: &str = "AppSecurityGroupId";
pub const DATABASE_SECURITY_GROUP_ID: &str = "DatabaseSecurityGroupId";
pub const CACHE_SECURITY_GROUP_ID: &str = "CacheSecurityGroupId";
pub const EFS_SECURITY_GROUP_ID: &str = "EfsSecurityGroupId";
// Aurora
pub const DB_CLUSTER_IDENTIFIER: &str = "DbClusterIdentifier";
pub const DB_SUBNET_GROUP_NAME: &str = "DbSubnetGroupName";
pub const DB_CLUSTER_PARAMETER_GROUP_NAME: &str = "DbClusterParameterGroupName";
// EFS
pub const EFS_FILE_SYSTEM_ID: &str = "EfsFileSystemId";
// ElastiCache
pub const CACHE_REPLICATION_GROUP_ID: &str = "CacheReplicationGroupId";
pub const CACHE_SUBNET_GROUP_NAME: &str = "CacheSubnetGroupName";
// ECS
pub const ECS_CLUSTER_NAME: &str = "EcsClusterName";
pub const ECS_SERVICE_NAME: &str = "EcsServiceName";
pub const TASK_DEFINITION_ARN: &str = "TaskDefinitionArn";
// API Gateway and WAF
pub const REST_API_ID: &str = "RestApiId";
pub const API_STAGE_NAME: &str = "ApiStageName";
pub const WEB_ACL_ARN: &str = "WebAclArn";
pub const LOAD_BALANCER_ARN: &str = "LoadBalancerArn";
// Existing secrets
pub const DATABASE_SECRET_ARN: &str = "DatabaseSecretArn";
pub const API_KEYS_SECRET_ARN: &str = "ApiKeysSecretArn";
pub const SECRETS_KEY_ARN: &str = "SecretsKeyArn";

/// The stack's customer keys.
pub const KEYS: &[&str] = &[DATA_KEY_ARN, LOGS_KEY_ARN];
/// The stack's log groups, all encrypted with the logs key.
pub const LOG_GROUPS: &[&str] =
    &[AUDIT_LOG_GROUP_NAME, ECS_LOG_GROUP_NAME, API_ACCESS_LOG_GROUP_NAME, FLOW_LOG_GROUP_NAME];

/// Every output of the contract; the live suite reads them all.
pub const USED: &[&str] = &[
    VPC_ID,
    PUBLIC_SUBNET_IDS,
    PRIVATE_SUBNET_IDS,
    INTERNET_GATEWAY_ID,
    NAT_GATEWAY_IDS,
    PUBLIC_ROUTE_TABLE_ID,
    PRIVATE_ROUTE_TABLE_IDS,
    FLOW_LOG_GROUP_NAME,
    DATA_KEY_ARN,
    LOGS_KEY_ARN,
    AUDIT_LOG_GROUP_NAME,
    ECS_LOG_GROUP_NAME,
    API_ACCESS_LOG_GROUP_NAME,
    LOAD_BALANCER_SECURITY_GROUP_ID,
    APP_SECURITY_GROUP_ID,
    DATABASE_SECURITY_GROUP_ID,
    CACHE_SECURITY_GROUP_ID,
    EFS_SECURITY_GROUP_ID,
    DB_CLUSTER_IDENTIFIER,
    DB_SUBNET_GROUP_NAME,
    DB_CLUSTER_PARAMETER_GROUP_NAME,
    EFS_FILE_SYSTEM_ID,
    CACHE_REPLICATION_GROUP_ID,
    CACHE_SUBNET_GROUP_NAME,
    ECS_CLUSTER_NAME,
    ECS_SERVICE_NAME,
    TASK_DEFINITION_ARN,
    REST_API_ID,
    API_STAGE_NAME,
    WEB_ACL_ARN,
    LOAD_BALANCER_ARN,
    DATABASE_SECRET_ARN,
    API_KEYS_SECRET_ARN,
    SECRETS_KEY_ARN,
];

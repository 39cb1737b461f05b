//! The output keys of stacks/hipaa/v1/outputs.yml that the live suite reads. Checks name keys
//! only through these constants; a test proves each is in the contract.

pub const VPC_ID: &str = "VpcId";
pub const PUBLIC_SUBNET_IDS: &str = "PublicSubnetIds";
pub const PRIVATE_SUBNET_IDS: &str = "PrivateSubnetIds";
pub const NAT_GATEWAY_IDS: &str = "NatGatewayIds";
pub const PRIVATE_ROUTE_TABLE_IDS: &str = "PrivateRouteTableIds";
pub const DATA_KEY_ARN: &str = "DataKeyArn";
pub const LOGS_KEY_ARN: &str = "LogsKeyArn";
pub const AUDIT_LOG_GROUP_NAME: &str = "AuditLogGroupName";

/// The stack's customer keys.
pub const KEYS: &[&str] = &[DATA_KEY_ARN, LOGS_KEY_ARN];
/// The stack's log groups, all encrypted with the logs key.
pub const LOG_GROUPS: &[&str] = &[AUDIT_LOG_GROUP_NAME];

pub const USED: &[&str] = &[
    VPC_ID,
    PUBLIC_SUBNET_IDS,
    PRIVATE_SUBNET_IDS,
    NAT_GATEWAY_IDS,
    PRIVATE_ROUTE_TABLE_IDS,
    DATA_KEY_ARN,
    LOGS_KEY_ARN,
    AUDIT_LOG_GROUP_NAME,
];

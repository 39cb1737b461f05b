//! The API reads the HIPAA suite's facts make, as (service, operation) in the SDK's naming. A run
//! of this stack may send these, its identity call and DescribeStacks, and nothing else; `stackproof
//! policy --stack hipaa` grants exactly them. The offline chain proves a run of a compliant
//! deployment sends every one of them and no other.

pub const READS: &[(&str, &str)] = &[
    ("apigateway", "GetDeployments"),
    ("apigateway", "GetStage"),
    ("applicationautoscaling", "DescribeScalableTargets"),
    ("applicationautoscaling", "DescribeScalingPolicies"),
    ("cloudformation", "ListStackResources"),
    ("cloudwatchlogs", "DescribeLogGroups"),
    ("ec2", "DescribeAddresses"),
    ("ec2", "DescribeFlowLogs"),
    ("ec2", "DescribeInternetGateways"),
    ("ec2", "DescribeNatGateways"),
    ("ec2", "DescribeNetworkInterfaces"),
    ("ec2", "DescribeRouteTables"),
    ("ec2", "DescribeSecurityGroups"),
    ("ec2", "DescribeSubnets"),
    ("ec2", "DescribeVpcAttribute"),
    ("ec2", "DescribeVpcs"),
    ("ec2", "GetManagedPrefixListEntries"),
    ("ecs", "DescribeClusters"),
    ("ecs", "DescribeServices"),
    ("ecs", "DescribeTaskDefinition"),
    ("ecs", "DescribeTasks"),
    ("ecs", "ListTasks"),
    ("efs", "DescribeAccessPoints"),
    ("efs", "DescribeBackupPolicy"),
    ("efs", "DescribeFileSystemPolicy"),
    ("efs", "DescribeFileSystems"),
    ("efs", "DescribeMountTargetSecurityGroups"),
    ("efs", "DescribeMountTargets"),
    ("elasticache", "DescribeCacheClusters"),
    ("elasticache", "DescribeCacheSubnetGroups"),
    ("elasticache", "DescribeReplicationGroups"),
    ("kms", "DescribeKey"),
    ("kms", "GetKeyRotationStatus"),
    ("rds", "DescribeDBClusterParameters"),
    ("rds", "DescribeDBClusters"),
    ("rds", "DescribeDBInstances"),
    ("rds", "DescribeDBSubnetGroups"),
    ("resourcegroupstaggingapi", "GetResources"),
    ("secretsmanager", "DescribeSecret"),
    ("wafv2", "GetWebACL"),
    ("wafv2", "GetWebACLForResource"),
];

/// Reads a run of the reference deployment on the emulator does not send, with why: a policy must
/// still grant them, since a real deployment (or a breakage) makes the facts ask for them.
pub const NOT_SENT_ON_EMULATOR: &[((&str, &str), &str)] = &[(
    ("ec2", "GetManagedPrefixListEntries"),
    "sent only for a security group rule whose source is a prefix list; the reference deployment has none",
)];

//! The API reads the DR suite's facts make in either region, as (service, operation) in the SDK's
//! naming. A run of this layout may send these and its identity call, and nothing else (its
//! outputs come from a file); `stackproof policy --stack dr` grants exactly them. The offline DR
//! chain proves a run of a compliant deployment sends every one of them and no other.

pub const READS: &[(&str, &str)] = &[
    ("backup", "DescribeBackupVault"),
    ("backup", "GetBackupPlan"),
    ("backup", "GetBackupSelection"),
    ("backup", "ListBackupSelections"),
    ("cloudtrail", "GetEventSelectors"),
    ("cloudtrail", "GetTrail"),
    ("cloudtrail", "GetTrailStatus"),
    ("cloudwatch", "DescribeAlarms"),
    ("cloudwatchlogs", "DescribeLogGroups"),
    ("ec2", "DescribeFlowLogs"),
    ("ec2", "DescribeInternetGateways"),
    ("ec2", "DescribeNatGateways"),
    ("ec2", "DescribeRouteTables"),
    ("ec2", "DescribeSecurityGroups"),
    ("ec2", "DescribeSubnets"),
    ("ec2", "DescribeVpcAttribute"),
    ("ec2", "DescribeVpcs"),
    ("iam", "GetRole"),
    ("iam", "GetRolePolicy"),
    ("iam", "ListAttachedRolePolicies"),
    ("iam", "ListRolePolicies"),
    ("kms", "DescribeKey"),
    ("kms", "GetKeyRotationStatus"),
    ("lambda", "GetFunctionConfiguration"),
    ("lambda", "GetPolicy"),
    ("rds", "DescribeDBClusters"),
    ("rds", "DescribeDBInstances"),
    ("rds", "DescribeGlobalClusters"),
    ("route53", "GetHealthCheck"),
    ("s3", "GetBucketEncryption"),
    ("s3", "GetBucketLifecycleConfiguration"),
    ("s3", "GetBucketPolicy"),
    ("s3", "GetBucketReplication"),
    ("s3", "GetBucketVersioning"),
    ("s3", "GetPublicAccessBlock"),
    ("secretsmanager", "DescribeSecret"),
    ("sns", "GetTopicAttributes"),
    ("sns", "ListSubscriptionsByTopic"),
    ("ssm", "DescribeParameters"),
    ("ssm", "GetParameter"),
];

/// Reads a run on the emulator cannot be made to send, with why: a policy must still grant them.
pub const NOT_SENT_ON_EMULATOR: &[((&str, &str), &str)] = &[(
    ("backup", "GetBackupSelection"),
    "moto lists no selections of a backup plan (ListBackupSelections answers empty), so there is none to get",
)];

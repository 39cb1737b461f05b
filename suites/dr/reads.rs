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
    ("ec2", "GetManagedPrefixListEntries"),
    ("iam", "GetPolicy"),
    ("iam", "GetPolicyVersion"),
    ("iam", "GetRole"),
    ("iam", "GetRolePolicy"),
    ("iam", "ListAttachedRolePolicies"),
    ("iam", "ListRolePolicies"),
    ("kms", "DescribeKey"),
    ("kms", "GetKeyRotationStatus"),
    ("lambda", "GetFunctionConfiguration"),
    ("lambda", "GetPolicy"),
    ("rds", "DescribeDBClusterParameters"),
    ("rds", "DescribeDBClusters"),
    ("rds", "DescribeDBInstances"),
    ("rds", "DescribeGlobalClusters"),
    ("resourcegroupstaggingapi", "GetResources"),
    ("route53", "GetHealthCheck"),
    ("s3", "GetBucketEncryption"),
    ("s3", "GetBucketLogging"),
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

/// Reads a run of the reference deployment on the emulator does not send, with why: a policy must
/// still grant them, since a real deployment (or a breakage) makes the facts ask for them.
pub const NOT_SENT_ON_EMULATOR: &[((&str, &str), &str)] = &[
    (
        ("backup", "GetBackupSelection"),
        "moto lists no selections of a backup plan (ListBackupSelections answers empty), so there is none to get",
    ),
    (
        ("ec2", "GetManagedPrefixListEntries"),
        "sent only for a security group rule whose source is a prefix list; the reference layout has none",
    ),
    (("iam", "GetPolicy"), "sent only for a managed policy attached to the failover role; the layout attaches none"),
    (
        ("iam", "GetPolicyVersion"),
        "sent only for a managed policy attached to the failover role; the layout attaches none",
    ),
];

/// The failover configuration's value is read (never decrypted: the guard refuses WithDecryption
/// and the policy grants no kms:Decrypt) only under the layout's own parameter path.
pub const SCOPES: &[stackproof_harness::aws::guard::ScopedRead] =
    &[(("ssm", "GetParameter"), "arn:aws:ssm:*:*:parameter/healthcare-dr/*")];

//! Breakages of the s3 checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const DR_BUCKET_VERSIONING_SUSPENDED: Mutant = Mutant {
    name: "dr-bucket-versioning-suspended",
    about: "PutBucketVersioning Suspended on the DR bucket",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "Status",
};

pub const TRAIL_BUCKET_VERSIONING_SUSPENDED: Mutant = Mutant {
    name: "trail-bucket-versioning-suspended",
    about: "PutBucketVersioning Suspended on the trail bucket, after creation",
    output: o::TRAIL_BUCKET_NAME,
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

pub const DR_BUCKET_PRIMARY_KEY: Mutant = Mutant {
    name: "dr-bucket-primary-key",
    about: "the DR bucket default encryption SSE-KMS under the primary region's key",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "KMSMasterKeyID",
};

pub const TRAIL_BUCKET_PUBLIC_POLICY_ALLOWED: Mutant = Mutant {
    name: "trail-bucket-public-policy-allowed",
    about: "the trail bucket public access block with BlockPublicPolicy=false",
    output: o::TRAIL_BUCKET_NAME,
    nth: 0,
    property: "BlockPublicPolicy",
};

pub const PRIMARY_BUCKET_PUBLIC_ACLS_ALLOWED: Mutant = Mutant {
    name: "primary-bucket-public-acls-allowed",
    about: "the primary bucket public access block with BlockPublicAcls=false",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "BlockPublicAcls",
};

pub const DR_BUCKET_PUBLIC_ACLS_HONOURED: Mutant = Mutant {
    name: "dr-bucket-public-acls-honoured",
    about: "the DR bucket public access block with IgnorePublicAcls=false",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "IgnorePublicAcls",
};

pub const DR_BUCKET_PUBLIC_BUCKETS_UNRESTRICTED: Mutant = Mutant {
    name: "dr-bucket-public-buckets-unrestricted",
    about: "the DR bucket public access block with RestrictPublicBuckets=false",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "RestrictPublicBuckets",
};

pub const DR_BUCKET_POLICY_PUBLIC_READ: Mutant = Mutant {
    name: "dr-bucket-policy-public-read",
    about: "the DR bucket policy with a second statement allowing s3:GetObject on every object to everyone (Principal *), beside its TLS Deny",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "PolicyStatus.IsPublic",
};

pub const PRIMARY_BUCKET_PREFIX_TO_GLACIER: Mutant = Mutant {
    name: "primary-bucket-prefix-to-glacier",
    about: "the primary bucket lifecycle with a second enabled rule moving objects under archive/ to GLACIER after 1 day",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "Transitions",
};

pub const DR_BUCKET_NO_NONCURRENT_EXPIRY: Mutant = Mutant {
    name: "dr-bucket-no-noncurrent-expiry",
    about: "the DR bucket lifecycle rule without NoncurrentVersionExpiration",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "NoncurrentVersionExpiration",
};

pub const PRIMARY_BUCKET_PREFIX_NONCURRENT_1_DAY: Mutant = Mutant {
    name: "primary-prefix-noncurrent-1-day",
    about: "the primary bucket lifecycle with a second enabled rule expiring noncurrent versions under drafts/ after 1 day",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "NoncurrentVersionExpiration",
};

pub const DR_BUCKET_EXPIRES_CURRENT_VERSIONS: Mutant = Mutant {
    name: "dr-bucket-expires-current-versions",
    about: "the DR bucket lifecycle with a second enabled rule expiring every current object after 7 days",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "Expiration",
};

pub const PRIMARY_BUCKET_POLICY_ALLOWS_HTTP: Mutant = Mutant {
    name: "primary-bucket-policy-allows-http",
    about: "the primary bucket policy without its DenyInsecureTransport statement (a read-only Allow for the replication role stands in, so the policy exists)",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "Policy",
};

pub const DR_BUCKET_DENY_EXEMPTS_ROLES: Mutant = Mutant {
    name: "dr-bucket-deny-exempts-roles",
    about: "the DR bucket's TLS Deny with an extra condition StringNotLike aws:PrincipalArn arn:aws:iam::<account>:role/*: every role of the account may use plain HTTP",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "Policy",
};

pub const TRAIL_BUCKET_DENY_SCOPED_TO_A_PREFIX: Mutant = Mutant {
    name: "trail-bucket-deny-scoped-to-a-prefix",
    about: "the trail bucket's TLS Deny rewritten after creation to cover the bucket and AWSLogs/* only: other keys may be read over plain HTTP",
    output: o::TRAIL_BUCKET_NAME,
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

pub const REPLICATION_EXTRA_RULE_DISABLED: Mutant = Mutant {
    name: "replication-extra-rule-disabled",
    about: "a second replication rule (priority 2, prefix urgent/, otherwise as the first) with Status=Disabled",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "Rule.Status",
};

pub const REPLICATION_AS_BACKUP_ROLE: Mutant = Mutant {
    name: "replication-as-backup-role",
    about: "the replication configuration's Role = the layout's AWS Backup role instead of the replication role",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "Role",
};

pub const REPLICATION_TO_TRAIL_BUCKET: Mutant = Mutant {
    name: "replication-to-trail-bucket",
    about: "the replication rule's Destination.Bucket = the trail bucket (in the primary region) instead of the DR bucket",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "Destination.Bucket",
};

pub const REPLICATION_NO_RTC: Mutant = Mutant {
    name: "replication-no-rtc",
    about: "the replication rule without ReplicationTime (no RTC)",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "ReplicationTime",
};

pub const REPLICATION_EXTRA_RULE_NO_RTC: Mutant = Mutant {
    name: "replication-extra-rule-no-rtc",
    about: "a second replication rule (priority 2, prefix urgent/, otherwise as the first) without ReplicationTime",
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

pub const REPLICATION_EXTRA_RULE_NO_METRICS: Mutant = Mutant {
    name: "replication-extra-rule-no-metrics",
    about: "a second replication rule (priority 2, prefix urgent/, otherwise as the first) without Metrics (AWS refuses RTC without metrics; moto takes it)",
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

pub const REPLICATION_EXTRA_RULE_NO_REPLICA_KEY: Mutant = Mutant {
    name: "replication-extra-rule-no-replica-key",
    about: "a second replication rule (priority 2, prefix urgent/, otherwise as the first) without EncryptionConfiguration",
    output: o::PRIMARY_BUCKET_NAME,
    nth: 0,
    property: "ReplicaKmsKeyID",
};

/// This service's mutants, in claim order.
pub const UNLISTED_BUCKET_SSE_S3: Mutant = Mutant {
    name: "unlisted-bucket-sse-s3",
    about: "a bucket added to the layout in the DR region with its default tags but no output (Name unlisted_bucket), versioned, private and TLS-only like the others, encrypting by default with SSE-S3 instead of the DR key",
    output: "logical-id:unlisted_bucket",
    nth: 0,
    property: "SSEAlgorithm",
};

pub const ALL: &[&Mutant] = &[
    &DR_BUCKET_VERSIONING_SUSPENDED,
    &TRAIL_BUCKET_VERSIONING_SUSPENDED,
    &PRIMARY_BUCKET_SSE_S3,
    &UNLISTED_BUCKET_SSE_S3,
    &DR_BUCKET_PRIMARY_KEY,
    &PRIMARY_BUCKET_PUBLIC_ACLS_ALLOWED,
    &DR_BUCKET_PUBLIC_ACLS_HONOURED,
    &TRAIL_BUCKET_PUBLIC_POLICY_ALLOWED,
    &DR_BUCKET_PUBLIC_BUCKETS_UNRESTRICTED,
    &DR_BUCKET_POLICY_PUBLIC_READ,
    &PRIMARY_BUCKET_PREFIX_TO_GLACIER,
    &DR_BUCKET_NO_NONCURRENT_EXPIRY,
    &PRIMARY_BUCKET_PREFIX_NONCURRENT_1_DAY,
    &DR_BUCKET_EXPIRES_CURRENT_VERSIONS,
    &PRIMARY_BUCKET_POLICY_ALLOWS_HTTP,
    &DR_BUCKET_DENY_EXEMPTS_ROLES,
    &TRAIL_BUCKET_DENY_SCOPED_TO_A_PREFIX,
    &REPLICATION_RULE_DISABLED,
    &REPLICATION_EXTRA_RULE_DISABLED,
    &REPLICATION_AS_BACKUP_ROLE,
    &REPLICATION_TO_TRAIL_BUCKET,
    &REPLICATION_NO_RTC,
    &REPLICATION_EXTRA_RULE_NO_RTC,
    &REPLICATION_NO_METRICS,
    &REPLICATION_EXTRA_RULE_NO_METRICS,
    &REPLICATION_REPLICA_KEY_PRIMARY,
    &REPLICATION_EXTRA_RULE_NO_REPLICA_KEY,
];

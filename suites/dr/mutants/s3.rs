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

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &DR_BUCKET_VERSIONING_SUSPENDED,
    &PRIMARY_BUCKET_SSE_S3,
    &TRAIL_BUCKET_PUBLIC_POLICY_ALLOWED,
    &DR_BUCKET_NO_NONCURRENT_EXPIRY,
    &PRIMARY_BUCKET_POLICY_ALLOWS_HTTP,
    &REPLICATION_RULE_DISABLED,
    &REPLICATION_NO_RTC,
    &REPLICATION_NO_METRICS,
    &REPLICATION_REPLICA_KEY_PRIMARY,
];

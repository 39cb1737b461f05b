//! S3: every bucket versioned, encrypted with its region's key and closed to the public; the data
//! buckets tier and expire old versions, and the primary's replicates to the DR bucket in 15
//! minutes.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::{blocks, is_true, lookup, number};
use stackproof_harness::source::terraform::{Resource, Synth};

use super::{
    Change, DR_REGION, Mutation, PRIMARY_REGION, SynthFacts, block_path, companions, data_buckets, is_key_in, is_text,
    judge, judge_value, missing, nothing_of, refers_to, region,
};

pub const TIERING_DAYS: f64 = 30.0;
pub const NONCURRENT_DAYS: f64 = 90.0;
pub const REPLICATION_MINUTES: f64 = 15.0;

pub const DR_BUCKET_VERSIONING_SUSPENDED: Mutation = Mutation {
    name: "dr-bucket-versioning-suspended",
    resource: "aws_s3_bucket_versioning.dr_bucket_versioning",
    property: "versioning_configuration.status",
    change: Change::Set(r#""Suspended""#),
};

pub const PRIMARY_BUCKET_SSE_S3: Mutation = Mutation {
    name: "primary-bucket-sse-s3",
    resource: "aws_s3_bucket_server_side_encryption_configuration.primary_bucket_encryption",
    property: "rule.apply_server_side_encryption_by_default.sse_algorithm",
    change: Change::Set(r#""AES256""#),
};

pub const DR_BUCKET_PUBLIC_BUCKETS_UNRESTRICTED: Mutation = Mutation {
    name: "dr-bucket-public-buckets-unrestricted",
    resource: "aws_s3_bucket_public_access_block.dr_bucket_public_access_block",
    property: "restrict_public_buckets",
    change: Change::Set("false"),
};

pub const PRIMARY_BUCKET_TIERS_AFTER_90_DAYS: Mutation = Mutation {
    name: "primary-bucket-tiers-after-90-days",
    resource: "aws_s3_bucket_lifecycle_configuration.primary_bucket_lifecycle",
    property: "rule.transition.days",
    change: Change::Set("90"),
};

pub const REPLICATION_TIME_CONTROL_OFF: Mutation = Mutation {
    name: "replication-time-control-off",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.destination.replication_time.status",
    change: Change::Set(r#""Disabled""#),
};

/// For every bucket in `buckets`, the findings of `judge_one` on each `kind` resource attached to
/// it (through its `bucket` argument); a failing finding on a bucket with none.
fn per_bucket<'s>(
    s: &'s Synth,
    buckets: Vec<Resource<'s>>,
    kind: &'s str,
    expected: &str,
    judge_one: impl Fn(&Resource<'s>, &Resource<'s>) -> Vec<Finding>,
) -> Vec<Finding> {
    if buckets.is_empty() {
        return vec![nothing_of("aws_s3_bucket", kind)];
    }
    let mut findings = Vec::new();
    for bucket in buckets {
        let attached = companions(s, kind, "bucket", &bucket);
        if attached.is_empty() {
            findings.push(missing(&bucket, kind, expected));
        }
        findings.extend(attached.iter().flat_map(|a| judge_one(&bucket, a)));
    }
    findings
}

fn all_buckets(s: &Synth) -> Vec<Resource<'_>> {
    s.resources_of("aws_s3_bucket").collect()
}

pub const BUCKETS_VERSIONED: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "buckets_versioned",
        service: "s3",
        title: "Every bucket has versioning enabled",
        citations: &["45 CFR 164.312(c)(1)", "45 CFR 164.308(a)(7)(ii)(A)"],
        severity: Severity::High,
        risk: "An overwritten or deleted patient file cannot be recovered, and replication needs versioning on both ends.",
        remediation: "stacks/dr/v1: an S3BucketVersioningA per bucket with versioningConfiguration { status: 'Enabled' }.",
    },
    mutant: &DR_BUCKET_VERSIONING_SUSPENDED,
    run: buckets_versioned,
};

fn buckets_versioned(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_bucket(s, all_buckets(s), "aws_s3_bucket_versioning", "versioning Enabled", |_, v| {
        let path = "versioning_configuration.status";
        vec![judge(v, path, is_text(v.prop(path), "Enabled"), "Enabled")]
    })
}

pub const BUCKETS_ENCRYPTED_WITH_REGION_KEY: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "buckets_encrypted_with_region_key",
        service: "s3",
        title: "Every bucket encrypts by default with SSE-KMS under the layout's key of its own region",
        citations: &["45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::Critical,
        risk: "Objects encrypted with S3-managed keys, or not under the layout's key policy, can be read by anyone with S3 access.",
        remediation: "stacks/dr/v1: an S3BucketServerSideEncryptionConfigurationA per bucket, rule.applyServerSideEncryptionByDefault { sseAlgorithm: 'aws:kms', kmsMasterKeyId: the bucket region's key ARN }.",
    },
    mutant: &PRIMARY_BUCKET_SSE_S3,
    run: buckets_encrypted_with_region_key,
};

fn buckets_encrypted_with_region_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let kind = "aws_s3_bucket_server_side_encryption_configuration";
    per_bucket(s, all_buckets(s), kind, "SSE-KMS by default", |bucket, e| {
        let rules = blocks(e.prop("rule"));
        let home = region(s, bucket);
        if rules.is_empty() {
            return vec![missing(e, "rule", "a default encryption rule")];
        }
        let n = rules.len();
        rules
            .iter()
            .enumerate()
            .flat_map(|(i, rule)| {
                let at =
                    |leaf: &str| block_path("rule", i, n, &format!("apply_server_side_encryption_by_default.{leaf}"));
                let algorithm = lookup(rule, "apply_server_side_encryption_by_default.sse_algorithm");
                let key = lookup(rule, "apply_server_side_encryption_by_default.kms_master_key_id");
                let kms = matches!(algorithm.and_then(Value::as_str), Some("aws:kms" | "aws:kms:dsse"));
                vec![
                    judge_value(e, at("sse_algorithm"), algorithm, kms, "aws:kms"),
                    judge_value(
                        e,
                        at("kms_master_key_id"),
                        key,
                        is_key_in(s, key, home),
                        format!("a KMS key of this layout in {home}"),
                    ),
                ]
            })
            .collect()
    })
}

pub const BUCKETS_PUBLIC_ACCESS_BLOCKED: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "buckets_public_access_blocked",
        service: "s3",
        title: "Every bucket blocks public ACLs and policies (all four flags)",
        citations: &["45 CFR 164.308(a)(4)(i)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "One public ACL or policy exposes patient files to the internet.",
        remediation: "stacks/dr/v1: an S3BucketPublicAccessBlock per bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true.",
    },
    mutant: &DR_BUCKET_PUBLIC_BUCKETS_UNRESTRICTED,
    run: buckets_public_access_blocked,
};

const PUBLIC_ACCESS_FLAGS: [&str; 4] =
    ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

fn buckets_public_access_blocked(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_bucket(s, all_buckets(s), "aws_s3_bucket_public_access_block", "a public access block", |_, b| {
        PUBLIC_ACCESS_FLAGS.iter().map(|flag| judge(b, flag, is_true(b.prop(flag)), true)).collect()
    })
}

pub const BUCKETS_TIER_AND_EXPIRE_VERSIONS: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "buckets_tier_and_expire_versions",
        service: "s3",
        title: "Data buckets move objects to Intelligent-Tiering after 30 days and expire old versions after 90",
        citations: &["45 CFR 164.310(d)(2)(iv)"],
        severity: Severity::Low,
        risk: "Without a lifecycle, old versions of patient files pile up indefinitely: cost, and PHI kept beyond its purpose.",
        remediation: "stacks/dr/v1: an S3BucketLifecycleConfiguration per data bucket, an Enabled rule with transition { days: 30, storageClass: 'INTELLIGENT_TIERING' } and noncurrentVersionExpiration { noncurrentDays: 90 }.",
    },
    mutant: &PRIMARY_BUCKET_TIERS_AFTER_90_DAYS,
    run: buckets_tier_and_expire_versions,
};

fn buckets_tier_and_expire_versions(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let kind = "aws_s3_bucket_lifecycle_configuration";
    per_bucket(s, data_buckets(s), kind, "a lifecycle configuration", |_, l| {
        let rules = blocks(l.prop("rule"));
        let enabled: Vec<(usize, &Value)> =
            rules.iter().copied().enumerate().filter(|(_, r)| is_text(r.get("status"), "Enabled")).collect();
        let n = rules.len();
        let mut findings = Vec::new();
        // The enabled rule that tiers to Intelligent-Tiering, and its transition.
        let tiering = enabled.iter().find_map(|(i, r)| {
            let transitions = blocks(r.get("transition"));
            let t = transitions.len();
            transitions
                .iter()
                .enumerate()
                .find(|(_, tr)| is_text(tr.get("storage_class"), "INTELLIGENT_TIERING"))
                .map(|(j, tr)| (block_path("rule", *i, n, &block_path("transition", j, t, "days")), *tr))
        });
        match tiering {
            Some((path, tr)) => findings.push(judge_value(
                l,
                path,
                tr.get("days"),
                number(tr.get("days")) == Some(TIERING_DAYS),
                TIERING_DAYS,
            )),
            None => findings.push(judge(
                l,
                "rule.transition.storage_class",
                false,
                "an Enabled rule moving objects to INTELLIGENT_TIERING",
            )),
        }
        let expiry = enabled.iter().find_map(|(i, r)| {
            let e = r.get("noncurrent_version_expiration")?;
            let days = lookup(e, "noncurrent_days")?;
            Some((block_path("rule", *i, n, "noncurrent_version_expiration.noncurrent_days"), days))
        });
        match expiry {
            Some((path, days)) => findings.push(judge_value(
                l,
                path,
                Some(days),
                number(Some(days)) == Some(NONCURRENT_DAYS),
                NONCURRENT_DAYS,
            )),
            None => findings.push(judge(
                l,
                "rule.noncurrent_version_expiration.noncurrent_days",
                false,
                "an Enabled rule expiring noncurrent versions after 90 days",
            )),
        }
        findings
    })
}

pub const BUCKET_REPLICATED_TO_DR: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "bucket_replicated_to_dr_in_15_minutes",
        service: "s3",
        title: "The primary data bucket replicates to the DR bucket with 15-minute Replication Time Control, metrics, delete markers and KMS-encrypted objects under the DR key",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.310(d)(2)(iv)"],
        severity: Severity::Critical,
        risk: "Without timely replication a London outage loses the patient files written since the last copy; without the DR key the replicas are unreadable or unencrypted.",
        remediation: "stacks/dr/v1: S3BucketReplicationConfigurationA primary_bucket_replication, one Enabled rule: deleteMarkerReplication Enabled, sourceSelectionCriteria.sseKmsEncryptedObjects Enabled, destination { bucket: dr_bucket.arn, encryptionConfiguration.replicaKmsKeyId: dr_key.arn, replicationTime { status Enabled, time.minutes 15 }, metrics { status Enabled, eventThreshold.minutes 15 } }.",
    },
    mutant: &REPLICATION_TIME_CONTROL_OFF,
    run: bucket_replicated_to_dr,
};

fn bucket_replicated_to_dr(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let primary: Vec<_> = data_buckets(s).into_iter().filter(|b| s.region_of(b) == Some(PRIMARY_REGION)).collect();
    let kind = "aws_s3_bucket_replication_configuration";
    per_bucket(s, primary, kind, format!("replication to a bucket in {DR_REGION}").as_str(), |_, c| {
        let rules = blocks(c.prop("rule"));
        let mut findings =
            vec![judge(c, "role", refers_to(s, c.prop("role"), "aws_iam_role"), "a role of this layout")];
        if rules.is_empty() {
            findings.push(missing(c, "rule", "a replication rule"));
        }
        let n = rules.len();
        for (i, rule) in rules.iter().enumerate() {
            let at = |leaf: &str| block_path("rule", i, n, leaf);
            let enabled = |leaf: &str| {
                let v = lookup(rule, leaf);
                judge_value(c, at(leaf), v, is_text(v, "Enabled"), "Enabled")
            };
            let minutes = |leaf: &str| {
                let v = lookup(rule, leaf);
                judge_value(c, at(leaf), v, number(v) == Some(REPLICATION_MINUTES), REPLICATION_MINUTES)
            };
            let target = lookup(rule, "destination.bucket");
            let in_dr =
                s.referenced(target).is_some_and(|b| b.kind == "aws_s3_bucket" && s.region_of(&b) == Some(DR_REGION));
            let replica_key = lookup(rule, "destination.encryption_configuration.replica_kms_key_id");
            findings.extend([
                enabled("status"),
                enabled("delete_marker_replication.status"),
                enabled("source_selection_criteria.sse_kms_encrypted_objects.status"),
                judge_value(
                    c,
                    at("destination.bucket"),
                    target,
                    in_dr,
                    format!("a bucket of this layout in {DR_REGION}"),
                ),
                judge_value(
                    c,
                    at("destination.encryption_configuration.replica_kms_key_id"),
                    replica_key,
                    is_key_in(s, replica_key, DR_REGION),
                    format!("a KMS key of this layout in {DR_REGION}"),
                ),
                enabled("destination.replication_time.status"),
                minutes("destination.replication_time.time.minutes"),
                enabled("destination.metrics.status"),
                minutes("destination.metrics.event_threshold.minutes"),
            ]);
        }
        findings
    })
}

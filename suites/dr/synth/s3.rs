//! S3: every bucket versioned, encrypted with its region's key, closed to the public and
//! refusing requests without TLS; the data buckets tier and expire noncurrent versions, and the
//! primary's replicates everything to the DR bucket under the DR key, within 15 minutes, with
//! metrics.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::policy::{Covered, denies_insecure_transport, public_statements, text, wildcard};
use stackproof_harness::kit::source::{judge, judge_value, missing, nothing_of};
use stackproof_harness::source::json::{blocks, is_true, lookup, number};
use stackproof_harness::source::terraform::{Resource, Synth};

use super::{
    Change, DR_REGION, Mutation, PRIMARY_REGION, SynthFacts, block_path, companions, data_buckets, edit_policy,
    is_key_in, is_text, policy_document, region, resolve_references,
};
use crate::dr::s3 as live;

/// This service's checks, in report order.
pub const CHECKS: &[Check<SynthFacts>] = &[
    BUCKETS_VERSIONED,
    BUCKETS_ENCRYPTED_WITH_REGION_KEY,
    BUCKETS_BLOCK_PUBLIC_ACCESS,
    BUCKETS_TIER_AND_EXPIRE_NONCURRENT,
    BUCKETS_DENY_INSECURE_TRANSPORT,
    REPLICATION_TO_DR_BUCKET,
    REPLICATION_TIME_CONTROL_15_MINUTES,
    REPLICATION_METRICS_ENABLED,
    REPLICAS_ENCRYPTED_WITH_DR_KEY,
];

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
    property: "rule.transition",
    change: Change::Set(r#"[{"days": 90, "storage_class": "INTELLIGENT_TIERING"}]"#),
};

pub const PRIMARY_BUCKET_POLICY_ALLOWS_HTTP: Mutation = Mutation {
    name: "primary-bucket-policy-allows-http",
    resource: "aws_s3_bucket_policy.primary_bucket_policy",
    property: "policy",
    change: Change::Custom(primary_bucket_policy_allows_http),
};

pub const REPLICATION_RULE_DISABLED: Mutation = Mutation {
    name: "replication-rule-disabled",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.status",
    change: Change::Set(r#""Disabled""#),
};

pub const REPLICATION_TIME_CONTROL_OFF: Mutation = Mutation {
    name: "replication-time-control-off",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.destination.replication_time.status",
    change: Change::Set(r#""Disabled""#),
};

pub const REPLICATION_METRICS_OFF: Mutation = Mutation {
    name: "replication-metrics-off",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.destination.metrics.status",
    change: Change::Set(r#""Disabled""#),
};

pub const REPLICA_KEY_FROM_PRIMARY_REGION: Mutation = Mutation {
    name: "replica-key-from-primary-region",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.destination.encryption_configuration.replica_kms_key_id",
    change: Change::Set(r#""${aws_kms_key.primary_key.arn}""#),
};

pub const TRAIL_BUCKET_VERSIONING_SUSPENDED: Mutation = Mutation {
    name: "trail-bucket-versioning-suspended",
    resource: "aws_s3_bucket_versioning.trail_bucket_versioning",
    property: "versioning_configuration.status",
    change: Change::Set(r#""Suspended""#),
};

pub const DR_BUCKET_KEY_FROM_PRIMARY_REGION: Mutation = Mutation {
    name: "dr-bucket-key-from-primary-region",
    resource: "aws_s3_bucket_server_side_encryption_configuration.dr_bucket_encryption",
    property: "rule.apply_server_side_encryption_by_default.kms_master_key_id",
    change: Change::Set(r#""${aws_kms_key.primary_key.arn}""#),
};

pub const PRIMARY_BUCKET_PUBLIC_ACLS_ALLOWED: Mutation = Mutation {
    name: "primary-bucket-public-acls-allowed",
    resource: "aws_s3_bucket_public_access_block.primary_bucket_public_access_block",
    property: "block_public_acls",
    change: Change::Set("false"),
};

pub const TRAIL_BUCKET_PUBLIC_ACLS_HONOURED: Mutation = Mutation {
    name: "trail-bucket-public-acls-honoured",
    resource: "aws_s3_bucket_public_access_block.trail_bucket_public_access_block",
    property: "ignore_public_acls",
    change: Change::Set("false"),
};

pub const TRAIL_BUCKET_PUBLIC_POLICY_ALLOWED: Mutation = Mutation {
    name: "trail-bucket-public-policy-allowed",
    resource: "aws_s3_bucket_public_access_block.trail_bucket_public_access_block",
    property: "block_public_policy",
    change: Change::Set("false"),
};

pub const DR_BUCKET_POLICY_PUBLIC_READ: Mutation = Mutation {
    name: "dr-bucket-policy-public-read",
    resource: "aws_s3_bucket_policy.dr_bucket_policy",
    property: "policy",
    change: Change::Custom(dr_bucket_policy_public_read),
};

pub const PRIMARY_BUCKET_PREFIX_TO_GLACIER: Mutation = Mutation {
    name: "primary-bucket-prefix-to-glacier",
    resource: "aws_s3_bucket_lifecycle_configuration.primary_bucket_lifecycle",
    property: "rule.transition",
    change: Change::Custom(primary_bucket_prefix_to_glacier),
};

pub const DR_BUCKET_NO_NONCURRENT_EXPIRY: Mutation = Mutation {
    name: "dr-bucket-no-noncurrent-expiry",
    resource: "aws_s3_bucket_lifecycle_configuration.dr_bucket_lifecycle",
    property: "rule.noncurrent_version_expiration",
    change: Change::Custom(dr_bucket_no_noncurrent_expiry),
};

pub const DR_BUCKET_PREFIX_NONCURRENT_1_DAY: Mutation = Mutation {
    name: "dr-bucket-prefix-noncurrent-1-day",
    resource: "aws_s3_bucket_lifecycle_configuration.dr_bucket_lifecycle",
    property: "rule.noncurrent_version_expiration",
    change: Change::Custom(dr_bucket_prefix_noncurrent_1_day),
};

pub const PRIMARY_BUCKET_EXPIRES_CURRENT_VERSIONS: Mutation = Mutation {
    name: "primary-bucket-expires-current-versions",
    resource: "aws_s3_bucket_lifecycle_configuration.primary_bucket_lifecycle",
    property: "rule.expiration",
    change: Change::Custom(primary_bucket_expires_current_versions),
};

pub const DR_BUCKET_DENY_EXEMPTS_ROLES: Mutation = Mutation {
    name: "dr-bucket-deny-exempts-roles",
    resource: "aws_s3_bucket_policy.dr_bucket_policy",
    property: "policy",
    change: Change::Custom(dr_bucket_deny_exempts_roles),
};

pub const TRAIL_BUCKET_DENY_SCOPED_TO_A_PREFIX: Mutation = Mutation {
    name: "trail-bucket-deny-scoped-to-a-prefix",
    resource: "aws_s3_bucket_policy.trail_bucket_policy",
    property: "policy",
    change: Change::Custom(trail_bucket_deny_scoped_to_a_prefix),
};

pub const REPLICATION_AS_BACKUP_ROLE: Mutation = Mutation {
    name: "replication-as-backup-role",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "role",
    change: Change::Set(r#""${aws_iam_role.backup_role.arn}""#),
};

pub const REPLICATION_PREFIX_ONLY: Mutation = Mutation {
    name: "replication-prefix-only",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.filter",
    change: Change::Set(r#"{"prefix": "phi/"}"#),
};

pub const REPLICATION_DELETE_MARKERS_OFF: Mutation = Mutation {
    name: "replication-delete-markers-off",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.delete_marker_replication.status",
    change: Change::Set(r#""Disabled""#),
};

pub const REPLICATION_SSE_KMS_OBJECTS_OFF: Mutation = Mutation {
    name: "replication-sse-kms-objects-off",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.source_selection_criteria.sse_kms_encrypted_objects.status",
    change: Change::Set(r#""Disabled""#),
};

pub const REPLICATION_TO_TRAIL_BUCKET: Mutation = Mutation {
    name: "replication-to-trail-bucket",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.destination.bucket",
    change: Change::Set(r#""${aws_s3_bucket.trail_bucket.arn}""#),
};

pub const REPLICATION_TIME_30_MINUTES: Mutation = Mutation {
    name: "replication-time-30-minutes",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.destination.replication_time.time.minutes",
    change: Change::Set("30"),
};

pub const REPLICATION_METRICS_THRESHOLD_30_MINUTES: Mutation = Mutation {
    name: "replication-metrics-threshold-30-minutes",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.destination.metrics.event_threshold.minutes",
    change: Change::Set("30"),
};

pub const REPLICA_KEY_REMOVED: Mutation = Mutation {
    name: "replica-key-removed",
    resource: "aws_s3_bucket_replication_configuration.primary_bucket_replication",
    property: "rule.destination.encryption_configuration.replica_kms_key_id",
    change: Change::Remove,
};

/// Adds a statement allowing everyone to read every object of the DR bucket.
fn dr_bucket_policy_public_read(s: &mut Synth) {
    edit_policy(s, "aws_s3_bucket_policy", "dr_bucket_policy", "policy", |doc| {
        let Some(statements) = doc["Statement"].as_array_mut() else { panic!("no Statement list") };
        statements.push(json!({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                               "Resource": "${aws_s3_bucket.dr_bucket.arn}/*"}));
    });
}

/// Adds a lifecycle rule to one bucket's configuration.
fn add_lifecycle_rule(s: &mut Synth, id: &str, rule: Value) {
    let Some(body) = s.resource_mut("aws_s3_bucket_lifecycle_configuration", id) else { panic!("no {id}") };
    let Some(rules) = body["rule"].as_array_mut() else { panic!("{id}.rule is not a list") };
    rules.push(rule);
}

fn primary_bucket_prefix_to_glacier(s: &mut Synth) {
    let rule = json!({"id": "archive-early", "status": "Enabled", "filter": [{"prefix": "archive/"}],
                      "transition": [{"days": 1, "storage_class": "GLACIER"}]});
    add_lifecycle_rule(s, "primary_bucket_lifecycle", rule);
}

fn dr_bucket_no_noncurrent_expiry(s: &mut Synth) {
    let Some(body) = s.resource_mut("aws_s3_bucket_lifecycle_configuration", "dr_bucket_lifecycle") else {
        panic!("no dr_bucket_lifecycle")
    };
    let Some(rules) = body["rule"].as_array_mut() else { panic!("dr_bucket_lifecycle.rule is not a list") };
    for rule in rules.iter_mut().filter_map(Value::as_object_mut) {
        rule.remove("noncurrent_version_expiration");
    }
}

fn dr_bucket_prefix_noncurrent_1_day(s: &mut Synth) {
    let rule = json!({"id": "drafts-cleanup", "status": "Enabled", "filter": [{"prefix": "drafts/"}],
                      "noncurrent_version_expiration": [{"noncurrent_days": 1}]});
    add_lifecycle_rule(s, "dr_bucket_lifecycle", rule);
}

fn primary_bucket_expires_current_versions(s: &mut Synth) {
    let rule = json!({"id": "expire-current", "status": "Enabled", "filter": [{"prefix": ""}],
                      "expiration": [{"days": 7}]});
    add_lifecycle_rule(s, "primary_bucket_lifecycle", rule);
}

/// Exempts every role of the account from the DR bucket's TLS Deny with one more condition key.
fn dr_bucket_deny_exempts_roles(s: &mut Synth) {
    edit_policy(s, "aws_s3_bucket_policy", "dr_bucket_policy", "policy", |doc| {
        let Some(statements) = doc["Statement"].as_array_mut() else { panic!("no Statement list") };
        for st in statements.iter_mut().filter(|st| st["Effect"] == "Deny") {
            st["Condition"]["StringNotLike"] = json!({"aws:PrincipalArn": "arn:aws:iam::*:role/*"});
        }
    });
}

/// Narrows the trail bucket's TLS Deny to the bucket and the keys under AWSLogs/.
fn trail_bucket_deny_scoped_to_a_prefix(s: &mut Synth) {
    edit_policy(s, "aws_s3_bucket_policy", "trail_bucket_policy", "policy", |doc| {
        let Some(statements) = doc["Statement"].as_array_mut() else { panic!("no Statement list") };
        for st in statements.iter_mut().filter(|st| st["Effect"] == "Deny") {
            st["Resource"] =
                json!(["${aws_s3_bucket.trail_bucket.arn}", "${aws_s3_bucket.trail_bucket.arn}/AWSLogs/*"]);
        }
    });
}

/// Turns the primary bucket's TLS-only statement into one that denies only requests made with TLS.
fn primary_bucket_policy_allows_http(s: &mut Synth) {
    edit_policy(s, "aws_s3_bucket_policy", "primary_bucket_policy", "policy", |doc| {
        let Some(statements) = doc["Statement"].as_array_mut() else { panic!("no Statement list") };
        for st in statements {
            if st.pointer("/Condition/Bool/aws:SecureTransport").is_some() {
                st["Condition"]["Bool"]["aws:SecureTransport"] = json!("true");
            }
        }
    });
}

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
        return vec![nothing_of::<Synth>("aws_s3_bucket", kind)];
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
        remediation: "stacks/dr/v1: an S3BucketVersioningA per bucket (primary_bucket_versioning, dr_bucket_versioning, trail_bucket_versioning) with versioningConfiguration { status: 'Enabled' }.",
        ..live::BUCKETS_VERSIONED.info
    },
    claims: &[Claim {
        property: "versioning_configuration.status",
        about: "Each bucket's versioning resource says Enabled: primary data, DR data and trail",
        mutants: &[&DR_BUCKET_VERSIONING_SUSPENDED, &TRAIL_BUCKET_VERSIONING_SUSPENDED],
        not_emulated: None,
    }],
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
        remediation: "stacks/dr/v1: an S3BucketServerSideEncryptionConfigurationA per bucket, rule.applyServerSideEncryptionByDefault { sseAlgorithm: 'aws:kms', kmsMasterKeyId: the bucket region's key ARN }.",
        ..live::BUCKETS_ENCRYPTED_WITH_REGION_KEY.info
    },
    claims: &[
        Claim {
            property: "rule.apply_server_side_encryption_by_default.sse_algorithm",
            about: "Each bucket's default encryption rule is SSE-KMS",
            mutants: &[&PRIMARY_BUCKET_SSE_S3],
            not_emulated: None,
        },
        Claim {
            property: "rule.apply_server_side_encryption_by_default.kms_master_key_id",
            about: "Each bucket's default key is a KMS key of this layout in the bucket's own region",
            mutants: &[&DR_BUCKET_KEY_FROM_PRIMARY_REGION],
            not_emulated: None,
        },
    ],
    run: buckets_encrypted_with_region_key,
};

fn buckets_encrypted_with_region_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let kind = "aws_s3_bucket_server_side_encryption_configuration";
    // Access log buckets (v2) cannot be under SSE-KMS: S3 delivers access logs only to SSE-S3
    // buckets. data_buckets_access_logged judges their encryption.
    let buckets: Vec<_> = all_buckets(s).into_iter().filter(|b| !super::is_access_log_bucket(s, b)).collect();
    per_bucket(s, buckets, kind, "SSE-KMS by default", |bucket, e| {
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

pub const BUCKETS_BLOCK_PUBLIC_ACCESS: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: an S3BucketPublicAccessBlock per bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true.",
        ..live::BUCKETS_BLOCK_PUBLIC_ACCESS.info
    },
    claims: &[
        Claim {
            property: "block_public_acls",
            about: "Each bucket's public access block refuses public ACLs",
            mutants: &[&PRIMARY_BUCKET_PUBLIC_ACLS_ALLOWED],
            not_emulated: None,
        },
        Claim {
            property: "ignore_public_acls",
            about: "Each bucket's public access block ignores public ACLs",
            mutants: &[&TRAIL_BUCKET_PUBLIC_ACLS_HONOURED],
            not_emulated: None,
        },
        Claim {
            property: "block_public_policy",
            about: "Each bucket's public access block refuses public policies",
            mutants: &[&TRAIL_BUCKET_PUBLIC_POLICY_ALLOWED],
            not_emulated: None,
        },
        Claim {
            property: "restrict_public_buckets",
            about: "Each bucket's public access block restricts public buckets",
            mutants: &[&DR_BUCKET_PUBLIC_BUCKETS_UNRESTRICTED],
            not_emulated: None,
        },
        Claim {
            property: "policy",
            about: "No statement of any bucket policy allows everyone without a condition pinning the caller (kit::policy, every statement)",
            mutants: &[&DR_BUCKET_POLICY_PUBLIC_READ],
            not_emulated: None,
        },
    ],
    run: buckets_block_public_access,
};

const PUBLIC_ACCESS_FLAGS: [&str; 4] =
    ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

fn buckets_block_public_access(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let mut findings =
        per_bucket(s, all_buckets(s), "aws_s3_bucket_public_access_block", "a public access block", |_, b| {
            PUBLIC_ACCESS_FLAGS.iter().map(|flag| judge(b, flag, is_true(b.prop(flag)), true)).collect()
        });
    // Every statement of every bucket policy: a bucket without a policy has none to be public.
    for bucket in all_buckets(s) {
        for p in companions(s, "aws_s3_bucket_policy", "bucket", &bucket) {
            let expected = "no statement allowing everyone without a condition pinning the caller";
            let Some(policy) = policy_document(p.prop("policy")) else {
                findings.push(judge(&p, "policy", false, "a JSON policy document"));
                continue;
            };
            let public: Vec<String> = public_statements(&policy).iter().map(|st| st.describe_grant()).collect();
            let actual = if public.is_empty() { "none public".to_owned() } else { public.join("; ") };
            findings.push(Finding::judge(p.address(), "policy", public.is_empty(), expected, actual, &policy));
        }
    }
    findings
}

pub const BUCKETS_TIER_AND_EXPIRE_NONCURRENT: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: an S3BucketLifecycleConfiguration per data bucket (primary_bucket_lifecycle, dr_bucket_lifecycle), an Enabled rule with transition { days: 30, storageClass: 'INTELLIGENT_TIERING' } and noncurrentVersionExpiration { noncurrentDays: 90 }.",
        ..live::BUCKETS_TIER_AND_EXPIRE_NONCURRENT.info
    },
    claims: &[
        Claim {
            property: "rule.transition",
            about: "An enabled rule over every object moves objects to INTELLIGENT_TIERING after 30 days, and no enabled rule (any filter) moves them to another class or sooner",
            mutants: &[&PRIMARY_BUCKET_TIERS_AFTER_90_DAYS, &PRIMARY_BUCKET_PREFIX_TO_GLACIER],
            not_emulated: None,
        },
        Claim {
            property: "rule.noncurrent_version_expiration",
            about: "An enabled rule over every object expires noncurrent versions after 90 days, and no enabled rule expires any sooner",
            mutants: &[&DR_BUCKET_NO_NONCURRENT_EXPIRY, &DR_BUCKET_PREFIX_NONCURRENT_1_DAY],
            not_emulated: None,
        },
        Claim {
            property: "rule.expiration",
            about: "No enabled rule expires current versions",
            mutants: &[&PRIMARY_BUCKET_EXPIRES_CURRENT_VERSIONS],
            not_emulated: None,
        },
    ],
    run: buckets_tier_and_expire_noncurrent,
};

/// A rule's scope and one of its blocks, for messages: `rule 1 (prefix "tmp/"): {...}`.
fn rule_line(i: usize, rule: &Value, what: &Value) -> String {
    let scope =
        if selects_every_object(rule) { "every object".to_owned() } else { format!("{}", json!(rule.get("filter"))) };
    format!("rule {i} ({scope}): {what}")
}

/// The three lifecycle judgements over every enabled rule, as the live check makes them: S3
/// applies every rule, the earliest action wins where several match.
fn buckets_tier_and_expire_noncurrent(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let kind = "aws_s3_bucket_lifecycle_configuration";
    per_bucket(s, data_buckets(s), kind, "a lifecycle configuration", |_, l| {
        let rules = blocks(l.prop("rule"));
        let enabled: Vec<(usize, &Value)> =
            rules.iter().copied().enumerate().filter(|(_, r)| is_text(r.get("status"), "Enabled")).collect();
        let whole: Vec<&Value> = enabled.iter().map(|(_, r)| *r).filter(|r| selects_every_object(r)).collect();
        let lines = |block: &str| -> String {
            let found: Vec<String> =
                enabled.iter().filter_map(|(i, r)| r.get(block).map(|b| rule_line(*i, r, b))).collect();
            if found.is_empty() { format!("no enabled rule with {block}") } else { found.join("; ") }
        };
        let days = |b: &Value, key: &str| number(b.get(key));
        let is_tiering = |t: &Value| is_text(t.get("storage_class"), "INTELLIGENT_TIERING");
        // Transitions: the whole bucket tiers at 30 days, nothing moves elsewhere or sooner.
        let tiered = whole
            .iter()
            .flat_map(|r| blocks(r.get("transition")))
            .filter(|t| is_tiering(t))
            .filter_map(|t| days(t, "days"))
            .reduce(f64::min)
            == Some(TIERING_DAYS);
        let stray = enabled
            .iter()
            .flat_map(|(_, r)| blocks(r.get("transition")))
            .any(|t| !is_tiering(t) || days(t, "days").is_none_or(|d| d < TIERING_DAYS));
        // Noncurrent versions: the whole bucket expires them at 90 days, none sooner.
        let at_90 = whole.iter().flat_map(|r| blocks(r.get("noncurrent_version_expiration"))).any(|e| {
            days(e, "noncurrent_days") == Some(NONCURRENT_DAYS)
                && e.get("newer_noncurrent_versions").is_none_or(Value::is_null)
        });
        let sooner = enabled
            .iter()
            .flat_map(|(_, r)| blocks(r.get("noncurrent_version_expiration")))
            .any(|e| days(e, "noncurrent_days").is_none_or(|d| d < NONCURRENT_DAYS));
        // Current versions: none expire (removing expired delete markers alone is no expiry).
        let expires = enabled
            .iter()
            .flat_map(|(_, r)| blocks(r.get("expiration")))
            .any(|e| e.get("days").is_some_and(|d| !d.is_null()) || e.get("date").is_some_and(|d| !d.is_null()));
        let rules_value = l.prop("rule");
        vec![
            Finding::judge(
                l.address(),
                "rule.transition",
                tiered && !stray,
                "INTELLIGENT_TIERING after 30 days for every object, no other class, none sooner",
                lines("transition"),
                &rules_value,
            ),
            Finding::judge(
                l.address(),
                "rule.noncurrent_version_expiration",
                at_90 && !sooner,
                "after 90 days for every object, none sooner",
                lines("noncurrent_version_expiration"),
                &rules_value,
            ),
            Finding::judge(
                l.address(),
                "rule.expiration",
                !expires,
                "no enabled rule expiring current versions",
                lines("expiration"),
                &rules_value,
            ),
        ]
    })
}

pub const BUCKETS_DENY_INSECURE_TRANSPORT: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: S3BucketPolicy primary_bucket_policy, dr_bucket_policy and trail_bucket_policy policy needs the denyInsecureTransport statement: Effect Deny, Principal *, Action s3:*, Resource [bucket.arn, `${bucket.arn}/*`], Condition { Bool: { aws:SecureTransport: false } }.",
        ..live::BUCKETS_DENY_INSECURE_TRANSPORT.info
    },
    claims: &[Claim {
        property: "policy",
        about: "Each bucket's policy, read over every statement, denies every S3 action to everyone without TLS on the bucket and every object key, no other condition key exempting anyone and no Resource scoped to a prefix",
        mutants: &[
            &PRIMARY_BUCKET_POLICY_ALLOWS_HTTP,
            &DR_BUCKET_DENY_EXEMPTS_ROLES,
            &TRAIL_BUCKET_DENY_SCOPED_TO_A_PREFIX,
        ],
        not_emulated: None,
    }],
    run: buckets_deny_insecure_transport,
};

/// The ARN a policy can name the bucket by: `arn:aws:s3:::<name>`, with the bucket's literal name
/// or, when the layout computes it, the reference that stands for it.
fn bucket_arn(bucket: &Resource) -> String {
    match bucket.prop("bucket").and_then(Value::as_str) {
        Some(name) if !name.contains("${") => format!("arn:aws:s3:::{name}"),
        _ => format!("arn:aws:s3:::${{{}.bucket}}", bucket.address()),
    }
}

/// A policy's Resource value as the ARN pattern it stands for: references to a bucket of the
/// layout (`${aws_s3_bucket.b.arn}`, `.id`, `.bucket`) replaced by its ARN or name.
fn resource_pattern(s: &Synth, v: &Value) -> String {
    resolve_references(&text(v), |kind, id, attribute| {
        let bucket = s.resource(kind, id).filter(|b| b.kind == "aws_s3_bucket")?;
        let arn = bucket_arn(&bucket);
        match attribute {
            "arn" => Some(arn),
            "id" | "bucket" => arn.strip_prefix("arn:aws:s3:::").map(str::to_owned),
            _ => None,
        }
    })
}

fn buckets_deny_insecure_transport(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let expected = "a Deny of s3:* to everyone on the bucket and all its objects when aws:SecureTransport is false";
    per_bucket(
        s,
        all_buckets(s),
        "aws_s3_bucket_policy",
        "a bucket policy denying requests without TLS",
        |bucket, p| {
            let Some(policy) = policy_document(p.prop("policy")) else {
                return vec![judge(p, "policy", false, "a JSON policy document")];
            };
            let arn = bucket_arn(bucket);
            // An object key can be anything: the statement must match a key no narrower pattern expects.
            let objects = format!("{arn}/any/key");
            let targets = [
                Covered::by(bucket.address(), |v| wildcard(&resource_pattern(s, v), &arn)),
                Covered::by(format!("the objects of {}", bucket.address()), |v| {
                    wildcard(&resource_pattern(s, v), &objects)
                }),
            ];
            let (ok, actual) = match denies_insecure_transport(&policy, "s3", &targets) {
                Ok(labels) => (true, format!("denied by {}", labels.join(", "))),
                Err(shortfall) => (false, shortfall),
            };
            vec![Finding::judge(p.address(), "policy", ok, expected, actual, &policy)]
        },
    )
}

/// For every replication configuration of a primary data bucket, the findings of `judge_config`
/// on it and of `judge_rule` on each of its rules (with the path of a leaf inside that rule); a
/// failing finding on a primary bucket without one, or a configuration without rules.
fn per_replication_rule(
    s: &Synth,
    judge_config: impl Fn(&Resource) -> Vec<Finding>,
    judge_rule: impl Fn(&Resource, &Value, &dyn Fn(&str) -> String) -> Vec<Finding>,
) -> Vec<Finding> {
    let primary: Vec<_> = data_buckets(s).into_iter().filter(|b| s.region_of(b) == Some(PRIMARY_REGION)).collect();
    let kind = "aws_s3_bucket_replication_configuration";
    per_bucket(s, primary, kind, &format!("replication to a bucket in {DR_REGION}"), |_, c| {
        let rules = blocks(c.prop("rule"));
        let mut findings = judge_config(c);
        if rules.is_empty() {
            findings.push(missing(c, "rule", "a replication rule"));
        }
        let n = rules.len();
        for (i, rule) in rules.iter().enumerate() {
            findings.extend(judge_rule(c, rule, &|leaf: &str| block_path("rule", i, n, leaf)));
        }
        findings
    })
}

/// The finding that `leaf` of a replication rule reads `Enabled`.
fn enabled(c: &Resource, rule: &Value, at: &dyn Fn(&str) -> String, leaf: &str) -> Finding {
    let v = lookup(rule, leaf);
    judge_value(c, at(leaf), v, is_text(v, "Enabled"), "Enabled")
}

/// The finding that `leaf` of a replication rule is 15 (minutes).
fn fifteen_minutes(c: &Resource, rule: &Value, at: &dyn Fn(&str) -> String, leaf: &str) -> Finding {
    let v = lookup(rule, leaf);
    judge_value(c, at(leaf), v, number(v) == Some(REPLICATION_MINUTES), REPLICATION_MINUTES)
}

/// True if a rule's filter selects every object: no filter, or one with an empty prefix and no tags.
fn selects_every_object(rule: &Value) -> bool {
    let empty = |v: Option<&Value>| v.is_none_or(|v| v.is_null() || v.as_str() == Some(""));
    let no_tags = |v: Option<&Value>| blocks(v).is_empty();
    empty(rule.get("prefix"))
        && blocks(rule.get("filter")).iter().all(|f| {
            empty(f.get("prefix"))
                && no_tags(f.get("tag"))
                && blocks(f.get("and")).iter().all(|a| empty(a.get("prefix")) && no_tags(a.get("tags")))
        })
}

pub const REPLICATION_TO_DR_BUCKET: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: S3BucketReplicationConfigurationA primary_bucket_replication { role: replication_role.arn, rule: [{ status: 'Enabled', filter: { prefix: '' }, deleteMarkerReplication.status 'Enabled', sourceSelectionCriteria.sseKmsEncryptedObjects.status 'Enabled', destination.bucket: dr_bucket.arn }] }.",
        ..live::REPLICATION_TO_DR_BUCKET.info
    },
    claims: &[
        Claim {
            property: "rule.status",
            about: "Every replication rule is Enabled",
            mutants: &[&REPLICATION_RULE_DISABLED],
            not_emulated: None,
        },
        Claim {
            property: "role",
            about: "S3 replicates as a role of this layout that trusts s3.amazonaws.com (the replication role)",
            mutants: &[&REPLICATION_AS_BACKUP_ROLE],
            not_emulated: None,
        },
        Claim {
            property: "rule.filter",
            about: "An enabled rule to a bucket in the DR region selects every object",
            mutants: &[&REPLICATION_PREFIX_ONLY],
            not_emulated: None,
        },
        Claim {
            property: "rule.delete_marker_replication.status",
            about: "Every rule replicates delete markers",
            mutants: &[&REPLICATION_DELETE_MARKERS_OFF],
            not_emulated: None,
        },
        Claim {
            property: "rule.source_selection_criteria.sse_kms_encrypted_objects.status",
            about: "Every rule replicates SSE-KMS encrypted objects",
            mutants: &[&REPLICATION_SSE_KMS_OBJECTS_OFF],
            not_emulated: None,
        },
        Claim {
            property: "rule.destination.bucket",
            about: "Every rule's destination is a bucket of this layout in the DR region",
            mutants: &[&REPLICATION_TO_TRAIL_BUCKET],
            not_emulated: None,
        },
    ],
    run: replication_to_dr_bucket,
};

/// True if the value refers to a role of the layout that S3 may assume.
fn is_s3_role(s: &Synth, v: Option<&Value>) -> bool {
    s.referenced(v).filter(|r| r.kind == "aws_iam_role").is_some_and(|role| {
        policy_document(role.prop("assume_role_policy")).is_some_and(|trust| {
            trust.allows().any(|st| st.service_principals().iter().any(|p| p == "s3.amazonaws.com"))
        })
    })
}

/// True if the value refers to a bucket of the layout in the DR region.
fn is_dr_bucket(s: &Synth, v: Option<&Value>) -> bool {
    s.referenced(v).is_some_and(|b| b.kind == "aws_s3_bucket" && s.region_of(&b) == Some(DR_REGION))
}

fn replication_to_dr_bucket(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_replication_rule(
        s,
        |c| {
            let rules = blocks(c.prop("rule"));
            // Every object reaches the DR region through one enabled rule without a filter.
            let whole = rules.iter().any(|r| {
                is_text(r.get("status"), "Enabled")
                    && is_dr_bucket(s, lookup(r, "destination.bucket"))
                    && selects_every_object(r)
            });
            vec![
                judge(
                    c,
                    "role",
                    is_s3_role(s, c.prop("role")),
                    "a role of this layout that s3.amazonaws.com may assume",
                ),
                judge(
                    c,
                    "rule.filter",
                    whole,
                    format!("an enabled rule to a bucket in {DR_REGION} selecting every object (prefix \"\")"),
                ),
            ]
        },
        |c, rule, at| {
            let target = lookup(rule, "destination.bucket");
            vec![
                enabled(c, rule, at, "status"),
                enabled(c, rule, at, "delete_marker_replication.status"),
                enabled(c, rule, at, "source_selection_criteria.sse_kms_encrypted_objects.status"),
                judge_value(
                    c,
                    at("destination.bucket"),
                    target,
                    is_dr_bucket(s, target),
                    format!("a bucket of this layout in {DR_REGION}"),
                ),
            ]
        },
    )
}

pub const REPLICATION_TIME_CONTROL_15_MINUTES: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: S3BucketReplicationConfigurationA primary_bucket_replication rule.destination.replicationTime { status: 'Enabled', time.minutes: 15 }.",
        ..live::REPLICATION_TIME_CONTROL_15_MINUTES.info
    },
    claims: &[
        Claim {
            property: "rule.destination.replication_time.status",
            about: "Every replication rule has Replication Time Control Enabled",
            mutants: &[&REPLICATION_TIME_CONTROL_OFF],
            not_emulated: None,
        },
        Claim {
            property: "rule.destination.replication_time.time.minutes",
            about: "Every replication rule's RTC time is 15 minutes",
            mutants: &[&REPLICATION_TIME_30_MINUTES],
            not_emulated: None,
        },
    ],
    run: replication_time_control_15_minutes,
};

fn replication_time_control_15_minutes(f: &SynthFacts) -> Vec<Finding> {
    per_replication_rule(
        &f.synth,
        |_| Vec::new(),
        |c, rule, at| {
            vec![
                enabled(c, rule, at, "destination.replication_time.status"),
                fifteen_minutes(c, rule, at, "destination.replication_time.time.minutes"),
            ]
        },
    )
}

pub const REPLICATION_METRICS_ENABLED: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: S3BucketReplicationConfigurationA primary_bucket_replication rule.destination.metrics { status: 'Enabled', eventThreshold.minutes: 15 }.",
        ..live::REPLICATION_METRICS_ENABLED.info
    },
    claims: &[
        Claim {
            property: "rule.destination.metrics.status",
            about: "Every replication rule publishes metrics",
            mutants: &[&REPLICATION_METRICS_OFF],
            not_emulated: None,
        },
        Claim {
            property: "rule.destination.metrics.event_threshold.minutes",
            about: "Every replication rule's metrics event threshold is 15 minutes",
            mutants: &[&REPLICATION_METRICS_THRESHOLD_30_MINUTES],
            not_emulated: None,
        },
    ],
    run: replication_metrics_enabled,
};

fn replication_metrics_enabled(f: &SynthFacts) -> Vec<Finding> {
    per_replication_rule(
        &f.synth,
        |_| Vec::new(),
        |c, rule, at| {
            vec![
                enabled(c, rule, at, "destination.metrics.status"),
                fifteen_minutes(c, rule, at, "destination.metrics.event_threshold.minutes"),
            ]
        },
    )
}

pub const REPLICAS_ENCRYPTED_WITH_DR_KEY: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: S3BucketReplicationConfigurationA primary_bucket_replication rule.destination.encryptionConfiguration.replicaKmsKeyId: dr_key.arn.",
        ..live::REPLICAS_ENCRYPTED_WITH_DR_KEY.info
    },
    claims: &[Claim {
        property: "rule.destination.encryption_configuration.replica_kms_key_id",
        about: "Every replication rule encrypts replicas with a KMS key of this layout in the DR region (not the primary's, not absent)",
        mutants: &[&REPLICA_KEY_FROM_PRIMARY_REGION, &REPLICA_KEY_REMOVED],
        not_emulated: None,
    }],
    run: replicas_encrypted_with_dr_key,
};

fn replicas_encrypted_with_dr_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_replication_rule(
        s,
        |_| Vec::new(),
        |c, rule, at| {
            let leaf = "destination.encryption_configuration.replica_kms_key_id";
            let key = lookup(rule, leaf);
            vec![judge_value(
                c,
                at(leaf),
                key,
                is_key_in(s, key, DR_REGION),
                format!("a KMS key of this layout in {DR_REGION}"),
            )]
        },
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn references_to_a_bucket_read_as_its_arn_and_others_as_themselves() {
        let body =
            json!({"resource": {"aws_s3_bucket": {"b": {"bucket": "data-dev"}, "c": {"bucket": "${var.name}"}}}});
        let s = Synth::parse(&body.to_string(), std::path::Path::new("t.json")).expect("parses");
        assert_eq!(resource_pattern(&s, &json!("${aws_s3_bucket.b.arn}/*")), "arn:aws:s3:::data-dev/*");
        assert_eq!(resource_pattern(&s, &json!("arn:aws:s3:::${aws_s3_bucket.b.id}")), "arn:aws:s3:::data-dev");
        assert_eq!(
            resource_pattern(&s, &json!("${aws_s3_bucket.c.arn}")),
            "arn:aws:s3:::${aws_s3_bucket.c.bucket}",
            "a computed name stands for itself"
        );
        assert_eq!(resource_pattern(&s, &json!("${aws_s3_bucket.nope.arn}")), "${aws_s3_bucket.nope.arn}");
        assert_eq!(resource_pattern(&s, &json!("${aws_kms_key.k.arn}")), "${aws_kms_key.k.arn}");
    }

    #[test]
    fn every_object_means_no_prefix_and_no_tags() {
        assert!(selects_every_object(&json!({})));
        assert!(selects_every_object(&json!({"filter": {"prefix": ""}})));
        assert!(selects_every_object(&json!({"filter": [{"prefix": ""}]})));
        assert!(!selects_every_object(&json!({"filter": {"prefix": "phi/"}})));
        assert!(!selects_every_object(&json!({"filter": {"tag": {"key": "k", "value": "v"}}})));
        assert!(!selects_every_object(&json!({"filter": {"and": {"prefix": "", "tags": {"k": "v"}}}})));
        assert!(!selects_every_object(&json!({"prefix": "legacy/"})));
    }
}

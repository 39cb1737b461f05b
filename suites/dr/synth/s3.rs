//! S3: every bucket versioned, encrypted with its region's key, closed to the public and
//! refusing requests without TLS; the data buckets tier and expire noncurrent versions, and the
//! primary's replicates everything to the DR bucket under the DR key, within 15 minutes, with
//! metrics.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::policy::{Covered, denies_insecure_transport, text, wildcard};
use stackproof_harness::kit::source::{judge, judge_value, missing, nothing_of};
use stackproof_harness::source::json::{blocks, is_true, lookup, number};
use stackproof_harness::source::terraform::{Resource, Synth};

use super::{
    Change, DR_REGION, Mutation, PRIMARY_REGION, SynthFacts, block_path, companions, data_buckets, edit_policy,
    is_key_in, is_text, policy_document, refers_to, region, resolve_references,
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
    property: "rule.transition.days",
    change: Change::Set("90"),
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
        about: "Every bucket of the layout keeps object versions (versioning Enabled)",
        mutants: &[&DR_BUCKET_VERSIONING_SUSPENDED],
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
    claims: &[Claim {
        property: "rule.apply_server_side_encryption_by_default.sse_algorithm",
        about: "Every bucket encrypts by default with SSE-KMS under its own region's customer key",
        mutants: &[&PRIMARY_BUCKET_SSE_S3],
        not_emulated: None,
    }],
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

pub const BUCKETS_BLOCK_PUBLIC_ACCESS: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: an S3BucketPublicAccessBlock per bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true.",
        ..live::BUCKETS_BLOCK_PUBLIC_ACCESS.info
    },
    claims: &[Claim {
        property: "restrict_public_buckets",
        about: "Every bucket blocks public ACLs and public policies (all four public access block settings)",
        mutants: &[&DR_BUCKET_PUBLIC_BUCKETS_UNRESTRICTED],
        not_emulated: None,
    }],
    run: buckets_block_public_access,
};

const PUBLIC_ACCESS_FLAGS: [&str; 4] =
    ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

fn buckets_block_public_access(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_bucket(s, all_buckets(s), "aws_s3_bucket_public_access_block", "a public access block", |_, b| {
        PUBLIC_ACCESS_FLAGS.iter().map(|flag| judge(b, flag, is_true(b.prop(flag)), true)).collect()
    })
}

pub const BUCKETS_TIER_AND_EXPIRE_NONCURRENT: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: an S3BucketLifecycleConfiguration per data bucket (primary_bucket_lifecycle, dr_bucket_lifecycle), an Enabled rule with transition { days: 30, storageClass: 'INTELLIGENT_TIERING' } and noncurrentVersionExpiration { noncurrentDays: 90 }.",
        ..live::BUCKETS_TIER_AND_EXPIRE_NONCURRENT.info
    },
    claims: &[Claim {
        property: "rule.transition.days",
        about: "The data buckets move objects to Intelligent-Tiering after 30 days and expire noncurrent versions after 90",
        mutants: &[&PRIMARY_BUCKET_TIERS_AFTER_90_DAYS],
        not_emulated: None,
    }],
    run: buckets_tier_and_expire_noncurrent,
};

fn buckets_tier_and_expire_noncurrent(f: &SynthFacts) -> Vec<Finding> {
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

pub const BUCKETS_DENY_INSECURE_TRANSPORT: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: S3BucketPolicy primary_bucket_policy, dr_bucket_policy and trail_bucket_policy policy needs the denyInsecureTransport statement: Effect Deny, Principal *, Action s3:*, Resource [bucket.arn, `${bucket.arn}/*`], Condition { Bool: { aws:SecureTransport: false } }.",
        ..live::BUCKETS_DENY_INSECURE_TRANSPORT.info
    },
    claims: &[Claim {
        property: "policy",
        about: "Every bucket policy denies all S3 actions on the bucket and its objects without TLS",
        mutants: &[&PRIMARY_BUCKET_POLICY_ALLOWS_HTTP],
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
    claims: &[Claim {
        property: "rule.status",
        about: "The primary bucket replicates every object, delete marker and SSE-KMS object to the DR bucket with the stack's role",
        mutants: &[&REPLICATION_RULE_DISABLED],
        not_emulated: None,
    }],
    run: replication_to_dr_bucket,
};

fn replication_to_dr_bucket(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_replication_rule(
        s,
        |c| vec![judge(c, "role", refers_to(s, c.prop("role"), "aws_iam_role"), "a role of this layout")],
        |c, rule, at| {
            let target = lookup(rule, "destination.bucket");
            let in_dr =
                s.referenced(target).is_some_and(|b| b.kind == "aws_s3_bucket" && s.region_of(&b) == Some(DR_REGION));
            vec![
                enabled(c, rule, at, "status"),
                judge_value(
                    c,
                    at("filter"),
                    rule.get("filter"),
                    selects_every_object(rule),
                    "every object (prefix \"\")",
                ),
                enabled(c, rule, at, "delete_marker_replication.status"),
                enabled(c, rule, at, "source_selection_criteria.sse_kms_encrypted_objects.status"),
                judge_value(
                    c,
                    at("destination.bucket"),
                    target,
                    in_dr,
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
    claims: &[Claim {
        property: "rule.destination.replication_time.status",
        about: "Replication to the DR bucket uses S3 Replication Time Control (15 minutes)",
        mutants: &[&REPLICATION_TIME_CONTROL_OFF],
        not_emulated: None,
    }],
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
    claims: &[Claim {
        property: "rule.destination.metrics.status",
        about: "Replication to the DR bucket publishes replication metrics (15 minute event threshold)",
        mutants: &[&REPLICATION_METRICS_OFF],
        not_emulated: None,
    }],
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
        about: "Replicas in the DR bucket are encrypted with the DR region's customer key",
        mutants: &[&REPLICA_KEY_FROM_PRIMARY_REGION],
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

//! The layout's buckets (the primary data bucket, its DR replica and the trail bucket): versioned,
//! encrypted with their region's key, private, lifecycled, TLS-only; and the primary bucket's
//! replication to the DR bucket within 15 minutes, under the DR key, judged on every rule.
//!
//! Emulator gaps (moto 5.2.5): GetBucketReplication always reports DeleteMarkerReplication
//! `Disabled`, drops SourceSelectionCriteria and reports every rule's Filter as `Prefix ""`, so
//! `replication_to_dr_bucket` skips those three on the emulator and judges them on AWS.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::facts::s3::{Bucket, Lifecycle, LifecycleRule, Replication, ReplicationRule, RuleFilter, Tag};
use stackproof_harness::facts::{Fact, Named};
use stackproof_harness::kit::fact::{judge_fact, judge_named};
use stackproof_harness::kit::policy::{self, Covered, Policy, matches_every_suffix, matches_some_suffix};

use super::DrFacts;
use super::mutants;
use crate::shared::discovery::Failure;

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[
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

/// What the layout's rules say, shared by the checks and their messages.
const LIFECYCLE_TIER_DAYS: i32 = 30;
const LIFECYCLE_TIER_CLASS: &str = "INTELLIGENT_TIERING";
const NONCURRENT_EXPIRY_DAYS: i32 = 90;
const REPLICATION_MINUTES: i32 = 15;

/// Every bucket of the layout with the key of its region: the data buckets, the trail bucket, the
/// access log buckets (v2), and every other bucket the layout's tags mark.
fn all_buckets(f: &DrFacts) -> Vec<(&Named<Bucket>, &Named<String>)> {
    let mut buckets = kms_buckets(f);
    let keys = &f.core.key_arns;
    let [primary_logs, dr_logs] = &f.storage.access_log_buckets;
    buckets.extend(primary_logs.iter().map(|b| (b, &keys.primary)));
    buckets.extend(dr_logs.iter().map(|b| (b, &keys.dr)));
    buckets
}

/// The buckets that encrypt under the layout's keys: all but the access log buckets, to which S3
/// delivers logs only under SSE-S3 (data_buckets_access_logged judges their encryption).
fn kms_buckets(f: &DrFacts) -> Vec<(&Named<Bucket>, &Named<String>)> {
    let (s, keys) = (&f.storage, &f.core.key_arns);
    let mut buckets =
        vec![(&s.primary_bucket, &keys.primary), (&s.dr_bucket, &keys.dr), (&s.trail_bucket, &keys.primary)];
    buckets.extend(s.unlisted_buckets.iter().map(|b| (&b.named, keys.of(b.side))));
    buckets
}

/// A finding per region whose discovery failed: its unlisted buckets went unjudged.
fn undiscovered(f: &DrFacts, property: &str) -> Vec<Finding> {
    f.discovered.iter().flat_map(|d| d.failure(property)).collect()
}

/// The two data buckets (the trail bucket's objects are CloudTrail's to keep).
fn data_buckets(f: &DrFacts) -> [&Named<Bucket>; 2] {
    [&f.storage.primary_bucket, &f.storage.dr_bucket]
}

fn bucket_arn(name: &str) -> String {
    format!("arn:aws:s3:::{name}")
}

pub const BUCKETS_VERSIONED: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "buckets_versioned",
        service: "s3",
        title: "Every bucket of the layout keeps object versions (versioning Enabled)",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.312(c)(1)"],
        severity: Severity::High,
        risk: "An overwritten or deleted record cannot be recovered, and replication (which needs versioning on both sides) stops.",
        remediation: "main.ts: primary_bucket_versioning, dr_bucket_versioning and trail_bucket_versioning (S3BucketVersioningA) need versioningConfiguration.status = Enabled.",
    },
    claims: &[Claim {
        property: "Status",
        about: "Versioning is Enabled (not Suspended, not never enabled) on every bucket: primary data, DR data, trail, the access log buckets (v2), and any other the layout's tags mark in either region",
        mutants: &[&mutants::DR_BUCKET_VERSIONING_SUSPENDED, &mutants::TRAIL_BUCKET_VERSIONING_SUSPENDED],
        not_emulated: None,
    }],
    run: buckets_versioned,
};

fn buckets_versioned(f: &DrFacts) -> Vec<Finding> {
    all_buckets(f)
        .into_iter()
        .flat_map(|(b, _)| {
            judge_named(b, "Status", |bucket| {
                let name = b.resource.as_str();
                judge_fact(name, &bucket.versioning, "Status", |v| {
                    let status = v.status.as_deref();
                    vec![Finding::judge(
                        name,
                        "Status",
                        status == Some("Enabled"),
                        "Enabled",
                        status.unwrap_or("never enabled"),
                        v,
                    )]
                })
            })
        })
        .chain(undiscovered(f, "Status"))
        .collect()
}

pub const BUCKETS_ENCRYPTED_WITH_REGION_KEY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "buckets_encrypted_with_region_key",
        service: "s3",
        title: "Every bucket encrypts by default with SSE-KMS under its own region's customer key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::Critical,
        risk: "Objects encrypted with S3-managed keys escape the stack's key policy and audit; a replica under the primary region's key is unreadable when that region is lost.",
        remediation: "main.ts: primary_bucket_encryption and trail_bucket_encryption (S3BucketServerSideEncryptionConfigurationA) need rule.applyServerSideEncryptionByDefault = {sseAlgorithm: aws:kms, kmsMasterKeyId: primaryKey.arn}; dr_bucket_encryption the same with drKey.arn.",
    },
    claims: &[
        Claim {
            property: "SSEAlgorithm",
            about: "Each bucket's default encryption is SSE-KMS (aws:kms), not SSE-S3 and not absent: the data and trail buckets, and any other the layout's tags mark in either region (the access log buckets aside, which S3 delivers to only under SSE-S3)",
            mutants: &[&mutants::PRIMARY_BUCKET_SSE_S3, &mutants::UNLISTED_BUCKET_SSE_S3],
            not_emulated: None,
        },
        Claim {
            property: "KMSMasterKeyID",
            about: "Each bucket's default key is its own region's customer key: the primary key for the primary data and trail buckets, the DR key for the DR bucket (not the AWS managed aws/s3, not the other region's)",
            mutants: &[&mutants::DR_BUCKET_PRIMARY_KEY],
            not_emulated: None,
        },
    ],
    run: buckets_encrypted_with_region_key,
};

fn buckets_encrypted_with_region_key(f: &DrFacts) -> Vec<Finding> {
    let mut findings = undiscovered(f, "SSEAlgorithm");
    for (b, key) in kms_buckets(f) {
        findings.extend(judge_named(b, "SSEAlgorithm", |bucket| {
            let name = b.resource.as_str();
            judge_fact(name, &bucket.encryption, "SSEAlgorithm", |encryption| {
                let Some(default) = encryption.as_ref().and_then(|e| e.default_encryption()) else {
                    return ["SSEAlgorithm", "KMSMasterKeyID"]
                        .into_iter()
                        .map(|p| Finding::judge(name, p, false, "aws:kms", "no default encryption", encryption))
                        .collect();
                };
                let algorithm = default.sse_algorithm.as_str();
                let mut out = vec![Finding::judge(
                    name,
                    "SSEAlgorithm",
                    algorithm == "aws:kms",
                    "aws:kms",
                    algorithm,
                    encryption,
                )];
                // Which key only means something when the algorithm is KMS.
                if algorithm.starts_with("aws:kms") {
                    out.extend(judge_fact(name, &key.fact, "KMSMasterKeyID", |key| {
                        let actual = default.kms_master_key_id.as_deref();
                        vec![Finding::judge(
                            name,
                            "KMSMasterKeyID",
                            actual.is_some_and(|k| same_key(k, key)),
                            key,
                            actual.unwrap_or("none (the AWS managed key aws/s3)"),
                            encryption,
                        )]
                    }));
                }
                out
            })
        }));
    }
    findings
}

pub const BUCKETS_BLOCK_PUBLIC_ACCESS: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "buckets_block_public_access",
        service: "s3",
        title: "Every bucket blocks public ACLs and public policies (all four public access block settings)",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::Critical,
        risk: "One public ACL or policy statement exposes patient records or the audit trail to the internet.",
        remediation: "main.ts: primary_bucket_public_access_block, dr_bucket_public_access_block and trail_bucket_public_access_block (S3BucketPublicAccessBlock) need blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets = true; no bucket policy statement may allow everyone.",
    },
    claims: &[
        Claim {
            property: "BlockPublicAcls",
            about: "Each bucket refuses new public ACLs (BlockPublicAcls true)",
            mutants: &[&mutants::PRIMARY_BUCKET_PUBLIC_ACLS_ALLOWED],
            not_emulated: None,
        },
        Claim {
            property: "IgnorePublicAcls",
            about: "Each bucket ignores any public ACL it has (IgnorePublicAcls true)",
            mutants: &[&mutants::DR_BUCKET_PUBLIC_ACLS_HONOURED],
            not_emulated: None,
        },
        Claim {
            property: "BlockPublicPolicy",
            about: "Each bucket refuses public bucket policies (BlockPublicPolicy true), the access log buckets and any other the layout's tags mark included",
            mutants: &[
                &mutants::TRAIL_BUCKET_PUBLIC_POLICY_ALLOWED,
                &mutants::DR_ACCESS_LOG_BUCKET_PUBLIC_POLICY_ALLOWED,
            ],
            not_emulated: None,
        },
        Claim {
            property: "RestrictPublicBuckets",
            about: "Each bucket restricts access under a public policy to AWS services and its own account (RestrictPublicBuckets true)",
            mutants: &[&mutants::DR_BUCKET_PUBLIC_BUCKETS_UNRESTRICTED],
            not_emulated: None,
        },
        Claim {
            property: "PolicyStatus.IsPublic",
            about: "No statement of any bucket's policy is public: none allows everyone (Principal *, or a NotPrincipal) without a condition pinning the caller or source to fixed values",
            mutants: &[&mutants::DR_BUCKET_POLICY_PUBLIC_READ],
            not_emulated: None,
        },
    ],
    run: buckets_block_public_access,
};

fn buckets_block_public_access(f: &DrFacts) -> Vec<Finding> {
    const SETTINGS: [&str; 4] = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];
    let mut findings = undiscovered(f, "BlockPublicPolicy");
    for (b, _) in all_buckets(f) {
        findings.extend(judge_named(b, "BlockPublicPolicy", |bucket| {
            let name = b.resource.as_str();
            let mut out = judge_fact(name, &bucket.public_access_block, "BlockPublicPolicy", |block| match block {
                Some(p) => {
                    let values =
                        [p.block_public_acls, p.ignore_public_acls, p.block_public_policy, p.restrict_public_buckets];
                    SETTINGS.iter().zip(values).map(|(s, v)| Finding::judge(name, *s, v, true, v, p)).collect()
                }
                None => SETTINGS
                    .iter()
                    .map(|s| Finding::judge(name, *s, false, true, "no public access block", &Value::Null))
                    .collect(),
            });
            out.extend(judge_fact(name, &bucket.policy, "PolicyStatus.IsPublic", |doc| {
                vec![policy_public_finding(name, doc.as_ref())]
            }));
            out
        }));
    }
    findings
}

/// A bucket policy is public when any of its statements is (`kit::policy`): every statement is
/// read, so one added Allow for everyone beside the layout's Deny is seen.
fn policy_public_finding(bucket: &str, doc: Option<&Value>) -> Finding {
    const EXPECTED: &str = "false: no statement allows everyone without a condition pinning the caller";
    let Some(doc) = doc else {
        return Finding::judge(
            bucket,
            "PolicyStatus.IsPublic",
            true,
            EXPECTED,
            "false (no bucket policy)",
            &Value::Null,
        );
    };
    let policy = Policy::parse(doc);
    let public: Vec<String> = policy::public_statements(&policy).iter().map(|s| s.describe_grant()).collect();
    let actual = if public.is_empty() {
        format!("false ({} statements, none public)", policy.statements.len())
    } else {
        format!("true: {}", public.join("; "))
    };
    Finding::judge(bucket, "PolicyStatus.IsPublic", public.is_empty(), EXPECTED, actual, doc)
}

pub const BUCKETS_TIER_AND_EXPIRE_NONCURRENT: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "buckets_tier_and_expire_noncurrent",
        service: "s3",
        title: "The data buckets move objects to Intelligent-Tiering after 30 days and expire noncurrent versions after 90",
        citations: &["45 CFR 164.310(d)(2)(i)", "45 CFR 164.308(a)(7)(ii)(A)"],
        severity: Severity::Medium,
        risk: "Superseded copies of patient records are kept forever (no disposal), or recovery copies are dropped before the recovery window.",
        remediation: "main.ts: primary_bucket_lifecycle and dr_bucket_lifecycle (S3BucketLifecycleConfiguration) need an Enabled rule with filter.prefix = \"\", transition {days: 30, storageClass: INTELLIGENT_TIERING} and noncurrentVersionExpiration {noncurrentDays: 90}, and no other enabled rule that transitions objects elsewhere or sooner, expires noncurrent versions sooner, or expires current versions.",
    },
    claims: &[
        Claim {
            property: "Transitions",
            about: "On each data bucket an enabled rule over every object moves them to INTELLIGENT_TIERING after 30 days, and no enabled rule (on any prefix, tag or size) moves objects to another class or sooner: S3 applies the earliest transition that matches",
            mutants: &[&mutants::PRIMARY_BUCKET_PREFIX_TO_GLACIER],
            not_emulated: None,
        },
        Claim {
            property: "NoncurrentVersionExpiration",
            about: "On each data bucket an enabled rule over every object expires noncurrent versions after 90 days (keeping no newer versions beyond it), and no enabled rule expires any noncurrent version sooner: S3 applies the strictest",
            mutants: &[&mutants::DR_BUCKET_NO_NONCURRENT_EXPIRY, &mutants::PRIMARY_BUCKET_PREFIX_NONCURRENT_1_DAY],
            not_emulated: None,
        },
        Claim {
            property: "Expiration",
            about: "No enabled rule of either data bucket expires current versions (by days or date): the layout keeps current records and disposes only of superseded ones",
            mutants: &[&mutants::DR_BUCKET_EXPIRES_CURRENT_VERSIONS],
            not_emulated: None,
        },
    ],
    run: buckets_tier_and_expire_noncurrent,
};

fn buckets_tier_and_expire_noncurrent(f: &DrFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    for b in data_buckets(f) {
        findings.extend(judge_named(b, "Transitions", |bucket| {
            let name = b.resource.as_str();
            judge_fact(name, &bucket.lifecycle, "Transitions", |lifecycle| match lifecycle {
                Some(lifecycle) => lifecycle_findings(name, lifecycle),
                None => {
                    let none = "no lifecycle configuration";
                    vec![
                        Finding::judge(name, "Transitions", false, tier_expected(), none, &Value::Null),
                        Finding::judge(
                            name,
                            "NoncurrentVersionExpiration",
                            false,
                            expiry_expected(),
                            none,
                            &Value::Null,
                        ),
                        Finding::judge(name, "Expiration", true, EXPIRATION_EXPECTED, none, &Value::Null),
                    ]
                }
            })
        }));
    }
    findings
}

const EXPIRATION_EXPECTED: &str = "no enabled rule expiring current versions";

/// The three judgements of one bucket's lifecycle, over every enabled rule: S3 applies all of
/// them, and where several match an object the earliest action wins.
pub(crate) fn lifecycle_findings(name: &str, lifecycle: &Lifecycle) -> Vec<Finding> {
    let enabled: Vec<&LifecycleRule> = lifecycle.rules.iter().filter(|r| r.status == "Enabled").collect();
    let whole: Vec<&LifecycleRule> = enabled.iter().copied().filter(|r| r.covers_whole_bucket()).collect();

    // Transitions: the whole bucket tiers at 30 days exactly, and nothing moves anywhere else or sooner.
    let tiering = whole
        .iter()
        .flat_map(|r| &r.transitions)
        .filter(|t| t.storage_class.as_deref() == Some(LIFECYCLE_TIER_CLASS))
        .filter_map(|t| t.days)
        .min();
    let stray = enabled.iter().any(|r| {
        r.transitions.iter().any(|t| {
            t.storage_class.as_deref() != Some(LIFECYCLE_TIER_CLASS) || t.days.is_none_or(|d| d < LIFECYCLE_TIER_DAYS)
        })
    });
    let transitions = described(&enabled, "transition", |r| {
        r.transitions
            .iter()
            .map(|t| match (t.days, &t.date) {
                (Some(d), _) => format!("{} after {d} days", t.storage_class.as_deref().unwrap_or("?")),
                (None, date) => {
                    format!("{} on {}", t.storage_class.as_deref().unwrap_or("?"), or_unknown(date.as_deref()))
                }
            })
            .collect()
    });

    // Noncurrent versions: the whole bucket expires them at 90 days, none sooner anywhere.
    let expires_at_90 = whole
        .iter()
        .filter_map(|r| r.noncurrent_version_expiration.as_ref())
        .any(|e| e.noncurrent_days == Some(NONCURRENT_EXPIRY_DAYS) && e.newer_noncurrent_versions.is_none());
    let sooner = enabled
        .iter()
        .filter_map(|r| r.noncurrent_version_expiration.as_ref())
        .any(|e| e.noncurrent_days.is_none_or(|d| d < NONCURRENT_EXPIRY_DAYS));
    let noncurrent = described(&enabled, "noncurrent version expiration", |r| {
        r.noncurrent_version_expiration
            .iter()
            .map(|e| match (e.noncurrent_days, e.newer_noncurrent_versions) {
                (days, None) => format!("after {} days", or_unknown(days)),
                (days, Some(n)) => format!("after {} days, keeping the {n} newest", or_unknown(days)),
            })
            .collect()
    });

    // Current versions: none expire.
    let expiring = |r: &LifecycleRule| r.expiration.as_ref().is_some_and(|e| e.days.is_some() || e.date.is_some());
    let expiration = described(&enabled, "expiration of current versions", |r| {
        r.expiration
            .iter()
            .filter(|_| expiring(r))
            .map(|e| match (e.days, &e.date) {
                (Some(d), _) => format!("current versions expire after {d} days"),
                (None, date) => format!("current versions expire on {}", or_unknown(date.as_deref())),
            })
            .collect()
    });

    vec![
        Finding::judge(
            name,
            "Transitions",
            tiering == Some(LIFECYCLE_TIER_DAYS) && !stray,
            tier_expected(),
            transitions,
            lifecycle,
        ),
        Finding::judge(
            name,
            "NoncurrentVersionExpiration",
            expires_at_90 && !sooner,
            expiry_expected(),
            noncurrent,
            lifecycle,
        ),
        Finding::judge(
            name,
            "Expiration",
            !enabled.iter().any(|r| expiring(r)),
            EXPIRATION_EXPECTED,
            expiration,
            lifecycle,
        ),
    ]
}

/// What the enabled rules do about one thing, rule by rule with their scope: `rule a (every
/// object): X; rule b (prefix "tmp/"): Y`, or that none does it.
fn described(enabled: &[&LifecycleRule], what: &str, items: impl Fn(&LifecycleRule) -> Vec<String>) -> String {
    if enabled.is_empty() {
        return "no enabled rule".to_owned();
    }
    let lines: Vec<String> = enabled
        .iter()
        .filter_map(|r| {
            let items = items(r);
            (!items.is_empty()).then(|| {
                let id = r.id.as_deref().unwrap_or("(no ID)");
                format!("rule {id} ({}): {}", scope(r.filter.as_ref(), r.prefix.as_deref()), items.join(", "))
            })
        })
        .collect();
    if lines.is_empty() { format!("no {what} in the enabled rules") } else { lines.join("; ") }
}

/// Which objects a rule applies to, in words: `every object`, or its prefix, tags and sizes.
fn scope(filter: Option<&RuleFilter>, prefix: Option<&str>) -> String {
    let mut parts = Vec::new();
    let mut narrow = |prefix: Option<&str>, tags: &[&Tag], larger: Option<i64>, smaller: Option<i64>| {
        parts.extend(prefix.filter(|p| !p.is_empty()).map(|p| format!("prefix {p:?}")));
        parts.extend(tags.iter().map(|t| format!("tag {}={}", t.key, t.value)));
        parts.extend(larger.map(|n| format!("size > {n}")));
        parts.extend(smaller.map(|n| format!("size < {n}")));
    };
    narrow(prefix, &[], None, None);
    if let Some(f) = filter {
        narrow(
            f.prefix.as_deref(),
            &f.tag.iter().collect::<Vec<_>>(),
            f.object_size_greater_than,
            f.object_size_less_than,
        );
        if let Some(a) = &f.and {
            narrow(
                a.prefix.as_deref(),
                &a.tags.iter().collect::<Vec<_>>(),
                a.object_size_greater_than,
                a.object_size_less_than,
            );
        }
    }
    if parts.is_empty() { "every object".to_owned() } else { parts.join(", ") }
}

fn tier_expected() -> String {
    format!("{LIFECYCLE_TIER_CLASS} after {LIFECYCLE_TIER_DAYS} days for every object, no other class, none sooner")
}

fn expiry_expected() -> String {
    format!("after {NONCURRENT_EXPIRY_DAYS} days for every object, none sooner")
}

fn or_unknown(v: Option<impl ToString>) -> String {
    v.map_or_else(|| "?".to_owned(), |v| v.to_string())
}

pub const BUCKETS_DENY_INSECURE_TRANSPORT: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "buckets_deny_insecure_transport",
        service: "s3",
        title: "Every bucket policy denies all S3 actions on the bucket and its objects without TLS",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Clients may read or write patient records over plain HTTP, in clear text on the wire.",
        remediation: "main.ts: primary_bucket_policy, dr_bucket_policy and trail_bucket_policy (S3BucketPolicy) need the DenyInsecureTransport statement: Effect Deny, Principal *, Action s3:*, Resource [bucket ARN, bucket ARN/*], Condition {Bool: {aws:SecureTransport: false}}.",
    },
    claims: &[Claim {
        property: "Policy",
        about: "Each bucket's policy has Deny statements that, read over every statement, refuse every S3 action to everyone when aws:SecureTransport is false, with no other condition key exempting anyone, on the bucket and on every object key (no Resource scoped to a prefix or another bucket, no NotPrincipal, no NotResource leaving keys out)",
        mutants: &[
            &mutants::PRIMARY_BUCKET_POLICY_ALLOWS_HTTP,
            &mutants::DR_BUCKET_DENY_EXEMPTS_ROLES,
            &mutants::TRAIL_BUCKET_DENY_SCOPED_TO_A_PREFIX,
        ],
        not_emulated: None,
    }],
    run: buckets_deny_insecure_transport,
};

/// What the check asks of every bucket policy, for its findings.
const DENY_INSECURE_EXPECTED: &str = "Deny s3:* to * on the bucket and its objects when aws:SecureTransport is false";

/// The bucket policy judgement: some Deny statement refuses every S3 action without TLS to
/// everyone, with no condition exempting anyone, on the bucket itself and on every object key
/// (not just one prefix: a key can be anything). `bucket` is the bucket's name, `resource` how
/// findings name it; `policy` is the bucket's policy document, if it has one.
pub(crate) fn bucket_policy_finding(resource: &str, bucket: &str, policy: Option<&Value>) -> Finding {
    let Some(doc) = policy else {
        return Finding::judge(resource, "Policy", false, DENY_INSECURE_EXPECTED, "no bucket policy", &Value::Null);
    };
    let arn = bucket_arn(bucket);
    let objects = format!("{arn}/");
    let targets = [
        Covered::arn(arn.as_str()),
        // A Resource pattern must match every key; a NotResource pattern must exclude none. Either
        // reading of one matcher would miss the other, so each gets its own target.
        Covered::by(format!("every object key of {arn}"), |p: &Value| matches_every_suffix(&policy::text(p), &objects)),
        Covered::by(format!("every object key of {arn}, none left out by NotResource"), |p: &Value| {
            matches_some_suffix(&policy::text(p), &objects)
        }),
    ];
    let (ok, actual) = match policy::denies_insecure_transport(&Policy::parse(doc), "s3", &targets) {
        Ok(labels) => (true, format!("{} denies it", labels.join(", "))),
        Err(shortfall) => (false, shortfall),
    };
    Finding::judge(resource, "Policy", ok, DENY_INSECURE_EXPECTED, actual, doc)
}

fn buckets_deny_insecure_transport(f: &DrFacts) -> Vec<Finding> {
    let mut findings = undiscovered(f, "Policy");
    for (b, _) in all_buckets(f) {
        findings.extend(judge_named(b, "Policy", |bucket| {
            judge_fact(&b.resource, &bucket.policy, "Policy", |policy| {
                // The ARN from the bucket's name: an unlisted bucket's resource reads "name (logical id)".
                vec![bucket_policy_finding(&b.resource, &bucket.name, policy.as_ref())]
            })
        }));
    }
    findings
}

/// Runs `judge_config` once on the primary bucket's replication configuration and `judge_rule` on
/// each of its rules (every rule: S3 applies each to the objects it selects, so one rule that
/// breaks a property breaks it for those objects); fails `property` when the bucket does not
/// replicate at all or has no rule.
fn on_replication(
    f: &DrFacts,
    property: &str,
    judge_config: impl FnOnce(&str, &Replication) -> Vec<Finding>,
    judge_rule: impl Fn(&str, &ReplicationRule) -> Vec<Finding>,
) -> Vec<Finding> {
    let primary = &f.storage.primary_bucket;
    judge_named(primary, property, |bucket| {
        let name = primary.resource.as_str();
        judge_fact(name, &bucket.replication, property, |replication| {
            let Some(config) = replication else {
                return vec![Finding::judge(
                    name,
                    property,
                    false,
                    "a replication rule to the DR bucket",
                    "no replication configuration",
                    &Value::Null,
                )];
            };
            if config.rules.is_empty() {
                return vec![Finding::judge(
                    name,
                    property,
                    false,
                    "a replication rule to the DR bucket",
                    "no replication rules",
                    config,
                )];
            }
            let mut findings = judge_config(name, config);
            findings.extend(config.rules.iter().flat_map(|r| judge_rule(name, r)));
            findings
        })
    })
}

/// Runs `judge_rule` on every replication rule (see `on_replication`).
fn on_replication_rules(
    f: &DrFacts,
    property: &str,
    judge_rule: impl Fn(&str, &ReplicationRule) -> Vec<Finding>,
) -> Vec<Finding> {
    on_replication(f, property, |_, _| Vec::new(), judge_rule)
}

/// `value (rule ID)`: which rule a finding is about, since every rule is judged.
fn in_rule(rule: &ReplicationRule, value: impl std::fmt::Display) -> String {
    format!("{value} (rule {})", rule.id.as_deref().unwrap_or("without ID"))
}

/// The rule's identity and one of its fields, as evidence.
fn rule_evidence(rule: &ReplicationRule, field: &str, value: Value) -> Value {
    json!({"ID": rule.id, "Priority": rule.priority, field: value})
}

pub const REPLICATION_TO_DR_BUCKET: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "replication_to_dr_bucket",
        service: "s3",
        title: "The primary bucket replicates every object, delete marker and SSE-KMS object to the DR bucket with the stack's role",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::Critical,
        risk: "Records written in the primary region never reach the DR region: after a regional outage they are lost.",
        remediation: "main.ts: primary_bucket_replication (S3BucketReplicationConfigurationA) needs role = replicationRole.arn and rules each with status Enabled, destination.bucket = drData.bucket.arn, deleteMarkerReplication.status Enabled and sourceSelectionCriteria.sseKmsEncryptedObjects.status Enabled, one of them with filter.prefix \"\".",
    },
    claims: &[
        Claim {
            property: "Rule.Status",
            about: "Every replication rule of the primary bucket is Enabled",
            mutants: &[&mutants::REPLICATION_RULE_DISABLED, &mutants::REPLICATION_EXTRA_RULE_DISABLED],
            not_emulated: None,
        },
        Claim {
            property: "Role",
            about: "S3 replicates as the stack's replication role (the ReplicationRoleArn output), not another role",
            mutants: &[&mutants::REPLICATION_AS_BACKUP_ROLE],
            not_emulated: None,
        },
        Claim {
            property: "Destination.Bucket",
            about: "Every rule's destination is the DR bucket (DrBucketName), not another bucket",
            mutants: &[&mutants::REPLICATION_TO_TRAIL_BUCKET],
            not_emulated: None,
        },
        Claim {
            property: "Filter",
            about: "An enabled rule to the DR bucket selects every object (no prefix, tag or size filter)",
            mutants: &[],
            not_emulated: Some(
                "moto 5.2.5 reports every replication rule's Filter as Prefix \"\", whatever was put: a narrowed filter cannot be seeded",
            ),
        },
        Claim {
            property: "DeleteMarkerReplication",
            about: "Every rule replicates delete markers (DeleteMarkerReplication Enabled)",
            mutants: &[],
            not_emulated: Some("moto 5.2.5 always reports DeleteMarkerReplication Disabled"),
        },
        Claim {
            property: "SourceSelectionCriteria.SseKmsEncryptedObjects",
            about: "Every rule replicates SSE-KMS encrypted objects (SseKmsEncryptedObjects Enabled)",
            mutants: &[],
            not_emulated: Some("moto 5.2.5 drops SourceSelectionCriteria from GetBucketReplication"),
        },
    ],
    run: replication_to_dr_bucket,
};

fn replication_to_dr_bucket(f: &DrFacts) -> Vec<Finding> {
    let target = &f.storage.replication_target;
    let (role, dr) = (&target.role_arn.fact, &target.dr_bucket_name.fact);
    on_replication(
        f,
        "Rule.Status",
        |name, config| replication_config_findings(name, config, role, dr, f.emulated),
        |name, rule| replication_rule_findings(name, rule, dr, f.emulated),
    )
}

/// What the configuration as a whole must do: replicate as the stack's role, and send every
/// object to the DR bucket through an enabled rule without a filter (`dr` is its name).
fn replication_config_findings(
    name: &str,
    config: &Replication,
    role: &Fact<String>,
    dr: &Fact<String>,
    emulated: bool,
) -> Vec<Finding> {
    let mut findings = judge_fact(name, role, "Role", |role| {
        vec![Finding::judge(name, "Role", config.role == *role, role, &config.role, &json!({"Role": config.role}))]
    });
    if emulated {
        findings.push(Finding::skip(name, "Filter", "not emulated: moto reports every rule's Filter as Prefix \"\""));
    } else {
        findings.extend(judge_fact(name, dr, "Filter", |dr| {
            let to_dr = |r: &ReplicationRule| r.destination.as_ref().is_some_and(|d| d.bucket == bucket_arn(dr));
            let whole = config.rules.iter().any(|r| r.status == "Enabled" && to_dr(r) && r.covers_whole_bucket());
            let filters: Vec<String> =
                config.rules.iter().map(|r| in_rule(r, scope(r.filter.as_ref(), r.prefix.as_deref()))).collect();
            vec![Finding::judge(
                name,
                "Filter",
                whole,
                "an enabled rule to the DR bucket selecting every object (Prefix \"\")",
                filters.join("; "),
                &json!({"Rules": config.rules}),
            )]
        }));
    }
    findings
}

/// What every rule must do: be enabled, send to the DR bucket (`dr` is its name), replicate delete
/// markers and SSE-KMS objects.
fn replication_rule_findings(name: &str, rule: &ReplicationRule, dr: &Fact<String>, emulated: bool) -> Vec<Finding> {
    let mut findings = vec![Finding::judge(
        name,
        "Rule.Status",
        rule.status == "Enabled",
        "Enabled on every rule",
        in_rule(rule, &rule.status),
        &rule_evidence(rule, "Status", json!(rule.status)),
    )];
    let destination = rule.destination.as_ref().map_or("none", |d| d.bucket.as_str());
    findings.extend(judge_fact(name, dr, "Destination.Bucket", |dr| {
        let arn = bucket_arn(dr);
        vec![Finding::judge(
            name,
            "Destination.Bucket",
            destination == arn,
            &arn,
            in_rule(rule, destination),
            &rule_evidence(rule, "Destination", json!(rule.destination)),
        )]
    }));
    findings.push(if emulated {
        Finding::skip(
            name,
            "DeleteMarkerReplication",
            "not emulated: moto always reports DeleteMarkerReplication Disabled",
        )
    } else {
        let status = rule.delete_marker_replication.as_ref().and_then(|d| d.status.as_deref());
        Finding::judge(
            name,
            "DeleteMarkerReplication",
            status == Some("Enabled"),
            "Enabled on every rule",
            in_rule(rule, status.unwrap_or("absent")),
            &rule_evidence(rule, "DeleteMarkerReplication", json!(rule.delete_marker_replication)),
        )
    });
    findings.push(if emulated {
        Finding::skip(
            name,
            "SourceSelectionCriteria.SseKmsEncryptedObjects",
            "not emulated: moto drops SourceSelectionCriteria",
        )
    } else {
        let status = rule
            .source_selection_criteria
            .as_ref()
            .and_then(|c| c.sse_kms_encrypted_objects.as_ref())
            .and_then(|o| o.status.as_deref());
        Finding::judge(
            name,
            "SourceSelectionCriteria.SseKmsEncryptedObjects",
            status == Some("Enabled"),
            "Enabled on every rule",
            in_rule(rule, status.unwrap_or("absent")),
            &rule_evidence(rule, "SourceSelectionCriteria", json!(rule.source_selection_criteria)),
        )
    });
    findings
}

/// "Status <s>, <minutes> minutes" for a Status + minutes element, or "absent".
fn status_and_minutes(status: Option<&str>, minutes: Option<i32>) -> String {
    match status {
        Some(s) => format!("Status {s}, {} minutes", or_unknown(minutes)),
        None => "absent".to_owned(),
    }
}

pub const REPLICATION_TIME_CONTROL_15_MINUTES: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "replication_time_control_15_minutes",
        service: "s3",
        title: "Replication to the DR bucket uses S3 Replication Time Control (15 minutes)",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(A)"],
        severity: Severity::High,
        risk: "Without RTC replication has no time bound: the DR copy can lag the primary past the 15 minute recovery point objective.",
        remediation: "main.ts: primary_bucket_replication (S3BucketReplicationConfigurationA) every rule's destination.replicationTime = {status: Enabled, time: {minutes: 15}}.",
    },
    claims: &[Claim {
        property: "ReplicationTime",
        about: "Every replication rule has Replication Time Control Enabled with its 15 minute time",
        mutants: &[&mutants::REPLICATION_NO_RTC, &mutants::REPLICATION_EXTRA_RULE_NO_RTC],
        not_emulated: None,
    }],
    run: replication_time_control_15_minutes,
};

fn replication_time_control_15_minutes(f: &DrFacts) -> Vec<Finding> {
    on_replication_rules(f, "ReplicationTime", |name, rule| {
        let rtc = rule.destination.as_ref().and_then(|d| d.replication_time.as_ref());
        let status = rtc.map(|t| t.status.as_str());
        let minutes = rtc.and_then(|t| t.time).and_then(|t| t.minutes);
        vec![Finding::judge(
            name,
            "ReplicationTime",
            status == Some("Enabled") && minutes == Some(REPLICATION_MINUTES),
            status_and_minutes(Some("Enabled"), Some(REPLICATION_MINUTES)),
            in_rule(rule, status_and_minutes(status, minutes)),
            &rule_evidence(rule, "ReplicationTime", json!(rtc)),
        )]
    })
}

pub const REPLICATION_METRICS_ENABLED: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "replication_metrics_enabled",
        service: "s3",
        title: "Replication to the DR bucket publishes replication metrics (15 minute event threshold)",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.312(b)"],
        severity: Severity::Medium,
        risk: "Replication falling behind or failing goes unseen: nobody learns the DR copy is stale until a failover.",
        remediation: "main.ts: primary_bucket_replication (S3BucketReplicationConfigurationA) every rule's destination.metrics = {status: Enabled, eventThreshold: {minutes: 15}}.",
    },
    claims: &[Claim {
        property: "Metrics",
        about: "Every replication rule publishes metrics (Status Enabled) with a 15 minute event threshold",
        mutants: &[&mutants::REPLICATION_NO_METRICS, &mutants::REPLICATION_EXTRA_RULE_NO_METRICS],
        not_emulated: None,
    }],
    run: replication_metrics_enabled,
};

fn replication_metrics_enabled(f: &DrFacts) -> Vec<Finding> {
    on_replication_rules(f, "Metrics", |name, rule| {
        let metrics = rule.destination.as_ref().and_then(|d| d.metrics.as_ref());
        let status = metrics.map(|m| m.status.as_str());
        let minutes = metrics.and_then(|m| m.event_threshold).and_then(|t| t.minutes);
        vec![Finding::judge(
            name,
            "Metrics",
            status == Some("Enabled") && minutes == Some(REPLICATION_MINUTES),
            status_and_minutes(Some("Enabled"), Some(REPLICATION_MINUTES)),
            in_rule(rule, status_and_minutes(status, minutes)),
            &rule_evidence(rule, "Metrics", json!(metrics)),
        )]
    })
}

pub const REPLICAS_ENCRYPTED_WITH_DR_KEY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "replicas_encrypted_with_dr_key",
        service: "s3",
        title: "Replicas in the DR bucket are encrypted with the DR region's customer key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::High,
        risk: "Replicas under the primary region's key cannot be decrypted when that region is down: the DR copy is unusable exactly when needed.",
        remediation: "main.ts: primary_bucket_replication (S3BucketReplicationConfigurationA) every rule's destination.encryptionConfiguration.replicaKmsKeyId = drKey.arn.",
    },
    claims: &[Claim {
        property: "ReplicaKmsKeyID",
        about: "Every replication rule encrypts its replicas with the DR region's customer key (not the primary key, not absent)",
        mutants: &[&mutants::REPLICATION_REPLICA_KEY_PRIMARY, &mutants::REPLICATION_EXTRA_RULE_NO_REPLICA_KEY],
        not_emulated: None,
    }],
    run: replicas_encrypted_with_dr_key,
};

fn replicas_encrypted_with_dr_key(f: &DrFacts) -> Vec<Finding> {
    on_replication_rules(f, "ReplicaKmsKeyID", |name, rule| {
        let encryption = rule.destination.as_ref().and_then(|d| d.encryption_configuration.as_ref());
        let actual = encryption.and_then(|e| e.replica_kms_key_id.as_deref());
        judge_fact(name, &f.core.key_arns.dr.fact, "ReplicaKmsKeyID", |key| {
            vec![Finding::judge(
                name,
                "ReplicaKmsKeyID",
                actual.is_some_and(|k| same_key(k, key)),
                key,
                in_rule(rule, actual.unwrap_or("none")),
                &rule_evidence(rule, "EncryptionConfiguration", json!(encryption)),
            )]
        })
    })
}

#[cfg(test)]
mod tests {
    use stackproof_harness::check::Status;
    use stackproof_harness::facts::s3::{Expiration, NoncurrentVersionExpiration, Transition};
    use stackproof_harness::kit::policy::wildcard;

    use super::*;

    const BUCKET: &str = "data-x";

    fn layout_statement(bucket: &str) -> Value {
        let arn = bucket_arn(bucket);
        json!({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [arn, format!("{arn}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        })
    }

    fn judged(statements: Value) -> Finding {
        bucket_policy_finding(BUCKET, BUCKET, Some(&json!({"Version": "2012-10-17", "Statement": statements})))
    }

    /// The statement with one edit must fail, and the finding must say why.
    fn loophole(edit: impl FnOnce(&mut Value), why: &str) {
        let mut s = layout_statement(BUCKET);
        edit(&mut s);
        let f = judged(json!([s]));
        assert_eq!(f.status, Status::Fail, "{s} passed");
        assert!(f.actual.contains(why), "{:?} does not say {why:?}", f.actual);
        assert_eq!((f.resource.as_str(), f.property.as_str()), (BUCKET, "Policy"));
    }

    #[test]
    fn the_layout_statement_denies() {
        let f = judged(json!([layout_statement(BUCKET)]));
        assert_eq!(f.status, Status::Pass, "{}", f.actual);
        assert!(f.actual.contains("DenyInsecureTransport"), "{}", f.actual);
    }

    #[test]
    fn no_policy_or_another_buckets_statement_fails() {
        let none = bucket_policy_finding(BUCKET, BUCKET, None);
        assert_eq!((none.status, none.actual.as_str()), (Status::Fail, "no bucket policy"));
        assert_eq!(judged(json!([layout_statement("data-y")])).status, Status::Fail);
        assert_eq!(judged(json!([])).status, Status::Fail);
    }

    #[test]
    fn each_loophole_fails_and_is_named() {
        loophole(|s| s["Effect"] = json!("Allow"), "no Deny statement");
        loophole(|s| s["Condition"]["Bool"]["aws:SecureTransport"] = json!("true"), "aws:SecureTransport");
        // An extra condition key exempts whoever does not match it.
        loophole(
            |s| s["Condition"]["StringNotEquals"] = json!({"aws:PrincipalArn": "arn:aws:iam::1:role/x"}),
            "Condition also StringNotEquals aws:PrincipalArn",
        );
        loophole(|s| s["Condition"]["Bool"]["aws:ViaAWSService"] = json!("false"), "Condition also Bool");
        // One principal instead of everyone.
        loophole(|s| s["Principal"] = json!({"AWS": "arn:aws:iam::123456789012:role/x"}), "Principal is not everyone");
        // A narrower action.
        loophole(|s| s["Action"] = json!(["s3:GetObject"]), "is not every s3 action");
        loophole(|s| s["Action"] = json!("s3:Get*"), "is not every s3 action");
        // Objects not covered: the bucket alone, or one prefix of its keys.
        loophole(|s| s["Resource"] = json!(bucket_arn(BUCKET)), "Resource does not cover every object key of");
        loophole(
            |s| s["Resource"] = json!([bucket_arn(BUCKET), format!("{}/public/*", bucket_arn(BUCKET))]),
            "Resource does not cover every object key of",
        );
        loophole(|s| s["Resource"] = json!(format!("{}/*", bucket_arn(BUCKET))), "Resource does not cover arn");
        // NotPrincipal exempts the principals it names.
        loophole(
            |s| {
                s.as_object_mut().map(|o| o.remove("Principal"));
                s["NotPrincipal"] = json!({"AWS": "arn:aws:iam::123456789012:root"});
            },
            "NotPrincipal exempts",
        );
        // NotResource exempts what it names: some keys, or the bucket.
        loophole(
            |s| {
                s.as_object_mut().map(|o| o.remove("Resource"));
                s["NotResource"] = json!(format!("{}/secret/*", bucket_arn(BUCKET)));
            },
            "none left out by NotResource",
        );
        loophole(
            |s| {
                s.as_object_mut().map(|o| o.remove("Resource"));
                s["NotResource"] = json!(bucket_arn(BUCKET));
            },
            "Resource does not cover arn",
        );
    }

    #[test]
    fn equivalent_spellings_of_the_statement_deny_too() {
        let spelled = json!({
            "Effect": "Deny",
            "Principal": {"AWS": ["*"]},
            "Action": ["*"],
            "Resource": "arn:aws:s3:::data-*",
            "Condition": {"BoolIfExists": {"aws:securetransport": false}},
        });
        assert_eq!(judged(json!([spelled])).status, Status::Pass);
        // The bucket and its objects may be denied by two statements.
        let mut bucket = layout_statement(BUCKET);
        bucket["Resource"] = json!(bucket_arn(BUCKET));
        let mut objects = layout_statement(BUCKET);
        objects["Resource"] = json!(format!("{}/*", bucket_arn(BUCKET)));
        assert_eq!(judged(json!([bucket, objects])).status, Status::Pass);
        // A NotResource that excludes nothing of this bucket denies all of it.
        let mut not_other = layout_statement(BUCKET);
        not_other.as_object_mut().map(|o| o.remove("Resource"));
        not_other["NotResource"] = json!("arn:aws:s3:::data-xy/*");
        assert_eq!(judged(json!([not_other])).status, Status::Pass);
    }

    fn rule(id: &str, prefix: &str) -> LifecycleRule {
        LifecycleRule {
            id: Some(id.to_owned()),
            status: "Enabled".to_owned(),
            filter: Some(RuleFilter { prefix: Some(prefix.to_owned()), ..RuleFilter::default() }),
            prefix: None,
            transitions: Vec::new(),
            expiration: None,
            noncurrent_version_transitions: Vec::new(),
            noncurrent_version_expiration: None,
        }
    }

    fn tier(days: i32, class: &str) -> Transition {
        Transition { days: Some(days), date: None, storage_class: Some(class.to_owned()) }
    }

    fn expire_noncurrent(days: i32) -> Option<NoncurrentVersionExpiration> {
        Some(NoncurrentVersionExpiration { noncurrent_days: Some(days), newer_noncurrent_versions: None })
    }

    /// The layout's one rule: every object to Intelligent-Tiering at 30 days, noncurrent gone at 90.
    fn layout_rule() -> LifecycleRule {
        LifecycleRule {
            transitions: vec![tier(30, LIFECYCLE_TIER_CLASS)],
            noncurrent_version_expiration: expire_noncurrent(90),
            ..rule("intelligent-tiering-and-noncurrent-expiry", "")
        }
    }

    /// The status of each of the three lifecycle properties, in order.
    fn lifecycle(rules: Vec<LifecycleRule>) -> Vec<(String, Status)> {
        lifecycle_findings(BUCKET, &Lifecycle { rules }).into_iter().map(|f| (f.property, f.status)).collect()
    }

    fn statuses(rules: Vec<LifecycleRule>) -> [Status; 3] {
        let found = lifecycle(rules);
        assert_eq!(
            found.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
            ["Transitions", "NoncurrentVersionExpiration", "Expiration"]
        );
        [found[0].1, found[1].1, found[2].1]
    }

    #[test]
    fn the_layouts_lifecycle_passes_and_harmless_extra_rules_too() {
        use Status::Pass;
        assert_eq!(statuses(vec![layout_rule()]), [Pass; 3]);
        // Later tiering on a prefix, later noncurrent expiry, removing expired delete markers: moot.
        let later = LifecycleRule {
            transitions: vec![tier(60, LIFECYCLE_TIER_CLASS)],
            noncurrent_version_expiration: expire_noncurrent(365),
            expiration: Some(Expiration { days: None, date: None, expired_object_delete_marker: Some(true) }),
            ..rule("later", "old/")
        };
        assert_eq!(statuses(vec![layout_rule(), later]), [Pass; 3]);
        // A disabled rule does nothing.
        let disabled = LifecycleRule { status: "Disabled".into(), ..rule("off", "") };
        let off = LifecycleRule {
            expiration: Some(Expiration { days: Some(1), date: None, expired_object_delete_marker: None }),
            ..disabled
        };
        assert_eq!(statuses(vec![layout_rule(), off]), [Pass; 3]);
    }

    #[test]
    fn the_strictest_rule_is_what_s3_applies_on_any_prefix() {
        use Status::{Fail, Pass};
        let glacier = LifecycleRule { transitions: vec![tier(1, "GLACIER")], ..rule("archive", "archive/") };
        assert_eq!(statuses(vec![layout_rule(), glacier]), [Fail, Pass, Pass]);
        let sooner = LifecycleRule { transitions: vec![tier(10, LIFECYCLE_TIER_CLASS)], ..rule("soon", "hot/") };
        assert_eq!(statuses(vec![layout_rule(), sooner]), [Fail, Pass, Pass]);
        let dropped =
            LifecycleRule { noncurrent_version_expiration: expire_noncurrent(1), ..rule("drafts", "drafts/") };
        assert_eq!(statuses(vec![layout_rule(), dropped]), [Pass, Fail, Pass]);
        let expires = LifecycleRule {
            expiration: Some(Expiration { days: Some(7), date: None, expired_object_delete_marker: None }),
            ..rule("expire", "")
        };
        assert_eq!(statuses(vec![layout_rule(), expires]), [Pass, Pass, Fail]);
        let f = lifecycle_findings(
            BUCKET,
            &Lifecycle {
                rules: vec![
                    layout_rule(),
                    LifecycleRule { transitions: vec![tier(1, "GLACIER")], ..rule("archive", "archive/") },
                ],
            },
        );
        assert!(f[0].actual.contains("rule archive (prefix \"archive/\"): GLACIER after 1 days"), "{}", f[0].actual);
    }

    #[test]
    fn the_whole_bucket_needs_its_own_rule_at_the_layouts_numbers() {
        use Status::{Fail, Pass};
        // The layout's rule narrowed to a prefix covers only part of the bucket.
        let narrowed = LifecycleRule {
            filter: Some(RuleFilter { prefix: Some("phi/".into()), ..RuleFilter::default() }),
            ..layout_rule()
        };
        assert_eq!(statuses(vec![narrowed]), [Fail, Fail, Pass]);
        let late = LifecycleRule {
            transitions: vec![tier(90, LIFECYCLE_TIER_CLASS)],
            noncurrent_version_expiration: expire_noncurrent(365),
            ..layout_rule()
        };
        assert_eq!(statuses(vec![late]), [Fail, Fail, Pass]);
        let keeps_newest = LifecycleRule {
            noncurrent_version_expiration: Some(NoncurrentVersionExpiration {
                noncurrent_days: Some(90),
                newer_noncurrent_versions: Some(5),
            }),
            ..layout_rule()
        };
        assert_eq!(statuses(vec![keeps_newest]), [Pass, Fail, Pass]);
        assert_eq!(statuses(vec![]), [Fail, Fail, Pass]);
    }

    #[test]
    fn a_public_statement_beside_the_deny_is_seen() {
        let deny = layout_statement(BUCKET);
        let doc = json!({"Statement": [deny.clone()]});
        assert_eq!(policy_public_finding(BUCKET, Some(&doc)).status, Status::Pass);
        assert_eq!(policy_public_finding(BUCKET, None).status, Status::Pass);
        let public = json!({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                            "Resource": format!("{}/*", bucket_arn(BUCKET))});
        let f = policy_public_finding(BUCKET, Some(&json!({"Statement": [deny, public]})));
        assert_eq!((f.status, f.property.as_str()), (Status::Fail, "PolicyStatus.IsPublic"));
        assert!(f.actual.contains("Statement[1] (PublicRead) allows s3:GetObject to everyone"), "{}", f.actual);
    }

    const DR_BUCKET: &str = "data-x-dr";
    const ROLE: &str = "arn:aws:iam::123456789012:role/replication-x";

    /// The layout's replication rule on `prefix`, as GetBucketReplication reports it on AWS.
    fn replication_rule(id: &str, prefix: &str) -> ReplicationRule {
        use stackproof_harness::facts::s3::{Destination, SourceSelectionCriteria, StatusOf};
        let on = || Some(StatusOf { status: Some("Enabled".into()) });
        ReplicationRule {
            id: Some(id.into()),
            priority: Some(1),
            status: "Enabled".into(),
            filter: Some(RuleFilter { prefix: Some(prefix.into()), ..RuleFilter::default() }),
            prefix: None,
            delete_marker_replication: on(),
            source_selection_criteria: Some(SourceSelectionCriteria {
                sse_kms_encrypted_objects: on(),
                replica_modifications: None,
            }),
            destination: Some(Destination {
                bucket: bucket_arn(DR_BUCKET),
                account: None,
                storage_class: Some("STANDARD".into()),
                encryption_configuration: None,
                replication_time: None,
                metrics: None,
            }),
        }
    }

    /// Every failing property of a configuration judged as on AWS.
    fn replication_failures(rules: Vec<ReplicationRule>) -> Vec<String> {
        let config = Replication { role: ROLE.into(), rules };
        let (role, dr) = (Ok(ROLE.to_owned()), Ok(DR_BUCKET.to_owned()));
        let mut findings = replication_config_findings(BUCKET, &config, &role, &dr, false);
        findings.extend(config.rules.iter().flat_map(|r| replication_rule_findings(BUCKET, r, &dr, false)));
        findings
            .into_iter()
            .filter(|f| f.status != Status::Pass)
            .map(|f| format!("{}: {}", f.property, f.actual))
            .collect()
    }

    #[test]
    fn on_aws_every_replication_rule_is_judged_on_what_moto_cannot_show() {
        let main = || replication_rule("replicate-all-to-dr", "");
        assert_eq!(replication_failures(vec![main()]), Vec::<String>::new());
        // A second rule on a prefix that replicates everything the same way is harmless.
        assert_eq!(replication_failures(vec![main(), replication_rule("urgent", "urgent/")]), Vec::<String>::new());
        // The only rule narrowed to a prefix leaves the other objects unreplicated.
        let narrowed = replication_failures(vec![replication_rule("replicate-all-to-dr", "phi/")]);
        assert_eq!(narrowed, ["Filter: prefix \"phi/\" (rule replicate-all-to-dr)"]);
        // A second rule without delete markers or SSE-KMS objects breaks them for its objects.
        let mut urgent = replication_rule("urgent", "urgent/");
        urgent.delete_marker_replication = None;
        urgent.source_selection_criteria = None;
        assert_eq!(
            replication_failures(vec![main(), urgent]),
            [
                "DeleteMarkerReplication: absent (rule urgent)",
                "SourceSelectionCriteria.SseKmsEncryptedObjects: absent (rule urgent)"
            ]
        );
        // Another destination, or a disabled rule, is named with its rule.
        let mut elsewhere = replication_rule("elsewhere", "x/");
        elsewhere.status = "Disabled".into();
        if let Some(d) = elsewhere.destination.as_mut() {
            d.bucket = bucket_arn("trail-x");
        }
        assert_eq!(
            replication_failures(vec![main(), elsewhere]),
            ["Rule.Status: Disabled (rule elsewhere)", "Destination.Bucket: arn:aws:s3:::trail-x (rule elsewhere)"]
        );
    }

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/key"));
        assert!(wildcard("arn:aws:s3:::b*", "arn:aws:s3:::b"));
        assert!(wildcard("*", "anything"));
        assert!(wildcard("arn:aws:s3:::?", "arn:aws:s3:::b"));
        assert!(!wildcard("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
        assert!(!wildcard("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/key"));
        assert!(!wildcard("arn:aws:s3:::b", "arn:aws:s3:::bb"));
    }
}

//! The layout's audit trail: multi-region with global service events, log file validation,
//! logging management events to the stack's trail bucket, encrypted with the primary key.
//!
//! The selectors are judged on every field: what each records (management events, reads and
//! writes), every event source it leaves out (ExcludeManagementEventSources), and every negative
//! condition of an advanced selector (an excluded data-event resource, a left-out event source).
//!
//! Emulator gaps (moto 5.2.5): GetEventSelectors answers empty lists for a trail created without
//! selectors (AWS reports the default: all management events, read and write), so the selector
//! finding of the compliant trail is skipped there; selectors that are put are answered as put,
//! so their breakages are proven. moto never delivers log files, so it never reports a delivery
//! error: LatestDeliveryError is judged on AWS only.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::kit::fact::{judge_both, judge_named};

use super::DrFacts;
use super::mutants;

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] =
    &[TRAIL_MULTI_REGION, TRAIL_LOG_FILE_VALIDATION, TRAIL_LOGGING, TRAIL_ENCRYPTED_WITH_PRIMARY_KEY];

pub const TRAIL_MULTI_REGION: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "trail_multi_region",
        service: "cloudtrail",
        title: "The trail records API activity in every region, global services included",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::High,
        risk: "A single-region trail in eu-west-2 misses everything done in the DR region (promotion, restores, key use) and IAM activity: the audit record has a hole exactly where failover happens.",
        remediation: "main.ts: trail (Cloudtrail) needs isMultiRegionTrail: true and includeGlobalServiceEvents: true.",
    },
    claims: &[
        Claim {
            property: "IsMultiRegionTrail",
            about: "The trail records API activity in every region, the DR region included",
            mutants: &[&mutants::TRAIL_SINGLE_REGION],
            not_emulated: None,
        },
        Claim {
            property: "IncludeGlobalServiceEvents",
            about: "The trail records the activity of global services (IAM, STS, CloudFront)",
            mutants: &[&mutants::TRAIL_NO_GLOBAL_EVENTS],
            not_emulated: None,
        },
    ],
    run: trail_multi_region,
};

fn trail_multi_region(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.trail;
    judge_named(n, "IsMultiRegionTrail", |t| {
        vec![
            Finding::judge(
                &n.resource,
                "IsMultiRegionTrail",
                t.is_multi_region_trail,
                true,
                t.is_multi_region_trail,
                t,
            ),
            Finding::judge(
                &n.resource,
                "IncludeGlobalServiceEvents",
                t.include_global_service_events,
                true,
                t.include_global_service_events,
                t,
            ),
        ]
    })
}

pub const TRAIL_LOG_FILE_VALIDATION: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "trail_log_file_validation",
        service: "cloudtrail",
        title: "The trail writes signed digest files so log tampering can be detected",
        citations: &["45 CFR 164.312(c)(1)", "45 CFR 164.312(c)(2)", "45 CFR 164.312(b)"],
        severity: Severity::High,
        risk: "Without digest files, an attacker who reaches the trail bucket can edit or delete log files and nobody can prove it: the audit record is no longer evidence.",
        remediation: "main.ts: trail (Cloudtrail) needs enableLogFileValidation: true.",
    },
    claims: &[Claim {
        property: "LogFileValidationEnabled",
        about: "The trail writes signed digest files so log tampering can be detected",
        mutants: &[&mutants::TRAIL_NO_LOG_VALIDATION],
        not_emulated: None,
    }],
    run: trail_log_file_validation,
};

fn trail_log_file_validation(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.trail;
    judge_named(n, "LogFileValidationEnabled", |t| {
        vec![Finding::judge(
            &n.resource,
            "LogFileValidationEnabled",
            t.log_file_validation_enabled,
            true,
            t.log_file_validation_enabled,
            t,
        )]
    })
}

pub const TRAIL_LOGGING: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "trail_logging",
        service: "cloudtrail",
        title: "The trail is logging all management events, reads and writes, to the stack's trail bucket",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.308(a)(6)(ii)"],
        severity: Severity::Critical,
        risk: "A stopped trail, or one recording only writes, leaves no record of who read or changed PHI infrastructure: incidents cannot be investigated.",
        remediation: "main.ts: trail (Cloudtrail) needs enableLogging left true (the default), no eventSelector narrowing readWriteType below All or excluding management events, and s3BucketName: trailBucket.id; restart a stopped trail with cloudtrail:StartLogging.",
    },
    claims: &[
        Claim {
            property: "IsLogging",
            about: "The trail is logging (not stopped)",
            mutants: &[&mutants::TRAIL_STOPPED],
            not_emulated: None,
        },
        Claim {
            property: "LatestDeliveryError",
            about: "The trail's last delivery of log files succeeded",
            mutants: &[],
            not_emulated: Some("moto never delivers log files, so it never reports a delivery error"),
        },
        Claim {
            property: "S3BucketName",
            about: "The trail delivers its log files to the stack's trail bucket, not another bucket",
            mutants: &[&mutants::TRAIL_OTHER_BUCKET],
            not_emulated: None,
        },
        Claim {
            property: "EventSelectors",
            about: "The selectors record every management event, reads and writes, from every event source (none excluded)",
            mutants: &[&mutants::TRAIL_WRITE_ONLY, &mutants::TRAIL_EXCLUDES_KMS_EVENTS],
            not_emulated: None,
        },
        Claim {
            property: "AdvancedEventSelectors",
            about: "No advanced selector leaves a resource, event or source out (no NotEquals, NotStartsWith or NotEndsWith condition)",
            mutants: &[&mutants::TRAIL_EXCLUDES_DATA_BUCKET],
            not_emulated: None,
        },
    ],
    run: trail_logging,
};

fn trail_logging(f: &DrFacts) -> Vec<Finding> {
    let mut findings = judge_named(&f.ops.trail_status, "IsLogging", |s| {
        let r = &f.ops.trail_status.resource;
        let error = s.latest_delivery_error.as_deref().unwrap_or("none");
        vec![
            Finding::judge(r, "IsLogging", s.is_logging, true, s.is_logging, s),
            Finding::judge(r, "LatestDeliveryError", s.latest_delivery_error.is_none(), "none", error, s),
        ]
    });
    findings.extend(judge_both((&f.ops.trail, &f.ops.trail_bucket_name), "S3BucketName", |t, bucket| {
        let r = &f.ops.trail.resource;
        let actual = t.s3_bucket_name.as_deref().unwrap_or("none");
        vec![Finding::judge(r, "S3BucketName", actual == bucket, bucket, actual, t)]
    }));
    findings.extend(judge_named(&f.ops.event_selectors, "EventSelectors", |s| {
        let r = &f.ops.event_selectors.resource;
        let management = if f.emulated && s.is_empty() {
            Finding::skip(
                r,
                "EventSelectors",
                "not emulated: moto's GetEventSelectors answers no selectors for a trail created without any",
            )
        } else {
            let gaps = s.management_gaps();
            Finding::judge(
                r,
                "EventSelectors",
                gaps.is_empty(),
                "every management event recorded, reads and writes, no event source excluded",
                if gaps.is_empty() { "all management events".to_owned() } else { gaps.join("; ") },
                s,
            )
        };
        // Every negative condition leaves something out, data events included: judged on
        // whatever selectors there are.
        let exclusions = s.exclusions();
        let advanced = Finding::judge(
            r,
            "AdvancedEventSelectors",
            exclusions.is_empty(),
            "no resource, event or source excluded",
            if exclusions.is_empty() { "none excluded".to_owned() } else { exclusions.join("; ") },
            &s.advanced_event_selectors,
        );
        vec![management, advanced]
    }));
    findings
}

pub const TRAIL_ENCRYPTED_WITH_PRIMARY_KEY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "trail_encrypted_with_primary_key",
        service: "cloudtrail",
        title: "The trail encrypts its log files with the primary region's customer key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(b)"],
        severity: Severity::High,
        risk: "Trail logs under SSE-S3 alone can be read by anyone with bucket read access; the customer key adds a second, separately audited permission.",
        remediation: "main.ts: trail (Cloudtrail) needs kmsKeyId: primaryKey.arn (the key policy's CloudTrailEncryptsLogs statement already allows it).",
    },
    claims: &[Claim {
        property: "KmsKeyId",
        about: "The trail encrypts its log files with the primary region's customer key",
        mutants: &[&mutants::TRAIL_UNENCRYPTED],
        not_emulated: None,
    }],
    run: trail_encrypted_with_primary_key,
};

fn trail_encrypted_with_primary_key(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.trail;
    judge_both((n, &f.core.key_arns.primary), "KmsKeyId", |t, key| {
        let actual = t.kms_key_id.as_deref().unwrap_or("none (SSE-S3 only)");
        vec![Finding::judge(
            &n.resource,
            "KmsKeyId",
            t.kms_key_id.as_deref().is_some_and(|k| same_key(k, key)),
            key,
            actual,
            t,
        )]
    })
}

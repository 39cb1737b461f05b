//! The layout's audit trail: multi-region with global service events, log file validation,
//! logging management events to a bucket of the layout, encrypted with the primary key.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, judge_value, per_resource};
use stackproof_harness::source::json::{blocks, is_true};

use super::{Change, Mutation, PRIMARY_REGION, SynthFacts, block_path, is_text, judge_key_in, refers_to};
use crate::dr::cloudtrail as live;

/// This service's checks, in report order.
pub const CHECKS: &[Check<SynthFacts>] =
    &[TRAIL_MULTI_REGION, TRAIL_LOG_FILE_VALIDATION, TRAIL_LOGGING, TRAIL_ENCRYPTED_WITH_PRIMARY_KEY];

pub const TRAIL_SINGLE_REGION: Mutation = Mutation {
    name: "trail-single-region",
    resource: "aws_cloudtrail.trail",
    property: "is_multi_region_trail",
    change: Change::Set("false"),
};

pub const TRAIL_LOG_VALIDATION_OFF: Mutation = Mutation {
    name: "trail-log-validation-off",
    resource: "aws_cloudtrail.trail",
    property: "enable_log_file_validation",
    change: Change::Set("false"),
};

pub const TRAIL_STOPPED: Mutation = Mutation {
    name: "trail-stopped",
    resource: "aws_cloudtrail.trail",
    property: "enable_logging",
    change: Change::Set("false"),
};

pub const TRAIL_UNENCRYPTED: Mutation = Mutation {
    name: "trail-unencrypted",
    resource: "aws_cloudtrail.trail",
    property: "kms_key_id",
    change: Change::Remove,
};

/// True if an optional flag is true or left to its default of true.
fn true_or_unset(v: Option<&Value>) -> bool {
    v.is_none() || is_true(v)
}

pub const TRAIL_MULTI_REGION: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: Cloudtrail trail isMultiRegionTrail: true, includeGlobalServiceEvents: true.",
        ..live::TRAIL_MULTI_REGION.info
    },
    claims: &[Claim {
        property: "is_multi_region_trail",
        about: "The trail records API activity in every region, global services included",
        mutants: &[&TRAIL_SINGLE_REGION],
        not_emulated: None,
    }],
    run: trail_multi_region,
};

fn trail_multi_region(f: &SynthFacts) -> Vec<Finding> {
    per_resource(&f.synth, "aws_cloudtrail", "is_multi_region_trail", |t| {
        let global = t.prop("include_global_service_events");
        vec![
            judge(t, "is_multi_region_trail", is_true(t.prop("is_multi_region_trail")), true),
            judge(t, "include_global_service_events", true_or_unset(global), "true (or unset)"),
        ]
    })
}

pub const TRAIL_LOG_FILE_VALIDATION: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: Cloudtrail trail enableLogFileValidation: true.",
        ..live::TRAIL_LOG_FILE_VALIDATION.info
    },
    claims: &[Claim {
        property: "enable_log_file_validation",
        about: "The trail writes signed digest files so log tampering can be detected",
        mutants: &[&TRAIL_LOG_VALIDATION_OFF],
        not_emulated: None,
    }],
    run: trail_log_file_validation,
};

fn trail_log_file_validation(f: &SynthFacts) -> Vec<Finding> {
    per_resource(&f.synth, "aws_cloudtrail", "enable_log_file_validation", |t| {
        vec![judge(t, "enable_log_file_validation", is_true(t.prop("enable_log_file_validation")), true)]
    })
}

pub const TRAIL_LOGGING: Check<SynthFacts> = Check {
    info: CheckInfo {
        title: "The trail is declared logging all management events, reads and writes, to a bucket of the layout",
        remediation: "stacks/dr/v1: Cloudtrail trail enableLogging left true (the default), s3BucketName: trail_bucket.id, no eventSelector narrowing readWriteType below All or excluding management events, no advancedEventSelector.",
        ..live::TRAIL_LOGGING.info
    },
    claims: &[Claim {
        property: "enable_logging",
        about: "The trail is declared logging all management events, reads and writes, to a bucket of the layout",
        mutants: &[&TRAIL_STOPPED],
        not_emulated: None,
    }],
    run: trail_logging,
};

fn trail_logging(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_cloudtrail", "enable_logging", |t| {
        let mut findings = vec![
            judge(t, "enable_logging", true_or_unset(t.prop("enable_logging")), "true (or unset)"),
            judge(
                t,
                "s3_bucket_name",
                refers_to(s, t.prop("s3_bucket_name"), "aws_s3_bucket"),
                "a bucket of this layout",
            ),
            // Advanced selectors replace the default of all management events; what they keep is
            // beyond a static reading, so they are not accepted.
            judge(t, "advanced_event_selector", blocks(t.prop("advanced_event_selector")).is_empty(), "none"),
        ];
        // Without selectors a trail records all management events; with them, one must still.
        let selectors = blocks(t.prop("event_selector"));
        let n = selectors.len();
        let all_management = |sel: &Value| {
            let rw = sel.get("read_write_type");
            true_or_unset(sel.get("include_management_events")) && (rw.is_none() || is_text(rw, "All"))
        };
        if n > 0 {
            let kept = selectors.iter().position(|sel| all_management(sel));
            let i = kept.unwrap_or(0);
            findings.push(judge_value(
                t,
                block_path("event_selector", i, n, "read_write_type"),
                selectors.get(i).and_then(|sel| sel.get("read_write_type")),
                kept.is_some(),
                "a selector including management events, read_write_type All",
            ));
        }
        findings
    })
}

pub const TRAIL_ENCRYPTED_WITH_PRIMARY_KEY: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: Cloudtrail trail kmsKeyId: primary_key.arn (its key policy's CloudTrailEncryptsLogs statement allows it).",
        ..live::TRAIL_ENCRYPTED_WITH_PRIMARY_KEY.info
    },
    claims: &[Claim {
        property: "kms_key_id",
        about: "The trail encrypts its log files with the primary region's customer key",
        mutants: &[&TRAIL_UNENCRYPTED],
        not_emulated: None,
    }],
    run: trail_encrypted_with_primary_key,
};

fn trail_encrypted_with_primary_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_cloudtrail", "kms_key_id", |t| vec![judge_key_in(s, t, "kms_key_id", PRIMARY_REGION)])
}

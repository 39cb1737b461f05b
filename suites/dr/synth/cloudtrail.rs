//! The layout's audit trail: multi-region with global service events, log file validation,
//! logging management events to a bucket of the layout, encrypted with the primary key. The
//! selectors are read into the live suite's model (`facts::cloudtrail::EventSelectors`), so what
//! they record and what they leave out is judged the same way before and after deploy.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::facts::cloudtrail::{AdvancedEventSelector, EventSelector, EventSelectors, FieldSelector};
use stackproof_harness::kit::source::{judge, judge_value, per_resource};
use stackproof_harness::source::json::{blocks, is_true};
use stackproof_harness::source::terraform::reference;

use super::{Change, Mutation, PRIMARY_REGION, SynthFacts, judge_key_in, refers_to};
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

pub const TRAIL_NO_GLOBAL_EVENTS: Mutation = Mutation {
    name: "trail-no-global-events",
    resource: "aws_cloudtrail.trail",
    property: "include_global_service_events",
    change: Change::Set("false"),
};

pub const TRAIL_BUCKET_BY_ARN: Mutation = Mutation {
    name: "trail-bucket-by-arn",
    resource: "aws_cloudtrail.trail",
    property: "s3_bucket_name",
    change: Change::Set(r#""${aws_s3_bucket.trail_bucket.arn}""#),
};

pub const TRAIL_WRITE_ONLY: Mutation = Mutation {
    name: "trail-write-only",
    resource: "aws_cloudtrail.trail",
    property: "event_selector",
    change: Change::Set(r#"[{"read_write_type": "WriteOnly", "include_management_events": true}]"#),
};

pub const TRAIL_EXCLUDES_KMS_EVENTS: Mutation = Mutation {
    name: "trail-excludes-kms-events",
    resource: "aws_cloudtrail.trail",
    property: "event_selector",
    change: Change::Set(
        r#"[{"read_write_type": "All", "include_management_events": true, "exclude_management_event_sources": ["kms.amazonaws.com"]}]"#,
    ),
};

pub const TRAIL_EXCLUDES_DATA_BUCKET: Mutation = Mutation {
    name: "trail-excludes-data-bucket",
    resource: "aws_cloudtrail.trail",
    property: "advanced_event_selector",
    change: Change::Set(
        r#"[{"name": "management", "field_selector": [{"field": "eventCategory", "equals": ["Management"]}]},
            {"name": "objects-but-phi", "field_selector": [{"field": "eventCategory", "equals": ["Data"]},
              {"field": "resources.type", "equals": ["AWS::S3::Object"]},
              {"field": "resources.ARN", "not_starts_with": ["${aws_s3_bucket.primary_bucket.arn}/"]}]}]"#,
    ),
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
    claims: &[
        Claim {
            property: "is_multi_region_trail",
            about: "The trail records API activity in every region",
            mutants: &[&TRAIL_SINGLE_REGION],
            not_emulated: None,
        },
        Claim {
            property: "include_global_service_events",
            about: "The trail records the activity of global services",
            mutants: &[&TRAIL_NO_GLOBAL_EVENTS],
            not_emulated: None,
        },
    ],
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
        remediation: "stacks/dr/v1: Cloudtrail trail enableLogging left true (the default), s3BucketName: trail_bucket.id, no eventSelector narrowing readWriteType below All, leaving out management events or excluding event sources, no advancedEventSelector with a Not* condition.",
        ..live::TRAIL_LOGGING.info
    },
    claims: &[
        Claim {
            property: "enable_logging",
            about: "The trail is declared logging",
            mutants: &[&TRAIL_STOPPED],
            not_emulated: None,
        },
        Claim {
            property: "s3_bucket_name",
            about: "The trail delivers to a bucket of the layout, named by its id (or bucket)",
            mutants: &[&TRAIL_BUCKET_BY_ARN],
            not_emulated: None,
        },
        Claim {
            property: "event_selector",
            about: "The selectors (none: the default) record every management event, reads and writes, from every event source",
            mutants: &[&TRAIL_WRITE_ONLY, &TRAIL_EXCLUDES_KMS_EVENTS],
            not_emulated: None,
        },
        Claim {
            property: "advanced_event_selector",
            about: "No advanced selector leaves a resource, event or source out",
            mutants: &[&TRAIL_EXCLUDES_DATA_BUCKET],
            not_emulated: None,
        },
    ],
    run: trail_logging,
};

fn trail_logging(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_cloudtrail", "enable_logging", |t| {
        let bucket = t.prop("s3_bucket_name");
        // A reference to a bucket's id or name; its ARN is no bucket name.
        let by_name = bucket
            .and_then(|v| reference(v).and(v.as_str()))
            .is_some_and(|r| r.ends_with(".id}") || r.ends_with(".bucket}"));
        let selectors = selectors(t.prop("event_selector"), t.prop("advanced_event_selector"));
        // Without selectors a trail records all management events (AWS's default).
        let gaps = if selectors.is_empty() { Vec::new() } else { selectors.management_gaps() };
        let exclusions = selectors.exclusions();
        vec![
            judge(t, "enable_logging", true_or_unset(t.prop("enable_logging")), "true (or unset)"),
            judge(
                t,
                "s3_bucket_name",
                refers_to(s, bucket, "aws_s3_bucket") && by_name,
                "the id (name) of a bucket of this layout",
            ),
            judge_value(
                t,
                "event_selector",
                t.prop("event_selector").or(t.prop("advanced_event_selector")),
                gaps.is_empty(),
                "every management event recorded, reads and writes, no event source excluded",
            ),
            judge_value(
                t,
                "advanced_event_selector",
                t.prop("advanced_event_selector"),
                exclusions.is_empty(),
                "no resource, event or source excluded",
            ),
        ]
    })
}

/// The trail's selector blocks as the live suite's model reads them.
fn selectors(basic: Option<&Value>, advanced: Option<&Value>) -> EventSelectors {
    let texts = |v: Option<&Value>| blocks(v).iter().filter_map(|x| x.as_str()).map(str::to_owned).collect::<Vec<_>>();
    EventSelectors {
        event_selectors: blocks(basic)
            .iter()
            .map(|b| EventSelector {
                read_write_type: b.get("read_write_type").and_then(Value::as_str).map(str::to_owned),
                include_management_events: b.get("include_management_events").map(|v| is_true(Some(v))),
                data_resources: Vec::new(),
                exclude_management_event_sources: texts(b.get("exclude_management_event_sources")),
            })
            .collect(),
        advanced_event_selectors: blocks(advanced)
            .iter()
            .map(|b| AdvancedEventSelector {
                name: b.get("name").and_then(Value::as_str).map(str::to_owned),
                field_selectors: blocks(b.get("field_selector"))
                    .iter()
                    .map(|f| FieldSelector {
                        field: f.get("field").and_then(Value::as_str).unwrap_or_default().to_owned(),
                        equals: texts(f.get("equals")),
                        not_equals: texts(f.get("not_equals")),
                        starts_with: texts(f.get("starts_with")),
                        not_starts_with: texts(f.get("not_starts_with")),
                        ends_with: texts(f.get("ends_with")),
                        not_ends_with: texts(f.get("not_ends_with")),
                    })
                    .collect(),
            })
            .collect(),
    }
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

//! Breakages of the cloudtrail checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const TRAIL_SINGLE_REGION: Mutant = Mutant {
    name: "trail-single-region",
    about: "the trail created with IsMultiRegionTrail=false",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "IsMultiRegionTrail",
};

pub const TRAIL_NO_GLOBAL_EVENTS: Mutant = Mutant {
    name: "trail-no-global-events",
    about: "the trail created without global service events, in its home region only (AWS and moto refuse a multi-region trail without them)",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "IncludeGlobalServiceEvents",
};

pub const TRAIL_NO_LOG_VALIDATION: Mutant = Mutant {
    name: "trail-no-log-validation",
    about: "the trail created with EnableLogFileValidation=false",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "LogFileValidationEnabled",
};

pub const TRAIL_STOPPED: Mutant = Mutant {
    name: "trail-stopped",
    about: "StopLogging on the trail after creation",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "IsLogging",
};

pub const TRAIL_OTHER_BUCKET: Mutant = Mutant {
    name: "trail-other-bucket",
    about: "the trail delivering its log files to the primary data bucket instead of the trail bucket",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "S3BucketName",
};

pub const TRAIL_WRITE_ONLY: Mutant = Mutant {
    name: "trail-write-only",
    about: "an event selector recording management events with ReadWriteType WriteOnly (reads of PHI infrastructure unrecorded)",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "EventSelectors",
};

pub const TRAIL_EXCLUDES_KMS_EVENTS: Mutant = Mutant {
    name: "trail-excludes-kms-events",
    about: "an event selector recording all management events except those of kms.amazonaws.com (ExcludeManagementEventSources)",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "EventSelectors",
};

pub const TRAIL_EXCLUDES_DATA_BUCKET: Mutant = Mutant {
    name: "trail-excludes-data-bucket",
    about: "advanced selectors recording all management events and S3 data events on every object but the primary data bucket's (resources.ARN NotStartsWith)",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "AdvancedEventSelectors",
};

pub const TRAIL_UNENCRYPTED: Mutant = Mutant {
    name: "trail-unencrypted",
    about: "the trail created without KmsKeyId",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "KmsKeyId",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &TRAIL_SINGLE_REGION,
    &TRAIL_NO_GLOBAL_EVENTS,
    &TRAIL_NO_LOG_VALIDATION,
    &TRAIL_STOPPED,
    &TRAIL_OTHER_BUCKET,
    &TRAIL_WRITE_ONLY,
    &TRAIL_EXCLUDES_KMS_EVENTS,
    &TRAIL_EXCLUDES_DATA_BUCKET,
    &TRAIL_UNENCRYPTED,
];

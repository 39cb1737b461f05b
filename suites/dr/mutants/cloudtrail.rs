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

pub const TRAIL_UNENCRYPTED: Mutant = Mutant {
    name: "trail-unencrypted",
    about: "the trail created without KmsKeyId",
    output: o::TRAIL_NAME,
    nth: 0,
    property: "KmsKeyId",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[&TRAIL_SINGLE_REGION, &TRAIL_NO_LOG_VALIDATION, &TRAIL_STOPPED, &TRAIL_UNENCRYPTED];

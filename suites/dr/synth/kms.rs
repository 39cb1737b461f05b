//! The layout's customer keys, one per region: enabled, rotating at least yearly.
//!
//! A key is created enabled unless `is_enabled` says otherwise, so the synth can show a key the
//! layout disables; a key disabled after deploy is a state only the live suite can see.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, per_resource};
use stackproof_harness::source::json::{is_true, number};

use super::{Change, Mutation, SynthFacts};
use crate::dr::kms as live;
use crate::shared::kms::MAX_ROTATION_DAYS;

/// This service's checks, in report order.
pub const CHECKS: &[Check<SynthFacts>] = &[KMS_KEYS_ENABLED, KMS_KEYS_ROTATE];

pub const PRIMARY_KEY_DISABLED: Mutation = Mutation {
    name: "primary-key-disabled",
    resource: "aws_kms_key.primary_key",
    property: "is_enabled",
    change: Change::Set("false"),
};

pub const DR_KEY_ROTATION_OFF: Mutation = Mutation {
    name: "dr-key-rotation-off",
    resource: "aws_kms_key.dr_key",
    property: "enable_key_rotation",
    change: Change::Set("false"),
};

pub const PRIMARY_KEY_ROTATION_OFF: Mutation = Mutation {
    name: "primary-key-rotation-off",
    resource: "aws_kms_key.primary_key",
    property: "enable_key_rotation",
    change: Change::Remove,
};

pub const DR_KEY_ROTATES_EVERY_TWO_YEARS: Mutation = Mutation {
    name: "dr-key-rotates-every-two-years",
    resource: "aws_kms_key.dr_key",
    property: "rotation_period_in_days",
    change: Change::Set("730"),
};

pub const KMS_KEYS_ENABLED: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: leave isEnabled unset (or true) on every KmsKey (primary_key, dr_key).",
        ..live::KMS_KEYS_ENABLED.info
    },
    claims: &[Claim {
        property: "is_enabled",
        about: "No aws_kms_key of the layout sets is_enabled false (a key the layout creates is customer managed)",
        mutants: &[&PRIMARY_KEY_DISABLED],
        not_emulated: None,
    }],
    run: kms_keys_enabled,
};

fn kms_keys_enabled(f: &SynthFacts) -> Vec<Finding> {
    per_resource(&f.synth, "aws_kms_key", "is_enabled", |k| {
        vec![judge(k, "is_enabled", k.prop("is_enabled").is_none_or(|v| is_true(Some(v))), true)]
    })
}

pub const KMS_KEYS_ROTATE: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: set enableKeyRotation: true on every KmsKey (primary_key, dr_key), rotationPeriodInDays at most 365 where set.",
        ..live::KMS_KEYS_ROTATE.info
    },
    claims: &[
        Claim {
            property: "enable_key_rotation",
            about: "Every aws_kms_key of the layout sets enable_key_rotation true",
            mutants: &[&DR_KEY_ROTATION_OFF, &PRIMARY_KEY_ROTATION_OFF],
            not_emulated: None,
        },
        Claim {
            property: "rotation_period_in_days",
            about: "A key that sets rotation_period_in_days rotates at least once a year (unset is AWS's 365)",
            mutants: &[&DR_KEY_ROTATES_EVERY_TWO_YEARS],
            not_emulated: None,
        },
    ],
    run: kms_keys_rotate,
};

fn kms_keys_rotate(f: &SynthFacts) -> Vec<Finding> {
    per_resource(&f.synth, "aws_kms_key", "enable_key_rotation", |k| {
        let mut findings = vec![judge(k, "enable_key_rotation", is_true(k.prop("enable_key_rotation")), true)];
        if let Some(period) = k.prop("rotation_period_in_days") {
            let ok = number(Some(period)).is_some_and(|d| d <= f64::from(MAX_ROTATION_DAYS));
            findings.push(judge(k, "rotation_period_in_days", ok, format!("at most {MAX_ROTATION_DAYS}")));
        }
        findings
    })
}

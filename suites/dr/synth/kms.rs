//! The layout's customer keys, one per region: they rotate.
//!
//! `kms_keys_enabled` has no static form: main.ts does not declare `isEnabled` (a key is created
//! enabled), and a key disabled after deploy is a state only the live suite can see.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, per_resource};
use stackproof_harness::source::json::is_true;

use super::{Change, Mutation, SynthFacts};
use crate::dr::kms as live;

/// This service's checks, in report order.
pub const CHECKS: &[Check<SynthFacts>] = &[KMS_KEYS_ROTATE];

pub const DR_KEY_ROTATION_OFF: Mutation = Mutation {
    name: "dr-key-rotation-off",
    resource: "aws_kms_key.dr_key",
    property: "enable_key_rotation",
    change: Change::Set("false"),
};

pub const KMS_KEYS_ROTATE: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: set enableKeyRotation: true on every KmsKey (primary_key, dr_key).",
        ..live::KMS_KEYS_ROTATE.info
    },
    claims: &[Claim {
        property: "enable_key_rotation",
        about: "Both regions' customer keys rotate automatically",
        mutants: &[&DR_KEY_ROTATION_OFF],
        not_emulated: None,
    }],
    run: kms_keys_rotate,
};

fn kms_keys_rotate(f: &SynthFacts) -> Vec<Finding> {
    per_resource(&f.synth, "aws_kms_key", "enable_key_rotation", |k| {
        vec![judge(k, "enable_key_rotation", is_true(k.prop("enable_key_rotation")), true)]
    })
}

//! Every customer key of the layout rotates.

use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::is_true;

use super::{Change, Mutation, SynthFacts, judge, per_resource};

pub const DR_KEY_ROTATION_OFF: Mutation = Mutation {
    name: "dr-key-rotation-off",
    resource: "aws_kms_key.dr_key",
    property: "enable_key_rotation",
    change: Change::Set("false"),
};

pub const KMS_KEYS_ROTATE: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "kms_keys_rotate",
        service: "kms",
        title: "Every KMS key of the layout, in both regions, has automatic rotation enabled",
        citations: &["45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::High,
        risk: "Key material that never rotates widens what one compromised key exposes, in either region.",
        remediation: "stacks/dr/v1: set enableKeyRotation: true on every KmsKey (primary_key, dr_key).",
    },
    mutant: &DR_KEY_ROTATION_OFF,
    run: kms_keys_rotate,
};

fn kms_keys_rotate(f: &SynthFacts) -> Vec<Finding> {
    per_resource(&f.synth, "aws_kms_key", "enable_key_rotation", |k| {
        vec![judge(k, "enable_key_rotation", is_true(k.prop("enable_key_rotation")), true)]
    })
}

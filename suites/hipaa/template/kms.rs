//! Every customer key of the template rotates.

use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::is_true;

use super::{Change, Mutation, TemplateFacts, judge, per_resource};

pub const KMS_KEYS_ROTATE: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "kms_keys_rotate",
        service: "kms",
        title: "Every KMS key the template creates has automatic rotation enabled",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Key material that never rotates widens what one compromised key exposes.",
        remediation: "template.yml: set EnableKeyRotation: true on every AWS::KMS::Key (DataKey, LogsKey).",
    },
    mutant: &KMS_ROTATION_OFF,
    run: kms_keys_rotate,
};

pub const KMS_ROTATION_OFF: Mutation = Mutation {
    name: "kms-rotation-off",
    resource: "DataKey",
    property: "EnableKeyRotation",
    change: Change::Set("false"),
};

fn kms_keys_rotate(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, "AWS::KMS::Key", "EnableKeyRotation", |k| {
        vec![judge(k, "EnableKeyRotation", is_true(k.prop("EnableKeyRotation")), true)]
    })
}

//! Every customer key of the template rotates.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, per_resource};
use stackproof_harness::source::json::is_true;

use super::{Change, Mutation, TemplateFacts};

pub const KMS_ROTATION_OFF: Mutation = Mutation {
    name: "kms-rotation-off",
    resource: "DataKey",
    property: "EnableKeyRotation",
    change: Change::Set("false"),
};

pub const KMS_KEY_ROTATION_ENABLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every KMS key the template creates rotates automatically",
        remediation: "template.yml: set EnableKeyRotation: true on every AWS::KMS::Key (DataKey, LogsKey).",
        ..crate::hipaa::kms::KMS_KEY_ROTATION_ENABLED.info
    },
    claims: &[Claim {
        property: "EnableKeyRotation",
        about: "Every KMS key the template creates rotates automatically",
        mutants: &[&KMS_ROTATION_OFF],
        not_emulated: None,
    }],
    run: kms_key_rotation_enabled,
};

fn kms_key_rotation_enabled(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, "AWS::KMS::Key", "EnableKeyRotation", |k| {
        vec![judge(k, "EnableKeyRotation", is_true(k.prop("EnableKeyRotation")), true)]
    })
}
